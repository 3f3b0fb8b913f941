"""Reading an output folder back with the types of schema.py: ``pipeline.load(OUT)`` and ``csv_dtypes``.

A CSV reader guesses types, and guesses wrong for codes: pandas and polars read the CAMEO code "030" as the
number 30. The Parquet files carry their types, and ``load`` turns them into pandas columns that keep
them: categorical strings as ``category`` (a closed vocabulary with all the levels the schema allows),
nullable integers and booleans as pandas' nullable ``Int32`` and ``boolean`` (a plain integer column with a
gap would become float), dates as ``datetime64`` at midnight, timestamps in Asia/Jakarta. ``csv_dtypes``
gives pandas' ``read_csv`` the same types for the CSV files.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.output import schema
from pipeline.output.datapackage import allowed_values
from pipeline.record import PipelineError

if TYPE_CHECKING:
    import pandas as pd


class Tables(dict):
    """An output folder's tables by name, as pandas DataFrames: ``tables["events"]`` or ``tables.events``."""

    def __getattr__(self, name: str) -> "pd.DataFrame":
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no table {name!r}; loaded: {', '.join(self)}") from None

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self]


def load(out_dir: str | Path, tables: Iterable[str] | None = None) -> Tables:
    """The tables of an output folder written by ``idnews-pipeline run`` (or ``pipeline.write_outputs``), read
    from their Parquet files as pandas DataFrames typed as ``docs/data_dictionary.md`` describes.

    ``tables`` names the tables to read (default: all of them), e.g. ``("events", "event_participants")``.
    Raises ``PipelineError`` when a file is missing or its columns are not this version's.
    """
    names = list(tables) if tables is not None else [t.name for t in schema.TABLES]
    unknown = [n for n in names if n not in schema.TABLES_BY_NAME]
    if unknown:
        raise PipelineError("unknown-table", f"no table named {', '.join(unknown)}; the tables are "
                                             f"{', '.join(schema.TABLES_BY_NAME)}")
    missing = [f"{n}.parquet" for n in names if not (Path(out_dir) / f"{n}.parquet").is_file()]
    if missing:
        raise PipelineError("no-outputs", f"{out_dir} has no {', '.join(missing)}; run "
                                          f"`idnews-pipeline run INPUT --out {out_dir}` first")
    return Tables({name: frame(read_table(out_dir, name), schema.TABLES_BY_NAME[name]) for name in names})


def read_table(out_dir: str | Path, name: str) -> pa.Table:
    """``OUT/NAME.parquet`` as an Arrow table with exactly the declared schema (an older file whose columns
    match is cast to it, e.g. a float32 ``confidence`` to float64)."""
    declared = schema.TABLES_BY_NAME[name]
    path = Path(out_dir) / f"{name}.parquet"
    table = pq.read_table(path)
    if table.column_names != declared.column_names:
        absent = [c for c in declared.column_names if c not in table.column_names]
        extra = [c for c in table.column_names if c not in declared.column_names]
        raise PipelineError("schema-mismatch", f"{path}: columns differ from this version's {name} table "
                                               f"(missing: {absent or 'none'}; unknown: {extra or 'none'})")
    return table.cast(declared.arrow_schema)


def frame(table: pa.Table, declared: schema.Table) -> "pd.DataFrame":
    import pandas as pd     # imported when first needed: `import pipeline` stays quick

    levels = {column: values for (table_name, column), values in allowed_values().items()
              if table_name == declared.name}
    columns = {c.name: _series(table.column(c.name), c, levels.get(c.name)) for c in declared.columns}
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


def _series(column: pa.ChunkedArray, declared: schema.Column, levels: tuple[str, ...] | None) -> "pd.Series":
    """One column as pandas: a closed categorical with every level the schema allows (not only those in the
    data, so the frames of two runs concatenate as categoricals), a text column typed even when empty."""
    import pandas as pd

    mapper = _nullable_dtypes().get if declared.nullable else None
    series = column.to_pandas(types_mapper=mapper, date_as_object=False).rename(declared.name)
    if pa.types.is_dictionary(declared.type) and levels:
        unlisted = sorted(set(series.dropna()) - set(levels))     # a value this version does not list is kept
        return series.astype(pd.CategoricalDtype([*levels, *unlisted]))
    if pa.types.is_string(declared.type) and series.dtype != _text_dtype():
        return series.astype(_text_dtype())         # an empty or all-missing column comes back as object
    return series


@lru_cache(maxsize=1)
def _text_dtype():
    """The dtype pandas gives a text column that has text (pandas 3: ``str``; pandas 2: object)."""
    return pa.chunked_array([pa.array(["text"])]).to_pandas().dtype


@lru_cache(maxsize=1)
def _nullable_dtypes() -> dict:
    """pandas' nullable dtypes for the Arrow types whose nulls numpy cannot hold (an int column with a gap
    would turn float, a bool column object)."""
    import pandas as pd

    return {pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
            pa.bool_(): pd.BooleanDtype()}


def csv_dtypes(name: str) -> dict[str, str]:
    """pandas ``read_csv(dtype=...)`` for ``NAME.csv``: text and codes as ``string`` (categorical ones too:
    pandas' ``category`` would infer "030" as the number 30 again), integers as nullable ``Int32``, booleans
    as ``boolean``, numbers as ``float64``. Dates and
    timestamps are left out: name them in ``parse_dates``. Read with ``keep_default_na=False,
    na_values=[""]``, since only an empty cell is missing (a text "NA" is text)."""
    dtypes = {}
    for column in schema.TABLES_BY_NAME[name].columns:
        dtype = _csv_dtype(column.type)
        if dtype:
            dtypes[column.name] = dtype
    return dtypes


def _csv_dtype(type_: pa.DataType) -> str | None:
    if pa.types.is_dictionary(type_) or pa.types.is_string(type_):
        return "string"
    if pa.types.is_integer(type_):
        return f"Int{type_.bit_width}"
    if pa.types.is_boolean(type_):
        return "boolean"
    if pa.types.is_floating(type_):
        return "float64"
    return None           # dates and timestamps: parse_dates


def csv_date_columns(name: str) -> list[str]:
    """The date and timestamp columns of ``NAME.csv``, for pandas' ``parse_dates``."""
    return [c.name for c in schema.TABLES_BY_NAME[name].columns if _csv_dtype(c.type) is None]


READR_CODES = (("string", "c"), ("dictionary", "c"), ("int", "i"), ("double", "d"), ("float", "d"),
               ("bool", "l"), ("date32", "D"), ("timestamp", "T"))


def readr_col_types(name: str) -> str:
    """R readr's compact ``col_types`` for ``NAME.csv``, one letter a column: c (text and codes), i, d, l
    (``true``/``false``), D (ISO date), T (ISO timestamp with offset, read as UTC)."""
    return "".join(_readr_code(c.type) for c in schema.TABLES_BY_NAME[name].columns)


def _readr_code(type_: pa.DataType) -> str:
    text = str(type_)
    for prefix, code in READR_CODES:
        if text.startswith(prefix):
            return code
    raise ValueError(f"no readr column type for Arrow type {type_}; add it to pipeline/output/load.py")

"""Optional Hive-partitioned copy of the Parquet tables: ``OUT/by_year/TABLE/year=YYYY/part-0.parquet``.

Every table keyed by article is split by the year its article was published (Asia/Jakarta), so an article's
mentions, events and participants always sit in the same year folder and joins stay within one partition.
``inputs`` and ``errors`` carry no publication date and are not partitioned. Articles without a date go to
``year=__HIVE_DEFAULT_PARTITION__`` (read back as a null year by pyarrow, pandas and DuckDB). The copy is
staged with the flat tables and swapped in with them (pipeline/output/swap.py).
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.output.swap import Staging

YEAR = "year"
PARTITIONING = ds.partitioning(pa.schema([(YEAR, pa.int16())]), flavor="hive")
UNPARTITIONED = ("inputs", "errors")
NO_YEAR = "__HIVE_DEFAULT_PARTITION__"
PART_FILE = "part-0.parquet"


def publication_years(articles: pa.Table) -> dict[str, int | None]:
    """article_id → year of publication in the timestamp's own time zone (WIB), None when unknown."""
    years = pc.year(articles["published_at"]).to_pylist()
    return dict(zip(articles["article_id"].to_pylist(), years))


def year_folder(year: int | None) -> str:
    return f"{YEAR}={NO_YEAR if year is None else year}"


def by_year(table: pa.Table, years: dict[str, int | None]) -> dict[int | None, pa.Table]:
    """The table's rows split by their article's year, each part in the table's own row order."""
    column = pa.array([years.get(a) for a in table["article_id"].to_pylist()], type=pa.int16())
    return {year: table.filter(pc.is_null(column) if year is None else pc.equal(column, year))
            for year in dict.fromkeys(column.to_pylist())}


def stage_partitioned(tables: dict[str, pa.Table], staged: Staging, target: Path) -> None:
    """Write the year partitions of ``tables`` into a staged folder that replaces ``target`` on commit."""
    years = publication_years(tables["articles"])
    staged.folder(target)
    for name, table in tables.items():
        if name in UNPARTITIONED:
            continue
        for year, part in by_year(table, years).items():
            with staged.open_in(target, f"{name}/{year_folder(year)}/{PART_FILE}") as handle:
                pq.write_table(part, handle, compression="zstd")

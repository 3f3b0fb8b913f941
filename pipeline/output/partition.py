"""Optional Hive-partitioned copy of the Parquet tables: ``OUT/by_year/TABLE/year=YYYY/part-0.parquet``.

Every table keyed by article is split by the year its article was published (Asia/Jakarta), so an article's
mentions, events and participants always sit in the same year folder and joins stay within one partition.
``inputs`` and ``errors`` carry no publication date and are not partitioned. Articles without a date go to
``year=__HIVE_DEFAULT_PARTITION__`` (read back as a null year by pyarrow, pandas and DuckDB).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.output import swap as outputs
from pipeline.output import schema
from pipeline.output.layout import PARTITION_DIR

YEAR = "year"
PARTITIONING = ds.partitioning(pa.schema([(YEAR, pa.int16())]), flavor="hive")
UNPARTITIONED = ("inputs", "errors")


def publication_years(articles: pa.Table) -> dict[str, int | None]:
    """article_id → year of publication in the timestamp's own time zone (WIB), None when unknown."""
    years = pc.year(articles["published_at"]).to_pylist()
    return dict(zip(articles["article_id"].to_pylist(), years))


def with_year(table: pa.Table, years: dict[str, int | None]) -> pa.Table:
    column = pa.array([years.get(a) for a in table["article_id"].to_pylist()], type=pa.int16())
    return table.append_column(YEAR, column)


def _write_table(table: pa.Table, folder: Path) -> None:
    ds.write_dataset(table, folder, format="parquet", partitioning=PARTITIONING,
                     basename_template="part-{i}.parquet", existing_data_behavior="error", use_threads=False,
                     file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"))


def write_partitioned(built: dict[str, pa.Table], out_dir: Path) -> Path:
    """Write ``OUT/by_year`` beside the flat tables; the previous copy is replaced only once the new one is complete."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    years = publication_years(built["articles"])
    staging = Path(tempfile.mkdtemp(prefix=f".{PARTITION_DIR}.", suffix=".tmp", dir=out_dir))
    try:
        staging.chmod(outputs.folder_mode())        # mkdtemp makes it private (0700)
        for name, table in built.items():
            if name not in UNPARTITIONED:
                _write_table(with_year(table, years), staging / name)
        _swap_in(staging, out_dir / PARTITION_DIR)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir / PARTITION_DIR


def read_flat_tables(out_dir: Path) -> dict[str, pa.Table]:
    """The tables ``write_tables`` wrote into ``out_dir`` (``NAME.parquet``), by name."""
    return {t.name: pq.read_table(Path(out_dir) / f"{t.name}.parquet") for t in schema.TABLES}


def update_partitioned(out_dir: Path, enabled: bool) -> Path | None:
    """Rewrite ``OUT/by_year`` from the flat tables, or remove a stale copy an earlier run left there."""
    if enabled:
        return write_partitioned(read_flat_tables(out_dir), out_dir)
    shutil.rmtree(Path(out_dir) / PARTITION_DIR, ignore_errors=True)
    return None


def _swap_in(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    retired = target.with_name(f".{target.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    os.replace(target, retired)
    os.replace(staging, target)
    shutil.rmtree(retired, ignore_errors=True)

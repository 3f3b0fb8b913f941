"""Optional Hive-partitioned copy of the Parquet tables: ``OUT/by_year/TABLE/year=YYYY/part-0.parquet``.

Every table keyed by article is split by the year its article was published (WIB), so an article's
mentions, events and participants always sit in the same year folder and joins stay within one partition.
``inputs`` and ``errors`` carry no publication date, and ``events`` and ``event_participants`` gather several
articles: they are not partitioned. Articles without a date go to
``year=__HIVE_DEFAULT_PARTITION__`` (read back as a null year by pyarrow, pandas and DuckDB). The copy is
written while the flat tables are (batch by batch, in their order) into a staged folder that is swapped in
with them (pipeline/swap.py).
"""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.swap import Staging

YEAR = "year"
PARTITIONING = ds.partitioning(pa.schema([(YEAR, pa.int16())]), flavor="hive")
UNPARTITIONED = ("inputs", "errors", "events", "event_participants", "dyads",
                 "membership_history")   # no article: not by year
NO_YEAR = "__HIVE_DEFAULT_PARTITION__"
PART_FILE = "part-0.parquet"
BUFFER_BYTES = 16 << 20        # rows held for all of a table's year files together before the largest is written


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


class YearPartitions:
    """The year files of every table, filled batch by batch (``articles`` first: it gives each article's
    year) in a folder staged to replace ``target``."""

    def __init__(self, staged: Staging, target: Path):
        self.staged, self.target = staged, target
        self.years: dict[str, int | None] = {}
        self.files = ExitStack()
        self.writers: dict[tuple[str, int | None], pq.ParquetWriter] = {}
        self.pending: dict[tuple[str, int | None], list[pa.Table]] = {}
        staged.folder(target)

    def __enter__(self) -> YearPartitions:
        return self

    def __exit__(self, failed, *exc) -> None:
        if failed is None:
            self.close()
        else:
            self.files.close()        # the staged folder is thrown away with the rest

    def add(self, table: str, batch: pa.Table) -> None:
        if table in UNPARTITIONED:
            return
        if table == "articles":
            self.years.update(publication_years(batch))
        for year, rows in by_year(batch, self.years).items():
            self.pending.setdefault((table, year), []).append(rows)
        while sum(rows.nbytes for parts in self.pending.values() for rows in parts) > BUFFER_BYTES:
            self._write(max(self.pending, key=lambda key: sum(rows.nbytes for rows in self.pending[key])))

    def close(self) -> None:
        """Write what is pending and close every file (staged with the folder)."""
        for key in list(self.pending):
            self._write(key)
        with self.files:
            for writer in self.writers.values():
                writer.close()

    def _write(self, key: tuple[str, int | None]) -> None:
        rows = pa.concat_tables(self.pending.pop(key)).combine_chunks()
        if key not in self.writers:
            table, year = key
            part = f"{table}/{year_folder(year)}/{PART_FILE}"
            handle = self.files.enter_context(self.staged.open_in(self.target, part))
            self.writers[key] = pq.ParquetWriter(handle, rows.schema, compression="zstd")
        self.writers[key].write_table(rows)

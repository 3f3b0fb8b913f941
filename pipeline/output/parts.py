"""Table parts: each finished chunk's rows on disk, and their merge into the final tables.

While a run goes, every chunk's rows are written as one Parquet part per table (``LOCATION/TABLE/NAME.parquet``)
by whoever annotated the chunk: this process, a worker process, or a Dask worker, which writes straight to the
shared location (a folder, or any fsspec URL: ``s3://``, ``gs://``, ``file://``). A part holds its rows in the
table's order (schema.py ``sort_by``). Every row of one article sits in one part, and the tables are ordered by
article first (``articles`` by source_path, one row per article; the others by article_id), so the final
order is a merge of the parts on that first key. ``merged`` reads at most ``MAX_FAN_IN`` parts at a time, a
batch of each, and merges more parts in rounds (runs of parts, written to a local scratch folder, then runs of
runs), so its memory does not grow with the corpus. The rows come out in the order one sort of the whole
table gives.
"""
from __future__ import annotations

import posixpath
import uuid
from typing import Iterable, Iterator

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.output import schema

MAX_FAN_IN = 32              # parts read at once in a merge; more are merged in rounds (each open part holds buffers)
BATCH_BYTES = 256 << 10      # at most about this much of each part is in memory at a time during a merge
PART_COMPRESSION = "lz4"     # parts live for one run: fast beats small


def part_path(location: str, table: str, name: str) -> str:
    """Where a part goes: a path or URL below ``location``."""
    return posixpath.join(str(location).rstrip("/"), table, f"{name}.parquet")


def write_part(path: str, rows: pa.Table) -> str:
    """Write one part (or run) of a table to ``path`` (a path or fsspec URL); returns ``path``."""
    fs, where = fsspec.core.url_to_fs(path)
    fs.makedirs(posixpath.dirname(where), exist_ok=True)
    with fs.open(where, "wb") as handle:
        pq.write_table(rows, handle, compression=PART_COMPRESSION, row_group_size=rows_per_batch(rows))
    return path


def rows_per_batch(rows: pa.Table) -> int:
    """Rows of about BATCH_BYTES: a part's row groups are that small, so a merge holds one of each part."""
    return max(1, rows.num_rows * BATCH_BYTES // max(1, rows.nbytes))


def part_batches(path: str, columns: list[str] | None = None) -> Iterator[tuple[pa.Table, bool]]:
    """A part's rows (``columns``: only those), in batches of about BATCH_BYTES each, with True for the last."""
    fs, where = fsspec.core.url_to_fs(path)
    with fs.open(where, "rb") as handle:
        part = pq.ParquetFile(handle, pre_buffer=False)
        rows = part.metadata.num_rows
        size = sum(part.metadata.row_group(i).total_byte_size for i in range(part.num_row_groups))
        batch_rows = max(1, min(rows, rows * BATCH_BYTES // max(1, size)))
        seen = 0
        for batch in part.iter_batches(batch_size=batch_rows, columns=columns, use_threads=False):
            seen += batch.num_rows
            if batch.num_rows:
                yield pa.Table.from_batches([batch]), seen >= rows


def read_columns(paths: list[str], columns: list[str]) -> Iterator[pa.Table]:
    """Some columns of a table's parts, batch by batch, in no particular order."""
    for path in paths:
        for batch, _ in part_batches(path, columns):
            yield batch


def remove_location(location: str) -> None:
    """Delete a folder (or URL prefix) of parts and everything below it; nothing if it is not there."""
    fs, where = fsspec.core.url_to_fs(str(location))
    if fs.exists(where):
        fs.rm(where, recursive=True)


def merged(table: schema.Table, paths: list[str], scratch: str) -> Iterator[pa.Table]:
    """The rows of the parts ``paths`` of ``table`` in the table's order, batch by batch; merges of more than
    MAX_FAN_IN parts go through sorted runs written below ``scratch`` (and deleted once read)."""
    runs = []
    while len(paths) > MAX_FAN_IN:
        paths = [_merge_into_run(table, paths[i:i + MAX_FAN_IN], scratch) for i in range(0, len(paths), MAX_FAN_IN)]
        runs += paths
    yield from merge_sorted([part_batches(path) for path in paths], merge_key(table))
    for run in runs:
        remove_location(run)


def merge_key(table: schema.Table) -> str:
    """The column parts are merged on: the first of the table's order (one article's rows are all in one part)."""
    return table.sort_by[0]


def _merge_into_run(table: schema.Table, paths: list[str], scratch: str) -> str:
    run = part_path(scratch, f"{table.name}.runs", uuid.uuid4().hex)
    fs, where = fsspec.core.url_to_fs(run)
    fs.makedirs(posixpath.dirname(where), exist_ok=True)
    with fs.open(where, "wb") as handle, pq.ParquetWriter(handle, table.arrow_schema,
                                                          compression=PART_COMPRESSION) as writer:
        for rows in _regrouped(merge_sorted([part_batches(path) for path in paths], merge_key(table))):
            writer.write_table(rows, row_group_size=rows_per_batch(rows))
    return run


def _regrouped(batches: Iterable[pa.Table]) -> Iterator[pa.Table]:
    """The batches joined into runs of at least BATCH_BYTES. A run is written in row groups of about that size,
    so merging runs reads one row group of each at a time: never a whole run, which would hold the table."""
    group: list[pa.Table] = []
    for batch in batches:
        group.append(batch)
        if sum(rows.nbytes for rows in group) >= BATCH_BYTES:
            yield pa.concat_tables(group)
            group = []
    if group:
        yield pa.concat_tables(group)


def merge_sorted(sources: Iterable[Iterator[tuple[pa.Table, bool]]], key: str) -> Iterator[pa.Table]:
    """Sorted streams of batches (each with True for a stream's last) → one sorted stream. Each stream's rows
    are in order of ``key`` (in any order within one key), and all rows of one key come from one stream. Rows
    not read yet lie beyond the last key of their stream's current batch, so each round takes, from every
    current batch, the rows up to the smallest such key among streams with more to come (all rows when none
    has), and sorts just those (stably)."""
    heads = [head for source in sources if (head := _next(source)) is not None]
    while heads:
        more = [batch[key][-1].as_py() for batch, last, _ in heads if not last]
        bound = min(more) if more else None
        taken, remaining = [], []
        for batch, last, source in heads:
            n = batch.num_rows if bound is None else pc.sum(pc.less_equal(batch[key], bound)).as_py() or 0
            if n:
                taken.append(batch.slice(0, n))
            if n < batch.num_rows:
                remaining.append((batch.slice(n), last, source))
            elif not last and (head := _next(source)) is not None:
                remaining.append(head)
        heads = remaining
        rows = pa.concat_tables(taken)
        yield rows.take(pc.sort_indices(rows, [(key, "ascending")]))


def _next(source: Iterator[tuple[pa.Table, bool]]) -> tuple[pa.Table, bool, Iterator] | None:
    head = next(source, None)
    return None if head is None else (*head, source)

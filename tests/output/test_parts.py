"""Table parts and their merge: the streamed tables are the ones a single sort of all rows gives, however the
rows were cut into parts, batches and merge rounds."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import run
from pipeline.knowledge import load_knowledge
from pipeline.output import parts
from pipeline.settings import RunOptions, Settings
from tests.paths import CORPUS_DIR

NO_NER = Settings(use_ner=False)


def stream(rows: list[tuple[str, int]], batch: int) -> list[tuple[pa.Table, bool]]:
    """One part's rows (sorted by key), cut into batches of ``batch`` rows, the last one marked."""
    table = pa.table({"key": [k for k, _ in rows], "n": [n for _, n in rows]})
    cuts = list(range(0, len(rows), batch))
    return [(table.slice(start, batch), start == cuts[-1]) for start in cuts]


def test_merge_sorted_gives_the_order_of_one_sort():
    rng = random.Random(3)
    keys = [f"{rng.randrange(16**6):06x}" for _ in range(300)]
    # every key's rows (1-4 of them, in their own order) in one part; parts of all sizes, batches of 1-7 rows
    by_part: list[list[tuple[str, int]]] = [[] for _ in range(9)]
    for key in dict.fromkeys(keys):
        by_part[rng.randrange(9)] += [(key, n) for n in range(rng.randint(1, 4))]
    streams = [iter(stream(sorted(rows, key=lambda r: r[0]), rng.randint(1, 7))) for rows in by_part if rows]
    merged = pa.concat_tables(parts.merge_sorted(streams, "key"))
    expected = sorted((row for rows in by_part for row in rows), key=lambda r: r[0])
    assert list(zip(merged["key"].to_pylist(), merged["n"].to_pylist())) == expected


def test_a_merged_run_is_read_back_a_row_group_at_a_time(tmp_path, monkeypatch):
    """Runs of runs are read one batch of each at a time; a run written as one row group would be read whole
    (a Parquet row group is the least a reader decodes), and the last round would hold the whole table."""
    monkeypatch.setattr(parts, "BATCH_BYTES", 4000)
    rng = random.Random(5)
    keys = sorted(f"{rng.randrange(16**8):08x}" for _ in range(3000))
    # 30 small parts, each read in one batch, so one merge round takes them all
    sources = [parts.write_part(str(tmp_path / "parts" / f"{i}.parquet"),
                                pa.table({"article_id": keys[i::30], "n": list(range(len(keys[i::30])))}))
               for i in range(30)]
    table = type("T", (), {"name": "t", "sort_by": ("article_id",),
                           "arrow_schema": pa.schema([("article_id", pa.string()), ("n", pa.int64())])})()
    run_path = parts._merge_into_run(table, sources, str(tmp_path / "scratch"))
    groups = pq.ParquetFile(run_path).metadata
    sizes = [groups.row_group(i).total_byte_size for i in range(groups.num_row_groups)]
    assert groups.num_rows == len(keys) and len(sizes) > 5 and max(sizes) < 4 * parts.BATCH_BYTES
    assert pq.read_table(run_path)["article_id"].to_pylist() == keys


def tables_of(options: RunOptions, out: Path) -> dict[str, bytes]:
    result = run.process_folder(CORPUS_DIR, NO_NER, load_knowledge(), options=options)
    return {p.name: p.read_bytes() for p in run.write_outputs(result, out)}


def test_tables_do_not_depend_on_parts_batches_or_merge_rounds(tmp_path, monkeypatch):
    whole = tables_of(RunOptions(chunk_size=64), tmp_path / "one_part")
    monkeypatch.setattr(parts, "MAX_FAN_IN", 2)          # 13 parts: merged in rounds of runs of runs
    monkeypatch.setattr(parts, "BATCH_BYTES", 2000)      # and read a few rows at a time
    cut = tables_of(RunOptions(chunk_size=1), tmp_path / "thirteen_parts")
    assert cut == whole
    assert not list((tmp_path / "thirteen_parts").glob(".*.tmp"))


def test_a_warm_run_makes_no_rows_until_the_tables_are_written(tmp_path):
    options = RunOptions(cache_dir=tmp_path / "cache", output_dir=tmp_path / "out")
    cold = run.process_folder(CORPUS_DIR, NO_NER, load_knowledge(), options=options)
    assert cold.parts.paths["articles"] and cold.parts.cached_pages == 0
    warm = run.process_folder(CORPUS_DIR, NO_NER, load_knowledge(), options=options)
    assert warm.parts.paths == {} and warm.parts.cached_pages == cold.n_articles == warm.n_articles
    written = run.write_outputs(warm, tmp_path / "warm")
    assert {p.name: p.read_bytes() for p in written} == {p.name: p.read_bytes()
                                                         for p in run.write_outputs(cold, tmp_path / "cold")}
    assert run.write_outputs(warm, tmp_path / "again") and (tmp_path / "again" / "articles.csv").read_bytes() == \
        (tmp_path / "cold" / "articles.csv").read_bytes()                  # written twice, the same


def test_parts_are_removed_with_the_run_and_leftovers_of_a_killed_run_too(tmp_path):
    from pipeline.__main__ import main

    out = tmp_path / "out"
    leftover = out / ".parts" / "run-killed" / "articles"
    leftover.mkdir(parents=True)
    (leftover / "00000001.parquet").write_bytes(b"from a run that was killed")
    folder = tmp_path / "in"
    shutil.copytree(CORPUS_DIR, folder)
    assert main(["run", str(folder), "--out", str(out), "--no-ner", "--quiet", "--workers", "1"]) == 0
    assert not (out / ".parts").exists()


@pytest.mark.parametrize("location", ["folder", "file-url"])
def test_parts_go_where_they_are_asked_to(tmp_path, location):
    target = tmp_path / "shared_parts"
    url = str(target) if location == "folder" else f"file://{target}"
    options = RunOptions(parts_url=url, chunk_size=4)
    result = run.process_folder(CORPUS_DIR, NO_NER, load_knowledge(), options=options)
    written = result.parts.paths["articles"]
    assert len(written) == 4 and all(p.startswith(url) for p in written)
    assert {p.name: p.read_bytes() for p in run.write_outputs(result, tmp_path / "out")} == \
        tables_of(RunOptions(), tmp_path / "plain")

"""Worker processes: the same tables byte for byte whatever the number of workers, and dead workers reported."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import run
from pipeline.engine.chunk import Task, WorkItem, failed_task
from pipeline.knowledge import load_knowledge
from pipeline.record import Page
from pipeline.settings import Settings
from tests.paths import REPO_DIR

REPO = REPO_DIR
CORPUS = REPO / "corpus"
NO_NER = Settings(use_ner=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The whole corpus plus a duplicate and two bad inputs, so every table and status has rows."""
    folder = tmp_path_factory.mktemp("parallel_in")
    shutil.copytree(CORPUS, folder, dirs_exist_ok=True)
    shutil.copy(next(CORPUS.glob("000_*.txt")), folder / "zz_copy_of_000.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.html").write_bytes(bytes(range(256)) * 8)
    return folder


def tables_of(folder: Path, out: Path, workers: int) -> tuple[run.RunResult, dict[str, bytes]]:
    options = run.RunOptions(workers=workers, chunk_size=2)        # several chunks, finishing in any order
    result = run.process_folder(folder, NO_NER, load_knowledge(), options=options)
    return result, {p.name: p.read_bytes() for p in run.write_outputs(result, out)}


def test_one_or_two_workers_write_byte_identical_tables(folder, tmp_path):
    one, by_one = tables_of(folder, tmp_path / "w1", workers=1)
    two, by_two = tables_of(folder, tmp_path / "w2", workers=2)
    assert by_one.keys() == by_two.keys() and len(by_one) == 29    # 14 tables twice, datapackage.json
    for name in by_one:
        assert by_one[name] == by_two[name], name
    assert one.problems == two.problems
    assert two.computed["events"] == two.n_articles > 4
    assert pq.read_table(tmp_path / "w2" / "inputs.parquet").num_rows == len(one.inputs)


def test_the_pool_reports_stage_times_from_its_workers(folder, tmp_path):
    two, _ = tables_of(folder, tmp_path / "w2", workers=2)
    assert two.seconds_per_stage["clean"] > 0 and two.seconds_per_stage["events"] > 0


def test_a_chunk_whose_worker_died_becomes_error_rows(knowledge):
    page = Page("abc", "a.txt", "teks", "utf_8", "txt")
    items = [WorkItem(0, page, "clean"), WorkItem(1, page, "events")]
    failed = failed_task(Task(7, items), RuntimeError("killed by the OOM killer"))
    assert [(p.source_path, p.stage, p.kind) for p in failed.problems] == [
        ("a.txt", "clean", "internal"), ("a.txt", "events", "internal")]
    assert "OOM" in failed.problems[0].message and not failed.parts and failed.articles == 0
    assert "killed by the OOM killer" in failed.tracebacks[0]          # for the run's log


def test_knowledge_survives_pickling_for_worker_processes(knowledge):
    import pickle

    copy = pickle.loads(pickle.dumps(knowledge))
    assert copy.digest == knowledge.digest
    assert copy.lexicons.keys() == knowledge.lexicons.keys()
    assert copy.rules == knowledge.rules

"""The Dask engine on a LocalCluster of two workers writes the same tables as the local engine."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import run
from pipeline.knowledge import load_knowledge
from pipeline.settings import Settings
from tests.paths import CORPUS_DIR

distributed = pytest.importorskip("distributed")

CORPUS = CORPUS_DIR
NO_NER = Settings(use_ner=False)


def tables(options: run.RunOptions, out: Path) -> tuple[run.RunResult, dict[str, bytes]]:
    result = run.process_folder(CORPUS, NO_NER, load_knowledge(), options=options)
    return result, {p.name: p.read_bytes() for p in run.write_outputs(result, out)}


def test_a_two_worker_cluster_writes_the_same_tables_as_the_local_engine(tmp_path):
    local, expected = tables(run.RunOptions(workers=1), tmp_path / "local")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        options = run.RunOptions(engine="dask", scheduler=cluster.scheduler_address, chunk_size=2,
                                 cache_dir=tmp_path / "cache")
        on_dask, written = tables(options, tmp_path / "dask")
        assert on_dask.computed["events"] == len(local.articles)
        again, _ = tables(options, tmp_path / "dask_again")          # all from the cache: no task submitted
    assert written == expected
    assert again.cached["events"] == len(local.articles) and not again.computed


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    from pipeline.engine import dask_runner
    from pipeline.record import PipelineError

    monkeypatch.setattr(dask_runner, "CONNECT_TIMEOUT", "1s")
    options = run.RunOptions(engine="dask", scheduler="tcp://127.0.0.1:9", chunk_size=2)
    with pytest.raises(PipelineError, match="cannot reach the Dask scheduler"):
        run.process_folder(CORPUS, NO_NER, load_knowledge(), options=options)

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
        assert on_dask.computed["events"] == local.n_articles
        again, _ = tables(options, tmp_path / "dask_again")          # all from the cache: no task submitted
    assert written == expected
    assert again.cached["events"] == local.n_articles and not again.computed


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    from pipeline.engine import dask_runner
    from pipeline.record import PipelineError

    monkeypatch.setattr(dask_runner, "CONNECT_TIMEOUT", "1s")
    options = run.RunOptions(engine="dask", scheduler="tcp://127.0.0.1:9", chunk_size=2)
    with pytest.raises(PipelineError, match="cannot reach the Dask scheduler"):
        run.process_folder(CORPUS, NO_NER, load_knowledge(), options=options)


def test_workers_write_their_parts_to_the_parts_url_and_only_counts_come_back(tmp_path, monkeypatch):
    from pipeline.engine.driver import Driver

    local, expected = tables(run.RunOptions(workers=1), tmp_path / "local")
    returned = []
    original = Driver.finished

    def finished(self, summary):
        returned.append(summary)
        original(self, summary)

    monkeypatch.setattr(Driver, "finished", finished)
    shared = tmp_path / "shared"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        options = run.RunOptions(engine="dask", scheduler=cluster.scheduler_address, chunk_size=3,
                                 cache_dir=tmp_path / "cache", parts_url=f"file://{shared}")
        on_dask, written = tables(options, tmp_path / "dask")
    assert written == expected
    articles = on_dask.parts.paths["articles"]
    assert articles and all(p.startswith(f"file://{shared}/") for p in articles)
    # what came back: counts and problems; no rows, no cache entries (the workers saw the cache and wrote it)
    assert sum(s.articles for s in returned) == local.n_articles and all(not s.entries for s in returned)
    assert (tmp_path / "cache" / "events").is_dir()


def test_a_worker_that_cannot_see_the_parts_location_stops_the_run_with_a_clear_error(tmp_path, monkeypatch):
    from pipeline.engine import chunk
    from pipeline.record import PipelineError

    monkeypatch.setattr(chunk, "has_marker", lambda location, token: False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        options = run.RunOptions(engine="dask", scheduler=cluster.scheduler_address, chunk_size=3)
        with pytest.raises(PipelineError, match="cannot see the parts location"):
            run.process_folder(CORPUS, NO_NER, load_knowledge(), options=options)


def test_workers_that_cannot_see_the_cache_send_its_entries_back(tmp_path, monkeypatch):
    from pipeline.engine import chunk

    cache_dir = tmp_path / "cache"
    seen = chunk.has_marker
    monkeypatch.setattr(chunk, "has_marker", lambda location, token: location != str(cache_dir) and
                        seen(location, token))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        options = run.RunOptions(engine="dask", scheduler=cluster.scheduler_address, chunk_size=3,
                                 cache_dir=cache_dir)
        first = run.process_folder(CORPUS, NO_NER, load_knowledge(), options=options)
    again = run.process_folder(CORPUS, NO_NER, load_knowledge(), options=run.RunOptions(cache_dir=cache_dir))
    assert first.computed["events"] == first.n_articles and first.cache_stats["events write-error"] == 0
    assert not again.computed and again.cached["events"] == first.n_articles

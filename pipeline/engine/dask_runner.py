"""The Dask engine: the pipeline's chunk function over the same chunks, on a Dask distributed cluster.

``--engine dask --scheduler tcp://HOST:8786`` uses a running cluster; without an address a LocalCluster of
``--workers`` processes is started. A worker plugin hands every worker the knowledge and loads the NER model
once per worker process, so a task carries only its articles. This process still reads the inputs, looks up
and writes the cache, and writes the tables: workers need the ``pipeline`` package (same version) and the model
files at the same ``--model-dir`` path, but no shared disk. Nothing Dask-specific lives outside this module.
"""
from __future__ import annotations

import threading
from typing import Iterator

from pipeline.engine import worker as process_state
from pipeline.engine.chunk import ChunkFunction, ChunkResult, WorkItem, failed_chunk
from pipeline.knowledge import Knowledge
from pipeline.record import PipelineError
from pipeline.settings import Settings

PLUGIN_NAME = "idnews-pipeline-state"
CONNECT_TIMEOUT = "30s"       # a scheduler that has not answered by then is down or the address is wrong
TASKS_PER_WORKER = 4          # chunks in flight per worker: enough to keep it busy, few enough to bound memory
_ONE_AT_A_TIME = threading.Lock()   # a worker with several threads must not share the tagger concurrently

try:
    from distributed import Client, LocalCluster, WorkerPlugin, as_completed
except ImportError:            # the optional extra is not installed; run_chunks says how to fix it
    Client = None
    WorkerPlugin = object


class PipelineState(WorkerPlugin):
    """Runs once on every worker (also workers that join later): knowledge in memory, model loaded."""

    def __init__(self, annotate_chunk: ChunkFunction, settings: Settings, knowledge: Knowledge, load_model: bool):
        self.annotate_chunk, self.settings, self.knowledge = annotate_chunk, settings, knowledge
        self.load_model = load_model

    def setup(self, worker) -> None:
        process_state.init_worker(self.annotate_chunk, self.settings, self.knowledge, self.load_model, torch_threads=1)


def annotate(items: list[WorkItem]) -> ChunkResult:
    with _ONE_AT_A_TIME:
        return process_state.annotate(items)


def run_chunks(annotate_chunk: ChunkFunction, chunks: list[list[WorkItem]], settings: Settings,
               knowledge: Knowledge, scheduler: str | None, workers: int) -> Iterator[ChunkResult]:
    if Client is None:
        raise PipelineError("dask-missing", "the Dask engine needs dask.distributed: "
                                            "pip install 'idnews-pipeline[dask]'")
    client, cluster = _connect(scheduler, workers)
    try:
        state = PipelineState(annotate_chunk, settings, knowledge, process_state.needs_tagger(chunks, settings))
        client.register_plugin(state, name=PLUGIN_NAME)
        yield from _map(client, chunks, max(1, len(client.scheduler_info()["workers"])) * TASKS_PER_WORKER)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(scheduler: str | None, workers: int):
    try:
        if scheduler:
            return Client(scheduler, timeout=CONNECT_TIMEOUT), None
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster), cluster
    except (OSError, TimeoutError) as exc:
        raise PipelineError("dask-unreachable", f"cannot reach the Dask scheduler {scheduler} ({exc}); "
                                                "check the address and that the scheduler is running") from None


def _map(client, chunks: list[list[WorkItem]], in_flight: int) -> Iterator[ChunkResult]:
    """Submit chunks as earlier ones finish (at most ``in_flight`` queued), yield results as they arrive."""
    waiting = iter(chunks)
    submitted = {}
    for chunk in _take(waiting, in_flight):
        submitted[client.submit(annotate, chunk, pure=False, retries=1)] = chunk
    running = as_completed(list(submitted))
    for future in running:
        chunk = submitted.pop(future)
        try:
            yield future.result()
        except Exception as exc:  # noqa: BLE001 - a lost worker must not lose the other chunks
            yield failed_chunk(chunk, exc)
        future.release()
        for more in _take(waiting, 1):
            new = client.submit(annotate, more, pure=False, retries=1)
            submitted[new] = more
            running.add(new)


def _take(iterator, n: int) -> list:
    return [item for _, item in zip(range(n), iterator)]

"""The Dask engine: the same tasks, on a Dask distributed cluster.

``--engine dask --scheduler tcp://HOST:8786`` uses a running cluster; without an address a LocalCluster of
``--workers`` processes is started. A worker plugin hands every worker the knowledge and the task context
once, and the NER model is loaded once per worker process, so a task carries only its articles. Workers write
their chunks' rows as table parts to the run's parts location themselves (a shared folder, or an fsspec URL
with ``--parts-url``), and the cache entries into the cache folder when they see it (else the entries come
back to this process, which writes them): only counts and problems come back. This process reads the inputs,
looks up the cache and, at the end, merges the parts into the tables. Nothing Dask-specific lives outside
this module.
"""
from __future__ import annotations

import threading
from typing import Iterator

from pipeline.engine import worker as process_state
from pipeline.engine.chunk import ChunkFunction, ChunkSummary, Task, TaskContext, as_seen_here, failed_task
from pipeline.knowledge import Knowledge
from pipeline.record import PipelineError
from pipeline.settings import Settings

PLUGIN_NAME = "idnews-pipeline-state"
CONNECT_TIMEOUT = "30s"       # a scheduler that has not answered by then is down or the address is wrong
TASKS_PER_WORKER = 4          # chunks in flight per worker: enough to keep it busy, few enough to bound memory
_ONE_AT_A_TIME = threading.Lock()   # a worker with several threads must not share the tagger concurrently

try:
    from distributed import Client, LocalCluster, WorkerPlugin, as_completed
except ImportError:            # the optional extra is not installed; run_tasks says how to fix it
    Client = None
    WorkerPlugin = object


class PipelineState(WorkerPlugin):
    """Runs once on every worker (also workers that join later): knowledge and task context in memory."""

    def __init__(self, annotate_chunk: ChunkFunction, settings: Settings, knowledge: Knowledge,
                 context: TaskContext):
        self.annotate_chunk, self.settings, self.knowledge, self.context = annotate_chunk, settings, knowledge, context

    def setup(self, worker) -> None:
        """Also checks that this worker sees the run's parts location (PipelineError, raised by register_plugin
        on the client, if not) and its cache folder (else the cache entries go back to the client)."""
        process_state.init_worker(self.annotate_chunk, self.settings, self.knowledge, as_seen_here(self.context),
                                  torch_threads=1)


def run(task: Task) -> ChunkSummary:
    with _ONE_AT_A_TIME:
        return process_state.run(task)


def run_tasks(annotate_chunk: ChunkFunction, tasks: Iterator[Task], settings: Settings, knowledge: Knowledge,
              context: TaskContext, scheduler: str | None, workers: int) -> Iterator[ChunkSummary]:
    if Client is None:
        raise PipelineError("dask-missing", "the Dask engine needs dask.distributed: "
                                            "pip install 'idnews-pipeline[dask]'")
    client, cluster = _connect(scheduler, workers)
    try:
        client.register_plugin(PipelineState(annotate_chunk, settings, knowledge, context), name=PLUGIN_NAME)
        yield from _map(client, tasks, max(1, len(client.scheduler_info()["workers"])) * TASKS_PER_WORKER)
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


def _map(client, tasks: Iterator[Task], in_flight: int) -> Iterator[ChunkSummary]:
    """Submit tasks as earlier ones finish (at most ``in_flight`` queued), yield summaries as they arrive."""
    submitted = {}
    for task in _take(tasks, in_flight):
        submitted[client.submit(run, task, pure=False, retries=1)] = task
    running = as_completed(list(submitted))
    for future in running:
        task = submitted.pop(future)
        try:
            yield future.result()
        except (OSError, PipelineError):     # the parts cannot be written or seen: the run cannot go on
            raise
        except Exception as exc:  # noqa: BLE001 - a lost worker must not lose the other chunks
            yield failed_task(task, exc)
        future.release()
        for more in _take(tasks, 1):
            new = client.submit(run, more, pure=False, retries=1)
            submitted[new] = more
            running.add(new)


def _take(iterator, n: int) -> list:
    return [item for _, item in zip(range(n), iterator)]

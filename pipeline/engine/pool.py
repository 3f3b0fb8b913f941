"""Engines that run tasks (chunks of work, pipeline/engine/chunk.py) as the run hands them out: this process, a
pool of worker processes, or (``--engine dask``) a Dask cluster (pipeline/engine/dask_runner.py).

Tasks are taken from the run one at a time and only a few per worker are in flight, so the pages waiting for a
worker stay few however large the corpus. Each worker process keeps the knowledge and, once a chunk needs it,
the NER model (pipeline/engine/worker.py), and then runs task after task. Results come back in completion
order; the tables do not depend on it (the parts are merged in the tables' order). Workers are forked from a
clean ``forkserver`` process rather than from the caller, which may hold threads (a progress bar, Dask, PyArrow)
that a plain fork would copy half-locked.
"""
from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Iterator

from pipeline.engine import worker
from pipeline.engine.chunk import ChunkFunction, ChunkSummary, Task, TaskContext, failed_task, run_task
from pipeline.knowledge import Knowledge
from pipeline.compiled import Compiled
from pipeline.record import PipelineError
from pipeline.settings import RunOptions, Settings

TASKS_PER_WORKER = 2          # in flight per worker process: one running, one waiting


def run_tasks(annotate_chunk: ChunkFunction, tasks: Iterator[Task], settings: Settings, compiled: Compiled,
              tagger, context: TaskContext, options: RunOptions) -> Iterator[ChunkSummary]:
    """Every task, on the engine ``options`` name; summaries in completion order. Other processes are sent the
    knowledge as loaded (small) and compile it themselves."""
    first = list(itertools.islice(tasks, 2))
    tasks = itertools.chain(first, tasks)
    if not first:
        return
    if options.engine == "dask":
        from pipeline.engine import dask_runner   # the optional extra, imported only when asked for

        yield from dask_runner.run_tasks(annotate_chunk, tasks, settings, compiled.knowledge, context,
                                         options.scheduler, options.workers)
    elif options.workers <= 1 or len(first) == 1:
        yield from _in_process(annotate_chunk, tasks, settings, compiled, tagger, context,
                               torch_threads(options.workers))
    else:
        yield from _in_pool(annotate_chunk, tasks, settings, compiled.knowledge, context, options.workers)


def torch_threads(workers: int) -> int:
    """Cores per worker. Never more threads than that: on a busy 2-core machine, two torch threads in one
    process tagged the corpus 40x slower than one (spinning OpenMP threads starve the working one)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _in_process(annotate_chunk: ChunkFunction, tasks: Iterator[Task], settings: Settings, compiled: Compiled,
                tagger, context: TaskContext, threads: int) -> Iterator[ChunkSummary]:
    for task in tasks:
        if tagger is None and worker.needs_tagger(task.items, settings):
            tagger = worker.load_tagger(settings, threads)
        yield run_task(task, annotate_chunk, compiled, tagger, context)


def _in_pool(annotate_chunk: ChunkFunction, tasks: Iterator[Task], settings: Settings, knowledge: Knowledge,
             context: TaskContext, workers: int) -> Iterator[ChunkSummary]:
    mp_context = multiprocessing.get_context("forkserver")
    mp_context.set_forkserver_preload(["pipeline.engine.worker"])
    initargs = (annotate_chunk, settings, knowledge, context, torch_threads(workers))
    with ProcessPoolExecutor(workers, mp_context=mp_context, initializer=_pool_worker, initargs=initargs) as pool:
        running: dict[Future, Task] = {}
        for task in tasks:
            if len(running) >= workers * TASKS_PER_WORKER:
                yield from _finished(running)
            running[pool.submit(worker.run, task)] = task
        while running:
            yield from _finished(running)


def _finished(running: dict[Future, Task]) -> Iterator[ChunkSummary]:
    """Wait for at least one task; the summaries of those done (a dead worker's as error rows)."""
    done, _ = wait(running, return_when=FIRST_COMPLETED)
    for future in done:
        task = running.pop(future)
        try:
            yield future.result()
        except (OSError, PipelineError):     # the parts cannot be written: the run cannot go on
            raise
        except Exception as exc:  # noqa: BLE001 - a dead worker must not lose the other chunks
            yield failed_task(task, exc)


def _pool_worker(*initargs) -> None:
    """A pool worker's initializer: also exit when the run that started it is gone (even after SIGKILL)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_when_closed, args=(parent.sentinel,), daemon=True).start()
    worker.init_worker(*initargs)


def _exit_when_closed(sentinel) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)   # an orphaned worker holding a loaded model must not linger

"""Engines that run the pipeline's chunk function over chunks of work: this process, a pool of worker
processes, or (``--engine dask``) a Dask cluster (pipeline/engine/dask_runner.py).

Each worker process loads the knowledge and the NER model once (the pool's initializer, pipeline/engine/worker.py)
and then annotates chunk after chunk. Results come back in completion order; the run puts them back in input
order, so the tables do not depend on the number of workers. Workers are forked from a clean ``forkserver``
process rather than from the caller, which may hold threads (a progress bar, Dask, PyArrow) that a plain fork
would copy half-locked.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Iterator

from pipeline.engine import worker
from pipeline.engine.chunk import ChunkFunction, ChunkResult, WorkItem, failed_chunk
from pipeline.knowledge import Knowledge
from pipeline.settings import RunOptions, Settings

def _pool_worker(*initargs) -> None:
    """A pool worker's initializer: also exit when the run that started it is gone (even after SIGKILL)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_when_closed, args=(parent.sentinel,), daemon=True).start()
    worker.init_worker(*initargs)


def _exit_when_closed(sentinel) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)   # an orphaned worker holding a loaded model must not linger


def run_chunks(annotate_chunk: ChunkFunction, chunks: list[list[WorkItem]], settings: Settings,
               knowledge: Knowledge, tagger, options: RunOptions) -> Iterator[ChunkResult]:
    """``annotate_chunk`` over every chunk, on the engine ``options`` name; results in completion order."""
    if not chunks:
        return
    if options.engine == "dask":
        from pipeline.engine import dask_runner   # the optional extra, imported only when asked for

        yield from dask_runner.run_chunks(annotate_chunk, chunks, settings, knowledge, options.scheduler,
                                          options.workers)
    elif min(options.workers, len(chunks)) <= 1:
        yield from _in_process(annotate_chunk, chunks, settings, knowledge, tagger, torch_threads(options.workers))
    else:
        yield from _in_pool(annotate_chunk, chunks, settings, knowledge, min(options.workers, len(chunks)))


def torch_threads(workers: int) -> int:
    """Cores per worker. Never more threads than that: on a busy 2-core machine, two torch threads in one
    process tagged the corpus 40x slower than one (spinning OpenMP threads starve the working one)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _in_process(annotate_chunk: ChunkFunction, chunks, settings: Settings, knowledge: Knowledge, tagger,
                threads: int) -> Iterator[ChunkResult]:
    if tagger is None and worker.needs_tagger(chunks, settings):
        import torch

        torch.set_num_threads(threads)
        tagger = worker.load_tagger(settings)
    for chunk in chunks:
        yield annotate_chunk(chunk, knowledge, tagger)


def _in_pool(annotate_chunk: ChunkFunction, chunks, settings: Settings, knowledge: Knowledge,
             workers: int) -> Iterator[ChunkResult]:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.engine.worker"])
    initargs = (annotate_chunk, settings, knowledge, worker.needs_tagger(chunks, settings), torch_threads(workers))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_pool_worker, initargs=initargs) as pool:
        futures = {pool.submit(worker.annotate, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker must not lose the other chunks
                yield failed_chunk(futures[future], exc)

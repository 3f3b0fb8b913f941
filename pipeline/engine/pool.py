"""Engines that run ``run.annotate_chunk`` over chunks of work: this process, or a pool of worker processes.

Each worker process compiles the knowledge and loads the NER model once (the pool's initializer), then annotates
chunk after chunk. Results come back in completion order; ``run.py`` puts them back in input order, so the
tables do not depend on the number of workers. Workers are forked from a clean ``forkserver`` process rather
than from the caller, which may hold threads (a progress bar, Dask, PyArrow) that a plain fork would copy
half-locked. The Dask engine (pipeline/engine/dask_runner.py) reuses ``init_worker`` and ``annotate``.
"""
from __future__ import annotations

import copyreg
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from types import MappingProxyType
from typing import Iterator

from pipeline import run
from pipeline.knowledge import Knowledge
from pipeline.knowledge.compiled import Compiled, compile_knowledge
from pipeline.record import Problem
from pipeline.settings import Settings

_WORKER: dict = {}   # this process's compiled knowledge and tagger, set by init_worker


def _mappingproxy(data: dict) -> MappingProxyType:
    return MappingProxyType(data)


# Knowledge holds read-only MappingProxyType views, which pickle cannot copy by default.
copyreg.pickle(MappingProxyType, lambda proxy: (_mappingproxy, (dict(proxy),)))


def needs_tagger(chunks: list[list[run.WorkItem]], settings: Settings) -> bool:
    return settings.use_ner and any(item.start != "events" for chunk in chunks for item in chunk)


def init_worker(settings: Settings, knowledge: Knowledge, load_model: bool, torch_threads: int) -> None:
    """Once per worker process: compile the knowledge (once per digest), load the NER model (once per process
    and model folder). The run compiled the same knowledge before reading any page, so this cannot fail on it."""
    if load_model:
        import torch

        torch.set_num_threads(torch_threads)
    _WORKER["compiled"] = compile_knowledge(knowledge)
    _WORKER["tagger"] = run.load_tagger(settings) if load_model else None


def _pool_worker(settings: Settings, knowledge: Knowledge, load_model: bool, torch_threads: int) -> None:
    """A pool worker's initializer: also exit when the run that started it is gone (even after SIGKILL)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_when_closed, args=(parent.sentinel,), daemon=True).start()
    init_worker(settings, knowledge, load_model, torch_threads)


def _exit_when_closed(sentinel) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)   # an orphaned worker holding a loaded model must not linger


def annotate(items: list[run.WorkItem]) -> run.ChunkResult:
    return run.annotate_chunk(items, _WORKER["compiled"], _WORKER["tagger"])


def failed_chunk(items: list[run.WorkItem], exc: BaseException) -> run.ChunkResult:
    """A chunk whose worker died: every article in it becomes an internal-error row (never cached)."""
    results = []
    for item in items:
        problem = Problem(item.page.source_path, run.FIRST_STEP[item.start], "internal",
                          f"the worker process failed ({type(exc).__name__}: {exc}); re-run to retry these "
                          "articles, and report it if it repeats", item.page.article_id)
        results.append(run.ItemResult(item.index, {item.start: problem}))
    return run.ChunkResult(results, {})


def run_chunks(chunks: list[list[run.WorkItem]], settings: Settings, compiled: Compiled, tagger,
               options: run.RunOptions) -> Iterator[run.ChunkResult]:
    """Workers are sent the knowledge as loaded (small) and compile it themselves."""
    if not chunks:
        return
    if options.engine == "dask":
        from pipeline.engine import dask_runner

        yield from dask_runner.run_chunks(chunks, settings, compiled.knowledge, options.scheduler, options.workers)
    elif min(options.workers, len(chunks)) <= 1:
        yield from _in_process(chunks, settings, compiled, tagger, torch_threads(options.workers))
    else:
        yield from _in_pool(chunks, settings, compiled.knowledge, min(options.workers, len(chunks)))


def torch_threads(workers: int) -> int:
    """Cores per worker. Never more threads than that: on a busy 2-core machine, two torch threads in one
    process tagged the corpus 40x slower than one (spinning OpenMP threads starve the working one)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _in_process(chunks, settings: Settings, compiled: Compiled, tagger,
                threads: int) -> Iterator[run.ChunkResult]:
    if tagger is None and needs_tagger(chunks, settings):
        import torch

        torch.set_num_threads(threads)
        tagger = run.load_tagger(settings)
    for chunk in chunks:
        yield run.annotate_chunk(chunk, compiled, tagger)


def _in_pool(chunks, settings: Settings, knowledge: Knowledge, workers: int) -> Iterator[run.ChunkResult]:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.engine.pool"])
    initargs = (settings, knowledge, needs_tagger(chunks, settings), torch_threads(workers))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_pool_worker, initargs=initargs) as pool:
        futures = {pool.submit(annotate, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker must not lose the other chunks
                yield failed_chunk(futures[future], exc)

"""Chunks of articles moving through the stages, and the cache around them.

The run (pipeline/run.py) looks every article up in the cache (``from_cache``): an article the cache has to
the end comes back finished, any other as a ``WorkItem`` that names the first stage still to run and holds
the state the cache has before it. An engine (pipeline/engine/pool.py, dask_runner.py) calls the run's chunk
function on chunks of work items; a ``Chunk`` carries their states from stage to stage, and an article that
fails stops at the stage that failed, as a Problem (with the traceback of an internal error, for the log).
``store`` caches what each stage computed, and ``collect`` puts the finished states back in input order.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from pipeline.engine import cache as stage_cache
from pipeline.engine.cache import MISS, Cache
from pipeline.knowledge import Knowledge
from pipeline.record import (ARTICLE_STAGES, INTERNAL, Article, InputStatus, Page, Problem, RunResult,
                             problem_from, traceback_text)


@dataclass(frozen=True)
class WorkItem:
    """An article still to annotate: ``start`` is its first stage to run, ``article`` its cached state before."""

    index: int
    page: Page
    start: str
    article: Article | None = None


@dataclass
class ItemResult:
    index: int
    done: dict[str, Article | Problem] = field(default_factory=dict)   # stage → its result, for stages run


@dataclass
class ChunkResult:
    items: list[ItemResult]
    seconds: dict[str, float]
    tracebacks: list[str] = field(default_factory=list)    # of the internal errors, for the run's log


ChunkFunction = Callable[[list[WorkItem], Knowledge, Any], ChunkResult]   # (items, knowledge, NER tagger or None)


class Chunk:
    """A chunk's articles moving through the stages; a failed article stops at the stage that failed."""

    def __init__(self, items: Sequence[WorkItem]):
        self.items = list(items)
        self.state: list[Page | Article | Problem] = [item.article or item.page for item in self.items]
        self.results = [ItemResult(item.index) for item in self.items]
        self.seconds: dict[str, float] = defaultdict(float)
        self.tracebacks: list[str] = []

    def todo(self, stage: str) -> list[int]:
        return [i for i, item in enumerate(self.items) if not isinstance(self.state[i], Problem)
                and ARTICLE_STAGES.index(stage) >= ARTICLE_STAGES.index(item.start)]

    def each(self, stage: str, fn: Callable) -> None:
        """Run ``fn`` on each article that has ``stage`` to run; a failure becomes that article's Problem."""
        for i in self.todo(stage):
            started = time.perf_counter()
            try:
                self.state[i] = fn(self.state[i])
            except Exception as exc:  # noqa: BLE001 - every failure becomes an errors row
                self.state[i] = self._failed(i, stage, exc)
            self.results[i].done[stage] = self.state[i]
            self.seconds[stage] += time.perf_counter() - started

    def batched(self, stage: str, fn: Callable) -> None:
        """Run ``fn`` over all articles at once; if that fails, one by one to isolate the bad one."""
        todo = self.todo(stage)
        if not todo:
            return
        started = time.perf_counter()
        try:
            done = fn([self.state[i] for i in todo])
        except Exception:  # noqa: BLE001 - retried per article below, where the failure is recorded
            self.seconds[stage] += time.perf_counter() - started
            self.each(stage, lambda article: fn([article])[0])
            return
        for i, article in zip(todo, done):
            self.state[i] = self.results[i].done[stage] = article
        self.seconds[stage] += time.perf_counter() - started

    def result(self) -> ChunkResult:
        return ChunkResult(self.results, dict(self.seconds), self.tracebacks)

    def _failed(self, i: int, stage: str, exc: Exception) -> Problem:
        page = self.items[i].page
        problem = problem_from(exc, page.source_path, stage, page.article_id)
        if problem.kind == INTERNAL:
            self.tracebacks.append(f"{page.source_path}: internal error in stage {stage}\n{traceback_text(exc)}")
        return problem


def failed_chunk(items: list[WorkItem], exc: BaseException) -> ChunkResult:
    """A chunk whose worker died: every article in it becomes an internal-error row (never cached)."""
    results = []
    for item in items:
        problem = Problem(item.page.source_path, item.start, INTERNAL,
                          f"the worker process failed ({type(exc).__name__}: {exc}); re-run to retry these "
                          "articles, and report it if it repeats", item.page.article_id)
        results.append(ItemResult(item.index, {item.start: problem}))
    paths = ", ".join(item.page.source_path for item in items)
    return ChunkResult(results, {}, [f"a worker failed on the chunk of {paths}\n{traceback_text(exc)}"])


def chunks_of(items: list[WorkItem], size: int) -> list[list[WorkItem]]:
    return [items[i:i + size] for i in range(0, len(items), max(1, size))]


# ---------------------------------------------------------------- the cache, article by article

def from_cache(index: int, page: Page, cache: Cache, result: RunResult) -> WorkItem | Article | Problem:
    """The article as far as the cache has it: finished (Article or Problem) or the WorkItem left to run."""
    state, content = None, stage_cache.page_key(page)
    for stage in ARTICLE_STAGES:
        entry = cache.get(stage, page.article_id, content)
        if entry is MISS:
            return WorkItem(index, page, stage, state)
        state = stage_cache.restore(state, page, entry)
        result.cached[stage] += 1
        if isinstance(state, Problem):
            return state
    return state


def store(item: WorkItem, done: ItemResult, cache: Cache, result: RunResult) -> Article | Problem:
    """Cache each stage the item ran (not internal errors: those may be transient); return its final state."""
    before, content = item.article, stage_cache.page_key(item.page)
    for stage, after in done.done.items():
        result.computed[stage] += 1
        if not (isinstance(after, Problem) and after.kind == INTERNAL):
            cache.put(stage, item.page.article_id, content, stage_cache.delta(before, after))
        before = after
    return before


def collect(finished: list[WorkItem | Article | Problem], result: RunResult) -> None:
    """Articles and problems in input order, and each failed article's input marked as an error."""
    for state in finished:
        if isinstance(state, WorkItem):        # never came back from the engine: still accounted for
            state = Problem(state.page.source_path, state.start, INTERNAL,
                            "the article was not annotated (no result came back); please report it",
                            state.page.article_id)
        if isinstance(state, Article):
            result.articles.append(state)
        elif isinstance(state, Problem):
            result.problems.append(state)
            before = result.inputs[state.source_path]
            result.inputs[state.source_path] = InputStatus(state.source_path, "error", before.article_id)

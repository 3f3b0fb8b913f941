"""Chunks of articles moving through the stages, and what a finished chunk leaves behind.

The run (pipeline/engine/driver.py) looks every article up in the cache (``from_cache``): an article the cache
has to the end comes back finished, any other as a ``WorkItem`` that names the first stage still to run and
holds the state the cache has before it. Work items go out in ``Task``s of a chunk each; whoever runs a task
(this process, a worker process, a Dask worker: ``run_task``) calls the pipeline's chunk function on it, where
a ``Chunk`` carries the states from stage to stage (an article that fails stops at that stage, as a Problem),
writes the chunk's rows as table parts (pipeline/output/parts.py) and returns a ``ChunkSummary``: counts, the
problems, and the cache entries to write (or, on a Dask worker that shares the cache folder, writes them itself).
"""
from __future__ import annotations

import posixpath
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import fsspec

from pipeline.engine import cache as stage_cache
from pipeline.engine.cache import MISS, Cache
from pipeline.compiled import Compiled
from pipeline.output import parts, tables
from pipeline.record import (ARTICLE_STAGES, INTERNAL, Article, Page, PipelineError, Problem, RunResult,
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


ChunkFunction = Callable[[list[WorkItem], Compiled, Any], ChunkResult]   # (items, knowledge, NER tagger or None)


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


# ---------------------------------------------------------------- a task: one chunk, run anywhere

@dataclass(frozen=True)
class Task:
    number: int                 # names the chunk's parts
    items: list[WorkItem]


@dataclass(frozen=True)
class TaskContext:
    """What every task of a run shares: where parts go and, when the worker writes the cache itself, where
    the cache is (None: the entries go back to the run, which writes them) and the stages' fingerprints.
    ``token`` is in a marker file the run leaves in both folders, so a worker can tell they are the run's."""

    parts_location: str
    cache_dir: Path | None = None
    fingerprints: dict[str, str] = field(default_factory=dict)
    token: str = ""


MARKER = ".idnews-run"       # in the parts location and the cache folder: the run's token


def leave_marker(location: str, token: str) -> None:
    fs, where = fsspec.core.url_to_fs(str(location))
    fs.makedirs(where, exist_ok=True)
    fs.pipe_file(posixpath.join(where, MARKER), token.encode())


def has_marker(location: str, token: str) -> bool:
    fs, where = fsspec.core.url_to_fs(str(location))
    try:
        return fs.cat_file(posixpath.join(where, MARKER)) == token.encode()
    except OSError:
        return False


def as_seen_here(context: TaskContext) -> TaskContext:
    """The context as a (remote) worker finds it: without the cache when its folder here is not the run's (the
    entries then go back to the run); PipelineError when the parts location is not the run's."""
    if not has_marker(context.parts_location, context.token):
        raise PipelineError("parts-unreachable", f"a worker cannot see the parts location {context.parts_location} "
                                                 "of this run: put --out on a file system every worker mounts at "
                                                 "the same path, or pass --parts-url (s3://..., gs://...)")
    if context.cache_dir is not None and not has_marker(str(context.cache_dir), context.token):
        return replace(context, cache_dir=None)
    return context


@dataclass
class ChunkSummary:
    """What a finished chunk sends back: counts and problems (its rows are in ``parts``, never sent)."""

    number: int
    parts: dict[str, str] = field(default_factory=dict)    # table → the part written
    articles: int = 0
    mentions: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    computed: Counter[str] = field(default_factory=Counter)
    cache_stats: Counter[str] = field(default_factory=Counter)
    entries: list[tuple[str, str, str, Any]] = field(default_factory=list)   # (stage, name, content key, value)
    seconds: dict[str, float] = field(default_factory=dict)
    tracebacks: list[str] = field(default_factory=list)


def run_task(task: Task, annotate_chunk: ChunkFunction, compiled: Compiled, tagger,
             context: TaskContext) -> ChunkSummary:
    """Annotate the task's chunk, write its rows as parts, and sum it up."""
    done = annotate_chunk(task.items, compiled, tagger)
    summary = ChunkSummary(task.number, seconds=done.seconds, tracebacks=done.tracebacks)
    finished = []
    for item, result in zip(task.items, done.items):
        summary.computed.update(result.done.keys())
        summary.entries += cache_entries(item, result)
        finished.append(list(result.done.values())[-1])
    if context.cache_dir is not None:
        cache = Cache(context.cache_dir, context.fingerprints)
        write_entries(summary.entries, cache)
        summary.entries, summary.cache_stats = [], cache.stats
    articles = [state for state in finished if isinstance(state, Article)]
    started = time.perf_counter()
    summary.parts = write_rows(articles, context.parts_location, f"{task.number:08d}")
    summary.seconds["tables"] = time.perf_counter() - started
    summary.articles = len(articles)
    summary.mentions = sum(len(a.mentions) for a in articles)
    summary.events = sum(len(a.events) for a in articles)
    summary.problems = [state for state in finished if isinstance(state, Problem)]
    return summary


def write_rows(articles: list[Article], location: str, part: str) -> dict[str, str]:
    """The articles' rows as parts named ``part`` below ``location``, one per table that has rows."""
    return {table: parts.write_part(parts.part_path(location, table, part), rows)
            for table, rows in tables.article_tables(articles).items() if rows.num_rows}


def failed_task(task: Task, exc: BaseException) -> ChunkSummary:
    """A chunk whose worker died: every article in it becomes an internal-error row (never cached)."""
    problems = [Problem(item.page.source_path, item.start, INTERNAL,
                        f"the worker process failed ({type(exc).__name__}: {exc}); re-run to retry these "
                        "articles, and report it if it repeats", item.page.article_id) for item in task.items]
    paths = ", ".join(item.page.source_path for item in task.items)
    return ChunkSummary(task.number, problems=problems,
                        tracebacks=[f"a worker failed on the chunk of {paths}\n{traceback_text(exc)}"])


# ---------------------------------------------------------------- the cache, article by article

def from_cache(index: int, page: Page, content: str, cache: Cache,
               result: RunResult) -> WorkItem | Article | Problem:
    """The article as far as the cache has it (``content``: its page_key): finished (Article or Problem) or
    the WorkItem left to run."""
    state, restored = cached_state(page, content, cache)
    result.cached.update(restored)
    if len(restored) == len(ARTICLE_STAGES) or isinstance(state, Problem):
        return state
    missing = ARTICLE_STAGES[len(restored)]
    cache.keep_from(missing, page.article_id, content)    # written by whoever runs the item
    return WorkItem(index, page, missing, state)


def cached_state(page: Page, content: str, cache: Cache) -> tuple[Article | Problem | None, list[str]]:
    """What the cache has of an article, stage after stage, up to the first it lacks or a Problem; with the
    stages restored."""
    state, restored = None, []
    for stage in ARTICLE_STAGES:
        entry = cache.get(stage, page.article_id, content)
        if entry is MISS:
            break
        state = stage_cache.restore(state, page, entry)
        restored.append(stage)
        if isinstance(state, Problem):
            break
    return state, restored


def cache_entries(item: WorkItem, done: ItemResult) -> list[tuple[str, str, str, Any]]:
    """The cache entries of the stages an item ran (not internal errors: those may be transient)."""
    before, content, entries = item.article, stage_cache.page_key(item.page), []
    for stage, after in done.done.items():
        if not (isinstance(after, Problem) and after.kind == INTERNAL):
            entries.append((stage, item.page.article_id, content, stage_cache.delta(before, after)))
        before = after
    return entries


def write_entries(entries: list[tuple[str, str, str, Any]], cache: Cache) -> None:
    for stage, name, content, value in entries:
        cache.put(stage, name, content, value)


def page_for_rows(page: Page) -> Page:
    """What the tables take from a page (all but its text and what the stages read from it)."""
    return Page(page.article_id, page.source_path, "", page.encoding, page.input_format, page.url)


def cached_rows(pages: list[tuple[Page, str]], cache: Cache, location: str, part: str) -> dict[str, str]:
    """The parts of articles the run found whole in the cache: read back, written like a finished chunk's."""
    articles = []
    for page, content in pages:
        state, restored = cached_state(page, content, cache)
        if len(restored) < len(ARTICLE_STAGES):
            raise OSError(f"the cache entries of {page.source_path} went away while the run was writing its "
                          "tables; run again")
        articles.append(state)
    return write_rows(articles, location, part)

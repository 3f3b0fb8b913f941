"""The pipeline, written out: ingest → clean → metadata → NER → events → tables.

Each stage is a function of (record, its part of the compiled knowledge) that returns an enriched record. The
knowledge is compiled and checked once, before any page is read (pipeline/knowledge/compiled.py): a broken data
file stops the run there. A stage that fails on one article turns into a Problem row and the run goes on.

A run reads every input, looks each article up in the cache (pipeline/engine/cache.py) and works out the first
stage it still needs; that work is cut into chunks which an engine runs (this process or a process pool,
pipeline/engine/pool.py; a Dask cluster, pipeline/engine/dask_runner.py) with ``annotate_chunk``. Each finished chunk is
cached at once, so an interrupted run resumes where it stopped. Tables are rebuilt from the current inputs.
"""
from __future__ import annotations

import hashlib
import json
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import astuple, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from pipeline.engine import cache as stage_cache
from pipeline.annotate import clean
from pipeline.events import extract as events
from pipeline.annotate import metadata
from pipeline.annotate import ner
from pipeline.engine import progress
from pipeline.output import tables
from pipeline.engine.cache import ARTICLE_STAGES, MISS, Cache
from pipeline.engine.inputs import read_inputs
from pipeline.knowledge import Knowledge, load_knowledge
from pipeline.knowledge.compiled import Compiled, compile_knowledge
from pipeline.record import Article, Page, PipelineError, Problem
from pipeline.settings import Settings
from pipeline.output.tables import InputStatus

NER_ARTICLE_BATCH = 32   # articles whose sentences are tagged together (NER batches their sentences)
FIRST_STEP = {"annotate-pre-ner": "clean", "ner": "ner", "events": "events"}   # its errors' stage column


@dataclass(frozen=True)
class RunOptions:
    workers: int = 1                    # processes (local engine); 1 runs in this process
    engine: str = "local"               # "local" | "dask"
    scheduler: str | None = None        # Dask scheduler address; None starts a LocalCluster
    cache_dir: Path | None = None       # None: nothing cached
    output_dir: Path | None = None      # never read as input, nor is the cache folder (see pipeline/ingest/walk.py)
    rerun: frozenset[str] = frozenset() # stages whose cache entries are ignored (recomputed)
    chunk_size: int = NER_ARTICLE_BATCH
    progress: bool = False              # progress bar (only drawn on a terminal)


@dataclass
class RunResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    inputs: dict[str, InputStatus] = field(default_factory=dict)   # by source_path
    seconds_per_stage: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    computed: Counter = field(default_factory=Counter)   # stage → articles run this time
    cached: Counter = field(default_factory=Counter)     # stage → articles restored from the cache
    cache_stats: Counter = field(default_factory=Counter)
    fingerprints: dict[str, str] = field(default_factory=dict)   # per stage: what its cache entries depend on
    content_digest: str | None = None    # same digest, same tables (see content_digest)
    excluded: list[str] = field(default_factory=list)   # input paths left out: the pipeline's own outputs
    started_at: str | None = None
    ended_at: str | None = None
    # What produced it, for manifest.json when the result is written (pipeline.write_outputs).
    input_dir: Path | None = None
    settings: Settings | None = None
    knowledge: Knowledge | None = None
    options: RunOptions | None = None

    def count(self, status: str) -> int:
        return sum(1 for i in self.inputs.values() if i.status == status)

    def summary(self) -> str:
        return progress.summary(self)


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


def _problem(source_path: str, stage: str, exc: Exception, article_id: str | None = None) -> Problem:
    if isinstance(exc, PipelineError):
        return Problem(source_path, stage, exc.kind, exc.message, article_id)
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return Problem(source_path, stage, "internal", f"unexpected error ({detail}); please report it", article_id)


# ---------------------------------------------------------------- one chunk: the stages in order

class _Chunk:
    """A chunk's articles moving through the stages; a failed article stops at the stage that failed."""

    def __init__(self, items: list[WorkItem]):
        self.items = items
        self.state: list[Page | Article | Problem] = [item.article or item.page for item in items]
        self.results = [ItemResult(item.index) for item in items]
        self.seconds: dict[str, float] = defaultdict(float)

    def todo(self, stage: str) -> list[int]:
        return [i for i, item in enumerate(self.items) if not isinstance(self.state[i], Problem)
                and ARTICLE_STAGES.index(stage) >= ARTICLE_STAGES.index(item.start)]

    def each(self, stage: str, step: str, fn: Callable) -> None:
        for i in self.todo(stage):
            started = time.perf_counter()
            try:
                self.state[i] = fn(self.state[i])
            except Exception as exc:  # noqa: BLE001 - every failure becomes an errors row
                page = self.items[i].page
                self.state[i] = _problem(page.source_path, step, exc, page.article_id)
            self.results[i].done[stage] = self.state[i]
            self.seconds[step] += time.perf_counter() - started

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
            self.each(stage, stage, lambda article: fn([article])[0])
            return
        for i, article in zip(todo, done):
            self.state[i] = self.results[i].done[stage] = article
        self.seconds[stage] += time.perf_counter() - started


def annotate_chunk(items: list[WorkItem], compiled: Compiled, tagger) -> ChunkResult:
    """clean → metadata → NER (sentences batched across the chunk) → events, each from its ``start``."""
    chunk = _Chunk(items)
    chunk.each("annotate-pre-ner", "clean", lambda page: clean.clean(page, compiled.profiles))
    chunk.each("annotate-pre-ner", "metadata", lambda article: metadata.add_metadata(article, compiled.metadata))
    chunk.batched("ner", lambda articles: ner.add_mentions(articles, tagger, compiled.names))
    chunk.each("events", "events", lambda article: events.add_events(article, compiled.events))
    return ChunkResult(chunk.results, dict(chunk.seconds))


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
        if not (isinstance(after, Problem) and after.kind == "internal"):
            cache.put(stage, item.page.article_id, content, stage_cache.delta(before, after))
        before = after
    return before


def chunks_of(items: list[WorkItem], size: int) -> list[list[WorkItem]]:
    return [items[i:i + size] for i in range(0, len(items), max(1, size))]


# ---------------------------------------------------------------- the run

def load_tagger(settings: Settings):
    """The NER tagger, loaded once per process and model folder (None when NER is switched off)."""
    if not settings.use_ner:
        return None
    return _cached_tagger(Path(settings.model_dir).resolve())


def check_model(settings: Settings) -> None:
    """Fail before any page is read if NER is on and the model files are missing (without loading it)."""
    names = (ner.MODEL_FILE, ner.PRETRAIN_FILE, ner.RESOURCES_FILE)
    missing = [n for n in names if not (Path(settings.model_dir) / n).is_file()]
    if settings.use_ner and missing:
        raise PipelineError("model-missing", f"NER model files {missing} not found in {settings.model_dir}; "
                                             "run `make train-ner` or pass --no-ner")


@lru_cache(maxsize=2)
def _cached_tagger(model_dir: Path):
    return ner.load_tagger(model_dir)


def process_folder(input_dir: Path, settings: Settings = Settings(), knowledge: Knowledge | None = None,
                   tagger=None, options: RunOptions = RunOptions()) -> RunResult:
    """Raises KnowledgeError, before any page is read, when a knowledge file is broken."""
    knowledge = knowledge or load_knowledge()
    compiled = compile_knowledge(knowledge)
    result = RunResult(started_at=_now(), fingerprints=stage_cache.fingerprints(settings, knowledge),
                       input_dir=Path(input_dir), settings=settings, knowledge=knowledge, options=options)
    cache = Cache(options.cache_dir, result.fingerprints, options.rerun)
    exclude = [folder for folder in (options.output_dir, options.cache_dir) if folder is not None]
    pages = read_inputs(Path(input_dir), settings, compiled.pages, result, cache, exclude)
    finished: list[WorkItem | Article | Problem] = [from_cache(i, p, cache, result) for i, p in enumerate(pages)]
    todo = [state for state in finished if isinstance(state, WorkItem)]
    for item, done in _run_items(todo, settings, compiled, tagger, options, result):
        finished[item.index] = store(item, done, cache, result)
    _collect(finished, result)
    result.content_digest = content_digest(pages, result)
    cache.prune()
    result.cache_stats = cache.stats
    result.ended_at = _now()
    return result


def _run_items(todo: list[WorkItem], settings: Settings, compiled: Compiled, tagger, options: RunOptions,
               result: RunResult) -> Iterator[tuple[WorkItem, ItemResult]]:
    from pipeline.engine import pool   # the engines import run.py for annotate_chunk

    by_index = {item.index: item for item in todo}
    with progress.bar(len(todo), options.progress) as bar:
        for chunk in pool.run_chunks(chunks_of(todo, options.chunk_size), settings, compiled, tagger, options):
            for stage, seconds in chunk.seconds.items():
                result.seconds_per_stage[stage] += seconds
            for done in chunk.items:
                yield by_index[done.index], done
            bar.update(len(chunk.items))


def _collect(finished: list[WorkItem | Article | Problem], result: RunResult) -> None:
    """Articles and problems in input order, and each failed article's input marked as an error."""
    for state in finished:
        if isinstance(state, WorkItem):        # never came back from the engine: still accounted for
            state = Problem(state.page.source_path, FIRST_STEP[state.start], "internal",
                            "the article was not annotated (no result came back); please report it",
                            state.page.article_id)
        if isinstance(state, Article):
            result.articles.append(state)
        elif isinstance(state, Problem):
            result.problems.append(state)
            before = result.inputs[state.source_path]
            result.inputs[state.source_path] = InputStatus(state.source_path, "error", before.article_id)


def content_digest(pages: list[Page], result: RunResult) -> str:
    """Digest of everything the tables are built from: input statuses, problems, each article's page and
    the fingerprints of the stages that annotated it. Two runs with the same digest build the same tables."""
    sha = hashlib.sha256(json.dumps(result.fingerprints, sort_keys=True).encode())
    for status in sorted(result.inputs.values(), key=lambda s: s.source_path):
        sha.update(repr(astuple(status)).encode())
    for problem in result.problems:
        sha.update(repr(astuple(problem)).encode())
    for page in pages:
        sha.update(f"{page.source_path}\0{stage_cache.page_key(page)}".encode())
    return sha.hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_outputs(result: RunResult, out_dir: Path, csv_bom: bool = False) -> list[Path]:
    """Every table as CSV and Parquet; all files are swapped in together, or none is (see outputs.py)."""
    started = time.perf_counter()
    built = tables.build_tables(result.articles, result.problems, result.inputs.values())
    written = tables.write_tables(built, Path(out_dir), csv_bom=csv_bom)
    result.seconds_per_stage["tables"] += time.perf_counter() - started
    return written

"""The pipeline, written out: ingest → clean → metadata → NER → events → tables.

Each stage is a function of (record, knowledge[, settings]) that returns an enriched record. A stage that
fails on one article turns into a Problem row and the run goes on with the next article.
"""
from __future__ import annotations

import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

from pipeline import clean, events, ingest, metadata, ner, tables
from pipeline.knowledge import Knowledge, load_knowledge
from pipeline.record import Article, Page, PipelineError, Problem
from pipeline.settings import Settings
from pipeline.tables import InputStatus

NER_ARTICLE_BATCH = 32   # articles whose sentences are tagged together (NER batches their sentences)


@dataclass
class RunResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    inputs: dict[str, InputStatus] = field(default_factory=dict)   # by source_path
    seconds_per_stage: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def count(self, status: str) -> int:
        return sum(1 for i in self.inputs.values() if i.status == status)

    def summary(self) -> str:
        n_in, done = len(self.inputs), self.count("processed")
        dup, err = self.count("duplicate"), self.count("error")
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds_per_stage.items())
        return (f"inputs={n_in} = processed {done} + duplicates {dup} + errors {err}; "
                f"events={sum(len(a.events) for a in self.articles)}; time: {stages}")


def _problem(source_path: str, stage: str, exc: Exception, article_id: str | None = None) -> Problem:
    if isinstance(exc, PipelineError):
        return Problem(source_path, stage, exc.kind, exc.message, article_id)
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return Problem(source_path, stage, "internal", f"unexpected error ({detail}); please report it", article_id)


class _Stages:
    """Runs stage functions over records, timing them and turning failures into Problems."""

    def __init__(self, result: RunResult):
        self.result = result

    def apply(self, stage: str, fn: Callable, records: Iterable, source_of: Callable) -> list:
        kept = []
        for record in records:
            started = time.perf_counter()
            try:
                kept.append(fn(record))
            except Exception as exc:  # noqa: BLE001 - every failure becomes an errors row
                page = source_of(record)
                self.result.problems.append(_problem(page.source_path, stage, exc, page.article_id))
                self._mark_error(page.source_path)
            self.result.seconds_per_stage[stage] += time.perf_counter() - started
        return kept

    def _mark_error(self, source_path: str) -> None:
        before = self.result.inputs[source_path]
        self.result.inputs[source_path] = InputStatus(source_path, "error", before.article_id)


def read_inputs(input_dir: Path, settings: Settings, knowledge: Knowledge, result: RunResult) -> list[Page]:
    """Ingest and deduplicate: the first page (in path order) with a given article_id is processed."""
    started = time.perf_counter()
    first_path: dict[str, str] = {}
    pages = []
    for item in ingest.iter_pages(input_dir, settings, knowledge):
        if isinstance(item, Problem):
            result.problems.append(item)
            result.inputs[item.source_path] = InputStatus(item.source_path, "error", item.article_id)
        elif item.article_id in first_path:
            result.inputs[item.source_path] = InputStatus(item.source_path, "duplicate", item.article_id,
                                                          first_path[item.article_id])
        else:
            first_path[item.article_id] = item.source_path
            result.inputs[item.source_path] = InputStatus(item.source_path, "processed", item.article_id)
            pages.append(item)
    result.seconds_per_stage["ingest"] += time.perf_counter() - started
    return pages


def _page_of(record: Page | Article) -> Page:
    return record if isinstance(record, Page) else record.page


def annotate(pages: Sequence[Page], knowledge: Knowledge, tagger, result: RunResult) -> list[Article]:
    stages = _Stages(result)
    articles = stages.apply("clean", lambda p: clean.clean(p, knowledge), pages, _page_of)
    articles = stages.apply("metadata", lambda a: metadata.add_metadata(a, knowledge), articles, _page_of)
    tagged = []
    for i in range(0, len(articles), NER_ARTICLE_BATCH):
        tagged.extend(_add_mentions_batch(articles[i:i + NER_ARTICLE_BATCH], knowledge, tagger, stages))
    return stages.apply("events", lambda a: events.add_events(a, knowledge), tagged, _page_of)


def _add_mentions_batch(batch: list[Article], knowledge: Knowledge, tagger, stages: _Stages) -> list[Article]:
    """Tag a batch together; if the batch fails, tag its articles one by one to isolate the bad one."""
    started = time.perf_counter()
    try:
        done = ner.add_mentions(batch, tagger, knowledge)
        stages.result.seconds_per_stage["ner"] += time.perf_counter() - started
        return done
    except Exception:  # noqa: BLE001 - retried per article below, where the failure is recorded
        stages.result.seconds_per_stage["ner"] += time.perf_counter() - started
        return stages.apply("ner", lambda a: ner.add_mentions([a], tagger, knowledge)[0], batch, _page_of)


def load_tagger(settings: Settings):
    """The NER tagger, loaded once per process and model folder (None when NER is switched off)."""
    if not settings.use_ner:
        return None
    return _cached_tagger(Path(settings.model_dir).resolve())


@lru_cache(maxsize=2)
def _cached_tagger(model_dir: Path):
    return ner.load_tagger(model_dir)


def process_folder(input_dir: Path, settings: Settings = Settings(), knowledge: Knowledge | None = None,
                   tagger=None) -> RunResult:
    knowledge = knowledge or load_knowledge()
    if tagger is None:
        tagger = load_tagger(settings)
    result = RunResult()
    pages = read_inputs(Path(input_dir), settings, knowledge, result)
    result.articles = annotate(pages, knowledge, tagger, result)
    return result


def write_outputs(result: RunResult, out_dir: Path, csv_bom: bool = False) -> list[Path]:
    started = time.perf_counter()
    built = tables.build_tables(result.articles, result.problems, result.inputs.values())
    written = tables.write_tables(built, Path(out_dir), csv_bom=csv_bom)
    result.seconds_per_stage["tables"] += time.perf_counter() - started
    return written

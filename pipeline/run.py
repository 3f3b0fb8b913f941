"""The pipeline, written out: ingest → clean → metadata → ner → events → tables.

Each stage is a function of (record, its part of the compiled knowledge[, tagger]) that returns an enriched
record. The knowledge is compiled and checked once, before any page is read (pipeline/compiled.py): a
broken data file stops the run there. A stage that fails on one article turns that article into a Problem row,
and the run goes on with the next one.

``process_folder`` reads the inputs one by one (pipeline/engine/inputs.py), looks each article up in the cache
(pipeline/engine/cache.py) and hands what is left to do, a chunk per task (pipeline/engine/driver.py), to an
engine (this process or a process pool, pipeline/engine/pool.py; a Dask cluster, pipeline/engine/dask_runner.py),
which runs ``annotate_chunk`` on each chunk. Each finished chunk is cached at once, so an interrupted run resumes
where it stopped, and its rows go to disk as table parts (pipeline/output/parts.py): no article stays in
memory. ``write_outputs`` merges the parts into the tables (pipeline/output/tables.py), all swapped in at once
or not at all.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from pipeline.annotate import clean, metadata, ner
from pipeline.engine import cache as stage_cache
from pipeline.engine import current, inputs, pool, progress
from pipeline.engine.cache import Cache
from pipeline.engine.chunk import Chunk, ChunkResult, WorkItem
from pipeline.engine.driver import Driver, write_cached_parts
from pipeline.events import extract as events
from pipeline.knowledge import Knowledge, load_knowledge
from pipeline.compiled import Compiled, compile_knowledge
from pipeline.output import events_across, parts, schema, tables
from pipeline.output.datapackage import Provenance
from pipeline.record import RunResult, utc_now
from pipeline.settings import OutputOptions, RunOptions, Settings

log = logging.getLogger(__name__)


def annotate_chunk(items: list[WorkItem], compiled: Compiled, tagger) -> ChunkResult:
    """clean → metadata → ner (sentences batched across the chunk) → events, each article from its ``start``."""
    chunk = Chunk(items)
    chunk.each("clean", lambda page: clean.clean(page, compiled.profiles, compiled.repairs))
    chunk.each("metadata", lambda article: metadata.add_metadata(article, compiled.metadata))
    chunk.batched("ner", lambda articles: ner.add_mentions(articles, tagger, compiled.names))
    chunk.each("events", lambda article: events.add_events(article, compiled.events))
    return chunk.result()


def process_folder(input_dir: Path, settings: Settings = Settings(), knowledge: Knowledge | None = None,
                   tagger=None, options: RunOptions = RunOptions()) -> RunResult:
    """Every input below ``input_dir`` through the stages (the cache and the engine as ``options`` say). The
    result holds counts and problems; the rows wait on disk as table parts until ``write_outputs``. Raises
    KnowledgeError, before any page is read, when a knowledge file is broken."""
    knowledge = knowledge or load_knowledge()
    compiled = compile_knowledge(knowledge)
    result = RunResult(started_at=utc_now(), fingerprints=stage_cache.fingerprints(settings, knowledge),
                       input_dir=Path(input_dir), settings=settings, knowledge=knowledge, options=options)
    cache = Cache(stage_cache.claim(options.cache_dir, Path(input_dir)), result.fingerprints, options.rerun)
    driver = Driver(result, cache, options)
    exclude = [folder for folder in (options.output_dir, options.cache_dir) if folder is not None]
    entries = inputs.list_folder(Path(input_dir), settings, result, exclude)
    with progress.bar(len(entries), options.progress) as bar:
        pages = inputs.read_pages(entries, settings, compiled.pages, result, cache, on_entry=bar.update)
        context = driver.context()
        while True:
            for summary in pool.run_tasks(annotate_chunk, driver.tasks(pages), settings, compiled, tagger,
                                          context, options):
                driver.finished(summary)
                progress.add_chunk(result, summary)
            stand_ins = driver.stand_ins()          # duplicates of articles whose first page failed
            if not stand_ins:
                break
            pages = inputs.read_stand_ins(entries, stand_ins, settings, compiled.pages, result, cache, driver.promote)
    driver.finish()
    log.info("%d inputs: %d articles (%d found whole in the cache); cache %s: %s", len(result.inputs),
             result.n_articles, result.parts.cached_pages, options.cache_dir, dict(sorted(result.cache_stats.items())))
    result.ended_at = utc_now()
    return result


def write_outputs(result: RunResult, out_dir: Path, output: OutputOptions = OutputOptions()) -> dict[Path, str]:
    """Every table as CSV and Parquet, with datapackage.json (and the year partitions when asked for): all
    swapped in together, or none. Returns the SHA-256 of every file written, by path."""
    started = time.perf_counter()
    write_cached_parts(result)
    scratch = str(result.parts.scratch)
    merged = {table.name: parts.merged(table, result.parts.paths.get(table.name, []), scratch)
              for table in schema.TABLES if table.name in tables.ARTICLE_ROW_BUILDERS}
    grouping = _grouping(result.parts.paths)
    merged["event_mentions"] = events_across.streamed_mentions(grouping, merged["event_mentions"])
    knowledge = result.knowledge or load_knowledge()
    event_types = compile_knowledge(knowledge).event_type_names
    written = tables.write_tables({**merged, **events_across.cross_tables(grouping),
                                   **tables.run_tables(result.problems, result.inputs.values())},
                                  Path(out_dir), output, event_types, provenance(result, knowledge))
    result.seconds_per_stage["tables"] += time.perf_counter() - started
    return written


def provenance(result: RunResult, knowledge: Knowledge) -> Provenance:
    """The input folder, model and knowledge of a run, as datapackage.json states them."""
    settings = result.settings or Settings()
    model = current.model_digest(settings.model_dir) if settings.use_ner else ""
    return Provenance(str(result.input_dir or ""), model, knowledge.digest)


def _grouping(paths: dict[str, list[str]]) -> events_across.Grouping:
    """The tellings grouped across articles, read from the parts (only the columns the grouping needs)."""
    def read(table: str, columns: tuple[str, ...]):
        return parts.read_columns(paths.get(table, []), list(columns))
    return events_across.grouping_of(read("event_mentions", events_across.MENTION_COLUMNS),
                                     read("mention_participants", events_across.PARTICIPANT_COLUMNS),
                                     read("articles", events_across.ARTICLE_COLUMNS))

"""The pipeline, written out: ingest → clean → metadata → ner → events → tables.

Each stage is a function of (record, knowledge[, tagger]) that returns an enriched record. A stage that fails
on one article turns that article into a Problem row, and the run goes on with the next one.

``process_folder`` reads every input (pipeline/engine/inputs.py), looks each article up in the cache
(pipeline/engine/cache.py) and hands what is left to do, in chunks, to an engine (this process or a process
pool, pipeline/engine/pool.py; a Dask cluster, pipeline/engine/dask_runner.py), which runs ``annotate_chunk``
on each chunk. Each finished chunk is cached at once, so an interrupted run resumes where it stopped.
``write_outputs`` then writes the tables (pipeline/output/tables.py), all at once or not at all.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from pipeline.annotate import clean, metadata, ner
from pipeline.engine import cache as stage_cache
from pipeline.engine import pool, progress
from pipeline.engine.cache import Cache
from pipeline.engine.chunk import Chunk, ChunkResult, WorkItem, chunks_of, collect, from_cache, store
from pipeline.engine.inputs import read_inputs
from pipeline.events import extract as events
from pipeline.knowledge import Knowledge, load_knowledge
from pipeline.output import tables
from pipeline.record import RunResult, utc_now
from pipeline.settings import OutputOptions, RunOptions, Settings

log = logging.getLogger(__name__)


def annotate_chunk(items: list[WorkItem], knowledge: Knowledge, tagger) -> ChunkResult:
    """clean → metadata → ner (sentences batched across the chunk) → events, each article from its ``start``."""
    chunk = Chunk(items)
    chunk.each("clean", lambda page: clean.clean(page, knowledge))
    chunk.each("metadata", lambda article: metadata.add_metadata(article, knowledge))
    chunk.batched("ner", lambda articles: ner.add_mentions(articles, tagger, knowledge))
    chunk.each("events", lambda article: events.add_events(article, knowledge))
    return chunk.result()


def process_folder(input_dir: Path, settings: Settings = Settings(), knowledge: Knowledge | None = None,
                   tagger=None, options: RunOptions = RunOptions()) -> RunResult:
    """Every input below ``input_dir`` through the stages (the cache and the engine as ``options`` say)."""
    knowledge = knowledge or load_knowledge()
    result = RunResult(started_at=utc_now(), fingerprints=stage_cache.fingerprints(settings, knowledge))
    cache = Cache(options.cache_dir, result.fingerprints, options.rerun)
    exclude = [folder for folder in (options.output_dir, options.cache_dir) if folder is not None]
    pages = read_inputs(Path(input_dir), settings, knowledge, result, cache, exclude)
    finished = [from_cache(i, page, cache, result) for i, page in enumerate(pages)]
    todo = [state for state in finished if isinstance(state, WorkItem)]
    log.info("%d inputs, %d articles: %d finished in the cache, %d to annotate (engine %s, %d workers)",
             len(result.inputs), len(pages), len(pages) - len(todo), len(todo), options.engine, options.workers)
    with progress.bar(len(todo), options.progress) as bar:
        for chunk in pool.run_chunks(annotate_chunk, chunks_of(todo, options.chunk_size), settings, knowledge,
                                     tagger, options):
            for done in chunk.items:
                finished[done.index] = store(finished[done.index], done, cache, result)
            progress.add_chunk(result, chunk)
            bar.update(len(chunk.items))
    collect(finished, result)
    result.content_digest = stage_cache.content_digest(pages, result)
    cache.prune()
    result.cache_stats = cache.stats
    log.info("cache %s: %s", options.cache_dir, dict(sorted(cache.stats.items())))
    result.ended_at = utc_now()
    return result


def write_outputs(result: RunResult, out_dir: Path, output: OutputOptions = OutputOptions()) -> dict[str, str]:
    """Every table as CSV and Parquet, with datapackage.json (and the year partitions when asked for): all
    swapped in together, or none. Returns the SHA-256 of every file written, by path relative to ``out_dir``."""
    started = time.perf_counter()
    built = tables.build_tables(result.articles, result.problems, result.inputs.values())
    written = tables.write_tables(built, Path(out_dir), output)
    result.seconds_per_stage["tables"] += time.perf_counter() - started
    return written

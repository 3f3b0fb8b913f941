"""What a run shows a person: a progress bar on a terminal, a one-screen summary at the end, and its log
(``OUT/run.log``, and the terminal with ``--verbose``), which holds the full traceback of every internal error."""
from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from pipeline.engine.chunk import ChunkSummary
from pipeline.record import ARTICLE_STAGES, RunResult

log = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@contextmanager
def run_log(path: Path, verbose: bool = False) -> Iterator[logging.Logger]:
    """The ``pipeline`` loggers write to ``path`` (replaced: the log of this run) and, if ``verbose``, to
    stderr, until the block ends. Raises OSError when ``path`` cannot be written."""
    logger = logging.getLogger("pipeline")
    handlers: list[logging.Handler] = [logging.FileHandler(path, mode="w", encoding="utf-8")]
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    level = logger.level
    logger.setLevel(logging.INFO)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(handler)
    try:
        yield logger
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
            handler.close()
        logger.setLevel(level)


def add_chunk(result: RunResult, chunk: ChunkSummary) -> None:
    """A finished chunk's stage times into the result, its internal errors' tracebacks into the log."""
    for stage, seconds in chunk.seconds.items():
        result.seconds_per_stage[stage] += seconds
    for text in chunk.tracebacks:
        log.error(text)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass


@contextmanager
def bar(total: int, enabled: bool) -> Iterator:
    """tqdm on stderr (input files done, rate, ETA) when asked for and stderr is a terminal; otherwise silent.
    Files are read as the workers ask for work, so the bar follows the annotation too."""
    if not (enabled and total and sys.stderr.isatty()):
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="file", desc="processing", file=sys.stderr, smoothing=0.1) as shown:
        yield shown


def summary(result: RunResult) -> str:
    n_in, done = len(result.inputs), result.count("processed")
    dup, err = result.count("duplicate"), result.count("error")
    stages = "  ".join(f"{stage} {result.computed[stage]}/{result.cached[stage]}" for stage in ARTICLE_STAGES)
    times = "  ".join(f"{k} {v:.2f}s" for k, v in result.seconds_per_stage.items())
    lines = [
        f"inputs    {n_in} = processed {done} + duplicates {dup} + errors {err}",
        f"articles  {result.n_articles} written; {result.n_events} events, {result.n_mentions} mentions",
        f"stages    run/cached: {stages}",
        f"time      {times}",
    ]
    if result.excluded:
        lines.insert(1, f"left out  {', '.join(result.excluded[:3])}{' ...' if len(result.excluded) > 3 else ''}: "
                        "written by this pipeline, not inputs (listed in manifest.json)")
    if result.started_at and result.ended_at:
        wall = datetime.fromisoformat(result.ended_at) - datetime.fromisoformat(result.started_at)
        lines[-1] += f"  (wall {wall.total_seconds():.0f}s; stage times add up across workers)"
    corrupt = sum(n for key, n in result.cache_stats.items() if key.endswith("corrupt"))
    unwritten = sum(n for key, n in result.cache_stats.items() if key.endswith("write-error"))
    undeleted = result.cache_stats.get("delete-error", 0)
    if corrupt or unwritten or undeleted:
        lines.append(f"cache     {corrupt} damaged entries recomputed, {unwritten} entries not written, "
                     f"{undeleted} stale entries not deleted (disk full or read-only?)")
    return "\n".join(lines)

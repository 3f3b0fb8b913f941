"""What a run shows a person while it goes: a progress bar on a terminal, and its log (``OUT/run.log``, and the
terminal with ``--verbose``), which holds the full traceback of every internal error. (The one-screen summary at
the end is ``RunResult.summary``.)"""
from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:     # the run log is opened before the run knows whether it needs the stages' libraries
    from pipeline.engine.chunk import ChunkSummary
    from pipeline.record import RunResult

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

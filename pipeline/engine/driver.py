"""The run's own side of the work: what it hands out and what it keeps.

The driver reads the inputs one at a time, looks each article up in the cache and cuts what is left to do into
tasks for the engine, handing them out as the engine asks (so only the pages of the tasks in flight are in
memory). What comes back is counts and problems; the rows are in table parts on disk. The driver keeps only
counts, every input's status and the problems (the per-article index the inputs table, the dedup and the
manifest need), and on disk the list of articles found whole in the cache, whose rows are made only if the
tables are written (a warm run whose tables are up to date never makes them).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import shutil
import tempfile
import uuid
import weakref
from dataclasses import astuple
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.engine import cache as stage_cache
from pipeline.engine.cache import Cache
from pipeline.engine.chunk import (ChunkSummary, Task, TaskContext, WorkItem, cached_rows, from_cache, leave_marker,
                                   page_for_rows, write_entries)
from pipeline.output import parts
from pipeline.output.layout import PARTS_DIR
from pipeline.record import InputStatus, Page, Problem, RunParts, RunResult
from pipeline.settings import RunOptions

log = logging.getLogger(__name__)
CACHED_PAGES = "cached-pages.pkl"      # in the scratch folder: the articles found whole in the cache


class Driver:
    def __init__(self, result: RunResult, cache: Cache, options: RunOptions):
        self.result, self.cache, self.options = result, cache, options
        self.token = uuid.uuid4().hex
        result.parts = self.parts = _run_parts(options, self.token)
        weakref.finalize(result, _remove_parts, self.parts.location, str(self.parts.scratch))
        self.pages_sha = hashlib.sha256()
        self._pending: list[tuple[Page, str]] = []
        self._number = 0                        # of the next task: parts are named by it
        self._tried: set[str] = set()           # duplicates already handed out in place of a failed original

    def context(self) -> TaskContext:
        """What the tasks share; a Dask worker that sees the cache folder writes its entries itself."""
        leave_marker(self.parts.location, self.token)
        cache_dir = self.cache.root if self.options.engine == "dask" else None
        if cache_dir is not None:
            leave_marker(str(cache_dir), self.token)
        return TaskContext(self.parts.location, cache_dir, self.cache.fingerprints, self.token)

    def tasks(self, pages: Iterable[Page]) -> Iterator[Task]:
        """The work left after the cache, a chunk per task; what the cache has whole is set aside on disk."""
        chunk: list[WorkItem] = []
        for index, page in enumerate(pages):
            content = stage_cache.page_key(page)
            self.pages_sha.update(f"{page.source_path}\0{content}".encode())
            state = from_cache(index, page, content, self.cache, self.result)
            if isinstance(state, WorkItem):
                chunk.append(state)
                if len(chunk) >= self.options.chunk_size:
                    yield self._task(chunk)
                    chunk = []
            elif isinstance(state, Problem):
                self._failed(state)
            else:
                self._count(1, len(state.mentions), len(state.events))
                self._set_aside(page_for_rows(page), content)
        if chunk:
            yield self._task(chunk)
        self._set_aside_pending()

    def _task(self, chunk: list[WorkItem]) -> Task:
        self._number += 1
        return Task(self._number - 1, chunk)

    def stand_ins(self) -> set[str]:
        """The duplicates to process in place of an original that failed: for each such article, the first
        duplicate not tried yet (a duplicate is the same text; its file's metadata may let it through)."""
        inputs, chosen = self.result.inputs, {}
        for status in inputs.values():
            if (status.status == "duplicate" and inputs[status.duplicate_of].status == "error"
                    and status.source_path not in self._tried):
                chosen.setdefault(status.article_id, status.source_path)
        self._tried.update(chosen.values())
        return set(chosen.values())

    def promote(self, page: Page) -> None:
        """The duplicate ``page`` is processed in place of its failed original; the other duplicates are its."""
        inputs = self.result.inputs
        inputs[page.source_path] = InputStatus(page.source_path, "processed", page.article_id)
        for status in list(inputs.values()):
            if status.status == "duplicate" and status.article_id == page.article_id:
                inputs[status.source_path] = InputStatus(status.source_path, "duplicate", page.article_id,
                                                         page.source_path)

    def finished(self, summary: ChunkSummary) -> None:
        """A task's summary: its counts, problems and parts; the cache entries it sent back are written here."""
        self._count(summary.articles, summary.mentions, summary.events)
        for problem in summary.problems:
            self._failed(problem)
        self.parts.add(summary.parts)
        self.result.computed.update(summary.computed)
        self.result.cache_stats.update(summary.cache_stats)
        write_entries(summary.entries, self.cache)

    def finish(self) -> None:
        """Problems in input order, the content digest, and the cache pruned."""
        order = {path: i for i, path in enumerate(self.result.inputs)}
        self.result.problems.sort(key=lambda p: order.get(p.source_path, len(order)))
        self.result.content_digest = content_digest(self.result, self.pages_sha.hexdigest())
        self.cache.prune()
        self.result.cache_stats.update(self.cache.stats)

    def _failed(self, problem: Problem) -> None:
        self.result.problems.append(problem)
        before = self.result.inputs[problem.source_path]
        self.result.inputs[problem.source_path] = InputStatus(problem.source_path, "error", before.article_id)

    def _count(self, articles: int, mentions: int, events: int) -> None:
        self.result.n_articles += articles
        self.result.n_mentions += mentions
        self.result.n_events += events

    def _set_aside(self, page: Page, content: str) -> None:
        self._pending.append((page, content))
        if len(self._pending) >= self.options.chunk_size:
            self._set_aside_pending()

    def _set_aside_pending(self) -> None:
        if self._pending:
            self.parts.scratch.mkdir(parents=True, exist_ok=True)
            with open(self.parts.scratch / CACHED_PAGES, "ab") as spool:
                pickle.dump(self._pending, spool, protocol=pickle.HIGHEST_PROTOCOL)
            self.parts.cached_pages += len(self._pending)
            self._pending = []


def content_digest(result: RunResult, pages_digest: str) -> str:
    """Digest of everything the tables are built from: the stages' fingerprints, input statuses, problems, and
    each article's page and path. Two runs with the same digest build the same tables."""
    sha = hashlib.sha256(json.dumps(result.fingerprints, sort_keys=True).encode())
    for status in sorted(result.inputs.values(), key=lambda s: s.source_path):
        sha.update(repr(astuple(status)).encode())
    for problem in result.problems:
        sha.update(repr(astuple(problem)).encode())
    sha.update(pages_digest.encode())
    return sha.hexdigest()


def write_cached_parts(result: RunResult) -> None:
    """The parts of the articles the run found whole in the cache (once: a second call finds none left)."""
    spool = result.parts.scratch / CACHED_PAGES
    if not spool.is_file():
        return
    cache = Cache(result.parts.cache_dir, result.fingerprints)
    with open(spool, "rb") as pages:
        for number, batch in enumerate(_pickled(pages)):
            result.parts.add(cached_rows(batch, cache, str(result.parts.scratch), f"cached-{number:08d}"))
    spool.unlink()


def _pickled(handle) -> Iterator:
    while True:
        try:
            yield pickle.load(handle)
        except EOFError:
            return


def _run_parts(options: RunOptions, token: str) -> RunParts:
    """Where this run's parts go: below --parts-url, else OUT/.parts (older runs' leftovers there are
    removed), else a temporary folder."""
    name = f"run-{os.getpid()}-{token}"
    if options.output_dir is not None:
        local = Path(options.output_dir) / PARTS_DIR
        _remove_stale(local)
        scratch = local / name
    else:
        scratch = Path(tempfile.mkdtemp(prefix="idnews-parts-"))
    location = f"{options.parts_url.rstrip('/')}/{name}" if options.parts_url else str(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    return RunParts(location, scratch, options.cache_dir)


def _remove_stale(folder: Path) -> None:
    """Parts left by runs that were killed (a run removes its own when it ends): those of no live process."""
    if folder.is_dir():
        for old in folder.glob("run-*"):
            if not _alive(old.name.split("-")[1]):
                shutil.rmtree(old, ignore_errors=True)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:          # another user's process
        return True
    return True


def _remove_parts(location: str, scratch: str) -> None:
    try:
        parts.remove_location(location)
    except OSError:
        log.warning("could not remove the table parts at %s", location)
    shutil.rmtree(scratch, ignore_errors=True)
    with contextlib.suppress(OSError):
        Path(scratch).parent.rmdir()         # OUT/.parts, once no run has parts in it


def remove_parts(result: RunResult) -> None:
    """Delete the run's parts (once its tables are written, or not wanted)."""
    if result.parts is not None:
        _remove_parts(result.parts.location, str(result.parts.scratch))

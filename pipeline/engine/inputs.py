"""The input side of a run: list the folder, read each file (decoded pages cached by the file's bytes), and
deduplicate: the first page (in path order) with a given article_id is processed, later ones are duplicates.
Pages are read as the run asks for them, so only the pages of the chunks in flight are in memory.

Decoding (charset detection, HTML extraction) is most of a warm run's cost, so each file's pages are cached
under the SHA-256 of its bytes and its path (a compressed dump or web archive larger than the size limit is
read page by page instead, and not cached whole). The folder is listed once, at the start (pipeline/ingest/walk.py:
every path met is a file to read or an error row; the run's own outputs are left out): a file added during the run
waits for the next run, and a file removed before it was read becomes an error row ("vanished").
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.engine.cache import MISS, Cache
from pipeline.ingest import archives
from pipeline.ingest import pages
from pipeline.ingest.walk import VANISHED, escape_name, list_inputs, read_regular
from pipeline.ingest.html_extract import PageRules
from pipeline.record import (INGEST, INTERNAL, ArchiveRecords, InputStatus, Page, PipelineError, Problem, RunResult,
                             replace)
from pipeline.settings import Settings


def list_folder(input_dir: Path, settings: Settings, result: RunResult,
                exclude: Iterable[Path] = ()) -> list[tuple[str, Path | Problem]]:
    """What the folder holds, by relative path: files to read and paths that are not (``exclude``: folders
    never read, this run's output and cache folders when inside the input folder)."""
    listing = list_inputs(Path(input_dir), exclude, settings.follow_links)
    result.excluded = listing.excluded
    return listing.entries()


def read_pages(entries: list[tuple[str, Path | Problem]], settings: Settings, rules: PageRules,
               result: RunResult, cache: Cache | None = None, on_entry: Callable[[], None] = lambda: None,
               ) -> Iterator[Page]:
    """The pages to process, one by one in path order (the first with its article_id); each entry's pages and
    problems are accounted in ``result`` as it is read. ``on_entry`` is called after each entry. A compressed
    dump or web archive larger than the size limit is read as a stream, page by page (never held whole)."""
    cache = cache or Cache(None, {})
    first_path: dict[str, str] = {}
    for rel, entry in entries:
        started = time.perf_counter()
        items = iter([entry] if isinstance(entry, Problem) else _read(entry, rel, settings, rules, cache, result))
        result.seconds_per_stage[INGEST] += time.perf_counter() - started
        while True:
            started = time.perf_counter()
            item = next(items, None)
            result.seconds_per_stage[INGEST] += time.perf_counter() - started
            if item is None:
                break
            if _account(item, result, first_path):
                yield item
        on_entry()


def read_stand_ins(entries: list[tuple[str, Path | Problem]], wanted: set[str], settings: Settings,
                   rules: PageRules, result: RunResult, cache: Cache,
                   promote: Callable[[Page], None]) -> Iterator[Page]:
    """The pages named ``wanted`` (duplicates to process in place of a failed original), read again (from the
    ingest cache, mostly); each is ``promote``d as it is handed out."""
    files = {path.partition("#")[0] for path in wanted}        # (a file name's own '#' is escaped as %23)
    for rel, entry in entries:
        if rel in files and not isinstance(entry, Problem):
            for item in _read(entry, rel, settings, rules, cache, result):
                if isinstance(item, Page) and item.source_path in wanted:
                    promote(item)
                    yield item


def _account(item: Page | Problem | ArchiveRecords, result: RunResult, first_path: dict[str, str]) -> bool:
    """Record the item's input status; True for a page to process (the first with its article_id)."""
    if isinstance(item, ArchiveRecords):
        result.inputs[item.source_path] = InputStatus(item.source_path, "archive",
                                                      records_skipped=item.records_skipped)
        return False
    if isinstance(item, Problem):
        item = replace(item, message=printable(item.message))     # it may name a path that is not UTF-8
        result.problems.append(item)
        result.inputs[item.source_path] = InputStatus(item.source_path, "error", item.article_id)
        return False
    if item.article_id in first_path:
        result.inputs[item.source_path] = InputStatus(item.source_path, "duplicate", item.article_id,
                                                      first_path[item.article_id])
        return False
    first_path[item.article_id] = item.source_path
    result.inputs[item.source_path] = InputStatus(item.source_path, "processed", item.article_id)
    return True


def printable(text: str) -> str:
    """The text with the bytes of a non-UTF-8 file name (surrogates, as os functions give them) as \\xe9."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _read(path: Path, rel: str, settings: Settings, rules: PageRules, cache: Cache,
          result: RunResult) -> Iterable[Page | Problem | ArchiveRecords]:
    if _streamed(path, settings):
        result.computed[INGEST] += 1
        return _streamed_items(path, rel, settings, rules)
    try:
        digest = _digest(path, settings)
    except FileNotFoundError:
        return [Problem(rel, "ingest", "vanished", VANISHED)]
    if digest is not None:
        cached = cache.get(INGEST, digest, rel)
        if cached is not MISS:
            result.cached[INGEST] += 1
            return cached
    items = [_relative(path, rel, item) for item in _pages_of(path, settings, rules)]
    result.computed[INGEST] += 1
    if digest is not None and _cacheable(items) and _digest_or_none(path, settings) == digest:
        cache.put(INGEST, digest, rel, items)        # (only if the file did not change while it was read)
    return items or [Problem(rel, "ingest", "vanished", VANISHED)]


def _streamed(path: Path, settings: Settings) -> bool:
    """A dump or archive too large to hold its pages (and to cache them as one entry): read page by page."""
    name = path.name
    if not (archives.is_warc(name) or archives.compression(name)[0]):
        return False
    try:
        return os.stat(path).st_size > settings.max_input_bytes
    except OSError:
        return False


def _streamed_items(path: Path, rel: str, settings: Settings, rules: PageRules) -> Iterator:
    found = False
    try:
        for item in pages.iter_pages(path, settings, rules):
            found = True
            yield _relative(path, rel, item)
    except PipelineError:           # the file went away: ingest saw no file and no folder there
        pass
    if not found:
        yield Problem(rel, "ingest", "vanished", VANISHED)


def _relative(path: Path, rel: str, item):
    """The item keyed by its path in the input folder (ingest read the file alone: it knows its name only)."""
    return _vanished(path, replace(item, source_path=rel + item.source_path[len(escape_name(path.name)):]))


def _pages_of(path: Path, settings: Settings, rules: PageRules) -> list[Page | Problem]:
    try:
        return list(pages.iter_pages(path, settings, rules))
    except PipelineError:           # the file went away: ingest saw no file and no folder there
        return []


def _cacheable(items: list[Page | Problem]) -> bool:
    return bool(items) and not any(isinstance(i, Problem) and i.kind in (INTERNAL, "vanished") for i in items)


def _digest(path: Path, settings: Settings) -> str | None:
    """SHA-256 of the file's bytes; None for files ingest refuses unread (too large, not a file) or cannot read."""
    try:
        return hashlib.sha256(read_regular(path, settings.max_input_bytes)).hexdigest()
    except FileNotFoundError:
        raise
    except (OSError, PipelineError):    # ingest reports why
        return None


def _digest_or_none(path: Path, settings: Settings) -> str | None:
    try:
        return _digest(path, settings)
    except OSError:
        return None


def _vanished(path: Path, item: Page | Problem) -> Page | Problem:
    if isinstance(item, Problem) and item.kind == INTERNAL and not path.exists():
        return replace(item, kind="vanished", message=VANISHED)
    return item

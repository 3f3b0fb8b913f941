"""Compressed dumps and web archives, read as streams: nothing here holds a whole file in memory.

- ``x.jsonl.gz`` / ``.bz2`` / ``.xz`` / ``.zst`` is read as what its inner name says (``x.jsonl``, ``x.html``,
  ...). The size limit (``Settings.max_input_bytes``) applies to each decompressed page (one JSON-lines
  record, or the one page a compressed ``.html``/``.txt``/``.json`` holds), never to the compressed file: a
  1 GB dump of small records is read, a small file that inflates past the limit is refused before it is.
- ``x.warc`` / ``x.warc.gz`` (WARC 1.0/1.1, as crawlers and Common Crawl write them) is read with warcio,
  record by record: an HTML ``response`` record with a 2xx status is a page (its URL and fetch time with it),
  keyed by the record's byte offset; every other record (request, metadata, warcinfo, redirect, non-HTML) is
  counted, not read.
"""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from pipeline.record import PipelineError

COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst")
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_LINE_CHUNK = 1 << 20


def compression(name: str) -> tuple[str | None, str]:
    """('.gz', 'x.jsonl') for 'x.jsonl.gz'; (None, name) for a name no decompressor reads."""
    lowered = name.lower()
    suffix = next((s for s in COMPRESSIONS if lowered.endswith(s)), None)
    return (suffix, name[:-len(suffix)]) if suffix else (None, name)


def is_warc(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def open_decompressed(path: Path, suffix: str) -> IO[bytes]:
    """The decompressed bytes of ``path`` as a binary stream (closed by the caller)."""
    if suffix == ".zst":
        import zstandard  # imported here: only .zst inputs need it
        reader = zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), read_across_frames=True, closefd=True)
        return io.BufferedReader(reader)
    return {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix](path, "rb")


def read_limited(stream: IO[bytes], limit: int, what: str = "the decompressed page") -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(what, limit)
    return data


def too_large(what: str, limit: int) -> PipelineError:
    return PipelineError("too-large", f"{what} is over the {limit:,}-byte limit; split it or raise the limit "
                                      "(--max-input-mb, Settings.max_input_bytes)")


def lines(stream: IO[bytes], limit: int) -> Iterator[bytes | PipelineError]:
    """The stream's lines (without b'\\n'), each at most ``limit`` bytes; a longer one is a PipelineError in
    its place and the rest of it is skipped unread into memory."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(_LINE_CHUNK)
            yield too_large("the record", limit)
            continue
        yield line.rstrip(b"\n")


def decompression_error(exc: Exception) -> PipelineError:
    return PipelineError("decode", f"the compressed file is damaged or truncated ({type(exc).__name__}: {exc}); "
                                   "the records before the damage were read")


# ---------------------------------------------------------------- WARC

@dataclass(frozen=True)
class WarcPage:
    offset: int                     # byte offset of the record in the (compressed) file
    url: str | None
    fetched_at: str | None          # WARC-Date, ISO 8601 UTC
    html: bytes | PipelineError     # the HTTP payload (dechunked, decompressed), or why it was not read
    charset: str | None             # from the Content-Type header


@dataclass
class WarcCount:
    skipped: int = 0                # records that are not HTML pages


def warc_pages(path: Path, limit: int, count: WarcCount) -> Iterator[WarcPage]:
    """The HTML responses of a WARC file, in file order; ``count.skipped`` counts the other records."""
    from warcio.archiveiterator import ArchiveIterator  # imported here: only WARC inputs need it

    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            if record.format != "warc":
                raise PipelineError("decode", "not a WARC file: its records are not WARC records (an ARC file, "
                                              "or another format under a .warc name)")
            if not _is_html_page(record):
                count.skipped += 1
                continue
            payload = _payload(record, limit)         # read before the offset: asking for it ends the record
            yield WarcPage(records.get_record_offset(), record.rec_headers.get_header("WARC-Target-URI"),
                           record.rec_headers.get_header("WARC-Date"), payload,
                           _charset(record.http_headers.get_header("Content-Type") or ""))


def _is_html_page(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return status.startswith("2") and content_type.startswith(HTML_TYPES)


def _payload(record, limit: int) -> bytes | PipelineError:
    try:
        return read_limited(record.content_stream(), limit, "the record's page")
    except PipelineError as exc:
        return exc


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None

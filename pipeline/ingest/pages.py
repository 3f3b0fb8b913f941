"""Ingest: walk the input folder, decode every file, and yield one Page per article or one Problem.

Every file is accounted for: a file that cannot be read yields a Problem (stage "ingest") with a kind
(empty, whitespace-only, binary, decode, too-large, unreadable, unsupported-format, invalid-json,
no-article; and from the walk, pipeline/ingest/walk.py: not-a-file, broken-link, link-loop, outside-input) and a
message that says what to do. Order is deterministic: files by relative POSIX path, JSON records in file
order ("batch.jsonl#0" is the first non-blank line; a .json file holding a list gives "x.json#N", one
holding a single object gives "x.json"). Hidden files and folders (".git", ".DS_Store") are not inputs.

Compressed files (.gz, .bz2, .xz, .zst) are read as what their inner name says, decompressed as they are
read, the size limit applying to each record or page; web archives (.warc, .warc.gz) give one page per HTML
response ("crawl.warc.gz#OFFSET") and, last, an ArchiveRecords counting the other records (archives.py).

A JSON-lines file is decoded record by record (unless it is UTF-16 or UTF-32), so one record in another
encoding costs that record, not the file. A record's known fields (url, html, text, title, date,
published_at, author, editor, sitename) must be strings or null: any other value is an ``invalid-json``
error for the record, never stored as a Python repr. NUL characters are refused the same way everywhere:
a NUL byte in a file, or a ``\\u0000`` in a JSON string, is ``binary``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator

import charset_normalizer

from pipeline.ingest import archives, html_extract, json_text
from pipeline.ingest.html_extract import PageRules
from pipeline.ingest.walk import list_inputs, read_regular
from pipeline.record import INGEST, INTERNAL, ArchiveRecords, Page, PipelineError, Problem, problem_from, traceback_text
from pipeline.settings import Settings

log = logging.getLogger(__name__)

FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".json": "json"}
# The encodings scraped Indonesian news arrives in.  Restricting charset-normalizer to them matters: left
# free it reads a cp1252 page full of ticker symbols as cp775, a DOS code page no news site uses.
CANDIDATE_ENCODINGS = ["utf_8", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "cp1252", "latin_1"]
_SINGLE_BYTE = ("cp1252", "latin_1")
# Highest "mess" ratio accepted.  charset-normalizer's default 0.2 rejects a genuine cp1252 Kontan dump
# (seed 000 re-encoded scores 0.33), while random bytes, a PNG and an ELF binary find no match even at 0.5.
MAX_MESS = 0.5
# Share of C0 control characters (other than tab/newline) above which decoded text is binary data.
MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A well-formed UTF-8 multi-byte sequence.  Finding one in a file charset-normalizer reads as a single-byte
# code page means the file is UTF-8 with damaged bytes: decoding it as cp1252 would turn every “ into â€œ.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HASH_HEX = 16
# Invisible format characters that only get in the way of line rules: byte-order mark, bidi marks and
# embeddings (a stray U+200E before a quote is common in pasted text), word joiner, soft hyphen.
_INVISIBLE = re.compile("[\ufeff\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\u00ad]")
# Byte-order marks of the encodings in which b"\n" is not a line end; so is a file of which a quarter of the
# first bytes are NUL (UTF-16 or UTF-32 without a mark). Such a JSON-lines file is decoded whole.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_WIDE_NUL_SHARE = 0.25


def iter_pages(input_dir: Path, settings: Settings, rules: PageRules,
               exclude: Iterable[Path] = ()) -> Iterator[Page | Problem]:
    """Every page and problem below ``input_dir`` (or of that one file), in relative-path order; ``rules``:
    the compiled knowledge's ``pages`` (pipeline/compiled.py)."""
    listing = list_inputs(Path(input_dir), exclude, settings.follow_links)
    for rel, entry in listing.entries():
        if isinstance(entry, Problem):
            yield entry
            continue
        try:
            yield from _read_file(entry, rel, settings, rules)
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the run
            yield _problem(rel, exc)


def _problem(source_path: str, exc: Exception) -> Problem:
    problem = problem_from(exc, source_path, INGEST)
    if problem.kind == INTERNAL:
        log.error("%s: internal error in stage ingest\n%s", source_path, traceback_text(exc))
    return problem


def _read_file(path: Path, rel: str, settings: Settings, rules: PageRules) -> Iterator[Page | Problem]:
    if archives.is_warc(path.name):
        yield from _warc_pages(path, rel, settings, rules)
        return
    compressed, inner = archives.compression(path.name)
    kind = FORMATS.get(Path(inner).suffix.lower())
    if kind is None:
        raise PipelineError("unsupported-format", f"'{Path(inner).suffix or path.name}' files are not read; "
                                                  f"supported: {', '.join(sorted(FORMATS))} and .warc, each "
                                                  f"also compressed ({', '.join(archives.COMPRESSIONS)})")
    if compressed:
        yield from _compressed_pages(path, rel, compressed, kind, settings, rules)
        return
    try:
        data = read_regular(path, settings.max_input_bytes)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _unreadable(exc) from None
    if kind == "jsonl" and data.strip() and not _wide(data):
        yield from _json_lines_pages(rel, data.split(b"\n"), rules)
        return
    yield from _pages_of_bytes(rel, data, kind, rules)


def _unreadable(exc: OSError) -> PipelineError:
    return PipelineError("unreadable", f"cannot read the file ({exc.strerror or exc}); check its permissions")


def _pages_of_bytes(rel: str, data: bytes, kind: str, rules: PageRules) -> Iterator[Page | Problem]:
    text, encoding = decode(data, html_extract.declared_charset(data) if kind == "html" else None)
    if kind == "txt":
        yield _page(rel, text, encoding, "txt")
    elif kind == "html":
        yield _html_page(rel, text, encoding, "html", None, rules)
    else:
        yield from _json_pages(rel, text, encoding, kind, rules)


def _open_archive(path: Path):
    """The file opened for reading, once it is known to be a regular file (walk.py refuses the rest)."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise PipelineError("not-a-file", "not a regular file: never opened")
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _unreadable(exc) from None


def _compressed_pages(path: Path, rel: str, compressed: str, kind: str, settings: Settings,
                      rules: PageRules) -> Iterator[Page | Problem]:
    """A compressed file, decompressed as it is read: a JSON-lines dump record by record, any other kind as
    the one page it holds; the size limit applies to each record or page, not to the file."""
    limit = settings.max_input_bytes
    _open_archive(path).close()
    try:
        with archives.open_decompressed(path, compressed) as stream:
            if kind == "jsonl":
                yield from _json_lines_pages(rel, archives.lines(stream, limit), rules)
            else:
                yield from _pages_of_bytes(rel, archives.read_limited(stream, limit), kind, rules)
    except PipelineError:
        raise
    except (OSError, EOFError, ValueError) as exc:       # gzip, bz2, lzma and zstandard errors
        raise archives.decompression_error(exc) from None


def _warc_pages(path: Path, rel: str, settings: Settings, rules: PageRules) -> Iterator[Page | Problem]:
    """Each HTML response of a web archive, a page keyed "file.warc.gz#OFFSET"; then the file's count of the
    records that are not pages."""
    from warcio.exceptions import ArchiveLoadFailed

    _open_archive(path).close()
    count = archives.WarcCount()
    pages = 0
    try:
        for record in archives.warc_pages(path, settings.max_input_bytes, count):
            pages += 1
            record_path = f"{rel}#{record.offset}"
            try:
                yield _warc_page(record_path, record, rules)
            except Exception as exc:  # noqa: BLE001 - one bad record never stops the file
                yield _problem(record_path, exc)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise PipelineError("decode", f"not a readable WARC file ({type(exc).__name__}: {exc}); the records "
                                      "before the damage were read") from None
    if not pages and not count.skipped:
        raise PipelineError("empty", "no web archive record in the file")
    yield ArchiveRecords(rel, count.skipped)


def _warc_page(record_path: str, record: archives.WarcPage, rules: PageRules) -> Page:
    if isinstance(record.html, PipelineError):
        raise record.html
    text, encoding = decode(record.html, record.charset or html_extract.declared_charset(record.html))
    return _html_page(record_path, text, encoding, "warc", record.url, rules, {"fetched_at": record.fetched_at})


def _wide(data: bytes) -> bool:
    head = data[:4096]
    return head.startswith(_WIDE_BOMS) or head.count(0) >= _WIDE_NUL_SHARE * len(head)


# ---------------------------------------------------------------- decoding

def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Bytes → (NFC text with '\\n' line endings, encoding name), or PipelineError saying why not.

    Valid UTF-8 wins whatever a page declares (a UTF-8 page declaring iso-8859-1 is common); a declared
    charset is used when the bytes are not UTF-8; charset-normalizer guesses only after both.
    """
    if not data:
        raise PipelineError("empty", "the file is empty (0 bytes)")
    text, encoding = _as_utf8(data) or _as_declared(data, declared) or _as_detected(data)
    text = normalise_text(text)
    if _CONTROL.search(text) and len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * len(text):
        raise PipelineError("binary", "the file is mostly control characters: binary data, not a page")
    if not text.strip():
        raise PipelineError("whitespace-only", "the file holds only whitespace")
    return text, encoding


def _as_utf8(data: bytes) -> tuple[str, str] | None:
    if b"\x00" in data:            # UTF-16/32 text is valid UTF-8 when it is ASCII: let detection decide
        return None
    try:
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError:
        return None


def _as_declared(data: bytes, declared: str | None) -> tuple[str, str] | None:
    if not declared or b"\x00" in data or (declared in _SINGLE_BYTE and _UTF8_SEQUENCE.search(data)):
        return None
    if declared.replace("_", "-").startswith(("utf-16", "utf-32", "ucs-2", "ucs2")):
        return None      # without NUL bytes the markup cannot be UTF-16 or UTF-32: any even bytes "decode" as it
    try:
        return data.decode(declared), declared
    except (UnicodeDecodeError, LookupError):
        return None


def _as_detected(data: bytes) -> tuple[str, str]:
    wide = _as_utf32_without_bom(data)
    if wide:
        return wide
    best = charset_normalizer.from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS, threshold=MAX_MESS).best()
    if best is None:
        raise _undecodable(data)
    if b"\x00" in data and not best.encoding.startswith(("utf_16", "utf_32")):
        raise PipelineError("binary", "the file holds NUL bytes: it is binary data, not a text or HTML page")
    if best.encoding in _SINGLE_BYTE and _UTF8_SEQUENCE.search(data):
        raise _undecodable(data)
    return str(best), best.encoding


def _as_utf32_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-32 with no byte-order mark, which charset-normalizer does not try: three of every four bytes NUL."""
    if len(data) % 4 or len(data) < 16:
        return None
    for encoding, high in (("utf_32_le", (2, 3)), ("utf_32_be", (0, 1))):
        if all(data[byte::4].count(0) == len(data) // 4 for byte in high):     # (characters of the BMP)
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    return None


def _undecodable(data: bytes) -> PipelineError:
    head = data[:4096].decode("latin_1")
    if b"\x00" in data or len(_CONTROL.findall(head)) > MAX_CONTROL_SHARE * len(head):
        return PipelineError("binary", "the file is binary data (an image, archive or executable?), not a page")
    try:
        data.decode("utf_8")
    except UnicodeDecodeError as exc:
        return PipelineError("decode", f"invalid UTF-8 at byte {exc.start} and no other encoding "
                                       f"({', '.join(_SINGLE_BYTE)}) reads it cleanly; re-save it as UTF-8")
    return PipelineError("decode", "no supported encoding reads the file cleanly; re-save it as UTF-8")


def normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", text))


def article_id(text: str) -> str:
    """Hash of the text with blank lines and spacing folded, so re-saved copies of a page share an id."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    canonical = "\n".join(line for line in lines if line)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:_HASH_HEX]


# ---------------------------------------------------------------- pages

def _page(rel: str, text: str, encoding: str, input_format: str, url: str | None = None,
          html_meta: dict | None = None) -> Page:
    if not text.strip():
        raise PipelineError("whitespace-only", "no text: the page or record holds only whitespace")
    _refuse_binary_text(text, "the page")
    return Page(article_id(text), rel, text, encoding, input_format, url, dict(html_meta or {}))


def _refuse_binary_text(text: str, what: str) -> None:
    """The rules decode() applies to a file's bytes, for text that arrives decoded (a JSON string, UTF-16)."""
    if "\x00" in text:
        raise PipelineError("binary", f"{what} holds NUL characters: binary data, not a text or HTML page")
    if len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * len(text):
        raise PipelineError("binary", f"{what} is mostly control characters: binary data, not a page")


def _html_page(rel: str, html: str, encoding: str, input_format: str, url: str | None,
               rules: PageRules, extra_meta: dict | None = None) -> Page:
    text, meta = html_extract.extract(html, url, rules)
    meta = {**meta, **{k: v for k, v in (extra_meta or {}).items() if v}}
    return _page(rel, text, encoding, input_format, url or meta.get("url"), meta)


def _json_lines_pages(rel: str, lines: Iterable[bytes | PipelineError], rules: PageRules) -> Iterator[Page | Problem]:
    """Each non-blank line decoded on its own: a record in another encoding, or damaged, costs itself only
    (a line over the size limit arrives as its PipelineError)."""
    records = (line for line in lines if isinstance(line, PipelineError) or line.strip())
    for n, line in enumerate(records):
        record_path = f"{rel}#{n}"
        try:
            if isinstance(line, PipelineError):
                raise line
            text, encoding = decode(line)
            yield _record_page(record_path, _loads(text, f"record {n}"), encoding, rules)
        except Exception as exc:  # noqa: BLE001 - one bad record never stops the file
            yield _problem(record_path, exc)


def _json_pages(rel: str, text: str, encoding: str, kind: str, rules: PageRules) -> Iterator[Page | Problem]:
    records = list(_json_records(rel, text, kind))
    if not records:
        raise PipelineError("empty", "no JSON records in the file")
    for record_path, record in records:
        try:
            yield _record_page(record_path, record, encoding, rules)
        except Exception as exc:  # noqa: BLE001 - one bad record never stops the file
            yield _problem(record_path, exc)


def _json_records(rel: str, text: str, kind: str) -> Iterator[tuple[str, Any]]:
    if kind == "jsonl":
        lines = [line for line in text.split("\n") if line.strip()]
        for n, line in enumerate(lines):
            yield f"{rel}#{n}", _loads(line, f"record {n}")
        return
    data = _loads(text, "the file")
    if isinstance(data, PipelineError) and json_text.array_items(text) is not None:
        items = json_text.array_items(text)        # an item too deep to parse costs that item only
        yield from ((f"{rel}#{n}", _loads(item, f"item {n}")) for n, item in enumerate(items))
        return
    if isinstance(data, list):
        yield from ((f"{rel}#{n}", item) for n, item in enumerate(data))
    else:
        yield rel, data


def _loads(text: str, what: str) -> Any:
    try:
        return json_text.loads(text)
    except json.JSONDecodeError as exc:
        return PipelineError("invalid-json", f"{what} is not valid JSON ({exc.msg} at line {exc.lineno} "
                                             f"column {exc.colno})")
    except json_text.TooDeep as exc:
        return PipelineError("invalid-json", f"{what} is {exc}: not a scraped article")


_RECORD_META = ("title", "date", "published_at", "author", "editor", "sitename")
_RECORD_FIELDS = ("url", "html", "text", *_RECORD_META)


def _record_page(record_path: str, record: Any, encoding: str, rules: PageRules) -> Page:
    if isinstance(record, PipelineError):
        raise record
    if not isinstance(record, dict):
        raise PipelineError("invalid-json", "a record must be a JSON object with url/html/text, "
                                            f"not {type(record).__name__}")
    fields = _record_fields(record)
    meta = {k: fields[k] for k in _RECORD_META if fields.get(k)}
    if "published_at" in meta:
        meta["date"] = meta.pop("published_at")
    if fields.get("html", "").strip():
        has_text = bool(fields.get("text", "").strip())
        try:
            page = _html_page(record_path, fields["html"], encoding, "jsonl", fields.get("url"), rules, meta)
        except PipelineError as exc:        # markup with no article (a consent wall): the text may hold it
            if exc.kind != "no-article" or not has_text:
                raise
        else:
            if not has_text or html_extract.has_prose(page.text, page.html_meta.get("profile"), rules):
                return page
    if "text" in fields:
        return _page(record_path, fields["text"], encoding, "jsonl", fields.get("url"), meta)
    raise PipelineError("empty", "the record has no 'html' or 'text' field with content")


def _record_fields(record: dict) -> dict[str, str]:
    """The record's known fields, normalised like page text; a value that is not a string (or null) is an error."""
    fields = {}
    for name in _RECORD_FIELDS:
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or isinstance(value, json_text.Number):
            raise PipelineError("invalid-json", f"field '{name}' must be a string or null, not "
                                                f"{_JSON_TYPES.get(type(value), type(value).__name__)}; fix the "
                                                "scraper's output (no value is stored in its place)")
        if "\x00" in value:
            raise PipelineError("binary", f"field '{name}' holds NUL characters (\\u0000): binary data, not a page")
        fields[name] = normalise_text(value)
    return fields


_JSON_TYPES = {dict: "an object", list: "an array", bool: "a boolean", json_text.Number: "a number"}

"""Compressed dumps (.gz, .bz2, .xz, .zst) are read as what they hold, streamed, the size limit applying to
each decompressed page; web archives (.warc, .warc.gz) are read with warcio: each HTML response a page keyed
file#offset, the other records counted in the file's row of ``inputs``. Pages of our own."""
from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from pathlib import Path

import pytest
import zstandard

from pipeline.engine import inputs
from pipeline.ingest import pages as ingest
from pipeline.record import ArchiveRecords, Page, Problem, RunResult
from pipeline.settings import Settings

PARAGRAPH = ("Warga desa bergotong royong membersihkan saluran irigasi menjelang musim tanam padi yang akan "
             "dimulai bulan depan.")
HTML = (f"<html><head><title>Warga Bersihkan Saluran</title></head><body><article><h1>Warga Bersihkan Saluran</h1>"
        f"<p>{PARAGRAPH}</p><p>Kepala desa mengatakan kegiatan itu rutin digelar setiap tahun oleh warga.</p>"
        "</article></body></html>")
COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress,
            ".zst": lambda data: zstandard.ZstdCompressor().compress(data)}


def _records(n: int) -> bytes:
    return b"".join(json.dumps({"url": f"https://kabarpelita.id/berita/{i}", "title": f"Berita {i}",
                                "text": f"Berita {i}\n\n{PARAGRAPH} Nomor {i}."}).encode() + b"\n"
                    for i in range(n))


def _read(path: Path, compiled, settings: Settings | None = None) -> list:
    return list(ingest.iter_pages(path, settings or Settings(), compiled.pages))


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_a_compressed_json_lines_dump_is_read_record_by_record(tmp_path, compiled, suffix):
    path = tmp_path / f"dump.jsonl{suffix}"
    path.write_bytes(COMPRESS[suffix](_records(3) + b"\n"))
    items = _read(path, compiled)
    assert [item.source_path for item in items] == [f"dump.jsonl{suffix}#{n}" for n in range(3)]
    assert all(isinstance(item, Page) and item.input_format == "jsonl" for item in items)
    assert items[2].url == "https://kabarpelita.id/berita/2"


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
@pytest.mark.parametrize("name, data, kind", [("page.html", HTML.encode(), "html"),
                                              ("page.txt", f"Judul\n{PARAGRAPH}\n".encode(), "txt")])
def test_a_compressed_page_is_read_as_the_page_it_holds(tmp_path, compiled, suffix, name, data, kind):
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(COMPRESS[suffix](data))
    (page,) = _read(path, compiled)
    assert isinstance(page, Page) and page.input_format == kind and PARAGRAPH in page.text


def test_a_multi_frame_zstd_dump_is_read_to_its_end(tmp_path, compiled):
    path = tmp_path / "dump.jsonl.zst"
    records = _records(4).split(b"\n")
    frames = [zstandard.ZstdCompressor().compress(b"\n".join(records[:2]) + b"\n"),
              zstandard.ZstdCompressor().compress(b"\n".join(records[2:]))]
    path.write_bytes(b"".join(frames))
    assert len([item for item in _read(path, compiled) if isinstance(item, Page)]) == 4


def test_the_size_limit_applies_to_each_decompressed_record_not_the_file(tmp_path, compiled):
    huge = json.dumps({"text": PARAGRAPH + " " + "kata " * 4000}).encode() + b"\n"
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress(_records(2) + huge + _records(1)))
    settings = Settings(max_input_bytes=len(_records(2)))           # the file inflates far past it
    items = _read(path, compiled, settings)
    assert [type(item).__name__ for item in items] == ["Page", "Page", "Problem", "Page"]
    assert items[2].kind == "too-large" and items[2].source_path == "dump.jsonl.gz#2"


def test_a_compressed_page_that_inflates_past_the_limit_is_refused(tmp_path, compiled):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(HTML.encode() + b" " * 100_000))
    (problem,) = _read(path, compiled, Settings(max_input_bytes=50_000))
    assert isinstance(problem, Problem) and problem.kind == "too-large"


def test_a_truncated_dump_keeps_the_records_before_the_damage(tmp_path, compiled):
    path = tmp_path / "dump.jsonl.gz"
    data = gzip.compress(_records(50))
    path.write_bytes(data[:len(data) * 2 // 3])
    items = _read(path, compiled)
    assert isinstance(items[0], Page)
    assert isinstance(items[-1], Problem) and items[-1].source_path == "dump.jsonl.gz"
    assert items[-1].kind == "decode" and "damaged or truncated" in items[-1].message


def test_a_zip_archive_is_not_read(tmp_path, compiled):
    path = tmp_path / "pages.zip"
    path.write_bytes(b"PK\x03\x04")
    (problem,) = _read(path, compiled)
    assert problem.kind == "unsupported-format"


# ---------------------------------------------------------------- WARC

def _warc(path: Path, compress: bool) -> list[str]:
    """A small web archive of our own: warcinfo, a request, an HTML response, an image, a redirect, a
    second HTML page; returns the kinds of record written, in order."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "pipeline tests"}))
        url = "https://kabarpelita.id/berita/1"
        request = io.BytesIO(b"GET /berita/1 HTTP/1.1\r\n\r\n")
        writer.write_record(writer.create_warc_record(url, "request", payload=request))
        for status, kind, body, url in (
                ("200 OK", "text/html; charset=utf-8", HTML.encode(), url),
                ("200 OK", "image/png", b"\x89PNG\r\n", "https://kabarpelita.id/logo.png"),
                ("301 Moved Permanently", "text/html", b"<a href='/berita/2'>moved</a>", "https://kabarpelita.id/b2"),
                ("200 OK", "text/html", HTML.replace("Saluran", "Irigasi").encode(),
                 "https://kabarpelita.id/berita/2")):
            headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": "2025-06-10T03:12:45Z"}))
    return ["warcinfo", "request", "page", "image", "redirect", "page"]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_web_archive_gives_its_html_responses_as_pages(tmp_path, compiled, name):
    path = tmp_path / name
    _warc(path, compress=name.endswith(".gz"))
    items = _read(path, compiled)
    pages = [item for item in items if isinstance(item, Page)]
    assert [page.url for page in pages] == ["https://kabarpelita.id/berita/1", "https://kabarpelita.id/berita/2"]
    assert all(page.input_format == "warc" and page.html_meta["fetched_at"] == "2025-06-10T03:12:45Z"
               for page in pages)
    offsets = [int(page.source_path.split("#")[1]) for page in pages]
    assert offsets[0] > 0 and offsets[1] > offsets[0]
    with open(path, "rb") as handle:                 # the offset is where the record starts in the file
        from warcio.archiveiterator import ArchiveIterator
        handle.seek(offsets[1])
        record = next(iter(ArchiveIterator(handle)))
        assert record.rec_headers.get_header("WARC-Target-URI") == "https://kabarpelita.id/berita/2"
    assert items[-1] == ArchiveRecords(name, 4)     # warcinfo, request, image, redirect
    assert not [item for item in items if isinstance(item, Problem)]


def test_the_archive_is_counted_in_inputs_and_its_pages_are_keyed_by_offset(tmp_path, compiled):
    _warc(tmp_path / "crawl.warc.gz", compress=True)
    result = RunResult()
    entries = inputs.list_folder(tmp_path, Settings(), result)
    pages = list(inputs.read_pages(entries, Settings(), compiled.pages, result))
    assert len(pages) == 2 and not result.problems
    row = result.inputs["crawl.warc.gz"]
    assert (row.status, row.records_skipped) == ("archive", 4)
    assert [s.status for p, s in result.inputs.items() if p.startswith("crawl.warc.gz#")] == ["processed"] * 2


def test_a_large_dump_is_streamed_page_by_page(tmp_path, compiled):
    (tmp_path / "dump.jsonl.gz").write_bytes(gzip.compress(_records(40)))
    settings = Settings(max_input_bytes=1000)                    # smaller than the file: streamed, not cached
    result = RunResult()
    entries = inputs.list_folder(tmp_path, settings, result)
    stream = inputs.read_pages(entries, settings, compiled.pages, result)
    first = next(stream)
    assert first.source_path == "dump.jsonl.gz#0" and len(result.inputs) == 1     # the rest not read yet
    assert len(list(stream)) == 39


def test_a_file_that_is_not_a_warc_is_an_error_row(tmp_path, compiled):
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"this is not a web archive\n")
    (problem,) = _read(path, compiled)
    assert problem.kind == "decode" and "WARC" in problem.message

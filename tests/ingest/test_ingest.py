"""Ingest: walking, decoding, normalising, article ids, JSON records, and every kind of bad input."""
from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest

from pipeline.ingest import pages as ingest
from pipeline.record import Page, PipelineError, Problem
from pipeline.settings import Settings
from tests.conftest import CORPUS_DIR

SEED_001 = CORPUS_DIR / "001_1fd5a1f09d60b45e.txt"
SEED_TEXT = SEED_001.read_text(encoding="utf-8")


def run(folder: Path, compiled, settings: Settings = Settings()) -> dict[str, Page | Problem]:
    items = list(ingest.iter_pages(folder, settings, compiled.pages))
    by_path = {item.source_path: item for item in items}
    assert len(by_path) == len(items), "each source_path appears once"
    return by_path


def problem(items: dict, path: str) -> Problem:
    item = items[path]
    assert isinstance(item, Problem), f"{path} should be a Problem, got {type(item).__name__}"
    assert item.stage == "ingest" and item.message
    return item


# ---------------------------------------------------------------- corpus

def test_corpus_order_is_sorted_by_relative_posix_path(compiled):
    paths = [item.source_path for item in ingest.iter_pages(CORPUS_DIR, Settings(), compiled.pages)]
    files = sorted(p.relative_to(CORPUS_DIR).as_posix() for p in CORPUS_DIR.rglob("*") if p.is_file())
    assert [p.split("#")[0] for p in paths] == sorted(p.split("#")[0] for p in paths)
    assert {p.split("#")[0] for p in paths} == set(files)        # every file is accounted for
    assert "scraper_batch_2024.jsonl#0" in paths and "scraper_batch_2024.jsonl#1" in paths


def test_corpus_reads_every_encoding_it_holds(corpus_pages):
    encodings = {path: page.encoding for path, page in corpus_pages.items()}
    assert encodings["bharata_wang_lavrov_utf16.txt"] == "utf_16"
    assert encodings["indopos_patroli_udara_cp1252.txt"] == "cp1252"
    assert encodings["000_65dd71f6f6c36440.txt"] == "utf_8"
    assert "“Dalam pelaksanaan tugas" in corpus_pages["indopos_patroli_udara_cp1252.txt"].text
    assert all("\r" not in page.text and "\ufeff" not in page.text for page in corpus_pages.values())


def test_copy_under_another_name_has_the_same_article_id(corpus_pages):
    copy = corpus_pages["mirror/kontan_kyrgyzstan_copy.txt"]        # CRLF + BOM copy of seed 001
    assert copy.article_id == corpus_pages["001_1fd5a1f09d60b45e.txt"].article_id
    ids = [p.article_id for path, p in corpus_pages.items() if path != "mirror/kontan_kyrgyzstan_copy.txt"]
    assert len(set(ids)) == len(ids)


def test_html_page_gets_text_and_metadata(corpus_pages):
    page = corpus_pages["kontan_iran_sco_2023.html"]
    assert page.input_format == "html"
    assert page.url == "https://internasional.kontan.co.id/news/iran-resmi-jadi-anggota-penuh-sco-belarus-menyusul"
    assert page.html_meta["title"] == "Iran Resmi Jadi Anggota Penuh SCO, Belarus Menyusul"
    assert page.html_meta["date.meta-tag"] == "2023-07-04T21:05:00+07:00"          # article:published_time
    assert page.html_meta["profile"] == "kontan" and page.html_meta["body_start"] == 3
    assert "Selasa, 04 Juli 2023 / 21:05 WIB" in page.text          # from the profile's date selector
    assert "KONTAN.CO.ID - NEW DELHI." in page.text
    assert "<p>" not in page.text and "Beranda" not in page.text


def test_jsonl_records_keep_file_order_and_fields(corpus_pages):
    first, second = corpus_pages["scraper_batch_2024.jsonl#0"], corpus_pages["scraper_batch_2024.jsonl#1"]
    assert first.input_format == second.input_format == "jsonl"
    assert first.url.startswith("https://ekonomi.bisnis.com/") and first.text.startswith("Nyaman tanpa iklan")
    assert second.html_meta["title"] == "Belarus Resmi Jadi Anggota Ke-10 SCO di KTT Astana"
    assert "ASTANA - Belarus resmi" in second.text


# ---------------------------------------------------------------- decoding and normalising

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_every_supported_encoding_decodes_to_the_same_text(encoding):
    text, _ = ingest.decode(SEED_TEXT.encode(encoding))
    assert text == SEED_TEXT
    assert ingest.article_id(text) == ingest.article_id(SEED_TEXT)


def test_valid_utf8_wins_over_detection_and_a_declared_charset():
    # Short text with one invisible U+200E: charset-normalizer alone calls it cp1252 (and so mojibake).
    text = "Menteri Luar Negeri bertemu mitranya di Jakarta pada hari Selasa.\n\n\u200e\"Kami sepakat,\" ujarnya.\n"
    data = text.encode("utf-8")
    for declared in (None, "cp1252", "iso8859_15"):
        decoded, encoding = ingest.decode(data, declared)
        assert (decoded, encoding) == (text.replace("\u200e", ""), "utf_8")


def test_declared_charset_is_used_when_the_bytes_are_not_utf8():
    data = "Harga naik 5 \u20ac per ton, kata pejabat itu di Brussel.\n".encode("iso8859_15")   # € is 0xA4 here
    assert ingest.decode(data, "iso8859_15") == ("Harga naik 5 \u20ac per ton, kata pejabat itu di Brussel.\n",
                                                 "iso8859_15")
    assert "\u20ac" not in ingest.decode(data)[0]           # charset-normalizer alone reads cp1252's ¤
    assert ingest.decode(data, "no-such-codec")[1] in ingest.CANDIDATE_ENCODINGS


@pytest.mark.parametrize("head,charset", [
    (b'<meta charset="utf-8">', "utf_8"),
    (b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>", "cp1252"),
    (b'<META CHARSET=windows-1252>', "cp1252"),
    (b'<meta name="viewport" content="width=device-width">', None),
])
def test_declared_charset_of_an_html_page(head, charset):
    from pipeline.ingest import html_extract
    assert html_extract.declared_charset(b"<html><head>" + head + b"</head><body></body></html>") == charset


def test_html_page_declaring_latin1_but_utf8_is_read_as_utf8(tmp_path, compiled):
    body = "".join(f"<p>\u201cIndonesia dan Brasil {w} kerja sama bioenergi,\u201d ujar menteri itu di Jakarta.</p>"
                   for w in ("memperkuat", "memperluas"))
    html = (f"<html><head><meta charset='iso-8859-1'><title>Judul</title></head>"
            f"<body><article>{body}</article></body></html>")
    (tmp_path / "page.html").write_bytes(html.encode("utf-8"))
    page = run(tmp_path, compiled)["page.html"]
    assert page.encoding == "utf_8" and "\u201cIndonesia dan Brasil memperkuat" in page.text


def test_latin1_page_decodes():
    text, encoding = ingest.decode("Berita café di Jakarta, Senin (1/2/2021).\n".encode("latin-1"))
    assert text == "Berita café di Jakarta, Senin (1/2/2021).\n" and encoding in ("cp1252", "latin_1")


def test_line_endings_and_unicode_are_normalised():
    decomposed = "Kafe\u0301 di Jakarta\r\nbaris dua\rbaris tiga"
    text, _ = ingest.decode(decomposed.encode("utf-8"))
    assert text == "Kaf\u00e9 di Jakarta\nbaris dua\nbaris tiga"
    assert unicodedata.is_normalized("NFC", text)


def test_article_id_ignores_spacing_but_not_words():
    assert ingest.article_id("Judul\n\n  Kalimat  satu.\n") == ingest.article_id("Judul\nKalimat satu.")
    assert ingest.article_id("Judul\nKalimat satu.") != ingest.article_id("Judul\nKalimat dua.")
    assert len(ingest.article_id("x")) == 16


# ---------------------------------------------------------------- bad input: one Problem each, never a crash

def test_bad_inputs_each_get_a_problem_with_a_clear_kind(tmp_path, compiled):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\t\r\n  \n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (tmp_path / "broken_utf8.txt").write_bytes(SEED_TEXT.encode()[:900] + b"\xff\xfe\xc3(" + SEED_TEXT.encode()[900:])
    (tmp_path / "menu.html").write_text("<html><head><title>Beranda</title></head><body></body></html>")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 ...")
    with open(tmp_path / "huge.txt", "wb") as f:        # sparse: 50 MB on paper, nothing on disk
        f.truncate(50 * 1024 * 1024)
    items = run(tmp_path, compiled)
    kinds = {path: problem(items, path).kind for path in items}
    assert kinds == {"blank.txt": "whitespace-only", "broken_utf8.txt": "decode", "empty.txt": "empty",
                     "huge.txt": "too-large", "image.txt": "binary", "menu.html": "no-article",
                     "scan.pdf": "unsupported-format"}
    assert "byte 900" in items["broken_utf8.txt"].message
    assert "max_input_bytes" in items["huge.txt"].message


def test_html_menu_page_reaches_clean_and_stops_there(tmp_path, compiled):
    from pipeline.annotate import clean
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Beranda</a> <a href='/a'>Ekonomi</a>"
                                       "</nav></body></html>", encoding="utf-8")
    page = run(tmp_path, compiled)["nav.html"]
    if isinstance(page, Page):                     # trafilatura keeps the menu words; the cleaner finds no article
        with pytest.raises(PipelineError) as err:
            clean.clean(page, compiled.profiles)
        assert err.value.kind == "no-article"
    else:
        assert page.kind == "no-article"


def test_site_selectors_supply_what_trafilatura_misses(compiled):
    from pipeline.ingest import html_extract
    html = ("<html><head><link rel='canonical' href='https://www.kontan.co.id/news/x'></head><body>"
            "<div class='fs14 ff-opensans font-gray'>Selasa, 04 Juli 2023 / 21:05 WIB</div>"
            "<div class='tmpt-desk-kon'><p>KONTAN.CO.ID - JAKARTA. Kalimat pertama yang cukup panjang untuk menjadi "
            "paragraf berita sungguhan.</p><p>Kalimat kedua.</p></div></body></html>")
    text, meta = html_extract.extract(html, None, compiled.pages)
    assert text.split("\n") == ["Selasa, 04 Juli 2023 / 21:05 WIB", "KONTAN.CO.ID - JAKARTA. Kalimat pertama yang "
                                 "cukup panjang untuk menjadi paragraf berita sungguhan.", "Kalimat kedua."]
    assert (meta["profile"], meta["body_start"], meta["url"]) == ("kontan", 1, "https://www.kontan.co.id/news/x")


def test_a_page_saved_by_a_browser_gets_its_address_and_profile_from_the_saved_from_comment(compiled):
    from pipeline.ingest import html_extract
    lead = ("KONTAN.CO.ID - JAKARTA. Pemerintah Indonesia dan Jepang menyepakati kerja sama pertahanan maritim "
            "dalam pertemuan di Jakarta pada hari Selasa.")
    html = ("<!DOCTYPE html>\n<!-- saved from url=(0040)https://www.kontan.co.id/news/contoh-1 -->\n<html><body>"
            f"<div class='tmpt-desk-kon'><p>{lead}</p></div></body></html>")
    text, meta = html_extract.extract(html, None, compiled.pages)
    assert (meta["url"], meta["profile"], meta["body_source"]) == ("https://www.kontan.co.id/news/contoh-1", "kontan",
                                                                   "selector")
    assert text == lead


def test_site_selector_fields_go_into_page_metadata(tmp_path, compiled):
    paragraph = ("Qingdao, Radio Bharata Online - Menteri Pertahanan Tiongkok Dong Jun bertemu dengan mitranya dari "
                 "Belarusia di Qingdao pada hari Rabu untuk membahas kerja sama militer kedua negara.")
    html = ("<html><head><title>Dong Jun Bertemu Khrenin</title></head>"
            "<body><article><h1>Dong Jun Bertemu Khrenin</h1>"
            f"<span class='post-author'>Eko Satrio Wibowo</span><div class='post-content'><p>{paragraph}</p>"
            f"<p>{paragraph}</p></div></article></body></html>")
    record = {"url": "https://bharataonline.com/berita/dong-jun-khrenin", "html": html}
    (tmp_path / "one.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    page = run(tmp_path, compiled)["one.jsonl#0"]
    assert page.html_meta["author"] == "Eko Satrio Wibowo"
    assert page.url == record["url"] and paragraph in page.text


def test_unreadable_file_is_a_problem(tmp_path, compiled, monkeypatch):
    (tmp_path / "locked.txt").write_text(SEED_TEXT, encoding="utf-8")

    original_open = os.open

    def refuse(path, *args, **kwargs):
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return original_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refuse)          # as root, a 000 file is still readable
    item = problem(run(tmp_path, compiled), "locked.txt")
    assert item.kind == "unreadable" and "Permission denied" in item.message


def test_unexpected_extractor_failure_is_an_internal_problem_and_the_run_goes_on(tmp_path, compiled, monkeypatch):
    from pipeline.ingest import html_extract

    def explode(html, url, compiled):
        raise ValueError("parser gave up")
    monkeypatch.setattr(html_extract, "extract", explode)
    (tmp_path / "a.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"html": "<p>x</p>"}) + "\n" + json.dumps({"text": "Isi."}) + "\n",
                                      encoding="utf-8")
    (tmp_path / "c.txt").write_text(SEED_TEXT, encoding="utf-8")
    items = run(tmp_path, compiled)
    assert problem(items, "a.html").kind == problem(items, "b.jsonl#0").kind == "internal"
    assert "parser gave up" in items["a.html"].message
    assert isinstance(items["b.jsonl#1"], Page) and isinstance(items["c.txt"], Page)


def test_size_limit_comes_from_settings(tmp_path, compiled):
    (tmp_path / "page.txt").write_text(SEED_TEXT, encoding="utf-8")
    assert isinstance(run(tmp_path, compiled)["page.txt"], Page)
    small = Settings(max_input_bytes=100)
    assert problem(run(tmp_path, compiled, small), "page.txt").kind == "too-large"


def test_random_bytes_are_binary(tmp_path, compiled):
    import random
    (tmp_path / "noise.htm").write_bytes(random.Random(7).randbytes(4000))
    assert problem(run(tmp_path, compiled), "noise.htm").kind == "binary"


def test_bad_json_records_become_problems_and_good_ones_pages(tmp_path, compiled):
    lines = [json.dumps({"url": "https://x.example/a", "text": "Judul\n\nIsi berita yang cukup panjang."}),
             "{not json",
             json.dumps({"url": "https://x.example/b"}),
             json.dumps(["not", "an", "object"]),
             json.dumps({"text": "   "})]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    items = run(tmp_path, compiled)
    assert isinstance(items["batch.jsonl#0"], Page) and items["batch.jsonl#0"].url == "https://x.example/a"
    assert [problem(items, f"batch.jsonl#{n}").kind for n in (1, 2, 3, 4)] == [
        "invalid-json", "empty", "invalid-json", "whitespace-only"]


def test_json_file_may_be_one_object_or_a_list(tmp_path, compiled):
    record = {"url": "https://x.example/a", "text": "Judul\n\nIsi.", "title": "Judul", "published_at": "2024-01-02"}
    (tmp_path / "one.json").write_text(json.dumps(record), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([record, {**record, "text": "Lain."}]), encoding="utf-8")
    (tmp_path / "none.json").write_text("[]", encoding="utf-8")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    items = run(tmp_path, compiled)
    assert items["one.json"].html_meta == {"title": "Judul", "date": "2024-01-02"}
    assert isinstance(items["many.json#0"], Page) and isinstance(items["many.json#1"], Page)
    assert problem(items, "none.json").kind == "empty"
    assert problem(items, "bad.json").kind == "invalid-json"


def test_folders_are_walked_recursively_and_hidden_files_skipped(tmp_path, compiled):
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for rel in ("b/c/z.txt", "a.txt", "b/y.txt", ".git/HEAD", ".DS_Store"):
        (tmp_path / rel).write_text(f"Judul {rel}\n\nIsi berita {rel}.", encoding="utf-8")
    assert list(run(tmp_path, compiled)) == ["a.txt", "b/c/z.txt", "b/y.txt"]


def test_a_single_file_can_be_the_input(compiled):
    assert list(run(SEED_001, compiled)) == [SEED_001.name]


def test_missing_folder_is_a_pipeline_error(tmp_path, compiled):
    with pytest.raises(PipelineError) as err:
        list(ingest.iter_pages(tmp_path / "nope", Settings(), compiled.pages))
    assert err.value.kind == "missing-input"

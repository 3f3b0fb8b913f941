"""Golden cleaned records for every corpus page: tests/golden/articles/<page name>.json.

Each golden file holds the whole cleaned record (metadata, body, captions, removed lines) plus hand-written
``must_keep``/``must_drop`` phrases.  Regenerate after an intended change with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_articles.py`` and review the diff; the
hand-written phrases and the issue's expectations below are kept apart and never regenerated.
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import CORPUS_DIR
from tests.stages import cleaned

GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "articles"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
WIB = ZoneInfo("Asia/Jakarta")

# The issue's expectations for the five seed pages, checked independently of the golden files.
SEED_EXPECTATIONS = {
    "000_65dd71f6f6c36440.txt": dict(
        title="Vladimir Putin: Kerjasama militer antara negara-negara SCO meningkat signifikan",
        published_at=datetime(2020, 11, 11, 11, 40, tzinfo=WIB), date_source="page",
        author=None, editor="S.S. Kurniawan", wire_source="TASS", dateline="SOCHI"),
    "001_1fd5a1f09d60b45e.txt": dict(
        title="Rusia & Kyrgyzstan sepakati kerjasama sistem pertahanan, ini isinya",
        published_at=datetime(2021, 3, 1, 19, 10, tzinfo=WIB), date_source="page",
        author=None, editor="Prihastomo Wahyu Widodo", wire_source="TASS", dateline="MOSKOW"),
    "002_7e5438359328dd56.txt": dict(
        title="Menteri Pertahanan Belarusia: Tiongkok dan Belarusia Punya Potensi Kerja Sama yang Besar",
        published_at=datetime(2025, 6, 26, 16, 38, 5, tzinfo=WIB), date_source="page",
        author="Eko Satrio Wibowo", editor=None, wire_source=None, dateline="Qingdao"),
    "003_d729a6d4d0e3f12b.txt": dict(
        title="Jadi Mitra Strategis Asean, Rusia Bantu Tangkal Ancaman Keamanan",
        published_at=datetime(2018, 11, 30, tzinfo=WIB), date_source="inferred-from-text",
        author=None, editor="Rustam Agus", wire_source=None, dateline="JAKARTA"),
    "004_1bd30c3a12de523b.txt": dict(
        title="Rusia Sebut Organisasi Kerja Sama Shanghai Bukan Aliansi Militer",
        published_at=datetime(2022, 9, 16, tzinfo=WIB), date_source="inferred-from-text",
        author="dam", editor=None, wire_source="rt.com", dateline=None),
}

# The issue's boilerplate list: none of it may survive in any body.
BOILERPLATE = [
    "kontan.co.id", "banner langganan top", "| : WIB | INDIKATOR |", "LQ45", "EMAS1.", "RD.SAHAM", "Baca Juga",
    "Selanjutnya:", "Cek Berita dan Artikel yang lain di Google News", "TERBARU", "Kontan Academy", "Seminar",
    "×", "Nyaman tanpa iklan", "Langganan BisnisPro", "Topik", "Konten Premium", "Artikel Terkait",
    "Berita Lainnya", "Berita Terbaru", "Komentar", "Scan QR Code", "Exit mobile version", "banner",
    "Biro Pers Setpres", "(rt.com)", "(CMG)", "www.indopos.co.id", "Forum Pangan Dunia", "Giorgia Meloni",
    "Hot Topic", "Rekomendasi Kami", "e-paper", "KONTAN.CO.ID -", "Radio Bharata Online -",
]


def golden_name(source_path: str) -> str:
    return source_path.replace("/", "__").replace("#", "_") + ".json"


def record(article) -> dict:
    meta = article.meta
    paragraphs = article.body.split("\n\n")
    return {
        "source_path": article.page.source_path, "article_id": article.article_id, "profile_id": article.profile_id,
        "meta": {"site": meta.site, "url": meta.url, "title": meta.title,
                 "published_at": meta.published_at.isoformat() if meta.published_at else None,
                 "date_source": meta.date_source, "date_text": meta.date_text, "author": meta.author,
                 "editor": meta.editor, "wire_source": meta.wire_source, "dateline": meta.dateline,
                 "language": meta.language, "language_ok": meta.language_ok},
        "body_first": paragraphs[0], "body_last": paragraphs[-1], "n_paragraphs": len(paragraphs),
        "body": article.body, "captions": article.captions,
        "removed": [f"{r.line_no} {r.rule_id} | {r.text}" for r in article.removed],
        **({"repairs": [f"{r.field} {r.offset} {r.rule_id} | {r.original!r} -> {r.repaired!r}"
                        for r in article.repairs]} if article.repairs else {}),
    }


@pytest.fixture(scope="module")
def articles(corpus_pages, compiled):
    return {path: cleaned(page, compiled) for path, page in corpus_pages.items()}


def corpus_paths() -> list[str]:
    from pipeline.ingest import pages as ingest
    from pipeline.knowledge import load_knowledge
    from pipeline.compiled import compile_knowledge
    from pipeline.record import Page
    from pipeline.settings import Settings
    rules = compile_knowledge(load_knowledge()).pages
    return [p.source_path for p in ingest.iter_pages(CORPUS_DIR, Settings(), rules) if isinstance(p, Page)]


@pytest.mark.parametrize("path", corpus_paths())
def test_golden_record(articles, path):
    golden_file = GOLDEN_DIR / golden_name(path)
    actual = record(articles[path])
    if UPDATE:
        kept = json.loads(golden_file.read_text(encoding="utf-8")) if golden_file.exists() else {}
        written = {**actual, "must_keep": kept.get("must_keep", []), "must_drop": kept.get("must_drop", [])}
        golden_file.parent.mkdir(parents=True, exist_ok=True)
        golden_file.write_text(json.dumps(written, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    golden = json.loads(golden_file.read_text(encoding="utf-8"))
    must_keep, must_drop = golden.pop("must_keep"), golden.pop("must_drop")
    assert must_keep and must_drop, "every golden file states what must be kept and dropped"
    for phrase in must_keep:
        assert phrase in actual["body"], phrase
    for phrase in must_drop:
        assert phrase not in actual["body"], phrase
    assert actual == golden


@pytest.mark.parametrize("path", sorted(SEED_EXPECTATIONS))
def test_seed_metadata_matches_the_issue(articles, path):
    meta = articles[path].meta
    expected = SEED_EXPECTATIONS[path]
    assert {key: getattr(meta, key) for key in expected} == expected
    assert meta.published_at.utcoffset().total_seconds() == 7 * 3600
    assert meta.language == "id" and meta.language_ok


def test_no_boilerplate_survives_in_any_body(articles):
    for path, article in articles.items():
        for phrase in BOILERPLATE:
            assert phrase not in article.body, (path, phrase)


def test_duplicate_page_is_cleaned_identically(articles):
    copy, seed = articles["mirror/kontan_kyrgyzstan_copy.txt"], articles["001_1fd5a1f09d60b45e.txt"]
    assert (copy.article_id, copy.body, copy.meta) == (seed.article_id, seed.body, seed.meta)

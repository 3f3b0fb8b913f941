"""Sample HTML pages, one or more per site profile: tests/pages/html/<site>_<story>.html (three of them in corpus/
instead, where they also run end to end) with the expected result in tests/pages/html/ (<same>.json, written by hand,
never regenerated): title, publication time to the second with its source, dateline, author and editor, every body
paragraph in order, captions, and the boilerplate strings that must not survive in the body.

The pages are written for this project, modelled on each site's public page structure (JSON-LD blocks,
meta tags, in-body ads and "Baca juga" boxes, related lists, share widgets, comment policies, copyright
footers); their stories are not copied from anywhere.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.ingest import pages as ingest
from pipeline.record import Page
from pipeline.settings import Settings
from tests.conftest import CORPUS_DIR
from tests.paths import CORPUS_DIR, PAGES_DIR
from tests.stages import cleaned

PAGES_DIR = PAGES_DIR / "html"


def _page_of(expected_file: Path) -> Path:
    """The page beside its expectations, or the same page in corpus/ (a few run end to end there too)."""
    beside = expected_file.with_suffix(".html")
    return beside if beside.exists() else CORPUS_DIR / beside.name


PAGES = sorted((_page_of(f) for f in PAGES_DIR.glob("*.json")), key=lambda p: p.name)


def expected(page: Path) -> dict:
    return json.loads((PAGES_DIR / f"{page.stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def articles(compiled):
    done = {}
    for path in PAGES:
        (page,) = ingest.iter_pages(path, Settings(), compiled.pages)
        assert isinstance(page, Page), page
        done[path.name] = cleaned(page, compiled)
    return done


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_page_metadata_is_exact(articles, path):
    article, want = articles[path.name], expected(path)
    meta = article.meta
    assert article.profile_id == want["profile"]
    assert (meta.title, meta.url) == (want["title"], want["url"])
    assert meta.published_at == datetime.fromisoformat(want["published_at"])
    assert meta.published_at.isoformat() == want["published_at"]         # to the second, in WIB
    assert meta.date_source == want["date_source"]
    assert (meta.dateline, meta.author, meta.editor) == (want["dateline"], want["author"], want["editor"])


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_page_body_keeps_every_paragraph_and_drops_the_boilerplate(articles, path):
    article, want = articles[path.name], expected(path)
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0] == want["paragraphs"][0]                       # the first paragraph is never lost
    assert paragraphs == want["paragraphs"]
    assert want["must_drop"], "every page states what must go"
    for text in want["must_drop"]:
        assert text not in article.body, text
    for caption in want["captions"]:
        assert caption in article.captions.split("\n")


def test_profiled_pages_are_read_without_trafilatura(articles, compiled, monkeypatch):
    """A profiled page's body comes from the profile's selector; trafilatura is for unknown sites and for a
    profiled site's page in a layout its selectors do not know."""
    generic = {name for name, a in articles.items() if a.profile_id == "generic"}
    fallback = generic | {name for name in articles if "redesign_trafilatura_fallback" in name}
    assert generic and all(a.page.html_meta.get("profile") == a.profile_id for a in articles.values())
    for name, article in articles.items():
        html_meta = article.page.html_meta
        assert "title_source" in html_meta
        assert html_meta["body_source"] == ("trafilatura" if name in fallback else "selector")
        assert ("body_start" in html_meta) == (html_meta["body_source"] == "selector")
    import trafilatura
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: pytest.fail("trafilatura called"))
    for path in PAGES:
        if path.name not in fallback:
            (page,) = ingest.iter_pages(path, Settings(), compiled.pages)
            assert isinstance(page, Page)


def test_declared_latin1_page_that_is_utf8_is_read_as_utf8(articles):
    page = articles["generic_kabarglobal_latin1_declared_utf8.html"].page
    assert page.encoding == "utf_8"
    assert "“Brasil dan Indonesia" in page.text and "\u200e" not in articles[
        "generic_kabarglobal_latin1_declared_utf8.html"].body

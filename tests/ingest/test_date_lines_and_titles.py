"""Pages of our own (an unknown site and profiled ones): the printed date line of older layouts gives the time
the day-only meta tags lack, and the title keeps the punctuation a JSON-LD headline dropped."""
from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.ingest import pages as ingest
from pipeline.record import Page
from pipeline.settings import Settings
from tests.stages import cleaned

BODY = ("<p>Pemerintah kota meresmikan jembatan baru di tepi sungai yang menghubungkan dua kecamatan padat "
        "penduduk pada pagi hari.</p><p>Wali kota mengatakan jembatan itu memangkas waktu tempuh warga menuju "
        "pasar dan sekolah hingga setengah jam.</p>")


def _page(tmp_path, date_line: str, *, meta_day: str | None = "2016-03-12", host: str = "kabarpelita.id",
          headline: str = "Jembatan Baru Diresmikan", h1: str = "Jembatan Baru Diresmikan",
          json_ld: bool = False) -> Page:
    meta = f'<meta property="article:published_time" content="{meta_day}">' if meta_day else ""
    ld = (f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'
          if json_ld else "")
    html = (f"<html><head><title>{h1} - Kabar Pelita</title>{meta}{ld}</head><body><article><h1>{h1}</h1>"
            f"<div class='info'>{date_line}</div>{BODY}</article></body></html>")
    path = tmp_path / "page.html"
    path.write_text(html.replace("<html>", f'<html><link rel="canonical" href="https://{host}/berita/1">'),
                    encoding="utf-8")
    (page,) = ingest.iter_pages(path, Settings(), _page.compiled.pages)
    assert isinstance(page, Page), page
    return page


@pytest.fixture(autouse=True)
def _knowledge(compiled):
    _page.compiled = compiled


@pytest.mark.parametrize("line, expected", [
    ("Sabtu, 12 Maret 2016 | 09:30 WIB", "2016-03-12T09:30:00+07:00"),
    ("12 Maret 2016, 14:05 WIB", "2016-03-12T14:05:00+07:00"),
    ("Sabtu, 12 Maret 2016 - 18:45 wib", "2016-03-12T18:45:00+07:00"),
    ("12 Maret 2016 07:15", "2016-03-12T07:15:00+07:00"),
    ("12/03/2016 - 10:20 WITA", "2016-03-12T09:20:00+07:00"),
    ("Kabarpelita.id - Sabtu, 12 Maret 2016 | 08:05 WIB", "2016-03-12T08:05:00+07:00"),
    ("Penulis: Rina Wulandari | 12 Maret 2016 11:40", "2016-03-12T11:40:00+07:00"),
])
def test_a_timed_date_line_beats_the_day_only_meta(tmp_path, compiled, line, expected):
    article = cleaned(_page(tmp_path, line), compiled)
    assert article.meta.published_at.isoformat() == expected
    assert article.meta.date_source == "page"
    assert line not in article.body


def test_a_date_line_alone_dates_the_page(tmp_path, compiled):
    article = cleaned(_page(tmp_path, "Sabtu, 12 Maret 2016 | 09:30 WIB", meta_day=None), compiled)
    assert article.meta.published_at == datetime.fromisoformat("2016-03-12T09:30:00+07:00")


def test_a_day_only_line_leaves_the_meta_day(tmp_path, compiled):
    article = cleaned(_page(tmp_path, "Sabtu, 12 Maret 2016"), compiled)
    assert article.meta.published_at.isoformat() == "2016-03-12T00:00:00+07:00"


def test_the_author_in_front_of_the_date_line_is_read(tmp_path, compiled):
    article = cleaned(_page(tmp_path, "Penulis: Rina Wulandari | 12 Maret 2016 11:40"), compiled)
    assert article.meta.author == "Rina Wulandari"


def test_a_text_page_reads_a_timed_line_after_a_day_only_one(tmp_path, compiled):
    text = ("Jembatan Baru Diresmikan\nSabtu, 12 Maret 2016\nSabtu, 12 Maret 2016 | 09:30 WIB\n"
            "Pemerintah kota meresmikan jembatan baru di tepi sungai yang menghubungkan dua kecamatan padat "
            "penduduk pada pagi hari.\n")
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    (page,) = ingest.iter_pages(path, Settings(), compiled.pages)
    assert cleaned(page, compiled).meta.published_at.isoformat() == "2016-03-12T09:30:00+07:00"


@pytest.mark.parametrize("line", ["Kompas.com - 12/03/2016 | 09:30 WIB", "Kompas.com - 12/03/2016 - 09:30 wib"])
def test_kompas_older_date_lines(compiled, line):
    from pipeline.knowledge.profiles import normalise_line
    rule = compiled.profiles["kompas"].rule("kompas.date")
    assert rule.search(normalise_line(line))["date"].endswith("09:30")


@pytest.mark.parametrize("h1, headline", [
    ("Jembatan Baru Diresmikan, Siapa yang Membangun?", "Jembatan Baru Diresmikan, Siapa yang Membangun"),
    ("Kabar Kota Hari Ini: Jembatan Baru Diresmikan", "Kabar Kota Hari Ini Jembatan Baru Diresmikan"),
])
def test_the_title_keeps_the_punctuation_the_headline_dropped(tmp_path, compiled, h1, headline):
    page = _page(tmp_path, "Sabtu, 12 Maret 2016 | 09:30 WIB", headline=headline, h1=h1, json_ld=True)
    assert cleaned(page, compiled).meta.title == h1


def test_without_an_h1_the_punctuated_variant_wins_only_when_the_words_agree(compiled):
    from pipeline.annotate import titles
    generic = compiled.profiles["generic"]
    rules = compiled.pages.titles
    agree = {"title.json-ld": "Harga Cabai Naik Lagi", "title.meta-tag": "Harga Cabai Naik Lagi?"}
    differ = {"title.json-ld": "Harga Cabai Naik Lagi", "title.meta-tag": "Harga Cabai Turun?"}
    assert titles.pick_title(agree, None, None, generic, None, rules) == ("Harga Cabai Naik Lagi?", "meta-tag")
    assert titles.pick_title(differ, None, None, generic, None, rules) == ("Harga Cabai Naik Lagi", "json-ld")


def test_an_older_layout_of_a_profiled_site_is_dated_by_the_line_under_its_title(tmp_path, compiled):
    """The profile's date selector finds a box that holds no date in this layout: the line near the <h1> does."""
    html = ("<html><head><link rel='canonical' href='https://news.okezone.com/read/2016/03/12/1/1/jembatan'>"
            "<meta property='article:published_time' content='2016-03-12'></head><body><div class='title'>"
            "<h1>Jembatan Baru Diresmikan</h1></div><div class='namerep'><span>Rina Wulandari</span></div>"
            "<div class='tgl'>Sabtu, 12 Maret 2016 - 18:45 wib</div>"
            f"<div id='contentx'>{BODY}</div></body></html>")
    path = tmp_path / "okezone.html"
    path.write_text(html, encoding="utf-8")
    (page,) = ingest.iter_pages(path, Settings(), compiled.pages)
    article = cleaned(page, compiled)
    assert article.profile_id == "okezone"
    assert article.meta.published_at.isoformat() == "2016-03-12T18:45:00+07:00"


@pytest.mark.parametrize("line, author", [
    ("Rina Wulandari, Jurnalis · Sabtu, 12 Maret 2016 - 18:45 wib", "Rina Wulandari"),
    ("Oleh Rina Wulandari - Sabtu, 12 Maret 2016 18:45", "Rina Wulandari"),
])
def test_a_text_dump_reads_the_byline_and_date_on_one_line(tmp_path, compiled, line, author):
    text = (f"Jembatan Baru Diresmikan\n{line}\nPemerintah kota meresmikan jembatan baru di tepi sungai yang "
            "menghubungkan dua kecamatan padat penduduk pada pagi hari.\n")
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    (page,) = ingest.iter_pages(path, Settings(), compiled.pages)
    article = cleaned(page, compiled)
    assert (article.meta.published_at.isoformat(), article.meta.author) == ("2016-03-12T18:45:00+07:00", author)
    assert line not in article.body

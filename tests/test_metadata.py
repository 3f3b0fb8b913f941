"""Metadata: page dates (WIB), inferred dates, bylines, wire sources, datelines, language."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline import clean, metadata
from pipeline.record import Page

WIB = ZoneInfo("Asia/Jakarta")


def annotate(text: str, knowledge, url: str | None = None, **html_meta):
    page = Page("id0", "test.txt", text, "utf_8", "txt", url, dict(html_meta))
    return metadata.add_metadata(clean.clean(page, knowledge), knowledge)


BODY = ("JAKARTA - Pemerintah Indonesia dan Rusia membahas kerja sama pertahanan dalam pertemuan di Jakarta "
        "yang berlangsung tertutup bagi media.")


@pytest.mark.parametrize("text,expected", [
    ("Rabu, 11 November 2020 / 11:40 WIB", datetime(2020, 11, 11, 11, 40, tzinfo=WIB)),
    ("Kamis, 26 Juni 2025 16:38:5 WIB", datetime(2025, 6, 26, 16, 38, 5, tzinfo=WIB)),
    ("Senin, 01 Maret 2021 / 19:10 WIB", datetime(2021, 3, 1, 19, 10, tzinfo=WIB)),
    ("Jumat, 30 November 2018 | 14:25 WIB", datetime(2018, 11, 30, 14, 25, tzinfo=WIB)),
    ("4 Agt 2021 09:05 WITA", datetime(2021, 8, 4, 8, 5, tzinfo=WIB)),        # WITA = UTC+8
    ("4 Agustus 2021 pukul 09.05 WIT", datetime(2021, 8, 4, 7, 5, tzinfo=WIB)),  # WIT = UTC+9
    ("26 Juni 2025", datetime(2025, 6, 26, tzinfo=WIB)),
])
def test_page_dates_parse_to_wib(knowledge, text, expected):
    parsed = metadata.parse_page_date(text, None, knowledge)
    assert parsed == expected and parsed.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize("text", ["Juni 2025", "kemarin sore", "31 Februari 2021"])
def test_incomplete_or_impossible_page_dates_give_none(knowledge, text):
    assert metadata.parse_page_date(text, None, knowledge) is None


@pytest.mark.parametrize("body,expected", [
    ("kata dia di Jakarta pada Jumat (30/11/2018).", (date(2018, 11, 30), "Jumat (30/11/2018)")),
    ("katanya, Jumat (16/9/2022). Pada Kamis (15/9/2022) ia tiba.", (date(2022, 9, 16), "Jumat (16/9/2022)")),
    ("Pertemuan pada Senin, 4 November 2024 di Surabaya.", (date(2024, 11, 4), "Senin, 4 November 2024")),
    ("Rapat digelar Senin (30/11/2018).", None),       # 30/11/2018 was a Friday: the reference is not trusted
    ("Rapat digelar Selasa (10/11).", None),           # no year: cannot date the article
    ("Rapat digelar Jumat (31/2/2018).", None),
    ("Ia tiba Jumat (30/11/2018). KTT akan digelar Senin (10/12/2018).", (date(2018, 11, 30), "Jumat (30/11/2018)")),
    ("Ia tiba Jumat (30/11/2018). KTT Senin (10/12/2018) mendatang.", (date(2018, 11, 30), "Jumat (30/11/2018)")),
    ("Mereka akan tiba Jumat (30/11/2018). KTT itu selesai.", None),
    ("“Kami akan terus bekerja sama,” kata dia, Jumat (30/11/2018).", (date(2018, 11, 30), "Jumat (30/11/2018)")),
])
def test_infer_date_from_dated_references(knowledge, body, expected):
    assert metadata.infer_date(body, knowledge) == expected


def test_related_list_dates_are_never_used(knowledge):
    text = (f"Judul Berita Pertahanan\n\n{BODY}\n\nKomentar\n\nBerita Lainnya\n\nJudul lain\n\n"
            "Selasa, 18 Oktober 2022 23:8:41 WIB\n\nLain lagi pada Jumat (30/11/2018).")
    meta = annotate(text, knowledge).meta
    assert meta.published_at is None and meta.date_source is None and meta.date_text is None


def test_html_meta_date_is_used_when_the_page_prints_none(knowledge):
    meta = annotate(f"Judul Berita\n\n{BODY}", knowledge, date="2024-07-04T18:30:00+0700", title="Judul Berita").meta
    assert meta.published_at == datetime(2024, 7, 4, 18, 30, tzinfo=WIB)
    assert meta.date_source == "html-meta" and meta.title == "Judul Berita"


def test_page_date_beats_html_meta_and_body(knowledge):
    text = f"Judul Berita\n\nSenin, 4 November 2024 | 16:45 WIB\n\n{BODY} Jumat (30/11/2018)."
    meta = annotate(text, knowledge, date="2024-11-05").meta
    assert (meta.published_at, meta.date_source) == (datetime(2024, 11, 4, 16, 45, tzinfo=WIB), "page")
    assert meta.date_text == "Senin, 4 November 2024 | 16:45 WIB"


@pytest.mark.parametrize("sentence,source", [
    ("ujarnya seperti dikutip TASS, Selasa.", "TASS"),
    ("Dikutip dari Reuters, pejabat itu mengatakan hal tersebut.", "Reuters"),
    ("katanya seperti dilansir rt.com, Jumat.", "rt.com"),
    ("demikian dilansir dari Al Jazeera.", "Al Jazeera"),
    ("menurut laporan Xinhua pada Senin.", "Xinhua"),
    ("seperti dilaporkan oleh AFP.", "AFP"),
    ("kata juru bicara RTI di Jakarta.", None),
    ("kata dia kepada wartawan di Jakarta.", None),
    ("seperti dikutip koran lokal.", None),
])
def test_wire_source_from_attribution_in_body(knowledge, sentence, source):
    text = f"Judul Berita\n\n{BODY}\n\nMenteri itu menegaskan komitmen kerja sama dengan negara sahabat, {sentence}"
    assert annotate(text, knowledge).meta.wire_source == source


def test_wire_source_from_caption_credit_but_not_the_sites_own(corpus_pages, knowledge):
    def meta(path):
        return metadata.add_metadata(clean.clean(corpus_pages[path], knowledge), knowledge).meta
    assert meta("004_1bd30c3a12de523b.txt").wire_source == "rt.com"
    assert meta("002_7e5438359328dd56.txt").wire_source is None        # (CMG) is the site's own credit


def test_byline_gives_wire_source_author_and_editor(knowledge):
    text = ("kontan.co.id\n\nJudul Berita Kontan\n\nSelasa, 04 Juli 2023 / 21:05 WIB\n\n"
            "Reporter: Siti Aminah | Editor: Budi Santoso\n\n"
            "KONTAN.CO.ID - JAKARTA. Pemerintah Indonesia dan Rusia membahas kerja sama pertahanan di Jakarta "
            "yang berlangsung tertutup bagi media.")
    meta = annotate(text, knowledge).meta
    assert (meta.site, meta.author, meta.editor, meta.wire_source, meta.dateline) == (
        "kontan.co.id", "Siti Aminah", "Budi Santoso", None, "JAKARTA")


@pytest.mark.parametrize("lead,city,site", [
    ("JAKARTA - Pemerintah", "JAKARTA", None),
    ("Jakarta (ANTARA) - Pemerintah", "Jakarta", "antaranews.com"),       # the dateline is ANTARA's marker
    ("Jakarta, CNN Indonesia -- Pemerintah", "Jakarta", "cnnindonesia.com"),
    ("Pemerintah", None, None),
])
def test_generic_datelines(knowledge, lead, city, site):
    text = f"Judul Berita\n\n{lead} Indonesia membahas kerja sama pertahanan dengan Rusia di Jakarta pada pekan ini."
    meta = annotate(text, knowledge).meta
    assert meta.dateline == city and meta.site == site


ENGLISH = ("Russian President Vladimir Putin said on Tuesday that military cooperation between the member states "
           "of the Shanghai Cooperation Organisation has increased significantly, and that joint exercises were "
           "held in Kazakhstan and China with the participation of observer states.")


def test_english_page_is_flagged_not_dropped(knowledge):
    meta = annotate(f"Putin Says SCO Cooperation Grows\n\n{ENGLISH}", knowledge).meta
    assert (meta.language, meta.language_ok) == ("en", False)


def test_indonesian_page_passes_the_language_check(knowledge):
    meta = annotate(f"Judul Berita\n\n{BODY}", knowledge).meta
    assert (meta.language, meta.language_ok) == ("id", True)


def test_byline_under_the_title_on_an_unknown_site(knowledge):
    meta = annotate(f"Judul Berita\n\nOleh: Rahmat Hidayat\n\n{BODY}", knowledge).meta
    assert meta.author == "Rahmat Hidayat" and meta.site is None


def test_site_and_url_from_the_page_url(knowledge):
    meta = annotate(f"Judul Berita\n\n{BODY}", knowledge, url="https://www.kabar.example/a/1").meta
    assert (meta.site, meta.url) == ("kabar.example", "https://www.kabar.example/a/1")

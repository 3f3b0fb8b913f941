"""Metadata: page dates (WIB), inferred dates, bylines, wire sources, datelines, language."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.annotate import metadata
from pipeline.record import Page
from tests.stages import cleaned

WIB = ZoneInfo("Asia/Jakarta")


def annotate(text: str, compiled, url: str | None = None, **html_meta):
    page = Page("id0", "test.txt", text, "utf_8", "txt", url, dict(html_meta))
    return cleaned(page, compiled)


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
def test_page_dates_parse_to_wib(compiled, text, expected):
    parsed = metadata.parse_page_date(text, None, compiled.metadata.dates)
    assert parsed == expected and parsed.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize("text", ["Juni 2025", "kemarin sore", "31 Februari 2021"])
def test_incomplete_or_impossible_page_dates_give_none(compiled, text):
    assert metadata.parse_page_date(text, None, compiled.metadata.dates) is None


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
def test_infer_date_from_dated_references(compiled, body, expected):
    assert metadata.infer_date(body, compiled.metadata.dates) == expected


def test_related_list_dates_are_never_used(compiled):
    text = (f"Judul Berita Pertahanan\n\n{BODY}\n\nKomentar\n\nBerita Lainnya\n\nJudul lain\n\n"
            "Selasa, 18 Oktober 2022 23:8:41 WIB\n\nLain lagi pada Jumat (30/11/2018).")
    meta = annotate(text, compiled).meta
    assert meta.published_at is None and meta.date_source is None and meta.date_text is None


def test_html_meta_date_is_used_when_the_page_prints_none(compiled):
    meta = annotate(f"Judul Berita\n\n{BODY}", compiled, date="2024-07-04T18:30:00+0700", title="Judul Berita").meta
    assert meta.published_at == datetime(2024, 7, 4, 18, 30, tzinfo=WIB)
    assert meta.date_source == "html-meta" and meta.title == "Judul Berita"


def test_page_date_beats_html_meta_and_body(compiled):
    text = f"Judul Berita\n\nSenin, 4 November 2024 | 16:45 WIB\n\n{BODY} Jumat (30/11/2018)."
    meta = annotate(text, compiled, date="2024-11-05").meta
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
def test_wire_source_from_attribution_in_body(compiled, sentence, source):
    text = f"Judul Berita\n\n{BODY}\n\nMenteri itu menegaskan komitmen kerja sama dengan negara sahabat, {sentence}"
    assert annotate(text, compiled).meta.wire_source == source


def test_wire_source_from_caption_credit_but_not_the_sites_own(corpus_pages, compiled):
    def meta(path):
        return cleaned(corpus_pages[path], compiled).meta
    assert meta("004_1bd30c3a12de523b.txt").wire_source == "rt.com"
    assert meta("002_7e5438359328dd56.txt").wire_source is None        # (CMG) is the site's own credit


def test_byline_gives_wire_source_author_and_editor(compiled):
    text = ("kontan.co.id\n\nJudul Berita Kontan\n\nSelasa, 04 Juli 2023 / 21:05 WIB\n\n"
            "Reporter: Siti Aminah | Editor: Budi Santoso\n\n"
            "KONTAN.CO.ID - JAKARTA. Pemerintah Indonesia dan Rusia membahas kerja sama pertahanan di Jakarta "
            "yang berlangsung tertutup bagi media.")
    meta = annotate(text, compiled).meta
    assert (meta.site, meta.author, meta.editor, meta.wire_source, meta.dateline) == (
        "kontan.co.id", "Siti Aminah", "Budi Santoso", None, "JAKARTA")


@pytest.mark.parametrize("lead,city,site", [
    ("JAKARTA - Pemerintah", "JAKARTA", None),
    ("Jakarta (ANTARA) - Pemerintah", "Jakarta", "antaranews.com"),       # the dateline is ANTARA's marker
    ("Jakarta, CNN Indonesia -- Pemerintah", "Jakarta", "cnnindonesia.com"),
    ("Pemerintah", None, None),
])
def test_generic_datelines(compiled, lead, city, site):
    text = f"Judul Berita\n\n{lead} Indonesia membahas kerja sama pertahanan dengan Rusia di Jakarta pada pekan ini."
    meta = annotate(text, compiled).meta
    assert meta.dateline == city and meta.site == site


ENGLISH = ("Russian President Vladimir Putin said on Tuesday that military cooperation between the member states "
           "of the Shanghai Cooperation Organisation has increased significantly, and that joint exercises were "
           "held in Kazakhstan and China with the participation of observer states.")


def test_english_page_is_flagged_not_dropped(compiled):
    meta = annotate(f"Putin Says SCO Cooperation Grows\n\n{ENGLISH}", compiled).meta
    assert (meta.language, meta.language_ok) == ("en", False)


def test_indonesian_page_passes_the_language_check(compiled):
    meta = annotate(f"Judul Berita\n\n{BODY}", compiled).meta
    assert (meta.language, meta.language_ok) == ("id", True)


def test_byline_under_the_title_on_an_unknown_site(compiled):
    meta = annotate(f"Judul Berita\n\nOleh: Rahmat Hidayat\n\n{BODY}", compiled).meta
    assert meta.author == "Rahmat Hidayat" and meta.site is None


def test_site_and_url_from_the_page_url(compiled):
    meta = annotate(f"Judul Berita\n\n{BODY}", compiled, url="https://www.kabar.example/a/1").meta
    assert (meta.site, meta.url) == ("kabar.example", "https://www.kabar.example/a/1")


# ---------------------------------------------------------------- dates from the page's own markup

@pytest.mark.parametrize("text,at,has_time", [
    ("2019-09-28T19:17:34+07:00", datetime(2019, 9, 28, 19, 17, 34, tzinfo=WIB), True),
    ("2019-09-28WIB19:17:34+07:00", datetime(2019, 9, 28, 19, 17, 34, tzinfo=WIB), True),     # PHP's 'T' format
    ("2019-09-28+0719:17:34", datetime(2019, 9, 28, 19, 17, 34, tzinfo=WIB), True),
    ("2019-09-28T12:17:34Z", datetime(2019, 9, 28, 19, 17, 34, tzinfo=WIB), True),
    ("2023-09-28T12:17:00.000Z", datetime(2023, 9, 28, 19, 17, tzinfo=WIB), True),
    ("2019-09-28T19:17:34+0800", datetime(2019, 9, 28, 18, 17, 34, tzinfo=WIB), True),
    ("2019-09-28 19:17:34", datetime(2019, 9, 28, 19, 17, 34, tzinfo=WIB), True),               # no zone: WIB
    ("2015/11/05 13:20:00", datetime(2015, 11, 5, 13, 20, tzinfo=WIB), True),
    ("2019-09-28 19:17 WITA", datetime(2019, 9, 28, 18, 17, tzinfo=WIB), True),
    ("2021-08-24", datetime(2021, 8, 24, tzinfo=WIB), False),
    ("Sat, 28 Sep 2019 19:17:34 +0700", datetime(2019, 9, 28, 19, 17, 34, tzinfo=WIB), True),
])
def test_machine_dates_keep_time_and_zone(compiled, text, at, has_time):
    parsed, _, timed = metadata.parse_machine_date(text, compiled.metadata.dates)
    assert (parsed, timed) == (at, has_time) and parsed.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize("text", ["2019-13-01T10:00:00", "kemarin", "2019-02-30"])
def test_bad_machine_dates_give_none(compiled, text):
    assert metadata.parse_machine_date(text, compiled.metadata.dates) is None


def dated(compiled, line=None, **html):
    head = f"{line}\n\n" if line else ""
    return annotate(f"Judul Berita\n\n{head}{BODY}", compiled, **{f"date.{k.replace('_', '-')}": v
                                                                   for k, v in html.items()}).meta


def test_json_ld_wins_when_the_sources_agree(compiled):
    meta = dated(compiled, "Kamis, 05 Nov 2015 13:20 WIB", json_ld="2015-11-05T13:20:00+07:00",
                 meta_tag="2015/11/05 13:20:00")
    assert (meta.published_at, meta.date_source) == (datetime(2015, 11, 5, 13, 20, tzinfo=WIB), "json-ld")


def test_the_time_most_sources_agree_on_wins(compiled):
    meta = dated(compiled, "Kamis, 05 Nov 2015 13:20 WIB", json_ld="2015-11-06T08:00:00+07:00",
                 meta_tag="2015-11-05T13:20:00+07:00")
    assert (meta.published_at, meta.date_source) == (datetime(2015, 11, 5, 13, 20, tzinfo=WIB), "meta-tag")


def test_a_source_with_a_time_beats_a_date_alone(compiled):
    meta = dated(compiled, "Selasa, 24 Agustus 2021 | 09:15 WIB", json_ld="2021-08-24")
    assert (meta.published_at, meta.date_source) == (datetime(2021, 8, 24, 9, 15, tzinfo=WIB), "page")


def test_local_time_labelled_utc_loses_to_the_printed_line(compiled):
    meta = dated(compiled, "Sabtu, 09 September 2023 | 15:20 WIB", json_ld="2023-09-09T15:20:00+00:00")
    assert (meta.published_at, meta.date_source) == (datetime(2023, 9, 9, 15, 20, tzinfo=WIB), "page")


def test_time_element_alone_dates_the_page(compiled):
    meta = dated(compiled, time_element="2024-03-11T16:02:00+07:00")
    assert (meta.published_at, meta.date_source) == (datetime(2024, 3, 11, 16, 2, tzinfo=WIB), "time-element")


# ---------------------------------------------------------------- titles

@pytest.mark.parametrize("raw,names,title", [
    ("Presiden Perancis Kunjungi Jakarta Halaman all - Kompas.com", ("KOMPAS.com",), "Presiden Perancis Kunjungi Jakarta"),  # noqa: E501 - one case a line
    ("Retno Serukan Gencatan Senjata - Dunia Tempo.co", ("https://dunia.tempo.co/read/1",), "Retno Serukan Gencatan Senjata"),  # noqa: E501 - one case a line
    ("Menag Bertemu Menteri Haji Saudi | ihram.co.id", ("Republika Online",), "Menag Bertemu Menteri Haji Saudi"),
    ("Menag Bertemu Menteri Haji Saudi | Republika Online", ("Republika Online",), "Menag Bertemu Menteri Haji Saudi"),
    ("Menlu Rusia Bahas Perdagangan : Okezone News", ("Okezone",), "Menlu Rusia Bahas Perdagangan"),
    ("KTT ASEAN 2023: Myanmar - Timor Leste Jadi Sorotan - News Liputan6.com", ("liputan6.com",),
     "KTT ASEAN 2023: Myanmar - Timor Leste Jadi Sorotan"),
    ("Rusia - Ukraina Sepakati Pertukaran Tawanan", ("https://www.liputan6.com/x",), "Rusia - Ukraina Sepakati Pertukaran Tawanan"),  # noqa: E501 - one case a line
    ("Indonesia | Jepang: Babak Baru Kemitraan", ("Kompas.com",), "Indonesia | Jepang: Babak Baru Kemitraan"),
    ("Kunjungan ke Indonesia - Jepang | CNN Indonesia", ("CNN Indonesia",), "Kunjungan ke Indonesia - Jepang"),
    ("Tempo.co", ("Tempo.co",), "Tempo.co"),                                        # never cut to nothing
])
def test_titles_lose_the_site_name_and_keep_their_own_dashes(compiled, raw, names, title):
    from pipeline.annotate import titles
    rules = compiled.metadata.titles
    assert titles.clean_title(raw, titles.site_keys(names, rules), rules) == title


def test_page_dump_title_loses_its_site_suffix(compiled):
    meta = annotate(f"Judul Berita Kerja Sama | Tempo.co\n\n{BODY}", compiled, url="https://dunia.tempo.co/read/1").meta
    assert meta.title == "Judul Berita Kerja Sama"

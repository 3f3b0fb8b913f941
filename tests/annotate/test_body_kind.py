"""Every page that is an article is kept with what its body is (prose, list, table, schedule); only a page
with no article (empty, a redirect, navigation only) is a no-article error, and the message says which.
Pages of our own."""
from __future__ import annotations

import pytest

from pipeline.annotate import clean
from pipeline.record import Page, PipelineError

LEAD = "Dinas perhubungan mengumumkan perubahan jadwal keberangkatan kereta selama libur panjang pekan ini."


def _clean(compiled, *lines: str):
    text = "\n".join(lines)
    return clean.clean(Page("a1", "page.txt", text, "utf_8", "txt"), compiled.profiles)


@pytest.mark.parametrize("kind, lines", [
    ("prose", [LEAD, "Penumpang diminta datang satu jam sebelum kereta berangkat, kata juru bicara dinas."]),
    # a whole article glued into one line that ends with a photo credit, and a glued dateline
    ("prose", ["BANDUNG-Warga memadati alun-alun kota sejak pagi. Mereka menunggu pawai budaya yang digelar "
               "setiap tahun oleh pemerintah daerah Foto/Dok Redaksi"]),
    ("list", ["Berikut daftar pejabat baru:", "1. Ani Wibowo sebagai Kepala Dinas Pendidikan",
              "2. Budi Hartono sebagai Kepala Dinas Kesehatan", "3. Citra Lestari sebagai Kepala Dinas Pariwisata",
              "4. Dedi Kurnia sebagai Kepala Dinas Perhubungan"]),
    ("list", ["Pengurus baru: 1. Ani Wibowo sebagai Ketua2. Budi Hartono sebagai Wakil Ketua3. Citra Lestari "
              "sebagai Sekretaris4. Dedi Kurnia sebagai Bendahara5. Eka Putri sebagai Anggota"]),
    ("schedule", ["Jadwal siaran Sabtu:", "13:00 WIB | Persib vs Persija", "15:30 WIB | Arema vs Bali United",
                  "19:00 WIB | PSM vs Borneo", "21:15 WIB | Persebaya vs PSIS"]),
    ("table", ["Realisasi anggaran daerah:", "Pendapatan | Rp 2,1 T | 48 %", "Belanja pegawai | Rp 812 M | 41 %",
               "Belanja modal | Rp 301 M | 22 %", "Belanja barang | Rp 455 M | 37 %"]),
    ("table", ["Statistik pertandingan", "Tembakan: 14-3", "Tembakan ke gawang: 6-1", "Penguasaan bola: 61%-39%",
               "Pelanggaran: 9-12"]),
])
def test_an_article_is_kept_with_its_body_kind(compiled, kind, lines):
    article = _clean(compiled, "Judul Berita Kota", *lines)
    assert article.body_kind == kind
    assert article.body


def test_a_report_with_a_short_list_in_it_stays_prose(compiled):
    article = _clean(compiled, "Judul", LEAD, "Syaratnya antara lain:", "1. KTP", "2. Kartu keluarga", "3. Foto",
                     "Pendaftaran dibuka hingga akhir bulan depan di kantor kelurahan masing-masing, kata lurah.")
    assert article.body_kind == "prose"


@pytest.mark.parametrize("lines, says", [
    (["Beranda", "Nasional", "Ekonomi", "Olahraga", "Hiburan", "Kontak Kami"], "navigation only"),
    (["Redirecting to https://kabarpelita.id/berita/1"], "a redirect"),
    (["Copyright © 2024 Kabar Pelita", "Bagikan", "Facebook"], "empty"),
])
def test_a_page_without_an_article_is_an_error_that_says_which(compiled, lines, says):
    with pytest.raises(PipelineError) as error:
        _clean(compiled, *lines)
    assert error.value.kind == "no-article"
    assert f"the page is {says}" in str(error.value)


def test_a_price_row_below_the_lead_is_no_dateline(compiled):
    article = _clean(compiled, "Harga Tiket Konser", LEAD, "Festival - Rp 550 ribu", "Tribun - Rp 1,1 juta",
                     "VIP - Rp 3,3 juta")
    assert article.body.startswith(LEAD)


def test_the_generic_body_kind_and_redirect_rules_keep_their_examples(knowledge, compiled):
    import re
    generic = next(site for site in knowledge.sites if site["id"] == "generic")
    for raw in (*generic["body_kinds"], *generic["redirect"]):
        pattern = re.compile(raw["pattern"])
        assert raw["examples"] and raw["counter_examples"], raw["id"]
        for example in raw["examples"]:
            assert pattern.search(example), (raw["id"], example)
        for counter in raw["counter_examples"]:
            assert not pattern.search(counter), (raw["id"], counter)


def _html(tmp_path, compiled, html: str, name: str = "page.html"):
    from pipeline.ingest import pages as ingest
    from pipeline.settings import Settings
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    (item,) = ingest.iter_pages(path, Settings(), compiled.pages)
    return item


def test_a_table_in_the_article_container_is_kept_row_by_row(tmp_path, compiled):
    rows = "".join(f"<tr><td>{name}</td><td>Rp {value} M</td><td>{share} %</td></tr>"
                   for name, value, share in (("Belanja pegawai", "812", "41"), ("Belanja modal", "301", "22"),
                                              ("Belanja barang", "455", "37"), ("Belanja hibah", "96", "12")))
    page = _html(tmp_path, compiled, "<html><head><link rel='canonical' href='https://regional.kompas.com/read/1'>"
                 "</head><body><h1 class='read__title'>Realisasi Anggaran Daerah</h1><div class='read__content'>"
                 f"<p>Rincian realisasi:</p><table>{rows}</table></div></body></html>")
    article = clean.clean(page, compiled.profiles)
    assert article.body_kind == "table"
    assert "Belanja modal | Rp 301 M | 22 %" in article.body.split("\n\n")


@pytest.mark.parametrize("html, says", [
    ("<html><head><meta http-equiv='refresh' content='0; url=https://kabarpelita.id/b/2'></head><body></body></html>",
     "a redirect"),
    ("<html><head><title>Kabar Pelita</title></head><body>   </body></html>", "empty"),
    ("<html><body><ul><li><a href='/a'>Beranda</a></li><li><a href='/b'>Nasional</a></li></ul></body></html>",
     "navigation only"),
])
def test_an_html_page_without_an_article_says_which_kind(tmp_path, compiled, html, says):
    """Ingest refuses a page with no text at all; a page of links reaches the cleaner, which refuses it."""
    item = _html(tmp_path, compiled, html)
    if isinstance(item, Page):
        with pytest.raises(PipelineError) as error:
            clean.clean(item, compiled.profiles)
        kind, message = error.value.kind, str(error.value)
    else:
        kind, message = item.kind, item.message
    assert kind == "no-article" and f"the page is {says}" in message

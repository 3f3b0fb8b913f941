"""Boilerplate stripping: profile choice, line rules with ids, captions, title repeats, failure paths."""
from __future__ import annotations

import re
from types import MappingProxyType

import pytest

from pipeline.annotate import clean
from pipeline.knowledge import Knowledge, KnowledgeError
from pipeline.compiled import compile_knowledge
from pipeline.knowledge.profiles import pick_profile
from pipeline.record import Page, PipelineError

SEEDS = {
    "000_65dd71f6f6c36440.txt": "kontan",
    "001_1fd5a1f09d60b45e.txt": "kontan",
    "002_7e5438359328dd56.txt": "bharata",
    "003_d729a6d4d0e3f12b.txt": "bisnis",
    "004_1bd30c3a12de523b.txt": "indopos",
}


def page(text: str, url: str | None = None, **meta) -> Page:
    return Page("id0", "test.txt", text, "utf_8", "txt", url, dict(meta))


@pytest.fixture(scope="module")
def articles(corpus_pages, compiled):
    return {path: clean.clean(p, compiled.profiles) for path, p in corpus_pages.items()}


@pytest.mark.parametrize("path,profile", sorted(SEEDS.items()))
def test_seed_profile_is_picked_by_markers(articles, path, profile):
    assert articles[path].profile_id == profile


@pytest.mark.parametrize("url,profile", [
    ("https://internasional.kontan.co.id/news/x", "kontan"),
    ("https://ekonomi.bisnis.com/read/20241104/1/x", "bisnis"),
    ("https://www.indopos.co.id/internasional/x", "indopos"),
    ("https://bharataonline.com/x", "bharata"),
    ("https://notkontan.co.id.example/x", "generic"),
    (None, "generic"),
])
def test_profile_is_picked_by_url(compiled, url, profile):
    assert pick_profile(page("Judul\n\nIsi.", url), compiled.profiles).id == profile


def test_kontan_header_and_ticker_lines_are_removed_with_their_rule(articles):
    removed = {(r.rule_id, r.text) for r in articles["000_65dd71f6f6c36440.txt"].removed}
    assert ("kontan.ticker", "• LQ45935,51 7,16 0.77%") in removed
    assert ("kontan.ticker", "• RD.PENDAPATAN TETAP 0.00%") in removed
    assert ("kontan.indikator", "| : WIB | INDIKATOR |") in removed
    assert ("common.baca-juga", "Baca Juga: Sekelompok kapal perang NATO memasuki Laut Hitam, Rusia siaga") in removed
    assert ("kontan.dateline", "KONTAN.CO.ID - SOCHI.") in removed


def test_removed_lines_point_at_the_page(articles, corpus_pages):
    for path, article in articles.items():
        lines = corpus_pages[path].text.split("\n")
        for r in article.removed:
            assert r.text in " ".join(lines[r.line_no].split()), (path, r)
            assert re.fullmatch(r"[a-z]+\.[a-z0-9-]+", r.rule_id), r.rule_id


def test_every_body_line_comes_from_the_page_in_order(articles, corpus_pages):
    for path, article in articles.items():
        text, pos = " ".join(corpus_pages[path].text.split()), 0
        for paragraph in article.body.split("\n\n"):
            found = text.find(paragraph, pos)
            assert found >= 0, (path, paragraph[:60])
            pos = found + len(paragraph)


def test_no_page_line_is_lost(articles, corpus_pages):
    """Every non-blank line is either in the body, removed by a rule, or (part of) the dateline line."""
    for path, article in articles.items():
        removed_lines = {r.line_no for r in article.removed}
        for n, line in enumerate(corpus_pages[path].text.split("\n")):
            if line.strip() and n not in removed_lines:
                assert " ".join(line.split()) in article.body, (path, n, line)


def test_title_never_repeats_in_the_body(articles):
    for path, article in articles.items():
        title = next((r.text for r in article.removed if r.rule_id == clean.TITLE_RULE),
                     article.page.html_meta.get("title"))
        assert title and title not in article.body.split("\n\n"), path


def test_captions_leave_the_body_once(articles):
    bisnis = articles["003_d729a6d4d0e3f12b.txt"]
    caption = "Presiden Jokowi saat menghadiri KTT Asean di Singapura/Biro Pers Setpres"
    assert bisnis.captions == caption and caption not in bisnis.body
    assert [r.rule_id for r in bisnis.removed if r.text == caption] == ["bisnis.caption", "common.caption-repeat"]
    assert articles["004_1bd30c3a12de523b.txt"].captions.endswith("pada 15 September 2022. (rt.com)")
    assert articles["002_7e5438359328dd56.txt"].captions == "Viktor Khrenin, Menteri Pertahanan Belarusia (CMG)"


def test_lead_is_kept_and_its_summary_repeat_dropped(articles):
    bisnis = articles["003_d729a6d4d0e3f12b.txt"]
    lead = bisnis.body.split("\n\n")[0]
    assert lead.startswith("Disepakatinya kerja sama strategis antara Rusia dan Asosiasi")
    assert bisnis.body.count("Disepakatinya kerja sama strategis") == 1
    assert any(r.rule_id == clean.LEAD_REPEAT_RULE for r in bisnis.removed)


def test_related_list_and_foot_are_cut(articles):
    bharata = articles["002_7e5438359328dd56.txt"]
    assert "Forum Pangan Dunia" not in bharata.body and "2022" not in bharata.body
    rules = {r.text: r.rule_id for r in bharata.removed}
    assert rules["Berita Lainnya"] == rules["Selasa, 18 Oktober 2022 23:8:41 WIB"] == "common.related"
    assert rules["Komentar"] == "common.komentar"


def test_bharata_caption_is_not_taken_for_the_missing_author(compiled):
    text = ("Kamis, 26 Juni 2025 16:38:5 WIB\n\nJudul Berita Bharata\n\nbanner\n\n"
            "Dong Jun menyambut tamunya (CMG)\n\nQingdao, Radio Bharata Online - Menteri Pertahanan Tiongkok Dong Jun "
            "bertemu dengan mitranya dari Belarusia di Qingdao pada hari Rabu.")
    article = clean.clean(page(text), compiled.profiles)
    assert article.captions == "Dong Jun menyambut tamunya (CMG)"
    assert not any(r.rule_id in ("bharata.author", "bharata.section") for r in article.removed)


@pytest.mark.parametrize("line,meta_title", [
    ("Rusia Kirim S-300 ke Kyrgyzstan", "Rusia Kirim S-300 ke Kyrgyzstan"),
    ("Rusia Kirim S-300 ke Kyrgyzstan", "Rusia Kirim S-300 ke Kyrgyzstan | Kontan"),
    ("Rusia Kirim S-300 ke Kyrgyzstan - www.kontan.co.id", "rusia kirim s-300 ke kyrgyzstan"),
])
def test_title_from_metadata_matches_its_line_with_or_without_site_suffix(compiled, line, meta_title):
    text = (f"{line}\n\nKONTAN.CO.ID - MOSKOW. Rusia sepakat mengirim "
            "sistem pertahanan udara S-300 dan drone tempur ke Kyrgyzstan pekan ini.")
    article = clean.clean(page(text, title=meta_title), compiled.profiles)
    assert [r.rule_id for r in article.removed] == [clean.TITLE_REPEAT_RULE, "kontan.dateline"]
    assert article.captions == ""


def test_writer_initials_leave_the_last_paragraph(articles):
    indopos = articles["004_1bd30c3a12de523b.txt"]
    assert indopos.body.endswith("mitra dialog selama KTT.")
    assert ("common.signoff", "(dam)") in {(r.rule_id, r.text) for r in indopos.removed}


def test_generic_page_without_dateline_keeps_all_prose(compiled):
    text = ("Latihan Gabungan Digelar di Laut Natuna\n\n"
            "Oleh Redaksi\n\n"
            "Angkatan laut kedua negara memulai latihan gabungan di perairan Natuna pada Senin pagi waktu setempat.\n\n"
            "Latihan dijadwalkan berlangsung selama satu minggu dan melibatkan enam kapal perang.\n\n"
            "Baca juga: Berita lain\n\nBagikan:\n\nBerita Terkait\n\nJudul lain yang tidak relevan sama sekali")
    article = clean.clean(page(text), compiled.profiles)
    assert article.profile_id == "generic"
    assert article.body.split("\n\n") == [
        "Angkatan laut kedua negara memulai latihan gabungan di perairan Natuna pada Senin pagi waktu setempat.",
        "Latihan dijadwalkan berlangsung selama satu minggu dan melibatkan enam kapal perang."]
    removed = {(r.rule_id, r.text) for r in article.removed}
    assert {("common.title", "Latihan Gabungan Digelar di Laut Natuna"), ("common.oleh", "Oleh Redaksi"),
            ("common.baca-juga", "Baca juga: Berita lain"), ("common.share", "Bagikan:"),
            ("common.related", "Berita Terkait")} <= removed


def test_teaser_dateline_in_a_related_list_is_not_the_article_start(compiled):
    text = ("Judul Berita Tanpa Dateline\n\n"
            "Angkatan laut kedua negara memulai latihan gabungan di perairan Natuna pada Senin pagi waktu setempat.\n\n"
            "Berita Terkait\n\n"
            "JAKARTA - Presiden menerima kunjungan menteri luar negeri negara sahabat di Istana Merdeka kemarin.")
    article = clean.clean(page(text), compiled.profiles)
    assert article.body.startswith("Angkatan laut kedua negara") and "Istana Merdeka" not in article.body
    assert ("common.related", "Berita Terkait") in {(r.rule_id, r.text) for r in article.removed}


def test_hard_wrapped_lines_join_into_one_paragraph(compiled):
    text = ("Judul Berita\n\nJAKARTA - Pemerintah mengumumkan rencana kerja sama pertahanan\n"
            "dengan tiga negara mitra di kawasan Asia Tenggara pada tahun depan.\n\nParagraf kedua berdiri sendiri.")
    body = clean.clean(page(text), compiled.profiles).body
    assert body == ("Pemerintah mengumumkan rencana kerja sama pertahanan dengan tiga negara mitra di kawasan "
                    "Asia Tenggara pada tahun depan.\n\nParagraf kedua berdiri sendiri.")


@pytest.mark.parametrize("text", [
    "kontan.co.id\nbanner langganan top\n| : WIB | INDIKATOR |\n  • EMAS1.335.000 1,06%\n\nTERBARU\n×",
    "Beranda\nEkonomi\nPolitik",
    "Nyaman tanpa iklan. Langganan BisnisPro\n\nBerita Lainnya\n\nSatu judul yang panjang dan sangat panjang sekali.",
])
def test_page_with_no_article_raises_no_article(compiled, text):
    with pytest.raises(PipelineError) as err:
        clean.clean(page(text), compiled.profiles)
    # the errors row names the file; the message does not (a cached error would name the file as it was called)
    message = err.value.message
    assert err.value.kind == "no-article" and "test.txt" not in message
    assert any(kind in message for kind in ("empty", "navigation only", "a redirect")), message


def test_broken_profile_stops_with_every_problem_listed(knowledge):
    generic = next(s for s in knowledge.sites if s["id"] == "generic")
    drop = [{"id": "x.a", "pattern": "(["}, {"id": "x.a", "pattern": "a"}, {"pattern": "b"}]
    broken = MappingProxyType({"id": "broken", "markers": ["("], "after_title": ["author"], "drop": drop,
                               "head_leftover": "caption"})
    bad = Knowledge(sites=(generic, broken), rules=knowledge.rules, lexicons=knowledge.lexicons, digest="test-broken")
    with pytest.raises(KnowledgeError) as err:
        compile_knowledge(bad)
    assert {str(p) for p in err.value.problems} == {
        "sites/broken.toml: drop[x.a].pattern: bad regular expression '([' (unterminated character set at position 1)",
        "sites/broken.toml: drop[x.a].id: 'x.a' is used twice",
        "sites/broken.toml: drop[2].id: missing: this key is required",
        "sites/broken.toml: markers[0]: bad regular expression '(' (missing ), unterminated subpattern at position 0)",
        "sites/broken.toml: after_title[0]: must be a table, not str 'author'",
        "sites/broken.toml: head_leftover: unknown key (did you mean 'head_leftovers'?)"}


def test_every_profile_compiles_and_has_a_sample_page(compiled, articles):
    """Each profile cleans a page of corpus/ or of tests/pages/html/ (whose expectations name the profile)."""
    from tests.ingest.test_html_pages import PAGES, expected
    profiles = compiled.profiles
    assert {"generic", "kontan", "bisnis", "bharata", "indopos", "detik", "kompas", "tribunnews", "liputan6",
            "cnnindonesia", "antaranews", "okezone", "tempo", "republika", "viva", "sindonews", "suara", "merdeka",
            "mediaindonesia", "kumparan", "cnbcindonesia", "jpnn"} == set(profiles)
    sampled = {a.profile_id for a in articles.values()} | {expected(page)["profile"] for page in PAGES}
    assert sampled == set(profiles)


# ---------------------------------------------------------------- generic boilerplate rules (every site)

@pytest.mark.parametrize("line,rule_id", [
    ("Copyright © 2024 PT Kompas Cyber Media (Kompas Gramedia Digital Group). All Rights Reserved.", "common.copyright"),  # noqa: E501 - one case a line
    ("COPYRIGHT © ANTARA 2019", "common.copyright"),
    ("© 2023 Tempo.co", "common.copyright"),
    ("Hak Cipta © 2021 Republika Online", "common.copyright"),
    ("Hak cipta atas lagu itu dipegang oleh label rekaman di Jakarta sejak tahun 2019.", None),
    ("Tempo Media Group. All rights reserved.", "common.all-rights"),
    ("Dilarang keras mengambil konten, melakukan crawling atau pengindeksan otomatis untuk AI di situs web ini "
     "tanpa izin tertulis dari Kantor Berita ANTARA.", "common.no-copying"),
    ("Artikel ini telah tayang di Kompas.com dengan judul \"Menlu Bertemu Mitranya\"", "common.syndication"),
    ("Berita ini sudah tayang di TribunJakarta.com dengan judul Jokowi Terima PM Jepang", "common.syndication"),
    ("Artikel ini membahas kunjungan Menlu ke Tokyo dan pertemuannya dengan PM Jepang pekan lalu.", None),
    ("Baca artikel detiknews, \"Menlu Retno Bertemu Menlu Jepang\" selengkapnya di sini", "common.read-full"),
    ("Simak breaking news dan berita pilihan kami langsung di ponselmu. Pilih saluran andalanmu akses berita "
     "Kompas.com WhatsApp Channel : https://www.whatsapp.com/channel/abc.", "common.follow"),
    ("Ikuti berita terkini dari Republika Online di Google News, klik di sini.", "common.follow"),
    ("Follow Berita Okezone di Google News", "common.follow"),
    ("Ikuti perundingan itu, delegasi Indonesia membawa usulan baru soal batas laut kedua negara.", None),
    ("Dapatkan berita up to date dengan semua berita terkini dari Okezone hanya di Okezone.com", "common.get-news"),
    ("Download Apps CNN Indonesia sekarang https://app.cnnindonesia.com/", "common.download-app"),
    ("Saksikan Video Pilihan di Bawah Ini:", "common.video-prompt"),
    ("Jangan Lewatkan Video Terbaru:", "common.video-prompt"),
    ("[Gambas:Video CNBC]", "common.video-prompt"),
    ("Berkomentarlah secara bijaksana dan bertanggung jawab. Komentar sepenuhnya menjadi tanggung jawab komentator.",
     "common.comment-policy"),
    ("Komentar di artikel ini menjadi tanggung jawab sepenuhnya pemberi komentar.", "common.comment-policy"),
    ("12 Komentar", "common.comment-policy"),
    ("Ia menolak memberi komentar soal kunjungan itu kepada wartawan di Istana Negara.", None),
    ("Tag: Rusia, Indonesia, SCO", "common.tags"),
    ("Tagar #SolidaritasGaza ramai dibicarakan warganet sejak pekan lalu di berbagai platform media sosial.", None),
    ("Salin Tautan", "common.share-button"),
    ("Bagikan artikel ini ke WhatsApp", "common.share"),
    ("SCROLL TO CONTINUE WITH CONTENT", "common.ad-label"),
    ("Baca juga:", "common.baca-juga-list"),
    ("Lihat Juga : Menlu RI Bertemu Menlu Malaysia", "common.baca-juga"),
    ("Halaman: 1 2 3 Selanjutnya", "common.pagination"),
    ("Lihat Foto", "common.pagination"),
    ("Selanjutnya kedua menteri menggelar konferensi pers bersama di ruang utama kementerian.", None),
    ("Penulis : Budi Santoso | Editor : Siti Aminah", "common.byline"),
    ("Sabtu 28 Sep 2019 19:17 WIB", "common.date"),
    ("Diterbitkan 28 Sep 2019, 19:17 WIB", "common.date"),
    ("Sabtu, 28 September 2019 – 19:17 WITA", "common.date"),
])
def test_generic_boilerplate_rules(compiled, line, rule_id):
    generic = compiled.profiles["generic"]
    found = next((r.id for r in (*generic.drop, *generic.meta) if r.search(line)), None)
    assert found == rule_id


def test_titles_listed_under_a_read_also_heading_leave_with_it(compiled):
    text = ("Judul Berita\n\nJAKARTA - Menteri Luar Negeri bertemu mitranya dari Jepang di Jakarta untuk membahas "
            "kerja sama maritim kedua negara.\n\nBaca juga:\n\nJokowi Terima PM Singapura di Bogor\n\n"
            "Harga Cabai Naik Lagi\n\nKedua menteri juga membahas rencana latihan bersama penjaga pantai kedua negara "
            "pada tahun depan.")
    article = clean.clean(page(text), compiled.profiles)
    assert "Jokowi Terima" not in article.body and "Harga Cabai" not in article.body
    assert article.body.endswith("pada tahun depan.")
    assert [r.rule_id for r in article.removed if "Cabai" in r.text] == ["common.baca-juga-list"]


def test_short_first_paragraph_of_an_html_body_stays_in_the_body(compiled):
    text = ("Selasa, 04 Juli 2023 / 21:05 WIB\nFoto: Menlu di Jakarta\nPresiden menerima Menlu Jepang di Istana.\n"
            "Dalam pertemuan itu kedua pihak membahas kerja sama maritim dan rencana patroli bersama di perairan "
            "internasional.")
    html_page = page(text, "https://www.kontan.co.id/news/x", title="Judul", body_start=2)
    article = clean.clean(html_page, compiled.profiles)
    assert article.body.startswith("Presiden menerima Menlu Jepang di Istana.")
    plain = clean.clean(page(text, "https://www.kontan.co.id/news/x", title="Judul"), compiled.profiles)
    assert "Presiden menerima" in plain.captions         # a page dump's short head line is a caption

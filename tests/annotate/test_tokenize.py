"""Tokenisation and sentence splitting of Indonesian news (pipeline/annotate/tokenize.py)."""
from __future__ import annotations

import importlib.util

import pytest

from pipeline.annotate.tokenize import Tokenizer
from tests.paths import REPO_DIR

SHARED_NER = REPO_DIR.parent / "shared" / "data" / "ner"


@pytest.fixture(scope="module")
def tokenizer(compiled) -> Tokenizer:
    return compiled.names.tokenizer


def words(tokenizer: Tokenizer, text: str) -> list[str]:
    return [t.text for t in tokenizer.tokenize(text)]


@pytest.mark.parametrize("text, expected", [
    ("Editor: S.S. Kurniawan", ["Editor", ":", "S.S.", "Kurniawan"]),
    ("senilai US$ 1,4 miliar", ["senilai", "US$", "1,4", "miliar"]),
    ("harga Rp207.600 per gram", ["harga", "Rp", "207.600", "per", "gram"]),
    ("naik 9,16 persen", ["naik", "9,16", "persen"]),
    ("Perpres No. 12 Tahun 2020", ["Perpres", "No.", "12", "Tahun", "2020"]),
    ("tank, rudal, dll. juga", ["tank", ",", "rudal", ",", "dll.", "juga"]),
    ("bertemu Dr. Joko P. Widodo", ["bertemu", "Dr.", "Joko", "P.", "Widodo"]),
    ("kebijakannya dan negara-negara anggota", ["kebijakannya", "dan", "negara-negara", "anggota"]),
    ("KTT ke-10 dan jet Su-35", ["KTT", "ke-10", "dan", "jet", "Su-35"]),
    ("Kerja Sama Tiongkok-Rusia", ["Kerja", "Sama", "Tiongkok", "-", "Rusia"]),
    ("Selasa (10/11), seperti dikutip", ["Selasa", "(", "10/11", ")", ",", "seperti", "dikutip"]),
    ("menurut Moody's dan rt.com", ["menurut", "Moody", "'s", "dan", "rt.com"]),
    ("“Kami siap,” ujar dia", ["“", "Kami", "siap", ",", "”", "ujar", "dia"]),
    ("Jum'at pagi...", ["Jum'at", "pagi", "..."]),
])
def test_tokens(tokenizer, text, expected):
    assert words(tokenizer, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Putin tiba. Dia disambut Dr. Joko P. Widodo di Jl. Sudirman No. 5.",
     ["Putin tiba.", "Dia disambut Dr. Joko P. Widodo di Jl. Sudirman No. 5."]),
    ('"Saya ingin mencatat." Putin menambahkan.', ['"Saya ingin mencatat."', "Putin menambahkan."]),
    ('"Kerja sama meningkat," katanya. Dia pergi.', ['"Kerja sama meningkat," katanya.', "Dia pergi."]),
    ("Pemasok adalah PT Pindad Tbk. Perusahaan itu...", ["Pemasok adalah PT Pindad Tbk.", "Perusahaan itu..."]),
    ("tank, rudal, dll. untuk latihan. Selesai!", ["tank, rudal, dll. untuk latihan.", "Selesai!"]),
    ("Dia menunggu... lalu pergi.", ["Dia menunggu... lalu pergi."]),
    ("Judul tanpa titik\nParagraf berikutnya.", ["Judul tanpa titik", "Paragraf berikutnya."]),
    ("Nilainya 9,16 persen (naik). Berikutnya", ["Nilainya 9,16 persen (naik).", "Berikutnya"]),
])
def test_sentences(tokenizer, text, expected):
    assert [text[s.start:s.end] for s in tokenizer.split(text)] == expected


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_empty_text_has_no_sentences(tokenizer, text):
    assert tokenizer.split(text) == []


def test_offsets_slice_every_corpus_page(tokenizer, corpus_pages):
    assert corpus_pages
    for page in corpus_pages.values():
        sentences = tokenizer.split(page.text)
        assert sentences
        for sentence in sentences:
            assert sentence.tokens[0].start == sentence.start and sentence.tokens[-1].end == sentence.end
            for token in sentence.tokens:
                assert page.text[token.start:token.end] == token.text and not token.text.isspace()


def test_every_non_space_character_is_in_a_token(tokenizer, corpus_pages):
    text = next(iter(corpus_pages.values())).text
    covered = {i for t in tokenizer.tokenize(text) for i in range(t.start, t.end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@pytest.mark.skipif(not SHARED_NER.is_dir(), reason="../shared/data not present")
def test_reproduces_the_ner_corpus_tokens(tokenizer):
    """Re-tokenising NER-UI dev sentences (joined by spaces) gives back the corpus tokens almost always."""
    spec = importlib.util.spec_from_file_location("ner_data", REPO_DIR / "scripts" / "ner_data.py")
    ner_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ner_data)
    sentences = ner_data.read_conll(SHARED_NER / "nerui" / "dev.tsv")
    same = sum(words(tokenizer, " ".join(t for t, _ in s)) == [t for t, _ in s] for s in sentences)
    assert same / len(sentences) > 0.9

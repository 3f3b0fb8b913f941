"""Hand-built articles for the event tests: sentences and mentions without the NER model.

A tiny gazetteer (surface → label, canonical, code) stands in for NER + normalise, so the event rules are
tested on their own; the golden tests run the real chain. Countries and organisations it does not list come from
the project's alias tables (pipeline/lexicons), people from PEOPLE with the title the example gives them.
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from pipeline.knowledge import load_knowledge
from pipeline.compiled import compile_knowledge
from pipeline.record import Article, Meta, Mention, Page, Sentence

WIB = ZoneInfo("Asia/Jakarta")

COUNTRIES = {
    "Rusia": "RUS", "China": "CHN", "Tiongkok": "CHN", "Kyrgyzstan": "KGZ", "Kazakhstan": "KAZ", "Iran": "IRN",
    "Argentina": "ARG", "Belarus": "BLR", "Belarusia": "BLR", "India": "IND", "Turki": "TUR", "Mesir": "EGY",
    "Arab Saudi": "SAU", "Afghanistan": "AFG", "Mongolia": "MNG", "Ukraina": "UKR", "Suriah": "SYR",
    "Singapura": "SGP", "Uzbekistan": "UZB", "Tajikistan": "TJK", "Pakistan": "PAK",
}
ORGS = {"SCO": "SCO", "Organisasi Kerja Sama Shanghai": "SCO", "Asean": "ASEAN", "BRICS": "BRICS",
        "CSTO": "CSTO", "CIS": "CIS", "NATO": "NATO", "TASS": "TASS", "Organisasi Perjanjian Keamanan Kolektif": "CSTO"}
PEOPLE = {  # name → (title, person_country)
    "Vladimir Putin": ("Presiden Rusia", "RUS"), "Putin": ("Presiden Rusia", "RUS"),
    "Xi Jinping": ("Presiden China", "CHN"), "Sadyr Zhaparov": ("Presiden Kyrgyzstan", "KGZ"),
    "Viktor Khrenin": ("Menteri Pertahanan Belarusia", "BLR"), "Khrenin": ("Menteri Pertahanan Belarusia", "BLR"),
    "Dong Jun": ("Menteri Pertahanan Tiongkok", "CHN"), "Baiterek": (None, None), "Zhang Ming": (None, None),
    # people of the rules' and senses' own examples (leaders.tsv knows the untitled ones)
    "Joko Widodo": ("Presiden", None), "Fumio Kishida": ("Perdana Menteri Jepang", "JPN"),
    "Retno Marsudi": ("Menteri Luar Negeri", None), "Lee Hsien Loong": (None, None),
    "Anthony Albanese": ("Perdana Menteri Australia", "AUS"), "Xi": (None, None),
    "Kim Sang-woo": ("Pelatih", None), "Dewi Lestari": (None, None),
    "Gibran Rakabuming Raka": ("Wakil Presiden", None),
    # people of the sides tests (tests/events/test_sides.py)
    "Joe Biden": (None, None), "Jokowi": (None, None), "Prabowo": ("Presiden", None),
    "Tony Blair": ("Perdana Menteri Inggris", "GBR"), "Kato Ryo": ("Menteri Keuangan Jepang", "JPN"),
    "Sato Ken": ("Menteri Perdagangan", None), "Li Ming": ("Wakil Perdana Menteri China", "CHN"),
}
PLACES = ("Moskow", "Samarkand", "Qingdao", "Beijing", "Astana", "Jakarta")


def _entries() -> list[tuple[str, str, str, str | None]]:
    rows = [(s, "COUNTRY", s, c) for s, c in COUNTRIES.items()]
    rows += [(s, "ORG", canonical, None) for s, canonical in ORGS.items()]
    rows += [(s, "PERSON", s, None) for s in PEOPLE]
    rows += [(s, "LOC", s, None) for s in PLACES]
    return sorted(rows, key=lambda r: -len(r[0]))


def split_sentences(field: str, text: str) -> list[Sentence]:
    sentences = []
    for m in re.finditer(r"[^\n]+?(?:[.!?](?=\s|$)|$)", text, re.MULTILINE):
        if m.group().strip():
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            sentences.append(Sentence(field, len(sentences), start, m.end(), text[start:m.end()]))
    return sentences


def _from_tables(field: str, text: str, sentences: list[Sentence], taken: list[tuple[int, int]]) -> list[Mention]:
    found = []
    for s in sentences:
        for m in compile_knowledge(load_knowledge()).names.gazetteer.find(text, s.start, s.end):
            if not any(a < m.end and m.start < b for a, b in taken):
                code = m.entry.code if m.entry.label == "COUNTRY" else None
                found.append(Mention(field, s.index, m.start, m.end, m.text, m.entry.label, m.entry.canonical, code,
                                     source="gazetteer", alias_id=m.entry.alias_id))
    return found


def find_mentions(field: str, text: str, sentences: list[Sentence]) -> list[Mention]:
    taken: list[tuple[int, int]] = []
    mentions = []
    for surface, label, canonical, code in _entries():
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            index = next(s.index for s in sentences if s.start <= m.start() < s.end)
            title, country = PEOPLE.get(surface, (None, None)) if label == "PERSON" else (None, None)
            mentions.append(Mention(field, index, m.start(), m.end(), surface, label, canonical, code,
                                    source="gazetteer", title=title, person_country=country))
    mentions += _from_tables(field, text, sentences, taken)
    return sorted(mentions, key=lambda m: m.start)


def article(body: str, published: datetime | None = datetime(2022, 9, 16, 10, 0, tzinfo=WIB),
            captions: str = "", article_id: str = "test-article") -> Article:
    sentences, mentions = [], []
    for field, text in (("body", body), ("captions", captions)):
        found = split_sentences(field, text)
        sentences += found
        mentions += find_mentions(field, text, found)
    return Article(page=Page(article_id, "test.txt", body, "utf-8", "txt"), body=body, captions=captions,
                   meta=Meta(published_at=published), sentences=tuple(sentences), mentions=tuple(mentions))

"""A small hand-made output folder (three sites, three event types, an error, a duplicate) for the output tests,
and the key check they share.

The articles are written for these tests; the counts the tests expect follow from the records below.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from pipeline.output import tables
from pipeline.record import (Article, DateRef, Event, Evidence, InputStatus, Mention, Meta, Page, Participant,
                             Problem, Removed, Repair)
from pipeline.settings import OutputOptions

WIB = ZoneInfo("Asia/Jakarta")


def _date(day: date, text: str | None = None) -> DateRef:
    basis = "sentence" if text else "publication"
    return DateRef(day, day, "day", False, text, basis, "date.test" if text else "date.publication")


def _event(article_id: str, n: int, event_type: str, subtype: str, day: date, sentence: str, trigger: str,
           participants: tuple[Participant, ...]) -> Event:
    at = sentence.index(trigger)
    evidence = Evidence(n, 0, len(sentence), sentence, trigger, at, at + len(trigger))
    return Event(event_id=f"{article_id}-e{n}", event_type=event_type, subtype=subtype, cameo_code="043",
                 plover_type="CONSULT", date=_date(day, "Selasa (10/11)"), location=None,
                 rule_id=f"{event_type.lower()}.{subtype}", confidence=0.8, evidence=(evidence,),
                 participants=participants)


def person(name: str, role: str = "attendee") -> Participant:
    surface = {"Xi Jinping": "Xi", "Wang Yi": "Wang Yi"}.get(name, name.split()[-1])   # as the sentences say it
    return Participant(role, name, "PERSON", None, surface)


def country(name: str, code: str, role: str, surface: str | None = None) -> Participant:
    return Participant(role, name, "COUNTRY", code, surface or name)


def org(name: str, role: str = "organisation") -> Participant:
    return Participant(role, name, "ORG", None, name)


def article(article_id: str, source_path: str, site: str, published: datetime, events: tuple[Event, ...],
            n_removed: int = 2, title: str = "Judul berita", repairs: tuple[Repair, ...] = ()) -> Article:
    body = "\n\n".join(e.evidence[0].sentence for e in events) or "Kalimat tanpa peristiwa."
    mentions = {}
    for sentence_index, event in enumerate(events):
        offset = body.index(event.evidence[0].sentence)
        for p in event.participants:
            start = body.index(p.text, offset)
            mentions[start] = Mention("body", sentence_index, start, start + len(p.text), p.text, p.label,
                                      p.canonical, p.code, "gazetteer")
    removed = tuple(Removed(i, f"baris iklan {i}", f"{site}.ads") for i in range(n_removed))
    return Article(page=Page(article_id, source_path, "raw text", "utf_8", "txt"), profile_id=site, body=body,
                   removed=removed, repairs=repairs, mentions=tuple(mentions.values()), events=events,
                   meta=Meta(site=site, title=title, published_at=published, date_source="page", language="id"))


def sample_articles() -> list[Article]:
    putin, xi, lavrov, wang = "Vladimir Putin", "Xi Jinping", "Sergey Lavrov", "Wang Yi"
    a1 = article("a1", "kontan/001.txt", "kontan", datetime(2020, 11, 11, 11, 40, tzinfo=WIB), (
        _event("a1", 1, "MEETING", "summit", date(2020, 11, 10),
               "Putin dan Xi bertemu dalam KTT SCO, Selasa (10/11).", "bertemu", (person(putin), person(xi))),
        _event("a1", 2, "ACCESSION", "observer", date(2020, 11, 10),
               "Iran berstatus pengamat di SCO.", "berstatus pengamat",
               (country("Iran", "IRN", "joiner"), org("SCO"))),
    ), repairs=(Repair("body", 3, "\u200b", "", "char.zero-width"), Repair("body", 9, "", " ", "glue.function-word")))
    a2 = article("a2", "bharata/002.txt", "bharata", datetime(2021, 1, 1, 3, 0, tzinfo=WIB), (
        _event("a2", 1, "MEETING", "bilateral", date(2020, 12, 30),
               "Lavrov bertemu Wang Yi di Moskow.", "bertemu", (person(lavrov), person(wang))),
        _event("a2", 2, "MEETING", "visit", date(2020, 12, 31),
               "Putin menerima Xi di Kremlin dan bertemu Lavrov.", "bertemu",
               (person(putin, "host"), person(xi), person(lavrov))),
    ), n_removed=5)
    a3 = article("a3", "kontan/003.txt", "kontan", datetime(2023, 7, 5, 9, 15, tzinfo=WIB), (
        _event("a3", 1, "ACCESSION", "member", date(2023, 7, 4),
               "Iran resmi bergabung dengan SCO pada 4 Juli 2023.", "resmi bergabung",
               (country("Iran", "IRN", "joiner"), org("SCO"))),
        _event("a3", 2, "MEETING", "summit", date(2023, 7, 4),
               "Putin dan Xi bertemu secara virtual.", "bertemu", (person(putin), person(xi))),
        _event("a3", 3, "ARMS_DEAL", "sale", date(2023, 7, 1),
               "Rusia memasok drone ke Belarus.", "memasok",
               (country("Russia", "RUS", "supplier", "Rusia"), country("Belarus", "BLR", "recipient"))),
    ), n_removed=3)
    a4 = article("a4", "indopos/004.txt", "indopos", datetime(2024, 7, 4, 20, 0, tzinfo=WIB), (
        _event("a4", 1, "ACCESSION", "member", date(2024, 7, 4),
               "Belarus menjadi anggota penuh SCO.", "menjadi anggota penuh",
               (country("Belarus", "BLR", "joiner"), org("SCO"))),
    ), n_removed=0)
    return [a1, a2, a3, a4]


SAMPLE_PROBLEMS = [Problem("broken/empty.txt", "ingest", "empty", "file is empty; nothing to read"),
                   Problem("kontan/009.txt", "clean", "no-article", "no article text left after cleaning", "a9")]
SAMPLE_INPUTS = [InputStatus("kontan/001.txt", "processed", "a1"), InputStatus("bharata/002.txt", "processed", "a2"),
                 InputStatus("kontan/003.txt", "processed", "a3"), InputStatus("indopos/004.txt", "processed", "a4"),
                 InputStatus("mirror/001.txt", "duplicate", "a1", "kontan/001.txt"),
                 InputStatus("broken/empty.txt", "error"), InputStatus("kontan/009.txt", "error", "a9")]


def write_sample_outputs(out_dir: Path, csv_bom: bool = False, partition_by_year: bool = False) -> Path:
    """The sample tables written as run does it (CSV, Parquet, datapackage.json, by_year/ when asked for);
    returns ``out_dir``."""
    built = tables.build_tables(sample_articles(), SAMPLE_PROBLEMS, SAMPLE_INPUTS)
    tables.write_tables(built, out_dir, OutputOptions(csv_bom, partition_by_year))
    return out_dir


# (child table, child column, parent table, parent column): every child value must exist in the parent.
KEYS = (("removed_lines", "article_id", "articles", "article_id"),
        ("text_repairs", "article_id", "articles", "article_id"),
        ("mentions", "article_id", "articles", "article_id"),
        ("entities", "article_id", "articles", "article_id"),
        ("event_mentions", "article_id", "articles", "article_id"),
        ("event_mentions", "event_id", "events", "event_id"),
        ("event_evidence", "mention_id", "event_mentions", "mention_id"),
        ("mention_participants", "mention_id", "event_mentions", "mention_id"),
        ("mention_participants", "article_id", "articles", "article_id"),
        ("event_participants", "event_id", "events", "event_id"))


def parquet(out: Path, name: str) -> str:
    return str(out / f"{name}.parquet")


def orphans(out: Path) -> dict[tuple[str, str], int]:
    """Rows whose key finds no parent row, per (child table, column), counted by DuckDB over the Parquet files."""
    counts = {}
    for child, column, parent, parent_column in KEYS:
        counts[(child, column)] = duckdb.sql(
            f"SELECT count(*) FROM read_parquet('{parquet(out, child)}') c ANTI JOIN "
            f"read_parquet('{parquet(out, parent)}') p ON c.{column} = p.{parent_column}").fetchall()[0][0]
    return counts


README = Path(__file__).resolve().parent.parent / "README.md"
README_SECTIONS = ("## From Python", "## Using the outputs")


def readme_examples() -> list[str]:
    """The ```python blocks of the README's sections that run as tests, in the order of the README."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for heading in README_SECTIONS:
        section = text[text.index(heading):]
        following = re.search(r"^## ", section[len(heading):], flags=re.MULTILINE)
        if following:
            section = section[:len(heading) + following.start()]
        blocks += re.findall(r"^```python\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    return blocks

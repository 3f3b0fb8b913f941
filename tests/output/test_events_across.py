"""Events across articles (pipeline/output/events_across.py): one real-world event told by several articles is
one ``events`` row; copies of one story count once; a coarser date never chains finer events; ids are stable.

The pages and records are written for these tests.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from outputs_sample import WIB, article, country, person
from pipeline.output import events_across, tables
from pipeline.record import DateRef, Event, Evidence, Participant
from pipeline.run import process_folder, write_outputs
from pipeline.settings import Settings

STORY = """Hanoi -- Menteri Luar Negeri Indonesia bertemu Menteri Luar Negeri Vietnam di Hanoi, Selasa (4/3), untuk \
membahas patroli bersama di Laut Natuna Utara.

Kedua menteri menyepakati pembentukan jalur komunikasi langsung antara petugas patroli kedua negara agar insiden \
di laut dapat segera ditangani.

Pembicaraan itu juga menyinggung rencana pelatihan bersama bagi nelayan dan kerja sama pengolahan hasil laut yang \
akan dimulai tahun ini.

Delegasi Indonesia dijadwalkan kembali ke Jakarta pada Rabu pagi setelah mengunjungi pelabuhan perikanan di \
pinggiran kota."""
PAGES = {
    "wire_a.txt": f"Indonesia dan Vietnam perkuat kerja sama perikanan\n\nRabu, 5 Maret 2025 10:15 WIB\n\n{STORY}\n",
    "wire_b.txt": f"Menlu RI temui mitranya dari Vietnam bahas patroli laut\n\nRabu, 5 Maret 2025 13:40 WIB\n\n{STORY}"
                  "\n\nBaca juga berita terkait lainnya di kanal internasional.\n",
}
UNRELATED = ("Australia dan Selandia Baru gelar latihan udara\n\nSenin, 10 Maret 2025 08:00 WIB\n\nAngkatan udara "
             "Australia dan Selandia Baru menggelar latihan bersama di Darwin, Minggu (9/3), dengan melibatkan "
             "belasan pesawat tempur.\n\nLatihan itu berlangsung selama sepekan.\n")


def _run(folder: Path, out: Path) -> dict[str, list[dict]]:
    result = process_folder(folder, Settings(use_ner=False))
    assert result.problems == []
    write_outputs(result, out)
    return {name: pq.read_table(out / f"{name}.parquet").to_pylist()
            for name in ("articles", "event_mentions", "events", "event_participants")}


@pytest.fixture(scope="module")
def two_copies(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("pages")
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder, _run(folder, tmp_path_factory.mktemp("out"))


def test_two_pages_carrying_one_wire_story_are_one_event(two_copies):
    _, found = two_copies
    [meeting] = [e for e in found["events"] if e["event_type"] == "MEETING"]
    assert (meeting["n_mentions"], meeting["n_articles"], meeting["n_independent_sources"]) == (2, 2, 1)
    assert (meeting["codes"], meeting["date_start"], meeting["merge_rule"]) == ("IDN;VNM", date(2025, 3, 4),
                                                                                events_across.MERGE_RULE)
    assert meeting["first_reported"] == datetime(2025, 3, 5, 10, 15, tzinfo=WIB)
    tellings = [m for m in found["event_mentions"] if m["event_type"] == "MEETING"]
    assert len({m["article_id"] for m in tellings}) == 2
    assert {m["event_id"] for m in tellings} == {meeting["event_id"]}
    assert {m["join_rule"] for m in tellings} == {"same-key"}
    actors = {(p["role"], p["actor_id"], p["n_mentions"]) for p in found["event_participants"]
              if p["event_id"] == meeting["event_id"]}
    assert actors == {("attendee", "state:IDN", 2), ("attendee", "state:VNM", 2)}


def test_adding_an_unrelated_article_keeps_every_event_id(two_copies, tmp_path):
    folder, before = two_copies
    (folder / "unrelated.txt").write_text(UNRELATED, encoding="utf-8")
    try:
        after = _run(folder, tmp_path / "out")
    finally:
        (folder / "unrelated.txt").unlink()
    told = {m["mention_id"]: m["event_id"] for m in before["event_mentions"]}
    assert {m["mention_id"]: m["event_id"] for m in after["event_mentions"] if m["mention_id"] in told} == told
    assert {e["event_id"] for e in before["events"]} < {e["event_id"] for e in after["events"]}
    assert [e["event_type"] for e in after["events"] if e["n_articles"] == 1] == ["MILITARY_EXERCISE"]


# ---------------------------------------------------------------- the rule, on records

def _telling(article_id: str, n: int, start: date, end: date, precision: str, parties: tuple[Participant, ...],
             basis: str = "sentence", status: str = "happened", event_type: str = "MEETING") -> Event:
    sentence = f"{' dan '.join(p.text for p in parties)} mengadakan pertemuan nomor {n}."
    when = DateRef(start, end, precision, False, None if basis == "publication" else "teks", basis, "date.test")
    at = sentence.index("pertemuan")
    evidence = Evidence(0, 0, len(sentence), sentence, "pertemuan", at, at + len("pertemuan"))
    return Event(f"{article_id}-m{n}", event_type, "bilateral", "040", "CONSULT", when, None, "meeting.test", 0.8,
                 (evidence,), parties, status=status)


IDN_RUS = (country("Indonesia", "IDN", "attendee"), country("Russia", "RUS", "attendee"))


def _grouped(*tellings_by_article: tuple[str, datetime, tuple[Event, ...]]) -> dict[str, list[dict]]:
    articles = [article(aid, f"{aid}.txt", "kontan", published, events) for aid, published, events in
                tellings_by_article]
    built = tables.build_tables(articles, [], [])
    return {name: built[name].to_pylist() for name in ("event_mentions", "events")}


def _event_of(found: dict, mention_id: str) -> str:
    return next(m["event_id"] for m in found["event_mentions"] if m["mention_id"] == mention_id)


def test_a_month_overlapping_two_days_stays_its_own_event():
    june = (date(2025, 6, 1), date(2025, 6, 30), "month")
    found = _grouped(
        ("a", datetime(2025, 6, 19, 9, tzinfo=WIB), (_telling("a", 1, date(2025, 6, 18), date(2025, 6, 18), "day",
                                                              IDN_RUS),)),
        ("b", datetime(2025, 6, 21, 9, tzinfo=WIB), (_telling("b", 1, date(2025, 6, 20), date(2025, 6, 20), "day",
                                                              IDN_RUS),)),
        ("c", datetime(2025, 6, 30, 9, tzinfo=WIB), (_telling("c", 1, *june, IDN_RUS),)))
    assert len(found["events"]) == 3 and len({_event_of(found, m) for m in ("a-m1", "b-m1", "c-m1")}) == 3
    month = next(e for e in found["events"] if e["date_precision"] == "month")
    assert (month["date_start"], month["n_mentions"]) == (date(2025, 6, 1), 1)


def test_a_month_inside_one_day_event_joins_it_and_the_later_status_wins():
    found = _grouped(
        ("a", datetime(2025, 6, 19, 9, tzinfo=WIB), (_telling("a", 1, date(2025, 6, 18), date(2025, 6, 18), "day",
                                                              IDN_RUS, status="planned"),)),
        ("b", datetime(2025, 7, 2, 9, tzinfo=WIB), (_telling("b", 1, date(2025, 6, 1), date(2025, 6, 30), "month",
                                                             IDN_RUS),)))
    [event] = found["events"]
    assert (event["date_start"], event["date_precision"], event["n_articles"]) == (date(2025, 6, 18), "day", 2)
    assert event["status"] == "happened"                   # the latest telling's
    assert [m["join_rule"] for m in found["event_mentions"]] == ["same-key", "coarser-in-finer"]


def test_overlapping_days_join_and_a_publication_date_joins_the_event_just_before_it():
    found = _grouped(
        ("a", datetime(2025, 6, 21, 9, tzinfo=WIB), (_telling("a", 1, date(2025, 6, 18), date(2025, 6, 20), "day",
                                                              IDN_RUS),)),
        ("b", datetime(2025, 6, 21, 9, tzinfo=WIB), (_telling("b", 1, date(2025, 6, 19), date(2025, 6, 19), "day",
                                                              IDN_RUS),
                                                     _telling("b", 2, date(2025, 6, 19), date(2025, 6, 19), "day",
                                                              IDN_RUS, event_type="AGREEMENT"))),
        ("c", datetime(2025, 6, 21, 9, tzinfo=WIB), (_telling("c", 1, date(2025, 6, 21), date(2025, 6, 21), "day",
                                                              IDN_RUS, basis="publication"),)))
    meetings = [e for e in found["events"] if e["event_type"] == "MEETING"]
    assert [(e["n_mentions"], e["date_start"], e["date_end"]) for e in meetings] == [
        (3, date(2025, 6, 18), date(2025, 6, 20))]           # ties: the earliest date
    assert len(found["events"]) == 2                         # the agreement is another type: another event


def test_people_never_enter_the_key_and_no_codes_never_merge():
    putin = Participant("attendee", "Vladimir Putin", "PERSON", "RUS", "Putin", actor_kind="state")
    lavrov = Participant("attendee", "Sergei Lavrov", "PERSON", "RUS", "Lavrov", actor_kind="state")
    day = (date(2025, 6, 19), date(2025, 6, 19), "day")
    found = _grouped(
        ("a", datetime(2025, 6, 19, 9, tzinfo=WIB), (_telling("a", 1, *day, (IDN_RUS[0], putin)),
                                                     _telling("a", 2, *day, (person("Xi Jinping"),)))),
        ("b", datetime(2025, 6, 19, 9, tzinfo=WIB), (_telling("b", 1, *day, (IDN_RUS[0], lavrov)),
                                                     _telling("b", 2, *day, (person("Xi Jinping"),)))))
    assert _event_of(found, "a-m1") == _event_of(found, "b-m1")
    assert _event_of(found, "a-m2") != _event_of(found, "b-m2")
    assert {m["join_rule"] for m in found["event_mentions"] if m["mention_id"].endswith("m2")} == {"no-codes"}
    assert _event_of(found, "a-m1") == events_across.event_key_id("MEETING", "2025-06-19", ("IDN", "RUS"))


def test_copies_count_once_by_wire_source_or_by_text():
    text = " ".join(f"kata{i}" for i in range(200))
    other = " ".join(f"lain{i}" for i in range(200))
    wire = events_across.Article("antaranews", "Antara", None, events_across.sketch(text))
    copy = events_across.Article("suara", None, None, events_across.sketch(text + " penutup singkat"))
    same_wire = events_across.Article("kompas", "ANTARA", None, events_across.sketch(other))
    own = events_across.Article("tempo", None, None, events_across.sketch(other + " x"))
    assert events_across.independent_sources([wire, copy]) == 1
    assert events_across.independent_sources([wire, same_wire]) == 1
    assert events_across.independent_sources([wire, own]) == 2
    assert events_across.similarity(events_across.sketch(text), events_across.sketch(other)) == 0


def test_dyads_and_membership_history_count_each_event_once():
    supplier, recipient = country("Russia", "RUS", "supplier"), country("Belarus", "BLR", "recipient")
    joiner = country("Iran", "IRN", "joiner")
    sco = Participant("organisation", "SCO", "ORG", "SCO", "SCO", actor_kind="igo")
    day = (date(2025, 7, 4), date(2025, 7, 4), "day")
    articles = [article(aid, f"{aid}.txt", "kontan", datetime(2025, 7, 5, 9, tzinfo=WIB), (
        _telling(aid, 1, *day, (supplier, recipient), event_type="ARMS_DEAL"),
        _telling(aid, 2, *day, (joiner, sco), event_type="ACCESSION", status=status)))
        for aid, status in (("a", "planned"), ("b", "happened"))]
    built = tables.build_tables(articles, [], [])
    dyads = built["dyads"].to_pylist()
    assert sorted((d["event_type"], d["source_actor_id"], d["target_actor_id"]) for d in dyads) == [
        ("ACCESSION", "state:IRN", "igo:SCO"), ("ARMS_DEAL", "state:RUS", "state:BLR")]
    [history] = built["membership_history"].to_pylist()
    assert (history["member"], history["organisation"], history["n_articles"]) == ("Iran", "SCO", 2)
    assert (history["status"], history["accession_stage"]) == ("happened", "bilateral")   # the later telling's

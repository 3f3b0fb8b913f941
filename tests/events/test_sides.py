"""Who takes part (pipeline/events/sides.py): offices at the event's date, the table's names, sides of the discourse."""
from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.events.extract import add_events
from tests.eventkit import WIB, article


def events_of(compiled, body: str, published=datetime(2025, 3, 1, 9, 0, tzinfo=WIB)):
    return add_events(article(body, published=published), compiled.events).events


def people(event) -> set[tuple[str, str | None]]:
    return {(p.canonical, p.code) for p in event.participants}


@pytest.mark.parametrize("day, acts", [
    ("15 Januari 2025", True),      # still president that day
    ("25 Januari 2025", False),     # five days after Donald Trump took office: Joe Biden meets for no state
])
def test_an_office_holder_acts_only_while_in_office_at_the_event_date(compiled, day, acts):
    body = f"Joe Biden bertemu Perdana Menteri Jepang Fumio Kishida di Tokyo pada {day}."
    events = [e for e in events_of(compiled, body) if e.event_type == "MEETING"]
    if acts:
        [event] = events
        assert ("Joe Biden", "USA") in people(event)
    else:
        assert events == []          # Japan alone: no international meeting


def test_an_event_of_another_year_names_the_office_holders_of_that_year(compiled):
    body = "Jokowi bertemu Presiden Rusia Vladimir Putin di Moskow pada 20 Mei 2019."
    [event] = [e for e in events_of(compiled, body) if e.event_type == "MEETING"]
    assert people(event) == {("Joko Widodo", "IDN"), ("Vladimir Putin", "RUS")}   # the table's name, not the alias


def test_an_alias_takes_the_name_of_the_table(compiled):
    body = "Presiden Prabowo bertemu Presiden Rusia Vladimir Putin di Moskow pada 10 Februari 2025."
    [event] = [e for e in events_of(compiled, body) if e.event_type == "MEETING"]
    assert ("Prabowo Subianto", "IDN") in people(event)


@pytest.mark.parametrize("body, international", [
    ("Mantan Perdana Menteri Inggris Tony Blair bertemu Presiden Prabowo di Jakarta pada 10 Februari 2025.", False),
    ("Perdana Menteri Inggris Tony Blair bertemu Presiden Joko Widodo di Jakarta pada 10 Februari 2005.", True),
    ("Presiden Direktur Toyota Indonesia bertemu CEO Toyota Jepang di Tokyo pada 10 Februari 2025.", False),
    ("Presiden Prabowo bertemu Perdana Menteri Jepang Fumio Kishida di Tokyo pada 10 Februari 2025.", True),
    ("Imam Besar Masjid Istiqlal bertemu Grand Syekh Al-Azhar Mesir di Kairo pada 10 Februari 2025.", False),
])
def test_former_business_and_religious_offices_make_no_state_act(compiled, body, international):
    meetings = [e for e in events_of(compiled, body) if e.event_type == "MEETING"]
    assert bool(meetings) == international


def test_an_office_holder_the_model_missed_is_found_by_the_table(compiled):
    body = ("Presiden Amerika Serikat (AS) Donald Trump dan Perdana Menteri Australia Anthony Albanese menandatangani "
            "perjanjian mineral di Washington pada 10 Februari 2025.")
    [event] = [e for e in events_of(compiled, body) if e.event_type == "AGREEMENT"]
    assert ("Donald Trump", "USA") in people(event) and ("Anthony Albanese", "AUS") in people(event)


def test_a_name_inside_another_word_is_no_office_holder(compiled):
    actors = compiled.events.actors
    text = "Para Trumpist dan pendukung Putinisme berkumpul; Putin tiba."
    found = actors.untagged_leaders(text, 0, len(text), [])
    assert [(m.text, m.canonical) for m in found] == [("Putin", "Vladimir Putin")]


def test_arriving_to_attend_a_summit_is_part_of_the_summit(compiled):
    body = ("Perdana Menteri Australia Anthony Albanese tiba di Kuala Lumpur untuk menghadiri KTT ASEAN pada "
            "10 Februari 2025.")
    [event] = [e for e in events_of(compiled, body) if e.event_type == "MEETING"]
    assert event.rule_id == "meeting.summit" and {"ASEAN", "AUS"} <= {p.code for p in event.participants}


@pytest.mark.parametrize("body, sides", [
    # the clause after "saat" shares the doer of the clause before it
    ("Presiden Rusia Vladimir Putin memuji Indonesia saat bertemu Presiden Prabowo di Moskow pada 10 Februari 2025.",
     {"RUS", "IDN"}),
    # no doer before the connector: the subject of the sentence before
    ("Presiden Rusia Vladimir Putin memuji perdagangan kedua negara. Pujian itu disampaikan usai bertemu Presiden "
     "Prabowo di Moskow pada 10 Februari 2025.", {"RUS", "IDN"}),
    # no connector: nothing is borrowed, one side is no meeting
    ("Presiden Rusia Vladimir Putin memuji perdagangan kedua negara. Pengamat menilai bertemu Presiden Prabowo di "
     "Moskow pada 10 Februari 2025 penting.", None),
])
def test_a_clause_opened_by_a_connector_shares_its_doer(compiled, body, sides):
    meetings = [e for e in events_of(compiled, body) if e.event_type == "MEETING"]
    assert ({p.code for p in meetings[0].participants} if meetings else None) == sides


def test_a_title_without_a_state_in_a_list_shares_the_state_of_the_title_before(compiled):
    body = ("Pertemuan di Jenewa pada 10 Mei 2025 dihadiri Menteri Keuangan Jepang Kato Ryo, Menteri Perdagangan "
            "Sato Ken, dan Wakil Perdana Menteri China Li Ming.")
    [event] = [e for e in events_of(compiled, body) if e.event_type == "MEETING"]
    assert {(p.canonical, p.code) for p in event.participants} >= {("Kato Ryo", "JPN"), ("Sato Ken", "JPN")}


def test_two_arrivals_of_one_visit_are_one_meeting_when_one_names_only_the_country(compiled):
    body = ("Presiden Prancis Emmanuel Macron tiba di Indonesia pada 10 Februari 2025. Macron dan rombongan tiba di "
            "Bandara Halim, Jakarta pada malam hari.")
    meetings = [e for e in events_of(compiled, body) if e.event_type == "MEETING"]
    assert len(meetings) == 1 and {"FRA", "IDN"} <= {p.code for p in meetings[0].participants}

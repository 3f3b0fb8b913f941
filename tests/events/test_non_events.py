"""What is no event, or one event only (issue 18): hearsay, accusations, a partnership signed, police operations."""
from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.events.extract import add_events
from tests.eventkit import WIB, article


def types(compiled, body: str) -> list[tuple[str, str]]:
    events = add_events(article(body, published=datetime(2025, 6, 30, 9, 0, tzinfo=WIB)), compiled.events).events
    return sorted((e.event_type, e.rule_id) for e in events)


@pytest.mark.parametrize("body, expected", [
    # an accusation or hearsay is a claim, not a report
    ("Ukraina menuduh Iran memasok drone dan rudal kepada Rusia pada Mei 2025.", []),
    ("Rusia dikabarkan mengirim sistem pertahanan udara S-300 ke Iran pada Mei 2025.", []),
    ("Rusia mengirim sistem pertahanan udara S-300 ke Iran pada Mei 2025.", [("ARMS_DEAL", "arms_deal.delivery")]),
    # a strategic partnership signed is one signed agreement
    ("Rusia dan Iran menandatangani perjanjian kemitraan strategis di Moskow pada 17 Januari 2025.",
     [("AGREEMENT", "agreement.signed")]),
    ("Rusia dan Iran sepakat membentuk kemitraan strategis di Moskow pada 17 Januari 2025.",
     [("AGREEMENT", "agreement.strategic_partnership")]),
    # police and rescue operations are no military exercise; the armed forces' joint operation is
    ("Polri dan Kepolisian Malaysia menggelar operasi gabungan memberantas narkoba pada Senin (23/6).", []),
    ("Angkatan Laut Indonesia dan Angkatan Laut Malaysia menggelar operasi militer gabungan pada Senin (23/6).",
     [("MILITARY_EXERCISE", "exercise.joint_operation")]),
])
def test_claims_and_one_telling(compiled, body, expected):
    assert types(compiled, body) == expected


@pytest.mark.parametrize("body, status", [
    ("Menteri itu optimistis Amerika Serikat dan China menyepakati perjanjian dagang.", "proposed"),
    ("Amerika Serikat dan China menyepakati perjanjian dagang di Jenewa pada 12 Mei 2025.", "happened"),
])
def test_an_agreement_someone_is_confident_of_is_only_hoped_for(compiled, body, status):
    events = add_events(article(body, published=datetime(2025, 6, 30, 9, 0, tzinfo=WIB)), compiled.events).events
    assert [e.status for e in events if e.event_type == "AGREEMENT"] == [status]

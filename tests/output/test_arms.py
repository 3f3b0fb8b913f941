"""ARMS_DEAL values, currencies, quantities, SIPRI categories and stages; ACCESSION stages only from what happened
(pipeline/output/arms.py, lexicons/arms_id.toml); the sentences are written for these tests."""
from __future__ import annotations

from datetime import date

import pytest

from outputs_sample import country
from pipeline.output import arms, tables
from pipeline.record import DateRef, Event, Evidence


@pytest.mark.parametrize("text, expected", [
    ("kontrak senilai US$ 1 miliar untuk pesawat", (1e9, "USD")),
    ("anggaran Rp 8 triliun disiapkan", (8e12, "IDR")),
    ("nilainya 1,2 miliar euro menurut kementerian", (1.2e9, "EUR")),
    ("harga satuan Rp 8.000 per butir", (8000.0, "IDR")),
    ("pada 2025 kedua negara", None),
])
def test_a_value_is_read_with_its_currency(text, expected):
    assert arms.money(text) == expected


def _deal(sentence: str, weapons: tuple[str, ...], subtype: str = "purchase", status: str = "happened",
          value: str | None = None, event_type: str = "ARMS_DEAL") -> Event:
    when = DateRef(date(2025, 3, 1), date(2025, 3, 1), "day", False, None, "publication", "date.test")
    evidence = Evidence(0, 0, len(sentence), sentence, "membeli", 0, 7)
    return Event("x", event_type, subtype, "062", "COOPERATE", when, None, "arms.test", 0.8, (evidence,),
                 (country("Indonesia", "IDN", "recipient"),), weapons=weapons, value=value, status=status)


def test_an_arms_deal_gets_designation_category_quantity_value_and_stage():
    deal = _deal("Indonesia membeli 42 jet tempur Rafale senilai US$ 8,1 miliar dari Prancis.",
                 ("Rafale", "jet tempur"))
    assert arms.arms_fields(deal) == {"weapon_designation": "Rafale", "weapon_category": "aircraft", "quantity": 42,
                                      "value_amount": pytest.approx(8.1e9), "value_currency": "USD",
                                      "deal_stage": "contract"}


@pytest.mark.parametrize("sentence, status, subtype, stage", [
    ("Kedua negara menandatangani MoU pembelian dua kapal selam.", "happened", "purchase", "mou"),
    ("Indonesia berencana membeli kapal selam.", "planned", "purchase", "talks"),
    ("Kapal selam pertama tiba di Surabaya.", "happened", "delivery", "delivery"),
])
def test_the_deal_stage(sentence, status, subtype, stage):
    assert arms.arms_fields(_deal(sentence, ("kapal selam",), subtype, status))["deal_stage"] == stage


def test_other_types_have_no_arms_fields_and_an_accession_stage_needs_it_to_have_happened():
    assert set(arms.arms_fields(_deal("Kedua menteri bertemu.", (), event_type="MEETING")).values()) == {None}
    assert tables.accession_stage("ACCESSION", "member", "happened") == "member"
    assert tables.accession_stage("ACCESSION", "member", "proposed") is None       # an interest, no membership
    assert tables.accession_stage("MEETING", "summit", "happened") is None

"""Actor ids that join (pipeline/output/actor_ids.py): a person's aliases are one id within and across articles;
states and organisations by their codes. Names are leaders.tsv's or written for these tests."""
from __future__ import annotations

import pytest

from pipeline.output import actor_ids
from pipeline.record import Participant


def _person(canonical: str, code: str | None = "IDN") -> Participant:
    return Participant("attendee", canonical, "PERSON", code, canonical, actor_kind="state" if code else None)


@pytest.mark.parametrize("canonical", ["Prabowo", "Prabowo Subianto", "PrabowoSubianto", "Prabowo via Zoom"])
def test_a_leaders_aliases_resolve_to_one_id(canonical):
    assert actor_ids.actor_fields(_person(canonical), {})["actor_id"] == "person:prabowo-subianto"


def test_jokowi_and_joko_widodo_are_one_person():
    ids = {actor_ids.actor_fields(_person(name), {})["actor_id"] for name in ("Jokowi", "Joko Widodo")}
    assert ids == {"person:joko-widodo"}


def test_a_short_form_takes_the_fuller_name_the_same_article_gives():
    people = actor_ids.fuller_names(["Budi Santoso Wirawan", "Wirawan", "Sari", "Sari Dewi", "Sari Lestari"])
    assert actor_ids.actor_fields(_person("Wirawan"), people)["actor_id"] == "person:budi-santoso-wirawan"
    assert actor_ids.actor_fields(_person("Sari"), people)["actor_id"] == "person:sari"     # two Saris: kept
    assert actor_ids.actor_fields(_person("Wirawan"), {})["actor_id"] == "person:wirawan"  # not across articles


def test_states_and_organisations_keep_their_codes_apart():
    state = Participant("joiner", "Indonesia", "COUNTRY", "IDN", "Indonesia", actor_kind="state")
    igo = Participant("organisation", "ASEAN", "ORG", "ASEAN", "ASEAN", actor_kind="igo")
    organ = Participant("host", "Kementerian Pertahanan", "ORG", "IDN", "Kemhan", actor_kind="state")
    official = Participant("attendee", "Jan Kowalski", "PERSON", "UN", "Kowalski", actor_kind="igo")
    assert actor_ids.actor_fields(state, {}) == {"actor_id": "state:IDN", "country_iso3": "IDN", "org_id": None,
                                                 "wikidata_qid": None}
    assert actor_ids.actor_fields(igo, {})["actor_id"] == "igo:ASEAN"
    organ_fields, official_fields = actor_ids.actor_fields(organ, {}), actor_ids.actor_fields(official, {})
    assert (organ_fields["actor_id"], organ_fields["country_iso3"]) == ("org:kementerian-pertahanan", "IDN")
    assert (official_fields["org_id"], official_fields["country_iso3"]) == ("UN", None)

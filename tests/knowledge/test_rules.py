"""Every event rule's own examples fire it and its counter_examples do not (rules/*.toml)."""
from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.knowledge.rulebook import EVENT_TYPES, rulebook
from pipeline.events.extract import add_events
from pipeline.knowledge import Knowledge, KnowledgeError, load_knowledge
from tests.eventkit import WIB, article

BOOK = rulebook(load_knowledge())
EXAMPLES = [(r.id, text) for r in BOOK.rules for text in r.examples]
COUNTER_EXAMPLES = [(r.id, text) for r in BOOK.rules for text in r.counter_examples]


# Late enough for every example's year; events dated after publication are dropped as planned, not done.
PUBLISHED = datetime(2025, 6, 30, 10, 0, tzinfo=WIB)


def rule_ids(text: str, knowledge) -> list[str]:
    return [e.rule_id for e in add_events(article(text, published=PUBLISHED), knowledge).events]


@pytest.mark.parametrize("rule_id, text", EXAMPLES, ids=[f"{r}:{i}" for i, (r, _) in enumerate(EXAMPLES)])
def test_rule_fires_on_its_examples(knowledge, rule_id, text):
    assert rule_id in rule_ids(text, knowledge)


@pytest.mark.parametrize("rule_id, text", COUNTER_EXAMPLES,
                         ids=[f"{r}:{i}" for i, (r, _) in enumerate(COUNTER_EXAMPLES)])
def test_rule_stays_silent_on_its_counter_examples(knowledge, rule_id, text):
    assert rule_id not in rule_ids(text, knowledge)


def test_every_rule_has_examples_and_counter_examples_and_every_type_a_rule():
    assert all(r.examples and r.counter_examples for r in BOOK.rules)
    assert {r.event_type for r in BOOK.rules} == set(EVENT_TYPES)
    assert len({r.id for r in BOOK.rules}) == len(BOOK.rules)


def test_every_type_and_subtype_has_cameo_and_plover_codes():
    for rule in BOOK.rules:
        codes = BOOK.codes[rule.event_type]
        assert codes["cameo"].isdigit() and codes["plover"].isupper()
        for subtype in [rule.subtype, *(s for _, s in rule.subtype_cues)]:
            assert subtype in codes["subtypes"], f"{rule.id}: subtype {subtype} has no codes"


def _with_rule_file(knowledge: Knowledge, file_data: dict) -> Knowledge:
    return Knowledge(knowledge.sites, knowledge.rules + (file_data,), knowledge.lexicons,
                     knowledge.digest + "-broken-" + file_data["file"])


@pytest.mark.parametrize("broken, expected", [
    ({"file": "bad1", "event_type": "PARADE", "rule": []}, "event_type 'PARADE'"),
    ({"file": "bad2", "event_type": "MEETING", "rule": [{"id": "x", "triggers": ["("], "confidence": 1,
                                                          "roles": []}]}, "bad pattern '('"),
    ({"file": "bad3", "event_type": "MEETING", "rule": [{"id": "y", "triggers": ["a"], "confidence": 1,
                                                          "roles": [], "trigerz": []}]}, "unknown keys ['trigerz']"),
    ({"file": "bad4", "event_type": "MEETING", "rule": [{"id": "meeting.summit", "triggers": ["a"],
                                                          "confidence": 1, "roles": []}]}, "used twice"),
])
def test_broken_rule_files_are_reported_with_file_and_key(knowledge, broken, expected):
    with pytest.raises(KnowledgeError, match="rules/" + broken["file"] + ".toml|used twice") as err:
        rulebook(_with_rule_file(knowledge, broken))
    assert expected in str(err.value)

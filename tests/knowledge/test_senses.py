"""Every word sense of lexicons/senses_id.toml silences its examples and leaves its counter-examples' events."""
from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.events.extract import add_events
from pipeline.knowledge import load_knowledge
from pipeline.compiled import compile_knowledge
from pipeline.knowledge.problems import Problems
from pipeline.knowledge.senses import compile_senses
from tests.eventkit import WIB, article

BOOK = compile_knowledge(load_knowledge()).events.rulebook
PUBLISHED = datetime(2025, 6, 30, 10, 0, tzinfo=WIB)
EXAMPLES = [(s, text) for s in BOOK.senses for text in s.examples]
COUNTER_EXAMPLES = [(s, text) for s in BOOK.senses for text in s.counter_examples]


def event_types(text: str, compiled) -> set[str]:
    return {e.event_type for e in add_events(article(text, published=PUBLISHED), compiled.events).events}


@pytest.mark.parametrize("sense, text", EXAMPLES, ids=[f"{s.id}:{i}" for i, (s, _) in enumerate(EXAMPLES)])
def test_a_sense_silences_its_examples(compiled, sense, text):
    assert not event_types(text, compiled) & sense.event_types


@pytest.mark.parametrize("sense, text", COUNTER_EXAMPLES,
                         ids=[f"{s.id}:{i}" for i, (s, _) in enumerate(COUNTER_EXAMPLES)])
def test_a_sense_leaves_the_political_reading(compiled, sense, text):
    assert event_types(text, compiled) & sense.event_types


def test_every_sense_has_examples_and_counter_examples():
    assert BOOK.senses and all(s.examples and s.counter_examples for s in BOOK.senses)


@pytest.mark.parametrize("raw, expected", [
    ({"sense": [{"id": "x", "event_types": ["MEETING"], "where": "somewhere", "patterns": ["a"]}]},
     "sense[x].where: 'somewhere' must be one of 'after', 'before', 'sentence', 'article'"),
    ({"sense": [{"id": "x", "event_types": ["PARADE"], "where": "after", "patterns": ["a"]}]},
     "sense[x].event_types: names unknown event type 'PARADE' (known: MEETING)"),
    ({"sense": [{"id": "x", "event_types": ["MEETING"], "where": "after", "patterns": ["("]}]},
     "sense[x].patterns[0]: bad regular expression '('"),
    ({"sense": [{"id": "x", "event_types": ["MEETING"], "where": "after", "patterns": ["a"], "windw": 3}]},
     "sense[x].windw: unknown key (did you mean 'window'?)"),
])
def test_a_broken_sense_is_reported_with_its_id(raw, expected):
    problems = Problems(None)
    assert compile_senses(raw, ("MEETING",), problems) is None
    assert len(problems.found) == 1 and str(problems.found[0]).startswith(f"lexicons/senses_id.toml: {expected}")

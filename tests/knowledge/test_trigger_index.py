"""The trigger index runs only patterns that can match, and finds exactly what running them all finds."""
from __future__ import annotations

import re

import pytest

from pipeline.knowledge.trigger_index import TriggerIndex, first_words


@pytest.mark.parametrize("pattern, words", [
    (r"\bpertemuan\s+puncak\b", {"pertemuan"}),
    (r"\b(?:KTT|summit)\b", {"ktt", "summit"}),
    (r"(?<!\w)(?:menerima|menjamu)\s+kunjungan", {"menerima", "menjamu"}),
    (r"\bmenteri\b[^.]{0,40}?\b(?P<trigger>menggelar)\b", {"menteri"}),
    (r"\b(?:ber)?status\s+pengamat\b", None),            # an optional prefix: the first word is unknown
    (r"[A-Z]\w+\s+bertemu", None),
])
def test_the_first_word_every_match_starts_with(pattern, words):
    found = first_words(re.compile(pattern, re.IGNORECASE))
    assert (set(found) if found is not None else None) == words


def test_the_index_finds_what_every_pattern_finds(compiled):
    book = compiled.events.rulebook
    every = [(r, p) for r in book.rules for p in r.triggers]
    texts = [example for rule in book.rules for example in rule.examples + rule.counter_examples]
    for text in texts:
        expected = [(r.id, m.span()) for r, p in every for m in p.finditer(text)]
        indexed = [(r.id, m.span()) for r, p in book.candidate_triggers(text) for m in p.finditer(text)]
        assert indexed == expected, text


def test_a_sentence_without_trigger_words_runs_only_the_unindexed_patterns(compiled):
    book = compiled.events.rulebook
    candidates = book.candidate_triggers("Harga cabai di pasar tradisional naik tajam pagi ini.")
    assert {id(p) for _, p in candidates} == {id(p) for _, p in book.triggers.always}
    index = TriggerIndex.build([("a", re.compile(r"\bbertemu\b"))])
    assert index.candidates("Mereka bertemu.") and not index.candidates("Mereka berpisah.")

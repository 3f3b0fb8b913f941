"""pipeline.annotate.spans and overlap resolution: the fast look-ups give what scanning every span gives."""
from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from pipeline.annotate.normalise import FIELDS, _resolve
from pipeline.annotate.persons import Candidate
from pipeline.annotate.spans import Occupied, RemovableSpans, SpanIndex


@dataclass
class S:
    field: str
    start: int
    end: int


def random_spans(rng: random.Random, n: int, length: int = 400, longest: int = 30) -> list[S]:
    spans = []
    for _ in range(n):
        start = rng.randrange(length - 1)
        spans.append(S(rng.choice(FIELDS), start, min(length, start + rng.randint(1, longest))))
    return spans


def overlap(a, b) -> bool:
    return a.field == b.field and a.start < b.end and b.start < a.end


def pairwise_resolve(candidates: list[Candidate]) -> list[Candidate]:
    """The rule as first written: best first, each checked against every one already chosen."""
    chosen = []
    for c in sorted(candidates, key=lambda c: (c.rank, c.start - c.end, FIELDS.index(c.field), c.start)):
        if not any(overlap(c, k) for k in chosen):
            chosen.append(c)
    return chosen


@pytest.mark.parametrize("seed", range(20))
def test_resolve_chooses_what_checking_every_pair_chooses(seed):
    rng = random.Random(seed)
    candidates = [Candidate(s.field, s.start, s.end, "ORG", f"c{n}", "gazetteer", rng.randrange(4))
                  for n, s in enumerate(random_spans(rng, 300))]
    texts = {f: "x" * 400 for f in FIELDS}
    assert [c.canonical for c in _resolve(candidates, texts)] == [c.canonical for c in pairwise_resolve(candidates)]


def test_occupied_sees_overlaps_and_lets_touching_spans_through():
    occupied = Occupied({"body": 20, "title": 20})
    occupied.take(S("body", 5, 10))
    assert not occupied.is_free(S("body", 9, 12)) and not occupied.is_free(S("body", 0, 6))
    assert not occupied.is_free(S("body", 6, 8)) and not occupied.is_free(S("body", 0, 20))
    assert occupied.is_free(S("body", 10, 12)) and occupied.is_free(S("body", 0, 5))
    assert occupied.is_free(S("title", 5, 10))


@pytest.mark.parametrize("seed", range(10))
def test_span_index_within_and_containing_match_a_scan(seed):
    rng = random.Random(seed)
    spans = random_spans(rng, 200)
    index = SpanIndex(spans)
    for _ in range(200):
        field, lo = rng.choice(FIELDS), rng.randrange(400)
        hi = lo + rng.randint(0, 60)
        expected = sorted((s for s in spans if s.field == field and lo <= s.start and s.end <= hi),
                          key=lambda s: (s.start, s.end))
        assert [id(s) for s in index.within(field, lo, hi)] == [id(s) for s in expected]
    disjoint = pairwise_resolve([Candidate(s.field, s.start, s.end, "ORG", "", "", 0) for s in spans])
    index = SpanIndex(disjoint)
    for field in FIELDS:
        for offset in range(400):
            holder = [s for s in disjoint if s.field == field and s.start <= offset < s.end]
            assert index.containing(field, offset) is (holder[0] if holder else None)


@pytest.mark.parametrize("seed", range(10))
def test_removable_spans_match_a_scan_as_spans_are_removed(seed):
    rng = random.Random(seed)
    spans = {n: (s.start, s.end) for n, s in enumerate(random_spans(rng, 150))}
    remaining = RemovableSpans(spans)
    for _ in range(300):
        start = rng.randrange(400)
        end = start + rng.randint(1, 20)
        assert remaining.contain(start, end) == any(a <= start and end <= b for a, b in spans.values())
        if spans and rng.random() < 0.3:
            key = rng.choice(sorted(spans))
            del spans[key]
            remaining.remove(key)
    assert not RemovableSpans({}).contain(0, 1)

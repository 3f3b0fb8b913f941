"""Look-ups over the candidate spans of one article whose cost does not grow with the number of spans.

Normalisation asks, for every candidate, whether it overlaps one already chosen, which chosen span holds a
given offset and which spans lie inside a title. Asked by scanning every span, each question costs the number
of spans, and one long line of names made a 5 MB page take minutes (issue 11). Here an overlap check costs the
candidate's own length, and the other look-ups a binary search.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Hashable, Iterable, Protocol


class Span(Protocol):
    field: str
    start: int
    end: int


class Occupied:
    """The characters of each field that chosen spans cover. Two non-empty spans overlap exactly when they
    share a character, so checking a span costs its own length, whatever the number already chosen."""

    def __init__(self, lengths: dict[str, int]):
        self._taken = {name: bytearray(n) for name, n in lengths.items()}

    def is_free(self, span: Span) -> bool:
        return self._taken[span.field].find(1, span.start, span.end) < 0

    def take(self, span: Span) -> None:
        self._taken[span.field][span.start:span.end] = b"\x01" * (span.end - span.start)


class SpanIndex:
    """Spans of each field sorted by (start, end), for binary-search look-ups; built once, never changed."""

    def __init__(self, spans: Iterable[Span]):
        self._spans: dict[str, list] = defaultdict(list)
        for span in sorted(spans, key=lambda s: (s.start, s.end)):
            self._spans[span.field].append(span)
        self._starts = {name: [s.start for s in spans] for name, spans in self._spans.items()}

    def within(self, field: str, lo: int, hi: int) -> list:
        """Spans with lo <= start and end <= hi, by start."""
        spans, starts = self._spans.get(field, []), self._starts.get(field, [])
        first, stop = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
        return [s for s in spans[first:stop] if s.end <= hi]

    def containing(self, field: str, offset: int):
        """The span holding ``offset`` (start <= offset < end), for spans that do not overlap; else None."""
        starts = self._starts.get(field, [])
        i = bisect.bisect_right(starts, offset) - 1
        span = self._spans[field][i] if i >= 0 else None
        return span if span is not None and offset < span.end else None


class RemovableSpans:
    """(start, end) spans under keys, some removed as we go: does any remaining span contain a given one?
    A max segment tree over the spans sorted by start answers in log time (the largest end among the
    remaining spans that start at or before the given start)."""

    def __init__(self, spans: dict[Hashable, tuple[int, int]]):
        order = sorted(spans, key=lambda k: spans[k])
        self._starts = [spans[k][0] for k in order]
        self._slot = {key: n for n, key in enumerate(order)}
        self._n = len(order)
        self._tree = [-1] * self._n + [spans[k][1] for k in order]
        for i in range(self._n - 1, 0, -1):
            self._tree[i] = max(self._tree[2 * i], self._tree[2 * i + 1])

    def remove(self, key: Hashable) -> None:
        if key not in self._slot:
            return
        i = self._slot.pop(key) + self._n
        self._tree[i] = -1
        while i > 1:
            i //= 2
            self._tree[i] = max(self._tree[2 * i], self._tree[2 * i + 1])

    def contain(self, start: int, end: int) -> bool:
        return self._largest_end(bisect.bisect_right(self._starts, start)) >= end

    def _largest_end(self, count: int) -> int:
        """Largest end among the first ``count`` spans (in start order) still there."""
        best, lo, hi = -1, self._n, self._n + count
        while lo < hi:
            if lo & 1:
                best, lo = max(best, self._tree[lo]), lo + 1
            if hi & 1:
                hi -= 1
                best = max(best, self._tree[hi])
            lo, hi = lo // 2, hi // 2
        return best

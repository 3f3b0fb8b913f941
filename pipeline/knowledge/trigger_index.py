"""Which trigger patterns can match in a sentence, from the words the sentence holds.

Each trigger pattern is parsed (``re._parser``, the parser ``re`` itself uses) for the literal word every match
must begin with ("pertemuan" for ``\\bpertemuan\\s+puncak\\b``; each alternative of ``\\b(?:KTT|summit)\\b``).
A sentence then runs only the patterns whose first word starts one of its words; a pattern whose first word
cannot be read off (an optional prefix, a character class) always runs. The index only skips patterns that
cannot match, so the matches are the same as running every pattern on every sentence, at a fraction of the cost.
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from dataclasses import dataclass
from typing import Iterable, Sequence, TypeVar

T = TypeVar("T")
WORD = re.compile(r"\w+")
MIN_PREFIX = 2
MEMO_WORDS = 200_000      # distinct words remembered (a few MB); a larger vocabulary is looked up each time
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


def first_words(pattern: re.Pattern) -> frozenset[str] | None:
    """The lower-case literal word prefixes every match of ``pattern`` starts with, or None when unknown."""
    try:
        return _first(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    except (re.error, TypeError, ValueError):
        return None


def _first(items: list, glued: bool = False) -> frozenset[str] | None:
    """Prefixes of the first word; ``glued``: these items continue a word already begun (no boundary skipped)."""
    i = 0
    while not glued and i < len(items) and items[i][0] in _ZERO_WIDTH:
        i += 1
    if i == len(items):
        return None
    op, av = items[i]
    if op == sre.LITERAL:
        word = ""
        while i < len(items) and items[i][0] == sre.LITERAL and chr(items[i][1]).isalnum():
            word += chr(items[i][1])
            i += 1
        if not word:
            return None
        rest = _first(items[i:], glued=True) if i < len(items) and items[i][0] in (sre.SUBPATTERN, sre.BRANCH) else None
        words = {word + w for w in rest} if rest else {word}   # "men" + (erima | jamu): the whole word
        return frozenset(w.lower() for w in words) if all(len(w) >= MIN_PREFIX for w in words) else None
    if op == sre.SUBPATTERN:
        return _first(list(av[3]) + items[i + 1:], glued)
    if op == sre.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            words = _first(list(branch) + items[i + 1:], glued)
            if words is None:
                return None
            found |= words
        return frozenset(found)
    return None


@dataclass(frozen=True)
class TriggerIndex:
    """Patterns (with what they belong to) by the word prefix their matches start with."""

    by_prefix: dict[str, tuple]            # prefix → ((owner, pattern), ...)
    always: tuple                          # (owner, pattern) whose first word is unknown
    lengths: tuple[int, ...]               # prefix lengths present, for the look-up
    order: dict[int, int]                  # id(pattern) → its position, so results keep rule order
    memo: dict[str, tuple]                 # word → the entries it may start (vocabulary repeats across pages)

    @classmethod
    def build(cls, entries: Iterable[tuple[T, re.Pattern]]) -> "TriggerIndex":
        by_prefix: dict[str, list] = {}
        always, order = [], {}
        for position, (owner, pattern) in enumerate(entries):
            order[id(pattern)] = position
            words = first_words(pattern)
            if words is None:
                always.append((owner, pattern))
            for word in words or ():
                by_prefix.setdefault(word, []).append((owner, pattern))
        return cls({w: tuple(e) for w, e in by_prefix.items()}, tuple(always),
                   tuple(sorted({len(w) for w in by_prefix})), order, {})

    def candidates(self, text: str) -> Sequence[tuple]:
        """The (owner, pattern) pairs that may match in ``text``, in the order they were given."""
        found = {id(p): (o, p) for o, p in self.always}
        for word in {w.lower() for w in WORD.findall(text)}:
            for owner, pattern in self._for_word(word):
                found[id(pattern)] = (owner, pattern)
        return sorted(found.values(), key=lambda e: self.order[id(e[1])])

    def _for_word(self, word: str) -> tuple:
        known = self.memo.get(word)
        if known is None:
            known = tuple(e for n in self.lengths if len(word) >= n for e in self.by_prefix.get(word[:n], ()))
            if len(self.memo) < MEMO_WORDS:
                self.memo[word] = known
        return known

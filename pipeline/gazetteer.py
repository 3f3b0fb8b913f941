"""Alias tables (countries.tsv, orgs.tsv) compiled into a token trie: exact, case-sensitive, longest match.

Matching works on word tokens (``\\w+`` runs and single punctuation marks), so ``Rusia`` is found in
``Asean-Rusia`` but never inside ``Rusiawan``, and ``AS`` only as the upper-case token ``AS``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from pipeline.knowledge import Knowledge, KnowledgeError

TOKEN_RE = re.compile(r"\w+|[^\w\s]")
LABELS = ("COUNTRY", "LOC", "ORG")


@dataclass(frozen=True)
class Entry:
    """One alias-table row: what a surface form stands for."""

    alias_id: str
    label: str                 # COUNTRY | LOC | ORG
    canonical: str             # English country/region name, or the organisation's id (SCO, TASS)
    code: str | None = None    # ISO 3166-1 alpha-3 for COUNTRY
    kind: str = ""             # ORG: org | government | media
    country: str | None = None  # ORG of kind government: the country it stands for (Kremlin → RUS)
    needs_context: bool = False


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    entry: Entry


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, token) for the word tokens of text[start:end], offsets into text."""
    end = len(text) if end is None else end
    return [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text, start, end)]


def squash(text: str) -> str:
    return " ".join(text.split())


class Gazetteer:
    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries                 # alias (whitespace-squashed) → entry
        self.trie: dict = {}
        for alias in entries:
            node = self.trie
            for _, _, tok in tokens(alias):
                node = node.setdefault(tok, {})
            node[None] = alias

    def exact(self, surface: str) -> Entry | None:
        return self.entries.get(squash(surface))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """Leftmost-longest, non-overlapping alias matches in text[start:end]."""
        toks = tokens(text, start, end)
        found, i = [], 0
        while i < len(toks):
            best = self._longest_at(text, toks, i)
            if best is None:
                i += 1
                continue
            j, alias = best
            found.append(Match(toks[i][0], toks[j][1], text[toks[i][0]:toks[j][1]], self.entries[alias]))
            i = j + 1
        return found

    def _longest_at(self, text: str, toks: list, i: int) -> tuple[int, str] | None:
        node, best = self.trie, None
        for j in range(i, len(toks)):
            node = node.get(toks[j][2])
            if node is None:
                break
            alias = node.get(None)
            if alias is not None and squash(text[toks[i][0]:toks[j][1]]) == alias:
                best = (j, alias)
        return best


def _country_entries(rows: list[dict]) -> Iterator[tuple[str, Entry]]:
    for row in rows:
        label = row.get("label", "")
        if label not in LABELS:
            raise KnowledgeError(f"countries.tsv row {row.get('alias_id')}: label {label!r} not in {LABELS}")
        yield squash(row["alias"]), Entry(row["alias_id"], label, row["canonical"], row["code"] or None)


def _org_entries(rows: list[dict]) -> Iterator[tuple[str, Entry]]:
    for row in rows:
        yield squash(row["alias"]), Entry(row["alias_id"], "ORG", row["org_id"], None, row["kind"],
                                          row["country"] or None, row["needs_context"] == "yes")


_CACHE: dict[str, Gazetteer] = {}


def gazetteer_for(knowledge: Knowledge) -> Gazetteer:
    """The compiled gazetteer for this knowledge (built once per knowledge digest)."""
    if knowledge.digest not in _CACHE:
        entries: dict[str, Entry] = {}
        for alias, entry in [*_country_entries(knowledge.lexicon("countries")),
                             *_org_entries(knowledge.lexicon("orgs"))]:
            if alias in entries and entries[alias].canonical != entry.canonical:
                raise KnowledgeError(f"alias {alias!r} is both {entries[alias].alias_id} and {entry.alias_id}")
            entries.setdefault(alias, entry)
        _CACHE[knowledge.digest] = Gazetteer(entries)
    return _CACHE[knowledge.digest]

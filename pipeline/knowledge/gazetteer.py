"""Alias tables (countries.tsv, orgs.tsv) compiled into a token trie: exact, case-sensitive, longest match.

Matching works on word tokens (``\\w+`` runs and single punctuation marks), so ``Rusia`` is found in
``Asean-Rusia`` but never inside ``Rusiawan``, and ``AS`` only as the upper-case token ``AS``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from pipeline.knowledge.problems import Problems
from pipeline.knowledge.shape import Choice, Text, check_rows

TOKEN_RE = re.compile(r"\w+|[^\w\s]")
MIN_SHOUTING_LETTERS = 12   # shorter all-capitals runs are acronyms or datelines, not a shouted headline
MIN_FOLDED_ALIAS = 4        # all-capitals text never matches short names case-blind ("Mali" yes, "AS" only as AS)
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


def is_shouting(text: str) -> bool:
    """An all-capitals headline or line ("RUSIA DAN CHINA GELAR LATIHAN"), where case says nothing."""
    letters = list(filter(str.isalpha, text))
    return len(letters) >= MIN_SHOUTING_LETTERS and sum(map(str.isupper, letters)) >= 0.9 * len(letters)


class Gazetteer:
    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries                 # alias (whitespace-squashed) → entry
        self.trie: dict = {}
        self.folded: dict = {}                 # casefolded, for all-capitals text; acronyms left out
        for alias in entries:
            self._insert(self.trie, alias, alias, str)
            if not alias.isupper() and len(alias) >= MIN_FOLDED_ALIAS:
                self._insert(self.folded, alias, alias, str.casefold)

    @staticmethod
    def _insert(trie: dict, key: str, alias: str, fold) -> None:
        node = trie
        for _, _, tok in tokens(key):
            node = node.setdefault(fold(tok), {})
        node[None] = alias

    def exact(self, surface: str) -> Entry | None:
        return self.entries.get(squash(surface))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """Leftmost-longest, non-overlapping alias matches in text[start:end]."""
        toks = tokens(text, start, end)
        shouting = is_shouting(text[start:end] if end is not None else text[start:])
        found, i = [], 0
        while i < len(toks):
            best = self._longest_at(text, toks, i, self.trie, str)
            if best is None and shouting:
                best = self._longest_at(text, toks, i, self.folded, str.casefold)
            if best is None:
                i += 1
                continue
            j, alias = best
            found.append(Match(toks[i][0], toks[j][1], text[toks[i][0]:toks[j][1]], self.entries[alias]))
            i = j + 1
        return found

    @staticmethod
    def _longest_at(text: str, toks: list, i: int, trie: dict, fold) -> tuple[int, str] | None:
        node, best = trie, None
        for j in range(i, len(toks)):
            node = node.get(fold(toks[j][2]))
            if node is None:
                break
            alias = node.get(None)
            if alias is not None and fold(squash(text[toks[i][0]:toks[j][1]])) == fold(alias):
                best = (j, alias)
        return best


COUNTRIES_FILE, ORGS_FILE = "lexicons/countries.tsv", "lexicons/orgs.tsv"
COUNTRY_COLUMNS = {"alias_id": Text(r"\S", "an id"), "code": str, "label": Choice(LABELS), "canonical": str,
                   "alias": Text(r"\S", "an alias"), "origin": str}
ORG_KINDS = ("igo", "government", "media", "company", "armed_group")
ORG_COLUMNS = {"alias_id": Text(r"\S", "an id"), "org_id": Text(r"\S", "an id"), "name": str,
               "alias": Text(r"\S", "an alias"), "kind": Choice(ORG_KINDS), "country": str, "part_of": str,
               "needs_context": Choice(("yes", ""))}


def _country_entries(rows: list[dict]) -> Iterator[tuple[str, Entry, str]]:
    for row in rows:
        entry = Entry(row["alias_id"], row["label"], row["canonical"], row["code"] or None)
        yield squash(row["alias"]), entry, COUNTRIES_FILE


def _org_entries(rows: list[dict]) -> Iterator[tuple[str, Entry, str]]:
    for row in rows:
        entry = Entry(row["alias_id"], "ORG", row["org_id"], None, row["kind"], row["country"] or None,
                      row["needs_context"] == "yes")
        yield squash(row["alias"]), entry, ORGS_FILE


def compile_gazetteer(countries: list[dict] | None, orgs: list[dict] | None, problems: Problems) -> Gazetteer | None:
    """The alias tables as one gazetteer, or None when a table is missing or broken (every problem reported)."""
    if countries is None or orgs is None:
        return None
    valid = [check_rows(problems, COUNTRIES_FILE, countries, COUNTRY_COLUMNS),
             check_rows(problems, ORGS_FILE, orgs, ORG_COLUMNS)]
    if not all(valid):
        return None
    reported, entries = len(problems), {}
    for alias, entry, file in [*_country_entries(countries), *_org_entries(orgs)]:
        if alias in entries and entries[alias].canonical != entry.canonical:
            problems.add(file, ((0, entry.alias_id),), f"alias {alias!r} is also {entries[alias].alias_id} "
                                                       f"({entries[alias].canonical})", needle=f"\n{entry.alias_id}\t")
        entries.setdefault(alias, entry)
    return Gazetteer(entries) if len(problems) == reported else None

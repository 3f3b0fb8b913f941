"""Organisation names defined inside an article: "Organisasi Kerja Sama Shanghai (SCO)", "… atau SCO".

A definition links long forms and an acronym to one organisation. Forms already in the alias table need
nothing; forms the table lacks become aliases for this article only (source "definition").
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.knowledge.gazetteer import Entry, Gazetteer, squash, tokens

RULE_PREFIX = "definition"
DEFINITION_WORDS = ("or_words", "inner_words", "leading_articles", "org_head_words")   # lexicons/normalise.toml
MAX_LONG_WORDS = 8     # an undefined run longer than this is a sentence fragment, not a name


@dataclass(frozen=True)
class DefinitionRules:
    or_words: frozenset
    inner_words: frozenset
    leading_articles: frozenset
    org_head_words: frozenset

    @classmethod
    def from_lexicon(cls, lexicon: dict) -> "DefinitionRules":
        d = lexicon.get("definitions", {})
        return cls(*(frozenset(d.get(k, [])) for k in DEFINITION_WORDS))


def _is_acronym(word: str, gaz: Gazetteer) -> bool:
    entry = gaz.exact(word)
    if entry is not None:
        return entry.label == "ORG"
    upper = sum(c.isupper() for c in word)
    return 2 <= len(word) <= 10 and word[0].isupper() and upper >= 2 and upper * 2 >= len(word)


def _name_run(toks: list, end: int, rules: DefinitionRules) -> int:
    """First index of the run of name tokens ending before toks[end]."""
    i = end
    while i > 0:
        word = toks[i - 1][2]
        if word[:1].isupper() or word in rules.inner_words or (word == "-" and i > 1):
            i -= 1
        else:
            break
    while i < end and (toks[i][2] in rules.inner_words or toks[i][2] == "-"
                       or toks[i][2] in rules.leading_articles):
        i += 1
    return i


def _long_forms(toks: list, end: int, rules: DefinitionRules) -> list[tuple[int, int]]:
    """(start token, end token) of each long form before toks[end], following "X atau Y" chains."""
    forms = []
    while end > 0:
        start = _name_run(toks, end, rules)
        if start >= end:
            break
        forms.append((start, end))
        if start > 0 and toks[start - 1][2] in rules.or_words:
            end = start - 1
        else:
            break
    return forms


def _definitions(text: str, lo: int, hi: int, gaz: Gazetteer, rules: DefinitionRules):
    """(acronym token index, [(start, end) long-form token ranges], toks) for each definition in a sentence."""
    toks = tokens(text, lo, hi)
    for i, tok in enumerate(toks):
        if tok[2] == "(" and i + 2 < len(toks) and toks[i + 2][2] == ")" and _is_acronym(toks[i + 1][2], gaz):
            yield i + 1, _long_forms(toks, i, rules), toks
        elif (tok[2] in rules.or_words and i + 1 < len(toks) and _is_acronym(toks[i + 1][2], gaz)
              and toks[i + 1][2].isupper()
              and (i + 2 == len(toks) or not toks[i + 2][2][:1].isupper())):
            yield i + 1, _long_forms(toks, i, rules), toks


def _trim(text: str, toks: list, span: tuple[int, int], acronym: str, gaz: Gazetteer,
          rules: DefinitionRules, common: set[str]) -> tuple[int, int] | None:
    """The part of a long-form run that names the organisation, or None when the table already has it."""
    start, end = span
    if any(m.entry.label == "ORG" for m in gaz.find(text, toks[start][0], toks[end - 1][1])):
        return None
    words = [k for k in range(start, end) if toks[k][2][:1].isupper()]
    for n in range(1, len(words) + 1):
        if "".join(toks[k][2][0] for k in words[-n:]).upper() == acronym.upper():
            return words[-n], end
    heads = any(toks[k][2] in rules.org_head_words for k in range(start, end))
    if gaz.exact(acronym) is not None and not heads:   # "Menteri Pertahanan Belarusia (CMG)" is a photo credit
        return None
    while start < end - 1 and toks[start][2].lower() in common:    # "Menurut" opening the sentence
        start += 1
    return (start, end) if end - start <= MAX_LONG_WORDS else None


def find_aliases(text: str, sentences: list[tuple[int, int]], gaz: Gazetteer, rules: DefinitionRules,
                 model_orgs: set[str]) -> dict[str, Entry]:
    """surface → Entry for the organisation forms this text defines that the alias table lacks."""
    found: dict[str, Entry] = {}
    common = {t[2] for t in tokens(text) if t[2].islower()}
    for lo, hi in sentences:
        for acr_index, spans, toks in _definitions(text, lo, hi, gaz, rules):
            acronym = toks[acr_index][2]
            known = gaz.exact(acronym) or _known_in(text, toks, spans, gaz)
            longs = [s for s in (_trim(text, toks, span, acronym, gaz, rules, common) for span in spans) if s]
            surfaces = [squash(text[toks[a][0]:toks[b - 1][1]]) for a, b in longs]
            if known is None and not _is_org(surfaces + [acronym], rules, model_orgs):
                continue
            canonical = known.canonical if known else acronym
            entry = Entry(f"{RULE_PREFIX}.{canonical}", "ORG", canonical, None, known.kind if known else "org")
            for surface in surfaces + ([] if gaz.exact(acronym) else [acronym]):
                found.setdefault(surface, entry)
    return found


def _known_in(text: str, toks: list, spans: list, gaz: Gazetteer) -> Entry | None:
    for start, end in spans:
        for match in gaz.find(text, toks[start][0], toks[end - 1][1]):
            if match.entry.label == "ORG":
                return match.entry
    return None


def _is_org(surfaces: list[str], rules: DefinitionRules, model_orgs: set[str]) -> bool:
    if any(s in model_orgs for s in surfaces):
        return True
    return any(t[2] in rules.org_head_words for s in surfaces[:-1] for t in tokens(s))

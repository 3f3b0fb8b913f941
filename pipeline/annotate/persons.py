"""People inside one article: titles around a name, the title's country, short forms → full names.

Works on the resolved mentions of ``normalise`` (``Candidate`` objects), with the titles and connector
words of ``lexicons/person_titles.toml``.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from pipeline.knowledge.gazetteer import Entry, Gazetteer, Match, squash, tokens
from pipeline.knowledge.shape import WORDS, ListOf, Table
from pipeline.annotate.spans import RemovableSpans, SpanIndex

TITLES_FILE = "lexicons/person_titles.toml"
TITLES_SHAPE = Table({"heads": WORDS, "connectors": ListOf(str)})
SHORT_FORM_RULE = "person.short-form"
MIN_SHORT_FORM = 4      # a surname searched on its own needs 4+ letters: "Jun" (Dong Jun) is also "Juni"
TITLE_WINDOW = 160      # characters tokenised beside a name at first when looking for its title (then doubled)


@dataclass
class Candidate:
    """A mention being built: offsets into its field's text; ``rank`` orders overlapping candidates."""

    field: str
    start: int
    end: int
    label: str
    canonical: str
    source: str
    rank: int
    code: str | None = None
    alias_id: str | None = None
    country: str | None = None          # ORG government body: the country it stands for
    title: str | None = None
    person_country: str | None = None
    tags: set = field(default_factory=set)


@dataclass(frozen=True)
class Titles:
    heads: frozenset            # casefolded token tuples ("menteri", "pertahanan")
    words: frozenset            # casefolded words allowed inside a title
    longest: int

    @classmethod
    def from_lexicon(cls, lexicon: dict) -> "Titles":
        heads = frozenset(tuple(t.casefold() for _, _, t in tokens(h)) for h in lexicon.get("heads", []))
        words = {w for head in heads for w in head} | {c.casefold() for c in lexicon.get("connectors", [])}
        return cls(heads, frozenset(words), max((len(h) for h in heads), default=1))

    def ends_with_head(self, text: str, offset: int) -> bool:
        """Whether a title head ends just before offset ("Presiden | China Xi Jinping")."""
        return self.ends_with_head_tokens(tokens(text, max(0, offset - 60), offset))

    def ends_with_head_tokens(self, toks: list) -> bool:
        last = toks[-self.longest:]
        return any(tuple(t[2].casefold() for t in last[i:]) in self.heads for i in range(len(last)))

    def head_length(self, toks: list, i: int) -> int:
        """Tokens in the longest title head starting at toks[i] (0 when none starts there)."""
        for n in range(min(self.longest, len(toks) - i), 0, -1):
            if tuple(t[2].casefold() for t in toks[i:i + n]) in self.heads:
                return n
        return 0


def strip_title(text: str, start: int, end: int, titles: Titles, gaz: Gazetteer) -> int:
    """Start of the name inside a model PER span that begins with a title ("Presiden Rusia Vladimir Putin")."""
    toks = tokens(text, start, end)
    titled = bool(toks) and (titles.head_length(toks, 0) > 0 or titles.ends_with_head(text, start))
    i = 0
    while titled and i < len(toks) - 1:
        step = titles.head_length(toks, i) or _title_word_or_entity(text, toks, i, end, titles, gaz)
        if step == 0 or i + step >= len(toks):      # a name must remain
            break
        i += step
    return toks[i][0] if toks else start


def _title_word_or_entity(text: str, toks: list, i: int, end: int, titles: Titles, gaz: Gazetteer) -> int:
    """Tokens at toks[i] that qualify a title: a connector or comma, or a country or organisation name."""
    if toks[i][2].casefold() in titles.words or toks[i][2] == ",":
        return 1
    match = next((m for m in gaz.find(text, toks[i][0], end) if m.start == toks[i][0]), None)
    if match is None or match.entry.label == "LOC":
        return 0
    return sum(1 for t in toks if match.start <= t[0] < match.end)


def _qualifies(tok: tuple, titles: Titles, inside: Callable[[int], Candidate | None]) -> bool:
    owner = inside(tok[0])
    if owner is not None:
        return owner.label != "PERSON" or len(tokens(owner.canonical)) == 1 or "short" in owner.tags
    text = tok[2]
    return text.casefold() in titles.words or (text[:1].isupper() and text[:1].isalpha())


def title_before(text: str, lo: int, person: Candidate, titles: Titles, inside) -> tuple[int, int] | None:
    """Offsets of the title just before the name: "Presiden Rusia | Vladimir Putin", "Menteri …, | Khrenin"."""
    width = TITLE_WINDOW
    while True:             # tokenise a window before the name, widened until the title's start is in it
        start = max(lo, person.start - width)
        toks = tokens(text, start, person.start)
        end = len(toks) - 1 if toks and toks[-1][2] == "," else len(toks)
        i = end
        while i > 0 and _qualifies(toks[i - 1], titles, inside):
            i -= 1
        if i >= 2 or start == lo:   # stopped at a whole word (the window's first may be cut in half)
            break
        width *= 2
    for j in range(i, end):
        if titles.head_length(toks, j):
            return toks[j][0], toks[end - 1][1]
    return None


def title_after(text: str, hi: int, person: Candidate, titles: Titles, inside) -> tuple[int, int] | None:
    """Offsets of an apposition title after the name: "Viktor Khrenin, | Menteri Pertahanan Belarusia"."""
    width = TITLE_WINDOW
    while True:             # tokenise a window after the name, widened until the title's end is in it
        stop = min(hi, person.end + width)
        toks = tokens(text, person.end, stop)
        if stop < hi:
            toks = toks[:-1]        # the window may cut its last word in half
        if stop == hi or len(toks) > titles.longest + 1:
            if len(toks) < 2 or toks[0][2] != "," or not titles.head_length(toks, 1):
                return None
            j = 1
            while j < len(toks) and _qualifies(toks[j], titles, inside):
                j += 1
            if j < len(toks) or stop == hi:
                break
        width *= 2
    while j > 2 and toks[j - 1][2].islower() and not titles.ends_with_head_tokens(toks[1:j]):
        j -= 1                                          # a title ends on a name or a head, not on "untuk"
    return toks[1][0], toks[j - 1][1]


def title_country(text: str, span: tuple[int, int], mentions: Iterable[Candidate], gaz: Gazetteer) -> str | None:
    """The first country a title names, directly or via a government body (also inside a longer name:
    "Kementerian Luar Negeri Rusia"), else the country of the person it names ("presiden Zhaparov")."""
    for match in gaz.find(text, *span):
        if match.entry.code or match.entry.country:
            return match.entry.code or match.entry.country
    for m in sorted(mentions, key=lambda m: m.start):
        if span[0] <= m.start and m.end <= span[1] and m.label == "PERSON" and m.person_country:
            return m.person_country
    return None


def _words(name: str) -> list[str]:
    return [t[2] for t in tokens(name) if t[2][0].isalpha()]


def full_names(people: Iterable[Candidate]) -> dict[str, str]:
    """Each name token → the multi-word name it belongs to; a token shared by several names goes to the one
    mentioned most often ("Lavrov": "Sergei Lavrov" ×3 over a headline's "Lavrov Bertemu" ×1), ties to none."""
    counts: dict[str, int] = {}
    for person in people:
        if len(_words(person.canonical)) > 1:
            counts[person.canonical] = counts.get(person.canonical, 0) + 1
    owners: dict[str, list[str]] = {}
    for name in sorted(counts, key=lambda n: -counts[n]):
        for word in _words(name):
            owners.setdefault(word, []).append(name)
    return {word: names[0] for word, names in owners.items()
            if len(names) == 1 or counts[names[0]] > counts[names[1]]}


def split_joined(people: list[Candidate], texts: dict[str, str]) -> list[Candidate]:
    """'Zhaparov Galina Baiterek' tagged as one name, where Zhaparov is the surname of another person named in
    the article → 'Zhaparov' and 'Galina Baiterek'."""
    surnames = {_words(p.canonical)[-1]: p.canonical for p in people if len(_words(p.canonical)) > 1}
    done = []
    for p in people:
        toks = [t for t in tokens(texts[p.field], p.start, p.end) if t[2][0].isalpha()]
        owner = surnames.get(toks[0][2]) if len(toks) >= 3 else None
        if owner is None or owner == p.canonical:
            done.append(p)
            continue
        text = texts[p.field]
        done.append(replace(p, end=toks[0][1], canonical=toks[0][2], tags=set(p.tags)))
        done.append(replace(p, start=toks[1][0], canonical=squash(text[toks[1][0]:p.end]), tags=set(p.tags)))
    return done


def resolve_short_forms(people: list[Candidate], by_token: dict[str, str]) -> None:
    for person in people:
        words = [t[2] for t in tokens(person.canonical)]
        if len(words) == 1 and words[0] in by_token:
            person.canonical = by_token[words[0]]
            person.alias_id = SHORT_FORM_RULE
            person.tags.add("short")


def short_form_gazetteer(by_token: dict[str, str], titles: Titles, gaz: Gazetteer) -> Gazetteer:
    """Full names and their surnames (last word), for finding the mentions the model missed."""
    entries = {}
    for word, name in by_token.items():
        if gaz.exact(word) is None and word.casefold() not in titles.words:
            if word == tokens(name)[-1][2] and len(word) >= MIN_SHORT_FORM:
                entries[word] = Entry(SHORT_FORM_RULE, "PERSON", name)
            entries[name] = Entry(SHORT_FORM_RULE, "PERSON", name)
    return Gazetteer(entries)


def person_matches(text: str, lo: int, hi: int, people_gaz: Gazetteer) -> list[Match]:
    return people_gaz.find(text, lo, hi) if people_gaz.entries else []


def add_titles(chosen: list[Candidate], texts: dict[str, str], sentences: dict[str, list], titles: Titles,
               gaz: Gazetteer) -> None:
    """Set title and person_country on the PERSON candidates (sentences: per field, (start, end) bounds);
    ``chosen`` do not overlap."""
    people = [c for c in chosen if c.label == "PERSON"]
    index, sentence_starts = SpanIndex(chosen), {f: [b[0] for b in bounds] for f, bounds in sentences.items()}
    spans = {}
    for person in people:
        lo, hi = _sentence_of(sentences[person.field], sentence_starts[person.field], person.start)
        inside = _owner_lookup(index, person)
        span = (title_before(texts[person.field], lo, person, titles, inside)
                or title_after(texts[person.field], hi, person, titles, inside))
        if span:
            person.title = texts[person.field][span[0]:span[1]]
            spans[id(person)] = span
    remaining = RemovableSpans(spans)
    for person in people:       # "juru bicara presiden Zhaparov Galina Baiterek": Zhaparov qualifies a title
        if remaining.contain(person.start, person.end):
            person.title = None
            spans.pop(id(person), None)
            remaining.remove(id(person))
    for _ in range(2):          # second pass: a title naming another person takes that person's country
        for person in people:
            if id(person) in spans and person.person_country is None:
                inner = [c for c in index.within(person.field, *spans[id(person)]) if c is not person]
                person.person_country = title_country(texts[person.field], spans[id(person)], inner, gaz)
        _share_countries(people)


def _share_countries(people: list[Candidate]) -> None:
    country_of = {}
    for p in sorted(people, key=lambda p: (p.field, p.start)):
        if p.person_country:
            country_of.setdefault(p.canonical, p.person_country)
    for p in people:
        p.person_country = p.person_country or country_of.get(p.canonical)


def _owner_lookup(index: SpanIndex, person: Candidate) -> Callable[[int], Candidate | None]:
    """The other mention holding an offset of the person's field."""
    def owner(offset: int) -> Candidate | None:
        found = index.containing(person.field, offset)
        return None if found is person else found
    return owner


def _sentence_of(bounds: list[tuple[int, int]], starts: list[int], offset: int) -> tuple[int, int]:
    i = max(bisect.bisect_right(starts, offset) - 1, 0)
    return bounds[i] if bounds else (0, offset)

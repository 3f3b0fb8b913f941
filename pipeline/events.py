"""Events stage: the rules of ``rules/*.toml`` applied to body and caption sentences → dated Events.

For each sentence: find trigger matches, drop those that are negated, hypothetical, anaphoric or beaten by a
more specific rule, then build one candidate per surviving rule with participants, place, date and evidence.
Candidates that tell the same event (another paragraph restating it) are merged into one Event.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from pipeline import dates, event_roles
from pipeline.event_roles import Clause
from pipeline.event_rules import Rule, Rulebook, rulebook
from pipeline.knowledge import Knowledge
from pipeline.record import Article, DateRef, Event, Evidence, Mention, Participant, PipelineError, Sentence

EVENT_FIELDS = ("body", "captions")


@dataclass(frozen=True)
class Match:
    rule: Rule
    start: int            # whole pattern match, field offsets (decides which of overlapping triggers wins)
    end: int
    trigger_start: int    # the trigger word itself (the pattern's "trigger" group, or the whole match)
    trigger_end: int


def _matches(sentence: Sentence, book: Rulebook) -> list[Match]:
    found = []
    for rule in book.rules:
        for pattern in rule.triggers:
            for m in pattern.finditer(sentence.text):
                group = "trigger" if "trigger" in pattern.groupindex else 0
                found.append(Match(rule, sentence.start + m.start(), sentence.start + m.end(),
                                   sentence.start + m.start(group), sentence.start + m.end(group)))
    return found


def _longest_per_type(matches: list[Match]) -> list[Match]:
    """Of overlapping triggers of one event type the longest wins ("dalam proses bergabung" over "bergabung")."""
    kept: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if not any(k.rule.event_type == m.rule.event_type and k.start < m.end and m.start < k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _doubted(start: int, end: int, text: str, sentence: Sentence, book: Rulebook) -> bool:
    """Negated, hypothetical or future: a cue word among the few words before the trigger [start, end) or a
    calling-off word just after it, never looking across a clause break."""
    cues = book.cues
    before = text[sentence.start:start]
    breaks = list(cues.clause_break.finditer(before))
    window = " ".join(before[breaks[-1].end() if breaks else 0:].split()[-cues.window_words:])
    after = text[end:sentence.end]
    cut = cues.clause_break.search(after)
    after_window = " ".join(after[:cut.start() if cut else None].split()[:cues.after_window_words])
    return bool(cues.doubt.search(window) or cues.after_trigger.search(after_window))


def _inside_name(m: Match, mentions: list[Mention]) -> bool:
    """A trigger word inside a name ("Organisasi Perjanjian Keamanan Kolektif") is no trigger."""
    return any(x.start < m.trigger_start and m.trigger_end <= x.end for x in mentions)


def _surviving(sentence: Sentence, text: str, mentions: list[Mention], book: Rulebook) -> list[Match]:
    matches = [m for m in _longest_per_type(_matches(sentence, book))
               if not book.cues.anaphora.match(text[m.trigger_end:sentence.end])
               and not _doubted(m.trigger_start, m.trigger_end, text, sentence, book)
               and not _inside_name(m, mentions)
               and not any(b.search(sentence.text) for b in m.rule.blockers)]
    fired = {m.rule.id for m in matches}
    matches = [m for m in matches if not fired & set(m.rule.overridden_by)]
    first: dict[str, Match] = {}
    for m in matches:
        first.setdefault(m.rule.id, m)
    return list(first.values())


@dataclass
class Candidate:
    """An event as one sentence tells it; merged with the others telling the same event."""

    rule: Rule
    subtype: str | None
    field: str
    date: DateRef
    participants: list[Participant]
    location: str | None
    weapons: tuple[str, ...]
    value: str | None
    confidence: float
    evidence: list[Evidence]


def _candidate(m: Match, sentence: Sentence, text: str, mentions: list[Mention], refs: list[DateRef],
               published_at: datetime, book: Rulebook) -> Candidate | None:
    rule, cues = m.rule, book.cues
    clause = Clause(text, sentence, m.trigger_start, m.trigger_end)
    people = event_roles.participants(rule, clause, mentions, cues)
    place = event_roles.location(clause, mentions, cues)
    arms = event_roles.weapons(sentence.text, book.weapons)
    if rule.require_weapon and not arms:
        return None
    if len(people) + (1 if rule.location_counts_as_participant and place else 0) < rule.min_participants:
        return None
    if not set(rule.require_roles) <= {p.role for p in people}:
        return None
    when = dates.choose_date(refs, m.trigger_start, m.trigger_end, published_at)
    if when.start > published_at.date() and not cues.keep_future_events:
        return None   # planned, not happened
    subtype = next((s for pattern, s in rule.subtype_cues if pattern.search(sentence.text)), rule.subtype)
    confidence = rule.confidence - (cues.weekday_penalty if when.weekday_ok is False else 0.0)
    evidence = Evidence(sentence.index, sentence.start, sentence.end, sentence.text,
                        text[m.trigger_start:m.trigger_end], m.trigger_start, m.trigger_end, sentence.field, rule.id)
    return Candidate(rule, subtype, sentence.field, when, people, place, arms if rule.require_weapon else (),
                     event_roles.value(rule, sentence.text), round(confidence, 3), [evidence])


def _sentence_candidates(article: Article, sentence: Sentence, mentions: list[Mention],
                         book: Rulebook) -> list[Candidate]:
    text = article.field_text(sentence.field)
    line = text[text.rfind("\n", 0, sentence.start) + 1:]
    if any(h.search(line) for h in book.cues.headline):
        return []
    matches = _surviving(sentence, text, mentions, book)
    if not matches:
        return []
    refs = dates.find_dates(sentence.text, article.meta.published_at, book.dates_lexicon, sentence.start)
    found = [c for m in matches
             if (c := _candidate(m, sentence, text, mentions, refs, article.meta.published_at, book)) is not None]
    types = {c.rule.event_type for c in found}
    return [c for c in found if not types & set(c.rule.yield_to)]


def _continue(previous: list[Candidate], sentence: Sentence, text: str, mentions: list[Mention],
              book: Rulebook) -> None:
    """A trigger-less sentence such as "CSTO dan CIS mengambil bagian di dalamnya" adds to the sentence before."""
    for follow in book.cues.continuations:
        cue = follow.pattern.search(sentence.text)
        targets = [c for c in previous if c.rule.event_type in follow.event_types]
        if not cue or not targets:
            continue
        start, end = sentence.start + cue.start(), sentence.start + cue.end()
        if _doubted(start, end, text, sentence, book):
            return
        clause = Clause(text, sentence, start, end)
        extra = [Participant(follow.role, m.canonical, m.label, m.person_country if m.label == "PERSON" else m.code,
                             m.text, m.start, m.end)
                 for m in mentions if m.label in follow.labels and not event_roles.excluded(m, clause, book.cues)]
        for target in targets:
            target.participants = event_roles.deduplicate(target.participants + extra, book.cues)
            target.evidence.append(Evidence(sentence.index, sentence.start, sentence.end, sentence.text,
                                            text[start:end], start, end, sentence.field, "continuation"))
        return


def _compatible(a: Candidate, b: Candidate, book: Rulebook) -> bool:
    def keys(c: Candidate) -> set[str]:
        return {p.code or p.canonical for p in c.participants}
    same_kind = a.rule.event_type == b.rule.event_type and a.subtype == b.subtype
    dates_meet = "publication" in (a.date.basis, b.date.basis) or (
        a.date.start <= b.date.end and b.date.start <= a.date.end)
    places_meet = a.location is None or b.location is None or a.location == b.location
    arms_a, arms_b = (event_roles.specific_weapons(c.weapons, book.weapons) for c in (a, b))
    arms_meet = arms_a & arms_b or not (arms_a or arms_b)
    people_meet = not keys(a) or not keys(b) or keys(a) & keys(b)
    return bool(same_kind and dates_meet and places_meet and arms_meet and people_meet)


def _absorb(into: Candidate, other: Candidate, book: Rulebook) -> None:
    precision = dates.PRECISION_ORDER.index
    if other.date.basis == "sentence" and (into.date.basis == "publication"
                                           or precision(other.date.precision) < precision(into.date.precision)):
        into.date = other.date
    into.participants = event_roles.deduplicate(into.participants + other.participants, book.cues)
    into.location = into.location or other.location
    into.weapons = tuple(dict.fromkeys(into.weapons + other.weapons))
    into.value = into.value or other.value
    into.confidence = max(into.confidence, other.confidence)
    into.evidence += other.evidence


def merge(candidates: list[Candidate], book: Rulebook) -> list[Candidate]:
    """Candidates telling the same event become one, with every evidence sentence, in text order."""
    merged: list[Candidate] = []
    for c in candidates:
        same = next((m for m in merged if _compatible(m, c, book)), None)
        if same is None:
            merged.append(c)
        else:
            _absorb(same, c, book)
    return merged


def _event(article: Article, c: Candidate, book: Rulebook) -> Event:
    main = c.evidence[0]
    key = f"{article.article_id}|{c.rule.event_type}|{c.subtype}|{main.field}:{main.trigger_start}"
    codes = book.codes[c.rule.event_type]
    by_subtype = codes.get("subtypes", {}).get(c.subtype, {})
    return Event(
        event_id=hashlib.sha256(key.encode()).hexdigest()[:16], event_type=c.rule.event_type, subtype=c.subtype,
        cameo_code=by_subtype.get("cameo", codes["cameo"]), plover_type=by_subtype.get("plover", codes["plover"]),
        date=c.date, location=c.location, rule_id=c.rule.id, confidence=c.confidence, evidence=tuple(c.evidence),
        participants=tuple(c.participants), weapons=c.weapons, value=c.value, field=c.field)


def _mentions_by_sentence(article: Article) -> dict[tuple[str, int], list[Mention]]:
    """Mentions grouped by the sentence whose span holds them (offsets decide, not sentence_index)."""
    grouped: dict[tuple[str, int], list[Mention]] = {}
    for s in article.sentences:
        grouped[(s.field, s.index)] = sorted((m for m in article.mentions if m.field == s.field
                                              and s.start <= m.start and m.end <= s.end), key=lambda m: m.start)
    return grouped


def add_events(article: Article, knowledge: Knowledge) -> Article:
    """Stage function: + events, from the body and caption sentences and their mentions."""
    sentences = sorted((s for s in article.sentences if s.field in EVENT_FIELDS),
                       key=lambda s: (EVENT_FIELDS.index(s.field), s.index))
    if not sentences:
        return article
    if article.meta.published_at is None:
        raise PipelineError("no-publication-date", "events cannot be dated without the article's publication date;"
                            " check the site profile's date rule or give the date in the input's metadata")
    book = rulebook(knowledge)
    mentions = _mentions_by_sentence(article)
    candidates: list[Candidate] = []
    previous: list[Candidate] = []
    for sentence in sentences:
        found = _sentence_candidates(article, sentence, mentions[(sentence.field, sentence.index)], book)
        if not found and previous:
            _continue(previous, sentence, article.field_text(sentence.field),
                      mentions[(sentence.field, sentence.index)], book)
        candidates += found
        previous = found
    events = tuple(_event(article, c, book) for c in merge(candidates, book))
    return replace(article, events=events)

"""Events stage: the rules of ``rules/*.toml`` applied to body and caption sentences → dated Events.

For each sentence: find trigger matches, drop those that are denied, hypothetical, anaphoric, inside a name,
of a non-political sense (``senses``) or beaten by a more specific rule; then build one candidate per surviving
rule with its participants (only the states and international organisations they act for, ``actors``), place,
date (``event_dates``) and status (``event_status``). A candidate whose sides do not make it international
(two states, a state and an organisation, an organisation's own summit) is dropped. Candidates that tell the
same event are merged into one Event.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, replace
from typing import Any, Mapping

from pipeline.events import context_dates as event_dates
from pipeline.events import merge as event_merge
from pipeline.events import roles as event_roles
from pipeline.events import sides as event_sides
from pipeline.events import status as event_status
from pipeline.events.actors import ActorModel, compile_actor_model
from pipeline.events.context_dates import DateContext
from pipeline.events.dates import Grammar, compile_grammar
from pipeline.events.merge import Candidate
from pipeline.events.roles import Clause
from pipeline.events.sides import Context
from pipeline.events.status import Status
from pipeline.knowledge import senses
from pipeline.knowledge.gazetteer import Gazetteer
from pipeline.knowledge.problems import Problems
from pipeline.knowledge.rulebook import Rule, Rulebook, compile_rulebook
from pipeline.record import Article, DateRef, Event, Evidence, Mention, Participant, Sentence

EVENT_FIELDS = ("body", "captions", "title")
# How far a trigger reads on each side, within its sentence. The longest of the 1,283 sentences of the
# development set has 468 characters, so real sentences are read whole; a run-on line of a megabyte (issue 11)
# then costs no more per trigger than a long sentence, and the stage stays linear in the input.
TRIGGER_REACH = 600


@dataclass(frozen=True)
class EventRules:
    """What the events stage reads an article with (compiled once, pipeline/knowledge/compiled.py)."""

    rulebook: Rulebook
    actors: ActorModel
    dates: Grammar


def compile_event_rules(rule_files: tuple[Mapping[str, Any], ...], lexicons: Mapping[str, Any],
                        gaz: Gazetteer | None, problems: Problems) -> EventRules | None:
    """The rule files and the event lexicons (as parsed; a missing one is None) compiled, or None when any
    is broken (every problem reported)."""
    parts = (compile_rulebook(rule_files, lexicons, problems), compile_actor_model(lexicons, gaz, problems),
             compile_grammar(lexicons.get("dates_id"), problems, _plausible_years(lexicons.get("meta_dates"))))
    return EventRules(*parts) if all(part is not None for part in parts) else None


def _plausible_years(meta_dates: Mapping[str, Any] | None) -> tuple[int, int] | None:
    """meta_dates' ``years``, the one range of plausible years for metadata and events; None when it is missing or
    malformed (the metadata compiler reports it)."""
    years = (meta_dates or {}).get("years")
    if isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years):
        return years[0], years[1]
    return None


@dataclass(frozen=True)
class Match:
    rule: Rule
    start: int            # whole pattern match, field offsets (decides which of overlapping triggers wins)
    end: int
    trigger_start: int    # the trigger word itself (the pattern's "trigger" group, or the whole match)
    trigger_end: int


def _matches(sentence: Sentence, book: Rulebook) -> list[Match]:
    found = []
    for rule, pattern in book.candidate_triggers(sentence.text):
        for m in pattern.finditer(sentence.text):
            group = "trigger" if "trigger" in pattern.groupindex else 0
            found.append(Match(rule, sentence.start + m.start(), sentence.start + m.end(),
                               sentence.start + m.start(group), sentence.start + m.end(group)))
    return found


def _longest_per_type(matches: list[Match], sentence: Sentence) -> list[Match]:
    """Of overlapping triggers of one event type the longest wins ("dalam proses bergabung" over "bergabung");
    an overlap check costs the match's own length (characters taken, per type)."""
    taken: dict[str, bytearray] = {}
    kept: list[Match] = []
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        chars = taken.setdefault(m.rule.event_type, bytearray(sentence.end - sentence.start))
        lo, hi = m.start - sentence.start, m.end - sentence.start
        if chars.find(1, lo, hi) < 0:
            chars[lo:hi] = b"\x01" * (hi - lo)
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _around(sentence: Sentence, start: int, end: int) -> Sentence:
    """The part of the sentence a trigger at [start, end) reads: at most TRIGGER_REACH characters each side."""
    lo, hi = max(sentence.start, start - TRIGGER_REACH), min(sentence.end, end + TRIGGER_REACH)
    if (lo, hi) == (sentence.start, sentence.end):
        return sentence
    return replace(sentence, start=lo, end=hi, text=sentence.text[lo - sentence.start:hi - sentence.start])


def _within(mentions: list[Mention], part: Sentence) -> list[Mention]:
    """The mentions (sorted by start) inside the part of a sentence."""
    first = bisect.bisect_left(mentions, part.start, key=_start)
    stop = bisect.bisect_left(mentions, part.end, lo=first, key=_start)
    return [m for m in mentions[first:stop] if m.end <= part.end]


def _start(m: Mention) -> int:
    return m.start


def _inside_name(m: Match, mentions: list[Mention]) -> bool:
    """A trigger word inside a name ("Organisasi Perjanjian Keamanan Kolektif") is no trigger."""
    return any(x.start < m.trigger_start and m.trigger_end <= x.end for x in mentions)


def _reports(m: Match, whole: Sentence, text: str, mentions: list[Mention], ctx: Context) -> bool:
    """The trigger reports an event in its political sense (it may still be planned or proposed)."""
    sentence = _around(whole, m.trigger_start, m.trigger_end)
    mentions = _within(mentions, sentence)
    cues = ctx.book.cues
    window = _window(m, text, sentence, ctx)

    def in_part(pattern) -> bool:
        return ctx.hits.within(pattern, whole, sentence)
    sense = senses.silencing(ctx.book.senses, m.rule.event_type, text, sentence.start, sentence.end,
                             m.trigger_start, m.trigger_end, _article_senses(ctx), in_part)
    return not (cues.anaphora.match(text[m.trigger_end:sentence.end]) or event_status.doubted(window, cues)
                or event_status.landmark(m.trigger_start, text, sentence, cues)
                or _inside_name(m, mentions) or sense is not None or any(map(in_part, m.rule.blockers)))


def _window(m: Match, text: str, sentence: Sentence, ctx: Context) -> event_status.Window:
    """The words around a trigger that deny it or give its status, read once per trigger."""
    key = (sentence.field, m.trigger_start, m.trigger_end)
    if key not in ctx.windows:
        ctx.windows[key] = event_status.window(m.trigger_start, m.trigger_end, text, sentence, ctx.book.cues)
    return ctx.windows[key]


def _surviving(sentence: Sentence, text: str, mentions: list[Mention], ctx: Context) -> list[Match]:
    matches = _longest_per_type(_matches(sentence, ctx.book), sentence)
    return [m for m in matches if _reports(m, sentence, text, mentions, ctx)]


def _clause_bounds(clause: Clause, cues) -> tuple[int, int]:
    """Where the trigger's clause starts (after the last clause break before it) and its participants end."""
    breaks = list(cues.clause_break.finditer(clause.before(clause.trigger_start)))
    start = clause.sentence.start + (breaks[-1].end() if breaks else 0)
    return start, event_roles.scope_end(clause, cues)


def _candidate(m: Match, whole: Sentence, text: str, mentions: list[Mention], ctx: Context) -> Candidate | None:
    """The event one trigger tells, or None: not international, habitual, or undated background."""
    rule, cues = m.rule, ctx.book.cues
    sentence = _around(whole, m.trigger_start, m.trigger_end)      # what the trigger reads
    clause = Clause(text, sentence, m.trigger_start, m.trigger_end, ctx.memo)
    bounds, trigger = _clause_bounds(clause, cues), (m.trigger_start, m.trigger_end)
    sides = _sides(m, whole, sentence, clause, bounds, mentions, ctx)
    if sides is None or cues.habitual.search(text[bounds[0]:bounds[1]]):
        return None
    people, place, arms, sided = sides
    dated = _date_and_status(m, whole, sentence, bounds, ctx)
    if dated is None:
        return None
    when, status = dated
    people, checked = event_sides.in_office(people, when, ctx.actors), people
    if sided and len(people) < len(checked) and not event_sides.international(rule, people):
        return None                  # its sides were office holders of another time
    subtype = next((s for pattern, s in rule.subtype_cues if pattern.search(sentence.text)), rule.subtype)
    confidence = rule.confidence - (cues.weekday_penalty if when.weekday_ok is False else 0.0)
    evidence = Evidence(whole.index, whole.start, whole.end, whole.text, text[trigger[0]:trigger[1]], *trigger,
                        whole.field, rule.id)
    return Candidate(rule, subtype, whole.field, when, status, people, place, arms,
                     event_roles.value(rule, sentence.text), round(confidence, 3), [evidence], sided)


def _sides(m: Match, whole: Sentence, sentence: Sentence, clause: Clause, bounds: tuple[int, int],
           mentions: list[Mention], ctx: Context) -> tuple[list[Participant], str | None, tuple, bool] | None:
    """(participants, place, weapons, sided) of a trigger; None when its sides are there and are not
    international (domestic, a company, a club) or an arms rule names no weapon. A candidate that names no side
    at all (sided False) may still restate an event told just before (see merge)."""
    rule, cues, text = m.rule, ctx.book.cues, clause.text
    acting, actor_at = event_sides.acting_mentions(whole, mentions, text, ctx)
    acting, mentions = _within(acting, sentence), _within(mentions, sentence)
    people = event_sides.with_actors(event_roles.participants(rule, clause, acting, cues), actor_at)
    people_at = {k for k, a in actor_at.items() if a.basis == "leader"}   # "Sugiono" tagged as a place is a person
    place = event_roles.location(clause, [x for x in mentions if (x.start, x.end) not in people_at], cues)
    arms = event_roles.weapons(sentence.text, ctx.book.weapon_index) if rule.require_weapon else ()
    if rule.require_weapon and not arms:
        return None
    people = (event_sides.with_weapon_origin(rule, people, arms, ctx)
              + event_sides.host_city(rule, clause, acting, people, ctx))
    trigger = (m.trigger_start, m.trigger_end)
    reference = event_sides.plural_reference(text, bounds, trigger, cues, near=True) or (
        None if event_sides.international(rule, people)
        else event_sides.plural_reference(text, bounds, trigger, cues, near=False))
    if reference is not None:
        count = cues.plural_counts.get(" ".join(reference.group(0).split()).casefold(), 0)
        people = event_roles.deduplicate(people + event_sides.borrowed_sides(rule, whole, count, ctx), cues)
    elif people and not event_sides.international(rule, people):
        elided = event_sides.elided_subject(rule, whole, bounds, m.trigger_start, ctx)
        people = event_roles.deduplicate(people + elided, cues)
    sided = (len(people) + (1 if rule.location_counts_as_participant and place else 0) >= rule.min_participants
             and set(rule.require_roles) <= {p.role for p in people} and event_sides.international(rule, people))
    return None if people and not sided else (people, place, arms, sided)


def _date_and_status(m: Match, whole: Sentence, sentence: Sentence, bounds: tuple[int, int],
                     ctx: Context) -> tuple[DateRef, Status] | None:
    """The trigger's date (None for undated background) and its status with the cue that decided it."""
    cues, text = ctx.book.cues, ctx.article.field_text(whole.field)
    background = bool(cues.background.search(text[bounds[0]:bounds[1]]))
    cued = event_status.cued_status(_window(m, text, sentence, ctx), cues)
    proposed = cued is not None and cued.status == "proposed"     # no date set: none is borrowed from context
    when = event_dates.event_date(ctx.dates, whole, bounds, (m.trigger_start, m.trigger_end), background,
                                  borrow=not proposed, planned=cued is not None and cued.status == "planned")
    if when is None:
        return None
    published = ctx.article.meta.published_at
    return when, event_status.status_of(cued, when, published.date() if published else None)


def _sentence_candidates(sentence: Sentence, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    text = ctx.article.field_text(sentence.field)
    line = text[text.rfind("\n", 0, sentence.start) + 1:sentence.end]
    if any(h.search(line) for h in ctx.book.cues.headline):
        return []
    found: dict[str, Candidate] = {}        # per rule, the first of its triggers that makes an event
    for m in _surviving(sentence, text, mentions, ctx):
        if m.rule.id in found and found[m.rule.id].sided:
            continue
        c = _candidate(m, sentence, text, mentions, ctx)
        if c is not None and (m.rule.id not in found or c.sided):
            found[m.rule.id] = c
    made = {c.rule.id for c in found.values() if c.sided}      # a rule gives way only to one that made an event
    kept = [c for c in found.values() if not made & set(c.rule.overridden_by)]
    types = {c.rule.event_type for c in kept if c.sided}
    return [c for c in kept if not types & set(c.rule.yield_to)]


def _continue(previous: list[Candidate], sentence: Sentence, mentions: list[Mention], ctx: Context) -> None:
    """A trigger-less sentence such as "CSTO dan CIS mengambil bagian di dalamnya" adds to the sentence before."""
    text, book = ctx.article.field_text(sentence.field), ctx.book
    for follow in book.cues.continuations:
        cue = follow.pattern.search(sentence.text)
        targets = [c for c in previous if c.rule.event_type in follow.event_types]
        if not cue or not targets:
            continue
        start, end = sentence.start + cue.start(), sentence.start + cue.end()
        if event_status.doubted(event_status.window(start, end, text, sentence, book.cues), book.cues):
            return
        clause = Clause(text, sentence, start, end, ctx.memo)
        acting, actor_at = event_sides.acting_mentions(sentence, mentions, text, ctx)
        joining = [Participant(follow.role, m.canonical, m.label, m.code, m.text, m.start, m.end) for m in acting
                   if m.label in follow.labels and not event_roles.excluded(m, clause, book.cues)]
        extra = event_sides.with_actors(joining, actor_at)
        for target in targets:
            target.participants = event_roles.deduplicate(target.participants + extra, book.cues)
            target.evidence.append(Evidence(sentence.index, sentence.start, sentence.end, sentence.text,
                                            text[start:end], start, end, sentence.field, "continuation"))
        return


def _event(article: Article, c: Candidate, book: Rulebook) -> Event:
    main = c.evidence[0]
    key = f"{article.article_id}|{c.rule.event_type}|{c.subtype}|{main.field}:{main.trigger_start}"
    cameo, plover = book.type(c.rule.event_type).codes(c.subtype)
    return Event(
        event_id=hashlib.sha256(key.encode()).hexdigest()[:16], event_type=c.rule.event_type, subtype=c.subtype,
        cameo_code=cameo, plover_type=plover,
        date=c.date, location=c.location, rule_id=c.rule.id, confidence=c.confidence, evidence=tuple(c.evidence),
        participants=tuple(c.participants), weapons=c.weapons, value=c.value, field=c.field,
        status=c.status.status, status_cue=c.status.cue, status_cue_start=c.status.start,
        status_cue_end=c.status.end)


def _mentions_by_sentence(article: Article) -> dict[tuple[str, int], list[Mention]]:
    """Mentions grouped by the sentence whose span holds them (offsets decide, not sentence_index)."""
    by_field: dict[str, list[Mention]] = {}
    for m in sorted(article.mentions, key=lambda m: m.start):
        by_field.setdefault(m.field, []).append(m)
    return {(s.field, s.index): _within(by_field.get(s.field, []), s) for s in article.sentences}


def _context(article: Article, rules: EventRules) -> Context:
    published = article.meta.published_at
    actors, day = rules.actors, published.date() if published else None
    return Context(article, rules.rulebook, actors, DateContext(article, rules.dates), day,
                   event_sides.people_of(article, actors, day),
                   sentence_at={(s.field, s.index): s for s in article.sentences})


def _article_senses(ctx: Context) -> frozenset[str]:
    """The article-wide senses (a sports report), looked for once, when a trigger first asks."""
    if ctx.article_senses is None:
        text = f"{ctx.article.meta.title or ''}\n{ctx.article.body}"
        ctx.article_senses = senses.article_senses(ctx.book.senses, text)
    return ctx.article_senses


def add_events(article: Article, rules: EventRules) -> Article:
    """Stage function: + events, from the body and caption sentences and their mentions."""
    sentences = sorted((s for s in article.sentences if s.field in EVENT_FIELDS),
                       key=lambda s: (EVENT_FIELDS.index(s.field), s.index))
    if not sentences:
        return article
    ctx = _context(article, rules)
    mentions = ctx.mentions = _mentions_by_sentence(article)
    candidates: list[Candidate] = []
    previous: list[Candidate] = []
    for sentence in sentences:
        found = _sentence_candidates(sentence, mentions[(sentence.field, sentence.index)], ctx)
        if not found and previous:
            _continue(previous, sentence, mentions[(sentence.field, sentence.index)], ctx)
        candidates += found
        previous = found
    events = tuple(_event(article, c, ctx.book) for c in event_merge.merge(candidates, ctx.book))
    return replace(article, events=events)



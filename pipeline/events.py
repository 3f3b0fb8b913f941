"""Events stage: the rules of ``rules/*.toml`` applied to body and caption sentences → dated Events.

For each sentence: find trigger matches, drop those that are denied, hypothetical, anaphoric, inside a name,
of a non-political sense (``senses``) or beaten by a more specific rule; then build one candidate per surviving
rule with its participants (only the states and international organisations they act for, ``actors``), place,
date (``event_dates``) and status (``event_status``). A candidate whose sides do not make it international
(two states, a state and an organisation, an organisation's own summit) is dropped. Candidates that tell the
same event are merged into one Event.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta

from pipeline import event_dates, event_roles, event_status, senses
from pipeline.actors import IGO, STATE, Actor, ActorModel, actor_model
from pipeline.event_dates import DateContext
from pipeline.event_roles import Clause
from pipeline.event_rules import Rule, Rulebook, rulebook
from pipeline.event_status import Status
from pipeline.knowledge import Knowledge
from pipeline.record import Article, DateRef, Event, Evidence, Mention, Participant, Sentence

EVENT_FIELDS = ("body", "captions")
BASIS_RANK = ("title", "leader", "home-title")      # how well a person's actor is known, best first
# A sentence naming no side restates the event of a sentence at most this many sentences before it.
RESTATEMENT_GAP = 2
# Types whose subtypes are aspects of one event: a visit and its talks are one MEETING, a purchase contract and
# its delivery one ARMS_DEAL (weapons must still meet), a joint drill and its maritime part one exercise.
# Agreements reached and signed stay apart (GUIDELINES.md).
MERGED_ACROSS_SUBTYPES = ("MEETING", "ARMS_DEAL", "MILITARY_EXERCISE")
# A date taken from another sentence or the publication day says little of which event it is: a telling
# dated so merges with a compatible one dated by its own sentence ("keputusan Belarus untuk bergabung").
WEAK_DATES = frozenset({"context", "publication"})
# A state visit runs a few days: talks this many days after (or before) the visit's date are part of it.
VISIT_DAYS = 2


@dataclass(frozen=True)
class Match:
    rule: Rule
    start: int            # whole pattern match, field offsets (decides which of overlapping triggers wins)
    end: int
    trigger_start: int    # the trigger word itself (the pattern's "trigger" group, or the whole match)
    trigger_end: int


@dataclass
class Context:
    """What every sentence of one article is read with."""

    article: Article
    book: Rulebook
    actors: ActorModel
    dates: DateContext
    article_senses: frozenset[str]
    year: int | None
    people: dict[str, Actor]                # a person's actor by canonical name, from their best-titled mention
    mentions: dict[tuple[str, int], list[Mention]] = field(default_factory=dict)   # by (field, sentence index)


def _matches(sentence: Sentence, book: Rulebook) -> list[Match]:
    found = []
    for rule, pattern in book.candidate_triggers(sentence.text):
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


def _inside_name(m: Match, mentions: list[Mention]) -> bool:
    """A trigger word inside a name ("Organisasi Perjanjian Keamanan Kolektif") is no trigger."""
    return any(x.start < m.trigger_start and m.trigger_end <= x.end for x in mentions)


def _reports(m: Match, sentence: Sentence, text: str, mentions: list[Mention], ctx: Context) -> bool:
    """The trigger reports an event in its political sense (it may still be planned or proposed)."""
    cues = ctx.book.cues
    window = event_status.window(m.trigger_start, m.trigger_end, text, sentence, cues)
    sense = senses.silencing(ctx.book.senses, m.rule.event_type, text, sentence.start, sentence.end,
                             m.trigger_start, m.trigger_end, ctx.article_senses)
    return not (cues.anaphora.match(text[m.trigger_end:sentence.end]) or event_status.doubted(window, cues)
                or event_status.landmark(m.trigger_start, text, sentence, cues)
                or _inside_name(m, mentions) or sense is not None
                or any(b.search(sentence.text) for b in m.rule.blockers))


def _surviving(sentence: Sentence, text: str, mentions: list[Mention], ctx: Context) -> list[Match]:
    return [m for m in _longest_per_type(_matches(sentence, ctx.book)) if _reports(m, sentence, text, mentions, ctx)]


@dataclass
class Candidate:
    """An event as one sentence tells it; merged with the others telling the same event."""

    rule: Rule
    subtype: str | None
    field: str
    date: DateRef
    status: Status
    participants: list[Participant]
    location: str | None
    weapons: tuple[str, ...]
    value: str | None
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    sided: bool = True      # False: names no side; only restates an event told just before, never one of its own


# ---------------------------------------------------------------- actors: who acts, and is it international

def _acting(sentence: Sentence, mentions: list[Mention], text: str, ctx: Context) -> tuple[list[Mention], dict]:
    """The sentence's mentions that act for a state or organisation (places kept for the location), each with
    the actor's code, and the actor of each by its offsets. State organs the model left untagged join them."""
    organs = ctx.actors.untagged_organs(text, sentence.start, sentence.end, mentions)
    inside = [m for m in mentions if any(o.start <= m.start and m.end <= o.end for o in organs)]  # its country
    mentions = sorted([m for m in mentions if m not in inside]
                      + [replace(o, field=sentence.field, sentence_index=sentence.index) for o in organs],
                      key=lambda m: m.start)
    kept, actor_at = [], {}
    for m in mentions:
        actor = ctx.actors.actor(m, text, ctx.year)
        if m.label == "PERSON" and not ctx.actors.former(m, text):
            actor = ctx.people.get(m.canonical, actor)
        if actor is not None:
            actor_at[(m.start, m.end)] = actor
            label = {"leader": "PERSON", "seat": "COUNTRY"}.get(actor.basis, m.label) if m.label == "LOC" else m.label
            kept.append(replace(m, label=label, code=actor.code, person_country=actor.code))
        elif m.label == "LOC":
            kept.append(m)
    return kept, actor_at


def _with_actors(people: list[Participant], actor_at: dict) -> list[Participant]:
    done = []
    for p in people:
        actor = actor_at.get((p.start, p.end))
        done.append(replace(p, code=actor.code, actor_kind=actor.kind, actor_basis=actor.basis) if actor else p)
    return done


def _with_weapon_origin(rule: Rule, people: list[Participant], arms: tuple[str, ...], ctx: Context) -> list[Participant]:
    """A purchase naming a foreign-made system but no supplier ("membeli Su-35") has its maker's state as one."""
    if not rule.require_weapon or any(p.role == "supplier" for p in people):
        return people
    buyers = {p.code for p in people if p.actor_kind == STATE}
    origins = [w.origin for w in ctx.book.weapons if w.name in arms and w.origin and w.origin not in buyers]
    if not origins or not buyers:
        return people
    supplier = Participant("supplier", ctx.actors.country_name(origins[0]), "COUNTRY", origins[0],
                           actor_kind=STATE, actor_basis="weapon-origin")
    return people + [supplier]


def _host_city(rule: Rule, clause: Clause, acting: list[Mention], people: list[Participant],
               ctx: Context) -> list[Participant]:
    """A visit to a city is a visit to its state: "tiba di Tokyo" makes Japan the host (capitals.tsv)."""
    if not rule.location_role or any(p.role == rule.location_role for p in people):
        return []
    for m in acting:
        code = ctx.actors.city_state(m.text) if m.label == "LOC" and m.start >= clause.trigger_end else None
        if code and ctx.book.cues.host_marker.search(clause.before(m.start)):
            return [Participant(rule.location_role, ctx.actors.country_name(code), "COUNTRY", code, m.text,
                                m.start, m.end, actor_kind=STATE, actor_basis="city")]
    return []


def _generic_role(rule: Rule) -> str | None:
    return next((spec.role for spec in rule.roles if not (spec.markers or spec.side or spec.with_role)), None)


def _borrowed_sides(rule: Rule, sentence: Sentence, sides: int, ctx: Context) -> list[Participant]:
    """The sides of the nearest sentence before (or else the title) that names at least as many as the reference
    counts, the first ones it names ("Presiden X menerima PM Y. Kedua pemimpin sepakat ...": X's and Y's)."""
    role = _generic_role(rule)
    earlier = [s for s in ctx.article.sentences if s.field == sentence.field
               and sentence.index - ctx.book.cues.plural_lookback <= s.index < sentence.index]
    title = [s for s in ctx.article.sentences if s.field == "title"]
    for before in sorted(earlier, key=lambda s: -s.index) + title:
        people = _sides_of(before, role, ctx) if role else []
        codes = list(dict.fromkeys(p.code for p in people if p.actor_kind))
        if len(codes) >= max(2, sides):
            first = set(codes[:sides] if sides else codes)   # "tiga negara": the first three the sentence names
            return [p for p in people if p.code in first]
    return []


def _sides_of(sentence: Sentence, role: str, ctx: Context) -> list[Participant]:
    text = ctx.article.field_text(sentence.field)
    acting, actor_at = _acting(sentence, ctx.mentions.get((sentence.field, sentence.index), []), text, ctx)
    clause = Clause(text, sentence, sentence.start, sentence.start)
    return _with_actors([Participant(role, m.canonical, m.label, m.code, m.text, m.start, m.end)
                         for m in acting if m.label != "LOC"
                         and not event_roles.excluded(m, clause, ctx.book.cues)], actor_at)


def _plural_reference(text: str, bounds: tuple[int, int], m: Match, cues, near: bool) -> re.Match | None:
    """A plural reference in the trigger's clause, or (``near``) right beside it: "Keduanya | bertemu",
    "pertemuan | tiga negara"."""
    if not near:
        return cues.plural.search(text[bounds[0]:bounds[1]])
    n = cues.plural_adjacent_words
    before = " ".join(text[bounds[0]:m.trigger_start].split()[-n:])
    after = " ".join(text[m.trigger_end:bounds[1]].split()[:n])
    return cues.plural.search(before) or cues.plural.search(after)


def international(rule: Rule, people: list[Participant]) -> bool:
    """The sides the rule's scope needs: two states, a state and an organisation, two organisations, or (with
    igo_alone) one organisation's own summit or session; a "state" rule one state or organisation."""
    states = {p.code for p in people if p.actor_kind == STATE}
    igos = {p.code for p in people if p.actor_kind == IGO}
    if rule.scope == "state":
        return bool(states or igos)
    return len(states) >= 2 or bool(states and igos) or len(igos) >= 2 or (rule.igo_alone and bool(igos))


# ---------------------------------------------------------------- one sentence

def _clause_bounds(clause: Clause, cues) -> tuple[int, int]:
    before = clause.before(clause.trigger_start)
    breaks = list(cues.clause_break.finditer(before))
    start = clause.sentence.start + (breaks[-1].end() if breaks else 0)
    return start, event_roles.scope_end(clause, cues)


def _candidate(m: Match, sentence: Sentence, text: str, mentions: list[Mention], ctx: Context) -> Candidate | None:
    rule, cues = m.rule, ctx.book.cues
    clause = Clause(text, sentence, m.trigger_start, m.trigger_end)
    acting, actor_at = _acting(sentence, mentions, text, ctx)
    people = _with_actors(event_roles.participants(rule, clause, acting, cues), actor_at)
    place = event_roles.location(clause, mentions, cues)
    arms = event_roles.weapons(sentence.text, ctx.book.weapon_index)
    if rule.require_weapon and not arms:
        return None
    people = _with_weapon_origin(rule, people, arms, ctx) + _host_city(rule, clause, acting, people, ctx)
    bounds = _clause_bounds(clause, cues)
    reference = _plural_reference(text, bounds, m, cues, near=True) or (
        None if international(rule, people) else _plural_reference(text, bounds, m, cues, near=False))
    if reference is not None:
        sides = cues.plural_counts.get(" ".join(reference.group(0).split()).casefold(), 0)
        people = event_roles.deduplicate(people + _borrowed_sides(rule, sentence, sides, ctx), cues)
    sided = (len(people) + (1 if rule.location_counts_as_participant and place else 0) >= rule.min_participants
             and set(rule.require_roles) <= {p.role for p in people} and international(rule, people))
    if not sided and people:
        return None       # its sides are there and they are not international: domestic, a company, a club
    if cues.habitual.search(text[bounds[0]:bounds[1]]):
        return None
    background = bool(cues.background.search(text[bounds[0]:bounds[1]]))
    cued = event_status.cued_status(event_status.window(m.trigger_start, m.trigger_end, text, sentence, cues), cues)
    proposed = cued is not None and cued.status == "proposed"     # no date set: none is borrowed from context
    when = event_dates.event_date(ctx.dates, sentence, bounds, (m.trigger_start, m.trigger_end), background,
                                  borrow=not proposed)
    if when is None:
        return None
    published = ctx.article.meta.published_at
    status = event_status.status_of(cued, when, published.date() if published else None)
    subtype = next((s for pattern, s in rule.subtype_cues if pattern.search(sentence.text)), rule.subtype)
    confidence = rule.confidence - (cues.weekday_penalty if when.weekday_ok is False else 0.0)
    evidence = Evidence(sentence.index, sentence.start, sentence.end, sentence.text,
                        text[m.trigger_start:m.trigger_end], m.trigger_start, m.trigger_end, sentence.field, rule.id)
    return Candidate(rule, subtype, sentence.field, when, status, people, place,
                     arms if rule.require_weapon else (), event_roles.value(rule, sentence.text),
                     round(confidence, 3), [evidence], sided)


def _sentence_candidates(sentence: Sentence, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    text = ctx.article.field_text(sentence.field)
    line = text[text.rfind("\n", 0, sentence.start) + 1:]
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
        clause = Clause(text, sentence, start, end)
        acting, actor_at = _acting(sentence, mentions, text, ctx)
        extra = _with_actors([Participant(follow.role, m.canonical, m.label, m.code, m.text, m.start, m.end)
                              for m in acting if m.label in follow.labels
                              and not event_roles.excluded(m, clause, book.cues)], actor_at)
        for target in targets:
            target.participants = event_roles.deduplicate(target.participants + extra, book.cues)
            target.evidence.append(Evidence(sentence.index, sentence.start, sentence.end, sentence.text,
                                            text[start:end], start, end, sentence.field, "continuation"))
        return


# ---------------------------------------------------------------- one event per real-world event

def _sides(c: Candidate) -> set[str]:
    return {p.code for p in c.participants if p.code}


def _compatible(a: Candidate, b: Candidate, book: Rulebook) -> bool:
    """Two candidates telling one event: same type (a visit and its talks are one MEETING), meeting dates,
    places and weapons, and a side in common (or no sides to compare). Status does not part them: "dijadwalkan
    bertemu ... Keduanya bertemu" is one meeting, with the status of its first telling."""
    same_kind = a.rule.event_type == b.rule.event_type and (
        a.subtype == b.subtype or a.rule.event_type in MERGED_ACROSS_SUBTYPES)
    days = a.date.precision == b.date.precision == "day"
    slack = timedelta(days=VISIT_DAYS if "visit" in (a.subtype, b.subtype) and days else 0)
    dates_meet = bool(WEAK_DATES & {a.date.basis, b.date.basis}) or (
        a.date.start <= b.date.end + slack and b.date.start <= a.date.end + slack)
    places_meet = a.location is None or b.location is None or a.location == b.location
    arms_a, arms_b = (event_roles.specific_weapons(c.weapons, book.weapons) for c in (a, b))
    arms_meet = arms_a & arms_b or not (arms_a or arms_b)
    shared = _sides(a) & _sides(b)
    igos = {p.code for c in (a, b) for p in c.participants if p.actor_kind == IGO}
    sides_meet = (not _sides(a) or not _sides(b) or len(shared) >= min(2, len(_sides(a)), len(_sides(b)))
                  or bool(shared & igos))        # one organisation's summit told twice
    return bool(same_kind and dates_meet and places_meet and arms_meet and sides_meet)


def _spans_days(a: DateRef, b: DateRef) -> bool:
    return (a.basis != "publication" and b.basis != "publication" and a.precision == b.precision == "day"
            and (a.start, a.end) != (b.start, b.end))


def _absorb(into: Candidate, other: Candidate, book: Rulebook) -> None:
    precision = event_dates.dates.PRECISION_ORDER.index
    basis_rank = ("sentence", "context", "publication").index
    if basis_rank(other.date.basis) < basis_rank(into.date.basis) or (
            other.date.basis == into.date.basis == "sentence"
            and precision(other.date.precision) < precision(into.date.precision)):
        into.date = other.date
    elif _spans_days(into.date, other.date):         # a visit on the 9th and its talks on the 10th
        into.date = replace(into.date, start=min(into.date.start, other.date.start),
                            end=max(into.date.end, other.date.end))
    into.participants = event_roles.deduplicate(into.participants + other.participants, book.cues)
    into.location = into.location or other.location
    into.weapons = tuple(dict.fromkeys(into.weapons + other.weapons))
    into.value = into.value or other.value
    into.confidence = max(into.confidence, other.confidence)
    into.evidence += other.evidence


def _restates(event: Candidate, c: Candidate, book: Rulebook) -> bool:
    """A sentence naming no side restates an event it is compatible with when it names the same specific
    weapons, or follows that event's last sentence closely ("Kesepakatan itu dicapai saat ...")."""
    if event.rule.event_type != c.rule.event_type or not _compatible(event, c, book):
        return False
    shared_arms = event_roles.specific_weapons(event.weapons, book.weapons) & set(c.weapons)
    last, this = event.evidence[-1], c.evidence[0]
    return bool(shared_arms) or (last.field == this.field and 0 < this.sentence_index - last.sentence_index
                                 <= RESTATEMENT_GAP)


def merge(candidates: list[Candidate], book: Rulebook) -> list[Candidate]:
    """Candidates telling the same event become one, with every evidence sentence, in text order. A candidate
    naming no side only adds to the event it restates; alone it is no event."""
    merged: list[Candidate] = []
    for c in candidates:
        if c.sided:
            same = next((m for m in merged if _compatible(m, c, book)), None)
        else:
            same = next((m for m in merged if _restates(m, c, book)), None)
        if same is not None:
            _absorb(same, c, book)
        elif c.sided:
            merged.append(c)
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
        participants=tuple(c.participants), weapons=c.weapons, value=c.value, field=c.field,
        status=c.status.status, status_cue=c.status.cue, status_cue_start=c.status.start,
        status_cue_end=c.status.end)


def _mentions_by_sentence(article: Article) -> dict[tuple[str, int], list[Mention]]:
    """Mentions grouped by the sentence whose span holds them (offsets decide, not sentence_index)."""
    grouped: dict[tuple[str, int], list[Mention]] = {}
    for s in article.sentences:
        grouped[(s.field, s.index)] = sorted((m for m in article.mentions if m.field == s.field
                                              and s.start <= m.start and m.end <= s.end), key=lambda m: m.start)
    return grouped


def _context(article: Article, knowledge: Knowledge) -> Context:
    book = rulebook(knowledge)
    published = article.meta.published_at
    article_text = f"{article.meta.title or ''}\n{article.body}"
    actors, year = actor_model(knowledge), published.year if published else None
    return Context(article, book, actors, DateContext(article, book.dates_lexicon),
                   senses.article_senses(book.senses, article_text), year, _people(article, actors, year))


def _people(article: Article, actors: ActorModel, year: int | None) -> dict[str, Actor]:
    """Each person's actor from the mention that tells it best (a title over leaders.tsv over a bare office):
    "Menlu Timor-Leste Aurelio Sergio Guterres" makes the later "Guterres" act for TLS."""
    best: dict[str, Actor] = {}
    for m in article.mentions:
        if m.label != "PERSON":
            continue
        actor = actors.actor(m, article.field_text(m.field), year)
        known = best.get(m.canonical)
        if actor is not None and (known is None or BASIS_RANK.index(actor.basis) < BASIS_RANK.index(known.basis)):
            best[m.canonical] = actor
    return best


def add_events(article: Article, knowledge: Knowledge) -> Article:
    """Stage function: + events, from the body and caption sentences and their mentions."""
    sentences = sorted((s for s in article.sentences if s.field in EVENT_FIELDS),
                       key=lambda s: (EVENT_FIELDS.index(s.field), s.index))
    if not sentences:
        return article
    ctx = _context(article, knowledge)
    mentions = ctx.mentions = _mentions_by_sentence(article)
    candidates: list[Candidate] = []
    previous: list[Candidate] = []
    for sentence in sentences:
        found = _sentence_candidates(sentence, mentions[(sentence.field, sentence.index)], ctx)
        if not found and previous:
            _continue(previous, sentence, mentions[(sentence.field, sentence.index)], ctx)
        candidates += found
        previous = found
    events = tuple(_event(article, c, ctx.book) for c in merge(candidates, ctx.book))
    return replace(article, events=events)

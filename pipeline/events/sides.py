"""The sides of an event: which mentions act for a state or an international organisation (``actors``),
the sides a sentence borrows from the sentences before it ("kedua negara"), a visited city's state, a bought
weapon's maker, and whether the sides make an event international.
"""
from __future__ import annotations

import bisect
import re
from itertools import count, takewhile
from dataclasses import dataclass, field, replace
from datetime import date

from pipeline.events import roles as event_roles
from pipeline.events.actors import IGO, STATE, Actor, ActorModel
from pipeline.events.context_dates import DateContext
from pipeline.events.roles import Clause
from pipeline.knowledge.rulebook import Rule, Rulebook
from pipeline.record import Article, DateRef, Mention, Participant, Sentence

BASIS_RANK = ("title", "leader", "home-title")      # how well a person's actor is known, best first


@dataclass
class Context:
    """What every sentence of one article is read with."""

    article: Article
    book: Rulebook
    actors: ActorModel
    dates: DateContext
    published: date | None                  # the day offices are looked up on until the event's own date is known
    people: dict[str, Actor]                # a person's actor by canonical name, from their best-titled mention
    article_senses: frozenset[str] | None = None   # article-wide senses, found when first needed
    hits: "Hits" = field(default_factory=lambda: Hits())
    windows: dict = field(default_factory=dict)      # (field, trigger start, end) → its status window
    memo: dict = field(default_factory=dict)         # left-context cue look-ups shared by the clauses (roles)
    mentions: dict[tuple[str, int], list[Mention]] = field(default_factory=dict)   # by (field, sentence index)
    acting: dict[tuple[str, int], tuple[list[Mention], dict]] = field(default_factory=dict)   # acting_mentions
    sentence_at: dict[tuple[str, int], Sentence] = field(default_factory=dict)    # by (field, index)


@dataclass
class Hits:
    """Where a pattern matches in a sentence, found once per (pattern, sentence), so that each trigger of a long
    sentence asks about its own part of it in log time, not by searching it again."""

    found: dict = field(default_factory=dict)

    def within(self, pattern: re.Pattern, whole: Sentence, part: Sentence) -> bool:
        key = (id(pattern), whole.field, whole.index)
        spans = self.found.get(key)
        if spans is None:
            spans = self.found[key] = [m.span() for m in pattern.finditer(whole.text)]
        lo, hi = part.start - whole.start, part.end - whole.start
        i = bisect.bisect_left(spans, (lo, -1))      # matches do not overlap: ends grow with starts
        return i < len(spans) and spans[i][1] <= hi


def acting_mentions(sentence: Sentence, mentions: list[Mention], text: str, ctx: Context) -> tuple[list[Mention], dict]:
    """The sentence's mentions that act for a state or organisation (places kept for the location), each with
    the actor's code, and the actor of each by its offsets. State organs the model left untagged join them.
    Worked out once per sentence (every trigger of the sentence asks)."""
    key = (sentence.field, sentence.index)
    if key not in ctx.acting:
        ctx.acting[key] = _acting(sentence, mentions, text, ctx)
    return ctx.acting[key]


def _acting(sentence: Sentence, mentions: list[Mention], text: str, ctx: Context) -> tuple[list[Mention], dict]:
    organs = ctx.actors.untagged_organs(text, sentence.start, sentence.end, mentions)
    inside = [m for m in mentions if any(o.start <= m.start and m.end <= o.end for o in organs)]  # its country
    mentions = sorted([m for m in mentions if m not in inside]
                      + [replace(o, field=sentence.field, sentence_index=sentence.index) for o in organs],
                      key=lambda m: m.start)
    people = ctx.actors.untagged_leaders(text, sentence.start, sentence.end, mentions)
    if people:
        mentions = sorted(mentions + [replace(p, field=sentence.field, sentence_index=sentence.index)
                                      for p in people], key=lambda m: m.start)
    kept, actor_at = [], {}
    formers, j = _former_titles(mentions, text, ctx.actors), 0       # spans in text order: one sweep
    for m in mentions:
        while j < len(formers) and formers[j][1] <= m.start:
            j += 1
        if j < len(formers) and formers[j][0] <= m.start and m.end <= formers[j][1]:
            continue                 # "mantan Perdana Menteri Inggris Tony Blair": Inggris does not act through him
        actor = actor_of(m, text, ctx.actors, ctx.published)
        if m.label == "PERSON" and not ctx.actors.former(m, text):
            actor = ctx.people.get(m.canonical, actor)
            if actor is not None and actor.basis == "home-title" and kept:
                actor = _listed_with(m, kept[-1], actor_at, text, ctx) or actor
        if actor is not None:
            actor_at[(m.start, m.end)] = actor
            label = {"leader": "PERSON", "seat": "COUNTRY"}.get(actor.basis, m.label) if m.label == "LOC" else m.label
            kept.append(replace(m, label=label, code=actor.code, person_country=actor.code))
        elif m.label == "LOC":
            kept.append(m)
    return kept, actor_at


def _listed_with(m: Mention, previous: Mention, actor_at: dict, text: str, ctx: Context) -> Actor | None:
    """A title naming no state in a list after one that does shares its state: "Menteri Keuangan AS A, Menteri
    Perdagangan B dan Perwakilan Dagang C" are all American."""
    before = actor_at.get((previous.start, previous.end))
    if previous.label != "PERSON" or before is None or before.basis != "title" or not m.title:
        return None
    gap = text[previous.end:m.start]
    cut = gap.rfind(m.title)
    if cut < 0 or not ctx.book.cues.coordination.match(gap[:cut]):
        return None
    return Actor(before.kind, before.code, "title")     # the list's title names it


def _former_titles(mentions: list[Mention], text: str, actors: ActorModel) -> list[tuple[int, int]]:
    """Where the titles of former office holders stand in the text, in text order."""
    spans = []
    for m in mentions:
        if m.label == "PERSON" and m.title and actors.former(m, text):
            found = text.rfind(m.title, max(0, m.start - len(m.title) - 4), m.start)
            if found >= 0:
                spans.append((found, m.start))
    return spans


def with_actors(people: list[Participant], actor_at: dict) -> list[Participant]:
    done = []
    for p in people:
        actor = actor_at.get((p.start, p.end))
        done.append(replace(p, code=actor.code, actor_kind=actor.kind, actor_basis=actor.basis) if actor else p)
    return done


def with_weapon_origin(rule: Rule, people: list[Participant], arms: tuple[str, ...], ctx: Context) -> list[Participant]:
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


def host_city(rule: Rule, clause: Clause, acting: list[Mention], people: list[Participant],
               ctx: Context) -> list[Participant]:
    """A visit to a city is a visit to its state: "tiba di Tokyo" makes Japan the host (capitals.tsv)."""
    if not rule.location_role or any(p.role == rule.location_role for p in people):
        return []
    for m in acting:
        code = ctx.actors.city_state(m.text) if m.label == "LOC" and m.start >= clause.trigger_end else None
        if code and ctx.book.cues.host_marker.search(clause.left(m.start)):
            return [Participant(rule.location_role, ctx.actors.country_name(code), "COUNTRY", code, m.text,
                                m.start, m.end, actor_kind=STATE, actor_basis="city")]
    return []


def _generic_role(rule: Rule) -> str | None:
    return next((spec.role for spec in rule.roles if not (spec.markers or spec.side or spec.with_role)), None)


def borrowed_sides(rule: Rule, sentence: Sentence, sides: int, ctx: Context) -> list[Participant]:
    """The sides of the nearest sentence before (or else the title) that names at least as many as the reference
    counts, the first ones it names ("Presiden X menerima PM Y. Kedua pemimpin sepakat ...": X's and Y's)."""
    role = _generic_role(rule)
    lookback = range(sentence.index - 1, sentence.index - ctx.book.cues.plural_lookback - 1, -1)
    earlier = [ctx.sentence_at[(sentence.field, i)] for i in lookback if (sentence.field, i) in ctx.sentence_at]
    title = [] if sentence.field == "title" else list(
        takewhile(bool, (ctx.sentence_at.get(("title", i)) for i in count())))
    for before in earlier + title:
        people = _sides_of(before, role, ctx) if role else []
        codes = list(dict.fromkeys(p.code for p in people if p.actor_kind))
        if len(codes) >= max(2, sides):
            first = set(codes[:sides] if sides else codes)   # "tiga negara": the first three the sentence names
            return [p for p in people if p.code in first]
    return []


def elided_subject(rule: Rule, sentence: Sentence, bounds: tuple[int, int], trigger_start: int,
                   ctx: Context) -> list[Participant]:
    """The doer of a clause opened by a connector and naming none before its trigger ("..., saat bertemu Presiden
    X"): the first actor of its sentence before the connector, else the first actor of the sentence before, its
    subject ("Putin memuji ... . Pujian itu disampaikan saat bertemu Prabowo")."""
    role = _generic_role(rule)
    if role is None:
        return []
    text = ctx.article.field_text(sentence.field)
    connector = ctx.actors.shared_subject.search(text, max(sentence.start, trigger_start - 60), trigger_start)
    if connector is None:
        return []
    acting, actor_at = _actors_of(sentence, ctx)
    if any(connector.end() <= m.start and m.end <= trigger_start for m in acting):
        return []                                    # the clause names its doer
    before = [m for m in acting if m.end <= connector.start()][:1]
    if not before:
        previous = ctx.sentence_at.get((sentence.field, sentence.index - 1))
        if previous is None:
            return []
        acting, actor_at = _actors_of(previous, ctx)
        before = acting[:1]
    return with_actors([Participant(role, m.canonical, m.label, m.code, m.text, m.start, m.end) for m in before],
                       actor_at)


def _actors_of(sentence: Sentence, ctx: Context) -> tuple[list[Mention], dict]:
    text = ctx.article.field_text(sentence.field)
    acting, actor_at = acting_mentions(sentence, ctx.mentions.get((sentence.field, sentence.index), []), text, ctx)
    return [m for m in acting if m.label != "LOC"], actor_at


def _sides_of(sentence: Sentence, role: str, ctx: Context) -> list[Participant]:
    text = ctx.article.field_text(sentence.field)
    acting, actor_at = acting_mentions(sentence, ctx.mentions.get((sentence.field, sentence.index), []), text, ctx)
    clause = Clause(text, sentence, sentence.start, sentence.start, ctx.memo)
    return with_actors([Participant(role, m.canonical, m.label, m.code, m.text, m.start, m.end)
                         for m in acting if m.label != "LOC"
                         and not event_roles.excluded(m, clause, ctx.book.cues)], actor_at)


def plural_reference(text: str, bounds: tuple[int, int], trigger: tuple[int, int], cues, near: bool) -> re.Match | None:
    """A plural reference in the trigger's clause, or (``near``) right beside it: "Keduanya | bertemu",
    "pertemuan | tiga negara"."""
    if not near:
        return cues.plural.search(text[bounds[0]:bounds[1]])
    n = cues.plural_adjacent_words
    before = " ".join(text[bounds[0]:trigger[0]].split()[-n:])
    after = " ".join(text[trigger[1]:bounds[1]].split()[:n])
    return cues.plural.search(before) or cues.plural.search(after)


def international(rule: Rule, people: list[Participant]) -> bool:
    """The sides the rule's scope needs: two states, a state and an organisation, two organisations, or (with
    igo_alone) one organisation's own summit or session; a "state" rule one state or organisation."""
    states = {p.code for p in people if p.actor_kind == STATE}
    igos = {p.code for p in people if p.actor_kind == IGO}
    if rule.scope == "state":
        return bool(states or igos)
    return len(states) >= 2 or bool(states and igos) or len(igos) >= 2 or (rule.igo_alone and bool(igos))


def actor_of(m: Mention, text: str, actors: ActorModel, published: date | None) -> Actor | None:
    """The mention's actor at publication, or else the one office leaders.tsv has the person in at another time:
    a 2025 article on a 2019 meeting names office holders of 2019 (``in_office`` checks them at the event's date)."""
    return actors.actor(m, text, published) or (actors.actor(m, text, None) if published else None)


def in_office(people: list[Participant], when: DateRef, actors: ActorModel) -> list[Participant]:
    """The participants whose office came from leaders.tsv, checked at the event's date: one out of office that day
    leaves (Joe Biden after 2025-01-20); a person named by an alias of the table takes its name ("Prabowo" →
    "Prabowo Subianto") when they act for a state the table has them in."""
    kept = []
    for p in people:
        if p.label == "PERSON" and p.actor_basis == "leader" and actors.holder(p.canonical, None) is not None:
            held = actors.holder(p.canonical, when.start, when.end)
            if held is None:
                continue
            p = replace(p, code=held.code, actor_kind=held.kind)
        name = actors.leader_name(p.canonical, p.code) if p.label == "PERSON" else None
        kept.append(replace(p, canonical=name) if name else p)
    return kept


def people_of(article: Article, actors: ActorModel, published: date | None) -> dict[str, Actor]:
    """Each person's actor from the mention that tells it best (a title over leaders.tsv over a bare office):
    "Menlu Timor-Leste Aurelio Sergio Guterres" makes the later "Guterres" act for TLS."""
    best: dict[str, Actor] = {}
    for m in article.mentions:
        if m.label != "PERSON":
            continue
        actor = actor_of(m, article.field_text(m.field), actors, published)
        known = best.get(m.canonical)
        if actor is not None and (known is None or BASIS_RANK.index(actor.basis) < BASIS_RANK.index(known.basis)):
            best[m.canonical] = actor
    return best

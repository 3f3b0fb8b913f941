"""One event per real-world event per article: candidates (an event as one sentence tells it) that tell the
same event are merged, with every evidence sentence; a sentence naming no side only restates an event.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from pipeline.events import dates
from pipeline.events import roles as event_roles
from pipeline.events.actors import IGO
from pipeline.knowledge.rulebook import Rule, Rulebook
from pipeline.events.status import Status
from pipeline.record import DateRef, Evidence, Participant

# A sentence naming no side restates the event of a sentence at most this many sentences before it.
RESTATEMENT_GAP = 2
# A date taken from another sentence or the publication day says little of which event it is: a telling
# dated so merges with a compatible one dated by its own sentence ("keputusan Belarus untuk bergabung").
WEAK_DATES = frozenset({"context", "publication"})
# A telling is compared with at most this many earlier events of its type: an article tells far fewer, and a
# page of thousands of events (a run-on list, issue 11) stays linear.
MERGE_LOOKBACK = 200
# A state visit runs a few days: talks this many days after (or before) the visit's date are part of it.
VISIT_DAYS = 2


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


def _sides(c: Candidate) -> set[str]:
    return {p.code for p in c.participants if p.code}


def _compatible(a: Candidate, b: Candidate, book: Rulebook) -> bool:
    """Two candidates telling one event: same type (a visit and its talks are one MEETING), meeting dates,
    places and weapons, and a side in common (or no sides to compare). Status does not part them: "dijadwalkan
    bertemu ... Keduanya bertemu" is one meeting, with the status of its first telling."""
    same_kind = a.rule.event_type == b.rule.event_type and (
        a.subtype == b.subtype or book.type(a.rule.event_type).merge_subtypes)
    days = a.date.precision == b.date.precision == "day"
    slack = timedelta(days=VISIT_DAYS if "visit" in (a.subtype, b.subtype) and days else 0)
    dates_meet = bool(WEAK_DATES & {a.date.basis, b.date.basis}) or (
        a.date.start <= b.date.end + slack and b.date.start <= a.date.end + slack)
    places_meet = (_vague_place(a) or _vague_place(b) or a.location == b.location
                   or "title" in (a.field, b.field))          # a headline names the place loosely ("di Istana")
    arms_a, arms_b = (event_roles.specific_weapons(c.weapons, book.weapons) for c in (a, b))
    arms_meet = arms_a & arms_b or not (arms_a or arms_b)
    shared = _sides(a) & _sides(b)
    igos = {p.code for c in (a, b) for p in c.participants if p.actor_kind == IGO}
    sides_meet = (not _sides(a) or not _sides(b) or len(shared) >= min(2, len(_sides(a)), len(_sides(b)))
                  or bool(shared & igos))        # one organisation's summit told twice
    return bool(same_kind and dates_meet and places_meet and arms_meet and sides_meet)


def _vague_place(c: Candidate) -> bool:
    """No place, or only a side's country ("tiba di Indonesia"): any place in it may be the same event's."""
    return c.location is None or any(p.label == "COUNTRY" and c.location == p.text for p in c.participants)


def _spans_days(a: DateRef, b: DateRef) -> bool:
    return (a.basis != "publication" and b.basis != "publication" and a.precision == b.precision == "day"
            and (a.start, a.end) != (b.start, b.end))


def _absorb(into: Candidate, other: Candidate, book: Rulebook) -> None:
    precision = dates.PRECISION_ORDER.index
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
    by_type: dict[str, list[Candidate]] = {}
    for c in candidates:
        recent = by_type.setdefault(c.rule.event_type, [])[-MERGE_LOOKBACK:]
        fits = _compatible if c.sided else _restates
        same = next((m for m in recent if fits(m, c, book)), None)
        if same is not None:
            _absorb(same, c, book)
        elif c.sided:
            merged.append(c)
            by_type[c.rule.event_type].append(c)
    return merged

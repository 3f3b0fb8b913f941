"""Events across articles: the tellings (``event_mentions``) of one real-world event grouped into one ``events``
row, with its actors in ``event_participants``.

The key. An event's id is a hash of its type, its date at its own precision and the sorted state and IGO codes
of its participants (``code``: ISO3 or org_id; a person counts by the state or organisation they act for, their
name never enters the key). Tellings join one event when their type and codes are equal and their dates
overlap:

- tellings dated to the day (or a range of days) whose ranges overlap are one event (``overlap``; the event's
  date is the one most of them give, ties to the earliest, so it is ``same-key`` for those);
- a coarser telling, in the order publication-dated (the article's date: the event in the ``PUBLICATION_DAYS``
  days up to it), month, year, joins the one finer event its range overlaps (``coarser-in-finer``); when it
  overlaps none or several it is an event of its own at its own precision (``same-key`` with the other tellings
  of that date): a month never chains two days into one event;
- a telling that names no state or IGO is never merged (``no-codes``); an event of one telling is ``alone``.

So an event's id changes only when its key does: adding an unrelated article renumbers nothing.

Copies of one wire story count once in ``n_independent_sources``: articles crediting the same ``wire_source``,
or whose bodies share most of their word 5-grams (a bottom-``SKETCH_SIZE`` MinHash sketch of each body).

Memory: the grouping is a pass over the tellings when the tables are written. It holds, for every telling, its
key fields (about twenty short values), its participants' ids, and for every article that tells an event its
site, wire source, publication time and a sketch of ``SKETCH_SIZE`` integers: small next to the text, which
is streamed (the article bodies are read a part's batch at a time to make the sketches, then dropped).
"""
from __future__ import annotations

import hashlib
import heapq
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import Iterable, Iterator

import pyarrow as pa

from pipeline.knowledge import load_knowledge

from pipeline.output import codebook, schema

MERGE_RULE = "type-codes-dates/1"
ALONE, SAME_KEY, OVERLAP, COARSER, NO_CODES = "alone", "same-key", "overlap", "coarser-in-finer", "no-codes"
JOIN_RULES = (ALONE, SAME_KEY, OVERLAP, COARSER, NO_CODES)
PUBLICATION_DAYS = 3          # a publication-dated telling: the event took place in the days up to publication
SKETCH_SIZE = 64
SHINGLE_WORDS = 5
SAME_TEXT = 0.5               # estimated share of shared word 5-grams above which two bodies are one story

MENTION_COLUMNS = ("mention_id", "article_id", "event_type", "subtype", "cameo_code", "plover_type", "date_start",
                   "date_end", "date_precision", "date_basis", "status", "location_text", "location", "geonames_id",
                   "location_country", "latitude", "longitude")
PARTICIPANT_COLUMNS = ("mention_id", "role", "actor_id", "canonical", "label", "code", "actor_kind",
                       "country_iso3", "org_id", "wikidata_qid")
ARTICLE_COLUMNS = ("article_id", "site", "wire_source", "published_at", "body")


@dataclass
class Telling:
    mention_id: str
    article_id: str
    event_type: str
    subtype: str | None
    cameo_code: str
    plover_type: str
    date_start: date
    date_end: date
    date_precision: str
    date_basis: str
    status: str
    location_text: str | None
    location: str | None
    geonames_id: int | None
    location_country: str | None
    latitude: float | None
    longitude: float | None
    codes: tuple[str, ...] = ()
    join_rule: str = ALONE

    @property
    def level(self) -> int:
        """0 days told in the text, 1 publication-dated, 2 month, 3 year: coarser joins finer, never between."""
        if self.date_precision == "day":
            return 1 if self.date_basis == "publication" else 0
        return 2 if self.date_precision == "month" else 3

    @property
    def span(self) -> tuple[date, date]:
        if self.level == 1:
            return self.date_start - timedelta(days=PUBLICATION_DAYS), self.date_start
        return self.date_start, self.date_end


@dataclass
class Article:
    site: str | None
    wire_source: str | None
    published_at: datetime | None
    sketch: tuple[int, ...]


@dataclass
class Event:
    key: str
    level: int
    low: date
    high: date
    tellings: list[Telling] = field(default_factory=list)
    date_of: Telling | None = None     # the telling whose date is the event's

    def overlaps(self, low: date, high: date) -> bool:
        return self.low <= high and low <= self.high


# ---------------------------------------------------------------- gathering what the grouping needs

class Grouping:
    """The tellings, their participants and articles, fed batch by batch; then ``assign``."""

    def __init__(self) -> None:
        self.tellings: dict[str, Telling] = {}
        self.participants: dict[str, list[dict]] = defaultdict(list)
        self.articles: dict[str, Article] = {}
        self.events: list[Event] = []
        self.assigned: dict[str, tuple[str, str]] = {}      # mention_id → (event_id, join_rule)

    def add_mentions(self, batch: pa.Table) -> None:
        for row in batch.select(list(MENTION_COLUMNS)).to_pylist():
            self.tellings[row["mention_id"]] = Telling(**row)

    def add_participants(self, batch: pa.Table) -> None:
        for row in batch.select(list(PARTICIPANT_COLUMNS)).to_pylist():
            self.participants[row["mention_id"]].append(row)

    def add_articles(self, batch: pa.Table) -> None:
        """Articles that tell an event (add the mentions first); each body only as its sketch."""
        wanted = {t.article_id for t in self.tellings.values()}
        for row in batch.select(list(ARTICLE_COLUMNS)).to_pylist():
            if row["article_id"] in wanted:
                self.articles[row["article_id"]] = Article(row["site"], row["wire_source"], row["published_at"],
                                                           sketch(row["body"] or ""))

    # ------------------------------------------------------------ grouping

    def assign(self) -> dict[str, tuple[str, str]]:
        groups: dict[tuple, list[Telling]] = defaultdict(list)
        for telling in self.tellings.values():
            telling.codes = tuple(sorted({p["code"] for p in self.participants.get(telling.mention_id, ())
                                          if p["code"]}))
            groups[(telling.event_type, telling.codes)].append(telling)
        self.events = []
        for (_, codes), tellings in sorted(groups.items()):
            self.events += _group(tellings) if codes else [_alone(t) for t in tellings]
        for event in self.events:
            event_id = event_key_id(event.tellings[0].event_type, event.key, event.tellings[0].codes)
            for telling in event.tellings:
                alone = len(event.tellings) == 1 and telling.join_rule != NO_CODES
                self.assigned[telling.mention_id] = (event_id, ALONE if alone else telling.join_rule)
        return self.assigned

    def _order(self, telling: Telling) -> tuple:
        published = self.articles.get(telling.article_id)
        when = published.published_at if published else None
        return (when is None, when.timestamp() if when else 0, telling.article_id, telling.mention_id)

    # ------------------------------------------------------------ the rows

    def event_rows(self) -> Iterator[dict]:
        for event in self.events:
            tellings = sorted(event.tellings, key=self._order)
            first, when = tellings[0], event.date_of or tellings[0]
            articles = {t.article_id for t in tellings}
            times = [a.published_at for a in map(self.articles.get, articles) if a and a.published_at]
            yield {"event_id": self.assigned[first.mention_id][0], "event_type": first.event_type,
                   "subtype": _most(t.subtype for t in tellings),
                   "accession_stage": _stage(first.event_type, _most(t.subtype for t in tellings), tellings[-1].status),
                   "cameo_code": _most(t.cameo_code for t in tellings),
                   "plover_type": _most(t.plover_type for t in tellings),
                   **codebook.codebook_fields(_most(t.cameo_code for t in tellings), first.event_type,
                                              _most(t.subtype for t in tellings)),
                   "codes": ";".join(first.codes) or None,
                   "date_start": when.date_start, "date_end": when.date_end, "date_precision": when.date_precision,
                   "location_text": _most(t.location_text for t in tellings), **_place(tellings),
                   "status": tellings[-1].status,
                   "first_reported": min(times, default=None), "last_reported": max(times, default=None),
                   "first_mention_id": first.mention_id, "n_mentions": len(tellings), "n_articles": len(articles),
                   "n_sites": len({self.articles[a].site for a in articles if a in self.articles}) or 1,
                   "n_independent_sources": independent_sources([self.articles.get(a) for a in sorted(articles)]),
                   "merge_rule": MERGE_RULE}

    def event_participant_rows(self) -> Iterator[dict]:
        for event in self.events:
            event_id = self.assigned[event.tellings[0].mention_id][0]
            by_actor: dict[tuple[str, str], list[dict]] = defaultdict(list)
            for telling in sorted(event.tellings, key=self._order):
                for p in self.participants.get(telling.mention_id, ()):
                    by_actor[(p["role"], p["actor_id"])].append(p)
            for (role, actor_id), rows in by_actor.items():
                first = rows[0]
                yield {"event_id": event_id, "role": role, "actor_id": actor_id,
                       "country_iso3": first["country_iso3"], "org_id": first["org_id"],
                       "wikidata_qid": first["wikidata_qid"], "canonical": _most(r["canonical"] for r in rows),
                       "label": first["label"], "code": first["code"], "actor_kind": first["actor_kind"],
                       "n_mentions": len({r["mention_id"] for r in rows})}

    def filled(self, batch: pa.Table) -> pa.Table:
        """An event_mentions batch with each telling's event_id and join_rule."""
        found = [self.assigned[m] for m in batch["mention_id"].to_pylist()]
        for name, index in (("event_id", 0), ("join_rule", 1)):
            position = batch.schema.get_field_index(name)
            column = pa.array([f[index] for f in found], type=batch.schema.field(name).type)
            batch = batch.set_column(position, batch.schema.field(name), column)
        return batch


def event_key_id(event_type: str, date_key: str, codes: tuple[str, ...]) -> str:
    return hashlib.sha256(f"{event_type}|{date_key}|{';'.join(codes)}".encode()).hexdigest()[:16]


def _alone(telling: Telling) -> Event:
    telling.join_rule = NO_CODES
    return Event(f"{_date_key(telling)}|mention:{telling.mention_id}", telling.level, *telling.span, [telling],
                 telling)


def _group(tellings: list[Telling]) -> list[Event]:
    """The tellings of one type and codes as events (see the module docstring)."""
    events = _days(sorted((t for t in tellings if t.level == 0), key=lambda t: (t.span, t.mention_id)))
    by_key = {event.key: event for event in events}
    for level in (1, 2, 3):
        finer = [event for event in events if event.level < level]
        for telling in sorted((t for t in tellings if t.level == level), key=lambda t: (t.span, t.mention_id)):
            hits = [event for event in finer if event.overlaps(*telling.span)]
            if len(hits) == 1:
                hits[0].tellings.append(telling)
                telling.join_rule = COARSER
                continue
            key = _date_key(telling)
            if key not in by_key:
                by_key[key] = Event(key, level, *telling.span, date_of=telling)
                events.append(by_key[key])
            by_key[key].tellings.append(telling)
            telling.join_rule = SAME_KEY
    return events


def _days(tellings: list[Telling]) -> list[Event]:
    """Day-dated tellings (sorted by range): overlapping ranges are one event, dated as most of them say."""
    events: list[Event] = []
    for telling in tellings:
        low, high = telling.span
        if events and events[-1].overlaps(low, high):
            events[-1].tellings.append(telling)
            events[-1].high = max(events[-1].high, high)
        else:
            events.append(Event("", 0, low, high, [telling]))
    for event in events:
        counts = Counter(t.span for t in event.tellings)
        event.date_of = min(event.tellings, key=lambda t: (-counts[t.span], t.span, t.mention_id))
        event.key = _date_key(event.date_of)
        for telling in event.tellings:
            telling.join_rule = SAME_KEY if telling.span == event.date_of.span else OVERLAP
    return events


def _date_key(telling: Telling) -> str:
    """The date at the telling's own precision (a range as start/end; a publication date marked as such)."""
    start, end = telling.date_start, telling.date_end
    if telling.level == 1:
        return f"published:{start.isoformat()}"
    if telling.date_precision == "day":
        return start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"
    cut = 7 if telling.date_precision == "month" else 4
    first, last = start.isoformat()[:cut], end.isoformat()[:cut]
    return first if first == last else f"{first}/{last}"


def _stage(event_type: str, subtype: str | None, status: str) -> str | None:
    return subtype if event_type == "ACCESSION" and status == "happened" else None


def _place(tellings: list[Telling]) -> dict:
    """The resolved place most tellings give."""
    geonames_id = _most(t.geonames_id for t in tellings)
    chosen = next((t for t in tellings if t.geonames_id == geonames_id), None) if geonames_id else None
    return {name: getattr(chosen, name) if chosen else None
            for name in ("location", "geonames_id", "location_country", "latitude", "longitude")}


def _most(values: Iterable) -> object:
    """The value given most often (ties: the first given); None when none is given."""
    counts = Counter(v for v in values if v is not None and v != "")
    if not counts:
        return None
    top = max(counts.values())
    return next(v for v in counts if counts[v] == top)


# ---------------------------------------------------------------- copies of one story

def sketch(body: str) -> tuple[int, ...]:
    """Bottom-k MinHash sketch of the body's word 5-grams (CRC-32 of each, the SKETCH_SIZE smallest)."""
    words = re.findall(r"\w+", body.casefold())
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    return tuple(sorted(heapq.nsmallest(SKETCH_SIZE, {zlib.crc32(s.encode()) for s in shingles})))


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two bodies' 5-gram sets from their bottom-k sketches."""
    if not a or not b:
        return 0.0
    union = heapq.nsmallest(SKETCH_SIZE, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def independent_sources(articles: list[Article | None]) -> int:
    """Articles that are not copies of one another (the same wire source, or near-identical bodies)."""
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in ((i, j) for i in range(len(articles)) for j in range(i)):
        a, b = articles[i], articles[j]
        if a and b and (_same_wire(a, b) or similarity(a.sketch, b.sketch) >= SAME_TEXT):
            parent[root(i)] = root(j)
    return len({root(i) for i in range(len(articles))})


def _same_wire(a: Article, b: Article) -> bool:
    return bool(a.wire_source and b.wire_source and a.wire_source.casefold() == b.wire_source.casefold())


# ---------------------------------------------------------------- the tables

def grouping_of(mentions: Iterable[pa.Table], participants: Iterable[pa.Table],
                articles: Iterable[pa.Table]) -> Grouping:
    grouping = Grouping()
    for batch in mentions:
        grouping.add_mentions(batch)
    for batch in participants:
        grouping.add_participants(batch)
    for batch in articles:
        grouping.add_articles(batch)
    grouping.assign()
    return grouping


def cross_tables(grouping: Grouping) -> dict[str, pa.Table]:
    """The events, event_participants and dyads tables, each in its order."""
    events = list(grouping.event_rows())
    participants = list(grouping.event_participant_rows())
    return {"events": _to_arrow(schema.EVENTS, events),
            "event_participants": _to_arrow(schema.EVENT_PARTICIPANTS, participants),
            "dyads": _to_arrow(schema.DYADS, dyad_rows(events, participants)),
            "membership_history": _to_arrow(schema.MEMBERSHIP_HISTORY, membership_rows(events, participants))}


def membership_rows(events: list[dict], participants: list[dict]) -> Iterator[dict]:
    """Each joiner and organisation of an ACCESSION event."""
    by_event: dict[str, list[dict]] = defaultdict(list)
    for p in participants:
        by_event[p["event_id"]].append(p)
    for event in (e for e in events if e["event_type"] == "ACCESSION"):
        sides = by_event[event["event_id"]]
        for member in (p for p in sides if p["role"] == "joiner"):
            for organisation in (p for p in sides if p["role"] == "organisation"):
                yield {"event_id": event["event_id"], "member_actor_id": member["actor_id"],
                       "member": member["canonical"], "member_code": member["code"],
                       "organisation_actor_id": organisation["actor_id"], "organisation": organisation["canonical"],
                       "date_start": event["date_start"], "date_precision": event["date_precision"],
                       "subtype": event["subtype"], "accession_stage": event["accession_stage"],
                       "status": event["status"], "n_articles": event["n_articles"]}


def _apart(source: dict, target: dict) -> bool:
    """Two sides, not one: a host's own head of state among the attendees is no visitor."""
    return source["actor_id"] != target["actor_id"] and not (source["code"] and source["code"] == target["code"])


@lru_cache(maxsize=1)
def dyad_roles() -> dict[str, tuple[str, str]]:
    return {row["event_type"]: (row["source_role"], row["target_role"])
            for row in load_knowledge().lexicon("dyad_roles")}


def dyad_rows(events: list[dict], participants: list[dict]) -> Iterator[dict]:
    """Each source-target pair of a directed event (an actor, or a state's people, never its own target)."""
    by_event: dict[str, list[dict]] = defaultdict(list)
    for p in participants:
        by_event[p["event_id"]].append(p)
    for event in events:
        roles = dyad_roles().get(event["event_type"])
        if roles is None:
            continue
        sources = [p for p in by_event[event["event_id"]] if p["role"] == roles[0]]
        targets = [p for p in by_event[event["event_id"]] if p["role"] == roles[1]]
        for source, target in ((s, t) for s in sources for t in targets if _apart(s, t)):
            yield {"event_id": event["event_id"], "event_type": event["event_type"], "subtype": event["subtype"],
                   "date_start": event["date_start"], "date_precision": event["date_precision"],
                   "source_actor_id": source["actor_id"], "source": source["canonical"], "source_role": roles[0],
                   "target_actor_id": target["actor_id"], "target": target["canonical"], "target_role": roles[1],
                   "cameo_code": event["cameo_code"], "goldstein": event["goldstein"], "status": event["status"]}


def grouped_tables(built: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """In memory: the article tables (``tables.article_tables``) with event_mentions grouped, and the events
    and event_participants tables."""
    grouping = grouping_of([built["event_mentions"]], [built["mention_participants"]], [built["articles"]])
    return {**built, "event_mentions": grouping.filled(built["event_mentions"]), **cross_tables(grouping)}


def _to_arrow(table: schema.Table, rows: Iterable[dict]) -> pa.Table:
    def key(row: dict) -> tuple:
        return tuple("" if row[c] is None else row[c] for c in table.sort_by)
    ordered = sorted(rows, key=key)
    return pa.table({c.name: pa.array([row.get(c.name) for row in ordered], type=c.type) for c in table.columns},
                    schema=table.arrow_schema)


def streamed_mentions(grouping: Grouping, batches: Iterable[pa.Table]) -> Iterator[pa.Table]:
    for batch in batches:
        yield grouping.filled(batch)


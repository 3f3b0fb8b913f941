"""When an event took place: the date nearest its trigger in its clause, then in its sentence, then in the
sentences before it in its paragraph ("Senin (23/10)" one sentence earlier), then in the article's lead;
failing all of these, the publication date, unless the event is background ("sebelumnya", "pernah"): then
it has no date and no row (GUIDELINES.md).

Dates that belong to another fact are passed over: the date a text was written or quoted ("ditulis Jumat
(20/6)"), a date on the other side of a quotation mark (the speech's date, not that of what it tells), and for a
planned event any date before publication outside its clause (the day the plan was told). A clause dated by a
time told before it ("saat itu") takes the latest date written before it in the article, never the publication.

A date taken from another sentence keeps its own offsets and says ``basis = "context"``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from pipeline.events import dates
from pipeline.record import Article, DateRef, Sentence

# How many sentences before the event's own, in its paragraph, may give its date. One or two is where Indonesian
# news states a date for what the next sentence goes on telling; further back it belongs to something else.
CONTEXT_SENTENCES = 2
# Sentences that make the lead: the first of the body. A lead date dates the article's news.
LEAD_SENTENCES = 2
# A lead date more than this far from the publication day is not the news' date (a history piece's year).
LEAD_MAX_DAYS = 10
# Date rules that name a moment an event can take place at (not "sejak 2016" or a bare year of a trend).
CONTEXT_RULES = frozenset({
    "date.weekday_paren_dmy", "date.weekday_paren_dm", "date.day_range_month", "date.day_month_year",
    "date.day_month", "date.range", "date.weekday", "date.weekday_of_week", "date.weekday_past", "date.yesterday",
    "date.today", "date.part_month", "date.month_year", "date.month", "date.relative_week", "date.relative_month",
})


@dataclass
class DateContext:
    """The dates of one article's sentences, found once and looked up by every trigger."""

    article: Article
    grammar: dates.Grammar
    _found: dict[tuple[str, int], list[DateRef]] = field(default_factory=dict)
    _by_field: dict[str, list[Sentence]] | None = None     # each field's sentences in index order
    _latest: dict[str, list[DateRef | None]] = field(default_factory=dict)   # per field: the last date up to each

    def _sentences(self, name: str) -> list[Sentence]:
        if self._by_field is None:
            self._by_field = {}
            for s in sorted(self.article.sentences, key=lambda s: (s.field, s.index)):
                self._by_field.setdefault(s.field, []).append(s)
        return self._by_field.get(name, [])

    def refs(self, sentence: Sentence) -> list[DateRef]:
        key = (sentence.field, sentence.index)
        if key not in self._found:
            found = dates.find_dates(sentence.text, self.article.meta.published_at, self.grammar, sentence.start)
            self._found[key] = [r for r in found if not dates.reported(r, sentence.text, sentence.start, self.grammar)]
        return self._found[key]

    def latest_before(self, sentence: Sentence) -> DateRef | None:
        """The last date an event can take place at written in the field's sentences before this one (each field's
        dates are read once: the events stage stays linear in the text)."""
        if sentence.field not in self._latest:
            latest, last = [], None
            for s in self._sentences(sentence.field):
                latest.append(last)
                last = next((r for r in reversed(self.refs(s)) if r.rule_id in CONTEXT_RULES), last)
            self._latest[sentence.field] = latest
        before = self._latest[sentence.field]
        return before[sentence.index] if sentence.index < len(before) else None

    def sentences_before(self, sentence: Sentence) -> list[Sentence]:
        """The sentences of the same paragraph before this one, nearest first."""
        text = self.article.field_text(sentence.field)
        paragraph_start = text.rfind("\n\n", 0, sentence.start)
        # a field's sentences are numbered 0, 1, 2, ... in text order (the NER stage checks it)
        before = self._sentences(sentence.field)[max(0, sentence.index - CONTEXT_SENTENCES):sentence.index]
        return [s for s in reversed(before) if s.start > paragraph_start]

    def lead(self) -> list[Sentence]:
        return self._sentences("body")[:LEAD_SENTENCES]


def _not_before(published: datetime | None):
    day = published.date() if published is not None else None
    return lambda ref: day is None or ref.end >= day


def _nearest(refs: list[DateRef], start: int, end: int) -> DateRef | None:
    def distance(ref: DateRef) -> int:
        return max(0, ref.start_char - end, start - ref.end_char)
    return min(refs, key=lambda ref: (distance(ref), ref.start_char)) if refs else None


def _in_context(ctx: DateContext, sentence: Sentence, keep) -> DateRef | None:
    for before in ctx.sentences_before(sentence):
        usable = [r for r in ctx.refs(before) if r.rule_id in CONTEXT_RULES and keep(r)]
        if usable:
            return replace(usable[-1], basis="context")
    return None


def _from_lead(ctx: DateContext, sentence: Sentence, published: datetime | None, keep) -> DateRef | None:
    if published is None:
        return None
    window = timedelta(days=LEAD_MAX_DAYS)
    for lead in ctx.lead():
        if lead.field == sentence.field and lead.index >= sentence.index:
            break
        usable = [r for r in ctx.refs(lead) if r.precision == "day" and r.rule_id in CONTEXT_RULES
                  and abs(r.start - published.date()) <= window and keep(r)]
        if usable:
            return replace(usable[0], basis="context")
    return None


def _same_speech(text: str, offset: int, trigger: tuple[int, int]):
    """Whether a date and the trigger stand on the same side of every quotation mark of the sentence."""
    marks = [offset + m.start() for m in QUOTE.finditer(text)]

    def same(ref: DateRef) -> bool:
        lo, hi = sorted((ref.start_char, trigger[0]))
        return not any(lo <= at < hi for at in marks)
    return same


QUOTE = re.compile(r'["“”]')


def event_date(ctx: DateContext, sentence: Sentence, clause: tuple[int, int], trigger: tuple[int, int],
               background: bool, borrow: bool = True, planned: bool = False) -> DateRef | None:
    """The event's date: clause, sentence, paragraph, lead (unless not ``borrow``), then publication (None for
    undated background, and for an undated event of an article without a publication date). A ``planned``
    event takes no date before publication from outside its clause."""
    published = ctx.article.meta.published_at
    keep = _not_before(published) if planned else (lambda r: True)
    same_speech = _same_speech(sentence.text, sentence.start, trigger)
    refs = [r for r in ctx.refs(sentence) if same_speech(r)]
    in_clause = [r for r in refs if clause[0] <= r.start_char and r.end_char <= clause[1]]
    found = _nearest(in_clause, *trigger) or _nearest([r for r in refs if keep(r)], *trigger)
    if found is not None:
        return dates.ahead_of(found, published) if planned and published is not None else found
    if ctx.grammar.then.search(ctx.article.field_text(sentence.field), sentence.start, trigger[0]):
        earlier = ctx.latest_before(sentence)      # "saat itu": the time told before, or undated background
        return replace(earlier, basis="context") if earlier is not None else None
    if background:
        return None
    found = (_in_context(ctx, sentence, keep) or _from_lead(ctx, sentence, published, keep)) if borrow else None
    if found is None and published is not None:
        found = dates.publication_date(published)
    return found

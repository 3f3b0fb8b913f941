"""Date expressions in an Indonesian sentence → DateRef, resolved against the publication date.

Month and weekday names come from dateparser's Indonesian data; the cue words around dates (lalu,
pertengahan, hingga, number words) come from ``lexicons/dates_id.toml``.  Every DateRef carries the
rule that read it (``date.weekday_paren_dm`` …) and the offsets of its words.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Callable, Mapping

import dateparser
from dateparser.languages import default_loader

from pipeline.knowledge.problems import Problems
from pipeline.knowledge.shape import WORDS, Choice, ListOf, Table, check
from pipeline.record import DateRef

MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december")
WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

NOT_AFTER_NUMBER = r"(?<![\w/.,])"   # "31/2 Juli", "9,16 juta": the number is not a day
Build = Callable[[int], tuple[date, date]]   # year -> (start, end)


@dataclass(frozen=True)
class _Reading:
    """What one rule read from a match, before the year of a year-less date is chosen."""

    build: Build
    year: int | None            # None: year-less, chosen against the publication date
    precision: str
    approximate: bool = False
    weekday: int | None = None  # weekday written beside the date (0 = Monday)
    ahead: bool = False         # the words say it lies after publication ("April mendatang")
    past: bool = False          # the words say it is over ("Juni lalu")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _dateparser_names(keys: tuple[str, ...], min_len: int) -> dict[str, int]:
    info = default_loader.get_locale("id").info
    return {name.lower(): number for number, key in enumerate(keys)
            for name in info.get(key, []) if len(name) >= min_len and name.isalpha()}


@dataclass(frozen=True)
class Grammar:
    """The date rules of PATTERNS with the word lists of ``lexicons/dates_id.toml`` filled in, compiled once."""

    lexicon: Mapping[str, Any]
    months: Mapping[str, int]       # lower-case name -> 1..12
    weekdays: Mapping[str, int]     # lower-case name -> 0..6
    patterns: tuple[tuple[str, re.Pattern], ...]   # (rule id, regex), most specific first
    future: re.Pattern
    range_gap: re.Pattern
    tense_break: re.Pattern     # where a date's clause ends for its tense
    report: re.Pattern          # the words before a date of writing or quoting, up to the date
    then: re.Pattern            # "saat itu": a clause dated by a time told before it
    duration: re.Pattern        # "selama dua hari": how long the event of a day lasts
    years: tuple[int, int]      # the first and last year a date can lie in (meta_dates.toml ``years``)


# Rule id → pattern; <NAME> stands for a word list (see _slots). Longer matches win over shorter overlapping ones.
PATTERNS = {
    "date.weekday_paren_dmy": r"\b(?:hari\s+)?(?P<wd><WEEKDAY>)\s*,?\s*"
                              r"\(\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s*\)",
    "date.weekday_paren_dm": r"\b(?:hari\s+)?(?P<wd><WEEKDAY>)\s*,?\s*\(\s*(?P<d>\d{1,2})/(?P<m>\d{1,2})\s*\)",
    "date.paren_day_range": r"(?:\b(?:hari\s+)?(?:<WEEKDAY>)\s*(?:<DAY_TO>)\s*(?:<WEEKDAY>)\s*,?\s*)?"
                            r"\(\s*(?P<d>\d{1,2})\s*(?:<DAY_TO>)\s*(?P<d2>\d{1,2})/(?P<m>\d{1,2})"
                            r"(?:/(?P<y>\d{4}))?\s*\)",
    "date.day_range_month": r"<NOT_AFTER_NUMBER>(?P<d>\d{1,2})\s*(?:<DAY_TO>)\s*(?P<d2>\d{1,2})\s+(?P<mon><MONTH>)\b"
                            r"(?:\s+(?P<y>\d{4}))?(?:\s+(?:(?P<past><PAST>)|(?P<ahead><AHEAD>))\b)?",
    "date.day_month_year": r"<NOT_AFTER_NUMBER>(?P<d>\d{1,2})\s+(?P<mon><MONTH>)\s+(?P<y>\d{4})\b",
    "date.day_month": r"<NOT_AFTER_NUMBER>(?P<d>\d{1,2})\s+(?P<mon><MONTH>)\b"
                      r"(?:\s+(?:(?P<past><PAST>)|(?P<ahead><AHEAD>))\b)?",
    "date.part_month": r"\b(?P<part><MONTH_PART>)\s+(?:bulan\s+)?(?P<mon><MONTH>)\b"
                       r"(?:\s+(?P<y>\d{4}))?(?:\s+(?P<past><PAST>)\b)?",
    "date.part_year": r"\b(?P<part><YEAR_PART>)\s+(?:(?:<YEAR_WORD>)\s+)?(?P<y>(?:19|20)\d{2})\b",
    "date.month_year": r"\b(?:bulan\s+)?(?P<mon><MONTH_CAP>)\s+(?P<y>\d{4})\b",
    "date.month": r"\b(?:(?P<mark><MONTH_MARKER>)\s+)?(?P<mon><MONTH_CAP>)\b"
                  r"(?:\s+(?:(?P<past><PAST>)|(?P<ahead><AHEAD>))\b)?",
    "date.month_relative_year": r"\b(?:(?P<part><MONTH_PART>)\s+)?(?:bulan\s+)?(?P<mon><MONTH>)\s+(?:<YEAR_WORD>)"
                                r"\s+(?P<rel><RELATIVE>)\b",
    "date.relative_year": r"\b(?:(?P<part><YEAR_PART>)\s+)?(?:<YEAR_WORD>)\s+(?P<rel><RELATIVE>)\b",
    "date.relative_month": r"\b(?:(?P<part><MONTH_PART>)\s+)?bulan\s+(?P<rel><RELATIVE>)\b",
    "date.relative_week": r"\b(?:<WEEK_WORD>)\s+(?P<rel><RELATIVE>)\b",
    "date.since_year": r"\b(?:<SINCE>)\s+(?:(?:<YEAR_WORD>)\s+)?(?P<y>\d{4})\b",
    "date.year": r"\b(?:<YEAR_WORD>)\s+(?P<y>\d{4})\b",
    "date.year_marked": r"\b(?:<YEAR_MARKER>)\s+(?P<y>(?:19|20)\d{2})\b(?!\s*(?:<COUNTED>)\b)",
    "date.year_past": r"<NOT_AFTER_NUMBER>(?P<y>(?:19|20)\d{2})\s+(?:<PAST>)\b",
    "date.yesterday": r"\b(?:<YESTERDAY>)\b",
    "date.today": r"\b(?:<TODAY>)\b",
    "date.weekday_of_week": (r"\b(?:(?:<WEEKDAY_MARKER>)\s+)?(?P<wd><WEEKDAY_CAP>)\s+(?:<WEEK_WORD>)\s+"
                             r"(?P<rel><RELATIVE>)\b"),
    "date.weekday_past": r"\b(?:(?:<WEEKDAY_MARKER>)\s+)?(?P<wd><WEEKDAY_CAP>)\s+(?:<PAST>)\b",
    "date.ago": r"\b(?P<n>\d{1,3}|<NUMBER>)\s+(?P<unit><UNIT>)\s+(?P<past><PAST>)\b",
    "date.ahead": r"\b(?P<n>\d{1,3}|<NUMBER>)\s+(?P<unit><UNIT>)\s+(?:<AHEAD_COUNT>)\b",
    "date.weekday": r"\b(?:<WEEKDAY_MARKER>)\s+(?P<wd><WEEKDAY_CAP>)\b",
    # a weekday without a marker is a date with a time of day after it, or alone after a comma at a clause's end
    # ("..., kata menteri itu, Kamis."); the group "at" is the date's text
    "date.weekday_time": r"\b(?P<wd><WEEKDAY_CAP>)\s+(?:<DAY_TIME>)\b",
    "date.weekday_tail": r",\s*(?P<at>(?P<wd><WEEKDAY_CAP>))(?=\s*(?:[.;]|$))",
}


def _capitalised(words) -> str:
    """Only capitalised names: "pada minggu ini" is a week, "pada Minggu" a Sunday; "Juni" needs its capital."""
    return "(?-i:" + _alt(w[0].upper() + w[1:] for w in words if len(w) >= 3) + ")"


def _slots(lex, months, weekdays) -> dict[str, str]:
    return {
        "WEEKDAY": _alt(weekdays), "WEEKDAY_CAP": _capitalised(weekdays), "MONTH": _alt(months),
        "MONTH_CAP": _capitalised(months), "PAST": _alt(lex["past"]), "YEAR_WORD": _alt(lex["year_words"]),
        "NUMBER": _alt(lex["numbers"]), "RELATIVE": _alt(lex["relative"]), "UNIT": _alt(lex["units"]),
        "MONTH_PART": _alt(lex["month_parts"]), "YEAR_PART": _alt(lex["year_parts"]),
        "MONTH_MARKER": _alt(lex["month_markers"]), "WEEKDAY_MARKER": _alt(lex["weekday_markers"]),
        "SINCE": _alt(lex["since"]), "NOT_AFTER_NUMBER": NOT_AFTER_NUMBER,
        "YEAR_MARKER": _alt(lex["year_markers"]), "COUNTED": _alt(lex["counted_units"]),
        "YESTERDAY": _alt(lex["yesterday"]), "TODAY": "(?<!hingga )(?<!sampai )(?:" + _alt(lex["today"]) + ")",
        "AHEAD": _alt(lex["ahead"]), "AHEAD_COUNT": _alt(lex["ahead_count"]),
        "DAY_TIME": "(?-i:" + _alt(lex["day_times"]) + ")",
        "DAY_TO": r"[-–]|hingga|sampai(?:\s+dengan)?|s\.d\.|s/d",
        "WEEK_WORD": "(?-i:" + _alt(lex["week_words"]) + ")",
    }


def _patterns(lex, months, weekdays) -> tuple[tuple[str, re.Pattern], ...]:
    slots = _slots(lex, months, weekdays)
    fill = re.compile(r"<([A-Z_]+)>")
    return tuple((rule, re.compile(fill.sub(lambda m: slots[m.group(1)], template), re.IGNORECASE))
                 for rule, template in PATTERNS.items())


DATES_FILE = "lexicons/dates_id.toml"
_SPAN = ListOf(int, size=2)        # [first, last]: days of a month part, months of a year part
DATES_SHAPE = Table({
    "past": WORDS, "future": WORDS, "range_to": WORDS, "since": WORDS, "weekday_markers": WORDS,
    "tense_breaks": ListOf(str), "ahead": WORDS, "ahead_count": WORDS, "day_times": WORDS, "report_words": WORDS,
    "report_fillers": WORDS,
    "then_words": WORDS, "duration_words": WORDS, "day_units": WORDS,
    "year_words": WORDS, "year_markers": WORDS, "counted_units": WORDS, "yesterday": WORDS, "today": WORDS,
    "month_markers": WORDS, "week_words": WORDS, "relative": Table(values=int),
    "month_parts": Table(values=_SPAN), "year_parts": Table(values=_SPAN), "numbers": Table(values=int),
    "units": Table(values=Table({"dateparser": str, "precision": Choice(("day", "month", "year"))})),
}, {"extra_months": Table(values=int), "extra_weekdays": Table(values=int)})


def compile_grammar(lex: Mapping[str, Any] | None, problems: Problems,
                    years: tuple[int, int] | None) -> Grammar | None:
    """The date grammar of the dates_id lexicon, or None when it is missing or broken (every problem reported).
    ``years`` is the metadata's range of plausible years (None when meta_dates is broken: reported there)."""
    if lex is None or not check(problems, DATES_FILE, lex, DATES_SHAPE) or years is None:
        return None
    months = {name: n + 1 for name, n in _dateparser_names(MONTH_KEYS, 3).items()}
    months.update(lex.get("extra_months", {}))
    weekdays = _dateparser_names(WEEKDAY_KEYS, 4)
    weekdays.update(lex.get("extra_weekdays", {}))
    return Grammar(
        lexicon=lex, months=months, weekdays=weekdays, patterns=_patterns(lex, months, weekdays),
        future=re.compile(rf"\b(?:{_alt(lex['future'])})\b", re.IGNORECASE),
        range_gap=re.compile(rf"^\s*(?:{_alt(lex['range_to'])})\s*$", re.IGNORECASE),
        tense_break=re.compile("|".join(lex["tense_breaks"]), re.IGNORECASE),
        # the report word, then at most a source's capitalised name ("dilansir AFP,", "dikutip dari Reuters,")
        report=re.compile(rf"\b(?:{_alt(lex['report_words'])})\s+(?:(?:{_alt(lex['report_fillers'])})\s+)*"
                          r"(?:(?-i:[A-Z])[\w.-]*\s*){0,3},?\s*(?:pada\s+)?(?:hari\s+)?$", re.IGNORECASE),
        then=re.compile(rf"\b(?:{_alt(lex['then_words'])})\b", re.IGNORECASE),
        duration=re.compile(rf"\b(?:{_alt(lex['duration_words'])})\s+(?P<n>\d{{1,2}}|{_alt(lex['numbers'])})\s+"
                            rf"(?:{_alt(lex['day_units'])})\b", re.IGNORECASE),
        years=years,
    )


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _whole_month(month: int) -> Build:
    return lambda y: (date(y, month, 1), date(y, month, _month_end(y, month)))


@dataclass(frozen=True)
class _Parts:
    """The groups every reader needs, already looked up."""

    lexicon: Mapping[str, Any]
    pub: date
    year: int | None
    month: int | None
    weekday: int | None
    ahead: bool = False


def _read_day(g: dict, r: _Parts) -> _Reading:
    day = int(g["d"])
    return _Reading(lambda y: (date(y, r.month, day),) * 2, r.year, "day", weekday=r.weekday, ahead=r.ahead,
                    past=bool(g.get("past")))


def _read_day_range(g: dict, r: _Parts) -> _Reading:
    first, last = int(g["d"]), int(g["d2"])
    return _Reading(lambda y: (date(y, r.month, first), date(y, r.month, last)), r.year, "day", ahead=r.ahead,
                    past=bool(g.get("past")))


def _read_part_month(g: dict, r: _Parts) -> _Reading:
    lo, hi = r.lexicon["month_parts"][g["part"].lower()]
    return _Reading(lambda y: (date(y, r.month, lo), date(y, r.month, min(hi, _month_end(y, r.month)))),
                    r.year, "month", approximate=True, past=bool(g.get("past")))


def _read_part_year(g: dict, r: _Parts) -> _Reading:
    lo, hi = r.lexicon["year_parts"][g["part"].lower()]
    return _Reading(lambda y: (date(y, lo, 1), date(y, hi, _month_end(y, hi))), r.year, "year", approximate=True)


def _read_month(g: dict, r: _Parts) -> _Reading | None:
    if g.get("y") is None and not (g.get("mark") or g.get("past") or g.get("ahead")):
        return None   # a bare capitalised month name without a cue may be a name ("Juni")
    return _Reading(_whole_month(r.month), r.year, "month", ahead=r.ahead, past=bool(g.get("past")))


READERS: dict[str, Callable[[dict, _Parts], _Reading | None]] = {
    "date.weekday_paren_dmy": _read_day, "date.weekday_paren_dm": _read_day, "date.day_month_year": _read_day,
    "date.day_month": _read_day, "date.day_range_month": _read_day_range, "date.paren_day_range": _read_day_range,
    "date.part_month": _read_part_month,
    "date.part_year": _read_part_year, "date.month_year": _read_month, "date.month": _read_month,
    "date.since_year": lambda g, r: _Reading(lambda y: (date(y, 1, 1), max(r.pub, date(y, 1, 1))), r.year, "year"),
    "date.year": lambda g, r: _Reading(lambda y: (date(y, 1, 1), date(y, 12, 31)), r.year, "year"),
    "date.year_marked": lambda g, r: _Reading(lambda y: (date(y, 1, 1), date(y, 12, 31)), r.year, "year"),
    "date.year_past": lambda g, r: _Reading(lambda y: (date(y, 1, 1), date(y, 12, 31)), r.year, "year"),
    "date.yesterday": lambda g, r: _on_day(r.pub - timedelta(days=1)),
    "date.today": lambda g, r: _on_day(r.pub),
    "date.weekday_of_week": lambda g, r: _read_weekday_of_week(g, r),
    "date.weekday_past": lambda g, r: _on_day(r.pub - timedelta(days=(r.pub.weekday() - r.weekday) % 7 or 7)),
    "date.ago": lambda g, r: _read_ago(g, r.lexicon, r.pub),
    "date.ahead": lambda g, r: _read_ahead(g, r.lexicon, r.pub),
    "date.month_relative_year": lambda g, r: _read_relative("month_year", g, r),
    "date.relative_year": lambda g, r: _read_relative("year", g, r),
    "date.relative_month": lambda g, r: _read_relative("month", g, r),
    "date.relative_week": lambda g, r: _read_week(g, r),
    # the weekday's date is found from the publication day in _to_dateref
    "date.weekday": lambda g, r: _Reading(lambda y: (r.pub, r.pub), r.pub.year, "day", weekday=r.weekday),
    "date.weekday_time": lambda g, r: _Reading(lambda y: (r.pub, r.pub), r.pub.year, "day", weekday=r.weekday),
    "date.weekday_tail": lambda g, r: _Reading(lambda y: (r.pub, r.pub), r.pub.year, "day", weekday=r.weekday),
}


def _read(rule: str, g: dict, gr: Grammar, pub: date) -> _Reading | None:
    """Turn one match's groups into a _Reading; None when the match is not a date after all."""
    month = gr.months.get((g.get("mon") or "").lower()) or (int(g["m"]) if g.get("m") else None)
    parts = _Parts(gr.lexicon, pub, int(g["y"]) if g.get("y") else None, month,
                   gr.weekdays.get((g.get("wd") or "").lower()), bool(g.get("ahead")))
    return READERS[rule](g, parts)


def _read_ago(g: dict, lex: Mapping[str, Any], pub: date) -> _Reading | None:
    n = g["n"].lower()
    count = int(n) if n.isdigit() else lex["numbers"][n]
    unit = lex["units"][g["unit"].lower()]
    base = datetime(pub.year, pub.month, pub.day)
    when = dateparser.parse(f"{count} {unit['dateparser']} lalu", languages=["id"],
                            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})
    if when is None:
        return None
    day = when.date()
    if unit["precision"] == "year":
        return _Reading(lambda y: (date(day.year, 1, 1), date(day.year, 12, 31)), day.year, "year", True)
    if unit["precision"] == "month":
        return _Reading(lambda y: _whole_month(day.month)(day.year), day.year, "month", True)
    return _Reading(lambda y: (day, day), day.year, "day")


def _read_ahead(g: dict, lex: Mapping[str, Any], pub: date) -> _Reading:
    """'3 tahun lagi': counted forward from publication, at the unit's precision (a year or month is approximate)."""
    n = g["n"].lower()
    count = int(n) if n.isdigit() else lex["numbers"][n]
    precision = lex["units"][g["unit"].lower()]["precision"]
    if precision == "year":
        year = pub.year + count
        return _Reading(lambda y: (date(year, 1, 1), date(year, 12, 31)), year, "year", True)
    if precision == "month":
        year, month = divmod(pub.year * 12 + pub.month - 1 + count, 12)
        return _Reading(lambda y: _whole_month(month + 1)(year), year, "month", True)
    return _on_day(pub + timedelta(days=count))


def _read_relative(kind: str, g: dict, r: _Parts) -> _Reading:
    """'Juni tahun lalu', 'akhir tahun ini', 'bulan lalu': counted from the publication year or month."""
    step, part = r.lexicon["relative"][g["rel"].lower()], (g.get("part") or "").lower()
    year, month = r.pub.year + step, r.month
    if kind == "month":
        year, month = divmod(r.pub.year * 12 + r.pub.month - 1 + step, 12)
        month += 1
    if kind == "year":
        lo, hi = r.lexicon["year_parts"][part] if part else (1, 12)
        return _Reading(lambda y: (date(y, lo, 1), date(y, hi, _month_end(y, hi))), year, "year", bool(part))
    lo, hi = r.lexicon["month_parts"][part] if part else (1, 31)
    return _Reading(lambda y: (date(y, month, lo), date(y, month, min(hi, _month_end(y, month)))), year, "month",
                    bool(part))


def _monday_of(g: dict, r: _Parts) -> date:
    return r.pub - timedelta(days=r.pub.weekday()) + timedelta(weeks=r.lexicon["relative"][g["rel"].lower()])


def _read_week(g: dict, r: _Parts) -> _Reading:
    """'pekan lalu': Monday to Sunday of that week; the day is not said, so month precision (GUIDELINES.md)."""
    monday = _monday_of(g, r)
    return _Reading(lambda y: (monday, monday + timedelta(days=6)), monday.year, "month", approximate=True)


def _read_weekday_of_week(g: dict, r: _Parts) -> _Reading:
    """'Senin pekan lalu': that weekday of that week (weeks run Monday to Sunday)."""
    return _on_day(_monday_of(g, r) + timedelta(days=r.weekday))


def _on_day(day: date) -> _Reading:
    return _Reading(lambda y: (day, day), day.year, "day")


def _choose_year(reading: _Reading, pub: date, future: bool) -> tuple[date, date]:
    """Year-less dates take the latest year not after publication (the next one if the sentence speaks of
    the future), except in the publication month itself: the month not yet over is this year's unless marked
    past ("Juni lalu" in a June paper is last year's; "akhir Juni", "25 Juni" are this June). A weekday written
    beside the date picks among those years the one where it agrees:
    "dijadwalkan ... Kamis (29/6)" in a paper of 30 June is this year's Thursday, not next year's."""
    if reading.year is not None:
        return reading.build(reading.year)
    years = [y for y in (pub.year - 1, pub.year, pub.year + 1) if _valid(reading, y)]
    agreeing = [y for y in years if reading.weekday is not None and reading.build(y)[0].weekday() == reading.weekday]
    if len(agreeing) == 1 and abs(agreeing[0] - pub.year) <= 1:
        return reading.build(agreeing[0])
    start, end = reading.build(pub.year)
    if reading.ahead and end < pub:
        return reading.build(pub.year + 1)
    if reading.past and end > pub:      # "Juni lalu" in a June paper: the month is not over, so last year's
        return reading.build(pub.year - 1)
    if future and end < pub - FUTURE_GRACE:
        return reading.build(pub.year + 1)
    if not future and start > pub and (start.year, start.month) != (pub.year, pub.month):
        return reading.build(pub.year - 1)
    return start, end       # the publication month not over: "akhir Juni" in a paper of 3 June is this June


def _valid(reading: _Reading, year: int) -> bool:
    try:
        reading.build(year)
    except ValueError:          # 29/2 outside a leap year
        return False
    return True


def _weekday_date(weekday: int, pub: date, future: bool) -> date:
    if future:
        return pub + timedelta(days=(weekday - pub.weekday()) % 7 or 7)
    return pub - timedelta(days=(pub.weekday() - weekday) % 7)


def _to_dateref(rule: str, m: re.Match, gr: Grammar, pub: date, future: bool, offset: int) -> DateRef | None:
    try:
        reading = _read(rule, m.groupdict(), gr, pub)
        if reading is None:
            return None
        if rule in BARE_WEEKDAY:
            start = end = _weekday_date(reading.weekday, pub, future)
        else:
            start, end = _choose_year(reading, pub, future)
    except (ValueError, TypeError, KeyError):   # 31/2, month 13, …: not a date
        return None
    if not gr.years[0] <= start.year <= end.year <= gr.years[1]:     # "tahun 0001", "9999": a typo or a code
        return None
    weekday_ok = None if reading.weekday is None or rule in WEEKDAY_ONLY else start.weekday() == reading.weekday
    at = "at" if m.groupdict().get("at") else 0
    return DateRef(start=start, end=end, precision=reading.precision, approximate=reading.approximate,
                   text=m.group(at), basis="sentence", rule_id=rule, start_char=offset + m.start(at),
                   end_char=offset + m.end(at), weekday_ok=weekday_ok)


def _non_overlapping(found: list[tuple[int, re.Match, str]], length: int) -> list[tuple[int, re.Match, str]]:
    """Longest match first (then rule order); a match overlapping a chosen one is dropped (a check costs the
    match's own length: the characters taken are marked)."""
    chosen: list[tuple[int, re.Match, str]] = []
    taken = bytearray(length)
    for item in sorted(found, key=lambda f: (-(f[1].end() - f[1].start()), f[0], f[1].start())):
        m = item[1]
        if taken.find(1, m.start(), m.end()) < 0:
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            chosen.append(item)
    return sorted(chosen, key=lambda f: f[1].start())


def _join_ranges(refs: list[DateRef], text: str, offset: int, gr: Grammar) -> list[DateRef]:
    """'Rabu (25/6) hingga Kamis (26/6)' → one DateRef from the first day to the last."""
    joined: list[DateRef] = []
    for ref in refs:
        prev = joined[-1] if joined else None
        gap = text[prev.end_char - offset:ref.start_char - offset] if prev else ""
        if prev and gr.range_gap.match(gap) and prev.start <= ref.end:
            oks = {prev.weekday_ok, ref.weekday_ok} - {None}
            joined[-1] = DateRef(
                start=prev.start, end=ref.end, precision=max(prev.precision, ref.precision, key=PRECISION_ORDER.index),
                approximate=prev.approximate or ref.approximate,
                text=text[prev.start_char - offset:ref.end_char - offset],
                basis="sentence", rule_id="date.range", start_char=prev.start_char, end_char=ref.end_char,
                weekday_ok=(False not in oks) if oks else None)
        else:
            joined.append(ref)
    return joined


PRECISION_ORDER = ("day", "month", "year")
# A year-less date in a sentence about the future that lies up to this long before publication is still this
# year's: an article often reports, the morning after, what "was scheduled" for yesterday.
FUTURE_GRACE = timedelta(days=14)
# a weekday alone: resolved from the publication day, backwards unless its clause speaks of the future
BARE_WEEKDAY = ("date.weekday", "date.weekday_time", "date.weekday_tail")
WEEKDAY_ONLY = BARE_WEEKDAY + ("date.weekday_of_week", "date.weekday_past")   # the weekday gives the day


def find_dates(text: str, published_at: datetime | None, grammar: Grammar, offset: int = 0) -> list[DateRef]:
    """Every date expression in ``text`` (one sentence), resolved against ``published_at``.

    ``offset`` is added to the character offsets, so passing the sentence's start gives offsets into the field.
    Without a publication date only the dates that do not depend on it are found ("15 September 2022", "pada
    2013", not "Selasa (10/11)" or "pekan lalu"): those that two far-apart anchors resolve alike.
    """
    if published_at is None:
        anchored = [_find(text, anchor, grammar, offset) for anchor in UNANCHORED_PROBES]
        return [ref for ref in anchored[0] if all(ref in other for other in anchored[1:])]
    return _find(text, published_at.date(), grammar, offset)


# Two publication days far apart: a date that both resolve alike does not depend on the publication date.
UNANCHORED_PROBES = (date(1990, 1, 1), date(2035, 7, 15))


def _find(text: str, pub: date, gr: Grammar, offset: int) -> list[DateRef]:
    found = [(i, m, rule) for i, (rule, rx) in enumerate(gr.patterns) for m in rx.finditer(text)]
    chosen = _non_overlapping(found, len(text))
    future = _future_clauses(text, gr)
    refs = [ref for _, m, rule in chosen
            if (ref := _to_dateref(rule, m, gr, pub, future(m.start(), m.end()), offset)) is not None]
    return _with_duration(_join_ranges(refs, text, offset, gr), text, offset, gr)


def _with_duration(refs: list[DateRef], text: str, offset: int, gr: Grammar) -> list[DateRef]:
    """'kunjungan selama dua hari ..., mulai Kamis (19/6)': the one day nearest a sentence's one duration in days
    becomes a range that long, its text running from the one to the other."""
    spans = list(gr.duration.finditer(text))
    days = [r for r in refs if r.precision == "day" and r.start == r.end]
    if len(spans) != 1 or not days:
        return refs
    span = spans[0]
    lo, hi = offset + span.start(), offset + span.end()
    near = min(days, key=lambda r: max(0, r.start_char - hi, lo - r.end_char))
    if max(0, near.start_char - hi, lo - near.end_char) > DURATION_GAP_CHARS:
        return refs
    n = span.group("n").lower()
    count = int(n) if n.isdigit() else gr.lexicon["numbers"][n]
    if not 1 < count <= MAX_DURATION_DAYS:
        return refs
    start, end = min(lo, near.start_char), max(hi, near.end_char)
    ranged = replace(near, end=near.start + timedelta(days=count - 1), rule_id="date.duration",
                     text=text[start - offset:end - offset], start_char=start, end_char=end)
    return [ranged if r is near else r for r in refs]


DURATION_GAP_CHARS = 60     # a duration this close to a day is that day's event's length
MAX_DURATION_DAYS = 31


def _future_clauses(text: str, gr: Grammar) -> Callable[[int, int], bool]:
    """Whether the clause around [start, end) speaks of the future: a future word between the tense breaks around
    it ("Kami akan ...," ujarnya usai bertemu, Kamis: the quote's "akan" is not the Thursday's tense)."""
    cuts = [0] + [i for m in gr.tense_break.finditer(text) for i in (m.start(), m.end())] + [len(text)]
    clauses = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    future = [bool(gr.future.search(text, lo, hi)) for lo, hi in clauses]

    def speaks_of_future(start: int, end: int) -> bool:
        return any(f for (lo, hi), f in zip(clauses, future) if lo <= end and start <= hi)
    return speaks_of_future


def ahead_of(ref: DateRef, published_at: datetime) -> DateRef:
    """A bare weekday of a planned event, read as the next such day after publication ("Menteri dijadwalkan
    bertemu ... pada Rabu" where no word of the date's clause says it is ahead)."""
    pub = published_at.date()
    if ref.rule_id not in BARE_WEEKDAY or ref.start >= pub:     # the day itself stays: "hari ini" news
        return ref
    day = _weekday_date(ref.start.weekday(), pub, future=True)
    return replace(ref, start=day, end=day)


def reported(ref: DateRef, text: str, offset: int, grammar: Grammar) -> bool:
    """A date of writing or quoting ("ditulis Jumat (20/6)", "dilansir AFP, Kamis"): no event took place then."""
    before = text[max(0, ref.start_char - offset - REPORT_CHARS):ref.start_char - offset]
    return bool(grammar.report.search(before))


REPORT_CHARS = 80    # a report word, a source's name and a comma fit in this many characters before the date


def publication_date(published_at: datetime) -> DateRef:
    """The fallback when a sentence has no date: the publication day, marked as such."""
    day = published_at.date()
    return DateRef(start=day, end=day, precision="day", approximate=False, text=None, basis="publication",
                   rule_id="date.publication")


def choose_date(refs: list[DateRef], start: int, end: int, published_at: datetime) -> DateRef:
    """The date nearest to the span [start, end) (a trigger), or the publication date when there is none."""
    def distance(ref: DateRef) -> int:
        return max(0, ref.start_char - end, start - ref.end_char)
    if not refs:
        return publication_date(published_at)
    return min(refs, key=lambda ref: (distance(ref), ref.start_char))

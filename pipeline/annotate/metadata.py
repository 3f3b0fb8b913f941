"""Metadata: title, publication time (WIB), its source, author/editor, wire source, dateline, language.

Bylines and the like come first from lines the cleaner classified as metadata (read back through the rule
that removed them), then from the HTML/JSON metadata, last from the body ("seperti dikutip TASS").  The
publication time comes from the page's own structured data (JSON-LD, meta tags, <time>) and its printed
date line, which vote (see ``_publication``); then trafilatura's or a scraper's date; then the body's dated
references.  Titles lose the site's name (titles.py).  Related-article lists are never read: the cleaner
kept them out of the body and the metadata lines.
"""
from __future__ import annotations

import email.utils
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Iterator, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import dateparser

from pipeline.annotate import titles
from pipeline.annotate.clean import TITLE_RULE
from pipeline.knowledge.problems import Problems
from pipeline.knowledge.profiles import Profile, normalise_line, page_url
from pipeline.knowledge.shape import WORDS, ListOf, Regex, Table, check
from pipeline.record import Article, Meta, replace

_DATEPARSER_SETTINGS = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"],
                        "RELATIVE_BASE": datetime(2000, 1, 1), "PREFER_DATES_FROM": "past"}
# Indonesian first; some sites print English month names ("07 January 2025 11:05").
_PAGE_DATE_LANGUAGES = ["id", "en"]
_UNPADDED = re.compile(r"(?<=:)(\d)(?!\d)")
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")
# '2019-09-28T19:17:34+07:00'; the separator may be a space, a zone name (PHP's 'T') or an hour offset.
_MACHINE_DATE = re.compile(
    r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})"
    r"(?:(?:T|\s+|(?P<zone>[A-Z]{3,4})|(?P<hour_offset>[+-]\d{2})(?=\d{1,2}[:.]))\s*"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?(?:[.,]\d+)?)?"
    r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2}|[+-]\d{2}(?!\d))?\s*(?P<zone_end>[A-Z]{3,4})?$")
_DATE_PARTS = ("year", "month", "day", "hour", "minute", "second")
# A printed date line once its weekday, separators and zone are gone: '05 Nov 2015 13:20', '28 09 2019, 19:17'.
_COMMON_PAGE_DATE = re.compile(
    r"^(?:[A-Z][a-z\x27]+,?\s+)?(?P<day>\d{1,2})\s+(?P<month>\d{1,2}|[A-Za-z]{3,9})\s+(?P<year>\d{4})"
    r"(?:,?\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?$")
_WORD = re.compile(r"[^\W\d_]+")
# The named groups a date pattern of meta_dates [[inferred]] must have: _date_of and _candidate_dates read them.
_INFERRED_GROUPS = frozenset({"day", "month", "year", "weekday"})
DATES_FILE = "lexicons/meta_dates.toml"
OUT_OF_RANGE = "out-of-range"      # date_source of an article whose only date lies outside DateRules.years
SOURCES_FILE = "lexicons/meta_sources.toml"
LANGUAGE_FILE = "lexicons/meta_language.toml"
_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2})$")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
DATES_SHAPE = Table({"timezone": str, "years": ListOf(int, size=2), "future_cues": ListOf(str),
                     "zones": Table(values=str),
                     "weekdays": Table(values=int), "month_prefixes": Table(values=int),
                     "inferred": ListOf(Table({"id": str, "pattern": Regex(_INFERRED_GROUPS, _INFERRED_GROUPS)}))})
SOURCES_SHAPE = Table({"known": WORDS, "attribution": Regex(), "domain": Regex()})
LANGUAGE_SHAPE = Table({"min_share": float, "expected": str, "words": Table(values=WORDS)})


@dataclass(frozen=True)
class DateRules:
    """``lexicons/meta_dates.toml``: time zones, month and weekday names, the body's dated references."""

    timezone: tzinfo                               # the zone every published_at is expressed in (WIB)
    zones: Mapping[str, tzinfo]                    # abbreviation -> zone
    years: tuple[int, int]                         # the first and last publication year that is a date
    month_prefixes: Mapping[str, int]
    weekdays: Mapping[str, int]
    inferred: tuple[tuple[str, re.Pattern], ...]   # (rule id, pattern) of the body's dated references
    future_cues: frozenset[str]


@dataclass(frozen=True)
class MetadataRules:
    """What the metadata stage reads an article with (compiled once, pipeline/compiled.py)."""

    profiles: Mapping[str, Profile]
    titles: titles.TitleRules
    dates: DateRules
    attribution: re.Pattern            # "dikutip dari TASS": a wire source in the body
    credit: re.Pattern                 # "(TASS)" at the end of a caption
    language: Mapping[str, Any]        # lexicons/meta_language.toml: expected language, its stop words


def compile_metadata_rules(profiles: Mapping[str, Profile] | None, title_rules: titles.TitleRules | None,
                           lexicons: Mapping[str, Any], problems: Problems) -> MetadataRules | None:
    """``lexicons``: meta_dates, meta_sources and meta_language as parsed (None: missing, reported elsewhere)."""
    dates, sources, language = (lexicons.get(n) for n in ("meta_dates", "meta_sources", "meta_language"))
    valid = [lexicon is not None and check(problems, file, lexicon, shape) for lexicon, file, shape in
             ((dates, DATES_FILE, DATES_SHAPE), (sources, SOURCES_FILE, SOURCES_SHAPE),
              (language, LANGUAGE_FILE, LANGUAGE_SHAPE))]
    if not all(valid):
        return None
    known = [_known_zones(dates, problems), _known_language(language, problems)]
    if not all(known) or profiles is None or title_rules is None:
        return None
    attribution, credit = _compile_sources(sources)
    return MetadataRules(profiles, title_rules, _date_rules(dates), attribution, credit, language)


def _date_rules(dates: Mapping[str, Any]) -> DateRules:
    zones = {name: zone_named(value) for name, value in dates["zones"].items()}
    return DateRules(zone_named(dates["timezone"]), zones, tuple(dates["years"]), dates["month_prefixes"],
                     dates["weekdays"], tuple((r["id"], re.compile(r["pattern"])) for r in dates["inferred"]),
                     frozenset(dates["future_cues"]))


def zone_named(name: str) -> tzinfo:
    """'+07:00' → that fixed offset; 'Asia/Makassar' → the IANA zone (KeyError or ValueError for neither)."""
    offset = _OFFSET.match(name)
    if offset is None:
        return ZoneInfo(name)
    sign = -1 if offset["sign"] == "-" else 1
    return timezone(sign * timedelta(hours=int(offset["hours"]), minutes=int(offset["minutes"])))


def _known_zones(dates: Mapping[str, Any], problems: Problems) -> bool:
    ok = True
    for path, name in [(("timezone",), dates["timezone"]), *((("zones", k), v) for k, v in dates["zones"].items())]:
        try:
            zone_named(name)
        except (KeyError, ValueError):
            problems.add(DATES_FILE, path, f"{name!r} is neither a UTC offset (such as '+07:00') nor an IANA time "
                                           "zone (such as 'Asia/Makassar')")
            ok = False
    first, last = dates["years"]
    if not 1 < first <= last < 9999:
        problems.add(DATES_FILE, ("years",), f"[{first}, {last}] is not a range of years between 2 and 9998")
        ok = False
    return ok


def _known_language(language: Mapping[str, Any], problems: Problems) -> bool:
    if language["expected"] in language["words"]:
        return True
    problems.add(LANGUAGE_FILE, ("expected",), f"{language['expected']!r} has no stop words under [words]")
    return False


def add_metadata(article: Article, rules: MetadataRules) -> Article:
    profile = rules.profiles[article.profile_id or "generic"]
    fields: dict[str, str] = {}
    for name, value in _page_fields(article, profile):
        if name == "date_text" and _timed_after_day_only(value, fields):
            for key in ("date", "tz", "date_text"):
                fields.pop(key, None)
        fields.setdefault(name, value)          # the first line that gives a field wins (head before foot)
    html = article.page.html_meta
    published_at, date_source, date_text = _publication(fields, html, article.body, rules.dates)
    language = _language(article.body, rules.language)
    names = titles.page_site_keys(profile, html, page_url(article.page), rules.titles)
    meta = Meta(
        site=profile.site or _host(page_url(article.page)) or html.get("sitename"),
        url=page_url(article.page),
        title=titles.clean_title(html.get("title") or fields.get("title"), names, rules.titles),
        published_at=published_at, date_source=date_source, date_text=date_text,
        author=fields.get("author") or _person(html.get("author"), names) or fields.get("signoff"),
        editor=fields.get("editor") or html.get("editor"),
        wire_source=_wire_source(fields, article, profile, rules),
        dateline=fields.get("city"),
        language=language,
        language_ok=language == rules.language["expected"],
    )
    return replace(article, meta=meta)


def _timed_after_day_only(date_line: str, fields: dict[str, str]) -> bool:
    """A date line with a clock time after one that gives the day only: the timed one is read instead."""
    return "date" in fields and not _CLOCK.search(fields["date"]) and bool(_CLOCK.search(date_line))


def _person(author: str | None, site_keys: frozenset[str]) -> str | None:
    """An author from the page metadata, unless it is the site itself ('Kompas.com', 'detikNews')."""
    flat = re.sub(r"[^0-9a-z]+", "", (author or "").casefold())
    return None if not flat or any(key in flat for key in site_keys) else author


# ---------------------------------------------------------------- lines the cleaner set aside

def _page_fields(article: Article, profile: Profile) -> Iterator[tuple[str, str]]:
    """(field, value) from every removed metadata line, re-read with the rule that removed it."""
    lines = article.page.text.split("\n")
    for removed in article.removed:
        if removed.rule_id == TITLE_RULE:
            yield "title", removed.text
        elif removed.rule_id == (profile.signoff.id if profile.signoff else None):
            signed = profile.signoff.search(removed.text)
            yield "signoff", (signed.groupdict().get("author") if signed else None) or removed.text.strip("()[]")
        rule = profile.rule(removed.rule_id)
        line = normalise_line(lines[removed.line_no])
        match = rule.search(line) if rule else None
        if match and match.groupdict().get("date"):
            yield "date_text", line
        for name, value in (match.groupdict() if match else {}).items():
            if value and value.strip():
                yield name, value.strip()


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


# ---------------------------------------------------------------- publication date

@dataclass(frozen=True)
class _Dated:
    source: str               # a DATE_SOURCES value
    text: str                 # the words or value it came from
    at: datetime              # tz-aware, in WIB
    wall: datetime            # naive local time as written, to catch a wrong zone
    has_time: bool


def _publication(fields: dict, html: dict, body: str, dates: DateRules):
    """The page's own dates vote (JSON-LD, meta tags, <time>, the printed date line, in this order of trust):
    the time most of them agree on, to the minute, wins, and the most trusted source giving it is named.
    A source with a time beats one without; trafilatura's or a scraper's date, then the body, come after."""
    own = [d for d in _own_dates(fields, html, dates) if d]
    best = _agreed(own)
    if best is None and html.get("date"):
        best = _machine_date("html-meta", str(html["date"]), dates)
    if best is not None:
        return best.at, best.source, best.text
    inferred = infer_date(body, dates)
    if inferred:
        day, text = inferred
        return datetime(day.year, day.month, day.day, tzinfo=dates.timezone), "inferred-from-text", text
    rejected = next((text for text in _date_texts(fields, html) if _out_of_range(text, dates)), None)
    return None, OUT_OF_RANGE if rejected else None, rejected


def _date_texts(fields: dict, html: dict) -> Iterator[str]:
    for key in ("date.json-ld", "date.meta-tag", "date.time-element", "date"):
        if html.get(key):
            yield str(html[key])
    if fields.get("date"):
        yield fields.get("date_text", fields["date"])


def _out_of_range(text: str, dates: DateRules) -> bool:
    """The text names a year (four digits) outside the range of publication years."""
    return any(not in_range(int(year), dates) for year in _YEAR.findall(text))


def in_range(year: int, dates: DateRules) -> bool:
    first, last = dates.years
    return first <= year <= last


def _own_dates(fields: dict, html: dict, dates: DateRules) -> Iterator[_Dated | None]:
    for source in ("json-ld", "meta-tag", "time-element"):
        if html.get(f"date.{source}"):
            yield _machine_date(source, html[f"date.{source}"], dates)
    if fields.get("date"):
        yield _page_dated(fields["date"], fields.get("tz"), fields.get("date_text", fields["date"]), dates)


def _agreed(dates: list[_Dated]) -> _Dated | None:
    page = next((d for d in dates if d.source == "page" and d.has_time), None)
    timed = [d for d in dates if d.has_time and not (page and _zone_slip(d, page))]
    if not timed:
        return dates[0] if dates else None
    votes = Counter(d.at.replace(second=0, microsecond=0) for d in timed)
    most = max(votes.values())
    return next(d for d in timed if votes[d.at.replace(second=0, microsecond=0)] == most)


def _zone_slip(dated: _Dated, page: _Dated) -> bool:
    """Same clock time as the printed date line, another instant: the value carries a wrong zone (local
    time labelled UTC is common), and the line the readers see is right."""
    same_clock = dated.wall.replace(second=0, microsecond=0) == page.wall.replace(second=0, microsecond=0)
    return same_clock and dated.at.replace(second=0, microsecond=0) != page.at.replace(second=0, microsecond=0)


def _page_dated(text: str, tz: str | None, date_text: str, dates: DateRules) -> _Dated | None:
    parsed = parse_page_date(text, tz, dates, keep_zone=True)
    if parsed is None:
        return None
    at = parsed.astimezone(dates.timezone)
    return _Dated("page", date_text, at, parsed.replace(tzinfo=None), bool(_CLOCK.search(text)))


def parse_page_date(text: str, tz: str | None, dates: DateRules, keep_zone: bool = False) -> datetime | None:
    """'Kamis, 26 Juni 2025 16:38:5 WIB' → 2025-06-26 16:38:05+07:00 (tz-aware, in WIB; in the printed
    zone with ``keep_zone``)."""
    zones = dates.zones
    tz = (tz or next((abbr for abbr in zones if re.search(rf"\b{abbr}$", text.strip(), re.IGNORECASE)), "")).upper()
    cleaned = re.sub(r"\s*[/|–—·•]\s*|\s+-\s+", " ", text)
    cleaned = re.sub(r"\b(?:pukul|Pukul)\b|\b(?:%s)\s*$" % "|".join(zones), " ", cleaned, flags=re.IGNORECASE)
    cleaned = _UNPADDED.sub(r"0\1", cleaned.strip())
    parsed = _common_page_date(cleaned, dates.month_prefixes)
    if parsed is None:
        parsed = dateparser.parse(cleaned, languages=_PAGE_DATE_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    if parsed is None or not in_range(parsed.year, dates):
        return None
    local = parsed.replace(tzinfo=zones.get(tz or "", dates.timezone))
    return local if keep_zone else local.astimezone(dates.timezone)


def _common_page_date(text: str, months: Mapping[str, int]) -> datetime | None:
    """'Kamis 05 Nov 2015 13:20', '28 09 2019, 19:17:34' → naive datetime; None for any other form."""
    match = _COMMON_PAGE_DATE.search(text)
    if not match:
        return None
    month = match["month"]
    number = int(month) if month.isdigit() else months.get(month[:3].casefold())
    try:
        return datetime(int(match["year"]), number or 0, int(match["day"]), int(match["hour"] or 0),
                        int(match["minute"] or 0), int(match["second"] or 0))
    except ValueError:
        return None


def parse_machine_date(text: str, dates: DateRules) -> tuple[datetime, datetime, bool] | None:
    """A date as markup writes it → (instant in WIB, naive clock time as written, has a time), or None.

    ISO 8601 and its everyday variants: '2019-09-28T19:17:34+07:00', '2019-09-28 19:17:34', '2015/11/05
    13:20:00', '2019-09-28T12:17:34Z', and a time-zone name where the 'T' should be
    ('2019-09-28WIB19:17:34+07:00', PHP's 'T' format); RFC 2822 ('Sat, 28 Sep 2019 19:17:34 +0700').
    No zone: WIB; a zone name alone: that zone."""
    match = _MACHINE_DATE.match(text.strip())
    if not match:
        return _rfc2822_date(text, dates)
    parts = {k: int(match[k]) for k in _DATE_PARTS if match[k]}
    if not in_range(parts["year"], dates):
        return None
    try:
        wall = datetime(parts["year"], parts["month"], parts["day"], parts.get("hour", 0), parts.get("minute", 0),
                        parts.get("second", 0))
    except ValueError:
        return None
    zone = _zone_of(match["offset"] or match["hour_offset"], match["zone"] or match["zone_end"], dates)
    return wall.replace(tzinfo=zone).astimezone(dates.timezone), wall, match["hour"] is not None


def _rfc2822_date(text: str, dates: DateRules) -> tuple[datetime, datetime, bool] | None:
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if not in_range(parsed.year, dates):
        return None
    wib = dates.timezone
    at = parsed.replace(tzinfo=wib) if parsed.tzinfo is None else parsed.astimezone(wib)
    return at, parsed.replace(tzinfo=None), True


def _zone_of(offset: str | None, name: str | None, dates: DateRules):
    if offset:
        if offset == "Z":
            return timezone.utc
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
    return dates.zones.get(name or "", dates.timezone)


def _machine_date(source: str, text: str, dates: DateRules) -> _Dated | None:
    parsed = parse_machine_date(text, dates)
    if parsed is None:                          # '28/09/2019 19:17' and other printed forms
        local = parse_page_date(text, None, dates, keep_zone=True)
        wib = dates.timezone
        parsed = (local.astimezone(wib), local.replace(tzinfo=None), bool(_CLOCK.search(text))) if local else None
    if parsed is None:
        return None
    at, wall, has_time = parsed
    return _Dated(source, text, at, wall, has_time)


def _candidate_dates(body: str, dates: DateRules) -> Iterator[tuple[date, str]]:
    for _, pattern in dates.inferred:
        for match in pattern.finditer(body):
            day = _date_of(match)
            if (day and in_range(day.year, dates)
                    and day.weekday() == dates.weekdays.get(match["weekday"], day.weekday())
                    and not _looks_ahead(body, match, dates.future_cues)):
                yield day, match.group(0)


def _looks_ahead(body: str, match: re.Match, cues: frozenset[str]) -> bool:
    """True when the clause around the date (back to the last comma, quote or full stop, and a few words
    after it) has a future cue; '"Kami akan ...," kata dia, Jumat (30/11/2018)' still dates the article."""
    left = re.split(r"[.!?]\s|[,;:\"”]", body[max(0, match.start() - 120):match.start()])[-1]
    right = re.split(r"[.!?]\s|,", body[match.end():match.end() + 30])[0]
    words = {w.casefold() for w in _WORD.findall(f"{left} {right}")}
    return bool(words & cues)


def _date_of(match: re.Match) -> date | None:
    month = match["month"]
    if not month.isdigit():
        parsed = dateparser.parse(f"{match['day']} {month} {match['year']}", languages=["id"],
                                  settings=_DATEPARSER_SETTINGS)
        return parsed.date() if parsed else None
    try:
        return date(int(match["year"]), int(month), int(match["day"]))
    except ValueError:
        return None


def infer_date(body: str, dates: DateRules) -> tuple[date, str] | None:
    """The latest dated reference in the body whose weekday agrees: 'Jumat (30/11/2018)' → 2018-11-30."""
    candidates = sorted(_candidate_dates(body, dates), key=lambda c: (c[0], c[1]))
    return candidates[-1] if candidates else None


# ---------------------------------------------------------------- wire source

def _compile_sources(sources: Mapping[str, Any]) -> tuple[re.Pattern, re.Pattern]:
    names = sorted(sources["known"], key=len, reverse=True)
    name = "(?P<source>" + "|".join(re.escape(n) for n in names) + "|" + sources["domain"] + ")"
    attribution = re.compile(sources["attribution"] + name + r"(?![\w.-]*\w)")
    credit = re.compile(r"\(" + name + r"\)$")
    return attribution, credit


def _wire_source(fields: dict, article: Article, profile: Profile, rules: MetadataRules) -> str | None:
    if fields.get("wire_source"):
        return fields["wire_source"]
    attribution, credit = rules.attribution, rules.credit
    found = [m["source"] for m in attribution.finditer(article.body)]
    found += [m["source"] for line in article.captions.split("\n") for m in [credit.search(line)] if m]
    return next((s for s in found if s not in profile.own_sources), None)


# ---------------------------------------------------------------- language

def _language(body: str, lexicon: Mapping[str, Any]) -> str | None:
    words = [w.casefold() for w in _WORD.findall(body)]
    if not words:
        return None
    stops = {lang: set(stop) for lang, stop in lexicon["words"].items()}
    shares = {lang: sum(1 for w in words if w in stop) / len(words) for lang, stop in stops.items()}
    best = max(sorted(shares), key=lambda lang: shares[lang])
    return best if shares[best] >= lexicon["min_share"] else None

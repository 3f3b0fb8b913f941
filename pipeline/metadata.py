"""Metadata: title, publication time (WIB), its source, author/editor, wire source, dateline, language.

Values come, in this order of trust, from lines the cleaner classified as metadata (read back through
the rule that removed them), from the HTML/JSON metadata, and last from the body (dated references,
"seperti dikutip TASS").  Related-article lists are never read: the cleaner kept them out of both.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Iterator
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import dateparser

from pipeline.clean import TITLE_RULE
from pipeline.knowledge import Knowledge
from pipeline.profiles import Profile, load_profiles, normalise_line, page_url
from pipeline.record import Article, Meta, replace

_DATEPARSER_SETTINGS = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"],
                        "RELATIVE_BASE": datetime(2000, 1, 1), "PREFER_DATES_FROM": "past"}
_UNPADDED = re.compile(r"(?<=:)(\d)(?!\d)")
_WORD = re.compile(r"[^\W\d_]+")


def add_metadata(article: Article, knowledge: Knowledge) -> Article:
    profile = load_profiles(knowledge)[article.profile_id or "generic"]
    fields: dict[str, str] = {}
    for name, value in _page_fields(article, profile):
        fields.setdefault(name, value)          # the first line that gives a field wins (head before foot)
    html = article.page.html_meta
    published_at, date_source, date_text = _publication(fields, html, article.body, knowledge)
    language = _language(article.body, knowledge)
    meta = Meta(
        site=profile.site or _host(page_url(article.page)) or html.get("sitename"),
        url=page_url(article.page),
        title=html.get("title") or fields.get("title"),
        published_at=published_at, date_source=date_source, date_text=date_text,
        author=fields.get("author") or html.get("author"),
        editor=fields.get("editor") or html.get("editor"),
        wire_source=_wire_source(fields, article, profile, knowledge),
        dateline=fields.get("city"),
        language=language,
        language_ok=language == knowledge.lexicon("meta_language")["expected"],
    )
    return replace(article, meta=meta)


# ---------------------------------------------------------------- lines the cleaner set aside

def _page_fields(article: Article, profile: Profile) -> Iterator[tuple[str, str]]:
    """(field, value) from every removed metadata line, re-read with the rule that removed it."""
    lines = article.page.text.split("\n")
    for removed in article.removed:
        if removed.rule_id == TITLE_RULE:
            yield "title", removed.text
        elif removed.rule_id == (profile.signoff.id if profile.signoff else None):
            yield "author", removed.text.strip("()")
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

def _publication(fields: dict, html: dict, body: str, knowledge: Knowledge):
    dates = knowledge.lexicon("meta_dates")
    wib = ZoneInfo(dates["timezone"])
    if fields.get("date"):
        parsed = parse_page_date(fields["date"], fields.get("tz"), knowledge)
        if parsed:
            return parsed, "page", fields.get("date_text", fields["date"])
    if html.get("page_date"):
        parsed = parse_page_date(html["page_date"], None, knowledge)
        if parsed:
            return parsed, "page", html["page_date"]
    if html.get("date"):
        parsed = _parse_iso(str(html["date"]), wib)
        if parsed:
            return parsed, "html-meta", str(html["date"])
    inferred = infer_date(body, knowledge)
    if inferred:
        day, text = inferred
        return datetime(day.year, day.month, day.day, tzinfo=wib), "inferred-from-text", text
    return None, None, None


def parse_page_date(text: str, tz: str | None, knowledge: Knowledge) -> datetime | None:
    """'Kamis, 26 Juni 2025 16:38:5 WIB' → 2025-06-26 16:38:05+07:00 (tz-aware, in WIB)."""
    dates = knowledge.lexicon("meta_dates")
    zones = dates["zones"]
    tz = tz or next((abbr for abbr in zones if re.search(rf"\b{abbr}$", text.strip())), None)
    cleaned = re.sub(r"\s*[/|]\s*", " ", text)
    cleaned = re.sub(r"\b(?:pukul|Pukul)\b|\b(?:%s)\s*$" % "|".join(zones), " ", cleaned)
    cleaned = _UNPADDED.sub(r"0\1", cleaned.strip())
    parsed = dateparser.parse(cleaned, languages=["id"], settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        return None
    local = parsed.replace(tzinfo=ZoneInfo(zones.get(tz or "", dates["timezone"])))
    return local.astimezone(ZoneInfo(dates["timezone"]))


def _parse_iso(text: str, wib: ZoneInfo) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=wib) if parsed.tzinfo is None else parsed.astimezone(wib)


@lru_cache(maxsize=8)
def _inferred_rules(digest: str, patterns: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((rule_id, re.compile(pattern)) for rule_id, pattern in patterns)


def _candidate_dates(body: str, knowledge: Knowledge) -> Iterator[tuple[date, str]]:
    dates = knowledge.lexicon("meta_dates")
    patterns = tuple((r["id"], r["pattern"]) for r in dates["inferred"])
    for _, pattern in _inferred_rules(knowledge.digest, patterns):
        for match in pattern.finditer(body):
            day = _date_of(match)
            if (day and day.weekday() == dates["weekdays"].get(match["weekday"], day.weekday())
                    and not _looks_ahead(body, match, dates["future_cues"])):
                yield day, match.group(0)


def _looks_ahead(body: str, match: re.Match, cues: list[str]) -> bool:
    """True when the clause around the date (back to the last comma, quote or full stop, and a few words
    after it) has a future cue; '"Kami akan ...," kata dia, Jumat (30/11/2018)' still dates the article."""
    left = re.split(r"[.!?]\s|[,;:\"”]", body[max(0, match.start() - 120):match.start()])[-1]
    right = re.split(r"[.!?]\s|,", body[match.end():match.end() + 30])[0]
    words = {w.casefold() for w in _WORD.findall(f"{left} {right}")}
    return bool(words & set(cues))


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


def infer_date(body: str, knowledge: Knowledge) -> tuple[date, str] | None:
    """The latest dated reference in the body whose weekday agrees: 'Jumat (30/11/2018)' → 2018-11-30."""
    candidates = sorted(_candidate_dates(body, knowledge), key=lambda c: (c[0], c[1]))
    return candidates[-1] if candidates else None


# ---------------------------------------------------------------- wire source

def _source_pattern(knowledge: Knowledge) -> tuple[re.Pattern, re.Pattern]:
    return _compile_sources(knowledge.digest, knowledge.lexicon("meta_sources"))


_SOURCE_CACHE: dict[str, tuple[re.Pattern, re.Pattern]] = {}


def _compile_sources(digest: str, sources) -> tuple[re.Pattern, re.Pattern]:
    if digest in _SOURCE_CACHE:
        return _SOURCE_CACHE[digest]
    names = sorted(sources["known"], key=len, reverse=True)
    name = "(?P<source>" + "|".join(re.escape(n) for n in names) + "|" + sources["domain"] + ")"
    attribution = re.compile(sources["attribution"] + name + r"(?![\w.-]*\w)")
    credit = re.compile(r"\(" + name + r"\)$")
    _SOURCE_CACHE[digest] = (attribution, credit)
    return attribution, credit


def _wire_source(fields: dict, article: Article, profile: Profile, knowledge: Knowledge) -> str | None:
    if fields.get("wire_source"):
        return fields["wire_source"]
    attribution, credit = _source_pattern(knowledge)
    found = [m["source"] for m in attribution.finditer(article.body)]
    found += [m["source"] for line in article.captions.split("\n") for m in [credit.search(line)] if m]
    return next((s for s in found if s not in profile.own_sources), None)


# ---------------------------------------------------------------- language

def _language(body: str, knowledge: Knowledge) -> str | None:
    lexicon = knowledge.lexicon("meta_language")
    words = [w.casefold() for w in _WORD.findall(body)]
    if not words:
        return None
    stops = {lang: set(stop) for lang, stop in lexicon["words"].items()}
    shares = {lang: sum(1 for w in words if w in stop) / len(words) for lang, stop in stops.items()}
    best = max(sorted(shares), key=lambda lang: shares[lang])
    return best if shares[best] >= lexicon["min_share"] else None

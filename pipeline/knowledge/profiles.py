"""Site profiles (``sites/*.toml``) compiled into regex rules, and the choice of a profile for a page.

A profile is data: markers that recognise the site, a dateline pattern, and lists of line rules, each
with a dotted id that travels with every line it removes.  Every site profile extends ``generic``: its
own rules come first, the generic (``common.*``) rules after them.  This module never names a site.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from pipeline.knowledge.problems import Problems
from pipeline.knowledge.shape import Choice, ListOf, OneOf, Regex, Table, check
from pipeline.record import Page

SelectorCompiler = Callable[[str], Any]      # a CSS selector expression -> a compiled selector

BASE_PROFILE = "generic"
RULE_LISTS = ("drop", "end", "related", "caption", "meta", "body_kinds", "redirect")
BODY_KINDS = ("list", "table", "schedule")      # what a body without prose paragraphs may be (prose aside)
# [html] keys: CSS selectors (a string, or a list tried in order) for what the page's markup says.
HTML_FIELDS = ("title", "date", "byline", "author", "editor", "caption", "body")
_SIMPLE_SELECTOR = {"tags": re.compile(r"^([a-z][a-z0-9]*)$"), "classes": re.compile(r"^\.([\w-]+)$"),
                    "ids": re.compile(r"^#([\w-]+)$")}
REGIONS = ("head", "body", "foot", "any")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# A zero-width character beside a space or at an end of the line is spacing; inside a word ("Austra<ZWSP>lia")
# it is left for pipeline/annotate/repair.py, which removes it and records the repair.
_ZERO_WIDTH_SPACING = re.compile(r"[\u200b-\u200d]+(?=\s|$)|(?:(?<=\s)|^)[\u200b-\u200d]+")


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern
    region: str = "head"      # meta rules only: where on the page the line may sit
    with_next: bool = False   # drop rules only: the short lines right after it (a list under a heading) go too
    kind: str = ""            # body_kinds rules only: the kind of body whose rows (or glued items) it finds

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(text)


@dataclass(frozen=True)
class HtmlRules:
    """A profile's ``[html]`` table compiled: selectors per field, and what to cut from the tree."""

    fields: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)   # field -> css_select.Selector, in order
    drop: tuple[Any, ...] = ()                 # elements removed before any text is read (own + generic)
    drop_class: re.Pattern | None = None       # class or id tokens of elements removed (generic)
    # Simple drop selectors ("nav", ".share-box", "#related") are matched in the one pass over the page's
    # classes and ids that the generic drop_class needs anyway; ``drop`` holds only the others.
    drop_tags: frozenset[str] = frozenset()
    drop_classes: frozenset[str] = frozenset()
    drop_ids: frozenset[str] = frozenset()

    def __contains__(self, key: str) -> bool:
        return key in self.fields


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    site: str | None
    url_domains: tuple[str, ...]
    markers: tuple[re.Pattern, ...]
    head_leftovers: str                       # "caption" | "body"
    prose_min_words: int
    datelines: tuple[Rule, ...]               # the site's own first, then the generic one
    drop: tuple[Rule, ...]
    end: tuple[Rule, ...]
    related: tuple[Rule, ...]
    caption: tuple[Rule, ...]
    meta: tuple[Rule, ...]                    # includes one rule per `after_title` field
    body_kinds: tuple[Rule, ...]              # rows of a list, table or schedule (each match one row)
    redirect: tuple[Rule, ...]                # lines of a page that only sends the reader elsewhere
    after_title: tuple[Rule, ...]
    signoff: Rule | None
    own_sources: tuple[str, ...] = ()
    html: HtmlRules = field(default_factory=HtmlRules)

    def rule(self, rule_id: str) -> Rule | None:
        for rule in (*self.datelines, *self.meta, *self.after_title):
            if rule.id == rule_id:
                return rule
        return None


def normalise_line(line: str) -> str:
    """The form every rule sees: unusual spaces folded to one space, ends stripped."""
    return _SPACES.sub(" ", _ZERO_WIDTH_SPACING.sub(" ", line)).strip()


# The named groups a metadata line rule (meta, dateline, after_title) may carry: the fields that
# pipeline/annotate/metadata.py reads from the lines the cleaner set aside. A signoff gives the author.
PAGE_FIELDS = ("title", "author", "editor", "date", "tz", "city", "wire_source")
# after_title lines that are removed but read by no stage (Bharata prints its section below the title).
UNREAD_FIELDS = ("section",)
_FIELD_PATTERN = Regex(frozenset(PAGE_FIELDS))
_LINE_RULE = Table({"id": str, "pattern": Regex()})
_DATELINE = Table({"id": str, "pattern": _FIELD_PATTERN})


def _rules(rule: Table) -> ListOf:
    return ListOf(rule, unique="id")



_SELECTORS = OneOf((str, ListOf(str)))
PROFILE_SHAPE = Table(optional={
    "id": str, "name": str, "site": str, "url_domains": ListOf(str), "markers": ListOf(Regex()),
    "head_leftovers": Choice(("caption", "body")), "prose_min_words": int,
    "dateline": OneOf((_DATELINE, ListOf(_DATELINE))),
    "drop": _rules(Table({"id": str, "pattern": Regex()}, {"with_next": bool})),
    "end": _rules(_LINE_RULE), "related": _rules(_LINE_RULE), "caption": _rules(_LINE_RULE),
    "meta": _rules(Table({"id": str, "pattern": _FIELD_PATTERN}, {"region": Choice(REGIONS)})),
    "after_title": ListOf(Table({"field": Choice(PAGE_FIELDS + UNREAD_FIELDS)}, {"pattern": _FIELD_PATTERN})),
    "signoff": Table({"id": str, "pattern": Regex(frozenset({"author"}))}),
    "body_kinds": _rules(Table({"id": str, "kind": Choice(BODY_KINDS), "pattern": Regex()},
                               {"examples": ListOf(str), "counter_examples": ListOf(str)})),
    "redirect": _rules(Table({"id": str, "pattern": Regex()}, {"examples": ListOf(str),
                                                                "counter_examples": ListOf(str)})),
    "own_sources": ListOf(str),
    "html": Table(optional={**{key: _SELECTORS for key in HTML_FIELDS}, "drop": ListOf(str), "drop_class": Regex()}),
})


def _compile_rule(raw: Mapping[str, Any]) -> Rule:
    return Rule(raw["id"], re.compile(raw["pattern"]), raw.get("region", "head"), bool(raw.get("with_next", False)),
                raw.get("kind", ""))


def _compile_list(data: Mapping, key: str) -> tuple[Rule, ...]:
    return tuple(_compile_rule(raw) for raw in data.get(key, []))


def _after_title_rules(data: Mapping) -> tuple[Rule, ...]:
    """`after_title = [{ field = "author", pattern = '...' }]`: the lines right below the title, in order.
    The pattern must cover the whole line; its value is the named group `field`, else the whole line."""
    rules = []
    for raw in data.get("after_title", []):
        pattern = raw.get("pattern", r"^.{2,80}$")
        if f"?P<{raw['field']}>" not in pattern:
            pattern = rf"^(?P<{raw['field']}>{pattern.removeprefix('^').removesuffix('$')})$"
        rules.append(_compile_rule({"id": f"{data['id']}.{raw['field']}", "pattern": pattern}))
    return tuple(rules)


def _selectors(raw: Any, where: str, path: tuple, problems: Problems, selector: SelectorCompiler) -> tuple[Any, ...]:
    from cssselect import SelectorError

    compiled = []
    for expression in [raw] if isinstance(raw, str) else list(raw):
        try:
            compiled.append(selector(expression))
        except SelectorError as exc:
            problems.add(where, path, f"bad CSS selector {expression!r} ({exc})", needle=expression)
    return tuple(compiled)


def _html_rules(data: Mapping, base: Profile | None, where: str, problems: Problems,
                selector: SelectorCompiler) -> HtmlRules:
    raw = data.get("html", {})
    fields = {key: _selectors(raw[key], where, ("html", key), problems, selector) for key in HTML_FIELDS if key in raw}
    own_drop = list(raw.get("drop", []))
    simple = {kind: frozenset(m.group(1) for sel in own_drop for m in [pattern.match(sel)] if m)
              for kind, pattern in _SIMPLE_SELECTOR.items()}
    other = [sel for sel in own_drop if not any(p.match(sel) for p in _SIMPLE_SELECTOR.values())]
    drop = _selectors(other, where, ("html", "drop"), problems, selector) + (base.html.drop if base else ())
    if base:
        simple = {kind: names | getattr(base.html, f"drop_{kind}") for kind, names in simple.items()}
    drop_class = re.compile(raw["drop_class"]) if "drop_class" in raw else (base.html.drop_class if base else None)
    return HtmlRules(fields, drop, drop_class, simple["tags"], simple["classes"], simple["ids"])


def _compile_profile(data: Mapping, base: Profile | None, problems: Problems, selector: SelectorCompiler) -> Profile:
    pid, where = data["id"], f"sites/{data['id']}.toml"
    lists = {key: _compile_list(data, key) for key in RULE_LISTS}
    raw_datelines = data.get("dateline", [])
    own_datelines = [_compile_rule(raw) for raw in ([raw_datelines] if isinstance(raw_datelines, Mapping)
                                                    else raw_datelines)]
    signoff = _compile_rule(data["signoff"]) if "signoff" in data else None
    if base is not None:
        lists = {key: lists[key] + getattr(base, key) for key in RULE_LISTS}
    return Profile(
        id=pid, name=data.get("name", pid), site=data.get("site") or None,
        url_domains=tuple(data.get("url_domains", [])),
        markers=tuple(re.compile(m, re.MULTILINE) for m in data.get("markers", [])),
        head_leftovers=data.get("head_leftovers", "body"),
        prose_min_words=int(data.get("prose_min_words", base.prose_min_words if base else 12)),
        datelines=(*own_datelines, *(base.datelines if base else ())),
        after_title=_after_title_rules(data), signoff=signoff or (base.signoff if base else None),
        own_sources=tuple(data.get("own_sources", [])), html=_html_rules(data, base, where, problems, selector),
        **{key: lists[key] for key in RULE_LISTS},
    )


def compile_profiles(sites: tuple[Mapping[str, Any], ...], problems: Problems,
                     selector: SelectorCompiler) -> Mapping[str, Profile] | None:
    """All profiles by id (every site's extends generic), or None when a file is broken (reported).
    ``selector`` compiles one CSS selector (pipeline/ingest/css_select.py's ``Selector``, handed in by the wiring,
    pipeline/compiled.py); it raises cssselect's SelectorError on a bad one."""
    by_id = {site["id"]: site for site in sites}
    if BASE_PROFILE not in by_id:
        problems.add(f"sites/{BASE_PROFILE}.toml", (), "is missing: it is the fallback and base of every profile")
        return None
    valid = [check(problems, f"sites/{pid}.toml", data, PROFILE_SHAPE) for pid, data in by_id.items()]
    if not all(valid):
        return None
    reported = len(problems)
    base = _compile_profile(by_id[BASE_PROFILE], None, problems, selector)
    profiles = {BASE_PROFILE: base}
    for pid, data in by_id.items():
        if pid != BASE_PROFILE:
            profiles[pid] = _compile_profile(data, base, problems, selector)
    return MappingProxyType(profiles) if len(problems) == reported else None


def page_url(page: Page) -> str | None:
    return page.url or page.html_meta.get("url") or None


def _host_matches(url: str | None, domains: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "") if url else ""
    return any(host == d or host.endswith("." + d) for d in domains)


def profile_for_url(url: str | None, profiles: Mapping[str, Profile]) -> Profile | None:
    return next((p for pid, p in sorted(profiles.items())
                 if pid != BASE_PROFILE and _host_matches(url, p.url_domains)), None)


def profile_for_text(text: str, profiles: Mapping[str, Profile]) -> Profile:
    """The profile with the most distinct markers found in the text; generic when none is found."""
    candidates = [p for pid, p in sorted(profiles.items()) if pid != BASE_PROFILE]
    scored = [(sum(1 for m in p.markers if m.search(text)), p) for p in candidates]
    best = max((s for s, _ in scored), default=0)
    if best == 0:
        return profiles[BASE_PROFILE]
    return next(p for s, p in scored if s == best)


def pick_profile(page: Page, profiles: Mapping[str, Profile]) -> Profile:
    """The profile ingest chose for an HTML page; else by URL domain, then by markers; else generic."""
    chosen = page.html_meta.get("profile")
    if chosen in profiles:
        return profiles[chosen]
    return profile_for_url(page_url(page), profiles) or profile_for_text(page.text, profiles)

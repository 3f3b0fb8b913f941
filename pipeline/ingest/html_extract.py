"""HTML → text + metadata.  Each page is parsed once, with lxml; that one tree gives, in order:

1. the page's structured metadata (html_meta.py: JSON-LD, <meta>, <time>, canonical URL, <h1>);
2. the site profile, chosen once (by URL here, else by markers in the extracted text) and recorded in the
   page metadata so clean.py uses the same one;
3. the profile's ``[html]`` selectors: title, printed date line, byline, captions, and the article body;
4. trafilatura, on the same tree, only when the profile has no body selector or it finds no article
   (unknown sites, changed layouts), and trafilatura's metadata only when the page's own lacks a title or date.

Boilerplate elements (scripts, share widgets, related-article boxes, ads: the generic profile's
``[html] drop`` and ``drop_class``, plus the site's own) leave the tree before its text is read: from inside
the body containers when the profile's selectors find the article (nothing else is read then), from the
whole page before trafilatura.  Head lines (date, byline, captions) come first in the text, one line each,
so the profile's line rules classify them as in a page dump; ``body_start`` records where the lines of the
article's container begin (``body_source`` says whether the body came from the selector or trafilatura).
BeautifulSoup builds the tree only for markup lxml cannot read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from pipeline.ingest import html_boilerplate
from pipeline.ingest import html_meta
from pipeline.annotate import titles
from pipeline.knowledge.problems import Problems
from pipeline.knowledge.profiles import (BASE_PROFILE, Profile, normalise_line, profile_for_text, profile_for_url)
from pipeline.knowledge.shape import check
from pipeline.record import PipelineError
from pipeline.ingest.css_select import PageIndex

# htmldate's output format: keep the time and offset when the page gives them.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
HEAD_SELECTORS = ("date", "byline", "caption")    # become lines of the text, for the profile's line rules
FIELD_SELECTORS = ("author", "editor")             # plain values: go straight into the page metadata
# Elements whose text is never body text, whatever the site; their tail text still is.
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "figure", "figcaption", "iframe", "button",
                   "select", "textarea", "object", "video", "audio", "picture", "img"})
_BLOCK = frozenset({"p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5",
                    "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr",
                    "center", "address", "hr"})
_CELLS = frozenset({"td", "th"})                   # a table row is one line, its cells joined by " | "
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(https?://[^\s>]+?)\s*-->", re.IGNORECASE)
# WHATWG: a page labelled latin-1 or ASCII is decoded as windows-1252 by every browser.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                    "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252", "utf8": "utf_8",
                    "utf-8": "utf_8"}
# The page description's first characters that find the lead paragraph again (shorter keys match teasers).
LEAD_KEY_CHARS = 50
# trafilatura's fast path (2.x; no readability/jusText fallback) for pages no profile reads: see README, "HTML pages"
TRAFILATURA_FAST = True
# The date line near the title: elements after the <h1> looked at, and the longest text a date line has.
DATE_LINE_REACH = 30
MAX_DATE_LINE_CHARS = 120
MIN_LEAD_WORDS = 12


@dataclass(frozen=True)
class PageRules:
    """What ingest reads a page with: the site profiles, the markup's metadata keys, the title rules."""

    profiles: Mapping[str, Profile]
    markup: Mapping[str, Any]                 # lexicons/meta_html.toml (html_meta.MARKUP_SHAPE)
    titles: titles.TitleRules


def compile_page_rules(profiles: Mapping[str, Profile] | None, markup: Mapping[str, Any] | None,
                       title_rules: titles.TitleRules | None, problems: Problems) -> PageRules | None:
    if markup is None or not check(problems, html_meta.FILE, markup, html_meta.MARKUP_SHAPE):
        return None
    return PageRules(profiles, markup, title_rules) if profiles is not None and title_rules is not None else None


def declared_charset(data: bytes) -> str | None:
    """The charset a page's <meta> declares, as a Python codec name ('iso-8859-1' → 'cp1252'), or None."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    return _CHARSET_ALIASES.get(label, label)


def extract(html: str, url: str | None, rules: PageRules) -> tuple[str, dict[str, Any]]:
    tree = parse(html)
    index = PageIndex(tree)
    found = html_meta.read(tree, rules.markup)
    url = url or found.get("url") or _saved_from(html)
    profiles = rules.profiles
    profile = profile_for_url(url, profiles)
    fields = _selector_fields(index, profile) if profile else {}
    selected = _body_lines(index, profile) if profile else []
    body = selected if any(_is_prose(line, profile) for line in selected) else []
    source, fallback = "selector", {}
    if not body:
        source = "trafilatura"
        body, fallback = _trafilatura_body(index, profile or profiles[BASE_PROFILE], found, fields, url)
        if selected and not any(_is_prose(line, profile) for line in body):
            body, source = selected, "selector"       # a list, table or schedule in the article's container
        profile = profile or profile_for_text("\n".join(body), profiles)
        fields = fields or _selector_fields(PageIndex(tree), profile)
    if not _reads_a_date(fields.get("date", ()), profile):
        fields = {**fields, **_date_line_near_title(tree, profile)}
    if not any(body):
        raise PipelineError("no-article", f"no article in the HTML: the page is {_no_article_kind(tree, html)}; "
                                          "neither the site profile's selectors nor trafilatura found text")
    head = _head_lines(fields, set(body))
    meta = _page_meta(found, fallback, fields, profile, url, rules.titles)
    # body_start: the lines from here on came from the article's container (trafilatura's text has none)
    where = {"body_source": source, **({"body_start": len(head)} if source == "selector" else {})}
    return "\n".join([*head, *body]), {**meta, **where}


def _saved_from(html: str) -> str | None:
    """The address a browser wrote into a page it saved: '<!-- saved from url=(0063)https://... -->'."""
    match = _SAVED_FROM.search(html[:2048])
    return match.group(1) if match else None


def parse(html: str):
    """One lxml tree for the page; BeautifulSoup builds it when lxml cannot read the markup."""
    import lxml.html
    from lxml.etree import ParserError

    html = _XML_DECLARATION.sub("", html)
    try:               # bytes with a declared encoding parse twice as fast as the same text as str
        tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=_utf8_parser())
    except (ParserError, ValueError):
        tree = None
    if tree is None or tree.find("body") is None:
        from lxml.html import soupparser
        tree = soupparser.fromstring(html)
    return tree


@lru_cache(maxsize=1)
def _utf8_parser():
    import lxml.html
    return lxml.html.HTMLParser(encoding="utf-8")


# ---------------------------------------------------------------- the profile's selectors

def _select(index: PageIndex, profile: Profile, key: str, every: bool = False) -> list:
    """Elements of the first selector of ``key`` that matches (all of its matches when ``every``)."""
    for selector in profile.html.fields.get(key, ()):
        found = selector(index)
        if found:
            return html_boilerplate.outermost(found) if every else found[:1]
    return []


def _selector_fields(index: PageIndex, profile: Profile) -> dict[str, list[str]]:
    """Lines of each head or field selector (title, date, byline, caption, author, editor) that matched."""
    fields = {}
    for key in ("title", *HEAD_SELECTORS, *FIELD_SELECTORS):
        lines = [line for element in _select(index, profile, key, every=key == "caption")
                 for line in [normalise_line(element.text_content())] if line]
        if lines:
            fields[key] = list(dict.fromkeys(lines))
    return fields


def _body_lines(index: PageIndex, profile: Profile) -> list[str]:
    containers = _select(index, profile, "body", every=True)
    if containers:
        html_boilerplate.prune(index, profile, containers, within=containers)
    for container in containers:
        html_boilerplate.drop_link_lists(container)
    return [line for container in containers for line in block_lines(container)]


_REFRESH = re.compile(r"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[^>]+url\s*=", re.IGNORECASE)


def _no_article_kind(tree, html: str) -> str:
    """What a page without an article is: a redirect, empty, or navigation only (links and menus)."""
    if _REFRESH.search(html[:8192]) or "location.replace(" in html[:8192] or "window.location" in html[:8192]:
        return "a redirect (a refresh or script sends the reader to another address)"
    body = tree.find("body")
    text = normalise_line(body.text_content()) if body is not None else ""
    if not text:
        return "empty (no text in its <body>)"
    return f"navigation only ({len(text.split())} words of menus, links or widgets, no paragraph)"


def _is_prose(line: str, profile: Profile) -> bool:
    return len(line.split()) >= profile.prose_min_words and line[-1:] in '.!?"”’)'


def block_lines(element) -> list[str]:
    """The element's text, one line per block element or <br>; skipped elements (media, scripts) left out."""
    from lxml import etree

    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = normalise_line("".join(buffer))
        if line:
            lines.append(line)
        buffer.clear()

    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _SKIP or not tag:
                walker.skip_subtree()
            elif tag in _BLOCK or tag == "br":
                flush()
            elif tag in _CELLS and "".join(buffer).strip():
                buffer.append(" | ")
            if tag and tag not in _SKIP:
                buffer.append(node.text or "")
        else:
            if tag in _BLOCK:
                flush()
            if node is not element:
                buffer.append(node.tail or "")
    flush()
    return lines


def _date_rules(profile: Profile) -> list:
    return [rule for rule in profile.meta if "date" in rule.pattern.groupindex and rule.region in ("head", "any")]


def _reads_a_date(lines, profile: Profile) -> bool:
    """Whether a date rule of the profile reads one of the date selector's lines (an older layout may put
    something else under the same class)."""
    rules = _date_rules(profile)
    return any(rule.search(line) for line in lines for rule in rules)


def _date_line_near_title(tree, profile: Profile) -> dict[str, list[str]]:
    """The printed date line when no selector found one: the first short element just above or below the
    <h1> whose text a date rule of the profile reads ("Rabu, 12 Maret 2016 | 09:30 WIB"). Looking only
    there keeps a header clock or a related article's date out."""
    h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return {}
    rules = _date_rules(profile)
    near = [*h1.itersiblings(preceding=True), *h1.xpath(f"following::*[position() <= {DATE_LINE_REACH}]")]
    for element in near:
        if not isinstance(element.tag, str) or element.tag in _SKIP:
            continue
        line = normalise_line(element.text_content())
        if 0 < len(line) <= MAX_DATE_LINE_CHARS and any(rule.search(line) for rule in rules):
            return {"date": [line]}
    return {}


def _head_lines(fields: dict[str, list[str]], body: set[str]) -> list[str]:
    return [line for key in HEAD_SELECTORS for line in fields.get(key, []) if line not in body]


# ---------------------------------------------------------------- trafilatura, when the profile cannot

def _trafilatura_body(index: PageIndex, profile: Profile, found: dict, fields: dict,
                      url: str | None) -> tuple[list[str], dict[str, str]]:
    """Body lines (and, when the page's own metadata lacks a title or date, trafilatura's) from the whole
    page, its boilerplate elements removed first."""
    html_boilerplate.prune(index, profile, _select(index, profile, "body", every=True))
    lines, fallback = _trafilatura(index.tree, url, needs_metadata=not _has_title_and_date(found, fields))
    if not any(_is_prose(line, profile) for line in lines):          # a table of figures, perhaps
        lines = _trafilatura(index.tree, url, needs_metadata=False, include_tables=True)[0] or lines
    return _with_lead(index.tree, lines, found.get("description.json-ld") or found.get("description")), fallback


def _trafilatura(tree, url: str | None, needs_metadata: bool,
                 include_tables: bool = False) -> tuple[list[str], dict[str, str]]:
    import trafilatura  # imported here: it is slow to import and only HTML inputs need it

    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=needs_metadata, include_comments=False,
                                      include_tables=include_tables, date_extraction_params=_DATE_PARAMS,
                                      fast=TRAFILATURA_FAST)
    if doc is None:
        return [], {}
    lines = [line for line in (normalise_line(t) for t in (doc.text or "").split("\n")) if line]
    fallback = {key: str(getattr(doc, key)) for key in ("title", "date", "author", "sitename")
                if needs_metadata and getattr(doc, key, None)}
    return lines, fallback


def _with_lead(tree, lines: list[str], description: str | None) -> list[str]:
    """Trafilatura drops a lead paragraph wrapped in a "teaser" or "byline" box.  A page's description is
    mostly its lead's first words: a prose <p> of the page that holds them, missing from trafilatura's
    text, goes back in front of it."""
    key = _folded(description or "")[:LEAD_KEY_CHARS]
    if len(key) < LEAD_KEY_CHARS or not lines or any(key in _folded(line) for line in lines):
        return lines
    for paragraph in tree.iter("p"):
        text = normalise_line(paragraph.text_content())
        if key in _folded(text) and len(text.split()) >= MIN_LEAD_WORDS:
            return [text, *lines]
    return lines


def _folded(text: str) -> str:
    return " ".join(text.casefold().replace("…", " ").split())


def _has_title_and_date(found: dict[str, str], fields: dict) -> bool:
    dated = any(k in found for k in ("date.json-ld", "date.meta-tag", "date.time-element")) or "date" in fields
    titled = any(k in found for k in ("title.json-ld", "title.meta-tag", "h1")) or "title" in fields
    return dated and titled


# ---------------------------------------------------------------- the page's metadata

def _page_meta(found: dict, fallback: dict, fields: dict, profile: Profile, url: str | None,
               title_rules: titles.TitleRules) -> dict[str, Any]:
    meta = {key: value for key, value in found.items() if not key.startswith(("h1", "title."))}
    meta.update({key: fields[key][0] for key in FIELD_SELECTORS if key in fields})
    meta.setdefault("author", found.get("author.json-ld") or found.get("author.meta-tag") or fallback.get("author"))
    meta.setdefault("sitename", found.get("sitename") or found.get("publisher") or fallback.get("sitename"))
    if fallback.get("date"):
        meta["date"] = fallback["date"]
    title, source = titles.pick_title(found, fallback.get("title"), fields.get("title"), profile, url, title_rules)
    meta.update(title=title, title_source=source, url=url, profile=profile.id)
    return {key: value for key, value in meta.items() if value}

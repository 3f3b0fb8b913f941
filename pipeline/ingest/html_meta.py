"""A page's own structured metadata, read from its parsed HTML tree: JSON-LD (``NewsArticle``, also inside
``@graph`` or a list), OpenGraph / ``article:*`` / named ``<meta>`` tags, ``<time datetime>``, the canonical
link and the article's ``<h1>``.

Values keep the source they came from: ``date.json-ld``, ``date.meta-tag``, ``date.time-element``,
``title.json-ld``, ``title.meta-tag``, ``title.html``, ... are separate keys of the returned dict, so
metadata.py can say which source won.  Nothing here parses a date or cleans a title.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from pipeline.ingest import json_text
from pipeline.knowledge.profiles import normalise_line
from pipeline.knowledge.shape import WORDS, ListOf, Table

FILE = "lexicons/meta_html.toml"
META_KEYS = ("title", "published", "author", "sitename", "url", "description")
MARKUP_SHAPE = Table({"article_types": WORDS, "meta_keys": Table({key: ListOf(str) for key in META_KEYS})})
_URLISH = re.compile(r"^(?:https?:)?//|^www\.|^@")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
MAX_H1_WORDS = 40


def read(tree, lexicon: Mapping[str, Any]) -> dict[str, str]:
    """Every structured value the page offers, by ``field.source`` key (``date.json-ld``) or plain key;
    ``lexicon``: the JSON-LD types and meta tag names of ``lexicons/meta_html.toml`` (MARKUP_SHAPE)."""
    found: dict[str, str] = {}
    article = _json_ld_article(tree, lexicon["article_types"])
    _put(found, "title.json-ld", article.get("headline") or article.get("name"))
    _put(found, "date.json-ld", article.get("datePublished") or article.get("dateCreated"))
    _put(found, "modified.json-ld", article.get("dateModified"))
    _put(found, "author.json-ld", ", ".join(_names(article.get("author"))))
    _put(found, "publisher", next(iter(_names(article.get("publisher"))), None))
    _put(found, "description.json-ld", article.get("description"))
    metas = _meta_tags(tree)
    keys = lexicon["meta_keys"]
    for field, source in (("title", "title.meta-tag"), ("published", "date.meta-tag"), ("sitename", "sitename"),
                          ("url", "url.meta-tag"), ("description", "description")):
        _put(found, source, next((metas[k] for k in keys[field] if metas.get(k)), None))
    _put(found, "author.meta-tag", next((metas[k] for k in keys["author"]
                                          if metas.get(k) and not _URLISH.search(metas[k])), None))
    _put(found, "date.time-element", _time_element(tree))
    _put(found, "title.html", _first_text(tree, "//head/title"))
    _put(found, "h1", "\n".join(_h1s(tree)))
    _put(found, "url", _canonical(tree) or found.get("url.meta-tag") or _url_of(article))
    return found


def _put(found: dict[str, str], key: str, value: Any) -> None:
    text = normalise_line(str(value)) if isinstance(value, (str, int, float)) else ""
    if text:
        found[key] = text


# ---------------------------------------------------------------- JSON-LD

def _json_ld_article(tree, article_types: list[str]) -> dict:
    """The first JSON-LD object of the most specific article type (one matching the canonical URL first)."""
    items = [item for script in tree.xpath('//script[@type="application/ld+json"]')
             for item in _flatten(_loads(script.text_content()))]
    canonical = _canonical(tree)
    for wanted in article_types:
        typed = [item for item in items if wanted in _types(item)]
        if typed:
            return next((item for item in typed if canonical and _url_of(item) == canonical), typed[0])
    return {}


def _loads(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json_text.loads(candidate, strict=False)     # strict=False: raw newlines inside strings
        except ValueError:
            continue
    return None


def _flatten(data: Any) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        yield from _flatten(data.get("@graph"))
        yield from _flatten(data.get("mainEntity"))


def _types(item: dict) -> list[str]:
    kind = item.get("@type")
    return [kind] if isinstance(kind, str) else [k for k in kind or [] if isinstance(k, str)]


def _names(value: Any) -> list[str]:
    """'Budi', {'name': 'Budi'}, [{'@type': 'Person', 'name': 'Budi'}, 'Siti'] → ['Budi', 'Siti']."""
    if isinstance(value, str):
        return [value] if value.strip() and not _URLISH.search(value) else []
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _url_of(item: dict) -> str | None:
    entity = item.get("mainEntityOfPage")
    url = entity.get("@id") if isinstance(entity, dict) else entity
    url = url if isinstance(url, str) else item.get("url")
    return url if isinstance(url, str) else None


# ---------------------------------------------------------------- meta tags, <time>, canonical, <h1>

def _meta_tags(tree) -> dict[str, str]:
    """property / name / itemprop (lower-cased) → the first non-empty content."""
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key and content:
                metas.setdefault(key, content)
    return metas


def _time_element(tree) -> str | None:
    """The article's publication <time>: itemprop=datePublished, else the first <time> in <article>.
    A page's first <time> anywhere is often the header clock, so it is not taken."""
    times = [t for t in tree.iter("time") if (t.get("datetime") or "").strip()]
    for wanted in (lambda t: t.get("itemprop") == "datePublished",
                   lambda t: any(a.tag == "article" for a in t.iterancestors()),
                   lambda t: t.get("pubdate") is not None):
        found = next((t for t in times if wanted(t)), None)
        if found is not None:
            return found.get("datetime").strip()
    return None


def _canonical(tree) -> str | None:
    head = tree.find("head")
    links = head.iter("link") if head is not None else tree.iter("link")
    href = next((link.get("href") for link in links if link.get("rel") == "canonical"), None)
    return href.strip() if href and href.strip() else None


def _first_text(tree, path: str) -> str | None:
    found = tree.xpath(path)
    return found[0].text_content() if found else None


def _h1s(tree) -> list[str]:
    texts = (normalise_line(h1.text_content()) for h1 in tree.iter("h1"))
    return [t for t in texts if t and len(t.split()) <= MAX_H1_WORDS]

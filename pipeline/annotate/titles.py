"""The article's title, and titles without the site's name: '… - Kompas.com', '… | Republika Online',
'… : Okezone News'.

The site's name is not listed per site: it is whatever names the page gives itself (og:site_name, the
JSON-LD publisher, the profile's name and domains, the page's own domain).  A part of the title beyond a
separator is cut only when it names the site that way, so titles that hold " - " or " | " themselves keep it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from pipeline.knowledge.problems import Problems
from pipeline.knowledge.profiles import BASE_PROFILE, Profile
from pipeline.knowledge.shape import WORDS, ListOf, Regex, Table, check

_NON_WORD = re.compile(r"[^\w]+")
_NON_WORD_CHARS = re.compile(r"[^\w\s]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|co|id|net|org|news|tv)(?:\.[a-z]{2})?$", re.IGNORECASE)
MIN_KEY_CHARS = 3
FILE = "lexicons/meta_titles.toml"
TITLES_SHAPE = Table({"separators": WORDS, "max_site_words": int, "generic_words": ListOf(str),
                      "domain_suffixes": ListOf(str), "noise": ListOf(Regex())})


@dataclass(frozen=True)
class TitleRules:
    """``lexicons/meta_titles.toml`` compiled: what separates a site's name from a title, and page furniture."""

    separators: tuple[str, ...]
    max_site_words: int
    generic_words: frozenset[str]        # words that name no site on their own ("news", "online")
    domain_suffixes: frozenset[str]
    noise: tuple[re.Pattern, ...]        # cut from a title's ends ("Halaman all")


def compile_title_rules(lexicon: Mapping[str, Any] | None, problems: Problems) -> TitleRules | None:
    if lexicon is None or not check(problems, FILE, lexicon, TITLES_SHAPE):
        return None
    return TitleRules(tuple(lexicon["separators"]), int(lexicon["max_site_words"]),
                      frozenset(lexicon["generic_words"]), frozenset(lexicon["domain_suffixes"]),
                      tuple(re.compile(p) for p in lexicon["noise"]))


def site_keys(names: tuple[str | None, ...], rules: TitleRules) -> frozenset[str]:
    """Lower-case alphanumeric keys that name the site: 'Republika Online' → {'republikaonline', 'republika'},
    'https://internasional.kompas.com/read/1' and 'Kompas.com' → {'kompas'}."""
    generic, suffixes = rules.generic_words, rules.domain_suffixes
    keys = set()
    for name in filter(None, names):
        host = urlsplit(name).hostname if "//" in name else (name if _DOMAIN.match(name) else None)
        if host:
            keys.add(_site_label(host, suffixes))
            continue
        words = [_NON_ALNUM.sub("", w) for w in name.casefold().split()]
        keys.add("".join(words))
        keys.update(w for w in words if w not in generic)
    return frozenset(k for k in keys if len(k) >= MIN_KEY_CHARS and k not in generic)


def page_site_keys(profile: Profile, page_meta: dict, url: str | None, rules: TitleRules) -> frozenset[str]:
    """The keys of every name a page gives its site: og:site_name, the JSON-LD publisher, its URL, and the
    profile's name and domains (not the generic profile's)."""
    own = (profile.name, profile.site, *profile.url_domains) if profile.id != BASE_PROFILE else ()
    return site_keys((page_meta.get("sitename"), page_meta.get("publisher"), *own, url), rules)


def _site_label(host: str, suffixes: frozenset[str]) -> str:
    labels = host.casefold().removeprefix("www.").split(".")
    while len(labels) > 1 and labels[-1] in suffixes:
        labels.pop()
    return _NON_ALNUM.sub("", labels[-1])


def clean_title(title: str | None, keys: frozenset[str], rules: TitleRules) -> str | None:
    """The title with the site's name and page furniture cut from its ends; never cut to nothing."""
    if not title:
        return title
    separators, noise = rules.separators, rules.noise
    current, previous = title.strip(), None
    while current != previous:
        previous = current
        current = _strip_noise(current, noise)
        head, tail = _split(current, separators, last=True)
        if tail is not None and head and _names_site(tail, keys, rules.max_site_words):
            current = head
            continue
        head, tail = _split(current, separators, last=False)
        if tail and head and _NON_ALNUM.sub("", head.casefold()) in keys:
            current = tail
    return current or title


def _strip_noise(title: str, noise: tuple[re.Pattern, ...]) -> str:
    for pattern in noise:
        title = pattern.sub("", title).strip()
    return title


def _split(title: str, separators: tuple[str, ...], last: bool) -> tuple[str, str | None]:
    positions = [(title.rfind(s) if last else title.find(s), s) for s in separators]
    positions = [(i, s) for i, s in positions if i > 0]
    if not positions:
        return title, None
    i, sep = max(positions) if last else min(positions)
    return title[:i].strip(), title[i + len(sep):].strip()


def _names_site(part: str, keys: frozenset[str], max_words: int) -> bool:
    if len(part.split()) > max_words:
        return False
    flat = _NON_ALNUM.sub("", part.casefold())
    return bool(_DOMAIN.match(part)) or any(key in flat for key in keys)


def pick_title(found: dict, extracted: str | None, selected: list[str] | None, profile: Profile, url: str | None,
               rules: TitleRules) -> tuple[str | None, str | None]:
    """The article's headline and where it came from: the profile's title selector (``selected``); else
    the <h1> that agrees with the page's title metadata (JSON-LD headline, og:title, <title>, read by
    html_meta into ``found``), else that metadata without the site's name, else trafilatura's title."""
    if selected:
        return selected[0], "selector"
    keys = page_site_keys(profile, found, url, rules)
    named = [(source, clean_title(found[f"title.{source}"], keys, rules))
             for source in ("json-ld", "meta-tag", "html") if found.get(f"title.{source}")]
    named = [(s, t) for s, t in named if not t.endswith(("...", "…"))] or named
    folded = {_words_only(t) for _, t in named}
    h1s = found.get("h1", "").split("\n") if found.get("h1") else []
    agreed = next((h for h in h1s if _words_only(h) in folded), None)
    if agreed:
        return agreed, "h1"
    if named:
        return _most_punctuated(named)
    if extracted:
        return clean_title(extracted, keys, rules), "trafilatura"
    return (h1s[0], "h1") if h1s else (None, None)


def _words_only(title: str) -> str:
    """The title's words, case and punctuation aside: a JSON-LD headline that dropped the "?" at the end or
    the ":" after a rubric agrees with the <h1> or og:title that keeps it."""
    return " ".join(_NON_WORD.split(title.casefold())).strip()


def _most_punctuated(named: list[tuple[str, str]]) -> tuple[str, str]:
    """(source, title): the first variant, or one that agrees with it word for word and keeps more of its
    punctuation."""
    first = _words_only(named[0][1])
    same = [(source, title) for source, title in named if _words_only(title) == first]
    source, title = max(same, key=lambda item: len(_NON_WORD_CHARS.findall(item[1])))
    return title, source

"""HTML → text + metadata: trafilatura for the main text, BeautifulSoup for what a site profile's
``[html]`` selectors say trafilatura misses (the printed date and byline, or the whole body).

Selector hits are added to the text as their own lines, so the profile's line rules (``kontan.date``,
``kontan.byline``) classify them exactly as in a page dump and metadata keeps their provenance.
"""
from __future__ import annotations

from typing import Any

from pipeline.knowledge import Knowledge
from pipeline.profiles import Profile, load_profiles, normalise_line, pick_profile
from pipeline.record import Page, PipelineError

# htmldate's output format: keep the time and offset when the page gives them.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
_META_FIELDS = ("title", "date", "author", "sitename", "url")
HEAD_SELECTORS = ("date", "byline", "caption")    # become lines of the text, for the profile's line rules
FIELD_SELECTORS = ("author", "editor")             # plain values: go straight into the page metadata


def extract(html: str, url: str | None, knowledge: Knowledge) -> tuple[str, dict[str, Any]]:
    import trafilatura  # imported here: it is slow to import and only HTML inputs need it

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, date_extraction_params=_DATE_PARAMS)
    text = (doc.text or "") if doc is not None else ""
    meta = {k: str(getattr(doc, k)) for k in _META_FIELDS if doc is not None and getattr(doc, k, None)}
    probe = Page("", "", text, "", "html", url or meta.get("url"), meta)
    profile = pick_profile(probe, load_profiles(knowledge))
    if profile.html:
        text = _with_selectors(html, text, profile)
        meta.update(_selector_fields(html, profile))
    if not text.strip():
        raise PipelineError("no-article", "no article text in the HTML: trafilatura and the site profile's "
                                          "selectors found nothing (a menu, index or error page?)")
    return text, meta


def _with_selectors(html: str, text: str, profile: Profile) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    if not text.strip() and profile.html.get("body"):
        text = _element_text(soup, profile.html["body"])
    present = {normalise_line(line) for line in text.split("\n")}
    head = [line for key in HEAD_SELECTORS if key in profile.html
            for line in [normalise_line(_element_text(soup, profile.html[key]))] if line and line not in present]
    return "\n".join([*head, text]) if head else text


def _selector_fields(html: str, profile: Profile) -> dict[str, str]:
    from bs4 import BeautifulSoup

    wanted = [key for key in FIELD_SELECTORS if key in profile.html]
    soup = BeautifulSoup(html, "lxml") if wanted else None
    values = {key: normalise_line(_element_text(soup, profile.html[key])) for key in wanted}
    return {key: value for key, value in values.items() if value}


def _element_text(soup, selector: str) -> str:
    element = soup.select_one(selector)
    if element is None:
        return ""
    blocks = element.find_all(["p", "h2", "h3", "li"]) or [element]
    return "\n".join(normalise_line(b.get_text(" ")) for b in blocks if b.get_text(strip=True))

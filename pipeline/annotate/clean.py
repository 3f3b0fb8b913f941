"""Boilerplate stripping: pick the site profile, split the page into regions, keep the article body.

A page dump reads top to bottom as: head (junk, title, date/byline, photo captions) → body (from the
dateline, e.g. ``KONTAN.CO.ID - SOCHI.``) → foot (from ``Cek Berita ...``/``Komentar``: ads, editor
line) → related articles (from ``Berita Lainnya``: other articles' titles and dates, never read).
Every line that leaves the body becomes a ``Removed`` record carrying the id of the rule that took it,
so metadata.py can read the metadata lines back and a researcher can audit the cut.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from pipeline.annotate.repair import RepairRules, repair_text
from pipeline.knowledge.profiles import BODY_KINDS, Profile, Rule, normalise_line, pick_profile
from pipeline.record import Article, Page, PipelineError, Removed

TITLE_RULE = "common.title"
TITLE_REPEAT_RULE = "common.title-repeat"
LEAD_REPEAT_RULE = "common.lead-repeat"
CAPTION_REPEAT_RULE = "common.caption-repeat"
_SENTENCE_END = re.compile(r"[.!?\"”’)]$")
# A sentence ending inside a line, the next one starting: "... dirombak. Darmawan", "... katanya.\"Kami ..."
_SENTENCE_BREAK = re.compile(r"[a-z)%\"”’][.!?][\"”’]?\s*[\"“]?[A-Z][a-z]")
# Rows that make a body a list, table or schedule (the most of one kind, holding more text than the prose)
MIN_KIND_ROWS = 3
# A paragraph this many times prose_min_words long is text, whatever its punctuation (lyrics, glued captions)
LONG_TEXT_FACTOR = 2
_TITLE_SUFFIX = re.compile(r"^\s*[-|–—:]\s")
MAX_TITLE_WORDS = 30
# Titles listed under a heading-only related line ("Baca juga:") that leave with it; the list ends at prose.
MAX_LISTED_TITLES = 5


@dataclass
class _Cut:
    """What the cleaner decided, line by line."""

    body: list[tuple[int, str]] = field(default_factory=list)       # (line_no, text)
    captions: list[str] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    title: str | None = None

    def drop(self, line_no: int, text: str, rule_id: str) -> None:
        self.removed.append(Removed(line_no, text, rule_id))

    def add_caption(self, line_no: int, text: str, rule_id: str) -> None:
        if text in self.captions:
            self.drop(line_no, text, CAPTION_REPEAT_RULE)
        else:
            self.captions.append(text)
            self.drop(line_no, text, rule_id)


def clean(page: Page, profiles: Mapping[str, Profile], repairs: RepairRules | None = None) -> Article:
    """Stage function: the page's article body, captions and removed lines, by its site profile; with
    ``repairs``, body and captions repaired for tokenising (pipeline/annotate/repair.py)."""
    profile = pick_profile(page, profiles)
    lines = [normalise_line(line) for line in page.text.split("\n")]
    start, dateline = _body_start(lines, profile)
    related = _first_line(lines, profile.related, start + 1, len(lines))
    end = _first_line(lines, profile.end, start + 1, related)
    html_title = normalise_line(page.html_meta.get("title") or "") or None
    title_line = None if html_title else _title_line(lines, start, profile)
    cut = _Cut(title=html_title or (lines[title_line] if title_line is not None else None))
    _read_body(lines, start, end, dateline, profile, cut)
    _read_head(lines, start, title_line, profile, cut, page.html_meta.get("body_start"))
    _read_foot(lines, end, related, profile, cut)
    _read_related(lines, related, profile, cut)
    _strip_signoff(profile, cut)
    paragraphs = _paragraphs(cut.body)
    kind = body_kind(paragraphs, profile)
    if kind is None:
        raise _no_article(page, lines, paragraphs, profile)
    body, captions, repaired = "\n\n".join(paragraphs), "\n".join(cut.captions), ()
    if repairs is not None:
        (body, in_body), (captions, in_captions) = (repair_text(body, repairs, "body"),
                                                    repair_text(captions, repairs, "captions"))
        repaired = in_body + in_captions
    removed = tuple(sorted(cut.removed, key=lambda r: r.line_no))
    return Article(page=page, profile_id=profile.id, body=body, captions=captions, removed=removed, repairs=repaired,
                   body_kind=kind)


# ---------------------------------------------------------------- what the body is

def body_kind(paragraphs: list[str], profile: Profile) -> str | None:
    """prose, list, table or schedule; None when the paragraphs hold no article at all.

    A paragraph is prose when it ends a sentence after enough words, or holds a sentence break inside
    ("... dirombak. Darmawan ..."): a scraper often glues a whole article, or a caption, into one line. The
    other paragraphs are scanned for rows of a list, table or schedule (the profile's ``body_kinds``); the
    kind with the most rows names the body when it has at least MIN_KIND_ROWS and its paragraphs hold more
    text than the prose ones (a report with a short list in it stays prose). A body of neither with a
    paragraph no headline is as long as (lyrics, text without full stops) is prose.
    """
    prose = [p for p in paragraphs if _is_prose(p, profile) or _holds_sentence(p, profile)]
    rows: Counter = Counter()
    chars: Counter = Counter()
    for paragraph in paragraphs:
        if paragraph not in prose:
            for rule in profile.body_kinds:
                found = sum(1 for _ in rule.pattern.finditer(paragraph))
                rows[rule.kind] += found
                chars[rule.kind] += len(paragraph) if found else 0
    kind, count = max(rows.items(), key=lambda item: (item[1], -BODY_KINDS.index(item[0])), default=("", 0))
    if count >= MIN_KIND_ROWS and chars[kind] > sum(len(p) for p in prose):
        return kind
    if prose or any(len(p.split()) >= LONG_TEXT_FACTOR * profile.prose_min_words for p in paragraphs):
        return "prose"
    return None


def _holds_sentence(text: str, profile: Profile) -> bool:
    return len(text.split()) >= profile.prose_min_words and bool(_SENTENCE_BREAK.search(text))


def _no_article(page: Page, lines: list[str], paragraphs: list[str], profile: Profile) -> PipelineError:
    """The error for a page with no article, saying which kind of page it is: empty, redirect, navigation."""
    redirect = next((line for line in lines if _first_match(profile.redirect, line)), None)
    if redirect is not None:
        what = f"a redirect ({redirect[:80]!r}): the article is at the address it names"
    elif not paragraphs:
        what = "empty: every line of it is boilerplate (see the rules the pipeline logs) or blank"
    else:
        what = (f"navigation only: {len(paragraphs)} short line(s) such as {paragraphs[0][:60]!r}, none a "
                f"paragraph of {profile.prose_min_words}+ words, a list, a table or a schedule (a menu, index "
                "or link page)")
    return PipelineError("no-article", f"no article in {page.source_path} (profile {profile.id!r}): the page is "
                                       f"{what}")


# ---------------------------------------------------------------- regions

def _first_match(rules: tuple[Rule, ...], text: str) -> Rule | None:
    return next((rule for rule in rules if rule.search(text)), None)


def _first_line(lines: list[str], rules: tuple[Rule, ...], start: int, stop: int) -> int:
    return next((i for i in range(start, stop) if _first_match(rules, lines[i])), stop)


def _is_junk(text: str, profile: Profile, region: str) -> bool:
    return bool(_first_match(profile.drop, text) or _meta_rule(text, profile, region))


def _is_prose(text: str, profile: Profile) -> bool:
    return len(text.split()) >= profile.prose_min_words and bool(_SENTENCE_END.search(text))


def _body_start(lines: list[str], profile: Profile) -> tuple[int, re.Match | None]:
    """The dateline line (site pattern first, then the generic one); else the first prose line.

    A dateline is only looked for above the first end/related marker that follows some prose, so a
    teaser in a related-articles list ("JAKARTA - ...") is never taken for the article's start.
    """
    first_prose = next((i for i, text in enumerate(lines)
                        if _is_prose(text, profile) and not _is_junk(text, profile, "head")), None)
    limit = len(lines) if first_prose is None else _first_line(
        lines, profile.end + profile.related, first_prose + 1, len(lines))
    for rule in profile.datelines:
        for i in range(limit):
            match = rule.search(lines[i])
            if match and not _is_junk(lines[i], profile, "head") and _may_open_body(i, first_prose, lines, profile):
                return i, match
    if first_prose is not None:
        return first_prose, None
    return next((i for i, text in enumerate(lines) if text and not _is_junk(text, profile, "head")), len(lines)), None


def _may_open_body(line_no: int, first_prose: int | None, lines: list[str], profile: Profile) -> bool:
    """A dateline below the first prose line opens the body only when its own line is prose: a short
    "Festival - Rp 500 ribu" row of a price list, or "Tim A - Tim B", is no dateline."""
    return first_prose is None or line_no <= first_prose or _is_prose(lines[line_no], profile)


def _meta_rule(text: str, profile: Profile, region: str) -> Rule | None:
    return next((r for r in profile.meta if r.region in (region, "any") and r.search(text)), None)


def _is_title_repeat(text: str, title: str | None) -> bool:
    """The title itself, or the title with a site suffix ('<title> - www.site' / '<title> | Site'), either way round."""
    if not title:
        return False
    return _same_or_suffixed(text.casefold(), title.casefold()) or _same_or_suffixed(title.casefold(), text.casefold())


def _same_or_suffixed(longer: str, shorter: str) -> bool:
    return longer == shorter or (longer.startswith(shorter) and bool(_TITLE_SUFFIX.match(longer[len(shorter):])))


def _title_line(lines: list[str], stop: int, profile: Profile) -> int | None:
    """The first head line that is neither junk nor metadata and is short enough to be a title."""
    for i in range(stop):
        if lines[i] and not _is_junk(lines[i], profile, "head"):
            return i if len(lines[i].split()) <= MAX_TITLE_WORDS else None
    return None


def _read_head(lines: list[str], stop: int, title_line: int | None, profile: Profile, cut: _Cut,
               body_start: int | None = None) -> None:
    """Lines above the body start: title, metadata, junk, captions.  On an HTML page the lines from
    ``body_start`` on came from the article's body, so one left over there (a short first paragraph
    without a dateline) stays in the body, never becomes a caption."""
    body_texts = {text for _, text in cut.body}
    slots = list(profile.after_title) if title_line is not None else []
    for i in range(stop):
        text = lines[i]
        junk = _first_match(profile.drop, text) or _meta_rule(text, profile, "head")
        caption = _first_match(profile.caption, text)
        if not text:
            continue
        if i == title_line or junk or _is_title_repeat(text, cut.title):
            cut.drop(i, text, TITLE_RULE if i == title_line else junk.id if junk else TITLE_REPEAT_RULE)
        elif slots and i > title_line and not caption and slots[0].search(text):
            cut.drop(i, text, slots.pop(0).id)
        else:
            slots.clear()           # the after-title fields sit right below the title or not at all
            if caption:
                cut.add_caption(i, text, caption.id)
            elif text in body_texts or any(b.startswith(text) for b in body_texts):
                cut.drop(i, text, LEAD_REPEAT_RULE)
            else:
                _head_leftover(i, text, profile, cut, in_body=body_start is not None and i >= body_start)


def _head_leftover(line_no: int, text: str, profile: Profile, cut: _Cut, in_body: bool) -> None:
    if profile.head_leftovers == "caption" and not in_body:
        cut.add_caption(line_no, text, f"{profile.id}.caption")
    else:
        cut.body.insert(sum(1 for n, _ in cut.body if n < line_no), (line_no, text))


def _read_body(lines, start, stop, dateline: re.Match | None, profile: Profile, cut: _Cut) -> None:
    heading, listed = None, 0          # a "Baca juga:" heading alone on its line: the titles under it go too
    for i in range(start, stop):
        text = lines[i]
        if i == start and dateline is not None and dateline.end() > 0:
            cut.drop(i, text[:dateline.end()].strip(), _dateline_rule_id(dateline, profile))
            text = text[dateline.end():].strip()
        if not text:
            continue
        rule = _first_match(profile.drop, text) or _meta_rule(text, profile, "body")
        caption = _first_match(profile.caption, text)
        if not rule and heading and listed < MAX_LISTED_TITLES and not _is_prose(text, profile):
            rule, listed = heading, listed + 1
        else:
            heading, listed = (rule if rule and rule.with_next else None), 0
        if rule:
            cut.drop(i, text, rule.id)
        elif _is_title_repeat(text, cut.title):
            cut.drop(i, text, TITLE_REPEAT_RULE)
        elif caption:
            cut.add_caption(i, text, caption.id)
        else:
            cut.body.append((i, text))


def _dateline_rule_id(match: re.Match, profile: Profile) -> str:
    return next(r.id for r in profile.datelines if r.pattern is match.re)


def _read_foot(lines: list[str], start: int, stop: int, profile: Profile, cut: _Cut) -> None:
    opener = _first_match(profile.end, lines[start]) if start < stop else None
    for i in range(start, stop):
        if lines[i]:
            rule = _first_match(profile.drop, lines[i]) or _meta_rule(lines[i], profile, "foot") or opener
            cut.drop(i, lines[i], rule.id)


def _read_related(lines: list[str], start: int, profile: Profile, cut: _Cut) -> None:
    opener = _first_match(profile.related, lines[start]) if start < len(lines) else None
    for i in range(start, len(lines)):
        if lines[i]:
            cut.drop(i, lines[i], opener.id)


def _strip_signoff(profile: Profile, cut: _Cut) -> None:
    """A writer's initials closing the last paragraph, '... selama KTT. (dam)', leave the body."""
    if not cut.body or profile.signoff is None:
        return
    line_no, text = cut.body[-1]
    match = profile.signoff.search(text)
    if match and match.start() > 0:
        cut.drop(line_no, match.group(0).strip(), profile.signoff.id)
        cut.body[-1] = (line_no, text[:match.start()].rstrip())


def _paragraphs(body: list[tuple[int, str]]) -> list[str]:
    """One paragraph per line, except a hard-wrapped line that continues the previous one mid-sentence."""
    paragraphs: list[str] = []
    previous_no = -2
    for line_no, text in body:
        continues = (line_no == previous_no + 1 and paragraphs and not _SENTENCE_END.search(paragraphs[-1])
                     and text[:1].islower())
        if continues:
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
        else:
            paragraphs.append(text)
        previous_no = line_no
    return paragraphs

"""Whether a trigger reports an event, and its status: denied or hypothetical (no event), cancelled, planned,
proposed or happened, with the cue that decided it. The cue words come from ``lexicons/events_id.toml``.

Cues are looked for in the few words before the trigger and after it, never across a clause break, so that
"Rusia tidak hadir, tetapi China bertemu ..." does not deny China's meeting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.knowledge.rulebook import Cues
from pipeline.record import DateRef, Sentence


@dataclass(frozen=True)
class Window:
    """The words around a trigger within its clause, with the field offset each window starts at."""

    before: str
    before_start: int
    after: str
    after_start: int


@dataclass(frozen=True)
class Status:
    status: str                      # happened | planned | proposed | cancelled
    cue: str | None = None           # the words that decided it
    start: int | None = None         # offsets of the cue in the field
    end: int | None = None


HAPPENED = Status("happened")
LANDMARK_CHARS = 80       # a landmark word and the word or two after it fit in this many characters
WORD_CHARS = 40           # the most characters a word and its spaces take: a window of N words reads no further


def window(start: int, end: int, text: str, sentence: Sentence, cues: Cues) -> Window:
    lo = max(sentence.start, start - WORD_CHARS * 2 * cues.window_words)     # the most the words can span
    before = text[lo:start]
    breaks = list(cues.clause_break.finditer(before))
    clause_start = lo + (breaks[-1].end() if breaks else 0)
    words = list(re.finditer(r"\S+", text[clause_start:start]))
    reach = cues.window_words
    purpose = [i for i, w in enumerate(words[-reach:]) if cues.purpose.fullmatch(w.group(0))]
    if purpose:                         # "akan bertolak ... untuk | melakukan pertemuan": look before "untuk" too
        reach += cues.window_words
    words = words[-reach:]
    before_start = clause_start + words[0].start() if words else start
    after = text[end:min(sentence.end, end + WORD_CHARS * cues.after_window_words)]
    cut = cues.clause_break.search(after)
    after_text = after[:cut.start() if cut else None]
    words_after = list(re.finditer(r"\S+", after_text))[:cues.after_window_words]
    after_end = end + words_after[-1].end() if words_after else end
    return Window(text[before_start:start], before_start, text[end:after_end], end)


def doubted(w: Window, cues: Cues) -> bool:
    """Denied or hypothetical: no event at all ("tidak bertemu", "jika bergabung")."""
    return bool(cues.doubt.search(w.before) or cues.after_negation.search(w.after))


def landmark(start: int, text: str, sentence: Sentence, cues: Cues) -> bool:
    """The trigger only dates another event: "bertemu ... sebelum | KTT G-20" (a word or two before it)."""
    return bool(cues.landmark.search(text[max(sentence.start, start - LANDMARK_CHARS):start]))


def cued_status(w: Window, cues: Cues) -> Status | None:
    """The status a cue near the trigger gives: a cancelling word on either side first (a plan can be called
    off: "rencana kunjungan ... dibatalkan"), then the words before it ("berharap dapat bertemu ... tahun depan"
    is proposed, though "tahun depan" alone would make it planned), then "telah" / "sedang" right before it,
    then the words after it."""
    cancelled, *others = cues.status
    found = _before(cancelled, w) or _after(cancelled, w)
    for cue in others:
        found = found or _before(cue, w)
    happened = cues.happened.search(w.before)
    if found is None and happened:
        found = Status("happened", happened.group("cue"), w.before_start + happened.start("cue"),
                       w.before_start + happened.end("cue"))
    for cue in others:
        found = found or _after(cue, w)
    return found


def _before(cue, w: Window) -> Status | None:
    found = _last(cue.before, w.before)
    return found and Status(cue.status, found.group(0), w.before_start + found.start(), w.before_start + found.end())


def _after(cue, w: Window) -> Status | None:
    found = cue.after.search(w.after)
    return found and Status(cue.status, found.group(0), w.after_start + found.start(), w.after_start + found.end())


def status_of(cued: Status | None, when: DateRef, published: date | None) -> Status:
    """The cue's status; without one, a date after publication is planned, and anything else happened."""
    if cued is not None:
        return cued
    if published is not None and when.basis != "publication" and when.start > published:
        return Status("planned", when.text, when.start_char, when.end_char)
    return HAPPENED


def _last(pattern: re.Pattern, text: str) -> re.Match | None:
    found = None
    for found in pattern.finditer(text):
        pass
    return found

"""Issue 18: an event's status from the words around its trigger (pipeline/events/status.py): a cancelling word
on either side first, then the words before the trigger, then "telah" / "sedang" right before it, then the words
after it, then the date. Sentences of our own; the paper is of Wednesday 22 May 2024."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.events.extract import add_events
from tests.eventkit import WIB, article

PUBLISHED = datetime(2024, 5, 22, 9, 0, tzinfo=WIB)


def event_of(compiled, body: str, event_type: str):
    [event] = [e for e in add_events(article(body, published=PUBLISHED), compiled.events).events
               if e.event_type == event_type]
    return event


@pytest.mark.parametrize("body, event_type, status, cue", [
    # a plan called off: the cancelling word after the trigger beats the planning word before it
    ("Rencana kunjungan Presiden Rusia Vladimir Putin ke China akhirnya dibatalkan.", "MEETING", "cancelled",
     "dibatalkan"),
    ("Kunjungan Presiden Rusia Vladimir Putin ke Kyrgyzstan ditolak oleh parlemen.", "MEETING", "cancelled",
     "ditolak"),
    # counter-example: a plan not called off stays proposed
    ("Rencana kunjungan Presiden Rusia Vladimir Putin ke China masih dibahas.", "MEETING", "proposed", "Rencana"),
    # signed: "telah" right before the trigger beats "tahun depan" after it
    ("Rusia dan China telah menandatangani perjanjian energi yang berlaku mulai tahun depan.", "AGREEMENT",
     "happened", "telah"),
    # counter-example: without it the year ahead makes the signing planned
    ("Rusia dan China menandatangani perjanjian energi tahun depan.", "AGREEMENT", "planned", "tahun depan"),
    # under way at publication, though it ends after it
    ("Presiden Rusia Vladimir Putin sedang melakukan kunjungan kenegaraan ke China hingga Jumat (24/5).",
     "MEETING", "happened", "sedang"),
    # counter-example: announced ahead
    ("Presiden Rusia Vladimir Putin akan melakukan kunjungan kenegaraan ke China pada Jumat (24/5).",
     "MEETING", "planned", "akan"),
    # "telah" further back belongs to another verb: the meeting agreed on is still ahead
    ("Rusia dan China telah sepakat untuk bertemu lagi pekan depan di Beijing.", "MEETING", "planned",
     "pekan depan"),
    # en route to a meeting: planned
    ("Saat ini Presiden Rusia Vladimir Putin dalam perjalanan menuju Beijing untuk bertemu Xi Jinping.", "MEETING",
     "planned", "dalam perjalanan menuju"),
    # "nanti": ahead
    ("Presiden Rusia Vladimir Putin bertemu Xi Jinping di Beijing pada Juli nanti.", "MEETING", "planned",
     "nanti"),
])
def test_status_from_the_words_around_the_trigger(compiled, body, event_type, status, cue):
    event = event_of(compiled, body, event_type)
    assert (event.status, event.status_cue) == (status, cue)
    assert body[event.status_cue_start:event.status_cue_end] == cue


def test_a_month_ahead_is_this_years_and_planned(compiled):
    event = event_of(compiled, "Presiden Rusia Vladimir Putin bertemu Xi Jinping di Beijing pada Juli nanti.",
                     "MEETING")
    assert (event.date.start, event.date.precision) == (date(2024, 7, 1), "month")

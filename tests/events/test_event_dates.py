"""An event's date from its context (pipeline/events/context_dates.py): clause, sentence, the sentences before it in its
paragraph, the lead, the publication day; undated background gives no event."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.events.extract import add_events
from tests.eventkit import WIB, article

PUBLISHED = datetime(2024, 5, 22, 9, 0, tzinfo=WIB)      # a Wednesday


def only_event(compiled, body: str):
    [event] = add_events(article(body, published=PUBLISHED), compiled.events).events
    return event


@pytest.mark.parametrize("body, start, basis, text", [
    # the date in the trigger's own clause wins over another date of the sentence
    ("Pada 2 Mei 2024 Rusia mengumumkan rencana itu, tetapi Putin bertemu Xi Jinping pada 16 Mei 2024.",
     date(2024, 5, 16), "sentence", "16 Mei 2024"),
    ("Putin bertemu Xi Jinping kemarin.", date(2024, 5, 21), "sentence", "kemarin"),
    ("Putin bertemu Xi Jinping hari ini di Beijing.", date(2024, 5, 22), "sentence", "hari ini"),
    ("Putin bertemu Xi Jinping di Beijing pada Senin.", date(2024, 5, 20), "sentence", "pada Senin"),
    ("Putin bertemu Xi Jinping di Beijing Kamis pekan lalu.", date(2024, 5, 16), "sentence", "Kamis pekan lalu"),
    ("Putin bertemu Xi Jinping di Beijing awal Maret lalu.", date(2024, 3, 1), "sentence", "awal Maret lalu"),
    ("Putin bertemu Xi Jinping di Beijing pada 16-17 Mei.", date(2024, 5, 16), "sentence", "16-17 Mei"),
    # a date one sentence earlier in the paragraph dates the event that sentence goes on telling
    ("Presiden Rusia Vladimir Putin berada di Beijing pada Kamis (16/5). Putin lalu bertemu Xi Jinping di "
     "Balai Agung Rakyat.", date(2024, 5, 16), "context", "Kamis (16/5)"),
    # the lead dates the article's news; a later paragraph without a date takes it
    ("Putin tiba di Beijing pada Kamis (16/5) untuk kunjungan kenegaraan.\n\nPada kesempatan itu Rusia dan China "
     "menandatangani perjanjian kerja sama energi.", date(2024, 5, 16), "context", "Kamis (16/5)"),
    # no date anywhere: the news reported, on the publication day
    ("Rusia dan China menandatangani perjanjian kerja sama energi di Beijing.", date(2024, 5, 22), "publication",
     None),
])
def test_an_event_is_dated_from_its_context(compiled, body, start, basis, text):
    event = [e for e in add_events(article(body, published=PUBLISHED), compiled.events).events
             if e.event_type in ("MEETING", "AGREEMENT")][-1]
    assert (event.date.start, event.date.basis, event.date.text) == (start, basis, text)
    if text:
        assert body[event.date.start_char:event.date.end_char] == text


def test_a_date_in_another_paragraph_is_not_context_unless_it_is_the_lead(compiled):
    body = ("Putin berpidato di Moskow. Ia memuji hubungan kedua negara.\n\nPutin tiba di Beijing pada Kamis "
            "(16/5).\n\nRusia dan China menandatangani perjanjian kerja sama energi.")
    [agreement] = [e for e in add_events(article(body, published=PUBLISHED), compiled.events).events
                   if e.event_type == "AGREEMENT"]
    assert agreement.date.basis == "publication"


@pytest.mark.parametrize("body", [
    "Sebelumnya, Rusia dan China menandatangani perjanjian kerja sama energi.",
    "Rusia dan China pernah menandatangani perjanjian kerja sama energi.",
    "Rusia dan China secara rutin menggelar latihan bersama di Laut Jepang sejak 2019.",   # a series
])
def test_undated_background_and_series_give_no_event(compiled, body):
    assert add_events(article(body, published=PUBLISHED), compiled.events).events == ()


def test_dated_background_is_an_event_of_its_date(compiled):
    event = only_event(compiled, "Rusia dan China sudah memiliki perjanjian kerja sama energi sejak 2011.")
    assert (event.event_type, event.date.start.year, event.date.precision) == ("AGREEMENT", 2011, "year")


def test_a_proposed_event_borrows_no_date(compiled):
    body = "Putin tiba di Beijing pada Kamis (16/5). Rusia ingin membeli jet tempur J-10 dari China."
    [deal] = [e for e in add_events(article(body, published=PUBLISHED), compiled.events).events
              if e.event_type == "ARMS_DEAL"]
    assert (deal.status, deal.date.basis) == ("proposed", "publication")


# issue 18: dates that belong to another fact of the article are passed over
@pytest.mark.parametrize("body, start, basis, text", [
    # a planned meeting takes no past date of the sentence before it (the day the plan was told) ...
    ("Putin berpidato di Moskow pada Senin (20/5). Putin akan bertemu Xi Jinping di Beijing.",
     date(2024, 5, 22), "publication", None),
    # ... but one ahead of publication in its own clause
    ("Putin berpidato di Moskow pada Senin (20/5). Putin akan bertemu Xi Jinping di Beijing pada Jumat (24/5).",
     date(2024, 5, 24), "sentence", "Jumat (24/5)"),
    # the date after the quotation is the speech's, not that of the signing told inside it
    ('"Rusia dan China sudah menandatangani perjanjian kerja sama energi," kata Putin di Moskow, Selasa (21/5).',
     date(2024, 5, 22), "publication", None),
    # counter-example: a date inside the quotation dates what it tells
    ('"Rusia dan China menandatangani perjanjian kerja sama energi pada Senin (20/5)," kata Putin di Moskow.',
     date(2024, 5, 20), "sentence", "Senin (20/5)"),
    # the date a text was written or quoted is no event's date
    ("Rusia dan China menandatangani perjanjian kerja sama energi, seperti dilansir TASS, Selasa (21/5).",
     date(2024, 5, 22), "publication", None),
    # "saat itu" takes the time told before, even paragraphs back, never the publication day
    ("Pada Oktober 1962 dunia nyaris berperang.\n\nKetegangan memuncak selama dua pekan.\n\nSaat itu Rusia dan "
     "China menandatangani perjanjian kerja sama energi.", date(1962, 10, 1), "context", "Oktober 1962"),
])
def test_a_date_of_another_fact_is_not_the_events(compiled, body, start, basis, text):
    event = [e for e in add_events(article(body, published=PUBLISHED), compiled.events).events
             if e.event_type in ("MEETING", "AGREEMENT")][-1]
    assert (event.date.start, event.date.basis, event.date.text) == (start, basis, text)


def test_saat_itu_without_an_earlier_date_is_undated_background(compiled):
    body = "Saat itu Rusia dan China menandatangani perjanjian kerja sama energi."
    assert add_events(article(body, published=PUBLISHED), compiled.events).events == ()


def test_a_visit_under_way_keeps_its_range_and_has_happened(compiled):
    body = "Presiden Rusia Vladimir Putin melakukan kunjungan kenegaraan ke China pada 20-24 Mei."
    [visit] = add_events(article(body, published=PUBLISHED), compiled.events).events
    assert (visit.date.start, visit.date.end, visit.status) == (date(2024, 5, 20), date(2024, 5, 24), "happened")


def test_a_bare_weekday_of_a_planned_event_is_ahead_of_publication(compiled):
    # "segera" makes the meeting planned though no word of the date's own clause is a future word
    planned = only_event(compiled, "Putin segera bertemu Xi Jinping di Beijing pada Senin.")
    assert (planned.status, planned.date.start) == ("planned", date(2024, 5, 27))
    # counter-example: told as done, the Monday before the Wednesday paper
    done = only_event(compiled, "Putin bertemu Xi Jinping di Beijing pada Senin.")
    assert (done.status, done.date.start) == ("happened", date(2024, 5, 20))

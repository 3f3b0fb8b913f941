"""The events stage on hand-built articles: roles, places, dates, merging, evidence and what yields nothing."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.events.extract import add_events
from pipeline.record import replace
from tests.eventkit import WIB, article


def events_of(compiled, body: str, **kwargs):
    return add_events(article(body, **kwargs), compiled.events).events


def roles(event) -> set[tuple[str, str, str | None]]:
    return {(p.role, p.canonical, p.code) for p in event.participants}


def only(events, event_type: str):
    found = [e for e in events if e.event_type == event_type]
    assert len(found) == 1, [(e.event_type, e.rule_id) for e in events]
    return found[0]


def test_coordinated_countries_give_one_participant_each(compiled):
    event = only(events_of(compiled, "Iran dan Argentina secara resmi mengajukan keanggotaan BRICS pada akhir Juni."),
                 "ACCESSION")
    assert roles(event) == {("joiner", "Iran", "IRN"), ("joiner", "Argentina", "ARG"),
                            ("organisation", "BRICS", "BRICS")}
    assert (event.subtype, event.cameo_code, event.plover_type) == ("applied", "030", "REQUEST")
    assert (event.date.start, event.date.end, event.date.precision, event.date.approximate) == (
        date(2022, 6, 21), date(2022, 6, 30), "month", True)


def test_people_give_their_country_and_a_title_country_is_not_repeated(compiled):
    body = "Presiden Rusia Vladimir Putin bertemu dengan Presiden China Xi Jinping di Samarkand pada 15 September 2022."
    event = only(events_of(compiled, body), "MEETING")
    assert roles(event) == {("attendee", "Vladimir Putin", "RUS"), ("attendee", "Xi Jinping", "CHN")}
    assert (event.location, event.date.start, event.date.text) == ("Samarkand", date(2022, 9, 15), "15 September 2022")


@pytest.mark.parametrize("body, place", [
    ("Pada September lalu berlangsung pertemuan bersama para menteri pertahanan SCO di Moskow.", "Moskow"),
    ("Khrenin bertemu dengan Dong Jun di Kota Qingdao, Provinsi Shandong, pada hari Rabu (25/6).", "Qingdao"),
    ("Kerja sama itu dibahas pada KTT Asean-Rusia di Singapura pertengahan November lalu.", "Singapura"),
    ("Secara khusus, latihan kontraterorisme berlangsung di Kazakhstan.", "Kazakhstan"),
])
def test_location_is_the_place_after_di(compiled, body, place):
    [event] = events_of(compiled, body)
    assert event.location == place
    # a place is no participant, but the country an exercise is held in hosts it
    assert place not in {p.canonical for p in event.participants if p.role != "host"}


def test_restated_event_is_one_event_with_all_evidence_and_the_sentence_date(compiled):
    body = ("Rusia dan Kyrgyzstan akhirnya menyepakati pengiriman paket persenjataan berupa drone tempur serta sistem "
            "pertahanan udara S-300.\n\nKesepakatan untuk pengiriman drone dan sistem pertahanan udara roket S-300 "
            "dicapai saat kunjungan Presiden Kyrgyzstan Sadyr Zhaparov ke Rusia pada 24-25 Februari lalu.\n\n"
            "Perjanjian pengiriman sistem roket S-300 akan menjadi kontribusi penting Rusia bagi keamanan Republik "
            "Kyrgyzstan, ungkap Baiterek seperti dikutip dari TASS.\n\n"
            "Rusia kemudian diminta mengirimkan senjata modern senilai US$ 1 miliar ke Kyrgyzstan.")
    found = add_events(article(body, published=datetime(2021, 3, 1, 19, 10, tzinfo=WIB)), compiled.events).events
    deals = [e for e in found if e.event_type == "ARMS_DEAL"]
    assert len(deals) == 2, "the S-300 deal and the US$ 1 miliar weapons deal are different deals"
    s300, money = deals
    assert len(s300.evidence) == 3 and [ev.sentence_index for ev in s300.evidence] == [0, 1, 2]
    assert roles(s300) == {("supplier", "Rusia", "RUS"), ("recipient", "Kyrgyzstan", "KGZ")}
    assert {"S-300", "drone tempur", "sistem pertahanan udara"} <= set(s300.weapons)
    assert (s300.date.start, s300.date.end, s300.date.basis) == (date(2021, 2, 24), date(2021, 2, 25), "sentence")
    # no date of its own: the lead's date (the visit, 24-25 February) dates it, from the context
    assert (money.value, money.weapons, money.date.basis, money.date.start) == (
        "US$ 1 miliar", ("senjata",), "context", date(2021, 2, 24))
    assert roles(money) == {("supplier", "Rusia", "RUS"), ("recipient", "Kyrgyzstan", "KGZ")}
    visit = only(found, "MEETING")
    assert roles(visit) == {("attendee", "Sadyr Zhaparov", "KGZ"), ("host", "Rusia", "RUS")}
    assert not [e for e in found if e.event_type == "AGREEMENT"], "an agreement on an arms deal is the deal"


def test_evidence_offsets_index_the_field(compiled):
    body = "Paragraf pembuka tanpa peristiwa.\n\nPada hari Kamis, SCO menandatangani protokol dengan Iran."
    [event] = events_of(compiled, body)
    ev = event.evidence[0]
    assert body[ev.start:ev.end] == ev.sentence
    assert body[ev.trigger_start:ev.trigger_end] == ev.trigger == "menandatangani protokol"
    assert (ev.field, ev.rule_id, event.rule_id) == ("body", "accession.protocol", "accession.protocol")
    assert body[event.date.start_char:event.date.end_char] == "Pada hari Kamis"
    for p in event.participants:
        assert body[p.start:p.end] == p.text


def test_event_ids_are_stable_and_differ_between_articles(compiled):
    body = "Pada hari Kamis, SCO menandatangani protokol dengan Iran."
    first = add_events(article(body, article_id="a1"), compiled.events).events[0].event_id
    again = add_events(article(body, article_id="a1"), compiled.events).events[0].event_id
    other = add_events(article(body, article_id="a2"), compiled.events).events[0].event_id
    assert first == again != other and len(first) == 16


def test_caption_event_says_it_comes_from_the_caption(compiled):
    caption = ("Presiden Rusia Vladimir Putin bertemu dengan Presiden China Xi Jinping di Samarkand "
               "pada 15 September 2022.")
    [event] = add_events(article("Paragraf tanpa peristiwa.", captions=caption), compiled.events).events
    assert event.field == event.evidence[0].field == "captions"
    assert caption[event.evidence[0].start:event.evidence[0].end] == event.evidence[0].sentence


@pytest.mark.parametrize("body", [
    "Baca Juga: Putin bertemu dengan Xi Jinping di Samarkand",
    "Selanjutnya: Rusia dan China menandatangani perjanjian di Moskow",
    "Namun SCO tidak bertujuan untuk membentuk aliansi militer.",
    "Rusia dan Ukraina belum menandatangani perjanjian damai.",
    "Jika disetujui, Iran akan menjadi anggota penuh SCO.",
    "Menjelang KTT di Samarkand, Zhang Ming mengklaim banyak negara antre untuk bergabung dengan SCO.",
    "Negara yang bergabung di SCO adalah China, Kazakhstan, Kyrgyzstan, Rusia, dan Tajikistan.",
    "Kami menganggap upaya ini bermanfaat dan berharap pertemuan ini menjadi rutin.",
    "CSTO adalah Organisasi Perjanjian Keamanan Kolektif.",
    "Rusia mengirimkan bantuan kemanusiaan ke Suriah.",
])
def test_headlines_negations_hypotheticals_and_lists_yield_no_event(compiled, body):
    assert events_of(compiled, body) == ()


def test_sentence_without_a_date_is_dated_by_publication_never_silently(compiled):
    [event] = events_of(compiled, "Belarus dan Iran sekarang dalam proses bergabung dengan SCO.")
    assert (event.date.basis, event.date.text, event.date.start, event.date.rule_id) == (
        "publication", None, date(2022, 9, 16), "date.publication")


def test_a_weekday_that_disagrees_with_its_date_lowers_confidence(compiled):
    [right] = events_of(compiled, "SCO menandatangani protokol dengan Iran pada Kamis (15/9).")
    [wrong] = events_of(compiled, "SCO menandatangani protokol dengan Iran pada Senin (15/9).")
    assert right.date.weekday_ok is True and wrong.date.weekday_ok is False
    assert wrong.confidence < right.confidence


def test_a_following_sentence_adds_those_taking_part(compiled):
    body = ("Putin bilang, pada September lalu, berlangsung pertemuan bersama para menteri pertahanan SCO di Moskow. "
            "Menteri pertahanan negara CSTO dan CIS mengambil bagian di dalamnya untuk pertama kalinya.")
    [event] = events_of(compiled, body, published=datetime(2020, 11, 11, tzinfo=WIB))
    assert roles(event) == {("attendee", "SCO", "SCO"), ("attendee", "CSTO", "CSTO"), ("attendee", "CIS", "CIS")}
    assert [ev.rule_id for ev in event.evidence] == ["meeting.ministerial", "continuation"]
    assert (event.date.start, event.date.precision) == (date(2020, 9, 1), "month")


def test_speakers_and_news_sources_are_not_participants(compiled):
    body = "Putin menambahkan, seperti dikutip dari TASS, latihan bersama negara anggota SCO terus berlanjut."
    [event] = events_of(compiled, body)
    assert roles(event) == {("participant", "SCO", "SCO")}


def test_video_conference_summit_gets_its_subtype_and_codes(compiled):
    body = "Putin berbicara pada pertemuan puncak SCO melalui konferensi video, Selasa (10/11)."
    [event] = events_of(compiled, body, published=datetime(2020, 11, 11, tzinfo=WIB))
    assert (event.subtype, event.cameo_code, event.plover_type) == ("video_conference", "040", "CONSULT")
    assert event.date.start == date(2020, 11, 10) and event.date.weekday_ok is True


def test_without_a_publication_date_only_events_with_a_date_of_their_own_are_kept(compiled):
    body = ("Pada hari Kamis, SCO menandatangani protokol dengan Iran.\n\n"
            "Iran resmi bergabung dengan SCO pada 4 Juli 2023.")
    [event] = add_events(article(body, published=None), compiled.events).events
    assert (event.subtype, event.date.start, event.date.basis) == ("member", date(2023, 7, 4), "sentence")
    empty = replace(article("", published=None), sentences=())
    assert add_events(empty, compiled.events) == empty


@pytest.mark.parametrize("body, status, cue", [
    ("Pertemuan para menteri pertahanan SCO akan digelar di Moskow pada 20 Oktober 2022.", "planned", "akan digelar"),
    ("Menteri pertahanan Rusia dan China bertemu di Moskow pada 20 Oktober 2022.", "planned", "20 Oktober 2022"),
    ("Latihan bersama Rusia dan China di Laut Jepang dibatalkan.", "cancelled", "dibatalkan"),
    ("Kunjungan Presiden Kyrgyzstan Sadyr Zhaparov ke Rusia ditunda.", "cancelled", "ditunda"),
    ("Rusia berencana menjual jet tempur Su-35 kepada Iran.", "proposed", "berencana"),
    ("Arab Saudi telah menunjukkan minat untuk mengajukan keanggotaan BRICS.", "proposed", "minat"),
    ("Rusia ingin menjalin kemitraan strategis dengan Asean.", "proposed", "ingin"),
    ("Putin berharap dapat bertemu Xi Jinping tahun depan.", "proposed", "berharap"),
    ("Presiden Rusia Vladimir Putin dijadwalkan bertemu Presiden China Xi Jinping di Beijing.", "planned", "dijadwalkan"),  # noqa: E501 - one case a line
    ("Kunjungan Presiden Rusia ke China batal karena cuaca buruk.", "cancelled", "batal"),
    ("Iran dan Argentina secara resmi mengajukan keanggotaan BRICS pada akhir Juni.", "happened", None),
])
def test_status_and_the_cue_that_decided_it(compiled, body, status, cue):
    [event] = events_of(compiled, body)
    assert (event.status, event.status_cue) == (status, cue)
    if cue:
        assert body[event.status_cue_start:event.status_cue_end] == cue


def test_a_visit_received_has_its_host_before_the_trigger(compiled):
    body = "Presiden Rusia Vladimir Putin menerima kunjungan Presiden Kyrgyzstan Sadyr Zhaparov di Moskow."
    [event] = events_of(compiled, body)
    assert roles(event) == {("host", "Vladimir Putin", "RUS"), ("attendee", "Sadyr Zhaparov", "KGZ")}
    assert (event.subtype, event.cameo_code, event.location) == ("visit", "042", "Moskow")


def test_a_negated_following_sentence_adds_no_one(compiled):
    body = ("Pada September lalu berlangsung pertemuan bersama para menteri pertahanan SCO di Moskow. "
            "Menteri pertahanan CSTO tidak mengambil bagian di dalamnya.")
    [event] = events_of(compiled, body, published=datetime(2020, 11, 11, tzinfo=WIB))
    assert roles(event) == {("attendee", "SCO", "SCO")} and len(event.evidence) == 1

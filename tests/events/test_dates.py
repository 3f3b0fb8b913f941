"""Date expressions → (start, end, precision, approximate), anchored on the publication date."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.events.dates import choose_date, compile_grammar, find_dates, publication_date, reported
from pipeline.knowledge.problems import Problems

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def grammar(compiled):
    return compiled.events.dates


def wib(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 11, 40, tzinfo=WIB)


# (sentence, publication day, expected text, start, end, precision, approximate, rule id)
FORMS = [
    ("katanya pada pertemuan puncak SCO melalui konferensi video, Selasa (10/11), seperti dikutip TASS.",
     wib(2020, 11, 11), "Selasa (10/11)", date(2020, 11, 10), date(2020, 11, 10), "day", False,
     "date.weekday_paren_dm"),
    ("Pada hari Jumat (26/2), juru bicara presiden baru mengumumkannya ke hadapan publik.",
     wib(2021, 3, 1), "hari Jumat (26/2)", date(2021, 2, 26), date(2021, 2, 26), "day", False,
     "date.weekday_paren_dm"),
    ("Ini persahabatan atas nama sesuatu, katanya seperti dilansir rt.com, Jumat (16/9/2022).",
     wib(2022, 9, 16), "Jumat (16/9/2022)", date(2022, 9, 16), date(2022, 9, 16), "day", False,
     "date.weekday_paren_dmy"),
    ("Kesepakatan dicapai saat kunjungan presiden ke Rusia pada 24-25 Februari lalu.",
     wib(2021, 3, 1), "24-25 Februari lalu", date(2021, 2, 24), date(2021, 2, 25), "day", False,
     "date.day_range_month"),
    ("Pertemuan berlangsung dari hari Rabu (25/6) hingga Kamis (26/6).",
     wib(2025, 6, 26), "hari Rabu (25/6) hingga Kamis (26/6)", date(2025, 6, 25), date(2025, 6, 26), "day",
     False, "date.range"),
    ("Kedua presiden bertemu di Samarkand pada 15 September 2022.",
     wib(2022, 9, 16), "15 September 2022", date(2022, 9, 15), date(2022, 9, 15), "day", False,
     "date.day_month_year"),
    ("Putin bilang, pada September lalu, berlangsung pertemuan para menteri pertahanan.",
     wib(2020, 11, 11), "pada September lalu", date(2020, 9, 1), date(2020, 9, 30), "month", False, "date.month"),
    ("Kerja sama disepakati pada KTT di Singapura pertengahan November lalu.",
     wib(2018, 11, 30), "pertengahan November lalu", date(2018, 11, 11), date(2018, 11, 20), "month", True,
     "date.part_month"),
    ("Iran dan Argentina secara resmi mengajukan keanggotaan BRICS pada akhir Juni.",
     wib(2022, 9, 16), "akhir Juni", date(2022, 6, 21), date(2022, 6, 30), "month", True, "date.part_month"),
    ("Pada tahun 2024, KTT SCO Astana menyetujui aksesi Belarus.",
     wib(2025, 6, 26), "tahun 2024", date(2024, 1, 1), date(2024, 12, 31), "year", False, "date.year"),
    ("Delapan tahun lalu, Rusia dan Kyrgyzstan menandatangani perjanjian.",
     wib(2021, 3, 1), "Delapan tahun lalu", date(2013, 1, 1), date(2013, 12, 31), "year", True, "date.ago"),
    ("Pada hari Kamis, SCO menandatangani protokol dengan Iran.",
     wib(2022, 9, 16), "Pada hari Kamis", date(2022, 9, 15), date(2022, 9, 15), "day", False, "date.weekday"),
    ("Secara rutin sejak tahun 2016, para menteri pertahanan melaksanakan pertemuan.",
     wib(2018, 11, 30), "sejak tahun 2016", date(2016, 1, 1), date(2018, 11, 30), "year", False,
     "date.since_year"),
    ("Latihan digelar pada akhir tahun 2019.",
     wib(2020, 5, 2), "akhir tahun 2019", date(2019, 10, 1), date(2019, 12, 31), "year", True, "date.part_year"),
    ("Perjanjian itu diteken pada Maret 2019.",
     wib(2020, 5, 2), "Maret 2019", date(2019, 3, 1), date(2019, 3, 31), "month", False, "date.month_year"),
    ("Iran mengajukan keanggotaan pada Juni tahun lalu.",
     wib(2022, 1, 16), "Juni tahun lalu", date(2021, 6, 1), date(2021, 6, 30), "month", False,
     "date.month_relative_year"),
    ("Latihan itu digelar akhir tahun lalu.",
     wib(2022, 1, 16), "akhir tahun lalu", date(2021, 10, 1), date(2021, 12, 31), "year", True, "date.relative_year"),
    ("Kedua menteri bertemu bulan lalu.",
     wib(2022, 1, 16), "bulan lalu", date(2021, 12, 1), date(2021, 12, 31), "month", False, "date.relative_month"),
    ("Kedua pihak melaksanakan hasil kunjungan kenegaraan Presiden Putin ke Tiongkok pekan lalu.",
     wib(2024, 5, 21), "pekan lalu", date(2024, 5, 13), date(2024, 5, 19), "month", True, "date.relative_week"),
    # a week without its day keeps month precision; a weekday in it gives the day (weeks run Monday to Sunday)
    ("Kedua menteri bertemu di Hanoi pada Kamis pekan lalu.",
     wib(2024, 5, 21), "pada Kamis pekan lalu", date(2024, 5, 16), date(2024, 5, 16), "day", False,
     "date.weekday_of_week"),
    ("Delegasi Jepang tiba di Jakarta Senin lalu.",
     wib(2024, 5, 22), "Senin lalu", date(2024, 5, 20), date(2024, 5, 20), "day", False, "date.weekday_past"),
    ("Delegasi Jepang tiba di Jakarta Rabu lalu.",   # the same weekday as the paper: a week before
     wib(2024, 5, 22), "Rabu lalu", date(2024, 5, 15), date(2024, 5, 15), "day", False, "date.weekday_past"),
    ("Presiden menerima kunjungan Perdana Menteri Malaysia kemarin.",
     wib(2023, 1, 10), "kemarin", date(2023, 1, 9), date(2023, 1, 9), "day", False, "date.yesterday"),
    ("Kedua menteri menandatangani perjanjian itu tadi malam.",
     wib(2023, 1, 10), "tadi malam", date(2023, 1, 9), date(2023, 1, 9), "day", False, "date.yesterday"),
    ("Presiden dan Perdana Menteri Belanda bertemu di Istana Bogor hari ini.",
     wib(2016, 11, 23), "hari ini", date(2016, 11, 23), date(2016, 11, 23), "day", False, "date.today"),
    ("Forum itu pertama kali digelar di Bandung pada 2013.",
     wib(2016, 10, 28), "pada 2013", date(2013, 1, 1), date(2013, 12, 31), "year", False, "date.year_marked"),
    ("Forum kedua digelar di Lyon, Prancis, 2015 silam.",
     wib(2016, 10, 28), "2015 silam", date(2015, 1, 1), date(2015, 12, 31), "year", False, "date.year_past"),
    ("Dua pengiriman itu terjadi dalam enam bulan ke belakang.",
     wib(2017, 8, 22), "enam bulan ke belakang", date(2017, 2, 1), date(2017, 2, 28), "month", True, "date.ago"),
    ("Latihan gabungan itu digelar akhir 2019.",
     wib(2020, 5, 2), "akhir 2019", date(2019, 10, 1), date(2019, 12, 31), "year", True, "date.part_year"),
    ("Latihan bersama digelar tiga bulan lalu.",
     wib(2020, 5, 2), "tiga bulan lalu", date(2020, 2, 1), date(2020, 2, 29), "month", True, "date.ago"),
]


@pytest.mark.parametrize("sentence, published, text, start, end, precision, approximate, rule", FORMS,
                         ids=[f[7] + ":" + f[2] for f in FORMS])
def test_each_date_form_resolves_against_publication(grammar, sentence, published, text, start, end, precision,
                                                     approximate, rule):
    refs = find_dates(sentence, published, grammar)
    assert len(refs) == 1
    ref = refs[0]
    assert (ref.text, ref.start, ref.end, ref.precision, ref.approximate, ref.rule_id) == (
        text, start, end, precision, approximate, rule)
    assert ref.basis == "sentence"
    assert sentence[ref.start_char:ref.end_char] == text


def test_offsets_are_shifted_into_the_field(grammar):
    body = "Paragraf pertama.\n\nPutin dan Xi bertemu pada 15 September 2022."
    sentence_start = body.index("Putin")
    [ref] = find_dates(body[sentence_start:], wib(2022, 9, 16), grammar, offset=sentence_start)
    assert body[ref.start_char:ref.end_char] == "15 September 2022"


@pytest.mark.parametrize("sentence, published, expected", [
    # December article, a January date in the past: the previous year
    ("Kedua menteri bertemu pada 5 Januari.", wib(2021, 12, 20), date(2021, 1, 5)),
    # a January article speaking of November: last year's November
    ("Pertemuan digelar pertengahan November lalu.", wib(2021, 1, 10), date(2020, 11, 11)),
    # the sentence speaks of the future: the next 2 January
    ("Presiden akan berkunjung ke Moskow pada 2 Januari.", wib(2022, 12, 20), date(2023, 1, 2)),
    # "pada hari Senin" in a Friday article is the Monday of that week; in the future, the next Monday
    ("Pada hari Senin, kedua negara menandatangani protokol.", wib(2022, 9, 16), date(2022, 9, 12)),
    ("Kedua negara akan menandatangani protokol pada hari Senin.", wib(2022, 9, 16), date(2022, 9, 19)),
])
def test_year_less_dates_take_the_latest_year_not_after_publication(grammar, sentence, published, expected):
    [ref] = find_dates(sentence, published, grammar)
    assert ref.start == expected


def test_weekday_beside_a_date_is_checked(grammar):
    [right] = find_dates("Selasa (10/11)", wib(2020, 11, 11), grammar)
    [wrong] = find_dates("Senin (10/11)", wib(2020, 11, 11), grammar)
    assert right.weekday_ok is True
    assert wrong.weekday_ok is False and wrong.start == date(2020, 11, 10)


@pytest.mark.parametrize("sentence", [
    "Belarusia meliputi wilayah seluas 207.600 kilometer persegi dengan populasi sekitar 9,16 juta jiwa.",
    "Jadi Mitra Strategis Asean, Rusia Bantu Tangkal Ancaman Keamanan",
    "Tanggal 31/2 Juni tidak ada.",          # a bad day is not a date, "2 Juni" is not read out of "31/2 Juni"
    "Senin (31/2) tidak ada.",
    "Juni adalah nama seorang juru bicara.",  # a bare month name without a cue is not a date
    "Kabar ini beredar di media sosial sejak pagi.",
])
def test_text_without_a_date_gives_none(grammar, sentence):
    assert find_dates(sentence, wib(2022, 9, 16), grammar) == []


def test_lower_case_minggu_is_a_week_and_capitalised_minggu_a_sunday(grammar):
    [week] = find_dates("Latihan itu digelar pada minggu ini.", wib(2022, 9, 16), grammar)
    [sunday] = find_dates("Latihan itu digelar pada hari Minggu.", wib(2022, 9, 16), grammar)
    assert (week.rule_id, week.start, week.end, week.approximate) == (
        "date.relative_week", date(2022, 9, 12), date(2022, 9, 18), True)
    assert (sunday.rule_id, sunday.start) == ("date.weekday", date(2022, 9, 11))


def test_several_dates_keep_text_order(grammar):
    sentence = "Pada hari Jumat (26/2), juru bicara mengumumkan kesepakatan yang dicapai pada 24-25 Februari lalu."
    refs = find_dates(sentence, wib(2021, 3, 1), grammar)
    assert [r.text for r in refs] == ["hari Jumat (26/2)", "24-25 Februari lalu"]


def test_choose_date_takes_the_date_nearest_the_trigger(grammar):
    sentence = "Pada hari Jumat (26/2), juru bicara mengumumkan kesepakatan yang dicapai pada 24-25 Februari lalu."
    refs = find_dates(sentence, wib(2021, 3, 1), grammar)
    trigger = sentence.index("dicapai")
    assert choose_date(refs, trigger, trigger + 7, wib(2021, 3, 1)).text == "24-25 Februari lalu"
    announce = sentence.index("mengumumkan")
    assert choose_date(refs, announce, announce + 11, wib(2021, 3, 1)).text == "hari Jumat (26/2)"


def test_no_date_falls_back_to_publication_never_silently():
    ref = choose_date([], 10, 20, wib(2020, 11, 11))
    assert ref == publication_date(wib(2020, 11, 11))
    assert (ref.basis, ref.text, ref.start, ref.precision, ref.rule_id) == (
        "publication", None, date(2020, 11, 11), "day", "date.publication")


def test_without_a_publication_date_only_dates_that_need_none_are_found(grammar):
    sentence = "Pertemuan pada Selasa (10/11) menindaklanjuti perjanjian 15 September 2022 dan kesepakatan pada 2013."
    assert [r.text for r in find_dates(sentence, None, grammar)] == ["15 September 2022", "pada 2013"]


def test_broken_lexicon_is_reported_with_the_missing_key(knowledge):
    broken = {k: v for k, v in knowledge.lexicon("dates_id").items() if k != "past"}
    broken["month_parts"] = {**broken["month_parts"], "akhir": [21]}
    problems = Problems(None)
    assert compile_grammar(broken, problems, (1800, 2100)) is None
    assert [str(p) for p in problems.found] == [
        "lexicons/dates_id.toml: month_parts.akhir: must be a list of 2 whole numbers, not 1",
        "lexicons/dates_id.toml: past: missing: this key is required"]


def test_a_counted_number_after_a_marker_is_no_year(grammar):
    assert find_dates("Bantuan itu dikirim pada 2013 orang pengungsi.", wib(2020, 5, 2), grammar) == []


@pytest.mark.parametrize("sentence, expected", [
    # a scheduled day the paper reports the morning after: this year's Thursday, the weekday agrees
    ("Presiden dijadwalkan bertemu Presiden Korea Selatan pada Kamis (29/6).", date(2017, 6, 29)),
    # a scheduled day weeks ahead in the next year
    ("Kedua menteri dijadwalkan bertemu pada 10 Januari.", date(2018, 1, 10)),
])
def test_a_future_sentence_keeps_a_date_just_past_in_this_year(grammar, sentence, expected):
    [ref] = find_dates(sentence, datetime(2017, 6, 30, 2, 5, tzinfo=WIB), grammar)
    assert ref.start == expected


# issue 18: which date a clause's words give (sentences of our own; PUB_FRI is a Friday)
PUB_FRI = datetime(2025, 3, 14, 9, 0, tzinfo=WIB)


@pytest.mark.parametrize("sentence, expected", [
    # the quote's "akan" is not the tense of the Thursday after it: a past Thursday
    ('"Kami akan membuka kantor dagang," kata menteri itu usai bertemu duta besar, pada Kamis.', date(2025, 3, 13)),
    # "akan" in the date's own clause: the next Thursday
    ("Menteri itu akan bertemu duta besar Jepang pada Kamis.", date(2025, 3, 20)),
    # a clause after "setelah" has a time of its own
    ("Kedua menteri akan bertemu lagi setelah keduanya berunding pada Rabu.", date(2025, 3, 12)),
])
def test_a_weekday_takes_the_tense_of_its_own_clause(grammar, sentence, expected):
    [ref] = find_dates(sentence, PUB_FRI, grammar)
    assert ref.start == expected


@pytest.mark.parametrize("sentence, text, expected, rule", [
    ("Kedua menteri bertemu di Hanoi, Selasa malam waktu setempat.", "Selasa malam", date(2025, 3, 11),
     "date.weekday_time"),
    ("Perjanjian itu diteken di Canberra, kata juru bicara, Senin.", "Senin", date(2025, 3, 10), "date.weekday_tail"),
    ("Delegasi Korea dijadwalkan tiba di Jakarta Senin pagi.", "Senin pagi", date(2025, 3, 17), "date.weekday_time"),
])
def test_a_weekday_without_a_marker_is_a_date_beside_a_time_of_day_or_at_a_clause_end(grammar, sentence, text,
                                                                                     expected, rule):
    [ref] = find_dates(sentence, PUB_FRI, grammar)
    assert (ref.text, ref.start, ref.rule_id) == (text, expected, rule)
    assert sentence[ref.start_char:ref.end_char] == text


@pytest.mark.parametrize("sentence", [
    "Kamis adalah hari yang paling sibuk bagi para diplomat.",     # a weekday named, no date
    "Rapat Jumat, Sabtu dan Minggu itu diisi pelatihan.",          # a list of weekdays mid-clause
    "Toko Selasa Pagi menjual buku bekas.",                        # lower-case time words only
])
def test_a_bare_weekday_name_alone_is_no_date(grammar, sentence):
    assert [r.rule_id for r in find_dates(sentence, PUB_FRI, grammar)] == []


@pytest.mark.parametrize("sentence, start, end, rule", [
    ("Konferensi itu digelar di Jenewa dari 10 hingga 14 Maret 2025.", date(2025, 3, 10), date(2025, 3, 14),
     "date.day_range_month"),
    ("Perdana menteri berada di Tokyo, Rabu-Jumat (12-14/3), untuk kunjungan kerja.", date(2025, 3, 12),
     date(2025, 3, 14), "date.paren_day_range"),
    ("Kunjungan kenegaraan itu berlangsung 28 Februari - 2 Maret.", date(2025, 2, 28), date(2025, 3, 2),
     "date.range"),
])
def test_a_range_stays_a_range(grammar, sentence, start, end, rule):
    [ref] = find_dates(sentence, PUB_FRI, grammar)
    assert (ref.start, ref.end, ref.precision, ref.rule_id) == (start, end, "day", rule)


@pytest.mark.parametrize("sentence, published, start, end, precision", [
    # a month named ahead: this year's when still to come, next year's when past
    ("Latihan gabungan itu baru akan digelar April mendatang.", PUB_FRI, date(2025, 4, 1), date(2025, 4, 30),
     "month"),
    ("Forum itu dijadwalkan Januari nanti.", datetime(2024, 11, 5, 9, 0, tzinfo=WIB), date(2025, 1, 1),
     date(2025, 1, 31), "month"),
    # "nanti" makes a day ahead as well: this year's June, not last year's
    ("Kedua pemimpin bertemu di Paris pada 17-19 Juni nanti.", datetime(2025, 6, 10, 9, 0, tzinfo=WIB),
     date(2025, 6, 17), date(2025, 6, 19), "day"),
    # a month-only date in a past clause: the latest such month not after publication
    ("Kedua negara menandatangani perjanjian itu pada Mei lalu.", PUB_FRI, date(2024, 5, 1), date(2024, 5, 31),
     "month"),
    ("Kedua negara menandatangani perjanjian itu pada Februari.", PUB_FRI, date(2025, 2, 1), date(2025, 2, 28),
     "month"),
    # counted forward
    ("Indonesia ditargetkan menjadi anggota penuh paling lambat tiga tahun lagi.", PUB_FRI, date(2028, 1, 1),
     date(2028, 12, 31), "year"),
    ("Perundingan diharapkan rampung dua bulan lagi.", PUB_FRI, date(2025, 5, 1), date(2025, 5, 31), "month"),
])
def test_a_month_or_count_ahead_takes_its_year_from_the_tense(grammar, sentence, published, start, end, precision):
    [ref] = find_dates(sentence, published, grammar)
    assert (ref.start, ref.end, ref.precision) == (start, end, precision)


def test_saat_ini_is_the_publication_day_but_not_when_it_ends_a_span(grammar):
    [now] = find_dates("Saat ini, menteri itu berada di Seoul untuk berunding.", PUB_FRI, grammar)
    assert (now.rule_id, now.start) == ("date.today", date(2025, 3, 14))
    assert find_dates("Hingga saat ini kedua negara belum berunding lagi.", PUB_FRI, grammar) == []


@pytest.mark.parametrize("sentence, text, is_report", [
    ("Kesepakatan itu dicapai pekan lalu, seperti dilansir AFP, Jumat (14/3/2025).", "Jumat (14/3/2025)", True),
    ("Pernyataan itu dikutip dari laman Kremlin, Kamis (13/3).", "Kamis (13/3)", True),
    ("Berita ini ditulis Jumat (14/3/2025).", "Jumat (14/3/2025)", True),
    ("Kedua menteri bertemu di Seoul pada Kamis (13/3).", "Kamis (13/3)", False),
    ("Laporan yang dikutip media itu menyebut kedua menteri bertemu pada Kamis (13/3).", "Kamis (13/3)", False),
])
def test_a_date_of_writing_or_quoting_is_told_apart(grammar, sentence, text, is_report):
    [ref] = [r for r in find_dates(sentence, PUB_FRI, grammar) if r.text == text]
    assert reported(ref, sentence, 0, grammar) is is_report


@pytest.mark.parametrize("sentence, published, start, end", [
    # a month marked past that is not over at publication is last year's
    ("Perusahaan itu meluncurkan ponselnya pada Juni lalu.", datetime(2025, 6, 20, 9, 0, tzinfo=WIB),
     date(2024, 6, 1), date(2024, 6, 30)),
    # counter-examples: a past part of this month, a past month of this year
    ("Kedua menteri bertemu pada awal Juni lalu.", datetime(2025, 6, 20, 9, 0, tzinfo=WIB),
     date(2025, 6, 1), date(2025, 6, 10)),
    ("Kedua menteri bertemu pada Mei lalu.", datetime(2025, 6, 20, 9, 0, tzinfo=WIB), date(2025, 5, 1),
     date(2025, 5, 31)),
])
def test_a_past_month_not_yet_over_is_last_years(grammar, sentence, published, start, end):
    [ref] = find_dates(sentence, published, grammar)
    assert (ref.start, ref.end) == (start, end)


def test_a_duration_in_days_makes_its_day_a_range(grammar):
    sentence = "Perdana menteri memulai kunjungan kerja selama tiga hari di Seoul, Rabu (12/3)."
    [ref] = find_dates(sentence, PUB_FRI, grammar)
    assert (ref.rule_id, ref.start, ref.end, ref.text) == (
        "date.duration", date(2025, 3, 12), date(2025, 3, 14), "selama tiga hari di Seoul, Rabu (12/3)")
    assert sentence[ref.start_char:ref.end_char] == ref.text


@pytest.mark.parametrize("sentence", [
    # two durations: which day goes with which is not said
    "Latihan selama dua hari itu disusul rapat selama tiga hari, Rabu (12/3).",
    # a duration far from the day belongs to something else
    "Delegasi itu menginap selama lima hari di hotel yang dibangun dengan dana asing oleh perusahaan dari luar "
    "negeri sejak bertahun-tahun, lalu bertemu menteri pada Rabu (12/3).",
])
def test_a_duration_not_clearly_of_the_day_leaves_it_one_day(grammar, sentence):
    [ref] = find_dates(sentence, PUB_FRI, grammar)
    assert ref.start == ref.end == date(2025, 3, 12)


@pytest.mark.parametrize("sentence,found", [
    ("Prasasti itu diklaim berasal dari tahun 0001 oleh pengunggahnya.", []),
    ("Kode kedaluwarsa kartu tercetak tahun 9999 di sistem lama.", []),
    ("Perjanjian itu berlaku hingga 31 Desember 9999 menurut arsip.", []),
    ("Benteng itu dibangun pada tahun 1800 oleh pemerintah kolonial.", [(date(1800, 1, 1), date(1800, 12, 31))]),
    ("Rencana induk kota disusun untuk tahun 2100 dan seterusnya.", [(date(2100, 1, 1), date(2100, 12, 31))]),
])
def test_a_year_outside_the_plausible_range_is_no_date(grammar, sentence, found):
    assert [(r.start, r.end) for r in find_dates(sentence, wib(2025, 6, 3), grammar)] == found


def test_the_plausible_years_are_the_metadata_ones(knowledge, compiled):
    assert compiled.events.dates.years == tuple(knowledge.lexicon("meta_dates")["years"])
    narrow = compile_grammar(knowledge.lexicon("dates_id"), Problems(None), (2000, 2010))
    sentence = "Kota itu berdiri pada tahun 1999 dan diperluas pada tahun 2005."
    assert [r.text for r in find_dates(sentence, wib(2025, 6, 3), narrow)] == ["tahun 2005"]


@pytest.mark.parametrize("sentence, start, end", [
    # a later part or day of the publication month, no tense word: this month, not last year's
    ("Para menteri pertahanan bertemu di Brussel pada akhir bulan Juni untuk membahas anggaran.",
     date(2025, 6, 21), date(2025, 6, 30)),
    ("Festival budaya itu digelar di alun-alun kota pada 25 Juni.", date(2025, 6, 25), date(2025, 6, 25)),
    # counter-examples: marked past, the same month is last year's; a later month without tense is last year's
    ("Festival budaya itu digelar di alun-alun kota pada akhir Juni lalu.", date(2024, 6, 21), date(2024, 6, 30)),
    ("Festival budaya itu digelar di alun-alun kota pada 25 Juni lalu.", date(2024, 6, 25), date(2024, 6, 25)),
    ("Festival budaya itu digelar di alun-alun kota pada pertengahan Juli.", date(2024, 7, 11), date(2024, 7, 20)),
    # an earlier part of the month: this month, as before
    ("Festival budaya itu digelar di alun-alun kota pada 1 Juni.", date(2025, 6, 1), date(2025, 6, 1)),
])
def test_the_publication_month_not_yet_over_is_this_years_unless_marked_past(grammar, sentence, start, end):
    [ref] = find_dates(sentence, datetime(2025, 6, 3, 9, 0, tzinfo=WIB), grammar)
    assert (ref.start, ref.end) == (start, end)

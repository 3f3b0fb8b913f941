"""Who acts for which state or organisation (pipeline/events/actors.py): countries, organisations, organs, officials."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.events.actors import IGO, STATE
from pipeline.record import Mention


@pytest.fixture(scope="module")
def actors(compiled):
    return compiled.events.actors


def mention(text: str, surface: str, label: str, canonical: str | None = None, code: str | None = None,
            title: str | None = None, person_country: str | None = None) -> Mention:
    start = text.index(surface)
    return Mention("body", 0, start, start + len(surface), surface, label, canonical or surface, code,
                   title=title, person_country=person_country)


def acts(actors, text, *args, on=date(2024, 6, 1), **kwargs):
    found = actors.actor(mention(text, *args, **kwargs), text, on)
    return (found.kind, found.code) if found else None


@pytest.mark.parametrize("text, surface, expected", [
    ("Presiden Prancis tiba di Jakarta.", "Prancis", (STATE, "FRA")),
    ("Wisatawan asal Prancis memadati Bali.", "Prancis", None),           # the country qualifies a noun
    ("Perusahaan China itu membuka pabrik.", "China", None),
    ("Pemain Brasil itu mencetak dua gol.", "Brasil", None),
    ("Pemerintah China menolak tuduhan itu.", "China", (STATE, "CHN")),
])
def test_a_country_acts_unless_it_only_qualifies_a_noun(actors, text, surface, expected):
    code = {"Prancis": "FRA", "China": "CHN", "Brasil": "BRA"}[surface]
    assert acts(actors, text, surface, "COUNTRY", code=code) == expected


@pytest.mark.parametrize("surface, canonical, expected", [
    ("ASEAN", "ASEAN", (IGO, "ASEAN")),
    ("Dewan Keamanan PBB", "UNSC", (IGO, "UN")),               # an organ acts for its organisation
    ("Kremlin", "Kremlin", (STATE, "RUS")),
    ("TASS", "TASS", None),                                     # media
    ("ISIS", "ISIS", None),                                     # armed group
    ("Kementerian Luar Negeri China", None, (STATE, "CHN")),   # a state organ by its name
    ("Angkatan Laut Australia", None, (STATE, "AUS")),
    ("Kementerian Perhubungan", None, (STATE, "IDN")),         # an Indonesian ministry names no country
    ("Kemenpar", None, (STATE, "IDN")),
    ("Majelis Umum PBB", None, (IGO, "UN")),
    ("PT Telkom Indonesia", None, None),                       # a company, though it names a country
    ("Persib Bandung", None, None),
])
def test_organisations_act_through_the_tables_or_their_names(actors, surface, canonical, expected):
    text = f"Kemarin {surface} mengeluarkan pernyataan."
    assert acts(actors, text, surface, "ORG", canonical=canonical) == expected


@pytest.mark.parametrize("text, name, title, country, expected", [
    ("Presiden Rusia Vladimir Putin tiba.", "Vladimir Putin", "Presiden Rusia", "RUS", (STATE, "RUS")),
    ("Menteri Pariwisata Arief Yahya hadir.", "Arief Yahya", "Menteri Pariwisata", None, (STATE, "IDN")),
    ("Sekjen PBB Antonio Guterres hadir.", "Antonio Guterres", "Sekjen PBB", None, (IGO, "UN")),
    ("Juru Bicara Kremlin Dmitry Peskov berkata.", "Dmitry Peskov", "Juru Bicara Kremlin", "RUS", (STATE, "RUS")),
    ("Duta Besar Korea Utara untuk PBB Ja Min hadir.", "Ja Min", "Duta Besar Korea Utara untuk PBB", "PRK",
     (STATE, "PRK")),
    ("Direktur Utama Pertamina Budi Santoso hadir.", "Budi Santoso", "Direktur Utama Pertamina", None, None),
    ("Pelatih Timnas Jepang Hajime Moriyasu hadir.", "Hajime Moriyasu", "Pelatih Timnas Jepang", "JPN", None),
    ("Kanselir Hans Weber hadir.", "Hans Weber", "Kanselir", None, None),    # Indonesia has no chancellor
    ("Xi Jinping tiba di Moskow.", "Xi Jinping", None, None, (STATE, "CHN")),  # leaders.tsv
    ("Mantan Presiden AS Barack Obama hadir.", "Barack Obama", "Presiden AS", "USA", None),
    ("Penyanyi Raisa Andriana hadir.", "Raisa Andriana", None, None, None),
])
def test_people_act_through_their_office(actors, text, name, title, country, expected):
    assert acts(actors, text, name, "PERSON", title=title, person_country=country) == expected


def test_an_office_holder_acts_for_what_they_held_that_year(actors):
    text = "Mark Rutte tiba di Jakarta."
    assert acts(actors, text, "Mark Rutte", "PERSON", on=date(2019, 3, 1)) == (STATE, "NLD")
    assert acts(actors, text, "Mark Rutte", "PERSON", on=date(2025, 3, 1)) == (IGO, "NATO")
    assert acts(actors, text, "Mark Rutte", "PERSON", on=date(2005, 3, 1)) is None


@pytest.mark.parametrize("name, day, expected", [
    ("Joko Widodo", date(2024, 10, 19), (STATE, "IDN")),     # his last days in office
    ("Joko Widodo", date(2024, 10, 21), None),               # the day after Prabowo Subianto's inauguration
    ("Prabowo Subianto", date(2024, 10, 21), (STATE, "IDN")),
    ("Joe Biden", date(2025, 1, 19), (STATE, "USA")),
    ("Joe Biden", date(2025, 1, 22), None),                   # same year, no longer president
    ("Donald Trump", date(2025, 1, 22), (STATE, "USA")),
    ("Donald Trump", date(2024, 6, 1), None),                 # between his two terms
])
def test_offices_begin_and_end_on_their_day(actors, name, day, expected):
    assert acts(actors, f"{name} tiba di Jakarta.", name, "PERSON", on=day) == expected


def test_the_table_is_asked_by_the_day_and_its_aliases(actors):
    assert actors.holder("Jokowi", date(2023, 5, 1)).code == "IDN"
    assert actors.holder("Jokowi", date(2025, 5, 1)) is None
    assert actors.holder("Jokowi", date(2024, 12, 1), date(2024, 10, 1)) is None    # a range: any day in it
    assert actors.holder("Joko Widodo", date(2024, 10, 1), date(2024, 10, 31)).code == "IDN"
    assert actors.leader_name("Prabowo", "IDN") == "Prabowo Subianto"
    assert actors.leader_name("Prabowo", "USA") is None                # an alias of another state's person
    assert actors.leader_name("Budi", None) is None


@pytest.mark.parametrize("text, name, title, expected", [
    ("Presiden Joko Widodo tiba.", "Joko Widodo", "Presiden", (STATE, "IDN")),
    ("Presiden Hendra Kusuma tiba.", "Hendra Kusuma", "Presiden", None),           # not an Indonesian president
    ("Menteri Pertahanan Ryamizard Ryacudu tiba.", "Ryamizard Ryacudu", "Menteri Pertahanan", (STATE, "IDN")),
    ("Menteri Pariwisata Arief Yahya hadir.", "Arief Yahya", "Menteri Pariwisata", (STATE, "IDN")),  # many hold it
    ("Ayatollah Ali Khamenei berpidato.", "Ali Khamenei", "Ayatollah", (STATE, "IRN")),  # the table, not a guess
])
def test_a_bare_title_of_an_office_of_one_holder_needs_the_table(actors, text, name, title, expected):
    day = date(2016, 6, 1)
    assert acts(actors, text, name, "PERSON", title=title, person_country="ISR" if "Ayatollah" in text else None,
                on=day) == expected


def test_an_office_holder_tagged_as_a_place_still_acts(actors):
    text = "Menteri Luar Negeri Sugiono tiba di Kairo."
    assert acts(actors, text, "Sugiono", "LOC", on=date(2025, 2, 1)) == (STATE, "IDN")


def test_untagged_state_organs_are_found_with_their_country(actors):
    text = "Kementerian Luar Negeri China memanggil Duta Besar Jepang."
    china = mention(text, "China", "COUNTRY", code="CHN")
    [organ] = actors.untagged_organs(text, 0, len(text), [china])
    assert text[organ.start:organ.end] == "Kementerian Luar Negeri China"
    assert actors.actor(organ, text, date(2024, 6, 1)).code == "CHN"


def test_a_city_gives_its_state(actors):
    assert actors.city_state("Tokyo") == "JPN" and actors.city_state("Kuala Lumpur") == "MYS"
    assert actors.city_state("Kota Fiksi") is None


@pytest.mark.parametrize("text, expected", [
    ("Tokyo dan Washington memiliki perjanjian aliansi sejak 1960.", (STATE, "JPN")),   # the seat for the state
    ("Pertemuan digelar di Tokyo pekan lalu.", None),                                    # a place
    ("Staf KBRI Tokyo menjemput para pelajar.", None),                                   # part of a name
    ("Bursa Tokyo ditutup menguat.", None),
    ("Target itu sejalan dengan perjanjian iklim Tokyo yang berlaku sejak 2005.", None),  # a treaty's name
    ("Negara maju terikat pada Protokol Tokyo soal emisi.", None),
    ("Dalam kesepakatan itu, Tokyo berjanji menurunkan tarif.", (STATE, "JPN")),       # a party after all
])
def test_a_seat_of_government_acts_for_its_state_only_as_a_doer(actors, text, expected):
    assert acts(actors, text, "Tokyo", "LOC") == expected


def _model_with_leader_row(knowledge, compiled, **row):
    from pipeline.events.actors import compile_actor_model
    from pipeline.knowledge.problems import Problems
    lexicons = dict(knowledge.lexicons)
    base = {"name": "Budi Contoh", "actor": "IDN", "office": "Menteri", "from": "2020-01-01", "to": "", "aliases": ""}
    lexicons["leaders"] = [{**base, **row}]
    problems = Problems(None)
    return compile_actor_model(lexicons, compiled.names.gazetteer, problems), problems


@pytest.mark.parametrize("row, message", [
    ({"from": "2020-02-30"}, "not a calendar day"),
    ({"from": "2021-05-01", "to": "2020-05-01"}, "ends"),
    ({"from": "1 Mei 2020"}, "YYYY-MM-DD"),
])
def test_a_leader_row_with_a_bad_day_is_reported(knowledge, compiled, row, message):
    model, problems = _model_with_leader_row(knowledge, compiled, **row)
    assert model is None and message in " ".join(str(p) for p in problems.found)


def test_a_leader_row_with_a_bare_year_covers_the_whole_year(knowledge, compiled):
    model, _ = _model_with_leader_row(knowledge, compiled, **{"from": "2020", "to": "2021"})
    assert model.holder("Budi Contoh", date(2020, 1, 1)).code == "IDN"
    assert model.holder("Budi Contoh", date(2021, 12, 31)).code == "IDN"
    assert model.holder("Budi Contoh", date(2022, 1, 1)) is None


def test_a_title_naming_another_state_than_the_office_held_that_day_is_misplaced(actors):
    text = "Menhan Malaysia dan Prabowo Subianto tiba."
    assert acts(actors, text, "Prabowo Subianto", "PERSON", title="Menhan Malaysia", person_country="MYS",
                on=date(2025, 10, 25)) == (STATE, "IDN")
    # out of office that day, the title decides
    assert acts(actors, "Perdana Menteri Inggris Boris Johnson tiba.", "Boris Johnson", "PERSON",
                title="Perdana Menteri Inggris", person_country="GBR", on=date(2016, 1, 1)) == (STATE, "GBR")


@pytest.mark.parametrize("text, surface, label, expected", [
    ("JAKARTA – Presiden menerima tamu.", "JAKARTA", "LOC", None),
    ("Liputan6.com, Jakarta - Presiden menerima tamu.", "Jakarta", "LOC", None),
    ("Pembuka.\nLondon (ANTARA) - Perdana Menteri berbicara.", "London", "LOC", None),
    ("JAKARTA, KOMPAS.com – Presiden menerima tamu.", "JAKARTA", "LOC", None),
    ("SINGAPURA – Perdana Menteri berbicara.", "SINGAPURA", "COUNTRY", None),
    ("Tokyo dan Washington memiliki perjanjian pertahanan.", "Washington", "LOC", (STATE, "USA")),  # a seat acting
    ("Singapura - Malaysia menandatangani perjanjian.", "Malaysia", "COUNTRY", (STATE, "MYS")),  # mid-line
])
def test_the_dateline_is_never_an_actor(actors, text, surface, label, expected):
    code = {"SINGAPURA": "SGP", "Malaysia": "MYS"}.get(surface)
    assert acts(actors, text, surface, label, code=code) == expected

"""Who acts for which state or organisation (pipeline/events/actors.py): countries, organisations, organs, officials."""
from __future__ import annotations

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


def acts(actors, text, *args, year=2024, **kwargs):
    found = actors.actor(mention(text, *args, **kwargs), text, year)
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
    assert acts(actors, text, "Mark Rutte", "PERSON", year=2019) == (STATE, "NLD")
    assert acts(actors, text, "Mark Rutte", "PERSON", year=2025) == (IGO, "NATO")
    assert acts(actors, text, "Mark Rutte", "PERSON", year=2005) is None


def test_an_office_holder_tagged_as_a_place_still_acts(actors):
    text = "Menteri Luar Negeri Sugiono tiba di Kairo."
    assert acts(actors, text, "Sugiono", "LOC", year=2025) == (STATE, "IDN")


def test_untagged_state_organs_are_found_with_their_country(actors):
    text = "Kementerian Luar Negeri China memanggil Duta Besar Jepang."
    china = mention(text, "China", "COUNTRY", code="CHN")
    [organ] = actors.untagged_organs(text, 0, len(text), [china])
    assert text[organ.start:organ.end] == "Kementerian Luar Negeri China"
    assert actors.actor(organ, text, 2024).code == "CHN"


def test_a_city_gives_its_state(actors):
    assert actors.city_state("Tokyo") == "JPN" and actors.city_state("Kuala Lumpur") == "MYS"
    assert actors.city_state("Kota Fiksi") is None


@pytest.mark.parametrize("text, expected", [
    ("Tokyo dan Washington memiliki perjanjian aliansi sejak 1960.", (STATE, "JPN")),   # the seat for the state
    ("Pertemuan digelar di Tokyo pekan lalu.", None),                                    # a place
    ("Staf KBRI Tokyo menjemput para pelajar.", None),                                   # part of a name
    ("Bursa Tokyo ditutup menguat.", None),
])
def test_a_seat_of_government_acts_for_its_state_only_as_a_doer(actors, text, expected):
    assert acts(actors, text, "Tokyo", "LOC") == expected

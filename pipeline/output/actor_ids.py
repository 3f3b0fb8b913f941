"""Actor ids that join across articles: ``state:IDN``, ``igo:ASEAN``, ``org:kementerian-pertahanan``,
``person:prabowo-subianto``.

A state is its ISO 3166-1 alpha-3 code, an international organisation its ``orgs.tsv`` org_id (the codes the
event stage gives). Any other organisation, and every person, is a slug of its canonical name. A person's
aliases resolve to one id: first the office holders of ``lexicons/leaders.tsv`` (name and aliases, "Jokowi" →
Joko Widodo), then, within one article, a short form of a fuller name the article gives ("Putin" when the
article names "Vladimir Putin"), then leaders.tsv again for that fuller name. People never leave the article
they are resolved in otherwise: a surname shared by two people is not guessed across articles.
``wikidata_qid`` stays empty: we are offline, and no curated table with its source holds one yet.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from pipeline.knowledge import load_knowledge
from pipeline.record import Participant


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", fold(name)).strip("-") or "unnamed"


@lru_cache(maxsize=1)
def leader_names() -> dict[str, str]:
    """Folded name or alias → the full name leaders.tsv gives it (a name that two rows give to different
    people is left out: it cannot say who is meant)."""
    found: dict[str, set[str]] = {}
    for row in load_knowledge().lexicon("leaders"):
        for alias in [row["name"], *filter(None, (row.get("aliases") or "").split("|"))]:
            found.setdefault(fold(alias), set()).add(row["name"])
    return {alias: next(iter(names)) for alias, names in found.items() if len(names) == 1}


def fuller_names(names: Iterable[str]) -> dict[str, str]:
    """Within one article: each person name → the one fuller name of the article whose words hold all of its
    words ("Putin" → "Vladimir Putin"); a name with two such candidates keeps its own form."""
    names = sorted(set(names))
    words = {name: set(fold(name).split()) for name in names}
    resolved = {}
    for name in names:
        longer = [other for other in names if other != name and words[name] < words[other]]
        longest = [other for other in longer if not any(words[other] < words[o] for o in longer)]
        resolved[name] = longest[0] if len(longest) == 1 else name
    return resolved


def person_name(canonical: str, article_people: dict[str, str]) -> str:
    """The one name of a person: leaders.tsv's for a name or alias it knows, else the article's fuller name."""
    fuller = article_people.get(canonical, canonical)
    for name in (canonical, name_part(canonical), fuller, name_part(fuller)):
        if (found := known_name(name)) is not None:
            return found
    return fuller


def name_part(name: str) -> str:
    """The name before a lowercase word the tagger ran on into ("Prabowo via Zoom" → "Prabowo")."""
    words = name.split()
    cut = next((i for i, word in enumerate(words) if i and word[:1].islower()), len(words))
    return " ".join(words[:cut])


def known_name(name: str) -> str | None:
    """leaders.tsv's full name for a name or alias, also written without its spaces ("PrabowoSubianto")."""
    known = leader_names()
    return known.get(fold(name)) or compact_names().get(re.sub(r"[\W_]+", "", fold(name)))


@lru_cache(maxsize=1)
def compact_names() -> dict[str, str]:
    return {re.sub(r"[\W_]+", "", alias): name for alias, name in leader_names().items()}


def actor_fields(p: Participant, article_people: dict[str, str]) -> dict:
    """actor_id, country_iso3, org_id and wikidata_qid of one participant (``article_people``: the article's
    ``fuller_names``)."""
    org = p.code if p.actor_kind == "igo" and p.code else None
    state = p.code if p.code and not org else None
    if p.label == "PERSON":
        actor_id = f"person:{slug(person_name(p.canonical, article_people))}"
    elif p.label == "COUNTRY" and state:
        actor_id = f"state:{state}"
    elif p.label == "ORG" and org and fold(p.canonical) == fold(org):
        actor_id = f"igo:{org}"
    else:
        actor_id = f"{'place' if p.label in ('LOC', 'COUNTRY') else 'org'}:{slug(p.canonical)}"
    return {"actor_id": actor_id, "country_iso3": state, "org_id": org, "wikidata_qid": None}

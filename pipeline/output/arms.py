"""ARMS_DEAL fields that join the SIPRI Arms Transfers Database: the systems (``weapon_designation``) and their
SIPRI categories (``weapon_category``, from lexicons/weapons_id.toml), the number of systems, the stated value
as a number with its ISO 4217 currency, and the deal's stage (lexicons/arms_id.toml holds the words).

The value is read from the event's ``value`` (the words the event rule took) or, failing that, from its sentence:
a number with a currency before or after it ("US$ 1,2 miliar", "Rp 8 triliun", "1,2 miliar euro"); the
Indonesian decimal comma and thousands dot are read as such. The quantity is a number (or number word) just
before a weapon's name ("42 jet tempur Rafale", "dua kapal selam").
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.knowledge import load_knowledge
from pipeline.record import Event

EMPTY = {"weapon_designation": None, "weapon_category": None, "quantity": None, "value_amount": None,
         "value_currency": None, "deal_stage": None}
NUMBER = r"\d+(?:[.,]\d+)*"


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    knowledge = load_knowledge()
    arms, weapons = knowledge.lexicon("arms_id"), knowledge.lexicon("weapons_id")["weapon"]
    currencies = sorted(arms["currencies"], key=len, reverse=True)
    currency = "|".join(re.escape(c) for c in currencies)
    magnitude = "|".join(arms["magnitudes"])
    before = rf"(?P<c1>{currency})\s*(?P<n1>{NUMBER})(?:\s+(?P<m1>{magnitude}))?"
    after = rf"(?P<n2>{NUMBER})(?:\s+(?P<m2>{magnitude}))?\s+(?P<c2>{currency})\b"
    words = "|".join(sorted(map(re.escape, arms["numbers"]), key=len, reverse=True))
    return {
        "money": re.compile(rf"(?:{before}|{after})", re.IGNORECASE),
        "currencies": {c.casefold(): code for c, code in arms["currencies"].items()},
        "magnitudes": arms["magnitudes"], "numbers": arms["numbers"],
        "count": re.compile(rf"\b(?P<count>\d+|{words})\s+(?:unit\s+)?$", re.IGNORECASE),
        "weapons": {w["name"]: (w.get("category"), bool(w.get("specific")), [re.compile(p) for p in w["patterns"]])
                    for w in weapons},
        "mou": [re.compile(p, re.IGNORECASE) for p in arms["stages"]["mou_cues"]],
        "stages": arms["stages"],
    }


def number(text: str) -> float:
    """An Indonesian number: "1,2" → 1.2, "8.000" → 8000, "1.250,5" → 1250.5."""
    if "," in text:
        return float(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return float(text.replace(".", ""))
    return float(text)


def money(text: str) -> tuple[float, str] | None:
    """The first amount with a currency in ``text``: (amount, ISO 4217), or None."""
    lex = _lexicon()
    found = lex["money"].search(text)
    if found is None:
        return None
    digits, scale, currency = ((found["n1"], found["m1"], found["c1"]) if found["n1"] else
                               (found["n2"], found["m2"], found["c2"]))
    factor = lex["magnitudes"][scale.casefold()] if scale else 1
    return number(digits) * factor, lex["currencies"][currency.casefold()]


def quantity(sentence: str, names: tuple[str, ...]) -> int | None:
    """The number written just before the first named weapon ("42 Rafale", "dua kapal selam")."""
    lex = _lexicon()
    for name in names:
        for pattern in lex["weapons"].get(name, (None, False, []))[2]:
            for found in pattern.finditer(sentence):
                counted = lex["count"].search(sentence[:found.start()])
                if counted:
                    word = counted["count"].casefold()
                    return int(word) if word.isdigit() else lex["numbers"][word]
    return None


def stage(event: Event, sentence: str) -> str | None:
    stages = _lexicon()["stages"]
    if event.status in stages["talks_statuses"]:
        return "talks"
    if any(cue.search(sentence) for cue in _lexicon()["mou"]):
        return "mou"
    return stages["by_subtype"].get(event.subtype or "")


def is_designation(name: str) -> bool:
    """A named system (S-400, Rafale, KF-21 Boramae), not a kind of weapon (the lexicon writes kinds in
    lowercase Indonesian: jet tempur, kapal selam)."""
    return name[:1].isupper() or name[:1].isdigit()


def arms_fields(event: Event) -> dict:
    """The ARMS_DEAL columns of a telling (empty for the other types)."""
    if event.event_type != "ARMS_DEAL":
        return dict(EMPTY)
    sentence = event.evidence[0].sentence
    weapons = _lexicon()["weapons"]
    specific = [name for name in event.weapons if is_designation(name)]
    categories = dict.fromkeys(weapons[name][0] for name in event.weapons if name in weapons and weapons[name][0])
    stated = (money(event.value) if event.value else None) or money(sentence)
    return {"weapon_designation": "; ".join(specific) or None, "weapon_category": "; ".join(categories) or None,
            "quantity": quantity(sentence, event.weapons), "value_amount": stated[0] if stated else None,
            "value_currency": stated[1] if stated else None, "deal_stage": stage(event, sentence)}

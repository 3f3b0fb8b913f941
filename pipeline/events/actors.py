"""Political actors behind mentions: which state or international organisation a mention acts for, if any.

States act through their countries' names, their government bodies ("Kementerian Luar Negeri China", "Kremlin")
and the people holding office in them ("Presiden Rusia Vladimir Putin", a leader of ``leaders.tsv``);
international organisations through their names, organs ("Majelis Umum PBB") and officials ("Sekjen PBB").
Companies, clubs, parties, media, armed groups and people without an office never act. The words come from
``lexicons/actors_id.toml``, the organisations from ``orgs.tsv``, the office holders from ``leaders.tsv``.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from pipeline.knowledge.rulebook import left_context_pattern
from pipeline.knowledge.gazetteer import Entry, Gazetteer
from pipeline.knowledge.problems import Problems
from pipeline.knowledge.shape import WORDS, Choice, Regex, Table, Text, check, check_rows
from pipeline.record import Mention

STATE, IGO = "state", "igo"


@dataclass(frozen=True)
class Actor:
    kind: str        # "state" | "igo"
    code: str        # ISO 3166-1 alpha-3, or the organisation's id (its usual acronym: UN, ASEAN)
    basis: str       # what decided it: country, org-table, body-name, title, leader, home-title, home-body


@dataclass(frozen=True)
class Leader:
    actor: str
    name: str             # the row's name: what an alias stands for
    first_day: date
    last_day: date | None  # None: still in office

    def holds(self, on: date | None, until: date | None = None) -> bool:
        """In office on that day, or on some day of on..until (None: at any time)."""
        return on is None or self.first_day <= (until or on) and on <= (self.last_day or on)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _phrase(word: str) -> str:
    """A phrase as a regex: spaces match any white space, a final "*" any rest of the word ("Kemen*")."""
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"\w*"
    return re.escape(word).replace(r"\ ", r"\s+")


def _heads(words) -> re.Pattern:
    """A pattern matching one of the phrases at the start of a text (longest first)."""
    alternatives = "|".join(_phrase(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"^(?:{alternatives})(?!\w)", re.IGNORECASE)


def _words(words) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ActorModel:
    gazetteer: Gazetteer
    orgs: Mapping[str, Entry]                  # org_id → its table entry (kind, country)
    part_of: Mapping[str, str]                 # organ org_id → the igo it belongs to
    leaders: Mapping[str, tuple[Leader, ...]]  # folded name → offices held
    home: str
    person_state_heads: re.Pattern
    person_home_heads: re.Pattern
    person_body_heads: re.Pattern
    former_words: re.Pattern
    body_state_heads: re.Pattern
    body_home_heads: re.Pattern
    body_igo_heads: re.Pattern
    country_modifier: re.Pattern               # "wisatawan asal | Prancis": the country qualifies a noun
    treaty_name: re.Pattern                    # "perjanjian iklim | Paris": the city names a treaty
    country_names: Mapping[str, str]           # ISO3 → canonical country name
    untagged_organ: re.Pattern                 # "Kementerian Luar Negeri" where the model tagged nothing
    cities: Mapping[str, str]                  # city → ISO3 of its state (capitals.tsv)
    seats: frozenset[str]                      # cities that are a government's seat (news says "Beijing" for China)
    place_marker: re.Pattern                   # "di | Beijing": a place, not the state
    unique_home_office: re.Pattern             # "Presiden" alone: Indonesia's holder is in leaders.tsv
    leader_names: re.Pattern                   # every name and alias of leaders.tsv, case-sensitive, longest first
    shared_subject: re.Pattern                 # "saat | bertemu": a clause sharing the doer of the one before
    dateline_start: re.Pattern                 # the line before a dateline city: empty or a site name
    dateline_after: re.Pattern                 # the dash after it: "JAKARTA –"

    def city_state(self, name: str) -> str | None:
        return self.cities.get(_fold(name))

    def country_name(self, code: str) -> str:
        return self.country_names.get(code, code)

    def untagged_organs(self, text: str, start: int, end: int, mentions: list[Mention]) -> list[Mention]:
        """State organs named in text[start:end] that no mention covers, as ORG mentions (source "organ"; the
        caller sets their field), each with the country mention right after it ("Kementerian Luar Negeri China")."""
        found = []
        starts = [m.start for m in mentions]           # the sentence's mentions, by start
        for match in self.untagged_organ.finditer(text, start, end):
            lo, hi = match.span()
            i = bisect.bisect_right(starts, lo)          # mentions[i] is the first to start after lo
            if i and mentions[i - 1].end > lo:
                continue                                 # a mention covers the organ's first word
            if i < len(mentions) and mentions[i].start < hi:
                hi = mentions[i].start                   # the name stops at a mention
            hi = lo + len(text[lo:hi].rstrip())
            after = mentions[i] if i < len(mentions) else None
            country = after if after is not None and after.label == "COUNTRY" and 0 <= after.start - hi <= 1 else None
            hi = country.end if country else hi
            name = " ".join(text[lo:hi].split())
            found.append(Mention("body", -1, lo, hi, text[lo:hi], "ORG", name, source="organ"))
        return found

    def untagged_leaders(self, text: str, start: int, end: int, mentions: list[Mention]) -> list[Mention]:
        """People of leaders.tsv named in text[start:end] whom no mention covers ("(AS) Donald Trump" the model
        missed), as PERSON mentions with the table's name (source "leader"; the caller sets their field)."""
        found = []
        starts = [m.start for m in mentions]
        for match in self.leader_names.finditer(text, start, end):
            lo, hi = match.span()
            i = bisect.bisect_right(starts, hi - 1)
            if any(mentions[j].end > lo for j in range(max(0, i - 3), i)):
                continue                                 # a mention already covers (part of) the name
            name = self.leader_name(match.group(0), None) or match.group(0)
            found.append(Mention("body", -1, lo, hi, match.group(0), "PERSON", name, source="leader"))
        return found

    def actor(self, m: Mention, text: str, on: date | None) -> Actor | None:
        """The actor ``m`` stands for in ``text`` (its field's text) on the day ``on`` (None: an office held at
        any time counts, when it is the only state or organisation the person ever acted for)."""
        if m.label == "COUNTRY":
            qualifies = self.country_modifier.search(text[max(0, m.start - 60):m.start]) or self.dateline(m, text)
            return Actor(STATE, m.code, "country") if m.code and not qualifies else None
        if m.label == "PERSON":
            return self._person(m, text, on)
        if self._leader(m.text, on) is not None:
            return self._leader(m.text, on)      # "Menteri Luar Negeri | Sugiono" tagged as a place
        if m.label == "LOC":
            return None if self.dateline(m, text) else self._seat(m, text)
        if m.label == "ORG":
            return self._organisation(m.canonical, m.text)
        return None

    def dateline(self, m: Mention, text: str) -> bool:
        """ "JAKARTA –": the place the report was filed from, at the start of its line."""
        line = text[text.rfind("\n", 0, m.start) + 1:m.start]
        return bool(self.dateline_start.match(line) and self.dateline_after.match(text, m.end, m.end + 60))

    def _seat(self, m: Mention, text: str) -> Actor | None:
        """ "Tokyo dan Washington memiliki perjanjian": a seat of government named as a doer is its state."""
        folded = _fold(m.text)
        before = text[max(0, m.start - 60):m.start]
        if folded not in self.seats or self.place_marker.search(before) or self.country_modifier.search(before) \
                or self.treaty_name.search(before):
            return None
        if re.search(r"(?:^|\s)[A-Z][\w.-]*\s*$", before):
            return None               # "KBRI Kairo", "Universitas Tokyo": the city qualifies a name
        return Actor(STATE, self.cities[folded], "seat")

    # ------------------------------------------------------------ organisations

    def _organisation(self, canonical: str, surface: str) -> Actor | None:
        entry = self.orgs.get(canonical)
        if entry is not None:
            return self._from_entry(entry, "org-table")
        return self._named_body(surface)

    def _from_entry(self, entry: Entry, basis: str) -> Actor | None:
        if entry.label == "COUNTRY":
            return Actor(STATE, entry.code, basis) if entry.code else None
        if entry.kind == "government" and entry.country:
            return Actor(STATE, entry.country, basis)
        if entry.kind == "igo":
            return Actor(IGO, self.part_of.get(entry.canonical, entry.canonical), basis)
        return None

    def _named_body(self, name: str) -> Actor | None:
        """An organisation the tables do not list, read from its name: a state organ or an igo organ."""
        inside = [m.entry for m in self.gazetteer.find(name) if m.entry.label != "LOC"]
        acting = [a for a in (self._from_entry(e, "body-name") for e in inside) if a is not None]
        if self.body_igo_heads.search(name) and acting and acting[0].kind == IGO:
            return acting[0]
        if self.body_state_heads.search(name):
            states = [a for a in acting if a.kind == STATE]
            if states:
                return states[0]
            if self.body_home_heads.search(name) and not inside:
                return Actor(STATE, self.home, "home-body")
        return None

    # ------------------------------------------------------------ people

    def _person(self, m: Mention, text: str, on: date | None) -> Actor | None:
        if self.former(m, text):
            return None
        title = m.title or ""
        leader = self._leader(m.canonical, on) or self._leader(f"{self._head(title)} {m.canonical}", on)
        if title and (self.person_state_heads.search(title) or self.person_body_heads.search(title)):
            found = self._from_title(title, m, leader)
            if found is not None and (leader is None or found.code == leader.code):
                return found
            if found is not None:
                return leader     # "Menhan Malaysia" given to Prabowo Subianto: a title the parser misplaced
        if leader is not None:
            return leader
        if title and self.person_home_heads.search(title) and not self.gazetteer.find(title) and (
                not self.unique_home_office.match(title) or self._home_holder(m.canonical)):
            return Actor(STATE, self.home, "home-title")
        return None

    def _home_holder(self, name: str) -> bool:
        return any(o.actor == self.home for o in self.leaders.get(_fold(name), ()))

    def holder(self, name: str, on: date | None, until: date | None = None) -> Actor | None:
        """The actor a person of leaders.tsv acts for on that day (or some day up to ``until``), or None (not in
        office then, or unknown)."""
        return self._leader(name, on, until)

    def leader_name(self, name: str, code: str | None) -> str | None:
        """The table's name of the person an alias names ("Jokowi" → "Joko Widodo") acting for ``code``, or None."""
        names = {o.name for o in self.leaders.get(_fold(name), ()) if code is None or o.actor == code}
        return names.pop() if len(names) == 1 else None

    def _from_title(self, title: str, m: Mention, leader: Actor | None) -> Actor | None:
        """A state head acts for the first state or igo its title names (or else the office leaders.tsv knows,
        or the person's country guessed from the text); a body head ("Juru Bicara", "Sekjen") only for a state
        organ or igo its title names."""
        for match in self.gazetteer.find(title):
            if match.entry.label == "LOC":
                continue
            named = self._from_entry(match.entry, "title")
            if named is not None:
                return named
            if match.entry.label == "ORG":
                return None            # "Direktur Utama Pertamina": the title names a company
        body = self._named_body(title[self._body_start(title):])
        if body is not None:
            return Actor(body.kind, body.code, "title")
        if self.person_state_heads.search(title) and leader is not None:
            return leader               # "Ayatollah Ali Khamenei": the title names no state, the table does
        if self.person_state_heads.search(title) and m.person_country:
            return Actor(STATE, m.person_country, "title")
        return None

    def _head(self, title: str) -> str:
        head = self.person_state_heads.search(title) or self.person_body_heads.search(title)
        return head.group(0) if head else ""

    def _body_start(self, title: str) -> int:
        """Where the body named in a title begins: "Juru Bicara | Kementerian Luar Negeri China"."""
        head = self.person_body_heads.search(title) or self.person_state_heads.search(title)
        return head.end() if head else 0

    def former(self, m: Mention, text: str) -> bool:
        """ "mantan Presiden AS Barack Obama": the office is no longer held."""
        before = text[max(0, m.start - len(m.title or "") - 40):m.start]
        if m.title and m.title in before:
            before = before[:before.rfind(m.title)]
        return bool(self.former_words.search(before))

    def _leader(self, canonical: str, on: date | None, until: date | None = None) -> Actor | None:
        offices = self.leaders.get(_fold(canonical), ())
        held = [o for o in offices if o.holds(on, until)]
        codes = {o.actor for o in held}
        if len(codes) != 1:
            return None                 # unknown, or two offices that year: let the title decide
        code = codes.pop()
        return Actor(IGO if code in self.part_of.values() or self._is_igo(code) else STATE, code, "leader")

    def _is_igo(self, code: str) -> bool:
        entry = self.orgs.get(code)
        return entry is not None and entry.kind == "igo"


def _organ_names(heads) -> re.Pattern:
    """A head, then capitalised words: "Kementerian Luar Negeri", "Angkatan Laut"."""
    alternatives = "|".join(_phrase(w) for w in sorted(set(heads), key=len, reverse=True))
    return re.compile(rf"(?-i:(?:{alternatives})(?:\s+[A-Z][\w-]*(?=\s|[,.;)]|$))*)")


ACTORS_FILE = "lexicons/actors_id.toml"
ACTORS_SHAPE = Table({
    "place_markers": WORDS, "treaty_words": WORDS, "home_country": Text(r"^[A-Z]{3}$", "an ISO 3166-1 alpha-3 code"),
    "person": Table({"state_heads": WORDS, "home_heads": WORDS, "body_heads": WORDS, "former": WORDS,
                     "unique_home_offices": WORDS}),
    "body": Table({"state_heads": WORDS, "home_heads": WORDS, "untagged_heads": WORDS, "igo_heads": WORDS}),
    "country": Table({"modifier_nouns": WORDS, "modifier_gap_words": int}),
    "dateline": Table({"line_start": Regex(), "after": Regex()}),
    "discourse": Table({"shared_subject_connectors": WORDS, "shared_subject_gap_words": int}),
})
_DAY = r"\d{4}(?:-\d{2}-\d{2})?"
LEADER_COLUMNS = {"name": Text(r"\S", "a name"), "actor": Text(r"\S", "an ISO3 code or an igo of orgs.tsv"),
                  "office": str, "from": Text(rf"^{_DAY}$", "a day (YYYY-MM-DD) or a year"),
                  "to": Text(rf"^(?:{_DAY})?$", "a day (YYYY-MM-DD), a year or empty"), "aliases": str}
CAPITAL_COLUMNS = {"city": Text(r"\S", "a city"), "code": Text(r"^[A-Z]{3}$", "an ISO 3166-1 alpha-3 code"),
                   "seat": Choice(("yes", ""))}


def _names_pattern(rows: list[dict]) -> re.Pattern:
    names = {n for row in rows for n in [row["name"], *filter(None, (row.get("aliases") or "").split("|"))]}
    alternatives = "|".join(_phrase(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _day(text: str, last: bool) -> date:
    """ "2024-10-20" as that day; a bare year as its first (or ``last``) day."""
    if len(text) == 4:
        return date(int(text), 12, 31) if last else date(int(text), 1, 1)
    return date.fromisoformat(text)


def _leaders(rows: list[dict]) -> dict[str, tuple[Leader, ...]]:
    found: dict[str, list[Leader]] = {}
    for row in rows:
        leader = Leader(row["actor"], row["name"], _day(row["from"], last=False),
                        _day(row["to"], last=True) if row["to"] else None)
        for name in [row["name"], *filter(None, (row.get("aliases") or "").split("|"))]:
            found.setdefault(_fold(name), []).append(leader)
    return {name: tuple(offices) for name, offices in found.items()}


def _check_leaders(rows: list[dict], orgs: Mapping[str, Entry], problems: Problems) -> None:
    for row in rows:
        code, where = row["actor"], ("lexicons/leaders.tsv", ((0, row["name"]), "actor"))
        if not (len(code) == 3 and code.isupper()) and code not in orgs:
            problems.add(*where, f"{code!r} is neither an ISO3 code nor an igo of orgs.tsv",
                         needle=f"\n{row['name']}\t")
        try:
            first, last = _day(row["from"], last=False), _day(row["to"], last=True) if row["to"] else None
        except ValueError as error:
            problems.add(*where, f"not a calendar day: {error}", needle=f"\n{row['name']}\t")
            continue
        if last is not None and last < first:
            problems.add(*where, f"office ends ({row['to']}) before it begins ({row['from']})",
                         needle=f"\n{row['name']}\t")


def compile_actor_model(lexicons: Mapping[str, Any], gaz: Gazetteer | None, problems: Problems) -> ActorModel | None:
    """The actor model of actors_id, orgs, leaders and capitals (``lexicons``, as parsed; None: missing) and the
    gazetteer, or None when any is missing or broken (every problem reported)."""
    lex, orgs_rows, leader_rows, capitals = (lexicons.get(n) for n in ("actors_id", "orgs", "leaders", "capitals"))
    valid = [lex is not None and check(problems, ACTORS_FILE, lex, ACTORS_SHAPE),
             leader_rows is not None and check_rows(problems, "lexicons/leaders.tsv", leader_rows, LEADER_COLUMNS),
             capitals is not None and check_rows(problems, "lexicons/capitals.tsv", capitals, CAPITAL_COLUMNS)]
    if not all(valid) or gaz is None or orgs_rows is None:
        return None
    orgs = {e.canonical: e for e in gaz.entries.values() if e.label == "ORG"}
    reported = len(problems)
    _check_leaders(leader_rows, orgs, problems)
    if len(problems) > reported:
        return None
    person, body, country = lex["person"], lex["body"], lex["country"]
    return ActorModel(
        gazetteer=gaz, orgs=orgs, part_of={r["org_id"]: r["part_of"] for r in orgs_rows if r.get("part_of")},
        leaders=_leaders(leader_rows), home=lex["home_country"],
        person_state_heads=_heads(person["state_heads"]), person_home_heads=_heads(person["home_heads"]),
        person_body_heads=_heads(person["body_heads"]), former_words=_words(person["former"]),
        body_state_heads=_heads(body["state_heads"]), body_home_heads=_heads(body["home_heads"]),
        body_igo_heads=_heads(body["igo_heads"]),
        country_modifier=left_context_pattern(country["modifier_nouns"], int(country["modifier_gap_words"])),
        treaty_name=left_context_pattern(lex["treaty_words"], 1),
        country_names={e.code: e.canonical for e in gaz.entries.values() if e.label == "COUNTRY" and e.code},
        untagged_organ=_organ_names(body["untagged_heads"]),
        cities={_fold(r["city"]): r["code"] for r in capitals},
        seats=frozenset(_fold(r["city"]) for r in capitals if r.get("seat") == "yes"),
        place_marker=_words(lex["place_markers"]),
        leader_names=_names_pattern(leader_rows),
        dateline_start=re.compile(lex["dateline"]["line_start"]),
        dateline_after=re.compile(lex["dateline"]["after"]),
        shared_subject=left_context_pattern(lex["discourse"]["shared_subject_connectors"],
                                            int(lex["discourse"]["shared_subject_gap_words"])),
        unique_home_office=re.compile(rf"(?:{'|'.join(_phrase(w) for w in person['unique_home_offices'])})\s*$",
                                      re.IGNORECASE))

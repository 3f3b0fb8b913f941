"""Event rules and cue lexicons compiled from ``rules/*.toml`` and ``lexicons/*.toml``, checked once.

A rule file defines one event type: its ``event_type``, the ``colour`` the report draws it in, whether its
subtypes are aspects of one event (``merge_subtypes``), a ``[defaults]`` table and ``[[rule]]`` entries. The
event types are those of the rule files, in the order of ``lexicons/cameo_plover.toml``, which gives each its
CAMEO code and PLOVER type: a new type is a new rule file and its codes, no code. Every key a rule may carry
is in RULE_SHAPE, so a typo in a data file is reported instead of silently ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from pipeline.knowledge import Knowledge, senses
from pipeline.knowledge.problems import Problems
from pipeline.knowledge.senses import Sense
from pipeline.knowledge.shape import WORD, WORDS, Choice, ListOf, Regex, Table, Text, check, entry_step
from pipeline.knowledge.trigger_index import TriggerIndex

LABELS = ("PERSON", "ORG", "COUNTRY", "LOC")
# What sides an event needs (pipeline/events/actors.py): "international" two states, or a state and an international
# organisation (or, with igo_alone, one organisation's own summit or session); "state" one state's own act.
SCOPES = ("international", "state")
REQUIRED_RULE_KEYS = ("id", "triggers", "confidence", "roles")     # in the rule or in its file's [defaults]
_ROLE = Table({"role": str}, {"labels": ListOf(Choice(LABELS)), "markers": WORDS, "side": Choice(("before", "after")),
                              "with_role": str, "nearest": bool})
RULE_SHAPE = Table(optional={
    "id": str, "subtype": str, "triggers": ListOf(Regex(frozenset({"trigger"})), non_empty=True),
    "confidence": float, "roles": ListOf(_ROLE), "min_participants": int, "require_roles": ListOf(str),
    "require_weapon": bool, "location_counts_as_participant": bool, "blockers": ListOf(Regex()),
    "overridden_by": ListOf(str), "yield_to": ListOf(str),
    "subtype_cues": ListOf(Table({"pattern": Regex(), "subtype": str})),
    "value_patterns": ListOf(Regex(frozenset({"value"}), required=frozenset({"value"}))),
    "examples": ListOf(str), "counter_examples": ListOf(str), "scope": Choice(SCOPES), "igo_alone": bool,
    "location_role": str,
})
RULE_FILE_SHAPE = Table(
    {"event_type": Text(r"^[A-Z][A-Z0-9_]*$", "an upper-case name such as MEETING"),
     "colour": Text(r"^#[0-9a-fA-F]{6}$", 'a colour such as "#1f77b4"'),
     "rule": ListOf(RULE_SHAPE, non_empty=True, unique="id")},
    {"file": str, "defaults": RULE_SHAPE, "merge_subtypes": bool})
_CAMEO = Text(r"^\d{2,4}$", 'a CAMEO code such as "040"')
_PLOVER = Text(r"^[A-Z_]+$", "an upper-case PLOVER type such as CONSULT")
CODES_SHAPE = Table(values=Table({"cameo": _CAMEO, "plover": _PLOVER},
                                 {"subtypes": Table(values=Table(optional={"cameo": _CAMEO, "plover": _PLOVER}))}))
SIPRI_CATEGORIES = ("aircraft", "air defence systems", "anti-submarine warfare", "armoured vehicles", "artillery",
                    "engines", "missiles", "naval weapons", "satellites", "sensors", "ships", "other")
WEAPONS_SHAPE = Table({"weapon": ListOf(Table({"name": str, "patterns": ListOf(Regex(), non_empty=True)},
                                              {"specific": bool, "origin": str, "category": Choice(SIPRI_CATEGORIES)}),
                                        unique="name")})
RULES_DIR = "rules"
CODES_FILE = "lexicons/cameo_plover.toml"
CUES_FILE = "lexicons/events_id.toml"


@dataclass(frozen=True)
class EventType:
    """An event type as the rule data defines it: its rule file, report colour and CAMEO/PLOVER codes."""

    name: str
    file: str
    colour: str
    cameo: str
    plover: str
    subtype_codes: Mapping[str, Mapping[str, str]]     # subtype -> {"cameo": ..., "plover": ...} overrides
    merge_subtypes: bool = False                       # a visit and its talks are one MEETING

    def codes(self, subtype: str | None) -> tuple[str, str]:
        """(CAMEO code, PLOVER type) of an event of this type and subtype."""
        own = self.subtype_codes.get(subtype or "", {})
        return own.get("cameo", self.cameo), own.get("plover", self.plover)


@dataclass(frozen=True)
class RoleSpec:
    role: str
    labels: frozenset[str]
    markers: re.Pattern | None = None    # matches the text before a mention that ends with a marker
    side: str | None = None              # "before" | "after": where the mention stands relative to the trigger
    with_role: str | None = None         # only when another participant already has this role
    nearest: bool = False                # side "before": only the mentions nearest the trigger (and their list)


@dataclass(frozen=True)
class Rule:
    id: str
    event_type: str
    subtype: str | None
    triggers: tuple[re.Pattern, ...]
    confidence: float
    roles: tuple[RoleSpec, ...]
    min_participants: int = 1
    require_roles: tuple[str, ...] = ()
    require_weapon: bool = False
    location_counts_as_participant: bool = False
    blockers: tuple[re.Pattern, ...] = ()
    overridden_by: tuple[str, ...] = ()
    yield_to: tuple[str, ...] = ()
    subtype_cues: tuple[tuple[re.Pattern, str], ...] = ()
    value_patterns: tuple[re.Pattern, ...] = ()
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    scope: str = "international"
    igo_alone: bool = False
    location_role: str | None = None     # a country named as the event's place takes this role ("host")


@dataclass(frozen=True)
class Weapon:
    name: str
    patterns: tuple[re.Pattern, ...]
    specific: bool
    origin: str | None = None          # ISO3 of the state whose industry makes it (the supplier when unstated)


@dataclass(frozen=True)
class Rulebook:
    types: tuple[EventType, ...]
    rules: tuple[Rule, ...]
    cues: "Cues"
    weapons: tuple[Weapon, ...]
    senses: tuple["Sense", ...] = ()         # trigger senses that are no event (lexicons/senses_id.toml)
    triggers: TriggerIndex | None = None     # (rule, pattern) by the first word of their matches
    weapon_index: TriggerIndex | None = None # (weapon, pattern) likewise

    def candidate_triggers(self, text: str) -> Sequence[tuple["Rule", re.Pattern]]:
        """The triggers that may match in text, in rule order (pipeline/knowledge/trigger_index.py)."""
        return self.triggers.candidates(text)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def type(self, name: str) -> EventType:
        return next(t for t in self.types if t.name == name)


def words_pattern(words, suffix: str = "") -> re.Pattern:
    """One regex matching any of the phrases as whole words (longest first)."""
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w){suffix}", re.IGNORECASE)


def _regexes(values) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(value, re.IGNORECASE) for value in values)


def left_context_pattern(words, gap_words: int) -> re.Pattern:
    """Text ending with one of the phrases and at most ``gap_words`` further words (not across , . ; :)."""
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:[^\w.,;:]+\w+){{0,{gap_words}}}[^\w.,;:]*$", re.IGNORECASE)


def _happened_pattern(words, gap_words: int) -> re.Pattern:
    """Text ending with one of the words and at most ``gap_words`` further words; the group "cue" is the word."""
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?P<cue>{alternatives})(?:[^\w.,;:]+\w+){{0,{gap_words}}}[^\w.,;:]*$", re.IGNORECASE)


def _role(spec: Mapping[str, Any], gap: int) -> RoleSpec:
    markers = left_context_pattern(spec["markers"], gap) if spec.get("markers") else None
    return RoleSpec(spec["role"], frozenset(spec.get("labels", LABELS)), markers, spec.get("side"),
                    spec.get("with_role"), bool(spec.get("nearest", False)))


def _rule(raw: Mapping[str, Any], event_type: str, gap: int) -> Rule:
    return Rule(
        id=raw["id"], event_type=event_type, subtype=raw.get("subtype"),
        triggers=_regexes(raw["triggers"]), confidence=float(raw["confidence"]),
        roles=tuple(_role(spec, gap) for spec in raw["roles"]),
        min_participants=int(raw.get("min_participants", 1)), require_roles=tuple(raw.get("require_roles", ())),
        require_weapon=bool(raw.get("require_weapon", False)),
        location_counts_as_participant=bool(raw.get("location_counts_as_participant", False)),
        blockers=_regexes(raw.get("blockers", ())),
        overridden_by=tuple(raw.get("overridden_by", ())), yield_to=tuple(raw.get("yield_to", ())),
        subtype_cues=tuple((re.compile(cue["pattern"], re.IGNORECASE), cue["subtype"])
                           for cue in raw.get("subtype_cues", ())),
        value_patterns=_regexes(raw.get("value_patterns", ())),
        examples=tuple(raw.get("examples", ())), counter_examples=tuple(raw.get("counter_examples", ())),
        scope=raw.get("scope", "international"), igo_alone=bool(raw.get("igo_alone", False)),
        location_role=raw.get("location_role"))


def _rules_of_file(data: Mapping[str, Any], gap: int, problems: Problems) -> list[Rule]:
    where, defaults = f"{RULES_DIR}/{data['file']}.toml", dict(data.get("defaults", {}))
    rules = []
    for i, raw in enumerate(data["rule"]):
        merged = {**defaults, **raw}
        missing = [key for key in REQUIRED_RULE_KEYS if key not in merged]
        for key in missing:
            problems.add(where, ("rule", entry_step(i, raw), key), "missing: the rule or [defaults] must give it")
        if not missing:
            rules.append(_rule(merged, data["event_type"], gap))
    return rules


def _weapons(lexicon: Mapping[str, Any]) -> tuple[Weapon, ...]:
    return tuple(Weapon(w["name"], _regexes(w["patterns"]), bool(w.get("specific", True)), w.get("origin"))
                 for w in lexicon["weapon"])


def event_type_names(knowledge: Knowledge) -> tuple[str, ...]:
    """The event types of the rule files, in the order of the codes lexicon, without compiling them: the
    compiled rulebook's ``types`` for knowledge that compiles (the table writer's default)."""
    named = {data.get("event_type") for data in knowledge.rules}
    return tuple(name for name in knowledge.lexicons.get("cameo_plover", {}) if name in named)


def _event_types(files: list[Mapping[str, Any]], codes: Mapping[str, Any], problems: Problems) -> tuple[EventType, ...]:
    """One type per rule file, in the order the codes lexicon lists them; each needs its CAMEO/PLOVER codes."""
    by_name: dict[str, EventType] = {}
    for data in files:
        name, where = data["event_type"], f"{RULES_DIR}/{data['file']}.toml"
        if name in by_name:
            problems.add(where, ("event_type",), f"{name} is already the type of {by_name[name].file}: one rule "
                                                 "file per event type")
        elif name not in codes:
            problems.add(CODES_FILE, (), f"has no [{name}] table: the CAMEO code and PLOVER type of the event "
                                         f"type of {where}")
        else:
            entry = codes[name]
            by_name[name] = EventType(name, where, data["colour"], entry["cameo"], entry["plover"],
                                      MappingProxyType(dict(entry.get("subtypes", {}))),
                                      bool(data.get("merge_subtypes", False)))
    return tuple(by_name[name] for name in codes if name in by_name)


def _check_references(rules: list[Rule], types: tuple[EventType, ...], problems: Problems) -> None:
    ids, names = [r.id for r in rules], [t.name for t in types]
    files = {t.name: t.file for t in types}
    for rule in rules:
        where, step = files.get(rule.event_type, RULES_DIR), ("rule", (0, rule.id))
        first = rules[ids.index(rule.id)]
        if first is not rule:
            problems.add(where, step, f"rule id {rule.id!r} is used twice (also in {files.get(first.event_type)})")
        for other in rule.overridden_by:
            if other not in ids:
                problems.add(where, (*step, "overridden_by"), f"names unknown rule {other!r}", needle=other)
        for name in rule.yield_to:
            if name not in names:
                problems.add(where, (*step, "yield_to"), f"names unknown event type {name!r} (known: "
                                                         f"{', '.join(names)})", needle=name)
        if rule.event_type in files:
            _check_subtypes(rule, types[names.index(rule.event_type)], where, problems)


def _check_subtypes(rule: Rule, event_type: EventType, where: str, problems: Problems) -> None:
    for subtype in {rule.subtype, *(s for _, s in rule.subtype_cues)} - {None}:
        if subtype not in event_type.subtype_codes:
            problems.add(where, ("rule", (0, rule.id), "subtype"),
                         f"subtype {subtype!r} has no entry in [{event_type.name}.subtypes] of {CODES_FILE}",
                         needle=subtype)


STATUSES = ("happened", "planned", "proposed", "cancelled")
STATUS_ORDER = ("cancelled", "planned", "proposed")     # the first whose cue is found decides


@dataclass(frozen=True)
class StatusCue:
    status: str
    before: re.Pattern                  # searched in the words before the trigger
    after: re.Pattern                   # searched in the words after it


@dataclass(frozen=True)
class Continuation:
    pattern: re.Pattern
    role: str
    labels: frozenset[str]
    event_types: frozenset[str]


@dataclass(frozen=True)
class Cues:
    """The shared cue words of lexicons/events_id.toml, compiled."""

    headline: tuple[re.Pattern, ...]
    doubt: re.Pattern                   # negation and hypothetical words: no event
    landmark: re.Pattern                # "sebelum KTT": the trigger only dates another event
    window_words: int
    after_negation: re.Pattern          # denial words just after a trigger: no event
    after_window_words: int
    background: re.Pattern              # an undated event with one of these is background, not news
    habitual: re.Pattern                # a series of events ("secara rutin"), not one: no event
    plural: re.Pattern                  # "kedua negara": the sides named just before
    plural_counts: Mapping[str, int]    # how many sides each reference counts (0: two or more)
    plural_lookback: int
    plural_adjacent_words: int
    status: tuple["StatusCue", ...]     # cancelled, planned, proposed: the first with a cue decides
    happened: re.Pattern                # "telah", "sedang" right before the trigger: it took place or is going on
    anaphora: re.Pattern                # matched right after a trigger (one word may stand between)
    purpose: re.Pattern                 # "untuk": the status cues of the clause before count too
    clause_break: re.Pattern
    topic_break: re.Pattern             # after a trigger: where its participants end (purpose, topic)
    coordination: re.Pattern            # the whole gap between two coordinated mentions
    attribution: re.Pattern             # left context of a source mention
    speech: re.Pattern                  # right context of a speaker mention
    location: re.Pattern                # left context of a place mention
    place: re.Pattern                   # capitalised place words after a location marker
    place_word: re.Pattern              # a leading "Kota", "Provinsi", … to strip from a place
    host_marker: re.Pattern             # left context of a city a visit goes to
    non_participants: frozenset[str]
    generic_roles: frozenset[str]
    weekday_penalty: float
    continuations: tuple[Continuation, ...]


_STATUS_WORDS = Table({"before": WORDS, "after": WORDS})
CUES_SHAPE = Table({
    "headline_lines": ListOf(Regex()), "negation": WORDS, "hypothetical": WORDS, "cue_window_words": int,
    "landmarks": WORDS, "landmark_gap_words": int, "after_negation": WORDS, "after_window_words": int,
    "background": WORDS, "anaphora": WORDS, "anaphora_time_words": WORDS, "purpose_words": WORDS,
    "clause_breaks": ListOf(Regex(), non_empty=True), "topic_breaks": ListOf(Regex()), "coordinators": WORDS,
    "attribution": WORDS, "attribution_gap_words": int, "speech_particles": WORDS, "speech_verbs": WORDS,
    "marker_gap_words": int, "location_markers": WORDS, "host_markers": WORDS, "place_words": WORDS,
    "non_participants": ListOf(WORD), "habitual": WORDS, "plural_lookback": int, "plural_adjacent_words": int,
    "generic_roles": ListOf(str), "weekday_mismatch_penalty": float,
    "status": Table({name: _STATUS_WORDS for name in STATUS_ORDER}), "plural_references": Table(values=int),
    "happened": WORDS, "happened_gap_words": int,
}, {"continuation": ListOf(Table({"pattern": Regex(), "role": str, "labels": ListOf(Choice(LABELS)),
                                  "event_types": ListOf(str)}))})


def _cues(lex: Mapping[str, Any]) -> Cues:
    places = "|".join(re.escape(w) for w in lex["place_words"])
    markers = "|".join(re.escape(w) for w in lex["location_markers"])
    joints = "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in lex["coordinators"])
    return Cues(
        headline=_regexes(lex["headline_lines"]),
        doubt=words_pattern([*lex["negation"], *lex["hypothetical"]]),
        landmark=left_context_pattern(lex["landmarks"], int(lex["landmark_gap_words"])),
        window_words=int(lex["cue_window_words"]),
        after_negation=words_pattern(lex["after_negation"]),
        after_window_words=int(lex["after_window_words"]),
        background=words_pattern(lex["background"]), habitual=words_pattern(lex["habitual"]),
        plural=words_pattern(lex["plural_references"]), plural_lookback=int(lex["plural_lookback"]),
        plural_counts={k.casefold(): int(v) for k, v in lex["plural_references"].items()},
        plural_adjacent_words=int(lex["plural_adjacent_words"]),
        status=tuple(StatusCue(name, words_pattern(lex["status"][name]["before"]),
                               words_pattern(lex["status"][name]["after"])) for name in STATUS_ORDER),
        happened=_happened_pattern(lex["happened"], int(lex["happened_gap_words"])),
        anaphora=re.compile(rf"^\s*(?:(?!(?:{'|'.join(map(re.escape, lex['anaphora_time_words']))})\b)\w+\s+)?"
                            rf"{words_pattern(lex['anaphora']).pattern}", re.IGNORECASE),
        purpose=words_pattern(lex["purpose_words"]),
        clause_break=re.compile("|".join(lex["clause_breaks"]), re.IGNORECASE),
        topic_break=re.compile("|".join(lex["clause_breaks"] + lex["topic_breaks"]), re.IGNORECASE),
        coordination=re.compile(rf"^\s*(?:{joints})\s*$", re.IGNORECASE),
        attribution=left_context_pattern(lex["attribution"], int(lex["attribution_gap_words"])),
        speech=re.compile(rf"^[\s,]*(?:{words_pattern(lex['speech_particles']).pattern}\s+)?"
                          rf"{words_pattern(lex['speech_verbs']).pattern}", re.IGNORECASE),
        location=re.compile(rf"(?<!\w)(?:{markers})\s+(?:(?:{places})\s+)?"
                            r"(?:(?-i:[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2}),\s*)?$", re.IGNORECASE),
        place=re.compile(rf"(?<!\w)(?:{markers})\s+(?:(?:{places})\s+)?"
                         r"(?P<place>(?-i:[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2}))", re.IGNORECASE),
        place_word=re.compile(rf"^(?:{places})\s+"),
        host_marker=re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, lex['host_markers']))})\s+(?:(?:{places})\s+)?$",
                               re.IGNORECASE),
        non_participants=frozenset(n.lower() for n in lex["non_participants"]),
        generic_roles=frozenset(lex["generic_roles"]),
        weekday_penalty=float(lex["weekday_mismatch_penalty"]),
        continuations=tuple(Continuation(re.compile(c["pattern"], re.IGNORECASE), c["role"],
                                         frozenset(c["labels"]), frozenset(c["event_types"]))
                            for c in lex.get("continuation", ())))


def _check_continuations(types: tuple[EventType, ...], cues: Mapping[str, Any], problems: Problems) -> None:
    names = {t.name for t in types}
    for i, follow in enumerate(cues.get("continuation", ())):
        for name in sorted(set(follow["event_types"]) - names):
            problems.add(CUES_FILE, ("continuation", i, "event_types"), f"names unknown event type {name!r}",
                         needle=name)


def compile_rulebook(rule_files: tuple[Mapping[str, Any], ...], lexicons: Mapping[str, Any | None],
                     problems: Problems) -> Rulebook | None:
    """The rules, cues, weapons and senses compiled (every broken entry reported), or None when any is broken.
    ``lexicons``: events_id, cameo_plover, weapons_id and senses_id as parsed (None: missing, reported)."""
    reported = len(problems)
    files = [data for data in rule_files if check(problems, f"{RULES_DIR}/{data['file']}.toml", data, RULE_FILE_SHAPE)]
    shapes = {"events_id": CUES_SHAPE, "cameo_plover": CODES_SHAPE, "weapons_id": WEAPONS_SHAPE}
    lex = {name: lexicons.get(name) for name in (*shapes, "senses_id")}
    valid = {name: lex[name] is not None and check(problems, f"lexicons/{name}.toml", lex[name], shape)
             for name, shape in shapes.items()}
    if not rule_files:
        problems.add(RULES_DIR, (), "holds no rule file: there is no event type")
    if not (valid["events_id"] and valid["cameo_plover"]) or len(files) < len(rule_files):
        return None
    types = _event_types(files, lex["cameo_plover"], problems)
    gap = int(lex["events_id"]["marker_gap_words"])
    rules = [rule for data in files for rule in _rules_of_file(data, gap, problems)]
    _check_references(rules, types, problems)
    _check_continuations(types, lex["events_id"], problems)
    found_senses = senses.compile_senses(lex["senses_id"], [t.name for t in types], problems)
    if len(problems) > reported or not valid["weapons_id"] or found_senses is None:
        return None
    weapons = _weapons(lex["weapons_id"])
    return Rulebook(types, tuple(rules), _cues(lex["events_id"]), weapons, found_senses,
                    TriggerIndex.build((rule, pattern) for rule in rules for pattern in rule.triggers),
                    TriggerIndex.build((w, pattern) for w in weapons for pattern in w.patterns))

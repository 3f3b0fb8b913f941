"""Event rules and cue lexicons compiled from ``rules/*.toml`` and ``lexicons/*.toml``, checked once.

A rule file names its ``event_type``, a ``[defaults]`` table and ``[[rule]]`` entries; every key a rule may
carry is listed in RULE_KEYS, so a typo in a data file is reported instead of silently ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from pipeline.knowledge import senses
from pipeline.knowledge import Knowledge, KnowledgeError
from pipeline.knowledge.senses import Sense
from pipeline.knowledge.trigger_index import TriggerIndex

EVENT_TYPES = ("MEETING", "ARMS_DEAL", "ACCESSION", "AGREEMENT", "MILITARY_EXERCISE")
LABELS = ("PERSON", "ORG", "COUNTRY", "LOC")
RULE_KEYS = {"id", "subtype", "triggers", "confidence", "roles", "min_participants", "require_roles",
             "require_weapon", "location_counts_as_participant", "blockers", "overridden_by", "yield_to",
             "subtype_cues", "value_patterns", "examples", "counter_examples", "scope", "igo_alone",
             "location_role"}
# What sides an event needs (pipeline/events/actors.py): "international" two states, or a state and an international
# organisation (or, with igo_alone, one organisation's own summit or session); "state" one state's own act.
SCOPES = ("international", "state")
ROLE_KEYS = {"role", "labels", "markers", "side", "with_role", "nearest"}


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
    rules: tuple[Rule, ...]
    cues: "Cues"
    weapons: tuple[Weapon, ...]
    codes: Mapping[str, Any]                 # cameo_plover lexicon as parsed
    dates_lexicon: Mapping[str, Any]         # dates_id lexicon, for pipeline.events.dates
    senses: tuple["Sense", ...] = ()         # trigger senses that are no event (lexicons/senses_id.toml)
    triggers: TriggerIndex | None = None     # (rule, pattern) by the first word of their matches
    weapon_index: TriggerIndex | None = None # (weapon, pattern) likewise

    def candidate_triggers(self, text: str) -> Sequence[tuple["Rule", re.Pattern]]:
        """The triggers that may match in text, in rule order (pipeline/knowledge/trigger_index.py)."""
        return self.triggers.candidates(text)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


def words_pattern(words, suffix: str = "") -> re.Pattern:
    """One regex matching any of the phrases as whole words (longest first)."""
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w){suffix}", re.IGNORECASE)


def _regexes(values, where: str, problems: list[str]) -> tuple[re.Pattern, ...]:
    compiled = []
    for value in values:
        try:
            compiled.append(re.compile(value, re.IGNORECASE))
        except (re.error, TypeError) as exc:
            problems.append(f"{where}: bad pattern {value!r} ({exc})")
    return tuple(compiled)


def left_context_pattern(words, gap_words: int) -> re.Pattern:
    """Text ending with one of the phrases and at most ``gap_words`` further words (not across , . ; :)."""
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:[^\w.,;:]+\w+){{0,{gap_words}}}[^\w.,;:]*$", re.IGNORECASE)


def _role(spec: Mapping[str, Any], gap: int, where: str, problems: list[str]) -> RoleSpec | None:
    unknown = set(spec) - ROLE_KEYS
    labels = set(spec.get("labels", LABELS))
    if unknown or "role" not in spec or not labels <= set(LABELS) or spec.get("side") not in (None, "before", "after"):
        problems.append(f"{where}: role entry {dict(spec)} needs 'role', labels from {LABELS}, side before/after"
                        + (f"; unknown keys {sorted(unknown)}" if unknown else ""))
        return None
    markers = left_context_pattern(spec["markers"], gap) if spec.get("markers") else None
    return RoleSpec(spec["role"], frozenset(labels), markers, spec.get("side"), spec.get("with_role"),
                    bool(spec.get("nearest", False)))


def _rule(raw: Mapping[str, Any], event_type: str, gap: int, where: str, problems: list[str]) -> Rule | None:
    unknown = set(raw) - RULE_KEYS
    missing = {"id", "triggers", "confidence", "roles"} - set(raw)
    if unknown or missing:
        problems.append(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
        return None
    if raw.get("scope", "international") not in SCOPES:
        problems.append(f"{where}: scope {raw['scope']!r} is not one of {SCOPES}")
    roles = tuple(r for r in (_role(s, gap, where, problems) for s in raw["roles"]) if r is not None)
    cues = tuple((p, c["subtype"]) for c in raw.get("subtype_cues", ())
                 for p in _regexes([c.get("pattern", "(")], where, problems))
    return Rule(
        id=raw["id"], event_type=event_type, subtype=raw.get("subtype"),
        triggers=_regexes(raw["triggers"], where, problems), confidence=float(raw["confidence"]), roles=roles,
        min_participants=int(raw.get("min_participants", 1)), require_roles=tuple(raw.get("require_roles", ())),
        require_weapon=bool(raw.get("require_weapon", False)),
        location_counts_as_participant=bool(raw.get("location_counts_as_participant", False)),
        blockers=_regexes(raw.get("blockers", ()), where, problems),
        overridden_by=tuple(raw.get("overridden_by", ())), yield_to=tuple(raw.get("yield_to", ())),
        subtype_cues=cues, value_patterns=_regexes(raw.get("value_patterns", ()), where, problems),
        examples=tuple(raw.get("examples", ())), counter_examples=tuple(raw.get("counter_examples", ())),
        scope=raw.get("scope", "international"), igo_alone=bool(raw.get("igo_alone", False)),
        location_role=raw.get("location_role"))


def _rules_of_file(data: Mapping[str, Any], gap: int, problems: list[str]) -> list[Rule]:
    where = f"rules/{data['file']}.toml"
    event_type = data.get("event_type")
    if event_type not in EVENT_TYPES:
        problems.append(f"{where}: event_type {event_type!r} is not one of {EVENT_TYPES}")
        return []
    defaults = dict(data.get("defaults", {}))
    rules = [_rule({**defaults, **raw}, event_type, gap, f"{where} rule {raw.get('id', i)}", problems)
             for i, raw in enumerate(data.get("rule", ()))]
    return [r for r in rules if r is not None]


def _weapons(lexicon: Mapping[str, Any], problems: list[str]) -> tuple[Weapon, ...]:
    return tuple(Weapon(w["name"], _regexes(w["patterns"], f"weapons_id {w['name']}", problems),
                        bool(w.get("specific", True)), w.get("origin")) for w in lexicon.get("weapon", ()))


def _check_references(rules: list[Rule], codes: Mapping[str, Any], problems: list[str]) -> None:
    ids = [r.id for r in rules]
    problems += [f"rule id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for rule in rules:
        problems += [f"rule {rule.id}: overridden_by names unknown rule {o!r}" for o in rule.overridden_by
                     if o not in ids]
        problems += [f"rule {rule.id}: yield_to names unknown type {t!r}" for t in rule.yield_to
                     if t not in EVENT_TYPES]
        if rule.event_type not in codes:
            problems.append(f"lexicons/cameo_plover.toml has no entry for {rule.event_type}")


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


def _cues(lex: Mapping[str, Any], problems: list[str]) -> Cues | None:
    try:
        places = "|".join(re.escape(w) for w in lex["place_words"])
        markers = "|".join(re.escape(w) for w in lex["location_markers"])
        joints = "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in lex["coordinators"])
        return Cues(
            headline=_regexes(lex["headline_lines"], "events_id headline_lines", problems),
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
    except (KeyError, re.error) as exc:
        problems.append(f"lexicons/events_id.toml: missing key or bad pattern ({exc})")
        return None


_CACHE: dict[str, Rulebook] = {}


def rulebook(knowledge: Knowledge) -> Rulebook:
    """The compiled rules for this knowledge (cached by its digest); every broken entry is listed at once."""
    if knowledge.digest in _CACHE:
        return _CACHE[knowledge.digest]
    problems: list[str] = []
    cues = _cues(knowledge.lexicon("events_id"), problems)
    gap = int(knowledge.lexicon("events_id").get("marker_gap_words", 2))
    rules = [rule for data in knowledge.rules for rule in _rules_of_file(data, gap, problems)]
    codes = knowledge.lexicon("cameo_plover")
    _check_references(rules, codes, problems)
    weapons = _weapons(knowledge.lexicon("weapons_id"), problems)
    found_senses = senses.compile_senses(knowledge.lexicon("senses_id"), EVENT_TYPES, problems)
    if problems:
        raise KnowledgeError("broken event rules:\n  " + "\n  ".join(problems))
    book = Rulebook(tuple(rules), cues, weapons, codes, knowledge.lexicon("dates_id"), found_senses,
                    TriggerIndex.build((rule, pattern) for rule in rules for pattern in rule.triggers),
                    TriggerIndex.build((w, pattern) for w in weapons for pattern in w.patterns))
    _CACHE[knowledge.digest] = book
    return book

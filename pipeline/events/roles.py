"""Who and where of one event: participants with roles, the place, weapons and value, from one sentence.

Works on the sentence's mentions and the field text; every cue word comes from the compiled rulebook.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.knowledge.rulebook import Cues, Rule, RoleSpec, Weapon
from pipeline.record import Mention, Participant, Sentence


# Left-context cues end right before a mention: a marker phrase and the few words a gap allows fit in this many
# characters. Matching them on the whole sentence before each mention made long sentences quadratic.
LEFT_CONTEXT_CHARS = 200


@dataclass(frozen=True)
class Clause:
    """A trigger inside its sentence, with the text of the field the offsets index."""

    text: str                 # the whole field text
    sentence: Sentence
    trigger_start: int        # offsets into the field
    trigger_end: int
    memo: dict = field(default_factory=dict, compare=False)   # shared by an article's clauses: cue look-ups

    def before(self, offset: int) -> str:
        return self.text[self.sentence.start:offset]

    def left(self, offset: int) -> str:
        """The words just before offset, as far as a left-context cue can reach ("seperti dikutip dari |")."""
        return self.text[max(self.sentence.start, offset - LEFT_CONTEXT_CHARS):offset]

    def after(self, offset: int) -> str:
        return self.text[offset:self.sentence.end]


def scope_end(clause: Clause, cues: Cues) -> int:
    """Participants stop at the first clause break or topic after the trigger ("… di sela-sela KTT …", "saat …",
    "untuk membahas …")."""
    found = cues.topic_break.search(clause.after(clause.trigger_end))
    return clause.trigger_end + found.start() if found else clause.sentence.end


def is_location(m: Mention, clause: Clause, cues: Cues) -> bool:
    """A place mention, or a country named as a place ("di Rusia", "di Manila, Filipina")."""
    if m.label != "COUNTRY":
        return m.label == "LOC"
    return _left_cue("location", cues.location, m, clause)


def _left_cue(name, pattern, m: Mention, clause: Clause) -> bool:
    """Whether a left-context cue ends right before the mention; looked up once per mention and article."""
    key = (name, m.field, m.start, max(clause.sentence.start, m.start - LEFT_CONTEXT_CHARS))
    if key not in clause.memo:
        clause.memo[key] = bool(pattern.search(clause.left(m.start)))
    return clause.memo[key]


def excluded(m: Mention, clause: Clause, cues: Cues) -> bool:
    """Places, news sources and speakers ("Putin bilang, …") are not participants."""
    return (is_location(m, clause, cues)
            or m.canonical.lower() in cues.non_participants or m.text.lower() in cues.non_participants
            or _left_cue("attribution", cues.attribution, m, clause)
            or bool(cues.speech.search(clause.after(m.end))))


def _title_spans(people: list[Mention], clause: Clause) -> list[tuple[int, int]]:
    """Where the titles of these people stand: what a speaker's title names ("Duta Besar Rusia untuk PBB,
    Vassily Nebenzia, mengatakan") goes with the speaker."""
    spans = []
    for m in people:
        if m.label == "PERSON" and m.title:
            found = clause.text.rfind(m.title, max(clause.sentence.start, m.start - len(m.title) - 4), m.start)
            if found >= 0:
                spans.append((found, m.start))
    return spans


def _code(m: Mention) -> str | None:
    return m.person_country if m.label == "PERSON" else m.code


def _side_ok(spec: RoleSpec, m: Mention, clause: Clause) -> bool:
    if spec.side == "before":
        return m.end <= clause.trigger_start
    if spec.side == "after":
        return m.start >= clause.trigger_end
    return True


def _assign(mentions: list[Mention], specs: list[RoleSpec], clause: Clause, cues: Cues,
            roles: dict[int, str], marked: bool) -> None:
    """Give each mention without a role the first fitting role; a coordinated mention shares its neighbour's."""
    previous: Mention | None = None
    for i, m in enumerate(mentions):
        if i not in roles:
            for spec in specs:
                fits = m.label in spec.labels and _side_ok(spec, m, clause)
                if marked:
                    fits = fits and _left_cue(id(spec.markers), spec.markers, m, clause)
                if fits and spec.with_role and spec.with_role not in roles.values():
                    fits = False
                if fits:
                    roles[i] = spec.role
                    break
            else:
                joined = previous is not None and cues.coordination.match(clause.text[previous.end:m.start])
                if joined and (i - 1) in roles and m.label in _labels_of(specs, roles[i - 1]):
                    roles[i] = roles[i - 1]
        previous = m


def _keep_nearest(mentions: list[Mention], role: str, clause: Clause, cues: Cues, roles: dict[int, str]) -> None:
    """Of the mentions before the trigger with this role, only the nearest and those listed with it keep it:
    "Iran dan Argentina mengajukan ..., sementara Mesir ... ingin bergabung": Mesir joins, not Iran."""
    before = [i for i in sorted(roles) if roles[i] == role and mentions[i].end <= clause.trigger_start]
    if not before:
        return
    keep = {before[-1]}
    for i, j in zip(reversed(before[:-1]), reversed(before[1:])):
        if j not in keep or not cues.coordination.match(clause.text[mentions[i].end:mentions[j].start]):
            break
        keep.add(i)
    for i in before:
        if i not in keep:
            del roles[i]


def _labels_of(specs: list[RoleSpec], role: str) -> set[str]:
    return {label for spec in specs if spec.role == role for label in spec.labels}


def participants(rule: Rule, clause: Clause, mentions: list[Mention], cues: Cues) -> list[Participant]:
    """Participants of the trigger's clause, each with the role its rule gives it."""
    end = scope_end(clause, cues)
    candidates = [m for m in mentions if m.end <= end]
    keep = [not excluded(m, clause, cues) for m in candidates]
    for lo, hi in _title_spans([m for m, k in zip(candidates, keep) if not k], clause):
        keep = [k and not (lo <= m.start and m.end <= hi) for m, k in zip(candidates, keep)]
    roles: dict[int, str] = {}
    if rule.location_role:          # "lawatan di Yordania": the country visited is the host, not just the place
        for i, m in enumerate(candidates):
            if m.label == "COUNTRY" and is_location(m, clause, cues) and m.start > clause.trigger_start:
                roles[i], keep[i] = rule.location_role, True
    _assign(candidates, [s for s in rule.roles if s.markers], clause, cues, roles, marked=True)
    _assign(candidates, [s for s in rule.roles if not s.markers], clause, cues, roles, marked=False)
    for spec in rule.roles:
        if spec.nearest and spec.side == "before":
            _keep_nearest(candidates, spec.role, clause, cues, roles)
    chosen = [Participant(roles[i], m.canonical, m.label, _code(m), m.text, m.start, m.end)
              for i, m in enumerate(candidates) if keep[i] and i in roles]
    return deduplicate(chosen, cues)


def deduplicate(found: list[Participant], cues: Cues) -> list[Participant]:
    """One participant per (role, name); a country also named through a person of the same role (by title or
    office) is the person's; a generic role ("party") gives way to a specific one for the same name."""
    person_codes = {(p.role, p.code) for p in found if p.label == "PERSON" and p.code}
    specific = {p.canonical for p in found if p.role not in cues.generic_roles} | {
        p.code for p in found if p.role not in cues.generic_roles and p.code}
    seen, kept = set(), []
    for p in found:
        key = (p.role, p.canonical)
        if key in seen or (p.label == "COUNTRY" and (p.role, p.code) in person_codes) or (
                p.role in cues.generic_roles and (p.canonical in specific
                                                  or p.label != "PERSON" and p.code in specific)):
            continue
        seen.add(key)
        kept.append(p)
    return kept


def location(clause: Clause, mentions: list[Mention], cues: Cues) -> str | None:
    """The place of the event as written: a place after "di" (a mention, else capitalised words) nearest the
    trigger; failing that, the nearest place mention without "di"."""
    def rank(start: int, end: int) -> tuple[int, int]:
        marked = bool(cues.location.search(clause.left(start)))
        return (0 if marked else 1), max(0, start - clause.trigger_end, clause.trigger_start - end)
    places = [(rank(m.start, m.end), m.text) for m in mentions if is_location(m, clause, cues)]
    taken = [(m.start, m.end) for m in mentions if not is_location(m, clause, cues)]
    for found in cues.place.finditer(clause.before(clause.sentence.end)):
        start, end = (clause.sentence.start + i for i in found.span("place"))
        if not any(s < end and start < e for s, e in taken):
            places.append((rank(start, end), found.group("place")))
    return cues.place_word.sub("", min(places)[1]) if places else None


def weapons(sentence_text: str, index) -> tuple[str, ...]:
    """Weapon names in text order, each once (``index``: the rulebook's weapon TriggerIndex)."""
    found = sorted((m.start(), w.name) for w, p in index.candidates(sentence_text) for m in p.finditer(sentence_text))
    return tuple(dict.fromkeys(name for _, name in found))


def specific_weapons(names: tuple[str, ...], lexicon: tuple[Weapon, ...]) -> set[str]:
    generic = {w.name for w in lexicon if not w.specific}
    return set(names) - generic


def value(rule: Rule, sentence_text: str) -> str | None:
    for pattern in rule.value_patterns:
        found = pattern.search(sentence_text)
        if found:
            return found.group("value")
    return None

"""Every event rule's own examples fire it and its counter_examples do not (rules/*.toml)."""
from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.events.extract import add_events
from pipeline.knowledge import Knowledge, KnowledgeError, load_knowledge
from pipeline.compiled import compile_knowledge
from tests.eventkit import WIB, article

BOOK = compile_knowledge(load_knowledge()).events.rulebook
EXAMPLES = [(r.id, text) for r in BOOK.rules for text in r.examples]
COUNTER_EXAMPLES = [(r.id, text) for r in BOOK.rules for text in r.counter_examples]


# Late enough for every example's year; events dated after publication are dropped as planned, not done.
PUBLISHED = datetime(2025, 6, 30, 10, 0, tzinfo=WIB)


def rule_ids(text: str, compiled) -> list[str]:
    return [e.rule_id for e in add_events(article(text, published=PUBLISHED), compiled.events).events]


@pytest.mark.parametrize("rule_id, text", EXAMPLES, ids=[f"{r}:{i}" for i, (r, _) in enumerate(EXAMPLES)])
def test_rule_fires_on_its_examples(compiled, rule_id, text):
    assert rule_id in rule_ids(text, compiled)


@pytest.mark.parametrize("rule_id, text", COUNTER_EXAMPLES,
                         ids=[f"{r}:{i}" for i, (r, _) in enumerate(COUNTER_EXAMPLES)])
def test_rule_stays_silent_on_its_counter_examples(compiled, rule_id, text):
    assert rule_id not in rule_ids(text, compiled)


def test_every_rule_has_examples_and_counter_examples_and_every_type_a_rule():
    assert all(r.examples and r.counter_examples for r in BOOK.rules)
    assert {r.event_type for r in BOOK.rules} == {t.name for t in BOOK.types}
    assert len({r.id for r in BOOK.rules}) == len(BOOK.rules)


def test_event_types_come_from_the_rule_files_in_the_order_of_their_codes():
    assert [(t.name, t.file, t.colour) for t in BOOK.types] == [
        ("MEETING", "rules/meeting.toml", "#1f77b4"), ("ARMS_DEAL", "rules/arms_deal.toml", "#d62728"),
        ("ACCESSION", "rules/accession.toml", "#2ca02c"), ("AGREEMENT", "rules/agreement.toml", "#9467bd"),
        ("MILITARY_EXERCISE", "rules/exercise.toml", "#ff7f0e")]
    assert [t.name for t in BOOK.types if t.merge_subtypes] == ["MEETING", "ARMS_DEAL", "MILITARY_EXERCISE"]


def test_every_type_and_subtype_has_cameo_and_plover_codes():
    for rule in BOOK.rules:
        event_type = BOOK.type(rule.event_type)
        for subtype in [rule.subtype, *(s for _, s in rule.subtype_cues)]:
            cameo, plover = event_type.codes(subtype)
            assert cameo.isdigit() and plover.isupper()
            assert subtype is None or subtype in event_type.subtype_codes, f"{rule.id}: {subtype} has no codes"
    assert BOOK.type("ACCESSION").codes("applied") == ("030", "REQUEST")
    assert BOOK.type("ACCESSION").codes("member") == ("057", "AGREE")


def _with_rule_file(knowledge: Knowledge, file_data: dict) -> Knowledge:
    return Knowledge(knowledge.sites, knowledge.rules + (file_data,), knowledge.lexicons,
                     knowledge.digest + "-broken-" + file_data["file"])


RULE = {"id": "x", "triggers": ["a"], "confidence": 1.0, "roles": []}


@pytest.mark.parametrize("broken, expected", [
    ({"file": "bad1", "event_type": "PARADE", "colour": "#000000", "rule": [RULE]},
     "lexicons/cameo_plover.toml: has no [PARADE] table: the CAMEO code and PLOVER type of the event type of "
     "rules/bad1.toml"),
    ({"file": "bad2", "event_type": "MEETING", "colour": "#000000", "rule": [{**RULE, "triggers": ["("]}]},
     "rules/bad2.toml: rule[x].triggers[0]: bad regular expression '('"),
    ({"file": "bad3", "event_type": "MEETING", "colour": "#000000", "rule": [{**RULE, "trigerz": []}]},
     "rules/bad3.toml: rule[x].trigerz: unknown key (did you mean 'triggers'?)"),
    ({"file": "bad4", "event_type": "PARADE", "colour": "red", "rule": [RULE]},
     "rules/bad4.toml: colour: 'red' must be a colour such as \"#1f77b4\""),
    ({"file": "bad5", "event_type": "MEETING", "colour": "#000000", "rule": [{**RULE, "triggers": [r"(?P<triger>a)"]}]},
     "rules/bad5.toml: rule[x].triggers[0]: named group 'triger' is read by nothing (the groups read here: trigger)"),
    ({"file": "bad6", "event_type": "MEETING", "colour": "#000000", "rule": [{"id": "x", "triggers": ["a"]}]},
     "rules/bad6.toml: rule[x].confidence: missing: the rule or [defaults] must give it"),
    ({"file": "bad7", "event_type": "MEETING", "colour": "#000000", "rule": [{**RULE, "id": "meeting.summit"}]},
     "rules/bad7.toml: event_type: MEETING is already the type of rules/meeting.toml: one rule file per event type"),
])
def test_broken_rule_files_are_reported_with_file_and_key(knowledge, broken, expected):
    with pytest.raises(KnowledgeError) as err:
        compile_knowledge(_with_rule_file(knowledge, broken))
    assert any(str(p).startswith(expected) for p in err.value.problems), err.value


def test_references_to_unknown_rules_types_and_subtypes_are_reported_with_their_lines(knowledge):
    agreement = next(r for r in knowledge.rules if r["file"] == "agreement")
    first = {**agreement["rule"][0], "yield_to": ["PARADE"], "overridden_by": ["no.such.rule"], "subtype": "picnic"}
    rules = tuple({**r, "rule": [first, *r["rule"][1:]]} if r is agreement else r for r in knowledge.rules)
    with pytest.raises(KnowledgeError) as err:
        compile_knowledge(Knowledge(knowledge.sites, rules, knowledge.lexicons, "references", knowledge.root))
    rule = f"rule[{first['id']}]"
    assert {(p.file, p.key, p.message) for p in err.value.problems} == {
        ("rules/agreement.toml", f"{rule}.yield_to", "names unknown event type 'PARADE' (known: MEETING, ARMS_DEAL, "
                                                     "ACCESSION, AGREEMENT, MILITARY_EXERCISE)"),
        ("rules/agreement.toml", f"{rule}.overridden_by", "names unknown rule 'no.such.rule'"),
        ("rules/agreement.toml", f"{rule}.subtype",
         "subtype 'picnic' has no entry in [AGREEMENT.subtypes] of lexicons/cameo_plover.toml")}
    text = (knowledge.root / "rules" / "agreement.toml").read_text(encoding="utf-8").split("\n")
    line = next(p.line for p in err.value.problems if p.key == f"{rule}.subtype")
    assert text[line - 1].startswith("subtype =") and f'id = "{first["id"]}"' in text[line - 2]   # the rule's own

"""All the knowledge compiled and checked at once, before any page is read: ``compile_knowledge``.

Each compiler checks the files it reads against their shapes (pipeline/knowledge/shape.py), reports every
problem with its file, key and line, and returns None when its part is broken; a lexicon no compiler reads is
a problem too. Any problem stops the compile with one KnowledgeError that lists them all. The result, a
frozen ``Compiled`` record, is kept once per knowledge digest: the run compiles it before reading the input
folder, and each worker process (local pool, Dask) once when it starts.

The stages take the parts they need (``pages`` for ingest, ``profiles`` and ``repairs`` for clean, ``metadata``,
``names`` for NER, ``events``), so that a stage's cache fingerprint (pipeline/engine/cache.py) covers the code of its
own compilers only: this module, which imports them all, is wiring (beside pipeline/run.py), imported by the
run and the engine, never by a stage.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from pipeline.annotate import titles
from pipeline.annotate.metadata import MetadataRules, compile_metadata_rules
from pipeline.annotate.normalise import NameRules, compile_name_rules
from pipeline.annotate.repair import RepairRules, compile_repair_rules
from pipeline.annotate.tokenize import compile_tokenizer
from pipeline.events.extract import EventRules, compile_event_rules
from pipeline.ingest.css_select import Selector
from pipeline.ingest.html_extract import PageRules, compile_page_rules
from pipeline.knowledge import Knowledge, KnowledgeError
from pipeline.knowledge.gazetteer import compile_gazetteer
from pipeline.knowledge.problems import Problems
from pipeline.knowledge.profiles import Profile, compile_profiles
from pipeline.knowledge.rulebook import EventType
from pipeline.knowledge.shape import WORDS, ListOf, Regex, Table, Text, check, check_rows

KEEP = 4        # compiled knowledges kept (a run needs one; tests compile a few variants)
# Lexicons no compiler reads at run time but a script does: scripts/build_countries.py builds countries.tsv.
SCRIPT_LEXICONS = {"country_aliases": ("alias", "code", "label", "canonical", "note")}
OUTPUT_TOML_LEXICONS = {"arms_id": Table({
    "currencies": dict, "magnitudes": dict, "numbers": dict,
    "stages": Table({"talks_statuses": WORDS, "mou_cues": ListOf(Regex(), non_empty=True), "by_subtype": dict})})}
# Lexicons the table writer reads (pipeline/output): checked here with the rest, read when the tables are made.
OUTPUT_LEXICONS = {"place_aliases": {"alias": Text(r"\S", "a place name"),
                                     "geonames_id": Text(r"^\d+$", "a GeoNames id"),
                                     "name": Text(r"\S", "the GeoNames name"), "note": str},
                   "cameo_codes": {"cameo_code": Text(r"^\d{3,4}$", "a CAMEO code"), "name": str,
                                   "goldstein": Text(r"^-?\d+(?:\.\d+)?$", "a number from -10 to 10")},
                   "plover_modes": {"event_type": Text(r"\S", "an event type"), "subtype": str,
                                    "plover_mode": Text(r"\S", "a PLOVER mode")},
                   "dyad_roles": {"event_type": Text(r"\S", "an event type"), "source_role": Text(r"\S", "a role"),
                                  "target_role": Text(r"\S", "a role"), "note": str}}


@dataclass(frozen=True)
class Compiled:
    knowledge: Knowledge                       # as loaded: its digest names this compile
    event_types: tuple[EventType, ...]         # in the order of lexicons/cameo_plover.toml
    pages: PageRules                           # ingest
    profiles: Mapping[str, Profile]            # clean
    repairs: RepairRules                       # clean: scraped-text repair
    metadata: MetadataRules
    names: NameRules                           # NER and normalisation
    events: EventRules

    @property
    def digest(self) -> str:
        return self.knowledge.digest

    @property
    def event_type_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.event_types)


_COMPILED: dict[str, Compiled] = {}


def compile_knowledge(knowledge: Knowledge) -> Compiled:
    """Every part compiled once per knowledge digest; raises KnowledgeError listing every problem found."""
    found = _COMPILED.get(knowledge.digest)
    if found is None:
        found = _compile(knowledge)
        while len(_COMPILED) >= KEEP:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[knowledge.digest] = found
    return found


class _Lexicons(Mapping[str, Any]):
    """The parsed lexicons, remembering which were read: a missing one reads as None and is reported."""

    def __init__(self, knowledge: Knowledge, problems: Problems):
        self.lexicons, self.problems, self.read = knowledge.lexicons, problems, set()

    def __getitem__(self, name: str) -> Any:
        if name not in self.lexicons and name not in self.read:
            self.problems.add(f"lexicons/{name}.toml", (), "is missing (or its .tsv): a compiler reads it")
        self.read.add(name)
        return self.lexicons.get(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name]

    def __iter__(self):
        return iter(self.lexicons)

    def __len__(self) -> int:
        return len(self.lexicons)

    def report_unread(self) -> None:
        for name in sorted(set(self.lexicons) - self.read - set(SCRIPT_LEXICONS)):
            kind = "tsv" if isinstance(self.lexicons[name], list) else "toml"
            self.problems.add(f"lexicons/{name}.{kind}", (), "no compiler reads this lexicon (a misspelt file "
                                                            "name?); remove it or name it as its compiler does")


def _compile(knowledge: Knowledge) -> Compiled:
    problems = Problems(knowledge.root)
    lexicons = _Lexicons(knowledge, problems)
    profiles = compile_profiles(knowledge.sites, problems, Selector)
    title_rules = titles.compile_title_rules(lexicons["meta_titles"], problems)
    gazetteer = compile_gazetteer(lexicons["countries"], lexicons["orgs"], problems)
    parts = {
        "pages": compile_page_rules(profiles, lexicons["meta_html"], title_rules, problems),
        "profiles": profiles,
        "repairs": compile_repair_rules(lexicons, problems),
        "metadata": compile_metadata_rules(profiles, title_rules, lexicons, problems),
        "names": compile_name_rules(compile_tokenizer(lexicons["tokenize_id"], problems), gazetteer, lexicons,
                                    problems),
        "events": compile_event_rules(knowledge.rules, lexicons, gazetteer, problems),
    }
    _check_script_lexicons(knowledge, problems)
    lexicons.read.update([*OUTPUT_LEXICONS, *OUTPUT_TOML_LEXICONS])
    lexicons.report_unread()
    if problems.found or any(part is None for part in parts.values()):
        raise KnowledgeError(problems.found or "knowledge failed to compile without a reported problem; "
                                               "please report it", knowledge.root)
    return Compiled(knowledge, parts["events"].rulebook.types, **parts)


def _check_script_lexicons(knowledge: Knowledge, problems: Problems) -> None:
    for name, columns in SCRIPT_LEXICONS.items():
        if name in knowledge.lexicons:
            check_rows(problems, f"lexicons/{name}.tsv", knowledge.lexicons[name], dict.fromkeys(columns, str))
    for name, shapes in OUTPUT_LEXICONS.items():
        if name in knowledge.lexicons:
            check_rows(problems, f"lexicons/{name}.tsv", knowledge.lexicons[name], shapes)
    for name, shape in OUTPUT_TOML_LEXICONS.items():
        if name in knowledge.lexicons:
            check(problems, f"lexicons/{name}.toml", knowledge.lexicons[name], shape)

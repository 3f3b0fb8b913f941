"""The knowledge is compiled and checked once, before any page is read (pipeline/compiled.py).

A broken data file stops the run with exit code 2 and a message naming its file, key and line; the proof that no
page was read is that reading the input folder fails the test if it is ever called. Event types come from the
data: a new type is a new rule file and its codes, no code edit.
"""
from __future__ import annotations

import dataclasses
import shutil
import tomllib
from pathlib import Path

import pytest

from pipeline import __main__ as cli
from pipeline import api
from pipeline import run
from pipeline.engine import inputs, worker
from pipeline.events.extract import add_events
from pipeline.knowledge import PACKAGE_DIR, KnowledgeError, load_knowledge
from pipeline import compiled as compiled_module
from pipeline.compiled import compile_knowledge
from pipeline.knowledge.problems import find_line
from pipeline.output import datapackage
from pipeline.settings import Settings
from tests.eventkit import article
from tests.paths import CORPUS_DIR

NO_NER = Settings(use_ner=False)


def knowledge_copy(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """A copy of the package's knowledge folders with ``edits``: file -> (text, replacement), each made once."""
    root = tmp_path / "knowledge"
    for part in ("sites", "rules", "lexicons"):
        shutil.copytree(PACKAGE_DIR / part, root / part)
    for name, (old, new) in edits.items():
        path = root / name
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def line_of(root: Path, name: str, text: str) -> int:
    content = (root / name).read_text(encoding="utf-8")
    return content[:content.index(text)].count("\n") + 1


@pytest.fixture
def no_page_is_read(monkeypatch):
    """Listing or reading the input folder fails the test: whatever the folder holds, nothing of it is read."""
    def refuse(*args, **kwargs):
        pytest.fail("a page was read although the knowledge is broken")
    monkeypatch.setattr(inputs, "read_pages", refuse)
    monkeypatch.setattr(inputs, "list_inputs", refuse)


def nothing_written_but_the_log(out: Path, key: str) -> bool:
    """No table, package or manifest: only run.log, which tells what stopped the run."""
    return sorted(p.name for p in out.iterdir()) == ["run.log"] and key in (out / "run.log").read_text()


def run_cli(monkeypatch, root: Path, tmp_path: Path) -> int:
    monkeypatch.setattr(api, "load_knowledge", lambda: load_knowledge(root))
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "page.txt").write_text("Judul\n\nJAKARTA - Isi berita yang cukup panjang untuk dibaca.\n")
    return cli.main(["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-ner", "--quiet"])


# ---------------------------------------------------------------- a broken file stops the run

BROKEN = {
    "misspelt profile key": ("sites/kontan.toml", "\ndrop = [", "\ndorp = [", "dorp",
                             "unknown key (did you mean 'drop'?)"),
    "misspelt profile key (head_leftovers)": ("sites/detik.toml", "head_leftovers =", "head_leftover =",
                                              "head_leftover", "unknown key (did you mean 'head_leftovers'?)"),
    "unknown regex group name": ("rules/meeting.toml", "(?P<trigger>(?:melaksanakan", "(?P<triger>(?:melaksanakan",
                                 "rule[meeting.ministerial].triggers[1]",
                                 "named group 'triger' is read by nothing (the groups read here: trigger)"),
    "misspelt rule key": ("rules/meeting.toml", 'confidence = 0.85\nexamples = [\n  "Putin berbicara',
                          'confidance = 0.85\nexamples = [\n  "Putin berbicara', "rule[meeting.summit].confidance",
                          "unknown key (did you mean 'confidence'?)"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_stops_the_cli_with_its_file_key_and_line(name, tmp_path, monkeypatch, capsys, no_page_is_read):
    file, old, new, key, message = BROKEN[name]
    root = knowledge_copy(tmp_path, {file: (old, new)})
    assert run_cli(monkeypatch, root, tmp_path) == 2
    written = new.split("\n")[1] if new.startswith("\n") else new
    line = line_of(root, file, written)
    err = capsys.readouterr().err
    assert f"{file}:{line}: {key}: {message}" in err, err
    assert "No page was read" in err and nothing_written_but_the_log(tmp_path / "out", key)


def test_deleting_the_negation_cues_stops_the_run_instead_of_failing_every_article(tmp_path, monkeypatch, capsys,
                                                                                    no_page_is_read):
    text = (PACKAGE_DIR / "lexicons" / "events_id.toml").read_text(encoding="utf-8")
    negation = next(line for line in text.split("\n") if line.startswith("negation ="))
    root = knowledge_copy(tmp_path, {"lexicons/events_id.toml": (negation + "\n", "")})
    assert run_cli(monkeypatch, root, tmp_path) == 2
    err = capsys.readouterr().err
    assert "lexicons/events_id.toml: negation: missing: this key is required" in err, err
    assert "internal" not in err and nothing_written_but_the_log(tmp_path / "out", "negation")


def test_process_folder_raises_before_reading_any_page(tmp_path, no_page_is_read):
    root = knowledge_copy(tmp_path, {"rules/meeting.toml": ("(?P<trigger>menerima)", "(?P<host>menerima)")})
    with pytest.raises(KnowledgeError) as err:
        run.process_folder(CORPUS_DIR, NO_NER, load_knowledge(root))
    [problem] = err.value.problems
    assert (problem.file, problem.key, problem.line) == (
        "rules/meeting.toml", "rule[meeting.visit_received].triggers[3]",
        line_of(root, "rules/meeting.toml", "(?P<host>menerima)"))


def test_every_problem_of_every_file_is_listed_at_once(tmp_path):
    root = knowledge_copy(tmp_path, {
        "sites/kontan.toml": ("\ndrop = [", "\ndorp = ["),
        "lexicons/orgs.tsv": ("\tneeds_context\n", "\tneeds_contxt\n"),
        "lexicons/meta_dates.toml": ('WITA = "+08:00"', 'WITA = "Asia/Makasar"'),
        "lexicons/sense_id.toml": ("", "[[sense]]\n"),
        "rules/exercise.toml": ('colour = "#ff7f0e"', 'colour = "orange"'),
    })
    with pytest.raises(KnowledgeError) as err:
        compile_knowledge(load_knowledge(root))
    found = {(p.file, p.key, p.message.split(";")[0]) for p in err.value.problems}
    assert found == {
        ("sites/kontan.toml", "dorp", "unknown key (did you mean 'drop'?)"),
        ("lexicons/orgs.tsv", "", "unknown column 'needs_contxt' (did you mean 'needs_context'?)"),
        ("lexicons/orgs.tsv", "", "missing column 'needs_context'"),
        ("lexicons/meta_dates.toml", "zones.WITA",
         "'Asia/Makasar' is neither a UTC offset (such as '+07:00') nor an IANA time zone (such as 'Asia/Makassar')"),
        ("lexicons/sense_id.toml", "", "no compiler reads this lexicon (a misspelt file name?)"),
        ("rules/exercise.toml", "colour", "'orange' must be a colour such as \"#1f77b4\""),
    }
    assert str(err.value).startswith(f"broken knowledge files in {root} (6 problems):\n  sites/kontan.toml:")


def test_a_missing_lexicon_is_reported_once_however_many_compilers_read_it(knowledge):
    lexicons = {name: value for name, value in knowledge.lexicons.items() if name not in ("orgs", "weapons_id")}
    with pytest.raises(KnowledgeError) as err:
        compile_knowledge(dataclasses.replace(knowledge, lexicons=lexicons, digest="missing-lexicons"))
    assert sorted(str(p) for p in err.value.problems) == [
        "lexicons/orgs.toml: is missing (or its .tsv): a compiler reads it",
        "lexicons/weapons_id.toml: is missing (or its .tsv): a compiler reads it"]


# ---------------------------------------------------------------- the shipped knowledge; compiled once

def test_every_shipped_knowledge_file_validates(knowledge):
    compiled = compile_knowledge(knowledge)
    files = {f"{part}/{path.name}" for part in ("sites", "rules", "lexicons")
             for path in (PACKAGE_DIR / part).glob("*") if path.suffix in (".toml", ".tsv")}
    assert len(files) == len(knowledge.sites) + len(knowledge.rules) + len(knowledge.lexicons)
    assert set(compiled.profiles) == {s["id"] for s in knowledge.sites}
    assert compiled.event_type_names == ("MEETING", "ARMS_DEAL", "ACCESSION", "AGREEMENT", "MILITARY_EXERCISE")


@pytest.mark.parametrize("file", sorted(f"{part}/{path.name}" for part in ("rules", "lexicons")
                                        for path in (PACKAGE_DIR / part).glob("*.toml")) + ["sites/generic.toml"])
def test_every_knowledge_file_is_checked_for_unknown_keys(knowledge, file):
    """An unknown top-level key is refused in every TOML file: no file escapes its compiler's shape."""
    part, stem = file.split("/")[0], Path(file).stem
    data = tomllib.loads((PACKAGE_DIR / file).read_text(encoding="utf-8"))
    if part == "lexicons" and stem == "cameo_plover":
        return      # its keys are event types: an extra one is checked against the rule files instead
    if part == "lexicons":
        changed = {**knowledge.lexicons, stem: {**data, "zz_unknown": 1}}
    else:
        key = "file" if part == "rules" else "id"
        changed = tuple({**f, "zz_unknown": 1} if f[key] == stem else f for f in getattr(knowledge, part))
    broken = dataclasses.replace(knowledge, digest=f"unknown-key-{file}", **{part: changed})
    with pytest.raises(KnowledgeError) as err:
        compile_knowledge(broken)
    assert [(p.file, p.key) for p in err.value.problems] == [(file, "zz_unknown")]


def test_the_knowledge_is_compiled_once_per_digest_and_before_the_pages_are_read(knowledge, tmp_path, monkeypatch):
    assert compile_knowledge(dataclasses.replace(knowledge)) is compile_knowledge(knowledge)   # same digest
    order = []
    real_compile, real_read = compiled_module._compile, inputs.read_pages
    monkeypatch.setattr(compiled_module, "_compile", lambda k: order.append("compile") or real_compile(k))
    monkeypatch.setattr(inputs, "read_pages", lambda *a, **k: order.append("read") or real_read(*a, **k))
    fresh = dataclasses.replace(knowledge, digest=f"once-{tmp_path.name}")
    folder = tmp_path / "in"
    folder.mkdir()
    for page in sorted(CORPUS_DIR.glob("00[0-2]_*.txt")):
        shutil.copy(page, folder)
    options = run.RunOptions(workers=1, chunk_size=1)
    first = run.process_folder(folder, NO_NER, fresh, options=options)
    second = run.process_folder(folder, NO_NER, fresh, options=options)
    assert order == ["compile", "read", "read"]
    assert first.n_articles == second.n_articles == 3 and not first.problems


def test_a_worker_compiles_the_knowledge_it_is_sent_once(knowledge, tmp_path, monkeypatch):
    calls = []
    real_compile = compiled_module._compile
    monkeypatch.setattr(compiled_module, "_compile", lambda k: calls.append(k.digest) or real_compile(k))
    sent = dataclasses.replace(knowledge, digest=f"worker-{tmp_path.name}")
    for _ in range(2):          # a pool worker's initializer; the Dask plugin calls the same function
        worker.init_worker(run.annotate_chunk, NO_NER, sent, context=None, torch_threads=1)
    assert calls == [sent.digest] and worker._WORKER["compiled"] is compile_knowledge(sent)


# ---------------------------------------------------------------- event types are data

def test_a_new_event_type_is_a_rule_file_and_its_codes(tmp_path):
    rule_file = '''event_type = "SANCTION"
colour = "#8c564b"

[[rule]]
id = "sanction.imposed"
triggers = ['\\bmenjatuhkan\\s+sanksi\\b']
confidence = 0.8
roles = [{ role = "party", labels = ["COUNTRY", "ORG"] }]
examples = ["Amerika Serikat menjatuhkan sanksi kepada Rusia pada 3 Maret 2022."]
counter_examples = ["Wasit menjatuhkan sanksi kepada pemain itu."]
'''
    root = knowledge_copy(tmp_path, {"rules/sanction.toml": ("", rule_file),
                                     "lexicons/cameo_plover.toml": ("[MEETING]", '[SANCTION]\ncameo = "163"\n'
                                                                    'plover = "SANCTION"\n\n[MEETING]')})
    compiled = compile_knowledge(load_knowledge(root))
    assert compiled.event_type_names[0] == "SANCTION" and compiled.event_types[0].colour == "#8c564b"
    [event] = add_events(article("Amerika Serikat menjatuhkan sanksi kepada Rusia pada 3 Maret 2022."),
                         compiled.events).events
    assert (event.event_type, event.cameo_code, event.plover_type) == ("SANCTION", "163", "SANCTION")
    package = datapackage.build_datapackage({}, compiled.event_type_names)
    events = next(r for r in package["resources"] if r["name"] == "events")
    field = next(f for f in events["schema"]["fields"] if f["name"] == "event_type")
    assert field["constraints"]["enum"][0] == "SANCTION"


# ---------------------------------------------------------------- where a problem is written

TOML = '''name = "x"
[status.cancelled]
before = ["batal"]

[[rule]]
id = "a.one"
triggers = ['x']

[[rule]]
id = "a.two"
triggers = ['(?P<triger>y)']
roles = [{ role = "host", labls = ["ORG"] }]
'''


@pytest.mark.parametrize("path, needle, line", [
    (("name",), None, 1),
    (("status", "cancelled", "before"), None, 3),
    (("rule", (1, "a.two"), "triggers"), None, 11),
    (("rule", (1, "a.two"), "triggers", 0), "(?P<triger>", 11),
    (("rule", (1, "a.two"), "roles", 0, "labls"), None, 12),
    (("rule", (0, "a.one"), "triggers"), None, 7),
    (("missing",), None, None),
    ((), "(?P<nowhere>", None),
])
def test_the_line_of_a_key_is_found_in_the_file(path, needle, line):
    assert find_line(TOML, path, needle) == line

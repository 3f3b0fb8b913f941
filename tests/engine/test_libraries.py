"""Library versions in the stage fingerprints: read from each stage's imports; an upgrade re-runs the stages
that run on the library, from the cache entries of the stages before them."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from pipeline import run
from pipeline.engine import cache as stage_cache
from pipeline.engine import libraries
from pipeline.knowledge import load_knowledge
from pipeline.manifest import library_versions
from pipeline.settings import Settings
from tests.paths import CORPUS_DIR, copy_seeds

NO_NER = Settings(use_ner=False)


def stage(name: str) -> dict[str, str]:
    return stage_cache.stage_libraries(stage_cache.STAGE_MODULES[name])


def test_each_stage_lists_the_libraries_its_code_imports_and_what_they_require():
    ingest, events, ner = stage("ingest"), stage("events"), stage("ner")
    assert {"trafilatura", "lxml", "cssselect", "charset-normalizer"} <= set(ingest)
    assert {"htmldate", "justext"} <= set(ingest)          # trafilatura's date and boilerplate readers
    assert "beautifulsoup4" in ingest                      # lxml's soupparser, an extra lxml does not declare
    assert {"dateparser", "regex"} <= set(events) and not {"torch", "trafilatura"} & set(events)
    assert {"torch", "numpy"} <= set(ner)
    assert not {"stanza", "emoji", "udapi", "protobuf"} & set(ner)     # only the reference tagger imports stanza
    assert ner["torch"] == metadata.version("torch") and ner["python"].count(".") == 2


def test_the_report_and_the_loader_libraries_are_in_no_stage():
    every_stage = set().union(*(stage(name) for name in stage_cache.STAGES))
    assert not {"matplotlib", "pandas", "duckdb", "frictionless"} & every_stage


def test_imports_are_mapped_to_their_distributions():
    found = libraries.imported_distributions("import charset_normalizer\nfrom lxml.html import soupparser\n"
                                             "import os, re\nfrom pipeline.record import Page\n"
                                             "def lazy():\n    import trafilatura\n")
    assert found == {"charset-normalizer", "lxml", "trafilatura"}


def with_version(monkeypatch, name: str, version: str) -> None:
    real = libraries.installed_version
    monkeypatch.setattr(libraries, "installed_version", lambda n: version if n == name else real(n))


def test_an_upgraded_library_changes_the_fingerprints_of_the_stages_that_run_on_it(monkeypatch):
    knowledge = load_knowledge()
    before = stage_cache.fingerprints(NO_NER, knowledge)
    with_version(monkeypatch, "torch", "2.99.0")
    after = stage_cache.fingerprints(NO_NER, knowledge)
    assert {s for s in before if before[s] != after[s]} == {"ner", "events"}    # events follow ner's chain
    monkeypatch.undo()
    with_version(monkeypatch, "trafilatura", "9.0")
    assert {s for s in before if before[s] != stage_cache.fingerprints(NO_NER, knowledge)[s]} == {"ingest"}


SEEDS = sorted(CORPUS_DIR.glob("00[0-4]_*.txt"))


@pytest.fixture()
def folder(tmp_path) -> Path:
    copy_seeds(tmp_path / "in")
    return tmp_path / "in"


def process(folder: Path, cache_dir: Path) -> run.RunResult:
    return run.process_folder(folder, NO_NER, load_knowledge(), options=run.RunOptions(cache_dir=cache_dir))


def test_upgrading_dateparser_re_runs_the_cached_stages_that_use_it(folder, tmp_path, monkeypatch):
    process(folder, tmp_path / "cache")
    assert not process(folder, tmp_path / "cache").computed
    with_version(monkeypatch, "dateparser", "9.9.9")
    again = process(folder, tmp_path / "cache")
    # metadata and events parse dates with it; ingest reads HTML dates with htmldate, which runs on it. Cleaning
    # does not: the pages ingest makes again are the same, so their cleaned text comes from the cache.
    assert again.computed == {"ingest": len(SEEDS), "metadata": len(SEEDS), "ner": len(SEEDS),
                              "events": len(SEEDS)}
    assert again.cached == {"clean": len(SEEDS)}


def test_upgrading_torch_re_runs_ner_and_events_but_not_cleaning(folder, tmp_path, monkeypatch):
    process(folder, tmp_path / "cache")
    with_version(monkeypatch, "torch", "2.99.0")
    again = process(folder, tmp_path / "cache")
    assert again.computed == {"ner": len(SEEDS), "events": len(SEEDS)}
    assert again.cached == {"ingest": len(SEEDS), "clean": len(SEEDS), "metadata": len(SEEDS)}


def test_the_manifest_lists_every_library_of_the_stages_and_the_table_writer():
    listed = library_versions()
    assert listed["dateparser"] == metadata.version("dateparser")
    assert listed["pyarrow"] == metadata.version("pyarrow")            # the table writer's
    assert set().union(*(stage(name) for name in stage_cache.STAGES)) <= set(listed)

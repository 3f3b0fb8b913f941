"""Incremental re-runs: what the cache re-uses, what each kind of change re-runs, damaged entries."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.engine import cache as stage_cache
from pipeline import run
from pipeline.__main__ import main
from pipeline.knowledge import PACKAGE_DIR, load_knowledge
from pipeline.record import Article, Problem
from pipeline.settings import Settings
from tests.paths import REPO_DIR
from tests.stages import cleaned

REPO = REPO_DIR
SEEDS = sorted((REPO / "corpus").glob("00[0-4]_*.txt"))
NO_NER = Settings(use_ner=False)
ALL_STAGES = {"clean", "metadata", "ner", "events"}


@pytest.fixture()
def folder(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    (folder / "empty.txt").write_bytes(b"")
    return folder


def process(folder: Path, cache_dir: Path, settings: Settings = NO_NER, knowledge=None, tagger=None,
            rerun: frozenset = frozenset()) -> run.RunResult:
    options = run.RunOptions(workers=1, cache_dir=cache_dir, rerun=rerun)
    return run.process_folder(folder, settings, knowledge or load_knowledge(), tagger, options)


def ran(result: run.RunResult) -> dict[str, int]:
    """Articles computed per article stage (input files decoded are counted apart, under "ingest")."""
    return {stage: n for stage, n in result.computed.items() if stage != "ingest"}


def csv_files(result: run.RunResult, out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in run.write_outputs(result, out)}


def rows(result: run.RunResult, out: Path, table: str) -> list[dict]:
    run.write_outputs(result, out)
    return pq.read_table(out / f"{table}.parquet").to_pylist()


def test_a_warm_run_reads_everything_from_the_cache_and_writes_the_same_tables(folder, tmp_path):
    cold = process(folder, tmp_path / "cache")
    assert cold.computed == {"ingest": len(SEEDS) + 1, **{stage: len(SEEDS) for stage in ALL_STAGES}}
    assert not cold.cached
    warm = process(folder, tmp_path / "cache")
    assert not warm.computed
    assert warm.cached == {"ingest": len(SEEDS) + 1, **{stage: len(SEEDS) for stage in ALL_STAGES}}
    assert csv_files(warm, tmp_path / "warm") == csv_files(cold, tmp_path / "cold")


def test_a_renamed_file_reuses_its_entries_under_its_new_name(folder, tmp_path):
    process(folder, tmp_path / "cache")
    (folder / SEEDS[0].name).rename(folder / "renamed.txt")
    again = process(folder, tmp_path / "cache")
    assert again.computed == {"ingest": 1}
    assert "renamed.txt" in {row["source_path"] for row in rows(again, tmp_path / "out", "articles")}


def test_an_edited_input_file_is_read_again_and_only_its_article_re_runs(folder, tmp_path):
    process(folder, tmp_path / "cache")
    edited = folder / SEEDS[1].name
    edited.write_text(edited.read_text(encoding="utf-8").replace("Rusia", "Russia", 1), encoding="utf-8")
    again = process(folder, tmp_path / "cache")
    assert again.computed == {"ingest": 1, **{stage: 1 for stage in ALL_STAGES}}


def knowledge_with_edited_rule(tmp_path: Path):
    """A copy of the knowledge folders where one meeting rule has a different confidence."""
    root = tmp_path / "knowledge"
    for part in ("sites", "rules", "lexicons"):
        shutil.copytree(PACKAGE_DIR / part, root / part)
    rule_file = root / "rules" / "meeting.toml"
    text = rule_file.read_text(encoding="utf-8")
    assert "confidence = 0.85" in text
    rule_file.write_text(text.replace("confidence = 0.85", "confidence = 0.55", 1), encoding="utf-8")
    return load_knowledge(root)


def test_an_edited_event_rule_re_runs_events_only_from_cached_mentions(folder, tmp_path):
    before = process(folder, tmp_path / "cache")
    after = process(folder, tmp_path / "cache", knowledge=knowledge_with_edited_rule(tmp_path))
    assert after.computed == {"events": len(SEEDS)}
    assert after.cached == {"ingest": len(SEEDS) + 1, "clean": len(SEEDS), "metadata": len(SEEDS),
                            "ner": len(SEEDS)}
    assert rows(after, tmp_path / "after", "mentions") == rows(before, tmp_path / "before", "mentions")
    old = {e["rule_id"]: e["confidence"] for e in rows(before, tmp_path / "before", "event_mentions")}
    new = {e["rule_id"]: e["confidence"] for e in rows(after, tmp_path / "after", "event_mentions")}
    assert "meeting.summit" in old and new["meeting.summit"] != old["meeting.summit"]


class AllOutsideTagger:
    """Stands in for the Stanza tagger: every token is O (mentions then come from the gazetteers)."""

    def tag(self, sentences):
        return [["O"] * len(tokens) for tokens in sentences]


def fake_model(folder: Path, version: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name in ("id_nertagger.pt", "id_pretrain.pt", "resources.json"):
        (folder / name).write_text(f"{name} {version}")
    return folder


def test_a_replaced_model_re_runs_ner_and_events_but_not_cleaning(folder, tmp_path):
    settings = Settings(use_ner=True, model_dir=fake_model(tmp_path / "model", "v1"))
    first = process(folder, tmp_path / "cache", settings, tagger=AllOutsideTagger())
    assert ran(first) == {stage: len(SEEDS) for stage in ALL_STAGES}
    fake_model(tmp_path / "model", "v2")
    second = process(folder, tmp_path / "cache", settings, tagger=AllOutsideTagger())
    assert second.computed == {"ner": len(SEEDS), "events": len(SEEDS)}
    assert second.cached == {"ingest": len(SEEDS) + 1, "clean": len(SEEDS), "metadata": len(SEEDS)}


def test_a_damaged_entry_is_detected_and_recomputed(folder, tmp_path):
    cold = process(folder, tmp_path / "cache")
    entries = sorted((tmp_path / "cache" / "events").rglob("*.pkl"))
    assert len(entries) == len(SEEDS)
    data = bytearray(entries[0].read_bytes())
    data[-3] ^= 0xFF                              # one flipped bit-pattern in the payload
    entries[0].write_bytes(bytes(data))
    entries[1].write_bytes(entries[1].read_bytes()[:40])   # a torn write
    again = process(folder, tmp_path / "cache")
    assert again.computed == {"events": 2}
    assert again.cache_stats["events corrupt"] == 2
    assert csv_files(again, tmp_path / "again") == csv_files(cold, tmp_path / "cold")
    assert process(folder, tmp_path / "cache").cache_stats["events corrupt"] == 0   # rewritten whole


def test_failures_are_cached_too_and_keep_their_source_path(folder, tmp_path):
    (folder / "boilerplate_only.txt").write_text("Baca Juga:\n\nIklan\n", encoding="utf-8")
    cold = process(folder, tmp_path / "cache")
    warm = process(folder, tmp_path / "cache")
    assert not warm.computed
    assert warm.problems == cold.problems
    assert any(p.source_path == "boilerplate_only.txt" and p.stage != "ingest" for p in warm.problems)


def test_a_removed_input_loses_its_rows_and_its_cache_entries(folder, tmp_path):
    process(folder, tmp_path / "cache")
    (folder / SEEDS[0].name).unlink()
    after = process(folder, tmp_path / "cache")
    assert SEEDS[0].name not in after.inputs
    assert SEEDS[0].name not in {row["source_path"] for row in rows(after, tmp_path / "out", "articles")}
    assert len(list((tmp_path / "cache" / "events").rglob("*.pkl"))) == len(SEEDS) - 1


def run_cli(folder: Path, out: Path, *extra: str) -> dict:
    assert main(["run", str(folder), "--out", str(out), "--no-ner", "--quiet", "--workers", "1", *extra]) == 0
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    counts["files_read"] = counts["stages_run"].pop("ingest", 0)
    return counts


def test_force_and_stages_on_the_command_line(folder, tmp_path):
    out = tmp_path / "out"
    assert run_cli(folder, out)["stages_run"] == {stage: len(SEEDS) for stage in ALL_STAGES}
    warm = run_cli(folder, out)
    assert warm["stages_run"] == {} and warm["files_read"] == 0
    assert run_cli(folder, out, "--stages", "events")["stages_run"] == {"events": len(SEEDS)}
    assert run_cli(folder, out, "--stages", "ner")["stages_run"] == {"ner": len(SEEDS), "events": len(SEEDS)}
    assert run_cli(folder, out, "--stages", "metadata")["stages_run"] == {
        stage: len(SEEDS) for stage in ("metadata", "ner", "events")}            # clean is cached on its own
    forced = run_cli(folder, out, "--force")
    assert forced["stages_run"] == {stage: len(SEEDS) for stage in ALL_STAGES}
    assert forced["files_read"] == len(SEEDS) + 1
    assert (out / ".cache" / "events").is_dir()
    assert run_cli(folder, out, "--no-cache")["stages_run"] == {stage: len(SEEDS) for stage in ALL_STAGES}


def test_an_unknown_stage_name_is_a_usage_error(folder, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["run", str(folder), "--out", str(tmp_path), "--stages", "parse"])
    assert "unknown stage" in capsys.readouterr().err


def test_stage_fingerprints_follow_imports_and_knowledge_parts(knowledge):
    assert "pipeline.annotate.normalise" in stage_cache.stage_modules(("pipeline.annotate.ner",))  # in a function
    assert "pipeline.knowledge.rulebook" in stage_cache.stage_modules(("pipeline.events.extract",))
    edited = stage_cache.knowledge_digest(knowledge, ("rules",))
    assert edited != stage_cache.knowledge_digest(knowledge, ("sites",))
    assert stage_cache.fingerprints(NO_NER, knowledge) == stage_cache.fingerprints(NO_NER, knowledge)
    with_model = stage_cache.fingerprints(Settings(), knowledge)
    assert stage_cache.fingerprints(NO_NER, knowledge)["ner"] != with_model["ner"]


def test_deltas_restore_the_whole_article(corpus_pages, compiled):
    from pipeline.events import extract as events
    from pipeline.annotate import ner

    page = corpus_pages[SEEDS[0].name]
    read = cleaned(page, compiled)
    tagged = ner.add_mentions([read], None, compiled.names)[0]
    done = events.add_events(tagged, compiled.events)
    state = None
    for before, after in ((None, read), (read, tagged), (tagged, done)):
        state = stage_cache.restore(state, page, stage_cache.delta(before, after))
    assert isinstance(state, Article) and state == done
    problem = Problem("old/name.txt", "clean", "no-article", "nothing left")
    assert stage_cache.restore(None, page, problem).source_path == page.source_path


def test_the_summary_shows_counts_cache_use_and_stage_times(folder, tmp_path):
    process(folder, tmp_path / "cache")
    text = process(folder, tmp_path / "cache").summary()
    assert f"inputs    {len(SEEDS) + 1} = processed {len(SEEDS)} + duplicates 0 + errors 1" in text
    assert f"events 0/{len(SEEDS)}" in text and "ingest" in text and "tables" not in text
    assert len(text.splitlines()) <= 8


def test_an_unchanged_run_keeps_the_output_files_and_a_damaged_one_is_rewritten(folder, tmp_path):
    out = tmp_path / "out"
    run_cli(folder, out)
    written = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir() if p.is_file()}
    run_cli(folder, out)
    for name, (mtime, data) in written.items():
        if name not in ("manifest.json", "run.log"):          # the log and manifest of each run are new
            assert (out / name).stat().st_mtime_ns == mtime, name
    (out / "events.csv").write_text("edited by hand\n")
    run_cli(folder, out)
    assert (out / "events.csv").read_bytes() == written["events.csv"][1]
    run_cli(folder, out, "--csv-bom")
    assert (out / "events.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["output_files"]["events.csv"] and manifest["outputs_key"]

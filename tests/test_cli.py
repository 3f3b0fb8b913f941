"""The command line end to end: a run over a folder with good and bad inputs, exit codes, outputs."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.__main__ import main

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "corpus").glob("00[0-4]_*.txt"))
TABLE_NAMES = ("articles", "removed_lines", "text_repairs", "mentions", "entities", "event_mentions",
               "event_evidence", "mention_participants", "events", "event_participants", "inputs", "errors")


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    for seed in SEEDS[:2]:
        shutil.copy(seed, folder / seed.name)
    (folder / "nested").mkdir()
    shutil.copy(SEEDS[0], folder / "nested" / "same_article_other_name.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    return folder


@pytest.fixture(scope="module")
def run_out(mixed_folder, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(mixed_folder), "--out", str(out), "--quiet"]) == 0
    return out


def read(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def test_every_table_is_written_as_csv_and_parquet(run_out):
    for name in TABLE_NAMES:
        assert (run_out / f"{name}.parquet").is_file(), name
        assert (run_out / f"{name}.csv").is_file(), name
    manifest = json.loads((run_out / "manifest.json").read_text())
    assert manifest["counts"]["inputs"] == 7


def test_every_input_is_accounted_for(run_out):
    inputs = {row["source_path"]: row for row in read(run_out, "inputs")}
    assert len(inputs) == 7
    statuses = {path: row["status"] for path, row in inputs.items()}
    assert statuses[SEEDS[0].name] == statuses[SEEDS[1].name] == "processed"
    assert statuses["nested/same_article_other_name.txt"] == "duplicate"
    assert inputs["nested/same_article_other_name.txt"]["duplicate_of"] == SEEDS[0].name
    for bad in ("empty.txt", "blank.txt", "binary.txt", "notes.pdf"):
        assert statuses[bad] == "error", bad
    errors = {row["source_path"]: row for row in read(run_out, "errors")}
    assert set(errors) == {"empty.txt", "blank.txt", "binary.txt", "notes.pdf"}
    assert all(row["message"] for row in errors.values())
    assert [row["source_path"] for row in read(run_out, "articles")] == [SEEDS[0].name, SEEDS[1].name]


def test_a_second_run_gives_identical_files(mixed_folder, run_out, tmp_path):
    assert main(["run", str(mixed_folder), "--out", str(tmp_path), "--quiet"]) == 0
    for name in TABLE_NAMES:
        for suffix in (".csv", ".parquet"):
            path = f"{name}{suffix}"
            assert (tmp_path / path).read_bytes() == (run_out / path).read_bytes(), path


def test_missing_input_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    assert "input folder not found" in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_output_folder_is_a_clear_error(mixed_folder, tmp_path, capsys):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        assert main(["run", str(mixed_folder), "--out", str(out), "--no-ner"]) == 3
    finally:
        out.chmod(0o700)
    assert "cannot write outputs" in capsys.readouterr().err


def test_unwritable_output_path_is_a_clear_error(mixed_folder, tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert main(["run", str(mixed_folder), "--out", str(blocker / "out"), "--no-ner", "--quiet"]) == 3
    assert "cannot write outputs" in capsys.readouterr().err


def test_help_documents_every_option_and_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for option in ("-o OUT, --out OUT", "--model-dir", "--no-ner", "--max-input-mb", "--csv-bom", "-q, --quiet",
                   "-v, --verbose", "-w WORKERS, --workers WORKERS", "--partition-by-year", "--strict",
                   "IDNEWS_MODEL_DIR"):
        assert option in text
    codes = text[text.index("exit codes:"):]
    assert all(f"\n  {code} " in codes for code in (0, 1, 2, 3, 130))


def test_quiet_and_verbose_together_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["run", str(tmp_path), "-q", "-v"])
    assert stopped.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize(("argv0", "prog"), [("/usr/local/bin/idnews-pipeline", "idnews-pipeline"),
                                             ("/src/pipeline/__main__.py", "python -m pipeline")])
def test_the_program_is_named_as_it_was_invoked(argv0, prog, monkeypatch):
    from pipeline import __main__ as cli

    monkeypatch.setattr(sys, "argv", [argv0])
    assert cli.build_parser().prog == prog


def test_version_names_the_model_and_the_knowledge(capsys):
    import pipeline
    from pipeline.engine import current
    from pipeline.knowledge import load_knowledge
    from pipeline.settings import default_model_dir

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    text = capsys.readouterr().out
    assert stopped.value.code == 0 and f" {pipeline.__version__} (model " in text
    assert f"model {current.model_digest(default_model_dir())[:12]} in" in text
    assert f"knowledge {load_knowledge().digest[:12]})" in text


def test_strict_exits_1_with_the_count_when_an_input_failed(mixed_folder, tmp_path, capsys):
    out = tmp_path / "strict"
    assert main(["run", str(mixed_folder), "-o", str(out), "--no-ner", "-w", "1", "-q", "--strict"]) == 1
    failed = sum(1 for row in read(out, "inputs") if row["status"] == "error")
    assert failed >= 3 and f"strict: {failed} input(s) failed" in capsys.readouterr().err
    assert (out / "events.csv").is_file()                                  # the tables are written all the same
    good = tmp_path / "good"
    shutil.copytree(mixed_folder, good, ignore=shutil.ignore_patterns("binary.txt", "empty.txt", "blank.txt",
                                                                      "notes.pdf"))
    assert main(["run", str(good), "-o", str(tmp_path / "out2"), "--no-ner", "-w", "1", "-q", "--strict"]) == 0


def test_an_internal_error_is_a_short_row_and_a_full_traceback_in_run_log(tmp_path, monkeypatch, capsys):
    from pipeline.events import extract

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for seed in SEEDS[:2]:
        shutil.copy(seed, folder / seed.name)
    original = extract.add_events

    def add_events(article, knowledge):
        if article.page.source_path == SEEDS[1].name:
            raise ZeroDivisionError("a bug in the events stage")
        return original(article, knowledge)

    monkeypatch.setattr(extract, "add_events", add_events)
    assert main(["run", str(folder), "--out", str(out), "--no-ner", "--workers", "1", "--quiet", "--no-cache"]) == 0
    [error] = read(out, "errors")
    assert (error["source_path"], error["stage"], error["kind"]) == (SEEDS[1].name, "events", "internal")
    assert "ZeroDivisionError: a bug in the events stage" in error["message"] and "\n" not in error["message"]
    log = (out / "run.log").read_text(encoding="utf-8")
    assert f"{SEEDS[1].name}: internal error in stage events\nTraceback (most recent call last):" in log
    assert "in add_events" in log and "ZeroDivisionError: a bug in the events stage" in log
    assert "Traceback" not in capsys.readouterr().err               # the terminal stays quiet without --verbose
    assert main(["run", str(folder), "--out", str(out), "--no-ner", "--workers", "1", "--no-cache",
                 "--verbose"]) == 0
    assert "Traceback (most recent call last):" in capsys.readouterr().err

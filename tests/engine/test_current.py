"""A re-run with nothing changed decides from the manifest and the inputs' digests that the tables are current,
before the stages' libraries are imported; anything changed sends it down the full path; a damaged cache
entry, not read by such a re-run, is found the next time a stage must read it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.__main__ import main
from tests.paths import REPO_DIR, copy_seeds

STAGE_LIBRARIES = ("pandas", "pyarrow", "dateparser", "torch", "trafilatura")
# Runs the command line in a fresh interpreter; prints the stage libraries it imported, then exits with its code.
RUN_AND_LIST_IMPORTS = (
    "import sys\nimport pipeline.__main__ as cli\ncode = cli.main(sys.argv[1:])\n"
    f"print(sorted(name for name in {STAGE_LIBRARIES!r} if name in sys.modules))\nsys.exit(code)\n")


def run_fresh(*args: str) -> tuple[int, list[str], str]:
    """(exit code, stage libraries imported, stdout) of ``idnews-pipeline ARGS`` in a new process."""
    done = subprocess.run([sys.executable, "-c", RUN_AND_LIST_IMPORTS, *args], cwd=REPO_DIR, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO_DIR)}, timeout=300)
    lines = done.stdout.strip().splitlines()
    return done.returncode, json.loads(lines[-1].replace("'", '"')), done.stdout + done.stderr


def snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of OUT but run.log and manifest.json, with its modification time and bytes (the cache too)."""
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file() and p.name not in ("run.log", "manifest.json")}


@pytest.fixture()
def folder_run(tmp_path) -> tuple[Path, Path]:
    folder, out = tmp_path / "pages", tmp_path / "out"
    copy_seeds(folder, "00[0-2]_*.txt")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)          # an input that fails
    assert main(["run", str(folder), "-o", str(out), "--no-ner", "-w", "1", "-q"]) == 0
    return folder, out


def test_a_no_change_rerun_imports_no_stage_library_and_leaves_the_tables(folder_run):
    folder, out = folder_run
    before, manifest = snapshot(out), json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    code, imported, printed = run_fresh("run", str(folder), "-o", str(out), "--no-ner", "-w", "1")
    assert code == 0 and imported == [], printed
    assert "already up to date" in printed and "none run" in printed
    assert "errors 1" in printed                                  # the counts are the manifest's
    assert snapshot(out) == before                                # tables, datapackage.json, cache entries
    rerun = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert rerun["counts"]["stages_run"] == {} and rerun["seconds_per_stage"] == {}
    assert rerun["started_at"] >= manifest["ended_at"] and rerun["config"]["workers"] == 1
    same = ("inputs_key", "outputs_key", "output_files", "libraries", "stage_fingerprints", "model_files")
    assert {key: rerun[key] for key in same} == {key: manifest[key] for key in same}
    assert {k: v for k, v in rerun["counts"].items() if k not in ("stages_run", "stages_from_cache", "cache")} == \
        {k: v for k, v in manifest["counts"].items() if k not in ("stages_run", "stages_from_cache", "cache")}
    assert "nothing changed since the last run" in (out / "run.log").read_text(encoding="utf-8")


def test_strict_counts_the_failed_inputs_on_the_quick_path_too(folder_run, capsys):
    folder, out = folder_run
    code, imported, printed = run_fresh("run", str(folder), "-o", str(out), "--no-ner", "-w", "1", "--strict", "-q")
    assert (code, imported) == (1, []) and "strict: 1 input(s) failed" in printed


@pytest.mark.parametrize("change", ["input edited", "input added", "table edited", "table removed",
                                    "other settings", "library upgraded"])
def test_anything_changed_takes_the_full_path(folder_run, change):
    folder, out = folder_run
    argv = ["run", str(folder), "-o", str(out), "--no-ner", "-w", "1", "-q"]
    if change == "input edited":
        page = sorted(folder.glob("00*.txt"))[0]
        page.write_text(page.read_text(encoding="utf-8") + "\nSebuah kalimat tambahan di akhir berita.\n",
                        encoding="utf-8")
    elif change == "input added":
        copy_seeds(folder, "003_*.txt")
    elif change == "table edited":
        (out / "events.csv").write_text("edited by hand\n", encoding="utf-8")
    elif change == "table removed":
        (out / "mentions.parquet").unlink()
    elif change == "other settings":
        argv.append("--csv-bom")
    else:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        manifest["libraries"]["lxml"] = "0.0.1"
        (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, imported, _ = run_fresh(*argv)
    assert code == 0 and "pyarrow" in imported
    if change.startswith("table"):
        assert (out / "events.csv").read_text(encoding="utf-8").startswith("event_id,event_type,")
        assert (out / "mentions.parquet").is_file()


def test_a_damaged_cache_entry_is_found_when_a_stage_next_reads_it(folder_run):
    """The quick path reads no cache entry: a damaged one stays until a run needs it. That run checks each
    entry's SHA-256 as it reads it, recomputes the article and counts it in the manifest."""
    folder, out = folder_run
    entry = sorted((out / ".cache" / "events").rglob("*.pkl"))[0]
    data = bytearray(entry.read_bytes())
    data[-3] ^= 0xFF
    entry.write_bytes(bytes(data))
    tables_before = {name: (out / name).read_bytes() for name in ("events.csv", "articles.csv")}
    code, imported, _ = run_fresh("run", str(folder), "-o", str(out), "--no-ner", "-w", "1", "-q")
    assert (code, imported) == (0, []) and entry.read_bytes() == bytes(data)    # not read: not found yet
    (out / "manifest.json").unlink()                 # the tables must now be rebuilt from the cache
    assert main(["run", str(folder), "-o", str(out), "--no-ner", "-w", "1", "-q"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["cache"]["events corrupt"] == 1
    assert manifest["counts"]["stages_run"] == {"events": 1}
    assert {name: (out / name).read_bytes() for name in tables_before} == tables_before
    assert not entry.exists() or entry.read_bytes() != bytes(data)


def test_force_and_stages_never_take_the_quick_path(folder_run):
    folder, out = folder_run
    code, imported, _ = run_fresh("run", str(folder), "-o", str(out), "--no-ner", "-w", "1", "-q",
                                  "--stages", "events")
    assert code == 0 and "pyarrow" in imported
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["stages_run"] == {"events": 3}


@pytest.mark.parametrize("own", ["notes", "by_year", "report"])
def test_a_users_own_folder_in_out_leaves_the_tables_up_to_date(folder_run, own):
    """Only the files the manifest lists are the pipeline's: notes/, a by_year/ without --partition-by-year or
    the report command's report/ are the user's, on the quick path and on the full one (--force)."""
    folder, out = folder_run
    (out / own).mkdir()
    (out / own / "catatan.md").write_text("Catatan peneliti tentang hasil minggu ini.\n", encoding="utf-8")
    before = snapshot(out)
    code, imported, printed = run_fresh("run", str(folder), "-o", str(out), "--no-ner", "-w", "1")
    assert code == 0 and imported == [] and "already up to date" in printed, printed
    assert main(["run", str(folder), "-o", str(out), "--no-ner", "-w", "1", "-q", "--force"]) == 0
    assert "already up to date" in (out / "run.log").read_text(encoding="utf-8")
    assert {rel: seen for rel, seen in snapshot(out).items() if not rel.startswith(".cache")} == \
        {rel: seen for rel, seen in before.items() if not rel.startswith(".cache")}

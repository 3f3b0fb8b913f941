"""Faults with nothing lost: a killed run, an unwritable or full output folder, inputs changing mid-run."""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.ingest import pages as ingest
from pipeline.__main__ import main
from tests.paths import REPO_DIR

REPO = REPO_DIR
SEEDS = sorted((REPO / "corpus").glob("00[0-4]_*.txt"))
EXTRA = sorted(p for p in (REPO / "corpus").glob("*.*") if p.is_file() and p not in SEEDS)

# Runs the command line in a child process that stops for good (sleeps) once 3 articles are cached.
KILLABLE_RUN = """
import sys, time
from pipeline.engine import cache
from pipeline.__main__ import main

marker, argv = sys.argv[1], sys.argv[2:]
original_put, finished = cache.Cache.put, []

def put(self, stage, name, key, value):
    original_put(self, stage, name, key, value)
    if stage == "events":
        finished.append(name)
        if len(finished) == 3:
            open(marker, "w").close()
            time.sleep(600)

cache.Cache.put = put
sys.exit(main(argv))
"""


def cli(folder: Path, out: Path, *extra: str) -> list[str]:
    return ["run", str(folder), "--out", str(out), "--no-ner", "--quiet", "--workers", "1", *extra]


def snapshot(out: Path) -> dict[str, bytes]:
    """The output files, not the log: each run writes its own run.log, a failed one too (to report it)."""
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and p.name != "run.log"}


@pytest.fixture()
def done_once(tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    """An input folder of the five seed pages and the outputs of a finished run over it."""
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    assert main(cli(folder, out)) == 0
    return folder, out, snapshot(out)


def wait_for(path: Path, child: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        assert child.poll() is None, child.stderr.read()
        assert time.monotonic() < deadline, "the child run never reached its third article"
        time.sleep(0.05)


def processes_with(tag: str) -> list[int]:
    """Processes whose environment holds ``tag`` (the run and every worker it started)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if tag.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            pass
    return found


def test_a_run_killed_halfway_leaves_the_outputs_and_resumes_from_the_cache(done_once, tmp_path):
    folder, out, before = done_once
    for extra in EXTRA:                                    # new pages: the next run has work to do
        shutil.copy(extra, folder / extra.name)
    marker, tag = tmp_path / "three_done", f"KILLED_RUN_{os.getpid()}_{time.monotonic_ns()}"
    argv = [*cli(folder, out, "--chunk-size", "1"), "--workers", "2"]
    child = subprocess.Popen([sys.executable, "-c", KILLABLE_RUN, str(marker), *argv], cwd=REPO,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "TEST_TAG": tag})
    try:
        wait_for(marker, child)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 60
    while processes_with(tag):                             # the worker processes notice and exit
        assert time.monotonic() < deadline, f"orphaned workers: {processes_with(tag)}"
        time.sleep(0.1)
    assert snapshot(out) == before                         # nothing half-written, nothing swapped in
    assert main(cli(folder, out)) == 0
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    n_new = counts["articles"] - len(SEEDS)
    assert n_new >= 3
    assert counts["stages_from_cache"]["events"] == len(SEEDS) + 3     # the killed run's work is kept
    assert counts["stages_run"]["events"] == n_new - 3
    assert not (out / ".parts").exists()                   # the killed run's table parts are gone too


def fail_on_call(monkeypatch, module, name: str, call: int, error: int):
    original, calls = getattr(module, name), []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == call:
            raise OSError(error, os.strerror(error))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)
    return calls


def test_a_read_only_output_folder_is_a_clear_error_and_changes_nothing(done_once, monkeypatch, capsys):
    folder, out, before = done_once
    (folder / SEEDS[0].name).unlink()
    def read_only(*args):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "replace", read_only)
    assert main(cli(folder, out, "--force")) == 3
    err = capsys.readouterr().err
    assert "cannot write outputs" in err and "Read-only file system" in err
    monkeypatch.undo()
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_while_writing_temporary_files_keeps_the_previous_outputs(done_once, monkeypatch, capsys):
    folder, out, before = done_once
    (folder / SEEDS[0].name).unlink()
    calls = fail_on_call(monkeypatch, os, "fsync", call=3, error=errno.ENOSPC)
    assert main(cli(folder, out)) == 3
    assert len(calls) == 3
    assert "No space left on device" in capsys.readouterr().err
    monkeypatch.undo()
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.is_file()]


def test_a_rename_failing_halfway_puts_the_replaced_files_back(done_once, monkeypatch):
    folder, out, before = done_once
    (folder / SEEDS[0].name).unlink()
    calls = fail_on_call(monkeypatch, os, "replace", call=5, error=errno.EIO)
    assert main(cli(folder, out, "--no-cache")) == 3
    assert len(calls) > 5                                  # four files were swapped in, then put back
    monkeypatch.undo()
    assert snapshot(out) == before


def test_inputs_changing_during_the_run_are_each_accounted_for(tmp_path, monkeypatch):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    shutil.copy(SEEDS[1], folder / "zz_deleted_midway.txt")
    listed = sorted(p.name for p in folder.iterdir())
    original_decode = ingest.decode

    def decode_and_change_folder(data: bytes, *args):
        if (folder / "zz_deleted_midway.txt").exists():
            (folder / "zz_deleted_midway.txt").unlink()
            shutil.copy(SEEDS[2], folder / "aa_added_midway.txt")
        return original_decode(data, *args)

    monkeypatch.setattr(ingest, "decode", decode_and_change_folder)
    assert main(cli(folder, out)) == 0
    monkeypatch.undo()
    inputs = {row["source_path"]: row["status"] for row in pq.read_table(out / "inputs.parquet").to_pylist()}
    assert sorted(inputs) == listed                       # exactly the files there when the run started
    assert inputs["zz_deleted_midway.txt"] == "error"
    errors = {row["source_path"]: row for row in pq.read_table(out / "errors.parquet").to_pylist()}
    assert errors["zz_deleted_midway.txt"]["kind"] == "vanished"
    assert main(cli(folder, out)) == 0                    # the next run sees the folder as it is now
    now = {row["source_path"] for row in pq.read_table(out / "inputs.parquet").to_pylist()}
    assert "aa_added_midway.txt" in now and "zz_deleted_midway.txt" not in now


def test_a_full_disk_while_caching_costs_the_cache_not_the_run(tmp_path, monkeypatch, capsys):
    from pipeline.engine import cache

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cache, "_write_entry", disk_full)
    assert main(["run", str(folder), "--out", str(out), "--no-ner", "--workers", "1"]) == 0
    assert "entries not written" in capsys.readouterr().out            # the summary says so
    assert pq.read_table(out / "articles.parquet").num_rows == len(SEEDS)
    assert not list(out.rglob("*.pkl"))

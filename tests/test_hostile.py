"""Hostile inputs at scale (issue 11): each runs under a CPU-time limit in a child process, so a step that
grows quadratically is killed instead of timed. The figures for big inputs are in bench/bench_hostile.py."""
from __future__ import annotations

import errno
import io
import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.__main__ import main

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "corpus").glob("00[0-4]_*.txt"))


def cli(folder: Path, out: Path, *extra: str) -> list[str]:
    return ["run", str(folder), "--out", str(out), "--no-ner", "--quiet", "--workers", "1", *extra]


def seed_folder(folder: Path, n: int = 2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS[:n]:
        shutil.copy(seed, folder / seed.name)
    return folder


def read(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def by_path(out: Path, name: str) -> dict[str, dict]:
    return {row["source_path"]: row for row in read(out, name)}

# Normalises (with a stand-in tagger that marks two names as PER) a seed page holding one long line of
# people, countries and organisations: tens of thousands of candidates on one line.
LONG_LINE_MENTIONS = """
import sys
from pathlib import Path
from pipeline import clean, metadata, ner
from pipeline.ingest import article_id
from pipeline.knowledge import load_knowledge
from pipeline.record import Page

class NameTagger:
    NAMES = {"Vladimir": "B-PER", "Putin": "I-PER", "Wang": "B-PER", "Yi": "I-PER"}
    def tag(self, sentences):
        return [[self.NAMES.get(t, "O") for t in sentence] for sentence in sentences]

unit = "Presiden Rusia Vladimir Putin bertemu Menteri Luar Negeri China Wang Yi dan SCO di Moskow, "
text = "Judul\\n\\n" + (unit * (int(sys.argv[1]) // len(unit))).rstrip(", ") + "."
knowledge = load_knowledge()
page = Page(article_id(text), "long.txt", text, "utf_8", "txt")
article = metadata.add_metadata(clean.clean(page, knowledge), knowledge)
done = ner.add_mentions([article], NameTagger(), knowledge)[0]
print(len(done.mentions), sum(m.label == "PERSON" for m in done.mentions))
"""


def limited_python(code: str, *args: str, cpu_seconds: int) -> subprocess.CompletedProcess:
    """``python -c code args`` in a child process killed once it has used ``cpu_seconds`` of CPU time."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, preexec_fn=limit, capture_output=True,
                          text=True, check=False)


def test_a_200_kb_line_of_names_is_normalised_in_linear_time():
    # Scanning every chosen span for every candidate took ~100 s of CPU here; linear look-ups take ~1.5 s.
    done = limited_python(LONG_LINE_MENTIONS, "200000", cpu_seconds=20)
    assert done.returncode == 0, done.stderr[-2000:] or "killed: over 20 s of CPU time"
    mentions, people = map(int, done.stdout.split())
    units = 200000 // 91
    assert people == 2 * units and mentions >= 5 * units     # 2 people, Russia, China, SCO, Moskow per unit


# ---------------------------------------------------------------- item 9: one permission for every output

@pytest.mark.parametrize("umask", [0o022, 0o027], ids=["umask-022", "umask-027"])
def test_every_output_file_and_folder_gets_the_permissions_the_umask_gives(tmp_path, umask):
    from pipeline.report import write_report

    folder, out = seed_folder(tmp_path / "in"), tmp_path / "out"
    previous = os.umask(umask)
    try:
        assert main(cli(folder, out, "--partition-by-year")) == 0
        write_report(out)
    finally:
        os.umask(previous)
    outputs = [out, *(p for p in out.rglob("*") if ".cache" not in p.relative_to(out).parts)]
    files = {stat.S_IMODE(p.stat().st_mode) for p in outputs if p.is_file()}
    folders = {stat.S_IMODE(p.stat().st_mode) for p in outputs if p.is_dir()}
    assert files == {0o666 & ~umask} and folders == {0o777 & ~umask}
    assert {"articles.csv", "manifest.json", "datapackage.json"} <= {p.name for p in outputs}
    assert (out / "by_year" / "articles").is_dir() and (out / "report" / "index.html").is_file()


# ---------------------------------------------------------------- item 7: a read-only output folder with a cache

def make_read_only(monkeypatch, folder: Path) -> None:
    """Every call that would change something under ``folder`` fails as on a read-only mount. (The tests run as
    root, and root writes into a 0500 folder: chmod cannot make one; a read-only bind mount needs privileges
    CI does not have.) Reading goes through."""
    root = str(folder.resolve())

    def under(path) -> bool:
        return isinstance(path, (str, os.PathLike)) and (os.path.abspath(path) + "/").startswith(root + "/")

    def refuse(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    def guard(original, changes=lambda *args: True):
        def guarded(path, *args, **kwargs):
            if under(path) and changes(path, *args, **kwargs):
                if original is os.mkdir and os.path.exists(path):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
                refuse(path)
            return original(path, *args, **kwargs)
        return guarded

    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    monkeypatch.setattr(os, "open", guard(os.open, lambda path, flags, *a, **k: flags & writes))
    monkeypatch.setattr(io, "open", guard(io.open, lambda path, mode="r", *a, **k: set(mode) & set("wax+")))
    for name in ("replace", "rename", "unlink", "mkdir", "rmdir", "chmod", "link"):
        monkeypatch.setattr(os, name, guard(getattr(os, name)))


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_read_only_output_folder_with_a_cache_is_exit_3_and_a_clear_message(tmp_path, monkeypatch, capsys):
    from pipeline import report

    folder, out = seed_folder(tmp_path / "in", n=3), tmp_path / "out"
    assert main(cli(folder, out)) == 0
    assert report.main([str(out)]) == 0
    (folder / SEEDS[0].name).unlink()                  # its cache entries are now stale: the run prunes them
    before = snapshot(out)
    capsys.readouterr()
    make_read_only(monkeypatch, out)
    assert main(cli(folder, out)) == 3
    err = capsys.readouterr().err
    assert "cannot write outputs" in err and "Read-only file system" in err and "Traceback" not in err
    assert report.main([str(out)]) == 3
    assert "cannot write the report" in capsys.readouterr().err
    monkeypatch.undo()
    assert snapshot(out) == before


# ---------------------------------------------------------------- item 10: numeric options

@pytest.mark.parametrize("option, value, message", [
    ("--max-input-mb", "nan", "finite number"), ("--max-input-mb", "inf", "finite number"),
    ("--max-input-mb", "1e308", "finite number"), ("--max-input-mb", "-1", "more than 0"),
    ("--max-input-mb", "0", "more than 0"), ("--max-input-mb", "1e-9", "at least one byte"),
    ("--max-input-mb", "ten", "not a number"), ("--workers", "0", "1 or more"), ("--workers", "-2", "1 or more"),
    ("--workers", "1.5", "not a whole number"), ("--chunk-size", "0", "1 or more"),
])
def test_a_meaningless_number_is_an_argument_error_not_a_traceback(tmp_path, capsys, option, value, message):
    with pytest.raises(SystemExit) as stopped:
        main(["run", str(seed_folder(tmp_path / "in", n=1)), "--out", str(tmp_path / "out"), option, value])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: " in err and message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_fractional_size_limit_is_accepted(tmp_path):
    folder, out = seed_folder(tmp_path / "in", n=1), tmp_path / "out"
    assert main(cli(folder, out, "--max-input-mb", "0.001")) == 0           # 1,048 bytes: the seed is too large
    assert [row["kind"] for row in read(out, "errors")] == ["too-large"]

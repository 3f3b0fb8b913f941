"""Hostile inputs at scale (issue 11): each runs under a CPU-time limit in a child process, so a step that
grows quadratically is killed instead of timed. The figures for big inputs are in bench/bench_hostile.py."""
from __future__ import annotations

import builtins
import csv
import errno
import io
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.__main__ import main
from tests.paths import REPO_DIR

REPO = REPO_DIR
DATE = "2024-03-04T10:00:00+07:00"
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
from pipeline.annotate import clean
from pipeline.annotate import metadata
from pipeline.annotate import ner
from pipeline.ingest.pages import article_id
from pipeline.knowledge import load_knowledge
from pipeline.compiled import compile_knowledge
from pipeline.record import Page

class NameTagger:
    NAMES = {"Vladimir": "B-PER", "Putin": "I-PER", "Wang": "B-PER", "Yi": "I-PER"}
    def tag(self, sentences):
        return [[self.NAMES.get(t, "O") for t in sentence] for sentence in sentences]

unit = "Presiden Rusia Vladimir Putin bertemu Menteri Luar Negeri China Wang Yi dan SCO di Moskow, "
text = "Judul\\n\\n" + (unit * (int(sys.argv[1]) // len(unit))).rstrip(", ") + "."
compiled = compile_knowledge(load_knowledge())
page = Page(article_id(text), "long.txt", text, "utf_8", "txt")
article = metadata.add_metadata(clean.clean(page, compiled.profiles), compiled.metadata)
done = ner.add_mentions([article], NameTagger(), compiled.names)[0]
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
    from pipeline.report.render import write_report

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
    for module in (io, builtins):
        monkeypatch.setattr(module, "open", guard(module.open, lambda path, mode="r", *a, **k: set(mode) & set("wax+")))
    for name in ("replace", "rename", "unlink", "mkdir", "rmdir", "chmod", "link"):
        monkeypatch.setattr(os, name, guard(getattr(os, name)))


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_read_only_output_folder_with_a_cache_is_exit_3_and_a_clear_message(tmp_path, monkeypatch, capsys):
    from pipeline.report import render as report

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
    assert f"{option}: " in err and "error: argument" in err and message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_fractional_size_limit_is_accepted(tmp_path):
    folder, out = seed_folder(tmp_path / "in", n=1), tmp_path / "out"
    assert main(cli(folder, out, "--max-input-mb", "0.001")) == 0           # 1,048 bytes: the seed is too large
    assert [row["kind"] for row in read(out, "errors")] == ["too-large"]


# ---------------------------------------------------------------- item 4: the pipeline's outputs are not inputs

def test_an_output_folder_inside_the_input_folder_is_never_read_back(tmp_path):
    from pipeline.report import render as report

    folder = seed_folder(tmp_path / "in")
    out = folder / "out"
    assert main(cli(folder, out)) == 0
    assert report.main([str(out)]) == 0
    first = by_path(out, "inputs")
    assert main(cli(folder, out, "--partition-by-year")) == 0
    assert by_path(out, "inputs") == first == {seed.name: first[seed.name] for seed in SEEDS[:2]}
    assert read(out, "errors") == [] and len(read(out, "articles")) == 2
    assert json.loads((out / "manifest.json").read_text())["excluded_outputs"] == ["out/"]


def test_outputs_written_into_the_input_folder_itself_are_never_read_back(tmp_path):
    folder = seed_folder(tmp_path / "in")
    assert main(cli(folder, folder)) == 0
    assert main(cli(folder, folder, "--force")) == 0
    assert sorted(by_path(folder, "inputs")) == [seed.name for seed in SEEDS[:2]]
    assert read(folder, "errors") == []
    listed = json.loads((folder / "manifest.json").read_text())["output_files"]
    assert "articles.csv" in listed and not any(seed.name in listed for seed in SEEDS)   # only what it wrote


def test_an_earlier_output_folder_is_recognised_by_its_manifest(tmp_path):
    folder = seed_folder(tmp_path / "in")
    assert main(cli(folder, folder / "old_run")) == 0
    (folder / "scraper").mkdir()                       # a manifest.json that is not the pipeline's is an input
    (folder / "scraper" / "manifest.json").write_text('{"pages": 2}', encoding="utf-8")
    assert main(cli(folder, tmp_path / "elsewhere")) == 0
    inputs = by_path(tmp_path / "elsewhere", "inputs")
    assert sorted(inputs) == sorted([seed.name for seed in SEEDS[:2]] + ["scraper/manifest.json"])
    assert inputs["scraper/manifest.json"]["status"] == "error"
    excluded = json.loads((tmp_path / "elsewhere" / "manifest.json").read_text())["excluded_outputs"]
    assert "old_run/manifest.json" in excluded and "old_run/articles.parquet" in excluded


# ---------------------------------------------------------------- item 5: JSON lines, record by record

def test_a_record_in_another_encoding_costs_that_record_only(tmp_path):
    body = ("Menteri Luar Negeri Indonesia bertemu mitranya dari Malaysia di Jakarta, Senin (4/3/2024), untuk "
            "membahas kerja sama “pertahanan” di perbatasan kedua negara yang semakin erat. ")
    records = [json.dumps({"url": f"https://x.example/{n}", "date": DATE, "text": f"Berita {n}\n\n{body * 3}"},
                          ensure_ascii=False) for n in range(3)]
    damaged = records[2].encode("utf-8").replace(b"Senin", b"Sen\x81in")     # UTF-8 with a stray byte
    lines = [records[0].encode("utf-8"), records[1].encode("cp1252"), damaged, records[2].encode("utf-8")]
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "batch.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    assert main(cli(folder, out)) == 0
    statuses = {path: row["status"] for path, row in by_path(out, "inputs").items()}
    assert statuses == {"batch.jsonl#0": "processed", "batch.jsonl#1": "processed", "batch.jsonl#2": "error",
                        "batch.jsonl#3": "processed"}
    encodings = {row["source_path"]: row["encoding"] for row in read(out, "articles")}
    assert encodings == {"batch.jsonl#0": "utf_8", "batch.jsonl#1": "cp1252", "batch.jsonl#3": "utf_8"}
    assert all("“pertahanan”" in row["body"] for row in read(out, "articles"))
    assert [(row["source_path"], row["kind"]) for row in read(out, "errors")] == [("batch.jsonl#2", "decode")]


def test_a_utf16_json_lines_file_is_still_read_whole(tmp_path, compiled):
    from pipeline.ingest import pages as ingest
    from pipeline.settings import Settings

    record = json.dumps({"text": "Judul\n\n" + "Presiden bertemu menteri di Jakarta pada hari Senin lalu. " * 3})
    (tmp_path / "wide.jsonl").write_bytes(f"{record}\n{record}\n".encode("utf-16"))
    pages = list(ingest.iter_pages(tmp_path, Settings(), compiled.pages))
    assert [(p.source_path, p.encoding) for p in pages] == [("wide.jsonl#0", "utf_16"), ("wide.jsonl#1", "utf_16")]


# ---------------------------------------------------------------- item 8: every path the walk meets gets a row

class Hang(Exception):
    pass


def alarm(seconds: int):
    """Fail (instead of hanging the suite) if something blocks, e.g. on opening a FIFO."""
    def ring(signum, frame):
        raise Hang(f"blocked for {seconds} s")
    signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)


@pytest.fixture()
def awkward_folder(tmp_path, monkeypatch) -> Path:
    folder, outside = seed_folder(tmp_path / "in", n=2), seed_folder(tmp_path / "outside", n=3)
    (folder / "locked").mkdir()
    shutil.copy(SEEDS[3], folder / "locked" / "hidden_from_us.txt")
    (folder / "sub").mkdir()
    shutil.copy(SEEDS[4], folder / "sub" / "page.txt")
    os.mkfifo(folder / "pipe.txt")
    os.symlink("nowhere.txt", folder / "dangling.txt")
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    os.symlink(outside, folder / "linked_outside")
    os.symlink(outside / SEEDS[2].name, folder / "linked_file_outside.txt")
    os.symlink("sub", folder / "linked_sub")                # inside: followed, its page is a duplicate
    os.symlink("..", folder / "sub" / "up")                 # back to the input folder: a loop
    original_scandir = os.scandir

    def scandir(path="."):
        if not isinstance(path, int) and Path(path).name == "locked":   # (an int: a folder's fd, for rmtree)
            # root lists a 000 folder anyway: refuse as for another user
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return original_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)
    return folder


AWKWARD = {"dangling.txt": "broken-link", "loop.txt": "link-loop", "pipe.txt": "not-a-file", "zero.txt": "not-a-file",
           "locked/": "unreadable", "sub/up/": "link-loop", "linked_sub/up/": "link-loop"}


def test_every_path_the_walk_meets_gets_a_row_and_links_out_are_refused(awkward_folder, tmp_path):
    alarm(120)
    try:
        assert main(cli(awkward_folder, tmp_path / "out")) == 0
    finally:
        signal.alarm(0)
    inputs, errors = by_path(tmp_path / "out", "inputs"), by_path(tmp_path / "out", "errors")
    refused = {"linked_outside/": "outside-input", "linked_file_outside.txt": "outside-input"}
    assert {path: row["kind"] for path, row in errors.items()} == {**AWKWARD, **refused}
    assert "never opened" in errors["pipe.txt"]["message"] and "/dev/zero" in errors["zero.txt"]["message"]
    assert "--follow-links" in errors["linked_outside/"]["message"]
    assert (inputs["sub/page.txt"]["status"], inputs["sub/page.txt"]["duplicate_of"]) == ("duplicate",
                                                                                         "linked_sub/page.txt")
    assert {p for p, row in inputs.items() if row["status"] == "processed"} == {*(s.name for s in SEEDS[:2]),
                                                                                 "linked_sub/page.txt"}


def test_follow_links_reads_what_links_point_to_outside_but_never_a_device(awkward_folder, tmp_path):
    alarm(120)
    try:
        assert main(cli(awkward_folder, tmp_path / "out", "--follow-links")) == 0
    finally:
        signal.alarm(0)
    inputs, errors = by_path(tmp_path / "out", "inputs"), by_path(tmp_path / "out", "errors")
    assert {path: row["kind"] for path, row in errors.items()} == AWKWARD
    assert inputs["linked_file_outside.txt"]["status"] == "processed"
    assert inputs[f"linked_outside/{SEEDS[2].name}"]["duplicate_of"] == "linked_file_outside.txt"


def test_a_fifo_swapped_in_after_the_listing_is_refused_unopened(tmp_path):
    from pipeline.record import PipelineError
    from pipeline.ingest.walk import read_regular

    os.mkfifo(tmp_path / "late.txt")
    alarm(60)
    try:
        with pytest.raises(PipelineError) as refused:
            read_regular(tmp_path / "late.txt", 1000)
    finally:
        signal.alarm(0)
    assert refused.value.kind == "not-a-file"


# ---------------------------------------------------------------- item 10: NUL bytes and non-string metadata

ARTICLE_TEXT = ("Judul berita\n\n" + "Menteri Pertahanan Indonesia bertemu Menteri Pertahanan Malaysia di Jakarta "
                "pada hari Senin untuk membahas patroli bersama di Selat Malaka. " * 3)


def jsonl(folder: Path, *records: dict) -> None:
    """A JSON-lines file of these records, each dated (an undated article has no events to date)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps({"date": DATE, **record}) for record in records)
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_nul_is_refused_alike_in_a_text_file_in_utf16_and_in_a_json_string(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder, {"text": ARTICLE_TEXT.replace("Senin", "Sen\u0000in")}, {"text": ARTICLE_TEXT, "title": "a\u0000"},
          {"text": ARTICLE_TEXT})
    (folder / "nul.txt").write_bytes(ARTICLE_TEXT.replace("Senin", "Sen\0in").encode("utf-8"))
    (folder / "nul16.txt").write_bytes(ARTICLE_TEXT.replace("Senin", "Sen\0in").encode("utf-16"))
    assert main(cli(folder, out)) == 0
    kinds = {path: row["kind"] for path, row in by_path(out, "errors").items()}
    assert kinds == {"batch.jsonl#0": "binary", "batch.jsonl#1": "binary", "nul.txt": "binary", "nul16.txt": "binary"}
    assert [row["source_path"] for row in read(out, "articles")] == ["batch.jsonl#2"]
    assert not any(b"\0" in p.read_bytes() for p in out.glob("*.csv"))


def test_json_metadata_must_be_strings_or_null(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    jsonl(folder, {"text": ARTICLE_TEXT, "title": {"id": "Judul", "en": "Title"}}, {"text": ARTICLE_TEXT, "url": 7},
          {"text": ARTICLE_TEXT, "date": ["2024-03-04"]}, {"text": ARTICLE_TEXT, "title": None, "author": "Ani"})
    assert main(cli(folder, out)) == 0
    errors = by_path(out, "errors")
    assert {path: row["kind"] for path, row in errors.items()} == {f"batch.jsonl#{n}": "invalid-json" for n in range(3)}
    assert "field 'title' must be a string or null, not an object" in errors["batch.jsonl#0"]["message"]
    assert "'url'" in errors["batch.jsonl#1"]["message"] and "an array" in errors["batch.jsonl#2"]["message"]
    (article,) = read(out, "articles")
    assert article["source_path"] == "batch.jsonl#3" and article["author"] == "Ani"


def test_a_formula_title_is_text_in_the_csv_and_exact_in_parquet(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    title = '=HYPERLINK("http://x.example","klik")'
    jsonl(folder, {"text": ARTICLE_TEXT, "title": title})
    assert main(cli(folder, out)) == 0
    (row,) = csv.DictReader(io.StringIO((out / "articles.csv").read_text(encoding="utf-8")))
    assert row["title"] == "'" + title and read(out, "articles")[0]["title"] == title

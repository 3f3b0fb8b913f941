"""Hostile inputs, one article at a time (issues 11 and 21): time and peak memory per article as one line, or
the nesting, grows.

    python bench/bench_hostile.py [--cases long-line dense-line overlap deep-markup deep-json deep-folder]
                                  [--sizes 0 100k 1m 5m]
                                  [--ner default|on|off|both]
                                  [--cpu-limit 300] [--memory-limit-gb 8] [--json FILE]

Each case is a seed page (corpus/000_*.txt) with one long line put into its body:
  long-line  ordinary words of the seed page with no full stop: one sentence of 15k-750k tokens, like a
             run-on caption (by default measured with NER);
  dense-line "a a a ...": the most tokens a line can hold (50k-2.5M), the issue's "'a ' x 100k" that took
             76 s and 5.6 GB in the tagger (by default measured with NER);
  overlap    a line dense with people, countries and organisations ("Presiden Rusia Vladimir Putin bertemu
             Menteri Luar Negeri China Wang Yi dan SCO di Moskow, ..."): tens of thousands of overlapping
             candidate mentions to resolve (by default measured with --no-ner, as the issue reported it).
The line is 100 KB, 1 MB and 5 MB (the input limit is 10 MB); size 0 is the seed page as it is.

Cases of depth (issue 21), the seed's text nested as deep as the size allows:
  deep-markup  an HTML page whose paragraphs sit 1,000 / 2,000 / 100,000 "<div>"s deep for 100k / 1m / 5m: read
               whole up to the parser's 2,048 levels (huge_tree), past them a too-deep error row, never a
               silently cut body;
  deep-json    a JSON-lines record with an unread field of "[" x (size / 2) and as many "]": the record is an
               invalid-json error row of its own (depth bounded at 100), never an internal error;
  deep-folder  the seed page at the bottom of nested folders, 500 / 1,000 / 2,000 levels for 100k / 1m / 5m
               (paths stay under PATH_MAX): the walk must stay linear in the depth.

Every article runs in a child process of its own, under a CPU-time limit and an address-space limit
(resource.setrlimit), so a runaway stage is stopped instead of taking the machine: the report then says which
stage hit which limit. The child runs the stages one after the other (ingest from the file, clean, metadata,
NER with normalisation, events, tables as CSV and Parquet) and prints each stage's time and its peak resident
memory (getrusage) as it finishes. Peak memory with NER includes the model (about 500 MB).

Targets (issue 11): time linear in input size, no article slower than 10 s, peak memory per article bounded
(at most 1 GB for any input under the size limit).
"""
from __future__ import annotations

import argparse
import json
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
SEED = sorted((REPO_DIR / "corpus").glob("000_*.txt"))[0]
SIZES = {"0": 0, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
OVERLAP_UNIT = "Presiden Rusia Vladimir Putin bertemu Menteri Luar Negeri China Wang Yi dan SCO di Moskow, "
NER_BY_DEFAULT = {"long-line": True, "dense-line": True, "overlap": False, "deep-markup": False, "deep-json": False,
                  "deep-folder": False}
FOLDER_LEVELS = {"0": 0, "100k": 500, "1m": 1000, "5m": 2000}
MARKUP_LEVELS = {"0": 0, "100k": 1000, "1m": 2000, "5m": 100_000}
TARGET_SECONDS, TARGET_MB = 10, 1024


# ---------------------------------------------------------------- the pages

def write_case(case: str, size_name: str, folder: Path) -> Path:
    """The input of one case and size in ``folder``: the file (or, for deep-folder, the folder) to ingest."""
    seed, size = SEED.read_text(encoding="utf-8"), SIZES[size_name]
    if case == "deep-markup":
        paragraphs = "".join(f"<p>{line}</p>" for line in seed.split("\n") if line.strip())
        levels = MARKUP_LEVELS[size_name]
        page = folder / "page.html"
        page.write_text(f"<html><body>{'<div>' * levels}<article>{paragraphs}</article>{'</div>' * levels}"
                        "</body></html>", encoding="utf-8")
        return page
    if case == "deep-json":
        page = folder / "page.jsonl"
        record = json.dumps({"text": seed, "extra": 0})
        nested = "[" * (size // 2) + "]" * (size // 2) if size else "0"
        page.write_text(record.replace("0}", nested + "}") + "\n", encoding="utf-8")
        return page
    if case == "deep-folder":
        where = folder / "tree"
        where.mkdir()
        for _ in range(FOLDER_LEVELS[size_name]):      # (one at a time: mkdir(parents=True) recurses)
            where = where / "d"
            where.mkdir()
        where.joinpath("page.txt").write_text(seed, encoding="utf-8")
        return folder / "tree"
    page = folder / "page.txt"
    page.write_text(page_text(case, size), encoding="utf-8")
    return page


def page_text(case: str, size: int) -> str:
    """The seed page with a line of ``size`` characters after its first body paragraph."""
    seed = SEED.read_text(encoding="utf-8")
    if size == 0:
        return seed
    if case == "overlap":
        unit = OVERLAP_UNIT
    elif case == "dense-line":
        unit = "a "
    else:
        unit = " ".join(word.strip(".") for word in seed.split() if word.strip(".")) + " "
    line = (unit * (size // len(unit) + 1))[:size]
    lines = seed.split("\n")
    at = next(n for n, text in enumerate(lines) if text.startswith("KONTAN.CO.ID")) + 1
    return "\n".join(lines[:at] + [line] + lines[at:])


# ---------------------------------------------------------------- one article, in the child process

def run_child(path: Path, use_ner: bool) -> None:
    """The stages of one article, each reported as a JSON line when it ends."""
    sys.path.insert(0, str(REPO_DIR))
    from pipeline.annotate import clean
    from pipeline.engine import worker
    from pipeline.events import extract as events
    from pipeline.ingest import pages as ingest
    from pipeline.annotate import metadata
    from pipeline.annotate import ner
    from pipeline.output import tables
    from pipeline.knowledge import load_knowledge
    from pipeline.compiled import compile_knowledge
    from pipeline.record import Problem
    from pipeline.settings import Settings

    compiled, settings = compile_knowledge(load_knowledge()), Settings(use_ner=use_ner)
    state: dict = {}
    steps = [
        ("load-model", lambda: state.update(tagger=worker.load_tagger(settings))),
        ("ingest", lambda: state.update(article=next(ingest.iter_pages(path, settings, compiled.pages)))),
        ("clean", lambda: state.update(article=clean.clean(state["article"], compiled.profiles))),
        ("metadata", lambda: state.update(article=metadata.add_metadata(state["article"], compiled.metadata))),
        ("ner", lambda: state.update(article=ner.add_mentions([state["article"]], state["tagger"], compiled.names)[0])),
        ("events", lambda: state.update(article=events.add_events(state["article"], compiled.events))),
        ("tables", lambda: [(tables.csv_bytes(t), tables.parquet_bytes(t))
                            for t in tables.build_tables([state["article"]], [], []).values()]),
    ]
    for stage, step in steps:
        started = time.perf_counter()
        try:
            step()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which says where it stopped
            _emit(stage, started, error=f"{type(exc).__name__}: {str(exc)[:200]}")
            return
        if isinstance(state.get("article"), Problem):      # the input is an error row: that is its outcome
            _emit(stage, started, problem=state["article"].kind)
            return
        _emit(stage, started, mentions=len(getattr(state.get("article"), "mentions", ()) or ()))


def _emit(stage: str, started: float, **extra) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"stage": stage, "seconds": round(time.perf_counter() - started, 3), "peak_mb": round(peak),
                      **extra}), flush=True)


# ---------------------------------------------------------------- measuring

def measure(case: str, size_name: str, use_ner: bool, args, work: Path) -> dict:
    folder = work / f"{case}_{size_name}"
    folder.mkdir(parents=True, exist_ok=True)
    page = write_case(case, size_name, folder)

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (args.cpu_limit, args.cpu_limit + 5))
        limit = int(args.memory_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    child = subprocess.run([sys.executable, __file__, "--child", str(page), "--child-ner", str(int(use_ner))],
                           preexec_fn=limits, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    stages = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
    size = (page / "/".join(["d"] * FOLDER_LEVELS[size_name]) / "page.txt" if page.is_dir() else page).stat().st_size
    subprocess.run(["rm", "-rf", str(folder)], check=False)        # (a deep tree is too deep for shutil.rmtree)
    row = {"case": case, "size": size_name, "bytes": size, "ner": use_ner,
           "wall_seconds": round(wall, 2), "stages": stages}
    row["article_seconds"] = round(sum(s["seconds"] for s in stages if s["stage"] != "load-model"), 2)
    row["peak_mb"] = max((s["peak_mb"] for s in stages), default=None)
    row["stopped"] = _stopped(child, stages, args)
    return row


def _stopped(child: subprocess.CompletedProcess, stages: list[dict], args) -> str | None:
    """Why the child did not finish every stage, or None."""
    failed = next((s for s in stages if "error" in s), None)
    if failed:
        return f"{failed['stage']}: {failed['error']}"
    if child.returncode == 0 and stages and (stages[-1]["stage"] == "tables" or "problem" in stages[-1]):
        return None
    after = stages[-1]["stage"] if stages else "start-up"
    if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"stopped at the {args.cpu_limit} s CPU limit after {after}"
    return f"exit {child.returncode} after {after}: {child.stderr.strip()[-300:]}"


def show(row: dict) -> None:
    stages = "  ".join(f"{s['stage']} {s['seconds']:.2f}s" for s in row["stages"] if s["stage"] != "load-model")
    verdict = row["stopped"] or ("ok" if row["article_seconds"] <= TARGET_SECONDS and row["peak_mb"] <= TARGET_MB
                                 else "over target")
    problem = next((s["problem"] for s in row["stages"] if "problem" in s), None)
    verdict += f" (error row: {problem})" if problem else ""
    print(f"{row['case']:<11} {row['size']:>4} NER {'on ' if row['ner'] else 'off'} {row['bytes']:>9,} B  "
          f"article {row['article_seconds']:7.2f}s  peak {row['peak_mb'] or 0:6} MB  {verdict}")
    print(f"{'':<10} {stages}", flush=True)


def ner_modes(case: str, choice: str) -> list[bool]:
    return {"default": [NER_BY_DEFAULT[case]], "on": [True], "off": [False], "both": [False, True]}[choice]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", choices=sorted(NER_BY_DEFAULT), default=sorted(NER_BY_DEFAULT))
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--ner", choices=("default", "on", "off", "both"), default="default",
                        help="default: NER on for long-line, off for overlap")
    parser.add_argument("--cpu-limit", type=int, default=300, help="CPU seconds per article (default: 300)")
    parser.add_argument("--memory-limit-gb", type=float, default=8.0, help="address space per article (default: 8)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-ner", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child, bool(args.child_ner))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_hostile_") as work:
        for case in args.cases:
            for use_ner in ner_modes(case, args.ner):
                for size in args.sizes:
                    rows.append(measure(case, size, use_ner, args, Path(work)))
                    show(rows[-1])
    if args.json:
        args.json.write_text(json.dumps({"cpu_limit": args.cpu_limit, "memory_limit_gb": args.memory_limit_gb,
                                         "rows": rows}, indent=2))


if __name__ == "__main__":
    main()

"""How ``python -m pipeline run`` scales with the corpus: cold runs on 1x, 4x and 16x a realistic corpus.

    python bench/bench_scale.py [--scales 1,4,16] [--workers 2] [--engine local|dask] [--no-ner | --compare-no-ner]
                                [--copies 4] [--dev-pages DIR] [--json FILE] [--keep DIR]

The 1x corpus is ``--copies`` varied copies (bench/varied_corpus.py: countries swapped, dates moved by whole
weeks, paragraphs reordered and exchanged; never byte copies) of every page in corpus/ (txt, html, jsonl,
recursively) and of the development pages ``../shared/data/events_dev/pages/*.txt``, read at run time from
beside the repository and written only to the benchmark's scratch folder (skipped, with a message, when
absent). Scale k has k times as many varied copies. Each run starts cold (empty output folder and cache).

Per scale and mode (NER on or off) it reports articles, wall time, CPU time of the process tree, articles/s,
peak memory of the process tree (the command line, the forkserver or Dask processes and all workers, summed,
and the largest single process; sampled every 0.2 s, bench/process_tree.py), the time per stage from
OUT/manifest.json (summed over workers), the load average before the run and the CPU time other processes
used during it. Then the figures the targets of issue 14 are stated in: peak memory at the largest scale over
the peak at the smallest, the NER and events shares of the stage time, and (with --compare-no-ner) the cold
time with NER over the cold time without.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from process_tree import REPO_DIR, measure
from varied_corpus import Seed, build_copies, seed_texts

DEV_PAGES = REPO_DIR.parent / "shared" / "data" / "events_dev" / "pages"
STAGES = ("ingest", "clean", "metadata", "ner", "events", "tables")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=scale_list, default=(1, 4, 16), help="comma-separated (default: 1,4,16)")
    parser.add_argument("--copies", type=int, default=4, help="varied copies of each seed page at 1x (default: 4)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    ner = parser.add_mutually_exclusive_group()
    ner.add_argument("--no-ner", action="store_true", help="run without the NER model only")
    ner.add_argument("--compare-no-ner", action="store_true", help="run every scale with and without NER")
    parser.add_argument("--corpus", type=Path, default=REPO_DIR / "corpus")
    parser.add_argument("--dev-pages", type=Path, default=DEV_PAGES,
                        help="development pages to vary as well (default: ../shared/data/events_dev/pages)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="build the corpora and outputs here and keep them "
                                                  "(outside the repository: they hold varied development pages)")
    args = parser.parse_args(argv)
    if args.keep and args.keep.resolve().is_relative_to(REPO_DIR):
        parser.error("--keep must be outside the repository (development pages may not be copied into it)")
    return args


def scale_list(text: str) -> tuple[int, ...]:
    try:
        scales = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        scales = ()
    if not scales or scales[0] < 1:
        raise argparse.ArgumentTypeError(f"scales must be positive integers, e.g. 1,4,16 (got {text!r})")
    return scales


def load_seeds(corpus: Path, dev_pages: Path) -> list[Seed]:
    seeds = seed_texts(corpus)
    print(f"seed pages: {len(seeds)} files from {corpus}")
    if dev_pages.is_dir():
        dev = seed_texts(dev_pages, (".txt",))
        print(f"seed pages: {len(dev)} development pages from {dev_pages}")
        seeds += dev
    else:
        print(f"seed pages: no development pages at {dev_pages}; the corpus is built from {corpus} only")
    return seeds


def ner_modes(args: argparse.Namespace) -> tuple[bool, ...]:
    return (True, False) if args.compare_no_ner else (False,) if args.no_ner else (True,)


def run_scale(scale: int, seeds: list[Seed], work: Path, args: argparse.Namespace) -> list[dict]:
    corpus = work / f"corpus_{scale}x"
    shutil.rmtree(corpus, ignore_errors=True)
    n_articles = build_copies(seeds, corpus, args.copies * scale)
    print(f"\n{scale}x: {n_articles} articles in {args.copies * scale * len(seeds)} files")
    rows = []
    for ner in ner_modes(args):
        out = work / f"out_{scale}x_{'ner' if ner else 'no-ner'}"
        shutil.rmtree(out, ignore_errors=True)
        rows.append(cold_run(scale, ner, corpus, out, args))
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(corpus, ignore_errors=True)
    return rows


def cold_run(scale: int, ner: bool, corpus: Path, out: Path, args: argparse.Namespace) -> dict:
    argv = [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", str(out), "--workers", str(args.workers),
            "--engine", args.engine, "--quiet", *([] if ner else ["--no-ner"])]
    load = os.getloadavg()
    busy_before = busy_cpu_seconds()
    run = measure(argv, out)
    others = busy_cpu_seconds() - busy_before - run["cpu_seconds"]
    row = summarise(scale, ner, run, load, others)
    print_row(row)
    return row


def busy_cpu_seconds() -> float:
    """CPU time the whole machine's processes have used (all cores) since boot: not idle, I/O wait, time stolen
    by the hypervisor, nor guest time (already counted in user time)."""
    import psutil

    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def summarise(scale: int, ner: bool, run: dict, load: tuple[float, ...], others: float) -> dict:
    counts, stages = run["manifest"]["counts"], run["manifest"]["seconds_per_stage"]
    stage_total = sum(stages.values())
    return {"scale": scale, "ner": ner, "articles": counts["articles"], "inputs": counts["inputs"],
            "duplicates": counts["duplicates"], "errors": counts["errors"], "events": counts["events"],
            "seconds": round(run["seconds"], 2), "cpu_seconds": round(run["cpu_seconds"], 1),
            "articles_per_second": round(counts["articles"] / run["seconds"], 1),
            "peak_tree_mb": round(run["peak_tree_mb"]), "largest_process_mb": round(run["largest_process_mb"]),
            "driver_mb": round(run["driver_mb"]), "processes": run["processes"], "seconds_per_stage": stages,
            "ner_share": round(stages.get("ner", 0.0) / stage_total, 3) if stage_total else None,
            "events_share": round(stages.get("events", 0.0) / stage_total, 3) if stage_total else None,
            "load_average_before": [round(x, 2) for x in load], "others_cpu_seconds": round(max(others, 0.0), 1)}


def print_row(row: dict) -> None:
    stages = "  ".join(f"{name} {row['seconds_per_stage'].get(name, 0.0):.1f}s" for name in STAGES)
    print(f"  NER {'on ' if row['ner'] else 'off'}  {row['articles']:6d} articles  {row['seconds']:7.1f}s wall  "
          f"{row['cpu_seconds']:7.1f}s CPU  {row['articles_per_second']:6.1f} articles/s  "
          f"peak {row['peak_tree_mb']:5d} MB (largest process {row['largest_process_mb']} MB, "
          f"command line {row['driver_mb']} MB)")
    print(f"           time {stages}  (NER {row['ner_share']:.0%}, events {row['events_share']:.0%} of stage time)")
    print(f"           load average before {row['load_average_before'][0]:.2f}; other processes used "
          f"{row['others_cpu_seconds']:.1f}s CPU during the run; {row['inputs']} inputs, {row['duplicates']} "
          f"duplicates, {row['errors']} errors, {row['events']} events")


def derived_figures(rows: list[dict]) -> dict:
    """Memory growth from the smallest to the largest scale per mode, and NER-on over NER-off time per scale
    (wall and CPU time: on a shared machine the CPU time is the steadier of the two)."""
    figures: dict = {"memory_growth": {}, "ner_over_no_ner": {}}
    for ner in (True, False):
        mode = [row for row in rows if row["ner"] is ner]
        if len(mode) >= 2:
            figures["memory_growth"]["ner" if ner else "no-ner"] = memory_growth(mode[0], mode[-1])
    for on in (row for row in rows if row["ner"]):
        off = next((row for row in rows if not row["ner"] and row["scale"] == on["scale"]), None)
        if off:
            figures["ner_over_no_ner"][f"{on['scale']}x"] = {
                "wall": round(on["seconds"] / off["seconds"], 2),
                "cpu": round(on["cpu_seconds"] / off["cpu_seconds"], 2)}
    return figures


def memory_growth(small: dict, large: dict) -> dict:
    added = large["articles"] - small["articles"]
    return {"scales": f"{large['scale']}x/{small['scale']}x",
            **{key: round(large[f"{key}_mb"] / small[f"{key}_mb"], 2)
               for key in ("peak_tree", "largest_process", "driver")},
            "driver_kb_per_article": round((large["driver_mb"] - small["driver_mb"]) * 1024 / added, 1)
            if added else None}


def print_summary(rows: list[dict], figures: dict) -> None:
    print("\n| scale | NER | articles | wall s | CPU s | articles/s | peak tree MB | largest process MB | "
          "command line MB | "
          + " | ".join(STAGES) + " | NER share | events share | load before |")
    print("|" + "---|" * (12 + len(STAGES)))
    for row in rows:
        stages = " | ".join(f"{row['seconds_per_stage'].get(name, 0.0):.1f}" for name in STAGES)
        print(f"| {row['scale']}x | {'on' if row['ner'] else 'off'} | {row['articles']:,} | {row['seconds']:.1f} | "
              f"{row['cpu_seconds']:.1f} | {row['articles_per_second']:.1f} | {row['peak_tree_mb']:,} | "
              f"{row['largest_process_mb']:,} | {row['driver_mb']:,} | {stages} | {row['ner_share']:.0%} | "
              f"{row['events_share']:.0%} | {row['load_average_before'][0]:.2f} |")
    for mode, growth in figures["memory_growth"].items():
        print(f"peak memory {growth['scales']} ({mode}): process tree {growth['peak_tree']:.2f}x, "
              f"largest process {growth['largest_process']:.2f}x, command line {growth['driver']:.2f}x "
              f"(target <= 1.25); the command line grew {growth['driver_kb_per_article']} KB per added article")
    for scale, ratio in figures["ner_over_no_ner"].items():
        print(f"cold with NER / cold without NER at {scale}: wall {ratio['wall']:.2f}x, CPU {ratio['cpu']:.2f}x "
              "(target <= 3)")


def environment(args: argparse.Namespace) -> dict:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True,
                            text=True, check=False).stdout.strip()
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "git_commit": commit,
            "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(), "workers": args.workers, "engine": args.engine,
            "copies_at_1x": args.copies, "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    env = environment(args)
    print(f"{env['date']}  commit {env['git_commit']}  {env['cpus']} CPUs  workers={args.workers}  "
          f"engine={args.engine}  load average {env['load_average']}")
    seeds = load_seeds(args.corpus, args.dev_pages)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_scale_"))
    started = time.perf_counter()
    try:
        rows = [row for scale in args.scales for row in run_scale(scale, seeds, work, args)]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows.sort(key=lambda row: (not row["ner"], row["scale"]))
    figures = derived_figures(rows)
    print_summary(rows, figures)
    print(f"benchmark took {time.perf_counter() - started:.0f}s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"environment": env, "runs": rows, "derived": figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""End-to-end speed of ``python -m pipeline run`` on a synthetic corpus of ≥ 2,000 articles built from corpus/:
articles/second for the cold run; the warm re-run (nothing changed, so the tables are recognised as up to
date); the same with the tables rebuilt anyway (manifest removed); and a rules-only re-run (one event rule
edited, so only the events stage runs again, from cached mentions); time per stage and peak memory.

    python bench/bench_pipeline.py [--articles 2000] [--workers 2] [--no-ner] [--keep DIR] [--json FILE]

The synthetic articles are not byte copies (caching and duplicate detection would shortcut them): each one
swaps the country names of a seed page for others, moves its dates by whole weeks, reorders its body
paragraphs and takes one paragraph from another seed page. Peak memory is sampled over the whole process tree
(the command line, the forkserver and the workers, summed, and the largest single process), sampled every
0.2 s with psutil; getrusage's figure covers only the children the command line reaped itself.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from pipeline.ingest import pages as ingest  # noqa: E402
from pipeline.knowledge import PACKAGE_DIR  # noqa: E402

COUNTRIES = ["Rusia", "Tiongkok", "China", "India", "Iran", "Belarus", "Kazakhstan", "Uzbekistan", "Pakistan",
             "Turki", "Mesir", "Brasil", "Indonesia", "Malaysia", "Vietnam", "Kyrgyzstan", "Tajikistan", "Mongolia"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
_COUNTRY = re.compile(r"\b(" + "|".join(COUNTRIES) + r")\b")
_DAY_MONTH = re.compile(r"\b([1-9]|[12]\d|3[01]) (" + "|".join(MONTHS) + r")\b")
_SHORT_DATE = re.compile(r"\((\d{1,2})/(\d{1,2})")

# Runs the command line with the knowledge loaded from a copy in which one event rule was edited.
RULES_EDITED = """
import sys
from pathlib import Path
import pipeline.__main__ as cli
from pipeline.knowledge import load_knowledge
root = Path(sys.argv[1])
cli.load_knowledge = lambda: load_knowledge(root)
sys.exit(cli.main(sys.argv[2:]))
"""


# ---------------------------------------------------------------- the synthetic corpus

def seed_texts(corpus: Path) -> list[tuple[str, str]]:
    """(suffix, decoded text) of every input file below ``corpus``."""
    seeds = []
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".html", ".jsonl") and not path.name.startswith("."):
            seeds.append((path.suffix, ingest.decode(path.read_bytes())[0]))
    return seeds


def vary(text: str, donor: str, rng: random.Random) -> str:
    """Other countries, other dates, body paragraphs reordered and one taken from ``donor``."""
    names = rng.sample(COUNTRIES, len(COUNTRIES))
    mapping = dict(zip(COUNTRIES, names))
    text = _COUNTRY.sub(lambda m: mapping[m.group(1)], text)
    weeks = rng.choice((-14, -7, 7, 14))        # whole weeks: a weekday beside a date still agrees with it
    text = _DAY_MONTH.sub(lambda m: f"{_shift_day(int(m.group(1)), weeks)} {m.group(2)}", text)
    text = _SHORT_DATE.sub(lambda m: f"({_shift_day(int(m.group(1)), weeks)}/{m.group(2)}", text)
    return _exchange_paragraphs(text, donor, rng)


def _shift_day(day: int, days: int) -> int:
    moved = day + days
    return moved if 1 <= moved <= 28 else day - days if 1 <= day - days <= 28 else day


def _is_paragraph(line: str) -> bool:
    return len(line) >= 100 and (not line.lstrip().startswith("<") or line.lstrip().startswith("<p"))


def _exchange_paragraphs(text: str, donor: str, rng: random.Random) -> str:
    lines = text.split("\n")
    slots = [i for i, line in enumerate(lines) if _is_paragraph(line)][2:]   # the lead (and dateline) stay
    if len(slots) < 2:
        return text
    paragraphs = [lines[i] for i in slots]
    rng.shuffle(paragraphs)
    offered = [line for line in donor.split("\n") if _is_paragraph(line) and "<" not in line]
    if offered:
        paragraphs[rng.randrange(len(paragraphs))] = rng.choice(offered)
    for i, paragraph in zip(slots, paragraphs):
        lines[i] = paragraph
    return "\n".join(lines)


def _vary_jsonl(text: str, donor: str, rng: random.Random) -> tuple[str, int]:
    records = []
    for line in text.split("\n"):
        if line.strip():
            record = json.loads(line)
            for key in ("text", "html"):
                if isinstance(record.get(key), str):
                    record[key] = vary(record[key], donor, rng)
            records.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(records) + "\n", len(records)


def build_corpus(corpus: Path, target: Path, n_articles: int, seed: int = 7) -> int:
    """Write files into ``target`` until they hold at least ``n_articles`` articles; returns the count."""
    rng = random.Random(seed)
    seeds = seed_texts(corpus)
    target.mkdir(parents=True, exist_ok=True)
    count, i = 0, 0
    while count < n_articles:
        suffix, text = seeds[i % len(seeds)]
        donor = seeds[rng.randrange(len(seeds))][1]
        if suffix == ".jsonl":
            varied, n = _vary_jsonl(text, donor, rng)
        else:
            varied, n = vary(text, donor, rng), 1
        (target / f"{i:05d}{suffix}").write_text(varied, encoding="utf-8")
        count, i = count + n, i + 1
    return count


# ---------------------------------------------------------------- measuring a run

def measure(argv: list[str], out: Path) -> dict:
    """Run a child process; wall time, peak memory of its process tree, and the manifest it wrote."""
    try:
        import psutil               # installed with the dask extra; without it only getrusage is reported
    except ImportError:
        psutil = None
    started = time.perf_counter()
    child = (psutil.Popen if psutil else subprocess.Popen)(argv, cwd=REPO_DIR)
    peak, largest = 0, 0
    while child.poll() is None:
        total, biggest = _tree_rss(child) if psutil else (0, 0)
        peak, largest = max(peak, total), max(largest, biggest)
        time.sleep(0.2)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"run failed with exit code {child.returncode}: {' '.join(argv)}")
    manifest = json.loads((out / "manifest.json").read_text())
    return {"seconds": wall, "peak_tree_mb": peak / 2**20, "largest_process_mb": largest / 2**20,
            "manifest": manifest}


def _tree_rss(process) -> tuple[int, int]:
    """(sum, largest) resident memory over the process and all its descendants."""
    import psutil

    sizes = []
    for p in [process, *process.children(recursive=True)]:
        try:
            sizes.append(p.memory_info().rss)
        except psutil.Error:
            pass
    return sum(sizes), max(sizes, default=0)


def edited_knowledge(root: Path) -> Path:
    """A copy of the knowledge folders with the first confidence of rules/meeting.toml lowered a little."""
    shutil.rmtree(root, ignore_errors=True)
    for part in ("sites", "rules", "lexicons"):
        shutil.copytree(PACKAGE_DIR / part, root / part)
    rules = root / "rules" / "meeting.toml"
    text = rules.read_text(encoding="utf-8")
    edited = re.sub(r"confidence = (0\.\d+)", lambda m: f"confidence = {float(m.group(1)) - 0.01:.2f}", text, 1)
    assert edited != text, "no confidence value to edit in rules/meeting.toml"
    rules.write_text(edited, encoding="utf-8")
    return root


def report(name: str, run: dict, n_articles: int) -> dict:
    counts, stages = run["manifest"]["counts"], run["manifest"]["seconds_per_stage"]
    row = {"run": name, "seconds": round(run["seconds"], 2),
           "articles_per_second": round(n_articles / run["seconds"], 1),
           "peak_tree_mb": round(run["peak_tree_mb"]), "largest_process_mb": round(run["largest_process_mb"]),
           "stages_run": counts["stages_run"],
           "seconds_per_stage": stages}
    print(f"{name:<11} {run['seconds']:8.1f}s  {row['articles_per_second']:8.1f} articles/s  "
          f"peak {row['peak_tree_mb']:5d} MB (largest process {row['largest_process_mb']} MB)  "
          f"run: {counts['stages_run']}")
    print(f"{'':<11} stages: " + "  ".join(f"{k} {v:.1f}s" for k, v in stages.items()))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=REPO_DIR / "corpus")
    parser.add_argument("--no-ner", action="store_true")
    parser.add_argument("--keep", type=Path, help="build the corpus and outputs here and keep them")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_pipeline_"))
    corpus, out = work / "corpus", work / "outputs"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    n_articles = build_corpus(args.corpus, corpus, args.articles)
    print(f"synthetic corpus: {n_articles} articles in {sum(1 for _ in corpus.iterdir())} files; "
          f"workers={args.workers}, NER {'off' if args.no_ner else 'on'}")
    cli = ["run", str(corpus), "--out", str(out), "--workers", str(args.workers), "--quiet",
           *(["--no-ner"] if args.no_ner else [])]
    rows = [report("cold", measure([sys.executable, "-m", "pipeline", *cli], out), n_articles),
            report("warm", measure([sys.executable, "-m", "pipeline", *cli], out), n_articles)]
    (out / "manifest.json").unlink()          # the same, but the tables cannot be recognised as up to date
    rows.append(report("warm+tables", measure([sys.executable, "-m", "pipeline", *cli], out), n_articles))
    knowledge = edited_knowledge(work / "knowledge_edited")
    rows.append(report("rules-only", measure([sys.executable, "-c", RULES_EDITED, str(knowledge), *cli], out),
                       n_articles))
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    speedups = ", ".join(f"{row['run']} {rows[0]['seconds'] / row['seconds']:.0f}x" for row in rows[1:])
    print(f"faster than cold: {speedups}; getrusage max RSS of reaped children: {largest:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"articles": n_articles, "workers": args.workers, "ner": not args.no_ner,
                                         "largest_process_mb": round(largest), "runs": rows}, indent=2))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

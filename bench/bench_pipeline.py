"""End-to-end speed of ``python -m pipeline run`` on a synthetic corpus of ≥ 2,000 articles built from corpus/:
articles/second for the cold run; the warm re-run (nothing changed, so the tables are recognised as up to
date); the same with the tables rebuilt anyway (manifest removed); and a rules-only re-run (one event rule
edited, so only the events stage runs again, from cached mentions); time per stage and peak memory.

    python bench/bench_pipeline.py [--articles 2000] [--workers 2] [--no-ner] [--keep DIR] [--json FILE]
    python bench/bench_pipeline.py --input /tmp/news2025 --runs cold,warm     # a real folder, as it is

The synthetic articles are not byte copies (caching and duplicate detection would shortcut them): each one
swaps the country names of a seed page for others, moves its dates by whole weeks, reorders its body
paragraphs and takes one paragraph from another seed page (bench/varied_corpus.py). Peak memory is sampled
over the whole process tree (the command line, the forkserver and the workers, summed, and the largest single
process), every 0.2 s with psutil (bench/process_tree.py); getrusage's figure covers only the children the
command line reaped itself.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import sys
import tempfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from pipeline.knowledge import PACKAGE_DIR  # noqa: E402
from process_tree import measure  # noqa: E402  (bench/ helpers, beside this script)
from varied_corpus import build_corpus  # noqa: E402

# Runs the command line with the knowledge loaded from a copy in which one event rule was edited.
RULES_EDITED = """
import sys
from pathlib import Path
import pipeline.__main__ as cli
import pipeline.api as api
from pipeline.engine import current
from pipeline.knowledge import load_knowledge
root = Path(sys.argv[1])
api.load_knowledge = lambda: load_knowledge(root)
current.quick_check = lambda *args: current.Check(None, None)    # it reads the package's own knowledge files
sys.exit(cli.main(sys.argv[2:]))
"""


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


RUNS = ("cold", "warm", "warm+tables", "rules-only")


def count_articles(folder: Path) -> int:
    """Articles in a folder as it is: a line per article in .jsonl files, a file per article otherwise."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    return sum(sum(1 for line in path.open("rb") if line.strip()) if path.suffix == ".jsonl" else 1 for path in files)


def report(name: str, run: dict, n_articles: int) -> dict:
    counts, stages = run["manifest"]["counts"], run["manifest"]["seconds_per_stage"]
    row = {"run": name, "seconds": round(run["seconds"], 2),
           "articles_per_second": round(n_articles / run["seconds"], 1),
           "peak_tree_mb": round(run["peak_tree_mb"]), "largest_process_mb": round(run["largest_process_mb"]),
           "stages_run": counts["stages_run"],
           "seconds_per_stage": stages}
    print(f"{name:<11} {run['seconds']:8.2f}s  {row['articles_per_second']:8.1f} articles/s  "
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
    parser.add_argument("--input", type=Path, help="run on this folder as it is (no synthetic corpus is built)")
    parser.add_argument("--runs", default=",".join(RUNS), help=f"which runs, in order (default: {','.join(RUNS)})")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_pipeline_"))
    corpus, out = args.input or work / "corpus", work / "outputs"
    shutil.rmtree(out, ignore_errors=True)
    if args.input:
        n_articles = count_articles(args.input)
    else:
        shutil.rmtree(corpus, ignore_errors=True)
        n_articles = build_corpus(args.corpus, corpus, args.articles)
    print(f"{'folder' if args.input else 'synthetic corpus'}: {n_articles} articles in "
          f"{sum(1 for _ in corpus.iterdir())} files; workers={args.workers}, NER {'off' if args.no_ner else 'on'}")
    cli = ["run", str(corpus), "--out", str(out), "--workers", str(args.workers), "--quiet",
           *(["--no-ner"] if args.no_ner else [])]
    rows = []
    for name in args.runs.split(","):
        command = [sys.executable, "-m", "pipeline", *cli]
        if name == "warm+tables":
            (out / "manifest.json").unlink()    # the same, but the tables cannot be recognised as up to date
        elif name == "rules-only":
            command = [sys.executable, "-c", RULES_EDITED, str(edited_knowledge(work / "knowledge_edited")), *cli]
        rows.append(report(name, measure(command, out), n_articles))
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

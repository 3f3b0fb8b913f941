"""Speed and reach of the scraped-text repair (pipeline/annotate/repair.py) on a stream of JSON-lines records.

    python bench/bench_repair.py [FOLDER_OR_FILES ...] [--limit N] [--json FILE]

Each record's ``text`` is repaired as the clean stage repairs a body (one core, this process); reported: the
articles and characters read, CPU time per article, the repairs by rule and the articles holding each, and
that every text is rebuilt exactly from its repairs. With no argument it reads /tmp/news2025/*.jsonl (see
the README). The text here is the record's whole text, before boilerplate is cut, so the counts run a little
above those of the ``text_repairs`` table of a run.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from pipeline.annotate.repair import rebuild, repair_text  # noqa: E402
from pipeline.knowledge import load_knowledge  # noqa: E402
from pipeline.compiled import compile_knowledge  # noqa: E402

DEFAULT = Path("/tmp/news2025")


def texts(paths: list[Path], limit: int | None):
    files = [f for p in paths for f in (sorted(p.glob("*.jsonl")) if p.is_dir() else [p])]
    n = 0
    for file in files:
        with file.open(encoding="utf-8") as lines:
            for line in lines:
                if limit is not None and n >= limit:
                    return
                yield json.loads(line).get("text") or ""
                n += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rules = compile_knowledge(load_knowledge()).repairs
    repairs, articles, n, chars, seconds = Counter(), Counter(), 0, 0, 0.0
    for text in texts(args.paths, args.limit):
        started = time.process_time()
        repaired, done = repair_text(text, rules, "body")
        seconds += time.process_time() - started
        assert rebuild(repaired, done) == text
        n, chars = n + 1, chars + len(text)
        repairs.update(r.rule_id for r in done)
        articles.update({r.rule_id for r in done} | ({"any"} if done else set()))
    result = {"articles": n, "chars": chars, "ms_per_article": round(1000 * seconds / max(n, 1), 3),
              "repairs": dict(repairs.most_common()), "articles_with": dict(articles.most_common())}
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

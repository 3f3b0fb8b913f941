"""NER on this machine: speed, agreement with the Stanza pipeline, and hostile inputs.

    python bench/bench_ner.py [--tagger pipeline|stanza] [--corpus DIR ...] [--repeat 3] [--threads 1]
    python bench/bench_ner.py --agreement [--data ../shared/data] [--splits nerui.test ...]
    python bench/bench_ner.py --hostile [--cases dots-200KB ...] [--memory-limit-gb 8]

Speed (default): the articles of the --corpus folders (after clean + metadata; default corpus/ and
../shared/data/events_dev/pages) are tagged by ``--tagger``: ``pipeline`` is ``ner.load_tagger``, what the
pipeline runs (the direct tagger of pipeline/annotate/tagger.py), ``stanza`` is
``reference_tagger.load_reference_tagger`` (the same model through a Stanza Pipeline). Every repeat starts from a
freshly loaded tagger, so its caches hold nothing yet and each article is new to it; the figures are the median over
--repeat. Printed: model load time; the tagger's tokens/s on all sentences at once, with empty caches and again with the
token cache filled by the first pass (the state of a worker some chunks into a run); the NER stage (tokenise + tag +
normalise, batches of 32 articles as pipeline/run.py) in articles/s and tokens/s; peak RSS of this process.

--agreement: the direct tagger against the Stanza pipeline on the NER-UI test split (label mapping and
splits as scripts/ner_data.py reads them): share of tokens with the same label, entity-level P/R/F1 of
each against the gold labels (Stanza's ``score_by_entity``), and the sentences where they differ.

--hostile: the long lines of issue 11 (and, with --cases words-10MB, one line as large as the input limit),
each put into the body of a corpus page after cleaning, run through ``ner.tag_articles`` in a fresh child
process whose address space is limited to its size after loading the model plus --memory-limit-gb: time,
peak RSS, and whether it finished.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(REPO_DIR / "scripts"))

from pipeline.annotate import clean
from pipeline.ingest import pages as ingest
from pipeline.annotate import metadata
from pipeline.annotate import ner, reference_tagger  # noqa: E402
from pipeline.knowledge import load_knowledge  # noqa: E402
from pipeline.compiled import compile_knowledge  # noqa: E402
from pipeline.record import Page, replace  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

DEFAULT_CORPORA = (REPO_DIR / "corpus", REPO_DIR.parent / "shared" / "data" / "events_dev" / "pages")
HOST_PAGE = REPO_DIR / "corpus" / "000_65dd71f6f6c36440.txt"
HOSTILE_CASES = {          # name → the line put into the middle of HOST_PAGE's body
    "dots-200KB": lambda words: "." * 200_000,
    "a-space-x100k": lambda words: "a " * 100_000,
    "words-1MB": lambda words: _words_line(words, 1_000_000),
    "words-10MB": lambda words: _words_line(words, 10_000_000),
}
ARTICLE_BATCH = 32   # articles per NER call, as pipeline/run.py


def corpus_articles(folders, compiled) -> list:
    pages = [p for folder in folders for p in ingest.iter_pages(folder, Settings(), compiled.pages)
             if isinstance(p, Page)]
    return [metadata.add_metadata(clean.clean(p, compiled.profiles), compiled.metadata) for p in pages]


def load(kind: str, model_dir: Path, threads: int | None):
    if kind == "stanza":
        return reference_tagger.load_reference_tagger(model_dir, threads=threads)
    return ner.load_tagger(model_dir, threads=threads)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- speed

def speed(args) -> None:
    compiled = compile_knowledge(load_knowledge())
    articles = corpus_articles(args.corpus, compiled)
    tokenizer = compiled.names.tokenizer
    sentences = [[t.text for t in tokens] for a in articles for tokens in ner.split_article(a, tokenizer).tokens]
    n_tokens = sum(map(len, sentences))
    first_load = _seconds(lambda: load(args.tagger, args.model_dir, args.threads or None))
    import torch

    runs = [_speed_once(args, articles, sentences, compiled) for _ in range(args.repeat)]
    median = {key: tuple(statistics.median(run[key][i] for run in runs) for i in (0, 1)) for key in runs[0]}
    name = "ner.load_tagger" if args.tagger == "pipeline" else "reference_tagger.load_reference_tagger"
    print(f"tagger               {args.tagger} ({name}), torch threads {torch.get_num_threads()}")
    print(f"model load           {first_load[0]:.2f} s the first time (imports included), "
          f"then {median['load'][0]:.2f} s")
    print(f"articles             {len(articles)} distinct, {len(sentences)} sentences, {n_tokens} tokens "
          f"(median of {args.repeat} runs, each with a fresh tagger; wall clock / CPU time of this process)")
    for key, label in (("cold", "tagger, cold caches "), ("warm", "tagger, token cache ")):
        wall, cpu = median[key]
        print(f"{label} {n_tokens / wall:,.0f} / {n_tokens / cpu:,.0f} tokens/s ({wall:.2f} s / {cpu:.2f} s)")
    wall, cpu = median["stage"]
    print(f"NER stage            {len(articles) / wall:.1f} / {len(articles) / cpu:.1f} articles/s, "
          f"{n_tokens / wall:,.0f} / {n_tokens / cpu:,.0f} tokens/s ({wall:.2f} s / {cpu:.2f} s; "
          f"tokenise + tag + normalise, batches of {ARTICLE_BATCH} articles, cold caches)")
    print(f"peak memory (RSS)    {peak_rss_mb():.0f} MB")


def _speed_once(args, articles, sentences, compiled) -> dict:
    tagger = None

    def load_again():
        nonlocal tagger
        tagger = load(args.tagger, args.model_dir, args.threads or None)

    figures = {"load": _seconds(load_again)}
    figures["cold"] = _seconds(lambda: ner.tag_in_windows(tagger, sentences))
    if hasattr(tagger, "sentences"):     # keep the token cache, forget the sentences
        tagger.sentences.clear()
    figures["warm"] = _seconds(lambda: ner.tag_in_windows(tagger, sentences))
    load_again()
    figures["stage"] = _seconds(lambda: [ner.add_mentions(articles[i:i + ARTICLE_BATCH], tagger, compiled.names)
                                         for i in range(0, len(articles), ARTICLE_BATCH)])
    return figures


def _seconds(work) -> tuple[float, float]:
    """(wall clock, CPU time of this process) that ``work()`` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


# ---------------------------------------------------------------- agreement with the Stanza pipeline

def agreement(args) -> None:
    import ner_data
    from stanza.models.ner.scorer import score_by_entity
    from stanza.models.ner.utils import bio2_to_bioes

    fast = ner.load_tagger(args.model_dir)
    reference = reference_tagger.load_reference_tagger(args.model_dir)
    for split in args.splits:
        corpus, name = split.split(".")
        gold_sentences = ner_data.load_split(args.data, corpus, name)
        tokens = [[w["text"] for w in s] for s in gold_sentences]
        gold = [bio2_to_bioes([w["ner"] for w in s]) for s in gold_sentences]
        labels = _compare(split, tokens, fast, reference)
        for kind, predicted in labels.items():
            p, r, f, per_type = score_by_entity([bio2_to_bioes(s) for s in predicted], gold, verbose=False)
            types = "  ".join(f"{t} {100 * v:.2f}" for t, v in sorted(per_type.items()))
            print(f"  {kind:<7} P {100 * p:.2f}  R {100 * r:.2f}  F1 {100 * f:.2f}   ({types})")
    compiled = compile_knowledge(load_knowledge())
    tokenizer = compiled.names.tokenizer
    tokens = [[t.text for t in sentence] for a in corpus_articles(args.corpus, compiled)
              for sentence in ner.split_article(a, tokenizer).tokens]
    _compare("articles of " + ", ".join(str(c) for c in args.corpus), tokens, fast, reference)


def _compare(name: str, tokens: list[list[str]], fast, reference) -> dict[str, list[list[str]]]:
    """Tag with both; print the share of tokens with the same label and the sentences that differ."""
    labels = {"stanza": ner.tag_in_windows(reference, tokens), "direct": ner.tag_in_windows(fast, tokens)}
    total = sum(map(len, tokens))
    same = sum(a == b for s, r in zip(labels["direct"], labels["stanza"]) for a, b in zip(s, r))
    print(f"{name}: {len(tokens)} sentences, {total} tokens; same label on {same} = {100 * same / total:.3f} %")
    for words, a, b in zip(tokens, labels["direct"], labels["stanza"]):
        if a != b:
            print("  differs: " + " ".join(w if x == y else f"[{w} {y}→{x}]" for w, x, y in zip(words, a, b)))
    return labels


# ---------------------------------------------------------------- hostile inputs

def hostile(args) -> None:
    print(f"each case in a child process limited to its size after loading the model + {args.memory_limit_gb} GB")
    print(f"{'case':<15} {'result':<10} {'tokens':>8} {'seconds':>8} {'peak RSS':>9} {'RSS before':>11}")
    for name in args.cases:
        argv = [sys.executable, __file__, "--hostile-case", name, "--memory-limit-gb", str(args.memory_limit_gb),
                "--model-dir", str(args.model_dir)]
        try:
            child = subprocess.run(argv, capture_output=True, text=True, timeout=args.timeout)
            lines, failure = child.stdout.strip().splitlines(), f"exit {child.returncode}"
        except subprocess.TimeoutExpired:
            lines, failure = [], f"> {args.timeout:.0f} s"
        result = json.loads(lines[-1]) if lines else {"result": failure, "tokens": 0, "seconds": 0,
                                                        "peak_mb": 0, "before_mb": 0}
        print(f"{name:<15} {result['result']:<10} {result['tokens']:>8} {result['seconds']:>8.1f} "
              f"{result['peak_mb']:>6.0f} MB {result['before_mb']:>8.0f} MB")


def hostile_case(args) -> None:
    """In the child: build the article, cap the address space, run tag_articles, print one JSON line."""
    compiled = compile_knowledge(load_knowledge())
    tagger = ner.load_tagger(args.model_dir)
    article = _hostile_article(args.hostile_case, compiled)
    tokens = sum(len(s) for s in ner.split_article(article, compiled.names.tokenizer).tokens)
    before = _vm_bytes()
    limit = before + int(args.memory_limit_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    rss_before = _status_kb("VmRSS") / 1024
    started = time.perf_counter()
    try:
        ner.tag_articles([article], tagger, compiled.names.tokenizer)
        result = "ok"
    except (MemoryError, RuntimeError) as exc:       # torch reports a failed allocation as RuntimeError
        result = "out-of-mem" if "memory" in str(exc).lower() or isinstance(exc, MemoryError) else "error"
    print(json.dumps({"result": result, "tokens": tokens, "seconds": time.perf_counter() - started,
                      "peak_mb": peak_rss_mb(), "before_mb": rss_before}))


def _hostile_article(name: str, compiled):
    page = next(p for p in ingest.iter_pages(HOST_PAGE.parent, Settings(), compiled.pages)
                if isinstance(p, Page) and p.source_path == HOST_PAGE.name)
    article = metadata.add_metadata(clean.clean(page, compiled.profiles), compiled.metadata)
    paragraphs = article.body.split("\n\n")
    words = [w.strip(".!?") for w in article.body.split() if w.strip(".!?")]
    paragraphs.insert(len(paragraphs) // 2, HOSTILE_CASES[name](words))
    return replace(article, body="\n\n".join(paragraphs))


def _words_line(words: list[str], size: int) -> str:
    """``size`` characters of the page's words in random order, with no sentence end: one long sentence."""
    rng, parts, length = random.Random(1), [], 0
    while length < size:
        word = rng.choice(words)
        parts.append(word)
        length += len(word) + 1
    return " ".join(parts)[:size]


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def _vm_bytes() -> int:
    return _status_kb("VmSize") * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=REPO_DIR / "models" / "ner")
    parser.add_argument("--tagger", choices=("pipeline", "stanza"), default="pipeline")
    parser.add_argument("--corpus", type=Path, action="append", help="folder of pages (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=ner.TORCH_THREADS, help="torch threads (0: torch default)")
    parser.add_argument("--agreement", action="store_true", help="direct tagger vs Stanza pipeline on NER-UI")
    parser.add_argument("--data", type=Path, default=REPO_DIR.parent / "shared" / "data")
    parser.add_argument("--splits", nargs="+", default=["nerui.test"], help="corpus.split names (--agreement)")
    parser.add_argument("--hostile", action="store_true", help="the long lines of issue 11")
    parser.add_argument("--cases", nargs="+", choices=list(HOSTILE_CASES), default=list(HOSTILE_CASES)[:3])
    parser.add_argument("--hostile-case", choices=list(HOSTILE_CASES), help=argparse.SUPPRESS)
    parser.add_argument("--memory-limit-gb", type=float, default=8.0)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per hostile case")
    args = parser.parse_args()
    args.corpus = args.corpus or [c for c in DEFAULT_CORPORA if c.is_dir()]
    if args.hostile_case:
        hostile_case(args)
    elif args.hostile:
        hostile(args)
    elif args.agreement:
        agreement(args)
    else:
        speed(args)


if __name__ == "__main__":
    main()

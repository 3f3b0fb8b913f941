"""NER speed on this machine: tokens/second of the tagger, articles/second of the whole NER stage
(tokenise + tag + normalise), model load time and peak memory.

    python bench/bench_ner.py [--model-dir models/ner] [--corpus corpus] [--repeat 20]

The corpus articles (after clean + metadata) are repeated --repeat times so that timings are not
dominated by a handful of short pages; articles are tagged in batches as pipeline/run.py does.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from pipeline import clean, ingest, metadata, ner  # noqa: E402
from pipeline.knowledge import load_knowledge  # noqa: E402
from pipeline.record import Page  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.tokenize import LEXICON, tokenizer_for  # noqa: E402


def corpus_articles(corpus: Path, knowledge) -> list:
    pages = [p for p in ingest.iter_pages(corpus, Settings(), knowledge) if isinstance(p, Page)]
    return [metadata.add_metadata(clean.clean(p, knowledge), knowledge) for p in pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=REPO_DIR / "models" / "ner")
    parser.add_argument("--corpus", type=Path, default=REPO_DIR / "corpus")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=ner.TORCH_THREADS, help="torch threads (0: torch default)")
    parser.add_argument("--article-batch", type=int, default=32, help="articles per NER call (pipeline/run.py uses 32)")
    args = parser.parse_args()

    import torch

    knowledge = load_knowledge()
    articles = corpus_articles(args.corpus, knowledge) * args.repeat
    started = time.perf_counter()
    tagger = ner.load_tagger(args.model_dir, threads=args.threads or None)
    load_seconds = time.perf_counter() - started

    tokenizer = tokenizer_for(knowledge.lexicon(LEXICON))
    sentences = [[t.text for t in tokens] for a in articles for tokens in ner.split_article(a, tokenizer).tokens]
    n_tokens = sum(len(s) for s in sentences)
    started = time.perf_counter()
    tagger.tag(sentences)
    tag_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(0, len(articles), args.article_batch):
        ner.add_mentions(articles[i:i + args.article_batch], tagger, knowledge)
    stage_seconds = time.perf_counter() - started

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch threads        {torch.get_num_threads()}")
    print(f"model load           {load_seconds:.2f} s")
    print(f"articles             {len(articles)} ({len(articles) // args.repeat} distinct x {args.repeat})")
    print(f"sentences / tokens   {len(sentences)} / {n_tokens}")
    print(f"tagger               {n_tokens / tag_seconds:,.0f} tokens/s ({tag_seconds:.2f} s)")
    print(f"NER stage            {len(articles) / stage_seconds:.1f} articles/s "
          f"({n_tokens / stage_seconds:,.0f} tokens/s, {stage_seconds:.2f} s, batches of {args.article_batch} articles)")
    print(f"peak memory (RSS)    {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

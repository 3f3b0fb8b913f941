"""NER stage: split title/body/captions into sentences, tag them with the project's Stanza model, and
hand the raw PER/ORG/LOC spans to ``pipeline.annotate.normalise`` for canonical names and country codes.

The pipeline runs the model directly (``load_tagger``: pipeline/annotate/tagger.py, plain torch on tensors built there);
the same model through a Stanza Pipeline (pipeline/annotate/reference_tagger.py, which no stage imports: Stanza and
its requirements are not in the stage's fingerprint) is kept as the reference its labels are checked against.
Both load local files only (``models/ner``: model, pretrain, resources.json); torch is imported lazily so that
``--no-ner`` runs never import it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from pipeline.record import Article, PipelineError, RawSpan, Sentence, replace
from pipeline.annotate.normalise import NameRules, normalise
from pipeline.annotate.tokenize import Token, Tokenizer

FIELDS = ("title", "body", "captions")
MODEL_FILE = "id_nertagger.pt"
PRETRAIN_FILE = "id_pretrain.pt"
RESOURCES_FILE = "resources.json"
# torch threads per process. On the shared 2-core machine, while other processes used the cores, the direct
# tagger ran at 10.8k tokens/s with one thread and 2.0k with two (bench/bench_ner.py --threads, models/README.md);
# parallelism comes from running more processes instead.
TORCH_THREADS = 1
# The caps on what reaches the tagger, whatever the input (issue 11; calibration in models/README.md): the
# longest sentence of the training data has 216 tokens, the longest of the 60 real events_dev articles 83, so
# a window of 200 tokens never cuts a real sentence and bounds the model's working memory on a 200 KB line.
# A longer sentence is tagged in windows that cover all its tokens, cut after the last punctuation token
# among a window's last WINDOW_SEARCH tokens where there is one. (The per-token cap is tagger.MAX_TOKEN_CHARS.)
MAX_SENTENCE_TOKENS = 200
WINDOW_SEARCH = 50


def load_tagger(model_dir: Path, threads: int | None = TORCH_THREADS):
    """The tagger the pipeline uses: the shipped model run directly (``pipeline.annotate.tagger.FastTagger``), from
    local files only. Raises PipelineError if files are missing; ``threads`` sets torch's intra-op threads
    (None: torch's default). torch is imported here, so that ``--no-ner`` runs never import it."""
    model_dir = check_model_files(model_dir)
    from pipeline.annotate import tagger

    set_threads(threads)
    return tagger.load(model_dir / MODEL_FILE, model_dir / PRETRAIN_FILE)


def set_threads(threads: int | None) -> None:
    import torch

    if threads:
        torch.set_num_threads(threads)


def check_model_files(model_dir: Path) -> Path:
    """``model_dir``, once its model files are found there (PipelineError naming the missing ones if not)."""
    model_dir = Path(model_dir)
    missing = [n for n in (MODEL_FILE, PRETRAIN_FILE, RESOURCES_FILE) if not (model_dir / n).is_file()]
    if missing:
        raise PipelineError("model-missing", f"NER model files {missing} not found in {model_dir}; "
                                             "run `make train-ner` or pass --no-ner")
    return model_dir


@dataclass
class ArticleSplit:
    """One article's sentences and their tokens, in field order."""

    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[list[Token]] = field(default_factory=list)   # offsets into the field's text


def split_article(article: Article, tokenizer: Tokenizer) -> ArticleSplit:
    split = ArticleSplit()
    for name in FIELDS:
        text = article.field_text(name)
        if not isinstance(text, str):
            raise PipelineError("bad-field", f"article field {name!r} is {type(text).__name__}, not text")
        for index, span in enumerate(tokenizer.split(text)):
            split.sentences.append(Sentence(name, index, span.start, span.end, text[span.start:span.end]))
            split.tokens.append(list(span.tokens))
    return split


def windows(tokens: Sequence[str], limit: int = MAX_SENTENCE_TOKENS) -> list[tuple[int, int]]:
    """(start, end) token ranges of at most ``limit`` tokens that cover ``tokens`` in order."""
    ranges, start = [], 0
    while len(tokens) - start > limit:
        end = start + limit
        cut = next((i + 1 for i in range(end - 1, end - WINDOW_SEARCH - 1, -1)
                    if not any(c.isalnum() for c in tokens[i])), end)
        ranges.append((start, cut))
        start = cut
    ranges.append((start, len(tokens)))
    return ranges


def tag_in_windows(tagger, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
    """``tagger.tag`` over the windows of every sentence, their labels joined back per sentence."""
    pieces = [(i, sentence[a:b]) for i, sentence in enumerate(sentences) if sentence for a, b in windows(sentence)]
    labels: list[list[str]] = [[] for _ in sentences]
    for (i, _), piece_labels in zip(pieces, tagger.tag([piece for _, piece in pieces])):
        labels[i] += piece_labels
    return labels


def spans_from_bio(article: Article, sentence: Sentence, tokens: list[Token], labels: list[str]) -> list[RawSpan]:
    """Entity spans from BIO labels; an I- tag that does not continue its type starts a new span."""
    if len(labels) != len(tokens):
        raise PipelineError("ner-mismatch", f"tagger returned {len(labels)} labels for {len(tokens)} tokens")
    text = article.field_text(sentence.field)
    spans, current = [], None   # current = [kind, first token index, last token index]
    for i, label in enumerate(labels + ["O"]):
        kind = label[2:] if label[:2] in ("B-", "I-") else None
        if current and (kind != current[0] or label.startswith("B-")):
            start, end = tokens[current[1]].start, tokens[current[2]].end
            spans.append(RawSpan(sentence.field, sentence.index, start, end, text[start:end], current[0]))
            current = None
        if kind and current:
            current[2] = i
        elif kind:
            current = [kind, i, i]
    return spans


def tag_articles(articles: Sequence[Article], tagger: Any,
                 tokenizer: Tokenizer) -> list[tuple[tuple[Sentence, ...], tuple[RawSpan, ...]]]:
    """(sentences, raw model spans) per article; all sentences of the batch are tagged together."""
    splits = [split_article(article, tokenizer) for article in articles]
    flat = [[t.text for t in tokens] for split in splits for tokens in split.tokens]
    labels = tag_in_windows(tagger, flat) if tagger is not None else [["O"] * len(tokens) for tokens in flat]
    if len(labels) != len(flat):
        raise PipelineError("ner-mismatch", f"tagger returned {len(labels)} sentences for {len(flat)}")
    results, position = [], 0
    for article, split in zip(articles, splits):
        raw = []
        for sentence, tokens in zip(split.sentences, split.tokens):
            raw += spans_from_bio(article, sentence, tokens, labels[position])
            position += 1
        results.append((tuple(split.sentences), tuple(raw)))
    return results


def add_mentions(articles: list[Article], tagger: Any, rules: NameRules) -> list[Article]:
    """Stage function: + sentences and normalised mentions (tagger None: gazetteer mentions only)."""
    done = []
    for article, (sentences, raw) in zip(articles, tag_articles(articles, tagger, rules.tokenizer)):
        mentions = normalise(article, raw, rules)
        done.append(replace(article, sentences=sentences, mentions=tuple(mentions)))
    return done

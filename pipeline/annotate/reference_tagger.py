"""The reference tagger: the project's NER model through a Stanza Pipeline over pre-tokenised sentences. Slower
than the direct tagger the NER stage runs (pipeline/annotate/tagger.py); kept to check that both give the same
labels (tests/annotate/test_tagger.py, ``bench/bench_ner.py --agreement``). No stage imports this module, so
Stanza and what it requires (protobuf, emoji, udapi, ...) are not in the NER stage's cache fingerprint.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from pipeline.annotate.ner import MODEL_FILE, PRETRAIN_FILE, TORCH_THREADS, check_model_files, set_threads

# Sentences per Stanza call. With one thread, 1,460 corpus sentences ran at ~9.2k tokens/s in batches of 32 or 64
# and ~8.3k in batches of 128 or 256.
BATCH_SENTENCES = 64


@dataclass
class StanzaTagger:
    """The reference: the same model through a Stanza Pipeline over pre-tokenised sentences (slower; used to
    check that the direct tagger gives the same labels)."""

    pipeline: Any
    batch_size: int = BATCH_SENTENCES

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        from pipeline.annotate.tagger import to_bio

        labels: list[list[str]] = [[] for _ in sentences]
        todo = [i for i, tokens in enumerate(sentences) if tokens]
        for begin in range(0, len(todo), self.batch_size):
            chunk = todo[begin:begin + self.batch_size]
            doc = self.pipeline([list(sentences[i]) for i in chunk])
            for i, sentence in zip(chunk, doc.sentences):
                labels[i] = to_bio([token.ner for token in sentence.tokens])
        return labels


def load_reference_tagger(model_dir: Path, batch_size: int = BATCH_SENTENCES,
                          threads: int | None = TORCH_THREADS) -> StanzaTagger:
    """The Stanza-Pipeline tagger (``download_method=None``: nothing is fetched)."""
    model_dir = check_model_files(model_dir)
    import stanza

    set_threads(threads)
    logging.getLogger("stanza").setLevel(logging.WARNING)
    pipeline = stanza.Pipeline(
        lang="id", dir=str(model_dir), processors="tokenize,ner", tokenize_pretokenized=True,
        ner_model_path=str(model_dir / MODEL_FILE), ner_pretrain_path=str(model_dir / PRETRAIN_FILE),
        ner_batch_size=batch_size, download_method=None, use_gpu=False, logging_level="WARN",
    )
    return StanzaTagger(pipeline, batch_size)

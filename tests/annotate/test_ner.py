"""NER stage (pipeline/annotate/ner.py) with the model shipped in models/ner."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.annotate import ner
from pipeline.annotate import tagger as fast_tagger
from pipeline.record import PipelineError, RawSpan, Sentence
from pipeline.settings import REPO_DIR, Settings
from tests.stages import cleaned

SEED_000 = "000_65dd71f6f6c36440.txt"
SEED_001 = "001_1fd5a1f09d60b45e.txt"


@pytest.fixture(scope="module")
def tagger():
    return ner.load_tagger(Settings().model_dir)


@pytest.fixture(scope="module")
def articles(corpus_pages, compiled):
    return {path: cleaned(page, compiled)
            for path, page in corpus_pages.items()}


@pytest.fixture(scope="module")
def tagged(articles, tagger, compiled):
    names = sorted(articles)
    results = ner.tag_articles([articles[n] for n in names], tagger, compiled.names.tokenizer)
    return dict(zip(names, results))


def spans_of(tagged, name, field="body"):
    return {(s.text, s.label) for s in tagged[name][1] if s.field == field}


def test_seed_000_people_orgs_and_places(tagged):
    body = spans_of(tagged, SEED_000)
    assert ("Vladimir Putin", "PER") in body
    assert ("Moskow", "LOC") in body
    assert {("SCO", "ORG"), ("CSTO", "ORG"), ("CIS", "ORG"), ("TASS", "ORG")} <= body
    assert {("China", "LOC"), ("Kazakhstan", "LOC"), ("Ukraina", "LOC")} <= body
    assert ("SCO", "ORG") in spans_of(tagged, SEED_000, "title")


def test_seed_001_people(tagged):
    """Both names are PER spans; the model may glue a neighbouring word on ("presiden Zhaparov Galina
    Baiterek" has no comma), which normalise trims, so the raw spans need only cover the names."""
    people = [text for text, label in spans_of(tagged, SEED_001) if label == "PER"]
    assert any("Sadyr Zhaparov" in text for text in people)
    assert any("Galina Baiterek" in text for text in people)
    assert "Baiterek" in people


def test_offsets_slice_the_field_text_exactly(articles, tagged):
    for name, (sentences, spans) in tagged.items():
        article = articles[name]
        assert sentences, name
        for sentence in sentences:
            assert article.field_text(sentence.field)[sentence.start:sentence.end] == sentence.text
        for span in spans:
            assert article.field_text(span.field)[span.start:span.end] == span.text
            assert span.label in ("PER", "ORG", "LOC")
            owner = next(s for s in sentences if (s.field, s.index) == (span.field, span.sentence_index))
            assert owner.start <= span.start < span.end <= owner.end


def test_sentences_are_numbered_per_field(tagged):
    sentences = tagged["004_1bd30c3a12de523b.txt"][0]
    for field in ("title", "body", "captions"):
        indexes = [s.index for s in sentences if s.field == field]
        assert indexes == list(range(len(indexes))) and indexes, field


def test_add_mentions_fills_sentences_and_mentions(articles, tagger, compiled):
    article = articles[SEED_000]
    [done] = ner.add_mentions([article], tagger, compiled.names)
    assert done.sentences and done.mentions
    assert done.body == article.body and done.meta == article.meta
    assert any(m.label == "PERSON" and m.text == "Vladimir Putin" for m in done.mentions)
    for m in done.mentions:
        assert done.field_text(m.field)[m.start:m.end] == m.text


def test_batching_does_not_change_labels(articles, tagger, compiled):
    batch = [articles[SEED_000], articles[SEED_001]]
    together = ner.tag_articles(batch, tagger, compiled.names.tokenizer)
    alone = [ner.tag_articles([a], tagger, compiled.names.tokenizer)[0] for a in batch]
    assert together == alone


def test_without_a_tagger_sentences_are_still_split(articles, compiled):
    [(sentences, spans)] = ner.tag_articles([articles[SEED_000]], None, compiled.names.tokenizer)
    assert sentences and spans == ()


def test_tag_keeps_empty_sentences_in_place(tagger):
    labels = tagger.tag([["Presiden", "Vladimir", "Putin"], [], ["Dia", "tiba", "di", "Moskow", "."]])
    assert labels[1] == [] and len(labels[0]) == 3 and labels[2][3] == "B-LOC"


def test_missing_model_is_a_pipeline_error(tmp_path):
    with pytest.raises(PipelineError) as err:
        ner.load_tagger(tmp_path)
    assert err.value.kind == "model-missing" and "make train-ner" in err.value.message


@pytest.mark.parametrize("tags, expected", [
    (["S-PER", "O", "B-ORG", "I-ORG", "E-ORG"], ["B-PER", "O", "B-ORG", "I-ORG", "I-ORG"]),
    (["O", "O"], ["O", "O"]),
])
def test_to_bio(tags, expected):
    assert fast_tagger.to_bio(tags) == expected


def test_spans_from_bio_repairs_and_separates(articles, compiled):
    article = articles[SEED_000]
    text = article.field_text("title")
    [first, *_] = compiled.names.tokenizer.split(text)
    sentence = Sentence("title", 0, first.start, first.end, text[first.start:first.end])
    labels = ["I-PER", "B-PER"] + ["O"] * (len(first.tokens) - 2)
    spans = ner.spans_from_bio(article, sentence, list(first.tokens), labels)
    assert spans == [RawSpan("title", 0, 0, 8, "Vladimir", "PER"), RawSpan("title", 0, 9, 14, "Putin", "PER")]
    with pytest.raises(PipelineError):
        ner.spans_from_bio(article, sentence, list(first.tokens), ["O"])


@pytest.mark.parametrize("length", [0, 1, 200, 201, 450, 1000])
def test_windows_cover_every_token_once(length):
    tokens = [f"kata{i}" if i % 37 else "," for i in range(length)]
    ranges = ner.windows(tokens)
    assert [i for a, b in ranges for i in range(a, b)] == list(range(length))
    assert all(0 < b - a <= ner.MAX_SENTENCE_TOKENS for a, b in ranges if length)


def test_windows_end_after_punctuation_where_they_can():
    tokens = ["kata"] * 180 + [","] + ["kata"] * 100
    assert ner.windows(tokens) == [(0, 181), (181, 281)]
    assert ner.windows(["kata"] * 450) == [(0, 200), (200, 400), (400, 450)]


def test_a_long_sentence_is_tagged_in_windows(tagger):
    """A 490-token "sentence" (a list run together with commas) gets one label per token, and every
    name in it is tagged as it is alone."""
    clause = ["Presiden", "Joko", "Widodo", "tiba", "di", "Jakarta", ","]
    [labels] = ner.tag_in_windows(tagger, [clause * 70])
    assert len(labels) == 490
    alone = tagger.tag([clause])[0]
    assert [labels[i:i + 7] for i in range(0, 490, 7)] == [alone] * 70
    assert alone[1:3] == ["B-PER", "I-PER"]


# Run in a child process: the address space is capped at its size after loading the model + 256 MB, then
# two articles with an over-long line each are tagged. Before the caps, Stanza asked for 22.8 GB for the
# 200 KB token of dots (every word of a batch padded to its length in the char LSTM) and for ~28 KB per
# token of the 12,000-token sentence; both failed under this limit (the direct tagger needs < 150 MB).
LIMITED_TAGGING = r"""
import json, resource, sys
from pathlib import Path
from pipeline.annotate import ner
from pipeline.knowledge import load_knowledge
from pipeline.compiled import compile_knowledge
from pipeline.record import Article, Meta, Page

compiled, tagger = compile_knowledge(load_knowledge()), ner.load_tagger(Path(sys.argv[1]))
size = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmSize:"))
resource.setrlimit(resource.RLIMIT_AS, (size + 256 * 2**20,) * 2)
lines = {"dots": "." * 200_000, "words": " ".join(f"kata{i % 997}" for i in range(12_000))}
results = {}
for name, line in lines.items():
    body = "Presiden Joko Widodo tiba di Jakarta.\n\n" + line + "\n\nIa bertemu Retno Marsudi di Bogor."
    article = Article(Page(name, name + ".txt", body, "utf-8", "txt"), body=body, meta=Meta(title="Kunjungan"))
    try:
        [(sentences, spans)] = ner.tag_articles([article], tagger, compiled.names.tokenizer)
        results[name] = {"sentences": [s.text for s in sentences], "spans": [s.text for s in spans]}
    except (MemoryError, RuntimeError) as exc:
        results[name] = {"error": str(exc)[:200]}
print(json.dumps(results))
"""


def test_over_long_lines_are_tagged_in_bounded_memory():
    child = subprocess.run([sys.executable, "-c", LIMITED_TAGGING, str(Settings().model_dir)], cwd=REPO_DIR,
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr
    results = json.loads(child.stdout.strip().splitlines()[-1])
    for name in ("dots", "words"):
        assert "error" not in results[name], (name, results[name])
        assert results[name]["spans"] == ["Joko Widodo", "Jakarta", "Retno Marsudi", "Bogor"], name
        assert len(results[name]["sentences"]) == 4      # the title, the line before, the long line, the line after

"""NER stage (pipeline/ner.py) with the model shipped in models/ner."""
from __future__ import annotations

import socket

import pytest

from pipeline import clean, metadata, ner
from pipeline.record import PipelineError, RawSpan, Sentence
from pipeline.settings import Settings

SEED_000 = "000_65dd71f6f6c36440.txt"
SEED_001 = "001_1fd5a1f09d60b45e.txt"


@pytest.fixture(scope="module")
def tagger():
    return ner.load_tagger(Settings().model_dir)


@pytest.fixture(scope="module")
def articles(corpus_pages, knowledge):
    return {path: metadata.add_metadata(clean.clean(page, knowledge), knowledge)
            for path, page in corpus_pages.items()}


@pytest.fixture(scope="module")
def tagged(articles, tagger, knowledge):
    names = sorted(articles)
    results = ner.tag_articles([articles[n] for n in names], tagger, knowledge)
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


def test_add_mentions_fills_sentences_and_mentions(articles, tagger, knowledge):
    article = articles[SEED_000]
    [done] = ner.add_mentions([article], tagger, knowledge)
    assert done.sentences and done.mentions
    assert done.body == article.body and done.meta == article.meta
    assert any(m.label == "PERSON" and m.text == "Vladimir Putin" for m in done.mentions)
    for m in done.mentions:
        assert done.field_text(m.field)[m.start:m.end] == m.text


def test_batching_does_not_change_labels(articles, tagger, knowledge):
    batch = [articles[SEED_000], articles[SEED_001]]
    together = ner.tag_articles(batch, tagger, knowledge)
    alone = [ner.tag_articles([a], tagger, knowledge)[0] for a in batch]
    assert together == alone


def test_without_a_tagger_sentences_are_still_split(articles, knowledge):
    [(sentences, spans)] = ner.tag_articles([articles[SEED_000]], None, knowledge)
    assert sentences and spans == ()


def test_tag_keeps_empty_sentences_in_place(tagger):
    labels = tagger.tag([["Presiden", "Vladimir", "Putin"], [], ["Dia", "tiba", "di", "Moskow", "."]])
    assert labels[1] == [] and len(labels[0]) == 3 and labels[2][3] == "B-LOC"


def test_missing_model_is_a_pipeline_error(tmp_path):
    with pytest.raises(PipelineError) as err:
        ner.load_tagger(tmp_path)
    assert err.value.kind == "model-missing" and "make train-ner" in err.value.message


def test_no_network_connection_is_attempted(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = ner.load_tagger(Settings().model_dir)
    sentence = ["Presiden", "Rusia", "Vladimir", "Putin", "tiba", "di", "Moskow", "kemarin", "."]
    assert fresh.tag([sentence])[0][2:4] == ["B-PER", "I-PER"]


@pytest.mark.parametrize("tags, expected", [
    (["S-PER", "O", "B-ORG", "I-ORG", "E-ORG"], ["B-PER", "O", "B-ORG", "I-ORG", "I-ORG"]),
    (["O", "O"], ["O", "O"]),
])
def test_to_bio(tags, expected):
    assert ner.to_bio(tags) == expected


def test_spans_from_bio_repairs_and_separates(articles, knowledge):
    from pipeline.tokenize import LEXICON, tokenizer_for

    article = articles[SEED_000]
    text = article.field_text("title")
    [first, *_] = tokenizer_for(knowledge.lexicon(LEXICON)).split(text)
    sentence = Sentence("title", 0, first.start, first.end, text[first.start:first.end])
    labels = ["I-PER", "B-PER"] + ["O"] * (len(first.tokens) - 2)
    spans = ner.spans_from_bio(article, sentence, list(first.tokens), labels)
    assert spans == [RawSpan("title", 0, 0, 8, "Vladimir", "PER"), RawSpan("title", 0, 9, 14, "Putin", "PER")]
    with pytest.raises(PipelineError):
        ner.spans_from_bio(article, sentence, list(first.tokens), ["O"])

"""The direct tagger (pipeline/annotate/tagger.py) reproduces Stanza's NER model piece by piece and as a whole."""
from __future__ import annotations

import random
import socket
from contextlib import contextmanager

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from pipeline.annotate import ner, reference_tagger
from pipeline.annotate import tagger
from pipeline.settings import Settings
from tests.stages import cleaned

MODEL_DIR = Settings().model_dir
TAGS = ["O", "S-PER", "B-PER", "I-PER", "E-PER", "S-ORG", "B-ORG", "I-ORG", "E-ORG", "B-LOC", "I-LOC"]


@contextmanager
def sockets_refused():
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "create_connection", refuse)
        yield


@pytest.fixture(scope="module")
def fast():
    return ner.load_tagger(MODEL_DIR)


@pytest.fixture(scope="module")
def reference():
    """The Stanza-pipeline tagger, loaded with every socket refused (download_method=None fetches nothing)."""
    with sockets_refused():
        return reference_tagger.load_reference_tagger(MODEL_DIR)


@pytest.fixture(scope="module")
def corpus_sentences(corpus_pages, compiled) -> list[list[str]]:
    tokenizer = compiled.names.tokenizer
    articles = [cleaned(page, compiled) for page in corpus_pages.values()]
    return [[t.text for t in tokens] for a in articles for tokens in ner.split_article(a, tokenizer).tokens]


def test_labels_agree_with_the_stanza_pipeline_on_the_corpus(fast, reference, corpus_sentences):
    """The brief allows 0.1 % of tokens to differ; on this machine none does (bench_ner.py --agreement)."""
    ours, theirs = fast.tag(corpus_sentences), reference.tag(corpus_sentences)
    pairs = [(a, b) for s, r in zip(ours, theirs) for a, b in zip(s, r, strict=True)]
    assert len(pairs) == sum(map(len, corpus_sentences)) > 2000
    assert sum(a == b for a, b in pairs) / len(pairs) >= 0.999
    assert sum(label != "O" for label, _ in pairs) > 100


def test_both_taggers_load_and_tag_with_every_socket_refused(reference):
    with sockets_refused():
        fresh = ner.load_tagger(MODEL_DIR)
        sentence = ["Presiden", "Rusia", "Vladimir", "Putin", "tiba", "di", "Moskow", "kemarin", "."]
        assert fresh.tag([sentence])[0] == reference.tag([sentence])[0]
        assert fresh.tag([sentence])[0][2:4] == ["B-PER", "I-PER"]


def test_bilstm_matches_torch_lstm():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(6, 5, 1, batch_first=True, bidirectional=True)
    h0, c0 = torch.randn(2, 1, 5), torch.randn(2, 1, 5)
    lengths = [7, 4, 4, 1]
    inputs = torch.randn(len(lengths), max(lengths), 6)
    with torch.no_grad():
        output, (h_n, _) = lstm(pack_padded_sequence(inputs, lengths, batch_first=True),
                                (h0.expand(-1, 4, -1).contiguous(), c0.expand(-1, 4, -1).contiguous()))
        expected, _ = pad_packed_sequence(output, batch_first=True)
        ours = tagger.BiLSTM(lstm, h0, c0)
        packing = tagger.Packing.of(lengths)
        rows = np.arange(inputs.shape[0] * inputs.shape[1]).reshape(inputs.shape[:2])
        states = ours(ours.project(inputs.reshape(-1, 6)), rows, packing)
        final = ours(ours.project(inputs.reshape(-1, 6)), rows, packing, last_only=True)
    forward = states[0].numpy()[packing.positions()]
    backward = states[1].numpy()[packing.positions(backwards=True)]
    got = np.concatenate([forward, backward], -1)
    mask = packing.mask
    np.testing.assert_allclose(got[mask], expected.numpy()[mask], atol=1e-5)
    np.testing.assert_allclose(final.numpy(), h_n.numpy(), atol=1e-5)


def test_viterbi_matches_stanza():
    from stanza.models.common.crf import viterbi_decode

    rng = np.random.default_rng(3)
    lengths = np.array([9, 6, 6, 2, 1])
    scores = rng.normal(size=(5, 9, 17)).astype(np.float32)
    transitions = rng.normal(size=(17, 17)).astype(np.float32)
    paths = tagger.viterbi(scores, lengths, transitions)
    for row, n in enumerate(lengths):
        assert paths[row, :n].tolist() == [int(i) for i in viterbi_decode(scores[row, :n], transitions)[0]]


def test_fix_singleton_tags_matches_stanza():
    from stanza.models.ner.trainer import fix_singleton_tags

    rng = random.Random(5)
    for _ in range(300):
        tags = [rng.choice(TAGS) for _ in range(rng.randint(1, 8))]
        assert tagger.fix_singleton_tags(tags) == fix_singleton_tags(tags), tags


def test_vocab_lookups_match_stanza():
    """Lower-casing, the space in a pretrained word, unknown words: the ids Stanza's vocab classes give."""
    from stanza.models.ner.vocab import MultiVocab

    checkpoint = torch.load(MODEL_DIR / ner.MODEL_FILE, map_location="cpu", weights_only=True)
    theirs = MultiVocab.load_state_dict(checkpoint["vocab"])
    ours = {name: tagger.Vocab.from_state(checkpoint["vocab"][name], checkpoint["vocab"]["_key2class"][name])
            for name in ("word", "delta", "char")}
    for token in ["yang", "Presiden", "JAKARTA", "tidak ada", "Zhaparov", "xqzwv", ",", "ke-80", "US$"]:
        for name in ("word", "delta"):
            assert ours[name].id(token.lower()) == theirs[name].unit2id(token.lower()), (name, token)
        assert [ours["char"].id(c) for c in token] == theirs["char"].map(list(token))


def test_identical_sentences_are_tagged_once(monkeypatch):
    fresh = ner.load_tagger(MODEL_DIR)
    batches = []
    run_batch = fresh._tag_batch
    monkeypatch.setattr(fresh, "_tag_batch", lambda batch: batches.append(list(batch)) or run_batch(batch))
    sentence = ["Menteri", "Luar", "Negeri", "Retno", "Marsudi", "tiba", "."]
    first = fresh.tag([sentence, ["Ia", "pulang", "."], sentence])
    again = fresh.tag([sentence])
    assert first[0] == first[2] == again[0] and first[0][3:5] == ["B-PER", "I-PER"]
    assert [len(b) for b in batches] == [2]


def test_bounded_caches_give_the_same_labels(monkeypatch, fast, corpus_sentences):
    expected = fast.tag(corpus_sentences)
    monkeypatch.setattr(tagger, "TOKEN_CACHE", 300)
    monkeypatch.setattr(tagger, "SENTENCE_CACHE", 10)
    monkeypatch.setattr(tagger, "BATCH_TOKENS", 200)
    small = ner.load_tagger(MODEL_DIR)
    assert small.tag(corpus_sentences) == expected
    assert len(small.sentences) <= 10 and len(small.tokens.rows) <= 300


@pytest.mark.parametrize("token, expected", [
    ("Jakarta", "Jakarta"),
    ("x" * 64, "x" * 64),
    ("a" * 40 + "b" * 60, "a" * 32 + "b" * 32),
])
def test_char_window_keeps_head_and_tail(token, expected):
    assert tagger.char_window(token) == expected


def test_over_long_tokens_reach_the_char_model_capped(fast):
    """A token of 200,000 characters costs what a 64-character one does; its neighbours keep their labels."""
    sentence = ["Presiden", "Joko", "Widodo", "." * 200_000, "tiba", "di", "Jakarta"]
    labels = fast.tag([sentence])[0]
    assert labels[1:3] == ["B-PER", "I-PER"] and labels[3] == "O" and labels[6] == "B-LOC"


def test_models_with_other_options_are_refused():
    config = {"char": True, "charlm": True, "input_transform": True, "num_layers": 1, "char_num_layers": 1}
    with pytest.raises(ValueError, match="char model"):
        tagger._check_supported(config, MODEL_DIR / ner.MODEL_FILE)

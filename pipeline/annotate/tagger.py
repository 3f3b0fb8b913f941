"""The project's NER model run directly on tensors built here, without Stanza's Pipeline, Document or DataLoader.

The model is Stanza's ``NERTagger`` (stanza/models/ner/model.py, Stanza 1.15), loaded from its two files with
``torch.load`` alone (no Stanza import, no network). In eval mode it computes, per sentence:

1. for each token, a word vector: the pretrained vector of the lower-cased token (``word`` vocab; a space in
   a token is looked up as U+00A0) plus the trained delta vector of the lower-cased token (``delta`` vocab);
   where the delta vocab says UNK but the pretrained vocab knows the word, the delta is PAD (a zero vector);
2. for each token, a character vector: the final hidden states of the char BiLSTM over its characters (case
   kept; forward state after the last character, backward state after the first), started from the trained
   ``charlstm_h_init`` / ``charlstm_c_init``;
3. both concatenated → ``input_transform`` (a Linear layer) → the word BiLSTM (``taggerlstm_h_init`` /
   ``c_init``, zeros) → the tag Linear layer → CRF emission scores, decoded by Viterbi with the CRF
   transition matrix. Ids below 4 (PAD, UNK, EMPTY, ROOT) become ``O``; ``fix_singleton_tags`` repairs lone
   B-/E- tags.

Dropout, word dropout and locked dropout do nothing in eval mode and are left out. Steps 1-2, the
``input_transform`` and the word BiLSTM's input projection depend on the token alone, so they run once per
distinct token (the first three cached across calls); identical sentences are tagged once; the word BiLSTM
runs both directions of a whole length-sorted batch at once, with no padding computed. Labels agree with the
Stanza pipeline (pipeline/annotate/reference_tagger.py) on the NER-UI test split (``bench/bench_ner.py --agreement``).

Memory is bounded whatever the input: the char BiLSTM reads at most ``MAX_TOKEN_CHARS`` characters of a
token, the word BiLSTM at most ``BATCH_TOKENS`` tokens at a time, and sentences arrive at most
``pipeline.annotate.ner.MAX_SENTENCE_TOKENS`` long (``ner.tag_in_windows``).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import torch
from torch import nn

# The longest token in the training data has 37 characters; 64 keeps every word and most URLs whole, while
# a 200,000-character run of dots costs the char LSTM what a 64-character word does (models/README.md).
MAX_TOKEN_CHARS = 64
# Tokens per word-BiLSTM batch: its working memory is ~10 KB per token (the input projections of both
# directions and their hidden states). Larger batches gained < 5 % (bench/bench_ner.py).
BATCH_TOKENS = 4096
TOKEN_CACHE = 50_000         # distinct tokens whose input vectors are kept (50,000 x 300 floats = 60 MB)
SENTENCE_CACHE = 20_000      # distinct sentences whose labels are kept (syndicated copies repeat paragraphs)
PAD_ID, UNK_ID, EMPTY_ID, FIRST_TAG_ID = 0, 1, 2, 4     # stanza.models.common.vocab: PAD, UNK, EMPTY, ROOT


def char_window(token: str, limit: int = MAX_TOKEN_CHARS) -> str:
    """The characters the char BiLSTM reads: all of them, or the first and last ``limit // 2``.

    The forward LSTM's final state depends mostly on a word's last characters and the backward one's on its
    first, so head and tail keep the closest reading of an over-long token."""
    return token if len(token) <= limit else token[:limit // 2] + token[-(limit - limit // 2):]


def fix_singleton_tags(tags: list[str]) -> list[str]:
    """stanza.models.ner.trainer.fix_singleton_tags: I- at the edge of an entity → B-/E-, lone B-/E- → S-."""
    new = list(tags)
    for i, tag in enumerate(new):
        if tag.startswith("I-"):
            kind = tag[2:]
            if i == len(new) - 1 or new[i + 1] not in ("I-" + kind, "E-" + kind):
                new[i] = "E-" + kind
            if i == 0 or new[i - 1] not in ("B-" + kind, "I-" + kind):
                new[i] = "B-" + kind
    for i, tag in enumerate(new):
        kind = tag[2:]
        if tag.startswith("B-") and (i == len(new) - 1 or new[i + 1] not in ("I-" + kind, "E-" + kind)):
            new[i] = "S-" + kind
        if tag.startswith("E-") and (i == 0 or new[i - 1] not in ("B-" + kind, "I-" + kind)):
            new[i] = "S-" + kind
    return new


def to_bio(tags: Sequence[str]) -> list[str]:
    """BIOES tags → BIO (S- → B-, E- → I-)."""
    return ["B-" + t[2:] if t.startswith("S-") else "I-" + t[2:] if t.startswith("E-") else t for t in tags]


def viterbi(scores: np.ndarray, lengths: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Best tag ids per sentence for a batch: scores (batch, time, tags), padded past each length.

    The float32 arithmetic of stanza.models.common.crf.viterbi_decode, for all sentences at once."""
    batch, steps, _ = scores.shape
    trellis = scores[:, 0].copy()
    backpointers = np.zeros(scores.shape, dtype=np.int64)
    for t in range(1, steps):
        candidates = trellis[:, :, None] + transitions[None]          # previous tag x next tag
        backpointers[:, t] = candidates.argmax(axis=1)
        trellis = np.where((t < lengths)[:, None], scores[:, t] + candidates.max(axis=1), trellis)
    rows, current = np.arange(batch), trellis.argmax(axis=1)
    path = np.zeros((batch, steps), dtype=np.int64)
    for t in range(steps - 1, -1, -1):
        active = t < lengths
        path[active, t] = current[active]
        if t:
            current = np.where(active, backpointers[rows, t, current], current)
    return path


@dataclass(frozen=True)
class Packing:
    """Where each token of a length-sorted batch sits in the time-major packed order of either direction
    (step t holds the t-th token of every sentence longer than t; backwards, the t-th token from the end)."""

    lengths: np.ndarray       # (batch,), decreasing
    mask: np.ndarray          # (batch, time): a real token
    reverse: np.ndarray       # (batch, time): position of the token read at step t backwards
    counts: np.ndarray        # (time,): sentences still running at step t
    offsets: np.ndarray       # (time,): where step t starts in the packed order

    @classmethod
    def of(cls, lengths: Sequence[int]) -> "Packing":
        lengths = np.asarray(lengths)
        steps = np.arange(lengths[0])
        mask = steps[None] < lengths[:, None]
        reverse = np.where(mask, lengths[:, None] - 1 - steps[None], 0)
        counts = mask.sum(0)
        return cls(lengths, mask, reverse, counts, np.concatenate([[0], np.cumsum(counts)[:-1]]))

    def packed(self, values: np.ndarray, backwards: bool = False) -> np.ndarray:
        """(batch, time) values → packed order."""
        if backwards:
            values = np.take_along_axis(values, self.reverse, 1)
        return values.T[self.mask.T]

    def positions(self, backwards: bool = False) -> np.ndarray:
        """(batch, time) index of each token in the packed order (0 for padding)."""
        steps = self.reverse if backwards else np.broadcast_to(np.arange(self.mask.shape[1]), self.mask.shape)
        return np.where(self.mask, self.offsets[steps] + np.arange(len(self.lengths))[:, None], 0)


class BiLSTM:
    """A one-layer bidirectional ``nn.LSTM`` run step by step on both directions at once.

    The input projection is a table computed once per distinct input (``project``), read row by row at each
    step. tanh is computed as 2 sigmoid(2x) - 1 (2.3x faster than torch's tanh on this CPU; the same to
    ~1e-7): the weights of the g gate are doubled (exactly) so that one sigmoid covers all four gates."""

    def __init__(self, lstm: nn.LSTM, h0: torch.Tensor, c0: torch.Tensor):
        hidden = self.hidden = lstm.hidden_size
        scale = torch.ones(4 * hidden, 1)
        scale[2 * hidden:3 * hidden] = 2                                  # gates i f g o: g doubled
        param = {name: value.detach() for name, value in lstm.named_parameters()}
        directions = ("_l0", "_l0_reverse")
        self.w_input = torch.cat([param["weight_ih" + d] * scale for d in directions]).t().contiguous()
        self.bias = torch.cat([(param["bias_ih" + d] + param["bias_hh" + d]) * scale[:, 0] for d in directions])
        self.w_hidden = torch.stack([(param["weight_hh" + d] * scale).t() for d in directions]).contiguous()
        self.h0, self.c0 = h0.detach(), c0.detach()                       # (2 directions, 1, hidden)

    def project(self, inputs: torch.Tensor) -> torch.Tensor:
        """Input projections of input vectors (n, features): rows 2i and 2i + 1 for the two directions of i."""
        return torch.addmm(self.bias, inputs, self.w_input).view(-1, 4 * self.hidden)

    def __call__(self, projected: torch.Tensor, rows: np.ndarray, packing: Packing,
                 last_only: bool = False) -> torch.Tensor:
        """Hidden states (2 directions, packed order, hidden), where token (b, t) of the batch reads its input
        projections at ``rows[b, t]`` of ``project``'s table; with ``last_only``, (2, batch, hidden): each
        sequence's state after its last step (backwards: after its first token)."""
        index = torch.from_numpy(np.stack([2 * packing.packed(rows), 2 * packing.packed(rows, backwards=True) + 1]))
        hidden, size = self.hidden, len(packing.lengths)
        h, c = self.h0.expand(-1, size, -1), self.c0.expand(-1, size, -1)
        outputs, ends = [], np.append(packing.counts[1:], 0)
        for offset, n, still in zip(packing.offsets.tolist(), packing.counts.tolist(), ends.tolist()):
            step_input = projected.index_select(0, index[:, offset:offset + n].reshape(-1)).view(2, n, -1)
            gates = torch.baddbmm(step_input, h[:, :n], self.w_hidden).sigmoid_()
            i, f, g, o = gates.split(hidden, dim=2)
            c = torch.addcmul(f * c[:, :n], i, g.mul(2).sub_(1))
            h = (2 * c).sigmoid_().mul_(2).sub_(1).mul_(o)
            if not last_only:
                outputs.append(h)
            elif still < n:                       # sequences still..n-1 end at this step
                outputs.append(h[:, still:])
        return torch.cat(outputs[::-1] if last_only else outputs, 1)


@dataclass
class Vocab:
    """One Stanza vocab as saved in the model file: ``_unit2id``, ``lower``, and for ``WordVocab`` ``ignore``."""

    ids: dict
    lower: bool
    ignore: frozenset = frozenset()
    spaces_as_nbsp: bool = False      # PretrainedWordVocab.normalize_unit

    @classmethod
    def from_state(cls, state: dict, kind: str) -> "Vocab":
        return cls(dict(state["_unit2id"]), bool(state["lower"]), frozenset(state.get("ignore") or ()),
                   kind == "PretrainedWordVocab")

    def id(self, unit: str) -> int:
        if unit in self.ignore:
            return EMPTY_ID
        if self.lower:
            unit = unit.lower()
        if self.spaces_as_nbsp:
            unit = unit.replace(" ", "\xa0")
        return self.ids.get(unit, UNK_ID)


class Network(nn.Module):
    """The NERTagger's layers used at inference, with its weights."""

    def __init__(self, config: dict, state: dict, vectors: torch.Tensor):
        super().__init__()
        self.word_emb = nn.Embedding.from_pretrained(vectors.float())
        self.delta_emb = nn.Embedding.from_pretrained(state["delta_emb.weight"])
        char_lstm = nn.LSTM(config["char_emb_dim"], config["char_hidden_dim"], 1, bidirectional=True)
        self.input_transform = nn.Linear(*state["input_transform.weight"].shape[::-1])
        word_lstm = nn.LSTM(self.input_transform.out_features, config["hidden_dim"], 1, bidirectional=True)
        self.classifier = nn.Linear(2 * config["hidden_dim"], state["tag_clfs.0.weight"].shape[0])
        for module, prefix in ((char_lstm, "charmodel.charlstm.lstm."), (word_lstm, "taggerlstm.lstm."),
                               (self.input_transform, "input_transform."), (self.classifier, "tag_clfs.0.")):
            module.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})
        self.char_lstm = BiLSTM(char_lstm, state["charmodel.charlstm_h_init"], state["charmodel.charlstm_c_init"])
        with torch.inference_mode():    # a character's input projection depends on the character alone
            self.char_projections = self.char_lstm.project(state["charmodel.char_emb.weight"])
        self.word_lstm = BiLSTM(word_lstm, state["taggerlstm_h_init"], state["taggerlstm_c_init"])
        self.transitions = state["crits.0._transitions"].numpy().astype(np.float32)
        self.eval()

    def token_vectors(self, words: torch.Tensor, deltas: torch.Tensor, chars: np.ndarray,
                      packing: Packing) -> torch.Tensor:
        """The word BiLSTM's input for each token: (token, character) ids, tokens by decreasing length."""
        final = self.char_lstm(self.char_projections, chars, packing, last_only=True)
        char_vectors = torch.cat([final[0], final[1]], 1)
        word_vectors = self.word_emb(words) + self.delta_emb(deltas)
        return self.input_transform(torch.cat([word_vectors, char_vectors], 1))

    def emissions(self, inputs: torch.Tensor, rows: np.ndarray, packing: Packing) -> np.ndarray:
        """CRF emission scores (batch, time, tags) of the batch whose token (b, t) is ``inputs[rows[b, t]]``."""
        distinct, where = np.unique(rows[packing.mask], return_inverse=True)
        local = np.zeros_like(rows)
        local[packing.mask] = where
        projected = self.word_lstm.project(inputs[torch.from_numpy(distinct)])
        states = self.word_lstm(projected, local, packing)
        hidden, weight = self.word_lstm.hidden, self.classifier.weight
        from_forward = (states[0] @ weight[:, :hidden].t()).numpy()
        from_backward = (states[1] @ weight[:, hidden:].t()).numpy()
        return (from_forward[packing.positions()] + from_backward[packing.positions(backwards=True)]
                + self.classifier.bias.numpy())


class TokenStore:
    """The word BiLSTM's input vector of each token seen lately (at most TOKEN_CACHE; then it starts over)."""

    def __init__(self, width: int):
        self.rows: dict[str, int] = {}
        self.vectors = torch.empty(1024, width)

    def missing(self, tokens: set[str]) -> list[str]:
        if len(self.rows) + len(tokens) > TOKEN_CACHE:
            self.rows = {}
        return sorted(t for t in tokens if t not in self.rows)

    def add(self, tokens: list[str], vectors: torch.Tensor) -> None:
        first, needed = len(self.rows), len(self.rows) + len(tokens)
        if needed > len(self.vectors):
            grown = torch.empty(max(needed, 2 * len(self.vectors)), self.vectors.shape[1])
            grown[:first] = self.vectors[:first]
            self.vectors = grown
        self.vectors[first:needed] = vectors
        self.rows.update((t, first + i) for i, t in enumerate(tokens))


class FastTagger:
    """``tag(sentences)`` → BIO labels (B-PER, I-ORG, O, ...) per sentence of token strings."""

    def __init__(self, network: Network, vocabs: dict, lowercase: bool, tag_names: list[str]):
        self.network, self.vocabs, self.lowercase, self.tag_names = network, vocabs, lowercase, tag_names
        self.tokens = TokenStore(network.input_transform.out_features)
        self.sentences: OrderedDict[tuple[str, ...], list[str]] = OrderedDict()

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """Labels per sentence; each distinct sentence is tagged once (``pipeline.annotate.ner.tag_in_windows`` caps
        their length before they get here)."""
        keys = [tuple(s) for s in sentences]
        found = {k: self.sentences[k] for k in set(keys) if k in self.sentences}
        todo = sorted((k for k in dict.fromkeys(keys) if k and k not in found), key=len, reverse=True)
        for begin, end in batches(todo):
            found.update(zip(todo[begin:end], self._tag_batch(todo[begin:end])))
        for key, labels in found.items():
            self._remember(key, labels)
        return [list(found[k]) if k else [] for k in keys]

    @torch.inference_mode()
    def _tag_batch(self, batch: list[tuple[str, ...]]) -> list[list[str]]:
        """BIO labels of sentences sorted by decreasing length."""
        self._store({t for s in batch for t in s})
        packing = Packing.of([len(s) for s in batch])
        rows = np.zeros(packing.mask.shape, dtype=np.int64)
        rows[packing.mask] = [self.tokens.rows[t] for s in batch for t in s]
        scores = self.network.emissions(self.tokens.vectors, rows, packing)
        paths = np.maximum(viterbi(scores, packing.lengths, self.network.transitions), FIRST_TAG_ID)
        return [to_bio(fix_singleton_tags([self.tag_names[i] for i in paths[b, :len(s)]]))
                for b, s in enumerate(batch)]

    def _remember(self, sentence: tuple[str, ...], labels: list[str]) -> None:
        self.sentences[sentence] = labels
        self.sentences.move_to_end(sentence)
        if len(self.sentences) > SENTENCE_CACHE:
            self.sentences.popitem(last=False)

    def _store(self, tokens: set[str]) -> None:
        missing = sorted(self.tokens.missing(tokens), key=lambda t: -len(char_window(t)))
        if not missing:
            return
        cased = [t.lower() for t in missing] if self.lowercase else missing
        words = [self.vocabs["word"].id(t) for t in cased]
        deltas = [PAD_ID if d == UNK_ID and w != UNK_ID else d
                  for w, d in zip(words, (self.vocabs["delta"].id(t) for t in cased))]
        packing = Packing.of([len(char_window(t)) for t in missing])
        chars = np.zeros(packing.mask.shape, dtype=np.int64)
        chars[packing.mask] = [self.vocabs["char"].id(c) for t in missing for c in char_window(t)]
        self.tokens.add(missing, self.network.token_vectors(torch.tensor(words), torch.tensor(deltas),
                                                            chars, packing))


def batches(todo: list[tuple[str, ...]]) -> Iterator[tuple[int, int]]:
    """(begin, end) of consecutive batches of at most BATCH_TOKENS tokens (or of one longer sentence)."""
    begin, size = 0, 0
    for end, sentence in enumerate(todo):
        if size + len(sentence) > BATCH_TOKENS and end > begin:
            yield begin, end
            begin, size = end, 0
        size += len(sentence)
    if begin < len(todo):
        yield begin, len(todo)


def load(model_path: Path, pretrain_path: Path) -> FastTagger:
    """The tagger from a Stanza NER model file and its pretrain file (``torch.load(weights_only=True)``)."""
    checkpoint = torch.load(model_path, map_location="cpu", weights_only=True)
    pretrain = torch.load(pretrain_path, map_location="cpu", weights_only=True)
    config, vocab = checkpoint["config"], checkpoint["vocab"]
    _check_supported(config, model_path)
    vocabs = {name: Vocab.from_state(vocab[name], vocab["_key2class"][name]) for name in ("word", "delta", "char")}
    network = Network(config, checkpoint["model"], pretrain["emb"])
    return FastTagger(network, vocabs, config.get("lowercase", True), list(vocab["tag"]["_id2unit"][0]))


def _check_supported(config: dict, model_path: Path) -> None:
    """This module reproduces one shape of NERTagger: the one the project's model was trained with."""
    unsupported = {
        "char model other than a plain char BiLSTM": not config.get("char") or bool(config.get("charlm"))
        or bool(config.get("char_rec_dropout")) or config.get("char_num_layers") != 1,
        "transformer embeddings": bool(config.get("bert_model")),
        "no input_transform layer": not config.get("input_transform"),
        "more than one word LSTM layer": config.get("num_layers") != 1,
        "several tag columns": bool(config.get("connect_output_layers")) or config.get("predict_tagset", 0) != 0,
    }
    found = [name for name, present in unsupported.items() if present]
    if found:
        raise ValueError(f"{model_path}: the direct tagger does not implement {', '.join(found)}")

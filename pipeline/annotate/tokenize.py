"""Rule-based tokenisation and sentence splitting of Indonesian news text, with exact character offsets.

The token shapes and abbreviation lists are data (``lexicons/tokenize_id.toml``); this module only
compiles them into one regular expression and walks the tokens to find sentence ends.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from pipeline.knowledge.problems import Problems
from pipeline.knowledge.shape import WORDS, Regex, Table, check

LEXICON = "tokenize_id"
FILE = f"lexicons/{LEXICON}.toml"
TOKEN_SHAPES = ("url", "email", "dotted", "dotted_lower", "initial", "number", "word", "possessive", "punctuation")
TOKENIZE_SHAPE = Table({
    "abbreviations": WORDS, "sentence_final": WORDS, "currencies": WORDS, "domains": WORDS,
    "patterns": Table({name: Regex() for name in TOKEN_SHAPES}),
    "sentences": Table({"terminators": WORDS, "closers": WORDS, "ambiguous_quotes": WORDS}),
})


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class SentenceSpan:
    start: int
    end: int
    tokens: tuple[Token, ...]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class Tokenizer:
    """Compiled from the ``tokenize_id`` lexicon, once per run (pipeline/compiled.py)."""

    def __init__(self, lexicon: Mapping[str, Any]):
        patterns = lexicon["patterns"]
        not_word_after = r"(?![^\W_])"
        shapes = [
            patterns["url"],
            patterns["email"],
            rf"[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.(?:{_alternation(lexicon['domains'])}){not_word_after}",
            rf"(?<![^\W_])(?:{_alternation(lexicon['abbreviations'])}){not_word_after}",
            patterns["dotted"],
            patterns["dotted_lower"],
            patterns["initial"],
            rf"(?:{_alternation(lexicon['currencies'])})(?![^\W\d_])",
            patterns["number"],
            patterns["word"],
            patterns["possessive"],
            patterns["punctuation"],
        ]
        self._token_re = re.compile("|".join(f"(?:{shape})" for shape in shapes))
        self._abbreviations = frozenset(lexicon["abbreviations"])
        self._sentence_final = frozenset(lexicon["sentence_final"])
        rules = lexicon["sentences"]
        self._terminators = frozenset(rules["terminators"])
        self._closers = frozenset(rules["closers"])
        self._quotes = frozenset(rules["ambiguous_quotes"])

    def tokenize(self, text: str) -> list[Token]:
        return [Token(m.group(), m.start(), m.end()) for m in self._token_re.finditer(text)]

    def split(self, text: str) -> list[SentenceSpan]:
        """Sentences of ``text``: a line break always ends one, and so does a terminator before a new sentence."""
        tokens = self.tokenize(text)
        sentences, begin = [], 0
        for i in range(len(tokens)):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or "\n" in text[tokens[i].end:nxt.start] or self._ends_sentence(text, tokens, begin, i):
                chunk = tuple(tokens[begin:i + 1])
                sentences.append(SentenceSpan(chunk[0].start, chunk[-1].end, chunk))
                begin = i + 1
        return sentences

    def _ends_sentence(self, text: str, tokens: list[Token], begin: int, i: int) -> bool:
        here, nxt = tokens[i], tokens[i + 1]
        if here.text in self._sentence_final:
            return nxt.text[0].isupper()
        if self._is_closer(text, here):
            prev = tokens[i - 1] if i > begin else None
            closed = prev is not None and (prev.text in self._terminators or self._is_closer(text, prev))
            return closed and self._starts_sentence(text, nxt)
        if here.text in self._terminators:
            return self._starts_sentence(text, nxt)
        return False

    def _is_closer(self, text: str, token: Token) -> bool:
        """A closing bracket, or a straight quote glued to the word before it and not to the word after."""
        if token.text in self._closers:
            return True
        if token.text not in self._quotes:
            return False
        glued_before = token.start > 0 and not text[token.start - 1].isspace()
        glued_after = token.end < len(text) and text[token.end].isalnum()
        return glued_before and not glued_after

    def _starts_sentence(self, text: str, nxt: Token) -> bool:
        if self._is_closer(text, nxt) or nxt.text in self._terminators:
            return False
        return not (nxt.text[0].islower() or nxt.text in {",", ";", ":", ")", "]"})


def compile_tokenizer(lexicon: Mapping[str, Any] | None, problems: Problems) -> Tokenizer | None:
    """The tokenizer of the tokenize_id lexicon, or None when it is missing or broken (every problem reported)."""
    if lexicon is None or not check(problems, FILE, lexicon, TOKENIZE_SHAPE):
        return None
    return Tokenizer(lexicon)

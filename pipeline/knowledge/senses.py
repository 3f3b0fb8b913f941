"""Senses of trigger words that are no international political event: "bertemu" in a match report, "menemui
ajalnya", "mengunjungi situs", "bergabung dengan klub", "sepakat dengan pendapat" (``lexicons/senses_id.toml``).

A sense names the event types it silences, where its patterns are looked for (after or before the trigger, in
the trigger's sentence, or across the whole article) and carries its own examples and counter-examples.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from pipeline.knowledge.problems import Problems
from pipeline.knowledge.shape import ListOf, Choice, Regex, Table, check

WHERE = ("after", "before", "sentence", "article")
WORD_CHARS = 40           # characters a word may take, with its spaces: "after"/"before" read no further
FILE = "lexicons/senses_id.toml"
SENSES_SHAPE = Table({"sense": ListOf(Table(
    {"id": str, "event_types": ListOf(str, non_empty=True), "where": Choice(WHERE),
     "patterns": ListOf(Regex(), non_empty=True)},
    {"window": int, "min_distinct": int, "examples": ListOf(str), "counter_examples": ListOf(str)}), unique="id")})


@dataclass(frozen=True)
class Sense:
    id: str
    event_types: frozenset[str]
    where: str
    patterns: tuple[re.Pattern, ...]
    window: int = 4                 # words looked at after/before the trigger
    min_distinct: int = 1           # "article": different matching words needed
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()

    def applies_to_article(self, text: str) -> bool:
        found = {m.group(0).casefold() for p in self.patterns for m in p.finditer(text)}
        return len(found) >= self.min_distinct

    def applies_near(self, text: str, sentence_start: int, sentence_end: int, start: int, end: int,
                     in_sentence: Callable[[re.Pattern], bool] | None = None) -> bool:
        """Whether the sense shows around the trigger text[start:end] inside its sentence (``in_sentence``, when
        given, answers for a "sentence" sense whether a pattern matches in that sentence)."""
        if self.where == "sentence":
            if in_sentence is not None:
                return any(in_sentence(p) for p in self.patterns)
            region = text[sentence_start:sentence_end]
        elif self.where == "after":
            reach = min(sentence_end, end + WORD_CHARS * self.window)
            region = " ".join(text[end:reach].split()[:self.window])
            region = " " + region if region else region
        else:
            reach = max(sentence_start, start - WORD_CHARS * self.window)
            region = " ".join(text[reach:start].split()[-self.window:])
            region = region + " " if region else region
        return any(p.search(region) for p in self.patterns)


def _sense(raw: Mapping[str, Any]) -> Sense:
    return Sense(raw["id"], frozenset(raw["event_types"]), raw["where"],
                 tuple(re.compile(value, re.IGNORECASE) for value in raw["patterns"]),
                 int(raw.get("window", 4)), int(raw.get("min_distinct", 1)),
                 tuple(raw.get("examples", ())), tuple(raw.get("counter_examples", ())))


def compile_senses(lexicon: Mapping[str, Any] | None, event_types: Iterable[str],
                   problems: Problems) -> tuple[Sense, ...] | None:
    """The senses of the lexicon, or None when it is missing or broken (every problem reported)."""
    if lexicon is None or not check(problems, FILE, lexicon, SENSES_SHAPE):
        return None
    reported, known = len(problems), set(event_types)
    for i, raw in enumerate(lexicon["sense"]):
        step = ("sense", (i, raw["id"]))
        for name in sorted(set(raw["event_types"]) - known):
            problems.add(FILE, (*step, "event_types"), f"names unknown event type {name!r} (known: "
                                                      f"{', '.join(event_types)})", needle=name)
    return tuple(_sense(raw) for raw in lexicon["sense"]) if len(problems) == reported else None


def article_senses(all_senses: tuple[Sense, ...], text: str) -> frozenset[str]:
    """Ids of the article-wide senses that hold for this article's text (title and body)."""
    return frozenset(s.id for s in all_senses if s.where == "article" and s.applies_to_article(text))


def silencing(all_senses: tuple[Sense, ...], event_type: str, text: str, sentence_start: int, sentence_end: int,
              start: int, end: int, in_article: frozenset[str],
              in_sentence: Callable[[re.Pattern], bool] | None = None) -> Sense | None:
    """The first sense that takes this trigger out of the political sense for ``event_type``, if any."""
    for sense in all_senses:
        if event_type not in sense.event_types:
            continue
        if sense.id in in_article if sense.where == "article" else sense.applies_near(
                text, sentence_start, sentence_end, start, end, in_sentence):
            return sense
    return None

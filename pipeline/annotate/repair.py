"""Scraped-text repair before tokenising, the last step of the clean stage: zero-width characters inside words
removed, compatibility forms (fullwidth letters, ligatures) folded by NFKC, and words glued where links were
("PresidenWidodo", "danUni Eropa", "Subiantomenerima") split where the lexicons make the boundary certain.

The article's body and captions *are* the repaired text: every offset the tables hold indexes it. Each change
is a ``Repair`` (field, offset into the repaired text, original, repaired, rule), kept in text order, so that
``rebuild`` gives back the text as the cleaner cut it. The word lists are data (``lexicons/repair_id.toml``);
the names come from the country, organisation, leader and capital tables and the title heads.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from pipeline.knowledge.problems import Problems
from pipeline.knowledge.shape import WORDS, ListOf, Table, check
from pipeline.record import Repair

LEXICON = "repair_id"
FILE = f"lexicons/{LEXICON}.toml"
_EXAMPLES = ListOf(ListOf(str, size=2))
REPAIR_SHAPE = Table({
    "characters": Table({"zero_width": WORDS, "fold_tags": WORDS, "ligatures": ListOf(str),
                         "examples": _EXAMPLES, "counter_examples": ListOf(str)}),
    "glue": Table({"function_words": WORDS, "title_words": ListOf(str), "verb_prefixes": WORDS,
                   "verb_min_letters": int, "keep": ListOf(str), "keep_prefixes": ListOf(str), "examples": _EXAMPLES,
                   "counter_examples": ListOf(str)}),
})
ZERO_WIDTH_RULE = "char.zero-width"
NFKC_RULE = "char.nfkc"
TITLE_RULE = "glue.title"
FUNCTION_WORD_RULE = "glue.function-word"
NAME_RULE = "glue.name"
NAME_WORD_RULE = "glue.name-word"
_LATIN_END = 0x250              # letters from here on are of other scripts than Latin
_BMP_END = 0xFFFF
_LAST_CODEPOINT = 0x20000       # every fullwidth, halfwidth and mathematical letter lies below
MIN_NAME_LETTERS = 4            # a known name a glued word may start with: "Iran", "Jepang" ...
MIN_ACRONYM_LETTERS = 3         # ... or an acronym: "PBB", "ASEAN"
MIN_LEFT_LETTERS = 3            # a lower-case word glued to a name: "negaraJepang"
MIN_FIRST_LETTERS = 3           # the first word of a known name a glued word ends with: "Uni" (Eropa)
MIN_TITLE_LETTERS = 2           # a title word: "Bu", "Presiden"
_WORD = re.compile(r"[^\W\d_]{4,}")
_NAME_WORDS = re.compile(r"[^\W\d_]+")
_LINK_MARKS = ("/", "@", "#", "=", "www.")
_WORD_START = re.compile(r"[A-Z]{2,}|[A-Z][a-z]{2,}")   # what a split-off right part starts with: "Uni", "AS"


@dataclass(frozen=True)
class RepairRules:
    characters: re.Pattern                  # one character to remove or fold, or any beyond the BMP
    astral: frozenset[str]                  # those beyond the BMP to fold
    removed: frozenset[str]                 # the zero-width characters
    function_words: frozenset[str]
    title_words: frozenset[str]             # casefolded first words of the title heads: "presiden", "wali"
    title_tails: frozenset[str]             # casefolded other words of the heads: "negeri" (Menteri Luar Negeri)
    verb_prefixes: tuple[str, ...]
    verb_min_letters: int
    keep: frozenset[str]
    keep_prefixes: tuple[str, ...]          # a brand family: detikBali, detikJabar
    first_names: frozenset[str]             # first words of the known names: "Uni", "Jepang", "Prabowo"
    last_names: frozenset[str]              # last words: "Eropa", "Jepang", "Subianto"
    by_prefix: Mapping[str, tuple[str, ...]]   # last_names by their first three letters, longest first


# ---------------------------------------------------------------- the stage step

def repair_text(text: str, rules: RepairRules, field: str) -> tuple[str, tuple[Repair, ...]]:
    """``text`` repaired, and the repairs in text order (offsets into the repaired text)."""
    edits = _character_edits(text, rules)
    folded = _apply(text, edits)
    splits = _glue_splits(folded, rules)
    if not edits and not splits:
        return text, ()
    return _merge(text, edits, splits, field)


def rebuild(text: str, repairs: Iterable[Repair]) -> str:
    """The text before ``repairs`` (one field's, in the order ``repair_text`` gave them)."""
    for r in reversed(tuple(repairs)):
        text = text[:r.offset] + r.original + text[r.offset + len(r.repaired):]
    return text


# ---------------------------------------------------------------- characters

def _character_edits(text: str, rules: RepairRules) -> list[tuple[int, str, str]]:
    """(offset in ``text``, replacement, rule) per character removed or folded."""
    edits = []
    for match in rules.characters.finditer(text):
        char, at = match.group(), match.start()
        if char > "\uffff" and char not in rules.astral:
            continue
        if char in rules.removed:
            if not _beside_other_script(text, at):
                edits.append((at, "", ZERO_WIDTH_RULE))
        else:
            edits.append((match.start(), unicodedata.normalize("NFKC", char), NFKC_RULE))
    return edits


def _beside_other_script(text: str, at: int) -> bool:
    """A zero-width joiner or non-joiner between Arabic or Indic letters is spelling, not debris."""
    return any(0 <= i < len(text) and text[i].isalpha() and ord(text[i]) >= _LATIN_END for i in (at - 1, at + 1))


def _apply(text: str, edits: list[tuple[int, str, str]]) -> str:
    parts, at = [], 0
    for offset, replacement, _ in edits:
        parts += [text[at:offset], replacement]
        at = offset + 1
    return "".join(parts) + text[at:]


# ---------------------------------------------------------------- glued words

def _glue_splits(text: str, rules: RepairRules) -> list[tuple[int, str]]:
    """(offset in ``text``, rule) of each space to insert."""
    splits = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word.islower() or word in rules.keep or (
                word.istitle() and word[:MIN_ACRONYM_LETTERS] not in rules.by_prefix):   # "Presiden": no cut
            continue
        cuts = split_word(word, rules)
        if cuts and not _in_link_or_tag(text, match.start(), match.end()):
            splits += [(match.start() + at, rule) for at, rule in cuts]
    return splits


def _in_link_or_tag(text: str, start: int, end: int) -> bool:
    """The word is part of an address, a hashtag or a handle ("#SaveHutan", "youtu.be/xYz"): never split."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return any(mark in text[start:end] for mark in _LINK_MARKS)


def split_word(word: str, rules: RepairRules) -> list[tuple[int, str]]:
    """Where a space goes inside ``word`` (offsets into it), and by which rule."""
    bounds = [i for i in range(1, len(word)) if word[i - 1].islower() and word[i].isupper()]
    cuts, left_start = [], 0
    for n, at in enumerate(bounds):
        right = word[at:bounds[n + 1] if n + 1 < len(bounds) else len(word)]
        rule = _camel_rule(word[left_start:at], right, left_start == 0 and word[0].islower(), rules)
        if rule:
            cuts.append((at, rule))
        left_start = at
    pieces = zip([0] + [at for at, _ in cuts], [at for at, _ in cuts] + [len(word)])
    for start, end in pieces:
        name_end = _name_then_word(word[start:end], rules)
        if name_end:
            cuts.append((start + name_end, NAME_WORD_RULE))
    return sorted(cuts)


def _camel_rule(left: str, right: str, starts_lower: bool, rules: RepairRules) -> str | None:
    """The rule that splits "leftRight", if any."""
    if not _WORD_START.match(right) or left.endswith(rules.keep_prefixes):
        return None
    if left in rules.function_words:
        return FUNCTION_WORD_RULE
    if left.casefold() in rules.title_words:
        return TITLE_RULE
    names_right = right in rules.first_names or right.casefold() in rules.title_words or bool(
        _name_then_word(right, rules))
    left_ok = ((starts_lower and len(left) >= MIN_LEFT_LETTERS and left.islower())
               or left.casefold() in rules.function_words or left.casefold() in rules.title_tails
               or left in rules.last_names)
    return NAME_RULE if names_right and left_ok else None


def _name_then_word(piece: str, rules: RepairRules) -> int | None:
    """Where the known name a capitalised piece starts with ends, when a function word or a verb is glued on."""
    if piece in rules.last_names or piece in rules.first_names or piece in rules.keep:
        return None
    for name in rules.by_prefix.get(piece[:MIN_ACRONYM_LETTERS], ()):
        rest = piece[len(name):]
        if piece.startswith(name) and rest.islower() and (rest in rules.function_words or (
                len(rest) >= rules.verb_min_letters and rest.startswith(rules.verb_prefixes))):
            return len(name)
    return None


# ---------------------------------------------------------------- offsets

def _merge(text: str, edits: list[tuple[int, str, str]], splits: list[tuple[int, str]],
           field: str) -> tuple[str, tuple[Repair, ...]]:
    """One walk over the character edits (offsets into ``text``) and the spaces (offsets into the text after the
    character edits), writing the repaired text and its repairs."""
    writer = _Writer(field)
    at = folded_at = 0              # the same place in ``text`` and in the text after the character edits
    pending = [*sorted(splits, reverse=True)]
    for offset, replacement, rule in [*edits, (len(text), "", "")]:
        while pending and pending[-1][0] <= folded_at + offset - at:
            split_at, split_rule = pending.pop()
            writer.keep(text[at:at + split_at - folded_at])
            at, folded_at = at + split_at - folded_at, split_at
            writer.repair("", " ", split_rule)
        writer.keep(text[at:offset])
        folded_at += offset - at
        if rule:
            writer.repair(text[offset], replacement, rule)
            folded_at += len(replacement)
        at = offset + 1
        while pending and pending[-1][0] < folded_at:       # inside a folded ligature: never split there
            pending.pop()
    return "".join(writer.parts), tuple(writer.repairs)


class _Writer:
    """The repaired text as it is written, and its repairs; neighbouring repairs of one rule become one."""

    def __init__(self, field: str):
        self.field, self.parts, self.repairs, self.length = field, [], [], 0

    def keep(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def repair(self, original: str, repaired: str, rule: str) -> None:
        last = self.repairs[-1] if self.repairs else None
        if last and last.rule_id == rule and last.offset + len(last.repaired) == self.length:
            self.repairs[-1] = Repair(self.field, last.offset, last.original + original, last.repaired + repaired,
                                      rule)
        else:
            self.repairs.append(Repair(self.field, self.length, original, repaired, rule))
        self.keep(repaired)


# ---------------------------------------------------------------- compiling

def compile_repair_rules(lexicons: Mapping[str, Any], problems: Problems) -> RepairRules | None:
    """The repair rules of repair_id.toml, with the names of the country, organisation, leader and capital tables
    and the title heads of person_titles.toml; None when repair_id.toml is missing or broken."""
    lexicon = lexicons[LEXICON]
    if lexicon is None or not check(problems, FILE, lexicon, REPAIR_SHAPE):
        return None
    chars, glue = lexicon["characters"], lexicon["glue"]
    function_words = frozenset(glue["function_words"])
    titles, tails = _title_words(lexicons.get("person_titles"), glue["title_words"])
    first, last = _name_words(_names(lexicons), function_words, titles | tails)
    by_prefix: dict[str, list[str]] = {}
    for name in sorted(last, key=len, reverse=True):
        by_prefix.setdefault(name[:MIN_ACRONYM_LETTERS], []).append(name)
    characters, astral = _character_class(chars["zero_width"], chars["fold_tags"], chars["ligatures"])
    return RepairRules(
        characters=characters, astral=astral,
        removed=frozenset(chars["zero_width"]), function_words=function_words, title_words=titles, title_tails=tails,
        verb_prefixes=tuple(glue["verb_prefixes"]), verb_min_letters=glue["verb_min_letters"],
        keep=frozenset(glue["keep"]), keep_prefixes=tuple(glue["keep_prefixes"]), first_names=first, last_names=last,
        by_prefix={k: tuple(v) for k, v in by_prefix.items()})


def _character_class(zero_width: list[str], tags: list[str], ligatures: list[str]) -> tuple[re.Pattern, frozenset]:
    """A pattern finding each character to remove or fold, and the folded characters beyond the BMP (the
    pattern finds any such character; these are the ones to fold)."""
    wanted = tuple(f"<{tag}>" for tag in tags)
    folded = [c for c in range(_LAST_CODEPOINT) if unicodedata.decomposition(chr(c)).startswith(wanted)]
    codes = sorted({*folded, *map(ord, zero_width), *map(ord, ligatures)})
    bmp = "".join(_range(run) for run in _runs([c for c in codes if c <= _BMP_END]))
    # sre searches a class of BMP characters as one bitmap, but a class reaching beyond it range by range
    return re.compile(f"[{bmp}]|[^\\x00-\\uffff]"), frozenset(chr(c) for c in codes if c > _BMP_END)


def _runs(codes: list[int]) -> list[tuple[int, int]]:
    """Consecutive code points as (first, last): a class of ranges is searched much faster than one of
    hundreds of single characters."""
    runs: list[tuple[int, int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return runs


def _range(run: tuple[int, int]) -> str:
    first, last = re.escape(chr(run[0])), re.escape(chr(run[1]))
    return first if run[0] == run[1] else f"{first}-{last}"


def _title_words(person_titles: Mapping[str, Any] | None, extra: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The first words of the title heads ("Wali" of "Wali Kota") and their other words ("Kota"), casefolded."""
    heads = [_NAME_WORDS.findall(head) for head in [*(person_titles or {}).get("heads", []), *extra]]
    first = {words[0].casefold() for words in heads if words and _is_title_word(words[0])}
    others = {w.casefold() for words in heads for w in words[1:] if _is_title_word(w)}
    return frozenset(first), frozenset(others - first)


def _is_title_word(word: str) -> bool:
    return len(word) >= MIN_TITLE_LETTERS and word[0].isupper() and word[1:].islower()


def _names(lexicons: Mapping[str, Any]) -> list[str]:
    """Every name and alias of the country, organisation (states and their organs, international organisations),
    leader and capital tables."""
    names = [row.get("alias", "") for row in lexicons.get("countries") or []]
    names += [row.get("alias", "") for row in lexicons.get("orgs") or [] if row.get("kind") in ("igo", "government")]
    for row in lexicons.get("leaders") or []:
        names += [row.get("name", ""), *(row.get("aliases") or "").split("|")]
    names += [row.get("city", "") for row in lexicons.get("capitals") or []]
    return names


def _name_words(names: list[str], function_words: frozenset[str],
                titles: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The first words of the names ("Uni" of "Uni Eropa") and their last words ("Eropa"), capitalised or
    acronyms, never a function or title word."""
    first, last = set(), set()
    for words in filter(None, map(_NAME_WORDS.findall, names)):
        if _is_name_word(words[0], MIN_FIRST_LETTERS, function_words, titles):
            first.add(words[0])
        if _is_name_word(words[-1], MIN_NAME_LETTERS, function_words, titles):
            last.add(words[-1])
    return frozenset(first), frozenset(last)


def _is_name_word(word: str, min_letters: int, function_words: frozenset[str], titles: frozenset[str]) -> bool:
    if word.isupper():
        return len(word) >= MIN_ACRONYM_LETTERS
    return (word[0].isupper() and word[1:].islower() and len(word) >= min_letters
            and word.casefold() not in function_words and word.casefold() not in titles)

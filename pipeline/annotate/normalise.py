"""Entity normalisation: model spans + alias tables + in-article definitions → non-overlapping Mentions.

Candidates come from the NER model (``RawSpan``), the country/organisation gazetteer and acronyms defined
in the article. Where they overlap, one wins, in this order: a model span that is exactly a table alias,
a person, a table or definition match (longer first), any other model span. A model ORG/LOC span around a
country keeps its own reading ("Kementerian Pertahanan Rusia", "Laut Hitam") unless the extra words are
affixes such as "Republik" or "timur". People then get their titles, countries and full names.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from pipeline.annotate import acronyms
from pipeline.knowledge.gazetteer import Entry, Gazetteer, squash, tokens
from pipeline.knowledge.problems import Problems
from pipeline.knowledge.shape import ListOf, Table, check
from pipeline.annotate import persons
from pipeline.annotate.persons import Candidate, Titles
from pipeline.record import Article, Mention, PipelineError, RawSpan
from pipeline.annotate.spans import Occupied, SpanIndex
from pipeline.annotate.tokenize import Tokenizer

FIELDS = ("title", "body", "captions")
MODEL_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
EDGE_PUNCTUATION = " \t\n\"'“”‘’«»,;:()[]"
RANK_EXACT, RANK_PERSON, RANK_TABLE, RANK_MODEL = 0, 1, 2, 3
FILE = "lexicons/normalise.toml"
NORMALISE_SHAPE = Table({
    "definitions": Table({key: ListOf(str) for key in acronyms.DEFINITION_WORDS}),
    "countries": Table({"affix_words": ListOf(str)}),
})


@dataclass(frozen=True)
class NameRules:
    """What the NER stage reads an article with (compiled once, pipeline/compiled.py)."""

    tokenizer: Tokenizer
    gazetteer: Gazetteer
    titles: Titles
    definitions: acronyms.DefinitionRules
    affix_words: frozenset[str]        # "Republik Kyrgyzstan" is the country: the rest is affixes


def compile_name_rules(tokenizer: Tokenizer | None, gaz: Gazetteer | None, lexicons: Mapping[str, Any],
                       problems: Problems) -> NameRules | None:
    """``lexicons``: normalise and person_titles as parsed (None: missing, reported elsewhere)."""
    rules, titles = lexicons.get("normalise"), lexicons.get("person_titles")
    valid = [rules is not None and check(problems, FILE, rules, NORMALISE_SHAPE),
             titles is not None and check(problems, persons.TITLES_FILE, titles, persons.TITLES_SHAPE)]
    if not all(valid) or tokenizer is None or gaz is None:
        return None
    return NameRules(tokenizer, gaz, Titles.from_lexicon(titles), acronyms.DefinitionRules.from_lexicon(rules),
                     frozenset(rules["countries"]["affix_words"]))


def normalise(article: Article, raw_spans: Sequence[RawSpan], rules: NameRules) -> tuple[Mention, ...]:
    """Mentions for an article whose sentences are set, sorted by field (title, body, captions) and offset."""
    gaz, titles = rules.gazetteer, rules.titles
    texts = {f: article.field_text(f) for f in FIELDS}
    sentences = _sentence_bounds(article, texts, rules.tokenizer)
    common = {t[2] for t in tokens(texts["body"]) if t[2].islower()}
    model = [c for c in (_from_model(s, texts, gaz, titles, common) for s in raw_spans) if c is not None]
    table = _table_candidates(texts, sentences, gaz, rules.definitions, model)
    chosen = _resolve(_prefer_model_context(model, table, texts, rules.affix_words, gaz), texts)
    chosen = _people(chosen, texts, sentences, titles, gaz)
    sentence_starts = {f: [b[0] for b in bounds] for f, bounds in sentences.items()}
    return tuple(_mention(c, texts, sentence_starts) for c in sorted(chosen, key=_order))


def _order(c: Candidate) -> tuple:
    return FIELDS.index(c.field), c.start, c.end


def _sentence_bounds(article: Article, texts: dict[str, str], splitter: Tokenizer) -> dict[str, list]:
    """Per field, (start, end) of each sentence in index order; a field without sentences is one sentence."""
    bounds = {f: [] for f in FIELDS}
    for sentence in sorted(article.sentences, key=lambda s: (s.field, s.index)):
        if sentence.field in bounds:
            if sentence.index != len(bounds[sentence.field]):
                raise PipelineError("ner-sentences", f"{sentence.field} sentences are not numbered 0, 1, 2, …: "
                                    f"got index {sentence.index}; the sentence splitter must number them in order")
            bounds[sentence.field].append((sentence.start, sentence.end))
    if not article.sentences:       # called before the NER stage set them: split as the NER stage does
        bounds = {f: [(s.start, s.end) for s in splitter.split(texts[f])] for f in FIELDS}
    return {f: b or ([(0, len(texts[f]))] if texts[f] else []) for f, b in bounds.items()}


def _from_model(span: RawSpan, texts: dict[str, str], gaz: Gazetteer, titles: Titles,
                common: set[str]) -> Candidate | None:
    text = texts.get(span.field)
    if text is None:
        raise PipelineError("ner-span", f"span {span!r} names field {span.field!r}; expected one of {FIELDS}")
    if not (0 <= span.start < span.end <= len(text)) or text[span.start:span.end] != span.text:
        raise PipelineError("ner-offsets", f"span {span.text!r} at {span.start}:{span.end} does not slice the "
                            f"{span.field} text; the tagger must give offsets into the field text")
    if span.label not in MODEL_LABELS:     # a model with more types (MISC, DATE): nothing here to normalise
        return None
    start, end = _trimmed(text, span.start, span.end)
    if start >= end:
        return None
    if span.field == "title" and gaz.exact(text[start:end]) is None:
        start, end = _headline_trimmed(text, start, end, common, gaz if span.label != "PER" else None)
    entry = gaz.exact(text[start:end])
    if entry is not None:
        return _from_entry(span.field, start, end, entry, "model", RANK_EXACT)
    label = MODEL_LABELS[span.label]
    name_start = persons.strip_title(text, start, end, titles, gaz)
    entry = gaz.exact(text[name_start:end])
    if label == "PERSON" and entry is not None:     # the "name" left after the title is a country or an org
        return _from_entry(span.field, name_start, end, entry, "model", RANK_EXACT)
    if (label != "PERSON" and entry is None and gaz.find(text, start, name_start)
            and _looks_like_name(text, name_start, end, gaz)):
        label = "PERSON"            # "Presiden [China Xi Jinping]" tagged ORG: a title, a country, then a name
    if label == "PERSON":
        start = name_start
    rank = RANK_PERSON if label == "PERSON" else RANK_MODEL
    return Candidate(span.field, start, end, label, squash(text[start:end]), "model", rank)


def _looks_like_name(text: str, start: int, end: int, gaz: Gazetteer) -> bool:
    words = tokens(text, start, end)
    return all(w[2][:1].isupper() for w in words) and not gaz.find(text, start, end)


def _headline_trimmed(text: str, start: int, end: int, common: set[str], gaz: Gazetteer | None):
    """A title-case headline capitalises every word, so the model takes in "Atas Laut Jepang" or "Lavrov
    Bertemu": edge words that the body writes in lower case ("atas", "bertemu") are not part of the name.
    A person's name loses all of them; a place or organisation (``gaz`` given) keeps its longest part that
    is a table alias ("Laut Jepang", not "Jepang"), or stays whole."""
    toks = tokens(text, start, end)
    lead = next((i for i, t in enumerate(toks) if t[2].lower() not in common), len(toks))
    trail = next((i for i, t in enumerate(reversed(toks)) if t[2].lower() not in common), len(toks))
    cuts = [(i, len(toks) - j) for i in range(lead + 1) for j in range(trail + 1) if i < len(toks) - j]
    if gaz is None:
        i, j = max(cuts, key=lambda c: (c[0], -c[1])) if cuts else (0, len(toks))
        return (toks[i][0], toks[j - 1][1]) if toks else (start, end)
    aliases = [(i, j) for i, j in cuts if gaz.exact(text[toks[i][0]:toks[j - 1][1]]) is not None]
    if not aliases:
        return start, end
    i, j = max(aliases, key=lambda c: c[1] - c[0])
    return toks[i][0], toks[j - 1][1]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Without edge quotes and punctuation, and cut before a bracket the span does not close."""
    while True:
        while start < end and text[start] in EDGE_PUNCTUATION:
            start += 1
        while end > start and text[end - 1] in EDGE_PUNCTUATION:
            end -= 1
        opened = text.rfind("(", start, end)
        if opened < 0 or text.find(")", opened, end) >= 0:
            return start, end
        end = opened


def _from_entry(field: str, start: int, end: int, entry: Entry, source: str, rank: int) -> Candidate:
    c = Candidate(field, start, end, entry.label, entry.canonical, source, rank, entry.code, entry.alias_id,
                  entry.country)
    if entry.needs_context:
        c.tags.add("needs-context")
    if entry.kind == "media":
        c.tags.add("media")
    return c


def _table_candidates(texts, sentences, gaz: Gazetteer, def_rules: acronyms.DefinitionRules,
                      model: list[Candidate]) -> list[Candidate]:
    """Alias-table and definition matches in every sentence; context-only aliases need a confirmed org."""
    model_orgs = {texts[c.field][c.start:c.end] for c in model if c.label == "ORG"}
    defined = {}
    for f in FIELDS:
        defined.update(acronyms.find_aliases(texts[f], sentences[f], gaz, def_rules, model_orgs))
    local = Gazetteer(defined)
    found = []
    for f in FIELDS:
        for lo, hi in sentences[f]:
            found += [_from_entry(f, m.start, m.end, m.entry, "gazetteer", RANK_TABLE)
                      for m in gaz.find(texts[f], lo, hi)]
            found += [_from_entry(f, m.start, m.end, m.entry, "definition", RANK_TABLE)
                      for m in local.find(texts[f], lo, hi)]
    confirmed = {c.canonical for c in found + model if c.label == "ORG" and "needs-context" not in c.tags}
    return [c for c in found if "needs-context" not in c.tags or c.canonical in confirmed]


def _prefer_model_context(model, table, texts, affixes: frozenset[str], gaz: Gazetteer) -> list[Candidate]:
    """A model ORG/LOC span around countries or regions keeps its reading unless the rest is affixes
    ("Laut China Timur" stays LOC; "Republik Kyrgyzstan" gives way to KGZ)."""
    dropped, table_index = set(), SpanIndex(table)
    for span in (c for c in model if c.rank in (RANK_PERSON, RANK_MODEL)):
        inner = table_index.within(span.field, span.start, span.end)
        if span.rank == RANK_PERSON:            # "Kantor Berita TASS" tagged PER: a wire agency is never a person
            if any("media" in t.tags for t in inner):
                dropped.add(id(span))
            continue
        if not inner or any(t.label == "ORG" for t in inner):
            continue
        rest = [tok for tok in tokens(texts[span.field], span.start, span.end)
                if not any(t.start <= tok[0] < t.end for t in inner)]
        if all(tok[2] in affixes for tok in rest):
            dropped.add(id(span))
        else:
            dropped.update(id(t) for t in inner)
    return [c for c in _confirmed(model, table) + table if id(c) not in dropped]


def _confirmed(model: list[Candidate], table: list[Candidate]) -> list[Candidate]:
    """Model spans, less context-only aliases ("SOC") whose organisation the article names nowhere else."""
    named = {t.canonical for t in table if t.label == "ORG"}
    return [c for c in model if "needs-context" not in c.tags or c.canonical in named]


def _resolve(candidates: list[Candidate], texts: dict[str, str]) -> list[Candidate]:
    """Best first (rank, then longer, then earlier); a candidate overlapping one already chosen is left out."""
    chosen, occupied = [], Occupied({f: len(t) for f, t in texts.items()})
    for c in sorted(candidates, key=lambda c: (c.rank, c.start - c.end, FIELDS.index(c.field), c.start)):
        if occupied.is_free(c):
            occupied.take(c)
            chosen.append(c)
    return chosen


def _people(chosen: list[Candidate], texts, sentences, titles: Titles, gaz: Gazetteer) -> list[Candidate]:
    """Short forms → full names, missed mentions of known people, titles and the title's country."""
    people = persons.split_joined([c for c in chosen if c.label == "PERSON"], texts)
    chosen = [c for c in chosen if c.label != "PERSON"] + people
    by_token = persons.full_names(people)
    for c in chosen:        # a model LOC/ORG span that is a person named in the article ("Jinping" as LOC)
        if c.rank == RANK_MODEL and (c.canonical in by_token or c.canonical in by_token.values()):
            c.label, c.rank = "PERSON", RANK_PERSON
    persons.resolve_short_forms([c for c in chosen if c.label == "PERSON"], by_token)
    people_gaz = persons.short_form_gazetteer(by_token, titles, gaz)
    occupied = Occupied({f: len(t) for f, t in texts.items()})
    for c in chosen:
        occupied.take(c)
    for f in FIELDS:
        for lo, hi in sentences[f]:
            for m in persons.person_matches(texts[f], lo, hi, people_gaz):
                c = Candidate(f, m.start, m.end, "PERSON", m.entry.canonical, "coreference", RANK_PERSON,
                              alias_id=m.entry.alias_id, tags={"short"} if m.text != m.entry.canonical else set())
                if occupied.is_free(c):
                    occupied.take(c)
                    chosen.append(c)
    persons.add_titles(chosen, texts, sentences, titles, gaz)
    return chosen


def _mention(c: Candidate, texts: dict[str, str], sentence_starts: dict[str, list[int]]) -> Mention:
    index = max(bisect.bisect_right(sentence_starts[c.field], c.start) - 1, 0)
    return Mention(c.field, index, c.start, c.end, texts[c.field][c.start:c.end], c.label, c.canonical, c.code,
                   c.source, c.alias_id, c.title if c.label == "PERSON" else None,
                   c.person_country if c.label == "PERSON" else None)

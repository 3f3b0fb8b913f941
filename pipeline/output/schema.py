"""Every output table's schema, in one place: column, pyarrow type, nullability, description.

The CSV header, the Parquet schema (descriptions included, as field metadata), ``datapackage.json``, the typed
loader (``pipeline.load``) and the data dictionary (``docs/data_dictionary.md``) are all derived from these
definitions, so they cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

WIB = "Asia/Jakarta"
TIMESTAMP_WIB = pa.timestamp("ms", tz=WIB)   # Parquet has no second unit
CATEGORY = pa.dictionary(pa.int32(), pa.string())


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool
    description: str
    example: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    sort_by: tuple[str, ...]          # deterministic row order

    @property
    def arrow_schema(self) -> pa.Schema:
        """The Parquet schema; each field's description travels with the file (field metadata)."""
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable, metadata={"description": c.description})
                          for c in self.columns], metadata={"description": self.description})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: pa.DataType, description: str, example: str = "", nullable: bool = True) -> Column:
    return Column(name, type_, nullable, description, example)


def _key(name: str, description: str, example: str = "") -> Column:
    return Column(name, pa.string(), False, description, example)


ARTICLE_ID = _key("article_id", "Stable hash (sha256 prefix) of the normalised page text.", "65dd71f6f6c36440")
SPAN_COLUMNS = (
    _c("start", pa.int32(), "Start character offset into the field's text (0-based, Python str indexing).", "24", False),
    _c("end", pa.int32(), "End character offset (exclusive): field_text[start:end] == text.", "38", False),
)

ARTICLES = Table(
    "articles",
    "One row per distinct article that was processed.",
    (
        ARTICLE_ID,
        _key("source_path", "Input file path relative to the input folder; 'file.jsonl#N' for the N-th record.",
             "000_65dd71f6f6c36440.txt"),
        _c("input_format", CATEGORY, "How the input was read: txt, html or jsonl.", "txt", False),
        _c("encoding", pa.string(), "Encoding detected by charset-normalizer.", "utf_8"),
        _c("site", CATEGORY, "Site profile that cleaned the page (generic when unknown).", "kontan", False),
        _c("url", pa.string(), "Page URL when known."),
        _c("title", pa.string(), "Article headline."),
        _c("published_at", TIMESTAMP_WIB, "Publication date and time, Asia/Jakarta (WIB, UTC+7).",
           "2020-11-11T11:40:00+07:00"),
        _c("date_source", CATEGORY, "Where published_at came from: the page's JSON-LD (json-ld), its <meta> "
           "tags such as article:published_time (meta-tag), a <time datetime> element (time-element), the date "
           "line printed on the page (page), trafilatura's or the scraper record's date (html-meta), a dated "
           "reference in the body (inferred-from-text); empty when unknown.", "json-ld"),
        _c("date_text", pa.string(), "The words published_at was read from."),
        _c("author", pa.string(), "Author (reporter) when stated."),
        _c("editor", pa.string(), "Editor when stated.", "S.S. Kurniawan"),
        _c("wire_source", pa.string(), "News agency the article credits (Sumber: TASS).", "TASS"),
        _c("dateline", pa.string(), "Dateline city.", "SOCHI"),
        _c("body", pa.string(), "Cleaned article text; paragraphs separated by a blank line.", nullable=False),
        _c("captions", pa.string(), "Photo captions removed from the body, each once, one per line."),
        _c("language", CATEGORY, "Detected language of the body (ISO 639-1).", "id"),
        _c("language_ok", pa.bool_(), "False when the body is not Indonesian (rows are kept, flagged).", "true"),
        _c("n_chars", pa.int32(), "Characters in body.", "2874", False),
        _c("n_words", pa.int32(), "Whitespace-separated words in body.", "412", False),
        _c("n_removed_lines", pa.int32(), "Boilerplate lines removed (see removed_lines).", "31", False),
        _c("n_mentions", pa.int32(), "Entity mentions found (see mentions).", "57", False),
        _c("n_events", pa.int32(), "Events extracted (see events).", "4", False),
    ),
    primary_key=("article_id",),
    sort_by=("source_path",),
)

REMOVED_LINES = Table(
    "removed_lines",
    "Audit trail of the cleaner: every line removed from a page, with the rule that removed it.",
    (
        ARTICLE_ID,
        _c("line_no", pa.int32(), "0-based line number in the decoded page text.", "3", False),
        _c("rule_id", CATEGORY, "Site-profile rule that removed the line.", "kontan.ticker", False),
        _c("text", pa.string(), "The removed line.", "• EMAS1.335.000 1,06%", False),
    ),
    primary_key=("article_id", "line_no"),
    sort_by=("article_id", "line_no"),
)

MENTIONS = Table(
    "mentions",
    "One row per entity mention in an article's title, body or captions.",
    (
        ARTICLE_ID,
        _c("field", CATEGORY, "Text field: title, body or captions.", "body", False),
        _c("sentence_index", pa.int32(), "0-based sentence number within the field.", "0", False),
        *SPAN_COLUMNS,
        _c("text", pa.string(), "Surface text of the mention.", "Presiden Rusia", False),
        _c("label", CATEGORY, "PERSON, ORG, COUNTRY or LOC.", "COUNTRY", False),
        _c("canonical", pa.string(), "Canonical name (same actor, same string across spellings).", "Russia", False),
        _c("code", pa.string(), "ISO 3166-1 alpha-3 code for COUNTRY mentions.", "RUS"),
        _c("source", CATEGORY, "What found it: model, gazetteer, definition or coreference.", "model", False),
        _c("alias_id", pa.string(), "Alias-table row or rule that gave the canonical form."),
        _c("person_title", pa.string(), "PERSON: title before or after the name.", "Presiden Rusia"),
        _c("person_country", pa.string(), "PERSON: ISO alpha-3 of the country the title names.", "RUS"),
    ),
    primary_key=("article_id", "field", "start", "end"),
    sort_by=("article_id", "field", "start", "end"),
)

ENTITIES = Table(
    "entities",
    "One row per distinct canonical entity per article.",
    (
        ARTICLE_ID,
        _c("label", CATEGORY, "PERSON, ORG, COUNTRY or LOC.", "PERSON", False),
        _c("canonical", pa.string(), "Canonical name.", "Vladimir Putin", False),
        _c("code", pa.string(), "ISO alpha-3 for countries.", ""),
        _c("n_mentions", pa.int32(), "Mentions of this entity in the article.", "4", False),
        _c("first_text", pa.string(), "Surface text of the first mention.", "Vladimir Putin", False),
    ),
    primary_key=("article_id", "label", "canonical"),
    sort_by=("article_id", "label", "canonical"),
)

EVENTS = Table(
    "events",
    "One row per distinct event extracted from an article (restatements merged; see event_evidence).",
    (
        _key("event_id", "Stable hash of article, event type and event key.", "e3f1c2a9b0d4e5f6"),
        ARTICLE_ID,
        _c("event_type", CATEGORY, "Event type: the event_type of one of the rule files (pipeline/rules/*.toml).",
           "MEETING", False),
        _c("subtype", CATEGORY, "Event subtype; for ACCESSION the stage (applied, protocol, member, observer, ...).",
           "summit"),
        _c("cameo_code", CATEGORY, "CAMEO event code.", "043", False),
        _c("plover_type", CATEGORY, "PLOVER event type.", "CONSULT", False),
        _c("date_start", pa.date32(), "First day of the event (ISO date).", "2020-11-10", False),
        _c("date_end", pa.date32(), "Last day of the event (ISO date).", "2020-11-10", False),
        _c("date_precision", CATEGORY, "day, month or year.", "day", False),
        _c("date_approximate", pa.bool_(), "True for pertengahan/akhir/awal, '... tahun lalu' and similar.", "false",
           False),
        _c("date_text", pa.string(), "Words the date was read from; empty when date_basis is publication.",
           "Selasa (10/11)"),
        _c("date_basis", CATEGORY, "sentence (a date in the event's sentence), context (a date in a sentence before "
           "it in its paragraph, or in the article's lead) or publication (no date in the text: the article's date, "
           "for the news being reported).", "sentence", False),
        _c("date_rule_id", CATEGORY, "Date rule that resolved the date.", "date.weekday_paren_dm", False),
        _c("location", pa.string(), "Place of the event when stated.", "Moskow"),
        _c("field", CATEGORY, "Field of the main evidence sentence: body, captions or title (the headline).", "body",
           False),
        _c("trigger", pa.string(), "Trigger word of the main evidence.", "pertemuan puncak", False),
        _c("sentence", pa.string(), "Main evidence sentence.", nullable=False),
        _c("sentence_start", pa.int32(), "Start offset of the main evidence sentence in its field.", "310", False),
        _c("sentence_end", pa.int32(), "End offset of the main evidence sentence in its field.", "470", False),
        _c("weapons", pa.string(), "ARMS_DEAL: weapon systems, separated by '; '.", "S-300; drone tempur"),
        _c("value", pa.string(), "ARMS_DEAL: stated value.", "US$ 1 miliar"),
        _c("status", CATEGORY, "happened (took place or is going on), planned (scheduled or announced), proposed "
           "(a party proposes or explores it, no date set) or cancelled (called off, refused), as the article "
           "words it at publication.", "happened", False),
        _c("status_cue", pa.string(), "Words that decided the status (empty: happened, no cue).", "dijadwalkan"),
        _c("status_cue_start", pa.int32(), "Start offset of status_cue in the main evidence's field.", "212"),
        _c("status_cue_end", pa.int32(), "End offset of status_cue in the main evidence's field.", "223"),
        _c("rule_id", CATEGORY, "Event rule that fired.", "meeting.summit", False),
        _c("confidence", pa.float64(), "Rule confidence in [0, 1].", "0.9", False),
        _c("n_mentions", pa.int32(), "Evidence sentences stating this event.", "1", False),
    ),
    primary_key=("event_id",),
    sort_by=("article_id", "event_id"),
)

EVENT_EVIDENCE = Table(
    "event_evidence",
    "Every sentence that states an event (the first is the main evidence repeated in events).",
    (
        _key("event_id", "Event the sentence supports."),
        ARTICLE_ID,
        _c("evidence_index", pa.int32(), "0 for the main evidence, then in text order.", "0", False),
        _c("field", CATEGORY, "body, captions or title.", "body", False),
        _c("sentence_index", pa.int32(), "0-based sentence number within the field.", "2", False),
        _c("sentence_start", pa.int32(), "Start offset of the sentence in its field.", "310", False),
        _c("sentence_end", pa.int32(), "End offset of the sentence in its field.", "470", False),
        _c("trigger", pa.string(), "Trigger word.", "bertemu", False),
        _c("trigger_start", pa.int32(), "Start offset of the trigger in its field.", "340", False),
        _c("trigger_end", pa.int32(), "End offset of the trigger in its field.", "347", False),
        _c("rule_id", CATEGORY, "Event rule that matched this sentence.", "meeting.bilateral"),
        _c("sentence", pa.string(), "Evidence sentence.", nullable=False),
    ),
    primary_key=("event_id", "evidence_index"),
    sort_by=("article_id", "event_id", "evidence_index"),
)

EVENT_PARTICIPANTS = Table(
    "event_participants",
    "One row per participant of an event, with its role.",
    (
        _key("event_id", "Event the participant takes part in."),
        ARTICLE_ID,
        _c("role", CATEGORY, "attendee, host, supplier, recipient, joiner, organisation, party, ...", "supplier",
           False),
        _c("canonical", pa.string(), "Canonical name of the participant.", "Russia", False),
        _c("label", CATEGORY, "PERSON, ORG, COUNTRY or LOC.", "COUNTRY", False),
        _c("code", pa.string(), "What the participant acts for: the ISO 3166-1 alpha-3 code of a state (for a "
           "person, the state their office serves), or an international organisation's acronym (UN, ASEAN).", "RUS"),
        _c("actor_kind", CATEGORY, "state or igo (international organisation).", "state"),
        _c("actor_basis", CATEGORY, "What decided code: country (a country name), org-table (orgs.tsv), body-name "
           "(a state organ's name), title (the person's title), leader (leaders.tsv), home-title / home-body (an "
           "Indonesian office or body naming no country), weapon-origin (the maker's state of the weapon bought), "
           "city (the state of a city a visit goes to, capitals.tsv), seat (a seat of government named for its state: "
           "\"Beijing menolak\").",
           "title"),
        _c("text", pa.string(), "Surface text in the evidence sentence.", "Rusia"),
        _c("start", pa.int32(), "Start offset of the surface text in the evidence field.", "0"),
        _c("end", pa.int32(), "End offset of the surface text in the evidence field.", "5"),
    ),
    primary_key=("event_id", "role", "canonical"),
    sort_by=("article_id", "event_id", "role", "canonical"),
)

INPUTS = Table(
    "inputs",
    "One row per input document, so every input is accounted for: processed, duplicate or error.",
    (
        _key("source_path", "Input path relative to the input folder; 'file.jsonl#N' for the N-th record."),
        _c("status", CATEGORY, "processed, duplicate or error.", "processed", False),
        _c("article_id", pa.string(), "Article id when the input was decoded."),
        _c("duplicate_of", pa.string(), "For duplicates: source_path of the copy that was processed."),
    ),
    primary_key=("source_path",),
    sort_by=("source_path",),
)

ERRORS = Table(
    "errors",
    "One row per input that could not be processed (or article stage that failed), with the reason.",
    (
        _key("source_path", "Input path relative to the input folder."),
        _c("stage", CATEGORY, "Stage that stopped it: ingest, clean, metadata, ner or events.", "ingest",
           False),
        _c("kind", CATEGORY, "Error kind, e.g. empty, binary, decode, too-large, no-article, internal.",
           "empty", False),
        _c("message", pa.string(), "What went wrong and what to do about it.", nullable=False),
        _c("article_id", pa.string(), "Article id when the page was decoded."),
    ),
    primary_key=("source_path", "stage"),
    sort_by=("source_path", "stage", "kind"),
)

TABLES: tuple[Table, ...] = (ARTICLES, REMOVED_LINES, MENTIONS, ENTITIES, EVENTS, EVENT_EVIDENCE,
                             EVENT_PARTICIPANTS, INPUTS, ERRORS)
TABLES_BY_NAME = {t.name: t for t in TABLES}

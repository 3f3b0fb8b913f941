"""The records that flow through the pipeline: ingest → clean → metadata → ner → events → tables, and the
record of a run (``InputStatus`` per input, ``RunResult``).

Every article record is frozen. A stage returns ``dataclasses.replace(article, ...)`` and only *adds* fields.
Offsets (``start``/``end``) always index the text of the field they name (``title``, ``body`` or
``captions``), so ``field_text[start:end] == text``.
"""
from __future__ import annotations

import dataclasses
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.settings import RunOptions, Settings

if TYPE_CHECKING:                       # a run's knowledge, for one annotation: records stand below knowledge
    from pipeline.knowledge import Knowledge

# The stages, by the names used everywhere: cache folders, --stages, the summary, manifest.json and the
# ``stage`` column of the errors table. Ingest runs once per input file; the others once per article, in order.
INGEST = "ingest"
ARTICLE_STAGES = ("clean", "metadata", "ner", "events")
STAGES = (INGEST, *ARTICLE_STAGES)


@dataclass(frozen=True)
class Page:
    """One decoded input document (a whole page dump, an HTML page or one JSON-lines record)."""

    article_id: str           # stable hash of the normalised text
    source_path: str          # relative to the input folder; "file.jsonl#3" for the 4th record
    text: str                 # NFC, "\n" line endings; for HTML: text extracted by trafilatura
    encoding: str             # as detected by charset-normalizer
    input_format: str         # "txt" | "html" | "jsonl"
    url: str | None = None
    # What the page says about itself (html_meta.py keys such as date.json-ld, title, url, sitename, author;
    # profile, body_source, body_start from html_extract.py) or a JSON record's fields (title, date, ...)
    html_meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Removed:
    """A line the cleaner dropped, and the rule that dropped it."""

    line_no: int              # 0-based line number in Page.text
    text: str
    rule_id: str              # e.g. "kontan.ticker", "common.baca-juga", "caption"


@dataclass(frozen=True)
class Repair:
    """One repair of scraped text (pipeline/annotate/repair.py): ``original`` became ``repaired`` at ``offset``."""

    field: str                # "body" | "captions"
    offset: int               # where ``repaired`` starts in the field's repaired text (the text the tables hold)
    original: str             # what the cleaned page had there: "" where a space was inserted
    repaired: str             # what the field holds there: "" where a zero-width character was removed
    rule_id: str              # e.g. "glue.title", "char.zero-width"


@dataclass(frozen=True)
class Meta:
    site: str | None = None
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None   # tz-aware, WIB (UTC+07:00)
    date_source: str | None = None          # "json-ld" | "meta-tag" | "time-element" | "page" | "html-meta"
                                            # | "inferred-from-text" | "out-of-range" | None
    date_text: str | None = None            # the words the date came from
    author: str | None = None
    editor: str | None = None
    wire_source: str | None = None
    dateline: str | None = None
    language: str | None = None             # ISO 639-1 of the body, e.g. "id", "en"
    language_ok: bool = True                # False when the body is not Indonesian


@dataclass(frozen=True)
class Sentence:
    field: str                # "title" | "body" | "captions"
    index: int                # 0-based within the field
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RawSpan:
    """An entity span as the NER model tagged it, before normalisation."""

    field: str
    sentence_index: int
    start: int                # offsets into the field's text
    end: int
    text: str
    label: str                # model label: PER | ORG | LOC


@dataclass(frozen=True)
class Mention:
    field: str
    sentence_index: int
    start: int
    end: int
    text: str
    label: str                # PERSON | ORG | COUNTRY | LOC
    canonical: str            # "Vladimir Putin", "SCO", "Rusia" → canonical name
    code: str | None = None   # ISO 3166-1 alpha-3 for COUNTRY
    source: str = "model"     # "model" | "gazetteer" | "definition" | "coreference"
    alias_id: str | None = None   # which alias-table row / rule gave the canonical form
    title: str | None = None      # PERSON: "Presiden Rusia", "Menteri Pertahanan Belarusia"
    person_country: str | None = None  # PERSON: ISO3 of the country named in the title


@dataclass(frozen=True)
class DateRef:
    start: date
    end: date
    precision: str            # "day" | "month" | "year"
    approximate: bool
    text: str | None          # the words it came from; None when basis == "publication"
    basis: str                # "sentence" (the event's own sentence) | "context" (a sentence before it in its
                              # paragraph, or the lead) | "publication" (the article's date: no date in the text)
    rule_id: str              # e.g. "date.weekday_paren_dm"
    start_char: int | None = None   # offsets of ``text`` in the body
    end_char: int | None = None
    weekday_ok: bool | None = None  # a weekday beside the date agrees with it (None: no weekday given)


@dataclass(frozen=True)
class Participant:
    role: str                 # attendee, host, supplier, recipient, joiner, organisation, party, ...
    canonical: str
    label: str
    code: str | None = None
    text: str | None = None   # surface form in the sentence
    start: int | None = None  # offsets into the body
    end: int | None = None
    actor_kind: str | None = None    # "state" | "igo": what the participant acts for (pipeline/events/actors.py)
    actor_basis: str | None = None   # what decided it: country, org-table, body-name, title, leader, home-title, ...


@dataclass(frozen=True)
class Evidence:
    sentence_index: int
    start: int                # sentence offsets into the body
    end: int
    sentence: str
    trigger: str
    trigger_start: int
    trigger_end: int
    field: str = "body"       # field the sentence comes from (merged events may span body and captions)
    rule_id: str | None = None


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str           # the event_type of a rule file (rules/*.toml): MEETING, ARMS_DEAL, ...
    subtype: str | None       # e.g. summit, video_conference; accession stage: applied, protocol, member, observer, ...
    cameo_code: str
    plover_type: str
    date: DateRef
    location: str | None
    rule_id: str
    confidence: float
    evidence: tuple[Evidence, ...]          # first one is the main evidence sentence
    participants: tuple[Participant, ...] = ()
    weapons: tuple[str, ...] = ()           # ARMS_DEAL: named systems / weapon kinds
    value: str | None = None                # ARMS_DEAL: "US$ 1 miliar"
    field: str = "body"                     # field the evidence comes from
    status: str = "happened"                # happened | planned | proposed | cancelled
    status_cue: str | None = None           # the words that decided the status (None: happened by default)
    status_cue_start: int | None = None     # offsets of status_cue in the main evidence's field
    status_cue_end: int | None = None


@dataclass(frozen=True)
class Article:
    page: Page
    profile_id: str | None = None
    body: str = ""                          # paragraphs separated by "\n\n"
    captions: str = ""                      # distinct captions separated by "\n"
    removed: tuple[Removed, ...] = ()
    repairs: tuple[Repair, ...] = ()        # body and captions repairs, each field's in text order
    body_kind: str = "prose"                # prose | list | table | schedule (annotate/clean.py)
    meta: Meta = field(default_factory=Meta)
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()

    @property
    def article_id(self) -> str:
        return self.page.article_id

    def field_text(self, name: str) -> str:
        return {"title": self.meta.title or "", "body": self.body, "captions": self.captions}[name]


@dataclass(frozen=True)
class Problem:
    """One input (or one article) that could not be processed; becomes a row of ``errors``."""

    source_path: str
    stage: str                # one of STAGES
    kind: str                 # empty, binary, decode, too-large, no-article, not-indonesian, internal, ...
    message: str
    article_id: str | None = None


class PipelineError(Exception):
    """Raised by a stage for bad input; ``run`` turns it into a Problem row and goes on."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


INTERNAL = "internal"      # the kind of a Problem that is a bug, not bad input


def problem_from(exc: Exception, source_path: str, stage: str, article_id: str | None = None) -> Problem:
    """A stage's failure as an errors row: a PipelineError's kind and message, or ``internal`` for anything
    else (its one-line description; the full traceback belongs in the run's log, see ``traceback_text``)."""
    if isinstance(exc, PipelineError):
        return Problem(source_path, stage, exc.kind, exc.message, article_id)
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return Problem(source_path, stage, INTERNAL, f"unexpected error ({detail}); please report it, with the "
                                                 "input file and the traceback in run.log", article_id)


def traceback_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()


# ---------------------------------------------------------------- the record of a run

@dataclass(frozen=True)
class InputStatus:
    """What became of one input document: one row of the ``inputs`` table."""

    source_path: str
    status: str                  # processed | duplicate | error | archive
    article_id: str | None = None
    duplicate_of: str | None = None
    records_skipped: int | None = None      # archive: the web archive's records that are not pages


@dataclass(frozen=True)
class ArchiveRecords:
    """What ingest says of a web archive after its pages: how many of its records were not pages (requests,
    metadata, redirects, non-HTML responses). Becomes the file's own row of ``inputs``."""

    source_path: str
    records_skipped: int


@dataclass
class RunParts:
    """Where a run's rows wait to be written: one Parquet part per table and chunk (pipeline/output/parts.py)."""

    location: str                        # the folder or fsspec URL the chunks' parts are written to
    scratch: Path                        # a local folder: merges, the list of articles found whole in the cache
    cache_dir: Path | None = None        # the cache those articles are read back from when the tables are written
    paths: dict[str, list[str]] = field(default_factory=dict)   # table → its parts, in the order written
    cached_pages: int = 0                # articles found whole in the cache (their rows are made when written)

    def add(self, written: dict[str, str]) -> None:
        for table, path in written.items():
            self.paths.setdefault(table, []).append(path)


@dataclass
class RunResult:
    """What a run found: counts, every input's status, the problems, and where the rows of its tables wait to
    be written (``parts``: pipeline/output/parts.py). No article is kept in memory."""

    problems: list[Problem] = field(default_factory=list)
    inputs: dict[str, InputStatus] = field(default_factory=dict)        # by source_path, in input order
    n_articles: int = 0                  # rows the tables will hold: articles, their mentions, their events
    n_mentions: int = 0
    n_events: int = 0
    seconds_per_stage: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    computed: Counter[str] = field(default_factory=Counter)             # stage → articles run this time
    cached: Counter[str] = field(default_factory=Counter)               # stage → articles restored from the cache
    cache_stats: Counter[str] = field(default_factory=Counter)          # "STAGE hit|miss|corrupt|write-error", ...
    fingerprints: dict[str, str] = field(default_factory=dict)          # per stage: what its cache entries depend on
    content_digest: str | None = None      # same digest, same tables (engine/driver.py)
    excluded: list[str] = field(default_factory=list)                   # input paths left out: the pipeline's outputs
    started_at: str | None = None
    ended_at: str | None = None
    parts: RunParts | None = None           # the rows, as table parts on disk
    # What produced it, for manifest.json when the result is written (pipeline.write_outputs).
    input_dir: Path | None = None
    settings: Settings | None = None
    knowledge: Knowledge | None = None
    options: RunOptions | None = None

    def count(self, status: str) -> int:
        return sum(1 for i in self.inputs.values() if i.status == status)

    def summary(self) -> str:
        """One screen: inputs accounted for, what the tables hold, the stages run or cached, time per stage."""
        stages = "  ".join(f"{stage} {self.computed[stage]}/{self.cached[stage]}" for stage in ARTICLE_STAGES)
        lines = [
            f"inputs    {len(self.inputs)} = processed {self.count('processed')} + duplicates "
            f"{self.count('duplicate')} + errors {self.count('error')}",
            f"articles  {self.n_articles} written; {self.n_events} event tellings (event_mentions; the events "
            f"table counts each event once), {self.n_mentions} entity mentions",
            f"stages    run/cached: {stages}",
            "time      " + "  ".join(f"{k} {v:.2f}s" for k, v in self.seconds_per_stage.items()),
        ]
        if self.excluded:
            lines.insert(1, f"left out  {', '.join(self.excluded[:3])}{' ...' if len(self.excluded) > 3 else ''}: "
                            "written by this pipeline, not inputs (listed in manifest.json)")
        if self.started_at and self.ended_at:
            wall = datetime.fromisoformat(self.ended_at) - datetime.fromisoformat(self.started_at)
            lines[-1] += f"  (wall {wall.total_seconds():.0f}s; stage times add up across workers)"
        return "\n".join(lines + self._cache_trouble())

    def _cache_trouble(self) -> list[str]:
        corrupt = sum(n for key, n in self.cache_stats.items() if key.endswith("corrupt"))
        unwritten = sum(n for key, n in self.cache_stats.items() if key.endswith("write-error"))
        undeleted = self.cache_stats.get("delete-error", 0)
        if not (corrupt or unwritten or undeleted):
            return []
        return [f"cache     {corrupt} damaged entries recomputed, {unwritten} entries not written, "
                f"{undeleted} stale entries not deleted (disk full or read-only?)"]


def utc_now() -> str:
    """The time a run started or ended, as manifest.json records it (UTC, to the second)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


replace = dataclasses.replace

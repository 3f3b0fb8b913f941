"""``datapackage.json``: a Frictionless Data Package describing every CSV table, derived from schema.py.

Field types, required columns, primary keys and descriptions come from ``pipeline/output/schema.py``; the allowed values
of the closed categorical columns and the foreign keys between tables are declared here, but for the event types, which
come from the rule files (``event_type_names`` of pipeline/knowledge/rulebook.py). Validate an output folder with
``idnews-pipeline validate OUT`` (CSV and Parquet) or ``frictionless validate OUT/datapackage.json`` (the CSVs).

Each resource also describes the table's Parquet twin in a ``parquet`` property of its own (path, size,
digest, Arrow type of every column): an extension of the Data Package, since the same table is one resource,
and frictionless reads a Parquet resource through pandas, which turns a nullable integer column into floats
that then fail the integer type.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

import pyarrow as pa

from pipeline import __version__
from pipeline.knowledge import load_knowledge
from pipeline.knowledge.rulebook import event_type_names
from pipeline.output import events_across, schema
from pipeline.record import STAGES

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"

LABELS = ("PERSON", "ORG", "COUNTRY", "LOC")
REPAIRED_FIELDS = ("body", "captions")
EVENT_FIELDS = ("body", "captions", "title")     # a headline can tell an event too (issue 18)
PRECISIONS = ("day", "month", "year")
STATUSES = ("happened", "planned", "proposed", "cancelled")
ACTOR_KINDS = ("state", "igo")

EVENT_TYPE_COLUMNS = (("event_mentions", "event_type"), ("events", "event_type"))   # the rule files' event types
# Closed vocabularies: (table, column) → every value the pipeline writes there. Open-ended categoricals
# (site, rule ids, roles, error kinds) are not listed. The data dictionary shows these values too.
ALLOWED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("articles", "input_format"): ("txt", "html", "jsonl"),
    ("articles", "date_source"): ("json-ld", "meta-tag", "time-element", "page", "html-meta",
                                  "inferred-from-text", "out-of-range"),
    ("text_repairs", "field"): REPAIRED_FIELDS,
    ("mentions", "field"): ("title", "body", "captions"),
    ("mentions", "label"): LABELS,
    ("mentions", "source"): ("model", "gazetteer", "definition", "coreference"),
    ("entities", "label"): LABELS,
    ("event_mentions", "date_precision"): PRECISIONS,
    ("event_mentions", "date_basis"): ("sentence", "context", "publication"),
    ("event_mentions", "status"): STATUSES,
    ("event_mentions", "join_rule"): events_across.JOIN_RULES,
    ("event_mentions", "deal_stage"): ("talks", "mou", "contract", "delivery"),
    ("event_mentions", "location_basis"): ("alias", "city", "country", "unresolved", "dateline"),
    ("event_mentions", "field"): EVENT_FIELDS,
    ("event_evidence", "field"): EVENT_FIELDS,
    ("mention_participants", "actor_kind"): ACTOR_KINDS,
    ("mention_participants", "label"): LABELS,
    ("events", "date_precision"): PRECISIONS,
    ("events", "status"): STATUSES,
    ("events", "merge_rule"): (events_across.MERGE_RULE,),
    ("event_participants", "actor_kind"): ACTOR_KINDS,
    ("event_participants", "label"): LABELS,
    ("dyads", "status"): STATUSES,
    ("membership_history", "status"): STATUSES,
    ("inputs", "status"): ("processed", "duplicate", "error"),
    ("errors", "stage"): STAGES,
}

# (table, columns) → (referenced table, referenced columns); "" is the table itself.
FOREIGN_KEYS: dict[str, tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]] = {
    "removed_lines": ((("article_id",), "articles", ("article_id",)),),
    "text_repairs": ((("article_id",), "articles", ("article_id",)),),
    "mentions": ((("article_id",), "articles", ("article_id",)),),
    "entities": ((("article_id",), "articles", ("article_id",)),),
    "event_mentions": ((("article_id",), "articles", ("article_id",)), (("event_id",), "events", ("event_id",))),
    "event_evidence": ((("article_id",), "articles", ("article_id",)),
                       (("mention_id",), "event_mentions", ("mention_id",))),
    "mention_participants": ((("article_id",), "articles", ("article_id",)),
                             (("mention_id",), "event_mentions", ("mention_id",))),
    "events": ((("first_mention_id",), "event_mentions", ("mention_id",)),),
    "event_participants": ((("event_id",), "events", ("event_id",)),),
    "dyads": ((("event_id",), "events", ("event_id",)),),
    "membership_history": ((("event_id",), "events", ("event_id",)),),
    "inputs": ((("duplicate_of",), "", ("source_path",)),),
}

CSV_DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}


def field_type(type_: pa.DataType) -> dict:
    """The Table Schema type (and format) of one Arrow type, as the CSV writer renders it."""
    if pa.types.is_dictionary(type_) or pa.types.is_string(type_):
        return {"type": "string"}
    if pa.types.is_integer(type_):
        return {"type": "integer"}
    if pa.types.is_floating(type_):
        return {"type": "number"}
    if pa.types.is_boolean(type_):
        return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    if pa.types.is_date(type_):
        return {"type": "date"}
    if pa.types.is_timestamp(type_):
        return {"type": "datetime"}
    raise ValueError(f"no Table Schema type for Arrow type {type_}; add it to pipeline/output/datapackage.py")


def allowed_values(event_types: Sequence[str] | None = None) -> dict[tuple[str, str], tuple[str, ...]]:
    """ALLOWED_VALUES and the event types (default: those of the package's rule files, read, not compiled)."""
    if event_types is None:
        event_types = event_type_names(load_knowledge())
    return {**ALLOWED_VALUES, **{column: tuple(event_types) for column in EVENT_TYPE_COLUMNS}}


def field_descriptor(table: schema.Table, column: schema.Column, allowed_by_column: dict | None = None) -> dict:
    descriptor = {"name": column.name, **field_type(column.type), "description": column.description}
    if pa.types.is_timestamp(column.type):
        descriptor["description"] += f" ISO 8601 with UTC offset; time zone {column.type.tz}."
    if column.example:
        descriptor["example"] = column.example
    constraints = {}
    if not column.nullable:
        constraints["required"] = True
    allowed = (allowed_by_column if allowed_by_column is not None else allowed_values()).get((table.name, column.name))
    if allowed:
        constraints["enum"] = list(allowed)
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(table: schema.Table, allowed_by_column: dict | None = None) -> dict:
    allowed_by_column = allowed_by_column if allowed_by_column is not None else allowed_values()
    descriptor = {
        "fields": [field_descriptor(table, c, allowed_by_column) for c in table.columns],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    foreign_keys = [{"fields": list(columns), "reference": {"resource": target, "fields": list(target_columns)}}
                    for columns, target, target_columns in FOREIGN_KEYS.get(table.name, ())]
    if foreign_keys:
        descriptor["foreignKeys"] = foreign_keys
    return descriptor


@dataclass(frozen=True)
class WrittenFile:
    """What the package says of a file as it was written: size, SHA-256 and, for a CSV, its byte-order mark."""

    size: int
    sha256: str
    bom: bool = False

    def facts(self) -> dict:
        return {"bytes": self.size, "hash": f"sha256:{self.sha256}"}


@dataclass(frozen=True)
class TableFiles:
    csv: WrittenFile
    parquet: WrittenFile


def resource(table: schema.Table, written: TableFiles | None, allowed_by_column: dict | None = None) -> dict:
    """A CSV resource; for a table written, its size, digest and encoding (with or without BOM) too."""
    descriptor = {"name": table.name, "path": f"{table.name}.csv", "profile": "tabular-data-resource",
                  "title": table.name, "description": table.description, "format": "csv",
                  "mediatype": "text/csv", "encoding": "utf-8"}
    if written is not None:
        descriptor["encoding"] = "utf-8-sig" if written.csv.bom else "utf-8"
        descriptor.update(written.csv.facts())
    descriptor["dialect"] = CSV_DIALECT
    descriptor["schema"] = table_schema(table, allowed_by_column)
    descriptor["parquet"] = parquet_twin(table, written.parquet if written is not None else None)
    return descriptor


def parquet_twin(table: schema.Table, written: WrittenFile | None) -> dict:
    """The ``parquet`` property of a resource: the Parquet file of the same table and its Arrow types."""
    descriptor = {"path": f"{table.name}.parquet", "format": "parquet", "mediatype": PARQUET_MEDIATYPE}
    if written is not None:
        descriptor.update(written.facts())
    descriptor["arrowTypes"] = {c.name: str(c.type) for c in table.columns}
    return descriptor


@dataclass(frozen=True)
class Provenance:
    """What the package says of where its tables come from: the input folder and the digests of the model
    and the knowledge files (pipeline/engine/current.py) the run used."""

    input_dir: str = ""
    model_digest: str = ""          # '' for a run without NER
    knowledge_digest: str = ""

    def version(self) -> str:
        """The pipeline's version with the model and knowledge digests as SemVer build metadata."""
        builds = [f"{name}.{digest[:12]}" for name, digest in (("model", self.model_digest or "none"),
                                                               ("knowledge", self.knowledge_digest)) if digest]
        return f"{__version__}+{'.'.join(builds)}" if builds else __version__


SOFTWARE_LICENSE = {"name": "Apache-2.0", "path": "https://www.apache.org/licenses/LICENSE-2.0",
                    "title": "Apache License 2.0: the tables' structure (schemas, codes, derived values) and the "
                             "software that made them. The text excerpts in the tables (titles, sentences, "
                             "evidence, removed lines) are not covered: they belong to their publishers, the "
                             "news sites named in articles.site, and are quoted for research."}
CONTRIBUTORS = [{"title": "The idnews-pipeline authors", "role": "author",
                 "path": "CITATION.cff"}]


def package_metadata(provenance: Provenance | None) -> dict:
    """licenses, sources, version and contributors; nothing that changes between two runs over the same inputs
    (no wall-clock time: run times are manifest.json's)."""
    provenance = provenance or Provenance()
    source = {"title": "The scraped news pages of the input folder (every input, with its status, in inputs.csv)",
              "path": provenance.input_dir or "."}
    manifest = {"title": "manifest.json: how the tables were made (input digest, versions, settings, counts)",
                "path": "manifest.json"}
    return {"version": provenance.version(), "licenses": [SOFTWARE_LICENSE], "sources": [source, manifest],
            "contributors": CONTRIBUTORS,
            "idnews:digests": {"pipeline": __version__, "model": provenance.model_digest,
                               "knowledge": provenance.knowledge_digest}}


def build_datapackage(written: dict[str, TableFiles], event_types: Sequence[str] | None = None,
                      provenance: Provenance | None = None) -> dict:
    """The package of the tables, with the facts of those ``written`` (by table name); ``event_types``: the
    run's compiled knowledge's (default: the package's)."""
    allowed_by_column = allowed_values(event_types)
    return {
        "profile": "tabular-data-package",
        "name": "idnews-events",
        "title": "Events extracted from Indonesian news pages",
        "description": "Articles, entity mentions and events (meetings, arms deals, accessions, agreements, "
                       "military exercises) with their evidence, as written by idnews-pipeline. Each CSV "
                       "has a Parquet twin with the same columns and explicit Arrow types, described in "
                       "the resource's 'parquet' property.",
        **package_metadata(provenance),
        "resources": [resource(t, written.get(t.name), allowed_by_column) for t in schema.TABLES],
    }


def datapackage_bytes(written: dict[str, TableFiles], event_types: Sequence[str] | None = None,
                      provenance: Provenance | None = None) -> bytes:
    package = build_datapackage(written, event_types, provenance)
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

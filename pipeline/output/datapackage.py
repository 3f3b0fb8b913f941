"""``datapackage.json``: a Frictionless Data Package describing every CSV table, derived from schema.py.

Field types, required columns, primary keys and descriptions come from ``pipeline/output/schema.py``; the allowed
values of the closed categorical columns and the foreign keys between tables are declared here, but for the event
types, which come from the rule files (the compiled knowledge's ``event_types``). Validate an output folder with
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
from pipeline.knowledge.compiled import compile_knowledge
from pipeline.output import schema
from pipeline.record import STAGES

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"

LABELS = ("PERSON", "ORG", "COUNTRY", "LOC")
EVENT_FIELDS = ("body", "captions", "title")     # a headline can tell an event too (issue 18)

EVENT_TYPE_COLUMN = ("events", "event_type")     # its values: the event types of the rule files
# Closed vocabularies: (table, column) → every value the pipeline writes there. Open-ended categoricals
# (site, rule ids, roles, error kinds) are not listed. The data dictionary shows these values too.
ALLOWED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("articles", "input_format"): ("txt", "html", "jsonl"),
    ("articles", "date_source"): ("json-ld", "meta-tag", "time-element", "page", "html-meta",
                                  "inferred-from-text"),
    ("mentions", "field"): ("title", "body", "captions"),
    ("mentions", "label"): LABELS,
    ("mentions", "source"): ("model", "gazetteer", "definition", "coreference"),
    ("entities", "label"): LABELS,
    ("events", "date_precision"): ("day", "month", "year"),
    ("events", "date_basis"): ("sentence", "context", "publication"),
    ("events", "status"): ("happened", "planned", "proposed", "cancelled"),
    ("event_participants", "actor_kind"): ("state", "igo"),
    ("events", "field"): EVENT_FIELDS,
    ("event_evidence", "field"): EVENT_FIELDS,
    ("event_participants", "label"): LABELS,
    ("inputs", "status"): ("processed", "duplicate", "error"),
    ("errors", "stage"): STAGES,
}

# (table, columns) → (referenced table, referenced columns); "" is the table itself.
FOREIGN_KEYS: dict[str, tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]] = {
    "removed_lines": ((("article_id",), "articles", ("article_id",)),),
    "mentions": ((("article_id",), "articles", ("article_id",)),),
    "entities": ((("article_id",), "articles", ("article_id",)),),
    "events": ((("article_id",), "articles", ("article_id",)),),
    "event_evidence": ((("article_id",), "articles", ("article_id",)), (("event_id",), "events", ("event_id",))),
    "event_participants": ((("article_id",), "articles", ("article_id",)),
                           (("event_id",), "events", ("event_id",))),
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
    """ALLOWED_VALUES and the event types (default: those of the package's knowledge files)."""
    if event_types is None:
        event_types = compile_knowledge(load_knowledge()).event_type_names
    return {**ALLOWED_VALUES, EVENT_TYPE_COLUMN: tuple(event_types)}


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


def build_datapackage(written: dict[str, TableFiles], event_types: Sequence[str] | None = None) -> dict:
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
        "version": __version__,
        "resources": [resource(t, written.get(t.name), allowed_by_column) for t in schema.TABLES],
    }


def datapackage_bytes(written: dict[str, TableFiles], event_types: Sequence[str] | None = None) -> bytes:
    return (json.dumps(build_datapackage(written, event_types), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

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

import hashlib
import json
from pathlib import Path
from typing import Sequence

import pyarrow as pa

from pipeline import __version__
from pipeline.knowledge import load_knowledge
from pipeline.knowledge.compiled import compile_knowledge
from pipeline.output import schema
from pipeline.output.layout import DATAPACKAGE
from pipeline.output.tables import write_atomically

UTF8_BOM = b"\xef\xbb\xbf"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"

LABELS = ("PERSON", "ORG", "COUNTRY", "LOC")
EVENT_FIELDS = ("body", "captions")

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
    ("errors", "stage"): ("ingest", "clean", "metadata", "ner", "events", "tables"),
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


def resource(table: schema.Table, csv_path: Path, allowed_by_column: dict | None = None) -> dict:
    """A CSV resource; when the file exists, its size, digest and encoding (with or without BOM) too."""
    descriptor = {"name": table.name, "path": csv_path.name, "profile": "tabular-data-resource",
                  "title": table.name, "description": table.description, "format": "csv",
                  "mediatype": "text/csv", "encoding": "utf-8"}
    if csv_path.is_file():
        payload = csv_path.read_bytes()
        descriptor["encoding"] = "utf-8-sig" if payload.startswith(UTF8_BOM) else "utf-8"
        descriptor.update(file_digest(payload))
    descriptor["dialect"] = CSV_DIALECT
    descriptor["schema"] = table_schema(table, allowed_by_column)
    descriptor["parquet"] = parquet_twin(table, csv_path.with_name(f"{table.name}.parquet"))
    return descriptor


def parquet_twin(table: schema.Table, path: Path) -> dict:
    """The ``parquet`` property of a resource: the Parquet file of the same table and its Arrow types."""
    descriptor = {"path": path.name, "format": "parquet", "mediatype": PARQUET_MEDIATYPE}
    if path.is_file():
        descriptor.update(file_digest(path.read_bytes()))
    descriptor["arrowTypes"] = {c.name: str(c.type) for c in table.columns}
    return descriptor


def file_digest(payload: bytes) -> dict:
    return {"bytes": len(payload), "hash": f"sha256:{hashlib.sha256(payload).hexdigest()}"}


def build_datapackage(out_dir: Path, event_types: Sequence[str] | None = None) -> dict:
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
        "resources": [resource(t, Path(out_dir) / f"{t.name}.csv", allowed_by_column) for t in schema.TABLES],
    }


def write_datapackage(out_dir: Path, event_types: Sequence[str] | None = None) -> Path:
    """Describe the CSV tables already written in ``out_dir`` (``event_types``: the run's compiled knowledge's;
    default: the package's); written atomically. Returns its path."""
    path = Path(out_dir) / DATAPACKAGE
    payload = json.dumps(build_datapackage(out_dir, event_types), indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, payload.encode("utf-8"))
    return path

"""``idnews-pipeline validate OUT``: does an output folder hold what its ``datapackage.json`` describes?

For every table the pipeline writes (whether the package lists it or not): both files are there with the size
and SHA-256 the package gives (a file edited or cut after the run shows here); the Parquet file has this
version's columns and Arrow types, nullability included (Parquet refuses a null in a required column, so
required values are checked there); its values keep the package's closed vocabularies and this version's keys
(unique primary keys, foreign keys that find their row: a package edited to drop a key or a table does not skip
its check); and the CSV is exactly the Parquet table written as CSV, so both hold the same rows.

The checks run on Arrow tables with pyarrow rather than through frictionless: they cover the Parquet files
(frictionless reads the CSVs only, and reads a Parquet resource through pandas, which turns a nullable
integer column into floats), they need nothing beyond the pipeline's own dependencies (frictionless brings
some twenty), and the value checks are vectorised rather than row by row; the CSV comparison renders each
table once, as the writer does. frictionless stays the independent check of the CSVs in the tests, and for
anyone: ``frictionless validate OUT/datapackage.json``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.output import schema
from pipeline.output.datapackage import ALLOWED_VALUES, FOREIGN_KEYS
from pipeline.output.layout import DATAPACKAGE
from pipeline.output.tables import UTF8_BOM, csv_bytes
from pipeline.record import PipelineError

EXAMPLES = 3    # offending values quoted per violation


@dataclass(frozen=True)
class Violation:
    table: str        # the resource's name
    check: str        # file | hash | schema | enum | primary-key | foreign-key | csv
    message: str

    def __str__(self) -> str:
        return f"{self.table}: {self.check}: {self.message}"


def validate(out_dir: str | Path) -> list[Violation]:
    """Every way ``out_dir`` differs from its ``datapackage.json``; an empty list when it matches.
    Raises ``PipelineError`` when the folder has no readable ``datapackage.json`` (nothing to check against)."""
    out_dir = Path(out_dir)
    resources = _resources(out_dir)
    listed = {resource["name"] for resource in resources}
    tables, found = {}, [_unlisted(out_dir, table) for table in schema.TABLES if table.name not in listed]
    for resource in resources:
        table, problems = _read_parquet(out_dir, resource)
        found += problems
        if table is not None:
            tables[resource["name"]] = table
    for resource in resources:
        if resource["name"] in tables:
            found += _constraints(resource, tables) + _csv_matches(out_dir, resource, tables[resource["name"]])
    return found


def _resources(out_dir: Path) -> list[dict]:
    path = out_dir / DATAPACKAGE
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        resources = package["resources"]
        if not isinstance(resources, list) or not all(_is_resource(r) for r in resources):
            raise ValueError("'resources' must be a list of objects, each with a name and a path")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PipelineError("no-datapackage", f"cannot read {path} ({exc}); is {out_dir} an output folder "
                                              "written by `idnews-pipeline run`?") from None
    return resources


def _is_resource(resource) -> bool:
    return (isinstance(resource, dict) and isinstance(resource.get("name"), str)
            and isinstance(resource.get("path"), str) and isinstance(resource.get("schema", {}), dict)
            and isinstance((resource.get("parquet") or {"path": ""}).get("path"), str))


def _unlisted(out_dir: Path, table: schema.Table) -> Violation:
    there = [name for name in (f"{table.name}.csv", f"{table.name}.parquet") if (out_dir / name).is_file()]
    files = f"{' and '.join(there)} cannot be checked" if there else "its files are missing"
    return Violation(table.name, "file", f"the pipeline writes this table, but datapackage.json does not list it: "
                                         f"{files}")


# ---------------------------------------------------------------- files and types

def _file_problems(out_dir: Path, name: str, descriptor: dict) -> list[Violation]:
    path = out_dir / descriptor["path"]
    if not path.is_file():
        return [Violation(name, "file", f"{descriptor['path']} is missing")]
    payload = path.read_bytes()
    expected = descriptor.get("hash")
    if expected and expected != f"sha256:{hashlib.sha256(payload).hexdigest()}":
        return [Violation(name, "hash", f"{descriptor['path']} changed after it was written "
                                        f"({len(payload)} bytes, {descriptor.get('bytes')} described)")]
    return []


def _read_parquet(out_dir: Path, resource: dict) -> tuple[pa.Table | None, list[Violation]]:
    name = resource["name"]
    declared = schema.TABLES_BY_NAME.get(name)
    if declared is None:
        return None, [Violation(name, "schema", f"no table {name!r} in this version of the pipeline")]
    twin = resource.get("parquet") or {"path": f"{name}.parquet"}
    problems = _file_problems(out_dir, name, resource) + _file_problems(out_dir, name, twin)
    if not (out_dir / twin["path"]).is_file():
        return None, problems
    table = pq.read_table(out_dir / twin["path"])
    if not table.schema.equals(declared.arrow_schema):
        return None, problems + [Violation(name, "schema", _schema_difference(table.schema, declared))]
    return table, problems


def _schema_difference(found: pa.Schema, declared: schema.Table) -> str:
    expected = declared.arrow_schema
    if found.names != expected.names:
        return f"columns {found.names} instead of {expected.names}"
    return "; ".join(f"{f.name}: {_type(f)} instead of {_type(e)}" for f, e in zip(found, expected) if not f.equals(e))


def _type(field: pa.Field) -> str:
    return f"{field.type}{'' if field.nullable else ' (required)'}"


# ---------------------------------------------------------------- constraints

def _constraints(resource: dict, tables: dict[str, pa.Table]) -> list[Violation]:
    name, described = resource["name"], resource.get("schema", {})
    table = tables[name]
    found = []
    for column, allowed in {**_package_enums(name, described), **_own_enums(name)}.items():
        found += _enum(name, column, table.column(column), allowed)
    found += _primary_key(name, table, list(schema.TABLES_BY_NAME[name].primary_key))
    for fields, target, target_fields in FOREIGN_KEYS.get(name, ()):
        target = target or name
        if target in tables:
            found += _foreign_key(name, table, list(fields), target, tables[target], list(target_fields))
        else:
            found.append(Violation(name, "foreign-key", f"{fields[0]}: cannot be checked, the {target} table is "
                                                        "missing or unreadable"))
    return found


def _own_enums(name: str) -> dict[str, tuple[str, ...]]:
    """This version's closed vocabularies of the table."""
    return {column: values for (table, column), values in ALLOWED_VALUES.items() if table == name}


def _package_enums(name: str, described: dict) -> dict[str, list]:
    """The vocabularies the package lists (the event types come from the run's knowledge files), where readable."""
    columns, found = set(schema.TABLES_BY_NAME[name].column_names), {}
    fields = described.get("fields")
    for field in fields if isinstance(fields, list) else []:
        constraints = field.get("constraints") if isinstance(field, dict) else None
        allowed = constraints.get("enum") if isinstance(constraints, dict) else None
        if field.get("name") in columns and isinstance(allowed, list) and all(isinstance(v, str) for v in allowed):
            found[field["name"]] = allowed
    return found


def _strings(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column


def _enum(name: str, field: str, column: pa.ChunkedArray, allowed: list) -> list[Violation]:
    values = _strings(column)
    outside = pc.unique(values.filter(pc.invert(pc.is_in(values, value_set=pa.array(allowed, pa.string())))))
    outside = [v for v in outside.to_pylist() if v is not None]
    if not outside:
        return []
    return [Violation(name, "enum", f"{field}: {_quote(outside)} not among the allowed values")]


def _primary_key(name: str, table: pa.Table, key: list[str]) -> list[Violation]:
    if not key or table.num_rows == 0:
        return []
    keys = pa.table({k: _strings(table.column(k)) for k in key})
    counts = keys.group_by(key).aggregate([(key[0], "count")])
    repeated = counts.filter(pc.greater(counts[f"{key[0]}_count"], 1))
    if repeated.num_rows == 0:
        return []
    examples = [tuple(row[k] for k in key) for row in repeated.slice(0, EXAMPLES).to_pylist()]
    return [Violation(name, "primary-key", f"{repeated.num_rows} value(s) of ({', '.join(key)}) on more than "
                                           f"one row, e.g. {_quote(examples)}")]


def _foreign_key(name: str, table: pa.Table, fields: list[str], target: str, parent: pa.Table,
                 parent_fields: list[str]) -> list[Violation]:
    if len(fields) != 1:     # the package declares single-column keys only
        raise ValueError(f"{name}: composite foreign key {fields} is not supported")
    values = _strings(table.column(fields[0])).drop_null()
    orphans = pc.unique(values.filter(pc.invert(pc.is_in(values, value_set=_strings(
        parent.column(parent_fields[0])).combine_chunks())))).to_pylist()
    if not orphans:
        return []
    return [Violation(name, "foreign-key", f"{fields[0]}: {len(orphans)} value(s) with no row in "
                                           f"{target}.{parent_fields[0]}, e.g. {_quote(orphans)}")]


def _quote(values: list) -> str:
    shown = ", ".join(repr(v) for v in values[:EXAMPLES])
    return shown + (f" and {len(values) - EXAMPLES} more" if len(values) > EXAMPLES else "")


# ---------------------------------------------------------------- the CSV twin

def _csv_matches(out_dir: Path, resource: dict, table: pa.Table) -> list[Violation]:
    """The CSV must be the Parquet table as the writer renders it, byte for byte (BOM as the file has it)."""
    path = out_dir / resource["path"]
    if not path.is_file():
        return []
    written = path.read_bytes()
    expected = csv_bytes(table, bom=written.startswith(UTF8_BOM))
    if written == expected:
        return []
    line = _first_different_line(written, expected)
    return [Violation(resource["name"], "csv", f"{resource['path']} differs from {table.num_rows} rows of the "
                                               f"Parquet table from line {line} on")]


def _first_different_line(a: bytes, b: bytes) -> int:
    for number, (left, right) in enumerate(zip(a.split(b"\n"), b.split(b"\n")), start=1):
        if left != right:
            return number
    return min(a.count(b"\n"), b.count(b"\n")) + 1

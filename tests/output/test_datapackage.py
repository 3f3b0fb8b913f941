"""datapackage.json: written CSVs validate against it with frictionless; broken keys and values are caught."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import frictionless
import pyarrow.compute as pc
import pytest

from outputs_sample import SAMPLE_INPUTS, SAMPLE_PROBLEMS, sample_articles, write_sample_outputs
from pipeline.output import datapackage
from pipeline.output.layout import DATAPACKAGE
from pipeline.output import schema
from pipeline.output import tables
from tests.paths import REPO_DIR

RULES_DIR = REPO_DIR / "pipeline" / "rules"


def validate(out: Path) -> frictionless.Report:
    return frictionless.validate(str(out / DATAPACKAGE))


def error_types(report: frictionless.Report) -> set[tuple[str, str]]:
    return {(task.name, error.type) for task in report.tasks for error in task.errors}


def write(built: dict, out: Path) -> Path:
    tables.write_tables(built, out)
    return out


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    return write_sample_outputs(tmp_path_factory.mktemp("out"))


def test_written_csvs_validate_against_the_package(sample_out):
    report = validate(sample_out)
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
    rows = {task.name: task.stats["rows"] for task in report.tasks}
    assert rows == {"articles": 4, "removed_lines": 10, "text_repairs": 2, "mentions": 17, "entities": 16,
                    "event_mentions": 8, "event_evidence": 8, "mention_participants": 17, "events": 8,
                    "event_participants": 17, "dyads": 6, "membership_history": 3, "inputs": 7, "errors": 2}


def test_package_mirrors_schema_py(sample_out):
    package = json.loads((sample_out / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == [t.name for t in schema.TABLES]
    for table in schema.TABLES:
        described = resources[table.name]["schema"]
        assert [f["name"] for f in described["fields"]] == table.column_names
        assert described["primaryKey"] == list(table.primary_key)
        required = [f["name"] for f in described["fields"] if f.get("constraints", {}).get("required")]
        assert required == [c.name for c in table.columns if not c.nullable]
    events = {f["name"]: f for f in resources["event_mentions"]["schema"]["fields"]}
    assert (events["date_start"]["type"], events["confidence"]["type"]) == ("date", "number")
    assert "MEETING" in events["event_type"]["constraints"]["enum"]
    across = {f["name"]: f for f in resources["events"]["schema"]["fields"]}
    assert across["event_type"]["constraints"]["enum"] == events["event_type"]["constraints"]["enum"]
    assert resources["articles"]["schema"]["fields"][7]["type"] == "datetime"
    assert {"fields": ["event_id"], "reference": {"resource": "events", "fields": ["event_id"]}} in \
        resources["event_participants"]["schema"]["foreignKeys"]


def test_an_orphan_row_breaks_the_foreign_key(tmp_path):
    built = tables.build_tables(sample_articles(), SAMPLE_PROBLEMS, SAMPLE_INPUTS)
    built["articles"] = built["articles"].filter(pc.not_equal(built["articles"]["article_id"], "a4"))
    report = validate(write(built, tmp_path))
    assert not report.valid
    assert {("mentions", "foreign-key"), ("event_mentions", "foreign-key"),
            ("mention_participants", "foreign-key")} <= error_types(report)


def test_a_value_outside_the_allowed_ones_is_a_constraint_error(tmp_path):
    built = tables.build_tables(sample_articles(), SAMPLE_PROBLEMS, SAMPLE_INPUTS)
    rows = built["events"].to_pylist()
    rows[0]["event_type"] = "PARADE"
    built["events"] = tables.to_arrow(schema.EVENTS, rows)      # the events across articles keep the rules' types
    assert error_types(validate(write(built, tmp_path))) == {("events", "constraint-error")}


def test_a_csv_changed_after_writing_no_longer_matches_its_digest(tmp_path):
    out = write_sample_outputs(tmp_path)
    with open(out / "errors.csv", "a", encoding="utf-8") as handle:
        handle.write("late.txt,ingest,empty,added by hand,\n")
    assert ("errors", "hash-count") in error_types(validate(out))


def test_csv_with_byte_order_mark_validates_and_says_so(tmp_path):
    out = write_sample_outputs(tmp_path, csv_bom=True)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["encoding"] for r in package["resources"]} == {"utf-8-sig"}
    assert validate(out).valid


def test_empty_tables_validate(tmp_path):
    out = write(tables.build_tables([], [], []), tmp_path)
    assert validate(out).valid


def test_event_types_allowed_are_those_the_rules_produce():
    produced = {tomllib.loads(p.read_text(encoding="utf-8"))["event_type"] for p in RULES_DIR.glob("*.toml")}
    for column in datapackage.EVENT_TYPE_COLUMNS:
        assert set(datapackage.allowed_values()[column]) == produced
        assert datapackage.allowed_values(["PARADE"])[column] == ("PARADE",)


def test_allowed_values_name_real_categorical_columns():
    for (table, column), values in datapackage.allowed_values().items():
        described = {c.name: c for c in schema.TABLES_BY_NAME[table].columns}
        assert column in described, (table, column)
        assert described[column].type == schema.CATEGORY, (table, column)
        assert len(set(values)) == len(values)


def test_foreign_keys_name_real_columns():
    for table, keys in datapackage.FOREIGN_KEYS.items():
        for columns, target, target_columns in keys:
            assert set(columns) <= set(schema.TABLES_BY_NAME[table].column_names)
            assert tuple(target_columns) == schema.TABLES_BY_NAME[target or table].primary_key


def test_the_package_states_licences_sources_version_and_contributors(tmp_path):
    provenance = datapackage.Provenance("corpus", "ab" * 32, "cd" * 32)
    built = tables.build_tables(sample_articles(), SAMPLE_PROBLEMS, SAMPLE_INPUTS)
    tables.write_tables(built, tmp_path, provenance=provenance)
    package = json.loads((tmp_path / DATAPACKAGE).read_text(encoding="utf-8"))
    assert package["version"] == "0.1.0+model.abababababab.knowledge.cdcdcdcdcdcd"
    assert package["idnews:digests"] == {"pipeline": "0.1.0", "model": "ab" * 32, "knowledge": "cd" * 32}
    [licence] = package["licenses"]
    assert licence["name"] == "Apache-2.0" and "belong to their publishers" in licence["title"]
    assert [source["path"] for source in package["sources"]] == ["corpus", "manifest.json"]
    assert package["contributors"] and (REPO_DIR / "CITATION.cff").is_file() and (REPO_DIR / "LICENSE").is_file()
    report = validate(tmp_path)
    assert report.valid, report.flatten(["taskName", "type", "note"])


def test_the_package_has_no_wall_clock_field(tmp_path):
    """Two writes of the same tables are byte-identical: run times live in manifest.json only."""
    first, second = write_sample_outputs(tmp_path / "a"), write_sample_outputs(tmp_path / "b")
    assert (first / DATAPACKAGE).read_bytes() == (second / DATAPACKAGE).read_bytes()
    text = (first / DATAPACKAGE).read_text(encoding="utf-8")
    assert not {"created", "updated", "modified", "timestamp"} & set(json.loads(text))


def test_a_run_without_ner_says_so_in_the_version():
    assert datapackage.Provenance("in", "", "cd" * 32).version() == "0.1.0+model.none.knowledge.cdcdcdcdcdcd"

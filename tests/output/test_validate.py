"""idnews-pipeline validate OUT: a written folder is valid; each kind of damage is found, named, and gives exit
code 1 (and frictionless, the independent check of the CSVs, agrees where it looks)."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import frictionless
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import pipeline
from outputs_sample import SAMPLE_INPUTS, SAMPLE_PROBLEMS, sample_articles, write_sample_outputs
from pipeline.__main__ import main
from pipeline.output import datapackage, schema, tables
from pipeline.settings import OutputOptions


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return write_sample_outputs(tmp_path_factory.mktemp("sample"))


@pytest.fixture()
def out(sample, tmp_path) -> Path:
    return Path(shutil.copytree(sample, tmp_path / "out"))


def rewrite(out: Path, name: str, table: pa.Table) -> None:
    """Write one table back as the pipeline would, so only its values are wrong, never its digests."""
    built = {t.name: pq.read_table(out / f"{t.name}.parquet") for t in schema.TABLES}
    built[name] = table
    tables.write_tables(built, out)


def describe_again(out: Path) -> None:
    """datapackage.json for the files as they are now, as if another writer had made them."""
    def facts(path: Path, bom: bool = False) -> datapackage.WrittenFile:
        payload = path.read_bytes()
        return datapackage.WrittenFile(len(payload), hashlib.sha256(payload).hexdigest(), bom)

    written = {t.name: datapackage.TableFiles(facts(out / f"{t.name}.csv"), facts(out / f"{t.name}.parquet"))
               for t in schema.TABLES}
    (out / "datapackage.json").write_bytes(datapackage.datapackage_bytes(written))


def checks(out: Path) -> set[tuple[str, str]]:
    return {(v.table, v.check) for v in pipeline.validate(out)}


def frictionless_valid(out: Path) -> bool:
    return frictionless.validate(str(out / "datapackage.json")).valid


def test_a_written_folder_is_valid(sample, capsys):
    assert pipeline.validate(sample) == []
    assert main(["validate", str(sample)]) == 0
    assert capsys.readouterr().out.strip().endswith(": valid")


def test_an_orphan_row_breaks_a_foreign_key(out, capsys):
    articles = pq.read_table(out / "articles.parquet")
    rewrite(out, "articles", articles.filter(pc.not_equal(articles["article_id"], "a4")))
    broken = {("mentions", "foreign-key"), ("event_mentions", "foreign-key"),
              ("mention_participants", "foreign-key")}
    assert broken <= checks(out)
    assert main(["validate", str(out)]) == 1
    printed = capsys.readouterr().out
    assert ("event_mentions: foreign-key: article_id: 1 value(s) with no row in articles.article_id, e.g. 'a4'"
            in printed)
    assert not frictionless_valid(out)


def test_a_value_outside_the_allowed_ones(out):
    rows = pq.read_table(out / "events.parquet").to_pylist()
    rows[0]["event_type"] = "PARADE"
    rewrite(out, "events", tables.to_arrow(schema.EVENTS, rows))
    assert checks(out) == {("events", "enum")}
    assert not frictionless_valid(out)


def test_a_repeated_primary_key(out):
    rows = pq.read_table(out / "entities.parquet").to_pylist()
    rewrite(out, "entities", tables.to_arrow(schema.ENTITIES, rows + rows[:1]))
    assert checks(out) == {("entities", "primary-key")}
    assert not frictionless_valid(out)


def test_an_empty_value_in_a_required_column_is_a_schema_difference(out):
    """Parquet refuses to write a null into a required column: another writer's file shows it as a nullable
    column; in the CSV, frictionless finds the empty cell."""
    removed = pq.read_table(out / "removed_lines.parquet")
    declared = schema.REMOVED_LINES.arrow_schema
    index = declared.get_field_index("rule_id")
    relaxed = declared.set(index, declared.field("rule_id").with_nullable(True))
    rule_ids = pa.array([None] + removed["rule_id"].to_pylist()[1:], schema.CATEGORY)
    broken = removed.cast(relaxed).set_column(index, relaxed.field("rule_id"), rule_ids)
    pq.write_table(broken, out / "removed_lines.parquet")
    (out / "removed_lines.csv").write_bytes(tables.csv_bytes(broken))
    describe_again(out)
    category = "dictionary<values=string, indices=int32, ordered=0>"
    assert [str(v) for v in pipeline.validate(out)] == [
        f"removed_lines: schema: rule_id: {category} instead of {category} (required)"]
    assert not frictionless_valid(out)


def test_a_csv_edited_after_the_run(out):
    with open(out / "errors.csv", "a", encoding="utf-8") as handle:
        handle.write("late.txt,ingest,empty,added by hand,\n")
    assert checks(out) == {("errors", "hash"), ("errors", "csv")}
    assert not frictionless_valid(out)


def test_a_parquet_file_replaced_or_of_another_version(out):
    events = pq.read_table(out / "event_mentions.parquet")
    pq.write_table(events.slice(1), out / "event_mentions.parquet")
    assert checks(out) == {("event_mentions", "hash"), ("event_mentions", "csv"), ("event_evidence", "foreign-key"),
                           ("mention_participants", "foreign-key"), ("events", "foreign-key")}
    assert frictionless_valid(out)                                     # frictionless reads the CSVs only
    index = events.column_names.index("confidence")
    pq.write_table(events.set_column(index, "confidence", events["confidence"].cast(pa.float32())),
                   out / "event_mentions.parquet")
    found = pipeline.validate(out)
    assert [str(v) for v in found if v.check == "schema"] == [
        "event_mentions: schema: confidence: float instead of double (required)"]


def test_a_missing_file(out):
    (out / "mentions.parquet").unlink()
    (out / "inputs.csv").unlink()
    assert checks(out) == {("mentions", "file"), ("inputs", "file")}


def test_a_folder_without_a_package_is_a_usage_error(tmp_path, out, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err
    (out / "datapackage.json").write_text("{not json", encoding="utf-8")
    assert main(["validate", str(out)]) == 2


def test_the_package_describes_each_parquet_twin(sample):
    package = json.loads((sample / "datapackage.json").read_text(encoding="utf-8"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    twin = events["parquet"]
    assert (twin["path"], twin["mediatype"]) == ("events.parquet", "application/vnd.apache.parquet")
    assert twin["bytes"] == (sample / "events.parquet").stat().st_size
    assert twin["arrowTypes"]["cameo_code"] == "dictionary<values=string, indices=int32, ordered=0>"
    assert twin["arrowTypes"]["first_reported"] == "timestamp[ms, tz=Asia/Jakarta]"


def test_empty_tables_are_valid(tmp_path):
    tables.write_tables(tables.build_tables([], [], []), tmp_path)
    assert pipeline.validate(tmp_path) == []


def test_validation_agrees_with_the_sample_built_from_records(tmp_path):
    built = tables.build_tables(sample_articles(), SAMPLE_PROBLEMS, SAMPLE_INPUTS)
    tables.write_tables(built, tmp_path, OutputOptions(csv_bom=True))
    assert pipeline.validate(tmp_path) == [] and frictionless_valid(tmp_path)

"""The researcher-facing outputs of a real run over corpus/ (without the NER model, to stay fast): the package
validates, keys join, the year partitions hold every row, the report builds and the README examples run."""
from __future__ import annotations

from pathlib import Path

import frictionless
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from outputs_sample import orphans, parquet, readme_examples
from pipeline.output.layout import PARTITION_DIR
from pipeline.report import render as report
from pipeline.output import schema
from pipeline.__main__ import main
from pipeline.output.validate import validate
from tests.paths import CORPUS_DIR, copy_seeds

CORPUS = CORPUS_DIR


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("project")
    assert main(["run", str(CORPUS), "--out", str(folder / "outputs"), "--no-ner", "--partition-by-year",
                 "--quiet"]) == 0
    copy_seeds(folder / "pages", "00[0-1]_*.txt")       # for the README's notebook example
    return folder


def test_corpus_outputs_validate_against_their_package(project):
    report_ = frictionless.validate(str(project / "outputs" / "datapackage.json"))
    assert report_.valid, report_.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
    rows = {task.name: task.stats.get("rows", 0) for task in report_.tasks}   # no "rows" when empty
    assert rows["articles"] >= 10 and rows["events"] > 0 and rows["event_participants"] > 0


def test_corpus_outputs_pass_the_validate_command(project):
    assert validate(project / "outputs") == []


def test_corpus_keys_join_and_partitions_hold_every_row(project):
    out = project / "outputs"
    assert set(orphans(out).values()) == {0}
    for name in ("articles", "mentions", "event_mentions", "mention_participants", "event_evidence", "removed_lines"):
        split = ds.dataset(out / PARTITION_DIR / name, format="parquet", partitioning="hive")
        assert split.count_rows() == pq.read_metadata(parquet(out, name)).num_rows, name


def test_corpus_parquet_keeps_the_declared_types(project):
    for table in schema.TABLES:
        assert pq.read_schema(parquet(project / "outputs", table.name)).remove_metadata() == table.arrow_schema


def test_corpus_report_builds(project):
    page = report.write_report(project / "outputs").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 4                 # timeline, actors, places, sites
    assert "<td>SCO</td>" in page


def test_readme_examples_run_on_the_corpus_outputs(project, monkeypatch):
    monkeypatch.chdir(project)
    names: dict = {}
    for code in readme_examples():
        exec(compile(code, "README.md", "exec"), names)  # noqa: S102 - the README's own examples
    joined = set(map(tuple, names["accessions"][["country", "organisation", "stage"]].values.tolist()))
    assert ("Iran", "SCO", "member") in joined
    assert names["meetings_per_year"].sum() > 0 and len(names["recent"]) > 0

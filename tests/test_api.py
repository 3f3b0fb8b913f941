"""The Python API (pipeline.process_folder, write_outputs, load, validate) and the report and validate
subcommands: the API writes what the command line writes; importing it is light; the run needs no extra."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import pipeline
from pipeline.__main__ import main
from tests.paths import REPO_DIR, copy_seeds

SEEDS = sorted((REPO_DIR / "corpus").glob("00[0-2]_*.txt"))
TABLE_FILES = ("articles.csv", "events.parquet", "event_participants.csv", "inputs.csv", "errors.parquet")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    copy_seeds(folder, "00[0-2]_*.txt")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def written(pages, tmp_path_factory) -> tuple[Path, Path]:
    """The same pages through the command line and through the API, without the model."""
    by_cli, by_api = tmp_path_factory.mktemp("cli"), tmp_path_factory.mktemp("api")
    assert main(["run", str(pages), "--out", str(by_cli), "--no-ner", "--workers", "1", "--no-cache", "--quiet"]) == 0
    result = pipeline.process_folder(pages, pipeline.Settings(use_ner=False))
    assert pipeline.write_outputs(result, by_api) is True
    return by_cli, by_api


def test_the_api_writes_what_the_command_line_writes(written):
    by_cli, by_api = written
    for name in (*TABLE_FILES, "datapackage.json"):
        assert (by_api / name).read_bytes() == (by_cli / name).read_bytes(), name
    cli, api = (json.loads((out / "manifest.json").read_text()) for out in written)
    assert api["outputs_key"] == cli["outputs_key"] and api["config"]["use_ner"] is False
    assert api["input"] == cli["input"] and api["counts"] == cli["counts"]


def test_the_manifest_records_the_library_versions(written):
    manifest = json.loads((written[1] / "manifest.json").read_text())
    libraries = manifest["libraries"]
    for name in ("dateparser", "trafilatura", "lxml", "charset-normalizer", "torch", "pyarrow"):
        assert libraries[name] == metadata.version(name), name
    assert "stanza" not in libraries           # only the reference tagger imports it, never a run
    assert libraries["python"] == ".".join(map(str, sys.version_info[:3]))


def test_writing_the_same_result_again_leaves_the_files(written, pages):
    result = pipeline.process_folder(pages, pipeline.Settings(use_ner=False))
    before = (written[1] / "events.csv").stat().st_mtime_ns
    assert pipeline.write_outputs(result, written[1]) is False
    assert (written[1] / "events.csv").stat().st_mtime_ns == before


def test_a_written_folder_loads_and_validates(written, capsys):
    tables = pipeline.load(written[1])
    assert len(tables.inputs) == len(SEEDS) + 1 and tables.errors["kind"].tolist() == ["empty"]
    assert pipeline.validate(written[1]) == []
    assert main(["validate", str(written[0])]) == 0


def test_the_report_subcommand_writes_the_page(written, tmp_path, capsys):
    out = Path(shutil.copytree(written[1], tmp_path / "out"))
    assert main(["report", str(out)]) == 0
    assert (out / "report" / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["report", str(tmp_path / "nothing")]) == 2


def test_every_public_name_resolves_and_has_a_docstring():
    for name in pipeline.__all__:
        value = getattr(pipeline, name)
        assert name == "__version__" or value.__doc__, name
    with pytest.raises(AttributeError):
        pipeline.no_such_name


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_DIR, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_importing_pipeline_and_loading_tables_imports_no_model_code():
    out = run_python("import sys, pipeline; pipeline.csv_dtypes('events'); "
                     "print(sorted({'torch', 'stanza', 'pandas', 'matplotlib'} & set(sys.modules)))")
    assert out.strip() == "[]"


def test_a_run_imports_no_extra(pages, tmp_path):
    """(pandas is a core dependency: pyarrow.dataset imports it whenever it is installed.)"""
    code = ("import sys; from pipeline.__main__ import main; "
            f"assert main(['run', {str(pages)!r}, '--out', {str(tmp_path)!r}, '--no-ner', '--workers', '1', "
            "'--quiet']) == 0; print(sorted({'matplotlib', 'duckdb', 'frictionless', 'distributed', 'babel', "
            "'pycountry'} & set(sys.modules)))")
    assert run_python(code).strip() == "[]"

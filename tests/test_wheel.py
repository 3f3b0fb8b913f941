"""The wheel as a new user gets it: built from the sources, installed with --no-deps into a folder of its own
(the libraries are the project venv's), and run from another directory on a copy of the corpus: the NER model
it carries as package data is found there, with no file of the repository in reach."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.paths import REPO_DIR, copy_seeds

SOURCES = ("pipeline", "models", "pyproject.toml", "setup.py", "README.md", "LICENSE")


def pip(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The folder the wheel is installed into (``pip install --target``); built from a copy of the sources,
    so that the build leaves nothing in the repository (offline: no build isolation, no index)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO_DIR / name).is_dir():
            shutil.copytree(REPO_DIR / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO_DIR / name, source / name)
    pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(work / "dist"), str(source), cwd=work)
    [wheel] = (work / "dist").glob("idnews_pipeline-*.whl")
    pip("install", "--no-deps", "--target", str(work / "site"), str(wheel), cwd=work)
    return work / "site"


def run_installed(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "IDNEWS_MODEL_DIR")}
    return subprocess.run([str(site / "bin" / "idnews-pipeline"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**env, "PYTHONPATH": str(site)})


def test_the_wheel_carries_the_model_and_the_knowledge(installed):
    model = installed / "pipeline" / "models" / "ner"
    assert {p.name for p in model.iterdir()} >= {"id_nertagger.pt", "id_pretrain.pt", "resources.json"}
    assert (installed / "pipeline" / "models" / "README.md").is_file()
    assert (installed / "pipeline" / "rules" / "meeting.toml").is_file()
    assert (model / "id_nertagger.pt").read_bytes() == (REPO_DIR / "models" / "ner" / "id_nertagger.pt").read_bytes()


def test_the_installed_wheel_runs_with_ner_from_another_directory(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    copy_seeds(elsewhere / "corpus", "00[0-1]_*.txt")
    done = run_installed(installed, "run", "corpus", "-o", "out", "-w", "1", "-q", cwd=elsewhere)
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((elsewhere / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert Path(manifest["settings"]["model_dir"]).is_relative_to(installed)       # the wheel's own copy
    assert manifest["settings"]["use_ner"] and manifest["counts"]["stages_run"]["ner"] == 2
    sources = set(pq.read_table(elsewhere / "out" / "mentions.parquet").column("source").to_pylist())
    assert "model" in sources                                                      # the tagger found names
    version = run_installed(installed, "--version", cwd=elsewhere)
    assert version.stdout.startswith("idnews-pipeline 0.1.0 (model ") and str(installed) in version.stdout


def test_a_model_elsewhere_is_named_by_the_environment_or_the_option(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    copy_seeds(elsewhere / "corpus", "000_*.txt")
    env_run = subprocess.run([str(installed / "bin" / "idnews-pipeline"), "run", "corpus", "-o", "out", "-q"],
                             cwd=elsewhere, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "PYTHONPATH": str(installed), "IDNEWS_MODEL_DIR": str(tmp_path)})
    assert env_run.returncode == 2 and f"not found in {tmp_path}" in env_run.stderr
    option_run = run_installed(installed, "run", "corpus", "-o", "out", "-q", "--model-dir", str(tmp_path / "none"),
                               cwd=elsewhere)
    assert option_run.returncode == 2 and f"not found in {tmp_path / 'none'}" in option_run.stderr


def test_the_installed_package_is_the_wheels_not_the_repositorys(installed, tmp_path):
    done = subprocess.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(installed)})
    assert Path(done.stdout.strip()).is_relative_to(installed), done.stderr

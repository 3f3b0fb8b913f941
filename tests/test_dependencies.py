"""pyproject.toml declares what the code imports, extras hold what only the report, Dask, scripts and tests
need, and constraints.txt pins every declared requirement within its range (CI installs with it)."""
from __future__ import annotations

import ast
import os
import sys
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from pipeline.engine.libraries import imported_distributions
from tests.paths import REPO_DIR

PROJECT = tomllib.loads((REPO_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
CONSTRAINTS = REPO_DIR / "constraints.txt"
# Code that runs only with an extra installed, and imports it lazily.
EXTRA_CODE = {"report": ("pipeline/report",), "dask": ("pipeline/engine/dask_runner.py",),
              "lexicons": ("scripts/build_countries.py",), "bench": ("bench",), "train": ("scripts/train_ner.py",)}


def requirements(extra: str | None = None) -> dict[str, Requirement]:
    """Declared requirements by canonical name: the core ones, or an extra's with the extras it names."""
    lines = PROJECT["dependencies"] if extra is None else PROJECT["optional-dependencies"][extra]
    found = {}
    for line in lines:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
            for inner in requirement.extras:
                found.update(requirements(inner))
        else:
            found[canonicalize_name(requirement.name)] = requirement
    return found


def imports(*paths: str) -> set[str]:
    """The distributions the Python files under ``paths`` import."""
    files = [f for p in paths for f in ((REPO_DIR / p).rglob("*.py") if (REPO_DIR / p).is_dir() else [REPO_DIR / p])]
    return set().union(*(imported_distributions(f.read_text(encoding="utf-8")) for f in files))


def core_code_imports() -> set[str]:
    extra_files = {REPO_DIR / p for paths in EXTRA_CODE.values() for p in paths}
    files = [f for f in (REPO_DIR / "pipeline").rglob("*.py")
             if f not in extra_files and not any(parent in extra_files for parent in f.parents)]
    return set().union(*(imported_distributions(f.read_text(encoding="utf-8")) for f in files))


def test_every_import_of_the_run_is_a_core_dependency():
    undeclared = core_code_imports() - set(requirements())
    assert not undeclared, f"declare in pyproject.toml [project] dependencies: {sorted(undeclared)}"


@pytest.mark.parametrize("extra", sorted(EXTRA_CODE))
def test_code_that_needs_an_extra_imports_only_it_and_the_core(extra):
    undeclared = imports(*EXTRA_CODE[extra]) - set(requirements()) - set(requirements(extra))
    assert not undeclared, f"declare in the {extra} extra: {sorted(undeclared)}"


def test_the_tests_import_only_what_the_test_extra_installs():
    undeclared = imports("tests") - set(requirements()) - set(requirements("test"))
    assert not undeclared, f"declare in the test extra: {sorted(undeclared)}"


def test_the_report_library_is_no_core_dependency_and_torch_gets_a_range():
    core = requirements()
    assert "matplotlib" not in core and {"duckdb", "frictionless", "babel", "pycountry"}.isdisjoint(core)
    assert Version("2.13.0") in core["torch"].specifier and Version("2.14.1") in core["torch"].specifier
    assert Version("3.0") not in core["torch"].specifier         # the pin is constraints.txt's (and the Makefile's)
    assert Version("1.5") in core["dateparser"].specifier and Version("1.2") not in core["dateparser"].specifier


def imported_top_names(path) -> set[str]:
    """Top-level names a file imports (inside functions too), whether or not they are installed here: the
    train extra's gensim is not, in CI."""
    tops = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            tops |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    local = {p.stem for folder in ("bench", "scripts") for p in (REPO_DIR / folder).glob("*.py")}  # their helpers
    return tops - local - {"pipeline", "__future__", *sys.stdlib_module_names}


def test_every_import_of_bench_and_scripts_is_declared():
    providers = metadata.packages_distributions()
    declared = set(requirements()).union(*(requirements(extra) for extra in PROJECT["optional-dependencies"]))
    files = [*(REPO_DIR / "bench").glob("*.py"), *(REPO_DIR / "scripts").glob("*.py")]
    undeclared = {f"{path.parent.name}/{path.name}: {top}" for path in files for top in imported_top_names(path)
                  if not {canonicalize_name(d) for d in providers.get(top, [top])} & declared}
    assert not undeclared, f"declare these in pyproject.toml (a dependency or an extra): {sorted(undeclared)}"


def pins() -> dict[str, str]:
    lines = [ln for ln in CONSTRAINTS.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return {canonicalize_name(name): version for name, version in (ln.split("==") for ln in lines)}


def test_constraints_pin_every_declared_requirement_within_its_range():
    pinned = pins()
    declared = {**requirements(), **requirements("test")}
    missing = sorted(set(declared) - set(pinned))
    assert not missing, f"not pinned in constraints.txt (run `make constraints`): {missing}"
    outside = {n: (pinned[n], str(r.specifier)) for n, r in declared.items() if Version(pinned[n]) not in r.specifier}
    assert not outside, f"pins outside pyproject.toml's ranges: {outside}"
    assert pinned["torch"] == "2.13.0" and canonicalize_name(PROJECT["name"]) not in pinned


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="a developer's .venv may hold more; CI's is made "
                                                           "from constraints.txt alone")
def test_ci_runs_with_exactly_the_pinned_versions():
    differing = {}
    for name, version in pins().items():
        try:
            installed = metadata.version(name).split("+")[0]
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            differing[name] = (version, installed)
    assert not differing, f"constraints.txt against this environment ({sys.prefix}): {differing}"

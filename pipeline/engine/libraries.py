"""Versions of the libraries a stage runs on, for its cache fingerprint and for ``manifest.json``.

What a stage writes depends on more than our code: dateparser decides which words are dates, trafilatura and
htmldate which lines are the body, stanza and torch what the model tags. A stage's libraries are read from
its code: every distribution its modules import (found by ``engine/cache.stage_modules``), and everything
those depend on in turn, since we cannot tell which dependency of a library changes its results (htmldate
is trafilatura's date reader; regex is dateparser's matcher). Upgrading any of them changes the stage's
fingerprint, so its cached results are recomputed, never mixed with results of the old version. Upgrades
come together (constraints.txt is regenerated as a whole), so the extra re-runs cost little.
"""
from __future__ import annotations

import ast
import platform
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# Distributions a library uses without declaring them: lxml.html.soupparser (our parser for markup lxml
# cannot read) imports BeautifulSoup, which lxml lists only as an optional extra.
UNDECLARED = {"lxml": ("beautifulsoup4",)}
LOCAL = frozenset({"pipeline", "__future__", *sys.stdlib_module_names})


def library_versions(sources: Iterable[Path]) -> dict[str, str]:
    """``{"python": "3.11.7", distribution: version, ...}`` for the distributions ``sources`` import,
    directly or through their own requirements; only installed ones are listed."""
    names = frozenset().union(*(imported_distributions(path.read_text(encoding="utf-8")) for path in sources))
    return {"python": platform.python_version(), **{name: installed_version(name) for name in sorted(closure(names))}}


@lru_cache(maxsize=None)
def imported_distributions(source: str) -> frozenset[str]:
    """The installed distributions a module's source imports (``import lxml.html`` → ``lxml``)."""
    tops = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            tops |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return frozenset(canonicalize_name(dist) for top in tops - LOCAL for dist in _providers(top))


def _providers(top: str) -> list[str]:
    """The distributions that install an importable top-level name: mostly the one of the same name
    (cheap to look up); otherwise found by scanning every installed distribution's files (``PIL``, ``bs4``)."""
    if installed_version(top) is not None:
        return [top]
    return _import_providers().get(top, [])


@lru_cache(maxsize=None)
def closure(names: frozenset[str]) -> frozenset[str]:
    """``names`` and every installed distribution they require (extras left out), transitively."""
    seen, todo = set(), sorted(names)
    while todo:
        name = todo.pop()
        if name in seen or installed_version(name) is None:
            continue
        seen.add(name)
        todo += _requirements(name) + list(UNDECLARED.get(name, ()))
    return frozenset(seen)


@lru_cache(maxsize=None)
def _requirements(name: str) -> list[str]:
    found = []
    for line in metadata.requires(name) or ():
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.append(canonicalize_name(requirement.name))
    return found


def installed_version(name: str) -> str | None:
    """The installed version of a distribution (local labels kept: torch 2.13.0+cpu), None when absent."""
    return _installed_version(name)


@lru_cache(maxsize=None)     # read once per process: every stage's fingerprint and the manifest ask again
def _installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def _import_providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()

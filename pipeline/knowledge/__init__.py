"""Loads the declarative knowledge once: site profiles, event rules, lexicons.

Knowledge is data (``sites/*.toml``, ``rules/*.toml``, ``lexicons/*.toml|*.tsv``); the stages compile
what they need from the parsed data.  The content digest keys caches and is written to the manifest.
"""
from __future__ import annotations

import csv
import hashlib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

PACKAGE_DIR = Path(__file__).resolve().parent.parent   # the pipeline package: its sites/, rules/, lexicons/
KNOWLEDGE_DIRS = ("sites", "rules", "lexicons")


class KnowledgeError(Exception):
    """A data file is broken; lists every problem found, with file and key."""


@dataclass(frozen=True)
class Knowledge:
    sites: tuple[Mapping[str, Any], ...]        # one parsed TOML per site profile, sorted by file name
    rules: tuple[Mapping[str, Any], ...]        # one parsed TOML per event-rule file
    lexicons: Mapping[str, Any]                 # file stem -> parsed TOML dict, or list of TSV row dicts
    digest: str                                 # sha256 over every knowledge file's name and bytes

    def lexicon(self, name: str) -> Any:
        try:
            return self.lexicons[name]
        except KeyError:
            raise KnowledgeError(f"lexicon '{name}' not found in {PACKAGE_DIR / 'lexicons'}") from None


def _read_tsv(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return [dict(row) for row in csv.DictReader(lines, delimiter="\t")]


def _load_dir(path: Path, problems: list[str]) -> list[tuple[str, Any]]:
    loaded = []
    for file in sorted(path.glob("*")):
        try:
            if file.suffix == ".toml":
                loaded.append((file.stem, tomllib.loads(file.read_text(encoding="utf-8"))))
            elif file.suffix == ".tsv":
                loaded.append((file.stem, _read_tsv(file)))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(f"{file}: {exc}")
    return loaded


def _digest(root: Path) -> str:
    sha = hashlib.sha256()
    for sub in KNOWLEDGE_DIRS:
        for file in sorted((root / sub).glob("*")):
            if file.suffix in (".toml", ".tsv"):
                sha.update(f"{sub}/{file.name}\0".encode())
                sha.update(file.read_bytes())
    return sha.hexdigest()


@lru_cache(maxsize=4)
def load_knowledge(root: Path = PACKAGE_DIR) -> Knowledge:
    problems: list[str] = []
    sites = _load_dir(root / "sites", problems)
    rules = _load_dir(root / "rules", problems)
    lexicons = _load_dir(root / "lexicons", problems)
    if problems:
        raise KnowledgeError("broken knowledge files:\n  " + "\n  ".join(problems))
    return Knowledge(
        sites=tuple(MappingProxyType({"id": stem, **data}) for stem, data in sites),
        rules=tuple(MappingProxyType({"file": stem, **data}) for stem, data in rules),
        lexicons=MappingProxyType(dict(lexicons)),
        digest=_digest(root),
    )

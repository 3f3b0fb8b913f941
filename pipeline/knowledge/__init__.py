"""Loads the declarative knowledge once: site profiles, event rules, lexicons.

Knowledge is data (``sites/*.toml``, ``rules/*.toml``, ``lexicons/*.toml|*.tsv``). ``pipeline.compiled``
checks and compiles all of it once, before any page is read; the stages take the compiled parts. The content
digest keys that compile and the stage caches, and is written to the manifest.
"""
from __future__ import annotations

import csv
import hashlib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from pipeline.knowledge.problems import KnowledgeProblem

PACKAGE_DIR = Path(__file__).resolve().parent.parent   # the pipeline package: its sites/, rules/, lexicons/
KNOWLEDGE_DIRS = ("sites", "rules", "lexicons")


class KnowledgeError(Exception):
    """Knowledge files are broken: every problem found, each with its file, key and line."""

    def __init__(self, problems: Sequence[KnowledgeProblem] | str, root: Path | None = None):
        self.problems = (KnowledgeProblem("", "", problems),) if isinstance(problems, str) else tuple(problems)
        self.root = root
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1 and not self.problems[0].file:
            return self.problems[0].message
        where = f" in {self.root}" if self.root else ""
        count = f"{len(self.problems)} problem{'s' if len(self.problems) > 1 else ''}"
        lines = "\n  ".join(str(p) for p in self.problems)
        return f"broken knowledge files{where} ({count}):\n  {lines}"


@dataclass(frozen=True)
class Knowledge:
    sites: tuple[Mapping[str, Any], ...]        # one parsed TOML per site profile, sorted by file name
    rules: tuple[Mapping[str, Any], ...]        # one parsed TOML per event-rule file
    lexicons: Mapping[str, Any]                 # file stem -> parsed TOML dict, or list of TSV row dicts
    digest: str                                 # sha256 over every knowledge file's name and bytes
    root: Path | None = None                    # the folder of sites/, rules/, lexicons/ (for line numbers)

    def lexicon(self, name: str) -> Any:
        try:
            return self.lexicons[name]
        except KeyError:
            raise KnowledgeError(f"lexicon '{name}' not found in {PACKAGE_DIR / 'lexicons'}") from None


def _read_tsv(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return [dict(row) for row in csv.DictReader(lines, delimiter="\t")]


def _load_dir(path: Path, problems: list[KnowledgeProblem]) -> list[tuple[str, Any]]:
    loaded = []
    for file in sorted(path.glob("*")):
        try:
            if file.suffix == ".toml":
                loaded.append((file.stem, tomllib.loads(file.read_text(encoding="utf-8"))))
            elif file.suffix == ".tsv":
                loaded.append((file.stem, _read_tsv(file)))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(KnowledgeProblem(f"{path.name}/{file.name}", "", str(exc)))
    return loaded


def files_digest(root: Path = PACKAGE_DIR) -> str:
    """SHA-256 over every knowledge file's name and bytes (``Knowledge.digest``)."""
    sha = hashlib.sha256()
    for sub in KNOWLEDGE_DIRS:
        for file in sorted((root / sub).glob("*")):
            if file.suffix in (".toml", ".tsv"):
                sha.update(f"{sub}/{file.name}\0".encode())
                sha.update(file.read_bytes())
    return sha.hexdigest()


@lru_cache(maxsize=4)
def load_knowledge(root: Path = PACKAGE_DIR) -> Knowledge:
    problems: list[KnowledgeProblem] = []
    sites = _load_dir(root / "sites", problems)
    rules = _load_dir(root / "rules", problems)
    lexicons = _load_dir(root / "lexicons", problems)
    if problems:
        raise KnowledgeError(problems, root)
    return Knowledge(
        sites=tuple(MappingProxyType({"id": stem, **data}) for stem, data in sites),
        rules=tuple(MappingProxyType({"file": stem, **data}) for stem, data in rules),
        lexicons=MappingProxyType(dict(lexicons)),
        digest=files_digest(root),
        root=root,
    )

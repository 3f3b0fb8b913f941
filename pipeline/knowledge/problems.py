"""What is wrong with the knowledge files, each problem with its file, key and line, gathered before a run stops.

A compiler reports a problem at a key path inside a parsed file: ``("rule", (2, "meeting.visit"), "triggers")``
is the ``triggers`` of the rule whose id is "meeting.visit" (the third ``[[rule]]``). tomllib gives no line
numbers, so the line is found by searching the file's text for each step of the path in turn (the key as a TOML
key, an entry by its quoted id), then for the ``needle`` (the offending text itself, such as ``(?P<triger>``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, Union

# A step of a key path: a key, a list index, or (index, id) for a list entry that has an id or a name.
Step = Union[str, int, tuple[int, str]]


@dataclass(frozen=True)
class KnowledgeProblem:
    file: str                 # relative to the knowledge root: "rules/meeting.toml"
    key: str                  # "rule[meeting.visit].triggers"; "" for the file as a whole
    message: str
    line: int | None = None   # 1-based, where the key (or the offending text) is written

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


def key_text(path: Sequence[Step]) -> str:
    text = ""
    for step in path:
        if isinstance(step, tuple):
            text += f"[{step[1]}]"
        elif isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


def _key_pattern(key: str) -> re.Pattern:
    """The key written as a TOML key: ``key =``, ``"key" =``, a ``[table.key]`` header or a dotted ``key.sub``."""
    quoted = rf"""(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')"""
    return re.compile(rf"(?<![\w\"'-]){quoted}[ \t]*(?:=|\]|\.[\w\"'])")


def _id_pattern(value: str) -> re.Pattern:
    return re.compile(rf"""(?:"{re.escape(value)}"|'{re.escape(value)}')""")


def find_line(text: str, path: Sequence[Step], needle: str | None = None) -> int | None:
    """The line of ``path`` (then of ``needle`` after it) in a file's text, or None when none of it is found."""
    pos, found = 0, None
    for step in path:
        if isinstance(step, int):
            continue
        pattern = _id_pattern(step[1]) if isinstance(step, tuple) else _key_pattern(step)
        match = pattern.search(text, pos)
        if match:
            pos = found = match.start()
    if needle:          # after the path's last step (not at it: a repeated id is found at its second place)
        at = text.find(needle, pos + 1 if found is not None else 0)
        if at < 0:
            at = text.find(needle)
        if at >= 0:
            found = at + len(needle) - len(needle.lstrip("\n"))
    return None if found is None else text.count("\n", 0, found) + 1


class Problems:
    """Collects every problem of one compile; ``root`` is where the files are (None: no line numbers)."""

    def __init__(self, root: Path | None):
        self.root = root
        self.found: list[KnowledgeProblem] = []
        self._texts: dict[str, str | None] = {}

    def add(self, file: str, path: Sequence[Step], message: str, needle: str | None = None) -> None:
        text = self._text(file)
        line = find_line(text, path, needle) if text is not None else None
        self.found.append(KnowledgeProblem(file, key_text(path), message, line))

    def _text(self, file: str) -> str | None:
        if file not in self._texts:
            path = self.root / file if self.root is not None else None
            try:
                self._texts[file] = path.read_text(encoding="utf-8") if path is not None else None
            except (OSError, UnicodeDecodeError):
                self._texts[file] = None
        return self._texts[file]

    def __len__(self) -> int:
        return len(self.found)

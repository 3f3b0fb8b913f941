"""JSON as ingest reads it (records, JSON-LD): numbers are kept as the text they were written in (``Number``),
never converted (a 5,000-digit "id" costs Python's int() its digit limit, and no number is ever read), and
nesting is bounded (``MAX_DEPTH``): a record 100,000 brackets deep is an error of its own, not a crash."""
from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 100
# A JSON string, or one of the characters that nest or separate values outside strings.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.DOTALL)


class Number(str):
    """A JSON number, as written."""


class TooDeep(ValueError):
    def __init__(self) -> None:
        super().__init__(f"nested more than {MAX_DEPTH} levels deep")


def loads(text: str, strict: bool = True) -> Any:
    """``json.loads`` with numbers as ``Number``; TooDeep beyond MAX_DEPTH levels (JSONDecodeError as usual)."""
    try:
        value = json.loads(text, parse_int=Number, parse_float=Number, parse_constant=Number, strict=strict)
    except RecursionError:
        raise TooDeep() from None
    if _depth(value) > MAX_DEPTH:
        raise TooDeep()
    return value


def _depth(value: Any) -> int:
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            todo += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
    return deepest


def array_items(text: str) -> list[str] | None:
    """The texts of the items of a top-level JSON array, found without parsing them (so one item too deep
    to parse costs that item only); None when the text is not an array."""
    stripped = text.strip()
    if not stripped.startswith("["):
        return None
    items, depth, start = [], 0, None
    for token in _TOKEN.finditer(stripped):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth == 1:
                start = token.end()
        elif mark in "]}":
            depth -= 1
            if depth == 0:
                items.append(stripped[start:token.start()])
                return [item for item in items if item.strip()] if not stripped[token.end():].strip() else None
        elif mark == "," and depth == 1:
            items.append(stripped[start:token.start()])
            start = token.end()
    return None

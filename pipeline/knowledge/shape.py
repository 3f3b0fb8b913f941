"""The shape of a knowledge file, written as data next to the compiler that reads it, and ``check``, which
reports every place a parsed file departs from it: an unknown key (with the known key it may be a typo of), a
missing key, a value of the wrong type, a regular expression that does not compile or that names a group no
engine reads.

A shape is ``str``, ``int``, ``float`` or ``bool``, or one of the records below. jsonschema would do the same
walk, but it is not a dependency, and a shape here can say which regex groups its engine reads.
"""
from __future__ import annotations

import difflib
import re
import re._parser as re_parser
from dataclasses import dataclass, field
from typing import Any, Mapping

from pipeline.knowledge.problems import Problems, Step


@dataclass(frozen=True)
class Table:
    keys: Mapping[str, Any] = field(default_factory=dict)       # required key -> shape of its value
    optional: Mapping[str, Any] = field(default_factory=dict)
    values: Any = None            # the shape of any other key's value; None: any other key is unknown


@dataclass(frozen=True)
class ListOf:
    item: Any
    non_empty: bool = False
    size: int | None = None       # exactly this many items
    unique: str | None = None     # a key whose value no two entries may share ("id")


@dataclass(frozen=True)
class OneOf:
    options: tuple[Any, ...]


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]


@dataclass(frozen=True)
class Text:
    """A string matching ``pattern`` (searched), described to the user as ``description``."""

    pattern: str
    description: str


@dataclass(frozen=True)
class Regex:
    """A regular expression; ``groups`` are the named groups its engine reads, ``required`` those it must have."""

    groups: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()


WORD = Text(r"\S", "a non-empty string")
WORDS = ListOf(WORD, non_empty=True)          # a word list compiled into one alternation: never empty
_PLAIN = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def describe(shape: Any) -> str:
    if isinstance(shape, type):
        return _PLAIN[shape]
    if isinstance(shape, Table):
        return "a table"
    if isinstance(shape, ListOf):
        count = f"{shape.size} " if shape.size is not None else "non-empty " if shape.non_empty else ""
        return f"a list of {count}{_plural(describe(shape.item))}"
    if isinstance(shape, OneOf):
        return " or ".join(describe(option) for option in shape.options)
    if isinstance(shape, Choice):
        return "one of " + ", ".join(repr(v) for v in shape.values)
    if isinstance(shape, Text):
        return shape.description
    return "a regular expression"


def _plural(text: str) -> str:
    for one, many in (("string", "strings"), ("table", "tables"), ("number", "numbers"), ("expression", "expressions")):
        text = text.replace(one, many)
    return text.removeprefix("a ").removeprefix("an ")


def _outer_type(shape: Any) -> type:
    if isinstance(shape, Table):
        return dict
    if isinstance(shape, ListOf):
        return list
    if isinstance(shape, type):
        return shape
    return str


def _is(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


def check(problems: Problems, file: str, value: Any, shape: Any, path: tuple[Step, ...] = ()) -> bool:
    """Report every departure of ``value`` (at ``path`` in ``file``) from ``shape``; True when there is none."""
    if isinstance(shape, Table):
        return _table(problems, file, value, shape, path)
    if isinstance(shape, ListOf):
        return _list(problems, file, value, shape, path)
    if isinstance(shape, OneOf):
        return _one_of(problems, file, value, shape, path)
    if not _is(value, _outer_type(shape)):
        problems.add(file, path, f"must be {describe(shape)}, not {_kind(value)}")
        return False
    if isinstance(shape, Choice) and value not in shape.values:
        problems.add(file, path, f"{value!r} must be {describe(shape)}")
        return False
    if isinstance(shape, Text) and not re.search(shape.pattern, value):
        problems.add(file, path, f"{value!r} must be {shape.description}")
        return False
    if isinstance(shape, Regex):
        return _regex(problems, file, value, shape, path)
    return True


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _table(problems: Problems, file: str, value: Any, shape: Table, path: tuple[Step, ...]) -> bool:
    if not isinstance(value, Mapping):
        problems.add(file, path, f"must be a table, not {_kind(value)}")
        return False
    ok = True
    known = [*shape.keys, *shape.optional]
    for key, item in value.items():
        inner = shape.keys.get(key, shape.optional.get(key, shape.values))
        if inner is None:
            problems.add(file, (*path, key), f"unknown key{_suggestion(key, known, 'keys')}")
            ok = False
        else:
            ok = check(problems, file, item, inner, (*path, key)) and ok
    for key in shape.keys:
        if key not in value:
            problems.add(file, (*path, key), "missing: this key is required")
            ok = False
    return ok


def _suggestion(name: str, known: list[str], what: str) -> str:
    """The known name it may be a typo of, else the list of known names."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else f"; known {what}: {', '.join(known) or 'none'}"


def _list(problems: Problems, file: str, value: Any, shape: ListOf, path: tuple[Step, ...]) -> bool:
    if not isinstance(value, list):
        problems.add(file, path, f"must be {describe(shape)}, not {_kind(value)}")
        return False
    if shape.non_empty and not value:
        problems.add(file, path, "must not be empty")
        return False
    if shape.size is not None and len(value) != shape.size:
        problems.add(file, path, f"must be {describe(shape)}, not {len(value)}")
        return False
    results = [check(problems, file, item, shape.item, (*path, entry_step(i, item))) for i, item in enumerate(value)]
    unique = shape.unique is None or _unique(problems, file, value, shape.unique, path)
    return all(results) and unique


def _unique(problems: Problems, file: str, value: list, key: str, path: tuple[Step, ...]) -> bool:
    seen: set = set()
    ok = True
    for i, item in enumerate(value):
        name = item.get(key) if isinstance(item, Mapping) else None
        if name in seen:
            problems.add(file, (*path, (i, name), key), f"{name!r} is used twice", needle=f'"{name}"')
            ok = False
        seen.add(name)
    return ok


def entry_step(index: int, item: Any) -> Step:
    """A list entry as a path step: by its id (or name) when it has one, so that its line can be found."""
    name = item.get("id", item.get("name")) if isinstance(item, Mapping) else None
    return (index, name) if isinstance(name, str) else index


def _one_of(problems: Problems, file: str, value: Any, shape: OneOf, path: tuple[Step, ...]) -> bool:
    """The option of the value's own type decides (a table is checked as the table option)."""
    matching = [option for option in shape.options if _is(value, _outer_type(option))]
    if not matching:
        problems.add(file, path, f"must be {describe(shape)}, not {_kind(value)}")
        return False
    return check(problems, file, value, matching[0], path)


def _regex(problems: Problems, file: str, value: str, shape: Regex, path: tuple[Step, ...]) -> bool:
    try:        # parsed, not compiled (a third of the time): its compiler compiles it, with its flags
        groups = set(re_parser.parse(value).state.groupdict)
    except re.error as exc:
        problems.add(file, path, f"bad regular expression {value!r} ({exc})", needle=value[:40])
        return False
    ok = True
    for name in sorted(groups - shape.groups):
        allowed = f"the groups read here: {', '.join(sorted(shape.groups))}" if shape.groups else "none is read here"
        problems.add(file, path, f"named group {name!r} is read by nothing ({allowed})", needle=f"(?P<{name}>")
        ok = False
    for name in sorted(shape.required - groups):
        problems.add(file, path, f"needs a named group (?P<{name}>...): the value is read from it", needle=value[:40])
        ok = False
    return ok


def check_rows(problems: Problems, file: str, rows: list[Mapping[str, Any]], columns: Mapping[str, Any]) -> bool:
    """A TSV lexicon: the header names exactly ``columns``; each row has every cell, each cell its column's shape
    (``str``: anything; a Choice or a Text). A row is named, and found, by its first cell."""
    if not rows:
        return True
    ok = True
    header = [name for name in rows[0] if name is not None]
    for name in [n for n in header if n not in columns]:
        problems.add(file, (), f"unknown column {name!r}{_suggestion(name, list(columns), 'columns')}", needle=name)
        ok = False
    for name in [n for n in columns if n not in header]:
        problems.add(file, (), f"missing column {name!r}", needle=None)
        ok = False
    for row in rows:
        ok = _check_row(problems, file, row, header, columns) and ok
    return ok


def _check_row(problems: Problems, file: str, row: Mapping[str, Any], header: list[str],
               columns: Mapping[str, Any]) -> bool:
    first = str(row.get(header[0]) or "")
    where, needle = ((0, first),), f"\n{first}\t"
    if None in row or any(value is None for value in row.values()):
        cells = len(header) + len(row.get(None) or ()) - sum(value is None for value in row.values())
        problems.add(file, where, f"has {cells} cells; the header has {len(header)} (a missing or extra tab?)",
                     needle=needle)
        return False
    ok = True
    for name, shape in columns.items():
        value = row.get(name, "")
        if isinstance(shape, Choice) and value not in shape.values or (
                isinstance(shape, Text) and not re.search(shape.pattern, value)):
            problems.add(file, (*where, name), f"{value!r} must be {describe(shape)}", needle=needle)
            ok = False
    return ok

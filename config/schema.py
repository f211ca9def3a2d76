"""The one way a configuration file is declared and checked.

Every config file has one schema written in this style (the site profile: ``config.site``;
its ``a11y:`` block: ``config.a11y``; ``config/rules.yaml``: ``config.rules``), and the
defaults of a file are declared there and nowhere else.

A schema is a mapping of key -> node. A node is

* a leaf ``(kind, default)``: ``default`` is filled in when the key is absent or null;
  ``ANY`` marks a required key (no default), ``OMIT`` an optional key that stays absent;
* a block: a nested schema (a mapping of key -> node);
* ``{"*": node}``: a mapping whose keys are free (rule ids, field names), each value a ``node``;
* ``[block]``: a list of mappings, each checked against ``block``.

Kinds: ``str``, ``int``, ``num``, ``bool``, ``regex`` (a string that compiles), ``dict`` /
``any`` (free-form, checked by the file's own rules), ``list[K]`` and ``map[K]`` (a mapping of
free keys to values of kind ``K``), and unions ``a|b``. Numbers are range-checked against a
table of ``dotted.path -> (min, max)``; a number with no entry must not be negative.

``validate(data, schema, where)`` returns a copy with defaults filled in, or raises
``ConfigError`` with one line: ``<file>: <key path>: <problem>; <fix>``.
"""

from __future__ import annotations

import copy
import difflib
import re
from typing import Any


class ConfigError(Exception):
    """A configuration problem; str() is a one-line message naming file, key and fix."""


ANY = object()   # a required key: no default
OMIT = object()  # an optional key that stays absent when not given (its absence means something)

_TYPE_WORDS = {"str": "a string", "int": "a whole number", "num": "a number", "bool": "true or false",
               "dict": "a mapping", "regex": "a regular expression string", "any": "a value",
               "list": "a list"}

Ranges = dict[str, tuple[float | None, float | None]]


def _union(kind: str) -> list[str]:
    """``a|list[b|c]`` -> ``["a", "list[b|c]"]``: alternatives split outside brackets only."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(kind):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            parts.append(kind[start:i])
            start = i + 1
    return [*parts, kind[start:]]


def type_words(kind: str) -> str:
    if len(_union(kind)) > 1:
        return " or ".join(type_words(k) for k in _union(kind))
    if kind.startswith("list["):
        return f"a list of {_plural(kind[5:-1])}"
    if kind.startswith("map["):
        return f"a mapping of names to {_plural(kind[4:-1])}"
    return _TYPE_WORDS[kind]


def _plural(kind: str) -> str:
    return {"str": "strings", "int": "whole numbers", "num": "numbers", "bool": "true/false values",
            "dict": "mappings", "regex": "regular expressions", "any": "values"}.get(kind) or type_words(kind)


def type_ok(kind: str, value: Any) -> bool:
    if len(_union(kind)) > 1:
        return any(type_ok(k, value) for k in _union(kind))
    if kind in ("str", "regex"):
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "num":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "dict":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "any":
        return True
    if kind.startswith("list[") and isinstance(value, list):
        return all(type_ok(kind[5:-1], v) for v in value)
    if kind.startswith("map[") and isinstance(value, dict):
        return all(type_ok(kind[4:-1], v) for v in value.values())
    return False


def check_regex(pattern: str, path: str, where: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: {path}: bad regular expression {pattern!r} ({exc}); escape special "
                          "characters such as ( [ ? .") from None


def _check_leaf(kind: str, value: Any, path: str, where: str, ranges: Ranges) -> Any:
    if kind == "num" and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not type_ok(kind, value):
        raise ConfigError(f"{where}: {path}: expected {type_words(kind)}, got {value!r}")
    if set(_union(kind)) <= {"int", "num"}:
        check_range(value, path, where, ranges)
    elif kind in ("map[int]", "map[num]"):
        for key, item in value.items():
            check_range(item, f"{path}.{key}", where, ranges, ranges.get(path))
    elif kind == "regex":
        check_regex(value, path, where)
    elif kind in ("list[regex]", "map[regex]"):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            check_regex(item, f"{path}.{key}" if isinstance(value, dict) else f"{path}[{key}]", where)
    return value


def validate(data: Any, schema: dict[str, Any], where: str, prefix: str = "",
             ranges: Ranges | None = None) -> dict[str, Any]:
    """Check ``data`` against ``schema``; return a copy with defaults filled in."""
    ranges = ranges or {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: {prefix.rstrip('.') or 'top level'}: expected a mapping of keys, "
                          f"got {type(data).__name__}")
    if set(schema) == {"*"}:
        return {key: _node(value, schema["*"], f"{prefix}{key}", key in data, where, ranges)
                for key, value in data.items()}
    for key in data:
        if key not in schema:
            close = closest_key(str(key), schema)
            hint = f"did you mean '{close}'?" if close else f"allowed keys: {', '.join(schema)}"
            raise ConfigError(f"{where}: {prefix}{key}: unknown key; {hint}")
    out: dict[str, Any] = {}
    for key, node in schema.items():
        value = _node(data.get(key), node, f"{prefix}{key}", key in data, where, ranges)
        if value is not OMIT:
            out[key] = value
    return out


def _node(value: Any, node: Any, path: str, given: bool, where: str, ranges: Ranges) -> Any:
    if isinstance(node, dict):
        if value is None and _requires(node):
            raise ConfigError(f"{where}: {path}: required section is missing; add it (keys: "
                              f"{', '.join(node)})")
        return validate(value, node, where, path + ".", ranges)
    if isinstance(node, list):
        if value is None:
            return []
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {path}: expected a list of mappings, got {value!r}")
        return [validate(item, node[0], where, f"{path}[{i}].", ranges) for i, item in enumerate(value)]
    kind, default = node
    if not given or value is None:
        if default is ANY:
            raise ConfigError(f"{where}: {path}: required key is missing; add it ({type_words(kind)})")
        return default if default is OMIT else copy.deepcopy(default)
    return _check_leaf(kind, value, path, where, ranges)


def _requires(node: Any) -> bool:
    """Whether a block holds a required key (so leaving the whole block out is an error)."""
    if isinstance(node, dict):
        return set(node) != {"*"} and any(_requires(child) for child in node.values())
    return isinstance(node, tuple) and node[1] is ANY


def closest_key(key: str, schema: dict[str, Any]) -> str | None:
    """The known key ``key`` was most likely meant to be: a key of the same block, or a key of
    one of its sub-blocks written one level too high (top-level ``maxpages`` -> ``limits.max_pages``,
    not the unrelated ``homepage``). None when nothing is similar enough."""
    candidates: dict[str, str] = {name: name for name in schema}
    for block, node in schema.items():
        if isinstance(node, dict) and set(node) != {"*"}:
            for name in node:
                candidates.setdefault(f"{block}.{name}", name)
    scored = [(difflib.SequenceMatcher(None, key.lower(), leaf.lower()).ratio(), -len(shown), shown)
              for shown, leaf in candidates.items()]
    best = max(scored, default=None)
    return best[2] if best and best[0] >= 0.6 else None


def check_range(value: float, path: str, where: str, ranges: Ranges,
                bounds: tuple[float | None, float | None] | None = None) -> None:
    low, high = bounds or ranges.get(path, (0, None))
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            want = f"at least {low:g}"
        elif low is None:
            want = f"at most {high:g}"
        else:
            want = f"between {low:g} and {high:g}"
        raise ConfigError(f"{where}: {path}: {value!r} is out of range; use a number {want}")


def lookup(tree: dict[str, Any], dotted: str) -> Any:
    """The value at ``a.b.c`` of a nested mapping; KeyError naming the path when absent."""
    node: Any = tree
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return node

"""The serious-wording dictionary (``wording:`` of config/rules.yaml, checks/content/wording.py), validated.

``wording.entries`` (the shipped starter list) and ``wording.site_entries`` (a profile's
``thresholds:``: the bureau's own name, its leaders' names and titles) are lists of
``{wrong, right, source}``. A bad entry is a one-line ``ConfigError`` naming it and the fix: a
missing form, or a wrong form that is part of its own right form (it would fire on correct text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WordingEntry:
    wrong: str
    right: str
    source: str


def wording_entries(block: dict[str, Any] | None, where: str = "config/rules.yaml") -> list[WordingEntry]:
    from config import ConfigError  # local: config/__init__ imports this module
    block = block or {}
    if not isinstance(block, dict):
        raise ConfigError(f"{where}: wording: expected a mapping with entries / site_entries")
    out: list[WordingEntry] = []
    for key in ("entries", "site_entries"):
        raw = block.get(key) or []
        if not isinstance(raw, list):
            raise ConfigError(f"{where}: wording.{key}: expected a list of {{wrong, right, source}} entries")
        for n, item in enumerate(raw):
            at = f"{where}: wording.{key}[{n}]"
            if not isinstance(item, dict) or not str(item.get("wrong") or "").strip() \
                    or not str(item.get("right") or "").strip():
                raise ConfigError(f"{at}: needs a non-empty 'wrong' and 'right' (and a 'source')")
            wrong, right = str(item["wrong"]).strip(), str(item["right"]).strip()
            if wrong in right:
                raise ConfigError(f"{at}: the wrong form {wrong!r} is part of the right form {right!r} and "
                                  "would fire on correct text; list a longer wrong form")
            out.append(WordingEntry(wrong, right, str(item.get("source") or "").strip()))
    return out

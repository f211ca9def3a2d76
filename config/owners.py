"""Validation of a site profile's ``owners:`` block: who fixes what (科室 and contact).

Each entry names a 科室 (``dept``), a ``contact`` (person, telephone, mail: free text printed on
the 整改通知单) and what it owns: ``columns`` (names from the profile's ``columns:`` list) and
``url_prefixes`` (a path such as ``/channel_87/`` or a full ``https://host/path/`` prefix). One
entry may be ``default: true``: it owns every finding nobody else owns (site-wide links, footer,
accessibility). The report assigns each finding an owner with ``reports.owners``::

    owners:
      - {dept: 办公室, contact: 张三 021-12345678, columns: [工作动态, 通知公告]}
      - {dept: 法制处, contact: 李四, columns: [规范性文件], url_prefixes: [/channel_88/]}
      - {dept: 信息中心, contact: 王五, default: true}

``validate_owners(owners, columns, where)`` returns normalised entries (every key present) or
raises ``ConfigError`` with one line naming the entry, the key and the fix.
"""

from __future__ import annotations

import difflib
from typing import Any
from urllib.parse import urlsplit

from config.schema import ConfigError, validate

# One entry, in the one declaration style (config/schema.py); the rules between entries follow in code.
OWNER_SCHEMA: dict[str, Any] = {"dept": ("str", ""), "contact": ("str", ""), "columns": ("list[str]", []),
                                "url_prefixes": ("list[str]", []), "default": ("bool", False)}


def _error(where: str, key: str, problem: str) -> Exception:
    return ConfigError(f"{where}: {key}: {problem}")


def _prefix_ok(prefix: str) -> bool:
    if prefix.startswith("/"):
        return True
    try:
        parts = urlsplit(prefix)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate_owners(owners: Any, columns: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """Normalised ``owners:`` entries; ``columns`` is the validated ``columns:`` list (names checked
    against it when the profile declares columns)."""
    if owners in (None, []):
        return []
    if not isinstance(owners, list):
        raise _error(where, "owners", "expected a list of {dept, contact, columns, url_prefixes}")
    known = {c["name"] for c in columns} | {a for c in columns for a in c.get("aliases") or []}
    owner_of_column: dict[str, str] = {}
    owner_of_prefix: dict[str, str] = {}
    default = ""
    out = []
    for i, raw in enumerate(owners):
        key = f"owners[{i}]"
        if not isinstance(raw, dict):
            raise _error(where, key, "expected a mapping such as {dept: 办公室, contact: 张三, columns: [工作动态]}")
        checked = validate(raw, OWNER_SCHEMA, where, key + ".")
        dept = checked["dept"].strip()
        if not dept:
            raise _error(where, f"{key}.dept", "every owner needs a 科室 name (dept: 办公室)")
        entry = {"dept": dept, "contact": checked["contact"].strip(),
                 "columns": [c.strip() for c in checked["columns"]],
                 "url_prefixes": [p.strip() for p in checked["url_prefixes"]], "default": checked["default"]}
        if not entry["columns"] and not entry["url_prefixes"] and not entry["default"]:
            raise _error(where, key,
                         f"owner {dept!r} owns nothing; give it columns, url_prefixes or default: true")
        for column in entry["columns"]:
            if known and column not in known:
                close = difflib.get_close_matches(column, sorted(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "use a name from columns:"
                raise _error(where, f"{key}.columns", f"{column!r} is not a column of this profile; {hint}")
            if column in owner_of_column and owner_of_column[column] != dept:
                raise _error(where, f"{key}.columns", f"{column!r} is already owned by "
                             f"{owner_of_column[column]!r}; give each column one owner")
            owner_of_column[column] = dept
        for prefix in entry["url_prefixes"]:
            if not _prefix_ok(prefix):
                raise _error(where, f"{key}.url_prefixes", f"{prefix!r} is neither a path starting with / "
                             "nor an http(s):// URL prefix; write it as /channel_87/")
            if prefix in owner_of_prefix and owner_of_prefix[prefix] != dept:
                raise _error(where, f"{key}.url_prefixes", f"{prefix!r} is already owned by "
                             f"{owner_of_prefix[prefix]!r}; give each prefix one owner")
            owner_of_prefix[prefix] = dept
        if entry["default"]:
            if default and default != dept:
                raise _error(where, f"{key}.default", f"{default!r} is already the default owner; keep one")
            default = dept
        out.append(entry)
    return out

"""Validation of a site profile's ``columns:`` and ``disclosure:`` blocks.

``validate_columns(columns, where)`` and ``validate_disclosure(disclosure, where)``
return normalised copies (column types folded to their English keys, defaults
filled) or raise ``ConfigError`` with one line naming the file, the key and the
fix, e.g.::

    config/sites/x.yaml: columns[3].type: unknown column type 'newz'; use one of news, notice, ...

Column keys: ``name`` (required), ``aliases``, ``url`` (absolute or relative to the
homepage), ``pattern`` (regex on the URL path), ``type`` (news/要闻动态,
notice/通知公告, policy/政策文件, personnel/人事, plan/规划计划, static),
``required``, ``normative`` (holds 行政规范性文件), ``list_xpath``, ``window_days``,
``note``. The checks reading them are in checks/disclosure/columns.py and its siblings.

``validate_column_thresholds(columns, where)`` checks the ``columns:`` section of
config/rules.yaml (or a profile's ``thresholds.columns``) that discovery and the
homepage-block rule read: the ``mandatory`` table (name + aliases, no alias shared by
two columns), ``empty_list_markers``, ``list_container_pattern``, ``home_blocks``.
"""

from __future__ import annotations

import copy
import difflib
import re
from typing import Any

COLUMN_TYPES = {
    "news": "news", "要闻动态": "news", "要闻": "news", "动态": "news",
    "notice": "notice", "通知公告": "notice",
    "policy": "policy", "政策文件": "policy",
    "personnel": "personnel", "人事": "personnel",
    "plan": "plan", "规划计划": "plan",
    "static": "static", "静态": "static",
}
COLUMN_KEYS = {"name": str, "aliases": list, "url": str, "pattern": str, "type": str, "required": bool,
               "normative": bool, "list_xpath": str, "window_days": int, "note": str}
DISCLOSURE_KEYS = {"discover_columns": (bool, str), "site_id_code": str, "index_no_pattern": str,
                   "required_fields": (list, dict), "document_fields": list, "normative_url_patterns": list,
                   "annual_report": dict}
ANNUAL_KEYS = {"column": str, "deadline": str, "title_pattern": str, "sections": dict, "enabled": bool}


def _error(where: str, key: str, problem: str) -> Exception:
    from config import ConfigError  # local: config/__init__ imports this module
    return ConfigError(f"{where}: {key}: {problem}")


def _unknown(where: str, prefix: str, key: Any, allowed: dict) -> Exception:
    close = difflib.get_close_matches(str(key), list(allowed), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
    return _error(where, f"{prefix}.{key}" if prefix else str(key), f"unknown key; {hint}")


def _regex(where: str, key: str, pattern: Any) -> None:
    if not isinstance(pattern, str):
        raise _error(where, key, f"expected a regular expression string, got {pattern!r}")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise _error(where, key, f"bad regular expression {pattern!r} ({exc}); escape special characters "
                                 "such as ( [ ? .") from None


def _typed(where: str, key: str, value: Any, kind: Any) -> None:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if kind is int and isinstance(value, bool) or not isinstance(value, kinds):
        names = " or ".join({str: "a string", list: "a list", bool: "true or false", int: "a whole number",
                             dict: "a mapping"}[k] for k in kinds)
        raise _error(where, key, f"expected {names}, got {value!r}")


def validate_columns(columns: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    out = []
    names: set[str] = set()
    for i, raw in enumerate(columns or []):
        prefix = f"columns[{i}]"
        if not isinstance(raw, dict):
            raise _error(where, prefix, "expected a mapping with at least a 'name'")
        for key, value in raw.items():
            if key not in COLUMN_KEYS:
                raise _unknown(where, prefix, key, COLUMN_KEYS)
            _typed(where, f"{prefix}.{key}", value, COLUMN_KEYS[key])
        col = copy.deepcopy(raw)
        if not col.get("name", "").strip():
            raise _error(where, f"{prefix}.name", "every column needs a non-empty 'name'")
        if col["name"] in names:
            raise _error(where, f"{prefix}.name", f"column {col['name']!r} is declared twice; merge the entries")
        names.add(col["name"])
        ctype = str(col.get("type", "static"))
        if ctype not in COLUMN_TYPES:
            choices = ", ".join(sorted({v for v in COLUMN_TYPES.values()}))
            raise _error(where, f"{prefix}.type", f"unknown column type {ctype!r}; use one of {choices} "
                                                  "(or 要闻动态/通知公告/政策文件/人事/规划计划)")
        col["type"] = COLUMN_TYPES[ctype]
        col.setdefault("required", True)
        col.setdefault("normative", False)
        col.setdefault("aliases", [])
        if not all(isinstance(a, str) for a in col["aliases"]):
            raise _error(where, f"{prefix}.aliases", "expected a list of strings")
        if "pattern" in col:
            _regex(where, f"{prefix}.pattern", col["pattern"])
        if "window_days" in col and col["window_days"] <= 0:
            raise _error(where, f"{prefix}.window_days", "must be a positive number of days")
        if "list_xpath" in col:
            from lxml import etree
            try:
                etree.XPath(col["list_xpath"])
            except etree.XPathSyntaxError as exc:
                raise _error(where, f"{prefix}.list_xpath", f"bad XPath {col['list_xpath']!r} ({exc})") from None
        out.append(col)
    return out


def validate_disclosure(disclosure: dict[str, Any], where: str) -> dict[str, Any]:
    data = copy.deepcopy(disclosure or {})
    for key, value in data.items():
        if key not in DISCLOSURE_KEYS:
            raise _unknown(where, "disclosure", key, DISCLOSURE_KEYS)
        _typed(where, f"disclosure.{key}", value, DISCLOSURE_KEYS[key])
    mode = data.setdefault("discover_columns", "auto")
    if isinstance(mode, str) and mode != "auto":
        raise _error(where, "disclosure.discover_columns", f"use true, false or 'auto', not {mode!r}")
    code = data.get("site_id_code")
    if code is not None and not re.fullmatch(r"[0-9A-Za-z]{10}", str(code)):
        raise _error(where, "disclosure.site_id_code", f"{code!r} is not a 10-character 网站标识码; "
                                                       "copy it from the footer, e.g. '3100000091'")
    if "index_no_pattern" in data:
        _regex(where, "disclosure.index_no_pattern", data["index_no_pattern"])
    for i, pattern in enumerate(data.get("normative_url_patterns", [])):
        _regex(where, f"disclosure.normative_url_patterns[{i}]", pattern)
    for key in ("required_fields", "document_fields"):
        if isinstance(data.get(key), dict):
            continue  # by item kind: names are resolved against the label table in load_thresholds
        for i, item in enumerate(data.get(key, [])):
            ok = isinstance(item, str) or (isinstance(item, list) and item and all(isinstance(x, str) for x in item))
            if not ok:
                raise _error(where, f"disclosure.{key}[{i}]", "expected a field name or a list of "
                                                             "alternative field names, e.g. [印发日期, 成文日期]")
    report = data.get("annual_report") or {}
    for key, value in report.items():
        if key not in ANNUAL_KEYS:
            raise _unknown(where, "disclosure.annual_report", key, ANNUAL_KEYS)
        _typed(where, f"disclosure.annual_report.{key}", value, ANNUAL_KEYS[key])
    if "deadline" in report:
        m = re.fullmatch(r"(\d{2})-(\d{2})", report["deadline"])
        if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
            raise _error(where, "disclosure.annual_report.deadline",
                         f"{report['deadline']!r} is not a month-day like '01-31'")
    if "title_pattern" in report:
        if "{year}" not in report["title_pattern"]:
            raise _error(where, "disclosure.annual_report.title_pattern",
                         "must contain {year}, e.g. '{year}年.*政府信息公开工作年度报告'")
        _regex(where, "disclosure.annual_report.title_pattern", report["title_pattern"].replace("{year}", "2024"))
    for name, rx in (report.get("sections") or {}).items():
        _regex(where, f"disclosure.annual_report.sections.{name}", rx)
    return data


MANDATORY_KEYS = {"name": str, "aliases": list, "type": str}
HOME_BLOCK_KEYS = {"min_items": int, "default_type": str, "max_title_chars": int}


def validate_column_thresholds(columns: Any, where: str) -> None:
    """Raise ``ConfigError`` naming the key when the ``columns:`` thresholds are unusable."""
    if columns is None:
        return
    if not isinstance(columns, dict):
        raise _error(where, "columns", "expected a mapping of column settings")
    for key in ("discover_min_items", "discover_depth", "discover_max_name_chars"):
        value = columns.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise _error(where, f"columns.{key}", f"expected a whole number of at least 1, got {value!r}")
    owners: dict[str, str] = {}
    for i, raw in enumerate(columns.get("mandatory") or []):
        prefix = f"columns.mandatory[{i}]"
        if not isinstance(raw, dict) or not str(raw.get("name", "")).strip():
            raise _error(where, prefix, "expected a mapping with a 'name' and optional 'aliases', "
                                        "e.g. {name: 政府信息公开指南, aliases: [公开指南]}")
        for key, value in raw.items():
            if key not in MANDATORY_KEYS:
                raise _unknown(where, prefix, key, MANDATORY_KEYS)
            _typed(where, f"{prefix}.{key}", value, MANDATORY_KEYS[key])
        if raw.get("type", "static") not in COLUMN_TYPES:
            raise _error(where, f"{prefix}.type", f"unknown column type {raw['type']!r}")
        for label in [raw["name"], *(raw.get("aliases") or [])]:
            if not isinstance(label, str) or not label.strip():
                raise _error(where, f"{prefix}.aliases", "expected a list of non-empty names")
            key = "".join(label.split())
            if key in owners and owners[key] != raw["name"]:
                raise _error(where, f"{prefix}.aliases", f"{label!r} already names {owners[key]!r}; "
                                                         "an alias may point to one column only")
            owners[key] = raw["name"]
    for i, pattern in enumerate(columns.get("empty_list_markers") or []):
        _regex(where, f"columns.empty_list_markers[{i}]", pattern)
    if "list_container_pattern" in columns:
        _regex(where, "columns.list_container_pattern", columns["list_container_pattern"])
    blocks = columns.get("home_blocks")
    if blocks is not None:
        if not isinstance(blocks, dict):
            raise _error(where, "columns.home_blocks",
                         "expected a mapping (min_items, default_type, max_title_chars)")
        for key, value in blocks.items():
            if key not in HOME_BLOCK_KEYS:
                raise _unknown(where, "columns.home_blocks", key, HOME_BLOCK_KEYS)
            if value is not None:  # default_type: null means "skip untyped blocks"
                _typed(where, f"columns.home_blocks.{key}", value, HOME_BLOCK_KEYS[key])
        if int(blocks.get("min_items", 2)) < 1:
            raise _error(where, "columns.home_blocks.min_items", "must be at least 1")
        default = blocks.get("default_type")
        if default is not None and default not in COLUMN_TYPES:
            raise _error(where, "columns.home_blocks.default_type",
                         f"unknown column type {default!r}; use one of news, notice, policy, personnel, "
                         "plan, or null to skip untyped blocks")

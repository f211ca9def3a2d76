"""Validation of a site profile's ``columns:`` and ``disclosure:`` blocks.

``COLUMN_SCHEMA`` and ``DISCLOSURE_SCHEMA`` declare the blocks (one style: config/schema.py).
``validate_columns(columns, where)`` and ``validate_disclosure(disclosure, where)``
return normalised copies (column types folded to their English keys, defaults
filled) or raise ``ConfigError`` with one line naming the file, the key and the
fix, e.g.::

    config/sites/x.yaml: columns[3].type: unknown column type 'newz'; use one of news, notice, ...

Column keys: ``name`` (required), ``aliases``, ``url`` (absolute or relative to the
homepage), ``pattern`` (regex on the URL path), ``type`` (news/要闻动态,
notice/通知公告, policy/政策文件, personnel/人事, plan/规划计划, static),
``required``, ``normative`` (holds 行政规范性文件), ``needs_interpretation`` (its documents
need a 政策解读, checks/disclosure/interpretation.py), ``list_xpath``, ``window_days``,
``note``. The checks reading them are in checks/disclosure/columns.py and its siblings.

``validate_column_thresholds(columns, where)`` adds to the type schema of the ``columns:``
section of config/rules.yaml (config.thresholds) what a type cannot say: known column types
and no alias shared by two mandatory columns.
"""

from __future__ import annotations

import re
from typing import Any

from config.schema import ANY, OMIT, ConfigError, check_regex, validate

COLUMN_TYPES = {
    "news": "news", "要闻动态": "news", "要闻": "news", "动态": "news",
    "notice": "notice", "通知公告": "notice",
    "policy": "policy", "政策文件": "policy",
    "personnel": "personnel", "人事": "personnel",
    "plan": "plan", "规划计划": "plan",
    "static": "static", "静态": "static",
}
# Schemas in the one declaration style (config/schema.py); OMIT: the key's absence means something
# (no url: located by name; no window_days: the type's window of config/rules.yaml).
COLUMN_SCHEMA: dict[str, Any] = {
    "name": ("str", ANY), "aliases": ("list[str]", []), "url": ("str", OMIT), "pattern": ("regex", OMIT),
    "type": ("str", "static"), "required": ("bool", True), "normative": ("bool", False),
    "needs_interpretation": ("bool", False), "list_xpath": ("str", OMIT), "window_days": ("int", OMIT), "note": ("str", OMIT),
}
ANNUAL_SCHEMA: dict[str, Any] = {
    "column": ("str", OMIT), "deadline": ("str", OMIT), "title_pattern": ("str", OMIT),
    "sections": ("map[regex]", OMIT), "enabled": ("bool", OMIT),
}
DISCLOSURE_SCHEMA: dict[str, Any] = {
    "discover_columns": ("bool|str", "auto"), "site_id_code": ("str", OMIT), "index_no_pattern": ("regex", OMIT),
    "required_fields": ("list|dict", OMIT), "document_fields": ("list", OMIT),
    "normative_url_patterns": ("list[regex]", OMIT), "annual_report": ("dict", OMIT),
}
_COLUMN_RANGES = {"window_days": (1, None)}


def _error(where: str, key: str, problem: str) -> Exception:
    return ConfigError(f"{where}: {key}: {problem}")


def validate_columns(columns: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """The profile's ``columns:`` list checked against ``COLUMN_SCHEMA``, types folded to English keys."""
    out = []
    names: set[str] = set()
    for i, raw in enumerate(columns or []):
        prefix = f"columns[{i}]"
        if not isinstance(raw, dict):
            raise _error(where, prefix, "expected a mapping with at least a 'name'")
        col = validate(raw, COLUMN_SCHEMA, where, prefix + ".",
                       {f"{prefix}.{key}": span for key, span in _COLUMN_RANGES.items()})
        if not col["name"].strip():
            raise _error(where, f"{prefix}.name", "every column needs a non-empty 'name'")
        if col["name"] in names:
            raise _error(where, f"{prefix}.name", f"column {col['name']!r} is declared twice; merge the entries")
        names.add(col["name"])
        if col["type"] not in COLUMN_TYPES:
            choices = ", ".join(sorted({v for v in COLUMN_TYPES.values()}))
            raise _error(where, f"{prefix}.type", f"unknown column type {col['type']!r}; use one of {choices} "
                                                  "(or 要闻动态/通知公告/政策文件/人事/规划计划)")
        col["type"] = COLUMN_TYPES[col["type"]]
        if "list_xpath" in col:
            from lxml import etree
            try:
                etree.XPath(col["list_xpath"])
            except etree.XPathSyntaxError as exc:
                raise _error(where, f"{prefix}.list_xpath", f"bad XPath {col['list_xpath']!r} ({exc})") from None
        out.append(col)
    return out


def validate_disclosure(disclosure: dict[str, Any], where: str) -> dict[str, Any]:
    """The profile's ``disclosure:`` block checked against ``DISCLOSURE_SCHEMA``."""
    data = validate(disclosure, DISCLOSURE_SCHEMA, where, "disclosure.")
    mode = data["discover_columns"]
    if isinstance(mode, str) and mode != "auto":
        raise _error(where, "disclosure.discover_columns", f"use true, false or 'auto', not {mode!r}")
    code = data.get("site_id_code")
    if code is not None and not re.fullmatch(r"[0-9A-Za-z]{10}", str(code)):
        raise _error(where, "disclosure.site_id_code", f"{code!r} is not a 10-character 网站标识码; "
                                                       "copy it from the footer, e.g. '3100000091'")
    for key in ("required_fields", "document_fields"):
        if isinstance(data.get(key), dict):
            continue  # by item kind: names are resolved against the label table in load_thresholds
        for i, item in enumerate(data.get(key, [])):
            ok = isinstance(item, str) or (isinstance(item, list) and item and all(isinstance(x, str) for x in item))
            if not ok:
                raise _error(where, f"disclosure.{key}[{i}]", "expected a field name or a list of "
                                                             "alternative field names, e.g. [印发日期, 成文日期]")
    if "annual_report" in data:
        data["annual_report"] = report = validate(data["annual_report"], ANNUAL_SCHEMA, where,
                                                  "disclosure.annual_report.")
        if "deadline" in report:
            m = re.fullmatch(r"(\d{2})-(\d{2})", report["deadline"])
            if not m or not (1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31):
                raise _error(where, "disclosure.annual_report.deadline",
                             f"{report['deadline']!r} is not a month-day like '01-31'")
        if "title_pattern" in report:
            if "{year}" not in report["title_pattern"]:
                raise _error(where, "disclosure.annual_report.title_pattern",
                             "must contain {year}, e.g. '{year}年.*政府信息公开工作年度报告'")
            check_regex(report["title_pattern"].replace("{year}", "2024"), "disclosure.annual_report.title_pattern",
                        where)
    return data


def validate_column_thresholds(columns: dict[str, Any], where: str) -> None:
    """What the type schema (config.thresholds) cannot say about the ``columns:`` thresholds: known
    column types, and no alias naming two mandatory columns. Raises ``ConfigError``."""
    owners: dict[str, str] = {}
    for i, entry in enumerate(columns["mandatory"]):
        prefix = f"columns.mandatory[{i}]"
        if entry["type"] not in COLUMN_TYPES:
            raise _error(where, f"{prefix}.type", f"unknown column type {entry['type']!r}; use one of "
                                                  f"{', '.join(sorted(set(COLUMN_TYPES.values())))}")
        for label in [entry["name"], *entry["aliases"]]:
            key = "".join(label.split())
            if not key:
                raise _error(where, f"{prefix}.aliases", "expected a list of non-empty names")
            if key in owners and owners[key] != entry["name"]:
                raise _error(where, f"{prefix}.aliases", f"{label!r} already names {owners[key]!r}; "
                                                         "an alias may point to one column only")
            owners[key] = entry["name"]
    default = columns["home_blocks"]["default_type"]
    if default is not None and default not in COLUMN_TYPES:
        raise _error(where, "columns.home_blocks.default_type",
                     f"unknown column type {default!r}; use one of news, notice, policy, personnel, "
                     "plan, or null to skip untyped blocks")

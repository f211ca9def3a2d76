"""Site profiles and rule thresholds: YAML, validated on load.

``load_site(path)`` reads a site profile (``config/sites/*.yaml``), expands
``${VAR}`` / ``${VAR:-default}`` from the environment, checks every key and
type against ``SITE_SCHEMA`` and fills defaults. ``load_thresholds(site)``
merges ``config/rules.yaml`` with the profile's ``thresholds:`` block.

Any problem raises ``ConfigError`` with one line naming the file, the key and
the fix, e.g.::

    config/sites/x.yaml: limits.max_pagez: unknown key; did you mean 'max_pages'?
"""

from __future__ import annotations

import copy
import difflib
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

CONFIG_DIR = Path(__file__).resolve().parent
RULES_FILE = CONFIG_DIR / "rules.yaml"


class ConfigError(Exception):
    """A configuration problem; str() is a one-line message naming file, key and fix."""


# A schema node is either a leaf (type, default) or a dict of child nodes.
# Types: "str", "int", "num", "bool", "list[str]", "list[dict]", "dict" (free-form).
ANY = object()
SITE_SCHEMA: dict[str, Any] = {
    "name": ("str", ANY),
    "title": ("str", ""),
    "start_urls": ("list[str]", ANY),
    "homepage": ("str", None),
    "scope": {
        "hosts": ("list[str]", []),
        "include": ("list[str]", []),
        "exclude": ("list[str]", []),
    },
    "limits": {
        "max_pages": ("int", 50000),
        "max_depth": ("int", 30),
        "max_response_mb": ("num", 10),
        "timeout_s": ("num", 20),
    },
    "politeness": {
        "obey_robots": ("bool", True),
        "concurrency": ("int", 16),
        "concurrency_per_host": ("int", 4),
        "delay_s": ("num", 0.25),
        "autothrottle": ("bool", True),
        "autothrottle_target": ("num", 4.0),
        "user_agent": ("str", "xunjian/0.1 (+https://github.com/xunjian; government website inspection)"),
        "browser_user_agent": ("str",
                               "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/126.0 Safari/537.36"),
    },
    "links": {
        "check_external": ("bool", True),
        "retries": ("int", 2),
        "retry_backoff_s": ("num", 1.0),
        "max_retry_after_s": ("num", 30),
        "max_redirects": ("int", 5),
        "reverify_failures": ("bool", True),
        "jump_link_patterns": ("list[str]", []),
        "ignore": ("list[str]", []),
        "attachment_extensions": ("list[str]", [
            "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "ofd", "wps", "et", "zip", "rar", "7z",
            "txt", "csv", "jpg", "jpeg", "png", "gif"]),
    },
    "traps": {
        "max_url_length": ("int", 1024),
        "max_query_params": ("int", 8),
        "max_repeated_segments": ("int", 2),
        "max_pages_per_pattern": ("int", 1000),
        "calendar_years": ("list[int]", [-3, 2]),
        "session_params": ("list[str]", ["jsessionid", "phpsessid", "sid", "sessionid", "aspsessionid",
                                          "token", "_t", "timestamp"]),
    },
    "soft404": {
        "patterns": ("list[str]", ["页面不存在", "页面未找到", "找不到该页面", "您访问的页面不存在", "404 Not Found",
                                   "Page Not Found", "信息不存在", "事项不存在", "文章已删除"]),
        "max_text_chars": ("int", 3000),
    },
    "columns": ("list[dict]", []),
    "disclosure": ("dict", {}),
    "a11y": ("dict", {}),
    "checks": {
        "disable": ("list[str]", []),
    },
    "thresholds": ("dict", {}),
    "report": {
        "out_dir": ("str", "xunjian-runs"),
        "lang": ("str", "zh"),
    },
}

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def _expand_env(value: Any, where: str) -> Any:
    if isinstance(value, str):
        def sub(m: re.Match) -> str:
            var, default = m.group(1), m.group(2)
            if var in os.environ:
                return os.environ[var]
            if default is not None:
                return default
            raise ConfigError(f"{where}: environment variable {var} is not set; export it or write "
                              f"${{{var}:-default}}")
        return _ENV_RE.sub(sub, value)
    if isinstance(value, list):
        return [_expand_env(v, where) for v in value]
    if isinstance(value, dict):
        return {k: _expand_env(v, where) for k, v in value.items()}
    return value


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "num":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "dict":
        return isinstance(value, dict)
    if kind.startswith("list[") and isinstance(value, list):
        inner = kind[5:-1]
        return all(_type_ok(inner, v) for v in value)
    return False


_TYPE_WORDS = {"str": "a string", "int": "a whole number", "num": "a number", "bool": "true or false",
               "dict": "a mapping", "list[str]": "a list of strings", "list[int]": "a list of whole numbers",
               "list[dict]": "a list of mappings"}


def validate(data: Any, schema: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """Check ``data`` against ``schema``; return a copy with defaults filled in."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: {prefix.rstrip('.') or 'top level'}: expected a mapping of keys, "
                          f"got {type(data).__name__}")
    out: dict[str, Any] = {}
    for key in data:
        if key not in schema:
            close = difflib.get_close_matches(str(key), list(schema), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(schema)}"
            raise ConfigError(f"{where}: {prefix}{key}: unknown key; {hint}")
    for key, node in schema.items():
        path = f"{prefix}{key}"
        if isinstance(node, dict):
            out[key] = validate(data.get(key), node, where, path + ".")
            continue
        kind, default = node
        if key not in data or data[key] is None:
            if default is ANY:
                raise ConfigError(f"{where}: {path}: required key is missing; add it ({_TYPE_WORDS[kind]})")
            out[key] = copy.deepcopy(default)
            continue
        value = data[key]
        if kind == "num" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value) if isinstance(value, int) else value
        if not _type_ok(kind, value):
            raise ConfigError(f"{where}: {path}: expected {_TYPE_WORDS[kind]}, got {value!r}")
        out[key] = value
    return out


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found; pass an existing profile, e.g. config/sites/demo.yaml") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: YAML syntax error at {loc}: {problem}; fix the indentation or quoting there") from None


class SiteProfile(dict):
    """A validated site profile: a dict with a few derived helpers."""

    path: str = ""

    @property
    def name(self) -> str:
        return self["name"]

    @property
    def homepage(self) -> str:
        return self["homepage"] or self["start_urls"][0]

    @property
    def scope_hosts(self) -> set[str]:
        hosts = set(h.lower() for h in self["scope"]["hosts"])
        if not hosts:
            hosts = {urlsplit(u).netloc.lower() for u in self["start_urls"]}
        return hosts


def load_site(path: str | Path, overrides: dict[str, Any] | None = None) -> SiteProfile:
    """Load and validate a site profile; ``overrides`` is deep-merged before validation."""
    path = Path(path)
    where = str(path)
    raw = _read_yaml(path)
    if overrides:
        raw = deep_merge(raw or {}, overrides)
    raw = _expand_env(raw, where)
    data = validate(raw, SITE_SCHEMA, where)
    for i, url in enumerate(data["start_urls"]):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{where}: start_urls[{i}]: {url!r} is not an absolute http(s) URL; "
                              "write it like http://www.example.gov.cn/")
    if not data["start_urls"]:
        raise ConfigError(f"{where}: start_urls: empty; list at least the homepage URL")
    for key in ("include", "exclude"):
        for i, pattern in enumerate(data["scope"][key]):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where}: scope.{key}[{i}]: bad regular expression {pattern!r} ({exc}); "
                                  "escape special characters such as ? and .") from None
    for i, column in enumerate(data["columns"]):
        if "name" not in column:
            raise ConfigError(f"{where}: columns[{i}]: every column needs a 'name'")
    from config.columns import validate_columns, validate_disclosure  # columns:/disclosure: blocks
    data["columns"] = validate_columns(data["columns"], where)
    data["disclosure"] = validate_disclosure(data["disclosure"], where)
    from crawler.browser.settings import validate_a11y  # a11y: block (browser stage)
    data["a11y"] = validate_a11y(data["a11y"], where)
    if data["report"]["lang"] not in ("zh", "en"):
        raise ConfigError(f"{where}: report.lang: must be 'zh' or 'en', got {data['report']['lang']!r}")
    profile = SiteProfile(data)
    profile.path = where
    return profile


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_thresholds(site: SiteProfile | None = None, rules_file: str | Path = RULES_FILE) -> dict[str, Any]:
    """Rule thresholds: config/rules.yaml, then the profile's ``thresholds:`` overrides."""
    path = Path(rules_file)
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    if site is not None and site.get("thresholds"):
        data = deep_merge(data, site["thresholds"])
    if "aggregate" in data:
        data["aggregate"] = validate_aggregate(data["aggregate"], str(path))
    from config.labels import check_profile_fields, validate_metadata_settings  # label table and its users
    overridden = site is not None and site.get("thresholds")
    where = f"{path} + {getattr(site, 'path', '') or 'profile'} (thresholds:)" if overridden else str(path)
    table = validate_metadata_settings(data, where)
    if site is not None:
        check_profile_fields(table, site.get("disclosure") or {}, getattr(site, "path", "") or "profile")
    return data


AGGREGATE_SCHEMA: dict[str, Any] = {"min_ratio": ("num", ANY), "min_pages": ("int", ANY), "samples": ("int", ANY)}


def validate_aggregate(block: Any, where: str) -> dict[str, Any]:
    """The ``aggregate:`` block of config/rules.yaml (folding of systematic gaps, checks/_aggregate.py)."""
    data = validate(block, AGGREGATE_SCHEMA, where, "aggregate.")
    if not 0 < data["min_ratio"] <= 1:
        raise ConfigError(f"{where}: aggregate.min_ratio: {data['min_ratio']!r} is not a share of pages; "
                          "write a number above 0 and at most 1, e.g. 0.6")
    if data["min_pages"] < 2:
        raise ConfigError(f"{where}: aggregate.min_pages: {data['min_pages']!r} would fold a single page; "
                          "write 2 or more, e.g. 5")
    if data["samples"] < 1:
        raise ConfigError(f"{where}: aggregate.samples: write 1 or more sample URLs, got {data['samples']!r}")
    return data

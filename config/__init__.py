"""Site profiles and rule thresholds: YAML, validated on load.

``load_site(path)`` reads a site profile (``config/sites/*.yaml``), expands
``${VAR}`` / ``${VAR:-default}`` from the environment, checks every key and
type against ``SITE_SCHEMA`` and fills defaults. ``load_thresholds(site)``
merges ``config/rules.yaml`` (``$XUNJIAN_RULES`` names another copy) with the profile's
``thresholds:`` block and checks the result against ``config.thresholds.RULES_SCHEMA``.
Every schema is written in the one style of ``config.schema``.

Any problem raises ``ConfigError`` with one line naming the file, the key and
the fix, e.g.::

    config/sites/x.yaml: limits.max_pagez: unknown key; did you mean 'max_pages'?

Numbers are range-checked (``NUMBER_RANGES``; a number without an entry must not be
negative). ``network:`` (address allow/deny lists) and ``auth:`` (portal credentials by
environment-variable reference) are checked here too; ``crawler.netguard`` applies them.
A start URL carrying ``user:pass@`` is refused: credentials belong in ``auth:``, and a
password written into a URL ends up in logs and reports.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from config.redact import redact_userinfo
from config.schema import ANY, OMIT, ConfigError, validate  # noqa: F401 - the package's public names

CONFIG_DIR = Path(__file__).resolve().parent
RULES_FILE = CONFIG_DIR / "rules.yaml"


# The site profile's schema (declaration style and kinds: config/schema.py).
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
        "max_depth": ("int", 30),  # content hops: pager links keep their list's depth (crawler/pagination.py)
        "max_pagination_pages": ("int", 5000),  # pager hops in one chain (an endless pager stops here)
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
        # off-site HTML targets: title and a text sample kept (checks/content/hijacked_links.py)
        "sample_external": ("bool", True),
        "external_sample_bytes": ("int", 65536),
        "external_sample_chars": ("int", 2000),
        "external_sample_max": ("int", 300),
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
    # pager links (crawler/pagination.py); CMS families: `docs/cms-families.md`
    "pagination": {
        "query_params": ("list[str]", ["page", "pageno", "pagenum", "pageindex", "page_no", "pagenumber",
                                       "currpage", "cur_page", "curpage", "currentpage", "pg", "pn", "p",
                                       "startrecord", "endrecord", "start", "offset", "a51p"]),
        "companion_params": ("list[str]", ["uid", "unitid", "webid", "columnid", "appid", "col", "perpage",
                                           "pagesize", "page_size", "rows", "sitecode", "a51t", "a51c"]),
        "proxy_paths": ("list[str]", ["dataproxy.jsp", "morecolumndataproxy.jsp"]),
        # pager words anywhere on a page; container_texts only inside a pager container ("next" may be
        # the next article, 首页 the homepage)
        "link_texts": ("list[str]", ["下一页", "上一页", "下页", "上页", "尾页", "末页", "最后一页", "后一页",
                                     "前一页"]),
        "container_texts": ("list[str]", ["首页", "第一页", "first", "next", "previous", "prev", "last",
                                          "»", "«", "›", "‹", ">", "<", ">>", "<<"]),
        "container_pattern": ("str", r"pag|fenye|fy_|pgbar|pager|pnav"),
    },
    # incremental nightly runs and resume (crawler/spiders/reuse.py)
    "incremental": {
        "enabled": ("bool", True),
        "external_recheck_days": ("num", 7),   # external link verdicts younger than this are reused
        "resume_within_hours": ("num", 24),    # a crawl cut short this recently is resumed, not restarted
    },
    "soft404": {
        "patterns": ("list[str]", ["页面不存在", "页面未找到", "找不到该页面", "您访问的页面不存在", "404 Not Found",
                                   "Page Not Found", "信息不存在", "事项不存在", "文章已删除"]),
        "max_text_chars": ("int", 3000),
        # not-found probes at the start of the crawl (crawler/spiders/probing.py)
        "probes": ("bool", True),
        "probes_per_prefix": ("int", 2),
        "probe_prefixes": ("int", 12),
    },
    "columns": ("list[dict]", []),
    "owners": ("list[dict]", []),  # who fixes what: 科室 and contact per column / URL prefix (config/owners.py)
    "disclosure": ("dict", {}),
    "a11y": ("dict", {}),
    "checks": {
        "disable": ("list[str]", []),
        # scan pages while the crawl runs (checks/livepass.py); false: every scan after the crawl
        "live_page_pass": ("bool", True),
    },
    "thresholds": ("dict", {}),
    "report": {
        "out_dir": ("str", "xunjian-runs"),
        "lang": ("str", "zh"),
    },
    # where the crawl may connect (crawler/netguard.py; docs/operations.md "Network safety")
    "network": {
        "allow_addresses": ("list[str]", []),
        "deny_addresses": ("list[str]", []),
    },
    # HTTP basic auth for the portal's own hosts; the password only by environment variable
    "auth": {
        "username": ("str", None),
        "password_env": ("str", None),
        "hosts": ("list[str]", []),
    },
}

# (minimum, maximum) of numeric settings, inclusive; None = unbounded on that side. A number
# not listed must still be >= 0 (no count, size or duration of a crawl is negative).
NUMBER_RANGES: dict[str, tuple[float | None, float | None]] = {
    "limits.max_pages": (1, None),
    "limits.max_depth": (0, None),
    "limits.max_response_mb": (0.001, 4096),
    "limits.timeout_s": (0.1, 3600),
    "politeness.concurrency": (1, 512),
    "politeness.concurrency_per_host": (1, 512),
    "politeness.delay_s": (0, 3600),
    "politeness.autothrottle_target": (0.1, 512),
    "links.retries": (0, 20),
    "links.retry_backoff_s": (0, 600),
    "links.max_retry_after_s": (0, 86400),
    "links.max_redirects": (0, 100),
    "traps.max_url_length": (16, None),
    "traps.max_query_params": (0, None),
    "traps.max_repeated_segments": (1, None),
    "traps.max_pages_per_pattern": (1, None),
    "soft404.max_text_chars": (0, None),
    "incremental.external_recheck_days": (0, 3650),
    "incremental.resume_within_hours": (0, 8760),
    "soft404.probes_per_prefix": (1, 10),
    "soft404.probe_prefixes": (1, 200),
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


# libyaml's safe loader when PyYAML has it: the same documents ~10x faster than the pure-Python one
# (rules.yaml is read by every audit, crawl child and check run); errors are still worded by the latter
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found; pass an existing profile, e.g. config/sites/demo.yaml") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    try:
        return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        pass
    try:  # a broken file: the pure-Python loader names the problem better ("found undefined alias 'y'")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: YAML syntax error at {loc}: {problem}; fix the indentation or quoting there") from None


def _check_start_url(url: str, key: str, where: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ConfigError(f"{where}: {key}: {redact_userinfo(url)!r} is not a valid URL ({exc}); "
                          "write it like http://www.example.gov.cn/") from None
    if parts.username is not None or parts.password is not None:
        raise ConfigError(f"{where}: {key}: {redact_userinfo(url)!r} carries a user name/password; remove "
                          "'user:pass@' and set auth: {username: ..., password_env: VAR} instead "
                          "(see docs/operations.md)")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: {key}: {url!r} is not an absolute http(s) URL; "
                          "write it like http://www.example.gov.cn/")


def _check_network(network: dict[str, Any], where: str) -> None:
    import ipaddress
    for key in ("allow_addresses", "deny_addresses"):
        for i, entry in enumerate(network[key]):
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ConfigError(f"{where}: network.{key}[{i}]: {entry!r} is not an IP address or "
                                  "network; write e.g. 127.0.0.0/8, 10.1.2.3 or fd00::/8") from None


_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_auth(auth: dict[str, Any], where: str) -> None:
    if auth["username"] is None and auth["password_env"] is None:
        if auth["hosts"]:
            raise ConfigError(f"{where}: auth.hosts: given without auth.username; add username and "
                              "password_env, or drop auth:")
        return
    if not auth["username"]:
        raise ConfigError(f"{where}: auth.username: missing; add the portal account's user name")
    if not auth["password_env"] or not _ENV_NAME_RE.match(auth["password_env"]):
        raise ConfigError(f"{where}: auth.password_env: not an environment variable name; write e.g. "
                          "password_env: XUNJIAN_PORTAL_PASSWORD (never the password itself)")
    for i, host in enumerate(auth["hosts"]):
        if not host or "/" in host or "@" in host:
            raise ConfigError(f"{where}: auth.hosts[{i}]: {host!r} is not a host; write host or host:port, "
                              "e.g. www.example.gov.cn")


def site_homepage(site: Any) -> str:
    """The portal's homepage URL: the profile's ``homepage``, else its first start URL ("" without
    either). The one definition; a hand-built dict profile (tests) is read the same way."""
    if not isinstance(site, dict):
        return ""
    return site.get("homepage") or (site.get("start_urls") or [""])[0]


class SiteProfile(dict):
    """A validated site profile: a dict with a few derived helpers."""

    path: str = ""

    @property
    def name(self) -> str:
        return self["name"]

    @property
    def homepage(self) -> str:
        return site_homepage(self)

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
    auth = raw.get("auth") if isinstance(raw, dict) else None
    if isinstance(auth, dict) and "${" in str(auth.get("password_env") or ""):
        raise ConfigError(f"{where}: auth.password_env: write the variable's name "
                          "(e.g. XUNJIAN_PORTAL_PASSWORD), "
                          "not ${...}: the password is read from it at crawl time and never stored")
    raw = _expand_env(raw, where)
    data = validate(raw, SITE_SCHEMA, where, ranges=NUMBER_RANGES)
    for i, url in enumerate(data["start_urls"]):
        _check_start_url(url, f"start_urls[{i}]", where)
    if data["homepage"]:
        _check_start_url(data["homepage"], "homepage", where)
    if not data["start_urls"]:
        raise ConfigError(f"{where}: start_urls: empty; list at least the homepage URL")
    for key in ("include", "exclude"):
        for i, pattern in enumerate(data["scope"][key]):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where}: scope.{key}[{i}]: bad regular expression {pattern!r} ({exc}); "
                                  "escape special characters such as ? and .") from None
    from config.columns import validate_columns, validate_disclosure  # columns:/disclosure: blocks
    data["columns"] = validate_columns(data["columns"], where)
    data["disclosure"] = validate_disclosure(data["disclosure"], where)
    from config.owners import validate_owners  # owners: block (reports/owners.py assigns findings)
    data["owners"] = validate_owners(data["owners"], data["columns"], where)
    from config.a11y import validate_a11y  # a11y: block (browser stage)
    data["a11y"] = validate_a11y(data["a11y"], where)
    _check_network(data["network"], where)
    _check_auth(data["auth"], where)
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


def load_thresholds(site: SiteProfile | None = None, rules_file: str | Path | None = None) -> dict[str, Any]:
    """Rule thresholds: config/rules.yaml (or the file named by ``rules_file`` / the environment
    variable ``XUNJIAN_RULES``, for an operator's own copy), then the profile's ``thresholds:``
    overrides, checked against ``config.thresholds.RULES_SCHEMA`` (every key required: the file
    holds the defaults)."""
    from config.columns import validate_column_thresholds  # local: config.columns imports this module
    from config.labels import check_profile_fields, validate_metadata_settings  # label table and its users
    from config.thresholds import validate_rules

    path = Path(rules_file or os.environ.get("XUNJIAN_RULES") or RULES_FILE)
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level: expected a mapping of sections; see the shipped config/rules.yaml")
    overridden = site is not None and site.get("thresholds")
    if overridden:
        data = deep_merge(data, site["thresholds"])
    where = f"{path} + {getattr(site, 'path', '') or 'profile'} (thresholds:)" if overridden else str(path)
    data = validate_rules(data, where)
    table = validate_metadata_settings(data, where)
    if site is not None:
        check_profile_fields(table, site.get("disclosure") or {}, getattr(site, "path", "") or "profile")
    validate_column_thresholds(data["columns"], where)
    from config.scoring import validate_scoring  # assessment.score / deadline_days (checks/score.py)
    validate_scoring(data["assessment"], where)
    from config.wording import wording_entries  # the serious-wording dictionary (checks/content/wording.py)
    wording_entries(data.get("wording"), where)
    return data


def validate_fingerprint(block: Any, where: str) -> dict[str, Any]:
    """``soft404.fingerprint`` of config/rules.yaml alone (soft-404 similarity, checks/links/_notfound.py)."""
    from config.thresholds import RULES_RANGES, RULES_SCHEMA
    return validate(block, RULES_SCHEMA["soft404"]["fingerprint"], where, "soft404.fingerprint.", RULES_RANGES)


def validate_aggregate(block: Any, where: str) -> dict[str, Any]:
    """The ``aggregate:`` block of config/rules.yaml alone (folding of systematic gaps, checks/_aggregate.py)."""
    from config.thresholds import RULES_RANGES, RULES_SCHEMA
    return validate(block, RULES_SCHEMA["aggregate"], where, "aggregate.", RULES_RANGES)

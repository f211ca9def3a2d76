"""The site profile's ``a11y:`` block: schema, defaults and validation (the browser stage's settings).

``config.load_site`` calls ``validate_a11y(block, where)`` so a typo in the
block fails at load time with one line naming the file, the key and the fix,
like every other profile key. The browser stage (``crawler.browser``) and the
checks that pick the same pages (``checks._a11y_common``) read the validated block; thresholds the *checks* judge by (minimum text size,
pop-up area, impact → severity) live in the ``a11y:`` section of
``config/rules.yaml`` instead, so a stored run can be re-judged without
re-scanning.

Keys (defaults in ``A11Y_SCHEMA``):

``enabled``            run the browser stage at all (default true)
``scope``              ``all`` (default, the nightly mode): every crawled in-scope HTML page is audited;
                       with ``incremental`` the first night scans them all, later nights scan only new
                       or changed pages and carry the other results over. ``sample``: the homepage,
                       the columns and ``per_template`` pages of each DOM template (the fast mode for a
                       first look; ``xunjian run --a11y-sample``); a defect on one article of a
                       template is missed unless that article is in the sample
``all_pages``          deprecated alias: ``true`` means ``scope: all``, ``false`` ``scope: sample``
``per_template``       pages scanned per DOM template besides homepage and columns (``sample`` only)
``max_pages``          hard cap on pages audited in one run (0 = no cap, the default; one page per
                       template is kept first, see ``crawler.browser.sampling``); pages truncated at
                       limits.max_response_mb are never loaded in a browser
``browsers``           size of the local headless Chromium pool (2 suits 2 cores)
``remote_url``         a WebDriver endpoint (Selenium Grid, chromedriver --port) that
                       replaces the local pool when set
``page_timeout_s`` / ``script_timeout_s``  per-page load and axe run limits
``retries``            extra attempts for a page whose browser crashed or hung
``start_attempts``     tries to start a browser session before giving up (a loaded machine makes
                       Chromium miss chromedriver's start-up deadline now and then)
``start_backoff_s``    wait before the second start attempt; doubled for each further one
``incremental``        reuse a stored result when page hash, engine and rules are unchanged
``cache_max_age_days`` never reuse a result older than this (0 = no limit)
``axe_tags``           axe-core ``runOnly`` tags (WCAG 2.0/2.1/2.2 A+AA by default)
``axe_rules``          per-rule switches passed to axe, e.g. ``{region: false}``
``locale``             axe-core message locale file under node_modules/axe-core/locales
``window``             viewport size ``WIDTHxHEIGHT``
``settle_ms``          wait after load before scanning (pop-ups are measured after axe has run too)
``keyboard_tabs``      Tab presses of the keyboard walk (focus visibility, nav reachability)
``nav_selectors``      CSS selectors of the main navigation, first match wins
``template_depth``     how deep the DOM skeleton signature of a template looks
``screenshots``        截图取证: a thumbnail of each scanned page with axe-core violations and of each
                       scanned page citing a broken link (the links outlined); false turns it off
``screenshots_max``    at most this many screenshots in one run
"""

from __future__ import annotations

import re
from typing import Any

from config.schema import ConfigError, validate

DEFAULT_NAV_SELECTORS = [
    "nav", "[role=navigation]", "#nav", ".nav", "#menu", ".menu", ".daohang", ".navbar", "#navbar",
]

A11Y_SCHEMA: dict[str, Any] = {
    "enabled": ("bool", True),
    "scope": ("str", "all"),
    "per_template": ("int", 2),
    "max_pages": ("int", 0),
    "browsers": ("int", 2),
    "remote_url": ("str", ""),
    "page_timeout_s": ("num", 20.0),
    "script_timeout_s": ("num", 30.0),
    "retries": ("int", 1),
    "start_attempts": ("int", 3),
    "start_backoff_s": ("num", 1.0),
    "incremental": ("bool", True),
    "cache_max_age_days": ("int", 7),
    "axe_tags": ("list[str]", ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]),
    "axe_rules": ("dict", {}),
    "locale": ("str", "zh_CN"),
    "window": ("str", "1280x800"),
    "settle_ms": ("int", 100),
    "keyboard_tabs": ("int", 40),
    "nav_selectors": ("list[str]", DEFAULT_NAV_SELECTORS),
    "template_depth": ("int", 7),
    "screenshots": ("bool", True),
    "screenshots_max": ("int", 30),
}

SCOPES = ("all", "sample")

_WINDOW = re.compile(r"^(\d{3,5})x(\d{3,5})$")


def _scope_from_alias(block: Any, where: str) -> Any:
    """``all_pages: true/false`` (the key before ``scope``) read as ``scope: all/sample``."""
    if not isinstance(block, dict) or "all_pages" not in block:
        return block
    block = dict(block)
    alias = block.pop("all_pages")
    if not isinstance(alias, bool):
        raise ConfigError(f"{where}: a11y.all_pages: expected true or false, got {alias!r}; "
                          "better write a11y.scope: all or sample")
    scope = "all" if alias else "sample"
    if block.get("scope") not in (None, scope):
        raise ConfigError(f"{where}: a11y.all_pages: {str(alias).lower()} contradicts a11y.scope: "
                          f"{block['scope']}; remove all_pages (it is the old name of scope)")
    block["scope"] = scope
    return block


def validate_a11y(block: Any, where: str) -> dict[str, Any]:
    """Validate the profile's ``a11y:`` block and fill defaults; raise ``ConfigError``."""
    data = validate(_scope_from_alias(block, where), A11Y_SCHEMA, where, "a11y.")
    if data["scope"] not in SCOPES:
        raise ConfigError(f"{where}: a11y.scope: {data['scope']!r} is not a scope; write all (every page, "
                          "the nightly mode) or sample (a few pages per template, a fast first look)")
    for key in ("per_template", "max_pages", "retries", "settle_ms", "keyboard_tabs", "cache_max_age_days",
                "screenshots_max"):
        if data[key] < 0:
            raise ConfigError(f"{where}: a11y.{key}: must be 0 or more, got {data[key]}")
    if data["start_attempts"] < 1:
        raise ConfigError(f"{where}: a11y.start_attempts: must be at least 1, got {data['start_attempts']}")
    if data["start_backoff_s"] < 0:
        raise ConfigError(f"{where}: a11y.start_backoff_s: must be 0 or more seconds, "
                          f"got {data['start_backoff_s']}")
    if data["browsers"] < 1:
        raise ConfigError(f"{where}: a11y.browsers: must be at least 1, got {data['browsers']}")
    for key in ("page_timeout_s", "script_timeout_s"):
        if data[key] <= 0:
            raise ConfigError(f"{where}: a11y.{key}: must be a positive number of seconds, got {data[key]}")
    if not _WINDOW.match(data["window"]):
        raise ConfigError(f"{where}: a11y.window: {data['window']!r} is not WIDTHxHEIGHT; write e.g. 1280x800")
    if data["remote_url"] and not re.match(r"^https?://[^/]+", data["remote_url"]):
        raise ConfigError(f"{where}: a11y.remote_url: {data['remote_url']!r} is not an http(s) URL; "
                          "write e.g. http://127.0.0.1:4444")
    if not re.match(r"^[A-Za-z]{2}(_[A-Za-z]{2})?$", data["locale"]):
        raise ConfigError(f"{where}: a11y.locale: {data['locale']!r} is not a locale name like zh_CN")
    for rule, switch in data["axe_rules"].items():
        if not isinstance(switch, bool):
            raise ConfigError(f"{where}: a11y.axe_rules.{rule}: expected true or false, got {switch!r}")
    return data


def window_size(settings: dict[str, Any]) -> tuple[int, int]:
    m = _WINDOW.match(settings["window"])
    assert m, "validated by validate_a11y"
    return int(m.group(1)), int(m.group(2))


def a11y_settings(site: Any) -> dict[str, Any]:
    """The validated ``a11y`` block of a profile (validating again is cheap and idempotent)."""
    return validate_a11y((site or {}).get("a11y") or {}, getattr(site, "path", "") or "site profile")

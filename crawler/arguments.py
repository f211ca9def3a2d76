"""Validation of the crawl's arguments, importable without Scrapy (so ``crawler.run`` fails fast).

``check_arguments(site, db, run_id, today, overrides)`` loads and validates the site profile
(``config.load_site``, ``overrides`` JSON deep-merged), parses ``today`` (YYYY-MM-DD) and checks
that an explicit ``run_id`` exists in the store ``db``, and that the environment variable
named by ``auth.password_env`` (if any) is set. Any problem raises ``ArgumentError``
whose text is one line naming the argument, the problem and the fix.
"""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any

from config import ConfigError, load_site
from crawler.store import Store


class ArgumentError(Exception):
    """A bad spider argument; str() is the one-line message (file/argument, problem, fix)."""


def check_arguments(site: str | None, db: str, run_id: str | int | None, today: str | None,
                    overrides: str | dict | None) -> tuple[Any, date, int | None]:
    """Validate the spider arguments: (profile, today, existing run id or None). Raises
    ArgumentError; ``crawler.run`` calls this before Scrapy starts, the spider again."""
    if not site:
        raise ArgumentError("no site profile given; run: scrapy crawl portal -a site=config/sites/demo.yaml")
    try:
        extra = json.loads(overrides) if isinstance(overrides, str) and overrides else overrides
    except json.JSONDecodeError as exc:
        raise ArgumentError(f"overrides: not valid JSON ({exc}); "
                            "pass e.g. '{\"limits\": {\"max_pages\": 10}}'") from None
    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError as exc:
        raise ArgumentError(f"today={today!r}: {exc}; use YYYY-MM-DD") from None
    try:
        profile = load_site(site, extra or None)
    except ConfigError as exc:
        raise ArgumentError(str(exc)) from None
    variable = profile["auth"]["password_env"]
    if profile["auth"]["username"] and variable not in os.environ:
        raise ArgumentError(f"{profile.path}: auth.password_env: environment variable {variable} is not set; "
                            f"export {variable}=<the portal password> before the run")
    if run_id in (None, ""):
        return profile, day, None
    try:
        number = int(run_id)
    except ValueError:
        raise ArgumentError(f"run_id={run_id!r}: not a number; omit it to start a new run") from None
    store = Store(db)
    try:
        if store.run(number) is None:
            raise ArgumentError(f"run_id={number}: no such run in {db}; omit it to start a new run")
    finally:
        store.close()
    return profile, day, number

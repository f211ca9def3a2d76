"""Audit profiles for served bundled portals: which site profile, which overrides, which env.

A family's ``profile(site, bases, clean)`` returns an ``AuditProfile``; the helpers here are
shared. ``columns_for(path, site, family, clean)`` reads a profile's ``columns:`` and, for a
clean render, drops the columns that exist only as plants: a column whose URL is the target of
one of the family's ``Expect`` rows and that the clean site does not serve. Any other declared
column the clean portal lacks stays, so a clean render cannot hide a real defect of its own.
``apply_env(profile)`` sets the environment a profile reads (the caller restores it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml


def raw_columns(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return list(data.get("columns") or [])


def served(site, url: str) -> bool:
    path = urlsplit(url).path or "/"
    view = site.paths("portal")
    return path in view or (path.endswith("/") and path + "index.html" in view)


def columns_for(columns: list[dict[str, Any]], site, clean: bool) -> list[dict[str, Any]]:
    if not clean:
        return columns
    from xunjian.demo.site import expectations
    expected, _ = expectations(site.family)
    planted = {e.where for e in expected if not e.where.startswith("external:")}
    return [c for c in columns if not (c.get("url") and urlsplit(c["url"]).path in planted
                                       and not served(site, c["url"]))]


def apply_env(env: dict[str, str]) -> dict[str, str | None]:
    """Set ``env``; returns the previous values for ``restore_env``."""
    previous = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    return previous


def restore_env(previous: dict[str, str | None]) -> None:
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value

"""Baseline files: findings a team has accepted for now, each with a reason and an expiry date.

The gate (``xunjian.gate``) ignores a finding whose fingerprint is in the
baseline until the entry's ``expires`` date has passed; from then on it counts
again and the gate says so. ``xunjian baseline`` writes one from a stored run.
The file is JSON (YAML is read too, so hand-edited files may use it)::

    {"xunjian_baseline": 1, "site": "demo", "created": "2026-11-21", "from_run": 8,
     "entries": [{"fingerprint": "4d2fa439a3a2d003", "rule_id": "link-broken",
                  "page_url": "http://…/old.html", "target": "",
                  "reason": "vendor fixes the CMS in December", "expires": "2026-12-31"}]}

An entry is active while ``today <= expires``. A malformed file raises
``ConfigError`` naming the file, the entry and the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from checks.base import severity_rank
from config import ConfigError
from crawler.store import Store

FORMAT_VERSION = 1


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    reason: str
    expires: date
    rule_id: str = ""
    page_url: str = ""
    target: str = ""

    def active(self, today: date) -> bool:
        return today <= self.expires


def _parse_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: expires: {value!r} is not a date; write it as YYYY-MM-DD") from None


def load(path: str | Path) -> list[BaselineEntry]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: baseline file not found; write one with `xunjian baseline`") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: baseline is not UTF-8 text; save it as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: baseline is not valid JSON/YAML ({str(exc).splitlines()[0]}); "
                          "regenerate it with `xunjian baseline`") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ConfigError(f"{path}: not a baseline file (expected a mapping with an 'entries' list); "
                          "regenerate it with `xunjian baseline`")
    version = data.get("xunjian_baseline", FORMAT_VERSION)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ConfigError(f"{path}: baseline format {version!r} is newer than this xunjian understands "
                          f"({FORMAT_VERSION}); upgrade xunjian")
    entries = []
    for i, raw in enumerate(data["entries"]):
        where = f"{path}: entries[{i}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: expected a mapping with fingerprint, reason and expires")
        for key in ("fingerprint", "reason", "expires"):
            if raw.get(key) in (None, ""):
                raise ConfigError(f"{where}: {key}: missing; every accepted finding needs a fingerprint, "
                                  "a reason and an expiry date")
        entries.append(BaselineEntry(
            fingerprint=str(raw["fingerprint"]), reason=str(raw["reason"]),
            expires=_parse_date(raw["expires"], where), rule_id=str(raw.get("rule_id", "")),
            page_url=str(raw.get("page_url", "")), target=str(raw.get("target", ""))))
    return entries


def write(store: Store, run_id: int, path: str | Path, *, reason: str, expires: date, today: date,
          rules: list[str] | None = None, min_severity: str | None = None) -> int:
    """Write a baseline accepting the findings of ``run_id`` (optionally only some rules or
    severities); return the number of entries written."""
    if not reason.strip():
        raise ConfigError("baseline: --reason is empty; say why these findings are accepted")
    if expires < today:
        raise ConfigError(f"baseline: expiry {expires} is before today {today}; pick a future date")
    floor = severity_rank(min_severity) if min_severity else None
    run = store.run(run_id)
    entries = []
    for f in store.findings(run_id):
        if rules and f.rule_id not in rules:
            continue
        if floor is not None and severity_rank(f.severity) < floor:
            continue
        entries.append({"fingerprint": f.fingerprint, "rule_id": f.rule_id, "page_url": f.page_url,
                        "target": f.target, "reason": reason, "expires": expires.isoformat()})
    doc = {"xunjian_baseline": FORMAT_VERSION, "site": run["site"] if run else "",
           "created": today.isoformat(), "from_run": run_id, "entries": entries}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return len(entries)

"""The session's demo audit (tests/conftest.py ``demo_audit``): its record, and private store copies."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from crawler.store import Finding
from xunjian import runner


@dataclass
class DemoAudit:
    result: runner.AuditResult
    findings: list[Finding]
    bases: dict[str, str]  # "portal" / "external" base URLs of the (now stopped) demo server
    stats: dict  # the run's stats, plus "a11y_audited_urls" and "db"
    live_passes: list = field(default_factory=list)  # the live page pass(es) started (checks/livepass.py)


def copy_store(db: Path, dest: Path) -> Path:
    """A private copy of a store (SQLite's backup API: consistent whatever the journal mode)."""
    src, dst = sqlite3.connect(db), sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return dest

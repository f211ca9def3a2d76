"""Run rows of the store: lifecycle (running -> complete / incomplete), owner, manifest.

Part of ``crawler.store.Store`` (mixed in; the store owns every table and query): a run is
started ``running`` with its owner process (``crawler.storelock.process_identity``), closed
``complete`` only when every stage finished, otherwise ``incomplete`` with a reason code
(``INCOMPLETE_REASONS``) and a one-line detail. ``run_state`` gives the effective state (a
``running`` run whose owner is gone is ``incomplete``/``process-died``); ``recover_orphans``
persists that. "latest", trends and comparisons use complete runs only (``complete_only``).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

RUNNING, COMPLETE, INCOMPLETE = "running", "complete", "incomplete"


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class RunState:
    """The effective state of a run: ``status`` (running / complete / incomplete) and, for an
    incomplete run, a reason ``code`` (``INCOMPLETE_REASONS``) and a one-line ``detail``."""

    status: str
    code: str = ""
    detail: str = ""

    @property
    def complete(self) -> bool:
        return self.status == COMPLETE


# why a run is incomplete; reports translate the code (reports/i18n.py: run_reason_<code>)
INCOMPLETE_REASONS = ("crawl-failed", "crawl-killed", "crawl-interrupted", "browser-failed", "check-crashed",
                      "report-failed", "store-error", "frontier-error", "process-died", "interrupted",
                      "legacy-partial")


class RunsMixin:
    """The ``runs`` table; needs ``self.db`` (sqlite3 connection) and ``self.path``."""

    db: sqlite3.Connection

    def start_run(self, site: str, today: str, profile_path: str = "", tool_version: str = "",
                  owner: dict[str, Any] | None = None) -> int:
        """Start a ``running`` run owned by ``owner`` (default: this process; see crawler.storelock)."""
        from crawler.storelock import process_identity
        who = owner or process_identity()
        cur = self.db.execute(
            "INSERT INTO runs (site, profile_path, today, started_at, tool_version, owner_pid, owner_host, "
            "owner_token) VALUES (?,?,?,?,?,?,?,?)",
            (site, profile_path, today, utcnow(), tool_version, who.get("pid"), who.get("host"),
             who.get("token")),
        )
        self.db.commit()
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any] | None = None,
                   reason: tuple[str, str] | None = None, finished_at: str | None = None) -> None:
        """Close a run as ``complete`` or ``incomplete`` (with ``reason`` = (code, one-line detail));
        ``finished_at`` defaults to now."""
        if status not in (COMPLETE, INCOMPLETE):
            raise ValueError(f"finish_run: status must be {COMPLETE!r} or {INCOMPLETE!r}, got {status!r}")
        if status == INCOMPLETE and (not reason or reason[0] not in INCOMPLETE_REASONS):
            raise ValueError(f"finish_run: an incomplete run needs a reason code from {INCOMPLETE_REASONS}")
        code, detail = reason if status == INCOMPLETE and reason else (None, None)
        merged = {**self.run_stats(run_id), **(stats or {})}
        self.db.execute(
            "UPDATE runs SET finished_at=?, status=?, stats=?, reason_code=?, reason_detail=? WHERE id=?",
            (finished_at or utcnow(), status, json.dumps(merged, ensure_ascii=False, default=str), code,
             detail, run_id),
        )
        self.db.commit()

    @contextmanager
    def completing(self, run_id: int) -> Iterator[str]:
        """While the last stage of a finished run (its verdict, its reports) works: this connection
        reads ``run_id`` as complete, finished now (the time is yielded and stored in the row), while
        the row stays ``running`` for everyone else until the caller stores the final state after
        the block. A process killed meanwhile so leaves a ``process-died`` run, which the next run
        resumes, never a ``complete`` run without its reports."""
        finished_at = utcnow()
        self.db.execute("UPDATE runs SET finished_at=? WHERE id=?", (finished_at, run_id))
        self.db.commit()
        self._completing.add(run_id)  # type: ignore[attr-defined]
        try:
            yield finished_at
        finally:
            self._completing.discard(run_id)  # type: ignore[attr-defined]

    def run_state(self, run: int | sqlite3.Row | dict[str, Any] | None) -> RunState:
        """The effective state of a run: a ``running`` run whose owner process is gone is
        ``incomplete`` (``process-died``), whatever the row says."""
        row = self.run(run) if isinstance(run, int) else run
        if row is None:
            raise LookupError(f"no such run in {self.path}")
        row = dict(row)
        status = row.get("status")
        if status == RUNNING and row.get("id") in self._completing:  # type: ignore[attr-defined]
            return RunState(COMPLETE)
        if status == RUNNING:
            from crawler.storelock import owner_alive
            if owner_alive(row.get("owner_pid"), row.get("owner_host"), row.get("owner_token"), self.path):
                return RunState(RUNNING)
            who = f"pid {row.get('owner_pid')}" if row.get("owner_pid") else "an unrecorded process"
            return RunState(INCOMPLETE, "process-died",
                            f"the process that ran it ({who}) is gone; the run never finished")
        if status == COMPLETE:
            return RunState(COMPLETE)
        if status == "partial":  # a v1 row read before migration
            return RunState(INCOMPLETE, "legacy-partial", "stored as 'partial' by schema v1")
        return RunState(INCOMPLETE, row.get("reason_code") or "process-died", row.get("reason_detail") or "")

    def recover_orphans(self) -> list[int]:
        """Persist ``incomplete`` for every ``running`` run whose owner is gone (call under the
        store lock, before starting a run); returns their ids."""
        orphans = []
        for row in self.db.execute("SELECT * FROM runs WHERE status=?", (RUNNING,)).fetchall():
            state = self.run_state(row)
            if state.status == INCOMPLETE:
                self.db.execute("UPDATE runs SET status=?, reason_code=?, reason_detail=? WHERE id=?",
                                (INCOMPLETE, state.code, state.detail, row["id"]))
                orphans.append(int(row["id"]))
        self.db.commit()
        return orphans

    def put_manifest(self, run_id: int, manifest: dict[str, Any]) -> None:
        self.db.execute("UPDATE runs SET manifest=? WHERE id=?",
                        (json.dumps(manifest, ensure_ascii=False, default=str), run_id))
        self.db.commit()

    def manifest(self, run_id: int) -> dict[str, Any] | None:
        """The run manifest (checks.manifest), or None for a run whose checks never ran."""
        row = self.db.execute("SELECT manifest FROM runs WHERE id=?", (run_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def page_count(self, run_id: int) -> int:
        """In-scope pages with a stored body (what content checks can read)."""
        return int(self.db.execute("SELECT COUNT(*) FROM bodies WHERE run_id=?", (run_id,)).fetchone()[0])

    def update_run_stats(self, run_id: int, stats: dict[str, Any]) -> None:
        merged = {**self.run_stats(run_id), **stats}
        self.db.execute("UPDATE runs SET stats=? WHERE id=?",
                        (json.dumps(merged, ensure_ascii=False, default=str), run_id))
        self.db.commit()

    def run(self, run_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()

    def run_stats(self, run_id: int) -> dict[str, Any]:
        row = self.db.execute("SELECT stats FROM runs WHERE id=?", (run_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def runs(self, site: str | None = None, limit: int = 1000, complete_only: bool = False,
             before: int | None = None) -> list[sqlite3.Row]:
        """Runs, newest first; ``complete_only`` keeps finished, complete runs (what "latest",
        trends and comparisons use); ``before`` keeps ids lower than it."""
        sql, params = "SELECT * FROM runs WHERE 1=1", []
        if site is not None:
            sql += " AND site=?"
            params.append(site)
        if complete_only:
            # a run this connection is completing (``completing``) is complete to it, e.g. in its trend
            completing = sorted(self._completing)  # type: ignore[attr-defined]
            sql += " AND (status=?" + "".join(" OR id=?" for _ in completing) + ")"
            params.extend([COMPLETE, *completing])
        if before is not None:
            sql += " AND id<?"
            params.append(before)
        return self.db.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()

    def latest_run_id(self, site: str | None = None, complete_only: bool = True) -> int | None:
        rows = self.runs(site, limit=1, complete_only=complete_only)
        return int(rows[0]["id"]) if rows else None

    def sites(self) -> list[str]:
        """Every site name with at least one run, in the order their first run was stored."""
        return [r[0] for r in self.db.execute("SELECT site FROM runs GROUP BY site ORDER BY MIN(id)")]

    def run_ids_judged_before(self, site: str, day: str) -> list[int]:
        """Ids of the runs of ``site`` whose "today" is earlier than ``day`` (ISO date), oldest first."""
        return [int(r[0]) for r in self.db.execute(
            "SELECT id FROM runs WHERE site=? AND today < ? ORDER BY id", (site, day))]

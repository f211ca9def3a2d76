"""External-target samples and availability probes of the store (content safety, issue 13).

Part of ``crawler.store.Store`` (mixed in; the store owns every table and query; the DDL is in
``crawler.store.schema``).

``external_samples``  one row per external link target the crawl sampled in a run (an
                      ``<a href>`` off-site answering 2xx HTML, ``links.sample_external``):
                      ``status``, ``final_url`` (after redirects), the page ``title`` and a
                      capped ``text`` sample of its visible text (``links.external_sample_chars``).
                      What checks/content/hijacked_links.py judges; nothing else of an external page
                      is kept.
``availability``      one row per availability probe (``xunjian probe``, xunjian/probe.py): the
                      ``site`` (profile name), the probed ``url``, when (``checked_at``, UTC ISO),
                      the ``status``, ``elapsed_ms``, ``ok`` (answered 2xx within the time limit)
                      and the ``error``. Not tied to a run: the probe runs between nightly audits.

Added without a schema version bump: the tables are created when missing and older readers never
look at them. ``external_samples`` rows go with their run (``RUN_TABLES``); probe results stay.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any



class ContentFactsMixin:
    """The ``external_samples`` and ``availability`` tables; needs ``self.db`` and ``self._wrote``."""

    db: sqlite3.Connection

    def put_external_sample(self, run_id: int, url: str, *, final_url: str | None, status: int | None,
                            title: str, text: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO external_samples VALUES (?,?,?,?,?,?)",
                        (run_id, url, final_url, status, title, text))
        self._wrote()  # type: ignore[attr-defined]

    def copy_external_sample(self, from_run: int, to_run: int, url: str) -> None:
        """Carry the sample of ``url`` over with its replayed verdict (an incremental or resumed crawl)."""
        self.db.execute("INSERT OR REPLACE INTO external_samples SELECT ?, url, final_url, status, title, "
                        "text FROM external_samples WHERE run_id=? AND url=?", (to_run, from_run, url))
        self._wrote()  # type: ignore[attr-defined]

    def has_external_sample(self, run_id: int, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM external_samples WHERE run_id=? AND url=?",
                               (run_id, url)).fetchone() is not None

    def external_samples(self, run_id: int) -> dict[str, dict[str, Any]]:
        """url -> {final_url, status, title, text} of every external target sampled in the run."""
        return {r["url"]: dict(r) for r in self.db.execute(
            "SELECT url, final_url, status, title, text FROM external_samples WHERE run_id=?", (run_id,))}

    def external_link_targets(self, run_id: int) -> list[dict[str, Any]]:
        """Off-site targets the crawl checked (url, final_url, status, content_type, redirect_chain, title:
        set when the target was fetched with its body for a #fragment or jump link)."""
        out = []
        for r in self.db.execute(
                "SELECT url, final_url, status, content_type, redirect_chain, title FROM resources "
                "WHERE run_id=? AND in_scope=0 AND skip_reason IS NULL ORDER BY url", (run_id,)):
            d = dict(r)
            d["redirect_chain"] = json.loads(d["redirect_chain"]) if d["redirect_chain"] else []
            out.append(d)
        return out

    def put_availability(self, *, site: str, url: str, checked_at: str, status: int | None,
                         elapsed_ms: int | None, ok: bool, error: str = "") -> None:
        self.db.execute("INSERT INTO availability (site, url, checked_at, status, elapsed_ms, ok, error) "
                        "VALUES (?,?,?,?,?,?,?)", (site, url, checked_at, status, elapsed_ms, int(ok), error))
        self.db.commit()  # a probe is one short process: each result is kept at once

    def availability(self, site: str, since: str, until: str | None = None) -> list[dict[str, Any]]:
        """Probe results of ``site`` with ``since <= checked_at`` (and ``< until``), oldest first."""
        sql = "SELECT url, checked_at, status, elapsed_ms, ok, error FROM availability WHERE site=? " \
              "AND checked_at >= ?"
        params: tuple = (site, since)
        if until is not None:
            sql += " AND checked_at < ?"
            params += (until,)
        rows = self.db.execute(sql + " ORDER BY checked_at", params)
        return [{**dict(r), "ok": bool(r["ok"])} for r in rows]

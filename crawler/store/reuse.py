"""What an incremental or resumed crawl reuses from an earlier run of the same store.

Part of ``crawler.store.Store`` (mixed in; the store owns every table and query).

Table ``page_parses`` (DDL in ``crawler.store.schema``): one row per crawled in-scope HTML page,
the parse the spider made of it
(``crawler.extract.Document`` as zlib-compressed JSON: base URL, title, anchors, every link with
its tag, attribute, text and pager/stylesheet flags, the parse error) plus the charset and the
count of undecodable bytes. A later run that learns the page did not change (a ``304 Not
Modified`` to its conditional request, or the same body hash) follows the stored links instead
of decoding and parsing the body again, so it records exactly what a cold crawl would.
Added without a schema version bump: created when missing, older readers never look at it.
Per-page lookups (``PER_PAGE_QUERIES``) are answered from the primary keys (the stored links of a
page from ``links_source``).

An unchanged page is copied inside SQLite (``copy_resource``, ``copy_body``, ``copy_parse``,
``copy_links``: ``INSERT ... SELECT`` from the earlier run's rows), never decoded and re-encoded in
Python: a rerun of an unchanged portal writes its facts at the cost of a few statements per page.

Which earlier run is reused:

- ``baseline_run``: the latest *complete* run of the site whose crawl was made with the same
  parse settings (``incremental_key`` in its stats): its pages are revalidated with conditional
  requests; its external verdicts are reused within ``incremental.external_recheck_days``.
- ``resumable_run``: the latest run of the site when it is incomplete because its crawl was
  killed or interrupted and no later run resumed or superseded it: what it stored is reused
  without any request (``resumed_from`` in the new run's stats).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import datetime, timedelta, timezone
from typing import Any

from crawler.store.facts import _JSON_RESOURCE_FIELDS, MIN_DEPTH_SQL
from crawler.store.runs import utcnow
from crawler.store.schema import RESOURCE_COLUMNS


# reasons of an incomplete run whose crawl was cut short: what it stored can be resumed (a crawl
# stopped by its frontier's full disk closed its store cleanly: crawler.frontier)
RESUMABLE_REASONS = ("crawl-killed", "crawl-interrupted", "frontier-error", "process-died", "interrupted")


PARSE_SQL = "SELECT parse_z FROM page_parses WHERE run_id=? AND url=?"
# what deciding a reuse needs (no title, no anchors: a replayed row is copied in SQL, not decoded)
REUSE_COLUMNS = ("url", "kind", "in_scope", "method", "status", "final_url", "redirect_chain", "content_type",
                 "size", "truncated", "error_class", "skip_reason", "headers", "content_hash", "fetched_at")
REUSABLE_RESOURCE_SQL = (
    "SELECT " + ", ".join("r." + c for c in REUSE_COLUMNS) + ", "
    "EXISTS(SELECT 1 FROM bodies b WHERE b.run_id=r.run_id AND b.url=r.url) AS has_body, "
    "EXISTS(SELECT 1 FROM page_parses p WHERE p.run_id=r.run_id AND p.url=r.url) AS has_parse "
    "FROM resources r WHERE r.run_id=? AND r.url=?")
# a page's own links (positions 0..n-1; a list page's data-island records come after them)
STORED_LINKS_SQL = ("SELECT position, target_url, fragment, scheme FROM links INDEXED BY links_source "
                    "WHERE run_id=? AND source_url=? AND position >= 0 AND position < ? ORDER BY position")
COPY_LINKS_SQL = ("INSERT INTO links SELECT ?, source_url, target_url, fragment, raw_href, scheme, text, tag, "
                  "attr, position FROM links INDEXED BY links_source "
                  "WHERE run_id=? AND source_url=? AND position >= 0 AND position < ?")
PER_PAGE_QUERIES = {"parse_of": PARSE_SQL, "reusable_resource": REUSABLE_RESOURCE_SQL,
                    "stored_links": STORED_LINKS_SQL, "copy_links": COPY_LINKS_SQL}


class ReuseMixin:
    """The ``page_parses`` table and the reuse lookups; needs ``self.db`` and ``self._wrote``."""

    db: sqlite3.Connection

    def put_parse(self, run_id: int, url: str, parse: dict[str, Any]) -> None:
        blob = zlib.compress(json.dumps(parse, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)
        self.db.execute("INSERT OR REPLACE INTO page_parses VALUES (?,?,?)", (run_id, url, blob))
        self._wrote()  # type: ignore[attr-defined]

    def parse_of(self, run_id: int, url: str) -> dict[str, Any] | None:
        row = self.db.execute(PARSE_SQL, (run_id, url)).fetchone()
        return json.loads(zlib.decompress(row[0])) if row else None

    def reusable_resource(self, run_id: int, url: str) -> dict[str, Any] | None:
        """The ``REUSE_COLUMNS`` of ``url``'s resource row in ``run_id`` with ``has_body`` and
        ``has_parse`` flags, or None (the whole row: ``resource``)."""
        row = self.db.execute(REUSABLE_RESOURCE_SQL, (run_id, url)).fetchone()
        if row is None:
            return None
        d = dict(row)
        d["redirect_chain"] = json.loads(d["redirect_chain"] or "[]")
        d["headers"] = json.loads(d["headers"] or "{}")
        return d

    def stored_links(self, run_id: int, url: str, count: int) -> list[tuple[int, str, str | None, str]]:
        """(position, canonical target, fragment, scheme) of the first ``count`` links ``url`` has in
        ``run_id`` (the links of its stored parse), by position."""
        return [tuple(r) for r in self.db.execute(STORED_LINKS_SQL, (run_id, url, count))]

    def copy_links(self, from_run: int, to_run: int, url: str, count: int) -> None:
        """Copy the first ``count`` link rows of page ``url`` (what its stored parse yields)."""
        self.db.execute(COPY_LINKS_SQL, (to_run, from_run, url, count))
        self._wrote(max(1, count // 20))  # type: ignore[attr-defined]

    def copy_resource(self, from_run: int, to_run: int, url: str, changes: dict[str, Any]) -> None:
        """Copy the resource row of ``url`` with ``changes`` (column -> value, in the form
        ``put_resource`` takes; ``fetched_at`` None means now)."""
        unknown = set(changes) - set(RESOURCE_COLUMNS)
        if unknown:
            raise ValueError(f"unknown resource fields: {sorted(unknown)}")
        values = dict(changes)
        for key, empty in _JSON_RESOURCE_FIELDS.items():  # stored as put_resource stores them
            if key in values:
                value = empty if values[key] is None else values[key]
                values[key] = None if value is None else json.dumps(value, ensure_ascii=False)
        for key in ("in_scope", "truncated"):
            if key in values:
                values[key] = int(bool(values[key]))
        if "fetched_at" in values:
            values["fetched_at"] = values["fetched_at"] or utcnow()
        # a given depth is kept only if smaller than the one already stored in to_run (MIN_DEPTH_SQL)
        picked = [(MIN_DEPTH_SQL if c == "depth" else "?") if c in values else c for c in RESOURCE_COLUMNS]
        params = [p for c in RESOURCE_COLUMNS if c in values
                  for p in ((values[c], values[c], to_run, url) if c == "depth" else (values[c],))]
        sql = (f"INSERT OR REPLACE INTO resources (run_id, {', '.join(RESOURCE_COLUMNS)}) "
               f"SELECT ?, {', '.join(picked)} FROM resources WHERE run_id=? AND url=?")
        self.db.execute(sql, (to_run, *params, from_run, url))
        self._wrote()  # type: ignore[attr-defined]

    def copy_body(self, from_run: int, to_run: int, url: str) -> None:
        """Reuse the stored text of ``url`` (no decompress/recompress)."""
        self.db.execute("INSERT OR REPLACE INTO bodies SELECT ?, url, text_z FROM bodies "
                        "WHERE run_id=? AND url=?", (to_run, from_run, url))
        self._wrote()  # type: ignore[attr-defined]

    def copy_parse(self, from_run: int, to_run: int, url: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO page_parses SELECT ?, url, parse_z FROM page_parses "
                        "WHERE run_id=? AND url=?", (to_run, from_run, url))
        self._wrote()  # type: ignore[attr-defined]

    def baseline_run(self, site: str, incremental_key: str, before: int | None = None) -> int | None:
        """The latest complete run of ``site`` crawled with the same parse settings, or None."""
        sql = "SELECT id FROM runs WHERE site=? AND status='complete' " \
              "AND json_extract(stats, '$.incremental_key')=?"
        params: list[Any] = [site, incremental_key]
        if before is not None:
            sql += " AND id<?"
            params.append(before)
        row = self.db.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
        return int(row[0]) if row else None

    def resumable_run(self, site: str, incremental_key: str, before: int | None = None,
                      within_hours: float = 24.0) -> int | None:
        """The latest run of ``site`` (before ``before``) if its crawl was cut short (killed,
        interrupted, its process died) less than ``within_hours`` ago, with the same parse
        settings, and no later run resumed it; else None."""
        sql, params = "SELECT id, status, reason_code, stats, started_at FROM runs WHERE site=?", [site]
        if before is not None:
            sql += " AND id<?"
            params.append(before)
        row = self.db.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
        if row is None or row["status"] != "incomplete" or row["reason_code"] not in RESUMABLE_REASONS:
            return None
        stats = json.loads(row["stats"] or "{}")
        if stats.get("incremental_key") != incremental_key or self.resumed_by(int(row["id"])) is not None:
            return None
        try:
            started = datetime.fromisoformat(row["started_at"])
        except (TypeError, ValueError):
            return None
        if started.tzinfo is None:
            started = started.replace(tzinfo=timezone.utc)
        if datetime.now(timezone.utc) - started > timedelta(hours=within_hours):
            return None
        return int(row["id"])

    def mark_incremental_key(self, run_id: int, key: str) -> None:
        """Record the parse settings of a run's crawl when it starts (a killed crawl never saves
        its stats, and its resume must still know them); one atomic statement."""
        self.db.execute("UPDATE runs SET stats=json_set(stats, '$.incremental_key', ?) WHERE id=?",
                        (key, run_id))
        self.db.commit()

    def resumed_by(self, run_id: int) -> int | None:
        """The run that resumed ``run_id`` (``resumed_from`` in its stats), if any."""
        row = self.db.execute("SELECT id FROM runs WHERE json_extract(stats, '$.resumed_from')=? "
                              "ORDER BY id LIMIT 1", (run_id,)).fetchone()
        return int(row[0]) if row else None

    def pages_gone(self, baseline: int, run_id: int, limit: int = 20) -> tuple[int, list[str]]:
        """In-scope pages the baseline run crawled (2xx) that this run did not find as 2xx pages:
        deleted, moved or no longer linked. (count, first ``limit`` URLs)."""
        sql = ("FROM resources a WHERE a.run_id=? AND a.kind='page' AND a.in_scope=1 "
               "AND a.status BETWEEN 200 AND 299 AND NOT EXISTS (SELECT 1 FROM resources b WHERE "
               "b.run_id=? AND b.url=a.url AND b.status BETWEEN 200 AND 299)")
        count = int(self.db.execute("SELECT COUNT(*) " + sql, (baseline, run_id)).fetchone()[0])
        urls = [r[0] for r in self.db.execute("SELECT a.url " + sql + " ORDER BY a.url LIMIT ?",
                                               (baseline, run_id, limit))]
        return count, urls

"""Accessibility results of the store: what the browser stage scanned, reused or failed per page.

Part of ``crawler.store.Store`` (mixed in; the store owns every table and query). Table
``a11y_results``, one row per page the browser stage (``crawler.browser.stage``) chose in a run:
``status`` ``scanned`` / ``reused`` / ``failed``, the ``engine`` label, the page's ``cache_key``,
whether the result was ``reused`` from an earlier run, ``result_z`` (zlib JSON of the axe-core
result plus the stage's notes) and the ``error`` of a failed page. Checks read them through
``a11y_results``; the stage reads the pages it may scan and the facts its cache key is made of.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from typing import Any

_SCANNABLE_PAGES_SQL = ("SELECT {cols} FROM resources r JOIN bodies b ON b.run_id=r.run_id AND b.url=r.url "
                        "WHERE r.run_id=? AND r.kind='page' AND r.in_scope=1 "
                        "AND r.status BETWEEN 200 AND 299 AND r.truncated=0 ORDER BY r.url")
# the stylesheets and scripts of one page, through the page's own links (links_source): the
# links_target index would save the sort but walk every link of the run for each page
PAGE_ASSETS_SQL = ("SELECT l.target_url, r.content_hash, r.status, r.size "
                   "FROM links l INDEXED BY links_source "
                   "LEFT JOIN resources r ON r.run_id=l.run_id AND r.url=l.target_url "
                   "WHERE l.run_id=? AND l.source_url=? AND l.tag IN ('link', 'script') "
                   "ORDER BY l.target_url")
# runs first (one row a night), then each run's row of this page by primary key; an a11y_results
# scan would read every result of every run for each page
REUSABLE_RESULT_SQL = ("SELECT a.result_z, a.run_id FROM runs r CROSS JOIN a11y_results a "
                       "ON a.run_id=r.id AND a.url=? WHERE r.site=? AND r.id<>? AND a.cache_key=? "
                       "AND a.status IN ('scanned', 'reused') AND a.result_z IS NOT NULL "
                       "ORDER BY r.id DESC LIMIT 1")

# per-page queries: name -> SQL (their plans are checked by a test)
PER_PAGE_QUERIES = {"page_assets": PAGE_ASSETS_SQL, "reusable_a11y_result": REUSABLE_RESULT_SQL}


class A11yMixin:
    """The ``a11y_results`` table and the browser stage's reads; needs ``self.db`` and ``self.commit``."""

    db: sqlite3.Connection

    def scannable_pages(self, run_id: int) -> dict[str, dict[str, Any]]:
        """In-scope 2xx pages with a whole stored body, by URL: ``url``, ``final_url``, ``depth``,
        ``content_hash`` (what the browser stage may scan; bodies are read by ``scannable_bodies``)."""
        sql = _SCANNABLE_PAGES_SQL.format(cols="r.url, r.final_url, r.depth, r.content_hash")
        return {r["url"]: dict(r) for r in self.db.execute(sql, (run_id,))}

    def scannable_bodies(self, run_id: int) -> Iterator[tuple[str, str]]:
        """(url, decoded text) of the pages of ``scannable_pages``, streamed one at a time."""
        for url, text_z in self.db.execute(_SCANNABLE_PAGES_SQL.format(cols="r.url, b.text_z"), (run_id,)):
            yield url, zlib.decompress(text_z).decode("utf-8", "replace")

    def page_assets(self, run_id: int, url: str) -> list[tuple[str, str | None, int | None, int | None]]:
        """(target, content hash, status, size) of each stylesheet and script the page links to, by
        target (facts of targets the crawl never stored are None)."""
        return [tuple(r) for r in self.db.execute(PAGE_ASSETS_SQL, (run_id, url))]  # type: ignore[misc]

    def reusable_a11y_result(self, site: str, run_id: int, url: str,
                             cache_key: str) -> tuple[dict[str, Any], int] | None:
        """The newest result of ``url`` with this cache key stored by another run of ``site`` (scanned
        or itself reused), as (decoded result, its run id); None when there is none."""
        row = self.db.execute(REUSABLE_RESULT_SQL, (url, site, run_id, cache_key)).fetchone()
        return (json.loads(zlib.decompress(row[0])), int(row[1])) if row else None

    def clear_a11y_results(self, run_id: int) -> None:
        self.db.execute("DELETE FROM a11y_results WHERE run_id=?", (run_id,))

    def put_a11y_result(self, run_id: int, url: str, *, status: str, engine: str, cache_key: str,
                        reused: bool, data: dict[str, Any] | None, error: str = "") -> None:
        """Store (and commit) the outcome for one page: a crash of the stage keeps what was scanned."""
        blob = zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6) if data is not None else None
        self.db.execute("INSERT OR REPLACE INTO a11y_results VALUES (?,?,?,?,?,?,?,?)",
                        (run_id, url, status, engine, cache_key, int(reused), blob, error or None))
        self.commit()  # type: ignore[attr-defined]

    def a11y_results(self, run_id: int) -> list[dict[str, Any]]:
        """Every result of the run by URL: ``url``, ``status``, ``engine``, ``cache_key``, ``reused``,
        ``error`` and ``data`` (the decoded result, {} when none was stored)."""
        out = []
        for r in self.db.execute("SELECT * FROM a11y_results WHERE run_id=? ORDER BY url", (run_id,)):
            d = dict(r)
            z = d.pop("result_z")
            d["reused"] = bool(d["reused"])
            d["data"] = json.loads(zlib.decompress(z)) if z else {}
            out.append(d)
        return out

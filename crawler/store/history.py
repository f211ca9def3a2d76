"""Run history in the store: first-seen dates of findings, and deleting runs (retention).

Part of ``crawler.store.Store`` (mixed in; the store owns every table and query). What history
means (new / fixed / persisting, trends, which runs retention may delete) is decided in
``reports.history``; this module answers its questions and performs its deletions.

First-seen dates must survive retention pruning, so they are kept in a table keyed by site,
``finding_first_seen(site, fingerprint, first_run_id, first_seen)``. Readers never write:
``first_seen`` combines that table with the findings still stored, so ``xunjian report`` and
``gate`` work while a run holds the store; ``refresh_first_seen`` is called by the writers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from crawler.store.schema import RUN_TABLES

# one pass over the site's findings; SQLite fills the bare column r.today from the row holding
# MIN(r.id) (documented behaviour of min()/max() aggregates)
_REFRESH_FIRST_SEEN_SQL = """
    INSERT INTO finding_first_seen (site, fingerprint, first_run_id, first_seen)
    SELECT r.site, f.fingerprint, MIN(r.id), r.today FROM findings f JOIN runs r ON r.id = f.run_id
    WHERE r.site = ? GROUP BY f.fingerprint
    ON CONFLICT (site, fingerprint) DO UPDATE SET
        first_run_id = excluded.first_run_id, first_seen = excluded.first_seen
    WHERE excluded.first_run_id < finding_first_seen.first_run_id
"""


class HistoryMixin:
    """The ``finding_first_seen`` table and run deletion; needs ``self.db``."""

    db: sqlite3.Connection

    def refresh_first_seen(self, site: str) -> None:
        """Record the earliest run each fingerprint of ``site`` was seen in (kept across pruning)."""
        self.db.execute(_REFRESH_FIRST_SEEN_SQL, (site,))
        self.db.commit()

    def first_seen(self, run_id: int, site: str) -> dict[str, tuple[int, str]]:
        """fingerprint -> (first run id, first-seen date) for every finding of ``run_id`` (a run of
        ``site``): the earlier of the stored findings and the kept table. Read-only."""
        # SQLite fills the bare column r.today from the row holding MIN(r.id)
        rows = self.db.execute(
            "SELECT f.fingerprint, MIN(r.id), r.today FROM findings f JOIN runs r ON r.id = f.run_id "
            "WHERE r.site = ? AND f.fingerprint IN (SELECT fingerprint FROM findings WHERE run_id = ?) "
            "GROUP BY f.fingerprint", (site, run_id)).fetchall()
        seen = {r[0]: (int(r[1]), r[2]) for r in rows}
        for fp, first_run, first_date in self.db.execute(
                "SELECT s.fingerprint, s.first_run_id, s.first_seen FROM finding_first_seen s "
                "JOIN findings f ON f.fingerprint = s.fingerprint AND f.run_id = ? WHERE s.site = ?",
                (run_id, site)):
            if fp not in seen or int(first_run) < seen[fp][0]:
                seen[fp] = (int(first_run), first_date)
        return seen

    def delete_runs(self, run_ids: Iterable[int]) -> None:
        """Delete runs with every row they own (facts, findings, results), in one transaction."""
        with self.db:
            for rid in run_ids:
                for table in RUN_TABLES:
                    self.db.execute(f"DELETE FROM {table} WHERE run_id=?", (rid,))
                self.db.execute("DELETE FROM runs WHERE id=?", (rid,))
            # an image no remaining run shows goes too (images are shared between runs)
            self.db.execute("DELETE FROM screenshots WHERE hash NOT IN (SELECT hash FROM page_screenshots)")

    def vacuum(self) -> None:
        """Give the space of deleted rows back to the file system."""
        self.db.commit()
        self.db.execute("VACUUM")

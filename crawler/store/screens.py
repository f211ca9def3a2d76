"""Screenshots of the store (截图取证): page images the browser stage took, each stored once.

Part of ``crawler.store.Store`` (mixed in). Table ``screenshots`` holds each image once, keyed by
the SHA-256 of its bytes (a page that looks the same night after night, or two pages rendering
alike, cost one blob); ``page_screenshots`` says which page of which run it shows and why
(``reason``: ``a11y`` for a sampled page with axe-core violations, ``broken-link`` for a page
citing a broken target, the links outlined). ``broken_link_citers`` is the browser stage's list
of pages worth a broken-link screenshot: pages linking to a target that answered 404/410/other
4xx except the could-not-verify ones (401/403/407/429), 5xx, or failed on DNS or a refused connection.
"""

from __future__ import annotations

import hashlib
from typing import Any

# the could-not-verify answers are never broken (peer lessons: 401/403/407/429 and bot walls)
_BROKEN_CITERS_SQL = ("SELECT DISTINCT l.source_url, l.target_url FROM links l JOIN resources r "
                      "ON r.run_id=l.run_id AND r.url=l.target_url "
                      "WHERE l.run_id=? AND l.source_url<>l.target_url "
                      "AND ((r.status BETWEEN 400 AND 599 AND r.status NOT IN (401, 403, 407, 429)) "
                      "OR r.error_class IN ('dns', 'refused')) ORDER BY l.source_url, l.target_url")
# a reused accessibility result keeps its page's screenshots: by primary key (run, url)
CARRY_SQL = ("INSERT OR IGNORE INTO page_screenshots (run_id, url, reason, hash) "
             "SELECT ?, url, reason, hash FROM page_screenshots WHERE run_id=? AND url=?")
HAS_SHOTS_SQL = "SELECT 1 FROM page_screenshots WHERE run_id=? AND url=? LIMIT 1"

# per-page queries: name -> SQL (their plans are checked by a test)
PER_PAGE_QUERIES = {"carry_page_screenshots": CARRY_SQL, "has_page_screenshots": HAS_SHOTS_SQL}


class ScreenshotsMixin:
    """The ``screenshots`` and ``page_screenshots`` tables; needs ``self.db`` and ``self._wrote``."""

    def put_screenshot(self, run_id: int, url: str, reasons: list[str], mime: str, data: bytes,
                       width: int = 0, height: int = 0) -> str:
        """Store a page's image (once per distinct image) for each reason; return its hash."""
        digest = hashlib.sha256(data).hexdigest()
        self.db.execute("INSERT OR IGNORE INTO screenshots (hash, mime, width, height, data) "
                        "VALUES (?,?,?,?,?)", (digest, mime, int(width), int(height), data))
        for reason in reasons:
            self.db.execute("INSERT OR REPLACE INTO page_screenshots (run_id, url, reason, hash) "
                            "VALUES (?,?,?,?)", (run_id, url, reason, digest))
        self._wrote(1 + len(reasons))
        return digest

    def carry_page_screenshots(self, from_run: int, to_run: int, url: str) -> int:
        """Copy ``url``'s screenshot rows of ``from_run`` into ``to_run`` (the images are shared);
        return how many rows were copied."""
        copied = self.db.execute(CARRY_SQL, (to_run, from_run, url)).rowcount
        self._wrote(copied)
        return copied

    def has_page_screenshots(self, run_id: int, url: str) -> bool:
        return self.db.execute(HAS_SHOTS_SQL, (run_id, url)).fetchone() is not None

    def run_screenshots(self, run_id: int) -> list[dict[str, Any]]:
        """The run's screenshots: url, reason, hash, mime, width, height (no image bytes)."""
        rows = self.db.execute(
            "SELECT p.url, p.reason, p.hash, s.mime, s.width, s.height FROM page_screenshots p "
            "JOIN screenshots s ON s.hash=p.hash WHERE p.run_id=? ORDER BY p.url, p.reason", (run_id,))
        return [dict(r) for r in rows]

    def screenshot(self, digest: str) -> tuple[str, bytes] | None:
        """(mime, bytes) of one stored image."""
        row = self.db.execute("SELECT mime, data FROM screenshots WHERE hash=?", (digest,)).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def broken_link_citers(self, run_id: int) -> dict[str, list[str]]:
        """page URL -> the broken targets it links to (see the module docstring)."""
        out: dict[str, list[str]] = {}
        for source, target in self.db.execute(_BROKEN_CITERS_SQL, (run_id,)):
            out.setdefault(source, []).append(target)
        return out

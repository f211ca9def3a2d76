"""Attachment texts of the store: what the attachment stage (``crawler.doctext``) read.

Part of ``crawler.store.Store`` (mixed in; the store owns every table and query). Table
``attachment_texts``, one row per attachment the stage looked at in a run:

``status``   ``read`` (text extracted), ``unreadable`` (encrypted, corrupt, not the format its
             name says), ``not-read`` (a format with no reader here, e.g. OFD; over the size cap;
             the file could not be fetched) with the one-line ``reason``;
``kind``     the format read (pdf, docx, xlsx, ofd);
``pages``    how many pages (PDF), sections (DOCX: 1) or sheets (XLSX) were read, ``page_total``
             how many the file has (more than ``pages`` when the page cap cut it);
``text_z``   zlib-compressed JSON list of the text of each page read. This is the published
             document's own text (like ``bodies`` for pages): findings quote it masked only.

Added without a schema version bump: the table (``crawler.store.schema``) is created when
missing and older readers never look at it.

``copy_unchanged_attachment_text`` reuses an earlier run's row for an attachment the crawl found
unchanged: the same ETag (or, when neither answer has one, the same Last-Modified), size and type
in both runs' resource rows, and a deterministic outcome then (``read`` or ``unreadable``; a fetch
that failed is tried again). One ``INSERT ... SELECT`` on primary keys (``PER_PAGE_QUERIES``).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

READ, UNREADABLE, NOT_READ = "read", "unreadable", "not-read"

_ETAG, _MODIFIED = "json_extract({t}.headers, '$.etag')", "json_extract({t}.headers, '$.\"last-modified\"')"
COPY_UNCHANGED_SQL = (
    "INSERT OR REPLACE INTO attachment_texts SELECT ?, a.url, a.kind, a.status, a.reason, a.size, a.pages, "
    "a.page_total, a.text_z FROM attachment_texts a "
    "JOIN resources old ON old.run_id = a.run_id AND old.url = a.url "
    "JOIN resources new ON new.run_id = ? AND new.url = a.url "
    "WHERE a.run_id = ? AND a.url = ? AND a.status IN ('read', 'unreadable') "
    "AND old.size IS new.size AND old.content_type IS new.content_type AND CASE "
    f"WHEN {_ETAG.format(t='old')} IS NOT NULL OR {_ETAG.format(t='new')} IS NOT NULL "
    f"THEN {_ETAG.format(t='old')} IS {_ETAG.format(t='new')} "
    f"ELSE {_MODIFIED.format(t='old')} IS NOT NULL AND {_MODIFIED.format(t='old')} IS {_MODIFIED.format(t='new')} "
    "END")
PER_PAGE_QUERIES = {"copy_unchanged_attachment_text": COPY_UNCHANGED_SQL}


class AttachmentTextsMixin:
    """The ``attachment_texts`` table; needs ``self.db`` and ``self._wrote``."""

    db: sqlite3.Connection

    def put_attachment_text(self, run_id: int, url: str, *, kind: str | None, status: str,
                            reason: str = "", size: int | None = None, pages: list[str] | None = None,
                            page_total: int | None = None) -> None:
        if status not in (READ, UNREADABLE, NOT_READ):
            raise ValueError(f"attachment status {status!r}: use {READ}, {UNREADABLE} or {NOT_READ}")
        text_z = zlib.compress(json.dumps(pages, ensure_ascii=False).encode("utf-8"), 6) if pages else None
        self.db.execute("INSERT OR REPLACE INTO attachment_texts VALUES (?,?,?,?,?,?,?,?,?)",
                        (run_id, url, kind, status, reason, size, len(pages or []), page_total, text_z))
        self._wrote()  # type: ignore[attr-defined]

    def copy_unchanged_attachment_text(self, from_run: int, to_run: int, url: str) -> str | None:
        """Copy ``url``'s row of ``from_run`` into ``to_run`` when the attachment is unchanged (see the
        module docstring); its status, or None when it must be read again."""
        if self.db.execute(COPY_UNCHANGED_SQL, (to_run, to_run, from_run, url)).rowcount != 1:
            return None
        self._wrote()  # type: ignore[attr-defined]
        return self.db.execute("SELECT status FROM attachment_texts WHERE run_id=? AND url=?",
                               (to_run, url)).fetchone()[0]

    def attachment_texts(self, run_id: int) -> list[dict[str, Any]]:
        """Every attachment row of the run by URL; ``pages`` is the list of page texts read."""
        out = []
        for row in self.db.execute("SELECT * FROM attachment_texts WHERE run_id=? ORDER BY url", (run_id,)):
            d = dict(row)
            z = d.pop("text_z")
            d["page_count"] = d.pop("pages")
            d["pages"] = json.loads(zlib.decompress(z).decode("utf-8")) if z else []
            out.append(d)
        return out

    def attachment_urls(self, run_id: int) -> list[dict[str, Any]]:
        """In-scope attachments the crawl answered with 2xx: what the attachment stage may read."""
        return [dict(r) for r in self.db.execute(
            "SELECT url, final_url, content_type, size FROM resources WHERE run_id=? AND in_scope=1 "
            "AND kind='attachment' AND status BETWEEN 200 AND 299 ORDER BY url", (run_id,))]

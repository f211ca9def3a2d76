"""Scratch tables: per-page structures of one checks run kept on disk instead of in memory.

The checks build a few things with one entry per page of the run and read them back later: the
site-facts views (``checks._viewstore``: one encoded ``PageView`` per page), the link-text index (each
distinct link text with the link of the first page in URL order that printed it) and the live page
pass's set of scanned URLs (``checks.livepass``). Held in memory they grow with the portal (~1 KB a
page); ``Scratch`` keeps them in a private temporary SQLite database instead (``sqlite3.connect("")``:
a file in the system's temporary folder, deleted when the connection closes), so the process holds
only SQLite's page cache (``CACHE_KIB``) however large the site is. Not the run's store: nothing in it
outlives the checks run, and the crawl's writer never waits for it.

Views and link texts are appended to a log as pages come in (no B-tree search per page or link) and
sorted into their keyed tables on the first read after a write (``_seal``: a text keeps the link of the
first page in URL order, a page its last view). Every other query runs once per page or per link
(``PER_PAGE_QUERIES``: answered from a table's primary key; tests/test_store_queries.py checks their
plans) or once per checks run (the ordered walks).
One ``Scratch`` is used by one thread at a time: the live page pass fills it in its thread and hands
it to the checks run's thread once that thread stopped (``check_same_thread`` is off for that).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

CACHE_KIB = 2048  # SQLite's page cache for the scratch file: the memory it may use, whatever the site

_SCHEMA = """
CREATE TABLE view_log (url TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE page_views (url TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE link_log (text TEXT NOT NULL, href TEXT NOT NULL, page TEXT NOT NULL);
CREATE TABLE link_texts (text TEXT PRIMARY KEY, href TEXT NOT NULL, page TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE url_sets (name TEXT NOT NULL, url TEXT NOT NULL, PRIMARY KEY (name, url)) WITHOUT ROWID;
"""

LOG_VIEW_SQL = "INSERT INTO view_log (url, data) VALUES (?, ?)"
LOG_LINK_TEXT_SQL = "INSERT INTO link_log (text, href, page) VALUES (?, ?, ?)"
# the logs sorted into the keyed tables: a page's last view; a text's link from the first page in URL order
# (the first logged of that page; ``WHERE true`` lets SQLite's parser tell the upsert from a join)
_SEAL_SQL = """
INSERT OR REPLACE INTO page_views (url, data) SELECT url, data FROM view_log ORDER BY url, rowid;
DELETE FROM view_log;
INSERT INTO link_texts (text, href, page) SELECT text, href, page FROM link_log WHERE true
    ORDER BY text, page, rowid
    ON CONFLICT (text) DO UPDATE SET href=excluded.href, page=excluded.page
    WHERE excluded.page < link_texts.page;
DELETE FROM link_log;
"""
VIEW_SQL = "SELECT data FROM page_views WHERE url=?"
HAS_VIEW_SQL = "SELECT 1 FROM page_views WHERE url=?"
LINK_TEXT_SQL = "SELECT href, page FROM link_texts WHERE text=?"
IN_URL_SET_SQL = "SELECT 1 FROM url_sets WHERE name=? AND url=?"
ADD_TO_URL_SET_SQL = "INSERT OR IGNORE INTO url_sets (name, url) VALUES (?, ?)"
IN_URL_SET_MANY_SQL = "SELECT url FROM url_sets WHERE name=? AND url IN (SELECT value FROM json_each(?))"

# once per page or per link: name -> SQL (each answered from the table's primary key; a test checks)
PER_PAGE_QUERIES = {"view": VIEW_SQL, "has_view": HAS_VIEW_SQL, "link_text": LINK_TEXT_SQL,
                    "in_url_set": IN_URL_SET_SQL, "in_url_set_many": IN_URL_SET_MANY_SQL,
                    "add_to_url_set": ADD_TO_URL_SET_SQL}


class Scratch:
    """A private temporary SQLite database of per-page structures (see the module doc)."""

    def __init__(self) -> None:
        # isolation_level=None: no implicit transactions. The file is private and thrown away, so it
        # keeps no journal and is never synced: a crash loses nothing a rerun would not rebuild.
        self.db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")  # one transaction: a commit per page would write its pages each time
        self._logged = False  # rows in the logs not sorted into their tables yet

    def close(self) -> None:
        """Drop the scratch file (idempotent)."""
        try:
            self.db.close()
        except sqlite3.Error:
            pass

    def _seal(self) -> None:
        if self._logged:
            self.db.executescript(_SEAL_SQL)  # executescript commits first: begin again after it
            self.db.execute("BEGIN")
            self._logged = False

    # -- page views: url -> an encoded view ----------------------------------------------------
    def put_view(self, url: str, data: bytes) -> None:
        """The view of ``url`` (a later one replaces it)."""
        self.db.execute(LOG_VIEW_SQL, (url, data))
        self._logged = True

    def view(self, url: str) -> bytes | None:
        self._seal()
        row = self.db.execute(VIEW_SQL, (url,)).fetchone()
        return row[0] if row else None

    def has_view(self, url: str) -> bool:
        self._seal()
        return self.db.execute(HAS_VIEW_SQL, (url,)).fetchone() is not None

    def view_count(self) -> int:
        self._seal()
        return int(self.db.execute("SELECT count(*) FROM page_views").fetchone()[0])

    def views(self) -> Iterator[tuple[str, bytes]]:
        """(url, encoded view) of every page, in URL order (code point order, as Python sorts)."""
        self._seal()
        yield from self.db.execute("SELECT url, data FROM page_views ORDER BY url")

    def view_urls(self) -> Iterator[str]:
        """Every page with a view, in URL order."""
        self._seal()
        for (url,) in self.db.execute("SELECT url FROM page_views ORDER BY url"):
            yield url

    # -- link texts: text -> (href, page of its first link) --------------------------------------
    def put_link_texts(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """Index each (text, href, page): ``text`` -> ``href`` unless a page before ``page`` in URL
        order printed it (or this page did, earlier)."""
        self.db.executemany(LOG_LINK_TEXT_SQL, entries)
        self._logged = True

    def link_text(self, text: str) -> tuple[str, str] | None:
        """(href, page) of the indexed link of ``text``, or None."""
        self._seal()
        row = self.db.execute(LINK_TEXT_SQL, (text,)).fetchone()
        return (row[0], row[1]) if row else None

    def link_texts(self) -> Iterator[tuple[str, str]]:
        """(text, href) of every indexed link text, in text order."""
        self._seal()
        yield from self.db.execute("SELECT text, href FROM link_texts ORDER BY text")

    def link_text_count(self) -> int:
        self._seal()
        return int(self.db.execute("SELECT count(*) FROM link_texts").fetchone()[0])

    # -- named URL sets ----------------------------------------------------------------------------
    def add_to_url_set(self, name: str, urls: Iterable[str]) -> None:
        """Add ``urls`` to the set ``name``."""
        self.db.executemany(ADD_TO_URL_SET_SQL, ((name, url) for url in urls))

    def in_url_set(self, name: str, url: str) -> bool:
        return self.db.execute(IN_URL_SET_SQL, (name, url)).fetchone() is not None

    def in_url_set_many(self, name: str, urls: list[str]) -> set[str]:
        """Those of ``urls`` that are in the set ``name`` (one statement for all of them)."""
        found = self.db.execute(IN_URL_SET_MANY_SQL, (name, json.dumps(urls, ensure_ascii=False)))
        return {url for (url,) in found}

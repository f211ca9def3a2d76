"""Crawl facts of the store: resources, page bodies, links and not-found probes.

Part of ``crawler.store.Store`` (mixed in; the store owns every table and query). The crawler
writes these rows (``put_*``); checks read them through typed questions: ``resources`` and
``links`` take keyword filters (never SQL fragments), the rest answer one question each.

Queries that run once per page or per link target (``PER_PAGE_QUERIES``) must be answered from an
index on the page's own key, never by walking every row of the run: tests/test_store_queries.py runs
``EXPLAIN QUERY PLAN`` on each. Without table statistics SQLite sometimes prefers the index that
saves a sort over the one that narrows the search, so those queries name their index.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.store.runs import utcnow
from crawler.store.schema import RESOURCE_COLUMNS

_JSON_RESOURCE_FIELDS = {"redirect_chain": [], "headers": {}, "anchors": None}
# the depth a (re)written resource row keeps: the smaller of the new and the stored one. A URL is
# written again when a later page needs more of it (a fragment needs the body): which page that is
# depends on response timing, the shortest distance from the start does not. Parameters: depth,
# depth, run_id, url.
MIN_DEPTH_SQL = ("(SELECT COALESCE(MIN(?, r.depth), ?, r.depth) FROM (SELECT 1) "
                 "LEFT JOIN resources r ON r.run_id=? AND r.url=?)")
# INSERT OR REPLACE (not an upsert): a rewritten row gets a new rowid above every other one, which
# is how ``page_write_mark`` / ``urls_written_between`` see it; depth, last, is MIN_DEPTH_SQL
_NOT_DEPTH = tuple(c for c in RESOURCE_COLUMNS if c != "depth")
_PUT_RESOURCE_SQL = (f"INSERT OR REPLACE INTO resources (run_id, {', '.join(_NOT_DEPTH)}, depth) "
                     f"VALUES ({', '.join('?' * (len(_NOT_DEPTH) + 1))}, {MIN_DEPTH_SQL})")
# most rows hold an empty redirect chain: decoded without the JSON parser (a fresh object each time)
_EMPTY_JSON = {"[]": list, "{}": dict, "null": type(None)}


def _decode_json_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A resource row's JSON columns decoded in place (None: the field's empty value)."""
    for key, empty in _JSON_RESOURCE_FIELDS.items():
        text = row[key]
        if text is None:
            row[key] = empty
        else:
            make = _EMPTY_JSON.get(text)
            row[key] = make() if make is not None else json.loads(text)
    return row

RESOURCE_SQL = "SELECT * FROM resources WHERE run_id=? AND url=?"
BODY_SQL = "SELECT text_z FROM bodies WHERE run_id=? AND url=?"
LINKS_TO_SQL = ("SELECT * FROM links INDEXED BY links_target WHERE run_id=? AND target_url=? "
                "ORDER BY source_url, position")
LINKS_FROM_SQL = ("SELECT * FROM links INDEXED BY links_source WHERE run_id=? AND source_url=? "
                  "ORDER BY position")
LINKS_FROM_TAG_SQL = ("SELECT * FROM links INDEXED BY links_source WHERE run_id=? AND source_url=? AND tag=? "
                      "ORDER BY position")
# a same-page fragment link (skip link, table of contents) does not lead a visitor to the page
REFERRERS_SQL = ("SELECT source_url, text, tag, attr, raw_href FROM links INDEXED BY links_target "
                 "WHERE run_id=? AND target_url=? AND NOT (source_url = target_url AND fragment IS NOT NULL) "
                 "ORDER BY source_url, position")
# other URLs whose fetch ended on this one (without the index: every resource of the run, per URL)
REDIRECTED_HERE_SQL = ("SELECT url FROM resources INDEXED BY resources_final "
                       "WHERE run_id=? AND final_url=? AND url != ? ORDER BY url")
# one in-scope page with its body, as ``pages_with_bodies`` yields it (the live page pass reads by URL)
PAGE_WITH_BODY_SQL = ("SELECT r.*, b.text_z AS _z, r.rowid AS _r, b.rowid AS _b FROM resources r "
                      "JOIN bodies b ON b.run_id=r.run_id AND b.url=r.url "
                      "WHERE r.run_id=? AND r.url=? AND r.in_scope=1 AND r.kind='page'")
# rows written since a mark: a rowid range of each table (``+run_id`` keeps the planner off the
# (run_id, url) index, which would walk every row of the run at each poll of the live page pass)
WRITTEN_BETWEEN_SQL = ("SELECT url FROM resources WHERE rowid > ? AND rowid <= ? AND +run_id=? "
                       "UNION SELECT url FROM bodies WHERE rowid > ? AND rowid <= ? AND +run_id=?")
TITLES_UNDER_PREFIX_SQL = ("SELECT title FROM resources WHERE run_id=? AND url >= ? AND url < ? "
                           "AND substr(url, 1, ?) = ? AND skip_reason IS NULL AND status BETWEEN 200 AND 299 "
                           "ORDER BY url")

# per-page / per-target queries: name -> SQL (their plans are checked by a test)
PER_PAGE_QUERIES = {"resource": RESOURCE_SQL, "body": BODY_SQL, "links_to": LINKS_TO_SQL,
                    "links_from": LINKS_FROM_SQL, "links_from_tag": LINKS_FROM_TAG_SQL,
                    "referrers": REFERRERS_SQL,
                    "redirected_here": REDIRECTED_HERE_SQL, "titles_under_prefix": TITLES_UNDER_PREFIX_SQL,
                    "page_with_body": PAGE_WITH_BODY_SQL,
                    "written_between": WRITTEN_BETWEEN_SQL}  # once per poll of the live page pass


def _prefix_upper_bound(prefix: str) -> str:
    """The smallest string above every string starting with ``prefix`` (binary collation: UTF-8
    keeps code point order), so a prefix match can be an index range."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return prefix + "\U0010ffff"  # the substr() test keeps the answer exact in this corner
    bump = 0xE000 if 0xD800 <= last + 1 <= 0xDFFF else last + 1  # surrogates are not characters
    return prefix[:-1] + chr(bump)


def _resource_filters(kind: str | None, in_scope: bool | None, fetched: bool | None, ok: bool | None,
                      redirected: bool | None, plain_ok: bool | None, has_body: bool | None,
                      truncated: bool | None, skip_reasons: Sequence[str] | None,
                      decode_errors_over: int | None) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if in_scope is not None:
        where.append("in_scope = ?")
        params.append(int(in_scope))
    if fetched is not None:
        where.append("skip_reason IS NULL" if fetched else "skip_reason IS NOT NULL")
    if ok is not None:
        where.append("status BETWEEN 200 AND 299" if ok
                     else "(status IS NULL OR status NOT BETWEEN 200 AND 299)")
    if redirected is not None:
        where.append("redirect_chain != '[]'" if redirected else "redirect_chain = '[]'")
    if plain_ok is not None:
        plain = "status BETWEEN 200 AND 299 AND redirect_chain = '[]' AND kind != 'attachment'"
        where.append(plain if plain_ok else "(status IS NULL OR status NOT BETWEEN 200 AND 299 "
                                            "OR redirect_chain != '[]' OR kind = 'attachment')")
    if has_body is not None:
        where.append(("" if has_body else "NOT ") + "EXISTS (SELECT 1 FROM bodies b "
                     "WHERE b.run_id = resources.run_id AND b.url = resources.url)")
    if truncated is not None:
        where.append("truncated = ?")
        params.append(int(truncated))
    if skip_reasons is not None:
        # "limit:" (ending in a colon) is every reason of that family, "trap:pattern-limit" one reason
        alternatives = []
        for reason in skip_reasons:
            if reason.endswith(":"):
                alternatives.append("substr(skip_reason, 1, ?) = ?")
                params.extend((len(reason), reason))
            else:
                alternatives.append("skip_reason = ?")
                params.append(reason)
        where.append("(" + (" OR ".join(alternatives) or "0") + ")")
    if decode_errors_over is not None:
        where.append("decode_errors > ?")
        params.append(decode_errors_over)
    return where, params


@dataclass(frozen=True, order=True)
class PageWriteMark:
    """How far the ``resources`` and ``bodies`` tables were written (``FactsMixin.page_write_mark``)."""

    resources: int = 0
    bodies: int = 0


class FactsMixin:
    """The ``resources``, ``bodies``, ``links`` and ``notfound_probes`` tables; needs ``self.db`` and
    ``self._wrote``."""

    db: sqlite3.Connection

    # -- writing (the crawler) --------------------------------------------------------------
    def claim_batch(self, run_id: int, batch: str) -> bool:
        """True the first time the writer of a distributed crawl ingests ``batch`` (the id of the
        request whose answer produced the facts) into ``run_id``; False for a copy already
        ingested. Runs in the caller's transaction, so the claim commits with the facts."""
        cur = self.db.execute("INSERT OR IGNORE INTO ingested_batches VALUES (?,?)", (run_id, batch))
        return cur.rowcount == 1

    def put_resource(self, run_id: int, **fields: Any) -> None:
        """Insert or replace the facts about one URL (a later fetch of the same URL wins, but for
        ``depth``: the smaller one is kept, ``MIN_DEPTH_SQL``)."""
        unknown = set(fields) - set(RESOURCE_COLUMNS)
        if unknown:
            raise ValueError(f"unknown resource fields: {sorted(unknown)}")
        row = {k: fields.get(k) for k in RESOURCE_COLUMNS}
        for key, empty in _JSON_RESOURCE_FIELDS.items():
            value = row[key]
            if value is None and empty is not None:
                value = empty
            row[key] = None if value is None else json.dumps(value, ensure_ascii=False)
        row["in_scope"] = int(bool(row["in_scope"]))
        row["truncated"] = int(bool(row["truncated"]))
        row["attempts"] = row["attempts"] or 0
        row["decode_errors"] = row["decode_errors"] or 0
        row["fetched_at"] = row["fetched_at"] or utcnow()
        self.db.execute(_PUT_RESOURCE_SQL, (run_id, *[row[k] for k in _NOT_DEPTH],
                                            row["depth"], row["depth"], run_id, row["url"]))
        self._wrote()  # type: ignore[attr-defined]

    def put_body(self, run_id: int, url: str, text: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO bodies VALUES (?,?,?)",
                        (run_id, url, zlib.compress(text.encode("utf-8"), 6)))
        self._wrote()  # type: ignore[attr-defined]

    def put_links(self, run_id: int, links: Iterable[dict[str, Any]]) -> None:
        rows = [
            (run_id, ln["source_url"], ln["target_url"], ln.get("fragment"), ln["raw_href"],
             ln["scheme"], ln.get("text"), ln["tag"], ln["attr"], ln["position"])
            for ln in links
        ]
        self.db.executemany("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        self._wrote(max(1, len(rows) // 20))  # type: ignore[attr-defined]

    # -- resources --------------------------------------------------------------------------
    @staticmethod
    def _resource_dict(row: sqlite3.Row) -> dict[str, Any]:
        return _decode_json_fields(dict(row))

    def resources(self, run_id: int, *, kind: str | None = None, in_scope: bool | None = None,
                  fetched: bool | None = None, ok: bool | None = None, redirected: bool | None = None,
                  plain_ok: bool | None = None, has_body: bool | None = None, truncated: bool | None = None,
                  skip_reasons: Sequence[str] | None = None,
                  decode_errors_over: int | None = None) -> Iterator[dict[str, Any]]:
        """Resources of a run by URL, streamed; every filter given must hold (None: no filter).

        ``fetched``: no skip reason. ``ok``: a 2xx status. ``redirected``: a redirect chain.
        ``plain_ok``: a 2xx answer, not redirected, not an attachment (what needs no link verdict).
        ``has_body``: a stored body. ``skip_reasons``: one of these skip reasons, an entry ending
        in ":" (``"limit:"``) standing for every reason of that family. ``decode_errors_over``:
        more replacement characters than that.
        """
        where, params = _resource_filters(kind, in_scope, fetched, ok, redirected, plain_ok, has_body,
                                          truncated, skip_reasons, decode_errors_over)
        sql = "SELECT * FROM resources WHERE " + " AND ".join(["run_id=?", *where])
        for row in self.db.execute(sql + " ORDER BY url", (run_id, *params)):
            yield self._resource_dict(row)

    def resource(self, run_id: int, url: str) -> dict[str, Any] | None:
        row = self.db.execute(RESOURCE_SQL, (run_id, url)).fetchone()
        return self._resource_dict(row) if row else None

    def redirected_here(self, run_id: int, url: str) -> list[str]:
        """The other URLs of the run whose fetch ended on ``url`` (its final URL), by URL."""
        return [r[0] for r in self.db.execute(REDIRECTED_HERE_SQL, (run_id, url, url))]

    def body(self, run_id: int, url: str) -> str | None:
        row = self.db.execute(BODY_SQL, (run_id, url)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def pages_with_bodies(self, run_id: int) -> Iterator[tuple[dict[str, Any], str]]:
        """In-scope HTML pages with their decoded text, streamed one at a time (kept bodies of other
        resources, such as a script that writes the footer, are read with ``body``)."""
        sql = ("SELECT r.*, b.text_z AS _z FROM resources r JOIN bodies b "
               "ON b.run_id=r.run_id AND b.url=r.url WHERE r.run_id=? AND r.in_scope=1 AND r.kind='page' "
               "ORDER BY r.url")
        for row in self.db.execute(sql, (run_id,)):
            d = dict(row)
            z = d.pop("_z")
            yield _decode_json_fields(d), zlib.decompress(z).decode("utf-8")

    def page_with_body(self, run_id: int, url: str,
                       written_upto: PageWriteMark | None = None) -> tuple[dict[str, Any], str] | None:
        """One in-scope page of the run with its decoded text, as ``pages_with_bodies`` yields it;
        None when ``url`` is not such a page (yet), or when its row or body was written after
        ``written_upto`` (a ``page_write_mark``: the caller reads it again in a later window)."""
        row = self.db.execute(PAGE_WITH_BODY_SQL, (run_id, url)).fetchone()
        if row is None:
            return None
        d = dict(row)
        resource_rowid, body_rowid = d.pop("_r"), d.pop("_b")
        if written_upto is not None and (resource_rowid > written_upto.resources
                                         or body_rowid > written_upto.bodies):
            return None
        z = d.pop("_z")
        return _decode_json_fields(d), zlib.decompress(z).decode("utf-8")

    def page_write_mark(self) -> PageWriteMark:
        """Where the ``resources`` and ``bodies`` tables stand now (their highest rowids). Every
        row written later, a new one or one replacing a row (``INSERT OR REPLACE`` gives the new
        row a rowid above every existing one), lies above the mark (``urls_written_between``)."""
        row = self.db.execute("SELECT (SELECT COALESCE(MAX(rowid), 0) FROM resources), "
                              "(SELECT COALESCE(MAX(rowid), 0) FROM bodies)").fetchone()
        return PageWriteMark(int(row[0]), int(row[1]))

    def urls_written_between(self, run_id: int, after: PageWriteMark, upto: PageWriteMark) -> Iterator[str]:
        """URLs of the run whose resource row or body row was written after ``after`` and at or
        before ``upto`` (two ``page_write_mark`` results), each once, in no particular order."""
        for row in self.db.execute(WRITTEN_BETWEEN_SQL, (after.resources, upto.resources, run_id,
                                                         after.bodies, upto.bodies, run_id)):
            yield row[0]

    def html_page_urls(self, run_id: int) -> list[str]:
        """URLs of the in-scope 2xx HTML pages whose body was stored (the pages rules read)."""
        return [r[0] for r in self.db.execute(
            "SELECT r.url FROM resources r JOIN bodies b ON b.run_id=r.run_id AND b.url=r.url "
            "WHERE r.run_id=? AND r.in_scope=1 AND r.kind='page' AND r.status BETWEEN 200 AND 299 "
            "ORDER BY r.url", (run_id,))]

    def fetched_page_count(self, run_id: int) -> int:
        """In-scope pages the crawl fetched (not skipped), for the coverage figures."""
        return self.db.execute(
            "SELECT COUNT(*) FROM resources WHERE run_id=? AND in_scope=1 AND kind='page' "
            "AND skip_reason IS NULL", (run_id,)).fetchone()[0]

    def truncated_page_urls(self, run_id: int) -> list[str]:
        """In-scope pages whose body was cut at the size cap, by URL."""
        return [r[0] for r in self.db.execute(
            "SELECT url FROM resources WHERE run_id=? AND in_scope=1 AND truncated=1 AND kind='page' "
            "ORDER BY url", (run_id,))]

    def titles_under_prefix(self, run_id: int, prefix: str) -> list[str | None]:
        """Titles of the fetched 2xx resources whose URL starts with ``prefix`` (query variants),
        by URL."""
        if not prefix:
            return [r[0] for r in self.db.execute(
                "SELECT title FROM resources WHERE run_id=? AND skip_reason IS NULL "
                "AND status BETWEEN 200 AND 299 ORDER BY url", (run_id,))]
        return [r[0] for r in self.db.execute(
            TITLES_UNDER_PREFIX_SQL, (run_id, prefix, _prefix_upper_bound(prefix), len(prefix), prefix))]

    # -- not-found probes -------------------------------------------------------------------
    def put_probe(self, run_id: int, *, prefix: str, url: str, status: int | None = None,
                  final_url: str | None = None, redirect_chain: list[dict[str, Any]] | None = None,
                  title: str | None = None, h1: str | None = None, size: int | None = None,
                  shingles: Iterable[str] = (), error_class: str | None = None,
                  skip_reason: str | None = None) -> None:
        """Record what one surely-missing probe URL answered (see ``crawler.notfound``)."""
        self.db.execute(
            "INSERT OR REPLACE INTO notfound_probes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, prefix, url, status, final_url, json.dumps(redirect_chain or [], ensure_ascii=False),
             title, h1, size, json.dumps(sorted(shingles)), error_class, skip_reason, utcnow()))
        self._wrote()  # type: ignore[attr-defined]

    def probes(self, run_id: int) -> list[dict[str, Any]]:
        """Every probe of the run, by prefix then URL; ``shingles`` as a frozenset."""
        out = []
        for row in self.db.execute("SELECT * FROM notfound_probes WHERE run_id=? ORDER BY prefix, url",
                                   (run_id,)):
            d = dict(row)
            d["redirect_chain"] = json.loads(d["redirect_chain"])
            d["shingles"] = frozenset(json.loads(d["shingles"]))
            out.append(d)
        return out

    # -- links ------------------------------------------------------------------------------
    def links_to(self, run_id: int, target_url: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(LINKS_TO_SQL, (run_id, target_url))]

    def links_from(self, run_id: int, source_url: str, tag: str | None = None) -> list[dict[str, Any]]:
        """The links of one page by position; ``tag``: only those of that element (``script``)."""
        if tag is not None:
            return [dict(r) for r in self.db.execute(LINKS_FROM_TAG_SQL, (run_id, source_url, tag))]
        return [dict(r) for r in self.db.execute(LINKS_FROM_SQL, (run_id, source_url))]

    def referrers(self, run_id: int, target_url: str) -> list[dict[str, Any]]:
        """The pages citing ``target_url`` as finding referrers (``{page, text, tag, attr, href}``),
        by page then position. A same-page fragment link cites nothing: a page is never listed as
        its own referrer (such links still count for ``#fragment`` verdicts)."""
        return [{"page": r[0], "text": r[1] or "", "tag": r[2], "attr": r[3], "href": r[4]}
                for r in self.db.execute(REFERRERS_SQL, (run_id, target_url))]

    def links(self, run_id: int, *, schemes: Sequence[str] | None = None,
              with_fragment: bool | None = None) -> Iterator[dict[str, Any]]:
        """Link occurrences of a run by target, source, position, streamed. ``schemes``: the link's
        (lower-case) scheme is one of these. ``with_fragment``: the href carries a ``#fragment``
        other than an empty one."""
        where: list[str] = []
        params: list[Any] = []
        if schemes is not None:
            where.append(f"scheme IN ({','.join('?' * len(schemes))})" if schemes else "0")
            params.extend(schemes)
        if with_fragment is not None:
            has = "fragment IS NOT NULL AND fragment NOT IN ('', '#')"
            where.append(has if with_fragment else f"NOT ({has})")
        sql = "SELECT * FROM links WHERE " + " AND ".join(["run_id=?", *where])
        for row in self.db.execute(sql + " ORDER BY target_url, source_url, position", (run_id, *params)):
            yield dict(row)

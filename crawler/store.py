"""SQLite store for crawl facts, findings and run history.

One file holds every run. The crawler streams facts into it (pages and other
fetched resources, the links between them, page bodies); checks read the facts
of one run and write findings; reports read findings. Nothing else is shared
between the stages, so each can be re-run on a stored run (``xunjian report``).

Schema (documented here and in docs/store.md; bump SCHEMA_VERSION on change):

``runs``        one row per audit run: site name, profile path, the "today" the
                checks judged against, start/finish time, status (``running``,
                ``complete``, ``incomplete``) with the reason of an incomplete run,
                the owner process (pid, host, start token), stats (JSON) and the run
                manifest (JSON: effective profile and thresholds, rule modules that
                ran / were disabled / crashed, engine versions).
``resources``   one row per distinct canonical URL fetched (or deliberately not
                fetched) in a run: crawled pages, assets, attachments, external
                link targets. Status, final URL, redirect chain, content type,
                charset, size, timing, attempts, error class, skip reason,
                anchors (ids/names) found in HTML, title, content hash.
``bodies``      zlib-compressed decoded text of in-scope HTML pages (and of
                external pages fetched to verify a fragment or a jump link), so
                checks added later can read page content without re-crawling.
``links``       one row per link occurrence: source page, target (canonical, no
                fragment), fragment, raw href, link text, tag, attribute.
``findings``    one row per finding: fingerprint, rule id, severity, page,
                target, messages, evidence (JSON), referrers (JSON).
``a11y_results`` per-page axe-core results (written by the browser stage).
``notfound_probes`` what the site answered to surely-missing URLs requested at the start
                of the crawl (``crawler.notfound``): prefix, probe URL, status, final URL,
                redirect chain, title, H1, size, template shingles, error/skip. Probes are
                not pages of the site: they are never in ``resources`` (no link verdict,
                no page count, no coverage). Added without a version bump: the table is
                created when missing, and older readers never look at it.

``attachment_texts`` text read from attachments after the crawl (``crawler.store_docs``).
``meta``        ``schema_version`` and ``store_id`` (random, made when the file is
                created: report folders carry it so two stores never share one).

Writes are batched (``commit_every``) so memory does not grow with the size of
the portal and a crash loses at most one batch. The file is in WAL mode with a
busy timeout (``BUSY_TIMEOUT_S``) so readers work while a run writes; one run
writes at a time (``crawler.storelock``). A run whose owner process is gone while
it is still ``running`` is reported as ``incomplete`` (``process-died``) by
``run_state`` and persisted so by the next run (``recover_orphans``).

Schema versions and forward migrations (``MIGRATIONS``): v1 -> v2 adds the owner,
reason and manifest columns of ``runs``, the ``store_id``, and turns v1's
``partial`` status into ``incomplete``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.store_docs import SCHEMA_DOCS, AttachmentTextsMixin
from crawler.store_runs import (COMPLETE, INCOMPLETE, INCOMPLETE_REASONS, RUNNING, RunsMixin,  # noqa: F401
                                RunState, utcnow)

SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 30

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    profile_path TEXT,
    today TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    tool_version TEXT,
    stats TEXT NOT NULL DEFAULT '{}',
    owner_pid INTEGER,
    owner_host TEXT,
    owner_token TEXT,
    reason_code TEXT,
    reason_detail TEXT,
    manifest TEXT
);
CREATE TABLE IF NOT EXISTS resources (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    in_scope INTEGER NOT NULL,
    method TEXT,
    status INTEGER,
    final_url TEXT,
    redirect_chain TEXT NOT NULL DEFAULT '[]',
    content_type TEXT,
    charset TEXT,
    size INTEGER,
    truncated INTEGER NOT NULL DEFAULT 0,
    elapsed_ms INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    depth INTEGER,
    title TEXT,
    error TEXT,
    error_class TEXT,
    skip_reason TEXT,
    headers TEXT NOT NULL DEFAULT '{}',
    anchors TEXT,
    content_hash TEXT,
    decode_errors INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS bodies (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    text_z BLOB NOT NULL,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS links (
    run_id INTEGER NOT NULL,
    source_url TEXT NOT NULL,
    target_url TEXT NOT NULL,
    fragment TEXT,
    raw_href TEXT NOT NULL,
    scheme TEXT NOT NULL,
    text TEXT,
    tag TEXT NOT NULL,
    attr TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS links_target ON links (run_id, target_url);
CREATE INDEX IF NOT EXISTS links_source ON links (run_id, source_url);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    page_url TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '{}',
    referrers TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, fingerprint)
);
CREATE INDEX IF NOT EXISTS findings_rule ON findings (run_id, rule_id);
CREATE TABLE IF NOT EXISTS notfound_probes (
    run_id INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER,
    final_url TEXT,
    redirect_chain TEXT NOT NULL DEFAULT '[]',
    title TEXT,
    h1 TEXT,
    size INTEGER,
    shingles TEXT NOT NULL DEFAULT '[]',
    error_class TEXT,
    skip_reason TEXT,
    fetched_at TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS a11y_results (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    engine TEXT,
    cache_key TEXT,
    reused INTEGER NOT NULL DEFAULT 0,
    result_z BLOB,
    error TEXT,
    PRIMARY KEY (run_id, url)
);
"""

RESOURCE_COLUMNS = (
    "url", "kind", "in_scope", "method", "status", "final_url", "redirect_chain", "content_type",
    "charset", "size", "truncated", "elapsed_ms", "attempts", "depth", "title", "error",
    "error_class", "skip_reason", "headers", "anchors", "content_hash", "decode_errors", "fetched_at",
)
_JSON_RESOURCE_FIELDS = {"redirect_chain": [], "headers": {}, "anchors": None}


# v1 -> v2: columns added to ``runs`` (name, type); applied in order by ``_migrate``
_RUNS_V2_COLUMNS = (("owner_pid", "INTEGER"), ("owner_host", "TEXT"), ("owner_token", "TEXT"),
                    ("reason_code", "TEXT"), ("reason_detail", "TEXT"), ("manifest", "TEXT"))


def fingerprint(rule_id: str, page: str = "", target: str = "") -> str:
    """Stable id of a finding across runs: the rule, the page and the target."""
    return hashlib.sha1(f"{rule_id}\n{page}\n{target}".encode()).hexdigest()[:16]


@dataclass
class Finding:
    """One problem found by one rule; what every reporter renders.

    ``page_url`` is where a webmaster goes to fix it (for a broken link, the
    target that fails; the pages citing it are in ``referrers``), ``target`` the
    thing at fault inside that page (a link, a column, a field). ``referrers`` is
    a list of ``{"page", "text", "tag", "attr", "href"}`` dicts.
    """

    rule_id: str
    severity: str
    page_url: str
    message_zh: str
    message_en: str
    target: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    referrers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule_id, self.page_url, self.target)


class Store(RunsMixin, AttachmentTextsMixin):
    """Thin, explicit wrapper around one SQLite file. Not thread-safe: one per thread."""

    def __init__(self, path: str | Path, commit_every: int = 500):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S)
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._check_schema_version()
        self.commit_every = commit_every
        self._pending = 0

    def _check_schema_version(self) -> None:
        has_meta = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone() is not None
        row = (self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
               if has_meta else None)
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path}: store schema v{row[0]} is newer than this xunjian (v{SCHEMA_VERSION}); "
                "upgrade xunjian or use another --db"
            )
        self.db.executescript(SCHEMA + SCHEMA_DOCS)  # CREATE ... IF NOT EXISTS: adds missing tables only
        fresh = row is None
        if fresh or int(row[0]) < SCHEMA_VERSION or not self._store_id_row():
            if not fresh:
                self._migrate(int(row[0]))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                            (str(SCHEMA_VERSION),))
            if not self._store_id_row():
                self.db.execute("INSERT INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex[:8],))
            self.db.commit()

    def _store_id_row(self) -> sqlite3.Row | None:
        return self.db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()

    def _migrate(self, version: int) -> None:
        """Bring a store written by an older schema forward, one version at a time."""
        if version < 2:
            have = {r[1] for r in self.db.execute("PRAGMA table_info(runs)")}
            for name, kind in _RUNS_V2_COLUMNS:
                if name not in have:
                    self.db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
            self.db.execute("UPDATE runs SET status=?, reason_code='legacy-partial', reason_detail=? "
                            "WHERE status='partial'", (INCOMPLETE, "stored as 'partial' by schema v1"))

    @property
    def store_id(self) -> str:
        """A random id made with the file: report folders carry it (two stores never collide)."""
        return str(self._store_id_row()[0])

    # -- write batching -------------------------------------------------------------------
    def _wrote(self, n: int = 1) -> None:
        self._pending += n
        if self._pending >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        self.db.commit()
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self.db.close()

    # -- crawl facts ----------------------------------------------------------------------
    def put_resource(self, run_id: int, **fields: Any) -> None:
        """Insert or replace the facts about one URL (a later fetch of the same URL wins)."""
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
        cols = ", ".join(("run_id",) + RESOURCE_COLUMNS)
        marks = ", ".join("?" * (len(RESOURCE_COLUMNS) + 1))
        self.db.execute(f"INSERT OR REPLACE INTO resources ({cols}) VALUES ({marks})",
                        (run_id, *[row[k] for k in RESOURCE_COLUMNS]))
        self._wrote()

    def put_body(self, run_id: int, url: str, text: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO bodies VALUES (?,?,?)",
                        (run_id, url, zlib.compress(text.encode("utf-8"), 6)))
        self._wrote()

    def put_links(self, run_id: int, links: Iterable[dict[str, Any]]) -> None:
        rows = [
            (run_id, ln["source_url"], ln["target_url"], ln.get("fragment"), ln["raw_href"],
             ln["scheme"], ln.get("text"), ln["tag"], ln["attr"], ln["position"])
            for ln in links
        ]
        self.db.executemany("INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        self._wrote(max(1, len(rows) // 20))

    # -- reading facts --------------------------------------------------------------------
    @staticmethod
    def _resource_dict(row: sqlite3.Row) -> dict[str, Any]:
        d = dict(row)
        for key, empty in _JSON_RESOURCE_FIELDS.items():
            d[key] = json.loads(d[key]) if d[key] is not None else empty
        return d

    def resources(self, run_id: int, where: str = "", params: tuple = ()) -> Iterator[dict[str, Any]]:
        sql = "SELECT * FROM resources WHERE run_id=?" + (f" AND ({where})" if where else "")
        for row in self.db.execute(sql + " ORDER BY url", (run_id, *params)):
            yield self._resource_dict(row)

    def resource(self, run_id: int, url: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM resources WHERE run_id=? AND url=?", (run_id, url)).fetchone()
        return self._resource_dict(row) if row else None

    def body(self, run_id: int, url: str) -> str | None:
        row = self.db.execute("SELECT text_z FROM bodies WHERE run_id=? AND url=?", (run_id, url)).fetchone()
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
            for key, empty in _JSON_RESOURCE_FIELDS.items():
                d[key] = json.loads(d[key]) if d[key] is not None else empty
            yield d, zlib.decompress(z).decode("utf-8")

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
        """Titles of the fetched 2xx resources whose URL starts with ``prefix`` (query variants)."""
        return [r[0] for r in self.db.execute(
            "SELECT title FROM resources WHERE run_id=? AND substr(url, 1, ?) = ? AND skip_reason IS NULL "
            "AND status BETWEEN 200 AND 299", (run_id, len(prefix), prefix))]

    # -- not-found probes -----------------------------------------------------------------
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
        self._wrote()

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

    def links_to(self, run_id: int, target_url: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(
            "SELECT * FROM links WHERE run_id=? AND target_url=? ORDER BY source_url, position",
            (run_id, target_url))]

    def links_from(self, run_id: int, source_url: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(
            "SELECT * FROM links WHERE run_id=? AND source_url=? ORDER BY position", (run_id, source_url))]

    def links(self, run_id: int, where: str = "", params: tuple = ()) -> Iterator[dict[str, Any]]:
        sql = "SELECT * FROM links WHERE run_id=?" + (f" AND ({where})" if where else "")
        for row in self.db.execute(sql + " ORDER BY target_url, source_url, position", (run_id, *params)):
            yield dict(row)

    # -- findings -------------------------------------------------------------------------
    def clear_findings(self, run_id: int, rule_ids: Iterable[str] | None = None) -> None:
        if rule_ids is None:
            self.db.execute("DELETE FROM findings WHERE run_id=?", (run_id,))
        else:
            self.db.executemany("DELETE FROM findings WHERE run_id=? AND rule_id=?",
                                [(run_id, r) for r in rule_ids])
        self.db.commit()

    def put_finding(self, run_id: int, f: Finding) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO findings VALUES (?,?,?,?,?,?,?,?,?,?)",
            (run_id, f.fingerprint, f.rule_id, f.severity, f.page_url, f.target, f.message_zh,
             f.message_en, json.dumps(f.evidence, ensure_ascii=False, default=str),
             json.dumps(f.referrers, ensure_ascii=False, default=str)),
        )
        self._wrote()

    def findings(self, run_id: int, rule_id: str | None = None) -> list[Finding]:
        sql, params = "SELECT * FROM findings WHERE run_id=?", [run_id]
        if rule_id:
            sql += " AND rule_id=?"
            params.append(rule_id)
        out = []
        for r in self.db.execute(sql + " ORDER BY rule_id, page_url, target", params):
            out.append(Finding(
                rule_id=r["rule_id"], severity=r["severity"], page_url=r["page_url"], target=r["target"],
                message_zh=r["message_zh"], message_en=r["message_en"],
                evidence=json.loads(r["evidence"]), referrers=json.loads(r["referrers"]),
            ))
        return out

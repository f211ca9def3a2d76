"""SQLite store for crawl facts, findings and run history.

One file holds every run. The crawler streams facts into it (pages and other
fetched resources, the links between them, page bodies); checks read the facts
of one run and write findings; reports read findings. Nothing else is shared
between the stages, so each can be re-run on a stored run (``xunjian report``).

The package owns every table and every query of the file; nothing outside it writes SQL
(tests/test_store_queries.py checks). ``Store`` is assembled from one mixin per group of tables:

- ``crawler.store.schema``     the DDL, ``SCHEMA_VERSION``, the tables holding per-run rows;
- ``crawler.store.migrations`` version check and forward migrations, run on every open;
- ``crawler.store.runs``       ``runs``: lifecycle, owner, stats, manifest;
- ``crawler.store.facts``      ``resources``, ``bodies``, ``links``, ``notfound_probes``;
- ``crawler.store.findings``   ``findings`` and the ``Finding`` every reporter renders;
- ``crawler.store.history``    ``finding_first_seen`` and run deletion (retention);
- ``crawler.store.a11y``       ``a11y_results`` and the browser stage's reads;
- ``crawler.store.docs``       ``attachment_texts``;
- ``crawler.store.reuse``      ``page_parses`` and what incremental/resumed crawls reuse.
- ``crawler.store.content``    ``external_samples`` (off-site targets' title and text), ``availability``
                               (``xunjian probe`` results, veto V2).

Not part of the file: ``crawler.store.scratch.Scratch``, a private temporary SQLite database where a
checks run keeps its per-page structures (site views, link texts, scanned URLs) instead of memory.

Tables (columns in docs/store.md; bump SCHEMA_VERSION on change):

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

``attachment_texts`` text read from attachments after the crawl (``crawler.doctext``).
``page_parses`` the spider's parse of each crawled page, for incremental and resumed crawls
                (``crawler.store.reuse``).
``external_samples`` title and a capped text sample of off-site link targets (checks/content/hijacked_links.py).
``availability`` results of ``xunjian probe`` (site, URL, time, status, ok), kept between runs (V2).
``finding_first_seen`` the first run and date each finding fingerprint of a site was seen in
                (kept when retention deletes the run; ``crawler.store.history``).
``meta``        ``schema_version`` and ``store_id`` (random, made when the file is
                created: report folders carry it so two stores never share one).

Writes are batched (``commit_every``) so memory does not grow with the size of
the portal and a crash loses at most one batch. The file is in WAL mode with a
busy timeout (``BUSY_TIMEOUT_S``) so readers work while a run writes; one run
writes at a time (``crawler.storelock``). A run whose owner process is gone while
it is still ``running`` is reported as ``incomplete`` (``process-died``) by
``run_state`` and persisted so by the next run (``recover_orphans``).

Schema versions and forward migrations: ``crawler.store.migrations``.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from crawler.store.a11y import PER_PAGE_QUERIES as _A11Y_PER_PAGE
from crawler.store.a11y import A11yMixin
from crawler.store.content import ContentFactsMixin
from crawler.store.docs import NOT_READ, READ, UNREADABLE, AttachmentTextsMixin  # noqa: F401
from crawler.store.docs import PER_PAGE_QUERIES as _DOCS_PER_PAGE
from crawler.store.facts import PER_PAGE_QUERIES as _FACTS_PER_PAGE
from crawler.store.facts import FactsMixin, PageWriteMark  # noqa: F401
from crawler.store.findings import Finding, FindingsMixin, fingerprint  # noqa: F401
from crawler.store.history import HistoryMixin
from crawler.store.migrations import open_schema, store_id_row
from crawler.store.reuse import PER_PAGE_QUERIES as _REUSE_PER_PAGE
from crawler.store.reuse import ReuseMixin
from crawler.store.runs import (COMPLETE, INCOMPLETE, INCOMPLETE_REASONS, RUNNING, RunsMixin,  # noqa: F401
                                RunState, utcnow)
from crawler.store.schema import RESOURCE_COLUMNS, RUN_TABLES, SCHEMA_VERSION  # noqa: F401
from crawler.store.screens import PER_PAGE_QUERIES as _SCREENS_PER_PAGE
from crawler.store.screens import ScreenshotsMixin

BUSY_TIMEOUT_S = 30

# what a read or write the store could not do raises (disk full, locked past the busy timeout,
# a corrupt file): callers catch this, never the driver's own exceptions
StoreError = sqlite3.Error


def write_failure(path: str | Path, exc: StoreError) -> str:
    """One line naming why a write to the store at ``path`` failed and what to do: a full disk and an
    unwritable file are said in plain words (SQLite's primary result codes), anything else as is."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return (f"store: no space left on device writing {path} ({exc}); free space on that disk or use --db "
                f"on another one, then run again (the facts committed so far are kept)")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PERM):
        return (f"store: cannot write {path} ({exc}); make the file and its folder writable, or check the "
                f"disk, then run again")
    return f"store: writing {path} failed: {exc}"

# every query the store runs once per page or per link target: name -> SQL. Each must be answered
# from an index on the page's own key (tests/test_store_queries.py checks their query plans).
PER_PAGE_QUERIES = {**_FACTS_PER_PAGE, **_A11Y_PER_PAGE, **_REUSE_PER_PAGE, **_SCREENS_PER_PAGE,
                    **_DOCS_PER_PAGE}


class Store(RunsMixin, FactsMixin, FindingsMixin, HistoryMixin, A11yMixin, AttachmentTextsMixin,
            ReuseMixin, ScreenshotsMixin, ContentFactsMixin):
    """Thin, explicit wrapper around one SQLite file. Not thread-safe: one per thread."""

    def __init__(self, path: str | Path, commit_every: int = 500):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S)
        self.db.row_factory = sqlite3.Row
        self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        open_schema(self.db, self.path)
        self.commit_every = commit_every
        self._pending = 0
        self._whole = 0  # depth of open ``whole()`` blocks: no commit_every commit inside them
        self._completing: set[int] = set()  # runs this connection reads as complete (RunsMixin.completing)

    @property
    def store_id(self) -> str:
        """A random id made with the file: report folders carry it (two stores never collide)."""
        return str(store_id_row(self.db)[0])

    # -- write batching -------------------------------------------------------------------
    def _wrote(self, n: int = 1) -> None:
        self._pending += n
        if self._pending >= self.commit_every and not self._whole:
            self.commit()

    @contextmanager
    def whole(self) -> Iterator[None]:
        """Writes committed together or not at all (a page's facts: a commit between its parse and
        its links would let a kill -9 leave a replayable page without its links): ``commit_every``
        waits for the end of the block."""
        self._whole += 1
        try:
            yield
        finally:
            self._whole -= 1
        if not self._whole and self._pending >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        self.db.commit()
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self.db.close()

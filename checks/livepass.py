"""The live page pass: the page pass of the scans that may run while the crawl is still running.

In a single-process ``xunjian run`` the crawl runs in a child process and this process only
waits for it; the second core is idle. ``LivePagePass`` uses it: a thread of this process polls
the store (every ``poll_s``, 0.5 s) for the pages the crawl committed since its last look and
hands each one to the ``scan`` hooks of the modules that declare ``SCAN_DURING_CRAWL = True`` (or
whose ``scan_during_crawl(ctx, browser_stage)`` says so for this run) and to the site-facts view builder (``checks._columns.view_builder``), exactly as the page pass does
(``checks.pagepass``). After the crawl, ``settle`` scans what is left (in the checks run's thread,
from the same mark) and the registry merges the results; the modules not opted in scan after the crawl,
as before. The findings are those of the sequential pass: a scan sees the page's final row,
per-page findings are handed over in URL order, and what opted-in modules collect in
``ctx.memo`` does not depend on the order pages come in (see docs/adding-a-rule.md).

How the pass knows what changed: ``Store.page_write_mark`` is the highest rowid of the
``resources`` and ``bodies`` tables; every write after it, a new row or one replacing a row
(``INSERT OR REPLACE``: redirect aliases, copied rows of an incremental run, a re-fetch), lies
above it, so ``Store.urls_written_between(mark, now)`` names every page to (re)read. A page whose
row or body lies above the window being read is left for the next window. A URL written again
after it was scanned (its row rewritten: the scan saw a state that is not the final one) makes
the live results unusable: they are dropped and the registry runs the sequential pass for every
module, so a rewrite costs time, never correctness. A scan that raises crashes its module, as in
the page pass; a failure of the live pass itself (a store read) is logged and the sequential
pass runs instead.

Memory: a window of URLs at a time and the per-page findings, which the sequential page pass holds
as well; the scanned URLs wait in a scratch file (``crawler.store.scratch``), the site views too
(``checks._viewstore``); no page body or tree outlives its scan. The thread runs in Linux's idle scheduling class (``SCHED_IDLE``): it
takes a core only when nothing else (the crawl child, its web server, other jobs) wants it.

Setting: ``checks.live_page_pass`` in the site profile (default true; false: every scan after
the crawl). Not used for a distributed crawl (``--redis``, ``--workers``: this process is the
Redis writer and busy).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import date
from types import ModuleType
from typing import Any

from checks._columns import view_builder
from checks.base import CheckContext
from checks.pagepass import Page, PassResult
from crawler.store import Finding, PageWriteMark, Store, StoreError
from crawler.store.scratch import Scratch

log = logging.getLogger(__name__)

POLL_S = 0.5          # how often the thread looks for newly committed pages
WINDOW_ROWS = 400     # rows of each table read per window (the URLs of a window are held at once)
LIVE_NICE = 19        # the thread's niceness where the idle scheduling class is not available
SCANNED = "scanned"   # the scratch URL set of the pages scanned


def scans_during_crawl(mod: ModuleType, ctx: CheckContext, browser_stage: bool) -> bool:
    """Does the check module declare its ``scan`` safe to run while the crawl is running? Either
    always (``SCAN_DURING_CRAWL = True``) or, through ``scan_during_crawl(ctx, browser_stage)``, for
    this run's settings (``browser_stage``: whether the browser stage will audit pages of the run)."""
    if not callable(getattr(mod, "scan", None)):
        return False
    if getattr(mod, "SCAN_DURING_CRAWL", False) is True:
        return True
    decide = getattr(mod, "scan_during_crawl", None)
    return callable(decide) and decide(ctx, browser_stage) is True


def start_live_pass(store: Store, run_id: int, site: Any, thresholds: dict[str, Any], today: date,
                    browser_stage: bool = True) -> "LivePagePass | None":
    """A live pass of the profile's opted-in modules (``checks.disable`` honoured), polling the store
    of ``store`` from now on; None when the profile turns it off (``checks.live_page_pass: false``).
    ``browser_stage``: the browser stage will audit pages of this run (``scan_during_crawl``)."""
    if not (site.get("checks") or {}).get("live_page_pass", True):
        return None
    from checks.registry import check_modules, disabled_modules, module_name  # the registry imports this
    disabled = disabled_modules(site)
    ctx = CheckContext(store=None, run_id=run_id, site=site, thresholds=thresholds,  # type: ignore[arg-type]
                       today=today)
    modules = {module_name(mod): mod for mod in check_modules()
               if module_name(mod) not in disabled and scans_during_crawl(mod, ctx, browser_stage)}
    live = LivePagePass(str(store.path), run_id, site, thresholds, today, modules)
    live.start(store)
    return live


def _yield_to_others() -> None:
    """Let the calling thread run only on a core nothing else wants (Linux ``SCHED_IDLE``, per
    thread; else the lowest niceness): the crawl child, and anything else on a loaded machine,
    never waits for the live pass, which then only gets less done before the crawl ends."""
    tid = threading.get_native_id()
    try:
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
        return
    except (AttributeError, OSError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, tid, LIVE_NICE)
    except (AttributeError, OSError):  # not allowed: run at normal priority
        pass


class LivePagePass:
    """Scans committed pages while the crawl runs (``start`` / ``stop``), then ``settle``s."""

    def __init__(self, db_path: str, run_id: int, site: Any, thresholds: dict[str, Any], today: date,
                 modules: dict[str, ModuleType], poll_s: float = POLL_S):
        self.db_path = db_path
        self.run_id = run_id
        self.poll_s = poll_s
        # its own context: what the scans collect stays here until the registry takes it
        self.ctx = CheckContext(store=None, run_id=run_id, site=site,  # type: ignore[arg-type]
                                thresholds=thresholds, today=today)  # its store: the one of the reading thread
        self.live = dict(modules)  # name -> module still scanning (a module whose scan raised leaves)
        self.modules = dict(modules)
        self.build: Callable[[Any, Any], None] = view_builder(self.ctx)
        self.findings: dict[str, list[tuple[str, list[Finding]]]] = {}  # url -> [(module, findings)]
        self.errors: dict[str, Exception] = {}
        self.scanned = Scratch()  # URL set SCANNED: every page scanned so far (on disk: one entry a page)
        self.pages = 0
        self.live_pages = 0  # pages scanned while the crawl ran (the rest by ``settle``)
        self.unusable: str | None = None  # why the live results cannot be used
        self.mark = PageWriteMark()
        self._stop = threading.Event()
        self._window_done: dict[str, PageWriteMark] = {}  # pages of the unfinished window -> its end
        self._thread: threading.Thread | None = None

    # -- while the crawl runs ----------------------------------------------------------------
    def start(self, store: Store, thread: bool = True) -> None:
        """Take the mark (no row of this run exists yet) and start polling in a thread (without
        ``thread``, the caller ``poll``s)."""
        self.mark = store.page_write_mark()
        if thread:
            self._thread = threading.Thread(target=self._run, name="xunjian-live-page-pass", daemon=True)
            self._thread.start()

    def poll(self, store: Store) -> None:
        """Scan what was committed since the last look (what the thread does every ``poll_s``)."""
        self.ctx.store = store
        try:
            while not self._stop.is_set() and self.unusable is None and self._window(store):
                pass
        finally:
            self.ctx.store = None  # type: ignore[assignment]

    def stop(self) -> None:
        """Stop polling (after the page being scanned) and wait for the thread; idempotent."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        _yield_to_others()
        store: Store | None = None
        try:
            store = Store(self.db_path)
            while not self._stop.is_set() and self.unusable is None:
                self.poll(store)
                self.live_pages = self.pages
                self._stop.wait(self.poll_s)
        except Exception as exc:  # noqa: BLE001 - the sequential pass runs instead: nothing is lost
            log.exception("live page pass failed; the checks scan every page after the crawl")
            self.unusable = f"the live page pass failed: {exc.__class__.__name__}: {exc}"
        finally:
            if store is not None:
                try:
                    store.close()
                except StoreError:
                    pass

    # -- one window of written rows ----------------------------------------------------------
    def _window(self, store: Store) -> bool:
        """Scan the pages written in the next window; False when nothing new was written."""
        now = store.page_write_mark()
        upto = PageWriteMark(min(now.resources, self.mark.resources + WINDOW_ROWS),
                             min(now.bodies, self.mark.bodies + WINDOW_ROWS))
        if upto == self.mark:
            return False
        urls = list(store.urls_written_between(self.run_id, self.mark, upto))
        scanned_before = self.scanned.in_url_set_many(SCANNED, urls)  # one look-up for the window
        for url in urls:
            if self._stop.is_set():
                return False  # ``stop`` waits for one page at most; ``settle`` goes on with this window
            if url in self._window_done:  # scanned before this window was cut short by ``stop``
                if store.page_with_body(self.run_id, url, written_upto=self._window_done[url]) is None:
                    self.unusable = f"page {url} was written again after it was scanned"
                    return False
                continue
            if url in scanned_before:  # rewritten after its scan: the scan saw a state that is not final
                self.unusable = f"page {url} was written again after it was scanned"
                return False
            found = store.page_with_body(self.run_id, url, written_upto=upto)
            if found is None:
                continue  # not a page with a body, or its final write lies in a later window
            self._scan(Page(*found))
            self._window_done[url] = upto
        self.scanned.add_to_url_set(SCANNED, self._window_done)
        self.mark = upto
        self._window_done.clear()
        return True

    def _scan(self, page: Page) -> None:
        url = page.url
        self.pages += 1
        mine: list[tuple[str, list[Finding]]] = []
        for name, mod in list(self.live.items()):
            try:
                found = mod.scan(self.ctx, page)
                if found is not None:
                    found = list(found)
                    if found:
                        mine.append((name, found))
            except StoreError:
                raise
            except Exception as exc:  # noqa: BLE001 - contained like a crash in run (checks.registry)
                log.exception("check module %s failed while scanning %s", name, page.url)
                self.errors[name] = exc
                del self.live[name]
                for entries in self.findings.values():
                    entries[:] = [(n, f) for n, f in entries if n != name]
                mine = [(n, f) for n, f in mine if n != name]
        if mine:
            self.findings[url] = mine
        self.build(self.ctx, page)

    # -- after the crawl -------------------------------------------------------------------------
    def settle(self, ctx: CheckContext) -> bool:
        """Scan the pages the thread did not reach (in this thread, on ``ctx.store``); True when the
        live results can be used, False when the registry must run the sequential pass."""
        self.stop()
        if self.unusable is None:
            self._stop.clear()
            self.poll(ctx.store)
            self._stop.set()
        if self.unusable is not None:
            log.warning("live page pass not used (%s); every page is scanned after the crawl", self.unusable)
            return False
        return True

    def take(self, ctx: CheckContext, names: set[str], result: PassResult) -> None:
        """Hand the live results of the modules ``names`` to ``result`` and ``ctx`` as the page pass
        would have: findings in URL order, scan errors, collected memos and the site-facts views."""
        for key, value in self.ctx.memos.items():
            ctx.memos.setdefault(key, value)
        for rule_id, urls in self.ctx.considered.items():
            ctx.considered.setdefault(rule_id, set()).update(urls)
        for rule_id, urls in self.ctx.considered_but.items():
            ctx.considered_but.setdefault(rule_id, set()).update(urls)
        for name in names:
            if name in self.errors:
                result.errors[name] = self.errors[name]
                result.findings[name] = []
            else:
                result.findings.setdefault(name, [])
        for url in sorted(self.findings):
            for name, found in self.findings[url]:
                if name in names and name not in self.errors:
                    result.findings[name].extend(found)
        self.findings.clear()
        self.scanned.close()  # nothing polls any more
        result.pages = max(result.pages, self.pages)
        self.build(ctx, None)  # the views are complete: the site facts of ``ctx`` use them

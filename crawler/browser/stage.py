"""The browser stage: choose pages, reuse what has not changed, scan the rest, store results.

``run_a11y(store_path, run_id, site)`` reads the run's in-scope 2xx pages and
their bodies from the store, chooses the pages (``crawler.browser.sampling``:
every page with ``a11y.scope: all``, a per-template sample with ``sample``),
looks up each page's cache key in earlier runs of the same site
(``a11y.incremental``), scans the remaining pages with the browser pool
(``a11y.browsers`` local Chromium, or ``a11y.remote_url``), and writes one
``a11y_results`` row per page: ``scanned``, ``reused`` or ``failed`` (with the
reason). A reused page also gets its stored screenshots back (``a11y.screenshots``),
so an incremental run reports what a full rescan would. Coverage figures go into
the run's stats under ``a11y``.

Cache key = page content hash + hash/size/status of its stylesheets and scripts (as
crawled) + the broken targets it links to (they are outlined in its screenshot) +
engine version and locale + axe options + probe script + probe settings: any change to
one of them rescans the page, and so does a stored result older than
``a11y.cache_max_age_days``. With ``scope: all`` the first night scans every page and
later nights only new or changed ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import signal
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from config.a11y import a11y_settings
from crawler.browser.engine import axe_options, load_engine
from crawler.browser.pool import BrowserPool
from crawler.browser.sampling import Candidate, choose, column_urls, find_homepage, parse, skeleton
from crawler.browser.scanner import PROBE_JS, Outcome, scan_with_retry
from crawler.browser.screens import ShotPlan, decode
from crawler.store import Store, utcnow

log = logging.getLogger(__name__)

def _say(message: str) -> None:
    print(f"[xunjian] 无障碍 a11y: {message}", file=sys.stderr, flush=True)


def rules_fingerprint(engine: Any, settings: dict[str, Any]) -> str:
    relevant = {
        "engine": engine.fingerprint(), "axe": axe_options(settings),
        "probe": hashlib.sha256(PROBE_JS.encode()).hexdigest(),
        "probe_settings": {k: settings[k] for k in ("window", "settle_ms", "keyboard_tabs", "nav_selectors")},
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def _page_key(store: Store, run_id: int, cand: Candidate, rules_key: str, broken_targets: list[str]) -> str:
    h = hashlib.sha256(f"{cand.content_hash}\n{rules_key}\n".encode())
    # stylesheets/scripts are often only HEAD-checked by the crawl: size stands in for a hash
    for target, content_hash, status, size in store.page_assets(run_id, cand.url):
        h.update(f"{target} {content_hash} {status} {size}\n".encode())
    # a link that broke (or was mended) changes the page's broken-link screenshot, not its axe result
    for target in broken_targets:
        h.update(f"broken {target}\n".encode())
    return h.hexdigest()[:24]


def _candidates(store: Store, run_id: int, site: Any, settings: dict[str, Any]) -> list[Candidate]:
    """Every scannable page with its template; bodies are streamed, never all held at once."""
    rows = store.scannable_pages(run_id)
    home_url = find_homepage(rows, site)
    templates: dict[str, str] = {}
    home_doc = None
    for url, html in store.scannable_bodies(run_id):
        doc = parse(html)
        templates[url] = skeleton(doc, settings["template_depth"])
        if url == home_url:
            home_doc = doc
        if not rows[url].get("content_hash"):
            rows[url]["content_hash"] = hashlib.sha256(html.encode()).hexdigest()
    columns = set(column_urls(site, rows, home_url, home_doc, settings["nav_selectors"]))
    out = []
    for url, row in rows.items():
        roles = ({"home"} if url == home_url else set()) | ({"column"} if url in columns else set())
        out.append(Candidate(url=url, content_hash=row["content_hash"], template=templates[url], roles=roles))
    return out


def _put(store: Store, run_id: int, url: str, status: str, engine: str, key: str, reused: bool,
         data: dict[str, Any] | None, error: str) -> None:
    store.put_a11y_result(run_id, url, status=status, engine=engine, cache_key=key, reused=reused, data=data,
                          error=error)


def _scan_all(jobs: list[tuple[Candidate, str]], engine: Any, settings: dict[str, Any], progress: bool,
              on_outcome: Any) -> None:
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)
    done: queue.Queue = queue.Queue()
    stopping = threading.Event()
    pool = BrowserPool(settings, preload=engine.preload_source())

    def worker(browser: Any) -> None:
        while not stopping.is_set():
            try:
                cand, key = todo.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = scan_with_retry(browser, cand.url, engine, settings, stopping)
            except BaseException as exc:  # noqa: BLE001 - never lose a page silently
                outcome = Outcome(url=cand.url, ok=False, error=f"{exc.__class__.__name__}: {exc}")
            done.put((cand, key, outcome))

    threads = [threading.Thread(target=worker, args=(b,), name=f"xunjian-a11y-{b.index}", daemon=True)
               for b in pool.browsers[: max(1, min(len(pool.browsers), len(jobs)))]]
    graceful = True
    try:
        # preflight: a browser that cannot start at all (missing binary, dead remote endpoint) is
        # one clear error for the whole stage, not a "failed" row per page
        pool.browsers[0].start()
        for t in threads:
            t.start()
        finished = 0
        while finished < len(jobs):
            try:
                cand, key, outcome = done.get(timeout=0.5)
            except queue.Empty:
                if not any(t.is_alive() for t in threads) and done.empty():
                    break
                continue
            finished += 1
            on_outcome(cand, key, outcome)
            if progress and (finished % 10 == 0 or finished == len(jobs)):
                _say(f"已检测 scanned {finished}/{len(jobs)}")
    except BaseException:
        graceful = False  # Ctrl-C / SIGTERM / error: kill the browsers now, do not wait for them
        raise
    finally:
        stopping.set()
        pool.close(graceful)
        for t in threads:
            if t.ident is not None:
                t.join(timeout=5)


def run_a11y(store_path: str, run_id: int, site: Any, *, progress: bool = True,
             reuse: bool = True) -> dict[str, Any]:
    """Scan the run's chosen pages; store per-page results; return (and store) coverage stats.
    ``reuse=False`` (``xunjian run --full``) rescans every chosen page whatever the cache says."""
    settings = a11y_settings(site)
    if not settings["enabled"]:
        return {"enabled": False, "pages_scanned": 0}
    engine = load_engine(settings["locale"])  # EngineMissing: one line naming the set-up step
    started = time.monotonic()
    store = Store(store_path)
    restore_sigterm = _sigterm_as_exit()
    try:
        candidates = _candidates(store, run_id, site, settings)
        chosen, coverage = choose(candidates, settings)
        rules_key = rules_fingerprint(engine, settings)
        by_template: dict[str, int] = {}
        for cand in candidates:
            by_template[cand.template] = by_template.get(cand.template, 0) + 1
        store.clear_a11y_results(run_id)
        citers = store.broken_link_citers(run_id)
        plan = ShotPlan(settings["screenshots_max"], citers) if settings["screenshots"] else None
        counts = {"scanned": 0, "reused": 0, "failed": 0, "retried": 0}
        audited_templates: set[str] = set()

        def meta(cand: Candidate) -> dict[str, Any]:
            return {"template": cand.template, "roles": sorted(cand.roles),
                    "represents": by_template.get(cand.template, 1)}

        # a result older than cache_max_age_days is rescanned even if nothing we can see changed
        # (a stylesheet edited in place keeps its size now and then)
        max_age = settings["cache_max_age_days"]
        oldest = (datetime.now(timezone.utc) - timedelta(days=max_age)).isoformat(timespec="seconds") \
            if max_age else ""
        jobs: list[tuple[Candidate, str]] = []
        for cand in chosen:
            key = _page_key(store, run_id, cand, rules_key, citers.get(cand.url, []))
            found = store.reusable_a11y_result(site.name, run_id, cand.url, key) \
                if settings["incremental"] and reuse else None
            if found is None or found[0].get("scanned_at", "") < oldest:
                jobs.append((cand, key))
                continue
            data, reused_from = found
            data.update(meta(cand), reused_from_run=reused_from)
            _put(store, run_id, cand.url, "reused", engine.label, key, True, data, "")
            if plan is not None:
                plan.carry(store, reused_from, run_id, cand.url)
            counts["reused"] += 1
            audited_templates.add(cand.template)
        if progress:
            _say(f"选取 chosen {len(chosen)}/{len(candidates)} 页 pages, 模板 templates "
                 f"{coverage['templates_found']}, 复用 reused {counts['reused']}, 待检测 to scan {len(jobs)} "
                 f"({engine.label})")

        def on_outcome(cand: Candidate, key: str, outcome: Outcome) -> None:
            note = "; ".join(outcome.notes)
            if outcome.ok:
                shot = (outcome.data or {}).pop("screenshot", None)
                if shot:  # stored once by its hash; the result keeps no image
                    store.put_screenshot(run_id, cand.url, shot["reasons"], shot["mime"], decode(shot),
                                         shot["width"], shot["height"])
                data = {**(outcome.data or {}), **meta(cand), "attempts": outcome.attempts, "scanned_at": utcnow()}
                _put(store, run_id, cand.url, "scanned", engine.label, key, False, data, note)
                counts["scanned"] += 1
                counts["retried"] += int(outcome.attempts > 1)
                audited_templates.add(cand.template)
            else:
                data = {**meta(cand), "attempts": outcome.attempts, "notes": outcome.notes}
                _put(store, run_id, cand.url, "failed", engine.label, key, False, data, outcome.error)
                counts["failed"] += 1

        if jobs:
            _scan_all(jobs, engine, {**settings, "screenshot_plan": plan}, progress, on_outcome)
        stats = {
            "engine": engine.label, "locale": engine.locale_name,
            "browsers": settings["browsers"],
            "pages_too_large": len(store.truncated_page_urls(run_id)),
            "remote": bool(settings["remote_url"]),
            **coverage,
            "pages_scanned": counts["scanned"], "pages_reused": counts["reused"],
            "pages_audited": counts["scanned"] + counts["reused"],
            "pages_failed": counts["failed"], "pages_retried": counts["retried"],
            "pages_not_scanned": len(chosen) - counts["scanned"] - counts["reused"],
            "pages_represented": sum(by_template[t] for t in audited_templates),
            "scope": settings["scope"],
            "per_template": "all" if settings["scope"] == "all" else settings["per_template"],
            "elapsed_s": round(time.monotonic() - started, 2),
        }
        if plan is not None:
            sampled = {cand.url for cand, _key in jobs}
            stats["screenshots"] = {"taken": plan.taken, "over_limit": plan.skipped,
                                    "broken_link_pages_not_scanned": len(set(plan.citers) - sampled)}
        store.update_run_stats(run_id, {"a11y": stats})
        if progress:
            _say(f"检测 scanned {stats['pages_scanned']}, 复用 reused {stats['pages_reused']}, "
                 f"失败 failed {stats['pages_failed']}; 代表 represented {stats['pages_represented']}/"
                 f"{stats['pages_total']} 页 pages, 模板 templates {stats['templates_sampled']}/"
                 f"{stats['templates_found']}")
        return stats
    finally:
        restore_sigterm()
        store.close()


def _sigterm_as_exit() -> Any:
    """While the stage runs, SIGTERM unwinds like Ctrl-C so the pool kills its browsers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)

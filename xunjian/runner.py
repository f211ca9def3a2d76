"""One audit run, end to end: preflight -> lock -> crawl -> browser stage -> checks -> reports -> verdict.

``audit()`` is what ``xunjian run`` and ``xunjian demo`` call. Each stage reads
what the previous one stored in the SQLite file, so a stage that fails leaves
the facts gathered so far in place, and ``xunjian report <run>`` can re-render
any stored run.

Run states (docs/operations.md): a run is ``complete`` only when every stage
finished (crawl finished normally, browser stage finished or was disabled by the
profile, every check module ran, reports written); otherwise it is stored
``incomplete`` with a reason code and the exit code is 2, never 0 or 1. A crawl
that did not finish is never checked: the run is stored incomplete, no checks
run, and the report written says so. Before anything is crawled the outputs are
checked (``xunjian.preflight``) and the store is locked (``crawler.storelock``;
``wait=False`` refuses instead of waiting). Room to record the run's end on a full disk is kept
beside the store (``crawler.storereserve``).

Governed by the site profile (``config/sites/*.yaml``), ``config/rules.yaml``
(thresholds, veto items, gate assertions) and the CLI options: ``--db``,
``--out``, ``--today``, ``--lang``, ``--fail-on``, ``--gate``, ``--baseline``, ``--no-wait``, ``--full``
(a cold crawl; by default the crawl reuses what earlier runs stored: ``crawler.spiders.reuse``),
``--redis`` / ``--workers N`` (a cold crawl by N worker processes: crawler/redis_writer.py,
``xunjian.localworkers``).
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

import xunjian
from checks import manifest as manifest_mod
from checks.base import SEVERITIES, CheckContext
from checks.registry import run_checks
from config import SiteProfile, deep_merge, load_site, load_thresholds
from crawler.store import COMPLETE, INCOMPLETE, RUNNING, Store, StoreError
from crawler.storelock import StoreLock
from crawler.storereserve import ensure_reserve, release_reserve
from xunjian import preflight

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
DEFAULT_DB = "xunjian-runs/xunjian.sqlite"


@dataclass
class AuditResult:
    run_id: int | None = None
    report_dir: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    exit_code: int = EXIT_OK
    counts: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    incomplete: tuple[str, str] | None = None  # (reason code, detail) when the run is incomplete


def say(message: str) -> None:
    print(f"[xunjian] {message}", file=sys.stderr, flush=True)


def _judge(store: Store, run_id: int, plan: "_Plan", result: AuditResult) -> None:
    """The exit code of a complete run (the gate, or --fail-on), recorded in the run manifest
    (``exit``) before the reports are written so that every format explains it."""
    from xunjian import gate as gate_mod
    if plan.gate or plan.baseline:
        verdict = gate_mod.evaluate(store, run_id, plan.thresholds.get("gate") or {}, plan.baseline,
                                    plan.today)
        record = gate_mod.exit_record(verdict, "gate", baseline=str(plan.baseline or ""))
        result.messages.extend(verdict.failures)
    else:
        verdict = gate_mod.fail_on_result(store.findings(run_id), plan.fail_on)
        record = gate_mod.exit_record(verdict, "fail-on", fail_on=plan.fail_on or "none")
        outcome = verdict.outcomes[0] if verdict.outcomes else None
        if outcome is not None:
            result.messages.append(f"--fail-on {plan.fail_on}: {outcome.detail}")
    result.exit_code = verdict.exit_code
    store.put_manifest(run_id, {**(store.manifest(run_id) or {}), "exit": record})


def _run_browser_stage(db_path: str, run_id: int, site: SiteProfile,
                       progress: bool, full: bool = False) -> tuple[str, dict[str, Any]]:
    """Run the accessibility stage: (stage state for the manifest, its stats); ``full`` (--full)
    rescans every chosen page instead of reusing unchanged pages' results."""
    a11y = site.get("a11y") or {}
    if a11y.get("enabled") is False:
        say("accessibility audit: disabled by the profile (a11y.enabled: false)")
        return "disabled", {}
    from crawler.browser import run_a11y
    started = time.monotonic()
    stats = run_a11y(db_path, run_id, site, progress=progress, reuse=not full) or {}
    say(f"accessibility audit ({stats.get('scope', '?')}): {stats.get('pages_scanned', 0)} pages scanned, "
        f"{stats.get('pages_reused', 0)} unchanged pages carried over, in {time.monotonic() - started:.1f}s")
    return "finished", stats


def _read_attachments(store: Store, run_id: int, site: SiteProfile, thresholds: dict[str, Any]) -> None:
    """The attachment stage (crawler.doctext): a failure is recorded and the rules that read
    attachments say so (checks/content/privacy.py reads the stats), the rest of the run goes on."""
    from crawler.doctext import DocSettings, read_attachments
    user_agent = str((site.get("politeness") or {}).get("user_agent") or "xunjian")
    try:
        counts = read_attachments(store, run_id, user_agent, DocSettings.from_thresholds(thresholds))
    except Exception as exc:  # noqa: BLE001 - page rules still count; the gap is reported
        log.exception("attachment stage failed")
        store.update_run_stats(run_id, {"attachments_error": f"{exc.__class__.__name__}: {exc}"})
        return
    store.update_run_stats(run_id, {"attachments": counts})
    if any(counts.values()):
        say("attachments: " + ", ".join(f"{n} {status}" for status, n in counts.items() if n))


def _say_reuse(stats: dict[str, Any]) -> None:
    """One line on what the crawl reused from earlier runs (crawler.spiders.reuse)."""
    reuse = stats.get("incremental")
    if not reuse:
        return
    if reuse.get("resumed_from"):
        say(f"crawl resumed run {reuse['resumed_from']}: {reuse.get('replayed', 0)} stored answers replayed")
    if reuse.get("baseline_run"):
        say(f"incremental crawl (baseline run {reuse['baseline_run']}): {reuse.get('not_modified', 0)} not "
            f"modified, {reuse.get('same_body', 0)} unchanged bodies, {reuse.get('external_reused', 0)} "
            f"external verdicts reused, {reuse.get('pages_gone', 0)} pages gone; --full for a cold crawl")


def _crawl_failure(rc: int) -> tuple[str, str]:
    """(reason code, detail) of a crawl child that did not finish normally."""
    from crawler.run import EXIT_FRONTIER, EXIT_INTERRUPTED, EXIT_STORE, EXIT_WRITER_KILLED
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        return "crawl-killed", f"the crawl process was killed ({name}); the crawl did not finish"
    if rc == EXIT_INTERRUPTED:
        return "crawl-interrupted", "the crawl was interrupted (SIGINT) before it finished"
    if rc == EXIT_WRITER_KILLED:  # what it committed holds whole pages: resumed like a killed crawl
        return "crawl-killed", "the crawl's store writer process was killed; the crawl did not finish"
    if rc == EXIT_STORE:
        return "store-error", "the crawl could not write to the store (see the error above)"
    if rc == EXIT_FRONTIER:
        return "frontier-error", ("the crawl could not write its waiting requests to disk (see the error "
                                  "above); the pages stored so far are resumed by the next run")
    return "crawl-failed", f"the crawl exited with code {rc} before it finished"


@dataclass
class _Plan:
    """What one audit was asked to do (the options of ``audit``, resolved)."""

    site: SiteProfile
    site_path: str | Path
    thresholds: dict[str, Any]
    today: date
    out_root: Path
    overrides: dict[str, Any] | None
    lang: str | None
    formats: tuple[str, ...] | None
    fail_on: str | None
    gate: bool
    baseline: Path | None
    progress: bool
    browser: bool
    full: bool = False  # --full: a cold crawl (crawler.spiders.reuse)
    redis: str | None = None  # distributed crawl: the Redis URL (crawler/redis_writer.py)
    redis_join_timeout: float = 60.0
    workers: int = 0  # --workers N: N local worker processes on a private Redis (xunjian.localworkers)


def _render(store: Store, run_id: int, plan: _Plan, result: AuditResult) -> None:
    import reports
    report_dir = reports.report_dir(plan.out_root, plan.site.name, plan.today, run_id, store.store_id)
    result.files = reports.render(store, run_id, report_dir, lang=plan.lang or plan.site["report"]["lang"],
                                  formats=plan.formats or reports.DEFAULT_FORMATS)
    result.report_dir = report_dir


def _write_reports(store: Store, run_id: int, plan: _Plan, result: AuditResult) -> bool:
    """Render the run's reports; False (and the run stored incomplete, report-failed) when they fail."""
    try:
        _render(store, run_id, plan, result)
        return True
    except Exception as exc:  # noqa: BLE001 - a run without its report is incomplete, exit 2
        log.exception("report failed")
        _incomplete(store, run_id, result, "report-failed", f"writing the report failed: {exc}")
        result.messages.append(f"report not written to {plan.out_root}: {exc}")
        return False


def _start_live_pass(store: Store, run_id: int, plan: _Plan) -> Any:
    """The page pass of the modules that may scan while the crawl runs (``checks.livepass``), started;
    None when the profile turns it off (``checks.live_page_pass: false``)."""
    from checks.livepass import start_live_pass
    browser_stage = plan.browser and (plan.site.get("a11y") or {}).get("enabled") is not False
    return start_live_pass(store, run_id, plan.site, plan.thresholds, plan.today, browser_stage)


def _crawl_started(store: Store, run_id: int, pid: int, hook: Callable[[int], None] | None) -> None:
    store.update_run_stats(run_id, {"crawl_pid": pid})
    if hook is not None:
        hook(pid)


def _incomplete(store: Store, run_id: int, result: AuditResult, code: str, detail: str) -> None:
    if store.run(run_id)["status"] != INCOMPLETE:  # keep the first reason (e.g. crash before report)
        try:
            store.finish_run(run_id, INCOMPLETE, reason=(code, detail))
        except StoreError:
            # most likely the disk is full: a run left "running" would be resumed as process-died,
            # so its state is recorded in the room kept for it (crawler.storereserve)
            if not release_reserve(store.path):
                raise
            store.finish_run(run_id, INCOMPLETE, reason=(code, detail))
    result.incomplete = (code, detail)
    result.exit_code = EXIT_ERROR


def audit(site_path: str | Path, *, db: str | Path = DEFAULT_DB, out: str | Path | None = None,
          today: date | None = None, overrides: dict[str, Any] | None = None, lang: str | None = None,
          formats: tuple[str, ...] | None = None, fail_on: str | None = "error",
          gate: bool = False, baseline: Path | None = None, progress: bool = True,
          browser: bool = True, wait: bool = True, held_lock: StoreLock | None = None,
          on_crawl_start: Callable[[int], None] | None = None, full: bool = False,
          redis: str | None = None, redis_join_timeout: float = 60.0, a11y_sample: bool = False,
          workers: int = 0) -> AuditResult:
    """Run a full audit of the site described by ``site_path``; never raises for bad input it
    can name: ConfigError, PreflightError and StoreBusy propagate to the CLI as one line.

    ``held_lock``: a store lock the caller already holds (a multi-site run audits several sites
    under one lock, ``xunjian.multisite``); it is neither taken nor released here.
    ``on_crawl_start(pid)`` is called with the crawl child's pid (the multi-site run forwards
    Ctrl-C to its children). ``redis``: crawl with the workers on that Redis (``xunjian worker``)
    instead of a crawl child; this process is the one writer (crawler/redis_writer.py).
    ``a11y_sample`` (``--a11y-sample``): the browser stage scans a per-template sample, not
    every page (``a11y.scope: sample``, a fast first look). ``workers`` (``--workers N``): crawl with
    N local worker processes on a private redis-server (``xunjian.localworkers``), cold."""
    if workers:  # before the lock and the run: a missing redis-server is one line, nothing stored
        from xunjian.localworkers import check_workers
        check_workers(workers, redis)
    if a11y_sample:
        overrides = deep_merge(overrides or {}, {"a11y": {"scope": "sample"}})
    site = load_site(site_path, overrides)
    today = today or date.today()
    db_path = str(db)
    plan = _Plan(site, site_path, load_thresholds(site), today, Path(out or site["report"]["out_dir"]),
                 overrides, lang, formats, fail_on, gate, baseline, progress, browser, full, redis,
                 redis_join_timeout, workers)
    if held_lock is None:  # a caller holding the lock checked the outputs before any thread opened the
        # store: reading the file here would drop the POSIX locks of its other connections
        preflight.check_outputs(plan.out_root, db_path)
    lock = held_lock or StoreLock(db_path).acquire(wait=wait, say=say)
    result = AuditResult()
    store: Store | None = None
    try:
        store = Store(db_path)
        ensure_reserve(db_path)  # room to record this run's end should its disk fill up
        orphans = store.recover_orphans()
        if orphans:
            say(f"run(s) {', '.join(map(str, orphans))}: their process is gone; stored as incomplete")
        run_id = store.start_run(site.name, today.isoformat(), str(site_path), xunjian.__version__)
        if held_lock is None:
            lock.note(run_id)
        result.run_id = run_id
        say(f"run {run_id}: auditing {site.homepage} (profile {site_path}, today {today})")
        _stages(store, lock, run_id, plan, result, on_crawl_start)
        return result
    except StoreError as exc:
        if store is not None and result.run_id is not None:
            try:
                _incomplete(store, result.run_id, result, "store-error", f"store write failed: {exc}")
            except StoreError:
                pass  # the store is gone: the owner check reports the run incomplete later
        result.exit_code = EXIT_ERROR
        result.messages.append(f"{db_path}: store write failed ({exc}); the run is incomplete: "
                               "check the disk and the file, then run again")
        return result
    except BaseException:  # Ctrl-C, a bug: the run must not stay "running"
        if store is not None and result.run_id is not None and store.run(result.run_id)["status"] == RUNNING:
            store.finish_run(result.run_id, INCOMPLETE,
                             reason=("interrupted", "the run was interrupted before it finished"))
        raise
    finally:
        if store is not None:
            store.close()
        if held_lock is None:
            lock.release()


def _crawl_distributed(store: Store, run_id: int, plan: _Plan) -> int:
    """The crawl by workers on Redis (``--redis URL``), or by ``--workers N`` local ones on a private
    Redis that is torn down with them once the crawl ends, whatever way it ends."""
    from crawler.redis_writer import coordinate
    options = {"today": plan.today.isoformat(), "join_timeout_s": plan.redis_join_timeout, "say": say,
               "progress": plan.progress}
    if not plan.workers:
        return coordinate(str(plan.site_path), plan.site, store, run_id, plan.redis, **options)
    from xunjian.localworkers import LocalWorkers
    say(f"--workers {plan.workers}: a cold crawl on {plan.workers} processes; nightly incremental runs "
        "are single-process (run without --workers to reuse what earlier runs stored)")
    from crawler.reuse import incremental_key
    cut_short = store.resumable_run(plan.site.name, incremental_key(plan.site), before=run_id,
                                    within_hours=float(plan.site["incremental"]["resume_within_hours"]))
    if cut_short is not None:  # this cold crawl supersedes it: said, so that nobody expects a resume
        say(f"run {cut_short} was cut short; a --workers crawl does not resume it but crawls everything "
            "again (run without --workers to resume it instead)")
    with LocalWorkers(plan.workers, say) as local:
        rc = coordinate(str(plan.site_path), plan.site, store, run_id, local.url, watch=local.lost,
                        on_published=local.start_workers, **options)
    store.update_run_stats(run_id, {"local_workers": local.summary()})
    return rc


def _stages(store: Store, lock: StoreLock, run_id: int, plan: _Plan, result: AuditResult,
            on_crawl_start: Callable[[int], None] | None = None) -> None:
    """crawl -> browser -> checks -> reports -> verdict, storing the run's final state."""
    from crawler.run import crawl

    site, thresholds = plan.site, plan.thresholds
    live = None
    if plan.redis or plan.workers:
        rc = _crawl_distributed(store, run_id, plan)
    else:
        live = _start_live_pass(store, run_id, plan)
        try:
            rc = crawl(str(plan.site_path), str(store.path), run_id, today=plan.today.isoformat(),
                       overrides=plan.overrides, progress=plan.progress, lock_fd=lock.fd,
                       on_start=lambda pid: _crawl_started(store, run_id, pid, on_crawl_start), full=plan.full)
        finally:  # Ctrl-C or a crawl that failed: no scanning thread outlives the crawl
            if live is not None:
                live.stop()
    if rc != 0:  # checks never judge a crawl that did not finish
        code, detail = _crawl_failure(rc)
        # the state first: after a store error (a full disk) it is the write that matters
        _incomplete(store, run_id, result, code, detail + "; no checks were run")
        store.put_manifest(run_id, {**manifest_mod.not_run(site, str(plan.site_path), thresholds),
                                    "stages": {"crawl": code, "browser": "not-run", "checks": "not-run"}})
        say(f"run {run_id} INCOMPLETE: {result.incomplete[1]}")
        try:
            _render(store, run_id, plan, result)
        except Exception as exc:  # noqa: BLE001 - the run is already incomplete; say why no report
            result.messages.append(f"report not written: {exc}")
        return

    _say_reuse(store.run_stats(run_id))
    _read_attachments(store, run_id, site, thresholds)
    browser_stats: dict[str, Any] = {}
    browser_state = "skipped (--no-browser)"
    if plan.browser:
        try:
            browser_state, browser_stats = _run_browser_stage(str(store.path), run_id, site, plan.progress,
                                                             plan.full)
        except Exception as exc:  # noqa: BLE001 - report and go on: link/disclosure findings still count
            from crawler.browser import StageUnavailable
            # a cause named in one line with its fix needs no traceback; anything else is a bug
            log.log(logging.DEBUG if isinstance(exc, StageUnavailable) else logging.ERROR,
                    "browser stage failed", exc_info=True)
            browser_state = "failed"
            store.update_run_stats(run_id, {"a11y_error": str(exc)})
            result.incomplete = ("browser-failed", f"the accessibility (browser) stage failed: {exc}")
            say(result.incomplete[1])

    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=thresholds, today=plan.today)
    started = time.monotonic()
    result.counts = run_checks(ctx, browser_stats=browser_stats, live=live)
    during = "" if live is None else (f"; {live.live_pages} pages scanned during the crawl" if not live.unusable
                                      else f"; pages scanned again after the crawl: {live.unusable}")
    say(f"checks: {sum(result.counts.values())} findings from {len(result.counts)} rules "
        f"in {time.monotonic() - started:.1f}s{during}")
    from reports.history import refresh_first_seen
    refresh_first_seen(store, site.name)  # the writer keeps first-seen dates; readers only read them
    from reports.model import coverage_line  # the verdict's coverage line, on the console too
    if coverage_line(store.run_stats(run_id).get("coverage"), "en"):
        say(coverage_line(store.run_stats(run_id).get("coverage"), "en"))
    recorded = store.manifest(run_id) or {}
    store.put_manifest(run_id, {**recorded, "stages": {"crawl": "finished", "browser": browser_state,
                                                       "checks": "finished"}})
    crashed = manifest_mod.crashed(recorded)
    if crashed and not result.incomplete:
        result.incomplete = ("check-crashed", "check module(s) crashed: " + "; ".join(
            f"{name} ({error})" for name, error in sorted(crashed.items())))
    if result.incomplete:
        _incomplete(store, run_id, result, *result.incomplete)
        _write_reports(store, run_id, plan, result)
    else:
        # stored complete only once its reports are written: a run killed while it writes them is
        # process-died (resumed by the next run), never complete without its reports
        with store.completing(run_id) as finished_at:
            _judge(store, run_id, plan, result)
            written = _write_reports(store, run_id, plan, result)
        if written:
            store.finish_run(run_id, COMPLETE, finished_at=finished_at)

    if result.incomplete:
        code, detail = result.incomplete
        result.messages.append(f"run {run_id} is INCOMPLETE ({code}): {detail}; no verdict (exit 2)")


def print_summary(result: AuditResult) -> None:
    for message in result.messages:
        say(message)
    if result.report_dir:
        say(f"report written: {result.report_dir}")
        for kind, path in sorted(result.files.items()):
            print(f"  {kind:6} {path}", file=sys.stderr)
        # stdout carries only the report folder so scripts can capture it
        print(result.report_dir)


FAIL_ON_CHOICES = (*SEVERITIES, "none")

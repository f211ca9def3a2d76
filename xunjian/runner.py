"""One audit run, end to end: crawl -> browser stage -> checks -> reports -> verdict.

``audit()`` is what ``xunjian run`` and ``xunjian demo`` call. Each stage reads
what the previous one stored in the SQLite file, so a stage that fails leaves
the facts gathered so far in place, and ``xunjian report <run>`` can re-render
any stored run.

Governed by the site profile (``config/sites/*.yaml``), ``config/rules.yaml``
(thresholds, veto items, gate assertions) and the CLI options: ``--db``,
``--out``, ``--today``, ``--lang``, ``--fail-on``, ``--gate``, ``--baseline``.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import xunjian
from checks.base import SEVERITIES, CheckContext, severity_rank
from checks.registry import run_checks
from config import SiteProfile, load_site, load_thresholds
from crawler.store import Store

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


def say(message: str) -> None:
    print(f"[xunjian] {message}", file=sys.stderr, flush=True)


def _fail_on_verdict(store: Store, run_id: int, fail_on: str | None) -> tuple[int, list[str]]:
    if not fail_on or fail_on == "none":
        return EXIT_OK, []
    floor = severity_rank(fail_on)
    hits: dict[str, int] = {}
    for f in store.findings(run_id):
        if severity_rank(f.severity) >= floor:
            hits[f.severity] = hits.get(f.severity, 0) + 1
    if not hits:
        return EXIT_OK, [f"no finding at or above '{fail_on}'"]
    detail = ", ".join(f"{n} {sev}" for sev, n in sorted(hits.items(), key=lambda kv: -severity_rank(kv[0])))
    return EXIT_FAIL, [f"--fail-on {fail_on}: {detail}"]


def _run_browser_stage(db_path: str, run_id: int, site: SiteProfile, progress: bool) -> None:
    a11y = site.get("a11y") or {}
    if a11y.get("enabled") is False:
        say("accessibility audit: disabled by the profile (a11y.enabled: false)")
        return
    try:
        from crawler.browser import run_a11y
    except ImportError as exc:  # the stage is optional only while it is not installed at all
        say(f"accessibility audit skipped: browser stage unavailable ({exc})")
        return
    started = time.monotonic()
    stats = run_a11y(db_path, run_id, site, progress=progress) or {}
    say(f"accessibility audit: {stats.get('pages_scanned', 0)} pages scanned "
        f"in {time.monotonic() - started:.1f}s")


def audit(site_path: str | Path, *, db: str | Path = DEFAULT_DB, out: str | Path | None = None,
          today: date | None = None, overrides: dict[str, Any] | None = None, lang: str | None = None,
          formats: tuple[str, ...] | None = None, fail_on: str | None = "error",
          gate: bool = False, baseline: Path | None = None, progress: bool = True,
          browser: bool = True) -> AuditResult:
    """Run a full audit of the site described by ``site_path``; never raises for bad input
    it can name (ConfigError propagates to the CLI, which prints it as one line)."""
    from crawler.run import crawl
    import reports

    site = load_site(site_path, overrides)
    thresholds = load_thresholds(site)
    today = today or date.today()
    db_path = str(db)
    result = AuditResult()
    store = Store(db_path)
    try:
        run_id = store.start_run(site.name, today.isoformat(), str(site_path), xunjian.__version__)
        result.run_id = run_id
        say(f"run {run_id}: auditing {site.homepage} (profile {site_path}, today {today})")

        rc = crawl(str(site_path), db_path, run_id, today=today.isoformat(), overrides=overrides,
                   progress=progress)
        if rc != 0:
            result.messages.append(f"crawl exited with code {rc}; checks run on the facts gathered so far")
            say(result.messages[-1])
        if browser:
            try:
                _run_browser_stage(db_path, run_id, site, progress)
            except Exception as exc:  # noqa: BLE001 - report and go on: link/disclosure findings still count
                log.exception("browser stage failed")
                result.messages.append(f"accessibility audit failed: {exc}")
                store.update_run_stats(run_id, {"a11y_error": str(exc)})
                say(result.messages[-1])

        ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=thresholds, today=today)
        result.counts = run_checks(ctx)
        status = "complete" if rc == 0 and not result.messages else "partial"
        store.finish_run(run_id, status)
        say(f"checks: {sum(result.counts.values())} findings from {len(result.counts)} rules")

        out_root = Path(out or site["report"]["out_dir"])
        report_dir = reports.report_dir(out_root, site.name, today, run_id)
        result.files = reports.render(store, run_id, report_dir, lang=lang or site["report"]["lang"],
                                      formats=formats or reports.DEFAULT_FORMATS)
        result.report_dir = report_dir

        if gate or baseline:
            from xunjian.gate import evaluate
            verdict = evaluate(store, run_id, thresholds.get("gate") or {}, baseline, today)
            result.exit_code = verdict.exit_code
            result.messages.extend(verdict.failures)
        else:
            result.exit_code, msgs = _fail_on_verdict(store, run_id, fail_on)
            result.messages.extend(msgs)
        if rc not in (0, None) and result.exit_code == EXIT_OK:
            result.exit_code = EXIT_ERROR
        return result
    finally:
        store.close()


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

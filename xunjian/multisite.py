"""Many sites in one run: ``xunjian run --site a.yaml --site b.yaml`` / ``--sites DIR [--only NAME]``.

Every site is audited by ``xunjian.runner.audit`` exactly as a one-site run would audit it (its
own profile, politeness and per-host limits, its own run id and dated report folder), into one
store. The sites are crawled concurrently under one global budget of concurrent requests:

* ``--parallel-sites P`` sites are audited at once (default ``DEFAULT_PARALLEL_SITES``; each one
  is a crawl child process plus its checks);
* ``--concurrency N`` is the budget of concurrent requests over all of them (default
  ``DEFAULT_CONCURRENCY_BUDGET``): each running site gets ``N // P`` (at least 1), never more
  than its profile's own ``politeness.concurrency`` / ``concurrency_per_host``; so at most N
  requests are in flight at any moment, and a slow site never takes another site's share.

The store lock (``crawler.storelock``) is taken once for the whole run and handed to every
audit and crawl child. One site's failure never stops the others: a profile that does not
load (or names a site twice) is a row of the overview with the one-line error, a dead host is
the site's ``home-unreachable`` finding, a crashed audit is a row with its error.

The outcome is the overview report (``reports.overview``: HTML, JSON, XLSX; one row per site,
worst first) and one exit code over all sites: every site is judged by its own gate
(``--fail-on`` or ``--gate``); 2 when any site is incomplete or could not be audited, else 1
when any site fails, else 0.
"""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from config import ConfigError, SiteProfile, load_site
from crawler.store import Store
from crawler.storelock import StoreLock
from xunjian import preflight, runner
from xunjian.runner import say

DEFAULT_PARALLEL_SITES = 4
DEFAULT_CONCURRENCY_BUDGET = 32
PROFILE_SUFFIXES = (".yaml", ".yml")


@dataclass
class SiteJob:
    """One profile of the run: loaded (``site``) or not (``error``)."""

    path: Path
    site: SiteProfile | None = None
    error: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.site.name if self.site is not None else _raw_name(self.path) or self.path.stem


@dataclass
class SiteOutcome:
    job: SiteJob
    result: runner.AuditResult | None = None
    error: str = ""


def _raw_name(path: Path) -> str:
    """The ``name:`` of a profile that may not validate (for --only and the overview row)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if isinstance(name, (str, int)) else ""


def profile_paths(sites: list[str] | None, sites_dir: str | None, only: list[str] | None) -> list[Path]:
    """The profiles of the run, in the order given (a folder: sorted by file name), filtered by
    ``only`` (a profile's ``name:`` or file stem). Raises ConfigError naming the problem."""
    paths = [Path(p) for p in sites or []]
    if sites_dir:
        folder = Path(sites_dir)
        if not folder.is_dir():
            raise ConfigError(f"--sites {sites_dir}: not a folder; pass the folder holding the site profiles")
        found = sorted(p for p in folder.iterdir() if p.suffix in PROFILE_SUFFIXES and p.is_file())
        if not found:
            raise ConfigError(f"--sites {sites_dir}: no *.yaml profile in it; add one per site")
        paths += found
    unique: list[Path] = []
    for path in paths:
        if path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    if only:
        wanted = set(only)
        picked = [p for p in unique if p.stem in wanted or _raw_name(p) in wanted]
        known = {p.stem for p in picked} | {_raw_name(p) for p in picked}
        unknown = sorted(wanted - known)
        if unknown:
            names = ", ".join(sorted({_raw_name(p) or p.stem for p in unique}))
            raise ConfigError(f"--only {', '.join(unknown)}: no such site among the profiles; "
                              f"choose from {names}")
        unique = picked
    if not unique:
        raise ConfigError("no site to audit; pass --site PROFILE (repeatable) or --sites FOLDER")
    return unique


def _share(site: SiteProfile, per_site: int) -> dict[str, Any]:
    """Politeness overrides that keep a site inside its share of the global budget."""
    pol = site["politeness"]
    concurrency = max(1, min(int(pol["concurrency"]), per_site))
    per_host = max(1, min(int(pol["concurrency_per_host"]), concurrency))
    return {"politeness": {"concurrency": concurrency, "concurrency_per_host": per_host}}


def load_jobs(paths: list[Path], per_site: int) -> list[SiteJob]:
    """Load every profile; a bad one (or a second profile naming the same site) is an error job."""
    jobs: list[SiteJob] = []
    names: dict[str, Path] = {}
    for path in paths:
        job = SiteJob(path)
        try:
            job.site = load_site(path)
        except ConfigError as exc:
            job.error = str(exc)
        if job.site is not None:
            if job.site.name in names:
                job.error = (f"{path}: name {job.site.name!r} is already used by {names[job.site.name]}; "
                             "give every site profile its own name")
                job.site = None
            else:
                names[job.site.name] = path
                job.overrides = _share(job.site, per_site)
        jobs.append(job)
    return jobs


class _Children:
    """Crawl children running now, so Ctrl-C reaches each of them once."""

    def __init__(self) -> None:
        self.pids: set[int] = set()
        self.lock = threading.Lock()

    def add(self, pid: int) -> None:
        with self.lock:
            self.pids.add(pid)

    def interrupt(self) -> None:
        with self.lock:
            for pid in self.pids:
                try:
                    os.kill(pid, signal.SIGINT)
                except ProcessLookupError:
                    pass


def run_many(paths: list[Path], *, db: str | Path, out: str | Path | None, today: date | None,
             lang: str | None, formats: tuple[str, ...] | None, fail_on: str | None, gate: bool,
             baseline: Path | None, browser: bool, wait: bool, parallel_sites: int = DEFAULT_PARALLEL_SITES,
             concurrency: int = DEFAULT_CONCURRENCY_BUDGET, redis: str | None = None,
             redis_join_timeout: float = 60.0, full: bool = False,
             a11y_sample: bool = False) -> tuple[int, Path | None]:
    """Audit every profile; write the overview. Returns (exit code over all sites, overview folder)."""
    from reports import overview

    if parallel_sites < 1 or concurrency < 1:
        raise ConfigError("--parallel-sites and --concurrency must be at least 1")
    today = today or date.today()
    parallel = min(parallel_sites, len(paths))
    per_site = max(1, concurrency // parallel)
    jobs = load_jobs(paths, per_site)
    first = next((j.site for j in jobs if j.site is not None), None)
    out_root = Path(out or (first["report"]["out_dir"] if first is not None else "xunjian-runs"))
    preflight.check_outputs(out_root, str(db))
    say(f"{len(jobs)} sites, {parallel} at a time, {per_site} concurrent requests each "
        f"(budget {concurrency})")
    lock = StoreLock(db).acquire(wait=wait, say=say)
    children = _Children()
    outcomes = [SiteOutcome(job, error=job.error) for job in jobs]
    try:
        _recover(db)

        def audit_one(outcome: SiteOutcome) -> None:
            job = outcome.job
            try:
                outcome.result = runner.audit(
                    job.path, db=db, out=out_root, today=today, overrides=job.overrides, lang=lang,
                    formats=formats, fail_on=fail_on, gate=gate, baseline=baseline, progress=False,
                    browser=browser, held_lock=lock, on_crawl_start=children.add, redis=redis,
                    redis_join_timeout=redis_join_timeout, full=full, a11y_sample=a11y_sample)
            except Exception as exc:  # noqa: BLE001 - one site's failure never stops the others
                outcome.error = f"{job.path}: {exc.__class__.__name__}: {exc}"
                say(f"site {job.name}: audit failed: {outcome.error}")

        with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="xunjian-site") as pool:
            futures = [pool.submit(audit_one, o) for o in outcomes if not o.error]
            try:
                for future in futures:
                    future.result()
            except KeyboardInterrupt:
                say("interrupted: stopping every crawl; facts written so far are kept")
                for future in futures:
                    future.cancel()
                children.interrupt()
                pool.shutdown(wait=True)
                raise
        store = Store(db)
        try:
            doc = overview.build(store, outcomes, today, lang or (first["report"]["lang"] if first else "zh"),
                                 budget={"parallel_sites": parallel, "concurrency": concurrency,
                                         "per_site": per_site})
            folder = overview.folder(out_root, today, store.store_id,
                                     [o.result.run_id for o in outcomes if o.result and o.result.run_id])
        finally:
            store.close()
    finally:
        lock.release()
    overview.render(doc, folder, formats)
    return doc["exit_code"], folder


def _recover(db: str | Path) -> None:
    store = Store(db)
    try:
        orphans = store.recover_orphans()
    finally:
        store.close()
    if orphans:
        say(f"run(s) {', '.join(map(str, orphans))}: their process is gone; stored as incomplete")


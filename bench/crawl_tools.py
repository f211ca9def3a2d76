"""Run and measure the two crawlers of the benchmark: ``xunjian run`` and LinkChecker.

``run_measured(cmd, ...)`` starts a command in its own process group, polls the
whole process tree with psutil (every ``POLL_S``) for the peak summed RSS, and
kills the group on timeout or Ctrl-C. ``run_xunjian`` writes a bench site
profile (delay 0, autothrottle off, robots obeyed, generous limits, browser
stage off) and reads pages, links and findings back from the run's SQLite store
(``crawler.store.Store``). ``run_linkchecker`` installs LinkChecker from PyPI
into ``bench/.venv-linkchecker`` (never the project venv), writes a
linkcheckerrc (threads, timeout, AnchorCheck plugin, no request-rate cap) and
parses its CSV output and summary line.

Findings of both are normalised to root-relative ``path`` / ``path#fragment``
strings so they can be compared with the generator's manifest.
"""

from __future__ import annotations

import csv
import os
import re
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
LINKCHECKER_VENV = BENCH_DIR / ".venv-linkchecker"
LINKCHECKER_VERSION = "10.6.0"
POLL_S = 0.1


@dataclass
class Measured:
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    cpu_s: float = 0.0
    returncode: int | None = None
    timed_out: bool = False
    # peak RSS (MB) per stage of an ``xunjian run`` (``StageTracker``): crawl child, and this process
    # during the crawl, the post-crawl stages (attachments + checks) and the reports
    stage_peaks_mb: dict[str, float] = field(default_factory=dict)


@dataclass
class ToolResult:
    tool: str
    measured: Measured = field(default_factory=Measured)
    pages: int = 0                 # in-scope HTML pages fetched and parsed (tool's own count)
    urls: int = 0                  # distinct URLs checked
    links: int = 0                 # link occurrences recorded (LinkChecker 10: same as urls)
    broken: set[str] = field(default_factory=set)       # distinct failing targets
    anchors: set[str] = field(default_factory=set)      # distinct path#fragment reported missing
    server: dict[str, int] = field(default_factory=dict)  # what the web server saw from this tool
    note: str = ""


def _say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


class StageTracker:
    """Peak RSS per stage of an ``xunjian run`` tree: the crawl child (``python -m crawler.run``) on
    its own, and the ``xunjian`` process itself while the crawl runs ("run, during crawl"), after it
    until the runner logs ``checks: N findings`` ("run, checks": attachments + checks) and after that
    ("run, reports"). Python rarely gives freed memory back, so each stage's figure is the process's
    peak up to the end of that stage."""

    CRAWL_CHILD = "crawl child"
    STAGES = ("run, during crawl", "run, checks", "run, reports")
    CHECKS_DONE = b"[xunjian] checks: "

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.log_offset = 0
        self.child_seen = False
        self.child_alive = False
        self.checks_done = False
        self.peaks: dict[str, int] = {}

    def _stage(self) -> str:
        if self.child_alive or not self.child_seen:
            return self.STAGES[0]
        if not self.checks_done:
            try:
                with open(self.log_path, "rb") as log:
                    log.seek(max(0, self.log_offset - len(self.CHECKS_DONE)))
                    new = log.read()
                    self.log_offset = log.tell()
                self.checks_done = self.CHECKS_DONE in new
            except OSError:
                pass
        return self.STAGES[2] if self.checks_done else self.STAGES[1]

    def record(self, root_pid: int, rss_by_pid: dict[int, int], crawl_children: set[int]) -> None:
        self.child_alive = bool(crawl_children)
        self.child_seen = self.child_seen or self.child_alive
        child_rss = sum(rss_by_pid.get(pid, 0) for pid in crawl_children)
        if child_rss:
            self.peaks[self.CRAWL_CHILD] = max(self.peaks.get(self.CRAWL_CHILD, 0), child_rss)
        if root_pid in rss_by_pid:
            stage = self._stage()
            self.peaks[stage] = max(self.peaks.get(stage, 0), rss_by_pid[root_pid])

    def peaks_mb(self) -> dict[str, float]:
        return {name: round(self.peaks[name] / 2**20, 1) for name in (self.CRAWL_CHILD, *self.STAGES)
                if name in self.peaks}


def _crawls(cmdline: list[str]) -> bool:
    """A process of the crawl stage: the crawl child, or with ``--workers`` the local workers, their
    Scrapy children and the private redis-server (xunjian/localworkers.py)."""
    text = " ".join(cmdline)
    return any(marker in text for marker in ("crawler.run", "crawler.worker", "xunjian.cli worker",
                                             "redis-server"))


def _sample_tree(proc: psutil.Process, cpu_by_pid: dict[int, float],
                 stages: StageTracker | None = None) -> int:
    """Summed RSS of the tree now; records each process's latest CPU time in ``cpu_by_pid``
    and, with ``stages``, the per-stage peaks."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    rss_by_pid: dict[int, int] = {}
    crawl_children: set[int] = set()
    for p in procs:
        try:
            with p.oneshot():
                rss = p.memory_info().rss
                total += rss
                rss_by_pid[p.pid] = rss
                times = p.cpu_times()
                cpu_by_pid[p.pid] = times.user + times.system
                if stages is not None and p.pid != proc.pid and _crawls(p.cmdline()):
                    crawl_children.add(p.pid)
        except psutil.Error:
            pass  # exited between listing and reading
    if stages is not None:
        stages.record(proc.pid, rss_by_pid, crawl_children)
    return total


def run_measured(cmd: list[str], timeout_s: float, log_path: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None, stages: bool = False) -> Measured:
    """Run ``cmd`` (stdout+stderr to ``log_path``), return wall time, peak tree RSS and CPU time;
    ``stages``: also the peak RSS per stage of an ``xunjian run`` (``StageTracker``)."""
    m = Measured()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)
        ps = psutil.Process(proc.pid)
        peak = 0
        cpu_by_pid: dict[int, float] = {}
        tracker = StageTracker(log_path) if stages else None
        try:
            while proc.poll() is None:
                peak = max(peak, _sample_tree(ps, cpu_by_pid, tracker))
                if time.monotonic() - started > timeout_s:
                    m.timed_out = True
                    _say(f"timeout after {timeout_s:.0f}s: stopping {cmd[0]}")
                    _kill_group(proc)
                    break
                time.sleep(POLL_S)
        except BaseException:
            _kill_group(proc)  # Ctrl-C: never leave a crawler behind
            raise
        proc.wait(timeout=30)
    m.seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # children reaped by their parent count in RUSAGE_CHILDREN; orphans only in the polled figures
    m.cpu_s = max((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
                  sum(cpu_by_pid.values()))
    # ru_maxrss (KiB) is the largest single waited process; the tree sum is usually larger
    m.peak_rss_mb = max(peak / 2**20, after.ru_maxrss / 1024 if after.ru_maxrss > before.ru_maxrss else 0)
    m.returncode = proc.returncode
    if tracker is not None:
        m.stage_peaks_mb = tracker.peaks_mb()
    return m


def _kill_group(proc: subprocess.Popen) -> None:
    for sig, wait_s in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue


def rel(url: str) -> str:
    """Root-relative form of a URL (path, plus #fragment when present), for comparing findings."""
    parts = urlsplit(url)
    out = parts.path or "/"
    return f"{out}#{parts.fragment}" if parts.fragment else out


# -- xunjian --------------------------------------------------------------------------------

PROFILE = """\
# written by bench/bench_crawl.py: loopback benchmark profile (no politeness delay)
name: bench
title: 基准测试门户 (benchmark portal)
start_urls: ["{portal}/"]
scope:
  hosts: ["{portal_host}"]
limits:
  max_pages: {max_pages}
  max_depth: 200
  max_response_mb: 5
  timeout_s: 10
politeness:
  obey_robots: true
  concurrency: {concurrency}
  concurrency_per_host: {concurrency}
  delay_s: 0
  autothrottle: false
links:
  check_external: true
  retries: 1
  retry_backoff_s: 0.1
  max_retry_after_s: 1
traps:
  max_pages_per_pattern: {max_pages}
a11y:
  enabled: false
network:
  allow_addresses: ["127.0.0.0/8"]   # the "external" host is loopback (127.0.0.2)
"""


def xunjian_command() -> list[str]:
    exe = REPO / ".venv" / "bin" / "xunjian"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "xunjian.cli"]


def xunjian_has_run() -> bool:
    try:
        done = subprocess.run([*xunjian_command(), "run", "--help"], capture_output=True, timeout=60, cwd=REPO)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def run_xunjian(portal_base: str, work: Path, pages: int, concurrency: int, timeout_s: float,
                workers: int = 0) -> ToolResult:
    """One cold ``xunjian run``; with ``workers``, ``--workers N`` (N local crawl processes on a
    private redis-server, the row "xunjian cold, N workers")."""
    work.mkdir(parents=True, exist_ok=True)
    profile = work / "bench-site.yaml"
    profile.write_text(PROFILE.format(portal=portal_base, portal_host=urlsplit(portal_base).netloc,
                                      max_pages=max(1000, pages * 3), concurrency=concurrency), encoding="utf-8")
    db = work / "xunjian.sqlite"
    for stale in work.glob("xunjian.sqlite*"):
        stale.unlink()
    cmd = [*xunjian_command(), "run", "--site", str(profile), "--db", str(db), "--out", str(work / "reports"),
           "--no-browser", "--quiet", "--fail-on", "none"]
    if workers:
        cmd += ["--workers", str(workers)]
    _say("running: " + " ".join(cmd))
    result = ToolResult(f"xunjian cold, {workers} workers" if workers else "xunjian")
    result.measured = run_measured(cmd, timeout_s, work / "xunjian.log", cwd=REPO, stages=True)
    if not db.exists():
        result.note = f"no store written; see {work / 'xunjian.log'}"
        return result
    _read_xunjian_store(db, result)
    if result.measured.returncode not in (0, 1):
        result.note = f"exit code {result.measured.returncode}; see {work / 'xunjian.log'}"
    return result


def _read_xunjian_store(db: Path, result: ToolResult) -> None:
    sys.path.insert(0, str(REPO))
    from crawler.store import Store  # the project's store API; imported late so the bench runs without it

    store = Store(db)
    try:
        run_id = store.latest_run_id(complete_only=False)
        if run_id is None:
            result.note = "store has no run"
            return
        q = store.db.execute
        result.pages = q("SELECT COUNT(*) FROM resources WHERE run_id=? AND kind='page' AND in_scope=1 "
                         "AND status BETWEEN 200 AND 299", (run_id,)).fetchone()[0]
        result.urls = q("SELECT COUNT(*) FROM resources WHERE run_id=? AND (status IS NOT NULL OR "
                        "error_class IS NOT NULL)", (run_id,)).fetchone()[0]
        result.links = q(
            "SELECT COUNT(*) FROM links l JOIN resources r ON r.run_id=l.run_id AND r.url=l.target_url "
            "WHERE l.run_id=? AND l.scheme IN ('http','https') AND (r.status IS NOT NULL OR "
            "r.error_class IS NOT NULL)", (run_id,)).fetchone()[0]
        for finding in store.findings(run_id):
            if finding.rule_id in ("link-broken", "link-broken-home"):
                result.broken.add(rel(finding.page_url))
            elif finding.rule_id == "link-anchor-missing":
                target = finding.target if "#" in finding.target else finding.page_url
                if "#" not in target and finding.evidence.get("fragment"):
                    target = f"{target}#{finding.evidence['fragment']}"
                result.anchors.add(rel(target))
    finally:
        store.close()


# -- LinkChecker ----------------------------------------------------------------------------

LINKCHECKER_RC = """\
# written by bench/bench_crawl.py
[checking]
threads={threads}
timeout=10
# the server sends the "LinkChecker" header, which lifts the per-host cap to this value
maxrequestspersecond=100000
robotstxt=1
[filtering]
checkextern=1
[output]
status=0
[AnchorCheck]
"""


def ensure_linkchecker(timeout_s: float = 600) -> Path | None:
    exe = LINKCHECKER_VENV / "bin" / "linkchecker"
    if exe.exists():
        return exe
    _say(f"installing LinkChecker {LINKCHECKER_VERSION} from PyPI into {LINKCHECKER_VENV} (bench-only venv)")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(LINKCHECKER_VENV)], check=True, timeout=timeout_s)
        subprocess.run([str(LINKCHECKER_VENV / "bin" / "pip"), "install", "-q",
                        f"linkchecker=={LINKCHECKER_VERSION}"], check=True, timeout=timeout_s)
    except (OSError, subprocess.SubprocessError) as exc:
        _say(f"could not install LinkChecker ({exc}); run with --skip-linkchecker")
        return None
    return exe if exe.exists() else None


SUMMARY_RE = re.compile(r"(\d+) links? in (\d+) URLs?")


def run_linkchecker(portal_base: str, work: Path, threads: int, timeout_s: float) -> ToolResult:
    result = ToolResult("LinkChecker")
    exe = ensure_linkchecker()
    if exe is None:
        result.note = "not installed"
        return result
    # LinkChecker drops root privileges to 'nobody': its files must be readable and writable by it
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o777)
    work.parent.chmod(0o755)  # our own temp dir: mkdtemp makes it 0700
    rc = work / "linkcheckerrc"
    rc.write_text(LINKCHECKER_RC.format(threads=threads), encoding="utf-8")
    rc.chmod(0o644)
    out_csv = work / "linkchecker.csv"
    env = {**os.environ, "XDG_CONFIG_HOME": str(work), "XDG_DATA_HOME": str(work), "HOME": str(work)}
    # mailto: syntax only: LinkChecker would otherwise look up MX records (DNS traffic off loopback)
    cmd = [str(exe), "-f", str(rc), "--threads", str(threads), "--check-extern", "-r", "-1",
           "--ignore-url", "^mailto:",
           "--no-status", "-o", "text", "-F", f"csv/utf-8/{out_csv}", "--timeout", "10", portal_base + "/"]
    _say("running: " + " ".join(cmd))
    log = work / "linkchecker.log"
    result.measured = run_measured(cmd, timeout_s, log, env=env, cwd=work)
    text = log.read_text(encoding="utf-8", errors="replace")
    match = SUMMARY_RE.search(text[-5000:])
    if match:
        result.links, result.urls = int(match.group(1)), int(match.group(2))
    else:
        result.note = f"no summary line; see {log}"
    if out_csv.exists():
        _read_linkchecker_csv(out_csv, result)
    return result


def _read_linkchecker_csv(path: Path, result: ToolResult) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter=";")
        for row in rows:
            url = row.get("url") or row.get("urlname") or ""
            if (row.get("valid") or "").strip() == "False":
                result.broken.add(rel(url.split("#", 1)[0]))
            warning = row.get("warningstring") or ""
            if "nchor" in warning and "not found" in warning:
                fragment = urlsplit(url).fragment or urlsplit(row.get("urlname") or "").fragment
                result.anchors.add(rel(url.split("#", 1)[0]) + (f"#{fragment}" if fragment else ""))

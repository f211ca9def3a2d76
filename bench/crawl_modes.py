"""The nightly modes of ``xunjian run`` on one bench site, and linkinator as a second peer.

``run_modes(portal_base, work, site_root, pages, concurrency, timeout_s)`` measures, on one store:

- ``cold``: a first run (``--full``: nothing to reuse);
- ``unchanged``: the same command again, nothing changed on the site (conditional requests,
  nginx answers 304, stored parses replayed);
- ``1% edited``: 1 % of the articles edited on disk (a paragraph added, so nginx's ETag and
  Last-Modified change), the same command again;
- ``resumed``: on a fresh store, a cold run killed with SIGKILL (the crawl child and the run)
  once about half the pages are stored, then the same command again: the figures are those of
  the resuming run (what a crash costs on top of the part already done).

``run_linkinator(...)`` installs linkinator from npm into a bench-only folder under /tmp
(``npm install --prefix``; never the project's node_modules) and crawls the same site with it.
Each measured command runs through ``crawl_tools.run_measured`` (wall s, CPU s of the whole
process tree, peak summed RSS).
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import crawl_servers
import crawl_tools
from crawl_tools import PROFILE, REPO, ToolResult, _read_xunjian_store, _say, run_measured, xunjian_command

LINKINATOR_DIR = Path("/tmp/xunjian-bench-linkinator")
LINKINATOR_VERSION = "6.3.0"
EDIT_FRACTION = 0.01


def _command(profile: Path, db: Path, work: Path, *extra: str) -> list[str]:
    return [*xunjian_command(), "run", "--site", str(profile), "--db", str(db),
            "--out", str(work / "reports"),
            "--no-browser", "--quiet", "--fail-on", "none", "--format", "json", *extra]


def _measure(label: str, cmd: list[str], db: Path, work: Path, timeout_s: float) -> ToolResult:
    _say(f"xunjian {label}: " + " ".join(cmd))
    result = ToolResult(f"xunjian {label}")
    result.measured = run_measured(cmd, timeout_s, work / f"xunjian-{label.replace(' ', '-')}.log", cwd=REPO,
                                   stages=True)
    if db.exists():
        _read_xunjian_store(db, result)
        result.note = _reuse_note(db)
    if result.measured.returncode not in (0, 1):
        result.note = f"exit code {result.measured.returncode} " + result.note
    return result


def edit_articles(site_root: Path, fraction: float = EDIT_FRACTION, seed: int = 7) -> int:
    """Add a paragraph to ``fraction`` of the article pages (new ETag and Last-Modified)."""
    articles = sorted((site_root / "portal").glob("col/*/art/*.html"))
    chosen = random.Random(seed).sample(articles, max(1, int(len(articles) * fraction)))
    for path in chosen:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("</body>", "<p>（本文已修订）</p></body>", 1), encoding="utf-8")
        stamp = time.time() + 5  # a later mtime even on a coarse clock
        os.utime(path, (stamp, stamp))
    return len(chosen)


def _stored_pages(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM page_parses").fetchone()[0])
    except sqlite3.Error:
        return 0


def _kill_mid_run(cmd: list[str], db: Path, work: Path, pages: int, timeout_s: float) -> bool:
    """Start ``cmd``, SIGKILL its crawl child and the run once half the pages are stored."""
    with open(work / "xunjian-killed.log", "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while _stored_pages(db) < pages // 2:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            return False
        time.sleep(0.2)
    with sqlite3.connect(db, timeout=30) as conn:
        row = conn.execute("SELECT json_extract(stats, '$.crawl_pid') FROM runs ORDER BY id DESC").fetchone()
    if row and row[0]:
        try:
            os.kill(int(row[0]), signal.SIGKILL)
        except ProcessLookupError:
            pass
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    _say(f"killed the run after {_stored_pages(db)} stored pages")
    return True


def run_modes(portal_base: str, work: Path, site_root: Path, pages: int, concurrency: int,
              timeout_s: float, access_log: Path | None = None) -> list[ToolResult]:
    """The four modes, each with what the web server saw of it when ``access_log`` is given."""
    work.mkdir(parents=True, exist_ok=True)
    profile = work / "bench-site.yaml"
    profile.write_text(PROFILE.format(portal=portal_base, portal_host=urlsplit(portal_base).netloc,
                                      max_pages=max(1000, pages * 3), concurrency=concurrency),
                       encoding="utf-8")
    db = work / "nightly.sqlite"
    results: list[ToolResult] = []

    def measured(label: str, cmd: list[str], store: Path) -> None:
        offset = access_log.stat().st_size if access_log and access_log.exists() else 0
        results.append(_measure(label, cmd, store, work, timeout_s))
        if access_log and access_log.exists():
            time.sleep(0.3)  # let the last access-log lines land
            results[-1].server = crawl_servers.count_requests(access_log, offset, "xunjian")
        _say_result(results[-1])

    measured("cold", _command(profile, db, work, "--full"), db)
    measured("unchanged", _command(profile, db, work), db)
    edited = edit_articles(site_root)
    _say(f"edited {edited} articles")
    measured("1% edited", _command(profile, db, work), db)
    resume_db = work / "resume.sqlite"
    if _kill_mid_run(_command(profile, resume_db, work), resume_db, work, pages, timeout_s):
        measured("resumed", _command(profile, resume_db, work), resume_db)
    else:
        _say("resumed: not measured (the run to kill ended or timed out before half the pages were stored)")
    return results


def _say_result(result: ToolResult) -> None:
    """One line per mode as soon as it ends: a bench cut short (a 100,000-page run takes hours) keeps
    the figures of the modes it finished."""
    m = result.measured
    rate = result.pages / m.seconds if m.seconds else 0.0
    stages = ", ".join(f"{name} {mb:.0f}" for name, mb in m.stage_peaks_mb.items())
    _say(f"{result.tool}: {m.seconds:.1f} s wall, {result.pages} pages, {rate:.1f} pages/s, "
         f"{m.cpu_s:.1f} CPU s, peak RSS {m.peak_rss_mb:.1f} MB ({stages}); exit {m.returncode}"
         + (" TIMED OUT" if m.timed_out else "") + (f"; {result.note}" if result.note else ""))


def _reuse_note(db: Path) -> str:
    """What the newest run of ``db`` reused (its ``incremental`` stat), for the table."""
    with sqlite3.connect(db, timeout=30) as conn:
        row = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    reuse = json.loads(row[0] or "{}").get("incremental") if row else None
    if not reuse:
        return ""
    return ("304: {not_modified}, same body: {same_body}, replayed: {replayed}, externals reused: "
            "{external_reused}".format(**{k: reuse.get(k, 0) for k in
                                          ("not_modified", "same_body", "replayed", "external_reused")}))


# -- linkinator -----------------------------------------------------------------------------------

def ensure_linkinator(timeout_s: float = 600) -> Path | None:
    exe = LINKINATOR_DIR / "node_modules" / ".bin" / "linkinator"
    if exe.exists():
        return exe
    npm = shutil.which("npm")
    if npm is None:
        _say("npm not found: skipping linkinator")
        return None
    LINKINATOR_DIR.mkdir(parents=True, exist_ok=True)
    _say(f"installing linkinator {LINKINATOR_VERSION} into {LINKINATOR_DIR} (bench only)")
    done = subprocess.run([npm, "install", "--prefix", str(LINKINATOR_DIR), "--no-audit", "--no-fund",
                           f"linkinator@{LINKINATOR_VERSION}"],
                          capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0 or not exe.exists():
        _say(f"linkinator install failed: {done.stderr.strip()[-300:]}")
        return None
    return exe


def run_linkinator(portal_base: str, work: Path, concurrency: int, timeout_s: float) -> ToolResult:
    result = ToolResult("linkinator")
    exe = ensure_linkinator()
    if exe is None:
        result.note = "not installed"
        return result
    work.mkdir(parents=True, exist_ok=True)
    out = work / "linkinator.csv"
    cmd = [str(exe), f"{portal_base}/", "--recurse", "--concurrency", str(concurrency), "--timeout", "10000",
           "--format", "csv", "--skip", "^mailto:"]
    _say("running: " + " ".join(cmd))
    log = work / "linkinator.log"
    result.measured = run_measured(cmd, timeout_s, log)
    shutil.copyfile(log, out)
    broken: set[str] = set()
    urls: set[str] = set()
    pages: set[str] = set()
    portal_host = urlsplit(portal_base).netloc
    with open(out, encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(line for line in fh if line.startswith(("url,", '"http'))):
            url, state = row.get("url") or "", (row.get("state") or "").upper()
            urls.add(url)
            if state == "BROKEN":
                broken.add(crawl_tools.rel(url))
            elif urlsplit(url).netloc == portal_host and row.get("status") == "200" \
                    and urlsplit(url).path.endswith((".html", "/")):
                pages.add(url)
    # linkinator sends no User-Agent of its own (the server log cannot tell it apart): its CSV counts
    result.urls, result.broken, result.pages = len(urls), broken, len(pages)
    return result

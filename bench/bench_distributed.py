"""Benchmark of issue 12: the distributed crawl (1 vs 2 workers) and a 3-site overview run.

Usage (from the repository root)::

    .venv/bin/python bench/bench_distributed.py                    # 20,000 pages; overview of 3 sites
    .venv/bin/python bench/bench_distributed.py --pages 2000 --overview-pages 500   # quick look

1. Generates the benchmark portal (bench/crawl_portal.py, ``--pages``), serves it with nginx
   (bench/crawl_servers.py), starts a private ``redis-server`` on a free loopback port, and runs a
   full ``xunjian run --redis URL`` (crawl, checks, reports; ``--no-browser``) with 1 and then 2
   ``xunjian worker --once`` processes. Printed per mode: pages, crawl seconds and pages/s (the
   run's stats), wall seconds of the whole run, CPU seconds of every process (writer/checks and
   workers, from the kernel's accounting of reaped children, and redis-server's, from psutil),
   peak RSS of the writer's process tree and of each worker's (sampled every half second).
2. The overview run: two generated portals (``--overview-pages`` each, different seeds) and a dead
   third site in one ``xunjian run --site a --site b --site c`` (one machine, no Redis); prints
   the overview rows, the exit code, wall and CPU seconds and the run's peak RSS.

Figures are printed, never asserted. All traffic stays on 127.0.0.1/127.0.0.2; every server and
worker is stopped at the end and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crawl_portal  # noqa: E402 - bench modules live beside this script
import psutil  # noqa: E402
import crawl_servers  # noqa: E402
import crawl_tools  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="distributed crawl and multi-site overview benchmark (loopback)")
    p.add_argument("--pages", type=int, default=20000, help="pages of the distributed-crawl portal")
    p.add_argument("--overview-pages", type=int, default=2000, help="pages of each overview portal")
    p.add_argument("--concurrency", type=int, default=16, help="requests in flight per worker")
    p.add_argument("--timeout", type=float, default=3600, help="seconds allowed per run")
    p.add_argument("--workers", default="1,2", help="worker counts to measure (default: %(default)s)")
    p.add_argument("--skip-overview", action="store_true")
    p.add_argument("--skip-distributed", action="store_true")
    p.add_argument("--python-server", action="store_true", help="ThreadingHTTPServer instead of nginx")
    p.add_argument("--no-install", action="store_true", help="never apt-get anything")
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    return p.parse_args(argv)


class TreePeaks(threading.Thread):
    """Peak RSS (summed over each root's process tree) of processes this script does not wait
    for through ``run_measured``: the workers (``xunjian worker`` and its crawl child)."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.roots = {pid: psutil.Process(pid) for pid in pids}
        self.peaks = {pid: 0 for pid in pids}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            for pid, root in self.roots.items():
                try:
                    rss = sum(p.memory_info().rss for p in (root, *root.children(recursive=True)))
                except psutil.Error:
                    continue  # exited, or a child exited between listing and reading
                self.peaks[pid] = max(self.peaks[pid], rss)

    def stop(self) -> list[float]:
        self.stopped.set()
        self.join(timeout=5)
        return [round(v / 2**20, 1) for v in self.peaks.values()]


def _cpu_of(proc: subprocess.Popen | None) -> float:
    if proc is None:
        return 0.0
    times = psutil.Process(proc.pid).cpu_times()
    return times.user + times.system


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _profile(work: Path, name: str, base: str, pages: int, concurrency: int) -> Path:
    text = crawl_tools.PROFILE.format(portal=base, portal_host=urlsplit(base).netloc,
                                      max_pages=max(1000, pages * 3), concurrency=concurrency)
    path = work / f"{name}.yaml"
    path.write_text(text.replace("name: bench", f"name: {name}", 1), encoding="utf-8")
    return path


def _start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("[bench] redis-server is not installed: run scripts/setup.sh")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(work)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis
    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.RedisError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("[bench] redis-server did not start")


def _stats(db: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from crawler.store import Store
    store = Store(db)
    try:
        run_id = store.latest_run_id(complete_only=False)
        return {"run": dict(store.run(run_id)) | {"stats": store.run_stats(run_id)}, "run_id": run_id}
    finally:
        store.close()


def run_distributed(profile: Path, work: Path, redis_url: str, workers: int, timeout: float,
                    redis_proc: subprocess.Popen | None = None) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    db = work / "x.sqlite"
    cpu_before, redis_before = _cpu_children(), _cpu_of(redis_proc)
    procs = [subprocess.Popen([*crawl_tools.xunjian_command(), "worker", "--redis", redis_url, "--once"],
                              cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=open(work / f"worker{i}.log", "wb")) for i in range(workers)]
    peaks = TreePeaks([p.pid for p in procs])
    peaks.start()
    try:
        cmd = [*crawl_tools.xunjian_command(), "run", "--site", str(profile), "--redis", redis_url, "--db", str(db),
               "--out", str(work / "reports"), "--no-browser", "--quiet", "--fail-on", "none"]
        print(f"[bench] {workers} worker(s): " + " ".join(cmd), flush=True)
        measured = crawl_tools.run_measured(cmd, timeout, work / "run.log", cwd=REPO)
        for proc in procs:
            proc.wait(timeout=120)
    finally:
        worker_rss = peaks.stop()
        for proc in procs:
            if proc.poll() is None:
                crawl_tools._kill_group(proc)
    cpu_redis = _cpu_of(redis_proc) - redis_before
    cpu_total = _cpu_children() - cpu_before
    stats = _stats(db)["run"]["stats"]
    crawl_s = float(stats.get("elapsed_s") or 0)
    return {"workers": workers, "pages": stats.get("pages"), "crawl_s": crawl_s,
            "pages_per_s": round((stats.get("pages") or 0) / crawl_s, 1) if crawl_s else None,
            "wall_s": round(measured.seconds, 1), "cpu_s_total": round(cpu_total + cpu_redis, 1),
            "cpu_s_writer_checks": round(measured.cpu_s, 1),
            "cpu_s_workers": round(cpu_total - measured.cpu_s, 1), "cpu_s_redis": round(cpu_redis, 1),
            "peak_rss_mb_writer": round(measured.peak_rss_mb, 1),
            "peak_rss_mb_workers": worker_rss, "exit_code": measured.returncode,
            "worker_pages": stats.get("worker_pages")}


def run_overview(work: Path, pages: int, concurrency: int, timeout: float, python_server: bool,
                 install: bool) -> dict:
    servers = []
    profiles = []
    try:
        for i, seed in enumerate((20251122, 20251123)):
            ext_port = crawl_servers.free_port(crawl_servers.EXTERNAL_HOST)
            crawl_portal.generate(work / f"site{i}", pages, seed,
                                  external_base=f"http://{crawl_servers.EXTERNAL_HOST}:{ext_port}")
            srv = crawl_servers.start_servers(work / f"site{i}", work / f"server{i}",
                                              crawl_servers.free_port(crawl_servers.PORTAL_HOST), ext_port,
                                              prefer_nginx=not python_server, allow_install=install)
            servers.append(srv)
            profiles.append(_profile(work, f"portal-{i + 1}", srv.portal_base, pages, concurrency))
        dead_port = crawl_servers.free_port(crawl_servers.PORTAL_HOST)
        profiles.append(_profile(work, "dead-site", f"http://127.0.0.1:{dead_port}", 50, concurrency))
        cmd = [*crawl_tools.xunjian_command(), "run", *sum((["--site", str(p)] for p in profiles), []),
               "--db", str(work / "x.sqlite"), "--out", str(work / "reports"), "--no-browser", "--quiet",
               "--fail-on", "error", "--concurrency", str(2 * concurrency), "--parallel-sites", "3"]
        print("[bench] overview: " + " ".join(cmd), flush=True)
        measured = crawl_tools.run_measured(cmd, timeout, work / "overview.log", cwd=REPO)
    finally:
        for srv in servers:
            srv.stop()
    lines = [ln for ln in (work / "overview.log").read_text(encoding="utf-8", errors="replace").splitlines()
             if ln.strip() and not ln.startswith(("[", " "))]
    folder = Path(lines[-1]) if lines else None
    doc = json.loads((folder / "overview.json").read_text(encoding="utf-8")) if folder else {"sites": []}
    return {"wall_s": round(measured.seconds, 1), "cpu_s": round(measured.cpu_s, 1),
            "peak_rss_mb": round(measured.peak_rss_mb, 1), "exit_code": measured.returncode,
            "folder": str(folder),
            "rows": [{k: r[k] for k in ("site", "state", "veto", "exit_code", "pages", "coverage", "total")}
                     | {"by_severity": r["by_severity"]} for r in doc["sites"]]}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="xunjian-bench-dist-"))
    figures: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "pages": args.pages}
    redis_proc = servers = None
    try:
        if not args.skip_distributed:
            ext_port = crawl_servers.free_port(crawl_servers.EXTERNAL_HOST)
            manifest = crawl_portal.generate(tmp / "site", args.pages, 20251122,
                                             external_base=f"http://{crawl_servers.EXTERNAL_HOST}:{ext_port}")
            servers = crawl_servers.start_servers(tmp / "site", tmp / "server",
                                                  crawl_servers.free_port(crawl_servers.PORTAL_HOST), ext_port,
                                                  prefer_nginx=not args.python_server,
                                                  allow_install=not args.no_install)
            print(f"[bench] {manifest.pages} pages served by {servers.kind} at {servers.portal_base}", flush=True)
            redis_proc, url = _start_redis(tmp)
            profile = _profile(tmp, "bench", servers.portal_base, manifest.pages, args.concurrency)
            counts = [int(x) for x in args.workers.split(",")]
            figures["distributed"] = [run_distributed(profile, tmp / f"w{n}", url, n, args.timeout, redis_proc)
                                      for n in counts]
            print("\n| workers | pages | crawl s | pages/s | full run wall s | CPU s total | CPU s workers | "
                  "CPU s writer+checks | CPU s redis | peak RSS writer MB | peak RSS per worker MB | "
                  "pages per worker |")
            print("|---|---|---|---|---|---|---|---|---|---|---|---|")
            for f in figures["distributed"]:
                print(f"| {f['workers']} | {f['pages']} | {f['crawl_s']} | {f['pages_per_s']} | {f['wall_s']} | "
                      f"{f['cpu_s_total']} | {f['cpu_s_workers']} | {f['cpu_s_writer_checks']} | "
                      f"{f['cpu_s_redis']} | {f['peak_rss_mb_writer']} | "
                      f"{', '.join(str(n) for n in f['peak_rss_mb_workers'])} | "
                      f"{', '.join(str(n) for n in (f['worker_pages'] or {}).values())} |", flush=True)
        if not args.skip_overview:
            figures["overview"] = run_overview(tmp / "overview", args.overview_pages, args.concurrency,
                                               args.timeout, args.python_server, not args.no_install)
            o = figures["overview"]
            print(f"\n[bench] overview of 3 sites ({args.overview_pages} pages each + a dead site): "
                  f"wall {o['wall_s']} s, CPU {o['cpu_s']} s, peak RSS {o['peak_rss_mb']} MB, "
                  f"exit {o['exit_code']}; {o['folder']}")
            for row in o["rows"]:
                print(f"  {row}")
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    except KeyboardInterrupt:
        print("[bench] interrupted", file=sys.stderr)
        return 130
    finally:
        if servers:
            servers.stop()
        if redis_proc:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

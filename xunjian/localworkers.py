"""Local crawl workers: ``xunjian run --workers N`` crawls one site with N processes on this machine.

The run reuses the distributed crawl unchanged (docs/deployment.md): ``LocalWorkers`` starts a
PRIVATE ``redis-server`` (Debian's, installed by scripts/setup.sh) listening only on a unix socket
(mode 0700) in a private temp dir, with no TCP port and no persistence (``--save "" --appendonly
no``); the runner runs the ``--redis`` parent path on that URL (crawler/redis_writer.py: seeder, the
one store writer, then checks and reports) and, once the run's job is published, ``start_workers``
starts N crawl processes on it, each what ``xunjian worker --once`` would start
(``crawler.worker.start_child``: the ``portal-worker`` spider on the shared queue).
Workers never open the store, so such a crawl is always cold (``incremental: {"off":
"distributed"}``): nightly incremental runs stay single-process. A ``--workers`` run cut short
(Ctrl-C, kill) is stored incomplete and the next run WITHOUT ``--workers`` resumes it (every page it
stored was written whole); the next run with ``--workers`` says it does not, and crawls cold
(``xunjian.runner``; docs/deployment.md, "A --workers run cut short").

Teardown is always the same, on a normal end, an exception or Ctrl-C (``stop``, from ``__exit__``):
the workers' process groups are killed (a worker runs in a session of its own, so a terminal's
Ctrl-C reaches only the run, which stops them in this order), then redis-server's, then the temp
dir is removed; all of it before the run's checks start. If the run itself is killed outright (SIGKILL, OOM), the kernel kills the children
(``crawler.worker.die_with_parent``: PR_SET_PDEATHSIG), so no redis-server or worker outlives the
run (only the temp dir, a few KB, is left then). Start ``LocalWorkers`` from the thread that runs the crawl and outlives it (the CLI's main
thread): the kernel ties that signal to the starting thread.

``lost()`` is polled by the coordinator while the crawl runs: a worker that exits early is said once
(the lease machinery puts its requests back on the queue for the others); when none is left the
crawl fails (exit 1, the run is incomplete), never a silent pass.

Settings: ``--workers N`` (2..``MAX_WORKERS``), ``redis-server`` found on PATH, ``XUNJIAN_REDIS_LEASE_S``
as for any distributed crawl (crawler/distributed.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from config import ConfigError
from crawler.worker import die_with_parent
from xunjian.preflight import PreflightError

MAX_WORKERS = 32
REDIS_START_S = 10.0
REAP_S = 5.0


class RedisServerMissing(PreflightError):
    """``--workers`` without a redis-server on PATH; str() is the one-line error with the fix."""


def check_workers(count: int, redis_url: str | None) -> str:
    """The redis-server executable for ``--workers count``; ConfigError or RedisServerMissing
    (one line each) when the option cannot be honoured, before anything is crawled."""
    if not 2 <= count <= MAX_WORKERS:
        raise ConfigError(f"--workers {count}: give 2 to {MAX_WORKERS} processes "
                          "(a run without --workers crawls in one process)")
    if redis_url:
        raise ConfigError("--workers and --redis contradict each other: --workers starts its own private "
                          "redis-server; pass one of them")
    exe = shutil.which("redis-server")
    if exe is None:
        raise RedisServerMissing(f"--workers {count} needs redis-server, which is not installed (not on "
                                 "PATH); run scripts/setup.sh or `apt-get install redis-server`")
    return exe


class LocalWorkers:
    """A private redis-server and ``count`` local crawl workers (module docstring)."""

    def __init__(self, count: int, say: Callable[[str], None], redis_server: str | None = None):
        self.count, self.say = count, say
        self.redis_server = redis_server or check_workers(count, None)
        self.tmp: Path | None = None
        self.redis: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.exited_early: dict[int, int] = {}  # worker pid -> exit code, for those gone mid-crawl
        self.url = ""

    def __enter__(self) -> "LocalWorkers":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="xunjian-workers-"))  # mode 0700: the socket is ours
        socket_path = self.tmp / "redis.sock"
        with open(self.tmp / "redis.log", "wb") as log:
            self.redis = subprocess.Popen(
                [self.redis_server, "--port", "0", "--unixsocket", str(socket_path),
                 "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", str(self.tmp),
                 "--daemonize", "no"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=die_with_parent(signal.SIGKILL))
        self.url = f"unix://{socket_path}?db=0"
        self._wait_for_redis()

    def start_workers(self, prefix: str) -> None:
        """Start the N crawl processes on the run ``prefix`` the coordinator just published (what an
        ``xunjian worker --once`` would start for it, without that waiting process: 70 MB less each)."""
        from crawler.worker import start_child
        for _ in range(self.count):
            # stdout goes to stderr: the run's stdout carries only the report folder
            self.workers.append(start_child(self.url, prefix, start_new_session=True,
                                            stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno()))
        self.say(f"{self.count} local crawl workers (pids {', '.join(str(w.pid) for w in self.workers)}) "
                 f"on a private redis-server (pid {self.redis.pid}, {self.tmp / 'redis.sock'})")

    def _wait_for_redis(self) -> None:
        from crawler.distributed import connect
        import redis
        deadline = time.monotonic() + REDIS_START_S
        while True:
            try:
                connect(self.url).ping()
                return
            except redis.RedisError:
                if self.redis.poll() is not None or time.monotonic() > deadline:
                    log = (self.tmp / "redis.log").read_text(encoding="utf-8", errors="replace").strip()
                    last = log.splitlines()[-1] if log else "no output"
                    raise PreflightError(f"the private redis-server for --workers did not start ({last}); "
                                         "check `redis-server --version`, or run without --workers") from None
                time.sleep(0.05)

    def lost(self) -> str | None:
        """Polled while the crawl runs: says once each worker that exited, and ends its heartbeat so
        that the coordinator requeues its leased requests at its next poll instead of after
        ``XUNJIAN_REDIS_LEASE_S``; the failure when no worker is left."""
        for worker in self.workers:
            if worker.poll() is not None and worker.pid not in self.exited_early:
                self.exited_early[worker.pid] = worker.returncode
                self._end_heartbeat(worker.pid)
                self.say(f"local crawl worker (pid {worker.pid}) exited with {worker.returncode} before the "
                         "crawl ended; its requests go back to the queue for the other workers")
        if self.workers and len(self.exited_early) == len(self.workers):
            return f"all {len(self.workers)} local crawl workers exited before the crawl ended"
        return None

    def _end_heartbeat(self, pid: int) -> None:
        """Delete the heartbeat of the worker process ``pid`` (its id is ``host:pid:tag``, made by
        ``crawler.distributed.new_worker_id``): it is known dead here, no need to wait for expiry."""
        from crawler.distributed import WORKER_KEY, connect
        import redis
        try:
            server = connect(self.url)
            for key in server.scan_iter(match=f"{WORKER_KEY}*:{pid}:*"):
                server.delete(key)
        except redis.RedisError:
            pass  # the lease then expires by itself

    def summary(self) -> dict[str, object]:
        """The run stat ``local_workers``: how many were started, and those that exited mid-crawl."""
        return {"started": len(self.workers), "exited_early": sorted(self.exited_early.values())}

    def stop(self) -> None:
        """Workers first, then redis-server, then the temp dir, each killed with its process group:
        after a finished crawl the workers have reported (``Coordinator.finish`` waited for them) and
        only wait for the end; otherwise the run is incomplete and what they held lives only in this
        private Redis, so nothing is lost that a graceful stop would have kept."""
        for worker in self.workers:
            _kill_group(worker)
        if self.redis is not None:
            _kill_group(self.redis)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


def _wait(proc: subprocess.Popen, seconds: float) -> None:
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL to the process's whole group (anything it started too), then reaped; one line when
    it outlives ``REAP_S`` (stuck in the kernel), so a process left behind is never silent."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _wait(proc, REAP_S)
    if proc.poll() is None:
        print(f"xunjian: warning: --workers process {proc.pid} did not exit {REAP_S:.0f} s after "
              f"SIGKILL (stuck in the kernel?); check it with `ps -o pid,stat,args -p {proc.pid}`",
              file=sys.stderr)

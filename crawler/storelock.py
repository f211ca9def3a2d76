"""One writer per store: an advisory lock file beside the SQLite file, and process identity.

``StoreLock(db_path)`` takes an exclusive ``flock`` on ``<db>.lock``. The kernel releases it
when the last process holding the open file goes away, however it dies (``kill -9``
included), so a dead run never leaves a stale lock behind. ``xunjian run`` passes the lock's
file descriptor to its crawl child (``crawler.run.crawl(lock_fd=...)``): the store stays
locked until both the parent and the child are gone. A second run on the same store waits
(printing who holds it) or, with ``wait=False`` (``xunjian run --no-wait``), raises
``StoreBusy``. Readers (``xunjian report``, ``gate``, ``diff``) never take the lock: SQLite in
WAL mode lets them read while the run writes.

``process_identity()`` is what a run records as its owner (pid, host, start token: the
kernel boot id and the process start time, so a recycled pid is not mistaken for the
owner); ``owner_alive(pid, host, token, db_path)`` answers whether that owner still runs.
For an owner on another host the pid cannot be checked: the store lock decides.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from pathlib import Path
from typing import Any, Callable


class StoreBusy(RuntimeError):
    """Another process holds the store lock; str() is one line naming it and the fix."""


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat from field 3 (state) on; None when there is no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after the last ')'
    return raw.rsplit(")", 1)[-1].split()


def _start_time(pid: int) -> str | None:
    """The process start time in clock ticks since boot (field 22 of /proc/PID/stat)."""
    fields = _stat_fields(pid)
    return fields[19] if fields and len(fields) > 19 else None


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def start_token(pid: int) -> str:
    started = _start_time(pid)
    return f"{_boot_id()}:{started}" if started is not None else ""


def process_identity(pid: int | None = None) -> dict[str, Any]:
    pid = os.getpid() if pid is None else pid
    return {"pid": pid, "host": socket.gethostname(), "token": start_token(pid)}


def lock_is_held(db_path: str | Path) -> bool:
    """True when some process holds the store lock (probed without waiting)."""
    path = lock_path(db_path)
    if not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's lock, if it got one
    return False


def owner_alive(pid: int | None, host: str | None, token: str | None, db_path: str | Path) -> bool:
    """Does the process that started a run still run? Unknown owners count as gone."""
    if not pid:
        return False
    if host and host != socket.gethostname():
        return lock_is_held(db_path)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        pass
    fields = _stat_fields(int(pid))
    if fields and fields[0] in ("Z", "X"):  # killed, not yet reaped by its parent: gone all the same
        return False
    if token:
        current = start_token(int(pid))
        return current == "" or current == token
    return True


class StoreLock:
    """The exclusive write lock of one store (see the module docstring)."""

    def __init__(self, db_path: str | Path):
        self.path = lock_path(db_path)
        self.fd: int | None = None

    def holder(self) -> dict[str, Any]:
        try:
            return json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return {}

    def acquire(self, wait: bool = True, say: Callable[[str], None] | None = None) -> "StoreLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = self.holder()
            who = f"pid {held.get('pid', '?')} on {held.get('host', '?')}"
            if held.get("run_id"):
                who = f"run {held['run_id']} ({who})"
            if not wait:
                os.close(fd)
                raise StoreBusy(f"{self.path.with_suffix('')}: the store is in use by {who}; wait for it "
                                "to finish, drop --no-wait to queue, or pass another --db") from None
            if say:
                say(f"store {self.path.with_suffix('')} is in use by {who}; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        self.fd = fd
        self.note()
        return self

    def note(self, run_id: int | None = None) -> None:
        """Write who holds the lock into the lock file (for the waiting run's message)."""
        if self.fd is None:
            return
        data = json.dumps({**process_identity(), "run_id": run_id}).encode()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)

    def release(self) -> None:
        # close, never LOCK_UN: a crawl child that inherited the descriptor keeps the store
        # locked until it exits too (flock belongs to the open file, shared with the child)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "StoreLock":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

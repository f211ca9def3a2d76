"""The session's demo audit (tests/conftest.py ``demo_audit``): its record, everything it said
(``captured_output``) and private store copies (``copy_store``)."""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import sys
import tempfile
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from crawler.store import Finding
from xunjian import runner


@dataclass
class DemoAudit:
    result: runner.AuditResult
    findings: list[Finding]
    bases: dict[str, str]  # "portal" / "external" base URLs of the (now stopped) demo server
    stats: dict  # the run's stats, plus "a11y_audited_urls", "db" (the store) and "out" (the reports' root)
    live_passes: list = field(default_factory=list)  # the live page pass(es) started (checks/livepass.py)
    # what the run said: "log" (this process's records at DEBUG), "stdout" and "stderr" (this process
    # and its children: the crawl subprocess, Chromium), for tests/test_privacy_leaks.py
    output: dict[str, str] = field(default_factory=dict)


def copy_store(db: Path, dest: Path) -> Path:
    """A private copy of a store (SQLite's backup API: consistent whatever the journal mode)."""
    src, dst = sqlite3.connect(db), sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return dest


@contextmanager
def captured_output() -> Iterator[dict[str, str]]:
    """Capture the log records of this process at DEBUG and file descriptors 1 and 2 (so children
    writing to an inherited stdout/stderr are caught too); the dict is filled when the block ends."""
    output: dict[str, str] = {}
    log_text = io.StringIO()
    handler = logging.StreamHandler(log_text)
    handler.setFormatter(logging.Formatter("%(levelname)-8s %(name)s:%(filename)s:%(lineno)d %(message)s"))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sinks = {fd: tempfile.TemporaryFile() for fd in (1, 2)}
    saved: dict[int, int] = {}
    py_out, py_err = io.StringIO(), io.StringIO()  # this process's sys.stdout/sys.stderr writes
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        for fd, sink in sinks.items():
            saved[fd] = os.dup(fd)
            os.dup2(sink.fileno(), fd)
        with redirect_stdout(py_out), redirect_stderr(py_err):
            yield output
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        root.removeHandler(handler)
        root.setLevel(previous_level)
        fd_text = {}
        for fd, sink in sinks.items():
            sink.seek(0)
            fd_text[fd] = sink.read().decode("utf-8", errors="replace")
            sink.close()
        output.update({"log": log_text.getvalue(), "stdout": py_out.getvalue() + fd_text[1],
                       "stderr": py_err.getvalue() + fd_text[2]})

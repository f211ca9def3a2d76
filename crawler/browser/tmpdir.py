"""The temporary directory local Chromium gets: short enough for its singleton socket.

On Linux, Chromium makes a directory ``org.chromium.Chromium.XXXXXX`` in its ``TMPDIR`` and listens
on a Unix socket ``SingletonSocket`` in it. A Unix socket path holds at most 107 bytes (``sun_path``
is 108 with the terminating NUL), so under a ``TMPDIR`` longer than 62 characters (a deep CI
workspace, a long user name, pytest's temporary folders) Chromium exits at start-up and chromedriver
only says "Chrome instance exited". ``chromium_tmpdir()`` picks the folder Chromium is started with
as ``TMPDIR`` (chromedriver passes its environment on, crawler/browser/pool.py): Python's temporary
folder when it is short enough, else the first writable one of ``FALLBACK_DIRS``; when none fits it
raises ``TmpdirTooLong``, one line naming the cause and the fix (the pool raises it as its
``BrowserUnavailable``). The browsers'
``--user-data-dir`` folders stay in Python's temporary folder: their length does not matter.

Governed by the environment only (``TMPDIR``, or ``tempfile.tempdir`` in-process); no profile key.
"""

from __future__ import annotations

import os
import tempfile

SOCKET_PATH_MAX = 107  # bytes of a Unix socket path (sockaddr_un.sun_path is 108, with the NUL)
# what Chromium appends to its TMPDIR (base::CreateNewTempDirectory's XXXXXX, then the socket name)
SOCKET_SUFFIX = "/org.chromium.Chromium.XXXXXX/SingletonSocket"
MAX_TMPDIR_BYTES = SOCKET_PATH_MAX - len(SOCKET_SUFFIX)
FALLBACK_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


class TmpdirTooLong(RuntimeError):
    """No folder short enough for Chromium's singleton socket; str() is one line with the fix."""


def fits(folder: str) -> bool:
    """True when Chromium's singleton socket under ``folder`` stays within the socket path limit."""
    return len(os.fsencode(folder.rstrip("/") or "/")) <= MAX_TMPDIR_BYTES


def _usable(folder: str) -> bool:
    return fits(folder) and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)


def chromium_tmpdir(fallbacks: tuple[str, ...] | None = None) -> str:
    """The folder to give local Chromium as ``TMPDIR`` (see the module docstring)."""
    fallbacks = FALLBACK_DIRS if fallbacks is None else fallbacks
    preferred = tempfile.gettempdir()
    for folder in (preferred, *fallbacks):
        if _usable(folder):
            return folder
    raise TmpdirTooLong(
        f"the temporary folder {preferred} is too long for Chromium's singleton socket (a Unix socket "
        f"path holds {SOCKET_PATH_MAX} bytes; TMPDIR may have at most {MAX_TMPDIR_BYTES}) and none of "
        f"{', '.join(fallbacks) or '(no fallback)'} is a writable folder; set TMPDIR to a short writable "
        "folder (e.g. TMPDIR=/tmp) or set a11y.remote_url")

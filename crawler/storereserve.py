"""Room kept beside the store so that a run's end can be recorded on a full disk: ``<db>.reserve``.

When the store's disk fills up, the crawl stops and the run is recorded ``incomplete``
(``store-error``), which the next run does not resume but starts over (what a failing writer
committed may stop in the middle of a page: docs/operations.md, "A full disk"). Recording that is a
write to the same full disk. SQLite can often reuse the WAL room of the transaction that failed, but
not always (the run manifest alone is ~30 KB), and a run left ``running`` is found ``process-died``
by the next run, which resumes it: the wrong outcome. So the run that holds the store lock keeps
``RESERVE_BYTES`` of written (not sparse) data in ``<db>.reserve`` (made, or made again, when the run
starts: ``ensure_reserve``); the runner deletes it when recording the run's state fails for want
of room, and records again (``release_reserve``, xunjian/runner.py). The next run on a disk with
room makes it again.

No settings: the size is ``RESERVE_BYTES``, enough for the runner's last writes (the run row and
the manifest of a run that stopped).
"""

from __future__ import annotations

import os
from pathlib import Path

RESERVE_BYTES = 256 * 1024


def reserve_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.reserve")


def ensure_reserve(db_path: str | Path) -> bool:
    """Make ``<db>.reserve`` hold ``RESERVE_BYTES`` on the disk (call under the store lock); False
    when there is no room for it (nothing half-made is left: the run goes on without a reserve)."""
    path = reserve_path(db_path)
    try:
        if path.stat().st_blocks * 512 >= RESERVE_BYTES:
            return True
    except FileNotFoundError:
        pass
    except OSError:
        return False
    try:
        with open(path, "wb") as reserve:
            reserve.write(b"\0" * RESERVE_BYTES)  # written, not truncated to size: the blocks are taken
        return True
    except OSError:
        release_reserve(db_path)
        return False


def release_reserve(db_path: str | Path) -> bool:
    """Delete the reserve, giving its room to the store; False when there was none to give."""
    try:
        os.unlink(reserve_path(db_path))
        return True
    except OSError:
        return False

"""Checks before a run crawls anything: can the report folder and the store be written?

A run that crawls for an hour and then cannot write its report or its store wastes the
night and used to leave a run stored as complete without a report. ``check_outputs(out,
db)`` raises ``PreflightError`` (one line: the path, the problem, the fix) when:

* ``--out`` (or a folder above it) is a file, or the folder cannot be created or written;
* ``--db`` is not a SQLite file (checked by its 16-byte header; an empty file is a new
  store), is a folder, or its folder (or one above it) is a file or cannot be written.

Writability is probed by creating and removing a file, not by permission bits: those say
nothing when running as root or on a read-only mount.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


class PreflightError(Exception):
    """An output that cannot be written; str() is one line naming the path and the fix."""


def _blocking_file(path: Path) -> Path | None:
    """The first existing non-folder on the way to ``path`` (itself included), if any."""
    for part in [*reversed(path.parents), path]:
        if part.exists() and not part.is_dir():
            return part
        if not part.exists():
            return None
    return None


def _writable_folder(folder: Path, what: str, fix: str) -> None:
    blocker = _blocking_file(folder)
    if blocker is not None:
        where = "is a file" if blocker == folder else f"cannot be created: {blocker} is a file"
        raise PreflightError(f"{what} {folder}: {where}; {fix}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".xunjian-probe-"):
            pass
    except OSError as exc:
        raise PreflightError(f"{what} {folder}: not writable ({exc.strerror or exc}); {fix}") from None


def check_outputs(out_root: str | Path, db: str | Path) -> None:
    """Raise PreflightError when the report root or the store cannot be written."""
    out = Path(out_root)
    _writable_folder(out, "--out", "pass --out with a writable folder")
    db_path = Path(db)
    if db_path.is_dir():
        raise PreflightError(f"--db {db_path}: is a folder; pass --db with a file path, "
                             "e.g. xunjian-runs/xunjian.sqlite")
    _writable_folder(db_path.parent if str(db_path.parent) else Path("."), f"--db {db_path}: its folder",
                     "pass --db in a writable folder")
    if db_path.exists():
        try:
            with open(db_path, "rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise PreflightError(f"--db {db_path}: cannot be read ({exc.strerror or exc}); "
                                 "check its permissions or pass another --db") from None
        if header and header != SQLITE_HEADER:
            raise PreflightError(f"--db {db_path}: not a SQLite store (it holds other data); "
                                 "pass --db with a new file name or an existing xunjian store")
        if not os.access(db_path, os.W_OK):
            raise PreflightError(f"--db {db_path}: read-only file; make it writable or pass another --db")

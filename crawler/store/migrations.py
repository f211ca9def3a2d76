"""Opening a store file: refuse a newer schema, create missing tables, migrate an older one forward.

``open_schema(db, path)`` runs when ``Store`` opens a file. A file written by a newer xunjian
(``meta.schema_version`` above ``SCHEMA_VERSION``) is refused with a one-line error rather than
misread. Otherwise the DDL of ``crawler.store.schema`` runs (``IF NOT EXISTS``: only missing tables
and indexes are created), then every step of ``MIGRATIONS`` from the file's version up to the
current one, then the version and the random ``store_id`` are recorded.

Schema history (docs/store.md): v1 the first schema; v2 adds the owner, reason and manifest
columns of ``runs``, the ``store_id``, and turns v1's ``partial`` status into ``incomplete``.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from crawler.store.runs import INCOMPLETE
from crawler.store.schema import SCHEMA, SCHEMA_VERSION

# v1 -> v2: columns added to ``runs`` (name, type), in order
_RUNS_V2_COLUMNS = (("owner_pid", "INTEGER"), ("owner_host", "TEXT"), ("owner_token", "TEXT"),
                    ("reason_code", "TEXT"), ("reason_detail", "TEXT"), ("manifest", "TEXT"))


def _v1_to_v2(db: sqlite3.Connection) -> None:
    have = {r[1] for r in db.execute("PRAGMA table_info(runs)")}
    for name, kind in _RUNS_V2_COLUMNS:
        if name not in have:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
    db.execute("UPDATE runs SET status=?, reason_code='legacy-partial', reason_detail=? "
               "WHERE status='partial'", (INCOMPLETE, "stored as 'partial' by schema v1"))


# step that brings a file of version N to N + 1, by N
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2}


def stored_version(db: sqlite3.Connection) -> int | None:
    """The schema version a file records, None for a file with no store in it yet."""
    has_meta = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() if has_meta else None
    return int(row[0]) if row is not None else None


def store_id_row(db: sqlite3.Connection) -> sqlite3.Row | None:
    return db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()


def open_schema(db: sqlite3.Connection, path: Path) -> None:
    """Check, create and migrate the schema of a freshly opened connection."""
    version = stored_version(db)
    if version is not None and version > SCHEMA_VERSION:
        raise RuntimeError(f"{path}: store schema v{version} is newer than this xunjian (v{SCHEMA_VERSION}); "
                           "upgrade xunjian or use another --db")
    db.executescript(SCHEMA)  # CREATE ... IF NOT EXISTS: adds missing tables and indexes only
    if version is not None and version == SCHEMA_VERSION and store_id_row(db):
        return
    for step in range(version or SCHEMA_VERSION, SCHEMA_VERSION):
        MIGRATIONS[step](db)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    if not store_id_row(db):
        db.execute("INSERT INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex[:8],))
    db.commit()

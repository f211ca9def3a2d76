"""The tables of the store: DDL, schema version, which tables hold per-run rows.

Every table of the store file is declared here (the package owns them all; no other module
creates a table). ``SCHEMA`` is run with ``CREATE ... IF NOT EXISTS`` on every open, so a table
added without a version bump (``notfound_probes``, ``attachment_texts``, ``finding_first_seen``,
``ingested_batches``: the result batches a distributed crawl's writer stored, crawler/redis_writer.py;
``external_samples``, ``availability``) appears in an older file the first time it is opened; a
change to an existing table bumps ``SCHEMA_VERSION`` and adds a step to ``crawler.store.migrations``. An index is added the same
way as a new table (``resources_final``: older readers do not need it). docs/store.md describes the
columns for readers.
"""

from __future__ import annotations

SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS screenshots (
    hash TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS page_screenshots (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    reason TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (run_id, url, reason)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    profile_path TEXT,
    today TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    tool_version TEXT,
    stats TEXT NOT NULL DEFAULT '{}',
    owner_pid INTEGER,
    owner_host TEXT,
    owner_token TEXT,
    reason_code TEXT,
    reason_detail TEXT,
    manifest TEXT
);
CREATE TABLE IF NOT EXISTS ingested_batches (
    run_id INTEGER NOT NULL,
    batch TEXT NOT NULL,
    PRIMARY KEY (run_id, batch)
);
CREATE TABLE IF NOT EXISTS resources (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    in_scope INTEGER NOT NULL,
    method TEXT,
    status INTEGER,
    final_url TEXT,
    redirect_chain TEXT NOT NULL DEFAULT '[]',
    content_type TEXT,
    charset TEXT,
    size INTEGER,
    truncated INTEGER NOT NULL DEFAULT 0,
    elapsed_ms INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    depth INTEGER,
    title TEXT,
    error TEXT,
    error_class TEXT,
    skip_reason TEXT,
    headers TEXT NOT NULL DEFAULT '{}',
    anchors TEXT,
    content_hash TEXT,
    decode_errors INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE INDEX IF NOT EXISTS resources_final ON resources (run_id, final_url);
CREATE TABLE IF NOT EXISTS bodies (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    text_z BLOB NOT NULL,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS links (
    run_id INTEGER NOT NULL,
    source_url TEXT NOT NULL,
    target_url TEXT NOT NULL,
    fragment TEXT,
    raw_href TEXT NOT NULL,
    scheme TEXT NOT NULL,
    text TEXT,
    tag TEXT NOT NULL,
    attr TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS links_target ON links (run_id, target_url);
CREATE INDEX IF NOT EXISTS links_source ON links (run_id, source_url);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    page_url TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '{}',
    referrers TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, fingerprint)
);
CREATE INDEX IF NOT EXISTS findings_rule ON findings (run_id, rule_id);
CREATE TABLE IF NOT EXISTS notfound_probes (
    run_id INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER,
    final_url TEXT,
    redirect_chain TEXT NOT NULL DEFAULT '[]',
    title TEXT,
    h1 TEXT,
    size INTEGER,
    shingles TEXT NOT NULL DEFAULT '[]',
    error_class TEXT,
    skip_reason TEXT,
    fetched_at TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS a11y_results (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    engine TEXT,
    cache_key TEXT,
    reused INTEGER NOT NULL DEFAULT 0,
    result_z BLOB,
    error TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS attachment_texts (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    kind TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    size INTEGER,
    pages INTEGER NOT NULL DEFAULT 0,
    page_total INTEGER,
    text_z BLOB,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS page_parses (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    parse_z BLOB NOT NULL,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS finding_first_seen (
    site TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    first_run_id INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (site, fingerprint)
);
CREATE TABLE IF NOT EXISTS external_samples (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    title TEXT,
    text TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS availability (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    status INTEGER,
    elapsed_ms INTEGER,
    ok INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS availability_site_time ON availability (site, checked_at);
"""

# Tables holding rows keyed by ``run_id``: deleting a run (retention) deletes its rows from each.
# ``finding_first_seen`` and ``availability`` (probe results between runs) are keyed by site and
# outlive the runs on purpose.
RUN_TABLES = ("findings", "resources", "bodies", "links", "a11y_results", "notfound_probes",
              "attachment_texts", "page_parses", "page_screenshots", "ingested_batches",
              "external_samples")

RESOURCE_COLUMNS = (
    "url", "kind", "in_scope", "method", "status", "final_url", "redirect_chain", "content_type",
    "charset", "size", "truncated", "elapsed_ms", "attempts", "depth", "title", "error",
    "error_class", "skip_reason", "headers", "anchors", "content_hash", "decode_errors", "fetched_at",
)

"""Run history: matching findings across runs, first-seen dates, trends and retention.

Findings are matched across runs of the same site by their stable fingerprint
(``crawler.store.fingerprint``: rule, page, target). Against the *previous run*
(the newest earlier *complete* run of the same site), a finding of a run is
``new`` or ``persisting``; a finding of the previous run that is gone is ``fixed``.

Only complete runs count as history: ``latest`` / ``latest~N``, the previous
run and the trend skip incomplete and still-running runs (an explicit run id
still reaches them; ``get_run`` adds the effective ``state``).

First-seen dates must survive retention pruning, so the store keeps them in a
table of their own keyed by site (``crawler.store.history``). Readers never write:
``first_seen`` combines that table with the findings still stored, so ``xunjian
report`` and ``gate`` work while a run holds the store. The table is refreshed by
the writers: ``xunjian run`` after its checks and ``prune`` before it deletes runs.
The store answers every question asked here; this module decides what they mean.

Retention (``xunjian prune --keep-days N``) deletes runs whose "today" is more
than N days before the reference date, with all their facts and findings, but
never the latest run of a site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from crawler.store import Finding, Store

# Rules whose findings count as "broken links" in the trend chart.
BROKEN_LINK_RULES = ("link-broken", "link-broken-home")


class RunNotFound(LookupError):
    """A run id or spec that the store does not hold; str() is a one-line message."""


@dataclass
class RunDiff:
    """The difference between a base run and a head run of the same site."""

    base_run: int | None
    head_run: int
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    persisting: list[Finding] = field(default_factory=list)

    def status_of(self) -> dict[str, str]:
        """fingerprint -> "new" | "persisting" for every finding of the head run."""
        out = {f.fingerprint: "new" for f in self.new}
        out.update({f.fingerprint: "persisting" for f in self.persisting})
        return out


def get_run(store: Store, run_id: int) -> dict[str, Any]:
    row = store.run(run_id)
    if row is None:
        raise RunNotFound(f"run {run_id} is not in {store.path}; list runs with `xunjian diff --list`")
    out = dict(row)
    try:
        out["stats"] = json.loads(out.get("stats") or "{}")
    except ValueError:
        out["stats"] = {}
    out["state"] = store.run_state(row)
    return out


def newer_unfinished(store: Store, run_id: int) -> list[tuple[int, Any]]:
    """(id, RunState) of the runs of the same site newer than ``run_id`` that are not complete:
    what ``latest`` skipped, for a one-line note."""
    site = get_run(store, run_id)["site"]
    newer = sorted(store.runs(site, complete_only=False), key=lambda r: r["id"])
    states = [(int(r["id"]), store.run_state(r)) for r in newer if r["id"] > run_id]
    # a crawl cut short and then resumed by a later run is superseded by it, not pending
    return [(rid, state) for rid, state in states if not state.complete and store.resumed_by(rid) is None]


def resolve_run(store: Store, spec: str | int | None, site: str | None = None) -> int:
    """Turn ``latest``, ``latest~1`` (the complete run before) or a number into a run id;
    ``latest`` means the newest *complete* run."""
    spec = "latest" if spec in (None, "") else str(spec).strip()
    if spec.startswith("latest"):
        back = 0
        if spec != "latest":
            try:
                back = int(spec.split("~", 1)[1])
            except (IndexError, ValueError):
                raise RunNotFound(f"run {spec!r}: write a run id, 'latest' or 'latest~N'") from None
        rows = store.runs(site, limit=back + 1, complete_only=True)
        if len(rows) <= back:
            where = f" of site {site!r}" if site else ""
            raise RunNotFound(f"run {spec!r}: the store {store.path} holds only {len(rows)} complete run(s)"
                              f"{where}; list every run with `xunjian diff --list`")
        return int(rows[back]["id"])
    try:
        run_id = int(spec)
    except ValueError:
        raise RunNotFound(f"run {spec!r}: write a run id, 'latest' or 'latest~N'") from None
    get_run(store, run_id)
    return run_id


def previous_run_id(store: Store, run_id: int) -> int | None:
    """The newest earlier complete run of the same site (None for the first run)."""
    run = get_run(store, run_id)
    rows = store.runs(run["site"], limit=1, complete_only=True, before=run_id)
    return int(rows[0]["id"]) if rows else None


def compare(store: Store, base_run: int | None, head_run: int) -> RunDiff:
    """new / fixed / persisting findings of ``head_run`` against ``base_run``."""
    head = store.findings(head_run)
    base = store.findings(base_run) if base_run is not None else []
    base_fps = {f.fingerprint for f in base}
    head_fps = {f.fingerprint for f in head}
    diff = RunDiff(base_run=base_run, head_run=head_run)
    for f in head:
        (diff.persisting if f.fingerprint in base_fps else diff.new).append(f)
    diff.fixed = [f for f in base if f.fingerprint not in head_fps]
    return diff


def changes_since_previous(store: Store, run_id: int) -> RunDiff:
    return compare(store, previous_run_id(store, run_id), run_id)


def refresh_first_seen(store: Store, site: str) -> None:
    """Record the earliest run each fingerprint of ``site`` was seen in (kept across pruning)."""
    store.refresh_first_seen(site)


def first_seen(store: Store, run_id: int) -> dict[str, tuple[int, str]]:
    """fingerprint -> (first run id, first-seen date) for every finding of ``run_id``: the
    earlier of the stored findings and the kept table (runs pruned since). Read-only."""
    return store.first_seen(run_id, get_run(store, run_id)["site"])


def trend(store: Store, run_id: int, limit: int = 30) -> list[dict[str, Any]]:
    """Per complete run (oldest first, up to ``run_id``): findings by severity and by rule, pages,
    broken links. Incomplete runs are left out: a night that never finished is not a night of 0 findings."""
    run = get_run(store, run_id)
    rows = store.runs(run["site"], limit=limit, complete_only=True, before=run_id + 1)
    points = []
    for row in reversed(rows):
        by_sev = store.findings_by_severity(row["id"])
        by_rule = store.findings_by_rule(row["id"])
        broken = store.count_findings(row["id"], BROKEN_LINK_RULES)
        try:
            stats = json.loads(row["stats"] or "{}")
        except ValueError:
            stats = {}
        pages = stats.get("pages")
        points.append({
            "run_id": int(row["id"]), "today": row["today"],
            "by_severity": {s: int(by_sev.get(s, 0)) for s in ("info", "warning", "error", "critical")},
            "total": int(sum(by_sev.values())),
            "pages": pages if isinstance(pages, int) else None,
            "broken_links": int(broken),
            "by_rule": by_rule,  # the report's verdict and deduction trends (reports/html_report.py)
        })
    return points


def prune(store: Store, keep_days: int, today: date, site: str | None = None,
          dry_run: bool = False) -> list[int]:
    """Delete runs judged more than ``keep_days`` before ``today``; never a site's latest run nor
    its latest complete run (the baseline of the next comparison).

    Returns the ids of the runs deleted (or that would be, with ``dry_run``).
    """
    if keep_days < 0:
        raise ValueError(f"keep_days must be 0 or more, got {keep_days}")
    cutoff = (today - timedelta(days=keep_days)).isoformat()
    sites = [site] if site else store.sites()
    doomed: list[int] = []
    for name in sites:
        keep = {store.latest_run_id(name, complete_only=False), store.latest_run_id(name)} - {None}
        # first-seen dates must outlive the runs that carry them
        refresh_first_seen(store, name)
        doomed.extend(rid for rid in store.run_ids_judged_before(name, cutoff) if rid not in keep)
    if dry_run or not doomed:
        return doomed
    store.delete_runs(doomed)
    return doomed


def open_store(db: str | Path) -> Store:
    """Open an existing store for reading history (never creates an empty one by mistake)."""
    if not Path(db).is_file():
        raise RunNotFound(f"{db}: no such store; run `xunjian run --site PROFILE` first or pass --db PATH")
    return Store(db)

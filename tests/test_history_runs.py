"""Run history on a real SQLite store: new / fixed / persisting across runs, first-seen
dates that survive pruning, retention that never deletes the latest run, and ``xunjian diff``."""

from __future__ import annotations

import json
from datetime import date

import pytest

from crawler.store import RUN_TABLES, Finding, Store
from reports import history
from xunjian.cli import main

BASE = "http://127.0.0.1:8710"


def _f(rule: str, page: str, sev: str = "error", target: str = "") -> Finding:
    return Finding(rule, sev, f"{BASE}{page}", f"{rule} 于 {page}", f"{rule} at {page}", target=target)


def _run(store: Store, today: str, findings: list[Finding], site: str = "demo", finish: bool = True) -> int:
    rid = store.start_run(site, today)
    for f in findings:
        store.put_finding(rid, f)
    store.put_resource(rid, url=f"{BASE}/", kind="page", in_scope=True, status=200)
    store.put_links(rid, [{"source_url": f"{BASE}/", "target_url": f"{BASE}/a", "raw_href": "a", "scheme": "http",
                           "tag": "a", "attr": "href", "position": 0}])
    store.put_body(rid, f"{BASE}/", "<html></html>")
    if finish:
        store.finish_run(rid, "complete", {"pages": 1})
    store.commit()
    return rid


@pytest.fixture
def two_runs(tmp_path):
    store = Store(tmp_path / "h.sqlite")
    a, b, c = _f("link-broken", "/a"), _f("link-broken", "/b"), _f("column-blank", "/c", "critical", "栏目")
    d = _f("link-broken", "/d")
    first = _run(store, "2026-11-01", [a, b, c])
    second = _run(store, "2026-11-02", [b, c, d])
    yield store, first, second, {"a": a, "b": b, "c": c, "d": d}
    store.close()


def test_new_fixed_persisting_between_two_runs(two_runs):
    store, first, second, f = two_runs
    diff = history.changes_since_previous(store, second)
    assert diff.base_run == first
    assert [x.fingerprint for x in diff.new] == [f["d"].fingerprint]
    assert [x.fingerprint for x in diff.fixed] == [f["a"].fingerprint]
    assert {x.fingerprint for x in diff.persisting} == {f["b"].fingerprint, f["c"].fingerprint}
    assert diff.status_of() == {f["d"].fingerprint: "new", f["b"].fingerprint: "persisting",
                                f["c"].fingerprint: "persisting"}
    first_diff = history.changes_since_previous(store, first)
    assert first_diff.base_run is None and len(first_diff.new) == 3 and not first_diff.fixed


def test_previous_run_skips_unfinished_runs_and_other_sites(two_runs):
    store, first, second, f = two_runs
    _run(store, "2026-11-03", [], site="other")
    crashed = _run(store, "2026-11-03", [], finish=False)  # no finished_at: not a baseline for diffs
    third = _run(store, "2026-11-04", [f["b"]])
    assert history.previous_run_id(store, third) == second
    assert history.previous_run_id(store, crashed) == second
    diff = history.changes_since_previous(store, third)
    assert {x.fingerprint for x in diff.fixed} == {f["c"].fingerprint, f["d"].fingerprint}


def test_first_seen_survives_pruning_and_latest_run_is_never_pruned(two_runs):
    store, first, second, f = two_runs
    seen = history.first_seen(store, second)
    assert seen[f["b"].fingerprint] == (first, "2026-11-01")
    assert seen[f["d"].fingerprint] == (second, "2026-11-02")
    # keep 0 days a month later: everything is old, but the latest run stays
    gone = history.prune(store, keep_days=0, today=date(2026, 12, 1), dry_run=True)
    assert gone == [first]
    assert store.run(first) is not None  # dry run deleted nothing
    assert history.prune(store, keep_days=0, today=date(2026, 12, 1)) == [first]
    assert store.run(first) is None and store.run(second) is not None
    for table in RUN_TABLES:
        assert store.db.execute(f"SELECT COUNT(*) FROM {table} WHERE run_id=?", (first,)).fetchone()[0] == 0
    assert store.db.execute("SELECT COUNT(*) FROM links WHERE run_id=?", (second,)).fetchone()[0] == 1
    assert history.first_seen(store, second)[f["b"].fingerprint] == (first, "2026-11-01")
    # pruning again removes nothing: the only run left is the latest
    assert history.prune(store, keep_days=0, today=date(2027, 1, 1)) == []


def test_prune_keeps_recent_runs_per_site(tmp_path):
    store = Store(tmp_path / "p.sqlite")
    ids = [_run(store, f"2026-10-{d:02d}", [_f("link-broken", f"/{d}")]) for d in (1, 10, 20, 30)]
    other = _run(store, "2026-09-01", [], site="other")  # old, but the latest of its site
    assert history.prune(store, keep_days=15, today=date(2026, 10, 31)) == ids[:2]
    assert store.run(other) is not None and store.run(ids[2]) is not None
    with pytest.raises(ValueError):
        history.prune(store, keep_days=-1, today=date(2026, 10, 31))
    store.close()


def test_resolve_run_specs(two_runs):
    store, first, second, _f = two_runs
    assert history.resolve_run(store, "latest") == second
    assert history.resolve_run(store, "latest~1") == first
    assert history.resolve_run(store, str(first)) == first
    for bad, message in (("latest~5", "holds only 2 complete run"), ("abc", "write a run id"),
                         ("77", "run 77 is not in")):
        with pytest.raises(history.RunNotFound, match=message):
            history.resolve_run(store, bad)


def test_diff_command(two_runs, capsys):
    store, first, second, f = two_runs
    db = str(store.path)
    store.commit()
    assert main(["diff", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"run {first} -> run {second}: 1 new, 1 fixed, 2 persisting"
    assert out[1].startswith("+ [error] link-broken  http://127.0.0.1:8710/d")
    assert out[2].startswith("- [error] link-broken  http://127.0.0.1:8710/a")
    assert len(out) == 3
    assert main(["diff", str(first), str(second), "--db", db, "--all"]) == 0
    assert sum(1 for ln in capsys.readouterr().out.splitlines() if ln.startswith("= ")) == 2
    assert main(["diff", str(first), str(second), "--db", db, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [x["fingerprint"] for x in doc["fixed"]] == [f["a"].fingerprint] and len(doc["persisting"]) == 2
    assert main(["diff", "1", "99", "--db", db]) == 2
    assert "run 99 is not in" in capsys.readouterr().err
    assert main(["diff", "--db", db + ".missing"]) == 2
    assert main(["diff", "--list", "--db", db]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_diff_command_neutralises_terminal_escapes(tmp_path, capsys):
    store = Store(tmp_path / "e.sqlite")
    _run(store, "2026-11-01", [])
    _run(store, "2026-11-02", [_f("link-broken", "/\x1b]0;pwned\x07x")])
    store.close()
    assert main(["diff", "--db", str(tmp_path / "e.sqlite")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "?]0;pwned?x" in out


def test_prune_command(tmp_path, capsys):
    store = Store(tmp_path / "r.sqlite")
    old = _run(store, "2026-01-01", [])
    latest = _run(store, "2026-01-02", [])
    store.close()
    db = str(tmp_path / "r.sqlite")
    assert main(["prune", "--db", db, "--keep-days", "30", "--today", "2026-06-01", "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == f"would delete 1 run(s): {old}"
    assert main(["prune", "--db", db, "--keep-days", "30", "--today", "2026-06-01", "--vacuum"]) == 0
    assert capsys.readouterr().out.strip() == f"deleted 1 run(s): {old}"
    assert main(["prune", "--db", db, "--keep-days", "-3"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["prune", "--db", db])  # --keep-days is required: a usage error
    assert exc.value.code == 2
    reopened = Store(db)
    assert [r["id"] for r in reopened.runs()] == [latest]
    reopened.close()


def test_report_counts_fixed_only_for_rules_that_ran_again(tmp_path):
    from checks.base import Rule
    from reports import model

    rules = {rid: Rule(rid, rid, rid, "error", "basis [S]", "fix", "fix") for rid in ("link-broken", "column-blank")}
    store = Store(tmp_path / "m.sqlite")
    _run(store, "2026-11-01", [_f("link-broken", "/a"), _f("column-blank", "/c")])
    second = _run(store, "2026-11-02", [])
    thresholds = {"assessment": {"veto_items": []}, "rules": {"column-blank": {"enabled": False}}}
    doc = model.build(store, second, rules=rules, thresholds=thresholds)
    assert [f["rule_id"] for f in doc["fixed"]] == ["link-broken"] and doc["summary"]["fixed"] == 1
    assert {f.rule_id for f in history.changes_since_previous(store, second).fixed} == {"link-broken", "column-blank"}
    store.close()


def test_trend_covers_the_last_30_runs_of_the_site(tmp_path):
    store = Store(tmp_path / "t.sqlite")
    for n in range(33):
        _run(store, f"2026-{10 + n // 28:02d}-{1 + n % 28:02d}",
             [_f("link-broken", f"/{i}") for i in range(n % 4)] + [_f("column-blank", "/c", "warning")])
    _run(store, "2026-12-01", [_f("link-broken", "/x")], site="other")
    latest = store.latest_run_id("demo")
    points = history.trend(store, latest)
    assert len(points) == 30 and points[-1]["run_id"] == latest and points[0]["run_id"] == latest - 29
    assert [p["broken_links"] for p in points[-4:]] == [(n % 4) for n in range(29, 33)]
    assert points[-1]["by_severity"] == {"info": 0, "warning": 1, "error": 0, "critical": 0}
    assert all(p["pages"] == 1 for p in points)
    store.close()


def test_incomplete_runs_are_not_history(tmp_path):
    """An incomplete run is neither "latest", nor a base for new/fixed, nor a point of the trend;
    pruning keeps the latest complete run as well as the newest one."""
    store = Store(tmp_path / "i.sqlite")
    old = _run(store, "2026-01-01", [_f("link-broken", "/a")])
    good = _run(store, "2026-01-02", [_f("link-broken", "/a")])
    bad = _run(store, "2026-01-03", [], finish=False)
    store.finish_run(bad, "incomplete", reason=("crawl-killed", "killed"))
    after = _run(store, "2026-01-04", [])
    assert history.resolve_run(store, "latest~1") == good
    assert history.previous_run_id(store, after) == good  # not the killed night: /a is fixed, not lost
    assert [f.rule_id for f in history.changes_since_previous(store, after).fixed] == ["link-broken"]
    assert [p["run_id"] for p in history.trend(store, after)] == [old, good, after]
    store.finish_run(after, "incomplete", reason=("check-crashed", "boom"))
    assert history.resolve_run(store, "latest") == good
    assert history.prune(store, keep_days=0, today=date(2026, 2, 1)) == [old, bad]
    store.close()

"""The CI gate on real stored runs: assertions that fail and pass, every filter, baseline
entries that expire by date, configuration errors, and the 0 / 1 / 2 exit-code contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from config import ConfigError
from xunjian import baseline, gate
from xunjian.cli import main
from tests.test_reports_data import LATEST_FINDINGS, TEST_RULES, build_store

TODAY = date(2026, 11, 21)
VETO = [{"id": "V2", "title_en": "Site unreachable", "rules": ["home-unreachable"]},
        {"id": "V4", "title_en": "Columns not updated", "rules": ["veto-v4c-blank-columns"]}]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    store, prev, latest = build_store(root / "store.sqlite", older_runs=1)
    yield store, prev, latest, root
    store.close()


def _eval(stored, assertions, baseline_path=None, today=TODAY):
    store, _prev, latest, _root = stored
    return gate.evaluate(store, latest, {"assertions": assertions}, baseline_path, today,
                         veto_items=VETO, rules=TEST_RULES)


@pytest.mark.parametrize("assertion, count", [
    ({"rules": ["link-broken-home"]}, 1),
    ({"rules": ["link-*"]}, 1 + 41 + 1),
    ({"min_severity": "error"}, 1 + 43),
    ({"severity": ["warning"]}, 3),
    ({"min_severity": "error", "new_only": True}, 43 - 1),  # link-broken-home persists
    ({"rules": ["a11y-*"], "impact": ["serious", "critical"]}, 2),
    ({"rules": ["a11y-*"], "impact": "critical"}, 1),
    ({"url_pattern": r"/old/0[0-4]\d\.html$"}, 40),
    ({"assessment": "deduction"}, 42),
    ({"assessment": ["veto"], "rules": ["veto-*"]}, 1),
])
def test_filters_count_the_right_findings(stored, assertion, count):
    over = _eval(stored, [{"name": "x", **assertion, "max": count - 1}])
    assert not over.passed and over.exit_code == 1
    assert over.outcomes[0].count == count
    assert over.failures[0].startswith(f"gate: x: {count} matching finding(s), at most {count - 1} allowed")
    at = _eval(stored, [{"name": "x", **assertion, "max": count}])
    assert at.passed and at.exit_code == 0 and at.failures == []


def test_veto_assertion_and_warn_level(stored):
    result = _eval(stored, [{"name": "veto", "veto": "no-fail"},
                            {"name": "soft", "rules": ["link-broken"], "max": 0, "level": "warn"}])
    assert [o.passed for o in result.outcomes] == [False, False]
    assert result.failures == [result.failures[0]] and "V4 Columns not updated" in result.failures[0]
    assert "veto-v4c-blank-columns" in result.failures[0]
    assert any(w.startswith("gate: soft: 41 matching") for w in result.warnings)
    lines = gate.format_result(result)
    assert lines[0].startswith("FAIL  veto:") and lines[1].startswith("WARN  soft:")
    assert lines[-1] == "gate FAILED: 1 assertion(s)"
    only_warn = _eval(stored, [{"name": "soft", "rules": ["link-broken"], "max": 0, "level": "warn"}])
    assert only_warn.passed and only_warn.exit_code == 0


def test_baseline_accepts_until_expiry(stored, tmp_path):
    store, _prev, latest, _root = stored
    path = tmp_path / "baseline.json"
    n = baseline.write(store, latest, path, reason="CMS vendor fixes in December", expires=date(2026, 12, 31),
                       today=TODAY, rules=["link-broken-home", "veto-v4c-blank-columns"])
    assert n == 2
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["from_run"] == latest and {e["rule_id"] for e in doc["entries"]} == {
        "link-broken-home", "veto-v4c-blank-columns"}
    assertions = [{"name": "veto", "veto": "no-fail"}, {"name": "home", "rules": ["link-broken-home"]}]
    assert not _eval(stored, assertions).passed
    accepted = _eval(stored, assertions, path, today=date(2026, 12, 31))  # the expiry day is still covered
    assert accepted.passed and accepted.suppressed == 2
    expired = _eval(stored, assertions, path, today=date(2027, 1, 1))
    assert not expired.passed and len(expired.failures) == 2
    assert sum("expired on 2026-12-31" in w for w in expired.warnings) == 2


def test_baseline_write_filters_and_validation(stored, tmp_path):
    store, _prev, latest, _root = stored
    path = tmp_path / "b.json"
    assert baseline.write(store, latest, path, reason="r", expires=TODAY, today=TODAY,
                          min_severity="error") == 1 + 43
    assert len(baseline.load(path)) == 44
    with pytest.raises(ConfigError, match="before today"):
        baseline.write(store, latest, path, reason="r", expires=date(2026, 1, 1), today=TODAY)
    with pytest.raises(ConfigError, match="reason is empty"):
        baseline.write(store, latest, path, reason=" ", expires=TODAY, today=TODAY)
    bad = tmp_path / "bad.json"
    cases = [
        ("{not json", "not valid JSON/YAML"),
        (json.dumps({"entries": [{"fingerprint": "x", "reason": "r", "expires": "someday"}]}), "not a date"),
        (json.dumps({"entries": [{"fingerprint": "x", "expires": "2026-12-01"}]}), "reason: missing"),
        (json.dumps({"xunjian_baseline": 9, "entries": []}), "newer than this xunjian"),
        (json.dumps([1, 2]), "not a baseline file"),
    ]
    for text, message in cases:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            baseline.load(bad)
    with pytest.raises(ConfigError, match="baseline file not found"):
        baseline.load(tmp_path / "nope.json")
    yaml_file = tmp_path / "b.yaml"  # hand-written YAML baselines are read too
    yaml_file.write_text(yaml.safe_dump({"entries": [{"fingerprint": LATEST_FINDINGS[0].fingerprint,
                                                      "reason": "ok", "expires": "2026-12-01"}]}), encoding="utf-8")
    assert baseline.load(yaml_file)[0].expires == date(2026, 12, 1)


@pytest.mark.parametrize("config, message", [
    ({"assertions": [{"name": "a", "maxx": 0}]}, "assertions\\[0\\].maxx: unknown key; did you mean 'max'"),
    ({"assertion": []}, "gate.assertion: unknown key; did you mean 'assertions'"),
    ({"assertions": [{"max": -1}]}, "gate.assertions\\[0\\].max: -1 is out of range; use a number at least 0"),
    ({"assertions": [{"min_severity": "fatal"}]}, "severity 'fatal' unknown"),
    ({"assertions": [{"url_pattern": "("}]}, "bad regular expression"),
    ({"assertions": [{"veto": "no-fail", "max": 2}]}, "'veto' cannot be combined with max"),
    ({"assertions": [{"level": "loud"}]}, "must be 'error' or 'warn'"),
    ({"assertions": [{"assessment": "bonus"}]}, "'bonus' unknown"),
    ({"assertions": "all"}, "expected a list"),
])
def test_config_errors_name_the_key(config, message):
    with pytest.raises(ConfigError, match=message):
        gate.check_config(config)


def test_default_gate_section_is_valid():
    from config import load_thresholds
    assertions = gate.check_config(load_thresholds()["gate"])
    assert any(a.get("veto") for a in assertions)


def _write_rules(path: Path, gate_section: dict) -> Path:
    from config import RULES_FILE
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    data["gate"] = gate_section
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_gate_command_exit_codes(stored, tmp_path, capsys):
    _store, _prev, latest, root = stored
    db = str(root / "store.sqlite")
    failing = _write_rules(tmp_path / "fail.yaml", {"assertions": [{"name": "home", "rules": ["link-broken-home"]}]})
    passing = _write_rules(tmp_path / "pass.yaml", {"assertions": [{"name": "few", "rules": ["home-*"], "max": 0}]})
    broken = _write_rules(tmp_path / "broken.yaml", {"assertions": [{"name": "x", "rulez": ["a"]}]})

    assert main(["gate", "--db", db, "--rules", str(failing), "--today", "2026-11-21"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  home: 1 matching finding(s), at most 0 allowed: link-broken-home" in out
    assert out.rstrip().endswith("gate FAILED: 1 assertion(s)")
    assert main(["gate", str(latest), "--db", db, "--rules", str(passing)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("gate passed")
    assert main(["gate", "--db", db, "--rules", str(broken)]) == 2
    assert "rulez: unknown key; did you mean 'rules'?" in capsys.readouterr().err
    assert main(["gate", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert main(["gate", "--db", db, "--baseline", str(tmp_path / "none.json")]) == 2
    assert "baseline file not found" in capsys.readouterr().err

    bl = tmp_path / "accept.json"
    assert main(["baseline", "--db", db, "--out", str(bl), "--reason", "known", "--days", "10",
                 "--rule", "link-broken-home", "--today", "2026-11-21"]) == 0
    assert "wrote 1 accepted finding(s)" in capsys.readouterr().out
    assert main(["gate", "--db", db, "--rules", str(failing), "--baseline", str(bl), "--today", "2026-11-30"]) == 0
    assert main(["gate", "--db", db, "--rules", str(failing), "--baseline", str(bl), "--today", "2026-12-02"]) == 1
    assert "expired on 2026-12-01" in capsys.readouterr().out
    assert main(["baseline", "--db", db, "--out", str(bl), "--reason", "x", "--days", "-1"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["baseline", "--db", db, "--out", str(bl), "--reason", "x"])  # no expiry: usage error
    assert exc.value.code == 2


def test_report_and_gate_share_one_veto_evaluation(tmp_path):
    """A veto item whose rules did not run (module disabled in the run manifest): the report says
    "incomplete" and the gate's veto assertion fails with the reason; never a report/gate split."""
    from checks import manifest
    from crawler.store import Store
    from reports import model
    veto = [{"id": "V4", "title_en": "Columns not updated", "rules": ["veto-v4c-blank-columns"]},
            {"id": "V1", "title_en": "Security incidents", "rules": []}]
    store = Store(tmp_path / "v.sqlite")
    rid = store.start_run("demo", "2026-11-21")
    recorded = manifest.legacy({"assessment": {"veto_items": veto}})
    recorded["modules"]["columns"]["status"] = manifest.DISABLED
    store.put_manifest(rid, recorded)
    store.finish_run(rid, "complete")
    doc = model.build(store, rid)
    assert doc["verdict"]["veto"] == "incomplete"
    assert [(v["id"], v["status"], v["reason"]) for v in doc["veto_items"]] == [
        ("V4", "not_checked", "not_run"), ("V1", "not_checked", "no_rule")]
    result = gate.evaluate(store, rid, {"assertions": [{"name": "veto", "veto": "no-fail"}]}, None, TODAY)
    assert result.exit_code == 1 and "V4 Columns not updated not checked (not_run)" in result.failures[0]
    recorded["modules"]["columns"]["status"] = manifest.RAN  # V1 is manual: it never blocks a pass
    store.put_manifest(rid, recorded)
    assert model.build(store, rid)["verdict"]["veto"] == "pass"
    veto_only = {"assertions": [{"name": "veto", "veto": "no-fail"}]}
    assert gate.evaluate(store, rid, veto_only, None, TODAY).passed
    store.close()

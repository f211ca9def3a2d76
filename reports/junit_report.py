"""junit.xml for CI dashboards (GitLab, Jenkins, GitHub test reporters).

Suites, in order:

* ``<site>.findings``: one test case per finding, ``classname`` = the rule id, ``name`` = the page
  (and element), so a dashboard lists the findings. A finding *fails* when it is what made the
  exit code non-zero: a failing error-level gate assertion (or ``--fail-on``) counted it and its
  rule is not ``advisory``; every other finding passes with its text in ``system-out``.
* ``<site>.rules``: one skipped test case per rule that did not run, with the reason.
* ``<site>.gate``: ``exit-code`` (fails when the exit code is not 0, naming the failed
  assertions), then one case per gate assertion (fails when an error-level assertion failed,
  with its value and threshold; a warn-level one only prints); an incomplete run has a failing
  ``run-complete`` case instead: a dashboard never shows an unfinished run green.
* ``<site>.veto``: one case per 单项否决 item (fail / pass / skipped when not checked).

The shape is described by reports/junit.xsd.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from reports import i18n, safe, write_atomic
from reports.model import localized

FILENAME = "junit.xml"
MAX_LISTED = 200  # findings written into one failure text; the rest are counted


def _finding_line(f: dict[str, Any], lang: str) -> str:
    words = i18n.strings(lang)
    parts = [f"[{words['sev_' + f['severity']]}]", f["page_url"]]
    if f["target"] and f["target"] != f["page_url"]:
        parts.append(f"-> {f['target']}")
    parts.append(f"| {localized(f, 'message', lang)}")
    if f["change"] == "new":
        parts.append(f"({words['new']})")
    if f["referrers"]:
        pages = ", ".join(str(r.get("page", "")) for r in f["referrers"][:5])
        parts.append(f"| {words['referrers']}: {pages}")
    return safe.xml_text(" ".join(parts))


def _listing(findings: list[dict[str, Any]], lang: str) -> str:
    lines = [_finding_line(f, lang) for f in findings[:MAX_LISTED]]
    if len(findings) > MAX_LISTED:
        lines.append(f"... {len(findings) - MAX_LISTED} more in report.json")
    return "\n".join(lines)


def _suite(parent: ET.Element, name: str, stamp: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=name, timestamp=stamp, time="0")


def _close_suite(suite: ET.Element) -> tuple[int, int, int]:
    cases = suite.findall("testcase")
    fails = sum(1 for c in cases if c.find("failure") is not None)
    skips = sum(1 for c in cases if c.find("skipped") is not None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(fails))
    suite.set("errors", "0")
    suite.set("skipped", str(skips))
    return len(cases), fails, skips


def _failing(model: dict[str, Any]) -> set[str]:
    """Fingerprints of the findings that made the exit code non-zero (advisory rules never)."""
    gate = model.get("gate") or {}
    advisory = {r["id"] for r in model["rules"] if r.get("assessment") == "advisory"}
    counted = {fp for a in gate.get("assertions") or [] if not a["passed"] and a["level"] == "error"
               for fp in a.get("fingerprints") or []}
    return {f["fingerprint"] for f in model["findings"]
            if f["fingerprint"] in counted and f["rule_id"] not in advisory}


def _finding_text(f: dict[str, Any], rule: dict[str, Any], words: dict[str, str], lang: str) -> str:
    lines = [localized(rule, "title", lang) or f["rule_id"], _finding_line(f, lang)]
    for key in ("column", "owner", "deadline"):
        if f.get(key):
            lines.append(f"{words[key]}: {f[key]}")
    if localized(rule, "advice", lang):
        lines.append(f"{words['advice']}: {localized(rule, 'advice', lang)}")
    return safe.xml_text("\n".join(lines))


def _findings_suite(root: ET.Element, model: dict[str, Any], words: dict[str, str], lang: str,
                    stamp: str) -> ET.Element:
    run = model["run"]
    suite = _suite(root, safe.xml_text(f"{run['site']}.findings"), stamp)
    props = ET.SubElement(suite, "properties")
    gate = model.get("gate") or {}
    for key, value in (("site", run["site"]), ("run_id", run["id"]), ("today", run["today"]),
                       ("veto_verdict", model["verdict"]["veto"]), ("run_status", run["status"]),
                       ("exit_code", gate.get("exit_code", "")),
                       ("score", i18n.score_text(model["score"], lang) if model.get("score") else ""),
                       ("coverage", localized(model["verdict"], "coverage_line", lang)),
                       ("availability", localized(model["verdict"], "availability_line", lang)),
                       ("schema_version", model["schema_version"])):
        ET.SubElement(props, "property", name=key, value=safe.xml_text(value))
    failing = _failing(model)
    rules = {r["id"]: r for r in model["rules"]}
    for f in model["findings"]:
        element = f" -> {f['target']}" if f["target"] and f["target"] != f["page_url"] else ""
        name = f"{f['page_url']}{element} #{f['fingerprint'][:8]}"
        case = ET.SubElement(suite, "testcase", classname=safe.xml_text(f["rule_id"]),
                             name=safe.xml_text(name), time="0")
        text = _finding_text(f, rules.get(f["rule_id"], {}), words, lang)
        if f["fingerprint"] in failing:
            ET.SubElement(case, "failure", type=f["severity"],
                          message=safe.xml_text(localized(f, "message", lang)[:500])).text = text
        else:
            ET.SubElement(case, "system-out").text = text
    return suite


def _gate_suite(root: ET.Element, model: dict[str, Any], words: dict[str, str], lang: str,
                stamp: str) -> ET.Element:
    run = model["run"]
    gate = model.get("gate") or {}
    suite = _suite(root, safe.xml_text(f"{run['site']}.gate"), stamp)
    banner = i18n.run_banner(model, lang)
    if banner:
        case = ET.SubElement(suite, "testcase", classname="xunjian.run", name="run-complete", time="0")
        ET.SubElement(case, "failure", type="run-incomplete", message=safe.xml_text(banner[:500]))
    if gate:
        code = gate.get("exit_code", 0)
        case = ET.SubElement(suite, "testcase", classname="xunjian.gate", name="exit-code", time="0")
        mode = i18n.gate_mode_text(gate, lang)
        if code:
            failed = i18n.gate_failed_text(gate, lang)
            ET.SubElement(case, "failure", type=f"exit-{code}", message=safe.xml_text(
                f"{words['exit_code']} {code}: {failed or mode}"[:500])).text = safe.xml_text(mode)
        else:
            ET.SubElement(case, "system-out").text = safe.xml_text(f"{words['exit_code']} 0: {mode}")
        for a in gate.get("assertions") or []:
            case = ET.SubElement(suite, "testcase", classname="xunjian.gate", name=safe.xml_text(a["name"]),
                                 time="0")
            line = (f"{words['value']} {a['count']}, {words['threshold']} "
                    f"{'' if a['limit'] is None else a['limit']}"
                    + (f": {a['detail']}" if lang == "en" else ""))  # the gate's detail is English
            if not a["passed"] and a["level"] == "error":
                ET.SubElement(case, "failure", type="gate", message=safe.xml_text(line[:500])).text = \
                    safe.xml_text(line)
            else:
                ET.SubElement(case, "system-out").text = safe.xml_text(
                    line if a["passed"] else f"{words['gate_warn']}: {line}")
    return suite


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    words = i18n.strings(lang)
    run = model["run"]
    stamp = (run.get("started_at") or model["generated_at"])[:19]
    root = ET.Element("testsuites", name=safe.xml_text(f"{words['junit_suite']} {run['site']} #{run['id']}"))
    totals = [_close_suite(_findings_suite(root, model, words, lang, stamp))]

    rules_suite = _suite(root, safe.xml_text(f"{run['site']}.rules"), stamp)
    for rule in model["rules"]:
        if rule["ran"] or rule["counts"]["total"]:
            continue
        title = localized(rule, "title", lang)
        case = ET.SubElement(rules_suite, "testcase", classname=safe.xml_text(rule["id"]),
                             name=safe.xml_text(rule["id"] if title == rule["id"] else f"{rule['id']}: {title}"),
                             time="0")
        reason = rule.get("not_run_reason") or ""
        ET.SubElement(case, "skipped", message=safe.xml_text(words.get(f"nr_{reason}", reason or "not run")))
    totals.append(_close_suite(rules_suite))
    totals.append(_close_suite(_gate_suite(root, model, words, lang, stamp)))

    veto_suite = _suite(root, safe.xml_text(f"{run['site']}.veto"), stamp)
    for item in model["veto_items"]:
        case = ET.SubElement(veto_suite, "testcase", classname="xunjian.veto",
                             name=safe.xml_text(f"{item['id']}: {localized(item, 'title', lang)}"), time="0")
        if item["status"] == "fail":
            listed = [f for f in model["findings"] if f["rule_id"] in item["rules"]]
            ET.SubElement(case, "failure", type="veto", message=safe.xml_text(
                f"{item['findings']} finding(s) of {', '.join(item['rules'])}")).text = _listing(listed, lang)
        elif item["status"] == "not_checked":
            ET.SubElement(case, "skipped", message=words[f"veto_reason_{item['reason']}"])
    totals.append(_close_suite(veto_suite))
    root.set("tests", str(sum(t[0] for t in totals)))
    root.set("failures", str(sum(t[1] for t in totals)))
    root.set("errors", "0")
    root.set("skipped", str(sum(t[2] for t in totals)))
    root.set("time", "0")
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return write_atomic(out_dir / FILENAME, data)

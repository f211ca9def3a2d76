"""junit.xml for CI dashboards (GitLab, Jenkins, GitHub test reporters).

Two suites: ``rules`` has one test case per rule (every registered rule plus any
rule with findings); it fails when the rule has a finding of severity warning
or worse, listing them in the failure text; a rule with only ``info`` findings
passes and lists them in ``system-out``; a rule that did not run is skipped.
``veto`` has one test case per 单项否决 item (fail / pass / skipped when not
checked), after a ``run-complete`` case that fails when the run is incomplete (or
still running), with the reason: a CI dashboard never shows an unfinished run green.
The shape is described by reports/junit.xsd.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from checks.base import severity_rank
from reports import i18n, safe, write_atomic
from reports.model import localized

FILENAME = "junit.xml"
MAX_LISTED = 200  # findings written into one failure text; the rest are counted


def _finding_line(f: dict[str, Any], lang: str) -> str:
    parts = [f"[{f['severity']}]", f["page_url"]]
    if f["target"]:
        parts.append(f"-> {f['target']}")
    parts.append(f"| {localized(f, 'message', lang)}")
    if f["change"] == "new":
        parts.append("(new)")
    if f["referrers"]:
        parts.append(f"| referrers: {', '.join(str(r.get('page', '')) for r in f['referrers'][:5])}")
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


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    words = i18n.strings(lang)
    run = model["run"]
    stamp = (run.get("started_at") or model["generated_at"])[:19]
    root = ET.Element("testsuites", name=safe.xml_text(f"{words['junit_suite']} {run['site']} #{run['id']}"))
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for f in model["findings"]:
        by_rule.setdefault(f["rule_id"], []).append(f)

    rules_suite = _suite(root, safe.xml_text(f"{run['site']}.rules"), stamp)
    props = ET.SubElement(rules_suite, "properties")
    for key, value in (("site", run["site"]), ("run_id", run["id"]), ("today", run["today"]),
                       ("veto_verdict", model["verdict"]["veto"]), ("run_status", run["status"]),
                       ("coverage", localized(model["verdict"], "coverage_line", lang)),
                       ("schema_version", model["schema_version"])):
        ET.SubElement(props, "property", name=key, value=safe.xml_text(value))
    for rule in model["rules"]:
        found = by_rule.get(rule["id"], [])
        title = localized(rule, "title", lang)
        case = ET.SubElement(rules_suite, "testcase", classname=f"xunjian.{rule['assessment'] or 'quality'}",
                             name=safe.xml_text(rule["id"] if title == rule["id"] else f"{rule['id']}: {title}"),
                             time="0")
        serious = [f for f in found if severity_rank(f["severity"]) >= severity_rank("warning")]
        if serious:
            worst = max(serious, key=lambda f: severity_rank(f["severity"]))["severity"]
            new = sum(1 for f in found if f["change"] == "new")
            failure = ET.SubElement(case, "failure", type=worst,
                                    message=safe.xml_text(f"{len(found)} finding(s), {new} new; "
                                                          f"{localized(rule, 'advice', lang)}"[:500]))
            failure.text = _listing(found, lang)
        elif found:
            ET.SubElement(case, "system-out").text = _listing(found, lang)
        elif not rule["ran"]:
            reason = rule.get("not_run_reason") or ""
            text = words.get(f"nr_{reason}", reason or "not run")
            ET.SubElement(case, "skipped", message=safe.xml_text(text))
    totals = [_close_suite(rules_suite)]

    veto_suite = _suite(root, safe.xml_text(f"{run['site']}.veto"), stamp)
    state_case = ET.SubElement(veto_suite, "testcase", classname="xunjian.run", name="run-complete", time="0")
    banner = i18n.run_banner(model, lang)
    if banner:
        ET.SubElement(state_case, "failure", type="run-incomplete", message=safe.xml_text(banner[:500]))
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

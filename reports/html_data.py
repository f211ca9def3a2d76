"""The findings of the HTML report as one JSON document, rendered in the browser on demand.

A report of 10,000 findings pre-rendered as table rows is ~300,000 elements and takes
seconds to load; shipped as data, the page builds only the rows a reader opens
(reports/templates/report.js). ``blob(model, lang)`` returns the document that
reports/html_report.py embeds in ``<script type="application/json" id="report-data">``:

- ``rules``: per rule id, title, severity, assessment, basis, advice, doc (report language);
- ``strings``: every string once (page URLs, columns, owners, dates, messages, evidence,
  referrers' link texts);
  findings refer to them by index, which keeps the file small when one list page cites
  hundreds of broken links;
- ``fields``: the names of a finding record's positions, so the script reads ``row[F.page]``;
- ``findings``: one array per finding, the current ones (new, persisting) in the model's
  order (worst first), then the ones fixed since the previous run (change ``fixed``);
- ``contacts``: 科室 -> contact, from the model's ``owners``;
- ``ui``: the words the script prints (reports/i18n.py, report language).

Evidence goes as display items from reports/evidence.py ([key, kind, text] or
[key, kind "records", [[items]...], more], keys and texts as string indexes, kinds as
indexes into ``kinds``); referrers (page, link text, tag[attr], all string indexes) up to
``MAX_REFERRERS`` per finding with the full count. The script writes every string with
``textContent`` and makes links of http(s) URLs only, so crawled strings stay text. ``embed`` escapes ``<``,
``>`` and ``&`` so no crawled string can close the script element.

The owner/column view groups by ``owner_group``: the finding's owner (科室) when the
model carries one, else its column (栏目), else its URL section.
"""

from __future__ import annotations

import json
from typing import Any

from checks.base import SEVERITIES
from reports import i18n
from reports.evidence import evidence_items
from reports.model import column_of, localized, section_of

CHANGES = ("new", "persisting", "fixed")
KINDS = ("text", "pre", "code", "url", "records")  # reports.evidence display item kinds
FIELDS = ("rule", "sev", "change", "page", "target", "message", "column", "owner", "seen", "evidence",
          "referrers", "referrer_count", "deadline")
MAX_REFERRERS = 20
# words the script prints; each is an i18n key
UI_KEYS = ("page", "message", "evidence", "referrers", "severity", "column",
           "owner", "first_seen", "rule", "element", "more_evidence", "assessment", "basis", "advice",
           "about_rule", "new", "persisting", "fixed", "pager_prev", "pager_next", "pager_page", "pager_rows",
           "groups_page", "unknown_rule", "fixed_on", "root_section", "deadline", "contact",
           "status_line")


def owner_group(finding: dict[str, Any]) -> str:
    """The owner/column view's group of a finding: its owner (科室, reports/owners.py), else its
    column (栏目), else its URL section."""
    owner = finding.get("owner")
    if isinstance(owner, dict):
        owner = owner.get("name") or owner.get("dept") or owner.get("owner")
    if isinstance(owner, str) and owner.strip():
        return owner.strip()
    for key in ("column", "section"):
        value = finding.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return section_of(str(finding.get("fix_page") or finding.get("page_url") or ""))


class _Strings:
    """Every distinct string once; findings hold indexes."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, text: Any) -> int:
        text = "" if text is None else str(text)
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.items)
            self.items.append(text)
        return found


def _compact(items: list[dict[str, Any]], strings: _Strings) -> list[list[Any]]:
    """reports.evidence display items as short arrays of string-table indexes."""
    out: list[list[Any]] = []
    for item in items:
        kind = KINDS.index(item["kind"])
        if item["kind"] == "records":
            records = [_compact(rec, strings) for rec in item["records"]]
            out.append([strings(item.get("key", "")), kind, records, item.get("more", 0)])
        else:
            out.append([strings(item.get("key", "")), kind, strings(item.get("text", ""))])
    return out


def rule_entries(model: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    words = i18n.strings(lang)
    unknown_advice = words["unknown_rule_advice"]
    return [{"id": r["id"], "title": localized(r, "title", lang), "severity": r.get("severity"),
             "assessment": words[f"assess_{r.get('assessment') or 'none'}"], "basis": r.get("basis") or "",
             "advice": localized(r, "advice", lang) or (unknown_advice if not r.get("known") else ""),
             # rule docs are written in English (docs/rules.md): the zh report keeps to basis and advice
             "doc": (r.get("doc") or "") if lang == "en" else "", "known": bool(r.get("known"))}
            for r in model["rules"]]


def blob(model: dict[str, Any], lang: str) -> dict[str, Any]:
    words = i18n.strings(lang)
    rules = rule_entries(model, lang)
    rule_pos = {r["id"]: i for i, r in enumerate(rules)}
    strings = _Strings()
    findings = []
    for f in model["findings"]:
        refs = [r for r in f["referrers"] if isinstance(r, dict)]
        findings.append([
            rule_pos[f["rule_id"]], SEVERITIES.index(f["severity"]), CHANGES.index(f["change"]),
            strings(f["page_url"]), strings(f["target"] if f["target"] != f["page_url"] else ""),
            strings(localized(f, "message", lang)), strings(f["column"]), strings(owner_group(f)),
            strings(f["first_seen"]), _compact(evidence_items(f["evidence"], lang), strings),
            [[strings(r.get("page", "")), strings(r.get("text") or ""),
              strings(f"{r['tag']}[{r.get('attr', '')}]" if r.get("tag") else "")]
             for r in refs[:MAX_REFERRERS]],
            len(refs), strings(f.get("deadline") or ""),
        ])
    previous_day = (model.get("previous_run") or {}).get("today", "")
    for f in model["fixed"]:
        sev = f["severity"] if f["severity"] in SEVERITIES else "warning"
        pos = rule_pos.get(f["rule_id"])
        if pos is None:
            continue  # a fixed finding's rule is always in the model (it ran again); guard anyway
        column = f.get("column") or column_of(f.get("evidence") or {}, f["page_url"])
        findings.append([
            pos, SEVERITIES.index(sev), CHANGES.index("fixed"), strings(f["page_url"]),
            strings(f["target"] if f["target"] != f["page_url"] else ""),
            strings(localized(f, "message", lang)), strings(column),
            strings(owner_group({**f, "column": column})),
            strings(previous_day), [], [], 0, strings(""),
        ])
    return {"rules": rules, "severities": list(SEVERITIES), "changes": list(CHANGES), "fields": list(FIELDS),
            "kinds": list(KINDS),
            "strings": strings.items, "findings": findings,
            # the owner view names each 科室's contact (the profile's owners: block, reports/owners.py)
            "contacts": {o["dept"]: o.get("contact") or "" for o in model.get("owners") or []
                         if isinstance(o, dict) and o.get("dept")},
            "has_owners": any(isinstance(f.get("owner"), (str, dict)) and f.get("owner")
                              for f in model["findings"]),
            "ui": {key: words[key] for key in UI_KEYS} | {f"sev_{s}": words[f"sev_{s}"] for s in SEVERITIES}}


def embed(document: dict[str, Any]) -> str:
    """JSON text safe inside a <script> element: no crawled ``</script>`` or ``<!--`` can end it."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

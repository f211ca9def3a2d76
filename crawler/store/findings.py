"""Findings of the store: what the checks concluded about a run, and how a finding is identified.

Part of ``crawler.store.Store`` (mixed in; the store owns every table and query). A finding's
``fingerprint`` (rule, page, target) is stable across runs: run history matches findings by it
(``crawler.store.history``, ``reports.history``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def fingerprint(rule_id: str, page: str = "", target: str = "") -> str:
    """Stable id of a finding across runs: the rule, the page and the target."""
    return hashlib.sha1(f"{rule_id}\n{page}\n{target}".encode()).hexdigest()[:16]


@dataclass
class Finding:
    """One problem found by one rule; what every reporter renders.

    ``page_url`` is where a webmaster goes to fix it (for a broken link, the
    target that fails; the pages citing it are in ``referrers``), ``target`` the
    thing at fault inside that page (a link, a column, a field). ``referrers`` is
    a list of ``{"page", "text", "tag", "attr", "href"}`` dicts.
    """

    rule_id: str
    severity: str
    page_url: str
    message_zh: str
    message_en: str
    target: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    referrers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule_id, self.page_url, self.target)


class FindingsMixin:
    """The ``findings`` table; needs ``self.db`` and ``self._wrote``."""

    db: sqlite3.Connection

    def clear_findings(self, run_id: int, rule_ids: Iterable[str] | None = None) -> None:
        if rule_ids is None:
            self.db.execute("DELETE FROM findings WHERE run_id=?", (run_id,))
        else:
            self.db.executemany("DELETE FROM findings WHERE run_id=? AND rule_id=?",
                                [(run_id, r) for r in rule_ids])
        self.db.commit()

    def put_finding(self, run_id: int, f: Finding) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO findings VALUES (?,?,?,?,?,?,?,?,?,?)",
            (run_id, f.fingerprint, f.rule_id, f.severity, f.page_url, f.target, f.message_zh,
             f.message_en, json.dumps(f.evidence, ensure_ascii=False, default=str),
             json.dumps(f.referrers, ensure_ascii=False, default=str)),
        )
        self._wrote()  # type: ignore[attr-defined]

    def findings(self, run_id: int, rule_id: str | None = None) -> list[Finding]:
        sql, params = "SELECT * FROM findings WHERE run_id=?", [run_id]
        if rule_id:
            sql += " AND rule_id=?"
            params.append(rule_id)
        out = []
        for r in self.db.execute(sql + " ORDER BY rule_id, page_url, target", params):
            out.append(Finding(
                rule_id=r["rule_id"], severity=r["severity"], page_url=r["page_url"], target=r["target"],
                message_zh=r["message_zh"], message_en=r["message_en"],
                evidence=json.loads(r["evidence"]), referrers=json.loads(r["referrers"]),
            ))
        return out

    def findings_by_severity(self, run_id: int) -> dict[str, int]:
        """severity -> how many findings of the run carry it (severities with none are absent)."""
        return {sev: int(n) for sev, n in self.db.execute(
            "SELECT severity, COUNT(*) FROM findings WHERE run_id=? GROUP BY severity", (run_id,))}

    def findings_by_rule(self, run_id: int) -> dict[str, int]:
        """rule id -> how many findings of the run it has (rules with none are absent)."""
        return {rule: int(n) for rule, n in self.db.execute(
            "SELECT rule_id, COUNT(*) FROM findings WHERE run_id=? GROUP BY rule_id", (run_id,))}

    def finding_facts(self, run_id: int, keys: Iterable[str]) -> list[tuple[str, dict[str, Any], int]]:
        """(rule id, {key: evidence value}, count) of the run's findings, grouped by rule and by
        the values of the evidence ``keys`` (a key the evidence lacks is absent from the dict)."""
        names = list(keys)
        picks = "".join(", json_extract(evidence, ?)" for _ in names)
        groups = "".join(f", {i + 2}" for i in range(len(names)))
        paths = ['$."' + name.replace('"', '') + '"' for name in names]
        sql = f"SELECT rule_id{picks}, COUNT(*) FROM findings WHERE run_id=? GROUP BY 1{groups}"
        rows = self.db.execute(sql, (*paths, run_id))
        return [(row[0], {k: v for k, v in zip(names, row[1:-1]) if v is not None}, int(row[-1]))
                for row in rows]

    def count_findings(self, run_id: int, rule_ids: Iterable[str]) -> int:
        """How many findings of the run come from one of ``rule_ids``."""
        ids = list(rule_ids)
        if not ids:
            return 0
        return int(self.db.execute(
            f"SELECT COUNT(*) FROM findings WHERE run_id=? AND rule_id IN ({','.join('?' * len(ids))})",
            (run_id, *ids)).fetchone()[0])

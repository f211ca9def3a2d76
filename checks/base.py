"""The rule model every check module uses.

A check module in ``checks/`` declares its rules as module-level ``Rule``
objects collected in ``RULES`` and implements ``run(ctx)``, a generator of
``Finding`` objects. ``checks.registry`` discovers every such module, so adding
a rule means adding one file (plus its fixture and test) and nothing else.

Severity ladder (``--fail-on`` compares against it): info < warning < error <
critical. ``assessment`` places a rule in the State Council indicator frame of
国办秘函〔2019〕19号: ``veto`` (单项否决), ``deduction`` (扣分), ``advisory``
(law or practice with no fixed score) or ``None`` (a crawl-quality fact).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from config.schema import lookup
from config.thresholds import schema_has
from crawler.store import Finding, Store

SEVERITIES = ("info", "warning", "error", "critical")
ASSESSMENTS = ("veto", "deduction", "advisory", None)
AGGREGATIONS = ("template", None)


def severity_rank(severity: str) -> int:
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise ValueError(f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}") from None


@dataclass(frozen=True)
class Rule:
    """A documented rule: what it checks, why, and how to fix the page.

    ``basis`` cites the clause enforced (e.g. "国办秘函〔2019〕19号 单项否决 V4"), with the
    rule book's confidence mark ([C]/[S]/[U]) so a reader knows how firm it is.

    ``aggregate="template"`` opts the rule into folding systematic gaps (the same gap on most
    pages of the site or of a column) into one finding with a count; ``remake`` rebuilds a
    page's finding that bundled several gaps once some were folded away (``checks._aggregate``).
    """

    id: str
    title_zh: str
    title_en: str
    severity: str
    basis: str
    advice_zh: str
    advice_en: str
    assessment: str | None = None
    doc: str = ""
    aggregate: str | None = None
    remake: Callable[[Finding, dict[str, Any]], Finding | None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        severity_rank(self.severity)
        if self.assessment not in ASSESSMENTS:
            raise ValueError(f"rule {self.id}: assessment must be one of {ASSESSMENTS}")
        if self.aggregate not in AGGREGATIONS:
            raise ValueError(f"rule {self.id}: aggregate must be one of {AGGREGATIONS}")

    def finding(self, page_url: str, message_zh: str, message_en: str, *, target: str = "",
                evidence: dict[str, Any] | None = None, referrers: list[dict[str, Any]] | None = None,
                severity: str | None = None) -> Finding:
        return Finding(rule_id=self.id, severity=severity or self.severity, page_url=page_url,
                       target=target, message_zh=message_zh, message_en=message_en,
                       evidence=evidence or {}, referrers=referrers or [])

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title_zh": self.title_zh, "title_en": self.title_en,
            "severity": self.severity, "assessment": self.assessment, "basis": self.basis,
            "advice_zh": self.advice_zh, "advice_en": self.advice_en, "doc": self.doc,
        }


@dataclass
class CheckContext:
    """What a check may read: the store (facts of one run), the site profile,
    the rule thresholds (config/rules.yaml merged with the profile) and "today"."""

    store: Store
    run_id: int
    site: Any
    thresholds: dict[str, Any]
    today: date
    notes: list[dict[str, str]] = field(default_factory=list)
    considered: dict[str, set[str]] = field(default_factory=dict)
    considered_but: dict[str, set[str]] = field(default_factory=dict)  # rule -> pages it left out
    unjudged: dict[str, str] = field(default_factory=dict)
    memos: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """A value computed once per run and shared (``key`` names it: ``"<module>.<what>"``), e.g.
        what a module's ``scan`` hook collects for its ``run`` (``checks.pagepass``). It lives on the
        context, so every checks run starts fresh."""
        if key not in self.memos:
            self.memos[key] = make()
        return self.memos[key]

    def note(self, text_zh: str, text_en: str) -> None:
        """A run note (not a finding) in both report languages: kept on the context and in the run's
        stats (``check_notes``), from which the report shows it under 注意 / Notes."""
        entry = {"text_zh": text_zh, "text_en": text_en}
        self.notes.append(entry)
        stored = list(self.store.run_stats(self.run_id).get("check_notes") or [])
        if entry not in stored:
            self.store.update_run_stats(self.run_id, {"check_notes": [*stored, entry]})

    def not_judged(self, rule: Rule, reason: str) -> None:
        """Declare that ``rule`` ran but found nothing to judge (``reason``: a code with report words
        ``nr_<reason>`` / ``veto_reason_<reason>`` in reports/i18n.py, e.g. ``no-consult-column``):
        the rule is "not checked", never a pass (checks.manifest.rule_outcome)."""
        self.unjudged[rule.id] = reason

    def consider(self, rule: Rule, urls: Iterable[str]) -> None:
        """Declare the pages ``rule`` looked at (the denominator when its systematic gaps are
        folded); without it, every in-scope 2xx HTML page of the run counts."""
        # interned: one string per page however many rules consider it (flat memory on large portals)
        self.considered.setdefault(rule.id, set()).update(map(sys.intern, urls))

    def consider_all_but(self, rule: Rule, left_out: Iterable[str]) -> None:
        """Declare that ``rule`` looked at every in-scope 2xx HTML page of the run except ``left_out``
        (call it for each page, with nothing left out or with that page): the same denominator as
        ``consider`` with every page read, but memory holds the few pages left out, not one entry
        per page of the site."""
        self.considered_but.setdefault(rule.id, set()).update(map(sys.intern, left_out))

    def threshold(self, dotted: str) -> Any:
        """The value of ``a.b.c`` in the thresholds (config/rules.yaml + the profile's ``thresholds:``,
        validated on load: every declared key is there). No default in code: the figure lives in
        the file. A key ``config.thresholds.RULES_SCHEMA`` does not declare is a programming error."""
        if not schema_has(dotted):
            raise KeyError(f"threshold {dotted!r} is not declared in config/thresholds.py RULES_SCHEMA; "
                           "declare it there and give its value in config/rules.yaml")
        try:
            return lookup(self.thresholds, dotted)
        except KeyError:
            raise KeyError(f"threshold {dotted!r} is missing from this context's thresholds; build them "
                           "with config.load_thresholds (validated, complete)") from None

    def referrers(self, target_url: str) -> list[dict[str, Any]]:
        """Every place that links to ``target_url``: page, link text, element, attribute."""
        out = []
        for ln in self.store.links_to(self.run_id, target_url):
            out.append({"page": ln["source_url"], "text": ln["text"] or "", "tag": ln["tag"],
                        "attr": ln["attr"], "href": ln["raw_href"]})
        return out


CheckResult = Iterator[Finding]

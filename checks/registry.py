"""Discovers check modules and runs them over a stored run.

Every module in the ``checks`` package that defines ``RULES`` and ``run`` is a
check module; helpers (``base``, ``registry``, modules starting with ``_``) are
not. A module can be switched off per site with ``checks.disable`` in the
profile; a single rule with ``rules.<id>.enabled: false`` in config/rules.yaml.
Findings of rules declared ``aggregate="template"`` are held until their module has
finished and then folded (``checks._aggregate.fold``, settings ``aggregate:``).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from types import ModuleType

import checks
from checks._aggregate import fold
from checks.base import CheckContext, Rule
from crawler.store import Finding

log = logging.getLogger(__name__)
_NOT_CHECKS = {"base", "registry"}


def check_modules() -> list[ModuleType]:
    mods = []
    for info in sorted(pkgutil.iter_modules(checks.__path__), key=lambda i: i.name):
        if info.name in _NOT_CHECKS or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"checks.{info.name}")
        if hasattr(mod, "RULES") and hasattr(mod, "run"):
            mods.append(mod)
    return mods


def all_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for mod in check_modules():
        for rule in mod.RULES:
            if rule.id in rules:
                raise RuntimeError(f"rule id {rule.id} defined twice (checks/{mod.__name__})")
            rules[rule.id] = rule
    return rules


def run_checks(ctx: CheckContext, only: set[str] | None = None) -> dict[str, int]:
    """Run every enabled check module; store findings; return counts per rule.

    A check that crashes is reported and the others still run: a bug in one
    rule must not cost the webmaster the rest of the report.
    """
    disabled_rules = {rid for rid, cfg in (ctx.thresholds.get("rules") or {}).items()
                      if isinstance(cfg, dict) and cfg.get("enabled") is False}
    counts: dict[str, int] = {}
    errors: list[str] = []
    for mod in check_modules():
        name = mod.__name__.rsplit(".", 1)[-1]
        if only and name not in only:
            continue
        module_ids = [r.id for r in mod.RULES]
        ctx.store.clear_findings(ctx.run_id, module_ids)
        folding = {r.id: r for r in mod.RULES if r.aggregate}
        held: dict[str, list[Finding]] = {rid: [] for rid in folding}
        try:
            for finding in mod.run(ctx):
                if finding.rule_id in disabled_rules:
                    continue
                if finding.rule_id in held:  # folded once the module has seen every page
                    held[finding.rule_id].append(finding)
                    continue
                _put(ctx, finding, counts)
            for rule_id, findings in held.items():
                for finding in fold(ctx, folding[rule_id], findings):
                    _put(ctx, finding, counts)
        except Exception as exc:  # noqa: BLE001 - one broken check must not sink the run
            log.exception("check module %s failed", name)
            errors.append(f"checks/{name}.py failed: {exc.__class__.__name__}: {exc}")
    ctx.store.commit()
    if errors:
        ctx.store.update_run_stats(ctx.run_id, {"check_errors": errors})
    return counts


def _put(ctx: CheckContext, finding: Finding, counts: dict[str, int]) -> None:
    ctx.store.put_finding(ctx.run_id, finding)
    counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1

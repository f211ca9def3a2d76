"""The run manifest: what a run was judged with, written when its checks run.

One JSON document per run (``Store.put_manifest`` / ``Store.manifest``), so reports, the gate
and every command read the run as it was, instead of reloading a profile that may have
changed since or parsing error strings::

    {"version": 1,
     "profile": {"path": ..., "name": ..., "settings": {...effective profile...}},
     "thresholds": {...config/rules.yaml merged with the profile...},
     "modules": {"links": {"status": "ran", "rules": [...]},
                 "columns": {"status": "crashed", "rules": [...], "error": "ValueError: ..."}, ...},
     "rules_disabled": ["..."],
     "site_readable": true,
     "engines": {"xunjian": "0.1.0", "python": "3.11.2", "scrapy": "2.11", "chromium": ..., "axe": ...},
     "stages": {"crawl": "finished", "browser": "finished", "checks": "finished"}}

``stages`` is added by the runner (xunjian/runner.py): ``crawl`` is ``finished`` or the reason
it did not finish; ``browser`` is ``finished``, ``disabled`` (profile ``a11y.enabled: false``),
``skipped (--no-browser)``, ``failed`` or ``not-run``.

Module ``status``: ``ran``; ``disabled`` (profile ``checks.disable``); ``crashed`` (with the
exception in ``error``); ``unknowable`` (the homepage could not be read, so a module that
judges page content has nothing to judge: its rules are "not checked", never a pass);
``not-selected`` (a partial re-run with ``only``); ``not-run`` (the checks never ran: the
crawl did not finish). ``rule_outcome`` turns a manifest into "did this rule run, and if not,
why" for the report and the gate (``checks.verdict``).
"""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from typing import Any

from crawler.version import tool_version


VERSION = 1
RAN, DISABLED, CRASHED, UNKNOWABLE, NOT_SELECTED, NOT_RUN = (
    "ran", "disabled", "crashed", "unknowable", "not-selected", "not-run")
# module status -> the report's not-run reason code (reports/i18n.py: nr_<code>)
_NOT_RUN_REASON = {DISABLED: "module-disabled", CRASHED: "module-crashed", UNKNOWABLE: "unknowable",
                   NOT_SELECTED: "module-not-run", NOT_RUN: "run-incomplete"}


def engine_versions(browser_stats: dict[str, Any] | None = None) -> dict[str, str]:
    """xunjian, Python and Scrapy always; Chromium and axe-core when the browser stage ran."""
    engines = {"xunjian": tool_version(), "python": platform.python_version()}
    try:  # the crawl ran in a child process: read the installed version, do not import Scrapy here
        engines["scrapy"] = metadata.version("scrapy")
    except metadata.PackageNotFoundError:
        engines["scrapy"] = ""
    if (browser_stats or {}).get("engine"):  # the browser stage ran: its engine and browser
        engines["axe"] = str(browser_stats["engine"])
        engines["chromium"] = _chromium_version()
    return engines


def _chromium_version() -> str:
    from crawler.browser.pool import CHROMIUM
    try:
        done = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def disabled_rules(thresholds: dict[str, Any]) -> list[str]:
    return sorted(rid for rid, cfg in (thresholds.get("rules") or {}).items()
                  if isinstance(cfg, dict) and cfg.get("enabled") is False)


def build(site: Any, profile_path: str, thresholds: dict[str, Any], modules: dict[str, dict[str, Any]],
          *, site_readable: bool = True, browser_stats: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "version": VERSION,
        "profile": {"path": str(profile_path or ""), "name": getattr(site, "name", "") or "",
                    "settings": dict(site) if isinstance(site, dict) else {}},
        "thresholds": thresholds,
        "modules": modules,
        "rules_disabled": disabled_rules(thresholds),
        "site_readable": site_readable,
        "engines": engine_versions(browser_stats),
    }


def not_run(site: Any, profile_path: str, thresholds: dict[str, Any]) -> dict[str, Any]:
    """The manifest of a run whose checks never ran (its crawl did not finish)."""
    from checks.registry import check_modules
    modules = {mod.__name__.rsplit(".", 1)[-1]: {"status": NOT_RUN, "rules": [r.id for r in mod.RULES]}
               for mod in check_modules()}
    return build(site, profile_path, thresholds, modules)


def legacy(thresholds: dict[str, Any]) -> dict[str, Any]:
    """A stand-in for a run stored before manifests existed: every registered module counts as
    run, thresholds are the shipped config/rules.yaml (the report says so in a note)."""
    from checks.registry import check_modules
    modules = {mod.__name__.rsplit(".", 1)[-1]: {"status": RAN, "rules": [r.id for r in mod.RULES]}
               for mod in check_modules()}
    doc = build({}, "", thresholds, modules)
    doc["legacy"] = True
    return doc


def rule_outcome(manifest: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """rule id -> (ran, not-run reason code) for every rule the manifest's modules declare."""
    off = set(manifest.get("rules_disabled") or [])
    out: dict[str, tuple[bool, str]] = {}
    for module in (manifest.get("modules") or {}).values():
        status = module.get("status")
        for rule_id in module.get("rules") or []:
            if rule_id in off:
                out[rule_id] = (False, "rule-disabled")
            elif status == RAN and rule_id in (module.get("unjudged") or {}):
                out[rule_id] = (False, str(module["unjudged"][rule_id]))  # ran, nothing to judge
            elif status == RAN:
                out[rule_id] = (True, "")
            else:
                out[rule_id] = (False, _NOT_RUN_REASON.get(status, "module-not-run"))
    return out


def crashed(manifest: dict[str, Any]) -> dict[str, str]:
    """module name -> exception text, for the modules that crashed."""
    return {name: str(m.get("error") or "") for name, m in (manifest.get("modules") or {}).items()
            if m.get("status") == CRASHED}


def for_run(store: Any, run_id: int, complete: bool = True) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """(manifest, notes) of a stored run. A run without one either never reached its checks
    (incomplete: every module "not run") or was stored before manifests existed (a stand-in
    judged with the shipped config/rules.yaml, and a note saying so)."""
    found = store.manifest(run_id)
    if found is not None:
        return found, []
    from config import load_thresholds
    stand_in = legacy(load_thresholds(None))
    if not complete:
        for module in stand_in["modules"].values():
            module["status"] = NOT_RUN
        return stand_in, []
    return stand_in, [{"text_zh": "该次运行早于运行清单（run manifest）记录：按随附的 config/rules.yaml 判定",
                       "text_en": "run stored before run manifests: judged with the shipped config/rules.yaml"}]

"""Discovers check modules and runs them over a stored run.

Check modules live in one folder per rule family (``checks/links/``, ``checks/crawl/``,
``checks/disclosure/``, ``checks/interaction/``, ``checks/a11y/``, ``checks/content/``): the folder
declares the family (``family_of``). Every module in a family folder that defines ``RULES`` and
``run`` is a check module; helpers (modules starting with ``_``) are not, nor is the framework at the
top of the package (``base``, ``registry``, ``pagepass``, ``manifest``, ``verdict`` and the shared ``_*``
helpers).
A module is named by its file name (``links``, ``a11y``, ...), unique across families: that name is
what ``checks.disable`` in a profile and ``--only`` select. A module can be switched off per site with ``checks.disable`` in the
profile; a single rule with ``rules.<id>.enabled: false`` in config/rules.yaml.
Findings of rules declared ``aggregate="template"`` are held until their module has
finished and then folded (``checks._aggregate.fold``, settings ``aggregate:``).

Before the modules run, ``checks.pagepass`` streams the run's pages ONCE: each body is read and
parsed once and handed to the optional ``scan(ctx, page)`` hook of every active module (its
findings count as the first ones its ``run`` yields) and to the site-facts view builder
(``checks._columns``), so no module re-reads or re-parses every page on its own. In a single-process
``xunjian run`` the modules declaring ``SCAN_DURING_CRAWL = True`` and the views are scanned while
the crawl runs (``checks.livepass``); the others scan after the crawl.

``run_checks`` writes the run manifest (``checks.manifest``): which modules ran, were
disabled, crashed (with the exception) or could not judge. A module that reads page content
(every module unless it sets ``NEEDS_CONTENT = False``: the link and crawl modules judge
fetch facts only) is ``unknowable`` when the homepage was not fetched as a readable page:
its rules are "not checked", never a pass and never a finding about content nobody saw.
A store write that fails (``crawler.store.StoreError``) is not a module crash: it propagates and
fails the run.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from itertools import chain
from types import ModuleType

import checks
from checks import manifest as manifest_mod
from checks._aggregate import HeldFindings, fold
from checks._columns import view_builder
from checks.base import CheckContext, Rule
from checks.livepass import LivePagePass
from checks.pagepass import PassResult, run_page_pass
from crawler.store import Finding, StoreError

log = logging.getLogger(__name__)


def families() -> list[str]:
    """The rule families: the sub-packages of ``checks``, in name order."""
    return sorted(info.name for info in pkgutil.iter_modules(checks.__path__) if info.ispkg)


def check_modules() -> list[ModuleType]:
    """Every check module, family by family, each family's modules in name order."""
    mods: list[ModuleType] = []
    seen: dict[str, str] = {}
    for family in families():
        package = importlib.import_module(f"checks.{family}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.name.startswith("_") or info.ispkg:
                continue
            mod = importlib.import_module(f"checks.{family}.{info.name}")
            if not (hasattr(mod, "RULES") and hasattr(mod, "run")):
                continue
            if info.name in seen:  # profiles select modules by file name: it must be unambiguous
                raise RuntimeError(f"check module name {info.name!r} used twice "
                                   f"(checks/{seen[info.name]}/ and checks/{family}/); rename one")
            seen[info.name] = family
            mods.append(mod)
    return mods


def module_name(mod: ModuleType) -> str:
    """``checks.links.links`` -> ``links``: the name profiles and ``--only`` use."""
    return mod.__name__.rsplit(".", 1)[-1]


def family_of(mod: ModuleType) -> str:
    """``checks.links.links`` -> ``links``: the family is the folder."""
    return mod.__name__.split(".")[1]


def rule_families() -> dict[str, str]:
    """rule id -> family, from the folders (what tests, bench and docs group by)."""
    return {rule.id: family_of(mod) for mod in check_modules() for rule in mod.RULES}


def all_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for mod in check_modules():
        for rule in mod.RULES:
            if rule.id in rules:
                raise RuntimeError(f"rule id {rule.id} defined twice ({mod.__name__})")
            rules[rule.id] = rule
    return rules


def site_readable(ctx: CheckContext) -> bool:
    """Is there page content to judge? Not when no page body was stored, nor when the
    homepage was recorded as failing (no 2xx answer): what hangs off it was never seen."""
    if ctx.store.page_count(ctx.run_id) == 0:
        return False
    from crawler.homepage import homepage_identities
    _home, row, _ids = homepage_identities(ctx.site, lambda url: ctx.store.resource(ctx.run_id, url))
    if row is None:  # facts stored without a homepage row (a partial store): judge what is there
        return True
    status = row.get("status")
    return isinstance(status, int) and 200 <= status < 300


def disabled_modules(site: object) -> set[str]:
    try:
        return {str(m) for m in site["checks"]["disable"]}  # type: ignore[index]
    except (KeyError, TypeError):
        return set()


def run_checks(ctx: CheckContext, only: set[str] | None = None,
               browser_stats: dict | None = None, live: LivePagePass | None = None) -> dict[str, int]:
    """Run every enabled check module; store findings and the run manifest; return counts per rule.
    ``live``: the page pass that ran during the crawl (``checks.livepass``), when there was one.

    A check that crashes is recorded (manifest and ``check_errors`` stat) and the others still
    run: a bug in one rule must not cost the webmaster the rest of the report (the run is
    incomplete all the same: the runner reads the manifest).
    """
    disabled_rules = set(manifest_mod.disabled_rules(ctx.thresholds))
    disabled = disabled_modules(ctx.site)
    readable = site_readable(ctx)
    counts: dict[str, int] = {}
    errors: list[str] = []
    modules: dict[str, dict] = {}
    active: list[ModuleType] = []
    for mod in check_modules():
        name = module_name(mod)
        module_ids = [r.id for r in mod.RULES]
        entry: dict = {"status": manifest_mod.RAN, "rules": module_ids}
        modules[name] = entry
        if only and name not in only:
            entry["status"] = manifest_mod.NOT_SELECTED
            continue
        ctx.store.clear_findings(ctx.run_id, module_ids)
        if name in disabled:
            entry["status"] = manifest_mod.DISABLED
        elif not readable and getattr(mod, "NEEDS_CONTENT", True):
            entry["status"] = manifest_mod.UNKNOWABLE
        else:
            active.append(mod)
    scanned = _page_pass(ctx, active, live)
    for mod in active:
        name = module_name(mod)
        entry = modules[name]
        module_ids = entry["rules"]
        folding = {r.id: r for r in mod.RULES if r.aggregate}
        held = {rid: HeldFindings() for rid in folding}  # on disk until folded (checks._aggregate)
        try:
            if name in scanned.errors:
                raise scanned.errors[name]
            for finding in chain(scanned.findings.pop(name, []), mod.run(ctx)):
                if finding.rule_id in disabled_rules:
                    continue
                if finding.rule_id in held:  # folded once the module has seen every page
                    held[finding.rule_id].append(finding)
                    continue
                _put(ctx, finding, counts)
            for rule_id, findings in held.items():
                for finding in fold(ctx, folding[rule_id], findings):
                    _put(ctx, finding, counts)
            unjudged = {rid: ctx.unjudged[rid] for rid in module_ids if rid in ctx.unjudged}
            if unjudged:  # ran, but had nothing to judge: "not checked" (manifest.rule_outcome)
                entry["unjudged"] = unjudged
        except StoreError:
            raise  # the store failed, not the rule: the run fails (runner: store-error)
        except Exception as exc:  # noqa: BLE001 - one broken check must not sink the run
            log.exception("check module %s failed", name)
            entry["status"] = manifest_mod.CRASHED
            entry["error"] = f"{exc.__class__.__name__}: {exc}"
            errors.append(f"{mod.__name__.replace('.', '/')}.py failed: {entry['error']}")
        finally:
            for spilled in held.values():
                spilled.close()
    ctx.store.commit()
    if errors:
        ctx.store.update_run_stats(ctx.run_id, {"check_errors": errors})
    profile_path = getattr(ctx.site, "path", "") or ""
    ctx.store.put_manifest(ctx.run_id, manifest_mod.build(
        ctx.site, str(profile_path), ctx.thresholds, modules, site_readable=readable,
        browser_stats=browser_stats))
    return counts


def _page_pass(ctx: CheckContext, active: list[ModuleType], live: LivePagePass | None = None) -> PassResult:
    """One streaming pass over the pages for the active modules' ``scan`` hooks and the shared
    site-facts views (``checks.pagepass``); skipped when no active module reads page content.
    With a ``live`` pass, the modules it scanned during the crawl and the views come from it (once
    it caught up and only when usable: ``LivePagePass.settle``), the other modules scan here."""
    if not any(getattr(mod, "NEEDS_CONTENT", True) for mod in active):
        if live is not None:
            live.stop()
        return PassResult()
    scanners = {module_name(mod): mod for mod in active if callable(getattr(mod, "scan", None))}
    if live is None or not live.settle(ctx):
        return run_page_pass(ctx, scanners, [view_builder(ctx)])
    taken = {name for name in scanners if name in live.modules}
    result = PassResult(findings={name: [] for name in scanners})
    live.take(ctx, taken, result)
    rest = {name: mod for name, mod in scanners.items() if name not in taken}
    if rest:
        after = run_page_pass(ctx, rest, [])
        result.findings.update(after.findings)
        result.errors.update(after.errors)
        result.pages = max(result.pages, after.pages)
    return result


def _put(ctx: CheckContext, finding: Finding, counts: dict[str, int]) -> None:
    ctx.store.put_finding(ctx.run_id, finding)
    counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1

"""The pinned axe-core engine: locate it, inject it, run it, compact its results.

axe-selenium-python's ``Axe`` class injects a script file into the page; its
bundled axe-core is 3.1.1 (2018), so ``PinnedAxe`` points it at the axe-core
installed by ``bash scripts/setup.sh`` from package-lock.json
(``node_modules/axe-core/axe.min.js``) and configures the locale named by the
profile's ``a11y.locale`` (``locales/zh_CN.json`` by default) so messages read
in Chinese. There is no fallback: if the pinned engine is missing, ``load_engine``
raises ``EngineMissing`` with one line naming the set-up step.

Results keep axe's four outcomes apart. ``compact_results`` keeps every node of
violations and incomplete (needs review) results, and only rule ids/counts of
passes and inapplicable, so a stored result stays small.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axe_selenium_python import Axe

from crawler.browser import StageUnavailable

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_DIR = REPO_ROOT / "node_modules" / "axe-core"
SETUP_HINT = "run `bash scripts/setup.sh` (installs the pinned axe-core from package-lock.json)"
MAX_NODES_PER_RULE = 50


class EngineMissing(StageUnavailable):
    """The pinned axe-core (or its locale) is not installed; str() is one line."""


@dataclass(frozen=True)
class Engine:
    script: Path
    version: str
    locale_name: str
    locale: dict[str, Any]

    @property
    def label(self) -> str:
        return f"axe-core {self.version}"

    def setup_script(self) -> str:
        """Run after axe loads: remember English help texts (the report's English alternative),
        then switch messages to the configured locale."""
        return ("window.__xunjianHelpEn = {}; axe.getRules().forEach(function (r) {"
                " window.__xunjianHelpEn[r.ruleId] = r.help; });"
                f"axe.configure({{locale: {json.dumps(self.locale, ensure_ascii=False)}}});")

    def preload_source(self) -> str:
        """axe-core plus its set-up, for browsers that can run a script in every new document
        (CDP): saves shipping 550 kB through WebDriver for every page."""
        return (self.script.read_text(encoding="utf-8") + "\n;if (window.axe) { try { "
                + self.setup_script() + " } catch (e) {} }")

    def fingerprint(self) -> str:
        """Changes when the engine or its messages change (part of the cache key)."""
        h = hashlib.sha256(self.version.encode())
        h.update(json.dumps(self.locale, sort_keys=True, ensure_ascii=False).encode())
        return h.hexdigest()[:16]


def load_engine(locale: str = "zh_CN", axe_dir: Path | None = None) -> Engine:
    axe_dir = axe_dir or AXE_DIR
    script = axe_dir / "axe.min.js"
    package = axe_dir / "package.json"
    if not script.is_file() or not package.is_file():
        raise EngineMissing(f"pinned axe-core not found at {script}; {SETUP_HINT}")
    try:
        version = json.loads(package.read_text(encoding="utf-8"))["version"]
    except (ValueError, KeyError) as exc:
        raise EngineMissing(f"{package} is unreadable ({exc}); {SETUP_HINT}") from None
    expected = _locked_version(axe_dir)
    if expected and expected != version:
        raise EngineMissing(f"node_modules has axe-core {version} but package-lock.json pins {expected}; {SETUP_HINT}")
    locale_file = axe_dir / "locales" / f"{locale}.json"
    if not locale_file.is_file():
        raise EngineMissing(f"axe-core locale {locale_file.name} not found in {locale_file.parent}; "
                            f"fix a11y.locale in the profile or {SETUP_HINT}")
    return Engine(script=script, version=version, locale_name=locale,
                  locale=json.loads(locale_file.read_text(encoding="utf-8")))


def _locked_version(axe_dir: Path) -> str | None:
    lock = axe_dir.parents[1] / "package-lock.json"
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
        return data["packages"]["node_modules/axe-core"]["version"]
    except (OSError, ValueError, KeyError):
        return None


def axe_options(settings: dict[str, Any]) -> dict[str, Any]:
    """The options object passed to ``axe.run`` (part of the cache key)."""
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": list(settings["axe_tags"])},
        # passes/inapplicable keep only their rule ids; violations/incomplete keep every node
        "resultTypes": ["violations", "incomplete"],
        "frameWaitTime": 5000,
    }
    if settings["axe_rules"]:
        options["rules"] = {rule: {"enabled": bool(on)} for rule, on in sorted(settings["axe_rules"].items())}
    return options


_RUN_SCRIPT = """
var done = arguments[arguments.length - 1];
var options = arguments[0];
try {
  axe.run(document, options).then(function (r) {
    var en = window.__xunjianHelpEn || {};
    r.violations.concat(r.incomplete).forEach(function (rule) { rule.helpEn = en[rule.id] || ""; });
    done(JSON.stringify(r)); },
                                  function (e) { done(JSON.stringify({__error: String(e && e.message || e)})); });
} catch (e) { done(JSON.stringify({__error: String(e && e.message || e)})); }
"""


class PinnedAxe(Axe):
    """axe-selenium-python's ``Axe`` bound to the pinned engine and locale.

    ``run`` is replaced because the upstream one formats options with ``%s``
    (Python reprs, not JSON) and never settles when ``axe.run`` rejects, which
    would turn an engine error into a script timeout.
    """

    def __init__(self, driver: Any, engine: Engine):
        super().__init__(driver, script_url=str(engine.script))
        self.engine = engine

    def inject(self) -> None:
        """Inject into the page and its first-level frames, each configured with the locale."""
        self._inject_here()
        frames = self.selenium.find_elements("css selector", "iframe, frame")
        for frame in frames[:10]:
            try:
                self.selenium.switch_to.frame(frame)
                self._inject_here()
            except Exception:  # noqa: BLE001 - a frame that went away is axe's "frame not tested"
                pass
            finally:
                self.selenium.switch_to.default_content()

    def _inject_here(self) -> None:
        super().inject()
        self.selenium.execute_script(self.engine.setup_script())

    def ensure(self) -> str:
        """The page's axe-core version, injecting through ``Axe.inject`` when it was not
        preloaded (remote WebDriver, or a browser without CDP)."""
        version = self.page_engine_version()
        if version != self.engine.version:
            self.inject()
            version = self.page_engine_version()
        return version

    def page_engine_version(self) -> str:
        return str(self.selenium.execute_script("return window.axe && axe.version"))

    def run(self, context: Any = None, options: dict[str, Any] | None = None) -> dict[str, Any]:
        raw = self.selenium.execute_async_script(_RUN_SCRIPT, options or {})
        result = json.loads(raw)
        if isinstance(result, dict) and "__error" in result:
            raise RuntimeError(f"axe.run failed: {result['__error']}")
        return result


def _compact_node(node: dict[str, Any]) -> dict[str, Any]:
    target = node.get("target") or []
    selector = " >>> ".join(t if isinstance(t, str) else " ".join(t) for t in target)
    return {"selector": selector, "html": (node.get("html") or "")[:400], "impact": node.get("impact"),
            "summary": (node.get("failureSummary") or "")[:600]}


def compact_results(result: dict[str, Any]) -> dict[str, Any]:
    """The part of an axe result worth storing: four outcomes, engine, environment."""
    def rules(key: str, with_nodes: bool) -> list[dict[str, Any]]:
        out = []
        for rule in result.get(key) or []:
            entry = {"id": rule["id"], "impact": rule.get("impact"), "tags": rule.get("tags") or [],
                     "help": rule.get("help") or "", "help_en": rule.get("helpEn") or "",
                     "description": rule.get("description") or "",
                     "helpUrl": rule.get("helpUrl") or ""}
            nodes = rule.get("nodes") or []
            entry["node_count"] = len(nodes)
            if with_nodes:
                entry["nodes"] = [_compact_node(n) for n in nodes[:MAX_NODES_PER_RULE]]
            out.append(entry)
        return out

    return {
        "engine": (result.get("testEngine") or {}).get("version"),
        "url": result.get("url"),
        "timestamp": result.get("timestamp"),
        "violations": rules("violations", True),
        "incomplete": rules("incomplete", True),
        "passes": [r["id"] for r in result.get("passes") or []],
        "inapplicable": [r["id"] for r in result.get("inapplicable") or []],
    }

"""The packages form layers and import only downwards (issue 10: no back-edges, no cycles).

    config  <  crawler  <  checks  <  reports  <  xunjian

Every import statement of every module is read (module-level and inside functions alike: a lazy
import is still a dependency). An import of a higher layer is a back-edge and fails the test, as
does, inside ``checks/``, the framework at the top of the package importing a rule family folder.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["config", "crawler", "checks", "reports", "xunjian"]
RANK = {name: i for i, name in enumerate(LAYERS)}

# Back-edges that exist today and are being removed; the test fails when one is gone but still listed,
# so this list only shrinks.
KNOWN_BACK_EDGES: set[tuple[str, str]] = set()
# The checks framework (top of the package) importing a family folder; same rule: only shrinks.
KNOWN_FRAMEWORK_TO_FAMILY: set[tuple[str, str]] = set()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return out


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _edges() -> list[tuple[str, str]]:
    edges = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            for target in _imports(path):
                if target.split(".")[0] in RANK:
                    edges.append((_module_name(path), target))
    return edges


def _back_edges() -> set[tuple[str, str]]:
    return {(src, dst) for src, dst in _edges()
            if RANK[dst.split(".")[0]] > RANK[src.split(".")[0]]}


def test_layers_import_only_downwards():
    found = _back_edges() - KNOWN_BACK_EDGES
    assert not found, "imports of a higher layer (" + " < ".join(LAYERS) + "):\n" + "\n".join(
        f"  {src} imports {dst}" for src, dst in sorted(found))


def test_known_back_edges_list_only_shrinks():
    stale = KNOWN_BACK_EDGES - _back_edges()
    assert not stale, "fixed back-edges still listed in KNOWN_BACK_EDGES: " + repr(sorted(stale))


def test_checks_framework_does_not_import_a_family():
    from checks.registry import families
    family_prefixes = tuple(f"checks.{f}" for f in families())
    edges = {(src, dst) for src, dst in _edges()
             if src.startswith("checks.") and src.count(".") == 1
             and (dst in family_prefixes or dst.startswith(tuple(p + "." for p in family_prefixes)))}
    assert not KNOWN_FRAMEWORK_TO_FAMILY - edges, "fixed, still listed: " + repr(
        sorted(KNOWN_FRAMEWORK_TO_FAMILY - edges))
    found = sorted(edges - KNOWN_FRAMEWORK_TO_FAMILY)
    assert not found, "checks framework modules importing a family folder:\n" + "\n".join(
        f"  {src} imports {dst}" for src, dst in found)


def test_the_walk_sees_the_code():
    edges = _edges()
    assert len(edges) > 200 and any(src == "checks.registry" for src, _ in edges)

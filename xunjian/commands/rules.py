"""``xunjian rules``: every rule the checks enforce, as ruff's ``ruff rule`` shows them.

``xunjian rules`` lists id, severity, assessment and title; ``xunjian rules ID`` prints one rule
in full (what it checks, its legal basis with the confidence mark, the fix advice);
``xunjian rules --markdown`` prints the generated rule reference that ``docs/rules.md`` holds
(a test fails when that file is stale: regenerate it with
``xunjian rules --markdown > docs/rules.md``). ``--lang en`` switches titles and advice.
"""

from __future__ import annotations

import argparse
import sys

from checks.base import Rule
from checks.registry import check_modules

HEADER = """# Rule reference (generated)

Generated from the `Rule` objects in `checks/` by `xunjian rules --markdown > docs/rules.md`;
do not edit by hand (a test fails when this file is stale). Thresholds are in
`config/rules.yaml`; sources and confidence marks ([C] confirmed, [S] secondary, [U] unconfirmed)
are explained in `docs/rule-book.md`.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="list the rules, or show one rule in full",
                       description="Every rule xunjian enforces: id, severity, title, basis and advice.")
    p.add_argument("rule_id", nargs="?", help="show this rule in full")
    p.add_argument("--markdown", action="store_true", help="print the generated docs/rules.md")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of titles (default zh)")
    p.set_defaults(func=run)


def rules_by_module() -> list[tuple[str, str, list[Rule]]]:
    """(module path under checks, first docstring line, rules) for every check module, family by family."""
    out = []
    for mod in check_modules():
        name = mod.__name__.split(".", 1)[1]
        summary = (mod.__doc__ or "").strip().splitlines()[0] if mod.__doc__ else ""
        out.append((name, summary, list(mod.RULES)))
    return out


def _family_summary(family: str) -> str:
    import importlib
    doc = importlib.import_module(f"checks.{family}").__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown() -> str:
    lines = [HEADER]
    family = None
    for name, summary, rules in rules_by_module():
        if name.split(".")[0] != family:
            family = name.split(".")[0]
            lines.append(f"\n## Family `{family}` (`checks/{family}/`)\n")
            if _family_summary(family):
                lines.append(f"{_family_summary(family)}\n")
        lines.append(f"\n### `checks/{name.replace('.', '/')}.py`\n")
        if summary:
            lines.append(f"{summary}\n")
        lines.append("| id | severity | assessment | title | basis |")
        lines.append("|---|---|---|---|---|")
        for r in rules:
            lines.append(f"| `{r.id}` | {r.severity} | {r.assessment or '-'} | "
                         f"{_cell(r.title_zh)} / {_cell(r.title_en)} | {_cell(r.basis)} |")
        for r in rules:
            lines.append(f"\n#### `{r.id}`\n")
            if r.doc:
                lines.append(" ".join(r.doc.split()) + "\n")
            lines.append(f"- Fix: {_cell(r.advice_zh)}")
            lines.append(f"- Fix (en): {_cell(r.advice_en)}")
            if r.aggregate:
                lines.append(f"- Systematic gaps fold into one finding ({r.aggregate}).")
    return "\n".join(lines).rstrip() + "\n"


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(markdown())
        return 0
    everything = {r.id: r for _, _, rules in rules_by_module() for r in rules}
    if args.rule_id:
        rule = everything.get(args.rule_id)
        if rule is None:
            print(f"xunjian rules: no rule {args.rule_id!r}; `xunjian rules` lists them all", file=sys.stderr)
            return 2
        zh = args.lang == "zh"
        print(f"{rule.id}  [{rule.severity}{', ' + rule.assessment if rule.assessment else ''}]")
        print(rule.title_zh if zh else rule.title_en)
        if rule.doc:
            print("\n" + " ".join(rule.doc.split()))
        print(f"\nbasis: {rule.basis}")
        print(f"fix:   {rule.advice_zh if zh else rule.advice_en}")
        return 0
    width = max(len(r) for r in everything)
    for name, _, rules in rules_by_module():
        for r in rules:
            title = r.title_zh if args.lang == "zh" else r.title_en
            print(f"{r.id:{width}}  {r.severity:8}  {(r.assessment or '-'):10}  {title}")
    return 0

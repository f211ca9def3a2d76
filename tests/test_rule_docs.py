"""docs/rules.md is generated from the Rule objects; this test fails when it is stale.

Regenerate with:  .venv/bin/xunjian rules --markdown > docs/rules.md
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from checks.registry import all_rules
from xunjian.commands.rules import markdown

ROOT = Path(__file__).resolve().parent.parent


def test_generated_rule_reference_is_current():
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == markdown(), (
        "docs/rules.md is stale: run `.venv/bin/xunjian rules --markdown > docs/rules.md`")


def test_every_rule_is_documented_in_the_reference():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule_id, rule in all_rules().items():
        assert f"### `{rule_id}`" in text
        assert rule.basis.strip() and rule.advice_zh.strip() and rule.advice_en.strip(), rule_id


def test_rules_command_shows_one_rule_and_rejects_unknown_ids():
    shown = subprocess.run([sys.executable, "-m", "xunjian.cli", "rules", "home-stale", "--lang", "en"],
                           capture_output=True, text=True, cwd=ROOT)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("home-stale") and "basis:" in shown.stdout
    unknown = subprocess.run([sys.executable, "-m", "xunjian.cli", "rules", "no-such-rule"],
                             capture_output=True, text=True, cwd=ROOT)
    assert unknown.returncode == 2 and "no rule 'no-such-rule'" in unknown.stderr

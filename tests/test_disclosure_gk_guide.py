"""gk-guide-fields (checks/disclosure/gk_guide.py), the worked example of docs/adding-a-rule.md:
a complete and an incomplete 政府信息公开指南 (tests/fixtures/disclosure/gk_guide/) in a
real store, checked through the registry exactly as an audit runs it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checks.base import CheckContext
from checks.registry import all_rules, run_checks
from config import load_site, load_thresholds
from crawler.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "disclosure" / "gk_guide"
GUIDE_URL = "http://gov.test/xxgk/gkzn/index.html"


def _run(tmp_path: Path, fixture: str, profile_columns: list | None) -> list:
    profile = tmp_path / "site.yaml"
    profile.write_text("name: guide\nstart_urls: ['http://gov.test/']\n", encoding="utf-8")
    site = load_site(profile, overrides={"columns": profile_columns} if profile_columns else None)
    store = Store(tmp_path / "x.sqlite")
    run_id = store.start_run("guide", "2026-11-22")
    store.put_resource(run_id, url=GUIDE_URL, kind="page", in_scope=True, status=200)
    store.put_body(run_id, GUIDE_URL, (FIXTURES / fixture).read_text(encoding="utf-8"))
    store.commit()
    ctx = CheckContext(store=store, run_id=run_id, site=site, thresholds=load_thresholds(site),
                       today=date(2026, 11, 22))
    run_checks(ctx, only={"gk_guide"})
    found = store.findings(run_id, "gk-guide-fields")
    store.close()
    return found


DECLARED = [{"name": "政府信息公开指南", "url": "/xxgk/gkzn/index.html", "type": "static"}]


@pytest.mark.parametrize("columns", [DECLARED, None], ids=["declared-column", "found-by-title"])
def test_incomplete_guide_is_reported_with_the_missing_elements(tmp_path, columns):
    found = _run(tmp_path, "incomplete.html", columns)
    assert [(f.page_url, f.evidence["missing"]) for f in found] == [(GUIDE_URL, ["办公时间", "传真号码"])]
    assert found[0].severity == "warning"


@pytest.mark.parametrize("columns", [DECLARED, None], ids=["declared-column", "found-by-title"])
def test_complete_guide_is_not_reported(tmp_path, columns):
    assert _run(tmp_path, "complete.html", columns) == []


def test_the_rule_is_registered_without_touching_any_other_file():
    rule = all_rules()["gk-guide-fields"]
    assert rule.basis.startswith("政府信息公开条例 Art 12") and rule.doc and rule.advice_en

"""Serious wording errors (checks/content/wording.py, config/wording.py) on strings, and the V1 veto item
that the rule fills partly (checks/verdict.py ``partial``). The rule over real crawls is asserted
by the families' plants (xunjian/demo/content_plants.py ``plant_wording``)."""

from __future__ import annotations

import re

import pytest

from checks.verdict import evaluate_veto
from checks.content.wording import find_wrong_forms, sentence_around
from config import CONFIG_DIR, ConfigError, load_site, load_thresholds
from config.wording import wording_entries

ENTRIES = wording_entries(load_thresholds()["wording"])


def test_the_starter_dictionary_has_sources_and_right_forms_never_fire():
    assert len(ENTRIES) >= 10 and all(e.source for e in ENTRIES)
    correct = "。".join(e.right for e in ENTRIES)
    assert find_wrong_forms(correct, correct, ENTRIES, 120) == []


def test_a_wrong_form_is_cited_with_its_sentence_and_right_form():
    text = "现予公告。根据《中华人名共和国行政处罚法》第三条规定，责令改正。另行通知。"
    [hit] = find_wrong_forms("", text, ENTRIES, 120)
    assert hit["right"] == "中华人民共和国" and hit["where"] == "text"
    assert hit["sentence"] == "根据《中华人名共和国行政处罚法》第三条规定，责令改正。"
    [title_hit] = find_wrong_forms("关于人民代表大会常委委员会执法检查的通知", "", ENTRIES, 120)
    assert title_hit["where"] == "title" and title_hit["right"] == "人民代表大会常务委员会"
    assert len(sentence_around("字" * 500 + "中华人名共和国" + "字" * 500, 500, 507, 60)) <= 60


def test_the_profile_adds_site_entries():
    site = load_site(CONFIG_DIR / "sites" / "demo.yaml")
    entries = wording_entries(load_thresholds(site)["wording"])
    assert [e.right for e in entries if e.wrong == "李名华"] == ["李明华"]
    assert len(entries) == len(ENTRIES) + 1


@pytest.mark.parametrize("block, message", [
    ({"entries": [{"wrong": "", "right": "x"}]}, "wording.entries[0]: needs a non-empty"),
    ({"site_entries": [{"wrong": "人民", "right": "中华人民共和国"}]}, "part of the right form"),
    ({"entries": "中华人名共和国"}, "expected a list"),
])
def test_a_bad_entry_is_a_one_line_config_error(block, message):
    with pytest.raises(ConfigError, match=re.escape(message)) as err:
        wording_entries(block)
    assert "\n" not in str(err.value)


def test_a_partial_veto_item_fails_on_a_finding_and_is_never_a_pass_without_one():
    items = [{"id": "V1", "rules": ["wording-serious-error"], "partial": True},
             {"id": "V3", "rules": ["home-stale"]}]
    ran = lambda rule: (True, "")  # noqa: E731
    judged, verdict = evaluate_veto(items, ran, {})
    assert [(v["id"], v["status"], v["reason"]) for v in judged] == [("V1", "not_checked", "partial"),
                                                                      ("V3", "pass", "")]
    assert verdict["veto"] == "pass", "a partial item is a person's job, like a manual one"
    judged, verdict = evaluate_veto(items, ran, {"wording-serious-error": 2})
    assert judged[0]["status"] == "fail" and verdict["veto"] == "fail"

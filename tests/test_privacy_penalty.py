"""Names, home addresses and ID fields in 行政处罚 decisions (checks/content/_penalty_pii.py,
checks/content/privacy_penalty.py): detectors on strings. The rules over real crawls are asserted by the
families' plants (xunjian/demo/content_plants.py; tests/test_families.py, tests/test_demo_audit.py)."""

from __future__ import annotations

import pytest

from checks.content._penalty_pii import PenaltySettings, find_penalty_pii, is_decision, party_is_masked
from config import ConfigError, load_thresholds
from xunjian.demo import content_plants as plants

S = PenaltySettings.from_config(load_thresholds()["privacy"]["penalty"])
HEAD = "行政处罚决定书 "


def hits(text: str, names: bool = True) -> list[tuple[str, str]]:
    return [(h.kind, h.masked) for h in find_penalty_pii(HEAD + text, S, check_names=names)]


def test_a_person_in_full_fires_masked():
    text = (f"当事人：{plants.PLANTED_NAME}，男 住址：浦江区{plants.PLANTED_ADDRESS_TAIL} "
            f"证件类型：护照 证件号码：{plants.PLANTED_PASSPORT}")
    assert hits(text) == [("name", "王**"), ("address", "浦江区***"), ("id-field", "E1*****78")]
    assert hits(text, names=False) == [("address", "浦江区***"), ("id-field", "E1*****78")]
    assert plants.PLANTED_PASSPORT not in repr(hits(text))
    assert hits("当事人：欧阳明华 证件号码：E1234567") == [("name", "欧***"), ("id-field", "E1****67")]


@pytest.mark.parametrize("text", [
    "当事人：上海浦江金桥商贸有限公司 法定代表人：张建国 住所：浦江区金桥路100号",   # company, its representative
    "当事人：浦江商行 证件类型：统一社会信用代码 证件号码：91310115MA1K54321X",        # org suffix, credit code
    "当事人：王某某 身份证号：3103**********0370 住址：浦江区***",                     # masked throughout
    "当事人：李** 证件号码：310104********941X",                                      # masked ID field
    "当事人：王某某 本机关地址：浦江区世纪大道1号 联系地址：浦江区金桥路8号",           # the office's address
    "当事人：王某某 住址：浦江区",                                                     # no house number
    "执法人员：张明、李强 当事人：某某",                                                # officers, no surname
])
def test_decoys_do_not_fire(text):
    assert hits(text) == []


def test_a_masked_person_makes_the_registered_address_label_personal():
    assert hits("当事人：王某某 住所：浦江区金桥路8号") == [("address", "浦江区***")]
    assert party_is_masked("当事人：王某某，男", S) and not party_is_masked("当事人：王建国", S)
    assert is_decision("关于行政处罚决定书的公示", S) and not is_decision("通知公告", S)


def test_a_bad_pattern_is_a_one_line_config_error():
    with pytest.raises(ConfigError, match="privacy.penalty.address_detail"):
        PenaltySettings.from_config({**load_thresholds()["privacy"]["penalty"], "address_detail": "(号"})

"""Detectors of personal data in 行政处罚 decisions beyond numbers (used by checks/content/privacy_penalty.py).

Pure functions on text. A text is a decision when it matches ``decision_pattern`` (e.g.
行政处罚决定书). Three kinds, anchored on the labels decisions print (precision first: nothing
fires without its label):

* ``name``: the party (``party_labels``: 当事人, 被处罚人 …) is a natural person named in full: two
  or three Han characters, the first (or first two) a common surname (``surnames``,
  ``compound_surnames``), no organisation suffix (``org_suffixes``: 公司, 店, 厂 …), followed by a
  separator. Whether that is a breach depends on the site: the rule fires only where the site
  otherwise masks parties (张某某), decided by the caller from ``party_is_masked`` counts.
  A 法定代表人/负责人 of a company is not matched (the anchor is the party label).
* ``address``: a home address after ``address_labels`` (住址, 家庭住址, 现住址 …, and 住所 when the
  party is a natural person: companies print their registered 住所), unmasked (no ``*``/某/×)
  and precise (``address_detail``: a house number, 弄, 室, 幢 …). The office's own 地址 is not an
  address label.
* ``id-field``: an ID field (``id_field_labels``: 证件号码, 身份证号, 护照号码 …) filled with six or
  more unmasked letters/digits where the party is a natural person; a valid 18-digit ID is left
  to pii-id-number (one finding per number), a 统一社会信用代码 shape is not personal.

Values are only ever shown masked (``mask_value``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from checks.content._pii import id18_valid
from config import ConfigError

_HAN = r"[\u4e00-\u9fff]"
_MASK_CHARS = "某*＊×X✕"
_SEPARATOR = r"(?=[\s，,。；;、（(：:]|$)"
# a 统一社会信用代码 with letters; an all-digit 18-character value under an ID label is an ID (maybe mistyped)
_CREDIT_CODE = re.compile(r"^(?=.*[A-HJ-NPQRTUWY])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_FAR_FUTURE = date(9999, 12, 31)  # the check-digit test only: a birth date is never "in the future" here


@dataclass(frozen=True)
class PenaltySettings:
    """``privacy.penalty:`` of config/rules.yaml (profile ``thresholds.privacy.penalty`` may override);
    the figures and word lists live only there (validated on load by config.thresholds)."""

    decision_pattern: str
    party_labels: tuple[str, ...]
    surnames: str
    compound_surnames: tuple[str, ...]
    org_suffixes: tuple[str, ...]
    address_labels: tuple[str, ...]
    person_address_labels: tuple[str, ...]
    address_detail: str
    id_field_labels: tuple[str, ...]

    @classmethod
    def from_config(cls, block: dict) -> PenaltySettings:
        def words(key: str) -> tuple[str, ...]:
            return tuple(str(v) for v in block[key] or ())

        for key in ("decision_pattern", "address_detail"):
            try:
                re.compile(str(block[key]))
            except re.error as exc:
                raise ConfigError(f"privacy.penalty.{key}: not a valid regular expression ({exc}); "
                                  "fix it in config/rules.yaml or the profile's thresholds:") from None
        return cls(decision_pattern=str(block["decision_pattern"]), party_labels=words("party_labels"),
                   surnames=str(block["surnames"]), compound_surnames=words("compound_surnames"),
                   org_suffixes=words("org_suffixes"), address_labels=words("address_labels"),
                   person_address_labels=words("person_address_labels"),
                   address_detail=str(block["address_detail"]), id_field_labels=words("id_field_labels"))


@dataclass(frozen=True)
class PenaltyHit:
    kind: str       # "name", "address" or "id-field"
    value: str      # never stored or printed: only ``masked``
    offset: int
    label: str

    @property
    def masked(self) -> str:
        return mask_value(self.value, self.kind)


def mask_value(value: str, kind: str) -> str:
    """王建国 -> 王**, 浦江区xx路88弄5号1201室 -> 浦江区***, E12345678 -> E1*****78."""
    if kind == "name":
        return value[0] + "*" * (len(value) - 1)
    if kind == "address":
        return value[:3] + "***"
    return value[:2] + "*" * max(1, len(value) - 4) + value[-2:]


def _labelled(labels: tuple[str, ...], value: str) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?<!法定代表)({alternatives})\s*[：:]\s*({value})")


def party_values(text: str, settings: PenaltySettings) -> list[tuple[int, str]]:
    """(offset, value) of every party named after a party label (up to the next separator)."""
    if not settings.party_labels:
        return []
    pattern = _labelled(settings.party_labels, r"[^\s，,。；;、（(：:]{1,40}")
    return [(m.start(2), m.group(2)) for m in pattern.finditer(text)]


def is_masked(value: str) -> bool:
    return any(c in value for c in _MASK_CHARS)


def is_person_name(value: str, settings: PenaltySettings) -> bool:
    """Two or three Han characters starting with a surname and ending in no organisation suffix."""
    if (not re.fullmatch(f"{_HAN}{{2,4}}", value) or is_masked(value)
            or any(value.endswith(s) for s in settings.org_suffixes)):
        return False
    compound = any(value.startswith(s) for s in settings.compound_surnames)
    return (len(value) in (3, 4) if compound else len(value) in (2, 3) and value[0] in settings.surnames)


def party_is_masked(text: str, settings: PenaltySettings) -> bool:
    """Does the decision name a natural person in masked form (王某某, 王**)?"""
    masked = re.compile(f"{_HAN}{{1,2}}[{_MASK_CHARS}]{{1,3}}")
    return any(masked.fullmatch(value) for _offset, value in party_values(text, settings))


def is_decision(text: str, settings: PenaltySettings) -> bool:
    return bool(settings.decision_pattern) and re.search(settings.decision_pattern, text) is not None


def find_penalty_pii(text: str, settings: PenaltySettings, *, check_names: bool) -> list[PenaltyHit]:
    """Names (when ``check_names``), home addresses and filled ID fields in a decision's text."""
    parties = party_values(text, settings)
    named = [(o, v) for o, v in parties if is_person_name(v, settings)]
    person = bool(named) or party_is_masked(text, settings)
    hits = [PenaltyHit("name", v, o, "当事人") for o, v in named] if check_names else []
    labels = settings.address_labels + (settings.person_address_labels if person else ())
    if labels:
        for m in _labelled(labels, r"[^\s，,。；;]{2,60}").finditer(text):
            value = m.group(2)
            if not is_masked(value) and re.search(settings.address_detail, value):
                hits.append(PenaltyHit("address", value, m.start(2), m.group(1)))
    if person and settings.id_field_labels:
        for m in _labelled(settings.id_field_labels, r"[0-9A-Za-z]{6,20}").finditer(text):
            value = m.group(2)
            end = m.end(2)
            if end < len(text) and text[end] in _MASK_CHARS:  # 3101**** : masked, the run stops at '*'
                continue
            if id18_valid(value, _FAR_FUTURE) or _CREDIT_CODE.match(value):
                continue  # pii-id-number reports a valid ID; a credit code is not personal
            hits.append(PenaltyHit("id-field", value, m.start(2), m.group(1)))
    return sorted(hits, key=lambda h: h.offset)

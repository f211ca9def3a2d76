"""Detectors of unmasked personal numbers in text (used by checks/content/privacy.py).

Pure functions, no store access, so they are tested on strings alone. What counts as personal
data follows the masking list of the rule book §6 [S] (ID number, contact details, bank account):

* 居民身份证号码, 18 characters (GB 11643-1999): six region digits whose first two name a real
  province-level code, a plausible birth date (YYYYMMDD, not in the future, not before
  ``min_birth_year``) and the ISO 7064 MOD 11-2 check character. The 15-digit form of before
  1999 (region, YYMMDD of 19YY, sequence) has no check digit, so it fires only next to an ID
  label (``id_labels``): fifteen digits alone are too common (serials, 索引号 parts).
* mobile numbers ``1[3-9]`` + 9 digits, not part of a longer digit run;
* bank card numbers of 16-19 digits passing the Luhn check AND preceded by a bank word
  (``bank_labels``, e.g. 银行/账号/卡号) within ``label_window`` characters: Luhn alone passes one
  random number in ten, and long amounts, serials and 文号 runs are common on these pages.

Numbers preceded (within ``label_window``) by a label of something that is not personal data
(``not_personal_labels``: 统一社会信用代码, 索引号, 文号, 案号, 订单号 …) never fire, nor does an
18-character 统一社会信用代码 with letters (the digit-only pattern does not match it). Masked
forms (``3101**********1234``) do not match at all: the digit run is broken.

Values are only ever shown masked (``mask``): findings, logs and reports never carry them whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes (the first two digits of an ID number's region)
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                       50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})

_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(1[3-9]\d{9})(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{16,19})(?![0-9A-Za-z])")

KINDS = ("id-number", "mobile", "bank-card")


@dataclass(frozen=True)
class PiiSettings:
    """``privacy:`` of config/rules.yaml (profile ``thresholds.privacy`` may override); the figures
    live only there (validated on load by config.thresholds)."""

    label_window: int
    min_birth_year: int
    id_labels: tuple[str, ...]
    bank_labels: tuple[str, ...]
    not_personal_labels: tuple[str, ...]
    office_numbers: tuple[str, ...]

    @classmethod
    def from_config(cls, block: dict) -> PiiSettings:
        def words(key: str) -> tuple[str, ...]:
            return tuple(str(v) for v in block[key])

        return cls(label_window=int(block["label_window"]), min_birth_year=int(block["min_birth_year"]),
                   id_labels=words("id_labels"), bank_labels=words("bank_labels"),
                   not_personal_labels=words("not_personal_labels"),
                   office_numbers=tuple(re.sub(r"\D", "", str(n)) for n in block["office_numbers"]))


@dataclass(frozen=True)
class Hit:
    kind: str       # one of KINDS
    value: str      # the full value: never stored or printed, only ``masked``
    offset: int     # character offset in the text it was found in
    label: str      # the text just before it, numbers masked (where in the page it sits)

    @property
    def masked(self) -> str:
        return mask(self.value, self.kind)


def mask(value: str, kind: str) -> str:
    """The form a report may show: ID 3101**********1234, mobile 138****5678, card ************1234."""
    if kind == "mobile":
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if kind == "bank-card":
        return "*" * (len(value) - 4) + value[-4:]
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def id18_valid(value: str, today: date, min_year: int = 1900) -> bool:
    """GB 11643: province code, plausible birth date, MOD 11-2 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    if int(value[:2]) not in PROVINCES or not _plausible_birth(value[6:14], today, min_year):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == value[17].upper()


def id15_valid(value: str, today: date, min_year: int = 1900) -> bool:
    return (len(value) == 15 and value.isdigit() and int(value[:2]) in PROVINCES
            and _plausible_birth("19" + value[6:12], today, min_year))


def luhn_valid(digits: str) -> bool:
    total = 0
    for n, ch in enumerate(reversed(digits)):
        d = int(ch)
        if n % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _plausible_birth(yyyymmdd: str, today: date, min_year: int) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return min_year <= born.year and born <= today


_LONG_DIGITS = re.compile(r"\d{6,}")


def _label(text: str, start: int, window: int) -> str:
    before = text[max(0, start - window):start]
    return _LONG_DIGITS.sub(lambda m: "*" * len(m.group()), before)


def find_pii(text: str, today: date, settings: PiiSettings) -> list[Hit]:
    """Every unmasked personal number in ``text``, in text order (one kind per span)."""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def labelled(start: int, words: tuple[str, ...]) -> bool:
        before = text[max(0, start - settings.label_window):start]
        return any(w in before for w in words)

    personal = settings.id_labels + settings.bank_labels + ("电话", "手机", "联系方式")

    def not_personal(start: int) -> bool:
        """The nearest label before the number names something that is not personal data."""
        before = text[max(0, start - settings.label_window):start]
        last_not = max((before.rfind(w) for w in settings.not_personal_labels), default=-1)
        personal_end = max((before.rfind(w) + len(w) for w in personal if w in before), default=-1)
        return last_not >= 0 and last_not > personal_end  # 身份证编号: the personal word leads

    def add(kind: str, m: re.Match) -> None:
        start, end = m.span(1)
        if any(s < end and start < e for s, e in taken) or not_personal(start):
            return
        taken.append((start, end))
        hits.append(Hit(kind, m.group(1), start, _label(text, start, settings.label_window)))

    for m in _ID18.finditer(text):
        if id18_valid(m.group(1), today, settings.min_birth_year):
            add("id-number", m)
    for m in _ID15.finditer(text):
        if (id15_valid(m.group(1), today, settings.min_birth_year)
                and labelled(m.start(1), settings.id_labels)):
            add("id-number", m)
    for m in _CARD.finditer(text):
        if luhn_valid(m.group(1)) and labelled(m.start(1), settings.bank_labels):
            add("bank-card", m)
    for m in _MOBILE.finditer(text):
        if m.group(1) not in settings.office_numbers:
            add("mobile", m)
    return sorted(hits, key=lambda h: h.offset)

"""Date reading for disclosure checks: the formats real government portals print.

``read_date(text, today)`` finds the first date in a snippet and says how sure it
is. Accepted shapes (full-width digits and punctuation are folded first)::

    2024-04-12   2024年4月12日   2024/4/12   2024.04.12   2024-04-12 09:30
    [04-12]  04-12  4月12日      (no year: the most recent such day on or before today)

A date that is present but impossible (2024年2月30日, 2024-13-01) is ``invalid``;
one after ``today`` (beyond ``future_tolerance_days``) is ``future``: both are
reported by the checks (``date-unreadable``) and never count as an update,
because a guessed or forged date (伪造发稿日期, 国办秘函〔2019〕19号 V1 [S]) must
not make a stale column look fresh.

``add_working_days`` / ``working_days_between`` count Monday–Friday days; the
statutory holiday calendar is not modelled (the 20-working-day advisory of
条例 Art 26 [C] is therefore slightly strict around holidays) — extra holidays can
be passed in from ``docmeta.holidays`` in config/rules.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from collections.abc import Iterable

OK, INVALID, FUTURE, MISSING = "ok", "invalid", "future", "missing"

_SEP = r"\s*[-/.年]\s*"
_FULL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})" + _SEP + r"(?P<m>\d{1,2})" + _SEP + r"(?P<d>\d{1,2})(?!\d)\s*日?"
)
_ZH_NUM = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
_SHORT = re.compile(r"(?:^|[\[（(【\s])(?P<m>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?\s*(?:[\]）)】]|$|\s)")


@dataclass(frozen=True)
class DateRead:
    """The outcome of reading one date: ``status`` is ok/invalid/future/missing."""

    status: str
    value: date | None = None
    raw: str = ""
    year_inferred: bool = False
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == OK


def normalize(text: str) -> str:
    """Fold full-width digits/punctuation (２０２４／４／１２) and odd spaces to ASCII."""
    folded = unicodedata.normalize("NFKC", text or "")
    return folded.replace("\u3000", " ").replace("\xa0", " ")


def _make(y: int, m: int, d: int, raw: str, today: date | None, tolerance: int,
          inferred: bool = False) -> DateRead:
    try:
        value = date(y, m, d)
    except ValueError:
        return DateRead(INVALID, None, raw, inferred, f"no such day: {y}-{m:02d}-{d:02d}")
    if today is not None and value > today + timedelta(days=tolerance):
        return DateRead(FUTURE, value, raw, inferred, f"{value.isoformat()} is after {today.isoformat()}")
    return DateRead(OK, value, raw, inferred)


def read_date(text: str | None, today: date | None = None, *, allow_short: bool = True,
              future_tolerance_days: int = 0) -> DateRead:
    """Read the first date in ``text``.

    ``allow_short`` permits year-less ``MM-DD`` (list items such as ``[04-12]``);
    their year is inferred from ``today`` (the latest such day not after today).
    """
    s = normalize(text or "").strip()
    if not s:
        return DateRead(MISSING, reason="empty")
    for pattern in (_ZH_NUM, _FULL):
        m = pattern.search(s)
        if m:
            return _make(int(m["y"]), int(m["m"]), int(m["d"]), m.group(0).strip(), today,
                         future_tolerance_days)
    m = _COMPACT.search(s)
    if m and 1 <= int(m["m"]) <= 12:
        return _make(int(m["y"]), int(m["m"]), int(m["d"]), m.group(0), today, future_tolerance_days)
    if allow_short and today is not None:
        m = _SHORT.search(s)
        if m:
            month, day = int(m["m"]), int(m["d"])
            raw = m.group(0).strip()
            if not (1 <= month <= 12):
                return DateRead(INVALID, None, raw, True, f"no such month: {month}")
            for year in (today.year, today.year - 1, today.year - 2, today.year - 3, today.year - 4):
                try:
                    candidate = date(year, month, day)
                except ValueError:
                    continue  # 02-29 in a non-leap year: try the year before
                if candidate <= today:
                    return DateRead(OK, candidate, raw, True)
            return DateRead(INVALID, None, raw, True, f"no such day: {month:02d}-{day:02d}")
    return DateRead(MISSING, raw=s[:40], reason="no date found")


def looks_like_date(text: str | None) -> bool:
    """True when the snippet has something date-shaped, even an impossible one."""
    s = normalize(text or "")
    return bool(_ZH_NUM.search(s) or _FULL.search(s) or _SHORT.search(s) or _COMPACT.search(s))


def term_end_text(raw: str) -> str:
    """The end of a validity term as printed: "2024年1月1日至2028年12月31日" -> "2028年12月31日"."""
    text = normalize(raw)
    return text.rsplit("至", 1)[-1] if "至" in text else text


def add_working_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The date ``days`` working days (Mon–Fri, minus ``holidays``) after ``start``."""
    off = set(holidays)
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in off:
            left -= 1
    return current


def working_days_between(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    off = set(holidays)
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    current = start + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    count -= sum(1 for h in off if start < h <= end and h.weekday() < 5)
    return count


def add_years(start: date, years: int) -> date:
    """``start`` plus whole years; 29 February falls back to 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def parse_iso_list(values: Iterable[str] | None) -> list[date]:
    """Holiday lists from config: ISO strings; a bad one raises ValueError naming it."""
    out = []
    for v in values or ():
        try:
            out.append(date.fromisoformat(str(v)))
        except ValueError:
            raise ValueError(f"holiday {v!r} is not an ISO date (YYYY-MM-DD)") from None
    return out

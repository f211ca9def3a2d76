"""Table-driven tests of checks._dates: the date shapes real portals print, hostile input,
year inference, future dates and working-day arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from checks._dates import (FUTURE, INVALID, MISSING, OK, add_working_days, add_years, looks_like_date,
                           parse_iso_list, read_date, working_days_between)

TODAY = date(2026, 11, 22)  # a Sunday


@pytest.mark.parametrize("text, status, value", [
    ("2024-04-12", OK, date(2024, 4, 12)),
    ("2024年4月12日", OK, date(2024, 4, 12)),
    ("2024/4/12", OK, date(2024, 4, 12)),
    ("2024.04.12", OK, date(2024, 4, 12)),
    ("２０２４－０４－１２", OK, date(2024, 4, 12)),          # full-width digits and dash
    ("２０２４年４月１２日", OK, date(2024, 4, 12)),
    ("发布时间：2024-04-12 09:30:00", OK, date(2024, 4, 12)),
    ("2024 年 4 月 12 日", OK, date(2024, 4, 12)),
    ("20240412", OK, date(2024, 4, 12)),
    ("[04-12]", OK, date(2026, 4, 12)),                       # year inferred: this year
    ("[11-22]", OK, date(2026, 11, 22)),                      # today itself
    ("[12-01]", OK, date(2025, 12, 1)),                       # later this year -> last year
    ("（11-02）", OK, date(2026, 11, 2)),
    ("4月12日", OK, date(2026, 4, 12)),
    ("[02-29]", OK, date(2024, 2, 29)),                       # latest leap day on or before today
    ("2024年2月30日", INVALID, None),
    ("2023-02-29", INVALID, None),
    ("2024-13-01", INVALID, None),
    ("2024-00-10", INVALID, None),
    ("[02-30]", INVALID, None),
    ("[13-01]", INVALID, None),
    ("2027-01-01", FUTURE, date(2027, 1, 1)),
    ("2026-11-23", FUTURE, date(2026, 11, 23)),
    ("", MISSING, None),
    ("   ", MISSING, None),
    (None, MISSING, None),
    ("暂无", MISSING, None),
    ("garbage ☃ \x00\ufffd", MISSING, None),
    ("第3号", MISSING, None),
    ("1234567890123", MISSING, None),
    ("<script>alert(1)</script>", MISSING, None),
])
def test_read_date(text, status, value):
    got = read_date(text, TODAY)
    assert got.status == status, got
    assert got.value == value


def test_future_tolerance_absorbs_clock_skew_only():
    assert read_date("2026-11-23", TODAY, future_tolerance_days=1).status == OK
    assert read_date("2026-11-24", TODAY, future_tolerance_days=1).status == FUTURE


def test_short_dates_need_a_today_and_can_be_refused():
    assert read_date("[04-12]", None).status == MISSING
    assert read_date("[04-12]", TODAY, allow_short=False).status == MISSING
    assert read_date("[04-12]", TODAY).year_inferred


def test_huge_input_is_read_quickly_enough_to_return():
    assert read_date("x" * 200_000 + "2024-04-12", TODAY).value == date(2024, 4, 12)


@pytest.mark.parametrize("text, expected", [
    ("2024年2月30日", True), ("[04-12]", True), ("无日期", False), ("", False), ("3.14", False)])
def test_looks_like_date(text, expected):
    assert looks_like_date(text) is expected


@pytest.mark.parametrize("start, end, days", [
    (date(2026, 11, 20), date(2026, 11, 23), 1),    # Fri -> Mon
    (date(2026, 11, 16), date(2026, 11, 20), 4),    # Mon -> Fri
    (date(2026, 11, 16), date(2026, 11, 16), 0),
    (date(2026, 11, 20), date(2026, 11, 16), 0),    # end before start
    (date(2026, 1, 1), date(2026, 12, 31), 260),
    (date(2024, 1, 2), date(2024, 3, 1), 43),
])
def test_working_days_between(start, end, days):
    assert working_days_between(start, end) == days


def test_working_days_agree_with_adding_them():
    start = date(2026, 9, 1)
    for n in range(0, 60):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_holidays_are_skipped():
    start, end = date(2026, 9, 28), date(2026, 10, 9)   # 国庆 1-7 October (weekdays 1,2,5,6,7)
    holidays = parse_iso_list([f"2026-10-0{d}" for d in range(1, 8)])
    assert working_days_between(start, end) == 9
    assert working_days_between(start, end, holidays) == 4
    assert add_working_days(date(2026, 9, 30), 1, holidays) == date(2026, 10, 8)


def test_bad_holiday_is_named():
    with pytest.raises(ValueError, match="2026-02-30"):
        parse_iso_list(["2026-02-30"])


@pytest.mark.parametrize("start, years, expected", [
    (date(2024, 3, 4), 5, date(2029, 3, 4)), (date(2024, 2, 29), 1, date(2025, 2, 28))])
def test_add_years(start, years, expected):
    assert add_years(start, years) == expected

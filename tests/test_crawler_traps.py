"""Spider-trap guards (crawler.traps) with the profile's default ``traps:`` settings."""

from __future__ import annotations

from datetime import date

import pytest

from config import SITE_SCHEMA, validate
from crawler.traps import TrapGuard

TODAY = date(2026, 11, 22)


@pytest.fixture
def traps():
    settings = validate({}, SITE_SCHEMA["traps"], "test")
    return settings


@pytest.fixture
def guard(traps):
    return TrapGuard(traps, TODAY)


@pytest.mark.parametrize("url, cause", [
    ("http://h/" + "a" * 1100, "url-length"),
    ("http://h/(S(lit3py55t21z5v55vlm25s55))/page.aspx", "session-id"),
    ("http://h/list?" + "&".join(f"p{i}=1" for i in range(9)), "query-growth"),
    ("http://h/list?a=1&a=1&a=1", "query-growth"),
    ("http://h/a/b/a/b/a/b/x.html", "repeated-segments"),
    ("http://h/calendar?year=2031&month=1", "calendar"),
    ("http://h/event/list?date=1998-01-01", "calendar"),
    ("http://h/rili/2035/01/", "calendar"),
])
def test_trap_causes(guard, url, cause):
    assert guard.check(url).cause == cause


@pytest.mark.parametrize("url", [
    "http://h/zwgk/2015/03/art_1.html",          # old archive article: real content, not a calendar
    "http://h/calendar?year=2025&month=12",       # inside [-3, +2] years of today
    "http://h/news/2026/11/22/a.html",
    "http://h/list?page=3&size=20&type=a",
    "http://h/a/b/a/x.html",                      # a segment twice is allowed (max_repeated_segments 2)
    "http://h/search?id=20100101",                # a number that looks like a date in a non-date param
    "http://h/update/2015/notice.html",           # "date" inside a word is no calendar
    "http://h/today/2010/x.html",
])
def test_legitimate_urls_pass(guard, url):
    assert guard.check(url).cause is None


def test_calendar_window_follows_profile_and_today(traps):
    traps["calendar_years"] = [0, 0]
    guard = TrapGuard(traps, TODAY)
    assert guard.check("http://h/calendar?year=2027").cause == "calendar"
    assert guard.check("http://h/calendar?year=2026").cause is None


def test_ever_growing_query_is_stopped_after_a_few_steps(guard):
    referrer, steps, causes = "http://h/list?a=1", 0, []
    for n in range(2, 8):
        url = f"{referrer}&k{n}={n}"
        verdict = guard.check(url, referrer, steps)
        steps = verdict.growth
        causes.append(verdict.cause)
        referrer = url
    assert causes[:3] == [None, None, None] and "query-growth" in causes


def test_pattern_limit_counts_same_path_with_different_queries(traps):
    traps["max_pages_per_pattern"] = 3
    guard = TrapGuard(traps, TODAY)
    causes = [guard.check(f"http://h/list?page={i}").cause for i in range(5)]
    assert causes == [None, None, None, "pattern-limit", "pattern-limit"]
    assert guard.check("http://h/other?page=1").cause is None
    assert guard.check("http://h/list").cause is None  # no query: a single page, not a pattern


def test_endless_calendar_walk_is_a_calendar_trap_even_inside_the_year_window(guard):
    """prev/next month links within [-3, +2] years: named after MAX_CALENDAR_STEPS steps."""
    referrer, steps, causes = "http://h/calendar/?month=2026-11", 0, []
    for n in range(1, 16):
        year, month = divmod(2026 * 12 + 10 + n, 12)
        url = f"http://h/calendar/?month={year}-{month + 1:02d}"
        verdict = guard.check(url, referrer, 0, steps)
        steps = verdict.calendar
        causes.append(verdict.cause)
        referrer = url
    assert causes[:12] == [None] * 12 and causes[12] == "calendar"
    # an article list paged by a non-date parameter is no calendar
    assert guard.check("http://h/list?page=3", "http://h/list?page=2", 0, 12).cause is None

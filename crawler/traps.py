"""Spider-trap guards: decide that an in-scope URL is not worth fetching, and why.

Governed by the profile's ``traps:`` block (see config/__init__.py SITE_SCHEMA):

``max_url_length``          longer canonical URLs  -> ``url-length``
``max_query_params``        more query parameters, or one parameter name repeated,
                            or a query that keeps growing from page to page
                            (same path, the referrer's query plus more) -> ``query-growth``
``max_repeated_segments``   a path segment occurring more often  -> ``repeated-segments``
``calendar_years``          ``[lo, hi]`` years around "today"; dates outside it in the
                            query, or in a calendar-looking path -> ``calendar``; also a
                            walk of more than ``MAX_CALENDAR_STEPS`` prev/next links between
                            pages of the same path differing only by a date parameter (so an
                            endless calendar is named as such before the depth limit ends it)
``max_pages_per_pattern``   pages sharing scheme+host+path with different queries
                            -> ``pattern-limit`` (counted by ``pattern_counts``: here, or in
                            Redis for all workers of a distributed crawl, crawler/distributed.py)
(spider)                    ``repeating-pager``: decided in crawler/spiders/linking.py, where
                            a pager page's links are known (an endless pager repeating one list)
``session_params``          (used by canonicalisation) plus ASP.NET cookieless session
                            segments ``/(S(...))/`` -> ``session-id``

Dates in plain article paths (``/2015/03/art_1.html``) are deliberately not judged:
old archives are real content; only query-string dates and calendar-looking paths
(calendar, rili, schedule, ...) are. ``TrapGuard.check`` returns the cause or None;
the spider records a skipped URL once with ``skip_reason="trap:<cause>"``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MAX_QUERY_GROWTH_STEPS = 3
MAX_CALENDAR_STEPS = 12  # a year of month-by-month "next" links
_ASPNET_SESSION_RE = re.compile(r"/\((?:[A-Z]\([^)]*\))+\)/", re.I)
# whole path segments only: "/update/2015/" or "/today/" are not calendars
_CALENDAR_PATH_RE = re.compile(
    r"(?:^|/)(?:calendar|rili|richeng|schedule|events?|agenda|cal|date|day|month)(?=$|/|[-_.])", re.I)
_DATE_TOKEN_RE = re.compile(
    r"(?<!\d)((?:19|20|21)\d{2})(?:[-_/.]?(0[1-9]|1[0-2])(?:[-_/.]?(0[1-9]|[12]\d|3[01]))?)?(?!\d)")
_YEAR_PARAM_RE = re.compile(r"year|yr|date|day|month|time|cal|nian|rq|^y$|^d$|^m$", re.I)


@dataclass(frozen=True)
class TrapVerdict:
    cause: str | None
    growth: int = 0       # query-growth steps so far (carried to the URL's own links)
    calendar: int = 0     # calendar walk steps so far


class PatternCounts:
    """How many distinct URLs of each pattern were counted, in this process."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def count(self, pattern: str, url: str) -> int:
        """Count ``url`` (a URL not counted before) against ``pattern``; its rank in the pattern."""
        self._counts[pattern] += 1
        return self._counts[pattern]


class TrapGuard:
    """Stateful trap detector for one crawl; memory bounded by distinct path patterns. The
    per-pattern counts live in ``pattern_counts`` (shared between workers in a distributed crawl)."""

    def __init__(self, traps: dict[str, Any], today: date):
        self.max_url_length = int(traps["max_url_length"])
        self.max_query_params = int(traps["max_query_params"])
        self.max_repeated_segments = int(traps["max_repeated_segments"])
        self.max_pages_per_pattern = int(traps["max_pages_per_pattern"])
        years = list(traps["calendar_years"]) or [-3, 2]
        self.year_range = (today.year + int(min(years)), today.year + int(max(years)))
        self.pattern_counts = PatternCounts()

    # -- individual guards (pure; usable from tests) ------------------------------------------
    def url_length(self, url: str) -> bool:
        return len(url) > self.max_url_length

    def query_growth(self, url: str, referrer: str | None, growth_steps: int) -> tuple[bool, int]:
        """(trapped?, growth steps so far). A step is a link from a page to the same path
        whose query contains every parameter of the referrer's query and more."""
        query = urlsplit(url).query
        params = parse_qsl(query, keep_blank_values=True)
        if len(params) > self.max_query_params:
            return True, growth_steps
        names = Counter(name for name, _ in params)
        if names and max(names.values()) > 2:
            return True, growth_steps
        if referrer:
            ref = urlsplit(referrer)
            here = urlsplit(url)
            if ref.path == here.path and ref.netloc == here.netloc and len(here.query) > len(ref.query) > 0:
                ref_params = set(parse_qsl(ref.query, keep_blank_values=True))
                if ref_params <= set(params):
                    growth_steps += 1
                    return growth_steps > MAX_QUERY_GROWTH_STEPS, growth_steps
        return False, 0

    def repeated_segments(self, url: str) -> bool:
        segments = [s for s in urlsplit(url).path.split("/") if s]
        if not segments:
            return False
        return max(Counter(segments).values()) > self.max_repeated_segments

    def session_id(self, url: str) -> bool:
        return bool(_ASPNET_SESSION_RE.search(urlsplit(url).path))

    def _year_out_of_range(self, token: str) -> bool:
        lo, hi = self.year_range
        for match in _DATE_TOKEN_RE.finditer(token):
            year = int(match.group(1))
            if not lo <= year <= hi:
                return True
        return False

    def calendar(self, url: str) -> bool:
        parts = urlsplit(url)
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if _YEAR_PARAM_RE.search(name) and self._year_out_of_range(value):
                return True
        if _CALENDAR_PATH_RE.search(parts.path) and self._year_out_of_range(parts.path):
            return True
        return False

    @staticmethod
    def _date_params(url: str) -> dict[str, str]:
        return {name: value for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
                if _YEAR_PARAM_RE.search(name) and _DATE_TOKEN_RE.search(value)}

    def calendar_walk(self, url: str, referrer: str | None, steps: int) -> tuple[bool, int]:
        """(trapped?, steps): a step links a dated page to the same path with another date."""
        if not referrer:
            return False, 0
        here, ref = urlsplit(url), urlsplit(referrer)
        if (here.netloc, here.path) != (ref.netloc, ref.path):
            return False, 0
        dates, ref_dates = self._date_params(url), self._date_params(referrer)
        if dates and dates.keys() == ref_dates.keys() and dates != ref_dates:
            steps += 1
            return steps > MAX_CALENDAR_STEPS, steps
        return False, 0

    def pattern_limit(self, url: str) -> bool:
        """Counts the URL against its pattern; call once per new URL."""
        parts = urlsplit(url)
        if not parts.query:
            return False
        key = f"{parts.scheme}://{parts.netloc}{parts.path}"
        return self.pattern_counts.count(key, url) > self.max_pages_per_pattern

    def check_data_group(self, url: str) -> TrapVerdict:
        """Guards for a data-island group URL (``crawler.islands``): a proxy query carries a dozen
        parameters by design (``col, appid, webid, path, columnid, unitid, webname, …``), so the
        parameter-count and growth guards do not apply; the walk ends on an empty group and is
        bounded by ``max_pages_per_pattern`` and the length and session guards."""
        if self.url_length(url):
            return TrapVerdict("url-length")
        if self.session_id(url):
            return TrapVerdict("session-id")
        if self.pattern_limit(url):
            return TrapVerdict("pattern-limit")
        return TrapVerdict(None)

    # -- all guards --------------------------------------------------------------------------
    def check(self, url: str, referrer: str | None = None, growth: int = 0, calendar: int = 0,
              pager: bool = False) -> TrapVerdict:
        """The first guard that trips (or cause None), with the step counts for the URL's links.
        A pager link (crawler.pagination) is not counted against ``max_pages_per_pattern``: a
        1,200-page ``?page=N`` list is content, bounded by ``limits.max_pagination_pages``."""
        if self.url_length(url):
            return TrapVerdict("url-length")
        if self.session_id(url):
            return TrapVerdict("session-id")
        grown, growth = self.query_growth(url, referrer, growth)
        if grown:
            return TrapVerdict("query-growth", growth)
        if self.repeated_segments(url):
            return TrapVerdict("repeated-segments")
        walked, calendar = self.calendar_walk(url, referrer, calendar)
        if walked or self.calendar(url):
            return TrapVerdict("calendar", growth, calendar)
        if not pager and self.pattern_limit(url):
            return TrapVerdict("pattern-limit")
        return TrapVerdict(None, growth, calendar)

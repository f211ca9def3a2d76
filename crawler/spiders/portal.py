"""Spider ``portal``: crawls one government portal and records facts about pages and links.

Usage (from the repository root)::

    scrapy crawl portal -a site=config/sites/demo.yaml [-a db=PATH] [-a run_id=N]
                        [-a today=YYYY-MM-DD] [-a overrides='{"limits": {"max_pages": 10}}']

``db`` defaults to ``xunjian-runs/xunjian.sqlite``; without ``run_id`` a new run is
started with ``Store.start_run`` (an explicit one must exist); ``today`` (default: the
system date) anchors the calendar trap; ``overrides`` (JSON) is deep-merged into the
profile. Arguments are checked by ``crawler.arguments.check_arguments``; a problem
(``ConfigError`` included) is printed as one line and the process exits with code 2.
``from_crawler`` applies the profile to the crawler settings (concurrency, per-host
concurrency, delay floor, AutoThrottle, timeout, user agent, robots.txt, size cap) before
Scrapy freezes them; ``-s NAME=VALUE`` still wins.

robots.txt (``politeness.obey_robots``) governs the portal's own URLs; a one-off check of
an external link is not crawling, so no robots.txt is fetched per external host.

In-scope HTML pages are crawled (GET, decoded, links extracted, body and anchors
stored); in-scope assets/attachments and external URLs are checked once each (HEAD,
GET stopped after the headers when HEAD is refused); external URLs cited with a
``#fragment`` and 阅办联动 jump links are fetched with their body. Redirects, retries,
Retry-After and the final reverification pass are done here, not by Scrapy's
middlewares, so every hop and attempt is recorded. Link handling (scope, traps,
limits) lives in ``crawler.spiders.linking``; fetch policy in ``crawler.fetchpolicy``.

Run statistics saved at close with ``Store.update_run_stats`` (flat keys): ``pages``,
``resources``, ``links``, ``skipped_by_scheme`` ({scheme: n}), ``traps`` ({cause: n}),
``limits``, ``robots_skipped``, ``ignored``, ``errors`` (URLs failing at the end),
``retries``, ``reverified``, ``bytes``, ``elapsed_s``, ``pages_per_s``,
``crawl_finish_reason`` (``finished``, ``shutdown`` after Ctrl-C, ...), ``profile``,
``frontier_in_memory`` (requests kept in memory, not in the disk frontier: crawler.frontier).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, StopDownload
from twisted.python.failure import Failure

from crawler.arguments import ArgumentError, check_arguments
from crawler.credentials import install_log_redaction
from crawler.encoding import decode_css, decode_html, is_html
from crawler.extract import parse_document
from crawler.facts import (PURPOSE_BODY, PURPOSE_CHECK, PURPOSE_CSS, PURPOSE_ISLAND, PURPOSE_PAGE,
                           PURPOSE_SCRIPT, FetchState, attempt_summary, failed, resource_item,
                           response_fields)
from crawler.fetchpolicy import (HEAD_FALLBACK_STATUSES, RetryPolicy, classify_failure, describe_failure,
                                 is_transient_status)
from crawler.facts import PURPOSE_PROBE, batch_item
from crawler.spiders.linking import LinkingMixin
from crawler.spiders.probing import ProbingMixin
from crawler.spiders.reuse import CONDITIONAL, ReuseMixin
from crawler.spiders.sampling import PURPOSE_SAMPLE, SamplingMixin
from crawler.store import Store
from crawler.version import tool_version
from crawler.urls import (canonicalize, host_key, redact_userinfo, same_portal_host, strip_userinfo,
                          url_problem)

DEFAULT_DB = "xunjian-runs/xunjian.sqlite"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_BODY_TEXT = 2_000_000  # characters of decoded text kept per page body


def batched(outputs):
    """A page's facts as one ``batch`` item (its row, body, parse, links and the skip rows of its
    targets), then its requests: one item per page through Scrapy's item machinery, not one per
    fact (crawler.facts)."""
    items, requests = [], []
    for out in outputs:
        (items if isinstance(out, dict) else requests).append(out)
    if items:
        yield batch_item(items)
    yield from requests


def _config_exit(message: str) -> None:
    print(f"xunjian: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


class PortalSpider(LinkingMixin, ProbingMixin, ReuseMixin, SamplingMixin, scrapy.Spider):
    name = "portal"

    def __init__(self, site: str | None = None, db: str = DEFAULT_DB, run_id: str | int | None = None,
                 today: str | None = None, overrides: str | dict | None = None, full: str | bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        try:
            self.profile, self.today, existing_run = check_arguments(site, db, run_id, today, overrides)
        except ArgumentError as exc:
            _config_exit(str(exc))
        self.site_path = site
        # an unreachable robots.txt is logged by Scrapy with a traceback; the page's own fetch
        # records the failure as a fact, so that log line is noise
        logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
        self.db_path = db
        links = self.profile["links"]
        self.policy = RetryPolicy(links["retries"], float(links["retry_backoff_s"]),
                                  float(links["max_retry_after_s"]))
        self.max_redirect_hops = max(10, 2 * int(links["max_redirects"]))
        self.cap_bytes = int(float(self.profile["limits"]["max_response_mb"]) * 1024 * 1024)
        self.owns_run = existing_run is None  # `scrapy crawl` without run_id: this process closes it
        self.run_id = existing_run if existing_run is not None else self._start_run()
        self.store_error: str | None = None  # set by the pipeline when a write fails
        self.init_linking(self.profile, self.today)
        self.init_probes(self.profile)  # not-found probes (crawler.spiders.probing)
        self.init_sampling(self.profile)  # external targets' title and text (crawler.spiders.sampling)
        self.counters: dict[str, Any] = {"pages": 0, "resources": 0, "links": 0, "retries": 0,
                                         "reverified": 0, "skipped_by_scheme": {}, "traps": {},
                                         "limits": {}, "robots": 0, "ignored": 0, "bytes": 0}
        self.started_at = time.monotonic()
        self._delayed: set = set()
        self._reverify: dict[str, dict[str, Any]] = {}
        self._reverify_done = False
        self.init_reuse(str(full).lower() in ("1", "true", "yes"))  # crawler.spiders.reuse

    def _start_run(self) -> int:
        store = Store(self.db_path)
        try:
            return store.start_run(self.profile.name, self.today.isoformat(), str(self.site_path),
                                   tool_version())
        finally:
            store.close()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        install_log_redaction()  # Scrapy's log handlers exist by now
        spider.apply_profile_settings(crawler.settings)
        crawler.signals.connect(spider.on_headers, signal=signals.headers_received)
        crawler.signals.connect(spider.on_bytes, signal=signals.bytes_received)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    def apply_profile_settings(self, settings) -> None:
        """Profile -> Scrapy settings, at 'spider' priority so ``-s NAME=VALUE`` still wins."""
        pol, lim = self.profile["politeness"], self.profile["limits"]
        values = {
            "CONCURRENT_REQUESTS": pol["concurrency"],
            "CONCURRENT_REQUESTS_PER_DOMAIN": pol["concurrency_per_host"],
            "DOWNLOAD_DELAY": float(pol["delay_s"]),
            "AUTOTHROTTLE_ENABLED": bool(pol["autothrottle"]),
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(pol["autothrottle_target"]),
            "AUTOTHROTTLE_START_DELAY": max(float(pol["delay_s"]), 0.25),
            "AUTOTHROTTLE_MAX_DELAY": max(10.0, float(pol["delay_s"]) * 4),
            "DOWNLOAD_TIMEOUT": float(lim["timeout_s"]),
            "USER_AGENT": pol["user_agent"],
            "ROBOTSTXT_OBEY": bool(pol["obey_robots"]),
            "ROBOTSTXT_USER_AGENT": pol["user_agent"],
            "XUNJIAN_MAX_RESPONSE_BYTES": self.cap_bytes,
            "XUNJIAN_MAX_RETRY_AFTER_S": float(self.profile["links"]["max_retry_after_s"]),
            "XUNJIAN_ALLOW_ADDRESSES": list(self.profile["network"]["allow_addresses"]),
            "XUNJIAN_DENY_ADDRESSES": list(self.profile["network"]["deny_addresses"]),
            "XUNJIAN_PORTAL_HOSTS": sorted(self.scope.hosts),
            "XUNJIAN_AUTH_USER": self.profile["auth"]["username"] or "",
            "XUNJIAN_AUTH_PASSWORD_ENV": self.profile["auth"]["password_env"] or "",
            "XUNJIAN_AUTH_HOSTS": list(self.profile["auth"]["hosts"]) or sorted(self.scope.hosts),
        }
        for key, value in values.items():
            settings.set(key, value, priority="spider")

    # -- requests ---------------------------------------------------------------------------
    def make_request(self, state: FetchState, url: str | None = None):
        state.tries += 1
        state.attempts += 1
        headers = {"User-Agent": state.user_agent} if state.user_agent else None
        plan = self.reuse_plan(state)  # crawler.spiders.reuse: replay or revalidate a stored answer
        if plan is not None and plan[0] == CONDITIONAL:
            conditional = self.conditional_headers(plan[2])
            if conditional:
                self.reuse_counts["conditional_requests"] += 1
                headers = {**(headers or {}), **conditional}
        if state.purpose == PURPOSE_ISLAND and state.referrer:
            # a Hanweb proxy answers the jpage script of the list page (cms-families §9.12)
            headers = {**(headers or {}), "Referer": state.referrer, "X-Requested-With": "XMLHttpRequest"}
        priority = -state.depth * 2 - (0 if state.purpose == PURPOSE_PAGE else 1)
        return scrapy.Request(
            url or state.url, method=state.method, headers=headers, callback=self.on_response,
            errback=self.on_error, dont_filter=True, priority=priority,
            meta={"xj": state, "xj_reuse": plan, "handle_httpstatus_all": True, "dont_redirect": True,
                  "dont_retry": True,
                  # robots.txt governs crawling the portal; a single check of a link the portal
                  # cites is not crawling, and a robots.txt fetch per external host doubles the load
                  "dont_obey_robotstxt": not state.in_scope})

    def later(self, request, delay: float) -> None:
        """Schedule ``request`` after ``delay`` seconds without holding a download slot."""
        from twisted.internet import reactor

        def inject() -> None:
            self._delayed.discard(call)
            try:
                self.crawler.engine.crawl(request)
            except RuntimeError:  # spider closing (Ctrl-C): nothing to do
                pass
        self.counters["retries"] += 1
        call = reactor.callLater(max(0.0, delay), inject)
        self._delayed.add(call)

    async def start(self):
        for i, url in enumerate(self.profile["start_urls"]):
            canonical, _ = canonicalize(url, self.session_names)
            if canonical in self.seen:
                continue
            self.seen.add(canonical)
            self.pages_scheduled += 1
            yield self.make_request(FetchState(canonical, "page", True, 0, PURPOSE_PAGE))

    # -- signals ------------------------------------------------------------------------------
    def on_headers(self, headers, body_length, request, **kwargs) -> None:
        state: FetchState | None = request.meta.get("xj")
        if state is None or request.method != "GET":
            return
        if state.purpose == PURPOSE_CHECK:
            raise StopDownload(fail=False)
        content_type = headers.get(b"Content-Type")
        if state.purpose == PURPOSE_SAMPLE and not is_html((content_type or b"").decode("latin-1")):
            raise StopDownload(fail=False)
        if state.purpose == PURPOSE_PAGE and content_type is not None \
                and not is_html(content_type.decode("latin-1")) and state.in_scope:
            raise StopDownload(fail=False)  # a non-HTML "page" is only checked, never downloaded

    def on_bytes(self, data, request, **kwargs) -> None:
        received = request.meta.get("xj_bytes", 0) + len(data)
        request.meta["xj_bytes"] = received
        sampling = getattr(request.meta.get("xj"), "purpose", None) == PURPOSE_SAMPLE
        if sampling and received > self.sample_bytes:
            raise StopDownload(fail=False)  # a sample needs the title and some text, not the page
        if received > self.cap_bytes:
            state: FetchState | None = request.meta.get("xj")
            if state is not None:
                state.truncated = True
            raise StopDownload(fail=False)

    def on_idle(self, spider) -> None:
        if self._delayed:
            raise DontCloseSpider
        if self._reverify and not self._reverify_done:
            self._reverify_done = True
            for request in self.reverify_requests():
                self.crawler.engine.crawl(request)
            raise DontCloseSpider
        samples = self.sample_requests()  # crawler.spiders.sampling: off-site targets' title and text
        if samples:
            for request in samples:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def reverify_requests(self) -> list:
        """The final pass: failed external URLs again, with GET and the browser user agent."""
        ua = self.profile["politeness"]["browser_user_agent"]
        requests = []
        for url, first in self._reverify.items():
            state = FetchState(url, first["kind"], bool(first["in_scope"]), first.get("depth") or 0,
                               first["purpose"], method="GET", attempts=first.get("attempts") or 0,
                               reverify=True, first_attempt=first, user_agent=ua)
            requests.append(self.make_request(state))
        return requests

    def on_closed(self, spider, reason) -> None:
        for call in list(self._delayed):
            if call.active():
                call.cancel()
        self._delayed.clear()
        self.close_reason = reason
        self.close_reuse()
        store = Store(self.db_path)  # the pipeline has committed and closed its connection by now
        try:
            stats = self.run_stats()
            if self.baseline_run is not None and reason == "finished":
                gone, examples = store.pages_gone(self.baseline_run, self.run_id)
                stats["incremental"]["pages_gone"] = gone
                stats["incremental"]["pages_gone_examples"] = examples
            store.update_run_stats(self.run_id, stats)
            if self.owns_run:  # a crawl alone is no audit: no checks ran on it
                store.finish_run(self.run_id, "incomplete", reason=(
                    "crawl-failed", f"crawl only (no checks ran); the crawl ended with '{reason}'"))
        except Exception as exc:  # a failed write fails the crawl (crawler.run reads store_error)
            self.store_error = self.store_error or f"saving run statistics failed: {exc}"
            raise
        finally:
            store.close()

    # -- responses ----------------------------------------------------------------------------
    def on_response(self, response):
        state: FetchState = response.meta["xj"]
        status = response.status
        if state.purpose == PURPOSE_SAMPLE:
            yield self.sample_item(state, response)  # crawler.spiders.sampling
            return
        if status in REDIRECT_STATUSES and response.headers.get(b"Location"):
            yield from self.follow_redirect(state, response)
            return
        if is_transient_status(status) and not state.reverify:
            retry_after = response.headers.get(b"Retry-After")
            retry_after_text = retry_after.decode("latin-1") if retry_after else None
            delay = self.policy.delay(state.tries, status, retry_after_text)
            if delay is not None:
                self.later(self.make_request(state, response.url), delay)
                return
        if state.method == "HEAD" and status in HEAD_FALLBACK_STATUSES:
            yield self.head_to_get(state, response.url)
            return
        if state.purpose == PURPOSE_PROBE:
            yield self.probe_item(state, response, response.body[: self.cap_bytes])
            return
        if state.chain and state.purpose == PURPOSE_PAGE and state.parse and state.alias is None:
            self.claim_landing(state, response.url)
        body = response.body[: self.cap_bytes] if state.method == "GET" else None
        self.counters["bytes"] += len(body or b"")
        row = response_fields(state, response, body)
        reused = self.reused_answer(state, response, row)
        if reused is not None:
            yield from batched(reused)
            return
        if "dataloss" in response.flags:  # DOWNLOAD_FAIL_ON_DATALOSS is off: keep what came, say so
            row["error"] = "connection closed before the announced Content-Length was received"
        stopped_at_headers = "download_stopped" in response.flags and not state.truncated
        if state.purpose == PURPOSE_ISLAND and body and 200 <= status < 300:
            yield from self.record_island(state, body, row)  # crawler.spiders.linking
            return
        if state.purpose == PURPOSE_SCRIPT and body and 200 <= status < 300:
            yield from self.record_script(state, body, row)  # crawler.spiders.linking
            return
        if state.purpose in (PURPOSE_PAGE, PURPOSE_BODY) and body is not None and not stopped_at_headers \
                and is_html(row["content_type"], body):
            yield from batched(self.record_html(state, response, body, row))
            return
        if state.purpose == PURPOSE_CSS and body and 200 <= status < 300 and not is_html(row["content_type"]):
            yield from self.record(state, row)
            yield from self.follow_css(state, decode_css(body, row["content_type"]), response.url)
            return
        if state.purpose == PURPOSE_PAGE and state.in_scope and status < 300:
            row["kind"] = state.kind = self.scope.kind_from_response(
                state.url, row["content_type"],
                (response.headers.get(b"Content-Disposition") or b"").decode("latin-1"))
        yield from self.record(state, row)
        yield from self.record_alias(state, row)

    def claim_landing(self, state: FetchState, final_url: str) -> None:
        """A redirected page is parsed under the URL it landed on, unless that URL is out of
        scope or already handled by its own request (one page, one fetch of its content)."""
        landing = canonicalize(final_url, self.session_names)[0]
        if landing == state.url:
            return
        if state.depth == 0 and not self.scope.in_scope(landing) and host_key(landing):
            if same_portal_host(state.url, landing):
                # the homepage moved (x.gov.cn -> www.x.gov.cn): crawling nothing would help nobody
                self.scope.add_host(host_key(landing))
                print(f"xunjian: warning: start URL {state.url} redirects to host {host_key(landing)}; "
                      f"crawling it too — add it to scope.hosts / 首页跳转到其他主机，已纳入抓取范围",
                      file=sys.stderr, flush=True)
            else:  # another site is not the portal: checks/crawl/crawl.py reports home-unreachable
                print(f"xunjian: error: start URL {state.url} redirects off-site to {host_key(landing)}; "
                      f"not crawled — fix the redirect or the start URL / 首页跳转到站外，未抓取",
                      file=sys.stderr, flush=True)
        if not self.scope.in_scope(landing) or not self.claim_url(landing):
            state.parse = False
        else:
            state.alias = landing

    def record_alias(self, state: FetchState, row: dict[str, Any]):
        """A redirect landed on an in-scope URL nobody else will fetch: record it under its own URL."""
        if state.alias:
            alias = FetchState(state.alias, row["kind"], True, state.depth, state.purpose,
                               method=state.method)
            yield from self.record(alias, {**row, "url": state.alias, "redirect_chain": [], "attempts": 1})

    def record_html(self, state: FetchState, response, body: bytes, row: dict[str, Any]):
        cut = state.truncated or "dataloss" in response.flags  # a cut may split the last character
        text, charset, decode_errors = decode_html(body, row["content_type"], truncated=cut)
        # relative links resolve against where the page lives
        doc = parse_document(text, response.url, self.pagination.container_re)
        row.update(charset=charset, decode_errors=decode_errors, title=doc.title, anchors=doc.anchors,
                   error=doc.error or row.get("error"))
        # an error page (404 template, 500 trace) is recorded with its title but not crawled:
        # its links are the site chrome, and counting it as a page would inflate the crawl
        landed_in_scope = self.scope.in_scope(canonicalize(response.url, self.session_names)[0])
        crawl_it = (200 <= response.status < 300 and state.purpose == PURPOSE_PAGE and state.in_scope
                    and state.parse and landed_in_scope)
        if state.alias and crawl_it:
            yield from self.record(state, row)  # the redirecting URL, then the page it landed on
            row = {**row, "url": state.alias, "redirect_chain": [], "attempts": 1}
            state = FetchState(state.alias, "page", True, state.depth, PURPOSE_PAGE)
        yield from self.record(state, row)
        if not crawl_it:
            yield from self.record_alias(state, row)
        if state.purpose == PURPOSE_BODY or crawl_it:
            # a password a page writes into a link stays out of the store (and so of the reports)
            yield {"_table": "body", "url": state.url, "text": redact_userinfo(text[:MAX_BODY_TEXT])}
        if crawl_it:
            yield self.parse_record(state.url, doc, charset, decode_errors)  # what a rerun may reuse
            self.counters["pages"] += 1
            yield from self.follow_links(state, doc, charset)
            yield from self.probe_sections(doc, charset)

    def record(self, state: FetchState, row: dict[str, Any]):
        if state.purpose == PURPOSE_PROBE:  # a probe failed or was skipped: a probe fact, not a resource
            yield self.probe_item(state, row=row)
            return
        if state.purpose == PURPOSE_CHECK and state.url in self.body_upgrades and not state.reverify:
            return  # superseded by the GET with body fetched for a late #fragment citation
        if state.reverify:
            row = self.merge_reverified(state, row)
        elif not state.in_scope and failed(row) and self.profile["links"]["reverify_failures"] \
                and row.get("error_class") != "forbidden-address":  # refused by policy, not by the target
            self._reverify.setdefault(state.url, {**row, "purpose": state.purpose})
        if failed(row):
            self.failed_urls.add(state.url)
        else:
            self.failed_urls.discard(state.url)
        self.counters["resources"] += 1
        yield resource_item(**row)
        self.queue_sample(state, row)  # an off-site HTML target: its title and text, sampled at idle

    def merge_reverified(self, state: FetchState, row: dict[str, Any]) -> dict[str, Any]:
        """The reverification GET (browser user agent) wins when it had an HTTP answer or the
        first attempt had none; both attempts are kept in ``headers["x-xunjian-attempts"]``."""
        self.counters["reverified"] += 1
        first = {k: v for k, v in (state.first_attempt or {}).items() if k != "purpose"}
        attempts = [attempt_summary(first, "crawler"), attempt_summary(row, "browser")]
        keep = row if row.get("status") is not None or first.get("status") is None else dict(first)
        keep["attempts"] = state.attempts
        keep["headers"] = {**(keep.get("headers") or {}),
                           "x-xunjian-attempts": json.dumps(attempts, ensure_ascii=False)}
        return keep

    def head_to_get(self, state: FetchState, url: str):
        state.method, state.tries = "GET", 0
        return self.make_request(state, url)

    def follow_redirect(self, state: FetchState, response):
        """Follow Location exactly as sent (a Tomcat ``;jsessionid=`` hop must be taken as is);
        a loop is an exact revisit, judged without stripping session ids."""
        location = redact_userinfo(response.headers.get(b"Location").decode("utf-8", "replace"))
        try:  # credentials in a Location are never followed nor kept (crawler.urls.strip_userinfo)
            target = strip_userinfo(urljoin(response.url, location.strip()).partition("#")[0])
            target_key = canonicalize(target, frozenset())[0]
        except ValueError:
            target = target_key = location
        state.chain.append({"url": response.url, "status": response.status})
        visited = {canonicalize(url, frozenset())[0] for url in [state.url] + [h["url"] for h in state.chain]}
        error_class = None
        if target_key in visited:
            error_class = "redirect-loop"
        elif len(state.chain) >= self.max_redirect_hops:
            error_class = "too-many-redirects"
        elif not target.startswith(("http://", "https://")) or url_problem(target):
            error_class = "bad-redirect"  # ftp:, file:, an unparsable Location: no browser follows it
        if error_class:
            row = response_fields(state, response, None)
            row.update(final_url=target, error_class=error_class,
                       error=f"{error_class}: {len(state.chain)} hops, last Location {location[:300]}")
            yield from self.record(state, row)
            return
        state.tries = 0
        try:
            yield self.make_request(state, target)
        except ValueError as exc:  # Location Scrapy cannot request
            row = response_fields(state, response, None)
            row.update(final_url=target, error_class="bad-redirect",
                       error=f"bad Location {location[:300]}: {exc}")
            yield from self.record(state, row)

    # -- failures -----------------------------------------------------------------------------
    def on_error(self, failure: Failure):
        request = failure.request
        state: FetchState = request.meta["xj"]
        if state.purpose == PURPOSE_SAMPLE:  # the link check recorded the target; no sample is no fact
            return
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.counters["robots"] += 1
            yield from self.record(state, {"url": state.url, "kind": state.kind, "in_scope": state.in_scope,
                                           "depth": state.depth, "skip_reason": "robots",
                                           "redirect_chain": state.chain, "attempts": state.attempts - 1})
            return
        error_class = classify_failure(failure)
        if error_class in ("timeout", "reset") and not state.reverify:
            if state.method == "HEAD" and error_class == "reset":
                yield self.head_to_get(state, request.url)
                return
            delay = self.policy.delay(state.tries)
            if delay is not None:
                self.later(self.make_request(state, request.url), delay)
                return
        error = describe_failure(failure)
        inflated = "during decompression" in error  # gzip bomb stopped by DecompressionCapMiddleware
        row = {"url": state.url, "kind": state.kind, "in_scope": state.in_scope, "method": state.method,
               "final_url": request.url if state.chain else None, "redirect_chain": state.chain,
               "elapsed_ms": state.elapsed_ms(), "attempts": state.attempts, "depth": state.depth,
               "error": error, "error_class": error_class, "truncated": state.truncated or inflated}
        yield from self.record(state, row)

    # -- run stats ----------------------------------------------------------------------------
    def run_stats(self) -> dict[str, Any]:
        elapsed = max(time.monotonic() - self.started_at, 1e-6)
        c = self.counters
        return {
            "pages": c["pages"], "resources": c["resources"] - c["reverified"], "links": c["links"],
            "skipped_by_scheme": c["skipped_by_scheme"], "traps": c["traps"], "limits": c["limits"],
            "robots_skipped": c["robots"], "ignored": c["ignored"], "errors": len(self.failed_urls),
            "retries": c["retries"], "reverified": c["reverified"], "bytes": c["bytes"],
            "elapsed_s": round(elapsed, 2), "pages_per_s": round(c["pages"] / elapsed, 2),
            "crawl_finish_reason": getattr(self, "close_reason", None),
            "notfound_probe_prefixes": len(self.probed_prefixes),
            "external_samples": self.samples_scheduled, "external_samples_skipped": self.samples_skipped,
            # requests the scheduler had to hold in memory instead of the disk frontier (crawler.frontier)
            "frontier_in_memory": self.crawler.stats.get_value("scheduler/enqueued/memory", 0),
            "profile": str(Path(self.site_path)),
            **self.reuse_stats(),
        }

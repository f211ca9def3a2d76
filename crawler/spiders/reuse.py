"""Incremental and resumed crawls for the ``portal`` spider: reuse what an earlier run stored.

Settings (site profile ``incremental:``): ``enabled`` (default true; ``xunjian run --full`` or
the spider argument ``full=1`` turns it off for one run), ``external_recheck_days`` (default 7),
``resume_within_hours`` (default 24). Earlier runs are found by ``crawler.store.reuse``.

Per URL, on its first request (no redirect hop, not the reverification pass), for a page check
(GET and parse), a status check (HEAD) or a fetch with body (``#fragment`` / jump links):

- **resume**: the previous run of the site was cut short (killed, interrupted) within
  ``resume_within_hours``: a row it stored that did not fail (and, for a page, its body and
  parse; for a body fetch, its body) is replayed without any request (``replayed``);
- **external verdicts**: an out-of-scope target checked by the baseline run less than
  ``external_recheck_days`` ago is replayed with its verdict and date, unless it failed then;
- **conditional requests**: a page (or body fetch) of the baseline run is requested with
  ``If-None-Match`` / ``If-Modified-Since`` from the ETag / Last-Modified it answered then; a
  ``304`` replays the stored row, body and parse (``not_modified``). A ``200`` whose body hash
  equals the stored one (servers sending neither validator) replays the stored parse instead of
  decoding and parsing again (``same_body``).

Replaying a page runs the same link handling as a fresh parse (``follow_links``), so scope,
traps, limits and depth are decided exactly as in a cold crawl and the run's facts (and so its
findings) are those a cold crawl would store. A replayed request never reaches the network: it
is answered by ``crawler.middlewares.StoredReplayMiddleware`` with an empty response. Counts are
in the run stat ``incremental`` (with ``pages_gone``: baseline pages not found this time).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from crawler.facts import (PURPOSE_BODY, PURPOSE_CHECK, PURPOSE_PAGE, FetchState, copied_item, failed,
                           parse_item)
from crawler.reuse import doc_to_parse, incremental_key, parse_to_doc
from crawler.spiders.linking import FETCHED_SCHEMES
from crawler.store import RESOURCE_COLUMNS, Store

REUSABLE_PURPOSES = (PURPOSE_PAGE, PURPOSE_CHECK, PURPOSE_BODY)
REPLAY, CONDITIONAL = "replay", "conditional"
REPLAY_FLAG = "xunjian-replay"


class ReuseMixin:
    def init_reuse(self, full: bool) -> None:
        settings = self.profile["incremental"]
        self.incremental_key = incremental_key(self.profile)
        self.reuse_counts = {"replayed": 0, "external_reused": 0, "not_modified": 0, "same_body": 0,
                             "conditional_requests": 0}
        self.recheck_age = timedelta(days=float(settings["external_recheck_days"]))
        self.baseline_run: int | None = None
        self.resumed_from: int | None = None
        self.reuse_store: Store | None = None
        store = Store(self.db_path)
        store.mark_incremental_key(self.run_id, self.incremental_key)
        if full or not settings["enabled"]:
            store.close()
            return
        self.resumed_from = store.resumable_run(self.profile.name, self.incremental_key, before=self.run_id,
                                                within_hours=float(settings["resume_within_hours"]))
        self.baseline_run = store.baseline_run(self.profile.name, self.incremental_key, before=self.run_id)
        if self.baseline_run is None and self.resumed_from is None:
            store.close()
            return
        self.reuse_store = store  # a read connection for the whole crawl (WAL: the writer is not blocked)

    def close_reuse(self) -> None:
        if self.reuse_store is not None:
            self.reuse_store.close()
            self.reuse_store = None

    # -- deciding ------------------------------------------------------------------------------
    def reuse_plan(self, state: FetchState) -> tuple[str, int, dict[str, Any]] | None:
        """(mode, source run, stored row) for the first request of ``state``, or None."""
        if self.reuse_store is None or state.chain or state.reverify \
                or state.purpose not in REUSABLE_PURPOSES:
            return None
        if self.resumed_from is not None:
            row = self.reuse_store.reusable_resource(self.resumed_from, state.url)
            if row is not None and self._complete(row, state):
                return REPLAY, self.resumed_from, row
        if self.baseline_run is None:
            return None
        row = self.reuse_store.reusable_resource(self.baseline_run, state.url)
        if row is None or not self._complete(row, state):
            return None
        if not state.in_scope and self._fresh(row):
            return REPLAY, self.baseline_run, row
        if state.purpose in (PURPOSE_PAGE, PURPOSE_BODY):
            return CONDITIONAL, self.baseline_run, row
        return None

    @staticmethod
    def _complete(row: dict[str, Any], state: FetchState) -> bool:
        """A stored row that can stand for this request: answered without failure, no redirect,
        not cut, and holding what the request wants (a page's body and parse, a body)."""
        if failed(row) or row.get("skip_reason") or row.get("redirect_chain") or row.get("truncated") \
                or row.get("status") is None or not 200 <= row["status"] < 300:
            return False
        if state.purpose == PURPOSE_BODY:
            return bool(row["has_body"])
        if state.purpose == PURPOSE_PAGE and row["kind"] == "page":
            return bool(row["has_body"] and row["has_parse"])
        return True

    def _fresh(self, row: dict[str, Any]) -> bool:
        try:
            checked = datetime.fromisoformat(row["fetched_at"])
        except (TypeError, ValueError):
            return False
        if checked.tzinfo is None:
            checked = checked.replace(tzinfo=timezone.utc)
        return datetime.now(timezone.utc) - checked < self.recheck_age

    def conditional_headers(self, row: dict[str, Any]) -> dict[str, str]:
        headers = row.get("headers") or {}
        out = {}
        if headers.get("etag"):
            out["If-None-Match"] = headers["etag"]
        if headers.get("last-modified"):
            out["If-Modified-Since"] = headers["last-modified"]
        return out

    # -- replaying -----------------------------------------------------------------------------
    def reused_answer(self, state: FetchState, response, fresh: dict[str, Any] | None):
        """Items for an answer that lets the stored row stand (a replay, a 304, an unchanged body),
        or None when the answer is new content to handle normally."""
        plan = response.meta.get("xj_reuse")
        if plan is None:
            return None
        mode, source, stored = plan
        if REPLAY_FLAG in response.flags:
            self.reuse_counts["replayed" if source == self.resumed_from else "external_reused"] += 1
            return self.replay(state, source, stored, None)
        if response.status == 304:
            self.reuse_counts["not_modified"] += 1
            return self.replay(state, source, stored, {"attempts": state.attempts,
                                                       "elapsed_ms": fresh["elapsed_ms"], "fetched_at": None})
        same_body = fresh is not None and fresh.get("content_hash") \
            and fresh["content_hash"] == stored.get("content_hash")
        if same_body and fresh.get("status") == stored.get("status") and not state.truncated \
                and "dataloss" not in response.flags and stored["kind"] == "page":
            self.reuse_counts["same_body"] += 1
            keep = {k: fresh[k] for k in ("method", "status", "final_url", "content_type", "size",
                                          "elapsed_ms", "attempts", "headers")}
            return self.replay(state, source, stored, {**keep, "fetched_at": None}, copy=False)
        return None

    def replay(self, state: FetchState, source: int, stored: dict[str, Any], update: dict[str, Any] | None,
               copy: bool = True):
        """The facts of a reused answer. ``copy`` (a replay, a ``304``): the stored rows stand and are
        copied inside the store (one ``copy`` item: the resource row with this run's ``update``,
        body, parse, links), and the page's targets are decided from its stored links. Otherwise (an
        unchanged body with new response facts) the row is written from Python."""
        state.reused = True
        # a replayed external verdict keeps its sample (checks/content/hijacked_links.py reads it):
        # copied with the row when the source run has one, else sampled again (crawler.spiders.sampling)
        state.sample_reused = copy and not state.in_scope \
            and self.reuse_store.has_external_sample(source, state.url)
        changes = {"in_scope": state.in_scope, "depth": state.depth, **(update or {})}
        full = stored if copy else self.reuse_store.resource(source, state.url)
        row = {**{k: full.get(k) for k in RESOURCE_COLUMNS}, **changes, "url": state.url}  # what record reads
        crawl_it = state.purpose == PURPOSE_PAGE and stored["kind"] == "page" and state.in_scope \
            and state.parse
        if not crawl_it:
            body = bool(stored["has_body"]) and state.purpose == PURPOSE_BODY
            if copy:
                yield from self._copied(self.record(state, row), state.url,
                                        copied_item(state.url, source, parse=False, body=body,
                                                    resource=changes, sample=state.sample_reused))
                return
            yield from self.record(state, row)
            if body:
                yield copied_item(state.url, source, parse=False)
            return
        parse = self.reuse_store.parse_of(source, state.url)
        doc = parse_to_doc(parse)
        count = len(doc.links)
        stored_links = self.reuse_store.stored_links(source, state.url, count) if count else []
        # a killed run may have lost a page's links (or a store holds them twice): re-derive them then
        links_stored = len(stored_links) == count and all(row[0] == i for i, row in enumerate(stored_links))
        item = copied_item(state.url, source, parse=True, resource=changes if copy else None,
                           links=count if links_stored and count else None)
        if copy:
            yield from self._copied(self.record(state, row), state.url, item)
        else:
            yield from self.record(state, row)
            yield item
        self.counters["pages"] += 1
        if not links_stored:
            yield from self.follow_links(state, doc, parse["charset"])
            yield from self.probe_sections(doc, parse["charset"])
            return
        yield from self.follow_stored_links(state, doc, stored_links)
        yield from self.probe_sections(doc, parse["charset"],
                                       {position: target for position, target, _, scheme in stored_links
                                        if scheme in FETCHED_SCHEMES})

    @staticmethod
    def _copied(recorded, url: str, item: dict[str, Any]):
        """``record``'s output with the resource row of ``url`` replaced by the copy ``item``."""
        for out in recorded:
            yield item if out.get("_table") == "resource" and out.get("url") == url else out

    def follow_stored_links(self, page: FetchState, doc, stored_links: list[tuple[int, str, str | None, str]]):
        """``follow_links`` for an unchanged page whose link rows are copied: the targets were
        resolved and canonicalised when the page was parsed, so only the decisions are made."""
        pending = []
        for (_position, target, fragment, scheme), link in zip(stored_links, doc.links):
            if scheme not in FETCHED_SCHEMES:
                self._bump("skipped_by_scheme", scheme)
                continue
            pending.append((target, fragment or "", link, self.is_pager(page, target, link)))
        self.counters["links"] += len(stored_links)
        yield from self.decide_targets(page, pending)

    def parse_record(self, url: str, doc, charset: str, decode_errors: int) -> dict[str, Any]:
        return parse_item(url, doc_to_parse(doc, charset, decode_errors))

    def reuse_stats(self) -> dict[str, Any]:
        out: dict[str, Any] = {"incremental_key": self.incremental_key}
        if self.resumed_from is not None:
            out["resumed_from"] = self.resumed_from
        if self.baseline_run is not None or self.resumed_from is not None:
            out["incremental"] = {"baseline_run": self.baseline_run, "resumed_from": self.resumed_from,
                                  **self.reuse_counts}
        return out

"""Item pipeline: streams the spider's facts into the SQLite ``Store`` from a writer thread.

Items are the tagged dicts built in ``crawler.facts`` (``_table`` = resource / body /
links / probe / parse / copy /
external_sample). ``process_item`` only queues an item (``XUNJIAN_WRITE_QUEUE`` items at most,
default 256: a full queue makes the crawl wait, so memory stays bounded); one writer thread owns
the store connection and writes them in order. SQLite and zlib release the GIL while they work,
so the writes run on the second core while the reactor thread keeps fetching and parsing.
Settings: ``XUNJIAN_COMMIT_EVERY`` (rows per commit, default 1000)
and ``XUNJIAN_COMMIT_INTERVAL_S`` (at most this long between commits, default 2 s) bound both
memory and what a crash can lose (a resumed run replays what was committed: crawler.spiders.reuse).
At close the queue is drained, the last batch committed and the spider's run statistics saved
with ``Store.update_run_stats`` (keys documented in ``PortalSpider.run_stats``).

A write that fails (``StoreError``: disk full, locked past the busy timeout, file
replaced) is never swallowed: the spider is closed with reason ``store_error`` and
``spider.store_error`` names the failure, so the crawl exits non-zero and the run is
stored incomplete; the items still queued are dropped. An item the writer cannot store (unknown
or malformed: a bug) does not stop the writer, but the crawl ends with a store error that names
it, so the run is incomplete rather than silently missing a fact.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from scrapy.exceptions import DropItem

from crawler.store import Store, StoreError

log = logging.getLogger(__name__)
_CLOSE = object()  # the last message to the writer: commit, save the run statistics, close


class StorePipeline:
    def __init__(self, crawler, commit_every: int, commit_interval_s: float = 2.0, queue_size: int = 256):
        self.crawler = crawler
        self.commit_every = commit_every
        self.commit_interval_s = commit_interval_s
        self.queue: queue.Queue = queue.Queue(max(1, queue_size))
        self.writer: threading.Thread | None = None
        self.failure: str | None = None        # set by the writer thread when a write fails
        self.close_failure: str | None = None  # the final commit or run statistics failed
        self.unstored: list[str] = []          # items the writer could not store (a bug): the run is incomplete
        self.path = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.getint("XUNJIAN_COMMIT_EVERY", 1000),
                   settings.getfloat("XUNJIAN_COMMIT_INTERVAL_S", 2.0),
                   settings.getint("XUNJIAN_WRITE_QUEUE", 256))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.run_id = spider.run_id
        store = Store(spider.db_path, commit_every=self.commit_every)  # opening errors surface here
        self.path = store.path
        store.close()
        self.writer = threading.Thread(target=self._write_all, args=(spider.db_path,),
                                       name="xunjian-store-writer", daemon=True)
        self.writer.start()

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider
        if getattr(spider, "store_error", None) or self.failure:
            raise DropItem("store write failed earlier; the crawl is stopping")
        self.queue.put(item)
        return item

    # -- the writer thread ---------------------------------------------------------------------
    def _write_all(self, db_path) -> None:
        try:
            store = Store(db_path, commit_every=self.commit_every)
        except StoreError as exc:
            self._failed(f"opening {db_path} failed: {exc}")
            store = None
        last_commit = time.monotonic()
        while True:
            try:
                item = self.queue.get(timeout=self.commit_interval_s)
            except queue.Empty:
                item = None
            if isinstance(item, tuple) and item and item[0] is _CLOSE:
                self._close_store(store, item[1])
                return
            if store is None or self.failure:
                continue  # a write failed: the crawl is stopping, what is still queued is dropped
            try:
                if item is not None and not write_item(store, self.run_id, item):
                    self._unstored(item, "unknown item")
                now = time.monotonic()
                if now - last_commit >= self.commit_interval_s:
                    store.commit()
                    last_commit = now
            except StoreError as exc:
                self._failed(f"writing to {self.path} failed: {exc}")
            except Exception as exc:  # noqa: BLE001 - the writer outlives a malformed item (a dead writer
                log.exception("item not stored")  # hangs the crawl); the run is marked incomplete at close
                self._unstored(item or {}, repr(exc))

    def _unstored(self, item: dict[str, Any], why: str) -> None:
        self.unstored.append(f"{item.get('_table')} {item.get('url', '')} ({why})".strip())

    def _close_store(self, store: Store | None, stats: dict[str, Any] | None) -> None:
        if store is None:
            return
        try:
            store.commit()
            if stats is not None:  # final figures follow at spider_closed
                store.update_run_stats(self.run_id, stats)
        except StoreError as exc:
            self.close_failure = f"final commit to {self.path} failed: {exc}"
        except Exception as exc:  # noqa: BLE001 - reported by close_spider in the reactor thread
            self.close_failure = f"saving the run statistics to {self.path} failed: {exc!r}"
        finally:
            try:
                store.close()
            except StoreError as exc:
                self.close_failure = self.close_failure or f"closing {self.path} failed: {exc}"

    def _failed(self, message: str) -> None:
        """In the writer thread: stop the crawl from the reactor thread, once."""
        if self.failure is None:
            self.failure = message
            from twisted.internet import reactor
            reactor.callFromThread(self._stop_crawl, message)

    def _stop_crawl(self, message: str) -> None:
        spider = self.crawler.spider
        if spider is None or getattr(spider, "store_error", None):
            return
        spider.store_error = message
        log.error("xunjian: %s; stopping the crawl", message)
        self.crawler.engine.close_spider(spider, "store_error")

    def close_spider(self) -> None:
        spider = self.crawler.spider
        if self.writer is None:  # pragma: no cover - open_spider failed
            return
        stats = spider.run_stats() if spider is not None and hasattr(spider, "run_stats") else None
        self.queue.put((_CLOSE, stats))
        self.writer.join()
        self.writer = None
        if self.failure and spider is not None and not getattr(spider, "store_error", None):
            spider.store_error = self.failure  # the failure came as the crawl was closing anyway
        if self.unstored and spider is not None and not getattr(spider, "store_error", None):
            # never a silent gap: the facts that were stored stay, but the run cannot pass
            spider.store_error = (f"{len(self.unstored)} fact item(s) could not be stored (first: "
                                  f"{self.unstored[0]}); the run's facts are incomplete: this is a bug, "
                                  f"please report it with the crawl log")
        if self.close_failure:
            if spider is not None:
                spider.store_error = spider.store_error or self.close_failure
            raise StoreError(self.close_failure)


def write_item(store: Store, run_id: int, item: dict[str, Any]) -> bool:
    """Store one fact item (``_table`` names its table); False for an unknown table. Also the
    writer of a distributed crawl (crawler/redis_writer.py) stores its batches with this."""
    table = item.get("_table")
    fields = {k: v for k, v in item.items() if k != "_table"}
    if table == "batch":  # one page's facts (crawler.spiders.portal.batched)
        return all([write_item(store, run_id, part) for part in item["items"]])
    if table == "resource":
        store.put_resource(run_id, **fields)
    elif table == "body":
        store.put_body(run_id, item["url"], item["text"])
    elif table == "links":
        store.put_links(run_id, item["rows"])
    elif table == "parse":
        store.put_parse(run_id, item["url"], item["parse"])
    elif table == "copy":  # an unchanged page: its facts are copied inside the store (crawler.spiders.reuse)
        source, url = item["from_run"], item["url"]
        if item.get("resource") is not None:
            store.copy_resource(source, run_id, url, item["resource"])
        if item.get("body", True):
            store.copy_body(source, run_id, url)
        if item["parse"]:
            store.copy_parse(source, run_id, url)
        if item.get("links"):
            store.copy_links(source, run_id, url, item["links"])
        if item.get("sample"):
            store.copy_external_sample(source, run_id, url)
    elif table == "probe":
        store.put_probe(run_id, **fields)
    elif table == "external_sample":
        store.put_external_sample(run_id, **fields)
    else:
        return False
    return True

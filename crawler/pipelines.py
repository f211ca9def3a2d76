"""Item pipeline: streams the spider's facts into the SQLite ``Store`` with batched commits.

Items are the tagged dicts built in ``crawler.facts`` (``_table`` = resource / body /
links / probe / parse / copy /
external_sample). Settings: ``XUNJIAN_COMMIT_EVERY`` (rows per commit, default 1000)
and ``XUNJIAN_COMMIT_INTERVAL_S`` (at most this long between commits, default 2 s) bound both
memory and what a crash can lose (a resumed run replays what was committed: crawler.spiders.reuse).
At close the spider's run statistics are saved with
``Store.update_run_stats`` (keys documented in ``PortalSpider.run_stats``).

A write that fails (``StoreError``: disk full, locked past the busy timeout, file
replaced) is never swallowed: the spider is closed with reason ``store_error`` and
``spider.store_error`` names the failure, so the crawl exits non-zero and the run is
stored incomplete.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.exceptions import DropItem

from crawler.store import Store, StoreError

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler, commit_every: int, commit_interval_s: float = 2.0):
        self.crawler = crawler
        self.commit_every = commit_every
        self.commit_interval_s = commit_interval_s
        self.last_commit = time.monotonic()
        self.store: Store | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getint("XUNJIAN_COMMIT_EVERY", 1000),
                   crawler.settings.getfloat("XUNJIAN_COMMIT_INTERVAL_S", 2.0))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.store = Store(spider.db_path, commit_every=self.commit_every)
        self.run_id = spider.run_id

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        spider = self.crawler.spider
        if getattr(spider, "store_error", None):
            raise DropItem("store write failed earlier; the crawl is stopping")
        try:
            self._write(item)
            now = time.monotonic()
            if now - self.last_commit >= self.commit_interval_s:
                self.store.commit()
                self.last_commit = now
            return item
        except StoreError as exc:
            spider.store_error = f"writing to {self.store.path} failed: {exc}"
            log.error("xunjian: %s; stopping the crawl", spider.store_error)
            self.crawler.engine.close_spider(spider, "store_error")
            raise DropItem(spider.store_error) from None

    def _write(self, item: dict[str, Any]) -> dict[str, Any]:
        if not write_item(self.store, self.run_id, item):
            log.warning("unknown item dropped: %r", list(item)[:5])
        return item

    def close_spider(self) -> None:
        spider = self.crawler.spider
        if self.store is None:  # pragma: no cover - open_spider failed
            return
        try:
            self.store.commit()
            if spider is not None and hasattr(spider, "run_stats"):  # final figures follow at spider_closed
                self.store.update_run_stats(self.run_id, spider.run_stats())
        except StoreError as exc:
            if spider is not None:
                spider.store_error = spider.store_error or f"final commit to {self.store.path} failed: {exc}"
            raise
        finally:
            self.store.close()
            self.store = None


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
    elif table == "probe":
        store.put_probe(run_id, **fields)
    elif table == "external_sample":
        store.put_external_sample(run_id, **fields)
    else:
        return False
    return True

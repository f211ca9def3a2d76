"""The disk frontier (crawler.frontier): waiting requests are kept in files, read back intact and in
order, and the directory of a crawl that is gone is cleaned up. A real crawl keeping nothing in
memory is asserted in tests/test_crawler_crawl.py (run stat ``frontier_in_memory``)."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
import scrapy

from crawler.facts import PURPOSE_PAGE, FetchState
from crawler.frontier import FrontierDiskQueue, frontier_dir, prepare_frontier, remove_frontier


class _Spider(scrapy.Spider):
    name = "frontier-test"

    def on_response(self, response):  # pragma: no cover - never called: only stored by name
        return None

    def on_error(self, failure):  # pragma: no cover
        return None


def _request(spider: _Spider, n: int) -> scrapy.Request:
    url = f"http://127.0.0.1:8080/col/a/art_{n}.html"
    state = FetchState(url, "page", True, 2, PURPOSE_PAGE, referrer="http://127.0.0.1:8080/col/a/index.html")
    return scrapy.Request(url, callback=spider.on_response, errback=spider.on_error, dont_filter=True,
                          priority=-4, headers={"If-None-Match": f'"etag-{n}"'} if n % 2 else None,
                          meta={"xj": state, "xj_reuse": None, "handle_httpstatus_all": True})


def test_requests_wait_on_disk_and_come_back_in_order_with_the_spiders_callbacks(tmp_path):
    spider = _Spider()
    queue = FrontierDiskQueue.from_crawler(SimpleNamespace(spider=spider), str(tmp_path / "q" / "p4"))
    for n in range(300):
        queue.push(_request(spider, n))
    assert len(queue) == 300
    assert sum(f.stat().st_size for f in (tmp_path / "q" / "p4").iterdir()) > 300 * 200  # on disk
    back = [queue.pop() for _ in range(300)]
    assert queue.pop() is None
    assert [r.url for r in back] == [f"http://127.0.0.1:8080/col/a/art_{n}.html" for n in range(300)]
    first, second = back[0], back[1]
    assert first.callback == spider.on_response and first.errback == spider.on_error
    assert first.meta["xj"] == FetchState(first.url, "page", True, 2, PURPOSE_PAGE,
                                          referrer="http://127.0.0.1:8080/col/a/index.html",
                                          started=first.meta["xj"].started)
    assert first.priority == -4 and first.dont_filter and b"If-None-Match" not in first.headers
    assert second.headers[b"If-None-Match"] == b'"etag-1"'
    queue.close()


def test_a_request_that_cannot_be_stored_is_refused_so_scrapy_keeps_it_in_memory(tmp_path):
    spider = _Spider()
    queue = FrontierDiskQueue.from_crawler(SimpleNamespace(spider=spider), str(tmp_path / "q"))
    with pytest.raises(ValueError):
        queue.push(scrapy.Request("http://127.0.0.1/", callback=lambda response: None))
    with pytest.raises(ValueError):
        queue.push(scrapy.Request("http://127.0.0.1/", callback=spider.on_response, meta={"f": lambda: 1}))
    assert len(queue) == 0
    queue.close()


def test_frontiers_of_crawls_that_are_gone_are_removed(tmp_path):
    db = tmp_path / "x.sqlite"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead = frontier_dir(db, int(gone.stdout))
    live = frontier_dir(db, os.getppid())  # another crawl still running on this store
    for path in (dead, live):
        (path / "requests.queue").mkdir(parents=True)
    mine = prepare_frontier(db)
    assert mine == frontier_dir(db) and mine.is_dir() and not any(mine.iterdir())
    assert not dead.exists() and live.exists()
    remove_frontier(db)
    assert not mine.exists()

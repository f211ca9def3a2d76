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
from scrapy.settings import Settings

from crawler.frontier import MEMORY_ENV, FrontierDiskQueue, frontier_dir, prepare_frontier, remove_frontier


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


def _crawler(spider: _Spider, in_memory: int = 0) -> SimpleNamespace:
    return SimpleNamespace(spider=spider, settings=Settings({MEMORY_ENV: in_memory}))


def test_requests_wait_on_disk_and_come_back_in_order_with_the_spiders_callbacks(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    spider = _Spider()
    queue = FrontierDiskQueue.from_crawler(_crawler(spider), str(tmp_path / "q" / "p4"))
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


def test_a_request_that_cannot_be_stored_is_refused_so_scrapy_keeps_it_in_memory(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    spider = _Spider()
    queue = FrontierDiskQueue.from_crawler(_crawler(spider), str(tmp_path / "q"))
    with pytest.raises(ValueError):
        queue.push(scrapy.Request("http://127.0.0.1/", callback=lambda response: None))
    with pytest.raises(ValueError):
        queue.push(scrapy.Request("http://127.0.0.1/", callback=spider.on_response, meta={"f": lambda: 1}))
    assert len(queue) == 0
    queue.close()


def test_the_first_requests_stay_in_memory_within_the_crawls_budget_and_the_order_holds(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    spider = _Spider()
    crawler = _crawler(spider, in_memory=50)  # one budget for every queue of the crawl
    first = FrontierDiskQueue.from_crawler(crawler, str(tmp_path / "q" / "p1"))
    second = FrontierDiskQueue.from_crawler(crawler, str(tmp_path / "q" / "p2"))
    for n in range(30):
        first.push(_request(spider, n))
    assert not (tmp_path / "q").exists()  # nothing written: a small frontier never touches the disk
    for n in range(30, 60):
        second.push(_request(spider, n))  # 20 in memory, then the budget is spent: 10 on disk
    assert len(second) == 30 and sum(f.stat().st_size for f in (tmp_path / "q" / "p2").iterdir()) > 10 * 200
    assert [first.pop().url for _ in range(5)] == [_request(spider, n).url for n in range(5)]
    second.push(_request(spider, 60))  # budget back, but p2 has requests on disk: 60 goes after them
    assert first.peek().url == _request(spider, 5).url
    back = [second.pop() for _ in range(31)]
    assert [r.url for r in back] == [_request(spider, n).url for n in range(30, 61)]
    assert back[0].callback == spider.on_response and back[25].callback == spider.on_response
    assert second.pop() is None and len(second) == 0
    first.close()  # its 25 requests in memory are given back to the budget
    third = FrontierDiskQueue.from_crawler(crawler, str(tmp_path / "q" / "p3"))
    for n in range(50):
        third.push(_request(spider, n))
    assert not (tmp_path / "q" / "p3").exists()
    second.close()
    third.close()


def test_the_environment_sets_the_memory_budget(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "0")
    spider = _Spider()
    queue = FrontierDiskQueue.from_crawler(_crawler(spider, in_memory=1000), str(tmp_path / "q"))
    queue.push(_request(spider, 1))
    assert (tmp_path / "q").is_dir() and len(queue) == 1
    assert queue.pop().url == _request(spider, 1).url
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

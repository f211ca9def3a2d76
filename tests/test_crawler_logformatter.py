"""crawler.logformatter: Scrapy's per-response and per-item DEBUG lines are made only at DEBUG."""

from types import SimpleNamespace

from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from crawler.logformatter import QuietLogFormatter


def _formatter(level):
    return QuietLogFormatter.from_crawler(SimpleNamespace(settings=Settings({"LOG_LEVEL": level})))


SPIDER = Spider(name="log-test")
SPIDER.crawler = SimpleNamespace(settings=Settings())


def test_above_debug_no_crawled_or_scraped_message_is_made_and_errors_still_are():
    request = Request("http://127.0.0.1/a.html")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    for level in ("WARNING", "INFO", 30):
        quiet = _formatter(level)
        assert quiet.crawled(request, response, SPIDER) is None
        assert quiet.scraped({"url": request.url}, response, SPIDER) is None
        assert quiet.dropped({"url": request.url}, ValueError("x"), response, SPIDER)["msg"]


def test_at_debug_the_lines_are_scrapys_own():
    request = Request("http://127.0.0.1/a.html")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    loud = _formatter("DEBUG")
    crawled = loud.crawled(request, response, SPIDER)
    assert crawled["msg"].startswith("Crawled (") and crawled["args"]["status"] == 200
    assert "Scraped from" in loud.scraped({"url": request.url}, response, SPIDER)["msg"]

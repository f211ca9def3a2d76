"""The store pipeline's writer thread: items are written in order, and one malformed item does not
stop the writer (a dead writer would leave the crawl waiting on a full queue), but the crawl ends
with a store error naming it, so the run is incomplete and cannot pass the gate."""

from __future__ import annotations

from types import SimpleNamespace

from crawler.pipelines import StorePipeline
from crawler.store import Store


class _Settings(dict):
    def getint(self, name, default):
        return int(self.get(name, default))

    def getfloat(self, name, default):
        return float(self.get(name, default))


def test_writer_thread_survives_a_bad_item_and_commits_at_close(tmp_path):
    db = tmp_path / "x.sqlite"
    store = Store(db)
    run_id = store.start_run("t", "2026-11-26")
    store.close()
    spider = SimpleNamespace(db_path=str(db), run_id=run_id, store_error=None,
                             run_stats=lambda: {"pages": 2})
    crawler = SimpleNamespace(spider=spider, settings=_Settings())
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    good = [{"_table": "resource", "url": f"http://h/{i}", "kind": "page", "in_scope": True}
            for i in range(5)]
    pipeline.process_item(good[0])
    pipeline.process_item({"_table": "resource", "url": "http://h/bad", "kind": "page", "in_scope": True,
                           "no_such_column": 1})  # refused by Store.put_resource
    for item in good[1:]:  # still written: the writer thread outlived the bad item
        pipeline.process_item(item)
    pipeline.close_spider()
    assert spider.store_error and spider.store_error.startswith("1 fact item(s) could not be stored"), \
        spider.store_error
    assert "http://h/bad" in spider.store_error
    store = Store(db)
    try:
        assert sorted(r["url"] for r in store.resources(run_id)) == [f"http://h/{i}" for i in range(5)]
        assert store.run_stats(run_id)["pages"] == 2
    finally:
        store.close()

"""The site facts' views and link-text index on disk (checks/_viewstore.py, crawler/store/scratch.py).

Pages come in crawl order (the live page pass) or URL order (the page pass); the index must keep each
link text's link from the first page in URL order either way, however small the in-memory cache of
link texts is, and the views must read back as they were written, in URL order.
"""

from __future__ import annotations

import random

import pytest

from checks import _viewstore
from checks._views import PageView
from checks._viewstore import ViewStore, index_key


def _view(url: str, links: list[tuple[str, str]]) -> PageView:
    return PageView(url=url, title=f"标题 {url}", meta={"PubDate": "2026-01-02"}, fields={"索引号": url[-3:]},
                    text="body text", footer="网站标识码 123", footer_markup="img.png", links=links,
                    labelled_date="2026-01-02", printed={"索引号": "索 引 号"})


def _site(seed: int) -> dict[str, list[tuple[str, str]]]:
    """Pages -> their (href, text) links: shared navigation texts, titles repeated across pages."""
    rng = random.Random(seed)
    texts = ["首页", "政务公开", "办事服务"] + [f"关于印发第{i}号通知" for i in range(60)] + ["  ", "x" * 90]
    return {f"http://h/p{i:03d}.html": [(f"http://h/t{rng.randrange(40)}.html#{i}", rng.choice(texts))
                                         for _ in range(rng.randrange(0, 12))] for i in range(120)}


def _expected_index(site: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for url in sorted(site):
        for href, text in site[url]:
            index.setdefault(index_key(text), href)
    index.pop("", None)
    return index


def _build(site: dict[str, list[tuple[str, str]]], order: list[str]) -> ViewStore:
    store = ViewStore()
    for url in order:
        chosen = store.new_texts_of(url)([text for _href, text in site[url]])
        store.add(url, _view(url, [(h, t) for h, t in site[url] if t in chosen]), keep_links=url == order[0])
    return store


@pytest.mark.parametrize("cache", [1, 3, 4096])
def test_the_link_index_keeps_the_first_page_in_url_order_whatever_the_order_and_cache(monkeypatch, cache):
    monkeypatch.setattr(_viewstore, "LINK_TEXT_CACHE", cache)
    site = _site(7)
    expected = _expected_index(site)
    crawl_order = list(site)
    random.Random(3).shuffle(crawl_order)
    for order in (sorted(site), crawl_order):
        store = _build(site, order)
        assert dict(store.link_index.items()) == expected
        assert list(store.link_index) == sorted(expected)
        assert all(store.link_index[text] == href for text, href in expected.items())
        assert "never printed" not in store.link_index and len(store.link_index) == len(expected)
        store.close()


def test_views_read_back_in_url_order_without_text_and_with_the_first_pages_links_only():
    site = _site(11)
    order = sorted(site, reverse=True)
    with_links = next(url for url in order if site[url])
    order.remove(with_links)
    order.insert(0, with_links)
    store = _build(site, order)
    views = store.views
    assert list(views) == sorted(site) and len(views) == len(site)
    first = views[order[0]]
    assert first.links and first.text == "" and first.fields == {"索引号": order[0][-3:]}
    assert first.printed == {"索引号": "索 引 号"} and first.meta["PubDate"] == "2026-01-02"
    assert all(view.links == [] for url, view in views.items() if url != order[0])
    assert [url for url, _view in views.items()] == sorted(site)
    assert "http://h/missing" not in views and views.get("http://h/missing") is None
    again = _view(order[1], [])
    again.title = "改版"
    store.add(order[1], again, keep_links=False)  # a page written again: the later view wins
    assert views[order[1]].title == "改版" and len(views) == len(site)
    store.close()

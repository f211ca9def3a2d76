"""Hijacked outbound links (checks/content/hijacked_links.py): the content dictionary on strings, the
registrable-domain comparison, and the crawl's samples of external targets in a real store. The
rule over real crawls (a 302 to a third loopback host, a parked page, decoys) is asserted by the
families' plants (xunjian/demo/content_plants.py; tests/test_families.py, tests/test_demo_audit.py)."""

from __future__ import annotations

import pytest

from checks.base import CheckContext
from checks.content.hijacked_links import _settings, content_reasons
from config import load_thresholds
from crawler.publicsuffix import registrable_domain
from crawler.spiders.sampling import page_text
from crawler.store import Store


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("hijack") / "x.sqlite")
    ctx = CheckContext(store=store, run_id=0, site={}, thresholds=load_thresholds(), today=None)
    yield _settings(ctx)
    store.close()


@pytest.mark.parametrize("title, text, reason", [
    ("澳门娱乐城 真人百家乐", "", "title carries '娱乐城、百家乐'"),
    ("首页", "注册送彩金 老虎机 时时彩 在线投注 百家乐", "text carries "),
    ("This Domain Is For Sale", "", "parked or for-sale domain 'Domain Is For Sale'"),
    ("欢迎", "本域名正在出售，欢迎洽谈", "parked or for-sale domain '域名正在出售'"),
])
def test_gambling_and_parked_pages_fire(settings, title, text, reason):
    reasons = content_reasons(title, text, settings)
    assert reasons and reasons[0][1].startswith(reason) and reasons[0][0]  # (zh, en)


@pytest.mark.parametrize("title, text", [
    ("关于严厉打击网络赌博违法犯罪活动的通告", "百家乐、老虎机、六合彩、时时彩"),   # against gambling
    ("上海市体育局", "体育彩票公益金使用情况公告"),                               # one lottery word, no term
    ("新闻中心", "社区棋牌室开放时间调整"),                                       # 棋牌室 is not 棋牌游戏
    ("上海市人民政府", ""),
])
def test_government_pages_do_not_fire(settings, title, text):
    assert content_reasons(title, text, settings) == []


def test_registrable_domains_come_from_the_bundled_list():
    assert registrable_domain("www.example.com.cn") == registrable_domain("news.example.com.cn")
    assert registrable_domain("old.example.com") != registrable_domain("example.net")
    assert registrable_domain("127.0.0.2") == "127.0.0.2" != registrable_domain("127.0.0.3")


def test_samples_keep_the_title_and_visible_text_only(tmp_path):
    title, text = page_text("<html><head><title> 娱乐城 </title><script>var x='老虎机'</script></head>"
                            "<body><p>真人  百家乐</p><style>p{}</style></body></html>")
    assert (title, text) == ("娱乐城", "娱乐城 真人 百家乐")  # the title is text too; scripts are not
    store = Store(tmp_path / "x.sqlite")
    store.put_external_sample(1, "http://a.example/", final_url="http://b.example/", status=200,
                              title=title, text=text)
    store.commit()
    assert store.external_samples(1)["http://a.example/"]["final_url"] == "http://b.example/"
    store.close()

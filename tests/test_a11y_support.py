"""Fixture portal and store builder for the accessibility tests (no tests in this module).

``FixturePortal`` serves a handful of pages from a dict on 127.0.0.1 (port 0) with a
``ThreadingHTTPServer``; ``/0slow`` answers after a delay and ``/hang`` effectively
never, so crash and timeout handling can be exercised. ``build_store`` writes the
facts a crawl would have stored (resources, bodies, links) into a real SQLite
store, and ``profile`` writes a site profile YAML and loads it through
``config.load_site`` (so the ``a11y:`` block is validated for real).
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import lxml.html
import yaml

from config import load_site
from crawler.store import Store

HEADER = """<div class="top"><a href="/wza.html">无障碍</a> <a href="javascript:void(0)" onclick="x()">长者模式</a></div>
<div class="nav"><a href="/col/a/">通知公告</a> <a href="/col/b/">政策文件</a> <a href="/col/c/">工作动态</a></div>"""
HEADER_NO_ELDER = """<div class="top"><a href="/wza.html">无障碍</a></div>
<div class="nav"><a href="/col/a/">通知公告</a> <a href="/col/b/">政策文件</a> <a href="/col/c/">工作动态</a></div>"""
BASE_CSS = """body{font-size:16px;color:#222;background:#fff} .foot{font-size:12px}
.top a, .nav a, .list a, main > a {display:inline-block; padding:6px 10px} main, .foot {max-width:900px}
a{transition:background-color .4s ease-in} a:focus{outline:none; background-color:#ffe066}
.totop:focus{outline:3px solid #000}"""


def page(title: str, body: str, *, lang: str = "zh-CN", css: str = BASE_CSS,
         viewport: str = "width=device-width, initial-scale=1, maximum-scale=5") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (f'<!doctype html><html{lang_attr}><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="viewport" content="{viewport}"><style>{css}</style></head><body>'
            f'<header>{body}</header><div class="foot">版权所有 示范区城管执法局 联系电话 021-00000000</div></body></html>')


LIST_ITEMS = "".join(f'<li><a href="/art/{i}.html">关于开展第{i}次专项整治的通知</a><span>2026-11-0{i}</span></li>'
                     for i in range(1, 4))


def fixture_pages() -> dict[str, str]:
    """Planted defects and decoys; see EXPECTED / DECOYS below."""
    return {
        "/": page("示范区城管执法局", HEADER + """
            <main><h1>首页</h1>
            <img src="/logo.png" alt="">
            <a href="/art/1.html"><img src="/b.png" alt="专项整治"></a>
            <label for="q">站内搜索</label><input id="q" type="text">
            <p>城市管理行政执法局负责本区市容环境卫生、城市绿化、市政设施等方面的执法工作。</p>
            <div style="position:fixed;bottom:0;left:0;right:0;height:40px;background:#eee">固定底栏 服务热线 12345</div>
            <a href="#top" class="totop" style="position:fixed;right:10px;bottom:80px;width:40px;height:40px;background:#1a5fb4;color:#fff">顶部</a></main>"""),
        "/col/a/": page("通知公告", HEADER_NO_ELDER + f"""
            <main><h1>通知公告</h1><ul class="list">{LIST_ITEMS}</ul>
            <p style="color:#bbb;background:#fff">本栏目信息由办公室负责维护更新。</p></main>"""),
        "/col/b/": page("政策文件", """<div class="top"><a href="/wza.html">无障碍</a> <a href="/care/">关怀版</a></div>
            <div class="nav"><a href="/col/a/">通知公告</a> <span onclick="location='/col/b/'">政策文件</span>
            <a href="/col/c/">工作动态</a></div>""" + f"""
            <main><h1>政策文件</h1><ul class="list">{LIST_ITEMS}</ul>
            <div id="piao" style="position:fixed;left:400px;top:250px;width:320px;height:220px;background:#fc0;z-index:999">
            广告飘窗 点击查看</div></main>""",
                         viewport="width=device-width, initial-scale=1, user-scalable=no",
                         css="body{font-size:16px} a:focus{outline:none}"),
        "/col/c/": page("工作动态", HEADER + f"""<main><h1>工作动态</h1><ul class="list">{LIST_ITEMS}</ul>
            <p>本区城管执法局持续开展市容环境整治工作，加强对占道经营、乱设摊等行为的巡查与处置。</p></main>""",
                         css="body{font-size:12px} a:focus{outline:2px solid #000}"),
        "/art/1.html": page("关于开展第1次专项整治的通知", HEADER + """<main><h1>通知</h1>
            <img src="/photo1.jpg"><a href="/att/1.pdf"></a>
            <form><input type="text" name="kw"><button>搜索</button></form>
            <p>为进一步加强市容环境管理，决定开展专项整治，请各街镇认真落实。</p></main>""", lang=""),
        "/art/2.html": page("关于开展第2次专项整治的通知", HEADER + """<main><h1>通知</h1>
            <p>为进一步加强市容环境管理，决定开展专项整治，请各街镇认真落实。</p></main>"""),
        "/art/3.html": page("关于开展第3次专项整治的通知", HEADER + """<main><h1>通知</h1>
            <img src="/photo3.jpg"><p>为进一步加强市容环境管理，决定开展专项整治，请各街镇认真落实。</p></main>"""),
        "/wza.html": page("无障碍说明", HEADER + "<main><h1>无障碍说明</h1><p>本站提供读屏与大字服务。</p></main>"),
        "/care/": page("关怀版", HEADER + "<main><h1>关怀版</h1><p>本站提供读屏与大字服务。</p></main>"),
    }


class FixturePortal:
    """A tiny loopback web server for fixture pages; ``/0slow`` and ``/hang`` delay.

    The first ``/0slow`` answer is held until ``release_slow`` is set or ``slow_s`` passes, so a
    test can do something while the page is surely still loading, however loaded the machine."""

    def __init__(self, pages: dict[str, str], slow_s: float = 2.0, hang_s: float = 30.0):
        self.pages = pages
        self.hits: dict[str, int] = {}
        self.slow_s = slow_s
        self.slow_started = threading.Event()
        self.release_slow = threading.Event()
        self._stop = threading.Event()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                path = self.path.split("?")[0]
                portal.hits[path] = portal.hits.get(path, 0) + 1
                if path == "/0slow":
                    portal.slow_started.set()
                    if portal.hits[path] == 1:
                        portal.release_slow.wait(portal.slow_s)
                if path == "/hang":
                    portal._stop.wait(hang_s)
                html = portal.pages.get(path)
                if html is None and path in ("/0slow", "/hang"):
                    html = page("慢页面", HEADER + "<main><h1>慢</h1><p>内容</p></main>")
                if html is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = html.encode("utf-8")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self.release_slow.set()
        self.server.shutdown()
        self.server.server_close()


def build_store(db: Path, base: str, pages: dict[str, str], *, site_name: str = "fixture",
                extra_urls: tuple[str, ...] = ()) -> int:
    """Store one run's crawl facts for ``pages`` (+ ``extra_urls`` served dynamically); return run id."""
    store = Store(db)
    run_id = store.start_run(site_name, "2026-11-22")
    all_pages = dict(pages)
    for path in extra_urls:
        all_pages[path] = page("慢页面", HEADER + "<main><h1>慢</h1><p>内容</p></main>")
    known = {base + p for p in all_pages}
    for path, html in all_pages.items():
        url = base + path
        store.put_resource(run_id, url=url, kind="page", in_scope=True, status=200, final_url=url,
                           content_type="text/html; charset=utf-8", depth=0 if path == "/" else 1,
                           content_hash=hashlib.sha256(html.encode()).hexdigest())
        store.put_body(run_id, url, html)
        doc = lxml.html.document_fromstring(html)
        links = []
        for pos, (el, attr, href, _) in enumerate(doc.iterlinks()):
            if el.tag not in ("a", "link", "script", "img"):
                continue
            target = urldefrag(urljoin(url, href))[0]
            scheme = href.split(":", 1)[0].lower() if ":" in href else "http"
            links.append({"source_url": url, "target_url": target, "raw_href": href, "scheme": scheme,
                          "text": el.text_content().strip() if el.tag == "a" else "", "tag": el.tag,
                          "attr": attr, "position": pos})
            if scheme == "http" and target not in known:
                store.put_resource(run_id, url=target, kind="asset", in_scope=True, status=404, final_url=target)
                known.add(target)
        store.put_links(run_id, links)
    store.close()
    return run_id


def profile(tmp: Path, base: str, a11y: dict[str, Any] | None = None, name: str = "fixture") -> Any:
    path = tmp / f"{name}.yaml"
    data = {"name": name, "start_urls": [base + "/"], "a11y": a11y or {}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_site(path)


def chromium_pids_under(prefix: str) -> list[int]:
    """Live processes whose command line mentions ``prefix`` (a user-data-dir root)."""
    import psutil

    out = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if any(prefix in part for part in proc.info["cmdline"] or []):
                out.append(proc.pid)
        except psutil.Error:
            continue
    return out


def wait_for(predicate: Any, timeout: float = 20.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False

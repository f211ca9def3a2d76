"""Smoke test of the crawl benchmark's generator and fallback server (bench/crawl_portal.py,
bench/crawl_servers.py): a small portal is generated twice (byte-identical), its planted
defects are really defects on disk, its decoys are not, and the Python fallback server
answers pages, 404s and /old/ redirects on 127.0.0.1 and logs them per tool.
No timing is asserted; the benchmark's figures come from bench/bench_crawl.py.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


crawl_portal = _load("crawl_portal")
crawl_servers = _load("crawl_servers")


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench-site")
    manifest = crawl_portal.generate(root, pages=120, seed=7, external_base="http://127.0.0.2:9")
    return root, manifest


def test_page_count_matches_request_and_is_deterministic(site, tmp_path):
    root, manifest = site
    html_files = [p for p in (root / "portal").rglob("*.html") if "private" not in p.parts]
    assert manifest.pages == len(html_files) == 120
    again = crawl_portal.generate(tmp_path, pages=120, seed=7, external_base="http://127.0.0.2:9")
    assert again.to_json() == manifest.to_json()
    assert _tree_digest(tmp_path / "portal") == _tree_digest(root / "portal")
    other = crawl_portal.generate(tmp_path / "other", pages=120, seed=8, external_base="http://127.0.0.2:9")
    assert _tree_digest(tmp_path / "other" / "portal") != _tree_digest(root / "portal")
    assert other.pages == 120


def test_articles_carry_30_to_60_links(site):
    root, _ = site
    counts = [len(re.findall(r' (?:href|src)="', p.read_text(encoding="utf-8")))
              for p in sorted((root / "portal" / "col").rglob("art/*.html"))]
    assert counts and min(counts) >= 30 and max(counts) <= 70
    assert 30 <= sum(counts) / len(counts) <= 60


def test_planted_defects_are_real_and_cited(site):
    root, m = site
    portal = root / "portal"
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in portal.rglob("*.html"))
    assert m.broken_internal and m.broken_external and m.missing_anchors
    for path in m.broken_internal:
        assert not (portal / path.lstrip("/")).exists(), path
        assert f'href="{path}"' in corpus, path
    for path in m.broken_external:
        assert not (root / "external" / path.lstrip("/")).exists(), path
        assert f'127.0.0.2:9{path}"' in corpus, path
    for target in m.missing_anchors:
        path, fragment = target.split("#")
        page = (portal / path.lstrip("/")).read_text(encoding="utf-8")
        assert f'id="{fragment}"' not in page and f'href="{target}"' in corpus
    for decoy in m.redirect_decoys:  # /old/<path> redirects to a page that exists
        assert (portal / decoy[len("/old/"):]).exists()


def test_fallback_server_serves_redirects_404s_and_logs_per_tool(site, tmp_path):
    root, m = site
    servers = crawl_servers.start_python(root, tmp_path / "server")
    try:
        def get(url: str, agent: str) -> tuple[int, str, str | None]:
            req = urllib.request.Request(url, headers={"User-Agent": agent})
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    return resp.status, resp.url, resp.headers.get("LinkChecker")
            except urllib.error.HTTPError as exc:
                return exc.code, url, exc.headers.get("LinkChecker")

        assert get(servers.portal_base + "/", "xunjian/0.1 test")[0] == 200
        status, final, header = get(servers.portal_base + m.redirect_decoys[0], "xunjian/0.1 test")
        assert status == 200 and final.endswith(m.redirect_decoys[0][len("/old"):]) and header == "bench"
        assert get(servers.portal_base + m.broken_internal[0], "LinkChecker/10.6")[0] == 404
        assert get(servers.external_base + m.broken_external[0], "LinkChecker/10.6")[0] == 404
    finally:
        servers.stop()
    x = crawl_servers.count_requests(servers.access_log, 0, "xunjian")
    lc = crawl_servers.count_requests(servers.access_log, 0, "linkchecker")
    assert x == {"requests": 3, "html_200": 2, "errors_4xx_5xx": 0, "html_pages": 2, "distinct_urls": 3}
    assert lc["requests"] == 2 and lc["errors_4xx_5xx"] == 2 and lc["html_pages"] == 0

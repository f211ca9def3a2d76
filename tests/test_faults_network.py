"""Fault matrix, network safety (issue 9 items 5-8, and the 9.12 configuration nits): real crawls
of loopback servers.

Every crawl here runs with a connection guard in the crawl child (a ``sitecustomize`` put on
its PYTHONPATH): any connect to, or name lookup of, a non-loopback address is refused and
logged, and each test asserts the log is empty. So a guard bug can never send a packet off
loopback, and "no access outside the portal" (9.8) is checked for every case.

The cloud metadata address is exercised twice: literally (a link to 169.254.169.254, refused
by the policy before any connection; the guard would catch a slip) and through a stand-in,
127.0.0.3 listed in ``network.deny_addresses``, with a real server there that must see no
request, so "never fetched" is observed, not inferred.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest

from crawler.run import REPO_ROOT
from tests._servers import Hit, Reply, TestServer, html
from xunjian import runner

TODAY = date(2026, 11, 22)
LOOPBACK = '["127.0.0.0/8"]'

GUARD = '''
import ipaddress, os, socket
_LOG = os.environ.get("XJ_NET_GUARD_LOG")

def _note(what):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(what + "\\n")

def _loopback(host):
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return host in (None, "localhost", b"localhost")

def _guard(original, kind):
    def guarded(self, address, *args):
        if isinstance(address, tuple) and not _loopback(address[0]):
            _note(f"{kind} {address!r}")
            raise OSError("xunjian test guard: non-loopback connection refused")
        return original(self, address, *args)
    return guarded

def _guard_lookup(original, kind):
    def guarded(host, *args, **kwargs):
        if not _loopback(host.decode() if isinstance(host, bytes) else host):
            _note(f"{kind} {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, "xunjian test guard: non-loopback lookup refused")
        return original(host, *args, **kwargs)
    return guarded

if _LOG:
    socket.socket.connect = _guard(socket.socket.connect, "connect")
    socket.socket.connect_ex = _guard(socket.socket.connect_ex, "connect_ex")
    socket.getaddrinfo = _guard_lookup(socket.getaddrinfo, "getaddrinfo")
    socket.gethostbyname = _guard_lookup(socket.gethostbyname, "gethostbyname")
    _note("guard loaded")
'''


@pytest.fixture()
def guard(tmp_path, monkeypatch):
    """Loopback-only guard for every crawl child started by this test; yields the log reader."""
    folder = tmp_path / "guard"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "guard.log"
    monkeypatch.setenv("PYTHONPATH", str(folder))
    monkeypatch.setenv("XJ_NET_GUARD_LOG", str(log))

    def attempts() -> list[str]:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        assert "guard loaded" in lines, "the connection guard did not load in the crawl child"
        return [line for line in lines if line != "guard loaded"]
    yield attempts


def _profile(tmp: Path, start: str, extra: str = "") -> Path:
    path = tmp / "site.yaml"
    path.write_text(f"""name: netsafe
start_urls: ["{start}"]
limits: {{max_pages: 50, max_depth: 3, timeout_s: 3}}
politeness: {{obey_robots: false, concurrency: 4, concurrency_per_host: 4, delay_s: 0, autothrottle: false}}
links: {{retries: 0, retry_backoff_s: 0.1, reverify_failures: false}}
{extra}
""", encoding="utf-8")
    return path


def _audit(tmp: Path, profile: Path, **kw):
    result = runner.audit(profile, db=tmp / "x.sqlite", out=tmp / "out", today=TODAY, fail_on="error",
                          progress=False, browser=False, **kw)
    from crawler.store import Store
    store = Store(tmp / "x.sqlite")
    try:
        findings = store.findings(result.run_id)
    finally:
        store.close()
    return result, findings


def _by_rule(findings, rule_id: str) -> list:
    return [f for f in findings if f.rule_id == rule_id]


# -- 9.5: a start URL that does not yield the homepage --------------------------------------------
@pytest.mark.fault(item="9.5", case="homepage 302 to file:///etc/passwd",
                   expected="home-unreachable (non-HTTP redirect); exit 1")
def test_homepage_redirect_to_file_is_unreachable(tmp_path, guard):
    portal = TestServer().start()
    try:
        portal.route("/", Reply(status=302, headers={"Location": "file:///etc/passwd"}))
        result, findings = _audit(tmp_path, _profile(tmp_path, portal.url("/")))
    finally:
        portal.stop()
    [home] = _by_rule(findings, "home-unreachable")
    assert "file:///etc/passwd" in home.message_en and "non-HTTP(S)" in home.message_en
    assert [f.rule_id for f in findings if f.rule_id.startswith(("link-", "home-"))] == ["home-unreachable"]
    assert result.exit_code == 1
    assert guard() == []


@pytest.mark.fault(item="9.5", case="homepage 301 to another site (127.0.0.2)",
                   expected="home-unreachable (off-site); other site not crawled; exit 1")
def test_homepage_redirect_off_site_is_unreachable(tmp_path, guard, capfd):
    portal, other = TestServer().start(), TestServer("127.0.0.2").start()
    try:
        portal.route("/", Reply(status=301, headers={"Location": other.url("/")}))
        other.route("/", html('<title>别的网站</title><a href="/page.html">page</a>'))
        other.route("/page.html", html("<title>page</title>"))
        profile = _profile(tmp_path, portal.url("/"), f"network: {{allow_addresses: {LOOPBACK}}}")
        result, findings = _audit(tmp_path, profile)
        assert other.hits_for("/page.html") == []  # the other site is not crawled as the portal
    finally:
        portal.stop()
        other.stop()
    [home] = _by_rule(findings, "home-unreachable")
    assert "off-site" in home.message_en and "127.0.0.2" in home.message_en
    assert result.exit_code == 1
    assert "redirects off-site" in capfd.readouterr().err
    assert guard() == []


@pytest.mark.fault(item="9.5", case="start URL with user:pass@",
                   expected="refused at load: one line pointing to auth:, exit 2, password never shown")
def test_start_url_with_credentials_is_refused_without_echoing_them(tmp_path):
    profile = _profile(tmp_path, "http://admin:Pa55-SECRET@127.0.0.1:9/")
    proc = subprocess.run([sys.executable, "-m", "xunjian.cli", "run", "--site", str(profile),
                           "--db", str(tmp_path / "x.sqlite"), "--out", str(tmp_path / "out"),
                           "--no-browser"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "auth:" in lines[0] and "user:pass@" in lines[0], proc.stderr
    assert "Pa55-SECRET" not in proc.stderr + proc.stdout


# -- 9.6: SSRF ------------------------------------------------------------------------------------
@pytest.mark.fault(item="9.6", case="link to 169.254.169.254 (literal; decimal, hex, IPv4-mapped)",
                   expected="not fetched; link-forbidden-address with citing page")
def test_link_to_the_metadata_address_is_refused(tmp_path, guard):
    portal = TestServer().start()
    meta = "http://169.254.169.254/latest/meta-data/iam/"
    spelled = ["http://2852039166/latest/", "http://0xa9.0xfe.0xa9.0xfe/latest/",
               "http://[::ffff:a9fe:a9fe]/"]
    try:
        portal.route("/", html(f'<title>首页</title><a href="/news.html">news</a><img src="{meta}">'
                               + "".join(f'<a href="{u}">x</a>' for u in spelled)))
        portal.route("/news.html", html(f'<title>新闻</title><a href="{meta}">meta</a>'))
        result, findings = _audit(tmp_path, _profile(tmp_path, portal.url("/")))
    finally:
        portal.stop()
    forbidden = {f.page_url: f for f in _by_rule(findings, "link-forbidden-address")}
    assert set(forbidden) == {meta, *spelled}
    assert {f.evidence["forbidden_address"] for f in forbidden.values()} == {"169.254.169.254"}
    finding = forbidden[meta]
    assert {r["page"] for r in finding.referrers} == {portal.url("/"), portal.url("/news.html")}
    assert finding.evidence["forbidden_network"] == "169.254.169.254/32"
    assert "metadata" in finding.evidence["forbidden_label"]
    assert guard() == []  # refused by the policy, not by the test guard


@pytest.mark.fault(item="9.6", case="link to 169.254.169.254 (stand-in 127.0.0.3, denied)",
                   expected="not fetched (0 hits); link-forbidden-address")
def test_denied_stand_in_address_gets_no_request(tmp_path, guard):
    portal, meta = TestServer().start(), TestServer("127.0.0.3").start()
    try:
        portal.route("/", html(f'<title>首页</title><a href="{meta.url("/latest/meta-data/")}">m</a>'
                               f'<a href="/ok.html">ok</a>'))
        portal.route("/ok.html", html("<title>ok</title>"))
        profile = _profile(tmp_path, portal.url("/"), "network: {allow_addresses: [\"127.0.0.0/8\"], "
                                                      "deny_addresses: [\"127.0.0.3/32\"]}")
        result, findings = _audit(tmp_path, profile)
        assert meta.hits == []
    finally:
        portal.stop()
        meta.stop()
    [finding] = _by_rule(findings, "link-forbidden-address")
    assert finding.page_url == meta.url("/latest/meta-data/")
    assert finding.evidence["forbidden_label"] == "network.deny_addresses"
    assert guard() == []


@pytest.mark.fault(item="9.6", case="redirect hop to the stand-in metadata address",
                   expected="hop not fetched (0 hits); finding on the redirecting link")
def test_redirect_to_a_forbidden_address_is_stopped_at_the_hop(tmp_path, guard):
    portal, ext, meta = TestServer().start(), TestServer("127.0.0.2").start(), TestServer("127.0.0.3").start()
    try:
        ext.route("/go", Reply(status=302, headers={"Location": meta.url("/latest/meta-data/")}))
        portal.route("/", html(f'<title>首页</title><a href="{ext.url("/go")}">go</a>'))
        profile = _profile(tmp_path, portal.url("/"), "network: {allow_addresses: [\"127.0.0.0/8\"], "
                                                      "deny_addresses: [\"127.0.0.3/32\"]}")
        result, findings = _audit(tmp_path, profile)
        assert len(ext.hits_for("/go")) >= 1 and meta.hits == []
    finally:
        portal.stop()
        ext.stop()
        meta.stop()
    [finding] = _by_rule(findings, "link-forbidden-address")
    assert finding.page_url == ext.url("/go")
    assert finding.evidence["final_url"] == meta.url("/latest/meta-data/")
    assert [h["status"] for h in finding.evidence["redirect_chain"]] == [302]
    assert guard() == []


@pytest.mark.fault(item="9.6", case="link to another loopback host, no allow-list",
                   expected="not fetched (0 hits); link-forbidden-address; portal's own host still crawled")
def test_internal_host_other_than_the_portal_is_refused_by_default(tmp_path, guard):
    portal, internal = TestServer().start(), TestServer("127.0.0.2").start()
    try:
        portal.route("/", html(f'<title>首页</title><a href="{internal.url("/oa/")}">OA</a>'
                               '<a href="/news.html">news</a>'))
        portal.route("/news.html", html("<title>新闻</title>"))
        result, findings = _audit(tmp_path, _profile(tmp_path, portal.url("/")))
        assert internal.hits == [] and len(portal.hits_for("/news.html")) == 1
    finally:
        portal.stop()
        internal.stop()
    [finding] = _by_rule(findings, "link-forbidden-address")
    assert finding.page_url == internal.url("/oa/") and finding.evidence["forbidden_label"] == "loopback"
    assert not _by_rule(findings, "home-unreachable")
    assert guard() == []


@pytest.mark.fault(item="9.6", case="host NAME resolving to loopback (localhost)",
                   expected="judged on the resolved address: not fetched; link-forbidden-address")
def test_a_name_is_judged_on_its_resolved_address(tmp_path, guard):
    portal, internal = TestServer().start(), TestServer().start()
    port = internal.base.rsplit(":", 1)[1]
    target = f"http://localhost:{port}/admin"
    try:
        portal.route("/", html(f'<title>首页</title><a href="{target}">admin</a>'))
        result, findings = _audit(tmp_path, _profile(tmp_path, portal.url("/")))
        assert internal.hits == []
    finally:
        portal.stop()
        internal.stop()
    [finding] = _by_rule(findings, "link-forbidden-address")
    assert finding.page_url == target and finding.evidence["forbidden_address"] in ("127.0.0.1", "::1")
    assert guard() == []


@pytest.mark.fault(item="9.6", case="network.allow_addresses lists loopback",
                   expected="the same link is fetched and judged normally")
def test_allow_list_opens_a_range(tmp_path, guard):
    portal, internal = TestServer().start(), TestServer("127.0.0.2").start()
    try:
        portal.route("/", html(f'<title>首页</title><a href="{internal.url("/gone")}">gone</a>'))
        profile = _profile(tmp_path, portal.url("/"), f"network: {{allow_addresses: {LOOPBACK}}}")
        result, findings = _audit(tmp_path, profile)
        assert internal.hits_for("/gone")
    finally:
        portal.stop()
        internal.stop()
    assert not _by_rule(findings, "link-forbidden-address")
    assert [f.page_url for f in _by_rule(findings, "link-broken-home")] == [internal.url("/gone")]
    assert guard() == []


@pytest.mark.fault(item="9.6", case="portal itself on a denied address",
                   expected="home-unreachable (forbidden address); 0 hits; exit 1")
def test_portal_on_a_denied_address_is_home_unreachable(tmp_path, guard):
    portal = TestServer("127.0.0.3").start()
    try:
        portal.route("/", html("<title>首页</title>"))
        profile = _profile(tmp_path, portal.url("/"), "network: {deny_addresses: [\"127.0.0.3/32\"]}")
        result, findings = _audit(tmp_path, profile)
        assert portal.hits == []
    finally:
        portal.stop()
    [home] = _by_rule(findings, "home-unreachable")
    assert "forbidden address" in home.message_en
    assert result.exit_code == 1
    assert guard() == []


# -- 9.7: credentials -----------------------------------------------------------------------------
SECRET, PAGE_SECRET = "Portal-Pa55-7f3a", "Page-Secret-91c2"


def _texts_of(folder: Path) -> str:
    """Every report file as text (XLSX members unzipped)."""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def _store_text(db: Path) -> str:
    """Every cell of the store, page bodies decompressed."""
    con = sqlite3.connect(db)
    try:
        dump = "\n".join(con.iterdump())
        bodies = [zlib.decompress(z).decode("utf-8", "replace")
                  for (z,) in con.execute("SELECT text_z FROM bodies")]
    finally:
        con.close()
    return dump + "\n".join(bodies)


@pytest.mark.fault(item="9.7", case="auth by password_env; secrets in links and a Location header",
                   expected="portal crawled with auth; no secret in 6 report formats, store or stderr; "
                            "no Authorization to other hosts")
def test_credentials_never_leak_and_go_only_to_the_portal(tmp_path, guard, monkeypatch, capfd):
    import base64
    portal, ext = TestServer().start(), TestServer("127.0.0.2").start()
    expected = "Basic " + base64.b64encode(f"inspector:{SECRET}".encode()).decode()

    def protected(body: str):
        def answer(hit: Hit) -> Reply:
            if hit.authorization != expected:
                return Reply(status=401, body=b"login", headers={"WWW-Authenticate": 'Basic realm="portal"'})
            return html(body)
        return answer
    try:
        leak = ext.url("/private").replace("http://", f"http://admin:{PAGE_SECRET}@")
        portal.route("/", protected(f'<title>首页</title><a href="/news.html">新闻</a>'
                                    f'<a href="{leak}">{leak}</a><a href="/moved">moved</a>'
                                    f'<a href="{ext.url("/gone")}">gone</a>'))
        portal.route("/news.html", protected("<title>新闻</title>"))
        portal.route("/moved", Reply(status=302, headers={
            "Location": ext.url("/landing").replace("http://", f"http://root:{PAGE_SECRET}@")}))
        monkeypatch.setenv("XUNJIAN_TEST_PORTAL_PASSWORD", SECRET)
        import crawler.run
        plain_crawl = crawler.run.crawl

        def verbose_crawl(*args, **kwargs):  # Scrapy's DEBUG log: every request, redirect and setting
            return plain_crawl(*args, **{**kwargs, "settings": {"LOG_LEVEL": "DEBUG"}})
        monkeypatch.setattr(crawler.run, "crawl", verbose_crawl)
        profile = _profile(tmp_path, portal.url("/"), f"network: {{allow_addresses: {LOOPBACK}}}\n"
                           "auth: {username: inspector, password_env: XUNJIAN_TEST_PORTAL_PASSWORD}")
        result, findings = _audit(tmp_path, profile, formats=("html", "json", "junit", "csv", "xlsx", "md"))
        assert len(portal.hits_for("/news.html")) == 1  # authenticated crawl got past the login wall
        assert ext.hits and all(h.authorization == "" for h in ext.hits)  # never sent elsewhere
    finally:
        portal.stop()
        ext.stop()
    err = capfd.readouterr().err
    assert {p.suffix for p in result.files.values()} == {".csv", ".html", ".json", ".md", ".xml", ".xlsx"}
    reports, store = _texts_of(result.report_dir), _store_text(tmp_path / "x.sqlite")
    assert ext.url("/gone") in reports  # the reports do carry the link findings
    for secret in (SECRET, PAGE_SECRET, base64.b64encode(f"inspector:{SECRET}".encode()).decode()):
        assert secret not in reports and secret not in store and secret not in err, secret
    assert "http://***@127.0.0.2" in store  # the raw href is kept, masked
    assert "DEBUG: Crawled (200)" in err  # the verbose log was really captured
    assert guard() == []


@pytest.mark.fault(item="9.7", case="auth.password_env names an unset variable",
                   expected="one line naming the variable, exit 2, before any request")
def test_missing_password_variable_stops_before_crawling(tmp_path, monkeypatch):
    portal = TestServer().start()
    monkeypatch.delenv("XUNJIAN_TEST_UNSET_PASSWORD", raising=False)
    try:
        profile = _profile(tmp_path, portal.url("/"),
                           "auth: {username: inspector, password_env: XUNJIAN_TEST_UNSET_PASSWORD}")
        proc = subprocess.run([sys.executable, "-m", "crawler.run", "--site", str(profile),
                               "--db", str(tmp_path / "x.sqlite"), "--no-progress"],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
        assert portal.hits == []
    finally:
        portal.stop()
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "XUNJIAN_TEST_UNSET_PASSWORD is not set" in lines[0], proc.stderr


# -- 9.8: no network access outside the portal ----------------------------------------------------
@pytest.mark.fault(item="9.8", case="cookie-setting portal, $HOME missing",
                   expected="no suffix-list fetch (guard log empty), no traceback, no cache files")
def test_cookies_use_the_bundled_suffix_list_only(tmp_path, guard, monkeypatch):
    home = tmp_path / "no-such-home"
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CACHE_HOME", "TLDEXTRACT_CACHE", "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"):
        monkeypatch.delenv(name, raising=False)
    portal = TestServer().start()
    cookies = {"Set-Cookie": "sid=1; Domain=localhost; Path=/"}
    try:
        port = portal.base.rsplit(":", 1)[1]
        portal.route("/", Reply(body="<title>首页</title>" + "".join(
            f'<a href="/p{i}.html">{i}</a>' for i in range(12)), headers=cookies))
        for i in range(12):
            portal.route(f"/p{i}.html", Reply(body=f"<title>{i}</title>", headers={
                "Set-Cookie": f"c{i}=v; Domain={'gov.cn' if i % 2 else 'localhost'}; Path=/"}))
        profile = _profile(tmp_path, f"http://localhost:{port}/")
        proc = subprocess.run([sys.executable, "-m", "crawler.run", "--site", str(profile),
                               "--db", str(tmp_path / "x.sqlite"), "--no-progress"],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
        assert len(portal.hits_for("/p11.html")) == 1
    finally:
        portal.stop()
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "publicsuffix" not in proc.stderr
    assert not home.exists()  # no cache written under $HOME
    assert guard() == []


def test_scrapy_cookie_handling_is_configured_offline():
    from scrapy.downloadermiddlewares import cookies

    from crawler.publicsuffix import OFFLINE, use_offline_list
    use_offline_list()
    assert cookies._split_domain is OFFLINE  # noqa: SLF001
    assert tuple(OFFLINE.suffix_list_urls) == () and not OFFLINE._cache.enabled  # noqa: SLF001
    assert OFFLINE("www.cgzf.sh.gov.cn").suffix == "gov.cn"  # the bundled snapshot answers


# -- 9.12 (the configuration nits of the same operator session) ---------------------------------
def _run_cli(tmp_path: Path, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xunjian.cli", "run", "--site", str(profile),
                           "--db", str(tmp_path / "x.sqlite"), "--out", str(tmp_path / "out"),
                           "--no-browser"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.fault(item="9.12", case="politeness.concurrency: -3",
                   expected="refused: one line naming the key and the allowed range, exit 2")
def test_negative_concurrency_is_refused(tmp_path):
    profile = _profile(tmp_path, "http://127.0.0.1:9/")
    profile.write_text(profile.read_text(encoding="utf-8").replace("concurrency: 4,", "concurrency: -3,"),
                       encoding="utf-8")
    proc = _run_cli(tmp_path, profile)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "politeness.concurrency: -3 is out of range; use a number between 1 and" \
        in lines[0], proc.stderr


@pytest.mark.fault(item="9.12", case="top-level 'maxpages: 10' (meant limits.max_pages)",
                   expected="hint names limits.max_pages, not the unrelated 'homepage'; exit 2")
def test_unknown_key_hint_names_the_key_of_the_right_block(tmp_path):
    profile = _profile(tmp_path, "http://127.0.0.1:9/", "maxpages: 10")
    proc = _run_cli(tmp_path, profile)
    assert proc.returncode == 2
    assert "maxpages: unknown key; did you mean 'limits.max_pages'?" in proc.stderr, proc.stderr
    assert "homepage" not in proc.stderr

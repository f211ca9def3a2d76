"""Many sites in one run (``xunjian run --sites FOLDER``): two small portals of different CMS
families (tests/_mini_portals.py: TRS-like and the Shanghai intensive platform, served for real
on 127.0.0.1), a dead third site (a loopback port nobody listens on) and a profile that does not
load, audited in ONE run of the real CLI, two sites at a time under a budget of 8 requests.

The overview (HTML, JSON, XLSX) lists every site once, worst first; each live site's row equals
its own report.json (verdict, counts, new/fixed, coverage) and links to it; the dead site is
unreachable (home-unreachable, critical) and the bad profile is a row naming the problem, while
the other sites still complete; the exit code is over all sites (2: one site was not audited).
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests._mini_portals import FAMILIES, TODAY
from xunjian.cli import main

LIVE = ("trs", "platform")


def _profile(name: str, base: str) -> str:
    return f"""
name: {name}
start_urls: ["{base}/"]
limits: {{max_pages: 300, max_depth: 6, max_response_mb: 1, timeout_s: 5}}
politeness: {{obey_robots: false, concurrency: 16, concurrency_per_host: 8, delay_s: 0, autothrottle: false}}
links: {{retries: 1, retry_backoff_s: 0.1, max_retry_after_s: 1, max_redirects: 3}}
columns: []
"""


def _dead_port() -> int:
    with socket.socket() as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def overview(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("multisite")
    sites = tmp / "sites"
    sites.mkdir()
    servers = [FAMILIES[name]().serve() for name in LIVE]
    try:
        for name, server in zip(LIVE, servers):
            (sites / f"{name}.yaml").write_text(_profile(f"mini-{name}", server.base), encoding="utf-8")
        (sites / "dead.yaml").write_text(_profile("mini-dead", f"http://127.0.0.1:{_dead_port()}"),
                                         encoding="utf-8")
        (sites / "broken.yaml").write_text("name: mini-broken\nstart_urls: not-a-list\n", encoding="utf-8")
        (sites / "skipped.yaml").write_text(_profile("mini-skipped", "http://127.0.0.1:9"), encoding="utf-8")
        argv = ["run", "--sites", str(sites), "--db", str(tmp / "x.sqlite"), "--out", str(tmp / "out"),
                "--today", TODAY.isoformat(), "--no-browser", "--parallel-sites", "2", "--concurrency", "8",
                "--format", "html", "--format", "json", "--format", "xlsx", "--quiet"]
        for name in ("trs", "platform", "dead", "broken"):
            argv += ["--only", name]
        code = main(argv)
    finally:
        for server in servers:
            server.stop()
    folders = list((tmp / "out" / "overview").iterdir())
    assert len(folders) == 1
    doc = json.loads((folders[0] / "overview.json").read_text(encoding="utf-8"))
    return code, doc, folders[0]


def test_every_site_is_one_row_worst_first(overview):
    code, doc, _ = overview
    rows = {r["site"]: r for r in doc["sites"]}
    assert sorted(rows) == ["mini-broken", "mini-dead", "mini-platform", "mini-trs"]  # not "skipped"
    assert [r["state"] for r in doc["sites"]][:2] == ["error", "unreachable"]
    assert code == doc["exit_code"] == 2  # a site that could not be audited is never a pass
    assert doc["budget"] == {"parallel_sites": 2, "concurrency": 8, "per_site": 4}


def test_bad_profile_is_a_row_naming_the_problem(overview):
    _, doc, _ = overview
    broken = next(r for r in doc["sites"] if r["state"] == "error")
    assert "broken.yaml" in broken["detail"] and "start_urls" in broken["detail"]
    assert broken["exit_code"] == 2 and broken["report"] is None


def test_dead_site_is_unreachable_and_fails_its_gate(overview):
    _, doc, folder = overview
    dead = next(r for r in doc["sites"] if r["site"] == "mini-dead")
    assert dead["state"] == "unreachable" and dead["exit_code"] == 1
    assert dead["by_severity"]["critical"] >= 1
    site_report = json.loads((folder / dead["report_link"]).with_name("report.json").read_text("utf-8"))
    assert "home-unreachable" in {f["rule_id"] for f in site_report["findings"]}


@pytest.mark.parametrize("name", LIVE)
def test_live_rows_equal_the_sites_own_reports(overview, name):
    _, doc, folder = overview
    row = next(r for r in doc["sites"] if r["site"] == f"mini-{name}")
    report = json.loads((folder / row["report_link"]).with_name("report.json").read_text(encoding="utf-8"))
    assert row["state"] == "complete" and report["run"]["status"] == "complete"
    assert row["veto"] == report["verdict"]["veto"]
    assert row["by_severity"] == report["summary"]["by_severity"]
    summary = report["summary"]
    assert (row["deductions"], row["new"], row["fixed"]) == (summary["deductions"], summary["new"],
                                                             summary["fixed"])
    assert row["coverage"] == report["verdict"]["coverage"]["percent"]
    assert row["pages"] == report["run"]["stats"]["pages"] > 5
    # the planted missing mandatory column (error) fails each live site's --fail-on error gate
    assert row["exit_code"] == 1 and row["by_severity"]["error"] >= 1


def test_html_and_xlsx_carry_the_same_rows(overview):
    _, doc, folder = overview
    html = (folder / "overview.html").read_text(encoding="utf-8")
    assert "多站点巡检总览" in html and html.count('<tr class="state-') == len(doc["sites"])
    positions = [html.index(f">{r['site']}<") for r in doc["sites"]]
    assert positions == sorted(positions)  # rendered worst first
    for row in doc["sites"]:
        if row["report_link"]:
            assert f'href="{row["report_link"]}"' in html
    sheet = load_workbook(folder / "overview.xlsx").active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [r["site"] for r in doc["sites"]]


def test_english_on_request(overview):
    from reports.overview import to_html
    _, doc, _ = overview
    html = to_html({**doc, "lang": "en"})
    assert '<html lang="en">' in html and "Multi-site inspection overview" in html and "unreachable" in html


def test_profile_selection_and_its_errors(tmp_path, capsys):
    from config import ConfigError
    from xunjian.multisite import profile_paths
    (tmp_path / "a.yaml").write_text("name: site-a\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("name: site-b\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a profile", encoding="utf-8")
    assert [p.name for p in profile_paths([], str(tmp_path), None)] == ["a.yaml", "b.yml"]
    assert [p.name for p in profile_paths([], str(tmp_path), ["site-b"])] == ["b.yml"]
    # a profile given twice (--site and inside --sites) is audited once
    assert len(profile_paths([str(tmp_path / "a.yaml")], str(tmp_path), None)) == 2
    with pytest.raises(ConfigError, match="--only nope: no such site.*site-a, site-b"):
        profile_paths([], str(tmp_path), ["nope"])
    with pytest.raises(ConfigError, match="not a folder"):
        profile_paths([], str(tmp_path / "missing"), None)
    assert main(["run", "--db", str(tmp_path / "x.sqlite")]) == 2
    assert "no site to audit" in capsys.readouterr().err


def test_ctrl_c_stops_every_site_and_marks_the_runs_interrupted(tmp_path):
    """SIGINT to ``xunjian run --site a --site b`` (the CLI's contract, xunjian/cli.py: one line
    "interrupted", exit 2) reaches both crawl children (each in a session of its own, so only the
    forwarding can stop them), and both runs are stored as incomplete. The portals hold every
    answer but the homepage until the signal is sent, so both crawls are surely mid-way."""
    import signal
    import subprocess
    import sys
    import threading
    import time

    import psutil

    from crawler.store import Store

    release = threading.Event()
    servers = [FAMILIES[name]().serve() for name in LIVE]

    def held(reply):
        def answer(hit):
            if hit.path != "/":
                release.wait(60)
            return reply(hit) if callable(reply) else reply
        return answer

    argv = [sys.executable, "-m", "xunjian.cli", "run", "--db", str(tmp_path / "x.sqlite"),
            "--out", str(tmp_path / "out"), "--today", TODAY.isoformat(), "--no-browser", "--quiet",
            "--parallel-sites", "2", "--format", "json"]
    for name, server in zip(LIVE, servers):
        server.routes = {path: held(reply) for path, reply in server.routes.items()}
        server.fallback = held(server.fallback)
        (tmp_path / f"{name}.yaml").write_text(_profile(f"mini-{name}", server.base), encoding="utf-8")
        argv += ["--site", str(tmp_path / f"{name}.yaml")]
    log = tmp_path / "stderr.txt"
    with log.open("wb") as err:
        parent = subprocess.Popen(argv, cwd=str(Path(__file__).resolve().parent.parent),
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 60
        while not all(any(h.path != "/" for h in list(s.hits)) for s in servers):  # both crawls waiting
            assert parent.poll() is None and time.monotonic() < deadline, "the crawls did not start"
            time.sleep(0.05)
        crawls = [p for p in psutil.Process(parent.pid).children(recursive=True)
                  if "crawler.run" in " ".join(p.cmdline())]
        assert len(crawls) == 2
        parent.send_signal(signal.SIGINT)  # to the parent alone: it must forward it
        release.set()
        code = parent.wait(timeout=60)
    finally:
        release.set()
        if parent.poll() is None:
            os.killpg(parent.pid, signal.SIGKILL)
        for server in servers:
            server.stop()
    stderr = log.read_text(encoding="utf-8", errors="replace")
    assert code == 2 and "interrupted" in stderr, stderr
    _gone, alive = psutil.wait_procs(crawls, timeout=10)
    assert not alive
    store = Store(tmp_path / "x.sqlite")
    try:
        runs = [dict(r) for r in store.runs(complete_only=False)]
    finally:
        store.close()
    assert len(runs) == 2
    assert {r["status"] for r in runs} == {"incomplete"}
    # a child stops gracefully on the forwarded SIGINT (crawl-interrupted) or, now and then, dies of it
    # (crawl-killed, "(SIGINT)"): either way the run is incomplete and says it was interrupted
    for run in runs:
        assert run["reason_code"] == "interrupted" or "SIGINT" in run["reason_detail"], (run, stderr)

"""Session-wide fixtures: one audit of the planted demo portal, shared by every module that reads it.

``demo_audit`` runs the whole pipeline on the trs demo render once (Scrapy crawl in a subprocess,
live page pass, Chromium stage on a per-template sample, checks, reports), as ``xunjian demo`` does:
tests/test_demo_audit.py asserts on the run itself, tests/test_disclosure_demo.py re-runs the
disclosure checks on a copy of its store, tests/test_privacy_leaks.py greps everything it wrote and
said (its log records at DEBUG and its stdout/stderr, children included, are captured). The demo
waits out its planted slow and rate-limited links (tens of seconds of an idle suite) on every audit,
so one audit serves them all. A module that writes to the store works on ``copy_store(...)``
(tests/_demo_audit.py), never on the shared file.
"""

from __future__ import annotations

import signal

import pytest

from checks import livepass
from config import CONFIG_DIR
from crawler.store import Store
from tests._demo_audit import DemoAudit, captured_output
from xunjian import runner
from xunjian.demo import build_site
from xunjian.demo.harness import TODAY
from xunjian.demo.server import serve

# A suite started in the background by a script (`cmd &` without job control) inherits SIGINT
# ignored, and so would every process the tests start: the Ctrl-C tests would then wait on children
# that cannot be interrupted. A Python handler here is reset to the default in each exec'd child.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

DEMO_PROFILE = CONFIG_DIR / "sites" / "demo.yaml"


@pytest.fixture(scope="session")
def demo_audit(tmp_path_factory) -> DemoAudit:
    tmp = tmp_path_factory.mktemp("demo")
    site = build_site(TODAY)
    live_passes: list = []
    start = livepass.start_live_pass

    def recording(*args, **kwargs):
        live = start(*args, **kwargs)
        live_passes.append(live)
        return live

    mp = pytest.MonkeyPatch()
    mp.setattr(livepass, "start_live_pass", recording)
    try:
        # progress on and every line captured: tests/test_privacy_leaks.py greps all of it
        with serve(site) as server, captured_output() as output:
            mp.setenv("XUNJIAN_DEMO_PORT", server.portal_base.rsplit(":", 1)[1].rstrip("/"))
            result = runner.audit(DEMO_PROFILE, db=tmp / "x.sqlite", out=tmp / "out",
                                  today=TODAY, fail_on="error", progress=True, a11y_sample=True)
            bases = {"portal": server.portal_base.rstrip("/"), "external": server.external_base.rstrip("/")}
    finally:
        mp.undo()
    store = Store(tmp / "x.sqlite")
    try:
        findings = store.findings(result.run_id)
        stats = store.run_stats(result.run_id)
        stats["a11y_audited_urls"] = sorted(r["url"] for r in store.a11y_results(result.run_id))
        stats["db"], stats["out"] = tmp / "x.sqlite", tmp / "out"
    finally:
        store.close()
    return DemoAudit(result, findings, bases, stats, live_passes, output)

"""Session-wide fixtures: one audit of the planted demo portal, shared by every module that reads it.

``demo_audit`` runs the whole pipeline on the trs demo render once (Scrapy crawl in a subprocess,
live page pass, Chromium stage on a per-template sample, checks, reports), as ``xunjian demo`` does:
tests/test_demo_audit.py asserts on the run itself, tests/test_disclosure_demo.py re-runs the
disclosure checks on a copy of its store, tests/test_privacy_leaks.py greps everything it wrote and
said (its log records at DEBUG and its stdout/stderr, children included, are captured). The demo
waits out its planted slow and rate-limited links (tens of seconds of an idle suite) on every audit,
so one audit serves them all. A module that writes to the store works on ``copy_store(...)``
(tests/_demo_audit.py), never on the shared file. ``family_runs`` hands out the session's one audit
of each bundled family render (tests/_family_runs.py).

Parallel runs (``XUNJIAN_TEST_WORKERS=2 bash scripts/test.sh``: pytest-xdist's ``-n 2 --dist
loadfile``): each test module goes to one worker as a whole, so its module-scoped fixtures are
computed once; every module that uses a session audit (``demo_audit`` or ``family_runs``, listed in
``SESSION_AUDIT_MODULES``: collection fails naming a module that is not) goes to one and the same
worker, so each audit is still made once per suite, not once per worker (``pytest_xdist_make_scheduler``).
"""

from __future__ import annotations

import signal

import pytest

from checks import livepass
from config import CONFIG_DIR
from crawler.store import Store
from tests._demo_audit import DemoAudit, captured_output
from tests._family_runs import family_run
from tests._report_browser import driver, report_chromium, report_files  # noqa: F401 - report tests' Chromium
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
# Fixtures whose audits every module using them shares, and those modules: under pytest-xdist
# (XUNJIAN_TEST_WORKERS in scripts/test.sh) they run on one worker, so each audit is made once per
# suite, not once per worker.
SESSION_AUDITS = {"demo_audit", "family_runs"}
SESSION_AUDIT_MODULES = {"tests/test_columns_families.py", "tests/test_demo_audit.py",
                         "tests/test_disclosure_demo.py", "tests/test_families.py",
                         "tests/test_privacy_leaks.py", "tests/test_report_rerender.py"}


def pytest_collection_modifyitems(config, items) -> None:
    root = config.rootpath
    users = {item.path.relative_to(root).as_posix() for item in items
             if SESSION_AUDITS & set(getattr(item, "fixturenames", ()))}
    unlisted = sorted(users - SESSION_AUDIT_MODULES)
    if unlisted:
        raise pytest.UsageError(f"tests/conftest.py: {', '.join(unlisted)} use a session audit "
                                f"({' or '.join(sorted(SESSION_AUDITS))}): add it to SESSION_AUDIT_MODULES "
                                "(else a parallel run makes the audit twice)")


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: only called when it is installed and -n is on
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` with one change: the modules sharing the session audits are one work unit.

    Each other test module is one unit too (its module-scoped fixtures are computed once); a worker
    that runs out of work gets the next unit (xdist orders them by test count: the session-audit unit,
    58 tests, starts at once)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SessionAuditScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            return "session-audits" if module in SESSION_AUDIT_MODULES else module

    return SessionAuditScheduling(config, log)


@pytest.fixture(scope="session")
def family_runs(tmp_path_factory):
    """``family_runs(family, clean)``: the session's one audit of that family render (FamilyRun)."""
    return lambda family, clean: family_run(family, clean, tmp_path_factory)


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

"""No output of a demo audit carries a planted personal number in full (issue 13).

Takes the session's audit of the planted trs demo portal over loopback (tests/conftest.py: every
report format, with progress lines, its output captured) plus an English report of it, then greps
every report file (XLSX members unzipped), the store's findings and run rows (messages, targets,
evidence, referrers, stats, manifest) and every log line captured (this process at DEBUG, stdout
and stderr of it and its children: the crawl subprocess, Chromium) for the full ID, mobile and
bank card numbers, the passport number, home address and full name planted by
xunjian/demo/plants_privacy.py (xunjian/demo/content_plants.py). The rules must have
fired (masked), so the test cannot pass by finding nothing.

The store's ``bodies`` and ``attachment_texts`` keep the published page and attachment text
(as published): they are inputs, not outputs, and are not grepped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from crawler.store import Store
from tests._demo_audit import copy_store
from xunjian.demo import plants_privacy as plants

SECRETS = (plants.PLANTED_ID, plants.PLANTED_MOBILE, plants.PLANTED_CARD, plants.PLANTED_PASSPORT,
           plants.PLANTED_ADDRESS_TAIL, plants.PLANTED_NAME)


def _file_texts(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                data = b"".join(zf.read(name) for name in zf.namelist())
        out[str(path)] = data.decode("utf-8", errors="replace")
    return out


def test_no_output_carries_a_planted_number(demo_audit, tmp_path):
    result = demo_audit.result
    db = copy_store(demo_audit.stats["db"], tmp_path / "x.sqlite")  # the session's run stays as written
    store = Store(db)
    findings = store.findings(result.run_id)
    pii = [f for f in findings if f.rule_id.startswith("pii-")]
    assert {f.rule_id for f in pii} == {"pii-id-number", "pii-mobile", "pii-bank-card", "pii-person-name",
                                        "pii-home-address", "pii-id-field"}
    assert any(plants.MASKED_ID in f.message_zh for f in pii)
    import reports
    reports.render(store, result.run_id, tmp_path / "out-en", lang="en")
    rows = [tuple(r) for r in store.db.execute(
        "SELECT message_zh, message_en, target, evidence, referrers FROM findings WHERE run_id=?",
        (result.run_id,))]
    rows += [tuple(r) for r in store.db.execute("SELECT * FROM runs WHERE id=?", (result.run_id,))]
    store.close()
    output = demo_audit.output
    assert output["log"] and output["stderr"], "the audit's log and progress lines should have been captured"
    places = {"store findings and runs": repr(rows), "log records": output["log"],
              "stdout": output["stdout"], "stderr": output["stderr"]}
    places.update(_file_texts(demo_audit.stats["out"]))
    places.update(_file_texts(tmp_path / "out-en"))
    assert len(places) > 10, "every report format (zh and en) should have been written"
    leaks = [f"{secret[:4]}… in {where}" for where, text in places.items() for secret in SECRETS
             if secret in text]
    assert not leaks, "full personal numbers leaked:\n" + "\n".join(leaks)

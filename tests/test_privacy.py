"""Unmasked personal data (checks/content/privacy.py, checks/content/_pii.py) and the attachment stage
(crawler/doctext.py): detectors on strings, extraction of real PDF/DOCX/XLSX bytes, and the
stage + rule over real HTTP (the demo server on loopback) into a real store."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest

from checks.content._pii import PiiSettings, find_pii, id18_valid, luhn_valid, mask
from checks.base import CheckContext
from checks.registry import all_rules, run_checks
from config import load_site, load_thresholds
from crawler.doctext import EXTRACTORS, DocSettings, Unreadable, doc_kind, read_attachments
from crawler.store import Store
from xunjian.demo import DemoPage, build_site
from xunjian.demo import plants_privacy as plants
from xunjian.demo.attachments import CONTENT_TYPES, docx_bytes, ofd_bytes, pdf_bytes, xlsx_bytes
from xunjian.demo.server import serve

TODAY = date(2026, 11, 22)
S = PiiSettings.from_config(load_thresholds()["privacy"])


def kinds(text: str) -> list[tuple[str, str]]:
    return [(h.kind, h.masked) for h in find_pii(text, TODAY, S)]


def test_valid_id_number_fires_masked():
    assert kinds(f"身份证号码：{plants.PLANTED_ID}。") == [("id-number", "3101**********4560")]
    assert kinds("11010519491231002X") == [("id-number", "1101**********002X")]
    assert plants.PLANTED_ID not in repr(find_pii(plants.PLANTED_ID, TODAY, S)[0].masked)


@pytest.mark.parametrize("text", [
    f"身份证号码：{plants.MASKED_ID}",                 # masked
    "310104********941X",                               # masked, other form
    plants.BAD_CHECKSUM,                                 # check character wrong
    "91310115MA1K12345X",                                # 统一社会信用代码 with letters
    f"统一社会信用代码：{plants.ID_SHAPED_CREDIT_CODE}",  # labelled: not a person's number
    f"索引号：{plants.ID_SHAPED_CREDIT_CODE}",
    "310104209901011234",                                # born in the future
    "990104198506121234",                                # no such province
    "310104850612123",                                   # 15 digits without an ID label
    f"a{plants.PLANTED_ID}",                             # part of a longer token
    "联系电话：021-54321000，监督电话：12345",            # office landline and hotline
    "2026年11月22日 罚款人民币12000元 20261122",          # dates and amounts
    "订单号 13912345678901",                             # a mobile prefix inside a longer run
    "流水 4111111111111111",                             # Luhn-valid but no bank word
])
def test_not_personal_numbers_do_not_fire(text):
    assert kinds(text) == []


def test_fifteen_digit_id_needs_its_label_and_mobile_and_card_fire():
    assert kinds("身份证号：310104850612123") == [("id-number", "3101*******2123")]
    assert kinds(f"电话{plants.PLANTED_MOBILE}") == [("mobile", "139****5678")]
    assert kinds(f"退款账号：{plants.PLANTED_CARD}") == [("bank-card", "***************0128")]
    assert kinds(f"身份证编号：{plants.PLANTED_ID}") == [("id-number", "3101**********4560")]


def test_checksums_and_mask():
    assert id18_valid(plants.PLANTED_ID, TODAY) and not id18_valid(plants.BAD_CHECKSUM, TODAY)
    assert luhn_valid(plants.PLANTED_CARD) and not luhn_valid("6222021234567890127")
    assert mask("13912345678", "mobile") == "139****5678"


def test_office_numbers_from_config_do_not_fire():
    settings = PiiSettings.from_config({**load_thresholds()["privacy"], "office_numbers": ["139-1234-5678"]})
    assert find_pii(f"热线 {plants.PLANTED_MOBILE}", TODAY, settings) == []


def _two_sheets() -> bytes:
    import openpyxl
    book = openpyxl.Workbook()
    book.active.append(["当事人", "王某某"])
    book.active.append(["身份证号码", plants.MASKED_ID])
    book.create_sheet("Sheet2").append(["x"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_extractors_read_real_files_and_refuse_broken_ones():
    settings = DocSettings.from_thresholds(load_thresholds())
    assert plants.PLANTED_ID in EXTRACTORS["pdf"](pdf_bytes(f"ID {plants.PLANTED_ID}"), settings)[0][0]
    assert plants.PLANTED_ID in EXTRACTORS["docx"](docx_bytes(plants.PLANTED_ID), settings)[0][0]
    assert plants.PLANTED_ID in EXTRACTORS["xlsx"](xlsx_bytes(plants.PLANTED_ID), settings)[0][0]
    for kind in ("pdf", "docx", "xlsx"):
        with pytest.raises(Unreadable):
            EXTRACTORS[kind](b"this is not a document", settings)
    with pytest.raises(Unreadable, match="password protected"):  # an encrypted OOXML is a compound file
        EXTRACTORS["xlsx"](bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504), settings)
    capped = dataclasses.replace(settings, max_pages=1, max_rows=1)
    pages, total = EXTRACTORS["xlsx"](_two_sheets(), capped)
    assert total == 2 and len(pages) == 1 and pages[0].count("\n") == 0, "sheet and row caps apply"
    assert doc_kind("http://x/a/b.ofd", None) == "ofd"
    assert doc_kind("http://x/down.jsp?filename=ab.docx", "application/octet-stream") == "docx"


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(f"ID {plants.PLANTED_ID}"))))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_stage_and_rules_over_http(tmp_path):
    site = build_site(TODAY)
    extra = {"/xxgk/xzcf/pii/broken.docx": DemoPage(b"PK\x03\x04 truncated", CONTENT_TYPES["docx"]),
             "/xxgk/xzcf/pii/locked.pdf": DemoPage(_encrypted_pdf(), "application/pdf"),
             "/xxgk/xzcf/pii/file.ofd": DemoPage(ofd_bytes("文件"), "application/ofd")}
    for path, page in extra.items():
        site.add("portal", path, page)
    profile = tmp_path / "site.yaml"
    with serve(site) as server:
        base = server.portal_base.rstrip("/")
        profile.write_text(f"name: pii\nstart_urls: ['{base}/']\n", encoding="utf-8")
        prof = load_site(profile)
        store = Store(tmp_path / "x.sqlite")
        run_id = store.start_run("pii", TODAY.isoformat())
        files = [*plants.PLANT_FILES.values(), *plants.DECOY_FILES.values(), *extra]
        for path in files:
            store.put_resource(run_id, url=base + path, kind="attachment", in_scope=True, status=200)
        for path in (plants.PLANT_DOC, plants.DECOY_DOC):
            store.put_resource(run_id, url=base + path, kind="page", in_scope=True, status=200)
            store.put_body(run_id, base + path, site.get("portal", path).body)
        store.commit()
        thresholds = load_thresholds(prof)
        counts = read_attachments(store, run_id, "xunjian-test", DocSettings.from_thresholds(thresholds))
    assert counts == {"read": 6, "unreadable": 2, "not-read": 1, "skipped-cap": 0}
    ctx = CheckContext(store=store, run_id=run_id, site=prof, thresholds=thresholds, today=TODAY)
    run_checks(ctx, only={"privacy"})
    found = {(f.rule_id, f.page_url.removeprefix(base)) for f in store.findings(run_id)}
    expected = {("pii-id-number", plants.PLANT_DOC), ("pii-mobile", plants.PLANT_DOC),
                ("pii-bank-card", plants.PLANT_DOC),
                *{("pii-id-number", p) for p in plants.PLANT_FILES.values()},
                ("attachment-unreadable", "/xxgk/xzcf/pii/broken.docx"),
                ("attachment-unreadable", "/xxgk/xzcf/pii/locked.pdf"), ("attachment-not-read", "/")}
    assert found == expected
    pdf = next(f for f in store.findings(run_id, "pii-id-number") if f.page_url.endswith("plant.pdf"))
    assert pdf.evidence["items"][0] == {"masked": plants.MASKED_ID, "position": "attachment page 1",
                                        "position_zh": "附件第 1 页", "label": "Party: Wang, ID"}
    rows = store.db.execute("SELECT message_zh, message_en, target, evidence, referrers FROM findings"
                            ).fetchall()
    assert plants.PLANTED_ID not in repr([tuple(r) for r in rows])
    assert plants.PLANTED_MOBILE not in repr([tuple(r) for r in rows])
    store.close()


def test_rules_are_registered_and_documented():
    rules = all_rules()
    for rule_id in ("pii-id-number", "pii-mobile", "pii-bank-card", "attachment-unreadable",
                    "attachment-not-read"):
        rule = rules[rule_id]
        assert rule.title_zh and rule.title_en and rule.advice_zh and rule.advice_en and rule.doc
        assert "[C]" in rule.basis


def test_a_missing_reader_library_is_not_read_not_unreadable(monkeypatch, tmp_path):
    import sys

    from crawler import doctext
    monkeypatch.setitem(sys.modules, "pypdf", None)  # import pypdf now raises ImportError
    monkeypatch.setattr(doctext, "_fetch", lambda url, ua, settings: pdf_bytes("x"))
    status, reason, *_ = doctext._read_one("http://gov.test/a.pdf", "pdf", "ua", DocSettings.from_thresholds(load_thresholds()))
    assert (status, reason) == ("not-read", "pypdf is not installed (run scripts/setup.sh)")

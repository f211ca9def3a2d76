"""Planted personal data (and decoys) of the demo portal (trs family).

Rules: checks/content/privacy.py (pii-id-number, pii-mobile, pii-bank-card), reading page text and the
attachment text of crawler/doctext.py. Two 行政处罚决定书 are added to the 行政处罚 column:

  PLANT_DOC   a natural person's decision with the ID number, mobile and refund bank account in
              full                                  -> pii-id-number, pii-mobile, pii-bank-card
  PLANT_PDF/DOCX/XLSX  its attachments, each with the full ID number -> pii-id-number
  DECOY_DOC   the same person masked (3101**********4560, 139****5678), a 统一社会信用代码 with
              letters, an all-digit number labelled 统一社会信用代码 that would pass the ID check,
              an 18-digit 受理编号 failing the check, the office's landline and 12345 hotline, a
              date and an amount                    -> no pii-* finding
  DECOY_PDF/DOCX/XLSX  the masked forms and the credit code in attachments -> no pii-* finding

``PLANTED_ID`` is the full number a test greps the reports, the store's findings and the logs for.
"""

from __future__ import annotations

from datetime import date, timedelta

from xunjian.demo import Decoy, DemoPage, Expect
from xunjian.demo.attachments import CONTENT_TYPES, docx_bytes, pdf_bytes, xlsx_bytes

PLANTED_ID = "310115199003154560"          # valid GB 11643 check character, born 1990-03-15
PLANTED_MOBILE = "13912345678"
PLANTED_CARD = "6222021234567890128"       # passes Luhn
MASKED_ID = "3101**********4560"
ID_SHAPED_CREDIT_CODE = "310104198506121230"  # would pass the ID check: only its label says what it is
BAD_CHECKSUM = "310104198506121236"

BASE = "/xxgk/xzcf/pii/"
PLANT_DOC = BASE + "cf_2026_pii_plant.html"
DECOY_DOC = BASE + "cf_2026_pii_decoy.html"
PLANT_FILES = {ext: f"{BASE}plant.{ext}" for ext in ("pdf", "docx", "xlsx")}
DECOY_FILES = {ext: f"{BASE}decoy.{ext}" for ext in ("pdf", "docx", "xlsx")}


def _files(site, paths: dict[str, str], text_zh: str, text_ascii: str) -> None:
    makers = {"pdf": lambda: pdf_bytes(text_ascii), "docx": lambda: docx_bytes(text_zh),
              "xlsx": lambda: xlsx_bytes(text_zh)}
    for ext, path in paths.items():
        site.add("portal", path, DemoPage(makers[ext](), CONTENT_TYPES[ext]))


def contribute(site, today: date) -> None:
    day = today - timedelta(days=9)
    _files(site, PLANT_FILES, f"当事人：王某某 身份证号码：{PLANTED_ID} 住址：浦江区***",
           f"Party: Wang, ID {PLANTED_ID}, penalty decision")
    _files(site, DECOY_FILES, f"当事人：王某某 身份证号码：{MASKED_ID} 统一社会信用代码：91310115MA1K12345X",
           f"Party: Wang, ID {MASKED_ID}, decision dated {day:%Y%m%d}")
    body_plant = (f"<p>当事人：王某某</p>\n<p>身份证号码：{PLANTED_ID}</p>\n<p>联系电话：{PLANTED_MOBILE}</p>\n"
                  f"<p>违法事实：当事人于{day.year}年{day.month}月{day.day}日在人行道违法设摊，经立案调查属实。</p>\n"
                  f"<p>罚没款退还：开户银行 中国工商银行，退款账号：{PLANTED_CARD}</p>")
    body_decoy = (f"<p>当事人：王某某，身份证号码：{MASKED_ID}，联系电话：139****5678</p>\n"
                  "<p>关联单位统一社会信用代码：91310115MA1K12345X；"
                  f"另一关联单位统一社会信用代码：{ID_SHAPED_CREDIT_CODE}</p>\n"
                  f"<p>处理批次 {BAD_CHECKSUM}，罚款人民币12000元。</p>\n"
                  "<p>本局联系电话：021-54321000，监督电话：12345，传真：021-54321001。</p>")
    for path, title, body, files in (
            (PLANT_DOC, "行政处罚决定书（个人信息未脱敏示例）", body_plant, PLANT_FILES),
            (DECOY_DOC, "行政处罚决定书（已脱敏）", body_decoy, DECOY_FILES)):
        site.add_document("xzcf", title=title, published=day, issued=day - timedelta(days=2), path=path,
                          doc_no=f"沪浦城管罚〔{day.year}〕{site.counter(('罚', day.year))}号", body_html=body,
                          attachments=[(p, f"附件{n}.{ext}")
                                       for n, (ext, p) in enumerate(files.items(), start=1)])


EXPECTED = [
    Expect("pii-id-number", PLANT_DOC, "ID number in full in the page text"),
    Expect("pii-mobile", PLANT_DOC, "the party's mobile number in full"),
    Expect("pii-bank-card", PLANT_DOC, "refund account after 账号, Luhn-valid"),
    *[Expect("pii-id-number", p, f"ID number in full in the {ext.upper()} attachment")
      for ext, p in PLANT_FILES.items()],
]

DECOYS = [
    *[Decoy(rule, DECOY_DOC, "masked ID and mobile, credit codes, bad-checksum number, office phones")
      for rule in ("pii-id-number", "pii-mobile", "pii-bank-card")],
    *[Decoy("pii-id-number", p, f"masked ID and a credit code in the {ext.upper()} attachment")
      for ext, p in DECOY_FILES.items()],
    *[Decoy("attachment-unreadable", p, "a readable attachment") for p in (*PLANT_FILES.values(),
                                                                           *DECOY_FILES.values())],
]

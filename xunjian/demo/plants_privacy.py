"""Planted personal data (and decoys) of the demo portal (trs family).

Rules: checks/content/privacy.py (pii-id-number, pii-mobile, pii-bank-card), reading page text and the
attachment text of crawler/doctext.py. Two 行政处罚决定书 are added to the 行政处罚 column, written
by ``xunjian.demo.content_plants.plant_pii`` (the plants and decoys are listed there):

  PLANT_DOC   a natural person's decision with the ID number, mobile and refund bank account in
              full, and its PDF/DOCX/XLSX attachments with the full ID number
  DECOY_DOC   the same person masked, credit codes, a bad-checksum number, office phones; its
              attachments carry the masked ID and a credit code

``PLANTED_ID`` is the full number a test greps the reports, the store's findings and the logs for.
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.content_plants import (BAD_CHECKSUM, ID_SHAPED_CREDIT_CODE, MASKED_ID,  # noqa: F401
                                         PLANTED_ADDRESS_TAIL, PLANTED_CARD, PLANTED_ID,
                                         PLANTED_MOBILE, PLANTED_NAME, PLANTED_PASSPORT, PiiPaths,
                                         pii_declarations, plant_penalty_people, plant_pii)

BASE = "/xxgk/xzcf/pii/"
PLANT_DOC = BASE + "cf_2026_pii_plant.html"
DECOY_DOC = BASE + "cf_2026_pii_decoy.html"
PLANT_FILES = {ext: f"{BASE}plant.{ext}" for ext in ("pdf", "docx", "xlsx")}
DECOY_FILES = {ext: f"{BASE}decoy.{ext}" for ext in ("pdf", "docx", "xlsx")}
PATHS = PiiPaths("xzcf", PLANT_DOC, DECOY_DOC, PLANT_FILES, DECOY_FILES, BASE + "cf_2026_person.html",
                 BASE + "cf_2026_company.html")


def contribute(site, today: date) -> None:
    plant_pii(site, today, PATHS, district="浦江区", office_phone="021-54321000，传真：021-54321001",
              doc_prefix="沪浦城管罚")
    plant_penalty_people(site, today, PATHS, district="浦江区", doc_prefix="沪浦城管罚")


EXPECTED, DECOYS = pii_declarations(PATHS)

"""Planted content-safety defects (and decoys) of the ``shanghai`` family (issue 13).

The same plants as the ``trs`` family's plants_privacy.py, plants_safety.py and plants_wording.py,
written by ``xunjian.demo.content_plants`` in this family's markup and URL scheme:

  PII.plant_doc (行政处罚, channel_94)  ID number, mobile, refund account in full; its /cmsres/
                                       PDF, DOCX, XLSX carry the ID          -> pii-id-number, pii-mobile,
                                                                                pii-bank-card
  PII.person_doc                       a person named in full, home address, passport number
                                       -> pii-person-name, pii-home-address, pii-id-field
  PII.decoy_doc, PII.company_doc       masked forms, credit codes, office phones; a company,
                                       its 法定代表人 and 住所               -> none
  专题专栏 /channel_110/               display:none block and <noscript> link before the footer
                                                                             -> link-hidden-offsite
  HIDDEN.decoy_page                    a hidden in-site drop-down menu      -> none
  WORDING.plant_doc (通知公告)          常委委员会 in the title, 中华人名共和国 in the text
                                                                             -> wording-serious-error
  WORDING.decoy_doc                    the right forms                      -> none
"""

from __future__ import annotations

from datetime import date

from xunjian.demo.content_plants import (HiddenPaths, PiiPaths, WordingPaths, attachment_paths,
                                         hidden_declarations, pii_declarations, plant_hidden,
                                         plant_penalty_people, plant_pii, plant_wording, wording_declarations)
from xunjian.demo.shanghai import templates as t
from xunjian.demo.shanghai.portal import attachment_path, hex32


def _doc(channel: int, day: str, key: str) -> str:
    return f"/channel_{channel}/{day}/{hex32('plant', key)}.html"


PLANT_DOC, DECOY_DOC = _doc(94, "20261113", "pii plant"), _doc(94, "20261113", "pii decoy")
PII = PiiPaths("xzcf", PLANT_DOC, DECOY_DOC, attachment_paths(attachment_path, PLANT_DOC, "plant"),
               attachment_paths(attachment_path, DECOY_DOC, "decoy"),
               person_doc=_doc(94, "20261111", "pii person"), company_doc=_doc(94, "20261111", "pii company"))
SPECIALS = "/channel_110/index.html"
HIDDEN = HiddenPaths(SPECIALS, "</footer>", "/channel_110/aqjc.html")
WORDING = WordingPaths("tzgg", _doc(89, "20261116", "wording wrong"), _doc(89, "20261116", "wording right"))


def contribute(site, today: date) -> None:
    plant_pii(site, today, PII, district="滨江区", office_phone=t.PHONE, doc_prefix="沪滨城管罚")
    plant_penalty_people(site, today, PII, district="滨江区", doc_prefix="沪滨城管罚")
    plant_hidden(site, HIDDEN, [("专题专栏", SPECIALS)])
    plant_wording(site, today, WORDING)


_declared = [pii_declarations(PII), hidden_declarations(HIDDEN, "/"), wording_declarations(WORDING)]
EXPECTED = [e for expected, _ in _declared for e in expected]
DECOYS = [d for _, decoys in _declared for d in decoys]

"""Planted content-safety defects (and decoys) of the ``hanweb`` family (issue 13), served as GBK.

The same plants as the ``trs`` family's plants_privacy.py, plants_safety.py and plants_wording.py,
written by ``xunjian.demo.content_plants`` in this family's markup and URL scheme:

  PII.plant_doc (行政处罚, col4807)     ID number, mobile, refund account in full; its downfile.jsp
                                       PDF, DOCX, XLSX carry the ID          -> pii-id-number, pii-mobile,
                                                                                pii-bank-card
  PII.person_doc                       a person named in full, home address, passport number
                                       -> pii-person-name, pii-home-address, pii-id-field
  PII.decoy_doc, PII.company_doc       masked forms, credit codes, office phones; a company,
                                       its 法定代表人 and 住所               -> none
  机构职能 /col/col4804/               display:none block and <noscript> link at the end of the main
                                       content (the footer is script-written) -> link-hidden-offsite
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
from xunjian.demo.hanweb import layout
from xunjian.demo.hanweb.portal import attachment_path

PLANT_DOC = "/art/2026/11/13/art_4807_2307901.html"
DECOY_DOC = "/art/2026/11/13/art_4807_2307902.html"
PII = PiiPaths("xzcf", PLANT_DOC, DECOY_DOC, attachment_paths(attachment_path, PLANT_DOC, "plant"),
               attachment_paths(attachment_path, DECOY_DOC, "decoy"),
               person_doc="/art/2026/11/11/art_4807_2307903.html",
               company_doc="/art/2026/11/11/art_4807_2307904.html")
FUNCTIONS = "/col/col4804/index.html"  # 机构职能 (关于本站 is linked only from the script footer)
HIDDEN = HiddenPaths(FUNCTIONS, layout.END_MAIN, "/col/col4804/art_aqjc.html",
                     decoy_link_marker=layout.END_MAIN)
WORDING = WordingPaths("tzgg", "/art/2026/11/16/art_4702_2302911.html",
                       "/art/2026/11/16/art_4702_2302912.html")
HOME = "/index.html"


def contribute(site, today: date) -> None:
    plant_pii(site, today, PII, district="临江市", office_phone=layout.PHONE, doc_prefix="临城管罚")
    plant_penalty_people(site, today, PII, district="临江市", doc_prefix="临城管罚")
    plant_hidden(site, HIDDEN, [("机构职能", FUNCTIONS)], home=HOME)
    plant_wording(site, today, WORDING)


_declared = [pii_declarations(PII), hidden_declarations(HIDDEN, HOME), wording_declarations(WORDING)]
EXPECTED = [e for expected, _ in _declared for e in expected]
DECOYS = [d for _, decoys in _declared for d in decoys]

"""Plant helpers shared by the families' content-safety plant modules (issue 13): personal data in
行政处罚 decisions and their attachments (checks/content/privacy.py) and hidden injected links
(checks/content/hidden_links.py). Each family module fixes the paths (``PiiPaths``, ``HiddenPaths``) and
declares ``EXPECTED``/``DECOYS`` with ``pii_declarations``/``hidden_declarations``; this module
writes the pages in the family's own markup (``site.add_document``, ``site.page``).

Personal numbers (the same in every family, so tests/test_privacy_leaks.py greps for them):

  plant decision    a natural person's ID number, mobile and refund account in full
                    -> pii-id-number, pii-mobile, pii-bank-card
  plant PDF/DOCX/XLSX  its attachments, each with the full ID number -> pii-id-number
  decoy decision    the masked ID and mobile, a 统一社会信用代码 with letters, an all-digit
                    number labelled 统一社会信用代码 that would pass the ID check, a 受理批次 failing
                    the check, the office's landline and 12345, a date and an amount -> no pii-*
  decoy PDF/DOCX/XLSX  masked forms and the credit code -> no pii-*

People (``plant_penalty_people``): a decision naming the party in full (王建国), with a home
address and a passport number -> pii-person-name, pii-home-address, pii-id-field; a company's
decision (法定代表人 named, 住所, credit code under 证件号码, the office's own address) -> none.

Hijacked links (with the hidden ones, ``plant_hidden``): the decoy page lists a 友情链接 that 302s
to a third host's 娱乐城 page and one to a "domain for sale" page -> link-hijacked (and so does
the hidden links' 娱乐城 target); one that 301s to a neutral page on the third host ->
link-offsite-redirect (not link-hijacked); decoys: a redirect within the linked host, a notice *against*
gambling naming its games, the government stand-in.

Wording (``plant_wording``): a notice whose title carries 人民代表大会常委委员会 and whose text
carries 中华人名共和国 (and, where the profile declares it, a site entry's wrong form) ->
wording-serious-error; a decoy notice with the right forms -> none.

Hidden links: a ``display:none`` block of three links and a ``<noscript>`` link to an
"entertainment" page of the external host, inserted before the family's footer marker of an
existing page -> link-hidden-offsite; a decoy page with a collapsed in-site drop-down menu and a
visible outbound link -> none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from xunjian.demo import Decoy, DemoPage, Expect
from xunjian.demo.attachments import CONTENT_TYPES, docx_bytes, pdf_bytes, xlsx_bytes
from xunjian.demo.external import external_page

PLANTED_ID = "310115199003154560"          # valid GB 11643 check character, born 1990-03-15
PLANTED_MOBILE = "13912345678"
PLANTED_CARD = "6222021234567890128"       # passes Luhn
MASKED_ID = "3101**********4560"
ID_SHAPED_CREDIT_CODE = "310104198506121230"  # would pass the ID check: only its label says what it is
BAD_CHECKSUM = "310104198506121236"
PLANTED_NAME = "王建国"
PLANTED_ADDRESS_TAIL = "金桥路88弄5号1201室"
PLANTED_PASSPORT = "E12345678"
FILE_KINDS = ("pdf", "docx", "xlsx")


@dataclass(frozen=True)
class PiiPaths:
    column: str                       # the family's 行政处罚 column key
    plant_doc: str
    decoy_doc: str
    plant_files: dict[str, str] = field(default_factory=dict)   # ext -> path
    decoy_files: dict[str, str] = field(default_factory=dict)
    person_doc: str = ""          # a person named in full, home address, passport number
    company_doc: str = ""         # decoy: a company, its 法定代表人, its 住所, the office's address


def attachment_paths(attachment_path, doc_path: str, stem: str) -> dict[str, str]:
    """ext -> the path the family's ``attachment_path(col, doc_path, name)`` gives ``stem.ext`` of the
    document at ``doc_path`` (families whose attachment URLs do not depend on the column)."""
    return {ext: attachment_path(None, doc_path, f"{stem}.{ext}") for ext in FILE_KINDS}


def _files(site, paths: dict[str, str], text_zh: str, text_ascii: str) -> None:
    makers = {"pdf": lambda: pdf_bytes(text_ascii), "docx": lambda: docx_bytes(text_zh),
              "xlsx": lambda: xlsx_bytes(text_zh)}
    for ext, path in paths.items():
        site.add("portal", path, DemoPage(makers[ext](), CONTENT_TYPES[ext]))


def plant_pii(site, today: date, paths: PiiPaths, *, district: str, office_phone: str,
              doc_prefix: str) -> None:
    """The plant and decoy decisions (``doc_prefix``: the 文号 prefix, e.g. 沪浦城管罚)."""
    day = today - timedelta(days=9)
    _files(site, paths.plant_files, f"当事人：王某某 身份证号码：{PLANTED_ID} 住址：{district}***",
           f"Party: Wang, ID {PLANTED_ID}, penalty decision")
    _files(site, paths.decoy_files, f"当事人：王某某 身份证号码：{MASKED_ID} 统一社会信用代码：91310115MA1K12345X",
           f"Party: Wang, ID {MASKED_ID}, decision dated {day:%Y%m%d}")
    body_plant = (f"<p>当事人：王某某</p>\n<p>身份证号码：{PLANTED_ID}</p>\n<p>联系电话：{PLANTED_MOBILE}</p>\n"
                  f"<p>违法事实：当事人于{day.year}年{day.month}月{day.day}日在人行道违法设摊，经立案调查属实。</p>\n"
                  f"<p>罚没款退还：开户银行 中国工商银行，退款账号：{PLANTED_CARD}</p>")
    body_decoy = (f"<p>当事人：王某某，身份证号码：{MASKED_ID}，联系电话：139****5678</p>\n"
                  "<p>关联单位统一社会信用代码：91310115MA1K12345X；"
                  f"另一关联单位统一社会信用代码：{ID_SHAPED_CREDIT_CODE}</p>\n"
                  f"<p>处理批次 {BAD_CHECKSUM}，罚款人民币12000元。</p>\n"
                  f"<p>本局联系电话：{office_phone}，监督电话：12345。</p>")
    for path, title, body, files in (
            (paths.plant_doc, "行政处罚决定书（个人信息未脱敏示例）", body_plant, paths.plant_files),
            (paths.decoy_doc, "行政处罚决定书（已脱敏）", body_decoy, paths.decoy_files)):
        site.add_document(paths.column, title=title, published=day, issued=day - timedelta(days=2), path=path,
                          doc_no=f"{doc_prefix}〔{day.year}〕{site.counter(('罚', day.year))}号", body_html=body,
                          attachments=[(p, f"附件{n}.{ext}")
                                       for n, (ext, p) in enumerate(files.items(), start=1)])


def plant_penalty_people(site, today: date, paths: PiiPaths, *, district: str, doc_prefix: str) -> None:
    """The decision naming a person in full (name, home address, passport) and its company decoy."""
    day = today - timedelta(days=11)
    person = (f"<p>当事人：{PLANTED_NAME}，男，{district}居民</p>\n"
              f"<p>住址：{district}{PLANTED_ADDRESS_TAIL}</p>\n"
              f"<p>证件类型：护照　证件号码：{PLANTED_PASSPORT}</p>\n"
              "<p>违法事实：当事人在人行道违法设摊，经立案调查属实。</p>\n<p>处罚结果：罚款人民币200元。</p>")
    company = (f"<p>当事人：{district}金桥商贸有限公司</p>\n<p>法定代表人：张建国</p>\n"
               f"<p>住所：{district}金桥路100号</p>\n"
               "<p>证件类型：统一社会信用代码　证件号码：91310115MA1K54321X</p>\n"
               "<p>违法事实：当事人擅自设置户外广告设施，经立案调查属实。</p>\n"
               f"<p>本机关地址：{district}世纪大道1号</p>")
    for path, body in ((paths.person_doc, person), (paths.company_doc, company)):
        if path:
            no = f"{doc_prefix}〔{day.year}〕{site.counter(('罚', day.year))}号"
            site.add_document(paths.column, title=f"行政处罚决定书（{no}）", published=day,
                              issued=day - timedelta(days=2), path=path, doc_no=no, body_html=body)


def pii_declarations(paths: PiiPaths) -> tuple[list[Expect], list[Decoy]]:
    expected = [
        Expect("pii-id-number", paths.plant_doc, "ID number in full in the page text"),
        Expect("pii-mobile", paths.plant_doc, "the party's mobile number in full"),
        Expect("pii-bank-card", paths.plant_doc, "refund account after 账号, Luhn-valid"),
        *[Expect("pii-id-number", p, f"ID number in full in the {ext.upper()} attachment")
          for ext, p in paths.plant_files.items()],
    ]
    decoys = [
        *[Decoy(rule, paths.decoy_doc,
                "masked ID and mobile, credit codes, bad-checksum number, office phones")
          for rule in ("pii-id-number", "pii-mobile", "pii-bank-card")],
        *[Decoy("pii-id-number", p, f"masked ID and a credit code in the {ext.upper()} attachment")
          for ext, p in paths.decoy_files.items()],
        *[Decoy("attachment-unreadable", p, "a readable attachment")
          for p in (*paths.plant_files.values(), *paths.decoy_files.values())],
    ]
    if paths.person_doc:
        expected += [Expect("pii-person-name", paths.person_doc, "当事人 named in full, the site masks others"),
                     Expect("pii-home-address", paths.person_doc, "住址 with 弄/号/室"),
                     Expect("pii-id-field", paths.person_doc, "passport number in full")]
        decoys += [Decoy(rule, paths.company_doc, "a company, its 法定代表人, 住所, credit code, office address")
                   for rule in ("pii-person-name", "pii-home-address", "pii-id-field", "pii-id-number")]
        decoys += [Decoy(rule, paths.decoy_doc, "masked party, masked ID")
                   for rule in ("pii-person-name", "pii-home-address", "pii-id-field")]
    return expected, decoys


# -- hidden injected links ----------------------------------------------------------------------
ENTERTAINMENT = "/yule/index.html"   # on the external host
HIDDEN_BLOCK = ('<div style="display:none">'
                + "".join(f'<a href="{{{{EXTERNAL}}}}{ENTERTAINMENT}?p={n}">{word}</a>'
                          for n, word in enumerate(("娱乐城", "棋牌游戏", "彩票投注"), start=1))
                + f'</div><noscript><a href="{{{{EXTERNAL}}}}{ENTERTAINMENT}">在线娱乐</a></noscript>\n')


@dataclass(frozen=True)
class HiddenPaths:
    plant_page: str        # an existing page: the hidden block goes before ``marker``
    marker: str            # e.g. "</footer>" (the end of the family's footer markup)
    decoy_page: str        # a new page: a hidden in-site drop-down and a visible outbound link
    decoy_link_marker: str = "</main>"   # the plant page links the decoy page before this text


# hijacked outbound links (checks/content/hijacked_links.py), listed on the hidden-link decoy page
PARTNER = "/go/partner.html"        # external: 302 to the casino page on the "elsewhere" host
CASINO = "/casino/index.html"       # elsewhere
PARKED = "/parked/index.html"       # external: "this domain is for sale"
MOVED = "/moved/index.html"         # external: 301 to the same host's homepage (decoy)
RENAMED = "/go/association.html"    # external: 301 to a neutral page on the "elsewhere" host
NEW_HOME = "/association/index.html"  # elsewhere
AGAINST = "/notice/gamble.html"     # external: a notice against gambling naming its games (decoy)
HIJACK_LINKS = ('<h2>友情链接</h2>\n<ul>'
                f'<li><a href="{{{{EXTERNAL}}}}{PARTNER}">城市管理合作单位</a></li>'
                f'<li><a href="{{{{EXTERNAL}}}}{PARKED}">市容环境志愿者协会</a></li>'
                f'<li><a href="{{{{EXTERNAL}}}}{MOVED}">上海市人民政府（旧址）</a></li>'
                f'<li><a href="{{{{EXTERNAL}}}}{RENAMED}">城市管理行业协会</a></li>'
                f'<li><a href="{{{{EXTERNAL}}}}{AGAINST}">关于打击网络赌博的通告</a></li></ul>\n')


def _plant_hijack_targets(site) -> None:
    if site.has("external", PARTNER):
        return
    site.add("external", PARTNER, DemoPage("", status=302, headers={"Location": "{{ELSEWHERE}}" + CASINO}))
    site.add("elsewhere", CASINO, external_page("澳门娱乐城 真人百家乐", "<p>注册即送彩金，老虎机、时时彩在线投注。</p>",
                                                "某娱乐网站"))
    site.add("external", PARKED, external_page("This domain is for sale", "<p>Buy this domain today.</p>"
                                               "<p>本域名正在出售，欢迎洽谈。</p>", "parked"))
    site.add("external", MOVED, DemoPage("", status=301, headers={"Location": "{{EXTERNAL}}/index.html"}))
    site.add("external", RENAMED, DemoPage("", status=301, headers={"Location": "{{ELSEWHERE}}" + NEW_HOME}))
    site.add("elsewhere", NEW_HOME, external_page("城市管理行业协会", "<p>本会网站已启用新域名。</p>", "城市管理行业协会"))
    site.add("external", AGAINST, external_page(
        "关于严厉打击网络赌博违法犯罪活动的通告",
        "<p>依法打击利用百家乐、老虎机、六合彩、时时彩等形式组织网络赌博的违法犯罪活动。</p>"))


def plant_hidden(site, paths: HiddenPaths, breadcrumbs: list[tuple[str, str]], home: str = "/") -> None:
    if not site.has("external", ENTERTAINMENT):
        site.add("external", ENTERTAINMENT,
                 external_page("娱乐城", "<p>（演示用：被植入暗链指向的页面）</p>", "某娱乐网站"))
    _plant_hijack_targets(site)
    site.replace("portal", paths.plant_page, paths.marker, HIDDEN_BLOCK + paths.marker)
    menu = (f'<ul class="menu"><li><a href="{paths.plant_page}">专题专栏</a>'
            f'<ul class="submenu" style="display:none"><li><a href="{paths.plant_page}">专题</a></li>'
            f'<li><a href="{home}">首页</a></li></ul></li></ul>\n'
            '<p>相关网站：<a href="{{EXTERNAL}}/index.html">上海市人民政府</a></p>\n' + HIJACK_LINKS)
    site.add("portal", paths.decoy_page, site.page("专题：网站安全检查说明", menu,
                                                   breadcrumbs=[*breadcrumbs, ("网站安全检查说明", "")]))
    site.insert_before("portal", paths.plant_page, f'<p><a href="{paths.decoy_page}">网站安全检查说明</a></p>\n',
                       marker=paths.decoy_link_marker)


def hidden_declarations(paths: HiddenPaths, home: str) -> tuple[list[Expect], list[Decoy]]:
    hijacked = [Expect("link-hijacked", f"external:{PARTNER}", "302 to another host serving 娱乐城/百家乐"),
                Expect("link-hijacked", f"external:{PARKED}", "a 'domain for sale' page"),
                Expect("link-hijacked", f"external:{ENTERTAINMENT}", "the hidden links' 娱乐城 page"),
                Expect("link-offsite-redirect", f"external:{RENAMED}", "301 to a neutral page elsewhere")]
    hidden = Expect("link-hidden-offsite", paths.plant_page, "display:none block, <noscript> link")
    return ([hidden, *hijacked],
            [Decoy("link-hidden-offsite", paths.decoy_page, "hidden in-site drop-down, visible outbound"),
             Decoy("link-hidden-offsite", home, "homepage: no hidden links"),
             Decoy("link-hijacked", f"external:{MOVED}", "a redirect within the linked host"),
             Decoy("link-offsite-redirect", f"external:{MOVED}", "a redirect within the linked host"),
             Decoy("link-hijacked", f"external:{RENAMED}", "moved to another domain, nothing suspicious"),
             Decoy("link-hijacked", f"external:{AGAINST}", "a notice against gambling naming its games"),
             Decoy("link-hijacked", "external:/index.html", "the linked government site")])


# -- serious wording errors -----------------------------------------------------------------------
WRONG_TITLE = "关于配合人民代表大会常委委员会执法检查的通知"
RIGHT_TITLE = "关于配合人民代表大会常务委员会执法检查的通知"


@dataclass(frozen=True)
class WordingPaths:
    column: str           # a notice column
    plant_doc: str
    decoy_doc: str


def plant_wording(site, today: date, paths: WordingPaths, *, extra_wrong: str = "",
                  extra_right: str = "") -> None:
    day = today - timedelta(days=6)
    plant = ("<p>根据《中华人名共和国行政处罚法》和本市有关规定，现就配合执法检查有关事项通知如下。</p>\n"
             "<p>一、各执法大队应当如实报送执法数据。</p>\n"
             + (f"<p>联系人：{extra_wrong}。</p>\n" if extra_wrong else ""))
    decoy = ("<p>根据《中华人民共和国行政处罚法》和本市有关规定，现就配合人民代表大会常务委员会执法检查通知如下。</p>\n"
             + (f"<p>联系人：{extra_right}。</p>\n" if extra_right else ""))
    for path, title, body in ((paths.plant_doc, WRONG_TITLE, plant), (paths.decoy_doc, RIGHT_TITLE, decoy)):
        site.add_document(paths.column, title=title, published=day, path=path, body_html=body)


def wording_declarations(paths: WordingPaths) -> tuple[list[Expect], list[Decoy]]:
    return ([Expect("wording-serious-error", paths.plant_doc, "常委委员会 in the title, 中华人名共和国 in the text")],
            [Decoy("wording-serious-error", paths.decoy_doc, "the right forms")])

"""Hanweb (大汉 jcms) data islands: list records shipped as XML inside the HTML page.

A Hanweb column page embeds its first group of records in the unit's div as::

    <script type="text/xml"><datastore>
      <nextgroup><![CDATA[<a href="./dataproxy.jsp?startrecord=46&…"></a>]]></nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/2020/8/14/art_4975_1503934.html">…</a>
        <span>2020-08-14</span></li>]]></record>…</recordset>
    </datastore></script>

An HTML parser sees one text node. ``find_islands`` pulls out each ``<datastore>``: its
records (CDATA unwrapped; an entity-escaped record is unescaped) and its ``nextgroup`` href.
The browser pages through further groups with the unit's jpage script, which posts to the
proxy named in the call (``proxyUrl:'/module/web/jpage/dataproxy.jsp'``); ``nextgroup``
hrefs (``./dataproxy.jsp?…``) are relative to that proxy's directory, NOT to the column page
(the path differs by install, so nothing is guessed: without a ``proxyUrl`` in the page the
next group is not followed). A proxy reply is the same ``<datastore>`` as a bare XML
document (``<totalrecord>``, ``<record>`` CDATA, a further ``nextgroup``); the group with no
record is the last. ``expand_islands`` rewrites a page so that each island becomes a
``<ul class="datastore-list">`` of its records at the same place: list readers (column
items, page text) then see the records as a browser user does.

Sources: `docs/cms-families.md` §2 and §6 (traps 3 and 4). No settings.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

_ISLAND_SCRIPT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*['\"]?text/xml['\"]?[^>]*>(.*?)</script\s*>", re.I | re.S)
_DATASTORE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore\s*>", re.I | re.S)
_RECORD = re.compile(r"<record\b[^>]*>(.*?)</record\s*>", re.I | re.S)
_NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>(.*?)</nextgroup\s*>", re.I | re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_PROXY_URL = re.compile(r"""proxyUrl\s*[:=]\s*['"]([^'"]{1,300})['"]""")


@dataclass
class Island:
    records: list[str] = field(default_factory=list)  # HTML fragments, one per record
    nextgroup: str | None = None                       # raw href, relative to the proxy directory
    total: int | None = None                           # <totalrecord>, when the reply states it


def _unwrap(content: str) -> str:
    """CDATA sections joined; content without CDATA is entity-escaped markup."""
    sections = _CDATA.findall(content)
    return "".join(sections) if sections else html_lib.unescape(content)


def _parse_datastore(xml: str) -> Island:
    island = Island()
    for match in _RECORD.finditer(xml):
        fragment = _unwrap(match.group(1)).strip()
        if fragment:
            island.records.append(fragment)
    nextgroup = _NEXTGROUP.search(xml)
    if nextgroup:
        href = _HREF.search(_unwrap(nextgroup.group(1)))
        if href:
            raw = html_lib.unescape(next(g for g in href.groups() if g is not None)).strip()
            island.nextgroup = raw or None
    total = _TOTAL.search(xml)
    island.total = int(total.group(1)) if total else None
    return island


def has_islands(text: str) -> bool:
    """Cheap test before any regex work: most pages have no island."""
    return "<datastore" in text or "<DATASTORE" in text


def find_islands(text: str) -> list[Island]:
    """Every ``<datastore>`` inside a ``<script type="text/xml">`` of an HTML page."""
    if not has_islands(text):
        return []
    out = []
    for script in _ISLAND_SCRIPT.finditer(text):
        out += [_parse_datastore(ds.group(1)) for ds in _DATASTORE.finditer(script.group(1))]
    return out


def parse_reply(text: str) -> Island:
    """A ``dataproxy.jsp`` reply (a bare ``<datastore>`` XML document, or its children)."""
    match = _DATASTORE.search(text)
    return _parse_datastore(match.group(1) if match else text)


def proxy_url(text: str, page_url: str) -> str | None:
    """Absolute URL of the proxy the page's jpage call names (``proxyUrl:'…'``), if any."""
    match = _PROXY_URL.search(text)
    return urljoin(page_url, match.group(1).strip()) if match else None


def nextgroup_url(island: Island, proxy: str | None) -> str | None:
    """Absolute URL of the next group: its href resolved against the proxy's URL."""
    if not island.nextgroup or not island.records or not proxy:
        return None  # no record: the last group; no proxy: its directory is unknown
    return urljoin(proxy, island.nextgroup)


def as_list_item(record: str) -> str:
    """A record as an ``<li>`` (records are usually ``<li>``; some templates emit divs or rows)."""
    return record if record[:3].lower() == "<li" else f"<li>{record}</li>"


def expand_islands(text: str) -> str:
    """The page with each island script replaced by a list of its records, in place."""
    if not has_islands(text):
        return text

    def replace(script: re.Match) -> str:
        islands = [_parse_datastore(ds.group(1)) for ds in _DATASTORE.finditer(script.group(1))]
        if not islands:
            return script.group(0)
        return "".join('<ul class="datastore-list">' + "".join(as_list_item(r) for r in i.records) + "</ul>"
                       for i in islands)

    return _ISLAND_SCRIPT.sub(replace, text)

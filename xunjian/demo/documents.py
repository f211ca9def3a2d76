"""Documents and column lists of the shared site model, rendered through the site's family.

``add_document(site, key, ...)`` builds a ``Document`` (title, dates, 文号, 体裁, 有效性, the
信息公开 metadata rows, attachments) the same way for every family, creates its attachment
files at the family's attachment paths and asks the family's ``document_page`` template for the
markup; ``render_column`` paginates a column's items into the family's ``list_page`` template.
So a 规范性文件 means the same thing on every bundled portal; only URLs and markup differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xunjian.demo import DemoPage
from xunjian.demo.attachments import attachment


@dataclass
class Document:
    key: str  # column key
    title: str
    path: str
    published: date
    issued: date
    doc_no: str
    genre: str
    # the 信息公开 metadata, in print order (label, value); empty when not shown
    rows: list[tuple[str, str]]
    show_metadata: bool
    body_html: str
    attachments: list[tuple[str, str]]  # (href, link text)
    serial: int  # per-column number: varies the publication time
    encoding: str
    charset: str
    content_type: str | None


def breadcrumbs_for(site, key: str, leaf: str | None = None) -> list[tuple[str, str]]:
    chain = []
    col = site.columns.get(key)
    while col is not None:
        chain.append((col.name, col.list_paths()[0]))
        col = site.columns.get(col.parent) if col.parent else None
    chain.reverse()
    if leaf:
        chain.append((leaf, ""))
    return chain


def metadata_rows(site, col, *, issued: date, published: date, doc_no: str | None, genre: str | None,
                  validity: str | None, valid_until: date | None,
                  meta: dict[str, str | None] | None) -> list[tuple[str, str]]:
    rows: list[tuple[str, str | None]] = [
        ("索引号", site.next_index_no(issued.year)), ("主题分类", col.theme),
        ("发文机构", site.family.issuer), ("公开类型", "主动公开"),
        ("印发日期", f"{issued:%Y-%m-%d}"), ("发布日期", f"{published:%Y-%m-%d}"),
        ("文号", doc_no if doc_no else "无"), ("体裁", genre or col.genre),
    ]
    if validity:
        rows += [("有效性", validity), ("有效期至", f"{valid_until:%Y-%m-%d}" if valid_until else "长期")]
    for label, value in (meta or {}).items():
        idx = next((n for n, (k, _) in enumerate(rows) if k == label), None)
        if idx is None:
            rows.append((label, value))
        else:
            rows[idx] = (label, value)
    return [(k, v) for k, v in rows if v is not None]


def add_document(site, key: str, *, title: str, published: date, body_html: str, issued: date | None = None,
                 doc_no: str | None = "", genre: str | None = None, validity: str | None = None,
                 valid_until: date | None = None, attachments: list[tuple[str, str]] | tuple = (),
                 meta: dict[str, str | None] | None = None, path: str | None = None,
                 encoding: str | None = None, charset: str | None = None, content_type: str | None = None,
                 metadata_table: bool | None = None, list_title: str | None = None) -> str:
    """Add a document page to column ``key`` and list it there; returns its path.

    ``attachments`` is a list of (file name, link text); a name starting with ``/`` is used as
    is, others go to the family's attachment path. ``metadata_table`` defaults to the family's
    ``shows_metadata`` (disclosure columns). ``meta`` overrides rows by label (``None`` drops a
    row). ``validity`` ("有效"/"失效"/"废止") adds the 有效性 and 有效期至 rows.
    ``encoding``/``charset``/``content_type`` choose the bytes, the ``<meta charset>`` and the
    header (defaults: the column's encoding).
    """
    family = site.family
    col = site.column(key)
    col.serial += 1
    issued = issued or published
    path = path or family.document_path(col, published, col.serial, title)
    encoding = encoding or col.encoding
    show = family.shows_metadata(col, path) if metadata_table is None else metadata_table
    rows = metadata_rows(site, col, issued=issued, published=published, doc_no=doc_no, genre=genre,
                         validity=validity, valid_until=valid_until, meta=meta) if show else []
    links = []
    for fname, text in attachments:
        fpath = fname if fname.startswith("/") else family.attachment_path(col, path, fname)
        if not site.has("portal", fpath):
            site.add("portal", fpath, attachment(fpath, text))
        links.append((fpath, text))
    doc = Document(key, title, path, published, issued, doc_no or "", genre or col.genre, rows, show,
                   body_html, links, col.serial, encoding, encoding if charset is None else charset,
                   content_type)
    site.add("portal", path, family.document_page(site, doc))
    site.add_item(key, list_title or title, path, published)
    return path


def render_column(site, col) -> dict[str, DemoPage]:
    """The paginated list pages of ``col`` (paths from the family's ``list_path``)."""
    if col.overview:
        return {}
    items = col.sorted_items()
    paths = col.list_paths()
    size = site.family.page_size
    return {list_path: site.family.list_page(site, col, items[n * size:(n + 1) * size], n, paths, len(items))
            for n, list_path in enumerate(paths)}

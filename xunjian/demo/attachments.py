"""Small but real-looking attachment files for the demo portal (.pdf .doc .docx .xls .xlsx .ofd).

``attachment(name, title)`` returns a ``DemoPage`` with the right Content-Type and bytes a
file sniffer accepts: a minimal valid PDF (correct xref offsets), OOXML zips for .docx/.xlsx,
an OFD zip (GB/T 33190) and an OLE2 compound-file header for the legacy .doc/.xls formats.
Bytes are deterministic (fixed zip timestamps) so the site stays byte-identical per ``today``.
"""

from __future__ import annotations

import io
import zipfile
from html import escape

from xunjian.demo import DemoPage

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


def pdf_bytes(label: str) -> bytes:
    """A one-page PDF 1.4 showing ``label`` (ASCII only: no embedded CJK font needed)."""
    text = "".join(c for c in label if 32 <= ord(c) < 127 and c not in "\\()")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_OOXML = "http://schemas.openxmlformats.org"
_REL_NS = f"{_OOXML}/package/2006/relationships"
_OFFICE_REL = f"{_OOXML}/officeDocument/2006/relationships"
_CT_NS = f"{_OOXML}/package/2006/content-types"
_MIME_OOXML = "application/vnd.openxmlformats-officedocument"
_RELS_DEFAULTS = ('<Default Extension="rels" '
                  'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>')


def _content_types(overrides: dict[str, str]) -> str:
    parts = "".join(f'<Override PartName="{name}" ContentType="{ctype}"/>'
                    for name, ctype in overrides.items())
    return f'{_XML}<Types xmlns="{_CT_NS}">{_RELS_DEFAULTS}{parts}</Types>'


def _rels(rel_type: str, target: str) -> str:
    return (f'{_XML}<Relationships xmlns="{_REL_NS}"><Relationship Id="rId1" Type="{_OFFICE_REL}/{rel_type}" '
            f'Target="{target}"/></Relationships>')


def docx_bytes(title: str) -> bytes:
    w = f"{_OOXML}/wordprocessingml/2006/main"
    return _zip({
        "[Content_Types].xml": _content_types(
            {"/word/document.xml": f"{_MIME_OOXML}.wordprocessingml.document.main+xml"}),
        "_rels/.rels": _rels("officeDocument", "word/document.xml"),
        "word/document.xml": f'{_XML}<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>{escape(title)}</w:t>'
                             "</w:r></w:p></w:body></w:document>",
    })


def xlsx_bytes(title: str) -> bytes:
    main = f"{_OOXML}/spreadsheetml/2006/main"
    return _zip({
        "[Content_Types].xml": _content_types({
            "/xl/workbook.xml": f"{_MIME_OOXML}.spreadsheetml.sheet.main+xml",
            "/xl/worksheets/sheet1.xml": f"{_MIME_OOXML}.spreadsheetml.worksheet+xml"}),
        "_rels/.rels": _rels("officeDocument", "xl/workbook.xml"),
        "xl/workbook.xml": f'{_XML}<workbook xmlns="{main}" xmlns:r="{_OFFICE_REL}"><sheets>'
                           '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": _rels("worksheet", "worksheets/sheet1.xml"),
        "xl/worksheets/sheet1.xml": f'{_XML}<worksheet xmlns="{main}"><sheetData><row r="1">'
                                    f'<c r="A1" t="inlineStr"><is><t>{escape(title)}</t></is></c></row>'
                                    "</sheetData></worksheet>",
    })


def ofd_bytes(title: str) -> bytes:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    return _zip({
        "OFD.xml": f'{_XML}<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
                   f"<ofd:Title>{escape(title)}</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml"
                   "</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f"{_XML}<ofd:Document {ns}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>"
                              "0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages/>"
                              "</ofd:Document>",
    })


def ole_bytes(title: str) -> bytes:
    """An OLE2 compound-file header (what .doc/.xls sniffers look at) padded to one sector."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + bytes.fromhex("3e000300feff0900")
    payload = title.encode("utf-16-le")
    return (header + bytes(512 - len(header)) + payload + bytes(-len(payload) % 512))


def attachment(name: str, title: str) -> DemoPage:
    ext = name.rsplit(".", 1)[-1].lower()
    if ext not in CONTENT_TYPES:
        known = ", ".join(CONTENT_TYPES)
        raise ValueError(f"demo attachment {name!r}: unsupported extension; use one of {known}")
    builders = {"pdf": lambda: pdf_bytes(name), "docx": lambda: docx_bytes(title),
                "xlsx": lambda: xlsx_bytes(title), "ofd": lambda: ofd_bytes(title),
                "doc": lambda: ole_bytes(title), "xls": lambda: ole_bytes(title)}
    return DemoPage(builders[ext](), CONTENT_TYPES[ext])

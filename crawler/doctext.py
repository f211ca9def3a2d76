"""The attachment stage: after the crawl, read the text of in-scope attachments (PDF, DOCX, XLSX).

The crawl checks attachments with HEAD only (their status and type); rules that judge what an
attachment *says* (checks/content/privacy.py) need its text. This stage reads the store's in-scope
attachments that answered 2xx, fetches each with one bounded GET (never more than
``max_bytes`` read), extracts the text per page and stores it (``Store.put_attachment_text``).

Formats: PDF (pypdf), DOCX (python-docx: paragraphs and table cells, one "page"), XLSX
(openpyxl, read-only: one "page" per sheet). OFD (GB/T 33190) is recorded ``not-read``: no
maintained PyPI reader of OFD text was available when this was written. Legacy .doc/.xls and
other types are not looked at. An encrypted, corrupt or mislabelled file is ``unreadable``
with the reason, never an exception; a fetch that fails is ``not-read``.

Settings (config/rules.yaml ``privacy.attachments``, overridable in the profile's
``thresholds:``): ``enabled``, ``max_files`` (per run, the rest is counted as not read),
``max_bytes`` (per file), ``max_pages`` (pages or sheets read per file), ``max_rows`` (rows
per sheet), ``timeout_s``. The User-Agent is the profile's ``politeness.user_agent``. Only
URLs the crawl already fetched in scope are requested, so this stage reaches no new host.

Incremental runs: when the crawl reused a baseline run (run stat ``incremental.baseline_run``,
``crawler.spiders.reuse``) whose attachment stage ran with the same settings (stat
``attachments_settings``), an attachment the crawl found unchanged (same ETag or Last-Modified,
size and type: ``Store.copy_unchanged_attachment_text``) keeps the text read then instead of being
fetched and parsed again (stat ``attachments_reused``); it still counts toward ``max_files``, so the
same attachments are read as in a cold run. ``xunjian run --full`` reuses nothing.
"""

from __future__ import annotations

import io
import logging
import urllib.error
import urllib.request
import zipfile
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler.store import NOT_READ, READ, UNREADABLE

log = logging.getLogger(__name__)

READERS = ("pdf", "docx", "xlsx")
NOT_READ_FORMATS = {"ofd": "OFD (GB/T 33190): no maintained PyPI reader of OFD text; the file was not read"}
_TYPES = {"application/pdf": "pdf", "application/ofd": "ofd",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}


@dataclass(frozen=True)
class DocSettings:
    """``privacy.attachments`` of the validated thresholds (config/rules.yaml holds the figures)."""

    enabled: bool
    max_files: int
    max_bytes: int
    max_pages: int
    max_rows: int
    timeout_s: float

    @classmethod
    def from_thresholds(cls, thresholds: dict[str, Any]) -> DocSettings:
        block = thresholds["privacy"]["attachments"]
        return cls(enabled=bool(block["enabled"]), max_files=int(block["max_files"]),
                   max_bytes=int(block["max_bytes"]), max_pages=int(block["max_pages"]),
                   max_rows=int(block["max_rows"]), timeout_s=float(block["timeout_s"]))


class Unreadable(Exception):
    """The file cannot be read as its format (encrypted, corrupt, not what its name says)."""


def doc_kind(url: str, content_type: str | None) -> str | None:
    media = (content_type or "").split(";")[0].strip().lower()
    if media in _TYPES:
        return _TYPES[media]
    ext = urlsplit(url).path.rsplit(".", 1)[-1].lower()
    if ext in READERS or ext in NOT_READ_FORMATS:
        return ext
    query = urlsplit(url).query.lower()  # download.jsp?filename=x.docx (Hanweb and others)
    for kind in (*READERS, *NOT_READ_FORMATS):
        if query.endswith("." + kind):
            return kind
    return None


def read_attachments(store: Any, run_id: int, user_agent: str, settings: DocSettings) -> dict[str, int]:
    """Read every in-scope attachment of the run; return counts by status (for the run stats)."""
    counts = {READ: 0, UNREADABLE: 0, NOT_READ: 0, "skipped-cap": 0}
    if not settings.enabled:
        return counts
    baseline = _reusable_run(store, run_id, settings)
    done = reused = 0
    for row in store.attachment_urls(run_id):
        kind = doc_kind(row["url"], row.get("content_type"))
        if kind is None:
            continue
        if kind in NOT_READ_FORMATS:
            store.put_attachment_text(run_id, row["url"], kind=kind, status=NOT_READ,
                                      reason=NOT_READ_FORMATS[kind])
            counts[NOT_READ] += 1
            continue
        if done >= settings.max_files:
            counts["skipped-cap"] += 1
            continue
        done += 1
        copied = store.copy_unchanged_attachment_text(baseline, run_id, row["url"]) if baseline else None
        if copied is not None:
            counts[copied] += 1
            reused += 1
            continue
        status, reason, size, pages, total = _read_one(row["url"], kind, user_agent, settings)
        store.put_attachment_text(run_id, row["url"], kind=kind, status=status, reason=reason, size=size,
                                  pages=pages, page_total=total)
        counts[status] += 1
    store.update_run_stats(run_id, {"attachments_settings": asdict(settings), "attachments_reused": reused})
    store.commit()
    return counts


def _reusable_run(store: Any, run_id: int, settings: DocSettings) -> int | None:
    """The baseline run of this run's incremental crawl, when its attachments were read with these
    settings (texts read under another page or byte cap differ); else None."""
    baseline = (store.run_stats(run_id).get("incremental") or {}).get("baseline_run")
    if not baseline:
        return None
    return int(baseline) if store.run_stats(int(baseline)).get("attachments_settings") == asdict(settings) else None


def _read_one(url: str, kind: str, user_agent: str,
              settings: DocSettings) -> tuple[str, str, int | None, list[str], int | None]:
    try:
        data = _fetch(url, user_agent, settings)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return NOT_READ, f"fetch failed: {exc}", None, [], None
    if len(data) > settings.max_bytes:
        reason = f"larger than privacy.attachments.max_bytes ({settings.max_bytes} bytes)"
        return NOT_READ, reason, None, [], None
    try:
        pages, total = EXTRACTORS[kind](data, settings)
    except ImportError as exc:  # an install without the reader: the run says so, once per reason
        return NOT_READ, f"{exc.name} is not installed (run scripts/setup.sh)", len(data), [], None
    except Unreadable as exc:
        return UNREADABLE, str(exc), len(data), [], None
    except Exception as exc:  # noqa: BLE001 - a hostile file must not sink the run: say it is unreadable
        log.info("attachment %s unreadable: %s", url, exc.__class__.__name__)
        reason = f"{kind.upper()} could not be parsed ({exc.__class__.__name__})"
        return UNREADABLE, reason, len(data), [], None
    capped = total > len(pages)
    reason = f"first {len(pages)} of {total} pages read (privacy.attachments.max_pages)" if capped else ""
    return READ, reason, len(data), pages, total


def _fetch(url: str, user_agent: str, settings: DocSettings) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    with urllib.request.urlopen(request, timeout=settings.timeout_s) as response:  # noqa: S310 - crawled URL
        return response.read(settings.max_bytes + 1)


def _pdf(data: bytes, settings: DocSettings) -> tuple[list[str], int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("PDF is encrypted (password protected): its text cannot be checked")
        total = len(reader.pages)
        return [reader.pages[n].extract_text() or "" for n in range(min(total, settings.max_pages))], total
    except PdfReadError as exc:
        raise Unreadable(f"PDF is corrupt: {exc}") from None


_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # a compound file: how Office stores an encrypted .docx/.xlsx


def _refuse_ole(data: bytes, kind: str) -> None:
    if data.startswith(_OLE_MAGIC):
        raise Unreadable(f"{kind.upper()} is password protected (an encrypted Office file) or a legacy "
                         f".{kind[:3]} file renamed: its text cannot be checked")


def _docx(data: bytes, settings: DocSettings) -> tuple[list[str], int]:
    import docx
    _refuse_ole(data, "docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(f"DOCX is corrupt or not a Word document: {exc.__class__.__name__}") from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for table_row in table.rows:
            parts.append(" ".join(cell.text for cell in table_row.cells))
    return ["\n".join(parts)], 1


def _xlsx(data: bytes, settings: DocSettings) -> tuple[list[str], int]:
    import openpyxl
    _refuse_ole(data, "xlsx")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unreadable(f"XLSX is corrupt or not a workbook: {exc.__class__.__name__}") from None
    try:
        sheets = book.worksheets
        pages = []
        for sheet in sheets[:settings.max_pages]:
            lines = []
            for n, values in enumerate(sheet.iter_rows(values_only=True)):
                if n >= settings.max_rows:
                    break
                lines.append(" ".join("" if v is None else str(v) for v in values))
            pages.append("\n".join(lines))
        return pages, len(sheets)
    finally:
        book.close()


EXTRACTORS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx}

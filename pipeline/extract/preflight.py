"""Checks a PDF passes before extraction, so a bad file fails fast with a clear reason.

A batch of thousands of files holds broken ones.  Rather than let a reader
fail deep inside with "Unexpected EOF", or render a page whose image inflates
to gigabytes, :func:`check_pdf` looks at the file's structure first, reading
no page content and decoding no image:

- truncated: no ``%%EOF`` marker near the end (the copy was cut short);
- encrypted with a user password: "encrypted PDF: ... supply an unencrypted
  copy" (a file with only an owner password opens for anyone and is read);
- corrupt: neither pdfminer (what pdfplumber reads with) nor pdfium (what OCR
  renders with) can open it, or it has no pages;
- too large: more pages than ``max_pages``, a page that would render at the
  OCR resolution above ``max_page_pixels``, an image declaring more than
  ``max_image_pixels``, or a page's content inflating past
  ``max_content_bytes`` (decompression bombs).

Every message names the file and says what to do.  Limits come from
``Settings.extra["preflight"]`` (a dict of the :class:`Limits` fields, :func:`limits_from`).
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pipeline.extract.errors import ExtractError
from pipeline.settings import DEFAULT_DPI

TAIL_BYTES = 2048  # %%EOF must be in the file's last bytes


@dataclass(frozen=True)
class Limits:
    max_pages: int = 2000
    # A4 at 300 dpi is 8.7 million pixels; A0 at 300 dpi about 140 million.
    max_page_pixels: int = 150_000_000
    max_image_pixels: int = 100_000_000
    max_content_bytes: int = 64 << 20  # one page's inflated content streams


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    encrypted: bool  # True only for files that open without a password


def limits_from(given: dict | None) -> Limits:
    """Defaults, overridden by ``given`` (a dict of :class:`Limits` fields, e.g. extraction options' "preflight")."""
    names = {f.name for f in fields(Limits)}
    return Limits(**{k: int(v) for k, v in (given or {}).items() if k in names})


def check_pdf(path: Path, name: str, *, dpi: int = DEFAULT_DPI, limits: Limits = Limits()) -> PdfFacts:
    """Raise :class:`ExtractError` naming ``name`` when the PDF cannot or should not be read."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as f:
        f.seek(max(0, size - TAIL_BYTES))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise ExtractError(
            f"{name}: truncated PDF: no end-of-file marker (%%EOF) in its last {TAIL_BYTES} bytes "
            f"({size} bytes in all); the copy or download was cut short: fetch the file again")
    pages, encrypted = _check_structure(path, name, dpi, limits)
    rendered = _check_pdfium(path, name)
    if rendered != pages:  # a page object lost to damage would silently drop its text
        raise ExtractError(f"{name}: corrupt PDF: its page tree lists {rendered} pages but only {min(pages, rendered)} "
                           "can be read; replace it with a good copy")
    return PdfFacts(pages=pages, encrypted=encrypted)


def _check_structure(path: Path, name: str, dpi: int, limits: Limits) -> tuple[int, bool]:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with open(path, "rb") as fh:
        try:
            doc = PDFDocument(PDFParser(fh), password="")
        except PDFPasswordIncorrect:
            raise ExtractError(
                f"{name}: encrypted PDF: it needs a password to open; supply an unencrypted copy") from None
        except PDFEncryptionError as exc:
            raise ExtractError(
                f"{name}: encrypted PDF with a security handler we cannot read ({exc}); "
                "supply an unencrypted copy") from None
        except Exception as exc:  # pdfminer raises many kinds on a damaged file
            raise ExtractError(f"{name}: corrupt PDF: {_describe(exc)}; replace it with a good copy") from None
        try:
            count = 0
            for page in PDFPage.create_pages(doc):
                count += 1
                if count > limits.max_pages:
                    raise ExtractError(
                        f"{name}: PDF has more than {limits.max_pages} pages, the limit "
                        "(setting max_pages); split it into smaller files")
                _check_page(page, count, name, dpi, limits)
        except ExtractError:
            raise
        except Exception as exc:
            raise ExtractError(f"{name}: corrupt PDF: page tree unreadable: {_describe(exc)}; "
                               "replace it with a good copy") from None
        if count == 0:
            raise ExtractError(f"{name}: corrupt PDF: it has no pages; replace it with a good copy")
        return count, doc.encryption is not None


def _check_page(page: Any, number: int, name: str, dpi: int, limits: Limits) -> None:
    from pdfminer.pdftypes import resolve1

    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    px = abs(x1 - x0) * dpi / 72 * abs(y1 - y0) * dpi / 72
    if px > limits.max_page_pixels:
        raise ExtractError(
            f"{name}: page {number} is {abs(x1 - x0):.0f} x {abs(y1 - y0):.0f} pt; rendered at {dpi} dpi for OCR "
            f"it would need {px / 1e6:.0f} million pixels, above the limit of {limits.max_page_pixels / 1e6:.0f} million "
            "(setting max_page_pixels)")
    for w, h in _images(resolve1(page.resources), set()):
        if w * h > limits.max_image_pixels:
            raise ExtractError(
                f"{name}: page {number} holds an image of {w} x {h} pixels ({w * h / 1e6:.0f} million), above the "
                f"limit of {limits.max_image_pixels / 1e6:.0f} million (setting max_image_pixels); it would take "
                "gigabytes to decode: supply a copy with smaller images")
    inflated = 0
    for stream in page.contents:
        try:
            inflated += _inflated_size(resolve1(stream), limits.max_content_bytes - inflated)
        except _Damaged as exc:
            raise ExtractError(f"{name}: corrupt PDF: page {number}'s content does not decompress ({exc}); "
                               "replace it with a good copy") from None
        if inflated > limits.max_content_bytes:
            raise ExtractError(
                f"{name}: page {number}'s content inflates to more than {limits.max_content_bytes >> 20} MB "
                "(setting max_content_bytes): a damaged or hostile file; replace it with a good copy")


def _images(resources: Any, seen: set[int]) -> list[tuple[int, int]]:
    """Declared (width, height) of every image XObject, through nested forms, decoding nothing."""
    from pdfminer.pdftypes import PDFStream, resolve1

    out: list[tuple[int, int]] = []
    if not isinstance(resources, dict):
        return out
    xobjects = resolve1(resources.get("XObject"))
    if not isinstance(xobjects, dict):
        return out
    for ref in xobjects.values():
        obj = resolve1(ref)
        if not isinstance(obj, PDFStream) or id(obj) in seen:
            continue
        seen.add(id(obj))
        subtype = getattr(resolve1(obj.attrs.get("Subtype")), "name", None)
        if subtype == "Image":
            w, h = resolve1(obj.attrs.get("Width", 0)), resolve1(obj.attrs.get("Height", 0))
            if isinstance(w, (int, float)) and isinstance(h, (int, float)):
                out.append((int(w), int(h)))
        elif subtype == "Form":
            out.extend(_images(resolve1(obj.attrs.get("Resources")), seen))
    return out


def _inflated_size(stream: Any, budget: int) -> int:
    """Bytes a Flate content stream inflates to, counting no further than ``budget`` + 1."""
    from pdfminer.pdftypes import PDFStream, resolve1

    if not isinstance(stream, PDFStream):
        return 0
    filters = resolve1(stream.attrs.get("Filter"))
    filters = filters if isinstance(filters, list) else [filters]
    names = [getattr(resolve1(f), "name", None) for f in filters if f is not None]
    data = stream.rawdata if stream.rawdata is not None else stream.data or b""
    if names != ["FlateDecode"] or stream.rawdata is None:
        return len(data)
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    d = zlib.decompressobj()
    total = 0
    try:
        chunk = d.decompress(data, 1 << 20)
        while chunk:
            total += len(chunk)
            if total > budget:
                return total
            chunk = d.decompress(d.unconsumed_tail, 1 << 20)
    except zlib.error as exc:
        # pdfminer would warn and read the page as empty: text lost without a word
        raise _Damaged(str(exc)) from None
    return total


class _Damaged(Exception):
    pass


def _check_pdfium(path: Path, name: str) -> int:
    """Pages pdfium (the OCR renderer) can load; every listed page must load."""
    from pipeline.extract.pdfium_lock import PDFIUM

    with PDFIUM:  # the read-ahead may be rendering another PDF in its thread
        return _pdfium_pages(path, name)


def _pdfium_pages(path: Path, name: str) -> int:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ExtractError(f"{name}: encrypted PDF: it needs a password to open; supply an unencrypted copy") from None
        raise ExtractError(f"{name}: corrupt PDF: {msg}; replace it with a good copy") from None
    try:
        count = len(doc)
        for i in range(count):
            try:
                doc[i].close()
            except pdfium.PdfiumError:
                raise ExtractError(f"{name}: corrupt PDF: page {i + 1} of {count} cannot be loaded; "
                                   "replace it with a good copy") from None
        return count
    finally:
        doc.close()


def _describe(exc: BaseException) -> str:
    msg = str(exc).strip()
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__

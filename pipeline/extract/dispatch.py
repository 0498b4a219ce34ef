"""Which reader reads a file, decided in one place from its bytes: text export, born-digital PDF, scanned PDF.

* not a PDF: a text export (plain text, Markdown, HTML) for
  :func:`pipeline.extract.text.extract_text`; an empty or binary file is refused;
* a PDF: checked first (:mod:`pipeline.extract.preflight`), then read by
  :func:`pipeline.extract.pdf.extract_pdf`, which keeps each page's text layer
  when it is usable (born-digital) and reads the others with OCR (scanned);
* for the read-ahead, :func:`read_first_scan` makes the same decisions on a
  document's first page, and reads it only when it is a scan.

``options`` are the extraction settings (``Settings.extract_settings()``):
``dpi``, ``ocr_lang``, ``force_ocr`` and ``preflight`` (the limits).
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.extract.errors import ExtractError
from pipeline.model import Extracted, Source
from pipeline.settings import DEFAULT_DPI

if TYPE_CHECKING:
    from pipeline.extract.readahead import FirstPageReader, ReadAhead

PDF_MAGIC = b"%PDF-"


def extract_document(path: Path, source: Source, *, options: dict, cache_dir: Path,
                     readahead: ReadAhead | None = None) -> Extracted:
    """Read one input into the neutral model; the kind comes from the bytes, not the name.

    ``source.path`` names the file in every error.
    """
    name = source.path
    if readahead is not None:
        readahead.begin(path)
    with open(path, "rb") as f:
        head = f.read(1024)
    if not head:
        raise ExtractError(f"{name}: empty file (0 bytes); nothing to clean")
    if head.lstrip()[:5] == PDF_MAGIC or path.suffix.lower() == ".pdf":
        if PDF_MAGIC not in head:
            raise ExtractError(f"{name}: named .pdf but is not a PDF (no %PDF header)")
        from pipeline.extract.pdf import extract_pdf
        from pipeline.extract.preflight import check_pdf, limits_from

        check_pdf(path, name, dpi=options.get("dpi", DEFAULT_DPI), limits=limits_from(options.get("preflight")))
        try:
            return extract_pdf(path, source, settings=options, cache_dir=cache_dir, readahead=readahead)
        except _pdf_read_errors() as exc:  # a damage preflight could not see: still a clear error
            msg = str(exc).strip() or type(exc).__name__
            raise ExtractError(f"{name}: unreadable PDF: {msg}; replace it with a good copy") from exc
    if _looks_binary(head):
        raise ExtractError(f"{name}: neither text nor PDF (binary content); convert it to PDF or text first")
    from pipeline.extract.text import extract_text

    return extract_text(path.read_bytes(), source)


def read_first_scan(path: Path, *, options: dict, cache_dir: Path) -> bool:
    """Read page 1 of ``path`` into the OCR cache if it is a scan; False if it is not one.

    The same decisions as :func:`extract_document` (a PDF, passing preflight,
    page 1 without a usable text layer), so the page read is the one the
    document's own extraction would read.
    """
    import pdfplumber

    from pipeline.extract.ocr.pages import read_first_page
    from pipeline.extract.pdf import text_layer_ok
    from pipeline.extract.preflight import check_pdf, limits_from

    with open(path, "rb") as f:
        if b"%PDF" not in f.read(1024):
            return False
    dpi = int(options.get("dpi", DEFAULT_DPI))
    check_pdf(path, str(path), dpi=dpi, limits=limits_from(options.get("preflight")))
    if not options.get("force_ocr"):
        with pdfplumber.open(path) as pdf:
            if text_layer_ok(pdf.pages[0].chars):
                return False
    read_first_page(path, sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest(), dpi=dpi,
                    lang=str(options["ocr_lang"]), cache_dir=Path(cache_dir))
    return True


def first_scan_reader(options: dict, cache_dir: Path) -> FirstPageReader:
    """:func:`read_first_scan` with the run's settings: what a :class:`ReadAhead` is made with."""
    return functools.partial(read_first_scan, options=options, cache_dir=cache_dir)


def _pdf_read_errors() -> tuple[type[BaseException], ...]:
    """What the PDF readers raise on a damaged file (anything else is a bug and says so)."""
    import pypdfium2
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    return (PSException, PdfminerException, pypdfium2.PdfiumError)


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if head[:8] in (b"\x89PNG\r\n\x1a\n",) or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"PK\x03\x04", b"GIF8", b"II*\x00", b"MM\x00*"):
        return True
    return False

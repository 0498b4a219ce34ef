"""PDF input: born-digital pages through pdfplumber, pages without a usable text layer through OCR.

``extract_pdf`` reads each page's characters with their font, size and
position, checks that the text layer is real (a scan has no characters; a PDF
with a broken font map gives ``(cid:12)`` codes, private-use or replacement
characters), hands the pages that fail to :mod:`pipeline.extract.ocr`, and
lays out both kinds of page with :mod:`pipeline.extract.layout_pdf`.
"""
from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import pdfplumber

from pipeline.extract.layout_pdf import Glyph, PageLayout, Rule, layout_document
from pipeline.extract.provenance import ocr_font_share, text_layer_origin
from pipeline.model import Extracted, Source
from pipeline.settings import DEFAULT_DPI

if TYPE_CHECKING:
    from pipeline.extract.readahead import ReadAhead

DEFAULT_SETTINGS = {"dpi": DEFAULT_DPI, "ocr_lang": "eng", "force_ocr": False}
MIN_CHARS = 20  # a page with fewer characters than this has no text layer worth keeping
MAX_BAD = 0.3  # share of unmapped glyphs above which a text layer is garbage
_VOWELS = set("aeiouyAEIOUY")


def _font_flags(fontname: str) -> tuple[bool, bool]:
    base = fontname.split("+", 1)[-1].lower()
    italic = any(k in base for k in ("italic", "oblique")) or bool(re.search(r"[-,](it|i)$", base))
    bold = any(k in base for k in ("bold", "black", "heavy", "semibold", "demi"))
    return italic, bold


def _bad_char(text: str) -> bool:
    if text.startswith("(cid:"):
        return True
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or cat in ("Co", "Cs") or (cat == "Cc" and ch not in "\t\n\r"):
            return True
    return False


def text_layer_ok(chars: list[dict]) -> bool:
    """A text layer is usable when it has characters, few unmapped ones, and words with vowels.

    >>> text_layer_ok([{"text": c} for c in "(cid:3)"])
    False
    """
    visible = [c["text"] for c in chars if c["text"].strip()]
    if len(visible) < MIN_CHARS:
        return False
    bad = sum(1 for t in visible if _bad_char(t))
    if bad / len(visible) > MAX_BAD:
        return False
    words = re.findall(r"[^\W\d_]{3,}", "".join(c["text"] for c in chars))
    if len(words) >= 20:
        voweled = sum(1 for w in words if _VOWELS & set(w))
        if voweled / len(words) < 0.5:
            return False
    return True


def _glyphs(chars: list[dict]) -> tuple[list[Glyph], list[Glyph]]:
    glyphs, spaces = [], []
    for c in chars:
        text = c["text"]
        if not text:
            continue
        italic, bold = _font_flags(c.get("fontname", ""))
        # baseline in top-down coordinates: the glyph box bottom minus the font's descent
        descent = c["matrix"][5] - c["y0"] if c.get("matrix") else 0.2 * c["size"]
        if not 0 <= descent <= c["size"]:
            descent = 0.2 * c["size"]
        g = Glyph(text=text, x0=c["x0"], top=c["top"], x1=c["x1"], bottom=c["bottom"],
                  size=float(c["size"]), baseline=c["bottom"] - descent,
                  italic=italic, bold=bold, font=c.get("fontname", ""))
        (spaces if not text.strip() else glyphs).append(g)
    return glyphs, spaces


def _rules(page) -> list[Rule]:
    rules = []
    for obj in list(page.lines) + list(page.rects):
        if obj["bottom"] - obj["top"] <= 2.5 and obj["x1"] - obj["x0"] >= 20:
            rules.append(Rule(obj["x0"], obj["top"], obj["x1"], obj["bottom"]))
    return rules


def plumber_page_layout(page, number: int) -> PageLayout:
    glyphs, spaces = _glyphs(page.chars)
    return PageLayout(number=number, width=float(page.width), height=float(page.height),
                      glyphs=glyphs, spaces=spaces, rules=_rules(page))


def _judge_scan(meta: dict, name: str) -> None:
    """The scan's verdict (``meta["ocr"]["status"]``); a scan with an unreadable page fails here.

    Its text would be garbage "cleaned" into something that looks like a
    resolution: the document fails alone, and the reason says which page, what
    was measured and tried, and what to do.
    """
    from pipeline.extract import quality
    from pipeline.extract.errors import ExtractError

    pages = meta.get("ocr_quality", [])
    status = quality.document_status(pages)
    meta["ocr"]["status"] = status
    meta["ocr"]["mean_confidence"] = quality.mean_confidence(pages)
    if status == "unreadable":
        bad = [p for p in pages if p["status"] == "unreadable"]
        reasons = "; ".join(quality.unreadable_reason(p) for p in bad[:3])
        more = f" (and {len(bad) - 3} more pages)" if len(bad) > 3 else ""
        raise ExtractError(f"{name}: {reasons}{more}")


def extract_pdf(path: Path, source: Source, *, settings: dict | None = None, cache_dir: Path,
                readahead: ReadAhead | None = None) -> Extracted:
    """Extract a PDF into the neutral model; pages without a usable text layer are OCR'd.

    ``Page.image`` (scanned pages only) is the rendered page image's path relative
    to ``cache_dir.parent``.  ``readahead`` is the run's OCR read-ahead, if any
    (:class:`pipeline.extract.readahead.ReadAhead`).
    """
    t0 = time.perf_counter()
    settings = {**DEFAULT_SETTINGS, **(settings or {})}
    path = Path(path)
    layouts: list[PageLayout | None] = []
    ocr_numbers: list[int] = []
    ocr_fonts: dict[int, float] = {}  # pages with a text layer: share of characters in an OCR engine's font
    with pdfplumber.open(path) as pdf:
        metadata = dict(pdf.metadata or {})
        for i, page in enumerate(pdf.pages):
            chars = page.chars
            if settings["force_ocr"] or not text_layer_ok(chars):
                layouts.append(None)
                ocr_numbers.append(i + 1)
            else:
                layouts.append(plumber_page_layout(page, i + 1))
                ocr_fonts[i + 1] = ocr_font_share([c.get("fontname", "") for c in chars if c["text"].strip()])
            page.close()  # pdfplumber keeps every parsed page otherwise: memory grows with the page count
    meta: dict = {}
    layer = text_layer_origin(path, metadata, ocr_fonts)  # a searchable scan's text layer is OCR, not exact
    if layer is not None:
        meta["text_layer"] = layer.to_json()
    if ocr_numbers:
        from pipeline.extract.ocr.pages import ocr_page_layouts

        scanned, ocr_meta = ocr_page_layouts(
            path, ocr_numbers, sha256=source.sha256, dpi=int(settings["dpi"]),
            lang=str(settings["ocr_lang"]), cache_dir=Path(cache_dir), readahead=readahead)
        for lay in scanned:
            layouts[lay.number - 1] = lay
        meta.update(ocr_meta)
        _judge_scan(meta, source.path)
    pages, layout_meta = layout_document([p for p in layouts if p is not None])
    meta.update(layout_meta)
    source.kind = "scanned-pdf" if ocr_numbers or layer is not None else "pdf"
    source.pages = len(layouts)
    if ocr_numbers:
        meta["ocr_pages"] = ocr_numbers
    meta.setdefault("timing", {})["extract_seconds"] = round(time.perf_counter() - t0, 3)
    return Extracted(doc_id=path.stem, source=source, pages=pages, meta=meta)

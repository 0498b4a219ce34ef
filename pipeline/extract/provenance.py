"""Where a PDF's text layer comes from: typed by its authors, or recognised by OCR.

A born-digital text layer is exact, so repair never guesses a word there.  A
"searchable" scan (OCRmyPDF, Acrobat's Paper Capture, ABBYY FineReader, ...)
also has a text layer, but its words are an OCR engine's reading of a page
image, with that engine's errors: they are repaired like OCR output.  The
evidence, per page, from the strongest:

- the font of Tesseract's text layer, ``GlyphLessFont`` (OCRmyPDF, ``tesseract
  ... pdf``): a font with no glyphs exists only to carry recognised text;
- invisible text (render mode 3) over an image covering most of the page: the
  page shows a picture and the text lies unseen on it, the "sandwich" of
  every OCR tool;
- the document's Creator or Producer naming an OCR tool.  OCRmyPDF and
  Tesseract leave a page with text alone (``--skip-text``) and their own
  pages carry GlyphLessFont, so their name alone proves nothing about a page;
  the other tools' name marks every page it is on with an image covering it,
  and capture-only tools (Paper Capture, ClearScan, FineReader, Readiris,
  OmniPage) every page.

>>> ocr_tool({"Creator": "ocrmypdf 14.0.1 / Tesseract OCR-PDF 5.3.0", "Producer": "pikepdf 6.0.0"})
'OCRmyPDF'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# (pattern in Creator/Producer, tool name, names the tool alone mark every page as OCR)
OCR_TOOLS: tuple[tuple[str, str, bool], ...] = (
    (r"ocrmypdf", "OCRmyPDF", False),
    (r"tesseract", "Tesseract", False),
    (r"paper\s*capture", "Adobe Paper Capture", True),
    (r"clearscan", "Adobe ClearScan", True),
    (r"fine\s*reader", "ABBYY FineReader", True),
    (r"abbyy", "ABBYY", False),
    (r"readiris", "Readiris", True),
    (r"omnipage", "OmniPage", True),
    (r"recognition server", "ABBYY Recognition Server", True),
)
# Fonts that carry recognised text and draw nothing.
OCR_FONTS = ("glyphlessfont",)
INVISIBLE_SHARE = 0.5  # of a page's text objects drawn in render mode 3
IMAGE_COVER = 0.8  # share of the page's area an image covers to be "the page"


@dataclass
class PageFacts:
    """What the PDF says about one page's text layer."""

    invisible: float = 0.0  # share of text objects in render mode 3 (invisible)
    image_cover: float = 0.0  # the largest image's share of the page area
    ocr_font: bool = False  # most characters in a font made to carry OCR text


@dataclass
class LayerOrigin:
    """The pages whose text layer an OCR engine made, and why we believe so."""

    ocr_pages: list[int] = field(default_factory=list)
    tool: str | None = None
    evidence: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"origin": "ocr", "ocr_pages": self.ocr_pages, "tool": self.tool, "evidence": self.evidence}


def ocr_tool(metadata: dict[str, Any]) -> str | None:
    """The OCR tool the document's Creator or Producer names, if any."""
    found = _tool_entry(metadata)
    return found[1] if found else None


def _tool_entry(metadata: dict[str, Any]) -> tuple[str, str, bool] | None:
    said = " ".join(str(metadata.get(k) or "") for k in ("Creator", "Producer")).lower()
    for entry in OCR_TOOLS:
        if re.search(entry[0], said):
            return entry
    return None


def ocr_font_share(fontnames: list[str]) -> float:
    """Share of characters set in a font that only carries OCR text (subset prefix ignored)."""
    if not fontnames:
        return 0.0
    hits = sum(1 for f in fontnames if f.split("+", 1)[-1].lower().startswith(OCR_FONTS))
    return hits / len(fontnames)


def page_facts(path: Path, numbers: list[int]) -> dict[int, PageFacts]:
    """Render modes and image cover of the given pages (1-based), read with pdfium."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from pipeline.extract.pdfium_lock import PDFIUM

    out: dict[int, PageFacts] = {}
    with PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
        try:
            for n in numbers:
                page = pdf[n - 1]
                w, h = page.get_size()
                area = max(w * h, 1.0)
                texts = invisible = 0
                cover = 0.0
                for obj in page.get_objects(max_depth=3):  # into form XObjects: OCRmyPDF puts its layer in one
                    if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                        texts += 1
                        invisible += raw.FPDFTextObj_GetTextRenderMode(obj.raw) == raw.FPDF_TEXTRENDERMODE_INVISIBLE
                    elif obj.type == raw.FPDF_PAGEOBJ_IMAGE:
                        x0, y0, x1, y1 = obj.get_bounds()
                        inter = max(0.0, min(x1, w) - max(x0, 0.0)) * max(0.0, min(y1, h) - max(y0, 0.0))
                        cover = max(cover, inter / area)
                obj = None  # page objects die inside the lock, before their page
                out[n] = PageFacts(invisible=invisible / texts if texts else 0.0, image_cover=round(cover, 3))
                page.close()
        finally:
            pdf.close()
    return out


def judge(facts: dict[int, PageFacts], metadata: dict[str, Any]) -> LayerOrigin | None:
    """The pages whose text layer is OCR (see the module docstring); None when every layer looks typed.

    >>> judge({1: PageFacts(invisible=1.0, image_cover=1.0), 2: PageFacts()}, {}).ocr_pages
    [1]
    >>> judge({1: PageFacts()}, {"Producer": "Microsoft Word"}) is None
    True
    """
    entry = _tool_entry(metadata)
    found: dict[int, list[str]] = {}
    for n, f in sorted(facts.items()):
        why = []
        if f.ocr_font:
            why.append("font GlyphLessFont (Tesseract's text layer)")
        if f.invisible >= INVISIBLE_SHARE and f.image_cover >= IMAGE_COVER:
            why.append("invisible text over a full-page image")
        if entry and (entry[2] or (f.image_cover >= IMAGE_COVER and entry[1] not in ("OCRmyPDF", "Tesseract"))):
            why.append(f"made by {entry[1]}")
        if why:
            found[n] = why
    if not found:
        return None
    evidence = sorted({w for ws in found.values() for w in ws})
    tool = entry[1] if entry else ("Tesseract" if any("GlyphLess" in w for w in evidence) else None)
    return LayerOrigin(ocr_pages=sorted(found), tool=tool, evidence=evidence)


def text_layer_origin(path: Path, metadata: dict[str, Any], ocr_fonts: dict[int, float]) -> LayerOrigin | None:
    """Which pages with a text layer are OCR; ``ocr_fonts``: each such page's :func:`ocr_font_share`."""
    if not ocr_fonts:
        return None
    facts = page_facts(path, sorted(ocr_fonts))
    for n, share in ocr_fonts.items():
        facts[n].ocr_font = share >= 0.5
    return judge(facts, metadata)

"""A PDF's text layer: typed by its authors (exact), or recognised by an OCR engine (repaired as OCR).

``tests/data/A_RES_80_37-p2-ocrmypdf.pdf`` is a real searchable scan, made once
(ocrmypdf is not a CI dependency): page 2 of A_RES_80_37.pdf rendered in the
``bilevel200`` family of ``bench/scan_families.py``, then

    ocrmypdf -l eng --output-type pdf --optimize 0 bilevel-p2.pdf A_RES_80_37-p2-ocrmypdf.pdf

(ocrmypdf 14.0.1, Tesseract 5.3.0).  Its text layer holds Tesseract's errors
("iritensify", "areview", "pursuei n"); the other PDFs here are made by
``tests/pdfmake.py`` with each piece of evidence alone.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from pdfmake import make_pdf
from pipeline.run import stages
from pipeline.extract.pdf import extract_pdf
from pipeline.extract.provenance import PageFacts, judge, ocr_font_share, ocr_tool
from pipeline.model import Source
from pipeline.settings import Settings
from pipeline.worktext import IN_TEXT

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
OCRMYPDF = DATA / "A_RES_80_37-p2-ocrmypdf.pdf"
SCHEMA = json.loads((ROOT / "pipeline" / "schema" / "clean-document.schema.json").read_text())

LINES = ["Recalling the Oficial Records of the General Assembly and the report of the",
         "Secretary-General on the implementation of the resolution, the Committee",
         "decides to continue its consideration of the question at its next session."]


def _extract(path: Path, tmp_path: Path):
    src = Source(path=f"raw/{path.name}", sha256=hashlib.sha256(path.read_bytes()).hexdigest(), kind="pdf")
    return extract_pdf(path, src, settings={}, cache_dir=tmp_path / ".stages")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _word_changes(doc: dict) -> list[tuple[str, str, str]]:
    return [(c["rule"], c["before"], c["after"]) for c in doc["corrections"]
            if c["rule"].startswith("words.") and c["status"] in IN_TEXT]


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("proj")
    return Settings(raw_dir=root / "raw", clean_dir=root / "clean", dictionaries_dir=ROOT / "dictionaries")


def test_ocrmypdf_layer_is_ocr_with_its_evidence(tmp_path):
    doc = _extract(OCRMYPDF, tmp_path)
    assert doc.source.kind == "scanned-pdf"
    layer = doc.meta["text_layer"]
    assert layer["origin"] == "ocr" and layer["ocr_pages"] == [1] and layer["tool"] == "OCRmyPDF"
    assert any("GlyphLessFont" in e for e in layer["evidence"])
    assert "invisible text over a full-page image" in layer["evidence"]
    assert "ocr_quality" not in doc.meta  # its text was read from the layer, not by our OCR


def test_ocrmypdf_layer_words_repaired_and_provenance_in_output(settings, tmp_path):
    doc, work = stages.process(OCRMYPDF, settings, rel_path="raw/A_RES_80_37-p2-ocrmypdf.pdf")
    jsonschema.validate(doc, SCHEMA)
    assert doc["source"]["kind"] == "scanned-pdf"
    assert doc["source"]["text_layer"]["tool"] == "OCRmyPDF"
    changes = _word_changes(doc)
    assert ("words.spelling", "iritensify", "intensify") in changes
    assert ("words.segmentation", "areview", "a review") in changes
    assert "paragraph 1 above" in work.text and "paragraph | above" not in work.text  # "paragraph |": a numeral the citation wants


def test_born_digital_page_keeps_every_word(settings, tmp_path):
    path = _write(tmp_path, "typed.pdf", make_pdf([LINES]))
    assert _extract(path, tmp_path).source.kind == "pdf"
    doc, work = stages.process(path, settings, rel_path="raw/typed.pdf")
    assert "text_layer" not in doc["source"]
    assert not _word_changes(doc) and "Oficial Records" in work.text  # a typo the authors typed stays


def test_invisible_text_over_a_page_image_is_ocr(settings, tmp_path):
    path = _write(tmp_path, "sandwich.pdf", make_pdf([LINES], text_render=3, page_image=True))
    ex = _extract(path, tmp_path)
    assert ex.source.kind == "scanned-pdf"
    assert ex.meta["text_layer"]["evidence"] == ["invisible text over a full-page image"]
    assert ex.meta["text_layer"]["tool"] is None
    doc, work = stages.process(path, settings, rel_path="raw/sandwich.pdf")
    assert ("words.spelling", "Oficial", "Official") in _word_changes(doc)
    jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize("kwargs, ocr", [
    (dict(text_render=3), False),  # invisible text over no picture of the page: not a scan's layer
    (dict(page_image=True), False),  # visible typed text over a background image
    (dict(info={"Creator": "ocrmypdf 16.0 / Tesseract OCR-PDF 5.3"}), False),  # a page OCRmyPDF skipped (--skip-text)
    (dict(info={"Producer": "ABBYY FineReader PDF 15"}), True),  # a capture tool's text, visible (formatted text)
    (dict(info={"Producer": "Adobe Acrobat Pro 23.0 Paper Capture Plug-in"}), True),
    (dict(info={"Creator": "ABBYY Recognition Server 5"}, page_image=True), True),
    (dict(info={"Creator": "Microsoft Word", "Producer": "Adobe PDF Library 17"}, page_image=True), False),
])
def test_each_piece_of_evidence(tmp_path, kwargs, ocr):
    path = _write(tmp_path, "x.pdf", make_pdf([LINES], **kwargs))
    ex = _extract(path, tmp_path)
    assert (ex.source.kind == "scanned-pdf") is ocr, ex.meta.get("text_layer")


def test_only_the_ocr_pages_of_a_mixed_pdf():
    facts = {1: PageFacts(), 2: PageFacts(invisible=1.0, image_cover=0.99), 3: PageFacts(ocr_font=True)}
    layer = judge(facts, {"Creator": "ocrmypdf 16.0"})
    assert layer.ocr_pages == [2, 3] and layer.tool == "OCRmyPDF"


def test_mixed_pdf_repairs_only_the_ocr_page(settings, tmp_path):
    """Page 1 typed, page 2 a searchable scan: the same typo is kept on 1, repaired on 2."""
    typed = make_pdf([LINES])
    scanned = make_pdf([LINES], text_render=3, page_image=True)
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for data in (typed, scanned):
        out.import_pages(pdfium.PdfDocument(data))
    path = tmp_path / "mixed.pdf"
    out.save(str(path))
    doc, work = stages.process(path, settings, rel_path="raw/mixed.pdf")
    assert doc["source"]["text_layer"]["ocr_pages"] == [2]
    changed = [c for c in doc["corrections"] if c["rule"] == "words.spelling" and c["before"] == "Oficial"]
    assert len(changed) == 1 and changed[0]["where"]["source"]["page"] == 2


def test_tool_names_and_fonts():
    assert ocr_tool({"Producer": "ABBYY FineReader Engine 12"}) == "ABBYY FineReader"
    assert ocr_tool({"Creator": "Microsoft Word 2016"}) is None
    assert ocr_font_share(["ABCDEF+GlyphLessFont", "GlyphLessFont", "Times-Roman"]) == pytest.approx(2 / 3)

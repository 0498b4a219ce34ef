"""Poor scans on small pages: the verdict, turned pages, low resolution, blank and photo pages,
footnote markers in three typefaces, and a poor page whose corrections are all shown for review.

Pages are drawn here with the Liberation fonts in tests/data/fonts (SIL Open Font License):
a Times-like serif, a sans serif and a typewriter monospace (metric-compatible with Times New
Roman, Arial and Courier New).  A few Tesseract calls per test, on pages of a few square inches.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.extract.ocr import markers, tesseract
from pipeline.extract.errors import ExtractError
from pipeline.extract.pdf import extract_pdf
from pipeline.model import Extracted, Line, Page, Source
from pipeline.worktext import Proposal, Thresholds, WorkText

FONTS = Path(__file__).parent / "data" / "fonts"
FACES = {"serif": "LiberationSerif-Regular.ttf", "sans": "LiberationSans-Regular.ttf",
         "mono": "LiberationMono-Regular.ttf"}
TEXT = [
    "The General Assembly,",
    "Reaffirming the importance of international cooperation",
    "for the promotion and protection of all human rights,",
    "Recalling its resolution on the elimination of nuclear",
    "weapons and the Charter of the United Nations,",
    "1. Requests the Secretary-General to submit a report",
    "on the implementation of the present resolution;",
]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract is not installed")]


def _font(face: str, px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / FACES[face]), round(px))


def text_page(face: str = "serif", pt: float = 11, dpi: int = 300, lines: list[str] = TEXT) -> Image.Image:
    k = dpi / 72
    img = Image.new("L", (round(6.2 * dpi), round(len(lines) * pt * 1.7 * k + 0.6 * dpi)), 255)
    d = ImageDraw.Draw(img)
    f = _font(face, pt * k)
    for i, line in enumerate(lines):
        d.text((0.3 * dpi, 0.3 * dpi + i * pt * 1.7 * k), line, font=f, fill=0)
    return img


def to_pdf(images: list[Image.Image], path: Path, dpi: int) -> Path:
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def _extract(pdf: Path, tmp_path: Path) -> Extracted:
    src = Source(path=pdf.name, sha256=hashlib.sha256(pdf.read_bytes()).hexdigest(), kind="pdf")
    return extract_pdf(pdf, src, settings={"dpi": 300}, cache_dir=tmp_path / ".stages")


def _text(doc: Extracted) -> str:
    return " ".join(ln.text for p in doc.pages for ln in p.lines)


# ------------------------------------------------------------------ verdicts end to end


def test_good_page_is_read_once_and_judged_good(tmp_path):
    doc = _extract(to_pdf([text_page()], tmp_path / "good.pdf", 300), tmp_path)
    page = doc.meta["ocr_quality"][0]
    assert page["status"] == "good" and doc.meta["ocr"]["status"] == "good"
    assert page["rotation"] == 0 and page["dpi"] == 300 and page["mean_confidence"] > 80
    assert doc.meta["timing"].get("ocr_rereads", 0) == 0  # the cheap path: one Tesseract pass


@pytest.mark.parametrize("degrees", [180, 90])
def test_turned_page_is_read_upright_without_asking(tmp_path, degrees):
    turned = text_page().rotate(degrees, expand=True)  # counter-clockwise: it is turned back clockwise
    doc = _extract(to_pdf([turned], tmp_path / f"turned{degrees}.pdf", 300), tmp_path)
    page = doc.meta["ocr_quality"][0]
    assert page["rotation"] == degrees and f"rotate {page['rotation']}" in page["preprocessing"]
    assert page["status"] == "good"
    text = _text(doc)
    assert "Reaffirming the importance of international cooperation" in text
    assert abs(doc.pages[0].width - 6.2 * 72) < 1  # the page stands as it was printed


def test_72_dpi_scan_gets_a_verdict_never_good_by_default(tmp_path):
    img = text_page(pt=12, dpi=72)
    doc = _extract(to_pdf([img], tmp_path / "fax72.pdf", 72), tmp_path)
    page = doc.meta["ocr_quality"][0]
    assert page["dpi"] == 72 and "upsample 72->300" in page["preprocessing"]
    assert page["status"] != "good" and doc.meta["ocr"]["status"] != "good"


def test_blank_page_is_poor_not_good(tmp_path):
    blank = Image.new("L", (1800, 1200), 255)
    doc = _extract(to_pdf([text_page(), blank], tmp_path / "blank.pdf", 300), tmp_path)
    statuses = [p["status"] for p in doc.meta["ocr_quality"]]
    assert statuses == ["good", "poor"] and doc.meta["ocr"]["status"] == "poor"


def test_photo_page_fails_the_document_with_what_to_do(tmp_path):
    rng = np.random.default_rng(7)
    photo = Image.fromarray((rng.random((60, 90)) * 255).astype(np.uint8)).resize((1800, 1200), Image.BICUBIC)
    photo = photo.filter(ImageFilter.GaussianBlur(6))
    with pytest.raises(ExtractError) as err:
        _extract(to_pdf([text_page(), photo], tmp_path / "photo.pdf", 300), tmp_path)
    msg = str(err.value)
    assert msg.startswith("photo.pdf: page 2 unreadable:") and msg.endswith("rescan at 300 dpi or more")


# ------------------------------------------------------------------ markers in three typefaces

MARKED = [[("Recalling its resolution 55/2 of 8 September 2000,", False), ("1", True), (" and the Millennium", False)],
          [("Declaration adopted by the Assembly", False), ("2", True), (" in its report on security", False)],
          [("Noting the Programme of Action of the Conference", False), ("3", True)]]


def marked_page(face: str, degrade: str | None, pt: float = 10, dpi: int = 300, spaced: bool = False) -> Image.Image:
    """Three lines at a UN body size with raised footnote markers at 65% of it (``spaced``: typed a space
    after their word, as on a typewriter)."""
    k = dpi / 72
    body, sup = _font(face, pt * k), _font(face, pt * 0.65 * k)
    img = Image.new("L", (round(6.5 * dpi), round(len(MARKED) * pt * 1.6 * k + 0.8 * dpi)), 255)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(MARKED):
        x, y = 0.4 * dpi, 0.4 * dpi + i * pt * 1.6 * k
        for text, raised in line:
            f = sup if raised else body
            if raised and spaced:
                x += d.textlength(" ", font=body)
            top = y + body.getmetrics()[0] - f.getmetrics()[0] - (0.38 * pt * k if raised else 0)
            d.text((x, top), text, font=f, fill=0)
            x += d.textlength(text, font=f)
    if degrade == "noise":
        img = img.filter(ImageFilter.GaussianBlur(1.0))
        arr = np.asarray(img, dtype=np.float32) + np.random.default_rng(1).normal(0, 14, (img.height, img.width))
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    elif degrade == "bilevel":  # a 200 dpi photocopy thresholded hard, read at 300
        small = img.resize((img.width * 2 // 3, img.height * 2 // 3), Image.LANCZOS).point(lambda v: 255 if v > 150 else 0)
        img = small.resize(img.size, Image.BICUBIC)
    return img


def analysed(img: Image.Image, data: dict) -> dict:
    """The page's rules and markers, the markers read, as extraction does it."""
    analysis, crops = markers.find_marks(img, data, 300)
    return markers.name_markers(analysis, data, tesseract.read_markers([crops], "eng")[0])


@pytest.mark.parametrize("degrade", [None, "noise", "bilevel"])
@pytest.mark.parametrize("face", sorted(FACES))
def test_markers_found_in_any_typeface(face, degrade):
    img = marked_page(face, degrade)
    data, _ = tesseract.ocr_words(img, "eng")
    analysis = analysed(img, data)
    assert [m["text"] for m in analysis["markers"]] == ["1", "2", "3"]


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_barcodes_raised_asterisk_is_no_marker(face):
    """A first page's foot prints the barcode's text, "*2324427*", whose closing asterisk stands as
    high as a marker; taken for one, its crop (no digit) threw the strip's reading of the page's real
    markers out of step (Liberation Sans: "2003,²" read as nothing, a note's "2" as "3")."""
    img = marked_page(face, None)
    foot = Image.new("L", (img.width, img.height + 150), 255)
    foot.paste(img, (0, 0))
    ImageDraw.Draw(foot).text((120, img.height + 20), "*2324427*", font=_font(face, 10 * 300 / 72), fill=0)
    data, _ = tesseract.ocr_words(foot, "eng")
    assert any(markers.G.BARCODE_WORD.match(t.strip()) for t in data["text"])  # read as one word
    analysis = analysed(foot, data)
    assert [m["text"] for m in analysis["markers"]] == ["1", "2", "3"]


@pytest.mark.parametrize("face", sorted(FACES))
def test_markers_typed_a_space_after_their_word_are_found(face):
    img = marked_page(face, None, spaced=True)
    data, _ = tesseract.ocr_words(img, "eng")
    analysis = analysed(img, data)
    assert [m["text"] for m in analysis["markers"]] == ["1", "2", "3"]


def test_raised_ink_that_is_no_marker_is_left_alone():
    """Quotes, an apostrophe, a degree sign, a full stop: small or not raised, never a marker."""
    lines = ["The \u201cGeneral Assembly\u201d of the States\u2019 parties,",
             "at a temperature of 25\u00b0 and the vote 3 to 2.", "Recalling its resolution 55/2 of 8 September 2000,"]
    img = text_page("serif", pt=10, lines=lines)
    data, _ = tesseract.ocr_words(img, "eng")
    assert analysed(img, data)["markers"] == []


# ------------------------------------------------------------------ poor pages are reviewed


def _doc(status: str) -> Extracted:
    lines = [Line(text="The Genera1 Assembly,"), Line(text="Reaffirming its reso1ution,")]
    return Extracted(doc_id="d", source=Source(path="d.pdf", sha256="0", kind="scanned-pdf"),
                     pages=[Page(number=1, lines=lines)],
                     meta={"ocr_quality": [{"page": 1, "status": status}]})


def test_every_correction_on_a_poor_page_is_flagged_for_review():
    def fixes(work: WorkText) -> list[Proposal]:
        return [Proposal(work.text.index("Genera1") + 6, work.text.index("Genera1") + 7, "l", "test.digit", 0.99),
                Proposal(work.text.index("reso1") + 4, work.text.index("reso1") + 5, "l", "test.digit", 0.7)]

    good = WorkText.from_extracted(_doc("good"))
    good.apply(fixes(good), Thresholds())
    assert [c["status"] for c in good.corrections] == ["applied", "flagged"]
    poor = WorkText.from_extracted(_doc("poor"))
    poor.apply(fixes(poor), Thresholds())
    assert [c["status"] for c in poor.corrections] == ["flagged", "flagged"]
    assert all(c["info"]["poor_scan"] for c in poor.corrections)
    assert poor.text == good.text == "The General Assembly,\nReaffirming its resolution,"
    decided = WorkText.from_extracted(_doc("poor"))  # a reviewer's decision still counts
    decided.apply(fixes(decided), Thresholds(), lambda key: "accept")
    assert {c["status"] for c in decided.corrections} == {"accepted"}


def test_poor_scan_is_cleaned_shown_for_review_and_validates(tmp_path):
    """A 72 dpi page: cleaned, `ocr` says poor, every correction flagged, Markdown and summary say so."""
    import json

    import jsonschema

    from pipeline.export.canonical import render_markdown
    from pipeline.review.report import summarize
    from pipeline.settings import Settings
    from pipeline.run.stages import process

    typos = ["The General Assembly,", "Recalling its resolution 79/1 of 1 December 2O24,",
             "Reaffirming the importance of international cooperation",
             "for the prornotion and protection of all human rights,"]
    pdf = to_pdf([text_page(pt=12, dpi=72, lines=typos)], tmp_path / "fax72.pdf", 72)
    settings = Settings(clean_dir=tmp_path / "clean", dictionaries_dir=Path(__file__).parent.parent / "dictionaries")
    doc, _ = process(pdf, settings, rel_path="raw/fax72.pdf")
    assert doc["ocr"]["status"] == "poor" and doc["ocr"]["pages"][0]["status"] == "poor"
    assert doc["corrections"] and all(c["status"] != "applied" for c in doc["corrections"])
    schema = json.loads((Path(__file__).parent.parent / "pipeline" / "schema" / "clean-document.schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert "Poor scan: 1 pages to review (page 1)" in render_markdown(doc)
    clean = tmp_path / "clean"
    clean.mkdir(exist_ok=True)
    (clean / "fax72.json").write_text(json.dumps(doc))
    summary = summarize(clean)
    assert summary["poor_scan_pages"] == 1 and summary["poor_scan_documents"] == ["fax72"]

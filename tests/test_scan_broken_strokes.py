"""Thin strokes a light threshold broke into pieces: the pieces kept where a poor page shows them.

``tests/data/scanpages/typewriter_poor-A_RES_78_205-broken-line.png`` is one line of a real
typewriter_poor scan (200 dpi bilevel, thresholded light; ``bench/scan_families.py``, seed 14):
"residence, in particular as a result of or in order to avoid the effects of armed conflict,",
its strokes a pixel wide and broken, with the photocopy's dust around it.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytesseract
from PIL import Image

from pipeline.extract import prepare
from pipeline.extract.ocr import chain
from pipeline.extract.ocr.image import PageInput, page_pixels
from pipeline.extract.reread import known_chars

DATA = Path(__file__).parent / "data" / "scanpages"
LINE = DATA / "typewriter_poor-A_RES_78_205-broken-line.png"


def _line() -> np.ndarray:
    return np.asarray(Image.open(LINE).convert("L"))


def _read(gray: np.ndarray, steps: list[tuple[str, dict]]) -> str:
    """The line as the pipeline makes a 200 dpi bilevel page for Tesseract, read as one line."""
    out, _ = prepare.apply_plan(gray, steps + [("smooth", {"sigma": 0.6}), ("upsample", {"factor": 1.5}),
                                               ("thicken", {"size": 2})])
    out = cv2.copyMakeBorder(out, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
    return pytesseract.image_to_string(Image.fromarray(out), config="--oem 1 --psm 7").strip()


def test_a_light_threshold_s_letter_pieces_are_kept_when_asked():
    """The rule for specks by no glyph takes a broken letter's pieces ("of", "or", "in" lose letters:
    "reciden'e, is parti ulay am a recut tf rac riert"); with the pieces kept, only specks with no
    ink at all within 3 px go, and the line reads."""
    line = _line()
    default = prepare.plan_bilevel(line, 200)
    kept = prepare.plan_bilevel(line, 200, fragments=True)
    assert default == [("despeckle", {"max_area": 4})]
    assert kept == [("despeckle", {"max_area": 4, "apart": 3, "alone": True})]
    lost = prepare.apply_plan(line, default)[0] != line
    spared = prepare.apply_plan(line, kept)[0] != line
    assert np.count_nonzero(spared) < 0.8 * np.count_nonzero(lost)  # the dust still goes
    assert not (spared & ~lost).any()  # nothing goes that the first rule kept
    ink_near = cv2.dilate((line < 128).astype(np.uint8), np.ones((7, 7), np.uint8))
    assert np.count_nonzero(lost & (ink_near > 0)) > 0  # pieces of letters among what the first rule took
    before, after = _read(line, default), _read(line, kept)
    assert known_chars(after) >= 2 * known_chars(before), (before, after)
    assert {"particular", "order", "effects", "armed"} <= set(after.split())


def test_only_a_despeckled_page_may_have_lost_pieces():
    assert prepare.fragments_lost(["despeckle 4", "smooth 0.6", "upsample 200->300", "thicken 2"])
    assert prepare.fragments_lost(["despeckle 4", "smooth 0.6", "upsample 200->300"])
    assert not prepare.fragments_lost(["smooth 0.6", "upsample 200->300", "thicken 2"])  # nothing despeckled
    assert not prepare.fragments_lost([])  # a grey scan
    assert not prepare.fragments_lost(["despeckle 2", "stretch 204x98->300", "soften 1.47"])  # a fax: read once


def _bilevel_pdf(tmp_path: Path) -> Path:
    """A one-page bilevel 200 dpi scan of the broken line, with dust, as an image-only PDF."""
    line = _line()
    page = np.full((400, 1100), 255, np.uint8)
    page[100:100 + line.shape[0], 40:40 + line.shape[1]] = line
    rng = np.random.default_rng(3)
    for y, x in zip(rng.integers(200, 390, 120), rng.integers(0, 1090, 120)):
        page[y:y + 2, x:x + 2] = 0  # a photocopy's dust, far from the text
    path = tmp_path / "scan.pdf"
    Image.fromarray(page).convert("1").save(path, "PDF", resolution=200)
    return path


def test_a_page_is_made_again_with_its_pieces_kept_and_in_the_same_frame(tmp_path):
    """The first image is despeckled; the page made again keeps the pieces,
    turned and deskewed as the first, and its recipe says so, so the cache rebuilds that image."""
    pdf = pdfium.PdfDocument(str(_bilevel_pdf(tmp_path)))
    base, dpi, log = page_pixels(pdf, 0, 300)
    assert dpi == 200 and prepare.fragments_lost(log)
    recipe = {"upsample": log, "rotation": 0, "skew": 0.4, "steps": [["thin", {"size": 2}]], "log": ["thin 2"]}
    inp = PageInput(base, 200, recipe, base.rotate(0.4), remake=lambda **how: page_pixels(pdf, 0, 300, **how))
    kept = chain.fragments_kept(inp)
    assert kept is not None and kept.recipe["fragments"] is True
    assert kept.recipe["skew"] == 0.4 and kept.recipe["steps"] == [] and kept.image.size == inp.image.size
    assert np.count_nonzero(np.asarray(kept.base) < 128) > np.count_nonzero(np.asarray(base) < 128)
    again = page_pixels(pdf, 0, 300, fragments=True)[0]
    assert np.array_equal(np.asarray(again), np.asarray(kept.base))  # what the cache rebuilds
    assert "fragments kept" in chain.page_quality({"page": 1, "recipe": kept.recipe})["preprocessing"]
    assert chain.fragments_kept(kept) is None  # made once
    assert chain.fragments_kept(PageInput(base, 200, {**recipe, "upsample": ["upsample 150->300"]}, base,
                                          remake=inp.remake)) is None  # nothing despeckled: nothing lost
    assert chain.fragments_kept(PageInput(base, 200, recipe, base)) is None  # no way to make it again
    pdf.close()

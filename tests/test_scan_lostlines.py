"""Lines of heavy print the page reading lost, found from the ink no word covers and read again (small crops)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.extract.ocr import chain, lostlines
from pipeline.extract.ocr.tesseract import ocr_words

DATA = Path(__file__).parent / "data" / "heavyprint"
SERIF = "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"


def _words(entries: list[tuple[str, int, int, int, int]], conf: float = 95.0) -> dict:
    """An ``image_to_data`` dict: one Tesseract line per distinct top, words (text, left, top, width, height)."""
    tops = sorted({e[2] for e in entries})
    data = {k: [] for k in ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
                            "left", "top", "width", "height", "conf", "text")}
    for n, (text, left, top, width, height) in enumerate(entries):
        for k, v in (("level", 5), ("page_num", 1), ("block_num", 1), ("par_num", 1),
                     ("line_num", tops.index(top) + 1), ("word_num", n + 1), ("left", left), ("top", top),
                     ("width", width), ("height", height), ("conf", conf), ("text", text)):
            data[k].append(v)
    return data


def _page(lines: list[str], pitch: int = 50, size: int = 40) -> tuple[np.ndarray, list[tuple]]:
    """Bold serif lines drawn at ``pitch`` px, and each word's box as Tesseract would give it."""
    font = ImageFont.truetype(SERIF, size)
    img = Image.new("L", (1500, 60 + pitch * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    boxes = []
    for k, line in enumerate(lines):
        x, y = 40, 30 + k * pitch
        for word in line.split():
            x0, y0, x1, y1 = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font, fill=0)
            boxes.append((word, x0, y0, x1 - x0, y1 - y0, k))
            x = x1 + size // 3
    return np.asarray(img), boxes


LINES = ["Recalling its previous resolutions on the work of the Office",
         "and the decisions contained therein, including those of",
         "the Executive Committee of the Programme of the United",
         "Nations High Commissioner for Refugees on its session",
         "Expressing deep concern that the number of people who are",
         "forcibly displaced owing to conflict and violence is increasing"]


def test_a_line_no_word_covers_is_a_lost_line():
    page, boxes = _page(LINES)
    seen = _words([(w, x, y, bw, bh) for w, x, y, bw, bh, k in boxes if k != 2])  # the third line lost
    bands = lostlines.lost_lines(page, seen)
    assert len(bands) == 1
    line_top = min(y for _, _, y, _, _, k in boxes if k == 2)
    line_bottom = max(y + h for _, _, y, _, h, k in boxes if k == 2)
    assert line_top <= bands[0].top < bands[0].bottom <= line_bottom


def test_a_page_whose_words_cover_its_lines_has_no_lost_line():
    page, boxes = _page(LINES)
    assert lostlines.lost_lines(page, _words([b[:5] for b in boxes])) == []


def test_a_scrap_box_over_two_lines_covers_nothing_a_sure_word_does():
    page, boxes = _page(LINES)
    kept = [(w, x, y, bw, bh) for w, x, y, bw, bh, k in boxes if k not in (1, 2)]
    top = min(y for _, _, y, _, _, k in boxes if k == 1)
    bottom = max(y + h for _, _, y, _, h, k in boxes if k == 2)
    tall = _words(kept + [("isplaced", 40, top, 1400, bottom - top)])  # one box over both lost lines
    assert len(lostlines.lost_lines(page, tall)) == 2
    lines = {k: (min(b[2] for b in boxes if b[5] == k), max(b[4] for b in boxes if b[5] == k)) for k in (1, 2)}
    scraps = _words(kept + [("ee", 40, y, 1400, h) for y, h in lines.values()])  # each read as one scrap ...
    scraps["conf"] = [27.0 if t == "ee" else c for t, c in zip(scraps["text"], scraps["conf"])]  # ... at 27
    assert len(lostlines.lost_lines(page, scraps)) == 2
    sure = _words(kept + [("ee", 40, min(b[2] for b in boxes if b[5] == 1), 1400, 40)])
    assert len(lostlines.lost_lines(page, sure)) == 1  # read surely, it covers its line


def test_barcode_sign_and_qr_code_on_one_row_are_no_lost_line():
    """A page foot: a barcode, the recycling sign and a QR code whose rows meet, no word over them."""
    page, boxes = _page(LINES[:5] + [""])
    page = page.copy()
    y = page.shape[0] - 45
    for x in range(60, 400, 7):  # bars
        page[y:y + 30, x:x + 3] = 0
    page[y - 20:y + 30, 1150:1400] = np.where(np.random.default_rng(1).random((50, 250)) < 0.5, 0, 255)  # a QR code
    assert lostlines.lost_lines(page, _words([b[:5] for b in boxes])) == []


def test_a_dark_edge_of_the_scan_is_no_lost_line():
    page, boxes = _page(LINES)
    page = page.copy()
    page[:, :20] = 0  # a copier's black band at the left edge
    assert lostlines.lost_lines(page, _words([b[:5] for b in boxes])) == []


@pytest.mark.parametrize("name, lost, found", [
    # bench/scan_families.py's bled_heavy (a 5x5 min filter), A/RES/78/184: Tesseract reads two tight lines
    # as ": : lati" and the last one as "sariizalarty fault edad ..."
    ("A_RES_78_184", "forced displacement", ["to drive forced displacement and disproportionately affecting persons",
                                             "situations, including forcibly displaced populations",
                                             "particularly in small island developing States"]),
    # A/RES/79/123: a line read as nothing between two read at confidence 96
    ("A_RES_79_123", "circumstances within", ["circumstances within the scope of the relevant international instruments"]),
])
def test_heavy_print_s_lost_lines_are_read_again(name, lost, found):
    gray = np.asarray(Image.open(DATA / f"{name}-bled_heavy.png"))
    data, _ = ocr_words(Image.fromarray(gray), "eng")
    before = " ".join(str(t) for t in data["text"] if str(t).strip())
    assert lost not in before  # the page reading lost it
    after, record = lostlines.read_lost_lines(gray, data, "eng")
    text = " ".join(str(t) for t in after["text"] if str(t).strip())
    for phrase in found:
        assert phrase in text
    assert record["read"] and all(r["after"] for r in record["read"])
    # the new words are boxed as a line of their own, at the size of the page's other lines
    sizes = [after["height"][i] for i in range(len(data["text"]), len(after["text"]))
             if after["text"][i] in ("the", "and")]
    assert sizes and max(sizes) <= 1.2 * lostlines.body_lines(data)[0]


def test_a_masthead_word_over_two_lines_stays_when_one_of_them_is_read_again():
    """'Dist:' boxed over "Distr.: General" and the date below it: only the date's line is a lost line, so
    the tall word is not replaced by the date (it would lose "Distr.: General")."""
    page, boxes = _page(LINES)
    old = _words([b[:5] for b in boxes if b[5] != 3] + [("Dist:", 40, 30 + 2 * 50, 300, 100)])
    band = lostlines.Band(top=30 + 3 * 50 + 10, bottom=30 + 3 * 50 + 28, left=40, right=1400)
    box = band.crop_box(*page.shape)
    readings = [{"left": [0], "top": [0], "width": [260], "height": [40], "conf": [96.0], "text": ["Nations"]}]
    out, done = lostlines._replace(old, [band], [box], readings, page.shape[0])
    assert "Dist:" in out["text"] and "Nations" not in out["text"] and done == []


def test_a_word_read_the_same_keeps_its_box():
    page, boxes = _page(LINES)
    words = [b[:5] for b in boxes]
    old = _words(words)
    k = next(i for i, b in enumerate(boxes) if b[5] == 5)
    band = lostlines.Band(top=boxes[k][2] + 10, bottom=boxes[k][2] + 28, left=40, right=1400)
    box = band.crop_box(*page.shape)
    x = boxes[k][1] - box[0]
    readings = [{"left": [x], "top": [0], "width": [boxes[k][3]], "height": [60], "conf": [99.0], "text": [boxes[k][0]]}]
    out, done = lostlines._replace(old, [band], [box], readings, page.shape[0])
    assert out == old and done == []


def test_a_good_page_costs_no_reading(monkeypatch):
    page, boxes = _page(LINES)
    monkeypatch.setattr(lostlines, "_read_lines", lambda *a: pytest.fail("a page with no lost line is read again"))
    data = _words([b[:5] for b in boxes])
    out, lines, failed = chain.reread_lost_lines(Image.fromarray(page), data, "eng")
    assert out is data and lines is None and failed is None
    assert chain.describe_lost_lines(None) == []
    assert chain.describe_lost_lines({"lost": 2, "read": [{}, {}]}) == ["read 2 lost lines again"]


def test_lost_lines_read_by_the_engine_as_by_the_command():
    gray = np.asarray(Image.open(DATA / "A_RES_79_123-bled_heavy.png"))
    crops = [np.ascontiguousarray(gray[y:y + 60, 30:1570]) for y in (120, 20)]
    by_command = lostlines._read_lines(crops, "eng", by_engine=False)
    assert lostlines._read_lines(crops, "eng") == by_command
    assert all(len(r["text"]) >= 8 for r in by_command)  # the test reads something

"""The doubtful words' crops read in this process (pipeline/extract/ocr/tessapi.py) get exactly what
the ``tesseract`` command gives them: same text, same confidence; the marker strips stay with the command."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.extract import reread
from pipeline.extract.ocr import tessapi, tesseract

FONTS = Path(__file__).parent / "data" / "fonts"
needs_tesseract = pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract is not installed")
needs_library = pytest.mark.skipif(tessapi.reader("eng") is None, reason="libtesseract did not load")

WORDS = ["(UNISPACE+50)", "Assemb1y", "E.96.IV.8),", "promotion", "intérnational", "1n", "A/CONF.157/24", "",
         "79/155,", "Reaffirms"]


def _word(text: str, px: int, face: str, blur: float) -> np.ndarray:
    font = ImageFont.truetype(str(FONTS / face), px)
    img = Image.new("L", (max(20, int(px * 0.7 * len(text)) + 20), 2 * px), 255)
    ImageDraw.Draw(img).text((10, px // 3), text, font=font, fill=0)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return reread.enlarge(np.asarray(img))


@needs_tesseract
@needs_library
def test_word_crops_read_in_process_as_by_the_command():
    crops = [_word(w, px, face, blur) for w, (px, face, blur) in zip(
        WORDS, [(12, "LiberationSerif-Regular.ttf", 0), (10, "LiberationSans-Regular.ttf", 0.8),
                (11, "LiberationMono-Regular.ttf", 0), (8, "LiberationSerif-Regular.ttf", 1.2)] * 3)]
    by_command = reread.read_crops(crops, "eng", in_process=False)
    assert reread.read_crops(crops, "eng") == by_command
    assert reread.read_crops(crops[::-1], "eng") == by_command[::-1]  # each crop alone: no state between readings
    assert sum(bool(text) for text, _ in by_command) >= 6  # the test reads something


@needs_tesseract
def test_marker_strips_are_read_by_the_command():
    def digit(d: str, px: int) -> Image.Image:
        font = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), px)
        img = Image.new("L", (px + 8, px + 8), 255)
        ImageDraw.Draw(img).text((4, 0), d, font=font, fill=0)
        return img
    pages = [[digit("2", 14), digit("13", 22), digit("4", 16)], [], [digit("7", 12), digit("1", 30)]]
    by_command = tesseract.read_markers(pages, "eng")
    assert by_command[0][1] == "13"


def test_without_the_library_the_command_reads(monkeypatch):
    monkeypatch.setattr(tessapi, "_lib", [None])
    assert tessapi.reader("eng") is None
    calls = []
    monkeypatch.setattr(reread, "_command_data", lambda crops, lang: calls.append(len(crops)) or {
        "page_num": [1], "level": [5], "text": ["in"], "conf": [94.0]})
    assert reread.read_crops([np.full((20, 20), 255, np.uint8)], "eng") == [("in", 94.0)]
    assert calls == [1]


def test_the_run_reads_marker_strips_in_a_child_process(monkeypatch):
    """Tesseract has died of SIGFPE on marker strips (issue 19): in a child that is
    a TesseractError the page degrades around; in this process it would end the run."""
    from PIL import Image

    from pipeline.extract.ocr import tessapi, tesseract

    def no_library(*a, **k):
        raise AssertionError("marker strips read in this process")

    monkeypatch.setattr(tessapi, "reader", no_library)
    crop = Image.new("L", (12, 18), 255)
    texts, failure = tesseract.reread_markers([[crop]], "eng")
    assert failure is None and len(texts) == 1

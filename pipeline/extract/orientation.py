"""Which way up a page is: Tesseract's orientation and script detection (``--psm 0``).

Asked only when a page's first reading is poor (a page read turned gives
"A IN STOT JOqQuID90qj" at confidence 36): OSD costs a Tesseract pass of its
own.  As OCRmyPDF's ``get_orientation_correction`` does, the page is turned
only when OSD's confidence passes a threshold; the turned page is then read
again, and :mod:`pipeline.extract.quality` keeps whichever reading is better.
"""
from __future__ import annotations

import logging

import pytesseract
from PIL import Image

OSD_CONFIG = "--psm 0 -c min_characters_to_try=10"
MIN_CONFIDENCE = 2.0  # below this OSD is guessing (OCRmyPDF's default threshold is 14; we verify by reading)

log = logging.getLogger("pipeline")

_TURN = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def parse_osd(osd: dict) -> tuple[int, float]:
    """(degrees clockwise that make the page upright, confidence) from ``image_to_osd``'s dict."""
    rotate = int(osd.get("rotate", 0)) % 360
    conf = float(osd.get("orientation_conf", 0.0))
    return (rotate if rotate in _TURN else 0), conf


def detect(image: Image.Image, lang: str = "eng") -> tuple[int, float]:
    """How many degrees clockwise to turn ``image`` (0, 90, 180, 270), and OSD's confidence.

    A page OSD cannot judge (too few characters, no script data) is upright, confidence 0.
    """
    try:
        osd = pytesseract.image_to_osd(image, config=OSD_CONFIG, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError as exc:
        log.debug("orientation not detected: %s", exc)
        return 0, 0.0
    return parse_osd(osd)


def turn(image: Image.Image, degrees: int) -> Image.Image:
    """``image`` turned ``degrees`` clockwise (exact: no resampling)."""
    return image.transpose(_TURN[degrees]) if degrees in _TURN else image


def describe(degrees: int, confidence: float) -> str:
    """'turned 180, orientation confidence 12.3' for the log."""
    return f"turned {degrees}, orientation confidence {confidence:.1f}"

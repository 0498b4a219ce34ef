"""A scanned page's image as Tesseract reads it, and the recipe that makes it again from the PDF.

A page is rendered at ``dpi`` (:data:`pipeline.settings.DEFAULT_DPI` by
default) with pypdfium2; a scan stored at that resolution gives its own
pixels, which are the same, and a scan stored lower is scaled up from its own
pixels.  The page is then deskewed.  What was done (upsampling, turning,
deskew, preparation steps) is the page's *recipe*: :func:`build_image` replays
it, so a cached page's image can be rebuilt without reading it again.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from pipeline.extract import orientation, prepare
from pipeline.extract.ocr import engine
from pipeline.extract.pdfium_lock import PDFIUM
from pipeline.faults import needing


def render_page(pdf: pdfium.PdfDocument, index: int, dpi: int) -> Image.Image:
    return pdf[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def own_pixels(page: pdfium.PdfPage) -> tuple[Image.Image, int | tuple[int, int]] | None:
    """The scan's own pixels and resolution when the page is one upright image covering the page.

    A scan with two resolutions (a fax) gives both, (across, down): :func:`stretch` evens them.

    At the OCR resolution they are what rendering would give, pixel for pixel,
    at a fifth of the cost (no resampling, no compositing).  Anything else (several objects, a rotated or cropped image, an unusual
    colour space) returns None and the page is rendered.
    """
    if page.get_rotation() % 360:
        return None
    objs = list(page.get_objects(max_depth=2))
    if len(objs) != 1 or objs[0].type != pdfium.raw.FPDF_PAGEOBJ_IMAGE:
        return None
    img = objs[0]
    m = img.get_matrix()
    if abs(m.b) > 1e-6 or abs(m.c) > 1e-6 or m.a <= 0 or m.d <= 0:
        return None
    left, bottom, right, top = img.get_bounds()
    c_left, c_bottom, c_right, c_top = page.get_cropbox()
    if max(abs(left - c_left), abs(bottom - c_bottom), abs(right - c_right), abs(top - c_top)) > 0.5:
        return None
    meta = img.get_metadata()
    if meta.colorspace not in (1, 2) or meta.bits_per_pixel not in (1, 8, 24):  # DeviceGray, DeviceRGB
        return None
    px_w, px_h = img.get_px_size()
    dpi_x, dpi_y = px_w * 72 / page.get_width(), px_h * 72 / page.get_height()
    if max(dpi_x, dpi_y) > MAX_ANISOTROPY * min(dpi_x, dpi_y):
        return None
    try:
        pil = img.get_bitmap(render=False).to_pil()
    except (pdfium.PdfiumError, ValueError):
        return None
    pil = pil if pil.mode in ("L", "1") else pil.convert("L")
    if abs(dpi_x - dpi_y) <= 0.02 * dpi_x:
        return pil, round(dpi_x)
    return pil, (round(dpi_x), round(dpi_y))


MAX_ANISOTROPY = 3.0  # a fax's "standard" mode is 204 x 98 dpi; more lopsided than this is no scan: rendered


def stretch(gray: np.ndarray, dpi_x: int, dpi_y: int) -> tuple[np.ndarray, int, list[str]]:
    """A scan with two resolutions (a fax: 204 dpi across, 98 down) brought to the higher on both
    axes (bicubic; a bilevel one smoothed first, as before any upsampling).  Returns the image,
    its resolution and the log ("stretch 204x98->204")."""
    hi = max(dpi_x, dpi_y)
    done: list[str] = []
    if prepare.is_bilevel(gray):
        gray, done = prepare.apply_plan(gray, [("smooth", {"sigma": 0.6})])
    h, w = gray.shape
    out = cv2.resize(gray, (round(w * hi / dpi_x), round(h * hi / dpi_y)), interpolation=cv2.INTER_CUBIC)
    return out, hi, done + [f"stretch {dpi_x}x{dpi_y}->{hi}"]


def page_image(pdf: pdfium.PdfDocument, index: int, dpi: int, *, fragments: bool = False) -> Image.Image:
    """Page ``index`` as a grey image at ``dpi`` (``fragments``: see :func:`page_pixels`)."""
    return page_pixels(pdf, index, dpi, fragments=fragments)[0]


def page_pixels(pdf: pdfium.PdfDocument, index: int, dpi: int, *,
                fragments: bool = False) -> tuple[Image.Image, int, list[str]]:
    """Page ``index`` at ``dpi``, the resolution it was scanned at, and how it was brought to ``dpi``.

    A scan at ``dpi`` gives its own pixels; a scan at a lower resolution is
    scaled up from its own pixels (bicubic, :func:`prepare.upsample`), so a page
    is never read below what Tesseract needs; anything else is rendered.
    ``fragments``: a bilevel scan's small specks that stand by other ink are kept
    (:func:`prepare.plan_bilevel`; a page's recipe says so, ``"fragments": true``).
    """
    with PDFIUM:  # the page and its bitmaps are released inside the call, under the lock
        return _page_pixels(pdf, index, dpi, fragments)


def _page_pixels(pdf: pdfium.PdfDocument, index: int, dpi: int,
                 fragments: bool = False) -> tuple[Image.Image, int, list[str]]:
    page = pdf[index]
    own = own_pixels(page)
    if own is None:
        return _grey_steps(render_page(pdf, index, dpi), dpi, [], dpi)
    pil, own_dpi = own
    if isinstance(own_dpi, tuple):  # a fax: the lower resolution is what the verdict weighs
        image, _, done = _own_at(page, pil, own_dpi, dpi, fragments)
        return _stroke_steps(image, min(own_dpi), done, dpi)
    image, own_dpi, done = _own_at(page, pil, own_dpi, dpi, fragments)
    if pil.mode == "1" or "despeckle" in " ".join(done) or "descreen" in " ".join(done) \
            or prepare.is_bilevel(np.asarray(pil)):
        return _stroke_steps(image, own_dpi, done, dpi)
    return _grey_steps(image, own_dpi, done, dpi)


def _grey_steps(image: Image.Image, scanned_dpi: int, done: list[str], dpi: int) -> tuple[Image.Image, int, list[str]]:
    """A grey page's steps before its first reading (:func:`prepare.plan_grey`), then its strokes'."""
    gray = np.asarray(image)
    screen = prepare.plan_screen(gray, dpi) if prepare.is_bilevel(gray) else []
    out, log = prepare.apply_plan(gray, screen or prepare.plan_grey(gray, dpi))
    return _stroke_steps(Image.fromarray(out) if log else image, scanned_dpi, done + log, dpi)


def _stroke_steps(image: Image.Image, scanned_dpi: int, done: list[str], dpi: int) -> tuple[Image.Image, int, list[str]]:
    """A dark border made paper (:func:`prepare.plan_border`), then thin strokes widened before the first
    reading (:func:`prepare.plan_strokes`); nothing on a page with a clean edge and normal print."""
    gray = np.asarray(image)
    gray, unbordered = prepare.apply_plan(gray, prepare.plan_border(gray))  # a scan's dark border: no content
    out, log = prepare.apply_plan(gray, prepare.plan_strokes(gray, dpi))
    log = unbordered + log
    return (Image.fromarray(out) if log else image), scanned_dpi, done + log


def _own_at(page: pdfium.PdfPage, pil: Image.Image, own_dpi: int | tuple[int, int],
            dpi: int, fragments: bool = False) -> tuple[Image.Image, int, list[str]]:
    """A scanned page's own pixels brought to ``dpi``: a bilevel scan despeckled and smoothed first,
    a scan with two resolutions (a fax, ``own_dpi`` (across, down)) then evened (:func:`stretch`);
    a bilevel one whose rows are coarse (a fax's standard mode) is scaled to ``dpi`` at once and
    softened along its rows instead (:func:`prepare.plan_coarse_rows`)."""
    want = (math.ceil(page.get_width() * dpi / 72), math.ceil(page.get_height() * dpi / 72))
    done: list[str] = []
    bilevel = pil.mode == "1" or prepare.is_bilevel(np.asarray(pil))
    screen = prepare.plan_screen(np.asarray(pil.convert("L")), min(own_dpi) if isinstance(own_dpi, tuple) else own_dpi) \
        if bilevel else []
    if screen:  # a dithered page: its dots merged into grey, then read as a grey scan
        gray, done = prepare.apply_plan(np.asarray(pil.convert("L")), screen)
        pil, bilevel = Image.fromarray(gray), False
    if bilevel:
        # a thresholded scan or fax: its specks are exact, cheap to find at its own resolution
        gray = np.asarray(pil.convert("L"))
        steps = prepare.plan_bilevel(gray, own_dpi, fragments=fragments)
        cleaned, done = prepare.apply_plan(gray, steps)
        pil = Image.fromarray(cleaned) if done else pil
    coarse = prepare.plan_coarse_rows(*own_dpi, dpi) if isinstance(own_dpi, tuple) and bilevel else []
    if coarse:
        # coarse rows (a fax's standard mode): scaled to ``dpi`` in one step, then softened along its rows
        gray = cv2.resize(np.asarray(pil.convert("L")), want, interpolation=cv2.INTER_CUBIC)
        gray, softened = prepare.apply_plan(gray, coarse)
        return Image.fromarray(gray), dpi, done + [f"stretch {own_dpi[0]}x{own_dpi[1]}->{dpi}"] + softened
    if isinstance(own_dpi, tuple):
        gray, own_dpi, stretched = stretch(np.asarray(pil.convert("L")), *own_dpi)
        pil, done = Image.fromarray(gray), done + stretched
    if pil.size == want:
        return pil.convert("L"), own_dpi, done
    if own_dpi < dpi:
        gray = np.asarray(pil.convert("L"))
        if pil.mode == "1" or prepare.is_bilevel(gray):
            gray, smoothed = prepare.apply_plan(gray, [("smooth", {"sigma": 0.6})])
            done += smoothed
        up = Image.fromarray(prepare.upsample(gray, dpi / own_dpi))
        if up.size != want:
            up = up.resize(want, Image.BICUBIC)
        return up, own_dpi, done + [f"upsample {own_dpi}->{dpi}"]
    return pil.convert("L").resize(want, Image.LANCZOS), own_dpi, done + [f"downsample {own_dpi}->{dpi}"]


def estimate_skew(image: Image.Image) -> float:
    """Skew in degrees (counter-clockwise rotation that levels the text lines).

    Text rows give the sharpest horizontal ink profile when level: the angle
    maximising the variance of the row profile's steps, searched coarse then
    fine.  Small angles shear rather than rotate, so each angle is one
    histogram of the ink pixels' sheared rows, not a rotated image.
    """
    big = min(image.size) > 800
    half = image.reduce(2) if big else image
    quarter = half.reduce(2) if big else image

    def ink_of(img: Image.Image) -> tuple[np.ndarray, np.ndarray]:
        ys, xs = np.nonzero(np.asarray(img) < 160)
        return ys.astype(np.float64), (xs - img.width / 2).astype(np.float64)

    def score(ink: tuple[np.ndarray, np.ndarray], angle: float) -> float:
        ys, xs = ink
        if ys.size == 0:
            return 0.0
        rows = np.rint(ys - xs * math.tan(math.radians(angle))).astype(np.int64)
        hist = np.bincount(rows - rows.min())
        return float(np.var(np.diff(hist)))

    coarse = ink_of(quarter)
    best = max(np.arange(-3.0, 3.01, 0.5), key=lambda a: score(coarse, a))
    best = max(np.arange(best - 0.5, best + 0.51, 0.125), key=lambda a: score(coarse, a))
    fine = ink_of(half)
    best = max(np.arange(best - 0.1, best + 0.11, 0.05), key=lambda a: score(fine, a))
    return float(round(best, 2)) + 0.0


def deskew(image: Image.Image) -> tuple[Image.Image, float]:
    angle = estimate_skew(image)
    if abs(angle) < 0.1:
        return image, 0.0
    return image.rotate(angle, resample=Image.BICUBIC, fillcolor=255), angle


def rotate(image: Image.Image, angle: float) -> Image.Image:
    return image.rotate(angle, resample=Image.BICUBIC, fillcolor=255) if angle else image


@dataclass
class PageInput:
    """A page as Tesseract reads it, and how it was made from the page's pixels (its recipe)."""

    base: Image.Image  # the page at the OCR resolution, before turning, deskew or preparation
    scanned_dpi: int
    recipe: dict  # {"upsample": [...], "rotation": 0, "skew": 0.0, "steps": [[name, params], ...], "log": [...]}
    image: Image.Image
    pgm: Path | None = None
    remake: Callable[..., tuple[Image.Image, int, list[str]]] | None = None  # the page's pixels made again otherwise


def build_image(base: Image.Image, recipe: dict) -> Image.Image:
    """Replay a recipe on the page's pixels: turn, deskew, then the preparation steps."""
    image = orientation.turn(base, int(recipe.get("rotation", 0)))
    image = rotate(image, recipe.get("skew") or 0.0)
    steps = [(name, dict(params)) for name, params in recipe.get("steps", [])]
    if steps:
        image = Image.fromarray(prepare.apply_plan(np.asarray(image), steps)[0])
    return image


def describe_recipe(recipe: dict) -> list[str]:
    """What was done to a page's image, in order: 'upsample 150->300', 'rotate 180', 'deskew 1.2', ..."""
    done = list(recipe.get("upsample", [])) + (["fragments kept"] if recipe.get("fragments") else [])
    if recipe.get("rotation"):
        done.append(f"rotate {recipe['rotation']}")
    if recipe.get("skew"):
        done.append(f"deskew {recipe['skew']}")
    return done + list(recipe.get("log", []))


def tesseract_input(pdf: pdfium.PdfDocument, n: int, dpi: int, tmp: Path) -> PageInput:
    """Page ``n`` deskewed; saved uncompressed (the cheapest file for the command) when no engine reads it."""
    base, scanned_dpi, upsampled = page_pixels(pdf, n - 1, dpi)
    image, angle = deskew(base)
    pgm = None
    if not (engine.readable(image) and engine.available()):
        pgm = tmp / f"page-{n}.pgm"
        with needing(image.width * image.height):  # a full disk says how much the page needed
            image.save(pgm)
    return PageInput(base, scanned_dpi, {"upsample": upsampled, "rotation": 0, "skew": angle, "steps": [], "log": []},
                     image, pgm, remake=lambda **how: page_pixels(pdf, n - 1, dpi, **how))


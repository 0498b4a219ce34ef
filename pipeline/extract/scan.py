"""Scanned PDF pages: render (pypdfium2), read with Tesseract word boxes, cache, lay out.

A page is rendered at ``dpi`` (300 by default; a scan stored at that
resolution gives its own pixels, which are the same) and read once with
``pytesseract.image_to_data``; the words, their boxes and confidences are
cached under ``cache_dir/ocr/<key>/page-N.json`` next to the page image the
review report crops from, ``page-N.jpg``.  The key hashes the PDF's bytes, the dpi, the Tesseract
version, the language and the Tesseract config, so a change anywhere after
extraction (repair, footnotes, structure, dictionaries) never re-runs OCR.

From the word geometry this module derives what Tesseract does not report:

* a font size per line (word heights against the letters' ascenders and
  descenders), so footnotes, headers and body differ as in a born-digital page;
* superscript footnote markers: Tesseract reads a raised "1" glued to its word
  as "Assembly!" or "Declaration,’".  The trailing raised ink of each word is
  found in the image; when it is as tall as a digit (not a quote mark) it is cut
  off the word and read again, all of a page's markers in one Tesseract call
  restricted to digits;
* horizontal rules (the footnote rule), from runs of dark pixels.

The words then go through :mod:`pipeline.extract.layout_pdf` exactly like the
characters of a born-digital page.  ``OMP_THREAD_LIMIT=1`` keeps each
Tesseract process on one core so several Luigi workers share the machine well.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

import pytesseract  # noqa: E402
from PIL import Image  # noqa: E402

from pipeline.extract import orientation, prefetch, prepare, quality  # noqa: E402
from pipeline.extract.pdfium_lock import PDFIUM  # noqa: E402
from pipeline.extract.layout_pdf import Glyph, PageLayout, Rule  # noqa: E402
from pipeline.faults import needing  # noqa: E402
from pipeline.files import atomic_file, atomic_write, temp_dir_in  # noqa: E402

TESSERACT_CONFIG = "--oem 1 --psm 3"
MARKER_CONFIG = "--oem 1 --psm 7 -c tessedit_char_whitelist=0123456789"
INK_LEVEL = 165  # grey below this is ink (a blurred scan's thin strokes stay above 140)
RULE_INK_LEVEL = 200  # a blurred hairline rule is light grey
PREPROCESS = "prepare/2"  # part of the cache key: it changes what Tesseract sees
ANALYSIS_VERSION = 17  # bump when rule/marker detection changes: re-analyses cached pages, no re-OCR
INSTALL_HINT = "run scripts/setup.sh (apt-get install tesseract-ocr tesseract-ocr-{lang})"

_ASCENDING = set("bdfhiklt0123456789()[]{}/\\|!?'\"“”‘’*&%$#@ÀÁÂÉÈÊÍÓÔÚ")
_DESCENDING = set("gjpqy()[]{}|/Q,;")
# characters Tesseract puts where a raised footnote digit was printed
_MARKER_JUNK = set("0123456789!?'\"’‘”“*>°º^+~`¹²³⁴⁵⁶⁷⁸⁹⁰")


class TesseractMissing(RuntimeError):
    """Tesseract (or its language data) is not installed."""


def tesseract_version(lang: str = "eng") -> str:
    return _tesseract_version(pytesseract.pytesseract.tesseract_cmd, lang)


@lru_cache(maxsize=8)
def _tesseract_version(cmd: str, lang: str) -> str:
    """Once per process and command: `tesseract --version` and `--list-langs` are two processes."""
    if not shutil.which(cmd):
        raise TesseractMissing(f"tesseract is not installed: {INSTALL_HINT.format(lang=lang)}")
    try:
        version = str(pytesseract.get_tesseract_version())
        langs = pytesseract.get_languages(config="")
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise TesseractMissing(f"tesseract is not installed: {INSTALL_HINT.format(lang=lang)}") from exc
    missing = [part for part in lang.split("+") if part not in langs]
    if missing:
        raise TesseractMissing(
            f"tesseract language data {'+'.join(missing)} is not installed: {INSTALL_HINT.format(lang=missing[0])}")
    return version


def cache_key(sha256: str, dpi: int, version: str, lang: str, config: str = TESSERACT_CONFIG) -> str:
    """The OCR cache key: everything that changes Tesseract's output, nothing else."""
    raw = json.dumps([sha256, dpi, version, lang, config, PREPROCESS])
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def render_page(pdf: pdfium.PdfDocument, index: int, dpi: int) -> Image.Image:
    return pdf[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def own_pixels(page: pdfium.PdfPage) -> tuple[Image.Image, int] | None:
    """The scan's own pixels and resolution when the page is one upright image covering the page.

    Anything else (several objects, a rotated or cropped image, an unusual
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
    if abs(dpi_x - dpi_y) > 0.02 * dpi_x:
        return None
    try:
        pil = img.get_bitmap(render=False).to_pil()
    except (pdfium.PdfiumError, ValueError):
        return None
    return (pil if pil.mode in ("L", "1") else pil.convert("L")), round(dpi_x)


def native_scan(page: pdfium.PdfPage, dpi: int) -> Image.Image | None:
    """The scan's own pixels when the page is one upright image at ``dpi`` covering the page.

    That is what rendering would give, pixel for pixel, at a fifth of the cost
    (no resampling, no compositing).
    """
    own = own_pixels(page)
    if own is None:
        return None
    want = (math.ceil(page.get_width() * dpi / 72), math.ceil(page.get_height() * dpi / 72))
    return own[0].convert("L") if own[0].size == want else None


def page_image(pdf: pdfium.PdfDocument, index: int, dpi: int) -> Image.Image:
    """Page ``index`` as a grey image at ``dpi``."""
    return page_pixels(pdf, index, dpi)[0]


def page_pixels(pdf: pdfium.PdfDocument, index: int, dpi: int) -> tuple[Image.Image, int, list[str]]:
    """Page ``index`` at ``dpi``, the resolution it was scanned at, and how it was brought to ``dpi``.

    A scan at ``dpi`` gives its own pixels; a scan at a lower resolution is
    scaled up from its own pixels (bicubic, :func:`prepare.upsample`), so a page
    is never read below what Tesseract needs; anything else is rendered.
    """
    with PDFIUM:  # the page and its bitmaps are released inside the call, under the lock
        return _page_pixels(pdf, index, dpi)


def _page_pixels(pdf: pdfium.PdfDocument, index: int, dpi: int) -> tuple[Image.Image, int, list[str]]:
    page = pdf[index]
    own = own_pixels(page)
    if own is None:
        return _grey_steps(render_page(pdf, index, dpi), dpi, [])
    pil, own_dpi = own
    image, own_dpi, done = _own_at(page, pil, own_dpi, dpi)
    if pil.mode == "1" or "despeckle" in " ".join(done) or prepare.is_bilevel(np.asarray(pil)):
        return image, own_dpi, done
    return _grey_steps(image, own_dpi, done)


def _grey_steps(image: Image.Image, scanned_dpi: int, done: list[str]) -> tuple[Image.Image, int, list[str]]:
    """A grey page's steps before its first reading (:func:`prepare.plan_grey`)."""
    gray = np.asarray(image)
    out, log = prepare.apply_plan(gray, prepare.plan_grey(gray))
    return (Image.fromarray(out) if log else image), scanned_dpi, done + log


def _own_at(page: pdfium.PdfPage, pil: Image.Image, own_dpi: int, dpi: int) -> tuple[Image.Image, int, list[str]]:
    """A scanned page's own pixels brought to ``dpi``: a bilevel scan despeckled and smoothed first."""
    want = (math.ceil(page.get_width() * dpi / 72), math.ceil(page.get_height() * dpi / 72))
    done: list[str] = []
    if pil.mode == "1" or prepare.is_bilevel(np.asarray(pil)):
        # a thresholded scan or fax: its specks are exact, cheap to find at its own resolution
        gray = np.asarray(pil.convert("L"))
        steps = prepare.plan_bilevel(gray, own_dpi)
        cleaned, done = prepare.apply_plan(gray, steps)
        pil = Image.fromarray(cleaned) if done else pil
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


def ocr_words(image: Image.Image | Path, lang: str) -> tuple[dict, float]:
    """Tesseract's words; given the saved page image's path, pytesseract need not re-encode it."""
    t = time.perf_counter()
    data = pytesseract.image_to_data(str(image) if isinstance(image, Path) else image, lang=lang,
                                     config=TESSERACT_CONFIG, output_type=pytesseract.Output.DICT)
    return data, time.perf_counter() - t


def find_rules(ink: np.ndarray, dpi: int) -> list[list[int]]:
    """Horizontal rules in pixels: long thin runs of ink (drawn lines, underscore rows)."""
    min_len = int(20 * dpi / 72)
    max_thick = max(2, int(2.5 * dpi / 72))
    rows = []
    # Rows that may hold such a run: it covers at least `need` whole aligned blocks of ink
    # (a cheap, exact pre-filter: text rows have plenty of ink but no long unbroken run)
    blk = 8
    need = max(1, (min_len - (blk - 1)) // blk)
    ys = np.nonzero(np.count_nonzero(ink, axis=1) >= min_len)[0]
    width = ink.shape[1] // blk * blk
    if len(ys) and width // blk >= need:
        full = ink[ys, :width].reshape(len(ys), -1, blk).all(axis=2)
        run = np.pad(np.cumsum(full, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
        ys = ys[((run[:, need:] - run[:, :-need]) == need).any(axis=1)]
    if len(ys):
        sub = np.pad(ink[ys].astype(np.int8), ((0, 0), (1, 1)))
        d = np.diff(sub, axis=1)
        sr, sc = np.nonzero(d == 1)
        er, ec = np.nonzero(d == -1)  # starts and ends pair up in row-major order
        for r, s, e in zip(sr, sc, ec):
            if e - s >= min_len:
                rows.append((int(ys[r]), int(s), int(e)))
    rules: list[list[int]] = []
    for y, s, e in rows:
        for r in rules:
            if y - r[3] <= 1 and abs(s - r[0]) < 8 and abs(e - r[2]) < 8:
                r[3] = y
                break
        else:
            rules.append([s, y, e, y])
    h = ink.shape[0]
    out = []
    for x0, y0, x1, y1 in rules:
        if y1 - y0 + 1 > max_thick:
            continue
        above = ink[max(0, y0 - 3), x0:x1].mean() if y0 >= 3 else 0
        below = ink[min(h - 1, y1 + 3), x0:x1].mean()
        if above < 0.3 and below < 0.3:  # a rule stands alone, not a stroke of a glyph
            out.append([x0, y0, x1, y1 + 1])  # x1 is already past the run
    return out


def _word_rows(data: dict) -> dict[tuple, list[int]]:
    rows: dict[tuple, list[int]] = {}
    for i, text in enumerate(data["text"]):
        if data["level"][i] == 5 and text.strip():
            rows.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    return rows


def _size_factor(text: str) -> float:
    """Word height as a fraction of the font size, from its letters' shapes."""
    asc = any(c in _ASCENDING or c.isupper() for c in text)
    desc = any(c in _DESCENDING for c in text)
    return (0.69 if asc else 0.46) + (0.22 if desc else 0.0)


def _line_metrics(data: dict, idx: list[int]) -> tuple[float, float]:
    """(font size in px, baseline y in px) of one Tesseract line."""
    sizes, bases = [], []
    for i in idx:
        text = data["text"][i].strip()
        if len(text) < 2:
            continue
        sizes.append(data["height"][i] / _size_factor(text))
    size = statistics.median(sizes) if sizes else max(data["height"][i] for i in idx) / 0.9
    for i in idx:
        text = data["text"][i].strip()
        if not any(c in _DESCENDING for c in text) and data["height"][i] > 0.6 * size:
            bases.append(data["top"][i] + data["height"][i])
    base = statistics.median(bases) if bases else max(data["top"][i] + data["height"][i] for i in idx) - 0.22 * size
    return size, base


def _ink_baseline(ink: np.ndarray, data: dict, idx: list[int], size: float, fallback: float) -> float:
    """A line's baseline from its ink: the lowest row still dense with ink.

    Letters stand on the baseline; only descenders go below it, and they are few,
    so the row profile drops sharply there.  Tesseract's word boxes are looser
    (italics, touching descenders), which would fake raised glyphs.
    """
    x0 = min(data["left"][i] for i in idx)
    x1 = max(data["left"][i] + data["width"][i] for i in idx)
    y0 = max(0, int(min(data["top"][i] for i in idx) - 0.1 * size))
    y1 = int(max(data["top"][i] + data["height"][i] for i in idx) + 0.1 * size)
    profile = ink[y0:y1, x0:x1].sum(axis=1)
    if profile.size == 0 or profile.max() == 0:
        return fallback
    dense = np.nonzero(profile >= 0.3 * profile.max())[0]
    base = y0 + dense[-1] + 1
    return float(base) if abs(base - fallback) < 0.35 * size else fallback


def _clusters(ink: np.ndarray) -> list[tuple[int, int]]:
    """Runs of columns with ink: (start, end) pairs."""
    cols = np.concatenate(([0], ink.any(axis=0).astype(np.int8), [0]))
    d = np.diff(cols)
    return list(zip(np.nonzero(d == 1)[0].tolist(), np.nonzero(d == -1)[0].tolist()))


def _raised_digit(crop: np.ndarray, y0: int, cx0: int, cx1: int, size: float, base: float,
                  min_raise: float = 0.22):
    rows = np.nonzero(crop[:, cx0:cx1].any(axis=1))[0]
    ctop, cbot = y0 + rows[0], y0 + rows[-1] + 1
    raised = cbot < base - min_raise * size
    tall = (cbot - ctop) >= 0.33 * size  # a digit; a quote mark is shorter
    return (ctop, cbot) if raised and tall and (cx1 - cx0) <= 0.6 * size else None


def _raised_tail(ink: np.ndarray, box: tuple[int, int, int, int], size: float, base: float):
    """Raised digit-sized ink at a word's end (or, for a footnote's number, its start).

    Returns (x0, top, x1, bottom, where) in px with where "tail", "head" or "whole", or None.
    """
    left, top, width, height = box
    y0 = max(0, int(top - 0.1 * size))
    left = max(0, left - 2)  # Tesseract's box may clip a thin "1" at the word's start
    width += 2
    crop = ink[y0:int(base + 0.3 * size), left:left + width]
    if crop.size == 0:
        return None
    clusters = _clusters(crop)
    if not clusters:
        return None
    for where, order in (("tail", list(reversed(clusters))), ("head", clusters)):
        found: list[tuple[int, int, int, int]] = []
        while order and _speck(crop, *order[0], size):  # a speck of a poor scan beside the marker
            order = order[1:]
        for cx0, cx1 in order:
            # a note's number at the start of its line is raised less than a marker in the text
            hit = _raised_digit(crop, y0, cx0, cx1, size, base, 0.22 if where == "tail" else 0.12)
            if hit is None:
                break
            found.append((left + cx0, hit[0], left + cx1, hit[1]))
        if found:
            if len(found) == len(clusters):
                where = "whole"
            return (min(t[0] for t in found), min(t[1] for t in found), max(t[2] for t in found),
                    max(t[3] for t in found), where)
    return None


def is_one_stroke(glyph: np.ndarray) -> bool:
    """Is this raised glyph a "1", in any typeface?  Its ink is one thin upright stroke from top to
    foot, with at most a flag near the top and a foot serif (a typewriter's "1"), and nothing beside
    the stroke in the glyph's middle, where a 4's bar, a 7's diagonal or any bowl would be.

    Tesseract reads a lone small "1" badly: nothing at all, "*" or "41" (a Courier "1" with its flag).
    """
    glyph = glyph[np.ix_(glyph.any(axis=1), glyph.any(axis=0))] if glyph.any() else glyph
    h, w = glyph.shape
    if h < 6 or w > 0.8 * h:
        return False
    cover = glyph.sum(axis=0) / h
    stem = np.nonzero(cover >= 0.75)[0]
    if stem.size == 0 or stem[-1] - stem[0] + 1 > max(2, 0.3 * h) or stem[-1] - stem[0] + 1 != stem.size:
        return False
    beside = glyph.copy()
    pad = max(1, round(0.08 * h))  # the fillet where a foot serif meets the stem
    beside[:, max(0, stem[0] - pad):stem[-1] + 1 + pad] = False
    rows = np.nonzero(beside.any(axis=1))[0]
    return not np.any((rows >= 0.4 * h) & (rows < 0.8 * h))


def _speck(crop: np.ndarray, cx0: int, cx1: int, size: float) -> bool:
    """Ink too small in both directions to be a digit or a letter (a speck, a stray dot)."""
    rows = np.nonzero(crop[:, cx0:cx1].any(axis=1))[0]
    return (cx1 - cx0) <= 0.12 * size and (rows[-1] - rows[0] + 1) <= 0.12 * size


MARKER_HEIGHT, MARKER_PAD = 72, 45  # px of a marker's ink once enlarged; px between crops


def marker_crop(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """A raised digit cut out of its page and enlarged for Tesseract, to one ink height for all.

    The crops of a page are read as one line, which Tesseract scales to its tallest glyph: a
    crop enlarged by a fixed factor beside a tall one (a masthead letter) was read as nothing.
    """
    x0, y0, x1, y1 = box
    c = image.crop((x0 - 3, y0 - 3, x1 + 3, y1 + 3))
    k = MARKER_HEIGHT / max(1, y1 - y0)
    return c.resize((max(1, round(c.width * k)), max(1, round(c.height * k))), Image.LANCZOS)


def marker_strip(crops: list[Image.Image]) -> tuple[Image.Image, list[tuple[int, int]]]:
    """One page's marker crops side by side, and where each sits (x from, x to)."""
    pad = MARKER_PAD
    height = max(c.height for c in crops) + 2 * pad
    slots, x = [], pad
    for c in crops:
        slots.append((x, x + c.width))
        x += c.width + pad
    strip = Image.new("L", (x + pad, height), 255)
    for c, (sx, _) in zip(crops, slots):
        strip.paste(c, (sx, (height - c.height) // 2))
    return strip, slots


def read_markers(pages: list[list[Image.Image]], lang: str) -> list[list[str]]:
    """Read small raised digits: one strip per page, all pages in one Tesseract call.

    Tesseract reads each strip as one line of digits; its character boxes say
    which crop each digit came from.  Given a list of images, one Tesseract
    process reads them all as the pages of one job, so a page costs no
    process start of its own, and each strip is read exactly as if alone.
    """
    found = [[""] * len(crops) for crops in pages]
    strips = [(k, *marker_strip(crops)) for k, crops in enumerate(pages) if crops]
    if not strips:
        return found
    with tempfile.TemporaryDirectory(prefix="markers-") as tmp:
        names = []
        for k, strip, _ in strips:
            names.append(os.path.join(tmp, f"strip-{k}.png"))
            strip.save(names[-1], compress_level=1)
        listing = os.path.join(tmp, "strips.txt")
        Path(listing).write_text("\n".join(names) + "\n")
        boxes = pytesseract.image_to_boxes(listing, lang=lang, config=MARKER_CONFIG)
    pad = MARKER_PAD
    for row in boxes.splitlines():
        parts = row.split()
        if len(parts) < 6 or not parts[0].isdigit() or not 0 <= int(parts[5]) < len(strips):
            continue
        k, _, slots = strips[int(parts[5])]
        cx = (int(parts[1]) + int(parts[3])) / 2
        for j, (sx, ex) in enumerate(slots):
            if sx - pad / 2 <= cx <= ex + pad / 2:
                found[k][j] += parts[0]
                break
    return found


def reread_markers(pages: list[list[Image.Image]], lang: str) -> tuple[list[list[str]], str | None]:
    """:func:`read_markers`, degrading when it fails: nothing re-read, and why.

    The re-read only refines what the page's own reading gave (Tesseract's
    digits at a word's end): when it crashes (a killed or crashing Tesseract,
    a full temp disk) the page keeps its words and :func:`name_markers` falls
    back to those digits; the caller records the skipped step, and the repair
    stage flags each marker it would have checked.
    """
    try:
        return read_markers(pages, lang), None
    except Exception as exc:  # noqa: BLE001 -- any failure of a refinement step degrades it
        message = " ".join(str(exc).split())
        return [[""] * len(crops) for crops in pages], f"{type(exc).__name__}: {message[:160]}"


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _ends_in_number(text: str) -> bool:
    """'2025' and '79/33' end in their own digits; '2024;4' and 'war,°' may end in a marker."""
    text = text.strip()
    digits = len(text) - len(text.rstrip("0123456789"))
    if digits == 0:
        return False
    return digits == len(text) or text[-digits - 1].isdigit() or text[-digits - 1] in "/-‑–"


def _small_beside_neighbours(data: dict, idx: list[int], pos: int, tail) -> bool:
    """A marker standing alone is smaller than, and raised above, a word beside it."""
    x0, top, x1, bottom, _ = tail
    for j in (pos + 1, pos - 1):
        if 0 <= j < len(idx):
            n = idx[j]
            text = data["text"][n].strip()
            if len(text) < 2 or not any(c.isalnum() for c in text):
                continue
            n_bottom, n_height = data["top"][n] + data["height"][n], data["height"][n]
            if (bottom - top) >= 0.8 * n_height:
                return False
            return any(c in _DESCENDING for c in text) or bottom < n_bottom - 0.15 * n_height
    return False


def _unread_marks(ink: np.ndarray, data: dict, idx: list[int], size: float, base: float,
                  taken: set[int]) -> list[dict]:
    """Raised digits Tesseract read as no word at all: small ink in the gap after a word, or before
    a line's first word (a footnote's number), raised against the line's own baseline and size.

    A typewriter's marker is often typed a space after its word, and a thin "1" at 200 dpi is
    dropped by Tesseract as noise; its place and height still say what it is, in any typeface.
    """
    found = []
    order = sorted(idx, key=lambda i: data["left"][i])
    y0 = max(0, int(min(data["top"][i] for i in idx) - 0.6 * size))  # a marker may rise above the line
    y1 = int(base)
    for k, i in enumerate(order):
        left, right = data["left"][i], data["left"][i] + data["width"][i]
        end = right + int(1.5 * size)
        if k + 1 < len(order):
            end = min(end, data["left"][order[k + 1]] - 1)
        gaps = [("tail", right + 1, end)]
        if k == 0:
            gaps.append(("head", max(0, left - int(1.5 * size)), left - 1))
        for where, gx0, gx1 in gaps:
            if gx1 - gx0 < 2 or i in taken:
                continue
            crop = ink[y0:y1, gx0:gx1]
            clusters = [c for c in _clusters(crop) if not _speck(crop, *c, size)]
            if not clusters:
                continue
            cx0, cx1 = clusters[0] if where == "tail" else clusters[-1]
            rows = np.nonzero(crop[:, cx0:cx1].any(axis=1))[0]
            if rows[0] == 0:  # ink from the line above reaching down: not a mark of this line
                continue
            hit = _raised_digit(crop, y0, cx0, cx1, size, base, 0.22 if where == "tail" else 0.12)
            near = (cx0 <= 1.2 * size) if where == "tail" else (gx1 - gx0 - cx1 <= 1.2 * size)
            if hit is None or not near or (where == "head" and len(clusters) > 2):
                continue
            found.append({"word": i, "box": [gx0 + cx0, int(hit[0]), gx0 + cx1, int(hit[1])], "whole": False,
                          "head": where == "head", "unread": True})
            taken.add(i)
    return found


def find_marks(image: Image.Image, data: dict, dpi: int) -> tuple[dict, list[Image.Image]]:
    """Rules and superscript markers of one OCR'd page, and the markers' crops to read.

    The markers have no text yet: :func:`name_markers` gives it from what
    :func:`read_markers` reads in the crops.
    """
    arr = np.asarray(image)
    ink = arr < INK_LEVEL
    rules = find_rules(arr < RULE_INK_LEVEL, dpi)
    markers = []
    bases: dict[str, float] = {}
    for key, idx in _word_rows(data).items():
        size, base = _line_metrics(data, idx)
        base = _ink_baseline(ink, data, idx, size, base)
        bases[",".join(map(str, key))] = base
        for pos, i in enumerate(idx):
            box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
            tail = _raised_tail(ink, box, size, base)
            if tail is None:
                continue
            if tail[4] == "whole":
                # Tesseract's own box must be raised too: faint ink lost to binarisation makes a
                # blurred full-height digit look raised, but not to Tesseract
                # (unless Tesseract named it a comma or a full stop: raised, it is neither)
                unsure = float(data["conf"][i]) < 10 and not (
                    data["text"][i].strip() in (",", ".") and box[1] + box[3] < base - 0.3 * size)
                if (box[1] + box[3] > base - 0.15 * size or unsure
                        or not _small_beside_neighbours(data, idx, pos, tail)):
                    continue
            elif tail[4] == "tail" and _ends_in_number(data["text"][i]):
                continue
            elif tail[4] == "head" and pos > 0:
                continue  # a raised start is a footnote's number only at the start of its line
            markers.append({"word": i, "box": list(map(int, tail[:4])), "whole": tail[4] == "whole",
                            "head": tail[4] == "head"})
        markers += _unread_marks(ink, data, idx, size, base, {m["word"] for m in markers})
    # A note's number Tesseract put on a line of its own, beside its note's first word
    rows = _word_rows(data)
    metrics = {key: _line_metrics(data, idx) for key, idx in rows.items()}
    for key, idx in rows.items():
        if len(idx) != 1 or len(data["text"][idx[0]].strip()) > 3 or any(m["word"] == idx[0] for m in markers):
            continue
        i = idx[0]
        left, top, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        for other, oidx in rows.items():
            if other == key:
                continue
            n = oidx[0]
            nsize = metrics[other][0]
            n_bottom = data["top"][n] + data["height"][n]
            if not (0 <= data["left"][n] - (left + w) <= 2 * nsize and top < n_bottom and top + h > data["top"][n]):
                continue
            if h < 0.8 * data["height"][n] and top + h < metrics[other][1] - 0.12 * nsize and h >= 0.33 * nsize:
                markers.append({"word": i, "box": [left, top, left + w, top + h], "whole": True, "head": False})
            break
    # Tesseract may give a raised digit both as the tail of a word and as a word of its own
    wholes = [m["box"] for m in markers if m["whole"]]
    markers = [m for m in markers if m["whole"] or not any(_overlap(m["box"], b) for b in wholes)]
    # ... or as the tail of two words whose boxes both cover it ("Questions" ",”"): the last keeps it
    markers = [m for k, m in enumerate(markers)
               if not any(_overlap(m["box"], n["box"]) for n in markers[k + 1:])]
    for m in markers:
        x0, y0, x1, y1 = m["box"]
        m["one"] = is_one_stroke(ink[y0:y1, x0:x1])
    crops = [marker_crop(image, tuple(m["box"])) for m in markers]
    return {"version": ANALYSIS_VERSION, "rules": rules, "markers": markers, "baselines": bases}, crops


def name_markers(analysis: dict, data: dict, texts: list[str]) -> dict:
    """Each marker's digits: what the re-read found, else Tesseract's own digits at the word's end."""
    for m, t in zip(analysis["markers"], texts):
        if not t:  # unread: Tesseract's own digits at the word's end, if any
            word = data["text"][m["word"]].strip()
            tail = word[len(word.rstrip("0123456789")):]
            t = tail if tail and (m["whole"] or len(tail) < len(word)) else ""
        x0, y0, x1, y1 = m["box"]
        if m.get("one") and (not t or len(t) > 1 or t == "4"):
            t = "1"  # one glyph shaped as a "1": read as nothing, "4" or "41" (its flag read as a 4)
        elif not t and (x1 - x0) <= 0.45 * (y1 - y0) and not m.get("unread"):
            t = "1"  # a lone thin stroke Tesseract will not read: the only digit that narrow
            # (not for ink beside a word that Tesseract read as no word: there it must read a digit)
        m["text"] = t
    return analysis


def analyse_page(image: Image.Image, data: dict, dpi: int, lang: str) -> dict:
    """Rules and superscript markers of one OCR'd page, markers read (one Tesseract call)."""
    analysis, crops = find_marks(image, data, dpi)
    return name_markers(analysis, data, read_markers([crops], lang)[0])


def _strip_marker_junk(text: str) -> str:
    k = len(text)
    while k > 1 and text[k - 1] in _MARKER_JUNK:
        k -= 1
    return text[:k]


def page_layout_from_ocr(number: int, data: dict, analysis: dict, dpi: int,
                         width_px: int, height_px: int, image_rel: str | None) -> PageLayout:
    """Tesseract words (with markers split off) as layout glyphs, in PDF points."""
    k = 72.0 / dpi
    markers = {m["word"]: m for m in analysis.get("markers", []) if m.get("text")}
    # A note's number at the head of its line that the re-read could not name (an eroded "2" read
    # "to"): its words stay as OCR read them, but raised, so the footnote stage numbers it by the
    # sequence (a logged, flagged correction) instead of reading "to" as the note's first word.
    unnamed = {m["word"] for m in analysis.get("markers", []) if not m.get("text") and m.get("whole")
               and len(data["text"][m["word"]].strip()) <= 3 and m["box"][1] > 0.6 * height_px}
    ink_bases = analysis.get("baselines", {})
    glyphs: list[Glyph] = []
    for key, idx in _word_rows(data).items():
        size, base = _line_metrics(data, idx)
        base = ink_bases.get(",".join(map(str, key)), base)
        for i in idx:
            text = data["text"][i].strip()
            left, top, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            conf = max(0.0, min(1.0, float(data["conf"][i]) / 100.0))
            m = markers.get(i)
            if i in unnamed and i == min(idx, key=lambda j: data["left"][j]):
                glyphs.append(Glyph(text=text, x0=left * k, top=top * k, x1=(left + w) * k, bottom=(top + h) * k,
                                    size=h / 0.68 * k, baseline=(top + h) * k, conf=conf, word=True,
                                    superscript=True))
                continue
            if m is None and _picture_noise(text, conf):
                continue
            if m is not None:
                x0, y0, x1, y1 = m["box"]
                msize = (y1 - y0) / 0.68
                glyphs.append(Glyph(text=m["text"], x0=x0 * k, top=y0 * k, x1=x1 * k, bottom=y1 * k,
                                    size=msize * k, baseline=y1 * k, conf=conf, word=True,
                                    superscript=True))
                if m.get("whole"):
                    continue
                if m.get("unread"):  # ink beside the word, not in it: the word stays as read
                    pass
                elif m.get("head"):
                    stripped = _strip_marker_junk(text[::-1])[::-1].lstrip()
                    if stripped == text and text.startswith(m["text"]) and len(text) > len(m["text"]):
                        stripped = text[len(m["text"]):].lstrip()
                    text = stripped
                    w = max(1, left + w - x1)
                    left = x1
                else:
                    stripped = _strip_marker_junk(text)
                    if stripped == text and text[-len(m["text"]):] == m["text"] and len(text) > len(m["text"]):
                        stripped = text[:-len(m["text"])]
                    text = stripped
                    w = max(1, x0 - left)
            if not text:
                continue
            glyphs.append(Glyph(  # Tesseract found the line: its words share one baseline
                text=text, x0=left * k, top=top * k, x1=(left + w) * k, bottom=(top + h) * k,
                size=size * k, baseline=base * k, conf=conf, word=True))
    rules = [Rule(x0 * k, y0 * k, x1 * k, y1 * k) for x0, y0, x1, y1 in analysis.get("rules", [])]
    _quantise_sizes(glyphs)
    return PageLayout(number=number, width=width_px * k, height=height_px * k,
                      glyphs=glyphs, rules=rules, image=image_rel)


_TEXT_SYMBOLS = set("-‐‑–—―&%§/*“”‘’\"'()[]…•·.,;:")


def _picture_noise(text: str, conf: float) -> bool:
    """A word of symbols only, read unsurely: Tesseract reading a logo or a barcode ("¢", "\\)")."""
    return conf < 0.6 and not any(c.isalnum() for c in text) and not set(text) <= _TEXT_SYMBOLS


def _quantise_sizes(glyphs: list[Glyph]) -> None:
    """Round estimated sizes to half points so that one style gets one size."""
    for g in glyphs:
        if not g.superscript:
            g.size = round(g.size * 2) / 2


def _load_page(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # missing, or torn by a killed run: OCR the page again


def _write_page(path: Path, cached: dict) -> None:
    atomic_write(path, json.dumps(cached))  # parallel workers may read it


def _rotate(image: Image.Image, angle: float) -> Image.Image:
    return image.rotate(angle, resample=Image.BICUBIC, fillcolor=255) if angle else image


def ocr_page_layouts(path: Path, numbers: list[int], *, sha256: str, dpi: int, lang: str,
                     cache_dir: Path) -> tuple[list[PageLayout], dict]:
    """OCR the given 1-based pages of a PDF (cached) and return their layouts and timing meta.

    Tesseract runs as its own process, so the pages are pipelined: while it
    reads page n, this process renders and deskews page n+1, saves page n's
    image for the review report, and finds the rules and raised markers of
    page n-1.  The markers of all pages are then read in one Tesseract call.
    At most two page images are in memory at once.
    """
    folder, version = cache_folder(cache_dir, sha256, dpi, lang)
    key = folder.name
    stats = {"ocr_seconds": 0.0, "ocr_cached_pages": 0, "ocr_pages_run": 0, "ocr_total_seconds": 0.0,
             "image_seconds": 0.0, "analysis_seconds": 0.0}
    t_all = time.perf_counter()
    prefetch.wait()  # a page of this PDF may be being read ahead
    pages = {n: _load_page(folder / f"page-{n}.json") for n in numbers}
    todo = [n for n in numbers if pages[n] is None]
    if not todo:
        prefetch.after_last_page(path)
    stats["ocr_cached_pages"] = len(numbers) - len(todo)
    to_read: list[tuple[int, dict, list[Image.Image]]] = []  # pages whose markers are still to be read

    def marks(n: int, image: Image.Image) -> None:
        t = time.perf_counter()
        analysis, crops = find_marks(image, pages[n]["data"], dpi)
        to_read.append((n, analysis, crops))
        stats["analysis_seconds"] += time.perf_counter() - t

    with PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
    try:
        with temp_dir_in(folder, "tesseract") as tmp, \
                ThreadPoolExecutor(max_workers=1) as pool:
            def load(n: int) -> PageInput:
                t = time.perf_counter()
                prepared = _tesseract_input(pdf, n, dpi, Path(tmp))
                stats["image_seconds"] += time.perf_counter() - t
                return prepared

            nxt = load(todo[0]) if todo else None
            job = pool.submit(ocr_words, nxt.pgm, lang) if nxt else None
            for k, n in enumerate(todo):
                inp = nxt
                t = time.perf_counter()  # while Tesseract reads page n:
                _save_report_image(inp.image, folder / f"page-{n}.jpg")
                stats["image_seconds"] += time.perf_counter() - t
                if k + 1 < len(todo):
                    nxt = load(todo[k + 1])
                data, seconds = job.result()
                if k + 1 < len(todo):
                    job = pool.submit(ocr_words, nxt.pgm, lang)
                inp.pgm.unlink()
                first_image = inp.image
                pages[n], image = _read_page(key, n, dpi, lang, version, inp, data, seconds, Path(tmp))
                if image is not first_image:  # a better reading of a prepared or turned image
                    _save_report_image(image, folder / f"page-{n}.jpg")
                if k + 1 == len(todo):
                    prefetch.after_last_page(path)  # Tesseract is free: the next scan's first page
                if "skipped" not in pages[n]:
                    _write_page(folder / f"page-{n}.json", pages[n])  # a killed run keeps its OCR
                stats["ocr_seconds"] += pages[n]["seconds"]
                stats["ocr_pages_run"] += 1
                stats["ocr_rereads"] = stats.get("ocr_rereads", 0) + pages[n]["readings"] - 1
                marks(n, image)  # while Tesseract reads page n+1
                del image, inp, first_image
        for n in numbers:  # cached pages: analysed by an older version, or their image is gone
            cached = pages[n]
            stale = (cached.get("analysis") or {}).get("version") != ANALYSIS_VERSION
            if n in todo or not (stale or _report_image(folder, cached) is None):
                continue
            t = time.perf_counter()
            image = build_image(page_image(pdf, n - 1, dpi), cached["recipe"])
            if _report_image(folder, cached) is None:
                _save_report_image(image, folder / f"page-{n}.jpg")
                cached["image"] = f"page-{n}.jpg"
                if not stale:
                    _write_page(folder / f"page-{n}.json", cached)
            stats["image_seconds"] += time.perf_counter() - t
            if stale:
                marks(n, image)
    finally:
        with PDFIUM:
            pdf.close()
    skipped = []
    if to_read:
        t = time.perf_counter()
        texts, failure = reread_markers([crops for _, _, crops in to_read], lang)
        for (n, analysis, _), page_texts in zip(to_read, texts):
            pages[n]["analysis"] = name_markers(analysis, pages[n]["data"], page_texts)
            if failure is None and "skipped" not in pages[n]:  # a page with a skipped step is not cached:
                _write_page(folder / f"page-{n}.json", pages[n])  # a later run tries again
        if failure is not None:
            k = 72.0 / dpi
            skipped.append({"step": "ocr.marker-reread", "reason": failure, "markers": [
                {"page": n, "text": m["text"], "bbox": [round(v * k, 2) for v in m["box"]]}
                for n, analysis, _ in to_read for m in analysis["markers"]]})
        stats["analysis_seconds"] += time.perf_counter() - t
    for n in numbers:
        if pages[n].get("skipped"):
            skipped.append({"step": "ocr.second-reading", "reason": pages[n]["skipped"], "markers": [{"page": n}]})
    layouts = []
    for n in numbers:
        cached = pages[n]
        rel = os.path.relpath(_report_image(folder, cached), Path(cache_dir).parent)
        w, h = cached["size_px"]
        layouts.append(page_layout_from_ocr(n, cached["data"], cached["analysis"], dpi, w, h, rel))
    stats["ocr_total_seconds"] = time.perf_counter() - t_all
    for k in ("ocr_seconds", "ocr_total_seconds", "image_seconds", "analysis_seconds"):
        stats[k] = round(stats[k], 3)
    # run-dependent figures go under "timing", apart from what describes the output
    meta = {"ocr": {"dpi": dpi, "lang": lang, "tesseract": version, "config": TESSERACT_CONFIG,
                    "preprocess": PREPROCESS, "cache_key": key},
            "ocr_quality": [page_quality(pages[n]) for n in numbers],
            "timing": stats}
    if skipped:
        meta["ocr"]["skipped"] = skipped
    return layouts, meta


def _page_record(key: str, n: int, dpi: int, lang: str, version: str, inp: "PageInput", image: Image.Image,
                 data: dict, seconds: float) -> dict:
    return {"key": key, "page": n, "dpi": dpi, "lang": lang, "tesseract": version,
            "config": TESSERACT_CONFIG, "preprocess": PREPROCESS, "skew": inp.recipe["skew"],
            "scan_dpi": inp.scanned_dpi, "recipe": inp.recipe,
            "size_px": list(image.size), "seconds": seconds, "image": f"page-{n}.jpg",
            "data": {f: data[f] for f in ("level", "block_num", "par_num", "line_num", "word_num",
                                          "left", "top", "width", "height", "conf", "text")}}


def _read_page(key: str, n: int, dpi: int, lang: str, version: str, inp: "PageInput", data: dict,
               seconds: float, tmp: Path) -> tuple[dict, Image.Image]:
    """Page ``n``'s record from its first reading, read again where the reading is poor.

    The cheap path: a good first reading is kept as it is.  Otherwise
    :func:`read_better` tries the page turned and prepared; the verdict is that
    of the best reading.  Returns the record and the image its words belong to.
    """
    first = quality.measure(data)
    status, why = quality.page_verdict(first, dpi=inp.scanned_dpi)
    readings, tried, evidence, skipped = 1, [], None, None
    if quality.page_verdict(first, dpi=None)[0] != "good":  # the reading itself is poor
        try:
            inp, data, first, more, tried, evidence = read_better(inp, data, first, dpi, lang, tmp)
        except Exception as exc:  # noqa: BLE001 -- a refinement that fails degrades: the first reading stays
            skipped = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
            tried = [f"second reading skipped: {skipped}"]
        else:
            seconds += more
            readings += len(tried)
            status, why = quality.page_verdict(first, dpi=inp.scanned_dpi,
                                               ink_share=evidence["ink_share"] if evidence else None)
    record = _page_record(key, n, dpi, lang, version, inp, inp.image, data, seconds)
    record.update(quality=first, status=status, why=why, readings=readings, tried=tried)
    if skipped:
        record["skipped"] = skipped  # not cached (see ocr_page_layouts): a later run reads the page again
    if evidence:
        record["evidence"] = evidence
    return record, inp.image


def page_quality(record: dict) -> dict:
    """A page's entry in the output's ``ocr.pages``: verdict, evidence, what was done to the image."""
    q = record.get("quality") or {}
    out = {"page": record["page"], "status": record.get("status", "poor"),
           "rotation": int(record.get("recipe", {}).get("rotation", 0)),
           "mean_confidence": q.get("mean_confidence"), "lexicon_share": q.get("lexicon_share"),
           "dpi": record.get("scan_dpi"), "preprocessing": describe_recipe(record.get("recipe") or {}),
           "why": record.get("why", "")}
    return out


def cache_folder(cache_dir: Path, sha256: str, dpi: int, lang: str) -> tuple[Path, str]:
    """A PDF's OCR cache folder (created) and the Tesseract version its key holds."""
    version = tesseract_version(lang)
    folder = Path(cache_dir) / "ocr" / cache_key(sha256, dpi, version, lang)
    folder.mkdir(parents=True, exist_ok=True)
    return folder, version


@dataclass
class PageInput:
    """A page as Tesseract reads it, and how it was made from the page's pixels (its recipe)."""

    base: Image.Image  # the page at the OCR resolution, before turning, deskew or preparation
    scanned_dpi: int
    recipe: dict  # {"upsample": [...], "rotation": 0, "skew": 0.0, "steps": [[name, params], ...], "log": [...]}
    image: Image.Image
    pgm: Path | None = None


def build_image(base: Image.Image, recipe: dict) -> Image.Image:
    """Replay a recipe on the page's pixels: turn, deskew, then the preparation steps."""
    image = orientation.turn(base, int(recipe.get("rotation", 0)))
    image = _rotate(image, recipe.get("skew") or 0.0)
    steps = [(name, dict(params)) for name, params in recipe.get("steps", [])]
    if steps:
        image = Image.fromarray(prepare.apply_plan(np.asarray(image), steps)[0])
    return image


def describe_recipe(recipe: dict) -> list[str]:
    """What was done to a page's image, in order: 'upsample 150->300', 'rotate 180', 'deskew 1.2', ..."""
    done = list(recipe.get("upsample", []))
    if recipe.get("rotation"):
        done.append(f"rotate {recipe['rotation']}")
    if recipe.get("skew"):
        done.append(f"deskew {recipe['skew']}")
    return done + list(recipe.get("log", []))


def _tesseract_input(pdf: pdfium.PdfDocument, n: int, dpi: int, tmp: Path) -> PageInput:
    """Page ``n`` deskewed, and saved uncompressed (the cheapest image for Tesseract to read)."""
    base, scanned_dpi, upsampled = page_pixels(pdf, n - 1, dpi)
    image, angle = deskew(base)
    pgm = tmp / f"page-{n}.pgm"
    with needing(image.width * image.height):  # a full disk says how much the page needed
        image.save(pgm)
    return PageInput(base, scanned_dpi, {"upsample": upsampled, "rotation": 0, "skew": angle, "steps": [], "log": []},
                     image, pgm)


def read_better(inp: PageInput, data: dict, first: dict, dpi: int, lang: str, tmp: Path):
    """Read a poor page again, turned and prepared as its evidence says; the best reading wins.

    1. A reading that is mostly not words may be of a turned page: Tesseract's
       OSD says which way is up (:mod:`pipeline.extract.orientation`); the page
       turned is deskewed and read again.
    2. The best image so far is measured (:func:`prepare.measure`) and the steps
       its damage calls for (:func:`prepare.plan`) are run; it is read again.
    3. A page still unreadable gets the strongest cleaning before it is given up.
    Each reading is scored by :func:`quality.score`; the best one wins.
    Returns (input, data, measures, Tesseract seconds, what was tried, evidence).
    """
    best = (quality.score(first), inp, data, first)
    tried: list[str] = []
    seconds = 0.0

    def read(candidate: PageInput, label: str) -> None:
        nonlocal best, seconds
        d, sec = ocr_words(candidate.image, lang)
        seconds += sec
        m = quality.measure(d)
        better = quality.score(m) > best[0]
        tried.append(f"{label}: confidence {m['mean_confidence']}, lexicon {m['lexicon_share']}"
                     + (" (kept)" if better else " (worse)"))
        if better:
            best = (quality.score(m), candidate, d, m)

    share, conf = first["lexicon_share"], first["mean_confidence"]
    if (share is None or share < quality.GOOD_LEXICON - 0.1 or (conf or 0) < quality.UNREADABLE_CONFIDENCE + 15
            or first.get("sideways")):
        degrees, osd_conf = orientation.detect(inp.image, lang)
        if degrees and osd_conf >= orientation.MIN_CONFIDENCE:
            image, angle = deskew(orientation.turn(inp.base, degrees))
            recipe = {**inp.recipe, "rotation": degrees, "skew": angle}
            read(PageInput(inp.base, inp.scanned_dpi, recipe, image),
                 orientation.describe(degrees, osd_conf))
    current = best[1]
    gray = np.asarray(current.image)
    evidence = prepare.measure(gray, dpi, inp.scanned_dpi)
    if quality.page_verdict(best[3], dpi=None)[0] == "good":  # turned upright, it reads well
        return current, best[2], best[3], seconds, tried, evidence.to_json()
    steps = prepare.plan(evidence)
    out, log = prepare.apply_plan(gray, steps)
    if log:
        recipe = {**current.recipe, "steps": [[name, params] for name, params in steps], "log": log}
        read(PageInput(current.base, current.scanned_dpi, recipe, Image.fromarray(out)), "prepared " + ", ".join(log))
    if quality.page_verdict(best[3], dpi=None, ink_share=evidence.ink_share)[0] == "unreadable":
        steps = prepare.STRONG
        out, log = prepare.apply_plan(gray, steps)
        recipe = {**current.recipe, "steps": [[name, params] for name, params in steps], "log": log}
        read(PageInput(current.base, current.scanned_dpi, recipe, Image.fromarray(out)), "cleaned hard " + ", ".join(log))
    _, chosen, data, m = best
    return chosen, data, m, seconds, tried, evidence.to_json()


def read_first_page(path: Path, *, sha256: str, dpi: int, lang: str, cache_dir: Path) -> None:
    """Page 1 of a PDF into its OCR cache, as :func:`ocr_page_layouts` reads it (no analysis yet).

    Used to read ahead (:mod:`pipeline.extract.prefetch`); the document's own
    extraction finds the words cached and analyses the page as usual.
    """
    folder, version = cache_folder(cache_dir, sha256, dpi, lang)
    if (folder / "page-1.json").exists():
        return
    with PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
    try:
        with temp_dir_in(folder, "tesseract") as tmp:
            inp = _tesseract_input(pdf, 1, dpi, Path(tmp))
            data, seconds = ocr_words(inp.pgm, lang)
            record, image = _read_page(folder.name, 1, dpi, lang, version, inp, data, seconds, Path(tmp))
    finally:
        with PDFIUM:
            pdf.close()
    _save_report_image(image, folder / "page-1.jpg")
    _write_page(folder / "page-1.json", record)


def _save_report_image(image: Image.Image, path: Path) -> None:
    """The page as the review report shows it: JPEG, a third of PNG's encoding time and size."""
    with atomic_file(path) as f, needing(image.width * image.height):
        image.save(f, format="JPEG", quality=85)


def _report_image(folder: Path, cached: dict) -> Path | None:
    """The saved page image (PNG in caches written before JPEG was used)."""
    for name in (cached.get("image"), f"page-{cached['page']}.png"):
        if name and (folder / name).exists():
            return folder / name
    return None

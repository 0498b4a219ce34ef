"""Page preparation for Tesseract: small image steps, chosen per page from measured evidence.

A good scan is read as it is (after deskew, :mod:`pipeline.extract.ocr.image`).  A
page whose first reading is poor is measured (:func:`measure`): how much of it
is ink, how many specks of ink too small to be a glyph's part, how noisy its
background is, how thick its strokes are against its letters' height, how
uneven its background.  :func:`plan` turns that evidence into a list of named
steps, :func:`apply_plan` runs them and says what each did, e.g.::

    ["denoise median 3", "binarize sauvola 41", "despeckle 212", "close 2"]

Every step is a pure function from a grey image (a ``numpy`` uint8 array, ink
dark) to another, registered in :data:`STEPS` under the name the log uses.
OpenCV (its headless wheel) does the pixel work: connected components,
morphology, median and box filters run in C on a 300 dpi page in a few
milliseconds each, where the same in numpy would take seconds.

A step that the evidence does not call for is not run; a step that finds
nothing to do (no speck to remove) returns the image unchanged and says so.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

import cv2
import numpy as np

INK = 128  # on a binarised or clean page, darker than this is ink


@dataclass(frozen=True)
class Evidence:
    """What a page's pixels say about its damage (all scaled to 300 dpi)."""

    dpi: int  # the resolution the page was scanned at (its own pixels), or rendered at
    ink_share: float  # share of the page that is ink
    bilevel: bool  # only black and white pixels (a thresholded scan or fax)
    noise: float  # spread of the paper's grey (0 on a clean or bilevel page)
    speckle: float  # ink components too small to be part of a glyph, per 1000 glyph-sized ones
    stroke: float  # median stroke width in px at 300 dpi (a 10 pt roman stem is about 3)
    x_height: float  # median height of glyph-sized components in px at 300 dpi
    uneven: float  # spread of the background's brightness across the page (shadows, stains)

    def to_json(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _ink(gray: np.ndarray) -> np.ndarray:
    """Ink mask by Otsu's threshold (one global cut between paper and ink)."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def measure(gray: np.ndarray, dpi: int, scanned_dpi: int | None = None) -> Evidence:
    """The page's damage, measured (``gray`` at ``dpi``; ``scanned_dpi`` its own resolution)."""
    scale = 300.0 / dpi
    values = np.bincount(gray.ravel(), minlength=256)
    bilevel = values[1:255].sum() <= 0.002 * gray.size
    mask = _ink(gray)
    ink_share = float(np.count_nonzero(mask)) / mask.size
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA] * scale * scale
    heights = stats[1:, cv2.CC_STAT_HEIGHT] * scale
    tiny = int(np.count_nonzero(areas <= 6))
    glyphs = (areas > 12) & (heights >= 8) & (heights <= 80)
    n_glyphs = int(np.count_nonzero(glyphs))
    x_height = float(np.median(heights[glyphs])) if n_glyphs else 0.0
    if n_glyphs and np.count_nonzero(mask):
        dist = cv2.distanceTransform(mask, cv2.DIST_L2, 3)
        # a stroke's width is twice the distance from its middle to its edge: local maxima of the transform
        ridge = dist[(dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8))) & (dist > 0)]
        stroke = float(np.median(ridge)) * 2.0 * scale
    else:
        stroke = 0.0
    noise = 0.0 if bilevel else paper_noise(gray)
    small = cv2.resize(gray, (max(1, gray.shape[1] // 32), max(1, gray.shape[0] // 32)), interpolation=cv2.INTER_AREA)
    background = cv2.dilate(small, np.ones((5, 5), np.uint8))  # the paper around each tile, ink removed
    uneven = 0.0 if bilevel else float(np.percentile(background, 95) - np.percentile(background, 5))
    return Evidence(dpi=int(scanned_dpi or dpi), ink_share=ink_share, bilevel=bool(bilevel), noise=noise,
                    speckle=1000.0 * tiny / max(1, n_glyphs), stroke=stroke, x_height=x_height, uneven=uneven)


# ---------------------------------------------------------------- the steps


def upsample(gray: np.ndarray, factor: float) -> np.ndarray:
    """Scale a low-resolution scan up to the resolution Tesseract reads best (bicubic).

    150 dpi -> 300 dpi doubles each side; a bilevel scan's staircase edges
    become grey ramps, which Tesseract's own thresholding handles well.
    """
    if factor <= 1.0:
        return gray
    h, w = gray.shape
    return cv2.resize(gray, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_CUBIC)


def smooth(gray: np.ndarray, sigma: float = 0.6) -> np.ndarray:
    """Gaussian smoothing: a bilevel scan's staircase edges become ramps before it is scaled up.

    Tesseract reads such ramps better than the blocks a 1-bit 200 dpi scan
    scales up to (three 200 dpi photocopies: bag-of-words error 2.2% -> 1.6%).
    """
    return cv2.GaussianBlur(gray, (0, 0), sigma)


def descreen(gray: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    """Gaussian smoothing wide enough to merge a screen's dots into the grey they print: a page a
    scanner's bilevel mode dithered (:func:`screened`) becomes grey paper with solid print again.

    Tesseract reads the dots as ink: on two dithered 300 dpi pages on grey paper (``bench/scan_families.py``'s
    ``dithered``) it missed 56% of the body words; smoothed by 1.5 px, its mean word confidence on one went
    from 43 to 95.
    """
    return cv2.GaussianBlur(gray, (0, 0), sigma)


def unborder(gray: np.ndarray, span: float = 0.25) -> np.ndarray:
    """The dark border a scan caught around the paper (a copier's open lid, the scanner's bed, a band a
    photocopy darkened along one side) made paper: every dark region that touches the image's edge and
    runs along at least ``span`` of one side, with the grey halo of its edge (2 px).

    Such a border is no content, and it misleads what reads the page: Tesseract took a frame's
    edges into the lines beside them, and the page's layout (its margin, its footnote rule and zone,
    its foot's furniture) was measured from the frame, so a page's notes ran into its last paragraph.
    """
    mask = (gray < INK).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = gray.shape
    x, y, bw, bh = (stats[:, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    edge = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    border = edge & ((bw >= span * w) | (bh >= span * h))
    border[0] = False  # the paper
    if not border.any():
        return gray
    dark = cv2.dilate(border[labels].astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    out = gray.copy()
    out[dark] = 255
    return out


def soften(gray: np.ndarray, across: float = 1.5, down: float = 0.75) -> np.ndarray:
    """Gaussian smoothing with its own spread on each axis (px): a fax's rows read as print.

    Each row of a fax was thresholded on its own, so a stem's edges jump by a
    column from one row to the next; smoothed along the rows (``across``) they
    become straight grey ramps, which Tesseract's line recogniser (it reads grey)
    takes for print.  A hairline a row tall is smoothed little down the page
    (``down``), or it fades.  See :func:`plan_coarse_rows` for the figures.
    """
    return cv2.GaussianBlur(gray, (0, 0), sigmaX=across, sigmaY=down)


def denoise(gray: np.ndarray, size: int = 3) -> np.ndarray:
    """Median filter: grey noise and isolated dark or light pixels go, edges stay sharp."""
    return cv2.medianBlur(gray, size)


def binarize_otsu(gray: np.ndarray) -> np.ndarray:
    """One global threshold between paper and ink (Otsu): for an evenly lit page."""
    _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return out


def binarize_sauvola(gray: np.ndarray, window: int = 41, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola's local threshold ``mean * (1 + k * (std / r - 1))`` over a window of ``window`` px.

    For pages with shadows, stains or faded regions, where one global cut loses
    either the light text or the dark background.  Means and deviations come
    from box filters (integral images), so the cost does not grow with the window.
    """
    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    sq = cv2.boxFilter(g * g, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    std = np.sqrt(np.maximum(sq - mean * mean, 0.0))
    threshold = mean * (1.0 + k * (std / r - 1.0))
    return np.where(g > threshold, 255, 0).astype(np.uint8)


def _lone_specks(gray: np.ndarray, max_area: int, apart: int = 3,
                 alone: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(lone specks' pixel mask, per-label lone flags, per-label areas, glyph-sized components) of ``gray``'s ink.

    A speck is an ink component of at most ``max_area`` px.  It is lone when no larger ink stands
    within ``apart`` px (a dot over its i, a full stop or comma by its word are not lone); with
    ``alone``, when no other ink at all does (the pieces of a letter broken by a light threshold
    stand close to each other, whatever their size).
    """
    mask = (gray < INK).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    areas = stats[:, cv2.CC_STAT_AREA]
    small = areas <= max_area
    small[0] = False
    glyphs = int(np.count_nonzero(~small[1:]))
    flags = np.zeros(n, bool)
    if not small.any():
        return np.zeros(gray.shape, bool), flags, areas, glyphs
    if alone:  # ink within ``apart`` px of other ink joins it once each is widened by half of that
        _, joined = cv2.connectedComponents(cv2.dilate(mask, np.ones((apart + 1, apart + 1), np.uint8)))
        group = np.zeros(n, np.int64)
        hit = small[labels]  # a speck's group, read at its own pixels
        group[labels[hit]] = joined[hit]
        inks = np.bincount(joined[mask > 0], minlength=int(joined.max()) + 1)  # ink pixels of each group
        flags = small & (inks[group] == areas)  # no ink in its group but its own
        flags[0] = False
        return flags[labels], flags, areas, glyphs
    big = mask.copy()
    big[small[labels]] = 0
    near_big = cv2.dilate(big, np.ones((2 * apart + 1, 2 * apart + 1), np.uint8)) > 0
    lone_px = small[labels] & ~near_big  # pixel by pixel: a speck's part beside a glyph stays
    flags[np.unique(labels[lone_px])] = True
    flags[0] = False
    return lone_px, flags, areas, glyphs


def despeckle(gray: np.ndarray, max_area: int = 4, apart: int = 3, alone: bool = False) -> np.ndarray:
    """Remove specks: ink components of at most ``max_area`` px with no larger ink within ``apart``
    px (with ``alone``, no other ink at all).

    A speck beside a letter may be its dot (i, j) or a full stop, so only
    specks with no glyph near them are removed.
    """
    lone, _, _, _ = _lone_specks(gray, max_area, apart, alone)
    if not lone.any():
        return gray
    out = gray.copy()
    out[lone] = 255
    return out


def close_strokes(gray: np.ndarray, size: int = 3) -> np.ndarray:
    """Morphological closing of the ink (a ``size`` square, odd): joins strokes broken by light or eroded print.

    A 3 px square fills breaks of up to 2 px, less than a letter's counter at 300 dpi.
    """
    kernel = np.ones((size, size), np.uint8)
    return cv2.morphologyEx(gray, cv2.MORPH_OPEN, kernel)  # ink is dark: opening the paper closes the ink


def thicken(gray: np.ndarray, size: int = 2) -> np.ndarray:
    """Widen every stroke by ``size - 1`` px (a ``size`` square minimum filter): light, eroded print.

    Gentler than :func:`close_strokes`: it fills no gap, a letter's counter
    stays open, but a 2 px stem becomes 3 px, which Tesseract reads as the
    letter it is (an eroded "E.96.IV.13" was read "E.96.1V.13", "XIII" "XHI").
    """
    return cv2.erode(gray, np.ones((size, size), np.uint8))  # ink is dark: eroding the paper widens the ink


def thin(gray: np.ndarray, size: int = 2) -> np.ndarray:
    """Narrow every stroke by ``size - 1`` px (a ``size`` square maximum filter): the inverse of
    :func:`thicken`, for a page read with strokes too wide (after thicken, a one-pixel break the
    widening bridged stays bridged).  Used for a second reading to vote with (:mod:`.ocr.fusion`)."""
    return cv2.dilate(gray, np.ones((size, size), np.uint8))  # ink is dark: dilating the paper narrows the ink


def open_strokes(gray: np.ndarray, size: int = 3) -> np.ndarray:
    """Morphological opening of the ink (a ``size`` square, odd): cuts the bridges between bled letters.

    Run only where strokes are thick (bled ink), where a 3 px square removes
    ink bridges and burrs but no stroke.
    """
    kernel = np.ones((size, size), np.uint8)
    return cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel)  # closing the paper opens the ink


Step = Callable[..., np.ndarray]
STEPS: dict[str, Step] = {
    "upsample": upsample,
    "smooth": smooth,
    "soften": soften,
    "descreen": descreen,
    "unborder": unborder,
    "denoise": denoise,
    "binarize otsu": binarize_otsu,
    "binarize sauvola": binarize_sauvola,
    "despeckle": despeckle,
    "close": close_strokes,
    "thicken": thicken,
    "thin": thin,
    "open": open_strokes,
}

# Evidence thresholds (scaled to 300 dpi), each the edge of a family of damage, not of one sample
NOISY = 5.0  # the paper's grey noise (paper_noise): clean and JPEG scans 0-2, grainy ones 10-20
UNEVEN = 40.0  # background brightness spread across the page: shadows, stains
SPECKLED = 60.0  # specks per 1000 glyphs: a clean page has a few (dots, commas read apart)
THIN = 2.2  # px: a roman 10 pt stem is about 3 px at 300 dpi; eroded print is thinner
BLED = 5.5  # px: thicker strokes fill the counters of e, a, s


def plan(ev: Evidence) -> list[tuple[str, dict]]:
    """The steps a page's evidence calls for, in the order they run.

    >>> plan(Evidence(dpi=200, ink_share=0.08, bilevel=True, noise=0, speckle=250, stroke=3.1, x_height=20, uneven=0))
    [('despeckle', {'max_area': 4})]
    """
    steps: list[tuple[str, dict]] = []
    if ev.noise >= NOISY:
        steps.append(("denoise", {"size": 3}))
    if not ev.bilevel:
        if ev.uneven >= UNEVEN:
            steps.append(("binarize sauvola", {"window": 41, "k": 0.2}))
        elif ev.noise >= NOISY or ev.stroke and (ev.stroke < THIN or ev.stroke > BLED):
            steps.append(("binarize otsu", {}))
    if ev.speckle >= SPECKLED:
        steps.append(("despeckle", {"max_area": 4}))
    if ev.stroke and ev.stroke < THIN:
        steps.append(("close", {"size": 3}))
    elif ev.stroke > BLED:
        steps.append(("open", {"size": 3}))
    return steps


def paper_noise(gray: np.ndarray) -> float:
    """The paper's grey noise: a robust spread (1.4826 x median absolute deviation) of the pixels
    lighter than Otsu's threshold, on every 8th row.  Glyph edges and JPEG ringing are too few
    to move a median: clean and compressed scans give 0-2, a worn scanner's grain 10-20.
    """
    sample = np.ascontiguousarray(gray[::8])
    cut, _ = cv2.threshold(sample, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    paper = sample[sample > cut].astype(np.float32)
    if paper.size == 0:
        return 0.0
    return float(1.4826 * np.median(np.abs(paper - np.median(paper))))


def plan_grey(gray: np.ndarray, dpi: int = 300) -> list[tuple[str, dict]]:
    """Steps for a grey page before its first reading (``gray`` at ``dpi``).

    A grainy page is median-filtered: Tesseract's page segmentation takes grainy
    small print for a picture and drops it (a footnote at 300 dpi with grain 19
    came back only after a 3 px median).  A page sprinkled with specks (impulse,
    "salt and pepper" noise: more specks than letters, :func:`sprinkled`) is
    median-filtered too, which takes the single dark and light pixels from paper and
    strokes alike, and its specks the median leaves (JPEG spreads them) go as a
    bilevel scan's do.  Its paper's grey spread stays low (the median of the paper
    is untouched), so grain alone would not see it; a grainy page's grain makes specks
    too, and the median is all it gets.
    """
    if paper_noise(gray) >= NOISY:
        return [("denoise", {"size": 3})]
    if sprinkled(gray, dpi):
        return [("denoise", {"size": 3}), ("despeckle", {"max_area": speck_px(SPECK_AREA, dpi, dpi)})]
    return []


# Specks per 1000 glyph-sized components on a grey page's middle half: salt-and-pepper noise gives
# thousands (0.1% of pixels is about 8000 specks on a page of 3000 letters); clean, JPEG q30,
# grainy, 150 dpi and bled scans 0-110 (scan_families, every family, three documents each)
SPRINKLED = 600.0


def sprinkled(gray: np.ndarray, dpi: int = 300) -> bool:
    """The page is sprinkled with specks, judged on its middle half (a quarter of the cost)."""
    h = gray.shape[0]
    return speckle_count(np.ascontiguousarray(gray[h // 4: 3 * h // 4]), dpi) >= SPRINKLED


# Mean horizontal ink run (px at 300 dpi, runs of 12 px or less): body text scanned at 150-300 dpi
# gives 4.4-5.0, bled or blurred print 5.3-7.2; light print thresholded hard (only stroke cores
# kept) 3.6-4.0, a thin typewriter face 3.2-3.4 (thickened, it reads as well or better)
THIN_RUNS = 4.2


def stroke_runs(gray: np.ndarray, step: int = 4) -> float:
    """Mean length of the horizontal ink runs of at most 12 px, on every ``step``-th row.

    Most such runs cross a vertical stem, so this is about a stroke's width;
    a hundredth of the cost of :func:`measure`'s distance transform, so it can
    run on every page before its first reading.
    """
    rows = np.ascontiguousarray(gray[::step])
    cut, _ = cv2.threshold(rows, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    ink = np.pad((rows <= cut).astype(np.int8), ((0, 0), (1, 1)))
    d = np.diff(ink, axis=1).ravel()
    runs = np.nonzero(d == -1)[0] - np.nonzero(d == 1)[0]
    runs = runs[runs <= 12]
    return float(runs.mean()) if runs.size >= 50 else 0.0


def plan_strokes(gray: np.ndarray, dpi: int = 300) -> list[tuple[str, dict]]:
    """Steps for a page of thin strokes before its first reading: widen them by a pixel.

    ``gray`` is the page at ``dpi`` (the OCR resolution).  Nothing on a page of
    normal print, or with too little ink to measure.
    """
    runs = stroke_runs(gray) * 300.0 / dpi
    return [("thicken", {"size": 2})] if 0 < runs < THIN_RUNS else []


def is_bilevel(gray: np.ndarray) -> bool:
    """Only black and white (a thresholded scan, a fax), judged on a sample of rows."""
    sample = gray[:: max(1, gray.shape[0] // 200)]
    hist = np.bincount(sample.ravel(), minlength=256)
    return bool(hist[1:255].sum() <= 0.002 * sample.size)


def speckle_count(gray: np.ndarray, dpi: int) -> float:
    """Ink components of at most 6 px (at 300 dpi) per 1000 glyph-sized ones."""
    scale = 300.0 / dpi
    mask = (gray < INK).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA] * scale * scale
    heights = stats[1:, cv2.CC_STAT_HEIGHT] * scale
    glyphs = int(np.count_nonzero((areas > 12) & (heights >= 8) & (heights <= 80)))
    return 1000.0 * int(np.count_nonzero(areas <= 6)) / max(1, glyphs)


# The specks a bilevel scan loses before its first reading, in px at 300 dpi.  Up to 8 px (half a full
# stop) when no glyph stands within 3 px; up to 20 px (a 0.38 mm square: a dirtier glass's specks, 2-3 px
# at 200 dpi) only when nothing stands within 0.8 mm, since a full stop is as large and stands a stroke's
# width or two from its word ("Distr.:", "L.6": their stops went when the 3 px rule took specks this large).
SPECK_AREA = 8
LARGE_SPECK_AREA = 20
LARGE_SPECK_APART_MM = 0.8


def speck_px(area: float, across: int, down: int) -> int:
    """``area`` px at 300 dpi in the pixels of a scan at ``across`` x ``down`` dpi (at least one)."""
    return max(1, round(area * across * down / 300.0 ** 2))


def plan_bilevel(gray: np.ndarray, dpi: int | tuple[int, int], *, fragments: bool = False) -> list[tuple[str, dict]]:
    """Steps for a bilevel scan before its first reading: its specks go (they become words and
    widen lines), found exactly at the scan's own resolution (``dpi``, or (across, down) for a fax).
    Each size of speck is removed only when the page has many of it, standing alone (per 1000
    glyph-sized components, :data:`SPECKLED`).

    With ``fragments``, a small speck goes only when no other ink at all stands within 3 px: a
    light threshold breaks thin strokes into pieces as small as specks, side by side, and the
    rule for specks by no glyph takes them ("of", "or" lose letters).  That reading is made only
    for a page whose first reading is poor (:func:`fragments_lost`):
    on normal print it keeps dust the first rule takes.
    """
    across, down = dpi if isinstance(dpi, tuple) else (dpi, dpi)
    small, large = speck_px(SPECK_AREA, across, down), speck_px(LARGE_SPECK_AREA, across, down)
    steps: list[tuple[str, dict]] = []
    if speckle_count(gray, min(across, down)) >= SPECKLED:
        steps.append(("despeckle", {"max_area": small, "apart": 3, "alone": True} if fragments else {"max_area": small}))
    apart = max(3, round(LARGE_SPECK_APART_MM * min(across, down) / 25.4))
    _, flags, areas, glyphs = _lone_specks(gray, large, apart, alone=True)
    if large > small and 1000.0 * int(np.count_nonzero(flags & (areas > small))) / max(1, glyphs) >= SPECKLED:
        steps.append(("despeckle", {"max_area": large, "apart": apart, "alone": True}))
    return steps


def fragments_lost(log: list[str]) -> bool:
    """Whether a page's first image (its log, ``["despeckle 4", "smooth 0.6", "upsample 200->300"]``)
    may have lost letters' pieces to its despeckling: a bilevel scan despeckled before its first
    reading.  A light threshold breaks thin strokes into pieces as small as specks, which the rule for
    specks by no glyph takes; such a page whose reading is poor is read again with the pieces kept
    (:func:`plan_bilevel` ``fragments``).  Not a fax prepared for its coarse rows
    (:func:`prepared_for_rows`): it is read once.
    """
    steps = [str(s).split(" ")[0] for s in log]
    return "despeckle" in steps and not prepared_for_rows(log)


# A screened (dithered) page: more than this share of its ink stands in dots of at most DOT_AREA px at 300 dpi,
# 4-connected (a checkerboard's dots touch only at corners).  Error diffusion of grey paper (190-215) gives 0.84-0.86;
# bilevel photocopies with specks, faxes and grey scans, salt-and-pepper noise included, 0-0.12
# (bench/scan_families.py, every family and variant, two documents each).
SCREENED = 0.3
DOT_AREA = 4
# px of the scan's own pixels, at any resolution: a dither's dots lie 1-3 of its pixels apart.  One line of print
# dithered on grey paper (200 and 225) at 150, 200 and 300 dpi read word for word at 1.0-1.5 px; at 0.75 px the
# dots stay (nothing read at 150 and 300 dpi), at 2.0 px a 150 dpi page's letters blur ("Rex alling").
DESCREEN_SIGMA = 1.25


def screened(gray: np.ndarray, dpi: int) -> bool:
    """Is the page a field of dots (a scanner's dithered or screened bilevel mode), not print on paper?
    ``gray`` at ``dpi`` its own resolution."""
    mask = (gray < INK).astype(np.uint8)
    ink = int(np.count_nonzero(mask))
    if ink == 0:
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    areas = stats[1:, cv2.CC_STAT_AREA]
    return float(areas[areas <= speck_px(DOT_AREA, dpi, dpi)].sum()) / ink > SCREENED


def plan_screen(gray: np.ndarray, dpi: int) -> list[tuple[str, dict]]:
    """Steps for a screened page before anything else (:func:`screened`), at its own resolution ``dpi``:
    :func:`descreen` it.  Nothing on any other page."""
    return [("descreen", {"sigma": DESCREEN_SIGMA})] if screened(gray, dpi) else []


# A dark border runs along at least this share of a side of the image (a speck or a letter at the edge does not).
BORDER_SPAN = 0.25


def _longest_dark_run(edge: np.ndarray) -> int:
    dark = np.concatenate(([0], (edge < INK).astype(np.int8), [0]))
    d = np.diff(dark)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    return int((ends - starts).max()) if starts.size else 0


def plan_border(gray: np.ndarray) -> list[tuple[str, dict]]:
    """Steps for a page whose image edge is dark along a quarter of a side or more: :func:`unborder`.
    Judged on the four rows and columns of the image's edge alone (nothing to measure on a page
    with a clean edge, as every born-digital rendering and most scans have)."""
    edges = (gray[0], gray[-1], gray[:, 0], gray[:, -1])
    if any(_longest_dark_run(e) >= BORDER_SPAN * e.size for e in edges):
        return [("unborder", {"span": BORDER_SPAN})]
    return []


# Rows scanned below this (dpi down) are coarser than Tesseract needs: a fax's standard mode (98)
COARSE_ROWS = 150


def plan_coarse_rows(dpi_x: int, dpi_y: int, dpi: int) -> list[tuple[str, dict]]:
    """Steps for a bilevel scan whose rows are coarse (below :data:`COARSE_ROWS`, a fax's
    standard mode, 204 dpi across and 98 down) once it is scaled to ``dpi`` on both axes:
    :func:`soften` it by one pitch of the finer axis along that axis, a quarter pitch of
    the coarser one along the other.  Nothing for a scan whose rows are fine enough
    (a fine-mode fax, 204 x 196, reads as well as any 200 dpi photocopy).

    Measured on 24 standard-mode fax pages (6 documents at 3 seeds and 6 others of
    ``bench/scan_families.py``'s fax), words missed by Tesseract's raw reading:
    9.7% as read before (smoothed 0.6 px, stretched, scaled up); 9.8% scaled up
    with no smoothing, 14.2% with nearest rows, 11.9% re-thresholded; smoothed
    after scaling 0.7 px 8.5%, 1.3 px 6.9%, 2.0 px 7.2%; twice as much down as
    across (0.7 x 1.4) 10.7%, twice as much across (1.4 x 0.7) 6.2%.  Faxes of other
    generators: rows point-sampled at 200 x 100 2.3% -> 3.0%, thresholded dark
    (thin strokes) 16.8% -> 6.3%, thick strokes 2.2% -> 2.0%.

    >>> plan_coarse_rows(204, 98, 300)
    [('soften', {'across': 1.47, 'down': 0.77})]
    >>> plan_coarse_rows(204, 196, 300)
    []
    """
    if min(dpi_x, dpi_y) >= COARSE_ROWS:
        return []
    pitch_x, pitch_y = dpi / dpi_x, dpi / dpi_y
    if dpi_x >= dpi_y:
        across, down = pitch_x, pitch_y / 4
    else:
        across, down = pitch_x / 4, pitch_y
    return [("soften", {"across": round(across, 2), "down": round(down, 2)})]


def prepared_for_rows(log: list[str]) -> bool:
    """Whether a page's first image was prepared for its coarse rows (:func:`plan_coarse_rows`, its log
    ``["stretch 204x98->300", "soften 1.47"]``): then it is read once.  Its other preparations
    (:func:`plan` binarises it again, undoing the softening) and a reading with the other stroke
    treatment for voting (:mod:`.ocr.fusion`) cost two Tesseract readings a page for little:
    on the 6 fax pages of ``bench/scan_bench.py --per-family 6`` (seed 14) read three times,
    51 body words missed in 21.3 s; read once, 57 in 12.0 s.
    """
    return any(str(step).startswith("soften") for step in log)


def apply_plan(gray: np.ndarray, steps: list[tuple[str, dict]]) -> tuple[np.ndarray, list[str]]:
    """Run ``steps`` in order; the log names each step that changed the image, with its parameter."""
    done: list[str] = []
    for name, params in steps:
        out = STEPS[name](gray, **params)
        if out is not gray and (out.shape != gray.shape or not np.array_equal(out, gray)):
            arg = next(iter(params.values()), None)
            done.append(name if arg is None else f"{name} {arg}")
        gray = out
    return gray, done


# A page still unreadable after the steps its evidence called for gets these before it is given up.
STRONG: list[tuple[str, dict]] = [("denoise", {"size": 3}), ("binarize sauvola", {"window": 41, "k": 0.2}),
                                  ("despeckle", {"max_area": 4}), ("close", {"size": 3})]

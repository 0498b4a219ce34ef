"""Lines of text the page reading lost: ink no word covers, read again line by line.

Tesseract's page segmentation finds lines before it reads them.  On heavy print
(bled ink, a dark photocopy) two tight lines' descenders and ascenders touch,
and the segmentation may take them for one tall line, or for a picture: both
lines come back as nothing or as a few scraps (": : isplaced lati" for
"to drive forced displacement ... / situations, including forcibly displaced
..."), on a page whose other lines read at confidence 93 (a "good" page).  No
word of a reading says so; the page's ink does:

1. the words' boxes are cut out of the page's ink (:func:`uncovered`); a box
   taller than one line (a scrap spread over two lines) covers nothing;
2. what is left is measured row by row.  A row where the left-over ink runs
   along a quarter of the body's line width (:data:`CORE_SHARE`) is inside the
   x-height of a line no word covers; such rows, a line's x-height tall
   (:data:`CORE_HEIGHT`, against the words' own lines), are a *lost line*
   (:func:`lost_lines`).  A clean page has none: what words do not cover
   there is an emblem, a rule, a barcode (too short or too tall a band, or too
   narrow), and slivers of ink at the words' edges (a few px a row);
3. each lost line is cut from the page at its own height (its x-height, an
   ascender's room above and a descender's below) and read alone as one line
   (``--psm 13``, all of a page's lost lines in one Tesseract call);
4. a line's new reading counts only when it is mostly words (:data:`MIN_LEXICON`):
   a barcode read as a line stays what it was.  Its words and the page's words
   over the same ink are taken in groups (boxes overlapping across and down);
   a group's new words replace its old ones where they read better by the rule
   a page's readings are chosen by (more characters of English words,
   :func:`pipeline.extract.quality.measure`; a word read the same is left as it
   was, unless its box reached over two lines: its line is measured from its
   words' boxes, and was put out of order); new words over ink no word covered
   are added, words or not ("evel" for "level": a doubtful word, read again
   later), and an old word kept on the line's core joins its line.  A group
   with an old word reaching over rows no lost line was
   read from (a masthead's "Distr.: General" read with the date below it as one
   tall "Dist:") is left as it was.

A page with no lost line costs one pass over its ink and no Tesseract call.
What was done is returned as data (:func:`read_lost_lines`) and counted in the
page's ``preprocessing`` ("read 2 lost lines again").
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline import grammar as G
from pipeline.extract import quality, reread
from pipeline.extract.ocr import engine, tesseract
from pipeline.extract.ocr.geometry import ASCENDER, ASCENDING, DESCENDING, line_metrics, word_rows

TEXT_LINE = 4  # a Tesseract line of this many words or more measures the body's lines ...
SURE_LINE = 80.0  # ... when its words' median confidence is this or more (not a line of scraps over two lines)
MIN_LINES = 3  # fewer such lines: no body to measure against, nothing is looked for
TALL = 1.5  # a word's box this many line heights tall covers two lines: it covers nothing
SCRAP = 50.0  # ... nor does a word read below this confidence that is no English word
CORE_SHARE = 0.25  # a row inside a line's x-height: uncovered ink along this share of the body's line width
CORE_HEIGHT = (0.25, 0.8)  # a lost line's core rows, against the body's line height (x-height 0.3-0.5)
MIN_WIDTH = 2.0  # ... and its uncovered ink at least this many line heights wide (a word or two)
MIN_FILL = 0.5  # ... with ink in this share of the columns it spans (lost lines 0.6-0.95; a page foot's
#                 barcode, recycling sign and QR code on one row 0.33)
ABOVE, BELOW = 0.9, 0.75  # a lost line is read from its core's top less this many core heights, to its bottom plus
MIN_LEXICON = 0.7  # a lost line's new reading: this share of its words English words, else it stays lost
INSIDE = 0.7  # an old word is replaced only when this share of its height lies in rows a lost line was read from
MAX_LINES = 40  # a page with more "lost lines" than this is no page of text lost here and there: left alone
X_HEIGHT, DESCENDER = 0.46, 0.22  # of the font size (geometry.size_factor's)
READ_CONFIG = "--oem 1 --psm 13"  # the ``raw line`` reading of :mod:`.tessapi`
BORDER = 10  # white px around a line read alone


@dataclass(frozen=True)
class Band:
    """A lost line: its core rows (x-height) and the columns of its uncovered ink, in page pixels."""

    top: int
    bottom: int
    left: int
    right: int
    size: float = 0.0  # its type's size in px as the page's own words measure it (0: from its core alone)

    def word_box(self, text: str, x0: int, x1: int) -> tuple[int, int, int, int]:
        """A word's box (x0, y0, x1, y1) on this line, from its baseline, its size and the word's letters:
        a raw line's reading boxes each word the crop's full height, which would make the line's type look
        larger (a line's size is measured from its words' heights and letters, :func:`geometry.line_metrics`)."""
        size = self.size or (self.bottom - self.top) / X_HEIGHT
        up = ASCENDER if any(c in ASCENDING or c.isupper() for c in text) else X_HEIGHT
        down = DESCENDER if any(c in DESCENDING for c in text) else 0.0
        return x0, round(self.bottom - up * size), x1, round(self.bottom + down * size)

    def crop_box(self, height: int, width: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) the line is read from: its core, an ascender's room above, a descender's below."""
        core = self.bottom - self.top
        pad = max(4, core // 3)
        return (max(0, self.left - pad), max(0, round(self.top - ABOVE * core)),
                min(width, self.right + pad), min(height, round(self.bottom + BELOW * core)))


def body_lines(data: dict) -> tuple[float, float, int, int] | None:
    """(median height, median width, left and right of their column) in px of the reading's lines of
    :data:`TEXT_LINE` words or more read surely: the body's lines and its column (the first quartile of
    their lefts, the third of their rights: a paragraph's first line is indented, its last short; the
    emblem's line, a masthead's right column, reach beyond it)."""
    heights, widths, lefts, rights = [], [], [], []
    for line in word_rows(data).values():
        if len(line) < TEXT_LINE or statistics.median(float(data["conf"][i]) for i in line) < SURE_LINE:
            continue
        heights.append(max(data["top"][i] + data["height"][i] for i in line) - min(data["top"][i] for i in line))
        lefts.append(min(data["left"][i] for i in line))
        rights.append(max(data["left"][i] + data["width"][i] for i in line))
        widths.append(rights[-1] - lefts[-1])
    if len(heights) < MIN_LINES:
        return None
    # the column most lines keep to: a masthead's lines (the emblem's, the symbol's) reach beyond it
    column = int(np.percentile(lefts, 25)), int(np.percentile(rights, 75))
    return float(statistics.median(heights)), float(statistics.median(widths)), *column


def covers(data: dict, i: int, line_height: float) -> bool:
    """Whether word ``i``'s box covers its ink: not taller than :data:`TALL` lines, and not a scrap (read
    below :data:`SCRAP`, no English word, and wider than a line height per character: "ee" at 27 over
    467 px of a note's line Tesseract did not see; "(UNISPACE+S50)" at 42 covers its own letters)."""
    text = str(data["text"][i]).strip()
    if not text or data["height"][i] > TALL * line_height:
        return False
    return float(data["conf"][i]) >= SCRAP or reread.known_chars(text) > 0 or \
        data["width"][i] <= len(text) * line_height


def uncovered(gray: np.ndarray, data: dict, line_height: float, ink: np.ndarray | None = None) -> np.ndarray:
    """The page's ink (Otsu's cut, or ``ink``) that no word's box covers (:func:`covers`), as 0/1."""
    if ink is None:
        _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    else:
        ink = ink.copy()
    for i, level in enumerate(data["level"]):
        if level == 5 and covers(data, i, line_height):
            x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            ink[max(0, y):y + h, max(0, x):x + w] = 0
    return ink


def _cores(on: np.ndarray, lo: float, hi: float) -> list[tuple[int, int]]:
    """Runs of rows marked in ``on`` (a line's x-height core), at least ``lo`` and at most ``hi`` rows tall."""
    out, y, h = [], 0, len(on)
    while y < h:
        if not on[y]:
            y += 1
            continue
        top = y
        while y < h and on[y]:
            y += 1
        if lo <= y - top <= hi:
            out.append((top, y))
    return out


def lost_lines(gray: np.ndarray, data: dict) -> list[Band]:
    """The page's lines of text that no word of ``data`` (a reading of ``gray``) covers.

    Each gets the size of type its core says against the page's own: the body's lines' size as their
    words measure it (:func:`geometry.line_metrics`: bled ink makes it larger than printed), times the
    lost line's core height over the page's median core (a note's smaller type stays smaller).
    """
    body = body_lines(data)
    if body is None:
        return []
    line_height, line_width, left, right = body
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    margin = round(line_height)  # the body's column and a little more: not a dark edge of the scan
    ink[:, :max(0, left - margin)] = 0
    ink[:, right + margin:] = 0
    lo, hi = CORE_HEIGHT[0] * line_height, CORE_HEIGHT[1] * line_height
    threshold = CORE_SHARE * line_width
    rest = uncovered(gray, data, line_height, ink)
    bands: list[Band] = []
    for top, bottom in _cores(rest.sum(axis=1) >= threshold, lo, hi):
        cols = np.nonzero(rest[top:bottom].sum(axis=0) >= 2)[0]
        if cols.size and cols[-1] - cols[0] >= MIN_WIDTH * line_height \
                and cols.size >= MIN_FILL * (cols[-1] - cols[0] + 1):
            bands.append(Band(top, bottom, int(cols[0]), int(cols[-1]) + 1))
    # ink cut by the column's edges goes on beside it (an emblem, the masthead's large type): no line of it
    bands = [b for b in bands if b.left > max(0, left - margin) + 1 and b.right < right + margin - 1]
    lines = len(bands)
    bands += lost_words(rest, bands, line_height, lo, hi, _text_lines(data, line_height), left, right)
    if not bands or len(bands) > MAX_LINES:
        return []
    page_cores = [b - t for t, b in _cores(ink.sum(axis=1) >= threshold, lo, hi)]
    sizes = [line_metrics(data, line)[0] for line in word_rows(data).values() if len(line) >= TEXT_LINE]
    if not page_cores or not sizes:
        return bands
    core, size = statistics.median(page_cores), statistics.median(sizes)
    return [Band(b.top, b.bottom, b.left, b.right, size * (b.bottom - b.top) / core if k < lines else size)
            for k, b in enumerate(bands)]  # words lost from a line take its size


def _text_lines(data: dict, line_height: float) -> list[tuple[int, int, int, int]]:
    """(x0, top, x1, bottom) of each Tesseract line of :data:`TEXT_LINE` words or more, its words no taller
    than a line: the body's lines, which words can be lost from."""
    out = []
    for line in word_rows(data).values():
        if len(line) < TEXT_LINE or any(data["height"][i] > TALL * line_height for i in line):
            continue
        out.append((min(data["left"][i] for i in line), min(data["top"][i] for i in line),
                    max(data["left"][i] + data["width"][i] for i in line),
                    max(data["top"][i] + data["height"][i] for i in line)))
    return out


def lost_words(rest: np.ndarray, lines: list[Band], line_height: float, lo: float, hi: float,
               text_lines: list[tuple[int, int, int, int]], left: int, right: int) -> list[Band]:
    """Runs of words no word covers inside lines Tesseract read in part ("Especially Women and ing the
    United ...": "Children, supplement" lost, its "ing" boxed 8 px wide), as bands of their own.

    Only inside the body's text: on the rows of a line of :data:`TEXT_LINE` words or more, within the
    body's column (``left`` to ``right``): an emblem, a barcode or a QR code beside a page's text is no
    lost word.  The uncovered ink is joined along each row across a letter's gap (a third of a line
    height) and what is then narrower than half a line height goes: the slivers of ink a bled word leaves
    beside its box, a few px each, a line's worth of them together as much ink as a lost word.  Rows
    where a line height of such ink is left are a core; each run of it at least :data:`MIN_WIDTH` line
    heights wide (gaps of a line height close it), its columns filled as a line's (:data:`MIN_FILL`),
    is a band.
    """
    if not text_lines:
        return []
    join, keep = max(3, round(line_height / 3)), max(5, round(line_height / 2))
    top_all, bottom_all = min(t for _, t, _, _ in text_lines), max(b for _, _, _, b in text_lines)
    x0 = max(0, left - round(line_height / 2))
    part = np.ascontiguousarray(rest[top_all:bottom_all, x0:right + round(line_height / 2)], dtype=np.uint8)
    blobs = cv2.morphologyEx(part, cv2.MORPH_CLOSE, np.ones((1, join), np.uint8))
    blobs = cv2.morphologyEx(blobs, cv2.MORPH_OPEN, np.ones((1, keep), np.uint8))
    found: list[Band] = []
    for top, bottom in _cores(blobs.sum(axis=1) >= line_height, lo, hi):
        top, bottom = top + top_all, bottom + top_all
        if any(min(bottom, b.bottom) > max(top, b.top) for b in lines):
            continue  # a lost line's own rows
        if not any(min(bottom, b) - max(top, t) >= 0.5 * (bottom - top) for _, t, _, b in text_lines):
            continue  # not on a line of text
        cols = np.nonzero(part[top - top_all:bottom - top_all].sum(axis=0) >= 2)[0] + x0
        if cols.size == 0:
            continue
        for run in np.split(cols, np.nonzero(np.diff(cols) > line_height)[0] + 1):
            span = run[-1] - run[0] + 1
            if span >= MIN_WIDTH * line_height and run.size >= MIN_FILL * span:
                found.append(Band(top, bottom, int(run[0]), int(run[-1]) + 1))
    return found


def line_image(gray: np.ndarray, band: Band, box: tuple[int, int, int, int]) -> np.ndarray:
    """The lost line's crop, its neighbours' slivers whitened: ink that touches the crop's top or bottom
    edge and never reaches the line's core rows (a descender of the line above, an ascender of the line
    below).  Its own dots, quotes and raised markers touch no edge; they stay."""
    x0, y0, x1, y1 = box
    crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    top, height = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT]
    left, width = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_WIDTH]
    edge = (top == 0) | (top + height >= crop.shape[0])
    side = ((left == 0) | (left + width >= crop.shape[1])) & (width <= max(3, (band.bottom - band.top) // 4))
    core = np.zeros(n, bool)
    core[np.unique(labels[band.top - y0:band.bottom - y0])] = True
    sliver = edge & ~core | side  # and a neighbour's bled edge cut by the crop's side
    sliver[0] = False
    if not sliver.any():
        return crop
    out = crop.copy()
    out[sliver[labels]] = 255
    return out


def paper(crop: np.ndarray) -> int:
    """The paper's grey in a crop (its 95th percentile): the border a line is read in.  A white border
    on a grey scan's paper is an edge, which a raw line's reading took for a quote or a dash
    ("‘situations,", "-"); the paper's own grey is none."""
    return int(np.percentile(crop, 95)) if crop.size else 255


def _read_lines(crops: list[np.ndarray], lang: str, *, by_engine: bool = True) -> list[dict]:
    """Each crop read as one raw line (``--psm 13``, in a border of :data:`BORDER` px of its paper): its own
    ``image_to_data`` dict, boxes in the crop.  Not ``--psm 7``: a line cut from heavy print keeps
    slivers of its neighbours' descenders and ascenders at its edges, and ``--psm 7`` read such lines
    as nothing ("circumstances within the scope of the relevant international instruments, pending
    the", read whole by ``--psm 13``)."""
    crops = [cv2.copyMakeBorder(c, BORDER, BORDER, BORDER, BORDER, cv2.BORDER_CONSTANT, value=paper(c)) for c in crops]
    rows = engine.read("raw line", lang, crops) if by_engine else None
    data = tesseract.tsv_dict(rows) if rows is not None else tesseract.crops_data(crops, lang, READ_CONFIG, "line")
    out = [{k: [] for k in ("left", "top", "width", "height", "conf", "text")} for _ in crops]
    for k, page in enumerate(data["page_num"]):
        text = str(data["text"][k]).strip()
        if data["level"][k] == 5 and text and 1 <= page <= len(crops):
            for key in out[page - 1]:
                out[page - 1][key].append(data[key][k] - BORDER if key in ("left", "top") else data[key][k])
    return [trim_lead(line) for line in out]


_LEAD = re.compile(rf"^{G.LEAD_SPECK}(?=[^\W\d_])")
_OPENING = set("([{\u2018\u201c")


def trim_lead(line: dict) -> dict:
    """A raw line's reading without what it makes of the crop's edges: a first word of punctuation read
    unsurely ("-" at 0), a single quote glued to a first word ("‘situations,", "‘Nations": heavy print's
    first letter read twice), a last word that only opens (the cut edge of the next word read "(").
    A line, or words inside one, open with no single quote (UN text quotes in double quotes).

    >>> trim_lead({"text": ["-", "‘to", "drive", "("], "conf": [0, 76, 96, 40], "left": [0, 9, 60, 90],
    ...            "top": [0] * 4, "width": [5, 40, 90, 5], "height": [9] * 4})["text"]
    ['to', 'drive']
    """
    out = {k: list(v) for k, v in line.items()}
    if out["text"] and not any(c.isalnum() for c in str(out["text"][0])) and float(out["conf"][0]) < SCRAP:
        out = {k: v[1:] for k, v in out.items()}
    if out["text"] and set(str(out["text"][-1])) <= _OPENING:
        out = {k: v[:-1] for k, v in out.items()}
    if out["text"]:
        out["text"][0] = _LEAD.sub("", str(out["text"][0]))
    return out


def _same_ink(old: tuple[int, int, int, int], core: tuple[int, int, int, int]) -> bool:
    """An old word's box and a new word's core (its x-height rows), (x0, y0, x1, y1): over the same ink
    when they overlap across, and the box takes in half of the core's rows (a word of the line above,
    whose box ends where this line's core begins, does not)."""
    dy = min(old[3], core[3]) - max(old[1], core[1])
    return min(old[2], core[2]) > max(old[0], core[0]) and dy >= 0.5 * (core[3] - core[1])


def _groups(old: list[tuple[int, int, int, int]], new: list[tuple[int, int, int, int]]) -> list[tuple[list[int], list[int]]]:
    """Old and new words' boxes in groups over the same ink (joined through any overlap): (old, new) indices."""
    parent = list(range(len(old) + len(new)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, box_a in enumerate(old):
        for b, box_b in enumerate(new):
            if _same_ink(box_a, box_b):
                parent[root(a)] = root(len(old) + b)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for k in range(len(old) + len(new)):
        g = groups.setdefault(root(k), ([], []))
        (g[0] if k < len(old) else g[1]).append(k if k < len(old) else k - len(old))
    return list(groups.values())


def _box(data: dict, i: int) -> tuple[int, int, int, int]:
    x, y = int(data["left"][i]), int(data["top"][i])
    return x, y, x + int(data["width"][i]), y + int(data["height"][i])


def _near(data: dict, box: tuple[int, int, int, int]) -> list[int]:
    """The words of ``data`` whose box meets ``box`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    out = []
    for i, (level, text) in enumerate(zip(data["level"], data["text"])):
        if level == 5 and str(text).strip():
            bx0, by0, bx1, by1 = _box(data, i)
            if bx0 < x1 and bx1 > x0 and by0 < y1 and by1 > y0:
                out.append(i)
    return out


def _measure(texts: list[str], confs: list[float]) -> dict:
    return quality.measure({"level": [5] * len(texts), "text": texts, "conf": confs,
                            "width": [1] * len(texts), "height": [0] * len(texts)})


def read_lost_lines(gray: np.ndarray, data: dict, lang: str) -> tuple[dict, dict | None]:
    """``data`` with the page's lost lines (:func:`lost_lines`) read again where that reads them better.

    Returns (data, {"lost": n, "read": [{"box", "before", "after"}, ...]}) or (data, None) when the page
    lost no line.  The words replaced keep their place with no text; the new ones are appended, each
    line a Tesseract line of its own (a new block), so the layout places it by its baseline.
    """
    bands = lost_lines(gray, data)
    if not bands:
        return data, None
    h, w = gray.shape
    boxes = [_between_words(data, b, b.crop_box(h, w)) for b in bands]
    readings = _read_lines([line_image(gray, b, box) for b, box in zip(bands, boxes)], lang)
    out, done = _replace(data, bands, boxes, readings, h)
    return out, {"lost": len(bands), "read": done}


def _replace(data: dict, bands: list[Band], boxes: list[tuple[int, int, int, int]], readings: list[dict],
             height: int) -> tuple[dict, list[dict]]:
    """``data`` with each lost line's new reading taken where it reads better (the module's step 4);
    (``data`` itself, []) when none does."""
    h = height
    out = {k: list(v) for k, v in data.items()}
    block = max([b for b in data.get("block_num", [0]) if isinstance(b, int)] or [0])
    read_rows = np.zeros(h + 1, bool)  # the rows some lost line is read from
    for _, y0, _, y1 in boxes:
        read_rows[y0:y1] = True
    done = []
    for band, box, new in zip(bands, boxes, readings):
        x0 = box[0]
        near = _near(out, box)
        fresh = [band.word_box(str(new["text"][j]), max(x0, x0 + int(new["left"][j])),
                               x0 + int(new["left"][j]) + int(new["width"][j])) for j in range(len(new["text"]))]
        now = _measure(new["text"], [float(c) for c in new["conf"]])
        if not now["words"] or (now["lexicon_share"] or 0.0) < MIN_LEXICON:
            continue
        taken, dropped = [], []
        cores = [(b[0], band.top, b[2], band.bottom) for b in fresh]  # over the same ink: meeting the line's core
        for olds, news in _groups([_box(out, i) for i in near], cores):
            if not news or any(_share(read_rows, _box(out, near[k])) < INSIDE for k in olds):
                continue  # no new word here, or an old word over ink no lost line was read from: it stays
            was = _measure([str(out["text"][near[k]]) for k in olds], [float(out["conf"][near[k]]) for k in olds])
            got = _measure([new["text"][j] for j in news], [float(new["conf"][j]) for j in news])
            tall = max(_box(out, near[k])[3] - _box(out, near[k])[1] for k in olds) if olds else 0
            spread = tall > TALL * max(fresh[j][3] - fresh[j][1] for j in news)  # old boxes over two lines
            if not olds or got["known_chars"] > was["known_chars"] or (spread and got["known_chars"] >= was["known_chars"]):
                taken += news
                dropped += [near[k] for k in olds]
        if not taken:
            continue
        before = " ".join(str(out["text"][i]) for i in sorted(dropped, key=lambda i: out["left"][i]))
        for i in dropped:
            out["text"][i] = ""
        line_height = statistics.median(fresh[j][3] - fresh[j][1] for j in taken)
        on_core = [i for i in range(len(out["text"])) if i not in dropped and _on_core(out, i, band, line_height)]
        hosts = Counter((out["block_num"][i], out["par_num"][i], out["line_num"][i]) for i in on_core)
        if hosts:  # words lost from a line Tesseract read in part join that line
            line = hosts.most_common(1)[0][0]
        else:
            block += 1
            line = (block, 1, 1)
        for i in on_core:  # an old word kept on this line's core ("negotiations", read alone) joins it too
            out["block_num"][i], out["par_num"][i], out["line_num"][i] = line
        for n, j in enumerate(sorted(taken)):
            bx0, by0, bx1, by1 = fresh[j]
            row = {"level": 5, "page_num": 1, "block_num": line[0], "par_num": line[1], "line_num": line[2],
                   "word_num": n + 1,
                   "left": bx0, "top": by0, "width": bx1 - bx0, "height": by1 - by0,
                   "conf": new["conf"][j], "text": new["text"][j]}
            for key in out:
                out[key].append(row.get(key, 0))
        done.append({"box": list(box), "before": before, "after": " ".join(new["text"][j] for j in sorted(taken))})
    return (out if done else data), done


def _between_words(data: dict, band: Band, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """``box`` narrowed to the gap between the words read on ``band``'s line beside it: words lost
    inside a line are read from the end of the word before them to the start of the word after, never
    a cut piece of those ("Crime" cut read "¢")."""
    x0, y0, x1, y1 = box
    for i in range(len(data["text"])):
        if not _on_core(data, i, band, band.size or (band.bottom - band.top) / X_HEIGHT):
            continue
        bx0, _, bx1, _ = _box(data, i)
        if bx1 <= band.left + 2:
            x0 = max(x0, bx1)
        elif bx0 >= band.right - 2:
            x1 = min(x1, bx0)
    return x0, y0, x1, y1


def _on_core(data: dict, i: int, band: Band, line_height: float) -> bool:
    """Word ``i`` stands on ``band``'s line: its box takes in half of the line's core rows and lies within
    the line's columns, and it is no taller than a line (a box over two lines belongs to neither)."""
    text = str(data["text"][i]).strip()
    if data["level"][i] != 5 or not text:
        return False
    x, y, x1, y1 = _box(data, i)
    return y1 - y <= TALL * line_height and min(y1, band.bottom) - max(y, band.top) >= 0.5 * (band.bottom - band.top)


def _share(rows: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """The share of a box's rows marked in ``rows``."""
    top, bottom = max(0, box[1]), max(0, box[3])
    return float(rows[top:bottom].mean()) if bottom > top else 0.0

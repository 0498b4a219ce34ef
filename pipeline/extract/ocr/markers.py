"""Superscript footnote markers on a read page, and the page's analysis (markers, rules, baselines).

Tesseract reads a raised "1" glued to its word as "Assembly!" or
"Declaration,’".  The trailing raised ink of each word is found in the image;
when it is as tall as a digit (not a quote mark) it is cut off the word and
read again (:func:`pipeline.extract.ocr.tesseract.read_markers`: all of a
batch of pages' markers in one Tesseract call restricted to digits).
:func:`find_marks` gives a page's analysis with the markers still unread and
their crops; :func:`name_markers` gives each marker its digits.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from pipeline import grammar as G
from pipeline.extract.ocr.geometry import (ASCENDER, DESCENDING, MASTHEAD_COLUMN_GAP, find_rules,
                                          ink_baseline, ink_size, line_columns, line_metrics, word_rows)
from pipeline.extract.ocr.graphics import BAND, masthead_scraps, text_height

INK_LEVEL = 165  # grey below this is ink (a blurred scan's thin strokes stay above 140)
RULE_INK_LEVEL = 200  # a blurred hairline rule is light grey
ANALYSIS_VERSION = 29  # bump when rule/marker detection changes: re-analyses cached pages, no re-OCR
# What Tesseract calls a small raised digit it cannot read, at no confidence: ",", "’", "*" (a lone
# Courier "1"), "®" (a Liberation Sans "3"), "°", "+"; a real asterisk's crop then reads no digit, and it
# stays as read.  A "~" or "-" is a smudge's reading as often as a digit's.
RAISED_SYMBOLS = frozenset(",.'`\u2018\u2019\u201c\u201d\"*\u00ae\u00a9\u00b0\u00ba+!?^")
NARROWEST_DIGIT = 0.3  # width over height: every digit but 1 is wider, in any face
LARGE_TYPE = 1.8  # times the text's size: a masthead column in large type ("General Assembly")
READ_AGAIN = "read_again"  # a crop's ``info`` key: False when a crop read as nothing is not read at other heights
MARKER_HEIGHT = 36  # px of a marker's ink once enlarged for Tesseract, the same for every crop (at 72 a
# photocopy's blocky "3" was read "4", a "2" "7"; what is read as nothing is read again at other heights:
# :data:`.tesseract.READ_SCALES`)


def _clusters(ink: np.ndarray) -> list[tuple[int, int]]:
    """Runs of columns with ink: (start, end) pairs."""
    cols = np.concatenate(([0], ink.any(axis=0).astype(np.int8), [0]))
    d = np.diff(cols)
    return list(zip(np.nonzero(d == 1)[0].tolist(), np.nonzero(d == -1)[0].tolist()))


def _glyph_rows(sub: np.ndarray, size: float) -> np.ndarray:
    """The rows with ink of a column run, less speck-sized pieces above or below in the same columns
    (a photocopy's dust under a raised "2" made it reach the baseline); all rows if all are specks."""
    rows = np.nonzero(sub.any(axis=1))[0]
    if rows.size == 0:
        return rows
    runs = np.split(rows, np.nonzero(np.diff(rows) > 1)[0] + 1)
    kept = []
    for run in runs:
        cols = np.nonzero(sub[run[0]:run[-1] + 1].any(axis=0))[0]
        if run.size > 0.12 * size or cols[-1] - cols[0] + 1 > 0.12 * size:
            kept.append(run)
    return np.concatenate(kept) if kept else rows


def _raised_digit(crop: np.ndarray, y0: int, cx0: int, cx1: int, size: float, base: float,
                  min_raise: float = 0.22):
    rows = _glyph_rows(crop[:, cx0:cx1], size)
    ctop, cbot = y0 + rows[0], y0 + rows[-1] + 1
    raised = cbot < base - min_raise * size
    tall = 0.33 * size <= (cbot - ctop) <= 0.8 * size  # a digit; a quote mark is shorter, and a raised
    # digit is smaller than the line's letters (a stroke of a QR code's junk row was no marker)
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


def marked_words(ink: np.ndarray, data: dict, among: set[int]) -> set[int]:
    """Those of ``among`` with raised digit-sized ink at an end: a footnote marker glued to the word."""
    out = set()
    for idx in word_rows(data).values():
        if not among.intersection(idx):
            continue
        size, base = line_metrics(data, idx)
        base = ink_baseline(ink, data, idx, size, base)
        for i in among.intersection(idx):
            box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
            if _raised_tail(ink, box, size, base) is not None:
                out.add(i)
    return out


def marker_crop(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """A raised digit cut out of its page and enlarged for Tesseract, to one ink height for all.

    The crops of a page are read as one line, which Tesseract scales to its tallest glyph: a
    crop enlarged by a fixed factor beside a tall one (a masthead letter) was read as nothing.
    """
    x0, y0, x1, y1 = box
    c = image.crop((x0 - 3, y0 - 3, x1 + 3, y1 + 3))
    k = MARKER_HEIGHT / max(1, y1 - y0)
    return c.resize((max(1, round(c.width * k)), max(1, round(c.height * k))), Image.LANCZOS)


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _ends_in_number(text: str) -> bool:
    """'2025' and '79/33' end in their own digits; '2024;4' and 'war,°' may end in a marker."""
    text = text.strip()
    digits = len(text) - len(text.rstrip("0123456789"))
    if digits == 0:
        return False
    return digits == len(text) or text[-digits - 1].isdigit() or text[-digits - 1] in "/-‑–"


def _raised_symbol(text: str) -> bool:
    """Tesseract's reading of a raised digit it could not read (:data:`RAISED_SYMBOLS`)."""
    text = text.strip()
    return bool(text) and set(text) <= RAISED_SYMBOLS


def _closes_quote(data: dict, idx: list[int], pos: int) -> bool:
    """Does word ``pos`` of the line end with the closing quote of a quotation its line opened?
    ("“National human rights institutions”": the raised ” is the quote Tesseract read, no marker.)"""
    word = data["text"][idx[pos]].rstrip(".,;:)")
    if not word.endswith(("\u201d", '"')):
        return False
    before = " ".join([data["text"][j] for j in idx[:pos]] + [word[:-1]])
    return before.count("\u201c") > before.count("\u201d") or (word.endswith('"') and before.count('"') % 2 == 1)


def _before_its_word(ink: np.ndarray, box: tuple[int, int, int, int], head, text: str, size: float,
                     base: float) -> bool:
    """Is the raised ink at the start of a word inside its line the marker of the word before, which
    Tesseract boxed with the next word ("Mali ¹ and" read "Mali" "and", the box of "and" holding the
    "1")?  Raised like a marker in the text, a space apart from the word, which has all its letters
    after it; a word starting with a quote or a bracket keeps its raised start."""
    text = text.strip()
    if not text[:1].isalnum() or head[3] > base - 0.22 * size:
        return False
    left, top = box[0], box[1]
    crop = ink[max(0, int(top - 0.1 * size)):int(base + 0.3 * size), head[2]:left + box[2] + 1]
    glyphs = [c for c in _clusters(crop) if not _speck(crop, *c, size)] if crop.size else []
    return bool(glyphs) and glyphs[0][0] >= 0.2 * size and len(glyphs) >= len(text)


def _beyond_its_text(ink: np.ndarray, box: tuple[int, int, int, int], tail, text: str, size: float,
                     base: float) -> bool:
    """Is the raised ink at a number's end a glyph more than Tesseract read there?  "2022" whose box
    holds five glyphs, the last raised: a marker "1" the reading dropped, not the year's last digit.

    Glyphs are counted as runs of ink columns left of the raised one: touching glyphs count as one,
    so a doubt keeps the number whole.
    """
    left, top = box[0], box[1]
    crop = ink[max(0, int(top - 0.1 * size)):int(base + 0.3 * size), max(0, left - 2):tail[0]]
    glyphs = [c for c in _clusters(crop) if not _speck(crop, *c, size)] if crop.size else []
    return len(glyphs) >= len(text.strip())


def _small_beside_neighbours(data: dict, idx: list[int], pos: int, tail, size: float) -> bool:
    """A marker standing alone is smaller than, and raised above, a word beside it (``size``: the line's)."""
    x0, top, x1, bottom, _ = tail
    for j in (pos + 1, pos - 1):
        if 0 <= j < len(idx):
            n = idx[j]
            text = data["text"][n].strip()
            if len(text) < 2 or not any(c.isalnum() for c in text):
                continue
            n_bottom, n_height = data["top"][n] + data["height"][n], data["height"][n]
            # against a full letter's height, not the neighbour's alone: "in" is only an x-height tall
            # (its dot lost), and a typewriter's raised digit is about that tall
            if (bottom - top) >= 0.8 * max(n_height, ASCENDER * size):
                return False
            return any(c in DESCENDING for c in text) or bottom < n_bottom - 0.15 * n_height
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
            box = [gx0 + cx0, int(hit[0]), gx0 + cx1, int(hit[1])]
            if _in_other_word(data, idx, box) or _joins_a_word(ink, data, idx, box, size):
                continue  # the foot of a word of the line above (a tall box let the search reach it)
            found.append({"word": i, "box": box, "whole": False,
                          "head": where == "head", "unread": True})
            taken.add(i)
    return found


def _in_other_word(data: dict, idx: list[int], box: list[int]) -> bool:
    """Does ``box`` lie mostly inside the box of a word of another line than ``idx``'s?"""
    x0, y0, x1, y1 = box
    area = max(1, (x1 - x0) * (y1 - y0))
    line = set(idx)
    for j, text in enumerate(data["text"]):
        if j in line or not str(text).strip():
            continue
        left, top = data["left"][j], data["top"][j]
        w = min(x1, left + data["width"][j]) - max(x0, left)
        h = min(y1, top + data["height"][j]) - max(y0, top)
        if w > 0 and h > 0 and w * h >= 0.5 * area:
            return True
    return False


def _joins_a_word(ink: np.ndarray, data: dict, idx: list[int], box: list[int], size: float) -> bool:
    """Is the ink in ``box`` (in a gap after a word of line ``idx``) one stroke with ink inside a word of
    another line?  Then it is that word's: the tail of a descender of the line above, bled past its box
    ("Recognizing" over heavy print's next line: "in1the").  A marker stands free of the line above."""
    x0, y0, x1, y1 = box
    wx0, wy0 = max(0, int(x0 - size)), max(0, int(y0 - size))
    window = ink[wy0:y1, wx0:int(x1 + size)].astype(np.uint8)
    if window.size == 0:
        return False
    _, labels = cv2.connectedComponents(window, connectivity=8)
    mine = np.unique(labels[y0 - wy0:y1 - wy0, x0 - wx0:x1 - wx0])
    mine = mine[mine > 0]
    if mine.size == 0:
        return False
    stroke = np.isin(labels, mine)
    line = set(idx)
    for j, text in enumerate(data["text"]):
        if j in line or not str(text).strip():
            continue
        left, top = data["left"][j] - wx0, data["top"][j] - wy0
        right, bottom = left + data["width"][j], top + data["height"][j]
        if right <= 0 or bottom <= 0 or left >= window.shape[1] or top >= window.shape[0]:
            continue
        if stroke[max(0, top):max(0, bottom), max(0, left):max(0, right)].any():
            return True
    return False


def page_ink(image: Image.Image, dpi: int) -> tuple[np.ndarray, list]:
    """What :func:`find_marks` needs of the image alone: its ink, and its rules.

    Needing no words, it is found while Tesseract reads the page (:mod:`.pages`).
    """
    arr = np.asarray(image)
    return arr < INK_LEVEL, find_rules(arr < RULE_INK_LEVEL, dpi)


def find_marks(image: Image.Image, data: dict, dpi: int,
               ink_and_rules: tuple[np.ndarray, list] | None = None) -> tuple[dict, list[Image.Image]]:
    """Rules and superscript markers of one OCR'd page, and the markers' crops to read.

    The markers have no text yet: :func:`name_markers` gives it from what
    :func:`.tesseract.read_markers` reads in the crops.  ``ink_and_rules``:
    :func:`page_ink` of ``image``, when already found.
    """
    ink, rules = ink_and_rules if ink_and_rules is not None else page_ink(image, dpi)
    markers = []
    bases: dict[str, float] = {}
    gap = MASTHEAD_COLUMN_GAP * text_height(data)
    text_size = text_height(data) / 0.69  # a text line's font size in px (its words' height: ascender to baseline)
    scraps = masthead_scraps(data, image.width, image.height)  # an emblem's scraps: no text line's size
    for key, row in word_rows(data).items():
        size, base = line_metrics(data, row)
        base = ink_baseline(ink, data, row, size, base)
        bases[",".join(map(str, key))] = base
        words = [i for i in row if i not in scraps]
        parts = line_columns(data, words, gap, BAND * image.height) if words else [row]
        for idx in parts:
            if len(parts) > 1 or len(words) < len(row):  # a masthead line joining columns or an emblem:
                # each column its own size and baseline
                size, base = line_metrics(data, idx)
                if size > LARGE_TYPE * text_size:
                    continue  # the organ's name in large type: it carries no footnote marker
                base = ink_baseline(ink, data, idx, size, base)
            markers += _row_markers(ink, data, idx, size, base, ink_size(ink, data, idx, size, base))
    return _named_crops(image, ink, data, rules, markers, bases)


def _row_markers(ink: np.ndarray, data: dict, idx: list[int], size: float, base: float,
                 glued: float | None = None) -> list[dict]:
    """The raised markers of one line (or one column of a masthead line) of a page.  ``glued``: the size
    a marker at a word's end or start is measured against (:func:`geometry.ink_size`: a bled line's ink
    says it); ink standing apart in a gap is measured against ``size``, the boxes' (against a bled line's
    smaller ink size, the next word's first ascender stood "raised" in the gap before it)."""
    markers: list[dict] = []
    line_base = base
    gap_size, size = size, glued or size
    for pos, i in enumerate(idx):
        box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
        base = line_base
        tail = _raised_tail(ink, box, size, base)
        if tail is not None and (base := _near_base(ink, data, idx, pos, size, line_base)) < line_base:
            tail = _raised_tail(ink, box, size, base)  # raised from where the line stands here
        if tail is None:
            continue
        if tail[4] == "whole":
            # Tesseract's own box must be raised too: faint ink lost to binarisation makes a
            # blurred full-height digit look raised, but not to Tesseract
            # (unless Tesseract named it a comma, a full stop or a quote mark: raised and as
            # tall as a digit, it is none of them; a note's "1" in Liberation Sans read "’" at 0)
            unsure = float(data["conf"][i]) < 10 and not (
                _raised_symbol(data["text"][i]) and box[1] + box[3] < base - 0.3 * size)
            if (box[1] + box[3] > base - 0.15 * size or unsure
                    or not _small_beside_neighbours(data, idx, pos, tail, size)):
                continue
        elif tail[4] == "tail" and ((_ends_in_number(data["text"][i])
                                     and not _beyond_its_text(ink, box, tail, data["text"][i], size, base))
                                    or G.BARCODE_WORD.match(data["text"][i].strip())):
            continue  # a number's own digits; a barcode's closing asterisk (a non-digit in the
            # marker strip throws Tesseract's reading of the other crops out of step)
        elif tail[4] == "head" and pos > 0 and not _before_its_word(ink, box, tail, data["text"][i], size, base):
            continue  # a raised start is a footnote's number only at the start of its line
        if tail[4] == "tail" and _closes_quote(data, idx, pos):
            continue
        markers.append({"word": i, "box": list(map(int, tail[:4])), "whole": tail[4] == "whole",
                        "head": tail[4] == "head"})
    markers += _unread_marks(ink, data, idx, gap_size, line_base, {m["word"] for m in markers})
    return markers


BOWED = 0.6  # of a line's size: how far a bowed page's line may climb along its length from its baseline


def _near_base(ink: np.ndarray, data: dict, idx: list[int], pos: int, size: float, base: float) -> float:
    """The baseline a marker after word ``pos`` is raised from: the line's, or where the line climbs (a page
    bowed on the glass, a residual skew) the baseline of that word and its neighbours' ink, if higher.
    A line of a warped page climbed 15 px along its length, and its last words' final "l" and "d" stood
    "raised" by its one baseline: they were taken for markers ("decennial1", "General1")."""
    near = ink_baseline(ink, data, idx[max(0, pos - 1):pos + 2], size, base, within=BOWED)
    return min(base, near)


def _named_crops(image: Image.Image, ink: np.ndarray, data: dict, rules: list, markers: list[dict],
                 bases: dict[str, float]) -> tuple[dict, list[Image.Image]]:
    """Markers standing alone added, doubles dropped, each marker's shape and crop."""
    # A note's number Tesseract put on a line of its own, beside its note's first word
    rows = word_rows(data)
    metrics = {key: line_metrics(data, idx) for key, idx in rows.items()}
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
        else:
            after = _after_word(data, rows, metrics, bases, key, i)
            if after is not None:
                markers.append({"word": i, "box": [left, top, left + w, top + h], "whole": True, "head": False})
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
    for m, c in zip(markers, crops):
        if m.get("unread"):  # ink Tesseract read as no word must read a digit at once: read among fewer
            c.info[READ_AGAIN] = False  # crops, an "f"'s hook after "of" was read "1"
    return {"version": ANALYSIS_VERSION, "rules": rules, "markers": markers, "baselines": bases}, crops


def _after_word(data: dict, rows: dict, metrics: dict, bases: dict[str, float], key: tuple, i: int) -> int | None:
    """The word a one-word line ``i`` stands just after, raised and small, as a marker does: a text
    line's marker Tesseract put on a line of its own ("Principles), ³" read as a line "7")."""
    left, top, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
    for other, oidx in rows.items():
        if other == key:
            continue
        size, base = metrics[other]
        base = bases.get(",".join(map(str, other)), base)
        for n in oidx:
            n_top, n_h = data["top"][n], data["height"][n]
            if not (0 <= left - (data["left"][n] + data["width"][n]) <= 1.5 * size
                    and top < n_top + n_h and top + h > n_top - 0.4 * size):  # it may rise above the capitals
                continue
            if 0.33 * size <= h < 0.8 * max(n_h, ASCENDER * size) and top + h < base - 0.22 * size:
                return n
            return None
    return None


def name_markers(analysis: dict, data: dict, texts: list[str]) -> dict:
    """Each marker's digits: what the re-read found, else Tesseract's own digits at the word's end."""
    for m, t in zip(analysis["markers"], texts):
        if not t:  # unread: Tesseract's own digits at the word's end, if any
            word = data["text"][m["word"]].strip()
            tail = word[len(word.rstrip("0123456789")):]
            t = tail if tail and (m["whole"] or len(tail) < len(word)) else ""
        x0, y0, x1, y1 = m["box"]
        if m.get("one") and t != "1":
            t = "1"  # one glyph shaped as a "1" (no other digit is, in any face: is_one_stroke): read as
            # nothing, "4" or "41" (a Courier flag read as a 4), or "2" (Liberation Sans "1 2 1 2" read "222")
        elif len(t) == 1 and t != "1" and (x1 - x0) < NARROWEST_DIGIT * (y1 - y0):
            t = ""  # a glyph this narrow is no 2-9 or 0 in any face (a letter's hook left raised by a blur):
            # the reading of one crop in the strip is not evidence enough against its shape
        elif not t and (x1 - x0) <= 0.45 * (y1 - y0) and not m.get("unread"):
            t = "1"  # a lone thin stroke Tesseract will not read: the only digit that narrow
            # (not for ink beside a word that Tesseract read as no word: there it must read a digit)
        m["text"] = t
    return analysis


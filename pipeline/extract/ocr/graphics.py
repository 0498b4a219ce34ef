"""The scraps Tesseract reads in a first page's emblem: page furniture, decided from the words' own evidence.

A UN masthead prints the Organization's emblem at its top left, beside "United
Nations" and the organ's name.  Tesseract reads the emblem's wreath and globe as
scraps ("(", "Ns", "SZ", "\\\\)", "Y", "a", "=" at confidences 0-87) and puts
them into the masthead's own lines ("\\\\) General Assembly Distr.: General"),
so the masthead grammar stops at the first scrap and the rest of the masthead
is taken for the title.  A photocopy's specks read as lone punctuation at a
low confidence (":" at 21 before "Distr.:") do the same.

Evidence, in the top band of page 1 (:data:`BAND`) only:

* a *scrap* is a word read below :data:`DOUBTFUL` (or whose box is taller than
  any line of text) that is nothing text is made
  of: no English word of four letters or more, no number of two digits or
  more, no symbol-like run with a slash ("Avres/73/3" is the masthead's symbol
  misread, kept for :mod:`pipeline.repair.masthead_symbol`);
* scraps that touch (within a text line's height) form a *graphic* when the
  region they cover is large, at least :data:`GRAPHIC_HEIGHT` text heights
  tall: no line of text is that tall.  Every word whose centre lies in that
  region is part of it unless it is read surely as text (a word of the
  lexicon or a number at :data:`SURE` or more);
* a *speck*: a lone word of punctuation only, read below :data:`SPECK_CONF`,
  smaller than half a text height or standing apart from the words of its line
  (":" before "Distr.:", "}" far left of "22 December 2023").

Real masthead text is never taken: a word read surely as text is never a
scrap, whatever region it sits in.  The words found are returned with the
reason; :mod:`pipeline.extract.ocr.layout` puts them on lines of their own in
the ``graphic`` zone, which the furniture rule removes as a logged correction.

    >>> data = {"level": [5] * 4, "text": ["(", "SZ", "General", "Assembly"], "conf": [40, 38, 96, 96],
    ...         "left": [268, 268, 543, 804], "top": [306, 395, 299, 300], "width": [54, 227, 246, 329],
    ...         "height": [112, 100, 72, 82]}
    >>> sorted(masthead_scraps(data, 2550, 3300))
    [0, 1]
"""
from __future__ import annotations

import bisect
import re
import statistics

BAND = 0.2  # the top fifth of the first page: the masthead and its emblem
DOUBTFUL = 70.0  # a word read below this confidence may be a scrap
SURE = 90.0  # a word read at this or more as a word of the lexicon is text wherever it stands
GRAPHIC_HEIGHT = 2.5  # a graphic's scraps cover at least this many text heights
LINK = 1.0  # scraps closer than this many text heights belong to one graphic
SPECK_CONF = 50.0
SPECK_HEIGHT = 0.5

_LETTERS = re.compile(r"[^\W\d_]{4,}")
_NUMBER = re.compile(r"\d{2,}(?:[.,\-\u2013]\d+)*(?:st|nd|rd|th)?")  # "2018", "129", "19-21", "73rd"; not "S44"
_PUNCT = "()[]{}.,;:*"


DOT = 0.25  # of a text height: a speck no taller than a full stop
GHOST_SHARE = 0.6  # of a word's box inside a surer word of another line: a second reading of that ink

def _english() -> frozenset[str]:
    from pipeline.extract import quality

    return quality.english_words()


def is_text(text: str, conf: float) -> bool:
    """Whether a word is something text is made of (never a scrap): a word of four letters or more of
    the lexicon, a number of two digits or more, a symbol-like run with a slash; or a word read surely."""
    core = text.strip()
    if "/" in core and any(c.isdigit() for c in core):
        return True
    if _NUMBER.fullmatch(core.strip(_PUNCT)):
        return True
    words = _english()
    if any(w.lower() in words for w in _LETTERS.findall(core)):
        return True
    return conf >= SURE and any(c.isalnum() for c in core) and len(core) >= 2


def text_height(data: dict) -> float:
    """The median height of the words read surely: a text line's height in pixels."""
    hs = [data["height"][i] for i, t in enumerate(data["text"])
          if data["level"][i] == 5 and str(t).strip() and float(data["conf"][i]) >= SURE and len(str(t).strip()) >= 3]
    return float(statistics.median(hs)) if hs else 30.0


def masthead_scraps(data: dict, width_px: int, height_px: int) -> dict[int, str]:
    """Word index -> "graphic" or "speck": the first page's emblem scraps and specks in its top band."""
    band = [i for i, t in enumerate(data["text"]) if data["level"][i] == 5 and str(t).strip()
            and data["top"][i] + data["height"][i] <= BAND * height_px]
    if not band:
        return {}
    h = text_height(data)
    conf = {i: float(data["conf"][i]) for i in band}
    box = {i: (data["left"][i], data["top"][i], data["left"][i] + data["width"][i], data["top"][i] + data["height"][i])
           for i in band}
    # A scrap: read unsurely, or a box taller than any line of text ("\\y" 119 px high at 77), and no text.
    seeds = [i for i in band if (conf[i] < DOUBTFUL or box[i][3] - box[i][1] >= GRAPHIC_HEIGHT * h)
             and not is_text(str(data["text"][i]), conf[i])]
    out: dict[int, str] = {}
    for group in _clusters(seeds, box, LINK * h):
        x0 = min(box[i][0] for i in group)
        y0 = min(box[i][1] for i in group)
        x1 = max(box[i][2] for i in group)
        y1 = max(box[i][3] for i in group)
        if y1 - y0 >= GRAPHIC_HEIGHT * h:
            m = 0.5 * h
            for i in band:
                cx, cy = (box[i][0] + box[i][2]) / 2, (box[i][1] + box[i][3]) / 2
                if x0 - m <= cx <= x1 + m and y0 - m <= cy <= y1 + m and (
                        i in group or not is_text(str(data["text"][i]), conf[i])):
                    out[i] = "graphic"
        elif len(group) == 1:
            i = group[0]
            t = str(data["text"][i]).strip()
            if not any(c.isalnum() for c in t) and conf[i] < SPECK_CONF and (
                    box[i][3] - box[i][1] < SPECK_HEIGHT * h or _alone(data, i, 3 * h)):
                out[i] = "speck"
    return out


def _alone(data: dict, i: int, gap: float) -> bool:
    """No other word of its Tesseract line within ``gap`` pixels: a mark standing apart, between no words."""
    key = (data["block_num"][i], data["par_num"][i], data["line_num"][i]) if "block_num" in data else None
    x0, x1 = data["left"][i], data["left"][i] + data["width"][i]
    for j, t in enumerate(data["text"]):
        if j == i or data["level"][j] != 5 or not str(t).strip():
            continue
        if key is not None and (data["block_num"][j], data["par_num"][j], data["line_num"][j]) != key:
            continue
        if key is None:
            continue
        if data["left"][j] - x1 <= gap and x0 - (data["left"][j] + data["width"][j]) <= gap:
            return False
    return key is not None


def _clusters(idx: list[int], box: dict[int, tuple], gap: float) -> list[list[int]]:
    """Single-linkage groups of boxes closer than ``gap`` on both axes."""
    groups: list[list[int]] = []
    for i in idx:
        near = [g for g in groups if any(_close(box[i], box[j], gap) for j in g)]
        merged = [i] + [j for g in near for j in g]
        groups = [g for g in groups if g not in near] + [merged]
    return [sorted(g) for g in groups]


def _close(a: tuple, b: tuple, gap: float) -> bool:
    dx = max(0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0, max(a[1], b[1]) - min(a[3], b[3]))
    return dx <= gap and dy <= gap


def ghost_readings(data: dict) -> set[int]:
    """Words Tesseract read twice: a second, less sure reading of ink another line's word already covers.

    On a photocopy Tesseract may read a line, then the same ink again as a line of its own
    ("22 December 2023", then "ecember" inside "December"'s box at a lower confidence); the
    second reading, interleaved with the column's other lines, scrambled the masthead
    ("22Distr..DecemberGeneral").  A word whose box lies for the most part (60% or more of it)
    inside a word of another Tesseract line read more surely is that word's ghost.

    >>> data = {"level": [5] * 2, "text": ["December", "ecember"], "conf": [96, 84], "block_num": [2, 2],
    ...         "par_num": [2, 2], "line_num": [1, 2], "left": [1708, 1743], "top": [378, 390],
    ...         "width": [146, 147], "height": [32, 20]}
    >>> ghost_readings(data)
    {1}
    """
    words = sorted((i for i, t in enumerate(data["text"]) if data["level"][i] == 5 and str(t).strip()),
                   key=lambda i: data["top"][i])
    tops = [data["top"][i] for i in words]
    tallest = max((data["height"][i] for i in words), default=0)
    out = set()
    for i in words:
        x0, y0 = data["left"][i], data["top"][i]
        x1, y1 = x0 + data["width"][i], y0 + data["height"][i]
        area = max(1, (x1 - x0) * (y1 - y0))
        # the words that may reach this one: starting above its foot, at most the tallest word above its top
        for j in words[bisect.bisect_left(tops, y0 - tallest):bisect.bisect_left(tops, y1)]:
            if j == i or float(data["conf"][j]) <= float(data["conf"][i]) or (
                    data["block_num"][j], data["par_num"][j], data["line_num"][j]) == (
                    data["block_num"][i], data["par_num"][i], data["line_num"][i]):
                continue
            a0, b0 = data["left"][j], data["top"][j]
            w = min(x1, a0 + data["width"][j]) - max(x0, a0)
            h = min(y1, b0 + data["height"][j]) - max(y0, b0)
            if w > 0 and h > 0 and w * h >= GHOST_SHARE * area:
                out.add(i)
                break
    return out


def stray_specks(data: dict) -> set[int]:
    """On any page, a speck read as a lone mark of punctuation: smaller than :data:`SPECK_HEIGHT` text
    heights and read below :data:`SPECK_CONF` (or no taller than a dot, :data:`DOT`, whatever it was read
    as: ":" 4 px high at 55), two text heights or more from every word of its line.

    A photocopy's speck in the margin before a title's second line, read "," at confidence 6,
    became part of the title ("Multidimensional Integrated , Stabilization Mission"); a comma
    of the text stands against a word.
    """
    h = text_height(data)
    out = set()
    for i, t in enumerate(data["text"]):
        t = str(t).strip()
        small = data["height"][i] < SPECK_HEIGHT * h and (float(data["conf"][i]) < SPECK_CONF or data["height"][i] < DOT * h)
        if data["level"][i] == 5 and t and not any(c.isalnum() for c in t) and small and _alone(data, i, 2 * h):
            out.add(i)
    return out

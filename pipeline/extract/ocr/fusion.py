"""One page read more than once: its doubtful words voted on, word by word, across the readings.

A poor page is read more than once (:mod:`pipeline.extract.ocr.chain`): as it
came, prepared as its damage says, and, where many of its words are doubtful,
once more with the other stroke treatment (a thin page widened is read again
unwidened, a normal one widened).  Each reading gets other words wrong: on four
typewritten 200 dpi photocopies, of the 79 body words the first reading missed,
46 were read right by at least one of six other preparations.  So rather than keep one whole
reading, the chosen reading keeps its sure words and each *doubtful* word
(:func:`pipeline.extract.reread.doubtful_words`) is decided by the readings of
the same ink:

* a word of another reading stands for it when their boxes cover the same ink
  (same line, :data:`SAME_INK` of the wider box in common) and no other word of
  that reading does (a word split or joined differently is no candidate);
* a word or a thing of its kind (:func:`is_word`) beats a non-word; then the
  reading most readings agree on; the page's own reading stands otherwise
  (:func:`vote`): two readings never swap one word for another;
* the guards of a single re-read hold (:func:`pipeline.extract.reread.admissible`): no digit
  appears at a word's end where a footnote marker may stand, a symbol the grammar
  parses stays one, no letter-digit mix.

A word Tesseract read surely is never voted on.  What changed is returned as
data ({"word", "before", "after", "conf_before", "conf_after", "votes"}),
kept in the page's OCR record and counted in its ``preprocessing``.
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np

from pipeline.extract import prepare, quality, reread

SAME_INK = 0.6  # share of the wider box two words' boxes have in common to be one word's readings
SAME_LINE = 0.5  # ... and of the lower box's height in common


def _boxes(data: dict) -> list[tuple[int, int, int, int, int]]:
    """(index, x0, y0, x1, y1) of every word with text, sorted by x0."""
    out = []
    for i, (level, text) in enumerate(zip(data["level"], data["text"])):
        if level == 5 and str(text).strip():
            x0, y0 = data["left"][i], data["top"][i]
            out.append((i, x0, y0, x0 + data["width"][i], y0 + data["height"][i]))
    out.sort(key=lambda b: b[1])
    return out


def _same_ink(a: tuple, b: tuple) -> bool:
    _, ax0, ay0, ax1, ay1 = a
    _, bx0, by0, bx1, by1 = b
    iy = min(ay1, by1) - max(ay0, by0)
    if iy < SAME_LINE * max(1, min(ay1 - ay0, by1 - by0)):
        return False
    ix = min(ax1, bx1) - max(ax0, bx0)
    return ix >= SAME_INK * max(ax1 - ax0, bx1 - bx0)


def aligned(data: dict, i: int, other_boxes: list[tuple]) -> int | None:
    """The word of another reading that covers the same ink as word ``i``, if exactly one does."""
    x0, y0 = data["left"][i], data["top"][i]
    me = (i, x0, y0, x0 + data["width"][i], y0 + data["height"][i])
    found = [b[0] for b in other_boxes if b[1] < me[3] and b[3] > me[1] and _same_ink(me, b)]
    return found[0] if len(found) == 1 else None


_EDGES = re.compile(r"^[^\w]+|[^\w]+$")
_RUNS = re.compile(r"[^\W\d_]+")


def is_word(text: str) -> bool:
    """A word or a thing of its kind: a number, a Roman numeral, a symbol the grammar parses, or
    letters whose every run is a word of the verdict's English list (symspellpy's 82,765 words,
    :func:`pipeline.extract.quality.english_words`; the larger wordfreq list knows OCR
    scraps such as "ther", "protectin"), its edge punctuation aside.

    >>> [is_word(t) for t in ("and‘", "(or", "human-made", "70/193,", "protectin", "wlay", "1n")]
    [True, True, True, True, False, False, False]
    """
    core = _EDGES.sub("", text.strip())
    if not core or reread.mixed(core):
        return False
    if reread.well_formed(text) or reread.well_formed(core):
        return True
    runs = _RUNS.findall(core)
    words = quality.english_words()
    return bool(runs) and not any(c.isdigit() for c in core) and all(r.lower() in words for r in runs)


def vote(before: tuple[str, float], candidates: list[tuple[str, float]]) -> tuple[str, float, int]:
    """The reading of one word the readings settle on: (text, confidence, readings agreeing).

    A word (:func:`is_word`) beats a non-word; then the reading most readings
    agree on, if read at least as surely as the page's own; the page's own reading
    stands otherwise; of several candidates that beat it, the surest.  Words first, not votes first: a page's first and
    prepared readings often share an error (their images differ by a few specks),
    and their two votes for "naticnal" must not outweigh "national".

    >>> vote(("persors", 61.0), [("persons", 88.0), ("persons", 70.0)])
    ('persons', 88.0, 2)
    >>> vote(("Chornobyl", 65.0), [("Chornobyl", 80.0), ("Chornohyl", 40.0)])
    ('Chornobyl', 80.0, 2)
    >>> vote(("form", 85.0), [("from", 95.0)])
    ('form', 85.0, 1)
    >>> vote(("Assembly,", 60.0), [("Assembly,1", 90.0)])
    ('Assembly,', 60.0, 1)
    >>> vote(("confilct,", 82.0), [("vonf.ict,", 34.0), ("vonf.ict,", 30.0)])
    ('confilct,', 82.0, 1)
    """
    options = [before] + [c for c in candidates if reread.admissible(before[0], c[0])]
    votes = Counter(t for t, _ in options)
    own = (is_word(before[0]), votes[before[0]])
    sure = {t: max(c for u, c in options if u == t) for t in votes}
    # a rival of the same kind that wins by votes alone must be read as surely as the page's own reading:
    # a photocopy's readings share errors read unsurely ("as" at 69 lost to two readings of "at" at 58)
    rivals = [c for c in options if c[0] != before[0] and (is_word(c[0]), votes[c[0]]) > own
              and (is_word(c[0]) > own[0] or sure[c[0]] >= sure[before[0]])]
    if not rivals:  # the page's own reading stands, at the best confidence it was read with
        return before[0], sure[before[0]], votes[before[0]]
    best = max(rivals, key=lambda c: (is_word(c[0]), votes[c[0]], c[1]))
    return best[0], sure[best[0]], votes[best[0]]


def fuse(data: dict, others: list[dict], words: list[int]) -> tuple[dict, list[dict]]:
    """``data`` with each of ``words`` (doubtful words) voted on across ``others`` (readings of the
    same page image, in the same pixel frame).  Returns (data, changes)."""
    if not others or not words:
        return data, []
    other_boxes = [_boxes(o) for o in others]
    texts, confs = list(data["text"]), list(data["conf"])
    changes = []
    for i in words:
        before = (str(data["text"][i]).strip(), max(0.0, float(data["conf"][i])))
        candidates = []
        for o, boxes in zip(others, other_boxes):
            j = aligned(data, i, boxes)
            if j is not None:
                candidates.append((str(o["text"][j]).strip(), max(0.0, float(o["conf"][j]))))
        if not candidates:
            continue
        text, conf, votes = vote(before, candidates)
        if text != before[0]:
            texts[i], confs[i] = text, conf
            changes.append({"word": i, "before": before[0], "after": text, "conf_before": before[1],
                            "conf_after": conf, "votes": votes})
    if not changes:
        return data, []
    return {**data, "text": texts, "conf": confs}, changes


FUSE_LIMIT = 93.0  # words read below this confidence, or not words, are voted on (reread.doubtful_words' limit)
ANOTHER_SHARE = 0.04  # a page whose lines of text hold this share of unsure words is read once more ...
ANOTHER_MIN = 10  # ... when that is at least this many words
TEXT_LINE = 5  # a line of at least this many words is a line of text (not an emblem's scraps, a barcode, a page foot)
UNSURE = 70.0  # reread.DOUBTFUL: a word read below this confidence is unsure
THICK_RUNS = 5.0  # px at 300 dpi: strokes this wide or wider (bled, blurred print) are thinned, not widened


def worth_another_reading(data: dict) -> bool:
    """Whether a page's reading has enough unsure words in its lines of text to be read once more
    with the other stroke treatment.  Words of two letters or digits or more, read below
    :data:`UNSURE`, in lines of :data:`TEXT_LINE` words or more: clean, noisy and eroded 300 dpi
    first pages hold 0.3-3.2% (an emblem's scraps and a barcode stand in short lines, and names
    no dictionary knows are read surely), typewritten 200 dpi photocopies up to 17%."""
    text = [i for line in reread._rows(data).values() if len(line) >= TEXT_LINE for i in line]
    unsure = sum(1 for i in text if 0 <= float(data["conf"][i]) < UNSURE
                 and sum(c.isalnum() for c in str(data["text"][i])) >= 2)
    return unsure >= ANOTHER_MIN and unsure >= ANOTHER_SHARE * len(text)


def other_strokes(gray: np.ndarray, steps: list[str], dpi: int) -> tuple[str, dict]:
    """The other stroke treatment than the one the page was read with, as a preparation step: a page
    whose strokes were widened (``thicken`` among ``steps``), or are thick, is thinned by a pixel
    (which also closes one-pixel breaks the widening bridged); any other page is widened by one."""
    if any(s.startswith("thicken") for s in steps) or prepare.stroke_runs(gray) * 300.0 / dpi >= THICK_RUNS:
        return "thin", {"size": 2}
    return "thicken", {"size": 2}

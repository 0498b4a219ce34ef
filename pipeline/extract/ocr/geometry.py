"""A read page's geometry, which Tesseract does not report: each line's font size and baseline, the rules.

* a font size per line, from word heights against the letters' ascenders and
  descenders, so footnotes, headers and body differ as in a born-digital page;
* a line's baseline from its ink, where Tesseract's word boxes are looser;
* horizontal rules (the footnote rule), from runs of dark pixels.

Everything is in the page image's pixels.
"""
from __future__ import annotations

import statistics

import numpy as np

ASCENDING = set("bdfhiklt0123456789()[]{}/\\|!?'\"“”‘’*&%$#@ÀÁÂÉÈÊÍÓÔÚ")
DESCENDING = set("gjpqy()[]{}|/Q,;")


def word_rows(data: dict) -> dict[tuple, list[int]]:
    rows: dict[tuple, list[int]] = {}
    for i, text in enumerate(data["text"]):
        if data["level"][i] == 5 and text.strip():
            rows.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    return rows


# A top-band line's words this many text heights apart are columns of a masthead ("General Assembly"
# in large type, "Distr.: General"): each gets its own size and baseline.
MASTHEAD_COLUMN_GAP = 3.0


def line_columns(data: dict, words: list[int], gap: float, band_bottom: float) -> list[list[int]]:
    """A top-band line's words cut where a gap wider than ``gap`` opens: its columns.

    Tesseract may join a masthead's columns into one line ("General Assembly" in large type,
    "Distr.: General" in small): each column has its own size and baseline.  A line reaching
    below ``band_bottom`` is left whole.
    """
    if max(data["top"][i] + data["height"][i] for i in words) > band_bottom:
        return [words]
    order = sorted(words, key=lambda i: data["left"][i])
    parts = [[order[0]]]
    for i in order[1:]:
        prev = parts[-1][-1]
        if data["left"][i] - (data["left"][prev] + data["width"][prev]) > gap:
            parts.append([i])
        else:
            parts[-1].append(i)
    return parts


ASCENDER = 0.69  # an ascender's (or capital's) height over the font size; 0.46 an x-height, 0.22 a descender


def size_factor(text: str) -> float:
    """Word height as a fraction of the font size, from its letters' shapes."""
    asc = any(c in ASCENDING or c.isupper() for c in text)
    desc = any(c in DESCENDING for c in text)
    return (ASCENDER if asc else 0.46) + (0.22 if desc else 0.0)


def line_metrics(data: dict, idx: list[int]) -> tuple[float, float]:
    """(font size in px, baseline y in px) of one Tesseract line."""
    sizes, bases = [], []
    for i in idx:
        text = data["text"][i].strip()
        if len(text) < 2:
            continue
        sizes.append(data["height"][i] / size_factor(text))
    size = statistics.median(sizes) if sizes else max(data["height"][i] for i in idx) / 0.9
    for i in idx:
        text = data["text"][i].strip()
        if not any(c in DESCENDING for c in text) and data["height"][i] > 0.6 * size:
            bases.append(data["top"][i] + data["height"][i])
    base = statistics.median(bases) if bases else max(data["top"][i] + data["height"][i] for i in idx) - 0.22 * size
    return size, base


def ink_baseline(ink: np.ndarray, data: dict, idx: list[int], size: float, fallback: float,
                 within: float = 0.35) -> float:
    """A line's baseline from its ink: the lowest row still dense with ink (but for a run of such rows that
    goes on below the line's boxes).

    Letters stand on the baseline; only descenders go below it, and they are few,
    so the row profile drops sharply there.  Tesseract's word boxes are looser
    (italics, touching descenders), which would fake raised glyphs.  On heavy print
    they reach into the next line's letters, whose dense rows, cut off by the foot
    of the rows looked at, were taken for this line's foot.
    """
    x0 = min(data["left"][i] for i in idx)
    x1 = max(data["left"][i] + data["width"][i] for i in idx)
    y0 = max(0, int(min(data["top"][i] for i in idx) - 0.1 * size))
    y1 = int(max(data["top"][i] + data["height"][i] for i in idx) + 0.1 * size)
    profile = ink[y0:y1, x0:x1].sum(axis=1)
    if profile.size == 0 or profile.max() == 0:
        return fallback
    dense = np.nonzero(profile >= 0.3 * profile.max())[0]
    runs = np.split(dense, np.nonzero(np.diff(dense) > 1)[0] + 1)
    if len(runs) > 1 and runs[-1][-1] == profile.size - 1:
        dense = np.concatenate(runs[:-1])  # dense rows cut by the window's foot: the next line's letters
    base = y0 + dense[-1] + 1
    return float(base) if abs(base - fallback) < within * size else fallback


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


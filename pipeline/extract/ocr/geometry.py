"""A read page's geometry, which Tesseract does not report: each line's font size and baseline, the rules.

* a font size per line, from word heights against the letters' ascenders and
  descenders, so footnotes, headers and body differ as in a born-digital page;
* a line's baseline from its ink, where Tesseract's word boxes are looser;
* horizontal rules (the footnote rule), from runs of dark pixels.

Everything is in the page image's pixels.
"""
from __future__ import annotations

import statistics

import cv2
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


X_HEIGHT = 0.46  # an x-height over the font size (size_factor's)
BLED_SIZE = 0.8  # a line whose x-height says a size below this share of its boxes' is bled: its ink says its size


def ink_size(ink: np.ndarray, data: dict, idx: list[int], size: float, base: float) -> float:
    """A line's type size from its ink where its boxes overstate it: the rows above ``base`` dense with ink
    (its x-height) over :data:`X_HEIGHT`, when that is below :data:`BLED_SIZE` of ``size`` (the size its
    words' boxes give, :func:`line_metrics`).  Bled print's boxes take in the bleed and the next line's
    ascenders (heavy print: 80 px for type of 54), so a raised marker's foot, measured against that size,
    did not stand high enough above the baseline to count as raised ("2022¹" read "2022!").  Print whose
    boxes fit keeps ``size``.
    """
    x0 = min(data["left"][i] for i in idx)
    x1 = max(data["left"][i] + data["width"][i] for i in idx)
    y0 = max(0, int(base - size))
    profile = ink[y0:int(base), x0:x1].sum(axis=1)
    if profile.size == 0 or profile.max() == 0:
        return size
    dense = profile >= 0.3 * profile.max()
    rows = 0
    for on in dense[::-1]:  # the run of dense rows standing on the baseline
        if not on:
            break
        rows += 1
    measured = rows / X_HEIGHT
    return measured if 0.4 * size <= measured < BLED_SIZE * size else size


RULE_GAP = 1.2  # points: the widest break a rule's run may have (typed underscores, a photocopy's threshold)
RULE_COVER = 0.8  # the share of a broken rule's span that is ink
RULE_CLEAR = 0.1  # the most ink beside a broken rule, 2-4 px above and below it (text's stems have more)


def _ink_runs(ink: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """Every unbroken horizontal run of ink at least ``min_len`` long, as (row, start, end)."""
    out = []
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
                out.append((int(ys[r]), int(s), int(e)))
    return out


def _broken_runs(ink: np.ndarray, min_len: int, gap: int, exact: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Runs of ink broken by gaps of at most ``gap`` pixels, at least ``min_len`` long and
    :data:`RULE_COVER` ink, that no unbroken run of ``exact`` already gives: a rule typed as underscores,
    or one a photocopy's threshold broke up ("__ ___ ___" under the last line before the notes)."""
    counts = np.count_nonzero(ink, axis=1)
    up, down = np.roll(counts, 3), np.roll(counts, -3)
    # rows with ink enough, and a row 3 px above or below with half as much or less: a rule's edge rows
    # (a line of text has as much ink 3 px from most of its rows: those need no closing)
    rows = np.nonzero((counts >= RULE_COVER * min_len) & ((up <= counts // 2) | (down <= counts // 2)))[0]
    if not len(rows):
        return []
    band = ink[rows].astype(np.uint8)
    closed = cv2.morphologyEx(band, cv2.MORPH_CLOSE, np.ones((1, gap + 1), np.uint8)).astype(bool)
    seen = {}
    for y, s, e in exact:
        seen.setdefault(y, []).append((s, e))
    out = []
    for y, s, e in _ink_runs(closed, min_len):
        row = int(rows[y])
        on = np.flatnonzero(band[y, max(0, s - gap):e + gap])  # the closing may shift the span's ends
        if not on.size:
            continue
        s, e = max(0, s - gap) + int(on[0]), max(0, s - gap) + int(on[-1]) + 1
        if e - s < min_len or band[y, s:e].mean() < RULE_COVER or band[y, s:e].all():
            continue
        if any(s < b and a < e for a, b in seen.get(row, ())):
            continue
        out.append((row, s, e))
    return out


def find_rules(ink: np.ndarray, dpi: int) -> list[list[int]]:
    """Horizontal rules in pixels: long thin runs of ink (drawn lines, underscore rows).

    A run may be broken by gaps of :data:`RULE_GAP` (a typewriter's underscores, a rule a photocopy's
    threshold broke up); a rule so joined must stand clear of other ink (:data:`RULE_CLEAR`), which the
    row of a serif face's feet, joined across its letters, does not.
    """
    min_len = int(20 * dpi / 72)
    max_thick = max(2, int(2.5 * dpi / 72))
    exact = _ink_runs(ink, min_len)
    broken = _broken_runs(ink, min_len, max(2, round(RULE_GAP * dpi / 72)), exact)
    rules: list[list[int]] = []
    for y, s, e in sorted(exact + broken):
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
        if above >= 0.3 or below >= 0.3:
            continue  # a rule stands alone, not a stroke of a glyph
        if any(y0 <= y <= y1 and s < x1 and x0 < e for y, s, e in broken):  # joined across gaps
            beside = np.concatenate([ink[max(0, y0 - 4):max(0, y0 - 1), x0:x1].ravel(),
                                     ink[y1 + 2:min(h, y1 + 5), x0:x1].ravel()])
            if beside.size == 0 or beside.mean() >= RULE_CLEAR:
                continue
        out.append([x0, y0, x1, y1 + 1])  # x1 is already past the run
    return out

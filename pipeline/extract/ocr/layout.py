"""A read page as a :class:`PageLayout`: Tesseract's words, markers split off, as glyphs in PDF points.

The words then go through :mod:`pipeline.extract.layout_pdf` exactly like the
characters of a born-digital page.
"""
from __future__ import annotations

from pipeline.extract.layout_pdf import Glyph, PageLayout, Rule
from pipeline.extract.ocr.geometry import MASTHEAD_COLUMN_GAP, line_columns, line_metrics, word_rows
from pipeline.extract.ocr.graphics import BAND, ghost_readings, masthead_scraps, stray_specks, text_height

# A "marker" this many text heights wide in page 1's top band is the top of the organ's large letters
# ("General" in eroded type read as "General" + a raised "1"): a footnote marker is one to three small characters.
MASTHEAD_MARKER_WIDTH = 2.0

# characters Tesseract puts where a raised footnote digit was printed
_MARKER_JUNK = set("0123456789!?'\"’‘”“*>°º^+~`¹²³⁴⁵⁶⁷⁸⁹⁰")


def _strip_marker_junk(text: str) -> str:
    k = len(text)
    while k > 1 and text[k - 1] in _MARKER_JUNK:
        k -= 1
    return text[:k]


def strip_marker_tail(text: str, marker: str) -> str:
    """A word's text without the footnote marker Tesseract read at its end.

    What it put for the raised digit goes ("Assembly!", "Protocols,?", "Declaration,’"), and
    digits glued to a word ("Assembly1", "2024;4"), but never a number's own digits: in "2022!"
    the "!" is the marker "1", and the year stays 2022 (it was cut to "2").

    >>> strip_marker_tail("2022!", "1"), strip_marker_tail("Assembly1", "1"), strip_marker_tail("2024;4", "4")
    ('2022', 'Assembly', '2024;')
    """
    core = text
    while len(core) > 1 and core[-1] in _MARKER_JUNK and not core[-1].isdigit():
        core = core[:-1]
    digits = len(core) - len(core.rstrip("0123456789"))
    if 0 < digits < len(core) and not (core[-digits - 1].isdigit() or core[-digits - 1] in "/-‑–"):
        core = core[:-digits]  # the marker read as digits, glued to a word
        while len(core) > 1 and core[-1] in _MARKER_JUNK and not core[-1].isdigit():
            core = core[:-1]  # and what Tesseract put between them ("Development?4")
    if core == text and text.endswith(marker) and len(text) > len(marker):
        core = text[:-len(marker)]
    return core


def page_layout_from_ocr(number: int, data: dict, analysis: dict, dpi: int,
                         width_px: int, height_px: int, image_rel: str | None) -> PageLayout:
    """Tesseract words (with markers split off) as layout glyphs, in PDF points."""
    k = 72.0 / dpi
    markers = {m["word"]: m for m in analysis.get("markers", []) if m.get("text")}
    if number == 1:  # the masthead's large type is no marker: raised ink wider than two text heights
        wide = MASTHEAD_MARKER_WIDTH * text_height(data)
        markers = {i: m for i, m in markers.items()
                   if not (m["box"][3] <= BAND * height_px and m["box"][2] - m["box"][0] > wide)}
    # A note's number at the head of its line that the re-read could not name (an eroded "2" read
    # "to"): its words stay as OCR read them, but raised, so the footnote stage numbers it by the
    # sequence (a logged, flagged correction) instead of reading "to" as the note's first word.
    unnamed = {m["word"] for m in analysis.get("markers", []) if not m.get("text") and m.get("whole")
               and len(data["text"][m["word"]].strip()) <= 3 and m["box"][1] > 0.6 * height_px}
    ink_bases = analysis.get("baselines", {})
    # The first page's emblem scraps and specks: glyphs of their own, furniture (the "graphic" zone).
    scraps = masthead_scraps(data, width_px, height_px) if number == 1 else {}
    # A word read twice (a photocopy's second, less sure reading of a line's ink), a speck standing
    # apart read as punctuation: specks, furniture, on every page.
    scraps.update({i: "speck" for i in ghost_readings(data) | stray_specks(data) if i not in scraps and i not in markers})
    gap = MASTHEAD_COLUMN_GAP * text_height(data) if number == 1 else 0.0
    glyphs: list[Glyph] = []
    for key, idx in word_rows(data).items():
        words = [i for i in idx if i not in scraps] or idx
        parts = line_columns(data, words, gap, BAND * height_px) if gap else [words]
        metrics = {}
        for part in parts:
            size, base = line_metrics(data, part)
            ink = ink_bases.get(",".join(map(str, key)))
            if ink is not None and (len(parts) == 1 and len(words) == len(idx) or abs(ink - base) < 0.35 * size):
                base = ink  # measured with the scraps or the other column in the line: only where it agrees
            metrics.update(dict.fromkeys(part, (size, base)))
        for i in idx:
            size, base = metrics.get(i, (size, base))
            text = data["text"][i].strip()
            left, top, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            conf = max(0.0, min(1.0, float(data["conf"][i]) / 100.0))
            if i in scraps:
                glyphs.append(Glyph(text=text, x0=left * k, top=top * k, x1=(left + w) * k, bottom=(top + h) * k,
                                    size=size * k, baseline=(top + h) * k, conf=conf, word=True,
                                    graphic=scraps[i] if scraps[i] == "graphic" else f"speck-{i}"))
                continue
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
                    text = strip_marker_tail(text, m["text"])
                    w = max(1, x0 - left)
            if not text:
                continue
            glyphs.append(Glyph(  # Tesseract found the line: its words share one baseline
                text=text, x0=left * k, top=top * k, x1=(left + w) * k, bottom=(top + h) * k,
                size=size * k, baseline=base * k, conf=conf, word=True, line=",".join(map(str, key))))
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


"""How far a scanned page's reading can be trusted: measured, then a verdict.

Two measures of one Tesseract reading (``image_to_data``):

* mean word confidence, Tesseract's own (0-100), over words with a letter or digit;
* lexicon share: of the words of two letters or more, the share that are English
  words (symspellpy's 82,765-word frequency list, shipped with the package, so a
  verdict never changes with our own dictionaries).  A page read sideways or
  upside down gives "JOqQuID90qj" at confidence 30-40; garbage is rarely words.

The verdict (:func:`page_verdict`): **good** when both are high and the scan
had the resolution to be read; **unreadable** when even the best reading is
mostly not words; **poor** otherwise.  A page with no text (blank, a photo) is
never good by default: it is poor (someone should look that nothing was lost),
and a page with much ink but next to no words is unreadable.  Thresholds sit
between the families of damage measured in ``bench/scan_bench.py`` (clean
scans 88-96 and 0.95+, 200 dpi speckled photocopies 70-85, pages read turned
20-45 and under 0.4), not at one sample's value.
"""
from __future__ import annotations

import importlib.resources
import re
from functools import lru_cache

GOOD_CONFIDENCE = 80.0
GOOD_LEXICON = 0.85
UNREADABLE_CONFIDENCE = 45.0
UNREADABLE_LEXICON = 0.5
MIN_WORDS = 12  # fewer: a page with (next to) no text
PICTURE_INK = 0.15  # share of the page in ink above which few words mean a picture, not a blank
LOW_DPI = 150  # scanned below this, characters are too small for Tesseract to be trusted
RESCAN = "rescan at 300 dpi or more"

_WORD = re.compile(r"[^\W\d_]{2,}")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    path = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    return frozenset(line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line)


def measure(data: dict) -> dict:
    """Mean confidence, lexicon share and counts of one reading (``image_to_data`` dict)."""
    known_words = english_words()
    confs: list[float] = []
    words = known = known_chars = long_words = upright = 0
    for level, text, conf, w, h in zip(data["level"], data["text"], data["conf"], data["width"], data["height"]):
        text = str(text).strip()
        if level != 5 or not text or not any(c.isalnum() for c in text):
            continue
        confs.append(max(0.0, float(conf)))
        if len(text) >= 4:
            long_words += 1
            upright += w > h
        for w in _WORD.findall(text):
            words += 1
            if w.lower() in known_words:
                known += 1
                known_chars += len(w)
    return {"mean_confidence": round(sum(confs) / len(confs), 1) if confs else None,
            "lexicon_share": round(known / words, 3) if words else None,
            "words": words, "known_chars": known_chars,
            # Tesseract reads a page turned 90 degrees as vertical lines: its words are taller than wide
            "sideways": long_words >= MIN_WORDS and upright < 0.5 * long_words}


def score(m: dict) -> float:
    """Which of two readings of a page is better: more characters of real words, then confidence."""
    return (0.0 if m.get("sideways") else m["known_chars"]) + (m["mean_confidence"] or 0.0) / 100.0


def page_verdict(m: dict, *, dpi: int | None, ink_share: float | None = None) -> tuple[str, str]:
    """(status, why) for a page's best reading; ``dpi`` is the scan's own resolution."""
    conf, share, words = m["mean_confidence"], m["lexicon_share"], m["words"]
    if words < MIN_WORDS:
        if ink_share is not None and ink_share >= PICTURE_INK:
            return "unreadable", f"{words} words read on a page {ink_share:.0%} ink (a picture or a dark scan)"
        return "poor", f"{words} words read: blank or nearly blank page"
    if m.get("sideways"):
        return "unreadable", "the text runs down the page (turned 90 degrees)"
    if conf < UNREADABLE_CONFIDENCE or share < UNREADABLE_LEXICON:
        return "unreadable", f"mean confidence {conf:.0f}, {share:.0%} of words in the lexicon"
    if conf < GOOD_CONFIDENCE or share < GOOD_LEXICON:
        return "poor", f"mean confidence {conf:.0f}, {share:.0%} of words in the lexicon"
    if dpi is not None and dpi < LOW_DPI:
        return "poor", f"scanned at {dpi} dpi, below {LOW_DPI}"
    return "good", f"mean confidence {conf:.0f}, {share:.0%} of words in the lexicon"


def document_status(pages: list[dict]) -> str:
    """The worst page's status: one unreadable page makes the document unreadable."""
    statuses = {p["status"] for p in pages}
    for s in ("unreadable", "poor"):
        if s in statuses:
            return s
    return "good"


def unreadable_reason(page: dict) -> str:
    """What went wrong on an unreadable page and what to do, in one sentence."""
    done = [s.split(" ")[0] for s in page.get("preprocessing", []) if not s.startswith("deskew")]
    tried = []
    if page.get("rotation"):
        tried.append(f"rotation by {page['rotation']}")
    if done:
        tried.append("cleaning (" + ", ".join(dict.fromkeys(done)) + ")")
    after = f" after {' and '.join(tried)}" if tried else ""
    dpi = page.get("dpi")
    at = f", scanned at {dpi} dpi" if dpi else ""
    return f"page {page['page']} unreadable: {page.get('why', 'no usable text')}{after}{at}; {RESCAN}"


def mean_confidence(pages: list[dict]) -> float | None:
    values = [p["mean_confidence"] for p in pages if p.get("mean_confidence") is not None]
    return round(sum(values) / len(values), 1) if values else None

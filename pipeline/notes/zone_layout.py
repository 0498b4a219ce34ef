"""Where each note of a scanned footnote zone begins, from the zone's layout alone.

A poor scan loses the small raised numbers of its notes, or reads them as
anything ("1" for 3, "5" for 4, "‘" for 5, or nothing at all), so the numbers
cannot say where a note begins.  The typeset page still does, in any typeface:

* a note's number hangs left of the notes' text column: a line starting left of
  that column by a fraction of a character begins a note (whatever its number
  was read as, or when only the number's space is left);
* a note ends where its sentence does and its line stops short: when the line
  before ends with a full stop (or a closing bracket or quote) and the first
  word of this line would have fitted after it, this line was not wrapped from
  it, so it begins a note of its own.  When its first two words would have
  fitted, no full stop is needed (a photocopy loses a small one: "sect. A").

    "United Nations, Treaty Series, vol. 2225, No. 39574."   (short, full stop)
    "Ibid., vol. 2237, No. 39574."                           -> a note of its own

Only lines read by OCR are looked at (a text layer prints its numbers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import grammar as G
from ..worktext import WorkText

HANG = 0.3  # of the notes' type size: a line this far left of the text column hangs its number
TERMINAL = (".", ")", "\u201d", '"', "]")
# what OCR puts at a note's head for a raised number it cannot read, glued to the first word
LEAD_JUNK = re.compile(r"^[\u2018\u2019\u201c\u201d'`\"*.,:;!?°^~|]{1,2} ?(?=[A-Z(])")


@dataclass
class ZoneStart:
    line: int  # index in work.lines
    hangs: bool  # its first glyph stands in the numbers' column


def _ocr_read(work: WorkText, start: int, end: int) -> bool:
    return work.conf_at(start, end) is not None


def zones(work: WorkText) -> list[list[int]]:
    """Runs of consecutive non-blank footnote-zone lines of one page, as indices of ``work.lines``,
    only where every line has its box and was read by OCR."""
    out: list[list[int]] = []
    run: list[int] = []
    page = None
    for i, ln in enumerate(work.lines):
        text = work.text[ln.start:ln.end]
        if not text.strip():
            continue
        if ln.attrs.get("zone") == "footnote" and ln.page == page and run:
            run.append(i)
            continue
        if run:
            out.append(run)
        run, page = ([i], ln.page) if ln.attrs.get("zone") == "footnote" else ([], None)
    if run:
        out.append(run)
    return [z for z in out if all(work.lines[i].attrs.get("bbox") for i in z)
            and all(_ocr_read(work, work.lines[i].start, work.lines[i].end) for i in z)]


def _first_word_width(text: str, bbox: list[float], words: int = 1) -> float:
    """The width of a line's first ``words`` words and a space before each, by the line's own pitch."""
    text = text.strip()
    pitch = (bbox[2] - bbox[0]) / max(1, len(text))
    return pitch * sum(len(w) + 1 for w in text.split()[:words])


def note_starts(work: WorkText, zone: list[int], right: float, continued: bool = False) -> list[ZoneStart]:
    """The lines of ``zone`` that begin a note, by the layout; ``right``: the text block's right edge.

    ``continued``: the zone's first line may run on from a note of the page before (that note
    did not end its sentence), so it begins a note only when it hangs.
    """
    lines = [work.lines[i] for i in zone]
    texts = [work.text[ln.start:ln.end].strip() for ln in lines]
    boxes = [ln.attrs["bbox"] for ln in lines]
    size = sorted(b[3] - b[1] for b in boxes)[len(boxes) // 2]
    low = min(b[0] for b in boxes)
    column = max(b[0] for b in boxes if b[0] <= low + 2 * size)  # the notes' text column
    out = []
    for k, (text, box) in enumerate(zip(texts, boxes)):
        hangs = box[0] < column - HANG * size
        if hangs:
            out.append(ZoneStart(zone[k], True))
            continue
        if k == 0:
            if not continued and (_starts_like_a_note(text) or _readable(text)):
                out.append(ZoneStart(zone[k], False))  # nothing in the zone before it: it begins a note
            continue
        if not _starts_like_a_note(text):
            continue
        prev, pbox = texts[k - 1], boxes[k - 1]
        pitch = (pbox[2] - pbox[0]) / max(1, len(prev))
        room = right - pitch - pbox[2]
        if prev.endswith(TERMINAL) and _first_word_width(text, box) < room \
                or len(text.split()) > 1 and _first_word_width(text, box, 2) < room:
            out.append(ZoneStart(zone[k], False))
    return out


def _readable(text: str) -> bool:
    """Letters or digits that are no rule: what OCR made of a note whose number and first word a light
    threshold broke ("“oO [74" for "1 A/79/174.")."""
    return any(c.isalnum() for c in text) and not G.FOOTNOTE_RULE.match(text)


def _starts_like_a_note(text: str) -> bool:
    """A capital, a bracket, a digit, or OCR's junk for a lost number before a capital."""
    t = LEAD_JUNK.sub("", text)
    return bool(t) and (t[0].isupper() or t[0].isdigit() or t[0] in "(*†‡")

"""Page furniture: lines that belong to the page, not to the resolution.

Running headers, page numbers, job numbers, barcodes, cover notes and a
masthead that extraction placed in the middle of the text are removed, each as
a logged correction whose ``info`` keeps what the line told (its kind, and the
metadata a masthead line carries), so nothing is lost.

Furniture is recognised by position (the extractor's zones), by shape (the
generic patterns in :mod:`pipeline.grammar`) and by company: a date or an organ name on
a line of its own is furniture only next to other furniture.
"""
from __future__ import annotations

import re

from .. import grammar as G
from .. import masthead
from .. import rules as R
from ..masthead import body_start
from ..worktext import Proposal, WorkText
from .engine import RepairContext, rule

_MASTHEAD_KINDS = {"symbol", "distribution", "original-language"}
_MEETING = re.compile(rf"^\s*{G.MEETING}\b", re.I)


def _kind(text: str) -> str | None:
    """What furniture a line is by its shape alone, or None."""
    if not text.strip():
        return None
    if G.BARCODE.match(text):
        return "barcode"
    if G.JOB_NUMBER.match(text):
        return "job-number"
    if G.PAGE_NUMBER.match(text):
        return "page-number"
    if G.RECYCLE.match(text):
        return "recycle"
    if G.COVER_NOTE.match(text):
        return "cover-note"
    if G.SYMBOL_LINE.match(text):
        return "symbol"
    if G.DISTR.search(text) and len(text.split()) <= 8:
        return "distribution"
    if G.ORIGINAL.match(text):
        return "original-language"
    return None


# Lines that are furniture only beside other furniture.
def _companion(text: str) -> str | None:
    if G.DATE_LINE.match(text):
        return "date"
    if G.ORGAN_LINE.match(text):
        return "organ"
    return None


@rule(R.FURNITURE)
def remove_furniture(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Remove page furniture after the body has begun.

    ``"...human rights,\\n2\\nA/HRC/25/L.3\\nRecognizing..."`` -> the page number
    and running header go, each logged with its kind.  The masthead before the
    formula stays: the structure stage reads it as metadata.
    """
    body = body_start(work)
    lines = work.lines
    # A note the masthead refers to ("Egypt,*" -> "* On behalf of ...") is a footnote, not a cover note.
    head_marks = masthead.markers([work.text[ln.start:ln.end] for ln in lines if ln.end <= body] + ["The X,"]) \
        if body else set()
    kinds: list[str | None] = []
    for ln in lines:
        text = work.text[ln.start:ln.end]
        zone = ln.attrs.get("zone")
        if zone in ("header", "footer", "graphic"):  # "graphic": an emblem's scraps, a speck
            kinds.append(f"{zone}-zone")
        elif zone in ("masthead", "footnote"):
            kinds.append(None)
        elif ln.start >= body:
            kind = _kind(text)
            if kind == "cover-note" and re.match(r"\s*(\*{1,3}|[†‡])", text).group(1) in head_marks:
                kind = None
            kinds.append(kind)
        else:
            kinds.append(None)
    graphics = _graphics_read_as_text(work, body)
    kinds = [kinds[i] or ("graphic-read" if i in graphics else None) for i in range(len(lines))]
    # Companions: a bare date or organ line within two non-blank lines of a masthead
    # line (a symbol, "Distr.: ...", "Original: ..."); never the closing's date.
    for i, ln in enumerate(lines):
        if kinds[i] or ln.start < body or lines[i].attrs.get("zone"):
            continue
        kind = _companion(work.text[ln.start:ln.end])
        if not kind:
            continue
        near = list(_neighbours(work, i, 2))
        after_meeting = any(j < i and _MEETING.match(work.text[lines[j].start:lines[j].end]) for j in near)
        if not after_meeting and any(kinds[j] in _MASTHEAD_KINDS for j in near):
            kinds[i] = kind
    proposals = []
    for ln, kind in zip(lines, kinds):
        if not kind or ln.end <= ln.start:
            continue
        text = work.text[ln.start:ln.end]
        info = {"kind": kind, "line": " ".join(text.split())}
        confidence = 0.99 if kind != "page-number" else 0.95
        proposals.append(Proposal(ln.start, ln.end, "", R.FURNITURE, confidence, info))
    return proposals


def surely_text(word: str, conf: float) -> bool:
    """A word of text (:func:`pipeline.extract.ocr.graphics.is_text`) that is a number or a symbol, or read at
    0.5 or more: a fax's barcode read as "rene rete" at 0.46 and 0.21 is no text."""
    from ..extract.ocr.graphics import is_text

    return is_text(word, 100 * conf) and (conf >= 0.5 or any(c.isdigit() for c in word))


def mostly_no_text(work: WorkText, ln) -> bool:
    """A scan's line (OCR's words) fewer than half of whose words are text (:func:`surely_text`)."""
    words = [m for m in work.marks_of("conf") if ln.start <= m.start < ln.end]
    return bool(words) and 2 * sum(surely_text(work.text[m.start:m.end], m.data["conf"]) for m in words) < len(words)


GRAPHIC_SIZE = 2.5  # a line read this many times the body's type size or more is no line of text (graphics.GRAPHIC_HEIGHT)


def _graphics_read_as_text(work: WorkText, body: int) -> set[int]:
    """Indexes of OCR lines after the body's start that are a graphic read as text: a page foot's barcode or QR
    code on a fax ("iniindnmii i", "ene “GlDRG Wret", "3202nmiI minO3012g | ‘ Ploase recyeloom"), boxes
    ``GRAPHIC_SIZE`` times the body's type size or taller, fewer than half of whose words are text
    (:func:`surely_text`).  The masthead's large type is before the body; a line of a text layer is never one."""
    sizes = sorted(ln.attrs["size"] for ln in work.lines
                   if ln.attrs.get("size") and len(work.text[ln.start:ln.end].strip()) >= 20)
    if not sizes:
        return set()
    body_size = sizes[len(sizes) // 2]
    out = set()
    for i, ln in enumerate(work.lines):
        if ln.start < body or ln.attrs.get("zone") or (ln.attrs.get("size") or 0) < GRAPHIC_SIZE * body_size:
            continue
        if mostly_no_text(work, ln):
            out.add(i)
    return out


def _neighbours(work: WorkText, i: int, count: int):
    """Indexes of up to ``count`` non-blank lines on each side of line ``i``."""
    for step in (-1, 1):
        seen = 0
        j = i + step
        while 0 <= j < len(work.lines) and seen < count:
            ln = work.lines[j]
            if work.text[ln.start:ln.end].strip():
                seen += 1
                yield j
            j += step


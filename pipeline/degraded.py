"""Refinement steps that were skipped: flagged where they would have looked.

Extraction may skip a step that only refines what it has read (the re-read of
raised footnote markers, see ``extract.scan.reread_markers``; the second
reading of a poor page, turned or prepared, ``extract.scan._read_page``) and records it
in ``meta.ocr.skipped``: the step, why, and what it would have checked.  Here
each of those becomes a flagged notice in the correction log (the text is not
changed), so the document's output says what was skipped and why, and the
report shows the reviewer each place to check.  A step skipped with nothing
to point at gets one notice at the start of the document.
"""
from __future__ import annotations

from typing import Any

from . import rules as R
from .worktext import Proposal, WorkText

RULE = R.STEP_SKIPPED
WHAT = {"ocr.marker-reread": "the raised footnote marker was not re-read, digits only: check its number",
        "ocr.second-reading": "the page read poorly and could not be read again turned or prepared: check the page"}


def skipped_steps(meta: dict[str, Any]) -> list[dict[str, Any]]:
    return list(((meta or {}).get("ocr") or {}).get("skipped") or [])


def notices(work: WorkText, meta: dict[str, Any]) -> list[Proposal]:
    """Flagged notices for every place a skipped step would have checked."""
    out: list[Proposal] = []
    conf = [m for m in work.marks if m.kind == "conf" and m.data.get("bbox")]
    starts = [ln.start for ln in work.lines]
    for step in skipped_steps(meta):
        name, reason = str(step.get("step")), str(step.get("reason"))
        info = {"notice": WHAT.get(name, f"step {name} was skipped"), "skipped_step": name, "reason": reason}
        found = 0
        for target in step.get("markers") or []:
            hit = _word_at(work, conf, starts, target.get("page"), target.get("bbox"))
            if hit is not None:
                out.append(Proposal(hit[0], hit[1], work.text[hit[0]:hit[1]], RULE, 0.5,
                                    {**info, "marker": target.get("text", "")}, status="flagged"))
                found += 1
        if not found:
            out.append(Proposal(0, 0, "", RULE, 0.5, info, status="flagged"))
    return out


def _word_at(work: WorkText, conf, starts, page, bbox) -> tuple[int, int] | None:
    """The OCR word on ``page`` whose box overlaps ``bbox`` most (the marker, or the word it is glued to);
    without a box, the page's first word."""
    if page is None:
        return None
    if not bbox:
        firsts = [m for m in conf if m.end > m.start and (line := work.line_at(m.start, starts)) and line.page == page]
        return (firsts[0].start, firsts[0].end) if firsts else None
    best, best_area = None, 0.0
    for m in conf:
        line = work.line_at(m.start, starts)
        if line is None or line.page != page:
            continue
        b = m.data["bbox"]
        w = min(b[2], bbox[2]) - max(b[0], bbox[0])
        h = min(b[3], bbox[3]) - max(b[1], bbox[1])
        if w > 0 and h > 0 and w * h > best_area and m.end > m.start:
            best, best_area = (m.start, m.end), w * h
    return best

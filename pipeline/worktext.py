"""The text every stage after extraction works on, and the log of its changes.

``WorkText`` is the extracted document flattened to one string (lines joined
by ``\\n``, pages by ``\\n\\f\\n``) together with:

- ``lines``: each printed line's span in the current text and its layout facts;
- ``marks``: spans the stages care about (superscripts, OCR confidence,
  footnote bodies, note anchors), remapped through every edit;
- ``corrections``: the log.  Every change to the text goes through
  :meth:`WorkText.apply`, which records it, so nothing changes silently.

Replaying the log (:func:`replay`) on the extracted text gives the current text
exactly: each correction's ``where.offset`` is its position in the text as it
stood when it was made, after every correction logged before it.
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .model import Extracted

PAGE_BREAK = "\n\f\n"

# Statuses whose change is in the text; the others are proposals only.
IN_TEXT = frozenset({"applied", "flagged", "accepted"})


@dataclass
class Proposal:
    """A change a rule proposes: replace ``text[start:end]`` by ``after``."""

    start: int
    end: int
    after: str
    rule: str
    confidence: float
    # Extra facts for the log and the report (e.g. the marker a digit became).
    info: dict[str, Any] = field(default_factory=dict)
    # A rule may fix the status (e.g. "suggested" whatever the confidence).
    status: str | None = None


@dataclass
class LineRef:
    start: int
    end: int
    page: int
    index: int  # line number on its page, from 0
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Mark:
    start: int
    end: int
    kind: str  # superscript | conf | note | footnote | ...
    data: dict[str, Any] = field(default_factory=dict)


class Thresholds:
    """Confidence bands: applied >= apply; flagged >= flag; suggested below."""

    # The defaults, defined here once (luigi.cfg [repair] apply_threshold, flag_threshold override them).
    APPLY = 0.9  # at or above: applied, not shown for review
    FLAG = 0.6  # at or above: applied and flagged for review; below: suggested only (text unchanged)

    def __init__(self, apply: float = APPLY, flag: float = FLAG) -> None:
        self.apply = apply
        self.flag = flag

    def status(self, confidence: float) -> str:
        if confidence >= self.apply:
            return "applied"
        if confidence >= self.flag:
            return "flagged"
        return "suggested"


Decide = Callable[[str], "str | None"]  # decision key -> "accept" | "reject" | None


def poor_pages(meta: dict[str, Any]) -> set[int]:
    """Pages of a scan whose reading is not good (``meta["ocr_quality"]``): their corrections are all reviewed."""
    return {p["page"] for p in meta.get("ocr_quality", []) if p.get("status") != "good"}


def decision_key(doc_id: str, rule: str, before: str, after: str, context: str) -> str:
    """A correction's identity across runs: independent of offsets."""
    raw = "\x1f".join((doc_id, rule, before, after, context))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


class WorkText:
    def __init__(
        self,
        doc_id: str,
        text: str,
        lines: list[LineRef] | None = None,
        marks: list[Mark] | None = None,
        corrections: list[dict[str, Any]] | None = None,
        origin: list[int] | None = None,
    ) -> None:
        self.doc_id = doc_id
        self.text = text
        self.lines = lines or []
        self.marks = marks or []
        self.corrections = corrections or []
        # origin[i]: offset in the extracted text of the character now at i.
        self.origin = origin if origin is not None else list(range(len(text) + 1))
        self._edits = 0  # edits made: marks move, so indexes of them are rebuilt

    # ------------------------------------------------------------------ build
    @classmethod
    def from_extracted(cls, doc: Extracted) -> "WorkText":
        parts: list[str] = []
        lines: list[LineRef] = []
        marks: list[Mark] = []
        pos = 0
        review = poor_pages(doc.meta)
        ocr_layer = set((doc.meta.get("text_layer") or {}).get("ocr_pages", ()))  # searchable scans' OCR text
        for pi, page in enumerate(doc.pages):
            if pi:
                parts.append(PAGE_BREAK)
                pos += len(PAGE_BREAK)
            for li, line in enumerate(page.lines):
                if li:
                    parts.append("\n")
                    pos += 1
                attrs: dict[str, Any] = {}
                if line.bbox:
                    attrs["bbox"] = line.bbox
                if line.size:
                    attrs["size"] = line.size
                if line.heading:
                    attrs["heading"] = line.heading
                if line.zone:
                    attrs["zone"] = line.zone
                if getattr(line, "table", False):
                    attrs["table"] = True
                if page.number in review:
                    attrs["poor_scan"] = True
                if page.number in ocr_layer:
                    attrs["ocr_layer"] = True
                italic = [s for s in line.spans if s.italic]
                if italic and italic[0].start <= len(line.text) - len(line.text.lstrip()):
                    attrs["italic_start"] = True
                lines.append(LineRef(pos, pos + len(line.text), page.number, li, attrs))
                for s in line.spans:
                    if s.superscript:
                        marks.append(Mark(pos + s.start, pos + s.end, "superscript", {"size": s.size}))
                    if s.conf is not None:
                        marks.append(Mark(pos + s.start, pos + s.end, "conf", {"conf": s.conf, "bbox": s.bbox}))
                    if s.italic:
                        marks.append(Mark(pos + s.start, pos + s.end, "italic"))
                parts.append(line.text)
                pos += len(line.text)
        return cls(doc.doc_id, "".join(parts), lines, marks)

    # ------------------------------------------------------------- queries
    def line_at(self, pos: int, starts: list[int] | None = None) -> LineRef | None:
        """The line holding ``pos``; pass ``starts`` (the lines' starts) when asking many times."""
        if starts is None:
            starts = [ln.start for ln in self.lines]
        i = bisect.bisect_right(starts, pos) - 1
        return self.lines[i] if i >= 0 else None

    def marks_of(self, kind: str) -> list[Mark]:
        return [m for m in self.marks if m.kind == kind]

    def conf_at(self, start: int, end: int) -> float | None:
        """Lowest OCR confidence of the words overlapping ``[start, end)``."""
        confs = [m.data["conf"] for m in self._conf_marks(start, end)]
        return min(confs) if confs else None

    def _conf_marks(self, start: int, end: int) -> list[Mark]:
        """The OCR words ("conf" marks) overlapping ``[start, end)`` (an empty span: the character at ``start``).

        Repair asks this for every token: the marks sorted by start and bisected, not scanned
        (the index is rebuilt when the text is edited or a mark added).
        """
        starts, ordered, longest = self._conf_index()
        stop = max(end, start + 1)
        lo = bisect.bisect_right(starts, start - longest)  # a mark starting there or before ends by ``start``
        hi = bisect.bisect_left(starts, stop)
        return [m for m in ordered[lo:hi] if m.end > start]

    def _conf_index(self) -> tuple[list[int], list[Mark], int]:
        key = (id(self.marks), len(self.marks), self._edits)
        if getattr(self, "_conf_key", None) != key:
            ordered = sorted((m for m in self.marks if m.kind == "conf"), key=lambda m: m.start)
            longest = max((m.end - m.start for m in ordered), default=0)
            self._conf_cache = ([m.start for m in ordered], ordered, longest)
            self._conf_key = key
        return self._conf_cache

    def _bbox(self, start: int, end: int) -> list[float] | None:
        """Union of the word boxes (scans) under ``[start, end)``: where the reviewer should look."""
        boxes = [m.data["bbox"] for m in self._conf_marks(start, end) if m.data.get("bbox")]
        if not boxes:
            return None
        return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]

    def context(self, start: int, end: int, width: int = 30) -> str:
        left = self.text[max(0, start - width):start]
        right = self.text[end:end + width]
        return " ".join(f"{left}\u27e6{self.text[start:end]}\u27e7{right}".split())

    def snippet(self, start: int, end: int, width: int = 60) -> str:
        """About ``width`` characters each side, whole words, not past a paragraph or page break.

        What the report shows a reviewer: enough of the clause to judge the
        change (``context`` is shorter and is part of the correction's identity).
        """
        left = self.text[max(0, start - width):start]
        right = self.text[end:end + width]
        for brk in ("\n\n", "\f"):
            if brk in left:
                left = left[left.rindex(brk) + len(brk):]
            if brk in right:
                right = right[:right.index(brk)]
        cut_left = start - len(left) > 0 and not self.text[start - len(left) - 1].isspace()
        if cut_left and left and not left[0].isspace():
            left = left.split(None, 1)[1] if len(left.split(None, 1)) > 1 else ""  # no half word
        cut_right = end + len(right) < len(self.text) and not self.text[end + len(right)].isspace()
        if cut_right and right and not right[-1].isspace():
            right = right.rsplit(None, 1)[0] if len(right.rsplit(None, 1)) > 1 else ""
        return " ".join(f"{left}\u27e6{self.text[start:end]}\u27e7{right}".split())

    # --------------------------------------------------------------- edits
    def apply(
        self,
        proposals: Iterable[Proposal],
        thresholds: Thresholds,
        decide: Decide | None = None,
    ) -> list[dict[str, Any]]:
        """Log every proposal and make those whose status puts them in the text.

        Overlapping proposals: the first (by start, then longest) wins; the
        others are dropped before logging, as they would edit text that is gone.
        Returns the correction records added to the log.
        """
        chosen: list[Proposal] = []
        last_end = -1
        for p in sorted(proposals, key=lambda p: (p.start, -(p.end - p.start))):
            before = self.text[p.start:p.end]
            if (before == p.after and not p.info.get("notice")) or p.start < last_end:
                continue
            if p.start == p.end and chosen and chosen[-1].end == p.start and chosen[-1].start == p.start:
                continue
            chosen.append(p)
            last_end = max(last_end, p.end)
        if not chosen:
            return []

        records: list[dict[str, Any]] = []
        pieces: list[str] = []
        origin_pieces: list[list[int]] = []
        edits: list[tuple[int, int, int]] = []  # start, end, new length (old coordinates)
        cursor = 0
        delta = 0
        seen_keys: dict[str, int] = {}
        line_starts = [ln.start for ln in self.lines]
        for p in chosen:
            before = self.text[p.start:p.end]
            context = self.context(p.start, p.end)
            key = decision_key(self.doc_id, p.rule, before, p.after, context)
            n = seen_keys.get(key, 0)
            seen_keys[key] = n + 1
            cid = key if n == 0 else f"{key}-{n}"
            status = p.status or thresholds.status(p.confidence)
            line = self.line_at(p.start, line_starts)
            if status == "applied" and line is not None and line.attrs.get("poor_scan"):
                status = "flagged"  # a poor scan's page: every change is shown for review
            decision = decide(cid) if decide else None
            if decision == "accept":
                status = "accepted"
            elif decision == "reject":
                status = "rejected"
            src_start = self.origin[p.start]
            src_end = self.origin[p.end] if p.end > p.start else src_start
            where: dict[str, Any] = {
                "offset": p.start + delta,
                "source": {"start": src_start, "end": src_end},
            }
            if line is not None:
                where["source"].update(page=line.page, line=line.index + 1)
                bbox = self._bbox(p.start, p.end) or line.attrs.get("bbox")
                if bbox:
                    where["source"]["bbox"] = bbox
            record = {
                "id": cid,
                "rule": p.rule,
                "before": before,
                "after": p.after,
                "context": context,
                "snippet": self.snippet(p.start, p.end),
                "where": where,
                "confidence": round(float(p.confidence), 4),
                "status": status,
            }
            if p.info:
                record["info"] = p.info
            if line is not None and line.attrs.get("poor_scan"):
                record["info"] = {**p.info, "poor_scan": True}
            records.append(record)
            if status in IN_TEXT:
                pieces.append(self.text[cursor:p.start])
                pieces.append(p.after)
                origin_pieces.append(self.origin[cursor:p.start])
                origin_pieces.append([self.origin[p.start]] * len(p.after))
                cursor = p.end
                edits.append((p.start, p.end, len(p.after)))
                delta += len(p.after) - (p.end - p.start)
        pieces.append(self.text[cursor:])
        origin_pieces.append(self.origin[cursor:])
        if edits:
            self.text = "".join(pieces)
            self.origin = [o for chunk in origin_pieces for o in chunk]
            self._remap(edits)
        self.corrections.extend(records)
        return records

    def _remap(self, edits: list[tuple[int, int, int]]) -> None:
        starts = [e[0] for e in edits]
        shifts: list[int] = []
        total = 0
        for s, e, n in edits:
            shifts.append(total)
            total += n - (e - s)

        def move(pos: int, right: bool) -> int:
            """Map an old position; ``right`` for span ends, which take in an
            edit that touches them, while span starts stay before it."""
            i = bisect.bisect_right(starts, pos) - 1
            if i < 0:
                return pos
            s, e, n = edits[i]
            base = shifts[i]
            if pos > e or (pos == e and e > s):
                return pos + base + n - (e - s)
            if pos == s == e:  # an insertion right here
                return s + base + (n if right else 0)
            if pos == s:
                return s + base
            return s + base + (n if right else 0)  # inside a replaced span

        for ln in self.lines:
            ln.start, ln.end = move(ln.start, False), max(move(ln.start, False), move(ln.end, True))
        for m in self.marks:
            m.start = move(m.start, False)
            m.end = max(m.start, move(m.end, True))
        self._edits += 1

    # ---------------------------------------------------------- persistence
    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "text": self.text,
            "lines": [vars(ln) for ln in self.lines],
            "marks": [vars(m) for m in self.marks],
            "corrections": self.corrections,
            "origin": _compress_origin(self.origin),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "WorkText":
        return cls(
            data["doc_id"],
            data["text"],
            [LineRef(**ln) for ln in data["lines"]],
            [Mark(**m) for m in data["marks"]],
            data["corrections"],
            _expand_origin(data["origin"]),
        )


def _compress_origin(origin: list[int]) -> list[list[int]]:
    """Run-length form: [[position, origin, length], ...] of runs with slope 1."""
    runs: list[list[int]] = []
    for i, o in enumerate(origin):
        if runs and runs[-1][1] + runs[-1][2] == o and runs[-1][0] + runs[-1][2] == i:
            runs[-1][2] += 1
        else:
            runs.append([i, o, 1])
    return runs


def _expand_origin(runs: list[list[int]]) -> list[int]:
    out: list[int] = []
    for i, o, n in runs:
        while len(out) < i:  # repeated origins (inserted text) stand between runs
            out.append(out[-1] if out else o)
        out.extend(range(o, o + n))
    return out


def replay(text: str, corrections: Iterable[dict[str, Any]]) -> str:
    """Apply a correction log to the extracted text: the inverse of nothing lost.

    Raises ``ValueError`` when a correction's ``before`` is not where the log
    says, so a corrupt or mis-ordered log cannot pass silently.
    """
    for c in corrections:
        if c["status"] not in IN_TEXT:
            continue
        off = c["where"]["offset"]
        before = c["before"]
        if text[off:off + len(before)] != before:
            raise ValueError(f"correction {c['id']} ({c['rule']}): expected {before!r} at {off}")
        text = text[:off] + c["after"] + text[off + len(before):]
    return text

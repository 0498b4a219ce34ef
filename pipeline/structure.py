"""Structure: the repaired text becomes a resolution.

Header block and title, the formula ("The General Assembly,"), preambular
paragraphs, numbered operative paragraphs with their sub-items, the closing,
and the footnotes lifted out by the footnote stage.

Paragraph boundaries come from content, because blank lines cannot be trusted
(one seed is double-spaced, another runs a paragraph over a stripped marker's
line break): an operative paragraph starts at the number the sequence expects,
a preambular one at an opening participle after a paragraph that ended with a
comma, a sub-item at the letter that comes next.  Layout facts (italic opening
words, first-line indents, blank lines from a PDF) add evidence where present.

Every non-blank character of the text lands in exactly one block (see
:func:`blocks`), so nothing is dropped here; changes were logged upstream.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .repair import patterns as P
from .repair.layout import FORMULA
from .worktext import WorkText

_OPENERS = {
    "Acknowledging", "Acting", "Affirming", "Alarmed", "Also", "Anxious", "Appreciating", "Approving", "Aware",
    "Bearing", "Believing", "Cognizant", "Commending", "Concerned", "Condemning", "Confident", "Conscious",
    "Considering", "Convinced", "Declaring", "Deeply", "Deploring", "Desiring", "Desirous", "Determined",
    "Disturbed", "Emphasizing", "Emphasising", "Encouraged", "Encouraging", "Endorsing", "Expressing", "Firmly",
    "Fully", "Further", "Gravely", "Guided", "Having", "Highlighting", "Hoping", "Keeping", "Keenly", "Looking",
    "Mindful", "Noting", "Observing", "Persuaded", "Pointing", "Profoundly", "Reaffirming", "Realizing",
    "Recalling", "Recognizing", "Recognising", "Reiterating", "Re-emphasizing", "Referring", "Regretting",
    "Reiterating", "Reminding", "Resolved", "Seriously", "Sharing", "Strongly", "Stressing", "Taking",
    "Underlining", "Underscoring", "Urging", "Viewing", "Welcoming", "Wishing", "Aware", "Emphasizing",
    "Deeply", "Encouraged", "Satisfied", "Reassured", "Troubled", "Dismayed", "Shocked", "Saddened",
}
_NOT_OPENERS = {"During", "Including", "Following", "Regarding", "Concerning", "Notwithstanding", "According",
                "Pending", "Nothing", "Something", "Everything", "Beijing", "Wellington", "Reading", "Building",
                "King", "Sterling", "Spring", "Viking", "Flemming", "Bring", "Sing", "Thing"}
_OPERATIVE = re.compile(r"^(\s*)(\d{1,3})\.(?=\s|$)\s*")
_ITEM = re.compile(r"^(\s*)\(([a-z]{1,2}|[ivx]{1,5})\)(?=\s)\s*")
_TITLE = re.compile(r"^\s*(?:Resolution\s+)?(\d{1,4}/(?:\d{1,4}|\u2026|\.\.\.)(?:\s*[A-Z]\b)?)\.?\s+(\S.*)$")
# What closes a resolution: "76th plenary meeting", "50th (resumed) plenary meeting",
# "Adopted without a vote." / "Adopted by a recorded vote of ...".  Case matters: a
# line "adopted by the Council of ..." inside a paragraph is no closing.
_MEETING = r"\d+(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?(?:plenary\s+)?meeting"
_CLOSING = re.compile(
    rf"^\s*(?:{_MEETING}\b.*|Adopted\s+(?:without a vote|by (?:a )?(?:recorded )?vote|by consensus|at the)\b.*)$"
)
_ADOPTED_ON = re.compile(rf"Resolution adopted by the ([A-Z][A-Za-z ]+?)(?:\s+on\s+(\d{{1,2}}\s+(?:{P.MONTHS})\s+\d{{4}}))?\s*$")
_REPORT = re.compile(r"^\s*\[\s*(?:on the report of|without reference to)(.*)\]\s*$", re.I)
_ORGAN_SERIES = {"General Assembly": "A/RES/", "Human Rights Council": "A/HRC/RES/", "Security Council": "S/RES/",
                 "Economic and Social Council": "E/RES/"}


def is_preamble_opening(line: str) -> bool:
    """Does the line open a preambular paragraph ("Recalling ...", "Deeply concerned ...")?"""
    m = re.match(r"^\s*([A-Z][a-z]+(?:-[a-z]+)?)\b", line)
    if not m:
        return False
    word = m.group(1)
    if word in _OPENERS:
        return True
    return word.endswith("ing") and len(word) > 5 and word not in _NOT_OPENERS


@dataclass
class Block:
    role: str  # header | title | formula | preamble | operative | item | closing | footnote | other
    start: int
    end: int
    num: str | None = None
    text_start: int | None = None  # where the text begins after the number
    level: int = 0
    children: list["Block"] = field(default_factory=list)


def _logical_lines(work: WorkText) -> list[tuple[int, int, dict[str, Any]]]:
    attrs_by_start = {ln.start: ln.attrs for ln in work.lines}
    out = []
    for m in re.finditer(r"[^\n\f]+", work.text):
        out.append((m.start(), m.end(), attrs_by_start.get(m.start(), {})))
    return out


def blocks(work: WorkText) -> list[Block]:
    """Cut the text into blocks by role, in text order."""
    text = work.text
    foot = sorted((m.start, m.end) for m in work.marks if m.kind == "footnote")
    lines = []
    for s, e, attrs in _logical_lines(work):
        if not text[s:e].strip():
            continue
        in_foot = next(((fs, fe) for fs, fe in foot if fs <= s < fe), None)
        if in_foot:
            continue
        lines.append((s, e, attrs))
    out: list[Block] = [Block("footnote", fs, fe) for fs, fe in foot]

    formula_idx = next((i for i, (s, e, _) in enumerate(lines) if FORMULA.match(text[s:e])), None)
    head = lines[:formula_idx] if formula_idx is not None else []
    body = lines[formula_idx + 1:] if formula_idx is not None else lines
    if formula_idx is not None:
        s, e, _ = lines[formula_idx]
        out.append(Block("formula", s, e))
    out.extend(_head_blocks(work, head))

    current: Block | None = None
    expected_op = 1
    closing: Block | None = None
    op_blocks: list[Block] = []
    for s, e, attrs in body:
        line = text[s:e]
        if attrs.get("zone") == "masthead":  # the extractor is sure: never part of a paragraph
            out.append(Block("header", s, e))
            continue
        if closing is not None:
            closing.end = e
            continue
        m = _OPERATIVE.match(line)
        if m and int(m.group(2)) == expected_op and (
            expected_op > 1 or current is None or current.role != "operative"
        ):
            current = Block("operative", s, e, num=m.group(2), text_start=s + m.end())
            if current.text_start == e:
                current.text_start = None  # number alone on its line: text follows
            out.append(current)
            op_blocks.append(current)
            expected_op += 1
            continue
        if op_blocks and _CLOSING.match(line) and current is not None and not _more_operative(body, s, expected_op, text):
            closing = Block("closing", s, e)
            out.append(closing)
            continue
        if current is not None and current.role in ("operative", "item"):
            parent = op_blocks[-1]
            im = _ITEM.match(line)
            if im and _item_expected(parent, im.group(2)):
                item = Block("item", s, e, num=f"({im.group(2)})", text_start=s + im.end())
                parent.children.append(item)
                current = item
                continue
        if not op_blocks and _starts_preamble(text, current, line, attrs):
            current = Block("preamble", s, e, text_start=s)
            out.append(current)
            continue
        if current is None:
            current = Block("preamble" if not op_blocks else "other", s, e, text_start=s)
            out.append(current)
            continue
        current.end = e
        if current.text_start is None:
            current.text_start = s
    _close_parents(op_blocks)
    return sorted(out, key=lambda b: b.start)


def _more_operative(body: list[tuple[int, int, dict[str, Any]]], pos: int, expected: int, text: str) -> bool:
    """Is the next operative paragraph still to come after ``pos``? Then no closing is here."""
    for s, e, _ in body:
        if s > pos:
            m = _OPERATIVE.match(text[s:e])
            if m and int(m.group(2)) == expected:
                return True
    return False


def _starts_preamble(text: str, current: Block | None, line: str, attrs: dict[str, Any]) -> bool:
    if current is None:
        return True
    so_far = text[current.start:current.end].rstrip()
    # A marker digit the footnote stage left (a suggestion not taken) may follow the comma.
    ended = bool(re.search(r"[,;:]\d{0,3}$", so_far)) or current.role == "formula"
    return ended and (is_preamble_opening(line) or bool(attrs.get("italic_start")))


def _item_expected(parent: Block, label: str) -> bool:
    letters = [c.num.strip("()") for c in parent.children]
    if not letters:
        return label == "a"
    last = letters[-1]
    if label == "i" and last != "h":
        return False  # (i) after anything but (h) is a roman sub-item; kept in the text
    return len(last) == 1 and len(label) == 1 and ord(label) == ord(last) + 1


def _close_parents(op_blocks: list[Block]) -> None:
    """A parent's own text ends where its first item begins."""
    for b in op_blocks:
        if b.children:
            for i, c in enumerate(b.children):
                nxt = b.children[i + 1].start if i + 1 < len(b.children) else None
                if nxt is not None:
                    c.end = min(c.end, nxt)
            b.end = max(b.end, b.children[-1].end)


def _head_blocks(work: WorkText, head: list[tuple[int, int, dict[str, Any]]]) -> list[Block]:
    """Header lines (masthead) and the title, which may run over several lines."""
    text = work.text
    out: list[Block] = []
    title: Block | None = None
    for s, e, attrs in head:
        line = text[s:e]
        if title is not None and not _is_header_line(line) and attrs.get("zone") != "masthead":
            title.end = e
            continue
        if attrs.get("zone") != "masthead" and _TITLE.match(line):
            title = Block("title", s, e)
            out.append(title)
            continue
        out.append(Block("header", s, e))
    if title is None:
        # No numbered title: the last run of non-header lines before the formula is it.
        run: list[Block] = []
        for b in out:
            if _is_header_line(text[b.start:b.end]) or work.line_at(b.start) and work.line_at(b.start).attrs.get("zone") == "masthead":
                run = []
            else:
                run.append(b)
        if run:
            for b in run:
                out.remove(b)
            out.append(Block("title", run[0].start, run[-1].end))
    return out


def _is_header_line(line: str) -> bool:
    return bool(
        P.SYMBOL_LINE.match(line) or P.DISTR.search(line) or P.DATE_LINE.match(line) or P.ORGAN_LINE.match(line)
        or P.SESSION_LINE.match(line) or P.AGENDA_LINE.match(line) or P.ORIGINAL.match(line)
        or _ADOPTED_ON.search(line) or _REPORT.match(line) or P.PAGE_NUMBER.match(line) or P.JOB_NUMBER.match(line)
        or P.BARCODE.match(line)
    )


# ---------------------------------------------------------------- rendering to the contract
def normalize(text: str, start: int, end: int, notes: list[tuple[int, str]],
              skip: list[tuple[int, int]] = ()) -> tuple[str, list[dict[str, Any]]]:
    """Single-space ``text[start:end]``; place notes (raw positions) at offsets in the result.

    Ranges in ``skip`` (footnote bodies a page break put inside a paragraph) are
    left out, as whitespace.  A hyphen that ends a line and was kept by the
    repair stage joins its compound ("non-\\nselectivity" -> "non-selectivity").
    """
    out: list[str] = []
    pending_space = False
    raw_to_norm: dict[int, int] = {}
    skips = sorted((a, b) for a, b in skip if b > start and a < end)
    i = start
    while i < end:
        raw_to_norm[i] = len(out) + (1 if pending_space and out else 0)
        if skips and skips[0][0] <= i:
            a, b = skips.pop(0)
            for k in range(i, min(b, end)):
                raw_to_norm[k] = raw_to_norm[i]
            i = max(i + 1, b)
            pending_space = True
            continue
        ch = text[i]
        if ch.isspace():
            if out and out[-1] == "-" and "\n" in text[i:_ws_end(text, i, end)] and len(out) > 1 and out[-2].isalpha():
                j = _ws_end(text, i, end)
                if j < end and text[j].isalpha():
                    for k in range(i, j):
                        raw_to_norm[k] = len(out)
                    i = j
                    continue
            pending_space = True
        else:
            if pending_space and out:
                out.append(" ")
            pending_space = False
            out.append(ch)
        i += 1
    result = "".join(out)
    placed = []
    for pos, num in sorted(notes):
        off = raw_to_norm.get(pos, len(result)) if pos < end else len(result)
        placed.append({"num": num, "offset": min(off, len(result))})
    return result, placed


def _ws_end(text: str, i: int, end: int) -> int:
    while i < end and text[i].isspace():
        i += 1
    return i


def _notes_in(work: WorkText, start: int, end: int) -> list[tuple[int, str]]:
    return [(m.start, m.data["num"]) for m in work.marks if m.kind == "note" and start <= m.start <= end]


def _paragraph(work: WorkText, b: Block, pid: str) -> dict[str, Any]:
    start = b.text_start if b.text_start is not None else b.end
    end = b.children[0].start if b.children else b.end
    footnotes = [(m.start, m.end) for m in work.marks if m.kind == "footnote"]
    text, notes = normalize(work.text, start, end, _notes_in(work, start, end), footnotes)
    para: dict[str, Any] = {"id": pid, "num": b.num, "text": text, "notes": notes}
    if b.role == "operative":
        para["items"] = [
            _paragraph(work, c, f"{pid}.{c.num.strip('()')}") for c in b.children
        ]
    return para


def build_document(work: WorkText, *, source: dict[str, Any], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The canonical document (``clean-document/1``) from a recovered working text."""
    text = work.text
    bl = blocks(work)
    preamble = [b for b in bl if b.role == "preamble"]
    operative = [b for b in bl if b.role == "operative"]
    header = _header(work, [b for b in bl if b.role == "header"], meta or {})
    formula = next((" ".join(text[b.start:b.end].split()) for b in bl if b.role == "formula"), None)
    organ = None
    if formula:
        fm = FORMULA.match(formula)
        organ = fm.group(1) if fm else None
    organ = organ or header.get("organ")

    number = title = None
    tb = next((b for b in bl if b.role == "title"), None)
    if tb is not None:
        ttext, _ = normalize(text, tb.start, tb.end, [])
        tm = _TITLE.match(ttext)
        if tm:
            number, title = tm.group(1), tm.group(2)
        else:
            title = ttext
    symbol = header.get("symbol")
    if symbol is None and number and organ in _ORGAN_SERIES and re.fullmatch(r"\d+/\d+", number):
        # Implied, not printed: "Resolution 7/3" of the Council is A/HRC/RES/7/3.
        symbol = _ORGAN_SERIES[organ] + number
        header["symbol_inferred"] = True

    closing = None
    cb = next((b for b in bl if b.role == "closing"), None)
    if cb is not None:
        ctext, _ = normalize(text, cb.start, cb.end, [])
        meeting = re.search(_MEETING, ctext)
        dm = P.DATE.search(ctext)
        closing = {
            "text": ctext,
            "meeting": meeting.group(0) if meeting else None,
            "date": P.iso_date(*dm.groups()) if dm else None,
        }
        printed = [" ".join(text[s:e].split()) for s, e, _ in _logical_lines(work) if cb.start <= s < cb.end]
        printed = [ln for ln in printed if ln]
        if len(printed) > 1:  # "76th plenary meeting" and "18 December 2007" are two printed lines
            closing["lines"] = printed
    date = (closing or {}).get("date") or header.get("adopted")

    footnotes = []
    anchored = {m.data["num"] for m in work.marks if m.kind == "note"}
    for m in sorted((m for m in work.marks if m.kind == "footnote"), key=lambda m: m.start):
        num_mark = next((n for n in work.marks if n.kind == "footnote_num" and m.start <= n.start < m.end), None)
        tstart = num_mark.end if num_mark else m.start
        ftext, _ = normalize(text, tstart, m.end, [])
        footnotes.append({"num": m.data["num"], "text": ftext, "anchored": m.data["num"] in anchored})
    for m in sorted((m for m in work.marks if m.kind == "borrowed_footnote"), key=lambda m: m.start):
        # A note a reviewer placed where a marker was stripped, its body not in this source.
        note: dict[str, Any] = {"num": m.data["num"], "text": m.data.get("text") or "", "anchored": True}
        if m.data.get("from"):
            note["text_from"] = m.data["from"]  # the batch document that prints the same note there
        else:
            note["text_missing"] = True
        footnotes.append(note)
    footnotes.sort(key=lambda f: int(f["num"]) if f["num"].isdigit() else 1 << 30)  # stable: symbols keep their order

    doc: dict[str, Any] = {
        "schema": "clean-document/1",
        "doc_id": work.doc_id,
        "source": source,
        "symbol": symbol,
        "number": number,
        "organ": organ,
        "title": title,
        "date": date,
        "header": header,
        "formula": formula,
        "preamble": [_paragraph(work, b, f"pp{i + 1}") for i, b in enumerate(preamble)],
        "operative": [_paragraph(work, b, f"op{i + 1}") for i, b in enumerate(operative)],
        "footnotes": footnotes,
        "closing": closing,
        "corrections": work.corrections,
    }
    other = [" ".join(text[b.start:b.end].split()) for b in bl if b.role == "other"]
    if other:
        doc["unplaced"] = other
    return doc


def _header(work: WorkText, header_blocks: list[Block], meta: dict[str, Any]) -> dict[str, Any]:
    """Metadata from the masthead lines, and from masthead lines removed as furniture."""
    masthead = [" ".join(work.text[b.start:b.end].split()) for b in header_blocks]
    furniture = [c for c in work.corrections
                 if c["rule"] == "layout.furniture" and c["status"] != "rejected" and c.get("info", {}).get("line")]
    lines = masthead + [c["info"]["line"] for c in furniture]  # every line is evidence for the metadata
    h: dict[str, Any] = {}
    for k in ("symbol", "distribution", "distribution_date", "session", "agenda_item", "adopted", "committee_report",
              "original_language", "organ"):
        if meta.get(k):
            h[k] = meta[k]
    for line in lines:
        sm = P.SYMBOL_LINE.match(line) or re.match(rf"^\s*United Nations\s+({P.SYMBOL})\b", line)
        if sm and "symbol" not in h:
            h["symbol"] = sm.group(1)
        dm = P.DISTR.search(line)
        if dm:
            h.setdefault("distribution", dm.group(1).capitalize())
        if P.DATE_LINE.match(line) and "distribution_date" not in h:
            d = P.DATE.search(line)
            h["distribution_date"] = P.iso_date(*d.groups())
        sm = P.SESSION_LINE.match(line)
        if sm:
            h.setdefault("session", sm.group(1))
        am = P.AGENDA_LINE.match(line)
        if am:
            h.setdefault("agenda_item", am.group(1))
        om = P.ORIGINAL.match(line)
        if om:
            h.setdefault("original_language", om.group(1))
        rm = _REPORT.match(line)
        if rm:
            h.setdefault("committee_report", rm.group(1).strip())
        ad = _ADOPTED_ON.search(line)
        if ad:
            h.setdefault("organ", ad.group(1).strip())
            if ad.group(2):
                h.setdefault("adopted", P.iso_date(*P.DATE.search(ad.group(2)).groups()))
    report = h.get("committee_report")
    if report:
        # One form whatever the source: the report's symbol, and the committee apart.
        sym = re.search(rf"\(?({P.SYMBOL})", report)
        committee = re.search(r"\b(?:[A-Z][a-z]+(?: [A-Za-z]+)*? )?Committee\b", report)
        if sym:
            h["committee_report"] = sym.group(1).rstrip(",.;")
        if "without reference" in report.lower():
            h["committee"] = "without reference to a Main Committee"
        elif committee:
            h["committee"] = committee.group(0).removeprefix("the ").strip()
    shown = masthead_lines(masthead, furniture)
    if shown:
        h["lines"] = shown
    return h


# Furniture kinds that are part of a first page's masthead (the rest is running
# heads, page numbers, job numbers, barcodes and cover notes).
_MASTHEAD_FURNITURE = {"symbol", "distribution", "original-language", "date", "organ"}


def masthead_lines(header_lines: list[str], furniture: list[dict[str, Any]]) -> list[str]:
    """The first page's masthead as printed: header lines, and masthead lines taken out as furniture.

    Running heads repeat on every page ("2/12", the title, the symbol); only the
    first page's masthead belongs in ``header.lines``.  A symbol already shown is
    a running head, not a second masthead::

        ["United Nations A/HRC/25/L.3", "Distr.: Limited", "A/HRC/25/L.3", "2"] -> the first two
    """
    pages = [((c.get("where") or {}).get("source") or {}).get("page") for c in furniture]
    first = min((p for p in pages if isinstance(p, int)), default=None)
    out = list(dict.fromkeys(header_lines))
    symbols = {m.group(0) for line in out for m in re.finditer(P.SYMBOL, line)}
    for c, page in zip(furniture, pages):
        line, kind = c["info"]["line"], c["info"].get("kind")
        if kind not in _MASTHEAD_FURNITURE or (first is not None and page not in (None, first)) or line in out:
            continue
        found = {m.group(0) for m in re.finditer(P.SYMBOL, line)}
        if kind == "symbol" and found and found <= symbols:
            continue  # the running head repeating the symbol
        symbols |= found
        out.append(line)
    return out

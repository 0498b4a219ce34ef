"""Footnote recovery: find footnote bodies, find their markers, link them.

Footnotes run in sequence through a resolution (1, 2, 3, ...).  That
expectation is the main evidence: it turns "20002" after a date into the year
2000 and marker 2, a body starting with "!" into footnote 1, and a stray "*"
or "”" after a comma into the marker the sequence expects.  Without such
evidence nothing is split or invented.

Every marker taken out of the text is a logged correction (``footnote.*``
rules); where it stood becomes a ``note`` mark.  Bodies stay in the text as
``footnote`` marks, which the structure stage lifts out of the paragraphs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import grammar as G
from .. import masthead
from .. import rules as R
from ..masthead import FORMULA, body_start
from ..worktext import IN_TEXT, Mark, Proposal, Thresholds, WorkText, Decide
from . import zone_layout

# A footnote number as OCR may print it: digits, or a symbol standing for one.
_BODY_START = re.compile(r"^(\s*)(\d{1,3}[?!’'°]?|\*{1,3}|[†‡§!?%®©°&#$@|])(?=\s)\s*(\S.*)$")
# Symbols OCR reads for a superscript digit at the start of a footnote body.
_DIGIT_LOOKALIKES = set("!?%®©°&#$@|")
_SYMBOL_NOTE = re.compile(r"\*{1,3}$|[†‡§]$")
# A note line led by raised ink OCR read as no digit ("to Resolution S-23/2": an eroded "2")
_RAISED_START = re.compile(r"^(\s*)([^\s*†‡§\d]{1,3})(?=\s)\s*([A-Z(].*)$")
_CITATION = G.NOTE_OPENING
_ABBREVIATIONS = {
    "corr", "add", "rev", "no", "nos", "para", "paras", "vol", "chap", "sect", "art", "arts", "suppl",
    "sess", "p", "pp", "l", "cn", "conf", "sub", "ac", "res", "dec", "amend", "annex", "fig", "op",
}
_ROMAN = re.compile(r"[IVXLC]+")
_MONTH_BEFORE = re.compile(rf"(?:{G.MONTHS})\s+$")


@dataclass
class Body:
    num: str  # as the sequence establishes it
    printed: str  # as it stands in the text
    start: int  # line start
    num_start: int
    num_end: int
    end: int
    evidence: float
    sup: bool = False
    fixes: list[Proposal] = field(default_factory=list)
    word: str = ""  # first word of a body whose number was lost
    plan: int | None = None  # the scanned footnote zone whose layout says where this note begins


def _opens_paragraph(text: str) -> bool:
    return bool(G.OPERATIVE_START.match(text) or G.ITEM_START.match(text) or G.is_preamble_opening(text)
                or FORMULA.match(text))


def _sup_at(work: WorkText, start: int) -> Mark | None:
    for m in work.marks:
        if m.kind == "superscript" and m.start == start and m.end > m.start:
            return m
    return None


def find_bodies(work: WorkText) -> list[Body]:
    """Footnote bodies where they stand: page foot, after a rule, or spilled into the flow."""
    start_of_body = body_start(work)
    head_marks = masthead_markers(work, start_of_body)
    text = work.text
    candidates: list[Body] = []
    for i, ln in enumerate(work.lines):
        line = text[ln.start:ln.end]
        m = _BODY_START.match(line)
        raised = None
        if not m and ln.attrs.get("zone") == "footnote" and (raised := _RAISED_START.match(line)):
            at = ln.start + len(raised.group(1))
            sup_mark = _sup_at(work, at)
            ocr_read = any(c.kind == "conf" and c.start <= at < c.end for c in work.marks)
            if sup_mark is not None and sup_mark.end == at + len(raised.group(2)) and ocr_read:
                m = raised  # the scan's extractor saw raised ink there: a note's number, read as junk
                # (OCR text only: a born-digital table's raised "a" leads a letter note)
        if not m or ln.start < start_of_body and ln.attrs.get("zone") != "footnote":
            continue
        if G.DATE_LINE.match(line):  # "1 November 2018" closes a resolution; it is no note
            continue
        lead, printed, rest = m.groups()
        num_start = ln.start + len(lead)
        num_end = num_start + len(printed)
        sup = _sup_at(work, num_start) is not None
        fixes = []
        if len(printed) > 1 and printed[:-1].isdigit() and not printed[-1].isdigit():
            # "3? Relevant parts ...": OCR's junk after a note's number, only in a footnote zone
            if ln.attrs.get("zone") != "footnote":
                continue
            fixes.append(Proposal(num_start, num_end, printed[:-1], R.FOOTNOTE_BODY_NUMBER, 0.9,
                                  {"printed": printed, "reason": "a character OCR added to the number"}))
            printed = printed[:-1]
        evidence = 0.0
        if ln.attrs.get("zone") == "footnote":
            evidence += 2
        if sup:
            evidence += 2
        if _CITATION.match(rest):
            evidence += 1
        if len(rest.split()) <= 30 and rest.rstrip().endswith((".", ")")):
            evidence += 0.5
        prev = _previous_text(work, i, ln.attrs.get("zone") == "footnote")
        if printed in head_marks:
            evidence += 1  # the masthead prints this marker ("Egypt,*"): its note is expected
        if prev is None or prev.rstrip().endswith((".", ";", ",", ":")) or G.FOOTNOTE_RULE.match(prev) or _BODY_START.match(prev):
            evidence += 0.5
        else:
            evidence -= 1.5  # the line above runs on into this one: a wrapped sentence
        if printed[0].isdigit() and rest[:1].islower():
            evidence -= 1
        candidates.append(Body(printed, printed, ln.start, num_start, num_end, ln.end, evidence, sup, fixes))
    candidates += _numberless_zone_starts(work)
    candidates = _planned_zones(work, candidates)
    candidates.sort(key=lambda b: b.start)

    bodies = _in_sequence(candidates)
    starts = {b.start for b in bodies}
    for b in bodies:
        b.end = _extend(work, b, starts)
    return bodies


def _numberless_zone_starts(work: WorkText) -> list[Body]:
    """Lines of a footnote zone that may start a note whose number was lost.

    A raised "1" a poor scan loses entirely leaves "Report of the Fourth World
    Conference ..." heading the zone.  A zone line that starts with a capital
    after a finished note (or none) is a candidate body with no printed number;
    :func:`_in_sequence` takes it only where the sequence says a number is
    missing (the next numbered body is the one after the expected), so a note
    running on over lines or from the page before is not taken for one.
    """
    text = work.text
    out = []
    last_note = ""
    for ln in work.lines:
        line = text[ln.start:ln.end]
        if not line.strip():
            continue
        zone = ln.attrs.get("zone")
        if zone == "footnote" and not _BODY_START.match(line) \
                and line.lstrip()[:1].isupper() and not G.FOOTNOTE_RULE.match(line) \
                and (not last_note or last_note.rstrip().endswith((".", ")", "”", '"'))):  # else: a note runs on
            lead = len(line) - len(line.lstrip())
            at = ln.start + lead
            body = Body("", "", ln.start, at, at, ln.end, 2.0 + (1 if _CITATION.match(line.lstrip()) else 0))
            body.word = line.lstrip().split()[0]
            out.append(body)
        if zone == "footnote":
            last_note = line
    return out


def _planned_zones(work: WorkText, candidates: list[Body]) -> list[Body]:
    """In a scanned footnote zone, a note begins where the layout says (:mod:`.zone_layout`), not
    where a number was read: the candidates inside such a zone are replaced by one body per
    layout start, numbered together by :func:`_in_sequence` (``Body.plan``).

    The layout must account for every raised number read in the zone; where one stands on a
    line the layout says runs on, the zone is left to the numbers (no plan).
    """
    out = list(candidates)
    prev_last: str | None = None
    prev_page = None
    for z, zone in enumerate(zone_layout.zones(work)):
        first, last = work.lines[zone[0]], work.lines[zone[-1]]
        continued = prev_page == first.page - 1 and prev_last is not None and not prev_last.endswith(zone_layout.TERMINAL)
        prev_last, prev_page = work.text[last.start:last.end].strip(), last.page
        page = [ln.attrs["bbox"][2] for ln in work.lines
                if ln.page == first.page and ln.attrs.get("bbox") and ln.attrs.get("zone") in (None, "footnote")]
        starts = zone_layout.note_starts(work, zone, max(page), continued)
        inside = [c for c in out if first.start <= c.start <= last.end]
        at = {work.lines[s.line].start for s in starts}
        if not starts or any(c.sup and c.printed.isdecimal() and c.start not in at for c in inside):
            continue
        by_line = {}
        for c in inside:
            if c.start in at and (c.start not in by_line or c.printed):
                by_line[c.start] = c
        planned = []
        for s in starts:
            ln = work.lines[s.line]
            c = by_line.get(ln.start) or _layout_start(work, ln)
            c.plan = z
            planned.append(c)
        out = [c for c in out if not first.start <= c.start <= last.end] + planned
    return out


def _layout_start(work: WorkText, ln) -> Body:
    """A note's first line as the layout found it, its number read as junk glued to its first word or lost."""
    line = work.text[ln.start:ln.end]
    at = ln.start + len(line) - len(line.lstrip())
    junk = zone_layout.LEAD_JUNK.match(line.lstrip())
    if junk:
        printed = junk.group(0).rstrip()
        return Body(printed, printed, ln.start, at, at + len(printed), ln.end, 2.0)
    body = Body("", "", ln.start, at, at, ln.end, 2.0)
    body.word = line.lstrip().split()[0]
    return body


def _number_plan(plan: list[Body], expected: int) -> int:
    """Number a zone's layout starts in turn from the first number the printed ones agree with best
    (the sequence's next, or up to three later when notes before were lost); returns the next expected."""
    def agree(first: int) -> int:
        return sum(b.printed == str(first + k) for k, b in enumerate(plan))
    # a skip ahead needs two printed numbers more to agree with it than with the sequence
    first = max(range(expected, expected + 4), key=lambda e: (agree(e) - (2 if e > expected else 0), -e))
    for k, b in enumerate(plan):
        num = str(first + k)
        b.num = num
        if b.printed == num:
            continue
        info = {"printed": b.printed, "reason": "footnote sequence", "layout": "a note begins here in the zone's layout"}
        if b.printed:
            b.fixes = [Proposal(b.num_start, b.num_end, num, R.FOOTNOTE_BODY_NUMBER, 0.72, info)]
        else:
            b.fixes = [Proposal(b.num_start, b.num_start + len(b.word), b.word, R.FOOTNOTE_BODY_NUMBER, 0.7,
                                {**info, "notice": f"footnote number lost in the source; {num} by the sequence"},
                                status="flagged")]
    return first + len(plan)


def _previous_text(work: WorkText, i: int, in_zone: bool = False) -> str | None:
    """The non-blank line before line ``i``; None when there is none, or (``in_zone``) when it is outside the footnote zone."""
    for j in range(i - 1, -1, -1):
        ln = work.lines[j]
        t = work.text[ln.start:ln.end]
        if t.strip():
            if in_zone and ln.attrs.get("zone") != "footnote":
                return None
            return t
    return None


def masthead_markers(work: WorkText, start_of_body: int) -> set[str]:
    """Footnote markers printed in the masthead ("Egypt,*", "A/C.1/80/L.42*"), read by the masthead grammar."""
    if start_of_body <= 0:
        return set()
    texts = [work.text[ln.start:ln.end] for ln in work.lines if ln.end <= start_of_body]
    return masthead.markers(texts + ["The X,"])


def _in_sequence(candidates: list[Body]) -> list[Body]:
    """Keep candidates that fit one increasing footnote sequence; number symbols by it."""
    accepted: list[Body] = []
    expected = 1
    planned: set[int] = set()
    for k, c in enumerate(candidates):
        if c.plan is not None:
            if c.plan in planned:
                continue
            planned.add(c.plan)
            plan = [d for d in candidates if d.plan == c.plan]
            expected = _number_plan(plan, expected)
            accepted += plan
        elif c.printed.isdecimal():
            n = int(c.printed)
            nxt = next((d for d in candidates[k + 1:] if d.printed.isdecimal() and d.evidence >= 2), None)
            if n == expected and c.evidence >= 1:
                accepted.append(c)
                expected = n + 1
            elif n > expected and c.evidence >= 2.5 and n - expected <= 3 and not (nxt and int(nxt.printed) in (expected, expected + 1)):
                # (never when the expected number itself comes next: "17 March 2022" wrapped from note 15)
                accepted.append(c)  # a body or two lost; the sequence goes on
                expected = n + 1
            elif c.evidence >= 2.5 and accepted and (
                (nxt is not None and int(nxt.printed) == expected + 1) or (nxt is None and n < expected)
            ):
                # A digit misread between two that fit ("4 ... 3 ... 6" is 4, 5, 6), or a
                # last note numbered as one already used.
                c.num = str(expected)
                c.fixes.append(Proposal(c.num_start, c.num_end, c.num, R.FOOTNOTE_BODY_NUMBER, 0.72,
                                        {"printed": c.printed, "reason": "footnote sequence"}))
                accepted.append(c)
                expected += 1
        elif not c.printed:  # a zone line without a number: only where one is missing
            nxt = next((d for d in candidates[k + 1:] if d.printed.isdecimal() and d.evidence >= 2), None)
            if nxt is not None and int(nxt.printed) == expected + 1:
                c.num = str(expected)
                c.fixes.append(Proposal(c.num_start, c.num_start + len(c.word), c.word, R.FOOTNOTE_BODY_NUMBER, 0.7,
                                        {"notice": f"footnote number lost in the source; {expected} by the sequence",
                                         "printed": "", "reason": "footnote sequence"}, status="flagged"))
                accepted.append(c)
                expected += 1
        elif c.printed in _DIGIT_LOOKALIKES or (c.sup and not c.printed[:1].isdecimal() and not _SYMBOL_NOTE.match(c.printed)):
            nxt = next((d for d in candidates[k + 1:] if d.printed.isdecimal()), None)
            fits_next = nxt is not None and int(nxt.printed) == expected + 1 and nxt.start - c.end < 400
            follows = bool(accepted) and c.start - accepted[-1].end < 400
            if c.evidence >= 2 or (c.evidence >= 1 and (fits_next or follows)):
                confidence = 0.9 if (fits_next and follows) else 0.75 if (fits_next or follows) else 0.7
                if c.printed not in _DIGIT_LOOKALIKES:
                    confidence = min(confidence, 0.75)  # raised ink read as a word: shown for review
                c.num = str(expected)
                c.fixes.append(Proposal(c.num_start, c.num_end, c.num, R.FOOTNOTE_BODY_NUMBER, confidence,
                                        {"printed": c.printed, "reason": "footnote sequence"}))
                accepted.append(c)
                expected += 1
        elif c.evidence >= 2:  # "*", "**", "†": symbol footnotes as printed
            accepted.append(c)
    return accepted


def _extend(work: WorkText, body: Body, starts: set[int] = frozenset()) -> int:
    """A body runs on over following lines until a blank line, another body or a paragraph."""
    lines = work.lines
    idx = next(i for i, ln in enumerate(lines) if ln.start == body.start)
    end = lines[idx].end
    for ln in lines[idx + 1:]:
        t = work.text[ln.start:ln.end]
        if not t.strip() or ln.start in starts or _BODY_START.match(t) or _opens_paragraph(t) or "\f" in work.text[end:ln.start]:
            break
        if ln.attrs.get("zone") not in (None, "footnote"):
            break
        end = ln.end
    return end


@dataclass
class Candidate:
    start: int  # marker characters in the text
    end: int
    value: str
    rule: str
    base: float  # confidence when the value is the expected one
    ocr: bool = False  # read by OCR (a scan): its digits may be misread
    full_size: bool = False  # raised ink as tall as its line's type: a speck or a letter's top, hardly a marker


# Of the line's type size: a marker is printed at about two thirds of it (0.58-0.64 on a fax).  Only on a
# poor page: on a good scan raised ink that tall is a letter's own top (the hook of the f of "of", clean300
# A/RES/73/7), taken as a note cited again, which takes it out of the words ("of1" otherwise).
FULL_SIZE = 0.85


def find_markers(work: WorkText, bodies: list[Body], start_of_body: int) -> list[Candidate]:
    text = work.text
    spans = [(b.start, b.end) for b in bodies]

    def outside(pos: int) -> bool:
        return pos >= start_of_body and not any(s <= pos < e for s, e in spans)

    found: dict[int, Candidate] = {}
    for m in work.marks:
        if m.kind == "superscript" and m.end > m.start and outside(m.start):
            value = text[m.start:m.end].strip()
            if value:
                ocr = work.conf_at(m.start, m.end) is not None
                ln = work.line_at(m.start) if ocr else None
                full = bool(ln and ln.attrs.get("poor_scan") and ln.attrs.get("size")
                            and ((m.data or {}).get("size") or 0) >= FULL_SIZE * ln.attrs["size"])
                found[m.start] = Candidate(m.start, m.end, value, R.FOOTNOTE_SUPERSCRIPT, 0.99, ocr=ocr, full_size=full)
    for m in re.finditer(r"(?<=[,;:.)\]\u201d\u2019\"])(\d{1,3})(?=[\s,;.:]|$)", text):
        if m.start() in found or not outside(m.start()):
            continue
        token = text[max(0, text.rfind(" ", 0, m.start()) + 1):m.start()]
        punct = text[m.start() - 1]
        if "/" in token or (punct == "." and (token[:-1].lower() in _ABBREVIATIONS or token[-2:-1].isdigit() or len(token) <= 2)):
            continue
        if punct == "." and _ROMAN.fullmatch(token[:-1]):
            continue  # "paragraph IV.7" of a report: a paragraph number, not a marker
        found[m.start()] = Candidate(m.start(), m.end(), m.group(1), R.FOOTNOTE_GLUED_DIGIT, 0.93)
    for m in re.finditer(r"\b((?:1[6-9]|20)\d\d)(\d{1,2})(?=[\s,;.:)]|$)", text):
        s = m.start(2)
        # a year after a day and a month: "8 September 20002"
        if s in found or not outside(s) or not _MONTH_BEFORE.search(text[max(0, m.start() - 16):m.start()]):
            continue
        found[s] = Candidate(s, m.end(), m.group(2), R.FOOTNOTE_YEAR_DIGIT, 0.9)
    for m in re.finditer(r"(?<=[a-z])(\d{1,2})(?=[\s,;.:]|$)", text):
        if m.start() in found or not outside(m.start()):
            continue
        word = re.search(r"[A-Za-z]+$", text[:m.start()]).group(0)
        if len(word) >= 4 and word.islower() or word.istitle():
            found[m.start()] = Candidate(m.start(), m.end(), m.group(1), R.FOOTNOTE_GLUED_DIGIT, 0.85)
    for m in re.finditer(r"(?<=[,;:.])(\*{1,3}|[†‡\u201d\"])(?=\s|$)", text):
        if m.start() in found or not outside(m.start()):
            continue
        if m.group(1) in "\u201d\"" and _quote_open(text, m.start(), m.group(1)):
            continue
        found[m.start()] = Candidate(m.start(), m.end(), m.group(1), R.FOOTNOTE_SYMBOL_MARKER, 0.7)
    # A scan's raised marker read as a closing double quote glued to its word, no quotation open
    # ("institutions\u201d in the", "session\u201d": a 98 dpi fax), as a closing single quote after a
    # word's stop or comma, or as a sign no text glues to a word ("Crime.\u2019 the", "Child\u00ae and": a
    # light photocopy's broken digits): the sequence names it.
    for m in _OCR_MARK.finditer(text):
        if m.start() in found or not outside(m.start()) or work.conf_at(m.start(), m.end()) is None:
            continue
        if not _quote_open(text, m.start(), m.group(0)):
            found[m.start()] = Candidate(m.start(), m.end(), m.group(0), R.FOOTNOTE_SYMBOL_MARKER, 0.6, ocr=True)
    return [found[k] for k in sorted(found)]


# What a scan reads for a raised marker, glued after its word: see find_markers.
# A sign after a single letter is a misread letter ("strategies t\u00a9 ensure", a fax's "to"): after a word only.
# A question or exclamation mark after a comma or semicolon is no text's either ("March 2023,? in which").
_OCR_MARK = re.compile(r"(?<=[a-z])\u201d(?=\s|$)|(?<=[,;:.])\u2019(?=\s|$)|(?<=[,;:])[?!](?=\s|$)"
                       r"|(?:(?<=[A-Za-z]{3})|(?<=[,;:.)]))[\u00ae\u00a9\u00b0](?=\s|$)")
OCR_MARK_VALUES = frozenset("\u201d\u2019\u00ae\u00a9\u00b0?!")


def _quote_open(text: str, pos: int, quote: str) -> bool:
    """True when the closing quote at ``pos`` closes a quotation (so is no marker)."""
    start = max(text.rfind("\n\n", 0, pos), 0)
    before = text[start:pos]
    if quote == "\u201d":
        return before.count("\u201c") > before.count("\u201d")
    if quote == "\u2019":  # apostrophes inside words ("d\u2019Ivoire") close nothing
        return before.count("\u2018") > len(re.findall(r"\u2019(?![^\W\d_])", before))
    if quote != '"':
        return False
    return before.count('"') % 2 == 1


def link(cands: list[Candidate], bodies: list[Body]) -> list[tuple[Candidate, Body, float]]:
    """Pair markers with bodies along the sequence; each body takes one marker.

    A marker whose value is a later footnote skips ahead (the ones between lost
    their markers); a year digit or symbol that names no free footnote takes
    the one the sequence expects, with less confidence.
    """
    by_num = {b.num: b for b in bodies}
    order = [b.num for b in bodies]
    taken: set[str] = set()
    links = []
    pos = 0  # index in ``order`` of the next expected footnote
    for k, c in enumerate(cands):
        later = cands[k + 1:]
        expected = order[pos] if pos < len(order) else None
        free = c.value in by_num and c.value not in taken
        if c.value == expected:
            body, conf = by_num[expected], c.base
        elif free and (not c.value.isdigit() or order.index(c.value) > pos):
            body, conf = by_num[c.value], c.base - 0.05
        elif (
            expected is not None and expected not in taken and c.rule == R.FOOTNOTE_SUPERSCRIPT
            and (c.value in taken or c.value not in by_num) and _next_value(cands, c) == _after(order, expected)
        ):
            body, conf = by_num[expected], 0.7  # a superscript misread between two that fit
        elif (
            expected is not None and expected not in taken and c.rule == R.FOOTNOTE_SUPERSCRIPT and c.ocr
            and (c.value in taken or c.value not in by_num) and not any(d.value == expected for d in later)
        ):
            # A scan's raised marker misread ("35" for 5, "4" for 6 where 4 is linked): it stands where
            # the sequence's next note belongs, and no later marker names that note.
            body, conf = by_num[expected], 0.68
        elif c.value in taken and c.rule in (R.FOOTNOTE_SUPERSCRIPT, R.FOOTNOTE_GLUED_DIGIT) and not c.full_size:
            # A footnote cited again; a full-size digit doing it is worth a look.  Raised ink a scan read
            # as a digit as tall as its line's type cites nothing ("pursuit of such2 endeavours", a fax).
            links.append((c, by_num[c.value], c.base - 0.04 if c.rule == R.FOOTNOTE_SUPERSCRIPT else 0.75))
            continue
        elif (
            expected is not None
            and c.rule in (R.FOOTNOTE_YEAR_DIGIT, R.FOOTNOTE_SYMBOL_MARKER)
            and not free
            # a scan's quote mark taken for a marker yields to a later marker naming that note
            and not (c.ocr and c.value in OCR_MARK_VALUES and any(d.value == expected for d in later))
        ):
            body = by_num[expected]  # printed wrong; the sequence says which it is
            conf = 0.7 if c.rule == R.FOOTNOTE_YEAR_DIGIT else 0.68
        else:
            continue
        taken.add(body.num)
        links.append((c, body, conf))
        pos = order.index(body.num) + 1
    return links


def _next_value(cands: list[Candidate], c: Candidate) -> str | None:
    i = cands.index(c)
    return cands[i + 1].value if i + 1 < len(cands) else None


def _after(order: list[str], num: str) -> str | None:
    i = order.index(num)
    return order[i + 1] if i + 1 < len(order) else None


def below_notes(work: WorkText, bodies: list[Body]) -> list[Proposal]:
    """A scan's lines below the last note of their page that are no text: the page foot's job number,
    barcode, QR code and "Please recycle" as a fax reads them ("23- eet PLL. ss", "OSC", "4 '",
    "Please rosyere4Oe i)"), or a 150 dpi scan its QR code ("OR eo").  Nothing of the body follows the notes on a page; a line counts as no text
    when fewer than half of its words are text (:func:`pipeline.repair.layout.surely_text`: a number, a symbol,
    a word of the lexicon read at 0.5 or more), so a note's wrapped line ("(Part I) and A/78/12 (Part II)).")
    stays.
    Removed as furniture (kind ``below-notes``), logged."""
    from ..repair.layout import mostly_no_text

    last: dict[int, int] = {}
    for b in bodies:
        ln = work.line_at(b.start)
        if ln is not None:
            last[ln.page] = max(last.get(ln.page, 0), b.end)
    out = []
    for ln in work.lines:
        end = last.get(ln.page)
        if end is None or ln.start < end or ln.attrs.get("zone"):
            continue
        if mostly_no_text(work, ln):
            line = " ".join(work.text[ln.start:ln.end].split())
            out.append(Proposal(ln.start, ln.end, "", R.FURNITURE, 0.9, {"kind": "below-notes", "line": line}))
    return out


def recover(work: WorkText, thresholds: Thresholds, decide: Decide | None = None) -> WorkText:
    """Run footnote recovery on a repaired working text (in place) and return it."""
    # Footnote separator rules are furniture once their evidence is used.
    bodies = find_bodies(work)
    fixes = [f for b in bodies for f in b.fixes]
    body_marks = {}
    for b in bodies:
        body_marks[id(b)] = (Mark(b.start, b.end, "footnote", {"num": b.num, "printed": b.printed}),
                             Mark(b.num_start, b.num_end, "footnote_num", {"num": b.num}))
        work.marks.extend(body_marks[id(b)])
    rules = [
        Proposal(ln.start, ln.end, "", R.FOOTNOTE_SEPARATOR, 0.99, {"kind": "footnote-rule"})
        for ln in work.lines
        if G.FOOTNOTE_RULE.match(work.text[ln.start:ln.end])
    ]
    records = work.apply(fixes + rules + below_notes(work, bodies), thresholds, decide)
    _restore_rejected_numbers(bodies, body_marks, records)
    for m in work.marks_of("footnote_num"):
        for b in bodies:
            if b.num == m.data["num"]:
                b.num_start, b.num_end = m.start, m.end
    for m in work.marks_of("footnote"):
        for b in bodies:
            if b.num == m.data["num"]:
                b.start, b.end = m.start, m.end

    start_of_body = body_start(work)
    links = link(find_markers(work, bodies, start_of_body), bodies)
    proposals = []
    for c, body, conf in links:
        info: dict[str, Any] = {"marker": body.num, "printed": c.value}
        token_start = max(work.text.rfind(" ", 0, c.start), work.text.rfind("\n", 0, c.start)) + 1
        info["token"] = work.text[token_start:c.end]
        proposals.append(Proposal(c.start, c.end, "", c.rule, conf, info))
    records = work.apply(proposals, thresholds, decide)
    anchored = set()
    for r in records:
        if r["status"] in IN_TEXT:
            off = r["where"]["offset"]
            work.marks.append(Mark(off, off, "note", {"num": r["info"]["marker"]}))
            anchored.add(r["info"]["marker"])

    notices = []
    anchored |= masthead_markers(work, start_of_body)
    for m in work.marks_of("footnote_num"):
        if m.data["num"] not in anchored:
            notices.append(Proposal(m.start, m.end, work.text[m.start:m.end], R.FOOTNOTE_UNANCHORED, 0.5,
                                    {"notice": "no marker in the text could be linked to this footnote", "footnote": m.data["num"]},
                                    status="flagged"))
    notices.extend(_lost_marker_notices(work, start_of_body))
    for r in work.apply(notices, thresholds, decide):
        if r["rule"] == R.FOOTNOTE_LOST_MARKER:
            # Where the stripped marker stood, for the batch stage: an accepted one gets its footnote there.
            at = r["where"]["offset"] + len(r["before"])
            work.marks.append(Mark(at, at, "lost_marker", {"id": r["id"], "accepted": r["status"] == "accepted"}))
    return work


def _restore_rejected_numbers(bodies: list[Body], marks: dict[int, tuple[Mark, Mark]], records: list[dict[str, Any]]) -> None:
    """A reviewer rejected a renumbering by sequence ("®" -> "5"): the footnote keeps its printed sign.

    The sign then stands for the note in the JSON, the Markdown and the AKN
    (``[^®]``), and a marker the sequence links to it carries the same sign.
    """
    rejected = {id(r.get("info")) for r in records if r["status"] == "rejected" and r["rule"] == R.FOOTNOTE_BODY_NUMBER}
    nums = {b.num for b in bodies}
    for b in bodies:
        for f in b.fixes:
            printed = f.info.get("printed")
            if id(f.info) in rejected and f.info.get("reason") == "footnote sequence" and printed and printed not in nums:
                nums.discard(b.num)
                b.num = printed
                nums.add(printed)
                for m in marks[id(b)]:
                    m.data["num"] = printed


def _lost_marker_notices(work: WorkText, start_of_body: int) -> list[Proposal]:
    """In a paragraph-a-line export, a line break inside a sentence is where a stripped marker stood."""
    lines = [work.text[ln.start:ln.end] for ln in work.lines if work.text[ln.start:ln.end].strip()]
    if not lines or sorted(len(t) for t in lines)[len(lines) // 2] < 120:
        return []
    out = []
    for m in re.finditer(r"(\S+)\n[ \t]*(?=[a-z])", work.text):
        if m.start() < start_of_body or any(mk.kind == "footnote" and mk.start <= m.start() < mk.end for mk in work.marks):
            continue
        token = m.group(1)
        out.append(Proposal(m.start(1), m.end(1), token, R.FOOTNOTE_LOST_MARKER, 0.4,
                            {"notice": "a line break inside a sentence where a footnote marker was probably stripped"},
                            status="suggested"))
    return out

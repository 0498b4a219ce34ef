"""Roman numerals inside citations, where OCR reads "I" as "1", "l" or "|".

UN citations number chapters, parts and annexes in roman numerals
("A/CONF.157/24 (Part I), chap. III"); articles, paragraphs and volumes are
arabic and never touched.  Only a numeral in a place the citation grammar
gives to a roman numeral, and only one that becomes a valid roman numeral
once its misread glyphs are read as "I", is repaired.
"""
from __future__ import annotations

import re

from .. import grammar as G
from .. import rules as R
from ..worktext import Proposal, WorkText
from .engine import RepairContext, rule
from .guards import Guard

ROMAN_RE = re.compile(r"^(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})$")
MISREAD = str.maketrans({"1": "I", "l": "I", "|": "I"})
# A numeral as OCR may print it: roman letters and the glyphs read for "I".
NUM = r"[IVXL1l|]{1,6}"
# Place in the citation grammar -> confidence that a roman numeral belongs.
PLACES = [
    # "chap. III", "chaps. I and II", "chaps. IV-VI"
    (re.compile(r"\bchaps?\.\s+" + rf"(?P<list>{NUM}(?:(?:\s*,\s*|\s+and\s+|\s*[-\u2013]\s*){NUM})*)(?![\w/])"), 0.95),
    # "Chapter VII of the Charter"; but Agenda 21's chapters are arabic
    (re.compile(r"\b[Cc]hapters?\s+" + rf"(?P<list>{NUM})(?![\w/])(?!\s+of\s+Agenda)"), 0.9),
    # "(Part I)" after a symbol, "Part II of the report"
    (re.compile(r"(?<=\()Part\s+" + rf"(?P<list>{NUM})(?=\))"), 0.97),
    (re.compile(r"\bPart\s+" + rf"(?P<list>{NUM})(?=[\s,;.:)])"), 0.9),
    # "sect. I.A" (a section and its subsection)
    (re.compile(r"\bsects?\.\s+" + rf"(?P<list>{NUM})(?=\.[A-Z]\b)"), 0.9),
    # "annex I": roman as a rule, but an annex may be unnumbered: flag only
    (re.compile(r"\b[Aa]nnex(?:es)?\s+" + rf"(?P<list>{NUM})(?=[\s,;.:)])"), 0.75),
]
ITEM_RE = re.compile(NUM)


def as_roman(token: str) -> str | None:
    """The roman numeral ``token`` stands for, if it has misread glyphs."""
    if not re.search(r"[1l|]", token):
        return None
    fixed = token.translate(MISREAD)
    return fixed if ROMAN_RE.match(fixed) else None


@rule(R.ROMAN_IN_CITATION)
def roman_in_citation(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Read "1", "l" and "|" as "I" in citation numerals.

    "A/CONF.166/9 (Part 1), chap. 111." -> "A/CONF.166/9 (Part I), chap. III."
    """
    guard = Guard(work)
    seen: set[int] = set()
    out: list[Proposal] = []
    for pattern, confidence in PLACES:
        for m in pattern.finditer(work.text):
            base = m.start("list")
            for item in ITEM_RE.finditer(m.group("list")):
                start, end = base + item.start(), base + item.end()
                fixed = as_roman(item.group())
                if fixed is None or start in seen or guard.blocked(start, end):
                    continue
                seen.add(start)
                out.append(
                    Proposal(start, end, fixed, R.ROMAN_IN_CITATION, confidence, {"place": m.group().split()[0]})
                )
    return out


# Where the grammar wants arabic digits, OCR's look-alikes are read back as digits.
_LOOKALIKE_DIGITS = str.maketrans({"I": "1", "l": "1", "i": "1", "|": "1", "O": "0", "o": "0"})
_MONTHS = G.MONTHS
ARABIC_PLACES = [
    # "I December 2024", "l5 July 2001": a day before a month and a year
    (re.compile(rf"(?<![\w/.,-])(?P<num>[0-9Il|]{{1,2}})(?=\s+(?:{_MONTHS})\s+[12Iil|][0-9IilO|]{{3}}\b)"), 0.95),
    # "12 March 2O14", "l999", "25 June i993": a year after a day and a month
    # (the day may be misread too: "I December 2O24")
    (re.compile(rf"(?<![\w/.,-])[0-9Il|]{{1,2}}\s+(?:{_MONTHS})\s+(?P<num>[12Iil|][0-9IilO|]{{3}})(?![\w/])"), 0.93),
    # "paragraph | above", "paragraphs l and 2": paragraph numbers are arabic
    # (a roman part number such as "paragraphs II.33" is left alone: see below)
    (re.compile(r"\b(?:paragraphs?|paras?\.)\s+(?P<num>[0-9Il|]{1,3})(?=[\s,;:)]|\.(?!\d))"), 0.9),
    # "paragraphs 13 and I4", "paras. 2, 5 and l1": the last of a list of paragraph numbers
    (re.compile(r"\b(?:paragraphs|paras\.)\s+\d{1,3}(?:\s*,\s*\d{1,3})*\s+(?:and|to|or)\s+"
                r"(?P<num>[0-9Il|]{1,3})(?=[\s,;:)]|\.(?!\d))"), 0.9),
]


@rule(R.ARABIC_IN_DATE)
def arabic_in_date(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Read "I", "l", "|" and "O" as digits where a date or paragraph number stands.

    "adopted on I December 2O24, paragraph | above" -> "adopted on 1 December 2024, paragraph 1 above"
    """
    guard = Guard(work)
    out: list[Proposal] = []
    seen: set[int] = set()
    for pattern, confidence in ARABIC_PLACES:
        for m in pattern.finditer(work.text):
            start, end = m.span("num")
            token = m.group("num")
            fixed = token.translate(_LOOKALIKE_DIGITS)
            if fixed == token or not fixed.isdigit() or start in seen or guard.blocked(start, end):
                continue
            paragraph = "para" in m.group(0)
            if paragraph and not ("|" in token or re.search(r"\d", token) or token == "l"):
                continue  # "paragraph I" / "II": roman numbering some reports use
            if not paragraph and len(token) <= 2 and not 1 <= int(fixed) <= 31:
                continue  # not a day of the month
            if not paragraph and len(token) == 4 and not 1800 <= int(fixed) <= 2199:
                continue  # not a year
            seen.add(start)
            out.append(Proposal(start, end, fixed, R.ARABIC_IN_DATE, confidence, {"place": "paragraph" if paragraph else "date"}))
    return out


# An operative paragraph's number at the start of its line, and the same misread:
# digits or their look-alikes, then the period or one character read for it
_NUMBERED_LINE = G.NUMBERED_LINE
_MISREAD_NUMBER = re.compile(r"(?m)^[ \t]*(?P<num>(?P<digits>[0-9Il|O]{1,3})(?P<dot>[^\s\d]))(?=[ \t]+[A-Z])")


@rule(R.PARAGRAPH_NUMBER)
def paragraph_number(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """A paragraph number misread at the start of its line, where the numbering wants it.

    "10. Requests ...\nll. Decides ..." -> "11. Decides", and "1B Takes note" ->
    "1. Takes note" before "2. Reiterates": the token reads as a number once
    "I", "l", "|" and "O" are read as digits, that number starts no other line,
    and the number before it starts an earlier line (for "1", "2." starts a
    later one).  A section heading "II." in a text that numbers its paragraphs
    up to 11 is therefore left alone.  A period read as another character is
    less certain than a digit read as a letter: applied, and flagged.
    """
    first: dict[int, int] = {}
    for m in _NUMBERED_LINE.finditer(work.text):
        first.setdefault(int(m.group("num")), m.start())
    guard = Guard(work)
    out: list[Proposal] = []
    for m in _MISREAD_NUMBER.finditer(work.text):
        digits, dot = m.group("digits"), m.group("dot")
        fixed = digits.translate(_LOOKALIKE_DIGITS)
        if (digits.isdigit() and dot == ".") or not fixed.isdigit() or fixed.startswith("0"):
            continue
        if dot != "." and not (dot.isalpha() or dot in ",:;'’‘`´"):
            continue  # "1) ..." or "1/ ...": numbering of another kind
        n = int(fixed)
        if n in first:
            continue
        wanted = first.get(n - 1, len(work.text)) < m.start() if n > 1 else first.get(2, -1) > m.start()
        start, end = m.span("num")
        if wanted and not guard.blocked(start, end):
            confidence = 0.93 if dot == "." else 0.85
            out.append(Proposal(start, end, fixed + ".", R.PARAGRAPH_NUMBER, confidence, {"after": n - 1}))
    return out

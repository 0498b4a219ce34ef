"""Roman numerals inside citations, where OCR reads "I" as "1", "l" or "|".

UN citations number chapters, parts and annexes in roman numerals
("A/CONF.157/24 (Part I), chap. III"); articles, paragraphs and volumes are
arabic and never touched.  Only a numeral in a place the citation grammar
gives to a roman numeral, and only one that becomes a valid roman numeral
once its misread glyphs are read as "I", is repaired.
"""
from __future__ import annotations

import re

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


@rule("numerals.roman_in_citation")
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
                    Proposal(start, end, fixed, "numerals.roman_in_citation", confidence, {"place": m.group().split()[0]})
                )
    return out

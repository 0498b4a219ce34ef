"""Heading numbers the numbering sequence determines: "Part VI. Global
communications" after "Part VI." and before "Part VUI.", "Part IX." ->
"Part VII.", and "Part VUI." -> "Part VIII.".

Roman numerals lose a stroke under damage ("VII" read "VI", "III" read
"II") or gain a wrong one ("VIIL", "VUI").  One numeral alone cannot tell,
but headings of one kind ("Part", "Chapter", "Section", "Annex", "Title", or
bare "IV.") number on by one: a heading whose number breaks the run is
given the number its neighbours fix, only when the surest headings around it
(read as valid numerals) leave exactly one number for every heading between
them, and the printed number is a stroke or two from it.  A run that skips
a number ("Part I", "Part III") is never filled: nothing says a part is
missing rather than misread.

Sub-items lettered "(a)", "(b)", ... at line starts number on the same way:
"(ec)" or "(ce)" between "(d)" and "(f)" is "(e)" (Tesseract's commonest
misreading on clean scans of UN text).
"""
from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from ..grammar import ITEM_LETTER_LINE, NUMBERED_HEADING
from ..worktext import Proposal, WorkText
from .. import rules as R
from .engine import RepairContext, rule

ROMAN_VALUES = (("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90), ("L", 50), ("XL", 40),
                ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))
# How far (Levenshtein, after reading "U" as "II") a printed numeral may be from the number the run wants.
MAX_DISTANCE = 2


def roman(n: int) -> str:
    out = []
    for sym, v in ROMAN_VALUES:
        while n >= v:
            out.append(sym)
            n -= v
    return "".join(out)


def roman_value(s: str) -> int | None:
    """The value of a canonical roman numeral ("VIII" -> 8), None for anything else ("VUI", "IIII")."""
    if not s or not re.fullmatch(r"[IVXLC]+", s):
        return None
    total, i = 0, 0
    for sym, v in ROMAN_VALUES:
        while s.startswith(sym, i):
            total += v
            i += len(sym)
    return total if i == len(s) and roman(total) == s else None


def _distance(printed: str, wanted: str) -> int:
    return min(Levenshtein.distance(printed, wanted), Levenshtein.distance(printed.replace("U", "II"), wanted))


@rule(R.HEADING_SEQUENCE)
def heading_sequence(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Renumber a heading the run of headings fixes.  "Part VI." between "Part VI." and "Part VUI.", "Part IX." -> "Part VII.";
    "(ec)" between "(d)" and "(f)" -> "(e)"."""
    runs: dict[str, list[tuple[int, int, str, int | None]]] = {}
    for m in NUMBERED_HEADING.finditer(work.text):
        label = (m.group(1) or "").lower()
        if not label and len(m.group(2)) == 1 and m.group(2) not in "IV":
            continue  # a bare letter at a line start is no heading number
        runs.setdefault(label, []).append((m.start(2), m.end(2), m.group(2), roman_value(m.group(2))))
    out: list[Proposal] = []
    for heads in runs.values():
        out.extend(_renumber(heads))
    out.extend(_reletter([(m.start(1), m.end(1), m.group(1)) for m in ITEM_LETTER_LINE.finditer(work.text)]))
    return sorted(out, key=lambda p: p.start)


def _gaps(values: list[int | None]) -> list[tuple[int, int]]:
    """(a, b): two sure places of a run with places between them and exactly one value
    left for each.  A value is sure when read and not printed twice in a row (then one
    of the two is misread)."""
    sure = [i for i, v in enumerate(values) if v is not None
            and not (i and values[i - 1] == v) and not (i + 1 < len(values) and values[i + 1] == v)]
    return [(a, b) for a, b in zip(sure, sure[1:]) if b - a >= 2 and values[b] - values[a] == b - a]


def _reletter(items: list[tuple[int, int, str]]) -> list[Proposal]:
    """Proposals for sub-item letters the run of items fixes: (start, end, printed) each.

    A single small letter is sure unless its neighbour prints the same; between
    two sure letters that leave exactly one letter for each item, an item printed
    as two letters, one of them the letter wanted, is given that letter (never a
    roman numeral: "(ii)", "(iv)" start lists of their own)."""
    values = [ord(p) - 96 if len(p) == 1 and "a" <= p <= "z" else None for _, _, p in items]
    out = []
    for a, b in _gaps(values):
        va, vb = values[a], values[b]
        stretch = []
        for k in range(a + 1, b):
            start, end, printed = items[k]
            wanted = chr(96 + va + (k - a))
            low = printed.lower()
            if len(low) != 2 or wanted not in low or roman_value(low.upper()) is not None:
                stretch = []
                break  # not a misread of the wanted letter: leave the stretch alone
            stretch.append(Proposal(start, end, wanted, R.HEADING_SEQUENCE, 0.9,
                                    {"printed": printed, "between": [chr(96 + va), chr(96 + vb)]}))
        out.extend(stretch)
    return out


def _renumber(heads: list[tuple[int, int, str, int | None]]) -> list[Proposal]:
    """Proposals for the headings of one run: (start, end, printed, value or None) each."""
    values = [h[3] for h in heads]
    out = []
    for a, b in _gaps(values):
        va, vb = values[a], values[b]
        stretch = []
        for k in range(a + 1, b):
            start, end, printed, _ = heads[k]
            wanted = roman(va + (k - a))
            if _distance(printed, wanted) > MAX_DISTANCE:
                stretch = []
                break  # a heading too far from its number: not one run, leave the stretch alone
            if printed != wanted:
                stretch.append(Proposal(start, end, wanted, R.HEADING_SEQUENCE, 0.9,
                                        {"printed": printed, "between": [roman(va), roman(vb)]}))
        out.extend(stretch)
    return out

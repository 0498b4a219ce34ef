"""A wide letter the OCR read as a backslash: "\\genda item" -> "Agenda item",
"the \\liddle East" -> "the Middle East".

On a worn or speckled page Tesseract reads a wide capital ("A", "M", "W")
as "\\", or as "\\" and a thin letter ("\\l" for "M").  No UN text prints a
backslash before a word, so on OCR text the backslash and at most two
letters after it stand for one letter: the word is the one UN text prints
that way, the phrase around it deciding between candidates.
"""
from __future__ import annotations

import math
import re
import string

from ..lexicon import Lexicon
from ..worktext import Proposal, WorkText
from .. import rules as R
from .engine import RepairContext, rule
from .guards import lexicon_of, neighbours, phrase_sides

BACKSLASH_WORD = re.compile(r"(?<![\w\\])\\{1,2}([a-zA-Z]{2,})\b")
# A candidate: a UN word seen this often.
MIN_CANDIDATE = 3
# The rule's own score stays below "flagged": only the labelled set's measure
# (bench/calibrate.py) can put its guesses into the text.
UNMEASURED_MAX = 0.79


def _candidates(rest: str, lex: Lexicon) -> set[str]:
    low = rest.lower()
    out = set()
    for k in (0, 1, 2):
        if k >= len(low) - 1:
            break
        for x in string.ascii_lowercase:
            cand = x + low[k:]
            if lex.domain_count(cand) >= MIN_CANDIDATE:
                out.add(cand)
    if lex.domain_count(low) >= MIN_CANDIDATE:
        out.add(low)  # the backslash was a speck
    return out


@rule(R.BACKSLASH_LETTER)
def backslash_letter(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Read the letter a backslash stands for.  "the \\liddle East" -> "the Middle East"."""
    lex: Lexicon = lexicon_of(ctx)
    text = work.text
    out: list[Proposal] = []
    for m in BACKSLASH_WORD.finditer(text):
        if work.conf_at(m.start(1), m.end(1)) is None:
            continue  # OCR text only
        cands = _candidates(m.group(1), lex)
        if not cands:
            continue
        prev, nxt = neighbours(text, m.start(), m.end())
        scored = []
        for c in cands:
            scored.append((phrase_sides(lex, prev, c, nxt), math.log10(lex.domain_count(c) + 1), c))
        scored.sort(reverse=True)
        sides, freq, cand = scored[0]
        runner = scored[1] if len(scored) > 1 else None
        close = runner is not None and runner[0] == sides and runner[1] >= freq - 0.5
        conf = 0.6 + 0.12 * (sides >= 1) + 0.08 * (sides == 2) + 0.05 * (runner is None) - 0.2 * close
        capital = (lex.is_name(cand) or m.group(1)[0].isupper() or m.start() == 0 or text[m.start() - 1] == "\n"
                   or bool(any(w and w[0].isupper() for w in (prev, nxt)) and lex.capital_share(cand) >= 0.3))
        after = cand[:1].upper() + cand[1:] if capital else cand
        out.append(Proposal(m.start(), m.end(), after, R.BACKSLASH_LETTER, round(min(conf, UNMEASURED_MAX), 3),
                            {"sides": sides, "alternatives": [c for *_, c in scored[1:4]]}))
    return out


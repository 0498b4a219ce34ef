"""Is this text in the UN register the lexicon and the calibration describe?

The lexicon counts UN resolutions, and the confidence of the guessing rules
was measured on UN documents.  Outside that register (a newspaper, a novel)
neither is evidence: a word the UN never prints is not thereby misspelt
("platelayer", "shoeblack"), and a name is not a misread ("Donally").  There
the guessing rules only suggest.

A text is in the register when it names the UN's bodies or symbols at least
``MIN_MARKERS`` times, or when at least ``MIN_PAIR_COVERAGE`` of its adjacent
word pairs are pairs UN text prints (measured: UN drafts 0.33 and up, their
scans 0.16 and up, with markers; English newspapers at most 0.25, with none).
Damage lowers that share without changing the register: a misread word makes
no pair at all, and a damaged scan may misread every marker.  So the pairs of
words read whole (both known words) are counted too: on clean text the share is
nearly the same; on the 650 page readings of the labelled OCR set
(bench/ocr_labels.py) it keeps 17 of the 22 bilevel pages with speckle the
other tests put outside in the register (0.35 to 0.51), and the 480 newspaper
samples of bln600 reach 0.28.

    >>> in_un_register("The General Assembly ... Member States ...", lex)   # doctest: +SKIP
    True
"""
from __future__ import annotations

import re

from ..grammar import UN_MARKERS

MIN_MARKERS = 2
MIN_PAIR_COVERAGE = 0.3
MIN_KNOWN_PAIR_COVERAGE = 0.33
MIN_KNOWN_PAIRS = 100  # fewer pairs of whole words than this: too few to tell
_WORD = re.compile(r"[A-Za-z]+")

_LAST: list = [(None, True)]


def pair_coverage(text: str, lex) -> float:
    toks = [t.lower() for t in _WORD.findall(text)]
    pairs = list(zip(toks, toks[1:]))
    if not pairs:
        return 0.0
    return sum(1 for p in pairs if lex.bigrams.get(p, 0) >= 2) / len(pairs)


def known_pair_coverage(text: str, lex) -> tuple[float, int]:
    """(share of UN pairs among the pairs of two known words, how many such pairs)."""
    toks = [t.lower() for t in _WORD.findall(text)]
    known = [lex.is_known(t) for t in toks]
    pairs = [p for p, a, b in zip(zip(toks, toks[1:]), known, known[1:]) if a and b]
    if not pairs:
        return 0.0, 0
    return sum(1 for p in pairs if lex.bigrams.get(p, 0) >= 2) / len(pairs), len(pairs)


def in_un_register(text: str, lex) -> bool:
    key = (len(text), hash(text), getattr(lex, "fingerprint", ""))
    if _LAST[0][0] == key:
        return _LAST[0][1]
    words = len(_WORD.findall(text))
    if words < 30:
        answer = True  # too short to tell: a fragment of a document, judged as the documents we know
    else:
        answer = (len(UN_MARKERS.findall(text, 0, 200_000)) >= MIN_MARKERS or pair_coverage(text, lex) >= MIN_PAIR_COVERAGE
                  or _known_pairs_say_un(text, lex))
    _LAST[0] = (key, answer)
    return answer


def _known_pairs_say_un(text: str, lex) -> bool:
    share, n = known_pair_coverage(text, lex)
    return n >= MIN_KNOWN_PAIRS and share >= MIN_KNOWN_PAIR_COVERAGE

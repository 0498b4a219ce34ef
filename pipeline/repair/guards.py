"""Where repair rules must not edit, and shared token helpers.

A superscript span is a footnote marker the footnote stage will recover:
nothing inside it is ever touched.  Protected phrases ("inter alia") are left
as printed by the word rules.
"""
from __future__ import annotations

import bisect
import re

from ..lexicon import Lexicon, default_dictionaries_dir, iter_protected_spans, load_lexicon
from ..worktext import WorkText

# A word the word rules may look at: letters of any script ("Yaoundé" is
# one word, never "Yaound" + "é"), possibly with a 0, 1 or | inside (OCR's
# "po1icy"); a trailing digit is never part of it (it may be a footnote
# marker: "Declaration2").
L = r"[^\W\d_]"
TOKEN_RE = re.compile(rf"{L}(?:{L}|[01|](?={L}))*(?:['\u2019]{L}+)?")
# Capitals inside a word other than "I" (OCR's "heaIth") mean a name or a code.
INNER_CAPITAL_RE = re.compile(r"[A-HJ-Z]")


class Guard:
    def __init__(self, work: WorkText, lexicon: Lexicon | None = None) -> None:
        spans = sorted((m.start, m.end) for m in work.marks if m.kind == "superscript" and m.end > m.start)
        if lexicon is not None:
            spans.extend(iter_protected_spans(work.text, lexicon))
            spans.sort()
        self.starts = [s for s, _ in spans]
        self.spans = spans
        # Running maximum of ends, so one bisect answers an overlap query.
        self.max_end: list[int] = []
        top = -1
        for _, e in spans:
            top = max(top, e)
            self.max_end.append(top)

    def blocked(self, start: int, end: int) -> bool:
        """Does ``[start, end)`` (an insertion when equal) overlap a guarded span?"""
        i = bisect.bisect_left(self.starts, max(end, start + 1)) - 1
        return i >= 0 and self.max_end[i] > start


def case_like(model: str, word: str) -> str:
    """``word`` in the case pattern of ``model`` (Title, UPPER or lower)."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def phrase_sides(lex: Lexicon, prev: str | None, word: str, nxt: str | None) -> int:
    """On how many sides (0, 1, 2) UN text prints ``word`` beside these neighbours."""
    return bool(prev and lex.bigram(prev, word)[0]) + bool(nxt and lex.bigram(word, nxt)[0])


def neighbours(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The words just before and after ``text[start:end]`` when only
    whitespace separates them (punctuation breaks the context)."""
    left = re.search(rf"({L}+)\s+$", text[max(0, start - 40):start])
    right = re.match(rf"\s+({L}+)", text[end:end + 40])
    return (left.group(1) if left else None, right.group(1) if right else None)


def lexicon_of(ctx) -> Lexicon:
    """The context's lexicon, or the committed one (cached) when a caller
    built a RepairContext without one."""
    return ctx.lexicon if ctx.lexicon is not None else load_lexicon(default_dictionaries_dir())

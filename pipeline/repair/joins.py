"""Words the OCR broke in two: "Gener al" -> "General", "pe ople" -> "people".

Damage (a speck, eroded ink, a narrow gap) makes Tesseract put a space
inside a word.  The two pieces are joined when the joined form is a word UN
text (or general English) prints and the pieces are not a phrase: one of
them is no word at all, and UN text never prints them side by side.  Only
OCR words are joined (they carry the engine's confidence): a text export
that prints "a broad" or "in formation" is left as it is, and so is a pair
of two real words ("a broad" could be "abroad"; nothing tells).
"""
from __future__ import annotations

from ..lexicon import Lexicon
from ..worktext import Proposal, WorkText
from .. import rules as R
from .engine import RepairContext, rule
from .guards import case_like, lexicon_of
from .words import tokens

# The joined word: a UN word seen this often, or an English word this common (Zipf).
MIN_JOINED_DOMAIN = 3
MIN_JOINED_ZIPF = 4.0
# One-letter words: any other single letter standing alone is a piece of a word.
ONE_LETTER_WORDS = frozenset("aAI")


def _is_word(part: str, lex: Lexicon) -> bool:
    if len(part) == 1:
        return part in ONE_LETTER_WORDS
    return lex.is_known(part)


def _joined_ok(word: str, lex: Lexicon) -> bool:
    return lex.domain_count(word) >= MIN_JOINED_DOMAIN or (
        lex.english_count(word) > 0 and lex.zipf(word) >= MIN_JOINED_ZIPF)


@rule(R.JOIN)
def join(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Join a word the OCR broke in two.  "the Gener al Assembly" -> "the General Assembly"."""
    lex: Lexicon = lexicon_of(ctx)
    text = work.text
    toks = tokens(work, lex, ctx)
    out: list[Proposal] = []
    used_until = -1
    for a, b in zip(toks, toks[1:]):
        if a.start < used_until or b.start != a.end + 1 or text[a.end] != " ":
            continue
        if not (a.text.isalpha() and b.text.isalpha()):
            continue
        ca, cb = work.conf_at(a.start, a.end), work.conf_at(b.start, b.end)
        if ca is None or cb is None:
            continue  # OCR words only: a text export's spaces are the author's
        if b.text[0].isupper():
            continue  # "the United": a new word starts
        if len(b.text) > 1 and not b.text[1:].islower() or len(a.text) > 1 and not a.text[1:].islower():
            continue  # capitals inside: an acronym or a code, not a broken word
        joined = a.text + b.text.lower()
        low = joined.lower()
        if not _joined_ok(low, lex):
            continue
        wa, wb = _is_word(a.text, lex), _is_word(b.text, lex)
        if wa and wb:
            continue  # two words ("a broad"): nothing tells it was one
        if min(len(a.text), len(b.text)) == 1 and (wa or wb or max(len(a.text), len(b.text)) < 4
                                                   or lex.domain_count(low) < MIN_JOINED_DOMAIN):
            continue  # a stray letter beside a word ("the e"): a speck, not half a word
        if lex.bigram(a.text, b.text)[0]:
            continue  # a pair UN text prints
        if lex.is_protected(a.text) or lex.is_protected(b.text):
            continue
        outer = lex.bigram_seen(a.prev, low) or lex.bigram_seen(low, b.next)
        common_piece = (wa and lex.zipf(a.text) >= 4.5) or (wb and lex.zipf(b.text) >= 4.5)
        conf = 0.8 + 0.08 * (not wa and not wb) + 0.07 * outer - 0.1 * common_piece
        conf += 0.05 * (min(ca, cb) < 0.6)
        out.append(Proposal(a.start, b.end, case_like(a.text, low) if a.text[0].isupper() else low, R.JOIN,
                            round(min(conf, 0.99), 3),
                            {"parts": [a.text, b.text], "outer_pair": outer}))
        used_until = b.end
    return out

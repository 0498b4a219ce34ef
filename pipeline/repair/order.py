"""The OCR-artifact repair rules, in the order they run.

Characters first (so words are made of the right code points), then line-end
hyphens (so broken words are whole), then the grammars of symbols and
citation numerals (so their letters are not taken for words), then words:
segmentation before spelling, so "ofthe" is split, not respelt as "other".
"""
from __future__ import annotations

from .. import rules as R
from .engine import EXACT_KINDS  # noqa: F401  (re-exported: source kinds whose text is exact)
from . import diacritics, digits, glyphs, hyphenation, joins, layout, masthead_labels  # noqa: F401  (registers the rules)
from . import masthead_symbol, numbering, numerals, symbols, unicode, words  # noqa: F401  (registers the rules)

# Page furniture first, before any text rule: a running head must not be repaired into the text.
# The masthead's misread symbol just before, so the masthead line furniture takes out carries it
# (a guessing rule: it does nothing on an exact text layer).
LAYOUT_RULES: list[str] = [R.MASTHEAD_SYMBOL, R.FURNITURE]

TEXT_RULES: list[str] = [
    R.MOJIBAKE,  # before control_chars: "â€\x9d" holds a C1 byte of a quote
    R.CONTROL_CHARS,
    R.LIGATURES,
    R.SPACES,
    R.HYPHENS,
    R.LINE_END_HYPHEN,
    R.UN_SYMBOL,
    R.ROMAN_IN_CITATION,
    R.ARABIC_IN_DATE,
    R.PARAGRAPH_NUMBER,
    R.HEADING_SEQUENCE,
    R.DISTRIBUTION_LABEL,
    R.BACKSLASH_LETTER,
    R.DIGIT_LETTER,  # before join and the word rules: "0f" and "Counci1" are whole words to them
    R.JOIN,  # before segmentation and spelling: "Gener al" is one word to respell, not two
    R.DIACRITICS,
    R.STRAY_ACCENT,
    R.SEGMENTATION,
    R.SPELLING,
    R.REAL_WORD,
]

# Rules that guess what the source meant.  A born-digital PDF's text layer
# is exact: its words are what the authors typed, so on it these never run
# (furniture, Unicode, line-end hyphens and footnote markers still do).
# They are the text rules from symbols on, in the order above.
GUESSING_RULES: frozenset[str] = R.GUESSING
assert GUESSING_RULES == frozenset(TEXT_RULES[TEXT_RULES.index(R.UN_SYMBOL):]), "rules.GUESSING: the text rules from symbols on"
# Source kinds whose text is exact: EXACT_KINDS, defined with the engine (a layout rule that guesses reads it too).


def rules_for(kind: str | None) -> list[str]:
    """The text rules for a source of this kind: no guessing on an exact text layer."""
    if kind in EXACT_KINDS:
        return [r for r in TEXT_RULES if r not in GUESSING_RULES]
    return list(TEXT_RULES)

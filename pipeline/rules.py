"""Every correction rule's name, defined once: the registry the log, the report, the decisions and the order read.

A name is what a correction records (``corrections[].rule``), what the report
groups by, what a reviewer's stored decision is keyed on (the decision key
hashes it) and what the repair order lists.  So names never change: the mix of
``snake_case`` and ``kebab-case`` below is history kept on purpose, since
renaming a rule would orphan every decision a reviewer has stored and change
every output.  Code refers to a rule by its constant here, never by a string.

``STAGE`` registers each name with the stage that writes it; the repair
engine refuses to register a rule function under a name not listed here.
"""
from __future__ import annotations

# ---------------------------------------------------------------- repair (pipeline.repair), in the order they run
MASTHEAD_SYMBOL = "masthead.symbol"  # the masthead's symbol OCR misread ("Avres/73/3" -> "A/RES/73/3"), by the document's evidence
FURNITURE = "layout.furniture"
MOJIBAKE = "unicode.mojibake"
CONTROL_CHARS = "unicode.control_chars"
LIGATURES = "unicode.ligatures"
SPACES = "unicode.spaces"
HYPHENS = "unicode.hyphens"
LINE_END_HYPHEN = "hyphenation.line_end"
UN_SYMBOL = "symbols.un_symbol"
ROMAN_IN_CITATION = "numerals.roman_in_citation"
ARABIC_IN_DATE = "numerals.arabic_in_date"
PARAGRAPH_NUMBER = "numerals.paragraph_number"
HEADING_SEQUENCE = "numbering.heading_sequence"  # a heading numeral the run of headings fixes (OCR)
DISTRIBUTION_LABEL = "masthead.distribution_label"  # "Dist.:" -> "Distr.:"
BACKSLASH_LETTER = "words.backslash_letter"  # "\\genda" -> "Agenda" (OCR)
DIGIT_LETTER = "words.digit_letter"  # "it 1s" -> "it is", "Counci1" -> "Council" (OCR)
JOIN = "words.join"  # "Gener al" -> "General" (OCR)
DIACRITICS = "words.diacritics"  # "Cote d'Ivoire" -> "Côte d'Ivoire" (OCR)
STRAY_ACCENT = "words.stray_accent"  # "réalizing" -> "realizing" (OCR)
SEGMENTATION = "words.segmentation"
SPELLING = "words.spelling"
REAL_WORD = "words.real_word"
# Notices of refinement steps extraction skipped (pipeline.degraded), logged before the repair rules.
STEP_SKIPPED = "extract.step-skipped"

# ---------------------------------------------------------------- footnotes (pipeline.notes)
FOOTNOTE_SEPARATOR = "footnote.separator"
FOOTNOTE_BODY_NUMBER = "footnote.body-number"
FOOTNOTE_SUPERSCRIPT = "footnote.superscript"
FOOTNOTE_GLUED_DIGIT = "footnote.glued-digit"
FOOTNOTE_YEAR_DIGIT = "footnote.year-digit"
FOOTNOTE_SYMBOL_MARKER = "footnote.symbol-marker"
FOOTNOTE_UNANCHORED = "footnote.unanchored"
FOOTNOTE_LOST_MARKER = "footnote.lost-marker"
FOOTNOTE_BATCH_ANCHOR = "footnote.batch-anchor"  # the batch's anchored notes as evidence (notes.batchnotes)
# Citation numbers checked against the resolutions the batch dates (structure.citation_memory), in the footnote stage.
CITATION_MEMORY = "citations.memory_number"

STAGE: dict[str, str] = {
    **dict.fromkeys((MASTHEAD_SYMBOL, FURNITURE, MOJIBAKE, CONTROL_CHARS, LIGATURES, SPACES, HYPHENS, LINE_END_HYPHEN, UN_SYMBOL,
                     ROMAN_IN_CITATION, ARABIC_IN_DATE, PARAGRAPH_NUMBER, HEADING_SEQUENCE, DISTRIBUTION_LABEL,
                     BACKSLASH_LETTER, DIGIT_LETTER, JOIN, DIACRITICS, STRAY_ACCENT, SEGMENTATION, SPELLING, REAL_WORD,
                     STEP_SKIPPED), "repair"),
    **dict.fromkeys((FOOTNOTE_SEPARATOR, FOOTNOTE_BODY_NUMBER, FOOTNOTE_SUPERSCRIPT, FOOTNOTE_GLUED_DIGIT,
                     FOOTNOTE_YEAR_DIGIT, FOOTNOTE_SYMBOL_MARKER, FOOTNOTE_UNANCHORED, FOOTNOTE_LOST_MARKER,
                     CITATION_MEMORY), "footnotes"),
    FOOTNOTE_BATCH_ANCHOR: "notes",
}
# Rules that guess what the source meant (never run on an exact text layer; their confidence is
# measured by the calibration): the text rules from the symbols on (pipeline.repair.order).
GUESSING = frozenset({UN_SYMBOL, ROMAN_IN_CITATION, ARABIC_IN_DATE, PARAGRAPH_NUMBER, HEADING_SEQUENCE,
                      DISTRIBUTION_LABEL, BACKSLASH_LETTER, DIGIT_LETTER, JOIN, DIACRITICS, STRAY_ACCENT,
                      SEGMENTATION, SPELLING, REAL_WORD})
# Rules whose decisions need the batch's footnotes as evidence (a reviewer's accept re-runs NoteEvidence).
BATCH_RULES = frozenset({FOOTNOTE_BATCH_ANCHOR, FOOTNOTE_LOST_MARKER})

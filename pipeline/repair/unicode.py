"""Unicode and export damage: mojibake, ligatures, odd spaces and hyphens,
stray control characters.

ftfy does the detective work on mojibake, but only with the fixes that do not
touch what the printed page shows: curly quotes, dashes and "…" stay as they
are (``uncurl_quotes=False``, no compatibility normalisation).  Each rule
proposes the smallest edits that turn the line into ftfy's answer, so the log
names exactly the characters that changed.  Runs of ordinary whitespace are
layout, not text, and are left to the structure stage.
"""
from __future__ import annotations

import difflib
import re

import ftfy
from ftfy.badness import is_bad

from .. import rules as R
from ..worktext import Proposal, WorkText
from .engine import RepairContext, rule
from .guards import Guard

# C0 and C1 controls except tab, line feed, form feed and carriage return
# (layout the extractor owns), and zero-width characters.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u200b\u200c\u200d\u2060\ufeff]")
# Spaces that are not U+0020: no-break, narrow no-break, figure, thin, ...
ODD_SPACE_RE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
LIGATURE_RE = re.compile("[" + "".join(LIGATURES) + "]")
# Non-breaking hyphen and the Unicode hyphen are printed as "-"; a soft
# hyphen inside a line is invisible and goes (at a line end it is the
# hyphenation rule's business).
HYPHEN_RE = re.compile(r"[\u2010\u2011]|\u00ad(?![ \t]*\n)")
# Lines worth asking ftfy about: only they can hold mojibake.
SUSPECT_RE = re.compile(r"[\u00c2-\u00c3\u00e2\u00c5\u00ce\u00d0-\u00d1\u0152\u0153\u20ac\u2122\u0161\u017e\ufffd]")

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def _char_rule(work: WorkText, pattern: re.Pattern, replace, name: str, confidence: float, kind: str) -> list[Proposal]:
    guard = Guard(work)
    out = []
    for m in pattern.finditer(work.text):
        if guard.blocked(m.start(), m.end()):
            continue
        out.append(
            Proposal(m.start(), m.end(), replace(m.group()), name, confidence, {"kind": kind, "char": f"U+{ord(m.group()[0]):04X}"})
        )
    return out


@rule(R.CONTROL_CHARS)
def control_chars(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Delete control and zero-width characters left by the export.

    "hu\\u200bman rights" -> "human rights".
    """
    return _char_rule(work, CONTROL_RE, lambda s: "", R.CONTROL_CHARS, 0.97, "control")


@rule(R.MOJIBAKE)
def mojibake(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Undo text decoded with the wrong codec, line by line, with ftfy.

    "Côte dâ€™Ivoire" -> "Côte d’Ivoire" (the curly apostrophe stays curly).
    """
    guard = Guard(work)
    out: list[Proposal] = []
    pos = 0
    for line in work.text.split("\n"):
        if SUSPECT_RE.search(line) and is_bad(line) or "\ufffd" in line:
            fixed = ftfy.fix_text(line, FTFY_CONFIG)
            if fixed != line:
                for start, end, after in _diff(line, fixed):
                    s, e = pos + start, pos + end
                    if not guard.blocked(s, e):
                        out.append(Proposal(s, e, after, R.MOJIBAKE, 0.95, {"kind": "mojibake"}))
        pos += len(line) + 1
    return out


@rule(R.LIGATURES)
def ligatures(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Expand typographic ligatures.  "signiﬁcant" -> "significant"."""
    return _char_rule(work, LIGATURE_RE, LIGATURES.__getitem__, R.LIGATURES, 0.99, "ligature")


@rule(R.SPACES)
def spaces(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """No-break, narrow and other odd spaces become a plain space.

    "8\\u00a0September 2000" -> "8 September 2000".
    """
    return _char_rule(work, ODD_SPACE_RE, lambda s: " ", R.SPACES, 0.99, "space")


@rule(R.HYPHENS)
def hyphens(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Non-breaking hyphens print as "-"; soft hyphens inside a line vanish.

    "non\\u2011governmental" -> "non-governmental".
    """
    return _char_rule(
        work, HYPHEN_RE, lambda s: "" if s == "\u00ad" else "-", R.HYPHENS, 0.99, "hyphen"
    )


def _diff(a: str, b: str) -> list[tuple[int, int, str]]:
    """Minimal replacements turning ``a`` into ``b``: (start, end, after)."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(i1, i2, b[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]

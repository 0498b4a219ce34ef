"""Accents the OCR lost: "Cote d'Ivoire" -> "Côte d'Ivoire", "Turkiye" -> "Türkiye".

Tesseract's English model often reads an accented letter as its bare
letter, or as another letter ("Tirkiye").  A word is given back its accents when UN text (the lexicon, or the
protected names: Member States, places) prints it only with them and never
bare, and the bare form is no English word; or when the protected name it
starts stands there whole ("Cote d'Ivoire").  Only OCR words: a text export
written without accents is the author's choice, and a paragraph in another
language is never touched (the word rules' tokens skip it).
"""
from __future__ import annotations

import unicodedata

from ..lexicon import WORD_RE, Lexicon
from ..worktext import Proposal, WorkText
from .. import rules as R
from .engine import RepairContext, rule
from .guards import case_like, lexicon_of
from .words import tokens


def strip_accents(word: str) -> str:
    """"Côte" -> "Cote": the letters without their combining marks."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def _apostrophes(s: str) -> str:
    return s.replace("\u2019", "'")


def accented_forms(lex: Lexicon) -> dict[str, str | None]:
    """Bare lower-case form -> the one accented form UN text prints (None: more than one)."""
    index = lex.__dict__.get("_accented_forms")
    if index is None:
        index = {}
        words = set(lex.words) | set(lex.protected_words) | {w for ph in lex.protected_phrases for w in ph}
        for w in words:
            if w.isascii():
                continue
            bare = strip_accents(w)
            if bare == w or not bare.isascii():
                continue
            index[bare] = w if index.get(bare, w) == w else None
        lex.__dict__["_accented_forms"] = index
    return index


def misread_accents(lex: Lexicon) -> dict[tuple[int, str], str | None]:
    """(position, bare form with that letter masked) -> the UN word with its one accented letter
    there ("Türkiye": (1, "t?rkiye")); None when two words share a key."""
    index = lex.__dict__.get("_misread_accents")
    if index is None:
        index = {}
        for bare, accented in accented_forms(lex).items():
            if accented is None or len(bare) < 5:
                continue
            marked = [i for i, c in enumerate(accented) if not c.isascii()]
            if len(marked) != 1:
                continue
            i = marked[0]
            key = (i, bare[:i] + "?" + bare[i + 1:])
            index[key] = accented if index.get(key, accented) == accented else None
        lex.__dict__["_misread_accents"] = index
    return index


def _misread(bare: str, lex: Lexicon) -> str | None:
    """The accented UN word ``bare`` is with its accented letter read as another letter, if one."""
    index = misread_accents(lex)
    found = {index.get((i, bare[:i] + "?" + bare[i + 1:])) for i in range(len(bare))} - {None}
    return found.pop() if len(found) == 1 else None


def _phrase_stands(text: str, start: int, accented: str, lex: Lexicon) -> bool:
    """Does a protected phrase starting with ``accented`` stand at ``start``, accents aside?"""
    ahead = [_apostrophes(strip_accents(m.group().lower())) for m in WORD_RE.finditer(text, start, start + 80)]
    for ph in lex.protected_phrases:
        if ph[0] == accented and len(ph) > 1:
            bare = [_apostrophes(strip_accents(w)) for w in ph]
            if ahead[: len(bare)] == bare:
                return True
    return False


@rule(R.DIACRITICS)
def diacritics(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Restore the accents of a name the OCR read bare.  "Cote d'Ivoire" -> "Côte d'Ivoire"."""
    lex: Lexicon = lexicon_of(ctx)
    forms = accented_forms(lex)
    out: list[Proposal] = []
    for t in tokens(work, lex, ctx):
        bare = t.text.lower()
        accented = forms.get(bare)
        if work.conf_at(t.start, t.end) is None:
            continue  # OCR words only
        if not accented and bare.isascii() and not lex.is_known(bare) and not lex.general_zipf(bare):
            accented = _misread(bare, lex)  # "Tirkiye": the accented letter read as another
        if not accented:
            continue
        if lex.domain_count(bare):
            continue  # UN text prints it bare too
        phrase = _phrase_stands(work.text, t.start, accented, lex)
        if not phrase and (lex.english_count(bare) or lex.general_zipf(bare) >= 1.0):
            continue  # an English word as it stands ("cote"): only the whole name says otherwise
        conf = 0.97 if phrase else 0.85
        out.append(Proposal(t.start, t.end, case_like(t.text, accented), R.DIACRITICS, conf,
                            {"phrase": phrase}))
    return out


# An accented OCR word is read as its bare form when the bare form is a word
# UN text prints this often (in lower case, when the OCR word is).
STRAY_MIN_COUNT = 3
# A word general English knows with its accent is left, unless English prints
# it bare this much more often (Zipf: log10 per billion words): "thé" 2.1 and
# "the" 7.7, "Conférence" 1.6 and "conference" 5.0, where "café" 3.8 and
# "cafe" 4.1, "rôle" 2.0 and "role" 5.2 (a UN text prints "role").
STRAY_ZIPF_GAP = 2.5


@rule(R.STRAY_ACCENT)
def stray_accent(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Drop an accent the OCR put on an English word.  "the 2010 Review Conférence" -> "the 2010 Review Conference"."""
    from ..language import foreign_spans
    from .guards import TOKEN_RE

    lex: Lexicon = lexicon_of(ctx)
    text = work.text
    foreign = [(s, e) for s, e, _ in foreign_spans(text)]
    out: list[Proposal] = []
    for m in TOKEN_RE.finditer(text):
        tok = m.group()
        if tok.isascii() or not tok.isalpha() or work.conf_at(m.start(), m.end()) is None:
            continue  # OCR words with a letter English has not
        if any(s <= m.start() < e for s, e in foreign):
            continue  # a paragraph in another language
        low = tok.lower()
        if lex.domain_count(low) or lex.is_protected(low):
            continue  # a UN word or name as printed ("Yaoundé")
        bare = strip_accents(tok)
        if lex.general_zipf(low) >= 1.0 and lex.general_zipf(bare.lower()) - lex.general_zipf(low) < STRAY_ZIPF_GAP:
            continue  # general English prints it so ("café", "résumé"); not "thé" for "the" (7.7 against 2.1)
        if not bare.isascii():
            continue
        if _common(bare, tok, lex):
            out.append(Proposal(m.start(), m.end(), bare, R.STRAY_ACCENT, 0.9, {"bare": bare}))
            continue
        # "Reéalling", "Franée": a speck over a "c" read as "é"; only one accented letter, and one reading a UN word
        marked = [i for i, ch in enumerate(tok) if not ch.isascii()]
        if len(marked) != 1 or lex.general_zipf(bare.lower()) >= 1.0 or len(tok) < 3:
            continue
        i = marked[0]
        found = {w for ch in SPECK_READS.get(bare[i].lower(), "") for w in [bare[:i] + case_like(bare[i], ch) + bare[i + 1:]]
                 if _common(w, tok, lex)}
        if len(found) == 1:
            (word,) = found
            out.append(Proposal(m.start(), m.end(), word, R.STRAY_ACCENT, 0.85, {"bare": word, "speck": True}))
    return out


# The letters an accented OCR letter stands for when a speck made the accent:
# "é" is a misread "c" ("Reéalling"), "o" ("cére") or "t" ("éransparency") as often as an "e".
SPECK_READS = {"e": "coat", "a": "eo", "o": "ec", "u": "n", "i": "lt"}


def _common(word: str, tok: str, lex: Lexicon) -> bool:
    """Is ``word`` a common UN word (in lower case too, when the OCR word is)?  "José" -> "Jose" is no repair."""
    return lex.domain_count(word) >= STRAY_MIN_COUNT and not (
        tok[0].islower() and lex.lower_words.get(word.lower(), 0) < STRAY_MIN_COUNT)

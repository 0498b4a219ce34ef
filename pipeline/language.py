"""Which language each paragraph is in, so English rules touch only English.

The identifier is py3langid (langid.py's model, shipped inside the package:
nothing is downloaded), limited to the UN's six official languages and a few
others UN documents quote, so a short English line is not taken for Catalan.
A block of text between blank lines, page breaks or sentence ends is a
paragraph; one of fewer than ``MIN_WORDS`` words is too short to judge and
takes the document's language.

    >>> [s.lang for s in paragraph_languages("Décide de convoquer la Conférence des Parties.")]
    ['fr']
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

LANGUAGES = ["en", "fr", "es", "ru", "ar", "zh", "de", "pt", "it", "nl"]
# Fewer words than this: too short to judge alone.
MIN_WORDS = 6
# A paragraph is taken as not English only when the identifier is this sure.
MIN_PROBABILITY = 0.9

_BLOCK_END = re.compile(r"\n[ \t]*\n|\f|(?<=[.;:])[ \t]*\n")
_WORD = re.compile(r"[^\W\d_]+")

_IDENT: list = []
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    lang: str
    probability: float
    words: int


def identifier():
    """py3langid's identifier, loaded once per process (its model takes about 0.4 s)."""
    with _LOCK:
        if not _IDENT:
            from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
            ident.set_languages(LANGUAGES)
            _IDENT.append(ident)
        return _IDENT[0]


def blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of ``text`` (blank lines, page breaks and sentence-ending lines cut it)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _BLOCK_END.finditer(text):
        if text[pos:m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text)))
    return out


def identify(text: str) -> tuple[str, float]:
    lang, prob = identifier().classify(text)
    return lang, float(prob)


_LAST: list = [(None, [])]


def paragraph_languages(text: str) -> list[Paragraph]:
    """Each paragraph with its language; short ones take the document's (the last answer is kept)."""
    if _LAST[0][0] == text:
        return _LAST[0][1]
    judged: list[Paragraph] = []
    for s, e in blocks(text):
        n = len(_WORD.findall(text[s:e]))
        if n >= MIN_WORDS:
            lang, p = identify(text[s:e])
            judged.append(Paragraph(s, e, lang, p, n))
        else:
            judged.append(Paragraph(s, e, "", 0.0, n))
    doc = document_language(judged)
    out = [p if p.lang else Paragraph(p.start, p.end, doc, 0.0, p.words) for p in judged]
    _LAST[0] = (text, out)
    return out


def document_language(paragraphs: list[Paragraph]) -> str:
    """The language most of the judged words are in ("en" when nothing could be judged)."""
    weight: dict[str, int] = {}
    for p in paragraphs:
        if p.lang and (p.probability >= MIN_PROBABILITY or p.lang == "en"):
            weight[p.lang] = weight.get(p.lang, 0) + p.words
    return max(sorted(weight), key=lambda k: weight[k]) if weight else "en"


def foreign_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans English rules must not touch: paragraphs surely in another language.

    A short paragraph takes the document's language; a judged one counts as
    foreign only at ``MIN_PROBABILITY`` (OCR damage can make English look odd).
    """
    paras = paragraph_languages(text)
    doc = document_language(paras)
    out = []
    for p in paras:
        if p.lang == "en":
            continue
        if p.probability >= MIN_PROBABILITY or (p.probability == 0.0 and doc != "en"):
            out.append((p.start, p.end, p.lang))
    return out

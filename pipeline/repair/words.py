"""Word-level OCR damage: run-together words, misread letters, dropped letters.

Three rules, from the surest evidence to the weakest:

- ``words.segmentation``: a token that is no word but splits into common
  words ("rightsof" -> "rights of"), proposed by symspellpy's word
  segmentation and kept only when every part is a common word;
- ``words.spelling``: a token that is no word, replaced by the word an OCR
  confusion from ``dictionaries/ocr_confusions.json`` (or, less surely, a
  small edit found by SymSpell) leads to ("Oficial" -> "Official");
- ``words.real_word``: a real but rare word where a frequent word one OCR
  confusion away fits the neighbours and it does not ("al States" ->
  "all States").

A word is never split or respelt when it is known (UN text, the English
dictionary, protected terms), all in capitals (an acronym), inside a
protected phrase or a superscript, or part of a symbol ("Corr", "Add").
Confidence grows with the evidence: the kind of edit, the candidate's
frequency, whether the neighbouring words make an attested pair, and the OCR
engine's own word confidence where the input has one.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from rapidfuzz.distance import Levenshtein
from symspellpy import Verbosity

from .. import rules as R
from ..language import foreign_spans
from ..lexicon import Lexicon
from ..worktext import Proposal, WorkText
from .calibration import CASE_TAG
from .engine import RepairContext, rule
from .guards import INNER_CAPITAL_RE, TOKEN_RE, Guard, case_like, lexicon_of

# Part of a segmentation: a UN word seen this often in lower case, or an
# English word at least this common (Zipf scale: log10 per billion words).
MIN_PART_DOMAIN = 3
MIN_PART_ZIPF = 4.2
SINGLE_LETTER_PARTS = frozenset({"a"})
# Real-word errors: the printed word is this rare in UN text (lower case) and
# the candidate this much more common.
REAL_WORD_MAX_COUNT = 2
REAL_WORD_MIN_CANDIDATE = 20
# A function word wanted by one side only: that pair printed this often in UN text.
FW_ONE_SIDE_MIN_PAIR = 20


# On OCR, each letter of the word beyond 7 adds this to an unexplained edit's
# score (and each letter short of 7 takes it away).
EDIT_LENGTH_STEP = 0.03
# An OCR word read below this confidence is doubted: a rare form general
# English prints ("hich") may still be a misreading.
OCR_DOUBT = 0.8

# A particle elided before a capitalised name: "d'Ivoire", "l'Homme", "O'Brien".
ELIDED_NAME_RE = re.compile(r"[A-Za-z]['\u2019][A-Z]")

# Glyphs no English word has where they stand: a digit or "|" inside, or a
# capital I after the first letter ("aIl").
MISREAD_RE = re.compile(r"[01|]|(?<=.)I")


@dataclass
class Token:
    start: int
    end: int
    text: str
    prev: str | None
    next: str | None
    # Printed this same way often enough in the document, with the OCR sure of
    # it where there is OCR, to be a name or a term rather than an error
    # ("Chornobyl" x 7 in one draft).
    repeated: bool = False


# A form printed this many times (each time read surely) is the document's own word.
REPEAT_MIN = 3
# ...if it is long enough to be a name or a term: a short form ("al", "tbe")
# repeats because OCR misreads the same glyphs the same way.
REPEAT_MIN_LETTERS = 5
REPEAT_SURE_CONF = 0.85

# A form repeated because the OCR loses a doubled letter the same way every time ("Reafirming" x 3
# on a typewritten page): the word it stands for is this common (Zipf, UN text weighted above English:
# "reaffirming" 6.4, "official" 6.0, "different" 5.7).
LOST_DOUBLE_MIN_ZIPF = 5.5


def lost_double(word: str, lex: Lexicon) -> bool:
    """``word`` is a very common UN word with one doubled letter printed once: its repetition in a
    document is the same misread each time, not the document's own term ("Chornobyl" stays: no such word)."""
    low = word.lower()
    return any(lex.zipf(low[:i + 1] + low[i:]) >= LOST_DOUBLE_MIN_ZIPF
               for i in range(len(low)) if low[i].isalpha())


_LAST: list = [(None, [])]  # [(key, tokens)] of the last text tokenised (one slot: thread-safe swap)


def tokens(work: WorkText, lex: Lexicon, ctx: RepairContext | None = None) -> list[Token]:
    """Words the word rules may touch (see the module docstring), each with
    the words just before and after it when only whitespace separates them.

    The three word rules usually see the same text (clean text gets no
    edits), so the last answer is kept.
    """
    ocr_only = ctx is not None and ctx.source_kind == "scanned-pdf"
    key = (work.text, lex.fingerprint, ocr_only,
           tuple((m.start, m.end) for m in work.marks if m.kind in ("superscript", "conf")),
           tuple(_ocr_layer_spans(work)) if ocr_only else (), ctx.batch_terms if ctx is not None else frozenset())
    last_key, last = _LAST[0]
    if last_key != key:
        last = list(_tokens(work, lex, ocr_only, key[-1]))
        _LAST[0] = (key, last)
    return last


class _Confs:
    """The OCR word confidences of a text, found by position with one bisect."""

    def __init__(self, work: WorkText) -> None:
        self.spans = sorted((m.start, m.end, m.data.get("conf")) for m in work.marks if m.kind == "conf")
        self.starts = [c[0] for c in self.spans]

    def at(self, pos: int) -> float | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.spans[i][2] if i >= 0 and self.spans[i][1] > pos else None


def _sure_counts(confs: _Confs, found: list) -> Counter:
    """How often each form is printed, counting only occurrences the OCR (if any) read surely."""
    out: Counter = Counter()
    for m in found:
        c = confs.at(m.start()) if confs.spans else None
        if c is None or c >= REPEAT_SURE_CONF:
            out[m.group()] += 1
    return out


def _tokens(work: WorkText, lex: Lexicon, ocr_only: bool = False, batch: frozenset[str] = frozenset()) -> Iterator[Token]:
    """``ocr_only``: a scan with pages that had a text layer; only words the OCR read (they carry a confidence) may change.
    ``batch``: forms the batch's other documents make a name or a term (:mod:`pipeline.batchterms`)."""
    text = work.text
    guard = Guard(work, lex)
    found = list(TOKEN_RE.finditer(text))
    confs = _Confs(work)
    sure = _sure_counts(confs, found)
    foreign = [(s, e) for s, e, _ in foreign_spans(text)]
    fstarts = [s for s, _ in foreign]
    layer = _ocr_layer_spans(work) if ocr_only else []
    layer_starts = [s for s, _ in layer]
    for i, m in enumerate(found):
        s, e = m.start(), m.end()
        tok = m.group()
        if not tok.isascii():
            continue  # a letter English has not: a name or a word of another language ("Yaoundé", "Türkiye")
        j = bisect.bisect_right(fstarts, s) - 1
        if j >= 0 and foreign[j][1] > s:
            continue  # a paragraph in another language: English rules do not apply
        before = text[s - 1] if s else " "
        after = text[e] if e < len(text) else " "
        after2 = text[e + 1] if e + 1 < len(text) else " "
        if before in "/\\" or before.isdigit() or after in "/\\" or (after == "." and after2.isdigit()):
            continue  # part of a symbol or a number: "Corr.1", "A/RES"
        if ((after in ".@" and after2.isalpha()) or (before in ".@" and s >= 2 and text[s - 2].isalpha())) and (
                confs.at(s) is None or _address_around(text, s, e)):
            continue  # a web or mail address: "www.un.org" (an OCR word's dot may be a speck: "an.interiational")
        if before == "-" and s >= 2 and text[s - 2].isdigit():
            continue  # "COVID-19"-like codes
        letters = tok if tok.isalpha() else re.sub(r"[^A-Za-z]", "", tok)
        if len(letters) >= 2 and letters.isupper():
            continue  # acronym
        if ELIDED_NAME_RE.match(tok):
            continue  # a name after an elided particle: "d'Ivoire", "O'Brien" (its capital I is no misread l)
        if INNER_CAPITAL_RE.search(letters, 1):
            continue  # camel case or mixed: a name or a code ("McDonald", "eGovernment")
        if guard.blocked(s, e):
            continue
        if ocr_only and confs.at(s) is None and not _inside(layer, layer_starts, s):
            continue  # a page of this PDF with an exact text layer
        prev = nxt = None
        if i and text[found[i - 1].end():s].isspace() and found[i - 1].group().isalpha():
            prev = found[i - 1].group()
        if i + 1 < len(found) and text[e:found[i + 1].start()].isspace() and found[i + 1].group().isalpha():
            nxt = found[i + 1].group()
        yield Token(s, e, tok, prev, nxt, (sure[tok] >= REPEAT_MIN or tok in batch) and len(tok) >= REPEAT_MIN_LETTERS)


def _ocr_layer_spans(work: WorkText) -> list[tuple[int, int]]:
    """The lines of pages whose text layer an OCR engine made (a searchable scan): OCR text without confidences."""
    return sorted((ln.start, ln.end) for ln in work.lines if ln.attrs.get("ocr_layer"))


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][1] > pos


ADDRESS_RE = re.compile(r"www\.|https?:|@|\.(?:org|int|com|net|gov|edu|info)\b", re.I)


def _address_around(text: str, start: int, end: int) -> bool:
    """Does the run of non-space characters around ``[start, end)`` look like a web or mail address?"""
    a = text.rfind(" ", 0, start) + 1
    b = min((i for i in (text.find(" ", end), text.find("\n", end)) if i >= 0), default=len(text))
    a = max(a, text.rfind("\n", 0, start) + 1)
    return bool(ADDRESS_RE.search(text, a, b))


def _ocr_penalty(work: WorkText, start: int, end: int) -> float:
    """Evidence from the OCR engine: a sure word is less likely misread."""
    c = work.conf_at(start, end)
    if c is None:
        return 0.0
    if c >= 0.95:
        return -0.1
    if c < 0.6:
        return 0.05
    return 0.0


def _general_tag(word: str, lex: Lexicon) -> dict:
    """Calibration evidence: general English prints the word as it stands, rarely
    (``gen1``: Zipf 1 to 2.5, "Oficial") or commonly (``gen2``: "intra", "ofthe")."""
    z = lex.general_zipf(word)
    if z < COMPOUND_MIN_ZIPF:
        return {}
    return {"tags": ["gen1" if z < 2.5 else "gen2"]}


# A candidate the document itself prints, read surely elsewhere, is the
# source's own evidence for it ("recomniended" in a document that prints
# "recommended"): on the labelled OCR set 87% of such unexplained edits were
# right against 48% without; bench/calibrate.py measures what the score it
# adds is worth.  Only OCR words, whose sure readings say what the page prints,
# and only when no alternative candidate is printed too (then the document does
# not tell them apart).
DOCUMENT_STEP = 0.2


def _document_words(work: WorkText) -> Counter:
    """Lower-case forms the document prints, counting only occurrences the OCR read surely."""
    key = (work.text, tuple((m.start, m.end) for m in work.marks if m.kind == "conf"))
    last_key, last = _LAST_DOC[0]
    if last_key != key:
        confs = _Confs(work)
        last = Counter()
        for m in TOKEN_RE.finditer(work.text):
            c = confs.at(m.start())
            if c is not None and c >= REPEAT_SURE_CONF:
                last[m.group().lower()] += 1
        _LAST_DOC[0] = (key, last)
    return last


_LAST_DOC: list = [(None, Counter())]  # [(key, counts)] of the last text (one slot: thread-safe swap)


def _evidence(work: WorkText, ocr_conf: float | None, cand: str, alternatives: list[str], general: dict) -> dict:
    """A proposal's tagged evidence: ``general`` (``gen1``/``gen2``: general English prints the
    word as it stands, measured by its own table) when there is some, else
    ``{"document": True}`` when the document prints ``cand`` (read surely) and none of ``alternatives``."""
    if ocr_conf is None or general:
        return general
    printed = _document_words(work)
    if printed[cand.lower()] and not any(printed[a.lower()] for a in alternatives):
        return {"document": True}
    return {}


# ------------------------------------------------------------ segmentation
def _good_part(part: str, lex: Lexicon) -> bool:
    if len(part) == 1:
        return part in SINGLE_LETTER_PARTS
    if lex.lower_words.get(part, 0) >= MIN_PART_DOMAIN:
        return True
    # Short English "words" ("cd", "com", "res") are mostly abbreviations:
    # a short part must be a word UN text prints in lower case.
    return len(part) > 3 and lex.english_count(part) > 0 and lex.zipf(part) >= MIN_PART_ZIPF


def segment(word: str, lex: Lexicon) -> list[str] | None:
    """Common words that ``word`` runs together, or None."""
    low = word.lower()
    seg = lex.sym.word_segmentation(low, max_edit_distance=0)
    parts = seg.corrected_string.split()
    if not 2 <= len(parts) <= 3 or "".join(parts) != low:
        return None
    if not all(_good_part(p, lex) for p in parts):
        return None
    return parts


# Closed-class words: a split that frees one of these is the usual run-together
# OCR damage ("ofthe", "rightsof"); a split into two content words
# ("road map", "live streaming") is more often a compound written solid.
FUNCTION_WORDS = frozenset(
    "a an the of in on at by to for from with as or and nor but is are was be its it this that these those "
    "all any each no not".split()
)
# Short words a misread short OCR word may stand for, if the phrase wants one
# ("ol" -> "of", "ther" -> "their", "bas" -> "has").
SHORT_WORDS = FUNCTION_WORDS | frozenset("their has have were also such into upon may will shall".split())
# A solid form general English prints at least this often (Zipf) is a word...
COMPOUND_MIN_ZIPF = 1.0
# ...unless its parts are a phrase this many Zipf points more frequent ("ofthe").
PHRASE_OVER_COMPOUND = 3.0


def known_compound(word: str, parts: list[str], lex: Lexicon) -> bool:
    """Is ``word`` a compound written solid, not words OCR ran together?

    "livestreaming", "roadmap", "Bycatch", "fisherfolk" are; "ofthe" (a web
    misspelling of a phrase 100,000 times more frequent) is not.
    """
    if "-".join(p.lower() for p in parts) in lex.compounds:
        return True  # UN text prints it hyphenated ("long-term"): solid, it is the same word
    z = lex.general_zipf(word)
    if z < COMPOUND_MIN_ZIPF:
        return False
    if not any(p.lower() in FUNCTION_WORDS for p in parts):
        return True
    n = lex.bigram(parts[0], parts[1])[1] if len(parts) == 2 else 0
    phrase_zipf = math.log10(n * 1e9 / lex.english_total) if n else 0.0
    return phrase_zipf - z < PHRASE_OVER_COMPOUND


# Two words an OCR speck between them joined with an apostrophe: "including’those".
GLUED_APOSTROPHE_RE = re.compile(r"(?<![\w'\u2019])([A-Za-z]{2,})['\u2019]([a-z]+)(?![\w'\u2019])")
# What an apostrophe really ends in English: "it's", "don't", "we'll", "they're", "I've", "I'm", "he'd".
CONTRACTION_ENDS = frozenset({"s", "t", "d", "ll", "re", "ve", "m"})


def _glued_by_speck(work: WorkText, lex: Lexicon) -> list[Proposal]:
    """Split two words a speck read as an apostrophe joins, in OCR text only, where
    UN text prints the two side by side: "including’those" -> "including those",
    "it’is" -> "it is".  Never a contraction ("it's"), a possessive plural
    ("States’ obligations" glued: the apostrophe may be the plural's) or a name ("O'Brien")."""
    text = work.text
    foreign = [(s, e) for s, e, _ in foreign_spans(text)]
    out = []
    for m in GLUED_APOSTROPHE_RE.finditer(text):
        a, b = m.groups()
        if work.conf_at(m.start(), m.end()) is None or any(s <= m.start() < e for s, e in foreign):
            continue  # a text export's apostrophe is the author's; another language elides ("qu'il")
        if b in CONTRACTION_ENDS or a[-1] in "sS" or lex.is_known(m.group()):
            continue
        if not (lex.is_known(a) and lex.is_known(b)) or lex.bigram(a.lower(), b)[0] < 2:
            continue  # only a pair UN text prints: "to an", "of a", "the obligation"
        domain = all(lex.lower_words.get(p.lower(), 0) >= MIN_PART_DOMAIN for p in (a, b))
        conf = 0.85 + 0.07 * domain + _ocr_penalty(work, m.start(), m.end())
        out.append(Proposal(m.start(), m.end(), f"{a} {b}", R.SEGMENTATION, min(conf, 0.99),
                            {"parts": [a, b], "pair_attested": True, "apostrophe": True}))
    return out


@rule(R.SEGMENTATION)
def segmentation(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Split words OCR ran together.  "the rightsof peoples" -> "the rights of peoples"."""
    lex: Lexicon = lexicon_of(ctx)
    out: list[Proposal] = []
    out.extend(_glued_by_speck(work, lex))
    for t in tokens(work, lex, ctx):
        if len(t.text) < 3 or not t.text.isalpha() or lex.is_known(t.text) or t.repeated:
            continue
        parts = segment(t.text, lex)
        if parts is None:
            continue
        protected = tuple(parts) in lex.protected_phrases  # "interalia" -> "inter alia"
        if not protected and known_compound(t.text, parts, lex):
            continue
        if not protected and not any(p in FUNCTION_WORDS for p in parts) and not all(
                lex.bigram(a, b)[0] >= 2 for a, b in zip(parts, parts[1:])):
            continue  # two content words UN text never prints side by side: a compound ("platelayer")
        if (len(parts) > 2 or any(len(p) == 1 or (len(p) == 2 and p not in FUNCTION_WORDS) for p in parts)) and not all(
                lex.bigram(a, b)[0] >= 2 for a, b in zip(parts, parts[1:])):
            continue  # three parts, or a part of one letter, only as a UN phrase ("allait" is not "all a it")
        if t.text[0].isupper() and t.prev is not None and t.prev[0].islower():
            continue  # a capitalised word inside a sentence is a name ("Hiscocks"), not "His cocks"
        if parts[0] in BOUND_PREFIXES and not protected:
            continue  # "multistakeholder" is a word the dictionaries lack
        if any(kind == "ocr" and prior >= 0.6 and (lex.domain_count(c) or lex.zipf(c) >= 3.5)
               for c, prior, kind in spelling_candidates(t.text, lex, generic=False)):
            continue  # "Ofice" is "Office" misread, not "Of ice"
        if lex.completes(t.text):
            continue  # "performan" is "performance" cut short, not "perform an"
        phrase = len(parts) == 2 and lex.bigram(*parts)[0] >= 2  # "to the", "of its": UN phrases
        if not phrase and any(
            s.distance == 1 and _valid_target(s.term, lex, 3.5)
            for s in lex.sym.lookup(t.text.lower(), Verbosity.TOP, max_edit_distance=1)
        ):
            continue  # "implementatin" lost a letter: not "implement at in"
        inner = all(lex.bigram_seen(a, b) for a, b in zip(parts, parts[1:]))
        outer = lex.bigram_seen(t.prev, parts[0]) or lex.bigram_seen(parts[-1], t.next)
        domain = all(lex.lower_words.get(p, 0) >= MIN_PART_DOMAIN for p in parts)
        conf = 0.7 + 0.15 * (inner or protected) + 0.07 * outer + 0.05 * domain + _ocr_penalty(work, t.start, t.end)
        after = " ".join([case_like(t.text, parts[0])] + parts[1:])
        out.append(
            Proposal(t.start, t.end, after, R.SEGMENTATION, min(conf, 0.99),
                     {"parts": parts, "pair_attested": inner,
                      **_general_tag(t.text, lex)})
        )
    return out


# ----------------------------------------------------------------- spelling
def confusion_candidates(word: str, lex: Lexicon, max_ops: int = 2) -> dict[str, float]:
    """Strings one or two OCR confusions away from ``word``, with the product
    of the confusions' weights (the best path to each).

    A doubled letter printed once is one kind of confusion; it is restored
    at most once and never fed to a glyph confusion (else "ight" -> "iight"
    -> "light" would let any letter be inserted).
    """
    table = [c for c in lex.confusions if c.seen != "double"]
    double = next((c.weight for c in lex.confusions if c.seen == "double"), 0.0)

    def glyphs(w: str, p: float, into: dict[str, float]) -> None:
        for c in table:
            i = w.find(c.seen)
            while i >= 0:
                cand = w[:i] + c.meant + w[i + len(c.seen):]
                if p * c.weight > into.get(cand, 0):
                    into[cand] = p * c.weight
                i = w.find(c.seen, i + 1)

    def doubled(w: str, p: float, into: dict[str, float]) -> None:
        for i, ch in enumerate(w):
            if ch.isalpha() and (i + 1 == len(w) or w[i + 1] != ch):
                cand = w[: i + 1] + ch + w[i + 1:]
                if p * double > into.get(cand, 0):
                    into[cand] = p * double

    one: dict[str, float] = {}
    glyphs(word, 1.0, one)
    found = dict(one)
    if double:
        doubled(word, 1.0, found)
    if max_ops >= 2:
        two: dict[str, float] = {}
        for w, p in one.items():
            glyphs(w, p, two)
            if double:
                doubled(w, p, two)
        for cand, q in two.items():
            if q > found.get(cand, 0):
                found[cand] = q
    # "I" is a capital: inside a word it is a misread "l", never the answer.
    return {c: q for c, q in found.items() if c != word and "I" not in c[1:]}


# Fuzzy candidates: OCR words this long, UN words this close (normalised Levenshtein).
FUZZY_MIN_LETTERS = 8
FUZZY_MIN_SIMILARITY = 0.65


def _fuzzy_vocabulary(lex: Lexicon) -> list[str]:
    vocab = lex.__dict__.get("_fuzzy_vocabulary")
    if vocab is None:
        vocab = sorted(w for w, n in lex.words.items() if n >= 3 and len(w) >= 6 and w.isalpha() and w.isascii())
        lex.__dict__["_fuzzy_vocabulary"] = vocab
    return vocab


def fuzzy_candidates(word: str, lex: Lexicon) -> tuple[str, float, float] | None:
    """(the UN word closest to ``word``, its similarity, the runner-up's), or None."""
    from rapidfuzz import process

    low = word.lower()
    vocab = [v for v in _fuzzy_vocabulary(lex) if abs(len(v) - len(low)) <= 3]
    found = process.extract(low, vocab, scorer=Levenshtein.normalized_similarity, limit=2,
                            score_cutoff=FUZZY_MIN_SIMILARITY)
    if not found:
        return None
    runner = found[1][1] if len(found) > 1 else 0.0
    return found[0][0], found[0][1], runner


def _valid_target(word: str, lex: Lexicon, min_zipf: float = 3.0) -> bool:
    """A word we would write: a UN word, or an English word of some currency."""
    if not re.fullmatch(r"[A-Za-z]+(?:'[a-z]+)?", word):
        return False
    if lex.domain_count(word) or lex.is_protected(word):
        return True
    return lex.zipf(word) >= min_zipf


PREFIXES = tuple(
    "re un non co anti pre post sub inter intra multi trans counter over under mis dis de self cross micro "
    "macro bio pharmaco geo eco socio agro agri cyber tele in im ir il mega mini semi neo pro".split()
)
# Prefixes that are not words by themselves: a split after one is a derivation.
BOUND_PREFIXES = frozenset(
    "multi non anti pre post sub inter intra trans mis dis bio geo eco socio agro agri cyber tele micro macro "
    "semi neo re un co pharmaco mega mini hyper infra supra extra ultra".split()
)
SUFFIXES = (
    ("ies", "y"), ("ies", "ie"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e"),
    ("ly", ""), ("ably", "able"), ("ibly", "ible"), ("ally", "al"), ("ness", ""), ("ment", ""), ("ments", ""),
    ("ation", "e"), ("ations", "e"), ("ation", ""), ("er", ""), ("ers", ""), ("ist", ""), ("ists", ""), ("ism", ""),
    ("ity", ""), ("ities", ""), ("ise", ""), ("ize", ""), ("ised", ""), ("ized", ""), ("isation", ""), ("ization", ""),
    ("al", ""), ("ic", ""), ("ical", ""), ("ive", ""), ("ives", ""), ("ship", ""), ("hood", ""), ("wide", ""),
)


def looks_derived(word: str, lex: Lexicon) -> bool:
    """A known word with a prefix or suffix ("Recommits", "deliverables"):
    a real word the dictionaries lack, not a misprint."""
    w = word.lower()
    for suf, rep in SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3 and lex.is_known(w[: len(w) - len(suf)] + rep):
            return True
    for pre in PREFIXES:
        if w.startswith(pre) and len(w) - len(pre) >= 3:
            rest = w[len(pre):]
            if lex.is_known(rest) or looks_derived_suffix(rest, lex):
                return True
    return False


def looks_derived_suffix(w: str, lex: Lexicon) -> bool:
    return any(
        w.endswith(suf) and len(w) - len(suf) >= 3 and lex.is_known(w[: len(w) - len(suf)] + rep) for suf, rep in SUFFIXES
    )


def spelling_candidates(word: str, lex: Lexicon, generic: bool = True) -> list[tuple[str, float, str]]:
    """(candidate, prior, kind) for a non-word, best prior first.  ``kind`` is
    "ocr" (reached by the confusion table) or "editN" (SymSpell, N edits)."""
    out: dict[str, tuple[float, str]] = {}
    for cand, p in confusion_candidates(word, lex).items():
        low = cand.lower()
        if _valid_target(low, lex, 3.0):
            out[low] = max(out.get(low, (0, "")), (p, "ocr"))
        elif re.fullmatch(r"[a-z]{6,}", low) and len(low) <= len(word) and looks_derived_suffix(low, lex):
            # "stigmatizecl" -> "stigmatized": a derivation of a known word
            out[low] = max(out.get(low, (0, "")), (p * 0.9, "ocr"))
    if generic and word.isalpha():
        for s in lex.sym.lookup(word.lower(), Verbosity.ALL, max_edit_distance=2):
            if s.term not in out and _valid_target(s.term, lex):
                out[s.term] = (0.3 if s.distance == 1 else 0.05, f"edit{s.distance}")
    return sorted(((c, p, k) for c, (p, k) in out.items()), key=lambda x: -x[1])


# Context candidates: a word UN text prints next to the neighbours this often,
# and this close to the printed letters (normalised Levenshtein similarity).
CONTEXT_MIN_PAIR = 3
CONTEXT_MIN_SIMILARITY = 0.5


def context_candidates(word: str, prev: str | None, nxt: str | None, lex: Lexicon) -> list[tuple[str, float, int]]:
    """(candidate, similarity, sides) for a badly damaged word, from the UN
    phrases its neighbours make: "Ppromayon and" -> "promotion" ("promotion
    and" is a UN phrase), "and bratecian of" -> "protection"."""
    w = word.lower()
    sides: dict[str, int] = {}
    if prev:
        for c, n in lex.followers(prev).items():
            if n >= CONTEXT_MIN_PAIR:
                sides[c] = sides.get(c, 0) + 1
    if nxt:
        for c, n in lex.leaders(nxt).items():
            if n >= CONTEXT_MIN_PAIR:
                sides[c] = sides.get(c, 0) + 1
    out = []
    for c, k in sides.items():
        if len(c) < 4 or abs(len(c) - len(w)) > 3 or not c.isalpha():
            continue
        sim = Levenshtein.normalized_similarity(w, c)
        if sim >= CONTEXT_MIN_SIMILARITY:
            out.append((c, sim, k))
    return sorted(out, key=lambda x: (-x[2], -x[1], x[0]))


# A word UN text prints capitalised at least this share of the time may be
# capitalised after a capitalised word ("Sustainable Development").
CAPITALISED_SHARE = 0.3
# A word UN text prints only capitalised, seen this often, is a name.
NAME_MIN_COUNT = 5


def _cased(printed: str, cand: str, t: Token, text: str, lex: Lexicon) -> str:
    """``cand`` in the case it should have where ``printed`` stands.

    When the OCR lost the first letter or read it as a small one ("evelopment",
    "kecalling"), the printed case says nothing: a name is capitalised, and so
    is a word at a paragraph's start or one UN text often capitalises next to
    a capitalised word ("Sustainable Development", "the Regional Centre").  A
    printed capital stays ("Tbid." -> "Ibid."): measured on the labelled set,
    lowering it after a small word ("the Lield of") loses more than it wins.
    """
    if not printed or not printed[0].islower() or cand[:1].lower() == printed[:1].lower():
        return case_like(printed, cand)
    n = lex.domain_count(cand)
    share = lex.capital_share(cand)
    para_start = t.start == 0 or text[max(0, t.start - 2):t.start] == "\n\n"
    if (n >= NAME_MIN_COUNT and lex.is_name(cand)) or para_start or (
            any(w and w[0].isupper() for w in (t.prev, t.next)) and share >= CAPITALISED_SHARE):
        return cand[:1].upper() + cand[1:]
    return cand


# Letters whose capital is the small letter drawn larger: on a poor scan the OCR's
# case for them is a guess ("sccretary-General", "the ()ccupying Power").
SAME_SHAPE_CASE = frozenset("cosuvwxzCOSUVWXZ")


def case_guessed(printed: str, after: str) -> bool:
    """Is the first letter's case of ``after`` a guess rather than read from the page?
    It is when the edit changed or added the first letter ("lerritory" -> "territory",
    where the page prints "Territory"), or the page's first letter looks the same in
    both cases.  On the calibration half of the labelled OCR set, OCR confusions whose
    case was read were right 383 of 383 in the top step, those whose case was a guess
    244 of 251 (bench/calibrate.py measures them apart: the ``case`` tag)."""
    if not printed or not after or not printed[0].isalpha():
        return True
    return printed[0].lower() != after[0].lower() or printed[0] in SAME_SHAPE_CASE


def _case_of(word: str) -> str:
    """The case model of a printed word; a capital doubled by OCR ("Ppromayon") is not a capital."""
    if len(word) > 2 and word[0].isupper() and word[1] == word[0].lower():
        return word[1:]
    return word


@rule(R.SPELLING)
def spelling(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Respell a non-word OCR misread.  "Oficial Records" -> "Official Records"; "governrnent" -> "government"."""
    lex: Lexicon = lexicon_of(ctx)
    out: list[Proposal] = []
    for t in tokens(work, lex, ctx):
        w = t.text
        if len(w) < 3 or (lex.is_known(w) and not MISREAD_RE.search(w)) or (t.repeated and not lost_double(w, lex)):
            continue
        cands = spelling_candidates(w, lex)
        ocr_conf = work.conf_at(t.start, t.end)
        doubted = ocr_conf is not None and ocr_conf < OCR_DOUBT and lex.general_zipf(w) < 2.5 and len(w) >= 4
        # ("intraregional" is intra + regional, not damage)
        if (not any(kind == "ocr" for _, _, kind in cands) and len(w) >= 5 and w.isalpha()
                and (not lex.general_zipf(w) or doubted) and not looks_derived(w, lex)):
            # Damage no single confusion explains: the UN phrase the neighbours make.
            ctx_cands = context_candidates(_case_of(w), t.prev, t.next, lex)
            if ctx_cands:
                cand, sim, sides = ctx_cands[0]
                runner = ctx_cands[1] if len(ctx_cands) > 1 else None
                conf = 0.35 + 0.2 * (sides == 2) + 0.6 * (sim - 0.5)
                if runner and runner[2] == sides and runner[1] >= sim - 0.1:
                    conf -= 0.2
                alts = [c for c, *_ in ctx_cands[1:4]]
                evidence = _evidence(work, ocr_conf, cand, alts, _general_tag(w, lex))
                conf += DOCUMENT_STEP * bool(evidence.get("document"))
                conf += _ocr_penalty(work, t.start, t.end)
                out.append(Proposal(t.start, t.end, _cased(_case_of(w), cand, t, work.text, lex), R.SPELLING,
                                    round(max(0.3, min(conf, 0.99)), 3),
                                    {"edit": "context", "similarity": round(sim, 3), "sides": sides,
                                     "alternatives": alts, **evidence}))
                continue
        if not cands and ocr_conf is not None and len(w) >= FUZZY_MIN_LETTERS and w.isalpha():
            # Damage beyond two edits in a long OCR word ("conimitnicnts"): the
            # UN word closest to it, if clearly closer than any other.
            found = fuzzy_candidates(_case_of(w), lex)
            if found:
                cand, sim, runner = found
                ctx_seen = lex.bigram_seen(t.prev, cand) + lex.bigram_seen(cand, t.next)
                conf = 0.3 + 1.2 * (sim - FUZZY_MIN_SIMILARITY) + 0.1 * (sim - runner >= 0.1) + 0.08 * ctx_seen
                conf += _ocr_penalty(work, t.start, t.end)
                out.append(Proposal(t.start, t.end, _cased(_case_of(w), cand, t, work.text, lex), R.SPELLING,
                                    round(max(0.3, min(conf, 0.99)), 3),
                                    {"edit": "fuzzy", "similarity": round(sim, 3), "runner_similarity": round(runner, 3),
                                     "context": bool(ctx_seen)}))
            continue
        if not cands:
            continue
        scored = []
        for cand, prior, kind in cands:
            ctx_seen = lex.bigram_seen(t.prev, cand) + lex.bigram_seen(cand, t.next)
            # Each extra confusion costs much more than a rarer word does.
            score = prior**4 * max(lex.zipf(cand), 0.1) * (1 + 0.5 * ctx_seen)
            scored.append((score, cand, prior, kind, ctx_seen))
        scored.sort(reverse=True)
        score, cand, prior, kind, ctx_seen = scored[0]
        runner = scored[1][0] if len(scored) > 1 else 0.0
        domain = lex.domain_count(cand) >= 3
        if kind == "ocr":
            conf = 0.55 + (0.25 if prior >= 0.8 else 0.12) + 0.1 * domain + 0.1 * bool(ctx_seen)
        elif kind == "edit1":
            # An edit OCR does not explain: in the text only with the
            # neighbours' support, and never applied without review.
            conf = 0.5 + 0.05 * domain + 0.15 * bool(ctx_seen) + 0.1 * (ctx_seen == 2)
        else:
            # Two unexplained edits: a suggestion, unless the phrase on both sides wants the word.
            conf = 0.4 + 0.05 * domain + 0.15 * (ctx_seen == 2)
        if kind != "ocr" and ocr_conf is not None:
            # On OCR, a long word one or two edits from a single candidate is
            # mostly that word; a short one has many neighbours (measured on
            # the labelled set: 4 letters 13% right, 9 and more 80%).
            # A first letter changed or lost is a guess of its own ("ibilities" ->
            # "abilities"); few other candidates, the surer (measured 55% and 90%).
            conf += EDIT_LENGTH_STEP * (min(len(w), 11) - 7) + 0.08 * (len(scored) == 1)
            conf += 0.05 * (len(scored) <= 2) - 0.1 * (cand[:1].lower() != w[:1].lower())
        if runner and score < 3 * runner:
            conf -= 0.2
        alts = [c for _, c, *_ in scored[1:4]]
        evidence = _evidence(work, ocr_conf, cand, alts, _general_tag(w, lex))
        conf += DOCUMENT_STEP * bool(evidence.get("document"))
        if len(w) <= 3 and w.isalpha() and w.islower() and not (
            lex.lower_words.get(cand, 0) >= 3 and (lex.bigram(t.prev or "", cand)[0] or lex.bigram(cand, t.next or "")[0])
        ):
            conf = min(conf, 0.55)  # "bas", "ber": too many short words are one edit away
        conf += _ocr_penalty(work, t.start, t.end)
        if looks_derived(w, lex):
            conf = min(conf, 0.55)  # "deliverables", "depreciations": words the dictionaries lack
        if lex.general_zipf(w) >= COMPOUND_MIN_ZIPF and not MISREAD_RE.search(w):
            # General English prints it ("liveability", "intra", "roadmap"): a
            # word the UN lexicon lacks, unless an OCR confusion explains it,
            # or the OCR itself doubts a rare web form ("hich", "Stites").
            if kind != "ocr" and not doubted:
                continue  # (an OCR confusion keeps its score: the calibration measures it with this tag)
        if kind != "ocr":
            # A small edit OCR does not explain is as likely a word the
            # dictionaries lack: a name ("Mano River") or half a compound
            # ("pharmaco-vigilance").
            text = work.text
            in_compound = text[t.start - 1:t.start] == "-" or text[t.end:t.end + 1] == "-"
            if w[0].isupper() or in_compound:
                conf = min(conf, 0.55)
        if w[0].isupper() and not (lex.domain_count(cand) or lex.is_protected(cand)):
            # A capitalised word may be a name: it becomes only a word UN text
            # uses, or a common word reached by a sure OCR confusion.
            if not (kind == "ocr" and prior >= 0.8 and lex.zipf(cand) >= 4.0):
                conf = min(conf, 0.55)
        after = _cased(w, cand, t, work.text, lex)
        if after == w:
            continue
        if kind == "ocr" and case_guessed(w, after):
            evidence = {**evidence, "tags": [*evidence.get("tags", ()), CASE_TAG]}
        out.append(
            Proposal(
                t.start,
                t.end,
                after,
                R.SPELLING,
                round(max(0.3, min(conf, 0.99)), 3),
                {"edit": kind, "prior": round(prior, 3), "context": bool(ctx_seen),
                 "alternatives": alts, **evidence},
            )
        )
    return out


# --------------------------------------------------------------- real words
@rule(R.REAL_WORD)
def real_word(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Replace a real but rare word that OCR made of a common one, when only
    the common one fits its neighbours.  "Calls upon al States" -> "Calls upon all States".
    """
    lex: Lexicon = lexicon_of(ctx)
    out: list[Proposal] = []
    for t in tokens(work, lex, ctx):
        w = t.text
        if not w.isalpha() or not (w.islower() or w.istitle()) or lex.is_protected(w) or t.repeated:
            continue
        if lex.lower_words.get(w.lower(), 0) > REAL_WORD_MAX_COUNT:
            continue
        if w.istitle() and (lex.domain_count(w) > REAL_WORD_MAX_COUNT or lex.is_name(w)):
            continue  # a capitalised word UN text uses, or a name
        if t.prev is None and t.next is None:
            continue
        if (t.prev and lex.bigram(t.prev, w)[0]) or (t.next and lex.bigram(w, t.next)[0]):
            continue  # the printed word fits its neighbours in UN text
        # English usage ("for al" in "for Al Gore") is weaker evidence that it fits.
        fits_english = lex.bigram_seen(t.prev, w) or lex.bigram_seen(w, t.next)
        best = runner_key = None
        cands = confusion_candidates(w.lower(), lex, max_ops=1)
        ocr_word = work.conf_at(t.start, t.end)
        not_un = lex.lower_words.get(w.lower(), 0) == 0
        if ocr_word is not None and (ocr_word < 0.9 or not_un) and len(w) <= 4:
            # A short word the OCR was unsure of (or one UN text never prints
            # in lower case: "ot", "tor"): any function word one edit away may
            # be what was printed ("ol" -> "of", "bx" -> "by", "anil" -> "and"),
            # if the phrase wants it.
            # A letter OCR added ("fora", "ing", "thew" read for "the") is rarer
            # than one it misread or lost: no candidate is shorter than the word.
            for fw in SHORT_WORDS:
                if len(fw) >= max(2, len(w)) and Levenshtein.distance(w.lower(), fw) == 1:
                    cands[fw] = max(cands.get(fw, 0.0), 0.8)
        for cand, prior in cands.items():
            if prior < 0.8 or not cand.isalpha() or not cand.islower():
                continue
            # A capitalised word ("Sec" for "See" opening a footnote) needs a
            # candidate UN text uses often in any case.
            n = lex.domain_count(cand) if w.istitle() else lex.lower_words.get(cand, 0)
            if n < REAL_WORD_MIN_CANDIDATE or n < 20 * (lex.domain_count(w) + 1):
                continue
            left = lex.bigram(t.prev, cand)[0] if t.prev else 0
            right = lex.bigram(cand, t.next)[0] if t.next else 0
            sides = (left >= 2) + (right >= 2)
            if not sides:
                continue
            key = (sides, left + right, prior)
            if best is None or key > best[0]:
                best, runner_key = (key, cand), (best[0] if best else None)
            elif runner_key is None or key > runner_key:
                runner_key = key
        if best is None:
            continue
        (sides, support, prior), cand = best
        both_needed = (t.prev is not None) + (t.next is not None)
        unexplained = cand not in confusion_candidates(w.lower(), lex, max_ops=1)
        c = work.conf_at(t.start, t.end)
        # One side of a strong UN phrase for an OCR word UN text never prints
        # in lower case ("tor the" -> "for the", "te the" -> "to the"), the
        # other side a word that does not pair with it, or no word at all (junk,
        # punctuation: "(ihe occupied", "States, lor the"): measured apart (tag "fw1").
        lone = sides == 1 == both_needed and unexplained
        one_side_fw = ((sides == 1 < both_needed or lone) and c is not None and c < 0.9 and not_un
                       and cand in SHORT_WORDS and support >= FW_ONE_SIDE_MIN_PAIR
                       and (runner_key is None or runner_key[0] < sides or support >= 3 * runner_key[1]))
        if unexplained and sides < 2 and not one_side_fw:
            continue  # an edit no confusion explains needs the phrase on both sides
        if len(w) >= 4 and lex.general_zipf(w) >= 2.0 and (c is None or c >= 0.9):
            continue  # an English word ("adaption") the OCR, if any, read surely: no evidence it is damaged
        if sides < both_needed and lex.general_zipf(w) >= 3.0 and not one_side_fw:
            continue  # a common English word ("arid"): only a phrase that fits on every side replaces it
        conf = 0.93 if sides == both_needed == 2 else 0.7 if one_side_fw else 0.75
        if fits_english:
            if sides < 2:
                continue
            conf = 0.75
        conf += _ocr_penalty(work, t.start, t.end)
        after = _cased(w, cand, t, work.text, lex)
        if cand in SHORT_WORDS and t.prev and t.prev[0].islower():
            after = cand  # "with Lhe objective" -> "the": a function word after a small word is small
        out.append(
            Proposal(t.start, t.end, after, R.REAL_WORD, round(min(conf, 0.99), 3),
                     {"pair_support": support, "sides": sides, "prior": round(prior, 3),
                      **({"tags": ["fw1"]} if one_side_fw else {"tags": ["fw"]} if unexplained else {})})
        )
    return out

"""A digit the OCR read for a letter: "it 1s" -> "it is", "0f" -> "of", "t0" -> "to",
"the Security Counci1" -> "the Security Council", "Member 5tates" -> "Member States".

Tesseract, and any engine, reads a thin letter as a one ("l", "i", "I"), a
round one as a zero ("o", "O", "D"), an "S" as a five or an eight, a "B" as an
eight, a "z" as a two, a "b" or "G" as a six, a "g" or "q" as a nine
("organi2ation", "8tates"), at a word's edge as much as inside it.  A word the spelling rule sees has letters
only (a 0 or 1 inside it: "po1icy"); a digit at its edge is never part of
it, since it may be a footnote marker ("Declaration2").  This rule reads the
tokens it leaves: letters and lookalike digits together, with a digit that
is not only a trailing marker.

A token changes only when every digit in it is a lookalike and reading the
digits as their letters makes a word UN text or general English prints
often; never an ordinal or a number with a unit ("1st", "1990s", "15km"),
never a code (capitals and digits: "G77", "H1N1"), nor a symbol, an address
or a paragraph in another language.  A word then a trailing digit is a
footnote marker unless the phrase says otherwise: "Genera1 Assembly" is read
as "General Assembly" only because UN text prints "general assembly" and
never "genera assembly".

The rule's own score orders its guesses; only the labelled set's measure
(``bench/calibrate.py``, which damages corpus text this way too) can put
them into the text.
"""
from __future__ import annotations

import bisect
import itertools
import math
import re

from .. import grammar as G
from .. import rules as R
from ..language import foreign_spans
from ..lexicon import Lexicon
from ..worktext import Proposal, WorkText
from .engine import RepairContext, rule
from .guards import Guard, lexicon_of, neighbours, phrase_sides

# What each digit is read for (lower case; the case comes from the word's other letters or its place).
LOOKALIKE = {"0": "od", "1": "li", "2": "z", "5": "s", "6": "bg", "8": "bs", "9": "gq", "\u00a2": "c"}  # ¢ for c
# Letters and digits together, bounded by space or punctuation that cannot join a code or a symbol.
TOKEN = re.compile(r"(?<![\w/\\.@$%&+#\u00a2-])((?:[^\W_]|\u00a2(?=[^\W\d_]))*[^\W\d_](?:[^\W_]|\u00a2(?=[^\W\d_]))*"
                   r"|[0-9][^\W\d_]+[^\W_]*)(?![\w/\\@%&+#\u00a2]|-\d|\.\w)")
# A number with its suffix: an ordinal ("1st"); two digits or more ("1990s", "15km") are a number anyway.
ORDINAL = re.compile(r"\d(?:st|nd|rd|th|'s)", re.I)
# A number and a unit or a coin, as older English prints them ("1s. 6d.", "8in", "5ft"): a
# leading digit before these letters is read as a letter only where the phrase asks for the word
# ("it 1s essential"), never beside another number ("2s 1d", "£1 1s") or before a period.
NUMBER_AND_UNIT = re.compile(r"\d(?:in|ft|oz|lbs?|st|yds?|cwt|d|s|l|p|cm|mm|km|kg|g|m|t|h|pt|qt|mo|yrs?)", re.I)
# After these a digit and a letter are a numbered part ("paragraph 1a"), not a misread word.
NUMBERED = frozenset({"paragraph", "paragraphs", "para", "paras", "article", "articles", "rule", "rules", "section",
                      "chapter", "chap", "annex", "item", "items", "part", "resolution", "resolutions", "decision",
                      "decisions", "table", "figure", "page", "pages", "vol", "no", "footnote", "note", "goal",
                      "goals", "target", "targets", "indicator", "principle", "option", "box", "sect"})
# A candidate: a word UN text prints this often, or general English at this Zipf frequency.
MIN_DOMAIN = 5
MIN_ZIPF = 3.5
# A word then a trailing digit is a footnote marker unless UN text prints the phrase
# with the candidate at least this often, and never with the word as it stands.
MIN_PHRASE = 3
MAX_DIGITS = 3
EN_PHRASE = 100_000_000  # a pair general English prints this often (wordfreq-scale: "this is" 5.6e9, "is creating" 3.7e7)
LONG_WORD = 7  # letters from which any known word will do ("supplementin9" -> "supplementing")
# The rule's own score stays below "flagged": only the labelled set's measure can put it into the text.
UNMEASURED_MAX = 0.79


def _plausible(word: str, lex: Lexicon) -> bool:
    """A word the reading may make: common, or long and known (a long word is not made by chance)."""
    return (lex.domain_count(word) >= MIN_DOMAIN or lex.general_zipf(word) >= MIN_ZIPF
            or (len(word) >= LONG_WORD and lex.is_known(word)))


def _readings(token: str, lex: Lexicon) -> list[str]:
    """The lower-case words the token's digits can be read as (each digit as one of its letters)."""
    slots = [LOOKALIKE[ch] if ch in LOOKALIKE else ch.lower() for ch in token]
    return sorted({w for w in ("".join(p) for p in itertools.product(*slots)) if _plausible(w, lex)})


def _letters(token: str) -> list[str]:
    """The token's letters: what is neither a digit nor a lookalike (a ¢ stands for a letter it has no case of)."""
    return [ch for ch in token if not (ch.isdigit() or ch in LOOKALIKE)]


def _trailing_marker(token: str) -> tuple[str, str] | None:
    """(word, digits) when the token is letters then digits only: perhaps a footnote marker."""
    m = re.fullmatch(r"([^\W\d_]+)(\d{1,2})", token)
    return (m.group(1), m.group(2)) if m else None


def _cased(token: str, word: str, text: str, start: int, prev: str | None, nxt: str | None, lex: Lexicon) -> str:
    """``word`` in the token's case: its letters' case where they have one, a leading digit's by evidence.

    A leading digit has no case.  It is decided by, in order: the place (a
    sentence's start; a line's start only where a preambular paragraph opens,
    "Technology,\n5tressing"), the document's own printing beside the same
    neighbour ("Economic and 5ocial Council" where it prints "Social
    Council"), how UN text prints the word.
    """
    letters = _letters(token)
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return word.upper()
    out = [w.upper() if t.isupper() else w for t, w in zip(token, word)]
    if token[0] in LOOKALIKE:
        low = "".join(out)
        cap = low[:1].upper() + low[1:]
        before = text[:start].rstrip()
        line_start = text.rfind("\n", 0, start) + 1
        if (not before or before[-1] in ".!?" or "\n\n" in text[max(0, start - 3):start]
                or (not text[line_start:start].strip() and before[-1] in ",;:" and G.is_preamble_opening(cap))):
            return cap  # a sentence's start, or a preambular paragraph's ("Technology,\n5tressing")
        printed = _printed_beside(text, cap, low, prev, nxt)
        if printed is not None:
            return printed
        capital_share = lex.capital_share(word)
        # a name runs on: "the 1nternational Covenant", "the 5ecurity Council"
        if capital_share >= 0.9 or (nxt is not None and nxt[:1].isupper() and capital_share >= 0.15) or (
                prev is not None and prev[:1].isupper() and capital_share >= 0.3):
            return cap
        return low
    return "".join(out)


def _printed_beside(text: str, cap: str, low: str, prev: str | None, nxt: str | None) -> str | None:
    """The form (capitalised or not) the document prints beside the same neighbour, if it prints only one."""
    counts = {}
    for form in (cap, low):
        n = 0
        if prev:
            n += len(re.findall(rf"\b{re.escape(prev)}\s+{re.escape(form)}\b", text))
        if nxt:
            n += len(re.findall(rf"\b{re.escape(form)}\s+{re.escape(nxt)}\b", text))
        counts[form] = n
    if counts[cap] and not counts[low]:
        return cap
    if counts[low] and not counts[cap]:
        return low
    return None


def _among_numbers(text: str, start: int, end: int) -> bool:
    """A number or a currency sign beside the token, or a period after it."""
    if end < len(text) and text[end] == ".":
        return True
    left = text[max(0, start - 12):start].split()
    right = text[end:end + 12].split()
    return any(any(ch.isdigit() or ch in "£$€¥" for ch in w) for w in left[-1:] + right[:1])


def _phrase_asks(lex: Lexicon, prev: str | None, cand: str, nxt: str | None) -> bool:
    """UN text prints the candidate beside this neighbour often enough, or general English very often
    ("this is": UN text printed it twice, English prints it everywhere)."""
    for a, b in ((prev, cand), (cand, nxt)):
        if a and b:
            domain, english = lex.bigram(a, b)
            if domain >= MIN_PHRASE or english >= EN_PHRASE:
                return True
    return False


def _phrase_says_word(lex: Lexicon, bare: str, cand: str, prev: str | None, nxt: str | None) -> bool:
    """A trailing digit is a letter, not a marker: the phrase is printed with ``cand``, never with ``bare``."""
    for a, b, a2, b2 in ((prev, cand, prev, bare), (cand, nxt, bare, nxt)):
        if a and b and lex.bigram(a, b)[0] >= MIN_PHRASE and not lex.bigram_seen(a2, b2):
            return True
    return False


@rule(R.DIGIT_LETTER)
def digit_letter(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Read the letters an OCR engine printed as lookalike digits.  "it 1s" -> "it is"."""
    lex: Lexicon = lexicon_of(ctx)
    text = work.text
    guard = Guard(work, lex)
    foreign = [(s, e) for s, e, _ in foreign_spans(text)]
    fstarts = [s for s, _ in foreign]
    batch = ctx.batch_terms
    out: list[Proposal] = []
    for m in TOKEN.finditer(text):
        token = m.group(1)
        digits = [ch for ch in token if ch in LOOKALIKE or ch.isdigit()]
        if not digits or len(digits) > MAX_DIGITS or any(ch not in LOOKALIKE for ch in digits):
            continue  # letters only (the spelling rule's), too many digits, or a digit no letter looks like
        if not token.replace("\u00a2", "c").isascii() or ORDINAL.fullmatch(token) or re.match(r"\d\d", token):
            continue  # "1st", "1990s", "15km": numbers with their suffixes
        letters = _letters(token)
        inner = [i for i, ch in enumerate(token) if ch.isdigit() and 0 < i < len(token) - 1]
        if len(inner) == len(digits) and all(token[i] in "01" for i in inner):
            continue  # a 0 or 1 inside letters: the spelling rule's ("po1icy")
        if len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 2 and not all(ch.isupper() for ch in letters):
            continue  # mixed capitals: a code or a name
        if len(letters) >= 1 and all(ch.isupper() for ch in letters) and len(token) <= 4:
            continue  # a short code: "G77", "H1N1", "A4", "5G"
        s, e = m.span(1)
        if guard.blocked(s, e) or token in batch:
            continue
        j = bisect.bisect_right(fstarts, s) - 1
        if j >= 0 and foreign[j][1] > s:
            continue  # a paragraph in another language
        cands = _readings(token, lex)
        if not cands:
            continue
        prev, nxt = neighbours(text, s, e)
        if NUMBER_AND_UNIT.fullmatch(token):
            cands = [c for c in cands if _phrase_asks(lex, prev, c, nxt)]
            if not cands:
                continue
        if token[0].isdigit() and prev is not None and prev.lower() in NUMBERED:
            continue  # "paragraph 1a": a numbered part
        if token[0].isdigit() and _among_numbers(text, s, e):
            continue  # "£1 1s 6d", "1s.": a sum or a measure, not a misread word
        marker = _trailing_marker(token)
        if marker is not None and not lex.is_known(marker[0]):
            marker = None  # "Counci1": no word then a marker, a misread word
        if marker is not None:
            # "Assembly1" is a word and its footnote marker; "Genera1 Assembly" is a misread "General"
            cands = [c for c in cands if _phrase_says_word(lex, marker[0], c, prev, nxt)]
            if not cands:
                continue
        scored = sorted(((phrase_sides(lex, prev, c, nxt), math.log10(lex.domain_count(c) + 1),
                          lex.general_zipf(c), c) for c in cands), reverse=True)
        sides, freq, zipf, cand = scored[0]
        runner = scored[1] if len(scored) > 1 else None
        close = runner is not None and runner[0] == sides and runner[1] >= freq - 0.5
        conf_ocr = work.conf_at(s, e)
        score = (0.55 + 0.1 * (sides >= 1) + 0.05 * (sides == 2) + 0.05 * (freq >= 2) + 0.05 * (runner is None)
                 + 0.05 * (len(letters) >= 3) - 0.2 * close - 0.1 * (marker is not None)
                 + 0.05 * (conf_ocr is not None and conf_ocr < 0.6))
        after = _cased(token, cand, text, s, prev, nxt, lex)
        if after == token:
            continue
        out.append(Proposal(s, e, after, R.DIGIT_LETTER, round(min(score, UNMEASURED_MAX), 3),
                            {"sides": sides, "alternatives": [c for *_, c in scored[1:4]],
                             **({"marker_read_as_letter": True} if marker is not None else {})}))
    return out

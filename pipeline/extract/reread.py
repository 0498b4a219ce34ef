"""Doubtful words read again on their own, enlarged and prepared; the better reading by evidence wins.

Tesseract reads a whole page at once, and its confidence in each word says
where it hesitated: "(UNISPACE+S50)" at 42 on a clean scan, "E.96.1V.13)" at
65 on light print.  Each such word is cut out of the page (with a margin, on
the image the page was read from, so already prepared as the page was) and
enlarged (:data:`SCALE`, bicubic); all of a page's crops are read in one
Tesseract process as single lines (``--psm 7``).  A word's new reading
replaces the old one only on measured evidence (:func:`better`): other letters
or digits (not only punctuation or case), at least as many characters of
dictionary words, no footnote-marker-like tail added, and a confidence clearly higher.
A word the page reading was sure of is never touched, nor is a word with
raised ink at its end (a footnote marker: :mod:`pipeline.extract.ocr.markers` splits
it off from the page's own reading).

On a page whose first reading is good, only the words that matter are read
again (:func:`worth_rereading`): a word in a line of text, not a logo's, a
barcode's or a seal's scraps, and not a word English already knows; a page
with none costs no Tesseract process at all.

What changed is returned as data, one entry per word ({"word", "before",
"after", "conf_before", "conf_after", "how"}), kept in the page's OCR record,
and counted in the page's ``preprocessing`` ("reread 3 of 7 doubtful words").
"""
from __future__ import annotations

import re

import cv2
import numpy as np

from pipeline import grammar as G
from pipeline.extract import quality
from pipeline.extract.ocr import engine, tesseract

DOUBTFUL = 70.0  # a word read at a lower confidence is read again
SURE = 10.0  # the new reading's confidence must be this much higher
MIN_CONFIDENCE = 60.0  # ... and at least this
UNKNOWN_LIMIT = 101.0  # a word not in the dictionary is doubtful whatever its confidence ("intérnational" at 93)
WORD_CONFIDENCE = 75.0  # a reading that makes a non-word a dictionary word needs only this
SCALE = 2  # crops are enlarged: a footnote's 8 pt x-height is 15 px at 300 dpi, Tesseract wants 20-30
MAX_WORDS = 150  # a page with more doubtful words than this is read again whole (ocr.chain.read_better), not word by word
READ_CONFIG = "--oem 1 --psm 7"

_TOKEN = re.compile(r"\S+")


def doubtful_words(data: dict, limit: float = DOUBTFUL) -> list[int]:
    """Indices of the words Tesseract read with a confidence below ``limit`` (letters or digits in
    them), or that mix digits into lower-case letters whatever their confidence ("1n", "1s" at 91-96
    on a 200 dpi photocopy: no word of English is spelt so, a digit beside a letter is a misread)."""
    out = []
    for i, (level, text, conf) in enumerate(zip(data["level"], data["text"], data["conf"])):
        text = str(text).strip()
        if level != 5 or not text or not any(c.isalnum() for c in text) or float(conf) < 0:
            continue
        if float(conf) < limit or mixed(text) or (float(conf) < UNKNOWN_LIMIT and unknown(text)):
            out.append(i)
    return out


_RUN = re.compile(r"[^\W_]+")
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)|\d{2,}s")


def unknown(text: str) -> bool:
    """A run of four letters or more that is no English word ('freedam', 'considération')."""
    words = quality.english_words()
    return any(w.lower() not in words for w in _LETTERS.findall(text))


_LETTERS = re.compile(r"[^\W\d_]{4,}")


def mixed(text: str) -> bool:
    """A run of letters and digits with both a digit and a lower-case letter: '1n', 'Assemb1y'; or a
    word begun in lower case with a capital inside it: 'aSsistance' (a speck by an "s" read as its
    capital).  No English word is spelt so.

    Ordinals and decades ('21st', '1990s') are not mixed; neither are symbols ('A/73/L.8') nor names
    begun with a capital ('McDonald').
    """
    return any(any(c.isdigit() for c in run) and any(c.islower() for c in run) and not _ORDINAL.fullmatch(run)
               for run in _RUN.findall(text)) or bool(_INNER_CAPITAL.search(text))


_INNER_CAPITAL = re.compile(r"(?<![^\W\d_])[a-z]+[A-Z][a-z]")


SURE_NEIGHBOURS = 3  # a line of text: at least this many other words read surely and well formed


def in_running_text(data: dict, i: int, rows: dict[tuple, list[int]] | None = None) -> bool:
    """Whether word ``i`` stands in a line of text: at least :data:`SURE_NEIGHBOURS` other words of its
    line are read at :data:`DOUBTFUL` or more and well formed (:func:`well_formed`: words, numbers,
    symbols), or, on a short line, every other word is, and the word is letters only (a wrapped
    line's end: "eut its activities,"); and the word just before or after it is such an English word.

    The scraps Tesseract reads in a logo, a barcode or a seal ("Ns", "SZ", "{OYE", "TT", "il")
    stand among scraps, or between numbers and a short label on a masthead or a page foot
    ("23-25889 il 030124 Please recycle", "M Ny 28 December 2023").
    """
    rows = rows if rows is not None else _rows(data)
    line = rows.get((data["block_num"][i], data["par_num"][i], data["line_num"][i]), [])
    if i not in line:
        return False
    sure = [j for j in line if j != i and float(data["conf"][j]) >= DOUBTFUL and well_formed(str(data["text"][j]))]
    core = _core(str(data["text"][i]))
    short_line = len(sure) == len(line) - 1 >= 2 and bool(quality._WORD.fullmatch(core))
    if len(sure) < SURE_NEIGHBOURS and not short_line:  # a wrapped line's end: "eut its activities,"
        return False
    k = line.index(i)
    beside = [line[n] for n in (k - 1, k + 1) if 0 <= n < len(line)]
    return any(j in sure and quality._WORD.search(str(data["text"][j])) for j in beside)


def known_word(text: str) -> bool:
    """Every run of letters of ``text`` is a word of the general English list (wordfreq's large list,
    shipped in its package, the one the lexicon's ``general_zipf`` reads): 'spacefaring', 'proprio',
    'motu,' are; 'intérnational' is not."""
    from wordfreq import get_frequency_dict  # cached by wordfreq: one copy with the lexicon's

    words = get_frequency_dict("en", wordlist="large")
    runs = _LETTERS.findall(text)
    return bool(runs) and all(w.lower() in words for w in runs)


_OPENING = "(\"'\u201c\u2018"
_CLOSING = ")]|.,;:_\"'\u201d\u2019"


def _core(text: str) -> str:
    """A word without its surrounding punctuation: opening brackets and quotes, closing ones and stops."""
    return text.strip().lstrip(_OPENING).rstrip(_CLOSING)


_NUMBER = re.compile(r"\d+(?:[./,\-\u2013]\d+)*")
_ROMAN = re.compile(r"(?=[IVXLC])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def well_formed(text: str) -> bool:
    """Whether ``text``, its surrounding punctuation aside, is already a thing of its kind: a number
    ("70/193", "4-15"), a Roman numeral ("XXVIII"), a UN symbol the grammar parses ("E.96.IV.8",
    "A/73/L.8/Add.1") or an English word of the verdict's list ("Endorses").  A re-read can only
    change its punctuation, which is never taken, or make it wrong: "70/193" read "10/193",
    "E.96.IV.8" read "E.96.1V.8" (both surer, on clean 300 dpi scans)."""
    core = _core(text)
    if not core:
        return False
    if _NUMBER.fullmatch(core) or _ROMAN.fullmatch(core) or G.SYMBOL_FULL.match(core) or G.SYMBOL_STANDALONE.match(core):
        return True
    return bool(quality._WORD.fullmatch(core)) and core.lower() in quality.english_words() and not mixed(core)


def worth_rereading(data: dict, doubtful: list[int]) -> list[int]:
    """Those of ``doubtful`` worth a re-read on a page whose first reading is good: words in running
    text (:func:`in_running_text`) that are not already well formed (:func:`well_formed`); of those
    read surely (doubtful only as no word of the verdict's list, :func:`unknown`), only the ones no
    larger English list knows either (:func:`known_word`: "spacefaring", "proprio" are words).

    A good page's logo, barcode and seal are read as scraps at low confidence: read again, they stay
    scraps (20 clean 300 dpi first pages: every change made outside running text was to furniture).
    A page left with no such word costs no Tesseract process.
    """
    rows = _rows(data)
    out = []
    for i in doubtful:
        text = str(data["text"][i]).strip()
        if not in_running_text(data, i, rows) or well_formed(text):
            continue
        if float(data["conf"][i]) >= DOUBTFUL and not mixed(text) and known_word(text):
            continue
        out.append(i)
    return out


def _rows(data: dict) -> dict[tuple, list[int]]:
    rows: dict[tuple, list[int]] = {}
    for i, (level, text) in enumerate(zip(data["level"], data["text"])):
        if level == 5 and str(text).strip():
            rows.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    return rows


def word_crop(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The word's box with a margin of a third of its height above and below, a sixth at the sides."""
    left, top, width, height = box
    mx, my = max(3, height // 6), max(4, height // 3)
    h, w = gray.shape
    return gray[max(0, top - my):min(h, top + height + my), max(0, left - mx):min(w, left + width + mx)]


def enlarge(crop: np.ndarray) -> np.ndarray:
    """``crop`` scaled by :data:`SCALE` (bicubic), in a white border."""
    out = cv2.resize(crop, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(out, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255)


def read_crops(crops: list[np.ndarray], lang: str, *, by_engine: bool = True) -> list[tuple[str, float]]:
    """Each crop read as one line: (text, lowest word confidence).

    Read by a running engine (:mod:`.ocr.engine`: the command's settings, in a
    process of its own, no process start) where the library loads; else all
    crops in one ``tesseract`` command.
    """
    if not crops:
        return []
    rows = engine.read("line", lang, crops) if by_engine else None
    data = tesseract.tsv_dict(rows) if rows is not None else tesseract.crops_data(crops, lang, READ_CONFIG, "word")
    found: list[list[tuple[str, float]]] = [[] for _ in crops]
    for page, level, text, conf in zip(data["page_num"], data["level"], data["text"], data["conf"]):
        text = str(text).strip()
        if level == 5 and text and 1 <= page <= len(crops):
            found[page - 1].append((text, max(0.0, float(conf))))
    return [(" ".join(t for t, _ in words), min(c for _, c in words)) if words else ("", 0.0) for words in found]


def known_chars(text: str) -> int:
    """Characters of ``text`` in English words of two letters or more (the verdict's word list)."""
    words = quality.english_words()
    return sum(len(w) for w in quality._WORD.findall(text) if w.lower() in words)


def better(before: tuple[str, float], after: tuple[str, float]) -> bool:
    """Whether ``after`` (text, confidence) is a better reading of the word than ``before``.

    One token, no fewer characters of dictionary words, sure enough, and
    clearly surer than before or more of it dictionary words:

    >>> better(("(UNISPACE+S50)", 42.0), ("(UNISPACE+50)", 91.0))
    True
    >>> better(("Assembly", 65.0), ("Assemhly", 90.0))
    False
    >>> better(("79/155,", 79.0), ("79/155.", 95.0))
    False
    >>> better(("1n", 91.0), ("in", 94.0))
    True
    >>> better(("E.96.IV.8),", 43.0), ("E.96.1V.8),", 81.0))
    False
    """
    text, conf = after
    if not admissible(before[0], text) or _alnum(text) == _alnum(before[0]):
        return False  # punctuation or case alone is not worth a change ("79/155," is not "79/155.")
    if known_chars(text) < known_chars(before[0]):
        return False
    if conf < MIN_CONFIDENCE:
        return False
    # clearly surer, or a non-word made a word, surely ("1n" at 91 read "in" at 94)
    return conf >= before[1] + SURE or (conf >= WORD_CONFIDENCE and known_chars(text) > known_chars(before[0]))


def admissible(before: str, after: str) -> bool:
    """The guards any new reading ``after`` of a word read ``before`` passes, whatever read it (a crop
    read again here, another reading of the page voted on in :mod:`.ocr.fusion`): one token, no digit
    among lower-case letters ("3i"), no sign no word holds among letters ("poten*ia."), no digit added at
    the end, no symbol unmade, no digit lost.

    >>> [admissible("Asembly,", t) for t in ("Assembly,1", "Assemb1y,", "Assembly, in", "Assembly.")]
    [False, False, False, True]
    >>> [admissible("potentia.", t) for t in ("poten*ia.", "*her", "in¢luding", "potential.")]
    [False, False, False, True]
    >>> admissible("E.96.IV.8),", "E.96.1V.8),"), admissible("12A", "I2A")
    (False, False)
    """
    if not after or len(_TOKEN.findall(after)) != 1 or mixed(after) or _INNER_JUNK.search(after):
        return False
    if _ends_in_digit(after) and not _ends_in_digit(before):
        return False  # a digit beside a word may be a footnote marker: ocr/markers.py finds those from the ink
    if _symbol(before) and not _symbol(after):
        return False  # a symbol the grammar parses is never made one it does not
    if 0 < _digits(after) < _digits(before) and not _symbol(after):
        return False  # a digit read as a letter in a token that keeps others: "12A" read "I2A"
    return True


# A sign no word holds, among its letters or glued before lower-case ones: a broken letter read as junk
# ("poten*ia.", "in*luding", "*her", "inm\u00e9\u00a2luding").
_JUNK_SIGN = r"[*\u00a2\u00ae\u00a9\u00b0#@$%^~|<>{}=+\\]"
_INNER_JUNK = re.compile(rf"(?<=[^\W\d_]){_JUNK_SIGN}(?=[^\W\d_])|^{_JUNK_SIGN}(?=[a-z])")


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _symbol(text: str) -> bool:
    core = _core(text)
    return bool(G.SYMBOL_FULL.match(core) or G.SYMBOL_STANDALONE.match(core))


def _alnum(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _ends_in_digit(text: str) -> bool:
    """'Assembly1', '(UNISPACE+50)', 'Summit,6' end in a digit; closing punctuation is passed over."""
    core = text.rstrip(".,;:)]\u201d\u2019'\"")
    return bool(core) and (core[-1].isdigit() or core[-1] in "!?*\u00b0^")


def reread_doubtful(gray: np.ndarray, data: dict, lang: str, *, skip: set[int] = frozenset(),
                    words: list[int] | None = None) -> tuple[dict, list[dict], int]:
    """``data`` with its doubtful words read again where that reads them better.

    ``gray`` is the image the words were read from, ``skip`` words not to touch
    (a footnote marker glued to its word), ``words`` the words to consider
    (default: every doubtful word).  Returns (data, changes, words tried).
    """
    todo = [i for i in (doubtful_words(data) if words is None else words) if i not in skip]
    if not todo or len(todo) > MAX_WORDS:
        return data, [], 0
    crops = [enlarge(word_crop(gray, (data["left"][i], data["top"][i], data["width"][i], data["height"][i])))
             for i in todo]
    readings = read_crops(crops, lang)
    changes = []
    texts, confs = list(data["text"]), list(data["conf"])
    for i, after in zip(todo, readings):
        before = (str(data["text"][i]).strip(), max(0.0, float(data["conf"][i])))
        if better(before, after):
            texts[i], confs[i] = after[0], after[1]
            changes.append({"word": i, "before": before[0], "after": after[0], "conf_before": before[1],
                            "conf_after": after[1]})
    if not changes:
        return data, [], len(todo)
    return {**data, "text": texts, "conf": confs}, changes, len(todo)


SYMBOL_BAND = 0.2  # the top share of a page where its document symbol stands (the masthead, a running head)
INITIAL_HEIGHT = 1.4  # a first letter this many times the height of the rest of its word is set large
_SYMBOL_LIKE = re.compile(r"[A-Z][^\s]*/")


def symbol_misreads(data: dict, height_px: int) -> list[list[int]]:
    """Runs of words near the page's top that look like a document symbol the grammar does not parse:
    one word with a capital and a slash ("Apo/L.s", a clean scan's reading of a draft's "A/80/L.5", whose
    "A" is set twice the size of the rest), or a capital read as a word of its own followed on its line by
    words with digits in them ("A res.79 123", a light photocopy's "A/RES/79/123")."""
    rows = _rows(data)
    out = []
    for idx in rows.values():
        for k, i in enumerate(idx):
            core = _core(str(data["text"][i]))
            if data["top"][i] >= SYMBOL_BAND * height_px:
                continue
            if len(core) >= 4 and _SYMBOL_LIKE.match(core) and not _symbol(core):
                out.append([i])
            elif len(core) == 1 and core.isupper() and core.isascii():
                run = [i]
                for j in idx[k + 1:k + 1 + MAX_SYMBOL_PIECES]:
                    if data["left"][j] - (data["left"][run[-1]] + data["width"][run[-1]]) > data["height"][i]:
                        break  # a column's gap: another part of the masthead
                    run.append(j)
                joined = "".join(str(data["text"][j]).strip() for j in run)
                if len(run) > 1 and any(c.isdigit() for c in joined) and not _symbol(joined):
                    out.append(run)
    return out


MAX_SYMBOL_PIECES = 4  # a symbol read as a large initial and at most this many words after it


def initial_split(crop: np.ndarray) -> int | None:
    """The column where a word's rest begins after a first letter set large (:data:`INITIAL_HEIGHT`),
    or None: the first run of inked columns against the ink of everything after it."""
    ink = crop < 128
    cols = ink.any(axis=0)
    xs = np.flatnonzero(cols)
    if xs.size == 0:
        return None
    end = int(xs[0])
    while end < cols.size and cols[end]:
        end += 1
    first, rest = np.flatnonzero(ink[:, :end].any(axis=1)), np.flatnonzero(ink[:, end:].any(axis=1))
    if first.size == 0 or rest.size == 0:
        return None
    return end if first[-1] - first[0] + 1 >= INITIAL_HEIGHT * (rest[-1] - rest[0] + 1) else None


def reread_symbols(gray: np.ndarray, data: dict, lang: str) -> tuple[dict, list[dict], int]:
    """A page's symbol-like words the grammar does not parse (:func:`symbol_misreads`) read again: the run
    of words as one, and where its first letter is set large (a draft's "A/80/L.5"), the rest alone after
    that letter, which Tesseract reads apart where the mixed sizes defeat it ("Apo/L.s" -> "/80/L.5").
    A reading replaces the run only when the grammar parses it as a symbol, read at
    :data:`MIN_CONFIDENCE` or more: its first word takes the symbol and the run's box, the others are
    emptied.  Returns (data, changes, runs tried)."""
    todo = symbol_misreads(data, gray.shape[0])
    if not todo:
        return data, [], 0
    crops, owners = [], []
    for run in todo:
        x0 = min(data["left"][j] for j in run)
        x1 = max(data["left"][j] + data["width"][j] for j in run)
        y0 = min(data["top"][j] for j in run)
        y1 = max(data["top"][j] + data["height"][j] for j in run)
        box = (x0, y0, x1 - x0, y1 - y0)
        crop = word_crop(gray, box)
        crops.append(enlarge(crop))
        owners.append((run, box, ""))
        cut = initial_split(crop)
        initial = str(data["text"][run[0]]).strip()[:1]
        if cut is not None and initial.isalpha() and initial.isupper():
            crops.append(enlarge(crop[:, cut:]))
            owners.append((run, box, initial))
    out = {k: list(data[k]) for k in ("text", "conf", "left", "top", "width", "height")}
    changes, done = [], set()
    for (run, box, initial), (text, conf) in sorted(zip(owners, read_crops(crops, lang)), key=lambda r: -len(r[0][2])):
        text = initial + text.replace(" ", "")
        if run[0] in done or not text or conf < MIN_CONFIDENCE or not _symbol(text):
            continue
        done.add(run[0])
        changes.append({"word": run[0], "before": " ".join(str(data["text"][j]).strip() for j in run), "after": text,
                        "conf_before": min(max(0.0, float(data["conf"][j])) for j in run), "conf_after": conf,
                        "how": "initial apart" if initial else "alone"})
        for j in run:
            out["text"][j], out["conf"][j] = "", -1
        i = run[0]
        out["text"][i], out["conf"][i] = text, conf
        out["left"][i], out["top"][i], out["width"][i], out["height"][i] = box
    if not changes:
        return data, [], len(todo)
    return {**data, **out}, changes, len(todo)

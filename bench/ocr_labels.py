"""A labelled set of real OCR errors: corpus PDFs rasterised, degraded, read by
Tesseract, and aligned to their own text layer (the truth).

    python bench/ocr_labels.py [--docs N] [--pages 2]      # OCR what is missing (nice, one Tesseract at a time)

Documents come from ``/work/shared/corpus/un-drafts``, which the lexicon is not
built from (it is built from ``un-pdfs``).  They are split in two, by their
place in the sorted listing: even places calibrate (``pipeline.calibrate``
fits the confidence on them), odd places evaluate (``bench/repair_bench.py``
reports on them).  No document is in both.

Damage families (seeded; each page rendered from the PDF, then):

==================  ===========================================================
clean300            300 dpi grey, JPEG quality 85: a good office scan
degraded200         200 dpi, skew up to 1.5 degrees, blur 0.7, noise 12, JPEG 70
bilevel_speckle300  300 dpi thresholded to black and white, 0.4% salt-and-pepper
                    speckle, ink eroded by a pixel in places (a fax or old copier)
jpeg120             120 dpi, JPEG quality 20 (a phone photo sent by mail)
faint200            200 dpi, low contrast (ink at 40% grey), blur 1.0, noise 10
==================  ===========================================================

The scan benchmark's families (``bench/scan_families.py``, ``make_page`` with
the scan benchmark's seed 14, each page stored as that benchmark stores it: JPEG
at the family's quality, bilevel pages losslessly) are read the same way under
the names ``scan-<family>``.  ``SCAN_POOR`` lists its poor families (every one
but clean300) less turned90 and turned180: their damage is the page's rotation,
which the pipeline undoes (OSD) before it reads, and an upright reading of them is
clean300's.  In the re-set families (typewriter, typewriter_poor, sans300) the
truth is the text as re-set: ``typeset_mono``'s lines, top to bottom, their
words one space apart or glued as that function glues them.

A correction is right when the whole word it makes is the word the text layer
prints there (``label``).  A word is its letters and digits, with an apostrophe
only between two of them: a speck read as a quote at a word's edge
("dralt’ proposals") is not part of it, nor is punctuation at its edges (the
alignment pairs "Agendii." with "Agenda,": the comma is no part of "Agenda").
Lines Tesseract reads in another order than the text layer prints them (a
table's columns) are aligned again on their own (``Alignment``).

Tesseract's words (``--oem 1 --psm 3``, as the pipeline reads scans) and
confidences are kept in a cache (``$XDG_CACHE_HOME/un-resolution-cleaner/
ocr-labels``), keyed by the PDF, page, family, seed and Tesseract's version,
so the set is made once.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_scans import degrade, render  # noqa: E402

from pipeline.lexicon import user_cache_dir  # noqa: E402
from pipeline.worktext import Mark, WorkText  # noqa: E402

DRAFTS = Path("/work/shared/corpus/un-drafts")
TESSERACT_CONFIG = "--oem 1 --psm 3"
SEED = 15
FAMILIES = ["clean300", "degraded200", "bilevel_speckle300", "jpeg120", "faint200"]
POOR = [f for f in FAMILIES if f != "clean300"]
SCAN = "scan-"  # prefix of the scan benchmark's families
SCAN_SEED = 14  # bench/scan_bench.py's default seed
SCAN_POOR = [SCAN + f for f in ("bilevel200", "dpi150", "noise_blur", "jpeg30", "skew3", "eroded", "bled",
                                "typewriter", "typewriter_poor", "sans300")]
SCAN_FAMILIES = [SCAN + "clean300"] + SCAN_POOR
RESET = {SCAN + f for f in ("typewriter", "typewriter_poor", "sans300")}  # truth: the text as re-set


def split(folder: Path = DRAFTS) -> tuple[list[Path], list[Path]]:
    """(calibration, evaluation) PDFs: alternate places of the sorted listing."""
    pdfs = sorted(folder.glob("*.pdf"))
    return pdfs[0::2], pdfs[1::2]


# ------------------------------------------------------------------ images
def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def scan_image(pdf: Path, page: int, family: str) -> Image.Image:
    """A page of the scan benchmark's ``family`` as that benchmark stores it in its PDF."""
    from scan_families import make_page

    img, _dpi, opts = make_page(pdf, page, family, SCAN_SEED)
    if "quality" in opts:
        return _jpeg(img.convert("L"), opts["quality"])
    return img.convert("L")  # bilevel: stored losslessly (CCITT G4)


def make_image(pdf: Path, page: int, family: str, seed: int = SEED) -> Image.Image:
    if family.startswith(SCAN):
        return scan_image(pdf, page, family[len(SCAN):])
    rng = random.Random(f"{seed}:{family}:{pdf.name}:{page}")
    if family == "clean300":
        return _jpeg(render(pdf, 300, [page])[0], 85)
    if family == "degraded200":
        return _jpeg(degrade(render(pdf, 200, [page])[0], rng, skew=1.5, blur=0.7, noise=12.0), 70)
    if family == "bilevel_speckle300":
        img = render(pdf, 300, [page])[0]
        arr = np.asarray(img, dtype=np.uint8) < 150  # ink
        nrng = np.random.default_rng(rng.randrange(2**32))
        # Eroded ink in patches: a worn copier loses the thin strokes first.
        erode = np.asarray(Image.fromarray((~arr).astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(3))) < 128
        patches = nrng.random((arr.shape[0] // 40 + 1, arr.shape[1] // 40 + 1)) < 0.3
        mask = np.kron(patches, np.ones((40, 40), dtype=bool))[: arr.shape[0], : arr.shape[1]]
        arr = np.where(mask, erode, arr)
        flip = nrng.random(arr.shape) < 0.004
        arr = arr ^ flip
        return Image.fromarray(np.where(arr, 0, 255).astype(np.uint8))
    if family == "jpeg120":
        return _jpeg(render(pdf, 120, [page])[0], 20)
    if family == "faint200":
        img = render(pdf, 200, [page])[0]
        arr = np.asarray(img, dtype=np.float32)
        arr = 255 - (255 - arr) * 0.4  # ink at 40% grey
        img = Image.fromarray(arr.astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))
        return _jpeg(degrade(img, rng, skew=0.0, blur=0.0, noise=10.0), 75)
    raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")


# --------------------------------------------------------------------- OCR
def _tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0].strip()


def cache_dir() -> Path:
    d = user_cache_dir() / "ocr-labels"
    d.mkdir(parents=True, exist_ok=True)
    return d


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def truth_text(pdf: Path, page: int) -> str:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return doc.pages[page].extract_text() or ""


def reset_truth(pdf: Path, page: int) -> str:
    """The page's text as ``scan_families.typeset_mono`` re-sets it: its lines top to
    bottom, words one space apart, a word glued to the one before where no gap parts them."""
    import pdfplumber
    from scan_families import _lines

    with pdfplumber.open(pdf) as doc:
        words = doc.pages[page].extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=False)
    out = []
    for line in sorted(_lines(words), key=lambda ln: min(float(w["top"]) for w in ln)):
        main = max(float(w["size"]) for w in line)
        text, prev = "", None
        for w in line:
            if prev is not None and float(w["x0"]) - float(prev["x1"]) > 0.08 * main:
                text += " "
            text += w["text"]
            prev = w
        out.append(text)
    return "\n".join(out)


def ocr_page(pdf: Path, page: int, family: str, seed: int | None = None) -> dict:
    """Tesseract's words of one page, with the page's text layer as truth (cached)."""
    if seed is None:
        seed = SCAN_SEED if family.startswith(SCAN) else SEED
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]
    key = hashlib.sha256(f"{digest}|{page}|{family}|{seed}|{TESSERACT_CONFIG}|{_version()}".encode()).hexdigest()[:20]
    path = cache_dir() / f"{pdf.stem}-p{page + 1}-{family}-{key}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    img = make_image(pdf, page, family, seed)
    data = pytesseract.image_to_data(img, lang="eng", config=TESSERACT_CONFIG, output_type=pytesseract.Output.DICT)
    words = [
        [data["text"][i], float(data["conf"][i]), data["block_num"][i], data["par_num"][i], data["line_num"][i]]
        for i in range(len(data["text"]))
        if data["text"][i].strip() and float(data["conf"][i]) >= 0
    ]
    truth = reset_truth(pdf, page) if family in RESET else truth_text(pdf, page)
    out = {"pdf": pdf.name, "page": page, "family": family, "words": words, "truth": truth}
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return out


_VERSION: list[str] = []


def _version() -> str:
    if not _VERSION:
        _VERSION.append(_tesseract_version())
    return _VERSION[0]


def pages_of(pdfs: list[Path], pages: int, families: list[str] = FAMILIES) -> list[dict]:
    """Every (pdf, page, family) of the set, read by Tesseract where not cached."""
    out = []
    for pdf in pdfs:
        n = min(pages, page_count(pdf))
        for family in families:
            for p in range(n):
                out.append(ocr_page(pdf, p, family))
    return out


# --------------------------------------------------------------- the text
@dataclass
class OcrText:
    work: WorkText
    text: str  # the OCR text as extracted (before any repair)
    truth: str
    family: str
    name: str


def to_worktext(page: dict) -> OcrText:
    """Tesseract's words as a scan's extraction gives them: lines joined by
    line breaks, blocks by a blank line, each word's confidence a mark."""
    parts: list[str] = []
    marks: list[Mark] = []
    pos = 0
    last = None
    for text, conf, block, par, line in page["words"]:
        if last is not None:
            sep = "\n\n" if block != last[0] else ("\n" if (par, line) != last[1:] else " ")
            parts.append(sep)
            pos += len(sep)
        marks.append(Mark(pos, pos + len(text), "conf", {"conf": round(conf / 100, 3)}))
        parts.append(text)
        pos += len(text)
        last = (block, par, line)
    text = "".join(parts)
    name = f"{Path(page['pdf']).stem}-p{page['page'] + 1}-{page['family']}"
    return OcrText(WorkText(name, text, marks=marks), text, page["truth"], page["family"], name)


# ---------------------------------------------------------------- labels
class Alignment:
    """Character alignment of an OCR text to its truth (rapidfuzz's Levenshtein opcodes).

    One alignment of the whole page goes wrong where Tesseract reads the page in
    another order than its text layer prints it (a table's columns, a time beside
    its item): each OCR line is then paired with the truth of another place.  A
    line whose aligned truth is unlike it (``LINE_SURE``) is anchored again on
    its own when rapidfuzz finds a stretch of the truth much more like it
    (``LINE_GAIN``): the line is aligned to that stretch alone.  The test is made
    from the OCR and the truth only, never from a correction, so it moves right
    and wrong labels alike.
    """

    def __init__(self, ocr: str, truth: str) -> None:
        self.ocr, self.truth = ocr, truth
        # to_truth[i]: the truth position OCR character i stands for (None: inserted by OCR).
        self.to_truth = _char_map(ocr, truth)
        self.to_truth[len(ocr)] = len(truth)
        self._lines: dict[int, list[int | None] | None] = {}

    def _line_map(self, pos: int) -> tuple[int, list[int | None]] | None:
        """(line start, its own map) for the OCR line around ``pos`` when the page's
        alignment put it against unlike truth and a better stretch of the truth exists."""
        a = self.ocr.rfind("\n", 0, pos) + 1
        b = self.ocr.find("\n", pos)
        b = len(self.ocr) if b < 0 else b
        if a not in self._lines:
            self._lines[a] = self._anchor(a, b)
        found = self._lines[a]
        return (a, found) if found is not None else None

    def _anchor(self, a: int, b: int) -> list[int | None] | None:
        from rapidfuzz import fuzz
        from rapidfuzz.distance import Levenshtein

        line = self.ocr[a:b]
        if len(line.strip()) < LINE_MIN_CHARS:
            return None
        mapped = [t for t in self.to_truth[a:b] if t is not None]
        here = Levenshtein.normalized_similarity(line, self.truth[min(mapped):max(mapped) + 1] if mapped else "")
        if here >= LINE_SURE:
            return None
        best = fuzz.partial_ratio_alignment(line, self.truth)
        if best is None or best.score < LINE_ANCHOR_SCORE:
            return None
        ta, tb = best.dest_start, best.dest_end
        while ta < tb and self.truth[ta].isspace():
            ta += 1
        while tb > ta and self.truth[tb - 1].isspace():
            tb -= 1
        ta, tb = widen(self.truth, ta, tb)  # whole words at its edges
        if Levenshtein.normalized_similarity(line, self.truth[ta:tb]) < here + LINE_GAIN:
            return None
        return [None if t is None else t + ta for t in _char_map(line, self.truth[ta:tb])[: len(line)]]

    def positions(self, start: int, end: int) -> list[int]:
        """The truth positions OCR characters ``[start, end)`` stand for."""
        local = self._line_map(start) if start < len(self.ocr) else None
        if local is not None and self.ocr.find("\n", start, end) < 0:
            a, m = local
            return [t for t in m[start - a:end - a] if t is not None]
        return [t for t in self.to_truth[start:end] if t is not None]

    def truth_word_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The truth span, widened to whole words, that OCR ``[start, end)`` stands for.
        Punctuation the alignment put at its edges ("Agendii." against "Agenda,": the
        second i paired with the comma) is not part of the word."""
        inside = self.positions(start, end)
        if not inside:
            return None
        a, b = min(inside), max(inside) + 1
        tr = self.truth
        if any(ch.isalnum() for ch in tr[a:b]):
            # (only punctuation between a word and a space: "S/2003/529" keeps its "/")
            while not tr[a].isalnum() and (tr[a].isspace() or a == 0 or tr[a - 1].isspace()):
                a += 1
            while not tr[b - 1].isalnum() and (tr[b - 1].isspace() or b == len(tr) or tr[b].isspace()):
                b -= 1
        return widen(tr, a, b)


def _char_map(ocr: str, truth: str) -> list[int | None]:
    from rapidfuzz.distance import Levenshtein

    out: list[int | None] = [None] * (len(ocr) + 1)
    for op in Levenshtein.opcodes(ocr, truth):
        if op.tag in ("equal", "replace"):
            n = op.src_end - op.src_start
            m = op.dest_end - op.dest_start
            for k in range(n):
                out[op.src_start + k] = op.dest_start + min(k * m // max(n, 1), max(m - 1, 0))
    return out


# A line whose aligned truth is less like it than LINE_SURE (normalised
# Levenshtein) is anchored again on the stretch of the truth rapidfuzz scores
# most like it (at least LINE_ANCHOR_SCORE of 100), when that stretch is like
# it by LINE_GAIN more; lines shorter than LINE_MIN_CHARS say too little of
# where they belong.
LINE_SURE = 0.8
LINE_ANCHOR_SCORE = 60
LINE_GAIN = 0.2
LINE_MIN_CHARS = 12


def widen(text: str, a: int, b: int) -> tuple[int, int]:
    """``[a, b)`` widened to whole words; an apostrophe belongs to a word only between
    two of its letters ("don't"), never at its edge ("dralt\u2019 proposals": a speck)."""
    while a > 0 and (text[a - 1].isalnum() or (text[a - 1] in "'\u2019" and a >= 2 and text[a - 2].isalnum()
                                               and a < len(text) and text[a].isalnum())):
        a -= 1
    while b < len(text) and (text[b].isalnum() or (text[b] in "'\u2019" and b + 1 < len(text)
                                                   and text[b + 1].isalnum() and b > 0 and text[b - 1].isalnum())):
        b += 1
    return a, b


# A footnote marker the text layer prints against a word ("Development1") is
# not part of the word (the footnote stage recovers it): a correction that makes
# "Development" of "Developiient!" made the word right.
MARKER_AFTER_WORD = re.compile(r"(?<=[^\W\d_])\d{1,2}\b")


def norm(s: str) -> str:
    return " ".join(s.replace("\u2019", "'").split())


def norm_word(s: str) -> str:
    """``norm`` less footnote markers printed against a word."""
    return MARKER_AFTER_WORD.sub("", norm(s))


def label(c: dict, ocr: OcrText, align: Alignment) -> bool | None:
    """Is correction ``c`` right?  None when the OCR span cannot be placed in the truth."""
    src = c["where"]["source"]
    a, b = src["start"], src["end"]
    if b <= a:
        return None
    span = align.truth_word_span(a, b)
    if span is None:
        return None
    # The correction's ``before`` may be only part of a word (a doubled letter): compare whole words.
    whole_a, whole_b = widen(ocr.text, a, b)
    fixed = ocr.text[whole_a:a] + c["after"] + ocr.text[b:whole_b]
    return edges(norm_word(fixed)) == edges(norm_word(align.truth[span[0]:span[1]]))


def edges(s: str) -> str:
    """``s`` less the punctuation at its edges, when letters or digits are left: a comma the
    text layer prints after a word, or a period a correction writes ("Distr."), is not the word."""
    t = re.sub(r"^[^\w]+|[^\w]+$", "", s)
    return t if t else s


WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def word_errors(ocr: OcrText, align: Alignment) -> list[tuple[int, int, str]]:
    """OCR words of letters (misread glyphs allowed) whose truth is a different word:
    (start, end, truth) in the OCR text.  Punctuation and numbers are not counted,
    nor pairs the alignment made of unrelated words (``MIN_SIMILARITY``)."""
    from rapidfuzz.distance import Levenshtein

    out = []
    for m in WORD_RE.finditer(ocr.text):
        tok = m.group()
        if sum(ch.isalpha() for ch in tok) < 2 or sum(ch.isdigit() for ch in tok) > 1:
            continue
        span = align.truth_word_span(m.start(), m.end())
        if span is None:
            continue
        truth = align.truth[span[0]:span[1]]
        if not re.fullmatch(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*(?:\s+[^\W\d_]+)*", truth):
            continue  # a number, a symbol, punctuation: not a word error
        if norm(truth) == norm(tok):
            continue
        if Levenshtein.normalized_similarity(tok.lower(), truth.lower().replace(" ", "")) < MIN_SIMILARITY:
            continue  # not a misreading of the word there but the alignment pairing other words (tables, reading order)
        out.append((m.start(), m.end(), truth))
    return out


# An OCR word is a misreading of its truth word when they are at least this
# similar (normalised Levenshtein); below it the alignment paired words from
# elsewhere (a table read in another order, a logo read as letters).
MIN_SIMILARITY = 0.5


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20, help="documents of each half")
    ap.add_argument("--pages", type=int, default=4, help="pages of each document")
    ap.add_argument("--families", default=",".join(FAMILIES),
                    help="comma-separated; 'scan' stands for the scan benchmark's poor families (SCAN_POOR)")
    ap.add_argument("--half", choices=["both", "calibration", "evaluation"], default="both")
    args = ap.parse_args(argv)
    cal, ev = split()
    halves = [("calibration", cal[: args.docs]), ("evaluation", ev[: args.docs])]
    for name, pdfs in halves:
        if args.half not in ("both", name):
            continue
        fams = [g for f in args.families.split(",") for g in (SCAN_POOR if f == "scan" else [f])]
        pages = pages_of(pdfs, args.pages, fams)
        words = sum(len(p["words"]) for p in pages)
        print(f"{name}: {len(pdfs)} documents, {len(pages)} page readings, {words} OCR words", flush=True)


if __name__ == "__main__":
    main()

"""Repair benchmark: does the OCR repair do good, and never harm?

    python bench/repair_bench.py [--pdfs /work/shared/corpus/un-pdfs] [--seeds /work/shared/seeds]
                                 [--seed 20240611] [--docs N] [--scans N] [--json out.json]

Prints four figures, and a fifth with ``--scans N``:

1. False corrections on clean text.  The text layers of the born-digital UN
   PDFs are clean, so every applied correction that changes the words is a
   false one.  Each document is repaired with the lexicon *less that
   document's own counts* (leave-one-out), so the test is not run on the
   data the lexicon memorised.  Normalisations the output contract asks for
   (U+2011 -> "-", no-break spaces, ligatures, controls) and the removal of a
   line break after a kept compound hyphen are counted apart: they are right
   on clean text too.  Every false correction is listed.
2. Synthetic damage: the same clean texts (leave-one-out again) damaged by
   the seeded noise model below; character error rate before and after,
   precision of the applied corrections and recall of the injected errors,
   overall and per family.
3. The seeds' three named artifacts are repaired, each by a logged
   correction, and no rule or dictionary file names them.
4. Throughput on one core, and the dictionary load time.
5. (``--scans N``) Real OCR damage: page 2 of N PDFs rasterised and read by
   Tesseract, CER against the page's text layer before and after repair,
   and every applied correction listed for reading.

Noise model (seeded; rates are per eligible site, sites never overlap):

=================  =====  ===================================================
family             rate   damage
=================  =====  ===================================================
ocr_letters        0.015  per word of >= 3 letters: one glyph confusion,
                          m->rn, d->cl, h->li, w->vv, n->ri, l->1 (inside),
                          l->I (inside), o->0 (inside), e->c
dropped_double     0.03   per word with a doubled letter: one of the pair
                          dropped ("all" -> "al", "Official" -> "Oficial")
dropped_letter     0.004  per word of >= 6 letters: any other inner letter
                          dropped ("government" -> "goverment"); no rule
                          knows this as an OCR confusion
run_together       0.006  per space between two lower-case words: deleted
line_hyphen        0.01   per word of >= 8 letters: broken for the line end
                          at a random inner point ("strength-\\nening")
compound_break     0.3    per hyphenated compound: line break after the
                          hyphen ("non-\\nselectivity")
symbol             0.3    per UN symbol: one "/" read as "I", "l" or "1",
                          or a series "E" read as "B"
roman              0.5    per roman numeral after "chap." or in "(Part ...)":
                          each "I" read as "1"
nbsp               0.004  per space between a number and a word: U+00A0
ligature           0.05   per "fi", "fl", "ff": the ligature character
mojibake           0.1    per curly quote or accented letter: UTF-8 read as
                          cp1252 ("’" -> "â€™")
control            0.001  per word: a zero-width space inserted inside it
ocr_digits         0.01   per word of >= 2 letters: one letter read as a digit
                          it looks like (l, i, I -> 1; o, O, D -> 0; s, S ->
                          5 or 8; B -> 8; b, G -> 6; g, q -> 9; z -> 2), at
                          the word's edge or, for the digits other than 0
                          and 1 (ocr_letters' inside a word), anywhere: "1s",
                          "0f", "Counci1", "8tates", "organi2ation"; drawn
                          from its own stream
=================  =====  ===================================================

The glyph confusions are the families the issue names (rn/m, cl/d, l/1/I,
0/O, li/h, dropped letters); the rules know them through
``dictionaries/ocr_confusions.json``, but the noise model keeps its own table
here, and a damaged word that happens to be another real word ("modern" ->
"modem") is left in: that is what OCR does.
"""
from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from pipeline import lexicon as lexmod  # noqa: E402
from pipeline.build_lexicon import pdf_text  # noqa: E402
from pipeline.repair.engine import RepairContext, run_rules  # noqa: E402
from pipeline.repair.order import GUESSING_RULES, TEXT_RULES, rules_for  # noqa: E402
from pipeline.worktext import IN_TEXT, Thresholds, WorkText, replay  # noqa: E402

DEFAULT_PDFS = Path("/work/shared/corpus/un-pdfs")
DEFAULT_SEEDS = Path("/work/shared/seeds")
CONTRACT_RULES = {"unicode.spaces", "unicode.hyphens", "unicode.ligatures", "unicode.control_chars"}
GUESSING = set(GUESSING_RULES)  # the rules that guess what the source meant (pipeline.repair.order)

RATES = {
    "ocr_letters": 0.015,
    "dropped_double": 0.03,
    "dropped_letter": 0.004,
    "run_together": 0.006,
    "line_hyphen": 0.01,
    "compound_break": 0.3,
    "symbol": 0.3,
    "roman": 0.5,
    "nbsp": 0.004,
    "ligature": 0.05,
    "mojibake": 0.1,
    "control": 0.001,
    "ocr_digits": 0.01,
}
LETTER_NOISE = [("m", "rn"), ("d", "cl"), ("h", "li"), ("w", "vv"), ("n", "ri"), ("l", "1"), ("l", "I"), ("o", "0"), ("e", "c")]
INSIDE_ONLY = {"1", "I", "0"}
# A letter read as a digit it looks like: at a word's edge ("is" -> "1s", "of" -> "0f", "Council" ->
# "Counci1"), or inside it where ocr_letters has no such confusion ("organization" -> "organi2ation",
# "States" -> "8tates"; a 0 or 1 inside a word is ocr_letters').
DIGIT_OF = {"l": "1", "i": "1", "I": "1", "o": "0", "O": "0", "D": "0", "s": "58", "S": "58", "B": "8",
            "b": "6", "g": "9", "q": "9", "z": "2", "Z": "2", "G": "6"}
LIGATURE_OF = {"fi": "\ufb01", "fl": "\ufb02", "ff": "\ufb00"}
SYMBOL_RE = re.compile(r"\b(?:A|E|S|ST)/[A-Za-z0-9./\-]*\d")
ROMAN_SITE_RE = re.compile(r"(?:chaps?\.\s+|\(Part\s+)(I{1,3}|IV|VI{0,3}|IX|XI{0,3})(?=[\s,.;)])")


# ------------------------------------------------------------------ corpus
def corpus_texts(folder: Path, limit: int | None = None) -> list[tuple[str, str]]:
    """(name, text layer) of each PDF, cached by the PDF's hash (pdfplumber is slow)."""
    cache = Path(tempfile.gettempdir()) / "un-repair-bench-cache"
    cache.mkdir(exist_ok=True)
    out = []
    for pdf in sorted(folder.glob("*.pdf"))[:limit]:
        digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:20]
        cached = cache / f"{digest}.txt"
        if cached.exists():
            text = cached.read_text(encoding="utf-8")
        else:
            text = pdf_text(pdf)
            cached.write_text(text, encoding="utf-8")
        out.append((pdf.stem, text))
    return out


def held_out(lex, text: str):
    return lex.without(*lexmod.count_text(text))


def repair(name: str, text: str, lex, kind: str | None = None) -> WorkText:
    """Repair ``text`` as a source of ``kind`` ("pdf": an exact text layer; None or "text": a text export)."""
    work = WorkText(name, text)
    run_rules(work, rules_for(kind), RepairContext(lexicon=lex, source_kind=kind), Thresholds())
    return work


def applied(work: WorkText) -> list[dict]:
    return [c for c in work.corrections if c["status"] in IN_TEXT]


def only_whitespace_removed(c: dict) -> bool:
    return c["before"].replace(" ", "").replace("\n", "").replace("\t", "") == c["after"]


def words_of(text: str) -> int:
    return len(re.findall(r"\S+", text))


# ------------------------------------------------------- 1: clean text
def bench_clean(docs, lex, kind: str | None = None, leave_one_out: bool = True) -> dict:
    """Changes put into clean text (applied or flagged): each one is harm."""
    false: list[dict] = []
    contract = Counter()
    layout = 0
    words = 0
    for name, text in docs:
        words += words_of(text)
        work = repair(name, text, held_out(lex, text) if leave_one_out else lex, kind)
        assert replay(text, work.corrections) == work.text, name
        for c in applied(work):
            if c["rule"] in CONTRACT_RULES:
                contract[c["rule"]] += 1
            elif c["rule"] == "hyphenation.line_end" and c.get("info", {}).get("decision") == "keep" and only_whitespace_removed(c):
                layout += 1
            else:
                false.append({"doc": name, **{k: c[k] for k in ("rule", "before", "after", "confidence", "status", "context")}})
    return {
        "kind": kind or "text",
        "documents": len(docs),
        "words": words,
        "false_corrections": len(false),
        "per_10k_words": round(len(false) * 10000 / max(words, 1), 3),
        "listed": false,
        "contract_normalisations": dict(contract),
        "kept_compound_line_breaks": layout,
    }


# --------------------------------------------------------- 2: synthetic
@dataclass
class Region:
    start: int  # in the damaged text
    end: int
    truth: str
    family: str


def contract_truth(text: str) -> str:
    """Clean text as the output contract writes it: compounds broken at a line
    end are whole (born-digital UN PDFs break lines only at real hyphens),
    U+2011 is "-"."""
    text = text.replace("\u2011", "-").replace("\u00a0", " ")
    return re.sub(r"([A-Za-z])-[ \t]*\n[ \t]*(?=[A-Za-z])", r"\1-", text)


def _mojibake(ch: str) -> str:
    """UTF-8 bytes read as Windows-1252, bytes it lacks read as Latin-1 (the
    usual real-world mojibake; the codec comes with ftfy)."""
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    return ch.encode("utf-8").decode("sloppy-windows-1252")


def damage(truth: str, rng: random.Random) -> tuple[str, list[Region]]:
    """Apply the noise model; return the damaged text and its error regions."""
    state = rng.getstate()
    edits: list[tuple[int, int, str, str]] = []  # truth start, end, replacement, family
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(s: int, e: int, rep: str, fam: str, region: tuple[int, int] | None = None) -> None:
        rs, re_ = region or (s, e)
        if not free(rs, re_):
            return
        taken.append((rs, re_))
        edits.append((s, e, rep, fam, rs, re_))

    for m in SYMBOL_RE.finditer(truth):
        if rng.random() < RATES["symbol"]:
            sym = m.group()
            if sym.startswith("E/") and rng.random() < 0.5:
                add(m.start(), m.start() + 1, "B", "symbol", (m.start(), m.end()))
            else:
                slashes = [i for i, ch in enumerate(sym) if ch == "/"]
                i = rng.choice(slashes)
                add(m.start() + i, m.start() + i + 1, rng.choice("Il1"), "symbol", (m.start(), m.end()))
    for m in ROMAN_SITE_RE.finditer(truth):
        if "I" in m.group(1) and rng.random() < RATES["roman"]:
            add(m.start(1), m.end(1), m.group(1).replace("I", "1"), "roman")
    for m in re.finditer(r"[A-Za-z]+(?:-[A-Za-z]+)+", truth):
        if rng.random() < RATES["compound_break"]:
            i = m.group().index("-") + m.start() + 1
            add(i, i, "\n", "compound_break", (m.start(), m.end()))
    for m in re.finditer(r"(?<=\d) (?=[A-Za-z])", truth):
        if rng.random() < RATES["nbsp"]:
            add(m.start(), m.end(), "\u00a0", "nbsp")
    for m in re.finditer(r"[\u2018\u2019\u201c\u201d\u00e0-\u00fc]", truth):
        if rng.random() < RATES["mojibake"]:
            add(m.start(), m.end(), _mojibake(m.group()), "mojibake")
    for m in re.finditer(r"(?<![A-Za-z\-/.])([a-z]+) ([a-z]+)(?![A-Za-z\-/])", truth):
        if rng.random() < RATES["run_together"]:
            add(m.start(1) + len(m.group(1)), m.start(2), "", "run_together", (m.start(1), m.end(2)))
    for m in re.finditer(r"(?<![A-Za-z\-/.\d])[A-Za-z][a-z]+(?![A-Za-z\-/\d])", truth):
        w = m.group()
        s = m.start()
        r = rng.random()
        if len(w) >= 8 and r < RATES["line_hyphen"]:
            k = rng.randint(3, len(w) - 3)
            add(s + k, s + k, "-\n", "line_hyphen", (s, m.end()))
            continue
        pairs = [i for i in range(len(w) - 1) if w[i] == w[i + 1] and w[i].isalpha()]
        if pairs and rng.random() < RATES["dropped_double"]:
            i = rng.choice(pairs)
            add(s + i, s + i + 1, "", "dropped_double", (s, m.end()))
            continue
        if len(w) >= 6 and rng.random() < RATES["dropped_letter"]:
            i = rng.randint(1, len(w) - 2)
            if w[i] not in (w[i - 1], w[i + 1]):
                add(s + i, s + i + 1, "", "dropped_letter", (s, m.end()))
                continue
        if len(w) >= 3 and rng.random() < RATES["ocr_letters"]:
            options = []
            for meant, seen in LETTER_NOISE:
                for i in [j for j in range(len(w)) if w.startswith(meant, j)]:
                    if seen in INSIDE_ONLY and (i == 0 or i + len(meant) >= len(w)):
                        continue
                    options.append((i, meant, seen))
            if options:
                i, meant, seen = rng.choice(options)
                add(s + i, s + i + len(meant), seen, "ocr_letters", (s, m.end()))
                continue
        for lig, ch in LIGATURE_OF.items():
            j = w.find(lig)
            if j >= 0 and rng.random() < RATES["ligature"]:
                add(s + j, s + j + 2, ch, "ligature", (s, m.end()))
                break
        else:
            if len(w) >= 4 and rng.random() < RATES["control"]:
                k = rng.randint(1, len(w) - 1)
                add(s + k, s + k, "\u200b", "control", (s, m.end()))

    # Digits for letters at a word's edge, drawn apart from the stream above (seeded by its state,
    # not by drawing from it) so adding this family left every other family's damage as it was.
    drng = random.Random(hashlib.sha256(repr(state).encode()).hexdigest())
    for m in re.finditer(r"(?<![\w\-/.])[A-Za-z]{2,}(?![\w\-/])", truth):
        if drng.random() < RATES["ocr_digits"]:
            w = m.group()
            sites = [i for i, ch in enumerate(w) if ch in DIGIT_OF
                     and (i in (0, len(w) - 1) or not set(DIGIT_OF[ch]) <= {"0", "1"})]
            if sites:
                i = drng.choice(sites)
                add(m.start() + i, m.start() + i + 1, drng.choice(DIGIT_OF[w[i]]), "ocr_digits", (m.start(), m.end()))

    edits.sort()
    out: list[str] = []
    regions: list[Region] = []
    cursor = 0
    shift = 0
    # Each region holds exactly one edit, so its damaged span is its truth
    # span moved by the edits before it and stretched by its own.
    for s, e, rep, fam, rs, re_ in edits:
        out.append(truth[cursor:s])
        out.append(rep)
        cursor = e
        d = len(rep) - (e - s)
        regions.append(Region(rs + shift, re_ + shift + d, truth[rs:re_], fam))
        shift += d
    out.append(truth[cursor:])
    return "".join(out), regions


def norm(s: str) -> str:
    return " ".join(s.split())


def bench_synthetic(docs, lex, seed: int) -> dict:
    rng = random.Random(seed)
    tp = fp = 0
    fp_list: list[dict] = []
    missed: list[dict] = []
    injected = Counter()
    restored = Counter()
    cer_before_num = cer_after_num = denom = 0
    for name, text in docs:
        truth = contract_truth(text)
        noisy, regions = damage(truth, rng)
        starts = [r.start for r in regions]
        work = repair(name, noisy, held_out(lex, text))
        assert replay(noisy, work.corrections) == work.text, name
        origin = work.origin
        ok: list[bool] = []
        for r in regions:
            a = bisect.bisect_left(origin, r.start, 0, len(work.text))
            b = bisect.bisect_left(origin, r.end, 0, len(work.text))
            good = norm(work.text[a:b]) == norm(r.truth)
            ok.append(good)
            injected[r.family] += 1
            restored[r.family] += good
            if not good:
                missed.append({"doc": name, "family": r.family, "truth": r.truth, "damaged": noisy[r.start:r.end],
                               "output": work.text[a:b]})
        for c in applied(work):
            s, e = c["where"]["source"]["start"], c["where"]["source"]["end"]
            # The last region starting inside or before the corrected span.
            i = bisect.bisect_right(starts, max(e - 1, s)) - 1
            hit = i >= 0 and (regions[i].end > s or (s == e == regions[i].end))
            if hit and ok[i]:
                tp += 1
            else:
                fp += 1
                fp_list.append({"doc": name, "rule": c["rule"], "before": c["before"], "after": c["after"],
                                "context": c["context"], "region": regions[i].truth if hit else None})
        t, n, o = norm(truth), norm(noisy), norm(work.text)
        denom += len(t)
        cer_before_num += Levenshtein.distance(t, n)
        cer_after_num += Levenshtein.distance(t, o)
    total_inj = sum(injected.values())
    return {
        "seed": seed,
        "rates": RATES,
        "errors_injected": total_inj,
        "cer_before": round(cer_before_num / denom, 5),
        "cer_after": round(cer_after_num / denom, 5),
        "applied_corrections": tp + fp,
        "precision": round(tp / max(tp + fp, 1), 4),
        "recall": round(sum(restored.values()) / max(total_inj, 1), 4),
        "by_family": {f: f"{restored[f]}/{injected[f]} ({restored[f] / injected[f]:.0%})" for f in sorted(injected)},
        "false_applied": fp_list,
        "missed": missed,
    }


# ------------------------------------------------------------ 5: scans
def ocr_page(pdf: Path, index: int, dpi: int) -> tuple[str, str]:
    """(text layer, Tesseract text) of one page rendered at ``dpi``; cached."""
    cache = Path(tempfile.gettempdir()) / "un-repair-bench-cache"
    cache.mkdir(exist_ok=True)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:20]
    cached = cache / f"{digest}-p{index}-{dpi}dpi.json"
    if cached.exists():
        data = json.loads(cached.read_text(encoding="utf-8"))
        return data["layer"], data["ocr"]
    import pdfplumber
    import pypdfium2
    import pytesseract

    with pdfplumber.open(pdf) as doc:
        layer = doc.pages[index].extract_text() or ""
    page = pypdfium2.PdfDocument(str(pdf))[index]
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    ocr = pytesseract.image_to_string(image, lang="eng")
    cached.write_text(json.dumps({"layer": layer, "ocr": ocr}, ensure_ascii=False), encoding="utf-8")
    return layer, ocr


def bench_scans(folder: Path, docs, lex, pages: int, dpi: int) -> dict:
    """Real OCR damage: Tesseract on rasterised pages, scored against the
    same pages' text layers (whitespace-normalised CER; the rest of the text
    layout, e.g. where a footnote lands, is the same before and after, so
    the difference is the repair's)."""
    layer_docs = dict(docs)
    rows = []
    changes: list[dict] = []
    num_before = num_after = denom = 0
    for pdf in sorted(folder.glob("*.pdf"))[:pages]:
        layer, ocr = ocr_page(pdf, 1, dpi)
        work = repair(pdf.stem, ocr, held_out(lex, layer_docs.get(pdf.stem, "")))
        assert replay(ocr, work.corrections) == work.text
        ref, before, after = norm(contract_truth(layer)), norm(ocr), norm(work.text)
        b, a = Levenshtein.distance(ref, before), Levenshtein.distance(ref, after)
        num_before, num_after, denom = num_before + b, num_after + a, denom + len(ref)
        rows.append({"page": f"{pdf.stem} p2", "cer_before": round(b / len(ref), 5), "cer_after": round(a / len(ref), 5)})
        for c in applied(work):
            changes.append({"page": pdf.stem, "rule": c["rule"], "before": c["before"], "after": c["after"],
                            "status": c["status"], "confidence": c["confidence"], "context": c["context"]})
    return {"pages": len(rows), "dpi": dpi, "cer_before": round(num_before / max(denom, 1), 5),
            "cer_after": round(num_after / max(denom, 1), 5), "by_page": rows, "applied": changes}


# ------------------------------------------------------ 6: trust figures
DEFAULT_DRAFTS = Path("/work/shared/corpus/un-drafts")
DEFAULT_OOD = Path("/work/shared/corpus/ood/bln600-train.csv")
LANG_DIR = ROOT / "tests" / "data" / "lang"
BANDS = [(0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 0.995), (0.995, 1.01)]


def bench_ood(path: Path, lex, limit: int | None = None) -> dict:
    """English outside the UN domain (historical newspapers, bln600): the OCR
    text is repaired as a text export and compared with its ground truth.
    A harmful change replaces a word the OCR had right; a helpful one makes
    the OCR's wrong word the true one."""
    import csv

    sys.path.insert(0, str(ROOT / "bench"))
    import ocr_labels as L

    csv.field_size_limit(10**9)
    rows: dict[str, list[tuple[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["Sample ID"], []).append((r["OCR Text"], r["Ground Truth"]))
    samples = sorted(rows)[:limit]
    harmful: list[dict] = []
    helpful = other = words = 0
    for sid in samples:
        lines = rows[sid]
        text = "\n\n".join(o for o, _ in lines)
        starts, pos = [], 0
        for o, _ in lines:
            starts.append(pos)
            pos += len(o) + 2
        words += sum(words_of(t) for _, t in lines)
        work = repair(sid, text, lex, "text")
        aligns: dict[int, tuple] = {}
        for c in applied(work):
            if c["rule"] not in GUESSING:
                continue
            a = c["where"]["source"]["start"]
            i = bisect.bisect_right(starts, a) - 1
            if i not in aligns:
                o, t = lines[i]
                aligns[i] = (L.OcrText(None, o, t, "ood", sid), L.Alignment(o, t))
            ocr, align = aligns[i]
            local = {**c, "where": {"source": {"start": a - starts[i], "end": c["where"]["source"]["end"] - starts[i]}}}
            right = L.label(local, ocr, align)
            s0, e0 = local["where"]["source"]["start"], local["where"]["source"]["end"]
            span = align.truth_word_span(s0, e0)
            was = L.norm(ocr.text[s0:e0]) == L.norm(align.truth[span[0]:span[1]]) if span else False
            if right:
                helpful += 1
            elif was or _word_was_right(ocr, align, s0, e0):
                harmful.append({"sample": sid, "rule": c["rule"], "before": c["before"], "after": c["after"],
                                "confidence": c["confidence"], "status": c["status"], "context": c["context"]})
            else:
                other += 1  # a wrong word made another wrong word
    return {"samples": len(samples), "words": words, "harmful": len(harmful), "helpful": helpful,
            "wrong_to_wrong": other, "harmful_per_10k": round(len(harmful) * 10000 / max(words, 1), 3),
            "listed": harmful}


def _word_was_right(ocr, align, s: int, e: int) -> bool:
    """Was the whole OCR word around ``[s, e)`` the true word?"""
    import ocr_labels as L

    s, e = L.widen(ocr.text, s, e)
    span = align.truth_word_span(s, e)
    return bool(span) and L.norm(ocr.text[s:e]) == L.norm(align.truth[span[0]:span[1]])


def bench_foreign(lex) -> dict:
    """UN paragraphs in French and Spanish (tests/data/lang): no change at all is right."""
    out = {}
    for path in sorted(LANG_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for kind in ("text", "scanned-pdf"):
            work = WorkText(path.stem, text)
            if kind == "scanned-pdf":  # as if OCR read every word at 0.5
                from pipeline.worktext import Mark

                work.marks = [Mark(m.start(), m.end(), "conf", {"conf": 0.5}) for m in re.finditer(r"\S+", text)]
            run_rules(work, rules_for(kind), RepairContext(lexicon=lex, source_kind=kind), Thresholds())
            changed = [(c["rule"], c["before"], c["after"], c["status"]) for c in applied(work)
                       if c["rule"] not in CONTRACT_RULES]
            out[f"{path.stem} as {kind}"] = {"words": words_of(text), "changes": len(changed), "listed": changed}
    return out


def miss_kind(ocr: str, truth: str) -> str:
    """A coarse name for an OCR word error left unrepaired, to group the misses."""
    o, t = ocr.lower(), truth.lower()
    if " " in t:
        return "words run together"
    if o == t:
        return "case only"
    if t.startswith(o) or t.endswith(o):
        return "letters lost at an edge"
    if len(o) == len(t) and sum(a != b for a, b in zip(o, t)) == 1:
        return "one letter misread"
    return "other"


def lower_bound(k: int, n: int, alpha: float = 0.05) -> float:
    """One-sided (1 - alpha) Clopper-Pearson lower bound of a share measured k of n:
    the smallest p under which k or more right of n happens with probability alpha.
    34 of 34 right bounds the share at 0.915; 0.995 takes 598 of 598."""
    import math

    if n == 0 or k == 0:
        return 0.0

    def tail(p: float) -> float:  # P(X >= k), X ~ Binomial(n, p)
        return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))

    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if tail(mid) < alpha:
            lo = mid
        else:
            hi = mid
    return round(lo, 4)


def bench_real_ocr(lex, docs: int, pages: int, clean_docs: int = 0, scan_docs: int = 0, scan_pages: int = 2) -> dict:
    """The held-out half of the labelled real-OCR set: reliability per band, precision of applied, recall.

    ``clean_docs``: read that many held-out documents in clean300 and degraded200
    (Tesseract makes few errors there: more pages make their recall a measure).
    ``scan_docs``, ``scan_pages``: that many held-out documents, pages of each, read
    in the scan benchmark's families (``ocr_labels.SCAN_FAMILIES``); their poor
    families pooled are the issue's recall target."""
    sys.path.insert(0, str(ROOT / "bench"))
    import calibrate as C
    import ocr_labels as L

    _, evaluation = L.split()
    pdfs = evaluation[:docs]
    readings = L.pages_of(pdfs, pages)
    if clean_docs > docs:
        readings += L.pages_of(evaluation[docs:clean_docs], pages, ["clean300", "degraded200"])
    if scan_docs:
        readings += L.pages_of(evaluation[:scan_docs], scan_pages, L.SCAN_FAMILIES)
    samples, page_rows = C.ocr_samples(readings, lex, None)  # None: the committed calibration
    bands = []
    for lo, hi in BANDS:
        inb = [x for x in samples if lo <= x.raw < hi]
        if inb:
            bands.append({"band": f"[{lo:.3g}, {min(hi, 1):.3g}{']' if hi > 1 else ')'}", "n": len(inb),
                          "stated": round(statistics.mean(x.raw for x in inb), 3),
                          "right": round(sum(x.right for x in inb) / len(inb), 3)})
    app = [x for x in samples if x.status == "applied"]
    flagged = [x for x in samples if x.status == "flagged"]
    by_family = {}
    for fam in L.FAMILIES + (L.SCAN_FAMILIES if scan_docs else []):
        rows = [r for r in page_rows if r["family"] == fam]
        e = sum(r["errors"] for r in rows)
        f = sum(r["fixed_or_flagged"] for r in rows)
        by_family[fam] = {"pages": len(rows), "words": sum(r["words"] for r in rows), "errors": e,
                          "fixed_or_flagged": f, "recall": round(f / e, 4) if e else None}
    def pooled(fams: list[str]) -> float | None:
        rows = [by_family[f] for f in fams if f in by_family]
        e, f = sum(x["errors"] for x in rows), sum(x["fixed_or_flagged"] for x in rows)
        return round(f / e, 4) if e else None

    return {
        "documents": [p.name for p in evaluation[:max(docs, clean_docs)]], "page_readings": len(readings), "proposals": len(samples),
        "reliability": bands,
        "applied": len(app), "applied_right": sum(x.right for x in app),
        "applied_precision": round(sum(x.right for x in app) / len(app), 4) if app else None,
        "applied_lower_bound_95": lower_bound(sum(x.right for x in app), len(app)),
        "applied_by_table": {k: [sum(x.right for x in app if x.table == k), sum(1 for x in app if x.table == k)]
                             for k in sorted({x.table for x in app})},
        "applied_wrong": [(x.family, x.rule, x.before, x.after, x.table) for x in app if not x.right],
        "applied_by_family": {f: [sum(x.right for x in app if x.family == f), sum(1 for x in app if x.family == f)]
                              for f in sorted({x.family for x in app})},
        "flagged": len(flagged), "flagged_precision": round(sum(x.right for x in flagged) / len(flagged), 4) if flagged else None,
        "by_family": by_family, "poor_recall": pooled(L.POOR),
        "scan_poor_recall": pooled(L.SCAN_POOR) if scan_docs else None,
        "scan_poor_errors": sum(by_family[f]["errors"] for f in L.SCAN_POOR if f in by_family),
        "scan_poor_fixed": sum(by_family[f]["fixed_or_flagged"] for f in L.SCAN_POOR if f in by_family),
        "wrong_in_text": [(x.family, x.rule, x.before, x.after, x.raw, x.status) for x in samples
                          if not x.right and x.status in IN_TEXT],
        "missed": {r["name"]: r["missed"] for r in page_rows if r["missed"]},
        "missed_by_family": {fam: [m for r in page_rows if r["family"] == fam for m in r["missed"]] for fam in by_family},
    }


# ------------------------------------------------------------- 3: seeds
ARTIFACTS = [("AICONF.157", "A/CONF.157"), ("al actors", "all actors"), ("elementsin", "elements in")]


def bench_seeds(folder: Path, lex) -> dict:
    found = {}
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        work = repair(path.stem, text, lex)
        assert replay(text, work.corrections) == work.text
        for bad, good in ARTIFACTS:
            if bad not in text:
                continue
            for c in applied(work):
                marked = c["context"]
                fixed = re.sub("\u27e6.*?\u27e7", lambda m: c["after"], marked, count=1)
                if bad in _unmark(marked) and good in fixed and bad not in fixed:
                    found[bad] = {"doc": path.stem, "rule": c["rule"], "before": c["before"], "after": c["after"],
                                  "confidence": c["confidence"], "status": c["status"], "context": marked}
    named_in = []
    for p in list((ROOT / "pipeline").rglob("*.py")) + [p for p in (ROOT / "dictionaries").iterdir() if p.is_file()]:
        body = p.read_text(encoding="utf-8", errors="replace").lower()
        for bad, _ in ARTIFACTS:
            if bad.lower() in body:
                named_in.append(f"{p.relative_to(ROOT)} names {bad!r}")
    return {"repaired": found, "missing": [b for b, _ in ARTIFACTS if b not in found], "named_in_rules_or_dictionaries": named_in}


def _unmark(ctx: str) -> str:
    return ctx.replace("\u27e6", "").replace("\u27e7", "")


# ---------------------------------------------------------- 4: throughput
def bench_speed(docs, dictionaries: Path) -> dict:
    lexmod._CACHE.clear()
    t0 = time.perf_counter()
    lex = lexmod.load_lexicon(dictionaries)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    lexmod.load_lexicon(dictionaries)
    cached = time.perf_counter() - t0
    target = min(docs, key=lambda d: abs(words_of(d[1]) - 3000))
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        repair(target[0], target[1], lex)
        runs.append(time.perf_counter() - t0)
    largest = max(docs, key=lambda d: words_of(d[1]))
    big = []
    for _ in range(3):
        t0 = time.perf_counter()
        repair(largest[0], largest[1], lex)
        big.append(time.perf_counter() - t0)
    total_words = 0
    t0 = time.perf_counter()
    for name, text in docs:
        repair(name, text, lex)
        total_words += words_of(text)
    elapsed = time.perf_counter() - t0
    return {
        "dictionary_load_s": round(load, 3),
        "cached_load_ms": round(cached * 1000, 3),
        "doc_near_3000_words": target[0],
        "its_words": words_of(target[1]),
        "its_median_ms": round(statistics.median(runs) * 1000, 1),
        "ms_per_3000_words": round(statistics.median(runs) * 1000 * 3000 / max(words_of(target[1]), 1), 1),
        "largest_doc": largest[0],
        "largest_words": words_of(largest[1]),
        "largest_median_ms": round(statistics.median(big) * 1000, 1),
        "words_per_second": round(total_words / elapsed),
        "corpus_words": total_words,
        "cpu_count_used": 1,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pdfs", type=Path, default=DEFAULT_PDFS)
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--dictionaries", type=Path, default=ROOT / "dictionaries")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--docs", type=int, default=None, help="only the first N PDFs (quick runs)")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure as JSON")
    ap.add_argument("--scans", type=int, default=0, metavar="N",
                    help="also OCR page 2 of the first N PDFs with Tesseract and score the repair on it")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--show-missed", default=None, metavar="FAMILY", help="list the injected errors of FAMILY ('all') left unrepaired")
    ap.add_argument("--drafts", type=Path, default=DEFAULT_DRAFTS)
    ap.add_argument("--ood", type=Path, default=DEFAULT_OOD)
    ap.add_argument("--ood-samples", type=int, default=None, help="only the first N bln600 samples")
    ap.add_argument("--ocr-docs", type=int, default=20, help="held-out documents of the real-OCR set (read in all five families)")
    ap.add_argument("--ocr-pages", type=int, default=4, help="pages of each (bench/ocr_labels.py --pages: OCR them first)")
    ap.add_argument("--ocr-clean-docs", type=int, default=20, help="held-out documents read in the scan benchmark's families (clean300, degraded200)")
    ap.add_argument("--ocr-scan-docs", type=int, default=10,
                    help="held-out documents read in the scan benchmark's families (bench/ocr_labels.py --families scan-clean300,scan)")
    ap.add_argument("--ocr-scan-pages", type=int, default=2, help="pages of each of those")
    ap.add_argument("--trust-only", action="store_true", help="only section 6 (the trust figures)")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    results: dict = {}
    docs = corpus_texts(args.pdfs, args.docs) if args.pdfs.exists() else []
    if args.trust_only:
        results["trust"] = bench_trust(args, docs, lexmod.load_lexicon(args.dictionaries))
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
        return 0
    results["speed"] = speed = bench_speed(docs or [("none", "")], args.dictionaries)
    lex = lexmod.load_lexicon(args.dictionaries)
    print(f"== 4. Throughput (one core)\n  dictionary load: {speed['dictionary_load_s']} s (cached reload {speed['cached_load_ms']} ms)")
    print(f"  {speed['doc_near_3000_words']} ({speed['its_words']} words): {speed['its_median_ms']} ms median of 5"
          f" = {speed['ms_per_3000_words']} ms per 3,000 words (target < 150 ms)")
    print(f"  largest, {speed['largest_doc']} ({speed['largest_words']} words): {speed['largest_median_ms']} ms median of 3")
    print(f"  corpus: {speed['words_per_second']} words/s over {speed['corpus_words']} words")

    if docs:
        results["clean"] = clean = bench_clean(docs, lex)
        print(f"\n== 1. False corrections on clean text ({clean['documents']} PDFs, {clean['words']} words, leave-one-out lexicon)")
        print(f"  false corrections applied: {clean['false_corrections']} = {clean['per_10k_words']} per 10,000 words (target <= 1)")
        for c in clean["listed"]:
            print(f"    {c['doc']}: {c['rule']} {c['before']!r} -> {c['after']!r} ({c['confidence']}) | {c['context']}")
        print(f"  contract normalisations (right on clean text): {clean['contract_normalisations']}")
        print(f"  line breaks removed after kept compound hyphens: {clean['kept_compound_line_breaks']}")

        results["synthetic"] = syn = bench_synthetic(docs, lex, args.seed)
        print(f"\n== 2. Synthetic damage (seed {syn['seed']}, {syn['errors_injected']} errors injected, leave-one-out lexicon)")
        print(f"  CER before {syn['cer_before']:.4%}  after {syn['cer_after']:.4%}")
        print(f"  applied corrections {syn['applied_corrections']}: precision {syn['precision']:.2%} (target >= 99%), recall {syn['recall']:.2%} (target >= 80%)")
        for fam, fig in syn["by_family"].items():
            print(f"    {fam:16} {fig}")
        print(f"  wrong applied corrections ({len(syn['false_applied'])}):")
        for c in syn["false_applied"][:40]:
            print(f"    {c['doc']}: {c['rule']} {c['before']!r} -> {c['after']!r} (truth {c['region']!r}) | {c['context']}")
        if args.show_missed:
            print("  missed:")
            for m in syn["missed"]:
                if args.show_missed in ("all", m["family"]):
                    print(f"    {m['doc']}: {m['family']} {m['truth']!r} damaged {m['damaged']!r} left {m['output']!r}")
    else:
        print(f"\n(no PDFs at {args.pdfs}: figures 1 and 2 skipped)")

    if docs and args.scans:
        results["scans"] = scans = bench_scans(args.pdfs, docs, lex, args.scans, args.dpi)
        print(f"\n== 5. Real OCR: Tesseract on {scans['pages']} pages rasterised at {scans['dpi']} dpi, against their text layers")
        print(f"  CER before {scans['cer_before']:.4%}  after {scans['cer_after']:.4%}")
        for c in scans["applied"]:
            print(f"    {c['page']}: {c['rule']} {c['before']!r} -> {c['after']!r} [{c['status']} {c['confidence']}] | {c['context']}")

    if args.seeds.exists():
        results["seeds"] = seeds = bench_seeds(args.seeds, lex)
        print("\n== 3. Named artifacts of the seeds")
        for bad, _ in ARTIFACTS:
            c = seeds["repaired"].get(bad)
            print(f"  {bad!r}: " + (f"{c['rule']} {c['before']!r} -> {c['after']!r} [{c['status']} {c['confidence']}] in {c['doc']}" if c else "NOT REPAIRED"))
        print(f"  rules or dictionaries naming them: {seeds['named_in_rules_or_dictionaries'] or 'none'}")
    results["trust"] = bench_trust(args, docs, lex)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def bench_trust(args, docs, lex) -> dict:
    """Section 6: harm where nothing is broken, and the measured confidence on held-out real OCR."""
    sys.path.insert(0, str(ROOT / "bench"))
    import ocr_labels as L

    out: dict = {}
    print("\n== 6. Trust: harmful changes put into the text (applied or flagged) per 10,000 words (target <= 0.1 each)")

    def show(label: str, r: dict) -> None:
        print(f"  {label}: {r['false_corrections']} in {r['words']} words = {r['per_10k_words']} per 10,000")
        for c in r["listed"][:15]:
            print(f"      {c['doc']}: {c['rule']} {c['before']!r} -> {c['after']!r} [{c['status']} {c['confidence']}] | {c['context']}")

    if docs:
        out["pdfs_born_digital"] = r = bench_clean(docs, lex, "pdf")
        show(f"{len(docs)} corpus PDFs, text layers as born-digital (leave-one-out lexicon)", r)
        out["pdfs_as_text"] = r = bench_clean(docs, lex, "text")
        show(f"{len(docs)} corpus PDFs, text layers as text exports of unknown provenance (leave-one-out)", r)
    if args.drafts.exists():
        drafts = corpus_texts(args.drafts)
        cal, ev = L.split(args.drafts)
        held = {p.stem for p in ev}
        out["drafts_born_digital"] = r = bench_clean(drafts, lex, "pdf", leave_one_out=False)
        show(f"{len(drafts)} un-drafts PDFs (not in the lexicon), as born-digital", r)
        out["drafts_as_text_heldout"] = r = bench_clean([d for d in drafts if d[0] in held], lex, "text", leave_one_out=False)
        show(f"{len(held)} un-drafts held out from calibration, as text exports", r)
        out["drafts_as_text_calibration"] = r = bench_clean([d for d in drafts if d[0] not in held], lex, "text",
                                                           leave_one_out=False)
        show(f"{len(drafts) - len(held)} un-drafts used for calibration (in-sample), as text exports", r)
    if args.ood.exists():
        out["ood"] = r = bench_ood(args.ood, lex, args.ood_samples)
        print(f"  English outside the UN (bln600, {r['samples']} samples, OCR text as a text export vs ground truth): "
              f"{r['harmful']} harmful in {r['words']} words = {r['harmful_per_10k']} per 10,000; "
              f"{r['helpful']} helpful, {r['wrong_to_wrong']} wrong word to another wrong word")
        for c in r["listed"][:15]:
            print(f"      {c['sample']}: {c['rule']} {c['before']!r} -> {c['after']!r} [{c['status']} {c['confidence']}] | {c['context']}")
    out["foreign"] = fr = bench_foreign(lex)
    for name, r in fr.items():
        print(f"  {name} ({r['words']} words): {r['changes']} changes (target 0) {r['listed'] or ''}")

    try:
        out["real_ocr"] = r = bench_real_ocr(lex, args.ocr_docs, args.ocr_pages, args.ocr_clean_docs,
                                             args.ocr_scan_docs, args.ocr_scan_pages)
    except Exception as e:  # noqa: BLE001 -- no Tesseract or no corpus: say so, keep the other figures
        print(f"\n  real-OCR set skipped: {e}")
        return out
    print(f"\n  Held-out real OCR ({len(r['documents'])} un-drafts not used for calibration, {r['page_readings']} page "
          f"readings: {args.ocr_docs} documents x {args.ocr_pages} pages in ocr_labels' {len(L.FAMILIES)} damage families, "
          f"{args.ocr_clean_docs} in clean300 and degraded200, {args.ocr_scan_docs} x {args.ocr_scan_pages} pages in the scan "
          f"benchmark's {len(L.SCAN_FAMILIES)} families (scan-*; turned90/turned180 left out: their damage is rotation); "
          f"{r['proposals']} labelled proposals)")
    print("  reliability:   band           n   stated   right")
    for b in r["reliability"]:
        print(f"                 {b['band']:13s} {b['n']:4d}   {b['stated']:.3f}    {b['right']:.3f}")
    if r["applied_precision"] is not None:
        print(f"  applied: {r['applied']} proposals, {r['applied_right']} right = {r['applied_precision']:.2%} (target >= 99.5%); "
              f"one-sided 95% lower bound (Clopper-Pearson) {r['applied_lower_bound_95']:.2%}")
        for key, (k, n) in r["applied_by_table"].items():
            print(f"      {key:34s} {k:4d}/{n:4d} right")
        print("      by family: " + ", ".join(f"{f} {k}/{n}" for f, (k, n) in r["applied_by_family"].items()))
        for w in r["applied_wrong"]:
            print(f"      applied and wrong: {w}")
    else:
        print("  applied: none")
    if r["flagged_precision"] is not None:
        print(f"  flagged: {r['flagged']} at {r['flagged_precision']:.2%} right (target >= 80%)")
    for fam, f in r["by_family"].items():
        rec = f"{f['recall']:.1%}" if f["recall"] is not None else "n/a"
        print(f"  recall {fam:24s} {f['fixed_or_flagged']:4d}/{f['errors']:4d} word errors fixed or flagged = {rec}"
              f"  ({f['pages']} pages, {f['words']} words){'  (target >= 70%)' if fam.endswith('clean300') else ''}")
    if r["poor_recall"] is not None:
        print(f"  recall, ocr_labels' own poor families together ({', '.join(L.POOR)}): {r['poor_recall']:.1%}")
    if r["scan_poor_recall"] is not None:
        print(f"  recall, the scan benchmark's poor families together ({', '.join(L.SCAN_POOR)}): "
              f"{r['scan_poor_fixed']}/{r['scan_poor_errors']} = {r['scan_poor_recall']:.1%} (target >= 50%)")
    if args.show_missed:
        from collections import Counter

        for fam, missed in r["missed_by_family"].items():
            if args.show_missed not in ("all", fam) or not missed:
                continue
            kinds = Counter(miss_kind(o, t) for o, t in missed)
            print(f"  missed in {fam} ({len(missed)}): " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
            for (o, t), n in Counter(missed).most_common(25):
                print(f"      {n:3d}  {o!r} for {t!r}")
    for w in r["wrong_in_text"][:20]:
        print(f"      wrong in text: {w}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())

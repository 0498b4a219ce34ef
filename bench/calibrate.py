"""Fit the measured confidence of the guessing rules: dictionaries/calibration.json.

    python bench/calibrate.py [--docs 10] [--pages 2] [--out dictionaries/calibration.json]

The labelled set, made only of documents the lexicon was not built from (the
calibration half of ``/work/shared/corpus/un-drafts``, see
``bench/ocr_labels.py``):

1. real OCR: two pages of each document in five damage families, read by
   Tesseract and aligned to the page's text layer; a correction is right when
   the word it makes is the word the text layer prints there;
2. the seeds' damage families: each document's text layer damaged by the
   noise model of ``bench/repair_bench.py`` (glyph confusions, dropped
   letters, run-together words, symbols, roman numerals...) and read as a text
   export; right when the word it makes is the original's;
3. clean text: the same text layers, undamaged, read as text exports of
   unknown provenance: every word, symbol or numeral change there is wrong.

The rules run with no calibration (their own scores); for each rule (and
kind of spelling edit) and source (OCR or text), isotonic regression (pool
adjacent violators) turns the scores into a monotone step function of the
share of right corrections, written with its counts so it can be read and
checked.  A key with fewer than ``MIN_SAMPLES`` labelled proposals is not
fitted: its proposals use the rule's table.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import ocr_labels as L  # noqa: E402

from pipeline.lexicon import default_dictionaries_dir, load_lexicon  # noqa: E402
from pipeline.repair.calibration import CALIBRATION_FILE, Calibration, record_keys  # noqa: E402
from pipeline.repair.engine import RepairContext, run_rules  # noqa: E402
from pipeline.repair.order import GUESSING_RULES, rules_for  # noqa: E402
from pipeline.worktext import IN_TEXT, Thresholds, WorkText  # noqa: E402

MIN_SAMPLES = 40
SEED = 15


@dataclass
class Sample:
    rule: str
    edit: str | None
    source: str  # ocr | text
    raw: float  # the rule's own score (uncalibrated run) or the calibrated confidence
    right: bool
    status: str
    family: str
    before: str
    after: str

    tags: tuple[str, ...] = ()
    table: str = ""  # the calibration table that measured it (calibrated runs)

    def keys(self) -> list[str]:
        info = {"edit": self.edit, "tags": self.tags} if self.edit else {"tags": self.tags}
        return record_keys(self.rule, info, self.source)


def _edit(c: dict) -> str | None:
    return (c.get("info") or {}).get("edit") if c["rule"] == "words.spelling" else None


def _tags(c: dict) -> tuple[str, ...]:
    return tuple((c.get("info") or {}).get("tags", ()))


def repair(work: WorkText, kind: str, lex, cal: Calibration | None) -> WorkText:
    run_rules(work, rules_for(kind), RepairContext(lexicon=lex, source_kind=kind, calibration=cal), Thresholds())
    return work


# ------------------------------------------------------------- labelled sets
def ocr_samples(pages: list[dict], lex, cal: Calibration | None) -> tuple[list[Sample], list[dict]]:
    """Samples from real OCR pages, and per page its word errors and which were fixed or flagged."""
    samples: list[Sample] = []
    pages_out = []
    for page in pages:
        o = L.to_worktext(page)
        align = L.Alignment(o.text, o.truth)
        repair(o.work, "scanned-pdf", lex, cal)
        right_spans = []
        for c in o.work.corrections:
            if c["rule"] not in GUESSING_RULES:
                continue
            ok = L.label(c, o, align)
            if ok is None:
                continue
            samples.append(Sample(c["rule"], _edit(c), "ocr", c["confidence"], ok, c["status"], o.family,
                                  c["before"], c["after"], _tags(c), (c.get("info") or {}).get("calibration", "")))
            if ok and c["status"] in IN_TEXT:
                right_spans.append((c["where"]["source"]["start"], c["where"]["source"]["end"]))
        errors = L.word_errors(o, align)
        hit = [any(a < e and b > s for a, b in right_spans) for s, e, _ in errors]
        pages_out.append({"name": o.name, "family": o.family, "words": len(page["words"]), "errors": len(errors),
                          "fixed_or_flagged": sum(hit),
                          "missed": [(o.text[s:e], t) for (s, e, t), h in zip(errors, hit) if not h]})
    return samples, pages_out


def text_layers(pdfs: list[Path]) -> list[tuple[str, str]]:
    import repair_bench

    return [(name, text) for name, text in repair_bench.corpus_texts(pdfs[0].parent) if any(p.stem == name for p in pdfs)]


SYNTHETIC_ROUNDS = 4


def synthetic_samples(texts: list[tuple[str, str]], lex, cal: Calibration | None, seed: int = SEED,
                      rounds: int = SYNTHETIC_ROUNDS) -> list[Sample]:
    """The seeds' damage families injected into clean text layers (``rounds`` seeded
    damagings of each), read as text exports."""
    import repair_bench

    samples: list[Sample] = []
    for name, text, r in ((n, t, r) for n, t in texts for r in range(rounds)):
        truth = repair_bench.contract_truth(text)
        damaged, _ = repair_bench.damage(truth, random.Random(f"{seed}:{name}:{r}"))
        work = repair(WorkText(name, damaged), "text", lex, cal)
        o = L.OcrText(work, damaged, truth, "synthetic", name)
        align = L.Alignment(damaged, truth)
        for c in work.corrections:
            if c["rule"] not in GUESSING_RULES:
                continue
            ok = L.label(c, o, align)
            if ok is not None:
                samples.append(Sample(c["rule"], _edit(c), "text", c["confidence"], ok, c["status"], "synthetic",
                                      c["before"], c["after"], _tags(c)))
    return samples


def clean_samples(texts: list[tuple[str, str]], lex, cal: Calibration | None) -> list[Sample]:
    """Clean text layers read as text exports: every guessing change is wrong."""
    samples = []
    for name, text in texts:
        work = repair(WorkText(name, text), "text", lex, cal)
        for c in work.corrections:
            if c["rule"] in GUESSING_RULES:
                samples.append(Sample(c["rule"], _edit(c), "text", c["confidence"], False, c["status"], "clean",
                                      c["before"], c["after"], _tags(c)))
    return samples


# -------------------------------------------------------------------- fitting
def isotonic(points: list[tuple[float, bool]]) -> list[list]:
    """Pool adjacent violators: [[raw_low, raw_high, right, n], ...], shares non-decreasing in the raw score."""
    by_x: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for x, y in points:
        by_x[round(x, 4)][0] += int(y)
        by_x[round(x, 4)][1] += 1
    blocks: list[list] = []
    for x in sorted(by_x):
        k, n = by_x[x]
        blocks.append([x, x, k, n])
        while len(blocks) >= 2 and blocks[-2][2] / blocks[-2][3] >= blocks[-1][2] / blocks[-1][3]:
            hi = blocks.pop()
            lo = blocks.pop()
            blocks.append([lo[0], hi[1], lo[2] + hi[2], lo[3] + hi[3]])
    return blocks


# A step holds at least this many labelled proposals: a handful that happened to
# be right ("workplans" -> "workplan": 12 of 13 synthetic cases) says little
# about the next one, so a smaller step is pooled with the step below it.
MIN_STEP = 20


def pool_small(blocks: list[list]) -> list[list]:
    """Merge every step of fewer than ``MIN_STEP`` proposals into the step below
    (the first into the one above); the shares stay non-decreasing."""
    out: list[list] = []
    for b in blocks:
        if out and (b[3] < MIN_STEP or out[-1][3] < MIN_STEP):
            lo = out.pop()
            b = [lo[0], b[1], lo[2] + b[2], lo[3] + b[3]]
        out.append(b)
    # pooling may break the order: pool adjacent violators again
    again: list[list] = []
    for b in out:
        again.append(b)
        while len(again) >= 2 and again[-2][2] / again[-2][3] >= again[-1][2] / again[-1][3]:
            hi = again.pop()
            lo = again.pop()
            again.append([lo[0], hi[1], lo[2] + hi[2], lo[3] + hi[3]])
    return again


def share(k: int, n: int) -> float:
    """The share of right corrections, pulled towards 1/2 by half a proposal (Jeffreys):
    12 right of 12 is 0.96, not 1; it takes 100 of 100 to reach 0.995."""
    return round((k + 0.5) / (n + 1), 4)


def fit(samples: list[Sample]) -> dict:
    by_key: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for s in samples:
        for k in s.keys():
            by_key[k].append((s.raw, s.right))
    tables = {}
    counts = {}
    for key, pts in sorted(by_key.items()):
        if len(pts) < MIN_SAMPLES:
            continue  # too few to measure: a more general table, or none ("unmeasured": never applied)
        blocks = pool_small(isotonic(pts))
        steps = [[b[0], b[1], share(b[2], b[3]), b[3], b[2]] for b in blocks]
        for i in range(len(steps) - 2, -1, -1):  # the pull towards 1/2 may undo the order: keep the lower
            steps[i][2] = min(steps[i][2], steps[i + 1][2])
        tables[key] = steps
        counts[key] = {"samples": len(pts), "right": sum(1 for _, y in pts if y)}
    return {"tables": tables, "counts": counts}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20, help="calibration documents (the even places of un-drafts)")
    ap.add_argument("--pages", type=int, default=4)
    ap.add_argument("--out", type=Path, default=default_dictionaries_dir() / CALIBRATION_FILE)
    args = ap.parse_args(argv)
    lex = load_lexicon(default_dictionaries_dir())
    raw = Calibration.none()
    cal_pdfs, _ = L.split()
    cal_pdfs = cal_pdfs[: args.docs]
    pages = L.pages_of(cal_pdfs, args.pages)
    texts = text_layers(cal_pdfs)
    ocr, _ = ocr_samples(pages, lex, raw)
    synth = synthetic_samples(texts, lex, raw)
    clean = clean_samples(texts, lex, raw)
    samples = ocr + synth + clean
    fitted = fit(samples)
    out = {
        "about": "Measured confidence of the guessing rules (pipeline/repair/calibration.py): per key "
                 "(rule[:edit]|source), steps [raw_low, raw_high, share_right, n, right] fitted by isotonic regression on "
                 "a labelled set of real OCR errors, synthetic damage and clean text from documents the lexicon "
                 "was not built from. Rebuild: python bench/calibrate.py",
        "command": "python bench/calibrate.py " + " ".join(argv or sys.argv[1:]),
        "apply": 0.995,
        "flag": 0.8,
        "rules": sorted(GUESSING_RULES),
        "documents": [p.name for p in cal_pdfs],
        "labelled": {"ocr": len(ocr), "synthetic": len(synth), "clean": len(clean),
                     "right": sum(s.right for s in samples)},
        **fitted,
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"{len(samples)} labelled proposals (ocr {len(ocr)}, synthetic {len(synth)}, clean {len(clean)}), "
          f"{len(fitted['tables'])} tables -> {args.out}")
    for key, c in fitted["counts"].items():
        print(f"  {key:45s} {c['right']:5d}/{c['samples']:5d} right  steps {fitted['tables'][key]}")


if __name__ == "__main__":
    main()

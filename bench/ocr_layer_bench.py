"""Searchable scans: the word errors of an OCRmyPDF text layer, and how many the pipeline repairs.

Pages of corpus PDFs the lexicon was not built from (the evaluation half of
``un-drafts``, as ``bench/ocr_labels.py`` splits it) are damaged by a family of
``bench/scan_families.py``, made searchable by OCRmyPDF (Tesseract's text layer,
GlyphLessFont, invisible over the page image) and read by the pipeline as any
PDF is.  The extracted text is aligned to the page's own born-digital text
layer (the truth, ``ocr_labels.Alignment``); a word error is an OCR word of
letters at least half similar to the different word printed there.  Printed:
per family, word errors, those fixed or flagged (a right guessing correction in
the text), and wrong guessing corrections put into the text.

    nice python3 bench/ocr_layer_bench.py --docs 4 --families clean300,bilevel200,dpi150
    nice python3 bench/ocr_layer_bench.py --code /work/main ...   # the same, with another checkout's pipeline

ocrmypdf must be installed (it is not a dependency of the pipeline); its
outputs are kept in ``--work`` and made once.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", type=Path, default=HERE.parent, help="checkout whose pipeline reads the PDFs")
    ap.add_argument("--docs", type=int, default=4)
    ap.add_argument("--page", type=int, default=1, help="0-based page of each document")
    ap.add_argument("--families", default="clean300,bilevel200,dpi150")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--work", type=Path, default=Path("/tmp/ocr-layer-bench"))
    ap.add_argument("--show", action="store_true", help="list every correction and missed error")
    args = ap.parse_args(argv)
    sys.path[:0] = [str(args.code), str(HERE)]
    if not shutil.which("ocrmypdf"):
        print("ocrmypdf is not installed: nothing to measure")
        return 1

    try:  # first: ocr_labels puts this checkout on the path
        from pipeline.run import stages
    except ImportError:  # a checkout from before pipeline/run/
        from pipeline import stages
    from pipeline.repair.order import GUESSING_RULES
    from pipeline.settings import Settings
    from pipeline.worktext import IN_TEXT, WorkText

    import ocr_labels as L
    import scan_families as F

    settings = Settings(clean_dir=args.work / "clean", dictionaries_dir=args.code / "dictionaries")
    _, evaluation = L.split()
    totals: dict[str, dict] = {}
    for src in [p for p in evaluation if L.page_count(p) > args.page][:args.docs]:
        truth = L.truth_text(src, args.page)
        for fam in args.families.split(","):
            scan = args.work / fam / f"{src.stem}-p{args.page + 1}.pdf"
            searchable = scan.with_suffix(".ocr.pdf")
            if not searchable.exists():
                F.make_scan(src, scan, fam, args.seed, [args.page])
                subprocess.run(["ocrmypdf", "-q", "-l", "eng", "--output-type", "pdf", "--optimize", "0", "--jobs", "1",
                                str(scan), str(searchable)], check=True)
            ex = stages.extract(searchable, searchable.name, "0" * 64, settings)
            text = WorkText.from_extracted(ex).text
            work = stages.repair(ex, settings, {})
            ocr = L.OcrText(work, text, truth, fam, searchable.name)
            align = L.Alignment(text, truth)
            right, wrong = [], []
            for c in work.corrections:
                if c["rule"] not in GUESSING_RULES or c["status"] not in IN_TEXT:
                    continue
                ok = L.label(c, ocr, align)
                (right if ok else wrong).append(c)
            errors = L.word_errors(ocr, align)
            spans = [(c["where"]["source"]["start"], c["where"]["source"]["end"]) for c in right]
            hit = [any(a < e and b > s for a, b in spans) for s, e, _ in errors]
            t = totals.setdefault(fam, {"pages": 0, "words": 0, "errors": 0, "fixed": 0, "wrong": 0, "kinds": set()})
            t["pages"] += 1
            t["words"] += len(L.WORD_RE.findall(truth))
            t["errors"] += len(errors)
            t["fixed"] += sum(hit)
            t["wrong"] += len(wrong)
            t["kinds"].add(ex.source.kind)
            if args.show:
                for c in right + wrong:
                    print(f"  {searchable.name}: {'right' if c in right else 'WRONG'} {c['rule']} {c['before']!r} -> "
                          f"{c['after']!r} [{c['status']} {c['confidence']}]")
                for (s, e, want), h in zip(errors, hit):
                    if not h:
                        print(f"  {searchable.name}: missed {text[s:e]!r} (printed {want!r})")
    print(f"OCRmyPDF text layers read by the pipeline in {args.code} (page {args.page + 1} of {args.docs} held-out un-drafts)")
    for fam, t in totals.items():
        rate = f"{t['fixed'] / t['errors']:.1%}" if t["errors"] else "-"
        print(f"  {fam:12} {t['pages']} pages, {t['words']} words, source kind {'/'.join(sorted(t['kinds']))}: "
              f"{t['fixed']}/{t['errors']} word errors fixed or flagged ({rate}); {t['wrong']} wrong changes in the text")
    return 0


if __name__ == "__main__":
    sys.exit(main())

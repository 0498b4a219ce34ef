"""Footnote recovery over a folder of PDFs (default: the 40 real UN resolutions).

For each document: footnote bodies found, whether their numbers run 1..N with no
gap, how many are anchored to a marker, how many markers were linked (a footnote
cited again adds one), and a rough cross-check: raised small digits counted
straight from pdfplumber's glyphs.

    python bench/footnote_bench.py [folder] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import stages  # noqa: E402
from pipeline.settings import Settings  # noqa: E402


def superscript_numbers(path: Path) -> int:
    """Distinct superscript digit runs above the footnote rule, counted from glyph sizes."""
    import pdfplumber

    count = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["text"].strip()]
            if not chars:
                continue
            body = statistics.median(c["size"] for c in chars)
            # The footnote separator: a short rule in the lower part of the page (the
            # long rule under the running header is not one).
            rules = [ln["top"] for ln in page.lines if 30 < ln["x1"] - ln["x0"] < page.width * 0.5] + [
                r["top"] for r in page.rects if r["height"] < 2 and 30 < r["width"] < page.width * 0.5]
            rules = [t for t in rules if t > page.height * 0.3]
            foot = min(rules) if rules else page.height
            normal = None  # the last body-size character: superscripts sit above its baseline
            prev = None
            for c in chars:
                if c["size"] >= body * 0.9:
                    normal = c
                raised = normal is not None and abs(c["x0"] - normal["x1"]) < 3 and normal["bottom"] - c["bottom"] > 1.0
                small = c["size"] < body * 0.8 and c["text"].isdigit() and c["top"] < foot and raised
                if small and not (prev is not None and prev["text"].isdigit() and prev["size"] < body * 0.8):
                    count += 1
                prev = c
    return count


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "un-pdfs"))
    ap.add_argument("--json")
    args = ap.parse_args()
    pdfs = sorted(Path(args.folder).glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs in {args.folder}")
        return 1
    settings = Settings(dictionaries_dir=ROOT / "dictionaries", clean_dir=Path("/tmp/footnote-bench"))
    rows = []
    t0 = time.time()
    print(f"{'document':<22} {'bodies':>6} {'1..N':>5} {'anchored':>9} {'markers':>8} {'sup glyphs':>10}  problems / notes")
    for p in pdfs:
        doc, _ = stages.process(p, settings)
        nums = [f["num"] for f in doc["footnotes"]]
        numeric = [int(n) for n in nums if n.isdigit()]
        seq_ok = numeric == list(range(1, len(numeric) + 1))
        anchored = sum(f["anchored"] for f in doc["footnotes"])
        sup = superscript_numbers(p)
        problems = []
        if not seq_ok:
            problems.append(f"numbers {nums}")
        if anchored != len(nums):
            problems.append("unanchored " + ",".join(f["num"] for f in doc["footnotes"] if not f["anchored"]))
        notes = [n["num"] for para in doc["preamble"] + doc["operative"] for q in [para, *para.get("items", [])] for n in q["notes"]]
        remarks = []
        repeated = sorted({n for n in notes if notes.count(n) > 1}, key=lambda x: int(x) if x.isdigit() else 0)
        if repeated:
            remarks.append("cited again in the text: " + ",".join(repeated))
        if sup != len(notes):
            remarks.append(f"(cross-check counted {sup} raised digits)")
        rows.append({"doc": p.stem, "bodies": len(nums), "sequence": seq_ok, "anchored": anchored, "markers": len(notes),
                     "superscripts": sup, "problems": problems, "remarks": remarks})
        print(f"{p.stem:<22} {len(nums):>6} {'yes' if seq_ok else 'NO':>5} {anchored:>4}/{len(nums):<4} {len(notes):>8} {sup:>10}  "
              f"{'; '.join(problems + remarks)}")
    total = sum(r["bodies"] for r in rows)
    anchored = sum(r["anchored"] for r in rows)
    perfect = sum(1 for r in rows if not r["problems"])
    print(f"\n{len(rows)} documents, {total} footnotes, {anchored} anchored ({anchored / max(total, 1):.1%}); "
          f"{perfect}/{len(rows)} documents with every footnote body numbered 1..N and linked to a marker; "
          f"{sum(r['markers'] for r in rows)} markers ({sum(1 for r in rows if r['remarks'] and 'cited' in r['remarks'][0])} documents cite a footnote again); "
          f"{time.time() - t0:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

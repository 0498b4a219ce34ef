"""Footnote recovery over folders of PDFs (default: the 40 real UN resolutions and the 40 real drafts).

For each document: footnote bodies found, whether their numbers run 1..N with no
gap, how many are anchored to a marker, how many markers were linked (a footnote
cited again adds one), and a rough cross-check: raised small digits counted
straight from pdfplumber's glyphs.

    python bench/footnote_bench.py [folder ...] [--json out.json]

Figures are printed per folder and per document type (resolution, draft
resolution, draft decision, amendment, ...); a draft's sponsor notes ("Egypt,*")
and the notes of its masthead count as anchored when the masthead prints their
marker.
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

from pipeline.run import stages  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

# The team's shared material: beside the project (../shared), or where a worktree's helpers find it.
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared", Path("/work/shared")) if p.is_dir()),
              ROOT.parent / "shared")


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


def bench_folder(folder: Path, settings: Settings) -> list[dict]:
    pdfs = sorted(folder.glob("*.pdf"))
    rows = []
    print(f"\n### {folder} ({len(pdfs)} PDFs)")
    print(f"{'document':<22} {'type':<18} {'bodies':>6} {'1..N':>5} {'anchored':>9} {'markers':>8} {'masthead':>8} "
          f"{'sup glyphs':>10}  problems / notes")
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
        paras = doc["preamble"] + doc["operative"] + [q for a in doc.get("annexes", []) for q in a["paragraphs"]]
        notes = [n["num"] for para in paras for q in [para, *para.get("items", [])] for n in q["notes"]]
        head = [n["num"] for n in doc.get("sponsor_notes", []) + (doc.get("header") or {}).get("notes", [])]
        remarks = []
        repeated = sorted({n for n in notes if notes.count(n) > 1}, key=lambda x: int(x) if x.isdigit() else 0)
        if repeated:
            remarks.append("cited again in the text: " + ",".join(repeated))
        if sup != len([n for n in notes if n.isdigit()]):
            remarks.append(f"(cross-check counted {sup} raised digits)")
        kind = doc.get("document_type") or "unknown"
        rows.append({"doc": p.stem, "type": kind, "bodies": len(nums), "sequence": seq_ok, "anchored": anchored,
                     "markers": len(notes), "masthead_markers": len(head), "superscripts": sup, "problems": problems,
                     "remarks": remarks})
        print(f"{p.stem:<22} {kind[:18]:<18} {len(nums):>6} {'yes' if seq_ok else 'NO':>5} {anchored:>4}/{len(nums):<4} "
              f"{len(notes):>8} {len(head):>8} {sup:>10}  {'; '.join(problems + remarks)}")
    return rows


def summary(label: str, rows: list[dict]) -> str:
    total = sum(r["bodies"] for r in rows)
    anchored = sum(r["anchored"] for r in rows)
    perfect = sum(1 for r in rows if not r["problems"])
    return (f"{label:<34} {len(rows):>3} documents, {total:>4} footnotes, {anchored:>4} anchored "
            f"({anchored / max(total, 1):.1%}); {perfect}/{len(rows)} with every body numbered 1..N and linked; "
            f"{sum(r['markers'] for r in rows)} markers in paragraphs, {sum(r['masthead_markers'] for r in rows)} in mastheads")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", type=Path,
                    default=[SHARED / "corpus" / "un-pdfs", SHARED / "corpus" / "un-drafts"])
    ap.add_argument("--json")
    args = ap.parse_args()
    settings = Settings(dictionaries_dir=ROOT / "dictionaries", clean_dir=Path("/tmp/footnote-bench"))
    t0 = time.time()
    every: dict[str, list[dict]] = {}
    for folder in args.folders:
        if not sorted(folder.glob("*.pdf")):
            print(f"no PDFs in {folder}")
            return 1
        every[str(folder)] = bench_folder(folder, settings)
    print()
    for folder, rows in every.items():
        print(summary(Path(folder).name, rows))
        for kind in sorted({r["type"] for r in rows}):
            print(summary("  " + kind, [r for r in rows if r["type"] == kind]))
    print(f"{time.time() - t0:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(every, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

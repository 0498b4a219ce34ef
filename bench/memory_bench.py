"""Peak memory of a 500-page PDF through the pipeline's stages, each measured in a fresh process.

    python bench/memory_bench.py            # 500 full pages (48 lines each), all stages
    python bench/memory_bench.py --pages 100 --stages extract

The PDF is generated (a seed's text repeated; tests/pdfmake.py), so nothing
large is committed.  Each run is a child process, so its peak resident set
(``ru_maxrss``) is that run's alone; the baseline is the same process after
importing the pipeline and loading the lexicon, before reading the PDF.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from pipeline.run import stages
from pipeline.settings import Settings
from pipeline.worktext import WorkText

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

path, clean, upto = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
s = Settings(clean_dir=clean)
stages.load_lexicon(s)
out = {"baseline_mb": peak()}
t = time.perf_counter()
doc = stages.extract(path, "raw/big.pdf", "0" * 64, s)
out.update(pages=len(doc.pages), extract_s=time.perf_counter() - t, extract_peak_mb=peak())
if upto == "all":
    t = time.perf_counter()
    work = stages.repair(doc, s, {})
    out.update(repair_s=time.perf_counter() - t, repair_peak_mb=peak())
    t = time.perf_counter()
    work = stages.recover_footnotes(WorkText.from_json(work.to_json()), s, {})
    out.update(footnotes_s=time.perf_counter() - t, footnotes_peak_mb=peak())
    t = time.perf_counter()
    built = stages.build(work, doc)
    out.update(structure_s=time.perf_counter() - t, peak_mb=peak(), chars=len(work.text),
               paragraphs=len(built["preamble"]) + len(built["operative"]))
print(json.dumps(out))
"""


def main() -> None:
    from pdfmake import make_pdf, resolution_pages

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--stages", choices=("extract", "all"), default="all")
    args = ap.parse_args()
    seed = (ROOT / "raw" / "000_925e479e4b378691.txt").read_text(encoding="utf-8")
    per_doc = resolution_pages(seed)
    pages = (per_doc * (args.pages // len(per_doc) + 1))[: args.pages]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "big.pdf"
        pdf.write_bytes(make_pdf(pages))
        print(f"{args.pages}-page PDF, {pdf.stat().st_size / 1e6:.1f} MB, "
              f"{sum(len(p) for p in pages)} lines; stages: {args.stages}")
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CHILD, str(pdf), str(Path(tmp) / "clean"), args.stages],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  baseline (pipeline imported, lexicon loaded): {r['baseline_mb']:.0f} MB")
    print(f"  extract:   {r['extract_s']:6.1f} s   peak {r['extract_peak_mb']:.0f} MB   ({r['pages']} pages)")
    if args.stages == "all":
        print(f"  repair:    {r['repair_s']:6.1f} s   peak {r['repair_peak_mb']:.0f} MB")
        print(f"  footnotes: {r['footnotes_s']:6.1f} s   peak {r['footnotes_peak_mb']:.0f} MB")
        print(f"  structure: {r['structure_s']:6.1f} s   peak {r['peak_mb']:.0f} MB   "
              f"({r['chars']} characters, {r['paragraphs']} paragraphs)")
    print(f"  total {time.perf_counter() - t:.1f} s; this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

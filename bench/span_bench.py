"""Printed emphasis: every italic run of the PDFs' text layer that falls inside a paragraph, against the output's spans.

    python bench/span_bench.py [folder ...] [--clean DIR ...] [--show 5]

The reference is pdfplumber's own reading, independent of the pipeline: on each
printed line, consecutive words whose font name says italic (Italic, Oblique)
form a run ("Reaffirming", "Deeply concerned", "Official Records of the
General Assembly, Seventy-ninth Session"); raised note numbers and the smaller type of footnotes are left out,
and a run cut by the line end is checked line by line.  A run "falls inside a
paragraph" when its text occurs in a preambular, operative, item or annex
paragraph of the output; it is covered when a span of that paragraph covers
it.  Runs outside the paragraphs (the formula, the masthead, footnotes) are
counted apart.  ``--clean`` reads the outputs of an earlier ``CleanAll`` run
(``clean/<doc_id>.json``) instead of running the pipeline here.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from pipeline.run import stages  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

# The team's shared material: beside the project (../shared), or where a worktree's helpers find it.
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared", Path("/work/shared")) if p.is_dir()),
              ROOT.parent / "shared")

ITALIC = re.compile(r"italic|oblique|[-,](?:it|i)$", re.I)


def italic_runs(pdf: Path) -> list[str]:
    """The italic runs of every page, line by line, as pdfplumber's font names give them."""
    out = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            words = page.extract_words(extra_attrs=["fontname", "size"], use_text_flow=True)
            if not words:
                continue
            body = statistics.median(w["size"] for w in words)
            run: list[dict] = []
            for w in words + [None]:
                italic = w is not None and bool(ITALIC.search(w["fontname"].split("+", 1)[-1])) and w["size"] > 0.93 * body
                same_line = w is not None and run and abs(w["top"] - run[-1]["top"]) < 2
                if italic and (not run or same_line):
                    run.append(w)
                    continue
                if run:
                    out.append(" ".join(x["text"] for x in run))
                run = [w] if italic else []
    return [r.rstrip("-\u00ad") for r in out if len(r.strip(" ,.;:-")) >= 2]


def paragraphs(doc: dict) -> list[dict]:
    out = []
    for p in doc["preamble"] + doc["operative"] + [q for a in doc.get("annexes", []) for q in a["paragraphs"]]:
        out.append(p)
        out += p.get("items", [])
    return out


def covered(run: str, para: dict) -> bool | None:
    """None: the run is not in this paragraph; else whether a span covers one of its occurrences."""
    text = para["text"]
    found = None
    for m in re.finditer(re.escape(run), text):
        found = False
        s, e = m.start(), m.end()
        if any(sp["offset"] <= s and e <= sp["offset"] + sp["length"] for sp in para.get("spans", [])):
            return True
    return found


def bench(folder: Path, clean: Path | None, settings: Settings, show: int) -> dict:
    res = {"runs": 0, "in_paragraphs": 0, "covered": 0, "elsewhere": 0, "misses": []}
    for pdf in sorted(folder.glob("*.pdf")):
        if clean is not None:
            doc = json.loads((clean / f"{pdf.stem}.json").read_text())
        else:
            doc = stages.process(pdf, settings)[0]
        paras = paragraphs(doc)
        for run in italic_runs(pdf):
            res["runs"] += 1
            hits = [c for c in (covered(run, p) for p in paras) if c is not None]
            if not hits:
                res["elsewhere"] += 1
                continue
            res["in_paragraphs"] += 1
            if any(hits):
                res["covered"] += 1
            else:
                res["misses"].append(f"{pdf.stem}: {run!r}")
    share = res["covered"] / max(res["in_paragraphs"], 1)
    print(f"{folder.name}: {res['runs']} italic runs in the text layer; {res['in_paragraphs']} inside paragraphs, "
          f"{res['covered']} covered by a span ({share:.1%}); {res['elsewhere']} outside paragraphs "
          f"(formula, masthead, footnotes)")
    for m in res["misses"][:show]:
        print(f"  not covered: {m}")
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path,
                    default=[SHARED / "corpus" / "un-pdfs", SHARED / "corpus" / "un-drafts"])
    ap.add_argument("--clean", nargs="*", type=Path, default=[], help="clean/ folders of earlier runs, one per folder")
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    settings = Settings(dictionaries_dir=ROOT / "dictionaries", clean_dir=Path("/tmp/span-bench"))
    t0 = time.time()
    for k, folder in enumerate(args.folders):
        bench(folder, args.clean[k] if k < len(args.clean) else None, settings, args.show)
    print(f"{time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

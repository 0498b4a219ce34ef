"""PDF input benchmark: born-digital correctness and speed, scanned accuracy and speed.

    python3 bench/pdf_bench.py                       # everything (about 10 minutes on 2 cores)
    python3 bench/pdf_bench.py --skip-scans          # born-digital only (about 2 minutes)
    python3 bench/pdf_bench.py --skip-scans --workers 1 --corpus ../shared/corpus/un-drafts   # one folder, one run
    python3 bench/pdf_bench.py --scan-docs 4         # fewer scanned documents
    python3 bench/pdf_bench.py --scan-docs 12 --scan-max-pages 4 --repeat 3   # the set reported

Born-digital: every corpus PDF goes through the whole pipeline (``luigi --module
pipeline CleanAll`` in a throw-away project).  For each clean/<doc>.json it checks
that operative numbers run 1..N, every footnote is anchored, no furniture is in
any paragraph, footnote, title or closing (the document's job number and
barcode read from its own first page, its symbol, "k/N" page numbers), and that
symbol and title match the document (symbol from the file name, title read
independently from page 1: the bold run after the "80/37." number).
Extraction time per page is measured on extract_pdf alone.

Scanned: ``bench/make_scans.py`` rasterises short corpus PDFs (300 dpi clean, and
200 dpi with blur, noise and skew); the pipeline runs them as scanned PDFs.  The
character error rate (CER, Levenshtein / reference length) of each scan's clean
output is taken against the clean output of its born-digital original, next to
the CER of Tesseract's raw text (all words in Tesseract's order) against the
same reference.  Speed: OCR time per page, the pipeline's time over Tesseract's
own (the ``tesseract`` command, same configuration, one thread, on the very page
images the pipeline gives it, timed before and after the pipeline runs and
averaged), as wall clock with 1 worker, as CPU time, and with 2 workers against
two ``tesseract`` commands at a time; pages per minute with 1 and 2 workers.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from make_scans import make_scan, pick  # noqa: E402
from pipeline.extract.ocr import image as ocr_image  # noqa: E402
from pipeline.extract.pdf import extract_pdf  # noqa: E402
from pipeline.extract.ocr.tesseract import TESSERACT_CONFIG  # noqa: E402
from pipeline.model import Source  # noqa: E402

CORPUS = Path("/work/shared/corpus/un-pdfs")
CORPORA = [CORPUS, Path("/work/shared/corpus/un-drafts")]


# ---------------------------------------------------------------- running the pipeline
def make_project(dest: Path, inputs: list[Path]) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "raw").mkdir(parents=True)
    for p in inputs:
        shutil.copy(p, dest / "raw" / p.name)
    cfg = (ROOT / "luigi.cfg").read_text()
    subs = {"raw_dir": dest / "raw", "clean_dir": dest / "clean", "dictionaries_dir": ROOT / "dictionaries",
            "decisions_file": dest / "review-decisions.json"}
    for key, val in subs.items():
        cfg = re.sub(rf"(?m)^{key}\s*=.*$", f"{key} = {val}", cfg)
    (dest / "luigi.cfg").write_text(cfg)
    return dest


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and its descendants."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_pipeline(project: Path, workers: int, cpu: dict | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    c0 = children_cpu()
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "luigi", "--module", "pipeline", "CleanAll", "--workers", str(workers)],
                       cwd=project, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if cpu is not None:
        cpu["seconds"] = children_cpu() - c0
    if r.returncode not in (0, 30):
        print(r.stdout[-3000:], r.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"pipeline failed in {project} (exit {r.returncode})")
    return elapsed


def page_count(pdf: Path) -> int:
    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


# ---------------------------------------------------------------- born-digital checks
def reference_facts(pdf: Path) -> dict:
    """Independent of the pipeline: job number, barcode, title, and a draft's statement, as printed on page 1.

    Read from pdfplumber's words and font names: a resolution's title is the bold
    run after its bold "80/37." number; a draft's is the run of bold 12-point words
    before the formula, its statement ("Austria, Egypt,* ...: draft resolution",
    "Draft resolution submitted by ...") the bold body-size block before that; the
    agenda items are what follows "Agenda item(s)" or "Item" on its line.
    """
    with pdfplumber.open(pdf) as doc:
        p1 = doc.pages[0]
        words = p1.extract_words(extra_attrs=["fontname", "size"])
        lines = (p1.extract_text() or "").splitlines()
        n = len(doc.pages)
    job = next((w["text"] for w in words if re.fullmatch(r"\d{2}-\d{5}", w["text"])
                and w["top"] > 0.85 * p1.height), None)
    barcode = next((w["text"] for w in words if re.fullmatch(r"\*\d{6,8}\*", w["text"])), None)
    title = statement = None
    k = next((i for i, w in enumerate(words) if re.fullmatch(r"\d+/\d+\.", w["text"])
              and "Bold" in w["fontname"]), None)
    bold = [(i, w) for i, w in enumerate(words) if "Bold" in w["fontname"] and w["top"] > 0.2 * p1.height]
    if k is not None:
        size, out = words[k]["size"], []
        for w in words[k + 1:]:
            if "Bold" not in w["fontname"] or abs(w["size"] - size) > 0.3:
                break
            out.append(w["text"])
        title = " ".join(out)
    elif bold:
        formula = next((i for i, w in enumerate(words[:-1]) if w["text"] == "The" and w["top"] > 0.25 * p1.height
                        and words[i + 1]["text"].rstrip(",") in ("General", "Security", "Economic", "Human")), len(words))
        runs: list[list[dict]] = []
        for i, w in bold:
            if i >= formula:
                break
            if runs and w["size"] < 0.85 * runs[-1][-1]["size"] and abs(w["top"] - runs[-1][-1]["top"]) < 0.5 * w["size"]:
                runs[-1].append({**w, "size": runs[-1][-1]["size"]})  # a raised marker ("Palestine:**") stays in its run
                continue
            if re.fullmatch(r"_+", w["text"]):
                continue
            if runs and abs(runs[-1][-1]["size"] - w["size"]) < 0.3 and w["top"] - runs[-1][-1]["top"] < 1.6 * w["size"]:
                runs[-1].append(w)
            else:
                runs.append([w])
        said = [k for k, r in enumerate(runs) if r[0]["size"] < 11
                and re.search(r"(?i)\bdraft\b|\bamendment\b|^note by", " ".join(w["text"] for w in r))]
        if said:  # the statement, then the title: the next run of bold 12-point words
            statement = " ".join(w["text"] for w in runs[said[-1]])
            title = next((" ".join(w["text"] for w in r) for r in runs[said[-1] + 1:] if 11.5 <= r[0]["size"] < 14), None)
        else:
            big = [r for r in runs if 11.5 <= r[0]["size"] < 14]
            if big and runs[-1] is big[-1]:
                title = " ".join(w["text"] for w in big[-1])
    agenda = None
    for ln in lines:
        m = re.match(r"^(?:Agenda items?|Item)\s+(.+?)(?:\s+of the provisional agenda)?\**$", ln.strip())
        if m:
            agenda = [x.strip() for x in re.split(r",\s*|\s+and\s+", m.group(1)) if x.strip()]
            break
    return {"job": job, "barcode": barcode, "title": title, "pages": n, "statement": statement, "agenda": agenda}


def paragraph_texts(clean: dict) -> list[tuple[str, str]]:
    out = [("title", clean.get("title") or "")]
    for sec in ("preamble", "operative"):
        for p in clean.get(sec, []):
            out.append((p["id"], p["text"]))
            out += [(it["id"], it["text"]) for it in p.get("items", [])]
    for annex in clean.get("annexes", []):
        out.append((f"{annex['id']}.title", annex.get("title") or ""))
        for p in annex["paragraphs"]:
            out.append((p["id"], p["text"]))
            out += [(it["id"], it["text"]) for it in p.get("items", [])]
    out += [(f"fn{f['num']}", f["text"]) for f in clean.get("footnotes", [])]
    if clean.get("closing"):
        out.append(("closing", clean["closing"].get("text", "")))
    return out


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u2011", "-").replace("\u00ad", "")).strip()


def _names(s: str) -> str:
    """A list of names compared without markers and the spacing around commas ("of),Viet Nam" is printed so)."""
    return _norm(re.sub(r"\s*,\s*", ", ", re.sub(r"[*†‡]", "", s)))


def _statement_of(clean: dict) -> str:
    """The sponsors as a draft prints them ("A, B and C"), rebuilt from the output's list."""
    sponsors = clean.get("sponsors") or []
    return ", ".join(sponsors[:-1]) + (" and " if len(sponsors) > 1 else "") + (sponsors[-1] if sponsors else "")


def check_born(clean: dict, pdf: Path, facts: dict) -> list[str]:
    problems = []
    nums = [p.get("num") for p in clean["operative"]]
    unnumbered = bool(nums) and all(n is None for n in nums)
    if not nums or not unnumbered and nums != [str(i) for i in range(1, len(nums) + 1)]:
        problems.append(f"operative numbers {nums[:6]}... not 1..N")
    unanchored = [f["num"] for f in clean["footnotes"] if not f["anchored"]]
    if unanchored:
        problems.append(f"unanchored footnotes {unanchored}")
    symbol = pdf.stem.removesuffix("-EN").replace("_", "/")
    furniture = [r"\*\d{6,8}\*", r"\b\d{2}-\d{5}\s*\([A-Z]\)"]
    if facts["job"]:
        furniture.append(re.escape(facts["job"]))
    furniture.append(rf"(?<![\w/]){re.escape(symbol)}(?![\w/])")
    pages = "|".join(str(k) for k in range(1, facts["pages"] + 1))
    furniture.append(rf"(?<![\w/.\-])(?:{pages})/{facts['pages']}(?![\w/])")
    for pid, text in paragraph_texts(clean):
        for pat in furniture:
            m = re.search(pat, text)
            if m and not (pid.startswith(("op", "pp", "annex")) and m.group(0) == symbol and clean.get("document_type") == "amendment"):
                problems.append(f"furniture {m.group(0)!r} in {pid}")
    if clean.get("symbol") != symbol:
        problems.append(f"symbol {clean.get('symbol')!r} != {symbol!r}")
    if facts["title"] and _norm(clean.get("title") or "") != _norm(facts["title"]):
        problems.append(f"title {clean.get('title')!r} != {facts['title']!r}")
    kind = clean.get("document_type")
    if "/L." in symbol:
        statement = facts.get("statement") or ""
        printed = re.search(r"(?i)(revised draft|draft)\s+(resolution|decision)s?|amendment", statement)
        want = None
        if printed:
            want = "amendment" if printed.group(0).lower().startswith("amendment") else \
                f"{'revised ' if '/Rev.' in symbol else ''}draft {printed.group(2).lower()}"
        elif "Note by" in " ".join(str(x) for x in (clean.get("header") or {}).get("lines", [])):
            want = "other"
        if kind != want:
            problems.append(f"document_type {kind!r} != {want!r} (printed {statement[-40:]!r})")
        if printed and not printed.group(0).lower().startswith("draft resolution submitted") and ":" in statement:
            who = re.sub(r"\s*:\s*\**\s*$", "", statement[:statement.rfind(":") + 1])
            if _names(_statement_of(clean)) != _names(who):
                problems.append(f"sponsors {_statement_of(clean)[:60]!r} != printed {who[:60]!r}")
        elif re.match(r"(?i)draft (resolution|decision)s? submitted by", statement):
            by = re.sub(r"(?i)^draft (?:resolution|decision)s? submitted by (?:the )?", "", statement)
            if not clean.get("sponsors") or not _norm(by).startswith(_norm(clean["sponsors"][0])):
                problems.append(f"sponsors {clean.get('sponsors')} != printed {by[:60]!r}")
        got = [a["num"] for a in clean.get("agenda_items", [])]
        if facts.get("agenda") and got != facts["agenda"]:
            problems.append(f"agenda items {got} != printed {facts['agenda']}")
    return problems


def bench_born(pdfs: list[Path], work: Path, workers: list[int]) -> dict:
    print("== Born-digital PDFs ==")
    # extraction alone
    cache = work / "extract-only" / "clean" / ".stages"
    pages = secs = 0.0
    for p in pdfs:
        src = Source(path=str(p), sha256=hashlib.sha256(p.read_bytes()).hexdigest(), kind="pdf")
        t = time.perf_counter()
        doc = extract_pdf(p, src, settings={}, cache_dir=cache)
        secs += time.perf_counter() - t
        pages += len(doc.pages)
    per_page = secs / pages
    print(f"extract_pdf alone: {len(pdfs)} PDFs, {int(pages)} pages, {secs:.1f} s, "
          f"{per_page * 1000:.0f} ms/page")
    res = {"docs": len(pdfs), "pages": int(pages), "extract_ms_per_page": round(per_page * 1000, 1), "runs": {}}
    project = None
    for w in workers:
        project = make_project(work / f"born-w{w}", pdfs)
        elapsed = run_pipeline(project, w)
        res["runs"][w] = {"seconds": round(elapsed, 1), "pages_per_minute": round(pages / elapsed * 60, 1)}
        print(f"whole pipeline, {w} worker(s): {elapsed:.1f} s, {pages / elapsed * 60:.0f} pages/min")
    ok = 0
    failures = {}
    counts = {"operative": 0, "footnotes": 0, "anchored": 0}
    by_type: dict[str, list[int]] = {}
    for p in pdfs:
        path = project / "clean" / f"{p.stem}.json"
        if not path.exists():
            failures[p.stem] = ["no clean output (failed: see clean/failed/)"]
            continue
        clean = json.loads(path.read_text())
        counts["operative"] += len(clean["operative"])
        counts["footnotes"] += len(clean["footnotes"])
        counts["anchored"] += sum(1 for f in clean["footnotes"] if f["anchored"])
        problems = check_born(clean, p, reference_facts(p))
        kind = clean.get("document_type") or "unknown"
        row = by_type.setdefault(kind, [0, 0])
        row[1] += 1
        row[0] += not problems
        if problems:
            failures[p.stem] = problems
        else:
            ok += 1
    print(f"documents passing every check: {ok}/{len(pdfs)}; operative paragraphs {counts['operative']}, "
          f"footnotes {counts['footnotes']} ({counts['anchored']} anchored)")
    for kind, (n_ok, n) in sorted(by_type.items()):
        print(f"  {kind:<26} {n_ok}/{n} pass")
    for doc, probs in failures.items():
        print(f"  {doc}: " + "; ".join(probs[:4]))
    res.update({"passing": ok, "failures": failures, **counts, "by_type": by_type, "project": str(project)})
    return res


# ---------------------------------------------------------------- scans
def flatten(clean: dict) -> str:
    parts = [clean.get("title") or ""]
    for sec in ("preamble", "operative"):
        for p in clean.get(sec, []):
            parts.append(((p.get("num") or "") + ". " if p.get("num") else "") + p["text"])
            parts += [f"{it.get('num') or ''} {it['text']}" for it in p.get("items", [])]
    if clean.get("closing"):
        parts.append(clean["closing"].get("text", ""))
    parts += [f"{f['num']} {f['text']}" for f in clean.get("footnotes", [])]
    return _norm(" ".join(parts))


def structure_differences(out: dict, ref: dict) -> list[str]:
    """Where a scan's clean output is built differently from its born-digital original's."""
    diffs = []
    for what, get in (("preambular", lambda d: len(d["preamble"])), ("operative", lambda d: len(d["operative"])),
                      ("footnotes", lambda d: [f["num"] for f in d["footnotes"]]),
                      ("anchored", lambda d: sum(f["anchored"] for f in d["footnotes"])),
                      ("closing", lambda d: bool(d.get("closing")))):
        if get(out) != get(ref):
            diffs.append(f"{what} {get(out)} vs {get(ref)}")
    return diffs


def cer(hyp: str, ref: str) -> float:
    return Levenshtein.distance(hyp, ref) / max(1, len(ref))


def raw_tesseract_text(project: Path, doc_id: str) -> str:
    ext = sorted((project / "clean" / ".stages" / "extract").glob(f"{doc_id}-*.json"))
    meta = json.loads(ext[-1].read_text())["meta"]
    folder = project / "clean" / ".stages" / "ocr" / meta["ocr"]["cache_key"]
    words = []
    for n in meta["ocr_pages"]:
        data = json.loads((folder / f"page-{n}.json").read_text())["data"]
        words += [t for t, lv in zip(data["text"], data["level"]) if lv == 5 and t.strip()]
    return _norm(" ".join(words))


def extract_timing(project: Path) -> dict:
    tot = {"extract_seconds": 0.0, "ocr_seconds": 0.0, "image_seconds": 0.0, "analysis_seconds": 0.0, "pages": 0}
    for f in (project / "clean" / ".stages" / "extract").glob("*.json"):
        meta = json.loads(f.read_text()).get("meta", {})
        t = meta.get("timing", {})
        for k in ("extract_seconds", "ocr_seconds", "image_seconds", "analysis_seconds"):
            tot[k] += t.get(k, 0.0)
        tot["pages"] += len(meta.get("ocr_pages", []))
    return tot


def tesseract_in_run(project: Path) -> float:
    """Seconds the pipeline's own Tesseract calls took reading the pages (each page's record says)."""
    return sum(json.loads(f.read_text())["seconds"] for f in (project / "clean" / ".stages" / "ocr").glob("*/page-*.json"))


def tesseract_inputs(pdfs: list[Path], dpi: int, dest: Path) -> list[Path]:
    """The page images the pipeline gives Tesseract: the same functions, so the same pixels."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for src in pdfs:
        pdf = pdfium.PdfDocument(str(src))
        try:
            for i in range(len(pdf)):
                image, _ = ocr_image.deskew(ocr_image.page_image(pdf, i, dpi))
                out.append(dest / f"{src.stem}-{i + 1}.pgm")
                image.save(out[-1])
        finally:
            pdf.close()
    return out


def tesseract_cli(images: list[Path], parallel: int = 1) -> dict:
    """Tesseract's own time: the command on the page images the pipeline fed it, same config.

    Wall seconds with ``parallel`` commands at a time, and CPU seconds.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(png: Path) -> None:
        subprocess.run(["tesseract", str(png), "-", "-l", "eng", *TESSERACT_CONFIG.split(), "tsv"],
                       capture_output=True, check=True, env=env)

    c0 = children_cpu()
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(one, images))
    return {"seconds": time.perf_counter() - t, "cpu_seconds": children_cpu() - c0, "pages": len(images)}


def bench_scans(srcs: list[Path], work: Path, born_project: Path, seed: int, repeat: int = 1) -> dict:
    print("\n== Scanned PDFs ==")
    res: dict = {"docs": [p.stem for p in srcs]}
    scans = {v: [make_scan(p, work / "scans" / v / p.name, v, seed) for p in srcs]
             for v in ("clean300", "degraded200")}
    pages = sum(page_count(p) for p in srcs)
    res["pages"] = pages
    print(f"{len(srcs)} documents, {pages} pages per variant: {', '.join(p.stem for p in srcs)}")
    # Speed: rounds of (tesseract alone one at a time, two at a time, the pipeline with 1 worker,
    # with 2 workers), interleaved so that the machine's drift (several per cent over minutes on
    # this shared VM) touches both sides alike; each round gives its own ratios, the median is reported.
    tmp = tempfile.TemporaryDirectory()
    images = tesseract_inputs(scans["clean300"], 300, Path(tmp.name))
    n = len(images)
    rounds = []
    for r in range(repeat):
        row: dict = {"cli1": tesseract_cli(images, parallel=1), "cli2": tesseract_cli(images, parallel=2)}
        for workers in (1, 2):
            project = make_project(work / f"scan-clean300-w{workers}", scans["clean300"])
            cpu: dict = {}
            row[f"w{workers}"] = {"seconds": run_pipeline(project, workers, cpu), "cpu_seconds": cpu["seconds"],
                                  "tesseract_in_run": tesseract_in_run(project), **extract_timing(project)}
        rounds.append(row)
        print(f"round {r + 1}/{repeat}: tesseract alone {row['cli1']['seconds']:.1f} s (two at a time "
              f"{row['cli2']['seconds']:.1f} s); pipeline 1 worker {row['w1']['seconds']:.1f} s, "
              f"2 workers {row['w2']['seconds']:.1f} s")
    tmp.cleanup()
    project = make_project(work / "scan-degraded200-w2", scans["degraded200"])
    elapsed = run_pipeline(project, 2)
    runs = {("clean300", 2): work / "scan-clean300-w2", ("degraded200", 2): project}
    print(f"pipeline on degraded200 scans, 2 workers: {elapsed:.1f} s, {pages / elapsed * 60:.1f} pages/min")

    def med(f) -> float:
        return statistics.median(f(row) for row in rounds)

    def spread(f) -> str:
        vals = sorted(f(row) * 100 for row in rounds)
        return f"{vals[0]:+.1f}% .. {vals[-1]:+.1f}%" if len(vals) > 1 else ""

    ratios = {
        "pipeline_overhead_vs_cli": lambda r: r["w1"]["seconds"] / r["cli1"]["seconds"] - 1,
        "pipeline_overhead_vs_own_tesseract": lambda r: r["w1"]["seconds"] / r["w1"]["tesseract_in_run"] - 1,
        "pipeline_cpu_overhead_vs_cli": lambda r: r["w1"]["cpu_seconds"] / r["cli1"]["cpu_seconds"] - 1,
        "pipeline_2_workers_overhead_vs_cli_2_parallel": lambda r: r["w2"]["seconds"] / r["cli2"]["seconds"] - 1,
    }
    res["ocr"] = {
        "pages": n, "rounds": repeat,
        "extract_s_per_page": round(med(lambda r: r["w1"]["extract_seconds"]) / n, 3),
        "tesseract_call_s_per_page": round(med(lambda r: r["w1"]["ocr_seconds"]) / n, 3),
        "image_s_per_page": round(med(lambda r: r["w1"]["image_seconds"]) / n, 3),
        "marker_analysis_s_per_page": round(med(lambda r: r["w1"]["analysis_seconds"]) / n, 3),
        "tesseract_cli_s_per_page": round(med(lambda r: r["cli1"]["seconds"]) / n, 3),
        "tesseract_cli_cpu_s_per_page": round(med(lambda r: r["cli1"]["cpu_seconds"]) / n, 3),
        "pages_per_minute_1_worker": round(n / med(lambda r: r["w1"]["seconds"]) * 60, 1),
        "pages_per_minute_2_workers": round(n / med(lambda r: r["w2"]["seconds"]) * 60, 1),
        "tesseract_pages_per_minute_1": round(n / med(lambda r: r["cli1"]["seconds"]) * 60, 1),
        "tesseract_pages_per_minute_2": round(n / med(lambda r: r["cli2"]["seconds"]) * 60, 1),
        **{k: round(med(f), 3) for k, f in ratios.items()},
        "rounds_raw": [{k: {kk: round(vv, 3) for kk, vv in v.items()} for k, v in row.items()} for row in rounds],
    }
    o = res["ocr"]
    print(f"OCR in the Extract tasks: {o['extract_s_per_page']} s/page (Tesseract call {o['tesseract_call_s_per_page']}, "
          f"overlapped with it: render/deskew/save {o['image_s_per_page']}, rules and markers "
          f"{o['marker_analysis_s_per_page']}; pages read ahead while the previous document finished are not counted)")
    print(f"tesseract command alone on the same {n} page images: {o['tesseract_cli_s_per_page']} s/page, "
          f"{o['tesseract_cli_cpu_s_per_page']} CPU s/page")
    print(f"pages per minute: pipeline {o['pages_per_minute_1_worker']} (1 worker), {o['pages_per_minute_2_workers']} "
          f"(2 workers); tesseract alone {o['tesseract_pages_per_minute_1']} (one at a time), "
          f"{o['tesseract_pages_per_minute_2']} (two at a time)")
    print(f"overhead over Tesseract's own on the same pages (median of {repeat} rounds, and range):")
    print(f"  whole pipeline, 1 worker, wall clock        {o['pipeline_overhead_vs_cli'] * 100:+.1f}%   {spread(ratios['pipeline_overhead_vs_cli'])}")
    print(f"  whole pipeline, 1 worker, wall clock, against its own Tesseract calls in the same run "
          f"(no drift between the two)   {o['pipeline_overhead_vs_own_tesseract'] * 100:+.1f}%   "
          f"{spread(ratios['pipeline_overhead_vs_own_tesseract'])}")
    print(f"  whole pipeline, 1 worker, CPU time          {o['pipeline_cpu_overhead_vs_cli'] * 100:+.1f}%   {spread(ratios['pipeline_cpu_overhead_vs_cli'])}")
    print(f"  whole pipeline, 2 workers vs 2 tesseracts   {o['pipeline_2_workers_overhead_vs_cli_2_parallel'] * 100:+.1f}%   "
          f"{spread(ratios['pipeline_2_workers_overhead_vs_cli_2_parallel'])}")
    # accuracy against the born-digital clean output
    print(f"\n{'document':<18}{'variant':<13}{'CER clean':>10}{'CER raw tess.':>15}   structure as born-digital")
    table = []
    for variant, workers in (("clean300", 2), ("degraded200", 2)):
        project = runs[(variant, workers)]
        for p in srcs:
            ref_path = born_project / "clean" / f"{p.stem}.json"
            out_path = project / "clean" / f"{p.stem}.json"
            if not (ref_path.exists() and out_path.exists()):
                print(f"{p.stem:<18}{variant:<13}{'missing':>10}")
                continue
            ref_doc, out_doc = json.loads(ref_path.read_text()), json.loads(out_path.read_text())
            ref = flatten(ref_doc)
            clean_cer = cer(flatten(out_doc), ref)
            raw_cer = cer(raw_tesseract_text(project, p.stem), ref)
            same = structure_differences(out_doc, ref_doc)
            table.append({"doc": p.stem, "variant": variant, "cer_clean": clean_cer, "cer_raw": raw_cer,
                          "ref_chars": len(ref), "structure_differences": same})
            print(f"{p.stem:<18}{variant:<13}{clean_cer * 100:>9.2f}%{raw_cer * 100:>14.2f}%   {'; '.join(same) or 'same'}")
    for variant in ("clean300", "degraded200"):
        rows = [r for r in table if r["variant"] == variant]
        if rows:
            chars = sum(r["ref_chars"] for r in rows)
            agg_clean = sum(r["cer_clean"] * r["ref_chars"] for r in rows) / chars
            agg_raw = sum(r["cer_raw"] * r["ref_chars"] for r in rows) / chars
            worst = max(r["cer_clean"] for r in rows)
            res[f"cer_{variant}"] = {"clean": round(agg_clean, 4), "raw": round(agg_raw, 4),
                                     "worst_clean": round(worst, 4),
                                     "docs_within_1pct": sum(1 for r in rows if r["cer_clean"] <= 0.01),
                                     "docs_same_structure": sum(1 for r in rows if not r["structure_differences"])}
            print(f"{'all':<18}{variant:<13}{agg_clean * 100:>9.2f}%{agg_raw * 100:>14.2f}%   "
                  f"(worst clean {worst * 100:.2f}%, {res[f'cer_{variant}']['docs_within_1pct']}/{len(rows)} within 1%, "
                  f"{res[f'cer_{variant}']['docs_same_structure']}/{len(rows)} with the structure of the born-digital)")
    res["table"] = table
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, nargs="+", default=CORPORA,
                    help="folders of born-digital PDFs (default: the resolutions and the drafts)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/pdf_bench"))
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="born-digital runs with these worker counts")
    ap.add_argument("--scan-docs", type=int, default=8, help="how many short corpus PDFs to scan")
    ap.add_argument("--scan-max-pages", type=int, default=3, help="scan only corpus PDFs this short")
    ap.add_argument("--skip-scans", "--born-digital-only", action="store_true", help="the born-digital checks alone")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=1, help="rounds of the OCR speed comparison (median reported)")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} at start")
    out: dict = {"born": {}}
    first = None
    for folder in args.corpus:
        pdfs = sorted(folder.glob("*.pdf"))
        print(f"\n### {folder} ({len(pdfs)} PDFs)")
        born = bench_born(pdfs, args.work / folder.name, workers=args.workers)
        out["born"][str(folder)] = born
        first = first or (folder, born)
    if not args.skip_scans:
        folder, born = first
        out["scans"] = bench_scans(pick(folder, args.scan_docs, args.scan_max_pages), args.work, Path(born["project"]), args.seed,
                                    args.repeat)
    out["load_average_end"] = os.getloadavg()[0]
    (args.work / "pdf_bench.json").write_text(json.dumps(out, indent=1, default=str))
    print(f"\nfigures saved to {args.work / 'pdf_bench.json'}; load average {out['load_average_end']:.1f} at end")


if __name__ == "__main__":
    main()

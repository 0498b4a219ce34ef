"""Scan benchmark: raw Tesseract, OCRmyPDF and the pipeline side by side, per family of damage.

    nice python3 bench/scan_bench.py                          # 20 documents, first page, every family
    nice python3 bench/scan_bench.py --docs 4 --families clean300,bilevel200 --pages 2
    nice python3 bench/scan_bench.py --workers-check          # also pages/min with 1 and 2 workers, peak memory

For each of ``--docs`` corpus resolutions (the first N in name order), its first
``--pages`` pages are cut into a born-digital PDF of their own; the pipeline's
output of that PDF is the reference.  Each family of ``bench/scan_families.py``
(seeded; parameters documented there) makes a scan of those pages, and three
readers read the same scan in one run:

* **tesseract**: ``pdftoppm -r 300 -gray`` then ``tesseract --oem 1 --psm 3`` per page (one thread);
* **ocrmypdf**: ``ocrmypdf --deskew --clean --rotate-pages --output-type pdf --jobs 1``, then ``pdftotext``;
* **pipeline**: :func:`pipeline.run.stages.process` in a fresh project (no cache), the canonical JSON.

Scored against the reference's body (preambular and operative paragraphs, their
sub-items, footnote texts), fairly: text a reader keeps that is not body (page
furniture, mastheads) is not counted against it; only body words it misses or misreads.

* **BoW error**: 1 - (body words found in the reader's words, as a multiset) / body words.
  Words are lower-cased letters and digits; a hyphen between letters and a hyphen
  ending a line are dropped on both sides ("non-\\nproliferation" = "non-proliferation"),
  and a one- or two-digit footnote marker glued to a word is cut off ("Assembly1").
* **body CER**: each reference paragraph is aligned to its best window of the reader's
  text (rapidfuzz's partial-ratio alignment); edit distance over the paragraph's length, summed.
* **paragraphs**: documents whose preambular and operative counts equal the reference's (pipeline only:
  the others give no structure).
* **anchor F1**: footnote anchors (paragraph, note number) against the reference's (pipeline only).
* **masthead**: documents whose symbol, date and title equal the reference's (pipeline only): what the
  masthead and title block give, through the emblem's scraps and a misread symbol.
* **pages/min** of each reader, wall clock, one at a time on the same machine.

Speed lines: the pipeline's wall time over Tesseract's alone on the clean 300 dpi family (the same
page images; target <= 1.1), with the CPU time ratio beside it (the pipeline's threads and Tesseract
processes against the ``tesseract`` processes); over OCRmyPDF's on the other families (target <= 0.8); with
``--workers-check``, pages per minute of ``luigi ... CleanAll`` with 1 and 2 workers over the poor
families' scans, and the peak memory of a worker.  With ``--batch N`` (``--families ""`` for it
alone), N documents' clean 300 dpi first pages cleaned as one batch by ``uncleaner run`` (1 worker,
which reads the next scan ahead; then 2 workers) against ``tesseract`` alone run one (then two) at a
time on the same page images: wall and CPU time (children included) of each, so that overlap is
never mistaken for less work.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pypdfium2 as pdfium  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from scan_families import ALL, FAMILIES, family_names, make_scan  # noqa: E402

CORPUS = Path("/work/shared/corpus/un-pdfs")
GOOD_FAMILY = "clean300"


# ---------------------------------------------------------------- inputs
def cut_pages(src: Path, out: Path, pages: int) -> int:
    """The first ``pages`` pages of ``src`` as a PDF of their own; returns how many."""
    doc = pdfium.PdfDocument(str(src))
    n = min(pages, len(doc))
    new = pdfium.PdfDocument.new()
    new.import_pages(doc, list(range(n)))
    out.parent.mkdir(parents=True, exist_ok=True)
    new.save(str(out))
    new.close()
    doc.close()
    return n


def process(pdf: Path, clean_dir: Path) -> tuple[dict | None, str | None]:
    """The pipeline's canonical JSON of ``pdf`` in a fresh project (None and the reason if it failed)."""
    from pipeline.extract.errors import ExtractError
    from pipeline.settings import Settings
    from pipeline.run.stages import process as run

    settings = Settings(clean_dir=clean_dir, dictionaries_dir=ROOT / "dictionaries",
                        decisions_file=clean_dir / "decisions.json")
    try:
        doc, _ = run(pdf, settings, rel_path=pdf.name)
    except ExtractError as exc:
        return None, str(exc)
    return doc, None


# ---------------------------------------------------------------- readers
def cpu_seconds(children: bool = True) -> float:
    """CPU seconds (user + system) of this process's threads, and of its children with ``children`` (the Tesseract
    engines still running included)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    if children:
        from pipeline.extract.ocr import engine

        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += ru.ru_utime + ru.ru_stime + engine.running_cpu_seconds()  # engines still running: not yet counted
    return total


def read_tesseract(pdf: Path, tmp: Path) -> tuple[str, float, float, float]:
    """(text, wall seconds in all, wall seconds of tesseract alone, its CPU seconds) for the pages of ``pdf``."""
    t0 = time.perf_counter()
    stem = tmp / "page"
    subprocess.run(["pdftoppm", "-r", "300", "-gray", str(pdf), str(stem)], check=True)
    texts, tess, cpu = [], 0.0, 0.0
    for img in sorted(tmp.glob("page*.pgm")):
        t, c = time.perf_counter(), cpu_seconds()
        r = subprocess.run(["tesseract", str(img), "-", "--oem", "1", "--psm", "3", "-l", "eng"],
                           capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        tess += time.perf_counter() - t
        cpu += cpu_seconds() - c
        texts.append(r.stdout)
        img.unlink()
    return "\n".join(texts), time.perf_counter() - t0, tess, cpu


def read_ocrmypdf(pdf: Path, tmp: Path) -> tuple[str, float]:
    t0 = time.perf_counter()
    out = tmp / "ocr.pdf"
    r = subprocess.run(["ocrmypdf", "--deskew", "--clean", "--rotate-pages", "--output-type", "pdf", "--jobs", "1",
                        "-l", "eng", "--quiet", str(pdf), str(out)], capture_output=True, text=True,
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    if r.returncode != 0:
        return "", time.perf_counter() - t0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    out.unlink()
    return text, time.perf_counter() - t0


# ---------------------------------------------------------------- scoring
def body_paragraphs(doc: dict) -> list[str]:
    parts = []
    for sec in ("preamble", "operative"):
        for p in doc.get(sec, []):
            parts.append(p["text"])
            parts += [it["text"] for it in p.get("items", [])]
    parts += [f["text"] for f in doc.get("footnotes", [])]
    return [" ".join(p.split()) for p in parts if p.strip()]


def normalise(text: str) -> str:
    text = re.sub(r"(?<=[A-Za-z])[-\u00ad\u2010\u2011]\s*\n\s*(?=[a-z])", "", text)  # a word broken at a line end
    text = re.sub(r"(?<=[A-Za-z])[-\u2010\u2011](?=[A-Za-z])", "", text)
    return " ".join(text.split())


def words(text: str) -> Counter:
    out = Counter()
    for w in re.findall(r"\w+", normalise(text).lower()):
        w = re.sub(r"^([^\W\d_]{3,})\d{1,2}$", r"\1", w)  # a footnote marker glued to its word
        out[w] += 1
    return out


def bow_error(ref: list[str], hyp: str) -> tuple[int, int]:
    """(body words missed, body words) of ``hyp`` against the reference paragraphs."""
    want = words(" ".join(ref))
    total = sum(want.values())
    return sum(missed_words(ref, hyp).values()), total


def missed_words(ref: list[str], hyp: str) -> Counter:
    """The reference's body words ``hyp`` lacks, each as often as it lacks it (``--misses`` prints them)."""
    want, have = words(" ".join(ref)), words(hyp)
    return Counter({w: n - have[w] for w, n in want.items() if have[w] < n})


def body_cer(ref: list[str], hyp: str) -> tuple[int, int]:
    """(edit distance, characters) of the reference paragraphs against their best windows in ``hyp``."""
    hyp = normalise(hyp)
    dist = chars = 0
    for para in ref:
        para = normalise(para)
        if not hyp:
            dist += len(para)
        else:
            al = fuzz.partial_ratio_alignment(para, hyp)
            window = hyp[al.dest_start:al.dest_end]
            dist += Levenshtein.distance(para, window)
        chars += len(para)
    return dist, chars


def anchors(doc: dict) -> set[tuple[str, str]]:
    out = set()
    for sec in ("preamble", "operative"):
        for i, p in enumerate(doc.get(sec, [])):
            for n in p.get("notes", []):
                out.add((f"{sec}{i}", str(n["num"])))
            for j, it in enumerate(p.get("items", [])):
                for n in it.get("notes", []):
                    out.add((f"{sec}{i}.{j}", str(n["num"])))
    return out


MASTHEAD_FIELDS = ("symbol", "date", "title")


def masthead_equal(doc: dict, ref: dict) -> bool:
    """The symbol, date and title as the born-digital output gives them (spacing aside)."""
    def norm(v):
        return " ".join(v.split()) if isinstance(v, str) else v
    return all(norm(doc.get(k)) == norm(ref.get(k)) for k in MASTHEAD_FIELDS)


def f1(got: set, want: set) -> tuple[int, int, int]:
    """(true positives, found, wanted)."""
    return len(got & want), len(got), len(want)


# ---------------------------------------------------------------- the run
def bench(srcs: list[Path], families: list[str], pages: int, work: Path, seed: int, readers: list[str],
          per_family: int = 0, show_misses: bool = False) -> dict:
    """Every family over every document, or over ``per_family`` of them, taken in turn so all are used."""
    born_dir = work / "born"
    refs: dict[str, tuple[Path, int, dict]] = {}
    for src in srcs:
        born = born_dir / src.name
        n = cut_pages(src, born, pages)
        doc, err = process(born, work / "clean-born")
        if doc is None:
            print(f"  {src.stem}: born-digital reference failed ({err}); left out")
            continue
        refs[src.stem] = (born, n, doc)
    results: dict[str, dict] = {}
    stems = list(refs)
    for fam in families:
        i = ALL.index(fam)  # a family reads the same documents whichever families run with it
        chosen = stems if not per_family else [stems[(i * per_family + j) % len(stems)] for j in range(per_family)]
        r = {k: 0.0 for k in ("pages", "docs", "para_ok", "masthead_ok", "tp", "found", "wanted")}
        for reader in readers:
            r[reader] = {"missed": 0, "words": 0, "dist": 0, "chars": 0, "seconds": 0.0, "tess_seconds": 0.0,
                         "cpu_seconds": 0.0, "failed": 0}
        statuses = Counter()
        for stem in chosen:
            born, n, ref = refs[stem]
            scan = make_scan(born, work / fam / f"{stem}.pdf", fam, seed, list(range(n)))
            body = body_paragraphs(ref)
            r["pages"] += n
            r["docs"] += 1
            with tempfile.TemporaryDirectory(dir=work) as tmp:
                for reader in readers:
                    acc = r[reader]
                    if reader == "tesseract":
                        text, sec, tess, cpu = read_tesseract(scan, Path(tmp))
                        acc["tess_seconds"] += tess
                        acc["cpu_seconds"] += cpu
                    elif reader == "ocrmypdf":
                        text, sec = read_ocrmypdf(scan, Path(tmp))
                    else:
                        clean = Path(tmp) / "clean"
                        t, c = time.perf_counter(), cpu_seconds()
                        doc, err = process(scan, clean)
                        sec = time.perf_counter() - t
                        acc["cpu_seconds"] += cpu_seconds() - c  # its threads and its Tesseract processes
                        shutil.rmtree(clean, ignore_errors=True)
                        if doc is None:
                            acc["failed"] += 1
                            statuses["failed: " + err.split(": ", 1)[-1][:60]] += 1
                            text = ""
                        else:
                            statuses[(doc.get("ocr") or {}).get("status", "?")] += 1
                            text = " ".join(body_paragraphs(doc))
                            r["para_ok"] += (len(doc["preamble"]), len(doc["operative"])) == \
                                (len(ref["preamble"]), len(ref["operative"]))
                            same = masthead_equal(doc, ref)
                            r["masthead_ok"] += same
                            if show_misses and not same:
                                for k in MASTHEAD_FIELDS:
                                    if doc.get(k) != ref.get(k):
                                        print(f"    {fam} {stem} masthead {k}: {str(doc.get(k))[:90]!r} "
                                              f"(born-digital {str(ref.get(k))[:60]!r})", flush=True)
                            tp, found, wanted = f1(anchors(doc), anchors(ref))
                            r["tp"] += tp
                            r["found"] += found
                            r["wanted"] += wanted
                    missed, total = bow_error(body, text)
                    if show_misses and missed:
                        lost = " ".join(f"{w}" + (f"x{n}" if n > 1 else "")
                                        for w, n in sorted(missed_words(body, text).items()))
                        print(f"    {fam} {stem} {reader} missed {missed}: {lost}", flush=True)
                    dist, chars = body_cer(body, text)
                    acc.update(missed=acc["missed"] + missed, words=acc["words"] + total,
                               dist=acc["dist"] + dist, chars=acc["chars"] + chars, seconds=acc["seconds"] + sec)
        r["statuses"] = dict(statuses)
        results[fam] = r
        print_family(fam, r, readers)
    return results


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "-"


def print_family(fam: str, r: dict, readers: list[str]) -> None:
    cells = []
    for reader in readers:
        a = r[reader]
        bow = a["missed"] / a["words"] if a["words"] else 0.0
        cer = a["dist"] / a["chars"] if a["chars"] else 0.0
        ppm = 60 * r["pages"] / a["seconds"] if a["seconds"] else 0.0
        cells.append(f"{reader} BoW {bow:.2%} CER {cer:.2%} {ppm:.1f} p/min")
    f1s = "-"
    if r["wanted"] or r["found"]:
        p = r["tp"] / r["found"] if r["found"] else 0.0
        rc = r["tp"] / r["wanted"] if r["wanted"] else 0.0
        f1s = f"{2 * p * rc / (p + rc):.3f}" if p + rc else "0.000"
    print(f"{fam:16} {int(r['docs'])} docs {int(r['pages'])} pages | " + " | ".join(cells)
          + f" | paragraphs {int(r['para_ok'])}/{int(r['docs'])} | masthead {int(r.get('masthead_ok', 0))}/{int(r['docs'])}"
          + f" | anchor F1 {f1s} ({int(r['tp'])}/{int(r['wanted'])})"
          + f" | verdicts {r.get('statuses', {})}", flush=True)


def print_speed(results: dict, readers: list[str]) -> None:
    if "pipeline" not in readers:
        return
    if GOOD_FAMILY in results and "tesseract" in readers:
        g = results[GOOD_FAMILY]
        print(f"speed {GOOD_FAMILY}: pipeline {g['pipeline']['seconds']:.1f} s, tesseract alone on the page images "
              f"{g['tesseract']['tess_seconds']:.1f} s (with pdftoppm {g['tesseract']['seconds']:.1f} s): "
              f"ratio {_ratio(g['pipeline']['seconds'], g['tesseract']['tess_seconds'])} (target <= 1.1); "
              f"CPU {g['pipeline']['cpu_seconds']:.1f} s vs {g['tesseract']['cpu_seconds']:.1f} s, "
              f"ratio {_ratio(g['pipeline']['cpu_seconds'], g['tesseract']['cpu_seconds'])}")
    if "ocrmypdf" in readers:
        poor = [f for f in results if f != GOOD_FAMILY]
        pipe = sum(results[f]["pipeline"]["seconds"] for f in poor)
        ocrm = sum(results[f]["ocrmypdf"]["seconds"] for f in poor)
        each = ", ".join(f"{f} {_ratio(results[f]['pipeline']['seconds'], results[f]['ocrmypdf']['seconds'])}"
                         for f in poor)
        print(f"speed poor families: pipeline {pipe:.1f} s vs ocrmypdf {ocrm:.1f} s: ratio {_ratio(pipe, ocrm)} "
              f"(target <= 0.8); per family: {each}")
    for f, r in results.items():
        bows = {reader: (r[reader]["missed"] / r[reader]["words"] if r[reader]["words"] else 0.0) for reader in readers}
        if "pipeline" in bows and len(bows) > 1:
            others = {k: v for k, v in bows.items() if k != "pipeline"}
            ratio = ", ".join(f"{_ratio(bows['pipeline'], v)}x {k}" if v else f"{bows['pipeline']:.2%} against 0 ({k})"
                              for k, v in others.items())
            met = all(bows["pipeline"] <= 0.5 * v for v in others.values())
            print(f"  {f}: pipeline BoW error {ratio} (target <= 0.5x each: {'met' if met else 'not met'})")


def workers_check(work: Path, families: list[str], limit: int) -> None:
    """Pages per minute of the whole CLI with 1 and 2 workers over poor families' scans; peak memory."""
    from pdf_bench import make_project, run_pipeline

    poor = [sorted((work / f).glob("*.pdf")) for f in FAMILIES if f != GOOD_FAMILY and (work / f).is_dir()]
    inputs = [p for group in zip(*poor) for p in group][:limit]  # one of each family made in ``work``, in turn
    if not inputs:
        return
    n_pages = sum(len(pdfium.PdfDocument(str(p))) for p in inputs)
    for workers in (1, 2):
        project = make_project(work / f"project-w{workers}", [])
        for p in inputs:  # names unique across families
            shutil.copy(p, project / "raw" / f"{p.parent.name}-{p.name}")
        seconds = run_pipeline(project, workers)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"workers {workers}: {len(inputs)} scans, {n_pages} pages in {seconds:.1f} s = "
              f"{60 * n_pages / seconds:.1f} pages/min; peak memory of a process so far {peak:.0f} MB", flush=True)


def batch_check(srcs: list[Path], work: Path, seed: int, docs: int) -> None:
    """The clean 300 dpi scans of ``docs`` documents cleaned as one batch by the real command, against
    ``tesseract`` alone on the same page images: 1 worker against one tesseract at a time, 2 workers
    against two at a time.  Wall time and CPU time (every child process included) of each, so that a
    run overlapping its work with Tesseract's (the read-ahead, a second core) is not mistaken for less work.
    """
    from concurrent.futures import ThreadPoolExecutor

    from pdf_bench import children_cpu, make_project  # the command's CPU: a child process and its children

    folder = work / "batch"
    scans = []
    for src in srcs[:docs]:
        born = folder / "born" / src.name
        n = cut_pages(src, born, 1)
        scans.append(make_scan(born, folder / "scans" / src.name, GOOD_FAMILY, seed, list(range(n))))
    images = []
    for scan in scans:  # the page images, made before anything is timed
        stem = folder / "images" / scan.stem
        stem.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "300", "-gray", str(scan), str(stem)], check=True)
    images = sorted((folder / "images").glob("*.pgm"))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def tesseract(img: Path) -> None:
        subprocess.run(["tesseract", str(img), "-", "--oem", "1", "--psm", "3", "-l", "eng"],
                       capture_output=True, env=env, check=True)

    print(f"batch: {len(scans)} clean300 scans, {len(images)} pages; `uncleaner run` against tesseract alone "
          f"on the page images", flush=True)
    for workers in (1, 2):
        c0, t = children_cpu(), time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(tesseract, images))
        tess_wall, tess_cpu = time.perf_counter() - t, children_cpu() - c0
        project = make_project(folder / f"project-w{workers}", scans)
        cmd = [sys.executable, "-m", "pipeline.command.cli", "run", "--workers", str(workers)]
        c0, t = children_cpu(), time.perf_counter()
        r = subprocess.run(cmd, cwd=project, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
        wall, cpu = time.perf_counter() - t, children_cpu() - c0
        if r.returncode != 0:
            print(r.stdout[-2000:], r.stderr[-2000:], sep="\n")
        print(f"batch {workers} worker{'s' if workers > 1 else ''} (tesseract {workers} at a time): "
              f"wall {wall:.1f} s vs {tess_wall:.1f} s, ratio {_ratio(wall, tess_wall)}; "
              f"CPU {cpu:.1f} s vs {tess_cpu:.1f} s, ratio {_ratio(cpu, tess_cpu)} (target <= 1.1 on wall time)"
              + (f"; exit {r.returncode}" if r.returncode else ""), flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20)
    ap.add_argument("--skip", type=int, default=0, help="start after this many corpus documents")
    ap.add_argument("--corpus", type=Path, default=CORPUS,
                    help="folder of born-digital PDFs to scan (default: the 40 resolutions; "
                         "/work/shared/corpus/un-drafts for drafts, decisions and amendments)")
    ap.add_argument("--pages", type=int, default=1, help="first N pages of each document")
    ap.add_argument("--per-family", type=int, default=0,
                    help="read only N documents per family, each family the next N in turn (0: all)")
    ap.add_argument("--families", default=",".join(FAMILIES),
                    help="names, or 'variants' for the held-out ones (bench/scan_families.py)")
    ap.add_argument("--readers", default="tesseract,ocrmypdf,pipeline")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--work", type=Path, default=None, help="folder for scans and projects (default: a temp dir)")
    ap.add_argument("--workers-check", action="store_true")
    ap.add_argument("--workers-docs", type=int, default=11, help="scans in the 1- and 2-worker runs")
    ap.add_argument("--batch", type=int, default=0, metavar="N",
                    help="also clean N documents' clean300 scans as one batch with `uncleaner run` (1 and 2 workers) "
                         "against tesseract alone on the same page images: wall and CPU time ratios")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here too")
    ap.add_argument("--misses", action="store_true", help="print each reader's missed body words per document, and the pipeline's masthead differences")
    args = ap.parse_args(argv)
    srcs = sorted(args.corpus.glob("*.pdf"))[args.skip:args.skip + args.docs]
    families = family_names(args.families)  # --families "" with --batch: the batch figure alone
    readers = args.readers.split(",")
    work = args.work or Path(tempfile.mkdtemp(prefix="scan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{len(srcs)} documents, first {args.pages} pages, families {', '.join(families)}; readers "
          f"{', '.join(readers)}; seed {args.seed}; work in {work}", flush=True)
    if "pipeline" in readers:  # load the lexicon and start Tesseract once before anything is timed
        from pipeline.lexicon import load_lexicon, user_cache_dir

        load_lexicon(ROOT / "dictionaries", user_cache_dir())
    if families:
        results = bench(srcs, families, args.pages, work, args.seed, readers, args.per_family, args.misses)
        print_speed(results, readers)
    else:
        results = {}
    if args.batch:
        batch_check(srcs, work, args.seed, args.batch)
    if args.workers_check:
        workers_check(work, families, args.workers_docs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

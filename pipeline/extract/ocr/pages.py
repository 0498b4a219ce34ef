"""A PDF's scanned pages read into layouts: the cache first, then Tesseract, pipelined, then the markers.

Tesseract runs as its own process, so the pages are pipelined: while it
reads page n, this process finds page n's ink and rules and saves its image
for the review report, renders and deskews page n+1, and finds the raised
markers of page n-1.  The markers of all pages are then read in one Tesseract call.
At most two page images are in memory at once.

A read-ahead (:class:`pipeline.extract.readahead.ReadAhead`), when one is
handed in, may be reading this PDF's first page: reading waits for it first,
and tells it when Tesseract is free for the next document.  The page image it
read is handed over in memory, so the page is not rendered a second time for
its analysis.
"""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pypdfium2 as pdfium
from PIL import Image

from pipeline.extract.layout_pdf import PageLayout
from pipeline.extract.ocr import cache, chain, markers, tesseract
from pipeline.extract.ocr.image import PageInput, build_image, page_image, tesseract_input
from pipeline.extract.ocr.layout import page_layout_from_ocr
from pipeline.extract.pdfium_lock import PDFIUM
from pipeline.files import temp_dir_in

if TYPE_CHECKING:
    from pipeline.extract.readahead import ReadAhead

TIMING_KEYS = ("ocr_seconds", "ocr_total_seconds", "image_seconds", "analysis_seconds")


def ocr_page_layouts(path: Path, numbers: list[int], *, sha256: str, dpi: int, lang: str,
                     cache_dir: Path, readahead: ReadAhead | None = None) -> tuple[list[PageLayout], dict]:
    """OCR the given 1-based pages of a PDF (cached) and return their layouts and the OCR meta."""
    folder, version = cache.cache_folder(cache_dir, sha256, dpi, lang)
    run = _Run(folder=folder, version=version, dpi=dpi, lang=lang)
    t_all = time.perf_counter()
    if readahead is not None:
        readahead.take(path)  # a page of this PDF may be being read ahead

    def tesseract_free() -> None:  # the next scan's first page can be read
        if readahead is not None:
            readahead.after_last_page(path)

    run.pages = {n: cache.load_page(folder / f"page-{n}.json") for n in numbers}
    todo = [n for n in numbers if run.pages[n] is None]
    if not todo:
        tesseract_free()
    run.stats["ocr_cached_pages"] = len(numbers) - len(todo)
    with PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
    try:
        run.read_new(pdf, todo, tesseract_free)
        run.refresh_cached(pdf, [n for n in numbers if n not in todo])
    finally:
        with PDFIUM:
            pdf.close()
    skipped = run.read_markers()
    skipped += [{"step": "ocr.second-reading", "reason": run.pages[n]["skipped"], "markers": [{"page": n}]}
                for n in numbers if run.pages[n].get("skipped")]
    layouts = [run.layout(n, Path(cache_dir).parent) for n in numbers]
    stats = run.stats
    stats["ocr_total_seconds"] = time.perf_counter() - t_all
    for k in TIMING_KEYS:
        stats[k] = round(stats[k], 3)
    # run-dependent figures go under "timing", apart from what describes the output
    meta = {"ocr": {"dpi": dpi, "lang": lang, "tesseract": version, "config": tesseract.TESSERACT_CONFIG,
                    "preprocess": cache.PREPROCESS, "cache_key": folder.name},
            "ocr_quality": [chain.page_quality(run.pages[n]) for n in numbers],
            "timing": stats}
    if skipped:
        meta["ocr"]["skipped"] = skipped
    return layouts, meta


def read_first_page(path: Path, *, sha256: str, dpi: int, lang: str, cache_dir: Path) -> None:
    """Page 1 of a PDF into its OCR cache, as :func:`ocr_page_layouts` reads it (no analysis yet).

    Used to read ahead (:mod:`pipeline.extract.readahead`); the document's own
    extraction finds the words cached and analyses the page as usual.
    """
    folder, version = cache.cache_folder(cache_dir, sha256, dpi, lang)
    if (folder / "page-1.json").exists():
        return
    with PDFIUM:
        pdf = pdfium.PdfDocument(str(path))
    try:
        with temp_dir_in(folder, "tesseract") as tmp:
            inp = tesseract_input(pdf, 1, dpi, Path(tmp))
            data, seconds = tesseract.ocr_words(inp.image, lang, inp.pgm)
            record, image = chain.read_page(folder.name, 1, dpi, lang, version, inp, data, seconds, Path(tmp))
    finally:
        with PDFIUM:
            pdf.close()
    cache.save_report_image(image, folder / "page-1.jpg")
    _hand_over(folder, 1, record["recipe"], image)  # the document's extraction analyses it without rendering again
    cache.write_page(folder / "page-1.json", record)


# Pages read ahead, kept in memory for their document's analysis: (cache folder, page) -> (recipe, image).
# A page read ahead is cached without its analysis; rebuilding its image from the PDF would render it twice.
_HANDED: dict[tuple[Path, int], tuple[dict, Image.Image]] = {}
_HANDED_LOCK = threading.Lock()
HANDED_MAX = 2  # pages read ahead of documents not yet extracted (one is the usual; never a pile)


def _hand_over(folder: Path, n: int, recipe: dict, image: Image.Image) -> None:
    with _HANDED_LOCK:
        _HANDED[(folder, n)] = (recipe, image)
        while len(_HANDED) > HANDED_MAX:
            _HANDED.pop(next(iter(_HANDED)))


def _handed(folder: Path, n: int, recipe: dict) -> Image.Image | None:
    """The image of page ``n`` read ahead in this process, if its recipe is the cached one's."""
    with _HANDED_LOCK:
        kept = _HANDED.pop((folder, n), None)
    return kept[1] if kept is not None and kept[0] == recipe else None


@dataclass
class _Run:
    """One PDF's pages being read: their records, the analyses whose markers are still unread, the timing."""

    folder: Path
    version: str
    dpi: int
    lang: str
    pages: dict[int, dict | None] = field(default_factory=dict)
    unread: list[tuple[int, dict, list[Image.Image]]] = field(default_factory=list)  # (page, analysis, crops)
    stats: dict = field(default_factory=lambda: {
        "ocr_seconds": 0.0, "ocr_cached_pages": 0, "ocr_pages_run": 0, "ocr_total_seconds": 0.0,
        "image_seconds": 0.0, "analysis_seconds": 0.0})

    def analyse(self, n: int, image: Image.Image, ink_and_rules: tuple | None = None) -> None:
        """Rules and raised markers of page ``n``; the markers are read later, all pages at once."""
        t = time.perf_counter()
        analysis, crops = markers.find_marks(image, self.pages[n]["data"], self.dpi, ink_and_rules)
        self.unread.append((n, analysis, crops))
        self.stats["analysis_seconds"] += time.perf_counter() - t

    def read_new(self, pdf: pdfium.PdfDocument, todo: list[int], tesseract_free: Callable[[], None]) -> None:
        """Read the pages not cached, pipelined: Tesseract reads page n while page n+1 is made."""
        folder, stats = self.folder, self.stats
        with temp_dir_in(folder, "tesseract") as tmp, ThreadPoolExecutor(max_workers=1) as pool:
            def load(n: int) -> PageInput:
                t = time.perf_counter()
                prepared = tesseract_input(pdf, n, self.dpi, Path(tmp))
                stats["image_seconds"] += time.perf_counter() - t
                return prepared

            nxt = load(todo[0]) if todo else None
            job = pool.submit(tesseract.ocr_words, nxt.image, self.lang, nxt.pgm) if nxt else None
            for k, n in enumerate(todo):
                inp = nxt
                t = time.perf_counter()  # while Tesseract reads page n:
                cache.save_report_image(inp.image, folder / f"page-{n}.jpg")
                stats["image_seconds"] += time.perf_counter() - t
                t = time.perf_counter()
                ink_and_rules = markers.page_ink(inp.image, self.dpi)  # needs no words
                stats["analysis_seconds"] += time.perf_counter() - t
                if k + 1 < len(todo):
                    nxt = load(todo[k + 1])
                data, seconds = job.result()
                if k + 1 < len(todo):
                    job = pool.submit(tesseract.ocr_words, nxt.image, self.lang, nxt.pgm)
                if inp.pgm is not None:
                    inp.pgm.unlink()
                first_image = inp.image
                self.pages[n], image = chain.read_page(folder.name, n, self.dpi, self.lang, self.version, inp,
                                                       data, seconds, Path(tmp))
                if image is not first_image:  # a better reading of a prepared or turned image
                    cache.save_report_image(image, folder / f"page-{n}.jpg")
                if k + 1 == len(todo):
                    tesseract_free()
                if "skipped" not in self.pages[n]:
                    cache.write_page(folder / f"page-{n}.json", self.pages[n])  # a killed run keeps its OCR
                stats["ocr_seconds"] += self.pages[n]["seconds"]
                stats["ocr_pages_run"] += 1
                stats["ocr_rereads"] = stats.get("ocr_rereads", 0) + self.pages[n]["readings"] - 1
                self.analyse(n, image, ink_and_rules if image is first_image else None)  # while Tesseract reads page n+1
                del image, inp, first_image, ink_and_rules

    def refresh_cached(self, pdf: pdfium.PdfDocument, cached_numbers: list[int]) -> None:
        """Cached pages analysed by an older version, or whose image is gone: rebuilt from the recipe, no OCR."""
        folder = self.folder
        for n in cached_numbers:
            cached = self.pages[n]
            stale = (cached.get("analysis") or {}).get("version") != markers.ANALYSIS_VERSION
            if not (stale or cache.report_image(folder, cached) is None):
                continue
            t = time.perf_counter()
            image = _handed(folder, n, cached["recipe"])
            if image is None:
                image = build_image(page_image(pdf, n - 1, self.dpi, fragments=bool(cached["recipe"].get("fragments"))),
                                    cached["recipe"])
            if cache.report_image(folder, cached) is None:
                cache.save_report_image(image, folder / f"page-{n}.jpg")
                cached["image"] = f"page-{n}.jpg"
                if not stale:
                    cache.write_page(folder / f"page-{n}.json", cached)
            self.stats["image_seconds"] += time.perf_counter() - t
            if stale:
                self.analyse(n, image)

    def read_markers(self) -> list[dict]:
        """Every analysed page's markers read in one Tesseract call; the skipped step, if that failed."""
        if not self.unread:
            return []
        skipped = []
        t = time.perf_counter()
        texts, failure = tesseract.reread_markers([crops for _, _, crops in self.unread], self.lang)
        for (n, analysis, _), page_texts in zip(self.unread, texts):
            self.pages[n]["analysis"] = markers.name_markers(analysis, self.pages[n]["data"], page_texts)
            if failure is None and "skipped" not in self.pages[n]:  # a page with a skipped step is not cached:
                cache.write_page(self.folder / f"page-{n}.json", self.pages[n])  # a later run tries again
        if failure is not None:
            k = 72.0 / self.dpi
            skipped.append({"step": "ocr.marker-reread", "reason": failure, "markers": [
                {"page": n, "text": m["text"], "bbox": [round(v * k, 2) for v in m["box"]]}
                for n, analysis, _ in self.unread for m in analysis["markers"]]})
        self.stats["analysis_seconds"] += time.perf_counter() - t
        return skipped

    def layout(self, n: int, images_root: Path) -> PageLayout:
        """Page ``n`` as a layout; its image path is relative to ``images_root``."""
        cached = self.pages[n]
        rel = os.path.relpath(cache.report_image(self.folder, cached), images_root)
        w, h = cached["size_px"]
        return page_layout_from_ocr(n, cached["data"], cached["analysis"], self.dpi, w, h, rel)

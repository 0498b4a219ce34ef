"""Read the first page of the next scanned document while this one finishes.

In a batch of short scans Tesseract would sit idle between documents: once a
document's last page is read, its markers, its layout and its later stages
run on the processor alone.  With one in-process worker (the default local
run) the pipeline knows the batch, and sees the order Luigi takes it in, so
when a document's last page has been read a background thread reads the first
page of the next document that needs OCR into the OCR cache, exactly as that document's own Extract would
(same preflight, same image, same Tesseract call).  That Extract then finds
the page cached; any OCR first waits for a read-ahead under way, so a page is
never read twice.

Nothing else changes: the cache holds the same words either way, so outputs
are the same bytes with or without prefetching.  With forked workers or a
central scheduler the next document may be another process's: no prefetch.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

log = logging.getLogger("pipeline")

_lock = threading.Lock()
_plan: list[Path] = []
_started: list[Path] = []
_settings: Any = None
_pool: ThreadPoolExecutor | None = None
_pending: list[Future] = []  # the read-ahead under way, if any


def plan(paths: list[Path], settings: Any) -> None:
    """The batch's documents (empty: no prefetch)."""
    global _settings
    with _lock:
        _plan[:] = [Path(p).resolve() for p in paths]
        _started.clear()
        _settings = settings


def started(path: Path) -> None:
    """A document's extraction begins (whatever its kind): the order Luigi runs them in."""
    with _lock:
        _started.append(Path(path).resolve())


def _next_ones(me: Path) -> list[Path]:
    """The documents not yet begun, nearest first in the direction the batch is going.

    Luigi's scheduler does not promise an order; it goes through a batch one way
    or the other, which the last two documents begun show.
    """
    i = _plan.index(me)
    step = 1
    if len(_started) >= 2 and _started[-2] in _plan and _plan.index(_started[-2]) > i:
        step = -1
    begun = set(_started)
    ahead = [p for p in (_plan[i + step::step] if step > 0 else _plan[:i][::-1]) if p not in begun]
    behind = [p for p in (_plan[:i][::-1] if step > 0 else _plan[i + 1:]) if p not in begun]
    return (ahead or behind)[:3]  # a few: a born-digital one is passed over


def soon(path: Path) -> None:
    """``path`` is to be extracted: read its first page now, if nothing is being read ahead yet.

    Called while Luigi schedules the batch, for the first document it finds to
    do: Tesseract starts while the scheduler and the lexicon load take their second.
    """
    with _lock:
        me = Path(path).resolve()
        if me in _plan and _settings is not None and not _pending:
            _submit([me])


def after_last_page(path: Path) -> None:
    """Tesseract has read the last page of ``path``: start on the next scanned document."""
    with _lock:
        me = Path(path).resolve()
        if me not in _plan or _settings is None or (_pending and not _pending[0].done()):
            return
        following = _next_ones(me)
        if following:
            _submit(following)


def _submit(paths: list[Path]) -> None:
    """Read ahead the first scan among ``paths`` in the background thread (the caller holds the lock)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ocr-prefetch")
    _pending[:] = [_pool.submit(_first_scanned, paths, _settings)]


def wait() -> None:
    """Let a read-ahead under way finish before an OCR cache is read: never two reads of a page."""
    with _lock:
        job = _pending[0] if _pending else None
    if job is not None:
        job.result()


def _first_scanned(paths: list[Path], settings: Any) -> None:
    for path in paths:
        try:
            if _prefetch(path, settings):
                return
        except Exception as exc:  # noqa: BLE001 -- its own Extract will meet the problem and report it
            log.debug("prefetch of %s skipped: %s", path, exc)
            return


def _prefetch(path: Path, settings: Any) -> bool:
    """Read page 1 of ``path`` into the OCR cache if it is a scan; False if it is not one."""
    import pdfplumber

    from pipeline.extract import scan
    from pipeline.extract.pdf import text_layer_ok
    from pipeline.preflight import check_pdf, limits_for

    with open(path, "rb") as f:
        if b"%PDF" not in f.read(1024):
            return False
    ext = settings.extract_settings()
    check_pdf(path, str(path), dpi=settings.dpi, limits=limits_for(settings))
    if not ext.get("force_ocr"):
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            if text_layer_ok(page.chars):
                return False
    scan.read_first_page(path, sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest(), dpi=int(ext["dpi"]),
                         lang=str(ext["ocr_lang"]), cache_dir=Path(settings.stages_dir))
    return True

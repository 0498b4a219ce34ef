"""Read the first page of the next scanned document while this one finishes.

In a batch of short scans Tesseract would sit idle between documents: once a
document's last page is read, its markers, its layout and its later stages
run on the processor alone.  With one in-process worker (the default local
run) the pipeline knows the batch, and sees the order Luigi takes it in, so
when a document's last page has been read a background thread reads the first
page of the next document that needs OCR into the OCR cache, exactly as that
document's own extraction would (same preflight, same image, same Tesseract
call).  That extraction then finds the page cached; any OCR first waits for a
read-ahead under way, so a page is never read twice.

Nothing else changes: the cache holds the same words either way, so outputs
are the same bytes with or without reading ahead.  With forked workers or a
central scheduler the next document may be another process's: no read-ahead.

The command that launches a run makes one :class:`ReadAhead` and hands it to
extraction::

    ahead = ReadAhead(first_scan_reader(options, cache_dir))   # pipeline.extract.dispatch
    ahead.start(paths, first=paths_to_do[0])  # the batch; Tesseract starts on the first scan now
    ...   extract_document(path, source, options=..., cache_dir=..., readahead=ahead)
    ahead.stop()

Extraction calls :meth:`ReadAhead.begin` when a document starts,
:meth:`ReadAhead.take` before it reads its OCR cache and
:meth:`ReadAhead.after_last_page` when Tesseract has read its last page.
This module imports nothing else of the pipeline: how a first page is read is
the function handed in.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

log = logging.getLogger("pipeline")

# reads page 1 of a document into the OCR cache; False when the document is not a scan
FirstPageReader = Callable[[Path], bool]


class ReadAhead:
    """One run's read-ahead: the batch's documents, the order they are begun in, the reading under way."""

    def __init__(self, read_first: FirstPageReader | None) -> None:
        self._read_first = read_first  # None: the batch is followed, nothing is read
        self._lock = threading.Lock()
        self._plan: list[Path] = []
        self._begun: list[Path] = []
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []  # the read-ahead under way, if any

    def start(self, paths: Iterable[Path], first: Path | None = None) -> None:
        """The batch's documents (empty: no read-ahead); with ``first``, read its first page now.

        ``first`` is the document the run will extract first: Tesseract starts
        on it while the scheduler and the lexicon load take their second.
        """
        with self._lock:
            self._plan[:] = [Path(p).resolve() for p in paths]
            self._begun.clear()
        if first is not None:
            self.read_now(first)

    def stop(self) -> None:
        """Let a reading under way finish, and end the background thread."""
        self.take(None)
        with self._lock:
            pool, self._pool = self._pool, None
            self._pending.clear()
            self._plan.clear()
            self._begun.clear()
        if pool is not None:
            pool.shutdown(wait=True)

    def read_now(self, path: Path) -> None:
        """``path`` is to be extracted: read its first page now, if nothing is being read ahead yet."""
        with self._lock:
            me = Path(path).resolve()
            if me in self._plan and self._read_first is not None and not self._pending:
                self._submit([me])

    def begin(self, path: Path) -> None:
        """A document's extraction begins (whatever its kind): the order the run takes them in."""
        with self._lock:
            self._begun.append(Path(path).resolve())

    def take(self, path: Path | None) -> None:
        """Before ``path``'s OCR cache is read, let a read-ahead under way finish: never two reads of a page."""
        with self._lock:
            job = self._pending[0] if self._pending else None
        if job is not None:
            job.result()

    def after_last_page(self, path: Path) -> None:
        """Tesseract has read the last page of ``path``: start on the next scanned document."""
        with self._lock:
            me = Path(path).resolve()
            if me not in self._plan or self._read_first is None or (self._pending and not self._pending[0].done()):
                return
            following = self.next_ones(me)
            if following:
                self._submit(following)

    def next_ones(self, me: Path) -> list[Path]:
        """The documents not yet begun, nearest first in the direction the batch is going.

        Luigi's scheduler does not promise an order; it goes through a batch one way
        or the other, which the last two documents begun show.
        """
        plan, begun = self._plan, self._begun
        i = plan.index(me)
        step = 1
        if len(begun) >= 2 and begun[-2] in plan and plan.index(begun[-2]) > i:
            step = -1
        done = set(begun)
        ahead = [p for p in (plan[i + step::step] if step > 0 else plan[:i][::-1]) if p not in done]
        behind = [p for p in (plan[:i][::-1] if step > 0 else plan[i + 1:]) if p not in done]
        return (ahead or behind)[:3]  # a few: a born-digital one is passed over

    def _submit(self, paths: list[Path]) -> None:
        """Read ahead the first scan among ``paths`` in the background thread (the caller holds the lock)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ocr-prefetch")
        self._pending[:] = [self._pool.submit(self._first_scanned, paths, self._read_first)]

    @staticmethod
    def _first_scanned(paths: list[Path], read_first: FirstPageReader) -> None:
        for path in paths:
            try:
                if read_first(path):
                    return
            except Exception as exc:  # noqa: BLE001 -- its own extraction will meet the problem and report it
                log.debug("prefetch of %s skipped: %s", path, exc)
                return

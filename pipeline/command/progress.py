"""The batch's progress on a terminal: documents done, failed, time left.

Counted from the disk, not from Luigi's events: a document is done when its
last stage file (AknExport's, whose name carries the document's fingerprint)
exists, whichever process wrote it: this one, a task forked by ``--workers N``,
or another machine's worker on luigid.  A thread looks at that one folder a
few times a second; the bar is drawn only when the stream is a terminal.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO


@dataclass(frozen=True)
class Watched:
    """One document: its last stage file and its failure record."""

    done_file: Path
    failed_file: Path


def clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def time_left(remaining: int, done_here: int, elapsed: float) -> float | None:
    """Seconds left at this run's pace; None until the pace is known (2 documents, 1 second)."""
    if remaining <= 0:
        return 0.0
    if done_here < 2 or elapsed < 1.0:
        return None
    return remaining * elapsed / done_here


def bar_line(done: int, failed: int, total: int, elapsed: float, done_here: int, width: int = 80) -> str:
    """``[#######.......]  1,234/2,000 documents  3 failed  0:42 left``, fitted to ``width``."""
    left = time_left(total - done, done_here, elapsed)
    if done >= total:  # the batch's own work remains: the report, the indexes, the summary
        when = "writing the report"
    else:
        when = f"{clock(left)} left" if left is not None else "estimating time left"
    tail = f"  {done:,}/{total:,} documents  {failed:,} failed  {when}"
    room = max(10, min(40, width - len(tail) - 3))
    filled = room * done // total if total else room
    return f"[{'#' * filled}{'.' * (room - filled)}]{tail}"[: max(1, width - 1)]


class Progress:
    """Watches the documents' last stage files from a background thread; draws on a terminal."""

    def __init__(self, docs: list[Watched], stream: TextIO | None, interval: float = 0.25):
        self.docs = docs
        self.stream = stream if stream is not None and _is_terminal(stream) else None
        self.interval = interval
        self.pending = {d.done_file.name: d for d in docs if not d.done_file.exists()}
        self.cached = len(docs) - len(self.pending)
        self.failed = sum(1 for d in docs if d.done_file.name not in self.pending and d.failed_file.exists())
        self.folders = sorted({d.done_file.parent for d in docs})
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def done(self) -> int:
        return len(self.docs) - len(self.pending)

    @property
    def done_here(self) -> int:
        return self.done - self.cached

    def poll(self) -> None:
        if not self.pending:
            return
        present: set[str] = set()
        for folder in self.folders:
            try:
                present.update(os.listdir(folder))
            except OSError:
                pass
        for name in [n for n in self.pending if n in present]:
            if self.pending.pop(name).failed_file.exists():
                self.failed += 1

    def line(self) -> str:
        width = shutil.get_terminal_size((80, 24)).columns
        return bar_line(self.done, self.failed, len(self.docs), time.monotonic() - self.started, self.done_here, width)

    def draw(self) -> None:
        if self.stream is not None:
            self.stream.write("\r" + self.line() + "\x1b[K")
            self.stream.flush()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.poll()
            self.draw()

    def __enter__(self) -> Progress:
        if self.stream is not None:
            self.draw()
            self._thread = threading.Thread(target=self._loop, name="progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.poll()
        if self.stream is not None:
            self.stream.write("\r\x1b[K")  # the bar gives way to the closing line and the summary
            self.stream.flush()

    def closing_line(self) -> str:
        """The run in one line: ``2,000 of 2,000 documents done in 1:23; 2 were already up to date``."""
        elapsed = clock(time.monotonic() - self.started)
        parts = [f"{self.done:,} of {len(self.docs):,} documents done in {elapsed}"]
        if self.cached:
            parts.append(f"{self.cached:,} were already up to date")
        if self.pending:
            parts.append(f"{len(self.pending):,} not done")
        return "; ".join(parts)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

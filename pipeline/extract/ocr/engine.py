"""Tesseract engines kept running for the run, each in a process of its own: reading with no process start.

The ``tesseract`` command starts a process and loads its model for every
call: about 0.2 s of a clean page's 1.3 s, and more than the reading itself
for a page's doubtful words or footnote markers.  Here a few long-lived
engines (:mod:`.tessapi`, one program each) are kept: a call borrows an idle
one (or starts one), sends the images' pixels and gets back exactly what the
command would have written.  Concurrent calls (the page being read while the
previous page's words are read again, or a read-ahead) use different engines.

A crash stays in the engine's process: a call whose engine dies raises
``pytesseract.TesseractError`` with the signal as a negative status, as the
command's death would, so every caller degrades around it as before; the next
call starts a new engine.  An engine found dead while idle is replaced
without error.  A process forked from this one (Luigi's workers) starts its
own engines, never writing to its parent's; engines end when their pipe
closes, and at exit they are closed and waited for, so their CPU time is
counted as this process's children's.

:func:`read` returns None where the library cannot be used (no
``libtesseract`` 4.1 or 5 on this system); the callers then run the command.
"""
from __future__ import annotations

import atexit
import multiprocessing.util
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytesseract
from PIL import Image

from pipeline.extract.ocr import tessapi

PROGRAM = [sys.executable, "-I", str(Path(tessapi.__file__).resolve())]
WAIT_AT_EXIT = 5.0  # seconds an engine is given to end when the run does


class _Died(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class _Engine:
    """One engine process and its pipes, used by one call at a time."""

    def __init__(self, program: list[str]):
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
        self.proc = subprocess.Popen(program, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.owner = os.getpid()
        self.cpu = 0.0
        hello = self._receive()
        self.ready = isinstance(hello, tuple) and hello[0] == "ready"
        self.why = "" if self.ready else (hello[1] if isinstance(hello, tuple) and len(hello) > 1 else
                                          "the engine program did not start")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _receive(self):
        try:
            return tessapi.receive(self.proc.stdout)
        except (OSError, EOFError, ValueError):
            return None

    def call(self, reading: str, lang: str, images: list[tuple[int, int, bytes]]) -> list[str]:
        try:
            tessapi.send(self.proc.stdin, (reading, lang, images))
        except (BrokenPipeError, OSError):
            raise _Died(self._status()) from None
        reply = self._receive()
        if reply is None:
            raise _Died(self._status())
        self.cpu = reply[-1]
        if reply[0] == "ok":
            return reply[1]
        raise pytesseract.TesseractError(reply[1], reply[2])

    def _status(self) -> int:
        """The process's exit status, waited for (killed if it does not end within :data:`WAIT_AT_EXIT`)."""
        try:
            return self.proc.wait(timeout=WAIT_AT_EXIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._status()

    def kill(self) -> None:
        self.proc.kill()
        self.close()

    def forget(self) -> None:
        """In a forked child: let go of the parent's engine without touching the process."""
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                os.close(stream.fileno())
            except (OSError, ValueError):
                pass


class _Pool:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Engine] = []
        self.busy: set[_Engine] = set()
        self.unavailable: str | None = None
        self.started = 0

    def borrow(self) -> _Engine | None:
        with self.lock:
            if self.unavailable is not None:
                return None
            while self.idle:
                engine = self.idle.pop()
                if engine.alive():
                    self.busy.add(engine)
                    return engine
                engine.close()  # died while idle: waited for, and replaced
        try:
            engine = _Engine(PROGRAM)
        except OSError as exc:  # no process could be started: the command is tried instead
            with self.lock:
                self.unavailable = f"the engine program could not start: {exc}"
            return None
        with self.lock:
            self.started += 1
            if not engine.ready:
                self.unavailable = engine.why
                engine.close()
                return None
            self.busy.add(engine)
        return engine

    def give_back(self, engine: _Engine, *, dead: bool = False) -> None:
        with self.lock:
            self.busy.discard(engine)
            if not dead:
                self.idle.append(engine)

    def running_cpu_seconds(self) -> float:
        with self.lock:
            return sum(e.cpu for e in [*self.idle, *self.busy])

    def close(self) -> None:
        with self.lock:
            engines, self.idle = [*self.idle, *self.busy], []
            self.busy, self.unavailable, self.started = set(), None, 0
        for engine in engines:
            engine.close()

    def after_fork(self) -> None:
        for engine in [*self.idle, *self.busy]:
            engine.forget()
        self.__init__()

    def close_at_worker_exit(self) -> None:
        """In a worker process of multiprocessing (Luigi's), which ends without atexit: close its engines
        as it ends, so they are waited for and their CPU time is counted as its children's."""
        multiprocessing.util.Finalize(self, _Pool.close, args=(self,), exitpriority=10)


_POOL = _Pool()
atexit.register(_POOL.close)
os.register_at_fork(after_in_child=_POOL.after_fork)
# multiprocessing clears its finalizers in a new worker, then runs these: the finalizer is made there.
multiprocessing.util.register_after_fork(_POOL, _Pool.close_at_worker_exit)
# ... and a worker that imports this module only after it started (Luigi's task processes) makes it now.
_POOL.close_at_worker_exit()


def _pixels(image: Image.Image | np.ndarray) -> tuple[int, int, bytes]:
    if isinstance(image, np.ndarray):
        gray = np.ascontiguousarray(image, dtype=np.uint8)
        return gray.shape[1], gray.shape[0], gray.tobytes()
    return image.width, image.height, image.tobytes()


def readable(image: Image.Image | np.ndarray) -> bool:
    """Whether the engine reads this image exactly as the command reads its file: 8-bit grey only."""
    if isinstance(image, np.ndarray):
        return image.ndim == 2 and image.dtype == np.uint8
    return image.mode == "L"


def read(reading: str, lang: str, images: list[Image.Image | np.ndarray]) -> list[str] | None:
    """Each image read as the command reads image k of a list (:data:`.tessapi.READINGS`); None without the library.

    Raises ``pytesseract.TesseractError`` when the reading fails or its engine dies
    (status: the signal, negative), as the command does.
    """
    engine = _POOL.borrow()
    if engine is None:
        return None
    try:
        texts = engine.call(reading, lang, [_pixels(im) for im in images])
    except _Died as exc:
        _POOL.give_back(engine, dead=True)
        engine.close()
        status = exc.status if exc.status else -1
        raise pytesseract.TesseractError(status, f"the Tesseract engine process ended (status {status})") from None
    except pytesseract.TesseractError:  # a reading that failed, reported by an engine still sound
        _POOL.give_back(engine)
        raise
    except BaseException:  # interrupted mid-call: its reply would be read by the next caller
        _POOL.give_back(engine, dead=True)
        engine.kill()
        raise
    _POOL.give_back(engine)
    return texts


def available() -> bool:
    """Whether :func:`read` reads (starting an engine to find out, kept for the next call)."""
    engine = _POOL.borrow()
    if engine is None:
        return False
    _POOL.give_back(engine)
    return True


def running_cpu_seconds() -> float:
    """CPU time used so far by the engines still running, for benchmarks.

    An engine that ended was waited for, so the system counts its time among
    this process's children (``RUSAGE_CHILDREN``); one still running is not yet counted there.
    """
    return _POOL.running_cpu_seconds()


def close() -> None:
    """End every engine; the next call starts afresh (and finds out again whether the library loads)."""
    _POOL.close()

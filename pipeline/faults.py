"""Whose fault is it: the input's (cached as the stage's result) or the machine's (retried next run).

A fault of the input is a property of the file and the code: the same bytes
fail the same way every time, so the failure is the stage's output, cached
under its fingerprint, with the reason and what to do.  A fault of the machine
(a full disk, a permission on our own files, a process killed or missing,
memory, a file that vanished) says nothing about the document: it is never
cached, the document is reported "not done" with what happened, and the next
run, the fault gone, does the work.  :func:`classify` is the one place that
decides which is which.

Faults of the machine seen during a run are collected by :func:`record` (in
memory, and in a folder of this run that forked workers share) so that the
end of the run can print them and exit with :data:`EXIT_NOT_DONE`.
"""
from __future__ import annotations

import atexit
import contextlib
import errno
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator

EXIT_NOT_DONE = 45  # some work could not be done or written: a fault of the machine; re-run once it is fixed

# Modules whose errno-less OSErrors mean "this data is damaged" (an image or PDF that does not decode).
_DECODERS = ("PIL", "pdfminer", "pdfplumber", "pypdfium2")


@dataclass(frozen=True)
class Fault:
    machine: bool  # True: retried on the next run, never cached
    reason: str  # what happened, in one line
    hint: str  # what to do
    kind: str  # no-space, permission, killed, missing-tool, memory, vanished, machine, input, bug

    def line(self) -> str:
        return f"{self.reason}; {self.hint}"


def _mb(n: int) -> str:
    return f"{max(1, -(-n // (1 << 20)))} MB" if n >= 1 << 20 else f"{max(1, -(-n // 1024))} KB"


def _where(path: str | os.PathLike | None, default: str | os.PathLike | None) -> str:
    """The folder to name: ``default`` (e.g. clean/) when the path is inside it, else the path itself."""
    if default is not None:
        d = Path(default)
        if path is None:
            return f"{d}/"
        try:
            Path(os.path.abspath(path)).relative_to(os.path.abspath(d))
            return f"{d}/"
        except ValueError:
            pass
    return str(path) if path is not None else "the disk"


def classify(exc: BaseException, *, where: str | os.PathLike | None = None) -> Fault:
    """Say whether ``exc`` is a fault of the input or of the machine, why, and what to do.

    ``where`` is the folder the failing code writes to (clean/), named in the
    message when the exception does not name a file inside another folder.
    """
    name = type(exc).__name__
    text = str(exc)
    if isinstance(exc, MemoryError):
        return Fault(True, "out of memory", "close other programs or run fewer workers, then run again", "memory")
    if name == "TesseractMissing":  # extract.ocr.tesseract: the message says what to install
        return Fault(True, text.split(":")[0] if ":" in text else text, text.split(":", 1)[-1].strip(), "missing-tool")
    if name == "TesseractNotFoundError":
        return Fault(True, "Tesseract is not installed or not on PATH",
                     "run scripts/setup.sh (apt-get install tesseract-ocr tesseract-ocr-eng), then run again", "missing-tool")
    if name == "TesseractError":
        status = getattr(exc, "status", None)
        message = str(getattr(exc, "message", "")).strip()
        if isinstance(status, int) and status < 0:
            return Fault(True, f"Tesseract was killed by signal {-status}" + (f" ({message[:80]})" if message else ""),
                         "it may have run out of memory: run again, with fewer workers if it recurs", "killed")
        if "Failed loading language" in message or "Error opening data file" in message:
            return Fault(True, f"Tesseract lacks a language: {message[:120]}",
                         "install the language (apt-get install tesseract-ocr-<lang>), then run again", "missing-tool")
        return Fault(False, f"Tesseract could not read the page (status {status}): {message[:120]}",
                     "check the file; replace it with a readable copy in the raw folder and run again", "input")
    if name == "TimeoutExpired" or (isinstance(exc, RuntimeError) and "process timeout" in text):
        return Fault(True, f"a helper process timed out ({text[:80]})", "run again; if it recurs, the machine is overloaded",
                     "killed")
    if isinstance(exc, OSError):
        code = exc.errno
        path = exc.filename
        if code is None and _raised_in(exc, _DECODERS):
            return Fault(False, f"damaged data: {text[:120]}",
                         "check the file; replace it with a readable copy in the raw folder and run again", "input")
        if code in (errno.ENOSPC, errno.EDQUOT):
            need = getattr(exc, "needed_bytes", None)
            full = "no space left" if code == errno.ENOSPC else "disk quota exceeded"
            return Fault(True, f"{full} on {_where(path, where)}" + (f" ({_mb(need)} needed)" if need else ""),
                         "free some space, then run again", "no-space")
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            target = path if path is not None else where
            return Fault(True, f"permission denied: {target}" + (" (read-only file system)" if code == errno.EROFS else ""),
                         f"check the permissions of {target} (and of its folder) for this user, then run again", "permission")
        if code == errno.ENOENT:
            return Fault(True, f"a file vanished during the run: {path or text[:120]}",
                         "run again (was a file moved or deleted while the batch ran?)", "vanished")
        return Fault(True, f"{name}: {text[:160]}", "check the disk and the folders, then run again", "machine")
    if name in ("ExtractError", "DecisionsError", "DictionaryError", "UserFileError"):
        return Fault(False, text, "check the file; replace it with a readable copy in the raw folder and run again", "input")
    # Anything else is deterministic for these bytes and this code: cached (a code change re-runs it).
    return Fault(False, f"{name}: {text[:300]}",
                 "this looks like a bug in the pipeline: report it with this record; the rest of the batch was processed",
                 "bug")


def _raised_in(exc: BaseException, packages: tuple[str, ...]) -> bool:
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        module = frame.f_globals.get("__name__", "")
        if module.split(".")[0] in packages:
            return True
    return False


@contextlib.contextmanager
def needing(nbytes: int) -> Iterator[None]:
    """Attach how many bytes a write needed to the no-space error it raises, for the message."""
    try:
        yield
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT) and not getattr(e, "needed_bytes", None):
            e.needed_bytes = nbytes
        raise


def is_machine(exc: BaseException) -> bool:
    return classify(exc).machine


# ------------------------------------------------------------------ this run's faults of the machine
_records: list[dict[str, Any]] = []
_RUN_ENV = "UNCLEANER_RUN_DIR"
_armed: list[int] = []


def arm() -> None:
    """Start collecting this run's faults; at exit, a run that had any exits with :data:`EXIT_NOT_DONE`.

    Called in the process that runs the command (Luigi forks its workers from
    it): the folder named in the environment is shared with them.
    """
    if _armed:
        return
    _armed.append(os.getpid())
    try:
        os.environ[_RUN_ENV] = tempfile.mkdtemp(prefix="uncleaner-run-")
    except OSError:
        os.environ.pop(_RUN_ENV, None)  # a full /tmp: faults are kept in memory (enough for one process)
    atexit.register(_exit_status)


def record(doc: str, stage: str, fault: Fault) -> None:
    """Note that ``doc`` was not done at ``stage`` because of a fault of the machine."""
    entry = {"doc": doc, "stage": stage, "t": time.time(), **asdict(fault)}
    _records.append(entry)
    folder = os.environ.get(_RUN_ENV)
    if folder:
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f)
        except OSError:
            pass


def not_done(doc: str) -> bool:
    """Whether a fault of the machine stopped ``doc`` in this run (in this process or a worker)."""
    if any(e["doc"] == doc for e in _records):
        return True
    folder = os.environ.get(_RUN_ENV)
    if not folder:
        return False
    try:
        if not any(os.scandir(folder)):
            return False
    except OSError:
        return False
    return any(e["doc"] == doc for e in recorded())


def cannot_write(folder: Path) -> Fault | None:
    """Why nothing can be written in ``folder`` (created if missing), or None when a file can be."""
    from .files import temp_file_for

    d = folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for d in (folder, folder / ".stages"):
            if d.is_dir() or d == folder:
                fd, tmp = temp_file_for(d / "probe")
                os.close(fd)
                os.unlink(tmp)
    except OSError as exc:
        exc.filename = f"{d}/"  # the folder, not the probe's name
        return classify(exc, where=folder)
    return None


def recorded() -> list[dict[str, Any]]:
    """This run's faults of the machine, from this process and its workers, first per document."""
    entries = list(_records)
    folder = os.environ.get(_RUN_ENV)
    if folder and os.path.isdir(folder):
        for p in sorted(Path(folder).glob("*.json")):
            try:
                entries.append(json.loads(p.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                pass
    out: dict[str, dict[str, Any]] = {}
    for e in sorted(entries, key=lambda e: e.get("t", 0)):
        out.setdefault(e["doc"], e)
    return list(out.values())


def _exit_status() -> None:
    if not _armed or _armed[0] != os.getpid():
        return
    faults = recorded()
    folder = os.environ.get(_RUN_ENV)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    if faults:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(EXIT_NOT_DONE)

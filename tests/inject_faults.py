"""Run ``luigi --module pipeline CleanAll`` with faults of the machine made to happen (tests only).

    python tests/inject_faults.py '<json list of faults>' [luigi arguments]

Each fault patches the process before Luigi starts (forked workers inherit it):

- ``{"kind": "enospc", "path": "part"}``: the fsync of a file whose path holds
  ``part`` fails with ENOSPC, as a full disk fails a write;
- ``{"kind": "readonly", "path": "clean"}``: every write, rename, removal or
  folder creation under ``<cwd>/clean`` fails with EACCES (``chmod -w``, which
  does not stop root, who runs the CI);
- ``{"kind": "unreadable", "path": "raw/x.txt"}``: opening that file fails with EACCES;
- ``{"kind": "killed-tesseract"}``: Tesseract reading words dies of SIGKILL
  (``TesseractError(-9, '')``, what the out-of-memory killer leaves);
- ``{"kind": "memory", "doc": "part"}``: repairing a document whose source holds ``part`` raises MemoryError;
- ``{"kind": "marker-crash"}``: the re-read of raised footnote markers dies of SIGFPE.
"""
from __future__ import annotations

import builtins
import errno
import io
import json
import os
import sys
from pathlib import Path


def _path_of_fd(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def install(faults: list[dict]) -> None:
    for f in faults:
        kind = f["kind"]
        if kind == "enospc":
            part, real = f["path"], os.fsync

            def fsync(fd, _part=part, _real=real):
                if _part in _path_of_fd(fd):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return _real(fd)

            os.fsync = fsync
        elif kind == "readonly":
            _readonly(str(Path.cwd() / f.get("path", "clean")))
        elif kind == "unreadable":
            _unreadable(str(Path.cwd() / f["path"]))
        elif kind == "killed-tesseract":
            import pytesseract

            def killed(*a, **k):
                raise pytesseract.TesseractError(-9, "")

            pytesseract.image_to_data = killed

            from pipeline.extract.ocr import engine

            real_read = engine.read

            def killed_engine(reading, *a, _real=real_read, **k):
                if reading == "page":
                    raise pytesseract.TesseractError(-9, "")
                return _real(reading, *a, **k)

            engine.read = killed_engine
        elif kind == "memory":
            import pipeline.run.stages as stages

            real_repair, part = stages.repair, f["doc"]

            def repair(doc, *a, _real=real_repair, _part=part, **k):
                if _part in doc.source.path:
                    raise MemoryError()
                return _real(doc, *a, **k)

            stages.repair = repair
        elif kind == "marker-crash":
            import pipeline.extract.ocr.tesseract as tesseract
            import pytesseract

            def crash(*a, **k):
                raise pytesseract.TesseractError(-8, "Page 0 : /tmp/markers-x/strip-0.png Page 1 : /tmp/markers-x/strip-1.png")

            tesseract.read_markers = crash
        else:
            raise ValueError(kind)


def _under(path, root: str) -> bool:
    try:
        p = os.path.abspath(os.fsdecode(path))
    except TypeError:
        return False
    return p == root or p.startswith(root + os.sep)


def _denied(path) -> OSError:
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))


def _readonly(root: str) -> None:
    real_open, real_os_open = builtins.open, os.open
    real = {name: getattr(os, name) for name in ("mkdir", "replace", "rename", "unlink", "rmdir")}
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def os_open(path, flags, *a, **k):
        if flags & write_flags and _under(path, root):
            raise _denied(path)
        return real_os_open(path, flags, *a, **k)

    def open_(file, mode="r", *a, **k):
        if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+") and _under(file, root):
            raise _denied(file)
        return real_open(file, mode, *a, **k)

    def guard(name):
        def f(*args, **kwargs):
            if any(_under(a, root) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))):
                if name == "mkdir" and os.path.isdir(args[0]):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fsdecode(args[0]))
                raise _denied(args[0])
            return real[name](*args, **kwargs)
        return f

    os.open, builtins.open, io.open = os_open, open_, open_
    for name in real:
        setattr(os, name, guard(name))


def _unreadable(target: str) -> None:
    real_open, real_os_open = builtins.open, os.open

    def os_open(path, flags, *a, **k):
        if _under(path, target):
            raise _denied(path)
        return real_os_open(path, flags, *a, **k)

    def open_(file, mode="r", *a, **k):
        if isinstance(file, (str, bytes, os.PathLike)) and _under(file, target):
            raise _denied(file)
        return real_open(file, mode, *a, **k)

    os.open, builtins.open, io.open = os_open, open_, open_


if __name__ == "__main__":
    from luigi.cmdline import luigi_run  # Luigi first: the package registers its tasks when Luigi is there

    install(json.loads(sys.argv[1]))

    luigi_run(["--module", "pipeline", "CleanAll", *sys.argv[2:]])

"""Files written whole or not at all, and the temporary files that make that so.

Every writer of the project goes through :func:`atomic_write` (bytes or text in
memory) or :func:`atomic_file` (a stream: an image, a pickle, a long page):
a temp file in the same folder, named by one convention, then a rename.  An
interrupted run never leaves a partial file that a later run takes as done,
and :func:`remove_stale_temp_files` knows every temp file a dead writer left.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give; mkstemp's temp files are 0600


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temp file beside it, fsync, rename.

    A failed write leaves nothing behind, and its error names ``path`` (and, for
    a full disk, how many bytes the write needed: see :mod:`pipeline.faults`).
    """
    if isinstance(data, str):
        # A lone surrogate (a file name that is not UTF-8) is written as its
        # escape, which JSON reads back as the same string, rather than fail.
        data = data.encode("utf-8", errors="backslashreplace")
    try:
        with atomic_file(path, sync=True) as f:
            f.write(data)
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT) and not getattr(e, "needed_bytes", None):
            e.needed_bytes = len(data)
        raise


@contextmanager
def atomic_file(path: Path, mode: str = "wb", *, sync: bool = False, **open_args) -> Iterator[IO]:
    """A file object to write ``path`` through: the target appears, whole, only when the block ends well.

    ``mode`` and ``open_args`` are those of :func:`open` ("w" with an encoding
    for text).  ``sync`` flushes to disk before the rename (for files a crash
    must not lose).  On any failure the temp file is removed and an OSError
    names ``path``.
    """
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temp_file_for(path)
        with os.fdopen(fd, mode, **open_args) as f:
            yield f
            os.fchmod(f.fileno(), _MODE)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        if isinstance(e, OSError) and (e.filename is None or (tmp is not None and e.filename == tmp)):
            e.filename = str(path)
        raise


# One naming convention for every temporary file or folder a writer of this project makes:
#   .<name>.~<host>~<pid>~<random>.tmp
# so that one cleanup (remove_stale_temp_files) knows them all, and no pattern that
# reads a folder's real files (dictionaries, outputs, stage caches) matches them.
def temp_prefix(name: str) -> str:
    return f".{name[:40]}.~{_HOST}~{os.getpid()}~"


def temp_file_for(path: Path) -> tuple[int, str]:
    """``mkstemp`` beside ``path``, named by the convention: (fd, name)."""
    return tempfile.mkstemp(dir=Path(path).parent, prefix=temp_prefix(Path(path).name), suffix=".tmp")


def temp_dir_in(folder: Path, label: str) -> tempfile.TemporaryDirectory:
    """A temporary folder inside ``folder``, named by the convention, removed on exit."""
    return tempfile.TemporaryDirectory(dir=folder, prefix=temp_prefix(label), suffix=".tmp")


def is_temp_name(name: str) -> bool:
    return bool(_TEMP.match(name))


_HOST = re.sub(r"[^A-Za-z0-9-]", "_", socket.gethostname())[:40] or "host"
_TEMP = re.compile(r"^\..*\.~(?P<host>[A-Za-z0-9_-]+)~(?P<pid>\d+)~[^/]*\.tmp$")


def remove_stale_temp_files(root: Path) -> list[Path]:
    """Delete temp files and folders under ``root`` whose writer, a process on this machine, is gone.

    A run killed mid-write leaves its temp file behind (never the target: that
    is only ever replaced whole).  Files of live processes, or of other
    machines sharing the folder, are left alone.
    """
    removed = []
    root = Path(root)
    if not root.is_dir():
        return removed
    for p in sorted(root.rglob(".*.tmp")):
        m = _TEMP.match(p.name)
        if not m or m["host"] != _HOST or _alive(int(m["pid"])):
            continue
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p)
        except FileNotFoundError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

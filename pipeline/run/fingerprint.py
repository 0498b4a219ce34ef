"""Fingerprints that make a stage's output path its cache key.

Luigi only checks that an output exists; it cannot tell that code or a
dictionary changed (luigi issue #595).  So each stage's path carries a hash of
its input's fingerprint, its own code, its settings and the files it reads:
change any of them and the path is new, so the stage and those after it run
again, while the stages before keep their outputs.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from .stage_code import stage_files


def digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\x00")
    return h.hexdigest()[:16]


@lru_cache(maxsize=None)
def code_version(stage: str) -> str:
    """Hash of the code (and data files) that decide ``stage``'s output, found from the source (:mod:`.stage_code`)."""
    h = hashlib.sha256()
    for name, data in stage_files(stage):
        h.update(name.encode())
        h.update(data)
    return h.hexdigest()[:16]


_file_hashes: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, remembered per process by size and mtime."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _file_hashes:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _file_hashes[key] = h.hexdigest()
    return _file_hashes[key]


def batch_memory_parts(clean_dir: Path) -> list[str]:
    """What the Footnotes stage's fingerprint takes from the batch's citation memory: nothing while there is none."""
    from ..structure.citation_memory import BATCH_FILE

    path = Path(clean_dir) / BATCH_FILE
    return [file_sha256(path)] if path.exists() else []


DICTIONARY_SUFFIXES = (".tsv", ".txt", ".json", ".csv")
_NOT_DICTIONARIES = ("review-decisions.json",)  # decisions count per document, not for every stage


def is_dictionary(name: str) -> bool:
    """Whether a file in dictionaries/ is a dictionary the repair stage depends on.

    Temp files (``.x.~host~pid~r.tmp``), lock files, editor backups (``x~``,
    ``#x#``, ``.x.swp``, ``x.bak``, ``x.orig``) and the review decisions are not:
    they never change a fingerprint, so a crashed or concurrent ``review apply``
    or an open editor does not re-run Repair for every document.
    """
    return (not name.startswith((".", "#")) and name.endswith(DICTIONARY_SUFFIXES)
            and name not in _NOT_DICTIONARIES)


def dictionaries_version(directory: Path) -> str:
    """Hash of every dictionary file (see :func:`is_dictionary`)."""
    h = hashlib.sha256()
    if directory.is_dir():
        for f in sorted(directory.rglob("*")):
            rel = f.relative_to(directory)
            if f.is_file() and is_dictionary(f.name) and not any(part.startswith(".") for part in rel.parts):
                h.update(str(rel).encode())
                h.update(file_sha256(f).encode())
    return h.hexdigest()[:16]


def tool_version(name: str) -> str:
    """Version line of an external tool the extraction depends on, or 'absent'."""
    return _tool_version(name, os.environ.get("PATH", ""))


@lru_cache(maxsize=None)
def _tool_version(name: str, _path: str) -> str:
    import shutil
    import subprocess

    exe = shutil.which(name)
    if not exe:
        return "absent"
    for _ in range(3):  # a single failed call must not change every PDF's fingerprint
        try:
            out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=20)
            return (out.stdout or out.stderr).splitlines()[0].strip()
        except (OSError, subprocess.SubprocessError, IndexError):
            continue
    return "present"

"""A reviewer's accept/reject decisions, stored in the project and honoured on every run.

File format (``dictionaries/review-decisions.json``)::

    {"version": 1,
     "decisions": [{"doc_id": "...", "id": "<correction id>", "decision": "accept" | "reject",
                    "rule": "...", "before": "...", "after": "...", "context": "..."}]}

A correction's ``id`` is a hash of document, rule, before, after and the words
around it (never an offset), so a decision survives re-runs that shift text.

The file is read through :mod:`pipeline.userfiles` (bounded, one-line errors
with the line of the bad decision) and written by :func:`merge` under a lock
(``fcntl.flock`` on ``.review-decisions.json.lock`` beside it, removed by
its holder): a merge
re-reads the file under the lock, so two reviewers applying at once both keep
their decisions, and writes a uniquely named temp file (a dot file, never
taken for a dictionary) renamed over the file, so a failed merge leaves
nothing behind.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterator

from ..userfiles import UserFileError, echo, fail, line_of, load_json

VALID = ("accept", "reject")
WITHDRAW = "undecided"  # in a file to merge: forget an earlier decision
FIELDS = ("doc_id", "id", "decision", "rule", "before", "after", "context")
TODO = "fix the file (or export it again from the report), then run again"


class DecisionsError(UserFileError):
    """The decisions file cannot be used; the message names the file and line."""


def read(path: Path, *, allow_withdraw: bool = False) -> list[dict[str, Any]]:
    """The decisions of a file, each checked (types included), as ``{field: str}``."""
    try:
        data = load_json(path, todo=TODO)
    except UserFileError as e:
        raise DecisionsError(str(e)) from None
    text: list[str] = []

    def bad(where: list[str | int], what: str) -> DecisionsError:
        if not text:
            try:
                text.append(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                text.append("")
        return DecisionsError(str(fail(path, line_of(text[0], where), what, TODO)))

    if not isinstance(data, dict) or not isinstance(data.get("decisions"), list):
        raise bad([], "expected an object with a 'decisions' list"
                  + (f", got {echo(data)}" if not isinstance(data, dict) else f", 'decisions' is {echo(data.get('decisions'))}"))
    version = data.get("version", 1)
    if version != 1 or isinstance(version, bool):
        raise bad(["version"], f"version {echo(version)} is not supported (expected 1)")
    allowed = (*VALID, WITHDRAW) if allow_withdraw else VALID
    out = []
    for i, d in enumerate(data["decisions"]):
        at = ["decisions", i]
        if not isinstance(d, dict):
            raise bad(at, f"decision #{i + 1} is not an object: {echo(d)}")
        for key in FIELDS:
            if key in d and not isinstance(d[key], str):
                raise bad(at + [key], f"decision #{i + 1}: {key} must be text, got {echo(d[key])}")
        if not d.get("doc_id") or not d.get("id") or d.get("decision") not in allowed:
            raise bad(at, f"decision #{i + 1} needs doc_id, id and decision ({' or '.join(allowed)}): {echo(d)}")
        out.append({k: d[k] for k in FIELDS if k in d})
    return out


def load(path: Path) -> dict[str, dict[str, str]]:
    """Return ``{doc_id: {correction_id: decision}}``; a missing file is no decisions."""
    if not path.exists():
        return {}
    out: dict[str, dict[str, str]] = {}
    for d in read(path):
        out.setdefault(d["doc_id"], {})[d["id"]] = d["decision"]
    return out


def lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the decisions file's lock: an exclusive ``flock`` on a lock file beside it.

    The holder removes the lock file before releasing it, so nothing is left
    behind; a process that was waiting on the removed file sees that the name
    no longer points at what it locked and takes the lock again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = lock_path(path)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass  # removed by the holder we waited for: take it again
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        try:
            os.unlink(lock)
        finally:
            os.close(fd)


def merge(path: Path, new: list[dict[str, Any]]) -> int:
    """Add or replace decisions (by doc_id and id); ``"undecided"`` withdraws one.

    Returns how many entries of ``new`` were taken."""
    from ..files import atomic_write

    for d in new:
        if d.get("decision") not in (*VALID, WITHDRAW) or not isinstance(d.get("id"), str) or not d.get("id") \
                or not isinstance(d.get("doc_id"), str) or not d.get("doc_id"):
            raise DecisionsError(f"not a decision: {echo(d)}")
    with locked(path):
        existing = read(path) if path.exists() else []  # under the lock: another apply may just have written
        by_key = {(d["doc_id"], d["id"]): d for d in existing}
        for d in new:
            if d["decision"] == WITHDRAW:
                by_key.pop((d["doc_id"], d["id"]), None)
            else:
                by_key[(d["doc_id"], d["id"])] = d
        ordered = sorted(by_key.values(), key=lambda d: (d["doc_id"], d["id"]))
        atomic_write(path, json.dumps({"version": 1, "decisions": ordered}, indent=1, ensure_ascii=False) + "\n")
    return len(new)


def fingerprint(decisions: dict[str, str]) -> str:
    """Fingerprint of one document's decisions: a decision re-runs only its document."""
    raw = json.dumps(sorted(decisions.items()))
    return hashlib.sha256(raw.encode()).hexdigest()[:12]

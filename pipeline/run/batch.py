"""The batch: its documents, how they are grouped into scheduled tasks, and their review decisions.

Listed once per state of the raw folder (and of the decisions file): Luigi
asks for a task's requirements and outputs several times per run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import faults
from ..review import decisions as decisions_store
from ..settings import Settings
from . import fingerprint as fp
from . import stages


@dataclass
class Listing:
    docs: list[tuple[str, str]]  # (path, doc_id) of every readable input
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why) of entries that are not inputs
    unread: list[str] = field(default_factory=list)  # inputs that cannot be read now (a fault of the machine)


_listing: dict[str, Any] = {}


def listing(s: Settings) -> Listing:
    """Every input in the raw folder, listed once per state of the folder.

    Only regular files inside raw/ (:func:`stages.scan_inputs`); the entries
    skipped, and the inputs that cannot be read now (a fault of the machine,
    recorded: they are retried by the next run), are kept beside the list.
    Raises FileNotFoundError when the raw folder is missing.
    """
    key = (s, mtime(s.raw_dir))
    if _listing.get("key") != key:
        inputs, skipped = stages.scan_inputs(s.raw_dir)
        readable, unread = [], []
        for p in inputs:
            try:
                fp.file_sha256(p)  # every fingerprint starts here: an unreadable input is not done, never a failure
                readable.append(p)
            except OSError as exc:
                faults.record(str(p), "listing", faults.classify(exc, where=s.raw_dir))
                unread.append(str(p))
        ids = stages.doc_ids(inputs)
        _listing.update(key=key, listing=Listing([(str(p), ids[p]) for p in readable], skipped, unread))
    return _listing["listing"]


def documents_per_task(setting: str, n: int, forks: bool = False, workers: int = 1) -> int | None:
    """Documents per scheduled task for ``n`` documents; None: one task per stage per document.

    auto: with one in-process worker, a task per stage up to 64 documents, then
    groups of up to 50.  When tasks run in forked processes (``--workers`` > 1)
    a fork costs far more than a stage's bookkeeping, so whole documents go to
    each task: groups sized for 4 tasks per worker, at most 50 documents
    (a fork copies the parts of the lexicon it touches: fewer, longer tasks).
    """
    if setting.strip().lower() != "auto":
        k = max(1, int(setting))
        return None if k == 1 else k
    if forks:
        return max(1, min(50, -(-n // (4 * max(2, workers)))))
    return None if n <= 64 else min(50, -(-n // 64))


def groups(items: list, k: int) -> list[list]:
    return [items[i:i + k] for i in range(0, len(items), k)]


_decisions: dict[tuple[str, int, int], tuple[dict[str, dict[str, str]], set[str]]] = {}


def doc_decisions(s: Settings, doc_id: str) -> dict[str, str]:
    """This document's review decisions (file read once per process and change)."""
    return _decisions_file(s)[0].get(doc_id, {})


def _decisions_file(s: Settings) -> tuple[dict[str, dict[str, str]], set[str]]:
    """The decisions, and the documents with a decision on a rule that needs the batch's evidence."""
    path = s.decisions_file
    st = path.stat() if path.exists() else None
    key = (str(path), st.st_size if st else 0, st.st_mtime_ns if st else 0)
    if key not in _decisions:
        _decisions.clear()
        loaded = decisions_store.load(path)
        batch = set()
        if loaded:
            from ..rules import BATCH_RULES

            for d in decisions_store.read(path):  # checked by load(): read through the one loader
                if d.get("rule") in BATCH_RULES or not d.get("rule"):  # a rule not named: assume it may
                    batch.add(d["doc_id"])
        _decisions[key] = (loaded, batch)
    return _decisions[key]


def uses_batch_evidence(s: Settings, doc_id: str) -> bool:
    """Does honouring this document's decisions need the batch's notes (an accepted stripped marker, a batch place)?"""
    return doc_id in _decisions_file(s)[1]


def size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None

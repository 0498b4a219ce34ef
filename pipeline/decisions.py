"""A reviewer's accept/reject decisions, stored in the project and honoured on every run.

File format (``dictionaries/review-decisions.json``)::

    {"version": 1,
     "decisions": [{"doc_id": "...", "id": "<correction id>", "decision": "accept" | "reject",
                    "rule": "...", "before": "...", "after": "...", "context": "..."}]}

A correction's ``id`` is a hash of document, rule, before, after and the words
around it (never an offset), so a decision survives re-runs that shift text.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

VALID = ("accept", "reject")
WITHDRAW = "undecided"  # in a file to merge: forget an earlier decision


class DecisionsError(ValueError):
    """The decisions file cannot be used; the message names the file and line."""


def load(path: Path) -> dict[str, dict[str, str]]:
    """Return ``{doc_id: {correction_id: decision}}``; a missing file is no decisions."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise DecisionsError(f"{path}: line {e.lineno}, column {e.colno}: {e.msg}; fix the JSON or restore it from git") from None
    if not isinstance(data, dict) or not isinstance(data.get("decisions"), list):
        raise DecisionsError(f"{path}: expected an object with a 'decisions' list")
    out: dict[str, dict[str, str]] = {}
    for i, d in enumerate(data["decisions"]):
        if not isinstance(d, dict) or d.get("decision") not in VALID or not d.get("id") or not d.get("doc_id"):
            raise DecisionsError(f"{path}: decision #{i + 1} needs doc_id, id and decision (accept or reject): {d!r}")
        out.setdefault(d["doc_id"], {})[d["id"]] = d["decision"]
    return out


def merge(path: Path, new: list[dict[str, Any]]) -> int:
    """Add or replace decisions (by doc_id and id); ``"undecided"`` withdraws one.

    Returns how many entries of ``new`` were taken."""
    existing: list[dict[str, Any]] = []
    if path.exists():
        load(path)  # validates
        existing = json.loads(path.read_text(encoding="utf-8"))["decisions"]
    by_key = {(d["doc_id"], d["id"]): d for d in existing}
    for d in new:
        if d.get("decision") not in (*VALID, WITHDRAW) or not d.get("id") or not d.get("doc_id"):
            raise DecisionsError(f"not a decision: {d!r}")
        if d["decision"] == WITHDRAW:
            by_key.pop((d["doc_id"], d["id"]), None)
        else:
            by_key[(d["doc_id"], d["id"])] = d
    ordered = sorted(by_key.values(), key=lambda d: (d["doc_id"], d["id"]))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": 1, "decisions": ordered}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return len(new)


def fingerprint(decisions: dict[str, str]) -> str:
    """Fingerprint of one document's decisions: a decision re-runs only its document."""
    raw = json.dumps(sorted(decisions.items()))
    return hashlib.sha256(raw.encode()).hexdigest()[:12]

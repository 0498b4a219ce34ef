"""Where the batch stands, without running it: what is clean, failed, stale, new, waiting for review.

A document is *clean* or *failed* when its last stage file for the current
fingerprint exists (the fingerprint covers its input, the code, the settings,
the dictionaries and its review decisions: see :mod:`pipeline.run.fingerprint`);
*stale* when it has outputs from an earlier fingerprint (the next run redoes
it); *new* when it has none.  Outputs whose input is no longer in ``raw/`` are
*orphaned*.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..run import stages
from ..review.report import collect
from ..settings import Settings

STATES = ("clean", "failed", "stale", "new")


@dataclass
class DocState:
    doc_id: str
    source: str
    state: str
    awaiting: int = 0
    reason: str | None = None


@dataclass
class BatchState:
    docs: list[DocState]
    orphaned: list[str] = field(default_factory=list)
    decided_pending_rerun: int = 0

    def of(self, state: str) -> list[DocState]:
        return [d for d in self.docs if d.state == state]

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": {s: len(self.of(s)) for s in STATES},
            "awaiting_review": sum(d.awaiting for d in self.docs),
            "decided_pending_rerun": self.decided_pending_rerun,
            "orphaned": self.orphaned,
            "documents": [d.__dict__ for d in self.docs],
        }


def batch_state(s: Settings, stage_files) -> BatchState:
    """``stage_files(path, doc_id)`` gives the paths of a document's current last stage files (Publish, AknExport)."""
    inputs = stages.list_inputs(s.raw_dir)
    ids = stages.doc_ids(inputs)
    report = collect(s.clean_dir, decisions_path=s.decisions_file, crops=False)
    rows = {r.doc_id: r for r in report.docs}
    docs = []
    for p in inputs:
        doc_id = ids[p]
        name = stages.safe_name(doc_id)
        out, failed = s.clean_dir / f"{name}.json", s.clean_dir / "failed" / f"{name}.json"
        current = all(Path(f).exists() for f in stage_files(str(p), doc_id))
        row = rows.get(doc_id)
        if current and failed.exists():
            d = DocState(doc_id, str(p), "failed", reason=_reason(failed))
        elif current and out.exists():
            d = DocState(doc_id, str(p), "clean", awaiting=row.awaiting if row else 0)
        elif out.exists() or failed.exists():
            d = DocState(doc_id, str(p), "stale")
        else:
            d = DocState(doc_id, str(p), "new")
        docs.append(d)
    orphaned = sorted(set(rows) - set(ids.values()))
    return BatchState(docs, orphaned, report.totals.get("decided_pending_rerun", 0))


def _reason(path: Path) -> str | None:
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("reason"))
    except (OSError, ValueError, AttributeError):
        return None


WHAT = {
    "clean": "clean",
    "failed": "failed",
    "stale": "stale (input, code, settings, dictionaries or decisions changed since)",
    "new": "not cleaned yet",
}


def format_state(b: BatchState, s: Settings, run_command: str, show: int = 5) -> str:
    """The state as a few lines of text; at most ``show`` names per kind (0: all)."""
    lines = [f"{s.raw_dir}/: {len(b.docs):,} documents"]
    for state in STATES:
        docs = b.of(state)
        lines.append(f"  {len(docs):>6,}  {WHAT[state]}")
        if state in ("failed", "stale", "new"):
            for d in docs[: show or None]:
                lines.append(f"          {d.doc_id}" + (f": {d.reason}" if d.reason else ""))
            if show and len(docs) > show:
                lines.append(f"          … and {len(docs) - show:,} more (--all lists them)")
    if b.orphaned:
        lines.append(f"  {len(b.orphaned):>6,}  outputs in {s.clean_dir}/ whose input is no longer in {s.raw_dir}/: "
                     + ", ".join(b.orphaned[: show or None]) + (" …" if show and len(b.orphaned) > show else ""))
    waiting = [d for d in b.docs if d.awaiting]
    lines.append(f"waiting for review: {sum(d.awaiting for d in waiting):,} corrections in {len(waiting):,} documents"
                 + (": " + ", ".join(f"{d.doc_id} ({d.awaiting})" for d in waiting[: show or None]) if waiting else "")
                 + (" …" if show and len(waiting) > show else ""))
    if b.decided_pending_rerun:
        lines.append(f"decided, applied by the next run: {b.decided_pending_rerun:,}")
    todo = len(b.of("stale")) + len(b.of("new")) + b.decided_pending_rerun
    if todo:
        lines.append(f"next: {run_command}")
    elif waiting:
        lines.append(f"next: review them in {s.clean_dir / 'report.html'}")
    return "\n".join(lines)

"""One document's corrections as text, for the terminal: ``uncleaner explain DOC``.

Reads the published ``clean/<doc_id>.json`` (or ``clean/failed/<doc_id>.json``)
and the batch's suggestions for it, as the report does;
each correction shows its status, confidence, rule, where it stands in the
source, the change, and the words around it.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..review import decisions as decisions_store
from ..run import stages
from .console import BAD_USAGE, NO_INPUT, UserError
from ..review.report import HONOURED, REVIEW, STATUSES, load_batch_suggestions, with_batch_suggestions


def find(clean_dir: Path, doc: str) -> tuple[Path, bool]:
    """The output of ``doc`` (a document id, its input's path or file name): (path, failed?)."""
    candidates = [doc, Path(doc).name, Path(doc).stem]
    for name in dict.fromkeys(stages.safe_name(c) for c in candidates if c):
        for path, failed in ((clean_dir / f"{name}.json", False), (clean_dir / "failed" / f"{name}.json", True)):
            if path.is_file():
                return path, failed
    for folder, failed in ((clean_dir, False), (clean_dir / "failed", True)):  # by the input's path, e.g. raw/x.pdf
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            data = _read(path)
            source = data.get("source") if isinstance(data, dict) else None
            src = source.get("path") if isinstance(source, dict) else source
            if src and (src == doc or Path(str(src)).name == Path(doc).name):
                return path, failed
    raise UserError(f"no output for {doc!r} in {clean_dir}/: give a document id (`uncleaner status` lists them) "
                    "or an input's path, after `uncleaner run`", BAD_USAGE)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _quote(text: str) -> str:
    return "(nothing)" if text == "" else json.dumps(text, ensure_ascii=False)


def explain(clean_dir: Path, doc: str, decisions_file: Path, *, review_only: bool = False) -> str:
    path, failed = find(clean_dir, doc)
    data = _read(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: not readable as JSON; run `uncleaner run` again to rewrite it", NO_INPUT)
    if failed:
        return "\n".join([
            f"{data.get('doc_id')} ({data.get('source')}): FAILED at {data.get('stage')}",
            f"  reason: {data.get('reason')}",
            f"  what to do: {data.get('hint')}",
        ])
    doc_id = data["doc_id"]
    data = with_batch_suggestions(data, load_batch_suggestions(clean_dir).get(doc_id))  # as the report shows it
    source = data.get("source") or {}
    corrections = [c for c in data.get("corrections", []) if isinstance(c, dict)]
    decided = decisions_store.load(decisions_file).get(doc_id, {})
    counts = Counter(c.get("status") for c in corrections)
    awaiting = sum(1 for c in corrections if c.get("status") in REVIEW and not decided.get(str(c.get("id"))))
    head = f"{doc_id} ({source.get('path')}, {source.get('kind')})"
    if data.get("symbol"):
        head += f" {data['symbol']}"
    lines = [head, f"{len(corrections)} corrections: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)
             + f"; {awaiting} awaiting review"]
    n = 0
    for c in corrections:
        status = str(c.get("status"))
        decision = decided.get(str(c.get("id")))
        if review_only and (status not in REVIEW or decision):
            continue
        n += 1
        where = (c.get("where") or {}).get("source") or {}
        at = ", ".join(f"{k} {where[k]}" for k in ("page", "line") if where.get(k) is not None)
        note = ""
        if decision:
            note = f"  [{decision}ed" + ("" if HONOURED.get(status) == decision else ", applied by the next run") + "]"
        lines.append(f"{n:>4}. {status:<9} {float(c.get('confidence', 0)):.2f}  {c.get('rule')}"
                     + (f"  ({at})" if at else "") + note)
        lines.append(f"      {_quote(str(c.get('before', '')))} -> {_quote(str(c.get('after', '')))}"
                     + (f"   …{c['context']}…" if c.get("context") else ""))
    if review_only and not n:
        lines.append("nothing awaiting review")
    return "\n".join(lines)

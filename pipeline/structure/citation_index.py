"""The batch's citation index: for every cited symbol, who cites it, where, with which date.

Written at the end of a run as ``clean/citations.json`` and ``clean/citations.csv``
from the ``references`` of the clean documents (no text is read again).  The
report shows its two views: the most cited documents, and the citations that
disagree (one target cited with two different dates in the batch, which is
either a misprint in a source or a misread number or date).
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

INDEX_SCHEMA = "citation-index/1"
CSV_FIELDS = ["target", "kind", "doc_id", "symbol", "block", "offset", "length", "text", "date"]


def build_index(docs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The index of ``docs`` (canonical documents), deterministic: sorted by target, then document."""
    cited: dict[str, list[dict[str, Any]]] = defaultdict(list)
    kinds: dict[str, Counter] = defaultdict(Counter)
    unresolved: list[dict[str, Any]] = []
    n_docs = 0
    for doc in docs:
        n_docs += 1
        for r in doc.get("references") or []:
            row = {"doc_id": doc["doc_id"], "symbol": doc.get("symbol"), "block": r["block"], "offset": r["offset"],
                   "length": r["length"], "text": r["text"], "date": r.get("date")}
            if r.get("target"):
                cited[r["target"]].append(row)
                kinds[r["target"]][r.get("kind") or "other"] += 1
            else:
                unresolved.append({**row, "kind": r.get("kind")})
    targets = []
    for target in sorted(cited):
        rows = sorted(cited[target], key=lambda x: (x["doc_id"], x["block"], x["offset"]))
        dates = Counter(x["date"] for x in rows if x["date"])
        targets.append({
            "target": target,
            "kind": kinds[target].most_common(1)[0][0],
            "cited": len(rows),
            "documents": len({x["doc_id"] for x in rows}),
            "dates": dict(sorted(dates.items())),
            "citations": rows,
        })
    disagreements = [
        {"target": t["target"], "dates": {d: sorted({x["doc_id"] for x in t["citations"] if x["date"] == d}) for d in t["dates"]}}
        for t in targets if len(t["dates"]) > 1
    ]
    unresolved.sort(key=lambda x: (x["doc_id"], x["block"], x["offset"]))
    return {"schema": INDEX_SCHEMA, "documents": n_docs, "targets": targets, "disagreements": disagreements,
            "unresolved": unresolved}


def to_csv(index: dict[str, Any]) -> str:
    """One row per citation with a target (the JSON also lists the unresolved ones)."""
    out = io.StringIO()
    w = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for t in index["targets"]:
        for row in t["citations"]:
            w.writerow({"target": t["target"], "kind": t["kind"], **{k: ("" if v is None else v) for k, v in row.items()}})
    return out.getvalue()


def write_index(clean_dir: Path, docs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Write ``citations.json`` and ``citations.csv`` atomically; return the index."""
    from ..files import atomic_write

    index = build_index(docs)
    atomic_write(Path(clean_dir) / "citations.json", json.dumps(index, ensure_ascii=False, indent=1) + "\n")
    atomic_write(Path(clean_dir) / "citations.csv", to_csv(index))
    return index


def view(index: dict[str, Any], top: int = 20) -> dict[str, Any]:
    """What the report shows: the most cited targets and the disagreements."""
    most = sorted(index["targets"], key=lambda t: (-t["documents"], -t["cited"], t["target"]))[:top]
    return {
        "most_cited": [{"target": t["target"], "kind": t["kind"], "documents": t["documents"], "cited": t["cited"],
                        "dates": list(t["dates"])} for t in most],
        "disagreements": index["disagreements"],
        "targets": len(index["targets"]),
        "citations": sum(t["cited"] for t in index["targets"]) + len(index["unresolved"]),
        "unresolved": len(index["unresolved"]),
    }

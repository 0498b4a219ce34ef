"""The stages that write ``clean/``: a document's JSON and Markdown (or its failure record), its Akoma
Ntoso, and the batch's files beside them; and the stamps that tell whether those files are still a run's.

Each returns the record its Luigi task keeps as its stage file.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from .. import faults
from ..export.canonical import dumps, render_markdown
from ..files import atomic_write
from ..settings import Settings
from ..structure import citation_memory

log = logging.getLogger("luigi-interface")


def publish(doc: dict[str, Any], source: str, json_path: Path, md_path: Path, failed_path: Path) -> dict[str, Any]:
    """``clean/<doc_id>.json`` and ``.md``, or ``clean/failed/<doc_id>.json``; the others of the three removed."""
    if "failed" in doc:
        atomic_write(failed_path, dumps(doc["failed"]))
        for stale in (json_path, md_path):
            stale.unlink(missing_ok=True)
        files = [str(failed_path)]
        log.info("[pipeline] %s FAILED at %s: %s", source, doc["failed"]["stage"], doc["failed"]["reason"])
    else:
        atomic_write(json_path, dumps(doc))
        atomic_write(md_path, render_markdown(doc))
        failed_path.unlink(missing_ok=True)
        files = [str(json_path), str(md_path)]
        review = sum(1 for c in doc["corrections"] if c["status"] in ("flagged", "suggested"))
        poor = [p["page"] for p in (doc.get("ocr") or {}).get("pages", []) if p["status"] != "good"]
        log.info("[pipeline] %s cleaned%s: %d preambular, %d operative paragraphs, %d footnotes, %d corrections to review",
                 source, f" (poor scan: {len(poor)} pages to review)" if poor else "",
                 len(doc["preamble"]), len(doc["operative"]), len(doc["footnotes"]), review)
    return {"files": files, "stamps": stamps(files)}


def export_akn(doc: dict[str, Any], doc_id: str, target: Path) -> dict[str, Any]:
    """``clean/<doc_id>.akn.xml``: the cleaned resolution as Akoma Ntoso (AKN4UN); none for a failed document."""
    from ..export.akn import export_bytes, validate

    if "failed" in doc:
        target.unlink(missing_ok=True)
        return {"files": [], "stamps": {}, "skipped": "document failed"}
    # Without a generation date the exporter dates the manifestation by the document's
    # own date, under that date's name: reruns give the same bytes, nothing is made up.
    export = export_bytes(doc)
    errors = validate(export.xml)
    atomic_write(target, export.xml)
    for p in export.problems + errors:
        log.warning("[pipeline] %s AKN: %s", doc_id, p)
    return {"files": [str(target)], "stamps": stamps([str(target)]), "problems": export.problems, "xsd_errors": errors}


def stamps(files: list[str]) -> dict[str, str]:
    """A digest of each file just written, to tell later whether it is still this stage's.

    Content, not modification time: stage files stay the same bytes on every run.
    """
    return {p: _content_digest(Path(p)) for p in files}


def _content_digest(path: Path) -> str | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


def outputs_current(record: dict[str, Any]) -> bool:
    """Are the files this stage wrote still there, as it wrote them?

    The same fingerprint can come back (a decision withdrawn, a document taken
    out of the batch again, a dictionary edit undone) after another run
    overwrote ``clean/<doc_id>.json``; then the stage file exists but the output
    is the other run's, so the stage runs again.
    """
    files, written = record.get("files", []), record.get("stamps")
    if written is None:
        return False  # written before stamps were kept: publish again, once
    return all(written.get(p) is not None and written.get(p) == _content_digest(Path(p)) for p in files)


def write_citation_index(s: Settings) -> int:
    """``clean/citations.json`` and ``.csv``: the batch's citations by target; then what the batch
    teaches the citation memory (``clean/citation-memory.tsv``).  Returns how many facts it learned.

    A fault of the machine is recorded for the summary (and nothing learned)."""
    from ..structure.citation_index import write_index
    from ..review.report import load_documents

    try:
        docs = [doc for _, doc in load_documents(s.clean_dir)]
        write_index(s.clean_dir, docs)
        return citation_memory.learn_from_batch(s.clean_dir, s.dictionaries_dir, docs)
    except OSError as exc:
        faults.record("(citation index)", "report", faults.classify(exc, where=s.clean_dir))
        return 0


def write_batch_suggestions(s: Settings, index: Path) -> None:
    """``clean/batch-suggestions.json``: what the batch's footnotes suggest for each document (the report shows it)."""
    from ..review.report import BATCH_SUGGESTIONS

    try:
        suggested = json.loads(index.read_text(encoding="utf-8"))["suggestions"] if index.exists() else {}
        atomic_write(s.clean_dir / BATCH_SUGGESTIONS, dumps({"suggestions": suggested}))
    except OSError as exc:
        faults.record("(batch suggestions)", "report", faults.classify(exc, where=s.clean_dir))


def move_stale_outputs(s: Settings, keep: set[Path]) -> None:
    """Move the outputs in clean/ that are not the current batch's to ``clean/stale/`` (a fault of the machine: recorded)."""
    try:
        moved = stale_outputs_moved(s.clean_dir, keep)
    except OSError as exc:
        faults.record("(outputs of removed inputs)", "publish", faults.classify(exc, where=s.clean_dir))
        return
    if moved:
        log.info("[pipeline] %d outputs of documents not in this batch (or not current) moved to %s",
                 len(moved), s.clean_dir / "stale")


def stale_outputs_moved(clean_dir: Path, keep: set[Path]) -> list[Path]:
    """Move outputs that are not the current batch's to ``clean/stale/``; return where they went.

    An input removed or renamed leaves its JSON, Markdown, Akoma Ntoso and
    failure record behind; a document not done in this run (a fault of the
    machine) may have outputs of an earlier version of its input.  Neither may
    look current, and nothing is lost: they are moved, not deleted.
    """
    from ..review.report import _is_canonical, _read_json

    moved = []
    keep = {p.resolve() for p in keep}
    kept_stems = {_stem(p.name) for p in keep if p.parent == clean_dir.resolve()}
    # Only a document's own files: batch-wide files beside them (report.html, citations.json ...) stay.
    candidates = [p for p in clean_dir.glob("*.md") if _stem(p.name) not in kept_stems]
    candidates += [p for p in clean_dir.glob("*.akn.xml") if _stem(p.name) not in kept_stems]
    candidates += [p for p in clean_dir.glob("*.json") if p.resolve() not in keep and _is_canonical(_read_json(p))]
    candidates += list((clean_dir / "failed").glob("*.json"))
    for p in sorted(candidates):
        if not p.is_file() or p.name.startswith(".") or p.resolve() in keep:
            continue
        target = clean_dir / "stale" / p.relative_to(clean_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(p, target)
        moved.append(target)
    return moved


def _stem(name: str) -> str:
    for suffix in (".akn.xml", ".json", ".md"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name

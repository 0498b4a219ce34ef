"""The pipeline's stages as plain functions: what each Luigi task calls.

Each takes the previous stage's result and the settings, returns its own, and
touches no file but the caches it is handed, so it can be tested without Luigi.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from . import decisions as decisions_store
from . import footnotes, structure
from .extract.errors import ExtractError
from .model import Extracted, Source
from .repair.engine import RepairContext, run_rules
from .repair.layout import LAYOUT_RULES
from .settings import Settings
from .worktext import WorkText

PDF_MAGIC = b"%PDF-"


def doc_ids(paths: list[Path]) -> dict[Path, str]:
    """A document's id is its file name without extension; twins (x.pdf, x.txt) keep the extension."""
    stems: dict[str, int] = {}
    for p in paths:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    out = {}
    for p in paths:
        out[p] = p.stem if stems[p.stem] == 1 else f"{p.stem}.{p.suffix.lstrip('.')}" if p.suffix else p.name
    return out


def list_inputs(raw_dir: Path) -> list[Path]:
    """Every visible regular file directly in ``raw_dir``, in name order."""
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"input folder {raw_dir} does not exist: create it and put the documents to clean in it")
    return sorted(p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def extract(path: Path, rel_path: str, sha256: str, settings: Settings) -> Extracted:
    """Read one input into the neutral model; the kind comes from the bytes, not the name."""
    with open(path, "rb") as f:
        head = f.read(1024)
    source = Source(path=rel_path, sha256=sha256, kind="text")
    if not head:
        raise ExtractError(f"{rel_path}: empty file (0 bytes); nothing to clean")
    if head.lstrip()[:5] == PDF_MAGIC or path.suffix.lower() == ".pdf":
        if PDF_MAGIC not in head:
            raise ExtractError(f"{rel_path}: named .pdf but is not a PDF (no %PDF header)")
        from .extract.pdf import extract_pdf

        doc = extract_pdf(path, source, settings=settings.extract_settings(), cache_dir=settings.stages_dir)
    else:
        if _looks_binary(head):
            raise ExtractError(f"{rel_path}: neither text nor PDF (binary content); convert it to PDF or text first")
        from .extract.text import extract_text

        doc = extract_text(path.read_bytes(), source)
    return doc


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if head[:8] in (b"\x89PNG\r\n\x1a\n",) or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"PK\x03\x04", b"GIF8", b"II*\x00", b"MM\x00*"):
        return True
    return False


def load_lexicon(settings: Settings):
    from .lexicon import load_lexicon as _load

    return _load(settings.dictionaries_dir)


def text_rules() -> list[str]:
    from .repair.order import TEXT_RULES  # importing registers the rules

    return list(TEXT_RULES)


def repair(doc: Extracted, settings: Settings, doc_decisions: dict[str, str]) -> WorkText:
    work = WorkText.from_extracted(doc)
    ctx = RepairContext(lexicon=load_lexicon(settings), settings=settings.repair_settings())
    run_rules(work, LAYOUT_RULES + text_rules(), ctx, settings.thresholds, doc_decisions.get)
    return work


def recover_footnotes(work: WorkText, settings: Settings, doc_decisions: dict[str, str]) -> WorkText:
    return footnotes.recover(work, settings.thresholds, doc_decisions.get)


def build(work: WorkText, doc: dict[str, Any] | Extracted) -> dict[str, Any]:
    """The canonical document; ``doc`` gives the source facts and extraction metadata."""
    if isinstance(doc, Extracted):
        source = {"path": doc.source.path, "sha256": doc.source.sha256, "kind": doc.source.kind, "pages": doc.source.pages}
        images = {str(p.number): {"path": p.image, "width": p.width, "height": p.height} for p in doc.pages if p.image}
        if images:
            source["page_images"] = images
        meta = doc.meta
    else:
        source, meta = doc["source"], doc.get("meta", {})
    return structure.build_document(work, source=source, meta=meta)


def decisions_for(settings: Settings) -> dict[str, dict[str, str]]:
    return decisions_store.load(settings.decisions_file)


def safe_name(doc_id: str) -> str:
    """A file name that cannot leave its folder, whatever the input was called."""
    name = unicodedata.normalize("NFC", doc_id).replace("/", "_").replace("\\", "_").replace("\x00", "_")
    name = re.sub(r"^\.+", "_", name)
    return name or "_"

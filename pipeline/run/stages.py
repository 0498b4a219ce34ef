"""The pipeline's stages as plain functions: what each Luigi task calls.

Each takes the previous stage's result and the settings, returns its own, and
touches no file but the caches it is handed, so it can be tested without Luigi.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import traceback
import unicodedata
from pathlib import Path
from typing import Any

from .. import degraded, language
from ..extract.errors import ExtractError
from ..faults import Fault
from ..model import Extracted, Source
from ..notes import footnotes
from ..repair.engine import RepairContext, run_rules
from ..settings import Settings
from ..structure import citations, parts
from ..worktext import Mark, Thresholds, WorkText

def doc_ids(paths: list[Path]) -> dict[Path, str]:
    """A document's id is its file name without extension; twins (x.pdf, x.txt) keep the extension.

    Ids are unique as output names too (``x.pdf`` twinned with ``x.txt`` and a
    lone ``x.pdf.txt`` would both be ``x.pdf``): a later clash gets a ``~n``
    suffix, in name order, so no document overwrites another's outputs.
    """
    stems: dict[str, int] = {}
    for p in paths:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    out = {}
    taken: set[str] = set()
    for p in sorted(paths, key=lambda p: (stems[p.stem] == 1, str(p))):
        wanted = p.stem if stems[p.stem] == 1 else f"{p.stem}.{p.suffix.lstrip('.')}" if p.suffix else p.name
        wanted = printable(wanted)
        doc_id, n = wanted, 1
        while safe_name(doc_id).casefold() in taken:  # casefold: clean/ may be on a case-blind disk
            n += 1
            doc_id = f"{wanted}~{n}"
        taken.add(safe_name(doc_id).casefold())
        out[p] = doc_id
    return {p: out[p] for p in paths}


def printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def list_inputs(raw_dir: Path) -> list[Path]:
    """The inputs :func:`scan_inputs` admits, in name order."""
    return scan_inputs(raw_dir)[0]


def scan_inputs(raw_dir: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Every visible regular file directly in ``raw_dir``, and ``(name, reason)`` of every entry skipped.

    Only regular files inside ``raw/`` are inputs.  A symbolic link is followed
    when what it points to is a regular file inside ``raw/`` too (a link kept
    for a second name); a link that leaves ``raw/`` (``/etc/passwd``, another
    project's file), dangles or loops, a folder, a device, a FIFO or a socket
    is skipped and named with the reason.  Names starting with a dot (editor
    and download temp files) are ignored silently.
    """
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"input folder {raw_dir} does not exist: create it and put the documents to clean in it")
    root = raw_dir.resolve()
    inputs, skipped = [], []
    for p in sorted(raw_dir.iterdir()):
        if p.name.startswith("."):
            continue
        reason = refusal(p, root)
        if reason is None:
            inputs.append(p)
        else:
            skipped.append((printable(str(p)), reason))
    return inputs, skipped


_KINDS = ((stat.S_ISDIR, "a folder: only files directly in raw/ are cleaned; move its files into raw/"),
          (stat.S_ISFIFO, "a named pipe (FIFO), not a file; copy the document into raw/ as a file"),
          (stat.S_ISCHR, "a device, not a file"), (stat.S_ISBLK, "a device, not a file"),
          (stat.S_ISSOCK, "a socket, not a file"))


def refusal(path: Path, root: Path) -> str | None:
    """Why ``path`` is not an input (see :func:`scan_inputs`), or None when it is one."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return "removed while raw/ was being read"
    if stat.S_ISLNK(st.st_mode):
        link = printable(os.readlink(path))
        try:
            target = path.resolve(strict=True)
        except FileNotFoundError:
            return f"a symbolic link to nothing ({link} does not exist)"
        except (RuntimeError, OSError):
            return f"a symbolic link that loops ({link})"
        if not target.is_relative_to(root):
            return f"a symbolic link to {link}, outside raw/: inputs must be inside raw/; copy the file into raw/ to clean it"
        try:
            st = target.stat()
        except OSError as e:
            return f"a symbolic link whose target cannot be read ({e.strerror})"
    if stat.S_ISREG(st.st_mode):
        return None
    for test, reason in _KINDS:
        if test(st.st_mode):
            return reason
    return "not a regular file"


def extract(path: Path, rel_path: str, sha256: str, settings: Settings, readahead: Any = None) -> Extracted:
    """Read one input into the neutral model (:func:`pipeline.extract.dispatch.extract_document`).

    ``readahead``: the run's :class:`~pipeline.extract.readahead.ReadAhead`, which the task hands
    in from :func:`pipeline.run.launch.read_ahead`; None reads nothing ahead.
    """
    rel_path = printable(rel_path)
    from ..extract.dispatch import extract_document

    # Again: raw/ may have changed since it was listed (a missing file is left to open(): a vanished file).
    refused = refusal(path, path.parent.resolve()) if path.is_symlink() or path.exists() else None
    if refused:
        raise ExtractError(f"{rel_path}: {refused}")
    source = Source(path=rel_path, sha256=sha256, kind="text")
    return extract_document(path, source, options=settings.extract_settings(), cache_dir=settings.stages_dir,
                            readahead=readahead)


def check_dictionaries(settings: Settings) -> None:
    from ..lexicon import check_dictionaries as _check
    from ..repair.calibration import load as load_calibration

    _check(settings.dictionaries_dir)
    load_calibration(settings.dictionaries_dir)  # a broken calibration stops the run too, before any document
    from ..structure.citation_memory import KNOWLEDGE_FILE, digit_confusions, read_knowledge

    read_knowledge(settings.dictionaries_dir / KNOWLEDGE_FILE)
    digit_confusions(settings.dictionaries_dir)


def load_lexicon(settings: Settings):
    from ..lexicon import load_lexicon as _load

    from ..lexicon import user_cache_dir

    return _load(settings.dictionaries_dir, user_cache_dir())


def text_rules(kind: str | None = None) -> list[str]:
    """The text rules for a source kind (all of them when ``kind`` is None): see ``repair.order.rules_for``."""
    from ..repair.order import TEXT_RULES, rules_for  # importing registers the rules

    return list(TEXT_RULES) if kind is None else rules_for(kind)


def repair(doc: Extracted, settings: Settings, doc_decisions: dict[str, str],
           batch_terms: frozenset[str] = frozenset()) -> WorkText:
    """``batch_terms``: forms the batch's other documents make names or terms (:mod:`pipeline.batchterms`)."""
    work = WorkText.from_extracted(doc)
    work.apply(degraded.notices(work, doc.meta), settings.thresholds, doc_decisions.get)  # steps extraction skipped
    from ..repair.calibration import load as load_calibration

    ctx = RepairContext(lexicon=load_lexicon(settings), settings=settings.repair_settings(),
                        source_kind=doc.source.kind, calibration=load_calibration(settings.dictionaries_dir),
                        batch_terms=frozenset(batch_terms))
    from ..repair.order import LAYOUT_RULES  # importing registers the rules

    run_rules(work, LAYOUT_RULES + text_rules(doc.source.kind), ctx, settings.thresholds, doc_decisions.get)
    return work


def recover_footnotes(work: WorkText, settings: Settings, doc_decisions: dict[str, str]) -> WorkText:
    from ..structure.citation_memory import apply_memory

    work = footnotes.recover(work, settings.thresholds, doc_decisions.get)
    # Citations are checked against the memory once a footnote knows the clause its marker ends.
    return apply_memory(work, settings.dictionaries_dir, settings.thresholds, doc_decisions.get, settings.clean_dir)


def build(work: WorkText, doc: dict[str, Any] | Extracted) -> dict[str, Any]:
    """The canonical document; ``doc`` gives the source facts and extraction metadata."""
    if isinstance(doc, Extracted):
        source = {"path": doc.source.path, "sha256": doc.source.sha256, "kind": doc.source.kind, "pages": doc.source.pages}
        images = {str(p.number): {"path": p.image, "width": p.width, "height": p.height} for p in doc.pages if p.image}
        if images:
            source["page_images"] = images
        meta = doc.meta
    else:
        source, meta = dict(doc["source"]), doc.get("meta", {})
    if meta.get("text_layer"):
        source["text_layer"] = meta["text_layer"]  # a searchable scan: which pages' text an OCR engine made, and why
    source["language"] = language.document_language(language.paragraph_languages(work.text))
    built = parts.build_document(work, source=source, meta=meta)
    built["references"] = citations.find_references(built)  # after every block exists (annexes too)
    if meta.get("ocr_quality"):
        built["ocr"] = ocr_verdict(meta)
    return built


def ocr_verdict(meta: dict[str, Any]) -> dict[str, Any]:
    """The output's ``ocr`` field: the scan's status and each page's verdict and preparation."""
    from ..extract import quality

    pages = [{k: v for k, v in p.items() if v is not None or k == "mean_confidence"} for p in meta["ocr_quality"]]
    return {"status": quality.document_status(pages), "mean_confidence": quality.mean_confidence(pages),
            "pages": pages}


MAX_NAME_BYTES = 160  # leaves room for "-<fingerprint>.json" and ".akn.xml" under the usual 255


def safe_name(doc_id: str) -> str:
    """A file name that cannot leave its folder, whatever the input was called.

    Separators, control characters and leading dots become ``_``; a name too
    long for the file system is cut and keeps a hash of the whole, so it
    stays unique.
    """
    name = unicodedata.normalize("NFC", printable(doc_id))
    name = re.sub(r"[/\\\x00-\x1f\x7f]", "_", name)
    name = re.sub(r"^\.+", "_", name)
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
        name = name.encode("utf-8")[:MAX_NAME_BYTES - 13].decode("utf-8", "ignore") + "~" + digest
    return name or "_"


def process(path: Path, settings: Settings | None = None, doc_decisions: dict[str, str] | None = None,
            rel_path: str | None = None, batch_notes: list[dict[str, Any]] | None = None,
            batch_terms: frozenset[str] = frozenset()) -> tuple[dict[str, Any], WorkText]:
    """One document through every stage, in memory, without Luigi (benchmarks, tests).

    ``batch_notes``: the batch's anchored footnotes (:func:`pipeline.notes.batchnotes.anchored_notes`
    of other documents, each with its ``doc_id``); none by default.  ``batch_terms``: the
    document's entry of :mod:`pipeline.batchterms`; none by default."""
    from .fingerprint import file_sha256

    settings = settings or Settings()
    doc_decisions = doc_decisions or {}
    extracted = extract(path, rel_path or str(path), file_sha256(path), settings)
    work = recover_footnotes(repair(extracted, settings, doc_decisions, batch_terms), settings, doc_decisions)
    work = note_evidence(work, settings, doc_decisions, batch_notes or [])
    return build(work, extracted), work


def note_index(footnote_files: list[tuple[str, Path]], thresholds: Thresholds) -> dict[str, Any]:
    """The batch's anchored footnotes (``notes``) and what they suggest for each document (``suggestions``).

    ``footnote_files``: ``(doc_id, its Footnotes stage file)`` of every document of the batch.
    """
    from ..notes.batchnotes import Evidence, anchored_notes, merge_notes, needs_evidence, suggestions

    notes, pending = [], []
    for doc_id, path in footnote_files:
        with open(path, encoding="utf-8") as f:
            up = json.load(f)
        if "failed" in up:
            continue
        # Only text and marks are needed here: lines and the origin map are left unread.
        work = WorkText(up["doc_id"], up["text"], [], [Mark(**m) for m in up["marks"]])
        notes += [{"doc_id": doc_id, **n} for n in anchored_notes(work)]
        if needs_evidence(work):
            pending.append((doc_id, up))
    notes = merge_notes(notes)
    evidence = Evidence(notes)
    suggested = {}
    for doc_id, up in pending:
        found = suggestions(WorkText.from_json(up), evidence, thresholds)
        if found["corrections"] or found["info"]:
            suggested[doc_id] = found
    return {"notes": notes, "suggestions": suggested}


def failure_record(path: str, doc_id: str, stage: str, exc: BaseException, fault: Fault,
                   settings: Settings) -> dict[str, Any]:
    """What a stage writes for a document it could not process: where, why, and what to do."""
    from .fingerprint import file_sha256

    src = Path(path)
    sha = file_sha256(src) if src.exists() else None
    tb = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else None
    source = printable(path)
    reason = fault.reason
    if not reason.startswith(source):  # every reason names its file
        reason = f"{source}: {reason}"
    hint = f"fix {settings.decisions_file} (see the message) and run again" \
        if type(exc).__name__ == "DecisionsError" else fault.hint
    return {"failed": {
        "doc_id": doc_id, "source": source, "stage": stage, "reason": reason,
        "error": type(exc).__name__, "at": where, "input_sha256": sha, "hint": hint,
    }}


def note_evidence(work: WorkText, settings: Settings, doc_decisions: dict[str, str],
                  batch_notes: list[dict[str, Any]]) -> WorkText:
    """The batch's anchored footnotes applied to one document (see :mod:`pipeline.notes.batchnotes`)."""
    from ..notes.batchnotes import apply_evidence

    return apply_evidence(work, batch_notes, settings.thresholds, doc_decisions.get)

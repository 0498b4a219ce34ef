"""Luigi tasks: one per document per stage, each a thin wrapper over :mod:`pipeline.stages`.

A stage's output path is ``clean/.stages/<stage>/<doc_id>-<fingerprint>.json``;
the fingerprint covers the input, the stage's code, settings and dictionaries
(see :mod:`pipeline.fingerprint`), so Luigi's existence check is a real cache
check.  A document that cannot be processed gets a failure record as its stage
output instead of an exception: the rest of the batch goes on, the report lists
it, and ``CleanAll`` ends with a non-zero exit status.

Small batches are scheduled as those per-document tasks; larger ones as groups
of documents (``CleanBatch``), so Luigi's scheduler, whose cost per request
grows with its pending tasks, holds N/k tasks instead of 6N (see
``[pipeline] documents_per_task``).  The stage files are the same either way.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import traceback
from pathlib import Path
from typing import Any

import luigi
import luigi.interface

from . import citation_memory, console, project
from . import decisions as decisions_store
from . import fingerprint as fp
from . import stages
from .extract import prefetch
from .model import Extracted
from .output import atomic_write, dumps, dumps_compact, render_markdown
from .settings import Settings
from .worktext import Mark, WorkText

log = logging.getLogger("luigi-interface")
console.install_filters()  # an expected failure is one line in Luigi's log, not a traceback


# ------------------------------------------------------------------ settings from luigi.cfg
class _Section(luigi.Config):
    section = ""

    @classmethod
    def get_task_family(cls) -> str:
        return cls.section


class PipelineSection(_Section):
    section = "pipeline"
    raw_dir = luigi.Parameter(default="raw", description="folder of input documents")
    clean_dir = luigi.Parameter(default="clean", description="folder of outputs and stage caches")
    dictionaries_dir = luigi.Parameter(default="dictionaries")
    decisions_file = luigi.Parameter(default="dictionaries/review-decisions.json")
    documents_per_task = luigi.Parameter(
        default="auto", description="documents per scheduled task: 1 = each stage of each document is a task; "
        "k > 1 = groups of k documents (CleanBatch); auto = 1 up to 64 documents, then groups of up to 50")


class RepairSection(_Section):
    section = "repair"
    apply_threshold = luigi.FloatParameter(default=0.9, description="at or above: applied, not shown for review")
    flag_threshold = luigi.FloatParameter(default=0.6, description="at or above: applied and flagged; below: suggested only")


class ExtractSection(_Section):
    section = "extract"
    dpi = luigi.IntParameter(default=300, description="resolution scanned pages are rendered at for OCR")
    ocr_lang = luigi.Parameter(default="eng")
    force_ocr = luigi.BoolParameter(default=False, description="OCR every PDF, even with a text layer")
    max_pages = luigi.IntParameter(default=2000, description="a PDF with more pages fails before it is read")
    max_page_pixels = luigi.IntParameter(default=150_000_000, description="largest page to render for OCR, in pixels")
    max_image_pixels = luigi.IntParameter(default=100_000_000, description="largest image inside a PDF, in pixels")
    max_content_bytes = luigi.IntParameter(default=64 << 20, description="largest inflated content of one page")


_settings: dict[str, Settings] = {}


def settings() -> Settings:
    p, r, e = PipelineSection(), RepairSection(), ExtractSection()
    preflight = {k: getattr(e, k) for k in ("max_pages", "max_page_pixels", "max_image_pixels", "max_content_bytes")}
    return Settings(
        raw_dir=Path(p.raw_dir), clean_dir=Path(p.clean_dir), dictionaries_dir=Path(p.dictionaries_dir),
        decisions_file=Path(p.decisions_file), apply_threshold=r.apply_threshold, flag_threshold=r.flag_threshold,
        dpi=e.dpi, ocr_lang=e.ocr_lang, force_ocr=e.force_ocr, extra={"preflight": preflight},
    )


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
            from .batchnotes import BATCH_RULES

            for d in json.loads(path.read_text(encoding="utf-8"))["decisions"]:
                if d.get("rule") in BATCH_RULES or not d.get("rule"):  # a rule not named: assume it may
                    batch.add(d["doc_id"])
        _decisions[key] = (loaded, batch)
    return _decisions[key]


def uses_batch_evidence(s: Settings, doc_id: str) -> bool:
    """Does honouring this document's decisions need the batch's notes (an accepted stripped marker, a batch place)?"""
    return doc_id in _decisions_file(s)[1]


# ------------------------------------------------------------------ per-document stages
class DocTask(luigi.Task):
    path = luigi.Parameter(description="input file, as found in the raw folder")
    doc_id = luigi.Parameter(description="document id: the file name without extension")

    stage = ""

    def fingerprint_parts(self) -> list[Any]:
        raise NotImplementedError

    @property
    def fingerprint(self) -> str:
        if "_fp" not in self.__dict__:
            self.__dict__["_fp"] = fp.digest(self.stage, *self.fingerprint_parts())
        return self.__dict__["_fp"]

    def output(self) -> luigi.LocalTarget:
        # Kept like the fingerprint: building the settings from Luigi's config costs
        # more than the check itself, and a batch asks for each output several times.
        if "_out" not in self.__dict__:
            s = settings()
            self.__dict__["_out"] = luigi.LocalTarget(
                str(s.stages_dir / self.stage / f"{stages.safe_name(self.doc_id)}-{self.fingerprint}.json"))
        return self.__dict__["_out"]

    def upstream(self) -> dict[str, Any]:
        with open(self.input().path, encoding="utf-8") as f:
            return json.load(f)

    def write(self, obj: dict[str, Any]) -> None:
        atomic_write(Path(self.output().path), dumps_compact(obj))

    def failure(self, exc: BaseException) -> dict[str, Any]:
        s = settings()
        src = Path(self.path)
        sha = fp.file_sha256(src) if src.exists() else None
        tb = traceback.extract_tb(exc.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else None
        known = type(exc).__name__ in ("ExtractError", "DecisionsError")
        source = stages.printable(self.path)
        reason = str(exc) if known else f"{type(exc).__name__}: {exc}"
        if not reason.startswith(source):  # every reason names its file
            reason = f"{source}: {reason}"
        return {"failed": {
            "doc_id": self.doc_id, "source": source, "stage": self.stage, "reason": reason,
            "error": type(exc).__name__, "at": where, "input_sha256": sha,
            "hint": _hint(exc, s),
        }}

    def run_stage(self, fn) -> None:
        up = self.upstream() if self.requires() else None
        if up is not None and "failed" in up:
            self.write(up)  # a document failed upstream stays failed, with its first reason
            return
        try:
            result = fn(up)
        except Exception as exc:  # one bad document must not stop the batch
            log.warning("%s: %s failed: %s", self.path, self.stage, exc)
            result = self.failure(exc)
        self.write(result)


_frozen_lexicon: list[Any] = []


def tasks_run_in_forks() -> bool:
    """Whether Luigi runs each task in a forked process (``--workers`` above 1).

    Read from Luigi's own ``[core] workers`` (command line or luigi.cfg).  When
    it cannot be read, assume forks: the choice that is never wrong, only slower.
    """
    try:
        forced = luigi.configuration.get_config().getboolean("worker", "force_multiprocessing", False)
        return forced or int(luigi.interface.core().workers) > 1
    except Exception:  # noqa: BLE001 -- any doubt: the safe answer
        return True


def _local_scheduler() -> bool:
    try:
        return bool(luigi.interface.core().local_scheduler)
    except Exception:  # noqa: BLE001
        return False


def preload_lexicon() -> None:
    """Build the lexicon in the scheduling process, before any Repair runs.

    With ``--workers N`` Luigi forks a process per task run: the fork inherits
    the loaded lexicon.  ``gc.freeze()`` then moves it to the collector's
    permanent generation, so a child's garbage collections do not walk its
    millions of objects, which would copy every page of it into the child.
    (Building it in a background thread while the first documents are read
    gains nothing: OCR's second core is already busy with page preparation.)
    """
    lexicon = stages.load_lexicon(settings())
    if not _frozen_lexicon or _frozen_lexicon[0] is not lexicon:
        _frozen_lexicon[:] = [lexicon]
        gc.freeze()


def _hint(exc: BaseException, s: Settings) -> str:
    name = type(exc).__name__
    if "tesseract" in str(exc).lower():
        return "install Tesseract: run scripts/setup.sh (apt-get install tesseract-ocr tesseract-ocr-eng), then run again"
    if name == "ExtractError":
        return "check the file; replace it with a readable copy in the raw folder and run again"
    if name == "DecisionsError":
        return f"fix {s.decisions_file} (see the message) and run again"
    return "this looks like a bug in the pipeline: report it with this record; the rest of the batch was processed"


class Extract(DocTask):
    stage = "extract"

    def fingerprint_parts(self) -> list[Any]:
        s = settings()
        parts: list[Any] = [fp.file_sha256(Path(self.path)), fp.code_version("extract"), s.extract_settings()]
        if Path(self.path).suffix.lower() == ".pdf":
            parts.append(fp.tool_version("tesseract"))  # installing it retries scans that failed for want of it
        return parts

    def complete(self) -> bool:
        done = super().complete()
        if not done:  # Luigi checks first the document it will run first: read its first page ahead
            prefetch.soon(Path(self.path))
        return done

    def run(self) -> None:
        s = settings()
        self.run_stage(lambda _: stages.extract(Path(self.path), self.path, fp.file_sha256(Path(self.path)), s).to_json())


class Repair(DocTask):
    stage = "repair"

    def requires(self):
        return Extract(path=self.path, doc_id=self.doc_id)

    def fingerprint_parts(self) -> list[Any]:
        s = settings()
        return [self.requires().fingerprint, fp.code_version("repair"), fp.dictionaries_version(s.dictionaries_dir),
                s.repair_settings(), decisions_store.fingerprint(doc_decisions(s, self.doc_id))]

    def complete(self) -> bool:
        done = super().complete()
        if not done:
            prefetch.soon(Path(self.path))  # Tesseract starts on a scan's first page while the lexicon loads
            preload_lexicon()
        return done

    def run(self) -> None:
        s = settings()
        self.run_stage(lambda up: stages.repair(Extracted.from_json(up), s, doc_decisions(s, self.doc_id)).to_json())


class Footnotes(DocTask):
    stage = "footnotes"

    def requires(self):
        return Repair(path=self.path, doc_id=self.doc_id)

    def fingerprint_parts(self) -> list[Any]:
        s = settings()
        return [self.requires().fingerprint, fp.code_version("footnotes"), s.repair_settings(),
                decisions_store.fingerprint(doc_decisions(s, self.doc_id))] + citation_memory.batch_parts(s.clean_dir)

    def run(self) -> None:
        s = settings()
        self.run_stage(lambda up: stages.recover_footnotes(WorkText.from_json(up), s, doc_decisions(s, self.doc_id)).to_json())


def batch_documents(s: Settings) -> list[tuple[str, str]]:
    """``[(path, doc_id)]`` of every input in the raw folder, listed once per state of the folder."""
    key = (s, _mtime(s.raw_dir))
    if _batch_listing.get("key") != key:
        inputs = stages.list_inputs(s.raw_dir)
        ids = stages.doc_ids(inputs)
        _batch_listing.update(key=key, docs=[(str(p), ids[p]) for p in inputs])
    return _batch_listing["docs"]


_batch_listing: dict[str, Any] = {}


def note_index_fingerprint(s: Settings) -> str:
    """The batch's evidence changes when any document's footnote stage does (or the batch's members)."""
    docs = batch_documents(s)
    key = (tuple(docs), _mtime(s.decisions_file), _size(s.decisions_file))
    if _index_fp.get("key") != key:
        _index_fp.update(key=key, fp=fp.digest("notes", [Footnotes(path=p, doc_id=d).fingerprint for p, d in docs],
                                               fp.code_version("notes")))
    return _index_fp["fp"]


_index_fp: dict[str, Any] = {}


class NoteIndex(luigi.Task):
    """The batch's anchored footnotes, with the words around their markers: evidence for every document.

    It needs every document's footnote stage.  It writes the notes, and per
    document what they suggest (a place for a note without a marker, the note
    a stripped marker probably had), which the report shows.  A document's own
    later stages need it only when a reviewer has decided on such a suggestion
    (:func:`uses_batch_evidence`): one document's change never re-runs the others.
    Its path (and identity) is a digest of all the footnote stages' fingerprints.
    """

    fingerprint = luigi.Parameter(description="digest of every document's Footnotes fingerprint")

    def requires(self):
        s = settings()
        docs = batch_documents(s)
        k = documents_per_task(PipelineSection().documents_per_task, len(docs), tasks_run_in_forks())
        if k is None:
            return [Footnotes(path=p, doc_id=d) for p, d in docs]
        return [FootnoteBatch(docs=list(g), fingerprint=fp.digest([Footnotes(path=p, doc_id=d).fingerprint for p, d in g]))
                for g in (docs[i:i + k] for i in range(0, len(docs), k))]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(settings().stages_dir / "note-index" / f"{self.fingerprint}.json"))

    def run(self) -> None:
        from .batchnotes import Evidence, anchored_notes, merge_notes, needs_evidence, suggestions

        s = settings()
        notes, pending = [], []
        for p, d in batch_documents(s):
            with open(Footnotes(path=p, doc_id=d).output().path, encoding="utf-8") as f:
                up = json.load(f)
            if "failed" in up:
                continue
            # Only text and marks are needed here: lines and the origin map are left unread.
            work = WorkText(up["doc_id"], up["text"], [], [Mark(**m) for m in up["marks"]])
            notes += [{"doc_id": d, **n} for n in anchored_notes(work)]
            if needs_evidence(work):
                pending.append((d, up))
        notes = merge_notes(notes)
        evidence = Evidence(notes)
        suggested = {}
        for d, up in pending:
            found = suggestions(WorkText.from_json(up), evidence, s.thresholds)
            if found["corrections"] or found["info"]:
                suggested[d] = found
        atomic_write(Path(self.output().path), dumps_compact({"notes": notes, "suggestions": suggested}))


class NoteEvidence(DocTask):
    """The batch's evidence applied to one document, when its decisions need it (:mod:`pipeline.batchnotes`)."""

    stage = "notes"

    def requires(self):
        req = {"footnotes": Footnotes(path=self.path, doc_id=self.doc_id)}
        s = settings()
        if uses_batch_evidence(s, self.doc_id):
            req["index"] = NoteIndex(fingerprint=note_index_fingerprint(s))
        return req

    def fingerprint_parts(self) -> list[Any]:
        s = settings()
        req = self.requires()
        index = req["index"].fingerprint if "index" in req else None
        return [req["footnotes"].fingerprint, index, fp.code_version("notes"), s.repair_settings(),
                decisions_store.fingerprint(doc_decisions(s, self.doc_id))]

    def upstream(self) -> dict[str, Any]:
        with open(self.input()["footnotes"].path, encoding="utf-8") as f:
            return json.load(f)

    def run(self) -> None:
        s = settings()

        def apply(up: dict[str, Any]) -> dict[str, Any]:
            notes = []
            if "index" in self.input():
                with open(self.input()["index"].path, encoding="utf-8") as f:
                    notes = json.load(f)["notes"]
            return stages.note_evidence(WorkText.from_json(up), s, doc_decisions(s, self.doc_id), notes).to_json()

        self.run_stage(apply)


class Structure(DocTask):
    stage = "structure"

    def requires(self):
        return NoteEvidence(path=self.path, doc_id=self.doc_id)

    def fingerprint_parts(self) -> list[Any]:
        return [self.requires().fingerprint, fp.code_version("structure")]

    def run(self) -> None:
        extract_task = Extract(path=self.path, doc_id=self.doc_id)

        def build(up: dict[str, Any]) -> dict[str, Any]:
            with open(extract_task.output().path, encoding="utf-8") as f:
                extracted = Extracted.from_json(json.load(f))
            doc = stages.build(WorkText.from_json(up), extracted)
            doc["doc_id"] = self.doc_id
            return doc

        self.run_stage(build)


class Publish(DocTask):
    """``clean/<doc_id>.json`` and ``.md``, or ``clean/failed/<doc_id>.json``."""

    stage = "publish"

    def requires(self):
        return Structure(path=self.path, doc_id=self.doc_id)

    def fingerprint_parts(self) -> list[Any]:
        return [self.requires().fingerprint]

    def targets(self) -> tuple[Path, Path, Path]:
        s = settings()
        name = stages.safe_name(self.doc_id)
        return s.clean_dir / f"{name}.json", s.clean_dir / f"{name}.md", s.clean_dir / "failed" / f"{name}.json"

    def complete(self) -> bool:
        if not super().complete():
            return False
        with open(self.output().path, encoding="utf-8") as f:
            return outputs_current(json.load(f))

    def run(self) -> None:
        doc = self.upstream()
        json_path, md_path, failed_path = self.targets()
        if "failed" in doc:
            atomic_write(failed_path, dumps(doc["failed"]))
            for stale in (json_path, md_path):
                stale.unlink(missing_ok=True)
            files = [str(failed_path)]
            log.info("[pipeline] %s FAILED at %s: %s", self.path, doc["failed"]["stage"], doc["failed"]["reason"])
        else:
            atomic_write(json_path, dumps(doc))
            atomic_write(md_path, render_markdown(doc))
            failed_path.unlink(missing_ok=True)
            files = [str(json_path), str(md_path)]
            review = sum(1 for c in doc["corrections"] if c["status"] in ("flagged", "suggested"))
            poor = [p["page"] for p in (doc.get("ocr") or {}).get("pages", []) if p["status"] != "good"]
            log.info("[pipeline] %s cleaned%s: %d preambular, %d operative paragraphs, %d footnotes, %d corrections to review",
                     self.path, f" (poor scan: {len(poor)} pages to review)" if poor else "",
                     len(doc["preamble"]), len(doc["operative"]), len(doc["footnotes"]), review)
        self.write({"doc_id": self.doc_id, "files": files, "stamps": stamps(files)})


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


def validate_dictionaries(s: Settings) -> None:
    """Read the dictionaries once per version of them: a syntax error stops the run here.

    Only the files are read and checked (a few tens of milliseconds); the
    lexicon built from them comes later (:func:`preload_lexicon`).
    """
    marker = s.stages_dir / "dictionaries" / f"{fp.dictionaries_version(s.dictionaries_dir)}-{fp.code_version('repair')}.ok"
    if not marker.exists():
        try:
            stages.check_dictionaries(s)
            stages.text_rules()
        except Exception as exc:
            console.notice(f"[pipeline] not started, no document touched: {exc}")
            raise
        atomic_write(marker, "")


class AknExport(DocTask):
    """``clean/<doc_id>.akn.xml``: the cleaned resolution as Akoma Ntoso (AKN4UN)."""

    stage = "akn"

    def requires(self):
        return Publish(path=self.path, doc_id=self.doc_id)

    def fingerprint_parts(self) -> list[Any]:
        return [self.requires().fingerprint, fp.code_version("akn")]

    def complete(self) -> bool:
        if not super().complete():
            return False
        with open(self.output().path, encoding="utf-8") as f:
            return outputs_current(json.load(f))

    def run(self) -> None:
        from .akn import export_bytes, validate

        s = settings()
        structure = self.requires().requires()
        with open(structure.output().path, encoding="utf-8") as f:
            doc = json.load(f)
        target = s.clean_dir / f"{stages.safe_name(self.doc_id)}.akn.xml"
        if "failed" in doc:
            target.unlink(missing_ok=True)
            self.write({"doc_id": self.doc_id, "files": [], "stamps": {}, "skipped": "document failed"})
            return
        # Without a generation date the exporter dates the manifestation by the document's
        # own date, under that date's name: reruns give the same bytes, nothing is made up.
        export = export_bytes(doc)
        errors = validate(export.xml)
        atomic_write(target, export.xml)
        for p in export.problems + errors:
            log.warning("[pipeline] %s AKN: %s", self.doc_id, p)
        self.write({"doc_id": self.doc_id, "files": [str(target)], "stamps": stamps([str(target)]),
                    "problems": export.problems, "xsd_errors": errors})


class DocumentsFailed(RuntimeError):
    pass


def run_document(last: DocTask) -> None:
    """Run, in this process, the stages of one document that are not cached yet, in order.

    Walks down from ``last`` (AknExport) to the first stage whose output exists,
    as Luigi's own dependency search would, then runs the missing ones upwards:
    the same tasks, the same stage files, only not scheduled one by one.
    """
    todo: list[DocTask] = []
    task: DocTask | None = last
    while task is not None and not task.complete():
        todo.append(task)
        req = task.requires()
        # NoteEvidence also needs the batch's NoteIndex, which the group requires; follow the document.
        task = req["footnotes"] if isinstance(req, dict) else (req or None)  # Extract requires nothing: []
    for t in reversed(todo):
        t.run()


class BatchFailed(RuntimeError):
    pass


class CleanBatch(luigi.Task):
    """A group of documents as one scheduled task, so the scheduler holds N/k tasks, not 6N.

    Luigi's scheduler does work in proportion to its pending tasks on every
    request for work, so one task per stage per document costs it quadratic time
    on large batches.  A group runs each document's uncached stages in turn
    (:func:`run_document`): stage files, fingerprints and outputs are exactly
    those of the per-document tasks, and a document already done, by this or
    another worker, is only checked.  ``fingerprint`` is in the task's identity,
    so a change to a document, the code or the dictionaries is a new task for the
    scheduler and never mistaken for one it has just seen done.
    """

    docs = luigi.ListParameter(description="[path, doc_id] of each document in the group")
    fingerprint = luigi.Parameter(description="digest of the documents' AknExport fingerprints")

    def documents(self) -> list[DocTask]:
        return [AknExport(path=p, doc_id=d) for p, d in self.docs]

    def requires(self):
        s = settings()
        if any(uses_batch_evidence(s, d) for _, d in self.docs):  # a decision needs the batch's footnotes first
            return NoteIndex(fingerprint=note_index_fingerprint(s))
        return []

    def complete(self) -> bool:
        done = all(t.complete() for t in self.documents())
        if not done:
            preload_lexicon()
        return done

    def run(self) -> None:
        broken = []
        for doc in self.documents():
            try:
                run_document(doc)
            except Exception as exc:  # the group's other documents still run; stage failures are records already
                log.exception("%s: %s", doc.path, exc)
                broken.append(f"{doc.path}: {type(exc).__name__}: {exc}")
        if broken:
            raise BatchFailed(f"{len(broken)} of {len(self.docs)} documents raised: " + "; ".join(broken))


class FootnoteBatch(CleanBatch):
    """A group of documents run up to their footnote stage: what :class:`NoteIndex` waits for."""

    def documents(self) -> list[DocTask]:
        return [Footnotes(path=p, doc_id=d) for p, d in self.docs]

    def requires(self):
        return []


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def documents_per_task(setting: str, n: int, forks: bool = False) -> int | None:
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
        workers = max(2, int(luigi.interface.core().workers))
        return max(1, min(50, -(-n // (4 * workers))))
    return None if n <= 64 else min(50, -(-n // 64))


class CleanAll(luigi.Task):
    """Every document in the raw folder, cleaned; then the review report and a summary."""

    def documents(self) -> list[AknExport]:
        s = settings()
        # Luigi asks for requires() and output() several times per run; list the
        # folder and build the tasks once per state of the folder and the decisions.
        key = (s, _mtime(s.raw_dir), _mtime(s.decisions_file))
        memo = self.__dict__.get("_documents")
        if memo and memo[0] == key:
            return memo[1]
        with console.user_errors():  # the wrong folder, no input, a scheduler Luigi would ignore: one line
            project.check_folder(s)
            if not console.cli():  # uncleaner chose the scheduler itself
                project.check_reachable(project.check_luigi_command_line())
        decisions_store.load(s.decisions_file)  # a broken decisions file stops the run before any document
        validate_dictionaries(s)
        listed = batch_documents(s)
        with console.user_errors():
            project.check_inputs(listed, s)
        inputs = [Path(p) for p, _ in listed]
        docs = [AknExport(path=p, doc_id=d) for p, d in listed]
        self.__dict__["_documents"] = (key, docs)
        if not tasks_run_in_forks() and _local_scheduler():  # else the next document may be another process's
            prefetch.plan(inputs, s)
        return docs

    def requires(self):
        docs = self.documents()
        k = documents_per_task(PipelineSection().documents_per_task, len(docs), tasks_run_in_forks())
        index = NoteIndex(fingerprint=note_index_fingerprint(settings()))  # the report shows its suggestions
        if k is None:
            return docs + [index]
        groups = [docs[i:i + k] for i in range(0, len(docs), k)]
        return [CleanBatch(docs=[(d.path, d.doc_id) for d in g], fingerprint=fp.digest([d.fingerprint for d in g]))
                for g in groups] + [index]

    def output(self) -> luigi.LocalTarget:
        s = settings()
        batch = fp.digest([t.fingerprint for t in self.documents()], note_index_fingerprint(s),
                          fp.code_version("structure"), fp.code_version("report"))
        return luigi.LocalTarget(str(s.stages_dir / "batch" / f"{batch}.json"))

    def complete(self) -> bool:
        if not super().complete() or not (settings().clean_dir / "citations.json").exists():
            return False
        from .report import report_batch

        # The report is this batch's, not that of another run in between (a withdrawn decision).
        return report_batch(settings().clean_dir / "report.html") == Path(self.output().path).stem

    def recheck_citations(self) -> None:
        """Run again, here, each document's stages from Footnotes on: their fingerprints now hold the batch memory."""
        log.info("[pipeline] citation memory: the batch dates resolutions near numbers it cites; checking citations again")
        footnotes = []
        for doc in self.documents():
            task: DocTask | None = doc
            while task is not None:
                task.__dict__.pop("_fp", None)
                task.__dict__.pop("_out", None)
                if isinstance(task, Footnotes):
                    footnotes.append(task)
                req = task.requires()
                task = req["footnotes"] if isinstance(req, dict) else (req or None)
        _index_fp.clear()  # the batch's footnote evidence is keyed by the footnote stages, which changed
        for task in footnotes:  # in Luigi's order: every footnote stage, the batch's notes, the rest
            run_document(task)
        index = NoteIndex(fingerprint=note_index_fingerprint(settings()))
        if not index.complete():
            index.run()
        for doc in self.documents():
            run_document(doc)

    def run(self) -> None:
        s = settings()
        from .output import remove_stale_temp_files
        from .report import BATCH_SUGGESTIONS, build_report

        remove_stale_temp_files(s.clean_dir)  # left by runs killed mid-write; never taken as outputs
        if write_citation_index(s):  # the batch taught the citation memory what may correct its own citations
            self.recheck_citations()
            write_citation_index(s)
        with open(NoteIndex(fingerprint=note_index_fingerprint(s)).output().path, encoding="utf-8") as f:
            suggested = json.load(f)["suggestions"]
        atomic_write(s.clean_dir / BATCH_SUGGESTIONS, dumps({"suggestions": suggested}))
        report = build_report(s.clean_dir, decisions_path=s.decisions_file, batch=Path(self.output().path).stem)
        summary = print_summary(s, report)
        if summary["failed"]:
            raise DocumentsFailed(
                f"{summary['failed']} of {summary['failed'] + summary['cleaned']} documents failed; "
                f"reasons in {s.clean_dir / 'failed'} and in {report}"
            )
        atomic_write(Path(self.output().path), dumps(summary))

    def on_failure(self, exception: BaseException) -> str:
        if isinstance(exception, DocumentsFailed):  # expected: the reasons are in clean/failed/, no traceback
            return str(exception)
        return super().on_failure(exception)


def write_citation_index(s: Settings) -> int:
    """``clean/citations.json`` and ``.csv``: the batch's citations by target; then what the batch
    teaches the citation memory (``clean/citation-memory.tsv``).  Returns how many facts it learned."""
    from .citation_index import write_index
    from .report import load_documents

    docs = [doc for _, doc in load_documents(s.clean_dir)]
    write_index(s.clean_dir, docs)
    return citation_memory.learn_from_batch(s.clean_dir, s.dictionaries_dir, docs)


def print_summary(s: Settings, report: Path | None = None) -> dict[str, Any]:
    from .report import summarize

    summary = summarize(s.clean_dir, decisions_path=s.decisions_file)
    report = report or s.clean_dir / "report.html"
    lines = [
        "",
        "===== CleanAll summary =====",
        f"documents cleaned: {summary['cleaned']}",
        f"documents failed:  {summary['failed']}" + (f"  (reasons: {s.clean_dir / 'failed'}/)" if summary["failed"] else ""),
        f"corrections awaiting review: {summary['awaiting_review']}",
        f"report: {report}",
    ]
    if summary.get("poor_scan_pages"):
        docs = summary["poor_scan_documents"]
        lines.insert(4, f"poor scan: {summary['poor_scan_pages']} pages to review in {len(docs)} documents "
                        f"({', '.join(docs[:5])}{', ...' if len(docs) > 5 else ''}); their corrections are all flagged")
    if summary.get("not_english"):
        langs = ", ".join(f"{d} ({lang})" for d, lang in sorted(summary["not_english"].items())[:10])
        more = len(summary["not_english"]) - 10
        lines.insert(-1, f"not in English (English word rules not applied): {langs}" + (f" and {more} more" if more > 0 else ""))
    if summary["awaiting_review"]:
        cmd = console.commands()
        lines.append(f"next: open the report, decide, export the decisions, then: {cmd['apply']} <file> && {cmd['run']}")
    console.summary("\n".join(lines))  # printed last (uncleaner prints it itself)
    return summary


@CleanAll.event_handler(luigi.Event.DEPENDENCY_PRESENT)
def _summary_when_up_to_date(task: luigi.Task) -> None:
    """A run with nothing to do still ends with the summary."""
    if isinstance(task, CleanAll):
        print_summary(settings())

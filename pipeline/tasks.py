"""Luigi tasks: one per document per stage, each a thin wrapper over :mod:`pipeline.stages`.

A stage's output path is ``clean/.stages/<stage>/<doc_id>-<fingerprint>.json``;
the fingerprint covers the input, the stage's code, settings and dictionaries
(see :mod:`pipeline.fingerprint`), so Luigi's existence check is a real cache
check.  A document that cannot be processed gets a failure record as its stage
output instead of an exception: the rest of the batch goes on, the report lists
it, and ``CleanAll`` ends with a non-zero exit status.  Only a fault of the
input is recorded so; a fault of the machine (:mod:`pipeline.faults`) writes
nothing, the document is "not done" in this run's summary and is retried by
the next run.

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
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import luigi
import luigi.interface

from . import console, project
from . import decisions as decisions_store
from . import faults
from . import fingerprint as fp
from . import stages
from .extract import prefetch
from .model import Extracted
from .files import atomic_write, remove_stale_temp_files
from .output import dumps, dumps_compact, render_markdown
from .settings import Settings
from .structure import citation_memory
from .userfiles import UserFileError
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
            from .rules import BATCH_RULES

            for d in decisions_store.read(path):  # checked by load(): read through the one loader
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

    def upstream_path(self) -> Path:
        return Path(self.input().path)

    def write(self, obj: dict[str, Any]) -> None:
        atomic_write(Path(self.output().path), dumps_compact(obj))

    def complete(self) -> bool:
        # A document a fault of the machine stopped in this run is settled for this run:
        # its later stages see no input and skip (nothing is written, so the next run retries).
        return super().complete() or faults.not_done(self.path)

    def done(self) -> bool:
        """Whether this stage's output is on disk (whatever happened in this run)."""
        return super().complete()

    def failure(self, exc: BaseException, fault: faults.Fault | None = None) -> dict[str, Any]:
        src = Path(self.path)
        sha = fp.file_sha256(src) if src.exists() else None
        tb = traceback.extract_tb(exc.__traceback__)
        where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else None
        fault = fault or faults.classify(exc)
        source = stages.printable(self.path)
        reason = fault.reason
        if not reason.startswith(source):  # every reason names its file
            reason = f"{source}: {reason}"
        return {"failed": {
            "doc_id": self.doc_id, "source": source, "stage": self.stage, "reason": reason,
            "error": type(exc).__name__, "at": where, "input_sha256": sha,
            "hint": _hint(exc, fault, settings()),
        }}

    def guarded(self, action) -> None:
        """Run ``action``; a fault of the machine leaves this stage undone, recorded for the summary.

        Nothing is written for it, so the next run does the work again; any
        other exception is a bug of this stage and goes to Luigi.
        """
        try:
            action()
        except Exception as exc:  # noqa: BLE001 -- sorted by faults.classify
            fault = faults.classify(exc, where=settings().clean_dir)
            if not fault.machine:
                raise
            faults.record(self.path, self.stage, fault)
            log.warning("[pipeline] %s: %s not done: %s", stages.printable(self.path), self.stage, fault.line())

    def run_stage(self, fn) -> None:
        def work() -> None:
            up = None
            if self.requires():
                if not self.upstream_path().exists():
                    return  # the stage before was not done in this run (a fault of the machine): nothing to do
                up = self.upstream()
            if up is not None and "failed" in up:
                self.write(up)  # a document failed upstream stays failed, with its first reason
                return
            try:
                result = fn(up)
            except Exception as exc:  # one bad document must not stop the batch
                fault = faults.classify(exc, where=settings().clean_dir)
                if fault.machine:
                    raise  # never cached: guarded() records it
                log.warning("%s: %s failed: %s", self.path, self.stage, exc)
                result = self.failure(exc, fault)
            self.write(result)

        self.guarded(work)


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


def _hint(exc: BaseException, fault: faults.Fault, s: Settings) -> str:
    if type(exc).__name__ == "DecisionsError":
        return f"fix {s.decisions_file} (see the message) and run again"
    return fault.hint


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
    """``[(path, doc_id)]`` of every input in the raw folder, listed once per state of the folder.

    Only regular files inside raw/ (:func:`stages.scan_inputs`); the entries
    skipped, and the inputs that cannot be read now (a fault of the machine,
    recorded: they are retried by the next run), are kept beside the list.
    """
    key = (s, _mtime(s.raw_dir))
    if _batch_listing.get("key") != key:
        try:
            inputs, skipped = stages.scan_inputs(s.raw_dir)
        except FileNotFoundError as exc:
            stop(f"[pipeline] not started: {exc}", _retcode("scheduling_error", 35))
        readable, unread = [], []
        for p in inputs:
            try:
                fp.file_sha256(p)  # every fingerprint starts here: an unreadable input is not done, never a failure
                readable.append(p)
            except OSError as exc:
                faults.record(str(p), "listing", faults.classify(exc, where=s.raw_dir))
                unread.append(str(p))
        ids = stages.doc_ids(inputs)
        _batch_listing.update(key=key, docs=[(str(p), ids[p]) for p in readable], skipped=skipped, unread=unread)
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

    def complete(self) -> bool:
        # A document a fault of the machine stopped in this run: no index this run (the next builds it).
        return super().complete() or any(faults.not_done(p) for p, _ in batch_documents(settings()))

    def run(self) -> None:
        try:
            self.build()
        except Exception as exc:  # noqa: BLE001 -- sorted by faults.classify
            fault = faults.classify(exc, where=settings().clean_dir)
            if not fault.machine:
                raise
            faults.record("(the batch's footnote index)", "notes", fault)
            log.warning("[pipeline] the batch's footnote index not built: %s", fault.line())

    def build(self) -> None:
        from .notes.batchnotes import Evidence, anchored_notes, merge_notes, needs_evidence, suggestions

        s = settings()
        if not all(Path(Footnotes(path=p, doc_id=d).output().path).exists() for p, d in batch_documents(s)):
            return  # a document not done in this run (a fault of the machine): the next run builds the index
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
    """The batch's evidence applied to one document, when its decisions need it (:mod:`pipeline.notes.batchnotes`)."""

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

    def upstream_path(self) -> Path:
        return Path(self.input()["footnotes"].path)

    def run(self) -> None:
        s = settings()

        if "index" in self.input() and not Path(self.input()["index"].path).exists():
            faults.record(self.path, self.stage, faults.Fault(
                True, "waits for the batch's footnote index, which a fault of the machine in another document stopped",
                "run again once the other documents are done", "machine"))
            return

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
        return self.done() or faults.not_done(self.path)

    def done(self) -> bool:
        if not super().done():
            return False
        with open(self.output().path, encoding="utf-8") as f:
            return outputs_current(json.load(f))

    def run(self) -> None:
        self.guarded(self.publish)

    def publish(self) -> None:
        if not Path(self.input().path).exists():
            return  # not done in this run (a fault of the machine)
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
        except UserFileError as exc:
            stop(f"[pipeline] not started, no document touched: {exc}", _retcode("scheduling_error", 35))
        try:
            atomic_write(marker, "")
        except OSError:
            pass  # only saves the next run the check


def stop(message: str, status: int) -> None:
    """End the command now: one line and an exit status, no traceback (under uncleaner, its error)."""
    if console.cli():
        raise console.UserError(message, status)
    print(message, file=sys.stderr, flush=True)
    raise SystemExit(status)


def _retcode(name: str, default: int) -> int:
    try:
        import luigi.retcodes

        return int(getattr(luigi.retcodes.retcode(), name))
    except Exception:  # noqa: BLE001
        return default


class AknExport(DocTask):
    """``clean/<doc_id>.akn.xml``: the cleaned resolution as Akoma Ntoso (AKN4UN)."""

    stage = "akn"

    def requires(self):
        return Publish(path=self.path, doc_id=self.doc_id)

    def fingerprint_parts(self) -> list[Any]:
        return [self.requires().fingerprint, fp.code_version("akn")]

    def complete(self) -> bool:
        return self.done() or faults.not_done(self.path)

    def done(self) -> bool:
        if not super().done() or not self.requires().done():
            return False
        with open(self.output().path, encoding="utf-8") as f:
            return outputs_current(json.load(f))

    def _files(self) -> list[str]:
        with open(self.output().path, encoding="utf-8") as f:
            return json.load(f)["files"]

    def output_files(self) -> list[str]:
        """Every file in clean/ this document's current outputs are (JSON, Markdown, AKN, or its failure record)."""
        with open(self.requires().output().path, encoding="utf-8") as f:
            return json.load(f)["files"] + self._files()

    def run(self) -> None:
        self.guarded(self.export)

    def export(self) -> None:
        from .akn import export_bytes, validate

        s = settings()
        structure = self.requires().requires()
        if not Path(self.input().path).exists() or not Path(structure.output().path).exists():
            return  # not done in this run (a fault of the machine)
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
        faults.arm()  # this run's faults of the machine decide its exit status
        try:
            decisions_store.load(s.decisions_file)  # a broken decisions file stops the run before any document
        except UserFileError as exc:
            stop(f"[pipeline] not started, no document touched: {exc}", _retcode("scheduling_error", 35))
        cannot_write = faults.cannot_write(s.clean_dir)
        if cannot_write is None:
            for root in (s.clean_dir, s.dictionaries_dir):
                remove_stale_temp_files(root)  # left by runs killed mid-write, by any of our writers
            validate_dictionaries(s)
        else:
            try:
                stages.check_dictionaries(s)
            except UserFileError as exc:
                stop(f"[pipeline] not started, no document touched: {exc}", _retcode("scheduling_error", 35))
        listed = batch_documents(s)
        skipped, unread = _batch_listing["skipped"], _batch_listing["unread"]
        if not unread:
            with console.user_errors():
                project.check_inputs(listed, s)
        docs = [AknExport(path=p, doc_id=d) for p, d in listed]
        self.__dict__["_documents"] = (key, docs)
        self.__dict__["_listing"] = (skipped, unread)
        if cannot_write is not None:
            self.refuse(s, docs, skipped, cannot_write)
        if not tasks_run_in_forks() and _local_scheduler():  # else the next document may be another process's
            prefetch.plan([Path(d.path) for d in docs], s)
        return docs

    def listing(self) -> tuple[list[tuple[str, str]], list[str]]:
        """(inputs skipped and why, inputs that could not be read) of the last listing."""
        self.documents()
        return self.__dict__["_listing"]

    def refuse(self, s: Settings, docs: list[AknExport], skipped: list[tuple[str, str]], fault: faults.Fault) -> None:
        """clean/ cannot be written: say so in one line, then what is current and what is not, and stop."""
        current = {d.doc_id for d in docs if d.done()}
        print(f"[pipeline] not started, no document touched: cannot write to {s.clean_dir}/: {fault.line()}",
              file=sys.stderr, flush=True)
        for d in docs:
            if d.doc_id not in current:
                old = " (its outputs in clean/ are from an earlier version: not current)" \
                    if (s.clean_dir / f"{stages.safe_name(d.doc_id)}.json").exists() else ""
                faults.record(d.path, "start", faults.Fault(True, f"{s.clean_dir}/ is not writable{old}", fault.hint, fault.kind))
        print_summary(s, batch=current, skipped=skipped, write_report=False)
        raise SystemExit(faults.EXIT_NOT_DONE)

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
        skipped, unread = self.listing()
        batch = fp.digest([t.fingerprint for t in self.documents()], note_index_fingerprint(s),
                          fp.code_version("structure"), fp.code_version("report"), skipped, unread)
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
        from .report import BATCH_SUGGESTIONS

        s = settings()
        docs = self.documents()
        skipped, _ = self.listing()
        done = [d for d in docs if d.done()]
        keep = {Path(f) for d in done for f in d.output_files()}
        try:
            moved = move_stale_outputs(s.clean_dir, keep)
            if moved:
                log.info("[pipeline] %d outputs of documents not in this batch (or not current) moved to %s",
                         len(moved), s.clean_dir / "stale")
        except OSError as exc:
            faults.record("(outputs of removed inputs)", "publish", faults.classify(exc, where=s.clean_dir))
        try:
            if write_citation_index(s):  # the batch taught the citation memory what may correct its own citations
                self.recheck_citations()
                write_citation_index(s)
        except OSError as exc:
            faults.record("(citation index)", "report", faults.classify(exc, where=s.clean_dir))
        done = [d for d in docs if d.done()]  # again: the citation check may have re-run documents
        for d in docs:
            if d not in done and not faults.not_done(d.path):
                faults.record(d.path, "run", faults.Fault(True, "not done in this run (a stage file vanished)",
                                                          "run again", "vanished"))
        index = Path(NoteIndex(fingerprint=note_index_fingerprint(s)).output().path)
        try:
            suggested = json.loads(index.read_text(encoding="utf-8"))["suggestions"] if index.exists() else {}
            atomic_write(s.clean_dir / BATCH_SUGGESTIONS, dumps({"suggestions": suggested}))
        except OSError as exc:
            faults.record("(batch suggestions)", "report", faults.classify(exc, where=s.clean_dir))
        summary = print_summary(s, batch={d.doc_id for d in done}, skipped=skipped, stamp=Path(self.output().path).stem)
        if summary["failed"]:
            raise DocumentsFailed(
                f"{summary['failed']} of {summary['failed'] + summary['cleaned']} documents failed; "
                f"reasons in {s.clean_dir / 'failed'} and in {s.clean_dir / 'report.html'}"
            )
        if summary["not_done"]:
            return  # no batch record: the next run does what is left
        atomic_write(Path(self.output().path), dumps(summary))

    def on_failure(self, exception: BaseException) -> str:
        if isinstance(exception, DocumentsFailed):  # expected: the reasons are in clean/failed/, no traceback
            return str(exception)
        return super().on_failure(exception)


def write_citation_index(s: Settings) -> int:
    """``clean/citations.json`` and ``.csv``: the batch's citations by target; then what the batch
    teaches the citation memory (``clean/citation-memory.tsv``).  Returns how many facts it learned."""
    from .structure.citation_index import write_index
    from .report import load_documents

    docs = [doc for _, doc in load_documents(s.clean_dir)]
    write_index(s.clean_dir, docs)
    return citation_memory.learn_from_batch(s.clean_dir, s.dictionaries_dir, docs)


def move_stale_outputs(clean_dir: Path, keep: set[Path]) -> list[Path]:
    """Move outputs that are not the current batch's to ``clean/stale/``; return where they went.

    An input removed or renamed leaves its JSON, Markdown, Akoma Ntoso and
    failure record behind; a document not done in this run (a fault of the
    machine) may have outputs of an earlier version of its input.  Neither may
    look current, and nothing is lost: they are moved, not deleted.
    """
    from .report import _is_canonical, _read_json

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


def print_summary(s: Settings, report: Path | None = None, *, batch: set[str] | None = None,
                  skipped: list[tuple[str, str]] = (), write_report: bool = True, stamp: str | None = None) -> dict[str, Any]:
    """Build the report (of the current batch) and print the run's summary; a fault writing it is reported too.

    ``batch``: doc ids of the current batch's finished documents; ``stamp``: the
    batch fingerprint the report carries (see ``CleanAll.complete``).
    """
    from .report import build_report, summarize

    not_done = [f for f in faults.recorded() if f["doc"] != "report"]
    notes = [f"Skipped, not an input: {name}: {why}" for name, why in skipped]
    notes += [f"Not done in this run, retried by the next: {stages.printable(f['doc'])}: {f['reason']}; {f['hint']}"
              for f in not_done]
    report = report or s.clean_dir / "report.html"
    if write_report:
        try:
            report = build_report(s.clean_dir, decisions_path=s.decisions_file, batch=stamp, only=batch, notes=notes)
        except OSError as exc:
            fault = faults.classify(exc, where=s.clean_dir)
            faults.record("report", "report", fault)
            not_done.append({"doc": "report", "stage": "report", **fault.__dict__})
    summary = summarize(s.clean_dir, decisions_path=s.decisions_file, only=batch)
    summary["skipped"] = [{"name": name, "reason": why} for name, why in skipped]
    summary["not_done"] = [{"doc": stages.printable(f["doc"]), "reason": f["reason"], "hint": f["hint"]} for f in not_done]
    lines = [
        "",
        "===== CleanAll summary =====",
        f"documents cleaned: {summary['cleaned']}",
        f"documents failed:  {summary['failed']}" + (f"  (reasons: {s.clean_dir / 'failed'}/)" if summary["failed"] else ""),
    ]
    if not_done:
        lines.append(f"not done: {len(not_done)} (a fault of the machine, not of the documents; "
                     "fix it and run again: only what is left is done)")
        lines += [f"  not done: {d['doc']}: {d['reason']}; {d['hint']}" for d in summary["not_done"][:MAX_LISTED]]
        if len(not_done) > MAX_LISTED:
            lines.append(f"  ... and {len(not_done) - MAX_LISTED} more (listed in the report)")
    if skipped:
        lines.append(f"skipped, not inputs: {len(skipped)}")
        lines += [f"  skipped: {name}: {why}" for name, why in skipped[:MAX_LISTED]]
        if len(skipped) > MAX_LISTED:
            lines.append(f"  ... and {len(skipped) - MAX_LISTED} more (listed in the report)")
    lines += [
        f"corrections awaiting review: {summary['awaiting_review']}",
        f"report: {report}" + (" (not updated)" if any(d["doc"] == "report" for d in not_done)
                               or (not write_report and not_done) else ""),
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


MAX_LISTED = 20


@CleanAll.event_handler(luigi.Event.DEPENDENCY_PRESENT)
def _summary_when_up_to_date(task: luigi.Task) -> None:
    """A run with nothing to do still ends with the summary (the report is current already)."""
    if isinstance(task, CleanAll):
        s = settings()
        skipped, _ = task.listing()
        print_summary(s, batch={d.doc_id for d in task.documents()}, skipped=skipped, write_report=False)

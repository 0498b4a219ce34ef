"""Luigi tasks: one per document per stage, each declaring what it reads and calling one stage function.

A stage's output path is ``clean/.stages/<stage>/<doc_id>-<fingerprint>.json``;
the fingerprint covers the input, the stage's code, settings and dictionaries
(see :mod:`pipeline.run.fingerprint`), so Luigi's existence check is a real
cache check.  A document that cannot be processed gets a failure record as its
stage output instead of an exception: the rest of the batch goes on, the report
lists it, and ``CleanAll`` ends with a non-zero exit status.  Only a fault of
the input is recorded so; a fault of the machine (:mod:`pipeline.faults`)
writes nothing, the document is "not done" in this run's summary and is
retried by the next run.

Small batches are scheduled as those per-document tasks; larger ones as groups
of documents (``CleanBatch``), so Luigi's scheduler, whose cost per request
grows with its pending tasks, holds N/k tasks instead of 7N (see
``[pipeline] documents_per_task``).  The stage files are the same either way.
Everything around the tasks lives in plain modules: the settings
(:mod:`.config`), the batch (:mod:`.batch`), what launching a run does
(:mod:`.launch`), the stages that write ``clean/`` (:mod:`.publish`) and the
summary (:mod:`.summary`).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Callable, Iterator

import luigi
from luigi.util import requires

from .. import batchterms, faults
from ..export.canonical import dumps, dumps_compact
from ..files import atomic_write
from ..model import Extracted
from ..review import decisions as decisions_store
from ..worktext import WorkText
from . import batch, config, launch, publish, stages
from . import fingerprint as fp
from .config import settings
from .summary import print_summary

log = logging.getLogger("luigi-interface")


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
            self.__dict__["_out"] = luigi.LocalTarget(
                str(settings().stages_dir / self.stage / f"{stages.safe_name(self.doc_id)}-{self.fingerprint}.json"))
        return self.__dict__["_out"]

    def complete(self) -> bool:
        # A document a fault of the machine stopped in this run is settled for this run:
        # its later stages see no input and skip (nothing is written, so the next run retries).
        return super().complete() or faults.not_done(self.path)

    def done(self) -> bool:
        """Whether this stage's output is on disk (whatever happened in this run)."""
        return super().complete()

    def decisions(self) -> dict[str, str]:
        return batch.doc_decisions(settings(), self.doc_id)

    def write(self, obj: dict[str, Any]) -> None:
        atomic_write(Path(self.output().path), dumps_compact(obj))

    def guarded(self, action: Callable[[], None]) -> None:
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

    def run_stage(self, fn: Callable[[Any], dict[str, Any]], before: luigi.Target | None = None) -> None:
        """Write ``fn(the previous stage's output)``; a document failed before, or failing here, gets its failure record."""
        def work() -> None:
            up = None
            if before is not None:
                if not Path(before.path).exists():
                    return  # the stage before was not done in this run (a fault of the machine): nothing to do
                up = read(before)
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
                result = stages.failure_record(self.path, self.doc_id, self.stage, exc, fault, settings())
            self.write(result)

        self.guarded(work)


def read(target: luigi.Target) -> dict[str, Any]:
    with open(target.path, encoding="utf-8") as f:
        return json.load(f)


class Extract(DocTask):
    stage = "extract"

    def fingerprint_parts(self) -> list[Any]:
        s = settings()
        parts: list[Any] = [fp.file_sha256(Path(self.path)), fp.code_version("extract"), s.extract_settings()]
        if Path(self.path).suffix.lower() == ".pdf":
            parts.append(fp.tool_version("tesseract"))  # installing it retries scans that failed for want of it
        return parts

    def run(self) -> None:
        s, src = settings(), Path(self.path)
        self.run_stage(lambda _: stages.extract(src, self.path, fp.file_sha256(src), s, launch.read_ahead()).to_json())


@requires(Extract)
class Repair(DocTask):
    stage = "repair"

    def fingerprint_parts(self) -> list[Any]:
        s = settings()
        return [self.requires().fingerprint, fp.code_version("repair"), fp.dictionaries_version(s.dictionaries_dir),
                s.repair_settings(), decisions_store.fingerprint(self.decisions())
                ] + batchterms.fingerprint_part(s.clean_dir, self.doc_id)  # the batch's evidence this document uses

    def run(self) -> None:
        self.run_stage(lambda up: stages.repair(Extracted.from_json(up), settings(), self.decisions(),
                                                batchterms.terms_for(settings().clean_dir, self.doc_id)).to_json(),
                       self.input())


@requires(Repair)
class Footnotes(DocTask):
    stage = "footnotes"

    def fingerprint_parts(self) -> list[Any]:
        s = settings()
        return [self.requires().fingerprint, fp.code_version("footnotes"), s.repair_settings(),
                decisions_store.fingerprint(self.decisions())] + fp.batch_memory_parts(s.clean_dir)

    def run(self) -> None:
        self.run_stage(lambda up: stages.recover_footnotes(WorkText.from_json(up), settings(), self.decisions()).to_json(),
                       self.input())


class NoteIndex(luigi.Task):
    """The batch's anchored footnotes, with the words around their markers: evidence for every document.

    It reads every document's footnote stage.  It writes the notes, and per
    document what they suggest (a place for a note without a marker, the note
    a stripped marker probably had), which the report shows.  A document's own
    later stages need it only when a reviewer has decided on such a suggestion
    (:func:`batch.uses_batch_evidence`): one document's change never re-runs the others.
    Its path (and identity) is a digest of all the footnote stages' fingerprints.
    """

    fingerprint = luigi.Parameter(description="digest of every document's Footnotes fingerprint")

    def footnotes(self) -> list[Footnotes]:
        return [Footnotes(path=p, doc_id=d) for p, d in launch.listing(settings()).docs]

    def requires(self):
        docs = launch.listing(settings()).docs
        k = per_task(len(docs))
        if k is None:
            return self.footnotes()
        return [FootnoteBatch(docs=list(g), fingerprint=fp.digest([Footnotes(path=p, doc_id=d).fingerprint for p, d in g]))
                for g in batch.groups(docs, k)]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(settings().stages_dir / "note-index" / f"{self.fingerprint}.json"))

    def complete(self) -> bool:
        # A document a fault of the machine stopped in this run: no index this run (the next builds it).
        return super().complete() or any(faults.not_done(t.path) for t in self.footnotes())

    def run(self) -> None:
        try:
            footnotes = self.footnotes()
            if not all(Path(t.output().path).exists() for t in footnotes):
                return  # a document not done in this run (a fault of the machine): the next run builds the index
            index = stages.note_index([(t.doc_id, Path(t.output().path)) for t in footnotes], settings().thresholds)
            atomic_write(Path(self.output().path), dumps_compact(index))
        except Exception as exc:  # noqa: BLE001 -- sorted by faults.classify
            fault = faults.classify(exc, where=settings().clean_dir)
            if not fault.machine:
                raise
            faults.record("(the batch's footnote index)", "notes", fault)
            log.warning("[pipeline] the batch's footnote index not built: %s", fault.line())


def note_index_fingerprint(s) -> str:
    """The batch's evidence changes when any document's footnote stage does (or the batch's members)."""
    docs = launch.listing(s).docs
    key = (tuple(docs), batch.mtime(s.decisions_file), batch.size(s.decisions_file))
    if _index_fp.get("key") != key:
        _index_fp.update(key=key, fp=fp.digest("notes", [Footnotes(path=p, doc_id=d).fingerprint for p, d in docs],
                                               fp.code_version("notes")))
    return _index_fp["fp"]


_index_fp: dict[str, Any] = {}


class NoteEvidence(DocTask):
    """The batch's evidence applied to one document, when its decisions need it (:mod:`pipeline.notes.batchnotes`)."""

    stage = "notes"

    def requires(self):
        req = {"footnotes": self.clone(Footnotes)}
        s = settings()
        if batch.uses_batch_evidence(s, self.doc_id):
            req["index"] = NoteIndex(fingerprint=note_index_fingerprint(s))
        return req

    def fingerprint_parts(self) -> list[Any]:
        req = self.requires()
        index = req["index"].fingerprint if "index" in req else None
        return [req["footnotes"].fingerprint, index, fp.code_version("notes"), settings().repair_settings(),
                decisions_store.fingerprint(self.decisions())]

    def run(self) -> None:
        index = self.input().get("index")
        if index is not None and not Path(index.path).exists():
            faults.record(self.path, self.stage, faults.Fault(
                True, "waits for the batch's footnote index, which a fault of the machine in another document stopped",
                "run again once the other documents are done", "machine"))
            return
        notes = read(index)["notes"] if index is not None else []
        self.run_stage(lambda up: stages.note_evidence(WorkText.from_json(up), settings(), self.decisions(), notes).to_json(),
                       self.input()["footnotes"])


class Structure(DocTask):
    """The canonical document: the working text cut into its parts, with the extracted source's facts."""

    stage = "structure"

    def requires(self):
        return {"work": self.clone(NoteEvidence), "extracted": self.clone(Extract)}

    def fingerprint_parts(self) -> list[Any]:
        return [self.requires()["work"].fingerprint, fp.code_version("structure")]

    def run(self) -> None:
        def build(up: dict[str, Any]) -> dict[str, Any]:
            doc = stages.build(WorkText.from_json(up), Extracted.from_json(read(self.input()["extracted"])))
            doc["doc_id"] = self.doc_id
            return doc

        self.run_stage(build, self.input()["work"])


class PublishedStage(DocTask):
    """A stage that writes files in ``clean/``: done while they are still as it wrote them."""

    def complete(self) -> bool:
        return self.done() or faults.not_done(self.path)

    def done(self) -> bool:
        return super().done() and publish.outputs_current(read(self.output()))

    def files(self) -> list[str]:
        return read(self.output())["files"]

    def run(self) -> None:
        def work() -> None:
            if not Path(self.input().path).exists():
                return  # not done in this run (a fault of the machine)
            self.write({"doc_id": self.doc_id, **self.write_files(read(self.input()))})

        self.guarded(work)

    def write_files(self, doc: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


@requires(Structure)
class Publish(PublishedStage):
    """``clean/<doc_id>.json`` and ``.md``, or ``clean/failed/<doc_id>.json``."""

    stage = "publish"

    def fingerprint_parts(self) -> list[Any]:
        return [self.requires().fingerprint, fp.code_version("publish")]

    def write_files(self, doc: dict[str, Any]) -> dict[str, Any]:
        s, name = settings(), stages.safe_name(self.doc_id)
        return publish.publish(doc, self.path, s.clean_dir / f"{name}.json", s.clean_dir / f"{name}.md",
                               s.clean_dir / "failed" / f"{name}.json")


@requires(Structure)
class AknExport(PublishedStage):
    """``clean/<doc_id>.akn.xml``: the cleaned resolution as Akoma Ntoso (AKN4UN)."""

    stage = "akn"

    def fingerprint_parts(self) -> list[Any]:
        return [self.requires().fingerprint, fp.code_version("akn")]

    def write_files(self, doc: dict[str, Any]) -> dict[str, Any]:
        target = settings().clean_dir / f"{stages.safe_name(self.doc_id)}.akn.xml"
        return publish.export_akn(doc, self.doc_id, target)


class Document:
    """One input's published outputs, JSON and Markdown (Publish) and Akoma Ntoso (AknExport); not a task itself."""

    def __init__(self, path: str, doc_id: str):
        self.path, self.doc_id = path, doc_id
        self.tasks: list[PublishedStage] = [Publish(path=path, doc_id=doc_id), AknExport(path=path, doc_id=doc_id)]

    @property
    def fingerprint(self) -> str:
        return fp.digest([t.fingerprint for t in self.tasks])

    def done(self) -> bool:
        return all(t.done() for t in self.tasks)

    def output_files(self) -> list[str]:
        """Every file in clean/ this document's current outputs are (JSON, Markdown, AKN, or its failure record)."""
        return [f for t in self.tasks for f in t.files()]


def stages_of(task: DocTask) -> Iterator[DocTask]:
    """``task`` and the stages it needs for its document, each once, earliest last (not the batch's NoteIndex)."""
    seen: set[str] = set()
    todo = [task]
    while todo:
        t = todo.pop(0)
        if t.task_id not in seen:
            seen.add(t.task_id)
            yield t
            todo += [r for r in luigi.task.flatten(t.requires()) if isinstance(r, DocTask)]


def run_document(task: DocTask) -> None:
    """Run, in this process, the stages ``task`` needs that are not cached yet, then ``task``.

    The same tasks and stage files as Luigi's own scheduling, only not
    scheduled one by one.  The batch's NoteIndex, which NoteEvidence may
    need, is the group's requirement.
    """
    if task.complete():
        return
    for needed in luigi.task.flatten(task.requires()):
        if isinstance(needed, DocTask):
            run_document(needed)
    task.run()


class BatchFailed(RuntimeError):
    pass


class CleanBatch(luigi.Task):
    """A group of documents as one scheduled task, so the scheduler holds N/k tasks, not 7N.

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
    fingerprint = luigi.Parameter(description="digest of the documents' fingerprints")

    def heads(self) -> list[DocTask]:
        return [t for p, d in self.docs for t in Document(p, d).tasks]

    def requires(self):
        s = settings()
        if any(batch.uses_batch_evidence(s, d) for _, d in self.docs):  # a decision needs the batch's footnotes first
            return NoteIndex(fingerprint=note_index_fingerprint(s))
        return []

    def complete(self) -> bool:
        return all(t.complete() for t in self.heads())

    def run(self) -> None:
        broken = []
        for head in self.heads():
            try:
                run_document(head)
            except Exception as exc:  # the group's other documents still run; stage failures are records already
                log.exception("%s: %s", head.path, exc)
                broken.append(f"{head.path}: {type(exc).__name__}: {exc}")
        if broken:
            raise BatchFailed(f"{len(broken)} of {len(self.heads())} document stages raised: " + "; ".join(broken))


class FootnoteBatch(CleanBatch):
    """A group of documents run up to their footnote stage: what :class:`NoteIndex` waits for."""

    def heads(self) -> list[DocTask]:
        return [Footnotes(path=p, doc_id=d) for p, d in self.docs]

    def requires(self):
        return []


def per_task(n: int) -> int | None:
    forks = config.tasks_run_in_forks()
    return batch.documents_per_task(config.documents_per_task_setting(), n, forks, config.workers() if forks else 1)


# ------------------------------------------------------------------ the batch
class DocumentsFailed(RuntimeError):
    pass


class CleanAll(luigi.Task):
    """Every document in the raw folder, cleaned; then the review report and a summary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._launch()

    def _launch(self) -> None:
        """What launching the run does (:mod:`.launch`), once, when the run's task is made: before Luigi asks it anything."""
        s = settings()
        listed, cannot_write = launch.prepare(s)
        docs = self.documents()
        if cannot_write is not None:
            launch.refuse(s, listed.docs, {d.doc_id for d in docs if d.done()}, listed.skipped, cannot_write)
        launch.warm(s, [Path(d.path) for d in docs], [Path(d.path) for d in docs if not Repair(path=d.path, doc_id=d.doc_id).complete()])

    def documents(self) -> list[Document]:
        s = settings()
        # Luigi asks for requires() and output() several times per run; build the
        # documents once per state of the raw folder and the decisions.
        key = (s, batch.mtime(s.raw_dir), batch.mtime(s.decisions_file))
        memo = self.__dict__.get("_documents")
        if not memo or memo[0] != key:
            self.__dict__["_documents"] = memo = (key, [Document(p, d) for p, d in launch.listing(s).docs])
        return memo[1]

    def requires(self):
        docs = self.documents()
        index = NoteIndex(fingerprint=note_index_fingerprint(settings()))  # the report shows its suggestions
        k = per_task(len(docs))
        if k is None:
            return [t for d in docs for t in d.tasks] + [index]
        return [CleanBatch(docs=[(d.path, d.doc_id) for d in g], fingerprint=fp.digest([d.fingerprint for d in g]))
                for g in batch.groups(docs, k)] + [index]

    def output(self) -> luigi.LocalTarget:
        s = settings()
        listed = launch.listing(s)
        key = fp.digest([d.fingerprint for d in self.documents()], note_index_fingerprint(s),
                        fp.code_version("structure"), fp.code_version("report"), listed.skipped, listed.unread)
        return luigi.LocalTarget(str(s.stages_dir / "batch" / f"{key}.json"))

    def complete(self) -> bool:
        if not super().complete() or not (settings().clean_dir / "citations.json").exists():
            return False
        from ..review.report import report_batch

        # The report is this batch's, not that of another run in between (a withdrawn decision).
        return report_batch(settings().clean_dir / "report.html") == Path(self.output().path).stem

    def recheck_citations(self) -> None:
        """Run again, here, each document's stages from Footnotes on: their fingerprints now hold the batch memory."""
        log.info("[pipeline] citation memory: the batch dates resolutions near numbers it cites; checking citations again")
        self.rerun_changed()

    def recheck_terms(self, changed: set[str]) -> None:
        """Repair again, here, the documents whose batch evidence changed (:mod:`pipeline.batchterms`)."""
        log.info("[pipeline] batch terms: other documents print rare forms of %s as names or terms; repairing again",
                 ", ".join(sorted(changed)[:5]) + (" ..." if len(changed) > 5 else "") if changed else "some documents")
        self.rerun_changed()

    def repair_keys_moved(self) -> bool:
        """Has any document's batch evidence changed since its Repair was scheduled (another run rebuilt the file)?"""
        for doc in self.documents():
            for task in doc.tasks:
                for t in stages_of(task):
                    if isinstance(t, Repair) and t.fingerprint != fp.digest(t.stage, *t.fingerprint_parts()):
                        return True
        return False

    def rerun_changed(self) -> None:
        """Run again, here, every stage whose fingerprint changed since Luigi scheduled the batch."""
        footnotes = []
        for doc in self.documents():
            for task in doc.tasks:
                for t in stages_of(task):
                    t.__dict__.pop("_fp", None)
                    t.__dict__.pop("_out", None)
                    if isinstance(t, Footnotes) and t not in footnotes:
                        footnotes.append(t)
        _index_fp.clear()  # the batch's footnote evidence is keyed by the footnote stages, which changed
        for task in footnotes:  # in Luigi's order: every footnote stage, the batch's notes, the rest
            run_document(task)
        index = NoteIndex(fingerprint=note_index_fingerprint(settings()))
        if not index.complete():
            index.run()
        for doc in self.documents():
            for task in doc.tasks:
                run_document(task)

    def run(self) -> None:
        launch.stop_reading_ahead()  # every document is extracted
        s = settings()
        docs = self.documents()
        skipped = launch.listing(s).skipped
        publish.move_stale_outputs(s, {Path(f) for d in docs if d.done() for f in d.output_files()})
        # The batch's evidence is the whole batch's: not rebuilt while a fault of the machine left a document out.
        if not any(faults.not_done(d.path) for d in docs):
            changed = update_batch_terms(s)
            if changed or self.repair_keys_moved():  # the batch makes some rare forms names or terms
                self.recheck_terms(changed)
        if publish.write_citation_index(s):  # the batch taught the citation memory what may correct its own citations
            self.recheck_citations()
            publish.write_citation_index(s)
        done = [d for d in docs if d.done()]  # after the citation check, which may have re-run documents
        for d in docs:
            if d not in done and not faults.not_done(d.path):
                faults.record(d.path, "run", faults.Fault(True, "not done in this run (a stage file vanished)",
                                                          "run again", "vanished"))
        publish.write_batch_suggestions(s, Path(NoteIndex(fingerprint=note_index_fingerprint(s)).output().path))
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


@CleanAll.event_handler(luigi.Event.DEPENDENCY_PRESENT)
def _summary_when_up_to_date(task: luigi.Task) -> None:
    """A run with nothing to do still ends with the summary (the report is current already)."""
    if isinstance(task, CleanAll):
        s = settings()
        print_summary(s, batch={d.doc_id for d in task.documents()}, skipped=launch.listing(s).skipped, write_report=False)


def update_batch_terms(s) -> set[str]:
    """Rebuild ``clean/batch-terms.json`` from every document's extraction; the documents whose entry changed."""
    rows = []
    for p, d in launch.listing(s).docs:
        task = Extract(path=p, doc_id=d)
        rows.append((d, fp.file_sha256(Path(p)), Path(task.output().path), f"{stages.safe_name(d)}-{task.fingerprint}"))
    try:
        forms = batchterms.batch_forms(rows, s.stages_dir / "terms")
        return batchterms.update(s.clean_dir, forms, stages.load_lexicon(s))
    except OSError as exc:
        faults.record("(batch terms)", "repair", faults.classify(exc, where=s.clean_dir))
        return set()

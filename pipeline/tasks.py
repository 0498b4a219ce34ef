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
import json
import logging
import traceback
from pathlib import Path
from typing import Any

import luigi
import luigi.interface

from . import console, project
from . import decisions as decisions_store
from . import fingerprint as fp
from . import stages
from .extract import prefetch
from .model import Extracted
from .output import atomic_write, dumps, dumps_compact, render_markdown
from .settings import Settings
from .worktext import WorkText

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


_decisions: dict[tuple[str, int, int], dict[str, dict[str, str]]] = {}


def doc_decisions(s: Settings, doc_id: str) -> dict[str, str]:
    """This document's review decisions (file read once per process and change)."""
    path = s.decisions_file
    st = path.stat() if path.exists() else None
    key = (str(path), st.st_size if st else 0, st.st_mtime_ns if st else 0)
    if key not in _decisions:
        _decisions.clear()
        _decisions[key] = decisions_store.load(path)
    return _decisions[key].get(doc_id, {})


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
                decisions_store.fingerprint(doc_decisions(s, self.doc_id))]

    def run(self) -> None:
        s = settings()
        self.run_stage(lambda up: stages.recover_footnotes(WorkText.from_json(up), s, doc_decisions(s, self.doc_id)).to_json())


class Structure(DocTask):
    stage = "structure"

    def requires(self):
        return Footnotes(path=self.path, doc_id=self.doc_id)

    def fingerprint_parts(self) -> list[Any]:
        return [self.requires().fingerprint, fp.code_version("structure")]

    def run(self) -> None:
        extract_task = self.requires().requires().requires()

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
            files = json.load(f)["files"]
        return all((Path(p)).exists() for p in files)

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
        self.write({"doc_id": self.doc_id, "files": files})


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
        return super().complete() and all(Path(p).exists() for p in self._files())

    def _files(self) -> list[str]:
        with open(self.output().path, encoding="utf-8") as f:
            return json.load(f)["files"]

    def run(self) -> None:
        from .akn import export_bytes, validate

        s = settings()
        structure = self.requires().requires()
        with open(structure.output().path, encoding="utf-8") as f:
            doc = json.load(f)
        target = s.clean_dir / f"{stages.safe_name(self.doc_id)}.akn.xml"
        if "failed" in doc:
            target.unlink(missing_ok=True)
            self.write({"doc_id": self.doc_id, "files": [], "skipped": "document failed"})
            return
        # Without a generation date the exporter dates the manifestation by the document's
        # own date, under that date's name: reruns give the same bytes, nothing is made up.
        export = export_bytes(doc)
        errors = validate(export.xml)
        atomic_write(target, export.xml)
        for p in export.problems + errors:
            log.warning("[pipeline] %s AKN: %s", self.doc_id, p)
        self.write({"doc_id": self.doc_id, "files": [str(target)], "problems": export.problems, "xsd_errors": errors})


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
        task = task.requires() or None  # Extract requires nothing: []
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

    def documents(self) -> list[AknExport]:
        return [AknExport(path=p, doc_id=d) for p, d in self.docs]

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
        inputs = stages.list_inputs(s.raw_dir)
        with console.user_errors():
            project.check_inputs(inputs, s)
        ids = stages.doc_ids(inputs)
        docs = [AknExport(path=str(p), doc_id=ids[p]) for p in inputs]
        self.__dict__["_documents"] = (key, docs)
        if not tasks_run_in_forks() and _local_scheduler():  # else the next document may be another process's
            prefetch.plan(inputs, s)
        return docs

    def requires(self):
        docs = self.documents()
        k = documents_per_task(PipelineSection().documents_per_task, len(docs), tasks_run_in_forks())
        if k is None:
            return docs
        groups = [docs[i:i + k] for i in range(0, len(docs), k)]
        return [CleanBatch(docs=[(d.path, d.doc_id) for d in g], fingerprint=fp.digest([d.fingerprint for d in g]))
                for g in groups]

    def output(self) -> luigi.LocalTarget:
        s = settings()
        batch = fp.digest([t.fingerprint for t in self.documents()], fp.code_version("structure"), fp.code_version("report"))
        return luigi.LocalTarget(str(s.stages_dir / "batch" / f"{batch}.json"))

    def complete(self) -> bool:
        clean = settings().clean_dir
        return super().complete() and (clean / "report.html").exists() and (clean / "citations.json").exists()

    def run(self) -> None:
        s = settings()
        from .output import remove_stale_temp_files
        from .report import build_report

        remove_stale_temp_files(s.clean_dir)  # left by runs killed mid-write; never taken as outputs
        write_citation_index(s)
        report = build_report(s.clean_dir, decisions_path=s.decisions_file)
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


def write_citation_index(s: Settings) -> None:
    """``clean/citations.json`` and ``.csv``: the batch's citations by target."""
    from .citation_index import write_index
    from .report import load_documents

    write_index(s.clean_dir, (doc for _, doc in load_documents(s.clean_dir)))


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

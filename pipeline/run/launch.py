"""What the command that launches a run does before Luigi schedules anything.

Both front ends launch through here (``uncleaner run`` and ``luigi --module
pipeline CleanAll``: :class:`~pipeline.run.tasks.CleanAll` calls it once, when
it is made): the checks that end the command with one line (the folder, the
scheduler, a broken decisions file or dictionary, no input), the housekeeping
(temp files left by killed runs, the dictionaries checked once per version),
and the warm-up: OCR read-ahead of the first scan to do, and the lexicon built
in this process so that forked workers inherit it.  The tasks themselves only
declare and run.
"""
from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import Any

from .. import faults, language
from ..command import console, project
from ..extract import quality
from ..extract.dispatch import first_scan_reader
from ..extract.readahead import ReadAhead
from ..files import atomic_write, remove_stale_temp_files
from ..lexicon import general_zipf
from ..review import decisions as decisions_store
from ..settings import Settings
from ..userfiles import UserFileError
from . import batch, config, stages
from . import fingerprint as fp
from .summary import print_summary


def prepare(s: Settings) -> tuple[batch.Listing, faults.Fault | None]:
    """Check the project, tidy it, list the batch; end the command with one line when it cannot run.

    Returns the listing and, when clean/ cannot be written, why (the run then
    only reports: :func:`refuse`).
    """
    console.install_filters()  # an expected failure is one line in Luigi's log, not a traceback
    with console.user_errors():  # the wrong folder, no input, a scheduler Luigi would ignore: one line
        project.check_folder(s)
        if not console.cli():  # uncleaner chose the scheduler itself
            project.check_reachable(project.check_luigi_command_line())
    faults.arm()  # this run's faults of the machine decide its exit status
    try:
        decisions_store.load(s.decisions_file)  # a broken decisions file stops the run before any document
    except UserFileError as exc:
        not_started(exc)
    cannot_write = faults.cannot_write(s.clean_dir)
    if cannot_write is None:
        for root in (s.clean_dir, s.dictionaries_dir):
            remove_stale_temp_files(root)  # left by runs killed mid-write, by any of our writers
        validate_dictionaries(s)
    else:
        try:
            stages.check_dictionaries(s)
        except UserFileError as exc:
            not_started(exc)
    listed = listing(s)
    if not listed.unread:
        with console.user_errors():
            project.check_inputs(listed.docs, s)
    return listed, cannot_write


def listing(s: Settings) -> batch.Listing:
    """The batch's inputs; a raw folder that vanished ends the command."""
    try:
        return batch.listing(s)
    except FileNotFoundError as exc:
        stop(f"[pipeline] not started: {exc}", config.retcode("scheduling_error", 35))


def validate_dictionaries(s: Settings) -> None:
    """Read the dictionaries once per version of them: a syntax error stops the run here.

    Only the files are read and checked (a few tens of milliseconds); the
    lexicon built from them comes later (:func:`warm`).  A marker in the stage
    cache saves the next run the check.
    """
    marker = s.stages_dir / "dictionaries" / f"{fp.dictionaries_version(s.dictionaries_dir)}-{fp.code_version('repair')}.ok"
    if not marker.exists():
        try:
            stages.check_dictionaries(s)
            stages.text_rules()
        except UserFileError as exc:
            not_started(exc)
        try:
            atomic_write(marker, "")
        except OSError:
            pass  # only saves the next run the check


def warm(s: Settings, docs: list[Path], to_repair: list[Path]) -> None:
    """Start what makes the run faster, never what it computes: outputs are the same bytes without it.

    ``docs``: the batch, in order; ``to_repair``: the inputs whose Repair is
    not done.  With one in-process worker and the local scheduler the batch's
    order is known, so the run gets an OCR read-ahead (:func:`read_ahead`) and
    the first scan to do is read while Luigi schedules; then the lexicon is built.
    """
    stop_reading_ahead()
    if not config.tasks_run_in_forks() and config.local_scheduler():  # else the next document may be another process's
        _run["read_ahead"] = ahead = ReadAhead(first_scan_reader(s.extract_settings(), s.stages_dir))
        ahead.start(docs, first=to_repair[0] if to_repair else None)  # Tesseract starts while the lexicon loads
    if to_repair:
        try:
            preload_lexicon(s)
        except Exception as exc:  # noqa: BLE001 -- the first Repair builds it again and meets the problem itself
            logging.getLogger("luigi-interface").warning("[pipeline] lexicon not built ahead: %s", exc)


_run: dict[str, ReadAhead | None] = {"read_ahead": None}


def read_ahead() -> ReadAhead | None:
    """This run's OCR read-ahead, handed to every extraction (None: nothing is read ahead)."""
    return _run["read_ahead"]


def stop_reading_ahead() -> None:
    """The batch is done: let a reading under way finish and end the read-ahead's thread."""
    ahead, _run["read_ahead"] = _run["read_ahead"], None
    if ahead is not None:
        ahead.stop()


_frozen_lexicon: list[Any] = []


def preload_lexicon(s: Settings) -> None:
    """Build the lexicon (and load the word lists and language model the tasks use) in the scheduling process,
    before any task runs.

    With ``--workers N`` Luigi forks a process per task run: the fork inherits
    the loaded lexicon.  ``gc.freeze()`` then moves it to the collector's
    permanent generation, so a child's garbage collections do not walk its
    millions of objects, which would copy every page of it into the child.
    (Building it in a background thread while the first documents are read
    gains nothing: OCR's second core is already busy with page preparation.)
    """
    lexicon = stages.load_lexicon(s)
    if config.tasks_run_in_forks():
        # read once here, not in each forked task: the language model (0.4 s), wordfreq's list (0.2 s),
        # the English word list of the OCR verdict (0.05 s).  In one process they are read on first use,
        # while Tesseract reads the next scan ahead.
        language.identifier()
        general_zipf("the")
        quality.english_words()
    if not _frozen_lexicon or _frozen_lexicon[0] is not lexicon:
        _frozen_lexicon[:] = [lexicon]
        gc.freeze()


def refuse(s: Settings, docs: list[tuple[str, str]], current: set[str], skipped: list[tuple[str, str]],
           fault: faults.Fault) -> None:
    """clean/ cannot be written: say so in one line, then what is current and what is not, and stop."""
    print(f"[pipeline] not started, no document touched: cannot write to {s.clean_dir}/: {fault.line()}",
          file=sys.stderr, flush=True)
    for path, doc_id in docs:
        if doc_id not in current:
            old = " (its outputs in clean/ are from an earlier version: not current)" \
                if (s.clean_dir / f"{stages.safe_name(doc_id)}.json").exists() else ""
            faults.record(path, "start", faults.Fault(True, f"{s.clean_dir}/ is not writable{old}", fault.hint, fault.kind))
    print_summary(s, batch=current, skipped=skipped, write_report=False)
    raise SystemExit(faults.EXIT_NOT_DONE)


def not_started(exc: Exception) -> None:
    stop(f"[pipeline] not started, no document touched: {exc}", config.retcode("scheduling_error", 35))


def stop(message: str, status: int) -> None:
    """End the command now: one line and an exit status, no traceback (under uncleaner, its error)."""
    if console.cli():
        raise console.UserError(message, status)
    print(message, file=sys.stderr, flush=True)
    raise SystemExit(status)

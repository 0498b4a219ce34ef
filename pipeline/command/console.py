"""What the pipeline says on the terminal, and when.

Two front ends run the same tasks:

- ``luigi --module pipeline CleanAll``: Luigi writes its own log to the
  terminal; the pipeline's summary is printed when the process exits, so it
  comes after Luigi's closing lines, and an expected failure (some documents
  failed) is one line in Luigi's log, not a traceback.
- ``uncleaner`` (:mod:`pipeline.command.cli`): Luigi's log goes to a file, a progress bar
  shows the batch, and the command prints the summary itself, last.

A user's mistake (wrong folder, no input, contradictory settings) is a
:class:`UserError`: one line saying what to do, and its own exit status.
"""
from __future__ import annotations

import atexit
import logging
import os
import sys
from contextlib import contextmanager
from typing import NoReturn

MAIN_PID = os.getpid()  # the process that imported the pipeline: Luigi's scheduling process

# Exit statuses of a user's mistake (Luigi's own, 10 to 40, are in luigi.cfg [retcode]).
BAD_USAGE = 2  # unknown option or command, a missing argument, contradictory settings
NOT_A_PROJECT = 3  # run outside the project root: no luigi.cfg or dictionaries/ here
NO_INPUT = 4  # raw/ missing or empty
NO_SCHEDULER = 5  # --scheduler-host given, luigid not answering there


class UserError(Exception):
    """A mistake of the user's, not of the document or the machine: one line, what to do."""

    status = BAD_USAGE

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status


_state: dict = {"front": "luigi", "summary": None, "at_exit": False}


def use_cli() -> None:
    """``uncleaner`` speaks for the pipeline: keep the summary for it, print nothing."""
    _state["front"] = "cli"


def cli() -> bool:
    return _state["front"] == "cli"


def commands() -> dict[str, str]:
    """The commands to suggest, in the user's own front end."""
    if cli():
        return {"run": "uncleaner run", "apply": "uncleaner review apply"}
    return {"run": "luigi --module pipeline CleanAll", "apply": "python -m pipeline.review apply"}


def summary(text: str) -> None:
    """The end-of-run summary: the last thing the user reads.

    Under Luigi's command line it is printed when this process exits, after
    Luigi's own summary; in a task forked by ``--workers N`` it is printed at
    once (the scheduling process cannot see it).  Under ``uncleaner`` it is
    kept for :func:`last_summary`.
    """
    _state["summary"] = text
    if cli():
        return
    if os.getpid() != MAIN_PID:
        print(text, flush=True)
        return
    if not _state["at_exit"]:
        _state["at_exit"] = True
        atexit.register(_print_summary_at_exit)


def last_summary() -> str | None:
    return _state["summary"]


def _print_summary_at_exit() -> None:
    if _state["summary"] is not None and os.getpid() == MAIN_PID:
        print(_state["summary"], flush=True)


def notice(text: str) -> None:
    """A line for Luigi's terminal; under ``uncleaner`` the command reports the error itself."""
    if not cli():
        print(text, file=sys.stderr, flush=True)


def stop(err: UserError) -> NoReturn:
    """End the run at once, before anything is scheduled: the line, the status, no traceback.

    Raised as ``SystemExit``, which Luigi does not catch: it would otherwise
    log a traceback and, without a scheduler at hand, retry for a minute.
    """
    print(f"error: {err}", file=sys.stderr, flush=True)
    raise SystemExit(err.status)


class ExpectedFailures(logging.Filter):
    """Luigi logs a failed task with its traceback; for an expected failure, one line is enough.

    ``CleanAll`` fails on purpose when documents failed (that gives exit status
    30); the reasons are in ``clean/failed/`` and the report, not in a traceback.
    """

    names = ("DocumentsFailed",)

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and type(exc).__name__ in self.names:
            record.msg = f"{record.getMessage()}: {exc}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def install_filters() -> None:
    logger = logging.getLogger("luigi-interface")
    if not any(isinstance(f, ExpectedFailures) for f in logger.filters):
        logger.addFilter(ExpectedFailures())


@contextmanager
def user_errors():
    """Inside the pipeline's tasks: under ``uncleaner`` a UserError goes up to the command; under Luigi it stops the run."""
    try:
        yield
    except UserError as err:
        if cli():
            raise
        stop(err)

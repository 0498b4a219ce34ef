"""``uncleaner``: the command a user types.  Run from the project root.

    uncleaner run                 clean every document in raw/ into clean/ (Luigi, local scheduler)
    uncleaner run --scheduler-host HOST [--scheduler-port PORT]
                                  the same as one worker of luigid's batch
    uncleaner status              what is clean, failed, stale, new, waiting for review
    uncleaner explain DOC         a document's corrections, as text
    uncleaner review apply FILE   merge decisions exported from clean/report.html

``run`` schedules the same tasks as ``luigi --module pipeline CleanAll``, with
the same caches and exit statuses; Luigi's log and each document's details go
to ``clean/run.log``, the terminal shows a progress bar (only when it is a
terminal) and ends with the summary.  A user's mistake is one line on stderr
and an exit status of its own (README, "Exit statuses").
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
from pathlib import Path
from typing import NoReturn

from . import console
from .console import BAD_USAGE, UserError
from ..faults import EXIT_NOT_DONE, classify
from ..review.decisions import DecisionsError

NOT_STARTED = 35  # luigi.cfg [retcode] scheduling_error: a broken dictionary or decisions file
INTERNAL = 40  # luigi.cfg [retcode] unhandled_exception
INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """argparse, with a bad option as one line (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> Parser:
    parser = Parser(prog="uncleaner", description="Clean a batch of UN resolutions: raw/ in, clean/ out. "
                    "Run from the project root.", epilog="Exit statuses: README.md, \"Exit statuses\".")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    run = sub.add_parser("run", help="clean every document in raw/ into clean/")
    run.add_argument("--scheduler-host", metavar="HOST", help="use luigid on HOST (see README, luigid)")
    run.add_argument("--scheduler-port", metavar="PORT", type=int, help="luigid's port (default: configured, or 8082)")
    run.add_argument("--local-scheduler", action="store_true", help="Luigi's local scheduler, whatever the configuration says")
    run.add_argument("--workers", metavar="N", type=_positive, help="worker processes of this run (default: luigi.cfg)")
    status = sub.add_parser("status", help="what is clean, failed, stale, new, waiting for review")
    status.add_argument("--all", action="store_true", help="list every document of each kind (default: the first 5)")
    status.add_argument("--json", action="store_true", help="as JSON")
    explain = sub.add_parser("explain", help="a document's corrections, as text")
    explain.add_argument("doc", metavar="DOC", help="a document id (as in clean/), or its input's path or file name")
    explain.add_argument("--review", action="store_true", help="only the corrections awaiting review")
    review = sub.add_parser("review", help="the review loop")
    review_sub = review.add_subparsers(dest="review_command", required=True, metavar="COMMAND", parser_class=Parser)
    apply = review_sub.add_parser("apply", help="merge decisions exported from clean/report.html")
    apply.add_argument("file", type=Path, metavar="FILE", help="the exported file, e.g. ~/Downloads/review-decisions.json")
    return parser


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return n


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console.use_cli()
    try:
        if args.command == "run":
            return run(args)
        if args.command == "status":
            return status(args)
        if args.command == "explain":
            return explain(args)
        return review_apply(args)
    except UserError as err:
        print(f"uncleaner: error: {err}", file=sys.stderr)
        return err.status
    except DecisionsError as err:  # the project's decisions file is broken: the run could not start
        print(f"uncleaner: error: {err}", file=sys.stderr)
        return NOT_STARTED
    except KeyboardInterrupt:
        print("\nuncleaner: interrupted; finished documents are kept: run the same command again to go on", file=sys.stderr)
        return INTERRUPTED


# ------------------------------------------------------------------ run
def run(args: argparse.Namespace) -> int:
    import luigi.configuration

    from ..run import stages, tasks
    from ..run.config import settings
    from ..run.summary import print_summary
    from . import progress, project

    sch = project.choose_scheduler(cli_local=args.local_scheduler, cli_host=args.scheduler_host,
                                   cli_port=args.scheduler_port, **project.configured_scheduler())
    s = settings()
    project.check_folder(s)
    project.check_reachable(sch)
    _configure_luigi(luigi.configuration.get_config(), sch, args.workers)
    log_path = _log_to_file(s.clean_dir, sch)

    busy = sys.stderr.isatty()
    if busy:  # listing and fingerprinting a large batch takes a moment: say so, then give way
        print(f"uncleaner: reading {s.raw_dir}/ and checking what is already done…", end="\r", file=sys.stderr, flush=True)
    try:
        # Made here, the run's task launches the run (checks, read-ahead, lexicon: run/launch.py); Luigi
        # schedules the same object next (its instance cache).
        docs = tasks.CleanAll().documents()
        watched = [progress.Watched(Path(d.tasks[-1].output().path), s.clean_dir / "failed" / f"{stages.safe_name(d.doc_id)}.json")
                   for d in docs]
    except UserError:
        raise
    except Exception as exc:  # a broken dictionary or decisions file: nothing was touched
        logging.getLogger("luigi-interface").exception("not started")
        print(f"uncleaner: error: not started, no document touched: {exc}", file=sys.stderr)
        return NOT_STARTED
    finally:
        if busy:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)
    print(f"uncleaner: {len(docs):,} documents in {s.raw_dir}/, {sch}; details in {log_path}", flush=True)
    with progress.Progress(watched, sys.stderr) as bar:
        code = _run_luigi()
    print(bar.closing_line())
    summary = console.last_summary()
    if summary is None and code in (10, 25):  # luigid gave part of the batch to other workers
        print(f"other workers ran part of this batch (exit {code}); when all have finished, the same command "
              "prints the batch's summary")
        return code
    if summary is None:
        print_summary(s)  # CleanAll ran in a forked worker: its summary stayed there
        summary = console.last_summary()
    if code == INTERNAL:
        print(f"uncleaner: internal error: see {log_path}", file=sys.stderr)
    print(summary.strip("\n"))
    return code


def _configure_luigi(cfg, sch, workers: int | None) -> None:
    """Luigi's settings for this run: the chosen scheduler, and no logging of its own to the terminal."""
    if not cfg.has_section("core"):
        cfg.add_section("core")
    cfg.set("core", "local_scheduler", str(sch.local).lower())
    if not sch.local:
        cfg.set("core", "scheduler_host", sch.host)
        cfg.set("core", "scheduler_port", str(sch.port))
    if workers:
        cfg.set("core", "workers", str(workers))
    cfg.set("core", "no_configure_logging", "true")


def _log_to_file(clean_dir: Path, sch) -> Path:
    """Luigi's log and each document's details in clean/run.log (one per worker process on luigid)."""
    clean_dir.mkdir(parents=True, exist_ok=True)
    name = "run.log" if sch.local else f"run-{socket.gethostname()}-{os.getpid()}.log"
    path = clean_dir / name
    try:
        handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}; make {clean_dir}/ writable and run again",
                        EXIT_NOT_DONE) from None  # a fault of the machine, not of a dictionary
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    return path


def _run_luigi() -> int:
    """``luigi --module pipeline CleanAll`` in this process, with Luigi's own exit statuses."""
    import luigi.retcodes

    try:
        luigi.retcodes.run_with_retcodes(["CleanAll"])
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else INTERNAL
    return 0


# ------------------------------------------------------------------ status, explain, review
def status(args: argparse.Namespace) -> int:
    import json

    from ..run import tasks
    from ..run.config import settings
    from . import project
    from .status import batch_state, format_state

    s = settings()
    project.check_folder(s)
    state = batch_state(s, lambda path, doc_id: [t.output().path for t in tasks.Document(path, doc_id).tasks])
    if args.json:
        print(json.dumps(state.to_json(), indent=1, ensure_ascii=False))
    else:
        print(format_state(state, s, console.commands()["run"], show=0 if args.all else 5))
    return 0


def explain(args: argparse.Namespace) -> int:
    from ..run.config import settings
    from . import project
    from .explain import explain as text

    s = settings()
    project.check_folder(s)
    print(text(s.clean_dir, args.doc, s.decisions_file, review_only=args.review))
    return 0


def review_apply(args: argparse.Namespace) -> int:
    from ..review import decisions
    from ..review.apply import apply
    from ..run.config import settings
    from . import project

    s = settings()
    project.check_folder(s)
    try:
        apply(args.file.expanduser(), project=Path("."), clean_dir=s.clean_dir, run_command=console.commands()["run"])
    except decisions.DecisionsError as err:
        raise UserError(str(err), BAD_USAGE) from None
    except (OSError, MemoryError) as exc:  # the disk, a permission: nothing was changed
        raise UserError(f"not done: {classify(exc, where=s.dictionaries_dir).line()}", EXIT_NOT_DONE) from None
    return 0


if __name__ == "__main__":
    sys.exit(main())

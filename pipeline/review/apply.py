"""The review loop from the terminal: ``python -m pipeline.review COMMAND``.

    apply FILE   merge decisions exported from clean/report.html into
                 dictionaries/review-decisions.json (validated first)
    report       rebuild clean/report.html from clean/ without re-running
    summary      print the counts of the last run

A decision is honoured by the next run of the pipeline, which then shows the
correction as accepted or rejected.

Exit status: 0 done; 2 a file is unusable or the command line is wrong (one
line names the file, the line, what is wrong and what to do); 45 nothing was
written because of the machine (disk full, permissions), as for CleanAll.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from . import decisions
from ..faults import EXIT_NOT_DONE, classify
from .report import build_report, format_summary, load_batch_suggestions, load_documents, summarize, with_batch_suggestions
from ..userfiles import UserFileError

DECISIONS = Path("dictionaries") / "review-decisions.json"
RUN = "luigi --module pipeline CleanAll"  # luigi.cfg sets local_scheduler
EXIT_BAD_FILE = 2  # a file given or the project's decisions file is unusable (one line says which and why)


def read_export(path: Path) -> list[dict[str, Any]]:
    """The decisions of an exported file, validated by the same rules as the project's file."""
    if not path.is_file():
        raise decisions.DecisionsError(f"{path}: no such file; give the file the report downloaded")
    return decisions.read(path, allow_withdraw=True)


def known_corrections(clean_dir: Path) -> dict[tuple[str, str], str]:
    """``{(doc_id, id): status}`` of every correction in the last run's output."""
    found: dict[tuple[str, str], str] = {}
    if clean_dir.is_dir():
        batch = load_batch_suggestions(clean_dir)
        for _, doc in load_documents(clean_dir):
            for c in with_batch_suggestions(doc, batch.get(doc["doc_id"]))["corrections"]:
                if isinstance(c, dict) and "id" in c:
                    found[(doc["doc_id"], str(c["id"]))] = str(c.get("status"))
    return found


def apply(export: Path, *, project: Path = Path("."), clean_dir: Path | None = None, out=None, run_command: str = RUN) -> int:
    """Merge an exported decisions file into the project's; return how many were merged.

    ``run_command``: the command the user runs next, in their own front end.
    """
    out = out or sys.stdout
    target = project / DECISIONS
    clean_dir = clean_dir if clean_dir is not None else project / "clean"
    new = read_export(export)
    before = decisions.load(target)  # validates the project's file before touching it
    known = known_corrections(clean_dir)
    counts = Counter(d["decision"] for d in new)
    changed = sum(1 for d in new if before.get(d["doc_id"], {}).get(d["id"]) not in (None, d["decision"]))
    unknown = [d for d in new if (d["doc_id"], d["id"]) not in known]
    target.parent.mkdir(parents=True, exist_ok=True)
    n = decisions.merge(target, new)
    print(f"Merged {n} decisions ({counts['accept']} accept, {counts['reject']} reject) into {target}.", file=out)
    if changed:
        print(f"{changed} of them replace an earlier, different decision.", file=out)
    if unknown and known:
        print(f"{len(unknown)} match no correction in {clean_dir}/ (an older run, or another project); "
              "they are kept and take effect if that correction comes back.", file=out)
    print(f"Next: run `{run_command}` to apply them, then open {clean_dir / 'report.html'}.", file=out)
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.review", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_apply = sub.add_parser("apply", help="merge an exported review-decisions.json into the project")
    p_apply.add_argument("file", type=Path, help="the file the report downloaded, e.g. ~/Downloads/review-decisions.json")
    p_apply.add_argument("--project", type=Path, default=Path("."), help="project folder (default: here)")
    p_apply.add_argument("--clean", type=Path, default=None, help="output folder to check the ids against (default: PROJECT/clean)")
    p_report = sub.add_parser("report", help="rebuild the report from the output folder")
    p_report.add_argument("clean", type=Path, nargs="?", default=Path("clean"))
    p_report.add_argument("--decisions", type=Path, default=None)
    p_sum = sub.add_parser("summary", help="print the counts of the last run")
    p_sum.add_argument("clean", type=Path, nargs="?", default=Path("clean"))
    p_sum.add_argument("--decisions", type=Path, default=None)
    p_sum.add_argument("--json", action="store_true", help="as JSON")
    args = parser.parse_args(argv)
    try:
        if args.command in ("report", "summary") and not args.clean.is_dir():
            raise decisions.DecisionsError(f"{args.clean}: no such folder; run `{RUN}` first")
        if args.command == "apply":
            apply(args.file.expanduser(), project=args.project, clean_dir=args.clean)
        elif args.command == "report":
            path = build_report(args.clean, decisions_path=args.decisions)
            print(format_summary(summarize(args.clean, decisions_path=args.decisions), path))
        else:
            s = summarize(args.clean, decisions_path=args.decisions)
            print(json.dumps(s, indent=1) if args.json else format_summary(s))
    except UserFileError as e:  # a file is wrong: the message names it, its line, and what to do
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_FILE
    except (OSError, MemoryError) as e:  # the disk, a permission: nothing was changed
        fault = classify(e, where=args.project / DECISIONS.parent if args.command == "apply" else args.clean)
        print(f"error: not done: {fault.line()}", file=sys.stderr)
        return EXIT_NOT_DONE
    return 0


if __name__ == "__main__":
    sys.exit(main())

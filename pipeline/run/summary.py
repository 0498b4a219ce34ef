"""The end of every run: the report of the current batch, then a short summary on the terminal, printed last."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import faults
from ..command import console
from ..settings import Settings
from ..review.report import build_report, summarize
from . import stages

MAX_LISTED = 20


def print_summary(s: Settings, report: Path | None = None, *, batch: set[str] | None = None,
                  skipped: list[tuple[str, str]] = (), write_report: bool = True, stamp: str | None = None) -> dict[str, Any]:
    """Build the report (of the current batch) and print the run's summary; a fault writing it is reported too.

    ``batch``: doc ids of the current batch's finished documents; ``stamp``: the
    batch fingerprint the report carries (see ``CleanAll.complete``).
    """
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


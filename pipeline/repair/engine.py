"""Repair rules: small pure functions registered under stable names.

A rule reads the working text and returns the corrections it proposes; it never
edits the text itself.  :func:`run_rules` applies each rule's proposals before
the next rule runs, so rules see each other's repairs, and every change lands in
the log with the rule's name (the ftfy model: the name is the log).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .. import rules as R
from ..worktext import Decide, Proposal, Thresholds, WorkText

Rule = Callable[[WorkText, "RepairContext"], list[Proposal]]

RULES: dict[str, Rule] = {}
# Source kinds whose text is exact (pipeline.model.Source.kind): guessing rules never run on them
# (repair.order.rules_for; a layout rule that guesses checks it itself).
EXACT_KINDS = frozenset({"pdf"})


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under ``name``, a name of :mod:`pipeline.rules`; it is stable: logs and decisions use it."""

    def register(fn: Rule) -> Rule:
        if name not in R.STAGE:
            raise ValueError(f"rule {name!r} is not in pipeline.rules: add its name there first")
        if name in RULES:
            raise ValueError(f"rule {name!r} registered twice")
        RULES[name] = fn
        fn.rule_name = name  # type: ignore[attr-defined]
        return fn

    return register


@dataclass
class RepairContext:
    """What rules may consult besides the text: loaded once per process."""

    lexicon: Any = None  # pipeline.lexicon.Lexicon
    settings: dict[str, Any] = field(default_factory=dict)
    # pipeline.model.Source.kind: "pdf" (an exact text layer), "scanned-pdf"
    # (OCR; pages with a text layer have no OCR confidences), or a text export
    # of unknown provenance ("text", "markdown", "html"; None when unknown).
    source_kind: str | None = None
    # pipeline.repair.calibration.Calibration: measured confidences of the
    # guessing rules.  None: the table in the lexicon's dictionaries folder.
    calibration: Any = None
    # Forms the batch's other documents print surely often enough to be a name
    # or a term, not damage (pipeline.batchterms): never corrected.
    batch_terms: frozenset[str] = frozenset()


def run_rules(
    work: WorkText,
    names: list[str],
    ctx: RepairContext,
    thresholds: Thresholds,
    decide: Decide | None = None,
) -> WorkText:
    cal = ctx.calibration if ctx.calibration is not None else _default_calibration(ctx)
    for name in names:
        try:
            fn = RULES[name]
        except KeyError:
            raise KeyError(f"unknown repair rule {name!r}; known: {', '.join(sorted(RULES))}") from None
        proposals = fn(work, ctx)
        if proposals and cal.rules:
            proposals = cal.calibrate(proposals, work, _in_register(work, ctx))
        work.apply(proposals, thresholds, decide)
    return work


def _in_register(work: WorkText, ctx: RepairContext) -> bool:
    from .guards import lexicon_of
    from .register import in_un_register

    return in_un_register(work.text, lexicon_of(ctx))


def _default_calibration(ctx: RepairContext):
    from ..lexicon import default_dictionaries_dir
    from .calibration import load

    folder = (getattr(ctx.lexicon, "meta", None) or {}).get("dir") or default_dictionaries_dir()
    return load(folder)

"""The repair rules against data: tests/cases/<family>.json.

Each case is ``{label, original, fixed}``; the whole rule chain (TEXT_RULES)
runs on ``original`` with the committed lexicon and must give ``fixed``, and
replaying the correction log must give the same text.  Most cases are lines
of clean UN text that must come out unchanged: a false correction is worse
than a missed one.  ``known-failures.json`` runs under xfail(strict=True), so
a repair that starts working fails the suite until the data is updated.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.lexicon import default_dictionaries_dir, load_lexicon
from pipeline.repair.engine import RepairContext, run_rules
from pipeline.repair.order import TEXT_RULES, rules_for
from pipeline.worktext import IN_TEXT, LineRef, Mark, Thresholds, WorkText, replay

CASES = Path(__file__).parent / "cases"
FAMILIES = ["symbols", "numerals", "segmentation", "spelling", "unicode", "hyphenation", "trust", "ocr_recall", "digits"]


def _load(name: str) -> list[dict]:
    return json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))


def _params(names: list[str]):
    for name in names:
        for i, case in enumerate(_load(name)):
            yield pytest.param(case, id=f"{name}-{i}-{case['label'][:60]}")


@pytest.fixture(scope="module")
def ctx() -> RepairContext:
    return RepairContext(lexicon=load_lexicon(default_dictionaries_dir()))


def repaired(case: dict, ctx: RepairContext) -> WorkText:
    """A case may say its source ``kind`` (default: a text export) and give every
    word an OCR confidence (``ocr_conf``), as a scan's extraction would, or say
    the text is a searchable scan's OCR text layer (``ocr_layer``: no confidences)."""
    work = WorkText("case", case["original"])
    if case.get("ocr_layer"):
        work.lines = [LineRef(0, len(case["original"]), 1, 0, {"ocr_layer": True})]
    if "ocr_conf" in case:
        for m in re.finditer(r"\S+", case["original"]):
            work.marks.append(Mark(m.start(), m.end(), "conf", {"conf": case["ocr_conf"]}))
    kind = case.get("kind")
    run_rules(work, rules_for(kind), RepairContext(lexicon=ctx.lexicon, source_kind=kind), Thresholds())
    return work


@pytest.mark.parametrize("case", list(_params(FAMILIES)))
def test_case(case: dict, ctx: RepairContext) -> None:
    work = repaired(case, ctx)
    log = [(c["rule"], c["before"], c["after"], c["status"]) for c in work.corrections if c["status"] in IN_TEXT]
    assert work.text == case["fixed"], log
    assert replay(case["original"], work.corrections) == work.text
    if case["original"] == case["fixed"]:
        assert not log


@pytest.mark.parametrize("case", list(_params(["known-failures"])))
@pytest.mark.xfail(strict=True, reason="known failure: see the case label")
def test_known_failure(case: dict, ctx: RepairContext) -> None:
    assert repaired(case, ctx).text == case["fixed"]


def test_every_family_has_many_negative_cases() -> None:
    for name in FAMILIES:
        cases = _load(name)
        negatives = [c for c in cases if c["original"] == c["fixed"]]
        positives = [c for c in cases if c["original"] != c["fixed"]]
        assert len(negatives) >= 10, name
        assert positives, name


def test_rule_order_names_registered_rules_with_examples() -> None:
    from pipeline.repair.engine import RULES

    assert len(TEXT_RULES) == len(set(TEXT_RULES))
    for name in TEXT_RULES:
        fn = RULES[name]
        assert fn.__doc__ and "->" in fn.__doc__, f"{name}: the docstring shows a before/after example"


@pytest.mark.parametrize("case", list(_params(FAMILIES)))
def test_born_digital_text_is_never_guessed(case: dict, ctx: RepairContext) -> None:
    """A born-digital text layer is exact: only Unicode and line-end repairs run on it."""
    work = WorkText("case", case["original"])
    run_rules(work, rules_for("pdf"), RepairContext(lexicon=ctx.lexicon, source_kind="pdf"), Thresholds())
    assert not [c for c in work.corrections if c["rule"].startswith(("words.", "symbols.", "numerals."))]

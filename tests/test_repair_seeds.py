"""The repair chain on the five seed documents (raw/): the log replays, and
the seeds' named OCR artifacts are each repaired by one logged correction."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.lexicon import default_dictionaries_dir, load_lexicon
from pipeline.repair.engine import RepairContext, run_rules
from pipeline.repair.order import TEXT_RULES
from pipeline.worktext import IN_TEXT, Thresholds, WorkText, replay

RAW = Path(__file__).resolve().parent.parent / "raw"
SEEDS = sorted(RAW.glob("0*.txt"))


@pytest.fixture(scope="module")
def repaired() -> dict[str, tuple[str, WorkText]]:
    ctx = RepairContext(lexicon=load_lexicon(default_dictionaries_dir()))
    out = {}
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        work = WorkText(path.stem, text)
        run_rules(work, TEXT_RULES, ctx, Thresholds())
        out[path.stem] = (text, work)
    return out


def test_every_seed_replays(repaired) -> None:
    assert len(repaired) == 5
    for text, work in repaired.values():
        assert replay(text, work.corrections) == work.text


@pytest.mark.parametrize(
    "before, after",
    [("AICONF.157/24", "A/CONF.157/24"), ("elementsin", "elements in"), ("Urges al actors", "Urges all actors"),
     ("(Part 1), chap. 111.", "(Part I), chap. III."), ("(A/67/53 and Corr.1), chap. 11,", "(A/67/53 and Corr.1), chap. II,")],
)
def test_seed_artifacts_are_repaired_and_logged(repaired, before: str, after: str) -> None:
    (text, work), = [v for v in repaired.values() if before in v[0]]
    assert before not in work.text and after in work.text
    assert any(c["status"] in IN_TEXT and c["before"] in before for c in work.corrections)


def test_footnote_evidence_is_left_for_the_footnote_stage(repaired) -> None:
    text, work = repaired["003_deb12b2bf5bc89c9"]
    for kept in ("September 20002", "March 20122", "Action,* and", "session,\u201d", "\n! A/CONF.157/24", "\n% See Official", "\n\u00ae See E/CN.4"):
        assert kept in work.text, kept


def test_clean_seeds_change_only_layout_and_contract_characters(repaired) -> None:
    for doc in ("000_925e479e4b378691", "001_0c83b350d768e6c1", "002_24bcb0a4a35d199b", "004_5b02a51a45b675a1"):
        _, work = repaired[doc]
        rules = {c["rule"] for c in work.corrections if c["status"] in IN_TEXT}
        assert rules <= {"unicode.spaces", "hyphenation.line_end"}, (doc, rules)

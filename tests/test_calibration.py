"""Measured confidence: the fitted tables, the bands, evidence never measured, the UN register."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from pipeline.lexicon import default_dictionaries_dir, load_lexicon
from pipeline.repair import calibration as cal_mod
from pipeline.repair.calibration import Calibration, from_json
from pipeline.repair.engine import RepairContext, run_rules
from pipeline.repair.order import GUESSING_RULES, rules_for
from pipeline.repair.register import in_un_register
from pipeline.worktext import Proposal, Thresholds, WorkText

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def _table(rule: str = "words.spelling") -> Calibration:
    return from_json({
        "rules": [rule],
        "tables": {f"{rule}:ocr|ocr": [[0.5, 0.72, 0.12, 68, 8], [0.77, 0.85, 0.54, 22, 12], [0.92, 0.99, 0.997, 300, 299]]},
    })


def _proposal(raw: float, **info) -> Proposal:
    return Proposal(0, 3, "the", "words.spelling", raw, {"edit": "ocr", **info})


def test_steps_map_raw_scores_to_measured_shares_and_bands() -> None:
    cal = _table()
    work = WorkText("t", "tbe end")
    work.marks = []
    from pipeline.worktext import Mark

    work.marks.append(Mark(0, 3, "conf", {"conf": 0.5}))
    low, mid, high, gap = (_proposal(r) for r in (0.6, 0.8, 0.95, 0.88))
    cal.calibrate([low, mid, high, gap], work)
    assert (low.confidence, low.status) == (0.12, "suggested")
    assert (mid.confidence, mid.status) == (0.54, "suggested")
    assert (high.confidence, high.status) == (0.997, "applied")
    # Between two measured steps: the lower step's share, never more than was measured.
    assert gap.confidence == 0.54
    assert high.info["raw_confidence"] == 0.95 and high.info["calibration"] == "words.spelling:ocr|ocr"


def test_evidence_never_measured_is_never_applied() -> None:
    cal = _table()
    work = WorkText("t", "tbe end")  # a text export: no table for "text"
    p = _proposal(0.97)
    cal.calibrate([p], work)
    assert p.info["calibration"] == "unmeasured" and p.status == "flagged" and p.confidence < cal.apply
    tagged = _proposal(0.99, tags=["gen2"])
    cal.calibrate([tagged], work)
    assert tagged.status != "applied"


def test_rules_outside_the_calibration_keep_their_own_score() -> None:
    cal = _table()
    p = Proposal(0, 1, "-", "unicode.hyphens", 0.99)
    cal.calibrate([p], WorkText("t", "\u2011"))
    assert p.confidence == 0.99 and p.status is None


def test_outside_the_un_register_guesses_are_only_suggested() -> None:
    cal = _table()
    work = WorkText("t", "tbe end")
    from pipeline.worktext import Mark

    work.marks.append(Mark(0, 3, "conf", {"conf": 0.5}))
    p = _proposal(0.95)
    cal.calibrate([p], work, in_register=False)
    assert p.status == "suggested" and p.confidence < cal.flag


def test_register_tells_un_text_from_a_newspaper() -> None:
    lex = load_lexicon(default_dictionaries_dir())
    un = ("The General Assembly, Recalling its resolutions on the question, Calls upon all Member States to "
          "support the implementation of the present resolution, and requests the Secretary-General to report "
          "to the General Assembly at its eightieth session on the implementation of the present resolution.")
    paper = ("A platelayer named David Hayden, of Shoreditch, was charged at the police-court yesterday with "
             "stealing a watch and two rings from the residence of Miss Keene, who said the prisoner had called "
             "at the house and represented that he had been sent by the landlord to see to the blinds.")
    assert in_un_register(un, lex)
    assert not in_un_register(paper, lex)


def test_a_damaged_un_scan_stays_in_the_register() -> None:
    """A bilevel scan with speckle (bench/ocr_labels.py) names no UN body legibly and few of its
    pairs are whole words, yet among the pairs of words it read whole the UN share is high."""
    from pipeline.repair.register import MIN_PAIR_COVERAGE, known_pair_coverage, pair_coverage

    lex = load_lexicon(default_dictionaries_dir())
    page = (Path(__file__).parent / "data" / "register" / "A_80_L.5-p3-bilevel-speckle.txt").read_text(encoding="utf-8")
    assert pair_coverage(page, lex) < MIN_PAIR_COVERAGE  # the share of all pairs alone says "not UN"
    assert known_pair_coverage(page, lex)[1] >= 100
    assert in_un_register(page, lex)


def test_a_candidate_the_document_prints_surely_scores_higher() -> None:
    """The document's own sure readings are evidence for a candidate ("Agend" where the
    page prints "Agenda"); without that printing the same proposal scores lower."""
    from pipeline.repair.words import spelling
    from pipeline.worktext import Mark

    lex = load_lexicon(default_dictionaries_dir())

    def proposal(text: str):
        work = WorkText("t", text)
        work.marks = [Mark(m.start(), m.end(), "conf", {"conf": 0.9}) for m in re.finditer(r"\S+", text)]
        found = [p for p in spelling(work, RepairContext(lexicon=lex, source_kind="scanned-pdf")) if p.after == "Agenda"]
        assert len(found) == 1
        return found[0]

    printed = proposal("Welcomes the 2030 Agenda for Sustainable Development. See (Agend), para. 3.")
    not_printed = proposal("Welcomes the 2030 plan for sustainable growth. See (Agend), para. 3.")
    assert printed.info.get("document") and not not_printed.info.get("document")
    assert printed.confidence > not_printed.confidence


def test_committed_table_covers_every_guessing_rule_and_is_monotone() -> None:
    data = json.loads((default_dictionaries_dir() / "calibration.json").read_text(encoding="utf-8"))
    assert set(data["rules"]) == set(GUESSING_RULES)
    assert data["apply"] == 0.995 and data["flag"] == 0.8
    assert "bench/calibrate.py" in data["command"]
    for key, steps in data["tables"].items():
        shares = [s[2] for s in steps]
        assert shares == sorted(shares), key
        assert all(s[3] >= 1 and 0 <= s[4] <= s[3] for s in steps), key
    # Calibration documents are drafts: not the resolutions the lexicon counts, not the evaluation half.
    assert data["documents"] and all(not d.startswith("A_RES") for d in data["documents"])
    drafts = Path("/work/shared/corpus/un-drafts")
    if drafts.exists():
        import ocr_labels

        calibration, evaluation = ocr_labels.split(drafts)
        assert set(data["documents"]) <= {p.name for p in calibration}
        assert not set(data["documents"]) & {p.name for p in evaluation}


def test_isotonic_pools_violators() -> None:
    import calibrate

    pts = [(0.3, False), (0.3, True), (0.5, True), (0.5, False), (0.5, False), (0.9, True), (0.9, True)]
    blocks = calibrate.isotonic(pts)
    shares = [b[2] / b[3] for b in blocks]
    assert shares == sorted(shares)
    assert sum(b[3] for b in blocks) == len(pts)
    assert calibrate.share(100, 100) == 0.995 and calibrate.share(12, 12) < 0.97


@pytest.mark.parametrize("kind", ["text", "scanned-pdf", None])
def test_pipeline_statuses_follow_the_measured_bands(kind) -> None:
    lex = load_lexicon(default_dictionaries_dir())
    work = WorkText("t", "the Gencral Assembly, Calls upon al actors to respect the Charter")
    run_rules(work, rules_for(kind), RepairContext(lexicon=lex, source_kind=kind), Thresholds())
    cal = cal_mod.load(default_dictionaries_dir())
    for c in work.corrections:
        if c["rule"] in GUESSING_RULES:
            assert "calibration" in c["info"]
            if c["status"] == "applied":
                assert c["confidence"] >= cal.apply
            elif c["status"] == "flagged":
                assert cal.flag <= c["confidence"] < cal.apply


def test_small_steps_are_pooled_with_the_step_below() -> None:
    import calibrate

    # 12 of 13 right in a step of its own would state 0.89: pooled with the 18 below it, 0.58.
    blocks = [[0.3, 0.4, 6, 18], [0.45, 0.5, 12, 13], [0.55, 0.8, 51, 51]]
    pooled = calibrate.pool_small(blocks)
    assert pooled == [[0.3, 0.5, 18, 31], [0.55, 0.8, 51, 51]]
    assert all(b[3] >= calibrate.MIN_STEP for b in pooled)
    shares = [b[2] / b[3] for b in pooled]
    assert shares == sorted(shares)


def test_a_footnote_marker_against_a_word_is_not_part_of_the_word() -> None:
    """The text layer prints "Development1" where the OCR read "Developiient!":
    making it "Development" made the word right (the footnote stage takes the marker)."""
    import ocr_labels as L

    truth = "the World Summit for Social Development1 and A/C.2/80/L.19 of 2025"
    ocr = "the World Summit for Social Developiient! and A/C.2/80/L.19 of 2025"
    o = L.OcrText(None, ocr, truth, "test", "t")
    align = L.Alignment(ocr, truth)
    s = ocr.index("Developiient")
    c = {"where": {"source": {"start": s, "end": s + len("Developiient")}}, "after": "Development"}
    assert L.label(c, o, align) is True
    assert L.norm_word("A/C.2/80/L.19") == "A/C.2/80/L.19"  # a symbol keeps its digits
    wrong = {**c, "after": "Developing"}
    assert L.label(wrong, o, align) is False


def test_a_table_pooled_over_sources_never_applies_on_ocr_words() -> None:
    """"beball" -> "be ball" was applied on OCR by the rule-wide segmentation table
    (173 of 173 right, nearly all text exports): on OCR it may only flag."""
    from pipeline.worktext import Mark

    cal = from_json({"rules": ["words.segmentation"],
                     "tables": {"words.segmentation": [[0.7, 0.99, 0.9971, 173, 173]]}})
    work = WorkText("t", "the beball of it")
    work.marks.append(Mark(4, 10, "conf", {"conf": 0.6}))
    ocr = Proposal(4, 10, "be ball", "words.segmentation", 0.8, {})
    text = Proposal(4, 10, "be ball", "words.segmentation", 0.8, {})
    cal.calibrate([ocr], work)
    assert ocr.status == "flagged" and "pooled" in ocr.info["calibration"]
    cal.calibrate([text], WorkText("t", "the beball of it"))
    assert text.status == "applied"


def test_a_lexicon_shared_by_content_reads_the_calibration_of_its_own_folder(tmp_path) -> None:
    """Two folders with the same dictionaries share one built lexicon, but a
    lexicon built from a folder since deleted must not take the calibration away
    (it did: a test's temporary copy built it first, and every later caller
    without an explicit calibration got none)."""
    import shutil

    from pipeline.lexicon import _CACHE

    _CACHE.clear()
    gone = tmp_path / "gone"
    shutil.copytree(default_dictionaries_dir(), gone)
    load_lexicon(gone)
    shutil.rmtree(gone)
    lex = load_lexicon(default_dictionaries_dir())
    assert lex.meta["dir"] == str(default_dictionaries_dir())
    work = WorkText("t", "the Gencral Assembly, Calls upon al actors to respect the Charter")
    run_rules(work, rules_for("text"), RepairContext(lexicon=lex, source_kind="text"), Thresholds())
    guessed = [c for c in work.corrections if c["rule"] in GUESSING_RULES]
    assert guessed and all("calibration" in c["info"] for c in guessed)

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


# ------------------------------------------------------- labels of the OCR set
def _label(ocr: str, truth: str, before: str, after: str, nth: int = 0):
    import ocr_labels as L

    o = L.OcrText(None, ocr, truth, "test", "t")
    s = -1
    for _ in range(nth + 1):
        s = ocr.index(before, s + 1)
    c = {"where": {"source": {"start": s, "end": s + len(before)}}, "after": after}
    return L.label(c, o, L.Alignment(ocr, truth))


def test_punctuation_the_alignment_puts_at_a_word_edge_is_not_the_word() -> None:
    """"Agendii." against "Agenda,": the second i pairs with the comma; the word is "Agenda"."""
    ocr = "building on the 2015 Addis Ababa Action Agendii. to\nclose with urgency"
    truth = "building on the 2015 Addis Ababa Action Agenda, to\nclose with urgency"
    assert _label(ocr, truth, "Agendii", "Agenda") is True
    assert _label(ocr, truth, "Agendii", "Agendas") is False
    # a correction that writes a period the text layer prints ("Distr.:") made the word
    assert _label("General Assembly Dist: Limited", "General Assembly Distr.: Limited", "Dist", "Distr.") is True
    # punctuation inside a symbol stays: "$/2003/529" -> "S/2003/529"
    assert _label("see $/2003/529 of", "see S/2003/529 of", "$/2003/529", "S/2003/529") is True
    assert _label("see $/2003/529 of", "see S/2003/529 of", "$/2003/529", "3/2003/529") is False


def test_an_apostrophe_at_a_word_edge_is_a_speck_not_part_of_the_word() -> None:
    import ocr_labels as L

    ocr = "sponsorship of dralt\u2019 proposals and 'rizhts instruments"
    truth = "sponsorship of draft proposals and rights instruments"
    assert _label(ocr, truth, "dralt", "draft") is True
    assert _label(ocr, truth, "rizhts", "rights") is True
    assert _label(ocr, truth, "rizhts", "right") is False
    assert L.widen("they don't go", 6, 8) == (5, 10)  # inside a word it belongs to it
    assert L.widen("the dralt\u2019 one", 4, 9) == (4, 9)


def test_a_line_read_in_another_order_is_anchored_again() -> None:
    """A programme of work (A/C.3/80/L.1, page 4, read by Tesseract from a bilevel scan): the text
    layer prints each time beside its item, Tesseract reads the column of times first.  The
    page's alignment pairs "zeneral" with a later line's "General"; anchored on its own, the line
    finds "Opening of the general debate"."""
    truth = ("Draft programme of work of the Third Committee\nAgenda item/\nDate/time programmea\n"
             "Week of 29 September\u20133 October\nThursday, 2 October No formal meeting (Yom Kippur)\n"
             "Friday, 3 October\n10 a.m. Organizational matters\nElection of officers\n"
             "Opening of the general debate\n1 p.m. Closure of the list of speakers for the general debate\n"
             "3 p.m. General debate (continued)\nWeek of 6\u201310 October\nMonday, 6 October\n"
             "10 a.m. and 3 p.m. General debate (continued)\nTuesday, 7 October\n"
             "10 a.m. and 3 p.m. General debate (continued)\nWednesday, 8 October\n"
             "10 a.m. and 3 p.m. General debate (continued)\nThursday, 9 October\n")
    ocr = ("Draft programme of work of the Third Committee\n\n\u201cDe. tim\n\nWeek of 29 Scptembcr-3 October\n\n"
           "Thursday, 2 October\nFriday, 3 Octoher\n\n1 am.\n\ni p.m.\n3-p.m.\nWeck of 6-10 October\n"
           "Monday, 6 October\n|) aim, and 3-p.am:\nTuesday, 7 October _\nNha. and 3: p.m. |\n"
           "Weduesdiav. 8 October\n10 asm. and 3-p.m.\nThursday, 9 October\n\n"
           "No formal mecting (Yom. Kippur).\nOrganiational millers\nFlection ol officers\n"
           "Opening: vi the zeneral debate\nClosure.of the list of speakers for the ceneral debate\n"
           "General Jebate (continued\nCroneral debate to ontruec)\nGeneral. debate (continued)\n")
    assert _label(ocr, truth, "zeneral", "general") is True
    assert _label(ocr, truth, "zeneral", "General") is False
    assert _label(ocr, truth, "ceneral", "general") is True
    assert _label(ocr, truth, "ceneral", "several") is False
    assert _label(ocr, truth, "Organiational", "Organizational") is True


# ------------------------------------------------------- the case of a first letter
@pytest.mark.parametrize("printed, after, guessed", [
    ("lerritory", "territory", True),     # the first letter itself was misread: its case too
    ("evelopment", "Development", True),  # a lost first letter
    ("sccretary", "secretary", True),     # s and S differ only in size
    ("Spiril", "Spirit", True),
    ("(ccupying", "occupying", True),
    ("governrnent", "government", False),
    ("Tbid", "Ibid", True),
    ("Developiient", "Development", False),
])
def test_a_first_letter_whose_case_the_page_does_not_give(printed, after, guessed) -> None:
    from pipeline.repair.words import case_guessed

    assert case_guessed(printed, after) is guessed


def test_a_guessed_case_is_measured_by_its_own_tables() -> None:
    """OCR confusions whose first letter's case was a guess ("sccretary" -> "secretary" where
    the page prints "Secretary") are measured apart, never by the table of words whose case the
    page gave; rare evidence (gen) keeps its one table."""
    from pipeline.repair.calibration import record_keys
    from pipeline.worktext import Mark

    assert record_keys("words.spelling", {"edit": "ocr", "tags": ["case"]}, "ocr") == [
        "words.spelling:ocr+case|ocr", "words.spelling:ocr+case"]
    assert record_keys("words.spelling", {"edit": "ocr", "tags": ["case", "gen1"]}, "ocr") == ["words.spelling:ocr+gen1"]
    cal = from_json({"rules": ["words.spelling"], "tables": {
        "words.spelling:ocr|ocr": [[0.97, 0.99, 0.9987, 383, 383]],
        "words.spelling:ocr+case|ocr": [[0.95, 0.99, 0.9708, 290, 282]]}})
    work = WorkText("t", "the sccretary of")
    work.marks.append(Mark(4, 13, "conf", {"conf": 0.1}))
    sure = Proposal(4, 13, "secretary", "words.spelling", 0.99, {"edit": "ocr"})
    guessed = Proposal(4, 13, "secretary", "words.spelling", 0.99, {"edit": "ocr", "tags": ["case"]})
    cal.calibrate([sure, guessed], work)
    assert sure.status == "applied"
    assert guessed.status == "flagged" and guessed.info["calibration"] == "words.spelling:ocr+case|ocr"
    # the case table pooled over sources (mostly text exports) never applies on OCR words
    pooled = from_json({"rules": ["words.spelling"], "tables": {
        "words.spelling:ocr+case": [[0.9, 0.99, 0.9991, 526, 526]]}})
    again = Proposal(4, 13, "secretary", "words.spelling", 0.99, {"edit": "ocr", "tags": ["case"]})
    pooled.calibrate([again], work)
    assert again.status == "flagged" and "pooled" in again.info["calibration"]


def test_the_spelling_rule_tags_a_guessed_case() -> None:
    from pipeline.repair.words import spelling
    from pipeline.worktext import Mark

    lex = load_lexicon(default_dictionaries_dir())
    text = "Recalls the report of the sccretary on the governrnent of the Territory"
    work = WorkText("t", text)
    for m in re.finditer(r"\S+", text):
        work.marks.append(Mark(m.start(), m.end(), "conf", {"conf": 0.5}))
    found = {p.after: p.info.get("tags", []) for p in spelling(work, RepairContext(lexicon=lex, source_kind="scanned-pdf"))}
    assert "case" in found["secretary"]
    assert "case" not in found["government"]

"""Footnote recovery on the samples, and markers that must not sprout."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.run import stages
from pipeline.settings import Settings

SETTINGS = Settings(dictionaries_dir=ROOT / "dictionaries")
CASES = json.loads((ROOT / "tests" / "cases" / "footnote_markers.json").read_text())


def run(name_prefix: str) -> dict:
    path = next((ROOT / "raw").glob(f"{name_prefix}_*"))
    doc, _ = stages.process(path, SETTINGS)
    return doc


def notes_at(doc: dict) -> dict[str, str]:
    """footnote number -> the 25 characters before its marker."""
    out = {}
    for p in doc["preamble"] + doc["operative"]:
        for para in [p, *p.get("items", [])]:
            for n in para["notes"]:
                out[n["num"]] = para["text"][max(0, n["offset"] - 25):n["offset"]]
    return out


def test_markdown_superscripts_link_four_footnotes():
    doc = run("001")
    assert [f["num"] for f in doc["footnotes"]] == ["1", "2", "3", "4"]
    assert all(f["anchored"] for f in doc["footnotes"])
    at = notes_at(doc)
    assert at["1"].endswith("on 25 June 1993,")
    assert at["2"].endswith("on 8 September 2000")
    assert at["3"].endswith("field of human rights,")
    assert at["4"].endswith("fifty-second session,")


def test_glued_digits_after_punctuation():
    doc = run("004")
    assert [(f["num"], f["text"], f["anchored"]) for f in doc["footnotes"]] == [
        ("1", "A/HRC/24/56.", True), ("2", "A/HRC/19/50.", True)]
    at = notes_at(doc)
    assert at["1"].endswith("twenty-fourth session;")
    assert at["2"].endswith("and Technical Assistance,")


def test_ocr_footnotes_recovered_by_sequence():
    doc = run("003")
    foot = {f["num"]: f for f in doc["footnotes"]}
    assert list(foot) == ["1", "2", "3", "4", "5"]
    assert foot["1"]["anchored"] is False  # its marker is lost: kept, flagged, not invented
    assert all(foot[n]["anchored"] for n in "2345")
    assert foot["1"]["text"] == "A/CONF.157/24 (Part I), chap. III."
    assert foot["3"]["text"].endswith("(A/67/53 and Corr.1), chap. II, sect. A.")
    assert foot["5"]["text"] == "See E/CN.4/2001/2-E/CN.4/Sub.2/2000/46, chap. I, sect. A."
    at = notes_at(doc)
    assert at["2"].endswith("on 8 September 2000")
    assert at["3"].endswith("of 23 March 2012")
    assert at["4"].endswith("Programme of Action,")
    assert at["5"].endswith("fifty-second session,")
    rules = {(c["rule"], c["before"], c["status"]) for c in doc["corrections"] if c["rule"].startswith("footnote.")}
    assert ("footnote.unanchored", "1", "flagged") in rules
    year = [c for c in doc["corrections"] if c["rule"] == "footnote.year-digit"]
    assert [c["info"]["marker"] for c in year] == ["2", "3"]
    assert year[1]["info"]["printed"] == "2" and year[1]["status"] == "flagged"  # printed 2, must be 3


def test_no_footnote_text_inside_a_body_paragraph():
    for prefix in ("000", "001", "002", "003", "004"):
        doc = run(prefix)
        bodies = [f["text"] for f in doc["footnotes"]]
        for p in doc["preamble"] + doc["operative"]:
            for b in bodies:
                assert b not in p["text"], (prefix, p["id"])
            assert "Resolution 55/2." not in p["text"] and "See Official Records" not in p["text"]


def test_stripped_markers_are_flagged_never_invented():
    doc = run("002")
    assert doc["footnotes"] == []
    assert all(not p["notes"] for p in doc["preamble"] + doc["operative"])
    lost = [c for c in doc["corrections"] if c["rule"] == "footnote.lost-marker"]
    assert [c["before"] for c in lost] == ["1993,", "2000"]
    assert all(c["status"] == "suggested" and c["before"] == c["after"] for c in lost)


def _doc_with(body_text: str, footnotes_text: str) -> Path:
    return body_text + "\n\n" + footnotes_text


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_marker_cases(case, tmp_path):
    """Each case is a tiny resolution; ``expect`` lists (footnote, words before its marker)."""
    text = (
        "1/1. A title\n\nThe General Assembly,\n\n" + case["preamble"] + "\n\n"
        + "1. Decides to continue its work;\n\n" + "\n".join(case["footnotes"]) + "\n"
    )
    path = tmp_path / "case.txt"
    path.write_text(text, encoding="utf-8")
    doc, _ = stages.process(path, SETTINGS)
    got = sorted((n, before) for n, before in notes_at(doc).items())
    want = sorted((e[0], e[1][-25:]) for e in case["expect"])
    assert [(n, b[-len(w):]) for (n, b), (_, w) in zip(got, want)] == want and len(got) == len(want)
    assert doc["preamble"][0]["text"] == case["text"]


def _scanned(pages: list[list[tuple[str, str | None]]]):
    from pipeline.model import Extracted, Line, Page, Source

    return Extracted("scan", Source("raw/scan.pdf", "0" * 64, "scanned-pdf", len(pages)),
                     [Page(i + 1, [Line(t, zone=z) for t, z in lines]) for i, lines in enumerate(pages)])


def _clean(doc) -> dict:
    work = stages.repair(doc, SETTINGS, {})
    return stages.build(stages.recover_footnotes(work, SETTINGS, {}), doc)


def test_a_note_whose_number_the_scan_lost_takes_the_number_the_sequence_wants():
    """A raised "1" a poor scan lost entirely: the zone's first line is footnote 1, flagged."""
    doc = _clean(_scanned([[
        ("79/1. A title", None), ("", None), ("The General Assembly,", None), ("", None),
        ("Reaffirming the Platform for Action adopted at the Fourth World Conference on Women1 and", None),
        ("the outcome of its special session,2", None), ("", None),
        ("1. Decides to continue;", None), ("", None),
        ("Report of the Fourth World Conference on Women, Beijing, 4-15 September 1995.", "footnote"),
        ("2 Resolution S-23/2, annex.", "footnote"),
    ]]))
    assert [(f["num"], f["text"][:20], f["anchored"]) for f in doc["footnotes"]] == [
        ("1", "Report of the Fourth", True), ("2", "Resolution S-23/2, a", True)]
    assert "Report of the Fourth" not in doc["preamble"][0]["text"]
    flagged = [c for c in doc["corrections"] if c["rule"] == "footnote.body-number"]
    assert len(flagged) == 1 and flagged[0]["status"] == "flagged" and flagged[0]["before"] == flagged[0]["after"]


def test_a_note_running_on_from_the_page_before_is_no_new_note():
    doc = _clean(_scanned([
        [("79/1. A title", None), ("", None), ("The General Assembly,", None), ("", None),
         ("Recalling the Platform for Action1 and its resolution 70/1,2", None), ("", None),
         ("1 Report of the Fourth World Conference on Women, Beijing, 4-15 September 1995", "footnote"),
         ("(United Nations publication, Sales No. E.96.IV.13), chap. I, resolution 1, annexes I and", "footnote")],
        [("1. Decides to continue;", None), ("", None),
         ("II.", "footnote"), ("2 Resolution 70/1.", "footnote")],
    ]))
    assert [f["num"] for f in doc["footnotes"]] == ["1", "2"]
    assert not [c for c in doc["corrections"] if c["rule"] == "footnote.body-number"]


def test_lost_and_junked_note_numbers_inside_a_zone():
    """Note 2's number lost after a finished note 1, note 3's printed "3?": the sequence mends both."""
    doc = _clean(_scanned([[
        ("79/1. A title", None), ("", None), ("The General Assembly,", None), ("", None),
        ("Having considered the report of the Secretary-General,1 the report of the Board,2", None),
        ("and the report on the United Nations,3 and the related report of the Committee,4", None), ("", None),
        ("1. Decides to continue;", None), ("", None),
        ("1 A/79/313.", "footnote"),
        ("Relevant parts of the Official Records of the General Assembly, Supplement No. 5.", "footnote"),
        ("3? Relevant parts of A/79/328.", "footnote"),
        ("4 A/79/551.", "footnote"),
    ]]))
    assert [(f["num"], f["text"], f["anchored"]) for f in doc["footnotes"]] == [
        ("1", "A/79/313.", True),
        ("2", "Relevant parts of the Official Records of the General Assembly, Supplement No. 5.", True),
        ("3", "Relevant parts of A/79/328.", True), ("4", "A/79/551.", True)]


def test_a_second_sentence_of_a_note_is_no_new_note():
    doc = _clean(_scanned([[
        ("79/1. A title", None), ("", None), ("The General Assembly,", None), ("", None),
        ("Recalling its resolutions,1 and the report,2", None), ("", None),
        ("1. Decides to continue;", None), ("", None),
        ("1 See resolution 70/1.", "footnote"),
        ("Issued as A/70/1.", "footnote"),
        ("2 A/79/551.", "footnote"),
    ]]))
    assert [f["num"] for f in doc["footnotes"]] == ["1", "2"]
    assert doc["footnotes"][0]["text"] == "See resolution 70/1. Issued as A/70/1."


def test_a_note_line_starting_with_a_later_number_is_not_a_note_when_the_expected_one_follows():
    """A/C.2/80/L.18: note 15 wraps onto a line "17 March 2022, and Doha ..." and note 16 follows;
    taking the wrapped line for note 17 lost note 16."""
    from pipeline.notes.footnotes import Body, _in_sequence

    def body(printed: str, start: int) -> Body:
        return Body(printed, printed, start, start, start + len(printed), start + 50, evidence=3.0)

    bodies = [body(str(n), 100 * n) for n in range(1, 16)]
    bodies += [body("17", 1550), body("16", 1600), body("17", 1700)]
    kept = _in_sequence(bodies)
    assert [b.num for b in kept] == [str(n) for n in range(1, 18)]
    assert [b.start for b in kept][-3:] == [1500, 1600, 1700]


def _ocr_line(text: str, zone: str | None = None, raised: str | None = None):
    """A line as OCR gives it: every word with its confidence; ``raised``: its first word is raised ink."""
    from pipeline.model import Line, Span

    spans, pos = [], 0
    for word in text.split(" "):
        spans.append(Span(pos, pos + len(word), conf=0.9, superscript=raised is not None and pos == 0))
        pos += len(word) + 1
    return Line(text, zone=zone, spans=spans)


@pytest.mark.parametrize("junk", ["to", "Z", "a"])
def test_a_raised_note_number_ocr_read_as_a_word_is_numbered_by_the_sequence(junk):
    """An eroded raised "2" at the head of its note, read "to" (or a letter): the extractor saw raised
    ink, so the sequence numbers the note (logged) instead of taking "to" for its first word."""
    from pipeline.model import Extracted, Page, Source

    lines = [("79/1. A title", None), ("", None), ("The General Assembly,", None), ("", None),
             ("Reaffirming the Platform for Action adopted at the Fourth World Conference on Women1 and", None),
             ("the outcome of its special session,2 and the Summit,3", None), ("", None),
             ("1. Decides to continue;", None), ("", None),
             ("1 Report of the Fourth World Conference on Women, Beijing, 4-15 September 1995.", "footnote"),
             (f"{junk} Resolution S-23/2, annex.", "footnote"), ("3 Resolution 60/1.", "footnote")]
    doc = _clean(Extracted("scan", Source("raw/scan.pdf", "0" * 64, "scanned-pdf", 1), [Page(1, [
        _ocr_line(t, z, raised=junk if t.startswith(junk + " ") else None) for t, z in lines])]))
    assert [(f["num"], f["text"][:12], f["anchored"]) for f in doc["footnotes"]] == [
        ("1", "Report of th", True), ("2", "Resolution S", True), ("3", "Resolution 6", True)]
    fixed = [c for c in doc["corrections"] if c["rule"] == "footnote.body-number"]
    assert [(c["before"], c["after"], c["status"]) for c in fixed] == [(junk, "2", "flagged")]


def test_a_raised_letter_leading_a_born_digital_note_is_left_alone():
    """Without OCR confidences (a born-digital text layer), a raised "a" is a table's letter note."""
    from pipeline.model import Extracted, Line, Page, Source, Span

    lines = [Line("79/1. A title"), Line(""), Line("The General Assembly,"), Line(""),
             Line("Recalling the table of contributions,1", spans=[Span(37, 38, superscript=True)]), Line(""),
             Line("1. Decides to continue;"), Line(""),
             Line("1 A/79/313.", zone="footnote", spans=[Span(0, 1, superscript=True)]),
             Line("a Including the contributions of observers.", zone="footnote", spans=[Span(0, 1, superscript=True)])]
    doc = _clean(Extracted("pdf", Source("raw/x.pdf", "0" * 64, "pdf", 1), [Page(1, lines)]))
    assert not [c for c in doc["corrections"] if c["rule"] == "footnote.body-number"]


def test_a_note_printed_with_a_unicode_superscript_digit_is_numbered_by_the_sequence():
    """Hypothesis found it (test_any_layout_never_raises_and_loses_nothing): "¹" is a digit to
    ``str.isdigit`` but not to ``int``, and a zone line led by it crashed the sequence."""
    from pipeline.notes.footnotes import Body, _in_sequence

    one = Body("", "\u00b9", 0, 0, 1, 10, 2.5, sup=True)
    two = Body("", "2", 11, 11, 12, 20, 2.5, sup=True)
    kept = _in_sequence([one, two])
    assert [b.printed for b in kept] == ["\u00b9", "2"] and one.num == "1"

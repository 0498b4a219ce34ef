"""Structure cases the real corpus taught: closings, committees, inferred symbols."""
from __future__ import annotations

import re

from conftest import MASTHEAD, ROOT, SETTINGS, clean_resolution
from pipeline.run import stages

HEAD = MASTHEAD + "Recalling its resolution 79/1,\n\n"


def clean(tmp_path, body: str) -> dict:
    return clean_resolution(tmp_path, HEAD + body)


def test_a_line_starting_with_adopted_inside_a_paragraph_is_no_closing(tmp_path):
    doc = clean(tmp_path, """1. Recognizes that the Voluntary Guidelines,
adopted by the Council of the Food and Agriculture Organization in November 2004,
represent a useful tool;

2. Decides to continue its consideration of the question.

69th plenary meeting
18 December 2025
""")
    assert [p["num"] for p in doc["operative"]] == ["1", "2"]
    assert "adopted by the Council" in doc["operative"][0]["text"]
    assert doc["closing"] == {"text": "69th plenary meeting 18 December 2025", "meeting": "69th plenary meeting",
                              "date": "2025-12-18", "lines": ["69th plenary meeting", "18 December 2025"]}


def test_a_resumed_meeting_closes_the_resolution(tmp_path):
    doc = clean(tmp_path, "1. Decides to continue its work.\n\n50th (resumed) plenary meeting\n22 December 2025\n")
    assert doc["closing"]["meeting"] == "50th (resumed) plenary meeting"
    assert doc["closing"]["date"] == doc["date"] == "2025-12-22"


def test_a_closing_date_after_a_resumed_meeting_is_kept_before_a_symbol_line(tmp_path):
    """The furniture rule and structure read one meeting pattern: a date after "50th (resumed) plenary
    meeting" with a symbol line below stays the closing's date, as after "50th plenary meeting"."""
    for meeting in ("50th plenary meeting", "50th (resumed) plenary meeting"):
        doc = clean(tmp_path, f"1. Decides to continue its work.\n\n{meeting}\n22 December 2025\nA/RES/80/999\n")
        assert doc["closing"]["meeting"] == meeting
        assert doc["closing"]["date"] == "2025-12-22", meeting


def test_header_metadata_in_one_form(tmp_path):
    doc = clean(tmp_path, "1. Decides to continue its work.\n")
    h = doc["header"]
    assert (h["committee_report"], h["committee"]) == ("A/80/480", "Third Committee")
    assert (h["distribution"], h["distribution_date"], h["session"], h["agenda_item"]) == (
        "General", "2025-12-20", "Eightieth session", "68")
    assert doc["symbol"] == "A/RES/80/999" and h["symbol_inferred"] is True
    assert doc["number"] == "80/999" and doc["title"] == "The right to food"


def test_a_printed_symbol_is_not_marked_inferred(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("United Nations A/RES/80/999\n" + HEAD + "1. Decides to continue its work.\n", encoding="utf-8")
    doc, _ = stages.process(path, SETTINGS)
    assert doc["symbol"] == "A/RES/80/999" and "symbol_inferred" not in doc["header"]


def test_closing_lines_stay_two_lines_in_json_markdown_and_akn(tmp_path):
    from pipeline.export.akn import export_bytes
    from pipeline.export.canonical import render_markdown

    doc = clean(tmp_path, "1. Decides to continue its work.\n\n76th plenary meeting\n18 December 2007\n")
    assert doc["closing"]["lines"] == ["76th plenary meeting", "18 December 2007"]
    md = render_markdown(doc)
    assert "*76th plenary meeting*\\\n*18 December 2007*" in md
    assert "76th plenary meeting 18 December 2007" not in md
    xml = export_bytes(doc).xml.decode()
    assert '<p><inline name="meeting">76th plenary meeting</inline></p>' in xml
    assert '<p><docDate date="2007-12-18" refersTo="#adoption">18 December 2007</docDate></p>' in xml


def test_a_one_line_closing_has_no_lines(tmp_path):
    doc = clean(tmp_path, "1. Decides to continue its work.\n\nAdopted without a vote.\n")
    assert doc["closing"]["text"] == "Adopted without a vote." and "lines" not in doc["closing"]


def test_markdown_says_an_inferred_symbol_is_inferred(tmp_path):
    from pipeline.export.canonical import render_markdown

    inferred = clean(tmp_path, "1. Decides to continue its work.\n")
    assert "A/RES/80/999 (symbol inferred, not printed)" in render_markdown(inferred)
    path = tmp_path / "printed.txt"
    path.write_text("United Nations A/RES/80/999\n" + HEAD + "1. Decides to continue its work.\n", encoding="utf-8")
    printed, _ = stages.process(path, SETTINGS)
    md = render_markdown(printed)
    assert "A/RES/80/999 · " in md and "inferred" not in md


def test_no_period_added_after_an_ellipsis_in_the_number(tmp_path):
    from pipeline.export.canonical import heading, render_markdown

    path = tmp_path / "draft.txt"
    path.write_text("25/\u2026 Enhancement of international cooperation\n\nThe Human Rights Council,\n\n"
                    "Recalling its resolution 19/33,\n\n1. Decides to continue its work.\n", encoding="utf-8")
    doc, _ = stages.process(path, SETTINGS)
    assert doc["number"] == "25/\u2026"
    assert render_markdown(doc).startswith("# 25/\u2026 Enhancement of international cooperation\n")
    assert heading({"doc_id": "x", "number": "62/160", "title": "Enhancement"}) == "62/160. Enhancement"
    assert heading({"doc_id": "x", "number": "25/...", "title": "Enhancement"}) == "25/... Enhancement"


def test_header_lines_of_a_pdf_are_the_first_page_masthead_only():
    doc, work = stages.process(ROOT / "tests" / "data" / "A_RES_80_37.pdf", SETTINGS)
    lines = doc["header"]["lines"]
    running = [c["info"]["line"] for c in work.corrections
               if c["rule"] == "layout.furniture" and c["where"]["source"].get("page", 1) > 1]
    assert running, "the sample has running heads on page 2"
    assert not [ln for ln in lines if re.fullmatch(r"\d+/\d+", ln)], lines  # no "2/2" page numbers
    assert lines.count(doc["symbol"]) <= 1 and len(lines) == len(set(lines))
    assert "A/RES/80/37" in " ".join(lines) and "Distr.: General" in lines


def test_masthead_lines_drop_running_heads_and_later_pages():
    from pipeline.structure.parts import masthead_lines

    def furn(line, kind, page):
        return {"info": {"line": line, "kind": kind}, "where": {"source": {"page": page}}}

    got = masthead_lines(["General Assembly"], [
        furn("United Nations A/HRC/25/L.3", "symbol", 1), furn("Distr.: Limited", "distribution", 1),
        furn("* Non-member State of the Council.", "cover-note", 1), furn("A/HRC/25/L.3", "symbol", 1),
        furn("2", "page-number", 1), furn("18-16895 (E)", "job-number", 1),
        furn("A/RES/73/3", "header-zone", 2), furn("2/10", "footer-zone", 2), furn("12 March 2014", "date", 3),
    ])
    assert got == ["General Assembly", "United Nations A/HRC/25/L.3", "Distr.: Limited"]

"""Structure cases the real corpus taught: closings, committees, inferred symbols."""
from __future__ import annotations

from conftest import ROOT
from pipeline import stages
from pipeline.settings import Settings

SETTINGS = Settings(dictionaries_dir=ROOT / "dictionaries")

HEAD = """General Assembly
Distr.: General
20 December 2025
Eightieth session
Agenda item 68
Resolution adopted by the General Assembly on 18 December 2025
[on the report of the Third Committee (A/80/480, para. 15)]
80/999. The right to food

The General Assembly,

Recalling its resolution 79/1,

"""


def clean(tmp_path, body: str) -> dict:
    path = tmp_path / "doc.txt"
    path.write_text(HEAD + body, encoding="utf-8")
    doc, _ = stages.process(path, SETTINGS)
    return doc


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
                              "date": "2025-12-18"}


def test_a_resumed_meeting_closes_the_resolution(tmp_path):
    doc = clean(tmp_path, "1. Decides to continue its work.\n\n50th (resumed) plenary meeting\n22 December 2025\n")
    assert doc["closing"]["meeting"] == "50th (resumed) plenary meeting"
    assert doc["closing"]["date"] == doc["date"] == "2025-12-22"


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

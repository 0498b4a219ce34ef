"""Akoma Ntoso export: XSD validity, round trip of texts and notes, honesty
about what the JSON does not give."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.export import akn

DATA = Path(__file__).parent / "data" / "akn"
FIXTURES = sorted(DATA.glob("*.json"))
SCHEMA = json.loads((Path(akn.__file__).parent.parent / "schema" / "clean-document.schema.json").read_text())
NS = {"a": akn.AKN_NS}
GENERATED = "2026-11-22"


def load(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


def export(doc: dict) -> tuple[etree._Element, akn.Export]:
    ex = akn.export_bytes(doc, generated=GENERATED)
    return etree.fromstring(ex.xml), ex


def minimal(**over) -> dict:
    doc = {
        "schema": "clean-document/1", "doc_id": "t", "source": {"path": "raw/t.txt", "sha256": "0" * 64,
                                                                  "kind": "text", "pages": None},
        "symbol": None, "number": None, "organ": "General Assembly", "title": None, "date": None,
        "preamble": [], "operative": [{"id": "op1", "num": "1", "text": "Decides.", "notes": []}],
        "footnotes": [], "closing": None, "corrections": [],
    }
    doc.update(over)
    return doc


# --- every fixture ----------------------------------------------------------

@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_is_a_canonical_document(path):
    jsonschema.validate(json.loads(path.read_text()), SCHEMA)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_validates_and_round_trips(path):
    doc = json.loads(path.read_text())
    root, ex = export(doc)
    assert akn.validate(ex.xml) == []
    assert ex.problems == []
    back = akn.read_back(ex.xml)
    assert akn.comparable(back) == akn.canonical_view(doc)
    # Footnote texts are equal one by one, and so is their anchoring.
    want = {f["num"]: (f["text"], f["anchored"]) for f in doc["footnotes"]}
    assert {f["num"]: (f["text"], f["anchored"]) for f in back["footnotes"]} == want


def test_export_is_deterministic_for_a_given_generation_date():
    doc = load("001_0c83b350d768e6c1")
    assert akn.export_bytes(doc, generated=GENERATED).xml == akn.export_bytes(doc, generated=GENERATED).xml


def test_without_generation_date_the_manifestation_is_dated_by_the_document_not_today():
    doc = load("004_5b02a51a45b675a1")
    ex = akn.export_bytes(doc)
    assert akn.validate(ex.xml) == []
    d = etree.fromstring(ex.xml).find(".//a:FRBRManifestation/a:FRBRdate", NS)
    assert (d.get("date"), d.get("name")) == ("2014-03-12", "distribution")
    assert ex.xml == akn.export_bytes(doc).xml


def test_document_without_any_date_and_no_generation_date_uses_today_and_says_so():
    import datetime
    root = etree.fromstring(akn.export_bytes(load("002_24bcb0a4a35d199b")).xml)
    d = root.find(".//a:FRBRManifestation/a:FRBRdate", NS)
    assert (d.get("date"), d.get("name")) == (datetime.date.today().isoformat(), "generation")
    assert root.find(".//a:FRBRWork/a:FRBRdate", NS).get("name") == "unknown; markup generation date"


# --- structure ----------------------------------------------------------------

def test_identification_follows_akn4un():
    root, _ = export(load("fixture_A_RES_79_155_excerpt"))
    stmt = root.find("a:statement", NS)
    assert stmt.get("name") == "resolution"
    work = "/akn/un/statement/deliberation/un-ga/2024-12-17/A-RES-79-155"
    assert root.find(".//a:FRBRWork/a:FRBRuri", NS).get("value") == work
    assert root.find(".//a:FRBRWork/a:FRBRthis", NS).get("value") == work + "/!main"
    assert root.find(".//a:FRBRExpression/a:FRBRuri", NS).get("value") == work + "/eng@"
    assert root.find(".//a:FRBRManifestation/a:FRBRthis", NS).get("value") == work + "/eng@/main.xml"
    date = root.find(".//a:FRBRWork/a:FRBRdate", NS)
    assert (date.get("date"), date.get("name")) == ("2024-12-17", "adoption")
    assert root.find(".//a:FRBRWork/a:FRBRalias", NS).get("value") == "A/RES/79/155"
    assert root.find(".//a:FRBRManifestation/a:FRBRdate", NS).get("date") == GENERATED


def test_preface_carries_the_header_block():
    root, _ = export(load("001_0c83b350d768e6c1"))
    pre = root.find(".//a:preface", NS)
    assert pre.find(".//a:docStatus", NS).text == "General"
    assert pre.find(".//a:docDate", NS).get("date") == "2008-03-13"
    assert pre.find(".//a:session", NS).text == "Sixty-second session"
    assert pre.find(".//a:inline[@name='agendaItem']", NS).text == "70 (b)"
    assert pre.find(".//a:inline[@name='committeeReport']", NS).text == "A/62/439/Add.2"
    assert pre.find("a:longTitle/a:p/a:docNumber", NS).text == "62/160"
    assert pre.find("a:longTitle/a:p/a:docTitle", NS).text.startswith("Enhancement of international")
    # No symbol in this input: no symbol docNumber, no alias.
    assert len(pre.findall(".//a:docNumber", NS)) == 1
    assert root.find(".//a:FRBRalias", NS) is None


def test_preamble_formula_and_containers_named_after_participles():
    root, _ = export(load("001_0c83b350d768e6c1"))
    pre = root.find(".//a:preamble", NS)
    formula = pre.find("a:formula", NS)
    assert formula.get("name") == "enactingFormula" and formula.find("a:p", NS).text == "The General Assembly,"
    names = [c.get("name") for c in pre.findall("a:container", NS)]
    assert names == ["reaffirming", "recalling", "recalling", "recognizing", "recognizing",
                     "reaffirming", "emphasizing", "underlining", "recalling"]
    assert [c.get("eId") for c in pre.findall("a:container", NS)][:2] == ["preamble__container_1",
                                                                        "preamble__container_2"]


@pytest.mark.parametrize("text,name", [
    ("Recalling also its resolution 62/160,", "recalling"),
    ("Further recalling its resolution,", "recalling"),
    ("Deeply concerned that", "concerned"),
    ("Mindful that,", "mindful"),
    ("Bearing in mind", "bearing"),
    ("Taking note with appreciation", "taking"),
    ("“Quoted” start", "quoted"),
    ("1234", "preambularParagraph"),
])
def test_participle_name(text, name):
    assert akn.participle_name(text) == name


def test_operative_paragraphs_points_and_eids():
    root, _ = export(load("fixture_A_RES_79_155_excerpt"))
    body = root.find(".//a:mainBody", NS)
    paras = body.findall("a:paragraph", NS)
    assert [p.get("eId") for p in paras] == ["para_14", "para_15"]
    assert paras[0].find("a:num", NS).text == "14"
    assert paras[0].find("a:content/a:p", NS).text.startswith("Commends")
    assert paras[1].find("a:intro/a:p", NS).text.endswith("within a decade by:")
    points = paras[1].findall("a:list/a:point", NS)
    assert [p.get("eId") for p in points] == ["para_15__point_a", "para_15__point_b", "para_15__point_c"]
    assert [p.find("a:num", NS).text for p in points] == ["(a)", "(b)", "(c)"]


def test_notes_stand_exactly_where_the_marker_was_printed():
    doc = load("001_0c83b350d768e6c1")
    root, _ = export(doc)
    p = root.find(".//a:preamble/a:container[@eId='preamble__container_2']/a:p", NS)
    notes = p.findall("a:authorialNote", NS)
    assert [(n.get("marker"), n.get("placement")) for n in notes] == [("2", "bottom"), ("3", "bottom")]
    assert p.text.endswith("on 8 September 2000")          # marker 2 right after the date
    assert notes[0].tail.startswith(" and its resolution 61/168")
    assert not notes[1].tail                               # marker 3 at the very end
    assert notes[0].find("a:p", NS).text == "See resolution 55/2."


def test_conclusions_mark_meeting_and_date_in_the_printed_line():
    root, _ = export(load("001_0c83b350d768e6c1"))
    concl = root.find(".//a:conclusions", NS)
    assert "".join(concl.find("a:p", NS).itertext()) == "76th plenary meeting 18 December 2007"
    assert concl.find(".//a:inline[@name='meeting']", NS).text == "76th plenary meeting"
    d = concl.find(".//a:docDate", NS)
    assert (d.text, d.get("date")) == ("18 December 2007", "2007-12-18")


def test_closing_without_meeting_or_date_is_kept_as_printed():
    root, ex = export(load("000_925e479e4b378691"))
    concl = root.find(".//a:conclusions", NS)
    assert concl.find("a:p", NS).text == "Adopted without a vote."
    assert concl.find(".//a:docDate", NS) is None
    assert akn.validate(ex.xml) == []


# --- honesty about what is missing ----------------------------------------------

def test_unanchored_footnote_is_kept_in_meta_notes_not_in_the_text():
    root, _ = export(load("fixture_A_RES_79_155_excerpt"))
    markers = [n.get("marker") for n in root.iterfind(".//a:authorialNote", NS)]
    assert "12" not in markers and markers == [str(i) for i in range(1, 14) if i != 12]
    kept = root.findall(".//a:meta/a:notes/a:note[@refersTo='#unanchoredFootnote']", NS)
    assert [(n.get("marker"), n.find("a:p", NS).text) for n in kept] == [("12", "Ibid.")]
    assert root.find(".//a:references/a:TLCConcept[@eId='unanchoredFootnote']", NS) is not None


def test_no_date_anywhere_is_said_never_made_up():
    root, ex = export(load("002_24bcb0a4a35d199b"))
    assert akn.validate(ex.xml) == []
    uri = root.find(".//a:FRBRWork/a:FRBRuri", NS).get("value")
    assert uri == "/akn/un/statement/deliberation/un-ga/unknown/nn"
    for level in ("FRBRWork", "FRBRExpression"):
        d = root.find(f".//a:{level}/a:FRBRdate", NS)
        assert d.get("name") == "unknown; markup generation date" and d.get("date") == GENERATED
    assert root.find(".//a:preface//a:docDate", NS) is None and root.find(".//a:conclusions", NS) is None
    note = root.find(".//a:meta/a:notes/a:note[@eId='exportNote_1']/a:p", NS).text
    assert "No document date" in note and "not a date of the document" in note


def test_draft_without_adoption_date_is_dated_by_its_distribution():
    root, _ = export(load("004_5b02a51a45b675a1"))
    d = root.find(".//a:FRBRWork/a:FRBRdate", NS)
    assert (d.get("date"), d.get("name")) == ("2014-03-12", "distribution")
    assert root.find(".//a:FRBRWork/a:FRBRuri", NS).get("value") == \
        "/akn/un/statement/deliberation/un-hrc/2014-03-12/A-HRC-25-L.3"
    assert root.find(".//a:FRBRnumber", NS).get("value") == "25/…"
    assert root.find(".//a:formula/a:p", NS).text == "The Human Rights Council,"


def test_unknown_organ_gives_no_formula_and_says_so():
    doc = minimal(organ=None)
    root, ex = export(doc)
    assert akn.validate(ex.xml) == []
    assert root.find(".//a:formula", NS) is None
    assert root.find(".//a:FRBRWork/a:FRBRauthor", NS).get("href") == "#unknownAuthor"
    assert "/deliberation/unknown/nn" in root.find(".//a:FRBRWork/a:FRBRuri", NS).get("value")
    texts = [p.text for p in root.iterfind(".//a:meta/a:notes/a:note/a:p", NS)]
    assert any("organ is not printed" in t for t in texts)


def test_header_absent_gives_no_preface():
    root, ex = export(minimal())
    assert root.find(".//a:preface", NS) is None
    assert akn.validate(ex.xml) == []


def test_header_without_lines_prints_facts_in_un_wording():
    doc = minimal(header={"distribution": "General", "distribution_date": "2008-03-13", "agenda_item": "70 (b)"})
    root, ex = export(doc)
    ps = ["".join(p.itertext()) for p in root.iterfind(".//a:preface/a:container/a:p", NS)]
    assert ps == ["Distr.: General", "13 March 2008", "Agenda item 70 (b)"]
    assert akn.validate(ex.xml) == []


def test_masthead_lines_are_kept_as_printed_and_furniture_left_out():
    root, _ = export(load("004_5b02a51a45b675a1"))
    block = root.find(".//a:preface/a:container[@name='header']", NS)
    ps = ["".join(p.itertext()) for p in block.findall("a:p", NS)]
    # The sponsor footnote, the running head and the page number are not masthead facts.
    assert ps == ["United Nations A/HRC/25/L.3", "General Assembly Distr.: Limited", "12 March 2014",
                  "Original: English"]
    assert block.find("a:p/a:docNumber", NS).text == "A/HRC/25/L.3"
    assert block.find("a:p/a:docStatus", NS).text == "Limited"
    # The organ (Human Rights Council) is not what the masthead prints: no docAuthority.
    assert block.find(".//a:docAuthority", NS) is None


def test_adoption_line_and_report_line_marked_inside_the_printed_text():
    root, _ = export(load("fixture_A_RES_79_155_excerpt"))
    block = root.find(".//a:preface/a:container[@name='header']", NS)
    by_text = {"".join(p.itertext()): p for p in block.findall("a:p", NS)}
    adopted = by_text["Resolution adopted by the General Assembly on 17 December 2024"]
    assert adopted.find("a:docDate", NS).get("date") == "2024-12-17"
    report = by_text["[on the report of the Third Committee (A/79/451, para. 65)]"]
    assert report.find("a:inline[@name='committeeReport']", NS).text == "A/79/451"
    assert by_text["General Assembly Distr.: General"].find("a:docAuthority", NS).text == "General Assembly"


# --- texts with anything in them --------------------------------------------------

def test_markup_characters_survive_exactly():
    text = 'Recalling <b>“A & B”</b> ]]> \'x\' &amp; "y" < > ©,'
    doc = minimal(
        preamble=[{"id": "pp1", "num": None, "text": text, "notes": [{"num": "1", "offset": 12}]}],
        footnotes=[{"num": "1", "text": "See <A/RES/1 & 2> ]]>", "anchored": True}],
    )
    _, ex = export(doc)
    assert akn.validate(ex.xml) == [] and ex.problems == []
    back = akn.read_back(ex.xml)
    assert back["preamble"][0]["text"] == text
    assert back["footnotes"][0]["text"] == "See <A/RES/1 & 2> ]]>"


def test_characters_xml_cannot_hold_are_replaced_and_reported():
    doc = minimal(operative=[{"id": "op1", "num": "1", "text": "Decides\x0c to\x00 act;", "notes": []}])
    _, ex = export(doc)
    assert akn.validate(ex.xml) == []
    assert any("U+000C" in p and "U+0000" in p for p in ex.problems)
    assert any(p.startswith("round trip") for p in ex.problems)


def test_paragraph_holding_only_a_note_round_trips():
    doc = minimal(operative=[{"id": "op1", "num": "1", "text": "", "notes": [{"num": "1", "offset": 0}]}],
                  footnotes=[{"num": "1", "text": "Note.", "anchored": True}])
    _, ex = export(doc)
    assert akn.validate(ex.xml) == [] and ex.problems == []
    assert akn.comparable(akn.read_back(ex.xml)) == akn.canonical_view(doc)


def test_nested_items_and_item_notes():
    items = [{"id": "op1.a", "num": "(a)", "text": "first:", "notes": [{"num": "2", "offset": 5}],
              "items": [{"id": "op1.a.i", "num": "(i)", "text": "inner;", "notes": []}]},
             {"id": "op1.b", "num": "(b)", "text": "second.", "notes": []}]
    doc = minimal(operative=[{"id": "op1", "num": "1", "text": "Decides:", "notes": [{"num": "1", "offset": 8}],
                              "items": items}],
                  footnotes=[{"num": "1", "text": "One.", "anchored": True},
                             {"num": "2", "text": "Two.", "anchored": True}])
    root, ex = export(doc)
    assert akn.validate(ex.xml) == [] and ex.problems == []
    assert root.find(".//a:point[@eId='para_1__point_a__point_i']", NS) is not None
    assert akn.comparable(akn.read_back(ex.xml)) == akn.canonical_view(doc)


def test_paragraph_opening_with_its_first_item_has_no_intro():
    doc = minimal(operative=[{"id": "op1", "num": "1", "text": "", "notes": [],
                              "items": [{"id": "op1.a", "num": "(a)", "text": "x;", "notes": []}]}])
    root, ex = export(doc)
    assert akn.validate(ex.xml) == []
    assert root.find(".//a:paragraph/a:intro", NS) is None


# --- inconsistent JSON: worked around and reported -------------------------------------

def test_inconsistencies_are_reported_and_output_stays_valid():
    doc = minimal(
        operative=[{"id": "op1", "num": "1", "text": "Decides.", "notes": [{"num": "1", "offset": 99},
                                                                            {"num": "7", "offset": 3}]}],
        footnotes=[{"num": "1", "text": "One.", "anchored": True},
                   {"num": "2", "text": "Two.", "anchored": True}],
        date="2007-12-18", closing={"text": "76th plenary meeting", "meeting": "76th plenary meeting",
                                    "date": "2007-12-19"})
    _, ex = export(doc)
    assert akn.validate(ex.xml) == []
    joined = "\n".join(ex.problems)
    for expected in ("offset 99", "marker '7' has no footnote", "footnote '2' is anchored=true",
                     "differs from closing.date", "closing.date is not printed"):
        assert expected in joined


def test_no_operative_paragraph_still_validates():
    _, ex = export(minimal(operative=[]))
    assert akn.validate(ex.xml) == []
    assert any("no operative" in p for p in ex.problems)


def test_validate_reports_errors():
    bad = etree.fromstring(akn.export_bytes(minimal(), generated=GENERATED).xml)
    bad.find(".//a:FRBRWork/a:FRBRdate", NS).set("date", "18 December 2007")
    errors = akn.validate(bad)
    assert errors and "date" in errors[0]


# --- any text, any note position ---------------------------------------------------------

xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                                               "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
                                                               "\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff"),
                   max_size=60)


@st.composite
def para_with_notes(draw, pid):
    text = draw(xml_text)
    offsets = draw(st.lists(st.integers(0, len(text)), max_size=3))
    return {"id": pid, "num": None, "text": text,
            "notes": [{"num": str(i + 1), "offset": o} for i, o in enumerate(offsets)]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pp=para_with_notes("pp1"), op=para_with_notes("op1"), fn=xml_text)
def test_any_text_and_offsets_round_trip(pp, op, fn):
    op = dict(op, num="1")
    n_pp = len(pp["notes"])
    op["notes"] = [{"num": str(n_pp + i + 1), "offset": n["offset"]} for i, n in enumerate(op["notes"])]
    count = n_pp + len(op["notes"])
    doc = minimal(preamble=[pp], operative=[op],
                  footnotes=[{"num": str(i), "text": fn, "anchored": True} for i in range(1, count + 1)])
    ex = akn.export_bytes(doc, generated=GENERATED)
    assert akn.validate(ex.xml) == []
    assert ex.problems == []
    assert akn.comparable(akn.read_back(ex.xml)) == akn.canonical_view(doc)


def test_unplaced_text_is_kept_in_meta_notes():
    doc = minimal(unplaced=["Annex", "Text the structure stage could not place & <kept>"])
    root, ex = export(doc)
    assert akn.validate(ex.xml) == []
    kept = root.findall(".//a:meta/a:notes/a:note[@refersTo='#unplacedText']/a:p", NS)
    assert [p.text for p in kept] == doc["unplaced"]
    assert root.find(".//a:TLCConcept[@eId='unplacedText']", NS) is not None

"""Drafts, decisions, amendments and annexes: each masthead fact to its field, bodies with or without numbers.

PDF cases are laid out in the General Assembly's printed form by ``tests/unforms.py``;
text cases are what a text export of the same documents gives.
"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from pipeline.export import akn, canonical as output
from pipeline import masthead
from pipeline.run import stages
from pipeline.settings import Settings
from unforms import runs, un_pdf

SETTINGS = Settings(dictionaries_dir=ROOT / "dictionaries")
CASES = json.loads((ROOT / "tests" / "cases" / "mastheads.json").read_text(encoding="utf-8"))

DRAFT = dict(
    symbol="A/C.3/80/L.26", organ="General Assembly", job="25-17101",
    right=["Distr.: Limited", "29 October 2025", "Original: English"],
    left=["Eightieth session", "Third Committee", "Agenda item 70", "Rights of the child"],
    head=[runs("Austria, Egypt,", ("sup", "*"), " Jordan, Trinidad and Tobago and Peru: draft resolution"),
          [("bold", 12.0, 0.0, "Rights of the child in the digital environment")]],
    paragraphs=[
        [runs(("italic", "The General Assembly,"))],
        [runs(("italic", "Recalling"), " the Convention on the Rights of the Child,", ("sup", "1"))],
        [runs(("italic", "Deeply concerned"), " at the risks children face online,")],
        [runs("1.   ", ("italic", "Calls upon"), " all States to protect children in the digital environment;")],
        [runs("2.   ", ("italic", "Decides"), " to continue its consideration of the question.")],
    ],
    closing=[], notes={"*": "On behalf of the States members of the Group of Arab States.",
                       "1": "United Nations, Treaty Series, vol. 1577, No. 27531."},
    notes_low=True,
)

DECISION = dict(
    symbol="A/C.1/80/L.35", organ="General Assembly", job="25-16636",
    right=["Distr.: Limited", "14 October 2025", "Original: English"],
    left=["Eightieth session", "First Committee", "Agenda item 97 (d)",
          "Prevention of an arms race in outer space: reducing space threats"],
    head=[runs("Canada, Germany and Netherlands (Kingdom of the): draft decision"),
          [("bold", 12.0, 0.0, "Reducing space threats through norms")]],
    paragraphs=[
        [runs(("italic", "The General Assembly"), ", recalling its resolution 79/22 of 2 December 2024, decides to"),
         runs("include in the provisional agenda of its eighty-first session the sub-item entitled"),
         runs("\u201cReducing space threats through norms\u201d.")],
    ],
    closing=[], notes={},
)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drafts")
    out = {}
    for name, form in (("draft", DRAFT), ("decision", DECISION)):
        path = folder / f"{name}.pdf"
        path.write_bytes(un_pdf(**form))
        out[name] = stages.process(path, SETTINGS)[0]
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_masthead_grammar(case):
    head = masthead.read(case["lines"])
    for key, want in case["expect"].items():
        got = {"title": head.title, "body": head.body, "number": head.number or head.facts.get("number")}[key] \
            if key in ("title", "body", "number") else head.facts.get(key)
        assert got == want, key


def test_a_draft_gives_its_sponsors_notes_and_agenda(pdfs):
    doc = pdfs["draft"]
    assert (doc["symbol"], doc["document_type"], doc["title"]) == (
        "A/C.3/80/L.26", "draft resolution", "Rights of the child in the digital environment")
    assert doc["sponsors"] == ["Austria", "Egypt", "Jordan", "Trinidad and Tobago", "Peru"]
    assert doc["sponsor_notes"] == [{"sponsor": "Egypt", "num": "*"}]
    assert doc["agenda_items"] == [{"num": "70", "title": "Rights of the child"}]
    assert doc["header"]["committee"] == "Third Committee"
    notes = {f["num"]: f for f in doc["footnotes"]}
    assert sorted(notes) == ["*", "1"] and all(f["anchored"] for f in notes.values())
    assert notes["*"]["text"] == "On behalf of the States members of the Group of Arab States."


def test_the_job_number_under_the_notes_is_furniture(pdfs):
    doc = pdfs["draft"]
    texts = [p["text"] for p in doc["preamble"] + doc["operative"]] + [f["text"] for f in doc["footnotes"]]
    assert not [t for t in texts if "25-17101" in t or "2517101" in t]
    assert [p["num"] for p in doc["operative"]] == ["1", "2"] and len(doc["preamble"]) == 2
    assert {f["num"]: f["text"] for f in doc["footnotes"]}["1"] == "United Nations, Treaty Series, vol. 1577, No. 27531."


def test_a_decision_in_one_sentence_is_an_unnumbered_operative_paragraph(pdfs):
    doc = pdfs["decision"]
    assert doc["document_type"] == "draft decision" and doc["preamble"] == []
    assert doc["formula"] == "The General Assembly,"
    assert [p["num"] for p in doc["operative"]] == [None]
    assert doc["operative"][0]["text"].startswith("recalling its resolution 79/22")
    assert doc["sponsors"] == ["Canada", "Germany", "Netherlands (Kingdom of the)"]
    xml = akn.export_bytes(doc).xml
    assert akn.validate(xml) == [] and b'statement name="draftDecision"' in xml


def test_a_draft_in_akn_carries_sponsors_and_their_note(pdfs):
    xml = akn.export_bytes(pdfs["draft"]).xml
    assert akn.validate(xml) == []
    assert b'<inline name="sponsor">Egypt</inline><authorialNote marker="*"' in xml
    assert b"<docType>draft resolution</docType>" in xml
    assert b"<i>Deeply concerned</i>" in xml
    md = output.render_markdown(pdfs["draft"])
    assert "Egypt[^\\*]" in md or "Egypt[^*]" in md
    assert "*Deeply concerned* at the risks" in md


def clean_text(tmp_path, text: str) -> dict:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return stages.process(path, SETTINGS)[0]


AMENDMENT = """United Nations A/80/L.32
General Assembly Distr.: Limited
8 December 2025
Original: English
Eightieth session
Agenda item 72 (a)
Strengthening of the coordination of humanitarian assistance

United States of America:* amendment to draft resolution A/80/L.25

Strengthening of the coordination of emergency humanitarian assistance

In operative paragraph 69, replace \u201csexual and reproductive\u201d with \u201cemergency\u201d.

In operative paragraph 70, delete \u201cand reproductive\u201d.
"""


def test_an_amendment_names_the_draft_it_amends(tmp_path):
    doc = clean_text(tmp_path, AMENDMENT)
    assert (doc["document_type"], doc["amends"], doc["sponsors"]) == ("amendment", "A/80/L.25", ["United States of America"])
    assert doc["title"] == "Strengthening of the coordination of emergency humanitarian assistance"
    assert [p["num"] for p in doc["operative"]] == [None, None]
    assert doc["operative"][1]["text"] == "In operative paragraph 70, delete \u201cand reproductive\u201d."
    assert doc["preamble"] == [] and doc["formula"] is None
    assert b"enactingFormula" not in akn.export_bytes(doc).xml  # no formula is made up for a draft


RESOLUTION_WITH_ANNEX = """80/99. Programme of the Decade

The General Assembly,

Recalling its resolution 79/1,

1. Adopts the programme of the Decade, as contained in the annex to the present resolution;

2. Decides to review the programme at its eighty-fifth session.

70th plenary meeting
19 December 2025

Annex

Programme of the Decade

I. Objectives

1. The Decade aims to promote the following:

(a) Cooperation among States;

(b) Exchange of good practices.

2. States are invited to report on their progress.
"""


def test_an_annex_ends_the_operative_paragraphs(tmp_path):
    doc = clean_text(tmp_path, RESOLUTION_WITH_ANNEX)
    assert [p["num"] for p in doc["operative"]] == ["1", "2"]
    assert doc["closing"]["text"] == "70th plenary meeting 19 December 2025"
    (annex,) = doc["annexes"]
    assert (annex["heading"], annex["title"]) == ("Annex", "Programme of the Decade")
    assert [(p["num"], p["text"][:20]) for p in annex["paragraphs"]] == [
        ("I", "Objectives"), ("1", "The Decade aims to p"), ("2", "States are invited t")]
    assert [i["num"] for i in annex["paragraphs"][1]["items"]] == ["(a)", "(b)"]
    md = output.render_markdown(doc)
    assert "## Annex" in md and "### Programme of the Decade" in md
    xml = akn.export_bytes(doc).xml
    assert akn.validate(xml) == [] and b'<doc name="annex">' in xml
    assert akn.comparable(akn.read_back(xml)) == akn.canonical_view(doc)


DECLARATION = """73/3. Political declaration on tuberculosis

The General Assembly

Adopts the following political declaration approved by the high-level meeting
on 26 September 2018:

Political declaration on tuberculosis

We, Heads of State and Government, assembled at the United Nations, commit to end the epidemic:

1. Reaffirm the 2030 Agenda for Sustainable Development;

2. Commit to provide leadership.

18th plenary meeting
10 October 2018
"""


def test_a_declaration_the_resolution_adopts_is_its_annex(tmp_path):
    doc = clean_text(tmp_path, DECLARATION)
    assert [(p["num"], p["text"][:40]) for p in doc["operative"]] == [
        (None, "Adopts the following political declarati")]
    (annex,) = doc["annexes"]
    assert annex["heading"] is None and annex["title"] == "Political declaration on tuberculosis"
    assert [p["num"] for p in annex["paragraphs"]] == [None, "1", "2"]
    assert doc["closing"]["meeting"] == "18th plenary meeting"


PROGRAMME = dict(
    symbol="A/C.3/80/L.1", organ="General Assembly", job="25-14215",
    right=["Distr.: Limited", "4 September 2025", "Original: English"],
    left=["Eightieth session", "Third Committee"],
    head=[[("bold", 12.0, 0.0, "Organization of the work of the Third Committee")],
          runs("Note by the Secretariat")],
    paragraphs=[
        [runs("1.   The draft programme of work is annexed to the present note.")],
        [runs("Annex")],
        [runs("Draft programme of work")],
        [runs("Friday, 3 October"),
         [("regular", 10.0, 0.0, "10 a.m."), ("regular", 10.0, 0.0, " " * 30), ("regular", 10.0, 0.0, "Organizational matters")],
         [("regular", 10.0, 0.0, "3 p.m."), ("regular", 10.0, 0.0, " " * 32), ("regular", 10.0, 0.0, "General debate")],
         runs("Monday, 6 October")],
    ],
    closing=[], notes={},
)


def test_a_table_keeps_its_rows_in_reading_order(tmp_path):
    path = tmp_path / "programme.pdf"
    path.write_bytes(un_pdf(**PROGRAMME))
    doc = stages.process(path, SETTINGS)[0]
    assert doc["document_type"] == "other" and [p["num"] for p in doc["operative"]] == ["1"]
    (annex,) = doc["annexes"]
    table = annex["paragraphs"][-1]["text"]
    assert table.split("\n") == ["Friday, 3 October", "10 a.m. Organizational matters", "3 p.m. General debate",
                                 "Monday, 6 October"]
    assert "10 a.m.\\\n" not in output.render_markdown(doc) and "Organizational matters\\\n3 p.m." in output.render_markdown(doc)

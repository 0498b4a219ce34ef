"""The Security Council, the Human Rights Council and the Economic and Social Council, in their printed forms.

Each case is a PDF laid out as the organ prints its resolutions (masthead, the
Council's own adoption line or closing, italic openers, a footnote, page
furniture), built in the test by ``tests/unforms.py``; the pipeline must give
symbol, organ, number, title, date, meeting and paragraphs, each in its field.
"""
from __future__ import annotations

import pytest

from conftest import ROOT
from pipeline.export import akn, canonical as output
from pipeline.run import stages
from pipeline.settings import Settings
from unforms import runs, un_pdf

SETTINGS = Settings(dictionaries_dir=ROOT / "dictionaries")

SECURITY_COUNCIL = dict(
    symbol="S/RES/2719 (2023)", organ="Security Council", job="23-26071", running="S/RES/2719 (2023)",
    right=["Distr.: General", "21 December 2023"],
    left=[],
    head=[[("bold", 12.0, 0.0, "Resolution 2719 (2023)")],
          runs("Adopted by the Security Council at its 9518th meeting, on 21 December 2023")],
    paragraphs=[
        [runs(("italic", "The Security Council,"))],
        [runs(("italic", "Recalling"), " its primary responsibility under the Charter of the United Nations for the"),
         runs("maintenance of international peace and security,")],
        [runs(("italic", "Reaffirming"), " its resolutions on cooperation with regional organizations, in particular"),
         runs("resolution 2320 (2016),", ("sup", "1"), " and the report of the Secretary-General on the matter,")],
        [runs(("italic", "Noting with appreciation"), " the contribution of the African Union to peace and security,")],
        [runs("1.   ", ("italic", "Decides"), " that African Union-led peace support operations may be authorized on a"),
         runs("case-by-case basis, in accordance with the present resolution;")],
        [runs("2.   ", ("italic", "Requests"), " the Secretary-General to report to the Council on the implementation of"),
         runs("the present resolution within twelve months;")],
        [runs("3.   ", ("italic", "Decides"), " to remain actively seized of the matter.")],
    ],
    closing=[], notes={"1": "See S/2016/1012."},
)

HUMAN_RIGHTS_COUNCIL = dict(
    symbol="A/HRC/RES/55/1", organ="General Assembly", job="24-06143", running="A/HRC/RES/55/1",
    right=["Distr.: General", "10 April 2024", "Original: English"],
    left=["Human Rights Council", "Fifty-fifth session", "26 February-5 April 2024", "Agenda item 2",
          "Annual report of the United Nations High Commissioner for Human Rights"],
    head=[runs("Resolution adopted by the Human Rights Council on 3 April 2024"),
          [("bold", 12.0, 0.0, "55/1.   Promotion of the right to development")]],
    paragraphs=[
        [runs(("italic", "The Human Rights Council,"))],
        [runs(("italic", "Guided"), " by the purposes and principles of the Charter of the United Nations,")],
        [runs(("italic", "Recalling"), " the Declaration on the Right to Development,", ("sup", "1"),
              " adopted by the General Assembly in"), runs("its resolution 41/128 of 4 December 1986,")],
        [runs("1.   ", ("italic", "Welcomes"), " the report of the Secretary-General and the High Commissioner;")],
        [runs("2.   ", ("italic", "Requests"), " the High Commissioner to submit a report to the Council at its"),
         runs("fifty-eighth session;")],
        [runs("3.   ", ("italic", "Decides"), " to continue its consideration of the matter.")],
    ],
    closing=["52nd meeting", "3 April 2024", "[Adopted without a vote.]"],
    notes={"1": "Resolution 41/128, annex."},
)

ECONOMIC_AND_SOCIAL_COUNCIL = dict(
    symbol="E/RES/2024/5", organ="Economic and Social Council", job="24-10377", running="E/RES/2024/5",
    right=["Distr.: General", "10 June 2024"],
    left=["2024 session", "27 July 2023-24 July 2024", "Agenda item 12 (a)",
          "Coordination, programme and other questions: reports of coordination bodies"],
    head=[runs("Resolution adopted by the Economic and Social Council on 5 June 2024"),
          runs("[on the recommendation of the Committee for Programme and Coordination (E/2024/L.9)]"),
          [("bold", 12.0, 0.0, "2024/5.   Report of the Committee for Programme and Coordination")]],
    paragraphs=[
        [runs(("italic", "The Economic and Social Council,"))],
        [runs(("italic", "Recalling"), " its resolution 2008/13 of 23 July 2008 and the report of the Committee,",
              ("sup", "1"))],
        [runs(("italic", "Having considered"), " the report of the Committee on its sixty-fourth session,")],
        [runs("1.   ", ("italic", "Takes note"), " of the report of the Committee for Programme and Coordination;")],
        [runs("2.   ", ("italic", "Endorses"), " the conclusions and recommendations of the Committee.")],
    ],
    closing=["15th plenary meeting", "5 June 2024"],
    notes={"1": "E/2024/16."},
)

FORMS = {"security-council": SECURITY_COUNCIL, "human-rights-council": HUMAN_RIGHTS_COUNCIL,
         "ecosoc": ECONOMIC_AND_SOCIAL_COUNCIL}

EXPECTED = {
    "security-council": dict(symbol="S/RES/2719 (2023)", organ="Security Council", number="2719 (2023)", title=None,
                             date="2023-12-21", meeting="9518th meeting", preamble=3, operative=3),
    "human-rights-council": dict(symbol="A/HRC/RES/55/1", organ="Human Rights Council", number="55/1",
                                 title="Promotion of the right to development", date="2024-04-03",
                                 meeting="52nd meeting", preamble=2, operative=3),
    "ecosoc": dict(symbol="E/RES/2024/5", organ="Economic and Social Council", number="2024/5",
                   title="Report of the Committee for Programme and Coordination", date="2024-06-05",
                   meeting="15th plenary meeting", preamble=2, operative=2),
}


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    folder = tmp_path_factory.mktemp("organs")
    out = {}
    for name, form in FORMS.items():
        path = folder / f"{name}.pdf"
        path.write_bytes(un_pdf(**form))
        out[name] = stages.process(path, SETTINGS)[0]
    return out


@pytest.mark.parametrize("name", sorted(FORMS))
def test_each_masthead_fact_goes_to_its_field(cleaned, name):
    doc, want = cleaned[name], EXPECTED[name]
    assert (doc["symbol"], doc["organ"], doc["number"], doc["title"], doc["date"]) == (
        want["symbol"], want["organ"], want["number"], want["title"], want["date"])
    assert doc["document_type"] == "resolution"
    assert doc["closing"]["meeting"] == want["meeting"] and doc["closing"]["date"] == want["date"]


@pytest.mark.parametrize("name", sorted(FORMS))
def test_paragraphs_hold_the_text_and_nothing_of_the_page(cleaned, name):
    doc, want, form = cleaned[name], EXPECTED[name], FORMS[name]
    assert len(doc["preamble"]) == want["preamble"]
    assert [p["num"] for p in doc["operative"]] == [str(i) for i in range(1, want["operative"] + 1)]
    texts = [p["text"] for p in doc["preamble"] + doc["operative"]] + [f["text"] for f in doc["footnotes"]]
    furniture = [form["symbol"], form["job"], form["job"].replace("-", ""), "Distr.", "Adopted by the", "meeting",
                 "Resolution adopted", *form["right"], *form["left"][:-1], *form["closing"]]
    assert not [(t, f) for t in texts for f in furniture if f in t]
    assert all(f["anchored"] for f in doc["footnotes"]) and len(doc["footnotes"]) == 1
    assert doc["operative"][-1]["text"].endswith(".")


@pytest.mark.parametrize("name", sorted(FORMS))
def test_italic_openers_are_spans_in_json_markdown_and_akn(cleaned, name):
    doc = cleaned[name]
    first = doc["preamble"][0]
    span = first["spans"][0]
    opener = first["text"][span["offset"]:span["offset"] + span["length"]]
    assert span["offset"] == 0 and span["style"] == "italic" and opener.split()[0] == first["text"].split()[0]
    assert f"*{opener}*" in output.render_markdown(doc)
    xml = akn.export_bytes(doc).xml
    assert akn.validate(xml) == []
    assert f"<i>{opener}</i>".encode() in xml
    assert akn.comparable(akn.read_back(xml)) == akn.canonical_view(doc)


def test_each_council_speaks_in_its_own_name(cleaned):
    hrc, ecosoc = cleaned["human-rights-council"], cleaned["ecosoc"]
    assert hrc["header"]["session"] == "Fifty-fifth session" and hrc["agenda_items"][0]["num"] == "2"
    assert ecosoc["header"]["session"] == "2024 session" and ecosoc["agenda_items"][0]["num"] == "12 (a)"
    assert ecosoc["header"]["committee_report"] == "E/2024/L.9"
    assert b'name="resolution"' in akn.export_bytes(cleaned["security-council"]).xml

"""A poor scan's masthead reads as the born-digital one: the emblem's scraps are furniture, the misread symbol repaired.

The word lists in tests/data/mastheads are Tesseract's reading of the top of real scanned first
pages (bench/scan_families.py: clean 300 dpi, typewriter re-set, eroded, turned 180 degrees), cut
below the first paragraphs: the emblem read as "( Ns SZ \\) a 4", the symbol as "Avres/73/3",
"A\\/RES/73/3", "AvrREs/73/6", "AvrReEs/73/7".
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SETTINGS, poor_scan_page
from pipeline import masthead
from pipeline import rules as R
from pipeline.extract.layout_pdf import build_lines, layout_document
from pipeline.extract.ocr.graphics import masthead_scraps
from pipeline.extract.ocr.layout import page_layout_from_ocr
from pipeline.model import Extracted, Source
from pipeline.repair.engine import RepairContext
from pipeline.repair.masthead_symbol import candidates, repair_masthead_symbol, session_number
from pipeline.run import stages
from pipeline.worktext import WorkText

DATA = Path(__file__).parent / "data" / "mastheads"
# What the born-digital PDFs give (the pipeline's output of /work/shared/corpus/un-pdfs).
BORN = {
    "clean300-A_RES_73_3": ("A/RES/73/3", "2018-10-10", "Political declaration of the high-level meeting of the "
                            "General Assembly on the fight against tuberculosis"),
    "typewriter-A_RES_73_3": ("A/RES/73/3", "2018-10-10", "Political declaration of the high-level meeting of the "
                              "General Assembly on the fight against tuberculosis"),
    "turned180-A_RES_73_7": ("A/RES/73/7", "2018-10-29", "Report of the International Criminal Court"),
    # eroded large type: the top of "General" was taken for a raised marker "1"
    "eroded-A_RES_73_6": ("A/RES/73/6", "2018-10-26", "Fiftieth anniversary of the first United Nations Conference "
                          "on the Exploration and Peaceful Uses of Outer Space: space as a driver of sustainable "
                          "development"),
}


def _record(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _layout(rec: dict):
    w, h = rec["size_px"]
    return page_layout_from_ocr(1, rec["data"], rec["analysis"], rec["dpi"], w, h, None)


def _clean(name: str, drop: set[int] = frozenset()) -> dict:
    """The page's words (less ``drop``) through layout, repair and structure, as a scanned PDF's are."""
    rec = _record(name)
    if drop:
        keep = [i for i in range(len(rec["data"]["text"])) if i not in drop]
        rec["data"] = {k: [v[i] for i in keep] for k, v in rec["data"].items()}
        rec["analysis"]["markers"] = []
    pages, meta = layout_document([_layout(rec)])
    doc = Extracted(doc_id=name, source=Source(path=f"{name}.pdf", sha256="0" * 64, kind="scanned-pdf", pages=1),
                    pages=pages, meta=meta)
    work = stages.repair(doc, SETTINGS, {})
    return stages.build(work, doc)


@pytest.mark.parametrize("name", ["clean300-A_RES_73_3", "eroded-A_RES_73_6", "turned180-A_RES_73_7"])
def test_the_emblems_scraps_are_found_and_no_masthead_word_is(name):
    rec = _record(name)
    data = rec["data"]
    scraps = masthead_scraps(data, *rec["size_px"])
    found = {data["text"][i] for i in scraps}
    assert found and found <= {"(", "Ns", "SZ", "\\)", "a", "4", "=", "ff", "Mt", "iy", "SSE", "Y"}
    kept = {data["text"][i] for i in range(len(data["text"])) if i not in scraps}
    assert {"United", "Nations", "General", "Assembly", "Distr.:", "October", "2018"} <= kept
    assert any("/73/" in t for t in kept)  # the misread symbol is evidence, never a scrap


def test_a_clean_masthead_has_no_scraps():
    rec = _record("typewriter-A_RES_73_3")
    assert masthead_scraps(rec["data"], *rec["size_px"]) == {}


def test_the_scraps_go_on_a_furniture_line_of_their_own():
    lines = build_lines(_layout(_record("clean300-A_RES_73_3")))
    graphic = [ln for ln in lines if ln.zone == "graphic"]
    assert len(graphic) == 1 and set(graphic[0].text.split()) == {"(", "Ns", "SZ", "\\)", "a", "4"}
    texts = [ln.text for ln in lines if ln.zone != "graphic"]
    assert "General Assembly" in texts and "Distr.: General" in texts and "18 October 2018" in texts


@pytest.mark.parametrize("name", sorted(BORN))
def test_symbol_date_and_title_come_out_as_from_the_born_digital_pdf(name):
    doc = _clean(name)
    assert (doc["symbol"], doc["date"], doc["title"]) == BORN[name]
    assert doc["header"]["session"] == "Seventy-third session"
    removed = [c for c in doc["corrections"] if c["rule"] == R.FURNITURE and c["info"]["kind"] == "graphic-zone"]
    assert all(c["status"] != "suggested" for c in removed)  # logged, every one
    if name != "typewriter-A_RES_73_3":
        assert removed


def test_the_symbol_repair_is_logged_with_its_evidence():
    doc = _clean("clean300-A_RES_73_3")
    (fix,) = [c for c in doc["corrections"] if c["rule"] == R.MASTHEAD_SYMBOL]
    assert (fix["before"], fix["after"], fix["status"]) == ("Avres/73/3", "A/RES/73/3", "applied")
    assert "number 73/3 before the title" in fix["info"]["evidence"]


def test_a_symbol_whose_code_letters_were_changed_is_flagged():
    doc = _clean("turned180-A_RES_73_7")
    (fix,) = [c for c in doc["corrections"] if c["rule"] == R.MASTHEAD_SYMBOL]
    assert fix["before"] == "AvrReEs/73/7" and fix["status"] == "flagged"


def _work(lines: list[str]) -> WorkText:
    from pipeline.model import Line, Page

    doc = Extracted(doc_id="t", source=Source(path="t.pdf", sha256="0" * 64, kind="scanned-pdf"),
                    pages=[Page(number=1, lines=[Line(text=t) for t in lines])])
    return WorkText.from_extracted(doc)


HEAD = ["United Nations", "Avres/73/3", "General Assembly", "Distr.: General", "18 October 2018",
        "Seventy-third session", "Agenda item 129", "Resolution adopted by the General Assembly on 10 October 2018"]


def test_the_symbol_is_repaired_with_the_body_number_as_evidence():
    (p,) = repair_masthead_symbol(_work(HEAD + ["73/3. Political declaration", "The General Assembly,"]),
                                  RepairContext(source_kind="scanned-pdf"))
    assert p.after == "A/RES/73/3" and p.confidence >= 0.9


def test_no_symbol_is_invented_without_evidence():
    """No title number, no running head: the candidate is only suggested (the text keeps what OCR read)."""
    (p,) = repair_masthead_symbol(_work(HEAD + ["The General Assembly,"]), RepairContext(source_kind="scanned-pdf"))
    assert p.confidence < 0.6 and "why_not_applied" in p.info


def test_a_cited_number_opening_a_body_line_is_no_evidence():
    body = ["The General Assembly,", "Recalling its resolution", "72/3 of 30 October 2017 and all its resolutions,"]
    (p,) = repair_masthead_symbol(_work(HEAD + body), RepairContext(source_kind="scanned-pdf"))
    assert p.confidence < 0.6


def test_a_symbol_the_title_number_contradicts_is_left_alone():
    assert repair_masthead_symbol(_work(HEAD + ["73/4. Political declaration", "The General Assembly,"]),
                                  RepairContext(source_kind="scanned-pdf")) == []


def test_an_exact_text_layer_is_never_repaired():
    assert repair_masthead_symbol(_work(HEAD + ["73/3. Political declaration"]), RepairContext(source_kind="pdf")) == []


@pytest.mark.parametrize("read", ["United Nations A res.79 123", "United Nations A RES 79 123"])
def test_a_symbol_read_in_pieces_is_joined_with_the_title_number_as_evidence(read):
    """A light photocopy (scan_bench bilevel_thin A/RES/79/123): the large "A" read as a word of its own and
    the small code's slashes lost ("A res.79 123"); the number before the title confirms the pieces."""
    head = [read, "General Assembly", "Distr.: General", "12 December 2024", "Seventy-ninth session",
            "Agenda item 73", "Resolution adopted by the General Assembly on 4 December 2024"]
    (p,) = repair_masthead_symbol(_work(head + ["79/123. Armed conflict", "The General Assembly,"]),
                                  RepairContext(source_kind="scanned-pdf"))
    assert (p.after, p.info["read"], p.info["how"]) == ("A/RES/79/123", read[len("United Nations "):], "read in pieces")
    assert p.confidence >= 0.85
    assert repair_masthead_symbol(_work(head + ["79/124. Armed conflict", "The General Assembly,"]),
                                  RepairContext(source_kind="scanned-pdf")) == []  # the title's number disagrees


def test_a_series_lost_is_restored_only_with_the_organ_and_flagged():
    head = ["RES/73/3"] + HEAD[2:] + ["73/3. Political declaration", "The General Assembly,"]
    (p,) = repair_masthead_symbol(_work(head), RepairContext(source_kind="scanned-pdf"))
    assert p.after == "A/RES/73/3" and 0.6 <= p.confidence < 0.9


@pytest.mark.parametrize("read, want", [
    ("Avres/73/3", "A/RES/73/3"), ("A\\/RES/73/3", "A/RES/73/3"), ("AlRES/80/37", "A/RES/80/37"),
    ("AIRES/79/16", "A/RES/79/16"), ("AvrREs/73/6", "A/RES/73/6"),
    ("A.RES/78/260", "A/RES/78/260"), ("A,RES/79/16", "A/RES/79/16"),  # bilevel200: a broken slash read as a stop
    ("AV/RES/78/61", "A/RES/78/61"),  # typewriter_poor: the slash read twice, as a "V" and as itself
])
def test_symbol_candidates_from_known_confusions(read, want):
    assert candidates(read)[0][0] == want


@pytest.mark.parametrize("read", ["A/RES/73/3", "73/3", "Assembly", "A/C.3/80/L.26", "2018"])
def test_what_is_no_misread_symbol_gives_no_candidate(read):
    assert candidates(read) == []


DRAFT_HEAD = ["United Nations", "{read}", "General Assembly", "Distr.: Limited", "10 October 2025",
              "Original: English", ". Eightieth session", "{committee}", "Agenda item 99", "General and complete disarmament"]


@pytest.mark.parametrize("read, committee, want, conf", [
    ("Aso/L.16", "", "A/80/L.16", 0.75),                       # clean300 A/80/L.16: the small "/80" read "so"
    ("Avc.180/L.12", "First Committee", "A/C.1/80/L.12", 0.75),  # bilevel200: a slash read "v", one lost
    ("AVC.6/80/L.9", "Sixth Committee", "A/C.6/80/L.9", 0.85),   # sans_poor
    ("A/c.4/80/L.5", "Special Political and Decolonization Committee", "A/C.4/80/L.5", 0.85),  # typewriter_poor
    ("Avsor..32", "", "A/80/L.32", 0.65), ("Aveot.1", "", "A/80/L.1", 0.65),  # all of "/80/L" misread
    ("Avs 42", "", "A/80/L.42", 0.65), ("Avswy L5", "", "A/80/L.5", 0.65),  # fax: read in two pieces
    ("A/80/L5", "", "A/80/L.5", 0.85),  # the stop lost
    ("A\\/c.1/80/L-.22", "First Committee", "A/C.1/80/L.22", 0.85),  # typewriter_poor: a slash read twice, a dash
    ("Avc.1/80/L.42*", "First Committee", "A/C.1/80/L.42", 0.85),    # bilevel200: the sponsors' mark after it
    ("A/c.1/80/L. 42*", "First Committee", "A/C.1/80/L.42", 0.85),   # typewriter_poor: and a space
    ("Ace 1/80/L 24", "First Committee", "A/C.1/80/L.24", 0.75),     # fax: three pieces
])
def test_a_draft_s_misread_symbol_is_rebuilt_from_its_session_and_committee_and_flagged(read, committee, want, conf):
    """Drafts scanned (bench/scan_bench.py --corpus un-drafts): their masthead symbols came out null or with a
    small "c".  The session, the committee and "Distr.: Limited" give all but the draft's number, which OCR read;
    nothing on the page confirms that number, so the repair is flagged, never applied silently."""
    lines = [t.format(read=read, committee=committee) for t in DRAFT_HEAD]
    (p,) = repair_masthead_symbol(_work([t for t in lines if t]), RepairContext(source_kind="scanned-pdf"))
    assert (p.after, p.confidence) == (want, conf) and p.info["how"] == "a draft's symbol misread"


def test_a_draft_whose_distribution_colon_was_misread_still_has_its_symbol_rebuilt():
    """typewriter_poor A/C.1/80/L.6 (scan_bench --corpus un-drafts): "Distr.! Limited" was no distribution line
    and "Eaghtieth session" no session, so nothing said the page was a draft of the eightieth session, and its misread symbol "A/c.1/80/kL.6" stood as the document's."""
    lines = [t.format(read="A/c.1/80/kL.6", committee="First Committee").replace("Distr.:", "Distr.!")
             .replace("Eightieth", "Eaghtieth") for t in DRAFT_HEAD]  # and its session's ordinal misread
    (p,) = repair_masthead_symbol(_work(lines), RepairContext(source_kind="scanned-pdf"))
    assert (p.after, p.confidence) == ("A/C.1/80/L.6", 0.85)


def test_a_speck_read_as_a_quote_before_the_session_word_leaves_the_session():
    """typewriter_poor A/C.1/80/L.35: "Eightieth ‘session" and "Distr.: ‘Limited" (specks read as quotes)."""
    lines = [t.format(read="A/c.1/80/L.35", committee="First Committee").replace("Eightieth session", "Eightieth ‘session")
             .replace(": Limited", ": ‘Limited") for t in DRAFT_HEAD]
    (p,) = repair_masthead_symbol(_work(lines), RepairContext(source_kind="scanned-pdf"))
    assert p.after == "A/C.1/80/L.35"


@pytest.mark.parametrize("distr, session, read, want", [
    ("Limited", "Eightieth session", "Ax 1/80/L.35", "A/C.1/80/L.35"),      # fax: "Distr.:" lost, "Limited" alone
    ("Distr.: Limited", "Eightieth. session", "A\\sort.32", "A/C.1/80/L.32"),  # sans_poor: a stop after the ordinal
    ("Distr’ Limited", "Eightieth session", "Avsoit 42", "A/C.1/80/L.42"),  # sans_poor: the colon read as a quote
])
def test_a_draft_s_evidence_as_a_scan_garbles_it(distr, session, read, want):
    lines = [t.format(read=read, committee="First Committee").replace("Distr.: Limited", distr)
             .replace("Eightieth session", session) for t in DRAFT_HEAD]
    (p,) = repair_masthead_symbol(_work(lines), RepairContext(source_kind="scanned-pdf"))
    assert p.after == want


def test_a_draft_s_agenda_item_misread_and_a_speck_after_its_title():
    """bilevel200 A/C.1/80/L.47: "Agenda 1tem 99 (g)" was no agenda line, so the agenda title, the sponsors and the
    title were read as one title; A/C.1/80/L.35: "... of responsible behaviours ." kept its speck."""
    d = masthead.read(["A/C.1/80/L.47", "First Committee", "Agenda 1tem 99 (g)",
                       "General and complete disarmament: transparency in armaments",
                       "Albania and Japan: draft resolution", "Transparency in armaments .", "The General Assembly,",
                       "Recalling ..."])
    assert d.facts["agenda_item"] == "99 (g)" and d.title.startswith("Transparency in armaments")
    assert masthead.without_specks(d.title) == "Transparency in armaments"  # the structure stage's title
    assert masthead.without_specks("Programme budget for 2024.") == "Programme budget for 2024."  # its own stop stays


@pytest.mark.parametrize("read, distr", [
    ("A/79/L.16", "Limited"),   # digits read that the session contradicts
    ("Aso/L.16", "General"),    # no draft: "Distr.: General"
    ("Apo/L.", "Limited"),      # the draft's number lost: nothing to rebuild it from
    ("A/80/L.16", "Limited"),   # reads well
    ("Annex.2", "Limited"),     # a word, no symbol
    ("Agenda 21", "Limited"),   # words on a line of two pieces
    ("Annex 2", "Limited"),
    ("Agenda item 94", "Limited"),  # three pieces: a line of words, the committee's long head notwithstanding
    ("Agenda.item 94", "Limited"),  # words with a speck between them
])
def test_a_draft_symbol_is_not_rebuilt_against_or_without_evidence(read, distr):
    lines = [t.format(read=read, committee="First Committee").replace("Limited", distr) for t in DRAFT_HEAD]
    assert repair_masthead_symbol(_work([t for t in lines if t]), RepairContext(source_kind="scanned-pdf")) in ([], None)


def test_session_numbers():
    assert [session_number(w) for w in ("Seventy-third", "Eightieth", "Fifth", "Twelfth", "Soon")] == [73, 80, 5, 12, None]
    # a long ordinal with one letter misread, when no other is as near; short ones and "Seventy" stay unread
    assert [session_number(w) for w in ("Eaghtieth", "Seventy-thirc", "Sixtietn", "Seventy", "Fiftn")] == [80, 73, 60, None, None]
    assert session_number("Kighticth") == 80  # a fax: two letters of nine misread, no other ordinal as near


def test_a_short_unread_line_between_masthead_lines_does_not_start_the_title():
    """noise_blur: "Distr.: General" read "Ses ise" at confidence 6 and 8."""
    h = masthead.read(["Ses ise", "General Assembly", "22 December 2023", "Seventy-eighth session",
                       "Resolution adopted by the General Assembly on 19 December 2023",
                       "78/204. National human rights institutions", "The General Assembly,", "Recalling ..."])
    assert h.title == "National human rights institutions" and h.facts["adopted"] == "2023-12-19"


@pytest.mark.parametrize("line", ["Distr: General", "Distr.:1 General", "Distr.: General", "Distr Limited",  # a fax lost both stops
                                  "Distr.! Limited", "Distr.| General"])  # a colon's dots joined (typewriter_poor A/C.1/80/L.6)
def test_the_distribution_line_as_a_scan_reads_it(line):
    assert masthead.fact_role(line) == "distribution"


def test_a_speck_before_the_title_number_is_no_part_of_the_title():
    """typewriter_poor: ". 73/8. Necessity of ending ..." (a speck read as a full stop)."""
    h = masthead.read(["General Assembly", "Distr.: General", "Resolution adopted by the General Assembly on 1 November 2018",
                       ". 73/8. Necessity of ending the embargo", "The General Assembly,", "Recalling ..."])
    assert (h.number, h.title) == ("73/8", "Necessity of ending the embargo")


@pytest.mark.parametrize("speck", [".", " .", ",", "*"])
def test_a_speck_after_the_title_is_no_part_of_the_title(speck):
    """bilevel200 A/RES/78/184 (seed 16): "78/184. Office of the ... for Refugees." (a speck read as a full stop)."""
    h = masthead.read(["General Assembly", "Distr.: General", "Resolution adopted by the General Assembly on 19 December 2023",
                       f"78/184. Office of the United Nations High Commissioner for Refugees{speck}", "The General Assembly,",
                       "Recalling ..."])
    assert (h.number, h.title) == ("78/184", "Office of the United Nations High Commissioner for Refugees")


def test_an_agenda_title_after_a_gap_is_the_agenda_title_not_the_resolutions():
    """typewriter (double spacing): "Agenda item 134", a gap, its title, then "Resolution adopted by"."""
    h = masthead.read(["General Assembly", "Seventy-eighth session", "Agenda item 134", "", "Proposed programme budget",
                       "for 2024", "", "Resolution adopted by the General Assembly on 22 December 2023",
                       "78/252. Questions relating to the budget", "The General Assembly,", "Recalling ..."])
    assert h.facts["agenda_title"] == "Proposed programme budget for 2024"
    assert h.title == "Questions relating to the budget"
    # a draft's sponsors after the gap are no agenda title: no "adopted" line follows them
    d = masthead.read(["A/C.3/80/L.26", "Agenda item 68", "", "Egypt and Peru: draft resolution", "",
                       "Rights of the child", "", "The General Assembly,", "Recalling ..."])
    assert "agenda_title" not in d.facts and d.facts["sponsors"] == ["Egypt", "Peru"]


def test_a_draft_s_agenda_title_after_a_gap_then_its_sponsors_after_another():
    """typewriter_poor A/C.4/80/L.5 (scan_bench --corpus un-drafts): "Agenda item 59", a gap, its title, a gap,
    the sponsors' statement ending ": draft resolution", a gap, the draft's title.  The agenda title, the
    sponsors and the two-line statement had all been read as the draft's title."""
    d = masthead.read(["A/C.4/80/L.5", "Eightieth session", "(Fourth Committee)", "Agenda item 59", "",
                       "Eradicating colonialism in all its forms and manifestations", "",
                       "Belarus, Bolivia (Plurinational State of), Botswana, China, Cuba and",
                       "State of Palestine: draft resolution", "",
                       "International Day against Colonialism in All Its Forms", "and Manifestations", "",
                       "The General Assembly,", "Reaffirming ..."])
    assert d.facts["agenda_title"] == "Eradicating colonialism in all its forms and manifestations"
    assert d.facts["sponsors"][:2] == ["Belarus", "Bolivia (Plurinational State of)"]
    assert d.title == "International Day against Colonialism in All Its Forms and Manifestations"


@pytest.mark.parametrize("read", ["- Endorsement of the New York Declaration", ". Endorsement of the New York Declaration",
                                  "\u2014 Endorsement of the New York Declaration"])
def test_a_speck_or_dash_before_a_title_is_no_part_of_it(read):
    """sans_poor A/80/L.1 (scan_bench --corpus un-drafts): the title read "- Endorsement of the New York ..."."""
    assert masthead.without_specks(read) == "Endorsement of the New York Declaration"
    assert masthead.without_specks("Financing - of the Force") == "Financing - of the Force"


@pytest.mark.parametrize("mark, sep", [("**", ":"), ("1", ":"), ("3", ":"), ("**", ","), ("**", ";")])
def test_a_draft_s_statement_whose_raised_marker_a_scan_read_as_a_digit_still_ends_it(mark, sep):
    """A/80/L.42 as a fax and a photocopy (scan_bench --corpus un-drafts): "Tajikistan:* draft decision**" read
    "draft decision1" and "draft decision3"; the statement went unseen, the title's last line "General Assembly"
    was taken for the masthead's organ, and the title and the body's first paragraph were lost as masthead.
    sans_poor read its colon as a comma ("Tajikistan,* draft decision**"): the title was lost the same way."""
    d = masthead.read(["A/80/L.42", "Eightieth session", "Agenda item 18", "Sustainable development",
                       f"Tajikistan{sep}* draft decision{mark}", "",
                       "Postponement of the consideration of the modalities of the 2028",
                       "United Nations Water Conference to the eighty-first session of the", "General Assembly",
                       "The General Assembly,", "Recalling its resolutions 71/222 of 21 December 2016,"])
    assert d.facts["document_type"] == "draft decision" and d.facts["sponsors"] == ["Tajikistan"]
    assert d.title == ("Postponement of the consideration of the modalities of the 2028 United Nations Water "
                       "Conference to the eighty-first session of the General Assembly")
    # the digit is no note's number: only a printed marker is kept as one
    assert [n["num"] for n in d.facts.get("marker_notes", []) if n["field"] == "document_type"] == (
        ["**"] if mark == "**" else [])


def test_a_submitted_by_statement_runs_on_after_a_gap_into_a_line_in_lower_case():
    """typewriter_poor A/C.5/80/L.6 (scan_bench --corpus un-drafts): "... the Chair of the Committee following",
    a gap, "informal consultations" (read "anformal"), a gap, the title: that line had been taken for the title's."""
    d = masthead.read(["A/C.5/80/L.6", "Eightieth session", "Fifth Committee", "Agenda item 136",
                       "Proposed programme budget for 2026", "",
                       "Draft resolutions submitted by the Chair of the Committee following", "",
                       "anformal consultations", "", "Programme budget for 2026", "", "The General Assembly,",
                       "Recalling ..."])
    assert d.title == "Programme budget for 2026" and d.facts["document_type"] == "draft resolution"
    t = masthead.read(["A/C.5/80/L.6", "Agenda item 136", "", "Draft resolution submitted by the Chair", "",
                       "Programme budget for 2026", "", "The General Assembly,", "Recalling ..."])
    assert t.title == "Programme budget for 2026"


def test_adopted_on_with_its_date_on_the_next_line():
    h = masthead.read(["General Assembly", "Distr.: General", "31 October 2018", "Seventy-third session",
                       "Resolution adopted by the General Assembly on", "26 October 2018", "73/6. Fiftieth anniversary",
                       "The General Assembly,", "Recalling ..."])
    assert h.facts["adopted"] == "2018-10-26" and h.facts["organ"] == "General Assembly"
    assert h.facts["distribution_date"] == "2018-10-31" and h.title == "Fiftieth anniversary"


# ------------------------------------------------------------------ a fax's masthead (98 lines an inch)
FAX_HEAD = ["General Assembly", "Distr.: General", "22 December 2023", "", "Seventy-eighth session",
            "Agenda item 155", "Financing of the United Nations Multidimensional", "",
            "Resolution adopted by^3 the General Assembly^1", "on 22 December^2 2023", "",
            "[on the report of the Fifth Committee (A/78/647, para. 6)]", "",
            "78/250. Financing of the United Nations Multidimensional Integrated", "' Stabilization Mission in Mali", "",
            "The General Assembly,", "", "Recalling its resolution 67/286 of 28 June 2013,"]


def test_raised_digits_a_fax_glued_to_masthead_words_do_not_hide_the_adoption_date():
    """fax A/RES/78/250 and 78/184 (seed 14): raised ink found on the adoption line's large bold type
    ("adopted by3 the General Assembly1", "on 19 December2 2023"). The text keeps what was read."""
    from pipeline.structure.parts import build_document

    work = poor_scan_page(FAX_HEAD)
    doc = build_document(work, source={"path": "t.pdf", "sha256": "0" * 64, "kind": "scanned-pdf"}, meta={})
    assert doc["date"] == "2023-12-22" and doc["symbol"] == "A/RES/78/250"
    assert doc["title"] == "Financing of the United Nations Multidimensional Integrated Stabilization Mission in Mali"
    assert "adopted by3 the General Assembly1" in work.text


@pytest.mark.parametrize("conf, head, symbol", [
    (0.96, [], "A/RES/78/250"),                # read surely
    (0.83, [], None),                          # read unsurely, nothing agrees
    (0.83, ["Avrusi78/256"], None),            # the masthead's misread symbol says another number (fax 79/45)
    (0.63, ["Aures/78250"], "A/RES/78/250"),   # ... or the same one (photocopy_dark 79/228, "Aures/79228")
])
def test_a_symbol_is_inferred_only_from_a_title_number_read_surely_or_confirmed(conf, head, symbol):
    """fax A/RES/79/45 (--skip 20): its masthead symbol misread past repair ("Avrusi79/45"), the title's number
    read "79/48." at 0.83, and the symbol A/RES/79/48 inferred from it.  A number read unsurely names a
    document only where the masthead's misread symbol ends in its digits; else the symbol stays null."""
    from pipeline.structure.parts import build_document

    lines = ["United Nations"] + head + [(t, 10.0, conf) if t.startswith("78/250.") else t for t in FAX_HEAD]
    doc = build_document(poor_scan_page(lines), source={"path": "t.pdf", "sha256": "0" * 64, "kind": "scanned-pdf"},
                         meta={})
    assert doc["number"] == "78/250" and doc["symbol"] == symbol
    assert doc["header"].get("symbol_inferred") is (True if symbol else None)


def test_a_raised_day_beside_on_is_the_adoption_dates_day():
    """fax A/RES/79/99 (skip 20): "on4 December 2024", the bold day measured against the small "on" and raised."""
    from pipeline.structure.parts import read_head

    lines = [t.replace("on 22 December^2 2023", "on^4 December 2024") for t in FAX_HEAD]
    assert read_head(poor_scan_page(lines))[0].facts["adopted"] == "2024-12-04"


def test_raised_digits_are_read_as_printed_on_a_page_that_is_nopoor_scan_page():
    """Must not change: a text whose page is no poor scan reads its lines as they are."""
    from pipeline.structure.parts import read_head

    work = poor_scan_page(FAX_HEAD)
    for ln in work.lines:
        ln.attrs.pop("poor_scan", None)
    assert "adopted" not in read_head(work)[0].facts


@pytest.mark.parametrize("speck", ["'", "\u2018", ".", "\u2018food"])
def test_a_speck_alone_between_a_titles_words_is_no_part_of_the_title(tmp_path, speck):
    """fax A/RES/78/250 (seed 14): "... Integrated / ' Stabilization Mission in Mali" (a speck atop the title's
    second line)."""
    from conftest import MASTHEAD, clean_resolution

    second = speck if speck.endswith("food") else f"{speck} food"  # fax A/RES/78/205, seed 17: "of and \u2018assistance"
    doc = clean_resolution(tmp_path, MASTHEAD.replace("80/999. The right to food", f"80/999. The right to\n{second}")
                           + "Recalling its resolution 72/3,\n")
    assert doc["title"] == "The right to food"


def test_a_quoted_word_in_a_title_keeps_its_quotes(tmp_path):
    """Must not change: a title quoting in single quotes, opened and closed."""
    from conftest import MASTHEAD, clean_resolution

    doc = clean_resolution(tmp_path, MASTHEAD.replace("80/999. The right to food", "80/999. The \u2018right\u2019 to food")
                           + "Recalling its resolution 72/3,\n")
    assert doc["title"] == "The \u2018right\u2019 to food"


def test_a_code_as_near_two_codes_is_chosen_by_the_adoption_line():
    """fax A/RES/78/250 (seed 15): "Avis/78/250" is two letters from "RES" and from "MISC"; "Resolution adopted by
    the General Assembly" says which (it had become A/MISC/78/250, in the text and the output)."""
    lines = ["United Nations", "Avis/78/250", "General Assembly", "Distr.: General",
             "Resolution adopted by the General Assembly on 22 December 2023", "78/250. Financing of the Mission",
             "The General Assembly,"]
    (p,) = repair_masthead_symbol(_work(lines), RepairContext(source_kind="scanned-pdf"))
    assert p.after == "A/RES/78/250" and p.info["how"] == "code letters misread" and p.confidence < 0.9


@pytest.mark.parametrize("line, formula", [("The General As emblh", True), ("The Genera1 Assembly,", True),
                                           ("The General Conference of UNESCO", False), ("The General Committee", False),
                                           ("The Secretary-General,", False)])
def test_the_formula_whose_words_a_fax_split_and_what_only_resembles_it(line, formula):
    assert masthead.misread_formula(line) == formula

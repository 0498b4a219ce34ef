"""A poor scan's footnote zone and masthead columns, read from the page's geometry.

The word lists in tests/data/scanpages are Tesseract's reading of real scanned first pages
(bench/scan_families.py, seed 14), cut to the part a test needs (``source`` in each file):

* typewriter_poor (a 200 dpi Courier photocopy): the notes' small raised numbers vanish or read
  as "1" for 3, "5" for 4, "‘" for 5; the notes still begin where the layout says;
* bilevel200 (a 200 dpi photocopy with specks): Tesseract's line joining the organ's large type,
  the emblem and "Distr.: General"; a line read twice ("ecember" inside "December"); a speck in
  the margin read "," before a title's second line.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import SETTINGS
from pipeline.extract.layout_pdf import Glyph, PageLayout, layout_document
from pipeline.extract.ocr import markers as scan
from pipeline.extract.ocr.graphics import ghost_readings, stray_specks
from pipeline.extract.ocr.layout import page_layout_from_ocr
from pipeline.model import Extracted, Line, Page, Source
from pipeline.notes import zone_layout
from pipeline.repair.masthead_symbol import candidates
from pipeline.run import stages
from pipeline.worktext import Mark, WorkText

DATA = Path(__file__).parent / "data" / "scanpages"


def _record(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _clean(name: str) -> dict:
    """The trimmed page's words through layout, repair, footnotes and structure, as a scanned PDF's are."""
    rec = _record(name)
    w, h = rec["size_px"]
    pages, meta = layout_document([page_layout_from_ocr(1, rec["data"], rec["analysis"], rec["dpi"], w, h, None)])
    doc = Extracted(doc_id=name, source=Source(path=f"{name}.pdf", sha256="0" * 64, kind="scanned-pdf", pages=1),
                    pages=pages, meta=meta)
    work = stages.recover_footnotes(stages.repair(doc, SETTINGS, {}), SETTINGS, {})
    return stages.build(work, doc)


def _notes(doc: dict) -> list[tuple[str, str]]:
    return [(n["num"], n["text"].strip()) for n in doc["footnotes"]]


def _anchored(doc: dict) -> list[str]:
    return sorted((n["num"] for sec in ("preamble", "operative") for p in doc[sec] for n in p.get("notes", [])), key=int)


# ------------------------------------------------------------------ the note zone


def test_notes_whose_numbers_were_lost_begin_where_the_layout_says():
    """Six one-line notes; two numbers lost, "1" read for 3, "5" for 4, "‘" for 5, one more lost."""
    doc = _clean("typewriter_poor-A_RES_79_154")
    assert _notes(doc) == [("1", "United Nations, Treaty Series, vol. 2225, No. 39574."),
                           ("2", "Ibid., vol. 2237, No. 39574."), ("3", "Ibid., vol. 2241, No. 39574."),
                           ("4", "Ibid., vol. 1249, No. 20378."), ("5", "Ibid., vol. 2131, No. 20378."),
                           ("6", "Ibid., vol. 1577, No. 27531.")]
    numbered = [c for c in doc["corrections"] if c["rule"] == "footnote.body-number"]
    assert numbered and all(c["status"] in ("flagged", "applied") for c in numbered)
    assert all(c["status"] == "flagged" for c in numbered if not c["info"].get("printed"))  # lost: for review
    # the text's markers: "Crime,1" (3 misread), "thereto,35" (5), "Child4" (6) take the sequence's notes
    assert _anchored(doc) == ["1", "2", "3", "4", "5", "6"]


def test_a_note_whose_number_is_a_speck_glued_to_its_first_word():
    """"‘Resolution S$-10/2." below the rule: the raised "1" read as a quote mark glued to the word."""
    doc = _clean("typewriter_poor-A_RES_79_16")
    assert [n for n, _ in _notes(doc)] == ["1"] and _notes(doc)[0][1].startswith("Resolution S")
    assert _anchored(doc) == ["1"]


def test_a_note_below_its_rule_with_its_number_lost_altogether():
    """A/RES/80/27 (seed 15): "Resolution $-10/2." below the rule, no trace of its raised "1"; the text's
    marker "Assembly, 1" (typed a space after its word) is linked to it."""
    doc = _clean("typewriter_poor-A_RES_80_27")
    assert [n for n, _ in _notes(doc)] == ["1"] and _anchored(doc) == ["1"]
    (fix,) = [c for c in doc["corrections"] if c["rule"] == "footnote.body-number"]
    assert fix["status"] == "flagged"  # a number the scan lost: shown for review


def test_notes_running_over_two_lines_stay_whole():
    doc = _clean("typewriter_poor-A_RES_79_155")
    notes = dict(_notes(doc))
    assert list(notes) == ["1", "2", "3", "4", "5", "6"]
    assert notes["1"].endswith("resolution 1, annexes I and II.") and notes["3"].endswith("resolution 1, annex.")


def test_a_note_zone_whose_rule_and_numbers_a_light_threshold_erased():
    """bilevel_thin A/RES/79/123 (seed 14): the rule above the notes is gone and their raised numbers
    broke up ("1 A/79/174." read "“O14,", "Ibid" with no number), so no rule and no number led the
    zone and its notes ran into the last paragraph.  The page's last block of smaller lines, after a
    gap, one of them opening as a note does ("Ibid"), is the zone; its first line begins a note."""
    doc = _clean("bilevel_thin-A_RES_79_123")
    notes = _notes(doc)
    assert [n for n, _ in notes] == ["1", "2", "3"] and notes[2][1].startswith("Ibid vol 1125")
    paragraphs = [p["text"] for sec in ("preamble", "operative") for p in doc[sec]]
    assert paragraphs[-1].endswith("international humanitarian Law,")  # the notes no longer run into it
    assert not any("Ibid" in p or "Nos" in p for p in paragraphs)
    assert "1" in _anchored(doc)


def _foot_lines(lines: list[tuple[str, float]], conf: float | None = 90.0) -> list[Line]:
    """A page's body lines (10 pt) and, after a gap, smaller lines (text, size), read by OCR or not."""
    glyphs = []
    for k, text in enumerate(["Calling upon Member States to disseminate knowledge of international",
                              "humanitarian law as widely as possible, and calling upon all parties to armed",
                              "conflict to apply international humanitarian law,"]):
        glyphs += _words(text, 72, 500 + 12 * k, 10.0, conf)
    for k, (text, size) in enumerate(lines):
        glyphs += _words(text, 72, 580 + 10 * k, size, conf)
    pages, _ = layout_document([PageLayout(number=1, width=612, height=792, glyphs=glyphs)])
    return pages[0].lines


def _words(text: str, x0: float, base: float, size: float, conf: float | None) -> list[Glyph]:
    out, x = [], x0
    for word in text.split():
        w = 0.5 * size * len(word)
        out.append(Glyph(text=word, x0=x, top=base - 0.75 * size, x1=x + w, bottom=base + 0.2 * size, size=size,
                         baseline=base, word=True, conf=conf, line=f"9,1,{round(base)}" if conf is not None else ""))
        x += w + 0.3 * size
    return out


NOTES_READ = [("\u201cO14,", 7.0), ("Lnited Nabons freat Scares va] 7S Nosy 970 973", 8.5),
              ("Ibid vol 1125 Nos T7812 and 17813 and vel 2404 No 43425", 8.5)]


@pytest.mark.parametrize("lines, conf, zone", [
    (NOTES_READ, 90.0, "footnote"),  # a scan's notes, their rule and numbers erased
    (NOTES_READ[:2] + [("\u201cIbid vel 1125 Nos 17512", 8.5)], 90.0, "footnote"),  # a mark left of a number
    (NOTES_READ, None, None),  # a text layer prints its rule and numbers: no guessing there
    (NOTES_READ[:1] + [("Ibid vol 1125", 10.0)], 90.0, None),  # one smaller line is no block
    ([("75th plenary meeting", 8.5), ("19 December 2023", 8.5)], 90.0, None),  # smaller lines, no note's opening
])
def test_a_scan_s_last_block_of_smaller_lines_read_as_notes_is_a_note_zone(lines, conf, zone):
    out = _foot_lines(lines, conf)
    assert [ln.zone for ln in out if ln.text.startswith(("\u201cO14", "Lnited", "75th", "19 D"))] \
        == [zone] * len([ln for ln in out if ln.text.startswith(("\u201cO14", "Lnited", "75th", "19 D"))])


def _zone_work(lines: list[tuple[str, float, float]], ocr: bool = True) -> WorkText:
    """A page of footnote-zone lines (text, x0, x1), 10 pt apart, read by OCR or from a text layer."""
    page = Page(number=1, lines=[Line(text=t, bbox=[x0, 600 + 10 * k, x1, 607 + 10 * k], size=8.0, zone="footnote")
                                 for k, (t, x0, x1) in enumerate(lines)])
    page.lines.insert(0, Line(text="The body text runs to the right margin of the page at five hundred and forty.",
                              bbox=[72, 500, 540, 510], size=10.0))
    work = WorkText.from_extracted(Extracted(doc_id="t", source=Source(path="t.pdf", sha256="0" * 64,
                                                                        kind="scanned-pdf"), pages=[page]))
    if ocr:
        work.marks += [Mark(ln.start, ln.end, "conf", {"conf": 0.9}) for ln in work.lines]
    return work


def _starts(work: WorkText) -> list[str]:
    (zone,) = zone_layout.zones(work)
    return [work.text[work.lines[s.line].start:work.lines[s.line].end].split()[0]
            for s in zone_layout.note_starts(work, zone, 540)]


@pytest.mark.parametrize("lines, want", [
    # a short line ending its sentence, then a capital: a new note
    ([("United Nations, Treaty Series, vol. 2225, No. 39574.", 90, 330),
      ("Ibid., vol. 2237, No. 39574.", 90, 230)], ["United", "Ibid.,"]),
    # a line running to the margin wraps into the next, even after a full stop and before a capital
    ([("Report of the Conference, Cairo, 5-13 September 1994 (United Nations publication, Sales No. E.95.XIII.18).", 90, 539),
      ("Chap. I, resolution 1, annex.", 90, 200)], ["Report"]),
    # a wrapped line starting with a year, after a line that does not end a sentence
    ([("Report of the International Conference on Population and Development, Cairo, 5-13 September", 90, 520),
      ("1994 (United Nations publication).", 90, 250)], ["Report"]),
    # a line hanging left of the notes' column begins a note, whatever its number was read as
    ([("See A/CONF.189/12 and A/CONF.189/12/Corr.1, chap. I, and the report of the Conference on", 90, 530),
      ("~ Resolution 60/1.", 84, 160)], ["See", "~"]),
    # nothing in the zone precedes its first line: it begins a note, even a short one a light threshold
    # broke past reading ("1 A/79/174." read "“oO [74", bilevel_thin A/RES/79/123)
    ([("\u201coO [74", 92, 125), ("United, Nabons fear Series vol 78 Nos 970 973", 90, 300),
      ("Ibid vel 1125 Nos 17512 and 17813 and vel 2404 No 43425", 90, 330)], ["\u201coO", "United,", "Ibid"]),
    # ... but no rule read as text
    ([("________", 90, 140), ("Ibid., vol. 2237, No. 39574.", 90, 230)], ["Ibid.,"]),
])
def test_note_starts_by_layout(lines, want):
    assert _starts(_zone_work(lines)) == want


def test_a_text_layer_zone_is_left_to_its_printed_numbers():
    assert zone_layout.zones(_zone_work([("1 Resolution 60/1.", 84, 160)], ocr=False)) == []


# ------------------------------------------------------------------ masthead columns

BORN = {  # what the born-digital PDFs give (the pipeline's output of /work/shared/corpus/un-pdfs)
    "bilevel200-A_RES_78_184": ("A/RES/78/184", "2023-12-19", "Office of the United Nations High Commissioner for Refugees"),
    "bilevel200-A_RES_78_205": ("A/RES/78/205", "2023-12-19", "Protection of and assistance to internally displaced persons"),
    "bilevel200-A_RES_78_250": ("A/RES/78/250", "2023-12-22", "Financing of the United Nations Multidimensional "
                                "Integrated Stabilization Mission in Mali"),
}


@pytest.mark.parametrize("name", sorted(BORN))
def test_a_photocopied_masthead_reads_as_the_born_digital_one(name):
    doc = _clean(name)
    assert (doc["symbol"], doc["date"], doc["title"]) == BORN[name]


def test_markers_are_measured_per_masthead_column():
    """Tesseract's line "@ General Assembly Distr.. General" (emblem, large type, right column): measured
    as one line, its baseline was the emblem's foot and "Distr.." and "General" had raised "markers"
    reaching into the date below; the agenda line's foot, inside a tall box of the line below, was
    taken for three unread markers."""
    rec = _record("bilevel200-A_RES_78_184")
    w, h = rec["size_px"]
    page = Image.new("L", (w, h), 255)
    page.paste(Image.open(DATA / "bilevel200-A_RES_78_184-top.png").convert("L"), (0, 0))
    analysis, crops = scan.find_marks(page, rec["data"], rec["dpi"])
    assert analysis["markers"] == [] and crops == []


def test_a_word_read_twice_and_a_stray_speck_are_specks():
    rec = _record("bilevel200-A_RES_78_205")
    data = rec["data"]
    assert "ecember" in {data["text"][i] for i in ghost_readings(data)}
    assert not {"December", "22", "2023", "Distr..", "General"} & {data["text"][i] for i in ghost_readings(data)}
    rec = _record("bilevel200-A_RES_78_250")
    assert [rec["data"]["text"][i] for i in stray_specks(rec["data"]) if rec["data"]["top"][i] > 1400] == [","]


def test_a_comma_beside_its_word_is_no_stray_speck():
    data = {"level": [5] * 3, "text": ["Integrated", ",", "Stabilization"], "conf": [95, 6, 95],
            "block_num": [1] * 3, "par_num": [1] * 3, "line_num": [1] * 3,
            "left": [254, 450, 463], "top": [1047] * 3, "width": [194, 4, 237], "height": [38, 5, 30]}
    assert stray_specks(data) == set()


@pytest.mark.parametrize("read, want", [("AA/RES/79/16", "A/RES/79/16"), ("A\\/RES/79/154", "A/RES/79/154")])
def test_a_symbol_with_its_large_initial_read_twice(read, want):
    assert candidates(read)[0][0] == want


def test_what_is_no_doubled_initial_gives_no_candidate():
    assert candidates("AB/RES/79/16") == [] or candidates("AB/RES/79/16")[0][0] != "A/RES/79/16"


@pytest.mark.parametrize("line, role", [
    ("for the report 6f the First Committee (A/80/534, para. 7)]", "report"),  # "[" read "f", "of" read "6f"
    ("fon the report of the Fifth Committee (A/79/935, para 6)]", "report"),
    ("[on the report of the Third Committee (A/78/474, para. 26)]", "report"),
    ("lon the report of the Third Committee (4/79/49 1. para. 65)|", "report"),  # a fax_thin's "[", "]"
    ("(on the report of the Third Committee (A/79/491, para. 65)]", "report"),
    ("In the report of the Secretary-General", None),
    ("Agenda Item 58", "agenda"), ("Agenda. item 60", "agenda"),
    ("Distr.; General", "distribution"), ("Distr.. General", "distribution"),
    ("for the reasons given above", None),  # no bracket read as "f" before "or the report"
])
def test_masthead_lines_as_poor_scans_read_them(line, role):
    from pipeline import masthead
    assert masthead.fact_role(line) == role


def test_a_report_line_closed_after_a_typewriter_gap():
    """The typewriter's spacing opens a gap inside "[on the report of the Special Political ... /
    (Fourth Committee) (A/80/537, para. 15)]": its closing line is no part of the title."""
    from pipeline import masthead
    h = masthead.read(["General Assembly", "Distr.: General", "Eightieth session", "Agenda item 58",
                       "Resolution adopted by the General Assembly", "on 5 December 2025",
                       "{on the report of the Special Political and Decolonization Committee", "",
                       "(Fourth Committee) (A/80/537, para. 15)]", "",
                       "80/86. Economic and other activities", "The General Assembly,", "Recalling ..."])
    assert h.title == "Economic and other activities"


def test_an_opening_quote_glued_after_the_title_number_is_a_speck():
    """fax_thin A/RES/79/154: its number's full stop read as a comma and a speck glued to the title as an
    opening quote nothing closes ("79/154, \u2018Trafficking in women and girls"); a quote the title closes stays."""
    from pipeline import masthead
    assert masthead.RESOLUTION_TITLE.match("79/154, \u2018Trafficking in women and girls").groups() == (
        "79/154", "Trafficking in women and girls")
    assert masthead.RESOLUTION_TITLE.match("79/1. \u2018Pact for the Future\u2019 and its annexes").group(2) == (
        "\u2018Pact for the Future\u2019 and its annexes")


def test_a_dot_sized_speck_far_from_words_is_a_speck_whatever_its_reading():
    """bilevel200: a speck 4 px high read ":" at confidence 55 before "Western Sahara" in a title."""
    data = {"level": [5] * 3, "text": ["in", ":", "Western"], "conf": [95, 55, 96],
            "block_num": [1] * 3, "par_num": [1] * 3, "line_num": [1, 2, 2],
            "left": [1905, 388, 516], "top": [1452, 1521, 1507], "width": [40, 5, 181], "height": [35, 4, 37]}
    assert stray_specks(data) == {1}


def test_a_narrow_raised_glyph_read_as_a_wide_digit_is_no_marker():
    """noise_blur: the raised hook of a blurred "f" (5 x 31 px) after "of" was read "5" in the marker strip;
    no digit but 1 is that narrow in any face (tests/test_scan_structure.py draws them: 0.4 at least)."""
    analysis = {"markers": [{"word": 0, "box": [1933, 2386, 1938, 2417], "whole": False, "head": False, "one": False}]}
    assert scan.name_markers(analysis, {"text": ["of"]}, ["5"])["markers"][0]["text"] == ""
    wide = {"markers": [{"word": 0, "box": [1933, 2386, 1947, 2417], "whole": False, "head": False, "one": False}]}
    assert scan.name_markers(wide, {"text": ["of"]}, ["5"])["markers"][0]["text"] == "5"

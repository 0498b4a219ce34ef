"""Born-digital PDF extraction on a real resolution (tests/data/A_RES_80_37.pdf, 2 pages)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from pipeline.extract.layout_pdf import Glyph, PageLayout, layout_document, parse_masthead
from pipeline.extract.pdf import extract_pdf, text_layer_ok
from pipeline.model import Extracted, Source

DATA = Path(__file__).parent / "data"
PDF = DATA / "A_RES_80_37.pdf"


def _source(path: Path) -> Source:
    return Source(path=f"raw/{path.name}", sha256=hashlib.sha256(path.read_bytes()).hexdigest(), kind="pdf")


@pytest.fixture(scope="module")
def doc(tmp_path_factory) -> Extracted:
    cache = tmp_path_factory.mktemp("clean") / ".stages"
    return extract_pdf(PDF, _source(PDF), settings={}, cache_dir=cache)


def lines(doc: Extracted, zone=...):
    return [ln for p in doc.pages for ln in p.lines if zone is ... or ln.zone == zone]


def test_source_and_pages(doc):
    assert doc.doc_id == "A_RES_80_37"
    assert doc.source.kind == "pdf" and doc.source.pages == 2
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.pages[0].width == 612 and doc.pages[0].height == 792
    assert all(p.image is None for p in doc.pages)


def test_masthead_lines_clean_and_in_order(doc):
    mast = [ln.text for ln in lines(doc, "masthead") if ln.text]
    assert mast[:5] == ["United Nations", "A/RES/80/37", "General Assembly", "Distr.: General", "3 December 2025"]
    for want in ["Eightieth session", "Agenda item 99 (p)", "Resolution adopted by the General Assembly",
                 "on 1 December 2025", "[on the report of the First Committee (A/80/534, para. 7)]"]:
        assert want in mast
    # the title is not masthead: it is the first body line
    body = [ln.text for ln in lines(doc, None) if ln.text]
    assert body[0] == "80/37. Reducing nuclear danger"


def test_metadata_from_masthead(doc):
    m = doc.meta
    assert m["symbol"] == "A/RES/80/37"
    assert m["distribution"] == "General"
    assert m["date"] == "2025-12-03"
    assert m["session"] == "Eightieth session"
    assert m["agenda_item"] == "99 (p)"
    assert m["adopted"] == "2025-12-01"
    assert m["committee_report"] == "on the report of the First Committee (A/80/534, para. 7)"


def test_furniture_zoned(doc):
    p1, p2 = doc.pages
    assert [ln.text for ln in p1.lines if ln.zone == "footer"] == ["25-19829 (E)", "*2519829*"]
    assert [ln.text for ln in p2.lines if ln.zone == "header"] == ["A/RES/80/37", "Reducing nuclear danger"]
    assert sorted(ln.text for ln in p2.lines if ln.zone == "footer") == ["2/2", "25-19829"]


def test_no_furniture_in_body_or_footnotes(doc):
    for ln in lines(doc):
        if ln.zone in (None, "footnote") and ln.text:
            assert not re.search(r"\b\d{2}-\d{5}\b|\*\d{7}\*|^\d+/\d+$", ln.text), ln.text
            assert ln.text != "A/RES/80/37"


def test_superscript_marker_is_its_own_span_where_printed(doc):
    ln = next(ln for ln in lines(doc, None) if "General Assembly1" in ln.text)
    assert ln.text == "Document of the Tenth Special Session of the General Assembly1 and by the"
    sup = [s for s in ln.spans if s.superscript]
    assert len(sup) == 1 and ln.text[sup[0].start:sup[0].end] == "1"
    assert ln.text[:sup[0].start].endswith("Assembly")
    markers = [ln.text[s.start:s.end] for ln in lines(doc, None) for s in ln.spans if s.superscript]
    assert markers == ["1", "2", "3", "4", "5"]


def test_footnotes_zone(doc):
    notes = [ln for ln in lines(doc, "footnote") if ln.text]
    assert [ln.text for ln in notes] == ["1 Resolution S-10/2.", "2 A/51/218, annex.", "3 Resolution 55/2.",
                                         "4 A/80/163.", "5 A/56/400, para. 3."]
    assert all(ln.spans[0].superscript and ln.spans[0].start == 0 for ln in notes)
    assert all(ln.size < 9 for ln in notes)


def test_paragraph_breaks_and_italic_openings(doc):
    body = lines(doc, None)
    texts = [ln.text for ln in body]
    k = texts.index("Reaffirming that any use or threat of use of nuclear weapons would constitute a")
    assert texts[k - 1] == "" and texts[k + 1] == "violation of the Charter of the United Nations,"
    ln = body[k]
    it = [ln.text[s.start:s.end] for s in ln.spans if s.italic]
    assert it == ["Reaffirming"]
    op = next(ln for ln in body if ln.text.startswith("1. Calls for"))
    assert [op.text[s.start:s.end] for s in op.spans if s.italic] == ["Calls for"]
    # a zone change is a break: the body and the footnotes are never one paragraph
    p2 = [ln for ln in doc.pages[1].lines]
    first_note = next(i for i, ln in enumerate(p2) if ln.zone == "footnote")
    assert p2[first_note - 1].text == ""


def test_lines_well_formed(doc):
    for ln in lines(doc):
        if not ln.text:
            assert ln.spans == []
            continue
        assert ln.text == ln.text.strip() and "  " not in ln.text and "\n" not in ln.text
        assert ln.bbox and ln.size
        for s in ln.spans:
            assert 0 <= s.start < s.end <= len(ln.text)
            assert s.bbox and s.conf is None


def test_odd_characters_left_as_printed(doc):
    assert any("non\u2011nuclear-weapon" in ln.text for ln in lines(doc))


def test_json_round_trip(doc):
    assert Extracted.from_json(doc.to_json()) == doc


def test_unmapped_text_layer_goes_to_ocr():
    assert not text_layer_ok([])
    assert not text_layer_ok([{"text": "(cid:12)"}] * 200)
    assert not text_layer_ok([{"text": "\ue001"}] * 200)
    good = [{"text": c} for c in "The General Assembly, recalling its resolutions on this matter, " * 5]
    assert text_layer_ok(good)
    consonants = [{"text": c} for c in "Tkr Gnrl Smbl, rcllng ts rsltns n ths mttr, " * 10]
    assert not text_layer_ok(consonants)


@pytest.mark.parametrize("lines_, key, want", [
    (["A/RES/80/37", "Distr.: General"], "symbol", "A/RES/80/37"),
    (["Distr.: Limited"], "distribution", "Limited"),
    (["Distr.: General", "18 October 2018"], "date", "2018-10-18"),
    (["Seventy-third session"], "session", "Seventy-third session"),
    (["Agenda items 12 and 13"], "agenda_item", "12 and 13"),
    (["Resolution adopted by the General Assembly", "on 10 October 2018"], "adopted", "2018-10-10"),
    (["[without reference to a Main Committee (A/73/L.4)]"], "committee_report",
     "without reference to a Main Committee (A/73/L.4)"),
    (["United Nations", "General Assembly"], "symbol", None),
])
def test_parse_masthead(lines_, key, want):
    assert parse_masthead(lines_).get(key) == want


def _g(text, x0, base, size=10.0, **kw):
    return Glyph(text=text, x0=x0, top=base - 0.8 * size, x1=x0 + 0.5 * size * len(text),
                 bottom=base + 0.2 * size, size=size, baseline=base, **kw)


def test_layout_attaches_raised_small_glyphs_and_splits_columns():
    glyphs = [_g(c, 100 + 5 * i, 200) for i, c in enumerate("war,")]
    glyphs.append(_g("7", 120.5, 196.5, size=6.5))  # raised, smaller: a footnote marker
    glyphs += [_g(c, 128 + 5 * i, 200) for i, c in enumerate("and")]
    glyphs += [_g(c, 400 + 5 * i, 200) for i, c in enumerate("far")]  # a column far to the right
    page = PageLayout(number=1, width=612, height=792, glyphs=glyphs)
    pages, _ = layout_document([page])
    texts = [ln.text for ln in pages[0].lines if ln.text]
    assert texts == ["war,7 and", "far"] or texts == ["war,7 and far"]
    ln = pages[0].lines[0]
    sup = [s for s in ln.spans if s.superscript]
    assert [ln.text[s.start:s.end] for s in sup] == ["7"]


def _text_line(text, x0, base, size=10.0):
    """A line of ``text`` as one glyph per character, 0.5 of the size wide each."""
    return [_g(c, x0 + 0.5 * size * i, base, size=size) for i, c in enumerate(text) if c != " "]


def test_an_indented_rule_of_underscores_leads_the_notes_it_stands_over():
    """A draft's first page alone: the job number prints at the page's left edge (x 65), the text at 123,
    and its footnote rule is a row of underscores at 100, left of its notes but right of that margin:
    its notes ("* Reissued ...", "** On behalf of ...") are footnotes, not a paragraph of the text."""
    glyphs = []
    for k, head in enumerate(("Eightieth session", "First Committee", "Agenda item 100 (c)", "Review of the",
                              "Concluding Document", "Peru: draft resolution")):
        glyphs += _text_line(head, 60.0, 100 + 14 * k)  # the masthead's column, at the page's left edge
    for k in range(12):
        glyphs += _text_line("the promotion of economic and social development", 123.4, 200 + 14 * k)
    glyphs += _text_line("The General Assembly,", 159.4, 380)
    glyphs += _text_line("______________", 99.6, 651.8, size=8.0)
    glyphs += _text_line("* Reissued for technical reasons on 4 November 2025.", 115.1, 665.6, size=8.5)
    glyphs += _text_line("** On behalf of the States Members of the Group", 110.4, 676.1, size=8.5)
    glyphs += _text_line("of Latin American and Caribbean States.", 123.4, 686.6, size=8.5)
    glyphs += _text_line("1 Resolution 70/1.", 117.0, 696.5, size=8.5)
    glyphs += _text_line("25-16698* (E) 051125", 65.4, 739.8)
    page = PageLayout(number=1, width=612, height=792, glyphs=glyphs)
    pages, _ = layout_document([page])
    zones = {ln.text: ln.zone for ln in pages[0].lines if ln.text}
    assert zones["* Reissued for technical reasons on 4 November 2025."] == "footnote"
    assert zones["1 Resolution 70/1."] == "footnote"
    assert zones["the promotion of economic and social development"] is None

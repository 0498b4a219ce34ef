"""Structure and footnote markers that survive a poor scan, in any typeface.

A raised "1" is told by its shape (Tesseract reads a lone small "1" as nothing, "*" or "41");
the marker crops of a page are read at one height; a page foot's barcode, QR code and the
words printed beside them are furniture, never a paragraph; a paragraph starts where the
layout shows it even when OCR spoilt the end of the one before or its opening word.
Glyphs are drawn with the Liberation fonts of tests/data/fonts (serif, sans, typewriter mono).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import pipeline.extract.ocr.markers as scan  # the raised-marker detector
from pipeline.extract.ocr.tesseract import read_markers
from conftest import MASTHEAD, clean_resolution, poor_scan_page
from pipeline.extract.layout_pdf import Glyph, PageLayout, layout_document

FONTS = Path(__file__).parent / "data" / "fonts"
FACES = {"serif": "LiberationSerif-Regular.ttf", "sans": "LiberationSans-Regular.ttf",
         "mono": "LiberationMono-Regular.ttf"}
needs_tesseract = pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract is not installed")


def glyph_ink(face: str, char: str, px: int, blur: bool = False) -> np.ndarray:
    """One character's ink, drawn at ``px`` (a marker at 300 dpi: 65% of 8-11 pt is 22-30 px)."""
    font = ImageFont.truetype(str(FONTS / FACES[face]), px)
    img = Image.new("L", (3 * px, 3 * px), 255)
    ImageDraw.Draw(img).text((px, px // 2), char, font=font, fill=0)
    if blur:  # a JPEG-grade softening: the stroke thickens and its ends fade
        img = img.resize((img.width // 2, img.height // 2), Image.BILINEAR).resize(img.size, Image.BICUBIC)
    return np.asarray(img) < scan.INK_LEVEL


@pytest.mark.parametrize("blur", [False, True])
@pytest.mark.parametrize("px", [22, 30])
@pytest.mark.parametrize("face", sorted(FACES))
def test_a_raised_one_is_known_by_its_shape_in_any_typeface(face, px, blur):
    assert scan.is_one_stroke(glyph_ink(face, "1", px, blur))


@pytest.mark.parametrize("char", list("023456789"))
@pytest.mark.parametrize("face", sorted(FACES))
def test_no_other_digit_has_the_shape_of_a_one(face, char):
    assert not scan.is_one_stroke(glyph_ink(face, char, 26))
    assert not scan.is_one_stroke(glyph_ink(face, char, 26, blur=True))


def test_a_speck_or_a_dot_is_no_one():
    assert not scan.is_one_stroke(np.ones((3, 3), bool))
    assert not scan.is_one_stroke(glyph_ink("serif", "\u00b0", 26))  # a degree sign


@pytest.mark.parametrize("read, want", [("", "1"), ("41", "1"), ("4", "1"), ("1", "1"), ("2", "1"), ("7", "1")])
def test_a_one_shaped_marker_read_wrongly_is_named_one(read, want):
    """Tesseract's re-read of a Courier "1" gives nothing or "41", of a Liberation Sans "1" beside
    a "2" a "2" (the strip "1 2 1 2" read "222"); a glyph that can only be a 1 (no other digit has its
    shape, in any face: test_no_other_digit_has_the_shape_of_a_one) is one, whatever it is read as."""
    analysis = {"markers": [{"word": 0, "box": [10, 10, 17, 21], "whole": True, "head": True, "one": True}]}
    data = {"text": ["*"]}
    assert scan.name_markers(analysis, data, [read])["markers"][0]["text"] == want


def _note_line(face: str, first: str, conf: float) -> tuple[Image.Image, dict]:
    """A footnote's first line at 8 pt (300 dpi), its number raised, as Tesseract read it: the number
    as ``first`` at ``conf``, the words surely."""
    body = ImageFont.truetype(str(FONTS / FACES[face]), 33)
    sup = ImageFont.truetype(str(FONTS / FACES[face]), 22)
    img = Image.new("L", (1100, 110), 255)
    d = ImageDraw.Draw(img)
    y = 40
    d.text((40, y + body.getmetrics()[0] - sup.getmetrics()[0] - 13), "1", font=sup, fill=0)
    ys, xs = np.nonzero(np.asarray(img) < scan.INK_LEVEL)
    boxes = [(int(xs.min()), int(ys.min()), int(xs.max() - xs.min()) + 1, int(ys.max() - ys.min()) + 1)]
    texts, x = [first], 40 + boxes[0][2] + 8
    for word in "Official Records of the General Assembly, Thirty-fourth Session".split():
        l, t, r, b = d.textbbox((x, y), word, font=body)
        d.text((x, y), word, font=body, fill=0)
        boxes.append((int(l), int(t), int(r - l), int(b - t)))
        texts.append(word)
        x = r + body.getlength(" ")
    n = len(texts)
    data = {"level": [5] * n, "block_num": [1] * n, "par_num": [1] * n, "line_num": [1] * n,
            "word_num": list(range(1, n + 1)), "text": texts, "conf": [conf] + [95.0] * (n - 1),
            "left": [b[0] for b in boxes], "top": [b[1] for b in boxes],
            "width": [b[2] for b in boxes], "height": [b[3] for b in boxes]}
    return img, data


@pytest.mark.parametrize("face", sorted(FACES))
def test_ink_and_rules_found_while_tesseract_reads_give_the_same_analysis(face):
    img, data = _note_line(face, "1", 40.0)
    alone, crops = scan.find_marks(img, data, 300)
    early, early_crops = scan.find_marks(img, data, 300, scan.page_ink(img, 300))
    assert early == alone and [c.tobytes() for c in early_crops] == [c.tobytes() for c in crops]
    assert alone["markers"]  # the line has a marker to find


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize("first, found", [("\u2019", True), ("'", True), (",", True), ("~", False)])
def test_a_notes_number_read_as_a_quote_mark_at_no_confidence_is_a_marker(face, first, found):
    """Liberation Sans: a note's raised "1" was read "\u2019" at confidence 0, and taken for faint ink
    (unsure), so the note went unnumbered and its anchor was lost.  Raised and as tall as a digit, a
    glyph Tesseract calls a quote mark, comma or full stop is none of them; other unsure ink stays out."""
    img, data = _note_line(face, first, 0.0)
    analysis, _ = scan.find_marks(img, data, 300)
    assert [m["word"] for m in analysis["markers"]] == ([0] if found else [])
    if found:
        assert analysis["markers"][0]["one"]  # and its shape names it 1


@needs_tesseract
@pytest.mark.parametrize("face", sorted(FACES))
def test_marker_crops_are_read_at_one_height_beside_a_taller_one(face):
    """A page's crops are read as one line, which Tesseract scales to its tallest glyph: small
    markers enlarged by a fixed factor beside a taller crop were read as nothing."""
    def drawn(char: str, px: int) -> tuple[Image.Image, tuple[int, int, int, int]]:
        font = ImageFont.truetype(str(FONTS / FACES[face]), px)
        img = Image.new("L", (3 * px, 3 * px), 255)
        ImageDraw.Draw(img).text((px, px // 2), char, font=font, fill=0)
        ys, xs = np.nonzero(np.asarray(img) < scan.INK_LEVEL)
        return img, (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)

    crops = [scan.marker_crop(*drawn(c, px)) for c, px in (("2", 14), ("3", 60), ("4", 16), ("5", 14))]
    assert read_markers([crops], "eng")[0] == ["2", "3", "4", "5"]


# ------------------------------------------------------------------ the page foot


def _word_glyphs(text: str, x0: float, base: float, size: float = 10.0) -> list[Glyph]:
    out, x = [], x0
    for word in text.split():
        w = 0.5 * size * len(word)
        out.append(Glyph(text=word, x0=x, top=base - 0.75 * size, x1=x + w, bottom=base + 0.2 * size,
                         size=size, baseline=base, word=True))
        x += w + 0.3 * size
    return out


BODY = ["Recalling its resolution 77/107 of 7 December 2022 and all its previous resolutions,",
        "conscious of the need to promote the protection of victims of armed conflicts,",
        "Noting the initiatives taken by countries of the region to promote cooperation,"]


@pytest.mark.parametrize("beside", ["Please acted", "Please recycle", "recycle OQ"])
def test_words_printed_beside_a_barcode_are_furniture_never_a_paragraph(beside):
    """A first page's foot: body text, a gap, then a QR code or barcode read as big junk words and,
    on the same row, "Please recycle" as OCR read it."""
    glyphs = []
    for k, line in enumerate(BODY):
        glyphs += _word_glyphs(line, 72, 500 + 12 * k)
    glyphs += _word_glyphs("FNheat 131223", 65, 760, size=19.5)  # the barcode and job date, misread
    glyphs += _word_glyphs(beside, 420, 755, size=10.5)
    pages, _ = layout_document([PageLayout(number=1, width=612, height=792, glyphs=glyphs)])
    zones = {ln.text: ln.zone for ln in pages[0].lines if ln.text}
    assert zones["FNheat 131223"] == "footer" and zones[beside] == "footer"
    assert all(zones[line] is None for line in BODY)


@pytest.mark.parametrize("line, furniture", [
    ("TTT 030124 Please recycle OO", True),   # salt_pepper A/RES/78/252: barcode and QR scraps on its row
    ("23-26310 (E) 030124 Please recycle", True), ("PLEASE RECYCLE", True),
    ("Please recycle the documents of the session", False), ("Invites States to please recycle paper", False)])
def test_please_recycle_read_with_the_scraps_of_its_row_is_furniture(tmp_path, line, furniture):
    body = ("Recognizing that multilingualism contributes to the achievement of the goals of the United Nations,\n\n"
            f"{line}\n")
    doc = clean(tmp_path, body)
    assert (doc["operative"] == []) is furniture


def test_a_closing_line_alone_at_the_page_foot_stays_text():
    """The row rule needs a furniture neighbour: a body-size line alone below a gap is not furniture."""
    glyphs = []
    for k, line in enumerate(BODY):
        glyphs += _word_glyphs(line, 72, 500 + 12 * k)
    glyphs += _word_glyphs("48th plenary meeting", 300, 700)
    pages, _ = layout_document([PageLayout(number=1, width=612, height=792, glyphs=glyphs)])
    zones = {ln.text: ln.zone for ln in pages[0].lines if ln.text}
    assert zones["48th plenary meeting"] is None


# ------------------------------------------------------------------ paragraphs from the layout


def clean(tmp_path, body: str) -> dict:
    return clean_resolution(tmp_path, MASTHEAD + body)


@pytest.mark.parametrize("end", [",?", ", 1", ",!", "."])
def test_a_paragraph_break_in_the_layout_starts_a_preambular_paragraph_whatever_ended_the_last(tmp_path, end):
    body = (f"Recalling its resolution 79/1 on the status of the Protocols{end}\n\n"
            "Calling upon Member States to disseminate knowledge of humanitarian law,\n\n"
            "1. Decides to remain seized of the matter.\n")
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == 2 and doc["preamble"][1]["text"].startswith("Calling upon")
    assert len(doc["operative"]) == 1


@pytest.mark.parametrize("end", [":", "."])
def test_a_decision_s_lettered_items_after_a_colon_read_as_a_stop_are_its_body(tmp_path, end):
    """sans_poor A/80/L.1 (scan_bench --corpus un-drafts): "... the Two-State Solution." (its colon read as a stop),
    then "(a) Expresses its profound gratitude ...": the items had run into the last preambular paragraph."""
    body = (f"Recalling further its decision 79/573 B to resume the Conference{end}\n\n"
            "(a) Expresses its profound gratitude to the Co-Chairs of the Conference;\n\n"
            "(b) Endorses the New York Declaration.\n")
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == 1 and len(doc["operative"]) == 1
    assert [i["num"] for i in doc["operative"][0]["items"]] == ["(a)", "(b)"]


@pytest.mark.parametrize("opener", ["Conéerned", "Recal1ing", "Reafflrming"])
def test_an_opener_misread_by_one_letter_still_opens_a_preambular_paragraph(tmp_path, opener):
    body = ("Determined to encourage strict compliance with the principles of the Charter,\n\n"
            f"{opener} about the continued promulgation of laws and regulations,\n\n"
            "Recalling its resolutions 47/19 and 48/16,\n")
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == 3 and doc["operative"] == []


@pytest.mark.parametrize("first, spoilt", [
    # typewriter_poor A/RES/78/205 (seed 14): "Recalling that" read "Recailira “hat"
    ("Guided by the purposes and principles of the Charter of the United Nations,\n\n",
     "Recailira \u201chat internally displaced pers ng are persons r f persons whe\n"
     "have been forced or obliged te flee or to leave their homes cr places cf habitual\n"
     "reciden\u2018e, ic parti wlay at oa recut t rat riert a oildthe ff t t armed cnt. *,\n"),
    # typewriter_poor A/RES/78/184: "Expressing deep concern" read "Expressiriq deep concern"
    ("Recalling its previous annual resolutions on the work of the Office,\n\n",
     "Expressiriq deep concern that the number of people who are forcibly displaced\n"
     "has reached a new record,\n"),
    # the spoilt opener is the first paragraph after the formula
    ("", "Recailira \u201chat internally displaced persons are persons who have been forced to flee,\n"),
])
def test_a_paragraph_before_preambular_openers_is_preambular_whatever_ocr_made_of_its_opener(tmp_path, first, spoilt):
    """No numbering on the page: a paragraph after which the text still shows preambular openers is
    preambular too (they precede operative ones), and the paragraphs after it are not merged into it."""
    body = (first + spoilt + "\n"
            "Deeply disturbed by the alarmingly high numbers of internally displaced persons,\n\n"
            "Recalling the very large number of persons displaced by disasters,\n")
    doc = clean(tmp_path, body)
    assert doc["operative"] == []
    assert [p["text"].split()[0] for p in doc["preamble"]][-2:] == ["Deeply", "Recalling"]
    assert len(doc["preamble"]) == (4 if first else 3)


def test_a_misread_first_number_and_a_long_opener_misread_twice(tmp_path):
    """bilevel200 A/RES/78/304 (seed 17), a first page: "Mindful" read "Afindful", and paragraph 1's
    number read "l." with no "2." on the page to place it by."""
    body = ("Reaffirming the general principles underlying the financing of peacekeeping operations,\n\n"
            "Afindful of the fact that it is essential to provide the Force with the financial resources\n"
            "necessary to enable it to fulfil its responsibilities,\n\n"
            "l. Requests the Secretary-General to entrust the Head of Mission with the\n"
            "task of formulating future budget proposals\n")
    doc = clean(tmp_path, body)
    assert [p["text"].split()[0] for p in doc["preamble"]] == ["Reaffirming", "Afindful"]
    assert [(p["num"], p["text"].split()[0]) for p in doc["operative"]] == [("1", "Requests")]


@pytest.mark.parametrize("opener", ["Noung with renewed concern", "Rec alling its resolution 77/89"])
def test_a_short_opener_misread_twice_or_split_still_opens_a_preambular_paragraph(tmp_path, opener):
    """specks3 A/RES/78/61 and 78/304 (held-out variant): a page's last paragraph opened "Noung with renewed
    concern" ("Noting") and one in the middle "Rec alling"; each was run into the paragraph before or made an
    unnumbered operative paragraph."""
    body = ("Recognizing also the need to conduct multilateral negotiations on concrete issues,\n\n"
            f"{opener} that the Conference on Disarmament has not yet agreed on a programme of work,\n")
    doc = clean(tmp_path, body)
    assert doc["operative"] == []
    assert [p["text"].split()[0] for p in doc["preamble"]] == ["Recognizing", opener.split()[0]]


@pytest.mark.parametrize("opener", ["Young people", "Notes with concern", "Takes note"])
def test_a_short_word_or_an_operative_verb_is_no_misread_opener(opener):
    from pipeline.structure.parts import is_misread_opening
    assert not is_misread_opening(f"{opener} the report of the Conference")


def test_a_number_whose_stop_was_lost_after_a_heading_is_placed_by_the_sequence(tmp_path):
    """sans_poor A/RES/78/250 (seed 17): "2 Decides ..." (the stop lost) after a heading between paragraphs."""
    body = ("Recalling its resolution 67/286 of 28 June 2013,\n\n"
            "1. Endorses the conclusions and recommendations of the Advisory Committee;\n\n"
            "Revised budget estimates for the period from 1 July 2023 to 30 June 2024\n\n"
            "2 Decides to appropriate to the special account the amount of 866,865,700 dollars;\n")
    doc = clean(tmp_path, body)
    assert [(p["num"], p["text"].split()[0]) for p in doc["operative"]] == [("1", "Endorses"), ("2", "Decides")]


@pytest.mark.parametrize("line", [
    "I. General provisions",                        # a roman part heading, no operative verb after it
    "l. the task of formulating budget proposals",  # no capital verb
])
def test_what_only_looks_like_a_misread_number_is_no_operative_number(tmp_path, line):
    body = f"Reaffirming the general principles,\n\n{line}\n"
    doc = clean(tmp_path, body)
    assert not any(p["num"] == "1" for p in doc["operative"])


@pytest.mark.parametrize("verb", ["Encourages", "Welcomes", "Notes"])
def test_an_operative_verb_is_no_misread_opener(tmp_path, verb):
    """No numbering: "Encourages" is one letter from "Encouraged", but an operative verb's "-s" is no misread."""
    body = f"Recalling its resolution 79/1,\n\n{verb} all States to cooperate;\n"
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == 1 and len(doc["operative"]) == 1


def test_a_speck_before_an_opener_still_opens_a_preambular_paragraph(tmp_path):
    """bilevel200 A/RES/73/8 (seed 17): ". Concerned about ..." (a speck read as a stop before the opener)."""
    body = ("Recalling the statements of the Heads of State or Government,\n\n"
            ". Concerned about the continued promulgation and application of laws,\n\n"
            "Taking note of declarations and resolutions of different intergovernmental forums,\n\n"
            "1. Decides to remain seized of the matter.\n")
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == 3 and len(doc["operative"]) == 1


def test_a_speck_in_the_adopting_sentence_still_starts_the_annex(tmp_path):
    """bilevel200 A/RES/73/3 (seed 17): "... declaration approved. by the high-level meeting ...:" (a speck
    read as a stop) still adopts what follows; the declaration is annexed, not a second operative paragraph."""
    body = ("Adopts the following political declaration approved. by the high-level meeting on 26 September 2018:\n\n"
            "Political declaration of the high-level meeting\n\n"
            "We, Heads of State and Government,\n\n"
            "1. Reaffirm our commitment;\n")
    doc = clean(tmp_path, body)
    assert len(doc["operative"]) == 1 and len(doc["annexes"]) == 1
    assert doc["annexes"][0]["title"] == "Political declaration of the high-level meeting"


def test_an_unnumbered_operative_paragraph_stays_operative_when_no_opener_follows(tmp_path):
    """Must not change: a decision's body after its preamble (no numbers, no opener after it)."""
    body = ("Recalling its resolution 79/1,\n\n"
            "Decides to include in the provisional agenda of its eighty-first session the item;\n\n"
            "Requests the Secretary-General to report thereon.\n")
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == 1 and len(doc["operative"]) == 2


def test_a_continuation_line_is_not_cut_without_a_layout_break(tmp_path):
    """No blank line (the layout saw no indent or gap): a line starting with a misread-looking word
    stays in its paragraph."""
    body = ("Recalling its resolution 79/1 on the status of the Protocols and\n"
            "Concerned States that have not yet done so,\n\n"
            "1. Decides to remain seized of the matter.\n")
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == 1 and len(doc["operative"]) == 1


@pytest.mark.parametrize("end, line", [
    # fax A/RES/78/162 (seed 14): the comma after "Addis Ababa" read as a colon
    ("on the Addis Ababa:", "Action Agenda of the Third International Conference on Financing for Development,"),
    # the same page: "which" read with a capital after a comma
    ("on Financing for Development,", "Which is an integral part of the 2030 Agenda for Sustainable Development,"),
])
def test_no_unnumbered_operative_paragraph_opens_without_a_layout_break_or_an_operative_verb(tmp_path, end, line):
    body = ("Recalling the outcomes of all the major United Nations conferences and summits,\n\n"
            f"Reaffirming also its resolution 69/313 of 27 July 2015 {end}\n{line}\n"
            "and reaffirms the strong political commitment to address the challenge,\n")
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == 2 and doc["operative"] == []


@pytest.mark.parametrize("end, line", [
    ("Recalling its resolution 79/1:", "Decides to include in the provisional agenda the item;"),
    ("Recalling its resolution 79/1,", "Requests the Secretary-General to report thereon."),
    ("Recalling its resolution 79/1,", "(a) To include in the provisional agenda the item;"),
])
def test_an_operative_verb_or_item_still_opens_a_decisions_text_without_a_layout_break(tmp_path, end, line):
    """Must not change: a decision's operative text after its preamble, with no blank line between."""
    doc = clean(tmp_path, f"{end}\n{line}\n")
    assert len(doc["preamble"]) == 1 and len(doc["operative"]) == 1


@pytest.mark.parametrize("speck", ["\u2018", "'", "."])
def test_a_speck_before_the_formula_or_an_opener_is_no_part_of_them(tmp_path, speck):
    """fax A/RES/78/13 and 78/205 (seed 14): "\u2018The General Assembly,", ". The General Assembly,",
    "\u2018Deeply disturbed by ..." after a layout break."""
    doc = clean_resolution(tmp_path, MASTHEAD.replace("The General Assembly,", f"{speck}The General Assembly,")
                           + "Recalling that internally displaced persons have been forced to flee, |\n\n"
                           f"{speck}Deeply disturbed by the alarmingly high numbers of displaced persons,\n\n"
                           "Recalling the very large number of people who are displaced,\n")
    assert doc["formula"].endswith("The General Assembly,") and doc["title"] == "The right to food"
    assert [p["text"].split()[0] for p in doc["preamble"]] == ["Recalling", f"{speck}Deeply", "Recalling"]


@pytest.mark.parametrize("one", ["l", "]"])
def test_a_lone_one_read_as_a_letter_its_stop_lost_is_placed_by_the_sequence(one):
    """fax A/RES/78/250 (seeds 15 and 17, the page read anew): "l Endorses ..." or "] Endorses ..." then "2 Decides ..."."""
    lines = FAX_BODY[:9] + ["Recalling its resolution 67/286 of 28 June 2013,", "",
                            f"{one} Endorses the conclusions and recommendations of the Advisory Committee;", "",
                            "Revised budget estimates for the period from 1 July 2023 to 30 June 2024", "",
                            "2 Decides to appropriate to the special account the amount of 866,865,700 dollars;"]
    doc = _build(poor_scan_page(lines))
    assert [(p["num"], p["text"].split()[0]) for p in doc["operative"]] == [("1", "Endorses"), ("2", "Decides")]


def test_a_speck_before_an_operative_number_leaves_it_placed_by_the_sequence(tmp_path):
    """fax A/RES/78/250 (seed 17): "I. Endorses ..." then "'2. Decides ..." (a speck before the number)."""
    body = ("Recalling its resolution 67/286 of 28 June 2013,\n\n"
            "I. Endorses the conclusions and recommendations of the Advisory Committee;\n\n"
            "Revised budget estimates for the period from 1 July 2023 to 30 June 2024\n\n"
            "'2. Decides to appropriate to the special account the amount of 866,865,700 dollars;\n")
    doc = clean(tmp_path, body)
    assert [(p["num"], p["text"].split()[0]) for p in doc["operative"]] == [("1", "Endorses"), ("2", "Decides")]


FAX_BODY = ["General Assembly", "Distr.: General", "", "Resolution adopted by the General Assembly on 19 December 2023",
            "", "78/204. National human rights institutions", "", "The General Assembly,", "",
            "Recalling also the principles relating to the status of national institutions for the",
            "promotion and protection of human rights, and recalling with appreciation",
            "the establishment of the Global Alliance of National Human Rights Institutions, oo", "",
            "Recalling further the Vienna Declaration and Programme of Action adopted by"]


def _build(work):
    from pipeline.structure.parts import build_document

    return build_document(work, source={"path": "t.pdf", "sha256": "0" * 64, "kind": "scanned-pdf"}, meta={})


def test_a_scrap_after_a_poor_scans_comma_ends_the_paragraph_where_the_layout_breaks():
    """fax A/RES/78/204 (seed 14): "..., oo" (a scrap of two letters read after the comma), a gap, "Recalling further"."""
    doc = _build(poor_scan_page(FAX_BODY))
    assert [p["text"].split()[1] for p in doc["preamble"]] == ["also", "further"]


def test_a_paragraph_ending_in_a_short_word_runs_on_over_a_gap_on_a_page_that_is_no_poor_scan():
    """Must not change: outside a poor scan, words that had not ended ("..., as" / gap / "Recalling ...") run on."""
    work = poor_scan_page(FAX_BODY)
    for ln in work.lines:
        ln.attrs.pop("poor_scan", None)
    assert len(_build(work)["preamble"]) == 1


@pytest.mark.parametrize("end, opener, paragraphs", [
    # fax A/RES/79/310 (skip 20): the comma lost after the paragraph's short last line
    ("have been made to the\nMission", "Mindful of the fact that it is essential to provide the Mission,", 2),
    # fax A/RES/79/99 (skip 20): "Taking" read with a small "l" for its "T"
    ("have been made to the Mission,", "laking note of the working paper prepared by the Secretariat,", 2),
    # fax A/RES/78/184 (seeds 15 and 17): the comma lost after a full last line, a gap, an opener the grammar lists
    ("have been made to the Mission and the least developed countries in the work of the Committee",
     "Noting with grave concern that, despite the unprecedented generosity of host countries,", 2),
    # must not change: a sentence the page broke, its line full, "Stockpiling" (an opener by its "-ing" alone)
    ("Recalling the Convention on the Prohibition of the Development, Production and",
     "Stockpiling of Bacteriological (Biological) and Toxin Weapons,", 1),
])
def test_a_poor_scans_paragraph_ends_where_its_short_last_line_and_a_gap_show_it(end, opener, paragraphs):
    lines = FAX_BODY[:9] + ["Noting with appreciation that voluntary contributions to the Convention on the Prohibition of the",
                            *end.split("\n"), "", opener]
    assert len(_build(poor_scan_page(lines))["preamble"]) == paragraphs


FOOT = [("Noting the initiatives taken by countries of the region to promote cooperation,", 10.0),
        ("1 Official Records of the General Assembly, Thirty-fourth Session.", 8.5)]


@pytest.mark.parametrize("junk", [("Oo", 35.5, 0.4), ("iniindnmii i", 42.5, 0.3), ("ene \u201cGlDRG Wret", 41.5, 0.2),
                                  # fax A/RES/78/250, seed 17: one word of four read as a word ("minO")
                                  ("3202nmiI minO3012g | \u2018 Ploase recyeloom", 31.5, 0.3)])
def test_a_barcode_or_qr_code_a_fax_read_as_big_words_is_furniture_never_a_paragraph(junk):
    """fax A/RES/78/13 (seed 14): the page foot's QR code, barcode and "Please recycle" logo read as
    words 3.5-4 times the body's type size; they were an unnumbered operative paragraph."""
    from pipeline.repair.engine import RepairContext
    from pipeline.repair.layout import remove_furniture

    work = poor_scan_page(FAX_BODY[:10] + [FOOT[0], "", junk])
    (p,) = remove_furniture(work, RepairContext(source_kind="scanned-pdf"))
    assert p.info["kind"] == "graphic-read" and work.text[p.start:p.end] == junk[0]


def test_what_a_poor_scan_reads_below_the_last_note_of_its_page_is_furniture_unless_it_is_text():
    """fax A/RES/78/13 (seed 17): below the notes, the job number, barcode, QR code and "Please recycle" read in
    type under 2.5 times the body's ("OSC", "4 '", "23- eet PLL. ss") had become an operative paragraph; a note's
    wrapped line stays."""
    from pipeline.notes import footnotes
    from pipeline.worktext import Thresholds

    work = poor_scan_page(FAX_BODY[:10] + [FOOT[0], "", ("_" * 20, 8.5),
                                          ("1 Official Records of the General Assembly, Seventy-eighth Session,", 8.5),
                                          ("(Part I) and A/78/12 (Part II)).", 8.5), "",
                                          ("OSC", 20.5, 0.4), "", ("4 '", 15.0, 0.5), "", ("23- eet PLL. ss", 28.5, 0.3),
                                          "", ("Please rosyere4Oe i)", 20.0, 0.4),
                                          # seed 14 after the page reading changed: words of the lexicon read unsurely
                                          "", ("LO23-24427(E) 31223 rene rete i)", 24.5, 0.3)])
    footnotes.recover(work, Thresholds())
    removed = [c["before"] for c in work.corrections if c["info"].get("kind") == "below-notes"]
    assert removed == ["OSC", "4 '", "23- eet PLL. ss", "Please rosyere4Oe i)", "LO23-24427(E) 31223 rene rete i)"]
    assert "(Part I) and A/78/12 (Part II))." in work.text


NOTES = ["", ("_" * 20, 8.5), ("1 Official Records of the General Assembly, Seventy-eighth Session.", 8.5),
         ("2 \u201cNational human rights institutions\u201d and \u201cnational institutions\u201d are used synonymously.", 8.5)]
QUOTED = ["Recalling all its relevant resolutions, including Council resolution 51/31 of^1", "",
          "Recalling also the role of the Ombudsman and other national human rights institutions\u201d in the",
          "promotion and protection of human rights,"]


def _anchored(lines: list, poor: bool = True, text: list | None = None) -> list[tuple[str, str]]:
    from pipeline.notes import footnotes
    from pipeline.worktext import Thresholds

    work = poor_scan_page(FAX_BODY[:9] + lines + NOTES)
    for ln in work.lines if not poor else []:
        ln.attrs.pop("poor_scan", None)
    work = footnotes.recover(work, Thresholds())
    if text is not None:
        text.append(work.text)
    return [(m.data["num"], work.text[max(0, m.start - 12):m.start]) for m in work.marks if m.kind == "note"]


def test_a_marker_a_scan_read_as_a_closing_quote_glued_to_its_word_takes_the_sequences_note():
    """fax A/RES/78/204 and 78/184 (seed 15): the raised "2" read as "\u201d" glued to "institutions" and to
    "session", no quotation open: the note the sequence expects, flagged."""
    assert [(n, ctx.split()[-1]) for n, ctx in _anchored(QUOTED)] == [("1", "of"), ("2", "institutions")]


@pytest.mark.parametrize("lines", [
    [QUOTED[0], "", "Recalling the \u201cUniversity for Peace\u201d in its resolution,", QUOTED[3]],  # a quotation closed
    [QUOTED[0].replace("^1", ""), "", QUOTED[2], "promotion of human rights,^1 and^2"],  # later markers name the notes
])
def test_a_closing_quote_that_closes_a_quotation_or_yields_to_a_later_marker_is_no_marker(lines):
    """Must not change: a quotation's own closing quote; a quote where a later marker names the note expected."""
    got = _anchored(lines)
    assert all(not ctx.endswith(("Peace", "institutions")) for _, ctx in got)


@pytest.mark.parametrize("stop, mark", [(".", "\u2019"), (".", "\u00ae"), ("", "\u00b0"), (",", "?"), (";", "!")])
def test_a_marker_a_light_photocopy_read_as_a_quote_or_a_sign_after_its_word_takes_the_sequences_note(stop, mark):
    """bilevel_thin A/RES/79/154: raised digits broken by a light threshold read "Crime.\u2019 the",
    "thereto.\u2019 the", "Child\u00ae and"; photocopy_dark A/RES/79/218 "March 2023,? in which": the notes
    the sequence expects."""
    lines = [QUOTED[0], "", f"Recalling also the role of national institutions and the Ombudsman{stop}{mark} the",
             "promotion and protection of human rights,"]
    assert [(n, ctx.split()[-1]) for n, ctx in _anchored(lines)] == [("1", "of"), ("2", f"Ombudsman{stop}")]


@pytest.mark.parametrize("line", [
    "Recalling the \u2018University for Peace.\u2019 in its resolution,",   # a single quotation closed
    "Recalling the Member States\u2019 efforts in the region,",             # a plural's apostrophe
    "Recalling the need for effective strategies t\u00a9 ensure protection,",  # a fax's "to": a letter misread
])
def test_a_single_quote_that_closes_a_quotation_or_is_an_apostrophe_is_no_marker(line):
    got = _anchored([QUOTED[0].replace("^1", ""), "", line, QUOTED[3]])
    assert all(not ctx.endswith(("Peace.", "States", " t")) for _, ctx in got)


@pytest.mark.parametrize("raised, cited", [("^^2", False), ("^2", True)])
def test_raised_ink_as_tall_as_its_line_cites_no_note_again(raised, cited):
    """fax A/RES/78/13 (seed 14): "pursuit of such2 endeavours", raised ink read "2" at 0.89 of the line's size,
    after note 2's own marker: no second citation of note 2.  A marker's size (0.6) still cites it again."""
    lines = [QUOTED[0], "", QUOTED[2].replace("\u201d", "^2"), QUOTED[3], "",
             f"Emphasizing the need to foster approaches that are conducive to the pursuit of such{raised} endeavours,"]
    got = _anchored(lines)
    assert [n for n, _ in got][:2] == ["1", "2"] and any(n == "2" and c.endswith("of such") for n, c in got) == cited


def test_raised_ink_as_tall_as_its_line_on_a_good_scan_never_stays_glued_to_its_word():
    """clean300 A/RES/73/7 (seed 14): the hook of the f of "of" read as a raised "1" as tall as the line,
    after note 1's marker.  On a good page it is note 1 cited again, as before the fax's rule, so the
    words read "pursuit of such endeavours", never "such2"."""
    lines = [QUOTED[0], "", QUOTED[2].replace("\u201d", "^2"), QUOTED[3], "",
             "Emphasizing the need to foster approaches that are conducive to the pursuit of such^^2 endeavours,"]
    text: list = []
    _anchored(lines, poor=False, text=text)
    assert "pursuit of such endeavours" in text[0] and "such2" not in text[0]


def test_a_qr_code_below_the_notes_of_a_good_scan_is_furniture_too():
    """dpi150 A/RES/78/13 (seed 14, after main's page reading changed): the QR code read "OR eo" at 2.45 times
    the body's type, below the notes of a page whose verdict is good, had become an operative paragraph."""
    from pipeline.notes import footnotes
    from pipeline.worktext import Thresholds

    work = poor_scan_page(FAX_BODY[:10] + [FOOT[0], "", ("_" * 20, 8.5), FOOT[1], "", ("OR eo", 24.5, 0.4)])
    for ln in work.lines:
        ln.attrs.pop("poor_scan", None)
    footnotes.recover(work, Thresholds())
    assert [c["before"] for c in work.corrections if c["info"].get("kind") == "below-notes"] == ["OR eo"]


@pytest.mark.parametrize("line", [("Please recycle", 40.0, 0.6), ("Development Goals", 40.0, 0.9),
                                  ("A/RES/78/13", 40.0, 0.3), ("2023", 40.0, 0.3), ("Gg Hh", 12.0, 0.3)])
def test_big_words_that_are_text_or_type_of_the_bodys_size_are_no_graphic(line):
    """Must not change: a word of the lexicon read at 0.5 or more, a symbol or a number is text whatever its
    size; junk in the body's size is left to the other rules."""
    from pipeline.repair.engine import RepairContext
    from pipeline.repair.layout import remove_furniture

    work = poor_scan_page(FAX_BODY[:10] + [FOOT[0], "", line])
    assert not [p for p in remove_furniture(work, RepairContext(source_kind="scanned-pdf"))
                if p.info["kind"] == "graphic-read"]


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_raised_glyph_tesseract_calls_a_comma_unsurely_is_a_marker(face):
    """A typewriter "1" after its word, read by Tesseract as "," at confidence 8: a comma sits on the
    baseline, so raised ink named a comma is no comma. On the baseline it stays a comma."""
    px = 42  # 10 pt at 300 dpi
    body, sup = ImageFont.truetype(str(FONTS / FACES[face]), px), ImageFont.truetype(str(FONTS / FACES[face]), round(0.65 * px))
    img = Image.new("L", (900, 160), 255)
    d = ImageDraw.Draw(img)
    d.text((40, 40), "Criminal Court", font=body, fill=0)
    x = 40 + d.textlength("Criminal Court ", font=body)
    asc = body.getmetrics()[0]
    d.text((x, 40 + asc - sup.getmetrics()[0] - 0.38 * px), "1", font=sup, fill=0)
    d.text((x + 60, 40), "and", font=body, fill=0)
    ink = np.asarray(img) < scan.INK_LEVEL

    def box(x0, x1):
        ys, xs = np.nonzero(ink[:, x0:x1])
        return [x0 + int(xs.min()), int(ys.min()), int(xs.max() - xs.min()) + 1, int(ys.max() - ys.min()) + 1]

    words = [("Criminal", 30, int(40 + d.textlength("Criminal ", font=body)) - 8),
             ("Court", int(40 + d.textlength("Criminal ", font=body)) - 2, int(x) - 4),
             (",", int(x) - 2, int(x) + 40), ("and", int(x) + 56, 900)]
    data = {k: [] for k in ("level", "block_num", "par_num", "line_num", "word_num", "left", "top", "width",
                            "height", "conf", "text")}
    for n, (text, x0, x1) in enumerate(words):
        b = box(x0, x1)
        for k, v in (("level", 5), ("block_num", 1), ("par_num", 1), ("line_num", 1), ("word_num", n + 1),
                     ("left", b[0]), ("top", b[1]), ("width", b[2]), ("height", b[3]), ("conf", 8 if text == "," else 95),
                     ("text", text)):
            data[k].append(v)
    analysis, _ = scan.find_marks(img, data, 300)
    assert [m["word"] for m in analysis["markers"]] == [2] and analysis["markers"][0]["one"]


@pytest.mark.parametrize("body, preamble, nums", [
    # "1." lost: the operative part starts at the layout's first break that opens no preambular paragraph
    ("Recalling its resolution 79/1,\n\nNoting the report,\n\nReaffirms its commitment to the rights of all;\n\n"
     "2. Requests the Secretary-General to report;\n\n3. Decides to remain seized of the matter.\n", 2, ["1", "2", "3"]),
    # "3." lost: paragraph 3 starts at the break inside paragraph 2, and 4 still follows
    ("Recalling its resolution 79/1,\n\n1. Reaffirms its commitment;\n\n2. Requests the Secretary-General to report;\n\n"
     "Calls upon all States to cooperate;\n\n4. Decides to remain seized of the matter.\n", 1, ["1", "2", "3", "4"]),
    # no break to say where 3 began: 3 stays in 2, and 4 is still 4 (the numbering goes on)
    ("Recalling its resolution 79/1,\n\n1. Reaffirms its commitment;\n\n2. Requests the Secretary-General to report;\n"
     "Calls upon all States to cooperate;\n\n4. Decides to remain seized of the matter.\n", 1, ["1", "2", "4"]),
])
def test_a_lost_operative_number_is_placed_by_the_numbering(tmp_path, body, preamble, nums):
    doc = clean(tmp_path, body)
    assert len(doc["preamble"]) == preamble and [p["num"] for p in doc["operative"]] == nums
    assert doc["operative"][-1]["text"].startswith("Decides")


@pytest.mark.parametrize("formula", ["The General Assembly;", "The General Assembly.", "The General Assembly,",
                                     # letters misread (bilevel200 A/RES/78/252, seed 14)
                                     "The General Assembl}:,", "The Genera1 Assembly,",
                                     # scraps of a 98 dpi fax among and after its words (fax A/RES/78/162, 78/204)
                                     "The General al As Assembly,", 'The General Assembly, " vt',
                                     # its words split by a fax's gaps (A/RES/78/204, seed 17, the page read anew)
                                     "The General As emblh"])
def test_the_formula_with_its_comma_misread_still_opens_the_preamble(tmp_path, formula):
    doc = clean_resolution(tmp_path, MASTHEAD.replace("The General Assembly,", formula)
                           + "Recalling its resolution 72/3,\n\nRecognizing the Court,\n")
    assert [p["text"][:10] for p in doc["preamble"]] == ["Recalling ", "Recognizin"] and doc["operative"] == []


@pytest.mark.parametrize("line", ["the General Assembly,", "the General Assembly,1"])
def test_a_paragraphs_line_that_reads_like_a_misread_formula_is_no_formula(tmp_path, line):
    """Must not change: a page without the formula (a second page) where a paragraph's line is
    "the General Assembly," runs on from the line before; only a block of its own is a misread formula."""
    body = ("Recalling its resolutions 77/22 of 7 December 2022 on the establishment of a zone,\n\n"
            "Recalling also the recommendations of the Final Document of the Tenth Special Session of\n"
            f"{line}\n\n"
            "Noting the initiatives taken by countries of the region,\n")
    doc = clean_resolution(tmp_path, body)
    assert [p["text"].split()[0] for p in doc["preamble"]] == ["Recalling", "Recalling", "Noting"]
    assert "Special Session of the General Assembly," in doc["preamble"][1]["text"]


def test_a_sentence_running_over_a_page_break_stays_one_paragraph(tmp_path):
    """A/RES/79/23: "... Production and" at a page's foot, "Stockpiling of ..." atop the next. The page
    break looks like a layout break, and "Stockpiling" like an opener, but the words had not ended."""
    body = ("Recalling the Convention on the Prohibition of the Development, Production and\n\n"
            "Stockpiling of Bacteriological (Biological) and Toxin Weapons and on Their Destruction,\n\n"
            "Noting the decisions of the Ninth Review Conference,\n\n"
            "1. Decides to remain seized of the matter.\n")
    doc = clean(tmp_path, body)
    assert [p["text"].split()[0] for p in doc["preamble"]] == ["Recalling", "Noting"]


# ------------------------------------------------------------------ a marker split off its word


@pytest.mark.parametrize("word, marker, kept", [
    ("2022!", "1", "2022"),              # a year with its marker "1" read "!": the year stays whole
    ("1949?", "2", "1949"),
    ("79/33!", "1", "79/33"),
    ("Assembly!", "1", "Assembly"),
    ("Assembly1", "1", "Assembly"),
    ("Assembly12", "12", "Assembly"),
    ("2024;4", "4", "2024;"),
    ("Declaration,\u2019", "1", "Declaration,"),
    ("Protocols,?", "2", "Protocols,"),
    ("Summit,\u00b0", "6", "Summit,"),
    ("Development?4", "4", "Development"),
    ("Child\u00ae", "6", "Child\u00ae"),    # not a glyph Tesseract puts for a digit: left as read
])
def test_a_marker_is_cut_off_its_word_but_never_a_numbers_own_digits(word, marker, kept):
    from pipeline.extract.ocr.layout import strip_marker_tail

    assert strip_marker_tail(word, marker) == kept


def test_a_line_whose_boxes_read_smaller_than_the_next_is_no_row_of_markers():
    """A bold photocopy's tight lines: Tesseract's boxes for one line take in the next line's
    ascenders, so that line measures 1.7x the size of the line above it, whose baseline then sits
    "raised" by less than a line.  The line above stays a line of its own; before, its words were
    taken for superscripts and interleaved word by word with the next ("anniversarypromotionandof")."""
    glyphs = []
    for k, line in enumerate(BODY):
        size = 17.0 if k == 2 else 10.0
        for g in _word_glyphs(line, 72, 500 + 12 * k, size=size):
            g.conf = 0.9
            glyphs.append(g)
    pages, _ = layout_document([PageLayout(number=1, width=612, height=792, glyphs=glyphs)])
    texts = [ln.text for ln in pages[0].lines if ln.text]
    assert texts == BODY


def test_a_raised_marker_read_by_ocr_still_joins_its_line():
    """The row rule above keeps real markers: a lone raised "3" after a word is a superscript."""
    glyphs = []
    for g in _word_glyphs(BODY[0], 72, 500):
        g.conf = 0.9
        glyphs.append(g)
    glyphs.append(Glyph(text="3", x0=glyphs[-1].x1 + 0.5, top=492.0, x1=glyphs[-1].x1 + 3.5, bottom=496.5,
                        size=6.0, baseline=496.5, conf=0.8, word=True))
    pages, _ = layout_document([PageLayout(number=1, width=612, height=792, glyphs=glyphs)])
    lines = [ln for ln in pages[0].lines if ln.text]
    assert len(lines) == 1 and lines[0].text.startswith("Recalling")


def test_a_barcode_row_s_junk_beside_please_recycle_is_no_line_of_text():
    """Only a row read surely, three words of three letters or more, is kept from the superscript
    rule; a barcode's junk read unsurely beside "Please recycle" still joins the barcode's row, as
    the page-foot furniture rules expect (a QR code's junk had become an operative paragraph)."""
    from pipeline.extract.layout_pdf import _read_words

    junk = _word_glyphs("heat 131223 Please acted", 300, 758, size=10.5)
    for g, conf in zip(junk, (0.12, 0.81, 0.96, 0.08)):
        g.conf = conf
    assert not _read_words(junk)
    line = _word_glyphs(BODY[0], 72, 500)
    for g in line:
        g.conf = 0.9
    assert _read_words(line)


def test_two_tight_lines_tesseract_boxed_alike_are_never_interleaved():
    """Very heavy print: Tesseract's boxes for two tight lines give both nearly one baseline.  Each
    Tesseract line keeps its own row, so their words are never read interleaved ("review on the
    activities pursuant of to his"); lines side by side (a masthead's columns) still share a row."""
    upper = _word_glyphs("on the activities of his Office, noting that it includes", 72, 500)
    lower = _word_glyphs("review pursuant to General Assembly resolution 58/153", 75, 503)
    for line, words in (("7,2,1", upper), ("7,3,1", lower)):
        for g in words:
            g.conf, g.line = 0.95, line
    pages, _ = layout_document([PageLayout(number=1, width=612, height=792, glyphs=upper + lower)])
    texts = [ln.text for ln in pages[0].lines if ln.text]
    assert "on the activities of his Office, noting that it includes" in texts
    assert "review pursuant to General Assembly resolution 58/153" in texts
    left = _word_glyphs("General Assembly", 72, 100, size=20)
    right = _word_glyphs("Distr.: General", 400, 101)
    for line, words in (("1,1,1", left), ("2,1,1", right)):
        for g in words:
            g.conf, g.line = 0.95, line
    pages, _ = layout_document([PageLayout(number=1, width=612, height=792, glyphs=left + right)])
    assert [ln.text for ln in pages[0].lines if ln.text][0].startswith("General Assembly")


DRAFT_BODY = ["A/80/L.32", "General Assembly", "Distr.: Limited", "8 December 2025", "", "Eightieth session",
              "Agenda item 72 (a)", "Strengthening of the coordination of humanitarian assistance", "",
              "Italy: draft resolution", "", "{title}", "", "The General Assembly,", "",
              "Recalling its resolution 46/182 of 19 December 1991,", "",
              "1. Decides to remain seized of the matter."]


@pytest.mark.parametrize("title, want", [
    ("Strengthening of the coordination of emergency assistance.", "Strengthening of the coordination of emergency assistance"),
    ("Humanitarian assistance (Part II)", "Humanitarian assistance (Part II)"),
])
def test_a_speck_glued_after_a_scanned_draft_s_title_is_no_part_of_it(title, want):
    """sans_poor A/80/L.32 (scan_bench --corpus un-drafts): "... of the United Nations." (a speck read as a stop)."""
    doc = _build(poor_scan_page([t.format(title=title) for t in DRAFT_BODY]))
    assert doc["title"] == want

"""Footnote markers and note zones of typed and photocopied pages, in three typefaces.

What a 200 dpi photocopy of a typewritten page (bench/scan_families.py, typewriter_poor) showed:
a marker glued to a year that Tesseract's reading dropped ("2022" whose box holds the raised "1"),
a marker typed a space after its word beside a word only an x-height tall ("institutions ² on"),
a marker Tesseract put on a line of its own, a closing quote taken for a marker, notes typed in
the body's size (only set closer than the body says where their zone is), and a note whose line
before lost its small full stop.  Lines are drawn with the Liberation fonts of tests/data/fonts.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import pipeline.extract.ocr.markers as scan
from pipeline.extract.layout_pdf import Glyph, PageLayout, Rule, layout_document
from pipeline.extract.ocr.tesseract import read_markers

FONTS = Path(__file__).parent / "data" / "fonts"
FACES = {"serif": "LiberationSerif-Regular.ttf", "sans": "LiberationSans-Regular.ttf",
         "mono": "LiberationMono-Regular.ttf"}
PX = 42  # 10 pt at 300 dpi
needs_tesseract = pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract is not installed")


def _typed(face: str, parts: list[tuple[str, bool]], thicken: bool = False) -> tuple[Image.Image, dict]:
    """One line of words drawn at 10 pt, 300 dpi; ``parts``: (text, raised) pieces in order, a
    piece starting with a space set a space apart.  Returns the image and Tesseract-like words
    whose boxes are their ink: a raised piece glued to a word is inside that word's box.
    ``thicken``: ink spread by a photocopy (a 5 px minimum filter)."""
    body = ImageFont.truetype(str(FONTS / FACES[face]), PX)
    sup = ImageFont.truetype(str(FONTS / FACES[face]), round(0.6 * PX))
    img = Image.new("L", (1800, 160), 255)
    d = ImageDraw.Draw(img)
    asc = body.getmetrics()[0]
    x, y = 40.0, 50
    spans: list[list] = []  # [text, x0, x1]
    for text, raised in parts:
        if text.startswith(" "):
            x += d.textlength(" ", font=body)
            text = text[1:]
            spans.append([None, x, x])
        font = sup if raised else body
        top = y + asc - sup.getmetrics()[0] - 0.4 * PX if raised else y
        d.text((x, top), text, font=font, fill=0)
        w = d.textlength(text, font=font)
        if spans and spans[-1][0] is None:
            spans[-1] = [text, x, x + w]
        elif spans:
            spans[-1][2] = x + w  # glued to the word before: inside its box
        else:
            spans.append([text, x, x + w])
        x += w
    if thicken:
        img = img.filter(ImageFilter.MinFilter(5))
    ink = np.asarray(img) < scan.INK_LEVEL
    data = {k: [] for k in ("level", "block_num", "par_num", "line_num", "word_num", "left", "top", "width",
                            "height", "conf", "text")}
    for n, (text, x0, x1) in enumerate(spans):
        ys, xs = np.nonzero(ink[:, int(x0):int(x1) + 1])
        for k, v in (("level", 5), ("block_num", 1), ("par_num", 1), ("line_num", 1), ("word_num", n + 1),
                     ("left", int(x0) + int(xs.min())), ("top", int(ys.min())), ("width", int(xs.max() - xs.min()) + 1),
                     ("height", int(ys.max() - ys.min()) + 1), ("conf", 90.0), ("text", text)):
            data[k].append(v)
    return img, data


def _read_as(data: dict, n: int, text: str) -> dict:
    data["text"][n] = text
    return data


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_marker_in_a_years_box_that_the_reading_dropped_is_found(face):
    """ "7 October 2022¹ and": Tesseract read "2022", its box holding the raised "1" too. The year's
    own digits stand on the baseline; the fifth glyph, raised, is a marker (it was taken for the
    year's last digit and dropped)."""
    img, data = _typed(face, [("7", False), (" October", False), (" 2022", False), ("1", True), (" and", False)])
    data = _read_as(data, 2, "2022")
    analysis, _ = scan.find_marks(img, data, 300)
    assert [m["word"] for m in analysis["markers"]] == [2] and analysis["markers"][0]["one"]


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_year_read_whole_keeps_its_digits(face):
    img, data = _typed(face, [("7", False), (" October", False), (" 2022", False), (" and", False)])
    analysis, _ = scan.find_marks(img, data, 300)
    assert analysis["markers"] == []


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_marker_typed_a_space_after_its_word_beside_a_short_word(face):
    """ "institutions ² on the": Tesseract read the raised "2" as a word "*". "on" is only an
    x-height tall, about a typewriter marker's height: the marker is measured against a full
    letter's height, not against "on" alone."""
    img, data = _typed(face, [("human", False), (" institutions", False), (" 2", True), (" on", False),
                              (" the", False)])
    data = _read_as(data, 2, "*")
    data["conf"][2] = 29.0
    analysis, _ = scan.find_marks(img, data, 300)
    assert [m["word"] for m in analysis["markers"]] == [2] and analysis["markers"][0]["whole"]


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize("read, found", [("*", True), ("\u00ae", True), ("\u00b0", True), ("~", False), ("a", False)])
def test_a_raised_one_read_as_an_asterisk_at_no_confidence_is_a_marker(face, read, found):
    """ "the International Criminal Court ¹" on a clean 300 dpi typewriter page: Tesseract read the
    raised "1" as "*" at confidence 0, and the marker was taken for faint ink (a sans serif page's
    "3": "®" at 7).  Its box is raised: it is read as a marker (a real asterisk's crop reads no
    digit, and it stays as read); other unsure ink stays out."""
    img, data = _typed(face, [("International", False), (" Criminal", False), (" Court", False), (" 1", True)])
    data = _read_as(data, 3, read)
    data["conf"][3] = 0.0
    analysis, _ = scan.find_marks(img, data, 300)
    assert [m["word"] for m in analysis["markers"]] == ([3] if found else [])


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize("height, found", [(0.45, True), (1.0, False)])
def test_raised_ink_in_a_gap_is_a_marker_only_when_smaller_than_the_letters(face, height, found):
    """Ink in the gap after a word that Tesseract read as no word: a raised digit's size is a marker's,
    a stroke taller than the line's letters (a QR code's, on the junk row Tesseract read beside it) none."""
    img, data = _typed(face, [("continue", False), (" rag", False), (" to", False)])
    base = data["top"][0] + data["height"][0]
    x = data["left"][1] + data["width"][1] + 8
    ImageDraw.Draw(img).rectangle([x, base - 0.3 * PX - height * PX, x + 3, base - 0.3 * PX], fill=0)
    analysis, _ = scan.find_marks(img, data, 300)
    assert bool([m for m in analysis["markers"] if m.get("unread")]) == found


def _boxed_with_next(data: dict, k: int) -> dict:
    """Word ``k`` (a raised marker) dropped, its ink inside the next word's box, as Tesseract boxed it."""
    n = k + 1
    right, bottom = data["left"][n] + data["width"][n], data["top"][n] + data["height"][n]
    top = min(data["top"][k], data["top"][n])
    data["left"][n], data["top"][n] = data["left"][k], top
    data["width"][n], data["height"][n] = right - data["left"][k], bottom - top
    return {key: v[:k] + v[k + 1:] for key, v in data.items()}


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize("next_word, found", [("and", True), ("\u2018and", False)])
def test_a_marker_boxed_with_the_next_word_is_found(face, next_word, found):
    """ "in Mali ¹ and the" (typewriter_poor, seed 15, A/RES/78/250): Tesseract boxed the marker typed a
    space after "Mali" with "and". A raised start inside a line was taken for nothing (only a note's
    number starts raised); a space apart from all the letters of the word, it is the marker before it.
    A word read with an opening quote keeps its raised start."""
    img, data = _typed(face, [("in", False), (" Mali", False), (" 1", True), (" " + next_word, False),
                              (" the", False)])
    data = _boxed_with_next(data, 2)
    data["text"][2] = next_word
    analysis, _ = scan.find_marks(img, data, 300)
    assert [(m["word"], m["head"]) for m in analysis["markers"]] == ([(2, True)] if found else [])


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_marker_read_as_a_line_of_its_own_is_found(face):
    """ "(the Paris Principles),³ welcoming": Tesseract put the raised "3" on a line of its own."""
    img, data = _typed(face, [("human", False), (" rights", False), (" (the", False), (" Principles),", False),
                              (" 3", True), (" welcoming", False)])
    data["line_num"][4] = 2  # the marker: a line of its own
    analysis, _ = scan.find_marks(img, data, 300)
    assert [m["word"] for m in analysis["markers"]] == [4]


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_short_word_on_a_line_of_its_own_on_the_baseline_is_no_marker(face):
    img, data = _typed(face, [("human", False), (" rights", False), (" (the", False), (" Principles),", False),
                              (" 3", False), (" welcoming", False)])
    data["line_num"][4] = 2
    analysis, _ = scan.find_marks(img, data, 300)
    assert analysis["markers"] == []


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize("opened, drawn, found", [(True, "\u201d", False), (False, "1", True)])
def test_a_closing_quote_of_its_lines_quotation_is_no_marker(face, opened, drawn, found):
    """ "“National human rights institutions” and": the ” Tesseract read closes the quotation its line
    opened, so it is no marker (a photocopy thickens it to a digit's height: it was cut off as "0");
    with no quotation open, raised ink read ” after a word is a marker."""
    first = "\u201cNational" if opened else "National"
    img, data = _typed(face, [(first, False), (" human", False), (" rights", False), (" institutions", False),
                              (drawn, drawn == "1"), (" and", False)], thicken=drawn != "1")
    data = _read_as(data, 3, "institutions\u201d")
    analysis, _ = scan.find_marks(img, data, 300)
    assert (3 in [m["word"] for m in analysis["markers"]]) == found


# ------------------------------------------------------------------ typed notes: zone and markers


def _words(text: str, x0: float, base: float, size: float, pitch: float, conf: float = 0.9) -> list[Glyph]:
    """A line typed in a monospaced face: OCR glyphs (with a confidence), one per word."""
    out, x = [], x0
    for word in text.split():
        w = pitch * len(word)
        out.append(Glyph(text=word, x0=x, top=base - 0.69 * size, x1=x + w, bottom=base, size=size,
                         baseline=base, word=True, conf=conf))
        x += w + pitch
    return out


BODY = ["Recalling further the Vienna Declaration and Programme of Action adopted by",
        "the World Conference on Human Rights on 25 June 1993, which reaffirmed the",
        "important and constructive role played by national human rights institutions, in",
        "particular in their advisory capacity to the competent authorities and their role in"]
NOTES = ["See Official Records of the General Assembly, Seventy-seventh Session, Supplement No. 53A",
         "(A/77/53/Add.1), chap. III, sect. A",
         "Resolution 48/134, annex."]


def _typed_page(note_pitch: float, notes: list[str] = NOTES) -> list:
    """A typed page's foot: body lines 12 pt apart (OCR's left edges a point apart), a short rule,
    lines in the body's size ``note_pitch`` apart (numbers lost), the job number; at the top a column
    of short lines further left (a masthead's).  Returns the page's lines."""
    glyphs = []
    for k, line in enumerate(["United Nations", "General Assembly", "Distr.: General", "Agenda item 18"]):
        glyphs += _words(line, 60, 100 + 12 * k, 6.5, 4.3)
    for k, line in enumerate(BODY * 3):
        glyphs += _words(line, (123.4, 124.1, 124.6, 123.8)[k % 4], 500 + 12 * k, 6.5, 4.3)
    for k, line in enumerate(notes):
        glyphs += _words(line, 124, 655 + note_pitch * k, 6.5, 4.3)
    glyphs += _words("23-26028 (E) 090124", 66, 748, 8.0, 4.8)
    page = PageLayout(number=2, width=612, height=792, glyphs=glyphs, rules=[Rule(100, 640, 172, 641)])
    pages, _ = layout_document([page])
    return pages[0].lines


def test_typed_notes_in_the_body_size_set_closer_are_a_footnote_zone():
    zones = {ln.text: ln.zone for ln in _typed_page(note_pitch=10) if ln.text}
    assert all(zones[t] == "footnote" for t in NOTES) and all(zones[t] is None for t in BODY)


def test_one_typed_note_line_starting_with_a_symbol_is_a_footnote_zone():
    zones = {ln.text: ln.zone for ln in _typed_page(note_pitch=10, notes=["A/79/272."]) if ln.text}
    assert zones["A/79/272."] == "footnote" and all(zones[t] is None for t in BODY)


def test_text_under_a_rule_at_the_bodys_pitch_is_no_footnote_zone():
    zones = {ln.text: ln.zone for ln in _typed_page(note_pitch=12) if ln.text}
    assert all(zones[t] != "footnote" for t in NOTES)


def test_a_typed_marker_raised_more_than_its_small_type_joins_its_line():
    """A typewriter rolls a marker up half a line: on a page set small (measured 4.5 pt), the marker
    seen raised in the scan's ink stands 0.85 of a size above its line, and still belongs to it."""
    glyphs = _words("A/CONF.157/24 (Part I), chap. III.", 124, 704, 4.5, 4.3)
    glyphs.append(Glyph(text="4", x0=117.6, top=697.7, x1=119.0, bottom=700.1, size=3.5, baseline=700.1,
                        word=True, conf=0.8, superscript=True))
    pages, _ = layout_document([PageLayout(number=2, width=612, height=792, glyphs=glyphs)])
    texts = [ln.text for ln in pages[0].lines if ln.text]
    assert len(texts) == 1 and texts[0].startswith("4")


# ------------------------------------------------------------------ a photocopy's markers


@pytest.mark.parametrize("face", sorted(FACES))
def test_a_speck_under_a_raised_marker_does_not_ground_it(face):
    """ "Questions ²": a photocopy's speck below the raised "2", in its columns near the baseline,
    made the marker's ink reach down to the line: it was no longer raised. Dust is no part of a glyph."""
    img, data = _typed(face, [("Budgetary", False), (" Questions", False), (" 2", True), (" and", False)])
    ink = np.asarray(img) < scan.INK_LEVEL
    ys, xs = np.nonzero(ink[:, data["left"][2]:data["left"][2] + data["width"][2]])
    base = data["top"][1] + data["height"][1]
    dot = data["left"][2] + int(xs.min()) + 1
    ImageDraw.Draw(img).rectangle([dot, base - 3, dot + 1, base - 2], fill=0)  # a 2 px speck on the baseline
    analysis, _ = scan.find_marks(img, data, 300)
    assert [m["word"] for m in analysis["markers"]] == [2]


@needs_tesseract
def test_a_photocopied_marker_read_as_nothing_is_read_again_at_other_heights():
    """Two raised "2"s of a 200 dpi bilevel photocopy (bench/scan_families.py bilevel200, seed 15,
    A/RES/78/250), cut and enlarged to 36 px of ink as the pipeline does (the files are at 72):
    Tesseract's line model reads each as nothing at that height, and as "2" at another."""
    crops = [Image.open(p) for p in sorted((Path(__file__).parent / "data" / "markercrops").glob("bilevel200-*.png"))]
    crops = [c.resize((round(c.width / 2), round(c.height / 2)), Image.LANCZOS) for c in crops]
    assert read_markers([crops[:1], crops[1:]], "eng") == [["2"], ["2"]]


@needs_tesseract
def test_ink_read_as_no_word_is_not_read_again_at_other_heights():
    """Ink in a gap that Tesseract read as no word must read a digit at once: read again among fewer
    crops, the hook of an "f" ("of 9 December", dpi150) was read "1" and became a marker."""
    crops = [Image.open(p) for p in sorted((Path(__file__).parent / "data" / "markercrops").glob("bilevel200-*.png"))]
    crops = [c.resize((round(c.width / 2), round(c.height / 2)), Image.LANCZOS) for c in crops]
    crops[1].info[scan.READ_AGAIN] = False
    assert read_markers([crops[:1], crops[1:]], "eng") == [["2"], [""]]


def _climbing(img: Image.Image, data: dict, climb: int) -> tuple[Image.Image, dict]:
    """The line bowed on the glass: each column raised in proportion to its place along the line, ``climb`` px
    at its end; the words' boxes are their ink again."""
    arr = np.asarray(img)
    out = np.full_like(arr, 255)
    w = arr.shape[1]
    for x in range(w):
        s = round(climb * x / w)
        out[:arr.shape[0] - s, x] = arr[s:, x]
    ink = out < scan.INK_LEVEL
    for n in range(len(data["text"])):
        x0, x1 = data["left"][n], data["left"][n] + data["width"][n]
        ys = np.nonzero(ink[:, x0:x1].any(axis=1))[0]
        data["top"][n], data["height"][n] = int(ys.min()), int(ys.max() - ys.min()) + 1
    return Image.fromarray(out), data


LINE = [("Recalling", False), (" the", False), (" second", False), (" strategic", False), (" review", False),
        (" of", False), (" its", False), (" decennial", False)]


@pytest.mark.parametrize("climb", range(8, 21, 2))
@pytest.mark.parametrize("face", sorted(FACES))
def test_a_bowed_line_s_last_letters_are_no_markers_and_its_marker_is_found(face, climb):
    """held-out warped A/RES/78/184: a line climbing 15 px along its length; measured from the line's one
    baseline its last word's final "l" stood raised and was taken for note 1 ("decennial1")."""
    img, data = _climbing(*_typed(face, LINE), climb)
    analysis, _ = scan.find_marks(img, data, 300)
    assert analysis["markers"] == []
    img, data = _climbing(*_typed(face, LINE + [("1", True)]), climb)
    analysis, _ = scan.find_marks(img, data, 300)
    assert [m["word"] for m in analysis["markers"]] == [len(LINE) - 1]

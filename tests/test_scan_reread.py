"""Thin strokes widened before the first reading; doubtful words read again on their own (small images)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.extract import prepare, reread
from conftest import ocr_lines
from pipeline.extract.ocr import chain, image as ocr_image

SERIF = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"


def _bars(stem: int, h: int = 400, w: int = 400) -> np.ndarray:
    """Rows of letter-like shapes with ``stem`` px stems and a 4 px counter (an 'n' at 300 dpi)."""
    img = np.full((h, w), 255, np.uint8)
    for y in range(20, h - 40, 40):
        for x in range(10, w - 30, 24):
            img[y:y + 20, x:x + stem] = 0
            img[y:y + 20, x + stem + 4:x + 2 * stem + 4] = 0
            img[y:y + stem, x:x + 2 * stem + 4] = 0
    return img


# ------------------------------------------------------------------ thin strokes


@pytest.mark.parametrize("stem, thin", [(2, True), (3, True), (5, False), (7, False)])
def test_thin_strokes_are_widened_before_the_first_reading_normal_print_is_not(stem, thin):
    page = _bars(stem)
    steps = prepare.plan_strokes(page)
    assert steps == ([("thicken", {"size": 2})] if thin else [])
    out, log = prepare.apply_plan(page, steps)
    if thin:
        assert log == ["thicken 2"]
        assert prepare.stroke_runs(out) == pytest.approx(prepare.stroke_runs(page) + 1, abs=0.3)
        # the counter between the stems stays open: a letter is widened, never filled
        assert (out[30:40, 10 + stem + 1:10 + stem + 3] == 255).all()
    else:
        assert out is page


def test_stroke_runs_scale_with_the_resolution_and_need_ink_to_measure():
    page = _bars(3)
    assert prepare.plan_strokes(page, dpi=150) == []  # 3 px at 150 dpi is 6 px at 300: normal print
    assert prepare.plan_strokes(np.full((200, 200), 255, np.uint8)) == []  # a blank page: nothing to measure


def test_a_thin_scan_is_widened_on_its_way_to_tesseract():
    image, dpi, done = ocr_image._grey_steps(Image.fromarray(_bars(2)), 300, [], 300)
    assert done == ["thicken 2"] and prepare.stroke_runs(np.asarray(image)) > 2.5
    image, dpi, done = ocr_image._grey_steps(Image.fromarray(_bars(5)), 300, [], 300)
    assert done == []


# ------------------------------------------------------------------ which reading is better


@pytest.mark.parametrize("before, after, better", [
    (("(UNISPACE+S50)", 42.0), ("(UNISPACE+50)", 79.0), True),    # clean 300 dpi scan
    (("applicatron", 57.0), ("application", 95.0), True),          # 200 dpi photocopy
    (("Conéerned", 15.0), ("Concerned", 94.0), True),               # typewriter photocopy
    (("eut", 56.0), ("out", 89.0), True),
    (("1n", 91.0), ("in", 94.0), True),               # a non-word made a word, sure enough
    (("1s", 96.0), ("1S", 95.0), False),
    (("1n", 91.0), ("in", 55.0), False),
    (("31", 39.0), ("3i", 87.0), False),              # digits made a mixed token
    (("resolutiens", 83.0), ("resolutions", 94.0), True),  # typewriter photocopies: no word read at 83-87
    (("jnvestigations", 87.0), ("investigations", 94.0), True),
    (("79/155,", 79.0), ("79/155.", 95.0), False),    # punctuation alone: not worth a change
    (("in", 65.0), ("In", 79.0), False),              # case alone
    (("Assembly", 65.0), ("Assemhly", 90.0), False),  # fewer dictionary letters
    (("Development,", 40.0), ("Development,4", 90.0), False),  # a digit added: may be a marker
    (("to", 64.0), ("2", 88.0), False),
    (("applicatron", 57.0), ("application", 62.0), False),  # not clearly surer
    (("eut", 20.0), ("out", 50.0), False),                  # not sure enough
    (("Member", 50.0), ("Member States", 90.0), False),     # one word read as two
    (("Member", 50.0), ("", 0.0), False),
    (("E.96.IV.8),", 43.0), ("E.96.1V.8),", 81.0), False),  # a symbol that parses is never unmade
    (("A/78/L.42", 55.0), ("A/78/L.4Z", 90.0), False),
    (("12A", 65.0), ("I2A", 84.0), False),          # a digit made a letter, digits kept (noise_blur)
    (("071118", 15.0), ("O71118", 90.0), False),    # a job number's digit made a letter
    (("E.96.1V.8),", 40.0), ("E.96.IV.8),", 85.0), True),  # unless it makes the symbol parse
])
def test_a_new_reading_wins_only_on_evidence(before, after, better):
    assert reread.better(before, after) is better


def test_only_doubtful_words_with_letters_or_digits_are_read_again():
    data = {"level": [4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], "text": [
        "", "General", "Assernbly", "—", "1O.", " ", "1n", "21st", "A/73/L.8", "1990s", "resolutiens", "UNISPACE"],
        "conf": [-1, 96, 41, 12, 55, -1, 91, 95, 96, 93, 83, 95]}
    # below 70; a digit in a word; no English word ("UNISPACE" is read again, and kept unless a reading is surer)
    assert reread.doubtful_words(data) == [2, 4, 6, 10, 11]


@pytest.mark.parametrize("text, mixed", [("1n", True), ("Assemb1y", True), ("0f", True), ("21st", False),
                                         ("1990s", False), ("A/73/L.8", False), ("S50", False), ("E.96.1V.13", False),
                                         ("Corr.1", False), ("2nd", False), ("1s", True),
                                         # a capital inside a word begun in lower case: a speck by an "s" read "S"
                                         ("aSsistance", True), ("(protEction,", True), ("McDonald", False),
                                         ("UNCTAD", False), ("Add.1", False), ("Assembly", False)])
def test_digits_inside_lower_case_words_are_doubtful(text, mixed):
    assert reread.mixed(text) is mixed


# ------------------------------------------------------------------ one Tesseract call on the crops


def _line_image(text: str, size: int = 40) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """A line of ``text`` and its words' boxes (left, top, width, height)."""
    font = ImageFont.truetype(SERIF, size)
    img = Image.new("L", (60 + int(font.getlength(text)), 2 * size), 255)
    draw = ImageDraw.Draw(img)
    draw.text((30, size // 2), text, font=font, fill=0)
    boxes, x = [], 30.0
    for word in text.split(" "):
        l, t, r, b = draw.textbbox((x, size // 2), word, font=font)
        boxes.append((int(l), int(t), int(r - l), int(b - t)))
        x += font.getlength(word + " ")
    return img, boxes


def _data(words: list[tuple[str, float]], boxes) -> dict:
    n = len(words)
    return {"level": [5] * n, "block_num": [1] * n, "par_num": [1] * n, "line_num": [1] * n,
            "word_num": list(range(1, n + 1)), "text": [w for w, _ in words], "conf": [c for _, c in words],
            "left": [b[0] for b in boxes], "top": [b[1] for b in boxes],
            "width": [b[2] for b in boxes], "height": [b[3] for b in boxes]}


def test_a_doubtful_word_is_read_again_from_its_crop_and_replaced():
    img, boxes = _line_image("the General Assembly decides")
    data = _data([("the", 95.0), ("Gencral", 30.0), ("Assembly", 93.0), ("dccides", 25.0)], boxes)
    new, changes, tried = reread.reread_doubtful(np.asarray(img), data, "eng")
    assert tried == 2
    assert new["text"] == ["the", "General", "Assembly", "decides"]
    assert [(c["word"], c["before"], c["after"]) for c in changes] == [(1, "Gencral", "General"), (3, "dccides", "decides")]
    assert all(c["conf_after"] >= reread.MIN_CONFIDENCE for c in changes)
    assert data["text"][1] == "Gencral"  # the first reading is kept as it was


def test_a_word_with_a_raised_marker_is_left_to_the_marker_reader():
    img, boxes = _line_image("Recalling the peace Declaration")
    data = _data([("Recalling", 95.0), ("the", 96.0), ("peace", 95.0), ("Declaratlon", 40.0)], boxes)
    assert chain.reread_words(img, data, "eng")[1]["tried"] == 1  # no marker: the doubtful word is read again
    wider = Image.new("L", (img.width + 30, img.height), 255)  # room for the marker
    wider.paste(img, (0, 0))
    img = wider
    draw = ImageDraw.Draw(img)
    l, t, w, h = boxes[3]
    draw.text((l + w + 3, t - 12), "1", font=ImageFont.truetype(SERIF, 22), fill=0)  # a raised "1" glued on
    boxes[3] = (l, t - 12, w + 16, h + 12)
    data = _data([("Recalling", 95.0), ("the", 96.0), ("peace", 95.0), ("Declaration!", 40.0)], boxes)
    new, rereads, failed = chain.reread_words(img, data, "eng")
    assert failed is None and rereads["tried"] == 0 and new["text"][3] == "Declaration!"


def test_the_page_says_how_many_words_were_read_again():
    record = {"page": 1, "status": "good", "recipe": {"upsample": [], "rotation": 0, "skew": 0.4, "log": []},
              "reread": {"tried": 9, "changed": [{"word": 3}, {"word": 7}]}}
    assert chain.page_quality(record)["preprocessing"] == ["deskew 0.4", "reread 2 of 9 doubtful words"]
    assert chain.describe_rereads({"tried": 0, "changed": []}) == []


# ------------------------------------------------------------------ a good page re-reads only the words that matter


def test_a_good_page_rereads_words_in_running_text_not_the_scraps_of_logos_and_footers():
    data = ocr_lines([
        [("Ns", 55.0), ("a", 51.0), ("SZ", 52.0)],                                   # the emblem: scraps
        [("United", 96.0), ("Nations", 96.0), ("Avres/73/3", 20.0)],                 # beside a short label
        [("23-25889", 92.0), ("il", 56.0), ("030124", 96.0), ("Please", 95.0), ("recycle", 90.0)],  # page foot
        [("Outer", 96.0), ("Space", 93.0), ("(UNISPACE+S50)", 42.0), ("offers", 96.0), ("a", 94.0)],
        [("2", 89.0), ("Tbid.,", 24.0), ("vol.", 96.0), ("2237,", 96.0), ("No.", 95.0), ("39574.", 95.0)],
        [("resolutions", 95.0), ("70/193", 68.0), ("of", 68.0), ("22", 96.0), ("December", 96.0)],
        [("Sales", 96.0), ("No.", 93.0), ("E.96.IV.8),", 43.0), ("chap.", 96.0), ("I,", 96.0)],
        [("its", 96.0), ("drug", 22.0), ("resistant", 96.0), ("forms", 96.0)],
        [("the", 96.0), ("intérnational", 86.0), ("trade", 96.0), ("and", 96.0), ("navigation", 96.0)],
        [("the", 96.0), ("spacefaring", 91.0), ("nations", 96.0), ("and", 96.0)],
        [("assistance", 93.0), ("1n", 91.0), ("all", 96.0), ("States", 96.0)],
        [("eut", 56.0), ("its", 96.0), ("activities,", 96.0)],                    # a short line's misread word
        [("United", 96.0), ("Nations", 96.0), ("Avres/78/13", 16.0)],              # a short line, no word: a symbol
    ])
    doubtful = reread.doubtful_words(data)
    texts = [data["text"][i] for i in reread.worth_rereading(data, doubtful)]
    # misreads in text stay; scraps, and words already well formed (a number, a sales number, a word) go
    assert texts == ["(UNISPACE+S50)", "Tbid.,", "intérnational", "1n", "eut"]
    assert {"Ns", "il", "Avres/73/3", "70/193", "E.96.IV.8),", "drug", "spacefaring"} <= {data["text"][i] for i in doubtful}


@pytest.mark.parametrize("text, formed", [("70/193", True), ("4-15", True), ("26)]", True), ("(XXVIII)", True),
                                          ("E.96.IV.8),", True), ("(A/73/L.3)|", True), ("Development\u201d,", True),
                                          ("E.95.XHI.18),", False), ("[bid.,", False), ("I1)|", False), ("V4", False),
                                          ("$-23/3,", False), ("2022!", False), ("applicatron", False),
                                          ("aSsistance", False)])
def test_a_well_formed_word_is_a_number_a_numeral_a_symbol_or_a_word(text, formed):
    assert reread.well_formed(text) is formed


def test_a_good_page_with_nothing_worth_rereading_starts_no_tesseract(monkeypatch):
    img, boxes = _line_image("the General Assembly decides")
    data = _data([("the", 95.0), ("General", 30.0), ("Assembly", 93.0), ("decides", 96.0)], boxes)

    def no_tesseract(*a, **k):
        raise AssertionError("a Tesseract process was started")

    monkeypatch.setattr(reread, "read_crops", no_tesseract)
    new, rereads, failed = chain.reread_words(img, data, "eng", good=True)  # "General" is a word already
    assert failed is None and rereads["tried"] == 0 and new is data
    failed = chain.reread_words(img, data, "eng", good=False)[2]  # a poor page's doubtful words are all read again
    assert failed is not None and "a Tesseract process was started" in failed


# ------------------------------------------------------------------ a symbol whose first letter is set large


def _draft_symbol(initial: str, rest: str, big: int = 100) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A draft's masthead symbol as UN drafts print it: its series letter twice the size of the rest,
    on one baseline ("A" at 24 pt, "/80/L.5" at 12 pt, 300 dpi), near the top of a page."""
    img = Image.new("L", (900, 1200), 255)
    draw = ImageDraw.Draw(img)
    x, base = 500, 160
    large = ImageFont.truetype(SERIF, big)
    draw.text((x, base), initial, font=large, fill=0, anchor="ls")
    draw.text((x + int(large.getlength(initial)) + 2, base), rest, font=ImageFont.truetype(SERIF, 50), fill=0,
              anchor="ls")
    ink = np.argwhere(np.asarray(img) < 128)
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    return img, (int(left), int(top), int(right - left + 1), int(bottom - top + 1))


def test_a_large_initial_is_found_by_its_height_against_the_rest():
    img, box = _draft_symbol("A", "/80/L.5")
    crop = reread.word_crop(np.asarray(img), box)
    cut = reread.initial_split(crop)
    assert cut is not None and (crop[:, :cut] < 128).any() and (crop[:, cut:] < 128).any()
    img, box = _draft_symbol("A", "/RES/80/5", big=50)  # one size throughout: no initial
    assert reread.initial_split(reread.word_crop(np.asarray(img), box)) is None


@pytest.mark.skipif(not __import__("shutil").which("tesseract"), reason="tesseract is not installed")
def test_a_draft_symbol_with_a_large_initial_is_read_again_in_two_parts():
    """Tesseract reads a draft's "A/80/L.5" on a clean scan as "Apo/L.s" (confidence 1): the mixed sizes
    defeat it.  Read again with the rest apart from the large "A", the grammar parses it."""
    img, box = _draft_symbol("A", "/80/L.5")
    data = _data([("Apo/L.s", 1.0)], [box])
    new, rereads, failed = chain.reread_words(img, data, "eng", good=True)
    assert failed is None and new["text"] == ["A/80/L.5"]
    assert rereads["changed"][0]["before"] == "Apo/L.s" and rereads["changed"][0]["how"] == "initial apart"
    assert chain.describe_rereads(rereads) == ["reread 1 of 1 doubtful words"]
    low = _data([("Apo/L.s", 1.0)], [(box[0], box[1] + 400, box[2], box[3])])  # below the page's top fifth
    assert reread.symbol_misreads(low, img.height) == [] and reread.symbol_misreads(data, img.height) == [[0]]


@pytest.mark.skipif(not __import__("shutil").which("tesseract"), reason="tesseract is not installed")
def test_a_symbol_read_as_its_large_initial_and_pieces_is_read_again_as_one():
    """A light photocopy's "A/RES/79/123" read as three words, "A" "res.79" "123": the run from the large
    initial is read again as one, the first word takes the symbol and the run's box, the others are emptied."""
    img, (left, top, width, height) = _draft_symbol("A", "/RES/79/123")
    a = 70  # the large "A"'s width at this size, then the rest in two pieces
    boxes = [(left, top, a, height), (left + a + 4, top + 30, 150, height - 30),
             (left + a + 170, top + 30, width - a - 170, height - 30)]
    data = _data([("A", 88.0), ("res.79", 51.0), ("123", 93.0)], boxes)
    assert reread.symbol_misreads(data, img.height) == [[0, 1, 2]]
    new, rereads, failed = chain.reread_words(img, data, "eng", good=True)
    assert failed is None and new["text"] == ["A/RES/79/123", "", ""]
    assert (new["left"][0], new["width"][0]) == (left, width)
    assert rereads["changed"][0]["before"] == "A res.79 123"
    far = _data([("A", 88.0), ("res.79", 51.0)], [boxes[0], (left + 900, top + 30, 150, height - 30)])
    assert reread.symbol_misreads(far, img.height) == []  # a column's gap away: not one symbol

"""A poor page read more than once: its doubtful words voted on across the readings (small images)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import ocr_lines
from pipeline.extract import prepare, quality
from pipeline.extract.ocr import chain, fusion
from pipeline.extract.ocr.image import PageInput, build_image

MONO = "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"


def _data(words: list[tuple[str, float, tuple[int, int, int, int]]]) -> dict:
    """One line of words as (text, confidence, (left, top, width, height))."""
    n = len(words)
    return {"level": [5] * n, "block_num": [1] * n, "par_num": [1] * n, "line_num": [1] * n,
            "word_num": list(range(1, n + 1)), "text": [w[0] for w in words], "conf": [w[1] for w in words],
            "left": [w[2][0] for w in words], "top": [w[2][1] for w in words],
            "width": [w[2][2] for w in words], "height": [w[2][3] for w in words]}


@pytest.mark.parametrize("before, candidates, after", [
    (("persors", 61.0), [("persons", 88.0)], "persons"),                   # a non-word loses to a word
    (("naticnal", 60.0), [("naticnal", 62.0), ("national", 70.0)], "national"),  # two votes for a non-word lose too
    (("form", 85.0), [("from", 95.0)], "form"),                            # one word never swaps for another ...
    (("form", 85.0), [("from", 95.0), ("from", 90.0)], "from"),            # ... unless more readings agree on it
    (("Chornobyl", 65.0), [("Chornobyl", 80.0), ("Chornohyl", 40.0)], "Chornobyl"),  # nor a non-word for a non-word
    (("Assembly,", 60.0), [("Assembly,1", 90.0)], "Assembly,"),            # a digit where a marker may stand: no
    (("E.96.IV.8),", 43.0), [("E.96.1V.8),", 81.0)], "E.96.IV.8),"),       # a symbol the grammar parses stays
    (("1n", 70.0), [("in", 80.0)], "in"),
    (("ic", 50.0), [("1c", 90.0)], "ic"),                                  # a letter-digit mix is never taken
    (("aSsistance", 90.0), [("assistance", 95.0)], "assistance"),  # a capital inside a word is no word's spelling
    (("assistance", 80.0), [("aSsistance", 95.0)], "assistance"),  # ... and is never taken
    # typewriter_poor A/RES/78/205: two readings sharing an error, read less surely, do not outvote the page's own
    (("as", 69.0), [("at", 58.0), ("at", 50.0)], "as"),
    (("confilct,", 82.0), [("vonf.ict,", 34.0), ("vonf.ict,", 30.0)], "confilct,"),
    (("form", 85.0), [("from", 85.0), ("from", 80.0)], "from"),             # as surely: more readings agree
    # a broken letter read as a sign among letters is no reading of a word
    (("potentia.", 38.0), [("poten*ia.", 57.0), ("poten*ia.", 50.0)], "potentia."),
    (("\u201cther", 50.0), [("*her", 83.0), ("*her", 70.0)], "\u201cther"),
    (("inm\u00e9\u00a2luding", 26.0), [("in*luding", 71.0), ("in*luding", 60.0)], "inm\u00e9\u00a2luding"),
])
def test_the_readings_vote_words_first_then_how_many_agree(before, candidates, after):
    assert fusion.vote(before, candidates)[0] == after


def test_a_word_is_voted_on_only_with_readings_of_the_same_ink():
    page = _data([("the", 95.0, (10, 10, 40, 20)), ("persors", 50.0, (60, 10, 90, 20)), ("are", 60.0, (160, 10, 40, 20))])
    other = _data([("the", 96.0, (11, 9, 40, 21)), ("persons", 88.0, (62, 10, 86, 20)),
                   ("arc", 70.0, (300, 10, 40, 20))])  # the last word is elsewhere: no candidate
    new, changes = fusion.fuse(page, [other], [1, 2])
    assert new["text"] == ["the", "persons", "are"]
    assert changes == [{"word": 1, "before": "persors", "after": "persons", "conf_before": 50.0, "conf_after": 88.0,
                        "votes": 1}]
    assert page["text"][1] == "persors"  # the page's reading is kept as it was


def test_a_word_split_or_joined_differently_has_no_candidate():
    page = _data([("inthe", 50.0, (10, 10, 80, 20))])
    other = _data([("in", 90.0, (10, 10, 30, 20)), ("the", 90.0, (45, 10, 45, 20))])
    assert fusion.fuse(page, [other], [0]) == (page, [])
    below = _data([("inthe", 90.0, (10, 40, 80, 20))])  # the next line down
    assert fusion.aligned(page, 0, fusion._boxes(below)) is None


def test_a_page_with_many_unsure_words_in_its_lines_of_text_is_read_once_more():
    sure = [[("the", 96.0)] * 10 for _ in range(20)]                          # 200 words read surely
    unsure = [[("the", 96.0)] * 5 + [("persors", 50.0)] * 5 for _ in range(2)]  # 10 unsure words in 20
    assert fusion.worth_another_reading(ocr_lines(sure + unsure))                # 10 of 220: 4.5%
    assert not fusion.worth_another_reading(ocr_lines(sure * 2 + unsure))        # 10 of 420: under 4%
    assert not fusion.worth_another_reading(ocr_lines(sure[:5] + unsure[:1] + [[("the", 96.0)] * 5]))  # 5: too few
    # an emblem's scraps, a barcode and a page foot are short lines: they are not counted
    scraps = [[("Ns", 20.0), ("SZ", 30.0)], [("*2326026*", 10.0)], [("23-26026", 40.0), ("(E)", 50.0), ("il", 12.0)]]
    assert not fusion.worth_another_reading(ocr_lines(sure[:3] + scraps * 5))
    # nor are specks and single letters, whatever their confidence
    assert not fusion.worth_another_reading(ocr_lines(sure[:3] + [[(".", 10.0), ("i", 20.0)] * 3] * 5))


def _text_image(text: str, stem_cut: int) -> np.ndarray:
    """A line of typewriter text thresholded hard (``stem_cut``: lower is thinner, broken strokes)."""
    font = ImageFont.truetype(MONO, 36)
    img = Image.new("L", (40 + int(font.getlength(text)), 80), 255)
    ImageDraw.Draw(img).text((20, 20), text, font=font, fill=0)
    gray = np.asarray(img)
    return np.where(gray > stem_cut, 255, 0).astype(np.uint8)


def test_the_other_stroke_treatment_thins_a_widened_page_and_widens_any_other():
    gray = _text_image("Recalling the very large number", 128)
    step = fusion.other_strokes(gray, ["upsample 200->300", "thicken 2"], 300)
    out, log = prepare.apply_plan(gray, [step])
    assert log == ["thin 2"] and np.count_nonzero(out < 128) < np.count_nonzero(gray < 128)
    step = fusion.other_strokes(gray, ["upsample 200->300"], 300)
    out, log = prepare.apply_plan(gray, [step])
    assert log == ["thicken 2"] and np.count_nonzero(out < 128) > np.count_nonzero(gray < 128)
    thick = prepare.thicken(prepare.thicken(prepare.thicken(gray, 2), 2), 2)  # bled print
    assert fusion.other_strokes(thick, [], 300) == ("thin", {"size": 2})


def test_a_poor_page_votes_its_doubtful_words_and_says_so(monkeypatch):
    """The page's own reading has misreads; the other-stroke reading has them right: they are voted in,
    the page record keeps what changed, and the page's preprocessing says it."""
    gray = _text_image("persons are displaced", 128)
    page = _data([("persors", 50.0, (20, 20, 150, 30)), ("are", 60.0, (190, 20, 60, 30)),
                  ("disp1aced", 40.0, (270, 20, 200, 30))] + [("xq", 30.0, (500 + 5 * k, 20, 4, 30)) for k in range(9)]
                 + [("settlement", 95.0, (600 + 90 * k, 20, 80, 30)) for k in range(3)])  # read only by the page
    other = _data([("persons", 90.0, (21, 20, 148, 30)), ("are", 90.0, (190, 20, 60, 30)),
                   ("displaced", 91.0, (271, 20, 198, 30))])
    calls = []

    def read(image, lang, pgm=None):
        calls.append(image.size)
        return other, 0.25

    monkeypatch.setattr(chain, "ocr_words", read)
    inp = PageInput(Image.fromarray(gray), 200, {"upsample": ["upsample 200->300", "thicken 2"], "rotation": 0,
                                                 "skew": 0.0, "steps": [], "log": []}, Image.fromarray(gray))
    kept, data, won, fused, seconds, note, failed = chain.fuse_readings(inp, page, [], 300, "eng")
    assert failed is None and calls == [gray.shape[::-1]] and seconds == 0.25 and kept is inp and won is None
    assert note.startswith("other strokes (thin 2): ") and note.endswith("(voted)")
    assert data["text"][:3] == ["persons", "are", "displaced"]
    assert fused["readings"] == 2 and [c["after"] for c in fused["changed"]] == ["persons", "displaced"]
    record = {"page": 1, "status": "poor", "recipe": inp.recipe, "fused": fused,
              "reread": {"tried": 3, "changed": [{"word": 0}]}}
    assert chain.page_quality(record)["preprocessing"] == [
        "upsample 200->300", "thicken 2", f"voted 2 of {fused['tried']} doubtful words across 2 readings",
        "reread 1 of 3 doubtful words"]


def test_a_failed_extra_reading_leaves_the_page_as_read(monkeypatch):
    def broken(image, lang, pgm=None):
        raise OSError("tesseract died")

    monkeypatch.setattr(chain, "ocr_words", broken)
    gray = _text_image("persons", 128)
    page = _data([("xq", 30.0, (5 * k, 20, 4, 30)) for k in range(12)])
    inp = PageInput(Image.fromarray(gray), 300, {"upsample": [], "rotation": 0, "skew": 0.0, "steps": [], "log": []},
                    Image.fromarray(gray))
    kept, data, won, fused, seconds, note, failed = chain.fuse_readings(inp, page, [], 300, "eng")
    assert kept is inp and data is page and won is None and fused is None and failed == "OSError: tesseract died"


def test_a_clean_page_is_read_once():
    page = _data([("the", 96.0, (10 * k, 10, 8, 20)) for k in range(100)])
    gray = np.full((60, 1100), 255, np.uint8)
    inp = PageInput(Image.fromarray(gray), 300, {"upsample": [], "rotation": 0, "skew": 0.0, "steps": [], "log": []},
                    Image.fromarray(gray))
    assert chain.fuse_readings(inp, page, [], 300, "eng") == (inp, page, None, None, 0.0, None, None)


def test_a_better_extra_reading_becomes_the_page_s_reading(monkeypatch):
    """Heavy print: Tesseract's page segmentation lost a line of the page as read; thinned, the
    page reads whole.  The thinned reading has more characters of real words, so it is the page's
    reading (the rule read_better chooses by), with its image and a recipe that rebuilds it; the
    first reading is voted with."""
    gray = prepare.thicken(prepare.thicken(_text_image("persons are displaced", 128), 2), 2)
    page = _data([("persons", 60.0, (20, 20, 150, 30))] + [("xq", 30.0, (500 + 5 * k, 20, 4, 30)) for k in range(11)])
    other = _data([("persons", 92.0, (21, 20, 148, 30)), ("are", 90.0, (190, 20, 60, 30)),
                   ("displaced", 91.0, (271, 20, 198, 30)), ("xq", 40.0, (500, 20, 4, 30))])
    monkeypatch.setattr(chain, "ocr_words", lambda image, lang, pgm=None: (other, 0.25))
    recipe = {"upsample": [], "rotation": 0, "skew": 0.0, "steps": [], "log": []}
    inp = PageInput(Image.fromarray(gray), 300, recipe, Image.fromarray(gray))
    kept, data, won, fused, seconds, note, failed = chain.fuse_readings(inp, page, [], 300, "eng")
    assert failed is None and data is other and won == quality.measure(other)
    assert note.startswith("other strokes (thin 2): ") and note.endswith("(kept, voted)")
    assert kept.recipe["steps"] == [["thin", {"size": 2}]] and kept.recipe["log"] == ["thin 2"]
    assert np.array_equal(np.asarray(build_image(kept.base, kept.recipe)), np.asarray(kept.image))
    assert np.count_nonzero(np.asarray(kept.image) < 128) < np.count_nonzero(gray < 128)
    assert fused is None or fused["readings"] == 2


def test_a_page_prepared_for_its_coarse_rows_is_read_once(monkeypatch, tmp_path):
    """A fax page was prepared for its rows before its first reading: however many of its words are
    unsure, it is not prepared another way nor read again for voting (two readings a page for
    little); a page that stays unreadable still gets the strong cleaning."""
    calls = []

    def read(image, lang, pgm=None):
        calls.append(image.size)
        return _data([("xq", 30.0, (5 * k, 20, 4, 30)) for k in range(12)]), 0.25

    monkeypatch.setattr(chain, "ocr_words", read)
    gray = _text_image("persons are displaced", 160)
    recipe = {"upsample": ["stretch 204x98->300", "soften 1.47"], "rotation": 0, "skew": 0.0, "steps": [], "log": []}
    inp = PageInput(Image.fromarray(gray), 98, recipe, Image.fromarray(gray))
    sure = [[("the", 96.0)] * 10 for _ in range(20)]
    unsure = ocr_lines(sure + [[("the", 96.0)] * 5 + [("persors", 50.0)] * 5 for _ in range(2)])
    assert fusion.worth_another_reading(unsure)
    assert chain.fuse_readings(inp, unsure, [], 300, "eng")[3:6] == (None, 0.0, None) and calls == []
    first = {"mean_confidence": 70.0, "lexicon_share": 0.8, "words": 200, "known_chars": 900, "sideways": False}
    chosen, data, m, seconds, tried, evidence, others = chain.read_better(inp, unsure, first, 300, "eng", tmp_path)
    assert chosen is inp and data is unsure and tried == [] and calls == []
    unread = {"mean_confidence": 20.0, "lexicon_share": 0.1, "words": 200, "known_chars": 40, "sideways": False}
    monkeypatch.setattr(chain.orientation, "detect", lambda image, lang: (0, 0.0))
    tried = chain.read_better(inp, unsure, unread, 300, "eng", tmp_path)[4]
    assert [t.split(":")[0].split(" ")[:2] for t in tried] == [["cleaned", "hard"]]

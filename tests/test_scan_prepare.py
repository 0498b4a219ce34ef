"""Page preparation steps, the quality verdict and its evidence, on small synthetic pages (no OCR)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.extract import prepare, quality
from pipeline.extract.prepare import Evidence


def _page(h: int = 120, w: int = 200) -> np.ndarray:
    return np.full((h, w), 255, np.uint8)


def _glyphs(img: np.ndarray, stroke: int = 3) -> np.ndarray:
    """Rows of letter-sized bars (x-height 20 px at 300 dpi), like a line of text."""
    for y in (20, 70):
        for x in range(10, img.shape[1] - 20, 14):
            img[y:y + 20, x:x + stroke] = 0
            img[y + 17:y + 20, x:x + 9] = 0
    return img


# ------------------------------------------------------------------ steps


def test_upsample_scales_each_side():
    img = _glyphs(_page())
    out = prepare.upsample(img, 2.0)
    assert out.shape == (240, 400)
    assert prepare.upsample(img, 1.0) is img  # never downsample


def test_denoise_removes_grey_noise_keeps_ink():
    rng = np.random.default_rng(3)
    clean = np.where(_glyphs(_page()) == 0, 30, 210).astype(np.uint8)
    noisy = np.clip(clean + rng.normal(0, 25, clean.shape), 0, 255).astype(np.uint8)
    out = prepare.denoise(noisy)
    paper = clean == 210
    assert out[paper].std() < 0.6 * noisy[paper].std()
    assert (out[~paper] < 128).mean() > 0.9


def test_binarize_otsu_gives_two_levels_and_keeps_ink():
    img = _glyphs(_page())
    grey = np.where(img == 0, 90, 200).astype(np.uint8)
    out = prepare.binarize_otsu(grey)
    assert set(np.unique(out)) == {0, 255}
    assert np.array_equal(out == 0, img == 0)


def test_sauvola_keeps_text_in_a_shadow_where_one_global_cut_loses_it():
    img = _glyphs(_page(120, 400))
    shade = np.linspace(0, 150, img.shape[1])[None, :]  # paper darkens to the right
    grey = np.clip(np.where(img == 0, 40.0, 235.0) - shade * (img == 255) - shade * 0.2 * (img == 0), 0, 255)
    grey = grey.astype(np.uint8)
    ink = img == 0
    right = np.zeros_like(ink)
    right[:, 300:] = True
    sauvola = prepare.binarize_sauvola(grey, window=41)
    otsu = prepare.binarize_otsu(grey)
    # Sauvola: the ink on the dark right is ink and the paper there is paper
    assert (sauvola[ink & right] == 0).mean() > 0.95
    assert (sauvola[~ink & right] == 255).mean() > 0.9
    assert (otsu[~ink & right] == 255).mean() < (sauvola[~ink & right] == 255).mean()


def test_despeckle_removes_lone_specks_keeps_dots_beside_letters():
    img = _glyphs(_page())
    img[5, 100] = 0  # a lone speck in the margin
    img[60, 150:152] = 0  # another
    img[42, 13] = 0  # a dot just under a letter (an i's dot, a full stop): kept
    out = prepare.despeckle(img)
    assert out[5, 100] == 255 and out[60, 150] == 255
    assert out[42, 13] == 0
    clean = _glyphs(_page())
    assert (out[clean == 0] == 0).all()  # every letter's ink stays
    assert prepare.despeckle(clean) is clean  # nothing to do: unchanged, the same image


def test_close_joins_a_broken_stroke():
    img = _page()
    img[20:80, 50:53] = 0
    img[49, 50:53] = 255  # a one-pixel break
    out = prepare.close_strokes(img, 3)
    assert (out[20:80, 51] < 128).all()


def test_open_cuts_a_bridge_between_bled_letters():
    img = _page()
    img[20:60, 40:50] = 0
    img[20:60, 51:61] = 0
    img[30, 50] = 0  # one-pixel bridge of bled ink
    out = prepare.open_strokes(img, 3)
    assert out[30, 50] == 255
    assert (out[25:55, 42:48] == 0).all()  # the letters themselves stay


# ------------------------------------------------------------------ evidence and plan


def test_measure_reads_the_damage():
    clean = _glyphs(_page(200, 400))
    ev = prepare.measure(clean, 300)
    assert ev.bilevel and ev.noise == 0 and ev.speckle < 60
    assert 2.0 <= ev.stroke <= 4.5 and 15 <= ev.x_height <= 25
    rng = np.random.default_rng(1)
    specked = clean.copy()
    ys, xs = rng.integers(0, 200, 300), rng.integers(0, 400, 300)
    specked[ys, xs] = 0
    assert prepare.measure(specked, 300).speckle > prepare.SPECKLED
    noisy = np.clip(clean.astype(float) * 0.8 + 30 + rng.normal(0, 20, clean.shape), 0, 255).astype(np.uint8)
    assert prepare.measure(noisy, 300).noise > prepare.NOISY
    thin = _glyphs(_page(200, 400), stroke=1)
    thin[:, :] = np.where(thin == 0, 0, 255)
    assert prepare.measure(thin, 300).stroke < prepare.measure(clean, 300).stroke


def _ev(**kw) -> Evidence:
    base = dict(dpi=300, ink_share=0.05, bilevel=False, noise=2.0, speckle=5.0, stroke=3.2, x_height=19.0, uneven=5.0)
    return Evidence(**{**base, **kw})


PLANS = [  # evidence -> steps, negative rows first: a page without that damage gets nothing
    ({}, []),
    ({"bilevel": True, "noise": 0.0, "uneven": 0.0}, []),
    ({"noise": 18.0}, ["denoise", "binarize otsu"]),
    ({"uneven": 60.0}, ["binarize sauvola"]),
    ({"bilevel": True, "noise": 0.0, "speckle": 300.0}, ["despeckle"]),
    ({"stroke": 1.6}, ["binarize otsu", "close"]),
    ({"stroke": 7.0}, ["binarize otsu", "open"]),
    ({"noise": 15.0, "uneven": 55.0, "speckle": 200.0}, ["denoise", "binarize sauvola", "despeckle"]),
]


@pytest.mark.parametrize("evidence,steps", PLANS)
def test_plan_follows_evidence(evidence, steps):
    assert [name for name, _ in prepare.plan(_ev(**evidence))] == steps


def test_apply_plan_logs_only_steps_that_changed_the_image():
    img = _glyphs(_page())
    img[5, 100] = 0
    out, log = prepare.apply_plan(img, [("despeckle", {"max_area": 4}), ("binarize otsu", {})])
    assert log == ["despeckle 4"]  # already two levels: Otsu changed nothing and is not logged
    assert out[5, 100] == 255


# ------------------------------------------------------------------ the verdict


def _data(words: list[tuple[str, float]], tall: bool = False) -> dict:
    n = len(words)
    w, h = (10, 40) if tall else (40, 10)
    return {"level": [5] * n, "text": [t for t, _ in words], "conf": [c for _, c in words],
            "width": [w] * n, "height": [h] * n}


SENTENCE = "Reaffirming the importance of international cooperation for the promotion of human rights and".split()


def test_measure_counts_confidence_and_lexicon_words():
    m = quality.measure(_data([(w, 90.0) for w in SENTENCE] + [("JOqQuID90qj", 20.0), ("|", 10.0), ("12", 95.0)]))
    assert m["words"] == len(SENTENCE) + 2  # "JOqQuID" and "qj": letters only, two or more
    assert m["lexicon_share"] == round(len(SENTENCE) / (len(SENTENCE) + 2), 3)
    assert m["mean_confidence"] == round((90 * len(SENTENCE) + 20 + 95) / (len(SENTENCE) + 2), 1)
    assert not m["sideways"]


VERDICTS = [  # (mean confidence, lexicon share, words, scanned dpi, ink share) -> status
    ((92, 0.97, 300, 300, 0.05), "good"),
    ((92, 0.97, 300, 72, 0.05), "poor"),  # a 72 dpi scan is never good by default
    ((70, 0.90, 300, 300, 0.05), "poor"),
    ((88, 0.78, 300, 300, 0.05), "poor"),
    ((36, 0.30, 300, 300, 0.05), "unreadable"),  # a page read turned
    ((60, 0.40, 300, 300, 0.05), "unreadable"),
    ((None, None, 0, 300, 0.001), "poor"),  # blank page: a verdict, never good
    ((40, 0.2, 3, 300, 0.45), "unreadable"),  # a photograph: ink without words
]


@pytest.mark.parametrize("measures,status", VERDICTS)
def test_page_verdict(measures, status):
    conf, share, words, dpi, ink = measures
    m = {"mean_confidence": conf, "lexicon_share": share, "words": words, "known_chars": 0}
    assert quality.page_verdict(m, dpi=dpi, ink_share=ink)[0] == status


def test_sideways_reading_is_unreadable_and_scores_nothing():
    m = quality.measure(_data([(w, 90.0) for w in SENTENCE * 2], tall=True))
    assert m["sideways"]
    assert quality.page_verdict(m, dpi=300)[0] == "unreadable"
    upright = quality.measure(_data([(w, 60.0) for w in SENTENCE * 2]))
    assert quality.score(upright) > quality.score(m)


def test_document_status_is_the_worst_page():
    assert quality.document_status([{"status": "good"}, {"status": "good"}]) == "good"
    assert quality.document_status([{"status": "good"}, {"status": "poor"}]) == "poor"
    assert quality.document_status([{"status": "poor"}, {"status": "unreadable"}]) == "unreadable"


def test_unreadable_reason_says_what_was_tried_and_what_to_do():
    page = {"page": 2, "status": "unreadable", "rotation": 180, "dpi": 200,
            "preprocessing": ["upsample 200->300", "rotate 180", "deskew 0.5", "denoise 3", "binarize otsu"],
            "why": "mean confidence 21, 30% of words in the lexicon"}
    reason = quality.unreadable_reason(page)
    assert reason.startswith("page 2 unreadable: mean confidence 21")
    assert "rotation by 180" in reason and "cleaning (upsample, rotate, denoise, binarize)" in reason
    assert reason.endswith("rescan at 300 dpi or more")


def test_a_speckled_bilevel_scan_is_despeckled_before_its_first_reading():
    rng = np.random.default_rng(5)
    page = _glyphs(_page(200, 400))
    assert prepare.is_bilevel(page) and prepare.plan_bilevel(page, 200) == []  # clean: nothing to do
    specked = page.copy()
    specked[rng.integers(0, 200, 400), rng.integers(0, 400, 400)] = 0
    steps = prepare.plan_bilevel(specked, 200)
    assert steps == [("despeckle", {"max_area": 4})]  # 8 px at 300 dpi is 3.6 px at 200
    out, log = prepare.apply_plan(specked, steps)
    assert log == ["despeckle 4"]
    assert prepare.speckle_count(out, 200) < 0.5 * prepare.speckle_count(specked, 200)  # those beside letters stay
    assert (out[page == 0] == 0).all()
    grey = np.where(page == 0, 60, 200).astype(np.uint8)
    grey[::7, ::5] = 128
    assert not prepare.is_bilevel(grey)


def test_a_photocopy_s_larger_specks_go_too_but_never_a_full_stop_by_its_word():
    """Specks of 3 px at 200 dpi (a dirtier glass) are as large as a full stop: only those standing
    0.8 mm from any glyph go, so the stop two pixels from its letter stays.  A fax's specks are
    measured in its own pixels, 204 across and 98 down."""
    rng = np.random.default_rng(6)
    text = _glyphs(_page(200, 400))
    text[37:40, 147:150] = 0  # a full stop two pixels after a letter's foot
    page = text.copy()
    for y, x in zip(rng.integers(0, 196, 50), rng.integers(0, 396, 50)):
        page[y:y + 3, x:x + 3] = 0
    page[30:45, 140:160] = text[30:45, 140:160]
    far = cv2.dilate((text < 128).astype(np.uint8), np.ones((13, 13), np.uint8)) == 0
    steps = prepare.plan_bilevel(page, 200)
    assert steps == [("despeckle", {"max_area": 9, "apart": 6, "alone": True})]
    out, log = prepare.apply_plan(page, steps)
    assert log == ["despeckle 9"]
    assert (out[37:40, 147:150] == 0).all() and (out[text == 0] == 0).all()  # the full stop and the letters stay
    assert np.count_nonzero(out[far] < 128) < 0.3 * np.count_nonzero(page[far] < 128)  # specks apart go (not two side by side)
    broken = text.copy()  # a light threshold breaks the letters into pieces as small as specks, side by side
    broken[::4, :] = 255
    broken[:, ::3] = 255
    assert prepare.despeckle(broken, 9, 6, alone=True) is broken
    fax = text.copy()
    for y, x in zip(rng.integers(0, 198, 300), rng.integers(0, 398, 300)):
        fax[y:y + 2, x:x + 2] = 0
    assert ("despeckle", {"max_area": 4, "apart": 3, "alone": True}) in prepare.plan_bilevel(fax, (204, 98))


def test_smooth_turns_a_bilevel_staircase_into_a_ramp():
    img = _glyphs(_page())
    out = prepare.smooth(img, 0.6)
    assert out.shape == img.shape and len(np.unique(out)) > 2
    assert (out[img == 0] < 128).mean() > 0.9 and (out[img == 255] > 128).mean() > 0.98


def test_paper_noise_tells_grain_from_clean_and_compressed_pages():
    rng = np.random.default_rng(9)
    clean = np.where(_glyphs(_page(400, 400)) == 0, 20, 235).astype(np.uint8)
    assert prepare.paper_noise(clean) < 1 and prepare.plan_grey(clean) == []
    import cv2
    ok, jpeg = cv2.imencode(".jpg", clean, [cv2.IMWRITE_JPEG_QUALITY, 30])
    compressed = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)
    assert prepare.paper_noise(compressed) < prepare.NOISY  # ringing at glyph edges is no grain
    grainy = np.clip(clean + rng.normal(0, 15, clean.shape), 0, 255).astype(np.uint8)
    assert prepare.paper_noise(grainy) > 10
    assert prepare.plan_grey(grainy) == [("denoise", {"size": 3})]


def test_a_page_sprinkled_with_specks_is_median_filtered_and_despeckled():
    """Salt-and-pepper noise: single dark and light pixels over paper and strokes alike.  The paper's
    median grey does not move, so grain alone misses it; the specks outnumber the letters."""
    rng = np.random.default_rng(4)
    clean = np.where(_glyphs(_page(400, 400)) == 0, 20, 235).astype(np.uint8)
    assert not prepare.sprinkled(clean)
    salt = clean.copy()
    hit = rng.random(salt.shape)
    salt[hit < 0.004], salt[hit > 0.996] = 0, 255
    assert prepare.paper_noise(salt) < prepare.NOISY and prepare.sprinkled(salt)
    steps = prepare.plan_grey(salt)
    assert steps == [("denoise", {"size": 3}), ("despeckle", {"max_area": 8})]
    out, log = prepare.apply_plan(salt, steps)
    assert log[0] == "denoise 3"
    assert np.count_nonzero(out < 128) == pytest.approx(np.count_nonzero(clean < 128), rel=0.05)
    grainy = np.clip(clean + rng.normal(0, 15, clean.shape), 0, 255).astype(np.uint8)
    assert prepare.plan_grey(grainy) == [("denoise", {"size": 3})]  # grain's own specks: the median only


def test_a_scan_with_coarse_rows_is_softened_along_its_rows_by_its_own_pitch():
    """Evidence is the scan's two resolutions: a fax's standard mode (98 rows an inch) is softened
    along its rows by a column's width, a quarter row down; rows of 150 dpi or more are left alone."""
    assert prepare.plan_coarse_rows(204, 98, 300) == [("soften", {"across": 1.47, "down": 0.77})]
    assert prepare.plan_coarse_rows(200, 100, 300) == [("soften", {"across": 1.5, "down": 0.75})]
    assert prepare.plan_coarse_rows(98, 204, 300) == [("soften", {"across": 0.77, "down": 1.47})]
    assert prepare.plan_coarse_rows(204, 196, 300) == [] and prepare.plan_coarse_rows(200, 200, 300) == []
    stem = _page(40, 40)
    stem[:, 18:21] = 0   # a vertical stem ...
    stem[10:13, :] = 0   # ... crossed by a bar three rows tall
    out = prepare.soften(stem, across=1.5, down=0.75)
    assert out[25, 17] > 60 and out[25, 21] > 60  # the stem's edges become ramps across the row
    assert out[11, 5] < 40 and out[11, 35] < 40  # the bar keeps its ink down the page
    assert prepare.prepared_for_rows(["stretch 204x98->300", "soften 1.47"])
    assert not prepare.prepared_for_rows(["smooth 0.6", "stretch 204x196->204", "upsample 204->300"])


def _dithered(page: np.ndarray, paper: int) -> np.ndarray:
    """A scanner's bilevel mode with error diffusion (Pillow's Floyd-Steinberg) of print on grey paper."""
    from PIL import Image
    grey = (page.astype(np.float32) / 255 * paper).astype(np.uint8)
    return np.asarray(Image.fromarray(grey).convert("1").convert("L"))


@pytest.mark.parametrize("paper", [195, 215, 235])
def test_a_dithered_page_is_descreened_into_grey_before_anything_else(paper):
    """Grey paper dithered is a field of dots Tesseract reads as ink (56% of body words missed on a 300 dpi
    page): most of the page's ink stands in dots, so it is smoothed into grey, by a spread in the scan's own
    pixels (the dots' pitch is in pixels at any resolution), and its print comes back solid."""
    text = _glyphs(_page(200, 400))
    dots = _dithered(text, paper)
    assert prepare.is_bilevel(dots) and prepare.screened(dots, 300)
    assert prepare.plan_screen(dots, 300) == prepare.plan_screen(dots, 150) == [("descreen", {"sigma": 1.25})]
    out, log = prepare.apply_plan(dots, prepare.plan_screen(dots, 300))
    assert log == ["descreen 1.25"]
    _, ink = cv2.threshold(out, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    truth = text == 0
    assert (ink[truth] > 0).mean() > 0.9 and (ink[~truth] > 0).mean() < 0.05  # the print, and no dot left


def test_no_photocopy_fax_or_speckled_page_is_taken_for_a_screen():
    rng = np.random.default_rng(8)
    text = _glyphs(_page(200, 400))
    assert not prepare.screened(text, 300) and prepare.plan_screen(text, 200) == []
    specked = text.copy()  # a dirty glass: 1% of the page in specks of 1-2 px, more specks than letters
    for y, x in zip(rng.integers(0, 198, 600), rng.integers(0, 398, 600)):
        specked[y:y + rng.integers(1, 3), x:x + rng.integers(1, 3)] = 0
    assert prepare.speckle_count(specked, 300) > prepare.SPECKLED and not prepare.screened(specked, 200)
    broken = text.copy()  # a light threshold: letters broken into pieces
    broken[::4, :] = 255
    assert not prepare.screened(broken, 200)


@pytest.mark.parametrize("sides", [("top", "bottom", "left", "right"), ("left",)])
def test_a_scan_s_dark_border_is_made_paper_and_the_print_kept(sides):
    """A copier's open lid frames the page in black; a worn copier darkens a band along one side.  The
    border is no content: it goes, with its edge's grey halo; the print beside it stays."""
    text = np.full((240, 440), 240, np.uint8)
    text[20:220, 20:420] = np.where(_glyphs(_page(200, 400)) == 0, 20, 240)  # print 30 px or more from the edge
    page = text.copy()
    for side in sides:
        band = {"top": np.s_[:12], "bottom": np.s_[-9:], "left": np.s_[:, :7], "right": np.s_[:, -15:]}[side]
        page[band] = 0
    page = cv2.GaussianBlur(page, (0, 0), 0.8)
    steps = prepare.plan_border(page)
    assert steps == [("unborder", {"span": prepare.BORDER_SPAN})]
    out, log = prepare.apply_plan(page, steps)
    assert log == ["unborder 0.25"]
    assert (out < 128).sum() == pytest.approx((text < 128).sum(), rel=0.05)  # the print stays
    edge = np.ones(out.shape, bool)
    edge[20:-20, 20:-20] = False
    assert (out[edge] < 200).sum() == 0  # the border and its halo are paper


def test_a_page_with_a_clean_edge_or_a_letter_at_the_edge_keeps_its_edge():
    text = _glyphs(_page(200, 400))
    assert prepare.plan_border(text) == []
    cut = text.copy()
    cut[60:90, :6] = 0  # a letter the scan cut at the left edge: short, no border
    assert prepare.plan_border(cut) == []
    assert prepare.unborder(cut) is cut

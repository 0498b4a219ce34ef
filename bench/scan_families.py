"""Families of scan damage, made from born-digital PDFs with seeded, documented parameters.

Independent of ``bench/make_scans.py`` (its two variants are what the pipeline
was first tuned on): other resolutions, other noise models, other typefaces.
Each family draws its parameters per page from the ranges below with a
``random.Random`` seeded by (seed, family, file name, page), so a rerun gives
the same bytes and two pages of one family differ.

=================  ======================================================================
family             what it imitates, and its parameters
=================  ======================================================================
clean300           an office scan: 300 dpi grey, JPEG quality 90
bilevel200         a thresholded photocopy: 200 dpi, blur sigma 0.4-0.8, dark specks
                   (0.05-0.15% of pixels, 1-2 px) and light dropouts (0.02-0.05%), hard
                   threshold at grey 135-175, stored 1 bit (CCITT G4)
dpi150             a low-resolution scan: 150 dpi grey, JPEG quality 85
noise_blur         a worn scanner: 300 dpi, blur sigma 0.9-1.4, Gaussian grey noise
                   sigma 14-24, background shade 0-25 grey levels across the page
jpeg30             heavy compression: 200 dpi grey, JPEG quality 30
skew3              a page fed crooked: 300 dpi grey, rotated uniformly -3..3 degrees
turned90           a page fed sideways: 300 dpi, turned 90 degrees (clockwise or not, drawn)
turned180          a page fed upside down: 300 dpi, turned 180 degrees
eroded             light print: 300 dpi, only stroke cores darker than grey 60-90 kept as
                   ink (strokes about 2 px thinner), 0.5-1.5% of ink pixels dropped
bled               heavy print: 300 dpi, ink thickened by a 3x3 min filter, blur 0.6-1.0
typewriter         the text re-set in a typewriter face (Nimbus Mono / Liberation Mono) at
                   each word's place, superscripts raised and smaller, 300 dpi grey
typewriter_poor    the same, then 200 dpi bilevel with specks as bilevel200
sans300            the text re-set the same way in a sans serif face (Liberation Sans, metric-compatible
                   with Arial; DejaVu Sans), 300 dpi grey: the third typeface of the marker targets
sans_poor          the sans serif re-set, then a 200 dpi bilevel photocopy with specks as bilevel200, its
                   threshold lower (grey 110-150: thinner strokes, small print breaking up)
fax                a fax in standard mode: 204 dpi across, 98 down (rendered at 204 dpi, rows averaged
                   to 98), blur sigma 0.3-0.6, threshold at grey 120-160, a few dark specks (0.02-0.06%),
                   stored 1 bit (CCITT G4) with its two resolutions
=================  ======================================================================

**Held-out variants** (``VARIANTS``; ``--families variants``): the same kinds of damage with settings
outside the ranges above, and damage they do not make, as another generator would.  Nothing in the
pipeline was set on them; they exist to find what a rule tuned to the families above gets wrong.

=================  ======================================================================
variant            what it imitates, and its parameters
=================  ======================================================================
salt_pepper        impulse noise: 300 dpi grey, 0.2-0.6% of pixels set black and as many white,
                   JPEG quality 70-85
specks3            a dirtier glass: 200 dpi bilevel, blur sigma 0.4-0.7, square specks of 2-3 px
                   (one for every 1000-2000 pixels), threshold at grey 115-140
bilevel_thin       a light photocopy: 200 dpi bilevel, blur 0.5-0.7, specks as bilevel200,
                   threshold at grey 90-110 (strokes and small print break up)
bilevel_bold       a dark photocopy: 200 dpi bilevel, blur 0.8-1.0, specks as bilevel200,
                   threshold at grey 200-220 (strokes thicken, counters fill)
photocopy_dark     a worn copier: 240 dpi, strokes widened by a 3x3 min filter, blur 0.6-0.9, dark
                   specks 0.2-0.4%, a black band 15-35 px at the left edge, threshold at grey 180-200
bilevel150         a low-resolution bilevel scan: 150 dpi, grey noise sigma 15-25, threshold 140-160
dpi100             a very low resolution: 100 dpi grey, JPEG quality 85
turned270_skew     sideways and crooked: 300 dpi grey, rotated -2..2 degrees, then turned 90 or 270
bled_heavy         very heavy print: 300 dpi, a 5x5 min filter, blur 1.0-1.4
fine_fax           a fax in fine mode: 204 x 196 dpi, blur 0.3-0.5, threshold at grey 130-150
tw_sans_bw         the text re-set in DejaVu Sans Mono, a 200 dpi bilevel photocopy with specks,
                   threshold at grey 110-130
fax_sampled        a fax machine that samples rows: 200 dpi across, 100 down, every other row of a
                   200 dpi rendering kept (no averaging), no blur, threshold at grey 128-170
fax_thin           a light fax: 204 x 98, rows averaged, no blur, threshold at grey 95-115 (thin strokes)
fax_bold           a dark fax: 204 x 98, rows interpolated (bilinear), blur 0.5-0.9, threshold at grey
                   180-210 (thick strokes)
gutter_shadow      a bound volume's gutter: 300 dpi grey, one side darkened by 90-140 grey levels, the
                   shadow fading over 20-35% of the width (a smooth ramp), JPEG quality 80
faded_carbon       a faded carbon copy: 300 dpi grey, ink lifted to grey 95-130 on paper at 185-210, blur
                   0.6-1.0, grey noise sigma 5-10, JPEG quality 80
yellowed_rgb       an old page scanned in colour: 300 dpi RGB, paper tinted yellow-brown, 2-4 large soft
                   stains, ink dark brown, JPEG quality 75
dithered           a scanner's bilevel mode with error diffusion: 300 dpi, blur 0.7-1.1, paper at grey
                   190-215, Floyd-Steinberg dithering to 1 bit
warped             a page bowed on the glass: 300 dpi grey, each column shifted up or down by a smooth
                   curve of amplitude 4-10 px (lines curve), JPEG quality 85
lid_border         a copier's open lid: 300 dpi grey, black borders 25-70 px on all four sides, rotated
                   -1.5..1.5 degrees inside them, JPEG quality 85
dpi72              a screen-resolution scan: 72 dpi grey, JPEG quality 85 (the issue's 72 dpi page)
archive_marks      an archive's copy: 300 dpi grey, two or three punched holes printed black in the left
                   margin (6 mm), a rubber stamp ("RECEIVED", a date, a registry number) in a box turned
                   -12..12 degrees in the top right margin, grey 60-110, and two or three hand-drawn
                   strokes (pen 3-5 px, wavy) under body lines or in the right margin, JPEG quality 85
=================  ======================================================================

    python3 bench/scan_families.py --out /tmp/fam --families clean300,bilevel200 A_RES_80_37
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FAMILIES = ("clean300", "bilevel200", "dpi150", "noise_blur", "jpeg30", "skew3", "turned90", "turned180",
            "eroded", "bled", "typewriter", "typewriter_poor", "sans300", "sans_poor", "fax")  # new families go last: --per-family
VARIANTS = ("salt_pepper", "specks3", "bilevel_thin", "bilevel_bold", "photocopy_dark", "bilevel150", "dpi100",
            "turned270_skew", "bled_heavy", "fine_fax", "tw_sans_bw", "fax_sampled", "fax_thin", "fax_bold",
            "gutter_shadow", "faded_carbon", "yellowed_rgb", "dithered", "warped", "lid_border", "dpi72", "archive_marks")  # held out: see the docstring
ALL = FAMILIES + VARIANTS
SANS_FONTS = (str(Path(__file__).resolve().parent.parent / "tests" / "data" / "fonts" / "LiberationSans-Regular.ttf"),
              "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MONO_FONTS = ("/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf",
              "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")


def render(pdf_path: Path, page: int, dpi: int) -> Image.Image:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


def _font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(6, size_px))


def _lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into printed lines: a raised marker joins the line it stands in."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (-float(w["size"]), float(w["top"]))):
        mid = (float(w["top"]) + float(w["bottom"])) / 2
        for line in lines:
            head = line[0]
            if float(head["top"]) - 1 <= mid <= float(head["bottom"]) + 1:
                line.append(w)
                break
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: float(w["x0"])) for line in lines]


def typeset_mono(pdf_path: Path, page: int, dpi: int, font_path: str) -> Image.Image:
    """The page's text re-set in a monospaced face (or any other): each line from its own left edge, ragged right.

    A line keeps its indent, size and place; its words follow one another one
    space apart (a gap as wide as a tab stays a tab), shrunk as far as the line
    needs to fit its original width (a typewriter face is wider than Times); a
    word printed smaller and raised (a footnote marker) stays smaller and
    raised, glued to its word when it was.
    """
    k = dpi / 72
    with pdfplumber.open(pdf_path) as pdf:
        p = pdf.pages[page]
        img = Image.new("L", (round(float(p.width) * k), round(float(p.height) * k)), 255)
        draw = ImageDraw.Draw(img)
        words = p.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=False)
        for line in _lines(words):
            main = max(float(w["size"]) for w in line)
            base_w = max(line, key=lambda w: float(w["size"]))
            x0, x1 = float(line[0]["x0"]), max(float(w["x1"]) for w in line)
            font = _font(font_path, round(main * k))
            adv = draw.textlength(" ".join(w["text"] for w in line), font=font)
            factor = min(1.0, (x1 - x0) * k / adv) if adv else 1.0
            factor = max(factor, 0.55)
            cursor, prev = x0 * k, None
            space = draw.textlength(" ", font=_font(font_path, round(main * k * factor)))
            for w in line:
                size = float(w["size"]) * k * factor
                wf = _font(font_path, round(size))
                if prev is not None:
                    gap = float(w["x0"]) - float(prev["x1"])
                    if gap >= 1.5 * main:
                        cursor = max(cursor + space, float(w["x0"]) * k)  # a tab stop
                    elif gap > 0.08 * main:
                        cursor += space
                ascent, _ = wf.getmetrics()
                # baseline: the word's bottom less its descent; a raised word keeps its rise
                rise = (float(base_w["bottom"]) - float(w["bottom"])) * k
                baseline = float(base_w["bottom"]) * k - 0.22 * main * k - rise
                draw.text((cursor, baseline - ascent), w["text"], font=wf, fill=0)
                cursor += draw.textlength(w["text"], font=wf)
                prev = w
        for line in p.lines + p.rects:
            if float(line["bottom"]) - float(line["top"]) <= 2.5 and float(line["x1"]) - float(line["x0"]) >= 20:
                draw.rectangle([float(line["x0"]) * k, float(line["top"]) * k, float(line["x1"]) * k,
                                max(float(line["bottom"]) * k, float(line["top"]) * k + 1)], fill=0)
    return img


def _specks(arr: np.ndarray, rng: np.random.Generator, dark: float, light: float) -> np.ndarray:
    out = arr.copy()
    n = arr.size
    for share, value in ((dark, 0), (light, 255)):
        count = int(n * share)
        ys = rng.integers(0, arr.shape[0] - 2, count)
        xs = rng.integers(0, arr.shape[1] - 2, count)
        sizes = rng.integers(1, 3, count)
        for y, x, s in zip(ys, xs, sizes):
            out[y:y + s, x:x + s] = value
    return out


def _bilevel(img: Image.Image, rng: random.Random, nrng: np.random.Generator,
             cut: tuple[float, float] = (135, 175), blur: tuple[float, float] = (0.4, 0.8)) -> Image.Image:
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(*blur)))
    arr = _specks(np.asarray(img), nrng, rng.uniform(0.0005, 0.0015), rng.uniform(0.0002, 0.0005))
    cut = rng.uniform(*cut)
    return Image.fromarray(np.where(arr > cut, 255, 0).astype(np.uint8)).convert("1")


def make_page(src: Path, page: int, family: str, seed: int) -> tuple[Image.Image, int, dict]:
    """One page of ``src`` damaged as ``family`` says: (image, dpi, save options)."""
    rng = random.Random(f"{seed}:{family}:{src.name}:{page}")
    nrng = np.random.default_rng(rng.randrange(2 ** 32))
    jpeg = {"quality": 90}
    if family == "clean300":
        return render(src, page, 300), 300, jpeg
    if family == "bilevel200":
        return _bilevel(render(src, page, 200), rng, nrng), 200, {}
    if family == "dpi150":
        return render(src, page, 150), 150, {"quality": 85}
    if family == "noise_blur":
        img = render(src, page, 300).filter(ImageFilter.GaussianBlur(rng.uniform(0.9, 1.4)))
        arr = np.asarray(img, dtype=np.float32)
        shade = np.linspace(0, rng.uniform(0, 25), arr.shape[1])[None, :]
        arr = arr - shade + nrng.normal(0, rng.uniform(14, 24), arr.shape)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), 300, jpeg
    if family == "jpeg30":
        return render(src, page, 200), 200, {"quality": 30}
    if family == "skew3":
        img = render(src, page, 300)
        return img.rotate(rng.uniform(-3, 3), resample=Image.BICUBIC, fillcolor=255), 300, jpeg
    if family == "turned90":
        img = render(src, page, 300)
        return img.rotate(rng.choice((90, 270)), expand=True), 300, jpeg
    if family == "turned180":
        return render(src, page, 300).rotate(180), 300, jpeg
    if family == "eroded":
        # only the darkest core of each stroke stays ink (about a pixel off each edge), and some of it drops out
        arr = np.asarray(render(src, page, 300)).copy()
        ink = np.nonzero(arr < 100)
        drop = nrng.random(ink[0].size) < rng.uniform(0.005, 0.015)
        arr[ink[0][drop], ink[1][drop]] = 255
        cut = rng.uniform(60, 90)
        return Image.fromarray(np.where(arr > cut, 255, 0).astype(np.uint8)), 300, jpeg
    if family == "bled":
        img = render(src, page, 300).filter(ImageFilter.MinFilter(3))
        return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.0))), 300, jpeg
    if family in ("typewriter", "typewriter_poor"):
        font = next(f for f in MONO_FONTS if Path(f).exists())
        img = typeset_mono(src, page, 300, font)
        if family == "typewriter":
            return img, 300, jpeg
        small = img.resize((round(img.width * 2 / 3), round(img.height * 2 / 3)), Image.LANCZOS)
        return _bilevel(small, rng, nrng), 200, {}
    if family in ("sans300", "sans_poor"):
        img = typeset_mono(src, page, 300, next(f for f in SANS_FONTS if Path(f).exists()))
        if family == "sans300":
            return img, 300, jpeg
        small = img.resize((round(img.width * 2 / 3), round(img.height * 2 / 3)), Image.LANCZOS)
        return _bilevel(small, rng, nrng, cut=(110, 150)), 200, {}
    if family == "fax":
        img = render(src, page, 204).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.6)))
        img = img.resize((img.width, round(img.height * 98 / 204)), Image.BOX)  # rows averaged: 98 lines an inch
        arr = _specks(np.asarray(img), nrng, rng.uniform(0.0002, 0.0006), 0.0)
        cut = rng.uniform(120, 160)
        return Image.fromarray(np.where(arr > cut, 255, 0).astype(np.uint8)).convert("1"), (204, 98), {}
    if family in VARIANTS:
        return _variant(src, page, family, rng, nrng)
    raise ValueError(f"unknown family {family!r}; known: {', '.join(ALL)}")


def _square_specks(arr: np.ndarray, nrng: np.random.Generator, share: float, sizes: tuple[int, int]) -> np.ndarray:
    out = arr.copy()
    count = int(arr.size * share)
    for y, x, s in zip(nrng.integers(0, arr.shape[0] - sizes[1], count), nrng.integers(0, arr.shape[1] - sizes[1], count),
                       nrng.integers(sizes[0], sizes[1] + 1, count)):
        out[y:y + s, x:x + s] = 0
    return out


def _variant(src: Path, page: int, family: str, rng: random.Random,
             nrng: np.random.Generator) -> tuple[Image.Image, int | tuple[int, int], dict]:
    """A held-out variant (see the docstring's second table)."""
    def cut(arr: np.ndarray, lo: float, hi: float) -> Image.Image:
        return Image.fromarray(np.where(arr > rng.uniform(lo, hi), 255, 0).astype(np.uint8)).convert("1")

    if family == "salt_pepper":
        arr = np.asarray(render(src, page, 300)).copy()
        hit, share = nrng.random(arr.shape), rng.uniform(0.002, 0.006)
        arr[hit < share], arr[hit > 1 - share] = 0, 255
        return Image.fromarray(arr), 300, {"quality": rng.randint(70, 85)}
    if family == "specks3":
        img = render(src, page, 200).filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.7)))
        return cut(_square_specks(np.asarray(img), nrng, rng.uniform(0.0005, 0.001), (2, 3)), 115, 140), 200, {}
    if family == "bilevel_thin":
        return _bilevel(render(src, page, 200), rng, nrng, cut=(90, 110), blur=(0.5, 0.7)), 200, {}
    if family == "bilevel_bold":
        return _bilevel(render(src, page, 200), rng, nrng, cut=(200, 220), blur=(0.8, 1.0)), 200, {}
    if family == "photocopy_dark":
        img = render(src, page, 240).filter(ImageFilter.MinFilter(3)).filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 0.9)))
        arr = _specks(np.asarray(img), nrng, rng.uniform(0.002, 0.004), 0.0)
        arr[:, :rng.randint(15, 35)] = 0
        return cut(arr, 180, 200), 240, {}
    if family == "bilevel150":
        arr = np.asarray(render(src, page, 150), dtype=np.float32)
        return cut(arr + nrng.normal(0, rng.uniform(15, 25), arr.shape), 140, 160), 150, {}
    if family == "dpi100":
        return render(src, page, 100), 100, {"quality": 85}
    if family == "turned270_skew":
        img = render(src, page, 300).rotate(rng.uniform(-2, 2), resample=Image.BICUBIC, fillcolor=255)
        return img.rotate(rng.choice((90, 270)), expand=True), 300, {"quality": 85}
    if family == "bled_heavy":
        img = render(src, page, 300).filter(ImageFilter.MinFilter(5))
        return img.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 1.4))), 300, {"quality": 85}
    if family == "fine_fax":
        img = render(src, page, 204).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.5)))
        img = img.resize((img.width, round(img.height * 196 / 204)), Image.BOX)
        return cut(np.asarray(img), 130, 150), (204, 196), {}
    if family == "fax_sampled":
        img = render(src, page, 200)
        return cut(np.asarray(img)[::2], 128, 170), (200, 100), {}
    if family == "fax_thin":
        img = render(src, page, 204)
        return cut(np.asarray(img.resize((img.width, round(img.height * 98 / 204)), Image.BOX)), 95, 115), (204, 98), {}
    if family == "fax_bold":
        img = render(src, page, 204).filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.9)))
        img = img.resize((img.width, round(img.height * 98 / 204)), Image.BILINEAR)
        return cut(np.asarray(img), 180, 210), (204, 98), {}
    if family == "gutter_shadow":
        arr = np.asarray(render(src, page, 300), dtype=np.float32)
        w = arr.shape[1]
        reach, depth = int(w * rng.uniform(0.20, 0.35)), rng.uniform(90, 140)
        ramp = np.clip(1 - np.arange(w) / reach, 0, 1) ** 2 * depth
        ramp = ramp if rng.random() < 0.5 else ramp[::-1]
        return Image.fromarray(np.clip(arr - ramp[None, :], 0, 255).astype(np.uint8)), 300, {"quality": 80}
    if family == "faded_carbon":
        img = render(src, page, 300).filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.0)))
        ink, paper = rng.uniform(95, 130), rng.uniform(185, 210)
        arr = ink + np.asarray(img, dtype=np.float32) / 255 * (paper - ink)
        arr += nrng.normal(0, rng.uniform(5, 10), arr.shape)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), 300, {"quality": 80}
    if family == "yellowed_rgb":
        grey = np.asarray(render(src, page, 300), dtype=np.float32) / 255
        h, w = grey.shape
        paper = np.array([rng.uniform(225, 240), rng.uniform(205, 222), rng.uniform(160, 190)], np.float32)
        stain = np.zeros((h, w), np.float32)
        yy, xx = np.mgrid[0:h:8, 0:w:8]
        for _ in range(rng.randint(2, 4)):
            cy, cx, r = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(0.08, 0.2) * w
            stain[::8, ::8] += rng.uniform(25, 45) * np.exp(-(((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r)))
        stain = np.asarray(Image.fromarray(stain[::8, ::8]).resize((w, h), Image.BILINEAR))
        ink = np.array([55, 40, 30], np.float32)
        rgb = ink + grey[..., None] * (paper - ink) - stain[..., None] * np.array([0.6, 0.8, 1.0], np.float32)
        return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB"), 300, {"quality": 75}
    if family == "dithered":
        img = render(src, page, 300).filter(ImageFilter.GaussianBlur(rng.uniform(0.7, 1.1)))
        paper = rng.uniform(190, 215)
        arr = np.asarray(img, dtype=np.float32) / 255 * paper
        return Image.fromarray(arr.astype(np.uint8)).convert("1"), 300, {}  # Pillow dithers Floyd-Steinberg
    if family == "warped":
        arr = np.asarray(render(src, page, 300))
        h, w = arr.shape
        amp, waves, phase = rng.uniform(4, 10), rng.uniform(0.5, 1.2), rng.uniform(0, 2 * np.pi)
        shift = np.round(amp * np.sin(np.linspace(0, 2 * np.pi * waves, w) + phase)).astype(int)
        out = np.full_like(arr, 255)
        for x in range(w):
            s = shift[x]
            out[max(0, s):h + min(0, s), x] = arr[max(0, -s):h - max(0, s), x]
        return Image.fromarray(out), 300, {"quality": 85}
    if family == "lid_border":
        img = render(src, page, 300).rotate(rng.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=255)
        arr = np.asarray(img).copy()
        for side in range(4):
            b = rng.randint(25, 70)
            if side == 0:
                arr[:b] = 0
            elif side == 1:
                arr[-b:] = 0
            elif side == 2:
                arr[:, :b] = 0
            else:
                arr[:, -b:] = 0
        return Image.fromarray(arr), 300, {"quality": 85}
    if family == "archive_marks":
        img = render(src, page, 300).convert("L")
        w, h = img.size
        draw = ImageDraw.Draw(img)
        r = round(3 / 25.4 * 300)  # a 6 mm hole
        holes = rng.choice((2, 3))
        for k in range(holes):
            cy = round(h * (0.5 + (k - (holes - 1) / 2) * rng.uniform(0.22, 0.3)))
            cx = round(rng.uniform(0.025, 0.045) * w)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=0)
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", rng.randint(34, 44))
        day = f"{rng.randint(1, 28)} {rng.choice(('JAN', 'MAR', 'JUN', 'SEP', 'NOV'))} {rng.randint(1985, 1999)}"
        stamp = Image.new("L", (520, 230), 255)
        sd = ImageDraw.Draw(stamp)
        sd.rectangle((6, 6, 513, 223), outline=0, width=7)
        for k, text in enumerate(("RECEIVED", day, f"No. {rng.randint(100, 9999)}")):
            sd.text((30, 18 + 68 * k), text, font=font, fill=0)
        stamp = stamp.rotate(rng.uniform(-12, 12), expand=True, fillcolor=255, resample=Image.BICUBIC)
        grey = rng.uniform(60, 110)
        at = (round(w * rng.uniform(0.6, 0.68)), round(h * rng.uniform(0.03, 0.09)))
        region = img.crop((at[0], at[1], at[0] + stamp.width, at[1] + stamp.height))
        inked = np.minimum(np.asarray(region, np.float32),
                           255 - (255 - np.asarray(stamp, np.float32)) * (255 - grey) / 255)
        img.paste(Image.fromarray(inked.astype(np.uint8)), at)
        for _ in range(rng.randint(2, 3)):  # a reader's pen: a wavy underline or a margin stroke
            x0, y0 = rng.uniform(0.15, 0.5) * w, rng.uniform(0.35, 0.85) * h
            length, pen = rng.uniform(0.15, 0.35) * w, rng.randint(3, 5)
            if rng.random() < 0.5:
                pts = [(x0 + t * length, y0 + 4 * np.sin(t * 9 + rng.uniform(0, 3))) for t in np.linspace(0, 1, 40)]
            else:
                xm = rng.uniform(0.88, 0.93) * w
                pts = [(xm + 5 * np.sin(t * 7), y0 + t * length * 0.5) for t in np.linspace(0, 1, 40)]
            draw.line(pts, fill=rng.randint(30, 80), width=pen, joint="curve")
        return img, 300, {"quality": 85}
    if family == "dpi72":
        return render(src, page, 72), 72, {"quality": 85}
    # tw_sans_bw
    img = typeset_mono(src, page, 300, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
    small = img.resize((img.width * 2 // 3, img.height * 2 // 3), Image.BILINEAR).filter(ImageFilter.GaussianBlur(0.6))
    return cut(_specks(np.asarray(small), nrng, rng.uniform(0.001, 0.002), 0.0005), 110, 130), 200, {}


def make_scan(src: Path, out: Path, family: str, seed: int, pages: list[int]) -> Path:
    """An image-only PDF of ``pages`` (0-based) of ``src``, damaged as ``family``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    made = [make_page(src, p, family, seed) for p in pages]
    (first, dpi, opts), rest = made[0], [m[0] for m in made[1:]]
    # grey pages are stored as JPEG at the family's quality, bilevel ones as CCITT G4; a fax with its two resolutions
    res = {"dpi": dpi} if isinstance(dpi, tuple) else {"resolution": dpi}
    first.save(out, "PDF", save_all=True, append_images=rest, **res, **opts)
    return out


def family_names(spec: str) -> list[str]:
    """``--families``: names separated by commas; ``variants`` stands for every held-out variant."""
    names: list[str] = []
    for name in filter(None, spec.split(",")):
        names += list(VARIANTS) if name == "variants" else [name]
    return names


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docs", nargs="+", help="born-digital PDFs or corpus stems")
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus/un-pdfs"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--families", default=",".join(FAMILIES), help="names, or 'variants' for the held-out ones")
    ap.add_argument("--pages", type=int, default=2, help="first N pages of each document")
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args(argv)
    for d in args.docs:
        src = Path(d) if Path(d).suffix == ".pdf" else args.corpus / f"{d}.pdf"
        n = min(args.pages, len(pdfium.PdfDocument(str(src))))
        for fam in family_names(args.families):
            out = make_scan(src, args.out / fam / src.name, fam, args.seed, list(range(n)))
            print(f"{fam}: {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()

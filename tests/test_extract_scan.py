"""Scanned PDF extraction: one real page scanned at 300 dpi (tests/data/A_RES_80_37-p2-scan.pdf).

The scan is page 2 of tests/data/A_RES_80_37.pdf, so the born-digital page is
the reference for what OCR should give.  One OCR run per session (a few seconds).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from rapidfuzz.distance import Levenshtein

from pipeline.extract.ocr import cache, engine, geometry, image, markers, tesseract
from pipeline.extract.pdf import extract_pdf
from pipeline.model import Extracted, Source

DATA = Path(__file__).parent / "data"
SCAN = DATA / "A_RES_80_37-p2-scan.pdf"
BORN = DATA / "A_RES_80_37.pdf"

needs_tesseract = pytest.mark.skipif(
    not __import__("shutil").which("tesseract"), reason="tesseract is not installed: run scripts/setup.sh")


def _source(path: Path) -> Source:
    return Source(path=f"raw/{path.name}", sha256=hashlib.sha256(path.read_bytes()).hexdigest(), kind="pdf")


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clean")


@pytest.fixture(scope="module")
def scanned(clean_dir) -> Extracted:
    if not __import__("shutil").which("tesseract"):
        pytest.skip("tesseract is not installed: run scripts/setup.sh")
    return extract_pdf(SCAN, _source(SCAN), settings={"dpi": 300}, cache_dir=clean_dir / ".stages")


@pytest.fixture(scope="module")
def born(tmp_path_factory) -> Extracted:
    return extract_pdf(BORN, _source(BORN), settings={}, cache_dir=tmp_path_factory.mktemp("c") / ".stages")


def _zone_text(doc: Extracted, page_index: int, zone) -> str:
    return " ".join(ln.text for ln in doc.pages[page_index].lines if ln.zone == zone and ln.text)


pytestmark = pytest.mark.slow


@needs_tesseract
def test_scan_goes_to_ocr(scanned, clean_dir):
    assert scanned.source.kind == "scanned-pdf" and scanned.source.pages == 1
    assert scanned.meta["ocr_pages"] == [1]
    page = scanned.pages[0]
    assert page.image and not Path(page.image).is_absolute()
    assert (clean_dir / page.image).is_file()  # relative to cache_dir.parent, i.e. clean/
    assert 611 < page.width < 613 and 791 < page.height < 793  # points, like pdfplumber


@needs_tesseract
def test_word_confidences_on_spans(scanned):
    spans = [s for p in scanned.pages for ln in p.lines for s in ln.spans]
    assert spans and all(s.conf is not None and 0.0 <= s.conf <= 1.0 for s in spans)
    assert sum(s.conf for s in spans) / len(spans) > 0.85


@needs_tesseract
def test_body_matches_born_digital(scanned, born):
    ocr, ref = _zone_text(scanned, 0, None), _zone_text(born, 1, None)
    cer = Levenshtein.distance(ocr, ref) / len(ref)
    assert cer < 0.01, (cer, ocr, ref)


@needs_tesseract
def test_superscript_markers_recovered(scanned):
    body = [ln for ln in scanned.pages[0].lines if ln.zone is None]
    markers = [ln.text[s.start:s.end] for ln in body for s in ln.spans if s.superscript]
    assert markers == ["1", "2", "3", "4", "5"]
    ln = next(ln for ln in body if "Assembly1" in ln.text)
    assert "General Assembly1 and by the" in ln.text


@needs_tesseract
def test_footnote_zone_and_furniture(scanned):
    notes = [ln for ln in scanned.pages[0].lines if ln.zone == "footnote" and ln.text]
    assert [ln.text.split()[0] for ln in notes] == ["1", "2", "3", "4", "5"]
    assert all(ln.spans[0].superscript for ln in notes)
    assert "A/RES/80/37" in _zone_text(scanned, 0, "header")
    footer = _zone_text(scanned, 0, "footer")
    assert "25-19829" in footer and "2/2" in footer
    body = _zone_text(scanned, 0, None)
    assert "25-19829" not in body and "A/RES/80/37" not in body


@needs_tesseract
def test_ocr_is_cached_and_not_rerun(scanned, clean_dir, monkeypatch):
    def boom(*a, **k):
        raise AssertionError("tesseract ran again")

    monkeypatch.setattr(tesseract.pytesseract, "image_to_data", boom)
    monkeypatch.setattr(engine, "read", boom)
    monkeypatch.setattr(tesseract.pytesseract, "image_to_boxes", boom)
    again = extract_pdf(SCAN, _source(SCAN), settings={"dpi": 300}, cache_dir=clean_dir / ".stages")
    assert again.meta["timing"]["ocr_cached_pages"] == 1 and again.meta["timing"]["ocr_pages_run"] == 0
    assert [ln.text for ln in again.pages[0].lines] == [ln.text for ln in scanned.pages[0].lines]


def test_cache_key_covers_what_changes_ocr():
    base = cache.cache_key("a" * 64, 300, "5.3.0", "eng")
    assert base == cache.cache_key("a" * 64, 300, "5.3.0", "eng")
    for other in [("b" * 64, 300, "5.3.0", "eng"), ("a" * 64, 200, "5.3.0", "eng"),
                  ("a" * 64, 300, "5.4.0", "eng"), ("a" * 64, 300, "5.3.0", "fra")]:
        assert cache.cache_key(*other) != base
    assert cache.cache_key("a" * 64, 300, "5.3.0", "eng", config="--psm 6") != base


def test_tesseract_uses_one_thread():
    assert os.environ.get("OMP_THREAD_LIMIT") == "1"


def test_missing_tesseract_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(tesseract.pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    with pytest.raises(tesseract.TesseractMissing) as err:
        extract_pdf(SCAN, _source(SCAN), settings={}, cache_dir=tmp_path / ".stages")
    msg = str(err.value)
    assert "tesseract is not installed" in msg and "scripts/setup.sh" in msg and "tesseract-ocr-eng" in msg
    # a born-digital PDF does not need Tesseract
    doc = extract_pdf(BORN, _source(BORN), settings={}, cache_dir=tmp_path / ".stages")
    assert doc.source.kind == "pdf"


def test_skew_estimate():
    img = Image.new("L", (1200, 1600), 255)
    d = ImageDraw.Draw(img)
    for y in range(100, 1500, 40):
        d.rectangle((100, y, 1100, y + 14), fill=0)
    for angle in (0.0, 0.8, -1.2):
        rotated = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
        assert abs(image.estimate_skew(rotated) + angle) <= 0.15


@pytest.mark.parametrize("word, ends_in_number", [
    ("2025", True), ("79/33", True), ("2024;4", False), ("war,", False), ("Assembly!", False), ("A1", False),
])
def test_number_ends_are_not_markers(word, ends_in_number):
    assert markers._ends_in_number(word) is ends_in_number


def test_scan_at_the_ocr_resolution_gives_its_own_pixels():
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SCAN))
    try:
        own, dpi = image.own_pixels(pdf[0])
        assert dpi == 300
        rendered = image.render_page(pdf, 0, 300)
        assert own.size == rendered.size and np.array_equal(np.asarray(own.convert("L")), np.asarray(rendered))
    finally:
        pdf.close()
    born = pdfium.PdfDocument(str(BORN))
    try:
        assert image.own_pixels(born[0]) is None  # text and drawings, not one scanned image
    finally:
        born.close()


def test_rules_are_long_thin_runs_only():
    import numpy as np

    ink = np.zeros((400, 1200), dtype=bool)
    ink[300:302, 100:500] = True  # a footnote rule, 2 px thick
    for x in range(100, 1100, 12):  # a line of "text": dense ink, no long unbroken run
        ink[100:130, x:x + 8] = True
    ink[200:230, 100:1100] = True  # a filled block: too thick for a rule
    assert geometry.find_rules(ink, 300) == [[100, 300, 500, 302]]


def test_a_rule_broken_into_dashes_is_a_rule_a_row_of_serifs_is_not():
    """A typed or photocopied rule comes in dashes a few pixels apart ("—.——.——"): still the footnote
    rule.  A serif face's feet make a row as long and as broken, but stems stand on it: not a rule."""
    import numpy as np

    ink = np.zeros((400, 1200), dtype=bool)
    for x0, x1 in ((420, 470), (474, 550), (553, 620), (625, 707)):  # gaps of 3-5 px, no run of 83
        ink[300:303, x0:x1] = True
    ink[301, 702] = False
    for x in range(100, 600, 14):  # letters' feet 12 px wide, 2 px apart, and the stems above them
        ink[128:131, x:x + 12] = True
        ink[100:128, x + 4:x + 7] = True
    assert geometry.find_rules(ink, 300) == [[420, 300, 707, 303]]
    dots = np.zeros((400, 1200), dtype=bool)
    for x in range(100, 700, 9):  # a leader of dots: less ink than gap-bridged rule needs
        dots[300:303, x:x + 4] = True
    assert geometry.find_rules(dots, 300) == []


@needs_tesseract
def test_pages_are_pipelined_and_markers_read_in_one_call(tmp_path, scanned, clean_dir, monkeypatch):
    """Two pages: the same words and markers as the page alone, one Tesseract call for all markers (at
    each height they are read at)."""
    import pypdfium2 as pdfium

    two = tmp_path / "two-pages.pdf"
    src, dest = pdfium.PdfDocument(str(SCAN)), pdfium.PdfDocument.new()
    dest.import_pages(src, [0, 0])
    dest.save(str(two))
    src.close()
    dest.close()
    calls, commands = [], []
    real, real_engine = tesseract.read_markers, engine.read
    monkeypatch.setattr(tesseract, "read_markers", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(engine, "read", lambda reading, *a, **k: (
        commands.append(1) if reading == "markers" else None) or real_engine(reading, *a, **k))
    doc = extract_pdf(two, _source(two), settings={"dpi": 300}, cache_dir=tmp_path / ".stages")
    assert doc.meta["ocr_pages"] == [1, 2] and len(calls) == 1
    # one reading for both pages' strips at each height (the crops read as nothing are read again at the
    # next, tesseract.READ_SCALES), never one per page, by an engine in a process of its own (a crash there
    # is the page's to degrade around)
    assert 1 <= len(commands) <= len(tesseract.READ_SCALES)
    import json

    folder = next((tmp_path / ".stages" / "ocr").iterdir())
    assert sorted(p.name for p in folder.iterdir()) == ["page-1.jpg", "page-1.json", "page-2.jpg", "page-2.json"]
    alone = json.loads(next((clean_dir / ".stages" / "ocr").glob("*/page-1.json")).read_text())
    for n in (1, 2):
        page = json.loads((folder / f"page-{n}.json").read_text())
        assert page["data"] == alone["data"] and page["analysis"] == alone["analysis"]
    assert [m["text"] for m in alone["analysis"]["markers"]] == ["1", "2", "3", "4", "5"] * 2  # in text, at notes


def _no_page_reading(monkeypatch, boom) -> None:
    """A page read by an engine calls ``boom``; other readings (the markers') go on."""
    real = engine.read
    monkeypatch.setattr(engine, "read", lambda reading, *a, **k: boom() if reading == "page" else real(reading, *a, **k))


@needs_tesseract
def test_a_run_killed_after_ocr_keeps_the_ocr(tmp_path, scanned, monkeypatch):
    def killed(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(markers, "find_marks", killed)
    with pytest.raises(KeyboardInterrupt):
        extract_pdf(SCAN, _source(SCAN), settings={"dpi": 300}, cache_dir=tmp_path / ".stages")
    monkeypatch.undo()

    def boom(*a, **k):
        raise AssertionError("tesseract read the page again")

    monkeypatch.setattr(tesseract.pytesseract, "image_to_data", boom)
    _no_page_reading(monkeypatch, boom)
    again = extract_pdf(SCAN, _source(SCAN), settings={"dpi": 300}, cache_dir=tmp_path / ".stages")
    assert again.meta["timing"]["ocr_pages_run"] == 0
    assert [ln.text for ln in again.pages[0].lines] == [ln.text for ln in scanned.pages[0].lines]


@needs_tesseract
def test_an_older_analysis_is_redone_without_ocr(clean_dir, scanned, monkeypatch):
    """A new analysis version re-reads rules and markers from the re-rendered page, never re-OCRs."""
    import json

    folder = next((clean_dir / ".stages" / "ocr").iterdir())
    page = json.loads((folder / "page-1.json").read_text())
    page["analysis"]["version"] = -1
    (folder / "page-1.json").write_text(json.dumps(page))
    (folder / "page-1.jpg").unlink()

    def boom(*a, **k):
        raise AssertionError("tesseract read the page again")

    monkeypatch.setattr(tesseract.pytesseract, "image_to_data", boom)
    _no_page_reading(monkeypatch, boom)
    again = extract_pdf(SCAN, _source(SCAN), settings={"dpi": 300}, cache_dir=clean_dir / ".stages")
    assert [ln.text for ln in again.pages[0].lines] == [ln.text for ln in scanned.pages[0].lines]
    assert json.loads((folder / "page-1.json").read_text())["analysis"]["version"] == markers.ANALYSIS_VERSION
    assert (folder / "page-1.jpg").is_file()


def test_read_ahead_follows_the_batch_either_way():
    from pipeline.extract.readahead import ReadAhead

    a, b, c, d = (Path(f"/batch/{n}.pdf") for n in "abcd")
    ahead = ReadAhead(None)  # follows the batch, reads nothing
    ahead.start([a, b, c, d])
    ahead.begin(a)
    assert ahead.next_ones(a) == [b, c, d]
    ahead.start([a, b, c, d])
    ahead.begin(d)  # Luigi may take the batch from its end
    assert ahead.next_ones(d) == [c, b, a]
    ahead.begin(c)
    assert ahead.next_ones(c) == [b, a]
    ahead.stop()


@needs_tesseract
def test_the_next_scan_is_read_ahead_and_gives_the_same_result(tmp_path, scanned, monkeypatch):
    import pypdfium2 as pdfium

    from pipeline.extract.ocr import pages

    from pipeline.extract.dispatch import first_scan_reader
    from pipeline.extract.readahead import ReadAhead
    from pipeline.run import stages
    from pipeline.settings import Settings

    two = tmp_path / "raw" / "two-pages.pdf"
    two.parent.mkdir()
    src, dest = pdfium.PdfDocument(str(SCAN)), pdfium.PdfDocument.new()
    dest.import_pages(src, [0, 0])
    dest.save(str(two))
    src.close()
    dest.close()
    one = tmp_path / "raw" / SCAN.name
    one.write_bytes(SCAN.read_bytes())
    s = Settings(raw_dir=tmp_path / "raw", clean_dir=tmp_path / "clean")
    ahead = ReadAhead(first_scan_reader(s.extract_settings(), s.stages_dir))
    ahead.start([two, one])
    try:
        stages.extract(two, f"raw/{two.name}", _source(two).sha256, s, readahead=ahead)
        ahead.take(one)
        rendered = []
        real = pages.page_image
        monkeypatch.setattr(pages, "page_image", lambda *a, **k: rendered.append(1) or real(*a, **k))
        doc = stages.extract(one, f"raw/{one.name}", _source(one).sha256, s, readahead=ahead)
    finally:
        ahead.stop()
    assert doc.meta["timing"]["ocr_cached_pages"] == 1 and doc.meta["timing"]["ocr_pages_run"] == 0  # read ahead
    assert rendered == [] and not pages._HANDED  # its image handed over in memory, not rendered again
    assert [ln.text for ln in doc.pages[0].lines] == [ln.text for ln in scanned.pages[0].lines]


def test_a_page_image_handed_over_serves_only_its_own_recipe_and_few_are_kept():
    from pipeline.extract.ocr import pages

    img = Image.new("L", (4, 4), 255)
    pages._hand_over(Path("f"), 1, {"skew": 0.5}, img)
    assert pages._handed(Path("f"), 1, {"skew": 0.4}) is None  # another reading's image: rendered again
    assert pages._handed(Path("f"), 1, {"skew": 0.5}) is None  # taken once, whatever the answer
    for k in range(5):
        pages._hand_over(Path(f"d{k}"), 1, {}, img)
    assert len(pages._HANDED) == pages.HANDED_MAX and pages._handed(Path("d4"), 1, {}) is img
    pages._HANDED.clear()


def test_a_fax_scanned_at_two_resolutions_is_evened_and_judged_by_the_lower(tmp_path):
    """A fax's standard mode is 204 dpi across and 98 down: the page is scaled to the OCR resolution on
    both axes at once and softened along its rows (its coarse rows' preparation), and its verdict weighs
    98 dpi.  A fine-mode fax (204 x 196) is evened as a 200 dpi scan is."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import ImageDraw, ImageFont

    from pipeline.extract import quality

    tall = Image.new("L", (1700, 2200), 255)  # a letter page at 204 x 204 dpi ...
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", 40)
    ImageDraw.Draw(tall).text((200, 400), "The General Assembly,", font=font, fill=0)
    fax = tall.resize((1700, 1056)).point(lambda v: 255 if v > 128 else 0).convert("1")  # ... sent at 98 down
    path = tmp_path / "fax.pdf"
    fax.save(path, dpi=(204, 98))
    pdf = pdfium.PdfDocument(str(path))
    try:
        assert image.own_pixels(pdf[0])[1] == (204, 98)
        page, scanned, done = image.page_pixels(pdf, 0, 300)
    finally:
        pdf.close()
    assert scanned == 98 and page.size == (2500, 3233)  # 600 x 775.8 pt at 300 dpi, both axes
    assert done == ["stretch 204x98->300", "soften 1.47"]
    ink = np.nonzero(np.asarray(page) < 128)
    assert 560 < ink[0].min() < 620  # the line stands where it was printed: 400 px at 204 dpi is 588 at 300
    fine = tall.point(lambda v: 255 if v > 128 else 0).convert("1")
    fine.save(path, dpi=(204, 196))
    pdf = pdfium.PdfDocument(str(path))
    try:
        _, scanned_fine, done_fine = image.page_pixels(pdf, 0, 300)
    finally:
        pdf.close()
    assert scanned_fine == 196 and done_fine[:2] == ["smooth 0.6", "stretch 204x196->204"]
    good = {"mean_confidence": 92.0, "lexicon_share": 0.97, "words": 300}
    assert quality.page_verdict(good, dpi=scanned) == ("poor", "scanned at 98 dpi, below 150")


@needs_tesseract
def test_a_dithered_scan_is_read_as_grey_print(tmp_path):
    """A page a scanner dithered (grey paper as a field of dots, stored 1 bit) is descreened at its own
    resolution before anything else, and then reads as print; the step is in the page's log."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import ImageDraw, ImageFont

    from pipeline.extract.ocr import tesseract

    page = Image.new("L", (1275, 500), 200)  # grey paper at 150 dpi
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", 21)
    ImageDraw.Draw(page).text((100, 200), "Recalling its resolution on the protection of civilians,", font=font, fill=0)
    path = tmp_path / "dithered.pdf"
    page.convert("1").save(path, resolution=150)  # Floyd-Steinberg
    pdf = pdfium.PdfDocument(str(path))
    try:
        img, scanned, done = image.page_pixels(pdf, 0, 300)
    finally:
        pdf.close()
    assert scanned == 150 and done[0] == "descreen 1.25" and "upsample 150->300" in done
    assert len(np.unique(np.asarray(img))) > 2
    data, _ = tesseract.ocr_words(img, "eng")
    assert "protection of civilians" in " ".join(w for w in data["text"] if w.strip())

"""The running Tesseract engines (pipeline/extract/ocr/engine.py, tessapi.py) read exactly as the
``tesseract`` command does, in processes of their own: a crash there is an error this process degrades around."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
import pytesseract
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.extract import reread
from pipeline.extract.ocr import engine, tesseract

FONTS = Path(__file__).parent / "data" / "fonts"
needs_tesseract = pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract is not installed")
needs_engine = pytest.mark.skipif(not engine.available(), reason="libtesseract did not load")

WORDS = ["(UNISPACE+50)", "Assemb1y", "E.96.IV.8),", "promotion", "intérnational", "1n", "A/CONF.157/24", "",
         "79/155,", "Reaffirms"]


def _word(text: str, px: int, face: str, blur: float) -> np.ndarray:
    font = ImageFont.truetype(str(FONTS / face), px)
    img = Image.new("L", (max(20, int(px * 0.7 * len(text)) + 20), 2 * px), 255)
    ImageDraw.Draw(img).text((10, px // 3), text, font=font, fill=0)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return reread.enlarge(np.asarray(img))


def _digit(d: str, px: int) -> Image.Image:
    font = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), px)
    img = Image.new("L", (px + 8, px + 8), 255)
    ImageDraw.Draw(img).text((4, 0), d, font=font, fill=0)
    return img


@pytest.fixture
def fresh_engines():
    """No engine left over from another test, and none left behind."""
    engine.close()
    yield
    engine.close()


def _fake(monkeypatch, body: str) -> None:
    """The engine program replaced by a few lines of Python speaking its wire format."""
    from pipeline.extract.ocr import tessapi
    script = (f"import os, signal, sys\nsys.path.insert(0, {str(Path(tessapi.__file__).parent)!r})\n"
              "import tessapi\nout = sys.stdout.buffer\n" + body)
    monkeypatch.setattr(engine, "PROGRAM", [sys.executable, "-I", "-c", script])


@needs_tesseract
@needs_engine
def test_word_crops_read_by_the_engine_as_by_the_command():
    crops = [_word(w, px, face, blur) for w, (px, face, blur) in zip(
        WORDS, [(12, "LiberationSerif-Regular.ttf", 0), (10, "LiberationSans-Regular.ttf", 0.8),
                (11, "LiberationMono-Regular.ttf", 0), (8, "LiberationSerif-Regular.ttf", 1.2)] * 3)]
    by_command = reread.read_crops(crops, "eng", by_engine=False)
    assert reread.read_crops(crops, "eng") == by_command
    assert reread.read_crops(crops[::-1], "eng") == by_command[::-1]  # each crop alone: no state between readings
    assert sum(bool(text) for text, _ in by_command) >= 6  # the test reads something


@needs_tesseract
@needs_engine
def test_marker_strips_read_by_the_engine_as_by_the_command(monkeypatch):
    pages = [[_digit("2", 14), _digit("13", 22), _digit("4", 16)], [], [_digit("7", 12), _digit("1", 30)]]
    by_engine = tesseract.read_markers(pages, "eng")
    monkeypatch.setattr(engine, "read", lambda *a, **k: None)
    by_command = tesseract.read_markers(pages, "eng")
    assert by_engine == by_command and by_command[0][1] == "13"


@needs_tesseract
@needs_engine
def test_a_page_read_by_the_engine_as_by_the_command(tmp_path):
    font = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), 34)
    page = Image.new("L", (1300, 420), 255)
    draw = ImageDraw.Draw(page)
    for k, line in enumerate(["The General Assembly,", "Recalling its resolution 78/162 of 19 December 2023,1",
                              "1. Reaffirms the promotion and protection of all human rights;"]):
        draw.text((60, 50 + 110 * k), line, font=font, fill=0)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    page.save(tmp_path / "page.pgm")
    data, _ = tesseract.ocr_words(page, "eng")
    by_command = pytesseract.image_to_data(str(tmp_path / "page.pgm"), lang="eng", config=tesseract.TESSERACT_CONFIG,
                                           output_type=pytesseract.Output.DICT)
    assert data == by_command and "Reaffirms" in data["text"]


@needs_engine
def test_the_engine_runs_in_a_process_of_its_own_and_is_kept(fresh_engines):
    engine.read("line", "eng", [np.full((30, 60), 255, np.uint8)])
    engine.read("line", "eng", [np.full((30, 60), 255, np.uint8)])
    engines = engine._POOL.idle
    assert len(engines) == 1 and engines[0].proc.pid != os.getpid()  # one engine, reused, not this process
    assert engine._POOL.started == 1


def test_an_engine_that_dies_reading_is_a_tesseract_error_and_the_next_call_gets_a_new_one(monkeypatch, fresh_engines):
    _fake(monkeypatch, "tessapi.send(out, ('ready', '5.x'))\ntessapi.receive(sys.stdin.buffer)\n"
                       "os.kill(os.getpid(), signal.SIGFPE)\n")
    with pytest.raises(pytesseract.TesseractError) as err:
        engine.read("markers", "eng", [np.full((20, 20), 255, np.uint8)])
    assert err.value.status == -8  # the signal, as the command's death gives it: a machine fault, not the page's
    from pipeline import faults
    assert faults.classify(err.value, where="x").kind == "killed"
    assert engine._POOL.idle == [] and engine._POOL.busy == set()
    with pytest.raises(pytesseract.TesseractError):
        engine.read("markers", "eng", [np.full((20, 20), 255, np.uint8)])
    assert engine._POOL.started == 2


def test_a_crashed_marker_reading_degrades_the_page_and_this_process_goes_on(monkeypatch, fresh_engines):
    _fake(monkeypatch, "tessapi.send(out, ('ready', '5.x'))\ntessapi.receive(sys.stdin.buffer)\n"
                       "os.kill(os.getpid(), signal.SIGFPE)\n")
    texts, failure = tesseract.reread_markers([[Image.new("L", (12, 18), 255)]], "eng")
    assert texts == [[""]] and failure.startswith("TesseractError: (-8")


def test_a_failed_reading_leaves_the_engine_in_use(monkeypatch, fresh_engines):
    _fake(monkeypatch, "tessapi.send(out, ('ready', '5.x'))\n"
                       "while tessapi.receive(sys.stdin.buffer) is not None:\n"
                       "    tessapi.send(out, ('error', 1, \"Failed loading language 'xyz'\", 0.01))\n")
    for _ in range(2):
        with pytest.raises(pytesseract.TesseractError) as err:
            engine.read("page", "xyz", [np.full((20, 20), 255, np.uint8)])
        assert err.value.status == 1 and "Failed loading language" in str(err.value.message)
    assert engine._POOL.started == 1 and len(engine._POOL.idle) == 1


def test_without_the_library_the_command_reads(monkeypatch, fresh_engines):
    _fake(monkeypatch, "tessapi.send(out, ('unavailable', 'no libtesseract'))\n")
    assert engine.read("line", "eng", [np.full((20, 20), 255, np.uint8)]) is None
    assert not engine.available()
    calls = []
    monkeypatch.setattr(tesseract, "crops_data", lambda crops, lang, config, kind: calls.append(len(crops)) or {
        "page_num": [1], "level": [5], "text": ["in"], "conf": [94.0]})
    assert reread.read_crops([np.full((20, 20), 255, np.uint8)], "eng") == [("in", 94.0)]
    assert calls == [1]


@needs_engine
def test_a_forked_process_starts_its_own_engines(fresh_engines):
    assert engine.available() and len(engine._POOL.idle) == 1
    pid = os.fork()
    if pid == 0:  # the child: none of its parent's engines, and a reading of its own works
        ok = engine._POOL.idle == [] and engine.read("line", "eng", [np.full((30, 60), 255, np.uint8)]) is not None
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert engine.read("line", "eng", [np.full((30, 60), 255, np.uint8)]) is not None  # the parent's still works


def test_only_grey_images_go_to_the_engine():
    assert engine.readable(Image.new("L", (4, 4))) and engine.readable(np.zeros((4, 4), np.uint8))
    assert not engine.readable(Image.new("1", (4, 4))) and not engine.readable(Image.new("RGB", (4, 4)))


def test_an_engine_that_cannot_start_leaves_the_command(monkeypatch, fresh_engines, tmp_path):
    monkeypatch.setattr(engine, "PROGRAM", [str(tmp_path / "no-such-python")])
    assert engine.read("line", "eng", [np.full((20, 20), 255, np.uint8)]) is None


def _read_a_line_in_a_worker() -> None:
    engine.read("line", "eng", [np.full((30, 60), 255, np.uint8)])


def _import_and_read_in_a_worker() -> None:
    import importlib
    import sys

    for name in [n for n in sys.modules if n == "pipeline.extract.ocr.engine"]:
        del sys.modules[name]  # as in a worker that imports the engine only when its task reads
    importlib.import_module("pipeline.extract.ocr.engine").read("line", "eng", [np.full((30, 60), 255, np.uint8)])


@pytest.mark.parametrize("target", [_read_a_line_in_a_worker, _import_and_read_in_a_worker])
@needs_engine
def test_a_multiprocessing_worker_closes_its_engines_as_it_ends(fresh_engines, target):
    """Luigi's workers end without atexit: their engines are closed (waited for) all the same,
    so none is left running and their CPU time is counted among the worker's children."""
    import multiprocessing
    import resource
    import subprocess

    def children_cpu() -> float:
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    engine.available()  # this process has one before the fork
    before = children_cpu()
    worker = multiprocessing.get_context("fork").Process(target=target)
    worker.start()
    worker.join()
    assert worker.exitcode == 0
    # the worker's engine (a Python start, the library, the model: tens of ms) was waited for by the worker
    assert children_cpu() - before >= 0.03
    rows = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout.splitlines()
    program = engine.PROGRAM[-1]
    stray = [r for r in rows if program in r and int(r.split()[1]) != os.getpid()]
    assert stray == []  # no engine of the worker left running

"""Shared fixtures: a throw-away project folder and a way to run the batch in it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "raw").glob("0*.txt"))


# A resolution's masthead down to its formula, as a text export prints it: the head of
# the small documents the structure tests clean (:func:`clean_resolution`).
MASTHEAD = """General Assembly
Distr.: General
20 December 2025
Eightieth session
Agenda item 68
Resolution adopted by the General Assembly on 18 December 2025
[on the report of the Third Committee (A/80/480, para. 15)]
80/999. The right to food

The General Assembly,

"""


SETTINGS = Settings(dictionaries_dir=ROOT / "dictionaries")  # the shipped dictionaries, default settings


def ocr_lines(lines: list[list[tuple[str, float]]]) -> dict:
    """Tesseract's words (``image_to_data``'s dict) given line by line as (text, confidence), in a grid of boxes."""
    data = {k: [] for k in ("level", "block_num", "par_num", "line_num", "word_num", "text", "conf",
                            "left", "top", "width", "height")}
    for n, line in enumerate(lines, 1):
        for k, (text, conf) in enumerate(line, 1):
            for key, v in (("level", 5), ("block_num", 1), ("par_num", 1), ("line_num", n), ("word_num", k),
                           ("text", text), ("conf", conf), ("left", 40 * k), ("top", 50 * n), ("width", 30),
                           ("height", 20)):
                data[key].append(v)
    return data


def poor_scan_page(lines: list[str | tuple]) -> "WorkText":
    """A poor scan's page 1 as extraction gives it: a line is its text, or (text, type size, word confidence);
    by default 10 pt read at 0.9; a "^" before a digit raises it (the marker detector's reading: "by^3" is
    "by3" with a raised "3", 0.6 of the line's size), "^^" raises it at the line's full size."""
    import re as _re

    from pipeline.model import Extracted, Line, Page, Source, Span
    from pipeline.worktext import WorkText

    out = []
    for item in lines:
        raw, size, conf = (item + (10.0, 0.9)[len(item) - 1:])[:3] if isinstance(item, tuple) else (item, 10.0, 0.9)
        text, spans = "", []
        for m in _re.finditer(r"\S+", raw):
            word = m.group(0)
            parts = _re.split(r"\^(\^?\d+)", word)
            if text:
                text += " "
            start = len(text)
            text += parts[0]
            spans.append(Span(start, len(text), conf=conf))
            for k in range(1, len(parts), 2):
                digits = parts[k].lstrip("^")
                high = (1.0 if parts[k].startswith("^") else 0.6) * size
                spans.append(Span(len(text), len(text) + len(digits), size=high, superscript=True, conf=conf))
                text += digits + parts[k + 1]
        out.append(Line(text=text, size=size if text else None, spans=spans))
    doc = Extracted(doc_id="t", source=Source(path="t.pdf", sha256="0" * 64, kind="scanned-pdf"),
                    pages=[Page(number=1, lines=out)], meta={"ocr_quality": [{"page": 1, "status": "poor"}]})
    return WorkText.from_extracted(doc)


def clean_resolution(tmp_path: Path, text: str) -> dict:
    """The published document of ``text``, cleaned as a text export with the shipped dictionaries."""
    from pipeline.run import stages

    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    doc, _ = stages.process(path, SETTINGS)
    return doc


def run_clean_all(project: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """``luigi --module pipeline CleanAll`` in ``project``, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "luigi", "--module", "pipeline", "CleanAll", *args],
        cwd=project, capture_output=True, text=True, timeout=timeout,
    )


def make_project(dest: Path, inputs: list[Path] | None = None) -> Path:
    """A project folder with the shipped dictionaries and settings, and the given inputs in raw/."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "dictionaries", dest / "dictionaries", ignore=shutil.ignore_patterns("review-decisions.json"))
    shutil.copy(ROOT / "luigi.cfg", dest / "luigi.cfg")
    (dest / "raw").mkdir(exist_ok=True)
    for p in SEEDS if inputs is None else inputs:
        shutil.copy(p, dest / "raw" / p.name)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")

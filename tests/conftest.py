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

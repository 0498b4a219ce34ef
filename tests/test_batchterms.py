"""Names and terms across the batch (pipeline.batchterms): evidence from other documents, keyed per document."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import make_project, run_clean_all
from pdfmake import make_pdf
from pipeline import batchterms
from pipeline.run import stages
from pipeline.lexicon import default_dictionaries_dir, load_lexicon
from pipeline.model import Extracted, Line, Page, Source, Span

LANG = Path(__file__).parent / "data" / "lang"
DRAFT_LINES = [["Assistance to the Chornobyl region: the Chornobyl Shelter Fund and",
                "the Chornobyl Forum, in the years after the disaster of 1986."]]
EXPORT = ("Recalling the Chornobyl disaster and its consequences for the region,\n\n"
          "Welcomes the work of the specialized agencies.\n")


def _doc(kind: str, text: str, conf: float | None = None, sha: str = "0" * 64) -> Extracted:
    spans = [Span(0, len(text), conf=conf)] if conf is not None else []
    return Extracted("d", Source("raw/d", sha, kind), [Page(1, [Line(text, spans=spans)])])


@pytest.fixture(scope="module")
def lex():
    return load_lexicon(default_dictionaries_dir())


def test_who_gives_evidence():
    text = "the Chornobyl Forum"
    assert batchterms.document_forms(_doc("pdf", text))["Chornobyl"] == [1, 1]  # an exact layer
    assert batchterms.document_forms(_doc("scanned-pdf", text, 0.96))["Chornobyl"] == [1, 1]  # read surely
    assert batchterms.document_forms(_doc("scanned-pdf", text, 0.6))["Chornobyl"] == [0, 1]  # read unsurely
    assert batchterms.document_forms(_doc("text", text))["Chornobyl"] == [0, 1]  # an export: maybe OCR


def test_entries_need_enough_sure_prints_elsewhere_and_ignore_order(lex):
    one = {"Chornobyl": [0, 1], "Forum": [0, 1]}
    forms = {"x": ("a", one), "y": ("b", {"Chornobyl": [2, 2]}), "z": ("c", {"Chornobyl": [1, 1]})}
    assert batchterms.entries(forms, lex) == {"x": ["Chornobyl"], "y": ["Chornobyl"], "z": ["Chornobyl"]}
    assert batchterms.entries(dict(reversed(list(forms.items()))), lex) == batchterms.entries(forms, lex)
    # two sure prints in the batch are not enough, for the document that prints them or another
    assert batchterms.entries({"x": ("a", one), "y": ("b", {"Chornobyl": [2, 2]})}, lex) == {}
    # the same input twice is one document's evidence, and a common UN word is never asked about
    twins = {"x": ("a", one), "y": ("b", {"Chornobyl": [2, 2]}), "y2": ("b", {"Chornobyl": [2, 2]})}
    assert "x" not in batchterms.entries(twins, lex)


def _corrections(project: Path, stem: str) -> list[tuple[str, str, str, str]]:
    doc = json.loads((project / "clean" / f"{stem}.json").read_text(encoding="utf-8"))
    return [(c["rule"], c["before"], c["after"], c["status"]) for c in doc["corrections"] if c["rule"].startswith("words.")]


def _inputs(tmp_path: Path) -> dict[str, Path]:
    src = tmp_path / "src"
    src.mkdir()
    paths = {"draft-a.pdf": make_pdf(DRAFT_LINES), "export.txt": EXPORT.encode()}
    out = {}
    for name, data in paths.items():
        out[name] = src / name
        out[name].write_bytes(data)
    out["fr_resolution.txt"] = LANG / "fr_resolution.txt"
    return out


def test_batch_evidence_through_luigi_keyed_per_document(tmp_path):
    """A born-digital draft printing "Chornobyl" three times keeps an export's lone "Chornobyl" from
    being suggested as "Chernobyl", whether the draft came first or later; a second run does no work;
    the summary names the document not in English."""
    inputs = _inputs(tmp_path)
    together = make_project(tmp_path / "together", list(inputs.values()))
    run = run_clean_all(together)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "not in English (English word rules not applied): fr_resolution (fr)" in run.stdout
    assert _corrections(together, "export") == []
    terms = json.loads((together / "clean" / batchterms.BATCH_TERMS).read_text())["documents"]
    assert terms == {"export": ["Chornobyl"]}
    again = run_clean_all(together)
    assert "Did not run any tasks" in again.stderr

    later = make_project(tmp_path / "later", [inputs["export.txt"], inputs["fr_resolution.txt"]])
    assert run_clean_all(later).returncode == 0
    assert ("words.spelling", "Chornobyl", "Chernobyl", "suggested") in _corrections(later, "export")
    french = {p.name: p.stat().st_mtime_ns for p in (later / "clean" / ".stages" / "repair").glob("fr_resolution-*")}
    shutil.copy(inputs["draft-a.pdf"], later / "raw" / "draft-a.pdf")
    run = run_clean_all(later)
    assert run.returncode == 0, run.stderr[-2000:]
    assert _corrections(later, "export") == []  # the new document is evidence for the export...
    assert {p.name: p.stat().st_mtime_ns
            for p in (later / "clean" / ".stages" / "repair").glob("fr_resolution-*")} == french  # ...not for the French one
    for stem in ("export", "draft-a", "fr_resolution"):  # the same outputs, whatever the order documents came in
        a = json.loads((together / "clean" / f"{stem}.json").read_text())
        b = json.loads((later / "clean" / f"{stem}.json").read_text())
        assert a["corrections"] == b["corrections"] and a.get("operative") == b.get("operative"), stem

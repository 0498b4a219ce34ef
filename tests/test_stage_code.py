"""The code fingerprint of each stage is found from the source: what the stage's function uses, and what that imports."""
from __future__ import annotations

import pytest

from pipeline.run import stage_code
from pipeline.run.stage_code import STAGE_FUNCTIONS, stage_files


def names(stage: str) -> set[str]:
    return {name for name, _ in stage_files(stage)}


def test_each_stage_has_its_own_code_and_not_the_later_stages():
    extract = names("extract")
    assert {"extract/scan.py", "extract/pdf.py", "extract/text.py", "model.py", "preflight.py"} <= extract
    assert not {"structure/parts.py", "notes/footnotes.py", "export/akn.py", "repair/words.py"} & extract
    assert {"repair/words.py", "repair/order.py", "lexicon.py"} <= names("repair")  # imported inside functions
    assert "structure/parts.py" not in names("repair")
    assert {"structure/parts.py", "structure/citations.py", "schema/clean-document.schema.json"} <= names("structure")
    assert {"export/akn.py", "schema/akomantoso30.xsd"} <= names("akn") and "structure/parts.py" not in names("akn")
    assert {"review/report.py", "review/templates/report.html.j2"} <= names("report")


def test_only_the_stage_functions_of_their_own_module():
    """An edit to another stage's function in run/stages.py does not change this stage's code."""
    repair = dict(stage_files("repair"))["pipeline.run.stages:repair"].decode()
    assert "def repair(" in repair and "def load_lexicon(" in repair and "def text_rules(" in repair  # its helpers
    assert "def build(" not in repair and "def extract(" not in repair
    assert "run/stages.py" not in names("repair")


def test_a_change_to_a_module_changes_the_stages_that_use_it(monkeypatch, tmp_path):
    """Copy the package, edit one module, and see which stages' code changed."""
    import shutil

    copy = tmp_path / "pipeline"
    shutil.copytree(stage_code.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = {s: stage_files(s) for s in STAGE_FUNCTIONS}
    with (copy / "structure" / "parts.py").open("a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    monkeypatch.setattr(stage_code, "PACKAGE", copy)
    for cached in (stage_code._module, stage_code._imports_of, stage_code._exists):
        cached.cache_clear()
    try:
        changed = {s for s in STAGE_FUNCTIONS if stage_files(s) != before[s]}
    finally:
        for cached in (stage_code._module, stage_code._imports_of, stage_code._exists):
            cached.cache_clear()
    assert "structure" in changed and "extract" not in changed and "akn" not in changed and "publish" not in changed


def test_a_stage_function_that_is_gone_is_an_error(monkeypatch):
    monkeypatch.setitem(STAGE_FUNCTIONS, "extract", ["pipeline.run.stages:no_such_function"])
    with pytest.raises(LookupError, match="no_such_function"):
        stage_files("extract")


def test_imports_found_without_parsing_the_module():
    assert "pipeline.repair.order" in stage_code._imports_of("pipeline.run.stages")  # inside a function
    assert "pipeline.extract.scan" in stage_code._imports_of("pipeline.extract.pdf")
    assert not any(m.startswith("luigi") for m in stage_code._imports_of("pipeline.run.tasks"))

"""The batch as a user runs it: `luigi --module pipeline CleanAll` on the sample documents."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run_clean_all

SCHEMA = json.loads((ROOT / "pipeline" / "schema" / "clean-document.schema.json").read_text())

# seed prefix: (preambular, operative, symbol, organ, number)
EXPECTED = {
    "000": (8, 12, "A/HRC/RES/7/3", "Human Rights Council", "7/3"),
    "001": (9, 11, "A/RES/62/160", "General Assembly", "62/160"),
    "002": (8, 10, None, "General Assembly", None),
    "003": (9, 14, "A/RES/67/169", "General Assembly", "67/169"),
    "004": (11, 22, "A/HRC/25/L.3", "Human Rights Council", "25/\u2026"),
}
TITLE = "Enhancement of international cooperation in the field of human rights"
FURNITURE = re.compile(r"United Nations A/|Distr\.|Original: English|Non-member State|\bA/HRC/25/L\.3\b|^\d+$")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from conftest import make_project

    project = make_project(tmp_path_factory.mktemp("batch") / "project")
    first = run_clean_all(project)
    assert first.returncode == 0, first.stderr[-3000:]
    return project, first


def _docs(project: Path) -> dict[str, dict]:
    return {p.name[:3]: json.loads(p.read_text()) for p in sorted((project / "clean").glob("0*.json"))}


def _paragraphs(doc: dict):
    for p in doc["preamble"] + doc["operative"]:
        yield p
        yield from p.get("items", [])


def test_outputs_validate_and_have_the_expected_structure(batch):
    project, _ = batch
    docs = _docs(project)
    assert sorted(docs) == sorted(EXPECTED)
    for key, doc in docs.items():
        jsonschema.validate(doc, SCHEMA)
        pre, ops, symbol, organ, number = EXPECTED[key]
        assert (len(doc["preamble"]), len(doc["operative"])) == (pre, ops), key
        assert [p["num"] for p in doc["operative"]] == [str(i) for i in range(1, ops + 1)], key
        assert doc["symbol"] == symbol, key
        assert doc["organ"] == organ, key
        assert doc["number"] == number, key
        assert doc["title"] == TITLE, key
        assert all(p["num"] is None for p in doc["preamble"])
        assert all(p["text"].startswith(("Re", "Em", "Un", "Be", "Co", "Mi")) for p in doc["preamble"]), key
        assert (project / "clean" / f"{doc['doc_id']}.md").exists()


def test_page_furniture_never_lands_in_a_paragraph(batch):
    project, _ = batch
    for key, doc in _docs(project).items():
        for p in _paragraphs(doc):
            assert not FURNITURE.search(p["text"]), (key, p["id"], p["text"])
            assert p["text"] == p["text"].strip() and "  " not in p["text"]


def test_line_end_hyphens_undone_but_compounds_kept(batch):
    project, _ = batch
    for key, doc in _docs(project).items():
        text = " ".join(p["text"] for p in _paragraphs(doc))
        assert "non-selectivity" in text, key
        assert "confidence-building" in text, key
        assert not re.search(r"[a-z]- [a-z]", text), key


def test_markdown_rendering_carries_footnotes(batch):
    project, _ = batch
    md = next((project / "clean").glob("001_*.md")).read_text()
    assert md.count("[^1]") == 2  # the marker and its definition
    assert "[^4]: See E/CN.4/2001/2-E/CN.4/Sub.2/2000/46" in md
    assert "1. *Reaffirms* that" in md  # the operative verb printed in italics stays emphasised


def test_every_change_is_a_logged_correction(batch):
    """Replaying the log on the extracted text gives the final text, and every
    character of the final text is in some block of the structure."""
    from pipeline.model import Extracted
    from pipeline.structure.parts import blocks
    from pipeline.worktext import WorkText, replay

    project, _ = batch
    stages = project / "clean" / ".stages"
    for extracted_path in sorted((stages / "extract").glob("*.json")):
        doc_id = extracted_path.name.rsplit("-", 1)[0]
        extracted = WorkText.from_extracted(Extracted.from_json(json.loads(extracted_path.read_text())))
        (final_path,) = (stages / "footnotes").glob(f"{doc_id}-*.json")
        final = WorkText.from_json(json.loads(final_path.read_text()))
        assert replay(extracted.text, final.corrections) == final.text, doc_id
        covered = [False] * len(final.text)
        for b in blocks(final):
            for i in range(b.start, b.end):
                covered[i] = True
        lost = [final.text[i] for i in range(len(final.text)) if not covered[i] and not final.text[i].isspace()]
        assert lost == [], doc_id
        published = json.loads((project / "clean" / f"{doc_id}.json").read_text())
        flat = re.sub(r"\s", "", final.text)
        for p in _paragraphs(published):
            assert re.sub(r"\s", "", p["text"]) in flat, (doc_id, p["id"])


def test_second_run_does_no_work(batch):
    project, _ = batch
    outputs = {p: p.read_bytes() for p in (project / "clean").iterdir() if p.is_file()}
    again = run_clean_all(project)
    assert again.returncode == 0
    assert "Did not run any tasks" in again.stderr
    assert "documents cleaned: 5" in again.stdout  # the summary still closes the run
    assert {p: p.read_bytes() for p in (project / "clean").iterdir() if p.is_file()} == outputs


def test_dictionary_change_reruns_repair_but_never_extract(project):
    assert run_clean_all(project).returncode == 0
    stages = project / "clean" / ".stages"
    extract_before = {p.name: p.stat().st_mtime_ns for p in (stages / "extract").iterdir()}
    repair_before = set(p.name for p in (stages / "repair").iterdir())
    protected = next(p for p in sorted((project / "dictionaries").iterdir()) if p.suffix in (".txt", ".tsv"))
    protected.write_text(protected.read_text() + "\n", encoding="utf-8")
    rerun = run_clean_all(project)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert {p.name: p.stat().st_mtime_ns for p in (stages / "extract").iterdir()} == extract_before
    repair_after = set(p.name for p in (stages / "repair").iterdir())
    assert len(repair_after - repair_before) == 5
    assert ran_tasks(rerun.stderr).get("Repair") == 5
    assert "Extract" not in ran_tasks(rerun.stderr)


def ran_tasks(log: str) -> dict[str, int]:
    """Task families and counts under Luigi's "ran successfully" summary heading."""
    m = re.search(r"\* \d+ ran successfully:\n((?:\s+- .*\n|\s+\.\.\.\n)+)", log)
    if not m:
        return {}
    return {fam: int(n) for n, fam in re.findall(r"- (\d+) (\w+)", m.group(1))}


def test_a_pdf_before_its_time_or_a_bad_file_fails_alone(project):
    (project / "raw" / "broken.pdf").write_bytes(b"%PDF-1.4\n% truncated nonsense\n")
    (project / "raw" / "empty.txt").write_bytes(b"")
    result = run_clean_all(project)
    assert result.returncode == 30, result.stderr[-2000:]
    failed = {p.stem: json.loads(p.read_text()) for p in (project / "clean" / "failed").glob("*.json")}
    assert set(failed) == {"broken", "empty"}
    assert "empty.txt" in failed["empty"]["reason"]
    assert all(f["stage"] and f["input_sha256"] for f in failed.values())
    assert len(list((project / "clean").glob("0*.json"))) == 5
    assert "documents failed:  2" in result.stdout


@pytest.mark.parametrize("setting, n, forks, workers, expected", [
    ("auto", 12, False, 1, None),   # one in-process worker: a task per stage
    ("auto", 64, False, 1, None),
    ("auto", 1000, False, 1, 16),   # large batches: groups, the scheduler stays fast
    ("auto", 12, True, 2, 2),       # forked workers: whole documents per task, 4 tasks per worker
    ("auto", 3, True, 2, 1),
    ("auto", 1000, True, 2, 50),
    ("1", 500, True, 2, None),      # an explicit setting is obeyed
    ("7", 12, False, 1, 7),
])
def test_documents_per_task(setting, n, forks, workers, expected):
    from pipeline.run.batch import documents_per_task

    assert documents_per_task(setting, n, forks, workers) == expected


def test_forked_workers_are_detected(monkeypatch):
    import luigi.interface

    from pipeline.run.config import tasks_run_in_forks

    for workers, forks in ((1, False), (2, True)):
        monkeypatch.setattr(luigi.interface, "core", lambda w=workers: type("core", (), {"workers": w})())
        assert tasks_run_in_forks() is forks

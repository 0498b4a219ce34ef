"""Citations: the grammar's cases as data, the samples' references, the schema."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.structure.citations import find_citations, find_references

CASES = json.loads((Path(__file__).parent / "cases" / "citations.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_citation_grammar(case):
    got = [[c.text, c.target, c.date] for c in find_citations(case["text"], own_organ=case["organ"])]
    assert got == case["expect"]
    for c in find_citations(case["text"], own_organ=case["organ"]):
        assert case["text"][c.start:c.end] == c.text  # a reference points into the text, never changes it


def test_references_of_every_block_kind():
    doc = {
        "organ": "Human Rights Council", "symbol": "A/HRC/RES/25/1",
        "preamble": [{"id": "pp1", "text": "Recalling its resolution 19/33,", "notes": []}],
        "operative": [{"id": "op1", "num": "1", "text": "Decides;", "notes": [],
                       "items": [{"id": "op1.a", "num": "(a)", "text": "in decision 4/104;", "notes": []}]}],
        "annexes": [{"id": "annex1", "paragraphs": [{"id": "annex1.p1", "text": "General Assembly resolution 60/251", "notes": []}]}],
        "footnotes": [{"num": "1", "text": "A/HRC/19/2, chap. I.", "anchored": True}],
    }
    refs = find_references(doc)
    assert [(r["block"], r["target"]) for r in refs] == [
        ("pp1", "A/HRC/RES/19/33"), ("op1.a", "A/HRC/DEC/4/104"), ("annex1.p1", "A/RES/60/251"), ("fn1", "A/HRC/19/2")]


ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "pipeline" / "schema" / "clean-document.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    from pipeline.settings import Settings
    from pipeline.run.stages import process

    s = Settings(clean_dir=tmp_path_factory.mktemp("clean"))
    return {p.name[:3]: process(p, s)[0] for p in sorted((ROOT / "raw").glob("00[13]_*.txt"))}


def test_samples_references_resolved_and_valid(samples):
    import jsonschema

    wanted = {"A/RES/61/168", "A/RES/66/152", "A/HRC/RES/19/33", "E/CN.4/RES/2005/54", "A/RES/55/2", "A/CONF.157/24 (Part I)"}
    found = set()
    for doc in samples.values():
        jsonschema.validate(doc, SCHEMA)
        blocks = {p["id"]: p["text"] for p in doc["preamble"] + doc["operative"]}
        blocks.update({f"fn{f['num']}": f["text"] for f in doc["footnotes"]})
        for r in doc["references"]:
            assert blocks[r["block"]][r["offset"]:r["offset"] + r["length"]] == r["text"]
            found.add(r["target"])
    assert wanted <= found
    dates = {(r["target"], r["date"]) for d in samples.values() for r in d["references"]}
    assert ("A/RES/61/168", "2006-12-19") in dates and ("A/HRC/RES/19/33", "2012-03-23") in dates


def test_akn_refs_valid_and_one_per_reference(samples):
    from lxml import etree

    from pipeline.export.akn import AKN_NS, export_bytes, validate

    for doc in samples.values():
        export = export_bytes(doc)
        assert validate(export.xml) == [] and export.problems == []
        refs = etree.fromstring(export.xml).findall(f".//{{{AKN_NS}}}ref")
        assert sorted(r.text for r in refs) == sorted(r["text"] for r in doc["references"])
    hrefs = {r.get("href") for d in samples.values() for r in etree.fromstring(export_bytes(d).xml).iter(f"{{{AKN_NS}}}ref")}
    assert "/akn/un/statement/deliberation/un-ga/2006-12-19/A-RES-61-168" in hrefs
    assert "/akn/un/statement/deliberation/un-hrc/2012-03-23/A-HRC-RES-19-33" in hrefs


def test_akn_unresolved_citation_refers_to_a_concept():
    from lxml import etree

    from pipeline.export.akn import AKN_NS, export_bytes, validate

    doc = {"schema": "clean-document/1", "doc_id": "x", "symbol": "A/RES/1/1", "organ": "General Assembly",
           "date": "2020-01-01", "preamble": [], "footnotes": [], "corrections": [],
           "operative": [{"id": "op1", "num": "1", "text": "Notes Governing Council decision 27/2;", "notes": []}]}
    doc["references"] = find_references(doc)
    xml = export_bytes(doc).xml
    assert validate(xml) == []
    root = etree.fromstring(xml)
    assert [r.get("href") for r in root.iter(f"{{{AKN_NS}}}ref")] == ["#unresolvedCitation"]
    assert root.find(f".//{{{AKN_NS}}}TLCConcept[@eId='unresolvedCitation']") is not None


def test_index_lists_citing_documents_and_disagreements(tmp_path):
    import csv

    from pipeline.structure.citation_index import view, write_index
    from pipeline.review.report import _environment, Report

    def doc(doc_id, text):
        d = {"doc_id": doc_id, "symbol": None, "organ": "General Assembly", "preamble": [{"id": "pp1", "text": text, "notes": []}],
             "operative": [], "footnotes": []}
        d["references"] = find_references(d)
        return d

    docs = [doc("a", "Recalling its resolution 62/160 of 18 December 2007,"),
            doc("b", "Recalling its resolution 62/160 of 18 December 2008 and Governing Council decision 27/2,"),
            doc("c", "Recalling its resolution 62/160,")]
    index = write_index(tmp_path, docs)
    [t] = index["targets"]
    assert t["target"] == "A/RES/62/160" and t["documents"] == 3 and t["dates"] == {"2007-12-18": 1, "2008-12-18": 1}
    assert index["disagreements"] == [{"target": "A/RES/62/160", "dates": {"2007-12-18": ["a"], "2008-12-18": ["b"]}}]
    assert [u["text"] for u in index["unresolved"]] == ["decision 27/2"]
    assert json.loads((tmp_path / "citations.json").read_text()) == index
    rows = list(csv.DictReader((tmp_path / "citations.csv").open()))
    assert [(r["doc_id"], r["date"]) for r in rows] == [("a", "2007-12-18"), ("b", "2008-12-18"), ("c", "")]
    html = _environment().get_template("citations.html.j2").render(report=Report(
        docs=[], corrections=[], rules=[], by_rule=[], by_band=[], totals={}, stale_decisions=0, storage_key="",
        citations=view(index)))
    assert "Cited with different dates" in html and "A/RES/62/160" in html


MILLENNIUM = ("United Nations\nGeneral Assembly\n\n62/160. Enhancement of international cooperation\n\nThe General Assembly,\n\n"
              "Recalling its adoption of the United Nations Millennium Declaration on 8 September 2000{m} and its resolution "
              "61/168 of 19 December 2006,\n\n1. Decides to continue its consideration of the question.\n\n"
              "76th plenary meeting\n18 December 2007\n\n__________________\n{n} Resolution {num}.\n")


def _memory_project(tmp_path, facts):
    import shutil

    from pipeline.structure.citation_memory import KNOWLEDGE_FILE, Fact, write_knowledge

    d = tmp_path / "dictionaries"
    shutil.copytree(ROOT / "dictionaries", d)
    write_knowledge(d / KNOWLEDGE_FILE, {f.symbol: f for f in facts}, "test")
    return d


@pytest.mark.parametrize("known", [True, False], ids=["knowledge file knows 55/2", "nothing known"])
def test_misread_resolution_number_is_flagged_by_the_memory(tmp_path, known):
    from pipeline.structure.citation_memory import Fact
    from pipeline.settings import Settings
    from pipeline.run.stages import process

    facts = [Fact("A/RES/55/2", "2000-09-08", "United Nations Millennium Declaration", 3)] if known else []
    d = _memory_project(tmp_path, facts + [Fact("A/RES/61/168", "2006-12-19", "", 1)])
    raw = tmp_path / "x.md"
    raw.write_text(MILLENNIUM.format(m="<sup>2</sup>", n="<sup>2</sup>", num="35/2"), encoding="utf-8")
    doc, _ = process(raw, Settings(clean_dir=tmp_path / "clean", dictionaries_dir=d))
    fixes = [c for c in doc["corrections"] if c["rule"] == "citations.memory_number"]
    if not known:
        assert fixes == [] and any(r["text"] == "Resolution 35/2" for r in doc["references"])
        return
    [fix] = fixes
    assert (fix["before"], fix["after"], fix["status"]) == ("35/2", "55/2", "flagged")
    assert 0.6 <= fix["confidence"] < 0.9 and fix["info"]["target"] == "A/RES/55/2"
    assert any(r["target"] == "A/RES/55/2" and r["block"].startswith("fn") for r in doc["references"])


def test_memory_is_learned_from_a_batch_and_rejects_no_correct_number(tmp_path):
    from pipeline.structure.citation_memory import merge, observations_from_document

    other = {"symbol": "A/RES/55/2", "date": "2000-09-08", "title": "United Nations Millennium Declaration", "header": {},
             "references": [{"target": "A/RES/54/1", "date": "1999-09-14", "kind": "resolution"},
                            {"target": "A/RES/35/2", "date": "2000-09-08", "kind": "resolution"}]}  # implausible: not learned
    facts = merge(observations_from_document(other))
    assert facts["A/RES/55/2"].date == "2000-09-08" and "A/RES/35/2" not in facts and "A/RES/54/1" in facts


def test_a_batch_that_knows_the_resolution_extends_the_memory(tmp_path):
    """A batch holding A/RES/55/2 itself: `build_lexicon --clean` learns its date, the next run flags 35/2."""
    from pipeline.build_lexicon import build_memory
    from pipeline.settings import Settings
    from pipeline.run.stages import process

    d = _memory_project(tmp_path, [])
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "55_2.json").write_text(json.dumps({
        "schema": "clean-document/1", "doc_id": "55_2", "source": {}, "corrections": [], "symbol": "A/RES/55/2",
        "date": "2000-09-08", "title": "United Nations Millennium Declaration", "header": {}, "references": []}))
    assert build_memory([], [batch], d)["resolutions"] == 1
    raw = tmp_path / "x.md"
    raw.write_text(MILLENNIUM.format(m="<sup>2</sup>", n="<sup>2</sup>", num="35/2"), encoding="utf-8")
    doc, _ = process(raw, Settings(clean_dir=tmp_path / "clean", dictionaries_dir=d))
    assert [(c["before"], c["after"], c["status"]) for c in doc["corrections"] if c["rule"] == "citations.memory_number"] == [("35/2", "55/2", "flagged")]


def test_hand_checked_references_recall_and_precision():
    import importlib.util

    spec = importlib.util.spec_from_file_location("citation_bench", ROOT / "bench" / "citation_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.hand_checked(show=False)
    assert figures["documents"] >= 10 and figures["hand"] >= 300
    assert figures["recall"] >= 0.98 and figures["precision"] >= 0.98
    assert figures["target_accuracy"] >= 0.98 and figures["date_accuracy"] >= 0.98


def test_the_batch_itself_knows_the_resolution_in_one_run(tmp_path):
    """One CleanAll: a document of the batch dates 55/2, another's footnote misreads it as 35/2 -> flagged, in this run."""
    from conftest import make_project, run_clean_all
    from test_pipeline import ran_tasks

    project = make_project(tmp_path / "p", [])
    (project / "raw" / "a.md").write_text(
        "United Nations\nGeneral Assembly\n\n70/9. Follow-up to the Millennium Summit\n\nThe General Assembly,\n\n"
        "Recalling its resolution 55/2 of 8 September 2000,\n\n1. Decides to continue its consideration of the question.\n\n"
        "70th plenary meeting\n18 December 2015\n", encoding="utf-8")
    (project / "raw" / "b.md").write_text(MILLENNIUM.format(m="<sup>2</sup>", n="<sup>2</sup>", num="35/2"), encoding="utf-8")
    first = run_clean_all(project)
    assert first.returncode == 0, first.stderr[-3000:]
    b = json.loads((project / "clean" / "b.json").read_text())
    assert [(c["before"], c["after"], c["status"]) for c in b["corrections"] if c["rule"] == "citations.memory_number"] == [("35/2", "55/2", "flagged")]
    assert "A/RES/55/2\t2000-09-08" in (project / "clean" / "citation-memory.tsv").read_text()
    index = json.loads((project / "clean" / "citations.json").read_text())
    assert {c["doc_id"] for t in index["targets"] if t["target"] == "A/RES/55/2" for c in t["citations"]} == {"a", "b"}
    again = run_clean_all(project)
    assert again.returncode == 0 and not ran_tasks(again.stderr)  # what the batch taught is stable: nothing to redo

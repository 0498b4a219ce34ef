"""Citations: the grammar's cases as data, the samples' references, the schema."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.citations import find_citations, find_references

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
    from pipeline.stages import process

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

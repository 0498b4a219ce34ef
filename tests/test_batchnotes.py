"""Review decisions on footnotes change the output, and the batch's anchored notes are evidence.

The five samples are versions of one resolution: 001 prints its markers, 002
lost markers and footnotes alike, 003 printed footnote 1 without a marker and
read footnote 5's number as "®".
"""
from __future__ import annotations

from conftest import ROOT
from pipeline.run import stages
from pipeline.notes import batchnotes
from pipeline.export.akn import export_bytes
from pipeline.export.canonical import render_markdown
from pipeline.settings import Settings

SETTINGS = Settings(dictionaries_dir=ROOT / "dictionaries")
RAW = ROOT / "raw"
S001, S002, S003 = (RAW / f"{n}.txt" for n in ("001_0c83b350d768e6c1", "002_24bcb0a4a35d199b", "003_deb12b2bf5bc89c9"))


def run(path, decisions=None, batch_notes=None):
    return stages.process(path, SETTINGS, decisions or {}, batch_notes=batch_notes)


def notes_of(*paths):
    """What the NoteIndex task gathers: every anchored note of these documents."""
    out = []
    for p in paths:
        _, work = run(p)
        out += [{"doc_id": work.doc_id, **n} for n in batchnotes.anchored_notes(work)]
    return out


def correction(doc, rule, before):
    return next(c for c in doc["corrections"] if c["rule"] == rule and c["before"] == before)


def paragraph_notes(doc):
    return [(p["id"], n["num"], p["text"][:n["offset"]][-12:]) for p in doc["preamble"] + doc["operative"] for n in p["notes"]]


def test_anchored_notes_carry_their_text_and_the_words_around_the_marker():
    notes = notes_of(S001)
    first = notes[0]
    assert (first["num"], first["text"]) == ("1", "A/CONF.157/24 (Part I), chap. III.")
    assert first["before"][-4:] == ["on", "25", "june", "1993"] and first["after"][:2] == ["for", "enhancing"]
    assert [n["num"] for n in notes] == ["1", "2", "3", "4"]


def test_rejecting_a_renumbering_restores_the_printed_sign():
    doc, _ = run(S003)
    renumbered = correction(doc, "footnote.body-number", "\u00ae")
    assert renumbered["after"] == "5" and doc["footnotes"][-1]["num"] == "5"
    doc, _ = run(S003, {renumbered["id"]: "reject"})
    assert correction(doc, "footnote.body-number", "\u00ae")["status"] == "rejected"
    assert doc["footnotes"][-1] == {"num": "\u00ae", "text": "See E/CN.4/2001/2-E/CN.4/Sub.2/2000/46, chap. I, sect. A.",
                                    "anchored": True}
    assert ("pp9", "\u00ae", "ond session,") in paragraph_notes(doc)
    md = render_markdown(doc)
    assert "session,[^\u00ae]" in md and "[^\u00ae]: See E/CN.4/2001/2" in md and "[^5]" not in md
    assert 'marker="\u00ae"' in export_bytes(doc).xml.decode()


def test_accepting_the_renumbering_keeps_the_number():
    doc, _ = run(S003)
    renumbered = correction(doc, "footnote.body-number", "\u00ae")
    doc, _ = run(S003, {renumbered["id"]: "accept"})
    assert doc["footnotes"][-1]["num"] == "5" and correction(doc, "footnote.body-number", "\u00ae")["status"] == "accepted"


def test_a_footnote_without_a_marker_gets_the_place_the_batch_anchors_it():
    notes = notes_of(S001)
    doc, _ = run(S003, batch_notes=notes)
    assert doc["footnotes"][0] == {"num": "1", "text": "A/CONF.157/24 (Part I), chap. III.", "anchored": False}
    place = correction(doc, "footnote.batch-anchor", "1993")
    assert place["status"] == "suggested" and place["info"]["footnote"] == "1"
    assert place["info"]["evidence"] == "001_0c83b350d768e6c1" and "25 June \u27e61993\u27e7 for" in place["context"]
    doc, _ = run(S003, {place["id"]: "accept"}, batch_notes=notes)
    assert correction(doc, "footnote.batch-anchor", "1993")["status"] == "accepted"
    assert doc["footnotes"][0]["anchored"] is True
    notice = correction(doc, "footnote.unanchored", "1")  # answered: no longer asks for review
    assert notice["status"] == "accepted" and notice["info"]["answered_by"] == place["id"]
    assert ("pp1", "1", "25 June 1993") in paragraph_notes(doc)
    assert "on 25 June 1993[^1] for enhancing" in render_markdown(doc)
    assert '1993<authorialNote marker="1"' in export_bytes(doc).xml.decode()
    # Without the batch's evidence there is nothing to suggest.
    alone, _ = run(S003)
    assert not [c for c in alone["corrections"] if c["rule"] == "footnote.batch-anchor"]


def test_no_suggestion_from_a_different_note_or_an_ambiguous_place():
    notes = notes_of(S001)
    other = [dict(n, text="A completely different note, Official Records, Supplement No. 9.") for n in notes]
    doc, _ = run(S003, batch_notes=other)
    assert not [c for c in doc["corrections"] if c["rule"] == "footnote.batch-anchor"]
    words = [(w, 0, 0) for w in "on 25 june 1993 x y on 25 june 1993 z".split()]
    assert batchnotes.find_place(words, ["y", "on", "25", "june", "1993"], []) is not None
    assert batchnotes.find_place(words, ["a", "on", "25", "june", "1993"], []) is None  # twice, same score
    assert batchnotes.find_place(words, ["25", "june", "1993"], []) is None  # too few words to be evidence


def test_accepting_a_stripped_marker_anchors_the_note_the_batch_prints_there():
    notes = notes_of(S001)
    doc, _ = run(S002, batch_notes=notes)
    lost = correction(doc, "footnote.lost-marker", "1993,")
    assert lost["status"] == "suggested" and doc["footnotes"] == []
    assert lost["info"]["note"] == "A/CONF.157/24 (Part I), chap. III."  # shown to the reviewer before deciding
    doc, _ = run(S002, {lost["id"]: "accept"}, batch_notes=notes)
    assert doc["footnotes"] == [{"num": "1", "text": "A/CONF.157/24 (Part I), chap. III.", "anchored": True,
                                 "text_from": "001_0c83b350d768e6c1"}]
    assert ("pp1", "1", "5 June 1993,") in paragraph_notes(doc)
    md = render_markdown(doc)
    assert "25 June 1993,[^1] for enhancing" in md and "[^1]: A/CONF.157/24 (Part I), chap. III. (text from 001" in md
    xml = export_bytes(doc).xml.decode()
    assert '1993,<authorialNote marker="1" placement="bottom"' in xml and "A/CONF.157/24 (Part I)</ref>, chap. III.</p>" in xml


def test_accepting_a_stripped_marker_without_evidence_still_places_a_note():
    doc, _ = run(S002)
    first = correction(doc, "footnote.lost-marker", "1993,")
    second = correction(doc, "footnote.lost-marker", "2000")
    doc, _ = run(S002, {first["id"]: "accept", second["id"]: "accept"})
    assert doc["footnotes"] == [{"num": "1", "text": "", "anchored": True, "text_missing": True},
                                {"num": "2", "text": "", "anchored": True, "text_missing": True}]
    assert [n[1] for n in paragraph_notes(doc)] == ["1", "2"]
    assert "[^1]: (the source does not give this footnote's text)" in render_markdown(doc)
    assert '<authorialNote marker="2" placement="bottom"' in export_bytes(doc).xml.decode()


def test_rejecting_a_stripped_marker_changes_nothing():
    doc, _ = run(S002)
    first = correction(doc, "footnote.lost-marker", "1993,")
    again, _ = run(S002, {first["id"]: "reject"})
    assert again["footnotes"] == [] and again["preamble"] == doc["preamble"]


# ------------------------------------------------------------------ through Luigi
def _corrections(project, stem):
    """A published document, with what the batch suggests for it (as the report shows it)."""
    import json

    from pipeline.review.report import load_batch_suggestions, with_batch_suggestions

    doc = json.loads((project / "clean" / f"{stem}.json").read_text(encoding="utf-8"))
    return with_batch_suggestions(doc, load_batch_suggestions(project / "clean").get(stem))


def _stage_files(project, stage):
    return {p.name: p.stat().st_mtime_ns for p in (project / "clean" / ".stages" / stage).iterdir()}


def test_batch_evidence_through_luigi_and_its_caches(tmp_path):
    """The index is built after every Footnotes stage; a new document is new evidence for the
    others' suggestions but re-runs none of their stages; a decision on a batch suggestion makes
    that document's later stages read the index; a withdrawn decision gives back the earlier
    output (the same fingerprint comes back)."""
    import json

    from conftest import make_project, run_clean_all
    from pipeline.review import decisions

    project = make_project(tmp_path / "p", [S002, S003])
    assert run_clean_all(project).returncode == 0
    doc = _corrections(project, S003.stem)
    assert not [c for c in doc["corrections"] if c["rule"] == "footnote.batch-anchor"]  # 001 not in the batch
    footnotes_before = _stage_files(project, "footnotes")
    first_md = (project / "clean" / f"{S002.stem}.md").read_bytes()

    import shutil
    notes_before = _stage_files(project, "notes")
    shutil.copy(S001, project / "raw" / S001.name)
    assert run_clean_all(project).returncode == 0
    assert {k: v for k, v in _stage_files(project, "footnotes").items() if k in footnotes_before} == footnotes_before
    assert {k: v for k, v in _stage_files(project, "notes").items() if k in notes_before} == notes_before
    assert len(_stage_files(project, "notes")) == len(notes_before) + 1  # 001's own; 002 and 003 untouched
    doc = _corrections(project, S003.stem)
    place = correction(doc, "footnote.batch-anchor", "1993")  # 001 is evidence now
    lost = correction(_corrections(project, S002.stem), "footnote.lost-marker", "1993,")
    assert lost["info"]["evidence"] == S001.stem

    decisions.merge(project / "dictionaries" / "review-decisions.json", [
        {"doc_id": S003.stem, "id": place["id"], "decision": "accept"},
        {"doc_id": S002.stem, "id": lost["id"], "decision": "accept"}])
    result = run_clean_all(project)
    assert result.returncode == 0
    assert _corrections(project, S003.stem)["footnotes"][0]["anchored"] is True
    assert correction(json.loads((project / "clean" / f"{S003.stem}.json").read_text()), "footnote.batch-anchor",
                      "1993")["status"] == "accepted"  # in the document's own log once decided
    assert "25 June 1993,[^1] for" in (project / "clean" / f"{S002.stem}.md").read_text(encoding="utf-8")

    # Withdrawn, and 001 gone again: the first outputs come back, though their stage files were cached.
    decisions.merge(project / "dictionaries" / "review-decisions.json", [
        {"doc_id": S003.stem, "id": place["id"], "decision": "undecided"},
        {"doc_id": S002.stem, "id": lost["id"], "decision": "undecided"}])
    (project / "raw" / S001.name).unlink()
    assert run_clean_all(project).returncode == 0
    assert (project / "clean" / f"{S002.stem}.md").read_bytes() == first_md
    assert json.loads((project / "clean" / f"{S003.stem}.json").read_text())["footnotes"][0]["anchored"] is False


def test_grouped_batches_wait_for_the_index(tmp_path):
    """With documents grouped (CleanBatch), the groups run to Footnotes first, then the index, then the rest."""
    from conftest import make_project, run_clean_all

    project = make_project(tmp_path / "p", [S001, S002, S003])
    cfg = project / "luigi.cfg"
    cfg.write_text(cfg.read_text().replace("documents_per_task = auto", "documents_per_task = 2"))
    result = run_clean_all(project)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "FootnoteBatch" in result.stderr and "NoteIndex" in result.stderr
    doc = _corrections(project, S003.stem)
    assert correction(doc, "footnote.batch-anchor", "1993")["info"]["evidence"] == S001.stem

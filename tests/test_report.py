"""The review report: what it reads, what it writes, that document text stays text,
and the decide / apply / re-run loop.  The browser side is in test_report_browser.py."""
from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from pipeline.review import decisions
from pipeline.review import report as report_mod
from pipeline.review import apply as review
from pipeline.review.report import build_report, summarize
from pipeline.worktext import LineRef, Proposal, Thresholds, WorkText

FIXTURES = Path(__file__).parent / "data" / "report"
TEMPLATES = Path(report_mod.__file__).parent / "templates"
HOSTILE_MARKUP = ("<script>window.__pwned", "<img src=x", "<svg onload", "<svg/onload", "<iframe", "</textarea></style>")


@pytest.fixture()
def clean(tmp_path: Path) -> Path:
    out = tmp_path / "clean"
    shutil.copytree(FIXTURES, out, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return out


class Page(HTMLParser):
    """The tags, attributes and the JSON island of a generated page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.data_json = ""
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self.scripts.append(a)
            self._in_data = a.get("id") == "report-data"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_data = False

    def handle_data(self, data):
        if self._in_data:
            self.data_json += data


def parse(path: Path) -> tuple[str, Page, dict]:
    html = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    return html, page, json.loads(page.data_json)


def test_build_report_writes_one_page_atomically(clean: Path) -> None:
    path = build_report(clean)
    assert path == clean / "report.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not [p for p in clean.iterdir() if p.name.startswith(".report-") or p.suffix == ".tmp"]
    # A second build replaces it in place.
    assert build_report(clean) == path


def test_a_failed_build_leaves_the_previous_report(clean: Path, monkeypatch) -> None:
    path = build_report(clean)
    before = path.read_bytes()
    def broken(*a, **k):
        raise RuntimeError("template exploded")
    monkeypatch.setattr(report_mod, "render", broken)
    with pytest.raises(RuntimeError):
        build_report(clean)
    assert path.read_bytes() == before
    assert not [p for p in clean.iterdir() if p.name.startswith(".report-")]


def test_reads_canonical_documents_and_failures_and_skips_other_json(clean: Path) -> None:
    _, _, data = parse(build_report(clean))
    ids = [d["doc_id"] for d in data["docs"]]
    assert "000_925e479e4b378691" in ids and "001_0c83b350d768e6c1" in ids and "004_5b02a51a45b675a1" in ids
    assert "005" not in ids  # another schema
    assert len(ids) == 5  # 4 documents + 1 failure; run-summary.json skipped
    failed = next(d for d in data["docs"] if d["doc_id"] == "003_deb12b2bf5bc89c9")
    assert failed["failure"]["stage"] == "structure"
    assert failed["failure"]["reason"].startswith("no operative paragraphs found")
    assert failed["json"] is None
    kinds = {d["doc_id"]: d["kind"] for d in data["docs"]}
    assert kinds["000_925e479e4b378691"] == "text" and kinds["001_0c83b350d768e6c1"] == "scan" and kinds["004_5b02a51a45b675a1"] == "PDF"
    text = next(d for d in data["docs"] if d["doc_id"] == "000_925e479e4b378691")
    assert text["counts"] == {"flagged": 3, "suggested": 2, "accepted": 0, "rejected": 0, "applied": 2}
    assert (text["fa"], text["ft"]) == (1, 2)


def test_every_correction_is_in_the_page_with_its_history(clean: Path) -> None:
    _, _, data = parse(build_report(clean))
    docs = {d["doc_id"]: i for i, d in enumerate(data["docs"])}
    source = json.loads((clean / "000_925e479e4b378691.json").read_text(encoding="utf-8"))
    rows = sorted((c for c in data["corrections"] if c["d"] == docs["000_925e479e4b378691"]), key=lambda c: c["o"])
    assert len(rows) == len(source["corrections"])
    for row, c in zip(rows, source["corrections"]):
        assert row["id"] == c["id"]
        assert data["rules"][row["r"]] == c["rule"]
        assert (row["b"], row["a"], row["s"], row["c"]) == (c["before"], c["after"], c["status"], c["confidence"])
        assert row["l"] + "\u27e6" + row["m"] + "\u27e7" + row["rt"] == c["context"]
        assert row["p"] == "1" and row["ln"] == str(c["where"]["source"]["line"])
    marker = next(r for r in rows if r["b"] == "Action,2")
    assert ["marker", "2"] in marker["i"]


def test_hostile_text_is_inert(clean: Path) -> None:
    html, page, data = parse(build_report(clean))
    for needle in HOSTILE_MARKUP:
        assert needle not in html, needle
    # Our two scripts only: the JSON island and the nonce'd page script.
    assert len(page.scripts) == 2
    nonce = page.scripts[1].get("nonce")
    assert page.scripts[0]["type"] == "application/json" and nonce
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert f"script-src 'nonce-{nonce}'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    for tag, attrs in page.tags:
        assert tag not in ("img", "svg", "iframe", "object", "embed"), tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for a in ("href", "src"):
            assert not (attrs.get(a) or "").lower().startswith("javascript:"), attrs
    # ... and the text itself survives intact for the page to show.
    hostile = next(d for d in data["docs"] if d["doc_id"].startswith("002_"))
    assert hostile["title"].startswith("On markup <script>window.__pwned=")
    assert hostile["json"] == "./002_hostile.json"
    assert any("<iframe srcdoc=" in c["a"] for c in data["corrections"])
    assert '"onmouseover="window.__pwned=1' in data["rules"]


def test_templates_escape_everything() -> None:
    env = report_mod._environment()
    assert env.autoescape is True
    for path in TEMPLATES.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "Markup(" not in text, path.name
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text and "document.write" not in text, path.name
    src = Path(report_mod.__file__).read_text(encoding="utf-8")
    assert "<div" not in src and "<tr" not in src and "<span" not in src  # no HTML assembled in Python


def test_scans_get_small_crops_referenced_relatively(clean: Path) -> None:
    _, _, data = parse(build_report(clean))
    scan = next(i for i, d in enumerate(data["docs"]) if d["kind"] == "scan")
    rows = [c for c in data["corrections"] if c["d"] == scan]
    assert rows and all(c.get("img") for c in rows)
    assert not [c for c in data["corrections"] if c["d"] != scan and c.get("img")]
    for c in rows:
        assert c["img"].startswith("report-assets/") and ".." not in c["img"]
        png = clean / c["img"]
        assert png.stat().st_size < 40_000
        with Image.open(png) as im:
            assert im.format == "PNG" and 60 < im.width <= 600 and 10 < im.height <= 120
    # Rebuilding reuses the crops; a crop nothing refers to is removed.
    first = clean / rows[0]["img"]
    mtime = first.stat().st_mtime_ns
    stale = clean / "report-assets" / "gone" / "old.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x")
    build_report(clean)
    assert first.stat().st_mtime_ns == mtime
    assert not stale.exists() and not stale.parent.exists()


def test_missing_page_image_leaves_the_crop_out(clean: Path) -> None:
    (clean / "pages" / "001_scan-p1.png").unlink()
    _, _, data = parse(build_report(clean))
    assert not [c for c in data["corrections"] if c.get("img")]


def test_summarize_counts() -> None:
    assert summarize(FIXTURES) == {
        "cleaned": 4,
        "failed": 1,
        "corrections": {"flagged": 7, "suggested": 5, "accepted": 1, "rejected": 1, "applied": 4},
        "awaiting_review": 12,
        "decided_pending_rerun": 0,
        "stale_decisions": 0,
        "footnotes": {"anchored": 2, "total": 4},
        "poor_scan_pages": 0,
        "poor_scan_documents": [],
        "not_english": {},
    }
    text = report_mod.format_summary(summarize(FIXTURES), Path("clean/report.html"))
    assert "12 awaiting review" in text and "clean/report.html" in text


def test_recorded_decisions_not_yet_applied_are_shown(clean: Path, tmp_path: Path) -> None:
    dec = tmp_path / "review-decisions.json"
    decisions.merge(dec, [
        {"doc_id": "000_925e479e4b378691", "id": "a7ad368321f3f77f", "decision": "reject"},
        {"doc_id": "000_925e479e4b378691", "id": "no-such-correction", "decision": "accept"},
    ])
    s = summarize(clean, decisions_path=dec)
    assert s["awaiting_review"] == 11 and s["decided_pending_rerun"] == 1 and s["stale_decisions"] == 1
    html, _, data = parse(build_report(clean, decisions_path=dec))
    row = next(c for c in data["corrections"] if c["id"] == "a7ad368321f3f77f")
    assert row["f"] == "reject" and row["s"] == "flagged"
    assert "1 corrections have a decision in the decisions file" in html
    assert "1 decisions in the decisions file match no correction" in html


def test_decisions_the_run_has_honoured_are_not_pending(clean: Path, tmp_path: Path) -> None:
    doc = json.loads((clean / "004_5b02a51a45b675a1.json").read_text(encoding="utf-8"))
    ids = {c["status"]: c["id"] for c in doc["corrections"]}
    dec = tmp_path / "review-decisions.json"
    decisions.merge(dec, [
        {"doc_id": doc["doc_id"], "id": ids["accepted"], "decision": "accept"},  # honoured
        {"doc_id": doc["doc_id"], "id": ids["rejected"], "decision": "accept"},  # changed mind: next run
    ])
    s = summarize(clean, decisions_path=dec)
    assert s["decided_pending_rerun"] == 1 and s["awaiting_review"] == 12
    _, _, data = parse(build_report(clean, decisions_path=dec))
    flags = {c["id"]: c.get("f") for c in data["corrections"]}
    assert flags[ids["accepted"]] is None and flags[ids["rejected"]] == "accept"


def test_default_decisions_path_is_the_projects(clean: Path) -> None:
    project_file = clean.parent / "dictionaries" / "review-decisions.json"
    project_file.parent.mkdir()
    decisions.merge(project_file, [{"doc_id": "000_925e479e4b378691", "id": "1ced06218808dc9f", "decision": "accept"}])
    assert summarize(clean)["decided_pending_rerun"] == 1


def test_a_broken_decisions_file_does_not_stop_the_report(clean: Path, tmp_path: Path) -> None:
    dec = tmp_path / "review-decisions.json"
    dec.write_text('{"decisions": [', encoding="utf-8")
    html, _, _ = parse(build_report(clean, decisions_path=dec))
    assert "The decisions file could not be read" in html


def test_empty_output_folder(tmp_path: Path) -> None:
    html, _, data = parse(build_report(tmp_path))
    assert data["docs"] == [] and data["corrections"] == []
    assert "No corrections." in html
    assert summarize(tmp_path)["cleaned"] == 0


# ----------------------------------------------------------------- apply
def export_of(clean: Path, picks: dict[str, str]) -> dict:
    """The file the page's Export button downloads, for the given {id: decision}."""
    out = []
    for path in sorted(clean.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for c in doc.get("corrections", []) if isinstance(doc, dict) else []:
            if c["id"] in picks:
                out.append({"doc_id": doc["doc_id"], "id": c["id"], "decision": picks[c["id"]], "rule": c["rule"],
                            "before": c["before"], "after": c["after"], "context": c["context"]})
    return {"version": 1, "decisions": out}


def test_review_apply_merges_validates_and_says_what_next(clean: Path, tmp_path: Path, capsys) -> None:
    project = clean.parent
    export = tmp_path / "review-decisions.json"
    export.write_text(json.dumps(export_of(clean, {"a7ad368321f3f77f": "reject", "1ced06218808dc9f": "accept"})), encoding="utf-8")
    assert review.main(["apply", str(export), "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert "Merged 2 decisions (1 accept, 1 reject)" in out
    assert "luigi --module pipeline CleanAll" in out
    stored = decisions.load(project / "dictionaries" / "review-decisions.json")
    assert stored == {"000_925e479e4b378691": {"a7ad368321f3f77f": "reject", "1ced06218808dc9f": "accept"}}

    # Changing one's mind replaces the decision; the others stay.
    export.write_text(json.dumps(export_of(clean, {"a7ad368321f3f77f": "accept"})), encoding="utf-8")
    assert review.main(["apply", str(export), "--project", str(project)]) == 0
    assert "1 of them replace an earlier, different decision" in capsys.readouterr().out
    stored = decisions.load(project / "dictionaries" / "review-decisions.json")
    assert stored["000_925e479e4b378691"] == {"a7ad368321f3f77f": "accept", "1ced06218808dc9f": "accept"}


@pytest.mark.parametrize("content", [
    "{not json",
    '{"decisions": [{"doc_id": "d", "id": "x", "decision": "maybe"}]}',
    '{"decisions": [{"id": "x", "decision": "accept"}]}',
    '{"version": 2, "decisions": []}',
    '[]',
])
def test_review_apply_refuses_a_bad_file_and_changes_nothing(clean: Path, tmp_path: Path, capsys, content: str) -> None:
    project = clean.parent
    target = project / "dictionaries" / "review-decisions.json"
    target.parent.mkdir()
    decisions.merge(target, [{"doc_id": "d", "id": "keep", "decision": "accept"}])
    before = target.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert review.main(["apply", str(bad), "--project", str(project)]) == 2
    assert "error:" in capsys.readouterr().err
    assert target.read_bytes() == before


def test_review_report_and_summary_commands(clean: Path, capsys) -> None:
    assert review.main(["report", str(clean)]) == 0
    assert (clean / "report.html").exists()
    assert review.main(["summary", str(clean), "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{"):])["awaiting_review"] == 12
    assert review.main(["summary", str(clean / "nope")]) == 2


# ------------------------------------------------------------ round trip
RAW = "the Charter of the Un ited Nations, in particular Artic1e 1,\nat its tenth session;"


def mini_run(clean: Path, project: Path) -> dict:
    """One document through the lead's core the way a run does it: proposals, thresholds,
    the project's decisions.  Stands in for CleanAll until the spine lands (see the
    real-pipeline round trip in test_report_browser.py)."""
    decided = decisions.load(project / "dictionaries" / "review-decisions.json").get("doc", {})
    work = WorkText("doc", RAW, [LineRef(0, 60, 1, 0), LineRef(61, len(RAW), 1, 1)])
    def at(s: str) -> tuple[int, int]:
        i = work.text.index(s)
        return i, i + len(s)
    work.apply([Proposal(*at("Un ited"), "United", "join_split_word", 0.95),
                Proposal(*at("Artic1e"), "Article", "ocr_digit_in_word", 0.75),
                Proposal(*at("tenth"), "eighth", "session_ordinal", 0.3)], Thresholds(), decided.get)
    doc = {"schema": "clean-document/1", "doc_id": "doc", "source": {"path": "raw/doc.txt", "sha256": "0" * 64, "kind": "text"},
           "symbol": None, "organ": None, "title": None, "preamble": [], "operative": [{"id": "op1", "num": "1", "text": work.text, "notes": []}],
           "footnotes": [], "closing": None, "corrections": work.corrections}
    clean.mkdir(exist_ok=True)
    (clean / "doc.json").write_text(json.dumps(doc), encoding="utf-8")
    return doc


def test_round_trip_decide_apply_rerun(tmp_path: Path, capsys) -> None:
    project, clean = tmp_path, tmp_path / "clean"
    first = mini_run(clean, project)
    _, _, data = parse(build_report(clean))
    by_rule = {data["rules"][c["r"]]: c for c in data["corrections"]}
    assert by_rule["ocr_digit_in_word"]["s"] == "flagged" and by_rule["session_ordinal"]["s"] == "suggested"
    assert summarize(clean)["awaiting_review"] == 2

    export = tmp_path / "Downloads" / "review-decisions.json"
    export.parent.mkdir()
    export.write_text(json.dumps(export_of(clean, {by_rule["ocr_digit_in_word"]["id"]: "reject",
                                                   by_rule["session_ordinal"]["id"]: "accept"})), encoding="utf-8")
    assert review.main(["apply", str(export), "--project", str(project)]) == 0
    assert summarize(clean)["decided_pending_rerun"] == 2

    second = mini_run(clean, project)
    status = {c["rule"]: c["status"] for c in second["corrections"]}
    assert status == {"join_split_word": "applied", "ocr_digit_in_word": "rejected", "session_ordinal": "accepted"}
    text = second["operative"][0]["text"]
    assert "Artic1e" in text and "eighth session" in text and "United" in text
    assert first["operative"][0]["text"] != text
    assert [c["id"] for c in first["corrections"]] == [c["id"] for c in second["corrections"]]
    s = summarize(clean)
    assert s["awaiting_review"] == 0 and s["decided_pending_rerun"] == 0
    assert s["corrections"] == {"flagged": 0, "suggested": 0, "accepted": 1, "rejected": 1, "applied": 1}


def test_snippets_give_a_clause_to_judge_and_the_export_keeps_the_identity(clean: Path) -> None:
    text = ("Reaffirming its commitment to promoting international cooperation, as well as relevant provisions "
            "of the Vienna Declaration adopted by the World Conference on Human Rights on 25 June 1993,\n"
            "for enhancing genuine cooperation among Member States in the field of human rights,\n\nRecalling also")
    work = WorkText("snip", text)
    at = text.index("1993,")
    rec = work.apply([Proposal(at, at + 5, "1993,", "footnote.lost-marker", 0.4, {"notice": "n"}, status="suggested")],
                     Thresholds())[0]
    assert "25 June \u27e61993,\u27e7 for" in rec["context"] and len(rec["context"]) < 70  # the identity: unchanged
    snippet = rec["snippet"]
    assert snippet == ("adopted by the World Conference on Human Rights on 25 June \u27e61993,\u27e7 "
                       "for enhancing genuine cooperation among Member States in")  # whole words
    end = text.index("rights,\n\n")
    assert work.snippet(end, end + 7) == "cooperation among Member States in the field of human \u27e6rights,\u27e7"  # not past the paragraph
    assert 100 <= len(snippet) <= 140 and "\u27e61993,\u27e7 for enhancing genuine cooperation" in snippet
    doc = json.loads((clean / "000_925e479e4b378691.json").read_text(encoding="utf-8"))
    doc["corrections"][0]["snippet"] = "a much longer clause around \u27e6" + doc["corrections"][0]["before"] + "\u27e7 than the context"
    (clean / "000_925e479e4b378691.json").write_text(json.dumps(doc), encoding="utf-8")
    _, _, data = parse(build_report(clean))
    row = next(r for r in data["corrections"] if r["id"] == doc["corrections"][0]["id"])
    assert (row["l"], row["rt"]) == ("a much longer clause around ", " than the context")
    assert row["x"] == doc["corrections"][0]["context"]  # what the export sends, as the decision's identity says


def test_full_rule_names_and_a_layout_for_wide_windows() -> None:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    bar_label = next(line for line in css.splitlines() if line.startswith(".barlabel"))
    assert "ellipsis" not in bar_label and "nowrap" not in bar_label
    main = next(line for line in css.splitlines() if line.startswith("main {"))
    assert "1180px" not in main

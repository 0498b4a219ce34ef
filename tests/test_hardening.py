"""Faults that pass, inputs that lie, reviewers at the same time (issue 19).

One test (or table) per case of the issue:

1. faults of the machine are never cached, the document is retried, the exit status says so;
2. only regular files inside raw/ are inputs, the rest is named with the reason;
3. decisions are merged under a lock, nothing is left behind, non-dictionaries never change a fingerprint;
4. a broken user file gives one line (file, line, what, what to do), never a traceback or a huge echo;
5. outputs of inputs that are gone move to clean/stale/, the report and summary show the current batch;
6. clean/ not writable: one line and exit 45; after a good run, the changed document is not left looking current;
7. every writer's temp files follow one convention and one cleanup removes the stale ones;
8. the marker re-read degrades: words kept, the skipped step in the output, its markers flagged.

Faults of the machine are made to happen by tests/inject_faults.py (no root needed, and root,
who runs the CI, is not stopped by ``chmod``).
"""
from __future__ import annotations

import errno
import json
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, SEEDS, make_project, run_clean_all
from pipeline.review import decisions
from pipeline import faults, files
from pipeline.review import apply as review
from pipeline.run import fingerprint, stages
from pipeline.userfiles import UserFileError

INJECT = ROOT / "tests" / "inject_faults.py"
SCAN = ROOT / "tests" / "data" / "A_RES_80_37-p2-scan.pdf"
SCHEMA = json.loads((ROOT / "pipeline" / "schema" / "clean-document.schema.json").read_text())
needs_tesseract = pytest.mark.skipif(not __import__("shutil").which("tesseract"), reason="tesseract is not installed")


def run_with_faults(project: Path, spec: list[dict], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(INJECT), json.dumps(spec), *args], cwd=project,
                          capture_output=True, text=True, timeout=600)


BATCH_FILES = {"report.html", "citations.json", "citations.csv", "batch-suggestions.json"}  # of the whole batch, not of one document


def outputs(clean: Path) -> list[str]:
    return sorted(p.name for p in clean.iterdir() if p.is_file() and p.name not in BATCH_FILES)


# ---------------------------------------------------------------- 1. input or machine
class TesseractError(RuntimeError):  # pytesseract's, by name: the classifier must not need pytesseract
    def __init__(self, status, message):
        super().__init__(status, message)
        self.status, self.message = status, message


def _decoder_oserror() -> OSError:
    from PIL import Image
    import io

    try:
        Image.open(io.BytesIO(b"not an image"))
    except OSError as e:
        return e
    raise AssertionError("PIL read garbage")


@pytest.mark.parametrize("exc, machine, kind", [
    (OSError(errno.ENOSPC, "No space left on device"), True, "no-space"),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), True, "no-space"),
    (PermissionError(errno.EACCES, "Permission denied", "clean/x.json"), True, "permission"),
    (PermissionError(errno.EPERM, "Operation not permitted", "clean/x.json"), True, "permission"),
    (OSError(errno.EROFS, "Read-only file system"), True, "permission"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "raw/gone.pdf"), True, "vanished"),
    (OSError(errno.EIO, "Input/output error"), True, "machine"),
    (MemoryError(), True, "memory"),
    (TesseractError(-9, ""), True, "killed"),
    (TesseractError(-8, "Page 0 : strip-0.png"), True, "killed"),
    (TesseractError(1, "Failed loading language 'xyz'"), True, "missing-tool"),
    (TesseractError(1, "Error during processing."), False, "input"),
    (subprocess.TimeoutExpired("tesseract", 60), True, "killed"),
    (RuntimeError("Tesseract process timeout"), True, "killed"),
    (_decoder_oserror(), False, "input"),
    (ValueError("odd value"), False, "bug"),
    (IndexError("list index out of range"), False, "bug"),
    (RecursionError("maximum recursion depth exceeded"), False, "bug"),
])
def test_one_place_says_whose_fault_it_is(exc, machine, kind):
    fault = faults.classify(exc, where="clean")
    assert (fault.machine, fault.kind) == (machine, kind), fault
    assert fault.reason and fault.hint and "\n" not in fault.line()


def test_input_faults_by_name():
    from pipeline.extract.errors import ExtractError
    from pipeline.extract.scan import TesseractMissing

    assert not faults.classify(ExtractError("raw/x.pdf: empty file")).machine
    assert faults.classify(TesseractMissing("tesseract is not installed: run scripts/setup.sh")).machine


def test_no_space_says_where_and_how_much(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as e:
        files.atomic_write(tmp_path / "clean" / "x.json", b"x" * (3 << 20))
    fault = faults.classify(e.value, where=tmp_path / "clean")
    assert fault.machine and fault.reason == f"no space left on {tmp_path / 'clean'}/ (3 MB needed)"
    assert os.listdir(tmp_path / "clean") == []  # nothing left behind


def test_a_machine_fault_is_never_cached_and_the_next_run_does_the_work(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:2])
    stem = SEEDS[0].stem
    first = run_with_faults(project, [{"kind": "enospc", "path": f"repair/.{stem}"}])
    assert first.returncode == faults.EXIT_NOT_DONE, first.stderr[-3000:]
    assert f"not done: raw/{SEEDS[0].name}: no space left on clean/ (" in first.stdout
    assert "documents cleaned: 1" in first.stdout
    assert "looks like a bug" not in first.stdout + first.stderr
    assert not (project / "clean" / "failed").exists()  # no failure record: nothing cached
    assert not list((project / "clean" / ".stages" / "repair").glob(f"{stem}-*"))
    again = run_clean_all(project)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "documents cleaned: 2" in again.stdout and "not done" not in again.stdout
    assert outputs(project / "clean") == sorted(f"{s.stem}{x}" for s in SEEDS[:2] for x in (".akn.xml", ".json", ".md"))


# ---------------------------------------------------------------- 2. what raw/ may hold
def test_only_regular_files_inside_raw_are_inputs(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:1])
    raw = project / "raw"
    secret = tmp_path / "outside.txt"
    secret.write_text(SEEDS[1].read_text(encoding="utf-8") + "\nSECRET-TOKEN-19\n", encoding="utf-8")
    (raw / "outside.txt").symlink_to(secret)
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "zero.txt").symlink_to("/dev/zero")
    (raw / "folder").mkdir()
    (raw / "folder-link").symlink_to(raw / "folder")
    (raw / "loop.txt").symlink_to("loop.txt")
    (raw / "dangling.txt").symlink_to("missing.txt")
    os.mkfifo(raw / "fifo.txt")
    (raw / "second-name.txt").symlink_to(SEEDS[0].name)  # stays inside raw/: followed
    run = run_clean_all(project)
    assert run.returncode == 0, run.stderr[-3000:]
    expected = {
        "outside.txt": "outside raw/", "passwd.txt": "/etc/passwd, outside raw/", "zero.txt": "/dev/zero, outside raw/",
        "folder": "a folder", "folder-link": "a folder", "loop.txt": "loops", "dangling.txt": "a symbolic link to nothing",
        "fifo.txt": "FIFO",
    }
    html = (project / "clean" / "report.html").read_text(encoding="utf-8")
    for name, why in expected.items():
        line = next((ln for ln in run.stdout.splitlines() if ln.startswith(f"  skipped: raw/{name}: ")), "")
        assert why in line, (name, run.stdout)
        assert f"raw/{name}: " in html
    assert f"skipped, not inputs: {len(expected)}" in run.stdout
    assert "documents cleaned: 2" in run.stdout
    assert outputs(project / "clean") == sorted(f"{s}{x}" for s in (SEEDS[0].stem, "second-name")
                                                for x in (".akn.xml", ".json", ".md"))
    for p in (project / "clean").rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert b"SECRET-TOKEN-19" not in data and b"root:x:0:0" not in data, p


def test_listing_rule_as_a_table(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("x")
    (raw / ".hidden.txt").write_text("x")
    (raw / "b.txt").symlink_to("a.txt")
    (raw / "c.txt").symlink_to(tmp_path)
    inputs, skipped = stages.scan_inputs(raw)
    assert [p.name for p in inputs] == ["a.txt", "b.txt"]
    assert [(n.rsplit("/", 1)[-1], "outside raw/" in why) for n, why in skipped] == [("c.txt", True)]


# ---------------------------------------------------------------- 3. reviewers at the same time
def _decision_file(path: Path, doc: str, n: int, tag: str) -> Path:
    path.write_text(json.dumps({"version": 1, "decisions": [
        {"doc_id": doc, "id": f"{tag}-{i}", "decision": "accept" if i % 2 else "reject"} for i in range(n)]}))
    return path


def _reviewer(k: int, rounds: int, per_file: int, project: Path, folder: Path, start) -> None:
    """One reviewer: ``rounds`` times, wait for the others, then ``review apply`` a new file of decisions."""
    status = 0
    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        for r in range(rounds):
            f = _decision_file(folder / f"r{k}-{r}.json", f"doc{k}", per_file, f"round{r}")
            start.wait(60)  # all four start each round together
            status |= review.main(["apply", str(f), "--project", str(project)])
    os._exit(status)


def test_four_reviewers_at_once_lose_nothing(tmp_path):
    """4 ``review apply`` processes at once, 40 rounds: every decision of every reviewer is kept."""
    project = make_project(tmp_path / "project", [])
    target = project / "dictionaries" / "review-decisions.json"
    fp_before = fingerprint.dictionaries_version(project / "dictionaries")
    ctx = multiprocessing.get_context("fork")
    per_file, rounds, reviewers = 25, 40, 4
    start = ctx.Barrier(reviewers)
    procs = [ctx.Process(target=_reviewer, args=(k, rounds, per_file, project, tmp_path, start)) for k in range(reviewers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
        assert p.exitcode == 0
    kept = decisions.load(target)
    assert {doc: len(ids) for doc, ids in kept.items()} == {f"doc{k}": per_file * rounds for k in range(reviewers)}
    assert sorted(p.name for p in (project / "dictionaries").iterdir()) == sorted(
        [p.name for p in (ROOT / "dictionaries").iterdir() if p.name != "review-decisions.json"] + ["review-decisions.json"])
    assert fingerprint.dictionaries_version(project / "dictionaries") == fp_before


def test_a_failed_apply_leaves_nothing_behind(tmp_path, monkeypatch, capsys):
    project = make_project(tmp_path / "project", [])
    before = sorted(os.listdir(project / "dictionaries"))

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    status = review.main(["apply", str(_decision_file(tmp_path / "d.json", "doc", 5, "x")), "--project", str(project)])
    err = capsys.readouterr().err
    assert status == faults.EXIT_NOT_DONE and err.count("\n") == 1 and "no space left on" in err
    assert sorted(os.listdir(project / "dictionaries")) == before


@pytest.mark.parametrize("name", ["review-decisions.tmp", ".review-decisions.json.lock", "un_words.tsv~",
                                  "#un_words.tsv#", ".un_words.tsv.swp", "un_words.tsv.bak", "un_words.tsv.orig",
                                  ".review-decisions.json.~host~123~abcd.tmp", "review-decisions.json"])
def test_files_that_are_not_dictionaries_never_change_the_fingerprint(tmp_path, name):
    project = make_project(tmp_path / "project", [])
    before = fingerprint.dictionaries_version(project / "dictionaries")
    (project / "dictionaries" / name).write_text("anything\n")
    assert fingerprint.dictionaries_version(project / "dictionaries") == before
    (project / "dictionaries" / "un_words.tsv").write_text("new\t1\t1\n")
    assert fingerprint.dictionaries_version(project / "dictionaries") != before


def _two_runs(project: Path) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([sys.executable, "-m", "luigi", "--module", "pipeline", "CleanAll"], cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    return [subprocess.CompletedProcess(p.args, p.wait(600), *p.communicate()) for p in procs]


def test_two_batches_at_once_give_the_outputs_of_one(tmp_path):
    from test_faults import INPUTS, snapshot

    one = make_project(tmp_path / "one", INPUTS)
    assert run_clean_all(one).returncode == 0
    two = make_project(tmp_path / "two", INPUTS)
    for run in _two_runs(two):
        assert run.returncode == 0, run.stderr[-3000:]
    assert snapshot(two / "clean") == snapshot(one / "clean")
    assert not [p for p in (two / "clean").rglob("*") if files.is_temp_name(p.name)]


# ---------------------------------------------------------------- 4. broken user files: one line
BIG = "x" * (2 << 20)


@pytest.mark.parametrize("label, text, line, words", [
    ("list as doc_id", '{"version": 1,\n "decisions": [\n  {"doc_id": ["a"], "id": "y", "decision": "accept"}\n ]}', 3,
     "doc_id must be text"),
    ("number as id", '{"decisions": [\n {"doc_id": "a", "id": "y", "decision": "accept"},\n {"doc_id": "a", "id": 7, "decision": "accept"}]}', 3,
     "id must be text"),
    ("not an object", '[1, 2]', None, "expected an object"),
    ("decisions not a list", '{"decisions": {"a": 1}}', 1, "'decisions' is"),
    ("bad decision word", '{"decisions": [{"doc_id": "a", "id": "y", "decision": "maybe"}]}', 1, "accept or reject"),
    ("deep nesting", '{"decisions": ' + "[" * 5000 + "]" * 5000 + "}", 1, "nested more than"),
    ("huge number", '{"version": 1,\n "decisions": [],\n "n": ' + "9" * 5000 + "}", 3, "a number of 5000 digits"),
    ("version", '{"version": 2, "decisions": []}', 1, "version 2 is not supported"),
    ("huge bad value", '{"decisions": [{"doc_id": "a", "id": "y", "decision": "' + BIG + '"}]}', 1, "accept or reject"),
    ("syntax", '{"decisions": [\n  {"doc_id": "a"}\n  oops]}', 3, "column 3"),
])
def test_a_broken_decisions_file_gives_one_line(tmp_path, label, text, line, words):
    path = tmp_path / "review-decisions.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(decisions.DecisionsError) as e:
        decisions.load(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}: ") and "\n" not in msg and len(msg) < 400, msg[:500]
    assert words in msg, msg
    if line:
        assert f": line {line}" in msg, msg
    assert msg.rstrip().endswith(("run again", "restore it from git"))


def test_bad_encoding_and_size_are_one_line_too(tmp_path, monkeypatch):
    path = tmp_path / "review-decisions.json"
    path.write_bytes(b'{"decisions": [\n {"doc_id": "caf\xe9", "id": "y", "decision": "accept"}]}')
    with pytest.raises(decisions.DecisionsError, match=r": line 2, column \d+: not UTF-8 text \(byte 0xe9\); save the file as UTF-8"):
        decisions.load(path)
    with open(path, "wb") as f:
        f.truncate(65 << 20)  # sparse: nothing is written
    with pytest.raises(decisions.DecisionsError, match=r"65 MB, more than the 64 MB"):
        decisions.load(path)


def test_review_apply_answers_in_one_line_with_its_status(tmp_path):
    project = make_project(tmp_path / "project", [])
    bad = tmp_path / "export.json"
    bad.write_text('{"decisions": [{"doc_id": "a", "id": ["y"], "decision": "accept"}]}')
    run = subprocess.run([sys.executable, "-m", "pipeline.review", "apply", str(bad), "--project", str(project)],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 2 and "Traceback" not in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith(f"error: {bad}: line 1: decision #1: id must be text")
    (project / "dictionaries" / "review-decisions.json").write_text('{"decisions": ' + "[" * 3000 + "]" * 3000 + "}")
    good = _decision_file(tmp_path / "good.json", "a", 2, "z")
    run = subprocess.run([sys.executable, "-m", "pipeline.review", "apply", str(good), "--project", str(project)],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 2 and "Traceback" not in run.stderr and "nested more than" in run.stderr


def test_a_broken_decisions_file_stops_the_batch_in_one_line(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:1])
    (project / "dictionaries" / "review-decisions.json").write_text(
        '{"decisions": [{"doc_id": "a", "id": "y", "decision": "accept", "rule": {"deep": [1]}}]}')
    run = run_clean_all(project)
    assert run.returncode == 35 and "Traceback" not in run.stderr
    assert "[pipeline] not started, no document touched: dictionaries/review-decisions.json: line 1: decision #1: rule must be text" in run.stderr


@pytest.mark.parametrize("file, damage, words", [
    ("un_words.tsv", lambda b: b.replace(b"\n", b"\n\xff\xfe", 1), "not UTF-8 text"),
    ("ocr_confusions.json", lambda b: b'{"confusions": [{"seen": ["rn"], "meant": "m", "weight": 1}]}', "confusion #1 needs"),
    ("ocr_confusions.json", lambda b: b'{"confusions": ' + b"[" * 3000 + b"]" * 3000 + b"}", "nested more than"),
    ("ocr_confusions.json", lambda b: b'{"confusions": [{"seen": "rn", "meant": "m", "weight": ' + b"1" * 6000 + b"}]}",
     "a number of 6000 digits"),
])
def test_a_broken_dictionary_is_one_line(tmp_path, file, damage, words):
    from pipeline.lexicon import DictionaryError, check_dictionaries

    project = make_project(tmp_path / "project", [])
    path = project / "dictionaries" / file
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DictionaryError) as e:
        check_dictionaries(project / "dictionaries")
    msg = str(e.value)
    assert isinstance(e.value, UserFileError) and msg.startswith(str(path)) and "\n" not in msg and len(msg) < 400
    assert words in msg, msg


# ---------------------------------------------------------------- 5. inputs that are gone
def test_outputs_of_removed_or_renamed_inputs_do_not_live_on(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:2])
    (project / "raw" / "empty.txt").write_bytes(b"")
    assert run_clean_all(project).returncode == 30
    (project / "raw" / SEEDS[0].name).unlink()
    (project / "raw" / "empty.txt").unlink()
    (project / "raw" / SEEDS[1].name).rename(project / "raw" / "renamed.txt")
    run = run_clean_all(project)
    assert run.returncode == 0, run.stderr[-3000:]
    clean = project / "clean"
    assert outputs(clean) == ["renamed.akn.xml", "renamed.json", "renamed.md"]
    assert "documents cleaned: 1" in run.stdout and "documents failed:  0" in run.stdout
    assert not (clean / "failed").exists() or not list((clean / "failed").iterdir())
    stale = sorted(str(p.relative_to(clean / "stale")) for p in (clean / "stale").rglob("*") if p.is_file())
    assert stale == sorted([f"{s.stem}{x}" for s in SEEDS[:2] for x in (".akn.xml", ".json", ".md")] + ["failed/empty.json"])
    html = (clean / "report.html").read_text(encoding="utf-8")
    assert SEEDS[0].stem not in html and "raw/empty.txt" not in html and "raw/renamed.txt" in html


# ---------------------------------------------------------------- 6. write failures, labelled
def test_clean_not_writable_is_one_line_and_its_own_status(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:1])
    run = run_with_faults(project, [{"kind": "readonly"}])
    assert run.returncode == faults.EXIT_NOT_DONE, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    lines = [ln for ln in run.stderr.splitlines() if ln.startswith("[pipeline]")]
    assert lines == ["[pipeline] not started, no document touched: cannot write to clean/: permission denied: clean/; "
                     "check the permissions of clean/ (and of its folder) for this user, then run again"]


def test_read_only_clean_after_a_good_run_leaves_nothing_looking_current(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:2])
    assert run_clean_all(project).returncode == 0
    changed = project / "raw" / SEEDS[1].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n3. Decides to remain seized of the matter.\n", encoding="utf-8")
    run = run_with_faults(project, [{"kind": "readonly"}])
    assert run.returncode == faults.EXIT_NOT_DONE and "Traceback" not in run.stderr
    assert "documents cleaned: 1" in run.stdout
    assert (f"not done: raw/{SEEDS[1].name}: clean/ is not writable (its outputs in clean/ are from an earlier version: "
            "not current)") in run.stdout
    again = run_clean_all(project)
    assert again.returncode == 0 and "documents cleaned: 2" in again.stdout
    assert "remain seized" in (project / "clean" / f"{SEEDS[1].stem}.md").read_text(encoding="utf-8")


def test_a_changed_document_not_done_is_moved_aside(tmp_path):
    """A fault of the machine mid-run: the changed document's old outputs go to clean/stale/, not left as current."""
    project = make_project(tmp_path / "project", SEEDS[:2])
    assert run_clean_all(project).returncode == 0
    changed = project / "raw" / SEEDS[1].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    run = run_with_faults(project, [{"kind": "memory", "doc": SEEDS[1].name}])
    assert run.returncode == faults.EXIT_NOT_DONE
    assert f"not done: raw/{SEEDS[1].name}: out of memory" in run.stdout
    assert outputs(project / "clean") == sorted(f"{SEEDS[0].stem}{x}" for x in (".akn.xml", ".json", ".md"))
    assert (project / "clean" / "stale" / f"{SEEDS[1].stem}.json").exists()


# ---------------------------------------------------------------- 7. temp files: one convention, one cleanup
def test_every_writer_names_its_temp_files_by_the_convention(tmp_path, monkeypatch):
    from PIL import Image

    from pipeline.review import report
    from pipeline.extract import scan

    seen = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: seen.append(os.path.basename(a)) or real(a, b))
    clean = tmp_path / "clean"
    files.atomic_write(clean / "x.json", "{}")
    scan._save_report_image(Image.new("L", (20, 20), 255), clean / "page-1.jpg")
    scan._write_page(clean / "page-1.json", {"page": 1})
    report.build_report(clean)
    decisions.merge(tmp_path / "dictionaries" / "review-decisions.json", [{"doc_id": "a", "id": "b", "decision": "accept"}])
    assert len(seen) == 5 and all(files.is_temp_name(name) for name in seen), seen
    with scan_temp_dir(clean) as d:
        assert files.is_temp_name(Path(d).name)


def scan_temp_dir(folder: Path):
    return files.temp_dir_in(folder, "tesseract")


def test_stale_temp_files_of_every_writer_are_removed_at_the_start(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:1])
    assert run_clean_all(project).returncode == 0
    clean = project / "clean"
    ocr = clean / ".stages" / "ocr" / "k"
    ocr.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    host = files._HOST
    litter = [clean / f".report.html.~{host}~{dead}~a1b2.tmp", clean / "report-assets" / f".x.png.~{host}~{dead}~c3.tmp",
              ocr / f".page-1.json.~{host}~{dead}~d4.tmp", ocr / f".page-1.jpg.~{host}~{dead}~e5.tmp",
              project / "dictionaries" / f".review-decisions.json.~{host}~{dead}~f6.tmp"]
    for p in litter:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("partial")
    (ocr / f".tesseract.~{host}~{dead}~g7.tmp").mkdir()
    (ocr / f".tesseract.~{host}~{dead}~g7.tmp" / "page-1.pgm").write_text("P5")
    live = clean / f".report.html.~{host}~{os.getpid()}~live.tmp"  # a writer still at work: kept
    live.write_text("partial")
    run = run_clean_all(project)
    assert run.returncode == 0
    left = [p.name for p in project.rglob("*") if ".tmp" in p.name]
    assert left == [live.name]


# ---------------------------------------------------------------- 8. a refinement step that fails degrades
@needs_tesseract
def test_a_crashed_marker_reread_keeps_the_words_and_flags_the_markers(tmp_path, monkeypatch):
    import hashlib

    import pytesseract

    from pipeline.extract import scan
    from pipeline.extract.pdf import extract_pdf
    from pipeline.model import Source
    from pipeline.settings import Settings

    def crash(*a, **k):
        raise pytesseract.TesseractError(-8, "Page 0 : /tmp/markers-x/strip-0.png Page 1 : /tmp/markers-x/strip-1.png")

    monkeypatch.setattr(scan, "read_markers", crash)
    source = Source(path=f"raw/{SCAN.name}", sha256=hashlib.sha256(SCAN.read_bytes()).hexdigest(), kind="pdf")
    clean = tmp_path / "clean"
    doc = extract_pdf(SCAN, source, settings={"dpi": 300}, cache_dir=clean / ".stages")
    skipped = doc.meta["ocr"]["skipped"]
    assert [s["step"] for s in skipped] == ["ocr.marker-reread"]
    assert skipped[0]["reason"].startswith("TesseractError: (-8, 'Page 0 :")
    assert len(skipped[0]["markers"]) >= 5  # the page's five footnote markers, at least
    words = sum(len(ln.text.split()) for p in doc.pages for ln in p.lines)
    assert words > 300  # the page's words are kept
    settings = Settings(clean_dir=clean)
    work = stages.recover_footnotes(stages.repair(doc, settings, {}), settings, {})
    out = stages.build(work, doc)
    out["doc_id"] = SCAN.stem
    jsonschema.validate(out, SCHEMA)
    flagged = [c for c in out["corrections"] if c["rule"] == "extract.step-skipped"]
    assert len(flagged) == len(skipped[0]["markers"])
    assert all(c["status"] == "flagged" and c["before"] == c["after"] for c in flagged)
    assert all(c["info"]["skipped_step"] == "ocr.marker-reread" and "TesseractError" in c["info"]["reason"] for c in flagged)
    assert all(c["where"]["source"].get("page") == 1 for c in flagged)
    # the page's analysis was not cached: the next run, Tesseract well, re-reads the markers
    monkeypatch.undo()
    again = extract_pdf(SCAN, source, settings={"dpi": 300}, cache_dir=clean / ".stages")
    assert "skipped" not in again.meta["ocr"] and again.meta["timing"]["ocr_pages_run"] == 0


def test_a_batch_with_a_crashed_marker_reread_completes(tmp_path):
    if not __import__("shutil").which("tesseract"):
        pytest.skip("tesseract is not installed")
    project = make_project(tmp_path / "project", [SCAN])
    run = run_with_faults(project, [{"kind": "marker-crash"}])
    assert run.returncode == 0, run.stderr[-3000:]
    doc = json.loads((project / "clean" / f"{SCAN.stem}.json").read_text(encoding="utf-8"))
    assert any(c["rule"] == "extract.step-skipped" and c["status"] == "flagged" for c in doc["corrections"])
    assert re.search(r"corrections awaiting review: [1-9]", run.stdout)


# ---------------------------------------------------------------- every kind of machine fault, once, mid-batch
def test_each_machine_fault_once_then_the_next_run_equals_an_undisturbed_one(tmp_path):
    """No space, a killed Tesseract, an unreadable input and MemoryError, each once in one batch.

    That run finishes the other documents, caches nothing for the four, says what happened to each and
    exits 45; the next run, the faults gone, gives every file an undisturbed run gives, byte for byte.
    """
    if not __import__("shutil").which("tesseract"):
        pytest.skip("tesseract is not installed")
    from test_faults import INPUTS, snapshot

    inputs = INPUTS + [SCAN, SEEDS[0], SEEDS[3]]
    reference = make_project(tmp_path / "reference", inputs)
    assert run_clean_all(reference).returncode == 0
    project = make_project(tmp_path / "project", inputs)
    no_space, memory, unreadable = SEEDS[0], SEEDS[1], SEEDS[3]
    spec = [{"kind": "enospc", "path": f"structure/.{no_space.stem}"}, {"kind": "killed-tesseract"},
            {"kind": "memory", "doc": memory.name}, {"kind": "unreadable", "path": f"raw/{unreadable.name}"}]
    first = run_with_faults(project, spec)
    assert first.returncode == faults.EXIT_NOT_DONE, first.stderr[-3000:]
    said = {ln.split(": ", 2)[1]: ln for ln in first.stdout.splitlines() if ln.startswith("  not done: ")}
    assert "no space left on clean/ (" in said[f"raw/{no_space.name}"]
    assert "Tesseract was killed by signal 9" in said[f"raw/{SCAN.name}"]
    assert "out of memory" in said[f"raw/{memory.name}"]
    assert "permission denied" in said[f"raw/{unreadable.name}"]
    assert len(said) == 4 and f"documents cleaned: {len(inputs) - 4}" in first.stdout
    assert "documents failed:  0" in first.stdout and "Traceback" not in first.stderr
    assert not (project / "clean" / "failed").exists()
    second = run_clean_all(project)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"documents cleaned: {len(inputs)}" in second.stdout
    assert same_place(snapshot(project / "clean")) == same_place(snapshot(reference / "clean"))


def same_place(snap: dict[str, bytes]) -> dict[str, bytes]:
    """The two projects are in different folders: the report's crop names hash the page image's
    absolute path; an OCR page cache records how long Tesseract took, an extract cache's timing
    whether the read-ahead had read the page first.  These are set aside."""
    out = {}
    for name, data in snap.items():
        if name.startswith("report-assets/"):
            name = re.sub(r"-[0-9a-f]{10}\.png$", ".png", name)
        data = re.sub(rb"(report-assets/[^\"]*)-[0-9a-f]{10}\.png", rb"\1.png", data)
        data = re.sub(rb'"timing":\{[^{}]*\}', b'"timing"', data)
        if name.startswith(".stages/ocr/"):
            data = re.sub(rb'"seconds": [0-9.e-]+', b'"seconds": t', data)
        out[name] = data
    return out


@needs_tesseract
def test_a_crashed_second_reading_keeps_the_first_and_flags_the_page(tmp_path, monkeypatch):
    import hashlib

    import pytesseract

    from pipeline.extract import scan
    from pipeline.extract.pdf import extract_pdf
    from pipeline.model import Source
    from pipeline.settings import Settings

    def crash(*a, **k):
        raise pytesseract.TesseractError(-9, "")

    real_verdict = scan.quality.page_verdict
    monkeypatch.setattr(scan.quality, "page_verdict",  # the page reads as poor: a second reading is wanted
                        lambda m, dpi=None, **k: ("poor", "test") if dpi is None else real_verdict(m, dpi=dpi, **k))
    monkeypatch.setattr(scan, "read_better", crash)
    source = Source(path=f"raw/{SCAN.name}", sha256=hashlib.sha256(SCAN.read_bytes()).hexdigest(), kind="pdf")
    doc = extract_pdf(SCAN, source, settings={"dpi": 300}, cache_dir=tmp_path / ".stages")
    skipped = [s for s in doc.meta["ocr"]["skipped"] if s["step"] == "ocr.second-reading"]
    assert len(skipped) == 1 and skipped[0]["reason"].startswith("TesseractError: (-9")
    assert sum(len(ln.text.split()) for p in doc.pages for ln in p.lines) > 300  # the first reading is kept
    settings = Settings(clean_dir=tmp_path)
    work = stages.repair(doc, settings, {})
    flagged = [c for c in work.corrections if c["rule"] == "extract.step-skipped"
               and c["info"]["skipped_step"] == "ocr.second-reading"]
    assert len(flagged) == 1 and flagged[0]["status"] == "flagged" and flagged[0]["where"]["source"]["page"] == 1
    assert not list((tmp_path / ".stages" / "ocr").glob("*/page-1.json"))  # not cached: the next run reads it again


@pytest.mark.parametrize("file, data, words", [
    ("calibration.json", b'{"a": ' + b"[" * 3000 + b"]" * 3000 + b"}", "nested more than"),
    ("calibration.json", b'{"version": 1, "rules": \xff}', "not UTF-8 text"),
    ("un_resolutions.tsv", b"A/RES/1/1\t1946-01-24\t\xff\t3\n", "not UTF-8 text"),
])
def test_the_other_dictionaries_go_through_the_loader_too(tmp_path, file, data, words):
    from pipeline.structure.citation_memory import read_knowledge
    from pipeline.settings import Settings

    project = make_project(tmp_path / "project", [])
    path = project / "dictionaries" / file
    path.write_bytes(data)
    with pytest.raises(UserFileError) as e:
        if file.endswith(".tsv"):
            read_knowledge(path)
        else:
            stages.check_dictionaries(Settings(dictionaries_dir=project / "dictionaries"))
    msg = str(e.value)
    assert msg.startswith(str(path)) and "\n" not in msg and words in msg, msg

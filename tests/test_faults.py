"""Faults: a run killed anywhere resumes to the same bytes; a broken dictionary stops it first.

A reference run cleans a small batch uninterrupted.  Another copy of the batch
is then SIGKILLed at random points (the whole run while its stages write, and
one forked worker of a two-worker run), re-run after each kill, and finished.
After every kill, each output file present is already the reference's, byte
for byte: no partial file is ever at an output's name, so none can be taken as
done.  The finished batch equals the reference, and the temp files the kills
left are gone.
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, make_project, run_clean_all

PDF = ROOT / "tests" / "data" / "A_RES_80_37.pdf"  # a real 2-page born-digital resolution
INPUTS = SEEDS[1:3] + ([PDF] if PDF.exists() else [])
SEED = int(os.environ.get("FAULT_SEED", "7"))


def luigi_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "luigi", "--module", "pipeline", "CleanAll", *args]


def normalise_report(data: bytes) -> bytes:
    """The report's per-build CSP nonce and generation minute, and its per-folder storage key, may differ."""
    data = re.sub(rb"nonce-[A-Za-z0-9_-]+|nonce=\"[A-Za-z0-9_-]+\"", b"nonce", data)
    data = re.sub(rb'"storage_key":"[0-9a-f]+"', b"storage_key", data)
    return re.sub(rb"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", b"Generated", data)


def is_temp(p: Path) -> bool:
    return p.name.startswith(".") and p.name.endswith(".tmp")


def snapshot(clean: Path) -> dict[str, bytes]:
    """Every output and stage file under clean/, by relative path (temp files apart)."""
    out = {}
    for p in sorted(clean.rglob("*")):
        if p.is_file() and not is_temp(p):
            data = p.read_bytes()
            if p.name == "report.html":
                data = normalise_report(data)
            elif ".stages" in p.parts:
                data = normalise_timing(data)
            out[str(p.relative_to(clean))] = data
    return out


def normalise_timing(data: bytes) -> bytes:
    """PDF extraction records how long it took (meta.timing) in its stage cache, never in an output."""
    return re.sub(rb'("[a-z_]+_seconds": ?)[0-9.e-]+', rb"\1t", data)


def stage_files(clean: Path) -> int:
    stages = clean / ".stages"
    return sum(1 for p in stages.glob("*/*.json") if not is_temp(p)) if stages.is_dir() else 0


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """clean/ of one uninterrupted single-worker run (shared with test_determinism.py)."""
    project = make_project(tmp_path_factory.mktemp("ref") / "project", INPUTS)
    run = run_clean_all(project)
    assert run.returncode == 0, run.stderr[-3000:]
    return snapshot(project / "clean")


def assert_only_finished_files(clean: Path, ref: dict[str, bytes], when: str) -> None:
    now = snapshot(clean)
    extra = sorted(set(now) - set(ref))
    assert not extra, f"{when}: files the reference run never wrote: {extra}"
    for name, data in now.items():
        assert data == ref[name], f"{when}: {name} differs from the reference (a partial or different file)"


def kill_when(project: Path, ready, rng: random.Random, *args: str) -> int:
    """Start the batch; once ``ready()`` holds, SIGKILL the whole run; return its status."""
    proc = subprocess.Popen(luigi_cmd(*args), cwd=project, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while proc.poll() is None and time.monotonic() < deadline:
            if ready():
                time.sleep(rng.uniform(0, 0.03))  # land anywhere in the next stage, not on a boundary
                os.killpg(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        return proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def worker_children(pid: int) -> list[int]:
    """Luigi's forked task processes: children running the same command line (not e.g. ``tesseract``)."""
    try:
        me = Path(f"/proc/{pid}/cmdline").read_bytes()
        kids = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return [k for k in kids if Path(f"/proc/{k}/cmdline").read_bytes() == me]
    except OSError:
        return []


def test_killed_runs_resume_to_the_same_bytes(tmp_path, reference):
    rng = random.Random(SEED)
    project = make_project(tmp_path / "project", INPUTS)
    clean = project / "clean"
    total = sum(1 for k in reference if k.startswith(".stages/") and k.count("/") == 2 and k.endswith(".json"))
    targets = sorted(rng.sample(range(0, total), 3))
    print(f"FAULT_SEED={SEED}: SIGKILL when {targets} of {total} stage files exist")
    for k in targets:
        status = kill_when(project, lambda: stage_files(clean) >= k, rng)
        assert status != 0 or stage_files(clean) == total
        assert_only_finished_files(clean, reference, f"after the kill at {k} stage files")
    leftovers = [p for p in clean.rglob("*") if is_temp(p)] if clean.exists() else []
    final = run_clean_all(project)
    assert final.returncode == 0, final.stderr[-3000:]
    assert snapshot(clean) == reference
    assert not [p for p in clean.rglob("*") if is_temp(p)], "temp files of killed runs were left behind"
    print(f"temp files left by the kills, removed by the final run: {len(leftovers)}")


def test_a_killed_worker_fails_its_run_and_the_rerun_completes(tmp_path, reference):
    rng = random.Random(SEED + 1)
    project = make_project(tmp_path / "project", INPUTS)
    clean = project / "clean"
    # Kill a worker that has been busy for a while: a stage of some document is running in it
    # (a child caught in its last milliseconds may already have reported its task done).
    proc = subprocess.Popen(luigi_cmd("--workers", "2"), cwd=project, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    busy_for = rng.uniform(0.15, 0.4)
    first_seen: dict[int, float] = {}
    killed = None
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and killed is None:
        now = time.monotonic()
        for kid in worker_children(proc.pid):
            first_seen.setdefault(kid, now)
            if now - first_seen[kid] >= busy_for:
                try:
                    os.kill(kid, signal.SIGKILL)
                    killed = kid
                except ProcessLookupError:
                    pass
                break
        time.sleep(0.002)
    out, _ = proc.communicate(timeout=180)
    assert killed, "no worker process was seen"
    assert proc.returncode == 30, f"killed {killed} after {busy_for:.2f} s: " + out[-3000:]  # [retcode] task_failed
    assert "died unexpectedly" in out
    assert_only_finished_files(clean, reference, "after the worker kill")
    rerun = run_clean_all(project, "--workers", "2")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert snapshot(clean) == reference


# ---------------------------------------------------------------- broken dictionaries and decisions
def _touched(project: Path) -> list[str]:
    clean = project / "clean"
    if not clean.exists():
        return []
    return [str(p.relative_to(clean)) for p in clean.rglob("*") if p.is_file() and "dictionaries" not in p.parts]


@pytest.mark.parametrize("file, damage, line", [
    ("un_words.tsv", lambda lines: lines.__setitem__(4, lines[4].rsplit("\t", 1)[0]), 5),
    ("un_bigrams.tsv", lambda lines: lines.__setitem__(9, lines[9].replace("\t", " ")), 10),
    ("un_compounds.tsv", lambda lines: lines.__setitem__(2, lines[2].split("\t")[0] + "\tmany"), 3),
])
def test_broken_dictionary_stops_the_run_before_any_document(tmp_path, file, damage, line):
    project = make_project(tmp_path / "project", SEEDS[:1])
    path = project / "dictionaries" / file
    lines = path.read_text(encoding="utf-8").split("\n")
    damage(lines)
    path.write_text("\n".join(lines), encoding="utf-8")
    run = run_clean_all(project)
    assert run.returncode == 35, run.stderr[-2000:]  # [retcode] scheduling_error
    assert f"[pipeline] not started, no document touched: dictionaries/{file}: line {line}: " in run.stderr
    assert _touched(project) == []


def test_broken_confusions_json_names_its_line(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:1])
    path = project / "dictionaries" / "ocr_confusions.json"
    text = path.read_text(encoding="utf-8").split("\n")
    text[3] = text[3] + ","  # a trailing comma, as a hand edit leaves it
    path.write_text("\n".join(text), encoding="utf-8")
    run = run_clean_all(project)
    assert run.returncode == 35
    assert re.search(r"dictionaries/ocr_confusions.json: line \d+, column \d+", run.stderr)
    assert _touched(project) == []


def test_broken_decisions_file_stops_the_run_before_any_document(tmp_path):
    project = make_project(tmp_path / "project", SEEDS[:1])
    (project / "dictionaries" / "review-decisions.json").write_text(
        '{"version": 1,\n "decisions": [\n  {"doc_id": "x", "id": "y", "decision": "accept"}\n  oops\n ]\n}\n')
    run = run_clean_all(project)
    assert run.returncode == 35
    assert "dictionaries/review-decisions.json: line 4, column 3" in run.stderr
    assert _touched(project) == []

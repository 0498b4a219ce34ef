"""Determinism: the same inputs give the same bytes, run after run, with 1 or 2 workers.

Compared with the uninterrupted single-worker reference of test_faults.py:
every output (``clean/<doc>.json``, ``.md``, ``.akn.xml``, ``failed/``) and
every stage file, byte for byte.  Only the report page's per-build CSP nonce,
its generation minute and its per-folder storage key, and the PDF extraction
timings kept in the extract cache, are set aside (see ``snapshot``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import make_project
from test_faults import INPUTS, luigi_cmd, reference, snapshot  # noqa: F401  (reference is a fixture)


def _run(project, *args: str, hashseed: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}  # set and dict orders differ between the runs
    return subprocess.run(luigi_cmd(*args), cwd=project, capture_output=True, text=True, timeout=600, env=env)


def test_two_workers_give_the_bytes_of_one(tmp_path, reference):
    project = make_project(tmp_path / "project", INPUTS)
    run = _run(project, "--workers", "2", hashseed="1")
    assert run.returncode == 0, run.stderr[-3000:]
    assert snapshot(project / "clean") == reference


def test_a_repeated_run_from_scratch_gives_the_same_bytes(tmp_path, reference):
    project = make_project(tmp_path / "project", INPUTS)
    first = _run(project, hashseed="2")
    assert first.returncode == 0, first.stderr[-3000:]
    assert snapshot(project / "clean") == reference
    shutil.rmtree(project / "clean")
    again = _run(project, hashseed="3")
    assert again.returncode == 0, again.stderr[-3000:]
    assert snapshot(project / "clean") == reference
    # and a run with everything cached changes nothing but the report's build stamp
    cached = _run(project, hashseed="4")
    assert cached.returncode == 0
    assert snapshot(project / "clean") == reference

"""The batch on Luigi's central scheduler: a real luigid, two workers at once.

luigid is started on 127.0.0.1 and a free port with its state and log in the
test's temporary folder, and stopped at the end.  Two worker processes run
``CleanAll`` over the same five documents at the same time; each document must
be processed exactly once (one of the two cleans it, never both) and the
outputs must be byte-identical to a run on the local scheduler.  Once per
task granularity: per-document stage tasks (the default for small batches) and
groups of documents (``CleanBatch``, the default for large ones).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from pipeline.central import start_luigid, stop_luigid

from conftest import ROOT, make_project

# Exit statuses a worker of a shared batch may end with: 0, or "part of it was
# another worker's" (already_running 10, not_run 25 in luigi.cfg [retcode]).
SHARED_OK = {0, 10, 25}
CLEANED = re.compile(r"\[pipeline\] (\S+) cleaned:")


@pytest.fixture
def luigid(tmp_path: Path):
    """A luigid of this test's own, on 127.0.0.1; yields its port."""
    proc, port = start_luigid(tmp_path / "luigid")
    try:
        yield port
    finally:
        stop_luigid(proc)


@pytest.fixture(scope="module")
def code(tmp_path_factory) -> Path:
    """One copy of the package for every run here, so the runs compared share their code."""
    dest = tmp_path_factory.mktemp("code")
    shutil.copytree(ROOT / "pipeline", dest / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.fixture(scope="module")
def local_run(tmp_path_factory, code) -> Path:
    project = make_project(tmp_path_factory.mktemp("local") / "project")
    result = subprocess.run([sys.executable, "-m", "luigi", "--module", "pipeline", "CleanAll"], cwd=project,
                            env=dict(os.environ, PYTHONPATH=str(code)), capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return project


def _central_env(project: Path, code: Path) -> dict[str, str]:
    """The switch to luigid, as documented: the second config file, nothing else."""
    shutil.copy(ROOT / "luigi-central.cfg", project / "luigi-central.cfg")
    return dict(os.environ, LUIGI_CONFIG_PATH="luigi-central.cfg", PYTHONPATH=str(code))


def _done_on_luigid(port: int) -> set[str]:
    query = urllib.parse.quote(json.dumps({"status": "DONE", "upstream_status": "", "search": ""}))
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/task_list?data={query}", timeout=10) as r:
        return {t["name"] for t in json.load(r)["response"].values()}


def _tree(project: Path) -> dict[str, bytes]:
    """Every file under clean/ (of the report, its data island, which names no folder)."""
    out = {}
    for p in sorted((project / "clean").rglob("*")):
        if p.is_file() and ".luigid" not in p.parts:
            data = p.read_bytes()
            if p.name == "report.html":  # its data; the page around it has a build time and nonce
                data = re.search(rb'<script type="application/json" id="report-data">(.*?)</script>', data, re.S).group(1)
                data = re.sub(rb'"storage_key":"[0-9a-f]+"', b'"storage_key":""', data)
            out[str(p.relative_to(project))] = data
    return out


@pytest.mark.parametrize("per_task", ["auto", "2"])
def test_two_workers_on_luigid_clean_each_document_once(tmp_path, luigid, code, local_run, per_task):
    project = make_project(tmp_path / "project")
    cfg = project / "luigi.cfg"
    cfg.write_text(re.sub(r"(?m)^documents_per_task = .*$", f"documents_per_task = {per_task}", cfg.read_text()))
    env = _central_env(project, code)
    cmd = [sys.executable, "-m", "luigi", "--module", "pipeline", "CleanAll", "--scheduler-port", str(luigid)]
    workers = [subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    logs = [w.communicate(timeout=240) for w in workers]
    for w, (_, err) in zip(workers, logs):
        assert w.returncode in SHARED_OK, err[-3000:]
    assert "CleanAll" in _done_on_luigid(luigid)  # the workers really used luigid

    # Exactly once: every document was cleaned by one worker, not by both.
    cleaned = Counter(m for _, err in logs for m in CLEANED.findall(err))
    assert cleaned == Counter({f"raw/{p.name}": 1 for p in sorted((project / "raw").iterdir())}), cleaned
    granularity = "CleanBatch(" if per_task == "2" else "Extract("
    assert any(f"running   {granularity}" in err for _, err in logs)

    # Same bytes as the local scheduler, stage caches included.
    assert _tree(project) == _tree(local_run)

    # The batch's status, after the workers: one more run on luigid does nothing and says so.
    final = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr[-3000:]
    assert "documents cleaned: 5" in final.stdout
    assert _tree(project) == _tree(local_run)


def test_uncleaner_workers_on_luigid(tmp_path, luigid, code):
    """`uncleaner run --scheduler-host` is a luigid worker: two at once clean each document once."""
    project = make_project(tmp_path / "project")
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, "-m", "pipeline.command.cli", "run", "--scheduler-host", "127.0.0.1", "--scheduler-port", str(luigid)]
    workers = [subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outs = [w.communicate(timeout=240) for w in workers]
    for w, (out, err) in zip(workers, outs):
        assert w.returncode in SHARED_OK, out + err
        assert err == "" and f"luigid at 127.0.0.1:{luigid}" in out
    assert "CleanAll" in _done_on_luigid(luigid)
    logs = sorted((project / "clean").glob("run-*.log"))
    assert len(logs) == 2  # one per worker process, none overwritten
    cleaned = Counter(m for log in logs for m in CLEANED.findall(log.read_text()))
    assert cleaned == Counter({f"raw/{p.name}": 1 for p in sorted((project / "raw").iterdir())}), cleaned

    final = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert re.search(r"documents cleaned: 5\ndocuments failed:  0\ncorrections awaiting review: \d+\n"
                     r"report: clean/report.html(\nnext: .*)?$", final.stdout.rstrip()), final.stdout

"""`uncleaner`, as a user types it: the run's console, status, explain, review apply, and mistakes as one line."""
from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, make_project, run_clean_all
from pipeline.command import progress
from pipeline.command.console import BAD_USAGE, NO_INPUT, NO_SCHEDULER, NOT_A_PROJECT, UserError
from pipeline.command.project import Scheduler, choose_scheduler, find_root
from pipeline.review.report import load_batch_suggestions, with_batch_suggestions

SUMMARY_END = re.compile(r"===== CleanAll summary =====\ndocuments cleaned: \d+\ndocuments failed: .*\n"
                         r"corrections awaiting review: \d+\nreport: .*(\nnext: .*)?\n?$")


def uncleaner(cwd: Path, *args: str, timeout: int = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.command.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """The samples through `uncleaner run`, then the same batch through `luigi`, which must find nothing to do."""
    project = make_project(tmp_path_factory.mktemp("cli") / "project")
    first = uncleaner(project, "run")
    again = run_clean_all(project)
    return project, first, again


def test_run_on_the_samples_is_quiet_and_ends_with_the_summary(ran):
    project, first, _ = ran
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert len(lines) <= 15, first.stdout
    assert SUMMARY_END.search(first.stdout), first.stdout
    assert "documents cleaned: 5" in first.stdout
    assert "uncleaner review apply <file> && uncleaner run" in first.stdout  # its own commands, not luigi's
    assert first.stderr == ""  # not a terminal: no progress bar, and Luigi's chatter is in the log
    log = (project / "clean" / "run.log").read_text()
    assert len(re.findall(r"\[pipeline\] raw/\S+ cleaned:", log)) == 5  # each document's details
    assert "Luigi Execution Summary" in log


def test_run_uses_the_same_tasks_and_caches_as_luigi(ran):
    _, _, again = ran
    assert again.returncode == 0, again.stderr[-2000:]
    assert "Did not run any tasks" in again.stderr
    assert SUMMARY_END.search(again.stdout), again.stdout
    assert "python -m pipeline.review apply <file> && luigi --module pipeline CleanAll" in again.stdout


def test_luigi_prints_the_summary_last_and_no_traceback_when_documents_fail(project):
    (project / "raw" / "broken.pdf").write_bytes(b"%PDF-1.4\n% truncated nonsense\n")
    result = run_clean_all(project)
    assert result.returncode == 30
    assert "Traceback" not in result.stderr
    assert re.search(r"failed +CleanAll\(\): 1 of 6 documents failed; reasons in clean/failed", result.stderr)
    assert SUMMARY_END.search(result.stdout), result.stdout  # printed at exit: after Luigi's own summary


def test_status_explain_and_review_apply(ran, tmp_path):
    project, _, _ = ran
    status = uncleaner(project, "status")
    assert status.returncode == 0, status.stderr
    assert re.search(r"^ +5  clean$", status.stdout, re.M), status.stdout
    data = json.loads(uncleaner(project, "status", "--json").stdout)
    waiting = {d["doc_id"]: d["awaiting"] for d in data["documents"] if d["awaiting"]}
    assert data["counts"] == {"clean": 5, "failed": 0, "stale": 0, "new": 0}
    assert data["awaiting_review"] == sum(waiting.values()) > 0

    doc_id = max(waiting, key=waiting.get)
    doc = json.loads((project / "clean" / f"{doc_id}.json").read_text())
    doc = with_batch_suggestions(doc, load_batch_suggestions(project / "clean").get(doc_id))  # as the report shows it
    text = uncleaner(project, "explain", doc_id).stdout
    assert f"{len(doc['corrections'])} corrections:" in text
    assert all(c["rule"] in text for c in doc["corrections"])
    review_only = uncleaner(project, "explain", f"raw/{doc_id}.txt", "--review").stdout  # by the input's path too
    assert len(re.findall(r"^ +\d+\. (flagged|suggested) ", review_only, re.M)) == waiting[doc_id]

    # A decision, through the CLI: merged, then the document is stale until the next run.
    c = next(c for c in doc["corrections"] if c["status"] in ("flagged", "suggested"))
    export = tmp_path / "review-decisions.json"
    export.write_text(json.dumps({"version": 1, "decisions": [
        {"doc_id": doc_id, "id": c["id"], "decision": "reject", "rule": c["rule"], "before": c["before"],
         "after": c["after"], "context": c["context"]}]}))
    applied = uncleaner(project, "review", "apply", str(export))
    assert applied.returncode == 0, applied.stderr
    assert "Merged 1 decisions" in applied.stdout and "`uncleaner run`" in applied.stdout
    after = json.loads(uncleaner(project, "status", "--json").stdout)
    assert after["counts"]["stale"] == 1
    assert "[rejected, applied by the next run]" in uncleaner(project, "explain", doc_id).stdout

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    refused = uncleaner(project, "review", "apply", str(bad))
    assert refused.returncode == BAD_USAGE and len(refused.stderr.splitlines()) == 1, refused.stderr


def _one_line(result: subprocess.CompletedProcess, status: int, *words: str) -> None:
    assert result.returncode == status, (result.returncode, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for w in words:
        assert w in result.stderr, result.stderr


def test_user_mistakes_are_one_line_with_their_own_status(tmp_path):
    project = make_project(tmp_path / "project", inputs=[])
    _one_line(uncleaner(project, "run"), NO_INPUT, "raw/ is empty", "put the documents to clean in it")
    (project / "raw").rmdir()
    _one_line(uncleaner(project, "run"), NO_INPUT, "no input folder raw/", "create it")

    # From the folder above: found at once (no minute of retrying a scheduler), and where to go.
    t0 = time.monotonic()
    wrong = uncleaner(tmp_path, "run")
    assert time.monotonic() - t0 < 30
    _one_line(wrong, NOT_A_PROJECT, "not a project folder", f"cd {project}")

    (project / "raw").mkdir()
    shutil.copy(SEEDS[0], project / "raw")
    _one_line(uncleaner(project, "run", "--frobnicate"), BAD_USAGE, "unrecognized arguments: --frobnicate")
    _one_line(uncleaner(project, "run", "--workers", "two"), BAD_USAGE, "--workers")
    _one_line(uncleaner(project, "launch"), BAD_USAGE, "invalid choice")
    _one_line(uncleaner(project, "run", "--local-scheduler", "--scheduler-host", "h"), BAD_USAGE, "contradict")
    _one_line(uncleaner(project, "run", "--scheduler-host", "127.0.0.1", "--scheduler-port", "1"), NO_SCHEDULER,
              "luigid is not answering at 127.0.0.1:1")
    _one_line(uncleaner(project, "explain", "no-such-doc"), BAD_USAGE, "no output for 'no-such-doc'")

    # A configuration asking for both: refused, never run locally in silence.
    cfg = project / "luigi.cfg"
    cfg.write_text(cfg.read_text().replace("local_scheduler = true", "local_scheduler = true\nscheduler_host = elsewhere"))
    _one_line(uncleaner(project, "run"), BAD_USAGE, "local_scheduler = true and scheduler_host = elsewhere")
    assert not (project / "clean" / ".stages" / "extract").exists()  # no document was touched


def test_luigi_command_line_gets_the_same_one_line_answers(tmp_path):
    project = make_project(tmp_path / "project", inputs=[])
    for args, status, words in [
        ((), NO_INPUT, "raw/ is empty"),
        (("--scheduler-host", "elsewhere"), BAD_USAGE, "--scheduler-host elsewhere would be ignored"),
    ]:
        if status != NO_INPUT:
            shutil.copy(SEEDS[0], project / "raw")
        result = run_clean_all(project, *args)
        assert result.returncode == status, result.stderr
        assert "Traceback" not in result.stderr
        assert "error: " in result.stderr and words in result.stderr
    t0 = time.monotonic()
    wrong = run_clean_all(tmp_path)  # no luigi.cfg here: Luigi would try luigid on localhost:8082 for a minute
    assert time.monotonic() - t0 < 30
    assert wrong.returncode == NOT_A_PROJECT and "Traceback" not in wrong.stderr, wrong.stderr


@pytest.mark.parametrize("kwargs, expected", [
    ({}, Scheduler(local=True)),
    ({"cfg_local": True}, Scheduler(local=True)),
    ({"cfg_local": True, "cli_host": "h"}, Scheduler(local=False, host="h")),  # the command line switches
    ({"cfg_local": True, "cli_host": "h", "cli_port": 9}, Scheduler(local=False, host="h", port=9)),
    ({"cfg_local": False, "cfg_host": "c", "cfg_port": 7}, Scheduler(local=False, host="c", port=7)),
    ({"cfg_local": False}, Scheduler(local=False)),
    ({"cfg_host": "c"}, Scheduler(local=False, host="c")),
    ({"cfg_local": False, "cfg_host": "c", "cli_local": True}, Scheduler(local=True)),
    ({"cfg_local": True, "cfg_host": "c"}, BAD_USAGE),  # which one was meant?
    ({"cli_local": True, "cli_host": "h"}, BAD_USAGE),
    ({"cfg_local": True, "cli_port": 9}, BAD_USAGE),
])
def test_choose_scheduler(kwargs, expected):
    if isinstance(expected, Scheduler):
        assert choose_scheduler(**kwargs) == expected
    else:
        with pytest.raises(UserError) as e:
            choose_scheduler(**kwargs)
        assert e.value.status == expected


def test_find_root(tmp_path):
    root = make_project(tmp_path / "a" / "project", inputs=[])
    assert find_root(root / "raw") == root
    assert find_root(tmp_path / "a") == root  # one level down
    assert find_root(tmp_path) is None


@pytest.mark.parametrize("done, failed, total, elapsed, here, expect", [
    (0, 0, 2000, 0.5, 0, r"^\[\.+\]  0/2,000 documents  0 failed  estimating time left$"),
    (1000, 3, 2000, 50.0, 1000, r"^\[#{20}\.{20}\]  1,000/2,000 documents  3 failed  0:50 left$"),
    (1500, 0, 2000, 60.0, 500, r"1,500/2,000 .* 1:00 left$"),  # pace of this run only: 1,000 were cached
    (2000, 0, 2000, 90.0, 2000, r"^\[#{40}\]  2,000/2,000 documents  0 failed  writing the report$"),
    (10, 0, 100000, 3.0, 10, r"8:19:57 left$"),
])
def test_bar_line(done, failed, total, elapsed, here, expect):
    line = progress.bar_line(done, failed, total, elapsed, here, width=100)
    assert re.search(expect, line), line
    assert len(progress.bar_line(done, failed, total, elapsed, here, width=50)) < 50


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_documents_as_their_last_stage_file_appears(tmp_path):
    stages, failed = tmp_path / "akn", tmp_path / "failed"
    stages.mkdir()
    failed.mkdir()
    docs = [progress.Watched(stages / f"d{i}-fp.json", failed / f"d{i}.json") for i in range(4)]
    docs[0].done_file.write_text("{}")  # cached from an earlier run
    term = FakeTerminal()
    with progress.Progress(docs, term, interval=0.01) as bar:
        assert (bar.done, bar.cached, bar.failed) == (1, 1, 0)
        docs[1].failed_file.write_text("{}")
        docs[1].done_file.write_text("{}")
        docs[2].done_file.write_text("{}")
        deadline = time.monotonic() + 5
        while bar.done < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert (bar.done, bar.failed, bar.done_here) == (3, 1, 2)
    assert "3/4 documents  1 failed" in term.getvalue()
    assert bar.closing_line().startswith("3 of 4 documents done in 0:0")
    assert "1 were already up to date; 1 not done" in bar.closing_line()
    quiet = io.StringIO()  # not a terminal: nothing drawn
    with progress.Progress(docs, quiet, interval=0.01):
        pass
    assert quiet.getvalue() == ""


def _in_a_terminal(cwd: Path, *args: str, timeout: float = 300) -> tuple[int, str]:
    """Run uncleaner with a pseudo-terminal as its stdout and stderr; what the terminal showed."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.command.cli", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=child, stderr=child, env=dict(os.environ, COLUMNS="100"))
    os.close(child)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if select.select([main], [], [], 0.5)[0]:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    os.close(main)
    return proc.wait(timeout=30), out.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_then_the_summary(tmp_path):
    project = make_project(tmp_path / "project", inputs=[])
    text = SEEDS[0].read_text(encoding="utf-8")
    for i in range(80):  # past 64 documents: grouped tasks, counted all the same
        (project / "raw" / f"doc{i:03d}.txt").write_text(text.replace("Recalling", f"Recalling ({i})", 1), encoding="utf-8")
    status, shown = _in_a_terminal(project, "run")
    assert status == 0, shown
    assert re.search(r"\[[#.]+\]  \d+/80 documents  0 failed", shown), shown
    screen = shown.split("\r\x1b[K")[-1]  # what stays once the bar is cleared
    lines = screen.replace("\r\n", "\n").strip("\n").splitlines()
    assert lines[0].startswith("80 of 80 documents done in ")
    assert SUMMARY_END.search("\n".join(lines[1:])), screen

"""The set-up as a new user runs it: the README's commands, scripts/setup.sh in a throwaway copy of the project.

The script runs once with Debian's own python3 first on PATH (its pip refuses
to install outside a virtual environment) and once with another Python 3.10+
(the one running the tests when it is not Debian's, else the first on PATH).
apt-get and sudo are replaced by stand-ins that record any call: with the
system packages present, the script must not call them.  Each run makes a
fresh .venv/ and installs the package into it (pip finds the wheels it
already has); the venv's `uncleaner run` then cleans the samples.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

COPY = ["pyproject.toml", "README.md", "luigi.cfg", "luigi-central.cfg", "pipeline", "scripts", "dictionaries", "raw"]
PACKAGES = re.search(r'^APT_PACKAGES="([^"]+)"', (ROOT / "scripts" / "setup.sh").read_text(), re.M).group(1).split()


def _block(heading: str) -> list[str]:
    """The commands of the first ```sh block under a README heading, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"\n## {heading}\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def test_ci_runs_exactly_the_readme_commands_and_the_run_uses_the_venv():
    setup = _block("Set up and test")
    assert setup == ["bash scripts/setup.sh", ".venv/bin/python -m pytest"]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert ci == setup
    assert _block("Run")[0] == ".venv/bin/uncleaner run"


def _interpreter(python: str) -> tuple[str, tuple[int, int]] | None:
    """(base prefix, version) of a Python, or None when it cannot run."""
    try:
        out = subprocess.run([python, "-c", "import sys; print(sys.base_prefix); print(*sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30, env=_clean_env(os.environ["PATH"]))
    except OSError:
        return None
    if out.returncode:
        return None
    prefix, version = out.stdout.split("\n")[:2]
    return prefix, tuple(map(int, version.split()))


def _clean_env(path: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = path
    return env


def _other_python() -> str | None:
    """A Python 3.10+ that is not Debian's: the one running the tests, or the first python3 on PATH."""
    for candidate in (sys.executable, shutil.which("python3")):
        found = candidate and _interpreter(candidate)
        if found and found[0] != "/usr" and found[1] >= (3, 10):
            return str(Path(found[0]) / "bin")
    return None


def _debian_python() -> str | None:
    found = Path("/usr/bin/python3").exists() and _interpreter("/usr/bin/python3")
    return "/usr/bin" if found and found[1] >= (3, 10) else None


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    dest.mkdir()
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "review-decisions.json"))
        else:
            shutil.copy(src, dest / name)
    return dest


@pytest.mark.parametrize("which", ["debian", "other"])
def test_setup_makes_a_venv_that_runs_the_batch(copy: Path, tmp_path: Path, which: str):
    missing = [p for p in PACKAGES if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode]
    if missing:
        pytest.skip(f"system packages missing here ({' '.join(missing)}): the script would install them with apt")
    bindir = _debian_python() if which == "debian" else _other_python()
    if bindir is None:
        pytest.skip(f"no {which} Python 3.10+ on this machine")
    stand_ins = tmp_path / "stand-ins"
    stand_ins.mkdir()
    calls = tmp_path / "apt-calls"
    for tool in ("apt-get", "apt", "sudo"):
        (stand_ins / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> {calls}\nexit 1\n')
        (stand_ins / tool).chmod(0o755)
    env = _clean_env(os.pathsep.join([str(stand_ins), bindir, "/usr/bin", "/bin"]))

    setup = subprocess.run(["bash", "scripts/setup.sh"], cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    assert setup.returncode == 0, setup.stdout + setup.stderr[-3000:]
    assert not calls.exists(), calls.read_text()
    assert f"making .venv with {bindir}/python3" in setup.stdout

    venv_python = copy / ".venv" / "bin" / "python"
    probe = subprocess.run([str(venv_python), "-c", "import sys, pipeline; print(sys.base_prefix); print(pipeline.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert probe.stdout.split("\n")[:2] == [str(Path(bindir).parent), str(copy / "pipeline" / "__init__.py")], probe

    run = subprocess.run([str(copy / ".venv" / "bin" / "uncleaner"), "run"], cwd=copy, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "documents cleaned: 5" in run.stdout

    if which == "debian":  # run again: the venv is kept
        again = subprocess.run(["bash", "scripts/setup.sh"], cwd=copy, env=env, capture_output=True, text=True, timeout=600)
        assert again.returncode == 0 and "reusing .venv" in again.stdout, again.stdout + again.stderr[-2000:]

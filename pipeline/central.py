"""Luigi's central scheduler, luigid, on this machine: started for tests and benchmarks.

Production runs start luigid with ``scripts/luigid.sh`` (see README, "Running
beyond one machine"); this is the same thing from Python, on 127.0.0.1 only.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def luigid_command() -> list[str]:
    """luigid of this Python's environment: found without the environment on PATH (``.venv/bin/python -m pytest``)."""
    return [sys.executable, "-c", "import sys; from luigi.cmdline import luigid; luigid(sys.argv[1:])"]


def start_luigid(state_dir: Path) -> tuple[subprocess.Popen, int]:
    """luigid on 127.0.0.1 and a free port, state and log in ``state_dir``; returns once it answers."""
    state_dir.mkdir(parents=True, exist_ok=True)
    for _ in range(5):
        port = free_port()
        with open(state_dir / "luigid.log", "ab") as log:
            proc = subprocess.Popen(
                [*luigid_command(), "--address", "127.0.0.1", "--port", str(port), "--state-path", str(state_dir / "state.pickle")],
                cwd=state_dir, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, port
            except OSError:
                time.sleep(0.05)
        stop_luigid(proc)  # the port was taken meanwhile, or luigid died: try another
    raise RuntimeError(f"luigid did not start; see {state_dir / 'luigid.log'}")


def stop_luigid(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

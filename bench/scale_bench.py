"""How the batch's cost grows with its size, on the local scheduler and on luigid.

    python bench/scale_bench.py                            # 10, 100, 1,000 documents, every mode
    python bench/scale_bench.py --sizes 10 100 --modes local1 central2
    python bench/scale_bench.py --sizes 1000 --modes local1 --out /tmp/sb

For each batch size it writes distinct copies of the five seed texts (each
copy's resolution number in the title is its own: "Resolution 7/3." becomes
"Resolution 7/41.", a seed without a number gets one) into OUT/n<size>/raw and
runs ``luigi --module pipeline CleanAll`` there twice: cold (empty clean/) and
warm (everything cached).  Modes:

    local1    local scheduler, --workers 1
    local2    local scheduler, --workers 2 (Luigi forks a process per task)
    central1  luigid on 127.0.0.1, one worker process
    central2  luigid on 127.0.0.1, two worker processes started together

Each Luigi process runs under a thin wrapper (``_luigi`` below) that times, in
that process, the calls to the scheduler (local or RPC to luigid), the
completeness checks of the scheduling phase and the one-time lexicon build, and
records every task's run() time (Luigi's PROCESSING_TIME event, also from
forked task processes).  Reported per run: wall time, documents per second,
work (sum of run() times), Luigi's share (scheduler calls + completeness checks,
as a fraction of wall time), set-up (lexicon), peak RSS of the largest process
(and of luigid).  Figures go to stdout and OUT/scale_bench.json.  Not a test:
numbers vary by machine.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.central import start_luigid, stop_luigid

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "raw").glob("0*.txt"))
MODES = ("local1", "local2", "central1", "central2")

# A title number at the start of a line: "Resolution 7/3.", "### 62/160.", "25/…".
TITLE_NUMBER = re.compile(r"^(\s*(?:#+\s*)?(?:Resolution\s+)?)(\d{1,2})/(\d{1,3}|\u2026)(?=[.\s])", re.M)


# ------------------------------------------------------------------ the batch
def variant(text: str, k: int) -> str:
    """The seed with its own title number ``k``: 'Resolution 7/3.' -> 'Resolution 7/k.'."""
    m = TITLE_NUMBER.search(text[:800])
    if m:
        return text[:m.start(3)] + str(k) + text[m.end(3):]
    # No number printed (seed 002): give the title one, as the adopted text would have.
    lead = len(text) - len(text.lstrip())
    return f"{text[:lead]}60/{k}. {text[lead:]}"


def make_batch(dest: Path, n: int, per_task: str = "auto") -> Path:
    """``dest`` as a project folder: raw/ with ``n`` distinct texts, luigi.cfg pointing at the shipped dictionaries."""
    raw = dest / "raw"
    if not (raw.exists() and len(list(raw.iterdir())) == n):
        shutil.rmtree(dest, ignore_errors=True)
        raw.mkdir(parents=True)
        seeds = [p.read_text(encoding="utf-8") for p in SEEDS]
        for i in range(n):
            seed, k = i % len(seeds), i // len(seeds) + 1
            (raw / f"{i:06d}_s{seed}_v{k}.txt").write_text(variant(seeds[seed], k), encoding="utf-8")
    cfg = (ROOT / "luigi.cfg").read_text(encoding="utf-8")
    cfg = re.sub(r"(?m)^dictionaries_dir = .*$", f"dictionaries_dir = {ROOT / 'dictionaries'}", cfg)
    cfg = re.sub(r"(?m)^decisions_file = .*$", f"decisions_file = {dest / 'review-decisions.json'}", cfg)
    cfg = re.sub(r"(?m)^documents_per_task = .*$", f"documents_per_task = {per_task}", cfg)
    (dest / "luigi.cfg").write_text(cfg, encoding="utf-8")
    return dest


# ------------------------------------------------------------------ luigid
def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ------------------------------------------------------------------ one Luigi process, instrumented
def _luigi(stats_path: str, argv: list[str]) -> None:
    """Run ``luigi <argv>`` in this process, timing scheduler calls, checks and task runs."""
    import luigi
    import luigi.cmdline
    import luigi.interface
    import luigi.worker

    import pipeline  # noqa: F401  registers the tasks
    import pipeline.lexicon

    timers = {"scheduler_s": 0.0, "scheduler_calls": 0, "checks_s": 0.0, "checks": 0, "lexicon_s": 0.0}
    runs_path = stats_path + ".runs"

    class TimedScheduler:
        """Forwards to Luigi's scheduler (local or the RPC client), timing each call but pings."""

        def __init__(self, inner):
            self._inner = inner

        def __getattr__(self, name):
            attr = getattr(self._inner, name)
            if not callable(attr) or name == "ping":
                return attr

            def timed(*a, **kw):
                t = time.perf_counter()
                try:
                    return attr(*a, **kw)
                finally:
                    timers["scheduler_s"] += time.perf_counter() - t
                    timers["scheduler_calls"] += 1
            return timed

    factory = luigi.interface._WorkerSchedulerFactory
    local, remote = factory.create_local_scheduler, factory.create_remote_scheduler
    factory.create_local_scheduler = lambda self: TimedScheduler(local(self))
    factory.create_remote_scheduler = lambda self, url: TimedScheduler(remote(self, url))

    check = luigi.worker.check_complete

    def timed_check(*a, **kw):
        t = time.perf_counter()
        try:
            return check(*a, **kw)
        finally:
            timers["checks_s"] += time.perf_counter() - t
            timers["checks"] += 1
    luigi.worker.check_complete = timed_check

    build = pipeline.lexicon._build

    def timed_build(*a, **kw):
        t = time.perf_counter()
        try:
            return build(*a, **kw)
        finally:
            timers["lexicon_s"] += time.perf_counter() - t
            with open(runs_path, "a", encoding="utf-8") as f:  # a build in a forked task process shows here too
                f.write(json.dumps({"pid": os.getpid(), "lexicon_build": time.perf_counter() - t}) + "\n")
    pipeline.lexicon._build = timed_build

    @luigi.Task.event_handler(luigi.Event.PROCESSING_TIME)
    def _processing_time(task, seconds):  # also runs in forked task processes: append, one line each
        with open(runs_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"pid": os.getpid(), "family": task.task_family, "s": seconds}) + "\n")

    code = 0
    t0 = time.perf_counter()
    try:
        luigi.cmdline.luigi_run(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    finally:
        timers["luigi_run_s"] = time.perf_counter() - t0
        timers["exit"] = code
        Path(stats_path).write_text(json.dumps(timers), encoding="utf-8")
    sys.exit(code)


def run_luigi(project: Path, stats: Path, args: list[str], env: dict | None = None) -> subprocess.Popen:
    """The instrumented ``luigi --module pipeline CleanAll``; its output goes to files beside ``stats``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "_luigi", str(stats), "--module", "pipeline", "CleanAll", *args]
    with open(stats.with_suffix(".out"), "wb") as out, open(stats.with_suffix(".err"), "wb") as err:
        return subprocess.Popen(cmd, cwd=project, env=env, stdout=out, stderr=err)


def one_run(project: Path, mode: str, work: Path, central_port: int | None) -> dict:
    n_workers = 2 if mode.endswith("2") else 1
    stats_dir = Path(tempfile.mkdtemp(prefix=f"{mode}-", dir=work))
    env = dict(os.environ)
    if mode.startswith("central"):
        env["LUIGI_CONFIG_PATH"] = str(ROOT / "luigi-central.cfg")
        common = ["--scheduler-port", str(central_port)]
        procs = [run_luigi(project, stats_dir / f"w{i}.json", common + ["--workers", "1"], env) for i in range(n_workers)]
    else:
        procs = [run_luigi(project, stats_dir / "w0.json", ["--workers", str(n_workers)], env)]
    load_before = round(os.getloadavg()[0], 2)
    t0 = time.perf_counter()
    results = []
    cpu = 0.0
    for p in procs:
        _, status, ru = os.wait4(p.pid, 0)  # rusage of the process and its forked task processes
        p.returncode = os.waitstatus_to_exitcode(status)
        results.append((p.returncode, ru.ru_maxrss / 1024))
        cpu += ru.ru_utime + ru.ru_stime
    wall = time.perf_counter() - t0
    logs = [f.read_text(errors="replace") for f in sorted(stats_dir.glob("w*.err"))]
    timers = [json.loads(f.read_text()) for f in sorted(stats_dir.glob("w*.json"))]
    runs = []
    for f in stats_dir.glob("*.runs"):
        runs += [json.loads(line) for line in f.read_text().splitlines()]
    builds = [r for r in runs if "lexicon_build" in r]
    runs = [r for r in runs if "lexicon_build" not in r]
    work_s = sum(r["s"] for r in runs)
    luigi_s = sum(t["scheduler_s"] + t["checks_s"] - t["lexicon_s"] for t in timers)
    families: dict[str, int] = {}
    for r in runs:
        families[r["family"]] = families.get(r["family"], 0) + 1
    return {
        "mode": mode, "exit": [c for c, _ in results], "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "load_before": load_before,
        "work_s": round(work_s, 2), "scheduler_s": round(sum(t["scheduler_s"] for t in timers), 2),
        "scheduler_calls": sum(t["scheduler_calls"] for t in timers),
        "checks_s": round(sum(t["checks_s"] - t["lexicon_s"] for t in timers), 2),
        "lexicon_s": round(sum(t["lexicon_s"] for t in timers), 2),
        "lexicon_builds": len(builds), "processes_that_built_it": len({b["pid"] for b in builds}),
        "task_processes": len({r["pid"] for r in runs}),
        "luigi_share": round(luigi_s / wall / len(timers), 3) if wall else None,
        "peak_rss_mb": round(max(m for _, m in results), 1),
        "tasks_run": families,
        "log_tail": [log[-1500:] for log in logs] if any(c not in (0, 10) for c, _ in results) else None,
    }


def bench(sizes: list[int], modes: list[str], out: Path, warm_only: bool = False, per_task: str = "auto") -> list[dict]:
    rows = []
    for n in sizes:
        project = make_batch(out / f"n{n}", n, per_task)
        for mode in modes:
            luigid = None
            port = None
            try:
                if mode.startswith("central"):
                    luigid, port = start_luigid(Path(tempfile.mkdtemp(prefix="luigid-", dir=out)))
                for phase in ("cold", "warm"):
                    if phase == "cold":
                        if warm_only:
                            continue
                        shutil.rmtree(project / "clean", ignore_errors=True)
                    row = {"docs": n, "phase": phase, "documents_per_task": per_task, **one_run(project, mode, out, port)}
                    if luigid:
                        row["luigid_rss_mb"] = peak_rss_mb(luigid.pid)
                    row["docs_per_s"] = round(n / row["wall_s"], 2)
                    rows.append(row)
                    print(_line(row), flush=True)
                    if row.get("log_tail"):
                        print("\n".join(row["log_tail"]), file=sys.stderr)
            finally:
                if luigid:
                    stop_luigid(luigid)
    return rows


def scheduler_cost(n_docs: int, per_task: int, sample: int = 40) -> dict:
    """Luigi's own Scheduler, no work: cost of add_task and of get_work with the batch's tasks pending.

    Per-document tasks are six per document in a chain, as in pipeline.run.tasks;
    groups are one task per ``per_task`` documents.  get_work is timed over
    ``sample`` calls (each followed by the DONE report a worker sends), then
    multiplied out to the whole batch, since every task costs one get_work.
    """
    from luigi.scheduler import Scheduler

    sch, worker = Scheduler(), "bench"
    stages_per_doc = 6 if per_task == 1 else 1
    n_tasks = (n_docs if per_task == 1 else -(-n_docs // per_task)) * stages_per_doc
    t = time.perf_counter()
    for i in range(n_tasks):
        deps = [f"t{i - 1}"] if stages_per_doc > 1 and i % stages_per_doc else []
        sch.add_task(worker=worker, task_id=f"t{i}", status="PENDING", runnable=True, deps=deps, family="T", params={})
    add_s = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(sample):
        task_id = sch.get_work(worker=worker, host="bench")["task_id"]
        sch.add_task(worker=worker, task_id=task_id, status="DONE")
    per_call = (time.perf_counter() - t) / sample
    return {"docs": n_docs, "documents_per_task": per_task, "scheduler_tasks": n_tasks, "add_task_s": round(add_s, 2),
            "get_work_ms": round(per_call * 1000, 3), "get_work_total_s_est": round(per_call * n_tasks, 1)}


def _line(r: dict) -> str:
    extra = f" luigid {r['luigid_rss_mb']:.0f} MB" if r.get("luigid_rss_mb") else ""
    return (f"{r['docs']:>5} docs {r['phase']:<4} {r['mode']:<8} per-task {r['documents_per_task']} exit {r['exit']} "
            f"wall {r['wall_s']:7.2f} s cpu {r['cpu_s']:7.2f} s load {r['load_before']} "
            f"{r['docs_per_s']:7.2f} docs/s  work {r['work_s']:7.2f} s  scheduler {r['scheduler_s']:6.2f} s "
            f"({r['scheduler_calls']} calls)  checks {r['checks_s']:6.2f} s  luigi share {r['luigi_share']:.1%}  "
            f"lexicon {r['lexicon_s']:.1f} s ({r['lexicon_builds']} builds, {r['task_processes']} task processes)  peak {r['peak_rss_mb']:.0f} MB{extra}  ran {r['tasks_run']}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "scale_bench")
    ap.add_argument("--warm-only", action="store_true", help="skip the cold runs (outputs must exist)")
    ap.add_argument("--scheduler-only", action="store_true",
                    help="time Luigi's scheduler alone (no documents) at 1,000 / 10,000 / 100,000 documents")
    ap.add_argument("--per-task", default="auto", help="[pipeline] documents_per_task for the runs (1: per-document tasks)")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    if a.scheduler_only:
        rows = []
        for n in (1000, 10000, 100000):
            for k in (1, 50):
                rows.append(scheduler_cost(n, k))
                print(rows[-1], flush=True)
        (a.out / "scheduler_cost.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
        return
    rows = bench(a.sizes, a.modes, a.out.resolve(), a.warm_only, a.per_task)
    (a.out / "scale_bench.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"figures: {a.out / 'scale_bench.json'}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "_luigi":
        _luigi(sys.argv[2], sys.argv[3:])
    main()

"""Same inputs, same bytes out: run two checkouts of the pipeline on one batch and compare every output.

A behaviour-preserving change (a move, a split, a rename of internals) must
leave every file under ``clean/`` byte-identical, apart from what measures the
run itself (timings, the run log).  This script makes the batch once, runs a
checkout on it in one fixed project folder (report crop names hash the
project's absolute path, so both runs use the same one), keeps its ``clean/``,
and compares two kept runs file by file.  A file equal once these are
normalised counts as "identical but for timings and cache keys": timing
fields; a stage cache's key (it hashes the stage's code); in ``report.html``
the batch key, the crops' names (they hash the page image's path, inside the
OCR cache named by the code's key), the page's nonce and the storage key (it
hashes the project's path, when two comparisons ran in two project folders).

    python3 bench/identical.py inputs --out /work/ident/inputs          # 5 samples, 40 corpus PDFs, scans
    python3 bench/identical.py run --code /work/main --inputs /work/ident/inputs --keep /work/ident/before
    python3 bench/identical.py run --code /work/wt/r13 --inputs /work/ident/inputs --keep /work/ident/after
    python3 bench/identical.py compare /work/ident/before /work/ident/after

``inputs`` copies the samples in ``raw/`` and the corpus PDFs, and makes
scans from corpus pages with ``bench/scan_families.py`` (one page each, a few
families, including a bilevel photocopy, a turned page and a typewriter page
so the poor-page path and rotation run too).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = Path(os.environ.get("UN_CORPUS", ROOT.parent / "shared" / "corpus" / "un-pdfs"))
PROJECT = Path("/tmp/identical-project")  # --project to run two comparisons at once
# (corpus stem, family): one page each.  Families from bench/scan_families.py.
SCANS = (("A_RES_73_3-EN", "clean300"), ("A_RES_73_6-EN", "bilevel200"), ("A_RES_73_7-EN", "turned90"),
         ("A_RES_73_3-EN", "typewriter"), ("A_RES_73_6-EN", "eroded"), ("A_RES_73_7-EN", "turned180"))
# What measures the run rather than the documents: left out of the comparison.
SKIP_FILES = re.compile(r"(^|/)(run\.log|\.lock|luigi[^/]*\.log)$|\.tmp$")
TIMING_KEYS = re.compile(r"(^timing|seconds)$")


def make_inputs(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for p in sorted((ROOT / "raw").iterdir()):
        if p.is_file():
            shutil.copy2(p, out / p.name)
    for p in sorted(CORPUS.glob("*.pdf")):
        shutil.copy2(p, out / p.name)
    sys.path.insert(0, str(HERE))
    import scan_families  # noqa: E402  (a bench script beside this one)
    for stem, family in SCANS:
        scan_families.make_scan(CORPUS / f"{stem}.pdf", out / f"scan-{family}-{stem}.pdf", family, 14, [0])
    print(f"{len(list(out.iterdir()))} inputs in {out}")


def run(code: Path, inputs: Path, keep: Path, project: Path = PROJECT) -> None:
    """Run the checkout at ``code`` on ``inputs`` in the fixed project folder; keep its clean/ at ``keep``."""
    if project.exists():
        shutil.rmtree(project)
    (project / "raw").mkdir(parents=True)
    shutil.copy2(code / "luigi.cfg", project / "luigi.cfg")
    shutil.copytree(code / "dictionaries", project / "dictionaries")
    for p in sorted(inputs.iterdir()):
        shutil.copy2(p, project / "raw" / p.name)
    env = dict(os.environ, PYTHONPATH=str(code))
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", _command_module(code), "run"], cwd=project, env=env,
                          capture_output=True, text=True)
    print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
    print(f"exit {done.returncode} in {time.monotonic() - start:.0f} s ({code})")
    if keep.exists():
        shutil.rmtree(keep)
    shutil.copytree(project / "clean", keep)
    (keep / ".exit").write_text(str(done.returncode))


def _command_module(code: Path) -> str:
    """The ``uncleaner`` command's module in the checkout at ``code`` (it moved: pipeline/cli.py, pipeline/command/cli.py)."""
    return "pipeline.command.cli" if (code / "pipeline" / "command" / "cli.py").exists() else "pipeline.cli"


def _strip_timings(value):
    if isinstance(value, dict):
        return {k: ("<t>" if TIMING_KEYS.search(k) else _strip_timings(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_timings(v) for v in value]
    return value


def _digest(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".json":
        try:
            data = json.dumps(_strip_timings(json.loads(data)), sort_keys=True).encode()
        except ValueError:
            pass
    if path.name == "report.html":  # the batch key hashes the code, like a stage cache's name
        data = re.sub(rb'(<meta name="batch" content=")[0-9a-f]+', rb"\1<key>", data)
        # a crop's name hashes its page image's path, in the OCR cache named by the code's key;
        # the page's nonce hashes the page, names included
        data = ASSET_KEY.sub(b"-<key>.png", data)
        data = re.sub(rb"nonce-?[=\"']?[0-9a-f]{24}", b"nonce-<n>", data)
        data = re.sub(rb'nonce="[0-9a-f]{24}"', b'nonce="<n>"', data)
        data = re.sub(rb'"storage_key":"[0-9a-f]{16}"', b'"storage_key":"<where>"', data)  # hashes the project's path
    return hashlib.sha256(data).hexdigest()


# A stage cache is named by its document and a key that hashes the stage's code: a change of code
# changes the key by design, so caches are matched by stage and document, and their contents compared.
CACHE_KEY = re.compile(r"(?<=[/-])[0-9a-f]{16}(?=[.-])")


ASSET_KEY = re.compile(rb"-[0-9a-f]{10}\.png")


def _files(root: Path) -> dict[str, Path]:
    def name(p: Path) -> str:
        rel = str(p.relative_to(root))
        if rel.startswith("report-assets/"):  # see _digest: the crop's name hashes the OCR cache's
            return ASSET_KEY.sub(b"-<key>.png", rel.encode()).decode()
        return CACHE_KEY.sub("<key>", rel) if rel.startswith(".stages/") and "/ocr/" not in rel else rel
    return {name(p): p for p in sorted(root.rglob("*"))
            if p.is_file() and not SKIP_FILES.search(str(p.relative_to(root)))}


def compare(a: Path, b: Path, strict_json: bool = False) -> int:
    fa, fb = _files(a), _files(b)
    only_a, only_b = sorted(fa.keys() - fb.keys()), sorted(fb.keys() - fa.keys())
    differ = []
    raw_same = 0
    for name in sorted(fa.keys() & fb.keys()):
        if fa[name].read_bytes() == fb[name].read_bytes():
            raw_same += 1
        elif strict_json or _digest(fa[name]) != _digest(fb[name]):
            differ.append(name)
    common = len(fa.keys() & fb.keys())
    print(f"{common} files in both: {raw_same} byte-identical, {common - raw_same - len(differ)} identical "
          f"but for timings and cache keys, {len(differ)} differ; {len(only_a)} only in {a}, {len(only_b)} only in {b}")
    for name in differ[:40]:
        print("  differ:", name)
    for name in only_a[:20]:
        print("  only in first:", name)
    for name in only_b[:20]:
        print("  only in second:", name)
    return 1 if differ or only_a or only_b else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("inputs")
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("run")
    p.add_argument("--code", type=Path, required=True, help="a checkout of the project")
    p.add_argument("--inputs", type=Path, required=True)
    p.add_argument("--keep", type=Path, required=True)
    p.add_argument("--project", type=Path, default=PROJECT,
                   help="the project folder the run happens in: the same one for both runs compared")
    p = sub.add_parser("compare")
    p.add_argument("first", type=Path)
    p.add_argument("second", type=Path)
    p.add_argument("--strict-json", action="store_true", help="compare JSON byte for byte, timings included")
    args = ap.parse_args(argv)
    if args.cmd == "inputs":
        make_inputs(args.out)
    elif args.cmd == "run":
        run(args.code.resolve(), args.inputs.resolve(), args.keep.resolve(), args.project.resolve())
    else:
        return compare(args.first, args.second, args.strict_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

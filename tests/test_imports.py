"""The package's imports, read from the source: no cycles, and every import follows the stage order.

The graph is built with ``ast`` from every module under ``pipeline/`` (imports
inside functions count too: a lazy import hides a cycle from Python, not from
a reader).  A module's stage is its folder (or, at the package root, its name);
an earlier stage never imports a later one, so a change to structure can never
change what extraction does.  Shared low-level modules (the text grammar, the
document model, files, settings ...) may be imported by any stage, and import
only each other.

Cycles and order breaks that remain in code other branches are reshaping are
listed in KNOWN_CYCLES and KNOWN_ORDER, each with the branch that removes it;
an entry that no longer occurs fails the test too, so the lists only shrink.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

# The stages in the order a document goes through them; a module may import its own stage,
# an earlier one, or a shared module.
STAGES = ["extract", "repair", "notes", "structure", "export", "review", "run"]
STAGE_OF = {  # by the module's path below pipeline/, its folder first
    "extract": "extract", "preflight": "extract",
    "repair": "repair", "lexicon": "repair", "degraded": "repair",
    "notes": "notes",
    "structure": "structure",
    "export": "export",
    "review": "review",
    "run": "run", "command": "run", "central": "run", "build_lexicon": "run",
}
# Imported by any stage; they import only each other.
SHARED = {"grammar", "masthead", "rules", "model", "worktext", "language", "settings", "files", "faults", "userfiles"}

# Cycles still in code other branches are reshaping (the members of each strongly connected set).
KNOWN_CYCLES: dict[frozenset[str], str] = {
    # x13ocr: read-ahead becomes an object handed in, the OCR path a chain (issue 13).
    frozenset({"pipeline.extract.scan", "pipeline.extract.prefetch", "pipeline.extract.pdf"}): "x13ocr",
}
# Imports against the stage order still in code other branches are reshaping: (importer, imported).
KNOWN_ORDER: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> dict[str, int]:
    """``{imported pipeline module: line}`` of one module, relative imports resolved.

    ``from X import y`` counts as importing ``X.y`` when that is a module, else ``X``.
    The parent packages Python also initialises are not counted: they are not a
    dependency this module chose.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            if target in known and target != name:
                found.setdefault(target, node.lineno)
    return found


def graph() -> dict[str, dict[str, int]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def cycles(g: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected sets of more than one module (Tarjan), each as one cycle through them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            members = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                members.append(w)
                if w == v:
                    break
            if len(members) > 1:
                found.append(_one_cycle(g, set(members)))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return found


def _one_cycle(g: dict[str, dict[str, int]], members: set[str]) -> list[str]:
    """A shortest cycle through the first member, to name in a failure: a -> b -> a."""
    start = min(members)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(g[v]):
            if w == start:
                return paths[v] + [start]
            if w in members and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    raise AssertionError(f"no cycle through {start}")  # a strongly connected set always has one


def stage(name: str) -> str | None:
    """The stage of a module, "shared", or None for the package itself."""
    parts = name.split(".")[1:]
    if not parts:
        return None
    if parts[0] in SHARED:
        return "shared"
    if parts[0] not in STAGE_OF:
        raise AssertionError(f"{name}: in no stage; add it to STAGE_OF or SHARED in tests/test_imports.py")
    return STAGE_OF[parts[0]]


def order_breaks(g: dict[str, dict[str, int]]) -> dict[tuple[str, str], int]:
    """``{(importer, imported): line}`` of every import of a later stage (or of a stage by a shared module)."""
    breaks = {}
    for src, targets in g.items():
        s = stage(src)
        if s is None:
            continue
        for dst, line in targets.items():
            d = stage(dst)
            if d is None or d == "shared":
                continue
            if s == "shared" or STAGES.index(d) > STAGES.index(s):
                breaks[(src, dst)] = line
    return breaks


def test_no_import_cycles():
    found = {frozenset(c): c for c in cycles(graph())}
    new = [" -> ".join(c) for key, c in found.items() if key not in KNOWN_CYCLES]
    assert not new, "import cycles: " + "; ".join(new)
    gone = [f"{sorted(k)} ({who})" for k, who in KNOWN_CYCLES.items() if k not in found]
    assert not gone, "no longer cycles, delete them from KNOWN_CYCLES: " + "; ".join(gone)


def test_imports_follow_the_stage_order():
    g = graph()
    found = order_breaks(g)
    mods = modules()
    new = [f"{src} ({mods[src].relative_to(PACKAGE.parent)}:{line}) imports {dst}, a later stage"
           for (src, dst), line in sorted(found.items()) if (src, dst) not in KNOWN_ORDER]
    assert not new, "; ".join(new)
    gone = [f"{src} -> {dst} ({who})" for (src, dst), who in KNOWN_ORDER.items() if (src, dst) not in found]
    assert not gone, "no longer imported, delete them from KNOWN_ORDER: " + "; ".join(gone)


def test_every_internal_import_resolves():
    """A relative import names a module or a name its package defines: a file moved without its imports fails here."""
    mods = modules()
    broken = []
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.level or (node.module or "").startswith("pipeline")):
                continue
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            if base not in mods:
                broken.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: no module {base}")
                continue
            for a in node.names:
                if f"{base}.{a.name}" not in mods and a.name not in _top_level_names(mods[base]):
                    broken.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {base} has no {a.name}")
    assert not broken, "; ".join(broken)


def _top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            names |= {t.id for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names | {"*"}


def test_every_module_has_a_stage():
    for name in modules():
        stage(name)


# The checks themselves, on small graphs: they must be able to fail.
def test_a_cycle_is_found_and_named():
    g = {"pipeline.a": {"pipeline.b": 1}, "pipeline.b": {"pipeline.c": 1}, "pipeline.c": {"pipeline.a": 1},
         "pipeline.d": {"pipeline.a": 1}}
    assert cycles(g) == [["pipeline.a", "pipeline.b", "pipeline.c", "pipeline.a"]]
    assert cycles({"pipeline.a": {"pipeline.b": 1}, "pipeline.b": {}}) == []


def test_a_later_stage_imported_is_found():
    g = {"pipeline.extract.pdf": {"pipeline.structure": 3, "pipeline.model": 4},
         "pipeline.structure": {"pipeline.extract.pdf": 5}, "pipeline.model": {}}
    assert order_breaks(g) == {("pipeline.extract.pdf", "pipeline.structure"): 3}
    assert order_breaks({"pipeline.files": {"pipeline.run.tasks": 1}, "pipeline.run.tasks": {}}) == {
        ("pipeline.files", "pipeline.run.tasks"): 1}


def test_relative_imports_are_resolved(tmp_path):
    path = PACKAGE / "run" / "tasks.py"
    found = imports("pipeline.run.tasks", path, set(modules()))
    assert "pipeline.run.stages" in found and "pipeline.files" in found
    assert not any(m == "pipeline.run" for m in found)


def test_the_package_works_without_luigi():
    """``from pipeline.repair import words`` works where Luigi cannot be imported: only the tasks need it."""
    probe = ("import sys; sys.modules['luigi'] = None\n"
             "import pipeline, pipeline.structure, pipeline.run.stages\n"
             "from pipeline.repair import words\n"
             "assert 'pipeline.run.tasks' not in sys.modules")
    done = _python("-c", probe)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _python("-c", "import sys; sys.modules['luigi'] = None; import pipeline.run.tasks").returncode != 0  # can fail


def test_the_luigi_command_finds_the_tasks():
    """``luigi --module pipeline CleanAll`` still finds the tasks: Luigi's help lists a task's own parameters."""
    done = _python("-m", "luigi", "--module", "pipeline", "Extract", "--help")
    assert done.returncode == 0 and "--doc-id" in done.stdout, done.stderr[-2000:]
    unknown = _python("-m", "luigi", "--module", "pipeline", "NoSuchTask", "--help")
    assert "--doc-id" not in unknown.stdout  # the check above can fail


def test_task_names_on_the_package():
    import pipeline
    from pipeline.run import tasks

    assert pipeline.CleanAll is tasks.CleanAll
    with pytest.raises(AttributeError):
        pipeline.NoSuchTask  # noqa: B018


def _python(*args: str):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=PACKAGE.parent,
                          env=dict(os.environ, PYTHONPATH=str(PACKAGE.parent)))

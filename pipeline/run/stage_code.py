"""Which code decides a stage's output, read from the source: no hand-kept list of files to forget.

A stage is the function its task calls (``run/stages.py: repair``).  Its code
is that function and the helpers and constants it uses in its own module, then
every module it names (imported at the top of that module or inside the
function), and everything those import in turn, inside the package (imports
inside functions count: they run when the stage does).  The package's other
modules are not part of it, so editing the structure code never re-runs
extraction.  Files that are data, not Python (a schema, the report's
templates), are named beside the module that reads them.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # pipeline/

# The functions each stage's task calls, as "module:function".
STAGE_FUNCTIONS = {
    "extract": ["pipeline.run.stages:extract"],
    "repair": ["pipeline.run.stages:repair", "pipeline.run.stages:check_dictionaries"],
    "footnotes": ["pipeline.run.stages:recover_footnotes"],
    "notes": ["pipeline.run.stages:note_evidence", "pipeline.run.stages:note_index"],
    "structure": ["pipeline.run.stages:build"],
    "publish": ["pipeline.run.publish:publish"],
    "akn": ["pipeline.run.publish:export_akn"],
    "report": ["pipeline.run.summary:print_summary", "pipeline.run.publish:write_citation_index",
               "pipeline.run.publish:write_batch_suggestions"],
}
# Data files a module reads (paths below pipeline/; a folder: every file in it).
DATA_FILES = {
    "pipeline.export.akn": ["schema/akomantoso30.xsd"],
    "pipeline.structure.parts": ["schema/clean-document.schema.json"],  # the contract the document is built to
    "pipeline.review.report": ["review/templates"],
}


def stage_files(stage: str) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of everything that decides ``stage``'s output, in a fixed order.

    The stage functions' own module contributes only the source of what they
    use (an edit to another stage's function changes nothing here); every other
    module, whole.
    """
    parts: dict[str, bytes] = {}
    modules: set[str] = set()
    for root in STAGE_FUNCTIONS[stage]:
        module, function = root.split(":")
        segments, named = _used_by(module, function)
        parts[root] = "\n".join(segments).encode()
        modules |= named
    for module in sorted(_closure(frozenset(modules))):
        path = _path(module)
        parts[str(path.relative_to(PACKAGE))] = path.read_bytes()
        for rel in DATA_FILES.get(module, []):
            data = PACKAGE / rel
            for f in sorted(data.rglob("*")) if data.is_dir() else [data]:
                if f.is_file():
                    parts[str(f.relative_to(PACKAGE))] = f.read_bytes()
    return sorted(parts.items())


def _used_by(module: str, function: str) -> tuple[list[str], set[str]]:
    """The source of ``function`` and of the module-level names it uses, and the package modules it names."""
    info = _module(module)
    if function not in info.defs:
        raise LookupError(f"{module} has no {function}: update STAGE_FUNCTIONS in {__name__}")
    segments, named, seen = [], set(), set()
    todo = [function]
    while todo:
        name = todo.pop()
        if name in seen or name not in info.defs:
            continue
        seen.add(name)
        node = info.defs[name]
        segments.append(ast.get_source_segment(info.source, node) or "")
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                if sub.id in info.imported:
                    named.add(info.imported[sub.id])
                elif sub.id in info.defs:
                    todo.append(sub.id)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                named |= set(_imports(sub, module, info.is_package).values())
    return sorted(segments), named


def _closure(start: frozenset[str]) -> set[str]:
    """``start`` and every package module they import, directly or not."""
    found: set[str] = set()
    todo = list(start)
    while todo:
        module = todo.pop()
        if module not in found:
            found.add(module)
            todo += _imports_of(module)
    return found


class _Module:
    """A stage function's module, parsed: its top-level definitions and the names it imports."""

    def __init__(self, name: str):
        path = _path(name)
        self.source = path.read_text(encoding="utf-8")
        self.is_package = path.name == "__init__.py"
        self.defs: dict[str, ast.AST] = {}  # top-level functions, classes and constants
        self.imported: dict[str, str] = {}  # a top-level imported name -> the package module it comes from
        for node in ast.parse(self.source, str(path)).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defs[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        self.defs[target.id] = node
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imported.update(_imports(node, name, self.is_package))


@lru_cache(maxsize=None)
def _module(name: str) -> _Module:
    return _Module(name)


# A line that starts an import statement, at any indentation (an import inside a function counts).
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+[.\w]+[ \t]+import\b|import[ \t]+\w)", re.M)


@lru_cache(maxsize=None)
def _imports_of(module: str) -> tuple[str, ...]:
    """The package modules ``module`` imports anywhere in its code.

    Only the import statements are parsed (the whole module would take ten
    times as long, for every run): a line that looks like one inside a
    docstring can only add a module, never hide one.
    """
    path = _path(module)
    source = path.read_text(encoding="utf-8")
    found: set[str] = set()
    for m in _IMPORT_LINE.finditer(source):
        end = source.find("\n", m.start())
        text = source[m.start(): end if end >= 0 else len(source)]
        if "(" in text and ")" not in text.split("#")[0]:  # continued in parentheses
            close = source.find(")", m.start())
            text = source[m.start(): close + 1] if close >= 0 else text
        try:
            node = ast.parse(text.strip()).body[0]
        except (SyntaxError, IndexError):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= set(_imports(node, module, path.name == "__init__.py").values())
    return tuple(sorted(found))


def _imports(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> dict[str, str]:
    """``{local name: package module}`` an import statement binds (modules outside the package left out)."""
    out = {}
    if isinstance(node, ast.Import):
        for a in node.names:
            if _exists(a.name):
                out[a.asname or a.name.split(".")[0]] = a.name
        return out
    base = node.module or ""
    if node.level:
        package = module if is_package else module.rpartition(".")[0]
        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join(parts + ([node.module] if node.module else []))
    for a in node.names:
        full = f"{base}.{a.name}"
        target = full if _exists(full) else base
        if _exists(target):
            out[a.asname or a.name] = target
    return out


def _path(module: str) -> Path:
    rel = Path(*module.split(".")[1:])
    package = PACKAGE / rel / "__init__.py"
    return package if package.exists() else (PACKAGE / rel).with_suffix(".py")


@lru_cache(maxsize=None)
def _exists(module: str) -> bool:
    return module.split(".")[0] == "pipeline" and _path(module).exists()

"""Writing the canonical files: JSON, its readable Markdown, and failure records.

Every write is atomic (temp file in the same folder, then rename), so an
interrupted run never leaves a partial file that a later run takes as done.
"""
from __future__ import annotations

import json
import os
import re
import socket
import tempfile
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give; mkstemp's temp files are 0600


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temp file beside it, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        # A lone surrogate (a file name that is not UTF-8) is written as its
        # escape, which JSON reads back as the same string, rather than fail.
        data = data.encode("utf-8", errors="backslashreplace")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.~{_HOST}~{os.getpid()}~", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            os.fchmod(f.fileno(), _MODE)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_HOST = re.sub(r"[^A-Za-z0-9-]", "_", socket.gethostname())[:40] or "host"
_TEMP = re.compile(r"^\..*\.~(?P<host>[A-Za-z0-9_-]+)~(?P<pid>\d+)~[^/]*\.tmp$")


def remove_stale_temp_files(root: Path) -> list[Path]:
    """Delete temp files under ``root`` whose writer, a process on this machine, is gone.

    A run killed mid-write leaves its temp file behind (never the target: that
    is only ever replaced whole).  Files of live processes, or of other
    machines sharing the folder, are left alone.
    """
    removed = []
    for p in Path(root).rglob(".*.tmp"):
        m = _TEMP.match(p.name)
        if not m or m["host"] != _HOST or _alive(int(m["pid"])):
            continue
        try:
            p.unlink()
            removed.append(p)
        except FileNotFoundError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dumps(obj: Any) -> str:
    """Deterministic JSON: same document, same bytes."""
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def dumps_compact(obj: Any) -> str:
    """Deterministic JSON without indentation, for the stage caches nobody reads by eye.

    Without ``indent`` the json module uses its C encoder: a stage file of a
    scanned document is written about ten times faster.
    """
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def _with_markers(text: str, notes: list[dict[str, Any]]) -> str:
    out = []
    pos = 0
    for n in sorted(notes, key=lambda n: n["offset"]):
        out.append(_md_escape(text[pos:n["offset"]]))
        out.append(f"[^{n['num']}]")
        pos = n["offset"]
    out.append(_md_escape(text[pos:]))
    return "".join(out)


def _md_escape(text: str) -> str:
    # Keep the text readable; escape only what Markdown would swallow.
    return text.replace("\\", "\\\\").replace("<", "&lt;").replace("*", "\\*").replace("_", "\\_").replace("[", "\\[")


def heading(doc: dict[str, Any]) -> str:
    """The title line as printed: "62/160. Enhancement ...", but "25/… Enhancement ..." (no period after an ellipsis)."""
    title = doc.get("title") or doc["doc_id"]
    number = doc.get("number")
    if not number:
        return title
    return f"{number} {title}" if number.endswith(("\u2026", "...", ".")) else f"{number}. {title}"


def render_markdown(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    lines.append(f"# {_md_escape(heading(doc))}")
    lines.append("")
    symbol = doc.get("symbol")
    if symbol and (doc.get("header") or {}).get("symbol_inferred"):
        symbol = f"{symbol} (symbol inferred, not printed)"
    facts = [symbol, doc.get("organ"), doc.get("date")]
    if any(facts):
        lines.append(" · ".join(_md_escape(f) for f in facts if f))
        lines.append("")
    poor = [p for p in (doc.get("ocr") or {}).get("pages", []) if p.get("status") != "good"]
    if poor:  # a reader of the Markdown alone must not take a poor scan's text as checked
        pages = ", ".join(str(p["page"]) for p in poor)
        lines.append(f"> Poor scan: {len(poor)} pages to review (page {pages}); every correction on them is flagged.")
        lines.append("")
    if doc.get("formula"):
        lines.append(f"*{_md_escape(doc['formula'])}*")
        lines.append("")
    for p in doc["preamble"]:
        lines.append(_with_markers(p["text"], p["notes"]))
        lines.append("")
    for p in doc["operative"]:
        lines.append(f"{p['num']}. {_with_markers(p['text'], p['notes'])}".rstrip())
        lines.append("")
        for it in p.get("items", []):
            lines.append(f"    {it['num']} {_with_markers(it['text'], it['notes'])}")
            lines.append("")
    if doc.get("closing"):
        printed = doc["closing"].get("lines") or [doc["closing"]["text"]]
        # One printed line each ("76th plenary meeting", "18 December 2007"): a backslash is a line break.
        lines.append("\\\n".join(f"*{_md_escape(ln)}*" for ln in printed))
        lines.append("")
    for f in doc["footnotes"]:
        if f["anchored"]:
            text = _md_escape(f["text"]) if f["text"] else "(the source does not give this footnote's text)"
            if f.get("text_from"):
                text += f" (text from {_md_escape(f['text_from'])}, which prints this note here)"
            lines.append(f"[^{f['num']}]: {text}")
        else:  # a definition nothing refers to would be dropped by renderers
            lines.append(f"Footnote {f['num']} (its marker was not found in the text): {_md_escape(f['text'])}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

"""The canonical files' contents: deterministic JSON and its readable Markdown.

Files are written through :mod:`pipeline.files` (whole or not at all).
"""
from __future__ import annotations

import json
from typing import Any


def dumps(obj: Any) -> str:
    """Deterministic JSON: same document, same bytes."""
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def dumps_compact(obj: Any) -> str:
    """Deterministic JSON without indentation, for the stage caches nobody reads by eye.

    Without ``indent`` the json module uses its C encoder: a stage file of a
    scanned document is written about ten times faster.
    """
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"



def _numbered_paragraph(p: dict) -> list[str]:
    """An operative or annex paragraph (number, if printed, then text) and its items, each followed by a blank line."""
    num = f"{p['num']}. " if p.get("num") else ""
    out = [f"{num}{_with_markers(p['text'], p['notes'], p.get('spans', []))}".rstrip(), ""]
    for it in p.get("items", []):
        out += [f"    {it['num']} {_with_markers(it['text'], it['notes'], it.get('spans', []))}", ""]
    return out

def _with_markers(text: str, notes: list[dict[str, Any]], spans: list[dict[str, Any]] = ()) -> str:
    """Text with ``[^n]`` at each note's offset and ``*...*`` (``**...**``) around each emphasis span.

    A marker inside a span closes the emphasis before it and opens it again after,
    so the Markdown stays well formed.
    """
    marks = {"italic": "*", "bold": "**"}
    cuts = {0, len(text)}
    cuts |= {n["offset"] for n in notes if 0 <= n["offset"] <= len(text)}
    for sp in spans:
        cuts |= {sp["offset"], sp["offset"] + sp["length"]}
    at: dict[int, list[str]] = {}
    for n in sorted(notes, key=lambda n: n["offset"]):
        at.setdefault(n["offset"], []).append(f"[^{n['num']}]")
    out = []
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    for a, b in zip(points, points[1:] + [None]):
        out.extend(at.get(a, []))
        if b is None:
            break
        chunk = _md_escape(text[a:b]).replace("\n", "\\\n")  # a table's rows: hard line breaks
        style = next((marks[sp["style"]] for sp in spans
                      if sp["offset"] <= a and b <= sp["offset"] + sp["length"] and sp["style"] in marks), "")
        if style and chunk.strip():
            lead = chunk[:len(chunk) - len(chunk.lstrip())]
            trail = chunk[len(chunk.rstrip()):]
            chunk = f"{lead}{style}{chunk.strip()}{style}{trail}"
        out.append(chunk)
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
    header_notes: dict[str, str] = {}
    for n in (doc.get("header") or {}).get("notes", []):
        header_notes[n["field"]] = header_notes.get(n["field"], "") + f"[^{n['num']}]"
    symbol = doc.get("symbol") and _md_escape(doc["symbol"]) + header_notes.get("symbol", "")
    if symbol and (doc.get("header") or {}).get("symbol_inferred"):
        symbol = f"{symbol} (symbol inferred, not printed)"
    facts = [symbol, doc.get("organ") and _md_escape(doc["organ"]), doc.get("date") and _md_escape(doc["date"])]
    if any(facts):
        lines.append(" · ".join(f for f in facts if f))
        lines.append("")
    kind = doc.get("document_type")
    if kind and kind not in ("resolution", "decision"):
        what = _md_escape(kind.capitalize()) + header_notes.get("document_type", "")
        if doc.get("amends"):
            what += f" to {_md_escape(doc['amends'])}"
        if doc.get("sponsors"):
            marks: dict[str, str] = {}
            for n in doc.get("sponsor_notes", []):
                marks[n["sponsor"]] = marks.get(n["sponsor"], "") + f"[^{n['num']}]"
            what += " · sponsors: " + ", ".join(_md_escape(s) + marks.get(s, "") for s in doc["sponsors"])
        lines.append(what)
        lines.append("")
    for item in doc.get("agenda_items", []):
        line = f"Agenda item {_md_escape(item['num'])}" + header_notes.get("agenda_item", "")
        lines.append(line + (f": {_md_escape(item['title'])}" if item.get("title") else ""))
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
        lines.append(_with_markers(p["text"], p["notes"], p.get("spans", [])))
        lines.append("")
    for p in doc["operative"]:
        lines += _numbered_paragraph(p)
    if doc.get("closing"):
        printed = doc["closing"].get("lines") or [doc["closing"]["text"]]
        # One printed line each ("76th plenary meeting", "18 December 2007"): a backslash is a line break.
        lines.append("\\\n".join(f"*{_md_escape(ln)}*" for ln in printed))
        lines.append("")
    for annex in doc.get("annexes", []):
        lines.append(f"## {_md_escape(annex.get('heading') or 'Annex')}")
        lines.append("")
        if annex.get("title"):
            lines.append(f"### {_md_escape(annex['title'])}")
            lines.append("")
        for p in annex["paragraphs"]:
            lines += _numbered_paragraph(p)
    for f in doc["footnotes"]:
        body = _with_markers(f["text"], [], f.get("spans", []))
        if f["anchored"]:
            text = body if f["text"] else "(the source does not give this footnote's text)"
            if f.get("text_from"):
                text += f" (text from {_md_escape(f['text_from'])}, which prints this note here)"
            lines.append(f"[^{f['num']}]: {text}")
        else:  # a definition nothing refers to would be dropped by renderers
            lines.append(f"Footnote {f['num']} (its marker was not found in the text): {body}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

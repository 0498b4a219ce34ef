"""The review report: ``clean/report.html``, one static page that opens from disk.

Data first, template second (the coverage.py model): this module reads the
canonical documents and failure records into plain data, crops page images for
scanned input, and hands everything to ``templates/report.html.j2``.  It never
builds HTML.  Document text reaches the page only through jinja2 with autoescape
on, or as JSON inside ``<script type="application/json">`` (``|tojson`` escapes
``<``, ``>``, ``&`` and ``'``), which the page's script renders with
``textContent``; a Content-Security-Policy with a nonce derived from the page's content makes any
markup that still slipped through inert.

Call :func:`build_report` at the end of a run and print :func:`summarize`.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

import jinja2

from . import decisions as decisions_mod
from ..files import atomic_file
from ..structure import citation_index

SCHEMA = "clean-document/1"
STATUSES = ("flagged", "suggested", "accepted", "rejected", "applied")
REVIEW = frozenset({"flagged", "suggested"})
IN_TEXT = frozenset({"applied", "flagged", "accepted"})
HONOURED = {"accepted": "accept", "rejected": "reject"}  # status a run gives a decision
KIND_LABEL = {"text": "text", "markdown": "text (Markdown)", "html": "text (HTML)", "pdf": "PDF", "scanned-pdf": "scan"}
# Confidence bands for the chart and the filter: [low, high).
BANDS = ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
STATUS_TEXT = {
    "applied": "made in the output; confident enough not to ask",
    "flagged": "made in the output; please check it",
    "suggested": "not made; the output keeps the source text unless you accept",
    "accepted": "a reviewer accepted it: made in the output on every run",
    "rejected": "a reviewer rejected it: the output keeps the source text on every run",
}
ASSETS = "report-assets"
CROP_SCALE = 1.5  # pixels per point at most: 12 pt type shows at about 18 px, like the page text
CROP_MAX_WIDTH = 900  # pixels
CROP_PAD = (110.0, 8.0)  # points around the word box: horizontal, vertical
MARK = ("\u27e6", "\u27e7")


# --------------------------------------------------------------------- data
@dataclass
class Failure:
    stage: str
    reason: str
    source: str
    hint: str | None = None  # what to do about it, when the pipeline knows


@dataclass
class DocRow:
    """One row of the overview: a cleaned document, a failed one, or both."""

    idx: int
    doc_id: str
    kind: str
    kind_label: str
    symbol: str | None = None
    title: str | None = None
    source: str | None = None
    pages: int | None = None
    language: str | None = None  # source.language: ISO 639-1, as detected
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})
    footnotes_anchored: int = 0
    footnotes_total: int = 0
    awaiting: int = 0
    failure: Failure | None = None
    poor_pages: list[int] = field(default_factory=list)  # pages of a poor scan: all their corrections to review
    md_href: str | None = None
    json_href: str | None = None


@dataclass
class Report:
    docs: list[DocRow]
    corrections: list[dict[str, Any]]
    rules: list[str]
    by_rule: list[dict[str, Any]]
    by_band: list[dict[str, Any]]
    totals: dict[str, Any]
    stale_decisions: int
    storage_key: str
    notes: list[str] = field(default_factory=list)
    citations: dict[str, Any] = field(default_factory=dict)  # citation_index.view: most cited, disagreements


def _is_canonical(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and data.get("schema") == SCHEMA
        and isinstance(data.get("doc_id"), str)
        and isinstance(data.get("source"), dict)
        and isinstance(data.get("corrections"), list)
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def load_documents(clean_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Canonical documents in ``clean_dir`` by file name; other JSON files are skipped."""
    out = []
    for path in sorted(clean_dir.glob("*.json")):
        data = _read_json(path)
        if _is_canonical(data):
            out.append((path, data))
    return out


BATCH_SUGGESTIONS = "batch-suggestions.json"


def load_batch_suggestions(clean_dir: Path) -> dict[str, Any]:
    """What the batch's footnotes suggest per document (written by the run; see pipeline.notes.batchnotes)."""
    data = _read_json(clean_dir / BATCH_SUGGESTIONS)
    found = data.get("suggestions") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def with_batch_suggestions(doc: dict[str, Any], found: Any) -> dict[str, Any]:
    """The document's corrections plus the batch's suggestions for it not already decided in its own run."""
    if not isinstance(found, dict):
        return doc
    info = found.get("info") if isinstance(found.get("info"), dict) else {}
    corrections = []
    for c in doc["corrections"]:
        if isinstance(c, dict) and c.get("id") in info and isinstance(info[c["id"]], dict):
            c = {**c, "info": {**(c.get("info") or {}), **info[c["id"]]}}
        corrections.append(c)
    have = {c.get("id") for c in corrections if isinstance(c, dict)}
    corrections += [c for c in found.get("corrections") or [] if isinstance(c, dict) and c.get("id") not in have]
    return {**doc, "corrections": corrections}


def load_failures(clean_dir: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted((clean_dir / "failed").glob("*.json")):
        data = _read_json(path)
        if isinstance(data, dict) and data.get("doc_id"):
            out.append(data)
    return out


def _default_decisions_path(clean_dir: Path) -> Path:
    return clean_dir.resolve().parent / "dictionaries" / "review-decisions.json"


def _load_decisions(clean_dir: Path, decisions_path: Path | None) -> tuple[dict[str, dict[str, str]], list[str]]:
    path = decisions_path if decisions_path is not None else _default_decisions_path(clean_dir)
    try:
        return decisions_mod.load(path), []
    except decisions_mod.DecisionsError as e:
        return {}, [f"The decisions file could not be read, so no decision is shown: {e}"]


def _split_context(context: str | None, before: str) -> tuple[str, str, str, bool]:
    """``'left ⟦x⟧ right'`` -> (left, x, right, had_marks)."""
    if context and MARK[0] in context and MARK[1] in context:
        left, _, rest = context.partition(MARK[0])
        mid, _, right = rest.partition(MARK[1])
        return left, mid, right, True
    return context or "", before, "", False


def _href(name: str) -> str:
    """A relative link to a file beside the report; never a scheme, whatever the name."""
    return "./" + quote(name, safe="")


def _safe_name(text: str, limit: int = 60) -> str:
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:limit].strip("._") or "x"
    return f"{clean}-{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _band(conf: float) -> int:
    for i, (lo, hi) in enumerate(BANDS):
        if lo <= conf < hi:
            return i
    return 0 if conf < 0 else len(BANDS) - 1


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# -------------------------------------------------------------------- crops
class Cropper:
    """Crops word boxes out of page images into ``report-assets/`` (reused across builds)."""

    def __init__(self, clean_dir: Path) -> None:
        self.clean_dir = clean_dir
        self.assets = clean_dir / ASSETS
        self.used: set[Path] = set()
        self.notes: list[str] = []
        self._images: dict[Path, Any] = {}

    def crop(self, doc: dict[str, Any], stem: str, correction: dict[str, Any]) -> str | None:
        src = (correction.get("where") or {}).get("source") or {}
        bbox, page = src.get("bbox"), src.get("page")
        images = (doc.get("source") or {}).get("page_images") or {}
        info = images.get(str(page)) if page is not None else None
        if not info or not isinstance(bbox, (list, tuple)) or len(bbox) != 4:
            return None
        try:
            x0, top, x1, bottom = (float(v) for v in bbox)
            pw, ph = float(info["width"]), float(info["height"])
            image_path = (self.clean_dir / str(info["path"])).resolve()
        except (KeyError, TypeError, ValueError):
            return None
        key = hashlib.sha1(json.dumps([str(image_path), bbox, pw, ph]).encode()).hexdigest()[:10]
        rel = Path(ASSETS) / _safe_name(stem) / f"{_safe_name(str(correction.get('id')), 24)}-{key}.png"
        out = self.clean_dir / rel
        self.used.add(out)
        if out.exists() and out.stat().st_mtime >= _mtime(image_path):
            return rel.as_posix()
        img = self._open(image_path, (math.ceil(pw * CROP_SCALE), math.ceil(ph * CROP_SCALE)))
        if img is None:
            return None
        sx, sy = img.width / pw, img.height / ph
        px, py = CROP_PAD
        left, upper = max(0.0, x0 - px), max(0.0, top - py)
        right, lower = min(pw, x1 + px), min(ph, bottom + py)
        if right <= left or lower <= upper:
            return None
        from PIL import ImageDraw

        piece = img.crop((int(left * sx), int(upper * sy), int(right * sx) + 1, int(lower * sy) + 1)).convert("RGB")
        draw = ImageDraw.Draw(piece)
        draw.rectangle(
            (int((x0 - left) * sx) - 3, int((top - upper) * sy) - 2, int((x1 - left) * sx) + 3, int((bottom - upper) * sy) + 2),
            outline=(214, 120, 0), width=max(2, int(sx)),
        )
        if sx > CROP_SCALE:  # one scale for every crop, so type looks the same size in each
            f = CROP_SCALE / sx
            piece = piece.resize((max(1, round(piece.width * f)), max(1, round(piece.height * f))), resample=3)
        if piece.width > CROP_MAX_WIDTH:  # a line or block box rather than a word's
            piece = piece.resize((CROP_MAX_WIDTH, max(1, round(piece.height * CROP_MAX_WIDTH / piece.width))), resample=3)
        piece = piece.quantize(colors=16)  # grey type and one orange box: a quarter of the bytes
        with atomic_file(out) as fh:
            piece.save(fh, format="PNG")
        return rel.as_posix()

    def _open(self, path: Path, at_least: tuple[int, int]) -> Any:
        """The page image, decoded no larger than the crops need (a JPEG decodes at 1/2, 1/4 ...)."""
        if path not in self._images:
            from PIL import Image

            try:
                with Image.open(path) as im:
                    if im.format == "JPEG":
                        im.draft(im.mode, at_least)
                    im.load()
                    self._images[path] = im.convert("L") if im.mode not in ("L", "RGB") else im.copy()
            except (OSError, ValueError) as e:
                self.notes.append(f"page image {path.name} could not be read: {e}")
                self._images[path] = None
        return self._images[path]

    def forget_pages(self) -> None:
        self._images.clear()

    def prune(self) -> None:
        """Remove crops no document refers to any more."""
        if not self.assets.is_dir():
            return
        for p in self.assets.rglob("*.png"):
            if p not in self.used:
                p.unlink(missing_ok=True)
        for d in sorted(self.assets.rglob("*"), reverse=True):
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# ------------------------------------------------------------------ collect
def collect(clean_dir: Path, *, decisions_path: Path | None = None, crops: bool = True,
            only: set[str] | None = None, notes: Iterable[str] = ()) -> Report:
    """Everything the page shows, as plain data.

    ``only``: the doc ids of the current batch (outputs of other ids are left
    out); ``notes``: lines to show above the table (inputs skipped, documents
    not done because of the machine).
    """
    clean_dir = Path(clean_dir)
    decided, file_notes = _load_decisions(clean_dir, decisions_path)
    notes = [*notes, *file_notes]
    failures = {f["doc_id"]: f for f in load_failures(clean_dir) if only is None or f["doc_id"] in only}
    cropper = Cropper(clean_dir) if crops else None

    docs: list[DocRow] = []
    rows: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    by_rule: dict[str, Counter] = {}
    by_band = [Counter() for _ in BANDS]
    seen_ids: set[tuple[str, str]] = set()

    batch = load_batch_suggestions(clean_dir)
    loaded = load_documents(clean_dir)
    for path, doc in loaded:
        doc_id = doc["doc_id"]
        if only is not None and doc_id not in only:
            continue
        doc = with_batch_suggestions(doc, batch.get(doc_id))
        source = doc.get("source") or {}
        kind = str(source.get("kind") or "")
        row = DocRow(
            idx=len(docs), doc_id=doc_id, kind=kind, kind_label=KIND_LABEL.get(kind, kind or "?"),
            symbol=doc.get("symbol"), title=doc.get("title"), source=source.get("path"), pages=source.get("pages"),
            language=source.get("language"),
            md_href=_href(path.stem + ".md") if path.with_suffix(".md").exists() else None,
            json_href=_href(path.name),
        )
        ocr = doc.get("ocr") if isinstance(doc.get("ocr"), dict) else {}
        row.poor_pages = [p["page"] for p in ocr.get("pages") or []
                          if isinstance(p, dict) and p.get("status") != "good" and isinstance(p.get("page"), int)]
        notes_list = doc.get("footnotes") or []
        row.footnotes_total = len(notes_list)
        row.footnotes_anchored = sum(1 for n in notes_list if isinstance(n, dict) and n.get("anchored"))
        doc_decisions = decided.get(doc_id, {})
        for order, c in enumerate(doc["corrections"]):
            if not isinstance(c, dict):
                continue
            status = c.get("status") if c.get("status") in STATUSES else "applied"
            cid = str(c.get("id", ""))
            rule = str(c.get("rule", "?"))
            before, after = _text(c.get("before", "")), _text(c.get("after", ""))
            try:
                conf = float(c.get("confidence", 0.0))
            except (TypeError, ValueError):
                conf = 0.0
            # The wider snippet (about 120 characters, whole words) is what a reviewer reads;
            # the shorter context is part of the correction's identity and goes into the export.
            snippet = c.get("snippet") if isinstance(c.get("snippet"), str) else None
            left, mid, right, marked = _split_context(snippet or c.get("context"), before)
            where = c.get("where") or {}
            src = where.get("source") or {}
            r = rule_index.setdefault(rule, len(rule_index))
            band = _band(conf)
            file_decision = doc_decisions.get(cid)
            if file_decision and HONOURED.get(status) == file_decision:
                file_decision = None  # the run already shows it
            seen_ids.add((doc_id, cid))
            row.counts[status] += 1
            if status in REVIEW and not file_decision:
                row.awaiting += 1
            by_rule.setdefault(rule, Counter())[status] += 1
            by_band[band][status] += 1
            item: dict[str, Any] = {
                "d": row.idx, "o": order, "id": cid, "r": r, "b": before, "a": after,
                "l": left, "m": mid, "rt": right, "k": 1 if marked else 0,
                "c": round(conf, 4), "n": band, "s": status,
            }
            if snippet and isinstance(c.get("context"), str):
                item["x"] = c["context"]
            if file_decision:
                item["f"] = file_decision
            if src.get("page") is not None:
                item["p"] = _text(src.get("page"))
            if src.get("line") is not None:
                item["ln"] = _text(src.get("line"))
            if where.get("paragraph") is not None:
                item["pa"] = _text(where.get("paragraph"))
            info = c.get("info")
            if isinstance(info, dict) and info:
                item["i"] = [[str(k), _text(v)] for k, v in info.items()]
            if cropper is not None:
                crop = cropper.crop(doc, path.stem, c)
                if crop:
                    item["img"] = crop
            rows.append(item)
        if cropper is not None:
            cropper.forget_pages()
        if doc_id in failures:
            row.failure = _failure(failures.pop(doc_id))
        docs.append(row)

    for doc_id, f in sorted(failures.items()):
        src = str(f.get("source") or "")
        kind = {".pdf": "pdf", ".md": "markdown", ".html": "html", ".htm": "html", ".txt": "text"}.get(Path(src).suffix.lower(), "")
        docs.append(DocRow(idx=len(docs), doc_id=str(doc_id), kind=kind, kind_label=KIND_LABEL.get(kind, "?"),
                           source=src or None, failure=_failure(f)))

    if cropper is not None:
        cropper.prune()
        notes.extend(cropper.notes)

    stale = sum(1 for doc_id, ids in decided.items() for cid in ids if (doc_id, cid) not in seen_ids)
    status_totals = Counter()
    for d in docs:
        status_totals.update(d.counts)
    totals = {
        "documents": len(docs),
        "cleaned": sum(1 for d in docs if d.json_href and d.failure is None),
        "failed": sum(1 for d in docs if d.failure is not None),
        "corrections": len(rows),
        "by_status": {s: status_totals.get(s, 0) for s in STATUSES},
        "awaiting": sum(d.awaiting for d in docs),
        "decided_pending_rerun": sum(1 for x in rows if "f" in x),
        "footnotes_anchored": sum(d.footnotes_anchored for d in docs),
        "footnotes_total": sum(d.footnotes_total for d in docs),
        "poor_pages": sum(len(d.poor_pages) for d in docs),
        "poor_docs": [d.doc_id for d in docs if d.poor_pages],
    }
    rules = list(rule_index)
    return Report(
        docs=docs, corrections=rows, rules=rules,
        by_rule=_chart([(name, by_rule[name]) for name in sorted(rules, key=lambda n: -sum(by_rule[n].values()))]),
        by_band=_chart([(f"{lo:.1f}\u2013{min(hi, 1.0):.1f}", c) for (lo, hi), c in zip(BANDS, by_band)]),
        totals=totals, stale_decisions=stale,
        storage_key=hashlib.sha256(str(clean_dir.resolve()).encode()).hexdigest()[:16],
        notes=notes,
        citations=citation_index.view(citation_index.build_index(d for _, d in loaded)),
    )


def _failure(f: dict[str, Any]) -> Failure:
    return Failure(stage=_text(f.get("stage") or "?"), reason=_text(f.get("reason") or "no reason given"),
                   source=_text(f.get("source") or ""), hint=_text(f["hint"]) if f.get("hint") else None)


def _chart(series: Iterable[tuple[str, Counter]]) -> list[dict[str, Any]]:
    """Bars with one segment per status; widths are percentages of the longest bar."""
    series = list(series)
    top = max((sum(c.values()) for _, c in series), default=0) or 1
    return [
        {
            "label": label,
            "key": i,
            "total": sum(c.values()),
            "segments": [{"status": s, "count": c[s], "pct": round(100.0 * c[s] / top, 2)} for s in STATUSES if c.get(s)],
        }
        for i, (label, c) in enumerate(series)
    ]


# ------------------------------------------------------------------- render
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "separators": (",", ":")}
    return env


def report_batch(path: Path) -> str | None:
    """The batch fingerprint a report was built for (``<meta name="batch">`` in its head), if any."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    m = re.search(rb'<meta name="batch" content="([0-9a-f]+)">', head)
    return m.group(1).decode() if m else None


def render(report: Report, batch: str | None = None) -> str:
    page_data = {
        "docs": [
            {
                "doc_id": d.doc_id, "kind": d.kind_label, "symbol": d.symbol, "title": d.title, "source": d.source,
                "pages": d.pages, "counts": d.counts, "fa": d.footnotes_anchored, "ft": d.footnotes_total,
                "awaiting": d.awaiting, "md": d.md_href, "json": d.json_href, "poor": d.poor_pages,
                "failure": asdict(d.failure) if d.failure else None,
            }
            for d in report.docs
        ],
        "rules": report.rules,
        "bands": [f"{lo:.1f}\u2013{min(hi, 1.0):.1f}" for lo, hi in BANDS],
        "corrections": report.corrections,
        "status_text": STATUS_TEXT,
        "storage_key": report.storage_key,
    }
    # The nonce comes from the page's own content: the same batch gives the same
    # bytes on every run, and no document text can know the nonce it would need,
    # since the text itself goes into it.
    nonce = hashlib.sha256(json.dumps(page_data, sort_keys=True, default=str).encode()).hexdigest()[:24]
    return _environment().get_template("report.html.j2").render(
        report=report, data=page_data, statuses=STATUSES, status_text=STATUS_TEXT, nonce=nonce, batch=batch,
    )


def build_report(clean_dir: Path, *, decisions_path: Path | None = None, batch: str | None = None,
                 only: set[str] | None = None, notes: Iterable[str] = ()) -> Path:
    """Write ``clean_dir/report.html`` (and crops in ``report-assets/``) atomically; return its path.

    ``decisions_path`` defaults to ``<clean_dir>/../dictionaries/review-decisions.json``;
    it only tells the page which decisions are recorded but not yet honoured by a run.
    ``batch``: the run's batch fingerprint, kept in the page's head so that a run can
    tell its own report from one another run (or ``review report``) wrote since.
    """
    clean_dir = Path(clean_dir)
    html = render(collect(clean_dir, decisions_path=decisions_path, only=only, notes=notes), batch)
    target = clean_dir / "report.html"
    with atomic_file(target, "w", encoding="utf-8", errors="xmlcharrefreplace", newline="\n") as fh:
        fh.write(html)
    return target


def summarize(clean_dir: Path, *, decisions_path: Path | None = None, only: set[str] | None = None) -> dict[str, Any]:
    """Counts for the end-of-run message: cleaned, failed, corrections by status, awaiting review."""
    rep = collect(Path(clean_dir), decisions_path=decisions_path, crops=False, only=only)
    t = rep.totals
    return {
        "cleaned": t["cleaned"],
        "failed": t["failed"],
        "corrections": dict(t["by_status"]),
        "awaiting_review": t["awaiting"],
        "decided_pending_rerun": t["decided_pending_rerun"],
        "stale_decisions": rep.stale_decisions,
        "footnotes": {"anchored": t["footnotes_anchored"], "total": t["footnotes_total"]},
        "poor_scan_pages": t["poor_pages"],
        "poor_scan_documents": t["poor_docs"],
        # Documents whose main language is not English: English word rules left them alone.
        "not_english": {d.doc_id: d.language for d in rep.docs if d.language and d.language != "en"},
    }


def format_summary(summary: dict[str, Any], report_path: Path | None = None) -> str:
    """One paragraph for the terminal, e.g. after ``CleanAll``."""
    c = summary["corrections"]
    lines = [
        f"{summary['cleaned']} cleaned, {summary['failed']} failed; corrections: "
        + ", ".join(f"{c.get(s, 0)} {s}" for s in STATUSES) + ".",
        f"{summary['awaiting_review']} awaiting review"
        + (f", {summary['decided_pending_rerun']} decided but not yet applied (re-run to apply)" if summary.get("decided_pending_rerun") else "")
        + ".",
    ]
    if report_path is not None:
        lines.append(f"Review them in {report_path}")
    return "\n".join(lines)

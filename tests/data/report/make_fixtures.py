"""Regenerate the report fixtures: ``python tests/data/report/make_fixtures.py``.

The fixtures are canonical documents (clean-document/1) as the pipeline writes
them, made with the real :class:`pipeline.worktext.WorkText` so their correction
ids, contexts and offsets are what a run produces.  They cover the three input
kinds (text, PDF, scan with a page image and word boxes), reviewer decisions
already honoured, a failure record, a JSON file that is not a document, and a
hostile document whose every field tries to break out of the page.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from pipeline.worktext import LineRef, Proposal, Thresholds, WorkText, decision_key  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
HOSTILE = '<script>window.__pwned="script"</script>'
IMG = '"><img src=x onerror="window.__pwned=\'img\'">'
CLOSE = "</script><script>window.__pwned='close'</script>"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def find(work: WorkText, needle: str, nth: int = 0) -> tuple[int, int]:
    pos = -1
    for _ in range(nth + 1):
        pos = work.text.index(needle, pos + 1)
    return pos, pos + len(needle)


def propose(work: WorkText, needle: str, after: str, rule: str, conf: float, **kw) -> Proposal:
    s, e = find(work, needle)
    return Proposal(s, e, after, rule, conf, **kw)


def lines_of(text: str, page: int = 1) -> list[LineRef]:
    out, pos = [], 0
    for i, ln in enumerate(text.split("\n")):
        out.append(LineRef(pos, pos + len(ln), page, i))
        pos += len(ln) + 1
    return out


def paragraphs(text: str, prefix: str) -> list[dict]:
    return [{"id": f"{prefix}{i + 1}", "num": None if prefix == "pp" else str(i + 1), "text": p, "notes": []}
            for i, p in enumerate(t for t in (" ".join(b.split()) for b in text.split("\n\n")) if t)]


def canonical(work: WorkText, *, kind: str, path: str, symbol, number, organ, title, date,
              preamble: str, operative: str, footnotes: list[dict], pages: int | None = 1, extra_source=None) -> dict:
    source = {"path": path, "sha256": sha(path), "kind": kind, "pages": pages}
    source.update(extra_source or {})
    return {
        "schema": "clean-document/1",
        "doc_id": work.doc_id,
        "source": source,
        "symbol": symbol,
        "number": number,
        "organ": organ,
        "title": title,
        "date": date,
        "preamble": paragraphs(preamble, "pp"),
        "operative": paragraphs(operative, "op"),
        "footnotes": footnotes,
        "closing": {"text": "8th meeting\n20 March 2008", "meeting": "8th meeting", "date": "2008-03-20"},
        "corrections": work.corrections,
    }


def text_doc() -> dict:
    """A plain-text export of HRC 7/3 with the usual OCR damage."""
    raw = (
        "Resolution 7/3. Enhancement of international cooperation in the\nfield of human rights\n\n"
        "The Human Rights Council,\n\n"
        "Reaffirming its commitment to promoting international cooperation, as set forth in\n"
        "the Charter of the Un ited Nations, in particular Artic1e 1, paragraph 3, as well as\n"
        "relevant provisions of the Vienna Declaration and Programme of Action,2\n\n"
        "Recalling the adoption by the General Assembly of the United Nations Millen-\n"
        "nium Declaration on 8 September 2000 and Assembly resolution 62/160 of 18\n"
        "December 2007,\n\n"
        "1. Reaffirms that it is one of the purposes of the United Nations and the\n"
        "responsibility of all Member States to promote, protect and encourage respect for\n"
        "human rights and fundamental freedoms through, inter alia, internationa1 cooperation;\n\n"
        "2. Decides to continue its consideration of the question at its tenth session;\n"
    )
    work = WorkText("000_925e479e4b378691", raw, lines_of(raw))
    th = Thresholds()
    work.apply([propose(work, "Millen-\nnium", "Millennium", "dehyphenate", 0.97),
                propose(work, "Un ited", "United", "join_split_word", 0.93)], th)
    work.apply([propose(work, "Artic1e", "Article", "ocr_digit_in_word", 0.78),
                propose(work, "internationa1", "international", "ocr_digit_in_word", 0.71)], th)
    work.apply([propose(work, "Action,2", "Action,", "footnote_marker", 0.55, info={"marker": "2", "footnote": "2"})], th)
    work.apply([propose(work, "tenth", "eighth", "session_ordinal", 0.32, info={"why": "closing says 8th session"})], th)
    # A notice: the footnote stage points at text it does not change (before == after), as the pipeline logs it.
    s, e = find(work, "Action,")
    ctx = work.context(s, e)
    work.corrections.append({
        "id": decision_key(work.doc_id, "footnote.unanchored", "Action,", "Action,", ctx), "rule": "footnote.unanchored",
        "before": "Action,", "after": "Action,", "context": ctx,
        "where": {"offset": s, "source": {"start": work.origin[s], "end": work.origin[e], "page": 1, "line": 8}},
        "confidence": 0.5, "status": "flagged",
        "info": {"notice": "no marker in the text could be linked to this footnote", "footnote": "2"}})
    return canonical(
        work, kind="text", path="raw/000_925e479e4b378691.txt", symbol="A/HRC/RES/7/3", number="7/3",
        organ="Human Rights Council", title="Enhancement of international cooperation in the field of human rights",
        date="2008-03-27", preamble=work.text.split("1. Reaffirms")[0].split("Council,")[1],
        operative=work.text.split("December 2007,")[1],
        footnotes=[{"num": "1", "text": "A/CONF.157/24 (Part I), chap. III.", "anchored": True},
                   {"num": "2", "text": "See resolution 60/1.", "anchored": False}])


def scan_doc() -> dict:
    """A scanned page: the extractor gives word boxes (points) and a rendered page image."""
    lines = [
        "62/160. Enhancement of international cooperation",
        "in the field of human rights",
        "",
        "The General Assembly,",
        "",
        "Reaffirming its commitment to promoting internationa1",
        "cooperation, as set forth in the Charter of the United",
        "Nations, in particu1ar Article 1, paragraph 3, as well",
        "as relevant provisions of the Vienna Dec1aration and",
        "Programme of Action adopted by the World Conference",
        "on Human Rights on 25 June l993,",
        "",
        "1. Reaffirms that it is one of the purposes of the",
        "United Nations to promote human rights through,",
        "inter a1ia, international cooperation;",
    ]
    page_w, page_h, scale = 612.0, 396.0, 2.0  # points; image at 144 dpi
    img = Image.new("L", (int(page_w * scale), int(page_h * scale)), 250)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, int(13 * scale))
    word_boxes: dict[tuple[int, str], list[float]] = {}
    top = 30.0
    for li, ln in enumerate(lines):
        x = 60.0
        for word in ln.split(" "):
            if not word:
                continue
            w = draw.textlength(word + " ", font=font) / scale
            draw.text((x * scale, top * scale), word, fill=30, font=font)
            box = draw.textbbox((x * scale, top * scale), word, font=font)  # the inked box, as OCR reports it
            word_boxes.setdefault((li, word), [round(v / scale, 1) for v in box])
            x += w
        top += 19.0 if ln else 8.0
    # a little scanner noise so the crop looks like a scan
    for i in range(0, img.width, 37):
        draw.point((i, (i * 7) % img.height), fill=120)
    pages = HERE / "pages"
    pages.mkdir(exist_ok=True)
    img.save(pages / "001_scan-p1.png", optimize=True)

    raw = "\n".join(lines)
    work = WorkText("001_0c83b350d768e6c1", raw, lines_of(raw))
    th = Thresholds()
    fixes = [("internationa1", "international", 0.83), ("particu1ar", "particular", 0.66),
             ("Dec1aration", "Declaration", 0.91), ("l993", "1993", 0.58), ("a1ia", "alia", 0.45)]
    work.apply([propose(work, b, a, "ocr_digit_in_word", c) for b, a, c in fixes], th)
    for rec in work.corrections:
        ln = rec["where"]["source"]["line"] - 1
        word = next(w for (li, w) in word_boxes if li == ln and rec["before"] in w)
        rec["where"]["source"]["bbox"] = word_boxes[(ln, word)]
        rec["where"]["source"]["ocr_conf"] = 0.41
    return canonical(
        work, kind="scanned-pdf", path="raw/001_0c83b350d768e6c1.pdf", symbol="A/RES/62/160", number="62/160",
        organ="General Assembly", title="Enhancement of international cooperation in the field of human rights",
        date="2007-12-18", preamble=work.text.split("Assembly,")[1].split("1. Reaffirms")[0],
        operative="1. Reaffirms" + work.text.split("1. Reaffirms")[1], footnotes=[],
        extra_source={"page_images": {"1": {"path": "pages/001_scan-p1.png", "width": page_w, "height": page_h}}})


def decided_doc() -> dict:
    """A PDF re-run after review: one suggestion accepted, one flagged fix rejected."""
    raw = (
        "25/1. Enhancement of international cooperation in the field of human rights\n\n"
        "The Human Rights Council,\n\n"
        "Recalling further the World Conference against Racism, Racial Discrimination,\n"
        "Xenophobia and Related Intolerance, held in Durban, South Africa, from 31 August\n"
        "to 8 September 2001, and the Durban Review Conference, held in Geneva,*\n\n"
        "1. Reaffirms that dialogue among cultures and civi1izations facilitates the promotion\n"
        "of a culture of tolerance and respect for diversity;\n"
    )
    work = WorkText("004_5b02a51a45b675a1", raw, lines_of(raw))
    ids = {}
    th = Thresholds()
    probe = WorkText(work.doc_id, raw, lines_of(raw))
    for rec in probe.apply([propose(probe, "Geneva,*", "Geneva,", "footnote_marker", 0.5, info={"marker": "*"}),
                            propose(probe, "civi1izations", "civilizations", "ocr_digit_in_word", 0.7),
                            propose(probe, "Durban, South", "Durban , South", "space_before_comma", 0.65)], th):
        ids[rec["rule"]] = rec["id"]
    decisions = {ids["footnote_marker"]: "accept", ids["space_before_comma"]: "reject"}
    work.apply([propose(work, "Geneva,*", "Geneva,", "footnote_marker", 0.5, info={"marker": "*"}),
                propose(work, "civi1izations", "civilizations", "ocr_digit_in_word", 0.7),
                propose(work, "Durban, South", "Durban , South", "space_before_comma", 0.65)], th, decisions.get)
    return canonical(
        work, kind="pdf", path="raw/004_5b02a51a45b675a1.pdf", symbol="A/HRC/RES/25/1", number="25/1",
        organ="Human Rights Council", title="Enhancement of international cooperation in the field of human rights",
        date=None, preamble=work.text.split("Council,")[1].split("1. Reaffirms")[0],
        operative="1. Reaffirms" + work.text.split("1. Reaffirms")[1], pages=2,
        footnotes=[{"num": "*", "text": "Non-member State of the Human Rights Council.", "anchored": True}])


def hostile_doc() -> dict:
    """Every string a document controls tries to run script or break the markup."""
    raw = (
        f"Resolution {HOSTILE} 9/9. On markup\n\n"
        "The General Assembly,\n\n"
        f"Noting the string {IMG} in paragraph one and {CLOSE} after it,\n\n"
        "1. Decides that &amp; &lt;b&gt; and ]]> and {{ 7*7 }} stay text; javascript:alert(1) too;\n"
    )
    work = WorkText('002_<b>bold</b>"><svg onload=window.__pwned=1>', raw, lines_of(raw))
    th = Thresholds()
    work.apply([propose(work, IMG, '"><iframe srcdoc="<script>parent.__pwned=1</script>">', "<b>rule</b><script>x</script>", 0.7,
                        info={"note": "<svg/onload=window.__pwned='info'>", "url": "javascript:alert(1)"})], th)
    work.apply([propose(work, CLOSE, "</textarea></style>" + CLOSE, '"onmouseover="window.__pwned=1', 0.4)], th)
    work.apply([propose(work, "{{ 7*7 }}", "{% raw %}{{ 7*7 }}", "template_injection", 0.95)], th)
    doc = canonical(
        work, kind="markdown", path='raw/002_<img src=x onerror=alert(1)>.md', symbol=HOSTILE, number="9/9",
        organ=IMG, title=f"On markup {HOSTILE} {IMG} {CLOSE}", date=None,
        preamble=f"Noting the string {IMG}", operative=f"1. Decides {CLOSE}",
        footnotes=[{"num": "<i>1</i>", "text": HOSTILE, "anchored": False}])
    doc["closing"] = {"text": CLOSE, "meeting": IMG, "date": None}
    return doc


def main() -> None:
    out = {
        "000_925e479e4b378691.json": text_doc(),
        "001_0c83b350d768e6c1.json": scan_doc(),
        "002_hostile.json": hostile_doc(),
        "004_5b02a51a45b675a1.json": decided_doc(),
        # Not canonical documents: the report must skip them.
        "run-summary.json": {"cleaned": 4, "failed": 1},
        "005_not_a_doc.json": {"schema": "something-else/1", "doc_id": "005"},
    }
    for name, data in out.items():
        (HERE / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = HERE / "failed"
    failed.mkdir(exist_ok=True)
    (failed / "003_deb12b2bf5bc89c9.json").write_text(json.dumps({
        "doc_id": "003_deb12b2bf5bc89c9", "source": "raw/003_deb12b2bf5bc89c9.txt", "stage": "structure",
        "reason": f"no operative paragraphs found (the text ends after the preamble) {HOSTILE}",
        "error": "StructureError", "at": "structure.py:88", "input_sha256": sha("003"),
        "hint": "check the file; replace it with a readable copy in the raw folder and run again"}, indent=1) + "\n", encoding="utf-8")
    print("fixtures written to", HERE)


if __name__ == "__main__":
    main()

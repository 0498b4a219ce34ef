"""How the review report holds up at batch size: build time, page size, and how
fast headless Chromium opens and filters it.

    python bench/report_bench.py                      # 1,000 documents, 20,000 corrections
    python bench/report_bench.py --docs 200 --corrections 4000 --out /tmp/rb

It writes synthetic canonical documents (a tenth of them scans with a page image
and word boxes, so cropping is measured too) into OUT/clean, builds the report
twice (cold: crops made; warm: crops reused), opens it in headless Chromium and
times: load to ready, each filter, a search, paging, a run of keyboard decisions,
the documents table and a history view.  Figures go to stdout and OUT/report_bench.json,
a screenshot to OUT/report_bench.png.  Not a test: numbers vary by machine.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.review.report import build_report, summarize  # noqa: E402

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
RULES = ["ocr_digit_in_word", "dehyphenate", "join_split_word", "footnote_marker", "symbol_slash",
         "roman_numeral", "quote_normalize", "space_before_punct", "ligature", "lexicon_fix", "session_ordinal", "paragraph_number"]
WORDS = ("the General Assembly Reaffirming its commitment to promoting international cooperation as set forth in "
         "Charter of United Nations in particular Article paragraph well relevant provisions Vienna Declaration and "
         "Programme Action adopted by World Conference on Human Rights for enhancing genuine among Member States "
         "field human rights Recalling resolution December session decides continue consideration question").split()


def synth(out: Path, n_docs: int, n_corr: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    clean = out / "clean"
    if clean.exists():
        shutil.rmtree(clean)
    (clean / "failed").mkdir(parents=True)
    page_w, page_h = 612.0, 792.0
    from PIL import Image, ImageDraw

    img = Image.new("L", (1224, 1584), 250)
    draw = ImageDraw.Draw(img)
    for row in range(60):
        draw.text((120, 80 + row * 24), " ".join(rnd.choice(WORDS) for _ in range(12)), fill=20)
    (clean / "pages").mkdir()
    img.save(clean / "pages" / "bench-page.png")
    failed = {i for i in range(n_docs) if i % 97 == 5}  # about 1 in 100 fails; their share goes to the others
    live = [i for i in range(n_docs) if i not in failed]
    per_doc = [0] * n_docs
    for j, i in enumerate(live):
        per_doc[i] = n_corr // len(live) + (1 if j < n_corr % len(live) else 0)
    # uneven: move corrections between documents, as real batches are
    for _ in range(n_docs):
        a, b = rnd.choice(live), rnd.choice(live)
        k = rnd.randint(0, per_doc[a] // 2)
        per_doc[a] -= k
        per_doc[b] += k
    for i in range(n_docs):
        doc_id = f"{i:04d}_{hashlib.sha1(str(i).encode()).hexdigest()[:16]}"
        if i in failed:
            (clean / "failed" / f"{doc_id}.json").write_text(json.dumps({
                "doc_id": doc_id, "source": f"raw/{doc_id}.pdf", "stage": "extract",
                "reason": "the PDF has no text layer and OCR found no words", "input_sha256": "0" * 64}))
            continue
        scan = i % 10 == 3
        kind = "scanned-pdf" if scan else rnd.choice(["text", "markdown", "pdf", "pdf"])
        corrections = []
        for k in range(per_doc[i]):
            words = [rnd.choice(WORDS) for _ in range(12)]
            before = rnd.choice(WORDS)
            after = before.replace("l", "1") if "l" in before and rnd.random() < 0.5 else before + "s"
            conf = round(rnd.betavariate(5, 2), 4)
            status = "applied" if conf >= 0.9 else "flagged" if conf >= 0.6 else "suggested"
            if rnd.random() < 0.03:
                status = rnd.choice(["accepted", "rejected"])
            src = {"start": k * 40, "end": k * 40 + len(before), "page": 1, "line": 1 + k % 60}
            if scan:
                x0 = 120 / 2 + rnd.randrange(0, 350)
                top = 40 + (k % 60) * 12
                src["bbox"] = [x0, top, x0 + 50, top + 10]
            corrections.append({
                "id": hashlib.sha256(f"{doc_id}{k}".encode()).hexdigest()[:16], "rule": rnd.choice(RULES),
                "before": before, "after": after,
                "context": " ".join(words[:5]) + " \u27e6" + before + "\u27e7 " + " ".join(words[5:]),
                "where": {"offset": k * 40, "source": src}, "confidence": conf, "status": status,
                **({"info": {"marker": str(k % 9 + 1)}} if k % 13 == 0 else {}),
            })
        notes = [{"num": str(n + 1), "text": "See A/RES/60/1.", "anchored": rnd.random() < 0.9} for n in range(rnd.randint(0, 5))]
        doc = {
            "schema": "clean-document/1", "doc_id": doc_id,
            "source": {"path": f"raw/{doc_id}.pdf", "sha256": "0" * 64, "kind": kind, "pages": 3,
                       **({"page_images": {"1": {"path": "pages/bench-page.png", "width": page_w, "height": page_h}}} if scan else {})},
            "symbol": f"A/RES/{60 + i % 20}/{100 + i}", "number": f"{60 + i % 20}/{100 + i}", "organ": "General Assembly",
            "title": "Enhancement of international cooperation in the field of human rights", "date": None,
            "preamble": [], "operative": [], "footnotes": notes, "closing": None, "corrections": corrections,
        }
        (clean / f"{doc_id}.json").write_text(json.dumps(doc), encoding="utf-8")


def browser(url: str, shot: Path) -> dict:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for f in FLAGS:
        opts.add_argument(f)
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument("--window-size=1280,1000")
    opts.binary_location = CHROMIUM
    d = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    res: dict = {}
    try:
        d.get("about:blank")
        t0 = time.perf_counter()
        d.get(url)  # returns after the load event; our script runs before it
        while not d.execute_script("return document.documentElement.dataset.ready === '1'"):
            time.sleep(0.01)
        res["open_wall_ms"] = round((time.perf_counter() - t0) * 1000)
        nav = d.execute_script("var n = performance.getEntriesByType('navigation')[0]; return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd};")
        res["ready_ms"] = round(d.execute_script("return window.__reportReady"))
        res["dom_content_loaded_ms"] = round(nav["dcl"])
        res["load_event_ms"] = round(nav["load"])
        res["heap_mb"] = round(d.execute_script("return performance.memory ? performance.memory.usedJSHeapSize / 1048576 : 0"), 1)

        def timed(script: str) -> float:
            # the change event runs the filter and rebuilds the list synchronously; offsetHeight forces layout
            return round(d.execute_script("var t = performance.now();" + script + "; document.body.offsetHeight; return performance.now() - t;"), 1)

        res["filter_status_all_ms"] = timed("var s = document.getElementById('f-status'); s.value = 'all'; s.dispatchEvent(new Event('change'))")
        res["filter_rule_ms"] = timed("var s = document.getElementById('f-rule'); s.selectedIndex = 3; s.dispatchEvent(new Event('change'))")
        res["filter_confidence_ms"] = timed("var s = document.getElementById('f-conf'); s.value = '2'; s.dispatchEvent(new Event('change'))")
        res["filter_document_ms"] = timed("var s = document.getElementById('f-doc'); s.selectedIndex = 500; s.dispatchEvent(new Event('change'))")
        res["filter_reset_ms"] = timed("['f-doc','f-rule','f-conf'].forEach(function(i){document.getElementById(i).value='';}); var s = document.getElementById('f-status'); s.value = 'review'; s.dispatchEvent(new Event('change'))")
        res["shown_to_review"] = d.execute_script("return document.getElementById('count').textContent")
        # search: the first keystroke builds the lowercase index once; later ones reuse it
        q = "var q = document.getElementById('f-q'); q.value = '%s'; q.dispatchEvent(new Event('input'));"
        d.execute_script(q % "charter")
        time.sleep(0.3)
        res["search_first_ms"] = round(d.execute_script("return window.__lastFilterMs"), 1)
        d.execute_script(q % "declaration")
        time.sleep(0.3)
        res["search_again_ms"] = round(d.execute_script("return window.__lastFilterMs"), 1)
        d.execute_script(q % "")
        time.sleep(0.3)
        res["next_page_ms"] = timed("document.querySelector('#view-review [data-page=\"1\"]').click()")
        res["decide_50_keys_ms"] = timed(
            "document.activeElement.blur(); for (var i = 0; i < 50; i++) document.dispatchEvent(new KeyboardEvent('keydown', {key: i % 3 ? 'a' : 'r', bubbles: true}))")
        res["pending_after_keys"] = d.execute_script("return document.getElementById('pending-count').textContent")
        res["export_ms"] = timed("window.confirm = function(){return true;}; document.getElementById('export').click(); document.getElementById('export-dialog').close()")
        res["documents_tab_ms"] = timed("location.hash = '#documents'; window.dispatchEvent(new HashChangeEvent('hashchange'))")
        res["history_view_ms"] = timed("location.hash = '#history/10'; window.dispatchEvent(new HashChangeEvent('hashchange'))")
        d.execute_script("location.hash = '#review'")
        time.sleep(0.2)
        d.execute_script("window.scrollTo(0, 0)")
        d.save_screenshot(str(shot))
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--corrections", type=int, default=20000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "report")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    synth(out, args.docs, args.corrections)
    res: dict = {"docs": args.docs, "corrections": args.corrections, "synth_s": round(time.perf_counter() - t, 2)}
    clean = out / "clean"
    t = time.perf_counter()
    page = build_report(clean)
    res["build_cold_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    build_report(clean)
    res["build_warm_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    s = summarize(clean)
    res["summarize_s"] = round(time.perf_counter() - t, 2)
    res["html_mb"] = round(page.stat().st_size / 1048576, 2)
    crops = list((clean / "report-assets").rglob("*.png"))
    res["crops"] = len(crops)
    res["crops_mb"] = round(sum(p.stat().st_size for p in crops) / 1048576, 2)
    res["summary"] = s
    if not args.no_browser:
        res["browser"] = browser(page.resolve().as_uri(), out / "report_bench.png")
        res["screenshot"] = str(out / "report_bench.png")
    (out / "report_bench.json").write_text(json.dumps(res, indent=1) + "\n")
    width = max(len(k) for k in res)
    for k, v in res.items():
        if isinstance(v, dict) and k == "browser":
            for bk, bv in v.items():
                print(f"  browser.{bk:<24} {bv}")
        else:
            print(f"  {k:<{width}} {v}")
    print(f"figures: {out / 'report_bench.json'}")


if __name__ == "__main__":
    main()

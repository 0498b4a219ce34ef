"""The report in a real browser (headless Chromium): it opens from disk, filters,
records decisions from the keyboard and the mouse, exports them in the format of
pipeline/review/decisions.py, and shows hostile document text as inert text.

A screenshot of each view is saved; the paths are printed (set REPORT_SCREENSHOTS
to choose the folder, default: the test's tmp dir)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from pipeline.review import decisions
from pipeline.review import apply as review
from pipeline.review.report import build_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURES = Path(__file__).parent / "data" / "report"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def make_driver(download_dir: Path, profile: Path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("headless Chromium is not installed (scripts/setup.sh installs it)")
    opts = webdriver.ChromeOptions()
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument("--window-size=1280,1000")
    opts.binary_location = CHROMIUM
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    clean = root / "clean"
    shutil.copytree(FIXTURES, clean, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    page = build_report(clean)
    downloads = root / "Downloads"
    downloads.mkdir()
    driver = make_driver(downloads, Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=root)))
    shots = Path(os.environ.get("REPORT_SCREENSHOTS") or root / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield {"driver": driver, "url": page.resolve().as_uri(), "clean": clean, "downloads": downloads, "root": root, "shots": shots}
    finally:
        driver.quit()


def wait(cond, timeout: float = 5.0, what: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def js(driver, script: str, *args):
    return driver.execute_script(script, *args)


def wait_ready(d, what: str) -> None:
    """Until the report's script has drawn the page (``data-ready`` on the root element)."""
    wait(lambda: js(d, "return document.documentElement.dataset.ready === '1'"), what=what)


def open_report(d, report: Path, what: str) -> None:
    d.get(report.resolve().as_uri())
    wait_ready(d, what)


def open_page(site):
    d = site["driver"]
    d.get(site["url"])
    wait_ready(d, "the report to be ready")
    return d


def shot(site, capsys, name: str) -> Path:
    return _shot(site["driver"], site["shots"] / name, capsys, width=1280, min_height=900)


def _shot(d, path: Path, capsys, *, width: int, min_height: int) -> Path:
    """The page at ``width`` px, as tall as its content (up to 4000 px)."""
    d.set_window_size(width, min_height)
    height = js(d, "return Math.min(4000, document.documentElement.scrollHeight)")
    d.set_window_size(width, max(min_height, height))
    d.save_screenshot(str(path))
    d.set_window_size(1280, 1000)
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def count_text(d) -> str:
    return js(d, "return document.getElementById('count').textContent")


def severe_logs(d) -> list:
    return [e for e in d.get_log("browser") if e["level"] == "SEVERE"]


def test_report_opens_filters_decides_and_exports(site, capsys):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    d = open_page(site)
    assert d.title.startswith("Review report")
    assert count_text(d) == "Showing 1\u201312 of 12 corrections"
    assert len(d.find_elements(By.CSS_SELECTOR, "#list .card")) == 12
    # Crops from the scanned page load from report-assets/ next to the page.
    crops = d.find_elements(By.CSS_SELECTOR, "#list img.crop")
    assert len(crops) == 4
    wait(lambda: all(js(d, "return arguments[0].complete && arguments[0].naturalWidth > 0", c) for c in crops), what="crops to load")
    shot(site, capsys, "report-review.png")

    # Filters: by rule, status, confidence band, document, and search.
    rule = js(d, "return [...document.querySelectorAll('#f-rule option')].find(o => o.textContent.startsWith('ocr_digit_in_word ')).value")
    Select(d.find_element(By.ID, "f-rule")).select_by_value(rule)
    assert count_text(d).endswith("of 7 corrections")
    Select(d.find_element(By.ID, "f-status")).select_by_value("all")
    assert count_text(d).endswith("of 8 corrections")
    Select(d.find_element(By.ID, "f-conf")).select_by_value("3")  # 0.7-0.8
    assert count_text(d).endswith("of 3 corrections")
    d.find_element(By.ID, "f-reset").click()
    wait(lambda: count_text(d).endswith("of 12 corrections"), what="reset")
    search = d.find_element(By.ID, "f-q")
    search.send_keys("tenth")
    wait(lambda: count_text(d) == "Showing 1\u20131 of 1 corrections", what="search")
    search.send_keys(Keys.ESCAPE)
    d.find_element(By.ID, "f-reset").click()
    wait(lambda: count_text(d).endswith("of 12 corrections"), what="reset")
    # A chart bar is a filter too.
    d.find_element(By.CSS_SELECTOR, ".bar[data-chart='rule'][data-key='footnote_marker']").click()
    assert count_text(d).endswith("of 2 corrections")
    d.find_element(By.ID, "f-reset").click()
    wait(lambda: count_text(d).endswith("of 12 corrections"), what="reset")

    # Decide from the keyboard on the first document: j selects, a accepts and moves on, r rejects.
    Select(d.find_element(By.ID, "f-doc")).select_by_value("0")
    assert count_text(d).endswith("of 5 corrections")
    body = d.find_element(By.TAG_NAME, "body")
    d.execute_script("document.activeElement.blur()")
    body.send_keys("j")
    body.send_keys("a")  # Artic1e -> Article: accept
    body.send_keys("r")  # internationa1 -> international: reject
    cards = d.find_elements(By.CSS_SELECTOR, "#list .card")
    assert cards[0].find_element(By.CSS_SELECTOR, "[data-act=accept]").get_attribute("aria-pressed") == "true"
    assert cards[1].find_element(By.CSS_SELECTOR, "[data-act=reject]").get_attribute("aria-pressed") == "true"
    assert "current" in cards[2].get_attribute("class")
    # ... and with the mouse: accept the suggestion "tenth" -> "eighth".
    cards[3].find_element(By.CSS_SELECTOR, "[data-act=accept]").click()
    assert js(d, "return document.getElementById('pending-count').textContent").startswith("3 decisions")
    # Undo takes one back.
    cards = d.find_elements(By.CSS_SELECTOR, "#list .card")
    cards[3].find_element(By.CSS_SELECTOR, "[data-act=undo]").click()
    cards = d.find_elements(By.CSS_SELECTOR, "#list .card")
    cards[3].find_element(By.CSS_SELECTOR, "[data-act=accept]").click()
    assert "decided in this page" not in d.page_source  # label text only lives in the option
    Select(d.find_element(By.ID, "f-status")).select_by_value("mine")
    assert count_text(d).endswith("of 3 corrections")

    # Decisions survive a reload (kept in the browser until exported).
    d.refresh()
    wait_ready(d, "reload")
    assert js(d, "return document.getElementById('pending-count').textContent").startswith("3 decisions")

    # Export: a download in the decisions format, and the command to apply it.
    d.find_element(By.ID, "export").click()
    exported = wait(lambda: [p for p in site["downloads"].glob("review-decisions*.json")], what="the download")[0]
    wait(lambda: exported.stat().st_size > 0 and json.loads(exported.read_text(encoding="utf-8")), what="a complete download")
    assert d.find_element(By.ID, "export-dialog").is_displayed()
    assert "python -m pipeline.review apply" in d.find_element(By.ID, "export-cmd").text
    shot(site, capsys, "report-export.png")
    stored = decisions.load(exported)
    assert stored == {"000_925e479e4b378691": {"a7ad368321f3f77f": "accept", "b31ed340b4932e93": "reject", "1ced06218808dc9f": "accept"}}
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["version"] == 1
    tenth = next(x for x in data["decisions"] if x["id"] == "1ced06218808dc9f")
    source = json.loads((site["clean"] / "000_925e479e4b378691.json").read_text(encoding="utf-8"))
    original = next(c for c in source["corrections"] if c["id"] == "1ced06218808dc9f")
    assert {k: tenth[k] for k in ("rule", "before", "after", "context")} == {k: original[k] for k in ("rule", "before", "after", "context")}

    # The exported file is what `python -m pipeline.review apply` takes.
    project = site["root"]
    assert review.main(["apply", str(exported), "--project", str(project)]) == 0
    assert decisions.load(project / "dictionaries" / "review-decisions.json") == stored
    assert severe_logs(d) == []


def test_history_and_documents_views(site, capsys):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = open_page(site)
    d.find_element(By.CSS_SELECTOR, "#list .group a").click()  # History of the first document
    wait(lambda: js(d, "return !document.getElementById('view-history').hidden"), what="history view")
    rows = d.find_elements(By.CSS_SELECTOR, "#history table.hist tbody tr")
    assert len(rows) == 7
    first = rows[0].text
    assert "Un ited" in first and "United" in first and "join_split_word" in first and "applied" in first
    suggested = next(r.text for r in rows if "tenth" in r.text)
    assert "unchanged" in suggested and "eighth" in suggested and "closing says 8th session" in suggested, suggested
    notice = next(r for r in rows if "footnote.unanchored" in r.text)
    assert "a notice: text unchanged" in notice.text and notice.find_elements(By.TAG_NAME, "mark")
    shot(site, capsys, "report-history.png")
    d.find_element(By.TAG_NAME, "body").send_keys("\ue00c")  # Escape: back
    wait(lambda: js(d, "return !document.getElementById('view-review').hidden"), what="back to the list")

    d.find_element(By.ID, "tab-documents").click()
    wait(lambda: len(d.find_elements(By.CSS_SELECTOR, "#docs-body tr")) == 5, what="documents table")
    Select(d.find_element(By.ID, "d-sort")).select_by_value("review")
    first_rows = [r.text for r in d.find_elements(By.CSS_SELECTOR, "#docs-body tr")]
    # Counts are live: the decisions made above in this page already count.
    to_review = [int(m.group(1)) if m else 0 for m in (re.search(r"(\d+) to review", r) for r in first_rows)]
    assert to_review[0] == max(to_review) > 0 and to_review == sorted(to_review, reverse=True), first_rows
    assert first_rows[-1].startswith("003_")  # the failed document has nothing to review
    d.find_element(By.ID, "d-failed").click()
    rows = d.find_elements(By.CSS_SELECTOR, "#docs-body tr")
    assert len(rows) == 1 and "failed at structure" in rows[0].text and "<script>" in rows[0].text
    shot(site, capsys, "report-documents.png")
    assert severe_logs(d) == []


def test_hostile_text_renders_as_inert_text(site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = open_page(site)
    hostile = js(d, "return [...document.querySelectorAll('#f-doc option')].find(o => o.textContent.startsWith('002_')).value")
    Select(d.find_element(By.ID, "f-doc")).select_by_value(hostile)
    Select(d.find_element(By.ID, "f-status")).select_by_value("all")
    text = d.find_element(By.ID, "list").text
    assert '"><img src=x onerror="window.__pwned=\'img\'">' in text
    assert "</script><script>window.__pwned='close'</script>" in text
    assert "<svg/onload=window.__pwned='info'>" in text
    assert "{% raw %}{{ 7*7 }}" in text  # no template ran on it either
    d.find_element(By.CSS_SELECTOR, "#list .group a").click()
    wait(lambda: js(d, "return !document.getElementById('view-history').hidden"), what="history")
    assert "<script>window.__pwned" in d.find_element(By.ID, "history").text
    d.find_element(By.ID, "tab-documents").click()
    wait(lambda: d.find_elements(By.CSS_SELECTOR, "#docs-body tr"), what="documents")
    time.sleep(0.2)  # give any injected handler the chance to fire
    assert js(d, "return window.__pwned") is None
    assert js(d, "return document.querySelectorAll('iframe, svg, object, embed, img:not(.crop)').length") == 0
    assert js(d, "return document.querySelectorAll('script').length") == 2
    assert js(d, "return [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length") == 0
    # Links built from document names stay relative file links.
    hrefs = js(d, "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    assert all(h.startswith(("#", "./")) for h in hrefs), hrefs
    assert severe_logs(d) == []


# ------------------------------------------------- the loop, with the real pipeline
REPO = Path(__file__).resolve().parents[1]


def run_clean_all(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", "import sys, luigi.cmdline; luigi.cmdline.luigi_run(sys.argv[1:])",
                           "--module", "pipeline", "CleanAll"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _norm(text: str) -> str:
    return " ".join(re.sub(r"\[\^[^\]]+\]", "", text).split())


def _around(c: dict, middle: str) -> str:
    left, _, rest = c["context"].partition("\u27e6")
    _, _, right = rest.partition("\u27e7")
    return _norm(left[-12:] + middle + right[:12])


def _outputs(clean: Path) -> dict[str, tuple[dict, str]]:
    return {p.stem: (json.loads(p.read_text(encoding="utf-8")), _norm(p.with_suffix(".md").read_text(encoding="utf-8")))
            for p in sorted(clean.glob("*.json")) if (clean / (p.stem + ".md")).exists()}


def _pick(outputs, status: str) -> tuple[str, dict]:
    """A correction of this status that changes the text at a place the output shows as it is."""
    for stem, (doc, md) in outputs.items():
        for c in doc["corrections"]:
            words = c["before"].strip() and not re.search(r"\s\s|\n", c["before"] + c["after"])
            if c["status"] == status and c["before"] != c["after"] and words:
                if _around(c, c["after"] if status == "flagged" else c["before"]) in md:
                    return stem, c
    pytest.skip(f"this run has no {status} correction to decide on")


def test_round_trip_with_the_real_pipeline(tmp_path, capsys):
    """Run, decide in the page, export, apply, re-run: the decided corrections have the decided status and effect."""
    from selenium.webdriver.common.by import By

    if not (REPO / "pipeline" / "run" / "tasks.py").exists():
        pytest.skip("the pipeline's tasks are not in this tree yet")
    project = tmp_path / "project"
    # Two of the sample documents keep the two runs short; all of them if those are gone.
    sample = [p for p in sorted((REPO / "raw").iterdir()) if p.name.startswith(("003_", "004_"))] or sorted((REPO / "raw").iterdir())
    (project / "raw").mkdir(parents=True)
    for p in sample:
        shutil.copy2(p, project / "raw" / p.name)
    shutil.copytree(REPO / "dictionaries", project / "dictionaries", ignore=shutil.ignore_patterns("review-decisions.json"))
    # Narrow bands so this small batch has both flagged and suggested changes to decide on.
    cfg = (REPO / "luigi.cfg").read_text(encoding="utf-8")
    cfg = re.sub(r"(?m)^apply_threshold = .*$", "apply_threshold = 0.99", cfg)
    cfg = re.sub(r"(?m)^flag_threshold = .*$", "flag_threshold = 0.9", cfg)
    (project / "luigi.cfg").write_text(cfg, encoding="utf-8")
    clean = project / "clean"

    run_clean_all(project)
    first = _outputs(clean)
    flagged_doc, flagged = _pick(first, "flagged")
    suggested_doc, suggested = _pick(first, "suggested")

    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    d = make_driver(downloads, tmp_path / "profile")
    try:
        open_report(d, clean / "report.html", "the report")
        for c, button in ((flagged, "reject"), (suggested, "accept")):
            search = d.find_element(By.ID, "f-q")
            search.clear()
            search.send_keys(c["id"])
            wait(lambda: count_text(d) == "Showing 1\u20131 of 1 corrections"
                 and js(d, "return document.querySelector('#list .card').dataset.id") == c["id"], what=f"the correction {c['id']}")
            d.find_element(By.CSS_SELECTOR, f"#list .card [data-act={button}]").click()
        applied = _export_and_apply(d, downloads, project)
        assert applied.returncode == 0, applied.stderr
        assert "Merged 2 decisions (1 accept, 1 reject)" in applied.stdout and "CleanAll" in applied.stdout

        run_clean_all(project)
        second = _outputs(clean)
        by_id = {c["id"]: c for doc, _ in second.values() for c in doc["corrections"]}
        assert by_id[flagged["id"]]["status"] == "rejected"
        assert by_id[suggested["id"]]["status"] == "accepted"
        # ... and their effect: the rejected change is undone, the accepted one made.
        assert _around(flagged, flagged["before"]) in second[flagged_doc][1]
        assert _around(suggested, suggested["after"]) in second[suggested_doc][1]
        assert _around(suggested, suggested["before"]) not in second[suggested_doc][1]

        # The new report says so, and the page forgets the decisions the run has honoured.
        open_report(d, clean / "report.html", "the new report")
        assert js(d, "return document.getElementById('pending-count').textContent") == "No decisions recorded in this page yet."
        d.find_element(By.ID, "f-q").send_keys(suggested["id"])
        d.execute_script("var s = document.getElementById('f-status'); s.value = 'all'; s.dispatchEvent(new Event('change'))")
        wait(lambda: count_text(d) == "Showing 1\u20131 of 1 corrections"
             and js(d, "return document.querySelector('#list .card').dataset.id") == suggested["id"], what="the accepted correction")
        card = d.find_element(By.CSS_SELECTOR, "#list .card").text
        assert "accepted" in card and "honoured by this run" in card
        shot({"driver": d, "shots": Path(os.environ.get("REPORT_SCREENSHOTS") or tmp_path)}, capsys, "report-after-rerun.png")
    finally:
        d.quit()


def _shot_wide(d, folder: Path, name: str, capsys) -> Path:
    return _shot(d, folder / name, capsys, width=1400, min_height=1000)


def _export_and_apply(d, downloads: Path, project: Path) -> subprocess.CompletedProcess:
    """Export the page's decisions, wait for the whole download, and merge it with ``pipeline.review apply``."""
    from selenium.webdriver.common.by import By

    d.find_element(By.ID, "export").click()
    exported = wait(lambda: [p for p in downloads.glob("review-decisions*.json") if p.stat().st_size], what="the download")[0]
    wait(lambda: json.loads(exported.read_text(encoding="utf-8")), what="a complete download")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "pipeline.review", "apply", str(exported)], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60)


def _kpis(d) -> dict:
    return js(d, "var o = {}; ['awaiting', 'accepted', 'rejected', 'flagged', 'suggested'].forEach(function (k) {"
                 " o[k] = +document.getElementById('kpi-' + k).textContent; }); return o;")


def _find_card(d, cid: str):
    from selenium.webdriver.common.by import By

    search = d.find_element(By.ID, "f-q")
    search.clear()
    search.send_keys(cid)
    time.sleep(0.3)  # the search waits 120 ms after the last key before filtering
    wait(lambda: count_text(d) == "Showing 1\u20131 of 1 corrections"
         and js(d, "return document.querySelector('#list .card').dataset.id") == cid, what=f"the correction {cid}")
    return d.find_element(By.CSS_SELECTOR, "#list .card")


def test_footnote_decisions_change_the_json_the_markdown_and_the_report(tmp_path, capsys):
    """The three footnote decisions of issue 17, each made in the page, exported, applied and re-run:

    - accepting "a footnote marker was probably stripped here" after "1993," (002) anchors a note there,
      with the text 001 prints after the same words;
    - accepting the batch's place for 003's footnote 1 (no marker; 001 anchors the same note after
      "25 June 1993,") anchors it after "1993";
    - rejecting the renumbering "®" -> "5" (003) gives the footnote its printed sign back.
    The page's counts follow each decision as it is made; after the run the report shows them honoured.
    """
    from selenium.webdriver.common.by import By

    project = tmp_path / "project"
    (project / "raw").mkdir(parents=True)
    for stem in ("001_0c83b350d768e6c1", "002_24bcb0a4a35d199b", "003_deb12b2bf5bc89c9"):
        shutil.copy2(REPO / "raw" / f"{stem}.txt", project / "raw" / f"{stem}.txt")
    shutil.copytree(REPO / "dictionaries", project / "dictionaries", ignore=shutil.ignore_patterns("review-decisions.json"))
    shutil.copy2(REPO / "luigi.cfg", project / "luigi.cfg")
    clean = project / "clean"
    shots = Path(os.environ.get("REPORT_SCREENSHOTS") or tmp_path)

    run_clean_all(project)
    doc2 = json.loads((clean / "002_24bcb0a4a35d199b.json").read_text(encoding="utf-8"))
    doc3 = json.loads((clean / "003_deb12b2bf5bc89c9.json").read_text(encoding="utf-8"))
    batch = json.loads((clean / "batch-suggestions.json").read_text(encoding="utf-8"))["suggestions"]
    lost = next(c for c in doc2["corrections"] if c["rule"] == "footnote.lost-marker" and c["before"] == "1993,")
    place = next(c for c in batch["003_deb12b2bf5bc89c9"]["corrections"] if c["rule"] == "footnote.batch-anchor")
    sign = next(c for c in doc3["corrections"] if c["rule"] == "footnote.body-number" and c["before"] == "\u00ae")
    assert (lost["status"], place["status"], sign["status"], sign["after"]) == ("suggested", "suggested", "flagged", "5")
    assert doc2["footnotes"] == [] and doc3["footnotes"][0]["anchored"] is False and doc3["footnotes"][-1]["num"] == "5"

    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    d = make_driver(downloads, tmp_path / "profile")
    try:
        open_report(d, clean / "report.html", "the report")
        _shot_wide(d, shots, "footnotes-before-1400.png", capsys)
        start = _kpis(d)
        assert start["accepted"] == start["rejected"] == 0
        # The reviewer sees what each suggestion would anchor, and the clause around it.
        card = _find_card(d, lost["id"]).text
        assert "A/CONF.157/24 (Part I), chap. III." in card and "001_0c83b350d768e6c1" in card
        assert "World Conference on Human Rights on 25 June" in card and "for enhancing genuine cooperation" in card
        expected = dict(start)
        for c, act in ((lost, "accept"), (place, "accept"), (sign, "reject")):
            _find_card(d, c["id"]).find_element(By.CSS_SELECTOR, f"[data-act={act}]").click()
            expected["accepted" if act == "accept" else "rejected"] += 1
            expected["awaiting"] -= 1
            expected[c["status"]] -= 1
            assert _kpis(d) == expected  # the counts follow each decision at once
        assert "incl. 2 not yet applied" in d.find_element(By.ID, "kpi-accepted-new").text
        d.find_element(By.ID, "f-q").clear()
        d.execute_script("var s = document.getElementById('f-status'); s.value = 'mine'; s.dispatchEvent(new Event('change'))")
        time.sleep(0.3)
        _shot_wide(d, shots, "footnotes-decided-1400.png", capsys)
        applied = _export_and_apply(d, downloads, project)
        assert applied.returncode == 0, applied.stderr
        assert "Merged 3 decisions (2 accept, 1 reject)" in applied.stdout and "match no correction" not in applied.stdout
        run_clean_all(project)

        # JSON
        doc2 = json.loads((clean / "002_24bcb0a4a35d199b.json").read_text(encoding="utf-8"))
        doc3 = json.loads((clean / "003_deb12b2bf5bc89c9.json").read_text(encoding="utf-8"))
        assert doc2["footnotes"] == [{"num": "1", "text": "A/CONF.157/24 (Part I), chap. III.", "anchored": True,
                                      "text_from": "001_0c83b350d768e6c1"}]
        pp1 = doc2["preamble"][0]
        assert [n["num"] for n in pp1["notes"]] == ["1"] and pp1["text"][:pp1["notes"][0]["offset"]].endswith("25 June 1993,")
        assert doc3["footnotes"][0] == {"num": "1", "text": "A/CONF.157/24 (Part I), chap. III.", "anchored": True}
        pp1 = doc3["preamble"][0]
        assert pp1["text"][:pp1["notes"][0]["offset"]].endswith("25 June 1993") and pp1["notes"][0]["num"] == "1"
        assert doc3["footnotes"][-1]["num"] == "\u00ae" and all(f["anchored"] for f in doc3["footnotes"])
        statuses = {c["id"]: c["status"] for doc in (doc2, doc3) for c in doc["corrections"]}
        assert (statuses[lost["id"]], statuses[place["id"]], statuses[sign["id"]]) == ("accepted", "accepted", "rejected")
        unanchored = next(c for c in doc3["corrections"] if c["rule"] == "footnote.unanchored")
        assert unanchored["status"] == "accepted" and unanchored["info"]["answered_by"] == place["id"]
        # Markdown
        md2 = (clean / "002_24bcb0a4a35d199b.md").read_text(encoding="utf-8")
        md3 = (clean / "003_deb12b2bf5bc89c9.md").read_text(encoding="utf-8")
        assert "on 25 June 1993,[^1] for enhancing" in md2 and "[^1]: A/CONF.157/24 (Part I), chap. III." in md2
        assert "on 25 June 1993[^1] for enhancing" in md3 and "[^1]: A/CONF.157/24 (Part I), chap. III." in md3
        assert "fifty-second session,[^\u00ae]" in md3 and "[^\u00ae]: See E/CN.4/2001/2" in md3 and "[^5]" not in md3
        assert "marker was not found" not in md3
        # Akoma Ntoso
        akn2 = (clean / "002_24bcb0a4a35d199b.akn.xml").read_text(encoding="utf-8")
        akn3 = (clean / "003_deb12b2bf5bc89c9.akn.xml").read_text(encoding="utf-8")
        assert '1993,<authorialNote marker="1"' in akn2 and '1993<authorialNote marker="1"' in akn3
        assert 'marker="\u00ae"' in akn3

        # The report: the decisions honoured, the counts, the footnotes anchored.
        open_report(d, clean / "report.html", "the new report")
        assert js(d, "return document.getElementById('pending-count').textContent") == "No decisions recorded in this page yet."
        d.execute_script("var s = document.getElementById('f-status'); s.value = 'all'; s.dispatchEvent(new Event('change'))")
        for c, word in ((lost, "accepted"), (place, "accepted"), (sign, "rejected")):
            text = _find_card(d, c["id"]).text
            assert word in text and "honoured by this run" in text, text
        after = _kpis(d)
        # The notice "no marker for footnote 1" is answered by the accepted place: one less to review.
        assert (after["accepted"], after["rejected"]) == (3, 1) and after["awaiting"] == expected["awaiting"] - 1
        assert d.find_element(By.ID, "kpi-accepted-new").text == ""
        d.find_element(By.ID, "f-q").clear()
        d.execute_script("document.getElementById('f-reset').click()")
        _shot_wide(d, shots, "footnotes-after-1400.png", capsys)
        d.find_element(By.ID, "tab-documents").click()
        wait(lambda: len(d.find_elements(By.CSS_SELECTOR, "#docs-body tr")) == 3, what="documents table")
        rows = {r.text.split("\n")[0]: r.text for r in d.find_elements(By.CSS_SELECTOR, "#docs-body tr")}
        assert "1 / 1" in rows["002_24bcb0a4a35d199b"] and "5 / 5" in rows["003_deb12b2bf5bc89c9"]
        assert severe_logs(d) == []
    finally:
        d.quit()

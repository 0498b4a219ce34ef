"""Bad input: every broken file fails alone, with its name and reason; the batch finishes.

One batch (``luigi --module pipeline CleanAll`` in a throw-away project) holds
two seeds and every kind of bad or awkward input, all generated here: no
binary fixture is committed.  Stage-level tests pin each message and the
limits; the batch proves the rest of the documents come out complete, the
failures land in ``clean/failed/`` and the report, and the exit status says so.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, SEEDS, make_project, run_clean_all
from pdfmake import make_pdf, resolution_pages
from pipeline.run import stages
from pipeline.extract.errors import ExtractError
from pipeline.extract.text import decode
from pipeline.preflight import Limits, check_pdf
from pipeline.settings import Settings

SCHEMA = json.loads((ROOT / "pipeline" / "schema" / "clean-document.schema.json").read_text())
SEED = SEEDS[0]  # 000: a Human Rights Council resolution with curly quotes and footnotes
SEED_TEXT = SEED.read_text(encoding="utf-8")
PAGES = resolution_pages(SEED_TEXT)
LONG_NAME = "L" * 240 + ".txt"
BAD_BYTES_NAME = b"bad\xffname.txt"  # not UTF-8: Python keeps it as a surrogate
HOSTILE_OK = "<img src=x onerror=alert(1)>.txt"  # names go into the report page
HOSTILE_FAIL = "<svg onload=alert(2)>.txt"

# file name -> bytes; `None` in FAILS/CLEANS says the case is checked separately.
def _inputs() -> dict[str, bytes]:
    pdf = make_pdf(PAGES)
    latin1 = SEED_TEXT.translate({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-"})
    return {
        "empty.txt": b"",
        "truncated.pdf": pdf[: len(pdf) // 2],
        "corrupt.pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\x00\x01garbage\x02\n"
                       b"trailer\n<< /Root 1 0 R >>\n%%EOF\n",
        "encrypted-user.pdf": make_pdf(PAGES, user_password="secret"),
        "encrypted-owner.pdf": make_pdf(PAGES, user_password=""),
        "image-bomb.pdf": make_pdf(PAGES, image=(20000, 20000)),  # 400 MB once inflated
        "junk.txt": bytes((i * 7919 + 13) % 256 for i in range(5000)),
        "junk-high.txt": bytes(range(128, 256)) * 40,  # no NUL, not UTF-8
        "latin1.txt": latin1.encode("latin-1"),
        "cp1252.txt": SEED_TEXT.encode("cp1252"),
        "utf16le.txt": SEED_TEXT.encode("utf-16"),  # with BOM
        "utf16be.txt": b"\xfe\xff" + SEED_TEXT.encode("utf-16-be"),
        "long-line.txt": (SEED_TEXT + "\n" + "of the human rights " * 52_429 + "\n").encode(),  # a 1 MB line
        "my file.txt": SEED_TEXT.encode(),
        "Резолюция 七.txt": SEED_TEXT.encode(),
        "-rf --help.txt": SEED_TEXT.encode(),
        LONG_NAME: SEED_TEXT.encode(),
        "x.pdf": pdf,
        "x.txt": SEED_TEXT.encode(),
        "x.pdf.txt": SEED_TEXT.encode(),  # would be "x.pdf" too without the clash rule
        HOSTILE_OK: SEED_TEXT.encode(),
        HOSTILE_FAIL: b"",
        "picture.png": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "archive.zip": b"PK\x03\x04" + bytes(200),
    }


# doc_id -> words its failure reason must contain
FAILS = {
    "empty": "empty file (0 bytes)",
    "truncated": "truncated PDF",
    "corrupt": "corrupt PDF",
    "encrypted-user": "encrypted PDF: it needs a password to open; supply an unencrypted copy",
    "image-bomb": "image of 20000 x 20000 pixels",
    "junk": "binary content",
    "junk-high": "binary content",
    "picture": "neither text nor PDF",
    "archive": "neither text nor PDF",
    HOSTILE_FAIL[:-4]: "empty file (0 bytes)",
}
# doc_id -> output name stem
CLEANS = {
    "000_925e479e4b378691": "000_925e479e4b378691", "001_0c83b350d768e6c1": "001_0c83b350d768e6c1",
    "encrypted-owner": "encrypted-owner", "latin1": "latin1", "cp1252": "cp1252", "utf16le": "utf16le",
    "utf16be": "utf16be", "long-line": "long-line", "my file": "my file", "Резолюция 七": "Резолюция 七",
    "-rf --help": "-rf --help", "x.pdf": "x.pdf", "x.txt": "x.txt", "x.pdf~2": "x.pdf~2",
    "bad\ufffdname": "bad\ufffdname", LONG_NAME[:-4]: stages.safe_name(LONG_NAME[:-4]),
    HOSTILE_OK[:-4]: HOSTILE_OK[:-4],
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("bad") / "project", SEEDS[:2])
    raw = project / "raw"
    for name, data in _inputs().items():
        (raw / name).write_bytes(data)
    with open(os.fsencode(raw) + b"/" + BAD_BYTES_NAME, "wb") as f:
        f.write(SEED_TEXT.encode())
    before = {p for p in project.parent.rglob("*")}
    run = run_clean_all(project)
    return project, run, before


def _read(p: Path) -> dict:
    return json.loads(p.read_text(encoding="utf-8"))


def test_batch_finishes_and_exit_status_says_some_failed(batch):
    project, run, _ = batch
    assert run.returncode == 30, run.stderr[-3000:]
    assert f"documents cleaned: {len(CLEANS)}" in run.stdout
    assert f"documents failed:  {len(FAILS)}" in run.stdout


@pytest.mark.parametrize("doc_id", sorted(FAILS))
def test_each_bad_file_fails_alone_with_its_name_reason_stage_and_hash(batch, doc_id):
    project, run, _ = batch
    record = _read(project / "clean" / "failed" / f"{doc_id}.json")
    src = next(p for p in (project / "raw").iterdir() if p.stem == doc_id)
    assert record["reason"].startswith(f"raw/{src.name}: ")
    assert FAILS[doc_id] in record["reason"]
    assert record["stage"] == "extract" and record["error"] == "ExtractError"
    assert record["input_sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert not (project / "clean" / f"{doc_id}.json").exists()
    assert f"raw/{src.name}" in run.stderr  # the log names it too


def test_failures_are_listed_in_the_report(batch):
    from pipeline.review.report import collect

    project, _, _ = batch
    rep = collect(project / "clean", crops=False)
    failed = {d.doc_id: d.failure for d in rep.docs if d.failure}
    assert sorted(failed) == sorted(FAILS)
    html = (project / "clean" / "report.html").read_text(encoding="utf-8")
    for doc_id, words in FAILS.items():
        assert json.dumps(words)[1:-1].replace("/", "\\/") in html or words in html, doc_id


@pytest.mark.parametrize("doc_id", sorted(CLEANS))
def test_every_other_document_is_complete(batch, doc_id):
    project, _, _ = batch
    clean = project / "clean"
    name = CLEANS[doc_id]
    doc = _read(clean / f"{name}.json")
    jsonschema.validate(doc, SCHEMA)
    assert doc["doc_id"] == doc_id
    assert (clean / f"{name}.md").read_text(encoding="utf-8").startswith("# ")
    assert (clean / f"{name}.akn.xml").read_bytes().startswith(b"<?xml")
    assert not (clean / "failed" / f"{name}.json").exists()


def _texts(doc: dict) -> list[str]:
    out = [p["text"] for p in doc["preamble"]]
    for p in doc["operative"]:
        out.append(p["text"])
        out.extend(it["text"] for it in p.get("items", []))
    return out + [f["text"] for f in doc["footnotes"]] + [(doc.get("closing") or {}).get("text", "")]


@pytest.mark.parametrize("doc_id", ["cp1252", "utf16le", "utf16be", "encrypted-owner", "my file", "x.txt"])
def test_other_encodings_and_containers_give_the_same_document(batch, doc_id):
    """cp1252 and UTF-16 hold every character of the seed: the result must be the seed's, word for word."""
    project, _, _ = batch
    same_as = "x.pdf" if doc_id == "encrypted-owner" else SEED.stem
    a, b = _read(project / "clean" / f"{doc_id}.json"), _read(project / "clean" / f"{same_as}.json")
    assert _texts(a) == _texts(b)
    assert (a["symbol"], a["title"], a["date"]) == (b["symbol"], b["title"], b["date"])


def test_latin1_keeps_its_accents():
    text = "Commission on Human Rights, résolution on the Côte d'Ivoire, São Tomé\n"
    assert decode(text.encode("latin-1"), "raw/x.txt") == text
    assert decode(text.encode("cp1252") + "\u2019".encode("cp1252"), "raw/x.txt") == text + "\u2019"
    assert decode(b"\xff\xfe" + text.encode("utf-16-le"), "raw/x.txt") == text


def test_megabyte_line_is_cleaned_whole(batch):
    project, _, _ = batch
    doc = _read(project / "clean" / "long-line.json")
    longest = max(_texts(doc), key=len)
    assert len(longest) > 1_000_000 and longest.count("of the human rights") >= 52_429


def test_hostile_file_names_stay_text_in_the_report(batch):
    project, _, _ = batch
    html = (project / "clean" / "report.html").read_text(encoding="utf-8")
    for raw in ("<img src=x", "<svg onload"):
        assert raw not in html


def test_file_names_never_escape_clean(batch):
    project, _, before = batch
    created = {p for p in project.parent.rglob("*")} - before
    assert created
    clean = (project / "clean").resolve()
    for p in created:
        assert p.resolve().is_relative_to(clean), p
    # names are kept, only made safe; nothing starts with a dash that was not asked for
    names = {p.name for p in (project / "clean").iterdir()}
    assert {"-rf --help.json", "Резолюция 七.json", "my file.json", "x.pdf.json", "x.txt.json", "x.pdf~2.json"} <= names


@pytest.mark.parametrize("doc_id, expected", [
    ("../../etc/passwd", "__.._etc_passwd"), ("a\\b", "a_b"), ("..", "_"), ("", "_"), ("line\nbreak", "line_break"),
    ("bad\udcffname", "bad\ufffdname"),
])
def test_safe_name_stays_in_its_folder(doc_id, expected):
    assert stages.safe_name(doc_id) == expected


def test_long_names_are_cut_and_stay_unique():
    a, b = stages.safe_name("é" * 300), stages.safe_name("é" * 301)
    assert a != b and len(a.encode()) <= stages.MAX_NAME_BYTES and len(b.encode()) <= stages.MAX_NAME_BYTES


def test_twins_and_clashing_names_get_distinct_ids():
    paths = [Path("raw/x.pdf"), Path("raw/x.txt"), Path("raw/x.pdf.txt"), Path("raw/y.txt")]
    ids = stages.doc_ids(paths)
    assert ids == {paths[0]: "x.pdf", paths[1]: "x.txt", paths[2]: "x.pdf~2", paths[3]: "y"}


# ---------------------------------------------------------------- stage level: each message, each limit
def _extract(tmp_path: Path, name: str, data: bytes, settings: Settings | None = None):
    p = tmp_path / name
    p.write_bytes(data)
    s = settings or Settings(clean_dir=tmp_path / "clean")
    return stages.extract(p, f"raw/{name}", "0" * 64, s)


@pytest.mark.parametrize("name", ["empty.txt", "truncated.pdf", "corrupt.pdf", "encrypted-user.pdf", "junk.txt",
                                  "junk-high.txt", "picture.png", "archive.zip"])
def test_stage_error_names_the_file(tmp_path, name):
    data = _inputs()[name]
    with pytest.raises(ExtractError) as e:
        _extract(tmp_path, name, data)
    assert str(e.value).startswith(f"raw/{name}: ")


def test_corrupt_pdf_with_an_end_marker_is_caught_by_structure(tmp_path):
    data = make_pdf(PAGES)
    body = data[:200] + b"\x00" * 2000 + data[2200:]  # pages' objects overwritten, xref and %%EOF intact
    with pytest.raises(ExtractError, match=r"raw/c.pdf: (corrupt|unreadable) PDF"):
        _extract(tmp_path, "c.pdf", body)


def test_named_pdf_but_not_a_pdf(tmp_path):
    with pytest.raises(ExtractError, match="named .pdf but is not a PDF"):
        _extract(tmp_path, "letter.pdf", b"Dear colleagues,\n" * 20)


def test_owner_password_only_pdf_is_read(tmp_path):
    facts = check_pdf(_write(tmp_path, "o.pdf", make_pdf(PAGES, user_password="")), "raw/o.pdf")
    assert facts.encrypted and facts.pages == len(PAGES)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_page_limit(tmp_path):
    p = _write(tmp_path, "long.pdf", make_pdf([["Page text long enough to be a text layer, page %d" % i] for i in range(30)]))
    assert check_pdf(p, "raw/long.pdf", limits=Limits(max_pages=30)).pages == 30
    with pytest.raises(ExtractError, match=r"raw/long.pdf: PDF has more than 29 pages.*max_pages"):
        check_pdf(p, "raw/long.pdf", limits=Limits(max_pages=29))
    s = Settings(clean_dir=tmp_path / "clean", extra={"preflight": {"max_pages": 10}})
    with pytest.raises(ExtractError, match="more than 10 pages"):
        stages.extract(p, "raw/long.pdf", "0" * 64, s)


def test_enormous_page_is_refused_before_rendering(tmp_path):
    p = _write(tmp_path, "poster.pdf", make_pdf(PAGES[:1], page_size=(14400, 14400)))
    with pytest.raises(ExtractError, match=r"raw/poster.pdf: page 1 is 14400 x 14400 pt.*max_page_pixels"):
        check_pdf(p, "raw/poster.pdf")


def test_content_stream_bomb_is_refused_without_inflating_it(tmp_path):
    p = _write(tmp_path, "cbomb.pdf", make_pdf(PAGES[:1], content_padding=8 << 20))
    with pytest.raises(ExtractError, match=r"raw/cbomb.pdf: page 1's content inflates to more than 4 MB"):
        check_pdf(p, "raw/cbomb.pdf", limits=Limits(max_content_bytes=4 << 20))
    assert check_pdf(p, "raw/cbomb.pdf").pages == 1  # the default limit (64 MB) lets it through


def test_image_limit_is_a_setting(tmp_path):
    p = _write(tmp_path, "img.pdf", make_pdf(PAGES[:1], image=(3000, 3000)))
    assert check_pdf(p, "raw/img.pdf").pages == 1
    with pytest.raises(ExtractError, match="3000 x 3000 pixels"):
        check_pdf(p, "raw/img.pdf", limits=Limits(max_image_pixels=1_000_000))


MEMORY_PROBE = r"""
import resource, sys, time
from pathlib import Path
from pipeline.run import stages
from pipeline.settings import Settings
t = time.time()
doc = stages.extract(Path(sys.argv[1]), "raw/big.pdf", "0" * 64, Settings(clean_dir=Path(sys.argv[2])))
print(len(doc.pages), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, round(time.time() - t, 1))
"""


def test_500_page_pdf_is_extracted_in_bounded_memory(tmp_path):
    """Peak resident memory of extracting 500 (short) pages, in a fresh process.

    The full-page figure is bench/memory_bench.py's; this guards the order of magnitude.
    """
    pages = [[f"Page {i} of the report of the Human Rights Council,", "recalling its resolutions on cooperation."]
             for i in range(1, 501)]
    p = _write(tmp_path, "big.pdf", make_pdf(pages))
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(p), str(tmp_path / "clean")],
                         capture_output=True, text=True, timeout=300, check=True)
    n, peak_mb, secs = out.stdout.split()
    print(f"500 pages: peak {peak_mb} MB, {secs} s")
    assert int(n) == 500
    assert int(peak_mb) < 500


def test_damaged_content_stream_is_not_read_as_an_empty_page(tmp_path):
    data = make_pdf(PAGES[:1], content_padding=1000)
    start = data.index(b"stream\n", data.index(b"/FlateDecode")) + len(b"stream\n")
    damaged = data[:start + 2] + b"\xff" * 40 + data[start + 42:]  # same length: xref still right
    with pytest.raises(ExtractError, match=r"raw/d.pdf: corrupt PDF: page 1's content does not decompress"):
        _extract(tmp_path, "d.pdf", damaged)

"""Every call to Tesseract for a page's words: the version check, the page reading, the markers' re-read.

The readings go to a running engine (:mod:`.engine`) where the library loads, else to the command.

``OMP_THREAD_LIMIT=1`` keeps each Tesseract process on one core so several
Luigi workers share the machine well.  A missing Tesseract or language pack is
:class:`TesseractMissing`, whose message says what to install.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from functools import lru_cache
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pytesseract  # noqa: E402
from PIL import Image  # noqa: E402

from pipeline.extract.ocr import engine  # noqa: E402


TESSERACT_CONFIG = "--oem 1 --psm 3"
MARKER_CONFIG = "--oem 1 --psm 7 -c tessedit_char_whitelist=0123456789"
INSTALL_HINT = "run scripts/setup.sh (apt-get install tesseract-ocr tesseract-ocr-{lang})"
MARKER_PAD = 45  # white between two marker crops in a strip
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


class TesseractMissing(RuntimeError):
    """Tesseract (or its language data) is not installed."""


def tesseract_version(lang: str = "eng") -> str:
    return _tesseract_version(pytesseract.pytesseract.tesseract_cmd, lang)


@lru_cache(maxsize=8)
def _tesseract_version(cmd: str, lang: str) -> str:
    """Once per process and command: `tesseract --version` and `--list-langs` are two processes."""
    if not shutil.which(cmd):
        raise TesseractMissing(f"tesseract is not installed: {INSTALL_HINT.format(lang=lang)}")
    try:
        version = str(pytesseract.get_tesseract_version())
        langs = pytesseract.get_languages(config="")
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise TesseractMissing(f"tesseract is not installed: {INSTALL_HINT.format(lang=lang)}") from exc
    missing = [part for part in lang.split("+") if part not in langs]
    if missing:
        raise TesseractMissing(
            f"tesseract language data {'+'.join(missing)} is not installed: {INSTALL_HINT.format(lang=missing[0])}")
    return version


def ocr_words(image: Image.Image, lang: str, saved: Path | None = None) -> tuple[dict, float]:
    """Tesseract's words on the page image, and the seconds they took.

    Read by a running engine (:mod:`.engine`: the command's reading, without
    its process start); where there is none, by the command, given the image
    saved at ``saved`` if it was (so pytesseract need not encode it again).
    """
    t = time.perf_counter()
    rows = engine.read("page", lang, [image]) if engine.readable(image) else None
    if rows is not None:
        data = tsv_dict(rows)
    else:
        data = pytesseract.image_to_data(str(saved) if saved is not None else image, lang=lang,
                                         config=TESSERACT_CONFIG, output_type=pytesseract.Output.DICT)
    return data, time.perf_counter() - t


def tsv_dict(texts: list[str]) -> dict:
    """``image_to_data``'s dict of the TSV the command writes for these images' readings (a header, then each)."""
    return pytesseract.pytesseract.file_to_dict(TSV_HEADER + "\n" + "".join(texts), "\t", -1)


def crops_data(crops: list, lang: str, config: str, kind: str = "crop") -> dict:
    """Image crops (numpy arrays) read by one ``tesseract`` command given the list of their images, each crop a
    page of its own (``image_to_data``'s dict): the engine's fallback where no engine process runs."""
    with tempfile.TemporaryDirectory(prefix=f"{kind}-") as tmp:
        names = []
        for k, crop in enumerate(crops):
            names.append(os.path.join(tmp, f"{kind}-{k}.png"))
            Image.fromarray(crop).save(names[-1], compress_level=1)
        listing = os.path.join(tmp, "list.txt")
        Path(listing).write_text("\n".join(names) + "\n")
        return pytesseract.image_to_data(listing, lang=lang, config=config, output_type=pytesseract.Output.DICT)


def marker_strip(crops: list[Image.Image]) -> tuple[Image.Image, list[tuple[int, int]]]:
    """One page's marker crops side by side, and where each sits (x from, x to)."""
    pad = MARKER_PAD
    height = max(c.height for c in crops) + 2 * pad
    slots, x = [], pad
    for c in crops:
        slots.append((x, x + c.width))
        x += c.width + pad
    strip = Image.new("L", (x + pad, height), 255)
    for c, (sx, _) in zip(crops, slots):
        strip.paste(c, (sx, (height - c.height) // 2))
    return strip, slots


# The heights a marker crop (enlarged to :data:`.markers.MARKER_HEIGHT`, 36 px of ink) is read at, in
# turn, a crop read as nothing read again at the next: as cut, then at 72 px, then at 29 (a photocopy's
# blocky digit Tesseract's line model gives nothing for at one height it reads at another).
READ_SCALES = (1.0, 2.0, 0.8)


def read_markers(pages: list[list[Image.Image]], lang: str) -> list[list[str]]:
    """Small raised digits, each crop read at the first of :data:`READ_SCALES`, then those read as nothing
    again at the next (not a crop whose ``info["read_again"]`` is False): all pages' crops of one height
    in one Tesseract call."""
    found = [[""] * len(crops) for crops in pages]
    for n, k in enumerate(READ_SCALES):
        todo = [[j for j, t in enumerate(texts) if not t and (n == 0 or crops[j].info.get("read_again", True))]
                for texts, crops in zip(found, pages)]
        if not any(todo):
            break
        again = _read_strips([[crops[j] if k == 1 else crops[j].resize(
            (max(1, round(crops[j].width * k)), max(1, round(crops[j].height * k))), Image.LANCZOS)
            for j in js] for crops, js in zip(pages, todo)], lang)
        for texts, js, read in zip(found, todo, again):
            for j, t in zip(js, read):
                texts[j] = t
    return found


def _read_strips(pages: list[list[Image.Image]], lang: str) -> list[list[str]]:
    """Read small raised digits: one strip per page, all pages in one Tesseract call.

    Tesseract reads each strip as one line of digits; its character boxes say
    which crop each digit came from.  Given a list of images, one Tesseract
    process reads them all as the pages of one job, so a page costs no
    process start of its own, and each strip is read exactly as if alone.
    The strips are read in a process of their own (a running engine,
    :mod:`.engine`, or else the command), never in this one: Tesseract has
    crashed on such strips (killed by SIGFPE on a 200 dpi bilevel scan), and a
    crash in another process is a ``TesseractError`` the page degrades around
    (:func:`reread_markers`), where a crash in this process would end the run.
    """
    found = [[""] * len(crops) for crops in pages]
    strips = [(k, *marker_strip(crops)) for k, crops in enumerate(pages) if crops]
    if not strips:
        return found
    boxes = engine.read("markers", lang, [strip for _, strip, _ in strips])
    boxes = _command_boxes(strips, lang) if boxes is None else "".join(boxes)
    pad = MARKER_PAD
    for row in boxes.splitlines():
        parts = row.split()
        if len(parts) < 6 or not parts[0].isdigit() or not 0 <= int(parts[5]) < len(strips):
            continue
        k, _, slots = strips[int(parts[5])]
        cx = (int(parts[1]) + int(parts[3])) / 2
        for j, (sx, ex) in enumerate(slots):
            if sx - pad / 2 <= cx <= ex + pad / 2:
                found[k][j] += parts[0]
                break
    return found


def _command_boxes(strips: list, lang: str) -> str:
    """The strips' character boxes from the ``tesseract`` command, given the list of their images."""
    with tempfile.TemporaryDirectory(prefix="markers-") as tmp:
        names = []
        for k, strip, _ in strips:
            names.append(os.path.join(tmp, f"strip-{k}.png"))
            strip.save(names[-1], compress_level=1)
        listing = os.path.join(tmp, "strips.txt")
        Path(listing).write_text("\n".join(names) + "\n")
        return pytesseract.image_to_boxes(listing, lang=lang, config=MARKER_CONFIG)


def reread_markers(pages: list[list[Image.Image]], lang: str) -> tuple[list[list[str]], str | None]:
    """:func:`read_markers`, degrading when it fails: nothing re-read, and why.

    The re-read only refines what the page's own reading gave (Tesseract's
    digits at a word's end): when it crashes (a killed or crashing Tesseract,
    a full temp disk) the page keeps its words and :func:`.markers.name_markers` falls
    back to those digits; the caller records the skipped step, and the repair
    stage flags each marker it would have checked.
    """
    try:
        return read_markers(pages, lang), None
    except Exception as exc:  # noqa: BLE001 -- any failure of a refinement step degrades it
        message = " ".join(str(exc).split())
        return [[""] * len(crops) for crops in pages], f"{type(exc).__name__}: {message[:160]}"


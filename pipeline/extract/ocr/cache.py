"""The OCR page cache: a PDF's pages read once, kept under a key of everything that changes the reading.

Each page's words, their boxes and confidences are cached under
``cache_dir/ocr/<key>/page-N.json`` next to the page image the review report
crops from, ``page-N.jpg``.  The key hashes the PDF's bytes, the dpi, the
Tesseract version, the language, the Tesseract config and the preparation
version, so a change anywhere after extraction (repair, footnotes, structure,
dictionaries) never re-runs OCR.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PIL import Image

from pipeline.extract.ocr.tesseract import TESSERACT_CONFIG, tesseract_version
from pipeline.faults import needing
from pipeline.files import atomic_file, atomic_write

PREPROCESS = "prepare/14"  # part of the cache key: it changes what Tesseract sees (3: thin strokes, re-reads; 4: a good page re-reads only words that matter; 5: doubtful words voted on across readings, a fax stretched to one resolution; 6: a grey page sprinkled with specks median-filtered and despeckled; 7: a fax's coarse rows scaled at once, softened along its rows, read once; 8: the extra reading with the other stroke treatment kept where it reads better; 9: a screened page descreened, a scan's dark border made paper; 10: a poor bilevel page read again with its letters' pieces kept; 11: lines no word covers read again line by line; 12: a capital inside a lower-case word is doubtful, never voted in; 13: a symbol-like word near the top read again, its large initial apart; 14: a vote won on votes alone needs the confidence of the page's own reading, no sign among letters taken)


def cache_key(sha256: str, dpi: int, version: str, lang: str, config: str = TESSERACT_CONFIG) -> str:
    """The OCR cache key: everything that changes Tesseract's output, nothing else."""
    raw = json.dumps([sha256, dpi, version, lang, config, PREPROCESS])
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def cache_folder(cache_dir: Path, sha256: str, dpi: int, lang: str) -> tuple[Path, str]:
    """A PDF's OCR cache folder (created) and the Tesseract version its key holds."""
    version = tesseract_version(lang)
    folder = Path(cache_dir) / "ocr" / cache_key(sha256, dpi, version, lang)
    folder.mkdir(parents=True, exist_ok=True)
    return folder, version


def load_page(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # missing, or torn by a killed run: OCR the page again


def write_page(path: Path, cached: dict) -> None:
    atomic_write(path, json.dumps(cached))  # parallel workers may read it


def save_report_image(image: Image.Image, path: Path) -> None:
    """The page as the review report shows it: JPEG, a third of PNG's encoding time and size."""
    with atomic_file(path) as f, needing(image.width * image.height):
        image.save(f, format="JPEG", quality=85)


def report_image(folder: Path, cached: dict) -> Path | None:
    """The saved page image (PNG in caches written before JPEG was used)."""
    for name in (cached.get("image"), f"page-{cached['page']}.png"):
        if name and (folder / name).exists():
            return folder / name
    return None

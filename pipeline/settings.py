"""The pipeline's settings as plain data, so stage functions can be tested without Luigi.

``pipeline.run.tasks`` fills them from ``luigi.cfg`` (sections ``[pipeline]``,
``[repair]``, ``[extract]``); tests build them directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .worktext import Thresholds

DEFAULT_DPI = 300  # the resolution scanned pages are read at: A4 is 2480 x 3508 pixels


@dataclass(frozen=True)
class Settings:
    raw_dir: Path = Path("raw")
    clean_dir: Path = Path("clean")
    dictionaries_dir: Path = Path("dictionaries")
    decisions_file: Path = Path("dictionaries/review-decisions.json")
    apply_threshold: float = Thresholds.APPLY
    flag_threshold: float = Thresholds.FLAG
    dpi: int = DEFAULT_DPI
    ocr_lang: str = "eng"
    force_ocr: bool = False
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.apply_threshold, self.flag_threshold)

    @property
    def stages_dir(self) -> Path:
        return self.clean_dir / ".stages"

    def extract_settings(self) -> dict:
        return {"dpi": self.dpi, "ocr_lang": self.ocr_lang, "force_ocr": self.force_ocr,
                "preflight": self.extra.get("preflight", {})}

    def repair_settings(self) -> dict:
        return {"apply_threshold": self.apply_threshold, "flag_threshold": self.flag_threshold}

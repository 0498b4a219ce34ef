"""The run's settings: luigi.cfg's sections ``[pipeline]``, ``[repair]``, ``[extract]`` read into :class:`Settings`.

Stage functions take the plain :class:`~pipeline.settings.Settings`; only this
module knows they come from Luigi's configuration (or its command line, as
``--pipeline-raw-dir`` and the like).
"""
from __future__ import annotations

from pathlib import Path

import luigi
import luigi.interface

from ..settings import DEFAULT_DPI, Settings


class _Section(luigi.Config):
    section = ""

    @classmethod
    def get_task_family(cls) -> str:
        return cls.section


class PipelineSection(_Section):
    section = "pipeline"
    raw_dir = luigi.Parameter(default="raw", description="folder of input documents")
    clean_dir = luigi.Parameter(default="clean", description="folder of outputs and stage caches")
    dictionaries_dir = luigi.Parameter(default="dictionaries")
    decisions_file = luigi.Parameter(default="dictionaries/review-decisions.json")
    documents_per_task = luigi.Parameter(
        default="auto", description="documents per scheduled task: 1 = each stage of each document is a task; "
        "k > 1 = groups of k documents (CleanBatch); auto = 1 up to 64 documents, then groups of up to 50")


class RepairSection(_Section):
    section = "repair"
    apply_threshold = luigi.FloatParameter(default=0.9, description="at or above: applied, not shown for review")
    flag_threshold = luigi.FloatParameter(default=0.6, description="at or above: applied and flagged; below: suggested only")


class ExtractSection(_Section):
    section = "extract"
    dpi = luigi.IntParameter(default=DEFAULT_DPI, description="resolution scanned pages are rendered at for OCR")
    ocr_lang = luigi.Parameter(default="eng")
    force_ocr = luigi.BoolParameter(default=False, description="OCR every PDF, even with a text layer")
    max_pages = luigi.IntParameter(default=2000, description="a PDF with more pages fails before it is read")
    max_page_pixels = luigi.IntParameter(default=150_000_000, description="largest page to render for OCR, in pixels")
    max_image_pixels = luigi.IntParameter(default=100_000_000, description="largest image inside a PDF, in pixels")
    max_content_bytes = luigi.IntParameter(default=64 << 20, description="largest inflated content of one page")


def settings() -> Settings:
    p, r, e = PipelineSection(), RepairSection(), ExtractSection()
    preflight = {k: getattr(e, k) for k in ("max_pages", "max_page_pixels", "max_image_pixels", "max_content_bytes")}
    return Settings(
        raw_dir=Path(p.raw_dir), clean_dir=Path(p.clean_dir), dictionaries_dir=Path(p.dictionaries_dir),
        decisions_file=Path(p.decisions_file), apply_threshold=r.apply_threshold, flag_threshold=r.flag_threshold,
        dpi=e.dpi, ocr_lang=e.ocr_lang, force_ocr=e.force_ocr, extra={"preflight": preflight},
    )


def documents_per_task_setting() -> str:
    return PipelineSection().documents_per_task


def retcode(name: str, default: int) -> int:
    """One of Luigi's exit statuses as luigi.cfg ``[retcode]`` sets it."""
    try:
        import luigi.retcodes

        return int(getattr(luigi.retcodes.retcode(), name))
    except Exception:  # noqa: BLE001
        return default


def tasks_run_in_forks() -> bool:
    """Whether Luigi runs each task in a forked process (``--workers`` above 1).

    Read from Luigi's own ``[core] workers`` (command line or luigi.cfg).  When
    it cannot be read, assume forks: the choice that is never wrong, only slower.
    """
    try:
        forced = luigi.configuration.get_config().getboolean("worker", "force_multiprocessing", False)
        return forced or int(luigi.interface.core().workers) > 1
    except Exception:  # noqa: BLE001 -- any doubt: the safe answer
        return True


def local_scheduler() -> bool:
    try:
        return bool(luigi.interface.core().local_scheduler)
    except Exception:  # noqa: BLE001
        return False


def workers() -> int:
    return int(luigi.interface.core().workers)

"""The Luigi tasks' read-ahead, until the command that launches a run makes its own and hands it in.

One :class:`~pipeline.extract.readahead.ReadAhead` for the process, behind
the functions the tasks call today (``plan`` from ``CleanAll``, ``soon`` from
``complete()``).  Nothing in extraction imports this module: extraction is
handed the object (:data:`RUN` until then).  To be removed when the tasks no
longer call it (issue 13, the ``run/`` reshape).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.extract.dispatch import read_first_scan
from pipeline.extract.readahead import ReadAhead

_settings: Any = None


def _read_first(path: Path) -> bool:
    return read_first_scan(path, options=_settings.extract_settings(), cache_dir=Path(_settings.stages_dir))


RUN = ReadAhead(_read_first)


def plan(paths: list[Path], settings: Any) -> None:
    """The batch's documents (empty, or no settings: no read-ahead)."""
    global _settings
    _settings = settings
    RUN.start(paths if settings is not None else [])


def soon(path: Path) -> None:
    """``path`` is to be extracted: read its first page now, if nothing is being read ahead yet."""
    RUN.read_now(path)

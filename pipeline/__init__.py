"""OCR cleanup and normalization of United Nations resolutions.

Run the batch with ``luigi --module pipeline CleanAll``; see README.md.
"""
from .run.tasks import CleanAll, Extract, Footnotes, Publish, Repair, Structure  # noqa: F401

__all__ = ["CleanAll", "Extract", "Repair", "Footnotes", "Structure", "Publish"]

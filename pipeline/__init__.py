"""OCR cleanup and normalization of United Nations resolutions.

Run the batch with ``uncleaner run`` or ``luigi --module pipeline CleanAll``; see README.md.

Importing the package does not import Luigi: ``from pipeline.repair import words``
works without it.  Under the ``luigi`` command (Luigi is loaded before it
imports this package) the tasks are registered here, so ``--module pipeline``
finds ``CleanAll``; elsewhere ``pipeline.CleanAll`` and the other task names
import :mod:`pipeline.run.tasks` when first asked for.  A program that imports
the package before Luigi and then runs Luigi's command line in the same
process imports :mod:`pipeline.run.tasks` itself (or Luigi first).
"""
import sys

__all__ = ["CleanAll", "Extract", "Repair", "Footnotes", "Structure", "Publish"]

if "luigi" in sys.modules and sys.modules["luigi"] is not None:
    from .run import tasks as _tasks  # noqa: F401 -- registers the tasks with Luigi


def __getattr__(name: str):
    if name in __all__:
        from .run import tasks

        return getattr(tasks, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")

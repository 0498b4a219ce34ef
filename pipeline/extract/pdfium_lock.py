"""One lock for every call into pdfium in this process.

pdfium is not thread-safe: the OCR read-ahead (:mod:`pipeline.extract.readahead`)
checks and renders the next scan in a background thread while the main thread
checks or renders another PDF, and two threads inside pdfium at once can crash
the whole process (seen as a segmentation fault in a run of three documents).
Each user takes ``PDFIUM`` around a call that opens, renders or closes, and lets
page objects die inside it (see :func:`pipeline.extract.ocr.image.page_pixels`).
"""
from __future__ import annotations

import threading

PDFIUM = threading.RLock()

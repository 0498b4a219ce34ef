"""OCR of scanned PDF pages, in the order a page goes through it.

:mod:`.pages` reads a PDF's pages (cache, pipelining, markers) with
:mod:`.image` (the page's pixels), :mod:`.tesseract` (every Tesseract call),
:mod:`.chain` (a poor reading read again), :mod:`.cache` (pages read once),
:mod:`.geometry` and :mod:`.markers` (the page's analysis) and :mod:`.layout`
(the words as layout glyphs).
"""

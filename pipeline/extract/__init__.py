"""Extraction: any input (text export, born-digital PDF, scanned PDF) into the neutral model.

:mod:`.dispatch` decides which reader reads a file; :mod:`.ocr` reads scanned pages.
"""

DEFAULT_DPI = 300  # the resolution scanned pages are read at: A4 is 2480 x 3508 pixels

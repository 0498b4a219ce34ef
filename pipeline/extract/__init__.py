"""Extraction: any input (text export, born-digital PDF, scanned PDF) into the neutral model.

:mod:`.dispatch` decides which reader reads a file; :mod:`.ocr` reads scanned pages.
"""

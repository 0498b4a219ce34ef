"""Footnote recovery, after repair and before structure.

footnotes.py: one document's footnote bodies, their markers and the links between them.
batchnotes.py: footnotes across the batch: anchored notes as evidence, suggested places for markers.
"""

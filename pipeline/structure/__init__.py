"""The structure stage: the repaired text cut into the parts of a UN document.

parts.py: header, title, preamble, operative paragraphs and sub-items, closing, annexes, emphasis spans.
citations.py: the citation grammar, the references a document makes and their targets.
citation_memory.py: resolutions' dates learned from the batch, used to check cited numbers.
citation_index.py: the batch's citations by target (clean/citations.json).
"""

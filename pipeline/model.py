"""The neutral model every extractor produces: pages of lines of styled spans.

Extraction keeps whatever layout facts its input has (position, font size,
italics, superscripts, OCR confidence) so that later stages can use them as
evidence; an input that has none (a plain text export) leaves them ``None``.

Coordinates are PDF points from the top-left corner of the page, as
pdfplumber gives them (``x0, top, x1, bottom``).  A scanned page uses the same
units, converted from pixels by the extractor.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Span:
    """A run of characters of one style inside a line: ``line.text[start:end]``."""

    start: int
    end: int
    size: float | None = None
    italic: bool = False
    bold: bool = False
    superscript: bool = False
    conf: float | None = None  # OCR word confidence, 0..1
    bbox: list[float] | None = None  # x0, top, x1, bottom


@dataclass
class Line:
    """One printed line.  ``text`` holds no line break.

    An empty ``text`` is a blank line of a text export; PDF extractors emit a
    blank line where the layout shows a paragraph break (a vertical gap).
    """

    text: str
    bbox: list[float] | None = None
    size: float | None = None  # dominant font size of the line
    spans: list[Span] = field(default_factory=list)
    heading: int | None = None  # markdown heading level, when the export marks one
    # Layout zone the extractor is sure of: "masthead" (first-page header block,
    # read for metadata), "header"/"footer" (furniture), "graphic" (a scanned emblem's
    # scraps or a speck read as words: furniture), "footnote".
    zone: str | None = None
    table: bool = False  # a row of a table: its line breaks are kept (rows never run into a sentence)


@dataclass
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
    image: str | None = None  # path of the rendered page image (scans), relative to clean/


@dataclass
class Source:
    path: str
    sha256: str
    kind: str  # text | markdown | html | pdf | scanned-pdf
    pages: int | None = None


@dataclass
class Extracted:
    doc_id: str
    source: Source
    pages: list[Page]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Extracted":
        pages = []
        for p in data["pages"]:
            lines = [
                Line(**{**ln, "spans": [Span(**s) for s in ln.get("spans", [])]})
                for ln in p["lines"]
            ]
            pages.append(Page(**{**p, "lines": lines}))
        return cls(
            doc_id=data["doc_id"],
            source=Source(**data["source"]),
            pages=pages,
            meta=data.get("meta", {}),
        )

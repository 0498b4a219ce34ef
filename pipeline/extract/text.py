"""Text exports: plain text (from PDFs or OCR), Markdown and HTML exports.

The kind is read from the content, not the file name: a ``.txt`` holding
Markdown or HTML is parsed as such.  Markup becomes layout facts of the neutral
model (``<sup>`` -> superscript span, ``*...*`` -> italic span, ``#`` -> heading,
``---`` -> page break), never text.
"""
from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from ..model import Extracted, Line, Page, Source, Span
from .errors import ExtractError

_MD_HEADING = re.compile(r"^(#{1,6})\s+")
_MD_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
_MD_INLINE = re.compile(r"<sup>(.*?)</sup>|\*\*(.+?)\*\*|\*(.+?)\*|_(.+?)_(?![A-Za-z0-9])", re.S)
# Block-level tags only: a Markdown export may carry inline <sup> too.
_HTML_TAG = re.compile(r"</?(p|div|br|html|body|h[1-6]|li|ul|ol|table|td|tr)\b[^>]*>", re.I)
_BARE_NUMBER_LINE = re.compile(r"^\s*\d{1,3}\.\s*$")


def decode(data: bytes, name: str) -> str:
    """Decode an export whatever its encoding: BOMs, UTF-8, then cp1252, then Latin-1.

    Binary junk is refused, naming the file: better a clear failure than a
    "cleaned" document made of noise.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _refuse_junk(data[3:].decode("utf-8", errors="replace"), name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _refuse_junk(data.decode("utf-16", errors="replace"), name)
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM shows NULs in every other byte; anything else is binary.
        for enc in ("utf-16-le", "utf-16-be"):
            if data[1::2].count(0) > len(data) * 0.4 or data[0::2].count(0) > len(data) * 0.4:
                try:
                    return data.decode(enc)
                except UnicodeDecodeError:
                    pass
        raise ExtractError(f"{name}: binary content (NUL bytes), not a text export")
    try:
        return _refuse_junk(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    # Latin-1 or cp1252 prose is mostly ASCII; random bytes are mostly not.
    high = sum(1 for b in data if b >= 0x80)
    if high > max(64, len(data) * 0.3):
        raise ExtractError(f"{name}: binary content ({high} of {len(data)} bytes outside ASCII and not UTF-8), "
                           "not a text export")
    return _refuse_junk(text, name)


def _refuse_junk(text: str, name: str) -> str:
    bad = sum(1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f"))
    if text and bad > max(8, len(text) * 0.02):
        raise ExtractError(f"{name}: mostly control characters ({bad} of {len(text)}), not a text export")
    return text


def detect_kind(text: str) -> str:
    """``markdown``, ``html`` or ``text``, from what the content shows."""
    lines = text.splitlines()
    if len(_HTML_TAG.findall(text)) >= 3:
        return "html"
    md_signals = sum(
        1 for ln in lines if _MD_HEADING.match(ln) or _MD_RULE.match(ln) or "<sup>" in ln or re.match(r"^\*[^*\s].*\*\s*$", ln)
    )
    if md_signals >= 2:
        return "markdown"
    nonblank = [ln for ln in lines if ln.strip()]
    if nonblank:
        bare_numbers = sum(1 for ln in nonblank if _BARE_NUMBER_LINE.match(ln))
        long_lines = sum(1 for ln in nonblank if len(ln) > 200)
        # An export from HTML: a paragraph a line, numbers on lines of their own.
        if bare_numbers >= 2 or long_lines >= max(3, len(nonblank) // 4):
            return "html"
    return "text"


def _plain_pages(text: str) -> list[Page]:
    pages = []
    for i, chunk in enumerate(text.split("\f")):
        lines = [Line(text=ln.rstrip("\r")) for ln in chunk.split("\n")]
        pages.append(Page(number=i + 1, lines=lines))
    return pages


def _md_line(raw: str) -> Line:
    heading = None
    m = _MD_HEADING.match(raw)
    if m:
        heading = len(m.group(1))
        raw = raw[m.end():]
    raw = raw.replace("\\*", "*")
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for m in _MD_INLINE.finditer(raw):
        out.append(raw[pos:m.start()])
        length += m.start() - pos
        sup, bold, italic, italic2 = m.groups()
        inner = sup if sup is not None else (bold or italic or italic2 or "")
        inner = re.sub(r"</?sup>", "", inner)
        span = Span(start=length, end=length + len(inner), superscript=sup is not None,
                    italic=(italic or italic2) is not None, bold=bold is not None)
        spans.append(span)
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(raw[pos:])
    text = "".join(out)
    if text.endswith("  "):  # markdown hard break
        text = text.rstrip()
    return Line(text=text, spans=spans, heading=heading)


def _close_multiline_emphasis(lines: list[str]) -> list[str]:
    """``*76th plenary meeting\n18 December 2007*`` -> emphasis closed on each line."""
    out = list(lines)
    for i, ln in enumerate(out):
        body = ln.rstrip()
        if not re.match(r"^\*[^*\s]", body) or body.count("*") % 2 == 0:
            continue
        for j in range(i + 1, min(i + 4, len(out))):
            nxt = out[j].rstrip()
            if not nxt:
                break
            if nxt.endswith("*") and nxt.count("*") % 2 == 1:
                out[i] = body + "*"
                for k in range(i + 1, j):
                    out[k] = "*" + out[k].rstrip() + "*"
                out[j] = "*" + nxt
                break
    return out


def _markdown_pages(text: str) -> list[Page]:
    pages = [Page(number=1)]
    for raw in _close_multiline_emphasis(text.replace("\r\n", "\n").split("\n")):
        if _MD_RULE.match(raw):
            pages.append(Page(number=len(pages) + 1))
            continue
        pages[-1].lines.append(_md_line(raw))
    return pages


class _HTMLLines(HTMLParser):
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.spans: list[Span] = []
        self.stack: list[str] = []
        self.span_start: list[tuple[str, int]] = []
        self.skip = 0

    def _len(self) -> int:
        return sum(len(b) for b in self.buf)

    def flush(self) -> None:
        text = "".join(self.buf)
        stripped = " ".join(text.split())
        if stripped or (self.lines and self.lines[-1].text):
            # Keep styled spans only when whitespace folding did not move them.
            spans = self.spans if stripped == text else []
            self.lines.append(Line(text=stripped, spans=spans))
        self.buf, self.spans = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCK:
            self.flush()
        if tag in ("sup", "i", "em", "b", "strong"):
            self.span_start.append((tag, self._len()))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag in ("sup", "i", "em", "b", "strong"):
            for i in range(len(self.span_start) - 1, -1, -1):
                if self.span_start[i][0] == tag:
                    _, start = self.span_start.pop(i)
                    end = self._len()
                    if end > start:
                        self.spans.append(Span(start=start, end=end, superscript=tag == "sup",
                                               italic=tag in ("i", "em"), bold=tag in ("b", "strong")))
                    break
        if tag in self.BLOCK:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)


def _html_pages(text: str) -> list[Page]:
    if len(_HTML_TAG.findall(text)) < 3:  # an export whose tags are already gone
        return _plain_pages(text)
    parser = _HTMLLines()
    parser.feed(text)
    parser.close()
    parser.flush()
    return [Page(number=1, lines=parser.lines)]


def extract_text(data: bytes, source: Source) -> Extracted:
    text = decode(data, source.path)
    kind = detect_kind(text)
    if kind == "markdown":
        pages = _markdown_pages(text)
    elif kind == "html":
        pages = _html_pages(text)
    else:
        pages = _plain_pages(text.replace("\r\n", "\n"))
    source.kind = kind
    source.pages = len(pages) if kind == "text" and len(pages) > 1 else None
    doc_id = source.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return Extracted(doc_id=doc_id, source=source, pages=pages)

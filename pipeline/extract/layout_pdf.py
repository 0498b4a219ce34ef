"""Page layout shared by born-digital and scanned PDFs: glyphs -> lines -> zones.

Both PDF extractors reduce a page to a list of :class:`Glyph` (a pdfplumber
character, or a Tesseract word) plus the horizontal rules found on it.  This
module turns that into the neutral model's lines, using only geometry and
style:

* rows by shared baseline; smaller glyphs raised above a row's baseline become
  superscript spans of that row ("1993,1 for");
* a row splits into separate lines where a wide horizontal gap separates
  columns ("United Nations ......... A/RES/80/37");
* zones: the *footer* and running *header* are the blocks at the page foot and
  top that a clear gap separates from the text and that show furniture
  evidence (a size other than the body's, repetition on other pages, the
  document's symbol, no words); the *footnote* zone is what lies below a short
  rule near the page foot; the first page's *masthead* is everything above the
  resolution title;
* an empty line marks a paragraph break: a vertical gap, a first-line indent,
  a hanging footnote number, or a change of zone.

Nothing here knows a sample document's strings; the masthead parser reads the
labels of the UN masthead form ("Distr.:", "Agenda item", "session").
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from pipeline import masthead
from pipeline import grammar as G
from pipeline.model import Line, Page, Span

# --- tunables (fractions of the body font size unless noted) -----------------
BASELINE_TOL = 0.22  # glyphs whose baselines differ less share a row
SUPER_MAX_RATIO = 0.82  # a superscript is at most this size of its host row
SUPER_MIN_RAISE = 0.12  # ... and its baseline is raised at least this much
SUPER_MAX_RAISE = 0.75  # ... and at most this much
OCR_SUPER_MAX_RAISE = 1.2  # ... or this much, for a marker the scan's ink showed raised
COLUMN_GAP = 2.5  # a horizontal gap wider than this splits a row into lines
SPACE_GAP = 0.25  # a gap wider than this between characters is a space
ZONE_GAP = 0.8  # furniture is separated from the text by at least this gap
PARA_GAP = 1.6  # baseline distance above this (x size) is a paragraph break
PARA_GAP_PITCH = 1.25  # in the body: above this many times the usual line pitch
INDENT = 0.8  # a first line starting this much right of the margin is indented
BAND = 0.16  # header/footer search bands, fraction of the page height


@dataclass
class Glyph:
    """One character (born-digital) or one word (OCR) with its style."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    baseline: float
    italic: bool = False
    bold: bool = False
    conf: float | None = None
    word: bool = False  # an OCR word: always a space between two words
    font: str = ""
    superscript: bool = False
    graphic: str = ""  # an emblem's scraps or a speck read as a word (pipeline.extract.ocr.graphics): its group
    line: str = ""  # an OCR word's line as Tesseract found it ("block,paragraph,line"); "" for a text layer


@dataclass
class Rule:
    """A horizontal rule: a drawn line, a thin rectangle or a row of underscores."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class RawLine:
    glyphs: list[Glyph]
    spaces: list[tuple[float, float]] = field(default_factory=list)
    zone: str | None = None
    is_rule: bool = False
    row: int = 0  # lines split from one printed row share this number
    cells: int = 1  # cells of a table row merged into this line
    label: bool = False  # its first cell is only a paragraph number or item label ("1.", "(a)")
    text: str = ""
    spans: list[Span] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def baseline(self) -> float:
        normal = [g.baseline for g in self.glyphs if not g.superscript] or [g.baseline for g in self.glyphs]
        return statistics.median(normal)

    @property
    def size(self) -> float:
        weights: Counter[float] = Counter()
        for g in self.glyphs:
            if not g.superscript:
                weights[round(g.size, 1)] += len(g.text)
        if not weights:
            for g in self.glyphs:
                weights[round(g.size, 1)] += len(g.text)
        return weights.most_common(1)[0][0]

    @property
    def starts_with_superscript(self) -> bool:
        return bool(self.glyphs) and self.glyphs[0].superscript


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    rules: list[Rule] = field(default_factory=list)
    spaces: list[Glyph] = field(default_factory=list)  # explicit space characters
    image: str | None = None
    lines: list[RawLine] = field(default_factory=list)


# --- rows and lines ------------------------------------------------------------

def body_size(pages: list[PageLayout]) -> float:
    """The most common font size, weighted by characters: the body text's size."""
    weights: Counter[float] = Counter()
    for p in pages:
        for g in p.glyphs:
            weights[round(g.size * 2) / 2] += len(g.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs in rows by shared baseline.  An OCR word joins the row of its own Tesseract line where
    that row is within reach, and never a row holding another Tesseract line that spans the same
    stretch of the page: heavy print's boxes for two tight lines can give both nearly one baseline,
    and their words were then read interleaved ("review on the activities pursuant of to his").
    Lines side by side (a masthead's columns) still share a row."""
    spans: dict[str, tuple[float, float]] = {}
    for g in glyphs:
        if g.line and not g.superscript:
            x0, x1 = spans.get(g.line, (g.x0, g.x1))
            spans[g.line] = (min(x0, g.x0), max(x1, g.x1))
    rows: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: (g.baseline, g.x0)):
        if rows:
            if g.line and not g.superscript:
                own = next((r for r in rows[-1:-4:-1] if any(h.line == g.line and not h.superscript for h in r)), None)
                if own is not None and _within(g, own[0]):
                    own.append(g)
                    continue
                if any(h.line and h.line != g.line and _overlap(spans[g.line], spans[h.line])
                       for h in rows[-1] if h.line in spans):
                    rows.append([g])
                    continue
            if _within(g, rows[-1][0]):
                rows[-1].append(g)
                continue
        rows.append([g])
    return rows


def _within(g: Glyph, ref: Glyph) -> bool:
    """``g``'s baseline near enough ``ref``'s to share its row."""
    tol = BASELINE_TOL * min(g.size, ref.size)
    if g.word and ref.word and not (g.superscript or ref.superscript):
        tol = 0.35 * min(g.size, ref.size)  # OCR baselines are estimates
    return abs(g.baseline - ref.baseline) <= tol


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two stretches (x0, x1) with half the shorter one's width in common."""
    return min(a[1], b[1]) - max(a[0], b[0]) > 0.5 * min(a[1] - a[0], b[1] - b[0])


def _attach_superscripts(rows: list[list[Glyph]]) -> list[list[Glyph]]:
    """Merge rows of small raised glyphs into the row whose text they sit in."""
    def med_size(row: list[Glyph]) -> float:
        return statistics.median(g.size for g in row)

    def med_base(row: list[Glyph]) -> float:
        return statistics.median(g.baseline for g in row)

    merged: list[list[Glyph] | None] = list(rows)
    for i, row in enumerate(rows):
        if _read_words(row):
            continue
        small = max(g.size for g in row)
        x0, x1 = min(g.x0 for g in row), max(g.x1 for g in row)
        known = all(g.superscript for g in row)  # OCR already saw these raised in the image
        # a scan's marker, raised in its own line's ink: a typewriter rolls it up by half a line,
        # more than its small type's size (a Courier page set small measures "4.5 pt")
        most = OCR_SUPER_MAX_RAISE if known and all(g.conf is not None for g in row) else SUPER_MAX_RAISE
        best = None
        for j in range(i + 1, min(i + 4, len(rows))):
            host = merged[j]
            if host is None or all(g.superscript for g in host):
                continue
            hs, hb = med_size(host), med_base(host)
            raise_ = hb - med_base(row)
            if raise_ > most * hs:
                break
            if not known and (small > SUPER_MAX_RATIO * hs or raise_ < SUPER_MIN_RAISE * hs):
                continue
            if known and raise_ <= 0:
                continue
            hx0, hx1 = min(g.x0 for g in host), max(g.x1 for g in host)
            if x1 < hx0 - 1.5 * hs or x0 > hx1 + 1.5 * hs:
                continue
            best = j
            break
        if best is not None:
            for g in row:
                g.superscript = True
            merged[best] = sorted(merged[best] + row, key=lambda g: g.x0)
            merged[i] = None
    return [r for r in merged if r]


def _read_words(row: list[Glyph]) -> bool:
    """A row of OCR words, three of them words of three letters or more read surely: a line of text,
    never a row of raised markers, whatever sizes Tesseract's boxes give it (a bold photocopy's line
    whose boxes take in the next line's ascenders measures "larger" than the line above it).  A
    barcode's unsure junk beside "Please recycle" is no such line: it still joins the barcode's row."""
    return all(g.word and g.conf is not None and not g.superscript for g in row) and \
        sum(len(_LETTERS.findall(g.text)) >= 3 and g.conf >= SURE_WORD for g in row) >= 3


SURE_WORD = 0.6  # an OCR word's confidence from which it counts as text read, not junk


_LETTERS = re.compile(r"[^\W\d_]")


def _split_columns(row: list[Glyph]) -> list[list[Glyph]]:
    row = sorted(row, key=lambda g: g.x0)
    size = statistics.median(g.size for g in row if not g.superscript) if any(
        not g.superscript for g in row) else row[0].size
    parts = [[row[0]]]
    for g in row[1:]:
        prev = parts[-1][-1]
        if g.x0 - prev.x1 > COLUMN_GAP * size + (0 if not prev.word else size):
            parts.append([g])
        else:
            parts[-1].append(g)
    return parts


def _render(line: RawLine, spaces: list[Glyph]) -> None:
    """Set line.text and line.spans from the glyphs (reading order, single spaces)."""
    glyphs = sorted(line.glyphs, key=lambda g: g.x0)
    line.glyphs = glyphs
    base = line.baseline
    size = line.size
    space_x = sorted((s.x0 + s.x1) / 2 for s in spaces
                     if abs(s.baseline - base) <= BASELINE_TOL * max(size, s.size) + 0.5
                     and line.x0 - 1 <= (s.x0 + s.x1) / 2 <= line.x1 + 1)
    text = ""
    runs: list[tuple[int, int, list[Glyph]]] = []
    for k, g in enumerate(glyphs):
        if k:
            prev = glyphs[k - 1]
            gap = g.x0 - prev.x1
            ref = min(x for x in (prev.size, g.size)) if not (prev.superscript or g.superscript) else size
            explicit = any(prev.x1 - 1.0 <= x <= g.x0 + 1.0 for x in space_x) if space_x else False
            if g.word and prev.word:
                # a note's number leads its line: a space follows it whatever OCR's boxes say
                lead = k == 1 and prev.superscript and not g.superscript
                # OCR boxes are loose: a space between words, except before punctuation Tesseract
                # cut off its word, and around a raised digit touching its word
                glued = (g.superscript or prev.superscript or g.text[:1] in ",.;:)]”’") and gap < 0.15 * size
                need = lead or not glued
            else:
                # A space glyph that leaves no visible gap is an artifact of the text
                # layer ("Non- Proliferation" printed solid): what is printed wins.
                need = (explicit and gap > 0.12 * ref) or gap > SPACE_GAP * ref
            if need and not text.endswith(" "):
                text += " "
        start = len(text)
        text += g.text
        runs.append((start, len(text), [g]))
    # merge consecutive glyphs of one style into spans
    spans: list[Span] = []
    cur: tuple[int, int, list[Glyph]] | None = None

    def style(g: Glyph):
        return (g.italic, g.bold, g.superscript, round(g.size * 2) / 2)

    for start, end, gs in runs:
        g = gs[0]
        if (cur is not None and not g.word and style(cur[2][-1]) == style(g)):
            cur = (cur[0], end, cur[2] + gs)
        else:
            if cur is not None:
                spans.append(_span(*cur))
            cur = (start, end, list(gs))
    if cur is not None:
        spans.append(_span(*cur))
    line.text = text
    line.spans = spans


def _span(start: int, end: int, gs: list[Glyph]) -> Span:
    g = gs[0]
    confs = [x.conf for x in gs if x.conf is not None]
    return Span(
        start=start, end=end, size=round(g.size, 2), italic=g.italic, bold=g.bold,
        superscript=g.superscript,
        conf=round(min(confs), 3) if confs else None,
        bbox=[round(min(x.x0 for x in gs), 2), round(min(x.top for x in gs), 2),
              round(max(x.x1 for x in gs), 2), round(max(x.bottom for x in gs), 2)],
    )


def build_lines(page: PageLayout) -> list[RawLine]:
    """Rows by baseline, superscripts attached, rows split at column gaps."""
    if not page.glyphs:
        return []
    text_glyphs = [g for g in page.glyphs if not g.graphic]
    rows = _attach_superscripts(_rows(text_glyphs)) if text_glyphs else []
    lines: list[RawLine] = _graphic_lines(page)
    for r, row in enumerate(rows):
        for part in _split_columns(row):
            ln = RawLine(glyphs=part, row=r)
            _render(ln, page.spaces)
            if not ln.text.strip():
                continue
            ln.is_rule = bool(re.fullmatch(r"_{4,}", ln.text.replace(" ", "")))
            lines.append(ln)
    return reading_order(lines)


def _graphic_lines(page: PageLayout) -> list[RawLine]:
    """An emblem's scraps (or a speck) on a line of their own in the ``graphic`` zone: furniture, never
    read into the masthead's lines.  One line per graphic, at its foot in reading order."""
    groups: dict[str, list[Glyph]] = {}
    for g in page.glyphs:
        if g.graphic:
            groups.setdefault(g.graphic, []).append(g)
    lines = []
    for k, glyphs in enumerate(groups.values()):
        bottom = max(g.bottom for g in glyphs)
        for g in glyphs:
            g.baseline = bottom
        ln = RawLine(glyphs=glyphs, zone="graphic", row=-1 - k)
        _render(ln, [])
        if ln.text.strip():
            lines.append(ln)
    return lines


def reading_order(lines: list[RawLine]) -> list[RawLine]:
    """Top to bottom; lines whose baselines nearly agree read left to right.

    Two OCR lines over the same stretch of the page are never one row, whatever their baselines: heavy
    print's boxes for a line take in the next line's ascenders, so two tight lines measure nearly one
    baseline, and the indented first line of a paragraph was read after the line below it ("owing to,
    ... is Expressing deep concern that ..."); the one whose top is higher comes first.
    """
    lines = sorted(lines, key=lambda ln: ln.baseline)
    rows: list[list[RawLine]] = []
    for ln in lines:
        near = rows and ln.baseline - rows[-1][0].baseline <= 0.3 * max(ln.size, rows[-1][0].size)
        if near and any(_stacked(ln, other) for other in rows[-1]):
            if ln.top < min(other.top for other in rows[-1]):
                rows.insert(len(rows) - 1, [ln])
            else:
                rows.append([ln])
        elif near:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: ln.x0)]


def _stacked(a: RawLine, b: RawLine) -> bool:
    """Two OCR lines over the same stretch of the page (one above the other, not side by side)."""
    ocr = all(g.conf is not None for g in a.glyphs + b.glyphs)
    return ocr and _overlap((a.x0, a.x1), (b.x0, b.x1))


# --- zones -----------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]{3,}")
SYMBOL_RE = G.SYMBOL_IN_HEAD


def _symbol(m: re.Match) -> str:
    """The symbol as printed: the Security Council's year keeps its space ("S/RES/2719 (2023)")."""
    return re.sub(r"\((\d{4})\)$", r" (\1)", m.group(0))


def _norm(text: str) -> str:
    return _DIGITS.sub("#", text.lower()).strip()


def _tokens(text: str) -> set[str]:
    return {t for t in text.split() if len(t) >= 4}


def _gap_split(lines: list[RawLine], min_gap: float, lowest_first: bool) -> list[int]:
    """Indexes i where a gap >= min_gap separates lines[:i] from lines[i:]."""
    cuts = []
    for i in range(1, len(lines)):
        above = max(ln.bottom for ln in lines[:i])
        if lines[i].top - above >= min_gap:
            cuts.append(i)
    return sorted(cuts, reverse=lowest_first)


class _Repeats:
    """Which furniture candidates recur on other pages (digits ignored)."""

    def __init__(self, pages: list[PageLayout], band_of):
        self.norms: dict[str, set[int]] = {}
        self.tokens: dict[str, set[int]] = {}
        for p in pages:
            for ln in p.lines:
                if band_of(p, ln):
                    self.norms.setdefault(_norm(ln.text), set()).add(p.number)
                    for t in _tokens(ln.text):
                        self.tokens.setdefault(t, set()).add(p.number)

    def repeats(self, page: int, ln: RawLine) -> bool:
        if len(self.norms.get(_norm(ln.text), set()) - {page}) > 0:
            return True
        return any(len(self.tokens.get(t, set()) - {page}) > 0 for t in _tokens(ln.text))


def _furniture_evidence(ln: RawLine, body: float, rep: _Repeats, page: int, symbol: str | None) -> bool:
    if _starts_note(ln) and _WORD.search(ln.text) and not _furniture_grammar(ln.text):
        return False  # a footnote whose rule is missing ("* Any changes to the list of sponsors ...")
    if abs(ln.size - body) > 0.6 or _furniture_grammar(ln.text):
        return True
    if rep.repeats(page, ln):
        return True
    if symbol and symbol in ln.text.replace(" ", ""):
        return True
    return not _WORD.search(ln.text)


def _all_furniture(block: list[RawLine], evidence: list[bool]) -> bool:
    """Is every line of a page-foot block furniture?  A line with no evidence of its own is, when it
    shares its printed row with one that has: the words printed beside a scanned barcode or QR code
    ("Please recycle", read as "Please acted" beside the barcode's "FNheat 131223")."""
    def beside(k: int) -> bool:
        a = block[k]
        return any(evidence[j] and j != k and
                   min(a.bottom, b.bottom) - max(a.top, b.top) >= 0.5 * min(a.bottom - a.top, b.bottom - b.top)
                   for j, b in enumerate(block))
    return any(evidence) and all(e or beside(k) for k, e in enumerate(evidence))


def _furniture_grammar(text: str) -> bool:
    """A job number ("25-16739 (E) 241025") or a barcode ("*2516739*"), by their grammar."""
    return bool(G.JOB_NUMBER.match(text) or G.BARCODE.match(text) or G.RECYCLE.match(text))


RULE_INDENT = 6  # a footnote rule may start this many body sizes right of the margin, if not right of its notes


def _find_footnote_rule(page: PageLayout, lines: list[RawLine], body: float,
                        margin: float) -> tuple[float, float] | None:
    """(top, bottom) of the footnote rule: a short rule at the left, followed by smaller text."""
    cands: list[tuple[float, float, float, float]] = []
    for r in page.rules:
        w = r.x1 - r.x0
        if r.bottom - r.top < 2.5 and 20 <= w <= 0.45 * page.width:
            cands.append((r.top, r.x0, r.x1, r.bottom))
    for ln in lines:
        if ln.is_rule and ln.x1 - ln.x0 <= 0.45 * page.width:
            cands.append((ln.top, ln.x0, ln.x1, ln.bottom))
    for y, x0, x1, y1 in sorted(cands):
        # a footnote rule is short, starts at (or left of) the text margin and stands alone;
        # a table's rules are long, start inside the table or repeat down the page
        if y < 0.35 * page.height or x1 - x0 > 0.3 * page.width:
            continue
        if sum(1 for _, a, b, _ in cands if abs(a - x0) < 2 and abs(b - x1) < 2) > 1:
            continue
        below = [ln for ln in lines if ln.top > y and not ln.is_rule and ln.zone is None]
        if not below:
            continue
        if x0 > margin + 0.5 * body and not (x0 <= below[0].x0 + 0.5 * body and x0 <= margin + RULE_INDENT * body):
            continue  # an indented rule leads the notes it stands over: typed underscores over "* Reissued ..."
        ocr = below[0].glyphs[0].conf is not None
        if any(_starts_note(ln) for ln in below[:3]) and (below[0].size < body - 0.6 or (
                # an OCR line's size is its ink height to half a point: smaller, led by its note's number
                below[0].size < body and ocr and _starts_note(below[0]))):
            return y, y1
        if ocr and below[0].size < body - 0.6 and _OCR_NOTE_TEXT.match(below[0].text) \
                and not _furniture_grammar(below[0].text):
            return y, y1  # a poor scan lost the raised number altogether: small text starting a sentence
        if ocr and below[0].size <= body and (_starts_note(below[0]) or _OCR_NOTE_START.match(below[0].text)) \
                and not _furniture_grammar(below[0].text) and _set_tighter(lines, y, body):
            return y, y1  # typed notes: the body's size, but set closer than the body's lines
    return None


def _set_tighter(lines: list[RawLine], y: float, body: float) -> bool:
    """Are the lines just below ``y`` set closer than the body's lines above it (or is there one line
    only, at the page's foot)?  A typewriter types its notes in the body's size, single-spaced under a
    body set wider; text running on under an underlined heading keeps the body's pitch.
    """
    def steps(run: list[RawLine]) -> list[float]:
        return sorted(b.baseline - a.baseline for a, b in zip(run, run[1:]) if 0.5 * body < b.baseline - a.baseline < 2.5 * body)

    text = [ln for ln in lines if not ln.is_rule and ln.zone is None and not _furniture_grammar(ln.text)]
    above = steps([ln for ln in text if ln.bottom <= y and abs(ln.size - body) <= 1][-8:])
    notes = []
    for ln in (ln for ln in text if ln.top > y):
        if notes and ln.top - notes[-1].bottom > 2.5 * body:
            break  # the page's foot
        notes.append(ln)
    if len(notes) == 1:
        return True
    below = steps(notes[:6])
    return len(above) >= 2 and bool(below) and below[len(below) // 2] < 0.92 * above[len(above) // 2]


def _zone_gap(lines: list[RawLine], below: float, body: float, margin: float, min_gap: float) -> float:
    """The gap that ends a footnote zone below a rule at ``below``: ``min_gap``, or on a page read
    by OCR a body line's pitch when that is wider.

    An OCR word's box is its ink, not its type size: a typewriter face's small x-height makes its
    lines look far apart for their measured size (Courier notes 9 pt apart, "6.5 pt" high).  The
    body's own line pitch above the rule is the measure then: notes are set no looser than the
    body, and the page foot's job number stands further off.
    """
    above = [ln for ln in lines if ln.bottom <= below and not ln.is_rule and ln.zone is None
             and abs(ln.size - body) <= 1]
    if any(g.conf is None for ln in above for g in ln.glyphs):
        return min_gap
    pitches = sorted(b.baseline - a.baseline for a, b in zip(above, above[1:]) if 0.8 * body < b.baseline - a.baseline < 2.5 * body)
    if len(pitches) < 3:
        return min_gap
    return max(min_gap, 0.9 * pitches[len(pitches) // 2])


def _note_like(ln: RawLine, body: float, margin: float) -> bool:
    """A footnote line: not larger than the body text, starting near the text's left margin."""
    return ln.size < body + 0.5 and ln.x0 <= margin + 8 * body


# A note's raised number a poor scan reduced to a speck: OCR reads a quote mark or a dot glued to the
# note's first word ("‘Resolution S-10/2.").
_OCR_NOTE_TEXT = re.compile(r"\W{0,2}[A-Z][a-z]+[ ,.]")  # a note's first word: "Official Records", "Resolution S-10/2."
_OCR_NOTE_START = re.compile(r"\W{0,2}[A-Z0-9]")  # a note's text, or its symbol: "A/79/272."
_OCR_NUMBER_JUNK = re.compile(r"[\u2018\u2019'`.,]\s?[A-Z][a-z]")


def _starts_note(ln: RawLine) -> bool:
    """A footnote begins with its raised number (or, if OCR lost the raise, a number and a word), or with
    the asterisks or daggers of a symbol note ("* On behalf of ...", "** Reissued for technical reasons")."""
    return ln.starts_with_superscript or bool(re.match(r"\d{1,3}\s+\S", ln.text) and ln.glyphs[0].word) \
        or bool(re.match(r"(?:\*{1,3}|[†‡])\s*[A-Z]", ln.text)) \
        or (ln.glyphs[0].conf is not None and bool(_OCR_NUMBER_JUNK.match(ln.text)))


def assign_zones(pages: list[PageLayout], body: float) -> str | None:
    """Set RawLine.zone on every page; return the document symbol if seen."""
    def top_band(p, ln):
        return ln.bottom < BAND * p.height

    def bottom_band(p, ln):
        return ln.top > (1 - BAND) * p.height

    rep_top = _Repeats(pages, top_band)
    rep_bottom = _Repeats(pages, bottom_band)
    symbol = None
    if pages and pages[0].lines:
        for ln in pages[0].lines:
            if ln.bottom < BAND * pages[0].height:
                m = SYMBOL_RE.search(ln.text.replace(" ", ""))
                if m:
                    symbol = _symbol(m)
                    break
    min_gap = ZONE_GAP * body
    # Footnotes first: below a rule, the notes are the small lines at the text's left; what a
    # scanned logo or QR code gives between them and the footer must not join them.
    margin0 = _margin([ln for p in pages for ln in p.lines], body, near=True)
    for p in pages:
        rule = _find_footnote_rule(p, p.lines, body, margin0)
        if rule is None:
            continue
        last = rule[1]
        gap = _zone_gap(p.lines, rule[1], body, margin0, min_gap)
        for ln in p.lines:
            if ln.top <= rule[0] - 0.5:
                continue
            if ln.is_rule and ln.top < rule[1]:
                ln.zone = "footnote"
            elif _note_like(ln, body, margin0):
                if ln.top - last >= gap or _furniture_grammar(ln.text):
                    break  # a gap, or the job number / barcode: below is the footer
                ln.zone = "footnote"
                last = max(last, ln.bottom)
    _zone_furniture(pages, body, symbol, rep_top, rep_bottom, min_gap)
    for p in pages:  # the job number and barcode grammar: furniture wherever the page foot prints it
        below = None
        for ln in p.lines:
            if ln.top > (1 - BAND) * p.height and ln.zone in (None, "footnote") and _furniture_grammar(ln.text):
                below = ln.top if below is None else min(below, ln.top)
        if below is not None:
            for ln in p.lines:
                if ln.top >= below - 0.5 and ln.zone in (None, "footnote") and (
                        _furniture_grammar(ln.text) or not _WORD.search(ln.text) or ln.zone is None):
                    ln.zone = "footer"
    if symbol is None:  # e.g. OCR misread the masthead's big initial: the running headers show it
        found = Counter(_symbol(m) for p in pages for ln in p.lines if ln.zone == "header"
                        for m in [SYMBOL_RE.search(ln.text.replace(" ", ""))] if m)
        if found:
            symbol = found.most_common(1)[0][0]
    for p in pages:
        rest = [ln for ln in p.lines if ln.zone is None]
        if not any(ln.zone == "footnote" for ln in p.lines):
            y = _footnote_block_without_rule(rest, body)
            if y is not None:
                for ln in rest:
                    if ln.top > y - 0.5:
                        ln.zone = "footnote"
        if p.number == 1:
            _mark_masthead(p, [ln for ln in p.lines if ln.zone is None], body)
    return symbol


def _zone_furniture(pages, body, symbol, rep_top, rep_bottom, min_gap) -> None:
    def top_band(p, ln):
        return ln.bottom < BAND * p.height

    def bottom_band(p, ln):
        return ln.top > (1 - BAND) * p.height

    for p in pages:
        lines = [ln for ln in p.lines if ln.zone is None]
        if not lines:
            continue
        # footer: lowest gap in the bottom band with furniture below it
        for i in _gap_split(lines, min_gap, lowest_first=True):
            below = lines[i:]
            if all(bottom_band(p, ln) for ln in below) and _all_furniture(
                    below, [_furniture_evidence(ln, body, rep_bottom, p.number, symbol) for ln in below]):
                for ln in below:
                    ln.zone = "footer"
                break
        # header: highest gap in the top band with furniture above it (page 1 has the masthead
        # there, unless the document is a single page cut from a longer one)
        if p.number > 1 or len(pages) == 1:
            for i in _gap_split(lines, min_gap, lowest_first=False):
                above = lines[:i]
                if all(top_band(p, ln) for ln in above) and all(
                        _furniture_evidence(ln, body, rep_top, p.number, symbol) for ln in above):
                    for ln in above:
                        ln.zone = "header"
                    break
    # What lies beyond the furniture line the other pages agree on is furniture too (a scanned
    # logo or QR code read as words sits among the first page's job number and barcode).
    foot = [min(ln.top for ln in p.lines if ln.zone == "footer") for p in pages[1:]
            if any(ln.zone == "footer" for ln in p.lines)]
    head = [max(ln.bottom for ln in p.lines if ln.zone == "header") for p in pages
            if any(ln.zone == "header" for ln in p.lines)]
    if foot:  # the first page's footer is taller (job number, barcode): learn from the others
        limit = statistics.median(foot) - 1.2 * body
        for p in pages:
            for ln in p.lines:
                if ln.zone is None and ln.top >= limit and ln.top > (1 - BAND) * p.height:
                    ln.zone = "footer"
    if len(head) >= 2:
        limit = statistics.median(head) + 0.3 * body
        for p in pages[1:]:
            for ln in p.lines:
                if ln.zone is None and ln.bottom <= limit and ln.bottom < BAND * p.height:
                    ln.zone = "header"


def _footnote_block_without_rule(lines: list[RawLine], body: float) -> float | None:
    """Fallback (a rule OCR lost): the last block of smaller lines, after a gap, led by a raised
    number, or on a scan read as notes (:func:`_reads_as_notes`)."""
    if not lines:
        return None
    i = len(lines)
    while i > 0 and lines[i - 1].size < body - 0.6:
        i -= 1
    if i == len(lines) or i == 0:
        return None
    block = lines[i:]
    if not (_starts_note(block[0]) or _reads_as_notes(block)):
        return None
    if block[0].top - lines[i - 1].bottom < ZONE_GAP * body:
        return None
    return block[0].top


# What a light threshold leaves of a note's raised number before its text: up to three characters and a
# space ("2 United Nations"), or a mark or two glued to its first word ("\u201cIbid")
_NUMBER_LEFT = re.compile(r"^(?:\S{1,3}\s+(?=\S)|[^\w\s(]{1,2}(?=\w))")


def _reads_as_notes(block: list[RawLine]) -> bool:
    """A scanned page's last block of smaller lines, two or more, of which one opens as a note does:
    with a raised number, or with a citation (``grammar.NOTE_OPENING``: "Ibid.", "United
    Nations, Treaty Series", a symbol), what is left of its number aside.  A light threshold erases
    the thin rule above the notes and breaks their small raised numbers ("“oO [74" for "1 A/79/174.",
    "“Ibid" or "Ibid" for "3 Ibid."), so neither leads the block (bilevel_thin A/RES/79/123).  OCR lines only:
    a text layer prints its rule and numbers.
    """
    if len(block) < 2 or any(ln.glyphs[0].conf is None for ln in block):
        return False
    return any(ln.starts_with_superscript or G.NOTE_OPENING.match(ln.text.lstrip())
               or G.NOTE_OPENING.match(_NUMBER_LEFT.sub("", ln.text.lstrip())) for ln in block)


def _mark_masthead(page: PageLayout, lines: list[RawLine], body: float) -> None:
    """The first page's header block: the lines the masthead grammar reads as masthead, above the title.

    Lines are handed to :func:`pipeline.masthead.read` with a block break where a
    vertical gap of more than one and a half lines opens, the layout's evidence of
    where the agenda title ends and the sponsors begin.
    """
    texts: list[str] = []
    index: list[int] = []
    for k, ln in enumerate(lines):
        if k and ln.top - lines[k - 1].bottom > 0.5 * min(ln.size, lines[k - 1].size):
            texts.append("")
            index.append(-1)
        texts.append(ln.text)
        index.append(k)
    head = masthead.read(texts)
    if not any(r in masthead.MASTHEAD_ROLES for r in head.roles):
        return
    for k, role in enumerate(head.roles):
        if index[k] >= 0 and role in masthead.MASTHEAD_ROLES:
            lines[index[k]].zone = "masthead"


def _margin(lines: list[RawLine], body: float, near: bool = False) -> float:
    """The text's left margin; ``near``: on OCR pages, the edge most lines share, lines within a point
    and a half of each other counting as one edge."""
    xs = Counter(round(ln.x0) for ln in lines if abs(ln.size - body) <= 0.6)
    if not xs:
        return min((ln.x0 for ln in lines), default=0.0)
    if near and all(g.conf is not None for ln in lines for g in ln.glyphs[:1]):
        # OCR boxes wander by a point or so: the lines of one edge fall on neighbouring points
        # (123, 124, 125), and a short column elsewhere (a masthead's) outnumbered each
        groups: list[list[int]] = []
        for x in sorted(xs):
            if groups and x - groups[-1][-1] <= 1.5:
                groups[-1].append(x)
            else:
                groups.append([x])
        return float(max(groups, key=lambda g: (sum(xs[x] for x in g), -g[0]))[0])
    # the left edge most lines share (continuation lines), not the indented first lines
    common = xs.most_common(3)
    return min(x for x, n in common if n >= common[0][1] * 0.3)


# --- paragraphs and the model ------------------------------------------------

_LABEL = re.compile(r"\(?[0-9A-Za-z]{1,4}[.)]")


def is_table_row(ln: RawLine) -> bool:
    """A row of a table (a programme of work, a budget): cells apart on one printed row, not a
    paragraph number or item label beside its text."""
    return ln.zone is None and ln.cells >= 2 and not (ln.cells == 2 and ln.label)


def merge_row_cells(lines: list[RawLine]) -> list[RawLine]:
    """Text split from one printed row (a table row) reads as one line, cells single-spaced.

    Masthead, header and footer keep their cells apart: there a row holds
    unrelated items ("United Nations" ... "A/RES/80/37").
    """
    out: list[RawLine] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.row == ln.row and prev.zone == ln.zone
                and ln.zone in (None, "footnote") and not (prev.is_rule or ln.is_rule)):
            shift = len(prev.text) + 1
            merged = RawLine(glyphs=prev.glyphs + ln.glyphs, zone=prev.zone, row=prev.row, cells=prev.cells + 1,
                             label=prev.label if prev.cells > 1 else bool(_LABEL.fullmatch(prev.text.strip())))
            merged.text = prev.text + " " + ln.text
            merged.spans = prev.spans + [
                Span(**{**s.__dict__, "start": s.start + shift, "end": s.end + shift}) for s in ln.spans]
            out[-1] = merged
        else:
            out.append(ln)
    return out


def line_pitch(pages: list[PageLayout], body: float) -> float:
    """The usual baseline distance between consecutive body lines (12 pt for 10 pt type)."""
    diffs = []
    for p in pages:
        body_lines = [ln for ln in p.lines if ln.zone is None]
        for a, b in zip(body_lines, body_lines[1:]):
            d = b.baseline - a.baseline
            if 0.8 * body < d < 2.5 * body:
                diffs.append(round(d * 2) / 2)
    if not diffs:
        return 1.2 * body
    return Counter(diffs).most_common(1)[0][0]


def _ocr_zone_pitch(lines: list[RawLine]) -> float | None:
    """The usual baseline distance of an OCR-read footnote zone's lines (None for a text layer).

    An OCR word's measured size is its ink height, small for a typewriter face: the notes' own
    pitch, not their measured size, says where a gap opens between two notes.
    """
    if len(lines) < 2 or any(g.conf is None for ln in lines for g in ln.glyphs):
        return None
    diffs = sorted(b.baseline - a.baseline for a, b in zip(lines, lines[1:]) if b.baseline > a.baseline)
    return diffs[len(diffs) // 2] if diffs else None


def to_model_lines(page: PageLayout, body: float, pitch: float | None = None) -> list[Line]:
    """Model lines in reading order, with an empty line at each paragraph break."""
    page.lines = merge_row_cells(page.lines)
    pitch = pitch or 1.2 * body
    out: list[Line] = []
    body_lines = [ln for ln in page.lines if ln.zone is None]
    margin = _margin(body_lines, body) if body_lines else 0.0
    right = max((ln.x1 for ln in body_lines), default=page.width)
    fn_lines = [ln for ln in page.lines if ln.zone == "footnote" and not ln.starts_with_superscript]
    fn_margin = _margin(fn_lines, fn_lines[0].size) if fn_lines else 0.0
    fn_pitch = _ocr_zone_pitch([ln for ln in page.lines if ln.zone == "footnote" and not ln.is_rule])
    prev: RawLine | None = None
    for ln in page.lines:
        if ln.is_rule:
            continue
        brk = False
        if prev is not None:
            if ln.zone != prev.zone:
                brk = True
            else:
                size = max(ln.size, prev.size)
                limit = PARA_GAP_PITCH * pitch if ln.zone is None else PARA_GAP * size * 1.05
                if ln.zone == "footnote" and fn_pitch:
                    limit = max(limit, PARA_GAP_PITCH * fn_pitch)
                if ln.baseline - prev.baseline > limit:
                    brk = True
                elif ln.zone is None:
                    indented = ln.x0 > margin + INDENT * body
                    prev_indented = prev.x0 > margin + INDENT * body
                    prev_short = prev.x1 < right - 3 * body
                    if indented and (not prev_indented or prev_short):
                        brk = True
                elif ln.zone == "footnote":
                    if ln.starts_with_superscript or (fn_margin and ln.x0 < fn_margin - 1.5):
                        brk = True
        elif ln.zone is None and body_lines and ln.x0 > margin + INDENT * body:
            brk = True  # a new paragraph starts at the top of the page
        if brk and out and out[-1].text != "":
            out.append(Line(text="", zone=ln.zone if prev is not None and prev.zone == ln.zone else None))
        elif brk and not out:
            out.append(Line(text="", zone=None))
        out.append(Line(
            text=ln.text,
            bbox=[round(ln.x0, 2), round(ln.top, 2), round(ln.x1, 2), round(ln.bottom, 2)],
            size=round(ln.size, 2),
            spans=ln.spans,
            zone=ln.zone,
            table=is_table_row(ln),
        ))
        prev = ln
    return out


def layout_document(pages: list[PageLayout]) -> tuple[list[Page], dict]:
    """Lines, zones and paragraph breaks for a whole document; returns pages and meta."""
    for p in pages:
        p.lines = build_lines(p)
    body = body_size(pages)
    symbol = assign_zones(pages, body)
    pitch = line_pitch(pages, body)
    out = []
    for p in pages:
        out.append(Page(number=p.number, lines=to_model_lines(p, body, pitch),
                        width=round(p.width, 2), height=round(p.height, 2), image=p.image))
    meta = parse_masthead([ln.text for ln in (pages[0].lines if pages else []) if ln.zone == "masthead"])
    if symbol and "symbol" not in meta:
        meta["symbol"] = symbol
    meta["body_size"] = body
    meta["line_pitch"] = pitch
    return out, meta


# --- masthead metadata ---------------------------------------------------------

def parse_masthead(lines: list[str]) -> dict:
    """Metadata from the masthead lines (the grammar of :mod:`pipeline.masthead`), under extraction's keys.

    >>> parse_masthead(["A/RES/80/37", "Distr.: General", "3 December 2025", "Eightieth session"])["date"]
    '2025-12-03'
    """
    f = masthead.facts_by_shape(lines, agenda_title=True)
    meta: dict = {}
    for key, src in (("symbol", "symbol"), ("distribution", "distribution"), ("date", "distribution_date"),
                     ("session", "session"), ("agenda_item", "agenda_item"), ("agenda_title", "agenda_title"),
                     ("adopted", "adopted"), ("adopted_by", "organ"), ("committee_report", "committee_report")):
        if f.get(src):
            meta[key] = f[src]
    return meta

"""Citations: every reference to another UN resolution, decision or document, resolved to a symbol.

The whole citation grammar lives here (patterns first, then pure functions).
A citation is found in one block of clean text (a paragraph, an item, a
footnote, an annex paragraph) and never changes that text:

    "Recalling its resolution 62/160 of 18 December 2007"   (General Assembly text)
    -> {"text": "resolution 62/160", "kind": "resolution", "target": "A/RES/62/160", "date": "2007-12-18"}

``target`` is set only when the citation and its context determine it:

- the number's shape names some organs by itself: ``2417 (2018)`` is the
  Security Council's (S/RES/2417(2018)); ``217 A (III)`` is an Assembly
  resolution of a session numbered in roman (A/RES/217(III));
- an organ printed before the word (``Human Rights Council resolution 19/33``,
  ``Commission on Human Rights resolution 2005/54``), or after it (``resolution
  2000/22 ... by the Sub-Commission on ...``);
- a short form (``Council resolution 19/33``) is read by the number's shape:
  a session number is the Human Rights Council's, a year the Economic and
  Social Council's, ``N (YYYY)`` the Security Council's;
- ``its resolution`` is the subject's: the organ just named (``the Human Rights
  Council in its resolution 39/2``), else the document's own organ; an
  unqualified ``resolution 55/2`` is the document's own organ's too;
- a document symbol is itself (``A/CONF.157/24 (Part I)``).

Anything else keeps ``target: null``: an organ this grammar does not know
(``Governing Council decision 27/2``), a short form the shape does not settle
(``Commission resolution 60/2``), a number shape no organ here uses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from .. import grammar as G
from ..grammar import MONTHS, iso_date

# ---------------------------------------------------------------- the grammar
# Organs, by their printed names (longest first), and the symbol series of
# their resolutions and decisions.  A number's shape picks the row.
GA, SC, ECOSOC, HRC, CHR, SUBCOM, UNEA = "GA", "SC", "ECOSOC", "HRC", "CHR", "SUBCOM", "UNEA"
ORGAN_NAMES = [
    ("General Assembly", GA),
    ("Security Council", SC),
    ("Economic and Social Council", ECOSOC),
    ("Human Rights Council", HRC),
    ("Commission on Human Rights", CHR),
    ("Sub-Commission on the Promotion and Protection of Human Rights", SUBCOM),
    ("Subcommission on the Promotion and Protection of Human Rights", SUBCOM),
    ("Sub-Commission on Prevention of Discrimination and Protection of Minorities", SUBCOM),
    ("United Nations Environment Assembly", UNEA),
    ("Environment Assembly", UNEA),
]
# series[(organ, kind, shape)] -> symbol template
SERIES = {
    (GA, "resolution", "session"): "A/RES/{session}/{n}",
    (GA, "decision", "session"): "A/DEC/{session}/{n}",
    (GA, "resolution", "special"): "A/RES/{session}/{n}",
    (GA, "resolution", "roman"): "A/RES/{n}({session})",
    (HRC, "resolution", "session"): "A/HRC/RES/{session}/{n}",
    (HRC, "decision", "session"): "A/HRC/DEC/{session}/{n}",
    (HRC, "resolution", "special"): "A/HRC/RES/{session}/{n}",
    (SC, "resolution", "year"): "S/RES/{n}({session})",
    (ECOSOC, "resolution", "yearly"): "E/RES/{session}/{n}",
    (ECOSOC, "decision", "yearly"): "E/DEC/{session}/{n}",
    (ECOSOC, "resolution", "roman"): "E/RES/{n}({session})",
    (CHR, "resolution", "yearly"): "E/CN.4/RES/{session}/{n}",
    (CHR, "decision", "yearly"): "E/CN.4/DEC/{session}/{n}",
    (SUBCOM, "resolution", "yearly"): "E/CN.4/SUB.2/RES/{session}/{n}",
    (SUBCOM, "decision", "yearly"): "E/CN.4/SUB.2/DEC/{session}/{n}",
    (UNEA, "resolution", "session"): "UNEP/EA.{session}/Res.{n}",
    (UNEA, "decision", "session"): "UNEP/EA.{session}/Dec.{n}",
}
# The organ a bare "Council" is, by the shape of the number that follows.
COUNCIL_BY_SHAPE = {"session": HRC, "special": HRC, "yearly": ECOSOC, "year": SC}
# The organ whose resolutions a document's own organ line means.
ORGAN_OF_DOCUMENT = {"General Assembly": GA, "Human Rights Council": HRC, "Security Council": SC,
                     "Economic and Social Council": ECOSOC}

ROMAN = r"[IVXL]+"
# A resolution or decision number, by shape (named groups say which).
NUMBER = (
    r"(?:(?P<sc>\d{1,4})\s?\((?P<sc_year>(?:19[4-9]|20[0-9])\d)\)"  # 2417 (2018)
    r"|(?P<old>\d{1,4})(?:\s?[A-H](?:-[A-H])?)?\s?\((?P<old_session>(?:S-|ES-)?" + ROMAN + r")\)"  # 217 A (III), 3201 (S-VI)
    r"|(?P<special>(?:ES|S)-\d{1,2})/(?P<special_n>\d{1,3})"  # ES-10/19, S-26/2
    r"|(?P<cp>\d{1,2}/(?:CP|CMP|CMA|COP|MOP)\.\d{1,2})"  # 1/CP.21 (treaty bodies: no UN symbol)
    r"|(?P<session>\d{1,4})/(?P<n>\d{1,4})(?![\d/])(?P<part>\s[A-Z]{1,2}(?![\w/’'.-]|\.\w))?"  # 62/160, 2005/54, 68/247 B, 53/77 AA
    r")"
)
NUMBER_RE = re.compile(NUMBER)
DATE = rf"(?P<day>\d{{1,2}})\s+(?P<month>{MONTHS})\s+(?P<year>\d{{4}})"
# "resolution(s)" / "decision(s)" and the first number.
HEAD_RE = re.compile(rf"\b(?P<word>[Rr]esolutions?|[Dd]ecisions?)\s+(?=(?:{NUMBER}))")
# After a number: its date, then what joins the next number of a list.
OF_DATE_RE = re.compile(rf"\s+of\s+{DATE}\b")
# A list member followed by what it is about ("70/193 of 22 December 2015 on the
# proclamation of ..., 74/214 of 19 December 2019 on ..."): skipped only when the
# next member is a number with its own date.
ABOUT_JOIN_RE = re.compile(r"\s+(?:on|entitled|concerning|regarding)\s[^;]{1,300}?,\s+(?:and\s+)?(?=(?:"
                           + NUMBER + rf")\s+of\s+{DATE})")
LIST_JOIN_RE = re.compile(r"(?:\s*,\s*(?:and\s+|as well as\s+)?|\s+and\s+|\s+or\s+)(?=(?:" + NUMBER + r"))")

# A UN document symbol as cited (the grammar's CITED_SYMBOL variant: more series than a masthead prints).
SYMBOL_RE = G.CITED_SYMBOL
# "Part I" of a symbol belongs to the symbol's target, as printed in the schema.
ORGAN_AFTER_RE = re.compile(r"[^;.]{0,160}?\bby the (?P<organ>" + "|".join(re.escape(n) for n, _ in ORGAN_NAMES) + r")\b")
ITS_SUBJECT_RE = re.compile(
    r"(?:the\s+)?(?P<organ>" + "|".join(re.escape(n) for n, _ in ORGAN_NAMES)
    + r"|Council|Assembly)(?:[,\s]+(?:\w+\s+){0,4})?\s*(?:in|by|through|under)\s+its\s+$"
)
# "the resolutions of the Human Rights Council, the most recent of which being resolutions 59/2 ...":
# the organ named with the series the citation continues.
SERIES_OF_RE = re.compile(
    r"\b(?:resolutions|decisions)\b[^;]{0,40}? of the (?P<organ>" + "|".join(re.escape(n) for n, _ in ORGAN_NAMES)
    + r")\b[^;]{0,60}?(?:the (?:latest|most recent) of which(?: (?:being|was|is|were|are))?|including|in particular)\s+$"
)
# Capitalised words that name an organ this grammar does not resolve when they
# stand right before "Council", "Assembly" etc. (Governing Council, Executive Board).
OTHER_ORGAN_WORD = re.compile(r"(?:Council|Assembly|Commission|Board|Committee|Conference|Parties|Forum|Organization)$")
ORGAN_ADJECTIVES = {"Governing", "Managing", "Coordinating", "Standing", "Organizing", "United", "Joint", "Executive"}
# Capitalised words that open a sentence before a citation, not part of a name ("See resolution 55/2").
SENTENCE_WORDS = {"See", "Also", "In", "By", "Under", "The", "That", "Further", "And", "Pursuant", "Recalling",
                  "Resolution", "Resolutions", "Decision", "Decisions", "Cf.", "Its", "Their", "Both", "Of"}
SENTENCE_OPENERS = re.compile(r"^(?:[A-Z][a-z]+(?:ing|s|ed))$")  # "Recalling", "Recalls", "Concerned"


@dataclass(frozen=True)
class Citation:
    """One citation in one block's text: ``text[start:end]`` is what is printed."""

    start: int
    end: int
    text: str
    kind: str  # resolution | decision | document | other
    target: str | None
    date: str | None
    number: str | None = None  # as the grammar read it: 62/160, 2417 (2018), 217 A (III)
    organ: str | None = None  # GA, SC, ... when resolved

    def as_reference(self, block: str) -> dict[str, Any]:
        return {"block": block, "offset": self.start, "length": self.end - self.start, "text": self.text,
                "target": self.target, "kind": self.kind, "date": self.date}


# ---------------------------------------------------------------- finding
def shape_of(m: re.Match) -> tuple[str, str, str]:
    """(shape, session-or-year, number) of a NUMBER match."""
    if m.group("sc"):
        return "year", m.group("sc_year"), m.group("sc")
    if m.group("old"):
        return "roman", m.group("old_session"), m.group("old")
    if m.group("special"):
        return "special", m.group("special"), m.group("special_n")
    if m.group("cp"):
        return "treaty", "", m.group("cp")
    session = m.group("session")
    n = m.group("n") + (" " + m.group("part").strip() if m.group("part") else "")
    return ("yearly" if len(session) == 4 else "session"), session, n


def target_for(organ: str | None, kind: str, shape: str, session: str, n: str) -> str | None:
    """The symbol of resolution/decision ``n`` of ``session`` of ``organ``, or None if not determined."""
    if organ is None:
        return None
    if shape == "session" and not 1 <= int(session) <= 99:
        return None  # "resolution 150/3": no organ numbers its sessions that far
    if organ == GA and shape == "session" and int(session) < 31:
        return None  # the Assembly numbered "session/number" from its thirty-first session (1976) on
    if shape == "yearly" and not 1946 <= int(session) <= 2099:
        return None
    template = SERIES.get((organ, kind, shape))
    return template.format(session=session, n=n) if template else None


def _organ_before(text: str, pos: int) -> tuple[str | None, bool, bool]:
    """What stands before the word "resolution": (organ, named?, unknown organ?).

    ``named`` is True when words before the citation name its organ (fully or
    as a short form); ``unknown`` when they name an organ the grammar does not
    know (then nothing may be resolved).
    """
    before = text[max(0, pos - 200):pos].rstrip()
    before = re.sub(r"(?:[’']s)$", "", before)  # "the Council's resolution"
    for name, organ in ORGAN_NAMES:
        if before.endswith(name):
            return organ, True, False
    m = re.search(r"(?:(?P<lead>^|.*?[.;:,(]\s*|.*\s)(?P<prev>\S+)\s+)?(?P<word>\S+)$", before, re.S)
    if not m:
        return None, False, False
    word, prev = m.group("word"), m.group("prev") or ""
    if word in ("its", "their"):
        return "its", True, False
    if not word[0].isupper():
        return None, False, False
    lead = (m.group("lead") or "").rstrip()
    starts = not prev or prev[-1] in ".;:"  # the word opens the block or a sentence: "Recalling resolution"
    if word[-1] in ",;:.)":
        return None, False, False
    if OTHER_ORGAN_WORD.search(word):
        if prev and prev[-1] in ",;:.)":
            prev = ""  # "of the General Assembly, Assembly decision 79/540": a new name starts here
        opener = SENTENCE_OPENERS.match(prev) and prev not in ORGAN_ADJECTIVES and (not lead or lead[-1] in ".;:")
        if prev and prev[0].isupper() and not opener and prev not in ("The", "That", "Further", "Also"):
            return None, True, True  # "Governing Council decision 27/2", "Executive Board decision"
        if word == "Council":
            return "Council", True, False
        if word == "Assembly":
            return GA, True, False
        return None, True, True  # "Commission resolution 60/2": which commission is not printed here
    if starts or word in SENTENCE_WORDS:
        return None, False, False
    # Another capitalised word right before the citation ends a name the grammar does not know:
    # "Conference of the Parties to the ... Convention against Transnational Organized Crime resolution 12/4"
    return None, True, True


def _organ_of_its(text: str, pos: int, own: str | None) -> str | None:
    """"its resolution": the organ just named as the subject, else the document's own."""
    before = text[max(0, pos - 160):pos]
    m = ITS_SUBJECT_RE.search(before)
    if m:
        name = m.group("organ")
        if name == "Council":
            return "Council"
        if name == "Assembly":
            return GA
        return dict(ORGAN_NAMES)[name]
    return own


def _resolve(organ: str | None, kind: str, shape: str, session: str, n: str,
             named: bool = True) -> tuple[str | None, str | None]:
    if organ == "Council":
        organ = COUNCIL_BY_SHAPE.get(shape)
    if shape == "year" and (organ is None or not named):  # only the Security Council numbers its resolutions "N (YYYY)"
        organ = SC
    return target_for(organ, kind, shape, session, n), organ


def find_citations(text: str, *, own_organ: str | None = None) -> list[Citation]:
    """Every citation in one block of clean text, in order.

    ``own_organ`` (GA, HRC, ...) is the organ of the document: what an
    unqualified "resolution 55/2" or "its resolution" means.
    """
    out: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for head in HEAD_RE.finditer(text):
        word = head.group("word")
        kind = "decision" if word.lower().startswith("decision") else "resolution"
        organ, named, unknown = _organ_before(text, head.start())
        its = organ == "its"
        if its:
            organ = _organ_of_its(text, head.start(), own_organ)
        elif not named:
            series = SERIES_OF_RE.search(text, max(0, head.start() - 200), head.start())
            if series:
                organ, named = dict(ORGAN_NAMES)[series.group("organ")], True
        pos = head.end()
        first = True
        while True:
            m = NUMBER_RE.match(text, pos)
            if not m:
                break
            shape, session, n = shape_of(m)
            number_end = m.end()
            this_organ = organ
            if not named and not unknown:
                this_organ = own_organ if shape in ("session", "special", "roman") else None
                if shape == "yearly":
                    after = ORGAN_AFTER_RE.match(text, number_end)
                    this_organ = dict(ORGAN_NAMES)[after.group("organ")] if after else (own_organ if own_organ == ECOSOC else None)
            if unknown or shape == "treaty":
                target, resolved = None, None
            else:
                target, resolved = _resolve(this_organ, kind, shape, session, n, named=named and not its)
            date = None
            d = OF_DATE_RE.match(text, number_end)
            if d:
                date = _iso(d)
            start = head.start() if first else m.start()
            out.append(Citation(start, number_end, text[start:number_end], kind, target, date,
                                number=m.group(0), organ=resolved))
            taken.append((start, number_end))
            first = False
            pos = d.end() if d else number_end
            j = LIST_JOIN_RE.match(text, pos) or (ABOUT_JOIN_RE.match(text, pos) if d else None)
            if not j or re.search(r"\b(?:[Rr]esolutions?|[Dd]ecisions?)\b", text[pos:j.end()]):
                break
            pos = j.end()
    for m in SYMBOL_RE.finditer(text):
        start, end = m.span()
        symbol = m.group("symbol")
        if not re.search(r"\d", symbol) or any(s < end and start < e for s, e in taken):
            continue
        # A symbol ends at its last part: "A/67/53." keeps its period out, "E/2001/2-E/CN.4/..." splits.
        target = symbol + (m.group("part") or "")
        kind = "resolution" if "/RES/" in symbol else "decision" if "/DEC/" in symbol else "document"
        out.append(Citation(start, end, text[start:end], kind, target, None, number=symbol))
    out.sort(key=lambda c: c.start)
    return out


def _iso(m: re.Match) -> str | None:
    try:
        import datetime as _dt

        iso = iso_date(m.group("day"), m.group("month"), m.group("year"))
        _dt.date.fromisoformat(iso)
        return iso
    except ValueError:
        return None


# ---------------------------------------------------------------- documents
def own_organ(doc: dict[str, Any]) -> str | None:
    """The document's organ for its unqualified citations: its organ line, else its symbol's series."""
    organ = ORGAN_OF_DOCUMENT.get(doc.get("organ") or "")
    if organ:
        return organ
    symbol = doc.get("symbol") or ""
    if symbol.startswith("A/HRC/"):
        return HRC
    if symbol.startswith("A/"):
        return GA
    if symbol.startswith("S/"):
        return SC
    if symbol.startswith("E/") and not symbol.startswith("E/CN."):
        return ECOSOC
    return None


def blocks(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(block id, text) of every block a citation may stand in, in reading order."""

    def walk(paras: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
        for p in paras:
            yield p["id"], p["text"]
            yield from walk(p.get("items") or [])

    yield from walk(doc.get("preamble") or [])
    yield from walk(doc.get("operative") or [])
    for a in doc.get("annexes") or []:
        yield from walk(a.get("paragraphs") or [])
    for f in doc.get("footnotes") or []:
        yield f"fn{f['num']}", f["text"]


def find_references(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``references`` of a canonical document: every citation of every block."""
    organ = own_organ(doc)
    return [c.as_reference(block) for block, text in blocks(doc) for c in find_citations(text, own_organ=organ)]

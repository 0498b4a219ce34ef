"""Akoma Ntoso 3.0 export of a canonical document (AKN4UN ``statement``).

``clean/<doc_id>.json`` (schema ``clean-document/1``) becomes
``clean/<doc_id>.akn.xml``:

- ``meta/identification``: FRBR Work, Expression and Manifestation, with
  AKN4UN IRIs ``/akn/un/statement/deliberation/<actor>/<date>/<number>``;
- ``preface``: what the header block gave (organ, symbol, distribution,
  session, agenda item, committee report) and the title line
  (``docNumber`` + ``docTitle``);
- ``preamble``: ``formula name="enactingFormula"``, then one ``container``
  per preambular paragraph, named after its opening participle;
- ``mainBody``: one ``paragraph`` per operative paragraph (``num`` +
  ``content``); sub-paragraphs as ``intro`` + ``list``/``point``;
- ``authorialNote marker=".." placement="bottom"`` exactly where the marker
  was printed (``notes[].offset``), holding the footnote text;
- ``conclusions``: the closing line, with the meeting and the ``docDate``.

Nothing is invented.  A value the JSON does not have is left out, and where
Akoma Ntoso requires one anyway (the FRBR dates) the gap is stated in
``meta/notes`` and in the ``name`` of the date (see :func:`work_date`).
Footnotes whose marker could not be placed (``anchored: false``) keep their
text in ``meta/notes`` as ``note`` elements referring to the concept
``#unanchoredFootnote``: they are part of the document, but have no place in
the text flow.

Public functions: :func:`to_akn` (document -> element tree),
:func:`export_bytes` (document -> serialized XML + problems),
:func:`validate` (XML -> XSD errors), :func:`read_back` (XML -> the texts
and notes, for the round-trip test) and :func:`check_document` (the
inconsistencies in a canonical JSON that the export had to work around).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from lxml import etree

from .. import grammar as G

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
# Our own namespace for the few facts AKN has no element for (source file
# and hash in meta/proprietary).  Allowed by the XSD's ##other wildcards.
UNCL_NS = "urn:un-resolution-cleaner:akn:1"
NSMAP = {None: AKN_NS, "uncl": UNCL_NS}

SCHEMA_PATH = Path(__file__).parent.parent / "schema" / "akomantoso30.xsd"

# Who made the markup: the ``source`` of identification, references, notes.
PRODUCER_ID = "uncleaner"
PRODUCER_NAME = "un-resolution-cleaner"

# Emanating actor of the Work IRI, AKN4UN style ("un-ga" as in the AKN4UN
# guidelines' example /akn/un/collection/publication/un-ga/...).  An organ not
# listed here gets no actor segment (the segment is optional in AKN4UN).
ORGAN_ACTORS = {
    "General Assembly": "un-ga",
    "Security Council": "un-sc",
    "Economic and Social Council": "un-ecosoc",
    "Human Rights Council": "un-hrc",
    "Trusteeship Council": "un-tc",
}

# Words that may precede the participle of a preambular paragraph
# ("Further recalling", "Deeply concerned", "Also noting").
_PRE_PARTICIPLE = G.BEFORE_PARTICIPLE
_WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*", re.UNICODE)
_MONTHS = G.MONTH_NAMES
# Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR,
# surrogates, U+FFFE/U+FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _q(tag: str) -> str:
    return f"{{{AKN_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _q(tag), {k.rstrip("_"): v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


# ---------------------------------------------------------------------------
# Problems: what the export had to work around, reported, never silent.

@dataclass
class Export:
    """A serialized document and the list of what could not be carried over as is."""

    xml: bytes
    problems: list[str] = field(default_factory=list)


class _Problems(list):
    def add(self, msg: str) -> None:
        if msg not in self:
            self.append(msg)


def _clean_text(s: str, where: str, problems: _Problems) -> str:
    """Text as is, except characters XML 1.0 cannot hold: U+FFFD, recorded."""
    if _XML_INVALID.search(s):
        problems.add(f"{where}: characters XML cannot hold replaced by U+FFFD: "
                     + ", ".join(sorted({f"U+{ord(c):04X}" for c in _XML_INVALID.findall(s)})))
        return _XML_INVALID.sub("\ufffd", s)
    return s


# ---------------------------------------------------------------------------
# Identification

def _iso_date(value: Any) -> str | None:
    """``value`` if it is an ISO date (YYYY-MM-DD) that exists, else None."""
    if not isinstance(value, str):
        return None
    try:
        return _dt.date.fromisoformat(value).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def work_date(doc: dict) -> tuple[str | None, str]:
    """The date that names the Work, and what that date is.

    The adoption date (``date``, or the closing line's date) when known;
    otherwise the distribution date of the header (a draft such as
    A/HRC/25/L.3 is dated by its distribution); otherwise ``(None,
    "unknown")``: no document date is printed, and none is made up.
    """
    adoption = (_iso_date(doc.get("date")) or _iso_date((doc.get("closing") or {}).get("date"))
                or _iso_date((doc.get("header") or {}).get("adopted")))
    if adoption:
        return adoption, "adoption"
    distributed = _iso_date((doc.get("header") or {}).get("distribution_date"))
    if distributed:
        return distributed, "distribution"
    return None, "unknown"


def _iri_number(doc: dict) -> str:
    """The Work IRI's number: the symbol (A-RES-62-160, as in AKN4UN's
    example), else the resolution number (62-160), else "nn" (AKN's "no
    number")."""
    symbol = doc.get("symbol")
    if isinstance(symbol, str) and symbol.strip():
        return re.sub(r"[^A-Za-z0-9.\-]+", "-", symbol.strip().replace("/", "-")).strip("-")
    number = doc.get("number")
    if isinstance(number, str) and re.fullmatch(r"\d+/\d+", number.strip()):
        return number.strip().replace("/", "-")
    return "nn"


def work_iri(doc: dict) -> str:
    """``/akn/un/statement/deliberation/<actor>/<date>/<number>``.

    The date segment is the literal ``unknown`` when no document date is
    known (an IRI segment is a string; an FRBRdate is not, see notes)."""
    date, _ = work_date(doc)
    parts = ["", "akn", "un", "statement", "deliberation"]
    actor = ORGAN_ACTORS.get(doc.get("organ") or "")
    if actor:
        parts.append(actor)
    parts += [date or "unknown", _iri_number(doc)]
    return "/".join(parts)


def _identification(meta: etree._Element, doc: dict, generated: str | None, notes: list[str]) -> None:
    work = work_iri(doc)
    expr = work + "/eng@"
    date, date_name = work_date(doc)
    organ = doc.get("organ")
    actor = ORGAN_ACTORS.get(organ or "")
    author = f"#{actor}" if actor else ("#organ" if organ else "#unknownAuthor")
    if date is None and generated is None:
        generated = _dt.date.today().isoformat()
    if date is None:
        notes.append(
            "No document date (adoption, closing or distribution) is known for this "
            "document. Akoma Ntoso requires a date in every FRBRdate, so the Work and "
            "Expression FRBRdate hold the date this markup was generated, with "
            'name="unknown; markup generation date"; it is not a date of the document. '
            "The Work IRI has the segment 'unknown' in place of a date.")
    if not organ:
        notes.append("The organ is not printed in the source (or was not found): "
                     "FRBRauthor points to #unknownAuthor.")

    # the work's and the expression's date: the adoption date, or say it is unknown
    frbr_date = {"date": date, "name": date_name} if date else {"date": generated, "name": "unknown; markup generation date"}
    ident = _sub(meta, "identification", source=f"#{PRODUCER_ID}")
    w = _sub(ident, "FRBRWork")
    _sub(w, "FRBRthis", value=work + "/!main")
    _sub(w, "FRBRuri", value=work)
    if doc.get("symbol"):
        _sub(w, "FRBRalias", value=doc["symbol"], name="symbol")
    _sub(w, "FRBRdate", **frbr_date)
    _sub(w, "FRBRauthor", href=author)
    _sub(w, "FRBRcountry", value="un")
    _sub(w, "FRBRsubtype", value="deliberation")
    if doc.get("number"):
        _sub(w, "FRBRnumber", value=doc["number"])
    _sub(w, "FRBRname", value=statement_name(doc))

    e = _sub(ident, "FRBRExpression")
    _sub(e, "FRBRthis", value=expr + "/!main")
    _sub(e, "FRBRuri", value=expr)
    _sub(e, "FRBRdate", **frbr_date)
    _sub(e, "FRBRauthor", href=author)
    _sub(e, "FRBRlanguage", language="eng")

    m = _sub(ident, "FRBRManifestation")
    _sub(m, "FRBRthis", value=expr + "/main.xml")
    _sub(m, "FRBRuri", value=expr + ".akn")
    if generated is not None:
        _sub(m, "FRBRdate", date=generated, name="generation")
    else:
        # No generation date asked for (reruns stay byte-identical): the
        # manifestation is dated by the document's own date, named as such.
        _sub(m, "FRBRdate", date=date, name=date_name)
    _sub(m, "FRBRauthor", href=f"#{PRODUCER_ID}")
    _sub(m, "FRBRformat", value="application/akn+xml")


def _references(meta: etree._Element, doc: dict, with_unanchored: bool, with_unplaced: bool = False,
                events: Iterable[str] = ()) -> None:
    refs = _sub(meta, "references", source=f"#{PRODUCER_ID}")
    organ = doc.get("organ")
    actor = ORGAN_ACTORS.get(organ or "")
    if organ:
        oid = actor or "organ"
        _sub(refs, "TLCOrganization", eId=oid,
             href=f"/akn/ontology/organization/un/{actor or 'unlisted'}", showAs=organ)
    else:
        _sub(refs, "TLCOrganization", eId="unknownAuthor",
             href="/akn/ontology/organization/un/unknown", showAs="unknown (not printed in the source)")
    _sub(refs, "TLCObject", eId=PRODUCER_ID,
         href=f"/akn/ontology/object/un/{PRODUCER_NAME}", showAs=PRODUCER_NAME)
    if with_unanchored:
        _sub(refs, "TLCConcept", eId="unanchoredFootnote",
             href="/akn/ontology/concept/un/unanchoredFootnote",
             showAs="footnote printed in the source whose marker could not be placed in the text")
    for ev in sorted(events):
        _sub(refs, "TLCEvent", eId=ev, href=f"/akn/ontology/event/un/{ev}", showAs=ev)
    if with_unplaced:
        _sub(refs, "TLCConcept", eId="unplacedText",
             href="/akn/ontology/concept/un/unplacedText",
             showAs="text of the source that the structure stage could not place in the document's parts")


# ---------------------------------------------------------------------------
# Text with notes

_STYLE_TAGS = {"italic": "i", "bold": "b"}


def _inline_with_notes(block: etree._Element, text: str, notes: Iterable[dict], owner_eid: str,
                       footnotes: dict[str, str], where: str, problems: _Problems,
                       spans: Iterable[dict] = ()) -> list[str]:
    """Fill ``block`` (a ``p``) with ``text``, an ``authorialNote`` after each
    marker position, and printed emphasis (``spans``) as ``i`` / ``b``.  A note
    inside an emphasis closes it and opens it again after, so notes stay
    children of the ``p``.  Returns the note numbers placed."""
    text = _clean_text(text, where, problems)
    ordered = []
    for i, n in enumerate(notes or []):
        off = n.get("offset")
        num = str(n.get("num"))
        if not isinstance(off, int) or off < 0 or off > len(text):
            problems.add(f"{where}: note {num!r} has offset {off!r} outside its text "
                         f"(length {len(text)}); placed at the end")
            off = len(text)
        ordered.append((off, i, num))
    ordered.sort()
    styled = []
    for sp in spans or []:
        off, length, tag = sp.get("offset"), sp.get("length"), _STYLE_TAGS.get(sp.get("style"))
        if isinstance(off, int) and isinstance(length, int) and tag and 0 <= off < off + length <= len(text):
            styled.append((off, off + length, tag))
    pos = 0
    last: etree._Element | None = None
    placed = []

    def put(chunk_end: int) -> None:
        """Text from ``pos`` to ``chunk_end``, cut at the emphasis boundaries."""
        nonlocal pos, last
        cuts = sorted({pos, chunk_end} | {c for s, e, _ in styled for c in (s, e) if pos < c < chunk_end})
        for a, b in zip(cuts, cuts[1:]):
            tag = next((t for s, e, t in styled if s <= a and b <= e), None)
            if tag:
                last = _sub(block, tag, text[a:b])
            elif last is None:
                block.text = (block.text or "") + text[a:b]
            else:
                last.tail = (last.tail or "") + text[a:b]
        pos = chunk_end

    for k, (off, _, num) in enumerate(ordered, start=1):
        put(off)
        note = _sub(block, "authorialNote", marker=num, placement="bottom",
                    eId=f"{owner_eid}__authorialNote_{k}")
        body = footnotes.get(num)
        if body is None:
            problems.add(f"{where}: marker {num!r} has no footnote text in 'footnotes'; "
                         'the note is empty, marked status="unknown"')
            _sub(note, "p", status="unknown")
        elif not body:  # a note placed by a reviewer where the source stripped marker and text alike
            _sub(note, "p", status="unknown")
        else:
            _sub(note, "p", _clean_text(body, f"footnote {num}", problems))
        last = note
        placed.append(num)
    put(len(text))
    return placed
    return placed


# ---------------------------------------------------------------------------
# Citations: each reference of the JSON becomes a ``ref`` in its block

# The organ, hence the IRI's actor, of a cited symbol's series.
_SERIES_ORGANS = (("A/HRC/", "Human Rights Council"), ("A/", "General Assembly"), ("S/", "Security Council"),
                  ("E/CN.", None), ("E/", "Economic and Social Council"))


def citation_iri(ref: dict) -> str:
    """The AKN IRI of a cited document, built as the export builds its own Work IRI.

    ``{"target": "A/RES/62/160", "date": "2007-12-18", "kind": "resolution"}``
    -> ``/akn/un/statement/deliberation/un-ga/2007-12-18/A-RES-62-160``; a
    document that is not a resolution or decision is a ``doc``; no printed
    date gives the segment ``unknown``, as for the export's own Work.
    """
    target = ref["target"]
    organ = next((o for prefix, o in _SERIES_ORGANS if target.startswith(prefix)), None)
    iri = work_iri({"symbol": target, "organ": organ, "date": ref.get("date")})
    if ref.get("kind") not in ("resolution", "decision"):
        iri = iri.replace("/akn/un/statement/deliberation/", "/akn/un/doc/document/", 1)
    return iri


def _own_text_nodes(p: etree._Element) -> list[tuple[etree._Element, str, int]]:
    """(element, "text" | "tail", offset) of every text node of a ``p`` that is
    its own text, notes' text apart, in reading order."""
    nodes: list[tuple[etree._Element, str, int]] = []
    pos = 0

    def walk(el: etree._Element) -> None:
        nonlocal pos
        nodes.append((el, "text", pos))
        pos += len(el.text or "")
        for child in el:
            if child.tag != _q("authorialNote"):
                walk(child)
            nodes.append((child, "tail", pos))
            pos += len(child.tail or "")

    walk(p)
    return nodes


def _wrap(node: etree._Element, attr: str, start: int, end: int, href: str) -> None:
    """Make ``[start, end)`` of one text node a ``ref``."""
    s = getattr(node, attr) or ""
    ref = etree.Element(_q("ref"), href=href)
    ref.text, ref.tail = s[start:end], s[end:]
    if attr == "text":
        node.text = s[:start]
        node.insert(0, ref)
    else:
        node.tail = s[:start]
        node.addnext(ref)


def _link_citations(stmt: etree._Element, doc: dict, problems: _Problems) -> bool:
    """Wrap each of ``doc["references"]`` in its block as ``<ref href=IRI>``.

    A block's ``p`` is the one whose own text (notes apart) is the block's
    text.  An unresolved citation (target null) refers to the concept
    ``#unresolvedCitation``.  Returns whether there was one."""
    by_text: dict[str, list[dict]] = {}
    texts: dict[str, str] = {}

    def walk(paras: list) -> None:
        for p in paras or []:
            texts[p.get("id")] = p.get("text") or ""
            walk(p.get("items"))

    walk(doc.get("preamble"))
    walk(doc.get("operative"))
    for a in doc.get("annexes") or []:
        walk(a.get("paragraphs"))
    for f in doc.get("footnotes") or []:
        texts[f"fn{f.get('num')}"] = f.get("text") or ""
    owner: dict[str, str] = {}  # blocks with the same text have the same citations: take the first's
    for block, text in texts.items():
        owner.setdefault(text, block)
    for r in doc.get("references") or []:
        if r.get("block") in texts and owner[texts[r["block"]]] == r["block"]:
            by_text.setdefault(texts[r["block"]], []).append(r)
    unresolved = False
    done: set[tuple[str, int]] = set()
    for p in stmt.iter(_q("p")):
        nodes = _own_text_nodes(p)
        own = "".join(getattr(el, attr) or "" for el, attr, _ in nodes)
        refs = by_text.get(own)
        if not refs:
            continue
        for r in sorted(refs, key=lambda r: -r["offset"]):  # from the end: earlier offsets stay valid
            start, end = r["offset"], r["offset"] + r["length"]
            node = next(((el, attr, off) for el, attr, off in nodes
                         if off <= start and end <= off + len(getattr(el, attr) or "")), None)
            if node is None:
                problems.add(f"{r['block']}: citation {r['text']!r} crosses other markup; not linked")
                continue
            el, attr, off = node
            href = citation_iri(r) if r.get("target") else "#unresolvedCitation"
            unresolved |= not r.get("target")
            _wrap(el, attr, start - off, end - off, href)
            done.add((r["block"], r["offset"]))
    return unresolved


_PARTICIPLE_NAME = re.compile(r"[^a-z]")


def participle_name(text: str) -> str:
    """The container name of a preambular paragraph: its opening participle,
    lower case ("Recalling also its resolution" -> "recalling"; "Further
    recalling" -> "recalling"; "Deeply concerned" -> "concerned"; "Mindful
    that" -> "mindful").  "preambularParagraph" when the text has no word."""
    words = _WORD.findall(text[:120])
    for w in words[:4]:
        lw = w.lower()
        if lw in _PRE_PARTICIPLE or (len(lw) > 4 and lw.endswith("ly")):
            continue
        name = _PARTICIPLE_NAME.sub("", lw.replace("’", "").replace("'", ""))
        if name:
            return name
        break
    return "preambularParagraph"


def _index(pid: Any, prefix: str, fallback: int) -> int:
    m = re.fullmatch(rf"{prefix}(\d+)", str(pid or ""))
    return int(m.group(1)) if m else fallback


def _point_key(item: dict, fallback: int) -> str:
    """``a`` from id "op1.a" or num "(a)"; position when neither gives a clean key."""
    pid = str(item.get("id") or "")
    cand = pid.rsplit(".", 1)[-1] if "." in pid else ""
    if not re.fullmatch(r"[A-Za-z0-9]+", cand or ""):
        cand = re.sub(r"[^A-Za-z0-9]", "", str(item.get("num") or ""))
    return cand or str(fallback)


def _hier(parent: etree._Element, tag: str, eid: str, para: dict, footnotes: dict[str, str],
          problems: _Problems, used: set[str], placed: list[str]) -> None:
    """A ``paragraph`` or ``point``: num, then content, or intro + list of points."""
    if eid in used:
        problems.add(f"{para.get('id')}: eId {eid!r} already used; suffixed")
        k = 2
        while f"{eid}_{k}" in used:
            k += 1
        eid = f"{eid}_{k}"
    used.add(eid)
    el = _sub(parent, tag, eId=eid)
    if para.get("num") is not None:
        _sub(el, "num", _clean_text(str(para["num"]), f"{para.get('id')} num", problems))
    items = para.get("items") or []
    where = str(para.get("id") or eid)
    if not items:
        p = _sub(_sub(el, "content"), "p")
        placed += _inline_with_notes(p, para.get("text") or "", para.get("notes"), eid, footnotes, where, problems,
                                     para.get("spans") or ())
        return
    # Parent text (may be empty when the paragraph opens with its first item).
    if para.get("text") or para.get("notes"):
        p = _sub(_sub(el, "intro"), "p")
        placed += _inline_with_notes(p, para.get("text") or "", para.get("notes"), f"{eid}__intro",
                                     footnotes, where, problems, para.get("spans") or ())
    lst = _sub(el, "list", eId=f"{eid}__list_1")
    for j, item in enumerate(items, start=1):
        _hier(lst, "point", f"{eid}__point_{_point_key(item, j)}", item, footnotes, problems, used, placed)


# ---------------------------------------------------------------------------
# Preface, conclusions

def _un_date(iso: str) -> str:
    """2007-12-18 -> "18 December 2007" (how UN documents print dates)."""
    d = _dt.date.fromisoformat(iso)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


# Header facts, in masthead order: (JSON key, AKN inline, inline @name).
_HEADER_FIELDS = [
    ("organ", "docAuthority", None),
    ("symbol", "docNumber", None),
    ("distribution", "docStatus", None),
    ("distribution_date", "docDate", "distribution"),
    ("original_language", "inline", "originalLanguage"),
    ("session", "session", None),
    ("agenda_item", "inline", "agendaItem"),
    ("adopted", "docDate", "adoption"),
    ("committee_report", "inline", "committeeReport"),
]
# How a field is printed when the header gives no line that shows it.
_HEADER_LABELS = {"distribution": "Distr.: ", "original_language": "Original: ", "agenda_item": "Agenda item ",
                  "adopted": "Adopted on "}


def _marked_p(parent: etree._Element, line: str, marks: list[tuple[int, int, str, str | None, str | None]]) -> None:
    """A ``p`` holding ``line`` with ``(start, end, tag, name, date)`` spans marked up."""
    p = _sub(parent, "p")
    pos, last = 0, None
    for s, e, tag, name, date in sorted(marks):
        if last is None:
            p.text = line[pos:s]
        else:
            last.tail = line[pos:s]
        if tag == "docDate":  # which date it is: a reference to a TLCEvent
            last = _sub(p, tag, line[s:e], date=date, refersTo=f"#{name}" if name else None)
        else:
            last = _sub(p, tag, line[s:e], name=name)
        pos = e
    if last is None:
        p.text = line
    else:
        last.tail = line[pos:]


def _preface(root: etree._Element, doc: dict, problems: _Problems) -> None:
    """The masthead facts, each in the line that printed it when the header
    keeps its lines (``header.lines``), marked up inside it; a fact no line
    shows gets a line of its own in the UN's wording ("Distr.: General").
    Lines that show no known fact are left out: they may be furniture."""
    header = doc.get("header") if isinstance(doc.get("header"), dict) else {}
    pre = etree.Element(_q("preface"))
    lines = [_clean_text(str(l), "header.lines", problems) for l in header.get("lines") or [] if isinstance(l, str)]
    marks: dict[int, list] = {}
    extra: list[tuple[str, list]] = []

    def free(i: int, s: int, e: int) -> bool:
        return all(e <= a or b <= s for a, b, *_ in marks.get(i, []))

    for key, tag, name in _HEADER_FIELDS:
        value = doc.get(key) if key in ("organ", "symbol") else header.get(key)
        if key == "symbol":
            value = header.get("symbol") or value
        if not value or not isinstance(value, str):
            continue
        date = None
        if tag == "docDate":
            date = _iso_date(value)
            if not date:
                problems.add(f"header.{key} {value!r} is not an ISO date; left out")
                continue
            printed = _un_date(date)
        else:
            printed = _clean_text(value, f"header.{key}", problems)
        found = False
        # The organ heads a masthead line; elsewhere it is part of a sentence.
        rx = re.compile(rf"^(?:United Nations\s+)?({re.escape(printed)})" if key == "organ" else
                        f"({re.escape(printed)})")
        for i, line in enumerate(lines):
            for m in rx.finditer(line):
                if free(i, m.start(1), m.end(1)):
                    marks.setdefault(i, []).append((m.start(1), m.end(1), tag, name, date))
                    found = True
                    break
            if found:
                break
        if not found and key != "organ":
            # The organ is in FRBRauthor; printing it here would add a line
            # the masthead may not have (an HRC draft is headed "General Assembly").
            label = _HEADER_LABELS.get(key, "")
            extra.append((label + printed, [(len(label), len(label) + len(printed), tag, name, date)]))

    # The document-type line ("Resolution adopted by the General Assembly").
    for i, line in enumerate(lines):
        m = re.match(r"(Resolution|Decision) adopted by\b", line)
        if m and free(i, 0, m.end(1)):
            marks.setdefault(i, []).append((0, m.end(1), "docType", None, None))
            break

    block = etree.Element(_q("container"), name="header", eId="preface__container_1")
    for i in sorted(marks):
        _marked_p(block, lines[i], marks[i])
    for line, m in extra:
        _marked_p(block, line, m)
    if len(block):
        pre.append(block)

    if doc.get("number") or doc.get("title"):
        p = _sub(_sub(pre, "longTitle", eId="preface__longTitle_1"), "p")
        if doc.get("number"):
            n = _sub(p, "docNumber", _clean_text(str(doc["number"]), "number", problems))
            if doc.get("title"):
                n.tail = " "
        if doc.get("title"):
            _sub(p, "docTitle", _clean_text(str(doc["title"]), "title", problems))
    if len(pre):
        root.append(pre)


_TYPE_PRINTED = {"draft resolution": "draft resolution", "draft decision": "draft decision",
                 "revised draft resolution": "revised draft resolution", "revised draft decision": "revised draft decision",
                 "amendment": "amendment"}


def _statement_block(stmt: etree._Element, doc: dict, footnotes: dict[str, str], problems: _Problems) -> list[str]:
    """A draft's statement in the preface: its sponsors (``inline name="sponsor"``), what it is (``docType``),
    the draft it amends, and the footnotes the masthead anchors there ("Egypt,*", "A/C.1/80/L.42*").

    Returns the footnote numbers placed."""
    kind = doc.get("document_type")
    sponsors = [s for s in doc.get("sponsors") or [] if isinstance(s, str)]
    header = doc.get("header") if isinstance(doc.get("header"), dict) else {}
    hnotes = [n for n in header.get("notes") or [] if isinstance(n, dict)]
    if kind not in _TYPE_PRINTED and not sponsors and not hnotes:
        return []
    pre = stmt.find(_q("preface"))
    if pre is None:
        pre = etree.Element(_q("preface"))
        stmt.insert(list(stmt).index(stmt.find(_q("meta"))) + 1, pre)
    box = etree.Element(_q("container"), name="statement", eId="preface__container_2")
    pre.insert(0, box) if not len(pre) else pre.insert(1 if pre[0].get("name") == "header" else 0, box)
    placed: list[str] = []
    count = [0]

    def note(p: etree._Element, num: str) -> None:
        count[0] += 1
        n = _sub(p, "authorialNote", marker=num, placement="bottom", eId=f"preface__container_2__authorialNote_{count[0]}")
        body = footnotes.get(num)
        if body is None:
            problems.add(f"masthead marker {num!r} has no footnote text in 'footnotes'")
            _sub(n, "p", status="unknown")
        else:
            _sub(n, "p", _clean_text(body, f"footnote {num}", problems))
            placed.append(num)

    by_field: dict[str, list[str]] = {}
    for n in hnotes:
        by_field.setdefault(str(n.get("field")), []).append(str(n.get("num")))
    for field_, tag, name in (("symbol", "docNumber", None), ("agenda_item", "inline", "agendaItem")):
        value = doc.get("symbol") if field_ == "symbol" else header.get("agenda_item")
        if by_field.get(field_) and value:
            p = _sub(box, "p")
            _sub(p, tag, _clean_text(str(value), field_, problems), name=name)
            for num in by_field[field_]:
                note(p, num)
    if sponsors or kind in _TYPE_PRINTED:
        p = _sub(box, "p")
        marks: dict[str, list[str]] = {}
        for n in doc.get("sponsor_notes") or []:
            marks.setdefault(str(n.get("sponsor")), []).append(str(n.get("num")))
        for k, s in enumerate(sponsors):
            if k:
                sep = " and " if k == len(sponsors) - 1 else ", "
                p[-1].tail = (p[-1].tail or "") + sep
            _sub(p, "inline", _clean_text(s, "sponsors", problems), name="sponsor")
            for num in marks.get(s, []):
                note(p, num)
        if kind in _TYPE_PRINTED:
            if len(p):
                p[-1].tail = (p[-1].tail or "") + ": "
            dt = _sub(p, "docType", _TYPE_PRINTED[kind] + (f" to {doc['amends']}" if kind == "amendment" and doc.get("amends") else ""))
            for num in by_field.get("document_type", []):
                note(p, num)
            del dt
    return placed


def _conclusions(root: etree._Element, doc: dict, problems: _Problems) -> None:
    closing = doc.get("closing")
    if not isinstance(closing, dict):
        return
    text = _clean_text(closing.get("text") or "", "closing.text", problems)
    meeting = closing.get("meeting")
    date = _iso_date(closing.get("date"))
    if closing.get("date") and not date:
        problems.add(f"closing.date {closing.get('date')!r} is not an ISO date; left out")
    concl = _sub(root, "conclusions", eId="conclusions")
    # One <p> per printed line ("76th plenary meeting", "18 December 2007"), when known.
    printed_lines = [_clean_text(str(x), "closing.lines", problems) for x in closing.get("lines") or []
                     if isinstance(x, str)]
    if " ".join(printed_lines) != text or (meeting and meeting in text and not any(meeting in x for x in printed_lines)):
        printed_lines = [text]  # lines that do not add up to the text, or a meeting broken over two
    printed_date = _un_date(date) if date else None
    date_marked = False
    for line in printed_lines:
        p = _sub(concl, "p")
        # Mark meeting and date inside the printed closing text where they stand.
        spans = []
        if meeting and meeting in line:
            i = line.index(meeting)
            spans.append((i, i + len(meeting), "meeting"))
        if printed_date and not date_marked:
            m = re.search(re.escape(printed_date).replace(r"\ ", r"\s+"), line)
            if m and not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), "date"))
                date_marked = True
        spans.sort()
        pos, last = 0, None
        for s, e, kind in spans:
            if last is None:
                p.text = line[pos:s]
            else:
                last.tail = line[pos:s]
            if kind == "meeting":
                last = _sub(p, "inline", line[s:e], name="meeting")
            else:
                last = _sub(p, "docDate", line[s:e], date=date, refersTo="#adoption")
            pos = e
        if last is None:
            p.text = line
        else:
            last.tail = line[pos:]
        if not line and not len(p):
            concl.remove(p)
    if meeting and meeting not in text:
        _sub(_sub(concl, "p"), "inline", _clean_text(meeting, "closing.meeting", problems), name="meeting")
        problems.add("closing.meeting is not part of closing.text; given on its own line")
    if date and not date_marked:
        _sub(_sub(concl, "p"), "docDate", _un_date(date), date=date, refersTo="#adoption")
        problems.add("closing.date is not printed in closing.text; given on its own line")
    if not len(concl):
        root.remove(concl)


# ---------------------------------------------------------------------------
# The document

def check_document(doc: dict) -> list[str]:
    """Inconsistencies in the canonical JSON that the export must work around."""
    problems = _Problems()
    nums = [str(f.get("num")) for f in doc.get("footnotes") or []]
    for n in {n for n in nums if nums.count(n) > 1}:
        problems.add(f"footnote number {n!r} appears more than once in 'footnotes'; the first text is used")
    marked: dict[str, int] = {}

    def walk(paras: list[dict]) -> None:
        for p in paras or []:
            text = p.get("text") or ""
            for n in p.get("notes") or []:
                marked[str(n.get("num"))] = marked.get(str(n.get("num")), 0) + 1
                off = n.get("offset")
                if not isinstance(off, int) or not 0 <= off <= len(text):
                    problems.add(f"{p.get('id')}: note {n.get('num')!r} offset {off!r} outside 0..{len(text)}")
            walk(p.get("items") or [])

    walk(doc.get("preamble"))
    walk(doc.get("operative"))
    for annex in doc.get("annexes") or []:
        walk(annex.get("paragraphs"))
    header = doc.get("header") if isinstance(doc.get("header"), dict) else {}
    for n in list(doc.get("sponsor_notes") or []) + list(header.get("notes") or []):
        marked[str(n.get("num"))] = marked.get(str(n.get("num")), 0) + 1
    for f in doc.get("footnotes") or []:
        num = str(f.get("num"))
        if f.get("anchored") and num not in marked:
            problems.add(f"footnote {num!r} is anchored=true but no paragraph has its marker")
        if not f.get("anchored") and num in marked:
            problems.add(f"footnote {num!r} is anchored=false but a paragraph has its marker")
    for num in marked:
        if num not in nums:
            problems.add(f"marker {num!r} has no footnote in 'footnotes'")
    d, c = _iso_date(doc.get("date")), _iso_date((doc.get("closing") or {}).get("date"))
    if doc.get("date") and not d:
        problems.add(f"date {doc.get('date')!r} is not an ISO date")
    if d and c and d != c:
        problems.add(f"date {d} differs from closing.date {c}; the Work is dated {d}")
    return list(problems)


def to_akn(doc: dict, *, generated: str | _dt.date | None = None,
           problems: list[str] | None = None) -> etree._ElementTree:
    """The AKN4UN ``statement name="resolution"`` for one canonical document.

    ``generated``: the date this markup was made, written as the
    manifestation's FRBRdate ``name="generation"``.  Leave it out for
    byte-identical reruns: the manifestation is then dated by the document's
    own date under that date's name ("adoption", "distribution"); never pass
    the document's date as ``generated``, it would claim the markup was made
    that day.  Only a document with no date at all needs today's date (see
    :func:`work_date`).  ``problems``, if given, receives what could not be carried over
    as is (also see :func:`check_document`)."""
    probs = _Problems(check_document(doc))
    if isinstance(generated, _dt.date):
        generated = generated.isoformat()
    if generated is not None and not _iso_date(str(generated)):
        raise ValueError(f"generated must be an ISO date, not {generated!r}")

    root = etree.Element(_q("akomaNtoso"), nsmap=NSMAP)
    stmt = _sub(root, "statement", name=statement_name(doc))
    meta = _sub(stmt, "meta")
    meta_notes: list[str] = []
    _identification(meta, doc, generated, meta_notes)

    footnotes: dict[str, str] = {}
    for f in doc.get("footnotes") or []:
        footnotes.setdefault(str(f.get("num")), f.get("text") or "")

    _preface(stmt, doc, probs)
    placed: list[str] = _statement_block(stmt, doc, footnotes, probs)

    used: set[str] = set()
    preamble = doc.get("preamble") or []
    organ = doc.get("organ")
    adopted = str(doc.get("document_type") or "resolution") in ("resolution", "decision")
    formula_text = doc.get("formula") or (f"The {organ}," if organ and adopted else None)
    if preamble or formula_text:
        pre = _sub(stmt, "preamble")
        if formula_text:
            _sub(_sub(pre, "formula", name="enactingFormula", eId="preamble__formula_1"), "p",
                 _clean_text(formula_text, "formula", probs))
        else:
            meta_notes.append("The organ is unknown, so the enacting formula is left out.")
        for i, para in enumerate(preamble, start=1):
            n = _index(para.get("id"), "pp", i)
            eid = f"preamble__container_{n}"
            if eid in used:
                eid = f"preamble__container_{i}_{n}"
            used.add(eid)
            cont = _sub(pre, "container", name=participle_name(para.get("text") or ""), eId=eid)
            p = _sub(cont, "p")
            placed += _inline_with_notes(p, para.get("text") or "", para.get("notes"), eid,
                                         footnotes, str(para.get("id") or eid), probs, para.get("spans") or ())

    body = _sub(stmt, "mainBody")
    operative = doc.get("operative") or []
    for i, para in enumerate(operative, start=1):
        _hier(body, "paragraph", f"para_{_index(para.get('id'), 'op', i)}", para, footnotes, probs, used, placed)
    if not operative:
        # mainBody may not be empty: say so in a schema-valid way.
        _sub(body, "p", status="unknown")
        probs.add("no operative paragraphs: mainBody holds one empty p status=\"unknown\"")

    _conclusions(stmt, doc, probs)
    _attachments(stmt, doc, generated, footnotes, probs, placed)

    # Footnotes with no marker in the text (and any second footnote with an
    # already used number): kept whole in meta/notes.
    unplaced, seen = [], set()
    for f in doc.get("footnotes") or []:
        num = str(f.get("num"))
        if num in placed and num not in seen:
            seen.add(num)
        else:
            unplaced.append(f)
    # Text the structure stage could not place in any part (``unplaced``):
    # kept in meta/notes too, so no printed text is lost.
    unplaced_text = [t for t in doc.get("unplaced") or [] if isinstance(t, str) and t.strip()]
    notes_el = None
    if unplaced or meta_notes or unplaced_text:
        notes_el = etree.Element(_q("notes"), source=f"#{PRODUCER_ID}")
        for k, f in enumerate(unplaced, start=1):
            note = _sub(notes_el, "note", eId=f"unanchoredNote_{k}", marker=str(f.get("num")),
                        placement="bottom", refersTo="#unanchoredFootnote")
            _sub(note, "p", _clean_text(f.get("text") or "", f"footnote {f.get('num')}", probs))
        for k, text in enumerate(meta_notes, start=1):
            _sub(_sub(notes_el, "note", eId=f"exportNote_{k}"), "p", text)
        for k, text in enumerate(unplaced_text, start=1):
            _sub(_sub(notes_el, "note", eId=f"unplacedText_{k}", refersTo="#unplacedText"), "p",
                 _clean_text(text, "unplaced", probs))
    unresolved = _link_citations(stmt, doc, probs)
    if notes_el is not None:
        unresolved = _link_citations(notes_el, doc, probs) or unresolved
    events = {d.get("refersTo")[1:] for d in stmt.iter(_q("docDate")) if d.get("refersTo")}
    _references(meta, doc, with_unanchored=bool(unplaced), with_unplaced=bool(unplaced_text), events=events)
    if unresolved:
        _sub(meta.find(_q("references")), "TLCConcept", eId="unresolvedCitation",
             href="/akn/ontology/concept/un/unresolvedCitation",
             showAs="a citation whose target the source does not determine")
    if notes_el is not None:
        meta.append(notes_el)
    _proprietary(meta, doc)

    if problems is not None:
        problems.extend(probs)
    return etree.ElementTree(root)


# What the document is (``document_type``) -> the ``name`` of its ``statement``, in AKN's camelCase.
_STATEMENT_NAMES = {"resolution": "resolution", "decision": "decision", "draft resolution": "draftResolution",
                    "draft decision": "draftDecision", "revised draft resolution": "revisedDraftResolution",
                    "revised draft decision": "revisedDraftDecision", "amendment": "amendment", "other": "document"}


def statement_name(doc: dict) -> str:
    """``resolution`` (the default, as before document types were known), ``draftResolution``, ``decision``, ..."""
    return _STATEMENT_NAMES.get(str(doc.get("document_type") or "resolution"), "resolution")


def _attachments(stmt: etree._Element, doc: dict, generated: str | None, footnotes: dict[str, str],
                 problems: _Problems, placed: list[str]) -> None:
    """Annexes as AKN4UN ``attachments/attachment/doc name="annex"``: heading, title, paragraphs.

    Each annex ``doc`` has its own identification, the Work's with the component
    ``!annex_N`` in its ``FRBRthis`` (as AKN names the parts of a Work)."""
    annexes = [a for a in doc.get("annexes") or [] if isinstance(a, dict)]
    if not annexes:
        return
    atts = _sub(stmt, "attachments")
    for k, annex in enumerate(annexes, start=1):
        att = _sub(atts, "attachment", eId=f"att_{k}")
        if annex.get("heading"):
            _sub(att, "heading", _clean_text(str(annex["heading"]), f"annex {k} heading", problems))
        d = _sub(att, "doc", name="annex")
        meta = _sub(d, "meta")
        _identification(meta, doc, generated, [])
        for this in meta.iter(_q("FRBRthis")):
            this.set("value", this.get("value").replace("/!main", f"/!annex_{k}").replace("/main.xml", f"/annex_{k}.xml"))
        if annex.get("title"):
            pre = _sub(d, "preface")
            _sub(_sub(_sub(pre, "longTitle", eId=f"att_{k}__longTitle_1"), "p"), "docTitle",
                 _clean_text(str(annex["title"]), f"annex {k} title", problems))
        body = _sub(d, "mainBody")
        used: set[str] = set()
        for i, para in enumerate(annex.get("paragraphs") or [], start=1):
            _hier(body, "paragraph", f"att_{k}__para_{i}", para, footnotes, problems, used, placed)
        if not len(body):
            _sub(body, "p", status="unknown")


def _proprietary(meta: etree._Element, doc: dict) -> None:
    src = doc.get("source") if isinstance(doc.get("source"), dict) else {}
    prop = _sub(meta, "proprietary", source=f"#{PRODUCER_ID}")
    s = etree.SubElement(prop, f"{{{UNCL_NS}}}source")
    s.set("docId", str(doc.get("doc_id") or ""))
    for key in ("path", "sha256", "kind"):
        if src.get(key) is not None:
            s.set(key, _XML_INVALID.sub("\ufffd", str(src[key])))
    if src.get("pages") is not None:
        s.set("pages", str(src["pages"]))


def to_bytes(tree: etree._ElementTree) -> bytes:
    """UTF-8 XML with declaration.  Indented where no text is (lxml never
    indents mixed content, so texts are unchanged)."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_bytes(doc: dict, *, generated: str | _dt.date | None = None) -> Export:
    """Serialized AKN for ``doc`` and the problems met (for the run log).

    The bytes are read back before they are returned: if indentation would
    touch a text (a ``p`` holding only notes), the document is written
    unindented; if the texts still differ from the JSON (characters XML
    cannot hold), that is added to the problems."""
    problems: list[str] = []
    tree = to_akn(doc, generated=generated, problems=problems)
    expected = canonical_view(doc)
    xml = to_bytes(tree)
    if comparable(read_back(xml)) != expected:
        xml = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
        if comparable(read_back(xml)) != expected:
            problems.append("round trip: texts or notes read back from the XML differ from the JSON")
    return Export(xml, problems)


# ---------------------------------------------------------------------------
# Validation and read-back

@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def _as_tree(xml: Any) -> etree._ElementTree | etree._Element:
    if isinstance(xml, (bytes, bytearray)):
        return etree.fromstring(bytes(xml))
    if isinstance(xml, str):
        return etree.fromstring(xml.encode("utf-8"))
    if isinstance(xml, Path):
        return etree.parse(str(xml))
    return xml


def validate(xml: Any) -> list[str]:
    """XSD errors of ``xml`` (bytes, str, path, element or tree) against
    Akoma Ntoso 3.0; empty when valid."""
    schema = _schema()
    doc = _as_tree(xml)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _read_inline(p: etree._Element) -> tuple[str, list[dict], list[dict]]:
    """Text of a ``p`` without its notes, the notes' offsets, and their texts."""
    parts = [p.text or ""]
    notes, bodies = [], []
    for child in p:
        if child.tag == _q("authorialNote"):
            off = sum(len(s) for s in parts)
            notes.append({"num": child.get("marker"), "offset": off})
            bodies.append({"num": child.get("marker"), "text": _block_text(child)})
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts), notes, bodies


def _block_text(el: etree._Element) -> str:
    """Text of a note: its ``p`` blocks (not the indentation between them)."""
    return "\n".join("".join(p.itertext()) for p in el.iterfind(_q("p")))


def _read_spans(p: etree._Element | None) -> list[dict]:
    """Emphasis (``i``, ``b``) of a ``p`` as spans of its text (notes apart); touching runs of one style are one."""
    if p is None:
        return []
    spans: list[dict] = []
    pos = len(p.text or "")
    for child in p:
        if child.tag == _q("authorialNote"):
            pos += len(child.tail or "")
            continue
        length = len("".join(child.itertext()))
        style = {"i": "italic", "b": "bold"}.get(etree.QName(child).localname)
        if style and length:
            if spans and spans[-1]["style"] == style and spans[-1]["offset"] + spans[-1]["length"] == pos:
                spans[-1]["length"] += length
            else:
                spans.append({"offset": pos, "length": length, "style": style})
        pos += length + len(child.tail or "")
    return spans


def read_back(xml: Any) -> dict:
    """What the XML says about the texts: ``preamble`` and ``operative`` as
    ``[{eId, name|num, text, notes, items}]`` and ``footnotes`` as
    ``[{num, text, anchored}]`` (in the order they appear; placed ones
    first, then those kept in meta/notes)."""
    root = _as_tree(xml)
    if isinstance(root, etree._ElementTree):
        root = root.getroot()
    ns = {"a": AKN_NS}
    out: dict[str, Any] = {"preamble": [], "operative": [], "footnotes": []}
    seen: set[str] = set()

    def foot(bodies: list[dict]) -> None:
        for b in bodies:
            if b["num"] not in seen:
                seen.add(b["num"])
                out["footnotes"].append({"num": b["num"], "text": b["text"], "anchored": True})

    stmt = root.find("a:statement", ns)
    stmt = root if stmt is None else stmt
    for cont in stmt.iterfind("a:preamble/a:container", ns):
        text, notes, bodies = _read_inline(cont.find("a:p", ns))
        foot(bodies)
        out["preamble"].append({"eId": cont.get("eId"), "name": cont.get("name"), "text": text, "notes": notes,
                                "spans": _read_spans(cont.find("a:p", ns))})

    def hier(el: etree._Element) -> dict:
        num = el.find("a:num", ns)
        entry = {"eId": el.get("eId"), "num": None if num is None else "".join(num.itertext()),
                 "text": "", "notes": [], "items": []}
        p = el.find("a:content/a:p", ns)
        if p is None:
            p = el.find("a:intro/a:p", ns)
        if p is not None:
            entry["text"], entry["notes"], bodies = _read_inline(p)
            entry["spans"] = _read_spans(p)
            foot(bodies)
        for point in el.iterfind("a:list/a:point", ns):
            entry["items"].append(hier(point))
        return entry

    for note in stmt.iterfind("a:preface/a:container[@name='statement']/a:p/a:authorialNote", ns):
        foot([{"num": note.get("marker"), "text": _block_text(note)}])
    for para in stmt.iterfind("a:mainBody/a:paragraph", ns):
        out["operative"].append(hier(para))
    out["annexes"] = []
    for att in stmt.iterfind("a:attachments/a:attachment", ns):
        title = att.find("a:doc/a:preface/a:longTitle/a:p", ns)
        heading = att.find("a:heading", ns)
        out["annexes"].append({
            "heading": None if heading is None else "".join(heading.itertext()),
            "title": None if title is None else "".join(title.itertext()),
            "paragraphs": [hier(p) for p in att.iterfind("a:doc/a:mainBody/a:paragraph", ns)]})
    for note in root.iterfind(".//a:meta/a:notes/a:note[@refersTo='#unanchoredFootnote']", ns):
        out["footnotes"].append({"num": note.get("marker"), "text": _block_text(note), "anchored": False})
    concl = stmt.find("a:conclusions", ns)
    out["closing"] = None if concl is None else {
        "text": "".join(concl.find("a:p", ns).itertext()) if concl.find("a:p", ns) is not None else "",
        "meeting": next((e.text for e in concl.iterfind(".//a:inline[@name='meeting']", ns)), None),
        "date": next((e.get("date") for e in concl.iterfind(".//a:docDate", ns)), None),
    }
    return out


def _valid_spans(p: dict) -> list[dict]:
    """The spans the export carries: inside the text, of a style it marks up, in order."""
    text = p.get("text") or ""
    out = []
    for sp in sorted(p.get("spans") or [], key=lambda s: (s.get("offset", 0), s.get("length", 0))):
        off, length = sp.get("offset"), sp.get("length")
        if sp.get("style") in _STYLE_TAGS and isinstance(off, int) and isinstance(length, int) \
                and 0 <= off < off + length <= len(text):
            if out and out[-1]["style"] == sp["style"] and out[-1]["offset"] + out[-1]["length"] == off:
                out[-1]["length"] += length
            else:
                out.append({"offset": off, "length": length, "style": sp["style"]})
    return out


def canonical_view(doc: dict) -> dict:
    """The same view as :func:`read_back`, computed from the canonical JSON,
    so a test can assert ``read_back(to_akn(doc)) == canonical_view(doc)``
    on texts, notes, emphasis, footnotes and annexes (eIds and names left out)."""
    def para(p: dict) -> dict:
        notes = sorted(({"num": str(n["num"]), "offset": n["offset"]} for n in p.get("notes") or []),
                       key=lambda n: n["offset"])
        return {"num": p.get("num"), "text": p.get("text") or "", "notes": notes, "spans": _valid_spans(p),
                "items": [para(i) for i in p.get("items") or []]}
    return {
        "preamble": [{"text": p.get("text") or "", "spans": _valid_spans(p),
                      "notes": sorted(({"num": str(n["num"]), "offset": n["offset"]} for n in p.get("notes") or []),
                                      key=lambda n: n["offset"])} for p in doc.get("preamble") or []],
        "operative": [para(p) for p in doc.get("operative") or []],
        "annexes": [{"heading": a.get("heading"), "title": a.get("title"),
                     "paragraphs": [para(p) for p in a.get("paragraphs") or []]} for a in doc.get("annexes") or []],
        "footnotes": sorted(({"num": str(f["num"]), "text": f.get("text") or ""} for f in doc.get("footnotes") or []),
                            key=lambda f: f["num"]),
    }


def comparable(back: dict) -> dict:
    """:func:`read_back`'s result reduced to :func:`canonical_view`'s shape."""
    def para(p: dict) -> dict:
        return {"num": p["num"], "text": p["text"], "notes": p["notes"], "spans": p.get("spans", []),
                "items": [para(i) for i in p["items"]]}
    return {
        "preamble": [{"text": p["text"], "spans": p.get("spans", []), "notes": p["notes"]} for p in back["preamble"]],
        "operative": [para(p) for p in back["operative"]],
        "annexes": [{"heading": a["heading"], "title": a["title"], "paragraphs": [para(p) for p in a["paragraphs"]]}
                    for a in back.get("annexes", [])],
        "footnotes": sorted(({"num": f["num"], "text": f["text"]} for f in back["footnotes"]),
                            key=lambda f: f["num"]),
    }

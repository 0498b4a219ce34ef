"""The masthead of a UN document: one grammar, read by extraction, repair, footnotes and structure.

Every UN document opens with a block of facts before its text: the symbol
(A/C.3/80/L.26, A/RES/73/3, S/RES/2719 (2023), A/HRC/RES/58/5, E/RES/2025/17),
organ, distribution, date, original language, session, committee, agenda item
and its title, then what the document is: "Armenia, China, ...: draft
resolution", "Draft decision submitted by the Bureau", "Resolution adopted by
the General Assembly on ...", "Resolution 2719 (2023)" / "Adopted by the
Security Council at its 9520th meeting, on ...", "[on the report of ...]", and
last the title ("80/37. Title", or a draft's title block).

:func:`read` gives each line its role (so a stage knows which lines are
masthead, which the title, where the body starts) and the facts, each to its
field.  Lines are given in reading order; an empty string is a block break
(a vertical gap in a PDF, a blank line in a text export) and is the best
evidence where a block ends; without blank lines the grammar alone decides.

    >>> h = read(["A/C.1/80/L.35", "First Committee", "Agenda item 97 (d)", "Outer space",
    ...           "", "Egypt,* Peru: draft decision", "", "Reducing space threats", "",
    ...           "The General Assembly, recalling ..."])
    >>> h.facts["document_type"], h.facts["sponsors"], h.facts["sponsor_notes"]
    ('draft decision', ['Egypt', 'Peru'], [{'sponsor': 'Egypt', 'num': '*'}])
    >>> h.roles[7], h.body
    ('title', 9)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import Levenshtein

from . import grammar as G

if TYPE_CHECKING:
    from .worktext import WorkText

MARK = r"(?:\*{1,3}|[†‡])"  # a masthead footnote marker: "Egypt,*", "A/C.1/80/L.42*"
# "The General Assembly," on a line of its own, or opening a decision's sentence
# ("The General Assembly, recalling ..., decides ...").
ORGANS = "|".join(G.ORGANS)
# A scan's speck before it (". The General Assembly,", "‘The General Assembly,": a 98 dpi fax) is no part of it;
# a double quote opens a quotation and is never taken for one.
FORMULA_SPECK = r"(?:[*.,'\u2018\u2019`\u00b7\u2022]\s*)?"
FORMULA = re.compile(
    rf"^\s*{FORMULA_SPECK}The\s+({ORGANS}|Council"
    r"|Assembly|Conference|Commission[\w ]*)\s*[,;:.]?\s*\*?\s*$")  # ";" "." a scan's misread comma
FORMULA_OPENING = re.compile(rf"^\s*The\s+({ORGANS}|Council|Assembly|Conference),\s+(?=[a-z])")
SYMBOL_AT_END = re.compile(rf"(?:^|\s)({G.SYMBOL}(?:\s\(\d{{4}}\))?)({MARK})?\s*$")
UN_LINE = re.compile(rf"^\s*{G.phrase('United Nations')}{G.LINE_END}")
ORGAN_AT_START = re.compile(rf"^\s*({ORGANS}|Special Political and Decolonization Committee)\b")
COMMITTEE = re.compile(
    r"^\s*((?:First|Second|Third|Fourth|Fifth|Sixth) Committee|Special Political and Decolonization Committee"
    r"(?:\s*\(Fourth Committee\))?|\(Fourth Committee\)|General Committee|Credentials Committee)\s*$")
SESSION = re.compile(r"^\s*((?:[A-Z][a-z]+(?:-[a-z]+)?|\d{4})\s+(?:(?:special|emergency special|resumed|organizational)\s+)?session)\s*$", re.I)
SESSION_DATES = re.compile(rf"^\s*\d{{1,2}}(?:\s+(?:{G.MONTHS}))?(?:\s+\d{{4}})?\s*[–-]\s*\d{{1,2}}\s+(?:{G.MONTHS})\s+\d{{4}}\s*$")
AGENDA = re.compile(  # "item" as a scan may read its i ("Agenda 1tem 99 (g)", "Agenda ltem")
    rf"^\s*(?:Agenda{G.GAP}[Ii1l|]tems?|Items?){G.GAP}(\w.*?)(?:\s+of\s+the\s+(?:provisional|preliminary|revised)\s+agenda)?\s*({MARK})?\s*$")
ADOPTED_PHRASE = rf"(Resolution|Decision)s?{G.GAP}{G.phrase('adopted by the')}{G.GAP}"  # its words a scan's specks may part
# A scan's speck or scrap of one glyph before the line ("' Resolution adopted by ...", "7 Resolution adopted by ...").
LEADING_SCRAP = r"(?:[^\sA-Za-z]\s*(?=[A-Z]))?"
ADOPTED_BY = re.compile(
    rf"^\s*{LEADING_SCRAP}{ADOPTED_PHRASE}([A-Z][A-Za-z ]+?)(?:{G.GAP}on(?:\s+({G.SPECKED_DATE}))?)?{G.LINE_END}")
# "Resolution adopted by the General Assembly on" whose date a scan's line break put on the next line.
ADOPTED_ON = re.compile(rf"\son{G.LINE_END}")  # a speck after it ("... General Assembly on.")
ON_DATE = re.compile(rf"^\s*(?:{G.SPECK}\s*)?on\s+({G.SPECKED_DATE}){G.LINE_END}")  # a speck before it: "\u2018on 22 ..."
ADOPTION_DATE = re.compile(rf"^\s*{G.SPECKED_DATE}{G.LINE_END}")  # its line after "... on"
# A scan may read the opening bracket as "f" and "of" as "6f" ("for the report 6f the First Committee").
# After its bracket, "on" may be misread too ("[an the report of ..."): the bracket and the words after say enough.
# Its bracket lost, the line still names a committee and closes with its report's symbol in brackets.
# A fax reads the bracket as a letter or a round bracket ("lon the report of the Third Committee (...)|").
REPORT = re.compile(rf"^\s*(?:[\[{{|(lI1]\s*(?:[a-z0]{{2}}{G.GAP}the{G.GAP}(?:report|recommendation){G.GAP}[o6]f"
                    rf"|{G.phrase('without reference to')})|f(?=o[nr]\s)o[nr] the (?:report|recommendation) [o6]f"
                    rf"|on the (?:report|recommendation) of the\s.*\bCommittee\b.*[)\]}}]\s*$)", re.I)
SC_NUMBER = re.compile(r"^\s*Resolution\s+(\d{3,5}\s*\(\d{4}\))\s*$")
SC_ADOPTED = re.compile(
    rf"^\s*Adopted\s+by\s+the\s+(Security Council)\s+at\s+its\s+(\d+(?:st|nd|rd|th)\s+meeting),?\s+on\s+"
    rf"(\d{{1,2}}\s+(?:{G.MONTHS})\s+\d{{4}})\.?\s*$")
# A speck a scan reads as a stop or a quote before the number (". 73/8. Necessity ...") is no part of it;
# the full stop after the number a scan may read as a comma or a semicolon ("79/154, Trafficking in women").
SPECK_BEFORE_NUMBER = r"(?:[.,:;'\u2018\u2019`]\s+|\u201c)?"  # or an opening quote glued to it ("\u201c78/184: ...")
# A resolution's title ends with no stop: a speck a scan reads after it ("... for Refugees.") is no part of it.
TITLE_END_SPECK = r"[.,;:*\u00b7_|]"
SPECK_AFTER_TITLE = rf"(?:\s*{TITLE_END_SPECK})?\s*$"
# ... and one read alone after the number's stop ("78/250. ; Financing of ...", "78/162. , Development ...").
# ... or glued to the title's first word as an opening quote nothing closes ("79/154, \u2018Trafficking in women").
SPECK_AFTER_NUMBER = r"(?:[.,;:'\u2018\u2019`]\s+|\u2018(?=[A-Z])(?![^\u2019]*\u2019))?"
TITLE = re.compile(r"^\s*" + SPECK_BEFORE_NUMBER + r"(?:Resolution\s+|Decision\s+)?(\d{1,4}/(?:\d{1,4}|\u2026|\.\.\.)(?:\s*[A-Z]\b)?)(?:\.|[,;:](?=\s+\u2018?[A-Z]))?\s+" + SPECK_AFTER_NUMBER + r"(\S.*?)" + SPECK_AFTER_TITLE)
# A scan's speck standing alone between a title's words ("... Integrated ' Stabilization Mission"): no word of it.
LONE_SPECK = re.compile(rf"(?<=\S) {G.SPECK}(?= \S)")


# ... or an opening single quote glued to a word that no closing one follows ("Protection of and \u2018assistance to").
OPEN_SPECK = re.compile(r"(?<= )\u2018(?=[a-z])(?![^\u2019]*\u2019)")


# A speck or a dash a scan read before a title's first word ("- Endorsement of the New York Declaration"): no title
# opens so.
LEAD_TITLE_SPECK = re.compile(rf"^\s*(?:{G.LEAD_SPECK}|[-\u2013\u2014])\s+(?=[A-Z])")


# A speck a scan read alone after a title's last word ("... of responsible behaviours ."): no title ends so.
TRAIL_TITLE_SPECK = re.compile(rf"(?<=\w)\s+{G.LEAD_SPECK}\s*$")


def without_specks(title: str) -> str:
    """A title without the specks a scan read alone between its words (a single-spaced title), before its
    first word or after its last, or glued to a word's start as an opening single quote that nothing closes."""
    title = TRAIL_TITLE_SPECK.sub("", LEAD_TITLE_SPECK.sub("", title, count=1))
    return OPEN_SPECK.sub("", LONE_SPECK.sub("", title))


# The structure stage's reading of a title block it has cut: "Resolution 80/37. Title", "80/37. Title";
# a decision's number ("Decision 80/512. ...") stays part of the title there.
RESOLUTION_TITLE = re.compile(r"^\s*" + SPECK_BEFORE_NUMBER + r"(?:Resolution\s+)?(\d{1,4}/(?:\d{1,4}|\u2026|\.\.\.)(?:\s*[A-Z]\b)?)(?:\.|[,;:](?=\s+\u2018?[A-Z]))?\s+" + SPECK_AFTER_NUMBER + r"(\S.*?)" + SPECK_AFTER_TITLE)
# What the document says it is, closing its sponsors' statement.
KIND = re.compile(
    rf"(?P<kind>(?:revised\s+)?draft\s+(?:resolution|decision)s?"
    rf"|amendments?\s+to\s+(?:the\s+)?(?:revised\s+)?draft\s+(?:resolution|decision)\s+(?P<amends>{G.SYMBOL}))"
    rf"\s*(?:(?P<kmark>{MARK})|[1-9])?\s*$", re.I)  # a digit: a scan's reading of a raised "**" ("draft decision1")
# The colon that ends the sponsors' names before what the document is; a scan reads it as a comma or a
# semicolon ("Tajikistan,* draft decision**" on a 200 dpi photocopy of "Tajikistan:* draft decision**").
STATEMENT_SEP_CHARS = "[:;,]"
STATEMENT_SEP = re.compile(rf"{STATEMENT_SEP_CHARS}\s*{MARK}?\s*(?:revised\s+)?(?:draft|amendments?)\b", re.I)
SUBMITTED = re.compile(r"^\s*((?:Revised\s+)?Draft\s+(?:resolution|decision)s?)(?:\s+submitted\s+by\s+(?P<by>.+?))?\s*,?\s*$")
NOTE_BY = re.compile(r"^\s*(?:(?:Note|Letter|Memorandum)\s+(?:by|from)\s+the\s+\S.*|Letter dated\s.+|Report of the Secretary-General)$")
# What follows a submitter's name: "..., on the basis of informal consultations on draft resolution A/C.2/80/L.21".
BASED_ON = re.compile(rf",?\s+(?:on the basis of informal consultations(?: on (?:draft resolution|draft decision)\s+(?P<on>{G.SYMBOL}))?"
                      rf"|following informal consultations|on the recommendation of (?P<rec>.+))\s*$")
OPENS_BODY = re.compile(r"^\s*(?:\d{1,3}\.\s|\([a-z]\)\s|In\s+(?:operative|preambular|the\s+(?:title|annex))\b)")
NAME_WITH_AND = (
    "Antigua and Barbuda", "Bosnia and Herzegovina", "Saint Kitts and Nevis", "Saint Vincent and the Grenadines",
    "Sao Tome and Principe", "Trinidad and Tobago", "United Kingdom of Great Britain and Northern Ireland",
    "Heard Island and McDonald Islands", "Wallis and Futuna", "Turks and Caicos Islands",
)
SCRAP_CHARS = 2  # a line of at most this many characters between "... on" and the adoption date: a scan's scrap
SCRAP_WORDS = 3  # a line of at most this many words that no role knows, before a masthead line: unread masthead text
MASTHEAD_ROLES = frozenset({
    "un", "symbol", "organ", "distribution", "date", "original", "session", "session-dates", "committee", "agenda",
    "agenda-title", "sponsors", "doctype", "adopted", "report", "sc-number", "sc-adopted", "other"})


@dataclass
class Head:
    roles: list[str | None]  # per input line: a masthead role, "title", "formula", "body", or None (blank)
    facts: dict[str, Any] = field(default_factory=dict)
    body: int | None = None  # index of the first body line (the formula, or the first paragraph)
    title: str | None = None
    number: str | None = None


def _clean(s: str) -> str:
    return " ".join(s.split())


FORMULA_WORDS = 5  # "The Economic and Social Council,"
FORMULA_MISREAD = 2  # letters a scan may spoil in the formula line and leave it known


def misread_formula(line: str) -> bool:
    """The formula alone on its line with a letter or two misread: "The General Assembl}:,", "the General Assembly,",
    or with up to ``FORMULA_MISREAD`` scraps of a poor scan among or after its words, each of two
    letters or fewer ("The General al As Assembly,", "The General Assembly, \" vt": a 98 dpi fax).

    Its punctuation after the last word is dropped; what is left must be "The" and an organ's name
    within ``FORMULA_MISREAD`` edits (a line of at most ``FORMULA_WORDS`` words opening with "The").
    A paragraph's line is no such block: the caller asks for the formula's place (a block of its own).
    """
    t = re.sub(r"^" + FORMULA_SPECK, "", line.strip())
    if not t[:2].lower() == "th" or t[-1:].isdigit():
        return False  # "the General Assembly,1": a paragraph's line with its marker
    words = t.split()
    kept = [w for w in words[1:] if len(re.sub(r"[^A-Za-z0-9]", "", w)) > 2]
    if len(words) - 1 - len(kept) > FORMULA_MISREAD or not 1 <= len(kept) <= FORMULA_WORDS - 1:
        return False
    core = re.sub(r"[^A-Za-z]+$", "", " ".join(["T" + words[0][1:]] + kept))  # "the General Assembly,": its capital misread
    if any(Levenshtein.distance(core, f"The {o}", score_cutoff=FORMULA_MISREAD) <= FORMULA_MISREAD for o in G.ORGANS):
        return True
    # its words split by a scan's gaps ("The General As emblh"): the organ's letters, spaces aside
    joined = re.sub(r"[^A-Za-z]", "", "".join(words[1:]))
    return any(Levenshtein.distance(joined, o.replace(" ", ""), score_cutoff=FORMULA_MISREAD) <= FORMULA_MISREAD
               for o in G.ORGANS)


def is_formula(line: str) -> bool:
    return bool(FORMULA.match(line) or FORMULA_OPENING.match(line))


def _formula_at(lines: list[str], k: int) -> bool:
    """Is line ``k`` the formula: as printed, or misread where it stands as a block of its own (after a
    blank line; a paragraph's line "the General Assembly," runs on from the line before)?"""
    return is_formula(lines[k]) or (misread_formula(lines[k]) and (k == 0 or not lines[k - 1].strip()))


def fact_role(t: str) -> str | None:
    """The role of a masthead line by its own shape, or None."""
    if UN_LINE.match(t):
        return "un"
    if SC_NUMBER.match(t):
        return "sc-number"
    if SC_ADOPTED.match(t):
        return "sc-adopted"
    if ADOPTED_BY.match(t) or ON_DATE.match(t):
        return "adopted"
    if REPORT.match(t):
        return "report"
    if AGENDA.match(t) and not re.search(r"[.;,]$", t.strip()):
        return "agenda"
    if COMMITTEE.match(t):
        return "committee"
    if SESSION.match(t):
        return "session"
    if SESSION_DATES.match(t):
        return "session-dates"
    if G.ORIGINAL.match(t):
        return "original"
    if G.DISTR.search(t) and len(t.split()) <= 8:
        return "distribution"
    if G.DATE_LINE.match(t):
        return "date"
    if SYMBOL_AT_END.search(t) and len(t.split()) <= 5 and (t.strip().startswith(("United Nations", "A/", "E/", "S/")) or G.SYMBOL_LINE.match(t.rstrip("*†‡ "))):
        return "symbol"
    if G.ORGAN_LINE.match(t) or (ORGAN_AT_START.match(t) and G.DISTR.search(t)):
        return "organ"
    return None


def _sponsorish(t: str) -> bool:
    """A line of a sponsor list: names separated by commas, each starting with a capital."""
    chunks = [c.strip(" *†‡") for c in re.split(r",|:", t) if c.strip(" *†‡")]
    return len(chunks) >= 2 and all(c[:1].isupper() or c.startswith(("and ", "draft ")) for c in chunks)


def read(lines: list[str]) -> Head:
    """Roles of the lines before the body, the facts they give, and where the body starts."""
    n = len(lines)
    roles: list[str | None] = [None] * n
    i = 0
    body: int | None = None
    title_from: int | None = None
    while i < n:
        t = lines[i]
        if not t.strip():
            i += 1
            continue
        if _formula_at(lines, i):
            body = i
            break
        role = fact_role(t)
        start = i
        if role is None and TITLE.match(t):
            title_from = i
            break
        if role == "agenda":
            roles[i] = role
            nxt = _agenda_title(lines, roles, i + 1)
            if nxt == i + 1:  # a gap after "Agenda item 134" (a typewriter's double spacing): the title may follow
                nxt = _agenda_title_after_gap(lines, roles, i + 1)
            i = nxt
            continue
        if role == "report":  # "[on the report of the Special Political ... / (Fourth Committee) (A/79/419)]"
            while i < n and lines[i].strip():
                roles[i] = role
                i += 1
                if lines[i - 1].rstrip().endswith("]") or i - start > 3 or (i < n and TITLE.match(lines[i])):
                    break  # its bracket closed, or a resolution's numbered title follows (its bracket misread "|")
            nxt = _first_line(lines, i)
            if (not lines[i - 1].rstrip().endswith("]") and nxt is not None and nxt - i == 1
                    and lines[nxt].lstrip().startswith("(") and lines[nxt].rstrip().endswith("]")):
                roles[nxt] = role  # its closing line after a gap a typewriter's spacing opened
                i = nxt + 1
            continue
        if role:
            roles[i] = role
            i += 1
            if role == "adopted" and ADOPTED_ON.search(t):  # "... General Assembly on" / "26 October 2018"
                nxt = _first_line(lines, i)
                if nxt is not None and len(lines[nxt].strip()) <= SCRAP_CHARS and not fact_role(lines[nxt]):
                    after = _first_line(lines, nxt + 1)  # a scan's scrap between them ("os"): unread masthead text
                    if after is not None and ADOPTION_DATE.match(lines[after]):
                        roles[nxt] = "other"
                        nxt = after
                if nxt is not None and ADOPTION_DATE.match(lines[nxt]):
                    roles[nxt] = "adopted"
                    i = nxt + 1
            continue
        # A short line no role knows, between masthead lines (a scan's misread "Distr.: General" read
        # "Ses ise", an emblem's scrap): masthead text left unread, never the start of the title.
        nxt = _first_line(lines, i + 1)
        if (len(t.split()) <= SCRAP_WORDS and nxt is not None and fact_role(lines[nxt])
                and not TITLE.match(t) and not KIND.search(t) and not NOTE_BY.match(t)):
            roles[i] = "other"
            i += 1
            continue
        # What the document is: a sponsors' statement ending "...: draft resolution", "Draft
        # resolution submitted by ...", "Note by the Secretariat"; the title follows it.
        end = _statement_end(lines, i)
        if end is None and NOTE_BY.match(t):
            end = i
        if end is not None:
            for k in range(i, end + 1):
                if lines[k].strip():
                    roles[k] = "sponsors"
            roles[end] = "doctype" if SUBMITTED.match(lines[i]) or NOTE_BY.match(lines[i]) else "sponsors"
            title_from = _first_line(lines, end + 1)
            break
        # A note's title comes before its statement ("Organization of the work ... / Note by the Secretariat").
        nxt = next((k for k in range(i + 1, min(n, i + 6)) if lines[k].strip() and NOTE_BY.match(lines[k])), None)
        if nxt is not None:
            for k in range(i, nxt):
                if lines[k].strip():
                    roles[k] = "title"
            roles[nxt] = "doctype"
            body = _first_line(lines, nxt + 1)
            break
        if not any(roles[:i]) and not any(_formula_at(lines, k) for k in range(i, n)):
            body = i  # no masthead, no formula: a fragment, all body
            break
        later = _masthead_resumes(lines, i)
        if later is not None:
            # The masthead goes on below ("Resolution adopted by ...", "[on the report ...]"): these lines,
            # a masthead line OCR spoilt past its grammar and what hangs on it, are masthead, not the title.
            for k in range(i, later):
                if lines[k].strip():
                    roles[k] = "other"
            i = later
            continue
        title_from = i
        break
    if title_from is not None:
        body = _title_block(lines, roles, title_from)
    if body is None:
        body = n
    head = Head(roles=roles, body=body)
    for k in range(body, n):
        if lines[k].strip():
            roles[k] = "formula" if k == body and _formula_at(lines, k) else "body"
    head.facts = facts(lines, roles)
    tl = [lines[k] for k in range(n) if roles[k] == "title"]
    if tl:
        joined = _clean(" ".join(tl))
        m = TITLE.match(joined)
        if m:
            head.number, head.title = m.group(1), m.group(2)
        else:
            head.title = joined
    return head


RESUME_LOOKAHEAD = 8  # non-blank lines a title block and the agenda item's title may span


def _masthead_resumes(lines: list[str], i: int) -> int | None:
    """Index of the next masthead line after line ``i`` (an agenda item, "Resolution adopted by ...",
    "[on the report ...]", any line a role knows), or of a resolution's numbered title ("79/228. Towards ..."), before anything
    that opens a draft's title or the body; None if none does."""
    seen = 0
    for k in range(i + 1, len(lines)):
        t = lines[k]
        if not t.strip():
            continue
        seen += 1
        if seen > RESUME_LOOKAHEAD or _formula_at(lines, k) or KIND.search(t) or SUBMITTED.match(t) \
                or NOTE_BY.match(t) or OPENS_BODY.match(t):
            return None
        if fact_role(t) or TITLE.match(t):  # a resolution's title opens with its number
            return k
    return None


def _first_line(lines: list[str], i: int) -> int | None:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i if i < len(lines) else None


def _agenda_title(lines: list[str], roles: list[str | None], i: int) -> int:
    """The agenda item's title: the lines after "Agenda item", to the block's end or the sponsors."""
    start = i
    while i < len(lines) and lines[i].strip():
        t = lines[i]
        if fact_role(t) or _formula_at(lines, i) or SUBMITTED.match(t) or KIND.search(t) or NOTE_BY.match(t):
            break
        if i > start and _sponsorish(t) and not _blocks(lines):
            break  # no blank lines to go by: a list of names starts the sponsors
        roles[i] = "agenda-title"
        i += 1
    return i


def _agenda_title_after_gap(lines: list[str], roles: list[str | None], i: int) -> int:
    """The agenda item's title after a blank line: the lines up to the resolution's "Resolution adopted by ..."
    or "[on the report of ...]" line, when that line follows them directly, or up to a draft's statement of
    what it is ("Belarus, Bolivia ... : draft resolution", "Draft resolution submitted by ...") after a blank
    line (at most 4 lines, none with a role, a title number or the formula).  Otherwise nothing is taken."""
    start = _first_line(lines, i)
    if start is None:
        return i
    k, taken = start, []
    while k < len(lines) and len(taken) <= 4:
        t = lines[k]
        if not t.strip():
            nxt = _first_line(lines, k)
            if taken and nxt is not None and _statement_end(lines, nxt) is not None:
                for j in taken:  # a typewriter's double spacing: the title, a gap, the sponsors' statement
                    roles[j] = "agenda-title"
                return taken[-1] + 1
            k += 1
            continue
        role = fact_role(t)
        if role in ("adopted", "report") and taken:
            for j in taken:
                roles[j] = "agenda-title"
            return taken[-1] + 1
        if role or _formula_at(lines, k) or TITLE.match(t) or KIND.search(t) or NOTE_BY.match(t) or SUBMITTED.match(t):
            break
        taken.append(k)
        k += 1
    return i


def _blocks(lines: list[str]) -> bool:
    return any(not t.strip() for t in lines)


def _statement_end(lines: list[str], i: int) -> int | None:
    """Index of the line ending the statement of what the document is, if one starts at ``i``."""
    if SUBMITTED.match(lines[i]):
        k = i
        if SUBMITTED.match(lines[i]).group("by") is not None or lines[i].rstrip().endswith(","):
            # "Draft resolution submitted by the Vice-Chair of the Committee, / Weronika Garbacz (Poland)"
            while k + 1 < len(lines) and lines[k + 1].strip() and _blocks(lines) and not _formula_at(lines, k + 1):
                k += 1
        # a typewriter's double spacing: the statement runs on after a gap into a line that opens in lower case
        # ("... the Chair of the Committee following" / gap / "informal consultations")
        nxt = _first_line(lines, k + 1)
        while nxt is not None and nxt == k + 2 and lines[nxt].lstrip()[:1].islower() and not _formula_at(lines, nxt):
            k = nxt
            nxt = _first_line(lines, k + 1)
        return k
    k = i
    while k < len(lines) and lines[k].strip() and k - i < 12:
        if fact_role(lines[k]) or _formula_at(lines, k):
            return None
        if KIND.search(lines[k]) and (":" in lines[k] or STATEMENT_SEP.search(lines[k]) or k > i
                                      or lines[k].strip().lower().startswith(("draft", "amendment", "revised"))):
            return k
        k += 1
    return None


def _title_block(lines: list[str], roles: list[str | None], i: int) -> int | None:
    """Title lines from ``i``: to the formula, a block break (when the next block opens the body), or a paragraph."""
    k = i
    has_formula = any(_formula_at(lines, j) for j in range(i, len(lines)))
    while k < len(lines):
        t = lines[k]
        if not t.strip():
            if not has_formula and k > i:
                return _first_line(lines, k)
            k += 1
            continue
        if _formula_at(lines, k) or (k > i and (OPENS_BODY.match(t) or fact_role(t) in ("sc-adopted",))):
            return k
        if k > i and not lines[k - 1].strip() and re.fullmatch(r"\s*(?:[A-Z]|[IVX]{1,4})\s*", t):
            # a part of a document of several resolutions ("A", "Budget appropriations for 2026"): no title
            while k < len(lines) and not _formula_at(lines, k):
                if lines[k].strip():
                    roles[k] = "other"
                k += 1
            return k if k < len(lines) else None
        if roles[k] is None:
            roles[k] = "title"
        k += 1
        if not has_formula and not _blocks(lines):
            return _first_line(lines, k)
    return None


def body_start(work: WorkText) -> int:
    """Offset where the document's body begins, as the masthead grammar reads it; 0 if it cannot tell.

    After the formula line ("The General Assembly,"); inside it when the formula
    opens a decision's sentence ("The General Assembly, recalling ..."); at the
    first paragraph of a document without a formula (an amendment, a note).
    """
    texts = [work.text[ln.start:ln.end] for ln in work.lines[:400]]
    head = read(texts)
    if head.body is None or head.body >= len(texts):
        return 0
    ln = work.lines[head.body]
    line = texts[head.body]
    if FORMULA.match(line) or (misread_formula(line) and head.roles[head.body] == "formula"):
        return ln.end
    m = FORMULA_OPENING.match(line)
    if m:
        return ln.start + m.end()
    if not any(head.roles[:head.body]):
        return 0
    return ln.start


# ---------------------------------------------------------------- facts
def split_sponsors(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """"Austria, Egypt,* Netherlands (Kingdom of the) and Trinidad and Tobago" -> names and markers."""
    masked = text
    for name in NAME_WITH_AND:
        masked = masked.replace(name, name.replace(" and ", " \x00 "))
    parts: list[str] = []
    depth, cur = 0, ""
    for ch in masked:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    last = parts[-1]
    m = re.search(r"^(.*\S)\s+and\s+(\S.*)$", last)
    if m and "(" not in m.group(2)[:1]:
        parts[-1:] = [m.group(1), m.group(2)]
    names, notes = [], []
    for p in parts:
        p = _clean(p.replace("\x00", "and"))
        mm = re.match(rf"^(.*?)\s*({MARK})?$", p)
        name, mark = mm.group(1).strip(), mm.group(2)
        if not name and mark and names:  # "Saudi Arabia,* Slovakia": the mark after the comma
            notes.append({"sponsor": names[-1], "num": mark})
            continue
        lead = re.match(rf"^({MARK})\s*(.*)$", name)
        if lead and names:
            notes.append({"sponsor": names[-1], "num": lead.group(1)})
            name = lead.group(2)
        if name:
            names.append(name)
            if mark:
                notes.append({"sponsor": name, "num": mark})
    return names, notes


def facts(lines: list[str], roles: list[str | None]) -> dict[str, Any]:
    """Each masthead fact to its field."""
    f: dict[str, Any] = {}
    notes: list[dict[str, str]] = []
    by_role: dict[str, list[str]] = {}
    for t, r in zip(lines, roles):
        if r and t.strip():
            by_role.setdefault(r, []).append(_clean(t))
    for t in by_role.get("symbol", []) + by_role.get("un", []) + by_role.get("organ", []):
        m = SYMBOL_AT_END.search(t)
        if m and "symbol" not in f:
            f["symbol"] = m.group(1)
            if m.group(2):
                notes.append({"field": "symbol", "num": m.group(2)})
    for t in by_role.get("organ", []) + by_role.get("symbol", []):
        m = ORGAN_AT_START.match(t.removeprefix("United Nations").strip())
        if m and m.group(1) in ORGANS.split("|"):
            f.setdefault("masthead_organ", m.group(1))
    for t in lines:
        dm = G.DISTR.search(t)
        if dm:
            f.setdefault("distribution", dm.group(1).capitalize())
    for t in by_role.get("date", []):
        d = G.DATE.search(t)
        f.setdefault("distribution_date", G.iso_date(*d.groups()))
    for t in by_role.get("original", []):
        f.setdefault("original_language", G.ORIGINAL.match(t).group(1))
    for t in by_role.get("session", []):
        f.setdefault("session", SESSION.match(t).group(1))
    for t in by_role.get("session-dates", []):
        f.setdefault("session_dates", t)
    com = " ".join(by_role.get("committee", []))
    if com:
        f["committee"] = com
    items = []
    for t in by_role.get("agenda", []):
        m = AGENDA.match(t)
        nums = [x.strip() for x in re.split(r",\s*|\s+and\s+", m.group(1)) if x.strip()]
        items += [{"num": x, "title": None} for x in nums]
        f.setdefault("agenda_item", m.group(1).strip())
        if m.group(2):
            notes.append({"field": "agenda_item", "num": m.group(2)})
    at = _clean(" ".join(by_role.get("agenda-title", [])))
    if at:
        f["agenda_title"] = at
        if len(items) == 1:
            items[0]["title"] = at
    if items:
        f["agenda_items"] = items
    # its lines without a scan's specks at their ends ("... General Assembly:" / "\u2018on 22 December 2023")
    adopted = " ".join(re.sub(rf"^\s*{G.SPECK}\s*(?=on\b)|^\s*[^\sA-Za-z]\s*(?=Resolution|Decision)|(?<=[a-z])\s*{G.SPECK}\s*$",
                              "", t) for t in by_role.get("adopted", []))
    m = re.match(rf"^{ADOPTED_PHRASE}(.+?)(?:{G.GAP}on{G.GAP}({G.SPECKED_DATE}))?{G.LINE_END}", adopted)
    if m:
        f["document_type"] = m.group(1).lower()
        f["organ"] = m.group(2).strip()
        if m.group(3):
            f["adopted"] = G.iso_date(*G.date_parts(m.group(3)))
    for t in by_role.get("sc-number", []):
        f["number"] = SC_NUMBER.match(t).group(1)
        f["document_type"] = "resolution"
    for t in by_role.get("sc-adopted", []):
        m = SC_ADOPTED.match(t)
        f["organ"] = m.group(1)
        f["meeting"] = m.group(2)
        f["adopted"] = G.iso_date(*G.DATE.search(m.group(3)).groups())
        f["adoption_line"] = t
        f["document_type"] = "resolution"
    report = " ".join(by_role.get("report", []))
    if report:
        f["committee_report"] = report.strip("[] ")
    statement = _clean(" ".join(by_role.get("sponsors", []) + by_role.get("doctype", [])))
    if statement:
        _statement_facts(statement, f, notes)
    if "document_type" not in f:
        sym = f.get("symbol") or ""
        if "/RES/" in sym:
            f["document_type"] = "resolution"
        elif "/DEC/" in sym:
            f["document_type"] = "decision"
    if notes:
        f["marker_notes"] = notes
    return f


def facts_by_shape(lines: list[str], *, agenda_title: bool = False) -> dict[str, Any]:
    """The facts of masthead lines given without their blocks: each line's role by its own shape.

    For extraction's masthead zone (``agenda_title``: the line after "Agenda item ..." is the item's
    title) and for the masthead lines repair removed as furniture (single lines: no titles).
    """
    roles = [fact_role(t) or ("agenda-title" if agenda_title and k and fact_role(lines[k - 1]) == "agenda" else None)
             for k, t in enumerate(lines)]
    return facts(lines, roles)


def _statement_facts(statement: str, f: dict[str, Any], notes: list[dict[str, str]]) -> None:
    f["statement"] = statement
    sub = SUBMITTED.match(statement) if not re.search(r":\s*\S*\s*(?:revised\s+)?draft", statement, re.I) else None
    if NOTE_BY.match(statement):
        f["document_type"] = "other"
        f["submitted_by"] = re.sub(r"^\S+\s+(?:by|of|from|dated)\s+", "", statement)
        return
    if sub:
        kind = sub.group(1).lower()
        by = sub.group("by")
        if by:
            based = BASED_ON.search(by)
            if based:
                by = by[:based.start()]
                if based.group("on"):
                    f["based_on"] = based.group("on")
                if based.group("rec"):
                    f["recommended_by"] = based.group("rec").strip()
            by = re.sub(r"^the\s+", "", by.strip(" ,"))
        f["sponsors"] = [by] if by else []
        f["sponsor_notes"] = []
        if by:
            f["submitted_by"] = by
    else:
        m = re.search(rf"^(?P<who>.*?)\s*{STATEMENT_SEP_CHARS}\s*(?P<wmark>{MARK})?\s*{KIND.pattern}", statement, re.I)
        if not m:
            return
        kind = m.group("kind").lower()
        names, snotes = split_sponsors(m.group("who") + (m.group("wmark") or ""))
        f["sponsors"], f["sponsor_notes"] = names, snotes
        if m.group("amends"):
            f["amends"] = m.group("amends")
        if m.group("kmark"):
            notes.append({"field": "document_type", "num": m.group("kmark")})
    kind = re.sub(r"\s+", " ", kind)
    if kind.startswith("amendment"):
        f["document_type"] = "amendment"
        am = re.search(G.SYMBOL, kind.upper())
        f.setdefault("amends", am.group(0) if am else None)
        return
    base = "draft decision" if "decision" in kind else "draft resolution"
    revised = kind.startswith("revised") or bool(re.search(r"/Rev\.\d+", f.get("symbol") or ""))
    f["document_type"] = ("revised " + base) if revised else base


def report_facts(report: str) -> dict[str, str]:
    """What a committee-report line tells, in one form whatever the source: the report's symbol, the committee apart.

    "on the report of the Third Committee (A/80/470)" -> {"committee_report": "A/80/470", "committee": "Third Committee"}
    """
    out = {"committee_report": report}
    sym = re.search(rf"\(?({G.SYMBOL})", report)
    committee = re.search(r"\b(?:[A-Z][a-z]+(?: [A-Za-z]+)*? )?Committee\b", report)
    if sym:
        out["committee_report"] = sym.group(1).rstrip(",.;")
    if "without reference" in report.lower():
        out["committee"] = "without reference to a Main Committee"
    elif committee and "recommendation" not in report.lower():
        out["committee"] = committee.group(0).removeprefix("the ").strip()
    elif "recommendation" in report.lower():
        out["recommended_by"] = re.sub(r"^on the recommendation of (?:the )?", "", report.split("(")[0].strip())
    return out


def markers(lines: list[str]) -> set[str]:
    """Footnote markers the masthead prints (sponsors, symbol, agenda item, document type)."""
    f = read(lines).facts
    return {n["num"] for n in f.get("sponsor_notes", []) + f.get("marker_notes", [])}

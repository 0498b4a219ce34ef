"""The masthead's symbol misread by OCR, repaired from the document's own evidence.

A resolution's masthead prints its symbol with a large initial and small
letters ("A/RES/73/3"); Tesseract reads the slash after the large "A" as a
letter ("Avres/73/3", "A\\/RES/73/3", "AlRES/73/3"), garbles the small code
("AvrREs/73/6") or loses the series ("RES/73/3").  No grammar then finds a
symbol, and the document has none.

Candidates come from the known confusions of the symbol grammar (a slash read
as v, V, l, I, 1, |, \\ or lost; the code's case; one or two letters of the
code misread); a candidate must parse as a UN symbol (:data:`pipeline.grammar.SYMBOL_FULL`).
It is confirmed by what the document itself prints elsewhere:

* the symbol in a later page's running head (the same symbol, read well);
* the resolution's number before its title ("73/3. Political declaration ...")
  and the organ (its series: the General Assembly's resolutions are A/RES/);
* the session ("Seventy-third session": the symbol's session part is 73).

The confidence is scored by the rule from that evidence (:func:`score`): a
slash misread, confirmed by the number, is applied; a code whose letters had to
be changed, or a lost series, is flagged for review; with no evidence the
candidate is only suggested (the text keeps what OCR read, the document no
symbol), and the log says why.

    >>> candidates("Avres/73/3")
    [('A/RES/73/3', 0)]
"""
from __future__ import annotations

import itertools
import re

from .. import grammar as G
from .. import masthead
from .. import rules as R
from ..lexicon import general_zipf
from ..worktext import Proposal, WorkText
from .engine import EXACT_KINDS, RepairContext, rule
HEAD_LINES = 25  # the masthead is within the first page's first lines
SLASH_LOOKALIKES = "vVlI1|\\"
SLASH_SPECKS = ".,"  # in the symbol's head a slash a scan broke reads as a stop or a comma: "A.RES/78/260"
_TOKEN = re.compile(r"\S+")
_SLASH = "[/" + re.escape(SLASH_LOOKALIKES) + "]"  # a slash as read: itself or a lookalike
_TAIL = re.compile(_SLASH + r"\d{1,4}" + _SLASH + r"\d{1,4}$")  # "/73/3", "v73/3"
_SERIES_LOST = re.compile("RES" + _SLASH + r"\d{1,4}" + _SLASH + r"\d{1,4}")  # "RES/73/3": the series lost
# The resolution's number as printed before its title: "73/3. Political declaration ..." (with its full stop:
# a body line starting with a cited number, "72/3 of 30 October 2017", is no title).
_NUMBERED_TITLE = re.compile(r"^\s*" + masthead.SPECK_BEFORE_NUMBER + r"(?:Resolution\s+)?(\d{1,4}/\d{1,4})(?:\.|,(?=\s+[A-Z]))\s+\S")
_CODES = sorted(set(G.SYMBOL_CODES), key=len, reverse=True)
_ORDINAL_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9}
_ORDINAL_TEENS = {"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
                  "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_TENTHS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
           "eightieth": 80, "ninetieth": 90}


def _ordinal_names() -> dict[str, int]:
    names = {**_ORDINAL_UNITS, **_ORDINAL_TEENS, **_TENTHS}
    for tens, t in _TENS.items():
        for unit, u in _ORDINAL_UNITS.items():
            names[f"{tens}-{unit}"] = t + u
    return names


_ORDINALS = _ordinal_names()
# An ordinal of 8 letters or more may have one letter misread ("Eaghtieth"), of 9 or more two (a fax's
# "Kighticth"); not "Seventy", one letter from "Seventh".
ORDINAL_MISREADS = ((9, 2), (8, 1))


def session_number(words: str) -> int | None:
    """ "Seventy-third" -> 73, "Eightieth" -> 80, "Fifth" -> 5; one letter misread in a long ordinal
    ("Eaghtieth" -> 80, :data:`ORDINAL_MISREADS`) when no other ordinal is as near; None for anything else."""
    w = words.strip().lower()
    if w in _ORDINALS:
        return _ORDINALS[w]
    allowed = next((k for n, k in ORDINAL_MISREADS if len(w) >= n), 0)
    if not allowed:
        return None
    dist = {name: _edit(w, name) for name in _ORDINALS}
    best = min(dist.values())
    near = [_ORDINALS[name] for name, d in dist.items() if d == best]
    return near[0] if best <= allowed and len(near) == 1 else None


def _edit(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def _codes(part: str) -> list[tuple[str, int]]:
    """A component as a symbol code, with the letters changed: as read, in capitals ("Res" -> "RES"
    as well: the document's evidence chooses), or the nearest code (letters misread)."""
    out = [(c, 0) for c in dict.fromkeys((part, part.upper())) if c in _CODES]
    if out or not part.isalpha() or len(part) < 3:
        return out
    d = min(_edit(part.upper(), c) for c in _CODES)
    # every code as near: the document's evidence chooses ("vis" is as near "RES" as "MISC")
    return [(c, d) for c in _CODES if _edit(part.upper(), c) == d and len(c) >= 3] if d <= 2 else []


_SERIES = sorted(G.SYMBOL_SERIES, key=len, reverse=True)


def _heads(head: str) -> list[tuple[list[str], int]]:
    """The head's parts ("A", "RES") with each way a slash may have been misread or lost, and its cost."""
    spots = [k for k, c in enumerate(head) if c in SLASH_LOOKALIKES + SLASH_SPECKS][:6]
    out = []
    for n in range(len(spots) + 1):
        for chosen in itertools.combinations(spots, n):
            parts = "".join("/" if k in chosen else c for k, c in enumerate(head)).split("/")
            beside_slash = any("/" in head[max(0, k - 1):k] + head[k + 1:k + 2] for k in chosen)
            if beside_slash and parts[-1] and "" in parts:
                # a slash read twice, as itself and a lookalike beside it: "AV/RES" ("A\/RES" as Tesseract saw it)
                out.append(([p for p in parts if p], 1))
                continue
            if all(parts):
                out.append((parts, 0))
                if len(parts[0]) == 2 and parts[0][0] == parts[0][1] and parts[0][0] in _SERIES:
                    out.append(([parts[0][0]] + parts[1:], 1))  # a large bold initial read twice: "AA/RES"
                if len(parts) == 1:  # a slash lost: "ARES" is "A" and "RES"
                    out += [([ser, parts[0][len(ser):]], 1) for ser in _SERIES
                            if parts[0].upper().startswith(ser) and len(parts[0]) > len(ser)]
    return out


def candidates(token: str) -> list[tuple[str, int]]:
    """Symbols ``token`` may be, each with the number of letters changed or slashes restored (0: only
    slashes read as letters, and case)."""
    read = token.strip(".,;:()[]")
    t = read.replace("\\/", "/").replace("/\\", "/")
    m = _TAIL.search(t)
    if not m:
        return []
    head = t[:m.start()]
    tail = "/" + "/".join(re.findall(r"\d{1,4}", m.group(0)))
    out: dict[str, int] = {}
    for parts, cost0 in _heads(head):
        series, rest = parts[0], parts[1:]
        options = [_codes(p) for p in rest]
        if any(not o for o in options):
            continue
        for combo in itertools.product(*options):
            cost = cost0 + sum(c for _, c in combo)
            for ser in dict.fromkeys((series, series.upper())):
                sym = "/".join([ser] + [c for c, _ in combo]) + tail
                if G.SYMBOL_FULL.match(sym) and sym != read:
                    out[sym] = min(cost + (ser != series), out.get(sym, 99))
    return sorted(out.items(), key=lambda kv: (kv[1], kv[0]))


def evidence(work: WorkText, head_end: int) -> dict:
    """What the document prints that a masthead symbol must agree with."""
    ev: dict = {}
    lines = [work.text[ln.start:ln.end] for ln in work.lines]
    for k, ln in enumerate(work.lines[:head_end + 40]):
        t = G.LEADING_SPECK.sub("", lines[k], count=1)  # a scan's speck before a line (". Eightieth session")
        t = QUOTE_SPECK.sub("", t)  # or before a word ("Eightieth ‘session")
        m = _NUMBERED_TITLE.match(t)
        if m and "number" not in ev:
            ev["number"] = m.group(1)
        s = masthead.SESSION.match(t) or masthead.SESSION.match(WORD_SPECK.sub("", t))
        if s and "session" not in ev:
            n = session_number(s.group(1).split()[0])
            if n:
                ev["session"] = n
        d = G.DISTR.search(t) or LIMITED_ALONE.match(t)
        if d and k < head_end and "distribution" not in ev:
            ev["distribution"] = d.group(1).capitalize()  # "Limited": a draft, an L. document
        c = masthead.COMMITTEE.match(t)
        if c and k < head_end and "committee" not in ev:
            ev["committee"] = _committee_number(c.group(1))
        a = masthead.ADOPTED_BY.match(t)
        if a and "document" not in ev:
            ev["document"] = a.group(1).lower()  # "Resolution adopted by the General Assembly ..."
        o = masthead.ORGAN_AT_START.match(t)
        if o and o.group(1) in G.RESOLUTION_SERIES and "organ" not in ev:
            ev["organ"] = o.group(1)
        if masthead.is_formula(t) and "organ" not in ev:
            f = masthead.FORMULA.match(t) or masthead.FORMULA_OPENING.match(t)
            if f and f.group(1) in G.RESOLUTION_SERIES:
                ev["organ"] = f.group(1)
    heads = [tok for ln, t in zip(work.lines, lines) if ln.page > 1 and ln.attrs.get("zone") == "header"
             for tok in _TOKEN.findall(t) if G.SYMBOL_FULL.match(tok.strip(".,;"))]
    if heads:
        ev["running_head"] = max(set(heads), key=heads.count)
    return ev


def _committee_number(name: str) -> int | None:
    """ "Third Committee" -> 3; the Special Political and Decolonization Committee is the Fourth; None for the
    General and Credentials Committees (no C.n series)."""
    if "Decolonization" in name or "Fourth" in name:
        return 4
    word = name.split()[0].lower()
    return _ORDINAL_UNITS.get(word) if word in ("first", "second", "third", "fifth", "sixth") else None


# A draft's symbol as OCR may read it: the series' large initial, then its small "/80/L" (or "/C.1/80/L") misread
# in any way ("Aso/L.16", "Avc.180/L.12", "Avsor..32", "AvsoiL.42"), the stop before the draft's number (a comma,
# doubled, or lost after the "L": "A/80/L5") and the number, a revision after it.
_DRAFT_READ = re.compile(r"^A(?P<mid>\S{1,10}?)(?P<sep>[.,]{1,2}|(?<=L))(?P<n>\d{1,3})(?P<rev>/Rev[.,]\d{1,2})?$")
# A symbol's line read in pieces begins with the large initial and at most this many characters misread from
# its small type ("Avswy L5"), or with no English word ("Avsoit 42"); "Agenda item 94" is no symbol's.
JOINED_HEAD = 5
# A masthead's line that is its distribution's kind alone: a fax lost "Distr.:" ("Limited").
LIMITED_ALONE = re.compile(r"^\s*(Limited)\s*$")
# A speck read as a stop or a quote glued to a word's end ("Eightieth. session").
WORD_SPECK = re.compile(r"(?<=[a-z])[.,'\u2019](?= )")
# A scan's speck read as a quote glued to a word's start ("Eightieth ‘session", "Distr.: ‘Limited").
QUOTE_SPECK = re.compile(r"(?<= )[‘’'`](?=[A-Za-z])")
WORD_PIECE = 5  # a piece of a read this long that is an English word makes it words ("sort" in "A\\sort.32" may be small type)
WORD_ZIPF = 2.0  # wordfreq's Zipf scale: printed once in 100 million words or more, an English word


def draft_symbol(token: str, ev: dict) -> tuple[str, int] | None:
    """The draft symbol ``token`` is a misreading of, built from what the masthead prints (its session, its
    committee) and the draft number OCR read, with the characters changed (0: case only); None when the
    masthead does not say it is a draft ("Distr.: Limited") of a session, or the token is too far from it.

    >>> draft_symbol("Avc.180/L.12", {"distribution": "Limited", "session": 80, "committee": 1})
    ('A/C.1/80/L.12', 2)
    """
    read = _as_read(token).strip(";:()[]")
    m = _DRAFT_READ.match(read)
    if not m or ev.get("distribution") != "Limited" or not ev.get("session"):
        return None
    head = f"A/C.{ev['committee']}/{ev['session']}/" if ev.get("committee") else f"A/{ev['session']}/"
    rev = (m.group("rev") or "").replace(",", ".")
    sym = f"{head}L.{m.group('n')}{rev}"
    changed = _edit(read[:m.start("n")].upper(), (head + "L.").upper())
    # at most as many characters misread as the symbol has after its initial and before its number: the small
    # type beside the large initial is what OCR loses ("Aveot.1": all of "/80/L" misread, 5 edits; a fax's
    # "Avswy L5": all of "/80/L.", 6)
    if changed > len(head) + 1 or not G.SYMBOL_FULL.match(sym) or read == sym:
        return None
    word = read[:m.start("sep")]
    slash_read = len(word) <= 3 and word[1:2] in SLASH_LOOKALIKES  # "Avs": the slash read "v", no word
    if word.isalpha() and general_zipf(word.lower()) >= WORD_ZIPF and not slash_read:
        return None  # a word ("Annex.2", "Article.7"), no misread symbol
    if any(len(p) >= WORD_PIECE and general_zipf(p.lower()) >= WORD_ZIPF for p in re.findall(r"[A-Za-z]+", word)):
        return None  # words read with specks between them ("Agenda.item 94"), no misread symbol
    if not _subsequence(re.sub(r"\D", "", read[:m.start("n")]), re.sub(r"\D", "", head)):
        return None  # digits read that the session or committee contradict ("A/79/L.16" on an eightieth session's page)
    return sym, changed


def _as_read(token: str) -> str:
    """A draft's symbol token without what a scan adds to it: a slash read twice ("A\\/c.1"), a raised mark
    after it ("A/C.1/80/L.42*": the sponsors' note), a dash before its stop ("L-.22")."""
    return token.replace("\\/", "/").replace("/\\", "/").rstrip("*").replace("L-.", "L.")


def _subsequence(part: str, whole: str) -> bool:
    it = iter(whole)
    return all(c in it for c in part)


def score(sym: str, changed: int, lost_series: bool, ev: dict) -> tuple[float, list[str]]:
    """The rule's confidence in ``sym`` given the document's evidence, and the evidence that agreed.
    0 when the evidence contradicts it."""
    agreed: list[str] = []
    if ev.get("running_head"):
        if ev["running_head"] != sym:
            return 0.0, []
        agreed.append(f"running head {sym}")
    parts = sym.split("/")
    if ev.get("number"):
        if not sym.endswith("/" + ev["number"]):
            return 0.0, []
        agreed.append(f"number {ev['number']} before the title")
        series = G.RESOLUTION_SERIES.get(ev.get("organ", ""))
        if series and ("/RES/" in sym or ev.get("document") == "resolution"):
            if not sym.startswith(series):  # a resolution of the organ's, as its adoption line says
                return 0.0, []
            agreed.append(f"organ {ev['organ']}")
    if ev.get("session") and len(parts) >= 2:
        nums = [p for p in parts if p.isdigit()]
        if nums and int(nums[0]) != ev["session"]:
            return 0.0, []
        if nums:
            agreed.append(f"session {ev['session']}")
    strong = any(a.startswith(("running head", "number")) for a in agreed)
    if not strong:
        return 0.5, agreed  # nothing the document prints confirms it: suggested only
    conf = 0.97 if changed == 0 and not lost_series else 0.85 if changed <= 1 and not lost_series else 0.75
    if len(agreed) >= 3 and conf < 0.97:
        conf += 0.05
    return round(conf, 2), agreed


@rule(R.MASTHEAD_SYMBOL)
def repair_masthead_symbol(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Repair the first page's masthead symbol OCR misread, when the document confirms the repair.

    ``"Avres/73/3"`` with "73/3. Political declaration ..." below it -> ``"A/RES/73/3"``.
    """
    if ctx.source_kind in EXACT_KINDS:
        return []
    head = [ln for ln in work.lines[:HEAD_LINES] if ln.page == 1]
    texts = [work.text[ln.start:ln.end] for ln in head]
    ev = evidence(work, len(head))
    draft = _repair_draft(head, texts, ev)
    if draft is not None:
        return draft
    for t in texts:
        if masthead.fact_role(t) == "symbol":
            read = masthead.SYMBOL_AT_END.search(t).group(1)
            if not (ev.get("number") or ev.get("running_head")) or score(read, 0, False, ev)[0]:
                return []  # the masthead's symbol reads well (or nothing the document prints says otherwise)
    for ln, t in zip(head, texts):
        if masthead.is_formula(t) or masthead.TITLE.match(t):
            break
        toks = list(_TOKEN.finditer(t))
        for k, m in enumerate(toks):
            tok = m.group(0)
            found = candidates(tok)
            lost = False
            start, end, pieces = m.start(), m.end(), False
            joined = _joined_pieces(tok, [n.group(0) for n in toks[k + 1:k + 1 + MAX_PIECES]]) if not found else None
            if joined is not None:  # "A res.79 123": the large initial and the small code read apart
                n, found = joined
                found = [(sym, changed + 1) for sym, changed in found]  # slashes restored between words
                end, tok, pieces = toks[k + n].end(), t[start:toks[k + n].end()], True
            if not found and ev.get("organ") and _SERIES_LOST.fullmatch(tok):
                full = G.RESOLUTION_SERIES[ev["organ"]][:-len("RES/")] + tok  # the series lost: "RES/73/3"
                found = [(full, 0)] if G.SYMBOL_FULL.match(full) else candidates(full)
                lost = True
            best = None
            for sym, changed in found:
                conf, agreed = score(sym, changed, lost, ev)
                if conf and (best is None or conf > best[1]):
                    best = (sym, conf, agreed, changed)
            if best is None:
                continue
            sym, conf, agreed, changed = best
            info = {"read": tok, "symbol": sym, "evidence": agreed,
                    "how": "series lost" if lost else "read in pieces" if pieces else "code letters misread" if changed
                    else "slash misread"}
            if conf < 0.6:
                info["why_not_applied"] = "nothing the document prints (title number, running head) confirms it"
            return [Proposal(ln.start + start, ln.start + end, sym, R.MASTHEAD_SYMBOL, conf, info)]
    return []


MAX_PIECES = 3  # a symbol read in pieces: its large initial and at most this many words after it
# A slash a light print broke between a code and a number reads as a stop or a comma: "res.79"
_SPECK_SLASH = re.compile(rf"(?<=[A-Za-z])[{re.escape(SLASH_SPECKS)}](?=\d)")


def _joined_pieces(tok: str, after: list[str]) -> tuple[int, list[tuple[str, int]]] | None:
    """A series letter read as a word of its own and the words after it joined by slashes, as one symbol:
    "A" "res.79" "123" -> "A/res/79/123" -> A/RES/79/123.  (words joined, candidates) or None."""
    if tok not in _SERIES:
        return None
    for n in range(len(after), 0, -1):  # the longest run that parses
        joined = _SPECK_SLASH.sub("/", "/".join([tok, *after[:n]]))
        found = candidates(joined) or ([(joined, 0)] if G.SYMBOL_FULL.match(joined) else [])
        if found:
            return n, found
    return None


def _repair_draft(head: list, texts: list[str], ev: dict) -> list[Proposal] | None:
    """A draft's masthead symbol misread (``"Aso/L.16"`` on a page of the eightieth session that says
    "Distr.: Limited" -> ``"A/80/L.16"``): rebuilt from the session, the committee and the number read, and
    flagged for review, as nothing the page prints confirms the draft's number.  None when the masthead's
    symbol is no draft's or reads well."""
    if ev.get("distribution") != "Limited" or not ev.get("session"):
        return None
    for ln, t in zip(head, texts):
        if masthead.is_formula(t) or masthead.TITLE.match(t):
            break
        toks = list(_TOKEN.finditer(t))
        reads = [(m.group(0), m.start(), m.end()) for m in toks]
        first = toks[0].group(0) if toks else ""
        if len(toks) in (2, 3) and first.startswith("A") and (
                len(first) <= JOINED_HEAD or not first.isalpha() or general_zipf(first.lower()) < WORD_ZIPF):
            # the symbol's line read in pieces, a space where its small type was ("Avs 42", "Avswy L5",
            # "Ace 1/80/L 24": a fax); never a line of words ("Agenda item 94")
            reads.append((".".join(m.group(0) for m in toks), toks[0].start(), toks[-1].end()))
        for tok, start, end in reads:
            if G.SYMBOL_FULL.match(tok.strip(".,;:*")) and "/L." in tok:
                return []  # the draft's symbol reads well
            found = draft_symbol(tok, ev)
            if found is None:
                continue
            sym, changed = found
            agreed = [f"session {ev['session']}", "distribution Limited"] + (
                [f"committee {ev['committee']}"] if ev.get("committee") else [])
            conf = 0.85 if changed <= 1 else 0.75 if changed <= 3 else 0.65
            info = {"read": tok, "symbol": sym, "evidence": agreed, "how": "a draft's symbol misread",
                    "notice": "the draft's number is as OCR read it: check it against the page"}
            return [Proposal(ln.start + start, ln.start + end, sym, R.MASTHEAD_SYMBOL, conf, info)]
    return None

"""UN document symbols: a grammar, and repair of symbols OCR misread.

A symbol is a series ("A", "E", "S", "ST", "UNEP", ...) followed by
"/"-separated components: numbers ("73", "2005"), body codes ("RES", "HRC",
"PRST"), numbered bodies and parts ("CONF.157", "CN.4", "Sub.2", "L.3",
"Add.2", "Corr.1", "ES-10").  Two symbols of one document are joined by "-"
("E/CN.4/2001/2-E/CN.4/Sub.2/2000/46").  A token that does not parse is
repaired only when a few OCR confusions ("/" read as "I", "E" as "B") turn it
into one that does; a token that parses is never touched.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

from ..worktext import Proposal, WorkText
from .engine import RepairContext, rule
from .guards import Guard

SERIES = (
    "A S E ST TD UNEP FCCC ICCD CCPR CRC CEDAW CERD CAT CRPD CMW CED DP UNW ECE ESCAP ECLAC ECA ESCWA "
    "HRI SPLOS ISBA UNICEF UNDP UNFPA UNITAR UNIDO IDB WHA EB AC CTOC CAC CBD UNHCR BWC CCW CD CCM "
    "APLC ICC ITLOS UNCITRAL"
).split()
# Series that carry a session number themselves ("WHA69/2016/REC/1",
# "EB136/8", "GC.18/Res.9").
NUMBERED_SERIES = r"(?:WHA\d{1,3}|EB\d{1,3}|GC\(?\d{1,3}\)?|GC\.\d{1,3}|ICC-ASP)"
# Body codes that stand alone as a component.
CODES = (
    "RES DEC PRST INF PV SR CRP WP HRC GC CP CMP CMA SBI SBSTA SGB AI IC OP SPC BUR INF EA UNEP CONF "
    "Res Dec Summary MISC SUM NGO ORG COP MOP OEWG REC"
).split()
# Codes followed by ".number" ("CONF.157", "Add.2").
NUMBERED = "CONF CN C AC L Add Corr Rev Sub WG EA Res PV SR Amend CRP WP INF Misc MISC E GC".split()

_COMPONENT = (
    r"(?:\d{1,4}(?:\.\d{1,3})?"  # 73, 2005, 10.1 (never five digits: that is a lost slash)
    r"|(?:" + "|".join(sorted(set(CODES), key=len, reverse=True)) + r")"
    r"|(?:" + "|".join(sorted(set(NUMBERED), key=len, reverse=True)) + r")\.\d{1,4}(?:/Rev\.\d)?"
    r"|(?:ES|S)-\d{1,2}"
    r"|(?:CONF|MSP)\.[IVX]{1,6}"  # "BWC/CONF.IX/9"
    r")"
)
_ONE = (
    r"(?:(?:" + NUMBERED_SERIES + "|" + "|".join(sorted(SERIES, key=len, reverse=True)) + r")(?:/" + _COMPONENT + r")+"
    # Security Council documents before 1994 are numbered in one series of
    # five digits ("S/24111", "S/25704/Add.1"): as printed, that is a symbol.
    r"|S/\d{5}(?:/" + _COMPONENT + r")*)"
)
SYMBOL_FULL = re.compile(r"^" + _ONE + r"(?:-" + _ONE + r")*$")
# Cited alone: a component after a symbol ("and Corr.1"), a resolution of an
# emergency or special session ("ES-10/15", "S-26/2"), a United Nations
# sales number ("E.96.IV.13", "E.78.II.A.11").
STANDALONE = re.compile(
    r"^(?:(?:Add|Corr|Rev|Amend)\.\d{1,3}"
    r"|(?:ES|S)-\d{1,2}/\d{1,3}"
    r"|[ACEFRS]\.\d{2}\.[IVX]{1,5}(?:\.[A-Z])?\.\d{1,3}"
    r")$"
)

# Candidate tokens: what a symbol looks like before it is known to be one.
TOKEN_RE = re.compile(r"(?<![\w/.])[A-Z$58][A-Za-z0-9./|$\-]*[A-Za-z0-9]")

_SLASHES = ("I", "l", "1", "|", "J", "i")
_LETTERS = {"B": "E", "8": "B", "5": "S", "$": "S", "0": "O", "O": "0", "l": "1", "I": "1", "1": "I", "|": "1"}


def parses(token: str) -> bool:
    return bool(SYMBOL_FULL.match(token) or STANDALONE.match(token))


def _looks_like_symbol(tok: str) -> bool:
    """Worth a repair attempt: a digit, a separator or misread one, capitals."""
    if not re.search(r"\d", tok):
        return False
    if not any(c.isupper() for c in tok):
        return False
    return "/" in tok or bool(re.search(r"[A-Z][.][0-9]", tok))


def _plausibility(symbol: str) -> tuple[int, int, str]:
    numbers = re.findall(r"\d+", symbol)
    return (-(symbol.count("/") + symbol.count(".")), max((len(n) for n in numbers), default=0), symbol)


@lru_cache(maxsize=4096)
def repair(token: str, max_edits: int = 3) -> tuple[str, int, int] | None:
    """The repaired symbol, its number of edits and how many repairs tie.

    Edits are OCR confusions only: a glyph read for "/" and letters of the
    series or a code read as look-alikes.
    """
    options: list[tuple[int, str]] = []
    for i, ch in enumerate(token):
        if ch in _SLASHES:
            options.append((i, "/"))
        if ch in _LETTERS:
            options.append((i, _LETTERS[ch]))
    if not options or len(options) > 14:
        return None
    for k in range(1, max_edits + 1):
        found: list[str] = []
        for combo in itertools.combinations(options, k):
            positions = [i for i, _ in combo]
            if len(set(positions)) < k:
                continue
            chars = list(token)
            for i, c in combo:
                chars[i] = c
            cand = "".join(chars)
            if SYMBOL_FULL.match(cand):
                found.append(cand)
        if found:
            # Prefer the reading with more components ("A/67/53", not
            # "A/67153": OCR loses slashes, it does not invent digits), then
            # the one with the shortest numbers ("A/RES/78/162", not
            # "A/RES/7811/62").
            ranked = sorted(set(found), key=_plausibility)
            best = _plausibility(ranked[0])
            return ranked[0], k, sum(1 for c in ranked if _plausibility(c) == best)
    return None


@rule("symbols.un_symbol")
def un_symbol(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Repair UN document symbols whose slashes or letters OCR misread.

    "AIHRC/7/31" -> "A/HRC/7/31"; "B/CN.4/2001/2" -> "E/CN.4/2001/2".
    """
    guard = Guard(work)
    out: list[Proposal] = []
    for m in TOKEN_RE.finditer(work.text):
        tok = m.group()
        # Trailing "." ends a sentence, not the symbol ("A/67/53.").
        while tok and tok[-1] in ".-":
            tok = tok[:-1]
        if not tok or parses(tok) or not _looks_like_symbol(tok):
            continue
        start, end = m.start(), m.start() + len(tok)
        if guard.blocked(start, end):
            continue
        fixed = repair(tok)
        if fixed is None:
            continue
        cand, edits, ties = fixed
        if ties > 1:
            conf = 0.5
        else:
            conf = {1: 0.97, 2: 0.92, 3: 0.8}[edits]
        conf_ocr = work.conf_at(start, end)
        if conf_ocr is not None and conf_ocr >= 0.95 and conf < 0.95:
            conf -= 0.1
        out.append(
            Proposal(start, end, cand, "symbols.un_symbol", conf, {"edits": edits, "alternatives": ties})
        )
    return out

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

from .. import grammar as G
from .. import rules as R
from ..worktext import Proposal, WorkText
from .engine import RepairContext, rule
from .guards import Guard

# The symbol grammar a corrected token must parse under: pipeline.grammar (SYMBOL_FULL).
SYMBOL_FULL = G.SYMBOL_FULL
STANDALONE = G.SYMBOL_STANDALONE

# Candidate tokens: what a symbol looks like before it is known to be one.
TOKEN_RE = re.compile(r"(?<![\w/.])[A-Z$58][A-Za-z0-9./|$\-]*[A-Za-z0-9]")

_SLASHES = ("I", "l", "1", "|", "J", "i")
_LETTERS = {"B": "E", "8": "B", "5": "S", "$": "S", "0": "O", "O": "0", "l": "1", "I": "1", "1": "I", "|": "1"}


def parses(token: str) -> bool:
    return bool(SYMBOL_FULL.match(token) or STANDALONE.match(token))


def _looks_like_symbol(tok: str) -> bool:
    """Worth a repair attempt: a digit, a separator or misread one, capitals (or "$", an "S" read
    with its stroke: "$-23/3")."""
    if not re.search(r"\d", tok):
        return False
    if not any(c.isupper() or c == "$" for c in tok):
        return False
    return "/" in tok or bool(re.search(r"[A-Z][.][0-9]", tok))


def _plausibility(symbol: str) -> tuple[int, int, str]:
    numbers = re.findall(r"\d+", symbol)
    return (-(symbol.count("/") + symbol.count(".")), max((len(n) for n in numbers), default=0), symbol)


@lru_cache(maxsize=4096)
def repair(token: str, max_edits: int = 3) -> tuple[str, int, int] | None:
    """The repaired symbol, its number of edits and how many repairs tie.

    Edits are OCR confusions only: a glyph read for "/" and letters of the
    series or a code read as look-alikes.  The result parses as a full symbol or
    as one cited alone ("$-23/3" -> "S-23/3", a special session's resolution;
    "E.96.1V.13" -> "E.96.IV.13", a sales number).
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
            if SYMBOL_FULL.match(cand) or STANDALONE.match(cand):
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


@rule(R.UN_SYMBOL)
def un_symbol(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Repair UN document symbols whose slashes or letters OCR misread.

    "AIHRC/7/31" -> "A/HRC/7/31"; "B/CN.4/2001/2" -> "E/CN.4/2001/2"; "$-23/3" -> "S-23/3".
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
            Proposal(start, end, cand, R.UN_SYMBOL, conf, {"edits": edits, "alternatives": ties})
        )
    return out

"""The masthead's printed labels, read with a letter lost: "Dist.: Limited" -> "Distr.: Limited", "Distt: Limited" -> "Distr.: Limited".

Every UN document's masthead prints its distribution as "Distr.: General",
"Distr.: Limited" or "Distr.: Restricted" (``grammar.DISTR``).  A short
token a letter or two from "Distr", standing where that label stands (just
before ".:" or ":" and one of the three kinds), is that label.
"""
from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from ..grammar import DISTR_SLOT
from ..worktext import Proposal, WorkText
from .. import rules as R
from .engine import RepairContext, rule

LABEL = "Distr"
MAX_DISTANCE = 2


@rule(R.DISTRIBUTION_LABEL)
def distribution_label(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Restore the distribution label of a masthead.  "Dist.: Limited" -> "Distr.: Limited", "Distt: Limited" -> "Distr.: Limited"."""
    out = []
    for m in DISTR_SLOT.finditer(work.text):
        printed = m.group(1)
        if printed == LABEL:
            continue  # the letters as printed (a lost period alone is no word error)
        d = Levenshtein.distance(printed, LABEL)
        if d > MAX_DISTANCE or (d == 2 and printed[0] != "D"):
            continue
        # The label is printed with its period ("Distr.:"); a lost one comes back with the letters.
        out.append(Proposal(m.start(1), m.end(2), LABEL + ".", R.DISTRIBUTION_LABEL,
                            0.95 if d <= 1 else 0.85, {"printed": m.group()}))
    return out

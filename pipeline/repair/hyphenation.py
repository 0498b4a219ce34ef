"""Hyphens at line ends: join a word broken for the line, keep a compound.

The document itself is the first witness (does it print "non-selectivity"
or "strengthening" elsewhere?), the lexicon the second (UN compounds, UN and
English words).  Either way the line break after the hyphen goes: joining
removes "-\\n", keeping removes only the break, so that the structure stage,
which reads any whitespace run as one space, does not print "non- selectivity".
"""
from __future__ import annotations

import re
from collections import Counter

from .. import rules as R
from ..lexicon import Lexicon
from ..worktext import Proposal, WorkText
from .engine import RepairContext, rule
from .guards import Guard, lexicon_of

# word, hyphen (or soft hyphen), spaces, line break (a text export may put a
# blank line after every line), spaces, next word.
BREAK_RE = re.compile(
    r"(?P<left>[A-Za-z]+)(?P<sp> ?)(?P<hy>[-\u00ad\u2010\u2011])(?P<gap>[ \t]*\n(?:[ \t]*\n)?[ \t]*)(?P<right>[A-Za-z0-9][A-Za-z]*)"
)
# After a suspended hyphen ("burden- and responsibility-sharing") the next
# line starts with a conjunction or preposition, never a word's second half.
FUNCTION_WORDS = frozenset("and or to nor but as than the a an of in on for with by".split())


def _doc_counts(text: str) -> tuple[Counter, Counter]:
    """Compounds printed whole (not across a line end) and plain words."""
    compounds = Counter(
        m.group().lower().replace("\u2011", "-").replace("\u2010", "-")
        for m in re.finditer(r"[A-Za-z]+(?:[-\u2010\u2011][A-Za-z]+)+", text)
    )
    words = Counter(m.group().lower() for m in re.finditer(r"[A-Za-z]+", text))
    return compounds, words


def decide(left: str, right: str, prefix: str, lex: Lexicon, doc_compounds: Counter, doc_words: Counter) -> tuple[str, float, str]:
    """("join" | "keep", confidence, evidence) for ``left-`` + break + ``right``.

    ``prefix`` is the compound the left word already belongs to ("non-" in
    "non-govern-\\nmental").
    """
    joined = (left + right).lower()
    hyph = f"{left}-{right}".lower()
    whole_hyph = (prefix + hyph).lower()
    if right[0].isdigit() or right[0].isupper():
        return "keep", 0.95, "next line starts with a capital or digit"
    if right.lower() in FUNCTION_WORDS:
        return "keep", 0.95, "a function word starts a compound's next part (\"safety-by-design\")"
    dh = doc_compounds.get(hyph, 0) + doc_compounds.get(whole_hyph, 0)
    # The joined word is printed elsewhere in the document unbroken.
    dj = doc_words.get(joined, 0)
    if dh and dh >= dj:
        return "keep", 0.97, f"document prints {hyph!r} {dh}x"
    if dj and dj > dh:
        return "join", 0.97, f"document prints {joined!r} {dj}x"
    lh = lex.compound_count(hyph) + lex.compound_count(whole_hyph)
    ldj = lex.domain_count(joined)
    if lh and lh >= ldj:
        return "keep", 0.95, f"UN compound {hyph!r} ({lh}x)"
    if ldj:
        return "join", 0.95, f"UN word {joined!r} ({ldj}x)"
    joined_en = lex.english_count(joined)
    left_ok, right_ok = lex.is_known(left), lex.is_known(right)
    if joined_en and not (left_ok and right_ok):
        return "join", 0.95, f"{joined!r} is a word, {left!r}/{right!r} are not both words"
    if joined_en and lex.zipf(joined) >= max(lex.zipf(left), lex.zipf(right)) - 1.0:
        return "join", 0.8, f"{joined!r} is a common word"
    if left_ok and right_ok:
        return "keep", 0.9, "both halves are words, the joined form is not usual"
    if joined_en:
        return "join", 0.7, f"{joined!r} is a word"
    return "keep", 0.6, "no evidence for a joined word"


@rule(R.LINE_END_HYPHEN)
def line_end(work: WorkText, ctx: RepairContext) -> list[Proposal]:
    """Join a word hyphenated at a line end, or keep a compound's hyphen.

    "strength-\\nening the" -> "strengthening the";
    "non-\\nselectivity" -> "non-selectivity".
    """
    lex: Lexicon = lexicon_of(ctx)
    text = work.text
    guard = Guard(work)
    doc_compounds, doc_words = _doc_counts(text)
    out: list[Proposal] = []
    for m in BREAK_RE.finditer(text):
        left, right, hy = m.group("left"), m.group("right"), m.group("hy")
        hy_at = m.start("sp")
        spaced = bool(m.group("sp"))
        if guard.blocked(m.start("left"), m.end("right")):
            continue
        pm = re.search(r"((?:[A-Za-z]+[-\u2011])+)$", text[max(0, m.start() - 60):m.start()])
        prefix = pm.group(1).replace("\u2011", "-") if pm else ""
        if hy == "\u00ad":
            decision, conf, why = "join", 0.97, "soft hyphen"
        elif right.lower() in FUNCTION_WORDS and text[m.end("right"):m.end("right") + 1] != "-":
            continue
        elif right[0].isdigit() and re.match(r"\d*[.)]", text[m.start("right"):m.start("right") + 6]):
            continue  # the next line is a numbered paragraph ("2."), not the rest of "COVID-19"  # "burden-\nand responsibility-sharing": the space is printed
        else:
            decision, conf, why = decide(left, right, prefix, lex, doc_compounds, doc_words)
            if spaced and conf < 0.95:
                # OCR's "drug -\nresistant"; but " -" may be a dash: only on
                # the document's or the lexicon's word.
                continue
        if decision == "join":
            out.append(Proposal(hy_at, m.end("gap"), "", R.LINE_END_HYPHEN, conf, {"decision": "join", "evidence": why}))
        else:
            # Keep the hyphen (as "-"), drop the break after it.
            after = "-" if hy != "-" else hy
            out.append(
                Proposal(hy_at, m.end("gap"), after, R.LINE_END_HYPHEN, max(conf, 0.6), {"decision": "keep", "evidence": why})
            )
    return out

"""Measured confidence: a guessing rule's own score mapped to how often such
guesses were right.

A rule scores its proposal from the evidence it sees (the kind of edit, the
candidate's frequency, the neighbours, the OCR engine's confidence); that
score orders proposals but is not a probability.  ``dictionaries/
calibration.json`` maps it to one: for each rule (and, for
``words.spelling``, each kind of edit) and each source (``ocr``: the word
carries an OCR confidence; ``text``: a text export of unknown provenance),
a monotone step function fitted by isotonic regression on a labelled set of
real OCR errors, synthetic damage and clean text (``python bench/calibrate.py``
rebuilds it and says how).  Each step holds the share of right corrections
among the labelled proposals that scored in it, so a correction's confidence
is that share, and its status follows the measured bands:

- ``applied`` at ``apply`` (0.995) and above: in the text, in the history
  (on OCR words only by a table measured on OCR words, or on tagged rare
  evidence; a rule-wide table pooled over sources at most flags);
- ``flagged`` at ``flag`` (0.8) and above: in the text, for review;
- ``suggested`` below: not in the text, for review.

A guessing rule, or a kind of evidence, the labelled set holds too little of
is "unmeasured": it keeps its own score but is never applied.  Rules the
calibration does not cover (furniture, Unicode, hyphenation, footnotes) keep
their own confidence and the thresholds of ``luigi.cfg``.
"""
from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import rules as R
from ..worktext import Proposal, WorkText

CALIBRATION_FILE = "calibration.json"
CASE_TAG = "case"  # a tag of pipeline.repair.words: the first letter's case was a guess (words.case_guessed)


@dataclass(frozen=True)
class Steps:
    """A monotone step function over raw scores: step i covers ``[lows[i], highs[i]]``."""

    lows: tuple[float, ...]
    highs: tuple[float, ...]
    probs: tuple[float, ...]
    counts: tuple[int, ...]

    def __call__(self, raw: float) -> tuple[float, int] | None:
        """The measured share of the step holding ``raw``; between two steps, the lower
        one's (never more than was measured); None below every measured score."""
        i = bisect.bisect_right(self.lows, raw + 1e-9) - 1
        if i < 0:
            return None
        return self.probs[i], self.counts[i]


@dataclass
class Calibration:
    tables: dict[str, Steps] = field(default_factory=dict)
    apply: float = 0.995
    flag: float = 0.8
    fingerprint: str = "none"
    # Rules the calibration covers: one of these with no measured table for a
    # proposal's evidence gets "unmeasured" (its own score, never applied).
    rules: frozenset[str] = frozenset()

    @classmethod
    def none(cls) -> "Calibration":
        """No calibration: rules keep their own scores (used to build the labelled set)."""
        return cls()

    def status(self, p: float) -> str:
        if p >= self.apply:
            return "applied"
        if p >= self.flag:
            return "flagged"
        return "suggested"

    def measured(self, p: Proposal, source: str) -> tuple[str, float, int] | None:
        """(key, share right, labelled count) of the most specific table that measured scores like this one."""
        for key in keys(p, source):
            steps = self.tables.get(key)
            if steps is not None:
                found = steps(p.confidence)
                if found is not None:
                    return key, found[0], found[1]
        return None

    def calibrate(self, proposals: list[Proposal], work: WorkText, in_register: bool = True) -> list[Proposal]:
        """Each proposal of a calibrated rule with its measured confidence and band.

        ``in_register``: the text is in the UN register the table was measured
        on (``repair.register``); outside it nothing was measured, and the
        proposals are suggestions.
        """
        if not self.rules:
            return proposals
        conf_spans = None
        for p in proposals:
            if p.status is not None or p.rule not in self.rules:
                continue  # a rule the calibration does not cover
            if conf_spans is None:
                conf_spans = _ConfIndex(work)
            source = "ocr" if conf_spans.has(p.start, p.end) else "text"
            found = self.measured(p, source)
            if found is None:
                # Evidence the labelled set never showed: the rule's own score, never applied.
                key, prob = "unmeasured", min(float(p.confidence), self.apply - 0.001)
            else:
                key, prob, _ = found
                if source == "ocr" and "|" not in key and ("+" not in key or key.endswith(f"+{CASE_TAG}")) \
                        and prob >= self.apply:
                    # A rule-wide table pools every source (mostly text exports): on OCR
                    # words it was not measured enough to apply ("beball" -> "be ball").
                    key, prob = f"{key} (pooled: at most flagged on OCR)", self.apply - 0.001
            if not in_register:
                key, prob = "outside the UN register", min(prob, float(p.confidence), self.flag - 0.01)
            p.info = {**p.info, "raw_confidence": round(float(p.confidence), 4), "calibration": key}
            p.confidence = round(prob, 4)
            p.status = self.status(prob) if in_register else "suggested"
        return proposals


def keys(p: Proposal, source: str) -> list[str]:
    return record_keys(p.rule, p.info, source)


def record_keys(rule: str, info: dict, source: str) -> list[str]:
    """Table keys for a proposal, most specific first: rule:edit+tags|source, rule:edit+tags,
    rule:edit|source, rule:edit, rule|source, rule.

    Tags name evidence that changes the odds (``gen``: general English prints
    the word as it stands); a tagged proposal is measured only by its tagged
    table over every source, never by the untagged ones (they would overstate
    it): real OCR showed such words mostly right as printed.  The ``case`` tag
    (the first letter's case a guess, ``words.case_guessed``) keeps the source
    apart: rule:edit+case|source, rule:edit+case.
    """
    edit = info.get("edit") if rule == R.SPELLING else None
    found = sorted(info.get("tags", ()))
    tags = "".join(f"+{t}" for t in found if t != CASE_TAG)
    out = []
    if edit:
        fam = _edit_family(edit)
        if tags:
            return [f"{rule}:{fam}{tags}"]  # rare evidence: one table over every source
        if CASE_TAG in found:
            # The first letter's case a guess: its own tables, per source, never the
            # untagged ones (measured on words whose case the page gave).
            return [f"{rule}:{fam}+{CASE_TAG}|{source}", f"{rule}:{fam}+{CASE_TAG}"]
        out += [f"{rule}:{fam}|{source}", f"{rule}:{fam}"]
    elif tags:
        return [f"{rule}{tags}"]
    out += [f"{rule}|{source}", rule]
    return out


def _edit_family(edit: str) -> str:
    return "edit" if edit.startswith("edit") else edit


class _ConfIndex:
    def __init__(self, work: WorkText) -> None:
        self.spans = sorted((m.start, m.end) for m in work.marks if m.kind == "conf")
        self.starts = [s for s, _ in self.spans]

    def has(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, max(start, end - 1)) - 1
        return i >= 0 and self.spans[i][1] > start


def from_json(data: dict[str, Any], fingerprint: str = "") -> Calibration:
    tables = {
        key: Steps(tuple(s[0] for s in steps), tuple(s[1] for s in steps), tuple(s[2] for s in steps),
                   tuple(s[3] for s in steps))
        for key, steps in data.get("tables", {}).items()
    }
    rules = frozenset(data.get("rules") or {k.split(":")[0].split("|")[0].split("+")[0] for k in tables})
    return Calibration(tables, float(data.get("apply", 0.995)), float(data.get("flag", 0.8)), fingerprint, rules)


_CACHE: dict[str, Calibration] = {}


def load(dictionaries_dir: Path | str) -> Calibration:
    """The calibration of a dictionaries folder (none when it has no calibration.json), read once per content."""
    path = Path(dictionaries_dir) / CALIBRATION_FILE
    if not path.exists():
        return Calibration.none()
    raw = path.read_bytes()
    key = hashlib.sha256(raw).hexdigest()[:16]
    cal = _CACHE.get(key)
    if cal is None:
        from ..userfiles import DictionaryError, UserFileError, echo, load_json

        todo = "rebuild it with python bench/calibrate.py"
        try:
            data = load_json(path, todo=todo)  # bounded, one line per fault (pipeline.userfiles)
            cal = from_json(data, key)
        except UserFileError as e:
            raise DictionaryError(str(e)) from None
        except (ValueError, KeyError, TypeError, IndexError, OverflowError) as e:
            raise DictionaryError(f"{path}: cannot be read ({echo(e)}); {todo}") from None
        _CACHE[key] = cal
    return cal

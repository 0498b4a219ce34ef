"""Footnotes across the batch: a note anchored in one document is evidence for the others.

Versions of one resolution (the official text, an export that lost its markers,
a scan that lost a raised digit) print the same footnote after the same words.
After every document's own footnote stage, :func:`anchored_notes` lists each
document's anchored notes with the words around their markers; the batch's
list is the evidence (task ``NoteIndex``).  Per document, :func:`apply_evidence`
then

- suggests a place for a footnote no marker was found for, where the words a
  marker of the same note follows elsewhere stand here (``footnote.batch-anchor``,
  always a suggestion: accepting it anchors the note there);
- anchors a footnote where a reviewer accepted "a marker was probably stripped
  here" (``footnote.lost-marker``): the document's own note that the sequence
  or the batch says belongs there, else the note the batch prints after the same
  words (its text taken from that document, and the output says from which),
  else a note whose text the source does not give.

Nothing here changes the text: notes are placed by marks, and every suggestion
is a logged correction.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from rapidfuzz import fuzz

from .. import rules as R
from ..worktext import Decide, Mark, Proposal, Thresholds, WorkText

_WORD = re.compile(r"\w+")
CONTEXT_WORDS = 8  # words kept on each side of an anchored marker
MIN_BEFORE = 5  # words before a place that must match to take it for the same place
SAME_TEXT = 90  # rapidfuzz ratio at or above which two notes' texts are the same note
BATCH_ANCHOR_CONFIDENCE = 0.5  # another document's evidence: never applied without a reviewer


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _footnote_spans(work: WorkText) -> list[tuple[int, int]]:
    return sorted((m.start, m.end) for m in work.marks if m.kind == "footnote")


def flow_words(work: WorkText) -> list[tuple[str, int, int]]:
    """The words of the paragraphs (footnote bodies left out), casefolded, with their spans."""
    spans = _footnote_spans(work)
    out = []
    k = 0
    for m in _WORD.finditer(work.text):
        while k < len(spans) and spans[k][1] <= m.start():
            k += 1
        if k < len(spans) and spans[k][0] <= m.start() < spans[k][1]:
            continue
        out.append((m.group(0).casefold(), m.start(), m.end()))
    return out


def footnote_texts(work: WorkText) -> dict[str, str]:
    """``{num: text}`` of the footnote bodies in the text, single-spaced, without their numbers."""
    out = {}
    for m in work.marks:
        if m.kind != "footnote":
            continue
        num_mark = next((n for n in work.marks if n.kind == "footnote_num" and m.start <= n.start < m.end), None)
        out[m.data["num"]] = " ".join(work.text[num_mark.end if num_mark else m.start:m.end].split())
    return out


def anchored_notes(work: WorkText) -> list[dict[str, Any]]:
    """Each anchored note of a document: its number, text and the words around its marker."""
    texts = footnote_texts(work)
    words = flow_words(work)
    starts = [w[1] for w in words]
    out = []
    for m in sorted((m for m in work.marks if m.kind == "note"), key=lambda m: m.start):
        num = m.data["num"]
        if num not in texts or not texts[num]:
            continue
        i = _bisect(starts, m.start)  # words before the marker: words[:i]
        out.append({
            "num": num, "text": texts[num],
            "before": [w[0] for w in words[max(0, i - CONTEXT_WORDS):i]],
            "after": [w[0] for w in words[i:i + CONTEXT_WORDS]],
        })
    return out


def _bisect(starts: list[int], pos: int) -> int:
    import bisect

    return bisect.bisect_left(starts, pos)


def same_note(a: str, b: str) -> bool:
    return bool(a) and bool(b) and fuzz.ratio(_norm(a), _norm(b)) >= SAME_TEXT


def merge_notes(notes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per distinct note and place: the versions of one resolution print the same notes.

    Each keeps ``doc_id`` (the first document, by id) and ``doc_ids`` (all of them).
    """
    merged: dict[tuple, dict[str, Any]] = {}
    for n in sorted(notes, key=lambda n: n["doc_id"]):
        key = (_norm(n["text"]), tuple(n["before"]), tuple(n["after"]), n["num"])
        if key in merged:
            merged[key]["doc_ids"].append(n["doc_id"])
        else:
            merged[key] = {**n, "doc_ids": [n["doc_id"]]}
    return list(merged.values())


class Evidence:
    """The batch's notes, looked up by text and by the words before their markers."""

    def __init__(self, notes: Iterable[dict[str, Any]]) -> None:
        self.notes = list(notes)
        self.by_tail: dict[tuple[str, ...], list[int]] = {}
        self.by_text: dict[str, list[int]] = {}
        for i, n in enumerate(self.notes):
            if len(n["before"]) >= MIN_BEFORE:
                self.by_tail.setdefault(tuple(n["before"][-MIN_BEFORE:]), []).append(i)
            self.by_text.setdefault(_norm(n["text"]), []).append(i)
        self._texts = list(self.by_text)

    @staticmethod
    def _other(n: dict[str, Any], doc_id: str) -> dict[str, Any] | None:
        """The note as evidence for ``doc_id``: from another document, named by the first such."""
        rest = [d for d in n.get("doc_ids") or [n["doc_id"]] if d != doc_id]
        return {**n, "doc_id": rest[0]} if rest else None

    def same_text(self, text: str, doc_id: str) -> list[dict[str, Any]]:
        from rapidfuzz import process

        hits = process.extract(_norm(text), self._texts, scorer=fuzz.ratio, score_cutoff=SAME_TEXT, limit=None) if text else []
        out = [self._other(self.notes[i], doc_id) for t, _, _ in hits for i in self.by_text[t]]
        return [n for n in out if n]

    def ending_with(self, tail: tuple[str, ...], doc_id: str) -> list[dict[str, Any]]:
        out = [self._other(self.notes[i], doc_id) for i in self.by_tail.get(tail, [])]
        return [n for n in out if n]


def find_place(words: list[tuple[str, int, int]], before: list[str], after: list[str]) -> tuple[int, int] | None:
    """The one place where ``before`` ends (at least MIN_BEFORE words of it); its word index and score.

    Score: words matched before, plus words matched after.  Two places with the
    best score are no evidence, so None.
    """
    if len(before) < MIN_BEFORE:
        return None
    tail = before[-MIN_BEFORE:]
    seq = [w[0] for w in words]
    scored = []
    for i in range(MIN_BEFORE - 1, len(seq)):
        if seq[i - MIN_BEFORE + 1:i + 1] != tail:
            continue
        n = MIN_BEFORE
        while n < len(before) and i - n >= 0 and seq[i - n] == before[-n - 1]:
            n += 1
        a = 0
        while a < len(after) and i + 1 + a < len(seq) and seq[i + 1 + a] == after[a]:
            a += 1
        scored.append((n + a, i))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1], scored[0][0]


def _place_end(text: str, word_end: int) -> int:
    """A marker stands after the word and the punctuation that follows it ("1993," -> after the comma)."""
    end = word_end
    while end < len(text) and text[end] in ",;:.)\u201d\u2019\"":
        end += 1
    return end


def evidence_at(words: list[tuple[str, int, int]], i: int, evidence: "Evidence", doc_id: str) -> list[dict[str, Any]]:
    """Notes of other documents whose marker follows the same words as word ``i`` here; best first."""
    seq = [w[0] for w in words]
    found = []
    if i < MIN_BEFORE - 1:
        return []
    for n in evidence.ending_with(tuple(seq[i - MIN_BEFORE + 1:i + 1]), doc_id):
        before = n["before"]
        k = MIN_BEFORE
        while k < len(before) and i - k >= 0 and seq[i - k] == before[-k - 1]:
            k += 1
        a = 0
        while a < len(n["after"]) and i + 1 + a < len(seq) and seq[i + 1 + a] == n["after"][a]:
            a += 1
        found.append((k + a, n["doc_id"], n))
    found.sort(key=lambda t: (-t[0], t[1]))
    return [n for _, _, n in found]


# Review decisions on these rules need the batch's evidence to be honoured.


def needs_evidence(work: WorkText) -> bool:
    """Has this document anything the batch's notes can speak to (a note without a marker, a stripped marker)?"""
    anchored = {m.data["num"] for m in work.marks if m.kind == "note"}
    return any(m.kind == "lost_marker" or (m.kind == "footnote" and m.data["num"] not in anchored) for m in work.marks)


def suggestions(work: WorkText, notes: "list[dict[str, Any]] | Evidence", thresholds: Thresholds) -> dict[str, Any]:
    """What the batch suggests for one document, without any decision: the report shows these.

    ``{"corrections": [suggested footnote.batch-anchor records], "info": {lost-marker id: evidence}}``,
    with the ids the document's own run gives them when a reviewer has decided.
    """
    if not needs_evidence(work):
        return {"corrections": [], "info": {}}
    before = {r["id"]: dict(r.get("info") or {}) for r in work.corrections if r["rule"] == R.FOOTNOTE_LOST_MARKER}
    n = len(work.corrections)
    apply_evidence(work, notes, thresholds, None)
    info = {}
    for r in work.corrections[:n]:
        if r["rule"] == R.FOOTNOTE_LOST_MARKER and r.get("info") != before.get(r["id"]):
            info[r["id"]] = {k: v for k, v in r["info"].items() if k in ("note", "evidence")}
    return {"corrections": work.corrections[n:], "info": info}


def apply_evidence(work: WorkText, notes: "list[dict[str, Any]] | Evidence", thresholds: Thresholds,
                   decide: Decide | None = None) -> WorkText:
    """Use the batch's anchored notes (``notes``, each with ``doc_id``) for this document, in place."""
    evidence = notes if isinstance(notes, Evidence) else Evidence(notes)
    texts = footnote_texts(work)
    anchored = {m.data["num"] for m in work.marks if m.kind == "note"}
    words = flow_words(work)
    word_ends = [w[2] for w in words]

    def word_before(pos: int) -> int | None:
        import bisect

        i = bisect.bisect_right(word_ends, pos) - 1
        return i if i >= 0 else None

    # Suggested places for footnotes without a marker.
    proposals = []
    for num, text in texts.items():
        if num in anchored:
            continue
        best = None
        for n in evidence.same_text(text, work.doc_id):
            hit = find_place(words, n["before"], n["after"])
            if hit and (best is None or hit[1] > best[0][1]):
                best = (hit, n)
        if best is None:
            continue
        (i, score), n = best
        w = words[i]
        token_start = w[1]
        end = _place_end(work.text, w[2])
        proposals.append(Proposal(
            token_start, end, work.text[token_start:end], R.FOOTNOTE_BATCH_ANCHOR, BATCH_ANCHOR_CONFIDENCE,
            {"notice": f"footnote {num} has no marker; in {n['doc_id']} the same note is anchored after these words",
             "footnote": num, "evidence": n["doc_id"], "words_matched": score, "note": n["text"]},
            status="suggested"))
    for r in work.apply(proposals, thresholds, decide):
        if r["status"] == "accepted":
            at = r["where"]["offset"] + len(r["before"])
            work.marks.append(Mark(at, at, "note", {"num": r["info"]["footnote"]}))
            anchored.add(r["info"]["footnote"])
            _resolve_unanchored(work, r)

    # Places where a reviewer says a stripped marker stood.
    records = {r["id"]: r for r in work.corrections if r["rule"] == R.FOOTNOTE_LOST_MARKER}
    numeric = [int(k) for k in texts if k.isdigit()]
    for m in sorted(work.marks_of("lost_marker"), key=lambda m: m.start):
        i = word_before(m.start)
        found = evidence_at(words, i, evidence, work.doc_id) if i is not None else []
        record = records.get(m.data["id"])
        if record is not None and found and "note" not in record.get("info", {}):
            # Show the reviewer what accepting would anchor here (the id does not depend on info).
            record.setdefault("info", {}).update(note=found[0]["text"], evidence=found[0]["doc_id"])
        if not m.data.get("accepted"):
            continue
        notes_before = [int(n.data["num"]) for n in work.marks
                        if n.kind == "note" and n.start <= m.start and n.data["num"].isdigit()]
        expected = str(max(notes_before, default=0) + 1)
        free = [k for k in texts if k not in anchored]
        num = expected if expected in free else next(
            (k for k in free for e in found if same_note(texts[k], e["text"])), None)
        if num is not None:
            work.marks.append(Mark(m.start, m.start, "note", {"num": num}))
            anchored.add(num)
            if record is not None:
                _resolve_unanchored(work, {**record, "info": {"footnote": num}})
            continue
        if not texts:
            num = expected  # no note bodies at all: the markers number the notes
        else:
            num = str(max(numeric + [int(k) for k in anchored if k.isdigit()], default=0) + 1)
        while num in texts or num in anchored:
            num = str(int(num) + 1)
        data: dict[str, Any] = {"num": num, "text": found[0]["text"] if found else "",
                                "from": found[0]["doc_id"] if found else None}
        work.marks.append(Mark(m.start, m.start, "note", {"num": num}))
        work.marks.append(Mark(m.start, m.start, "borrowed_footnote", data))
        anchored.add(num)
    return work


def _resolve_unanchored(work: WorkText, accepted: dict[str, Any]) -> None:
    """The notice "no marker could be linked to footnote n" is answered by the place a reviewer accepted.

    The notice (a pointer, no change to the text) takes the reviewer's status and says which decision
    answered it, so the report stops asking about a note that is anchored now.
    """
    for r in work.corrections:
        if r["rule"] == R.FOOTNOTE_UNANCHORED and (r.get("info") or {}).get("footnote") == accepted["info"]["footnote"] \
                and r["status"] in ("flagged", "suggested"):
            r["status"] = "accepted"
            r["info"] = {**r["info"], "answered_by": accepted["id"]}

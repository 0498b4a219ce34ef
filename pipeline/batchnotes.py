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

from .worktext import Decide, Mark, Proposal, Thresholds, WorkText

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


def evidence_at(words: list[tuple[str, int, int]], i: int, notes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Notes of other documents whose marker follows the same words as word ``i`` here; best first."""
    seq = [w[0] for w in words]
    found = []
    for n in notes:
        before = n["before"]
        if len(before) < MIN_BEFORE or seq[max(0, i - MIN_BEFORE + 1):i + 1] != before[-MIN_BEFORE:]:
            continue
        k = MIN_BEFORE
        while k < len(before) and i - k >= 0 and seq[i - k] == before[-k - 1]:
            k += 1
        a = 0
        while a < len(n["after"]) and i + 1 + a < len(seq) and seq[i + 1 + a] == n["after"][a]:
            a += 1
        found.append((k + a, n["doc_id"], n))
    found.sort(key=lambda t: (-t[0], t[1]))
    return [n for _, _, n in found]


def apply_evidence(work: WorkText, notes: list[dict[str, Any]], thresholds: Thresholds,
                   decide: Decide | None = None) -> WorkText:
    """Use the batch's anchored notes (``notes``, each with ``doc_id``) for this document, in place."""
    others = [n for n in notes if n.get("doc_id") != work.doc_id]
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
        for n in others:
            if not same_note(text, n["text"]):
                continue
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
            token_start, end, work.text[token_start:end], "footnote.batch-anchor", BATCH_ANCHOR_CONFIDENCE,
            {"notice": f"footnote {num} has no marker; in {n['doc_id']} the same note is anchored after these words",
             "footnote": num, "evidence": n["doc_id"], "words_matched": score, "note": n["text"]},
            status="suggested"))
    for r in work.apply(proposals, thresholds, decide):
        if r["status"] == "accepted":
            at = r["where"]["offset"] + len(r["before"])
            work.marks.append(Mark(at, at, "note", {"num": r["info"]["footnote"]}))
            anchored.add(r["info"]["footnote"])

    # Places where a reviewer says a stripped marker stood.
    records = {r["id"]: r for r in work.corrections if r["rule"] == "footnote.lost-marker"}
    numeric = [int(k) for k in texts if k.isdigit()]
    for m in sorted(work.marks_of("lost_marker"), key=lambda m: m.start):
        i = word_before(m.start)
        evidence = evidence_at(words, i, others) if i is not None else []
        record = records.get(m.data["id"])
        if record is not None and evidence and "note" not in record.get("info", {}):
            # Show the reviewer what accepting would anchor here (the id does not depend on info).
            record.setdefault("info", {}).update(note=evidence[0]["text"], evidence=evidence[0]["doc_id"])
        if not m.data.get("accepted"):
            continue
        notes_before = [int(n.data["num"]) for n in work.marks
                        if n.kind == "note" and n.start <= m.start and n.data["num"].isdigit()]
        expected = str(max(notes_before, default=0) + 1)
        free = [k for k in texts if k not in anchored]
        num = expected if expected in free else next(
            (k for k in free for e in evidence if same_note(texts[k], e["text"])), None)
        if num is not None:
            work.marks.append(Mark(m.start, m.start, "note", {"num": num}))
            anchored.add(num)
            continue
        if not texts:
            num = expected  # no note bodies at all: the markers number the notes
        else:
            num = str(max(numeric + [int(k) for k in anchored if k.isdigit()], default=0) + 1)
        while num in texts or num in anchored:
            num = str(int(num) + 1)
        data: dict[str, Any] = {"num": num, "text": evidence[0]["text"] if evidence else "",
                                "from": evidence[0]["doc_id"] if evidence else None}
        work.marks.append(Mark(m.start, m.start, "note", {"num": num}))
        work.marks.append(Mark(m.start, m.start, "borrowed_footnote", data))
        anchored.add(num)
    return work

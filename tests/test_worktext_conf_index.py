"""WorkText.conf_at bisects an index of the OCR words: it must answer exactly as a scan of every mark does."""
from __future__ import annotations

import random

from pipeline.worktext import Mark, Proposal, Thresholds, WorkText


def _linear(work: WorkText, start: int, end: int) -> float | None:
    confs = [m.data["conf"] for m in work.marks if m.kind == "conf" and m.start < max(end, start + 1) and m.end > start]
    return min(confs) if confs else None


def _random_work(rng: random.Random) -> WorkText:
    text = "".join(rng.choice("ab cd\n") for _ in range(300))
    marks = []
    for _ in range(rng.randrange(0, 60)):
        s = rng.randrange(0, 300)
        e = min(300, s + rng.randrange(0, 15))  # zero-length, overlapping and nested spans too
        kind = rng.choice(("conf", "conf", "superscript", "note"))
        marks.append(Mark(s, e, kind, {"conf": rng.uniform(0, 100), "bbox": [s, 0, e, 1]} if kind == "conf" else {}))
    return WorkText("doc", text, [], marks)


def test_conf_at_equals_the_linear_scan_on_random_marks_through_edits_and_additions():
    rng = random.Random(14)
    for _ in range(200):
        work = _random_work(rng)
        for step in range(3):
            for _ in range(40):
                s = rng.randrange(0, len(work.text) + 1)
                e = min(len(work.text), s + rng.randrange(0, 20))
                assert work.conf_at(s, e) == _linear(work, s, e)
            if step == 0:  # an edit moves the marks: the index follows
                s = rng.randrange(0, len(work.text) - 10)
                work.apply([Proposal(s, s + rng.randrange(0, 8), "xyz" * rng.randrange(0, 3), "test", 0.99)], Thresholds())
            else:  # a mark added from outside (as the notes stage does)
                s = rng.randrange(0, len(work.text))
                work.marks.append(Mark(s, s + 3, "conf", {"conf": rng.uniform(0, 100)}))


def test_bbox_unites_the_boxes_of_the_words_under_a_span():
    work = WorkText("doc", "one two three", [], [
        Mark(0, 3, "conf", {"conf": 90.0, "bbox": [0, 0, 3, 1]}), Mark(4, 7, "conf", {"conf": 40.0, "bbox": [4, 0, 7, 2]}),
        Mark(8, 13, "conf", {"conf": 80.0})])
    assert work._bbox(2, 6) == [0, 0, 7, 2]
    assert work._bbox(9, 10) is None
    assert work.conf_at(2, 6) == 40.0 and work.conf_at(3, 4) is None and work.conf_at(13, 13) is None

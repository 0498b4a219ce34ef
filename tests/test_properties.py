"""Properties of repair + footnote recovery + structure on arbitrary input (hypothesis).

For any string, and for generated resolution-like documents with superscript
markers and footnote bodies:

- nothing raises (a text export may only be refused with ``ExtractError``);
- replaying the correction log on the extracted text gives the final text
  (:func:`pipeline.worktext.replay`): no change is unlogged;
- every non-blank character of the final text lies in a block of
  :func:`pipeline.structure.parts.blocks`: no character is lost on the way to the
  published document outside a logged correction.

``test_repair_properties.py`` covers the repair rules alone; these run the
stages as the pipeline chains them.
"""
from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.run import stages
from pipeline.extract.errors import ExtractError
from pipeline.extract.text import extract_text
from pipeline.model import Extracted, Line, Page, Source, Span
from pipeline.settings import Settings
from pipeline.structure.parts import blocks
from pipeline.worktext import WorkText, replay

SETTINGS = Settings()
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=1)
def _lexicon_loaded() -> bool:
    stages.load_lexicon(SETTINGS)
    return True


def chain(doc: Extracted) -> tuple[WorkText, WorkText]:
    """(extracted text, text after repair and footnote recovery), as the Luigi stages chain them."""
    _lexicon_loaded()
    start = WorkText.from_extracted(doc)
    repaired = stages.repair(doc, SETTINGS, {})
    final = stages.recover_footnotes(WorkText.from_json(repaired.to_json()), SETTINGS, {})
    stages.build(final, doc)  # the published document is built without raising
    return start, final


def assert_nothing_lost(start: WorkText, final: WorkText) -> None:
    assert replay(start.text, final.corrections) == final.text
    covered = bytearray(len(final.text))
    for b in blocks(final):
        covered[b.start:b.end] = b"\x01" * (b.end - b.start)
    lost = [(i, final.text[i]) for i in range(len(final.text)) if not covered[i] and not final.text[i].isspace()]
    assert lost == []


# ---------------------------------------------------------------- any string, as a text export
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
UN_WORDS = ("The General Assembly, Human Rights Council, Recalling Reaffirming Urges Requests Decides 1. 2. 3. (a) (b) "
            "al elementsin Oficial ofthe strength- ening 1993,1 20002 rights,3 Official Records, Supplement No. 53 "
            "A/RES/62/160 * ” “ ’ – … ¹ ² ³ <sup>4</sup> # --- <p> </p> | 0 l \u00a0 \u00ad \f").split(" ")
UN_TEXT = st.lists(st.sampled_from(UN_WORDS + [" ", "\n", "\n\n", "\n  "]), max_size=120).map(" ".join)


@PROPS
@given(st.one_of(ANY_TEXT, UN_TEXT, st.tuples(UN_TEXT, ANY_TEXT, UN_TEXT).map("".join)))
@example("1. Decides\n\n1\n See resolution 60/251.\n")
@example("\ufeff\x00")
def test_any_text_export_is_cleaned_or_refused_and_nothing_is_lost(text: str) -> None:
    try:
        doc = extract_text(text.encode("utf-8"), Source(path="raw/p.txt", sha256="0" * 64, kind="text"))
    except ExtractError as e:
        assert str(e).startswith("raw/p.txt: ")
        return
    start, final = chain(doc)
    assert_nothing_lost(start, final)


# ---------------------------------------------------------------- resolution-like pages with footnotes
SENTENCE = st.lists(st.sampled_from(
    "the of and in to human rights international cooperation General Assembly Council resolution "
    "Declaration Programme Action Vienna session Official Records Supplement No. A/RES/62/160 1993, 2000 "
    "elementsin ofthe Oficial al goverrnent strength- ening non- selectivity ; , .".split()), min_size=1, max_size=14).map(" ".join)


@st.composite
def resolution(draw) -> Extracted:
    """Pages of preambular and operative lines, superscript markers, and footnote bodies at page foot."""
    pages: list[Page] = []
    marker = 0
    n_pages = draw(st.integers(1, 3))
    op = 0
    for pn in range(1, n_pages + 1):
        lines: list[Line] = []
        if pn == 1:
            lines.append(Line(text=draw(st.sampled_from(["The General Assembly,", "The Human Rights Council,", ""])), size=10))
        notes = []
        for _ in range(draw(st.integers(1, 6))):
            kind = draw(st.sampled_from(["pre", "op", "cont", "blank"]))
            if kind == "blank":
                lines.append(Line(text="", size=10))
                continue
            body = draw(SENTENCE)
            if kind == "pre":
                text = draw(st.sampled_from(["Recalling ", "Reaffirming ", "Noting "])) + body
            elif kind == "op":
                op += 1
                text = f"{op}. " + draw(st.sampled_from(["Urges ", "Requests ", "Decides "])) + body
            else:
                text = body
            spans = []
            if draw(st.booleans()):  # a superscript footnote marker, glued to the word or after a comma
                marker += 1
                m = str(marker)
                text = text + draw(st.sampled_from(["", ","])) + m
                spans.append(Span(start=len(text) - len(m), end=len(text), superscript=True, size=6))
                notes.append(marker)
                if draw(st.booleans()):
                    text += " " + draw(SENTENCE)
            lines.append(Line(text=text, size=10, spans=spans))
        for n in notes if draw(st.booleans()) else notes[: draw(st.integers(0, len(notes)))]:
            body = f"{n} " + draw(SENTENCE)
            lines.append(Line(text=body, size=8, spans=[Span(start=0, end=len(str(n)), superscript=True, size=5)],
                              zone=draw(st.sampled_from([None, "footnote"]))))
        pages.append(Page(number=pn, lines=lines))
    return Extracted(doc_id="prop", source=Source(path="raw/prop.pdf", sha256="0" * 64, kind="pdf"), pages=pages)


@PROPS
@given(resolution())
def test_footnote_recovery_never_raises_and_loses_nothing(doc: Extracted) -> None:
    start, final = chain(doc)
    assert_nothing_lost(start, final)
    for c in final.corrections:
        assert c["status"] in ("applied", "flagged", "suggested", "accepted", "rejected")


@PROPS
@given(resolution(), st.randoms(use_true_random=False))
def test_damaged_layout_facts_still_lose_nothing(doc: Extracted, rnd) -> None:
    """OCR gets sizes and zones wrong: shuffle them and the invariants still hold."""
    for page in doc.pages:
        for line in page.lines:
            line.size = rnd.choice([None, 6, 8, 10, 12])
            line.zone = rnd.choice([None, None, "footnote", "header", "footer"])
            for s in line.spans:
                s.superscript = rnd.random() < 0.8
    start, final = chain(doc)
    assert_nothing_lost(start, final)


@st.composite
def any_layout(draw) -> Extracted:
    """Lines of UN-like or arbitrary text with arbitrary (in-bounds) spans, sizes and zones."""
    pages = []
    for pn in range(1, draw(st.integers(1, 3)) + 1):
        lines = []
        for _ in range(draw(st.integers(0, 8))):
            text = draw(st.one_of(UN_TEXT, ANY_TEXT)).replace("\n", " ").replace("\f", " ")
            spans = []
            for _ in range(draw(st.integers(0, 3)) if text else 0):
                a = draw(st.integers(0, len(text) - 1))
                b = draw(st.integers(a + 1, len(text)))
                spans.append(Span(start=a, end=b, superscript=draw(st.booleans()), italic=draw(st.booleans()),
                                  size=draw(st.sampled_from([None, 5.0, 8.0, 10.0])),
                                  conf=draw(st.sampled_from([None, 0.2, 0.95]))))
            lines.append(Line(text=text, size=draw(st.sampled_from([None, 6.0, 8.0, 10.0, 12.0])), spans=spans,
                              zone=draw(st.sampled_from([None, "footnote", "header", "footer"]))))
        pages.append(Page(number=pn, lines=lines))
    return Extracted(doc_id="prop", source=Source(path="raw/prop.pdf", sha256="0" * 64, kind="pdf"), pages=pages)


@PROPS
@given(any_layout())
def test_any_layout_never_raises_and_loses_nothing(doc: Extracted) -> None:
    start, final = chain(doc)
    assert_nothing_lost(start, final)

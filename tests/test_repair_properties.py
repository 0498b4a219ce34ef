"""Properties of the whole repair chain on arbitrary, UN-like damaged text:
the rules never raise, the log replays to the repaired text exactly, and
nothing inside a superscript (a footnote marker) is touched."""
from __future__ import annotations

from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.lexicon import default_dictionaries_dir, load_lexicon
from pipeline.repair.engine import RepairContext, run_rules
from pipeline.repair.order import TEXT_RULES
from pipeline.worktext import Mark, Thresholds, WorkText, replay

WORDS = (
    "the of and in to all actors elements Official Records General Assembly human rights inter alia "
    "strengthening non-selectivity confidence-building Reaffirming Urges cooperation Durban session "
    "chap. (Part Corr.1 Add.2 A/CONF.157/24 E/CN.4/2001/2 A/RES/73/3 2000 20002 ; , . ! % ® * ” “ ’ – …"
).split()
DAMAGED = (
    "al elementsin Oficial ofthe AICONF.157/24 B/CN.4 111 11 1 goverrnent heaIth tlie strength- -\n "
    "â€™ Ã© \ufb01 \u00a0 \u2011 \u00ad \x07 \u200b \n \n\f\n l | 0 rn cl li"
).split(" ")
PIECES = st.sampled_from(WORDS + DAMAGED + [" ", " ", "\n", "  "])
TEXT = st.lists(PIECES, max_size=60).map(lambda xs: "".join(x if x in ("\n", " ", "  ") else x + " " for x in xs))
NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@lru_cache(maxsize=1)
def ctx() -> RepairContext:
    return RepairContext(lexicon=load_lexicon(default_dictionaries_dir()))


def repair(text: str, marks: list[Mark] | None = None) -> WorkText:
    work = WorkText("prop", text, marks=marks)
    run_rules(work, TEXT_RULES, ctx(), Thresholds())
    return work


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(TEXT, NOISE, st.tuples(TEXT, NOISE).map("".join)))
def test_rules_never_raise_and_log_replays(text: str) -> None:
    work = repair(text)
    assert replay(text, work.corrections) == work.text
    for c in work.corrections:
        assert c["rule"] in TEXT_RULES
        assert 0.0 <= c["confidence"] <= 1.0


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.data())
def test_superscripts_are_never_edited(text: str, data) -> None:
    if not text:
        return
    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, min(len(text), a + 12)))
    work = repair(text, [Mark(a, b, "superscript")])
    mark = work.marks_of("superscript")[0]
    assert work.text[mark.start:mark.end] == text[a:b]
    assert replay(text, work.corrections) == work.text


def test_repairing_twice_changes_nothing_more() -> None:
    """The chain is stable on its own output for the seeds' damage."""
    text = "important elementsin all; Urges al actors; ! AICONF.157/24 (Part 1), chap. 111; % See Oficial Records"
    once = repair(text).text
    again = repair(once)
    assert again.text == once

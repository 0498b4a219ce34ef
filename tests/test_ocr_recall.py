"""Rules for real OCR damage: heading numbers a run determines (pipeline.repair.numbering), UN words beyond two edits."""
from __future__ import annotations

import pytest

from pipeline.repair.numbering import _renumber, roman, roman_value


@pytest.mark.parametrize("s, n", [("I", 1), ("IV", 4), ("VIII", 8), ("IX", 9), ("XIV", 14), ("XL", 40)])
def test_roman_round_trip(s: str, n: int) -> None:
    assert roman_value(s) == n and roman(n) == s


@pytest.mark.parametrize("s", ["VUI", "VIIL", "IIII", "VV", "IL", "", "V1"])
def test_misread_or_malformed_numerals_have_no_value(s: str) -> None:
    assert roman_value(s) is None


def _heads(*printed: str) -> list[tuple[int, int, str, int | None]]:
    return [(i * 10, i * 10 + len(p), p, roman_value(p)) for i, p in enumerate(printed)]


def test_a_run_fixes_a_lost_stroke_and_a_misread_one() -> None:
    fixes = [(p.start, p.after) for p in _renumber(_heads("IV", "V", "VI", "VI", "VUI", "IX"))]
    assert fixes == [(30, "VII"), (40, "VIII")]


@pytest.mark.parametrize("printed", [
    ("I", "III", "IV"),          # a skipped number: nothing says it is misread
    ("I", "II", "II"),           # nothing after the repeat fixes it
    ("II", "XIV", "IV"),         # too far from the number the run wants: another run
    ("IV", "V", "VI", "VII"),    # a clean run
])
def test_runs_that_do_not_determine_a_number_are_left(printed) -> None:
    assert _renumber(_heads(*printed)) == []


def test_fuzzy_candidates_find_the_un_word_beyond_two_edits() -> None:
    from pipeline.lexicon import default_dictionaries_dir, load_lexicon
    from pipeline.repair.words import fuzzy_candidates

    lex = load_lexicon(default_dictionaries_dir())
    cand, sim, runner = fuzzy_candidates("asscssinent", lex)
    assert cand == "assessment" and sim > runner
    assert fuzzy_candidates("xqzvbnmwkj", lex) is None

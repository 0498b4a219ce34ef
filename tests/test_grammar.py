"""The grammar of UN text as data (tests/cases/grammar.json): what each pattern reads, and what it must not."""
import json
from pathlib import Path

import pytest

from pipeline import grammar as G

CASES = json.loads((Path(__file__).parent / "cases" / "grammar.json").read_text(encoding="utf-8"))["cases"]
ROWS = [(c["pattern"], text, want, c.get("search", False))
        for c in CASES for want, key in ((True, "match"), (False, "no_match")) for text in c[key]]


def _reads(name: str, text: str, search: bool) -> bool:
    pat = getattr(G, name)
    if callable(pat) and not hasattr(pat, "match"):
        return bool(pat(text))
    if isinstance(pat, str):
        return bool(G.re.search(pat, text) if search else G.re.match(pat, text))
    return bool(pat.search(text) if search else pat.match(text))


@pytest.mark.parametrize("name,text,want,search", ROWS, ids=[f"{r[0]}:{r[1]}" for r in ROWS])
def test_pattern(name, text, want, search):
    assert _reads(name, text, search) is want


def test_dates():
    assert G.iso_date("18", "December", "2007") == "2007-12-18"
    assert G.iso_date(*G.DATE.search("adopted on 1 March 2024.").groups()) == "2024-03-01"
    assert G.MONTHS.split("|") == list(G.MONTH_NAMES)

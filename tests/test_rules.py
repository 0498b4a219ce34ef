"""Every rule name defined once (pipeline.rules) and never renamed.

A rule's name is in every output's correction log and in every decision a
reviewer has stored (the decision key hashes it): a renamed rule would orphan
those decisions.  So the names are frozen here as data, and code may spell a
name only through its constant in pipeline.rules.
"""
import ast
from pathlib import Path

from pipeline import rules
from pipeline.repair.engine import RULES
from pipeline.repair.order import LAYOUT_RULES, TEXT_RULES

PACKAGE = Path(rules.__file__).parent

# The names as stored in outputs and decisions: snake_case and kebab-case mixed, kept as they are.
FROZEN = {
    "layout.furniture", "unicode.mojibake", "unicode.control_chars", "unicode.ligatures", "unicode.spaces",
    "unicode.hyphens", "hyphenation.line_end", "symbols.un_symbol", "numerals.roman_in_citation",
    "numerals.arabic_in_date", "numerals.paragraph_number", "words.segmentation", "words.spelling", "words.real_word",
    "extract.step-skipped", "footnote.separator", "footnote.body-number", "footnote.superscript",
    "footnote.glued-digit", "footnote.year-digit", "footnote.symbol-marker", "footnote.unanchored",
    "footnote.lost-marker", "footnote.batch-anchor", "citations.memory_number",
    "numbering.heading_sequence", "masthead.distribution_label", "words.backslash_letter", "words.join",
    "words.diacritics", "words.stray_accent", "masthead.symbol", "words.digit_letter",
}


def test_names_are_never_renamed():
    assert set(rules.STAGE) == FROZEN


def test_every_rule_function_is_registered_and_in_the_order():
    repair_rules = {n for n, stage in rules.STAGE.items() if stage == "repair"} - {rules.STEP_SKIPPED}
    assert set(RULES) == repair_rules
    assert sorted(LAYOUT_RULES + TEXT_RULES) == sorted(repair_rules)
    assert set(rules.BATCH_RULES) <= set(rules.STAGE)


def test_rule_names_are_spelt_only_in_the_registry():
    """No string literal in the package equals a rule name, except in pipeline/rules.py (docstrings aside)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "rules.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in FROZEN and id(node) not in docstrings:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.value!r}")
    assert not found, "use the constant of pipeline.rules: " + ", ".join(found)


def test_an_unlisted_name_cannot_be_registered():
    import pytest

    from pipeline.repair.engine import rule

    with pytest.raises(ValueError, match="not in pipeline.rules"):
        rule("words.new_idea")(lambda work, ctx: [])


def test_the_guessing_rules_are_the_text_rules_from_the_symbols_on():
    assert rules.GUESSING == frozenset(TEXT_RULES[TEXT_RULES.index(rules.UN_SYMBOL):])

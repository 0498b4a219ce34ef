"""Language awareness: English word rules never touch another language."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import language
from pipeline.lexicon import default_dictionaries_dir, load_lexicon
from pipeline.repair.engine import RepairContext, run_rules
from pipeline.repair.order import rules_for
from pipeline.settings import Settings
from pipeline.run.stages import process
from pipeline.worktext import IN_TEXT, Thresholds, WorkText

DATA = Path(__file__).parent / "data" / "lang"


@pytest.mark.parametrize("name, lang", [("fr_resolution.txt", "fr"), ("es_resolution.txt", "es")])
def test_foreign_resolution_gets_no_word_change(name: str, lang: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    assert language.document_language(language.paragraph_languages(text)) == lang
    work = WorkText(name, text)
    run_rules(work, rules_for("text"), RepairContext(lexicon=load_lexicon(default_dictionaries_dir()), source_kind="text"),
              Thresholds())
    changed = [(c["rule"], c["before"], c["after"]) for c in work.corrections
               if c["status"] in IN_TEXT and c["rule"].startswith("words.")]
    assert changed == []


def test_english_paragraph_in_a_french_document_is_still_english() -> None:
    text = ("Décide de convoquer la Conférence des Nations Unies contre la criminalité organisée.\n\n"
            "Calls upon al actors to respect the provisions of the Charter of the United Nations.")
    paras = language.paragraph_languages(text)
    assert [p.lang for p in paras] == ["fr", "en"]
    assert [s[2] for s in language.foreign_spans(text)] == ["fr"]


def test_short_lines_take_the_document_language() -> None:
    text = "Décide\n\nLa Conférence des Nations Unies contre la corruption se réunira à Vienne en décembre."
    assert all(p.lang == "fr" for p in language.paragraph_languages(text))


def test_source_language_in_the_json(tmp_path: Path) -> None:
    src = tmp_path / "fr.txt"
    src.write_text((DATA / "fr_resolution.txt").read_text(encoding="utf-8"), encoding="utf-8")
    doc, _ = process(src, Settings())
    assert doc["source"]["language"] == "fr"

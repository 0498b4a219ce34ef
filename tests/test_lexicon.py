"""The lexicon: built by one command from clean text, loaded once per process."""
from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from pipeline import build_lexicon
from pipeline.lexicon import (
    BIGRAMS_FILE,
    COMPOUNDS_FILE,
    WORDS_FILE,
    count_text,
    default_dictionaries_dir,
    dictionaries_fingerprint,
    load_lexicon,
)

DICTS = default_dictionaries_dir()
CLEAN = (
    "The General Assembly,\nReaffirming the importance of non-selectivity and confidence-\n"
    "building, inter alia,\nUrges all actors to act; urges all States to act.\n"
)


def test_count_text_words_bigrams_and_compounds() -> None:
    words, lower, bigrams, compounds = count_text(CLEAN)
    assert words["urges"] == 2 and lower["urges"] == 1
    assert words["general"] == 1 and "general" not in lower  # only printed capitalised
    assert bigrams[("all", "actors")] == 1
    assert ("alia", "urges") not in bigrams  # punctuation breaks a pair
    assert compounds["non-selectivity"] == 1
    assert compounds["confidence-building"] == 1  # rejoined across the line end


def test_build_writes_the_three_count_files(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(CLEAN * 2, encoding="utf-8")
    out = tmp_path / "dicts"
    stats = build_lexicon.build(src, out)
    assert stats["files"] == 1 and stats["words"] > 20
    words = (out / WORDS_FILE).read_text(encoding="utf-8")
    assert "\nurges\t4\t2\n" in words
    assert "all\tactors\t2" in (out / BIGRAMS_FILE).read_text(encoding="utf-8")
    assert "non-selectivity\t2" in (out / COMPOUNDS_FILE).read_text(encoding="utf-8")


def test_committed_dictionaries_are_small_and_complete() -> None:
    for name in (WORDS_FILE, BIGRAMS_FILE, COMPOUNDS_FILE, "protected.txt", "ocr_confusions.json"):
        p = DICTS / name
        assert p.exists(), name
        assert p.stat().st_size < 3_000_000, name


def test_load_is_cached_by_content(tmp_path: Path) -> None:
    a = load_lexicon(DICTS)
    assert load_lexicon(DICTS) is a
    copy = tmp_path / "copy"
    shutil.copytree(DICTS, copy)
    c = load_lexicon(copy)  # same content: the same built lexicon, read from its own folder
    assert c.sym is a.sym and c.words is a.words and c.meta["dir"] == str(copy)
    assert load_lexicon(copy) is c and load_lexicon(DICTS) is a
    with (copy / "protected.txt").open("a", encoding="utf-8") as fh:
        fh.write("Zorglubia\n")
    assert dictionaries_fingerprint(copy) != a.fingerprint
    b = load_lexicon(copy)
    assert b is not a and b.is_protected("Zorglubia") and not a.is_protected("Zorglubia")


def test_lexicon_knows_un_english_and_protected_words() -> None:
    lex = load_lexicon(DICTS)
    assert lex.is_known("alia") and lex.is_protected("alia")  # Latin, from "inter alia"
    assert lex.is_known("Subcommission")
    assert lex.is_known("elements") and lex.is_known("the")
    assert not lex.is_known("ofthe")
    assert lex.is_protected("Kiribati")
    assert lex.compound_count("non-governmental") > 0
    assert lex.bigram("all", "actors")[0] > 0
    assert any(c.seen == "rn" and c.meant == "m" for c in lex.confusions)


def test_held_out_lexicon_forgets_one_document() -> None:
    lex = load_lexicon(DICTS)
    text = "Kimberley Kimberley Kimberley process"
    held = lex.without(*count_text(text))
    assert held.domain_count("kimberley") == max(0, lex.domain_count("kimberley") - 3)
    assert held.sym is lex.sym
    assert lex.domain_count("kimberley") == lex.without(Counter(), Counter(), Counter(), Counter()).domain_count("kimberley")


def test_a_built_lexicon_is_kept_and_loaded_back(tmp_path, monkeypatch):
    import pipeline.lexicon as lexmod

    d = tmp_path / "dictionaries"
    shutil.copytree(lexmod.default_dictionaries_dir(), d, ignore=shutil.ignore_patterns("review-decisions.json"))
    monkeypatch.setattr(lexmod, "_CACHE", {})
    built = lexmod.load_lexicon(d, tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("lexicon-*.pickle"))) == 1

    def no_build(*a):
        raise AssertionError("built again")

    monkeypatch.setattr(lexmod, "_CACHE", {})
    monkeypatch.setattr(lexmod, "_build", no_build)
    loaded = lexmod.load_lexicon(d, tmp_path / "cache")
    assert loaded.fingerprint == built.fingerprint and loaded.words == built.words
    assert loaded.sym.lookup("Oficial", 2)[0].term == built.sym.lookup("Oficial", 2)[0].term
    # other dictionaries: another key, built afresh
    with (d / lexmod.WORDS_FILE).open("a", encoding="utf-8") as fh:
        fh.write("zzyzx\t5\t5\n")
    monkeypatch.setattr(lexmod, "_CACHE", {})
    with pytest.raises(AssertionError, match="built again"):
        lexmod.load_lexicon(d, tmp_path / "cache")

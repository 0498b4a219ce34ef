"""The run owns its OCR read-ahead: made at launch, handed to each Extract, stopped at the end."""
from __future__ import annotations

from pathlib import Path

from pipeline.extract.readahead import ReadAhead
from pipeline.run import config, launch
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_a_local_one_worker_run_makes_one_read_ahead_and_the_end_stops_it(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "tasks_run_in_forks", lambda: False)
    monkeypatch.setattr(config, "local_scheduler", lambda: True)
    s = Settings(clean_dir=tmp_path / "clean", dictionaries_dir=ROOT / "dictionaries")
    scan = ROOT / "tests" / "data" / "A_RES_80_37-p2-scan.pdf"
    launch.warm(s, [scan], [])  # nothing to repair: no lexicon built
    ahead = launch.read_ahead()
    assert isinstance(ahead, ReadAhead)
    launch.stop_reading_ahead()
    assert launch.read_ahead() is None


def test_forked_workers_read_nothing_ahead(tmp_path, monkeypatch):
    """With forks the next document may be another process's: no read-ahead is made."""
    monkeypatch.setattr(config, "tasks_run_in_forks", lambda: True)
    s = Settings(clean_dir=tmp_path / "clean", dictionaries_dir=ROOT / "dictionaries")
    launch.warm(s, [ROOT / "tests" / "data" / "A_RES_80_37-p2-scan.pdf"], [])
    assert launch.read_ahead() is None


def test_forked_workers_inherit_the_word_lists_and_language_model(tmp_path, monkeypatch):
    """Loaded in each forked task they cost 0.6 s a document; one process loads them on first use."""
    loaded = []
    monkeypatch.setattr(launch.stages, "load_lexicon", lambda s: object())
    monkeypatch.setattr(launch.gc, "freeze", lambda: None)
    monkeypatch.setattr(launch, "_frozen_lexicon", [])
    monkeypatch.setattr(launch.language, "identifier", lambda: loaded.append("language"))
    monkeypatch.setattr(launch, "general_zipf", lambda w: loaded.append("wordfreq"))
    monkeypatch.setattr(launch.quality, "english_words", lambda: loaded.append("english"))
    s = Settings(clean_dir=tmp_path / "clean", dictionaries_dir=ROOT / "dictionaries")
    monkeypatch.setattr(config, "tasks_run_in_forks", lambda: False)
    launch.preload_lexicon(s)
    assert loaded == []
    monkeypatch.setattr(config, "tasks_run_in_forks", lambda: True)
    launch.preload_lexicon(s)
    assert loaded == ["language", "wordfreq", "english"]

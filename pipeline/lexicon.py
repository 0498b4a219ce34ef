"""The domain lexicon the repair rules consult, loaded once per process.

Four kinds of evidence, all plain data files under ``dictionaries/``:

- ``un_words.tsv``: word frequencies counted in the text layers of born-digital
  UN resolutions (``word<TAB>count<TAB>lowercase_count``; ``lowercase_count``
  is how often the word was printed in lower case, so a word that is only
  ever capitalised is a name);
- ``un_bigrams.tsv`` and ``un_compounds.tsv``: adjacent word pairs and
  hyphenated compounds from the same text;
- ``protected.txt``: terms never "corrected" (Latin, bodies, countries,
  conferences) and ``ocr_confusions.json``: what OCR reads one glyph as;
- symspellpy's own English unigram and bigram dictionaries, read from the
  installed package (not copied into the repository);
- a general English word list with frequencies (``wordfreq``'s "large"
  English list, shipped inside that package: 321,000 words, compounds such
  as "livestreaming", "roadmap", "bycatch" included), read from the installed
  package when the lexicon is built.  It says a word exists, never that a
  word is right: web text holds misspellings too ("goverment", "ofthe"), so
  the rules weigh its frequency (:meth:`Lexicon.general_zipf`).

Built by ``python -m pipeline.build_lexicon /path/to/pdfs`` (see
:mod:`pipeline.build_lexicon`).  :func:`load_lexicon` is cached by the
dictionary files' content hash, so a worker loads SymSpell once, not per
document.
"""
from __future__ import annotations

import bisect
import copy
import errno
import gc
import hashlib
import importlib.resources
import json
import math
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from symspellpy import SymSpell

from .userfiles import DictionaryError, UserFileError, echo, fail, line_of, load_json, read_text

# A word as the lexicon counts it: letters of any script, with inner
# apostrophes ("Yaoundé", "Türkiye", "d'Ivoire" are one word each).
LETTER = r"[^\W\d_]"
WORD_RE = re.compile(rf"{LETTER}+(?:['\u2019]{LETTER}+)*")
# Hyphenated compounds ("non-governmental", "confidence-building").
COMPOUND_RE = re.compile(rf"{LETTER}+(?:[-\u2011]{LETTER}+)+")

WORDS_FILE = "un_words.tsv"
BIGRAMS_FILE = "un_bigrams.tsv"
COMPOUNDS_FILE = "un_compounds.tsv"
PROTECTED_FILE = "protected.txt"
CONFUSIONS_FILE = "ocr_confusions.json"
CALIBRATION_FILE = "calibration.json"
DICTIONARY_FILES = (WORDS_FILE, BIGRAMS_FILE, COMPOUNDS_FILE, PROTECTED_FILE, CONFUSIONS_FILE, CALIBRATION_FILE)

EN_UNIGRAMS = "frequency_dictionary_en_82_765.txt"
EN_BIGRAMS = "frequency_bigramdictionary_en_243_342.txt"

# A domain word counts as much as this many English-corpus occurrences per
# occurrence, after normalising both to per-million rates (UN text is the
# register we repair, so its evidence weighs more).
DOMAIN_WEIGHT = 3.0
# A word of general English this common is known ("centre" 4.9, "tons"
# 4.5); below it, the list also holds web misspellings ("goverment" 2.7,
# "ofthe" 3.3, "alot" 3.9), so its frequency is evidence, not proof.
GENERAL_KNOWN = 4.0
# English words indexed by SymSpell as candidates: at least this frequent.
SYMSPELL_MIN_PER_BILLION = 1000


@dataclass(frozen=True)
class Confusion:
    """OCR printed ``seen`` where the document has ``meant``."""

    seen: str
    meant: str
    weight: float  # prior that this confusion explains a difference, 0..1


@dataclass
class Lexicon:
    words: dict[str, int]  # lower-case word -> count in clean UN text
    lower_words: dict[str, int]  # lower-case word -> count printed in lower case
    bigrams: dict[tuple[str, str], int]
    compounds: dict[str, int]  # lower-case hyphenated compound -> count
    protected_words: frozenset[str]  # lower case, single words
    protected_phrases: tuple[tuple[str, ...], ...]  # lower-case word tuples
    confusions: tuple[Confusion, ...]
    english: dict[str, int]
    english_bigrams: dict[tuple[str, str], int]
    sym: SymSpell
    fingerprint: str
    domain_total: int = 1
    english_total: int = 1
    meta: dict = field(default_factory=dict)

    # ------------------------------------------------------------ queries
    def domain_count(self, word: str) -> int:
        return self.words.get(word.lower(), 0)

    def english_count(self, word: str) -> int:
        return self.english.get(word.lower(), 0)

    def is_protected(self, word: str) -> bool:
        return word.lower() in self.protected_words

    def is_known(self, word: str) -> bool:
        """A word we must never split or respell: seen in UN text, in the
        English dictionary, protected, or common in general English
        (Zipf >= GENERAL_KNOWN: rarer web words may be misspellings)."""
        w = word.lower()
        return (w in self.words or w in self.english or w in self.protected_words
                or general_zipf(w) >= GENERAL_KNOWN)

    def general_zipf(self, word: str) -> float:
        """Zipf frequency of ``word`` in general English (wordfreq's large list), 0 if absent."""
        return general_zipf(word.lower())

    def is_name(self, word: str) -> bool:
        """Only ever printed capitalised in UN text (Durban, Geneva)."""
        w = word.lower()
        return self.words.get(w, 0) > 0 and self.lower_words.get(w, 0) == 0

    def capital_share(self, word: str) -> float:
        """The share of UN text's printings of ``word`` that are capitalised (0 for a word it never prints)."""
        w = word.lower()
        n = self.words.get(w, 0)
        return (n - self.lower_words.get(w, 0)) / n if n else 0.0

    def per_million(self, word: str) -> float:
        """Frequency per million words, domain weighted above English."""
        w = word.lower()
        d = self.words.get(w, 0) * 1e6 / self.domain_total
        e = self.english.get(w, 0) * 1e6 / self.english_total
        return max(d * DOMAIN_WEIGHT, e)

    def zipf(self, word: str) -> float:
        """log10 of frequency per billion (0 for an unknown word)."""
        pm = self.per_million(word)
        return math.log10(pm * 1e3) if pm > 0 else 0.0

    def bigram(self, w1: str, w2: str) -> tuple[int, int]:
        """(domain count, English count) of the pair."""
        key = (w1.lower(), w2.lower())
        return self.bigrams.get(key, 0), self.english_bigrams.get(key, 0)

    def bigram_seen(self, w1: str | None, w2: str | None) -> bool:
        if not w1 or not w2:
            return False
        d, e = self.bigram(w1, w2)
        return d > 0 or e > 0

    def completes(self, prefix: str, min_zipf: float = 4.0) -> str | None:
        """A common word that starts with ``prefix`` and is longer ("performan"
        -> "performance"): the prefix may be a word cut by the layout."""
        index = self.__dict__.get("_prefix_index")
        if index is None:
            index = sorted(w for w in set(self.words) | {w for w, n in self.english.items() if n > 2_000_000}
                           if self.zipf(w) >= min_zipf)
            self.__dict__["_prefix_index"] = index
        p = prefix.lower()
        i = bisect.bisect_right(index, p)
        while i < len(index) and index[i].startswith(p):
            if len(index[i]) > len(p):
                return index[i]
            i += 1
        return None

    def followers(self, word: str) -> dict[str, int]:
        """Words UN text prints right after ``word``, with counts (bigrams seen at least twice)."""
        return self._bigram_index()[0].get(word.lower(), {})

    def leaders(self, word: str) -> dict[str, int]:
        """Words UN text prints right before ``word``, with counts."""
        return self._bigram_index()[1].get(word.lower(), {})

    def _bigram_index(self) -> tuple[dict, dict]:
        index = self.__dict__.get("_bigram_index_")
        if index is None:
            after: dict[str, dict[str, int]] = {}
            before: dict[str, dict[str, int]] = {}
            for (a, b), n in self.bigrams.items():
                after.setdefault(a, {})[b] = n
                before.setdefault(b, {})[a] = n
            index = (after, before)
            self.__dict__["_bigram_index_"] = index
        return index

    def compound_count(self, compound: str) -> int:
        return self.compounds.get(compound.lower().replace("\u2011", "-"), 0)

    def confusions_by_meant(self) -> dict[str, list[Confusion]]:
        out: dict[str, list[Confusion]] = {}
        for c in self.confusions:
            out.setdefault(c.meant, []).append(c)
        return out

    # ----------------------------------------------------------- held out
    def without(
        self,
        words: Counter,
        lower_words: Counter,
        bigrams: Counter,
        compounds: Counter,
    ) -> "Lexicon":
        """This lexicon less one document's counts (leave-one-out evaluation).

        Shares the SymSpell index and the English data; candidates that only
        the held-out document attested get a zero domain count, so the rules
        treat them as they would treat an unseen document.
        """
        other = copy.copy(self)
        other.words = _subtract(self.words, words)
        other.lower_words = _subtract(self.lower_words, lower_words)
        other.bigrams = _subtract(self.bigrams, bigrams)
        other.compounds = _subtract(self.compounds, compounds)
        other.domain_total = max(1, self.domain_total - sum(words.values()))
        other.fingerprint = self.fingerprint + "-heldout"
        other.__dict__.pop("_bigram_index_", None)
        other.__dict__.pop("_prefix_index", None)
        return other


def _subtract(base: dict, minus: Counter) -> dict:
    out = dict(base)
    for k, v in minus.items():
        if k in out:
            n = out[k] - v
            if n > 0:
                out[k] = n
            else:
                del out[k]
    return out


# ----------------------------------------------------------------- counting
def count_text(text: str) -> tuple[Counter, Counter, Counter, Counter]:
    """Word, lower-case word, bigram and compound counts of one clean text.

    Bigrams pair words separated only by whitespace (or a hyphen at a line
    end), so "rights, including" is no evidence for "rights including".
    """
    words: Counter = Counter()
    lower: Counter = Counter()
    bigrams: Counter = Counter()
    compounds: Counter = Counter()
    prev: str | None = None
    prev_end = -1
    for m in WORD_RE.finditer(text):
        w = m.group()
        lw = w.lower().replace("\u2019", "'")
        words[lw] += 1
        if w[0].islower():
            lower[lw] += 1
        if prev is not None and text[prev_end:m.start()].isspace():
            bigrams[(prev, lw)] += 1
        prev, prev_end = lw, m.end()
    flat = re.sub(r"([A-Za-z])[-\u2011][ \t]*\n[ \t]*(?=[A-Za-z])", r"\1-", text)
    for m in COMPOUND_RE.finditer(flat):
        compounds[m.group().lower().replace("\u2011", "-")] += 1
    return words, lower, bigrams, compounds


# ------------------------------------------------------------------ loading
def _rows(path: Path, fields: str):
    """``(fields...)`` of each data line of a TSV, counts as ints; a bad line stops the run, by number."""
    text = _read_text(path)
    names = fields.split()
    for i, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        try:
            if len(parts) != len(names):
                raise ValueError
            yield tuple(int(v) if n.startswith("count") else v for n, v in zip(names, parts))
        except ValueError:
            raise DictionaryError(
                f"{path}: line {i}: expected {len(names)} tab-separated fields ({', '.join(names)}), "
                f"got {echo(line)}; {TODO}") from None


def _read_words(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    words: dict[str, int] = {}
    lower: dict[str, int] = {}
    for w, n, lo in _rows(path, "word count count_lowercase"):
        words[w] = n
        if lo:
            lower[w] = lo
    return words, lower


def _read_pairs(path: Path) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for a, b, n in _rows(path, "word1 word2 count"):
        out[(a, b)] = n
    return out


def _read_counts(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for w, n in _rows(path, "compound count"):
        out[w] = n
    return out


def read_protected(path: Path) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    singles: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    for line in _read_text(path).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        toks = tuple(t.lower() for t in WORD_RE.findall(line))
        if len(toks) == 1:
            singles.add(toks[0])
        elif toks:
            phrases.append(toks)
            # A phrase's words that are not everyday English are protected alone
            # too ("alia", "Kiribati"): they would otherwise look misspelt.
    return frozenset(singles), tuple(phrases)


def _english_unigrams() -> tuple[dict[str, int], Path]:
    path = Path(str(importlib.resources.files("symspellpy") / EN_UNIGRAMS))
    out: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            w, _, n = line.rstrip("\n").partition(" ")
            out[w] = int(n)
    return out, path


def _english_bigrams() -> dict[tuple[str, str], int]:
    path = Path(str(importlib.resources.files("symspellpy") / EN_BIGRAMS))
    out: dict[tuple[str, str], int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                out[(parts[0], parts[1])] = int(parts[2])
    return out


def dictionaries_fingerprint(dictionaries_dir: Path) -> str:
    from importlib.metadata import version

    h = hashlib.sha256(f"wordfreq {version('wordfreq')}".encode())
    for name in DICTIONARY_FILES:
        p = Path(dictionaries_dir) / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()[:16]


_CACHE: dict[tuple[str, str], Lexicon] = {}  # (content, folder): one build per content
_LOCK = threading.Lock()


def load_lexicon(dictionaries_dir: Path | str, cache_dir: Path | str | None = None) -> Lexicon:
    """The lexicon of ``dictionaries_dir``, built once per process per content.

    With ``cache_dir`` the built lexicon is also kept on disk, keyed by the
    dictionaries' content, this module's code, symspellpy's and Python's
    versions: a later run, of any project with the same dictionaries, loads it
    in a third of the time it takes to build (about 0.3 s against 0.9 s).
    """
    d = Path(dictionaries_dir)
    key = dictionaries_fingerprint(d)
    with _LOCK:
        lex = _CACHE.get((key, str(d)))
        if lex is None:
            lex = next((v for (k, _), v in _CACHE.items() if k == key), None)
            if lex is None:
                lex = _load_built(d, key, Path(cache_dir)) if cache_dir is not None else _build(d, key)
            if lex.meta.get("dir") != str(d):
                # Another folder with the same content built it (here or in the
                # disk cache): the lexicon is shared, but its folder is this one,
                # where files the fingerprint does not cover (calibration.json) are read.
                lex = copy.copy(lex)
                lex.meta = {**lex.meta, "dir": str(d)}
            _CACHE[(key, str(d))] = lex
        return lex


def _load_built(d: Path, key: str, cache_dir: Path) -> Lexicon:
    import pickle
    import sys
    from importlib.metadata import version

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    stamp = hashlib.sha256(
        f"{key}|{code}|{version('symspellpy')}|{version('wordfreq')}|{sys.version}".encode()).hexdigest()[:20]
    path = cache_dir / f"lexicon-{stamp}.pickle"
    if path.exists():
        enabled = gc.isenabled()
        gc.disable()  # millions of small objects: the collector would walk them all as they arrive
        try:
            with path.open("rb") as fh:
                lex = pickle.load(fh)
            if isinstance(lex, Lexicon) and lex.fingerprint == key:
                return lex
        except Exception:  # noqa: BLE001 -- a torn or stale file: build again
            pass
        finally:
            if enabled:
                gc.enable()
    lex = _build(d, key)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        from .files import atomic_file, remove_stale_temp_files

        remove_stale_temp_files(cache_dir)  # left by a process killed while writing one
        with atomic_file(path) as fh:
            pickle.dump(lex, fh, protocol=pickle.HIGHEST_PROTOCOL)
        for old in sorted(cache_dir.glob("lexicon-*.pickle"), key=lambda f: f.stat().st_mtime)[:-KEEP_BUILT]:
            old.unlink(missing_ok=True)  # older dictionaries: 14 MB each
    except OSError:
        pass  # a read-only cache: the lexicon is built each time
    return lex


KEEP_BUILT = 4


def user_cache_dir() -> Path:
    """Where built lexicons are kept for every project of this user ($XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "un-resolution-cleaner"


def _read_project_files(d: Path) -> tuple:
    words, lower = _read_words(d / WORDS_FILE)
    bigrams = _read_pairs(d / BIGRAMS_FILE)
    compounds = _read_counts(d / COMPOUNDS_FILE)
    protected, phrases = read_protected(d / PROTECTED_FILE)
    confusions = _read_confusions(d / CONFUSIONS_FILE)
    return words, lower, bigrams, compounds, protected, phrases, confusions


def check_dictionaries(dictionaries_dir: Path | str) -> None:
    """Read every dictionary file of the project: DictionaryError names the file and line of a fault."""
    from .repair.calibration import load

    _read_project_files(Path(dictionaries_dir))
    load(dictionaries_dir)


def _build(d: Path, fingerprint: str) -> Lexicon:
    words, lower, bigrams, compounds, protected, phrases, confusions = _read_project_files(d)
    english, _ = _english_unigrams()
    en_total = sum(english.values())
    dom_total = max(1, sum(words.values()))
    # The SymSpell index holds what the rules may write: English words of
    # some currency (Zipf >= 3, a third of the list; the rest stay "known"
    # words through ``english``, but are never proposed) and UN words.  A
    # third of the words is a third of the load time.
    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    floor = SYMSPELL_MIN_PER_BILLION * en_total / 1e9
    for w, n in english.items():
        if n >= floor:
            sym.create_dictionary_entry(w, n)
    for w, n in words.items():
        if w not in sym.words and "'" not in w:
            sym.create_dictionary_entry(w, max(1, int(n * DOMAIN_WEIGHT * en_total / dom_total)))
    for w in protected:
        if w not in sym.words:
            sym.create_dictionary_entry(w, 1)
    return Lexicon(
        words=words,
        lower_words=lower,
        bigrams=bigrams,
        compounds=compounds,
        protected_words=protected | {w for ph in phrases for w in ph if w not in english},
        protected_phrases=phrases,
        confusions=confusions,
        english=english,
        english_bigrams=_english_bigrams(),
        sym=sym,
        fingerprint=fingerprint,
        domain_total=dom_total,
        english_total=en_total,
        meta={"dir": str(d)},
    )


_GENERAL: list[dict[str, float]] = []
_GENERAL_LOCK = threading.Lock()


def general_zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of a lower-case word in wordfreq's
    large English list, 0 if absent.  The list ships inside the wordfreq package
    (nothing is downloaded); it is read on first use (0.2 s), not with the
    lexicon, as only words the lexicon lacks are looked up."""
    if not _GENERAL:
        with _GENERAL_LOCK:
            if not _GENERAL:
                from wordfreq import get_frequency_dict

                _GENERAL.append(get_frequency_dict("en", wordlist="large"))
    f = _GENERAL[0].get(word, 0.0)
    return round(math.log10(f * 1e9), 2) if f > 0 else 0.0


def _read_confusions(path: Path) -> tuple[Confusion, ...]:
    try:
        data = load_json(path, todo="fix the JSON or restore it from git")
    except UserFileError as e:
        raise DictionaryError(str(e)) from None
    items = data.get("confusions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DictionaryError(f"{path}: expected an object with a 'confusions' list; fix the file or restore it from git")
    out = []
    for i, c in enumerate(items):
        try:
            if not isinstance(c, dict) or not isinstance(c["seen"], str) or not isinstance(c["meant"], str) \
                    or isinstance(c["weight"], (bool, str)):
                raise TypeError
            out.append(Confusion(c["seen"], c["meant"], float(c["weight"])))
        except (KeyError, TypeError, ValueError, OverflowError):
            text = path.read_text(encoding="utf-8-sig")
            raise DictionaryError(str(fail(path, line_of(text, ["confusions", i]),
                                           f"confusion #{i + 1} needs seen and meant (text) and a numeric weight, "
                                           f"got {echo(c)}", "fix the entry or restore the file from git"))) from None
    return tuple(out)


def _read_text(path: Path) -> str:
    try:
        return read_text(path, todo=TODO)
    except UserFileError as e:
        raise DictionaryError(str(e)) from None
    except OSError as e:
        if e.errno in (errno.EACCES, errno.EPERM, errno.EISDIR):
            raise DictionaryError(f"{path}: cannot be read ({e.strerror}); {TODO}") from None
        raise


TODO = "fix the line or rebuild with python -m pipeline.build_lexicon"


def default_dictionaries_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "dictionaries"


def iter_protected_spans(text: str, lex: Lexicon) -> Iterable[tuple[int, int]]:
    """Spans of ``text`` covered by a protected multi-word phrase."""
    toks = [(m.start(), m.end(), m.group().lower()) for m in WORD_RE.finditer(text)]
    if not lex.protected_phrases:
        return
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for ph in lex.protected_phrases:
        by_first.setdefault(ph[0], []).append(ph)
    for i, (s, _, w) in enumerate(toks):
        for ph in by_first.get(w, ()):
            n = len(ph)
            if tuple(t[2] for t in toks[i:i + n]) == ph:
                yield s, toks[i + n - 1][1]

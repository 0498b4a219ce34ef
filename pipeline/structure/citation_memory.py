"""Citation memory: what the corpus says about resolutions (adoption date, title), used to catch misread numbers.

``dictionaries/un_resolutions.tsv`` holds ``symbol  date  title  seen`` rows,
built by ``python -m pipeline.build_lexicon`` from the corpus texts (each
resolution's own masthead, title and closing; every citation printed with its
date, "resolution 62/160 of 18 December 2007") and extended by the clean
documents of the batches given to it (``--clean clean/``).

The rule ``citations.memory_number`` reads it.  A citation whose number and
date disagree (the memory dates it otherwise, or the number's session cannot
have that year), while a number one OCR confusion away (``digit_confusions``
in ``dictionaries/ocr_confusions.json``) has exactly that date in memory,
becomes a flagged correction:

    "... Millennium Declaration on 8 September 2000[2]" + footnote "Resolution 35/2."
    -> "Resolution 55/2." (flagged: A/RES/55/2 was adopted on 8 September 2000; session 35 sat in 1980-1981)
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from . import citations as C
from .. import grammar as G
from .. import rules as R
from ..worktext import Decide, Proposal, Thresholds, WorkText
from ..userfiles import UserFileError, echo, load_json, read_text

KNOWLEDGE_FILE = "un_resolutions.tsv"
BATCH_FILE = "citation-memory.tsv"  # in clean/: what the batches' own documents taught, where it can correct them
CONFUSIONS_FILE = "ocr_confusions.json"
RULE = R.CITATION_MEMORY
OWN_WEIGHT = 3  # a resolution's own closing line outweighs what others print about it


class CitationMemoryError(UserFileError):
    """A knowledge or confusion file cannot be used: one line, file and line (see pipeline.userfiles)."""


@dataclass(frozen=True)
class Fact:
    symbol: str
    date: str
    title: str = ""
    seen: int = 1


# ------------------------------------------------------------------ the file
def read_knowledge(path: Path) -> dict[str, Fact]:
    """The knowledge file; a malformed line raises ``CitationMemoryError`` naming file and line."""
    facts: dict[str, Fact] = {}
    if not path.exists():
        return facts
    try:
        text = read_text(path, todo="fix the line or rebuild it with python -m pipeline.build_lexicon")
    except UserFileError as e:
        raise CitationMemoryError(str(e)) from None
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[1]) or not parts[3].isdigit():
            raise CitationMemoryError(f"{path}: line {i}: expected 'symbol<TAB>YYYY-MM-DD<TAB>title<TAB>count'")
        facts[parts[0]] = Fact(parts[0], parts[1], parts[2], int(parts[3]))
    return facts


def write_knowledge(path: Path, facts: dict[str, Fact], header: str) -> None:
    from ..files import atomic_write

    rows = "".join(f"{f.symbol}\t{f.date}\t{f.title}\t{f.seen}\n" for f in sorted(facts.values(), key=lambda f: f.symbol))
    atomic_write(path, f"# {header}\n# symbol\tadoption date\ttitle\ttimes seen\n" + rows)


def digit_confusions(dictionaries_dir: Path) -> list[tuple[str, str]]:
    """(seen, meant) digit pairs OCR confuses, from the confusion table."""
    path = Path(dictionaries_dir) / CONFUSIONS_FILE
    try:
        data = load_json(path, todo="fix the JSON or restore it from git")
        return [(c["seen"], c["meant"]) for c in data.get("digit_confusions", [])]
    except UserFileError as e:
        raise CitationMemoryError(str(e)) from None
    except (OSError, KeyError, TypeError, AttributeError) as e:
        raise CitationMemoryError(f"{path}: digit_confusions: each needs seen and meant ({echo(e)}); "
                                  "fix the file or restore it from git") from None


# ------------------------------------------------------------------ learning
def observations_from_text(text: str) -> list[tuple[str, str, str, int]]:
    """(symbol, date, title, weight) a resolution's text states: its own facts and its dated citations."""
    out = []
    head = text[:2500]
    organ_line = re.search(r"^\s*(General Assembly|Human Rights Council|Security Council|Economic and Social Council)\s*$", head, re.M)
    organ = C.ORGAN_OF_DOCUMENT.get(organ_line.group(1)) if organ_line else None
    # "78/13. Implementation of ...", then the closing "... plenary meeting 4 December 2023"
    title = re.search(r"^\s*(?:Resolution\s+)?(\d{1,2})/(\d{1,4})\.\s+(.+)(?:\n(?!The )(.*))?$", head, re.M)
    closing = G.PLENARY_DATE.search(text)
    if title and closing and organ in (C.GA, C.HRC):
        symbol = C.target_for(organ, "resolution", "session", title.group(1), title.group(2))
        name = " ".join((title.group(3) + " " + (title.group(4) or "")).split())
        if symbol:
            out.append((symbol, G.iso_date(*closing.groups()), name, OWN_WEIGHT))
    for c in C.find_citations(" ".join(text.split()), own_organ=organ):
        if c.target and c.date and c.kind in ("resolution", "decision") and plausible(c.target, c.date):
            out.append((c.target, c.date, "", 1))
    return out


def observations_from_document(doc: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    """The same from a clean document: its own symbol, date and title; its dated references."""
    out = []
    symbol, date = doc.get("symbol"), doc.get("date")
    if symbol and date and "/RES/" in symbol and not (doc.get("header") or {}).get("symbol_inferred"):
        out.append((symbol, date, doc.get("title") or "", OWN_WEIGHT))
    for r in doc.get("references") or []:
        if r.get("target") and r.get("date") and r.get("kind") in ("resolution", "decision") and plausible(r["target"], r["date"]):
            out.append((r["target"], r["date"], "", 1))
    return out


def merge(observations: Iterable[tuple[str, str, str, int]], base: dict[str, Fact] | None = None) -> dict[str, Fact]:
    """Facts by majority of weighted observations (the base file's counts included)."""
    dates: dict[str, Counter] = defaultdict(Counter)
    titles: dict[str, Counter] = defaultdict(Counter)
    for f in (base or {}).values():
        dates[f.symbol][f.date] += f.seen
        if f.title:
            titles[f.symbol][f.title] += f.seen
    for symbol, date, title, weight in observations:
        dates[symbol][date] += weight
        if title:
            titles[symbol][title] += weight
    out = {}
    for symbol, counts in dates.items():
        (date, n), *rest = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if rest and rest[0][1] == n:
            continue  # a tie is no knowledge
        title = min(titles[symbol].items(), key=lambda kv: (-kv[1], kv[0]))[0] if titles[symbol] else ""
        out[symbol] = Fact(symbol, date, title, sum(counts.values()))
    return out


# ------------------------------------------------------------------ checking
_SESSION = re.compile(r"^A/(?:HRC/)?RES/(\d{1,2})/\d+$")


def plausible(target: str, date: str) -> bool:
    """Whether the number's own session or year allows ``date`` (unknown shapes: yes)."""
    year = int(date[:4])
    m = re.fullmatch(r"A/RES/(\d{1,2})/\d+", target)
    if m and int(m.group(1)) >= 31:  # sessions numbered in arabic since 1976: session N sits in 1945+N and 1946+N
        return year in (1945 + int(m.group(1)), 1946 + int(m.group(1)))
    m = re.fullmatch(r"A/HRC/RES/(\d{1,2})/\d+", target)
    if m:  # three sessions a year since 2006
        return abs(year - (2006 + (int(m.group(1)) - 1) / 3)) <= 1.5
    m = re.fullmatch(r"(?:E|E/CN\.4|E/CN\.4/SUB\.2)/(?:RES|DEC)/(\d{4})/\d+|S/RES/\d+\((\d{4})\)", target)
    if m:
        return year == int(m.group(1) or m.group(2))
    return True


def near_numbers(number: str, confusions: list[tuple[str, str]]) -> list[str]:
    """Numbers one digit confusion away from ``number`` ("35/2" -> "55/2", "36/2", ...)."""
    out = []
    for i, ch in enumerate(number):
        for seen, meant in confusions:
            if ch == seen:
                out.append(number[:i] + meant + number[i + 1:])
    return sorted(set(out))


def _title_words(title: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{5,}", title)} - {"united", "nations", "general", "assembly", "resolution"}


def evidence(work: WorkText, c: C.Citation) -> tuple[str | None, str]:
    """The date a citation stands with, and the words around it.

    Its own date ("of 8 September 2000"); or, for a footnote that is only the
    citation ("Resolution 55/2."), the last date of the clause its marker ends.
    """
    if c.date:
        return c.date, work.text[max(0, c.start - 200):c.end + 60]
    note = next((m for m in work.marks if m.kind == "footnote" and m.start <= c.start < m.end), None)
    if note is None:
        return None, ""
    if not only_citation(work.text[note.start:note.end], c.text):
        return None, ""  # the note says more than the citation: its marker's clause is not about it
    anchor = next((m for m in work.marks if m.kind == "note" and m.data.get("num") == note.data.get("num")), None)
    if anchor is None:
        return None, ""
    return date_ending(work.text[max(0, anchor.start - 240):anchor.start])


def only_citation(note: str, citation: str) -> bool:
    """Whether a footnote is only the citation ("Resolution 55/2.", "See resolution 55/2, annex.")."""
    rest = note.replace(citation, "", 1)
    return not re.sub(r"(?i)\b(?:see|also|and|annex|para|paragraph)\b|[\d.,;:()\s]", "", rest)


def date_ending(before: str) -> tuple[str | None, str]:
    """The date that ends the clause a footnote marker closes ("... Declaration on 8 September 2000[2]"), and the clause."""
    clause = " ".join(re.split(r";|\.\s+(?=[A-Z])", before)[-1].split())
    dates = list(G.DATE.finditer(clause))
    if not dates or len(clause) - dates[-1].end() > 40:
        return None, clause
    return G.iso_date(*dates[-1].groups()), clause


def document_evidence(doc: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """(reference, date) of a clean document's citations that stand with a date: what the rule can check."""
    paragraphs = {}

    def walk(paras):
        for p in paras or []:
            for n in p.get("notes") or []:
                paragraphs.setdefault(str(n["num"]), (p["text"], n["offset"]))
            walk(p.get("items"))

    walk(doc.get("preamble"))
    walk(doc.get("operative"))
    for a in doc.get("annexes") or []:
        walk(a.get("paragraphs"))
    notes = {f"fn{f['num']}": (str(f["num"]), f["text"]) for f in doc.get("footnotes") or []}
    out = []
    for r in doc.get("references") or []:
        if r.get("date"):
            out.append((r, r["date"]))
        elif r["block"] in notes and only_citation(notes[r["block"]][1], r["text"]):
            anchor = paragraphs.get(notes[r["block"]][0])
            date = date_ending(anchor[0][:anchor[1]][-240:])[0] if anchor else None
            if date:
                out.append((r, date))
    return out


def check(work: WorkText, facts: dict[str, Fact], confusions: list[tuple[str, str]], own_organ: str | None) -> list[Proposal]:
    """Proposals for citations whose number disagrees with their date while a near number agrees."""
    out = []
    for c in C.find_citations(work.text, own_organ=own_organ):
        if not c.target or c.kind not in ("resolution", "decision") or not c.number:
            continue
        date, context = evidence(work, c)
        if date is None:
            continue
        known = facts.get(c.target)
        if (known.date == date) if known else plausible(c.target, date):
            continue
        parts = _split(c.target)
        if parts is None:
            continue  # "68/247 B", "ES-10/19": no near number of these shapes is checked
        head, printed, tail = parts
        candidates = []
        for near in near_numbers(printed, confusions):
            fact = facts.get(head + near + tail)
            if fact and fact.date == date:
                candidates.append((near, fact))
        if len(candidates) != 1:
            continue  # none, or several: nothing is unambiguous
        near, fact = candidates[0]
        at = c.text.find(printed)
        if at < 0:
            continue
        words = _title_words(fact.title)
        title_seen = bool(words) and len(words & _title_words(context)) >= max(1, len(words) // 2)
        confidence = 0.7 + (0.1 if title_seen else 0.0) + (0.05 if known else 0.0)
        out.append(Proposal(c.start + at, c.start + at + len(printed), near, RULE, confidence, {
            "target": head + near + tail, "date": date, "memory": fact.title or fact.date,
            "why": f"{c.target} {'was adopted on ' + known.date if known else 'cannot date from ' + date[:4]}; "
                   f"{head + near + tail} was adopted on {date}" + (" (title in the context)" if title_seen else ""),
        }))
    return out


def _split(target: str) -> tuple[str, str, str] | None:
    """A target around its printed number: A/RES/55/2 -> (A/RES/, 55/2, ""), S/RES/242(1967) -> (S/RES/, 242, (1967))."""
    m = re.fullmatch(r"(.*/(?:RES|DEC)/)(\d{1,4}/\d{1,4}|\d{1,4})(\(\d{4}\))?", target)
    if not m or ("/" not in m.group(2) and not m.group(3)):
        return None
    return m.group(1), m.group(2), m.group(3) or ""


# ------------------------------------------------------------------ the stage hook
def organ_of_text(work: WorkText) -> str | None:
    m = re.search(r"^\s*(General Assembly|Human Rights Council|Security Council|Economic and Social Council)\s*,?\s*$",
                  work.text[:3000], re.M)
    m = m or re.search(r"^\s*The (General Assembly|Human Rights Council|Security Council|Economic and Social Council),", work.text, re.M)
    return C.ORGAN_OF_DOCUMENT.get(m.group(1)) if m else None


_loaded: dict[tuple, tuple[dict[str, Fact], list[tuple[str, str]]]] = {}


def _stamp(path: Path) -> tuple[str, int, int]:
    st = path.stat() if path.exists() else None
    return str(path), st.st_size if st else 0, st.st_mtime_ns if st else 0


def load(dictionaries_dir: Path, clean_dir: Path | None = None) -> tuple[dict[str, Fact], list[tuple[str, str]]]:
    """The knowledge file, completed by what the batch taught (``clean/citation-memory.tsv``), and the confusions."""
    path = Path(dictionaries_dir) / KNOWLEDGE_FILE
    batch = Path(clean_dir) / BATCH_FILE if clean_dir is not None else None
    key = (_stamp(path), _stamp(batch) if batch else None)
    if key not in _loaded:
        _loaded.clear()
        facts = {**(read_knowledge(batch) if batch else {}), **read_knowledge(path)}
        _loaded[key] = (facts, digit_confusions(dictionaries_dir))
    return _loaded[key]


def apply_memory(work: WorkText, dictionaries_dir: Path, thresholds: Thresholds, decide: Decide | None = None,
                 clean_dir: Path | None = None) -> WorkText:
    """Run ``citations.memory_number`` on a working text whose footnotes are linked."""
    facts, confusions = load(dictionaries_dir, clean_dir)
    if facts and confusions:
        work.apply(check(work, facts, confusions, organ_of_text(work)), flagged_only(thresholds), decide)
    return work


def flagged_only(thresholds: Thresholds) -> Thresholds:
    """Never applied without review: the rule's confidence is not calibrated on real misreadings yet."""
    return Thresholds(apply=1.01, flag=min(thresholds.flag, 0.7))


# ------------------------------------------------------------------ the batch teaches
def learn_from_batch(clean_dir: Path, dictionaries_dir: Path, docs: list[dict[str, Any]]) -> int:
    """Add to ``clean/citation-memory.tsv`` what the batch states that may correct one of its own citations.

    A fact (a resolution's date, from its own closing line or from citations that
    print it) is kept when the knowledge file does not have it and a citation of a
    number one confusion away stands with that very date while disagreeing with
    what is known of its own number (the rule's own test, on the clean documents):
    only then can it change a citation, so a batch that teaches nothing new re-runs
    nothing.  The file only grows, so learning stops once the batch agrees with it.
    Returns how many facts were added.
    """
    knowledge = read_knowledge(Path(dictionaries_dir) / KNOWLEDGE_FILE)
    path = Path(clean_dir) / BATCH_FILE
    taught = read_knowledge(path)
    confusions = digit_confusions(dictionaries_dir)
    learned = merge(o for d in docs for o in observations_from_document(d))
    known = {**taught, **knowledge}
    memory = {**learned, **known}
    wanted: dict[str, set[str]] = defaultdict(set)  # a symbol -> dates some citation of a near number stands with
    for d in docs:
        for r, date in document_evidence(d):
            parts = _split(r["target"]) if r.get("target") and r.get("kind") in ("resolution", "decision") else None
            fact = memory.get(r["target"]) if parts else None
            if not parts or ((fact.date == date) if fact else plausible(r["target"], date)):
                continue  # the citation agrees with what is known: nothing to correct
            head, number, tail = parts
            for near in near_numbers(number, confusions):
                wanted[head + near + tail].add(date)
    new = {symbol: fact for symbol, fact in learned.items() if symbol not in known and fact.date in wanted.get(symbol, ())}
    if new:
        write_knowledge(path, {**taught, **new}, "learned by CleanAll from this folder's documents (see pipeline/citation_memory.py)")
    return len(new)

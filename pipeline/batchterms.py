"""Names and terms across the batch: a form other documents print surely is evidence it is not an error.

A document may print "Chornobyl" once, where the batch's born-digital drafts
print it seven times: the word rules would take the lone print for damage.
The evidence is read from every document's extraction (never from a repair,
so no document's output depends on the order documents run in):

- a document gives evidence where its text is exact (a born-digital text
  layer) or read surely (an OCR word at ``REPEAT_SURE_CONF`` or above); text
  exports of unknown provenance and searchable scans' OCR layers give none
  (the same damaged OCR text is often exported twice), and identical inputs
  count once;
- a document asks about the forms its word rules might change: words of
  ``REPEAT_MIN_LETTERS`` ASCII letters or more that the lexicon does not know,
  or knows as rare, printed fewer than ``REPEAT_MIN`` times surely in it.

``clean/batch-terms.json`` holds, per document, the forms the batch makes its
own word (its sure prints and the other documents' reach ``REPEAT_MIN``).  A
document's Repair stage is keyed by its own entry (:func:`fingerprint_part`),
so a new document re-runs only the documents whose entry it changes.  After a
run the file is rebuilt from the batch (:func:`update`); documents whose entry
changed are repaired again in the same run, so the outputs always agree with
the batch as it is.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from .run.fingerprint import digest
from .model import Extracted
from .worktext import WorkText

BATCH_TERMS = "batch-terms.json"
FORM_RE = re.compile(r"(?<![\w/.-])[A-Za-z]{5,}(?![\w/])")  # a whole word of ASCII letters
REPEAT_MIN = 3  # as pipeline.repair.words
REPEAT_SURE_CONF = 0.85
RARE_IN_UN = 2  # a known word printed this rarely in UN text may still be a real-word error


def document_forms(doc: Extracted) -> dict[str, list[int]]:
    """``{form: [sure prints, all prints]}`` of one document's extracted text (see the module docstring)."""
    work = WorkText.from_extracted(doc)
    exact = doc.source.kind == "pdf"
    layer = sorted((ln.start, ln.end) for ln in work.lines if ln.attrs.get("ocr_layer"))
    confs = sorted((m.start, m.end, m.data.get("conf")) for m in work.marks if m.kind == "conf")
    sure: Counter = Counter()
    seen: Counter = Counter()
    ci = li = 0
    for m in FORM_RE.finditer(work.text):
        s, form = m.start(), m.group()
        seen[form] += 1
        while ci < len(confs) and confs[ci][1] <= s:
            ci += 1
        while li < len(layer) and layer[li][1] <= s:
            li += 1
        conf = confs[ci][2] if ci < len(confs) and confs[ci][0] <= s else None
        in_layer = li < len(layer) and layer[li][0] <= s
        if conf is not None:
            sure[form] += conf >= REPEAT_SURE_CONF
        elif exact or (doc.source.kind == "scanned-pdf" and not in_layer):
            sure[form] += 1  # a born-digital page
    return {f: [sure[f], n] for f, n in sorted(seen.items())}


def entries(forms: dict[str, tuple[str, dict[str, list[int]]]], lexicon: Any) -> dict[str, list[str]]:
    """Per document, the forms the batch makes its own word.

    ``forms``: ``{doc_id: (input sha256, document_forms)}``.  Independent of the
    order of ``forms``: counts are sums over the other inputs.
    """
    by_sha: dict[str, dict[str, list[int]]] = {}
    for doc_id in sorted(forms):
        sha, f = forms[doc_id]
        by_sha.setdefault(sha, f)  # identical inputs count once
    total: Counter = Counter()
    for f in by_sha.values():
        for form, (sure, _) in f.items():
            total[form] += sure
    out: dict[str, list[str]] = {}
    for doc_id in sorted(forms):
        sha, f = forms[doc_id]
        own = by_sha[sha]
        words = []
        for form, (sure, _) in f.items():
            if sure >= REPEAT_MIN or not _asks(form, lexicon):
                continue  # the document's own evidence suffices, or no word rule would touch it
            if sure + (total[form] - own.get(form, [0])[0]) >= REPEAT_MIN:
                words.append(form)
        if words:
            out[doc_id] = words
    return out


def _asks(form: str, lexicon: Any) -> bool:
    """Would a word rule question this form?  Not a word UN text prints commonly."""
    if lexicon is None:
        return True
    return not lexicon.is_known(form) or lexicon.lower_words.get(form.lower(), 0) <= RARE_IN_UN


# ------------------------------------------------------------------ the batch file
_READ: dict[tuple[str, int, int], dict[str, list[str]]] = {}


def read(clean_dir: Path) -> dict[str, list[str]]:
    """``clean/batch-terms.json`` (empty when there is none), read once per change."""
    path = Path(clean_dir) / BATCH_TERMS
    try:
        st = path.stat()
    except OSError:
        return {}
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _READ:
        _READ.clear()
        try:
            _READ[key] = json.loads(path.read_text(encoding="utf-8")).get("documents", {})
        except (OSError, ValueError, AttributeError):
            _READ[key] = {}  # a damaged file is rebuilt at the end of the run
    return _READ[key]


def terms_for(clean_dir: Path, doc_id: str) -> frozenset[str]:
    return frozenset(read(clean_dir).get(doc_id, ()))


def fingerprint_part(clean_dir: Path, doc_id: str) -> list[str]:
    """What a document's Repair fingerprint takes from the batch: its own entry; nothing without one."""
    terms = read(clean_dir).get(doc_id)
    return [digest("batch-terms", sorted(terms))] if terms else []


def update(clean_dir: Path, forms: dict[str, tuple[str, dict[str, list[int]]]], lexicon: Any) -> set[str]:
    """Rebuild ``clean/batch-terms.json`` from the batch; return the documents whose entry changed."""
    from .files import atomic_write

    new = entries(forms, lexicon)
    old = read(clean_dir)
    changed = {d for d in set(new) | set(old) if new.get(d) != old.get(d) and d in forms}
    if changed or not (Path(clean_dir) / BATCH_TERMS).exists() or set(old) - set(new):
        atomic_write(Path(clean_dir) / BATCH_TERMS,
                     json.dumps({"documents": new}, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return changed


def forms_cached(cache: Path, key: str, extracted_path: Path) -> dict[str, list[int]]:
    """:func:`document_forms` of an Extract stage file, kept beside the stages under its own key."""
    from .files import atomic_write

    path = cache / f"{key}.json"
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    data = json.loads(Path(extracted_path).read_text(encoding="utf-8"))
    forms = {} if "failed" in data else document_forms(Extracted.from_json(data))
    cache.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(forms, sort_keys=True).encode("utf-8"))
    return forms


def batch_forms(docs: Iterable[tuple[str, str, Path, Path]], cache: Path) -> dict[str, tuple[str, dict[str, list[int]]]]:
    """``{doc_id: (sha, forms)}`` of ``(doc_id, input sha256, Extract stage file, cache key)`` rows whose file exists."""
    out = {}
    for doc_id, sha, extracted, key in docs:
        if Path(extracted).exists():
            out[doc_id] = (sha, forms_cached(cache, str(key), extracted))
    return out

"""Rebuild the domain word lists from clean UN text.

    python -m pipeline.build_lexicon /work/shared/corpus/un-pdfs [--out dictionaries]

Reads the text layer of every born-digital PDF in the folder with pdfplumber
(``extract_text``; those layers are clean) and writes ``un_words.tsv``,
``un_bigrams.tsv`` and ``un_compounds.tsv``, and the citation memory
``un_resolutions.tsv`` (resolutions' adoption dates and titles, see
:mod:`pipeline.structure.citation_memory`) from the same texts, from the folders given
with ``--also`` (drafts: their citations) and from the clean documents of the
batches given with ``--clean``.  The hand-kept files
(``protected.txt``, ``ocr_confusions.json``) are left alone.  A folder of
``.txt`` files is read as already extracted text.
"""
from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from pathlib import Path

from .lexicon import BIGRAMS_FILE, COMPOUNDS_FILE, WORDS_FILE, count_text, default_dictionaries_dir

# Pairs seen once are mostly accidents of one text; keeping them would make
# the file large without making the evidence better.
MIN_BIGRAM = 2


def pdf_text(path: Path) -> str:
    """The text layer of a PDF: pages joined by a form feed, as WorkText does."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n\f\n".join(page.extract_text() or "" for page in pdf.pages)


def source_texts(folder: Path) -> list[tuple[Path, str]]:
    files = sorted(folder.glob("*.pdf")) or sorted(folder.glob("*.txt"))
    out = []
    for f in files:
        text = pdf_text(f) if f.suffix.lower() == ".pdf" else f.read_text(encoding="utf-8")
        out.append((f, text))
    return out


def build(folder: Path, out: Path) -> dict[str, int]:
    words: Counter = Counter()
    lower: Counter = Counter()
    bigrams: Counter = Counter()
    compounds: Counter = Counter()
    sources = source_texts(folder)
    if not sources:
        raise SystemExit(f"no .pdf or .txt files in {folder}")
    digest = hashlib.sha256()
    for f, text in sources:
        digest.update(f.name.encode() + text.encode("utf-8"))
        w, lo, b, c = count_text(text)
        words += w
        lower += lo
        bigrams += b
        compounds += c
    header = f"# built by pipeline.build_lexicon from {len(sources)} files, text sha256 {digest.hexdigest()[:16]}\n"
    out.mkdir(parents=True, exist_ok=True)
    (out / WORDS_FILE).write_text(
        header + "".join(f"{w}\t{n}\t{lower.get(w, 0)}\n" for w, n in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))),
        encoding="utf-8",
    )
    (out / BIGRAMS_FILE).write_text(
        header
        + "".join(
            f"{a}\t{b}\t{n}\n"
            for (a, b), n in sorted(bigrams.items(), key=lambda kv: (-kv[1], kv[0]))
            if n >= MIN_BIGRAM
        ),
        encoding="utf-8",
    )
    (out / COMPOUNDS_FILE).write_text(
        header + "".join(f"{w}\t{n}\n" for w, n in sorted(compounds.items(), key=lambda kv: (-kv[1], kv[0]))),
        encoding="utf-8",
    )
    return {"files": len(sources), "words": sum(words.values()), "types": len(words), "bigrams": len(bigrams), "compounds": len(compounds)}


def build_memory(folders: list[Path], clean_dirs: list[Path], out: Path) -> dict[str, int]:
    """``un_resolutions.tsv`` from corpus texts and clean batches (the facts of both, by majority)."""
    from .structure import citation_memory as M
    from .review.report import load_documents

    observations = []
    n_texts = n_docs = 0
    for folder in folders:
        for _, text in source_texts(folder):
            observations += M.observations_from_text(text)
            n_texts += 1
    for clean in clean_dirs:
        for _, doc in load_documents(clean):
            observations += M.observations_from_document(doc)
            n_docs += 1
    facts = M.merge(observations)
    M.write_knowledge(out / M.KNOWLEDGE_FILE, facts,
                      f"built by pipeline.build_lexicon from {n_texts} corpus texts and {n_docs} clean documents")
    return {"memory_texts": n_texts, "memory_clean_documents": n_docs, "resolutions": len(facts)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, help="folder of born-digital UN PDFs (or .txt text layers)")
    ap.add_argument("--out", type=Path, default=default_dictionaries_dir())
    ap.add_argument("--also", type=Path, action="append", default=[],
                    help="another folder of UN texts (e.g. drafts) read for the citation memory only")
    ap.add_argument("--clean", type=Path, action="append", default=[],
                    help="a clean/ folder of a batch whose documents extend the citation memory")
    args = ap.parse_args(argv)
    stats = build(args.source, args.out)
    stats.update(build_memory([args.source, *args.also], args.clean, args.out))
    print(" ".join(f"{k}={v}" for k, v in stats.items()), "->", args.out)


if __name__ == "__main__":
    main()

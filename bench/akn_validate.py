"""Export every canonical JSON in a directory to Akoma Ntoso and validate it.

    python bench/akn_validate.py [DIR ...] [--write] [--verbose]

DIR defaults to clean/.  For each ``*.json`` (``*.akn.json`` and files that
are not ``clean-document/1`` are skipped), the export is built in memory,
validated against pipeline/schema/akomantoso30.xsd, and its texts and notes
read back and compared with the JSON.  ``--write`` also writes
``<doc_id>.akn.xml`` beside the JSON (the Luigi task does that in the run).
Prints one line per document that is not clean, then the counts; exits 1
when any document fails validation or the round trip.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.export import akn  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", default=["clean"], type=Path)
    ap.add_argument("--write", action="store_true", help="write <doc_id>.akn.xml beside each JSON")
    ap.add_argument("--verbose", action="store_true", help="print every problem, not only the first")
    args = ap.parse_args(argv)

    counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for d in args.dirs:
        for path in sorted(d.glob("*.json")):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as e:
                counts["unreadable"] += 1
                print(f"UNREADABLE {path}: {e}")
                continue
            if not isinstance(doc, dict) or doc.get("schema") != "clean-document/1":
                counts["skipped (not clean-document/1)"] += 1
                continue
            counts["documents"] += 1
            try:
                ex = akn.export_bytes(doc)
            except Exception as e:  # a crash is a result to report, not to hide
                counts["export crashed"] += 1
                print(f"CRASH   {path.name}: {type(e).__name__}: {e}")
                continue
            errors = akn.validate(ex.xml)
            roundtrip = akn.comparable(akn.read_back(ex.xml)) == akn.canonical_view(doc)
            counts["valid"] += not errors
            counts["invalid"] += bool(errors)
            counts["round trip equal"] += roundtrip
            counts["round trip differs"] += not roundtrip
            counts["with problems"] += bool(ex.problems)
            back = akn.read_back(ex.xml)
            counts["footnotes placed"] += sum(f["anchored"] for f in back["footnotes"])
            counts["footnotes kept in meta/notes (unanchored)"] += sum(not f["anchored"] for f in back["footnotes"])
            kinds[(doc.get("source") or {}).get("kind") or "?"] += 1
            if args.write:
                (path.parent / f"{doc.get('doc_id') or path.stem}.akn.xml").write_bytes(ex.xml)
            if errors or not roundtrip or ex.problems:
                status = "INVALID" if errors else ("ROUNDTRIP" if not roundtrip else "PROBLEM")
                shown = (errors + ex.problems) if args.verbose else (errors + ex.problems)[:1]
                print(f"{status:9} {path.name}: " + " | ".join(shown)
                      + ("" if args.verbose or len(errors + ex.problems) <= 1
                         else f" (+{len(errors + ex.problems) - 1} more)"))
    print()
    print(f"dirs: {', '.join(map(str, args.dirs))}; source kinds: {dict(kinds)}")
    for key in ("documents", "valid", "invalid", "round trip equal", "round trip differs", "with problems",
                "export crashed", "unreadable", "skipped (not clean-document/1)",
                "footnotes placed", "footnotes kept in meta/notes (unanchored)"):
        print(f"{key:45} {counts[key]}")
    bad = counts["invalid"] + counts["round trip differs"] + counts["export crashed"] + counts["unreadable"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

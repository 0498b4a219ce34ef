"""Citations: recall and precision against hand-checked lists, targets by kind, the index's cost.

    python bench/citation_bench.py                     # the hand-checked documents (tests/data/references/)
    python bench/citation_bench.py --clean CLEAN_DIR   # also: references by kind and the share with a target,
                                                       # memory flags, the time to write clean/citations.json,
                                                       # and the memory rule on misread numbers (leave-one-out)

A hand-checked file holds the clean text of each block of one corpus document
and the citations a person found reading it (block, text, target, date).  A
found reference counts as right when the same block holds the same text (the
n-th occurrence matches the n-th); its target and its date are then compared.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.structure.citations import find_citations, own_organ  # noqa: E402

DATA = ROOT / "tests" / "data" / "references"


def found_in(annotated: dict) -> list[list]:
    organ = own_organ({"organ": annotated["organ"], "symbol": annotated["symbol"]})
    return [[block, c.text, c.target, c.date]
            for block, text in annotated["blocks"].items() for c in find_citations(text, own_organ=organ)]


def compare(gold: list[list], found: list[list]) -> dict[str, int | list]:
    """Counts of matched, missed and extra citations, and of right targets and dates among the matched."""
    def keyed(rows):
        seen: Counter = Counter()
        out = {}
        for r in rows:
            k = (r[0], r[1])
            out[(k, seen[k])] = r
            seen[k] += 1
        return out

    g, f = keyed(gold), keyed(found)
    both = g.keys() & f.keys()
    return {
        "gold": len(g), "found": len(f), "matched": len(both),
        "target_right": sum(1 for k in both if g[k][2] == f[k][2]),
        "date_right": sum(1 for k in both if g[k][3] == f[k][3]),
        "missed": [g[k] for k in sorted(g.keys() - f.keys())],
        "extra": [f[k] for k in sorted(f.keys() - g.keys())],
        "wrong_target": [(g[k], f[k][2]) for k in sorted(both) if g[k][2] != f[k][2]],
    }


def hand_checked(show: bool = True) -> dict[str, float]:
    total: Counter = Counter()
    rows = []
    for path in sorted(DATA.glob("*.json")):
        annotated = json.loads(path.read_text(encoding="utf-8"))
        r = compare(annotated["references"], found_in(annotated))
        for k in ("gold", "found", "matched", "target_right", "date_right"):
            total[k] += r[k]
        rows.append((annotated["doc_id"], r))
    if show:
        print(f"{'document':28} {'hand':>5} {'found':>5} {'match':>5} {'target ok':>9} {'date ok':>7}")
        for doc_id, r in rows:
            print(f"{doc_id:28} {r['gold']:5} {r['found']:5} {r['matched']:5} {r['target_right']:9} {r['date_right']:7}")
            for m in r["missed"]:
                print(f"    missed {m}")
            for e in r["extra"]:
                print(f"    extra  {e}")
            for g, t in r["wrong_target"]:
                print(f"    target {g} found {t}")
    recall = total["matched"] / total["gold"] if total["gold"] else 1.0
    precision = total["matched"] / total["found"] if total["found"] else 1.0
    figures = {"documents": len(rows), "hand": total["gold"], "found": total["found"], "recall": recall,
               "precision": precision, "target_accuracy": total["target_right"] / max(1, total["matched"]),
               "date_accuracy": total["date_right"] / max(1, total["matched"])}
    print(f"\n{len(rows)} hand-checked documents, {total['gold']} citations by hand, {total['found']} found: "
          f"recall {100 * recall:.2f}%, precision {100 * precision:.2f}%, "
          f"target right {100 * figures['target_accuracy']:.2f}%, date right {100 * figures['date_accuracy']:.2f}% of the matched")
    return figures


def batch(clean: Path) -> None:
    from pipeline.structure.citation_index import write_index
    from pipeline.review.report import load_documents

    t0 = time.perf_counter()
    docs = [d for _, d in load_documents(clean)]
    t1 = time.perf_counter()
    index = write_index(clean, docs)
    t2 = time.perf_counter()
    from pipeline.structure.citation_memory import learn_from_batch

    learned = learn_from_batch(clean, ROOT / "dictionaries", docs)
    t3 = time.perf_counter()
    kinds: Counter = Counter()
    targeted: Counter = Counter()
    for d in docs:
        for r in d.get("references") or []:
            kinds[r.get("kind")] += 1
            targeted[r.get("kind")] += r.get("target") is not None
    print(f"\n{clean}: {len(docs)} documents, {sum(kinds.values())} references")
    for k in sorted(kinds):
        print(f"  {k:10} {kinds[k]:6}  with a target {targeted[k]:6} ({100 * targeted[k] / kinds[k]:.1f}%)")
    flags = Counter(c["status"] for d in docs for c in d.get("corrections") or [] if c.get("rule") == "citations.memory_number")
    print(f"  citations.memory_number corrections: {dict(flags) or 0}")
    print(f"  {len(index['targets'])} targets, {len(index['disagreements'])} cited with different dates")
    print(f"  citation index: reading the documents {1000 * (t1 - t0):.0f} ms, building and writing "
          f"citations.json + .csv {1000 * (t2 - t1):.0f} ms, learning from the batch {1000 * (t3 - t2):.0f} ms "
          f"({learned} facts); in all {1000 * (t3 - t0):.0f} ms beyond the run (what CleanAll adds)")


def memory(clean: Path, per_citation: int = 2) -> None:
    """The memory rule on misreads made by hand from real citations, each document against a memory without it.

    Every citation printed with its date has one digit of its number replaced by
    a digit OCR confuses it with (``digit_confusions``), at most ``per_citation``
    variants each; the rule must give the number back.  The unchanged texts must
    give nothing (false alarms).
    """
    from pipeline.structure import citation_memory as M
    from pipeline.structure.citations import own_organ
    from pipeline.review.report import load_documents
    from pipeline.worktext import WorkText

    docs = [d for _, d in load_documents(clean)]
    confusions = M.digit_confusions(ROOT / "dictionaries")
    observed = {d["doc_id"]: M.observations_from_document(d) for d in docs}
    right = wrong = missed = false = tried = clean_citations = 0
    t0 = time.perf_counter()
    for d in docs:
        facts = M.merge(o for other, obs in observed.items() if other != d["doc_id"] for o in obs)
        organ = own_organ(d)
        texts = dict(blocks_of(d))
        for block, text in texts.items():
            refs = [r for r in d["references"] if r["block"] == block]
            clean_citations += len(refs)
            false += len(M.check(WorkText(d["doc_id"], text), facts, confusions, organ))
            for r in refs:
                parts = M._split(r["target"]) if r.get("target") and r.get("date") else None
                if not parts or r["target"] not in facts:
                    continue  # the memory must know the right number for the rule to have a chance
                _, number, _ = parts
                at = r["offset"] + r["text"].find(number)
                for variant in M.near_numbers(number, confusions)[:per_citation]:
                    tried += 1
                    damaged = text[:at] + variant + text[at + len(number):]
                    got = [p for p in M.check(WorkText(d["doc_id"], damaged), facts, confusions, organ) if p.start == at]
                    if not got:
                        missed += 1
                    elif got[0].after == number:
                        right += 1
                    else:
                        wrong += 1
    secs = time.perf_counter() - t0
    print(f"\nmemory rule (leave-one-out memory from the other {len(docs) - 1} documents), {secs:.1f} s:")
    print(f"  misread numbers tried {tried}: given back {right}, wrong number {wrong}, not flagged {missed}")
    print(f"  false alarms on the unchanged texts ({clean_citations} citations): {false}")
    if right + wrong + false:
        print(f"  precision of a flag {100 * right / (right + wrong + false):.1f}%, recall {100 * right / max(1, tried):.1f}%")


def blocks_of(doc: dict):
    from pipeline.structure.citations import blocks

    return blocks(doc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clean", type=Path, help="a clean/ folder of a run (e.g. on the 80 corpus documents)")
    ap.add_argument("--quiet", action="store_true", help="figures only, not each miss")
    args = ap.parse_args()
    hand_checked(show=not args.quiet)
    if args.clean:
        batch(args.clean)
        memory(args.clean)


if __name__ == "__main__":
    main()

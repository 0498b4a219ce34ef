"""A page's reading and its verdict; a poor reading goes down the chain: turned, prepared, cleaned hard.

The cheap path: a good first reading is kept as it is.  A poor one is read
again (:func:`read_better`): turned when Tesseract's OSD says the page faces
another way (:mod:`pipeline.extract.orientation`), then with the preparation
steps its measured damage calls for (:mod:`pipeline.extract.prepare`); the
best reading wins (:mod:`pipeline.extract.quality` scores them).  A step that
fails leaves the first reading in place, and the page record says so.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.extract import orientation, prepare, quality, reread
from pipeline.extract.ocr import fusion, lostlines
from pipeline.extract.ocr.cache import PREPROCESS
from pipeline.extract.ocr.markers import INK_LEVEL, marked_words
from pipeline.extract.ocr.image import PageInput, build_image, deskew, describe_recipe
from pipeline.extract.ocr.tesseract import TESSERACT_CONFIG, ocr_words


def page_record(key: str, n: int, dpi: int, lang: str, version: str, inp: PageInput, image: Image.Image,
                data: dict, seconds: float) -> dict:
    return {"key": key, "page": n, "dpi": dpi, "lang": lang, "tesseract": version,
            "config": TESSERACT_CONFIG, "preprocess": PREPROCESS, "skew": inp.recipe["skew"],
            "scan_dpi": inp.scanned_dpi, "recipe": inp.recipe,
            "size_px": list(image.size), "seconds": seconds, "image": f"page-{n}.jpg",
            "data": {f: data[f] for f in ("level", "block_num", "par_num", "line_num", "word_num",
                                          "left", "top", "width", "height", "conf", "text")}}


def read_page(key: str, n: int, dpi: int, lang: str, version: str, inp: PageInput, data: dict,
              seconds: float, tmp: Path) -> tuple[dict, Image.Image]:
    """Page ``n``'s record from its first reading, read again where the reading is poor.

    The cheap path: a good first reading is kept as it is.  Otherwise
    :func:`read_better` tries the page turned and prepared; the verdict is that
    of the best reading.  Returns the record and the image its words belong to.
    """
    first = quality.measure(data)
    status, why = quality.page_verdict(first, dpi=inp.scanned_dpi)
    readings, tried, evidence, skipped, others = 1, [], None, None, []
    good = quality.page_verdict(first, dpi=None)[0] == "good"
    if not good:  # the reading itself is poor
        try:
            inp, data, first, more, tried, evidence, others = read_better(inp, data, first, dpi, lang, tmp)
        except Exception as exc:  # noqa: BLE001 -- a refinement that fails degrades: the first reading stays
            skipped = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
            tried = [f"second reading skipped: {skipped}"]
        else:
            seconds += more
            readings += len(tried)
            status, why = quality.page_verdict(first, dpi=inp.scanned_dpi,
                                               ink_share=evidence["ink_share"] if evidence else None)
    inp, data, won, fused, more, note, failed = fuse_readings(inp, data, others, dpi, lang)
    seconds += more
    if won is not None:  # the extra reading was the better: its measures are the page's
        first = won
        status, why = quality.page_verdict(first, dpi=inp.scanned_dpi,
                                           ink_share=evidence["ink_share"] if evidence else None)
    readings += bool(note)
    tried += [note] if note else []
    skipped = skipped or failed
    data, lines, failed = reread_lost_lines(inp.image, data, lang)
    skipped = skipped or failed
    data, rereads, failed = reread_words(inp.image, data, lang, good=good)
    skipped = skipped or failed
    record = page_record(key, n, dpi, lang, version, inp, inp.image, data, seconds)
    record.update(quality=first, status=status, why=why, readings=readings, tried=tried, reread=rereads)
    if lines:
        record["lost_lines"] = lines
    if fused:
        record["fused"] = fused
    if skipped:
        record["skipped"] = skipped  # not cached (see pages.ocr_page_layouts): a later run reads the page again
    if evidence:
        record["evidence"] = evidence
    return record, inp.image


def fuse_readings(inp: PageInput, data: dict, others: list[dict], dpi: int,
                  lang: str) -> tuple[PageInput, dict, dict | None, dict | None, float, str | None, str | None]:
    """The page's doubtful words voted on across its readings of the same image (:mod:`.fusion`).

    ``others`` are the readings already made in the page's frame (a poor page's
    first and prepared ones); a page with many doubtful words is first read once
    more with the other stroke treatment (:func:`fusion.other_strokes`), unless it
    was prepared for its coarse rows (:func:`prepare.prepared_for_rows`).  Where that
    reading is the better one by :func:`quality.score` (more characters of real
    words: the rule :func:`read_better` chooses by), it becomes the page's reading,
    its image and step with it, and the first is one of the others: a heavy print
    whose lines Tesseract's page segmentation lost came back thinned.  The footnote
    markers' words are left alone, as a re-read leaves them.
    Returns (input, data, its measures if the extra reading won or None, {"readings", "tried",
    "changed"} or None, Tesseract seconds, what the extra reading gave for the page's ``tried``
    or None, why it failed or None).  A failure degrades: the page keeps its reading, and is not cached.
    """
    seconds, note, won = 0.0, None, None
    try:
        if fusion.worth_another_reading(data) and not prepare.prepared_for_rows(inp.recipe.get("upsample", [])):
            gray = np.asarray(inp.image)
            step = fusion.other_strokes(gray, inp.recipe.get("upsample", []) + inp.recipe.get("log", []), dpi)
            alt, log = prepare.apply_plan(gray, [step])
            d, seconds = ocr_words(Image.fromarray(alt), lang)
            m = quality.measure(d)
            label = f"other strokes ({' '.join(log) or step[0]}): confidence {m['mean_confidence']}, " \
                    f"lexicon {m['lexicon_share']}"
            if log and quality.score(m) > quality.score(quality.measure(data)):
                recipe = {**inp.recipe, "steps": [*inp.recipe.get("steps", []), [step[0], step[1]]],
                          "log": [*inp.recipe.get("log", []), *log]}
                inp, others, data, won = PageInput(inp.base, inp.scanned_dpi, recipe, Image.fromarray(alt)), \
                    others + [data], d, m
                note = label + " (kept, voted)"
            else:
                others = others + [d]
                note = label + " (voted)"
        words = reread.doubtful_words(data, fusion.FUSE_LIMIT) if others else []
        if not words:
            return inp, data, won, None, seconds, note, None
        skip = marked_words(np.asarray(inp.image) < INK_LEVEL, data, set(words))
        words = [i for i in words if i not in skip]
        data, changed = fusion.fuse(data, others, words)
    except Exception as exc:  # noqa: BLE001 -- a refinement that fails degrades: the page's reading stays
        return inp, data, won, None, seconds, note, f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    return inp, data, won, {"readings": len(others) + 1, "tried": len(words), "changed": changed}, seconds, note, None


def reread_lost_lines(image: Image.Image, data: dict, lang: str) -> tuple[dict, dict | None, str | None]:
    """The page's lines no word covers read again line by line (:mod:`.lostlines`), on every page:
    a page that lost none costs one pass over its ink and no Tesseract call.

    Returns (data, {"lost": n, "read": [...]} or None, why it was skipped or None).
    A failure degrades: the page keeps its own reading, and is not cached.
    """
    t = time.perf_counter()
    try:
        data, found = lostlines.read_lost_lines(np.asarray(image), data, lang)
    except Exception as exc:  # noqa: BLE001 -- a refinement that fails degrades: the page's reading stays
        return data, None, f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    if found:
        found["seconds"] = round(time.perf_counter() - t, 3)
    return data, found, None


def reread_words(image: Image.Image, data: dict, lang: str, *, good: bool = False) -> tuple[dict, dict, str | None]:
    """The page's doubtful words read again (:mod:`pipeline.extract.reread`), markers' words left alone;
    on a page whose first reading is ``good``, only those that matter (:func:`reread.worth_rereading`).
    On every page, a symbol-like word near its top that the grammar does not parse is read again too
    (:func:`reread.reread_symbols`: a draft's "A/80/L.5", its "A" set large, read "Apo/L.s").

    Returns (data, {"tried": n, "changed": [...]}, why it was skipped or None).
    A failure degrades: the page keeps its own reading, and is not cached.
    """
    doubtful = reread.doubtful_words(data)
    if len(doubtful) > reread.MAX_WORDS:
        doubtful = []
    elif good:
        doubtful = reread.worth_rereading(data, doubtful)
    t = time.perf_counter()
    tried, changed = 0, []
    try:
        gray = np.asarray(image)
        data, changed, tried = reread.reread_symbols(gray, data, lang)
        if doubtful:
            skip = marked_words(gray < INK_LEVEL, data, set(doubtful))
            done = {c["word"] for c in changed}
            data, more, n = reread.reread_doubtful(gray, data, lang, skip=skip | done, words=doubtful)
            changed, tried = changed + more, tried + n
    except Exception as exc:  # noqa: BLE001 -- a refinement that fails degrades: the page's reading stays
        return data, {"tried": 0, "changed": []}, f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
    if not tried:
        return data, {"tried": 0, "changed": []}, None
    return data, {"tried": tried, "changed": changed, "seconds": round(time.perf_counter() - t, 3)}, None


def describe_rereads(rereads: dict | None) -> list[str]:
    """'reread 2 of 9 doubtful words' when a page's doubtful words were read again."""
    if not rereads or not rereads.get("tried"):
        return []
    return [f"reread {len(rereads['changed'])} of {rereads['tried']} doubtful words"]


def describe_lost_lines(lines: dict | None) -> list[str]:
    """'read 2 lost lines again' when lines no word covered were read again and kept."""
    if not lines or not lines.get("read"):
        return []
    n = len(lines["read"])
    return [f"read {n} lost line{'s' if n > 1 else ''} again"]


def describe_fused(fused: dict | None) -> list[str]:
    """'voted 12 of 60 doubtful words across 2 readings' when a page's readings were voted on."""
    if not fused or not fused.get("tried"):
        return []
    return [f"voted {len(fused['changed'])} of {fused['tried']} doubtful words across {fused['readings']} readings"]


def page_quality(record: dict) -> dict:
    """A page's entry in the output's ``ocr.pages``: verdict, evidence, what was done to the image."""
    q = record.get("quality") or {}
    out = {"page": record["page"], "status": record.get("status", "poor"),
           "rotation": int(record.get("recipe", {}).get("rotation", 0)),
           "mean_confidence": q.get("mean_confidence"), "lexicon_share": q.get("lexicon_share"),
           "dpi": record.get("scan_dpi"),
           "preprocessing": describe_recipe(record.get("recipe") or {}) + describe_fused(record.get("fused"))
           + describe_lost_lines(record.get("lost_lines")) + describe_rereads(record.get("reread")),
           "why": record.get("why", "")}
    return out


def read_better(inp: PageInput, data: dict, first: dict, dpi: int, lang: str, tmp: Path):
    """Read a poor page again, turned and prepared as its evidence says; the best reading wins.

    1. A reading that is mostly not words may be of a turned page: Tesseract's
       OSD says which way is up (:mod:`pipeline.extract.orientation`); the page
       turned is deskewed and read again.
    2. The best image so far is measured (:func:`prepare.measure`) and the steps
       its damage calls for (:func:`prepare.plan`) are run; it is read again.  Not a
       page already prepared for its coarse rows before its first reading (a fax,
       :func:`prepare.prepared_for_rows`): its reading is the one it gets.
    3. A page still unreadable gets the strongest cleaning before it is given up.
    Each reading is scored by :func:`quality.score`; the best one wins.
    Returns (input, data, measures, Tesseract seconds, what was tried, evidence, the other readings
    in the winner's frame, :func:`same_frame`).
    """
    best = (quality.score(first), inp, data, first)
    tried: list[str] = []
    seconds = 0.0
    made = [(inp, data)]

    def read(candidate: PageInput, label: str) -> None:
        nonlocal best, seconds
        d, sec = ocr_words(candidate.image, lang)
        seconds += sec
        made.append((candidate, d))
        m = quality.measure(d)
        better = quality.score(m) > best[0]
        tried.append(f"{label}: confidence {m['mean_confidence']}, lexicon {m['lexicon_share']}"
                     + (" (kept)" if better else " (worse)"))
        if better:
            best = (quality.score(m), candidate, d, m)

    share, conf = first["lexicon_share"], first["mean_confidence"]
    if (share is None or share < quality.GOOD_LEXICON - 0.1 or (conf or 0) < quality.UNREADABLE_CONFIDENCE + 15
            or first.get("sideways")):
        degrees, osd_conf = orientation.detect(inp.image, lang)
        if degrees and osd_conf >= orientation.MIN_CONFIDENCE:
            image, angle = deskew(orientation.turn(inp.base, degrees))
            recipe = {**inp.recipe, "rotation": degrees, "skew": angle}
            read(PageInput(inp.base, inp.scanned_dpi, recipe, image),
                 orientation.describe(degrees, osd_conf))
    current = best[1]
    gray = np.asarray(current.image)
    evidence = prepare.measure(gray, dpi, inp.scanned_dpi)
    if quality.page_verdict(best[3], dpi=None)[0] == "good":  # turned upright, it reads well
        return current, best[2], best[3], seconds, tried, evidence.to_json(), same_frame(made, current)
    kept = fragments_kept(current)
    if kept is not None:
        read(kept, "fragments kept")
    steps = [] if prepare.prepared_for_rows(current.recipe.get("upsample", [])) else prepare.plan(evidence)
    out, log = prepare.apply_plan(gray, steps)
    if log:
        recipe = {**current.recipe, "steps": [[name, params] for name, params in steps], "log": log}
        read(PageInput(current.base, current.scanned_dpi, recipe, Image.fromarray(out)), "prepared " + ", ".join(log))
    if quality.page_verdict(best[3], dpi=None, ink_share=evidence.ink_share)[0] == "unreadable":
        steps = prepare.STRONG
        out, log = prepare.apply_plan(gray, steps)
        recipe = {**current.recipe, "steps": [[name, params] for name, params in steps], "log": log}
        read(PageInput(current.base, current.scanned_dpi, recipe, Image.fromarray(out)), "cleaned hard " + ", ".join(log))
    _, chosen, data, m = best
    return chosen, data, m, seconds, tried, evidence.to_json(), same_frame(made, chosen)


def fragments_kept(inp: PageInput) -> PageInput | None:
    """The page made again with the pieces of its letters kept, where its first image may have lost
    them (:func:`prepare.fragments_lost`: a bilevel scan despeckled), in the same
    frame (turn and deskew); None for any other page.

    A light threshold breaks thin strokes into pieces as small as a photocopy's dust: the
    despeckling that takes dust by no glyph took them too, "of", "or", "in" losing letters
    (typewriter_poor A/RES/78/205: 50 body words missed, 26 with the pieces kept).  Only a poor
    page is read so (:func:`read_better`), and the better reading by :func:`quality.score` wins.
    """
    if inp.remake is None or inp.recipe.get("fragments") or not prepare.fragments_lost(inp.recipe.get("upsample", [])):
        return None
    base, scanned_dpi, log = inp.remake(fragments=True)
    if base.size != inp.base.size:
        return None
    recipe = {**inp.recipe, "upsample": log, "fragments": True, "steps": [], "log": []}
    return PageInput(base, scanned_dpi, recipe, build_image(base, recipe))


def same_frame(made: list[tuple[PageInput, dict]], chosen: PageInput) -> list[dict]:
    """The readings other than ``chosen``'s of an image in its pixel frame (same turn, deskew and size):
    its words' boxes and theirs cover the same ink, so they can be voted on (:mod:`.fusion`)."""
    def frame(p: PageInput) -> tuple:
        return p.recipe.get("rotation", 0), p.recipe.get("skew"), p.image.size
    return [d for p, d in made if p is not chosen and frame(p) == frame(chosen)]


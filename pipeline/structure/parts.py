"""Structure: the repaired text becomes a resolution.

Header block and title, the formula ("The General Assembly,"), preambular
paragraphs, numbered operative paragraphs with their sub-items, the closing,
and the footnotes lifted out by the footnote stage.

Paragraph boundaries come from content, because blank lines cannot be trusted
(one seed is double-spaced, another runs a paragraph over a stripped marker's
line break): an operative paragraph starts at the number the sequence expects,
a preambular one at an opening participle after a paragraph that ended with a
comma, a sub-item at the letter that comes next.  Layout facts (italic opening
words, first-line indents, blank lines from a PDF) add evidence where present.

Every non-blank character of the text lands in exactly one block (see
:func:`blocks`), so nothing is dropped here; changes were logged upstream.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from .. import grammar as G
from .. import masthead
from .. import rules as R
from ..lexicon import general_zipf
from ..masthead import FORMULA
from ..worktext import IN_TEXT, WorkText

# Numbering, closings and openers are the grammar's (pipeline.grammar), shared with footnotes and repair.
_OPERATIVE = G.OPERATIVE_NUMBER
_ITEM = G.ITEM_NUMBER
_TITLE = masthead.RESOLUTION_TITLE
# A speck a scan read glued after a title's last word ("... of the United Nations."): no title ends so.
_TITLE_END_SPECK = re.compile(rf"(?<=[a-z)]){masthead.TITLE_END_SPECK}\s*$")
_CLOSING = G.CLOSING
_ORGAN_SERIES = G.RESOLUTION_SERIES


def is_preamble_opening(line: str) -> bool:
    """The grammar's opener, after a speck a scan may read before it (". Concerned about ...")."""
    return G.is_preamble_opening(G.LEADING_SPECK.sub("", line, count=1))


# From this length an opener may have two letters misread ("Afindful" for "Mindful", "Expressiriq"): an
# operative verb is three edits from its participle ("Notes"/"Noting", "Welcomes"/"Welcoming").
MISREAD_LONG = 7


def is_misread_opening(line: str) -> bool:
    """Does the line open with a known preambular opener misread by a letter, or two in a long word
    ("Conéerned" for "Concerned", "Recal1ing", "Afindful")?  Only for a line the layout already shows
    opening a paragraph.  Also a short opener misread twice that is no English word ("Noung" for
    "Noting") and an opener split by a gap OCR read as a space ("Rec alling")."""
    m = re.match(r"^\s*(\S+)(?:\s+(\S+))?", G.LEADING_SPECK.sub("", line, count=1))
    if not m or not m.group(1)[0].isupper():
        return False
    word = m.group(1).rstrip(",;:")
    if len(word) >= 6 and _near_opener(word, 1 if len(word) < MISREAD_LONG else 2):
        return True
    if SHORT_MISREAD <= len(word) < 6 and word.isalpha() and _near_opener(word, 2, same_first=True) \
            and general_zipf(word.lower()) < KNOWN_WORD_ZIPF:
        return True
    rest = (m.group(2) or "").rstrip(",;:")
    joined = word + rest
    return (word.isalpha() and rest.isalpha() and rest.islower() and len(word) <= SPLIT_PART
            and len(joined) >= MISREAD_LONG and _near_opener(joined, 1, same_first=True))


def _near_opener(word: str, most: int, same_first: bool = False) -> bool:
    """Is ``word`` within ``most`` edits of a preambular opener?  An operative verb's "-s" is no misread
    letter of a participle ("Encourages" is not "Encouraged")."""
    return any(Levenshtein.distance(word, o, score_cutoff=most) <= most
               for o in G.PREAMBULAR_OPENERS
               if abs(len(o) - len(word)) <= most and (o[-1] == "s" or word[-1] != "s")
               and (not same_first or o[0] == word[0]))


# A short opener ("Noting", "Having", "Taking") misread twice ("Noung") is still told from an operative
# verb (three edits from its participle) when OCR made no English word of it ("Young" is one).
SHORT_MISREAD = 5
KNOWN_WORD_ZIPF = 2.0  # wordfreq's Zipf scale: a word printed once in 100 million words or more is a word
# A gap inside an opener read as a space leaves a head of up to four letters ("Rec alling", "Reaf firming").
SPLIT_PART = 4


def misread_opening_on(line: str, attrs: dict[str, Any]) -> bool:
    """:func:`is_misread_opening`, and on a poor scan also with its first letter read small: "laking note of"
    ("Taking", a fax read "T" as "l") after a layout break, where a paragraph may open."""
    if is_misread_opening(line):
        return True
    t = line.lstrip()
    return bool(attrs.get("poor_scan") and t[:1].islower() and is_misread_opening(t[:1].upper() + t[1:]))


@dataclass
class Block:
    role: str  # header | title | formula | preamble | operative | item | closing | footnote | other
    start: int
    end: int
    num: str | None = None
    text_start: int | None = None  # where the text begins after the number
    level: int = 0
    children: list["Block"] = field(default_factory=list)


def _logical_lines(work: WorkText) -> list[tuple[int, int, dict[str, Any]]]:
    attrs_by_start = {ln.start: ln.attrs for ln in work.lines}
    out = []
    for m in re.finditer(r"[^\n\f]+", work.text):
        out.append((m.start(), m.end(), attrs_by_start.get(m.start(), {})))
    return out


ANNEX_HEADING = G.ANNEX_HEADING
_ADOPTS_FOLLOWING = G.ADOPTS_FOLLOWING
_ROMAN_HEADING = G.ROMAN_HEADING
_ANNEX_NUMBER = G.OPERATIVE_NUMBER  # an annex numbers its paragraphs as a resolution does


def _with_blanks(text: str, lines: list[tuple[int, int, dict[str, Any]]]) -> tuple[list[str], list[int]]:
    """The lines' texts with "" where a blank line (a block break) stands between two, and their indexes."""
    texts: list[str] = []
    index: list[int] = []
    prev_end = None
    for k, (s, e, _) in enumerate(lines):
        if prev_end is not None and text.count("\n", prev_end, s) >= 2 and "\f" not in text[prev_end:s]:
            texts.append("")
            index.append(-1)
        texts.append(text[s:e])
        index.append(k)
        prev_end = e
    return texts, index


def _text_lines(work: WorkText) -> list[tuple[int, int, dict[str, Any]]]:
    """Non-blank lines outside footnote bodies, in text order."""
    text = work.text
    foot = sorted((m.start, m.end) for m in work.marks if m.kind == "footnote")
    lines = []
    for s, e, attrs in _logical_lines(work):
        if not text[s:e].strip():
            continue
        inside = next((fe for fs, fe in foot if fs <= s < fe), None)
        if inside is not None:
            # a line a footnote body covers; what it leaves of the line (a note line a repair
            # joined to the next: "2 strength-" + "3 the") is still text, never dropped
            if inside < e and text[inside:e].strip():
                lines.append((inside + len(text[inside:e]) - len(text[inside:e].lstrip()), e, attrs))
            continue
        lines.append((s, e, attrs))
    return lines


def read_head(work: WorkText) -> tuple[masthead.Head, int, dict[int, str | None]]:
    """The masthead grammar's reading of the text: its facts, the index of the first body line, each line's role."""
    lines = _text_lines(work)
    texts, index = _with_blanks(work.text, lines)
    raised = [m for m in work.marks if m.kind == "superscript"]
    if raised:
        texts = [_without_raised_digits(work, lines[k], raised) if k >= 0 else t for t, k in zip(texts, index)]
    head = masthead.read(texts)
    body_at = next((index[k] for k in range(head.body or 0, len(texts)) if index[k] >= 0), len(lines)) \
        if head.body is not None else len(lines)
    roles = {index[k]: head.roles[k] for k in range(len(texts)) if index[k] >= 0}
    return head, body_at, roles


def _without_raised_digits(work: WorkText, line: tuple[int, int, dict[str, Any]], raised: list) -> str:
    """A poor scan's line as the masthead grammar reads it: without the raised digits glued to its words.

    A masthead prints no numbered footnote marker, but on a fax the raised ink a marker detector finds on
    large bold type ("Resolution adopted by3 the General Assembly1", "on 19 December2 2023") stays in the
    text; the grammar reads the line without them (the text keeps them), but for a day where a date's day
    stands ("on4 December 2024": "on 4 December 2024").  Other lines are read as they are.
    """
    s, e, attrs = line
    text = work.text[s:e]
    if not attrs.get("poor_scan"):
        return text
    cut = sorted((m.start - s, m.end - s) for m in raised
                 if s < m.start < m.end <= e and work.text[m.start:m.end].isdigit() and work.text[m.start - 1].isalpha())
    for a, b in reversed(cut):
        # where a date's day stands ("on4 December 2024": the day, bold, beside the small "on"), the day
        day = len(text[a:b]) <= 2 and text[:a].endswith("on") and _MONTH_NEXT.match(text, b)
        text = text[:a] + (" " + text[a:b] if day else "") + text[b:]
    return text


_MONTH_NEXT = re.compile(rf"\s+(?:{G.MONTHS})\b")


def blocks(work: WorkText) -> list[Block]:
    """Cut the text into blocks by role, in text order."""
    text = work.text
    foot = sorted((m.start, m.end) for m in work.marks if m.kind == "footnote")
    lines = _text_lines(work)
    out: list[Block] = [Block("footnote", fs, fe) for fs, fe in foot]
    _, body_at, roles = read_head(work)
    out.extend(_head_blocks(work, lines[:body_at], roles))
    body = lines[body_at:]
    opening: Block | None = None
    if body:
        s, e, _ = body[0]
        line = text[s:e]
        fm = masthead.FORMULA_OPENING.match(line)
        if FORMULA.match(line) or (masthead.misread_formula(line) and roles.get(body_at) == "formula"):
            out.append(Block("formula", s, e))
            body = body[1:]
        elif fm:  # "The General Assembly, recalling ..., decides ...": a decision's sentence
            cut = s + fm.end()
            out.append(Block("formula", s, cut))
            opening = Block("operative", cut, e, num=None, text_start=cut)
            body = body[1:]

    annex_at = _annex_start(text, body, opening)
    main, annexed = body[:annex_at], body[annex_at:]
    numbers = _numbers(text, main)
    nums = [n[0] for n in numbers if n]
    # The numbering starts at 1; OCR may have lost that "1." (then it starts at 2, and paragraph 1
    # begins where the layout shows the first paragraph that opens like no preambular one).
    lost_one = 1 not in nums and 2 in nums
    numbered = 1 in nums or lost_one

    current: Block | None = None
    expected_op = 1
    closing: Block | None = None
    op_blocks: list[Block] = []
    if opening is not None:
        out.append(opening)
        op_blocks.append(opening)
        current = opening
    prev_end = opening.end if opening else None
    last_break: int | None = None  # where the layout last showed a paragraph break inside ``current``
    for k, (s, e, attrs) in enumerate(main):
        line = text[s:e]
        blank_before = prev_end is not None and text.count("\n", prev_end, s) >= 2
        ended = prev_end is not None and bool(re.search(r"[.;:]\d{0,3}$", text[:prev_end].rstrip()))
        attrs = {**attrs, "page_break": True} if prev_end is not None and "\f" in text[prev_end:s] else attrs
        prev_end = e
        if attrs.get("zone") == "masthead":  # the extractor is sure: never part of a paragraph
            out.append(Block("header", s, e))
            continue
        if closing is not None:
            closing.end = e
            continue
        m = numbers[k]
        if m and m[0] == expected_op + 1 and not _more_operative(main, s, expected_op, text) and (
                expected_op > 1 or lost_one):
            # the number the sequence wanted was lost: paragraph ``expected_op`` began at the last
            # break the layout showed in the paragraph before, if there was one
            if current is not None and current.role == "operative" and last_break is not None and not current.children:
                lost = Block("operative", last_break, current.end, num=str(expected_op), text_start=last_break)
                current.end = len(text[:last_break].rstrip())
                out.append(lost)
                op_blocks.append(lost)
            expected_op += 1
        if m and m[0] == expected_op and (
            expected_op > 1 or current is None or current.role != "operative"
        ):
            current = Block("operative", s, e, num=str(m[0]), text_start=s + m[1])
            if current.text_start == e:
                current.text_start = None  # number alone on its line: text follows
            out.append(current)
            op_blocks.append(current)
            expected_op += 1
            last_break = None
            continue
        if (lost_one and expected_op == 1 and current is not None and current.role == "preamble" and blank_before
                and re.search(r"[,;:]\d{0,3}$", text[current.start:current.end].rstrip())
                and re.match(r"^\s*[A-Z][a-z]", line) and not is_preamble_opening(line)
                and not is_misread_opening(line) and not _preamble_follows(text, main, k)):
            current = Block("operative", s, e, num="1", text_start=s)  # its "1." lost: the layout's break
            out.append(current)
            op_blocks.append(current)
            expected_op = 2
            last_break = None
            continue
        if current is not None and current.role == "operative" and blank_before and ended:
            last_break = s
        if op_blocks and _CLOSING.match(line) and current is not None and not _more_operative(main, s, expected_op, text):
            closing = Block("closing", s, e)
            out.append(closing)
            continue
        if current is not None and current.role in ("operative", "item"):
            parent = op_blocks[-1]
            im = _ITEM.match(line)
            if im and _item_expected(parent, im.group(2)):
                item = Block("item", s, e, num=f"({im.group(2)})", text_start=s + im.end())
                parent.children.append(item)
                current = item
                continue
        if not op_blocks and _starts_preamble(text, current, line, attrs, blank_before) and (
                numbered or is_preamble_opening(line) or (blank_before and misread_opening_on(line, attrs))):
            current = Block("preamble", s, e, text_start=s)
            out.append(current)
            continue
        if (not op_blocks and not numbered and (current is None or blank_before)
                and _starts_unnumbered(text, current, line, blank_before) and _preamble_follows(text, main, k)):
            # an opener OCR spoilt past reading ("Recailira “hat ...") where the layout shows a paragraph:
            # preambular paragraphs still follow, and none follows an operative one
            current = Block("preamble", s, e, text_start=s)
            out.append(current)
            continue
        if not numbered and _starts_unnumbered(text, current, line, blank_before):
            # A decision's or an amendment's body: operative text without numbers.
            im = _ITEM.match(line)
            current = Block("operative", s, e, num=None, text_start=s)
            out.append(current)
            op_blocks.append(current)
            if im and im.group(2) == "a":  # "...: (a) Expresses ...": the items are the body
                current.text_start = None
                item = Block("item", s, e, num="(a)", text_start=s + im.end())
                current.children.append(item)
                current = item
            continue
        if current is None:
            current = Block("preamble" if not op_blocks else "other", s, e, text_start=s)
            out.append(current)
            continue
        current.end = e
        if current.text_start is None:
            current.text_start = s
    _close_parents(op_blocks)
    out.extend(_annex_blocks(text, annexed, closing is None))
    return sorted(out, key=lambda b: b.start)


def _starts_unnumbered(text: str, current: Block | None, line: str, blank_before: bool) -> bool:
    """Does an unnumbered operative paragraph start here?

    After the formula or the title (nothing yet), after a preambular paragraph that
    ended with a comma or colon (the operative verb: "Decides:"), or after a
    finished operative paragraph where the layout shows a break.
    """
    if current is None:
        return True
    so_far = text[current.start:current.end].rstrip()
    if current.role == "preamble":
        if re.search(r"\.\d{0,3}$", so_far) and _FIRST_ITEM_VERB.match(line):
            return True  # "... Two-State Solution. / (a) Expresses ...": a scan read the colon as a stop
        if not re.search(r"[,;:]\d{0,3}$", so_far) or not re.match(r"^\s*[A-Z(]", line):
            return False
        # Where the layout shows no break, operative text opens only at an operative verb or an item: a
        # capital OCR made of a small letter ("..., / Which is ...") or a comma read as a colon ("... on the
        # Addis Ababa:" / "Action Agenda ...") runs the sentence on.
        return blank_before or bool(_OPERATIVE_OPENING.match(line))
    if current.role in ("operative", "item") and current.num is None or current.role == "item":
        return blank_before and bool(re.search(r"[.;:]\d{0,3}$", so_far)) and bool(re.match(r"^\s*[A-Z]", line)) \
            and not _ITEM.match(line)
    return False


# What opens operative text: a verb in the third person ("Decides", "Takes note"), after an adverb ("Also
# decides", "Strongly urges"), or an item ("(a)").
_OPERATIVE_OPENING = re.compile(r"^\s*(?:(?:[A-Z][a-z]+ly|Also|Further|Again|Once again)\s+[a-z]+s\b|[A-Z][a-z]+s\b|\()")
# A decision's first lettered item opening with an operative verb ("(a) Expresses its profound gratitude"): no
# preambular paragraph runs on into one, whatever OCR made of the colon before it.
_FIRST_ITEM_VERB = re.compile(r"^\s*\(a\)\s+(?:(?:[A-Z][a-z]+ly|Also|Further)\s+[a-z]+s\b|[A-Z][a-z]+s\b)")


def _numbers(text: str, body: list[tuple[int, int, dict[str, Any]]]) -> list[tuple[int, int] | None]:
    """Each line's operative number (the number, where its text starts in the line), or None.

    A number as printed ("3. "), or one a scan misread ("l. Requests", "1, Decides": a "1" read as a
    letter, a stop read as a comma, "2 Decides": the stop lost) where it is the number the sequence wants
    next, after a paragraph that ended or a layout break (a heading between: "Revised budget estimates"),
    before an operative verb.
    """
    out: list[tuple[int, int] | None] = []
    last, ended, prev_end = 0, True, None
    for s, e, _ in body:
        line = text[s:e]
        ended = ended or (prev_end is not None and text.count("\n", prev_end, s) >= 2)  # or the layout's break
        prev_end = e
        m = _OPERATIVE.match(line)
        if m:
            out.append((int(m.group(2)), m.end()))
            last = int(m.group(2))
        else:
            mm = G.MISREAD_OPERATIVE_NUMBER.match(line)
            value = G.misread_number(mm.group(2)) if mm and ended else None
            out.append((value, mm.end()) if value == last + 1 else None)
            last = value if value == last + 1 else last
        ended = bool(re.search(r"[.,;:]\d{0,3}$", line.rstrip()))
    return out


def _preamble_follows(text: str, body: list[tuple[int, int, dict[str, Any]]], k: int) -> bool:
    """Does a preambular paragraph start after line ``k``, before any numbered operative one?

    Preambular paragraphs precede operative ones, so a paragraph after which the text still shows
    a preambular opener after a comma ("...displaced persons," / "Deeply disturbed ...") is no
    operative paragraph, whatever OCR made of its own opening word.
    """
    for j in range(k + 1, len(body)):
        line = text[body[j][0]:body[j][1]]
        if _OPERATIVE.match(line):
            return False
        before = text[body[j - 1][0]:body[j - 1][1]].rstrip()
        if is_preamble_opening(line) and re.search(r"[,;:]\d{0,3}$", before):
            return True
    return False


def _annex_start(text: str, body: list[tuple[int, int, dict[str, Any]]], opening: Block | None) -> int:
    """Index in ``body`` where annexed text begins ("Annex", or after "Adopts the following declaration:")."""
    seen_text = opening is not None
    for k, (s, e, _) in enumerate(body):
        line = text[s:e]
        if ANNEX_HEADING.match(line) and seen_text:
            return k
        joined = " ".join(text[a:b] for a, b, _ in body[max(0, k - 4):k + 1])
        if line.rstrip().endswith(":") and _ADOPTS_FOLLOWING.search(joined) and k + 1 < len(body):
            nxt = text[body[k + 1][0]:body[k + 1][1]]
            if not _ITEM.match(nxt) and not _OPERATIVE.match(nxt):
                return k + 1
        seen_text = True
    return len(body)


def _annex_blocks(text: str, lines: list[tuple[int, int, dict[str, Any]]], closing_free: bool) -> list[Block]:
    """Annexes: heading ("Annex I"), title, paragraphs numbered or not, with items; a closing after them."""
    out: list[Block] = []
    annex = -1
    title: Block | None = None
    current: Block | None = None
    expected = 1
    closing: Block | None = None
    prev_end = None
    for s, e, attrs in lines:
        line = text[s:e]
        blank_before = prev_end is not None and text.count("\n", prev_end, s) >= 2
        prev_end = e
        if closing is not None:
            closing.end = e
            continue
        hm = ANNEX_HEADING.match(line)
        if hm or annex < 0:
            annex += 1
            expected = 1
            current = None
            if hm:
                out.append(Block("annex-heading", s, e, level=annex))
                title = None
                continue
            title = Block("annex-title", s, e, level=annex)  # annexed without a heading: a title first
            out.append(title)
            continue
        if title is not None and current is None and not blank_before and not _ANNEX_NUMBER.match(line) \
                and not re.search(r"[.;]$", text[title.start:title.end].rstrip()):
            title.end = e
            continue
        if current is None and title is None and not _ANNEX_NUMBER.match(line):
            title = Block("annex-title", s, e, level=annex)
            out.append(title)
            continue
        if closing_free and _CLOSING.match(line) and current is not None:
            closing = Block("closing", s, e)
            out.append(closing)
            continue
        m = _ANNEX_NUMBER.match(line)
        if m and int(m.group(2)) == expected:
            current = Block("annex-para", s, e, num=m.group(2), text_start=s + m.end(), level=annex)
            out.append(current)
            expected += 1
            continue
        rm = _ROMAN_HEADING.match(line)
        if rm and (current is None or blank_before or re.search(r"[.;:]$", text[current.start:current.end].rstrip())):
            current = Block("annex-para", s, e, num=rm.group(2), text_start=s + rm.end(), level=annex)
            out.append(current)
            continue
        parent = next((b for b in reversed(out) if b.role == "annex-para" and b.level == annex), None)
        im = _ITEM.match(line)
        if im and parent is not None and _item_expected(parent, im.group(2)):
            item = Block("item", s, e, num=f"({im.group(2)})", text_start=s + im.end())
            parent.children.append(item)
            current = item
            continue
        so_far = text[current.start:current.end].rstrip() if current is not None else ""
        heading = current is not None and not current.children and "\n" not in so_far and not re.search(r"[.,;:]\d{0,3}$", so_far)
        if current is None or (blank_before and (re.search(r"[.;:]\d{0,3}$", so_far) or heading)):
            current = Block("annex-para", s, e, num=None, text_start=s, level=annex)
            out.append(current)
            continue
        current.end = e
        if current.text_start is None:
            current.text_start = s
    _close_parents([b for b in out if b.role == "annex-para"])
    return out


def _more_operative(body: list[tuple[int, int, dict[str, Any]]], pos: int, expected: int, text: str) -> bool:
    """Is the next operative paragraph still to come after ``pos``? Then no closing is here."""
    for s, e, _ in body:
        if s > pos:
            m = _OPERATIVE.match(text[s:e])
            if m and int(m.group(2)) == expected:
                return True
    return False


def _starts_preamble(text: str, current: Block | None, line: str, attrs: dict[str, Any],
                     blank_before: bool = False) -> bool:
    """Does a preambular paragraph start at this line?

    At an opener ("Recalling", an italic start) after a paragraph that ended with a comma, or
    where the page's layout shows a new paragraph (a first-line indent or a gap: a blank line)
    whatever the paragraph before ended with (a marker OCR read as "?" or " 1" after its comma),
    and there also at an opener misread by one letter ("Conéerned").
    """
    if current is None:
        return True
    so_far = text[current.start:current.end].rstrip()
    # A marker digit the footnote stage left (a suggestion not taken) may follow the comma.
    ended = bool(re.search(r"[,;:]\d{0,3}$", so_far)) or current.role == "formula"
    if ended and (is_preamble_opening(line) or bool(attrs.get("italic_start"))):
        return True
    # ... but not where a sentence runs on over a page break ("Production and" | "Stockpiling of"):
    # a paragraph the layout ends has ended its words too, with a stop, a comma, or a spoilt marker
    # On a poor scan a scrap of a letter or two may follow the comma ("... Rights Institutions, oo"), or the
    # comma be lost where the paragraph's last line stops short ("... have been made to the" / "Mission") or a
    # gap inside the page comes before an opener ("... the least developed countries" / gap / "Noting with").
    poor = bool(attrs.get("poor_scan"))
    ended_words = not so_far[-1:].isalpha() or (poor and _SCRAP_AFTER_COMMA.search(so_far) is not None)
    if blank_before and current.role == "preamble" and poor and is_preamble_opening(line) and (
            _ends_short(so_far) or (not attrs.get("page_break") and _opener_word(line) in G.PREAMBULAR_OPENERS)):
        return True  # or a gap inside the page before an opener the grammar lists (not one by its "-ing" alone)
    return (blank_before and current.role == "preamble" and ended_words
            and (is_preamble_opening(line) or misread_opening_on(line, attrs)))


def _opener_word(line: str) -> str:
    m = re.match(r"^\s*([A-Z][a-z]+)", G.LEADING_SPECK.sub("", line, count=1))
    return m.group(1) if m else ""


def _ends_short(so_far: str) -> bool:
    """Does the paragraph's last line stop short, under ``SHORT_LINE`` of its longest line (a justified
    paragraph's end, not a line the page broke: "... Production and" fills its line)?"""
    rows = [r.strip() for r in so_far.split("\n") if r.strip()]
    return len(rows) >= 2 and len(rows[-1]) < SHORT_LINE * max(len(r) for r in rows[:-1])


SHORT_LINE = 0.75  # a justified paragraph's lines but its last fill the measure to a word or so


_SCRAP_AFTER_COMMA = re.compile(r"[,;]\s+[A-Za-z]{1,2}$")


def _item_expected(parent: Block, label: str) -> bool:
    letters = [c.num.strip("()") for c in parent.children]
    if not letters:
        return label == "a"
    last = letters[-1]
    if label == "i" and last != "h":
        return False  # (i) after anything but (h) is a roman sub-item; kept in the text
    return len(last) == 1 and len(label) == 1 and ord(label) == ord(last) + 1


def _close_parents(op_blocks: list[Block]) -> None:
    """A parent's own text ends where its first item begins."""
    for b in op_blocks:
        if b.children:
            for i, c in enumerate(b.children):
                nxt = b.children[i + 1].start if i + 1 < len(b.children) else None
                if nxt is not None:
                    c.end = min(c.end, nxt)
            b.end = max(b.end, b.children[-1].end)


def _head_blocks(work: WorkText, head: list[tuple[int, int, dict[str, Any]]], roles: dict[int, str | None]) -> list[Block]:
    """Masthead lines (header blocks) and the title, which may run over several lines."""
    out: list[Block] = []
    title: Block | None = None
    for k, (s, e, attrs) in enumerate(head):
        if roles.get(k) == "title" and attrs.get("zone") != "masthead":
            if title is None:
                title = Block("title", s, e)
                out.append(title)
            else:
                title.end = e
            continue
        out.append(Block("header", s, e))
    return out


# ---------------------------------------------------------------- rendering to the contract
def normalize(text: str, start: int, end: int, notes: list[tuple[int, str]],
              skip: list[tuple[int, int]] = ()) -> tuple[str, list[dict[str, Any]]]:
    """Single-spaced text and its notes (see :func:`normalize_styled`)."""
    result, placed, _ = normalize_styled(text, start, end, notes, skip)
    return result, placed


def normalize_styled(text: str, start: int, end: int, notes: list[tuple[int, str]],
                     skip: list[tuple[int, int]] = (), styles: list[tuple[int, int, str]] = (),
                     rows: frozenset[int] | set[int] = frozenset()
                     ) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """Single-space ``text[start:end]``; place notes (raw positions) at offsets in the result.

    Ranges in ``skip`` (footnote bodies a page break put inside a paragraph) are
    left out, as whitespace.  A hyphen that ends a line and was kept by the
    repair stage joins its compound ("non-\\nselectivity" -> "non-selectivity").
    A line break at a position in ``rows`` (before or after a table row) stays a
    line break, so a table keeps its rows.
    """
    out: list[str] = []
    pending_space = pending_row = False
    raw_to_norm: dict[int, int] = {}
    skips = sorted((a, b) for a, b in skip if b > start and a < end)
    i = start
    while i < end:
        raw_to_norm[i] = len(out) + (1 if pending_space and out else 0)
        if skips and skips[0][0] <= i:
            a, b = skips.pop(0)
            for k in range(i, min(b, end)):
                raw_to_norm[k] = raw_to_norm[i]
            i = max(i + 1, b)
            pending_space = True
            continue
        ch = text[i]
        if ch.isspace():
            if out and out[-1] == "-" and "\n" in text[i:_ws_end(text, i, end)] and len(out) > 1 and out[-2].isalpha():
                j = _ws_end(text, i, end)
                if j < end and text[j].isalpha():
                    for k in range(i, j):
                        raw_to_norm[k] = len(out)
                    i = j
                    continue
            pending_space = True
            if i in rows:
                pending_row = True
        else:
            if pending_space and out:
                out.append("\n" if pending_row else " ")
            pending_space = pending_row = False
            out.append(ch)
        i += 1
    result = "".join(out)
    placed = []
    for pos, num in sorted(notes):
        off = raw_to_norm.get(pos, len(result)) if pos < end else len(result)
        placed.append({"num": num, "offset": min(off, len(result))})
    inside = sorted((a, b) for a, b in skip if b > start and a < end)
    styles = [(s, e, st) for s, e, st in styles if not any(a <= s and e <= b for a, b in inside)]
    return result, placed, _place_spans(text, start, end, raw_to_norm, result, styles)


def _place_spans(text: str, start: int, end: int, raw_to_norm: dict[int, int], result: str,
                 styles: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """Styled runs of the source (raw positions) as spans of the single-spaced text.

    A run is cut to the text's range and to its own ink (no leading or trailing
    space); runs of one style that only whitespace separates are one span
    ("Deeply" + "concerned" printed as two italic runs are *Deeply concerned*).
    """
    spans: list[list[Any]] = []
    for s, e, style in sorted(styles):
        s, e = max(s, start), min(e, end)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e or s not in raw_to_norm or (e - 1) not in raw_to_norm:
            continue
        a, b = raw_to_norm[s], raw_to_norm[e - 1] + 1
        if b <= a:
            continue
        if spans and spans[-1][2] == style and not result[spans[-1][1]:a].strip():
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b, style])
    return [{"offset": a, "length": b - a, "style": st} for a, b, st in spans if b > a]


def _ws_end(text: str, i: int, end: int) -> int:
    while i < end and text[i].isspace():
        i += 1
    return i


def _notes_in(work: WorkText, start: int, end: int) -> list[tuple[int, str]]:
    return [(m.start, m.data["num"]) for m in work.marks if m.kind == "note" and start <= m.start <= end]


def _row_breaks(work: WorkText, start: int, end: int) -> set[int]:
    """Positions of the line breaks before and after each table row in ``[start, end)``."""
    out: set[int] = set()
    text = work.text
    for ln in work.lines:
        if ln.attrs.get("table") and ln.end > start and ln.start < end:
            before = text.rfind("\n", start, ln.start)
            if before >= 0:
                out.add(before)
            after = text.find("\n", ln.end, end)
            if after >= 0 and not text[ln.end:after].strip():
                out.add(after)
    return out


def _styles_in(work: WorkText, start: int, end: int) -> list[tuple[int, int, str]]:
    """Italic runs the extractor saw (pdfplumber font names, Markdown emphasis) overlapping the range."""
    return [(m.start, m.end, m.kind) for m in work.marks if m.kind in ("italic", "bold") and m.start < end and m.end > start]


def _paragraph(work: WorkText, b: Block, pid: str) -> dict[str, Any]:
    start = b.text_start if b.text_start is not None else b.end
    end = b.children[0].start if b.children else b.end
    footnotes = [(m.start, m.end) for m in work.marks if m.kind == "footnote"]
    text, notes, spans = normalize_styled(work.text, start, end, _notes_in(work, start, end), footnotes,
                                          _styles_in(work, start, end), _row_breaks(work, start, end))
    para: dict[str, Any] = {"id": pid, "num": b.num, "text": text, "notes": notes}
    if spans:
        para["spans"] = spans
    if b.role == "operative" or b.children:
        para["items"] = [
            _paragraph(work, c, f"{pid}.{c.num.strip('()')}") for c in b.children
        ]
    return para


# An OCR word read at this confidence or more is read surely enough to name a document by.
SURE_NUMBER = 0.9


def _read_surely(work: WorkText, number: str, block: "Block | None") -> bool:
    """Was the title's ``number`` read surely (its OCR words at :data:`SURE_NUMBER` or more)?  True for a
    text layer or an export (no OCR confidences)."""
    if block is None:
        return True
    at = work.text.find(number, block.start, block.end)
    conf = work.conf_at(at, at + len(number)) if at >= 0 else work.conf_at(block.start, block.end)
    return conf is None or conf >= SURE_NUMBER


def _masthead_agrees(work: WorkText, number: str, title: Block | None) -> bool:
    """Does a symbol-like word above the title or of the masthead lines removed as furniture (a letter,
    then three digits or more, not in brackets: "Aures/79228", "Avres19:123", a masthead symbol OCR
    misread past repair) end in the digits of the title's resolution number ("79/228": 228)?  Two
    readings of the number agree then, whatever OCR made of the rest."""
    tail = number.rsplit("/", 1)[-1]
    above = [work.text[:title.start] if title is not None else ""]
    above += _removed_masthead_lines(work)  # "Aures/79228"
    for word in re.findall(r"(?<!\S)[A-Za-z]\S*", "\n".join(above)):
        digits = re.sub(r"\D", "", word)
        if 3 <= len(digits) <= 8 and digits.endswith(tail):
            return True
    return False


def build_document(work: WorkText, *, source: dict[str, Any], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The canonical document (``clean-document/1``) from a recovered working text."""
    text = work.text
    bl = blocks(work)
    preamble = [b for b in bl if b.role == "preamble"]
    operative = [b for b in bl if b.role == "operative"]
    facts = _masthead_facts(work)
    header = _header(facts, [b for b in bl if b.role == "header"], work, meta or {})
    formula = next((" ".join(text[b.start:b.end].split()) for b in bl if b.role == "formula"), None)
    organ = None
    if formula:
        fm = FORMULA.match(formula) or masthead.FORMULA_OPENING.match(formula + " x")
        organ = fm.group(1) if fm else None
    organ = organ or header.get("organ") or facts.get("masthead_organ")

    number = title = None
    tb = next((b for b in bl if b.role == "title"), None)
    if tb is not None:
        ttext, _ = normalize(text, tb.start, tb.end, [])
        tm = _TITLE.match(ttext)
        if tm:
            number, title = tm.group(1), tm.group(2)
        else:
            title = ttext
            if source.get("kind") == "scanned-pdf":  # a draft's title, as a resolution's, ends with no stop
                title = _TITLE_END_SPECK.sub("", title)
        title = masthead.without_specks(title)
    number = number or facts.get("number")
    symbol = header.get("symbol")
    if symbol is None and number and organ in _ORGAN_SERIES and re.fullmatch(r"\d+/\d+", number) \
            and (_read_surely(work, number, tb) or _masthead_agrees(work, number, tb)):
        # Implied, not printed: "Resolution 7/3" of the Council is A/HRC/RES/7/3.  From a number a scan read
        # unsurely only where the masthead's misread symbol agrees: a fax's "79/48." (0.83) was 79/45, which
        # its masthead printed ("Avrusi79/45"); "Aures/79228" confirms a photocopy's "79/228." (0.63).
        symbol = _ORGAN_SERIES[organ] + number
        header["symbol_inferred"] = True

    closing = None
    cb = next((b for b in bl if b.role == "closing"), None)
    if cb is not None:
        ctext, _ = normalize(text, cb.start, cb.end, [])
        meeting = re.search(G.MEETING, ctext)
        dm = G.DATE.search(ctext)
        closing = {
            "text": ctext,
            "meeting": meeting.group(0) if meeting else None,
            "date": G.iso_date(*dm.groups()) if dm else None,
        }
        printed = [" ".join(text[s:e].split()) for s, e, _ in _logical_lines(work) if cb.start <= s < cb.end]
        printed = [ln for ln in printed if ln]
        if len(printed) > 1:  # "76th plenary meeting" and "18 December 2007" are two printed lines
            closing["lines"] = printed
    elif facts.get("adoption_line"):  # the Security Council prints its adoption under the number
        closing = {"text": facts["adoption_line"], "meeting": facts.get("meeting"), "date": facts.get("adopted")}
    date = (closing or {}).get("date") or header.get("adopted")

    footnotes = []
    anchored = {m.data["num"] for m in work.marks if m.kind == "note"}
    anchored |= {n["num"] for n in facts.get("sponsor_notes", []) + facts.get("marker_notes", [])}
    for m in sorted((m for m in work.marks if m.kind == "footnote"), key=lambda m: m.start):
        num_mark = next((n for n in work.marks if n.kind == "footnote_num" and m.start <= n.start < m.end), None)
        tstart = num_mark.end if num_mark else m.start
        ftext, _, fspans = normalize_styled(text, tstart, m.end, [], (), _styles_in(work, tstart, m.end))
        footnotes.append({"num": m.data["num"], "text": ftext, "anchored": m.data["num"] in anchored})
        if fspans:
            footnotes[-1]["spans"] = fspans
    for m in sorted((m for m in work.marks if m.kind == "borrowed_footnote"), key=lambda m: m.start):
        # A note a reviewer placed where a marker was stripped, its body not in this source.
        note: dict[str, Any] = {"num": m.data["num"], "text": m.data.get("text") or "", "anchored": True}
        if m.data.get("from"):
            note["text_from"] = m.data["from"]  # the batch document that prints the same note there
        else:
            note["text_missing"] = True
        footnotes.append(note)
    footnotes.sort(key=lambda f: int(f["num"]) if f["num"].isdigit() else 1 << 30)  # stable: symbols keep their order

    doc: dict[str, Any] = {
        "schema": "clean-document/1",
        "doc_id": work.doc_id,
        "source": source,
        "symbol": symbol,
        "number": number,
        "organ": organ,
        "title": title,
        "date": date,
        "header": header,
        "formula": formula,
        "preamble": [_paragraph(work, b, f"pp{i + 1}") for i, b in enumerate(preamble)],
        "operative": [_paragraph(work, b, f"op{i + 1}") for i, b in enumerate(operative)],
        "footnotes": footnotes,
        "closing": closing,
        "corrections": work.corrections,
    }
    kind = facts.get("document_type") or _kind_from(symbol, number, formula)
    if kind:
        doc["document_type"] = kind
    if "sponsors" in facts:
        doc["sponsors"] = facts["sponsors"]
        doc["sponsor_notes"] = facts.get("sponsor_notes", [])
    if facts.get("agenda_items"):
        doc["agenda_items"] = facts["agenda_items"]
    if kind == "amendment":
        doc["amends"] = facts.get("amends")
    annexes = _annexes(work, bl)
    if annexes:
        doc["annexes"] = annexes
    other = [" ".join(text[b.start:b.end].split()) for b in bl if b.role == "other"]
    if other:
        doc["unplaced"] = other
    return doc


def _kind_from(symbol: str | None, number: str | None, formula: str | None) -> str | None:
    """What the document is when no statement says: its symbol's series, or a numbered title."""
    sym = symbol or ""
    if re.search(r"/L\.\d+/Rev\.\d", sym):
        return "revised draft resolution"
    if re.search(r"/L\.\d+", sym):
        return "draft resolution"
    if "/RES/" in sym or (number and formula):
        return "resolution"
    if "/DEC/" in sym:
        return "decision"
    return None


def _annexes(work: WorkText, bl: list[Block]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for b in bl:
        if not b.role.startswith("annex-"):
            continue
        while len(out) <= b.level:
            out.append({"id": f"annex{len(out) + 1}", "heading": None, "title": None, "paragraphs": []})
        annex = out[b.level]
        if b.role == "annex-heading":
            annex["heading"] = " ".join(work.text[b.start:b.end].split())
        elif b.role == "annex-title":
            annex["title"], _ = normalize(work.text, b.start, b.end, [])
        else:
            pid = f"{annex['id']}.p{len(annex['paragraphs']) + 1}"
            annex["paragraphs"].append(_paragraph(work, b, pid))
    return out


def _removed_masthead_lines(work: WorkText) -> list[str]:
    """The lines layout removed as furniture that may be the masthead's (not a job number, a barcode or a page
    number), unless a reviewer rejected their removal."""
    return [c["info"]["line"] for c in work.corrections
            if c["rule"] == R.FURNITURE and c["status"] != "rejected" and c.get("info", {}).get("line")
            and c.get("info", {}).get("kind") not in ("job-number", "barcode", "page-number")]


def _masthead_facts(work: WorkText) -> dict[str, Any]:
    """The masthead's facts: from its lines before the body, and from masthead lines removed as furniture."""
    f = dict(read_head(work)[0].facts)
    removed = _removed_masthead_lines(work)
    if removed:
        extra = masthead.facts_by_shape(removed)
        for k, v in extra.items():
            if k in ("symbol", "distribution", "distribution_date", "original_language", "masthead_organ", "session"):
                f.setdefault(k, v)
    return f


def _header(facts: dict[str, Any], header_blocks: list[Block], work: WorkText, meta: dict[str, Any]) -> dict[str, Any]:
    """The header object: each masthead fact under its key, and the masthead's lines."""
    masthead_text = [" ".join(work.text[b.start:b.end].split()) for b in header_blocks]
    furniture = [c for c in work.corrections
                 if c["rule"] == R.FURNITURE and c["status"] != "rejected" and c.get("info", {}).get("line")]
    h: dict[str, Any] = {}
    for k in ("symbol", "distribution", "distribution_date", "session", "agenda_item", "adopted", "committee_report",
              "original_language", "organ"):
        if meta.get(k):
            h[k] = meta[k]
    repaired = [c for c in work.corrections if c["rule"] == R.MASTHEAD_SYMBOL and c["status"] in IN_TEXT]
    if repaired:  # extraction read the symbol before repair did ("RES/73/3" of "A\\/RES/73/3"): the repair wins
        h["symbol"] = repaired[0]["after"]
    for k in ("symbol", "distribution", "distribution_date", "original_language", "session", "session_dates",
              "committee", "agenda_item", "agenda_title", "adopted", "organ", "meeting", "submitted_by", "based_on",
              "recommended_by", "statement"):
        if facts.get(k) and k not in h:
            h[k] = facts[k]
    if facts.get("marker_notes"):
        h["notes"] = facts["marker_notes"]
    report = facts.get("committee_report") or h.get("committee_report")
    if report:
        h.update(masthead.report_facts(report))
    shown = masthead_lines(masthead_text, furniture)
    if shown:
        h["lines"] = shown
    return h


# Furniture kinds that are part of a first page's masthead (the rest is running
# heads, page numbers, job numbers, barcodes and cover notes).
_MASTHEAD_FURNITURE = {"symbol", "distribution", "original-language", "date", "organ"}


def masthead_lines(header_lines: list[str], furniture: list[dict[str, Any]]) -> list[str]:
    """The first page's masthead as printed: header lines, and masthead lines taken out as furniture.

    Running heads repeat on every page ("2/12", the title, the symbol); only the
    first page's masthead belongs in ``header.lines``.  A symbol already shown is
    a running head, not a second masthead::

        ["United Nations A/HRC/25/L.3", "Distr.: Limited", "A/HRC/25/L.3", "2"] -> the first two
    """
    pages = [((c.get("where") or {}).get("source") or {}).get("page") for c in furniture]
    first = min((p for p in pages if isinstance(p, int)), default=None)
    out = list(dict.fromkeys(header_lines))
    symbols = {m.group(0) for line in out for m in re.finditer(G.SYMBOL, line)}
    for c, page in zip(furniture, pages):
        line, kind = c["info"]["line"], c["info"].get("kind")
        if kind not in _MASTHEAD_FURNITURE or (first is not None and page not in (None, first)) or line in out:
            continue
        found = {m.group(0) for m in re.finditer(G.SYMBOL, line)}
        if kind == "symbol" and found and found <= symbols:
            continue  # the running head repeating the symbol
        symbols |= found
        out.append(line)
    return out

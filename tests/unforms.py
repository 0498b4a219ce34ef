"""Test PDFs in the printed forms of the UN organs: masthead, italic openers, notes, furniture.

A document is given as its masthead (left and right columns, as the UN prints
them), its head lines (title block, adoption line), and its paragraphs as lines
of runs; :func:`un_pdf` lays them out on letter pages with the job number and
barcode at the foot of page 1, a running header and page number on the others,
and footnotes under a short rule at the foot of the page that cites them.
"""
from __future__ import annotations

from pdfmake import make_styled_pdf

SIZE = 10.0
PITCH = 12.0
LEFT = 72.0
INDENT = 96.0
BOTTOM = 660.0


def runs(*parts) -> list[tuple[str, float, float, str]]:
    """("italic", "Recalling"), " its resolution ...", ("sup", "1") -> styled runs of one line."""
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(("regular", SIZE, 0.0, p))
        elif p[0] == "sup":
            out.append(("regular", 6.0, 4.0, p[1]))
        else:
            out.append((p[0], SIZE, 0.0, p[1]))
    return out


def un_pdf(*, symbol: str, organ: str, right: list[str], left: list[str], head: list[list[tuple]],
           paragraphs: list[list[list[tuple]]], closing: list[str], notes: dict[str, str], job: str,
           running: str = "", notes_low: bool = False) -> bytes:
    """The pages of one document (see the module docstring).

    ``notes_low``: the footnotes end right above the job number, as on some drafts'
    first pages (a gap narrower than a line).
    """
    pages: list[list[tuple]] = []
    page: list[tuple] = [
        ("text", LEFT, 50, [("regular", 14.0, 0.0, "United Nations")]),
        ("text", 430, 50, [("regular", 16.0, 0.0, symbol)]),
        ("rule", LEFT, 58, 540),
        ("text", LEFT, 82, [("bold", 18.0, 0.0, organ)]),
    ]
    y = 82.0
    for k, line in enumerate(right):
        page.append(("text", 400, y + k * PITCH, runs(line)))
    y = max(y + len(right) * PITCH, 110) + 40
    for line in left:
        page.append(("text", LEFT, y, [("bold", SIZE, 0.0, line)]))
        y += PITCH
    y += 14
    for line in head:
        page.append(("text", INDENT, y, line))
        y += PITCH + 2
    y += 10
    cited: list[str] = [r[3] for line in head for r in line if r[2] > 0 and r[3] in notes]

    def finish(last: bool = False) -> None:
        nonlocal page, cited
        if cited:
            ny = 742 - 10 * len(cited) - 10 if notes_low and not pages else BOTTOM + 20
            page.append(("rule", LEFT, ny, LEFT + 72))
            ny += 10
            for num in cited:
                page.append(("text", LEFT + 6, ny, [("regular", 5.0, 3.0, num), ("regular", 8.0, 0.0, " " + notes[num])]))
                ny += 10
        if not pages:
            page.append(("text", LEFT, 748, [("regular", 8.0, 0.0, f"{job} (E)    010124")]))
            page.append(("text", LEFT, 760, [("regular", 12.0, 0.0, "*" + job.replace("-", "") + "*")]))
        else:
            page.append(("text", 520, 760, [("regular", 8.0, 0.0, f"{len(pages) + 1}/{{n}}")]))
        pages.append(page)
        cited = []
        page = []

    def new_page() -> float:
        finish()
        page.append(("text", LEFT, 40, [("bold", 8.0, 0.0, symbol)]))
        page.append(("rule", LEFT, 46, 540))
        return 80.0

    for para in paragraphs + [[runs(c)] for c in closing]:
        for k, line in enumerate(para):
            if y > BOTTOM - 10 * len([1 for n in cited]):
                y = new_page()
            x = INDENT if k == 0 else LEFT
            if para in [[runs(c)] for c in closing]:
                x = 400
            page.append(("text", x, y, line))
            cited += [r[3] for r in line if r[2] > 0 and r[3] in notes and r[3] not in cited]
            y += PITCH
        y += 6
    finish(last=True)
    n = len(pages)
    fixed = []
    for p in pages:
        fixed.append([(i[0], i[1], i[2], [(s, z, r, t.replace("{n}", str(n))) for s, z, r, t in i[3]])
                      if i[0] == "text" else i for i in p])
    return make_styled_pdf(fixed)

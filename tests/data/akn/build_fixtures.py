"""Builds the AKN export's fixture JSONs (clean-document/1) from the seeds.

Run once: ``python tests/data/akn/build_fixtures.py``.  The fixtures stand in
for the pipeline's real output until ``clean/`` holds it; they are built by a
deliberately simple reading of the seed texts (not the pipeline), with
footnote markers turned into ``notes`` offsets, so the export is tested on
realistic texts, markers and header facts.  The 79/155 excerpt is typed from
A/RES/79/155 (corpus) to have sub-items, curly quotes, an en dash, several
markers in one paragraph and one footnote whose marker was lost.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
SEEDS = Path("/work/shared/seeds")
MARK = re.compile(r"⟦([^⟧]+)⟧")  # marker token in the typed texts below

PARTICIPLES = (
    "Reaffirming Recalling Recognizing Emphasizing Underlining Reiterating "
    "Bearing Noting Welcoming Stressing Convinced Taking"
).split()


def paragraph(pid: str, text: str, num: str | None = None, items: list | None = None) -> dict:
    """Text with ⟦n⟧ marker tokens -> paragraph with notes at their offsets."""
    notes, out, pos = [], [], 0
    for m in MARK.finditer(text):
        out.append(text[pos:m.start()])
        notes.append({"num": m.group(1), "offset": len("".join(out))})
        pos = m.end()
    out.append(text[pos:])
    p = {"id": pid, "num": num, "text": "".join(out), "notes": notes}
    if items is not None:
        p["items"] = items
    return p


def source(name: str, kind: str, pages=None) -> dict:
    path = ROOT / "raw" / name
    data = path.read_bytes() if path.exists() else (SEEDS / name).read_bytes()
    return {"path": f"raw/{name}", "sha256": hashlib.sha256(data).hexdigest(), "kind": kind, "pages": pages}


def split_plain(lines: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Lines of a plain seed -> preambular texts and (num, text) operatives.

    A paragraph starts at a line opening with a participle or with "N."; line
    ends are joined with a space, or with nothing after a hyphen (the seeds'
    line-end hyphens are real compounds: "non-selectivity")."""
    paras: list[list[str]] = []
    pending_num = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if re.fullmatch(r"\d{1,2}\.", line):
            pending_num = line
            continue
        if pending_num:
            line, pending_num = f"{pending_num} {line}", None
        first = line.split()[0]
        if first in PARTICIPLES or re.match(r"\d{1,2}\.\s", line):
            paras.append([line])
        elif paras:
            paras[-1].append(line)
    pre, ops = [], []
    for chunks in paras:
        text = ""
        for c in chunks:
            text = text + c if text.endswith("-") else (text + " " + c if text else c)
        text = re.sub(r"\s+", " ", text).strip()
        m = re.match(r"(\d{1,2})\.\s+(.*)", text)
        if m:
            ops.append((m.group(1), m.group(2)))
        else:
            pre.append(text)
    return pre, ops


def markers_plain(text: str) -> str:
    """"session;1" -> "session;⟦1⟧" (a digit glued after punctuation)."""
    return re.sub(r"(?<=[,;.])(\d)(?=\s|$)", r"⟦\1⟧", text)


def doc(doc_id, src, *, symbol, number, organ, title, date, preamble, operative, footnotes,
        closing, header=None) -> dict:
    d = {
        "schema": "clean-document/1", "doc_id": doc_id, "source": src, "symbol": symbol,
        "number": number, "organ": organ, "title": title, "date": date,
        "preamble": preamble, "operative": operative, "footnotes": footnotes,
        "closing": closing, "corrections": [],
    }
    if header is not None:
        d["header"] = header
    return d


def seed_000() -> dict:
    name = "000_925e479e4b378691.txt"
    lines = (SEEDS / name).read_text().splitlines()
    body = [ln for ln in lines if "Resolution 7/3" not in ln and "field of human rights  " not in ln
            and "The Human Rights Council" not in ln and "Adopted without a vote" not in ln]
    pre, ops = split_plain(body)
    return doc(
        name[:-4], source(name, "text"), symbol=None, number="7/3", organ="Human Rights Council",
        title="Enhancement of international cooperation in the field of human rights", date=None,
        preamble=[paragraph(f"pp{i}", t) for i, t in enumerate(pre, 1)],
        operative=[paragraph(f"op{i}", t, n) for i, (n, t) in enumerate(ops, 1)],
        footnotes=[], closing={"text": "Adopted without a vote.", "meeting": None, "date": None},
    )


def seed_002() -> dict:
    name = "002_24bcb0a4a35d199b.txt"
    lines = (SEEDS / name).read_text().splitlines()
    body = [ln for ln in lines[3:] if "The General Assembly" not in ln]
    pre, ops = split_plain(body)
    return doc(
        name[:-4], source(name, "text"), symbol=None, number=None, organ="General Assembly",
        title="Enhancement of international cooperation in the field of human rights", date=None,
        preamble=[paragraph(f"pp{i}", t) for i, t in enumerate(pre, 1)],
        operative=[paragraph(f"op{i}", t, n) for i, (n, t) in enumerate(ops, 1)],
        footnotes=[], closing=None,
    )


def seed_004() -> dict:
    name = "004_5b02a51a45b675a1.txt"
    lines = (SEEDS / name).read_text().splitlines()
    # Title, formula and page furniture, as whole stripped lines.
    furniture = {"25/… Enhancement of international cooperation in the field of human", "rights",
                 "The Human Rights Council,", "* Non-member State of the Human Rights Council.",
                 "United Nations A/HRC/25/L.3", "General Assembly Distr.: Limited", "12 March 2014",
                 "Original: English", "A/HRC/25/L.3", "2", "1  A/HRC/24/56.", "2  A/HRC/19/50."}
    body = [ln for ln in lines if ln.strip() not in furniture]
    pre, ops = split_plain(body)
    return doc(
        name[:-4], source(name, "text"), symbol="A/HRC/25/L.3", number="25/…", organ="Human Rights Council",
        title="Enhancement of international cooperation in the field of human rights", date=None,
        # As the structure stage gives it: masthead lines, including lines
        # removed as furniture (a footnote, a page number, a running head).
        header={"symbol": "A/HRC/25/L.3", "distribution": "Limited", "distribution_date": "2014-03-12",
                "original_language": "English",
                "lines": ["* Non-member State of the Human Rights Council.", "United Nations A/HRC/25/L.3",
                          "General Assembly Distr.: Limited", "12 March 2014", "Original: English",
                          "A/HRC/25/L.3", "2"]},
        preamble=[paragraph(f"pp{i}", t) for i, t in enumerate(pre, 1)],
        operative=[paragraph(f"op{i}", markers_plain(t), n) for i, (n, t) in enumerate(ops, 1)],
        footnotes=[
            {"num": "1", "text": "A/HRC/24/56.", "anchored": True},
            {"num": "2", "text": "A/HRC/19/50.", "anchored": True},
            # The asterisk marks a sponsor in the list of sponsors, which is
            # not part of the resolution text: no marker in any paragraph.
            {"num": "*", "text": "Non-member State of the Human Rights Council.", "anchored": False},
        ],
        closing=None,
    )


def seed_001() -> dict:
    """The markdown export: 4 footnotes, <sup>n</sup> markers, header block."""
    name = "001_0c83b350d768e6c1.txt"
    text = (SEEDS / name).read_text()
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    pre, ops, foots = [], [], []
    started = False
    for b in blocks:
        if b.startswith("*The General Assembly,*"):
            started = True
            continue
        if not started or b == "---" or b.startswith("*76th"):
            continue
        m = re.fullmatch(r"<sup>(\d+)</sup>\s*(.*)", b, re.S)
        if m:
            foots.append({"num": m.group(1), "text": m.group(2).replace("*", ""), "anchored": True})
            continue
        b = re.sub(r"<sup>(\d+)</sup>", r"⟦\1⟧", b).replace("*", "")
        b = re.sub(r"\s+", " ", b)
        m = re.match(r"(\d{1,2})\.\s+(.*)", b)
        if m:
            ops.append(paragraph(f"op{len(ops) + 1}", m.group(2), m.group(1)))
        else:
            pre.append(paragraph(f"pp{len(pre) + 1}", b))
    return doc(
        name[:-4], source(name, "markdown"), symbol=None, number="62/160", organ="General Assembly",
        title="Enhancement of international cooperation in the field of human rights", date="2007-12-18",
        header={"distribution": "General", "distribution_date": "2008-03-13",
                "session": "Sixty-second session", "agenda_item": "70 (b)",
                "committee_report": "A/62/439/Add.2", "organ": "General Assembly",
                "lines": ["General Assembly", "Distr.: General", "13 March 2008", "Sixty-second session",
                          "Agenda item 70 (b)", "Resolution adopted by the General Assembly",
                          "[on the report of the Third Committee (A/62/439/Add.2)]"]},
        preamble=pre, operative=ops, footnotes=foots,
        closing={"text": "76th plenary meeting 18 December 2007", "meeting": "76th plenary meeting",
                 "date": "2007-12-18"},
    )


def excerpt_79_155() -> dict:
    """Sub-items (a)-(c), several markers in a paragraph, and footnote 12
    kept unanchored (as when OCR loses a superscript)."""
    pre = [
        paragraph("pp1", "Recalling its resolutions 62/138 of 18 December 2007, 63/158 of 18 December 2008, "
                  "65/188 of 21 December 2010 and 67/147 of 20 December 2012 on supporting efforts to end "
                  "obstetric fistula and its resolutions 69/148 of 18 December 2014, 71/169 of 19 December "
                  "2016, 73/147 of 17 December 2018, 75/159 of 16 December 2020 and 77/196 of 15 December "
                  "2022 on the intensification of efforts to end obstetric fistula,"),
        paragraph("pp2", "Reaffirming the Beijing Declaration and Platform for Action,⟦1⟧ the outcomes of the "
                  "twenty-third special session of the General Assembly, entitled “Women 2000: gender "
                  "equality, development and peace for the twenty-first century”,⟦2⟧ the Programme of Action "
                  "of the International Conference on Population and Development⟦3⟧ and the Programme of "
                  "Action of the World Summit for Social Development,⟦4⟧ and their reviews, and the "
                  "international commitments in the field of social development and to gender equality and "
                  "the empowerment of women and girls made at the World Conference against Racism, Racial "
                  "Discrimination, Xenophobia and Related Intolerance⟦5⟧ and the 2005 World Summit,⟦6⟧ as "
                  "well as those made in the outcome document of the United Nations summit for the adoption "
                  "of the post-2015 development agenda, entitled “Transforming our world: the 2030 Agenda "
                  "for Sustainable Development”,⟦7⟧"),
        paragraph("pp3", "Reaffirming also the Universal Declaration of Human Rights,⟦8⟧ as well as the "
                  "Convention on the Elimination of All Forms of Discrimination against Women⟦9⟧ and the "
                  "Convention on the Rights of the Child,⟦10⟧ recalling the International Covenant on "
                  "Economic, Social and Cultural Rights⟦11⟧ and the International Covenant on Civil and "
                  "Political Rights, and urging States that have not done so to consider, as a matter of "
                  "priority, signing, ratifying or acceding to those conventions and the optional protocols "
                  "thereto,⟦13⟧"),
    ]
    ops = [
        paragraph("op14", "Commends the commemoration by the international community of 23 May as the "
                  "International Day to End Obstetric Fistula and the decision to continue to use the "
                  "International Day each year to significantly raise awareness, intensify actions and "
                  "mobilize support towards ending obstetric fistula;", "14"),
        paragraph("op15", "Calls upon States and/or the relevant funds and programmes, organs and specialized "
                  "agencies of the United Nations system, within their respective mandates, and invites the "
                  "international financial institutions and all relevant actors of civil society, including "
                  "non-governmental organizations, and the private sector, to end obstetric fistula within a "
                  "decade by:", "15", items=[
                      paragraph("op15.a", "Redoubling their efforts to meet the internationally agreed goal of "
                                "improving maternal health by making maternal healthcare services and obstetric "
                                "fistula treatment geographically and financially accessible, including by "
                                "ensuring universal access to skilled attendance at birth and timely access to "
                                "high-quality emergency obstetric care and family planning, as well as "
                                "appropriate prenatal and postnatal care;", "(a)"),
                      paragraph("op15.b", "Making greater investments in strengthening health systems, ensuring "
                                "adequately trained and skilled human resources, especially midwives, "
                                "obstetricians, gynaecologists and doctors, and providing support for the "
                                "development and maintenance of infrastructure, as well as investments in "
                                "referral mechanisms, equipment and supply chains, to improve maternal and "
                                "newborn healthcare services and ensure that women and girls have access to the "
                                "full continuum of care, with functional quality control and monitoring "
                                "mechanisms in place for all areas of service delivery;", "(b)"),
                      paragraph("op15.c", "Supporting the training of doctors and surgeons, nurses and other "
                                "healthcare workers in life-saving obstetric care, especially midwives, who are "
                                "the front-line workers in the fight to prevent obstetric fistula and maternal "
                                "and newborn mortality, including training on fistula prevention, treatment and "
                                "care as a standard element of the training curricula of health professionals;",
                                "(c)"),
                  ]),
    ]
    notes = {
        "1": "Report of the Fourth World Conference on Women, Beijing, 4–15 September 1995 (United Nations "
             "publication, Sales No. E.96.IV.13), chap. I, resolution 1, annexes I and II.",
        "2": "Resolution S-23/2, annex, and resolution S-23/3, annex.",
        "3": "Report of the International Conference on Population and Development, Cairo, 5–13 September 1994 "
             "(United Nations publication, Sales No. E.95.XIII.18), chap. I, resolution 1, annex.",
        "4": "Report of the World Summit for Social Development, Copenhagen, 6–12 March 1995 (United Nations "
             "publication, Sales No. E.96.IV.8), chap. I, resolution 1, annex II.",
        "5": "See A/CONF.189/12 and A/CONF.189/12/Corr.1, chap. I.",
        "6": "Resolution 60/1.",
        "7": "Resolution 70/1.",
        "8": "Resolution 217 A (III).",
        "9": "United Nations, Treaty Series, vol. 1249, No. 20378.",
        "10": "Ibid., vol. 1577, No. 27531.",
        "11": "See resolution 2200 A (XXI), annex.",
        "12": "Ibid.",
        "13": "United Nations, Treaty Series, vol. 2131, No. 20378; ibid., vols. 2171, 2173 and 2983, No. 27531; "
              "ibid., vol. 1642, No. 14668; and ibid., vol. 2922, No. 14531.",
    }
    return doc(
        "fixture_A_RES_79_155_excerpt",
        {"path": "raw/A_RES_79_155.pdf", "sha256": hashlib.sha256(
            Path("/work/shared/corpus/un-pdfs/A_RES_79_155.pdf").read_bytes()).hexdigest(),
         "kind": "pdf", "pages": 9},
        symbol="A/RES/79/155", number="79/155", organ="General Assembly",
        title="Intensification of efforts to end obstetric fistula", date="2024-12-17",
        header={"symbol": "A/RES/79/155", "distribution": "General", "distribution_date": "2024-12-19",
                "session": "Seventy-ninth session", "agenda_item": "27", "adopted": "2024-12-17",
                "committee_report": "A/79/451", "organ": "General Assembly",
                "lines": ["United Nations A/RES/79/155", "General Assembly Distr.: General", "19 December 2024",
                          "Seventy-ninth session", "Agenda item 27", "Advancement of women",
                          "Resolution adopted by the General Assembly on 17 December 2024",
                          "[on the report of the Third Committee (A/79/451, para. 65)]"]},
        preamble=pre, operative=ops,
        footnotes=[{"num": k, "text": v, "anchored": k != "12"} for k, v in notes.items()],
        closing={"text": "53rd plenary meeting 17 December 2024", "meeting": "53rd plenary meeting",
                 "date": "2024-12-17"},
    )


def main() -> None:
    for d in (seed_000(), seed_001(), seed_002(), seed_004(), excerpt_79_155()):
        (HERE / f"{d['doc_id']}.json").write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n")
        print(d["doc_id"], len(d["preamble"]), "pp", len(d["operative"]), "op", len(d["footnotes"]), "fn")


if __name__ == "__main__":
    main()

"""Compiled patterns shared by the layout, footnote and structure code.

Generic shapes of UN documents (symbols, job numbers, dates, masthead lines),
never strings of particular documents.
"""
import re

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# A UN document symbol: series letters, then slash-separated parts
# (A/RES/62/160, A/HRC/25/L.3, E/CN.4/2001/2, A/CONF.157/24, S/2024/12/Add.1).
SYMBOL = r"(?:A|E|S|ST|TD|UNEP|DP|CRC|CERD|CCPR)(?:/[A-Za-z0-9.\-]+)+"
SYMBOL_LINE = re.compile(rf"^\s*(?:United Nations\s+)?({SYMBOL})\s*$")
SYMBOL_RE = re.compile(SYMBOL)

PAGE_NUMBER = re.compile(r"^\s*(?:\d{1,4}|\d{1,3}\s*/\s*\d{1,3}|-\s*\d{1,4}\s*-)\s*$")
JOB_NUMBER = re.compile(
    r"^\s*(?:\d{1,3}\s*/\s*\d{1,3}\s+)?(?:GE\.)?\d{2}-\d{5}\s*(?:\([A-Z]\))?(?:\s+\d{6}){0,2}(?:\s+\d{1,3}\s*/\s*\d{1,3})?\s*$"
)
BARCODE = re.compile(r"^\s*\*\s?\d{6,}\s?\*\s*$")
RECYCLE = re.compile(r"^\s*Please\s+recycle\s*$", re.I)
# Cover notes of draft resolutions and reissues, marked with asterisks.
COVER_NOTE = re.compile(r"^\s*\*+\s*(?:Non-member State|On behalf of|Reissued|Second reissue|Third reissue|In the absence of)\b", re.I)
DISTR = re.compile(r"\bDistr\.\s*:\s*(General|Limited|Restricted)\b", re.I)
ORIGINAL = re.compile(r"^\s*Original\s*:\s*([A-Z][a-z]+)\s*$")
DATE = re.compile(rf"\b(\d{{1,2}})\s+({MONTHS})\s+(\d{{4}})\b")
DATE_LINE = re.compile(rf"^\s*\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}}\s*$")
ORGAN_LINE = re.compile(r"^\s*(General Assembly|Security Council|Economic and Social Council|Human Rights Council)\s*$")
SESSION_LINE = re.compile(r"^\s*([A-Z][a-z]+(?:-[a-z]+)?\s+(?:special\s+)?session)\s*$")
AGENDA_LINE = re.compile(r"^\s*Agenda items?\s+(.+?)\s*$")
FOOTNOTE_RULE = re.compile(r"^\s*[_\u2014\u2500-]{5,}\s*$")


def iso_date(day: str, month: str, year: str) -> str:
    m = MONTHS.split("|").index(month) + 1
    return f"{int(year):04d}-{m:02d}-{int(day):02d}"

# Phrases only UN documents print often: what tells a UN text from any other
# English text, even through OCR damage elsewhere on the page.
UN_MARKERS = re.compile(
    r"United Nations|General Assembly|Security Council|Human Rights Council|Economic and Social Council"
    r"|\bresolutions? \d|\b[AES]/(?:RES/)?\d|Member States|Secretary-General",
    re.I,
)


# A resolution's closing meeting line: "76th plenary meeting", "50th (resumed) plenary meeting",
# "5th meeting". One pattern for furniture (repair.layout) and structure, which had drifted apart.
MEETING = r"\d+(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?(?:plenary\s+)?meeting"

"""The grammar of UN text: every pattern that extraction, repair, footnotes and structure share.

Generic shapes of UN documents, never strings of particular documents:
dates and months, document symbols, page furniture, the closing meeting line,
the openers of preambular paragraphs, the numbering of operative paragraphs
and their sub-items.  The masthead's own grammar (its roles and facts) is in
:mod:`pipeline.masthead`, which builds on this one; the citation grammar
(resolution numbers and their targets) is in :mod:`pipeline.structure.citations`.

Where stages read an idea differently (a symbol in a masthead, in a running
head, in a citation, in OCR text to repair), each reading is a named variant
here, beside the others, with the reason it differs: outputs depend on them,
so they are kept as they are, but they can no longer drift apart unseen.

    >>> iso_date("18", "December", "2007")
    '2007-12-18'
    >>> bool(re.fullmatch(SYMBOL, "A/HRC/25/L.3")), bool(SYMBOL_FULL.match("A/RES/62/160"))
    (True, True)
    >>> is_preamble_opening("Deeply concerned by ..."), is_preamble_opening("During the session")
    (True, False)
"""
import re

# ---------------------------------------------------------------- months and dates
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
MONTHS = "|".join(MONTH_NAMES)  # a regex alternation: "January|February|...|December"
DATE = re.compile(rf"\b(\d{{1,2}})\s+({MONTHS})\s+(\d{{4}})\b")  # "18 December 2007": day, month, year
DATE_LINE = re.compile(rf"^\s*\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}}\s*$")


def iso_date(day: str, month: str, year: str) -> str:
    """("18", "December", "2007") -> "2007-12-18"."""
    m = MONTH_NAMES.index(month) + 1
    return f"{int(year):04d}-{m:02d}-{int(day):02d}"


# ---------------------------------------------------------------- a scan's specks
# A scan reads a speck of dust or toner between two words of a fixed phrase as a glyph, glued or
# spaced ("Agenda item*71 (b)", "adopted by the· General Assembly"): between the words of a phrase
# whose words are fixed, a gap is spaces, or one such glyph with spaces or none on either side.
SPECK = r"[*\u00b7\u2022'`\u2018\u2019\u201c\u201d^~\u00b0\u00a2.,:;_|]"
GAP = rf"(?:\s*{SPECK}\s*|\s+)"
LINE_END = rf"(?:\s*{SPECK})?\s*$"
# A date with a scan's speck between its parts ("22 December. 2023"); read it with date_parts().
SPECKED_DATE = rf"\d{{1,2}}{GAP}(?:{MONTHS}){GAP}\d{{4}}"


def date_parts(text: str) -> tuple[str, str, str]:
    """("22", "December", "2023") of "22 December. 2023" or "22 December 2023"."""
    day, month, year = re.match(rf"(\d{{1,2}}){GAP}({MONTHS}){GAP}(\d{{4}})", text.strip()).groups()
    return day, month, year  # a line's end, a speck after its last word allowed ("on 10 October 2018.")


def phrase(words: str) -> str:
    """A regex for fixed words with a scan's gaps between them: phrase("adopted by the") matches
    "adopted by the" and "adopted*by the"; the words' letters stay exact."""
    return GAP.join(re.escape(w) for w in words.split())


# ---------------------------------------------------------------- organs
# The principal organs whose resolutions and drafts the pipeline reads, as printed (mastheads, formulas).
ORGANS = ("General Assembly", "Security Council", "Economic and Social Council", "Human Rights Council")
# The symbol series of each organ's resolutions: "Resolution 7/3" of the Council is A/HRC/RES/7/3.
RESOLUTION_SERIES = {"General Assembly": "A/RES/", "Human Rights Council": "A/HRC/RES/", "Security Council": "S/RES/",
                     "Economic and Social Council": "E/RES/"}

# ---------------------------------------------------------------- document symbols
# A UN document symbol is a series, then slash-separated parts (A/RES/62/160,
# A/HRC/25/L.3, E/CN.4/2001/2, A/CONF.157/24, S/2024/12/Add.1).  Four readings:
#
# SYMBOL: as a masthead or a running head prints it, for line roles and facts
#   (masthead, furniture, structure's header).  Few series, loose parts: a line
#   that is only a symbol, or ends with one.
MASTHEAD_SERIES = ("A", "E", "S", "ST", "TD", "UNEP", "DP", "CRC", "CERD", "CCPR")
SYMBOL = rf"(?:{'|'.join(MASTHEAD_SERIES)})(?:/[A-Za-z0-9.\-]+)+"
SYMBOL_LINE = re.compile(rf"^\s*(?:United Nations\s+)?({SYMBOL})\s*$")
SYMBOL_RE = re.compile(SYMBOL)

# SYMBOL_IN_HEAD: extraction's reading of a page's top band with its spaces
#   removed (a PDF may space the masthead's letters): any series of capitals,
#   at least two parts, and a Security Council year glued on ("S/RES/2719(2023)").
SYMBOL_IN_HEAD = re.compile(r"\b[A-Z]{1,6}(?:/[A-Z0-9][A-Za-z0-9.\-]*){2,}(?:\(\d{4}\))?")

# CITED_SERIES / CITED_SYMBOL: a symbol cited in running text, for references
#   (structure.citations).  More series (treaty bodies, UNCTAD, ...); a part may
#   hold dots and hyphens but no hyphen may start another symbol ("A/77/1-E/2022/2"
#   is two).  The symbol is the named group "symbol"; "(Part I)" follows as "part".
CITED_SERIES = (r"(?:A|E|S|ST|TD|UNEP|DP|CRC|CERD|CCPR|CEDAW|CAT|CMW|CRPD|CED|FCCC|ICCD|UNW|CEB|JIU|UNCTAD|ECE|ESCAP"
                r"|ECA|ECLAC|ESCWA|TRADE|ITC|IDB|ISBA|SPLOS|LOS|HSP|UNCITRAL)")
CITED_SYMBOL = re.compile(
    rf"(?<![\w/.])(?P<symbol>{CITED_SERIES}(?:/(?:[A-Za-z0-9]+(?:\.[A-Za-z0-9]+|-(?!{CITED_SERIES}/)[A-Za-z0-9]+)*))+)"
    r"(?P<part>\s\((?:Part|Vol\.)\s(?:[IVX]+|\d+)\))?"
)

# SYMBOL_FULL / SYMBOL_STANDALONE: the strict grammar a repaired token must
#   parse under (repair.symbols): every series and body code spelled out, so a
#   misread token is corrected only into a symbol that exists in form.
SYMBOL_SERIES = (
    "A S E ST TD UNEP FCCC ICCD CCPR CRC CEDAW CERD CAT CRPD CMW CED DP UNW ECE ESCAP ECLAC ECA ESCWA "
    "HRI SPLOS ISBA UNICEF UNDP UNFPA UNITAR UNIDO IDB WHA EB AC CTOC CAC CBD UNHCR BWC CCW CD CCM "
    "APLC ICC ITLOS UNCITRAL"
).split()
# Series that carry a session number themselves ("WHA69/2016/REC/1",
# "EB136/8", "GC.18/Res.9").
NUMBERED_SERIES = r"(?:WHA\d{1,3}|EB\d{1,3}|GC\(?\d{1,3}\)?|GC\.\d{1,3}|ICC-ASP)"
# Body codes that stand alone as a component.
SYMBOL_CODES = (
    "RES DEC PRST INF PV SR CRP WP HRC GC CP CMP CMA SBI SBSTA SGB AI IC OP SPC BUR INF EA UNEP CONF "
    "Res Dec Summary MISC SUM NGO ORG COP MOP OEWG REC"
).split()
# Codes followed by ".number" ("CONF.157", "Add.2").
NUMBERED_CODES = "CONF CN C AC L Add Corr Rev Sub WG EA Res PV SR Amend CRP WP INF Misc MISC E GC".split()
_COMPONENT = (
    r"(?:\d{1,4}(?:\.\d{1,3})?"  # 73, 2005, 10.1 (never five digits: that is a lost slash)
    r"|(?:" + "|".join(sorted(set(SYMBOL_CODES), key=len, reverse=True)) + r")"
    r"|(?:" + "|".join(sorted(set(NUMBERED_CODES), key=len, reverse=True)) + r")\.\d{1,4}(?:/Rev\.\d)?"
    r"|(?:ES|S)-\d{1,2}"
    r"|(?:CONF|MSP)\.[IVX]{1,6}"  # "BWC/CONF.IX/9"
    r")"
)
_ONE_SYMBOL = (
    r"(?:(?:" + NUMBERED_SERIES + "|" + "|".join(sorted(SYMBOL_SERIES, key=len, reverse=True)) + r")(?:/" + _COMPONENT
    + r")+"
    # Security Council documents before 1994 are numbered in one series of
    # five digits ("S/24111", "S/25704/Add.1"): as printed, that is a symbol.
    r"|S/\d{5}(?:/" + _COMPONENT + r")*)"
)
SYMBOL_FULL = re.compile(r"^" + _ONE_SYMBOL + r"(?:-" + _ONE_SYMBOL + r")*$")
# Cited alone: a component after a symbol ("and Corr.1"), a resolution of an
# emergency or special session ("ES-10/15", "S-26/2"), a United Nations
# sales number ("E.96.IV.13", "E.78.II.A.11").
SYMBOL_STANDALONE = re.compile(
    r"^(?:(?:Add|Corr|Rev|Amend)\.\d{1,3}"
    r"|(?:ES|S)-\d{1,2}/\d{1,3}"
    r"|[ACEFRS]\.\d{2}\.[IVX]{1,5}(?:\.[A-Z])?\.\d{1,3}"
    r")$"
)

# ---------------------------------------------------------------- page furniture
PAGE_NUMBER = re.compile(r"^\s*(?:\d{1,4}|\d{1,3}\s*/\s*\d{1,3}|-\s*\d{1,4}\s*-)\s*$")
JOB_NUMBER = re.compile(
    r"^\s*(?:\d{1,3}\s*/\s*\d{1,3}\s+)?(?:GE\.)?\d{2}-\d{5}\s*(?:\([A-Z]\))?(?:\s+\d{6}){0,2}(?:\s+\d{1,3}\s*/\s*\d{1,3})?\s*$"
)
BARCODE = re.compile(r"^\s*\*\s?\d{6,}\s?\*\s*$")
# The barcode's text as OCR reads it, one word: its closing asterisk is raised like a marker
# ("*2324427*", "*2324427/*", "*2326027"), so the marker detector must know it.
BARCODE_WORD = re.compile(r"^\*\d[\d/|]{5,}[*?°]?$")
# "Please recycle" beside the barcode and the QR code, whose scraps a scan may read into its line ("TTT 030124
# Please recycle OO"): no lower-case word stands with it.
RECYCLE = re.compile(r"^\s*(?:[^\sa-z]{1,8}\s+){0,3}(?i:please\s+recycle)[^\w\s]{0,3}(?:\s+[^\sa-z]{1,8}){0,3}\s*$")
# Cover notes of draft resolutions and reissues, marked with asterisks.
COVER_NOTE = re.compile(r"^\s*\*+\s*(?:Non-member State|On behalf of|Reissued|Second reissue|Third reissue|In the absence of)\b", re.I)
# A scan may lose the period ("Distr: General") or both ("Distr Limited", a fax), read the colon as a full stop ("Distr.. General") or put a
# speck read as a mark after the colon ("Distr.:1 General").
DISTR = re.compile(r"\bDistr(?:\.?\s*[:;!|\u2019]|\.\.|\.(?=\s)|(?=\s))\s*(?:[\d'\u2018\u2019`\u00b0]\s*)?(General|Limited|Restricted)\b", re.I)
# Repair's reading of OCR text (repair.masthead_labels): the label as OCR may print it
# ("Dist.", "Distt", a period lost), in its slot before ":" and the kind.
DISTR_SLOT = re.compile(r"(?<![\w/.])([A-Za-z]{3,6})(\.?)(?=\s*:\s*(?:General|Limited|Restricted)\b)")
ORIGINAL = re.compile(r"^\s*Original\s*:\s*([A-Z][a-z]+)\s*$")
ORGAN_LINE = re.compile(rf"^\s*({'|'.join(ORGANS)})\s*$")
SESSION_LINE = re.compile(r"^\s*([A-Z][a-z]+(?:-[a-z]+)?\s+(?:special\s+)?session)\s*$")
AGENDA_LINE = re.compile(r"^\s*Agenda items?\s+(.+?)\s*$")
FOOTNOTE_RULE = re.compile(r"^\s*[_\u2014\u2500-]{5,}\s*$")
# How a footnote's text opens: a citation ("See", "Ibid.", "Official Records", "United Nations, Treaty
# Series", a document symbol).  Footnote recovery weighs a candidate note by it; a scanned page's note
# zone whose rule and numbers a light threshold erased is found by it (layout_pdf).
NOTE_OPENING = re.compile(
    rf"^(?:See\b|Resolutions?\b|Decisions?\b|Ibid\b|Official Records\b|United Nations\b|Treaty Series\b"
    rf"|Available\b|Adopted\b|Report\b|Document\b|General Assembly\b|Human Rights Council\b|Security Council\b"
    rf"|Economic and Social Council\b|For the\b|Also\b|Vol\.|{SYMBOL})"
)

# Phrases only UN documents print often: what tells a UN text from any other
# English text, even through OCR damage elsewhere on the page.
UN_MARKERS = re.compile(
    r"United Nations|General Assembly|Security Council|Human Rights Council|Economic and Social Council"
    r"|\bresolutions? \d|\b[AES]/(?:RES/)?\d|Member States|Secretary-General",
    re.I,
)

# ---------------------------------------------------------------- openers of preambular paragraphs
PREAMBULAR_OPENERS = frozenset({
    "Acknowledging", "Acting", "Affirming", "Alarmed", "Also", "Anxious", "Appreciating", "Approving", "Aware",
    "Bearing", "Believing", "Cognizant", "Commending", "Concerned", "Condemning", "Confident", "Conscious",
    "Considering", "Convinced", "Declaring", "Deeply", "Deploring", "Desiring", "Desirous", "Determined",
    "Disturbed", "Emphasizing", "Emphasising", "Encouraged", "Encouraging", "Endorsing", "Expressing", "Firmly",
    "Fully", "Further", "Gravely", "Guided", "Having", "Highlighting", "Hoping", "Keeping", "Keenly", "Looking",
    "Mindful", "Noting", "Observing", "Persuaded", "Pointing", "Profoundly", "Reaffirming", "Realizing",
    "Recalling", "Recognizing", "Recognising", "Reiterating", "Re-emphasizing", "Referring", "Regretting",
    "Reminding", "Resolved", "Seriously", "Sharing", "Strongly", "Stressing", "Taking",
    "Underlining", "Underscoring", "Urging", "Viewing", "Welcoming", "Wishing",
    "Satisfied", "Reassured", "Troubled", "Dismayed", "Shocked", "Saddened",
})
# Words in -ing that open other sentences, and names that end so.
NOT_OPENERS = frozenset({"During", "Including", "Following", "Regarding", "Concerning", "Notwithstanding", "According",
                         "Pending", "Nothing", "Something", "Everything", "Beijing", "Wellington", "Reading",
                         "Building", "King", "Sterling", "Spring", "Viking", "Flemming", "Bring", "Sing", "Thing"})
# Words that may precede the participle of a preambular paragraph ("Further
# recalling", "Also noting"), besides adverbs in -ly ("Deeply concerned").
BEFORE_PARTICIPLE = frozenset({"also", "further", "again", "once", "still", "now"})


# A speck a scan reads before a paragraph's first word (". Concerned about ...", "‘Deeply disturbed ..."): no
# part of its opening.  A single quote opens no paragraph (UN text quotes in double quotes; single ones nest inside).
LEAD_SPECK = r"[.,\u00b7\u2022*^~\u00b0'`\u2018\u2019]"  # also before a misread operative number
LEADING_SPECK = re.compile(rf"^\s*{LEAD_SPECK}\s*(?=[A-Z])")


def is_preamble_opening(line: str) -> bool:
    """Does the line open a preambular paragraph ("Recalling ...", "Deeply concerned ...")?"""
    m = re.match(r"^\s*([A-Z][a-z]+(?:-[a-z]+)?)\b", line)
    if not m:
        return False
    word = m.group(1)
    if word in PREAMBULAR_OPENERS:
        return True
    return word.endswith("ing") and len(word) > 5 and word not in NOT_OPENERS


# An operative verb adopting what follows ("Adopts the following declaration:"): an annex starts.
# Within one sentence: a stop before a small letter ("approved. by", a scan's speck) ends none.
_IN_SENTENCE = r"(?:[^.;]|[.;](?=\s*[a-z]))*"
ADOPTS_FOLLOWING = re.compile(rf"\b(?:[Aa]dopts|[Aa]pproves|[Ee]ndorses|[Pp]roclaims)\b{_IN_SENTENCE}\bfollowing\b{_IN_SENTENCE}:\s*$")

# ---------------------------------------------------------------- numbering
# An operative (or annex) paragraph's number opening its line: "1. ", "12." alone.
# Groups: the indentation, the number.
OPERATIVE_NUMBER = re.compile(r"^(\s*)(\d{1,3})\.(?=\s|$)\s*")
# An operative number a scan misread, before an operative verb ("l. Requests", "1, Decides", "ll. Urges",
# "2 Decides"): digits and their lookalikes with a stop or a comma, or digits ("2 Decides") or a lone "1"
# read as a letter or a bracket ("l Endorses", "] Endorses") whose stop was lost; a speck may stand before it ("'2. Decides", a 98 dpi
# fax).  Read with misread_number().
MISREAD_OPERATIVE_NUMBER = re.compile(
    rf"^(\s*)(?:{LEAD_SPECK}\s*)?([0-9lI|!O]{{1,3}}[.,]|\d{{1,3}}(?=\s)|[lI|!\]](?=\s))\s+(?=[A-Z][a-z]+s\b)")
_DIGIT_LOOKALIKES = str.maketrans("lI|!]O", "11111" + "0")


def misread_number(token: str) -> int | None:
    """The number a misread token stands for ("l" -> 1, "ll" -> 11, "1O" -> 10); None if it is no number."""
    digits = token.rstrip(".,").translate(_DIGIT_LOOKALIKES)
    return int(digits) if digits.isdigit() and not digits.startswith("0") else None


# A sub-item opening its line: "(a) ", "(aa) ", "(iv) ".  Groups: the indentation, the letters.
ITEM_NUMBER = re.compile(r"^(\s*)\(([a-z]{1,2}|[ivx]{1,5})\)(?=\s)\s*")
# Footnote recovery's reading: a line that opens a paragraph, so it does not
# continue a footnote body above it.  Items by one or two letters only (no
# "(iii)"): the footnote zone's own numbering is what this guards against.
OPERATIVE_START = re.compile(r"^\s*\d{1,3}\.(\s|$)")
ITEM_START = re.compile(r"^\s*\([a-z]{1,2}\)\s")
# Repair's reading (repair.numbering): a sub-item's letter at a line start as OCR
# may print it ("(ec)" or "(ce)" for "(e)").  Group: the letters.
ITEM_LETTER_LINE = re.compile(r"(?m)^[ \t]*\(([A-Za-z]{1,2})\)(?=[ \t])")
# Repair's reading: every line a paragraph number opens, anywhere in the text.
NUMBERED_LINE = re.compile(r"(?m)^[ \t]*(?P<num>\d{1,3})\.(?=\s)")
# A part heading numbered in roman: "II. Programme of work".
ROMAN_HEADING = re.compile(r"^(\s*)([IVXLC]{1,6})\.(?=\s)\s*")
# Repair's reading (repair.numbering): a heading of a numbered run at a line start,
# its label ("Part", "Chapter", "Section", "Title", "Annex", or none) and its roman
# numeral as OCR may print it ("VUI", "VIIL", "V1I").
HEADING_LABELS = "Part|PART|Chapter|CHAPTER|Section|SECTION|Title|TITLE|Annex|ANNEX"
NUMBERED_HEADING = re.compile(
    rf"(?m)^[ \t]*(?:({HEADING_LABELS})[ \t]+)?([IVXLUTl1]{{1,7}})(?=\.[ \t]+[A-Z(]|[ \t]*$|[ \t]+[-\u2013\u2014:][ \t])")
ANNEX_HEADING = re.compile(r"^\s*(Annex(?:es)?(?:\s+(?:[IVXLC]+|\d{1,2}|[A-Z]))?)\s*(?:\*{1,3})?\s*$")

# ---------------------------------------------------------------- closings
# A resolution's closing meeting line: "76th plenary meeting", "50th (resumed) plenary meeting",
# "5th meeting".  One pattern for furniture (repair.layout) and structure.
MEETING = r"\d+(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?(?:plenary\s+)?meeting"
# What closes a resolution: the meeting line, or "Adopted without a vote." /
# "Adopted by a recorded vote of ...".  Case matters: a line "adopted by the
# Council of ..." inside a paragraph is no closing.
CLOSING = re.compile(
    rf"^\s*(?:{MEETING}\b.*|Adopted\s+(?:without a vote|by (?:a )?(?:recorded )?vote|by consensus|at the)\b.*)$"
)
# The citation memory's reading: a plenary meeting's date, on the next line or the same one.
PLENARY_DATE = re.compile(rf"plenary meeting\s*\n?\s*{DATE.pattern}")

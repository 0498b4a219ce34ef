"""Minimal PDFs written byte by byte, so the tests carry no binary fixtures.

``make_pdf`` lays out lines of Helvetica text, one list of lines per page, and
can add an image XObject (declared size and real Flate data: a decompression
bomb is just a large blank image) and the standard security handler (RC4, R2)
with a user and an owner password.  Enough for pdfminer, pdfplumber and
pdfium to read, nothing more.
"""
from __future__ import annotations

import hashlib
import zlib

# Algorithm 2 of the PDF spec: passwords are padded with this string.
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_FILE_ID = hashlib.md5(b"pipeline tests").digest()


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _padded(pw: str) -> bytes:
    return (pw.encode("latin-1") + _PAD)[:32]


class _Security:
    """Standard security handler, revision 2 (40-bit RC4)."""

    P = -44  # print and copy allowed

    def __init__(self, user: str, owner: str) -> None:
        okey = hashlib.md5(_padded(owner or user)).digest()[:5]
        self.O = rc4(okey, _padded(user))
        self.key = hashlib.md5(_padded(user) + self.O + self.P.to_bytes(4, "little", signed=True) + _FILE_ID).digest()[:5]
        self.U = rc4(self.key, _PAD)

    def crypt(self, num: int, data: bytes) -> bytes:
        k = hashlib.md5(self.key + num.to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
        return rc4(k, data)

    def dict(self) -> bytes:
        return b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
            self.O.hex().encode(), self.U.hex().encode(), self.P)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: list[str], size: float, height: float, render: int = 0) -> bytes:
    out = [b"BT %d Tr /F1 %g Tf %g TL 72 %g Td" % (render, size, size * 1.3, height - 72)]
    for ln in lines:
        out.append(_pdf_string(ln) + b" Tj T*")
    out.append(b"ET")
    return b"\n".join(out)


def _blank_flate(nbytes: int, prefix: bytes = b"", fill: bytes = b"\0") -> bytes:
    """Flate data that inflates to ``prefix`` then ``nbytes`` of ``fill``, built in chunks."""
    comp = zlib.compressobj(9)
    chunk = fill * (1 << 20)
    parts = [comp.compress(prefix)]
    left = nbytes
    while left > 0:
        parts.append(comp.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(comp.flush())
    return b"".join(parts)


def make_pdf(pages: list[list[str]], *, size: float = 11, page_size: tuple[float, float] = (612, 792),
             image: tuple[int, int] | None = None, user_password: str | None = None,
             owner_password: str = "owner", content_padding: int = 0, text_render: int = 0,
             page_image: bool = False, info: dict[str, str] | None = None) -> bytes:
    """A PDF with ``pages`` of text lines; ``image=(w, h)`` puts a w x h grey image on page 1.

    A searchable scan's make-up: ``text_render=3`` draws the text invisible,
    ``page_image`` puts an image covering the whole page under every page's
    text, ``info`` fills the document information (``{"Creator": ...}``).

    ``content_padding=n`` adds n blanks to page 1's content and Flate-encodes
    it: a content stream that inflates to n bytes from a few kilobytes.

    ``user_password`` set (even to ``""``) encrypts the file; ``""`` means
    anyone may open it (owner password only).
    """
    w, h = page_size
    sec = _Security(user_password, owner_password) if user_password is not None else None
    objs: dict[int, tuple[bytes, bytes | None]] = {}  # num -> (dict, stream or None)
    n_pages = len(pages)
    first_page = 4
    img_num = first_page + 2 * n_pages if image else None
    page_img = first_page + 2 * n_pages + bool(image) if page_image else None
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(n_pages))
    objs[1] = (b"<< /Type /Catalog /Pages 2 0 R >>", None)
    objs[2] = (b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages), None)
    objs[3] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", None)
    for i, lines in enumerate(pages):
        pnum, cnum = first_page + 2 * i, first_page + 2 * i + 1
        content = _content(lines, size, h, text_render)
        xobjs = []
        if image and i == 0:
            content = b"q 100 0 0 100 300 100 cm /Im1 Do Q\n" + content
            xobjs.append(b"/Im1 %d 0 R" % img_num)
        if page_image:
            content = b"q %g 0 0 %g 0 0 cm /Pg Do Q\n" % (w, h) + content
            xobjs.append(b"/Pg %d 0 R" % page_img)
        xobj = b" /XObject << %s >>" % b" ".join(xobjs) if xobjs else b""
        objs[pnum] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F1 3 0 R >>%s >> /Contents %d 0 R >>"
                      % (w, h, xobj, cnum), None)
        if content_padding and i == 0:
            objs[cnum] = (b"<< /Filter /FlateDecode >>", _blank_flate(content_padding, content + b"\n", b" "))
        else:
            objs[cnum] = (b"<< >>", content)
    if image:
        iw, ih = image
        objs[img_num] = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                         b"/BitsPerComponent 8 /Filter /FlateDecode >>" % (iw, ih), _blank_flate(iw * ih))
    if page_image:
        objs[page_img] = (b"<< /Type /XObject /Subtype /Image /Width 85 /Height 110 /ColorSpace /DeviceGray "
                          b"/BitsPerComponent 8 /Filter /FlateDecode >>", _blank_flate(85 * 110, fill=b"\xff"))
    info_num = None
    if info:
        info_num = max(objs) + 1
        objs[info_num] = (b"<< %s >>" % b" ".join(b"/%s %s" % (k.encode(), _pdf_string(v)) for k, v in info.items()), None)
    return _serialise(objs, sec, info_num)


def _serialise(objs: dict[int, tuple[bytes, bytes | None]], sec=None, info: int | None = None) -> bytes:
    """Objects (dictionary, stream or None) as a PDF file with its xref table; encrypted by ``sec`` when given."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        d, stream = objs[num]
        offsets[num] = len(out)
        if stream is not None:
            if sec:
                stream = sec.crypt(num, stream)
            d = d[:-2].rstrip() + b" /Length %d >>" % len(stream)
            out += b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (num, d, stream)
        else:
            out += b"%d 0 obj\n%s\nendobj\n" % (num, d)
    extra = b" /Info %d 0 R" % info if info else b""
    if sec:
        enc_num = max(objs) + 1
        offsets[enc_num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (enc_num, sec.dict())
        extra += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (enc_num, _FILE_ID.hex().encode(), _FILE_ID.hex().encode())
    xref = len(out)
    size_ = max(offsets) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size_
    for num in range(1, size_):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size_, extra, xref)
    return bytes(out)


def resolution_pages(text: str, lines_per_page: int = 48) -> list[list[str]]:
    """A text export cut into pages of lines, to put a seed's text into a PDF."""
    lines = [ln for ln in text.replace("\f", "\n").splitlines()]
    return [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]


# ---------------------------------------------------------------- laid-out pages (mastheads, italics, notes)
_FONTS = {"regular": b"F1", "italic": b"F2", "bold": b"F3"}
_BASE_FONTS = {b"F1": b"Helvetica", b"F2": b"Helvetica-Oblique", b"F3": b"Helvetica-Bold"}


def _styled_content(items: list[tuple], height: float) -> bytes:
    """``("text", x, y, [(style, size, rise, text), ...])`` runs on one baseline; ``("rule", x0, y, x1)``."""
    out = []
    for item in items:
        if item[0] == "rule":
            _, x0, y, x1 = item
            out.append(b"0.5 w %g %g m %g %g l S" % (x0, height - y, x1, height - y))
            continue
        _, x, y, runs = item
        parts = [b"BT 1 0 0 1 %g %g Tm" % (x, height - y)]
        for style, size, rise, text in runs:
            parts.append(b"/%s %g Tf %g Ts %s Tj" % (_FONTS[style], size, rise, _pdf_string(text)))
        parts.append(b"0 Ts ET")
        out.append(b" ".join(parts))
    return b"\n".join(out)


def make_styled_pdf(pages: list[list[tuple]], *, page_size: tuple[float, float] = (612, 792)) -> bytes:
    """A PDF whose pages hold positioned runs of Helvetica, Helvetica-Oblique and Helvetica-Bold
    (superscripts by text rise) and horizontal rules: enough for a UN masthead, italic
    participles, footnotes under their rule, and page furniture where the UN prints it."""
    w, h = page_size
    objs: dict[int, tuple[bytes, bytes | None]] = {}
    n = len(pages)
    first = 6
    kids = b" ".join(b"%d 0 R" % (first + 2 * i) for i in range(n))
    objs[1] = (b"<< /Type /Catalog /Pages 2 0 R >>", None)
    objs[2] = (b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n), None)
    for k, (ref, base) in enumerate(_BASE_FONTS.items(), start=3):
        objs[k] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % base, None)
    fonts = b" ".join(b"/%s %d 0 R" % (ref, k) for k, ref in enumerate(_BASE_FONTS, start=3))
    for i, items in enumerate(pages):
        pnum, cnum = first + 2 * i, first + 2 * i + 1
        objs[pnum] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font << %s >> >> "
                      b"/Contents %d 0 R >>" % (w, h, fonts, cnum), None)
        objs[cnum] = (b"<< >>", _styled_content(items, h))
    return _serialise(objs)

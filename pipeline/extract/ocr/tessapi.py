"""Tesseract's own library, run as a long-lived process of its own: the engine behind :mod:`.engine`.

This file is a program.  :mod:`.engine` starts it (``python -I tessapi.py``)
and keeps it for the run; it loads ``libtesseract`` with :mod:`ctypes`, sets
up one engine per reading and language exactly as the ``tesseract`` command
would be for that reading, and then reads the images it is sent, one request
after another, until its standard input closes.  Compared with the command it
saves, per image, a process start, the model's load and the image file's
encoding and decoding (about 0.2 s of a clean page's 1.3 s).  It imports only
the standard library, so it starts in milliseconds and never loads the pipeline.

Each reading is set up as pytesseract sets up the command for it:

- ``page``: ``tesseract IMAGE out -l LANG -c tessedit_create_tsv=1 --oem 1 --psm 3 tsv``
  (``image_to_data``): the TSV of the page's words;
- ``line``: the same with ``--psm 7``: each image one line (the doubtful words' crops);
- ``raw line``: the same with ``--psm 13``: each image one line, read raw (a page's lost lines);
- ``markers``: ``--psm 7 -c tessedit_char_whitelist=0123456789 batch.nochop makebox``
  (``image_to_boxes``): each character's box (the footnote markers' strips).

Images come as 8-bit grey pixels with no resolution, as the PGMs and PNGs the
command is given carry none (Tesseract estimates it the same way); image ``k``
of a request is read as page ``k`` of the command's list of images.  So each
reading equals the command's, text, boxes and confidences
(``tests/test_scan_tessapi.py`` compares them).

Why a process and not the library in the pipeline's own: Tesseract has died
of SIGFPE on a footnote-marker strip of a 200 dpi bilevel scan.  Here that
ends this process only; :mod:`.engine` reports it as the command's failure
would be (``TesseractError`` with the signal) and starts another for the next request.

Wire format, both ways: an 8-byte little-endian length, then a pickle.
Request ``(reading, lang, [(width, height, pixels), ...])``; reply
``("ok", [text, ...], cpu_seconds)`` or ``("error", status, message, cpu_seconds)``.
On start the program says ``("ready", version)`` or ``("unavailable", why)``.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import pickle
import struct
import sys
import time

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as for the command: one core per engine

OEM_LSTM_ONLY = 1
# reading -> (configuration files, variables, page segmentation mode, output)
READINGS = {
    "page": (("tsv",), (("tessedit_create_tsv", "1"),), 3, "tsv"),
    "line": (("tsv",), (("tessedit_create_tsv", "1"),), 7, "tsv"),
    "raw line": (("tsv",), (("tessedit_create_tsv", "1"),), 13, "tsv"),
    "markers": (("batch.nochop", "makebox"), (("tessedit_char_whitelist", "0123456789"),), 7, "box"),
}
HEADER = struct.Struct("<Q")


class ReadError(Exception):
    """A reading that failed as the command would have: its exit status and message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def load() -> ctypes.CDLL | None:
    """libtesseract 4.1 or 5 with the functions used here, or None."""
    for name in ("libtesseract.so.5", ctypes.util.find_library("tesseract")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        if not hasattr(lib, "TessBaseAPIGetTsvText"):
            continue
        _declare(lib)
        if not lib.TessVersion().decode().startswith(("5.", "4.1")):
            continue
        return lib
    return None


def _declare(lib: ctypes.CDLL) -> None:
    p, c, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    lib.TessVersion.restype = c
    lib.TessBaseAPICreate.restype = p
    lib.TessBaseAPIDelete.argtypes = [p]
    lib.TessBaseAPIInit1.argtypes = [p, c, c, i, ctypes.POINTER(c), i]
    lib.TessBaseAPIInit1.restype = i
    lib.TessBaseAPISetVariable.argtypes = [p, c, c]
    lib.TessBaseAPISetVariable.restype = i
    lib.TessBaseAPISetPageSegMode.argtypes = [p, i]
    lib.TessBaseAPISetImage.argtypes = [p, ctypes.c_char_p, i, i, i, i]
    lib.TessBaseAPIRecognize.argtypes = [p, p]
    lib.TessBaseAPIRecognize.restype = i
    for getter in ("TessBaseAPIGetTsvText", "TessBaseAPIGetBoxText"):
        getattr(lib, getter).argtypes = [p, i]
        getattr(lib, getter).restype = p  # freed with TessDeleteText
    lib.TessDeleteText.argtypes = [p]


class Engine:
    """One Tesseract engine set up as the command would be for a reading in one language.

    Readings that differ only in their page segmentation mode (``page``, ``line``)
    share one: the mode is set before each image, as the command's ``--psm`` sets it.
    """

    def __init__(self, lib: ctypes.CDLL, reading: str, lang: str):
        configs, variables, _, _ = READINGS[reading]
        self.lib = lib
        self.handle = lib.TessBaseAPICreate()
        names = (ctypes.c_char_p * len(configs))(*[c.encode() for c in configs])
        if lib.TessBaseAPIInit1(self.handle, None, lang.encode(), OEM_LSTM_ONLY, names, len(configs)) != 0:
            lib.TessBaseAPIDelete(self.handle)
            # the command's own words, so a missing language is classified as the command's would be
            raise ReadError(1, f"Failed loading language '{lang}' Tesseract couldn't load any languages!")
        for name, value in variables:
            lib.TessBaseAPISetVariable(self.handle, name.encode(), value.encode())

    def read(self, reading: str, width: int, height: int, pixels: bytes, page: int) -> str:
        """The command's output rows for these grey pixels as image ``page`` (from 0) of its list."""
        _, _, psm, output = READINGS[reading]
        if width <= 0 or height <= 0 or len(pixels) != width * height:
            raise ReadError(1, f"Error during processing: an image of {width}x{height} with {len(pixels)} bytes")
        self.lib.TessBaseAPISetPageSegMode(self.handle, psm)
        self.lib.TessBaseAPISetImage(self.handle, pixels, width, height, 1, width)
        if self.lib.TessBaseAPIRecognize(self.handle, None) != 0:
            raise ReadError(1, "Error during processing.")
        getter = self.lib.TessBaseAPIGetTsvText if output == "tsv" else self.lib.TessBaseAPIGetBoxText
        ptr = getter(self.handle, page)
        if not ptr:
            return ""
        try:
            return ctypes.string_at(ptr).decode("utf-8")
        finally:
            self.lib.TessDeleteText(ptr)


def send(stream, message: object) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def receive(stream) -> object | None:
    """The next message, or None at the end of the stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    size = HEADER.unpack(head)[0]
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return pickle.loads(payload)


def serve(requests, replies) -> None:
    """Read what is asked until the requests end."""
    lib = load()
    if lib is None:
        send(replies, ("unavailable", "libtesseract 4.1 or 5 could not be loaded"))
        return
    send(replies, ("ready", lib.TessVersion().decode()))
    engines: dict[tuple, Engine] = {}  # one per set-up (configuration files and variables) and language
    while (request := receive(requests)) is not None:
        reading, lang, images = request
        try:
            key = (*READINGS[reading][:2], lang)  # page and line readings differ only in the segmentation mode
            if key not in engines:
                engines[key] = Engine(lib, reading, lang)
            engine = engines[key]
            texts = [engine.read(reading, w, h, pixels, k) for k, (w, h, pixels) in enumerate(images)]
            send(replies, ("ok", texts, time.process_time()))
        except ReadError as exc:
            send(replies, ("error", exc.status, str(exc), time.process_time()))


if __name__ == "__main__":
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything the library prints goes to standard error, never into a reply
    serve(sys.stdin.buffer, replies)

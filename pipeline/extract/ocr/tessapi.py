"""Second readings through Tesseract's own library, in this process: no process start per page.

A page's first reading runs the ``tesseract`` command, as a user would.  Its
doubtful words' crops are small images; as a command their reading costs a
process start and a model load (about 0.07 s, more than reading the crops).
Here the same library the command runs (``libtesseract``, through its C API,
loaded with :mod:`ctypes`) is set up once per thread with exactly the
command's settings and reads each crop as the command reads one image of a
list: the same engine, page segmentation mode, configuration files and
variables, the same 8-bit grey pixels with no resolution (Tesseract assumes
70 dpi, as for the PNGs the command was given).  So each crop gets the same
text, boxes and confidences (``tests/test_scan_tessapi.py`` compares them on
crops of real scans).

The footnote markers' strips are not read here but by the command
(:func:`.tesseract.read_markers`): Tesseract has died of SIGFPE on such strips,
which in a child process is an error the page degrades around and in this one
would end the run.

Where the library cannot be loaded (another system's file name, an older
Tesseract), :func:`reader` returns ``None`` and the callers run the command as
before.  ``OMP_THREAD_LIMIT=1`` is set before the library is loaded, as for the command.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as for the command: one core per engine

OEM_LSTM_ONLY = 1
PSM_SINGLE_LINE = 7
# (configuration files, variables) of the reading, as pytesseract's command line gives them:
# image_to_data adds the "tsv" config.
WORDS = ("tsv",), ()
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"

_lib_lock = threading.Lock()
_lib: list = []  # [ctypes.CDLL or None], once loaded
_local = threading.local()


def _library() -> ctypes.CDLL | None:
    with _lib_lock:
        if not _lib:
            _lib.append(_load())
        return _lib[0]


def _load() -> ctypes.CDLL | None:
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
    lib.TessBaseAPISetImage.argtypes = [p, ctypes.c_void_p, i, i, i, i]
    lib.TessBaseAPIRecognize.argtypes = [p, p]
    lib.TessBaseAPIRecognize.restype = i
    lib.TessBaseAPIGetTsvText.argtypes = [p, i]
    lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p  # freed with TessDeleteText
    lib.TessDeleteText.argtypes = [ctypes.c_void_p]


class LineReader:
    """One Tesseract engine set up as ``tesseract list out -l LANG --oem 1 --psm 7 [-c ...] CONFIGS`` would be."""

    def __init__(self, lib: ctypes.CDLL, lang: str, configs: tuple[str, ...], variables: tuple[tuple[str, str], ...]):
        self.lib = lib
        self.handle = lib.TessBaseAPICreate()
        names = (ctypes.c_char_p * len(configs))(*[c.encode() for c in configs])
        if lib.TessBaseAPIInit1(self.handle, None, lang.encode(), OEM_LSTM_ONLY, names, len(configs)) != 0:
            lib.TessBaseAPIDelete(self.handle)
            self.handle = None
            raise RuntimeError(f"libtesseract could not load language {lang!r}")
        for name, value in variables:
            lib.TessBaseAPISetVariable(self.handle, name.encode(), value.encode())
        lib.TessBaseAPISetPageSegMode(self.handle, PSM_SINGLE_LINE)

    def _recognise(self, gray: np.ndarray) -> None:
        gray = np.ascontiguousarray(gray, dtype=np.uint8)
        h, w = gray.shape
        self.lib.TessBaseAPISetImage(self.handle, gray.ctypes.data, w, h, 1, w)
        if self.lib.TessBaseAPIRecognize(self.handle, None) != 0:
            raise RuntimeError("libtesseract failed to read an image")

    def _text(self, getter, page: int) -> str:
        ptr = getter(self.handle, page)
        if not ptr:
            return ""
        try:
            return ctypes.string_at(ptr).decode("utf-8")
        finally:
            self.lib.TessDeleteText(ptr)

    def tsv(self, gray: np.ndarray, page: int) -> str:
        """The command's TSV rows for this image as page ``page`` (from 0) of a list, no header."""
        self._recognise(gray)
        return self._text(self.lib.TessBaseAPIGetTsvText, page)

    def __del__(self) -> None:
        if getattr(self, "handle", None):
            self.lib.TessBaseAPIDelete(self.handle)
            self.handle = None


def reader(lang: str) -> LineReader | None:
    """This thread's engine for the doubtful words' crops in ``lang``; None without the library."""
    lib = _library()
    if lib is None:
        return None
    engines = getattr(_local, "engines", None)
    if engines is None:
        engines = _local.engines = {}
    if lang not in engines:
        try:
            engines[lang] = LineReader(lib, lang, *WORDS)
        except RuntimeError:
            engines[lang] = None
    return engines[lang]

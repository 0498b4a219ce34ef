"""One loader for the files people edit or hand us (review decisions, dictionaries).

Whatever is in the file, reading it ends in the data or in one line:
``<file>: line N: what is wrong; what to do``.  Size and nesting depth are
bounded before anything is parsed, bad encoding, huge numbers (Python refuses
ints of more than 4300 digits) and deep nesting (RecursionError) are caught,
and a bad value is echoed in at most :data:`ECHO` characters, so a 50 MB value
gives a one-line message, not a 50 MB one.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Sequence

MAX_JSON_BYTES = 64 << 20  # 100,000 decisions are about 25 MB
MAX_TEXT_BYTES = 256 << 20  # the word lists are a few hundred KB; a lexicon of all of English is far below this
MAX_DEPTH = 32
MAX_INT_DIGITS = 40
ECHO = 80


class UserFileError(ValueError):
    """A user's file cannot be used; the message is one line: file, line, what is wrong, what to do."""


class DictionaryError(UserFileError):
    """A dictionary file cannot be read; the message names the file and line."""


def echo(value: Any, limit: int = ECHO) -> str:
    """``repr(value)`` cut to ``limit`` characters, saying how long the whole was."""
    if isinstance(value, str) and len(value) > 4 * limit:
        value = value[: 4 * limit]  # never build the repr of a huge string
        text = repr(value)[:limit]
        return f"{text}… (a string of more than {4 * limit} characters)"
    text = repr(value) if not isinstance(value, (dict, list)) or len(value) < 1000 else f"<{type(value).__name__} of {len(value)} items>"
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def fail(path: Path | str, line: int | None, what: str, todo: str, column: int | None = None) -> UserFileError:
    where = f"{path}: line {line}" + (f", column {column}" if column else "") + ": " if line else f"{path}: "
    return UserFileError(f"{where}{what}; {todo}")


def read_text(path: Path, *, todo: str, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The file as UTF-8 text (a BOM is allowed), or a one-line :class:`UserFileError`."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise fail(path, None, f"{size / (1 << 20):.0f} MB, more than the {max_bytes >> 20} MB such a file may be", todo)
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except IsADirectoryError:
        raise fail(path, None, "is a folder, not a file", todo) from None
    except FileNotFoundError:
        raise fail(path, None, "no such file", todo) from None
    if len(data) > max_bytes:
        raise fail(path, None, f"more than the {max_bytes >> 20} MB such a file may be", todo)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise fail(path, line, f"not UTF-8 text (byte 0x{data[e.start]:02x})", "save the file as UTF-8", column) from None


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _too_deep(text: str, max_depth: int) -> int | None:
    """Offset where nesting first passes ``max_depth`` (strings skipped), or None."""
    depth = 0
    for m in _BRACKETS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > max_depth:
                return m.start()
        elif c in "]}":
            depth -= 1
    return None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def load_json(path: Path, *, todo: str, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a user's JSON file within the bounds, or raise a one-line :class:`UserFileError`."""
    text = read_text(path, todo=todo, max_bytes=max_bytes)
    deep = _too_deep(text, max_depth)
    if deep is not None:
        raise fail(path, _line(text, deep), f"nested more than {max_depth} levels deep", todo)
    big: list[str] = []

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            big.append(digits)
            raise ValueError("huge number")
        return int(digits)

    try:
        return json.loads(text, parse_int=parse_int)
    except json.JSONDecodeError as e:
        raise fail(path, e.lineno, e.msg, "fix the JSON or restore it from git", e.colno) from None
    except (ValueError, RecursionError) as e:
        if big:
            at = text.find(big[0])
            raise fail(path, _line(text, at) if at >= 0 else None,
                       f"a number of {len(big[0])} digits ({echo(big[0])})", todo) from None
        raise fail(path, None, f"cannot be read: {type(e).__name__}", todo) from None


def line_of(text: str, where: Sequence[str | int]) -> int | None:
    """Line of the value at JSON path ``where`` (keys and list indexes) in ``text``, if it can be found."""
    dec = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")

    def skip(pos: int) -> int:
        return ws.match(text, pos).end()

    try:
        pos = skip(0)
        if text.startswith("\ufeff"):
            pos = skip(1)
        for step in where:
            if isinstance(step, int):
                if text[pos] != "[":
                    return None
                pos = skip(pos + 1)
                for _ in range(step):
                    _, pos = dec.raw_decode(text, pos)
                    pos = skip(skip(pos) + 1)
            else:
                if text[pos] != "{":
                    return None
                pos = skip(pos + 1)
                while True:
                    key, pos = dec.raw_decode(text, pos)
                    pos = skip(skip(pos) + 1)  # the colon
                    if key == step:
                        break
                    _, pos = dec.raw_decode(text, pos)
                    pos = skip(skip(pos) + 1)  # the comma
        return _line(text, pos)
    except (ValueError, IndexError, RecursionError):
        return None

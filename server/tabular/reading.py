"""Reading a file into numbered rows of cells: UTF-8 CSV (with or without BOM)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from server.widgets import CellError, unescape_formula


def decode(data: bytes | str) -> str:
    """UTF-8 with or without BOM; anything else is refused with a message, not a traceback."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CellError(f"the file is not UTF-8 text (byte {error.start} cannot be read)") from None


def read_csv(data: bytes | str) -> tuple[list[str], Iterable[tuple[int, list]]]:
    """The header and the data rows, numbered as a spreadsheet numbers them (header = row 1)."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    try:
        headers = next(reader)
    except StopIteration:
        return [], []
    except csv.Error as error:
        raise CellError(f"the file is not CSV ({error})") from None
    return headers, _numbered(reader)


def _numbered(reader):
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):  # noqa: B007 - number is used after the loop
            yield number, cells
    except csv.Error as error:
        raise CellError(f"row {number + 1}: the file is not CSV ({error})") from None


def normalise(value):
    """A cell as the widgets expect it: stripped text without the formula escape, or a typed value
    (numbers and dates from XLSX). None and whitespace become "", which means "keep"."""
    if value.__class__ is str:
        value = value.strip()
        return unescape_formula(value) if value[:1] == "'" else value
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_formula(value.strip())
    return value

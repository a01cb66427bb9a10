"""Reading a file into numbered rows of cells, as a stream: UTF-8 CSV (with or without BOM)
and XLSX (openpyxl's read-only mode, refused past XLSX_MAX_UNPACKED bytes unpacked,
XLSX_MAX_ROWS rows or XLSX_MAX_COLUMNS columns, so a zip bomb is refused in seconds).
Memory per file stays that of the file itself plus one row, whatever its size."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from server.widgets import CellError, unescape_formula

XLSX_MAX_UNPACKED = 100 * 1024 * 1024  # bytes of XML a workbook may unpack to
XLSX_MAX_ROWS = 200_000
XLSX_MAX_COLUMNS = 50
XLSX_MAGIC = b"PK\x03\x04"

NOT_UTF8 = "the file is not UTF-8 text"


def open_text(data) -> io.TextIOBase:
    """The file as a stream of text, decoded as it is read (no decoded copy of a 60 MB file):
    bytes, a binary file object, or text. UTF-8 with or without BOM."""
    if isinstance(data, str):
        return io.StringIO(data.removeprefix("\ufeff"), newline="")
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def read_csv(data) -> tuple[list[str], Iterable[tuple[int, list]]]:
    """The header and the data rows, numbered as a spreadsheet numbers them (header = row 1).
    Rows are read lazily: a bad byte or a broken quote is an error naming its row."""
    reader = csv.reader(open_text(data))
    try:
        headers = next(reader)
    except StopIteration:
        return [], []
    except csv.Error as error:
        raise CellError(f"the file is not CSV ({error})") from None
    except UnicodeDecodeError:
        raise CellError(f"row 1: {NOT_UTF8}") from None
    return headers, _numbered(reader)


def is_xlsx(data) -> bool:
    """Workbooks are zip archives; a CSV never starts with the zip signature."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[:4]) == XLSX_MAGIC
    return False


def read_file(data) -> tuple[list, Iterable[tuple[int, list]]]:
    """CSV or XLSX, told apart by content."""
    return read_xlsx(data) if is_xlsx(data) else read_csv(data)


def read_xlsx(data) -> tuple[list, Iterable[tuple[int, list]]]:
    """The first sheet's header and rows, streamed; numbers and dates arrive typed."""
    import openpyxl

    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(stream).infolist())
    except zipfile.BadZipFile:
        raise CellError("the file is not an XLSX workbook") from None
    if unpacked > XLSX_MAX_UNPACKED:
        raise CellError(
            f"the workbook unpacks to {unpacked // 2**20:,} MB, more than the {XLSX_MAX_UNPACKED // 2**20} MB "
            "an import reads: split it, or import it as CSV"
        )
    try:
        sheet = openpyxl.load_workbook(stream, read_only=True, data_only=True).worksheets[0]
        # The sheet's own claim of its size is not trusted (a bomb claims a million columns):
        # rows come as the cells they hold, and are counted here.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        headers = _trimmed(next(rows, ()))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise CellError(f"the file is not an XLSX workbook ({error})") from None
    if len(headers) > XLSX_MAX_COLUMNS:
        raise CellError(f"row 1: more than {XLSX_MAX_COLUMNS} columns")
    return headers, _xlsx_rows(rows)


def _trimmed(row) -> list:
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _xlsx_rows(rows):
    number = 1
    try:
        for number, row in enumerate(rows, start=2):  # noqa: B007 - number is used after the loop
            if number > XLSX_MAX_ROWS + 1:
                raise CellError(f"row {number}: the sheet has more than {XLSX_MAX_ROWS:,} rows: split it")
            if len(row) > XLSX_MAX_COLUMNS:
                row = _trimmed(row)
                if len(row) > XLSX_MAX_COLUMNS:
                    raise CellError(f"row {number}: more than {XLSX_MAX_COLUMNS} columns")
            yield number, list(row)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        if isinstance(error, CellError):
            raise
        raise CellError(f"row {number + 1}: the workbook cannot be read ({error})") from None


def _numbered(reader):
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):  # noqa: B007 - number is used after the loop
            yield number, cells
    except csv.Error as error:
        raise CellError(f"row {number + 1}: the file is not CSV ({error})") from None
    except UnicodeDecodeError:
        raise CellError(f"row {number + 1}: {NOT_UTF8}") from None


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

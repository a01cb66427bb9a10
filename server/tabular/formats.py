"""The admin's import/export file formats, over django-import-export's own.

Import: instead of parsing the upload into a tablib Dataset (every cell of a 60 MB file as a
Python object, gigabytes), `create_dataset` hands the raw bytes on as a `RawFile`, which the
resources pass to server.importing.import_file: the streaming reader with its limits.
Export: CSV starts with a UTF-8 BOM, so Excel shows accents; XLSX keeps numbers and dates
typed (the resources give them as such) on a sheet named after the kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from import_export.formats.base_formats import CSV, JSON, XLSX


@dataclass
class RawFile:
    """An uploaded file, unread: what import_file reads as a stream."""

    data: bytes

    def __bool__(self) -> bool:  # django-import-export refuses a falsy dataset as "no data"
        return True


class CSVFile(CSV):
    def create_dataset(self, in_stream, **kwargs):
        return RawFile(in_stream)

    def get_read_mode(self):
        return "rb"

    def is_binary(self):
        return True

    def export_data(self, dataset, **kwargs):
        return ("\ufeff" + super().export_data(dataset, **kwargs)).encode("utf-8")


class XLSXFile(XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return RawFile(in_stream)


FORMATS = [CSVFile, XLSXFile, JSON]

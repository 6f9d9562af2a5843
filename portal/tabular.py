"""Reading uploaded tables (CSV and XLSX) within limits: every import of the portal
(pupils, thematic plans, the timetable's CSV) reads its file here.

A file under the upload limit can still hold far more than it shows: an XLSX is a zip,
and 554 KB of it unpacked to a sheet of a million rows that took 110 s and 900 MB to
load. So, before anything is built from a file:

1. the upload is at most ``MAX_BYTES``;
2. an XLSX's zip directory is read first: the sizes its parts declare, unpacked, must
   add up to at most ``MAX_UNPACKED``, and no large part may unpack to more than
   ``MAX_RATIO`` times its packed size. ``zipfile`` never gives out more than a part
   declares (and checks its CRC), so the declared sizes bound what is read;
3. the sheet is streamed (openpyxl's ``read_only`` mode, the dimensions the file
   declares ignored; a CSV row by row), and rows and cells are counted while reading:
   the file is refused, with a message in the user's language, at the first row
   beyond the limit, whatever follows.

Cells come back as the file holds them (text, numbers, dates; empty ones as ""), with
the ``'`` that ``portal.exports`` puts before a formula-like text taken off again, so a
file exported by the portal imports as it was. ``tests/portal/test_tabular.py`` refuses
crafted files and checks that every import reads through this module.
"""

import csv
import io
import zipfile

from django import forms
from django.utils.translation import gettext as _

from .exports import FORMULA_STARTS

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 20 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024  # smaller parts may be packed as tightly as they like
MAX_PARTS = 500


class ImportFileError(Exception):
    """The file as a whole cannot be read, or is beyond the limits: nothing is built
    from it, and the message says why."""


class TableFileField(forms.FileField):
    """The file field of every import form: the file dialog offers the kinds the
    import reads, and a file over ``MAX_BYTES`` is refused before it is read."""

    def __init__(self, *, accept=".csv,.xlsx", **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 2 MB."))
        return upload


def decode_csv(content):
    """The text of a CSV file saved by Excel or LibreOffice in Russia: UTF-8 (with or
    without its mark) or Windows-1251."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor Windows-1251."))


def sniff_delimiter(text):
    """``;``, ``,`` or a tab, as the first line uses them."""
    first = text.split("\n", 1)[0] if text else ""
    try:
        return csv.Sniffer().sniff(first, ";,\t").delimiter
    except csv.Error:
        return ","


def read_table(content, filename, *, max_rows, max_columns, header=True):
    """The rows (lists of cells) of a .csv or .xlsx upload, empty rows kept so that the
    numbers are the file's. ``max_rows`` rows with content are allowed (below the
    header when there is one), ``max_columns`` cells with content in a row."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is too large: at most 2 MB."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = xlsx_rows(content)
    elif name.endswith(".csv"):
        text = decode_csv(content)
        rows = csv_rows(text, sniff_delimiter(text))
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    try:
        return counted(rows, max_rows + (1 if header else 0), max_columns,
                       shown_rows=max_rows)
    finally:
        rows.close()


def read_csv(text, *, delimiter, max_rows, max_columns, header=True):
    """The rows of a decoded CSV text, under the same limits as ``read_table``."""
    rows = csv_rows(text, delimiter)
    try:
        return counted(rows, max_rows + (1 if header else 0), max_columns,
                       shown_rows=max_rows)
    finally:
        rows.close()


def csv_rows(text, delimiter):
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # A field of more than 128 KB, an unclosed quote at the end.
            raise ImportFileError(_("Line %(n)s of the CSV file cannot be read.")
                                  % {"n": reader.line_num}) from None
        yield row


def check_zip(content):
    """Refuses an XLSX whose parts would unpack beyond the limits, before any is read."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED:
        raise ImportFileError(_(
            "The workbook is too large once unpacked (more than %(n)s MB). Keep only the "
            "table in it, without pictures or thousands of empty rows.")
            % {"n": MAX_UNPACKED // (1024 * 1024)})
    for part in parts:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * part.compress_size:
            raise ImportFileError(_(
                "The workbook unpacks to more than %(n)s times its size, which a table "
                "does not. Save it again from Excel or LibreOffice.") % {"n": MAX_RATIO})


def xlsx_rows(content):
    import openpyxl

    check_zip(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True,
                                          data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    try:
        # The size a sheet declares is not trusted: a sheet saying A1:XFD1048576 would
        # otherwise be padded out to it.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as error:
                raise ImportFileError(_("The file is not a readable XLSX workbook.")) \
                    from error
            yield row
    finally:
        workbook.close()


def blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_value(cell):
    if cell is None:
        return ""
    if isinstance(cell, str) and cell[:1] == "'" and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def counted(rows, max_rows, max_columns, *, shown_rows):
    """The rows, read one by one and refused at the first beyond the limits: rows with
    content, rows read at all (a million empty ones is a refusal too) and cells."""
    max_lines = 2 * max_rows + 100
    max_cells = max_lines * max_columns
    table, filled, cells = [], 0, 0
    for number, row in enumerate(rows, start=1):
        cells += len(row)
        if number > max_lines or cells > max_cells:
            raise ImportFileError(_(
                "The file has too many rows or columns, empty ones included: at most "
                "%(rows)s rows of %(columns)s columns can be imported at once.")
                % {"rows": shown_rows, "columns": max_columns})
        if len(row) > max_columns:
            if not all(blank(cell) for cell in row[max_columns:]):
                raise ImportFileError(_(
                    "Row %(n)s has more than %(columns)s columns: the file does not "
                    "match the template.") % {"n": number, "columns": max_columns})
            row = row[:max_columns]
        row = [cell_value(cell) for cell in row]
        if not all(blank(cell) for cell in row):
            filled += 1
            if filled > max_rows:
                raise ImportFileError(_("At most %(n)s rows can be imported at once.")
                                      % {"n": shown_rows})
        table.append(row)
    return table

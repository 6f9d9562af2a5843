"""Every CSV and XLSX file the portal writes: the admin listings' exports, Wagtail's own
reports, import templates and samples, and every report to come.

A spreadsheet runs a cell as a formula when its text starts with ``=``, ``+``, ``-`` or
``@`` (and Excel also after a tab or a carriage return): a pupil named
``=HYPERLINK("http://…?"&A2, "…")`` would send the next cells to anyone who opens the
export. So text cells that start with one of those characters get a ``'`` in front, in
CSV and XLSX alike: the one marker that keeps the text inert in Excel, LibreOffice and
Google Sheets, and that stays in the file when an XLSX is saved again as CSV. (A phone
written «+7 914 …» shows as «'+7 914 …»; without it Excel would try to compute it.)

CSV files are written as Excel in Russia reads them on a double click: UTF-8 with a byte
order mark (without it Excel takes the bytes for Windows-1251) and ``;`` between cells
(the list separator of the Russian locale, where ``,`` is the decimal mark; a file
separated by commas opens as one column). The portal's importers read both separators.
XLSX cells of text are written as text, never as formulas, without the control
characters XLSX cannot hold; numbers and dates stay numbers and dates.

``csv_response`` and ``xlsx_response`` write files from rows; ``SpreadsheetExport`` is
the same for Wagtail's listing views (``ScopedIndexView`` uses it) and
``install_in_wagtail`` puts it under Wagtail's own reports and form submissions, which
offer no other way in. ``tests/portal/test_exports.py`` exports every registered admin
listing with ``list_export``, and fails when a module other than this one writes CSV or
XLSX.
"""

import csv
import datetime
import decimal
import re
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
CSV_DELIMITER = ";"
BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE = "DD.MM.YYYY"
XLSX_DATETIME = "DD.MM.YYYY HH:MM"


def escape(value):
    """A text that a spreadsheet would take for a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file whose write() gives the line back, for streaming csv.writer's output."""

    def write(self, value):
        return value


def csv_lines(rows):
    """The text of a CSV file, line by line."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    yield BOM
    for row in rows:
        yield writer.writerow([escape(cell) for cell in row])


def csv_response(rows, filename):
    """A CSV download of ``rows`` (the first one is the header), streamed."""
    response = StreamingHttpResponse(csv_lines(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
    return response


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATETIME
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATE
        return cell
    if value is None or isinstance(value, (bool, int, float, decimal.Decimal)):
        return WriteOnlyCell(sheet, value)
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", escape(str(value))))
    cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
    return cell


# What a sheet's name may not hold (Excel's rule, which openpyxl enforces): a report
# titled «Классы 5/6: итоги» by its user is still a file.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


def sheet_title(title):
    """``title`` as a sheet's name: at most 31 characters, none of ``\\ * ? : / [ ]``,
    no apostrophe at either end, never empty."""
    title = SHEET_TITLE_FORBIDDEN.sub("-", str(title))[:31].strip().strip("'")
    return title or "Sheet1"


def xlsx_bytes(rows, title="Sheet1"):
    """An XLSX workbook of one sheet holding ``rows``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_response(rows, filename, title="Sheet1"):
    response = HttpResponse(xlsx_bytes(rows, title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
    return response


class SpreadsheetExport:
    """Wagtail's ``SpreadsheetExportMixin`` (every admin listing's «Download CSV /
    XLSX», its reports) writing through this module. The rows are Wagtail's own: the
    view's ``list_export``, headings and value preprocessing."""

    def export_rows(self, queryset, export_format):
        yield [self.get_heading(queryset, field) for field in self.list_export]
        for item in queryset:
            yield [self.preprocess_field_value(field, value, export_format)
                   for field, value in self.to_row_dict(item).items()]

    def write_csv_response(self, queryset):
        return csv_response(self.export_rows(queryset, self.FORMAT_CSV), self.get_filename())

    def write_xlsx_response(self, queryset):
        return xlsx_response(self.export_rows(queryset, self.FORMAT_XLSX), self.get_filename())


def install_in_wagtail():
    """Wagtail's reports (site history, locked and aging pages, workflows) and form
    submissions inherit ``SpreadsheetExportMixin`` directly and have no setting for
    their writer: its two response methods are replaced by this module's. Called once
    at start-up (``PortalConfig.ready``)."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    for name in ("export_rows", "write_csv_response", "write_xlsx_response"):
        setattr(SpreadsheetExportMixin, name, getattr(SpreadsheetExport, name))

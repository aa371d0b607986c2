"""The pack's tables as an Excel workbook for finance teams: a contents sheet, then one
sheet per table with its title, units and price year above typed, formatted columns.

Numbers stay numbers with a number format (GBP m to two decimals, counts with thousands
separators, shares as percentages); years are financial-year labels (``2026/27``), never
numbers; where a number is undefined the cell holds words (``never a net cost``, ``n/a``).
Every sheet prints A4 landscape, one page wide, with the header row repeated on each page.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sim.report.content import Pack
from sim.report.tables import Table

HEAD_FILL = PatternFill("solid", fgColor="E8EDEE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13, color="005EB8")
WORDS = Font(italic=True, color="595959")  # a word where a number is undefined
HEADER_ROW = 4  # title, note, blank, then the header
MAX_WIDTH = 60  # characters; longer text wraps


def _value(v):
    """A cell value: Python scalars, NaN and infinity as None."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def header_format(header: str) -> str | None:
    """The number format a column's header implies (units in the header), or None."""
    h = header.lower()
    if "gbp m" in h:
        return "#,##0.00"
    if "gbp" in h:
        return "#,##0"
    if "share" in h or "%" in h or "chance" in h:
        return "0%"
    if "rho" in h or "ratio" in h or "per 1,000" in h:
        return "0.00"
    return None


def _column_format(values: list) -> str:
    """One format for a column of like numbers: whole numbers, or two decimals for small."""
    nums = [abs(v) for v in values if _is_number(v)]
    if not nums or all(float(v).is_integer() for v in nums) or float(np.median(nums)) >= 100:
        return "#,##0"
    return "#,##0.00"


def _cell_format(v) -> str:
    """A format for one number among numbers of different units: whole numbers for large or
    whole values, else two to four decimals (``0.02``, ``0.005``, ``-9.05``).
    """
    if not _is_number(v) or float(v).is_integer() or abs(v) >= 100:
        return "#,##0"
    return "#,##0.00##"


def _formats(t: Table) -> list[list[str | None]]:
    """The number format of each data cell (rows x columns)."""
    df = t.data
    mixed = any(str(c).lower() in ("units", "unit") for c in df.columns)
    cols = []
    for col in df.columns:
        values = [_value(v) for v in df[col]]
        fmt = t.formats.get(str(col)) or header_format(str(col))
        if fmt is None and not mixed:
            fmt = _column_format(values)
        cols.append([fmt or _cell_format(v) for v in values])
    out = [list(r) for r in zip(*cols, strict=True)] if cols else []
    stats = [j for j, c in enumerate(df.columns) if re.fullmatch(r"P\d0", str(c))]
    for i, row_fmt in enumerate(t.row_formats):
        for j in stats:
            if row_fmt:
                out[i][j] = row_fmt
    return out


def _print_setup(ws: Worksheet, last_row: int, last_col: int, title_rows: str | None) -> None:
    """A4 landscape, one page wide (as many pages tall as needed), header rows repeated."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as the rows need
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_area = f"A1:{get_column_letter(max(last_col, 1))}{max(last_row, 1)}"
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "page &P of &N"


def _contents(wb: Workbook, pack: Pack, provenance: list[tuple[str, str]]) -> None:
    ws = wb.active
    ws.title = "Contents"
    ws["A1"] = pack.title
    ws["A1"].font = TITLE
    ws["A2"] = pack.subtitle
    ws["A3"] = pack.footer
    row = 5
    for k, v in provenance:
        ws.cell(row, 1, k).font = BOLD
        ws.cell(row, 2, v).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    ws.cell(row, 1, "Sheet").font = BOLD
    ws.cell(row, 2, "Table").font = BOLD
    for t in pack.tables:
        row += 1
        ws.cell(row, 1, t.key[:31])
        ws.cell(row, 2, t.title)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
    _print_setup(ws, row, 2, None)


def _table_sheet(wb: Workbook, t: Table, footer: str) -> None:
    sh = wb.create_sheet(t.key[:31])
    sh["A1"] = t.title
    sh["A1"].font = TITLE
    sh["A2"] = t.note or footer
    df = t.data
    for j, col in enumerate(df.columns, start=1):
        c = sh.cell(HEADER_ROW, j, str(col))
        c.font = BOLD
        c.fill = HEAD_FILL
        c.alignment = Alignment(wrap_text=True, vertical="bottom")
    formats = _formats(t)
    widths = [max(10, min(len(str(col)) // 2 + 2, MAX_WIDTH)) for col in df.columns]
    for i, r in enumerate(df.itertuples(index=False)):
        for j, v in enumerate(r):
            v = _value(v)
            c = sh.cell(HEADER_ROW + 1 + i, j + 1, "n/a" if v is None else v)
            if v is None:
                c.font = WORDS
                c.alignment = Alignment(horizontal="right")
            elif _is_number(v):
                c.number_format = formats[i][j]
            else:
                text = str(v)
                if len(text) > MAX_WIDTH:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
                if i < 200:
                    widths[j] = max(widths[j], min(len(text) + 2, MAX_WIDTH))
            if _is_number(v) and i < 200:
                widths[j] = max(widths[j], 12)
    for j, w in enumerate(widths, start=1):
        sh.column_dimensions[get_column_letter(j)].width = w
    sh.row_dimensions[HEADER_ROW].height = 32
    sh.freeze_panes = f"A{HEADER_ROW + 1}"
    last_col = get_column_letter(max(len(df.columns), 1))
    sh.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{HEADER_ROW + len(df)}"
    _print_setup(sh, HEADER_ROW + len(df), len(df.columns), f"{HEADER_ROW}:{HEADER_ROW}")


def render_xlsx(pack: Pack, provenance: list[tuple[str, str]]) -> bytes:
    """Every table of ``pack`` in one workbook (bytes)."""
    wb = Workbook()
    _contents(wb, pack, provenance)
    for t in pack.tables:
        _table_sheet(wb, t, pack.footer)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""The pack's tables as an Excel workbook for finance teams: a contents sheet, then one
sheet per table with its title, units and price year above numeric columns.
"""

from __future__ import annotations

import io
import math

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sim.report.content import Pack

HEAD_FILL = PatternFill("solid", fgColor="E8EDEE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13, color="005EB8")


def _value(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def _format(header: str) -> str | None:
    h = header.lower()
    if "gbp m" in h:
        return "#,##0.00"
    if "gbp" in h:
        return "#,##0"
    if "rho" in h or "ratio" in h or "per 1,000" in h:
        return "0.00"
    return None


def render_xlsx(pack: Pack, provenance: list[tuple[str, str]]) -> bytes:
    """Every table of ``pack`` in one workbook (bytes)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Contents"
    ws["A1"] = pack.title
    ws["A1"].font = TITLE
    ws["A2"] = pack.subtitle
    ws["A3"] = pack.footer
    row = 5
    for k, v in provenance:
        ws.cell(row, 1, k).font = BOLD
        ws.cell(row, 2, v)
        row += 1
    row += 1
    ws.cell(row, 1, "Sheet").font = BOLD
    ws.cell(row, 2, "Table").font = BOLD
    for t in pack.tables:
        row += 1
        ws.cell(row, 1, t.key[:31])
        ws.cell(row, 2, t.title)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 110

    for t in pack.tables:
        sh = wb.create_sheet(t.key[:31])
        sh["A1"] = t.title
        sh["A1"].font = TITLE
        sh["A2"] = t.note or pack.footer
        sh["A2"].alignment = Alignment(wrap_text=False)
        df = t.data
        for j, col in enumerate(df.columns, start=1):
            c = sh.cell(4, j, str(col))
            c.font = BOLD
            c.fill = HEAD_FILL
            c.alignment = Alignment(wrap_text=True, vertical="bottom")
        fmts = [_format(str(c)) for c in df.columns]
        for i, r in enumerate(df.itertuples(index=False), start=5):
            for j, v in enumerate(r, start=1):
                c = sh.cell(i, j, _value(v))
                if fmts[j - 1] and isinstance(c.value, int | float):
                    c.number_format = fmts[j - 1]
                elif isinstance(c.value, float):
                    c.number_format = "#,##0.00" if abs(c.value) < 1000 else "#,##0"
        for j, col in enumerate(df.columns, start=1):
            longest = max(
                [len(str(col)) // 2 + 2]
                + [min(len(str(v)), 60) for v in df.iloc[:, j - 1].head(200)]
            )
            sh.column_dimensions[get_column_letter(j)].width = max(10, min(longest + 2, 62))
        sh.row_dimensions[4].height = 32
        sh.freeze_panes = "A5"
        sh.auto_filter.ref = f"A4:{get_column_letter(max(len(df.columns), 1))}{4 + len(df)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

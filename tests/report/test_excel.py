"""The Excel workbook read back with openpyxl: years are financial-year labels (never numbers
like 2,025), shares are percentages, undefined values are words, and every sheet prints A4
landscape one page wide with its header row repeated."""

from __future__ import annotations

import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr

from sim.report.content import Pack
from sim.report.excel import render_xlsx
from sim.report.stats import option_labels
from sim.report.tables import Table, draws_table, options_money_table

pytestmark = pytest.mark.xdist_group("report_pack")  # made once on one worker

FY = re.compile(r"\d{4}/\d{2}")
PAYBACK_WORDS = {"never a net cost", "beyond horizon"}


@pytest.fixture(scope="module")
def wb(pack_dir):
    return openpyxl.load_workbook(pack_dir / "appraisal.xlsx")


def _rows(ws, header_row: int = 4) -> tuple[list[str], list[list]]:
    header = [c.value for c in ws[header_row]]
    rows = [list(r) for r in ws.iter_rows(min_row=header_row + 1)]
    return header, rows


def _workbook(table: Table) -> openpyxl.Workbook:
    pack = Pack("title", "subtitle", [], [table], "footer")
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(pack, [("Run", "test")])))


def _expected_payback(years: list[str], index: float) -> str:
    """An independent reading of a payback index: -inf never costs, inf beyond the horizon."""
    if index == -np.inf:
        return "never a net cost"
    if not np.isfinite(index):
        return "beyond horizon"
    return years[int(index)]


def test_payback_is_a_financial_year_or_words(wb, result):
    """Payback cells hold '2026/27'-style labels or words, matching each option's median."""
    a = result.appraisal
    labels = option_labels(a)
    years = [str(y) for y in a["financial_year"].values]
    header, rows = _rows(wb["Options - money"])
    m, o, p50 = header.index("Measure"), header.index("Option"), header.index("P50")
    for view in ("cash", "economic"):
        label = f"Payback year (discounted), {view} view"
        payback = {r[o].value: r for r in rows if r[m].value == label}
        assert set(payback) == set(labels.values())
        for opt in a["option"].values:
            ranked = np.sort(a["payback_year"].sel(option=opt, view=view).values)
            median = ranked[int(np.round(0.5 * (ranked.size - 1)))]  # "nearest" percentile
            cell = payback[labels[str(opt)]][p50]
            assert cell.value == _expected_payback(years, median)
            assert isinstance(cell.value, str)
        for r in payback.values():
            for c in r[header.index("P10") : header.index("P90") + 1]:
                assert FY.fullmatch(c.value) or c.value in PAYBACK_WORDS, c.value


def test_draws_sheet_payback_and_ratio(wb, result):
    """Every draw's payback is a label; its ratio a number or words, never a blank."""
    a = result.appraisal
    years = [str(y) for y in a["financial_year"].values]
    header, rows = _rows(wb["Draws"])
    pb = header.index("Payback year, cash (financial year)")
    bcr = header.index("Benefit-cost ratio, cash")
    labels = {v: k for k, v in option_labels(a).items()}
    assert len(rows) == a.sizes["option"] * a.sizes["draw"]
    for r in rows:
        opt, draw = labels[r[0].value], r[1].value
        index = float(a["payback_year"].sel(option=opt, draw=draw, view="cash"))
        assert r[pb].value == _expected_payback(years, index)
        ratio = float(a["bcr"].sel(option=opt, draw=draw, view="cash"))
        if np.isfinite(ratio):
            assert r[bcr].value == pytest.approx(ratio) and r[bcr].number_format == "0.00"
        else:
            assert r[bcr].value == "n/a (no costs)"


def test_no_year_is_stored_as_a_number(wb):
    """No sheet holds a number in a year's range (1990-2100) in a column about years."""
    for ws in wb.worksheets[1:]:
        header, rows = _rows(ws)
        low = [str(h).lower() for h in header]
        year_cols = [
            j for j, h in enumerate(low) if "year" in h and "years)" not in h and "a year" not in h
        ]
        for r in rows:
            for j in year_cols:
                v = r[j].value
                assert not (isinstance(v, int | float) and 1990 <= v <= 2100), (ws.title, v)


def test_chance_of_positive_npv_is_a_percentage(wb, result):
    """P(NPV > 0) is the share of draws, stored as a number in a percent format."""
    a = result.appraisal
    labels = option_labels(a)
    header, rows = _rows(wb["Options - money"])
    m, o, p50 = header.index("Measure"), header.index("Option"), header.index("P50")
    for view in ("cash", "economic"):
        chance = [r for r in rows if r[m].value == f"Chance that NPV > 0, {view} view"]
        assert len(chance) == a.sizes["option"]
        for r in chance:
            opt = next(k for k, v in labels.items() if v == r[o].value)
            share = float((a["npv"].sel(option=opt, view=view) > 0).mean())
            assert r[p50].value == pytest.approx(share)
            assert r[p50].number_format == "0%"


def test_money_and_counts_are_numbers_with_formats(wb):
    """GBP m to two decimals, counts with separators: stored as numbers, not text."""
    header, rows = _rows(wb["Options - money"])
    m, p50 = header.index("Measure"), header.index("P50")
    npv = [r[p50] for r in rows if str(r[m].value).startswith("Net present value")]
    assert npv and all(isinstance(c.value, float) and c.number_format == "#,##0.00" for c in npv)
    header, rows = _rows(wb["Options - activity"])
    adm = [r[header.index("P50")] for r in rows if r[0].value == "Emergency admissions"]
    assert adm and all(c.number_format == "#,##0" for c in adm)


def test_words_where_a_number_is_undefined():
    """A NaN in a table is written as 'n/a' (text), and 'never a net cost' as itself."""
    df = pd.DataFrame(
        {
            "Option": ["A", "B"],
            "Benefit-cost ratio": [1.5, np.nan],
            "Payback year": ["never a net cost", "2027/28"],
        }
    )
    ws = _workbook(Table("T", "A table", df))["T"]
    assert [c.value for c in ws[5]] == ["A", 1.5, "never a net cost"]
    assert [c.value for c in ws[6]] == ["B", "n/a", "2027/28"]


def test_payback_never_a_net_cost_from_the_appraisal(result):
    """An option whose every draw never costs shows 'never a net cost' in each percentile."""
    a = result.appraisal.copy()
    a["payback_year"] = xr.full_like(a["payback_year"], -np.inf)  # every draw: never a net cost
    t = options_money_table(a, option_labels(a))
    ws = _workbook(t)["Options - money"]
    header, rows = _rows(ws)
    m = header.index("Measure")
    cells = [
        c.value
        for r in rows
        if str(r[m].value).startswith("Payback")
        for c in r[header.index("P10") : header.index("P90") + 1]
    ]
    assert cells and set(cells) == {"never a net cost"}
    d = draws_table(a, option_labels(a)).data
    assert set(d["Payback year, cash (financial year)"]) == {"never a net cost"}


def test_every_sheet_prints_one_page_wide(wb):
    """A4 landscape, fit to one page wide and any number tall, header row repeated, the print
    area covering the table."""
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
        last = area.split(":")[-1].replace("$", "")
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", last).groups()
        assert int(row) == ws.max_row, ws.title
        assert openpyxl.utils.column_index_from_string(col) == ws.max_column, ws.title
        if ws.title != "Contents":
            assert ws.print_title_rows == "$4:$4", ws.title

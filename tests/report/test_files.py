"""The board pack's files: the PDF opens with the expected pages, the HTML is self-contained,
the workbook opens with the expected sheets, and no partial files are left behind."""

from __future__ import annotations

import re

import openpyxl
import pytest
from pypdf import PdfReader

from .expected import SECTIONS, STRESS

pytestmark = pytest.mark.xdist_group("report_pack")  # made once on one worker


@pytest.fixture(scope="module")
def pdf_text(pack_dir):
    reader = PdfReader(pack_dir / "board_pack.pdf")
    return [page.extract_text() for page in reader.pages]


def test_pack_files_written_without_partials(pack_dir):
    """The four files exist, are not empty, and no temporary file is left."""
    for name in ("board_pack.html", "board_pack.pdf", "board_pack.docx", "appraisal.xlsx"):
        assert (pack_dir / name).stat().st_size > 1000, name
    assert not [p.name for p in pack_dir.iterdir() if p.name.startswith(".")]


def test_pdf_opens_with_expected_pages(pack_dir, pdf_text):
    """PDF metadata, A4 landscape pages, and every section in order."""
    reader = PdfReader(pack_dir / "board_pack.pdf")
    assert reader.metadata.title.startswith("Options appraisal")
    assert len(reader.pages) >= 15
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(w), round(h)) == (842, 595), "A4 landscape in points"
    title = reader.metadata.title
    heads = [next((ln for ln in t.splitlines() if ln.startswith(title)), "") for t in pdf_text]
    sections = []
    for h in heads:
        name = next((s for s in SECTIONS if h.endswith(" " + s)), None)
        assert name, f"page header without a section: {h!r}"
        if not sections or sections[-1] != name:
            sections.append(name)
    assert sections == SECTIONS
    text = "\n".join(pdf_text)
    for s in STRESS:
        assert s in text, s
    for table in (
        "Money",
        "Activity, beds and equity",
        "Who pays and who saves",
        "Scenario effects and their evidence",
        "Unit costs",
        "Uncertain inputs",
    ):
        assert table in text, table
    assert all(f"page {i + 1}" in t for i, t in enumerate(pdf_text)), "page numbers"


def test_pdf_numbers_are_formatted(pdf_text):
    """Money in GBP m at the stated price year, no raw nan/inf, P10-P90 ranges shown."""
    text = "\n".join(pdf_text)
    assert "2024/25 prices" in text
    assert re.search(r"-?£[\d,]+\.\dm", text), "money as £x.xm"
    assert re.search(r"\(-?£[\d,.]+m to -?£[\d,.]+m\)", text), "P10 to P90 ranges"
    assert not re.search(r"\bnan\b|\binf\b", text, flags=re.IGNORECASE)
    assert "EVIDENCE" in text


def test_html_is_self_contained(pack_dir):
    """No network references: images are data URIs, CSS inline, no scripts or links."""
    html = (pack_dir / "board_pack.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//|ftp:)""", html, re.I)
    assert not re.search(r"url\(|@import|<link\b|<script\b|<iframe\b", html, re.I)
    images = re.findall(r"<img [^>]*src=\"([^\"]+)\"", html)
    assert len(images) == 10 and all(i.startswith("data:image/png;base64,") for i in images)
    for s in SECTIONS:
        assert f">{s}</h2>" in html, s


def test_workbook_opens_with_expected_sheets(pack_dir):
    """One sheet per table, headers with units and price year, numbers stored as numbers."""
    wb = openpyxl.load_workbook(pack_dir / "appraisal.xlsx", read_only=True)
    expected = {
        "Contents",
        "Options - money",
        "Switching values",
        "Options - activity",
        "Who pays and saves",
        "Money by year",
        "Cash by organisation",
        "Activity by year",
        "Equity",
        "Sensitivity",
        "Options",
        "Effects",
        "Investments and contracts",
        "Appraisal settings",
        "Unit costs",
        "Uncertain inputs",
        "Place",
        "Draws",
    }
    assert expected <= set(wb.sheetnames)
    ws = wb["Who pays and saves"]
    header = [c.value for c in next(ws.iter_rows(min_row=4, max_row=4))]
    assert "P50 (GBP m, 2024/25 prices)" in header
    row = [c.value for c in next(ws.iter_rows(min_row=5, max_row=5))]
    assert isinstance(row[header.index("P50 (GBP m, 2024/25 prices)")], float)
    money = wb["Options - money"]
    units = [r[1].value for r in money.iter_rows(min_row=5) if r[1].value]
    assert any("2024/25" in u for u in units)

"""The editable Word report: it opens with python-docx, has the pack's sections as Word
headings, holds the options table with the same cells as the PDF and HTML, repeats table
header rows on each page (and never splits a row), carries the charts, and is A4 landscape."""

from __future__ import annotations

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm

from sim.report.content import TableBlock, build_pack
from sim.report.stats import option_labels
from sim.report.tables import options_money_table

from .expected import SECTIONS

pytestmark = pytest.mark.xdist_group("report_pack")  # made once on one worker


@pytest.fixture(scope="module")
def document(pack_dir):
    return docx.Document(str(pack_dir / "board_pack.docx"))


def _cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_word_report_has_the_sections(document):
    """Title, then the sections in order as Heading 1 (Word's navigation pane lists them)."""
    heads = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert heads == SECTIONS
    assert document.paragraphs[0].style.name == "Title"
    assert document.core_properties.title.startswith("Options appraisal")


def test_word_report_holds_the_options_table(document, result):
    """The options money table: header Measure, Units, one column per option; its NPV row
    shows each option's median NPV exactly as the PDF does."""
    a = result.appraisal
    labels = option_labels(a)
    want = options_money_table(a, labels).display
    header = ["Measure", "Units", *labels.values()]
    found = [
        t
        for t in document.tables
        if _cells(t)[0] == header and _cells(t)[1][0] == "Investment paid (total)"
    ]
    assert len(found) == 1
    rows = _cells(found[0])
    assert rows[1:] == [[str(v) for v in r] for r in want.itertuples(index=False)]
    for view in ("cash", "economic"):
        npv = next(r for r in rows if r[0].startswith(f"Net present value, {view} view"))
        for o, label in labels.items():
            median = float(a["npv"].sel(option=o, view=view).median()) / 1e6
            shown = npv[header.index(label)].split("\n")[0]
            assert shown == (f"-£{abs(median):,.1f}m" if median < 0 else f"£{median:,.1f}m")


def test_every_pack_table_is_in_the_word_report(document, result):
    """Each table the PDF shows is a Word table with its header row repeated on each page."""
    pack = build_pack(result)
    shown = [b.table for b in pack.blocks if isinstance(b, TableBlock)]
    headers = [_cells(t)[0] for t in document.tables]
    for t in shown:
        assert [str(c) for c in t.display.columns] in headers, t.title
    for t in document.tables[1:]:  # the first is the cover's facts
        tr_pr = t.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in t.rows)


def test_word_report_has_the_charts_and_is_landscape(document, result):
    """One picture per chart of the pack, on A4 landscape pages."""
    from sim.report.content import Chart

    charts = [b for b in build_pack(result).blocks if isinstance(b, Chart)]
    assert len(document.inline_shapes) == len(charts) == 10
    s = document.sections[0]
    assert s.orientation == WD_ORIENT.LANDSCAPE
    assert abs(s.page_width - Cm(29.7)) < Cm(0.1) and abs(s.page_height - Cm(21.0)) < Cm(0.1)

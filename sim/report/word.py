"""The board pack as an editable Word document (python-docx): the same blocks as the HTML and
PDF, in Word's own styles (Title, Heading 1 and 2, List Bullet, captions), tables as Word
tables with the header row repeated on each page, charts as pictures, A4 landscape.

Board papers are usually Word documents: a strategy team edits the words around the model's
numbers; the numbers themselves come from the same :class:`~sim.report.content.Pack` as the
PDF and the workbook.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as WordTable

from sim.report.content import Bullets, Chart, Facts, Heading, Pack, Paragraph, TableBlock

NHS_BLUE = RGBColor(0x00, 0x5E, 0xB8)
GREY = RGBColor(0x42, 0x55, 0x63)
PAGE_W, PAGE_H, MARGIN = Cm(29.7), Cm(21.0), Cm(1.6)  # A4 landscape
TABLE_PT = 8.0
FONT = "Arial"


def _landscape(doc) -> None:
    s = doc.sections[0]
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = PAGE_W, PAGE_H
    s.left_margin = s.right_margin = s.top_margin = s.bottom_margin = MARGIN


def _field(paragraph, instruction: str) -> None:
    """A Word field (e.g. ``PAGE``) in ``paragraph``; Word computes it when the file opens."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _footer(doc, text: str) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    run = p.add_run(f"{text}    page ")
    run.font.size = Pt(8)
    run.font.color.rgb = GREY
    _field(p, "PAGE")


def _row_flag(row, flag: str) -> None:
    """Set a row property: ``tblHeader`` (Word repeats the row at the top of each page) or
    ``cantSplit`` (the row is never broken across pages).
    """
    el = OxmlElement(f"w:{flag}")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _write_cell(cell, text: str, bold: bool = False) -> None:
    """A cell's first line as it is, further lines (the P10-P90 range) smaller and grey."""
    lines = str(text).split("\n")
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    for k, line in enumerate(lines):
        if k:
            p = cell.add_paragraph()
            p.paragraph_format.space_after = Pt(0)
        run = p.add_run(line)
        run.font.size = Pt(TABLE_PT if k == 0 else TABLE_PT - 1)
        run.bold = bold and k == 0
        if k:
            run.font.color.rgb = GREY


def _widths(doc, table: WordTable, rel: list[float]) -> None:
    usable = PAGE_W - 2 * MARGIN
    table.autofit = False
    for j, col in enumerate(table.columns):
        w = int(usable * rel[j] / sum(rel))
        col.width = w
        for cell in col.cells:
            cell.width = w


def _table(doc, b: TableBlock) -> None:
    t = b.table
    df = t.display
    title = doc.add_paragraph(t.title, style="Heading 3")
    title.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=len(df.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, col in zip(table.rows[0].cells, df.columns, strict=True):
        _write_cell(cell, str(col), bold=True)
        _shade(cell, "E8EDEE")
    _row_flag(table.rows[0], "tblHeader")
    _row_flag(table.rows[0], "cantSplit")
    for r in df.itertuples(index=False):
        row = table.add_row()
        _row_flag(row, "cantSplit")
        cells = row.cells
        for j, (cell, v) in enumerate(zip(cells, r, strict=True)):
            _write_cell(cell, str(v), bold=j == 0)
    rel = t.widths if len(t.widths) == len(df.columns) else [1.0] * len(df.columns)
    _widths(doc, table, rel)
    if t.note:
        _small(doc, t.note)


def _small(doc, text: str) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(8.5)
    run.font.color.rgb = GREY


def _facts(doc, b: Facts) -> None:
    table = doc.add_table(rows=0, cols=2)
    for k, v in b.rows:
        cells = table.add_row().cells
        _write_cell(cells[0], k, bold=True)
        _write_cell(cells[1], v)
    _widths(doc, table, [1.0, 4.0])


def _chart(doc, b: Chart, png: bytes) -> None:
    doc.add_picture(io.BytesIO(png), width=PAGE_W - 2 * MARGIN - Cm(2))
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph(b.caption, style="Caption")


def render_docx(pack: Pack, images: dict[str, bytes]) -> bytes:
    """The whole pack as a Word document (bytes).

    Args:
        pack: the pack's content (:func:`sim.report.content.build_pack`).
        images: each chart's PNG by its key (:func:`sim.report.content.chart_png`).
    """
    doc = Document()
    _landscape(doc)
    doc.core_properties.title = pack.title
    doc.core_properties.subject = pack.subtitle
    doc.core_properties.author = "sim (care-shift simulator)"
    doc.styles["Normal"].font.size = Pt(10.5)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        doc.styles[name].font.name = FONT  # NHS identity: Arial where Frutiger is not installed
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].font.color.rgb = NHS_BLUE
    caption = doc.styles["Caption"].font
    caption.size, caption.bold, caption.italic, caption.color.rgb = Pt(9), False, False, GREY
    doc.add_paragraph(pack.title, style="Title")
    stamp = datetime.now(UTC).strftime("%d %B %Y")
    doc.add_paragraph(f"{pack.subtitle}. Prepared {stamp} with the sim care-shift simulator.")
    _footer(doc, pack.footer)
    first = True
    for b in pack.blocks:
        if isinstance(b, Heading):
            if b.level == 1 and not first:
                doc.add_page_break()
            first = False
            doc.add_heading(b.text, level=b.level)
        elif isinstance(b, Paragraph):
            if b.small:
                _small(doc, b.text)
            else:
                doc.add_paragraph(b.text)
        elif isinstance(b, Bullets):
            for item in b.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(b, Facts):
            _facts(doc, b)
        elif isinstance(b, TableBlock):
            _table(doc, b)
        elif isinstance(b, Chart):
            _chart(doc, b, images[b.key])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

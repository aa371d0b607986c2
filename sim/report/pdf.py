"""The board pack as a PDF (A4 landscape), drawn with matplotlib: text pages with wrapped
paragraphs and tables that flow over pages (repeating their header row), and one chart a page.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.report.content import Bullets, Chart, Facts, Heading, Pack, Paragraph, TableBlock

PAGE = (11.69, 8.27)  # A4 landscape, inches
MARGIN_X, TOP, BOTTOM = 0.6, 0.75, 0.55
CHAR_EM = 0.56  # mean character width of DejaVu Sans, in ems (a little generous)
NHS_BLUE, DARK = "#005eb8", "#1d2731"


def _chars(width_in: float, size_pt: float, bold: bool = False) -> int:
    """How many characters fit in ``width_in`` inches at ``size_pt``."""
    em = CHAR_EM * (1.12 if bold else 1.0)
    return max(8, int(width_in * 72 / (size_pt * em)))


SEPARATORS = "_./-=,:;\\"  # an identifier may break after one of these, never elsewhere


def _atoms(word: str) -> list[str]:
    """A word cut after each separator: ``acute.p1_wait`` -> ``acute.``, ``p1_``, ``wait``."""
    return [a for a in re.split(rf"(?<=[{re.escape(SEPARATORS)}])", word) if a]


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, broken at spaces; a word longer than a line
    (an identifier such as ``reablement_place_day``) breaks after its separators, never
    inside a name part (only a part longer than a whole line is cut).
    """
    out: list[str] = []
    for part in str(text).split("\n"):
        line = ""
        for word in part.split():
            if not line:
                pieces, line = _atoms(word) if len(word) > width else [word], ""
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
                continue
            elif len(word) <= width:
                out.append(line)
                line = word
                continue
            else:
                pieces, line = _atoms(word), line + " "
            for atom in pieces:
                while len(atom) > width:  # no separator to break at: cut, the last resort
                    if line.strip():
                        out.append(line.rstrip())
                    out.append(atom[:width])
                    atom, line = atom[width:], ""
                if len(line) + len(atom) <= width:
                    line += atom
                else:
                    out.append(line.rstrip())
                    line = atom
        out.append(line.rstrip())
    return out


def column_widths(df, rel: list[float], total: float, size: float, pad: float) -> list[float]:
    """Column widths (inches) in proportion to ``rel``, widened where needed so that the
    longest unbreakable part of any cell (a word, or a name part of an identifier) fits on a
    line; the widening is taken from the columns with room to spare.
    """
    widths = [total * r / sum(rel) for r in rel]
    em = CHAR_EM * 1.12 * size / 72  # inches a (bold) character takes
    need = []
    for j, col in enumerate(df.columns):
        words = [w for v in [col, *df.iloc[:, j]] for w in str(v).split()]
        longest = max((len(a) for w in words for a in _atoms(w)), default=1)
        need.append(min(longest * em + 2 * pad + 0.01, 0.45 * total))
    short = sum(max(n - w, 0.0) for n, w in zip(need, widths, strict=True))
    spare = sum(max(w - n, 0.0) for n, w in zip(need, widths, strict=True))
    if short <= 0 or spare <= 0:
        return widths
    take = min(short, spare) / spare
    return [n if n > w else w - (w - n) * take for n, w in zip(need, widths, strict=True)]


class PdfBuilder:
    """Lays out blocks on A4 landscape pages."""

    def __init__(self, pdf: PdfPages, pack: Pack) -> None:
        self.pdf, self.pack = pdf, pack
        self.fig: Figure | None = None
        self.y = TOP
        self.page = 0
        self.section = ""
        self.pending = ""  # a section heading waiting for its first block
        self.has_inline = False  # the current page holds an inline chart
        self.width = PAGE[0] - 2 * MARGIN_X
        self.outline: list[tuple[int, str, int]] = []  # (level, heading, page index from 0)

    # -- pages -------------------------------------------------------------------------------
    def _chrome(self, fig: Figure) -> None:
        self.page += 1
        w, h = PAGE
        fig.text(
            MARGIN_X / w, 1 - 0.35 / h, self.pack.title, fontsize=8.5, color="0.35", va="center"
        )
        fig.text(
            1 - MARGIN_X / w,
            1 - 0.35 / h,
            self.section,
            fontsize=8.5,
            color="0.35",
            va="center",
            ha="right",
        )
        fig.add_artist(
            Rectangle(
                (MARGIN_X / w, 1 - 0.47 / h),
                self.width / w,
                0.02 / h,
                transform=fig.transFigure,
                color=NHS_BLUE,
                lw=0,
            )
        )
        fig.text(MARGIN_X / w, 0.3 / h, self.pack.footer, fontsize=7.5, color="0.4")
        fig.text(
            1 - MARGIN_X / w, 0.3 / h, f"page {self.page}", fontsize=8, color="0.4", ha="right"
        )

    def new_page(self) -> None:
        """Finish the current page and start a blank one."""
        self.flush()
        self.fig = Figure(figsize=PAGE)
        self.has_inline = False
        self._chrome(self.fig)
        self.y = TOP
        if self.pending:
            self.outline.append((1, self.pending, self.page - 1))
            self.text(MARGIN_X, self.pending, 17, color=NHS_BLUE, fontweight="bold")
            self.y += 0.45
            self.pending = ""

    def flush(self) -> None:
        """Write the current page, if any."""
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            self.fig = None

    def _room(self, height: float) -> bool:
        return self.fig is not None and self.y + height <= PAGE[1] - BOTTOM

    def _ensure(self, height: float) -> None:
        if not self._room(height):
            self.new_page()

    def text(self, x_in: float, s: str, size: float, **kw) -> None:
        """Draw one line at the cursor (``x_in`` from the left edge)."""
        assert self.fig is not None
        self.fig.text(
            x_in / PAGE[0],
            1 - self.y / PAGE[1],
            s,
            fontsize=size,
            va="top",
            color=kw.pop("color", DARK),
            **kw,
        )

    # -- blocks ------------------------------------------------------------------------------
    def cover(self) -> None:
        """The title block on the first page."""
        self.section = "Summary"
        self.new_page()
        self.text(MARGIN_X, self.pack.title, 20, color=NHS_BLUE, fontweight="bold")
        self.y += 0.4
        stamp = datetime.now(UTC).strftime("%d %B %Y")
        self.paragraph(
            f"{self.pack.subtitle}. Prepared {stamp} with the sim care-shift simulator.",
            size=11,
            color="0.3",
        )
        self.y += 0.05

    def heading(self, b: Heading) -> None:
        """Section headings start a page (drawn with its first block); subsections keep with
        what follows.
        """
        if b.level == 1:
            self.section = b.text
            if b.text == "Summary" and self.page == 1:
                self.outline.append((1, b.text, 0))
                return
            self.flush()
            self.pending = b.text
        else:
            self._ensure(1.0)
            self.outline.append((2, b.text, self.page - 1))
            self.y += 0.08
            self.text(MARGIN_X, b.text, 12.5, color="#003087", fontweight="bold")
            self.y += 0.3

    def paragraph(
        self,
        text: str,
        size: float = 10.0,
        indent: float = 0.0,
        bullet: bool = False,
        color: str = DARK,
    ) -> None:
        """Wrapped text, flowing over pages."""
        width = min(self.width - indent, 10.0)
        lines = _wrap(text, _chars(width - (0.2 if bullet else 0), size))
        line_h = size * 1.42 / 72
        for i, line in enumerate(lines):
            self._ensure(line_h)
            x = MARGIN_X + indent + (0.2 if bullet else 0)
            if bullet and i == 0:
                self.text(MARGIN_X + indent + 0.03, "\u2022", size, color=NHS_BLUE)
            self.text(x, line, size, color=color)
            self.y += line_h
        self.y += 0.5 * line_h

    def facts(self, b: Facts) -> None:
        """Label-value rows."""
        size, label_w = 9.5, 2.4
        line_h = size * 1.42 / 72
        for k, v in b.rows:
            lines = _wrap(v, _chars(self.width - label_w, size))
            self._ensure(line_h * len(lines))
            self.text(MARGIN_X, k, size, color="0.35", fontweight="bold")
            for line in lines:
                self.text(MARGIN_X + label_w, line, size)
                self.y += line_h
            self.y += 0.02
        self.y += 0.08

    def table(self, b: TableBlock) -> None:
        """A table with wrapped cells, shaded header, repeated on each page it spans."""
        t = b.table
        df = t.display
        ncol = len(df.columns)
        rel = t.widths if len(t.widths) == ncol else [1.0] * ncol
        size = 8.0 if ncol <= 7 else 7.2
        line_h = size * 1.38 / 72
        pad = 0.05
        widths = column_widths(df, rel, self.width, size, pad)
        head = [
            _wrap(str(c), _chars(w - 2 * pad, size, bold=True))
            for c, w in zip(df.columns, widths, strict=True)
        ]
        head_h = max(len(c) for c in head) * line_h + 2 * pad
        rows = [
            [
                _wrap(str(v), _chars(w - 2 * pad, size, bold=j == 0))
                for j, (v, w) in enumerate(zip(r, widths, strict=True))
            ]
            for r in df.itertuples(index=False)
        ]

        title_h = 0.32
        heights = [max(len(c) for c in r) * line_h + 2 * pad for r in rows]
        first_h = heights[0] if rows else 0
        whole = title_h + head_h + sum(heights) + 0.2
        usable = PAGE[1] - BOTTOM - TOP - 0.5
        if not self._room(whole) and whole <= usable:
            self.new_page()  # keep a table that fits on a page together
        self._ensure(title_h + head_h + first_h)
        self.text(MARGIN_X, t.title, 11, color="#003087", fontweight="bold")
        self.y += title_h

        def header() -> None:
            self._band(head_h, "#e8edee")
            self._cells(head, widths, size, line_h, pad, bold=True)
            self.y += head_h

        header()
        for i, r in enumerate(rows):
            h = max(len(c) for c in r) * line_h + 2 * pad
            if not self._room(h):
                self.new_page()
                self.text(
                    MARGIN_X, f"{t.title} (continued)", 11, color="#003087", fontweight="bold"
                )
                self.y += title_h
                header()
            if i % 2:
                self._band(h, "#f6f8f8")
            self._cells(r, widths, size, line_h, pad, bold_first=True)
            self.y += h
            self._rule()
        self.y += 0.08
        if t.note:
            self.paragraph(t.note, size=8, color="0.3")
        self.y += 0.1

    def _band(self, h: float, colour: str) -> None:
        assert self.fig is not None
        w, hh = PAGE
        self.fig.add_artist(
            Rectangle(
                (MARGIN_X / w, 1 - (self.y + h) / hh),
                self.width / w,
                h / hh,
                transform=self.fig.transFigure,
                color=colour,
                lw=0,
                zorder=0,
            )
        )

    def _rule(self) -> None:
        assert self.fig is not None
        w, hh = PAGE
        self.fig.add_artist(
            Rectangle(
                (MARGIN_X / w, 1 - self.y / hh),
                self.width / w,
                0.006 / hh,
                transform=self.fig.transFigure,
                color="#d8dde0",
                lw=0,
            )
        )

    def _cells(
        self,
        cells: list[list[str]],
        widths: list[float],
        size: float,
        line_h: float,
        pad: float,
        bold: bool = False,
        bold_first: bool = False,
    ) -> None:
        x = MARGIN_X
        y0 = self.y
        for j, (lines, w) in enumerate(zip(cells, widths, strict=True)):
            for k, line in enumerate(lines):
                self.y = y0 + pad + k * line_h
                weight = "bold" if bold or (bold_first and j == 0) else "normal"
                ranged = line.startswith("(") and line.endswith(")") and " to " in line
                colour = (
                    "0.38"
                    if (k > 0 and not bold and j > 0 and (ranged or "draws" in line))
                    else DARK
                )
                self.text(x + pad, line, size, fontweight=weight, color=colour)
            x += w
        self.y = y0

    def inline_chart(self, b: Chart) -> None:
        """A chart in the flow of a text page (one a page), then its caption."""
        w, h = PAGE
        caption = _wrap(b.caption, _chars(min(self.width, 10.0), 8.5))
        cap_line = 8.5 * 1.4 / 72
        need = b.inline + 0.1 + len(caption) * cap_line
        if self.fig is None or self.has_inline or not self._room(need):
            self.new_page()
        assert self.fig is not None
        top = self.y
        self.fig.set_layout_engine(
            "constrained",
            rect=(MARGIN_X / w, 1 - (top + b.inline) / h, self.width / w, b.inline / h),
        )
        b.make((self.width, b.inline), self.fig.subfigures(1, 1))
        self.has_inline = True
        self.y = top + b.inline + 0.1
        for line in caption:
            self.text(MARGIN_X, line, 8.5, color="0.3")
            self.y += cap_line
        self.y += 0.15

    def chart(self, b: Chart) -> None:
        """One chart on its own page: the section heading, the chart, then its caption."""
        if b.inline:
            self.inline_chart(b)
            return
        self.flush()
        w, h = PAGE
        caption = _wrap(b.caption, _chars(self.width, 9.5))
        cap_line = 9.5 * 1.4 / 72
        cap_h = 0.15 + len(caption) * cap_line
        head_h = 0.62 if self.pending else 0.05
        page = Figure(figsize=PAGE, layout="constrained")
        page.get_layout_engine().set(
            rect=(MARGIN_X / w, BOTTOM / h, self.width / w, 1 - (BOTTOM + 0.55) / h),
            h_pad=0.04,
            w_pad=0.04,
            hspace=0.0,
            wspace=0.0,
        )
        body_h = h - BOTTOM - 0.55 - head_h - cap_h
        _, sub, _ = page.subfigures(3, 1, height_ratios=[head_h, body_h, cap_h])
        b.make(PAGE, sub)
        self._chrome(page)
        if self.pending:
            self.outline.append((1, self.pending, self.page - 1))
            page.text(
                MARGIN_X / w,
                1 - TOP / h,
                self.pending,
                fontsize=17,
                color=NHS_BLUE,
                fontweight="bold",
                va="top",
            )
            self.pending = ""
        for k, line in enumerate(caption):
            page.text(
                MARGIN_X / w,
                (BOTTOM + cap_h - 0.1 - k * cap_line) / h,
                line,
                fontsize=9.5,
                color="0.25",
                va="top",
            )
        self.pdf.savefig(page)
        self.y = PAGE[1]  # the next block starts a new page


def _with_outline(pdf: bytes, outline: list[tuple[int, str, int]]) -> bytes:
    """The PDF with a bookmark per section (and its subsections beneath), shown on opening."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    parent = None
    for level, title, page in outline:
        item = writer.add_outline_item(
            title=title, page_number=page, parent=parent if level > 1 else None
        )
        if level == 1:
            parent = item
    writer.page_mode = "/UseOutlines"
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def render_pdf(pack: Pack) -> bytes:
    """The whole pack as PDF bytes, with bookmarks."""
    buf = io.BytesIO()
    with PdfPages(
        buf,
        metadata={
            "Title": pack.title,
            "Creator": "sim (care-shift simulator)",
            "Subject": pack.subtitle,
        },
    ) as pdf:
        b_ = PdfBuilder(pdf, pack)
        b_.cover()
        for b in pack.blocks:
            if isinstance(b, Heading):
                b_.heading(b)
            elif isinstance(b, Paragraph):
                b_.paragraph(b.text, size=9 if b.small else 10.5, color="0.3" if b.small else DARK)
            elif isinstance(b, Bullets):
                for item in b.items:
                    b_.paragraph(item, size=10, bullet=True)
            elif isinstance(b, Facts):
                b_.facts(b)
            elif isinstance(b, TableBlock):
                b_.table(b)
            elif isinstance(b, Chart):
                b_.chart(b)
        b_.flush()
    return _with_outline(buf.getvalue(), b_.outline)

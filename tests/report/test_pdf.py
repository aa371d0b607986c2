"""The PDF board pack: a bookmark per section (pypdf reads the outline), and identifiers such
as ``ambulance_hear_and_treat`` wrapped only after a separator, never inside a name part."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from sim.report.pdf import SEPARATORS, _atoms, _wrap, column_widths

from .expected import SECTIONS, STRESS

pytestmark = pytest.mark.xdist_group("report_pack")  # made once on one worker


@pytest.fixture(scope="module")
def reader(pack_dir):
    return PdfReader(pack_dir / "board_pack.pdf")


def _section(reader: PdfReader, page: int) -> str:
    """The section a page's running header names (its first line ends with it)."""
    title = reader.metadata.title
    lines = reader.pages[page].extract_text().splitlines()
    head = next(ln for ln in lines if ln.startswith(title))
    return next(s for s in SECTIONS if head.endswith(" " + s))


def test_a_bookmark_per_section(reader):
    """Top-level bookmarks are the sections in order, each on the first page of its section;
    the STRESS headings sit beneath Methods; the reader opens with the outline shown."""
    top = [o for o in reader.outline if not isinstance(o, list)]
    assert [o.title for o in top] == SECTIONS
    pages = [reader.get_destination_page_number(o) for o in top]
    assert pages == sorted(pages) and pages[0] == 0
    for o, page in zip(top, pages, strict=True):
        assert _section(reader, page) == o.title
        assert page == 0 or _section(reader, page - 1) != o.title, "first page of the section"
    methods = reader.outline[reader.outline.index(top[SECTIONS.index("Methods")]) + 1]
    assert [o.title for o in methods] == STRESS
    assert reader.page_mode == "/UseOutlines"


def _breaks_inside_a_part(lines: list[str], word: str) -> bool:
    """Whether ``word`` is cut where no separator is: a line ends with a proper prefix of it
    that is not a whole number of its parts, and the next line goes on with the rest."""
    bounds = {0}
    for a in _atoms(word):
        bounds.add(max(bounds) + len(a))
    for line, after in zip(lines, lines[1:], strict=False):
        last = line.split()[-1] if line.split() else ""
        rest = after.split()[0] if after.split() else ""
        joined = last + rest
        if (
            last
            and rest
            and last != word
            and word.startswith(last)
            and len(last) not in bounds
            and (word.startswith(joined) or joined.startswith(word))
        ):
            return True
    return False


def test_pdf_keeps_identifiers_whole(reader, result):
    """No line of the PDF ends inside a name part of an identifier shown in its tables."""
    from sim.report.content import TableBlock, build_pack

    pack = build_pack(result)
    words = {
        w
        for b in pack.blocks
        if isinstance(b, TableBlock)
        for v in b.table.display.to_numpy().ravel()
        for w in str(v).split()
        if "_" in w and len(w) > 8
    }
    assert len(words) > 10
    lines = [ln for p in reader.pages for ln in p.extract_text().splitlines()]
    split = sorted(w for w in words if _breaks_inside_a_part(lines, w))
    assert not split, split


name_part = st.text("abcdefghij", min_size=1, max_size=9)


def _join(parts: list[str], seps: list[str]) -> str:
    return "".join(p + s for p, s in zip(parts, seps[: len(parts)], strict=True))[:-1]


identifier = st.builds(
    _join,
    st.lists(name_part, min_size=1, max_size=6),
    st.lists(st.sampled_from("_./"), min_size=6, max_size=6),
)


@given(
    st.lists(st.one_of(identifier, name_part), min_size=1, max_size=12),
    st.integers(min_value=8, max_value=40),
)
def test_wrap_breaks_at_spaces_or_after_separators(words, width):
    """Lines fit; joining them gives the text back; every break is at a space or after a
    separator, except inside a part longer than a whole line."""
    text = " ".join(words)
    lines = _wrap(text, width)
    assert all(len(ln) <= width for ln in lines)
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", text)
    # walk the text: each line must start at a word start or right after a separator
    pos = 0
    for ln in lines:
        while text[pos] == " ":
            pos += 1
        assert text.startswith(ln, pos)
        if pos > 0 and text[pos - 1] != " ":
            cut = text[pos - 1] in SEPARATORS
            long_part = any(len(a) > width for w in words for a in _atoms(w))
            assert cut or long_part, (ln, text)
        pos += len(ln)


def test_column_widths_fit_the_longest_part():
    """A narrow column holding a long word is widened from the others; totals are kept."""
    df = pd.DataFrame({"Unit": ["appointment"], "Source": ["a long sentence " * 8]})
    widths = column_widths(df, [0.3, 9.7], 10.0, 8.0, 0.05)
    assert sum(widths) == pytest.approx(10.0)
    assert _wrap("appointment", int((widths[0] - 0.1) * 72 / (8.0 * 0.56 * 1.12))) == [
        "appointment"
    ]

"""The board pack as one self-contained HTML file: inline CSS, charts as base64 PNG, no
network references.
"""

from __future__ import annotations

import base64
import html
import re

from sim.report.content import (
    Bullets,
    Chart,
    Facts,
    Heading,
    Pack,
    Paragraph,
    TableBlock,
    chart_png,
)

CSS = """
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: #1d2731; margin: 0;
       background: #f4f6f8; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; background: #fff; padding: 28px 44px 60px; }
header.cover { border-bottom: 4px solid #005eb8; margin-bottom: 18px; }
h1 { color: #005eb8; font-size: 28px; margin: 8px 0 4px; }
.subtitle { color: #425563; font-size: 16px; margin: 0 0 14px; }
h2 { color: #003087; font-size: 22px; border-bottom: 1px solid #d8dde0; padding-bottom: 4px;
     margin-top: 38px; }
h3 { color: #003087; font-size: 17px; margin: 22px 0 6px; }
p, li { font-size: 15px; max-width: 980px; }
p.small { font-size: 13px; color: #425563; }
nav { background: #f0f4f5; padding: 10px 16px; font-size: 14px; }
nav a { margin-right: 14px; color: #005eb8; text-decoration: none; }
table { border-collapse: collapse; margin: 10px 0 4px; font-size: 13px; width: 100%; }
caption { text-align: left; font-weight: 600; font-size: 15px; padding: 6px 0; color: #003087; }
th { background: #e8edee; text-align: left; padding: 6px 8px; border-bottom: 2px solid #aeb7bd;
     vertical-align: bottom; }
td { padding: 5px 8px; border-bottom: 1px solid #e8edee; vertical-align: top; }
tr:nth-child(even) td { background: #fafbfb; }
td.num { text-align: right; }
td .range { color: #5c6b77; font-size: 12px; }
td.first { font-weight: 600; }
p.note { font-size: 12.5px; color: #425563; margin: 2px 0 18px; }
dl.facts { display: grid; grid-template-columns: 230px 1fr; gap: 4px 14px; font-size: 15px; }
dl.facts dt { font-weight: 600; color: #425563; } dl.facts dd { margin: 0; }
figure { margin: 18px 0 26px; } figure img { width: 100%; height: auto; }
figcaption { font-size: 13.5px; color: #425563; }
"""


def _cell(text: str, first: bool) -> str:
    parts = str(text).split("\n")
    body = html.escape(parts[0]) + "".join(
        f'<br><span class="range">{html.escape(p)}</span>' for p in parts[1:]
    )
    numeric = bool(re.match(r"^[-+]?£?[\d,.]+m?$|^n/a$|^[-+]?£", parts[0].strip()))
    cls = "first" if first else ("num" if numeric else "")
    return f'<td class="{cls}">{body}</td>' if cls else f"<td>{body}</td>"


def _table(block: TableBlock) -> str:
    t = block.table
    df = t.display
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join(
        "<tr>" + "".join(_cell(v, j == 0) for j, v in enumerate(r)) + "</tr>"
        for r in df.itertuples(index=False)
    )
    note = f'<p class="note">{html.escape(t.note)}</p>' if t.note else ""
    return (
        f"<table><caption>{html.escape(t.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>{note}"
    )


def _png(chart: Chart, png: bytes) -> str:
    title = chart.caption.split(":")[0].split(".")[0]
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure id="{chart.key}"><img alt="{html.escape(title)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{html.escape(chart.caption)}'
        "</figcaption></figure>"
    )


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def render_html(pack: Pack, images: dict[str, bytes] | None = None) -> str:
    """The whole pack as one HTML document (a string).

    Args:
        pack: the pack's content (:func:`sim.report.content.build_pack`).
        images: each chart's PNG by its key (drawn here when not given).
    """
    images = images or {}
    sections = [b.text for b in pack.blocks if isinstance(b, Heading) and b.level == 1]
    nav = "".join(f'<a href="#{_anchor(s)}">{html.escape(s)}</a>' for s in sections)
    body = []
    for b in pack.blocks:
        if isinstance(b, Heading):
            tag = "h2" if b.level == 1 else "h3"
            body.append(f'<{tag} id="{_anchor(b.text)}">{html.escape(b.text)}</{tag}>')
        elif isinstance(b, Paragraph):
            cls = ' class="small"' if b.small else ""
            body.append(f"<p{cls}>{html.escape(b.text)}</p>")
        elif isinstance(b, Bullets):
            body.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Facts):
            body.append(
                '<dl class="facts">'
                + "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in b.rows)
                + "</dl>"
            )
        elif isinstance(b, TableBlock):
            body.append(_table(b))
        elif isinstance(b, Chart):
            body.append(_png(b, images.get(b.key) or chart_png(b)))
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(pack.title)}</title><style>{CSS}</style></head><body><main>"
        f'<header class="cover"><h1>{html.escape(pack.title)}</h1>'
        f'<p class="subtitle">{html.escape(pack.subtitle)}</p></header>'
        f"<nav>{nav}</nav>"
        + "".join(body)
        + f'<p class="small">{html.escape(pack.footer)}</p></main></body></html>\n'
    )

"""Regenerate sim/evidence/evidence.csv, the evidence table, from the markdown of EVIDENCE.md.

    python scripts/evidence_table.py                 # reads ../shared/EVIDENCE.md
    python scripts/evidence_table.py --check         # exit 1 if the committed CSV is stale
    python scripts/evidence_table.py --source PATH   # another copy of EVIDENCE.md

Every numbered row of every table (the brief's S.* figures, sections 1-8 and the section 10
addendum) becomes one CSV row: id, section, quantity, value, unit, scope, source (the titles,
URLs removed), url (the URLs, space-separated), type (P, S, L, D, P/S or ``brief`` for the
figures quoted by the project brief), type_detail (the type cell as written) and note. A source
written ``as 7.1`` is replaced by row 7.1's source titles and URLs. The CSV is committed so the
installed package never needs EVIDENCE.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared/EVIDENCE.md beside the clone, or beside the folder of git worktrees
_FOUND = [p / "shared" / "EVIDENCE.md" for p in ROOT.parents[:2]]
SOURCE = next((p for p in _FOUND if p.is_file()), _FOUND[0])
OUT = ROOT / "sim" / "evidence" / "evidence.csv"
COLUMNS = ["id", "section", "quantity", "value", "unit", "scope", "source", "url", "type",
           "type_detail", "note"]  # fmt: skip
ROW_ID = r"(?:S\.\d+|\d+\.\d+[a-z]?)"
# header cell (lower case) -> column
HEADERS = {
    "#": "id", "row": "id",
    "quantity": "quantity", "claim": "quantity", "reported impact": "quantity",
    "finding": "quantity", "item": "quantity",
    "value": "value", "description": "value",
    "unit": "unit",
    "geography / period": "scope", "price year / geography": "scope", "period": "scope",
    "as of": "scope", "scope/year": "scope",
    "source (title + url)": "source", "source": "source", "source (title, url)": "source",
    "type": "type_detail", "kind": "type_detail",
    "note": "note",
}  # fmt: skip
BRIEF = "figure quoted by the project brief (seeds/001_75a126ddc0eed247.txt)"
URL = re.compile(r"https?://[^\s,;]+")
AS_ROWS = re.compile(rf"(^|[;,(]\s*)as ({ROW_ID}(?:(?:, | and ){ROW_ID})*)")


def clean(cell: str) -> str:
    """Markdown emphasis removed, a lone dash (no value) made empty."""
    text = re.sub(r"\*\*(.*?)\*\*", r"\1", cell.strip())
    text = re.sub(r"(?<!\w)\*(\S.*?)\*(?!\w)", r"\1", text)
    return "" if text in {"–", "-", "—"} else text


def split_source(cell: str) -> tuple[str, list[str]]:
    """(titles without the URLs, URLs) of a source cell."""
    urls = [u.rstrip(").") if u.count("(") < u.count(")") or u.endswith(".") else u
            for u in URL.findall(cell)]  # fmt: skip
    pieces = [p.strip(" ,;") for p in URL.split(cell)]
    return "; ".join(p for p in pieces if p), urls


def parse(markdown: str) -> list[dict[str, str]]:
    """Every numbered table row of EVIDENCE.md, in order, with the columns of :data:`COLUMNS`."""
    rows: list[dict[str, str]] = []
    section, header = "", None
    for line in markdown.splitlines():
        if line.startswith("#"):
            section = line.lstrip("#").strip()
            header = None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [HEADERS[c.lower()] for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if len(cells) != len(header):
            raise ValueError(f"{section}: row {cells[0]!r} has {len(cells)} cells, not "
                             f"{len(header)}")  # fmt: skip
        row = dict.fromkeys(COLUMNS, "")
        row.update({col: clean(c) for col, c in zip(header, cells, strict=True)})
        if not re.fullmatch(ROW_ID, row["id"]):
            raise ValueError(f"{section}: {row['id']!r} is not a row id")
        row["section"] = section
        row["source"], urls = split_source(row["source"])
        row["url"] = " ".join(urls)
        if row["id"].startswith("S."):
            row["source"], row["type"], row["type_detail"] = BRIEF, "brief", "brief"
        else:
            code = re.match(r"[PSLD](?:/[PSLD])*", row["type_detail"])
            row["type"] = code.group(0) if code else ""
        rows.append(row)
    _resolve_as(rows)
    ids = [r["id"] for r in rows]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"row ids repeated: {', '.join(dupes)}")
    return rows


def _resolve_as(rows: list[dict[str, str]]) -> None:
    """Replace ``as 7.1`` in a source or scope by row 7.1's, and add its URLs to ``url``."""
    by_id = {r["id"]: r for r in rows}

    def resolved(row: dict[str, str], field: str, seen: tuple[str, ...]) -> tuple[str, list[str]]:
        urls: list[str] = []

        def swap(m: re.Match[str]) -> str:
            titles = []
            for ref in re.findall(ROW_ID, m.group(2)):
                if ref not in by_id or ref in seen:
                    raise ValueError(f"row {row['id']}: {field} 'as {ref}' names no earlier row")
                title, more = resolved(by_id[ref], field, (*seen, ref))
                titles.append(title)
                urls.extend(more)
            return m.group(1) + "; ".join(titles)

        text = AS_ROWS.sub(swap, row[field])
        urls += row["url"].split() if field == "source" else []
        return _unique("; ", text), list(dict.fromkeys(urls))

    done = {r["id"]: (resolved(r, "source", (r["id"],)), resolved(r, "scope", (r["id"],)))
            for r in rows}  # fmt: skip
    for r in rows:
        (r["source"], urls), (r["scope"], _) = done[r["id"]]
        r["url"] = " ".join(urls)


def _unique(sep: str, text: str) -> str:
    """``text`` with repeated ``sep``-separated pieces (and empty ones) dropped."""
    pieces = [p.strip(" ;,") for p in text.split(sep)]
    return sep.join(dict.fromkeys(p for p in pieces if p))


def to_csv(rows: list[dict[str, str]]) -> str:
    """The table as CSV text (UTF-8, a header line, ``\\n`` line ends)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=SOURCE)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if --out is not up to date")
    args = ap.parse_args()
    text = to_csv(parse(args.source.read_text(encoding="utf-8")))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is stale: run python scripts/evidence_table.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {text.count(chr(10)) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The evidence table (sim/evidence) and the citations of it across the repository.

Every ``EVIDENCE <row>`` citation in configs/, scenarios/, docs/, README.md, notebooks/,
scripts/ and the source of sim/ (docstrings, strings, comments), every scenario's
``evidence: [...]`` list, and the text of the board pack's assumption tables must name a row of
the table; the CSV must hold every row of EVIDENCE.md.
"""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
import yaml

from sim.evidence import (
    EvidenceRow,
    UnknownEvidenceRow,
    cited_rows,
    evidence_row,
    evidence_rows,
    expand_ids,
)

ROOT = Path(__file__).resolve().parents[1]
# ../shared/EVIDENCE.md beside the clone (CI), or beside the folder of git worktrees
_FOUND = [p / "shared" / "EVIDENCE.md" for p in ROOT.parents[:2]]
EVIDENCE_MD = next((p for p in _FOUND if p.is_file()), _FOUND[0])


def _texts(path: Path) -> list[str]:
    """The prose of a file in which citations may appear, wrapped lines joined."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        strings = [
            n.value
            for n in ast.walk(ast.parse(raw))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
        tokens = tokenize.generate_tokens(io.StringIO(raw).readline)
        comments = " ".join(t.string.lstrip("# ") for t in tokens if t.type == tokenize.COMMENT)
        return [*strings, comments]
    if path.suffix == ".ipynb":
        return ["".join(cell["source"]) for cell in json.loads(raw)["cells"]]
    return [re.sub(r"\n\s*#\s*", " ", raw)]  # YAML comments wrapped over several lines


def _cited_files() -> list[Path]:
    files = [*(ROOT / "configs").glob("*.yaml"), *(ROOT / "configs").glob("*/*.yaml"),
             *(ROOT / "scenarios").glob("*.yaml"), *(ROOT / "docs").glob("*.md"),
             ROOT / "README.md", *(ROOT / "notebooks").glob("*.ipynb"),
             *(ROOT / "scripts").glob("*.py"), *(ROOT / "sim").rglob("*.py")]  # fmt: skip
    return sorted(set(files))


def _section_numbers() -> set[str]:
    return {m.group(0) for r in evidence_rows().values() if (m := re.match(r"\d+", r.section))}


# --- the table and its loader ------------------------------------------------------------


def test_loader_returns_rows_with_their_source():
    row = evidence_row("2.19")
    assert isinstance(row, EvidenceRow)
    assert row.id == "2.19"
    assert row.section.startswith("2. Hospital")
    assert row.type in {"P", "S", "L", "D", "P/S"}
    assert row.source and all(u.startswith("http") for u in row.urls)
    brief = evidence_row("S.3")
    assert (brief.type, brief.value) == ("brief", "-9.9 days")
    # a source written "as 7.1" carries row 7.1's title and URLs
    assert evidence_row("7.5").source == evidence_row("7.1").source
    assert set(evidence_row("7.1").urls) <= set(evidence_row("7.5").urls)
    with pytest.raises(AttributeError):
        row.value = "1"  # type: ignore[misc]  # frozen


def test_unknown_row_is_a_clear_error():
    with pytest.raises(UnknownEvidenceRow, match=r"EVIDENCE row '2\.99' is not in the evidence"):
        evidence_row("2.99")


def test_table_holds_every_section_and_the_brief_rows():
    ids = list(evidence_rows())
    assert len(ids) == len(set(ids))
    assert ids[:8] == [f"S.{i}" for i in range(1, 9)]
    assert {"1.8a", "1.22a", "2.19a", "7.25", "8.6", "10.1", "10.121"} <= set(ids)
    assert _section_numbers() == {str(i) for i in range(1, 9)} | {"10"}  # section 9 has no table


@pytest.mark.skipif(not EVIDENCE_MD.is_file(), reason="../shared/EVIDENCE.md not beside the repo")
def test_committed_csv_is_what_the_script_makes_from_evidence_md():
    """The CSV is committed (the package never reads EVIDENCE.md); it must be up to date."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "evidence_table.py"),
            "--check",
            "--source",
            str(EVIDENCE_MD),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    numbered = re.findall(r"^\| *(S\.\d+|\d+\.\d+[a-z]?) *\|", EVIDENCE_MD.read_text(), re.M)
    assert list(evidence_rows()) == numbered


# --- reading citations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("EVIDENCE 2.16", ["2.16"]),
        ("(EVIDENCE 7.1-7.3)", ["7.1", "7.2", "7.3"]),
        ("EVIDENCE S.1-S.2, 7.1-7.3;", ["S.1", "S.2", "7.1", "7.2", "7.3"]),
        ("EVIDENCE 6.5 (value), 6.2 (rate); QALYs", ["6.5", "6.2"]),
        ("EVIDENCE S.3 (-9.9 days), 7.5 (-8.2 days); central", ["S.3", "7.5"]),
        ("EVIDENCE S.5/S.6 (7.11) and 7.12", ["S.5", "S.6", "7.11", "7.12"]),
        ("EVIDENCE 2.19a: about 4.5 a day", ["2.19a"]),
        ("EVIDENCE 1.8a (6.3-6.4 m / 57 m)", ["1.8a"]),
        ("the daily totals are, rows 1.1 and 1.4)", ["1.1", "1.4"]),
        ("(EVIDENCE\n  # 1.14)", ["1.14"]),
        ("EVIDENCE 4 reliability note; EVIDENCE has no index", []),
    ],
)
def test_cited_rows_reads_the_citation_styles_used(text, rows):
    assert cited_rows(re.sub(r"\n\s*#\s*", " ", text)) == rows


def test_backwards_range_is_an_error():
    with pytest.raises(ValueError, match="7.3-7.1"):
        expand_ids("7.3-7.1")


# --- every citation resolves -----------------------------------------------------------------


def test_every_citation_in_the_repository_names_a_row():
    rows, sections = evidence_rows(), _section_numbers()
    bad, count = [], 0
    for path in _cited_files():
        for text in _texts(path):
            flat = re.sub(r"\s+", " ", text)
            for row in cited_rows(flat):
                count += 1
                if row not in rows:
                    bad.append(f"{path.relative_to(ROOT)}: EVIDENCE {row}")
            for section in re.findall(r"\bEVIDENCE (\d+)\b(?!\.\d)", flat):
                if section not in sections:
                    bad.append(f"{path.relative_to(ROOT)}: EVIDENCE section {section}")
    assert not bad, "citations naming no row of sim/evidence/evidence.csv:\n" + "\n".join(bad)
    assert count > 300  # the scan reads the citations (there are about 370)


def test_every_scenario_evidence_list_names_rows():
    rows = evidence_rows()
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        listed = yaml.safe_load(path.read_text(encoding="utf-8")).get("evidence", [])
        ids = [i for item in listed for i in expand_ids(str(item))]
        assert len(ids) >= len(listed), f"{path.name}: {listed} are not row ids"
        missing = [i for i in ids if i not in rows]
        assert not missing, f"{path.name}: evidence rows {missing} are not in the table"


@pytest.mark.slow  # composes every scenario (about 3 s each)
def test_board_pack_assumption_tables_cite_rows_and_show_their_sources():
    """The text of the pack's assumption tables for every scenario (no simulation needed)."""
    from sim.config.compose import options
    from sim.jobs.load import load_config
    from sim.report import assumptions

    configs = {name: load_config([f"scenario={name}"]) for name in options("scenario")}
    labels = {name: name for name in configs}
    tables = [
        assumptions.evidence_rows_table(configs, labels),
        assumptions.effects_table(configs, labels),
        assumptions.investments_table(configs, labels, "2024/25"),
        assumptions.uncertain_table(configs["baseline"]),
    ]
    rows, cited = evidence_rows(), []
    for t in tables:
        for text in [t.note, *t.display.astype(str).to_numpy().ravel()]:
            cited += cited_rows(text)
    assert len(cited) > 10  # the Source columns cite rows (18 today)
    assert not [r for r in cited if r not in rows]
    shown = tables[0].display.set_index("Option")["EVIDENCE.md rows"]
    assert "7.19 " + evidence_row("7.19").source in shown["homefirst"]
    assert "7.25 source not found" in shown["multiyear_payments"]
    assert shown["baseline"] == "-"

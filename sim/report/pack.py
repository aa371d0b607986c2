"""Write the board pack of an appraisal: HTML, PDF, an editable Word report and the Excel
workbook of its tables, all from one :class:`~sim.report.content.Pack`.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from sim.appraisal.result import Appraisal
from sim.report.content import Chart, build_pack, chart_png
from sim.report.excel import render_xlsx
from sim.report.html import render_html
from sim.report.narrative import cover_facts
from sim.report.pdf import render_pdf
from sim.report.stats import option_labels
from sim.report.word import render_docx
from sim.results.io import write_text_atomic

log = logging.getLogger(__name__)


def _write_bytes_atomic(data: bytes, path: Path) -> Path:
    """Write bytes to ``path`` through a hidden temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_board_pack(result: Appraisal, folder: Path) -> dict[str, Path]:
    """Write ``board_pack.html``, ``board_pack.pdf``, ``board_pack.docx`` and
    ``appraisal.xlsx`` into ``folder``.

    Args:
        result: the main job's result (:func:`sim.jobs.appraise.run_appraisal`), with at
            least one option.
        folder: where to write (created if needed); each file is written atomically.

    Returns:
        ``{"html": path, "pdf": path, "docx": path, "xlsx": path}``.
    """
    folder = Path(folder)
    pack = build_pack(result)
    labels = option_labels(result.appraisal)
    images = {b.key: chart_png(b) for b in pack.blocks if isinstance(b, Chart)}
    paths = {
        "html": write_text_atomic(render_html(pack, images), folder / "board_pack.html"),
        "pdf": _write_bytes_atomic(render_pdf(pack), folder / "board_pack.pdf"),
        "docx": _write_bytes_atomic(render_docx(pack, images), folder / "board_pack.docx"),
        "xlsx": _write_bytes_atomic(render_xlsx(pack, cover_facts(result, labels)),
                                    folder / "appraisal.xlsx"),
    }  # fmt: skip
    log.info("board pack written: %s", ", ".join(p.name for p in paths.values()))
    return paths

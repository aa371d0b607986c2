"""``python -m sim.app [--port N]``: serve the app on http://127.0.0.1:N (default 8501).

Streamlit's own server runs :mod:`sim.app.main`; it listens on the loopback address only,
never opens a browser by itself and sends no usage statistics. Runs are saved under
``results/`` of the current folder, as ``python -m sim`` saves them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_PORT = 8501


def port_number(text: str) -> int:
    """``--port``: a whole number from 1 to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port = {text!r}: allowed a whole number 1-65535")
    return port


def streamlit_args(port: int) -> list[str]:
    """The ``streamlit run`` command line serving the app on 127.0.0.1:``port``."""
    return [
        "streamlit",
        "run",
        str(Path(__file__).with_name("main.py")),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        "--client.showErrorDetails=false",
        "--client.toolbarMode=minimal",
        "--server.fileWatcherType=none",
        "--theme.base=light",
    ]


def main(argv: list[str] | None = None) -> int:
    """Parse ``--port`` and run Streamlit's server (blocks until stopped)."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.app",
        description="The options-appraisal app for strategy teams, on http://127.0.0.1:PORT",
    )
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT, help="default 8501")
    ns = parser.parse_args(argv)
    try:
        from streamlit.web import cli as stcli  # the optional extra: pip install -e ".[app]"
    except ImportError:
        sys.stderr.write('error: the app needs Streamlit: pip install -e ".[app]"\n')
        return 2
    sys.argv = streamlit_args(ns.port)
    return stcli.main()


if __name__ == "__main__":
    raise SystemExit(main())

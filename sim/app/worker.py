"""The worker process of a run started from the app: ``python -m sim.app.worker``.

It reads one JSON request line on standard input (``{"overrides": [...],
"option_overrides": {...}}``), runs the main job through :func:`sim.api.main_job`, the path
``python -m sim`` takes (claim the run folder, appraise, check conservation, write the folder
with the board pack)
and writes one JSON object per line on standard output: ``{"progress": text}``, then
``{"done": folder}`` or ``{"error": one line}``. SIGTERM (the app's cancel button) or the
app going away (standard input closed) stops it; a claimed folder is then removed.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from sim.api import main_job
from sim.config.errors import ConfigError
from sim.jobs.load import load_config


def _say(**message: Any) -> None:
    """One JSON line on standard output."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _stop(signum: int, frame: object) -> None:
    """SIGTERM: leave through the normal exception path so the claimed folder is removed."""
    raise SystemExit(143)


def _watch_parent() -> None:
    """Stop this process when the app closes our standard input (it stopped or died)."""
    sys.stdin.read()
    os.kill(os.getpid(), signal.SIGTERM)


def run_request(request: dict[str, Any]) -> Path:
    """Run one request as ``python -m sim`` runs the main job; returns the run folder."""
    overrides = [str(o) for o in request.get("overrides", [])]
    extra = {str(k): [str(o) for o in v] for k, v in request.get("option_overrides", {}).items()}
    draws = load_config(overrides).run.draws  # bad input: the command line's one-line error
    return main_job(overrides, draws, lambda m: _say(progress=m), extra)


def main() -> int:
    """Read the request, run it, report; returns the exit code."""
    signal.signal(signal.SIGTERM, _stop)
    request = json.loads(sys.stdin.readline() or "{}")
    threading.Thread(target=_watch_parent, daemon=True).start()
    try:
        folder = run_request(request)
    except ConfigError as exc:
        _say(error=str(exc))
        return 2
    except OSError as exc:
        _say(error=f"could not write {exc.filename or 'a results file'}: {exc.strerror or exc}")
        return 1
    except Exception as exc:  # reported in the app in one line; the details on stderr
        _say(error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        raise
    _say(done=str(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

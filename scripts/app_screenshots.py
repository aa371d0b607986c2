"""Screenshots of every page of the app at 1280x800 (docs/app/*.png), in the system Chromium.

    pip install -e ".[test]"       # streamlit and selenium
    apt-get install chromium chromium-driver
    python scripts/app_screenshots.py [--workdir DIR] [--out docs/app]

The pages show two saved runs in DIR/results (made first, through the app's own worker, when
missing): the default options over five years with 10 draws, and the same with the baseline
plan "do nothing" (capacity held as today), so the comparison page has two runs. The app is
served from DIR with ``python -m sim.app`` and driven with Selenium; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[1]
RUNS = {  # made in this order: the newest is the one the result pages open on
    "do-nothing-plan": ["place.plan.case=do_nothing"],
    "five-options": [],
}
COMMON = ["run.horizon_years=5", "run.draws=10"]
PAGES = [  # (file name, sidebar title, an element the page draws last)
    ("1_place_and_options", "Place and options", "stPageLink"),
    ("2_effect_sizes", "Effect sizes", "stPageLink"),
    ("3_run", "Run", "stButton"),
    ("5_options_table", "Options table and downloads", "stDownloadButton"),
    ("6_who_pays", "Who pays and who saves", "stImage"),
    ("7_results_over_time", "Results over time", "stImage"),
    ("8_uncertainty_and_equity", "Uncertainty and equity", "stTable"),
    ("9_validation", "Validation", "stTable"),
    ("10_compare", "Compare two runs", "stImage"),
]


def make_runs(workdir: Path, reuse: bool) -> None:
    """The saved runs the pages show, through the app's worker (as the Run page makes them);
    runs saved by an earlier call are made again on today's model unless ``reuse``."""
    sys.path.insert(0, str(ROOT))
    from sim.app.worker import run_request

    for name, extra in RUNS.items():
        if not reuse:
            shutil.rmtree(workdir / "results" / name, ignore_errors=True)
        if not (workdir / "results" / name / "appraisal.nc").is_file():
            print(f"making the run {name} (a few minutes)")
            out = str(workdir / "results")
            run_request(
                {"overrides": [*COMMON, *extra, f"run.name={name}", f"run.output_dir={out}"]}
            )


def serve(workdir: Path) -> tuple[subprocess.Popen, str]:
    """``python -m sim.app`` in ``workdir`` on a free port; returns the process and address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.app", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the app did not start")


def browser() -> webdriver.Chrome:
    """Headless system Chromium with a 1280x800 viewport."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars"):
        opts.add_argument(arg)
    d = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)
    size = {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False}
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", size)
    return d


def settled(d: webdriver.Chrome, pause: float = 1.0) -> None:
    """Wait until Streamlit has finished its rerun: no running indicator, every image
    loaded, and the page unchanged for three seconds.
    """
    time.sleep(pause)
    last, same, deadline = "", 0, time.monotonic() + 300
    while same < 3 and time.monotonic() < deadline:
        time.sleep(1.0)
        busy = d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
        loaded = d.execute_script("return [...document.images].every(i => i.complete)")
        now = d.page_source
        same = same + 1 if (now == last and not busy and loaded) else 0
        last = now


def go(d: webdriver.Chrome, title: str, ready: str = "stHeading") -> None:
    """Open a page from the sidebar."""
    link = f'//a[@data-testid="stSidebarNavLink"][.//p[text()="{title}"]]'
    WebDriverWait(d, 180, 0.3).until(lambda d: d.find_elements(By.XPATH, link))
    d.find_element(By.XPATH, link).click()
    WebDriverWait(d, 120, 0.3).until(
        lambda d: d.find_elements(By.XPATH, f'//h1[contains(., "{title}")]')
    )
    WebDriverWait(d, 300, 0.3).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f'[data-testid="{ready}"]')
    )
    settled(d, 2.0)


def main() -> int:
    """Make the runs if needed, serve the app, and save a screenshot of every page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=ROOT / "results" / "app-screenshots")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "app")
    parser.add_argument(
        "--reuse", action="store_true", help="keep runs saved by an earlier call (faster)"
    )
    ns = parser.parse_args()
    ns.workdir.mkdir(parents=True, exist_ok=True)
    ns.out.mkdir(parents=True, exist_ok=True)
    make_runs(ns.workdir, ns.reuse)
    proc, url = serve(ns.workdir)
    d = browser()
    try:
        d.get(url)
        WebDriverWait(d, 180, 0.3).until(lambda d: d.find_elements(By.CSS_SELECTOR, "h1"))
        settled(d, 3.0)
        for file, title, ready in PAGES:
            go(d, title, ready)
            if file == "3_run":  # the page, then a run in progress with its cancel button
                d.save_screenshot(str(ns.out / f"{file}.png"))
                d.find_element(By.XPATH, '//button[.//p[text()="Run the appraisal"]]').click()
                WebDriverWait(d, 120, 0.3).until(lambda d: "baseline:" in d.page_source)
                time.sleep(1.5)
                d.save_screenshot(str(ns.out / "4_run_in_progress.png"))
                d.find_element(By.XPATH, '//button[.//p[text()="Cancel the run"]]').click()
                WebDriverWait(d, 60, 0.3).until(lambda d: "Cancelled" in d.page_source)
                continue
            d.save_screenshot(str(ns.out / f"{file}.png"))
        go(d, "Place and options")  # a bad value: its message beside the field, nothing runs
        box = d.find_element(By.CSS_SELECTOR, 'input[aria-label^="Uncertainty draws"]')
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys("0", Keys.ENTER)
        settled(d)
        d.save_screenshot(str(ns.out / "11_bad_input.png"))
    finally:
        d.quit()
        proc.terminate()
        proc.wait(10)
    print(f"screenshots in {ns.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

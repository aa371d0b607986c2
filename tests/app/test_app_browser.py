"""End to end in a real headless browser: Chromium from the system packages, driven by
Selenium with the system chromedriver (nothing is downloaded). Open the app, change an effect
size, run a short appraisal, see the options table change, download the PDF. Without the
browser the test is skipped, never passed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.app import saved
from sim.report.content import build_pack

pytestmark = [pytest.mark.xdist_group("app"), pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver"
STEP_UP = "step up instead of admission (share)"


pytest.importorskip("selenium", reason="selenium is not installed (the test extra)")
if CHROMIUM is None or not Path(CHROMEDRIVER).is_file():
    pytest.skip(
        "no system Chromium and chromedriver (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(runs_root):
    """``python -m sim.app --port N`` in ``runs_root``; yields its address."""
    port = _free_port()
    root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.app", "--port", str(port)],
        cwd=runs_root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the app did not start within 60 s")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium at 1280x800, downloading into ``tmp_path/downloads``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
    ):
        opts.add_argument(arg)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})  # fmt: skip
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, what, timeout: float = 60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(what)


def _settled(driver) -> None:
    """Wait until Streamlit has finished rerunning the script."""
    from selenium.webdriver.common.by import By

    time.sleep(1.0)
    _wait(
        driver,
        lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'),
        180,
    )


def _click(driver, xpath: str, timeout: float = 60) -> None:
    """Click the element at ``xpath`` once it is there and clickable; a page rerun that
    replaces it between finding and clicking (a stale element) is waited out, not failed."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    def click(d) -> bool:
        element = ec.element_to_be_clickable((By.XPATH, xpath))(d)
        if not element:
            return False
        try:
            element.click()
        except StaleElementReferenceException:
            return False
        return True

    _wait(driver, click, timeout)


def _set_number(driver, label: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f'input[aria-label="{label}"]'))
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(value, Keys.ENTER)
    _settled(driver)


def _go(driver, title: str) -> None:
    from selenium.webdriver.common.by import By

    link = _wait(
        driver,
        lambda d: d.find_element(
            By.XPATH, f'//a[@data-testid="stSidebarNavLink"][.//p[text()="{title}"]]'
        ),
    )
    link.click()
    _wait(driver, lambda d: d.find_element(By.XPATH, f'//h1[contains(., "{title}")]'))
    _settled(driver)


def _table(driver) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    table = _wait(
        driver, lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="stTable"] table')
    )
    return [[c.text for c in r.find_elements(By.CSS_SELECTOR, "th,td")]
            for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]  # fmt: skip


def test_change_an_effect_run_see_the_table_change_and_download_the_pdf(server, browser, runs_root):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = browser
    d.get(server)
    _wait(d, lambda d: d.find_element(By.XPATH, '//h1[contains(., "Place and options")]'))
    _settled(d)
    # short settings: HomeFirst alone, 2 years, 2 draws, a run name of its own
    box = _wait(
        d, lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="stMultiSelect"] input'), 180
    )
    for _ in range(6):
        box.send_keys(Keys.BACKSPACE)
    box.send_keys("homefirst", Keys.ENTER, Keys.ESCAPE)
    _settled(d)
    _set_number(d, "Horizon (years from run.start_date)", "2")
    _set_number(
        d, "Uncertainty draws (1 = central values; more = Latin hypercube over the ranges)", "2"
    )
    name = _wait(
        d,
        lambda d: d.find_element(
            By.CSS_SELECTOR, 'input[aria-label="Run name (blank: the UTC date and time)"]'
        ),
    )
    name.send_keys("browser", Keys.ENTER)
    _settled(d)
    _wait(d, lambda d: "Every input is valid" in d.page_source, 120)

    _go(d, "Options table and downloads")
    before = _table(d)
    _go(d, "Effect sizes")
    _set_number(d, STEP_UP, "0.02")
    _wait(d, lambda d: "Every effect size is inside its range" in d.page_source, 120)
    _go(d, "Run")
    _click(d, '//button[.//p[text()="Run the appraisal"]]')
    _wait(d, lambda d: "Done in" in d.page_source or "The run stopped" in d.page_source, 600)
    assert "Done in" in d.page_source
    _settled(d)  # the link is drawn after the "Done in" line, by a rerun of the page
    _click(d, '//a[.//p[text()="See the options table"]]')
    _wait(d, lambda d: d.find_element(By.XPATH, '//h1[contains(., "Options table")]'))
    _settled(d)
    after = _table(d)
    assert after != before  # the options table changed
    pack = build_pack(saved.load_run(runs_root / "results" / "browser"))
    money = saved.table(pack, "Options - money").display
    assert [r[1] for r in after] == money.iloc[:, 1].tolist()  # and shows the new run's figures

    _click(d, '//button[.//p[text()="Board pack (PDF)"]]')
    pdf = d.downloads / "browser_board_pack.pdf"
    _wait(d, lambda _: pdf.is_file() and pdf.stat().st_size > 0, 60)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.read_bytes() == (runs_root / "results" / "browser" / "board_pack.pdf").read_bytes()

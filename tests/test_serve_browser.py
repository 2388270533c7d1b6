"""A clerk's session in a real browser: Debian's chromium, headless, driven by selenium.

Opens the page of a running giar-xl serve, picks a workbook with two errors, sees both
with their cells, downloads the annotated copy and an export, and the downloaded
copy carries the findings.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import openpyxl
import pytest

from giar_xl.results import ERROR_COLOUR, RESULTS_SHEET
from giar_xl.template import build_workbook

from serve_helpers import LiveServer, two_error_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                 reason="needs Debian's chromium and chromium-driver (see .ci/run)")]
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

BOOK = "两处错误.xlsx"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("serve-browser")) as s:
        yield s


@pytest.fixture
def browser(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1400", "--lang=zh-CN"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_download(folder: Path, name: str, timeout: float = 60) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        path = folder / name
        if path.exists() and not list(folder.glob("*.crdownload")) and path.stat().st_size:
            return path
        time.sleep(0.2)
    raise AssertionError(f"no download {name}: {[p.name for p in folder.iterdir()]}")


def test_clerk_checks_a_book_and_downloads_the_annotated_copy(server, browser, tmp_path):
    book = tmp_path / BOOK
    build_workbook(book, two_error_report())
    browser.get(server.url)
    assert browser.title.startswith("政府信息公开工作年度报告")
    browser.find_element(By.ID, "file").send_keys(str(book))
    wait = WebDriverWait(browser, 60)
    wait.until(lambda d: "错误 2 处" in d.find_element(By.ID, "summary").text)
    assert browser.find_element(By.ID, "summary").text == f"{BOOK}：错误 2 处，提示 3 处。"

    # both errors, each under its sheet's heading, with its cell, labels and rule, as shown on screen
    shown = {}
    for table in browser.find_elements(By.CSS_SELECTOR, "table.findings"):
        heading = table.find_element(By.XPATH, "preceding-sibling::h3[1]").text
        for row in table.find_elements(By.CSS_SELECTOR, "tr.finding"):
            cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
            assert row.is_displayed()
            shown[(heading, cells[0])] = cells
    errors = {k: v for k, v in shown.items() if v[1] == "错误"}
    assert set(errors) == {("【二、主动公开】", "B5"), ("【三、依申请公开】", "D31")}
    b5, d31 = errors[("【二、主动公开】", "B5")], errors[("【三、依申请公开】", "D31")]
    assert b5[2].startswith("V02") and "“/”" in b5[4]
    assert d31[2].startswith("I1") and "规则：" in d31[2] and "自然人" in d31[3] + d31[4]
    # no single cell can be blamed: the cells to check are named, no value is proposed
    assert "请核对 D6:D28、D30" in d31[4] and d31[5] == "" and d31[6] == ""
    browser.save_screenshot(str(tmp_path / "page.png"))

    browser.find_element(By.ID, "download-annotated").click()
    copy = wait_for_download(browser.downloads, "两处错误-校验.xlsx")
    wb = openpyxl.load_workbook(copy)
    results = wb[RESULTS_SHEET]
    assert results["A1"].value.startswith("校验结果：发现 2 个错误、3 个提示") and BOOK in results["A1"].value
    places = [results.cell(r, 4).value for r in range(4, results.max_row + 1)]
    assert any("二、主动公开!B5" in p for p in places) and any("三、依申请公开!D31" in p for p in places)
    assert wb["二、主动公开"]["B5"].fill.fgColor.rgb.endswith(ERROR_COLOUR.lstrip("#"))
    assert wb["三、依申请公开"]["D31"].fill.fgColor.rgb.endswith(ERROR_COLOUR.lstrip("#"))

    # an export is refused while the report has errors, with the reason on the page ...
    browser.find_element(By.CSS_SELECTOR, "button[data-format=docx]").click()
    wait.until(lambda d: "未导出" in d.find_element(By.ID, "status").text)
    assert "报告有 2 处错误" in browser.find_element(By.ID, "status").text
    # ... and made when the clerk insists
    browser.find_element(By.ID, "force").click()
    browser.find_element(By.CSS_SELECTOR, "button[data-format=html]").click()
    page = wait_for_download(browser.downloads, "两处错误.html")
    assert "政府信息公开工作年度报告" in page.read_text(encoding="utf-8")
    assert server.leftovers() == []


def test_unreadable_file_is_explained_on_the_page(server, browser, tmp_path):
    bad = tmp_path / "旧版.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    browser.get(server.url)
    browser.find_element(By.ID, "file").send_keys(str(bad))
    WebDriverWait(browser, 60).until(lambda d: "无法读取" in d.find_element(By.ID, "summary").text)
    text = browser.find_element(By.ID, "summary").text
    assert "旧版.xls" in text and "另存为" in text
    assert not browser.find_element(By.ID, "downloads").is_displayed()


def test_an_explained_hint_shows_as_explained_on_the_page(server, browser, tmp_path):
    """A reason the clerk wrote in the workbook (a 说明 sheet) reaches the page (issue 12)."""
    book = tmp_path / "已说明.xlsx"
    build_workbook(book, two_error_report())
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("说明")
    ws.append(["规则", "位置", "说明"])
    ws.append(["C07", "", "报告尚在审批，发布后补填。"])
    wb.save(book)
    browser.get(server.url)
    browser.find_element(By.ID, "file").send_keys(str(book))
    WebDriverWait(browser, 60).until(lambda d: "错误 2 处" in d.find_element(By.ID, "summary").text)
    assert "（已说明 1 处）" in browser.find_element(By.ID, "summary").text
    rows = [[td.text for td in row.find_elements(By.TAG_NAME, "td")]
            for row in browser.find_elements(By.CSS_SELECTOR, "tr.finding")]
    c07 = next(r for r in rows if r[2].startswith("C07"))
    assert c07[1] == "提示（已说明）" and "单位说明：报告尚在审批，发布后补填。" in c07[4]

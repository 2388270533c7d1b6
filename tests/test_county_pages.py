"""What a county office forwards: the year-on-year comparison and the overview page, as a
browser prints them (issue 18). The pages are printed to PDF by headless Chromium and read
back with pdftotext: what is asserted is what a reader of the printout sees."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from giar_xl import __version__
from giar_xl.chromium import chromium, print_pdf
from giar_xl.commands import validate as validate_module
from giar_xl.county.aggregate import aggregate, county_report
from giar_xl.county.diff import compare, render_html
from giar_xl.county.overview import overview_html
from giar_xl.county.summary import summarise
from giar_xl.county.units import Unit
from giar_xl.template import build_workbook

from conftest import balanced_report
from test_cli_chinese import english_words

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(chromium() is None or shutil.which("pdftotext") is None,
                                 reason="needs Chromium and poppler-utils")]
UNIT = "测试县甲镇人民政府"
# a cell address (D6) or a row code of the developers' notation (R1): a printout has neither
COORDINATES = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}[0-9]{1,3}(?![0-9])")


def printed(page: str, tmp: Path, name: str) -> str:
    """The page's text as Chromium prints it (without the browser's own head and foot lines)."""
    html = tmp / f"{name}.html"
    html.write_text(page, "utf-8")
    pdf = print_pdf(html, tmp / f"{name}.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    browser = re.compile(r"file://|^\s*\d+/\d+/\d+, \d+:\d+ [AP]M|\d+/\d+\s*$")  # date, address, page
    return "\n".join(line for line in text.splitlines() if not browser.search(line))


@pytest.fixture(scope="module")
def pair():
    last = balanced_report(1, agency=UNIT, year=2024)
    this = balanced_report(1, agency=UNIT, year=2025)
    for cid in ("t3.new.natural", "t3.new.total", "t3.carry_forward.natural", "t3.carry_forward.total"):
        this.values[cid] += 5
    this.texts["s5.problems"] = "今年的主要问题是栏目更新不够及时，个别政策解读形式单一，需要继续改进。"
    return last, this


def test_the_comparison_reads_as_a_page_to_forward(pair, tmp_path):
    last, this = pair
    text = printed(render_html(compare(last, this)), tmp_path, "diff")
    flat = re.sub(r"\s+", "", text)
    # in plain Chinese: no developer words, no spreadsheet coordinates
    # a formula to restore (=SUM(D6:I6)) is the spreadsheet's own word, which the clerk types
    assert not english_words(text.replace("=SUM(", "=(")), english_words(text)
    assert not COORDINATES.findall(text), COORDINATES.findall(text)[:5]
    # it says up front whose reports, which two years, and what it found
    head = flat[:400]
    assert UNIT in head and "2024年" in head and "2025年" in head, head
    assert "4个数字与上年不同" in head and "其余196个相同" in head, head
    assert "一、总体情况" in head and "内容雷同" in head, head  # the copied section, named first
    # every changed figure by its name, with both years and the change
    assert "一、本年新收政府信息公开申请数量" in flat and "+5" in flat
    # the figures that did not change are counted, then listed after the changed ones
    changed_at = flat.index("+5")
    assert flat.index("与上年相同的") > changed_at


def test_the_overview_speaks_to_the_county_office(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    bad = balanced_report(2, agency="测试县乙镇人民政府", year=2025)
    bad.values["t3.new.total"] += 1  # a total typed over: a finding on a table row
    for n, r in (("甲镇", balanced_report(1, agency=UNIT, year=2025)), ("乙镇", bad),
                 ("丙镇", balanced_report(3, agency="测试县丙镇人民政府", year=2025))):
        build_workbook(tmp_path / "in" / f"{n}.xlsx", r)
    real_check = validate_module.check

    def check(report, *args, **kwargs):  # a checker fault on one file, as a county run may meet
        if report.agency == "测试县丙镇人民政府":
            raise KeyError("t3.new.natural")
        return real_check(report, *args, **kwargs)

    monkeypatch.setattr(validate_module, "check", check)
    agg = aggregate([tmp_path / "in"], units=[Unit(UNIT, 2), Unit("测试县乙镇人民政府", 3),
                                               Unit("测试县丙镇人民政府", 4)])
    page = overview_html(county_report(agg), agg, summarise(agg), generated=datetime(2026, 1, 25, 9, 30))
    text = printed(page, tmp_path, "overview")
    assert "生成时间：2026-01-25 09:30" in text
    assert __version__ not in text  # the program's version is in the page's head, not its text
    assert "KeyError" not in text and "t3.new.natural" not in text
    assert not re.search(r"(?<![A-Za-z0-9])R[0-9]{1,2}(?![0-9])", text), text  # no row codes
    # a formula to restore (=SUM(D6:I6)) is the spreadsheet's own word, which the clerk types
    assert not english_words(text.replace("=SUM(", "=(")), english_words(text)

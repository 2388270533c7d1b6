"""``giar-xl template -o``: the suffix decides what is written (issue 15).

.xlsx is the plain workbook; .xlsm is the macro workbook with the 校验 button (a plain
workbook under an .xlsm name has the wrong content type and no macros: Excel refuses to
open it); any other suffix is refused in Chinese before anything is written.
"""

from __future__ import annotations

import zipfile

import pytest

from giar_xl.reader import read_workbook
from giar_xl.report import Report
from giar_xl.template import build_workbook
from giar_xl.template.xlsm import CAPTION, MACRO, build_xlsm

from conftest import run_cli

MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def test_xlsm_output_is_the_macro_workbook(tmp_path):
    out = tmp_path / "报告.xlsm"
    code, stdout, err = run_cli("template", "-o", out, "--agency", "测试县甲镇人民政府", "--year", "2025")
    assert code == 0, err
    expected = Report.empty(agency="测试县甲镇人民政府", year=2025)
    assert out.read_bytes() == build_xlsm(None, expected)
    with zipfile.ZipFile(out) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        assert MACRO_TYPE in z.read("[Content_Types].xml").decode("utf-8")
        vml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".vml"))
    assert f"{MACRO}</x:FmlaMacro>" in vml and CAPTION in vml
    report = read_workbook(out)
    assert report.agency == "测试县甲镇人民政府" and report.year == 2025
    assert "校验" in stdout


def test_xlsx_output_is_the_plain_workbook(tmp_path):
    out = tmp_path / "报告.XLSX"
    assert run_cli("template", "-o", out)[0] == 0
    assert out.read_bytes() == build_workbook(None, Report.empty())


@pytest.mark.parametrize("name", ["报告.docx", "报告.csv", "报告.json", "报告.xls", "报告", "报告.html"])
def test_other_suffixes_are_refused(tmp_path, name):
    out = tmp_path / name
    code, stdout, err = run_cli("template", "-o", out)
    assert code == 2, stdout + err
    assert err.startswith("错误：") and ".xlsx" in err and ".xlsm" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_import_xlsx_follows_the_same_rule(tmp_path):
    from pathlib import Path

    page = Path(__file__).parent / "fixtures" / "shizhuang-2024.txt"
    out = tmp_path / "报告.xlsm"
    code, stdout, err = run_cli("import", page, "-o", tmp_path / "报告.json", "--xlsx", out)
    assert code in (0, 1), err
    with zipfile.ZipFile(out) as z:
        assert "xl/vbaProject.bin" in z.namelist()
    code, stdout, err = run_cli("import", page, "-o", tmp_path / "另.json", "--xlsx", tmp_path / "报告.docx")
    assert code == 2 and ".xlsm" in err and not (tmp_path / "另.json").exists()

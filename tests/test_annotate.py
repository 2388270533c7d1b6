"""validate --annotate: a copy with the 校验结果 sheet and coloured cells; the original untouched."""

from __future__ import annotations

import hashlib
import zipfile

import openpyxl
import pytest

from giar_xl.checker import check
from giar_xl.layout import places
from giar_xl.reader import read_workbook
from giar_xl.results import ERROR_COLOUR, HEADER, INPUT_FILL, RESULTS_SHEET
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import t3_id
from giar_xl.template import build_workbook
from giar_xl.template.xlsm import build_xlsm

from conftest import balanced_report, run_cli

SPEC = DEFAULT_FORMAT
ISSUED = places(SPEC)["t2.regulation.issued"]


def faulty():
    r = balanced_report(5)
    r.values[t3_id("R25", "business")] += 1  # I1 fails in 商业企业
    r.values[t3_id("R25", "total")] += 1
    r.values["t2.regulation.issued"] = "无"
    return r


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fills(path):
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.fill is not None and c.fill.fill_type == "solid":
                    out[(ws.title, c.coordinate)] = c.fill.fgColor.rgb[-6:]
    return out


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_annotated_copy(tmp_path, suffix):
    src = tmp_path / f"报告{suffix}"
    (build_workbook if suffix == ".xlsx" else build_xlsm)(src, faulty())
    before = sha(src)
    out = tmp_path / f"报告-校验{suffix}"
    code, _, err = run_cli("validate", src, "--annotate", out)
    assert code == 1, err
    assert sha(src) == before  # the original is never changed
    findings = check(read_workbook(src))
    wb = openpyxl.load_workbook(out)
    ws = wb[RESULTS_SHEET]
    assert ws["A1"].value.startswith("校验结果：发现")
    assert [c.value for c in ws[3]] == list(HEADER)
    assert ws.max_row == 3 + len(findings)
    assert ws["D4"].value.startswith('=HYPERLINK("#')
    errors = {(f.sheet, f.cell) for f in findings if f.severity == "错误"}
    assert (ISSUED.sheet, ISSUED.address) in errors
    coloured = fills(out)
    for key in errors:
        assert coloured[key] == ERROR_COLOUR[1:]
    # the clerk's own values are unchanged in the copy
    assert read_workbook(out).values == read_workbook(src).values
    if suffix == ".xlsm":
        with zipfile.ZipFile(out) as z:
            assert "xl/vbaProject.bin" in z.namelist()
            assert any(n.endswith(".vml") for n in z.namelist())


def test_annotating_again_clears_the_old_colours(tmp_path):
    src = tmp_path / "a.xlsx"
    build_workbook(src, faulty())
    first = tmp_path / "b.xlsx"
    assert run_cli("validate", src, "--annotate", first)[0] == 1
    # the clerk fixes the text cell in the annotated copy and checks that copy again
    wb = openpyxl.load_workbook(first)
    wb[ISSUED.sheet][ISSUED.address] = 0
    fixed = tmp_path / "c.xlsx"
    wb.save(fixed)
    second = tmp_path / "d.xlsx"
    run_cli("validate", fixed, "--annotate", second)
    assert fills(second)[(ISSUED.sheet, ISSUED.address)] == INPUT_FILL[1:]
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames.count(RESULTS_SHEET) == 1


def test_annotate_refuses_to_overwrite_or_change_type(tmp_path):
    src = tmp_path / "a.xlsx"
    build_workbook(src, faulty())
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep")
    code, _, err = run_cli("validate", src, "--annotate", out)
    assert code == 2 and "已存在" in err and out.read_bytes() == b"keep"
    code, _, err = run_cli("validate", src, "--annotate", tmp_path / "out.xlsm")
    assert code == 2 and "扩展名" in err
    code, _, err = run_cli("validate", src, "--annotate", src)
    assert code == 2
    other = tmp_path / "other.xlsx"
    build_workbook(other, faulty())
    code, _, err = run_cli("validate", src, other, "--annotate", tmp_path / "x.xlsx")
    assert code == 2 and "单个工作簿" in err


def test_formula_looking_text_stays_text_in_the_results_sheet(tmp_path):
    r = faulty()
    r.values["t2.regulation.repealed"] = "=1+1"
    src = tmp_path / "a.xlsx"
    build_workbook(src, r)
    out = tmp_path / "b.xlsx"
    run_cli("validate", src, "--annotate", out)
    ws = openpyxl.load_workbook(out)[RESULTS_SHEET]
    values = [c.value for row in ws.iter_rows(min_row=4) for c in row[4:]]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)

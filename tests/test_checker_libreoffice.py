"""The same filled report checks identically whether openpyxl wrote the file (no cached
values) or LibreOffice saved it (every formula's result cached)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from giar_xl.checker import check
from giar_xl.checker.cases import CASE_TODAY, base_previous, base_report
from giar_xl.layout import places
from giar_xl.libreoffice import convert
from giar_xl.reader import read_workbook
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook

pytestmark = pytest.mark.slow
WHERE = places(DEFAULT_FORMAT)


def summary(findings):
    return [(f.code, f.sheet, f.cell, f.expected, f.actual, f.message) for f in findings]


def test_openpyxl_and_libreoffice_files_check_identically(tmp_path: Path):
    r = base_report()
    for vc in DEFAULT_FORMAT.value_cells:
        if not vc.is_input:
            del r.values[vc.id]  # not given: the template writes its formula
    r.values["t3.new.research"] = "/"  # V02
    r.values["t3.carry_forward.business"] = 2  # I1 in the 商业企业 column
    r.values["t2.coercion.decisions"] = 1.5  # V06
    r.texts["s5.rectification"] = ""  # N02
    written = tmp_path / "openpyxl.xlsx"
    build_workbook(written, r)
    wb = openpyxl.load_workbook(written)
    p = WHERE["t4.direct.total"]
    wb[p.sheet][p.address] = 7  # F01: a number typed over 行政诉讼 总计
    wb.save(written)

    saved = convert(written, "xlsx", tmp_path / "lo")
    plain, recalculated = read_workbook(written), read_workbook(saved)
    assert not any(c.has_cache for c in plain.cells.values())
    assert any(c.has_cache for c in recalculated.cells.values())

    prev = base_previous()
    a = check(plain, prev, today=CASE_TODAY)
    b = check(recalculated, prev, today=CASE_TODAY)
    assert summary(a) == summary(b)
    assert [(f.code, f.sheet, f.cell) for f in a] == [
        ("N04", "一、总体情况", "A8"),  # the text's 结转下年度 0 件 against R25 = 2
        ("N04", "一、总体情况", "A14"),  # 行政诉讼 0 件 against the typed 7
        ("V06", "二、主动公开", "B13"),
        ("V02", "三、依申请公开", "F6"),
        ("I1", "三、依申请公开", "E30"),
        ("F01", "四、复议诉讼", "J6"),
        ("N02", "五、问题及改进", "A8")]

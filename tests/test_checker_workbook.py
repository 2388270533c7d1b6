"""Every rule on a real workbook: the template builder writes the base report, openpyxl
damages it as a clerk would, the reader reads it back, and the checker must report exactly
that finding at the right cell (and nothing for the passing example)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from giar_xl.checker import RULES, check
from giar_xl.checker.cases import CASE_TODAY, Case, base_previous, base_report, build, run
from giar_xl.layout import defined_name, places
from giar_xl.reader import read_workbook
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook

from excel_edits import edit

SPEC = DEFAULT_FORMAT
WHERE = places(SPEC)


def filled(case: Case) -> Report:
    """The report the clerk typed: the base with the case's entries (totals left to formulas)."""
    if not case.workbook:
        return build(case)[0]  # a published report whose totals do not add up, kept as typed
    r = base_report()
    r.meta.update(case.meta)  # the record distribute writes into the workbook
    r.values.update(case.values)
    r.texts.update(case.texts)
    for key, value in case.cover.items():
        setattr(r, key, value)
    for vc in SPEC.value_cells:
        if not vc.is_input:
            del r.values[vc.id]  # not given: the template writes its formulas
    return r


def insert_rows(wb, sheet: str, before: int) -> None:
    """What Excel does on 插入行: cells, formulas, defined names and merged ranges move down."""
    edit(wb, sheet, "row", before, 1)


def damage(wb, op: tuple) -> None:
    kind, *args = op
    if kind == "delete_sheet":
        del wb[args[0]]
    elif kind == "hide_sheet":
        wb[args[0]].sheet_state = "hidden"
    elif kind == "set_version":
        wb["_giar"]["B2"] = args[0]
    elif kind == "set_cell":
        wb[args[0]][args[1]] = args[2]
    elif kind == "insert_rows":
        insert_rows(wb, *args)
    elif kind == "insert_cols":
        edit(wb, args[0], "col", args[1], 1)
    elif kind == "break_name":
        wb.defined_names[defined_name(args[0])].attr_text = "#REF!"
    else:
        raise ValueError(kind)


def set_cached(path: Path, wb, cid: str, value) -> None:
    """Give a formula cell a stored result, as Excel would after a calculation."""
    p = WHERE[cid]
    member = f"xl/worksheets/sheet{wb.sheetnames.index(p.sheet) + 1}.xml"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[member].decode()
    xml, n = re.subn(rf'(<c r="{p.address}"[^>]*><f>[^<]*</f>)<v\s*(?:/>|></v>)',
                     rf"\g<1><v>{value}</v>", xml)
    assert n == 1
    parts[member] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)


def workbook(case: Case, path: Path) -> Path:
    build_workbook(path, filled(case))
    edits = case.overwrite or case.formulas or case.damage or case.cached
    if edits:
        wb = openpyxl.load_workbook(path)
        for cid, typed in {**case.overwrite, **case.formulas}.items():
            wb[WHERE[cid].sheet][WHERE[cid].address] = typed
        for op in case.damage:
            damage(wb, op)
        wb.save(path)
        for cid, value in case.cached.items():
            set_cached(path, wb, cid, value)
    return path


def previous_of(case: Case, tmp: Path) -> Report:
    """Last year's report; for the cross-year rules, read from a real workbook too."""
    prev = build(case)[1]
    if not (case.prev_values or case.prev_texts or case.prev_year):
        return base_previous()
    build_workbook(tmp / "previous.xlsx", prev)
    return read_workbook(tmp / "previous.xlsx")


def expected_code(rule) -> str:
    # in a workbook I2–I4 are kept by the template's formulas: a total that does not add
    # up can only be a number typed over the formula, which F01 reports at the same cell
    return "F01" if not rule.fail.workbook else rule.code


def test_base_workbook_reads_back_clean(tmp_path: Path):
    report = read_workbook(workbook(Case("base"), tmp_path / "base.xlsx"))
    assert report.structure == []
    assert check(report, base_previous(), today=CASE_TODAY) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_failing_workbook_triggers_exactly_this_finding(rule, tmp_path: Path):
    report = read_workbook(workbook(rule.fail, tmp_path / "fail.xlsx"))
    found = check(report, None if rule.fail.previous_error else previous_of(rule.fail, tmp_path),
                  today=CASE_TODAY, previous_error=rule.fail.previous_error)
    assert [f.code for f in found] == [expected_code(rule)], [(f.code, f.cell, f.message) for f in found]
    f = found[0]
    if rule.fail.at is not None:
        assert (f.id, f.sheet, f.cell) == (rule.fail.at, WHERE[rule.fail.at].sheet,
                                          WHERE[rule.fail.at].address)
    else:
        # the Report-level example (and docs/rules.md) words the note as the reader does
        (as_documented,) = run(rule.fail)
        assert (f.sheet, f.cell, f.message, f.expected, f.actual) == (
            as_documented.sheet, as_documented.cell, as_documented.message,
            as_documented.expected, as_documented.actual)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_passing_workbook_triggers_nothing(rule, tmp_path: Path):
    report = read_workbook(workbook(rule.passes, tmp_path / "pass.xlsx"))
    assert check(report, previous_of(rule.passes, tmp_path), today=CASE_TODAY) == []

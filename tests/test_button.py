"""The 校验 button's Python side, run headless through xlwings' remote engine.

The payload is what Excel would send for a real filled workbook: the values of
each sheet after LibreOffice recalculated it (as Excel would have).
"""

from __future__ import annotations

import json

import openpyxl
import pytest

from giar_xl.checker import check
from giar_xl.layout import BINDING_SHEET, places
from giar_xl.libreoffice import convert
from giar_xl.reader import read_workbook
from giar_xl.results import (ERROR_COLOUR, HEADER, INPUT_FILL, NOTICE_COLOUR, RESULTS_SHEET,
                             summary_text)
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import t3_id
from giar_xl.template import build_workbook

from conftest import balanced_report

xw = pytest.importorskip("xlwings")
SPEC = DEFAULT_FORMAT
BOOK_NAME = "2025年报(1).xlsm"  # a renamed copy: nothing may derive a module name from it


def faulty_report():
    r = balanced_report(3)
    r.values[t3_id("R1", "natural")] += 2  # table 三 no longer balances in 自然人
    r.values[t3_id("R1", "total")] += 2
    r.values["t2.regulation.issued"] = "/"  # text where a number belongs
    return r


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("button")
    src = tmp / "book.xlsx"
    build_workbook(src, faulty_report())
    return convert(src, "xlsx", tmp / "lo")


def payload_from(path, extra_sheets=(), name=BOOK_NAME):
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [["" if c.value is None else c.value for c in row]
                  for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column)]
        sheets.append({"name": ws.title, "values": values, "pictures": [], "tables": []})
    sheets.extend(extra_sheets)
    return {"client": "Microsoft Office Scripts", "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"}, "sheets": sheets}


def actions_of(book):
    return book.json()["actions"]


def run_entry(payload):
    from giar_xl.button import check_book

    names = [s["name"] for s in payload["sheets"]]  # before: the engine appends added sheets
    book = xw.Book(json=payload)
    summary = check_book(book)
    return summary, actions_of(book), names + ([] if RESULTS_SHEET in names else [RESULTS_SHEET])


def coloured(actions, sheet_names):
    out = {}
    for a in actions:
        if a["func"] == "setRangeColor":
            sheet = sheet_names[a["sheet_position"]]
            address = f"{chr(ord('A') + a['start_column'])}{a['start_row'] + 1}"
            out[(sheet, address)] = a["args"][0]
    return out


def test_first_run_writes_results_colours_and_alert(recalculated):
    summary, actions, names = run_entry(payload_from(recalculated))
    # the same findings the command-line checker gives for the file (minus formula provenance)
    expected = check(read_workbook(recalculated))
    errors = {(f.sheet, f.cell) for f in expected if f.severity == "错误"}
    assert any(sheet == "三、依申请公开" for sheet, _ in errors)  # the unbalanced 自然人 column
    assert ("二、主动公开", places(SPEC)["t2.regulation.issued"].address) in errors
    colours = coloured(actions, names)
    assert {k for k, v in colours.items() if v == ERROR_COLOUR} == errors
    assert all(v in (ERROR_COLOUR, NOTICE_COLOUR) for v in colours.values())
    assert ("二、主动公开", places(SPEC)["t2.regulation.issued"].address) in colours
    # the template's own results sheet (a locked structure takes no new sheet), written in one
    # bulk setValues
    assert names[-1] == RESULTS_SHEET and not [a for a in actions if a["func"] == "addSheet"]
    writes = [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == len(names) - 1]
    assert len(writes) == 1
    rows = writes[0]["values"]
    assert rows[0][0].startswith("校验结果：" + summary)
    assert rows[2] == list(HEADER)
    assert len(rows) == 3 + len(expected)
    assert rows[3][3].startswith('=HYPERLINK("#')
    # the alert comes last and says what was found
    alert = actions[-1]
    assert alert["func"] == "alert" and alert["args"][0].startswith(summary)
    assert summary == summary_text(expected) and "错误" in summary
    # the coloured cells are remembered on the hidden sheet for the next run
    memo = [a for a in actions if a["func"] == "setValues"
            and names[a["sheet_position"]] == BINDING_SHEET]
    assert {tuple(x) for x in json.loads(memo[0]["values"][0][0])} == set(colours)


def test_second_run_clears_its_own_colours_only(recalculated):
    first_summary, first, names = run_entry(payload_from(recalculated))
    memo = next(a for a in first if a["func"] == "setValues" and names[a["sheet_position"]] == BINDING_SHEET)
    before = coloured(first, names)
    # the clerk fixes the text cell; Excel sends the book again with the memo and the results sheet
    wb_values = payload_from(recalculated)
    next(s for s in wb_values["sheets"] if s["name"] == RESULTS_SHEET)["values"] = [["旧结果"]]
    binding = next(s for s in wb_values["sheets"] if s["name"] == BINDING_SHEET)
    while len(binding["values"]) < 6:
        binding["values"].append([""] * len(binding["values"][0]))
    binding["values"][5][1] = memo["values"][0][0]
    issued = places(SPEC)["t2.regulation.issued"].address
    t2 = next(s for s in wb_values["sheets"] if s["name"] == "二、主动公开")
    t2["values"][int(issued[1:]) - 1][ord(issued[0]) - ord("A")] = 0
    _, actions, names = run_entry(wb_values)
    assert not [a for a in actions if a["func"] == "addSheet"]
    assert [a["func"] for a in actions if a["func"] == "sheetClearContents"] == ["sheetClearContents"]
    restores = [a for a in actions if a["func"] == "setRangeColor"
                and a["args"][0] not in (ERROR_COLOUR, NOTICE_COLOUR)]
    restored = {(names[a["sheet_position"]], f"{chr(ord('A') + a['start_column'])}{a['start_row'] + 1}")
                for a in restores}
    assert restored == set(before)  # exactly the cells it coloured, nothing else
    fixed = ("二、主动公开", issued)
    assert next(a["args"][0] for a in restores
                if (names[a["sheet_position"]], f"{chr(ord('A') + a['start_column'])}{a['start_row'] + 1}")
                == fixed) == INPUT_FILL
    assert fixed not in {k for k, v in coloured(actions, names).items()
                         if v in (ERROR_COLOUR, NOTICE_COLOUR)}
    # no write to any cell of the clerk's sheets
    writes = {names[a["sheet_position"]] for a in actions if a["func"] == "setValues"}
    assert writes <= {RESULTS_SHEET, BINDING_SHEET}


def test_runpython_route_uses_the_caller(recalculated):
    from giar_xl import button

    book = xw.Book(json=payload_from(recalculated))
    book.set_mock_caller()
    button.run()
    caller = xw.Book.caller()
    results = [s.name for s in caller.sheets].index(RESULTS_SHEET)
    assert any(a["func"] == "setValues" and a["sheet_position"] == results for a in actions_of(caller))


def test_an_older_book_without_the_results_sheet_gets_one(recalculated):
    """Workbooks from before the results sheet was part of the template (and not locked)."""
    payload = payload_from(recalculated)
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != RESULTS_SHEET]
    _, actions, names = run_entry(payload)
    add = [a for a in actions if a["func"] == "addSheet"]
    assert add and add[0]["args"][1] == RESULTS_SHEET
    assert any(a["func"] == "setValues" and a["sheet_position"] == len(names) - 1 for a in actions)


def test_server_route_returns_the_actions(recalculated):
    from giar_xl.button import server_entry

    out = server_entry(payload_from(recalculated))
    assert out["actions"][-1]["func"] == "alert"


def test_foreign_workbook_changes_nothing():
    payload = {"client": "Microsoft Office Scripts", "version": xw.__version__,
               "book": {"name": "工资表.xlsx", "active_sheet_index": 0, "selection": "A1"},
               "sheets": [{"name": "Sheet1", "values": [["姓名", "金额"], ["张三", 100]],
                           "pictures": [], "tables": []}]}
    summary, actions, _ = run_entry(payload)
    assert [a["func"] for a in actions] == ["alert"]
    assert "不是 giar-xl 标准工作簿" in actions[0]["args"][0] and "未做任何修改" in summary


def test_clean_book_says_passed(tmp_path):
    r = balanced_report(4)
    r.texts["s5.rectification"] = "上年度报告所列问题已全部整改。"
    src = tmp_path / "clean.xlsx"
    build_workbook(src, r)
    out = convert(src, "xlsx", tmp_path / "lo")
    findings = check(read_workbook(out))
    summary, actions, _ = run_entry(payload_from(out))
    assert summary == summary_text(findings)
    assert actions[-1]["args"][0].startswith(summary)

"""The 校验 button pointed at a running giar-xl serve (xlwings Server, ``RunRemotePython``).

The request is what xlwings' VBA client (``Remote.bas``, ``RunServerPython``) posts for a
real filled workbook whose formulas LibreOffice recalculated, as Excel would have; the
answer must be the remote engine's actions, and only actions that client can run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from giar_xl.checker import check
from giar_xl.layout import BINDING_SHEET
from giar_xl.libreoffice import convert
from giar_xl.reader import read_workbook
from giar_xl.results import ERROR_COLOUR, HEADER, NOTICE_COLOUR, RESULTS_SHEET, summary_text
from giar_xl.serve import BUTTON_PATH
from giar_xl.template import build_workbook

from serve_helpers import LiveServer, two_error_report
from test_button import payload_from

xw = pytest.importorskip("xlwings")
pytestmark = pytest.mark.slow  # LibreOffice recalculates the workbook
BOOK_NAME = "2025年报(1).xlsm"


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("button-serve")
    build_workbook(tmp / "book.xlsx", two_error_report())
    return convert(tmp / "book.xlsx", "xlsx", tmp / "lo")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("serve-button")) as s:
        yield s


def vba_payload(path: Path) -> dict:
    """The JSON body RunServerPython builds (Remote.bas): client "VBA", the book's names, and each
    sheet's values from A1 to the end of its used range."""
    payload = payload_from(path, name=BOOK_NAME)
    wb = openpyxl.load_workbook(path)
    index = {s["name"]: i for i, s in enumerate(payload["sheets"])}
    names = []
    for name, dn in list(wb.defined_names.items())[:40]:
        sheet, _, address = dn.attr_text.partition("!")
        if sheet.strip("'") in index:
            names.append({"name": name, "sheet_index": index[sheet.strip("'")], "address": address.replace("$", ""),
                          "book_scope": True, "scope_sheet_name": None, "scope_sheet_index": None})
    return {**payload, "client": "VBA", "names": names}


def vba_actions() -> set[str]:
    """The action handlers xlwings' VBA client defines: it runs each action as ``Application.Run func``."""
    source = (Path(xw.__file__).parent / "addin" / "Remote.bas").read_text(encoding="utf-8", errors="replace")
    return set(re.findall(r"^Sub (\w+)\(wb As Workbook, action As Dictionary\)", source, re.M))


def colours(actions: list[dict], names: list[str]) -> dict[tuple[str, str], str]:
    out = {}
    for a in actions:
        if a["func"] == "setRangeColor":
            address = f"{chr(ord('A') + a['start_column'])}{a['start_row'] + 1}"
            out[(names[a["sheet_position"]], address)] = a["args"][0]
    return out


def test_button_over_http_gives_the_results_sheet_and_colours(server, recalculated):
    payload = vba_payload(recalculated)
    r = server.client.post(BUTTON_PATH, json=payload)
    assert r.status_code == 200, r.text
    actions = r.json()["actions"]
    # the same answer as the in-process entry the other xlwings routes use
    from giar_xl.button import server_entry

    assert actions == json.loads(json.dumps(server_entry(vba_payload(recalculated))["actions"], default=str))
    names = [s["name"] for s in payload["sheets"]]
    expected = check(read_workbook(recalculated))
    errors = {(f.sheet, f.cell) for f in expected if f.severity == "错误"}
    assert errors == {("二、主动公开", "B5"), ("三、依申请公开", "D31")}
    coloured = colours(actions, names)
    assert {k for k, v in coloured.items() if v == ERROR_COLOUR} == errors
    assert set(coloured.values()) <= {ERROR_COLOUR, NOTICE_COLOUR}
    # the template's own results sheet: the workbook's structure is locked, no sheet is added
    assert names[-1] == RESULTS_SHEET and not [a for a in actions if a["func"] == "addSheet"]
    rows = next(a["values"] for a in actions
                if a["func"] == "setValues" and a["sheet_position"] == len(names) - 1)
    assert rows[2] == list(HEADER) and len(rows) == 3 + len(expected)
    assert rows[0][0].startswith("校验结果：" + summary_text(expected))
    assert actions[-1]["func"] == "alert" and actions[-1]["args"][0].startswith("发现 2 个错误")
    memo = next(a for a in actions if a["func"] == "setValues" and names[a["sheet_position"]] == BINDING_SHEET)
    assert {tuple(x) for x in json.loads(memo["values"][0][0])} == set(coloured)
    assert server.leftovers() == []


def test_every_action_is_one_the_vba_client_runs(server, recalculated):
    handlers = vba_actions()
    assert {"setValues", "setRangeColor", "addSheet", "alert", "sheetClearContents"} <= handlers
    payload = vba_payload(recalculated)
    first = server.client.post(BUTTON_PATH, json=payload).json()["actions"]
    # a second click: the results sheet exists and the memo of coloured cells is filled in
    memo = next(a for a in first if a["func"] == "setValues" and a["values"] and isinstance(a["values"][0][0], str)
                and a["values"][0][0].startswith("[["))
    next(s for s in payload["sheets"] if s["name"] == RESULTS_SHEET)["values"] = [["旧结果"]]
    binding = next(s for s in payload["sheets"] if s["name"] == BINDING_SHEET)
    row, col = memo["start_row"], memo["start_column"]
    while len(binding["values"]) <= row:
        binding["values"].append([""] * len(binding["values"][0]))
    binding["values"][row][col] = memo["values"][0][0]
    second = server.client.post(BUTTON_PATH, json=payload).json()["actions"]
    for actions in (first, second):
        assert {a["func"] for a in actions} <= handlers
        for a in actions:
            if a["func"] == "setRangeColor":  # the VBA client converts "#RRGGBB" with HexToRgb
                assert re.fullmatch(r"#[0-9A-Fa-f]{6}", a["args"][0]), a
            if a["func"] == "alert":  # it reads args(1) to args(5)
                assert len(a["args"]) == 5
    assert "sheetClearContents" in {a["func"] for a in second}


def test_foreign_workbook_is_left_alone(server):
    payload = {"client": "VBA", "version": xw.__version__,
               "book": {"name": "工资表.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
               "sheets": [{"name": "Sheet1", "values": [["姓名", "金额"], ["张三", 100]], "pictures": [],
                           "tables": []}]}
    actions = server.client.post(BUTTON_PATH, json=payload).json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert "不是 giar-xl 标准工作簿" in actions[0]["args"][0]


def test_without_licence_the_button_says_how_to_enable_it(tmp_path, recalculated):
    with LiveServer(tmp_path / "tmp", workers=1, licence=False) as s:
        assert "按钮接口未启用" in s.output
        r = s.client.post(BUTTON_PATH, json=vba_payload(recalculated))
        assert r.status_code == 503
        assert r.headers["content-type"].startswith("text/plain")
        assert "XLWINGS_LICENSE_KEY=noncommercial" in r.text
        # the page and the API do not need the licence
        assert s.client.get("/api/status").json()["button"] is False

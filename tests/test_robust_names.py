"""File names that are not UTF-8 (issue 15).

A zip made on Chinese Windows stores its names in GBK; unzipped on Linux, the names
are bytes that do not decode as UTF-8, and Python hands them over with lone
surrogates (``surrogateescape``). Every command must still open such a file, and must
name it readably (decoded as GBK) in what it prints and writes: text, JSON, workbooks.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import openpyxl
import pytest

from giar_xl.template import build_workbook
from giar_xl.text import readable_path

from conftest import balanced_report, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32" or os.fsencode("回") != "回".encode("utf-8"),
                                reason="needs a file system with byte file names and a UTF-8 locale")

GOOD = "甲镇年报.xlsx"
BAD = "坏文件.xlsx"
AGENCY = "测试县甲镇人民政府"


def gbk_path(folder: Path, name: str) -> Path:
    """The path a Chinese-Windows zip gives after unzipping on Linux."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + name.encode("gbk")))


@pytest.fixture
def county(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    gbk_path(folder, GOOD).write_bytes(build_workbook(None, balanced_report(1, agency=AGENCY)))
    gbk_path(folder, BAD).write_bytes(b"not a workbook")
    build_workbook(folder / "乙镇.xlsx", balanced_report(2, agency="测试县乙镇人民政府"))
    names = os.listdir(folder)
    assert any("\udc80" <= ch <= "\udcff" for n in names for ch in n)  # the names really are bytes
    return folder


def clean(text: str) -> str:
    assert not any("\ud800" <= ch <= "\udfff" for ch in text), text
    assert "\ufffd" not in text and "Traceback" not in text, text
    return text


def test_readable_path_decodes_gbk_per_part(tmp_path):
    p = gbk_path(tmp_path / "回收", GOOD)
    assert readable_path(p) == str(tmp_path / "回收" / GOOD)
    assert readable_path("普通/名字.xlsx") == "普通/名字.xlsx"
    assert readable_path(Path(os.fsdecode(b"\xff\xfe.xlsx"))).endswith(".xlsx")


def test_validate_folder_names_files_readably(county):
    code, out, err = run_cli("validate", county)
    assert code == 2  # one file cannot be read
    assert GOOD in clean(out) and BAD in out and "无法读取" in out
    code, out, err = run_cli("validate", county, "--format", "json")
    doc = json.loads(clean(out))
    assert {Path(r["file"]).name for r in doc["files"]} == {GOOD, BAD, "乙镇.xlsx"}


def test_aggregate_names_files_readably(county, tmp_path):
    summary = tmp_path / "汇总.xlsx"
    code, out, err = run_cli("aggregate", county, "-o", summary)
    assert code == 2, out + err  # the unreadable file is listed, the run completes
    assert BAD in clean(out + err)
    ws = openpyxl.load_workbook(summary)["文件清单"]
    files = {Path(c.value).name for c in ws["B"] if isinstance(c.value, str) and c.value.endswith(".xlsx")}
    assert {GOOD, BAD, "乙镇.xlsx"} <= files
    assert GOOD in clean(summary.with_suffix(".html").read_text("utf-8"))


def test_distribute_previous_names_files_readably(county, tmp_path):
    units = tmp_path / "名单.csv"
    units.write_text("单位名称\n测试县甲镇人民政府\n测试县丙镇人民政府\n", "utf-8")
    out_dir = tmp_path / "下发"
    code, out, err = run_cli("distribute", units, "--year", "2026", "-o", out_dir, "--previous", county)
    assert code == 0, out + err
    assert BAD in clean(out + err)
    from giar_xl.reader import read_workbook

    meta = read_workbook(out_dir / f"{AGENCY}.xlsx").meta
    assert meta["previous_file"] == GOOD


def test_single_file_commands_name_the_file_readably(county, tmp_path):
    good, bad = gbk_path(county, GOOD), gbk_path(county, BAD)
    for args in (("export", good, "--to", "html,json", "-o", tmp_path / "导出"),
                 ("export", bad, "--to", "html", "-o", tmp_path / "导出2"),
                 ("diff", good, county / "乙镇.xlsx"),
                 ("diff", bad, county / "乙镇.xlsx"),
                 ("validate", good, "--annotate", tmp_path / "标注.xlsx"),
                 ("validate", bad, "--previous", good)):
        code, out, err = run_cli(*args)
        assert code in (0, 1, 2), (args, out + err)
        clean(out + err)
        if code == 2:
            assert BAD in out + err, (args, out + err)
    assert {p.name for p in (tmp_path / "导出").iterdir()} >= {os.fsdecode("甲镇年报.html".encode("gbk"))}
    ws = openpyxl.load_workbook(tmp_path / "标注.xlsx")["校验结果"]
    assert GOOD in ws["A1"].value


def test_text_typed_in_a_gbk_console_is_decoded(tmp_path, county):
    """--agency and --name typed in a GBK terminal reach Python as surrogate-escaped bytes."""
    from giar_xl.reader import read_workbook

    typed = os.fsdecode("测试县丙镇人民政府".encode("gbk"))
    book = gbk_path(tmp_path, "丙镇.xlsx")
    code, out, err = run_cli("template", "-o", book, "--agency", typed, "--year", "2025")
    assert code == 0, err
    assert "丙镇.xlsx" in clean(out)
    assert read_workbook(book).agency == "测试县丙镇人民政府"
    summary = tmp_path / "汇总.xlsx"
    code, out, err = run_cli("aggregate", county / "乙镇.xlsx", "-o", summary, "--name", os.fsdecode("某县".encode("gbk")))
    assert code in (0, 1), err
    assert read_workbook(summary).agency.startswith("某县")

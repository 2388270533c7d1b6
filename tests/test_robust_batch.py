"""Batch runs skip what Windows, macOS, Excel and Word leave in a folder (issue 15).

A county's folder of returned workbooks, copied from e-mail, a USB stick or a Mac,
holds Thumbs.db, desktop.ini, Word's ~WRL*.tmp, Excel's ~$ owner files, .DS_Store
and AppleDouble ._ files. None of them is a report; none may turn a run into exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from giar_xl.county.match import junk_reason
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli

JUNK = {
    "Thumbs.db": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500,
    "desktop.ini": "[.ShellClassInfo]\r\nLocalizedResourceName=回收\r\n".encode("utf-16"),
    "~WRL0001.tmp": b"\0" * 64,
    "~$甲镇.xlsx": b"\x08giar    " + b"\0" * 150,
    ".DS_Store": b"\0\0\0\1Bud1" + b"\0" * 100,
    "._甲镇.xlsx": b"\0\5\26\7" + b"\0" * 100,
}


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "回收"
    d.mkdir()
    build_workbook(d / "甲镇.xlsx", balanced_report(1, agency="测试县甲镇人民政府", year=2025))
    build_workbook(d / "乙镇.xlsx", balanced_report(2, agency="测试县乙镇人民政府", year=2025))
    for name, body in JUNK.items():
        (d / name).write_bytes(body)
    sub = d / "__MACOSX"  # what unzipping a zip made on a Mac adds
    sub.mkdir()
    (sub / "._乙镇.xlsx").write_bytes(JUNK["._甲镇.xlsx"])
    return d


@pytest.mark.parametrize("name", list(JUNK) + ["thumbs.db", "Desktop.ini", "~wrl3721.TMP", "__MACOSX/._x.xlsx"])
def test_junk_is_recognised(name):
    assert junk_reason(Path(name))


@pytest.mark.parametrize("name", ["甲镇.xlsx", "Thumbs.db.xlsx", "desktop.json", "~WRL.xlsx", "年报~$.xlsx"])
def test_reports_are_not_junk(name):
    assert junk_reason(Path(name)) is None


def test_validate_folder_skips_junk(folder):
    code, out, err = run_cli("validate", folder)
    assert code == 0, out + err
    assert "合计：2 个文件" in out and "无法读取" not in out
    assert "已跳过" in err and "Thumbs.db" in err


def test_validate_files_named_one_by_one_skips_junk(folder):
    """``giar-xl validate 回收/*``: the shell names every file (dot files aside)."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    code, out, err = run_cli("validate", *files)
    assert code == 0 and "合计：2 个文件" in out, out + err


def test_aggregate_lists_junk_as_ignored(folder, tmp_path):
    code, out, err = run_cli("aggregate", folder, "-o", tmp_path / "汇总.xlsx")
    assert code == 0, out + err
    assert "已汇总 2 个单位" in out and "无法读取" not in out


def test_distribute_previous_skips_junk(folder, tmp_path):
    units = tmp_path / "名单.csv"
    units.write_text("单位名称\n测试县甲镇人民政府\n测试县乙镇人民政府\n", "utf-8")
    code, out, err = run_cli("distribute", units, "--year", "2026", "-o", tmp_path / "下发",
                             "--previous", folder)
    assert code == 0, out + err
    assert "预填“上年结转”：2 个单位" in out and "无法读取" not in out


def test_validate_previous_folder_skips_junk(folder, tmp_path):
    code, out, err = run_cli("validate", folder / "甲镇.xlsx", "--previous", folder)
    assert code in (0, 1) and "无法读取" not in err, out + err

"""Where outputs may go (issue 15): one rule for every command's -o.

- An output file goes into an existing folder; a missing folder is never created behind
  the clerk's back (a typo in the path would otherwise scatter files): Chinese error, exit 2.
- An output folder (distribute -o, demo -o, export -o with several formats) is created when
  only that last folder is missing; its parent must exist.
- A path through a file, a read-only place or a folder with no write permission: Chinese
  error naming the path, exit 2, no traceback, nothing written.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli


@pytest.fixture
def inputs(tmp_path):
    src = tmp_path / "输入"
    src.mkdir()
    build_workbook(src / "甲镇.xlsx", balanced_report(1, agency="测试县甲镇人民政府"))
    build_workbook(src / "乙镇.xlsx", balanced_report(2, agency="测试县乙镇人民政府"))
    units = src / "名单.csv"
    units.write_text("单位名称\n测试县甲镇人民政府\n", "utf-8")
    page = src / "报告.txt"
    page.write_text((Path(__file__).parent / "fixtures" / "shizhuang-2024.txt").read_text("utf-8"), "utf-8")
    return src


def commands(src: Path, out: Path) -> dict[str, list]:
    """Every command that writes, with its output at ``out`` (a file or a folder path)."""
    book, other = src / "甲镇.xlsx", src / "乙镇.xlsx"
    return {
        "template": ["template", "-o", out / "a.xlsx"],
        "validate -o": ["validate", book, "-o", out / "a.txt"],
        "validate --annotate": ["validate", book, "--annotate", out / "a.xlsx"],
        "export": ["export", book, "--to", "html", "-o", out / "a.html"],
        "export (folder)": ["export", book, "--to", "html,txt", "-o", out / "导出"],
        "import": ["import", src / "报告.txt", "-o", out / "a.json"],
        "import --xlsx": ["import", src / "报告.txt", "-o", src / "导入.json", "--xlsx", out / "a.xlsx"],
        "aggregate": ["aggregate", book, other, "-o", out / "a.xlsx"],
        "diff": ["diff", book, other, "-o", out / "a.txt"],
        "distribute": ["distribute", src / "名单.csv", "--year", "2025", "-o", out / "下发"],
        "demo": ["demo", "-o", out / "演示"],
    }


NAMES = list(commands(Path("."), Path(".")))


@pytest.mark.parametrize("name", NAMES)
def test_missing_folders_are_not_created(inputs, tmp_path, name):
    missing = tmp_path / "没有的" / "文件夹"
    code, out, err = run_cli(*commands(inputs, missing)[name])
    assert code == 2, (out, err)
    assert err.startswith("错误：") and "不存在" in err and "Traceback" not in err, err
    assert "没有的" in err
    assert not (tmp_path / "没有的").exists()


@pytest.mark.parametrize("name", NAMES)
def test_a_path_through_a_file_is_refused(inputs, tmp_path, name):
    blocker = tmp_path / "一个文件"
    blocker.write_text("x", "utf-8")
    code, out, err = run_cli(*commands(inputs, blocker)[name])
    assert code == 2, (out, err)
    assert err.startswith("错误：") and "不是文件夹" in err and "Traceback" not in err, err
    assert blocker.read_text("utf-8") == "x"


def test_output_folder_itself_is_created(inputs, tmp_path):
    code, out, err = run_cli(*commands(inputs, tmp_path)["distribute"])
    assert code == 0, err
    assert (tmp_path / "下发" / "测试县甲镇人民政府.xlsx").exists()
    code, out, err = run_cli(*commands(inputs, tmp_path)["export (folder)"])
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "导出").iterdir()) == ["甲镇.html", "甲镇.txt"]


def read_only_places(tmp_path: Path) -> list[Path]:
    """Places the OS refuses to write, as the tests' user (root ignores permission bits)."""
    places = [Path("/proc/giar-xl-test")]  # procfs: no new entries for anyone
    if os.geteuid() != 0:
        locked = tmp_path / "只读"
        locked.mkdir()
        locked.chmod(0o555)
        places += [locked / "下发", locked]
    return places


def test_distribute_into_a_read_only_place(inputs, tmp_path):
    for place in read_only_places(tmp_path):
        code, out, err = run_cli("distribute", inputs / "名单.csv", "--year", "2025", "-o", place)
        assert code == 2, (place, out, err)
        assert err.startswith("错误：") and "无法写入" in err and "Traceback" not in err, err


@pytest.mark.parametrize("error", [errno.EACCES, errno.EROFS, errno.ENOSPC])
def test_distribute_when_the_folder_refuses_writes(inputs, tmp_path, monkeypatch, error):
    """What a read-only share or a full disk does to the first workbook written."""
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    code, out, err = run_cli("distribute", inputs / "名单.csv", "--year", "2025", "-o", tmp_path / "下发")
    assert code == 2 and err.startswith("错误：") and "无法写入" in err, (out, err)
    assert not list((tmp_path / "下发").glob("*.xlsx"))


def test_distribute_mkdir_refused(inputs, tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    code, out, err = run_cli("distribute", inputs / "名单.csv", "--year", "2025", "-o", tmp_path / "下发")
    assert code == 2 and "没有写入权限" in err, (out, err)

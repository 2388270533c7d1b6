"""distribute with last year's folder: what it carries, and what it lists instead of stopping."""

from __future__ import annotations

import json

from giar_xl.county.distribute import carry_over, new_report
from giar_xl.county.match import PreviousIndex, stem_key
from giar_xl.county.units import Unit
from giar_xl.reader import read_workbook
from giar_xl.spec.format2021 import t3_id
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli


def test_carry_over_skips_text_cells_and_warns_on_the_wrong_year():
    last = balanced_report(3, agency="甲镇", year=2023)
    last.values[t3_id("R25", "legal")] = "/"
    r = new_report(Unit("甲镇", 2), 2025)
    notes = carry_over(r, last)
    assert r.values[t3_id("R2", "natural")] == last.values[t3_id("R25", "natural")]
    assert r.values[t3_id("R2", "legal")] == 0
    assert any("法律服务机构" in n for n in notes) and any("不是 2024" in n for n in notes)
    assert "t3.carry_forward.legal" not in r.previous  # no number, nothing to compare with


def test_stem_key_drops_what_clerks_add_to_file_names():
    assert stem_key("2024年测试县甲镇人民政府政府信息公开工作年度报告（终稿）.xlsx") != ""
    assert stem_key("测试县甲镇人民政府(1).xlsx") == stem_key("测试县甲镇人民政府.xlsx")
    assert stem_key("2024年度 测试县甲镇人民政府 - 副本.xlsm") == "测试县甲镇人民政府"


def test_bad_and_foreign_files_in_last_years_folder_are_listed_not_fatal(tmp_path):
    last = tmp_path / "last"
    last.mkdir()
    build_workbook(last / "甲镇.xlsx", balanced_report(1, agency="测试县甲镇", year=2024))
    (last / "乙镇.xlsx").write_bytes(b"PK\x03\x04broken")
    (last / "丙镇.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    (last / "撤并的丁乡.json").write_text(
        json.dumps(balanced_report(2, agency="测试县丁乡", year=2024).to_json(), ensure_ascii=False), "utf-8")
    (last / "~$甲镇.xlsx").write_bytes(b"\0" * 165)
    index = PreviousIndex.scan([last])
    assert sorted(e.agency for e in index) == ["测试县丁乡", "测试县甲镇"]
    assert sorted(p.name for p, _ in index.unreadable) == ["丙镇.xls", "乙镇.xlsx"]

    units = tmp_path / "units.csv"
    units.write_text("单位名称\n测试县甲镇\n测试县乙镇\n", "utf-8")
    code, out, _ = run_cli("distribute", units, "--year", "2025", "-o", tmp_path / "out",
                           "--previous", last)
    assert code == 0
    assert "预填“上年结转”：1 个单位" in out
    assert "测试县乙镇：上年报告中没有" in out
    assert "撤并的丁乡.json（测试县丁乡）" in out.split("没有对应到名单中的任何单位")[1]
    assert "乙镇.xlsx：" in out.split("无法读取的上年文件")[1]
    r = read_workbook(tmp_path / "out" / "测试县甲镇.xlsx")
    assert r.meta["previous_file"] == "甲镇.xlsx" and r.meta["previous_match"] == "机关名称"


def test_previous_folder_without_any_report_is_a_usage_error(tmp_path):
    (tmp_path / "last").mkdir()
    (tmp_path / "last" / "说明.txt").write_text("x", "utf-8")
    units = tmp_path / "units.csv"
    units.write_text("测试县甲镇\n", "utf-8")
    code, _, err = run_cli("distribute", units, "--year", "2025", "-o", tmp_path / "out",
                           "--previous", tmp_path / "last")
    assert code == 2 and "没有可读取的上年报告" in err and not (tmp_path / "out").exists()

"""Aggregation rules: what is summed once, what is refused, and outputs that stay inert."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import openpyxl

from giar_xl.county.aggregate import Totals, aggregate, county_report
from giar_xl.county.progress import progress
from giar_xl.county.status import (HAS_ERRORS, IGNORED, MISSING, OLDER, OUTSIDE, SUBMITTED,
                                   WRONG_YEAR)
from giar_xl.county.units import Unit
from giar_xl.reader import read_workbook
from giar_xl.report import Report
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli


def report(seed: int, agency: str, year: int = 2025) -> Report:
    r = balanced_report(seed, agency=agency, year=year)
    r.texts["s6.fees"] = "本年度未收取信息处理费。" if not r.values["t3.other_unpaid.total"] else \
        "本年度依法收取信息处理费。"
    return r


def by_state(agg, state):
    return [u for u in agg.view.units if u.status == state]


def files_as(agg, role):
    return sorted(Path(f.facts.path).name for f in agg.view.files if f.role == role)


def test_amounts_are_summed_without_float_noise():
    t = Totals()
    for fee in (0.1, 0.2, 1.0005):
        r = Report.empty()
        r.values["t2.fee.amount"] = fee
        r.values["t3.new.natural"] = 2
        t.add(r)
    assert t.value("t2.fee.amount") == 1.3005
    assert t.value("t3.new.natural") == 6 and isinstance(t.value("t3.new.natural"), int)
    assert t.units == 3


def test_same_unit_twice_is_summed_once_and_other_years_are_left_out(tmp_path):
    (tmp_path / "a").mkdir()
    build_workbook(tmp_path / "a" / "甲镇.xlsx", report(1, "测试县甲镇人民政府"))
    build_workbook(tmp_path / "a" / "甲镇(1).xlsx", report(2, "测试县甲镇人民政府"))
    os.utime(tmp_path / "a" / "甲镇.xlsx", (2e9, 2e9))  # the corrected file, sent last
    (tmp_path / "a" / "乙镇.json").write_text(report(3, "测试县乙镇人民政府").dumps(), "utf-8")
    build_workbook(tmp_path / "a" / "丙镇.xlsx", report(4, "测试县丙镇人民政府", year=2024))
    agg = aggregate([tmp_path / "a"])
    assert agg.year == 2025 and agg.totals.units == 2
    assert files_as(agg, OLDER) == ["甲镇(1).xlsx"]
    jia = next(u for u in agg.view.units if u.name == "测试县甲镇人民政府")
    assert jia.used.facts.name == "甲镇.xlsx" and "甲镇(1).xlsx" in jia.note
    assert [u.name for u in by_state(agg, WRONG_YEAR)] == ["测试县丙镇人民政府"]
    want = report(1, "x").values["t3.new.natural"] + report(3, "x").values["t3.new.natural"]
    assert agg.totals.value("t3.new.natural") == want
    # asked for 2024, only the 2024 report counts
    agg24 = aggregate([tmp_path / "a"], year=2024)
    assert agg24.totals.units == 1 and len(by_state(agg24, WRONG_YEAR)) == 2


def test_an_older_clean_copy_does_not_stand_in_for_a_newer_refused_one(tmp_path):
    build_workbook(tmp_path / "甲镇-旧.xlsx", report(1, "测试县甲镇人民政府"))
    bad = report(2, "测试县甲镇人民政府")
    bad.values["t3.carry_forward.natural"] += 1  # I1 broken
    build_workbook(tmp_path / "甲镇-新.xlsx", bad)
    os.utime(tmp_path / "甲镇-新.xlsx", (2e9, 2e9))
    agg = aggregate([tmp_path])
    assert agg.totals.units == 0
    [unit] = by_state(agg, HAS_ERRORS)
    assert unit.used.facts.name == "甲镇-新.xlsx" and not unit.counted
    assert files_as(agg, OLDER) == ["甲镇-旧.xlsx"]
    # counting a unit with errors is asked for by its own option, not by overwriting
    forced = aggregate([tmp_path], include_errors=True)
    assert forced.totals.units == 1 and by_state(forced, HAS_ERRORS)[0].counted


def test_units_list_marks_missing_and_never_counts_outside_units(tmp_path):
    build_workbook(tmp_path / "甲.xlsx", report(1, "测试县甲镇人民政府"))
    build_workbook(tmp_path / "外.xlsx", report(2, "外县某局"))
    units = [Unit("测试县甲镇人民政府", 2), Unit("测试县乙镇人民政府", 3)]
    agg = aggregate([tmp_path], units=units)
    assert [u.name for u in by_state(agg, MISSING)] == ["测试县乙镇人民政府"]
    assert [u.name for u in by_state(agg, OUTSIDE)] == ["外县某局"]
    assert agg.totals.units == 1 and not by_state(agg, OUTSIDE)[0].counted
    assert agg.exit_code == 1 and not agg.complete


def test_a_county_workbook_in_the_folder_is_not_counted_again(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    build_workbook(src / "甲.xlsx", report(1, "测试县甲镇人民政府"))
    code, _, _ = run_cli("aggregate", src, "-o", src / "county.xlsx")
    assert code == 0
    first = read_workbook(src / "county.xlsx")
    build_workbook(src / "old-county-copy.xlsx", first)  # last run's output, copied back in
    agg = aggregate([src])
    assert agg.totals.units == 1
    assert files_as(agg, IGNORED) == ["county.xlsx", "county.html", "old-county-copy.xlsx"][::2]
    # and the command itself leaves its own outputs out
    code, out, _ = run_cli("aggregate", src, "-o", src / "county.xlsx", "--force")
    assert code == 0 and "已汇总 1 个单位" in out


def test_outputs_are_checked_before_the_run_and_never_overwritten(tmp_path):
    build_workbook(tmp_path / "甲.xlsx", report(1, "测试县甲镇人民政府"))
    out = tmp_path / "out" / "county.xlsx"
    out.parent.mkdir()
    out.with_suffix(".html").write_text("old", "utf-8")
    code, _, err = run_cli("aggregate", tmp_path / "甲.xlsx", "-o", out)
    assert code == 2 and "county.html" in err and "--force" in err and not out.exists()
    code, _, err = run_cli("aggregate", tmp_path / "甲.xlsx", "-o", tmp_path / "county.xls")
    assert code == 2 and ".xlsx" in err
    # a stray page among the returns is listed with its reason; it does not stop the run
    code, out_text, _ = run_cli("aggregate", tmp_path / "out", "-o", tmp_path / "c.xlsx")
    assert code == 2 and "county.html：不支持的文件类型" in out_text and (tmp_path / "c.xlsx").exists()


def test_no_files_at_all(tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli("aggregate", tmp_path / "empty", "-o", tmp_path / "c.xlsx")
    assert code == 2 and "没有找到" in err


def test_clerks_text_stays_inert_in_the_status_sheet_and_page(tmp_path):
    evil = "=HYPERLINK(\"http://x\",\"点我\")<script>alert(1)</script>"
    build_workbook(tmp_path / "evil.xlsx", report(1, evil))
    out = tmp_path / "county.xlsx"
    code, _, _ = run_cli("aggregate", tmp_path / "evil.xlsx", "-o", out, "--name", "<b>某县</b>")
    assert code == 0
    ws = openpyxl.load_workbook(out)["各单位情况"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    html = out.with_suffix(".html").read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>某县" not in html


def test_county_report_leaves_totals_to_formulas_and_states_true_figures():
    from giar_xl.county.aggregate import Aggregation
    from giar_xl.county.view import CountyView

    t = Totals()
    for seed in (1, 2):
        t.add(balanced_report(seed))
    agg = Aggregation(CountyView(2025, [], [], False), t, "某某县")
    r = county_report(agg)
    assert r.agency == "某某县（2 个单位汇总）" and r.meta["aggregate"]["units"] == 2
    assert "t3.new.total" not in r.values and "t4.review.total" not in r.values
    new_total = sum(balanced_report(s).values["t3.new.total"] for s in (1, 2))
    assert f"本年新收政府信息公开申请 {new_total} 件" in r.texts["s1.request"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch):
    items = list(range(6))
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    with progress(items, "汇总") as bar:
        assert list(bar) == items
    assert "汇总" in term.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    with progress(items, "汇总") as bar:
        assert list(bar) == items
    assert piped.getvalue() == ""


def test_exit_code_zero_only_when_complete_and_clean(tmp_path):
    build_workbook(tmp_path / "甲.xlsx", report(1, "测试县甲镇人民政府"))
    agg = aggregate([tmp_path], units=[Unit("测试县甲镇人民政府", 2)])
    assert [u.status for u in agg.view.units] == [SUBMITTED] and agg.exit_code == 0

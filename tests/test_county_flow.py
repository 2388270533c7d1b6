"""A county's year, end to end: distribute → fill (by code) → validate → aggregate.

Twelve units: ten return good workbooks (one of them with its 机关名称 retyped on
the cover, one renamed since last year), one returns an unbalanced table, one
returns a damaged file, and one returns nothing; a Word file and an Excel lock
file lie in the folder too. The county totals are recomputed here from the
numbers this test typed, not from anything the aggregator produced.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from giar_xl.checker import check
from giar_xl.layout import places
from giar_xl.reader import read_workbook
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import T3_COLUMNS, t3_id
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli
from county_mess import expected_totals as totals_of
from county_mess import fill

SPEC = DEFAULT_FORMAT
WHERE = places(SPEC)
COLS = [k for k, _ in T3_COLUMNS[:6]]
UNITS = [f"测试县{n}人民政府" for n in ("城关镇", "东河镇", "西山乡", "南湖镇", "北岭乡", "石桥镇")] + \
        [f"测试县{n}" for n in ("发展和改革局", "教育局", "公安局", "财政局", "自然资源局", "卫生健康委员会")]
RENAMED_SINCE_LAST_YEAR = ("测试县北岭乡人民政府", "测试县北岭公社")  # (this year, last year)
RETYPED = "测试县东河镇人民政府"  # the clerk retyped the cover name; the file name is kept
UNBALANCED = "测试县教育局"
DAMAGED = "测试县财政局"
MISSING = "测试县公安局"
NO_LAST_YEAR = "测试县卫生健康委员会"  # a new body: nothing to carry over


def write_units(path: Path, encoding: str) -> None:
    lines = ["单位名称,单位编码,上年名称"]
    for i, name in enumerate(UNITS, 1):
        old = RENAMED_SINCE_LAST_YEAR[1] if name == RENAMED_SINCE_LAST_YEAR[0] else ""
        lines.append(f"{name},{i:03d},{old}")
    path.write_bytes("\r\n".join(lines).encode(encoding))


def last_year_folder(root: Path) -> dict[str, Report]:
    """Last year's returns: workbooks (one under a clerk's own file name) and one JSON."""
    root.mkdir()
    out = {}
    for i, name in enumerate(UNITS):
        if name == NO_LAST_YEAR:
            continue
        agency = RENAMED_SINCE_LAST_YEAR[1] if name == RENAMED_SINCE_LAST_YEAR[0] else name
        r = balanced_report(100 + i, agency=agency, year=2024)
        out[name] = r
        if i == 2:
            (root / f"{agency}.json").write_text(r.dumps(), "utf-8")
        elif i == 3:
            build_workbook(root / "2024年度年报-终稿.xlsx", r)  # found by its 机关名称
        else:
            build_workbook(root / f"{agency}.xlsx", r)
    return out


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("county")
    units_csv = root / "units.csv"
    write_units(units_csv, "gbk")  # as Excel on Chinese Windows saves it
    last = last_year_folder(root / "2024")
    this = root / "2025"
    code, out, err = run_cli("distribute", units_csv, "--year", "2025", "-o", this,
                             "--previous", root / "2024")
    assert code == 0, err
    distributed = {p.name: read_workbook(p) for p in this.iterdir()}
    typed = {}
    for i, name in enumerate(UNITS):
        path = this / f"{name}.xlsx"
        if name == MISSING:
            path.unlink()
        elif name == DAMAGED:
            fill(path, i)
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])  # a broken upload
        else:
            typed[name] = fill(path, i, unbalance=name == UNBALANCED,
                               agency="测试县东河镇" if name == RETYPED else None)
    (this / "城关镇的说明.docx").write_bytes(b"PK\x03\x04 not a workbook")
    (this / f"~${UNITS[0]}.xlsx").write_bytes(b"\0" * 165)
    return {"root": root, "units": units_csv, "this": this, "last": last, "typed": typed,
            "distributed": distributed, "distribute_out": out}


def test_distribute_prefills_carry_over_column_by_column(county):
    for name, last in county["last"].items():
        r = county["distributed"][f"{name}.xlsx"]
        assert r.agency == name and r.year == 2025
        for col in COLS:
            assert r.values[t3_id("R2", col)] == last.values[t3_id("R25", col)], (name, col)
            assert r.cells[t3_id("R2", col)].formula is None  # still an input the clerk can correct
        # last year's figures ride along for the continuity rules
        assert r.previous["t3.carry_forward.natural"] == last.values["t3.carry_forward.natural"]
        assert r.previous["t2.normative.in_force"] == last.values["t2.normative.in_force"]
    new = county["distributed"][f"{NO_LAST_YEAR}.xlsx"]
    assert all(new.values[t3_id("R2", col)] == 0 for col in COLS) and new.previous == {}
    out = county["distribute_out"]
    assert "预填“上年结转”：11 个单位" in out
    assert f"{RENAMED_SINCE_LAST_YEAR[0]} ← {RENAMED_SINCE_LAST_YEAR[1]}.xlsx（上年名称" in out
    assert NO_LAST_YEAR in out.split("没有找到上年报告")[1]


def test_continuity_rules_see_the_carried_figures(county):
    """Changing a prefilled R2 is allowed but the checker points at it (Y01, 提示)."""
    r = read_workbook(county["this"] / f"{UNITS[0]}.xlsx")
    assert not [f for f in check(r) if f.code == "Y01"]
    r.values[t3_id("R2", "natural")] += 1
    y01 = [f for f in check(r) if f.code == "Y01"]
    assert len(y01) == 1 and y01[0].severity == "提示" and y01[0].cell == WHERE[t3_id("R2", "natural")].address


def test_validate_folder_matches_last_year_by_name_then_file_name(county):
    code, out, err = run_cli("validate", county["this"], "--previous", county["root"] / "2024")
    assert code == 2  # the damaged file and the Word file cannot be read
    assert "~$" not in out  # lock files are not reports
    assert f"{DAMAGED}.xlsx（无法读取）" in out and "城关镇的说明.docx（无法读取）" in out
    # 8 good + the unbalanced one are matched: the retyped cover by its file name, the
    # body renamed since last year by the name distribute recorded in its workbook
    assert "上年报告：已对应 9 个文件，未能对应 1 个。" in err
    assert f"按分发时记录的上年名称对应：{county['this'] / (RENAMED_SINCE_LAST_YEAR[0] + '.xlsx')}" in err
    assert f"未能对应：{county['this'] / (NO_LAST_YEAR + '.xlsx')}" in err
    assert f"按文件名对应：{county['this'] / (RETYPED + '.xlsx')} ← {RETYPED}.xlsx" in err


def expected_totals(typed: dict[str, dict[str, object]], names: list[str]) -> dict[str, float]:
    """County totals computed here from what was typed (see county_mess.expected_totals)."""
    return totals_of([typed[n] for n in names])


def sheet_rows(path: Path, sheet: str, key: int) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "序号")
    return {r[key]: r for r in rows[head + 1:] if r[0] is not None}


def status_rows(path: Path) -> dict[str, tuple]:
    """各单位情况: 序号, 单位, 类型, 状态, 计入, 错误, 提示, 文件, 说明 — by unit."""
    return sheet_rows(path, "各单位情况", 1)


def test_aggregate_sums_the_clean_units_and_lists_the_rest(county):
    out = county["root"] / "county.xlsx"
    code, stdout, err = run_cli("aggregate", county["this"], "--units", county["units"], "-o", out,
                                "--name", "测试县")
    assert code == 2, err  # unreadable files among the returns
    good = [n for n in UNITS if n not in (MISSING, DAMAGED, UNBALANCED)]
    expected = expected_totals(county["typed"], good)
    r = read_workbook(out)
    assert r.agency == "测试县（9 个单位汇总）" and r.year == 2025
    assert r.structure == []  # the added sheets leave the standard layout intact
    for cid, v in expected.items():
        assert r.values[cid] == pytest.approx(v), cid
    # an identity total is the template's formula, not a typed number
    assert r.cells[t3_id("R24", "total")].formula is not None
    findings = check(r)
    assert not [f for f in findings if f.severity == "错误"], [f.message for f in findings]

    rows = status_rows(out)
    assert rows[MISSING][3] == "未交"
    assert rows[DAMAGED][3] == "无法读取" and rows[DAMAGED][8]
    assert rows[UNBALANCED][3] == "有错误" and rows[UNBALANCED][4] == "否" and rows[UNBALANCED][5] >= 1
    assert "I1" not in (rows[UNBALANCED][8] or "") and "相差 1" in rows[UNBALANCED][8]
    assert rows[RETYPED][3] == "已交" and rows[RETYPED][4] == "是"  # its record says whose it is
    assert sum(1 for row in rows.values() if row[3] == "已交") == 9
    files = sheet_rows(out, "文件清单", 1)
    assert files["城关镇的说明.docx"][3] == "无法读取，未能对应单位"
    assert files[f"~${UNITS[0]}.xlsx"][3] == "已忽略"
    assert "有错误的单位未计入汇总（1 个）" in stdout and UNBALANCED in stdout

    html = out.with_suffix(".html").read_text("utf-8")
    assert "本汇总不完整" in html and MISSING in html and "未交" in html
    assert f">{int(expected[t3_id('R1', 'total')])}</td>" in html  # the county's 本年新收 总计


def test_counting_units_with_errors_is_its_own_option_not_force(county):
    out = county["root"] / "forced.xlsx"
    code, stdout, _ = run_cli("aggregate", county["this"], "--units", county["units"], "-o", out,
                              "--include-errors")
    assert code == 2
    names = [n for n in UNITS if n not in (MISSING, DAMAGED)]
    expected = expected_totals(county["typed"], names)
    r = read_workbook(out)
    assert r.values["t3.carry_forward.natural"] == expected["t3.carry_forward.natural"]
    assert r.values[t3_id("R1", "total")] == expected[t3_id("R1", "total")]
    # the counted unit's imbalance shows in the county total too, where the checker finds it
    assert [f for f in check(r) if f.code == "I1" and f.severity == "错误"]
    assert status_rows(out)[UNBALANCED][3:5] == ("有错误", "是")
    assert "汇总表中列出" in run_cli("aggregate", "-h")[1]
    # --force overwrites the outputs and nothing more: the unit with errors stays out
    code, _, _ = run_cli("aggregate", county["this"], "--units", county["units"], "-o", out, "--force")
    assert status_rows(out)[UNBALANCED][3:5] == ("有错误", "否")
    assert read_workbook(out).agency.endswith("（9 个单位汇总）")


def test_county_previous_figures_are_summed_for_its_own_continuity(county):
    """Units carried last year's figures; the county workbook carries their sum."""
    out = county["root"] / "county-for-previous.xlsx"  # its own run: tests may run in any order
    run_cli("aggregate", county["this"], "--units", county["units"], "-o", out)
    r = read_workbook(out)
    # the new body carried none, so the county has no complete last-year figure to compare
    assert r.previous == {}
    good = [n for n in UNITS if n not in (MISSING, DAMAGED, UNBALANCED, NO_LAST_YEAR)]
    files = [county["this"] / f"{n}.xlsx" for n in good]
    out2 = county["root"] / "with-previous.xlsx"
    code, _, _ = run_cli("aggregate", *files, "-o", out2)
    assert code == 0
    r2 = read_workbook(out2)
    want = sum(county["last"][n].values["t3.carry_forward.natural"] for n in good)
    assert r2.previous["t3.carry_forward.natural"] == want
    # R2 was carried over in every unit, so the county's R2 meets last year's county R25
    assert not [f for f in check(r2) if f.code == "Y01" or f.severity == "错误"]
    r2.values[t3_id("R2", "natural")] += 1
    assert [f for f in check(r2) if f.code == "Y01"]

"""Issue 12: a county's year with 25 units and every mess a real county gets back.

The county is built in ``county_mess.py`` (distribute → fill by code → the messes). Every
expectation here comes from what the test typed and decided, never from the tool's output:
the per-unit table, the conflicts with their evidence, the totals (recomputed from the typed
figures), the mapping round, the feedback to units, explained hints, indicators,
subtotals by unit type, year on year and publication deadlines.
"""

from __future__ import annotations

import json
import zipfile
from fractions import Fraction
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from docx import Document

from giar_xl.checker import check
from giar_xl.checker.findings import findings_schema
from giar_xl.inputs import load_report
from giar_xl.reader import read_workbook
from giar_xl.spec.format2021 import t3_id

from conftest import run_cli
from county_mess import (CONFLICT_FILES, EXPECTED_STATUS, EXPLANATION, GOVERNMENT, IDENTIFIED_BY,
                         OUTSIDE_UNIT, UNITS, expected_totals, full)

KINDS = dict(UNITS)
COUNTED = [u for u, s in EXPECTED_STATUS.items() if s == "已交"]
R1 = t3_id("R1", "total")


@pytest.fixture(scope="module")
def runs(mess_county, tmp_path_factory):
    """The office's runs over the returns: validate --units (text, JSON) and aggregate."""
    c = mess_county
    tmp = tmp_path_factory.mktemp("runs")
    out = {"tmp": tmp}
    out["text"] = run_cli("validate", c.returns, "--units", c.units_csv)
    out["json"] = run_cli("validate", c.returns, "--units", c.units_csv, "--format", "json")
    out["book"] = tmp / "全县汇总.xlsx"
    out["aggregate"] = run_cli("aggregate", c.returns, "--units", c.units_csv, "--name", "测试县",
                               "--previous", c.last_summary, "-o", out["book"])
    return out


def units_json(runs) -> dict[str, dict]:
    code, text, err = runs["json"]
    return {u["unit"]: u for u in json.loads(text)["units"]}


def sheet(path: Path, name: str, key: int = 1) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] in ("序号", "项目", "单位类型", "单位"))
    return {r[key]: r for r in rows[head + 1:] if r[key] is not None}


def typed_of(c, unit: str) -> dict:
    return c.typed[c.used[unit]]


# ------------------------------------------------------------------ who sent what
def test_the_per_unit_table_is_what_the_county_sent(mess_county, runs):
    c = mess_county
    code, text, err = runs["json"]
    doc = json.loads(text)
    jsonschema.validate(doc, findings_schema())  # the extended schema, still the same document
    assert code == 2  # 太山乡.xls and a Word note cannot be read
    units = {u["unit"]: u for u in doc["units"]}
    assert {u: units[u]["status"] for u in EXPECTED_STATUS} == EXPECTED_STATUS
    assert units[OUTSIDE_UNIT]["status"] == "名单外" and not units[OUTSIDE_UNIT]["listed"]
    assert len(units) == 26  # 25 listed + one body outside the list, nothing else
    for unit, name in c.used.items():
        if EXPECTED_STATUS[unit] in ("已交", "有错误", "年度不符", "无法读取"):
            assert Path(units[unit]["file"]).name == name, unit
    for unit, how in IDENTIFIED_BY.items():
        assert units[unit]["identified_by"] == how, unit
    assert units[full("城关镇")]["identified_by"] == "分发记录"
    # 东河镇 sent twice: the newer file is used, the older one listed
    assert [Path(f).name for f in units[full("东河镇")]["other_files"]] == [f"{full('东河镇')}.xlsx"]
    # the counts of 错误 and 提示 are the checker's on the file used, read here on its own
    for unit in COUNTED + [full("教育局"), full("龙泉镇")]:
        findings = check(load_report(c.returns / c.used[unit]))
        errors = sum(1 for f in findings if f.severity == "错误")
        assert (units[unit]["errors"], units[unit]["warnings"]) == (errors, len(findings) - errors), unit
    assert units[full("教育局")]["errors"] >= 1 and units[full("公安局")]["errors"] is None


def test_the_text_table_has_one_row_per_unit(runs):
    code, out, err = runs["text"]
    table = out[out.index("各单位情况（2025 年度）"):]
    rows = [line.split() for line in table.splitlines()[2:] if line.strip()[:1].isdigit()]
    shown = {r[1]: r[2] for r in rows}
    assert {u: shown[u] for u in EXPECTED_STATUS} == EXPECTED_STATUS
    assert shown[OUTSIDE_UNIT] == "名单外"
    assert "名单 25 个单位" in table and "冲突 2" in table and "已交 18" in table
    # the per-file results come first, as a plain validate prints them
    assert out.index("文件：") < out.index("各单位情况")


def test_conflicts_are_listed_with_their_evidence_and_counted_for_no_one(runs):
    doc = json.loads(runs["json"][1])
    conflicts = {Path(x["file"]).name: x for x in doc["conflicts"]}
    assert set(conflicts) == set(CONFLICT_FILES)
    for name, (written_for, named_by_file) in CONFLICT_FILES.items():
        ev = {e["source"]: e["unit"] for e in conflicts[name]["evidence"]}
        assert ev == {"分发记录": written_for, "文件名": named_by_file, "封面": written_for}, name
        assert conflicts[name]["role"] == "冲突，未计入" and conflicts[name]["unit"] is None
    text = runs["text"][1]
    assert "线索不一致的文件（2 个" in text and "文件名：测试县应急管理局.xlsx → 测试县应急管理局" in text
    # the real 市场监管局 file still stands for 市场监管局; the conflict is noted beside it
    units = units_json(runs)
    assert units[full("市场监督管理局")]["status"] == "已交"
    assert "测试县应急管理局.xlsx" in units[full("市场监督管理局")]["note"]


# ------------------------------------------------------------------ totals
def test_totals_are_the_typed_figures_of_the_units_counted(mess_county, runs):
    c = mess_county
    code, out, err = runs["aggregate"]
    assert code == 2, err
    r = read_workbook(runs["book"])
    assert r.agency == f"测试县（{len(COUNTED)} 个单位汇总）" and r.year == 2025 and r.structure == []
    expected = expected_totals([typed_of(c, u) for u in COUNTED])
    for cid, v in expected.items():
        assert r.values[cid] == pytest.approx(v), cid
    assert not [f for f in check(r) if f.severity == "错误"]
    rows = sheet(runs["book"], "各单位情况")
    assert {u: rows[u][3] for u in EXPECTED_STATUS} == EXPECTED_STATUS
    assert sorted(u for u, r in rows.items() if r[4] == "是") == sorted(COUNTED)


def test_subtotals_by_unit_type(mess_county, runs):
    c = mess_county
    groups = sheet(runs["book"], "分类小计", key=0)
    for kind in ("乡镇", "街道", "县直部门", "县政府"):
        listed = [u for u, k in UNITS if k == kind]
        counted = [u for u in listed if u in COUNTED]
        new = sum(expected_totals([typed_of(c, u)])[R1] for u in counted)
        assert groups[kind][1:4] == (len(listed), len(counted), new), kind
    assert groups["合计"][1:4] == (25, len(COUNTED), expected_totals([typed_of(c, u) for u in COUNTED])[R1])
    with zipfile.ZipFile(runs["book"]) as z:  # native charts: 分类小计 and 同比
        assert sum(1 for n in z.namelist() if n.startswith("xl/charts/chart")) == 2


def percent_half_up(rate: Fraction | None) -> str:
    if rate is None:
        return "—"
    tenths = rate * 1000  # in tenths of a percent, rounded half up
    n = int(tenths) + (1 if tenths - int(tenths) >= Fraction(1, 2) else 0)
    return f"{n // 10}.{n % 10}%"


def _rate(values: dict, num: tuple[str, ...], den: tuple[str, ...]) -> Fraction | None:
    t = expected_totals([values])
    base = sum(t[x] for x in den)
    return Fraction(int(sum(t[x] for x in num))) / Fraction(int(base)) if base else None


def test_indicators_and_the_units_outside_their_thresholds(mess_county, runs):
    c = mess_county
    ws = openpyxl.load_workbook(runs["book"])["指标"]
    head = next(r for r in range(1, 20) if ws.cell(r, 1).value == "序号")
    headers = [ws.cell(head, i).value for i in range(1, 14)]
    col = {h: i + 1 for i, h in enumerate(headers)}
    seen = set()
    for r in range(head + 1, ws.max_row + 1):
        unit = ws.cell(r, 2).value
        if unit not in c.used or unit not in COUNTED:
            continue
        seen.add(unit)
        v = typed_of(c, unit)
        rate = _rate(v, (t3_id("R3", "total"), t3_id("R4", "total")), (t3_id("R24", "total"),))
        base = expected_totals([v])[t3_id("R24", "total")]
        shown = ws.cell(r, col["公开率"])
        assert shown.value == percent_half_up(rate), unit
        low = rate is not None and base >= 5 and rate < Fraction(2, 5)
        assert (shown.fill.fgColor.rgb[-6:] == "FCE4D6") == low, (unit, rate)
        groups = ("review", "direct", "after_review")
        corr = _rate(v, tuple(f"t4.{g}.corrected" for g in groups), tuple(f"t4.{g}.total" for g in groups))
        cases = sum(expected_totals([v])[f"t4.{g}.total"] for g in groups)
        high = corr is not None and cases >= 3 and corr > Fraction(1, 5)
        assert (ws.cell(r, col["纠错率"]).fill.fgColor.rgb[-6:] == "FCE4D6") == high, (unit, corr)
    assert seen == set(COUNTED)


def test_year_on_year_against_last_years_summary(mess_county, runs):
    c = mess_county
    rows = sheet(runs["book"], "同比", key=0)
    last = sum(r.values[R1] for r in c.last.values())  # all 25 units were counted last year
    now = expected_totals([typed_of(c, u) for u in COUNTED])[R1]
    assert rows["依申请总量"][1:3] == (last, now)
    diff = now - last
    assert rows["依申请总量"][3].startswith(f"{'+' if diff > 0 else ''}{int(diff)}（")
    cover = sheet(runs["book"], "汇总表", key=0)
    assert cover["依申请总量"][1].startswith(f"{int(now)} 件；上年 {int(last)} 件")


def test_publication_against_the_statutory_deadline(runs):
    rows = sheet(runs["book"], "发布情况")
    assert rows[full("南湖镇")][3:] == ("2026-02-15", "2026-01-31", "逾期 15 天")
    assert rows[GOVERNMENT][3:] == ("2026-03-20", "2026-03-31", "按期发布")  # 条例 art. 49 (2)
    assert rows[full("青石乡")][5] == "未填发布日期"
    assert rows[full("城关镇")][3:] == ("2026-01-20", "2026-01-31", "按期发布")
    assert rows[full("公安局")][5] == "—"
    html = runs["book"].with_suffix(".html").read_text("utf-8")
    assert "逾期 15 天" in html and "第四十九条" in html


def test_the_cover_is_a_summary_the_office_can_hand_on(runs):
    wb = openpyxl.load_workbook(runs["book"])
    assert wb.sheetnames[0] == "汇总表" and wb.active.title == "汇总表"
    ws = wb["汇总表"]
    assert ws["A1"].value == "测试县2025年度政府信息公开工作年度报告汇总表"
    facts = sheet(runs["book"], "汇总表", key=0)
    assert facts["汇总单位"][1] == "测试县" and facts["报告年度"][1] == "2025 年度"
    assert facts["计入汇总"][1] == f"{len(COUNTED)} 个单位" and facts["名单单位数"][1] == "25 个"
    assert facts["生成日期"][1].startswith("20")
    left = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    for unit, state in EXPECTED_STATUS.items():
        if state != "已交":
            assert unit in left and left[unit].startswith(
                "有错误，未计入（确需计入可加 --include-errors）" if state == "有错误" else state), unit
    # the standard cover further on carries no 填报 instructions: nobody fills the county's in
    cover = [c.value for row in wb["封面"].iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith("填表说明") for v in cover)


# ------------------------------------------------------------------ the mapping round
def write_mapping(path: Path, lines: list[str]) -> Path:
    path.write_bytes("\r\n".join(["文件,单位,处理,说明", *lines]).encode("gbk"))
    return path


def test_the_officer_resolves_the_conflicts_with_a_mapping(mess_county, tmp_path):
    c = mess_county
    mapping = write_mapping(tmp_path / "对应表.csv", [
        "测试县应急管理局.xlsx,应急管理局,,数字是应急管理局的，封面抄错了",
        "北岭乡.xlsx,测试县北岭乡人民政府,退回,交来的是城关镇的工作簿",
    ])
    code, text, err = run_cli("validate", c.returns, "--units", c.units_csv, "--mapping", mapping,
                              "--format", "json")
    units = {u["unit"]: u for u in json.loads(text)["units"]}
    assert units[full("应急管理局")]["status"] == "已交"
    assert units[full("应急管理局")]["identified_by"] == "对应表"
    assert "封面机关名称为“测试县市场监督管理局”" in units[full("应急管理局")]["note"]
    assert units[full("北岭乡")]["status"] == "需重报"
    assert "交来的是城关镇的工作簿" in units[full("北岭乡")]["note"]
    assert json.loads(text)["conflicts"] == []
    out = tmp_path / "汇总.xlsx"
    code, stdout, err = run_cli("aggregate", c.returns, "--units", c.units_csv, "--mapping", mapping,
                                "-o", out)
    counted = COUNTED + [full("应急管理局")]
    typed = [typed_of(c, u) for u in COUNTED] + [c.typed["测试县应急管理局.xlsx"]]
    r = read_workbook(out)
    assert r.agency == f"全部单位（{len(counted)} 个单位汇总）"
    for cid, v in expected_totals(typed).items():
        assert r.values[cid] == pytest.approx(v), cid
    rows = sheet(out, "各单位情况")
    assert rows[full("北岭乡")][3:5] == ("需重报", "否")
    assert rows[full("应急管理局")][3:5] == ("已交", "是")


def test_a_mapping_that_names_no_listed_unit_is_refused_by_row(mess_county, tmp_path):
    c = mess_county
    bad = write_mapping(tmp_path / "对应表.csv", ["北岭乡.xlsx,测试县北岭村,,"])
    code, out, err = run_cli("validate", c.returns, "--units", c.units_csv, "--mapping", bad)
    assert code == 2 and "对应表第 2 行的单位“测试县北岭村”不在单位名单中" in err
    unused = write_mapping(tmp_path / "对应表2.csv", ["没有这个文件.xlsx,城关镇,,"])
    code, out, err = run_cli("validate", c.returns, "--units", c.units_csv, "--mapping", unused)
    assert "对应表中没有用上的行" in out and "第 2 行：没有这个文件.xlsx" in out
    code, out, err = run_cli("validate", c.returns, "--mapping", unused)
    assert code == 2 and "--mapping 须与 --units 一起使用" in err


# ------------------------------------------------------------------ feedback to units
def test_annotate_dir_writes_what_goes_back_to_each_unit(mess_county, tmp_path):
    c = mess_county
    out = tmp_path / "退回"
    code, text, err = run_cli("validate", c.returns, "--units", c.units_csv, "--annotate-dir", out)
    assert code == 2, err
    names = sorted(p.name for p in out.iterdir())
    returned = [u for u, s in EXPECTED_STATUS.items() if s in ("有错误", "年度不符", "无法读取", "需重报")]
    for unit in returned:
        assert f"{unit}-退回意见.docx" in names, unit
    assert f"{full('教育局')}-校验.xlsx" in names and f"{full('龙泉镇')}-校验.xlsx" in names
    assert not any(n.startswith(full("太山乡") + "-校验") for n in names)  # nothing to annotate
    assert not any(n.startswith(full("城关镇")) for n in names)  # in order: nothing sent back
    assert "催报退回清单.xlsx" in names
    # the letter says what to fix, cell by cell
    errors = [f for f in check(load_report(c.returns / c.used[full("教育局")])) if f.severity == "错误"]
    letter = "\n".join(p.text for p in Document(out / f"{full('教育局')}-退回意见.docx").paragraphs)
    assert f"一、须改正的错误（{len(errors)} 处）" in letter
    for f in errors:
        assert f"【{f.sheet} {f.cell}】" in letter
    assert f"附件：{full('教育局')}-校验.xlsx" in letter
    taishan = "\n".join(p.text for p in Document(out / f"{full('太山乡')}-退回意见.docx").paragraphs)
    assert "太山乡.xls" in taishan and "无法读取" in taishan and ".xlsx" in taishan
    shiqiao = "\n".join(p.text for p in Document(out / f"{full('石桥镇')}-退回意见.docx").paragraphs)
    assert "不是2025 年度的报告" in shiqiao and "2024" in shiqiao
    # the annotated copy is the one --annotate writes: results sheet with the same findings
    copy = openpyxl.load_workbook(out / f"{full('教育局')}-校验.xlsx")
    assert copy.active.title == "校验结果"
    # the list: every unit not in order, what to do, and whom to call (from the units list)
    rows = sheet(out / "催报退回清单.xlsx", "催报退回清单")
    row_of = {name: i for i, (name, _) in enumerate(UNITS, start=1)}
    for unit, state in EXPECTED_STATUS.items():
        if state == "已交":
            assert unit not in rows
            continue
        assert rows[unit][3] == state, unit
        assert rows[unit][6:8] == (f"联系人{row_of[unit]}", f"0373-55{row_of[unit]:04d}"), unit
    assert rows[full("公安局")][4] == "催报" and rows[full("教育局")][4] == "退回修改"
    assert rows[full("应急管理局")][4] == "核实文件归属"
    assert f"{full('教育局')}-退回意见.docx" in rows[full("教育局")][8]
    # a second run does not overwrite what is there, unless asked
    code, _, err = run_cli("validate", c.returns, "--units", c.units_csv, "--annotate-dir", out)
    assert code == 2 and "--force" in err
    code, _, err = run_cli("validate", c.returns, "--units", c.units_csv, "--annotate-dir", out, "--force")
    assert code == 2 and "已写出退回材料" in err


# ------------------------------------------------------------------ explained hints
def test_an_explained_hint_reaches_every_output(mess_county, runs):
    c = mess_county
    unit = full("青石乡")
    doc = json.loads(runs["json"][1])
    file = next(f for f in doc["files"] if Path(f["file"]).name == c.used[unit])
    c07 = [f for f in file["findings"] if f["code"] == "C07"]
    assert c07 and c07[0]["explanation"] == EXPLANATION and file["stats"]["explained"] == 1
    assert units_json(runs)[unit]["explained"] == 1
    text = runs["text"][1]
    assert f"单位说明：{EXPLANATION}" in text and "提示（已说明） C07" in text
    rows = sheet(runs["book"], "单位说明", key=0)
    assert rows[unit][1].startswith("C07") and rows[unit][3] == EXPLANATION
    assert EXPLANATION in runs["book"].with_suffix(".html").read_text("utf-8")
    assert "（已说明 1）" in sheet(runs["book"], "各单位情况")[unit][6]


def test_the_summary_workbook_is_byte_identical_on_a_second_run(mess_county, runs, tmp_path):
    c = mess_county
    again = tmp_path / "again.xlsx"
    run_cli("aggregate", c.returns, "--units", c.units_csv, "--name", "测试县",
            "--previous", c.last_summary, "-o", again)
    assert again.read_bytes() == runs["book"].read_bytes()


def test_each_unit_shows_last_years_file_matched(mess_county):
    c = mess_county
    code, text, err = run_cli("validate", c.returns, "--units", c.units_csv, "--previous", c.root / "2024",
                              "--format", "json")
    units = {u["unit"]: u for u in json.loads(text)["units"]}
    for unit in COUNTED:
        assert Path(units[unit]["previous_file"]).name == f"{unit}.xlsx", unit
    code, text, err = run_cli("validate", c.returns, "--units", c.units_csv, "--previous", c.root / "2024")
    table = text[text.index("各单位情况"):]
    assert "上年文件" in table.splitlines()[1]
    assert f"{full('城关镇')}.xlsx  " in table.split(full("城关镇"), 2)[-1]


def test_the_per_file_work_is_plain_data_a_worker_process_can_return(mess_county):
    """collect.examine takes a path and returns picklable facts (issue 13's process pool)."""
    import pickle

    from giar_xl.county.collect import examine

    c = mess_county
    for name in (c.used[full("教育局")], "太山乡.xls", f"~${full('城关镇')}.xlsx", c.used[full("青石乡")]):
        facts = examine(c.returns / name)
        again = pickle.loads(pickle.dumps(facts))
        assert again == facts
    assert examine(c.returns / "太山乡.xls").error and examine(c.returns / f"~${full('城关镇')}.xlsx").ignored


def test_the_offices_own_files_in_the_returns_folder_are_no_returns(tmp_path):
    """The units list, the 对应表 and the feedback folder kept beside the returns are not read as returns."""
    from giar_xl.template import build_workbook

    from conftest import balanced_report

    back = tmp_path / "回收"
    back.mkdir()
    build_workbook(back / "甲镇.xlsx", balanced_report(1, agency="某某县甲镇人民政府"))
    units = back / "名单.csv"
    units.write_text("单位名称\n某某县甲镇人民政府\n", "utf-8")
    mapping = write_mapping(back / "对应表.csv", [])
    first = run_cli("validate", back, "--units", units, "--mapping", mapping, "--annotate-dir", back / "退回")
    again = run_cli("validate", back, "--units", units, "--mapping", mapping, "--annotate-dir", back / "退回",
                    "--force")
    for code, out, err in (first, again):
        assert code == 0, out + err
        assert "名单 1 个单位，已交 1。" in out and "无法读取" not in out

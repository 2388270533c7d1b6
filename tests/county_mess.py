"""A 25-unit county with every mess of issue 12, built from data (shared by tests and scripts).

What the units send back (``build(root)``):

- most units: the workbook ``distribute`` made for them, filled in by code as a clerk would;
- 应急管理局 sends 市场监管局's distributed workbook filled with its own figures, as
  "测试县应急管理局.xlsx" (the record and cover say 市场监督管理局): a conflict;
- 交通运输局, 民政局, 财政局, 县府办 build their own workbooks from the template and type
  their names their way ("交通运输局", "县民政局", "财政局（盖章）", the alias "县府办");
  财政局's file name names nobody ("年报（定稿）.xlsx"): only its cover says whose it is;
- a copy of 城关镇's book renamed "北岭乡.xlsx" (北岭乡 sends nothing else): a conflict;
- "太山乡.xls": an old-format file named as the unit: unreadable, attributed to 太山乡;
- 东河镇 sends twice: the older "测试县东河镇人民政府.xlsx" and the newer "东河镇(1).xlsx";
- 石桥镇 sends last year's distributed workbook; 龙泉镇 types 2024 on this year's cover;
- 教育局's table 三 does not balance; 公安局 sends nothing;
- 青石乡 leaves 发布日期 blank and explains the 提示 in the annotated copy it sends back;
- 南湖镇 published late (2026-02-15); the county government itself on 2026-03-20 (in time);
- 红旗街道 sends a report JSON; 测试县档案馆 (not on the list) sends a workbook;
- a Word note and an Excel lock file lie in the folder.

``expected`` holds what the test typed for each file and what the per-unit table must say;
the totals are recomputed from it in the tests, never from what the aggregator produced.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from giar_xl.layout import places
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import T3_COLUMNS, t3_id
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli

SPEC = DEFAULT_FORMAT
WHERE = places(SPEC)
COLS = [k for k, _ in T3_COLUMNS[:6]]
COUNTY = "测试县"
TOWNS = ["城关镇", "东河镇", "西山乡", "南湖镇", "北岭乡", "石桥镇", "太山乡", "龙泉镇", "青石乡", "白马镇"]
STREETS = ["新华街道办事处", "红旗街道办事处"]
DEPTS = ["发展和改革局", "教育局", "公安局", "民政局", "财政局", "交通运输局", "市场监督管理局", "应急管理局",
         "卫生健康委员会", "自然资源局", "住房和城乡建设局", "人民政府办公室"]


# units that made their own workbook: (file name, the agency on its cover — short, 盖章, abbreviated)
OWN_BOOKS = {
    "交通运输局": ("交通运输局2025年报.xlsx", "交通运输局"),
    "民政局": ("民政局年报（终稿）.xlsx", "县民政局"),
    "财政局": ("年报（定稿）.xlsx", "财政局（盖章）"),
    "人民政府办公室": ("县府办.xlsx", "县府办"),
}


def full(short: str) -> str:
    if short in TOWNS:
        return f"{COUNTY}{short}人民政府"
    return f"{COUNTY}{short}"


UNITS = [(full(t), "乡镇") for t in TOWNS] + [(full(s), "街道") for s in STREETS] + \
        [(full(d), "县直部门") for d in DEPTS] + [(f"{COUNTY}人民政府", "县政府")]
assert len(UNITS) == 25
ALIASES = {full("人民政府办公室"): "县府办、政府办"}
GOVERNMENT = f"{COUNTY}人民政府"
OUTSIDE_UNIT = f"{COUNTY}档案馆"
TEXTS = balanced_report(0).texts
BASE_PUBLISHED = "2026-01-20"

# the per-unit table the run must print (before any 对应表): unit → status
EXPECTED_STATUS = {u: "已交" for u, _ in UNITS}
EXPECTED_STATUS.update({
    full("北岭乡"): "冲突", full("应急管理局"): "冲突", full("太山乡"): "无法读取",
    full("石桥镇"): "年度不符", full("龙泉镇"): "年度不符", full("教育局"): "有错误", full("公安局"): "未交",
})
# how each placed file was recognised, where not by distribute's record
IDENTIFIED_BY = {full("交通运输局"): "文件名", full("民政局"): "文件名", full("财政局"): "封面",
                 full("人民政府办公室"): "文件名", full("红旗街道办事处"): "文件名"}
CONFLICT_FILES = {"测试县应急管理局.xlsx": (full("市场监督管理局"), full("应急管理局")),
                  "北岭乡.xlsx": (full("城关镇"), full("北岭乡"))}


@dataclass
class County:
    root: Path
    units_csv: Path
    returns: Path  # this year's folder as the office received it
    last_summary: Path  # last year's county summary workbook (aggregate of 2024)
    typed: dict[str, dict[str, object]] = field(default_factory=dict)  # file name → inputs typed
    used: dict[str, str] = field(default_factory=dict)  # unit → the file that must stand for it
    last: dict[str, Report] = field(default_factory=dict)  # unit → last year's report


def write_units(path: Path) -> None:
    lines = ["单位名称,单位编码,单位类型,别名,联系人,联系电话"]
    for i, (name, kind) in enumerate(UNITS, 1):
        lines.append(f"{name},{i:03d},{kind},{ALIASES.get(name, '')},联系人{i},0373-55{i:04d}")
    path.write_bytes("\r\n".join(lines).encode("gbk"))  # as Excel on Chinese Windows saves it


def fill(path: Path, seed: int, *, agency: str | None = None, year: object = None,
         unbalance: bool = False, published: str | None = BASE_PUBLISHED) -> dict[str, object]:
    """Type a year's figures into a workbook with openpyxl, as a clerk would in Excel.

    R2 (上年结转) is kept as distributed; R25 is chosen so that R1 + R2 = R24 + R25.
    Returns the input values typed (the test's own record for the county totals).
    """
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(path)
    typed: dict[str, object] = {}

    def put(cid: str, value: object) -> None:
        p = WHERE[cid]
        wb[p.sheet][p.address] = value
        typed[cid] = value

    def cell(cid: str):
        return wb[WHERE[cid].sheet][WHERE[cid].address]

    carried = {col: cell(t3_id("R2", col)).value or 0 for col in COLS}
    for c in SPEC.value_cells:
        if not c.is_input or c.row in ("R1", "R2", "R25"):
            continue
        if c.table == "t4" and c.col == "corrected":
            put(c.id, rng.randint(0, 2))
        elif c.row in ("R3", "R4"):  # most requests are answered: 公开率 mostly above its threshold
            put(c.id, rng.randint(10 if seed % 5 else 0, 60 if seed % 5 else 2))
        else:
            put(c.id, round(rng.uniform(0, 30), 2) if c.kind == "amount" else rng.randint(0, 6))
    for col in COLS:
        results = sum(typed[t3_id(f"R{n}", col)] for n in range(3, 24))
        new = max(0, results - carried[col]) + rng.randint(0, 3)
        put(t3_id("R1", col), new)
        typed[t3_id("R2", col)] = carried[col]
        put(t3_id("R25", col), new + carried[col] - results + (1 if unbalance and col == "natural" else 0))
    for pid, text in TEXTS.items():
        cell(pid).value = text
    if agency is not None:
        cell("cover.agency").value = agency
    if year is not None:
        cell("cover.year").value = year
    cell("cover.published").value = published
    wb.save(path)
    return typed


def _own_book(path: Path, seed: int, agency: str, *, year: int = 2025, meta: dict | None = None,
              published: str | None = BASE_PUBLISHED) -> dict[str, object]:
    """A workbook a unit built from the template itself (no distribution record unless given)."""
    r = balanced_report(seed, agency=agency, year=year)
    r.published = published
    if meta:
        r.meta = meta
    build_workbook(path, r)
    return {c.id: r.values[c.id] for c in SPEC.value_cells if c.is_input}


def _touch(path: Path, when: float) -> None:
    os.utime(path, (when, when))


def last_year(root: Path) -> dict[str, Report]:
    """Last year's returns (every unit but the county government's first report year)."""
    root.mkdir()
    out = {}
    for i, (name, _) in enumerate(UNITS):
        r = balanced_report(300 + i, agency=name, year=2024)
        r.published = "2025-01-20"
        out[name] = r
        build_workbook(root / f"{name}.xlsx", r)
    return out


def build(root: Path) -> County:
    units_csv = root / "单位名单.csv"
    write_units(units_csv)
    county = County(root, units_csv, root / "2025回收", root / "2024汇总.xlsx")
    county.last = last_year(root / "2024")
    code, _, err = run_cli("aggregate", root / "2024", "--units", units_csv, "--name", COUNTY,
                           "-o", county.last_summary)
    assert code == 0, err
    handed = root / "2025下发"
    code, _, err = run_cli("distribute", units_csv, "--year", "2025", "-o", handed, "--previous", root / "2024")
    assert code == 0, err
    back = county.returns
    back.mkdir()
    clock = 1_900_000_000.0  # modification times: later means sent later

    def returned(unit: str, name: str | None = None, seed: int = 0, **kw) -> Path:
        nonlocal clock
        dst = back / (name or f"{unit}.xlsx")
        shutil.copyfile(handed / f"{unit}.xlsx", dst)
        county.typed[dst.name] = fill(dst, seed, **kw)
        clock += 60
        _touch(dst, clock)
        return dst

    for i, (unit, _) in enumerate(UNITS):
        short = unit.removeprefix(COUNTY)
        if unit == full("公安局") or unit == full("北岭乡"):
            continue  # 公安局 sends nothing; 北岭乡 only a copy of 城关镇's book (below)
        if unit == full("东河镇"):
            returned(unit, seed=i)  # the first try …
            county.used[unit] = returned(unit, "东河镇(1).xlsx", seed=100 + i).name  # … and the correction
        elif unit == full("应急管理局"):
            pass  # below, after 市场监管局
        elif unit == full("教育局"):
            county.used[unit] = returned(unit, seed=i, unbalance=True).name
        elif unit == full("石桥镇"):
            p = back / "石桥镇.xlsx"
            county.typed[p.name] = _own_book(p, 200 + i, unit, year=2024,
                                              meta={"unit": unit, "distributed_for": 2024, "unit_code": f"{i + 1:03d}"},
                                              published="2025-01-20")
            county.used[unit] = p.name
        elif unit == full("龙泉镇"):
            county.used[unit] = returned(unit, seed=i, year=2024).name
        elif unit == full("太山乡"):
            (back / "太山乡.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
            county.used[unit] = "太山乡.xls"
        elif short in OWN_BOOKS:
            file_name, cover = OWN_BOOKS[short]
            p = back / file_name
            county.typed[p.name] = _own_book(p, 200 + i, cover)
            county.used[unit] = p.name
        elif unit == full("红旗街道办事处"):
            r = balanced_report(200 + i, agency=unit, year=2025)
            r.published = BASE_PUBLISHED
            p = back / "红旗街道.json"
            p.write_text(r.dumps(), "utf-8")
            county.typed[p.name] = {c.id: r.values[c.id] for c in SPEC.value_cells if c.is_input}
            county.used[unit] = p.name
        elif unit == full("青石乡"):
            p = returned(unit, seed=i, published=None)
            county.used[unit] = explain_in_copy(p, county)
        elif unit == full("南湖镇"):
            county.used[unit] = returned(unit, seed=i, published="2026-02-15").name
        elif unit == GOVERNMENT:
            county.used[unit] = returned(unit, seed=i, published="2026-03-20").name
        else:
            county.used[unit] = returned(unit, seed=i).name
        assert short
    # 应急管理局's clerk filled in 市场监管局's workbook and saved it under its own name
    county.typed["测试县应急管理局.xlsx"] = fill_copy(handed / f"{full('市场监督管理局')}.xlsx",
                                                  back / "测试县应急管理局.xlsx", 77)
    clock += 60
    _touch(back / "测试县应急管理局.xlsx", clock)
    # 北岭乡's clerk copied 城关镇's finished book and renamed it
    shutil.copyfile(back / f"{full('城关镇')}.xlsx", back / "北岭乡.xlsx")
    county.typed["北岭乡.xlsx"] = county.typed[f"{full('城关镇')}.xlsx"]
    _touch(back / "北岭乡.xlsx", clock + 60)
    # a body not on the list, a note and a lock file
    county.typed[f"{OUTSIDE_UNIT}.xlsx"] = _own_book(back / f"{OUTSIDE_UNIT}.xlsx", 999, OUTSIDE_UNIT)
    (back / "城关镇的说明.docx").write_bytes(b"PK\x03\x04 not a workbook")
    (back / f"~${full('城关镇')}.xlsx").write_bytes(b"\0" * 165)
    return county


def fill_copy(src: Path, dst: Path, seed: int) -> dict[str, object]:
    shutil.copyfile(src, dst)
    return fill(dst, seed)


EXPLANATION = "报告正在履行审批程序，发布后补填发布日期。"


def explain_in_copy(path: Path, county: County) -> str:
    """青石乡 annotates its book, writes its reason beside the 提示, and sends the copy back."""
    copy = path.with_name(path.stem + "-校验.xlsx")
    code, _, err = run_cli("validate", path, "--annotate", copy)
    assert code in (0, 1), err
    wb = openpyxl.load_workbook(copy)
    ws = wb["校验结果"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    col = [ws.cell(header, c).value for c in range(1, 10)].index("单位说明") + 1
    done = False
    for r in range(header + 1, ws.max_row + 1):
        if str(ws.cell(r, 3).value or "").startswith("C07"):
            ws.cell(r, col).value = EXPLANATION
            done = True
    assert done
    wb.save(copy)
    county.typed[copy.name] = county.typed.pop(path.name)
    path.unlink()  # the clerk sends only the copy
    return copy.name


# ------------------------------------------------------------------ the test's own arithmetic
def expected_totals(typed: list[dict[str, object]]) -> dict[str, float]:
    """County totals computed here: sums of what was typed, totals as the format defines them."""
    out: dict[str, float] = {}
    for c in SPEC.value_cells:
        if c.is_input:
            out[c.id] = round(sum(float(t.get(c.id) or 0) for t in typed), 6)
    for table in ("t4", "t3"):  # R24 column sums first, then the 总计 row sums
        for c in SPEC.value_cells:
            if c.table == table and c.row == "R24" and c.col != "total":
                out[c.id] = sum(out[t3_id(f"R{n}", c.col)] for n in range(3, 24))
        for c in SPEC.value_cells:
            if c.table == table and not c.is_input and c.col == "total":
                out[c.id] = sum(out[x] for x in c.formula_of)
    return out

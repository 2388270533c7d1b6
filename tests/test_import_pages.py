"""The real report pages in tests/fixtures/pages import to exactly the numbers they show.

The expected tables below were written by reading each page's tables by eye
(row label → the seven applicant columns, etc.), not by running the importer.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from giar_xl import checker
from giar_xl.importer import OldFormatReport, import_report
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import T3_COLUMNS, T4_COLUMNS, T4_GROUPS, T3_ROWS, t3_id

PAGES = FIXTURES / "pages"
T2_ORDER = [c.id for c in DEFAULT_FORMAT.value_cells if c.table == "t2"]
T4_ORDER = [f"t4.{g}.{c}" for g, _ in T4_GROUPS for c, _ in T4_COLUMNS]
ZERO7 = [0] * 7


def expected_values(t2: list, t3: dict[str, list], t4: list) -> dict:
    """Spell a report's tables the way they are printed: t2 in print order, t3 by row code."""
    out = dict(zip(T2_ORDER, t2, strict=True))
    for code, *_ in T3_ROWS:
        row = t3.get(code, ZERO7)
        for (col, _), v in zip(T3_COLUMNS, row, strict=True):
            out[t3_id(code, col)] = v
    out.update(zip(T4_ORDER, t4, strict=True))
    return out


def assert_cells(report: Report, expected: dict) -> None:
    assert set(report.values) == set(expected)
    wrong = {k: (report.values[k], v) for k, v in expected.items()
             if report.values[k] != v or type(report.values[k]) is not type(v)}
    assert not wrong, wrong


def notes(report: Report, severity: str | None = None) -> list[dict]:
    return [n for n in report.meta["import_notes"] if severity in (None, n["severity"])]


# ---------------------------------------------------------------- haitan-2025
HAITAN_2025 = expected_values(
    # no 规章 row on the page; its 行政规范性文件 row is labelled "规范性文件"
    [None, None, None, 0, 0, 0, 0, 0, 0, 0],
    {"R1": [2, 0, 0, 0, 0, 0, 0],  # as published: 自然人 2, 总计 0
     "R4": [1, 0, 0, 0, 0, 0, 0],
     "R13": [1, 0, 0, 0, 0, 0, 0],
     "R24": [2, 0, 0, 0, 0, 0, 0]},
    [0] * 15)


def test_haitan_2025_numbers_cell_by_cell():
    r = import_report(PAGES / "haitan-2025.html")
    assert_cells(r, HAITAN_2025)
    assert (r.agency, r.year, r.published) == ("平潭综合实验区海坛片区管理局", 2025, "2026-01-27")
    assert r.meta["format_detected"] == "2021"


def test_haitan_2025_reports_what_it_could_not_place():
    r = import_report(PAGES / "haitan-2025.html")
    errors = notes(r, "错误")
    assert len(errors) == 1 and "规章" in errors[0]["message"]
    hints = notes(r, "提示")
    assert any("规范性文件" in n["message"] and n["position"] == "网页第 1 个表格第 3 行" for n in hints)


def test_haitan_2025_texts():
    r = import_report(PAGES / "haitan-2025.html")
    assert r.texts["s1.intro"].startswith("2025年，海坛片区管理局坚持以习近平")
    # "（一）主动公开情况。" is the sub-head; the part starts after it
    assert r.texts["s1.active"].startswith("根据《中华人民共和国政府信息公开条例》规定要求")
    assert r.texts["s1.active"].endswith("服务满足群众的信息获取需求。")
    assert r.texts["s1.request"].endswith("全年共受理政府信息公开申请2件，按时办结率100%。")
    assert r.texts["s1.management"].startswith("一是严谨信息管理。")
    assert r.texts["s1.platform"].startswith("用好政务新媒体平台")
    assert r.texts["s1.supervision"].startswith("不断健全完善政府信息公开制度")
    # section 五 has no sub-heads on this page: both paragraphs go to its intro
    assert r.texts["s5.intro"].count("\n") == 1 and r.texts["s5.intro"].startswith("2025年，我局政府信息公开工作")
    assert r.texts["s5.problems"] == r.texts["s5.measures"] == ""
    # the closing agency, date and "（此件主动公开）" are not part of section 六
    assert r.texts["s6.fees"] == "本年度未产生政府信息公开信息处理费用。"
    assert r.meta["signature"] == ["平潭综合实验区海坛片区管理局", "2026年1月26日", "（此件主动公开）"]
    assert r.meta["preamble"].startswith("根据《中华人民共和国政府信息公开条例》有关要求")
    # the site's navigation and footer stay out
    assert not any("备案" in t or "网站标识码" in t for t in r.texts.values())


# ---------------------------------------------------------------- jtj-2025
JTJ_2025 = expected_values(
    [0, 0, 0, 1, 0, 24, 0, 0, 0, 0],
    {"R1": [21, 0, 0, 0, 0, 0, 21],
     "R3": [10, 0, 0, 0, 0, 0, 10],
     "R4": [1, 0, 0, 0, 0, 0, 1],
     "R13": [10, 0, 0, 0, 0, 0, 10],
     "R24": [21, 0, 0, 0, 0, 0, 21]},
    [3, 1, 5, 0, 9] + [0] * 10)


def test_jtj_2025_numbers_cell_by_cell():
    r = import_report(PAGES / "jtj-2025.html")
    assert_cells(r, JTJ_2025)  # 总计 cells wrapped in <p>&nbsp;</p><p>21</p><p>&nbsp;</p> included
    assert (r.agency, r.year, r.published) == ("平潭综合实验区交通与建设局", 2025, "2026-01-22")
    assert notes(r) == []


def test_jtj_2025_texts():
    r = import_report(PAGES / "jtj-2025.html")
    assert r.texts["s1.active"].startswith("一是加大政府信息公开力度。")
    assert r.texts["s1.request"].startswith("我局持续重视依申请公开工作")
    assert r.texts["s1.management"].startswith("2025年，我局深入贯彻落实信息公开相关政策")
    assert r.texts["s1.platform"].startswith("我局加强并规范政务新媒体矩阵建设")
    assert r.texts["s1.supervision"].startswith("根据工作安排及时调整政务公开工作领导小组")
    assert r.texts["s6.fees"].endswith("本年度没有产生信息公开处理费。")
    assert r.meta["signature"] == ["平潭综合实验区交通与建设局", "2026年1月22日"]
    # numbers split over several <span>s read as one run of text
    assert "门户网站全年公开政府信息181条" in r.texts["s1.active"]


def test_jtj_2025_passes_the_table_identities():
    r = import_report(PAGES / "jtj-2025.html")
    assert not [f for f in checker.check(r) if f.code.startswith("I")]


# ---------------------------------------------------------------- haitan-2020 (2019 format)
def test_2019_format_is_refused_by_default():
    with pytest.raises(OldFormatReport) as exc:
        import_report(PAGES / "haitan-2020-old-format.html")
    assert "2019 年版格式" in exc.value.message
    assert exc.value.report.meta["format_detected"] == "2019"


def test_2019_format_is_never_read_as_2021():
    r = import_report(PAGES / "haitan-2020-old-format.html", allow_2019=True)
    assert r.meta["format_detected"] == "2019"
    assert all(r.values[i] is None for i in T2_ORDER)  # 本年新制作数量 is not 本年制发件数
    assert any("2019 年版格式" in n["message"] for n in notes(r, "错误"))
    # its （六）其他处理 is one value row: not spread over the three 2021 rows
    assert any("（六）其他处理" in n["message"] for n in notes(r, "错误"))
    for code in ("R21", "R22", "R23"):
        assert all(r.values[t3_id(code, c)] is None for c, _ in T3_COLUMNS)
    # the rest of table 三 and table 四 are the same in both formats (all zero on this page)
    assert all(r.values[t3_id(code, c)] == 0 for code, *_ in T3_ROWS
               if code not in ("R21", "R22", "R23") for c, _ in T3_COLUMNS)
    assert all(r.values[i] == 0 for i in T4_ORDER)
    assert (r.agency, r.year) == ("平潭综合实验区海坛片区管理局", 2020)


def test_word_exported_page_texts():
    r = import_report(PAGES / "haitan-2020-old-format.html", allow_2019=True)
    # Word's conditional comments and mso styles leave no trace in the text
    assert not any("[if" in t or "mso-" in t for t in r.texts.values())
    assert r.texts["s1.active"].startswith("2020年，我局共公开政府信息254条")
    assert r.texts["s1.request"] == "2020年，片区共受理依申请公开 0 件。"
    assert r.texts["s1.platform"].startswith("一是把“平潭综合实验区党工委管委会”门户网站")
    # the two title lines at the top are the title, not preamble
    assert not r.meta["preamble"].startswith("平潭综合实验区海坛片区管理局")


# ---------------------------------------------------------------- with the checker
def test_validate_reports_haitan_totals_at_their_cells():
    r = import_report(PAGES / "haitan-2025.html")
    found = checker.check(r)
    i2 = {(f.sheet, f.cell) for f in found if f.code == "I2"}
    sheet = DEFAULT_FORMAT.section_of_table("t3").sheet
    # R1 (row 6), R4 (row 9), R13 (row 18) and （七）总计 (row 29) print 总计 0 beside
    # an applicant count; every other row adds up
    assert i2 == {(sheet, "J6"), (sheet, "J9"), (sheet, "J18"), (sheet, "J29")}
    # the missing 规章 row is reported as blank cells of table 二
    blanks = {f.cell for f in found if f.id and f.id.startswith("t2.regulation.")}
    assert blanks == {"B5", "C5", "D5"}


def test_validate_command_on_imported_pages(tmp_path):
    from conftest import run_cli

    ok, bad = tmp_path / "shizhuang.json", tmp_path / "haitan.json"
    assert run_cli("import", FIXTURES / "shizhuang-2024.txt", "-o", ok)[0] == 0
    assert run_cli("import", PAGES / "haitan-2025.html", "-o", bad)[0] == 1
    code, stdout, _ = run_cli("validate", ok)
    assert code == 0, stdout
    code, stdout, _ = run_cli("validate", bad)
    assert code == 1
    for cell in ("J6", "J9", "J18", "J29", "B5"):
        assert f"  {cell} " in stdout


@pytest.mark.parametrize("title, expected", [
    ("平潭综合实验区海坛片区管理局 关于2021年度政府信息公开工作年度报告", ("平潭综合实验区海坛片区管理局", 2021)),
    ("2024年某某镇政府信息公开工作年度报告", ("某某镇", 2024)),
    ("2024年度某某县交通运输局政府信息公开工作年度报告", ("某某县交通运输局", 2024)),
    ("关于印发某某局2022年政府信息公开工作年度报告的通知", ("某某局", 2022)),
    ("《某某局2024年度政府信息公开工作年度报告》", ("某某局", 2024)),
    ("某某局2024年度政府信息公开工作年度报告-政府信息公开", ("某某局", 2024)),
    ("特向社会公布2024年度政府信息公开工作年度报告。", None),
])
def test_titles_as_sites_publish_them(title, expected):
    """A title not read leaves agency and year empty: C01 and C02 错误 on a correct report."""
    from giar_xl.importer.sections import parse_title

    assert parse_title(title) == expected

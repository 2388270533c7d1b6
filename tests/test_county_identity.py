"""Unit identity on evidence (issue 12): names as clerks write them, verdicts, the 对应表, the list."""

from __future__ import annotations

import openpyxl
import pytest

from giar_xl.county.identity import (CONFLICT, COVER, FILE_NAME, LISTED, OUTSIDE, RECORD, Evidence,
                                     UnitIndex, county_prefixes, weigh)
from giar_xl.county.mapping import COUNT, EXCLUDE, RETURN, read_mapping
from giar_xl.county.units import Unit, read_units
from giar_xl.errors import GiarError

NAMES = ["某某县城关镇人民政府", "某某县北岭乡人民政府", "某某县交通运输局", "某某县民政局", "某某县财政局",
         "某某县市场监督管理局", "某某县应急管理局", "某某县人民政府办公室", "某某县卫生健康委员会",
         "某某县人民政府", "某某县城市管理局", "某某县新华街道办事处"]


@pytest.fixture(scope="module")
def index():
    units = [Unit(n, i + 2, code=f"{i + 1:03d}", aliases=("县府办",) if n.endswith("办公室") else ())
             for i, n in enumerate(NAMES)]
    return UnitIndex(units)


def test_the_county_prefix_is_read_from_the_list():
    assert county_prefixes(NAMES) == ("某某县",)
    # "某某县城" starts 城关镇 and 城市管理局 too, but the county is the shorter prefix
    assert county_prefixes(["甲县城关镇", "甲县城南乡", "甲县教育局"]) == ("甲县",)
    assert county_prefixes(["城关镇人民政府", "教育局"]) == ()  # a list without the county's name
    assert county_prefixes(["城关镇人民政府"], extra=["某某县"]) == ("某某县",)


@pytest.mark.parametrize("written, unit", [
    ("交通运输局", "某某县交通运输局"),  # without the county
    ("县民政局", "某某县民政局"),  # with the level word only
    ("本县民政局", "某某县民政局"),
    ("财政局（盖章）", "某某县财政局"),  # the seal note in brackets
    ("某某县财政局(盖章)", "某某县财政局"),
    ("财政局盖章", "某某县财政局"),
    ("市场监管局", "某某县市场监督管理局"),  # the short form
    ("某某县 市场监督 管理局", "某某县市场监督管理局"),  # spaces
    ("某某县城关镇", "某某县城关镇人民政府"),  # a township without 人民政府
    ("城关镇", "某某县城关镇人民政府"),
    ("城关镇政府", "某某县城关镇人民政府"),
    ("卫健委", "某某县卫生健康委员会"),
    ("县政府办", "某某县人民政府办公室"),
    ("县府办", "某某县人民政府办公室"),  # an alias from the units list
    ("县人民政府", "某某县人民政府"),
    ("新华街道", "某某县新华街道办事处"),
    ("城市管理局", "某某县城市管理局"),
])
def test_names_as_clerks_write_them(index, written, unit):
    assert index.lookup(written) == (unit, ())


@pytest.mark.parametrize("written", ["城关镇的说明", "教育局", "外县交通运输局", "", "   ", "县", "报告"])
def test_names_that_name_no_listed_unit(index, written):
    assert index.lookup(written)[0] is None


def test_a_name_that_fits_two_units_is_not_guessed():
    index = UnitIndex([Unit("甲县城关镇人民政府", 2), Unit("甲县城关镇卫生院", 3, aliases=("城关镇医院",)),
                       Unit("乙县城关镇人民政府", 4, previous_name="甲县城关镇")])
    unit, candidates = index.lookup("城关镇")
    assert unit is None and set(candidates) == {"甲县城关镇人民政府", "乙县城关镇人民政府"}


def test_an_alias_that_names_another_unit_is_refused():
    with pytest.raises(GiarError) as e:
        UnitIndex([Unit("某某县财政局", 2), Unit("某某县税务局", 3, aliases=("财政局",))])
    assert "第 3 行的别名“财政局”与第 2 行的“某某县财政局”" in e.value.message


def ev(index, record=None, file=None, cover=None):
    return index.evidence(record, file, cover)


def test_the_distribution_record_is_read_by_code_first(index):
    e = index.record_evidence({"unit": "某某县城关镇人民政府", "unit_code": "001"})
    assert (e.source, e.unit) == (RECORD, "某某县城关镇人民政府")
    # a code that says one unit and a name another: the list changed, nobody is guessed
    e = index.record_evidence({"unit": "某某县民政局", "unit_code": "001"})
    assert e.unit is None and set(e.candidates) == {"某某县城关镇人民政府", "某某县民政局"}
    assert index.record_evidence({}) is None


@pytest.mark.parametrize("record, file, cover, kind, unit, how", [
    # all agree
    ({"unit": "某某县民政局"}, "某某县民政局.xlsx", "某某县民政局", LISTED, "某某县民政局", RECORD),
    # a file name that names nobody does not disagree
    ({"unit": "某某县民政局"}, "年报（定稿）.xlsx", "县民政局", LISTED, "某某县民政局", RECORD),
    # no record: the file name, then the cover
    (None, "交通运输局2025年报.xlsx", "交通运输局", LISTED, "某某县交通运输局", FILE_NAME),
    (None, "年报（定稿）.xlsx", "财政局（盖章）", LISTED, "某某县财政局", COVER),
    # another unit's workbook under its own name
    ({"unit": "某某县市场监督管理局"}, "应急管理局.xlsx", "某某县市场监督管理局", CONFLICT, None, None),
    # a renamed copy of another unit's book
    ({"unit": "某某县城关镇人民政府"}, "北岭乡.xlsx", "某某县城关镇人民政府", CONFLICT, None, None),
    # a record for a body the list does not have, with a listed cover: whose is it?
    ({"unit": "某某县档案馆"}, "档案.xlsx", "某某县民政局", CONFLICT, None, None),
    # a body outside the list
    (None, "档案馆.xlsx", "某某县档案馆", OUTSIDE, None, None),
])
def test_the_verdict_on_a_files_evidence(index, record, file, cover, kind, unit, how):
    v = weigh(ev(index, record, file, cover))
    assert (v.kind, v.unit, v.how) == (kind, unit, how)


def test_a_cover_naming_nobody_is_noted_not_a_conflict(index):
    v = weigh(ev(index, {"unit": "某某县民政局"}, "某某县民政局.xlsx", "民政所"))
    assert v.kind == LISTED and v.notes() == ["封面：民政所（不在名单中）"]


def test_evidence_reads_as_the_officer_sees_it():
    assert Evidence(FILE_NAME, "北岭乡.xlsx", "某某县北岭乡人民政府").describe() == \
        "文件名：北岭乡.xlsx → 某某县北岭乡人民政府"
    assert Evidence(COVER, "某某县民政局", "某某县民政局").describe() == "封面：某某县民政局"


# ------------------------------------------------------------------ the 对应表
def test_the_mapping_file_in_csv_and_xlsx(index, tmp_path):
    text = "文件,单位,处理,说明\n应急管理局.xlsx,应急管理局,,封面抄错了\n北岭乡.xlsx,北岭乡,退回,城关镇的书\n测试.xlsx,,不计入,\n"
    p = tmp_path / "对应表.csv"
    p.write_bytes(text.encode("gbk"))
    m = read_mapping(p, index)
    assert [(d.file, d.unit, d.action) for d in m.decisions] == [
        ("应急管理局.xlsx", "某某县应急管理局", COUNT), ("北岭乡.xlsx", "某某县北岭乡人民政府", RETURN),
        ("测试.xlsx", None, EXCLUDE)]
    assert m.for_file(tmp_path / "回收" / "北岭乡.xlsx").action == RETURN
    assert [d.row for d in m.unused()] == [2, 4]
    wb = openpyxl.Workbook()
    for row in text.strip().split("\n"):
        wb.active.append(row.split(","))
    x = tmp_path / "对应表.xlsx"
    wb.save(x)
    assert [d.unit for d in read_mapping(x, index).decisions] == [d.unit for d in m.decisions]


@pytest.mark.parametrize("body, message", [
    ("文件\n甲.xlsx\n", "第 1 行应有“文件”和“单位”两列"),
    ("文件,单位\n甲.xlsx,外县教育局\n", "对应表第 2 行的单位“外县教育局”不在单位名单中"),
    ("文件,单位\n甲.xlsx,\n", "对应表第 2 行没有写单位"),
    ("文件,单位,处理\n甲.xlsx,民政局,删掉\n", "对应表第 2 行的处理“删掉”无法识别"),
    ("文件,单位\n甲.xlsx,民政局\n甲.XLSX,财政局\n", "对应表第 3 行的文件“甲.XLSX”与第 2 行重复"),
    ("文件,单位\n,民政局\n", "对应表第 2 行没有写文件名"),
])
def test_a_bad_mapping_is_refused_by_row(index, tmp_path, body, message):
    p = tmp_path / "对应表.csv"
    p.write_text(body, "utf-8")
    with pytest.raises(GiarError) as e:
        read_mapping(p, index)
    assert message in e.value.message


# ------------------------------------------------------------------ the units list
def test_the_units_list_carries_type_aliases_and_contacts(tmp_path):
    p = tmp_path / "名单.csv"
    p.write_bytes("单位名称,单位编码,单位类型,别名,联系人,联系电话\n"
                  "某某县城关镇人民政府,001,乡镇,城关、城关镇政府,张三,0373-5550001\n"
                  "某某县人民政府办公室,002,县直部门,县府办,,\n".encode("gbk"))
    a, b = read_units(p)
    assert (a.kind, a.aliases, a.contact, a.phone) == ("乡镇", ("城关", "城关镇政府"), "张三", "0373-5550001")
    assert a.contact_line == "张三 0373-5550001"
    assert (b.kind, b.aliases, b.contact) == ("县直部门", ("县府办",), None)


def test_two_units_with_one_code_are_refused(tmp_path):
    p = tmp_path / "名单.csv"
    p.write_text("单位名称,单位编码\n甲镇,001\n乙镇,1\n丙镇,001\n", "utf-8")
    with pytest.raises(GiarError) as e:
        read_units(p)
    assert "第 4 行的单位编码“001”与第 2 行重复" in e.value.message

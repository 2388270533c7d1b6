"""Every label of the national format sits at its printed place in the generated workbook.

The expected places are written here independently of giar_xl.spec (transcribed
from the printed 2021 format), and checked again against the real published
2024 report's table text, so a label typo or a shifted row in the spec fails.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from giar_xl.template import build_workbook
from giar_xl.text import normalise_label

from conftest import FIXTURES

T2 = "二、主动公开"
T3 = "三、依申请公开"
T4 = "四、复议诉讼"

# (sheet, cell, label) as the national format prints them; tables start at row 3
EXPECTED = [
    (T2, "A3", "第二十条第(一)项"), (T2, "A4", "信息内容"), (T2, "B4", "本年制发件数"),
    (T2, "C4", "本年废止件数"), (T2, "D4", "现行有效件数"), (T2, "A5", "规章"),
    (T2, "A6", "行政规范性文件"), (T2, "A7", "第二十条第(五)项"), (T2, "A8", "信息内容"),
    (T2, "B8", "本年处理决定数量"), (T2, "A9", "行政许可"), (T2, "A10", "第二十条第(六)项"),
    (T2, "A11", "信息内容"), (T2, "B11", "本年处理决定数量"), (T2, "A12", "行政处罚"),
    (T2, "A13", "行政强制"), (T2, "A14", "第二十条第(八)项"), (T2, "A15", "信息内容"),
    (T2, "B15", "本年收费金额(单位:万元)"), (T2, "A16", "行政事业性收费"),
    (T3, "A3", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"),
    (T3, "D3", "申请人情况"), (T3, "D4", "自然人"), (T3, "E4", "法人或其他组织"), (T3, "J4", "总计"),
    (T3, "E5", "商业企业"), (T3, "F5", "科研机构"), (T3, "G5", "社会公益组织"),
    (T3, "H5", "法律服务机构"), (T3, "I5", "其他"),
    (T3, "A6", "一、本年新收政府信息公开申请数量"), (T3, "A7", "二、上年结转政府信息公开申请数量"),
    (T3, "A8", "三、本年度办理结果"), (T3, "B8", "(一)予以公开"),
    (T3, "B9", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    (T3, "B10", "(三)不予公开"), (T3, "C10", "1.属于国家秘密"), (T3, "C11", "2.其他法律行政法规禁止公开"),
    (T3, "C12", '3.危及"三安全一稳定"'), (T3, "C13", "4.保护第三方合法权益"),
    (T3, "C14", "5.属于三类内部事务信息"), (T3, "C15", "6.属于四类过程性信息"),
    (T3, "C16", "7.属于行政执法案卷"), (T3, "C17", "8.属于行政查询事项"),
    (T3, "B18", "(四)无法提供"), (T3, "C18", "1.本机关不掌握相关政府信息"),
    (T3, "C19", "2.没有现成信息需要另行制作"), (T3, "C20", "3.补正后申请内容仍不明确"),
    (T3, "B21", "(五)不予处理"), (T3, "C21", "1.信访举报投诉类申请"), (T3, "C22", "2.重复申请"),
    (T3, "C23", "3.要求提供公开出版物"), (T3, "C24", "4.无正当理由大量反复申请"),
    (T3, "C25", "5.要求行政机关确认或重新出具已获取信息"), (T3, "B26", "(六)其他处理"),
    (T3, "C26", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (T3, "C27", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    (T3, "C28", "3.其他"), (T3, "B29", "(七)总计"), (T3, "A30", "四、结转下年度继续办理"),
    (T4, "A3", "行政复议"), (T4, "F3", "行政诉讼"), (T4, "F4", "未经复议直接起诉"),
    (T4, "K4", "复议后起诉"),
    *[(T4, f"{c}4", w) for c, w in zip("ABCDE", ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))],
    *[(T4, f"{c}5", w) for c, w in zip("FGHIJ", ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))],
    *[(T4, f"{c}5", w) for c, w in zip("KLMNO", ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))],
]
# merged header cells as printed (range on the sheet)
EXPECTED_MERGES = {
    T2: {"A3:D3", "B8:D8", "B9:D9", "A14:D14", "B16:D16"},
    T3: {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A6:C6", "A8:A29", "B8:C8", "B10:B17",
         "B18:B20", "B21:B25", "B26:B28", "B29:C29", "A30:C30"},
    T4: {"A3:E3", "F3:O3", "A4:A5", "E4:E5", "F4:J4", "K4:O4"},
}


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(io.BytesIO(build_workbook()))


@pytest.mark.parametrize("sheet,cell,label", EXPECTED, ids=[f"{s}!{c}" for s, c, _ in EXPECTED])
def test_label_at_its_place(book, sheet, cell, label):
    assert normalise_label(book[sheet][cell].value) == normalise_label(label)


@pytest.mark.parametrize("sheet", sorted(EXPECTED_MERGES))
def test_printed_merges(book, sheet):
    merged = {str(r) for r in book[sheet].merged_cells.ranges}
    assert EXPECTED_MERGES[sheet] <= merged


def _published_cells(text: str, start: str, end: str) -> list[str]:
    """Cells of a table as pasted from a website: each cell starts with a tab."""
    block = text[text.index(start) + len(start):text.index(end)]
    cells: list[str] = []
    for line in block.split("\n"):
        if line.startswith("\t"):
            cells.append(line[1:])
        elif line and cells:
            cells[-1] += line  # a label broken across lines ("商业\n企业")
    return cells


@pytest.mark.parametrize("sheet,start,end", [
    (T2, "二、主动公开政府信息情况", "三、收到和处理"),
    (T3, "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议"),
    (T4, "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题"),
])
def test_labels_in_the_order_of_a_real_published_report(book, sheet, start, end):
    text = (FIXTURES / "shizhuang-2024.txt").read_text("utf-8")
    published = [normalise_label(c) for c in _published_cells(text, start, end)
                 if c.strip() and not c.strip().replace(".", "").isdigit()]
    ws = book[sheet]
    ours = []
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
        for cell in row:
            if isinstance(cell.value, str) and not cell.value.startswith("="):
                ours.append(normalise_label(cell.value))
    # the status row under table 三 is ours, not the format's
    ours = [c for c in ours if not c.startswith("勾稽检查")]
    assert ours == published


def test_each_text_label_says_what_leaving_it_blank_costs(book):
    """A part's heading says （必填）, （应填） or （选填）, and the checker agrees when the
    whole section is left blank: 错误, 提示, nothing (issue 18)."""
    import re

    from giar_xl.checker import RULES, check
    from giar_xl.checker.cases import CASE_TODAY, base_report
    from giar_xl.layout import narrative_heading_address
    from giar_xl.spec import DEFAULT_FORMAT

    blank_rules = {r.code for r in RULES if r.kind in ("required_text", "section_mentions")}
    said = {"必填": "错误", "应填": "提示", "选填": None}
    for section in (s for s in DEFAULT_FORMAT.sections if s.parts):
        r = base_report()
        for part in section.parts:
            r.texts[part.id] = ""
        costs: dict[str, set[str]] = {}
        for f in check(r, today=CASE_TODAY):
            if f.code in blank_rules:
                costs.setdefault(f.id, set()).add(f.severity)
        for i, part in enumerate(section.parts):
            heading = book[section.sheet][narrative_heading_address(section, i)].value
            need = re.search(r"（(必填|应填|选填)）", heading)
            assert need, heading
            worst = "错误" if "错误" in costs.get(part.id, ()) else next(iter(costs.get(part.id, ())), None)
            assert said[need[1]] == worst, (heading, costs.get(part.id))

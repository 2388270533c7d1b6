"""The shared layer of the renderers (giar_xl.export.common), and helpers the other export tests use."""

from __future__ import annotations

import pytest

from giar_xl.export.common import (format_value, header_row_count, narrative_blocks, occupancy,
                                   report_title, text_row_entries)
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT

SPEC = DEFAULT_FORMAT
TABLES = {t.key: t for t in SPEC.tables}


def distinct_report() -> Report:
    """Every value cell holds a different number, so a value in the wrong place shows."""
    r = Report.empty(SPEC, agency="测试县某某镇人民政府", year=2025)
    for i, c in enumerate(SPEC.value_cells):
        r.values[c.id] = round(1000 + i + 0.125, 4) if c.kind == "amount" else 100 + i
    return r


def spans_from_rows(rows: list[list[tuple[str, int, int]]]) -> dict[tuple[int, int], tuple[str, int, int]]:
    """Rebuild a table's grid from its rows of (text, rowspan, colspan), the way a browser does.

    Returns {(row, col): (text, rowspan, colspan)} for the position where each cell
    starts. Fails if two cells claim one position.
    """
    taken: set[tuple[int, int]] = set()
    origins: dict[tuple[int, int], tuple[str, int, int]] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            origins[(r, c)] = (text, rs, cs)
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    assert (rr, cc) not in taken, f"cell ({rr},{cc}) covered twice"
                    taken.add((rr, cc))
            c += cs
    return origins


def expected_grid(report: Report, key: str) -> dict[tuple[int, int], tuple[str, int, int]]:
    table = TABLES[key]
    return {(g.r, g.c): (format_value(report.values.get(g.value)) if g.value else g.text,
                         g.rowspan, g.colspan) for g in table.grid}


def test_every_table_position_is_covered_exactly_once():
    for table in SPEC.tables:
        occ = occupancy(table)  # raises on a gap or an overlap
        assert len(occ) == table.n_rows and all(len(row) == table.n_cols for row in occ)


def test_header_rows_are_the_column_headers():
    assert header_row_count(TABLES["t2"]) == 0  # starts with a block title, not a header
    assert header_row_count(TABLES["t3"]) == 3
    assert header_row_count(TABLES["t4"]) == 3


def test_text_rows_match_the_published_page_shape():
    # the published page's table 三 header: note + 申请人情况; then one empty entry
    # for the note reaching down, 自然人, 法人或其他组织, 总计
    t3 = TABLES["t3"]
    row0 = text_row_entries(t3, 0)
    assert [g.text for g in row0] == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                                      "申请人情况"]
    row1 = text_row_entries(t3, 1)
    assert row1[0] is None and [g.text for g in row1[1:]] == ["自然人", "法人或其他组织", "总计"]
    row2 = text_row_entries(t3, 2)
    assert row2[0] is None and row2[1] is None and row2[-1] is None and len(row2) == 8
    # row R6 (2.其他法律…): the 三、 group and the （三） group reach down: two empty entries
    r6 = text_row_entries(t3, 3 + 5)
    assert r6[0] is None and r6[1] is None and r6[2].text.startswith("2.") and len(r6) == 10
    t4 = TABLES["t4"]
    assert [g for g in text_row_entries(t4, 2)][:5] == [None] * 5


@pytest.mark.parametrize("value, shown", [
    (0, "0"), (12, "12"), (3.0, "3"), (1.5, "1.5"), (0.1 + 0.2, "0.3"), (12.34567, "12.34567"), (5949.088667, "5949.088667"), (18651.06, "18651.06"),
    (None, ""), ("/", "/"), (" 无 ", "无"), (float("nan"), ""),
])
def test_format_value(value, shown):
    assert format_value(value) == shown


def test_title_leaves_out_missing_parts():
    r = Report.empty(SPEC, agency="某某局", year=2025)
    assert report_title(r) == "某某局2025年政府信息公开工作年度报告"
    r.year = None
    assert report_title(r) == "某某局政府信息公开工作年度报告"


def test_subheads_are_numbered_over_printed_parts(example_report):
    s1, s5, s6 = (s for s in SPEC.sections if s.key in ("s1", "s5", "s6"))
    heads1 = [b.subhead for b in narrative_blocks(example_report, s1)]
    assert heads1 == [None, "（一）主动公开", "（二）依申请公开", "（三）政府信息管理",
                      "（四）政府信息公开平台建设", "（五）监督保障"]
    # 上年度问题整改情况 is empty in the example: no gap in the numbering
    heads5 = [b.subhead for b in narrative_blocks(example_report, s5)]
    assert heads5 == [None, "（一）主要问题", "（二）改进措施"]
    # a lone part gets no "（一）" (the published example prints 六 that way)
    assert [b.subhead for b in narrative_blocks(example_report, s6)] == [None]


def test_a_subhead_typed_by_the_clerk_is_not_printed_twice(example_report):
    s1 = SPEC.sections[0]
    example_report.texts["s1.request"] = "（二）依申请公开：本年度未收到申请。\n第二段。"
    block = next(b for b in narrative_blocks(example_report, s1) if b.part_id == "s1.request")
    assert block.subhead == "（二）依申请公开"
    assert block.paragraphs == ("本年度未收到申请。", "第二段。")

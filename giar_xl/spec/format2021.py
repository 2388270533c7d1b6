"""The 2021 national format (国办公开办函〔2021〕30号), written once, as data.

Every label below is the standard's own wording (see docs/format.md for the
sources). Grids are built by small functions from the row and column lists so
that a label appears exactly once in this file.

Choice of inputs and formulas (the template and the checker both rely on it):
- Table 三: rows R1–R23 and R25 are inputs in the six applicant columns; the 总计
  column is a formula (I2: row sum) in every row, and （七）总计 (R24) is a
  formula (I3: sum of R3–R23). I1 (R1 + R2 = R24 + R25) has no formula: the
  clerk enters 结转下年度 (R25) and a live status cell checks the balance, because
  the carry-over is a figure the office must count, not derive.
- Table 四: the three 总计 cells are formulas (I4); the other twelve are inputs.
- Table 二 has no identity inside the year; its continuity across years is a
  checker rule.
"""

from __future__ import annotations

from .model import (
    FormatSpec,
    GridCell,
    IdentityInstance,
    IdentitySpec,
    SectionSpec,
    TableSpec,
    TextPart,
    ValueCell,
)

# ---------------------------------------------------------------- table 二
T2_BLOCKS = (
    # (key, block title, header labels after 信息内容, rows (key, label), kind, unit)
    ("item1", "第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("regulation", "规章"), ("normative", "行政规范性文件")), "count", "件"),
    ("item5", "第二十条第（五）项", ("本年处理决定数量",),
     (("licensing", "行政许可"),), "count", "件"),
    ("item6", "第二十条第（六）项", ("本年处理决定数量",),
     (("penalty", "行政处罚"), ("coercion", "行政强制")), "count", "件"),
    ("item8", "第二十条第（八）项", ("本年收费金额（单位：万元）",),
     (("fee", "行政事业性收费"),), "amount", "万元"),
)
T2_CONTENT_HEADER = "信息内容"
# 万元 to the fen (分) is 6 decimals, as real reports print them (5949.088667); no national
# rule limits decimals, so more is a hint (V07), never an error
AMOUNT_DECIMALS = 6
T2_ITEM1_COLS = ("issued", "repealed", "in_force")


def _table2() -> TableSpec:
    cells: list[ValueCell] = []
    grid: list[GridCell] = []
    r = 0
    for key, title, headers, rows, kind, unit in T2_BLOCKS:
        grid.append(GridCell(r, 0, title, colspan=4, role="title"))
        grid.append(GridCell(r + 1, 0, T2_CONTENT_HEADER, role="header"))
        if len(headers) == 3:
            for i, h in enumerate(headers):
                grid.append(GridCell(r + 1, 1 + i, h, role="header"))
        else:
            grid.append(GridCell(r + 1, 1, headers[0], colspan=3, role="header"))
        for j, (row_key, row_label) in enumerate(rows):
            rr = r + 2 + j
            grid.append(GridCell(rr, 0, row_label, role="label"))
            if len(headers) == 3:
                for i, h in enumerate(headers):
                    cid = f"t2.{row_key}.{T2_ITEM1_COLS[i]}"
                    cells.append(ValueCell(cid, "t2", row_key, T2_ITEM1_COLS[i],
                                           f"{title} {row_label}", h, kind, unit))
                    grid.append(GridCell(rr, 1 + i, value=cid, role="value"))
            else:
                cid = f"t2.{row_key}.{'amount' if kind == 'amount' else 'decisions'}"
                cells.append(ValueCell(cid, "t2", row_key, cid.rsplit(".", 1)[1],
                                       f"{title} {row_label}", headers[0], kind, unit))
                grid.append(GridCell(rr, 1, value=cid, colspan=3, role="value"))
        r += 2 + len(rows)
    return TableSpec("t2", "二、主动公开政府信息情况", tuple(cells), tuple(grid), r, 4,
                     (22.0, 18.0, 18.0, 18.0))


# ---------------------------------------------------------------- table 三
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_LEGAL_GROUP = "法人或其他组织"
T3_COLUMNS = (
    # (key, label) in printed order; the last is the 总计 formula column
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
)
T3_RESULTS_GROUP = "三、本年度办理结果"
# (row code, key, group label or None, label); group rows carry no values.
T3_ROWS = (
    ("R1", "new", None, "一、本年新收政府信息公开申请数量"),
    ("R2", "carried", None, "二、上年结转政府信息公开申请数量"),
    ("R3", "disclosed", None, "（一）予以公开"),
    ("R4", "partly", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("R5", "deny_secret", "（三）不予公开", "1.属于国家秘密"),
    ("R6", "deny_law", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("R7", "deny_safety", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("R8", "deny_third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("R9", "deny_internal", "（三）不予公开", "5.属于三类内部事务信息"),
    ("R10", "deny_process", "（三）不予公开", "6.属于四类过程性信息"),
    ("R11", "deny_case_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("R12", "deny_query", "（三）不予公开", "8.属于行政查询事项"),
    ("R13", "unable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("R14", "unable_to_make", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("R15", "unable_unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("R16", "skip_petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("R17", "skip_repeat", "（五）不予处理", "2.重复申请"),
    ("R18", "skip_publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("R19", "skip_massive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("R20", "skip_confirm", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("R21", "other_no_fix", "（六）其他处理",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("R22", "other_unpaid", "（六）其他处理",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("R23", "other_other", "（六）其他处理", "3.其他"),
    ("R24", "results_total", None, "（七）总计"),
    ("R25", "carry_forward", None, "四、结转下年度继续办理"),
)
T3_HEADER_ROWS = 3
T3_LABEL_COLS = 3


def t3_id(row_code: str, col_key: str) -> str:
    key = next(k for code, k, _, _ in T3_ROWS if code == row_code)
    return f"t3.{key}.{col_key}"


def _t3_row_label(group: str | None, label: str, code: str) -> str:
    n = int(code[1:])
    if 3 <= n <= 24:
        return " ".join(x for x in (T3_RESULTS_GROUP, group, label) if x)
    return label


def _table3() -> TableSpec:
    cells: list[ValueCell] = []
    grid: list[GridCell] = [
        GridCell(0, 0, T3_NOTE, rowspan=3, colspan=3, role="note"),
        GridCell(0, 3, T3_APPLICANTS, colspan=7, role="header"),
        GridCell(1, 3, T3_COLUMNS[0][1], rowspan=2, role="header"),
        GridCell(1, 4, T3_LEGAL_GROUP, colspan=5, role="header"),
        GridCell(1, 9, T3_COLUMNS[6][1], rowspan=2, role="header"),
    ]
    for i, (_, label) in enumerate(T3_COLUMNS[1:6]):
        grid.append(GridCell(2, 4 + i, label, role="header"))
    input_cols = [k for k, _ in T3_COLUMNS[:6]]
    sum_rows = [code for code, *_ in T3_ROWS[2:23]]  # R3 … R23
    for i, (code, key, group, label) in enumerate(T3_ROWS):
        rr = T3_HEADER_ROWS + i
        n = int(code[1:])
        if n in (1, 2, 25):
            grid.append(GridCell(rr, 0, label, colspan=3, role="label"))
        else:
            if n == 3:
                grid.append(GridCell(rr, 0, T3_RESULTS_GROUP, rowspan=22, role="group"))
            if group is None:
                grid.append(GridCell(rr, 1, label, colspan=2, role="label"))
            else:
                first_of_group = T3_ROWS[i - 1][2] != group
                if first_of_group:
                    span = sum(1 for r in T3_ROWS if r[2] == group)
                    grid.append(GridCell(rr, 1, group, rowspan=span, role="group"))
                grid.append(GridCell(rr, 2, label, role="label"))
        for j, (col_key, col_label) in enumerate(T3_COLUMNS):
            cid = f"t3.{key}.{col_key}"
            if col_key == "total":
                formula_of = tuple(f"t3.{key}.{c}" for c in input_cols)
            elif code == "R24":
                formula_of = tuple(t3_id(c, col_key) for c in sum_rows)
            else:
                formula_of = ()
            col_words = col_label if j in (0, 6) else f"{T3_LEGAL_GROUP} {col_label}"
            cells.append(ValueCell(cid, "t3", code, col_key, _t3_row_label(group, label, code),
                                   col_words, formula_of=formula_of))
            grid.append(GridCell(rr, 3 + j, value=cid, role="value"))
    return TableSpec("t3", "三、收到和处理政府信息公开申请情况", tuple(cells), tuple(grid),
                     T3_HEADER_ROWS + len(T3_ROWS), 10,
                     # the row labels get the room: most print on one line, and the whole
                     # table fits one A4 page in the Word export
                     (10.0, 13.0, 38.0, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5), note=T3_NOTE)


# ---------------------------------------------------------------- table 四
T4_REVIEW = "行政复议"
T4_SUIT = "行政诉讼"
T4_GROUPS = (("review", None), ("direct", "未经复议直接起诉"), ("after_review", "复议后起诉"))
T4_COLUMNS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
              ("pending", "尚未审结"), ("total", "总计"))


def _table4() -> TableSpec:
    cells: list[ValueCell] = []
    grid: list[GridCell] = [
        GridCell(0, 0, T4_REVIEW, colspan=5, role="header"),
        GridCell(0, 5, T4_SUIT, colspan=10, role="header"),
    ]
    for g, (gkey, glabel) in enumerate(T4_GROUPS):
        base = g * 5
        if glabel is not None:
            grid.append(GridCell(1, base, glabel, colspan=5, role="header"))
        for j, (ckey, clabel) in enumerate(T4_COLUMNS):
            if glabel is None:
                grid.append(GridCell(1, base + j, clabel, rowspan=2, role="header"))
            else:
                grid.append(GridCell(2, base + j, clabel, role="header"))
            cid = f"t4.{gkey}.{ckey}"
            formula_of = (tuple(f"t4.{gkey}.{c}" for c, _ in T4_COLUMNS[:4])
                          if ckey == "total" else ())
            row_words = T4_REVIEW if glabel is None else f"{T4_SUIT} {glabel}"
            cells.append(ValueCell(cid, "t4", gkey, ckey, row_words, clabel,
                                   formula_of=formula_of))
            grid.append(GridCell(3, base + j, value=cid, role="value"))
    return TableSpec("t4", "四、政府信息公开行政复议、行政诉讼情况", tuple(cells), tuple(grid),
                     4, 15, (7.5,) * 15)


TABLE2, TABLE3, TABLE4 = _table2(), _table3(), _table4()

# ---------------------------------------------------------------- identities
I1 = IdentitySpec("I1", "t3", "申请数量平衡", "R1 + R2 = R24 + R25（一 + 二 = （七）总计 + 四）")
I2 = IdentitySpec("I2", "t3", "申请人合计", "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他")
I3 = IdentitySpec("I3", "t3", "办理结果合计", "R24 = R3 + R4 + R5…R23（（七）总计 = 各项办理结果之和）")
I4 = IdentitySpec("I4", "t4", "复议诉讼合计", "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结")


def _identities() -> tuple[IdentityInstance, ...]:
    out: list[IdentityInstance] = []
    col_labels = dict(T3_COLUMNS)
    for col_key, col_label in T3_COLUMNS:
        out.append(IdentityInstance(
            I1, f"{col_label}列",
            (t3_id("R1", col_key), t3_id("R2", col_key)),
            (t3_id("R24", col_key), t3_id("R25", col_key))))
    for code, key, _, label in T3_ROWS:
        total = f"t3.{key}.total"
        out.append(IdentityInstance(I2, f"“{label}”行", (total,),
                                    TABLE3.cell(total).formula_of, formula_cell=total))
    for col_key, col_label in T3_COLUMNS:
        target = t3_id("R24", col_key)
        rhs = tuple(t3_id(f"R{n}", col_key) for n in range(3, 24))
        # the 总计 column's R24 is the row-sum formula; given the other formulas it
        # equals the column sum, so that formula also guarantees this instance
        out.append(IdentityInstance(I3, f"{col_labels[col_key]}列", (target,), rhs,
                                    formula_cell=target))
    for gkey, glabel in T4_GROUPS:
        total = f"t4.{gkey}.total"
        out.append(IdentityInstance(I4, glabel or T4_REVIEW, (total,),
                                    TABLE4.cell(total).formula_of, formula_cell=total))
    return tuple(out)


# ---------------------------------------------------------------- narrative
COVER = (
    TextPart("cover.agency", "机关名称", "发布报告的行政机关全称，如“某某县某某镇人民政府”"),
    TextPart("cover.year", "报告年度", "报告所统计的年度，如 2025（统计期为该年 1 月 1 日至 12 月 31 日）"),
    TextPart("cover.published", "发布日期", "报告在网站发布的日期，如 2026-01-20（可在发布前留空）",
             need="选填"),
)

# Topics are recognised by their words as reports write them (tests/fixtures/real): keywords
# show the topic is covered; phrasings only suggest it (see TextPart).
#
# How firmly each part is asked for (TextPart.need), which the workbook's label and the
# checker's severity both follow. 上年度问题整改情况 and 信息处理费收取情况 are 应填: the notice
# asks for both, but docs/format.md has them as [R] (recalled, not re-read), which this project
# implements as a warning, never a blocking error; and nearly every real published report leaves
# out the rectification (rule N02's hit rate in docs/rules.md), so an error would fail reports
# that counties accept. Their labels therefore say （应填）, and a blank is a 提示 (N02, N03).
S1_PARTS = (
    TextPart("s1.intro", "", "本年度政府信息公开工作的总体情况", need="选填"),
    TextPart("s1.active", "主动公开", "主动公开的数量、栏目、重点领域信息公开等",
             keywords=("主动公开",), phrasings=("公开政府信息", "发布信息", "公开信息")),
    TextPart("s1.request", "依申请公开", "依申请公开的收件、办理、答复情况；无申请时写明“无”",
             keywords=("依申请", "公开申请", "申请公开"), phrasings=("申请",)),
    TextPart("s1.management", "政府信息管理", "信息发布审核、保密审查、政策文件管理等制度",
             keywords=("信息管理", "发布审核", "保密审查", "审核", "审查", "文件管理"),
             phrasings=("管理", "规范", "制度")),
    TextPart("s1.platform", "政府信息公开平台建设", "政府网站、政务新媒体、公开栏等平台建设",
             keywords=("平台", "网站", "新媒体"), phrasings=("公众号", "公开栏", "栏目", "微信", "微博")),
    TextPart("s1.supervision", "监督保障",
             "组织领导、培训、考核、社会评议和责任追究结果情况（人民政府应写明考核、评议、责任追究）",
             keywords=("监督", "考核", "评议", "责任追究"), phrasings=("培训", "考评", "督查", "检查")),
)
S5_PARTS = (
    TextPart("s5.intro", "", "概括说明存在的主要问题及改进情况", need="选填"),
    TextPart("s5.problems", "主要问题", "本年度政府信息公开工作存在的主要问题",
             keywords=("问题", "不足", "不够"), phrasings=("差距", "薄弱", "有待", "欠缺")),
    TextPart("s5.rectification", "上年度问题整改情况", "上一年度报告所列问题的整改情况",
             need="应填", keywords=("整改", "上年")),
    TextPart("s5.measures", "改进措施", "针对问题的改进措施",
             keywords=("措施", "改进", "加强"),
             phrasings=("下一步", "进一步", "提升", "强化", "完善", "拓宽")),
)
S6_PARTS = (
    TextPart("s6.fees", "信息处理费收取情况",
             "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况；未收取的写明“未收取信息处理费”",
             need="应填", keywords=("信息处理费", "处理费", "收费", "收取", "费用")),
    TextPart("s6.other", "其他需要报告的事项",
             "落实上级年度政务公开工作要点情况、人大代表建议和政协提案办理结果公开情况、年度政务公开工作创新情况等",
             need="选填"),
)

SECTIONS = (
    SectionSpec("s1", "一", "一、总体情况", "一、总体情况", "narrative", parts=S1_PARTS),
    SectionSpec("s2", "二", TABLE2.title, "二、主动公开", "table", table=TABLE2),
    SectionSpec("s3", "三", TABLE3.title, "三、依申请公开", "table", table=TABLE3),
    SectionSpec("s4", "四", TABLE4.title, "四、复议诉讼", "table", table=TABLE4),
    SectionSpec("s5", "五", "五、存在的主要问题及改进情况", "五、问题及改进", "narrative",
                parts=S5_PARTS),
    SectionSpec("s6", "六", "六、其他需要报告的事项", "六、其他事项", "narrative", parts=S6_PARTS),
)

# Words that only a 2019-format table carries (FORMAT.md, "How to tell a 2019-format report").
MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                "第二十条第（九）项", "政府集中采购", "其他对外管理服务事项")

DOCUMENT_TITLE = "政府信息公开工作年度报告"

FORMAT_2021 = FormatSpec(
    id="giar-2021",
    version="1",
    name=f"{DOCUMENT_TITLE}（2021年版格式）",
    source="国办公开办函〔2021〕30号",
    cover=COVER,
    cover_sheet="封面",
    sections=SECTIONS,
    identities=_identities(),
    markers_2019=MARKERS_2019,
    document_title=DOCUMENT_TITLE,
    # 二、上年结转 continues last year's 四、结转下年度继续办理, column by column
    carried_over=tuple((t3_id("R2", c), t3_id("R25", c)) for c, _ in T3_COLUMNS),
)

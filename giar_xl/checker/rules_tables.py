"""Rules on the workbook and its tables: structure (S), formulas (F), identities (I), values (V).

Each rule is data; ``kinds.py`` interprets it. See ``catalogue.py`` for the whole list.
"""

from __future__ import annotations

from datetime import date

from ..spec.format2021 import AMOUNT_DECIMALS
from ..structure import describe_line
from .cases import Case
from .findings import ERROR, WARNING
from .rule import SPEC, Rule


def _note(code: str, message: str, sheet: str | None, address: str | None,
          expected: str | None = None, actual: str | None = None) -> tuple:
    return (code, message, sheet, address, expected, actual)


_T3 = SPEC.section_of_table("t3")
T3_SHEET = _T3.sheet
T2_SHEET = SPEC.section_of_table("t2").sheet
NOTE_CODES = ("format", "version", "missing_sheet", "label", "moved", "missing_name", "format2019")

STRUCTURE = [
    Rule("S01", "structure.unknown_format", "不是标准工作簿", ERROR, "structure",
         "文件不是由 giar-xl 生成的标准工作簿，或其格式标识无法识别，无法按位置读取数据。",
         "{note}", "须使用 giar-xl 生成的标准工作簿填报",
         Case("标准工作簿的标记页（隐藏的 _giar 工作表）被删除",
              notes=(_note("format", "没有找到 giar-xl 标记页（_giar），可能不是由标准模板生成，"
                                     "或标记页被删除；按标准格式位置读取。", "_giar", None),),
              damage=(("delete_sheet", "_giar"),)),
         Case("用 giar-xl template 生成的工作簿"), params={"notes": ("format",)}),
    Rule("S02", "structure.template_version", "模板版本不符", WARNING, "structure",
         "工作簿的模板版本与本程序不同；数据仍按单元格名称读取，但建议换用新模板。",
         "{note}", "模板版本应与程序一致",
         Case("工作簿记录的模板版本为 0",
              notes=(_note("version", "模板版本为“0”，当前版本为“1”。", "_giar", "B2", "1", "0"),),
              damage=(("set_version", "0"),)),
         Case("当前版本模板"), params={"notes": ("version",)}),
    Rule("S03", "structure.missing_sheet", "缺少工作表", ERROR, "structure",
         "标准工作簿的某张工作表被删除或改名。", "{note}", "六个部分和封面各有一张工作表，不得删除或改名",
         Case("删除了工作表“二、主动公开”",
              notes=(_note("missing_sheet", f"缺少工作表“{T2_SHEET}”。", T2_SHEET, None, T2_SHEET,
                           None),),
              damage=(("delete_sheet", T2_SHEET),)),
         Case("工作表齐全"), params={"notes": ("missing_sheet",)}),
    Rule("S04", "structure.label_changed", "表格文字被改动", ERROR, "structure",
         "表格的标题、表头或行名与国家格式不一致（比较时忽略全角半角括号、空格和换行）。",
         "{note}", "表格文字须与国家格式一致",
         Case("把表三 D4“自然人”改成“个人”",
              notes=(_note("label", "标签被改动：应为“自然人”，现为“个人”。", T3_SHEET, "D4", "自然人", "个人"),),
              damage=(("set_cell", T3_SHEET, "D4", "个人"),)),
         Case("把“（一）予以公开”写成半角“(一)予以公开”（视为相同）"),
         params={"notes": ("label",), "unless": ("format2019",)}),
    Rule("S05", "structure.moved", "表格行列被插入或删除", ERROR, "structure",
         "表格内插入或删除了行、列（或移动了单元格）。一次插入或删除只报告一处：在哪一行、哪一列之后插入了几行几列，"
         "或删除了哪一行、哪一列，以及因此无法读取的数字和无法核对的勾稽关系；随之移动的标签、合并单元格和数据"
         "单元格不再逐个报告，表头和标签按移动后的位置核对。",
         "{note}", "表格内不得插入或删除行、列",
         Case("在表三 D 列（自然人）后插入一列",
              notes=(_note("moved", f"表三 {describe_line(SPEC, _T3, 'col', 4)}后插入了 1 列（现在的 E 列）："
                                    "表格须与国家格式一致，请删除插入的列。表中数字仍能正确读取，其余检查照常进行。",
                           T3_SHEET, "E3", "无", "插入 1 列"),),
              damage=(("insert_cols", T3_SHEET, 5),)),
         Case("只在表格下方空白处写备注"), params={"notes": ("moved",)}),
    Rule("S06", "structure.missing_name", "缺少单元格名称", ERROR, "structure",
         "模板为每个数据单元格定义的名称被删除，无法确认该格位置。",
         "{note}", "数据单元格的定义名称不得删除",
         Case("名称 giar_t3_new_natural 指向的单元格被删除（#REF!）",
              notes=(_note("missing_name", "“一、本年新收政府信息公开申请数量 / 自然人”所在的单元格已被删除（行或列被删除）。",
                           T3_SHEET, "D6", "D6", "#REF!"),),
              damage=(("break_name", "t3.new.natural"),)),
         Case("名称齐全"), params={"notes": ("missing_name",)}),
    Rule("S07", "structure.format2019", "2019 年版格式", ERROR, "structure",
         "表格是 2019 年试行格式（国办公开办函〔2019〕60号）：如表二有“本年新制作数量”“第二十条第（九）项”，"
         "或表三“（六）其他处理”只有一行。2021 年度起应使用 2021 年版格式（国办公开办函〔2021〕30号）。",
         "{note}", "应使用 2021 年版格式",
         Case("表二 B4 写着“本年新制作数量”",
              notes=(_note("format2019", "发现 2019 年版旧格式的栏目“本年新制作数量”，2021 年起应使用新格式"
                                         "（国办公开办函〔2021〕30号）。", T2_SHEET, "B4", None, "本年新制作数量"),),
              damage=(("set_cell", T2_SHEET, "B4", "本年新制作数量"),)),
         Case("2021 年版表头“本年制发件数”"),
         params={"notes": ("format2019",), "meta_value": "2019"}),
    Rule("S08", "structure.other", "其他结构问题", WARNING, "structure",
         "读取工作簿时发现的其他结构异常：工作表被改名或隐藏、表头合并单元格被拆开等（数据仍可读取）。", "{note}", "工作簿结构应与模板一致",
         Case("隐藏了工作表“三、依申请公开”",
              notes=(_note("hidden_sheet", f"工作表“{T3_SHEET}”被隐藏了。", T3_SHEET, None),),
              damage=(("hide_sheet", T3_SHEET),)),
         Case("工作簿结构正常"), params={"notes": (), "others_of": NOTE_CODES}),
]

FORMULAS = [
    Rule("F01", "formula.overwritten", "合计公式被改为数字", ERROR, "formula",
         "合计单元格原有的模板公式被手工填入的数字（或文字、空白）取代，且与各项之和不符。",
         "此格原为公式 {formula}，现被填入 {actual}；{how}。请恢复公式。",
         "合计单元格须保留模板公式",
         Case("在表三 J8（予以公开 总计，公式 =SUM(D8:I8)）键入 5（各项之和为 3）",
              overwrite={"t3.disclosed.total": 5}, at="t3.disclosed.total"),
         Case("J8 保留公式 =SUM(D8:I8)"), params={"state": "overwritten_wrong"}),
    Rule("F02", "formula.overwritten_right", "合计公式被改为数字（数值正确）", WARNING, "formula",
         "合计单元格的模板公式被手工数字取代，数字恰好等于各项之和；今后改动分项时合计不会随之更新。",
         "此格原为公式 {formula}，现被填入数字 {actual}（{how}）。建议恢复公式。",
         "合计单元格须保留模板公式",
         Case("在表三 J8 键入 3（恰好等于 D8:I8 之和）", overwrite={"t3.disclosed.total": 3},
              at="t3.disclosed.total"),
         Case("J8 保留公式"), params={"state": "overwritten_right"}),
    Rule("F03", "formula.altered", "合计公式被改动", ERROR, "formula",
         "合计单元格的公式与模板不同（如少加了一列）。", "此格公式应为 {want}，现为 {got}。",
         "合计单元格须保留模板公式",
         Case("把表三 J8 的公式改为 =SUM(D8:H8)（漏了“其他”列）",
              formulas={"t3.disclosed.total": "=SUM(D8:H8)"}, at="t3.disclosed.total"),
         Case("写法不同而含义相同：=sum($D$8:$I$8)",
              formulas={"t3.disclosed.total": "=sum($D$8:$I$8)"}),
         params={"state": "altered"}),
    Rule("F04", "formula.stale_cache", "保存的计算结果过期", WARNING, "formula",
         "文件中保存的公式计算结果与按公式重算的值不同（如关闭了自动重算，或文件由不重算的软件保存）；"
         "用不重算的软件打开时会看到过期的数字。校验和导出一律采用重算的值。",
         "文件中保存的计算结果为 {actual}，按公式 {formula} 重算应为 {expected}；校验和导出都按 {expected}。"
         "请重新计算（F9）后保存。",
         "保存的计算结果应与公式一致",
         Case("J8 公式完好，但文件中保存的结果是 2（应为 3）", cached={"t3.disclosed.total": 2},
              at="t3.disclosed.total"),
         Case("保存的结果为 3", cached={"t3.disclosed.total": 3}), params={"state": "stale_cache"}),
    Rule("F05", "formula.in_input", "数据单元格中是公式", WARNING, "formula",
         "应填数字的单元格（或封面）里是公式。校验程序按公式重新计算，结果作为本格的数值；"
         "建议直接填写数字，以免引用的单元格改动后数字随之改变。",
         "此格是公式 {formula}，按公式计算为 {expected}，校验和导出都按 {expected}；建议直接填写数字。",
         "数据单元格直接填写数字",
         Case("表二 B9（行政许可）填公式 =10+2", formulas={"t2.licensing.decisions": "=10+2"},
              at="t2.licensing.decisions"),
         Case("B9 填数字 12", values={"t2.licensing.decisions": 12}),
         params={"state": "input_formula"}),
    Rule("F06", "formula.unevaluable", "公式无法核对", ERROR, "formula",
         "单元格里的公式用了校验程序不核对的写法（SUM 和加减乘除以外的函数、整列引用、名称、"
         "其他工作簿等），或计算结果是错误值，无法确认它显示的数字；校验程序不采用文件中保存的结果。",
         "此格是公式 {formula}：{problem}，无法确认其数值。请直接填写数字（或只用 SUM 和加减乘除）。",
         "数字须能由校验程序核对",
         Case("表二 B9 填公式 =ROUND(12.4,0)", formulas={"t2.licensing.decisions": "=ROUND(12.4,0)"},
              at="t2.licensing.decisions"),
         Case("B9 填数字 12", values={"t2.licensing.decisions": 12}),
         params={"state": "unevaluable"}),
]

_REQUEST = "依申请公开方面，本年新收政府信息公开申请{}件，上年结转1件，结转下年度继续办理{}件。"
_IDENTITY_CASES = {
    "I1": (Case("表三 D8（予以公开 自然人）填 4（应为 2）：3 + 1 ≠ 6 + 0。正文写明本年新收 4 件、"
                "上年结转 1 件、结转下年度 0 件，其余办理结果都只有 1 件，只有 D8 改为 2 才能平衡",
                values={"t3.disclosed.natural": 4}, texts={"s1.request": _REQUEST.format(4, 0)},
                at="t3.disclosed.natural"),
           Case("同时把 D6（本年新收 自然人）改为 5：5 + 1 = 4 + 2",
                values={"t3.carry_forward.natural": 2, "t3.new.natural": 5},
                texts={"s1.request": _REQUEST.format(6, 2)})),
    "I2": (Case("报告数据中表三 J8（予以公开 总计）为 4，而该行各项之和为 3",
                values={"t3.disclosed.total": 4}, workbook=False, at="t3.disclosed.total"),
           Case("J8 为 3", values={"t3.disclosed.total": 3}, workbook=False)),
    "I3": (Case("报告数据中表三 D29（（七）总计 自然人）为 5，而各项办理结果之和为 4",
                values={"t3.results_total.natural": 5, "t3.results_total.total": 6,
                        "t3.new.natural": 4},
                texts={"s1.request": _REQUEST.format(5, 0)},
                workbook=False, at="t3.results_total.natural"),
           Case("D29 为 4", workbook=False)),
    "I4": (Case("报告数据中表四 E6（行政复议 总计）为 2，而结果维持 1、其余为 0",
                values={"t4.review.total": 2}, workbook=False, at="t4.review.total",
                texts={"s1.supervision": "纳入年度考核，接受社会评议；全年发生政府信息公开行政复议2件、"
                                         "行政诉讼0件，未发生责任追究情况。"}),
           Case("E6 为 1", values={"t4.review.total": 1}, workbook=False)),
}
_IDENTITY_TEMPLATE = "{relation}。{verdict}"

IDENTITIES = [
    Rule(ident.code, f"identity.{ident.code.lower()}", ident.name, ident.severity, "identity",
         f"按各输入单元格重算勾稽关系“{ident.text}”，逐行逐列核对（不采用文件中保存的计算结果）。"
         "不平衡时，找出使表中全部勾稽关系成立所需改动最少的单元格（手工填写的合计比分项更可能有误；"
         "正文引用的数字、与上年结转相符的数字视为佐证），能确定时指出此格应为多少（不提出负数或小数），"
         "不能确定时列出需要核对的全部单元格。",
         _IDENTITY_TEMPLATE, ident.text, *_IDENTITY_CASES[ident.code],
         params={"identity": ident.code})
    for ident in dict.fromkeys(i.spec for i in SPEC.identities)
]

PLACEHOLDERS = ("/", "／", "—", "——", "–", "-", "－", "无", "空", "略", "\\", "N/A", "n/a")
_V = "表二至表四的每个数据单元格都应填数字，没有的填 0"
VALUES = [
    Rule("V01", "value.blank", "空白单元格", ERROR, "cell_value",
         "数据单元格为空白。空白无法区分“没有填”与“为零”，评议时按缺项计。",
         "此格为空白；没有数据的请填 0。", _V,
         Case("表三 F6（本年新收 科研机构）留空", values={"t3.new.research": None}, at="t3.new.research"),
         Case("F6 填 0", values={"t3.new.research": 0}),
         params={"test": "blank", "expected": 0}),
    Rule("V02", "value.placeholder", "用符号代替 0", ERROR, "cell_value",
         f"数据单元格填了“/”“—”“-”“无”等符号（{'、'.join(PLACEHOLDERS)}）而不是 0。",
         "此格填了{actual}；没有数据的请填 0。", _V,
         Case("表三 F6 填“/”", values={"t3.new.research": "/"}, at="t3.new.research"),
         Case("F6 填 0", values={"t3.new.research": 0}),
         params={"test": "placeholder", "tokens": PLACEHOLDERS, "expected": 0}),
    Rule("V03", "value.numeric_text", "文本格式的数字", ERROR, "cell_value",
         "数字以文本形式存放（如单元格格式为“文本”或数字前有撇号），求和公式不会计入。",
         "此格的{actual}是文本格式的数字，合计公式不会计入；请改为数值格式。", _V,
         Case("表二 B9（行政许可）填文本“12”", values={"t2.licensing.decisions": "12"},
              at="t2.licensing.decisions"),
         Case("B9 填数字 12", values={"t2.licensing.decisions": 12}),
         params={"test": "numeric_text", "tokens": PLACEHOLDERS}),
    Rule("V04", "value.text", "应填数字处填了文字", ERROR, "cell_value",
         "数据单元格里是文字（如“未统计”“见附件”）。", "此格应填数字，实为文字{actual}。", _V,
         Case("表二 B12（行政处罚）填“见附件”", values={"t2.penalty.decisions": "见附件"},
              at="t2.penalty.decisions"),
         Case("B12 填 3", values={"t2.penalty.decisions": 3}),
         params={"test": "text", "tokens": PLACEHOLDERS}),
    Rule("V05", "value.negative", "负数", ERROR, "cell_value", "件数和金额都不能为负。",
         "此格为负数 {actual}。", "件数和金额 ≥ 0",
         Case("表二 B9（行政许可）填 -12", values={"t2.licensing.decisions": -12},
              at="t2.licensing.decisions"),
         Case("B9 填 12", values={"t2.licensing.decisions": 12}), params={"test": "negative"}),
    Rule("V06", "value.fraction", "件数不是整数", ERROR, "cell_value", "件数必须是整数。",
         "件数应为整数，实为 {actual}。", "件数为整数",
         Case("表二 B13（行政强制）填 2.5", values={"t2.coercion.decisions": 2.5},
              at="t2.coercion.decisions"),
         Case("B13 填 2", values={"t2.coercion.decisions": 2}), params={"test": "fraction"}),
    Rule("V07", "value.decimals", "金额小数位过多", WARNING, "cell_value",
         "收费金额以万元为单位；精确到分是 6 位小数（如 5949.088667 万元）。超过 6 位小数即小于一分钱，"
         "多半是计算或换算留下的尾数。国家格式没有限制小数位数，所以只作提示。",
         "金额以万元计，精确到分为 {max_decimals} 位小数，此格有 {decimals} 位小数（{actual}）。",
         "金额（万元）不超过 6 位小数（精确到分）",
         Case("表二 B16（行政事业性收费）填 1.2345678", values={"t2.fee.amount": 1.2345678},
              at="t2.fee.amount"),
         Case("B16 填 5949.088667（精确到分）", values={"t2.fee.amount": 5949.088667}),
         params={"test": "decimals", "max_decimals": AMOUNT_DECIMALS}),
    Rule("V08", "value.fee_scale", "收费金额异常大", WARNING, "cell_value",
         "收费金额达到 10 万万元（10 亿元）以上，很可能误按“元”填写。",
         "收费金额为 {actual} 万元，很可能误按“元”填写；请核对单位（万元）。",
         "收费金额以万元为单位",
         Case("表二 B16 填 125000（实为 12.5 万元按元填写）", values={"t2.fee.amount": 125000},
              at="t2.fee.amount"),
         Case("B16 填 12.5", values={"t2.fee.amount": 12.5}),
         params={"test": "too_large", "limit": 100000}),
    Rule("V09", "value.date", "数字单元格填了日期", ERROR, "cell_value",
         "件数或金额单元格里是日期（单元格格式为日期，或输入时被识别为日期，如把“3.1”输成了 3 月 1 日）。",
         "此格是日期 {date}，不是{unit}数；请改为数字，并把单元格格式改为“常规”或“数值”。", _V,
         Case("表二 B9（行政许可）被输成日期 2024-03-01", values={"t2.licensing.decisions": date(2024, 3, 1)},
              at="t2.licensing.decisions"),
         Case("B9 填 12", values={"t2.licensing.decisions": 12}), params={"test": "date"}),
]

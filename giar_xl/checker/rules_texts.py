"""Rules on the cover (C), the narrative (N) and the comparison with last year (Y).

Each rule is data; ``narrative.py`` interprets it. See ``catalogue.py`` for the whole list.
"""

from __future__ import annotations

from .. import similarity as likeness
from ..spec.format2021 import T3_COLUMNS, t3_id
from .cases import BASE_TEXTS, PREVIOUS_TEXTS, Case
from .findings import ERROR, WARNING
from .rule import SPEC, Rule

_COVER = "封面须写明机关名称、报告年度；发布日期可在发布时填写"
COVER = [
    Rule("C01", "cover.agency", "机关名称未填", ERROR, "cover", "封面的机关名称为空。",
         "请填写发布报告的行政机关全称。", _COVER,
         Case("封面 B3 机关名称留空", cover={"agency": ""}, at="cover.agency"),
         Case("B3 填“测试县某某镇人民政府”"), params={"test": "agency"}),
    Rule("C02", "cover.year", "报告年度未填或无法识别", ERROR, "cover",
         "报告年度为空，或不是“2025”“2025年”这样的四位年份。",
         "报告年度应为四位数字年份，实为{what}。", _COVER,
         Case("封面 B4 报告年度填“二〇二五”", cover={"year": "二〇二五"}, at="cover.year"),
         Case("B4 填“2025年”", cover={"year": "2025年"}), params={"test": "year_missing"}),
    Rule("C03", "cover.year_future", "报告年度在未来", ERROR, "cover",
         "报告年度晚于今天所在的年度。", "报告年度 {actual} 晚于今年（{expected}）。",
         "报告年度不晚于今年",
         Case("在 2026 年把报告年度填成 2027", cover={"year": 2027}, prev_year=2026, at="cover.year"),
         Case("报告年度 2025"), params={"test": "year_future"}),
    Rule("C04", "cover.year_early", "报告年度早于本格式", ERROR, "cover",
         "2021 年版格式自 2021 年度报告起使用；更早年度的报告应使用当时的格式。",
         "本格式自 {first} 年度起使用，报告年度为 {actual}。", "报告年度 ≥ 2021",
         Case("报告年度填 2020", cover={"year": 2020}, prev_year=2019, at="cover.year"),
         Case("报告年度 2021", cover={"year": 2021}, prev_year=2020),
         params={"test": "year_early", "first_year": 2021}),
    Rule("C05", "cover.published", "发布日期不合理", WARNING, "cover",
         "发布日期无法识别（应为“2026-01-20”或“2026年1月20日”），早于统计期结束，或晚于今天。",
         "发布日期应为{expected}，实为{actual}。", "发布日期在报告年度之后、不晚于今天",
         Case("2025 年度报告的发布日期填 2025-12-15", cover={"published": "2025-12-15"},
              at="cover.published"),
         Case("发布日期 2026年1月20日", cover={"published": "2026年1月20日"}),
         params={"test": "published_invalid"}),
    Rule("C06", "cover.published_late", "发布晚于法定期限", WARNING, "cover",
         "《政府信息公开条例》第四十九条：县级以上人民政府部门的年度报告于每年 1 月 31 日前公布；"
         "县级以上人民政府本级的年度报告（机关名称如“某某县人民政府”）于 3 月 31 日前公布。"
         "乡镇、街道条例未单列，按县里的通常规定与部门同期（1 月 31 日）；县里另定期限的，"
         "在“说明”工作表写明即可。与县级汇总“发布情况”用同一规则。",
         "发布日期{actual}晚于法定期限（次年{deadline}，{who}）。", "按期发布年度报告",
         Case("某某镇人民政府 2025 年度报告 2026-02-10 发布（乡镇与部门同期）",
              cover={"published": "2026-02-10"}, at="cover.published"),
         Case("某某县人民政府 2026-03-20 发布", cover={"agency": "测试县人民政府",
                                                      "published": "2026-03-20"}),
         params={"test": "published_late"}),
    Rule("C07", "cover.published_missing", "发布日期未填", WARNING, "cover",
         "封面的发布日期为空。发布前可以留空，但导出的网页、Word、PDF 和纯文本以发布日期落款："
         "没有发布日期时，文末没有落款（机关名称和日期）。从网站读回的报告已经发布，不作此提示。",
         "尚未填写；发布前请填写，否则导出的网页、Word、PDF 和纯文本文末没有落款（机关名称和日期）。", _COVER,
         Case("封面 B5 发布日期留空", cover={"published": None}, at="cover.published"),
         Case("B5 填 2026-01-20", cover={"published": "2026-01-20"}),
         params={"test": "published_missing"}),
    Rule("C08", "cover.year_distributed", "报告年度与下发年度不符", ERROR, "cover",
         "县里用 giar-xl distribute 下发的工作簿记着它是为哪一年度的报告下发的；封面的报告年度与之不同，"
         "多半是交错了文件（如上年的工作簿），或把报告年度填错了。",
         "此工作簿是为 {expected} 年度报告下发的，封面的报告年度却是 {actual}：请确认没有交错文件，"
         "报告年度没有填错。", "报告年度 = 下发的年度",
         Case("为 2025 年度下发的工作簿，封面报告年度被改成 2023", cover={"year": 2023},
              meta={"distributed_for": 2025}, at="cover.year"),
         Case("封面报告年度 2025", meta={"distributed_for": 2025}),
         params={"test": "year_distributed"}),
]


def _blank_costs(part_id: str) -> str:
    """The severity of a blank part, as the spec's ``need`` says (and the workbook's label)."""
    part = next(p for p in SPEC.text_parts if p.id == part_id)
    if part.blank_costs is None:
        raise ValueError(f"{part_id} is {part.need}: a blank costs nothing, no rule for it")
    return part.blank_costs


_FEES_NONE = r"(未|没有|不|无)[^。；;]{0,10}(收取|收费)"
_GAP = r"[^0-9０-９、，,。；;：:\n]{0,20}?"
_NEW, _CARRIED, _FORWARD = (t3_id(r, "total") for r in ("R1", "R2", "R25"))
_SUITS = ("t4.direct.total", "t4.after_review.total")
# How reports quote their tables: (name, the words before the number, the words between that
# must / must not occur, the table figures the number may mean). "收到/受理 N 件" may count
# this year's applications alone or with last year's carried over: either is accepted.
QUOTES = (
    ("本年新收", r"本年(?:度)?(?:共|全年)?(?:新收|新增)|全年(?:共)?新收", "", "复议|诉讼", ((_NEW,),)),
    ("收到申请", r"(?:共|累计|全年|本年(?:度)?(?:共)?)(?:收到|受理|办理)", "申请", "复议|诉讼|上年",
     ((_NEW,), (_NEW, _CARRIED))),
    ("上年结转", r"上年(?:度)?结转", "", "", ((_CARRIED,),)),
    ("结转下年度", r"结转(?:至)?下(?:一)?年(?:度)?", "", "", ((_FORWARD,),)),
    ("行政复议", r"行政复议", "", "诉讼", (("t4.review.total",),)),
    ("行政诉讼", r"行政诉讼", "", "复议", (_SUITS,)),
)

NARRATIVE = [
    Rule("N01", "text.required", "必填内容为空", ERROR, "required_text",
         "分段填写的叙述部分中，必填段落为空，且本部分其他段落连相近的说法也没有（整个部分为空同样报告）。"
         "第一部分须涵盖主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面。",
         "“{part}”为空，本部分其他段落也未涉及：{hint}。", "年度报告内容“不能遗漏”（国办公开办函〔2021〕30号）",
         Case("第一部分“政府信息公开平台建设”留空，其他段落也未提及网站、平台",
              texts={"s1.platform": ""}, at="s1.platform"),
         Case("“平台建设”段落留空，但总述中写了“维护政府网站和政务新媒体平台”",
              texts={"s1.platform": "",
                     "s1.intro": BASE_TEXTS["s1.intro"] + "持续维护政府网站和政务新媒体平台。"}),
         ),
    Rule("N02", "text.rectification", "未写上年度问题整改情况", _blank_costs("s5.rectification"),
         "section_mentions",
         "第五部分应写上一年度报告所列问题的整改情况（本部分任何段落提到“整改”或“上年”即可）。"
         "工作簿中此段标为“应填”：国家格式要求写明，未写时作为提示。",
         "本部分没有写上年度问题的整改情况（应写{hint}）。", "第五部分写明上年度问题整改情况",
         Case("“上年度问题整改情况”留空，第五部分也未提整改", texts={"s5.rectification": ""},
              at="s5.rectification"),
         Case("整改段落留空，但改进措施中写了“上年度所列问题已整改”",
              texts={"s5.rectification": "",
                     "s5.measures": BASE_TEXTS["s5.measures"] + "上年度所列问题已整改。"}),
         params={"part": "s5.rectification"},
         on_real_reports="几乎所有真实报告都没有写上年度问题的整改情况，而国家格式要求写明，评议时常被指出："
                         "这条提示是对的，正因为常见才值得提醒"),
    Rule("N03", "text.fees", "未说明信息处理费", _blank_costs("s6.fees"), "section_mentions",
         "第六部分应说明依《政府信息公开信息处理费管理办法》收取信息处理费的情况，未收取的也应明确写出。"
         "工作簿中此段标为“应填”：国家格式要求写明，未写时作为提示。",
         "本部分没有说明信息处理费收取情况（{hint}）。", "第六部分写明信息处理费收取情况",
         Case("第六部分只写了“无。”", texts={"s6.fees": ""}, at="s6.fees"),
         Case("写明“本年度未收取信息处理费。”"), params={"part": "s6.fees"}),
    Rule("N04", "text.quoted_numbers", "正文数字与表格不一致", WARNING, "quoted_numbers",
         "正文中“本年（度）新收…件”“（共）收到/受理…申请…件”“上年结转…件”“结转下年度…件”"
         "“行政复议…件（起）”“行政诉讼…件（起）”的数字与表三、表四不一致。“收到/受理 N 件”可指本年新收，"
         "也可指本年新收加上年结转，两者之一相符即可；行政诉讼为两类起诉总计之和。",
         "正文“{quote}”与表格不一致：表格为 {expected} 件，正文为 {actual} 件。",
         "正文引用的数字与表格一致",
         Case("第一部分写“本年度共新收政府信息公开申请5件”，表三本年新收总计为 4",
              texts={"s1.request": "依申请公开方面，本年度共新收政府信息公开申请5件。"}, at="s1.request"),
         Case("写“共收到政府信息公开申请5件”（本年新收 4 件加上年结转 1 件）",
              texts={"s1.request": "依申请公开方面，共收到政府信息公开申请5件，均已按时答复。"}),
         params={"quotes": QUOTES, "gap": _GAP}),
    Rule("N05", "text.fee_notice", "有逾期未缴费申请却称未收费", WARNING, "fee_notice",
         "表三“申请人逾期未按收费通知要求缴纳费用”大于 0，说明本年发出过收费通知，"
         "而第六部分称未收取费用：请写明收费通知及缴费情况。",
         "表三有 {count} 件申请因逾期未缴费不再处理，第六部分却称{actual}。",
         "收费通知情况与第六部分一致",
         Case("表三 D27 填 1（D8 相应改为 1），第六部分写“未收取信息处理费”",
              values={"t3.other_unpaid.natural": 1, "t3.disclosed.natural": 1}, at="s6.fees"),
         Case("第六部分写“向1名申请人发出信息处理费收费通知，申请人逾期未缴纳”",
              values={"t3.other_unpaid.natural": 1, "t3.disclosed.natural": 1},
              texts={"s6.fees": "本年度向1名申请人发出信息处理费收费通知，申请人逾期未缴纳，该申请不再处理。"}),
         params={"row": t3_id("R22", "total"), "part": "s6.fees", "none_charged": _FEES_NONE}),
]

NARRATIVE.append(
    Rule("N06", "text.government_supervision", "人民政府未写考核、评议、追责情况", WARNING,
         "mentions_all",
         "机关是人民政府（名称以“人民政府”结尾）时，第一部分的监督保障应写明工作考核、社会评议和"
         "责任追究结果情况（国办公开办函〔2021〕30号）。",
         "人民政府的年度报告应写明{missing}情况。", "人民政府写明考核、评议、责任追究结果",
         Case("某某镇人民政府的监督保障只写了“加强组织领导”",
              texts={"s1.supervision": "加强组织领导，明确专人负责政务公开工作。"}, at="s1.supervision"),
         Case("写了“纳入年度考核，接受社会评议，未发生责任追究情况”"),
         params={"part": "s1.supervision", "agency_suffix": "人民政府",
                 "topics": (("工作考核", ("考核",)), ("社会评议", ("评议",)),
                            ("责任追究结果", ("责任追究", "追责", "问责")))}))
NARRATIVE.append(
    Rule("N07", "text.topic_unsure", "应写主题未见单独段落", WARNING, "required_text",
         "必填段落为空，本部分其他段落里只有相近的说法（如“管理”“规范”），或整段写在“总述”中"
         "（如从网页导入的报告）而找不到该主题的关键词：可能已经写到，也可能遗漏，请核对。",
         "“{part}”没有单独的段落{how}；请核对是否已写明（{hint}）。",
         "年度报告内容“不能遗漏”（国办公开办函〔2021〕30号）",
         Case("第五部分整段写在总述中，只写了问题，未写改进措施",
              texts={"s5.intro": "本年度工作仍存在一些问题和不足，信息发布不够及时。",
                     "s5.problems": "", "s5.measures": ""}, at="s5.measures"),
         Case("整段文字中写了“下一步将加强培训”",
              texts={"s5.intro": "本年度工作仍存在一些问题和不足。下一步将加强培训。",
                     "s5.problems": "", "s5.measures": ""}),
         params={"unsure": True}))


YEARS = [
    Rule("Y01", "years.carry_over", "上年结转与上年报告不衔接", WARNING, "carry_over",
         "表三“二、上年结转”应等于上年报告的“四、结转下年度继续办理”，逐列核对"
         "（机构调整等原因可能使其不等，需书面说明）。",
         "上年报告结转下年度为 {expected}，本年上年结转为 {actual}。",
         "本年 R2 = 上年 R25（逐列）",
         Case("上年报告 D30（结转下年度 自然人）为 2，本年 D7 为 1",
              prev_values={"t3.carry_forward.natural": 2}, at="t3.carried.natural"),
         Case("上年 D30 为 1，本年 D7 为 1"),
         params={"pairs": tuple((t3_id("R2", c), t3_id("R25", c)) for c, _ in T3_COLUMNS[:6])}),
    Rule("Y02", "years.in_force", "现行有效件数不衔接", WARNING, "in_force",
         "表二“现行有效件数”应等于上年现行有效 + 本年制发 − 本年废止（废止往年文件可能使其不等，需说明）。",
         "上年现行有效 {last} + 本年制发 {issued} − 本年废止 {repealed} = {expected}，本年填 {actual}。",
         "本年现行有效 = 上年现行有效 + 本年制发 − 本年废止",
         Case("上年行政规范性文件现行有效 6 件，本年制发 2、废止 1，现行有效填 5",
              prev_values={"t2.normative.in_force": 6}, at="t2.normative.in_force"),
         Case("上年 4 件：4 + 2 − 1 = 5"),
         params={"rows": tuple((f"t2.{row}.in_force", f"t2.{row}.issued", f"t2.{row}.repealed")
                               for row in ("regulation", "normative"))}),
    Rule("Y03", "years.same_text", "内容雷同", WARNING, "similarity",
         f"叙述部分与上年报告几乎相同（{likeness.HOW}；相似度达 {likeness.percent(likeness.SAME)} 以上，"
         f"且本年该部分不少于 {likeness.MIN_CHARS} 字）。giar-xl diff 给出的相似度与此相同。"
         "国办公开办函〔2021〕30号把“内容雷同”列为须问责的问题。",
         "{section}与上年报告的相似度为 {ratio}，请按本年实际情况撰写。", "叙述部分不照搬上年报告",
         Case("第一部分照抄上年报告，只改了年份和数字",
              prev_texts={k: v.replace("4件", "7件") for k, v in BASE_TEXTS.items()
                          if k.startswith("s1.")}, at="s1.intro"),
         Case("第一部分按本年情况重写", prev_texts=PREVIOUS_TEXTS),
         params={"sections": tuple(s.key for s in SPEC.sections if s.kind == "narrative"),
                 "threshold": likeness.SAME, "min_chars": likeness.MIN_CHARS}),
    Rule("Y04", "years.previous_year", "上年报告年度不对", WARNING, "previous_year",
         "用于跨年度核对的上年报告，其年度应为本报告年度的前一年（本报告的年度与上年报告相同时见 Y05）。",
         "上年报告的年度应为 {expected}，实为 {actual}。", "上年报告年度 = 本年度 − 1",
         Case("核对 2025 年度报告时给了 2023 年度报告", prev_year=2023, at="cover.year"),
         Case("给了 2024 年度报告"), params={"this_file": False}),
    Rule("Y05", "years.same_year", "本报告的年度与上年报告相同", ERROR, "previous_year",
         "本报告的年度与上年报告相同，多半是把上年的工作簿又交了一次，或封面的报告年度没有改。",
         "本报告的年度为 {actual}，与上年报告相同：本文件可能是上年的报告，请核对（本年应为 {expected} 年度）。",
         "本报告年度 = 上年报告年度 + 1",
         Case("交回的工作簿仍是 2024 年度（与上年报告相同）", cover={"year": 2024}, at="cover.year"),
         Case("2025 年度报告，上年报告 2024 年度"), params={"this_file": True}),
    Rule("Y06", "years.previous_unreadable", "上年报告无法读取", WARNING, "previous_unreadable",
         "给了上年报告，但无法读取（文件损坏、是 2019 年版格式、不是年度报告等）；本年报告照常校验，"
         "跨年度核对（上年结转、现行有效件数、内容雷同）没有做。",
         "上年报告无法读取，跨年度核对没有做：{why}", "上年报告可以读取",
         Case("上年报告文件已损坏", previous_error="文件已损坏或不是 .xlsx 工作簿（无法作为压缩包打开）。"),
         Case("上年报告可以读取")),
]

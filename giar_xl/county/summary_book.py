"""The county's summary workbook: a 汇总表 cover, the per-unit sheets, then the standard layout.

Sheets, in order: 汇总表 (the cover the office hands on), 各单位情况, 指标, 分类小计,
同比 (with last year's summary), 发布情况, 文件清单, 单位说明 (explained 提示, when any),
then the standard workbook of the summed report (封面, 一 … 六), which giar-xl reads
and checks like any unit's. Every added sheet prints on A4 — landscape where wide —
with its header row on every page; the charts are native Excel charts.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..ooxml import reproducible
from ..report import Report
from ..safety import write_value
from ..spec import DEFAULT_FORMAT
from ..template import build_workbook, sizing
from .deadlines import LATE, NOT_GIVEN, UNCLEAR
from .indicators import (INDICATORS, KEY_FIGURES, NEW, VOLUME_CHANGE, change_text, figure, key_figures,
                         percent)
from .status import FILLS, STATE_CLASS
from .stream_book import Table, outside, save
from .summary import Summary
from .table import warnings_text

COVER_SHEET = "汇总表"
UNITS_SHEET = "各单位情况"
INDICATOR_SHEET = "指标"
GROUP_SHEET = "分类小计"
YEAR_SHEET = "同比"
PUBLISH_SHEET = "发布情况"
FILES_SHEET = "文件清单"
EXPLAINED_SHEET = "单位说明"
ADDED_SHEETS = (COVER_SHEET, UNITS_SHEET, INDICATOR_SHEET, GROUP_SHEET, YEAR_SHEET, PUBLISH_SHEET,
                FILES_SHEET, EXPLAINED_SHEET)

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")  # outside a threshold, late, left out
FONT = "宋体"
BODY = Font(name=FONT, size=10)
BOLD = Font(name=FONT, size=10, bold=True)
TITLE = Font(name="黑体", size=16, bold=True)
SUBTITLE = Font(name="黑体", size=12, bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
NUMBER = Alignment(horizontal="right", vertical="top")
HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _n(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


class Sheet:
    """A sheet written top to bottom: a title, lines, tables with a header row."""

    def __init__(self, ws: Worksheet, widths: Sequence[float], landscape: bool):
        self.ws, self.row, self.widths, self.landscape = ws, 1, list(widths), landscape
        self.header_rows: list[int] = []
        self.tables: list[Table] = []  # data rows, made as the workbook is saved
        self._styles: dict[tuple[Any, ...], StyleArray] = {}
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    def title(self, text: str, font: Font = TITLE) -> None:
        c = self.ws.cell(self.row, 1)
        write_value(c, text)
        c.font, c.alignment = font, Alignment(wrap_text=True, vertical="center")
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=len(self.widths))
        self.row += 1

    def line(self, text: str, font: Font = BODY, fill: PatternFill | None = None) -> None:
        c = self.ws.cell(self.row, 1)
        write_value(c, text)
        c.font, c.alignment = font, WRAP
        if fill is not None:
            c.fill = fill
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=len(self.widths))
        self.row += 1

    def gap(self) -> None:
        self.row += 1

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Any] | Filled], count: int | None = None,
              *, bold_last: bool = False, centred: Sequence[int] = ()) -> tuple[int, int]:
        """A bordered table; return (header row, last row). ``centred``: 1-based columns.

        ``rows`` may be a generator (then ``count`` says how many): the data rows are made
        one at a time while the workbook is saved (``stream_book``), never all held at once.
        """
        top = self.row
        for i, h in enumerate(headers, start=1):
            c = self.ws.cell(top, i, h)
            c.font, c.fill, c.border, c.alignment = BOLD, HEAD_FILL, BORDER, HEAD_ALIGN
        self.header_rows.append(top)
        n = len(rows) if count is None else count  # type: ignore[arg-type]
        self.tables.append(Table(top, n, len(headers), self._cells(top, rows, n, bold_last, tuple(centred))))
        self.row = top + n + 1
        return top, top + n

    def _style(self, font: Font, align: Alignment, fill: PatternFill | None) -> StyleArray:
        key = (font, align, fill)  # openpyxl's style objects hash by their values
        style = self._styles.get(key)
        if style is None:
            c = Cell(self.ws)  # a detached cell: only to register its style with the workbook
            c.font, c.border, c.alignment = font, BORDER, align
            if fill is not None:
                c.fill = fill
            style = self._styles[key] = c._style
        return style

    def _cells(self, top: int, rows: Iterable[Sequence[Any] | Filled], count: int, bold_last: bool,
               centred: tuple[int, ...]) -> Iterator[list[Cell]]:
        for r, row in enumerate(rows, start=1):
            values, fills = (row.values, row.fills) if isinstance(row, Filled) else (row, None)
            font = BOLD if bold_last and r == count else BODY
            cells = []
            for i, v in enumerate(values, start=1):
                align = CENTRE if i in centred else NUMBER if isinstance(v, (int, float)) else WRAP
                style = self._style(font, align, fills[i - 1] if fills and i <= len(fills) else None)
                c = Cell(self.ws, row=top + r, column=i, style_array=style)
                write_value(c, _n(v))  # names and notes come from clerks' files: never formulas
                cells.append(c)
            yield cells

    def finish(self) -> Sheet:
        ws = self.ws
        spans = outside(self.tables, ws.max_row)  # the tables' rows get their heights as they are made
        need = sizing.row_needs(ws, (c for first, last in spans
                                     for row in ws.iter_rows(min_row=first, max_row=last) for c in row))
        for first, last in spans:
            for r in range(first, last + 1):
                sizing.set_height(ws, r, need.get(r, sizing.MIN_ROW_PT))
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if self.landscape else "portrait"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = sizing.SIDE_MARGIN_IN
        if self.header_rows:
            # the first table's header on every page (the long tables are each sheet's first)
            h = self.header_rows[0]
            ws.print_title_rows = f"{h}:{h}"
            ws.freeze_panes = f"A{h + 1}"  # a coordinate: ws.cell() would make a cell in the table
        return self


class Filled(NamedTuple):
    """A table row with some cells filled (``None``: not filled)."""

    values: Sequence[Any]
    fills: Sequence[PatternFill | None]


STATE_FILLS = {k: PatternFill("solid", fgColor=v) for k, v in FILLS.items()}


def _state_fill(state: str) -> PatternFill:
    return STATE_FILLS[STATE_CLASS.get(state, "muted")]


def _flagged(values: Sequence[Any], flags: Sequence[bool]) -> Filled:
    return Filled(values, [FLAG_FILL if f else None for f in flags])


# ------------------------------------------------------------------ the sheets
def _cover(ws: Worksheet, s: Summary) -> Sheet:
    sheet = Sheet(ws, (18, 62), landscape=False)
    sheet.title(f"{s.name}{s.year or ''}年度政府信息公开工作年度报告汇总表")
    sheet.gap()
    left = s.left_out
    by_state: dict[str, int] = {}
    for u in left:
        by_state[u.row.status] = by_state.get(u.row.status, 0) + 1
    rate = {i.key: percent(s.county_rates.get(i.key)) for i in INDICATORS}
    last_new = next((r.last for r in s.year_rows if r.name == KEY_FIGURES[0][0]), None)
    new = figure(s.county, NEW)
    published = [u.publication for u in s.lines if u.publication is not None and u.row.counted]
    late = sum(1 for p in published if p.state == LATE)
    missing_date = sum(1 for p in published if p.state in (NOT_GIVEN, UNCLEAR))
    facts = [
        ("汇总单位", s.name),
        ("报告年度", f"{s.year} 年度" if s.year else "未知"),
        ("名单单位数", f"{s.listed} 个"),
        ("计入汇总", f"{s.counted} 个单位" + ("（含有错误而按要求计入的单位）" if s.include_errors else "")),
        ("未计入汇总", f"{len(left)} 个" + (f"（{'，'.join(f'{k} {v} 个' for k, v in by_state.items())}）"
                                          if by_state else "")),
        ("依申请总量", f"{_n(new)} 件" + (f"；上年 {_n(last_new)} 件，{change_text(new, last_new)}"
                                        if last_new is not None else "")),
        *((i.name, f"{rate[i.key]}（{i.formula}）") for i in INDICATORS),
        ("发布情况", f"计入的单位中逾期发布 {late} 个，未填或无法识别发布日期 {missing_date} 个"),
        ("生成日期", s.generated.strftime("%Y年%m月%d日").replace("年0", "年").replace("月0", "月")),
    ]
    sheet.table(("项目", "内容"), facts)
    sheet.gap()
    sheet.line("未计入汇总的单位及原因", SUBTITLE)
    if left:
        sheet.table(("单位", "原因"), [(u.row.name, s.why_left_out(u))
                                     for u in left])
    else:
        sheet.line("无：名单中的单位全部计入。")
    sheet.gap()
    sheet.line("指标超出范围的单位（见“指标”表）", SUBTITLE)
    flagged = s.flagged
    if flagged:
        sheet.table(("单位", "超出的指标"), [(u.row.name, _flag_text(u)) for u in flagged])
    else:
        sheet.line("无。")
    sheet.gap()
    sheet.line(f"表二至表四为计入汇总的 {s.counted} 个单位之和，见“{DEFAULT_FORMAT.sections[1].sheet}”等工作表；"
               "各单位的状态、指标、发布情况和收到的每个文件见后面各表。", Font(name=FONT, size=9, color="595959"))
    sheet.finish()
    ws.print_title_rows = None  # a one-page cover: no repeated rows
    ws.freeze_panes = None
    return sheet


def _flag_text(u: Any) -> str:
    parts = []
    for i in INDICATORS:
        if u.flags.get(i.key):
            parts.append(f"{i.name} {percent(u.rates.get(i.key))}")
    if u.flags.get(VOLUME_CHANGE.key):
        parts.append(f"依申请总量 {_n(u.new)}（上年 {_n(u.last_new)}，{change_text(u.new, u.last_new)}）")
    return "；".join(parts)


def _units(ws: Worksheet, s: Summary) -> Sheet:
    sheet = Sheet(ws, (5, 24, 9, 8, 5, 5, 9, 22, 38), landscape=True)
    sheet.title(f"{s.name}{s.year or ''}年度 各单位报送情况")
    headers = ("序号", "单位", "类型", "状态", "计入", "错误", "提示", "文件", "说明")

    def rows() -> Iterator[Filled]:
        for i, u in enumerate(s.lines, start=1):
            r = u.row
            values = (i, r.name, r.kind or "", r.status, "是" if r.counted else "否",
                      "" if r.errors is None else r.errors, "" if r.warnings is None else warnings_text(r),
                      r.facts.name if r.facts else "", r.note)
            yield Filled(values, (None, None, None, _state_fill(r.status)))

    top, last = sheet.table(headers, rows(), len(s.lines), centred=(1, 3, 4, 5, 6, 7))
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{last}"
    return sheet.finish()


def _indicators(ws: Worksheet, s: Summary) -> Sheet:
    sheet = Sheet(ws, (5, 24, 9, 9, 8, 14, 8, 8, 8, 9, 9, 9, 9), landscape=True)
    sheet.title(f"{s.name}{s.year or ''}年度 各单位指标")
    for i in INDICATORS:
        sheet.line(f"{i.name} = {i.formula}；{i.threshold_text}。")
    sheet.line(f"依申请总量 = 本年新收政府信息公开申请数量（表三）；{VOLUME_CHANGE.threshold_text}；"
               "上年数为下发时带入工作簿的上年数字。超出的单元格涂色。")
    headers = ("序号", "单位", "类型", "依申请总量", "上年", "变化", "办结", "予以公开", "部分公开",
               "公开率", "复议诉讼", "结果纠正", "纠错率")
    def rows() -> Iterator[Filled]:
        for n, u in enumerate((u for u in s.lines if u.figures is not None), start=1):
            values = (n, u.row.name, u.row.kind or "", u.new, "" if u.last_new is None else u.last_new,
                      change_text(u.new, u.last_new), u.figures[1], u.figures[2], u.figures[3],
                      percent(u.rates.get("open_rate")), u.cases, u.corrected,
                      percent(u.rates.get("correction_rate")))
            yield _flagged(values, [False] * 3 + [u.flags.get(VOLUME_CHANGE.key, False)] * 3 + [False] * 3
                           + [u.flags.get("open_rate", False)] + [False] * 2
                           + [u.flags.get("correction_rate", False)])

    count = sum(1 for u in s.lines if u.figures is not None)
    if count:
        sheet.table(headers, rows(), count, centred=(1, 3))
    else:
        sheet.line("没有可读取的单位报告。")
    return sheet.finish()


def _groups(ws: Worksheet, s: Summary) -> Sheet:
    names = [n for n, _ in KEY_FIGURES]
    sheet = Sheet(ws, (14, 7, 7, *([9] * len(names)), 8, 8), landscape=True)
    sheet.title(f"{s.name}{s.year or ''}年度 按单位类型小计（计入汇总的单位）")
    headers = ("单位类型", "名单", "计入", *names, "公开率", "纠错率")
    rows = [(g.kind, g.listed, g.counted, *g.figures, percent(g.rates.get("open_rate")),
             percent(g.rates.get("correction_rate"))) for g in s.groups]
    total = ("合计", sum(g.listed for g in s.groups), sum(g.counted for g in s.groups),
             *key_figures(s.county), percent(s.county_rates.get("open_rate")),
             percent(s.county_rates.get("correction_rate")))
    top, last = sheet.table(headers, [*rows, total], bold_last=True)
    sheet.gap()
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = "依申请总量（按单位类型）"
        chart.y_axis.title = "件"
        data = Reference(ws, min_col=4, min_row=top, max_row=last - 1)
        cats = Reference(ws, min_col=1, min_row=top + 1, max_row=last - 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.legend = None
        chart.height, chart.width = 7.5, 16
        ws.add_chart(chart, f"A{sheet.row + 1}")
    return sheet.finish()


def _year(ws: Worksheet, s: Summary) -> Sheet:
    sheet = Sheet(ws, (22, 14, 14, 22), landscape=False)
    sheet.title(f"{s.name}{s.year or ''}年度 与上年对比")
    sheet.line(f"上年数字取自上年的汇总工作簿：{s.previous_source}。")
    rows = []
    for r in s.year_rows:
        if r.rate:
            diff = "—" if r.now is None or r.last is None else \
                f"{'+' if r.now > r.last else ''}{_points(r.now - r.last)} 个百分点"
            rows.append((r.name, percent(r.last), percent(r.now), diff))
        else:
            rows.append((r.name, _n(r.last), _n(r.now), change_text(r.now, r.last)))
    top, last = sheet.table(("项目", "上年", "本年", "增减"), rows)
    counts = [i for i, r in enumerate(s.year_rows) if not r.rate][: len(KEY_FIGURES)]
    if counts:
        chart = BarChart()
        chart.type = "col"
        chart.style = 10
        chart.title = "主要数字：上年与本年"
        data = Reference(ws, min_col=2, max_col=3, min_row=top, max_row=top + len(counts))
        cats = Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(counts))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, f"A{last + 2}")
    return sheet.finish()


def _points(d: Fraction) -> str:
    return percent(d).rstrip("%")


def _publication(ws: Worksheet, s: Summary) -> Sheet:
    sheet = Sheet(ws, (5, 26, 10, 14, 14, 16), landscape=False)
    sheet.title(f"{s.name}{s.year or ''}年度 各单位年度报告发布情况")
    for d in s.deadlines:
        sheet.line(f"{d.who}：{d.label}前公布（{d.basis}）。")

    def rows() -> Iterator[Filled]:
        for n, u in enumerate(s.lines, start=1):
            p = u.publication
            due = p.deadline.date_for(s.year).isoformat() if s.year and p is not None else ""
            shown = u.row.facts.published if u.row.facts is not None and u.row.facts.readable else ""
            bad = p is not None and p.state in (LATE, NOT_GIVEN, UNCLEAR)
            yield _flagged((n, u.row.name, u.row.kind or "", shown or "", due, p.text if p else ""),
                           [False] * 5 + [bad])

    sheet.table(("序号", "单位", "类型", "发布日期", "法定期限", "情况"), rows(), len(s.lines),
                centred=(1, 3, 4, 5))
    return sheet.finish()


def _files(ws: Worksheet, s: Summary, files: list[Any]) -> Sheet:
    sheet = Sheet(ws, (5, 26, 22, 16, 7, 44), landscape=True)
    sheet.title(f"{s.name}{s.year or ''}年度 收到的文件")
    sheet.line("每个文件对应到哪个单位、是否采用。线索不一致（冲突）的文件未计入任何单位：请核实后在对应表"
               "（文件,单位,处理,说明）中写明，用 --mapping 再次汇总。")
    rows = ((n, fr.facts.name, fr.unit or "", fr.role, fr.year_label, file_note(fr))
            for n, fr in enumerate(files, start=1))
    sheet.table(("序号", "文件", "单位", "用途", "年度", "线索和说明"), rows, len(files), centred=(1, 5))
    return sheet.finish()


def file_note(fr: Any) -> str:
    """The clues in full where they matter (a conflict, outside the list, not by the record)."""
    v = fr.verdict
    plain = v is not None and v.kind == "listed" and v.how == "分发记录" and not v.notes()
    evidence = "" if v is None or plain else "；".join(e.describe() for e in v.evidence)
    return "；".join(x for x in (evidence, fr.note if fr.note != evidence else "") if x)


def _explained(ws: Worksheet, s: Summary) -> Sheet:
    sheet = Sheet(ws, (22, 22, 16, 58), landscape=True)
    sheet.title(f"{s.name}{s.year or ''}年度 单位对提示的说明")
    rows = ((u.row.name, f"{x.code} {x.name}（{'提示（已说明）' if x.explained else '错误（仍须改正）'}）",
             "!".join(v for v in (x.sheet, x.cell) if v), x.explanation) for u, x in s.explanations())
    sheet.table(("单位", "规则", "位置", "单位说明"), rows, s.explanation_count)
    return sheet.finish()


def has_explanations(s: Summary) -> bool:
    return s.explanation_count > 0


def _standard_cover(ws: Worksheet) -> None:
    """The standard cover in a county workbook: no 填报 instructions (nobody fills this in)."""
    from ..layout import TITLE_ROW

    ws.cell(TITLE_ROW, 1).value = f"{DEFAULT_FORMAT.document_title} · 汇总数据"
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row > 5 and rng.min_col == 1 and isinstance(ws.cell(rng.min_row, 1).value, str) \
                and ws.cell(rng.min_row, 1).value.startswith(("填表说明", "1.", "2.", "3.", "4.")):
            ws.unmerge_cells(str(rng))
            ws.cell(rng.min_row, 1).value = None


def county_workbook(report: Report, s: Summary, files: list[Any]) -> bytes:
    """The summary workbook: the added sheets first (汇总表 opens), then the standard layout."""
    wb = load_workbook(io.BytesIO(build_workbook(None, report)))
    _standard_cover(wb[DEFAULT_FORMAT.cover_sheet])
    writers = [(COVER_SHEET, lambda ws: _cover(ws, s)), (UNITS_SHEET, lambda ws: _units(ws, s)),
               (INDICATOR_SHEET, lambda ws: _indicators(ws, s)), (GROUP_SHEET, lambda ws: _groups(ws, s))]
    if s.year_rows:
        writers.append((YEAR_SHEET, lambda ws: _year(ws, s)))
    writers += [(PUBLISH_SHEET, lambda ws: _publication(ws, s)), (FILES_SHEET, lambda ws: _files(ws, s, files))]
    if has_explanations(s):
        writers.append((EXPLAINED_SHEET, lambda ws: _explained(ws, s)))
    tables = {}
    for i, (name, write) in enumerate(writers):
        tables[name] = write(wb.create_sheet(name, index=i)).tables
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = False
    wb.active = 0
    wb.worksheets[0].sheet_view.tabSelected = True
    return reproducible(save(wb, tables))

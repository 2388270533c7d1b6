"""Build the standard workbook from the format spec, optionally filled from a Report.

Layout, formulas and status cells all come from ``giar_xl.layout``; labels come
from the spec. The result is byte-reproducible (fixed zip timestamps and
document dates) so the committed template's freshness can be tested.
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..fileio import write_bytes
from ..formula import exact
from ..layout import (BALANCED, BINDING_SHEET, BLANK_RULE, COVER_FIRST_ROW, GRID_TOP, PENDING,
                      TITLE_ROW, STATUS_LABEL, UNBALANCED, defined_name, expected_formula,
                      grid_range, identity_words, narrative_heading_address, pending_words,
                      places, status_cells, status_formula, status_row, table_sheet, this_years)
from ..ooxml import FIXED_TIME, reproducible
from ..report import Report
from ..results import COLOURED_CELL, RESULTS_SHEET
from ..safety import write_value
from ..spec import DEFAULT_FORMAT, FormatSpec, SectionSpec, TableSpec, numbered_headings
from ..spec.model import BLANK_COSTS
from ..spec.format2021 import AMOUNT_DECIMALS
from ..text import parse_date
from . import sizing
from . import styles as st

COUNT_PROMPT = "填写大于等于 0 的整数；没有请填 0，不要留空，也不要填“/”“无”“—”。"
AMOUNT_PROMPT = f"单位：万元，精确到分（最多 {AMOUNT_DECIMALS} 位小数）；没有请填 0。"
TEXT_PROMPT = "可直接输入或从 Word 粘贴；单元格内换行用 Alt+Enter。"
DATE_PROMPT = "填写报告在网站发布的日期，如 2026-01-20；发布前可留空。导出的文件以此日期落款。"
FILLED_LABEL = "数字填写"
INTRO_TITLE = "总述"
# a long narrative part steps down through these sizes until it fits Excel's tallest row
TEXT_SIZES = (12.0, 11.0, 10.5, 10.0, 9.0)
EMPTY_BOX_LINES = 6  # an empty text box is this many lines of the text font tall
COVER_LABEL_WIDTH = 16
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BINDING_HEADER = ("id", "sheet", "address", "kind", "label", "formula")


def build_workbook(path: str | Path | None = None, report: Report | None = None, *,
                   spec: FormatSpec = DEFAULT_FORMAT, force: bool = False,
                   base: bytes | None = None) -> bytes:
    """Return the workbook as bytes; with ``path``, also write it atomically.

    ``base`` is a workbook whose sheets (by name), VBA project and drawings are
    kept, e.g. the macro skeleton of ``xlsm.py``.
    """
    if base is None:
        wb = Workbook()
        wb.remove(wb.active)
    else:
        wb = load_workbook(io.BytesIO(base), keep_vba=True)

    def sheet(name: str) -> Worksheet:
        return wb[name] if name in wb.sheetnames else wb.create_sheet(name)

    cover = sheet(spec.cover_sheet)
    sheets = {s.key: sheet(s.sheet) for s in spec.sections}
    binding = sheet(BINDING_SHEET)
    binding.sheet_state = "veryHidden"  # not in Excel's 取消隐藏 list: only a macro shows it
    results = sheet(RESULTS_SHEET)  # there from the start: a locked structure takes no new sheet

    _cover(cover, spec)
    for section in spec.sections:
        if section.table is not None:
            _table_sheet(sheets[section.key], spec, section.table)
        else:
            _narrative_sheet(sheets[section.key], spec, section)
    _inputs(wb, spec)
    _binding(binding, wb, spec, report)
    if report is not None:
        _fill(wb, spec, report)
    _results_placeholder(results)
    _fit_rows(wb, spec)
    # No password anywhere: a help against slips, nothing relies on it. The 校验 button and
    # --annotate only colour cells (formatting stays allowed), write the results sheet (left
    # open) and the memo cell of _giar (unlocked): all allowed under this protection.
    for ws in wb.worksheets:
        if ws.title == RESULTS_SHEET:
            continue
        ws.protection.sheet = True
        if ws.title != BINDING_SHEET:
            ws.protection.formatRows = False
            ws.protection.formatColumns = False
            ws.protection.formatCells = False
    binding[COLOURED_CELL[1]].protection = Protection(locked=False)
    # sheets cannot be added, deleted, renamed, moved, hidden or shown
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = f"giar-xl {__version__}"
    wb.properties.title = spec.name
    wb.properties.keywords = f"{spec.id};version={spec.version}"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    data = reproducible(buf.getvalue(), FIXED_TIME)
    if path is not None:
        write_bytes(path, data, force=force)
    return data


# ------------------------------------------------------------------ sheets
def _title(ws: Worksheet, text: str, ncols: int) -> None:
    ws.cell(TITLE_ROW, 1, text).font = st.TITLE_FONT
    if ncols > 1:
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=ncols)


def _print_setup(ws: Worksheet, landscape: bool, title_rows: str | None = None,
                 one_page: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = sizing.SIDE_MARGIN_IN
    if title_rows:
        ws.print_title_rows = title_rows


def _cover(ws: Worksheet, spec: FormatSpec) -> None:
    _title(ws, f"{spec.document_title} · 填报工作簿", 2)
    ws.column_dimensions["A"].width = COVER_LABEL_WIDTH
    ws.column_dimensions["B"].width = sizing.width_to_fill() - COVER_LABEL_WIDTH
    where = places(spec)
    for part in spec.cover:
        cell = ws[where[part.id].address]
        label = ws.cell(cell.row, 1, part.label)
        label.font, label.fill, label.border, label.alignment = (st.HEADER_FONT, st.HEADER_FILL,
                                                                 st.BORDER, st.CENTER)
        cell.font, cell.border, cell.alignment = st.VALUE_FONT, st.BORDER, st.LEFT_WRAP
        if part.id == "cover.published":
            cell.number_format = "yyyy-mm-dd"
    row = COVER_FIRST_ROW + len(spec.cover) + 1
    info = [("报告格式", f"{spec.name}（{spec.source}）"),
            ("格式标识", f"{spec.id}，模板版本 {spec.version}")]
    checks = _cover_checks(spec)
    for label, value in info + checks:
        a = ws.cell(row, 1, label)
        a.font, a.alignment = st.HEADER_FONT, st.CENTER
        b = ws.cell(row, 2, value)
        b.font, b.alignment = (st.STATUS_FONT if value.startswith("=") else st.HINT_FONT), st.LEFT_WRAP
        if value.startswith("="):
            ws.conditional_formatting.add(b.coordinate, FormulaRule(
                formula=[f'LEFT({b.coordinate},1)="✗"'], fill=st.BAD_FILL))
        row += 1
    row += 1
    for line in _instructions(spec):
        c = ws.cell(row, 1, line)
        c.font, c.alignment = st.HINT_FONT, st.LEFT_WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        row += 1
    _print_setup(ws, landscape=False)


def _instructions(spec: FormatSpec) -> list[str]:
    """The cover's instructions: what the workbook itself shows first, the full check last."""
    status_sheets = "、".join(dict.fromkeys(f"“{sheet}”" for _, sheet, _ in status_cells(spec)))
    tables = [s for s in spec.sections if s.table is not None]
    span = f"表{tables[0].number}至表{tables[-1].number}"
    return [
        "填表说明：",
        "1. 白色单元格由您填写；灰色单元格是公式（合计），会自动计算，请勿改动。",
        f"2. {span}每个数字单元格都要填写数字，没有的填 0，不要留空或填“/”“无”；"
        "空白或不是数字的单元格会自动标黄。",
        f"3. 边填边看：{status_sheets}表格下方的“{STATUS_LABEL}”一行逐列显示“{BALANCED}”或"
        f"“{UNBALANCED}…”，不平衡的列变红（县里下发时预填了上年结转、本年数字还没有填的列显示“{PENDING}”）；"
        f"本页上方的“{STATUS_LABEL}”“{FILLED_LABEL}”两行汇总全表，全部显示“✓”即表格数字没有问题。",
        "4. 文字页每个标题后注明" + "、".join(f"（{n}）" for n in BLANK_COSTS) + "：" + _needs() + "。",
        "5. 文字和数字都填好后，再做一次全面校验（必填内容、与上年报告的衔接等）：带“校验”按钮的"
        "工作簿（.xlsm）点击按钮即可；没有按钮时，可请信息化人员运行 giar-xl validate 本文件。",
    ]


def _needs() -> str:
    """What each need word means for the clerk, from what a blank costs."""
    said = {"错误": "不能空着（空着时校验报“错误”）",
            "提示": "是国家格式要求写明的内容，空着时校验给出“提示”", None: "可以不写"}
    return "；".join(f"{n}的{said[cost]}" for n, cost in BLANK_COSTS.items())


def _cover_checks(spec: FormatSpec) -> list[tuple[str, str]]:
    out = []
    by_sheet: dict[str, list[str]] = defaultdict(list)
    pending: dict[str, str] = {}
    for inst, sheet, address in status_cells(spec):
        by_sheet[sheet].append(address)
        if len(this_years(spec, inst)) < len(inst.lhs) + len(inst.rhs):
            pending.setdefault(sheet, pending_words(spec, inst))
    for sheet, addresses in by_sheet.items():
        refs = ",".join(f"'{sheet}'!{r}" for r in st.rectangles(addresses))
        row = re.sub(r"[A-Z]+", "", addresses[0])
        wrong = f'"✗ {sheet}：有不平衡的列，请查看该表第 {row} 行"'
        if sheet in pending:  # no column out of balance, some only prefilled: say what is to fill
            wrong = (f'IF(COUNTIF({refs},"✗*")=0,"{PENDING[0]} {sheet}：{pending[sheet]}",'
                     f'{wrong})')
        out.append((STATUS_LABEL, f'=IF(COUNTIF({refs},"✓*")={len(addresses)},'
                                  f'"✓ {sheet}：勾稽关系全部平衡",{wrong})'))
    inputs = _input_addresses(spec)
    parts, total = [], 0
    for sheet, addresses in inputs.items():
        parts.extend(f"'{sheet}'!{r}" for r in st.rectangles(addresses))
        total += len(addresses)
    count = f"COUNT({','.join(parts)})"
    out.append((FILLED_LABEL, f'=IF({count}={total},"✓ 所有数字单元格均已填写",'
                          f'"✗ 有 "&({total}-{count})&" 个数字单元格空白或不是数字（标黄处）")'))
    return out


def _input_addresses(spec: FormatSpec) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for p in places(spec).values():
        if p.kind == "value":
            out[p.sheet].append(p.address)
    return out


def _table_sheet(ws: Worksheet, spec: FormatSpec, table: TableSpec) -> None:
    _title(ws, table.title, table.n_cols)
    value_cells = {c.id: c for c in table.cells}
    for g in table.grid:
        rng = grid_range(g)
        first = ws[rng.split(":")[0]]
        if ":" in rng:
            ws.merge_cells(rng)
            for row in ws[rng]:
                for c in row:
                    c.border = st.BORDER
        first.border = st.BORDER
        if g.value is None:
            first.value = g.text
            first.font = st.LABEL_FONT if g.role in ("label", "note") else st.HEADER_FONT
            first.alignment = st.LEFT_WRAP if g.role == "label" else st.CENTER
            if g.role in ("header", "title", "group", "note"):
                first.fill = st.HEADER_FILL
        else:
            vc = value_cells[g.value]
            first.font, first.alignment = st.VALUE_FONT, st.RIGHT
            first.number_format = "0.####" if vc.kind == "amount" else "0"
            if vc.is_input:
                first.value = 0
                first.fill = st.INPUT_FILL
            else:
                first.value = expected_formula(spec, vc.id)
                first.fill = st.FORMULA_FILL
    for i, width in enumerate(table.col_widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    header_rows = min(g.r for g in table.grid if g.value is not None)
    first_value_col = min(g.c for g in table.grid if g.value is not None)
    if table.key != "t2":
        ws.freeze_panes = ws.cell(GRID_TOP + header_rows, 1 + first_value_col)
    _status_row(ws, spec, table)
    _print_setup(ws, landscape=table.n_cols > 4,
                 title_rows=f"{GRID_TOP}:{GRID_TOP + header_rows - 1}" if header_rows else None,
                 one_page=True)


def _status_row(ws: Worksheet, spec: FormatSpec, table: TableSpec) -> None:
    cells = [(inst, address) for inst, sheet, address in status_cells(spec)
             if sheet == table_sheet(spec, table)]
    if not cells:
        return
    row = status_row(table)
    label_cols = min(g.c for g in table.grid if g.value is not None)
    label = ws.cell(row, 1, f"{STATUS_LABEL}（{identity_words(spec, cells[0][0])}）")
    label.font, label.alignment = st.HINT_FONT, st.LEFT_WRAP
    if label_cols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=label_cols)
    where = places(spec)
    for inst, address in cells:
        c = ws[address]
        c.value = status_formula(spec, inst)
        c.font, c.alignment = st.STATUS_FONT, st.CENTER
        # the identity's own cells and its status turn red together when unbalanced
        targets = [where[x].address for x in inst.lhs + inst.rhs] + [address]
        ws.conditional_formatting.add(" ".join(targets), FormulaRule(
            formula=[f'LEFT(${address[0]}${row},1)="✗"'.replace(f"${address[0]}$",
                                                                   f"${_col(address)}$")],
            fill=st.BAD_FILL))


def _col(address: str) -> str:
    return re.match(r"[A-Z]+", address).group(0)


def _narrative_sheet(ws: Worksheet, spec: FormatSpec, section: SectionSpec) -> None:
    _title(ws, section.heading, 1)
    ws.column_dimensions["A"].width = sizing.width_to_fill()
    ws.cell(TITLE_ROW + 1, 1, "请在每个标题下方的大方框内填写正文；灰色小字是提示。").font = st.HINT_FONT
    headings = numbered_headings(section.parts)
    where = places(spec)
    for i, part in enumerate(section.parts):
        head = ws[narrative_heading_address(section, i)]
        title = headings.get(part.id, INTRO_TITLE)
        need = f"（{part.need}）"
        head.value = f"{title}{need}　{part.hint}" if part.hint else f"{title}{need}"
        head.font, head.alignment, head.fill = st.HEADER_FONT, st.LEFT_WRAP, st.HEADER_FILL
        box = ws[where[part.id].address]
        box.value = None
        box.font, box.alignment, box.border = st.TEXT_FONT, st.TOP_WRAP, st.BORDER
    # text columns are exactly as wide as the page: print at 100 %, nothing to fit
    _print_setup(ws, landscape=False)
    ws.sheet_properties.pageSetUpPr = None
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None


def _results_placeholder(ws: Worksheet) -> None:
    """What the results sheet says before the first check (the button or --annotate replace it)."""
    ws["A1"] = "校验结果：尚未校验。"
    ws["A1"].font = st.TITLE_FONT
    ws["A2"] = ("带“校验”按钮的工作簿（.xlsm）点击封面上的“校验”按钮，校验结果就显示在本页，"
                "有问题的单元格同时涂色；没有按钮时，可请信息化人员运行 giar-xl validate 本文件 "
                "--annotate 标注副本，在副本的本页查看。")
    ws["A2"].font, ws["A2"].alignment = st.HINT_FONT, st.LEFT_WRAP
    ws.column_dimensions["A"].width = sizing.width_to_fill()


# ------------------------------------------------------------------ inputs
def _inputs(wb: Workbook, spec: FormatSpec) -> None:
    """Unlock input cells and add validation, prompts and the live blank/text highlight."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in places(spec).values():
        if p.kind == "value":
            groups[(p.sheet, spec.value_cell(p.id).kind)].append(p.address)
        elif p.kind in ("text", "cover"):
            kind = p.id if p.id in ("cover.year", "cover.published") else "text"
            groups[(p.sheet, kind)].append(p.address)
    for (sheet, kind), addresses in groups.items():
        ws = wb[sheet]
        for a in addresses:
            ws[a].protection = Protection(locked=False)
        sqref = " ".join(st.rectangles(addresses))
        if kind == "count":
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                                promptTitle="请填写件数", prompt=COUNT_PROMPT,
                                errorTitle="应为整数", error="这里只能填大于等于 0 的整数（没有请填 0）。")
        elif kind == "amount":
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                promptTitle="请填写金额（万元）", prompt=AMOUNT_PROMPT,
                                errorTitle="应为金额", error="这里只能填大于等于 0 的数字，单位万元。")
        elif kind == "cover.year":
            dv = DataValidation(type="whole", operator="between", formula1="2021", formula2="2100",
                                promptTitle="报告年度", prompt="填写四位数年份，如 2025。",
                                errorTitle="年度不对", error="请填写 2021 年及以后的四位数年份。")
        elif kind == "cover.published":
            # the first reports of this format were published in 2022
            dv = DataValidation(type="date", operator="between", formula1="DATE(2022,1,1)",
                                formula2="DATE(2100,12,31)", allow_blank=True,
                                promptTitle="发布日期", prompt=DATE_PROMPT, errorTitle="日期不对",
                                error="请填写日期，如 2026-01-20（年-月-日）；发布前可留空。")
        else:
            dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="32000",
                                promptTitle="填写说明", prompt=TEXT_PROMPT, showErrorMessage=False)
        dv.showInputMessage = True
        dv.showErrorMessage = kind != "text"
        for rng in sqref.split():
            dv.add(rng)
        ws.add_data_validation(dv)
        if kind in ("count", "amount"):
            top_left = st.rectangles(addresses)[0].split(":")[0]
            ws.conditional_formatting.add(sqref, FormulaRule(
                formula=[BLANK_RULE.format(cell=top_left)], fill=st.BLANK_FILL))


# ------------------------------------------------------------------ binding
def _binding(ws: Worksheet, wb: Workbook, spec: FormatSpec, report: Report | None) -> None:
    ws["A1"], ws["B1"] = "format", spec.id
    ws["A2"], ws["B2"] = "version", spec.version
    ws["A3"], ws["B3"] = "generator", f"giar-xl {__version__}"
    ws["A4"] = "meta"
    ws["B4"] = json.dumps(report.meta, ensure_ascii=False) if report and report.meta else None
    ws["A5"] = "previous"
    ws["B5"] = (json.dumps(report.previous, ensure_ascii=False)
                if report and report.previous else None)
    for col, name in enumerate(BINDING_HEADER, start=1):
        ws.cell(7, col, name)
    for i, p in enumerate(places(spec).values(), start=8):
        formula = expected_formula(spec, p.id) if p.kind == "formula" else None
        # the formula is kept as text ('=' escaped) so this sheet never computes
        for col, value in enumerate((p.id, p.sheet, p.address, p.kind, p.label,
                                     formula[1:] if formula else None), start=1):
            ws.cell(i, col, value)
        wb.defined_names[defined_name(p.id)] = DefinedName(
            defined_name(p.id), attr_text=f"'{p.sheet}'!${_col(p.address)}${p.address[len(_col(p.address)):]}")


def _fill(wb: Workbook, spec: FormatSpec, report: Report) -> None:
    where = places(spec)
    for part in spec.cover:
        value = report.cover_value(part.id)
        if part.id == "cover.published" and isinstance(value, str) and _ISO_DATE.match(value):
            # a real date, as the cell's validation asks; it reads back as the same text
            value = parse_date(value) or value
        write_value(wb[where[part.id].sheet][where[part.id].address], value)
    for pid, text in report.texts.items():
        if pid in where and text:
            cell = wb[where[pid].sheet][where[pid].address]
            write_value(cell, text)
            width = wb[where[pid].sheet].column_dimensions[cell.column_letter].width
            size = sizing.fitting_size(str(cell.value), width, TEXT_SIZES)
            if size != st.TEXT_FONT.sz:
                cell.font = st.text_font(size)
    shown = _shown_values(spec, report)
    for c in spec.value_cells:
        p = where[c.id]
        value = report.values.get(c.id)
        if c.is_input or shown[c.id] is not _FORMULA:
            write_value(wb[p.sheet][p.address], value)


_FORMULA = object()


# ------------------------------------------------------------------ row heights
def _fit_rows(wb: Workbook, spec: FormatSpec) -> None:
    """Give every row with content the height its text needs (see ``sizing``)."""
    empty_boxes: dict[str, set[int]] = defaultdict(set)
    for p in places(spec).values():
        if p.kind == "text":
            empty_boxes[p.sheet].add(wb[p.sheet][p.address].row)
    box = EMPTY_BOX_LINES * st.TEXT_FONT.sz * sizing.LINE_EM + sizing.CELL_PAD_PT
    for ws in wb.worksheets:
        if ws.title == BINDING_SHEET:
            continue
        need = sizing.row_needs(ws)
        for r in empty_boxes.get(ws.title, ()):
            if ws.cell(r, 1).value is None:
                need[r] = max(need.get(r, 0.0), box)
        for r in sorted(need):
            sizing.set_height(ws, r, need[r])


def _shown_values(spec: FormatSpec, report: Report) -> dict[str, object]:
    """For each value cell: ``_FORMULA`` where the template formula is written, else the value.

    A derived cell keeps its formula when the report does not give it, or gives what
    the formula computes, as the workbook would (text and blanks count as 0, as SUM
    does; a term that is itself a formula counts with its computed value). A total the
    report gives as blank stays blank, and a published total that does not add up is
    kept as it is, not hidden behind a formula: the checker reports either as a value
    typed over a total.
    """
    shown: dict[str, object] = {}
    computed: dict[str, Fraction] = {}

    def value_of(cid: str) -> Fraction:
        if cid not in computed:
            vc = spec.value_cell(cid)
            given = report.values.get(cid)
            if vc.is_input:
                shown[cid] = given
                computed[cid] = exact(report.number(cid)) or Fraction(0)
            else:
                total = sum((value_of(x) for x in vc.formula_of), start=Fraction(0))
                if cid not in report.values or exact(report.number(cid)) == total:
                    shown[cid], computed[cid] = _FORMULA, total
                else:
                    shown[cid], computed[cid] = given, exact(report.number(cid)) or Fraction(0)
        return computed[cid]

    for c in spec.value_cells:
        value_of(c.id)
    return shown

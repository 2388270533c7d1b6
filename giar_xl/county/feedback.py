"""What the county sends back to its units (``validate DIR --annotate-dir OUT``).

For every unit that must act — 有错误, 需重报, 年度不符, 无法读取 — a short 退回意见 in
Word (what to fix, cell by cell) and, where its file is a workbook, the annotated copy
(``annotate.annotate``: the 校验结果 sheet and coloured cells, the same as the 校验 button);
and for the office one 催报/退回 list: every unit not in order, its status, what to do,
and the contact from the units list.

Every path is decided and checked before anything is written; an existing file is
kept unless ``--force``.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..checker.render import explanation
from ..fileio import check_writable, make_folder, write_bytes
from ..ooxml import reproducible
from ..results import HEADER, RESULTS_SHEET, expected_actual
from ..safety import write_value
from ..template import sizing
from .status import ACTION, HAS_ERRORS, RESUBMIT, SUBMITTED, UNREADABLE, WRONG_YEAR
from .units import safe_filename
from .view import CountyView, UnitRow

RETURNED_STATES = (HAS_ERRORS, RESUBMIT, WRONG_YEAR, UNREADABLE)  # the unit must send again
LIST_NAME = "催报退回清单.xlsx"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
EXPLAIN_COLUMN = HEADER[-1]


@dataclass
class Planned:
    unit: UnitRow
    letter: Path | None = None  # 退回意见 (.docx)
    copy: Path | None = None  # annotated copy of the unit's file


def plan(view: CountyView, out_dir: Path) -> tuple[list[Planned], Path]:
    """The files to write, one set per unit that must act, with names unique in the folder."""
    planned: list[Planned] = []
    taken: set[str] = {LIST_NAME.casefold()}
    for u in view.ordered():
        if u.status not in RETURNED_STATES:
            continue
        stem = safe_filename(u.name) or "单位"
        while f"{stem}-退回意见.docx".casefold() in taken:
            stem += "_"
        p = Planned(u, letter=out_dir / f"{stem}-退回意见.docx")
        taken.add(p.letter.name.casefold())
        f = u.facts
        suffix = Path(f.path).suffix.lower() if f is not None else ""
        if f is not None and f.readable and suffix in WORKBOOK_SUFFIXES:
            p.copy = out_dir / f"{stem}-校验{suffix}"
            taken.add(p.copy.name.casefold())
        planned.append(p)
    return planned, out_dir / LIST_NAME


def write_feedback(view: CountyView, out_dir: str | Path, *, force: bool = False,
                   today: dt.date | None = None) -> list[Path]:
    """Write the letters, the annotated copies and the list; return the paths written."""
    from ..annotate import annotate
    out = Path(out_dir)
    planned, list_path = plan(view, out)
    targets = [list_path] + [p for x in planned for p in (x.letter, x.copy) if p is not None]
    make_folder(out)
    for t in targets:  # every refusal before the first file is written
        check_writable(t, force)
    today = today or dt.date.today()
    written: list[Path] = []
    for x in planned:
        f = x.unit.facts
        if x.copy is not None and f is not None and f.result is not None:
            written.append(annotate(f.path, f.result.findings, x.copy, force=force))
        written.append(write_bytes(x.letter, letter_docx(x.unit, view.year, x.copy, today), force=force))
    written.append(write_bytes(list_path, list_workbook(view, planned, today), force=force))
    return written


# ------------------------------------------------------------------ the letter
def letter_paragraphs(u: UnitRow, year: int | None, copy: Path | None) -> list[tuple[str, str]]:
    """The 退回意见 as (style, text) paragraphs: "title", "body", "head", "item", "sign"."""
    f = u.facts
    year_text = f"{year} 年度" if year else ""
    shown = f"“{f.name}”" if f is not None else ""
    out: list[tuple[str, str]] = [("title", f"关于{u.name}{year_text}政府信息公开工作年度报告的退回意见"),
                                  ("body", f"{u.name}：")]
    if u.status == UNREADABLE:
        out.append(("body", f"你单位报送的文件{shown}无法读取：{f.error if f else ''}"
                            f"请用县里下发的工作簿填写，保存为 .xlsx 后重新报送。"))
        return out
    if u.status == RESUBMIT:
        reason = u.used.decision.reason if u.used is not None and u.used.decision else ""
        out.append(("body", f"你单位报送的文件{shown}经核实不能作为你单位的报告"
                            f"{'（' + reason + '）' if reason else ''}。请用县里下发给你单位的工作簿填写后重新报送。"))
    elif u.status == WRONG_YEAR:
        out.append(("body", f"你单位报送的文件{shown}不是{year_text}的报告：{u.reason}。请报送{year_text}的报告。"))
    else:
        out.append(("body", f"你单位报送的{year_text}政府信息公开工作年度报告（文件{shown}）经校验，"
                            "存在以下问题，请改正后重新报送。"))
    findings = f.result.findings if f is not None and f.result is not None else []
    errors = [x for x in findings if x.severity == "错误"]
    notices = [x for x in findings if x.severity == "提示"]
    if errors:
        out.append(("head", f"一、须改正的错误（{len(errors)} 处）"))
        out += [("item", f"{i}. {_place(x)}{explanation(x)}{_expected(x)}") for i, x in enumerate(errors, 1)]
    open_notices = [x for x in notices if not x.explained]
    if notices:
        head = "二" if errors else "一"
        explained = len(notices) - len(open_notices)
        out.append(("head", f"{head}、请核实的提示（{len(notices)} 处"
                            + (f"，其中已说明 {explained} 处" if explained else "") + "）"))
        for i, x in enumerate(notices, 1):
            said = f"（已说明：{x.explanation}）" if x.explained else ""
            out.append(("item", f"{i}. {_place(x)}{explanation(x)}{_expected(x)}{said}"))
        if open_notices:
            out.append(("body", f"提示经核实无误的，请在“{RESULTS_SHEET}”工作表的“{EXPLAIN_COLUMN}”列写明理由，"
                                "不必改动数字。"))
    if copy is not None:
        out.append(("body", f"附件：{copy.name}（有问题的单元格已涂色，“{RESULTS_SHEET}”工作表逐条列出，"
                            "可直接在此文件上修改后报送）。"))
    return out


def _place(x) -> str:
    where = " ".join(v for v in (x.sheet, x.cell) if v)
    return f"【{where}】" if where else ""


def _expected(x) -> str:
    said = expected_actual(x)
    return f"（{said}）" if said else ""


def letter_docx(u: UnitRow, year: int | None, copy: Path | None, today: dt.date) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from ..export.docx import _fonts

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    sizes = {"title": (16, "黑体", True), "body": (12, "仿宋", False), "head": (12, "黑体", False),
             "item": (11, "仿宋", False), "sign": (12, "仿宋", False)}
    paragraphs = letter_paragraphs(u, year, copy)
    paragraphs.append(("sign", f"{today.year}年{today.month}月{today.day}日"))
    for style, text in paragraphs:
        p = doc.add_paragraph()
        size, font, bold = sizes[style]
        run = p.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        _fonts(run._r.get_or_add_rPr(), font)
        if style == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif style == "sign":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif style in ("body",) and not text.endswith("："):
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.space_after = Pt(6)
    buf = io.BytesIO()
    doc.save(buf)
    return reproducible(buf.getvalue())


# ------------------------------------------------------------------ the list
LIST_HEADERS = ("序号", "单位", "类型", "状态", "要做的事", "问题", "联系人", "联系电话", "寄回的文件")
LIST_WIDTHS = (5, 24, 9, 8, 10, 40, 8, 13, 24)


def list_workbook(view: CountyView, planned: list[Planned], today: dt.date) -> bytes:
    """催报/退回 list: every unit not in order, what to do, and whom to call."""
    sent = {x.unit.name: x for x in planned}
    wb = Workbook()
    ws = wb.active
    ws.title = "催报退回清单"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    write_value(ws.cell(1, 1), f"{view.year or ''}年度政府信息公开工作年度报告 催报、退回清单"
                               f"（{today.year}年{today.month}月{today.day}日）")
    ws.cell(1, 1).font = Font(name="黑体", size=14, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LIST_HEADERS))
    for i, (h, w) in enumerate(zip(LIST_HEADERS, LIST_WIDTHS), start=1):
        c = ws.cell(2, i, h)
        c.font, c.border = Font(name="宋体", size=10, bold=True), border
        c.fill = PatternFill("solid", fgColor="D9E1F2")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = w
    row = 2
    for n, u in enumerate((u for u in view.ordered() if u.status != SUBMITTED), start=1):
        row += 1
        x = sent.get(u.name)
        files = "、".join(p.name for p in (x.letter, x.copy) if p is not None) if x else ""
        unit = u.unit
        values = (n, u.name, u.kind or "", u.status, ACTION.get(u.status, ""), _problem(u),
                  unit.contact if unit else "", unit.phone if unit else "", files)
        for i, v in enumerate(values, start=1):
            c = ws.cell(row, i)
            write_value(c, v)  # names and notes come from clerks' files
            c.font, c.border = Font(name="宋体", size=10), border
            c.alignment = Alignment(wrap_text=True, vertical="top")
    need = sizing.row_needs(ws)
    for r in range(3, row + 1):
        sizing.set_height(ws, r, need.get(r, sizing.MIN_ROW_PT))
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left = ws.page_margins.right = sizing.SIDE_MARGIN_IN
    ws.print_title_rows = "2:2"
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible(buf.getvalue())


def _problem(u: UnitRow) -> str:
    errors = f"错误 {u.errors} 处；" if u.errors else ""
    return errors + u.reason

"""Read a filled workbook (.xlsx/.xlsm) into a Report. Never writes to the file.

Cells are found through the workbook's defined names (which Excel moves when
rows are inserted or sheets renamed), falling back to the layout. Of the hidden
binding sheet only the head is read (format id, version, meta, last year's
figures); the binding table below it records the layout as written and is not
needed. Every difference from the standard shape becomes a ``StructureNote``
for the checker.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import xlsx
from .a1 import column_index, column_letter, split
from .errors import UnreadableInput
from .explain import explanations_from
from .layout import BINDING_SHEET, defined_name, places
from .formula import FormulaError, Unsupported, evaluate, parse, plain_number
from .report import CellRecord, Report, StructureNote
from .spec import DEFAULT_FORMAT, FORMATS, FormatSpec
from .structure import Shape, change_words, content_in, grid_lines, shape_of
from .text import normalise_label

# a defined name's reference: 'Sheet name'!$D$6 (quotes doubled inside the name)
NAME_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)$")
# rows of the binding sheet the reader uses: format id B1, version B2, meta B4, last year's
# figures B5; the binding table below them (a thousand cells) is not read
BINDING_HEAD_ROWS = 5


def read_workbook(path: str | Path) -> Report:
    return report_from_data(xlsx.load(Path(path), head_rows={BINDING_SHEET: BINDING_HEAD_ROWS}))


def report_from_data(data: xlsx.WorkbookData) -> Report:
    """Build a Report from cells however they were obtained (a file, or an open Excel book).

    When ``data.values_only`` is set (values handed over by Excel through
    xlwings, without formula text), the report says so, and the checker treats
    the values of derived cells as plain data instead of flagging every total
    as overwritten.
    """
    p = Path(data.path)
    notes: list[StructureNote] = []
    spec, meta, previous = _binding(data, notes)
    report = Report(format_id=spec.id, source=str(p), meta=meta, previous=previous,
                    structure=notes, values_only=data.values_only)
    positions, shapes = _positions(data, spec, notes)
    if not any(pos is not None for pos in positions.values()) or _foreign(data, spec):
        _refuse_foreign(data, p)
    raw: dict[str, xlsx.RawCell] = {}
    formulas = WorkbookFormulas(data)
    value_ids = {c.id for c in spec.value_cells} | {"cover.year"}
    for cid, pos in positions.items():
        if pos is None:
            continue
        sheet, address = pos
        cell = data.sheets[sheet].cells.get(address, xlsx.RawCell())
        computed, problem = formulas.value(sheet, address) if cell.formula else (None, None)
        report.cells[cid] = CellRecord(cid, sheet, address, cell.formula,
                                       cell.value if cell.formula else None,
                                       bool(cell.formula) and cell.has_value,
                                       computed=computed, formula_problem=problem,
                                       is_date=cell.is_date)
        # a number is what its formula gives, never the value stored in the file; a text
        # formula the checker cannot evaluate keeps its stored text (F06 reports it)
        if cell.formula and (problem is None or cid in value_ids):
            cell = replace(cell, value=computed, has_value=computed is not None)
        raw[cid] = cell
    _fill_cover(report, spec, raw, data.date1904)
    for part in (pt for s in spec.sections for pt in s.parts):
        v = raw[part.id].value if part.id in raw else None
        report.texts[part.id] = "" if v is None else (v if isinstance(v, str) else _plain(v))
    for c in spec.value_cells:
        cell = raw.get(c.id)
        report.values[c.id] = _value(cell) if cell is not None else None
    _check_labels(data, spec, shapes, notes)
    _check_2019(data, notes)
    report.explanations = explanations_from(data.sheets)
    return report


class WorkbookFormulas:
    """Every formula of a workbook evaluated on demand from the cells it refers to.

    A referenced cell that holds a formula is evaluated in turn (a cycle is an error);
    the values stored in the file are never used.
    """

    def __init__(self, data: xlsx.WorkbookData):
        self.data = data
        self.done: dict[tuple[str, str], tuple[Any, str | None]] = {}
        self.busy: set[tuple[str, str]] = set()

    def value(self, sheet: str, address: str) -> tuple[Any, str | None]:
        """(value, None) or (None, why it cannot be evaluated, in Chinese)."""
        key = (sheet, address)
        if key in self.done:
            return self.done[key]
        cell = self.data.sheets[sheet].cells.get(address) if sheet in self.data.sheets else None
        if cell is None or not cell.formula:
            raise KeyError(key)
        if key in self.busy:
            return None, "公式循环引用了自身"
        self.busy.add(key)
        try:
            out = (plain_number(evaluate(parse(cell.formula, sheet), self._cell)), None)
        except (Unsupported, FormulaError) as e:
            out = (None, e.reason)
        finally:
            self.busy.discard(key)
        self.done[key] = out
        return out

    def _cell(self, ref: tuple[str, str]) -> Any:
        sheet, address = ref
        if sheet not in self.data.sheets:
            raise FormulaError("#REF!")
        cell = self.data.sheets[sheet].cells.get(address)
        if cell is None:
            return None
        if cell.formula:
            v, problem = self.value(sheet, address)
            if problem is not None:
                raise FormulaError(f"引用的单元格 {address} 的公式无法计算（{problem}）")
            return v
        if cell.error:
            raise FormulaError(str(cell.value))
        return cell.value


# ------------------------------------------------------------------ binding
def _binding(data: xlsx.WorkbookData, notes: list[StructureNote]) -> tuple[FormatSpec, dict, dict]:
    b = data.sheets.get(BINDING_SHEET)
    if b is None:
        notes.append(StructureNote("format", "没有找到 giar-xl 标记页（_giar），可能不是由标准模板生成，"
                                             "或标记页被删除；按标准格式位置读取。", BINDING_SHEET))
        return DEFAULT_FORMAT, {}, {}
    fmt = _cellstr(b, "B1")
    spec = FORMATS.get(fmt or "")
    if spec is None:
        notes.append(StructureNote("format", f"工作簿的格式标识“{fmt}”不是已知格式，按 {DEFAULT_FORMAT.id} 读取。",
                                   BINDING_SHEET, "B1", DEFAULT_FORMAT.id, fmt))
        spec = DEFAULT_FORMAT
    version = _cellstr(b, "B2")
    if version != spec.version:
        notes.append(StructureNote("version", f"模板版本为“{version}”，当前版本为“{spec.version}”。",
                                   BINDING_SHEET, "B2", spec.version, version))
    return spec, _json_cell(b, "B4", data.path), _json_cell(b, "B5", data.path)


def _cellstr(sheet: xlsx.SheetData, address: str) -> str | None:
    c = sheet.cells.get(address)
    return None if c is None or c.value is None else str(c.value)


def _json_cell(sheet: xlsx.SheetData, address: str, path: str) -> dict:
    text = _cellstr(sheet, address)
    if not text:
        return {}
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        raise UnreadableInput("标记页内容已损坏（不是有效的 JSON）。", file=path, sheet=BINDING_SHEET,
                              cell=address) from None
    return doc if isinstance(doc, dict) else {}


def _positions(data: xlsx.WorkbookData, spec: FormatSpec, notes: list[StructureNote]
               ) -> tuple[dict[str, tuple[str, str] | None], dict[str, Shape]]:
    """Where each id is now: by defined name, else where its table's rows and columns now
    are (``structure``), else at its standard place; and each table's shape."""
    out: dict[str, tuple[str, str] | None] = {}
    moved: dict[str, list[tuple[str, str, str]]] = {}
    renamed: dict[str, str] = {}
    named: dict[str, tuple[str, str]] = {}
    broken: dict[str, str] = {}  # id → the name's reference ("#REF!": its cell was deleted)
    where = places(spec)
    for cid, place in where.items():
        ref = data.defined_names.get(defined_name(cid))
        if ref is not None:
            m = NAME_REF.match(ref)
            if m is None:
                broken[cid] = ref
                out[cid] = None
                continue
            sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
            address = f"{m.group(3)}{m.group(4)}"
            if sheet != place.sheet and sheet in data.sheets:
                renamed[place.sheet] = sheet
            if address != place.address:
                moved.setdefault(place.sheet, []).append((cid, place.address, address))
            named[cid] = (sheet, address)
        else:
            sheet, address = place.sheet, place.address
        if sheet not in data.sheets:
            out[cid] = None
            continue
        out[cid] = (sheet, address)
    shapes, folded = _shapes(data, spec, renamed, named, broken, out, notes)
    for cid, ref in broken.items():
        if cid not in folded:
            place = where[cid]
            notes.append(StructureNote("missing_name", f"“{place.label}”所在的单元格已被删除（行或列被删除）。",
                                       place.sheet, place.address, place.address, ref))
    for std, actual in renamed.items():
        notes.append(StructureNote("renamed", f"工作表“{std}”被改名为“{actual}”。", actual,
                                   expected=std, actual=actual))
    present = {s for s in data.sheets} | set(renamed)
    for sheet in [spec.cover_sheet] + [s.sheet for s in spec.sections]:
        if sheet not in present:
            notes.append(StructureNote("missing_sheet", f"缺少工作表“{sheet}”。", sheet, expected=sheet))
        elif data.sheets.get(renamed.get(sheet, sheet)) and \
                data.sheets[renamed.get(sheet, sheet)].state != "visible":
            notes.append(StructureNote("hidden_sheet", f"工作表“{sheet}”被隐藏了。", renamed.get(sheet, sheet)))
    tables = {s.sheet for s in spec.sections if s.table is not None and s.key in shapes}
    for sheet, cells in moved.items():
        if sheet in tables:
            continue  # the table's shape says what happened (below, and in _shapes)
        cid, was, now = cells[0]
        notes.append(StructureNote(
            "moved", f"表内插入或删除了行/列：共 {len(cells)} 个单元格离开了原位置，"
                     f"如“{where[cid].label}”原在 {was}，现在 {now}。",
            renamed.get(sheet, sheet), now, was, now))
    return out, shapes


def _shapes(data: xlsx.WorkbookData, spec: FormatSpec, renamed: dict[str, str],
            named: dict[str, tuple[str, str]], broken: dict[str, str],
            out: dict[str, tuple[str, str] | None], notes: list[StructureNote]
            ) -> tuple[dict[str, Shape], set[str]]:
    """Each table's rows and columns as they now stand: one note per inserted or deleted run
    of lines, cells without names read where their lines went. Returns the shapes and the ids
    whose deletion a note already tells (no note of their own)."""
    shapes: dict[str, Shape] = {}
    folded: set[str] = set()
    where = places(spec)
    for section in spec.sections:
        table = section.table
        sheet = renamed.get(section.sheet, section.sheet)
        if table is None or sheet not in data.sheets:
            continue
        cells = data.sheets[sheet].cells

        def text_at(row: int, col: int, cells=cells) -> str:
            cell = cells.get(f"{column_letter(col)}{row}")
            return "" if cell is None or cell.value is None else str(cell.value)

        ids = [g.value for g in table.grid if g.value is not None]
        located: dict[str, tuple[int, int] | None] = {}
        for cid in ids:
            if cid in broken:
                located[cid] = None
            elif cid in named and named[cid][0] == sheet:
                col, row = split(named[cid][1])
                located[cid] = (row, column_index(col))
        shape = shape_of(section, located, text_at, sheet)
        shapes[section.key] = shape
        std = {g.value: grid_lines(g) for g in table.grid if g.value is not None}
        for cid in ids:
            if cid not in named and cid not in broken:
                now = shape.place(*std[cid])  # no name: where its row and column now are
                out[cid] = None if now is None else (sheet, now)
        for change in shape.changes():
            index = 0 if change.axis == "row" else 1
            lost = [cid for cid in ids if std[cid][index] in change.lines]
            folded.update(lost)
            message, cell, expected, actual = change_words(spec, shape, change, lost,
                                                           content_in(shape, change, text_at))
            notes.append(StructureNote("moved", message, sheet, cell, expected, actual))
        if shape.strays:
            cid, was, now = shape.strays[0]
            more = f"（共 {len(shape.strays)} 个单元格）" if len(shape.strays) > 1 else ""
            notes.append(StructureNote("moved", f"“{where[cid].label}”所在的单元格被移动了：原在 {was}，"
                                                f"现在 {now}{more}。", sheet, now, was, now))
    return shapes, folded


def _foreign(data: xlsx.WorkbookData, spec: FormatSpec) -> bool:
    known = {spec.cover_sheet, BINDING_SHEET} | {s.sheet for s in spec.sections}
    return not (known & set(data.sheets)) and not any(n.startswith("giar_") for n in data.defined_names)


def _refuse_foreign(data: xlsx.WorkbookData, path: Path) -> None:
    hint = ""
    if _find_2019(data):
        hint = "其中的表格是 2019 年版旧格式（含“本年新制作数量”等栏目），请改用 2021 年版标准模板。"
    raise UnreadableInput("这不是 giar-xl 标准工作簿（找不到标准工作表和单元格标记）。" + hint
                          + "请用 giar-xl template 生成的模板填写。", file=str(path))


# ------------------------------------------------------------------ values
def _value(cell: xlsx.RawCell) -> Any:
    v = cell.value
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str) and v == "":
        return None
    return v


def _plain(v: Any) -> str:
    return str(v)


def _fill_cover(report: Report, spec: FormatSpec, raw: dict[str, xlsx.RawCell], date1904: bool) -> None:
    agency = raw.get("cover.agency")
    report.agency = None if agency is None or agency.value in (None, "") else str(agency.value)
    year = raw.get("cover.year")
    yv = None if year is None else year.value
    if year is not None and year.is_date and isinstance(yv, (int, float)):
        yv = xlsx.serial_to_date(yv, date1904).isoformat()  # a date where the year belongs: C02 names it
    if isinstance(yv, float) and yv.is_integer():
        yv = int(yv)
    report.year = None if yv in (None, "") else (yv if isinstance(yv, (int, str)) else str(yv))
    pub = raw.get("cover.published")
    if pub is None or pub.value in (None, ""):
        report.published = None
    elif pub.is_date and isinstance(pub.value, (int, float)):
        report.published = xlsx.serial_to_date(pub.value, date1904).isoformat()
    elif isinstance(pub.value, (dt.date, dt.datetime)):  # from xlwings
        report.published = (pub.value.date() if isinstance(pub.value, dt.datetime)
                            else pub.value).isoformat()
    else:
        report.published = str(pub.value)


# ------------------------------------------------------------------ structure
def _check_labels(data: xlsx.WorkbookData, spec: FormatSpec, shapes: dict[str, Shape],
                  notes: list[StructureNote]) -> None:
    """Every label where its table's rows and columns now are; a merged label spans the
    same lines (grown or shrunk with inserted or deleted ones)."""
    for section in spec.sections:
        table, shape = section.table, shapes.get(section.key)
        if table is None or shape is None:
            continue
        sheet = data.sheets[shape.sheet]
        for g in table.grid:
            if g.value is not None or g.role == "blank":
                continue
            row, col = grid_lines(g)
            address = shape.place(row, col)
            if address is None:
                continue  # its row or column was deleted: that note says so
            cell = sheet.cells.get(address)
            actual = "" if cell is None or cell.value is None else str(cell.value)
            if normalise_label(actual) != normalise_label(g.text):
                notes.append(StructureNote("label", f"标签被改动：应为“{g.text}”，现为“{actual}”。",
                                           sheet.name, address, g.text, actual))
            elif (g.rowspan > 1 or g.colspan > 1) and not data.values_only:
                rows = shape.rows.span(row, row + g.rowspan - 1)
                cols = shape.cols.span(col, col + g.colspan - 1)
                if rows is None or cols is None or (rows[0], cols[0]) == (rows[1], cols[1]):
                    continue
                want = f"{column_letter(cols[0])}{rows[0]}:{column_letter(cols[1])}{rows[1]}"
                if want not in sheet.merges:
                    notes.append(StructureNote("merge", f"表头“{g.text}”的合并单元格被拆开了（应合并 {want}）。",
                                               sheet.name, address, want, ""))


def _find_2019(data: xlsx.WorkbookData) -> list[tuple[str, str, str]]:
    found = []
    markers = {normalise_label(m): m for m in DEFAULT_FORMAT.markers_2019}
    for sheet in data.sheets.values():
        if sheet.name == BINDING_SHEET:
            continue
        for address, cell in sheet.cells.items():
            if isinstance(cell.value, str) and len(cell.value) < 40:
                norm = normalise_label(cell.value)
                for key, marker in markers.items():
                    if key in norm:
                        found.append((sheet.name, address, marker))
    return found


def _check_2019(data: xlsx.WorkbookData, notes: list[StructureNote]) -> None:
    found = _find_2019(data)
    if found:
        sheet, address, marker = found[0]
        notes.append(StructureNote("format2019", f"发现 2019 年版旧格式的栏目“{marker}”，"
                                                 "2021 年起应使用新格式（国办公开办函〔2021〕30号）。",
                                   sheet, address, None, marker))

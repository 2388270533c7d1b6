"""The per-unit view as the command line prints it, and as JSON (``validate --format json``)."""

from __future__ import annotations

from typing import Any

from ..text import display_width
from .status import FILE_CONFLICT, STRAY
from .view import CountyView, FileRow, UnitRow

NOTE_WIDTH = 60  # display columns of a note before it is cut (the full text is in JSON/workbook)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def _cut(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch + "…") > width:
            break
        out += ch
    return out + "…"


def _count(v: int | None) -> str:
    return "—" if v is None else str(v)


def warnings_text(u: UnitRow) -> str:
    if u.warnings is None:
        return "—"
    return f"{u.warnings}（已说明 {u.explained}）" if u.explained else str(u.warnings)


def unit_lines(view: CountyView, *, counted_column: bool = False, last_year: bool = False) -> list[str]:
    """One row per unit: status, 错误, 提示 (已说明), the file used, and why, problems first."""
    head = ["序号", "单位", "状态"] + (["计入"] if counted_column else []) + ["错误", "提示", "文件"]
    if last_year:
        head.append("上年文件")
    head.append("说明")
    rows = []
    for i, u in enumerate(view.ordered(), start=1):
        f = u.facts
        cells = [str(i), u.name, u.status] + (["是" if u.counted else "否"] if counted_column else [])
        cells += [_count(u.errors), warnings_text(u), f.name if f else "—"]
        if last_year:
            ly = f.last_year if f else None
            cells.append(ly.file.rsplit("/", 1)[-1] if ly is not None and ly.file else "—")
        cells.append(_cut(u.note, NOTE_WIDTH) or "")
        rows.append(cells)
    widths = [max(display_width(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    numeric = {head.index("序号"), head.index("错误")}
    out = [f"各单位情况（{view.year or '年度未知'} 年度）："]
    for r in [head, *rows]:
        out.append("  " + "  ".join(_pad(c, widths[i], i in numeric) for i, c in enumerate(r[:-1]))
                   + "  " + r[-1])
    out.append("  " + summary_line(view))
    return out


def summary_line(view: CountyView) -> str:
    listed = [u for u in view.units if u.listed] if view.listed else view.units
    parts = [f"{'名单' if view.listed else '共'} {len(listed)} 个单位"]
    for state in dict.fromkeys(u.status for u in view.ordered()):
        parts.append(f"{state} {view.count(state)}")
    line = "，".join(parts)
    if view.conflicts:
        line += f"；冲突文件 {len(view.conflicts)} 个"
    return line + "。"


def conflict_lines(view: CountyView) -> list[str]:
    """Each conflict with its evidence, and the 对应表 lines that would settle it."""
    conflicts = view.conflicts
    if not conflicts:
        return []
    out = [f"线索不一致的文件（{len(conflicts)} 个，未计入任何单位；核实后写入对应表，用 --mapping 再运行）："]
    for fr in conflicts:
        out.append(f"  - {fr.facts.name}")
        for e in fr.verdict.evidence if fr.verdict else ():
            out.append(f"      {e.describe()}")
    out.append("  对应表（CSV，第 1 行为表头）示例：")
    out.append("      文件,单位,处理,说明")
    for fr in conflicts:
        named = fr.verdict.named if fr.verdict else ()
        out.append(f"      {fr.facts.name},,,可能是 {' 或 '.join(named)}")
    out.append("  “单位”写名单中的单位；“处理”留空即计入该单位，填“退回”则该单位需重报，填“不计入”则不算任何单位。")
    return out


def file_lines(view: CountyView) -> list[str]:
    """Files that counted for no unit and were not junk: strays, and unused 对应表 lines."""
    out = []
    strays = [f for f in view.files if f.role == STRAY]
    if strays:
        out.append(f"无法读取、未能对应到单位的文件（{len(strays)} 个）：")
        out += [f"  - {f.facts.name}：{f.note}" for f in strays]
    if view.mapping_unused:
        out.append("对应表中没有用上的行（文件不在本次的文件中）：")
        out += [f"  - 第 {d.row} 行：{d.file}" for d in view.mapping_unused]
    return out


# ------------------------------------------------------------------ JSON
def _file_json(fr: FileRow) -> dict[str, Any]:
    return {"file": fr.facts.shown, "role": fr.role, "unit": fr.unit, "note": fr.note,
            "evidence": [{"source": e.source, "text": e.text, "unit": e.unit,
                          "candidates": list(e.candidates)}
                         for e in (fr.verdict.evidence if fr.verdict else ())]}


def view_json(view: CountyView, *, counted: bool = False) -> dict[str, Any]:
    """The per-unit view for ``validate --format json`` (keys added beside "files")."""
    units = []
    for u in view.ordered():
        f = u.facts
        ly = f.last_year if f else None
        units.append({
            "unit": u.name, "listed": u.listed, "code": u.unit.code if u.unit else None,
            "type": u.kind, "status": u.status, "counted": u.counted if counted else None,
            "errors": u.errors, "warnings": u.warnings, "explained": u.explained,
            "file": f.shown if f else None, "identified_by": u.identified_by,
            "other_files": [r.facts.shown for r in u.others],
            "previous_file": ly.file if ly is not None else None,
            "note": u.note,
        })
    return {"year": view.year, "units": units,
            "conflicts": [_file_json(fr) for fr in view.files if fr.role == FILE_CONFLICT],
            "file_units": [_file_json(fr) for fr in view.files]}

"""Where the rows and columns of a table went: one structural change, one note.

Excel, WPS and LibreOffice move a workbook's defined names when a clerk inserts or deletes
rows or columns, and a name whose cell was deleted reads #REF!. The reader knows each value
cell's standard place (``layout``) and, by its name, its place now. This module turns that
into a map of the table's printed lines (rows, columns):

- a line with value cells moved by what most of its named cells moved by; it was deleted when
  all of them read #REF!;
- a line with labels only (header rows, the label columns), or whose cells have no names (a
  copied sheet, values handed over by xlwings), is where its labels now stand, between what
  its neighbours moved by; it was deleted when its labels stand nowhere and lines were removed
  around it;
- from the map: which lines were inserted (after which printed line) or deleted.

One change is then one note with what it blocks, instead of a note for every label, merge
and cell that moved along; labels and merges are checked where the change put them, and
cells without names are read where their line now is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .a1 import column_letter
from .layout import GRID_TOP
from .spec import FormatSpec, GridCell, SectionSpec
from .text import normalise_label

WINDOW = 3  # lines a table without any named cell is looked for around where it was


@dataclass
class Axis:
    """One direction of a table: its printed lines (sheet rows or columns) and where they are."""

    kind: str  # "row" or "col"
    lines: list[int]  # standard indices (1-based)
    offset: dict[int, int | None] = field(default_factory=dict)  # None: deleted

    def now(self, line: int) -> int | None:
        o = self.offset.get(line, 0)
        return None if o is None else line + o

    def span(self, first: int, last: int) -> tuple[int, int] | None:
        """Where a run of lines (a merged range's) now starts and ends, or None if all deleted."""
        kept = [self.now(i) for i in range(first, last + 1) if self.now(i) is not None]
        return (kept[0], kept[-1]) if kept else None

    def changes(self) -> list[Change]:
        """Insertions and deletions, in order: what the offsets say happened between lines."""
        out: list[Change] = []
        before, shift, gone = self.lines[0] - 1, 0, []
        for line in self.lines:
            o = self.offset.get(line, 0)
            if o is None:
                gone.append(line)
                continue
            if gone:
                out.append(Change(self.kind, "delete", before, tuple(gone), before + shift + 1))
            added = o - shift + len(gone)
            if added > 0:
                out.append(Change(self.kind, "insert", before, (), line + o - added, added))
            elif added < 0:  # lines removed that nothing could name
                out.append(Change(self.kind, "delete", before, (), before + shift + 1, -added))
            before, shift, gone = line, o, []
        if gone:
            out.append(Change(self.kind, "delete", before, tuple(gone), before + shift + 1))
        return out


@dataclass(frozen=True)
class Change:
    axis: str  # "row" or "col"
    what: str  # "insert" or "delete"
    after: int  # the standard line before it (the table's first line − 1: before the table)
    lines: tuple[int, ...]  # deleted standard lines
    at: int  # the first line it concerns, as the sheet is now
    count: int = 0  # lines inserted (or deleted without a name)

    @property
    def n(self) -> int:
        return self.count or len(self.lines)


@dataclass
class Shape:
    """A table as it now stands on its sheet."""

    section: SectionSpec
    rows: Axis
    cols: Axis
    sheet: str = ""  # the sheet it stands on (its standard name, or the name it was given)
    # value ids whose name points somewhere their lines do not explain: (id, was, now)
    strays: list[tuple[str, str, str]] = field(default_factory=list)

    def place(self, row: int, col: int) -> str | None:
        r, c = self.rows.now(row), self.cols.now(col)
        return None if r is None or c is None else f"{column_letter(c)}{r}"

    def changes(self) -> list[Change]:
        return self.rows.changes() + self.cols.changes()


def grid_lines(g: GridCell) -> tuple[int, int]:
    """A grid cell's standard (row, column) on the sheet."""
    return GRID_TOP + g.r, 1 + g.c


def shape_of(section: SectionSpec, located: dict[str, tuple[int, int] | None],
             text_at: Callable[[int, int], str], sheet: str = "") -> Shape:
    """The map of one table.

    ``located``: value id → (row, column) its name points at now, or None when the name reads
    #REF!; ids without a name are absent. ``text_at(row, col)``: a cell's text on the sheet.
    """
    table = section.table
    assert table is not None
    rows = Axis("row", [GRID_TOP + r for r in range(table.n_rows)])
    cols = Axis("col", [1 + c for c in range(table.n_cols)])
    where = {g.value: grid_lines(g) for g in table.grid if g.value is not None}
    labels = [g for g in table.grid if g.value is None and g.role != "blank"]

    known_rows = _known(where, located, 0)
    known_cols = _known(where, located, 1)
    # A line all of whose cells were deleted may only seem so: deleting table 四's one value row
    # deletes a cell of every column. Such a line is decided by the other direction once that
    # is known: by its labels, or as deleted when its cells' other lines stand.
    gone = [std for cid, std in where.items() if cid in located and located[cid] is None]
    rows_seen, cols_seen = dict(known_rows), dict(known_cols)
    unsure_rows = _unsure(known_rows, cols_seen, gone, 0)
    unsure_cols = _unsure(known_cols, rows_seen, gone, 1)

    def row_score(line: int, o: int) -> int:
        return sum(1 for g in labels if grid_lines(g)[0] == line
                   and (c := cols.now(grid_lines(g)[1])) is not None
                   and normalise_label(text_at(line + o, c)) == normalise_label(g.text))

    def col_score(line: int, o: int) -> int:
        return sum(1 for g in labels if grid_lines(g)[1] == line
                   and (r := rows.now(grid_lines(g)[0])) is not None
                   and normalise_label(text_at(r, line + o)) == normalise_label(g.text))

    def has_labels(axis: int) -> Callable[[int], bool]:
        return lambda line: any(grid_lines(g)[axis] == line for g in labels)

    # the two directions depend on each other's labels: columns from rows as named, rows from
    # those columns, then columns again from the rows found
    rows.offset = dict(known_rows)
    cols.offset = _solve(cols.lines, known_cols, col_score, has_labels(1))
    for line, others in unsure_rows.items():
        if any(cols.offset.get(o) is not None for o in others):
            known_rows[line] = None
    rows.offset = _solve(rows.lines, known_rows, row_score, has_labels(0))
    for line, others in unsure_cols.items():
        if any(rows.offset.get(o) is not None for o in others):
            known_cols[line] = None
    cols.offset = _solve(cols.lines, known_cols, col_score, has_labels(1))
    shape = Shape(section, rows, cols, sheet or section.sheet)
    for cid, (r, c) in where.items():
        now = located.get(cid)
        if now is not None and (rows.now(r), cols.now(c)) != now:
            shape.strays.append((cid, f"{column_letter(c)}{r}", f"{column_letter(now[1])}{now[0]}"))
    return shape


def _known(where: dict[str, tuple[int, int]], located: dict[str, tuple[int, int] | None],
           axis: int) -> dict[int, int | None]:
    """Offsets of the lines whose value cells have names: what most of them moved by, or None
    when every named cell of the line was deleted."""
    moves: dict[int, list[int | None]] = {}
    for cid, std in where.items():
        if cid in located:
            now = located[cid]
            moves.setdefault(std[axis], []).append(None if now is None else now[axis] - std[axis])
    out: dict[int, int | None] = {}
    for line, seen in moves.items():
        present = [m for m in seen if m is not None]
        if not present:
            out[line] = None
        else:
            counts = Counter(present)
            out[line] = max(sorted(counts, key=abs), key=lambda m: counts[m])
    return out


def _unsure(known: dict[int, int | None], other: dict[int, int | None], gone: list[tuple[int, int]],
            axis: int) -> dict[int, list[int]]:
    """Lines that seem deleted only because the other direction's lines were (taken out of
    ``known``), each with those other lines."""
    out: dict[int, list[int]] = {}
    for line, o in list(known.items()):
        if o is not None:
            continue
        others = [std[1 - axis] for std in gone if std[axis] == line]
        if all(other.get(x, 0) is None for x in others):
            out[line] = others
            del known[line]
    return out


def _solve(lines: list[int], known: dict[int, int | None], score: Callable[[int, int], int],
           has_labels: Callable[[int], bool]) -> dict[int, int | None]:
    """Every line's offset: the known ones as they are, the others where their labels stand."""
    anchors = [line for line in lines if known.get(line) is not None]
    out: dict[int, int | None] = {}
    prev = 0  # nothing above or left of the table moved unless its lines say so
    for line in lines:
        if line in known:
            out[line] = known[line]
            if known[line] is not None:
                prev = known[line]
            continue
        nxt = next((known[a] for a in anchors if a > line), None)
        if nxt is not None:
            window = range(min(prev, nxt), max(prev, nxt) + 1)
        else:
            window = range(prev - WINDOW, prev + WINDOW + 1) if not anchors else range(prev, prev + 1)
        candidates = sorted(window, key=lambda o: (abs(o - prev), abs(o - (nxt if nxt is not None else prev))))
        scored = [(score(line, o), -i, o) for i, o in enumerate(candidates)]
        best = max(scored) if scored else (0, 0, prev)
        if best[0] > 0:
            out[line] = prev = best[2]
        elif nxt is not None and nxt < prev and has_labels(line):
            out[line] = None  # its labels are nowhere, and lines were removed around it
        else:
            out[line] = prev  # still here, with other labels (reported as changed labels)
    return out


# ------------------------------------------------------------------ words
def table_name(section: SectionSpec) -> str:
    return f"表{section.number}"


def describe_line(spec: FormatSpec, section: SectionSpec, axis: str, line: int) -> str:
    """A standard line in words: "第 12 行（…3.危及“三安全一稳定”）", "E 列（法人或其他组织 商业企业）"."""
    table = section.table
    assert table is not None
    index = 0 if axis == "row" else 1
    values = [g.value for g in table.grid if g.value is not None and grid_lines(g)[index] == line]
    if values:
        said = dict.fromkeys(spec.value_cell(v).row_label if axis == "row" else spec.value_cell(v).col_label
                             for v in values)
        words = next(iter(said)) if len(said) == 1 else "各项数字"
    else:
        texts = [g.text for g in table.grid if g.value is None and grid_lines(g)[index] == line and g.text]
        words = "、".join(texts[:3]) + ("等" if len(texts) > 3 else "") if axis == "row" else "行标题"
    where = f"第 {line} 行" if axis == "row" else f"{column_letter(line)} 列"
    return f"{where}（{words}）" if words else where


def _unit(axis: str) -> str:
    return "行" if axis == "row" else "列"


def change_words(spec: FormatSpec, shape: Shape, change: Change, lost: list[str],
                 filled: int) -> tuple[str, str, str, str]:
    """(message, cell, expected, actual) of the note for one change.

    ``lost``: the value ids the change deleted; ``filled``: cells with content in inserted lines.
    """
    section = shape.section
    name, unit = table_name(section), _unit(change.axis)
    top_row = shape.rows.now(shape.rows.lines[0]) or shape.rows.lines[0]
    first_col = shape.cols.now(shape.cols.lines[0]) or shape.cols.lines[0]
    cell = (f"{column_letter(first_col)}{change.at}" if change.axis == "row"
            else f"{column_letter(change.at)}{top_row}")
    now = f"第 {change.at} 行" if change.axis == "row" else f"{column_letter(change.at)} 列"
    if change.n > 1:
        last = change.at + change.n - 1
        now += f"至第 {last} 行" if change.axis == "row" else f"至 {column_letter(last)} 列"
    if change.what == "insert":
        if change.after < (shape.rows.lines if change.axis == "row" else shape.cols.lines)[0]:
            where = f"{name}{'上方' if change.axis == 'row' else '左侧'}"
        else:
            where = f"{name}{' ' if change.axis == 'col' else ''}" \
                    f"{describe_line(spec, section, change.axis, change.after)}后"
        blocks = f"表格须与国家格式一致，请删除插入的{unit}。表中数字仍能正确读取，其余检查照常进行"
        if filled:
            blocks += f"；插入的{unit}中有 {filled} 个单元格填了内容，它们不属于报告，不会读取，也不计入报告的数字"
        message = f"{where}插入了 {change.n} {unit}（现在的{' ' if change.axis == 'col' else ''}{now}）：{blocks}。"
        return message, cell, "无", f"插入 {change.n} {unit}"
    # a deletion
    if change.lines:
        which = "、".join(describe_line(spec, section, change.axis, line) for line in change.lines)
        message = f"{name}{' ' if change.axis == 'col' else ''}{which}被删除了"
        expected = "、".join((f"第 {line} 行" if change.axis == "row" else f"{column_letter(line)} 列")
                             for line in change.lines)
    else:
        message = f"{name}中有 {change.n} {unit}被删除了（在现在的{now}处）"
        expected = f"{change.n} {unit}"
    if lost:
        relations = "、".join(dict.fromkeys(i.spec.name for i in spec.identities
                                            if set(lost) & set(i.lhs + i.rhs)))
        these = f"这一{unit}" if change.n == 1 else f"这些{unit}"
        message += (f"：{these}的 {len(lost)} 个数字随之删除，无法读取"
                    + (f"，涉及它们的{relations}无法核对" if relations else "")
                    + "。请撤销删除；已经保存的，请在县里下发的原工作簿（或 giar-xl template 重新生成的工作簿）"
                      "中重新填写。")
    else:
        message += "：表头不完整。请撤销删除。"
    return message, cell, expected, "已删除"


def content_in(shape: Shape, change: Change, text_at: Callable[[int, int], str]) -> int:
    """Cells with content in the lines a change inserted, within the table's other extent."""
    if change.what != "insert":
        return 0
    inserted = range(change.at, change.at + change.n)
    if change.axis == "row":
        across = [c for c in (shape.cols.now(x) for x in shape.cols.lines) if c is not None]
        return sum(1 for r in inserted for c in across if text_at(r, c).strip())
    down = [r for r in (shape.rows.now(x) for x in shape.rows.lines) if r is not None]
    return sum(1 for c in inserted for r in down if text_at(r, c).strip())

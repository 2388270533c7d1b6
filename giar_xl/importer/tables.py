"""Match the rows of published tables to the spec's tables 二–四, by their printed labels.

Rows are found by label, never by position: a row's label is the rightmost
cell that names a row of the format (``GridCell`` role ``label``), and the
cells after it are its values, in the format's column order. Copied text has
no row or column spans, so the same rule serves HTML and text. The one row
without a label (table 四's numbers) is taken when the table 四 headers came
just before it. Anything that cannot be placed becomes an import note.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from ..report import RawValue
from ..spec import FormatSpec, TableSpec
from .document import Row, TableBlock, has_digit, is_value_like, norm, note, parse_value

ERROR, HINT = "错误", "提示"
_NUMBERING = re.compile(r"^(\d+\.|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)")


@dataclass(frozen=True)
class RowSpec:
    table: str
    order: int  # position among the table's value rows
    label: str  # as printed; "" for table 四's unlabelled row
    ids: tuple[str, ...]  # value ids in column order


@dataclass
class SpecIndex:
    rows: list[RowSpec]
    by_label: dict[str, RowSpec]  # norm(label) → row
    vocab: dict[str, set[str]]  # norm(header/title/note/group text) → tables printing it
    groups: dict[str, str]  # norm(group label) → table
    group_rows: dict[str, set[tuple[str, int]]]  # norm(group label) → the value rows it spans
    headers: dict[str, list[str]]  # table → its header texts (normalised) in reading order
    markers_2019: tuple[str, ...]

    @classmethod
    def of(cls, spec: FormatSpec) -> SpecIndex:
        rows, vocab, groups, headers, group_rows = [], {}, {}, {}, {}
        for t in spec.tables:
            headers[t.key] = []
            specs = _row_specs(t)
            grid_row_of = {r.ids[0]: g.r for r in specs for g in t.grid if g.value == r.ids[0]}
            for g in sorted(t.grid, key=lambda g: (g.r, g.c)):
                if g.role in ("header", "title", "note", "group") and g.text:
                    vocab.setdefault(norm(g.text), set()).add(t.key)
                if g.role == "group":
                    groups[norm(g.text)] = t.key
                    group_rows[norm(g.text)] = {(t.key, r.order) for r in specs
                                                if g.r <= grid_row_of[r.ids[0]] < g.r + g.rowspan}
                if g.role in ("header", "title"):
                    headers[t.key].append(norm(g.text))
            rows += specs
        return cls(rows, {norm(r.label): r for r in rows if r.label}, vocab, groups, group_rows,
                   headers, tuple(norm(m) for m in spec.markers_2019))


def _row_specs(t: TableSpec) -> list[RowSpec]:
    out = []
    for r in range(t.n_rows):
        cells = sorted((g for g in t.grid if g.r == r), key=lambda g: g.c)
        ids = tuple(g.value for g in cells if g.value)
        if ids:
            labels = [g.text for g in cells if g.role == "label"]
            out.append(RowSpec(t.key, len(out), labels[-1] if labels else "", ids))
    return out


def _strip_numbering(s: str) -> str:
    return _NUMBERING.sub("", s)


def fuzzy_label(index: SpecIndex, s: str) -> RowSpec | None:
    """A row label written a little differently ("规范性文件", "1、属于国家秘密（件）")."""
    if not s or s in index.vocab:
        return None
    core = _strip_numbering(s)
    hits = [r for k, r in index.by_label.items() if _strip_numbering(k) == core]
    if not hits and len(core) >= 4:
        hits = [r for k, r in index.by_label.items()
                if len(_strip_numbering(k)) >= 4 and (_strip_numbering(k) in core
                                                      or core in _strip_numbering(k))]
    if not hits:
        scored = sorted(((difflib.SequenceMatcher(None, core, _strip_numbering(k)).ratio(), r)
                         for k, r in index.by_label.items()), key=lambda x: -x[0])
        if scored and scored[0][0] >= 0.8 and (len(scored) < 2 or scored[1][0] < scored[0][0]):
            hits = [scored[0][1]]
    return hits[0] if len(hits) == 1 else None


def _vocab_of(index: SpecIndex, s: str) -> set[str] | None:
    if s in index.vocab:
        return index.vocab[s]
    # a header written slightly differently (the 2019 note says 钩稽 for 勾稽)
    best = difflib.get_close_matches(s, list(index.vocab), n=1, cutoff=0.85) if len(s) >= 4 else []
    return index.vocab[best[0]] if best else None


@dataclass
class TableReader:
    """Reads rows one after another, across all table blocks of the document."""

    spec: FormatSpec
    index: SpecIndex = field(init=False)
    placed: dict[str, tuple[RawValue, str]] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)
    seen_headers: dict[str, list[str]] = field(default_factory=dict)
    matched_rows: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    attempted: set[tuple[str, int]] = field(default_factory=set)  # found but not placeable
    is_2019: bool = False
    unordered: set[str] = field(default_factory=set)  # tables whose headers came unordered
    _context: str | None = None
    _ordered: bool = True

    def __post_init__(self) -> None:
        self.index = SpecIndex.of(self.spec)
        self._label_keys = tuple(sorted({*self.index.by_label, *self.index.vocab, *self.index.markers_2019}))

    def table_name(self, key: str) -> str:
        return f"表{self.spec.section_of_table(key).number}"  # "表三", as clerks call it

    def is_report_table(self, texts: list[str]) -> bool:
        """Does a table mention any label of tables 二–四 (else it is page layout)?"""
        keys = {norm(t) for t in texts}
        return any(k in self.index.by_label or k in self.index.vocab for k in keys)

    def is_label_start(self, s: str) -> bool:
        """Is the normalised text ``s`` the start of a label, header or note the format prints?

        A label wrapped over several lines of a borderless PDF table is joined
        while the pieces together still begin one (``pdf_unruled``).
        """
        return any(k.startswith(s) for k in self._label_keys)

    def is_header(self, s: str) -> bool:
        """A header or block title of tables 二–四 (not a row label or group)."""
        return s in self.index.vocab and s not in self.index.groups and s not in self.index.by_label

    def rows_from_cells(self, paras: list) -> TableBlock:
        """Rebuild rows from a table copied with one cell per line and no tabs at all.

        A row starts at a label after a number, and at a number after headers
        (table 四's numbers follow its headers directly).
        """
        rows: list[Row] = []
        prev = None  # "value", "header" or "label" for the cell before
        for para in paras:
            s = norm(para.text)
            kind = ("value" if is_value_like(para.text) else
                    "header" if s in self.index.vocab and s not in self.index.groups else "label")
            if not rows or (kind != "value" and prev == "value") or (kind == "value" and prev == "header"):
                rows.append(Row([], para.pos))
            rows[-1].cells.append(para.text)
            prev = kind
        return TableBlock(rows, paras[0].pos if paras else "")

    # ---------------------------------------------------------------- reading
    def read(self, block: TableBlock, section_table: str | None) -> None:
        if section_table:
            self._context = section_table
        self._ordered = block.ordered_headers
        for row in block.rows:
            self._row(row)
        self._ordered = True

    def _row(self, row: Row) -> None:
        cells = [c or "" for c in row.cells]
        normed = [norm(c) for c in cells]
        if any(m in c for c in normed for m in self.index.markers_2019 if c):
            self._mark_2019(row)
        idx = self.index
        # the label is the rightmost cell the format prints; cells after it are values,
        # even when one reads "10件" (kept as text for the checker, not taken for a label)
        known = next((i for i in range(len(cells) - 1, -1, -1) if normed[i] and (
            normed[i] in idx.by_label or normed[i] in idx.groups or normed[i] in idx.vocab)), None)
        plain = next((i for i in range(len(cells) - 1, -1, -1) if not is_value_like(cells[i])), None)
        if plain is None:
            if any(normed):
                self._unlabelled(row, cells)
            return
        guess = None
        if known is None or plain > known:
            guess = fuzzy_label(idx, normed[plain])
        if guess is not None:
            if self.is_2019 and guess.table == "t2":
                return  # the 2019 table 二 is refused as a whole
            self.notes.append(note(HINT, row.pos, f"行标签“{cells[plain].strip()}”与标准格式不完全一致，"
                                   f"按“{guess.label}”读取。"))
            self._place(guess, cells[plain + 1:], row)
            return
        if known is None:
            self._headers(row, normed)
            if _vocab_of(idx, normed[plain]) is not None:
                return
            self._unknown(row, cells)
            return
        key, values = normed[known], cells[known + 1:]
        if key in idx.by_label:
            self._headers(row, normed[:known])  # a block title or header on the same line
            self._place(idx.by_label[key], values, row)
        elif key in idx.groups:
            self._context = idx.groups[key]
            if any(v.strip() for v in values):
                # its own rows are absent then (a 2019 table 三): that note covers them
                self.attempted |= idx.group_rows[key]
                self.notes.append(note(ERROR, row.pos, f"“{cells[known].strip()}”是分组标题，2021 年版格式"
                                       "中这一行不填数字，这里却有数字（2019 年版格式的表三如此），未导入。"))
        else:
            self._headers(row, normed)

    def _unknown(self, row: Row, cells: list[str]) -> None:
        text = " | ".join(c.strip() for c in cells if c.strip())
        if self.is_2019 and self._context == "t2":
            return  # rows of the refused 2019 table 二 (其他对外管理服务事项, 政府集中采购 …)
        if has_digit(text):
            self.notes.append(note(ERROR, row.pos, f"表格中这一行无法对应到标准格式的任何一行，其中的数字未导入：{text[:80]}"))
        else:
            self.notes.append(note(HINT, row.pos, f"表格中有未识别的内容，未导入：{text[:80]}"))

    def _headers(self, row: Row, normed: list[str]) -> None:
        for s in normed:
            tables = _vocab_of(self.index, s) if s else None
            if not tables:
                continue
            if len(tables) == 1:
                self._context = next(iter(tables))
            if self._context in tables:
                if not self._ordered:
                    self.unordered.add(self._context)
                self.seen_headers.setdefault(self._context, []).append(
                    s if s in self.index.vocab else difflib.get_close_matches(
                        s, list(self.index.vocab), n=1, cutoff=0.85)[0])

    def _unlabelled(self, row: Row, cells: list[str]) -> None:
        target = next((r for r in self.index.rows if not r.label and r.table == self._context), None)
        if target is None:
            text = " | ".join(c.strip() for c in cells if c.strip())
            self.notes.append(note(ERROR, row.pos, f"这一行只有数字、没有行标签，无法确定属于哪一行，未导入：{text[:80]}"))
            return
        self._place(target, cells, row)

    def _place(self, target: RowSpec, values: list[str], row: Row) -> None:
        self._context = target.table
        if self.is_2019 and target.table == "t2":
            return  # the 2019 table 二 is refused as a whole (see _mark_2019)
        n = len(target.ids)
        while len(values) > n and not values[-1].strip():
            values = values[:-1]  # empty padding cells at the end of a row
        name = f"{self.table_name(target.table)}“{target.label}”行" if target.label else \
            f"{self.table_name(target.table)}数字行"
        if len(values) != n:
            self.attempted.add((target.table, target.order))
            self.notes.append(note(ERROR, row.pos, f"{name}应有 {n} 个数，实有 {len(values)} 个，"
                                   "无法确定每个数属于哪一列，这一行未导入。"))
            return
        parsed = [parse_value(text) for text in values]
        first = self.placed.get(target.ids[0])
        if first is not None:
            if [self.placed[cid][0] for cid in target.ids] != parsed:
                self.notes.append(note(ERROR, row.pos, f"{name}重复出现且数字不同，保留{first[1]}"
                                       "的数字，这一行未导入。"))
            return
        self.matched_rows.setdefault(target.table, []).append((target.order, row.pos))
        for cid, value in zip(target.ids, parsed):
            self.placed[cid] = (value, row.pos)

    def _mark_2019(self, row: Row) -> None:
        if not self.is_2019:
            self.is_2019 = True
            self.notes.append(note(ERROR, row.pos, "这是 2019 年版格式（国办公开办函〔2019〕60号）的表格："
                                   "表二的栏目与 2021 年版不同，不能按 2021 年版读取。"))

    # ---------------------------------------------------------------- results
    def finish(self) -> dict[str, RawValue]:
        """Check what was read against the spec and return the values (None where unknown)."""
        values: dict[str, RawValue] = {c.id: None for c in self.spec.value_cells}
        for t in self.spec.tables:
            name = self.table_name(t.key)
            if self.is_2019 and t.key == "t2":
                continue  # 2019 columns mean other things: nothing of it is a 2021 number
            if not self._headers_ok(t):
                continue
            rows = self.matched_rows.get(t.key, [])
            # a table whose rows were all found but unplaceable is not "not found"
            if not rows and not any(key == t.key for key, _ in self.attempted):
                self.notes.append(note(ERROR, t.title, f"未找到{name}（{t.title}）的数据行，{name}全部为空"
                                       "（网页上的表格若是图片，无法导入，请在工作簿中填写）。"))
                continue
            orders = [o for o, _ in rows]
            if orders != sorted(orders):
                bad = next(pos for (o, pos), prev in zip(rows[1:], orders) if o < prev)
                self.notes.append(note(HINT, bad, f"{name}的行顺序与标准格式不同（已按行标签逐行读取）。"))
            done = set(orders)
            for r in self.index.rows:
                if r.table == t.key and r.order not in done and (r.table, r.order) not in self.attempted:
                    label = r.label or "数字行"
                    self.notes.append(note(ERROR, t.title, f"{name}缺少“{label}”行，该行的数字为空。"))
            for cid, (value, _) in self.placed.items():
                if cid.startswith(t.key + "."):
                    values[cid] = value
        return values

    def _headers_ok(self, t: TableSpec) -> bool:
        expected, found = self.index.headers[t.key], self.seen_headers.get(t.key, [])
        found = [s for s in found if s in set(expected)]
        if found == expected:
            return True
        if not found:
            if self.matched_rows.get(t.key):
                self.notes.append(note(HINT, t.title, f"{self.table_name(t.key)}没有表头，"
                                       "数字按标准格式的列顺序读取。"))
            return True
        if Counter(found) == Counter(expected) and t.key in self.unordered:
            self.notes.append(note(HINT, t.title, f"{self.table_name(t.key)}是没有边框线的表格，"
                                   "列标题的先后无法从版面核对，数字按标准格式的列顺序读取，请核对。"))
            return True
        if Counter(found) == Counter(expected):
            self.notes.append(note(ERROR, t.title, f"{self.table_name(t.key)}的列标题顺序与标准格式不同，"
                                   "无法确定每个数属于哪一列，这张表未导入。"))
            return False
        missing = list((Counter(expected) - Counter(found)).elements())
        if missing and not self.is_2019:
            self.notes.append(note(HINT, t.title, f"{self.table_name(t.key)}的表头缺少："
                                   + "、".join(dict.fromkeys(missing)) + "（数字按标准格式的列顺序读取）。"))
        return True

"""The officer's word on whose a file is: the 对应表 (``--mapping 对应表.csv``).

A file whose clues disagree is counted for no one (``identity.weigh``). The officer
looks at the conflict list, decides, and writes one line per file:

    文件,单位,处理,说明
    应急管理局.xlsx,测试县应急管理局,,数字是应急管理局的，封面抄错了
    北岭乡.xlsx,测试县北岭乡人民政府,退回,交来的是城关镇的工作簿
    测试.xlsx,,不计入,

处理: empty or 计入 — the file is that unit's report; 退回 — it is the unit's, but it
must send a new one (需重报), nothing is counted; 不计入 — the file is set aside.
The same file read as CSV (UTF-8 or GBK) or .xlsx, like the units list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GiarError
from .identity import UnitIndex
from .units import find_column, read_table, unit_key

COUNT, RETURN, EXCLUDE = "计入", "退回", "不计入"
ACTION_WORDS = {
    "": COUNT, "计入": COUNT, "对应": COUNT, "是": COUNT, "采用": COUNT,
    "退回": RETURN, "需重报": RETURN, "重报": RETURN, "退回重报": RETURN,
    "不计入": EXCLUDE, "排除": EXCLUDE, "忽略": EXCLUDE, "作废": EXCLUDE, "否": EXCLUDE,
}
FILE_HEADERS = ("文件", "文件名", "文件名称")
UNIT_HEADERS = ("单位", "单位名称", "机关名称", "应为单位")
ACTION_HEADERS = ("处理", "处理方式", "操作")
REASON_HEADERS = ("说明", "原因", "备注", "退回原因")
TEMPLATE_HEADER = ("文件", "单位", "处理", "说明")


@dataclass(frozen=True)
class Decision:
    row: int  # row in the 对应表 as Excel shows it
    file: str  # as the officer wrote it
    unit: str | None  # the listed unit (None for 不计入)
    action: str  # COUNT, RETURN or EXCLUDE
    reason: str = ""

    def describe(self) -> str:
        said = {COUNT: f"计入{self.unit}", RETURN: f"{self.unit}需重报",
                EXCLUDE: "不计入"}[self.action]
        return f"对应表第 {self.row} 行：{said}" + (f"（{self.reason}）" if self.reason else "")


def _file_key(text: str) -> str:
    return unit_key(text.replace("\\", "/").rsplit("/", 1)[-1])


@dataclass
class Mapping:
    decisions: list[Decision]
    file: str = ""
    used: set[int] = field(default_factory=set)

    def for_file(self, path: str | Path) -> Decision | None:
        p = str(path).replace("\\", "/")
        for d in self.decisions:
            wanted = d.file.replace("\\", "/")
            # a path in the table ("乡镇/城关镇.xlsx") must match its end; a bare name, the name
            if ("/" in wanted and unit_key(p).endswith(unit_key(wanted))) or \
                    ("/" not in wanted and _file_key(p) == _file_key(wanted)):
                self.used.add(d.row)
                return d
        return None

    def unused(self) -> list[Decision]:
        return [d for d in self.decisions if d.row not in self.used]


def read_mapping(path: str | Path, index: UnitIndex) -> Mapping:
    p = Path(path)
    rows = [[c.strip().strip("\u3000") for c in r] for r in read_table(p, "对应表")]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise GiarError("对应表是空的。第 1 行写表头“文件,单位,处理,说明”，以后每行一个文件。", file=str(p))
    header = rows[0]
    fcol, ucol = find_column(header, FILE_HEADERS), find_column(header, UNIT_HEADERS)
    acol, rcol = find_column(header, ACTION_HEADERS), find_column(header, REASON_HEADERS)
    if fcol is None or ucol is None:
        raise GiarError("对应表第 1 行应有“文件”和“单位”两列（可另有“处理”“说明”列）。", file=str(p))
    out: list[Decision] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows[1:], start=2):
        def col(c: int | None) -> str:
            return row[c] if c is not None and c < len(row) else ""

        if not any(row):
            continue
        file, unit_text, action_text, reason = col(fcol), col(ucol), col(acol), col(rcol)
        if not file:
            raise GiarError(f"对应表第 {i} 行没有写文件名。", file=str(p))
        if _file_key(file) in seen:
            raise GiarError(f"对应表第 {i} 行的文件“{file}”与第 {seen[_file_key(file)]} 行重复。", file=str(p))
        seen[_file_key(file)] = i
        action = ACTION_WORDS.get(unit_key(action_text))
        if action is None:
            raise GiarError(f"对应表第 {i} 行的处理“{action_text}”无法识别：可填“计入”（或留空）、“退回”、"
                            "“不计入”。", file=str(p))
        unit = None
        if unit_text:
            unit, candidates = index.lookup(unit_text)
            if unit is None:
                more = f"（可能是 {'、'.join(candidates)}，请写全称）" if candidates else \
                    "，请按单位名单写单位名称"
                raise GiarError(f"对应表第 {i} 行的单位“{unit_text}”不在单位名单中{more}。", file=str(p))
        elif action != EXCLUDE:
            raise GiarError(f"对应表第 {i} 行没有写单位。文件不属于任何单位时，处理填“不计入”。", file=str(p))
        out.append(Decision(i, file, unit, action, reason))
    return Mapping(out, str(p))

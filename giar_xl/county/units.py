"""The list of reporting units, and file names made safely from their names.

The county keeps the list in Excel. Saved as CSV on Chinese Windows it is GBK
(Excel's "CSV (逗号分隔)"), UTF-8 with a BOM ("CSV UTF-8"), or UTF-16 with tabs
("Unicode 文本"); all of them are read, and so is the .xlsx itself.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import GiarError, UnreadableInput, os_reason

# header words recognised in the first row (compared after unit_key normalisation)
NAME_HEADERS = ("单位名称", "机关名称", "单位", "名称", "报送单位", "填报单位", "部门名称")
CODE_HEADERS = ("单位编码", "单位代码", "编码", "代码", "编号")
PREVIOUS_HEADERS = ("上年名称", "上年单位名称", "原名称", "原单位名称", "曾用名")
MAX_UNITS = 20_000  # far above any county; a larger list is the wrong file

# Windows forbids these in file names; control characters are forbidden everywhere
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_CHARS = 80  # leaves room for the folder in Windows' 260-character path limit
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Unit:
    """One unit of the county's list."""

    name: str
    row: int  # row in the units file as Excel shows it (1-based, header included)
    code: str | None = None
    previous_name: str | None = None  # the unit's name in last year's report, if renamed


def unit_key(name: str | None) -> str:
    """Names compared loosely: full/half width, spaces and letter case do not count."""
    t = unicodedata.normalize("NFKC", name or "")
    return _SPACES.sub("", t).casefold()


def safe_filename(name: str) -> str:
    """A file-name stem from a unit's name that every Windows and Unix file system accepts."""
    t = _FORBIDDEN.sub("", unicodedata.normalize("NFC", name))
    t = t.strip().strip(". \u3000")  # Windows drops trailing dots/spaces; leading dots hide files
    if len(t) > MAX_NAME_CHARS:
        t = t[:MAX_NAME_CHARS].rstrip(". \u3000")
    if t.split(".")[0].strip().upper() in _RESERVED:
        t = "_" + t  # "CON.xlsx" cannot be created on Windows, "_CON.xlsx" can
    return t


def assign_filenames(units: list[Unit], suffix: str = ".xlsx") -> dict[str, str]:
    """unit name → file name, unique even on case-insensitive file systems."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for u in units:
        stem = safe_filename(u.name) or f"单位{u.row}"
        if stem.casefold() in taken:
            # two names that differ only in forbidden characters or letter case
            stem = f"{stem}（第{u.row}行）"
        taken.add(stem.casefold())
        out[u.name] = stem + suffix
    return out


# ------------------------------------------------------------------ reading
def read_units(path: str | Path) -> list[Unit]:
    p = Path(path)
    if not p.exists():
        raise UnreadableInput("单位名单文件不存在。", file=str(p))
    if p.is_dir():
        raise UnreadableInput("单位名单应是一个 CSV 或 .xlsx 文件，这是一个文件夹。", file=str(p))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(p)
    elif suffix in (".csv", ".txt", ""):
        rows = _csv_rows(p)
    elif suffix in (".xls", ".et"):
        raise UnreadableInput("单位名单是旧版 .xls/.et 文件，请在 Excel 或 WPS 中“另存为”.xlsx 或 CSV 后再用。",
                              file=str(p))
    else:
        raise UnreadableInput("单位名单应是 CSV（.csv）或 Excel（.xlsx）文件。", file=str(p))
    return parse_rows(rows, str(p))


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK (GB18030, its superset)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableInput("无法识别单位名单的文字编码（应为 UTF-8 或 GBK）。请在 Excel 中“另存为”"
                              "“CSV UTF-8（逗号分隔）”后再试。", file=file) from None


def _csv_rows(p: Path) -> list[list[str]]:
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise UnreadableInput(f"无法读取（{os_reason(e)}）。", file=str(p)) from None
    if raw.startswith(b"PK\x03\x04"):
        return _xlsx_rows(p)  # an .xlsx renamed to .csv
    text = decode_text(raw, str(p))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as e:
        raise UnreadableInput(f"CSV 格式有误：{e}", file=str(p)) from None


def _xlsx_rows(p: Path) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
        raise UnreadableInput(f"无法作为 .xlsx 工作簿打开（{type(e).__name__}），请重新保存后再试。",
                              file=str(p)) from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for values in ws.iter_rows(values_only=True):
            rows.append(["" if v is None else _cell_text(v) for v in values])
            if len(rows) > MAX_UNITS + 1:
                break
        return rows
    finally:
        wb.close()


def _cell_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a code typed as a number: 1001, not 1001.0
    return str(v)


def _find(header: list[str], words: tuple[str, ...]) -> int | None:
    keys = [unit_key(h) for h in header]
    for w in words:
        if unit_key(w) in keys:
            return keys.index(unit_key(w))
    return None


def parse_rows(rows: list[list[str]], file: str) -> list[Unit]:
    rows = [[c.strip().strip("\u3000") for c in r] for r in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise GiarError("单位名单是空的。每行写一个单位名称（可带表头“单位名称”）。", file=file)
    header = rows[0]
    name_col = _find(header, NAME_HEADERS)
    if name_col is None:
        if max(len([c for c in r if c]) for r in rows) > 1:
            raise GiarError(f"第 1 行没有找到“{NAME_HEADERS[0]}”列。有多列时请在第 1 行写表头，"
                            f"名称列用“{NAME_HEADERS[0]}”或“{NAME_HEADERS[1]}”。", file=file)
        start, name_col, code_col, prev_col = 0, 0, None, None
    else:
        start = 1
        code_col, prev_col = _find(header, CODE_HEADERS), _find(header, PREVIOUS_HEADERS)
    if len(rows) - start > MAX_UNITS:
        raise GiarError(f"单位名单超过 {MAX_UNITS} 行，不像是单位名单。", file=file)
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for i in range(start, len(rows)):
        row, n = rows[i], i + 1

        def col(c: int | None) -> str | None:
            return (row[c] or None) if c is not None and c < len(row) else None

        if not any(row):
            continue  # a blank line in the middle is layout, not a unit
        name = col(name_col)
        if not name:
            rest = "、".join(c for c in row if c)
            raise GiarError(f"第 {n} 行的单位名称为空（该行其他内容：{rest}）。请填写名称或删除该行。",
                            file=file)
        key = unit_key(name)
        if key in seen:
            raise GiarError(f"第 {n} 行的单位名称“{name}”与第 {seen[key]} 行重复。每个单位只能出现一次。",
                            file=file)
        seen[key] = n
        units.append(Unit(name=_SPACES.sub(" ", name), row=n, code=col(code_col),
                          previous_name=col(prev_col)))
    if not units:
        raise GiarError("单位名单只有表头，没有单位。", file=file)
    return units

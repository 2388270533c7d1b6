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
KIND_HEADERS = ("单位类型", "类型", "单位类别", "类别", "分类")
ALIAS_HEADERS = ("别名", "简称", "其他名称", "又称")
CONTACT_HEADERS = ("联系人", "经办人", "填报人")
PHONE_HEADERS = ("联系电话", "电话", "手机", "联系方式")
# several aliases in one cell: 、，,；; or / between them
_ALIAS_SPLIT = re.compile(r"[、，,；;/|]+")
MAX_UNITS = 20_000  # far above any county; a larger list is the wrong file

# Windows forbids these in file names; control characters are forbidden everywhere
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_CHARS = 80  # leaves room for the folder in Windows' 260-character path limit
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of the county's list."""

    name: str
    row: int  # row in the units file as Excel shows it (1-based, header included)
    code: str | None = None
    previous_name: str | None = None  # the unit's name in last year's report, if renamed
    kind: str | None = None  # 单位类型 (乡镇, 街道, 县直部门…): the subtotals of the summary
    aliases: tuple[str, ...] = ()  # other names the unit signs with (简称, old names…)
    contact: str | None = None  # 联系人
    phone: str | None = None  # 联系电话

    @property
    def contact_line(self) -> str:
        return " ".join(x for x in (self.contact, self.phone) if x)


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
    return parse_rows(read_table(p, "单位名单"), str(p))


def read_table(p: Path, what: str) -> list[list[str]]:
    """The rows of a small table the county keeps in Excel (units list, 对应表): CSV or .xlsx."""
    if not p.exists():
        raise UnreadableInput(f"{what}文件不存在。", file=str(p))
    if p.is_dir():
        raise UnreadableInput(f"{what}应是一个 CSV 或 .xlsx 文件，这是一个文件夹。", file=str(p))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(p)
    if suffix in (".csv", ".txt", ""):
        return _csv_rows(p, what)
    if suffix in (".xls", ".et"):
        raise UnreadableInput(f"{what}是旧版 .xls/.et 文件，请在 Excel 或 WPS 中“另存为”.xlsx 或 CSV 后再用。",
                              file=str(p))
    raise UnreadableInput(f"{what}应是 CSV（.csv）或 Excel（.xlsx）文件。", file=str(p))


def decode_text(raw: bytes, file: str, what: str = "单位名单") -> str:
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
        raise UnreadableInput(f"无法识别{what}的文字编码（应为 UTF-8 或 GBK）。请在 Excel 中“另存为”"
                              "“CSV UTF-8（逗号分隔）”后再试。", file=file) from None


def _csv_rows(p: Path, what: str) -> list[list[str]]:
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise UnreadableInput(f"无法读取（{os_reason(e)}）。", file=str(p)) from None
    if raw.startswith(b"PK\x03\x04"):
        return _xlsx_rows(p)  # an .xlsx renamed to .csv
    text = decode_text(raw, str(p), what)
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


def find_column(header: list[str], words: tuple[str, ...]) -> int | None:
    """The column whose header is one of ``words`` (compared loosely), or None."""
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
    name_col = find_column(header, NAME_HEADERS)
    if name_col is None:
        if max(len([c for c in r if c]) for r in rows) > 1:
            raise GiarError(f"第 1 行没有找到“{NAME_HEADERS[0]}”列。有多列时请在第 1 行写表头，"
                            f"名称列用“{NAME_HEADERS[0]}”或“{NAME_HEADERS[1]}”。", file=file)
        start, name_col = 0, 0
        code_col = prev_col = kind_col = alias_col = contact_col = phone_col = None
    else:
        start = 1
        code_col, prev_col = find_column(header, CODE_HEADERS), find_column(header, PREVIOUS_HEADERS)
        kind_col, alias_col = find_column(header, KIND_HEADERS), find_column(header, ALIAS_HEADERS)
        contact_col, phone_col = find_column(header, CONTACT_HEADERS), find_column(header, PHONE_HEADERS)
    if len(rows) - start > MAX_UNITS:
        raise GiarError(f"单位名单超过 {MAX_UNITS} 行，不像是单位名单。", file=file)
    units: list[Unit] = []
    seen: dict[str, int] = {}
    codes: dict[str, int] = {}
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
        code = col(code_col)
        if code is not None:
            if unit_key(code) in codes:
                raise GiarError(f"第 {n} 行的单位编码“{code}”与第 {codes[unit_key(code)]} 行重复。"
                                "编码用来认定各单位交回的工作簿，每个单位的编码须不同。", file=file)
            codes[unit_key(code)] = n
        aliases = tuple(a.strip() for a in _ALIAS_SPLIT.split(col(alias_col) or "") if a.strip())
        units.append(Unit(name=_SPACES.sub(" ", name), row=n, code=code,
                          previous_name=col(prev_col), kind=col(kind_col), aliases=aliases,
                          contact=col(contact_col), phone=col(phone_col)))
    if not units:
        raise GiarError("单位名单只有表头，没有单位。", file=file)
    return units

"""A small, strict reader of .xlsx/.xlsm parts: zip + lxml, one pass per sheet.

It reads what the report reader needs (cell values, formula text, cached
values, merges, defined names, sheet states) and refuses hostile input early:
no DTDs (entity expansion, external entities), bounded part sizes (zip bombs)
and a bounded number of cells per sheet. openpyxl is not used for reading: it
would need two full loads (formulas, then cached values) per file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from .errors import UnreadableInput, os_reason
from .text import fix_surrogates

# Documented limits (docs/limits.md): far above any real report workbook.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PART_BYTES = 30 * 1024 * 1024  # one XML part, uncompressed
MAX_TOTAL_BYTES = 150 * 1024 * 1024  # all parts read, uncompressed
MAX_CELLS_PER_SHEET = 50_000
# XML tags ("<") in one part: 30 MB of empty elements would otherwise become a tree of
# millions of nodes (about 1 GB); a sheet at the cell limit, formulas and all, has under half this
MAX_TAGS_PER_PART = 600_000

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}
M = "{%s}" % NS["m"]
R_ID = "{%s}id" % NS["r"]
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
DATE_FORMAT_IDS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))


@dataclass
class RawCell:
    value: Any = None  # str, int, float, bool, error text, or None
    formula: str | None = None  # with leading "="
    has_value: bool = False  # the file stored a value (<v> or inline string)
    is_date: bool = False
    error: bool = False


@dataclass
class SheetData:
    name: str
    state: str  # visible, hidden, veryHidden
    cells: dict[str, RawCell] = field(default_factory=dict)
    merges: set[str] = field(default_factory=set)


@dataclass
class WorkbookData:
    path: str
    sheets: dict[str, SheetData]
    sheet_order: list[str]
    defined_names: dict[str, str]  # name → reference text as stored
    date1904: bool = False
    values_only: bool = False  # cells came as values, without formulas or merges (xlwings)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


class _Zip:
    def __init__(self, path: Path):
        self.path = str(path)
        self.total = 0
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError,
                struct.error):  # a damaged central directory: unknown versions, bad lengths
            raise UnreadableInput("文件已损坏或不是 .xlsx 工作簿（无法作为压缩包打开）。请重新保存为 .xlsx 后再试。",
                                  file=self.path) from None
        except OSError as e:
            raise UnreadableInput(f"无法读取（{os_reason(e)}）。", file=self.path) from None
        self.names = {i.filename for i in self.zf.infolist()}

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        try:
            with self.zf.open(name) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile, NotImplementedError,
                RuntimeError, ValueError, zlib.error) as e:
            raise UnreadableInput(f"压缩包内的部件“{name}”已损坏（{type(e).__name__}），请重新保存文件。",
                                  file=self.path) from None
        if len(data) > MAX_PART_BYTES:
            raise UnreadableInput(f"部件“{name}”解压后超过 {MAX_PART_BYTES // 2**20} MB，"
                                  "不像是年度报告工作簿，已拒绝读取（可能是压缩炸弹）。", file=self.path)
        self.total += len(data)
        if self.total > MAX_TOTAL_BYTES:
            raise UnreadableInput(f"工作簿解压后超过 {MAX_TOTAL_BYTES // 2**20} MB，已拒绝读取。",
                                  file=self.path)
        return data

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        if data is None:
            return None
        _refuse_dtd(data, name, self.path)
        # counted before parsing: parse time and tree memory grow with the number of elements
        if data.count(b"<") > MAX_TAGS_PER_PART:
            raise _too_many_tags(name, self.path)
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as e:
            raise UnreadableInput(f"部件“{name}”不是有效的 XML（{e.msg}），文件可能已损坏。",
                                  file=self.path) from None


def _refuse_dtd(data: bytes, name: str, path: str) -> None:
    # OOXML parts never carry a DTD; one is the mark of an entity-expansion or XXE attack
    if b"<!" in data and re.search(rb"<!(?:DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise UnreadableInput(f"部件“{name}”含有 DTD/实体声明，这不是正常的工作簿内容，已拒绝读取。", file=path)


def _too_many_tags(name: str, path: str, sheet: str | None = None) -> UnreadableInput:
    return UnreadableInput(f"部件“{name}”的 XML 标记超过 {MAX_TAGS_PER_PART} 个，不像是年度报告工作簿，"
                           "已拒绝读取。", file=path, sheet=sheet)


def sniff(path: Path) -> None:
    """Refuse files that are not a zip with a clear, actionable message."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
            probe = head + fh.read(2 * 1024 * 1024) if head.startswith(b"\xd0\xcf\x11\xe0") else head
    except OSError as e:
        raise UnreadableInput(f"无法读取（{os_reason(e)}）。", file=str(path)) from None
    if size == 0:
        raise UnreadableInput("文件是空的（0 字节），可能没有保存成功，请重新保存后提交。", file=str(path))
    if size > MAX_FILE_BYTES:
        raise UnreadableInput(f"文件超过 {MAX_FILE_BYTES // 2**20} MB，不像是年度报告工作簿，已拒绝读取。",
                              file=str(path))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptedPackage".encode("utf-16-le") in probe:
            raise UnreadableInput("工作簿设置了打开密码，无法读取。请在 Excel/WPS 中取消密码（文件→信息→保护工作簿）后另存。",
                                  file=str(path))
        raise UnreadableInput("这是旧版 .xls 或 WPS .et 格式，请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再提交。",
                              file=str(path))
    if not head.startswith(b"PK"):
        raise UnreadableInput("不是 .xlsx 工作簿（文件头不对），可能是改了扩展名的其他文件。", file=str(path))


def _text(el: etree._Element) -> str:
    """Concatenate rich-text runs, skipping phonetic (rPh) runs."""
    parts = []
    for t in el.iter(M + "t"):
        if t.getparent().tag == M + "rPh":
            continue
        parts.append(t.text or "")
    # a character outside the BMP is escaped as its two UTF-16 halves: join them
    return fix_surrogates(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), "".join(parts)))


def _number(text: str) -> int | float:
    f = float(text)
    return int(f) if f.is_integer() and abs(f) < 2**53 else f


def _date_styles(z: _Zip) -> set[int]:
    root = z.xml("xl/styles.xml")
    if root is None:
        return set()
    custom = {}
    for nf in root.iterfind("m:numFmts/m:numFmt", NS):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", nf.get("formatCode", ""))
        custom[_int(nf.get("numFmtId"))] = bool(re.search(r"[ymdYMD]", code)) and "0" not in code
    out = set()
    for i, xf in enumerate(root.iterfind("m:cellXfs/m:xf", NS)):
        fid = _int(xf.get("numFmtId"))
        if fid in DATE_FORMAT_IDS or custom.get(fid):
            out.add(i)
    return out


def _int(text: str | None) -> int:
    """A style index as stored; a damaged one ("1e400", "x") counts as the general format."""
    try:
        return int(text or "0")
    except ValueError:
        return 0


def serial_to_date(serial: float, date1904: bool = False) -> dt.date:
    base = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
    return base + dt.timedelta(days=int(serial))


def load(path: str | Path, wanted: set[str] | None = None) -> WorkbookData:
    """Read sheets (all, or those named in ``wanted``) of a workbook."""
    p = Path(path)
    sniff(p)
    z = _Zip(p)
    wb = z.xml("xl/workbook.xml")
    if wb is None:
        raise UnreadableInput("压缩包里没有 xl/workbook.xml，这不是 Excel 工作簿。", file=str(p))
    rels = z.xml("xl/_rels/workbook.xml.rels")
    targets = {}
    if rels is not None:
        for rel in rels.iterfind("pr:Relationship", NS):
            target = rel.get("Target", "")
            full = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[rel.get("Id")] = full
    pr = wb.find("m:workbookPr", NS)
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    names: dict[str, str] = {}
    for dn in wb.iterfind("m:definedNames/m:definedName", NS):
        if dn.get("localSheetId") is None:
            names[dn.get("name", "")] = (dn.text or "").strip()
    sst = z.xml("xl/sharedStrings.xml")
    strings = [] if sst is None else [_text(si) for si in sst.iterfind("m:si", NS)]
    dates = _date_styles(z)
    sheets: dict[str, SheetData] = {}
    order: list[str] = []
    for s in wb.iterfind("m:sheets/m:sheet", NS):
        name = s.get("name", "")
        order.append(name)
        if wanted is not None and name not in wanted:
            continue
        part = targets.get(s.get(R_ID))
        sheet = SheetData(name, s.get("state", "visible"))
        if part:
            _read_sheet(z, part, sheet, strings, dates)
        sheets[name] = sheet
    return WorkbookData(str(p), sheets, order, names, date1904)


def _read_sheet(z: _Zip, part: str, sheet: SheetData, strings: list[str], dates: set[int]) -> None:
    data = z.read(part)
    if data is None:
        return
    _refuse_dtd(data, part, z.path)
    shared: dict[str, tuple[str, str]] = {}  # si → (master address, formula text)
    count = elements = 0
    # streaming: a sheet with a million used rows is refused after MAX_CELLS_PER_SHEET
    # cells without building its tree; every element is counted (not only cells), as
    # millions of unknown empty elements would otherwise pile up in the tree
    events = etree.iterparse(io.BytesIO(data), events=("end",),
                             resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        for _, el in events:
            elements += 1
            if elements > MAX_TAGS_PER_PART:
                raise _too_many_tags(part, z.path, sheet.name)
            if el.tag == M + "row":
                el.clear()
                continue
            if el.tag == M + "mergeCell":
                if el.get("ref"):
                    sheet.merges.add(el.get("ref"))
                continue
            if el.tag != M + "c":
                continue
            count += 1
            if count > MAX_CELLS_PER_SHEET:
                raise UnreadableInput(f"工作表使用的单元格超过 {MAX_CELLS_PER_SHEET} 个，不像是年度报告，已拒绝读取。",
                                      file=z.path, sheet=sheet.name)
            _read_cell(el, z, sheet, strings, dates, shared)
    except etree.XMLSyntaxError as e:
        raise UnreadableInput(f"部件“{part}”不是有效的 XML（{e.msg}），文件可能已损坏。",
                              file=z.path, sheet=sheet.name) from None


def _read_cell(c: etree._Element, z: _Zip, sheet: SheetData, strings: list[str], dates: set[int],
               shared: dict[str, tuple[str, str]]) -> None:
    addr = c.get("r")
    if not addr:
        return
    t = c.get("t", "n")
    cell = RawCell()
    f = c.find("m:f", NS)
    if f is not None:
        text = f.text or ""
        si = f.get("si")
        if f.get("t") == "shared" and si is not None:
            if text:
                shared[si] = (addr, text)
            elif si in shared:
                text = _translate(shared[si][1], shared[si][0], addr)
        cell.formula = "=" + text if text else None
    v = c.find("m:v", NS)
    if t == "inlineStr":
        is_ = c.find("m:is", NS)
        if is_ is not None:
            cell.value, cell.has_value = _text(is_), True
    elif v is not None and v.text is not None:
        cell.has_value = True
        raw = v.text
        if t == "s":
            try:
                index = int(raw)
                if index < 0:  # Python would take it from the end
                    raise IndexError(index)
                cell.value = strings[index]
            except (ValueError, IndexError):
                raise UnreadableInput(f"单元格 {addr} 引用了不存在的共享字符串，文件已损坏。",
                                      file=z.path, sheet=sheet.name, cell=addr) from None
        elif t == "str":
            cell.value = raw
        elif t == "b":
            cell.value = raw.strip() in ("1", "true")
        elif t == "e":
            cell.value, cell.error = raw, True
        else:
            try:
                cell.value = _number(raw)
            except ValueError:
                cell.value = raw
            try:
                cell.is_date = int(c.get("s", "0") or 0) in dates
            except ValueError:
                cell.is_date = False
    sheet.cells[addr] = cell
    c.clear()


def _translate(formula: str, origin: str, dest: str) -> str:
    from openpyxl.formula.translate import Translator

    try:
        return Translator("=" + formula, origin=origin).translate_formula(dest)[1:]
    except Exception:  # a formula the translator cannot shift: keep the master's text
        return formula

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
from collections.abc import Iterable, Iterator
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
_T, _F, _V, _IS = M + "t", M + "f", M + "v", M + "is"
_C, _ROW, _MERGE = M + "c", M + "row", M + "mergeCell"
DATE_FORMAT_IDS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))


@dataclass(slots=True)
class RawCell:
    """One cell as stored: value, formula text and what the file says about them."""

    value: Any = None  # str, int, float, bool, error text, or None
    formula: str | None = None  # with leading "="
    has_value: bool = False  # the file stored a value (<v> or inline string)
    is_date: bool = False
    error: bool = False


@dataclass
class SheetData:
    """The cells and merged ranges of one sheet."""

    name: str
    state: str  # visible, hidden, veryHidden
    cells: dict[str, RawCell] = field(default_factory=dict)
    merges: set[str] = field(default_factory=set)


@dataclass
class WorkbookData:
    """What the reader needs of a workbook: sheets, their order, defined names."""

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
    if len(el) == 1 and el[0].tag == _T:  # plain text, the common case: one <t>
        text = el[0].text or ""
    else:
        parts = []
        for t in el.iter(_T):
            if t.getparent().tag == M + "rPh":
                continue
            parts.append(t.text or "")
        text = "".join(parts)
    if "_x" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    # a character outside the BMP is escaped as its two UTF-16 halves: join them
    return fix_surrogates(text)


class _Strings:
    """The shared strings, each turned into text only when a cell read uses it.

    A workbook saved by LibreOffice keeps every string of the hidden binding sheet
    here too (over a thousand); the report's cells use a few hundred of them.
    """

    def __init__(self, items: list[etree._Element]):
        self.items = items
        self.done: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> str:
        text = self.done.get(index)
        if text is None:
            if index < 0:  # Python would take it from the end
                raise IndexError(index)
            text = self.done[index] = _text(self.items[index])
        return text


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


def load(path: str | Path, wanted: set[str] | None = None,
         head_rows: dict[str, int] | None = None) -> WorkbookData:
    """Read sheets (all, or those named in ``wanted``) of a workbook.

    ``head_rows`` names sheets of which only the first rows are wanted (the reader
    needs five cells at the top of the hidden binding sheet, not the thousand below
    them). Such a sheet's part is still inflated and counted against every limit;
    when it is small enough that no limit can be reached (no more tags than the
    cell limit), parsing stops after its head, else it is read whole as before.
    """
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
    strings = _Strings([] if sst is None else sst.findall(M + "si"))
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
            _read_sheet(z, part, sheet, strings, dates, (head_rows or {}).get(name))
        sheets[name] = sheet
    return WorkbookData(str(p), sheets, order, names, date1904)


def _read_sheet(z: _Zip, part: str, sheet: SheetData, strings: _Strings, dates: set[int],
                head: int | None = None) -> None:
    data = z.read(part)
    if data is None:
        return
    _refuse_dtd(data, part, z.path)
    tags = data.count(b"<")  # every element has one: an upper bound of elements and cells
    try:
        if head is not None and tags <= MAX_CELLS_PER_SHEET:
            _read_head(data, z, sheet, strings, dates, head)
        elif tags <= MAX_TAGS_PER_PART:
            # no limit can be reached: one tree, built in C, bounded by the tag count
            _read_cells(etree.fromstring(data, _parser()).iter(_C, _MERGE), z, sheet, strings, dates)
        else:
            _read_streaming(data, part, z, sheet, strings, dates)
    except etree.XMLSyntaxError as e:
        raise UnreadableInput(f"部件“{part}”不是有效的 XML（{e.msg}），文件可能已损坏。",
                              file=z.path, sheet=sheet.name) from None


def _read_cells(elements: Iterable[etree._Element], z: _Zip, sheet: SheetData, strings: _Strings,
                dates: set[int]) -> None:
    shared: dict[str, tuple[str, str]] = {}  # si → (master address, formula text)
    count = 0
    for el in elements:
        if el.tag == _MERGE:
            if el.get("ref"):
                sheet.merges.add(el.get("ref"))
            continue
        count += 1
        if count > MAX_CELLS_PER_SHEET:
            raise _too_many_cells(z, sheet)
        _read_cell(el, z, sheet, strings, dates, shared)


def _read_streaming(data: bytes, part: str, z: _Zip, sheet: SheetData, strings: _Strings,
                    dates: set[int]) -> None:
    """A part with more tags than the limit: streamed, refused at whichever limit comes first.

    A sheet with a million used rows is refused after MAX_CELLS_PER_SHEET cells
    without building its tree; every element is counted (not only cells), as
    millions of unknown empty elements would otherwise pile up in the tree.
    """
    events = etree.iterparse(io.BytesIO(data), events=("end",),
                             resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    elements = 0

    def cells() -> Iterator[etree._Element]:
        nonlocal elements
        for _, el in events:
            elements += 1
            if elements > MAX_TAGS_PER_PART:
                raise _too_many_tags(part, z.path, sheet.name)
            if el.tag == _ROW:
                el.clear()
            elif el.tag in (_C, _MERGE):
                yield el

    _read_cells(cells(), z, sheet, strings, dates)


HEAD_CHUNK = 2048  # bytes fed first; doubled each time the head goes on (long meta JSON)


def _read_head(data: bytes, z: _Zip, sheet: SheetData, strings: _Strings, dates: set[int],
               head: int) -> None:
    """The cells of the first ``head`` rows; parsing stops at the first cell below them."""
    parser = etree.XMLPullParser(events=("end",), tag=_C, resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=False, remove_comments=True)
    shared: dict[str, tuple[str, str]] = {}
    start, size = 0, HEAD_CHUNK
    while start < len(data):
        parser.feed(data[start:start + size])
        start, size = start + size, size * 2
        for _, el in parser.read_events():
            m = _ROW_OF.match(el.get("r") or "")
            if m is not None and int(m.group(1)) > head:
                return
            _read_cell(el, z, sheet, strings, dates, shared)
    parser.close()


_ROW_OF = re.compile(r"^[A-Za-z]{1,3}([0-9]{1,7})$")


def _too_many_cells(z: _Zip, sheet: SheetData) -> UnreadableInput:
    return UnreadableInput(f"工作表使用的单元格超过 {MAX_CELLS_PER_SHEET} 个，不像是年度报告，已拒绝读取。",
                           file=z.path, sheet=sheet.name)


def _read_cell(c: etree._Element, z: _Zip, sheet: SheetData, strings: _Strings, dates: set[int],
               shared: dict[str, tuple[str, str]]) -> None:
    addr = c.get("r")
    if not addr:
        return
    t = c.get("t", "n")
    cell = RawCell()
    f = v = is_ = None
    for child in c:  # one pass over <f>, <v>, <is> (the first of each counts)
        tag = child.tag
        if tag == _F:
            f = child if f is None else f
        elif tag == _V:
            v = child if v is None else v
        elif tag == _IS:
            is_ = child if is_ is None else is_
    if f is not None:
        text = f.text or ""
        si = f.get("si")
        if f.get("t") == "shared" and si is not None:
            if text:
                shared[si] = (addr, text)
            elif si in shared:
                text = _translate(shared[si][1], shared[si][0], addr)
        cell.formula = "=" + text if text else None
    if t == "inlineStr":
        if is_ is not None:
            cell.value, cell.has_value = _text(is_), True
    elif v is not None and v.text is not None:
        cell.has_value = True
        raw = v.text
        if t == "s":
            try:
                cell.value = strings[int(raw)]
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

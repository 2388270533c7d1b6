"""Make a workbook safe for openpyxl, which writes the copy of ``validate --annotate``.

The strict reader (``xlsx.py``) bounds what it reads, but openpyxl does more with what it
reads: it makes an object for every cell of a merged range and of a hyperlink's range
(``<mergeCell ref="K40:XFD1048576"/>`` in a 37 KB file is 17 billion cells), parses parts
the reader skips (theme, drawings) into whole trees, and makes one style object per style
record (590,000 ``<xf/>`` took 1.4 GB and 33 s). Before openpyxl sees the file:

- every part keeps the reader's size limits, and large parts the reader skips its tag limit;
- style records are capped at Excel's own limit of cell formats (``MAX_STYLE_RECORDS``);
- ranges of merged cells, hyperlinks, conditional formats and data validations are clipped
  to the sheet's used area (the cells the sheet has), and what merges and hyperlinks still
  cover is capped (``MAX_RANGE_CELLS``): two cells at opposite corners make a used area of
  the whole sheet;
- rows are capped like the cells of ``validate`` (a height set on 580,000 empty rows took
  1 GB and 36 s in openpyxl).

The sheet is read in one streaming pass; only a sheet whose ranges must be cut is parsed
whole to rewrite it, and only when it is small enough (``MAX_CLIPPED_ELEMENTS``).

A workbook whose ranges already lie in its used area (every workbook giar-xl writes) is
passed on unchanged.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter

from . import xlsx
from .errors import UnreadableInput

# Excel's own limit: "64,000 unique cell formats/cell styles" per workbook; counted over all
# style records (cell formats, fonts, fills, borders, number formats, differential formats)
MAX_STYLE_RECORDS = 64_000
# cells that merged ranges and hyperlinks cover on one sheet, after clipping; a report
# sheet has a few hundred
MAX_RANGE_CELLS = 100_000
# elements of a sheet parsed whole to cut its ranges (a tree of this size is some 150 MB)
MAX_CLIPPED_ELEMENTS = 200_000
_STYLE_RECORD = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:xf|font|fill|border|numFmt|dxf|cellStyle)[\s/>]")
# elements whose range attribute openpyxl follows; a tag name cannot be written with
# character references, so a part without these words has none of them
RANGE_ATTRIBUTES = {"mergeCell": "ref", "hyperlink": "ref", "conditionalFormatting": "sqref",
                    "dataValidation": "sqref"}
_MARKERS = tuple(name.encode() for name in RANGE_ATTRIBUTES)
# the cost to openpyxl is one object per covered cell for these
_EXPANDED = ("mergeCell", "hyperlink")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_REF = re.compile(r"^\$?([A-Z]{1,3})?\$?([0-9]{1,7})?$")
MAX_ROW, MAX_COL = 1_048_576, 16_384


def bounded_package(src: Path) -> bytes | None:
    """The package openpyxl may open, or None when the file itself may be opened as it is.

    Raises UnreadableInput (in Chinese, naming the file) for what cannot be bounded.
    """
    xlsx.load(src)  # validate's limits first: sizes, DTDs, cells and tags of every sheet
    changed: dict[str, bytes] = {}
    with zipfile.ZipFile(src) as zf:
        infos = zf.infolist()
        total = 0
        for info in infos:
            if info.file_size > xlsx.MAX_PART_BYTES:
                raise UnreadableInput(f"部件“{info.filename}”解压后超过 {xlsx.MAX_PART_BYTES // 2**20} MB，"
                                      "已拒绝标注（可能是压缩炸弹）。", file=str(src))
            total += info.file_size
        if total > xlsx.MAX_TOTAL_BYTES:
            raise UnreadableInput(f"工作簿解压后超过 {xlsx.MAX_TOTAL_BYTES // 2**20} MB，已拒绝标注。",
                                  file=str(src))
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:  # zipfile never inflates past the declared size bounded above
                data = zf.read(info.filename)
            except Exception:  # a damaged member: openpyxl's own error says so later
                continue
            _check_tags(data, info.filename, src)
            if b"styleSheet" in data:
                _check_styles(data, info.filename, src)
            if b"sheetData" in data or any(m in data for m in _MARKERS):
                clipped = _clip_sheet(data, info.filename, src)
                if clipped is not None:
                    changed[info.filename] = clipped
        if not changed:
            return None
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in infos:
                out.writestr(info, changed.get(info.filename) or zf.read(info.filename))
    return buf.getvalue()


def _check_tags(data: bytes, name: str, src: Path) -> None:
    # a large part the strict reader skips (theme, drawing) is still one tree in openpyxl
    if len(data) > 2**20 and data.count(b"<") > xlsx.MAX_TAGS_PER_PART:
        raise UnreadableInput(f"部件“{name}”的 XML 标记超过 {xlsx.MAX_TAGS_PER_PART} 个，已拒绝标注。",
                              file=str(src))


def _check_styles(data: bytes, name: str, src: Path) -> None:
    n = len(_STYLE_RECORD.findall(data))
    if n > MAX_STYLE_RECORDS:
        raise UnreadableInput(f"样式部件“{name}”有 {n} 个样式记录，超过 Excel 自身的上限 {MAX_STYLE_RECORDS} 个，"
                              "不像是正常的工作簿，已拒绝标注（校验结果不受影响）。", file=str(src))


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _split(ref: str) -> tuple[int | None, int | None] | None:
    """"B7" → (7, 2); "B" → (None, 2); "7" → (7, None); anything else → None."""
    m = _REF.match(ref.strip().upper())
    if not m or not (m.group(1) or m.group(2)):
        return None
    col = column_index_from_string(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) if m.group(2) else None
    if (col is not None and not 1 <= col <= MAX_COL) or (row is not None and not 1 <= row <= MAX_ROW):
        return None
    return row, col


def _bounds(token: str) -> tuple[int, int, int, int] | None:
    """(min row, min col, max row, max col) of "A1", "A1:B2", "$A$1:$B$2", "A:B" or "3:5"."""
    ends = token.split(":")
    if len(ends) > 2:
        return None
    a = _split(ends[0])
    b = _split(ends[-1])
    if a is None or b is None:
        return None
    rows = [x for x in (a[0], b[0]) if x is not None]
    cols = [x for x in (a[1], b[1]) if x is not None]
    if len(ends) == 1 and (not rows or not cols):
        return None  # "A" or "7" alone is not a cell
    r1, r2 = (min(rows), max(rows)) if rows else (1, MAX_ROW)
    c1, c2 = (min(cols), max(cols)) if cols else (1, MAX_COL)
    return r1, c1, r2, c2


def clip_ranges(sqref: str, last_row: int, last_col: int) -> str:
    """The ranges of ``sqref`` cut to A1:(last_col, last_row); ranges inside are kept as written."""
    out = []
    for token in sqref.split():
        b = _bounds(token)
        if b is None:
            continue  # openpyxl could not read it either
        r1, c1, r2, c2 = b
        if r2 <= last_row and c2 <= last_col:
            out.append(token)
            continue
        r2, c2 = min(r2, last_row), min(c2, last_col)
        if r1 > r2 or c1 > c2:
            continue
        first, last = f"{get_column_letter(c1)}{r1}", f"{get_column_letter(c2)}{r2}"
        out.append(first if first == last else f"{first}:{last}")
    return " ".join(out)


def _area(sqref: str) -> int:
    total = 0
    for token in sqref.split():
        b = _bounds(token)
        if b is not None:
            total += (b[2] - b[0] + 1) * (b[3] - b[1] + 1)
    return total


@dataclass
class _Scan:
    """What one streaming pass over a worksheet part finds (memory does not grow with it)."""

    last_row: int = 0  # the used area: last row and column that hold a cell
    last_col: int = 0
    elements: int = 0
    ranges: list[tuple[str, str]] = field(default_factory=list)  # (element, range attribute)


def _scan(data: bytes) -> _Scan | None:
    """Used area, elements and ranges of a worksheet; None for any other part.

    Cells are placed as openpyxl places them: a row or cell without an address follows
    the one before it.
    """
    scan = _Scan()
    row = col = 0
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
    first = True
    for event, el in events:
        name = _local(el)
        if event == "start":
            if first and name != "worksheet":
                return None
            first = False
            if name == "row":
                row, col = _int(el.get("r"), row + 1), 0
            continue
        scan.elements += 1
        if name == "c":
            ref = _split(el.get("r") or "")
            col = ref[1] if ref and ref[1] else col + 1
            scan.last_row, scan.last_col = max(scan.last_row, row), max(scan.last_col, col)
        elif name in RANGE_ATTRIBUTES and el.get(RANGE_ATTRIBUTES[name]) is not None:
            scan.ranges.append((name, el.get(RANGE_ATTRIBUTES[name])))
        if el.getparent() is not None:  # drop what was read, or the tree grows anyway
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    return scan


def _clip_sheet(data: bytes, name: str, src: Path) -> bytes | None:
    if len(_ROW.findall(data)) > xlsx.MAX_CELLS_PER_SHEET:  # openpyxl keeps an object per row
        raise UnreadableInput(f"部件“{name}”的行超过 {xlsx.MAX_CELLS_PER_SHEET} 个，"
                              "不像是年度报告工作簿，已拒绝标注（校验结果不受影响）。", file=str(src))
    try:
        scan = _scan(data)
    except etree.XMLSyntaxError:
        return None  # openpyxl reports the damaged part itself
    if scan is None:
        return None
    clipped = [(element, old, clip_ranges(old, scan.last_row, scan.last_col)) for element, old in scan.ranges]
    if sum(_area(new) for element, _, new in clipped if element in _EXPANDED) > MAX_RANGE_CELLS:
        raise UnreadableInput(f"部件“{name}”中合并单元格和超链接覆盖的单元格超过 {MAX_RANGE_CELLS} 个，"
                              "不像是年度报告工作簿，已拒绝标注（校验结果不受影响）。", file=str(src))
    if all(old == new for _, old, new in clipped):
        return None
    if scan.elements > MAX_CLIPPED_ELEMENTS:  # the rewrite needs the part as one tree
        raise UnreadableInput(f"部件“{name}”有 {scan.elements} 个 XML 元素，范围又超出了用到的区域，"
                              f"超过可以安全改写的 {MAX_CLIPPED_ELEMENTS} 个，已拒绝标注（校验结果不受影响）。",
                              file=str(src))
    root = etree.fromstring(data, xlsx._parser())
    for el in list(root.iter()):
        attr = RANGE_ATTRIBUTES.get(_local(el))
        if attr is None or el.get(attr) is None:
            continue
        new = clip_ranges(el.get(attr), scan.last_row, scan.last_col)
        if not new:
            el.getparent().remove(el)
        elif new != el.get(attr):
            el.set(attr, new)
    for el in root.iter():  # keep the counts Excel reads in step with what is left
        if _local(el) in ("mergeCells", "dataValidations") and el.get("count") is not None:
            el.set("count", str(len(el)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

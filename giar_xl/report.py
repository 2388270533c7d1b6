"""The report data model: plain data, JSON-able, independent of any spreadsheet library.

A ``Report`` holds the cover fields, the narrative texts and the table values by
their stable ids (see ``giar_xl.spec``). Where it was read from a workbook, each
id also has a ``CellRecord`` telling the sheet, the A1 address, the formula
text and the cached value, so that findings can point at the cell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GiarError, UnreadableInput, os_reason
from .spec import DEFAULT_FORMAT, FORMATS, FormatSpec
from .text import fix_surrogates

Number = int | float
RawValue = Number | str | None


@dataclass(frozen=True)
class CellRecord:
    """Where an id was found in a workbook and what the cell held."""

    id: str
    sheet: str
    address: str  # A1, letters then row number
    formula: str | None = None  # formula text with the leading "=", or None
    cached: Any = None  # the value the file stored for a formula cell, if any
    has_cache: bool = False
    # a formula's value recomputed from the workbook's cells by giar_xl.formula: the
    # report's value for the id; None, with ``formula_problem`` set, when it cannot be
    computed: Any = None
    formula_problem: str | None = None  # why the formula could not be evaluated, in Chinese
    is_date: bool = False  # the cell is formatted as a date (a date typed into a number cell)


@dataclass(frozen=True)
class StructureNote:
    """Something the reader saw about the workbook's shape (for the checker's S-rules)."""

    code: str  # "moved", "label", "missing_sheet", "missing_name", "format", "version"
    message: str
    sheet: str | None = None
    address: str | None = None
    expected: str | None = None
    actual: str | None = None


@dataclass
class Report:
    """One report: cover, texts and values by id, with the reader's provenance when read from a workbook."""

    format_id: str = DEFAULT_FORMAT.id
    agency: str | None = None
    year: int | str | None = None
    published: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    values: dict[str, RawValue] = field(default_factory=dict)
    # last year's figures kept in the workbook for the continuity checks
    previous: dict[str, RawValue] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    # provenance, only for reports read from a workbook (not part of the JSON form)
    cells: dict[str, CellRecord] = field(default_factory=dict)
    structure: list[StructureNote] = field(default_factory=list)
    source: str | None = None
    # True when the cells came as values only (an open Excel book through xlwings): derived
    # cells then have a location but no formula text, and their values count as plain data
    values_only: bool = False
    # the clerk's explanations of findings written in the workbook (giar_xl.explain):
    # (rule code, sheet or None, cell or None) → text; not part of the JSON form
    explanations: dict[tuple[str, str | None, str | None], str] = field(default_factory=dict)

    @property
    def spec(self) -> FormatSpec:
        return FORMATS[self.format_id]

    @classmethod
    def empty(cls, spec: FormatSpec = DEFAULT_FORMAT, *, agency: str | None = None,
              year: int | None = None, fill: RawValue = 0) -> Report:
        return cls(format_id=spec.id, agency=agency, year=year,
                   texts={p.id: "" for s in spec.sections for p in s.parts},
                   values={c.id: fill for c in spec.value_cells})

    def number(self, cid: str) -> Number | None:
        """The value as a number, or None when the cell holds no number."""
        v = self.values.get(cid)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        return v

    def cover_value(self, part_id: str) -> Any:
        return {"cover.agency": self.agency, "cover.year": self.year,
                "cover.published": self.published}[part_id]

    def locate(self, cid: str) -> tuple[str | None, str | None]:
        rec = self.cells.get(cid)
        return (rec.sheet, rec.address) if rec else (None, None)

    # ------------------------------------------------------------- JSON form
    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "format": self.format_id,
            "agency": self.agency,
            "year": self.year,
            "published": self.published,
            "texts": dict(self.texts),
            "values": dict(self.values),
        }
        if self.previous:
            doc["previous"] = dict(self.previous)
        if self.meta:
            doc["meta"] = dict(self.meta)
        return doc

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, doc: Any, *, source: str | None = None) -> Report:
        from .schema import validate_report_json

        doc = _fix_strings(doc)
        validate_report_json(doc, source=source)
        spec = FORMATS[doc["format"]]
        texts = {p.id: "" for s in spec.sections for p in s.parts}
        texts.update(doc.get("texts", {}))
        # an input the document leaves out is blank; a total it leaves out is not given at all
        # (a workbook built from it computes it), while a total given as null stays blank
        values: dict[str, RawValue] = {c.id: None for c in spec.value_cells if c.is_input}
        values.update(doc.get("values", {}))
        return cls(format_id=spec.id, agency=doc.get("agency"), year=doc.get("year"),
                   published=doc.get("published"), texts=texts, values=values,
                   previous=dict(doc.get("previous", {})), meta=dict(doc.get("meta", {})),
                   source=source)


def _fix_strings(doc: Any) -> Any:
    """The document with lone UTF-16 halves ("\\ud83d" in JSON) in any string made printable."""
    try:
        text = json.dumps(doc, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):  # not JSON-shaped: the schema check says why
        return doc
    fixed = fix_surrogates(text)
    return doc if fixed is text else json.loads(fixed)


# a report's JSON is some 30 KB; far larger is the wrong file (docs/limits.md)
MAX_JSON_BYTES = 20 * 1024 * 1024


def load_json_report(path: str | Path) -> Report:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_JSON_BYTES:
            raise UnreadableInput(f"文件超过 {MAX_JSON_BYTES // 2**20} MB，不像是一份报告数据，已拒绝读取。",
                                  file=str(p))
        raw = p.read_bytes()
    except OSError as e:
        raise UnreadableInput(f"无法读取（{os_reason(e)}）。", file=str(p)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableInput("不是 UTF-8 编码的 JSON 文件。", file=str(p)) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise UnreadableInput(f"不是有效的 JSON（第 {e.lineno} 行第 {e.colno} 列：{e.msg}）。",
                              file=str(p)) from None
    except RecursionError:  # "[[[[…" nested thousands deep
        raise UnreadableInput("JSON 嵌套层数过多，不是报告数据。", file=str(p)) from None
    return Report.from_json(doc, source=str(p))


__all__ = ["CellRecord", "GiarError", "Report", "StructureNote", "load_json_report"]

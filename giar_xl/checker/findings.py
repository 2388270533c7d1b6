"""What a check produces: findings, per-file results, and their JSON schema."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["错误", "提示"]
ERROR: Severity = "错误"
WARNING: Severity = "提示"
FINDINGS_SCHEMA_ID = "https://giar-xl.example/schemas/findings.schema.json"


@dataclass(frozen=True)
class Finding:
    """One problem at one place, with everything a clerk needs to act on it."""

    code: str  # stable rule code, e.g. "V02"
    name: str  # readable rule name in Chinese
    severity: Severity
    message: str  # the rule's template, filled
    sheet: str | None  # worksheet name (where it is, or would be, in the standard workbook)
    cell: str | None  # A1 address
    row_label: str | None
    col_label: str | None
    expected: Any
    actual: Any
    rule_text: str
    id: str | None = None  # value or text id of the report, when the finding concerns one
    # every cell of the relation a finding checks (an identity: both sides), on its sheet
    cells: tuple[str, ...] = ()
    # the cells that may be wrong when no single one can be singled out (else empty)
    suspects: tuple[str, ...] = ()
    # the clerk's written reason, from the workbook (giar_xl.explain): a 提示 with one is 已说明
    explanation: str | None = None

    @property
    def explained(self) -> bool:
        """An explained 提示; an explained 错误 keeps its text but stays an error."""
        return self.severity == WARNING and bool(self.explanation)

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["cells"], doc["suspects"] = list(self.cells), list(self.suspects)
        if self.explanation is None:
            del doc["explanation"]  # optional: absent unless the clerk wrote one
        return doc


@dataclass
class CheckResult:
    """The outcome for one input file: its findings, or why it could not be read."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # Chinese message when the file could not be read

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    @property
    def explained(self) -> int:
        """提示 the clerk explained in the workbook (counted among ``warnings`` too)."""
        return sum(1 for f in self.findings if f.explained)

    @property
    def valid(self) -> bool:
        return self.readable and self.errors == 0

    def to_json(self) -> dict[str, Any]:
        stats = {"errors": self.errors, "warnings": self.warnings}
        if self.explained:
            stats["explained"] = self.explained
        return {"file": self.file, "valid": self.valid, "readable": self.readable,
                "error": self.error, "stats": stats,
                "findings": [f.to_json() for f in self.findings]}


@dataclass(frozen=True)
class Summary:
    """Totals over a run's files; the exit code follows from them."""

    files: int
    unreadable: int
    errors: int
    warnings: int
    files_with_errors: int

    @property
    def exit_code(self) -> int:
        # sqlfluff's convention: 2 unreadable input, 1 findings of severity 错误, 0 clean
        if self.unreadable:
            return 2
        return 1 if self.errors else 0


def summarize(results: list[CheckResult]) -> Summary:
    return Summary(files=len(results),
                   unreadable=sum(1 for r in results if not r.readable),
                   errors=sum(r.errors for r in results),
                   warnings=sum(r.warnings for r in results),
                   files_with_errors=sum(1 for r in results if r.readable and r.errors))


def count_severities(findings: list[Finding]) -> dict[str, int]:
    """{"错误": n, "提示": m} for a list of findings."""
    return {ERROR: sum(1 for f in findings if f.severity == ERROR),
            WARNING: sum(1 for f in findings if f.severity == WARNING)}


def findings_schema() -> dict[str, Any]:
    """JSON Schema of ``giar-xl validate --format json`` (modelled on frictionless' report)."""
    from .catalogue import RULES

    scalar = {"type": ["number", "string", "null"]}
    nullable_str = {"type": ["string", "null"]}
    finding = {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "name", "severity", "message", "sheet", "cell", "row_label",
                     "col_label", "expected", "actual", "rule_text", "id", "cells", "suspects"],
        "properties": {
            "code": {"enum": [r.code for r in RULES], "title": "规则编号"},
            "name": {"type": "string", "title": "规则名称"},
            "severity": {"enum": [ERROR, WARNING],
                         "title": "级别：错误须改正；提示可能无误，可书面说明"},
            "message": {"type": "string", "title": "说明"},
            "sheet": {**nullable_str, "title": "工作表"},
            "cell": {"type": ["string", "null"], "pattern": "^[A-Z]{1,3}[1-9][0-9]*$",
                     "title": "单元格（A1 格式）"},
            "row_label": {**nullable_str, "title": "行标题"},
            "col_label": {**nullable_str, "title": "列标题"},
            "expected": {**scalar, "title": "应为"},
            "actual": {**scalar, "title": "实为"},
            "rule_text": {"type": "string", "title": "规则"},
            "id": {**nullable_str, "title": "数据项编号"},
            "cells": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{1,3}[1-9][0-9]*$"},
                      "title": "所核对关系涉及的全部单元格"},
            "suspects": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{1,3}[1-9][0-9]*$"},
                         "title": "无法确定是哪一格时，需要核对的单元格"},
            "explanation": {"type": "string",
                            "title": "单位在工作簿中写的说明（提示有说明即“已说明”；错误有说明仍须改正）"},
        },
    }
    stats = {"type": "object", "additionalProperties": False,
             "required": ["errors", "warnings"],
             "properties": {"errors": {"type": "integer", "minimum": 0},
                            "warnings": {"type": "integer", "minimum": 0},
                            "explained": {"type": "integer", "minimum": 1,
                                          "title": "其中已说明的提示（没有时不出现）"}}}
    file_result = {
        "type": "object",
        "additionalProperties": False,
        "required": ["file", "valid", "readable", "error", "stats", "findings"],
        "properties": {
            "file": {"type": "string"},
            "valid": {"type": "boolean", "title": "无错误（提示不影响）"},
            "readable": {"type": "boolean"},
            "error": {**nullable_str, "title": "无法读取的原因"},
            "stats": stats,
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
        },
    }
    county = _county_defs()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": FINDINGS_SCHEMA_ID,
        "title": "giar-xl 校验结果",
        "type": "object",
        "additionalProperties": False,
        "required": ["valid", "stats", "files"],
        "properties": {
            "valid": {"type": "boolean", "title": "全部文件可读且无错误"},
            "stats": {"type": "object", "additionalProperties": False,
                      "required": ["files", "unreadable", "errors", "warnings"],
                      "properties": {**{k: {"type": "integer", "minimum": 0}
                                        for k in ("files", "unreadable", "errors", "warnings")},
                                     "explained": {"type": "integer", "minimum": 1,
                                                   "title": "其中已说明的提示（没有时不出现）"}}},
            "files": {"type": "array", "items": {"$ref": "#/$defs/file"}},
            # with --units (county): one row per unit; absent otherwise
            "year": {"type": ["integer", "null"], "title": "本次校验的报告年度（多数文件的年度，或 --year）"},
            "units": {"type": "array", "items": {"$ref": "#/$defs/unit"}, "title": "各单位情况"},
            "conflicts": {"type": "array", "items": {"$ref": "#/$defs/placed_file"},
                          "title": "线索不一致、未计入任何单位的文件"},
            "file_units": {"type": "array", "items": {"$ref": "#/$defs/placed_file"},
                           "title": "每个文件对应到哪个单位、是否采用"},
        },
        "$defs": {"finding": finding, "file": file_result, **county},
    }


def _county_defs() -> dict[str, Any]:
    """The per-unit view of ``validate DIR --units`` (giar_xl.county)."""
    from ..county.identity import SOURCES
    from ..county.status import FILE_ROLES, UNIT_STATES

    nullable_str = {"type": ["string", "null"]}
    count = {"type": ["integer", "null"], "minimum": 0}
    unit = {
        "type": "object", "additionalProperties": False,
        "required": ["unit", "listed", "code", "type", "status", "counted", "errors", "warnings",
                     "explained", "file", "identified_by", "other_files", "previous_file", "note"],
        "properties": {
            "unit": {"type": "string", "title": "单位（名单中的名称；名单外的按封面机关名称）"},
            "listed": {"type": "boolean", "title": "在单位名单中"},
            "code": {**nullable_str, "title": "单位编码"},
            "type": {**nullable_str, "title": "单位类型"},
            "status": {"enum": list(UNIT_STATES), "title": "状态"},
            "counted": {"type": ["boolean", "null"], "title": "计入汇总（只在汇总时有）"},
            "errors": {**count, "title": "错误数（没有可读的文件时为 null）"},
            "warnings": {**count, "title": "提示数"},
            "explained": {**count, "title": "其中已说明的提示"},
            "file": {**nullable_str, "title": "采用的文件"},
            "identified_by": {"enum": [*SOURCES, "对应表", None], "title": "按什么认定是本单位的文件"},
            "other_files": {"type": "array", "items": {"type": "string"}, "title": "未采用的文件"},
            "previous_file": {**nullable_str, "title": "对应的上年文件（--previous）"},
            "note": {"type": "string", "title": "说明"},
        },
    }
    evidence = {
        "type": "object", "additionalProperties": False,
        "required": ["source", "text", "unit", "candidates"],
        "properties": {"source": {"enum": list(SOURCES), "title": "线索"},
                       "text": {"type": "string", "title": "文件中写的"},
                       "unit": {**nullable_str, "title": "指向名单中的单位"},
                       "candidates": {"type": "array", "items": {"type": "string"},
                                      "title": "同样符合的几个单位"}},
    }
    placed = {
        "type": "object", "additionalProperties": False,
        "required": ["file", "role", "unit", "note", "evidence"],
        "properties": {"file": {"type": "string"},
                       "role": {"enum": list(FILE_ROLES), "title": "文件的用途"},
                       "unit": {**nullable_str, "title": "对应的单位"},
                       "note": {"type": "string"},
                       "evidence": {"type": "array", "items": {"$ref": "#/$defs/evidence"}}},
    }
    return {"unit": unit, "evidence": evidence, "placed_file": placed}

"""JSON Schemas derived from the format spec; ``schemas/`` holds their committed copies."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from .errors import GiarError
from .spec import DEFAULT_FORMAT, FormatSpec

# the published copy at the top of the repository, and the copy installed with the package
# (package data: ``giar-xl schema`` prints it); scripts/build_templates.py writes both
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
PACKAGED_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILES = {"report": "report.schema.json", "findings": "findings.schema.json"}
REPORT_SCHEMA_ID = "https://giar-xl.example/schemas/report.schema.json"


def report_schema(spec: FormatSpec = DEFAULT_FORMAT) -> dict[str, Any]:
    value = {"type": ["number", "string", "null"],
             "description": "数字；空白为 null；非数字的原样文字（如“/”）保留为字符串，由校验报告"}
    text_ids = [p.id for s in spec.sections for p in s.parts]
    value_props = {c.id: {**value, "title": f"{c.row_label} / {c.col_label}（{c.unit}）"}
                   for c in spec.value_cells}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": REPORT_SCHEMA_ID,
        "title": "政府信息公开工作年度报告（giar-xl 报告数据）",
        "type": "object",
        "required": ["format", "agency", "year", "texts", "values"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": spec.id, "title": spec.name},
            "agency": {"type": ["string", "null"], "title": "机关名称"},
            "year": {"type": ["integer", "string", "null"], "title": "报告年度"},
            "published": {"type": ["string", "null"], "title": "发布日期"},
            "texts": {"type": "object", "additionalProperties": False,
                      "properties": {i: {"type": "string"} for i in text_ids}},
            "values": {"type": "object", "additionalProperties": False,
                       "properties": value_props},
            "previous": {"type": "object", "additionalProperties": False,
                         "title": "上年数据（用于跨年度衔接检查）",
                         "properties": {c.id: value for c in spec.value_cells}},
            "meta": {"type": "object", "title": "生成信息（不显示在报告正文中）"},
        },
    }


@lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.protocols.Validator:
    # the generated schema, not the committed copy: a test keeps the copy fresh
    schema = SCHEMAS[name]()
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _field_path(err: jsonschema.ValidationError) -> str:
    parts = [str(p) for p in err.absolute_path]
    return "/".join(parts) if parts else "（文档顶层）"


_MESSAGES = {
    "type": "类型不对（应为 {expected}）",
    "required": "缺少必填字段",
    "additionalProperties": "含有本格式没有的字段",
    "const": "格式标识不对（应为 {expected}）",
}
_TYPE_WORDS = {"number": "数字", "string": "文字", "null": "空", "integer": "整数",
               "object": "对象", "array": "数组", "boolean": "是/否"}


def _chinese(err: jsonschema.ValidationError) -> tuple[str, str]:
    path = _field_path(err)
    if err.validator == "type":
        types = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        return path, f"类型不对（应为{'或'.join(_TYPE_WORDS.get(t, t) for t in types)}，实为 {err.instance!r}）"
    if err.validator == "required":
        missing = [k for k in err.validator_value if k not in (err.instance or {})]
        return (path + "/" + missing[0] if path != "（文档顶层）" else missing[0]), "缺少必填字段"
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        name = (path + "/" if path != "（文档顶层）" else "") + (extra[0] if extra else "")
        return name, "本格式没有这个字段（请检查拼写）"
    if err.validator == "const":
        return path, f"格式标识应为“{err.validator_value}”，实为 {err.instance!r}"
    return path, f"不符合数据格式要求（{err.message}）"


def validate_report_json(doc: Any, *, source: str | None = None) -> None:
    """Raise a GiarError naming the first offending field, in Chinese."""
    if not isinstance(doc, dict):
        raise GiarError("报告数据应是一个 JSON 对象。", file=source)
    v = _validator("report.schema.json")
    errors = sorted(v.iter_errors(doc), key=lambda e: (len(list(e.absolute_path)), str(e.path)))
    if errors:
        field, msg = _chinese(errors[0])
        more = f"（另有 {len(errors) - 1} 处问题）" if len(errors) > 1 else ""
        raise GiarError(msg + more, file=source, field=field)


def _findings_schema() -> dict[str, Any]:
    from .checker.findings import findings_schema  # the checker imports this module

    return findings_schema()


SCHEMAS = {"report.schema.json": report_schema, "findings.schema.json": _findings_schema}


def render_schemas() -> dict[str, str]:
    return {name: json.dumps(fn(), ensure_ascii=False, indent=2) + "\n"
            for name, fn in SCHEMAS.items()}


def write_schemas(directories: tuple[Path, ...] = (SCHEMA_DIR, PACKAGED_SCHEMA_DIR)) -> None:
    for directory in directories:
        directory.mkdir(exist_ok=True)
        for name, text in render_schemas().items():
            (directory / name).write_text(text, "utf-8")


def packaged_schema(name: str) -> str:
    """The installed copy of a schema ("report" or "findings"), as text."""
    from importlib.resources import files

    return files("giar_xl").joinpath("schemas", SCHEMA_FILES[name]).read_text("utf-8")

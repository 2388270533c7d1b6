"""Publishable output: HTML, Word, PDF, JSON and plain text, all derived from the format spec.

``export_report(report, fmt)`` returns the file's bytes; writing them (atomically,
never over an existing file without --force) is the command's job.

``unclean`` marks a forced export of a report that has 错误 findings. It goes
into metadata only (HTML ``<meta name="giar-xl-unclean">``, Word core
properties, JSON ``meta.unclean``), never into the visible text: the published
page must read like any other, while a reviewer can still tell.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..report import Report

FORMATS = ("html", "docx", "pdf", "json", "txt")
SUFFIXES = {"html": ".html", "docx": ".docx", "pdf": ".pdf", "json": ".json", "txt": ".txt"}
FORMAT_NAMES = {"html": "网页（HTML）", "docx": "文档（Word）", "pdf": "文档（PDF）",
                "json": "数据（JSON）", "txt": "纯文本（TXT）"}
# the formats that end with the signature (机关名称 and 发布日期)
SIGNED = ("html", "docx", "pdf", "txt")


def export_json(report: Report, unclean: dict | None = None) -> bytes:
    from ..schema import validate_report_json

    doc = report.to_json()
    if unclean:
        doc["meta"] = {**doc.get("meta", {}), "unclean": unclean}
    # the output must be readable back by load_json_report: check it here, not downstream
    validate_report_json(doc)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _renderer(fmt: str) -> Callable[..., bytes]:
    # imported lazily: python-docx costs ~100 ms to import and HTML export needs none of it
    if fmt == "html":
        from .html import export_html
        return export_html
    if fmt == "docx":
        from .docx import export_docx
        return export_docx
    if fmt == "pdf":
        from .pdf import export_pdf
        return export_pdf
    if fmt == "txt":
        from .text import export_text
        return export_text
    if fmt == "json":
        return export_json
    raise ValueError(f"unknown export format {fmt!r}")


def export_report(report: Report, fmt: str, *, unclean: dict | None = None) -> bytes:
    """The report rendered as ``fmt`` ("html", "docx", "pdf", "json" or "txt")."""
    return _renderer(fmt)(report, unclean)


__all__ = ["FORMATS", "FORMAT_NAMES", "SIGNED", "SUFFIXES", "export_report"]

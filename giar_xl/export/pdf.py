"""PDF: the Word export, printed to PDF by LibreOffice headless, fonts embedded.

Most sites attach a PDF beside the web page. The PDF is the Word file as
LibreOffice lays it out (see ``docx.py``), so the two never differ. LibreOffice
embeds the fonts it uses (subsets) by default; where the official fonts are not
installed, ``libreoffice.FONT_STAND_INS`` names the faces that stand in.

The bytes are made reproducible: LibreOffice stamps the conversion time and a
random file identifier, which are replaced (same lengths, so the cross-reference
table stays valid) by the report's own date and a digest of the content.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from ..errors import GiarError
from ..report import Report
from .docx import build_document, document_time
from .html import unclean_summary

NO_LIBREOFFICE = ("导出 PDF 需要 LibreOffice（免费办公软件），本机没有找到。请安装 LibreOffice 后重试；"
                  "也可以先导出 Word 文档（--to docx），用 Word 或 WPS 打开后“另存为”PDF。")
UNCLEAN_MARK = "giar-xl-unclean"

_CREATION = re.compile(rb"/CreationDate\(D:(\d{14})")
_ID = re.compile(rb"/ID \[ ?<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})> ?\]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-Fa-f]{32})")


def export_pdf(report: Report, unclean: dict | None = None) -> bytes:
    from ..libreoffice import convert, soffice

    if soffice() is None:
        raise GiarError(NO_LIBREOFFICE)
    doc = build_document(report, unclean)
    if unclean:
        # LibreOffice carries the keywords into the PDF's document properties, not onto a page
        doc.core_properties.keywords += f"；{UNCLEAN_MARK}：{unclean_summary(unclean)}"
    with tempfile.TemporaryDirectory(prefix="giar-pdf-") as tmp:
        src = Path(tmp) / "report.docx"
        doc.save(str(src))
        data = convert(src, "pdf", Path(tmp) / "out").read_bytes()
    return reproducible_pdf(data, document_time(report).strftime("%Y%m%d%H%M%S").encode())


def reproducible_pdf(data: bytes, stamp: bytes) -> bytes:
    """Replace the conversion time and the random identifiers, keeping every byte offset."""
    data = _CREATION.sub(lambda m: b"/CreationDate(D:" + stamp, data)
    blank = _CHECKSUM.sub(lambda m: b"/DocChecksum /" + b"0" * 32,
                          _ID.sub(lambda m: m.group(0).replace(m.group(1), b"0" * 32)
                                  .replace(m.group(2), b"0" * 32), data))
    digest = hashlib.md5(blank, usedforsecurity=False).hexdigest().upper().encode()
    data = _ID.sub(lambda m: m.group(0).replace(m.group(1), digest).replace(m.group(2), digest),
                   data)
    return _CHECKSUM.sub(lambda m: b"/DocChecksum /" + digest, data)

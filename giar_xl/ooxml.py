"""Byte-reproducible OOXML packages (.xlsx, .xlsm, .docx).

openpyxl and python-docx write some parts in an order that depends on Python's
string hashing (``[Content_Types].xml`` entries, kept VBA parts) and stamp the
zip entries and ``docProps/core.xml`` with the current time. Every package
giar-xl writes goes through ``reproducible`` so that the same input gives the
same bytes under any ``PYTHONHASHSEED``, on any day.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import datetime

from lxml import etree

# the date of the format notice (国办公开办函〔2021〕30号): the default stamp of every package
FIXED_TIME = datetime(2021, 9, 26)
_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
_FIRST = {"[Content_Types].xml": 0, "_rels/.rels": 1}


def _content_types(body: bytes) -> bytes:
    """``[Content_Types].xml`` with its Default and Override entries in a fixed order."""
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    children = list(root)
    for child in children:
        root.remove(child)

    def key(el: etree._Element) -> tuple[int, str]:
        local = etree.QName(el).localname
        return (0, el.get("Extension", "").lower()) if local == "Default" \
            else (1, el.get("PartName", ""))

    for child in sorted(children, key=key):
        root.append(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def reproducible(data: bytes, when: datetime = FIXED_TIME) -> bytes:
    """Rewrite a package with sorted parts, sorted content types and fixed dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    infos = sorted(src.infolist(), key=lambda i: (_FIRST.get(i.filename, 2), i.filename))
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in infos:
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            if info.filename == "[Content_Types].xml":
                dst.writestr(zi, _content_types(src.read(info.filename)))
            elif info.filename == "docProps/core.xml":
                dst.writestr(zi, _CORE_DATE.sub(rb"\g<1>" + stamp + rb"\g<2>", src.read(info.filename)))
            else:  # copied in pieces: a sheet with a row per unit of a province is megabytes unpacked
                with src.open(info) as body, dst.open(zi, "w", force_zip64=info.file_size > 2**31) as to:
                    shutil.copyfileobj(body, to, 1 << 16)
    return out.getvalue()

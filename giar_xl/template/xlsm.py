"""The macro-enabled template: the standard workbook plus a "校验" button on the cover and table sheets.

The VBA project is compiled from the text sources in workbook_templates/vba by
ms-ovba (build time only); the buttons are form controls drawn by XlsxWriter in
a skeleton workbook, which openpyxl then fills with the standard content while
keeping the VBA project and the button drawings (``keep_vba=True``).
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import tempfile
from pathlib import Path

from ..layout import BINDING_SHEET
from ..report import Report
from ..spec import DEFAULT_FORMAT, FormatSpec

MACRO = "GiarCheck"
CAPTION = "校验"
VBA_BIN = Path(__file__).resolve().parent.parent / "data" / "vbaProject.bin"
VBA_SOURCES = Path(__file__).resolve().parent.parent.parent / "workbook_templates" / "vba"


def button_sheets(spec: FormatSpec) -> dict[str, tuple[int, int]]:
    """Sheets that carry the button, with its (row, column), 0-based, right of the content."""
    out = {spec.cover_sheet: (2, 3)}
    for s in spec.sections:
        if s.table is not None:
            out[s.sheet] = (2, s.table.n_cols + 1)
    return out


def skeleton(vba: bytes, spec: FormatSpec = DEFAULT_FORMAT) -> bytes:
    """An empty workbook with the sheets, the VBA project and the buttons."""
    import xlsxwriter

    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="giar-vba-") as tmp:
        bin_path = Path(tmp) / "vbaProject.bin"
        bin_path.write_bytes(vba)
        wb = xlsxwriter.Workbook(buf, {"in_memory": True})
        buttons = button_sheets(spec)
        for name in [spec.cover_sheet] + [s.sheet for s in spec.sections] + [BINDING_SHEET]:
            ws = wb.add_worksheet(name)
            if name in buttons:
                row, col = buttons[name]
                ws.insert_button(row, col, {"macro": MACRO, "caption": CAPTION,
                                            "width": 96, "height": 36})
        wb.add_vba_project(str(bin_path))
        wb.close()
    return buf.getvalue()


def build_xlsm(path: str | Path | None = None, report: Report | None = None, *,
               spec: FormatSpec = DEFAULT_FORMAT, force: bool = False) -> bytes:
    from .builder import build_workbook

    return build_workbook(path, report, spec=spec, force=force, base=skeleton(VBA_BIN.read_bytes(), spec))


def compile_vba(sources: list[Path]) -> bytes:
    """Compile .bas modules into a vbaProject.bin with ms-ovba, deterministically.

    ms-ovba's own command globs a folder (order varies) and writes next to its
    package files; this does the same steps on sorted sources in a private folder.
    """
    import uuid

    import ms_ovba
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    from ms_ovba_compression.ms_ovba import MsOvba

    from . import ovba

    blank = Path(ms_ovba.__file__).resolve().parent / "blank_files"
    # the project-protection fields (CMG/DPB/GC) are obfuscated with random bytes
    # (ms_ovba_crypto uses the random module): a fixed seed makes the build reproducible
    state = random.getstate()
    random.seed(20210926)
    # ms-ovba's compressor garbles modules over 4 KiB: use ours (see ovba.py)
    original = MsOvba.compress
    MsOvba.compress = lambda self, data: ovba.compress(bytes(data))
    with tempfile.TemporaryDirectory(prefix="giar-ovba-") as tmp, _chdir(tmp):
        project = VbaProject()
        project.project_id = "{9E394C0B-697E-4AEE-9FA6-446F51FB30DC}"
        for name, guid in (("Sheet1", "0002082000000000C000000000000046"),
                           ("ThisWorkbook", "0002081900000000C000000000000046")):
            shutil.copy(blank / f"{name}.cls", f"{name}.cls")
            doc = DocModule(name)
            doc.add_file(str(Path(tmp) / f"{name}.cls"))
            doc.add_guid(uuid.UUID(guid))
            doc.normalize_file()
            project.add_module(doc)
        for src in sorted(sources, key=lambda p: p.name):
            local = Path(tmp) / src.name
            shutil.copy(src, local)
            module = StdModule(src.stem)
            module.add_file(str(local))
            module.normalize_file()
            project.add_module(module)
        for guid, path, title, name in (
                ("0002043000000000C000000000000046", "C:\\Windows\\System32\\stdole2.tlb",
                 "OLE Automation", "stdole"),
                ("2DF8D04C5BFA101BBDE500AA0044DE52",
                 r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
                 "Microsoft Office 16.0 Object Library", "Office")):
            ref = ReferenceRegistered(LibidReference(uuid.UUID(guid), "2.0", "0", path, title))
            project.add_reference(Reference(ref, name))
        try:
            ProjectOleFile.write_file(project)
        finally:
            random.setstate(state)
            MsOvba.compress = original
        return (Path(tmp) / "vbaProject.bin").read_bytes()


@contextlib.contextmanager
def _chdir(path: str):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)

"""The macro-enabled template: its VBA, its buttons, and that LibreOffice opens it."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import pytest

from giar_xl.examples import load_example
from giar_xl.libreoffice import convert
from giar_xl.reader import read_workbook
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import ovba
from giar_xl.template.xlsm import (CAPTION, MACRO, VBA_BIN, VBA_SOURCES, build_xlsm, button_sheets,
                                   compile_vba)

ROOT = Path(__file__).resolve().parent.parent
XLSM = ROOT / "workbook_templates" / "giar-2021.xlsm"


def vba_modules(path: Path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def pinned_xlwings() -> str:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    return next(d.split("==")[1] for d in deps if d.startswith("xlwings=="))


def test_button_macro_calls_the_fixed_python_entry():
    modules = vba_modules(XLSM)
    code = modules["GiarButton.bas"]
    assert re.search(r"Public Sub GiarCheck\(\)", code)
    assert 'RunPython "import giar_xl.button; giar_xl.button.run()"' in code
    # never derived from the file name: no ThisWorkbook.Name / FullName in our module
    assert "ThisWorkbook.Name" not in code and "FullName" not in code
    assert all(ord(ch) < 128 for ch in code), "VBA source must be ASCII-only"


def test_embedded_xlwings_module_matches_the_pinned_version():
    import xlwings

    code = vba_modules(XLSM)["xlwings.bas"]
    # the whole module survives compression (ms-ovba's own compressor garbled it)
    assert code.rstrip("\r\n") == (VBA_SOURCES / "xlwings.bas").read_bytes().decode("ascii").rstrip("\r\n")
    version = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', code).group(1)
    assert version == pinned_xlwings() == xlwings.__version__
    assert "Public Function RunPython(" in code
    # the repository's copy is the wheel's module, unchanged
    wheel = Path(xlwings.__file__).parent / "xlwings.bas"
    assert (VBA_SOURCES / "xlwings.bas").read_bytes() == wheel.read_bytes()


@pytest.mark.parametrize("seed", range(40))
def test_ovba_compression_roundtrips(seed):
    import random

    from oletools.olevba import decompress_stream

    rng = random.Random(seed)
    words = [b"Dim ", b"As String", b"\r\n", b"    ", b"RunPython ", b"'", b"End Sub", b"x", b"=", b"1"]
    data = b"".join(rng.choice(words) for _ in range(rng.choice([0, 1, 50, 700, 1500, 4000])))
    # an incompressible block stored as raw 4096-byte chunks, then text again
    data += bytes(rng.randrange(32, 127) for _ in range(rng.choice([0, 3, 4096 - len(data) % 4096])))
    data += b"End Sub\r\n" * rng.choice([0, 1, 600])
    assert bytes(decompress_stream(bytearray(ovba.compress(data)))) == data


def test_ovba_refuses_what_it_cannot_store():
    with pytest.raises(ValueError):
        import random

        ovba.compress(random.Random(0).randbytes(3840))  # incompressible short last chunk


def test_buttons_on_cover_and_table_sheets():
    with zipfile.ZipFile(XLSM) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        names = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb)
        targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels)) | \
            {i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        with_button = set()
        for name, rid in names:
            part = targets[rid].lstrip("/")
            part = part if part.startswith("xl/") else "xl/" + part
            rel_part = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if rel_part not in z.namelist():
                continue
            for vml in re.findall(r'Target="([^"]+\.vml)"', z.read(rel_part).decode()):
                text = z.read("xl/" + vml.split("xl/")[-1].lstrip("./")).decode("utf-8")
                if f"{MACRO}</x:FmlaMacro>" in text and CAPTION in text:
                    with_button.add(name)
        assert "xl/vbaProject.bin" in z.namelist()
    assert with_button == set(button_sheets(DEFAULT_FORMAT))


def test_committed_macro_template_is_fresh():
    pytest.importorskip("ms_ovba")
    assert compile_vba(sorted(VBA_SOURCES.glob("*.bas"))) == VBA_BIN.read_bytes()
    assert build_xlsm() == XLSM.read_bytes(), "run scripts/build_templates.py"


def test_reader_reads_the_macro_workbook(tmp_path):
    path = tmp_path / "年报(1).xlsm"
    build_xlsm(path, load_example())
    assert read_workbook(path).to_json() == load_example().to_json()


@pytest.mark.slow
def test_libreoffice_opens_the_macro_workbook(tmp_path):
    out = convert(XLSM, "xlsx", tmp_path)
    assert read_workbook(out).values == read_workbook(XLSM).values

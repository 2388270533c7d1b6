#!/usr/bin/env python3
"""Rebuild the committed templates in workbook_templates/ (a test fails when they are stale)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from giar_xl.schema import write_schemas  # noqa: E402
from giar_xl.template import build_workbook  # noqa: E402
from giar_xl.template.xlsm import VBA_BIN, VBA_SOURCES, build_xlsm, compile_vba  # noqa: E402

TEMPLATE = ROOT / "workbook_templates" / "giar-2021.xlsx"
MACRO_TEMPLATE = ROOT / "workbook_templates" / "giar-2021.xlsm"


def main() -> None:
    TEMPLATE.parent.mkdir(exist_ok=True)
    build_workbook(TEMPLATE, force=True)
    write_schemas()
    # the VBA project is compiled from the .bas text sources (needs ms-ovba, a test dependency)
    VBA_BIN.write_bytes(compile_vba(sorted(VBA_SOURCES.glob("*.bas"))))
    build_xlsm(MACRO_TEMPLATE, force=True)
    for p in (TEMPLATE, MACRO_TEMPLATE, VBA_BIN):
        print(f"wrote {p.relative_to(ROOT)}")
    print("wrote schemas/ and giar_xl/schemas/")


if __name__ == "__main__":
    main()

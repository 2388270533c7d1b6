#!/usr/bin/env python3
"""Rebuild the committed templates in workbook_templates/ (a test fails when they are stale)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from giar_xl.schema import write_schemas  # noqa: E402
from giar_xl.template import build_workbook  # noqa: E402

TEMPLATE = ROOT / "workbook_templates" / "giar-2021.xlsx"


def main() -> None:
    TEMPLATE.parent.mkdir(exist_ok=True)
    build_workbook(TEMPLATE, force=True)
    write_schemas()
    print(f"wrote {TEMPLATE.relative_to(ROOT)} and schemas/")


if __name__ == "__main__":
    main()

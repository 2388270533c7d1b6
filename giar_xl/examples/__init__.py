"""Bundled examples (report JSON documents)."""

from __future__ import annotations

from pathlib import Path

EXAMPLE_DIR = Path(__file__).resolve().parent
SHIZHUANG_2024 = EXAMPLE_DIR / "shizhuang-2024.json"


def load_example(name: str = "shizhuang-2024"):
    from ..report import load_json_report

    return load_json_report(EXAMPLE_DIR / f"{name}.json")

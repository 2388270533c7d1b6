"""The standard workbook template."""

from .builder import build_workbook

__all__ = ["build_workbook"]

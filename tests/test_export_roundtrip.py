"""Exported HTML and text read back by the importer give the same report (export and import agree)."""

from __future__ import annotations

import pytest

from giar_xl.export import export_report
from giar_xl.importer import import_report
from conftest import balanced_report
from test_export_grid import distinct_report


@pytest.mark.parametrize("fmt", ["html", "txt"])
@pytest.mark.parametrize("make", [balanced_report, distinct_report, None],
                         ids=["balanced", "distinct", "example"])
def test_import_reads_back_what_export_wrote(fmt, make, tmp_path, example_report):
    report = make() if make else example_report
    report.published = "2025-01-20"
    path = tmp_path / f"report.{fmt}"
    path.write_bytes(export_report(report, fmt))
    back = import_report(path)
    assert back.meta.get("import_notes") in (None, [])
    assert (back.agency, back.year, back.published) == (report.agency, report.year, report.published)
    assert back.values == report.values
    assert {k: v.strip() for k, v in back.texts.items()} == \
        {k: (v or "").strip() for k, v in report.texts.items()}

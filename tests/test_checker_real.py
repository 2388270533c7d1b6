"""Real published reports (tests/fixtures/pages), imported and checked: what the checker says
about them is what a careful reader of the page finds (see the fixtures' README)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from giar_xl.checker import check
from giar_xl.importer import import_report
from giar_xl.reader import read_workbook
from giar_xl.template import build_workbook

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
TODAY = date(2026, 6, 30)


def where(findings):
    return [(f.code, f.cell) for f in findings]


def test_jtj_2025_has_no_error():
    found = check(import_report(PAGES / "jtj-2025.html"), today=TODAY)
    assert [f for f in found if f.severity == "错误"] == []


def test_haitan_2025_totals_that_do_not_add_up_are_found_in_json_and_in_the_workbook(tmp_path):
    report = import_report(PAGES / "haitan-2025.html")
    as_data = check(report, today=TODAY)
    # published: 总计 column 0 where 自然人 has 2, 1, 1 and （七）总计 2; no 规章 row at all
    assert [x for x in where(as_data) if x[0] in ("I2", "V01")] == [
        ("V01", "B5"), ("V01", "C5"), ("V01", "D5"),
        ("I2", "J6"), ("I2", "J9"), ("I2", "J18"), ("I2", "J29")]
    # the same report in the standard workbook: each wrong total is a number typed over its formula
    book = tmp_path / "haitan.xlsx"
    build_workbook(book, report)
    in_book = check(read_workbook(book), today=TODAY)
    assert where(in_book) == [("F01" if code == "I2" else code, cell) for code, cell in where(as_data)]


def test_old_format_page_is_named_2019(tmp_path):
    from giar_xl.importer import OldFormatReport

    with pytest.raises(OldFormatReport) as info:
        import_report(PAGES / "haitan-2020-old-format.html")
    found = check(info.value.report, today=TODAY)
    assert ("S07", "错误") in [(f.code, f.severity) for f in found]

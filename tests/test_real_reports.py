"""Real published reports (tests/fixtures/real): the importer reads every printed number, and
the checker finds every verified error at the cell a person would fix, with no false 错误 —
as data and again in the standard workbook. See tests/fixtures/real/README.md for the corpus
and how each table was read; printed.json and verified.json are the ground truth.
"""

from __future__ import annotations

import pytest

from giar_xl.checker import check
from giar_xl.importer import OldFormatReport, import_report
from giar_xl.reader import read_workbook
from giar_xl.template import build_workbook
from real_corpus import (
    PRINTED,
    REAL,
    REPORTS_2019,
    REPORTS_2021,
    TODAY,
    VERIFIED,
    compare,
    describe,
    fixture,
    fixture_matches_archive,
    hint_hit_rates,
    imported_number,
    printed_number,
)

PAGES = REAL.parent / "pages"


def test_every_report_has_its_tables_and_verdict():
    assert len(REPORTS_2021) >= 15
    assert sorted(PRINTED) == sorted(VERIFIED)
    for name in PRINTED:
        assert fixture(name).is_file(), name
        assert (REAL / "archive" / f"{name}.page.txt").is_file(), name
        assert VERIFIED[name]["correct"] == (not VERIFIED[name]["errors"]
                                             and VERIFIED[name].get("format", "2021") == "2021"), name


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_fixture_text_is_the_archive_text(name):
    # the fixture is the archive's page.txt re-broken into lines (paragraphs, one table cell per
    # line): removing all whitespace, the two must hold the same characters in the same order
    assert fixture_matches_archive(name), name


@pytest.mark.parametrize("name", REPORTS_2021)
def test_importer_reads_every_printed_number(name):
    report = import_report(fixture(name))
    expected = PRINTED[name]
    assert (report.agency, report.year) == (expected["agency"], expected["year"])
    wrong = [f"{cid}: printed {printed_number(v)!r}, imported {report.values.get(cid)!r}"
             for cid, v in expected["values"].items()
             if printed_number(v) != imported_number(report.values.get(cid))]
    assert not wrong, f"{name}: " + "; ".join(wrong)
    assert len(expected["values"]) == len(report.spec.value_cells)


@pytest.mark.parametrize("name", REPORTS_2021)
def test_checker_finds_the_verified_errors_and_no_false_error(name):
    findings = check(import_report(fixture(name)), today=TODAY)
    verdict = compare(name, findings)
    assert not verdict.missed and not verdict.false, describe(name, verdict, findings)


@pytest.mark.parametrize("name", REPORTS_2021)
def test_the_same_verdict_in_the_standard_workbook(name, tmp_path):
    book = tmp_path / f"{name}.xlsx"
    build_workbook(book, import_report(fixture(name)))
    findings = check(read_workbook(book), today=TODAY)
    verdict = compare(name, findings, book=True)
    assert not verdict.missed and not verdict.false, describe(name, verdict, findings, book=True)


@pytest.mark.parametrize("path", [fixture(n) for n in REPORTS_2019] + [PAGES / "haitan-2020-old-format.html"],
                         ids=lambda p: p.name)
def test_2019_format_reports_are_refused_and_named(path):
    with pytest.raises(OldFormatReport) as info:
        import_report(path)
    found = check(info.value.report, today=TODAY)
    assert ("S07", "错误") in [(f.code, f.severity) for f in found]


def test_hint_hit_rates_cover_every_hint_rule():
    from giar_xl.checker import RULES

    rates = hint_hit_rates()
    assert sorted(rates) == sorted(r.code for r in RULES if r.severity == "提示")
    assert all(0 <= hits <= total == len(REPORTS_2021) for hits, total in rates.values())
    # N02 (上年度问题整改) is missing from almost every real report: the rate must show it
    assert rates["N02"][0] >= len(REPORTS_2021) // 2

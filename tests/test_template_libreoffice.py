"""LibreOffice, headless, opens the template, recalculates, and agrees with the identities."""

from __future__ import annotations

import openpyxl
import pytest

from giar_xl.layout import BALANCED, NOT_NUMBER, UNBALANCED, places, status_cells
from giar_xl.libreoffice import convert
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.spec.format2021 import t3_id
from giar_xl.template import build_workbook

from conftest import balanced_report

# LibreOffice is a test requirement (.ci/run installs it): no skip, a missing soffice fails
pytestmark = pytest.mark.slow
SPEC = DEFAULT_FORMAT


def value(book, cid):
    p = places(SPEC)[cid]
    return book[p.sheet][p.address].value


def status(book):
    return {inst.scope: book[sheet][address].value for inst, sheet, address in status_cells(SPEC)}


def expected_sums(report: Report) -> dict[str, float]:
    """Each formula cell's value recomputed here from the identities, not from the template."""
    out: dict[str, float] = {}
    for inst in SPEC.identities:
        if inst.formula_cell and inst.lhs == (inst.formula_cell,):
            out[inst.formula_cell] = sum(out.get(x, report.number(x) or 0) for x in inst.rhs)
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lo")
    balanced = balanced_report(7)
    unbalanced = balanced_report(8)
    # one more application received by a 科研机构 than the results and carry-over account for
    unbalanced.values[t3_id("R1", "research")] += 3
    unbalanced.values[t3_id("R1", "total")] += 3
    blank = Report.empty()
    blank.values[t3_id("R25", "natural")] = None
    blank.values[t3_id("R2", "legal")] = "/"
    srcs = {}
    for name, report in [("zero", None), ("balanced", balanced), ("unbalanced", unbalanced),
                         ("blank", blank)]:
        srcs[name] = tmp / f"{name}.xlsx"
        build_workbook(srcs[name], report)
    outs = {n: convert(p, "xlsx", tmp / "lo") for n, p in srcs.items()}
    return ({n: openpyxl.load_workbook(p, data_only=True) for n, p in outs.items()},
            {"zero": Report.empty(), "balanced": balanced, "unbalanced": unbalanced})


def test_zero_template_balances(books):
    book = books[0]["zero"]
    assert set(status(book).values()) == {BALANCED}
    for c in SPEC.value_cells:
        assert value(book, c.id) == 0
    assert book["封面"]["B9"].value.startswith("✓")


@pytest.mark.parametrize("name", ["balanced", "unbalanced"])
def test_formula_cells_compute_the_identities(books, name):
    book, report = books[0][name], books[1][name]
    for cid, total in expected_sums(report).items():
        assert value(book, cid) == pytest.approx(total), cid


def test_balanced_book_shows_balanced(books):
    assert set(status(books[0]["balanced"]).values()) == {BALANCED}


def test_unbalanced_book_shows_the_column_and_difference(books):
    st = status(books[0]["unbalanced"])
    assert st["科研机构列"] == UNBALANCED + "3"
    assert st["总计列"] == UNBALANCED + "3"
    assert {k for k, v in st.items() if v != BALANCED} == {"科研机构列", "总计列"}
    cover = books[0]["unbalanced"]["封面"]
    assert cover["B9"].value.startswith("✗")


def test_blank_or_text_is_flagged_live(books):
    book = books[0]["blank"]
    st = status(book)
    assert st["自然人列"] == NOT_NUMBER
    assert st["法律服务机构列"] == NOT_NUMBER
    assert book["封面"]["B10"].value == "✗ 有 2 个数字单元格空白或不是数字（标黄处）"

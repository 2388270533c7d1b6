"""LibreOffice, headless, opens the template, recalculates, and agrees with the identities."""

from __future__ import annotations

import openpyxl
import pytest

from giar_xl.layout import BALANCED, NOT_NUMBER, PENDING, UNBALANCED, places, status_cells
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


@pytest.fixture(scope="module")
def distributed(tmp_path_factory):
    """A workbook as `distribute` sends it (last year's carry-over prefilled), untouched, then
    with this year's figures entered, then with only 本年新收 entered; recalculated by LibreOffice."""
    from giar_xl.county.distribute import carry_over, new_report
    from giar_xl.county.units import Unit

    tmp = tmp_path_factory.mktemp("distributed")
    last = balanced_report(3, year=2024)
    last.values[t3_id("R25", "business")] = 0  # a column with nothing carried over
    untouched = new_report(Unit("测试县某某镇人民政府", 2), 2025)
    assert carry_over(untouched, last) == []
    entered = Report.from_json(untouched.to_json())
    for col in ("natural", "research", "nonprofit", "legal", "other"):
        entered.values[t3_id("R3", col)] = entered.values[t3_id("R2", col)]  # all disclosed
    half = Report.from_json(untouched.to_json())
    half.values[t3_id("R1", "natural")] = 4
    books = {}
    for name, report in (("untouched", untouched), ("entered", entered), ("half", half)):
        build_workbook(tmp / f"{name}.xlsx", report)
        books[name] = openpyxl.load_workbook(convert(tmp / f"{name}.xlsx", "xlsx", tmp / "lo"),
                                             data_only=True)
    return books, last


def test_a_distributed_book_says_what_is_to_fill_not_unbalanced(distributed):
    """Before the unit types anything, the carry-over alone is no imbalance (issue 18)."""
    books, last = distributed
    book = books["untouched"]
    carried = {inst.scope for inst in SPEC.identities if inst.code == "I1"
               and last.values.get(inst.lhs[0].replace(".new.", ".carry_forward."))}
    st = status(book)
    assert {k for k, v in st.items() if v == PENDING} == carried | {"总计列"}
    assert {k for k, v in st.items() if v != PENDING} == {"商业企业列"}
    assert st["商业企业列"] == BALANCED
    cover = book["封面"]["B9"].value
    assert not cover.startswith("✗") and "待填写" in cover, cover
    assert "本年新收" in cover and "办理结果" in cover, cover


def test_entered_figures_balance_and_a_half_entry_is_unbalanced(distributed):
    books, _ = distributed
    assert set(status(books["entered"]).values()) == {BALANCED}
    assert books["entered"]["封面"]["B9"].value.startswith("✓")
    st = status(books["half"])
    assert st["自然人列"].startswith(UNBALANCED)
    assert books["half"]["封面"]["B9"].value.startswith("✗")

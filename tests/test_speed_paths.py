"""The shortcuts of issue 13 give exactly what the long ways give.

- a sheet within the limits is parsed as one tree in C; above them it is streamed
  (refused at whichever limit comes first): both read the same cells;
- ``read_workbook`` reads only the head of the hidden binding sheet, and still refuses
  one that breaks a limit;
- shared strings are turned into text on demand;
- the balance model is built only when an identity fails on whole numbers;
- whole numbers in a formula are summed as integers.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from lxml import etree

from giar_xl import xlsx
from giar_xl.checker import RULES
from giar_xl.checker.balance import build_model
from giar_xl.checker.cases import CASE_TODAY, build
from giar_xl.checker.context import CheckContext, holds_on_whole_numbers
from giar_xl.errors import UnreadableInput
from giar_xl.formula import FormulaError, Linear, Term, evaluate
from giar_xl.layout import BINDING_SHEET
from giar_xl.reader import read_workbook
from giar_xl.template import build_workbook

from conftest import balanced_report
from hostile_helpers import MAIN_NS, parts_of, with_part

BINDING_PART = "xl/worksheets/sheet8.xml"


@pytest.fixture(scope="module")
def book_bytes() -> bytes:
    r = balanced_report(3)
    r.previous = {c: i for i, c in enumerate(r.values)}  # a long B5: last year's figures
    r.meta = {"note": "备注" * 400}  # a long B4
    return build_workbook(None, r)


def _cells(sheet: xlsx.SheetData) -> dict:
    return {a: (c.value, c.formula, c.has_value, c.is_date, c.error) for a, c in sheet.cells.items()}


def test_tree_and_stream_read_the_same_cells(book_bytes):
    parts = parts_of(book_bytes)
    # a sheet with what the template does not write: shared formulas, rich text, errors, merges
    extra = (b'<worksheet ' + MAIN_NS + b'><sheetData><row r="1">'
             b'<c r="A1"><f t="shared" ref="A1:A3" si="0">B1+1</f><v>3</v></c>'
             b'<c r="B1" t="inlineStr"><is><r><t>\xe7\x94\xb2</t></r><r><t>_x0041_</t></r>'
             b'<rPh><t>x</t></rPh></is></c><c r="C1" t="e"><v>#REF!</v></c>'
             b'<c r="D1" t="b"><v>1</v></c><c r="E1" s="1"><v>45000</v></c></row>'
             b'<row r="2"><c r="A2"><f t="shared" si="0"/><v>4</v></c></row></sheetData>'
             b'<mergeCells><mergeCell ref="B1:C1"/></mergeCells></worksheet>')
    bodies = [body for name, body in parts.items() if name.startswith("xl/worksheets/")] + [extra]
    z = xlsx._Zip.__new__(xlsx._Zip)
    z.path = "x.xlsx"
    strings = xlsx._Strings([])
    for body in bodies:
        tree, stream = xlsx.SheetData("s", "visible"), xlsx.SheetData("s", "visible")
        xlsx._read_cells(etree.fromstring(body, xlsx._parser()).iter(xlsx._C, xlsx._MERGE), z, tree,
                         strings, {1})
        xlsx._read_streaming(body, "p", z, stream, strings, {1})
        assert _cells(tree) == _cells(stream) and tree.merges == stream.merges
        assert tree.cells
    assert tree.cells["A2"].formula == "=B2+1" and tree.cells["B1"].value == "甲A"
    assert tree.cells["C1"].error and tree.cells["E1"].is_date and tree.merges == {"B1:C1"}


def test_the_binding_head_is_all_the_reader_needs(book_bytes, tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(book_bytes)
    whole = xlsx.load(path).sheets[BINDING_SHEET]
    head = xlsx.load(path, head_rows={BINDING_SHEET: 5}).sheets[BINDING_SHEET]
    assert len(whole.cells) > 1000 and len(head.cells) < 12
    for address, cell in head.cells.items():
        assert _cells(head)[address] == _cells(whole)[address]
    assert len(whole.cells["B4"].value) + len(whole.cells["B5"].value) > 3 * xlsx.HEAD_CHUNK  # several feeds
    r = read_workbook(path)
    assert r.previous and r.meta["note"] == "备注" * 400


def test_a_binding_sheet_over_the_cell_limit_is_still_refused(book_bytes, tmp_path):
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i)
                    for i in range(10, 10 + xlsx.MAX_CELLS_PER_SHEET + 1))
    body = parts_of(book_bytes)[BINDING_PART].replace(b'<row r="7">', rows + b'<row r="7">', 1)
    path = tmp_path / "大标记页.xlsx"
    path.write_bytes(with_part(book_bytes, BINDING_PART, body))
    with pytest.raises(UnreadableInput, match=str(xlsx.MAX_CELLS_PER_SHEET)):
        read_workbook(path)


def test_shared_strings_are_read_on_demand_and_checked(book_bytes, tmp_path):
    si = lambda t: b"<si><t>%s</t></si>" % t  # noqa: E731
    sst = b"<sst " + MAIN_NS + b">" + si(b"a") + b"<si><r><t>b</t></r><r><t>c</t></r></si></sst>"
    strings = xlsx._Strings(etree.fromstring(sst).findall(xlsx.M + "si"))
    assert len(strings) == 2 and strings[1] == "bc" and strings[0] == "a" and strings[1] == "bc"
    for bad in (-1, 2):
        with pytest.raises(IndexError):
            strings[bad]


def test_balance_model_only_when_an_identity_fails():
    """On every case of the catalogue: the shortcut says "holds" only where the model finds
    nothing failing, and it is taken on the clean cases."""
    taken = failing = 0
    for rule in RULES:
        for case in (rule.fail, rule.passes):
            report, previous = build(case)
            ctx = CheckContext(report, previous, CASE_TODAY)
            model_fails = any(r.residual != 0 for r in build_model(ctx).hard)
            holds = holds_on_whole_numbers(ctx)
            assert not (holds and model_fails), (rule.code, case)
            taken += holds
            failing += model_fails
    assert taken > 50 and failing >= 5
    # on whole numbers the shortcut decides exactly: one input off by one, anywhere
    for seed in range(12):
        report = balanced_report(seed)
        inputs = [c.id for c in report.spec.value_cells if c.is_input and c.kind == "count"]
        report.values[inputs[seed * 7 % len(inputs)]] += 1
        ctx = CheckContext(report, None, CASE_TODAY)
        assert holds_on_whole_numbers(ctx) == (not any(r.residual for r in build_model(ctx).hard))


def test_whole_numbers_sum_as_integers_and_the_rest_exactly():
    cells = {("s", "A1"): 2, ("s", "A2"): 0.1, ("s", "A3"): "3", ("s", "A4"): True, ("s", "A5"): None}
    term = lambda a, k, strict=True: Term(("s", a), Fraction(k), strict)  # noqa: E731
    form = Linear((term("A1", 3), term("A2", 1), term("A3", -1), term("A4", 1), term("A5", 1),
                   term("A1", Fraction(1, 2))), Fraction(1, 4))
    assert evaluate(form, cells.get) == Fraction(1, 4) + 6 + Fraction(1, 10) - 3 + 1 + 1
    assert evaluate(Linear((term("A3", 1, False), term("A1", 1, False))), cells.get) == 2
    with pytest.raises(FormulaError):
        evaluate(Linear((term("A1", 1), term("A6", 1))), {("s", "A6"): FormulaError("#N/A"),
                                                          ("s", "A1"): 1}.get)


def test_whole_numbers_skip_only_tests_they_never_fail():
    from giar_xl.checker.kinds import _NEVER_ON_WHOLE, value_problem
    from giar_xl.spec import DEFAULT_FORMAT

    tests = {r.params["test"]: r.params for r in RULES if r.kind == "cell_value"}
    assert _NEVER_ON_WHOLE < set(tests)
    for test in _NEVER_ON_WHOLE:
        for vc in DEFAULT_FORMAT.value_cells:
            for raw in (0, 1, 7, 12345, 10**9, 2**60):
                for is_date in (False, True):
                    assert not value_problem(raw, vc, test, tests[test], is_date), (test, vc.id, raw)

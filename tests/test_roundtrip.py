"""JSON → workbook → reader → JSON gives the same document."""

from __future__ import annotations

import io
import json

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giar_xl.examples import load_example
from giar_xl.layout import places
from giar_xl.reader import read_workbook
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook

from conftest import balanced_report

SPEC = DEFAULT_FORMAT


def roundtrip(report: Report, tmp_path, name="book.xlsx") -> Report:
    path = tmp_path / name
    build_workbook(path, report, force=True)
    return read_workbook(path)


def test_bundled_example_roundtrips(tmp_path):
    example = load_example()
    back = roundtrip(example, tmp_path)
    assert back.to_json() == example.to_json()
    assert back.structure == []


def test_reader_records_provenance(tmp_path):
    back = roundtrip(balanced_report(1), tmp_path)
    rec = back.cells["t3.new.total"]
    assert (rec.sheet, rec.address, rec.formula) == ("三、依申请公开", "J6", "=SUM(D6:I6)")
    assert rec.has_cache is False  # openpyxl writes no cached values
    assert back.cells["t3.new.natural"].formula is None
    assert back.cells["s1.active"].address == places(SPEC)["s1.active"].address


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    r = load_example()
    r.texts["s6.other"] = "=HYPERLINK(\"http://evil\",\"x\")"
    r.agency = "+86某镇"
    r.values["t2.fee.amount"] = "=1+1"
    path = tmp_path / "f.xlsx"
    build_workbook(path, r)
    wb = openpyxl.load_workbook(path)
    cell = wb[places(SPEC)["s6.other"].sheet][places(SPEC)["s6.other"].address]
    assert cell.data_type == "s" and cell.quotePrefix
    back = read_workbook(path)
    assert back.texts["s6.other"] == r.texts["s6.other"]
    assert back.values["t2.fee.amount"] == "=1+1"
    assert back.cells["t2.fee.amount"].formula is None
    assert back.agency == "+86某镇"


# U+FFFE/U+FFFF: XML cannot carry them; the writer drops them (text.strip_control)
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\ufffe\uffff")
                | st.sampled_from("\n _x0041_「」<>&\"'"), max_size=80)
numbers = st.one_of(st.integers(0, 10**6), st.integers(-5, -1),
                    st.decimals(0, 10**5, places=4).map(float), st.none(),
                    st.sampled_from(["/", "—", "-", "无", " 3 ", "=SUM(A1)"]))


@st.composite
def reports(draw):
    r = Report.empty(SPEC)
    r.agency = draw(st.none() | texts.filter(bool))
    r.year = draw(st.none() | st.integers(2000, 2100) | st.sampled_from(["2025年", "二〇二五"]))
    r.published = draw(st.none() | st.sampled_from(["2026-01-20", "2026年1月20日"]))
    for pid in r.texts:
        r.texts[pid] = draw(texts)
    for c in SPEC.value_cells:
        given = c.is_input or draw(st.booleans())
        if given:
            r.values[c.id] = draw(numbers)  # a total given as blank (None) stays blank
        else:
            del r.values[c.id]  # a total not given: the template's formula computes it
    r.meta = draw(st.dictionaries(st.sampled_from(["source", "note"]), texts, max_size=2))
    return r


def _with_formulas_computed(r: Report, back: Report) -> dict:
    """A derived cell the report does not give comes back as what its formula computes."""
    doc = r.to_json()
    for c in SPEC.value_cells:
        if not c.is_input and c.id not in doc["values"]:
            doc["values"][c.id] = back.values[c.id]
    return doc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports())
def test_random_reports_roundtrip(tmp_path, report):
    back = roundtrip(report, tmp_path)
    assert back.to_json() == _with_formulas_computed(report, back)
    json.dumps(back.to_json())  # and it stays JSON-able
    Report.from_json(back.to_json())  # and valid against the schema


def test_balanced_reports_roundtrip_exactly(tmp_path):
    for seed in range(5):
        r = balanced_report(seed)
        assert roundtrip(r, tmp_path, f"{seed}.xlsx").to_json() == r.to_json()


def test_template_has_no_cached_values_to_trust():
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook()), data_only=True)
    p = places(SPEC)["t3.new.total"]
    assert wb[p.sheet][p.address].value is None


def test_total_over_totals_keeps_a_published_figure(tmp_path):
    """（七）总计's 总计 adds up cells that are themselves formulas: a published figure that
    disagrees with what those formulas compute is kept, not replaced by a formula
    (found by the property test above)."""
    r = Report.empty(SPEC)
    r.values["t3.partly.natural"] = 2608
    del r.values["t3.results_total.natural"]  # left to its formula: 2608
    r.values["t3.results_total.business"] = -1  # typed over its formula
    r.values["t3.results_total.total"] = -1  # as published; the formulas would give 2607
    back = roundtrip(r, tmp_path)
    assert back.values["t3.results_total.total"] == -1
    assert back.cells["t3.results_total.total"].formula is None
    assert back.values["t3.results_total.natural"] == 2608

"""A province's returns in one run (issue 13): what the county keeps per file stays small,
and the summary workbook's long tables are made row by row as the file is saved.

Peak memory itself is measured by ``scripts/bench.py`` (table 4), not in a timed test; these
tests pin the two things that keep it flat, so that a change that brings back a dict of
figures per file, or openpyxl cells per row, fails here.
"""

from __future__ import annotations

import gc
import io
import pickle
import tracemalloc
import weakref
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from giar_xl.checker import check
from giar_xl.county import stream_book
from giar_xl.county.aggregate import aggregate
from giar_xl.county.collect import INPUT_IDS, Spool, examine, examine_all, pack, unpack
from giar_xl.county.match import iter_inputs, named
from giar_xl.county.summary import summarise
from giar_xl.county.summary_book import FLAG_FILL, BOLD, Filled, Sheet
from giar_xl.ooxml import reproducible
from giar_xl.template import sizing

from conftest import balanced_report

LONG = "某某县某某镇人民政府关于二〇二五年度政府信息公开工作年度报告的说明，" * 3


# ------------------------------------------------------------------ the streamed tables
def _sheets(wb: Workbook) -> list[Sheet]:
    """Two sheets with what the county's tables hold: numbers, text that wraps, blanks, text
    that looks like a formula, filled and bold cells, a table between other lines."""
    first = Sheet(wb.active, (5, 24, 9, 30), landscape=True)
    first.title("标题")
    first.line("说明文字")
    rows = [Filled((i, f"单位{i}", i * 0.5 if i % 3 else "", LONG[: i * 7] or None),
                   (None, FLAG_FILL if i % 4 == 0 else None)) for i in range(1, 40)]
    first.table(("序号", "单位", "数", "说明"), iter(rows), len(rows), centred=(1,))
    first.gap()
    first.line("表后的一行")
    first.table(("项目", "内容"), [("=SUM(A1:A2)", "+1"), ("合计", 12)], bold_last=True)
    first.line("最后一行")
    first.finish()
    second = Sheet(wb.create_sheet("第二"), (10, 10), landscape=False)
    second.table(("a", "b"), ((n, str(n)) for n in range(5)), 5)
    second.finish()
    return [first, second]


def _streamed() -> bytes:
    wb = Workbook()
    sheets = _sheets(wb)
    return reproducible(stream_book.save(wb, {s.ws.title: s.tables for s in sheets}))


def _stored() -> bytes:
    """The same sheets the plain openpyxl way: every cell stored in its sheet, every row's
    height from ``sizing.row_needs`` over the whole sheet (what the county workbook did before)."""
    wb = Workbook()
    for sheet in _sheets(wb):
        ws = sheet.ws
        for t in sheet.tables:
            for cells in t.rows:
                for c in cells:
                    ws._cells[(c.row, c.column)] = c
        need = sizing.row_needs(ws)
        for r in range(1, ws.max_row + 1):
            sizing.set_height(ws, r, need.get(r, sizing.MIN_ROW_PT))
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible(buf.getvalue())


def test_streamed_tables_are_the_bytes_openpyxl_writes_for_stored_cells():
    streamed, stored = zipfile.ZipFile(io.BytesIO(_streamed())), zipfile.ZipFile(io.BytesIO(_stored()))
    assert streamed.namelist() == stored.namelist()
    for name in stored.namelist():
        assert streamed.read(name) == stored.read(name), name


def test_streamed_cells_read_back_with_their_values_styles_and_heights():
    ws = load_workbook(io.BytesIO(_streamed()))["Sheet"]
    assert [c.value for c in ws[3]] == ["序号", "单位", "数", "说明"]  # after the title and a line
    assert [c.value for c in ws[4]] == [1, "单位1", 0.5, LONG[:7]]
    assert ws["C6"].value is None and ws["D4"].alignment.wrap_text and ws["A4"].alignment.horizontal == "center"
    assert ws["B7"].fill.fgColor.rgb == FLAG_FILL.fgColor.rgb and ws["B8"].fill.fgColor.rgb != FLAG_FILL.fgColor.rgb
    assert ws.row_dimensions[42].height > 3 * sizing.MIN_ROW_PT  # the longest 说明 wraps over lines
    assert ws.row_dimensions[5].height < ws.row_dimensions[42].height / 3  # one line
    last = 3 + 39 + 1 + 1 + 1  # header, rows, gap, line after, the second table's header
    assert ws.cell(last + 1, 1).value == "=SUM(A1:A2)" and ws.cell(last + 1, 1).data_type == "s"
    assert ws.cell(last + 1, 1).quotePrefix  # text, and stays text when edited in Excel
    assert ws.cell(last + 2, 1).font.b == BOLD.b and ws.cell(last + 3, 1).value == "最后一行"
    assert ws.dimensions == f"A1:D{last + 3}"


def test_a_table_making_the_wrong_number_of_rows_is_refused():
    wb = Workbook()
    sheet = Sheet(wb.active, (5, 5), landscape=False)
    sheet.table(("a", "b"), ((n, n) for n in range(2)), 3)
    sheet.finish()
    with pytest.raises(RuntimeError, match="made 2 rows, expected 3"):
        stream_book.save(wb, {wb.active.title: sheet.tables})


# ------------------------------------------------------------------ what is kept per file
def test_a_files_figures_and_findings_are_kept_packed_and_come_back_exact(tmp_path):
    r = balanced_report(3, agency="测试县甲镇人民政府")
    r.values["t2.fee.amount"] = 0.0234567  # more decimals than a float formatted to 6 keeps
    r.texts["s5.problems"] = ""  # a finding or two to keep
    path = tmp_path / "甲镇.json"
    path.write_text(r.dumps(), "utf-8")
    facts = examine(path)
    assert facts.readable and facts.errors + facts.warnings > 0
    assert facts.values == {cid: r.values[cid] for cid in INPUT_IDS if cid in r.values}
    assert repr(facts.values["t2.fee.amount"]) == "0.0234567"
    assert facts.result.findings == check(r)
    assert (facts.errors, facts.warnings) == (facts.result.errors, facts.result.warnings)
    # the whole record of a file, as it crosses from a worker, is small: the figures as a dict
    # and the findings as objects were ≈5.7 KB pickled
    assert len(pickle.dumps(facts)) < 1500


def test_pack_keeps_blanks_whole_numbers_and_floats_apart():
    values = {INPUT_IDS[0]: 0, INPUT_IDS[1]: 7.5, INPUT_IDS[2]: 10**20}
    got, previous, findings = unpack(pack(values, {"x": 3}, []))
    assert got == values and type(got[INPUT_IDS[0]]) is int and INPUT_IDS[3] not in got
    assert previous == {"x": 3} and findings == []
    assert unpack(pack({}, {}, [])) == ({}, {}, [])


def test_the_packed_part_is_kept_in_a_spool_and_read_back_exact(tmp_path):
    reports = [balanced_report(i, agency=f"测试县第{i}单位") for i in range(3)]
    reports[1].texts["s5.problems"] = ""
    for i, r in enumerate(reports):
        (tmp_path / f"{i}.json").write_text(r.dumps(), "utf-8")
    items = named([tmp_path], iter_inputs([tmp_path]))
    facts = examine_all(items, jobs=1)
    for f, r in zip(facts, reports):
        assert f.packed == b"" and isinstance(f.spool, Spool)  # in memory: where, not what
        direct = examine(f.path, name=f.name)
        assert f.values == direct.values == {c: r.values[c] for c in INPUT_IDS if c in r.values}
        assert f.result.findings == direct.result.findings and f.previous == direct.previous
    assert facts[1].result.findings != facts[0].result.findings
    done = weakref.finalize(facts[0].spool, lambda: None)  # runs once the spool is collected
    del facts, f
    gc.collect()
    assert not done.alive  # the temporary file went with the last facts that needed it


def _kept(tmp_path, n: int) -> int:
    """Bytes still allocated after aggregating ``n`` units and building their summary."""
    folder = tmp_path / f"u{n}"
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"{i:03d}.json").write_text(balanced_report(i, agency=f"测试县第{i:03d}单位").dumps(), "utf-8")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        agg = aggregate([folder], jobs=1)
        summary = summarise(agg)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(summary.lines) == n
    return kept


def test_the_county_keeps_about_two_kilobytes_per_unit(tmp_path):
    _kept(tmp_path / "warm", 2)  # imports and caches: not per unit
    per_unit = (_kept(tmp_path, 60) - _kept(tmp_path, 20)) / 40
    # was ≈9.6 KB (a dict of 166 figures and the findings as objects per file, a dict per line)
    assert per_unit < 3500, per_unit

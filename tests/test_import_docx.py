"""Word documents: our own export reads back identical; Word's own table structures are read.

The property test uses the random reports of tests/test_import_roundtrip.py.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings

from conftest import balanced_report, run_cli
from giar_xl import export
from giar_xl.export.common import format_value, report_title
from giar_xl.importer import import_report
from giar_xl.report import Report
from test_import_roundtrip import _same, reports


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_word_export_import_round_trip(report):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "report.docx"
        path.write_bytes(export.export_report(report, "docx"))
        imported = import_report(path)
        _same(imported, report)
        assert imported.meta["import_notes"] == [], imported.meta["import_notes"]


def test_round_trip_of_the_real_example(example_report, tmp_path):
    path = tmp_path / "r.docx"
    path.write_bytes(export.export_report(example_report, "docx"))
    imported = import_report(path)
    assert imported.values == example_report.values
    assert imported.texts == example_report.texts


def _word_table(document, report: Report, table) -> None:
    """A table typed in Word: every cell, then merged with Word's own merge (gridSpan, vMerge)."""
    t = document.add_table(rows=table.n_rows, cols=table.n_cols)
    for g in table.grid:
        cell = t.cell(g.r, g.c)
        if g.rowspan > 1 or g.colspan > 1:
            cell = cell.merge(t.cell(g.r + g.rowspan - 1, g.c + g.colspan - 1))
        cell.text = format_value(report.values.get(g.value)) if g.value else g.text


def test_a_report_typed_in_word_with_merged_cells(tmp_path):
    r = balanced_report(4)
    document = docx.Document()
    document.add_paragraph(report_title(r))
    for section in r.spec.sections:
        document.add_paragraph(section.heading)
        if section.table is not None:
            _word_table(document, r, section.table)
        else:
            p = document.add_paragraph()
            # text in a tracked insertion and in a content control is text all the same
            ins = OxmlElement("w:ins")
            ins.set(qn("w:id"), "1")
            ins.set(qn("w:author"), "某某")
            run = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = r.texts[section.parts[0].id]
            run.append(t)
            ins.append(run)
            p._p.append(ins)
    buf = io.BytesIO()
    document.save(buf)
    xml = buf.getvalue()
    path = tmp_path / "typed.docx"
    path.write_bytes(xml)
    # the premise: Word's merge wrote real spans
    body = document.element.body.xml
    assert "w:gridSpan" in body and 'w:vMerge w:val="restart"' in body
    imported = import_report(path)
    assert imported.values == r.values
    assert imported.texts[r.spec.sections[0].parts[0].id] == r.texts[r.spec.sections[0].parts[0].id]
    assert [n for n in imported.meta["import_notes"] if n["severity"] == "错误"] == []


def test_cli_reads_a_word_document(tmp_path, example_report):
    path = tmp_path / "报告.docx"
    path.write_bytes(export.export_report(example_report, "docx"))
    code, out, err = run_cli("import", path, "-o", tmp_path / "r.json")
    assert code == 0, out + err
    back = Report.from_json(json.loads((tmp_path / "r.json").read_text("utf-8")))
    assert back.values == example_report.values and "没有需要核对的问题" in out


def test_a_zero_merged_down_in_word_stands_in_each_row(tmp_path):
    """（六）其他处理 typed with each column's 0 merged over its three rows."""
    from giar_xl.spec.format2021 import T3_COLUMNS, t3_id

    r = balanced_report(4)
    for row in ("R21", "R22", "R23"):
        for c, _ in T3_COLUMNS:
            r.values[t3_id(row, c)] = 0
    from conftest import fill_derived
    fill_derived(r)
    document = docx.Document()
    document.add_paragraph(report_title(r))
    for section in r.spec.sections:
        document.add_paragraph(section.heading)
        if section.table is not None:
            _word_table(document, r, section.table)
            if section.table.key == "t3":
                t = document.tables[-1]
                first = next(g.r for g in section.table.grid if g.value == t3_id("R21", "natural"))
                for g in section.table.grid:
                    if g.value and g.r == first:
                        t.cell(g.r, g.c).merge(t.cell(g.r + 2, g.c)).text = "0"
        else:
            document.add_paragraph(r.texts[section.parts[0].id] or "无")
    path = tmp_path / "merged.docx"
    document.save(path)
    imported = import_report(path)
    for row in ("R21", "R22", "R23"):
        assert [imported.values[t3_id(row, c)] for c, _ in T3_COLUMNS] == [0] * 7, row

"""Plain-text export: a readable report whose tables line up on a Chinese monospace display."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from giar_xl.export import export_report
from giar_xl.export.common import format_value, narrative_blocks, report_title
from giar_xl.export.text import INDENT, WIDTH
from giar_xl.importer.gridtext import is_border, parse_grid
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.text import display_width, normalise_label
from test_export_grid import distinct_report

SPEC = DEFAULT_FORMAT
HEADINGS = [s.heading for s in SPEC.sections]


def text_of(report) -> str:
    return export_report(report, "txt").decode("utf-8")


def tables(text: str) -> list[list[str]]:
    """The grid tables of the text: runs of lines from a border line to the last border line."""
    out, current = [], None
    for line in text.splitlines():
        if line.startswith(("+", "|")):
            current = current if current is not None else []
            current.append(line)
        elif current is not None:
            out.append(current)
            current = None
    if current:
        out.append(current)
    return out


def rule_columns(line: str, marks: str = "+|") -> list[int]:
    """Display columns of the rules ("+" and "|") on a line."""
    cols, x = [], 0
    for ch in line:
        if ch in marks:
            cols.append(x)
        x += display_width(ch)
    return cols


def test_title_headings_and_paragraphs_read_as_a_document(example_report):
    example_report.published = "2025-01-20"
    lines = text_of(example_report).splitlines()
    title = report_title(example_report)
    assert lines[0].strip() == title
    left = (WIDTH - display_width(title)) // 2
    assert lines[0] == " " * left + title  # centred over the tables
    positions = [lines.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert all(lines[p - 1] == "" and lines[p + 1] == "" for p in positions)
    for s in SPEC.sections:
        if s.table is None:
            for block in narrative_blocks(example_report, s):
                if block.subhead:
                    assert INDENT + block.subhead in lines
                for para in block.paragraphs:
                    assert INDENT + para in lines  # one paragraph a line, indented two characters
    # the signature at the right, four characters in from the edge
    assert lines[-1].strip() == "2025年1月20日" and display_width(lines[-1]) == WIDTH - 8
    assert lines[-2].strip() == "获嘉县史庄镇"


def test_every_table_is_a_closed_grid_in_display_columns():
    text = text_of(distinct_report())
    found = tables(text)
    assert len(found) == len(SPEC.tables)
    for block in found:
        widths = {display_width(line) for line in block}
        assert len(widths) == 1, widths  # every line ends at the same column
        assert is_border(block[0]) and is_border(block[-1])
        corners = set().union(*(rule_columns(line, "+") for line in block))
        for line in block:
            assert set(rule_columns(line)) <= corners, line  # every rule on a column of the grid
            assert line[0] in "+|" and line[-1] in "+|"


def test_tables_line_up_in_a_chinese_monospace_font():
    """Measured with the glyph advances of Noto Sans Mono CJK SC, a font such displays use."""
    image_font = pytest.importorskip("PIL.ImageFont")
    fc = shutil.which("fc-match")
    if fc is None:
        pytest.fail("fontconfig (fc-match) is needed to find Noto Sans Mono CJK SC")
    found = subprocess.run([fc, "-f", "%{file}\n%{index}", "Noto Sans Mono CJK SC"],
                           capture_output=True, text=True, check=True).stdout.split("\n")
    font = image_font.truetype(found[0], 20, index=int(found[1]))
    assert "Mono CJK SC" in font.getname()[0], font.getname()
    for block in tables(text_of(distinct_report())):
        ends = {font.getlength(line) for line in block}
        assert len(ends) == 1, "a table line ends elsewhere"
        rules = {round(font.getlength(line[:i]), 3) for line in block
                 for i, ch in enumerate(line) if ch == "+"}
        for line in block:
            xs = {round(font.getlength(line[:i]), 3) for i, ch in enumerate(line) if ch in "+|"}
            assert xs <= rules, line


def test_numbers_right_aligned_in_the_order_of_the_grid():
    report = distinct_report()
    text = text_of(report)
    expected = [format_value(report.values[g.value])
                for t in SPEC.tables for g in sorted(t.grid, key=lambda g: (g.r, g.c)) if g.value]
    got = [m.group(1) for block in tables(text) for line in block
           for m in re.finditer(r"(?<=\s)(\d+(?:\.\d+)?) (?=\|)", line)]
    assert got == expected


def test_labels_and_merges_read_back_from_the_grid(example_report):
    text = text_of(example_report)
    for block, table in zip(tables(text), SPEC.tables):
        parsed = parse_grid(block, "t")
        assert parsed is not None and len(parsed.rows) == table.n_rows
        cells = [normalise_label(c) for row in parsed.rows for c in row.cells]
        for g in table.grid:
            if g.text:
                assert normalise_label(g.text) in cells, g.text
        # a cell spanning rows gives one empty entry in each row below its first
        for r, row in enumerate(parsed.rows):
            starting = [g for g in table.grid if g.r == r]
            from_above = [g for g in table.grid if g.r < r < g.r + g.rowspan]
            assert len(row.cells) == len(starting) + len(from_above)


def test_wide_numbers_widen_their_columns_and_stay_whole():
    report = distinct_report()
    for c in SPEC.value_cells:
        if c.table == "t3":
            report.values[c.id] = 1234567
    block = tables(text_of(report))[1]
    assert sum(line.count("1234567") for line in block) == len(SPEC.tables[1].cells)
    assert len({display_width(line) for line in block}) == 1


def test_text_typed_in_a_number_cell_is_kept(example_report):
    example_report.values["t2.regulation.issued"] = "无（见说明）"
    block = tables(text_of(example_report))[0]
    parsed = parse_grid(block, "t")
    assert ["规章", "无（见说明）", "0", "0"] in [r.cells for r in parsed.rows]

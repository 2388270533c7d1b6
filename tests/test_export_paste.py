"""The pasted-page text (export/paste.py), compared with the published text of the bundled 2024
example: the shape the importer reads from copied web pages, made from any report."""

from __future__ import annotations

import re

from giar_xl.export.common import format_value
from giar_xl.export.paste import render_paste_text
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.text import normalise_label
from conftest import FIXTURES
from test_export_grid import distinct_report

SPEC = DEFAULT_FORMAT
HEADINGS = [s.heading for s in SPEC.sections]
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def sections(text: str) -> dict[str, list[str]]:
    """The lines under each section heading."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.strip() in HEADINGS:
            current = line.strip()
            out[current] = []
        elif current:
            out[current].append(line)
    return out


def table_rows(lines: list[str]) -> list[list[str]]:
    """Rows (separated by blank lines) of cell entries (tab-prefixed lines).

    A line without the tab continues the cell before it: the published page
    breaks some labels inside the cell ("商业\\n企业").
    """
    rows: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if not line.strip("\r"):
            if current:
                rows.append(current)
            current = None
        elif line.startswith("\t"):
            current = (current or []) + [line[1:]]
        else:
            assert current, f"text outside a cell: {line!r}"
            current[-1] += line
    if current:
        rows.append(current)
    return [[normalise_label(e) for e in row] for row in rows]


def numbers(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.startswith("\t") and NUMBER.match(ln.strip())]


def published() -> str:
    return (FIXTURES / "shizhuang-2024.txt").read_text("utf-8")


def test_bundled_example_carries_the_same_numbers_in_the_same_order(example_report):
    ours = render_paste_text(example_report)
    assert numbers(ours) == numbers(published())
    assert len(numbers(ours)) == len(SPEC.value_cells)


def test_tables_have_the_published_shape_cell_for_cell(example_report):
    ours = sections(render_paste_text(example_report))
    theirs = sections(published())
    for s in SPEC.sections:
        if s.table is None:
            continue
        assert table_rows(ours[s.heading]) == table_rows(theirs[s.heading]), s.heading


def test_narrative_matches_the_published_text(example_report):
    ours = sections(render_paste_text(example_report))
    theirs = sections(published())
    # the published page puts "（一）主动公开：" before the text on one line; we print the
    # sub-head on its own line (as the page itself does in section 五)
    def flat(lines):
        return "".join(normalise_label(x) for x in lines)
    for heading in ("一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert flat(ours[heading]).replace(":", "") == flat(theirs[heading]).replace(":", ""), heading


def test_title_first_and_sections_in_order(example_report):
    lines = render_paste_text(example_report).splitlines()
    assert lines[0] == "获嘉县史庄镇2024年政府信息公开工作年度报告"
    positions = [lines.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert all(lines[p - 1] == "" for p in positions)


def test_numbers_follow_the_grid_row_by_row():
    report = distinct_report()
    text = render_paste_text(report)
    expected = [format_value(report.values[g.value])
                for t in SPEC.tables for g in sorted(t.grid, key=lambda g: (g.r, g.c)) if g.value]
    assert numbers(text) == expected


def test_a_value_typed_as_text_stays_on_one_line(example_report):
    example_report.values["t2.regulation.issued"] = "无\n（见说明）"
    rows = table_rows(sections(render_paste_text(example_report))[HEADINGS[1]])
    assert rows[2] == ["规章", "无(见说明)", "0", "0"]

"""The county workbook (standard layout + a status sheet) and its HTML overview page."""

from __future__ import annotations

import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import jinja2
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .. import __version__
from ..ooxml import reproducible
from ..export.common import HTML_HEAD, cell_text, grid_rows, report_title
from ..report import Report
from ..safety import write_value
from ..spec import DEFAULT_FORMAT
from ..template import build_workbook
from .aggregate import (DUPLICATE, FORCED, IGNORED, KEY_FIGURES, MISSING, OTHER_YEAR,
                        REFUSED, SUMMED, SUMMED_OUTSIDE, UNREADABLE, Aggregation, total_of)

STATUS_SHEET = "汇总情况"
COLUMNS = (("序号", 6), ("单位", 30), ("文件", 36), ("年度", 8), ("状态", 18), ("错误数", 8),
           ("提示数", 8))
NOTE_COLUMN = ("说明", 60)
# state → fill colour in the sheet and class in the page
STATE_CLASS = {SUMMED: "ok", SUMMED_OUTSIDE: "warn", FORCED: "bad", REFUSED: "bad",
               UNREADABLE: "bad", MISSING: "bad", DUPLICATE: "warn", OTHER_YEAR: "bad",
               IGNORED: "muted"}
FILLS = {"ok": "E2EFDA", "warn": "FFF2CC", "bad": "FCE4D6", "muted": "EDEDED"}


def figure_headers() -> list[str]:
    out = []
    for cid in KEY_FIGURES:
        vc = DEFAULT_FORMAT.value_cell(cid)
        out.append(f"{vc.row_label}（{vc.col_label}）")
    return out


def summary_lines(agg: Aggregation) -> list[str]:
    lines = [f"汇总年度：{agg.year or '未知'}；计入汇总 {agg.totals.units} 个单位；共处理文件 "
             f"{sum(1 for r in agg.rows if r.file)} 个。"]
    for state in (FORCED, REFUSED, OTHER_YEAR, DUPLICATE, UNREADABLE, MISSING, SUMMED_OUTSIDE):
        n = agg.count(state)
        if n:
            lines.append(f"{state}：{n} 个")
    if not agg.complete:
        lines.append("注意：本汇总不完整或含有错误数据，请核对下表中非“已汇总”的单位。")
    return lines


def _ordered(agg: Aggregation):
    # problems first: they are what the county office acts on
    rank = {MISSING: 0, UNREADABLE: 1, REFUSED: 2, OTHER_YEAR: 3, FORCED: 4, DUPLICATE: 5,
            SUMMED_OUTSIDE: 6, SUMMED: 7, IGNORED: 8}
    return sorted(agg.rows, key=lambda r: (rank.get(r.state, 9), r.unit or "", r.file or ""))


def county_workbook(report: Report, agg: Aggregation) -> bytes:
    """The standard workbook of the summed report, with the status sheet after the cover."""
    wb = load_workbook(io.BytesIO(build_workbook(None, report)))
    ws = wb.create_sheet(STATUS_SHEET, index=1)
    write_value(ws.cell(1, 1), f"{report_title(report)} · 各单位报送情况")  # the title holds --name
    ws.cell(1, 1).font = Font(bold=True, size=14)
    row = 2
    for line in summary_lines(agg):
        write_value(ws.cell(row, 1), line)
        row += 1
    row += 1
    headers = [h for h, _ in COLUMNS] + figure_headers() + [NOTE_COLUMN[0]]
    widths = [w for _, w in COLUMNS] + [14] * len(KEY_FIGURES) + [NOTE_COLUMN[1]]
    header_row = row
    for i, (h, w) in enumerate(zip(headers, widths), start=1):
        c = ws.cell(row, i, h)
        c.font, c.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="center")
        c.fill = PatternFill("solid", fgColor="D9E1F2")
        ws.column_dimensions[get_column_letter(i)].width = w
    for n, r in enumerate(_ordered(agg), start=1):
        row += 1
        values = [n, r.unit, r.file, r.year, r.state, r.errors, r.warnings,
                  *(r.figures.get(cid) for cid in KEY_FIGURES), r.note]
        for i, v in enumerate(values, start=1):
            write_value(ws.cell(row, i), v)  # unit names and notes come from clerks' files
        ws.cell(row, 5).fill = PatternFill("solid", fgColor=FILLS[STATE_CLASS.get(r.state, "muted")])
        ws.cell(row, len(values)).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{max(row, header_row + 1)}"
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return reproducible(buf.getvalue())


# ------------------------------------------------------------------ HTML
PAGE = HTML_HEAD + """<title>{{ title }}</title>
<style>
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}
th,td{border:1px solid #999;padding:3px 6px;vertical-align:top}
th{background:#d9e1f2;font-weight:normal}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{background:#e2efda}.warn{background:#fff2cc}.bad{background:#fce4d6}.muted{background:#ededed}
.banner{border:2px solid #c00;background:#fce4d6;padding:8px 12px;font-weight:bold}
.grid td{text-align:right}.grid th{text-align:center}
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>生成时间：{{ generated }}</p>
{%- if not complete %}
<p class="banner">本汇总不完整或含有错误数据：请先核对下表中状态不是“已汇总”的单位。</p>
{%- endif %}
<ul>{% for line in lines %}<li>{{ line }}</li>{% endfor %}</ul>
<h2>各单位报送情况</h2>
<table id="status">
<thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for r in rows %}
<tr><td class="n">{{ loop.index }}</td><td>{{ r.unit or "" }}</td><td>{{ r.file or "" }}</td>
<td>{{ r.year if r.year is not none else "" }}</td><td class="{{ r.cls }}">{{ r.state }}</td>
<td class="n">{{ r.errors if r.errors is not none else "" }}</td>
<td class="n">{{ r.warnings if r.warnings is not none else "" }}</td>
{%- for v in r.figures %}<td class="n">{{ v }}</td>{% endfor %}<td>{{ r.note }}</td></tr>
{%- endfor %}
</tbody>
</table>
{%- for t in tables %}
<h2>{{ t.title }}（汇总）</h2>
<table class="grid" id="{{ t.key }}">
{%- for row in t.rows %}
<tr>{% for c in row %}<{{ c.tag }}{% if c.colspan > 1 %} colspan="{{ c.colspan }}"{% endif %}
{%- if c.rowspan > 1 %} rowspan="{{ c.rowspan }}"{% endif %}>{{ c.text }}</{{ c.tag }}>{% endfor %}</tr>
{%- endfor %}
</table>
{%- endfor %}
</body>
</html>
"""


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(PAGE)


def overview_html(report: Report, agg: Aggregation, *, generated: datetime | None = None) -> str:
    shown = Report(format_id=report.format_id, agency=report.agency, year=report.year,
                   values={c.id: total_of(agg.totals, c.id) for c in report.spec.value_cells})
    tables = [{"key": t.key, "title": t.title,
               "rows": [[{"tag": "td" if g.value else "th", "colspan": g.colspan,
                          "rowspan": g.rowspan, "text": cell_text(shown, g)} for g in row]
                        for row in grid_rows(t)]}
              for t in report.spec.tables]
    rows = [{"unit": r.unit, "file": r.file, "year": r.year, "state": r.state,
             "cls": STATE_CLASS.get(r.state, "muted"), "errors": r.errors, "warnings": r.warnings,
             "figures": ["" if r.figures.get(c) is None else r.figures[c] for c in KEY_FIGURES],
             "note": r.note} for r in _ordered(agg)]
    return _template().render(
        version=__version__, title=f"{report_title(report)} · 汇总概览",
        generated=(generated or datetime.now()).strftime("%Y-%m-%d %H:%M"),
        complete=agg.complete, lines=summary_lines(agg),
        headers=[h for h, _ in COLUMNS] + figure_headers() + [NOTE_COLUMN[0]],
        rows=rows, tables=tables)


def html_path_for(output: Path) -> Path:
    return output.with_suffix(".html")


__all__ = ["STATUS_SHEET", "county_workbook", "html_path_for", "overview_html"]

"""The county's HTML overview page: the same summary as the workbook, with inline SVG charts.

One self-contained page (no script, no external file) that prints on A4 landscape: names
keep a minimum width so no column shrinks to one character a line.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..export.common import HTML_HEAD, cell_text, grid_rows, report_title
from ..report import Report
from .aggregate import Aggregation
from .charts import Bar, bar_chart
from .deadlines import LATE, NOT_GIVEN, UNCLEAR
from .indicators import INDICATORS, KEY_FIGURES, NEW, VOLUME_CHANGE, change_text, figure, percent
from .status import STATE_CLASS, UNIT_STATES
from .summary import Summary
from .table import warnings_text

PAGE = HTML_HEAD + """<title>{{ title }}</title>
<style>
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;break-after:avoid}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}
th,td{border:1px solid #999;padding:3px 6px;vertical-align:top}
th{background:#d9e1f2;font-weight:normal}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.name{min-width:12em;text-wrap:balance}td.file{min-width:10em;word-break:break-all;text-wrap:balance}
td.kind,td.state{white-space:nowrap}
td.note{min-width:14em}
.ok{background:#e2efda}.warn{background:#fff2cc}.bad{background:#fce4d6}.muted{background:#ededed}
.flag{background:#fce4d6;font-weight:bold}
.banner{border:2px solid #c00;background:#fce4d6;padding:8px 12px;font-weight:bold}
.grid td{text-align:right}.grid th{text-align:center}
.facts th{text-align:left;white-space:nowrap}
.charts svg{display:block;margin:8px 0 16px;max-width:100%;height:auto}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0;font-size:11px}table{font-size:11px}h1{font-size:18px}h2{font-size:14px}
thead{display:table-header-group}tr,svg{break-inside:avoid}}
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>生成时间：{{ generated }}</p>
{%- if not complete %}
<p class="banner">本汇总不完整或含有错误数据：请先核对下表中状态不是“已交”或未计入汇总的单位。</p>
{%- endif %}
<h2>汇总表</h2>
<table class="facts" id="facts">
{%- for k, v in facts %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}
</table>
<h2>未计入汇总的单位及原因</h2>
{%- if left_out %}
<table id="left-out"><thead><tr><th>单位</th><th>状态</th><th>原因</th></tr></thead><tbody>
{%- for r in left_out %}<tr><td class="name">{{ r.unit }}</td><td class="state {{ r.cls }}">{{ r.state }}</td><td class="note">{{ r.why }}</td></tr>{% endfor %}
</tbody></table>
{%- else %}<p>无：名单中的单位全部计入。</p>{% endif %}
<div class="charts">{% for c in charts %}{{ c }}{% endfor %}</div>
<h2>各单位报送情况</h2>
<table id="status">
<thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for r in rows %}
<tr><td class="n">{{ loop.index }}</td><td class="name">{{ r.unit }}</td><td class="kind">{{ r.kind }}</td>
<td class="state {{ r.cls }}">{{ r.state }}</td><td>{{ r.counted }}</td>
<td class="n">{{ r.errors }}</td><td class="n">{{ r.warnings }}</td><td class="file">{{ r.file }}</td><td class="note">{{ r.note }}</td></tr>
{%- endfor %}
</tbody>
</table>
<h2>各单位指标</h2>
<p>{% for t in thresholds %}{{ t }}<br>{% endfor %}</p>
<table id="indicators">
<thead><tr>{% for h in indicator_headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for r in indicator_rows %}
<tr><td class="name">{{ r.unit }}</td>{% for c in r.cells %}<td class="n{% if c.flag %} flag{% endif %}">{{ c.text }}</td>{% endfor %}</tr>
{%- endfor %}
</tbody>
</table>
<h2>按单位类型小计</h2>
<table id="groups">
<thead><tr>{% for h in group_headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for r in group_rows %}<tr><td class="kind">{{ r[0] }}</td>{% for c in r[1:] %}<td class="n">{{ c }}</td>{% endfor %}</tr>{% endfor %}
</tbody>
</table>
{%- if year_rows %}
<h2>与上年对比</h2>
<table id="year-on-year"><thead><tr><th>项目</th><th>上年</th><th>本年</th><th>增减</th></tr></thead><tbody>
{%- for r in year_rows %}<tr><td>{{ r[0] }}</td><td class="n">{{ r[1] }}</td><td class="n">{{ r[2] }}</td><td class="n">{{ r[3] }}</td></tr>{% endfor %}
</tbody></table>
{%- endif %}
<h2>年度报告发布情况</h2>
<p>{% for d in deadlines %}{{ d }}<br>{% endfor %}</p>
<table id="publication"><thead><tr><th>单位</th><th>发布日期</th><th>法定期限</th><th>情况</th></tr></thead><tbody>
{%- for r in publication %}<tr><td class="name">{{ r.unit }}</td><td class="n">{{ r.published }}</td><td class="n">{{ r.due }}</td><td class="{{ 'flag' if r.flag else '' }}">{{ r.state }}</td></tr>{% endfor %}
</tbody></table>
{%- if conflicts %}
<h2>线索不一致的文件（未计入任何单位）</h2>
<table id="conflicts"><thead><tr><th>文件</th><th>线索</th></tr></thead><tbody>
{%- for r in conflicts %}<tr><td class="file">{{ r[0] }}</td><td class="note">{{ r[1] }}</td></tr>{% endfor %}
</tbody></table>
{%- endif %}
{%- if explained %}
<h2>单位对提示的说明</h2>
<table id="explained"><thead><tr><th>单位</th><th>规则</th><th>位置</th><th>单位说明</th></tr></thead><tbody>
{%- for r in explained %}<tr><td class="name">{{ r[0] }}</td><td>{{ r[1] }}</td><td>{{ r[2] }}</td><td class="note">{{ r[3] }}</td></tr>{% endfor %}
</tbody></table>
{%- endif %}
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


def _n(v):
    return int(v) if isinstance(v, float) and v.is_integer() else ("" if v is None else v)


def _charts(s: Summary) -> list:
    counts = {st: sum(1 for u in s.lines if u.row.status == st) for st in UNIT_STATES}
    charts = [bar_chart("各单位状态（个）", [Bar(st, n, str(n), STATE_CLASS.get(st) == "bad")
                                      for st, n in counts.items() if n])]
    if s.groups:
        charts.append(bar_chart("依申请总量（件，按单位类型）",
                                [Bar(g.kind, figure(g.values, NEW), str(_n(figure(g.values, NEW))))
                                 for g in s.groups]))
        open_rate = INDICATORS[0]
        charts.append(bar_chart(f"{open_rate.name}（按单位类型）",
                                [Bar(g.kind, g.rates.get(open_rate.key) or 0, percent(g.rates.get(open_rate.key)),
                                     open_rate.low is not None and g.rates.get(open_rate.key) is not None
                                     and g.rates[open_rate.key] < open_rate.low)
                                 for g in s.groups],
                                mark=open_rate.low, mark_label=f"{percent(open_rate.low)}",
                                scale_max=1.0))
    return charts


def overview_html(report: Report, agg: Aggregation, s: Summary, *, generated: datetime | None = None) -> str:
    summed = agg.totals.values()
    shown = Report(format_id=report.format_id, agency=report.agency, year=report.year,
                   values={c.id: figure(summed, c.id) for c in report.spec.value_cells})
    tables = [{"key": t.key, "title": t.title,
               "rows": [[{"tag": "td" if g.value else "th", "colspan": g.colspan,
                          "rowspan": g.rowspan, "text": cell_text(shown, g)} for g in row]
                        for row in grid_rows(t)]}
              for t in report.spec.tables]
    # the per-unit tables as generators: made as the page is rendered, a row at a time (a province
    # has 10,000 units; the page iterates each once)
    rows = ({"unit": u.row.name, "kind": u.row.kind or "", "state": u.row.status,
             "cls": STATE_CLASS.get(u.row.status, "muted"), "counted": "是" if u.row.counted else "否",
             "errors": "" if u.row.errors is None else u.row.errors,
             "warnings": "" if u.row.warnings is None else warnings_text(u.row),
             "file": u.row.facts.name if u.row.facts else "", "note": u.row.note} for u in s.lines)
    new = figure(s.county, NEW)
    last_new = next((r.last for r in s.year_rows if r.name == KEY_FIGURES[0][0]), None)
    facts = [("汇总单位", s.name), ("报告年度", f"{s.year} 年度" if s.year else "未知"),
             ("名单单位数", f"{s.listed} 个"), ("计入汇总", f"{s.counted} 个单位"),
             ("未计入汇总", f"{len(s.left_out)} 个"),
             ("依申请总量", f"{_n(new)} 件" + (f"；上年 {_n(last_new)} 件，{change_text(new, last_new)}"
                                          if last_new is not None else "")),
             *((i.name, f"{percent(s.county_rates.get(i.key))}（{i.formula}）") for i in INDICATORS),
             ("生成日期", s.generated.isoformat())]
    def indicator_rows() -> Iterator[dict[str, Any]]:
        for u in s.lines:
            if u.figures is None:
                continue
            cells = [(u.new, u.flags.get(VOLUME_CHANGE.key)), (u.last_new, False),
                     (change_text(u.new, u.last_new), u.flags.get(VOLUME_CHANGE.key))]
            cells += [(percent(u.rates.get(i.key)), u.flags.get(i.key)) for i in INDICATORS]
            yield {"unit": u.row.name,
                   "cells": [{"text": _n(t) if t is not None else "—", "flag": bool(f)} for t, f in cells]}

    group_rows = [(g.kind, g.listed, g.counted, *(_n(v) for v in g.figures),
                   *(percent(g.rates.get(i.key)) for i in INDICATORS)) for g in s.groups]
    year_rows = [(r.name, percent(r.last) if r.rate else _n(r.last), percent(r.now) if r.rate else _n(r.now),
                  "" if r.rate else change_text(r.now, r.last)) for r in s.year_rows]
    def publication() -> Iterator[dict[str, Any]]:
        for u in s.lines:
            p = u.publication
            f = u.row.facts
            yield {"unit": u.row.name,
                   "published": (f.published or "") if f is not None and f.readable else "",
                   "due": p.deadline.date_for(s.year).isoformat() if p and s.year else "",
                   "state": p.text if p else "",
                   "flag": p is not None and p.state in (LATE, NOT_GIVEN, UNCLEAR)}

    conflicts = [(fr.facts.name, "；".join(e.describe() for e in fr.verdict.evidence) if fr.verdict else fr.note)
                 for fr in agg.view.conflicts]
    explained = [(u.row.name, f"{x.code} {x.name}", "!".join(v for v in (x.sheet, x.cell) if v), x.explanation)
                 for u, x in s.explanations()]
    return _template().render(
        version=__version__, title=f"{report_title(report)} · 汇总概览",
        generated=(generated or datetime.now()).strftime("%Y-%m-%d %H:%M"),
        complete=agg.complete, facts=facts,
        left_out=[{"unit": u.row.name, "state": u.row.status, "cls": STATE_CLASS.get(u.row.status, "muted"),
                   "why": s.why_left_out(u)} for u in s.left_out],
        charts=_charts(s),
        headers=["序号", "单位", "类型", "状态", "计入", "错误", "提示", "文件", "说明"], rows=rows,
        thresholds=[f"{i.name} = {i.formula}；{i.threshold_text}。" for i in INDICATORS]
        + [f"依申请总量：{VOLUME_CHANGE.threshold_text}。"],
        indicator_headers=["单位", "依申请总量", "上年", "变化", *(i.name for i in INDICATORS)],
        indicator_rows=indicator_rows(),
        group_headers=["单位类型", "名单", "计入", *(n for n, _ in KEY_FIGURES), *(i.name for i in INDICATORS)],
        group_rows=group_rows, year_rows=year_rows,
        deadlines=[f"{d.who}：{d.label}前公布（{d.basis}）。" for d in s.deadlines],
        publication=publication(), conflicts=conflicts, explained=explained, tables=tables)


def html_path_for(output: Path) -> Path:
    return output.with_suffix(".html")


__all__ = ["html_path_for", "overview_html"]

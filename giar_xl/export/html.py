"""One self-contained HTML page: inline CSS, no script, nothing fetched from elsewhere.

A government site's content system usually keeps the article body and drops
the page head, so the tables carry their borders and alignment in ``style``
attributes as well: the tables still print right when only the body is pasted.
Jinja2's autoescape escapes every text from the workbook (agency, narrative,
a value typed as text).
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from .. import __version__
from ..report import Report
from ..spec import GridCell, TableSpec
from .common import (HTML_HEAD, cell_text, grid_rows, header_row_count, narrative_blocks,
                     report_title, signature_lines)

PAGE_CSS = """
body{margin:0;background:#fff;color:#000}
.giar-report{max-width:210mm;margin:0 auto;padding:24px 28px;box-sizing:border-box;
font-family:"FangSong","仿宋","FangSong_GB2312","仿宋_GB2312","STFangsong","Noto Serif CJK SC",serif;
font-size:16px;line-height:1.8}
.giar-report h1{font-family:"方正小标宋简体","FZXiaoBiaoSong-B05S","SimSun","宋体","Noto Serif CJK SC",serif;
font-size:26px;line-height:1.5;text-align:center;font-weight:bold;margin:.5em 0 1em}
.giar-report h2{font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif;font-size:17px;
font-weight:bold;margin:1.2em 0 .4em;text-indent:2em}
.giar-report h3{font-family:"KaiTi","楷体","KaiTi_GB2312","STKaiti",serif;font-size:16px;
font-weight:bold;margin:.3em 0;text-indent:2em}
.giar-report p{margin:0 0 .3em;text-indent:2em;text-align:justify}
.giar-report p.signature{text-align:right;text-indent:0;margin:0 2em 0 0}
.giar-report p.signature.first{margin-top:2em}
.giar-report table{margin:.6em 0 1em}
@media print{.giar-report{padding:0;max-width:none}.giar-report thead{display:table-header-group}
.giar-report tr{page-break-inside:avoid}}
""".strip()

# carried on the elements themselves (see the module docstring)
# Automatic layout: the browser widens a column for a long number instead of
# breaking "37618" over two lines; the <col> widths only set the proportions.
# overflow-wrap and tabular figures inherit, so they sit on the table once.
TABLE_STYLE = ("width:100%;border-collapse:collapse;font-size:14px;"
               "line-height:1.4;font-family:inherit;overflow-wrap:break-word;"
               "font-variant-numeric:tabular-nums")
_CELL = "border:1px solid #000;padding:3px 4px;"
ROLE_STYLE = {
    "title": _CELL + "text-align:center;font-weight:bold",
    "header": _CELL + "text-align:center;font-weight:normal",
    "note": _CELL + "text-align:center;font-weight:normal",
    "group": _CELL + "text-align:center;font-weight:normal",
    "label": _CELL + "text-align:left;font-weight:normal",
    "blank": _CELL,
    # numbers line up on their last digit
    "value": _CELL + "text-align:right;white-space:nowrap",
}
ROLE_SCOPE = {"title": "colgroup", "header": "col", "note": None, "group": "rowgroup",
              "label": "row", "blank": None}

PAGE = HTML_HEAD + """<meta name="giar-xl-format" content="{{ format_id }}">
{%- if unclean %}
<meta name="giar-xl-unclean" content="{{ unclean }}">
{%- endif %}
<title>{{ title }}</title>
<style>
{{ css|safe }}
</style>
</head>
<body>
<article class="giar-report">
<h1>{{ title }}</h1>
{%- for s in sections %}
<section id="{{ s.key }}">
<h2>{{ s.heading }}</h2>
{%- if s.table %}
<table id="{{ s.table.key }}" style="{{ table_style }}">
<colgroup>{% for w in s.table.widths %}<col style="width:{{ w }}%">{% endfor %}</colgroup>
{%- for part, rows in s.table.parts %}
<{{ part }}>
{%- for row in rows %}
<tr>{% for c in row %}<{{ c.tag }}{% if c.colspan > 1 %} colspan="{{ c.colspan }}"{% endif %}
{%- if c.rowspan > 1 %} rowspan="{{ c.rowspan }}"{% endif %}
{%- if c.scope %} scope="{{ c.scope }}"{% endif %} style="{{ c.style }}">{{ c.text }}</{{ c.tag }}>
{%- endfor %}</tr>
{%- endfor %}
</{{ part }}>
{%- endfor %}
</table>
{%- else %}
{%- for b in s.blocks %}
{%- if b.subhead %}
<h3>{{ b.subhead }}</h3>
{%- endif %}
{%- for p in b.paragraphs %}
<p>{{ p }}</p>
{%- endfor %}
{%- endfor %}
{%- endif %}
</section>
{%- endfor %}
{%- for line in signature %}
<p class="signature{% if loop.first %} first{% endif %}">{{ line }}</p>
{%- endfor %}
</article>
</body>
</html>
"""


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env.from_string(PAGE)


def _scope(g: GridCell) -> str | None:
    if g.role == "header" and g.colspan > 1:
        return "colgroup"
    return ROLE_SCOPE.get(g.role)


def _cell(report: Report, g: GridCell) -> dict:
    is_value = g.role == "value"
    return {"tag": "td" if is_value else "th", "colspan": g.colspan, "rowspan": g.rowspan,
            "scope": None if is_value else _scope(g),
            "style": ROLE_STYLE.get(g.role, _CELL), "text": cell_text(report, g)}


def _table(report: Report, table: TableSpec) -> dict:
    total = sum(table.col_widths)
    widths = [f"{100 * w / total:.2f}" for w in table.col_widths]
    rows = [[_cell(report, g) for g in row] for row in grid_rows(table)]
    n_head = header_row_count(table)
    parts = ([("thead", rows[:n_head])] if n_head else []) + [("tbody", rows[n_head:])]
    return {"key": table.key, "widths": widths, "parts": parts}


def unclean_summary(unclean: dict | None) -> str | None:
    """The forced-export mark, for metadata only (a <meta> tag, Word properties)."""
    if not unclean:
        return None
    codes = ",".join(unclean.get("codes", []))
    return f"forced; errors={unclean.get('errors', 0)}" + (f"; codes={codes}" if codes else "")


def render_html(report: Report, unclean: dict | None = None) -> str:
    sections = []
    for s in report.spec.sections:
        if s.table is not None:
            sections.append({"key": s.key, "heading": s.heading,
                             "table": _table(report, s.table), "blocks": []})
        else:
            sections.append({"key": s.key, "heading": s.heading, "table": None,
                             "blocks": narrative_blocks(report, s)})
    return _template().render(
        version=__version__, format_id=report.format_id, unclean=unclean_summary(unclean),
        title=report_title(report), css=PAGE_CSS, table_style=TABLE_STYLE,
        sections=sections, signature=signature_lines(report))


def export_html(report: Report, unclean: dict | None = None) -> bytes:
    return render_html(report, unclean).encode("utf-8")

"""One unit's year-on-year comparison: every number with its change, every narrative with its similarity.

Numbers are compared as the tables show them (``CheckContext.claimed``: a total
whose formula is intact is recomputed, never read from a stale cache). Texts are
compared per part and per section with the checker's own measure
(``giar_xl.similarity``): the same pair reads the same percentage here as in
``validate --previous``, and a section the checker calls a copy (Y03, what the 2021
notice calls 内容雷同) is the one this comparison marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import jinja2

from .. import __version__
from ..checker.context import CheckContext, show, tidy_sum
from ..checker.narrative import report_year
from ..export.common import HTML_HEAD, report_title
from ..layout import places
from ..report import Report
from ..spec import DEFAULT_FORMAT, numbered_headings
from .. import similarity as likeness
from ..similarity import similarity
from .units import unit_key

SIMILAR = 0.6  # at or above (and below likeness.SAME): partly rewritten
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class NumberChange:
    id: str
    table: str  # the table's section heading
    row_label: str
    col_label: str
    sheet: str
    address: str
    last: object  # number, or the raw content when the cell holds no number
    this: object
    change: int | float | None  # this − last, when both are numbers
    ratio: float | None  # change / last, when last is a non-zero number

    @property
    def changed(self) -> bool:
        return self.change != 0 if self.change is not None else self.last != self.this


@dataclass(frozen=True)
class TextChange:
    section: str
    part: str  # the part's sub-head, or the section itself for the whole
    last_chars: int
    this_chars: int
    similarity: float | None  # None when both are empty
    long_enough: bool = True  # this year's words are enough for likeness to mean copying

    @property
    def copied(self) -> bool:
        """What the checker calls 内容雷同 (Y03), by the same measure and bounds."""
        return self.similarity is not None and self.similarity >= likeness.SAME and self.long_enough

    @property
    def verdict(self) -> str:
        if not self.this_chars and not self.last_chars:
            return "两年均为空"
        if not self.this_chars:
            return "本年为空"
        if not self.last_chars:
            return "上年为空"
        if self.copied:
            return "与上年基本相同（注意内容雷同）"
        if self.similarity is not None and self.similarity >= likeness.SAME:
            return "与上年相同（文字很短）"  # "无。" every year is not copying
        if self.similarity is not None and self.similarity >= SIMILAR:
            return "部分改写"
        return "改写较多"


@dataclass
class Comparison:
    last_title: str
    this_title: str
    unit: str = ""  # this year's 机关名称 (last year's when this year's is blank)
    last_year: int | str | None = None
    this_year: int | str | None = None
    numbers: list[NumberChange] = field(default_factory=list)
    sections: list[TextChange] = field(default_factory=list)  # whole sections
    parts: list[TextChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[NumberChange]:
        return [n for n in self.numbers if n.changed]


def _chars(text: str | None) -> int:
    return len(_WHITESPACE.sub("", text or ""))


def _shown(ctx: CheckContext, report: Report, cid: str) -> object:
    v = ctx.claimed(cid)
    return v if v is not None else report.values.get(cid)


def compare(last: Report, this: Report) -> Comparison:
    spec = this.spec
    out = Comparison(report_title(last), report_title(this), unit=(this.agency or last.agency or "").strip(),
                     last_year=report_year(last.year) or last.year, this_year=report_year(this.year) or this.year)
    if unit_key(last.agency) != unit_key(this.agency):
        out.notes.append(f"两份报告的机关名称不同：上年“{last.agency or '空'}”，本年“{this.agency or '空'}”。")
    ly, ty = report_year(last.year), report_year(this.year)
    if ly is not None and ty is not None and ly != ty - 1:
        out.notes.append(f"两份报告的年度是 {ly} 和 {ty}，不是相邻的两年。")
    lc, tc = CheckContext(last), CheckContext(this)
    where = places(spec)
    for table in spec.tables:
        heading = spec.section_of_table(table.key).heading
        for vc in table.cells:
            a, b = _shown(lc, last, vc.id), _shown(tc, this, vc.id)
            both = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))
            change = tidy_sum([b, -a]) if both else None  # exact: 0.3 − 0.1 is 0.2
            ratio = change / a if both and a else None  # type: ignore[operator]
            sheet, address = tc.locate(vc.id)
            out.numbers.append(NumberChange(vc.id, heading, vc.row_label, vc.col_label,
                                            sheet or where[vc.id].sheet,
                                            address or where[vc.id].address, a, b, change, ratio))
    for section in spec.sections:
        if not section.parts:
            continue
        heads = numbered_headings(section.parts)
        for p in section.parts:
            a, b = last.texts.get(p.id) or "", this.texts.get(p.id) or ""
            out.parts.append(_text_change(section.heading, heads.get(p.id, "总述"), a, b))
        a, b = lc.section_text(section.key), tc.section_text(section.key)
        out.sections.append(_text_change(section.heading, "全文", a, b))
    return out


def _text_change(section: str, part: str, last: str, this: str) -> TextChange:
    return TextChange(section, part, _chars(last), _chars(this), similarity(this, last),
                      len(likeness.words(this)) >= likeness.MIN_CHARS)


def fmt_number(v: object) -> str:
    return show(v).strip("“”") if isinstance(v, str) else show(v)


def fmt_change(n: NumberChange) -> str:
    if n.change is None:
        return "—" if not n.changed else "无法比较"
    sign = "+" if n.change > 0 else ""
    text = f"{sign}{fmt_number(n.change)}"
    if n.ratio is not None and n.change:
        text += f"（{sign}{n.ratio:.0%}）"
    return text


def fmt_ratio(t: TextChange) -> str:
    return "—" if t.similarity is None else likeness.percent(t.similarity)


# ------------------------------------------------------------------ text
def render_text(c: Comparison, *, only_changed: bool = False) -> str:
    lines = [f"年度对比：{c.last_title} → {c.this_title}", ""]
    lines += [f"注意：{n}" for n in c.notes] + ([""] if c.notes else [])
    lines.append(f"数字：共 {len(c.numbers)} 个，有变化的 {len(c.changed)} 个。")
    table = None
    for n in c.numbers:
        if only_changed and not n.changed:
            continue
        if n.table != table:
            table = n.table
            lines += ["", f"【{table}】", "位置\t项目\t上年\t本年\t变化"]
        lines.append(f"{n.address}\t{n.row_label} / {n.col_label}\t{fmt_number(n.last)}\t"
                     f"{fmt_number(n.this)}\t{fmt_change(n)}")
    lines += ["", f"【文字部分相似度】（{likeness.HOW}）",
              "部分\t上年字数\t本年字数\t相似度\t判断"]
    for s in c.sections:
        lines.append(f"{s.section}\t{s.last_chars}\t{s.this_chars}\t{fmt_ratio(s)}\t{s.verdict}")
        for p in (p for p in c.parts if p.section == s.section):
            lines.append(f"  {p.part}\t{p.last_chars}\t{p.this_chars}\t{fmt_ratio(p)}\t{p.verdict}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ HTML
# A page a county office can forward: in words, what changed first, then the detail. No cell
# addresses (the text output has them, for the clerk at the workbook).
PAGE = HTML_HEAD + """<title>{{ heading }}</title>
<style>
@page{size:A4;margin:16mm 14mm}
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:24px auto;max-width:980px;
color:#222;line-height:1.5}
h1{font-size:21px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 6px}h3{font-size:15px;margin:18px 0 4px}
p.sub{color:#555;margin:0 0 14px}
ul.summary{border:1px solid #bbb;background:#f7f7f7;padding:10px 14px 10px 32px}
ul.summary li{margin:3px 0}
table{border-collapse:collapse;margin:4px 0 12px;font-size:14px;width:100%}
th,td{border:1px solid #999;padding:3px 6px;vertical-align:top}
th{background:#d9e1f2;font-weight:normal;white-space:nowrap}
tr{break-inside:avoid}h2,h3{break-after:avoid}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.up td.d{background:#e2efda}tr.down td.d{background:#fce4d6}
tr.same{color:#777}tr.rest td{background:#f2f2f2;color:#444}
td.copied{background:#fce4d6}.note{border:2px solid #c00;padding:6px 10px}
</style>
</head>
<body>
<h1>{{ heading }}</h1>
<p class="sub">上年：{{ c.last_title }}<br>本年：{{ c.this_title }}</p>
{%- for n in c.notes %}
<p class="note">{{ n }}</p>
{%- endfor %}
<ul class="summary">
<li>数字：共 {{ c.numbers|length }} 个，{{ c.changed|length }} 个数字与上年不同{{ counts }}，其余 {{ c.numbers|length - c.changed|length }} 个相同。</li>
<li>文字：{{ texts_summary }}</li>
</ul>
<h2>文字与上年的相似度</h2>
<p>{{ how }}。相似度 {{ same }} 及以上、本年文字不少于 {{ min_chars }} 字的部分，视为与上年基本相同（注意“内容雷同”）。</p>
<table>
<thead><tr><th>部分</th><th>段落</th><th>上年字数</th><th>本年字数</th><th>相似度</th><th>判断</th></tr></thead>
{%- for rows in texts %}
<tbody>
{%- for t in rows %}
<tr>{% if loop.first %}<td rowspan="{{ rows|length }}">{{ t.section }}</td>{% endif %}<td>{{ t.part }}</td>
<td class="n">{{ t.last_chars }}</td><td class="n">{{ t.this_chars }}</td>
<td class="n{% if t.copied %} copied{% endif %}">{{ ratio(t) }}</td><td>{{ t.verdict }}</td></tr>
{%- endfor %}
</tbody>
{%- endfor %}
</table>
<h2>数字的变化</h2>
{%- for t in tables %}
<h3>{{ t.heading }}</h3>
<table>
<thead><tr><th>项目</th><th>栏目</th><th>上年</th><th>本年</th><th>增减</th></tr></thead>
<tbody>
{%- for n in t.changed %}
<tr class="{{ cls(n) }}"><td>{{ n.row_label }}</td><td>{{ n.col_label }}</td>
<td class="n">{{ num(n.last) }}</td><td class="n">{{ num(n.this) }}</td><td class="n d">{{ chg(n) }}</td></tr>
{%- endfor %}
{%- if not t.changed %}
<tr class="rest"><td colspan="5">本表数字与上年全部相同。</td></tr>
{%- elif t.same and only_changed %}
<tr class="rest"><td colspan="5">与上年相同的 {{ t.same|length }} 个数字未列出。</td></tr>
{%- endif %}
{%- if t.same and not only_changed and t.changed %}
<tr class="rest"><td colspan="5">与上年相同的 {{ t.same|length }} 个数字：</td></tr>
{%- endif %}
{%- if not only_changed %}
{%- for n in t.same %}
<tr class="same"><td>{{ n.row_label }}</td><td>{{ n.col_label }}</td>
<td class="n">{{ num(n.last) }}</td><td class="n">{{ num(n.this) }}</td><td class="n d">{{ chg(n) }}</td></tr>
{%- endfor %}
{%- endif %}
</tbody>
</table>
{%- endfor %}
</body>
</html>
"""


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(PAGE)


def _row_class(n: NumberChange) -> str:
    if not n.changed:
        return "same"
    if n.change is not None:
        return "up" if n.change > 0 else "down"
    return "changed"


def page_heading(c: Comparison) -> str:
    """"某某镇人民政府：2024年与2025年政府信息公开工作年度报告对比"."""
    years = "与".join(f"{y}年" for y in (c.last_year, c.this_year) if y) or "两年"
    return f"{c.unit + '：' if c.unit else ''}{years}{DEFAULT_FORMAT.document_title}对比"


def _counts(c: Comparison) -> str:
    parts = [(sum(1 for n in c.changed if n.change is not None and n.change > 0), "增加"),
             (sum(1 for n in c.changed if n.change is not None and n.change < 0), "减少"),
             (sum(1 for n in c.changed if n.change is None), "无法比较")]
    shown = [f"{word} {k} 个" for k, word in parts if k]
    return f"（{'，'.join(shown)}）" if shown else ""


def texts_summary(c: Comparison) -> str:
    copied = [s for s in c.sections if s.copied]
    if copied:
        which = "；".join(f"{s.section}（相似度 {fmt_ratio(s)}）" for s in copied)
        return f"{which}与上年基本相同，请注意国办公开办函〔2021〕30号所说的“内容雷同”。"
    if all(s.similarity is None for s in c.sections):
        return "两年的文字部分均为空。"
    return "各部分文字都按本年情况作了改写，没有与上年基本相同的部分。"


def render_html(c: Comparison, *, only_changed: bool = False) -> str:
    tables: dict[str, dict] = {}
    for n in c.numbers:
        t = tables.setdefault(n.table, {"heading": n.table, "changed": [], "same": []})
        t["changed" if n.changed else "same"].append(n)
    texts = [[s] + [p for p in c.parts if p.section == s.section] for s in c.sections]
    return _template().render(version=__version__, c=c, heading=page_heading(c),
                              counts=_counts(c), texts_summary=texts_summary(c),
                              tables=list(tables.values()), texts=texts, only_changed=only_changed,
                              cls=_row_class, num=fmt_number, chg=fmt_change, ratio=fmt_ratio,
                              how=likeness.HOW, same=likeness.percent(likeness.SAME),
                              min_chars=likeness.MIN_CHARS)

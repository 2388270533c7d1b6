"""docs/rules.md, generated from the catalogue (a test fails when the committed copy is stale)."""

from __future__ import annotations

from pathlib import Path

from .cases import CASE_TODAY, run
from .catalogue import FAMILIES
from .findings import ERROR, WARNING
from .rule import Rule

RULES_DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

INTRO = f"""# 校验规则一览

> 本文件由 `python scripts/gen_rules_doc.py` 根据规则目录（`giar_xl/checker/`）生成，请勿手工修改。

`giar-xl validate 文件…` 逐条应用下列规则，一次列出全部问题。每条问题写明规则编号、名称、级别、
工作表和单元格、行列标题、应为与实为，以及规则本身。

- **{ERROR}**：必须改正，改正前不宜发布。
- **{WARNING}**：可能是正确的（如机构调整使上年结转不衔接），核实后可书面说明。

退出码：0 没有错误；1 有“{ERROR}”级问题；2 用法错误或文件无法读取。
加 `--previous 上年文件` 时执行跨年度规则（Y）；上年结转、现行有效两项也可使用工作簿中保存的上年数据。
勾稽关系一律按输入单元格重新计算，不采用文件中保存的计算结果。

每条“提示”规则注明它在测试用的真实已发布报告（`tests/fixtures/real`，均经人工核对）中出现的比例：
出现得多的提示要么过严，要么确实指出了常见问题，规则说明中写明是哪一种。

下面的例子都以同一份“基准报告”（测试县某某镇人民政府 2025 年度，各表数字彼此平衡）为底，
只改动例子所说的地方；例子下方引用的是程序对该例子的实际输出。
"""


def _where(f) -> str:
    place = "!".join(x for x in (f.sheet, f.cell) if x)
    return f"{place} " if place else ""


def rule_section(rule: Rule, hit_rates: dict[str, tuple[int, int]] | None = None) -> list[str]:
    lines = [f'<a id="{rule.code.lower()}"></a>', "",
             f"### {rule.code} {rule.name}（{rule.severity}）", "",
             f"- 标识：`{rule.slug}`",
             f"- 检查内容：{rule.summary}",
             f"- 规则：{rule.rule_text}"]
    if hit_rates and rule.code in hit_rates:
        hits, total = hit_rates[rule.code]
        if rule.code[0] in "SFY":  # the real reports are published pages, read without last year's
            lines.append("- 真实报告统计：不适用（真实报告是已发布的网页文字，此规则用于工作簿或与上年报告对照）")
        else:
            lines.append(f"- 在 {total} 份真实报告中出现：{hits} 份（{hits / total:.0%}）"
                         + (f"。{rule.on_real_reports}" if rule.on_real_reports else ""))
    lines.append("")
    failing = run(rule.fail)
    lines.append(f"不通过的例子：{rule.fail.says}")
    lines.append("")
    for f in failing:
        lines.append(f"> {_where(f)}{f.severity} {f.code}：{f.message}")
    lines.append("")
    passing = run(rule.passes)
    lines.append(f"通过的例子：{rule.passes.says}")
    lines.append("")
    lines.append("> 未发现问题。" if not passing else
                 "> " + "；".join(f"{f.code} {f.message}" for f in passing))
    lines.append("")
    return lines


def render_rules_doc(hit_rates: dict[str, tuple[int, int]] | None = None) -> str:
    """The rule reference; ``hit_rates`` (提示 code → (reports it fires on, reports)) come from
    the real published reports of the test corpus (tests/real_corpus.py)."""
    lines = [INTRO, "## 规则总表", "", "| 编号 | 名称 | 级别 | 标识 |", "|---|---|---|---|"]
    for _, _, rules in FAMILIES:
        for r in rules:
            lines.append(f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity} | "
                         f"`{r.slug}` |")
    lines.append("")
    for letter, title, rules in FAMILIES:
        lines += [f"## {letter} {title}", ""]
        for r in rules:
            lines += rule_section(r, hit_rates)
    lines.append(f"（例子按 {CASE_TODAY.isoformat()} 校验。）")
    return "\n".join(lines) + "\n"

"""The rule catalogue: every rule as data — stable code, readable name, severity, message
template, what it checks, the kind that interprets it, one failing and one passing example.

Codes are stable and never reused. Families: S structure, F formulas, I identities (the
spec's own codes), V cell values, C cover, N narrative, Y across years.
"""

from __future__ import annotations

from .rule import Rule
from .rules_tables import FORMULAS, IDENTITIES, STRUCTURE, VALUES
from .rules_texts import COVER, NARRATIVE, YEARS

FAMILIES = (
    ("S", "工作簿结构", STRUCTURE),
    ("F", "公式完整性", FORMULAS),
    ("I", "勾稽关系", IDENTITIES),
    ("V", "数据完整与类型", VALUES),
    ("C", "封面", COVER),
    ("N", "叙述内容", NARRATIVE),
    ("Y", "跨年度衔接", YEARS),
)
RULES: tuple[Rule, ...] = tuple(r for _, _, rules in FAMILIES for r in rules)
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

if len(BY_CODE) != len(RULES):  # a reused code would silently shadow a rule
    raise RuntimeError("duplicate rule code in the catalogue")

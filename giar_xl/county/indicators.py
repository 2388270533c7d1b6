"""The figures a county is judged by, per unit, per unit type and for the county, as data.

- 公开率: (予以公开 + 部分公开) ÷ 办理结果（七）总计 (表三, 总计列);
- 纠错率: 行政复议、行政诉讼 结果纠正 ÷ 总计 (表四, the three groups together);
- 依申请总量: 本年新收政府信息公开申请数量 (表三 R1 总计), and its change from last year.

Rates are exact fractions of whole numbers; they are rounded only for display
(``percent``). Thresholds are data (``THRESHOLDS``): a unit outside one is highlighted
in the summary workbook and the page. A rate over a handful of cases says little, so
each indicator names the smallest base it judges (``min_base``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from ..checker.context import tidy_sum
from ..spec import DEFAULT_FORMAT
from ..spec.format2021 import t3_id

Number = int | float
NEW = t3_id("R1", "total")  # 依申请总量
DONE = t3_id("R24", "total")
CARRIED = t3_id("R25", "total")
REVIEW_TOTAL, SUIT_TOTALS = "t4.review.total", ("t4.direct.total", "t4.after_review.total")


def figure(values: dict[str, Number], cid: str) -> Number:
    """A figure as the template's formulas compute it from the input cells (missing inputs: 0),
    summed exactly (the county workbook's totals, a unit's key figures)."""
    vc = DEFAULT_FORMAT.value_cell(cid)
    if vc.is_input:
        return values.get(cid, 0)
    return figures_sum(values, vc.formula_of)


def figures_sum(values: dict[str, Number], ids: tuple[str, ...]) -> Number:
    terms = [figure(values, c) for c in ids]
    if all(type(t) is int for t in terms):  # counts: integers are exact already, and fast
        return sum(terms)
    return tidy_sum(terms)


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    formula: str  # in words, for the page and the workbook
    low: Fraction | None = None  # below it: highlighted
    high: Fraction | None = None  # above it: highlighted
    min_base: int = 1  # a smaller denominator is not judged

    def terms(self, values: dict[str, Number]) -> tuple[Number, Number]:
        """(numerator, base): all the rate needs, kept per unit instead of its figures."""
        return figures_sum(values, self.numerator), figures_sum(values, self.denominator)

    @staticmethod
    def rate(numerator: Number, base: Number) -> Fraction | None:
        return Fraction(numerator) / Fraction(base) if base else None

    def value(self, values: dict[str, Number]) -> Fraction | None:
        return self.rate(*self.terms(values))

    def judged(self, numerator: Number, base: Number) -> bool:
        """Outside its threshold (a base under ``min_base`` is not judged)."""
        v = self.rate(numerator, base)
        if v is None or base < self.min_base:
            return False
        return (self.low is not None and v < self.low) or (self.high is not None and v > self.high)

    def outside(self, values: dict[str, Number]) -> bool:
        return self.judged(*self.terms(values))

    @property
    def threshold_text(self) -> str:
        parts = []
        if self.low is not None:
            parts.append(f"低于 {percent(self.low)}")
        if self.high is not None:
            parts.append(f"高于 {percent(self.high)}")
        return "、".join(parts) + f"时标出（{self.min_base} 件以上才判断）"


@dataclass(frozen=True)
class Change:
    """A figure's change from last year, highlighted when it moves more than ``limit`` either way."""

    key: str
    name: str
    cid: str
    limit: Fraction
    min_base: int  # last year's figure must reach it for the change to be judged

    def ratio(self, now: Number, last: Number | None) -> Fraction | None:
        if last is None or not last:
            return None
        return (Fraction(now) - Fraction(last)) / Fraction(last)

    def outside(self, now: Number, last: Number | None) -> bool:
        r = self.ratio(now, last)
        return r is not None and last >= self.min_base and abs(r) > self.limit

    @property
    def threshold_text(self) -> str:
        return f"比上年增减超过 {percent(self.limit)} 时标出（上年 {self.min_base} 件以上才判断）"


T3_RESULT = lambda row: t3_id(row, "total")  # noqa: E731
INDICATORS = (
    Indicator("open_rate", "公开率", (T3_RESULT("R3"), T3_RESULT("R4")), (DONE,),
              "（予以公开 + 部分公开）÷ 办理结果总计", low=Fraction(2, 5), min_base=5),
    Indicator("correction_rate", "纠错率",
              ("t4.review.corrected", "t4.direct.corrected", "t4.after_review.corrected"),
              (REVIEW_TOTAL, *SUIT_TOTALS),
              "行政复议、行政诉讼结果纠正 ÷ 复议、诉讼总计", high=Fraction(1, 5), min_base=3),
)
VOLUME_CHANGE = Change("new_change", "依申请总量变化", NEW, limit=Fraction(1, 2), min_base=10)
# the figures shown per unit and per type, beside the indicators: (short name, cell ids summed)
KEY_FIGURES = (
    ("依申请总量", (NEW,)),
    ("办结", (DONE,)),
    ("予以公开", (T3_RESULT("R3"),)),
    ("部分公开", (T3_RESULT("R4"),)),
    ("结转下年度", (CARRIED,)),
    ("行政复议", (REVIEW_TOTAL,)),
    ("行政诉讼", SUIT_TOTALS),
)


def percent(v: Fraction | None, places: int = 1) -> str:
    """A rate for people: exact fraction, rounded half up only here."""
    if v is None:
        return "—"
    q = Decimal(v.numerator) * 100 / Decimal(v.denominator)
    return f"{q.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"


def change_text(now: Number, last: Number | None) -> str:
    if last is None:
        return "—"
    diff = now - last
    sign = "+" if diff > 0 else ""
    rate = VOLUME_CHANGE.ratio(now, last)
    return f"{sign}{_n(diff)}（{sign if rate and rate > 0 else ''}{percent(rate)}）" if rate is not None \
        else f"{sign}{_n(diff)}"


def _n(v: Number) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def key_figures(values: dict[str, Number]) -> list[Number]:
    return [figures_sum(values, ids) for _, ids in KEY_FIGURES]

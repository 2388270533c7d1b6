"""The formulas clerks write, evaluated exactly; anything else is named, never trusted.

A total in the standard workbook is ``=SUM(D8:I8)``; clerks also write
``=D8+E8+F8``, ``=SUM(D8:D28,D8)`` (a double count), ``='三、依申请公开'!D6*2`` or
``=3+2`` in a number cell. ``parse`` turns such a formula into a linear form —
constant plus cells times coefficients — with openpyxl's formula tokenizer (a
fast path reads the template's own ``=SUM(…)`` without importing openpyxl).
``evaluate`` computes it with exact fractions under Excel's rules: SUM skips text
and blanks in its ranges; ``+ - * /`` take numbers (and numeric text), treat a
blank as 0 and give #VALUE! for other text. Functions other than SUM, ranges of
whole columns, names, other workbooks and non-linear products raise
``Unsupported`` with the reason in Chinese: the checker then reports a formula it
cannot confirm.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

from .a1 import column_index, column_letter

Ref = tuple[str, str]  # (sheet, "D8")
MAX_RANGE_CELLS = 10_000  # a whole-column SUM is not a report's formula

_REF = r"\$?[A-Za-z]{1,3}\$?[0-9]{1,7}"
_FAST_SUM = re.compile(rf"^=\s*SUM\(\s*({_REF}(?::{_REF})?(?:\s*,\s*{_REF}(?::{_REF})?)*)\s*\)\s*$",
                       re.IGNORECASE)
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


class Unsupported(Exception):
    """A formula the checker cannot evaluate; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class FormulaError(Exception):
    """Evaluating gave a spreadsheet error value (``#VALUE!``, ``#REF!``, …) or a cycle."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def reason(self) -> str:
        return f"公式计算结果为错误值 {self.code}" if self.code.startswith("#") else self.code


@dataclass(frozen=True)
class Term:
    """coefficient × cell, one term of a ``Linear`` form."""

    ref: Ref
    coefficient: Fraction
    strict: bool  # used by + - * / (text is #VALUE!), not inside SUM (text is skipped)


@dataclass(frozen=True)
class Linear:
    """constant + Σ coefficient × cell."""

    terms: tuple[Term, ...] = ()
    constant: Fraction = Fraction(0)

    def coefficients(self) -> dict[Ref, Fraction]:
        out: dict[Ref, Fraction] = {}
        for t in self.terms:
            out[t.ref] = out.get(t.ref, Fraction(0)) + t.coefficient
        return {r: c for r, c in out.items() if c != 0}

    def scaled(self, k: Fraction) -> Linear:
        return Linear(tuple(Term(t.ref, t.coefficient * k, t.strict) for t in self.terms),
                      self.constant * k)

    def plus(self, other: Linear) -> Linear:
        return Linear(self.terms + other.terms, self.constant + other.constant)


# ---------------------------------------------------------------- parsing
@lru_cache(maxsize=4096)
def parse(formula: str, sheet: str) -> Linear:
    """The linear form of a formula written on ``sheet`` (raises ``Unsupported``).

    Cached: a county's workbooks carry the same few dozen formulas (a ``Linear`` is immutable).
    """
    text = formula.strip()
    if not text.startswith("="):
        text = "=" + text
    m = _FAST_SUM.match(text)
    if m:  # the template's own form: no tokenizer needed
        terms: list[Term] = []
        for arg in m.group(1).split(","):
            terms += [Term((sheet, a), Fraction(1), False) for a in _expand(arg.strip())]
        return Linear(tuple(terms))
    return _Parser(_tokens(text), sheet).parse()


def _tokens(text: str) -> list[Any]:
    from openpyxl.formula.tokenizer import Tokenizer  # only for formulas off the fast path

    try:
        items = Tokenizer(text).items
    except Exception:  # the tokenizer's own complaint about unbalanced brackets or quotes
        raise Unsupported("公式写法无法识别") from None
    return [t for t in items if t.type != "WHITE-SPACE"]


def _expand(ref: str) -> list[str]:
    """"D8:E9" → D8, E8, D9, E9 (row by row); "D8" → D8."""
    ends = ref.split(":")
    cells = [_CELL.match(e) for e in ends]
    if len(ends) > 2 or not all(cells):
        raise Unsupported(f"引用“{ref}”不是单元格或单元格区域")
    (c0, r0), (c1, r1) = [(column_index(m.group(1)), int(m.group(2))) for m in (cells[0], cells[-1])]
    c0, c1 = sorted((c0, c1))
    r0, r1 = sorted((r0, r1))
    if (c1 - c0 + 1) * (r1 - r0 + 1) > MAX_RANGE_CELLS:
        raise Unsupported(f"区域“{ref}”过大")
    return [f"{column_letter(c)}{r}" for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def _split_sheet(value: str, home: str) -> tuple[str, str]:
    if "!" not in value:
        return home, value
    sheet, _, ref = value.rpartition("!")
    if sheet.startswith("["):
        raise Unsupported("引用了其他工作簿")
    if sheet.startswith("'") and sheet.endswith("'") and len(sheet) >= 2:
        sheet = sheet[1:-1].replace("''", "'")
    if sheet.startswith("["):
        raise Unsupported("引用了其他工作簿")
    return sheet, ref


class _Parser:
    """Recursive descent over tokenizer items: expr := term (± term)*, term := factor (×/÷ factor)*."""

    def __init__(self, items: list[Any], sheet: str):
        self.items = items
        self.i = 0
        self.sheet = sheet

    def peek(self) -> Any:
        return self.items[self.i] if self.i < len(self.items) else None

    def take(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise Unsupported("公式不完整")
        self.i += 1
        return tok

    def parse(self) -> Linear:
        if not self.items:
            raise Unsupported("公式是空的")
        out = self.expr()
        if self.peek() is not None:
            raise Unsupported(f"公式中的“{self.peek().value}”无法核对")
        return out

    def expr(self) -> Linear:
        out = self.term()
        while (tok := self.peek()) is not None and tok.type == "OPERATOR-INFIX" \
                and tok.value in "+-":
            self.take()
            right = self.term()
            out = out.plus(right if tok.value == "+" else right.scaled(Fraction(-1)))
        return out

    def term(self) -> Linear:
        out = self.factor()
        while (tok := self.peek()) is not None and tok.type == "OPERATOR-INFIX" \
                and tok.value in "*/":
            self.take()
            right = self.factor()
            if tok.value == "*":
                if not right.terms:
                    out = out.scaled(right.constant)
                elif not out.terms:
                    out = right.scaled(out.constant)
                else:
                    raise Unsupported("公式中有两个单元格相乘")
            else:
                if right.terms:
                    raise Unsupported("公式中有除以单元格的运算")
                if right.constant == 0:
                    raise Unsupported("公式中有除以 0 的运算")
                out = out.scaled(1 / right.constant)
        return out

    def factor(self) -> Linear:
        tok = self.take()
        if tok.type == "OPERATOR-PREFIX":
            inner = self.factor()
            return inner if tok.value == "+" else inner.scaled(Fraction(-1))
        if tok.type == "OPERAND" and tok.subtype == "NUMBER":
            return Linear(constant=_fraction(tok.value))
        if tok.type == "OPERAND" and tok.subtype == "RANGE":
            sheet, ref = _split_sheet(tok.value, self.sheet)
            if ":" in ref:
                raise Unsupported(f"区域“{tok.value}”不在 SUM 中")
            if not _CELL.match(ref):
                raise Unsupported(f"“{tok.value}”不是单元格引用（可能是名称）")
            return Linear((Term((sheet, _address(ref)), Fraction(1), True),))
        if tok.type == "PAREN" and tok.subtype == "OPEN":
            inner = self.expr()
            close = self.take()
            if close.type != "PAREN" or close.subtype != "CLOSE":
                raise Unsupported("括号不配对")
            return inner
        if tok.type == "FUNC" and tok.subtype == "OPEN":
            name = tok.value[:-1].upper().removeprefix("_XLFN.")
            if name != "SUM":
                raise Unsupported(f"公式用了函数 {name}，校验程序只核对 SUM 和加减乘除")
            return self.sum_args()
        raise Unsupported(f"公式中的“{tok.value}”无法核对")

    def sum_args(self) -> Linear:
        out = Linear()
        while True:
            tok = self.peek()
            if tok is None:
                raise Unsupported("公式不完整")
            if tok.type == "FUNC" and tok.subtype == "CLOSE":
                self.take()
                return out
            if tok.type == "SEP" and tok.subtype == "ARG":
                self.take()
                continue
            nxt = self.items[self.i + 1] if self.i + 1 < len(self.items) else None
            single = nxt is not None and (nxt.type == "SEP" or (nxt.type == "FUNC"
                                                                and nxt.subtype == "CLOSE"))
            if tok.type == "OPERAND" and tok.subtype == "RANGE" and single:
                self.take()  # a reference argument: SUM skips its text and blanks
                sheet, ref = _split_sheet(tok.value, self.sheet)
                out = out.plus(Linear(tuple(Term((sheet, a), Fraction(1), False)
                                            for a in _expand(ref))))
            else:
                out = out.plus(self.expr())


def _address(ref: str) -> str:
    m = _CELL.match(ref)
    assert m is not None
    return f"{m.group(1).upper()}{m.group(2)}"


def _fraction(text: str) -> Fraction:
    try:
        return Fraction(Decimal(text))
    except (InvalidOperation, ValueError):
        raise Unsupported(f"数字“{text}”无法识别") from None


# ---------------------------------------------------------------- values
def exact(value: Any) -> Fraction | None:
    """A cell's number as an exact fraction (a float by its shortest decimal form)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Fraction(Decimal(repr(value)))
    return None


def as_typed(value: int | float) -> Decimal:
    """A number as the clerk typed it: the shortest decimal form of the stored binary number,
    cut to the 15 significant digits a spreadsheet keeps (18651.06, never 18651.060000000001)."""
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if len(d.as_tuple().digits) > 15:
        d = Decimal(format(value, ".15g"))
    return d.normalize()


def _numeric_text(value: str) -> Fraction | None:
    try:
        return Fraction(Decimal(value.strip()))
    except (InvalidOperation, ValueError):
        return None


def evaluate(form: Linear, value_of: Callable[[Ref], Any]) -> Fraction:
    """The formula's value. ``value_of`` gives a cell's value: a number, text, None
    (blank), a bool, or a ``FormulaError`` for an error cell (raised here)."""
    total = form.constant
    whole = 0  # whole coefficients times whole values: plain integers, exact and fast
    for t in form.terms:
        v = value_of(t.ref)
        k = t.coefficient
        if type(v) is int and k.denominator == 1:
            whole += k.numerator * v
            continue
        if isinstance(v, FormulaError):
            raise v
        if v is None or (isinstance(v, str) and v == ""):
            continue
        if isinstance(v, bool):
            n = Fraction(int(v)) if t.strict else None
        elif isinstance(v, str):
            n = _numeric_text(v) if t.strict else None
            if n is None and t.strict:
                raise FormulaError("#VALUE!")
        else:
            n = exact(v)
        if n is not None:
            total += k * n
    return total + whole if whole else total


def plain_number(x: Fraction) -> int | float:
    """A fraction as the report stores numbers: int when whole."""
    return int(x) if x.denominator == 1 else float(x)

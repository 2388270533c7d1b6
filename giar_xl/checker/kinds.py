"""Rule kinds for the workbook and its tables: structure, formulas, identities, cell values.

A kind is a function ``(ctx, rule) -> Iterable[Finding]``; the rule's ``params``
(data, in ``catalogue``) say what exactly it looks at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from ..formula import exact
from ..xlsx import serial_to_date
from .context import CheckContext, is_number, show, tidy_sum
from .findings import Finding

Kind = Callable[[CheckContext, Any], Iterable[Finding]]
KINDS: dict[str, Kind] = {}
_FIRST_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]*)")
_NUMERIC_TEXT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")


def kind(name: str) -> Callable[[Kind], Kind]:
    def register(fn: Kind) -> Kind:
        KINDS[name] = fn
        return fn
    return register


# ---------------------------------------------------------------- structure
@kind("structure")
def structure(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """The reader's notes about the workbook's shape, of the codes this rule owns."""
    codes = set(rule.params["notes"])
    others = rule.params.get("others_of")  # the catch-all rule owns every unknown code
    # a more specific note at the same cell wins (a 2019 header is also a changed label)
    yield_to = {(n.sheet, n.address) for n in ctx.report.structure
                if n.code in rule.params.get("unless", ())}
    for note in ctx.report.structure:
        mine = note.code not in others if others is not None else note.code in codes
        if not mine or (note.sheet, note.address) in yield_to:
            continue
        m = _FIRST_CELL.search(note.address or "")
        yield ctx.finding(rule, sheet=note.sheet, cell="".join(m.groups()) if m else None,
                          expected=note.expected, actual=note.actual, note=note.message)
    meta_value = rule.params.get("meta_value")
    if meta_value is not None and str(ctx.report.meta.get("format_detected")) == meta_value \
            and not any(n.code in codes for n in ctx.report.structure):
        # the importer's verdict on a published text: no cell to point at
        yield ctx.finding(rule, expected="2021年版", actual="2019年版",
                          note="报告中的表格是 2019 年版格式（国办公开办函〔2019〕60号）")


# ---------------------------------------------------------------- formulas
def _derived_with_record(ctx: CheckContext) -> Iterator[Any]:
    for vc in ctx.spec.value_cells:
        if not vc.is_input and vc.id in ctx.report.cells:
            yield vc


def _own_formulas(ctx: CheckContext) -> Iterator[tuple[str, Any]]:
    """(id, record) of every non-total cell that holds a formula: inputs, cover, texts."""
    derived = {vc.id for vc in ctx.spec.value_cells if not vc.is_input}
    for rid, rec in ctx.report.cells.items():
        if rec.formula is not None and rid not in derived and not ctx.report.values_only:
            yield rid, rec


def _differs(cached: Any, should: Any) -> bool:
    a, b = exact(cached), exact(should)
    return a is None or b is None or a != b


@kind("formula")
def formula(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    want = rule.params["state"]
    if want == "stale_cache":
        yield from _stale(ctx, rule)
        return
    if want in ("input_formula", "unevaluable"):
        for rid, rec in _own_formulas(ctx):
            if (rec.formula_problem is None) == (want == "input_formula"):
                yield ctx.finding(rule, rid=rid, expected=rec.computed, actual=rec.formula,
                                  formula=rec.formula, problem=rec.formula_problem or "")
        return
    for vc in _derived_with_record(ctx):
        state = ctx.formula_state(vc)
        if state == "overwritten" and want in ("overwritten_wrong", "overwritten_right"):
            typed = ctx.report.values.get(vc.id)
            should = ctx.recomputed(vc)
            right = is_number(typed) and should is not None and not _differs(typed, should)
            if right == (want == "overwritten_right"):
                yield ctx.finding(rule, rid=vc.id, expected=should, actual=typed,
                                  formula=ctx.expected_formula(vc))
        elif state == "altered" and want == "altered":
            got, template_formula = ctx.report.cells[vc.id].formula, ctx.expected_formula(vc)
            yield ctx.finding(rule, rid=vc.id, expected=template_formula, actual=got,
                              want=template_formula, got=got)


def _stale(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """A stored result that is not what the formula gives now (calculation set to manual,
    a file saved by a program that does not recalculate): both numbers are reported."""
    for rid, rec in ctx.report.cells.items():
        if rec.formula is None or not rec.has_cache or ctx.report.values_only:
            continue
        try:
            vc = ctx.spec.value_cell(rid)
        except KeyError:
            vc = None
        if vc is not None and not vc.is_input:
            if ctx.formula_state(vc) != "intact":
                continue  # an altered total: F03 reports its formula
            should = ctx.claimed(rid)
        else:
            should = rec.computed
        if should is None or not is_number(should):
            continue
        if _differs(rec.cached, should):
            yield ctx.finding(rule, rid=rid, expected=should, actual=rec.cached,
                              formula=rec.formula)


# ---------------------------------------------------------------- identities
def _terms(values: list[float], words: str) -> str:
    if len(values) == 1:
        return f"此格为 {show(values[0])}"
    if len(values) <= 6:
        return " + ".join(show(v) for v in values) + f" = {show(tidy_sum(values))}"
    return f"{words} = {show(tidy_sum(values))}"


@kind("identity")
def identity(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """Every instance of one identity, on the table as it stands (inputs recomputed)."""
    spec = ctx.spec
    for inst in spec.identities:
        if inst.code != rule.params["identity"]:
            continue
        vcs = [spec.value_cell(x) for x in inst.lhs + inst.rhs]
        fc = inst.formula_cell
        defining = fc is not None and inst.lhs == (fc,) and spec.value_cell(fc).formula_of == inst.rhs
        if not defining and all(not vc.is_input for vc in vcs):
            continue  # totals only: follows from the instances that define those totals
        if defining and ctx.formula_state(spec.value_cell(fc)) != "data":
            continue  # a workbook formula: the formula rules report what happened to it
        lhs = [ctx.claimed(x) for x in inst.lhs]
        rhs = [ctx.claimed(x) for x in inst.rhs]
        if any(v is None for v in lhs + rhs):
            continue  # a cell without a number: the value rules report it
        left, right = tidy_sum(lhs), tidy_sum(rhs)
        if abs(left - right) < 1e-9:
            continue
        if defining:
            anchor, expected = fc, right
        else:
            anchor = next((x for x in reversed(inst.rhs) if spec.value_cell(x).is_input),
                          inst.rhs[-1])
            expected = tidy_sum([ctx.claimed(anchor), left - right])
        yield ctx.finding(rule, rid=anchor, expected=expected, actual=ctx.claimed(anchor),
                          scope=inst.scope, left=_terms(lhs, "各项之和"), right=_terms(rhs, "各项之和"),
                          diff=show(abs(tidy_sum([left, -right]))))


# ---------------------------------------------------------------- cell values
def _parse_number_text(text: str) -> float | None:
    t = text.strip().translate(_FULL_WIDTH)
    if _NUMERIC_TEXT.match(t):
        return float(t.replace(",", ""))
    return None


def decimal_places(x: float | int) -> int:
    """Decimals of a number as the clerk typed it: the shortest decimal form of the stored
    binary number, cut to the 15 significant digits a spreadsheet keeps (18651.06 → 2,
    5949.088667 → 6; never read from float formatting, which gives 18651.060000000001)."""
    d = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    if len(d.as_tuple().digits) > 15:
        d = Decimal(format(x, ".15g"))
    exponent = d.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def value_problem(raw: Any, vc: Any, test: str, params: dict[str, Any], is_date: bool = False) -> bool:
    """Whether a raw cell value fails one test (see the V rules of the catalogue)."""
    if test == "date":
        return is_date and is_number(raw)
    if is_date and is_number(raw):
        return False  # a date typed into a number cell: V09 names it, the number means nothing
    text = raw.strip() if isinstance(raw, str) else None
    if test == "blank":
        return raw is None or text == ""
    if test in ("placeholder", "numeric_text", "text"):
        if text is None or text == "":
            # True/False, NaN or Infinity (a JSON document may carry them): not a number
            odd = isinstance(raw, bool) or (isinstance(raw, float) and not is_number(raw))
            return odd and test == "text"
        if text in params.get("tokens", ()):
            return test == "placeholder"
        numeric = _parse_number_text(text) is not None
        return numeric if test == "numeric_text" else (test == "text" and not numeric)
    if not is_number(raw):
        return False
    if test == "negative":
        return raw < 0
    if test == "fraction":
        return vc.kind == "count" and raw != int(raw)
    if test == "decimals":
        return vc.kind == "amount" and decimal_places(raw) > params["max_decimals"]
    if test == "too_large":
        return vc.kind == "amount" and raw >= params["limit"]
    raise ValueError(f"unknown value test {test!r}")


@kind("cell_value")
def cell_value(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    test = rule.params["test"]
    for vc in ctx.spec.value_cells:
        if not ctx.is_checked_value(vc):
            continue  # a template formula, or a total the formula rules already report
        raw = ctx.report.values.get(vc.id)
        rec = ctx.report.cells.get(vc.id)
        is_date = rec is not None and rec.is_date
        if value_problem(raw, vc, test, rule.params, is_date):
            words = {k: v for k, v in rule.params.items() if k in ("max_decimals", "limit")}
            if test == "decimals":
                words["decimals"] = decimal_places(raw)
            if test == "date":
                words["date"] = serial_to_date(raw).isoformat()
            yield ctx.finding(rule, rid=vc.id, expected=rule.params.get("expected"), actual=raw,
                              unit=vc.unit, **words)

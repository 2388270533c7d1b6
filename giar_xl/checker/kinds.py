"""Rule kinds for the workbook and its tables: structure, formulas, identities, cell values.

A kind is a function ``(ctx, rule) -> Iterable[Finding]``; the rule's ``params``
(data, in ``catalogue``) say what exactly it looks at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..formula import as_typed, exact, plain_number
from ..layout import compact_refs
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
    if want == "overwritten_wrong":
        for blame in ctx.balance():
            if blame_code(ctx, blame) == "F01":
                rid, sheet, cell = blame_place(ctx, blame)
                vc = ctx.spec.value_cell(rid)
                words = blame_words(ctx, blame)
                should = plain_number(blame.expected) if blame.cell else ctx.recomputed(vc)
                how = (f"按各项重算应为 {show(should)}" if blame.cell else
                       f"与各项之和 {show(should)} 不符，{words['verdict'].rstrip('。')}")
                yield ctx.finding(rule, rid=rid, expected=should, actual=ctx.report.values.get(rid),
                                  formula=ctx.expected_formula(vc), how=how,
                                  cells=words["cells"], suspects=words["suspects"])
        return
    blamed = ({b.cell for b in ctx.balance()} | {s for b in ctx.balance() for s in b.suspects}
              | {i.formula_cell for b in ctx.balance() if b.cell is None for i in b.relations})
    fixes = [b.cell for b in ctx.balance() if b.cell is not None]
    for vc in _derived_with_record(ctx):
        state = ctx.formula_state(vc)
        if state == "overwritten" and want == "overwritten_right" and vc.id not in blamed:
            typed = ctx.claimed(vc.id)
            should = ctx.recomputed(vc)
            if typed is None or should is None:
                continue  # blank or text typed over a total: the value rules report it
            if not _differs(typed, should):
                how = "与重算值一致"
            else:  # the typed figure is right once the cell the balance blames is fixed
                how = "改正 " + "、".join(_addresses(ctx, tuple(fixes))) + " 后与重算值一致"
            yield ctx.finding(rule, rid=vc.id, expected=should, actual=typed,
                              formula=ctx.expected_formula(vc), how=how)
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
def _addresses(ctx: CheckContext, ids: tuple[str, ...]) -> list[str]:
    return [a for a in (ctx.locate(x)[1] for x in ids) if a]


def runs(addresses: tuple[str, ...] | list[str]) -> list[str]:
    """Addresses with each run of three or more neighbours in one column or row written
    as a range: D8 D9 … D28 J8 → "D8:D28", "J8"."""
    out: list[str] = []
    rest = list(addresses)
    while rest:
        run = [rest.pop(0)]
        while rest and compact_refs(run + rest[:1]).count(":") == 1 and "," not in compact_refs(run + rest[:1]):
            run.append(rest.pop(0))
        out += [compact_refs(run)] if len(run) > 2 else run
    return out


def _side(ctx: CheckContext, ids: tuple[str, ...]) -> str:
    """"D6 + D7 = 5" or "D8:D28 之和 = 4": the cells of one side and what they add up to."""
    values = [ctx.claimed(x) for x in ids]
    total = show(tidy_sum([v or 0 for v in values]))
    addresses = _addresses(ctx, ids)
    if len(addresses) != len(ids):
        return total
    if len(ids) <= 3:
        return " + ".join(addresses) + f" = {total}"
    return f"{compact_refs(addresses)} 之和 = {total}"


def describe_relation(ctx: CheckContext, inst: Any) -> str:
    left = tidy_sum([ctx.claimed(x) or 0 for x in inst.lhs])
    right = tidy_sum([ctx.claimed(x) or 0 for x in inst.rhs])
    return (f"{inst.scope}：{_side(ctx, inst.lhs)}，而 {_side(ctx, inst.rhs)}，"
            f"相差 {show(abs(tidy_sum([left, -right])))}")


def blame_words(ctx: CheckContext, blame: Any) -> dict[str, Any]:
    """What a finding built from a ``balance.Blame`` says and where it points."""
    relation = "；".join(describe_relation(ctx, i) for i in blame.relations)
    cells = tuple(dict.fromkeys(a for i in blame.relations for a in _addresses(ctx, i.lhs + i.rhs)))
    suspects = tuple(_addresses(ctx, tuple(blame.suspects)))
    if blame.cell is not None:
        verdict = (f"改正此格即可使{'这些' if len(blame.relations) > 1 else '这一'}勾稽关系成立："
                   f"此格应为 {show(plain_number(blame.expected))}，实为 {show(plain_number(blame.actual))}。")
    else:
        verdict = f"无法确定是哪一格有误，请核对 {'、'.join(runs(suspects))}。"
    return {"relation": relation, "verdict": verdict, "cells": cells, "suspects": suspects}


def blame_place(ctx: CheckContext, blame: Any) -> tuple[str | None, str | None, str | None]:
    """(id, sheet, cell) of a blame: the cell to fix, else where the relation is shown
    (an I1 column's live check cell under table 三; a total's own cell)."""
    if blame.cell is not None:
        sheet, cell = ctx.locate(blame.cell)
        return blame.cell, sheet, cell
    inst = blame.relations[0]
    if inst.formula_cell is None:
        sheet, cell = ctx.status_place(inst)
        return None, sheet, cell
    sheet, cell = ctx.locate(inst.lhs[0])
    return inst.lhs[0], sheet, cell


def blame_code(ctx: CheckContext, blame: Any) -> str:
    """The rule a blame is reported under: its identity, or F01 for a total typed over its
    formula in a workbook (the clerk's typing, not the format, is what went wrong)."""
    rid = blame.cell if blame.cell is not None else blame.relations[0].formula_cell
    if rid is not None and not ctx.spec.value_cell(rid).is_input \
            and ctx.formula_state(ctx.spec.value_cell(rid)) == "overwritten":
        if blame.cell is not None or rid == blame.relations[0].lhs[0]:
            return "F01"
    return blame.code


@kind("identity")
def identity(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    """Every failing instance of one identity, on the table as it stands (inputs recomputed),
    pointed at the cell that explains it (see ``balance``)."""
    for blame in ctx.balance():
        if blame_code(ctx, blame) != rule.code:
            continue
        rid, sheet, cell = blame_place(ctx, blame)
        words = blame_words(ctx, blame)
        row_label = col_label = None
        if rid is None:  # the live check cell of a column: its labels in words
            row_label, col_label = ctx.spec.value_cell(blame.relations[0].lhs[0]).col_label, "勾稽检查"
        yield ctx.finding(rule, rid=rid, sheet=sheet, cell=cell, row_label=row_label,
                          col_label=col_label,
                          expected=plain_number(blame.expected) if blame.cell else None,
                          actual=plain_number(blame.actual) if blame.cell else None, **words)


# ---------------------------------------------------------------- cell values
def _parse_number_text(text: str) -> float | None:
    t = text.strip().translate(_FULL_WIDTH)
    if _NUMERIC_TEXT.match(t):
        return float(t.replace(",", ""))
    return None


def decimal_places(x: float | int) -> int:
    """Decimals of a number as the clerk typed it (18651.06 → 2, 5949.088667 → 6), never read
    from float formatting (which gives 18651.060000000001)."""
    exponent = as_typed(x).as_tuple().exponent
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


# tests a whole number ≥ 0 never fails (the common entry: no need to ask value_problem)
_NEVER_ON_WHOLE = frozenset({"blank", "placeholder", "numeric_text", "text", "negative", "fraction",
                             "decimals"})


@kind("cell_value")
def cell_value(ctx: CheckContext, rule: Any) -> Iterator[Finding]:
    test = rule.params["test"]
    skip_whole = test in _NEVER_ON_WHOLE
    for vc in ctx.checked_values():  # not a template formula, nor a total the formula rules report
        raw = ctx.report.values.get(vc.id)
        if skip_whole and type(raw) is int and raw >= 0:
            continue
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

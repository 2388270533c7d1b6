"""Which cell to fix when the table does not add up.

Every identity of the format (I1–I4) is a linear relation between cells. When some
fail, the likely culprit is the smallest change that makes them all hold again,
as statistical offices edit survey returns (Fellegi–Holt): the fewest cells,
weighted by evidence, with values a count can take (whole numbers, never
negative). Evidence beside the identities themselves:

- a total typed by hand is more likely wrong than the inputs it should add up;
- a figure the narrative quotes (本年新收…件) that agrees with the table speaks
  for the cells behind it, one that disagrees against them;
- 上年结转 that equals last year's 结转下年度 speaks for itself, one that
  differs against itself.

Totals whose template formula is intact cannot be typed wrong: they follow their
inputs, so a change to an input carries through them. When several changes are
equally good, nobody can single out the cell: the finding then names every
candidate ("请核对…") instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from ..formula import exact
from ..spec import IdentityInstance
from .context import a1_key, holds_on_whole_numbers

# costs of blaming a cell (lower: more likely the culprit)
TYPED_OVER = Fraction(3, 4)  # a total whose formula the clerk replaced with a number
TYPED_TOTAL = Fraction(1)  # a total in plain data (a published table, a report JSON)
INPUT = Fraction(5, 4)
BREAKS_EVIDENCE = Fraction(2)  # the change contradicts a quote or last year's figure
MEETS_EVIDENCE = Fraction(-1, 2)  # the change makes a disagreeing quote or carry-over agree
MAX_CELLS = 5
MAX_NODES = 20_000
MAX_FAILING = 16  # beyond this the table is too far off for one repair to mean anything


@dataclass(frozen=True)
class Relation:
    """Σ coefficient × cell + constant = 0, over the cells a clerk can change."""

    code: str  # "I1"… for an identity; "" for evidence
    instance: IdentityInstance | None
    terms: dict[str, Fraction]
    constant: Fraction = Fraction(0)
    residual: Fraction = Fraction(0)  # with today's values
    weight: Fraction = Fraction(1)  # evidence only: how much breaking or meeting it counts


@dataclass
class Blame:
    """One finding's worth: the failing relations one cell (or no single cell) explains."""

    code: str
    relations: list[IdentityInstance]
    cell: str | None  # the cell to fix; None when no single cell can be singled out
    expected: Fraction | None = None
    actual: Fraction | None = None
    suspects: list[str] = field(default_factory=list)


@dataclass
class Model:
    """The identities as linear relations over the free cells, with today's values and the evidence."""

    values: dict[str, Fraction]  # free cells (inputs, typed totals) → value
    weights: dict[str, Fraction]
    hard: list[Relation]
    soft: list[Relation]
    # the free cells each cell stands for (an intact total: its inputs, expanded), with
    # whole coefficients (every formula of the format adds its terms once)
    expansion: dict[str, dict[str, int]]


def build_model(ctx: Any) -> Model:
    """The table's identities over the cells a clerk can change, with today's values."""
    spec = ctx.spec
    values: dict[str, Fraction] = {}
    weights: dict[str, Fraction] = {}
    expansion: dict[str, dict[str, int] | None] = {}

    def expand(cid: str) -> dict[str, int] | None:
        """cell → {free cell: coefficient}; None when its value is unknown."""
        if cid in expansion:
            return expansion[cid]
        expansion[cid] = None  # a cycle (never in the format) stays unknown
        vc = spec.value_cell(cid)
        if ctx.unreadable(cid):
            out = None
        elif vc.is_input:
            v = ctx.claimed(cid)
            if v is None and ctx.is_blank_or_text(cid):
                v = 0  # SUM counts it 0; V01–V04 report the cell itself
            out = None if v is None else {cid: 1}
            if out is not None:
                values[cid], weights[cid] = exact(v) or Fraction(0), INPUT
        elif ctx.formula_state(vc) == "intact":
            out = {}
            for term in vc.formula_of:
                sub = expand(term)
                if sub is None:
                    out = None
                    break
                for k, c in sub.items():
                    out[k] = out.get(k, 0) + c
        else:  # a typed total (in a workbook or in plain data), or an altered formula
            v = ctx.claimed(cid)
            out = None if v is None else {cid: 1}
            if out is not None:
                typed_over = ctx.formula_state(vc) == "overwritten"
                values[cid], weights[cid] = exact(v) or Fraction(0), TYPED_OVER if typed_over else TYPED_TOTAL
        expansion[cid] = out
        return out

    hard: list[Relation] = []
    for inst in spec.identities:
        rel = _relation(inst.code, inst, [(x, 1) for x in inst.lhs] + [(x, -1) for x in inst.rhs],
                        expand, values)
        if rel is not None and rel.terms:  # an intact formula's own relation holds by itself
            hard.append(rel)
    soft: list[Relation] = []
    for ids, target, weight in evidence(ctx):
        r = _relation("", None, [(x, 1) for x in ids], expand, values, -exact(target))
        if r is not None and r.terms:
            soft.append(replace(r, weight=weight))
    return Model(values, weights, hard, soft, {k: v for k, v in expansion.items() if v is not None})


def evidence(ctx: Any) -> list[tuple[tuple[str, ...], Any, Fraction]]:
    """Figures known from elsewhere: (cells, the sum they should have, how much it counts)."""
    from .catalogue import BY_CODE
    from .narrative import last_year, quotes

    out: list[tuple[tuple[str, ...], Any, Fraction]] = []
    for q in quotes(ctx, BY_CODE["N04"]):
        # "收到 N 件" may mean this year's applications or those and last year's: each
        # reading counts as a share of the evidence
        out += [(ids, q.said, Fraction(1, len(q.meanings))) for ids in q.meanings]
    for this_id, last_id in BY_CODE["Y01"].params["pairs"]:
        last = last_year(ctx, last_id)
        if last is not None:
            out.append(((this_id,), last, Fraction(1)))
    return out


def _relation(code: str, inst: IdentityInstance | None, signed: list[tuple[str, int]],
              expand: Any, values: dict[str, Fraction], constant: Fraction = Fraction(0)
              ) -> Relation | None:
    whole: dict[str, int] = {}  # summed as integers, made exact fractions once
    for cid, sign in signed:
        sub = expand(cid)
        if sub is None:
            return None  # a cell without a number: the value rules report it
        for k, c in sub.items():
            whole[k] = whole.get(k, 0) + sign * c
    whole = {k: c for k, c in whole.items() if c != 0}
    if all(values[k].denominator == 1 for k in whole):  # counts: the residual in integers
        residual = constant + sum(c * values[k].numerator for k, c in whole.items())
    else:
        residual = constant + sum((c * values[k] for k, c in whole.items()), start=Fraction(0))
    return Relation(code, inst, {k: Fraction(c) for k, c in whole.items()}, constant, residual)


def _solve(model: Model, chosen: tuple[str, ...]) -> dict[str, Fraction] | None:
    """New values for the chosen cells that make every identity hold, if exactly one."""
    rows = [([r.terms.get(c, Fraction(0)) for c in chosen], -r.residual)
            for r in model.hard if any(c in r.terms for c in chosen)]
    n = len(chosen)
    matrix = [list(a) + [b] for a, b in rows]
    rank, row = 0, 0
    pivots: list[int] = []
    for col in range(n):
        pivot = next((i for i in range(row, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            return None  # a cell the identities do not pin down: not a minimal change
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        p = matrix[row][col]
        matrix[row] = [x / p for x in matrix[row]]
        for i in range(len(matrix)):
            if i != row and matrix[i][col] != 0:
                f = matrix[i][col]
                matrix[i] = [x - f * y for x, y in zip(matrix[i], matrix[row])]
        pivots.append(col)
        row += 1
        rank += 1
    if any(all(x == 0 for x in m[:n]) and m[n] != 0 for m in matrix):
        return None  # inconsistent: these cells alone cannot balance the table
    out = {}
    for i, col in enumerate(pivots):
        new = model.values[chosen[col]] + matrix[i][n]
        if new < 0 or new.denominator != 1:
            return None  # a count cannot be negative or a fraction
        out[chosen[col]] = new
    return out


def _cost(model: Model, chosen: tuple[str, ...], new: dict[str, Fraction]) -> Fraction:
    cost = sum((model.weights[c] for c in chosen), start=Fraction(0))
    for r in model.soft:
        if not any(c in r.terms for c in chosen):
            continue
        after = r.residual + sum((r.terms.get(c, 0) * (new[c] - model.values[c]) for c in chosen),
                                 start=Fraction(0))
        if r.residual == 0 and after != 0:
            cost += BREAKS_EVIDENCE * r.weight
        elif r.residual != 0 and after == 0:
            cost += MEETS_EVIDENCE * r.weight
    return cost


def best_repairs(model: Model) -> list[tuple[tuple[str, ...], dict[str, Fraction]]] | None:
    """The cheapest sets of changes that balance every identity (ties all returned);
    None when the search gives up (too many failures, or no repair within bounds)."""
    failing = [r for r in model.hard if r.residual != 0]
    if len(failing) > MAX_FAILING:
        return None
    found: dict[tuple[str, ...], tuple[Fraction, dict[str, Fraction]]] = {}
    seen: set[tuple[str, ...]] = set()
    nodes = 0
    frontier: list[tuple[str, ...]] = [()]
    bonus = MEETS_EVIDENCE * sum((r.weight for r in model.soft), start=Fraction(0))
    # breadth first: sets of one cell, then two, …; stop when no bigger set can be cheaper
    for _size in range(MAX_CELLS + 1):
        nxt: list[tuple[str, ...]] = []
        for chosen in frontier:
            nodes += 1
            if nodes > MAX_NODES:
                break
            unhit = next((r for r in failing if not any(c in r.terms for c in chosen)), None)
            if unhit is None and chosen:
                new = _solve(model, chosen)
                if new is not None:
                    found[chosen] = (_cost(model, chosen, new), new)
                    continue
            # cells of the first relation not yet hit, or of one the chosen cells now break
            pool = unhit.terms if unhit is not None else _touched(model, chosen)
            for c in pool:
                key = tuple(sorted(chosen + (c,)))
                if c not in chosen and key not in seen:
                    seen.add(key)
                    nxt.append(key)
        best = min((cost for cost, _ in found.values()), default=None)
        if nodes > MAX_NODES or not nxt or (best is not None and all(
                sum((model.weights[c] for c in k), start=Fraction(0)) + bonus > best for k in nxt)):
            break
        frontier = nxt
    best = min((cost for cost, _ in found.values()), default=None)
    ties = [(k, new) for k, (cost, new) in found.items() if cost == best]
    return ties or None


def _touched(model: Model, chosen: tuple[str, ...]) -> Iterable[str]:
    out: dict[str, None] = {}
    for r in model.hard:
        if any(c in r.terms for c in chosen):
            out.update(dict.fromkeys(r.terms))
    return out


def blames(ctx: Any) -> list[Blame]:
    """One entry per finding: failing identities grouped by the cell that explains them."""
    if holds_on_whole_numbers(ctx):
        return []
    model = build_model(ctx)
    failing = [r for r in model.hard if r.residual != 0]
    if not failing:
        return []
    repairs = best_repairs(model)
    if repairs is not None and len(repairs) == 1:
        (chosen, new), = repairs
        out: dict[str, Blame] = {}
        for r in failing:
            # the chosen cell the relation names itself, else one it stands behind
            direct = [c for c in chosen if c in r.terms and _names(r.instance, c)]
            cell = (direct or [c for c in chosen if c in r.terms])[0]
            b = out.setdefault(cell, Blame(r.code, [], cell, new[cell], model.values[cell]))
            if direct and not any(_names(i, cell) for i in b.relations):
                b.code = r.code  # named after an identity that holds the cell itself
            b.relations.append(r.instance)
        return list(out.values())
    position = lambda c: a1_key(ctx.locate(c)[1])  # noqa: E731
    # relations the same tied repairs touch are one question: "which of these cells?"
    group = {id(r): i for i, r in enumerate(failing)}

    def root(i: int) -> int:
        while group[id(failing[i])] != i:
            i = group[id(failing[i])]
        return i

    for chosen, _ in repairs or []:
        touched = [i for i, r in enumerate(failing) if any(c in r.terms for c in chosen)]
        for i in touched[1:]:
            group[id(failing[root(i)])] = root(touched[0])
    suspects = sorted({c for chosen, _ in (repairs or []) for c in chosen}, key=position)
    out: dict[int, Blame] = {}
    for i, r in enumerate(failing):
        b = out.setdefault(root(i), Blame(r.code, [], None))
        b.relations.append(r.instance)
        b.suspects += [c for c in suspects if c in r.terms and c not in b.suspects]
    for b in out.values():
        if not b.suspects:  # no repair within bounds: every cell of the relations
            b.suspects = sorted({c for i in b.relations for r in failing if r.instance is i
                                 for c in r.terms}, key=position)
        b.suspects.sort(key=position)
    return list(out.values())


def _names(inst: IdentityInstance | None, cid: str) -> bool:
    return inst is not None and cid in inst.lhs + inst.rhs

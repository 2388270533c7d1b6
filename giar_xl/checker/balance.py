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
from .context import a1_key

# costs of blaming a cell (lower: more likely the culprit), in quarters
TYPED_OVER = 3  # a total whose formula the clerk replaced with a number
TYPED_TOTAL = 4  # a total in plain data (a published table, a report JSON)
INPUT = 5
BREAKS_EVIDENCE = 8  # the change contradicts a quote or last year's figure
MEETS_EVIDENCE = -2  # the change makes a disagreeing quote or carry-over agree
MAX_CELLS = 4
MAX_NODES = 4_000
MAX_FAILING = 16  # beyond this the table is too far off for one repair to mean anything


@dataclass(frozen=True)
class Relation:
    """Σ coefficient × cell + constant = 0, over the cells a clerk can change."""

    code: str  # "I1"… for an identity; "" for evidence
    instance: IdentityInstance | None
    terms: dict[str, int]
    constant: Fraction | int = 0
    residual: Fraction | int = 0  # with today's values
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
    values: dict[str, Fraction | int]  # free cells (inputs, typed totals) → value
    weights: dict[str, int]
    hard: list[Relation]
    soft: list[Relation]
    # the free cells each cell stands for (an intact total: its inputs, expanded)
    expansion: dict[str, dict[str, int]]


def build_model(ctx: Any) -> Model:
    """The table's identities over the cells a clerk can change, with today's values."""
    spec = ctx.spec
    values: dict[str, Fraction | int] = {}
    weights: dict[str, int] = {}
    expansion: dict[str, dict[str, int] | None] = {}

    def number(v: Any) -> Fraction | int:
        x = exact(v) or Fraction(0)
        return x.numerator if x.denominator == 1 else x  # counts: plain integers, fast

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
                values[cid], weights[cid] = number(v), INPUT
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
                values[cid], weights[cid] = number(v), TYPED_OVER if typed_over else TYPED_TOTAL
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
              expand: Any, values: dict[str, Fraction | int], constant: Fraction | int = 0
              ) -> Relation | None:
    terms: dict[str, int] = {}
    for cid, sign in signed:
        sub = expand(cid)
        if sub is None:
            return None  # a cell without a number: the value rules report it
        for k, c in sub.items():
            terms[k] = terms.get(k, 0) + sign * c
    terms = {k: c for k, c in terms.items() if c != 0}
    residual = constant + sum(c * values[k] for k, c in terms.items())
    return Relation(code, inst, terms, constant, residual)


def _solve(model: Model, chosen: tuple[str, ...]) -> dict[str, Fraction] | str:
    """New values for the chosen cells that make every identity hold, if exactly one;
    else why not: "free" (a chosen cell is not pinned down: not a minimal change),
    "inconsistent" (these cells alone cannot balance the table: a cell more may) or
    "impossible" (the only balance needs a negative or fractional count)."""
    rows = [([Fraction(r.terms.get(c, 0)) for c in chosen], Fraction(-r.residual))
            for r in model.hard if any(c in r.terms for c in chosen)]
    n = len(chosen)
    matrix = [list(a) + [b] for a, b in rows]
    row = 0
    pivots: list[int] = []
    for col in range(n):
        pivot = next((i for i in range(row, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            return "free"
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        p = matrix[row][col]
        matrix[row] = [x / p for x in matrix[row]]
        for i in range(len(matrix)):
            if i != row and matrix[i][col] != 0:
                f = matrix[i][col]
                matrix[i] = [x - f * y for x, y in zip(matrix[i], matrix[row])]
        pivots.append(col)
        row += 1
    if any(all(x == 0 for x in m[:n]) and m[n] != 0 for m in matrix):
        return "inconsistent"
    out = {}
    for i, col in enumerate(pivots):
        new = model.values[chosen[col]] + matrix[i][n]
        if new < 0 or new.denominator != 1:
            return "impossible"
        out[chosen[col]] = Fraction(new)
    return out


def _cost(model: Model, chosen: tuple[str, ...], new: dict[str, Fraction]) -> Fraction:
    cost = Fraction(sum(model.weights[c] for c in chosen))
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
    None when the search gives up (too many failures, or no repair within bounds).

    Sets grow one cell at a time, each new cell taken from the failing relation with the
    fewest cells not yet touched (a hitting set, most constrained first); a set that touches
    every failing relation is solved exactly. Sets are tried cheapest first, and none whose
    weight alone already exceeds the best repair found is tried at all.
    """
    failing = [r for r in model.hard if r.residual != 0]
    if len(failing) > MAX_FAILING:
        return None
    # the most a set can gain from evidence: meeting every quote or carry-over that fails today
    bonus = MEETS_EVIDENCE * sum((r.weight for r in model.soft if r.residual != 0), start=Fraction(0))
    found: dict[tuple[str, ...], tuple[Fraction, dict[str, Fraction]]] = {}
    seen: set[tuple[str, ...]] = set()
    frontier: list[tuple[tuple[str, ...], bool]] = [((), False)]
    nodes = 0

    def weight(key: tuple[str, ...]) -> int:
        return sum(model.weights[c] for c in key)

    for _size in range(MAX_CELLS):
        best = min((cost for cost, _ in found.values()), default=None)
        grown: list[tuple[str, ...]] = []
        for chosen, inconsistent in frontier:
            unhit = [r for r in failing if not any(c in r.terms for c in chosen)]
            if unhit:
                pool: Iterable[str] = min(unhit, key=lambda r: len(r.terms)).terms
            elif inconsistent:  # touches every failing relation but cannot balance them alone
                pool = _touched(model, chosen)
            else:
                continue
            for c in pool:
                key = tuple(sorted(chosen + (c,)))
                if c not in chosen and key not in seen and (best is None or weight(key) + bonus <= best):
                    seen.add(key)
                    grown.append(key)
            if len(grown) > MAX_NODES:
                break
        frontier = []
        for key in sorted(grown, key=weight):
            if best is not None and weight(key) + bonus > best:
                break  # sorted by weight: no later set can be cheaper either
            nodes += 1
            if nodes > MAX_NODES:
                break
            if all(any(c in r.terms for c in key) for r in failing):
                new = _solve(model, key)
                if isinstance(new, dict):
                    found[key] = (_cost(model, key, new), new)
                    best = min(best, found[key][0]) if best is not None else found[key][0]
                elif new == "inconsistent":
                    frontier.append((key, True))
            else:
                frontier.append((key, False))
        if not frontier or nodes > MAX_NODES:
            break
    best = min((cost for cost, _ in found.values()), default=None)
    ties = [(k, new) for k, (cost, new) in found.items() if cost == best]
    return ties or None


def _touched(model: Model, chosen: tuple[str, ...]) -> Iterable[str]:
    out: dict[str, None] = {}
    for r in model.hard:
        if any(c in r.terms for c in chosen):
            out.update(dict.fromkeys(r.terms))
    return out


def _fails(ctx: Any, inst: IdentityInstance) -> bool:
    """Whether an identity fails on the table as it stands (blank and text inputs count 0,
    as SUM counts them; a cell with no number at all leaves it undecided)."""
    sides = []
    for ids in (inst.lhs, inst.rhs):
        total = Fraction(0)
        for cid in ids:
            v = ctx.claimed(cid)
            if v is None and not ctx.is_blank_or_text(cid):
                return False
            total += exact(v) if v is not None else 0
        sides.append(total)
    return sides[0] != sides[1]


def _implied(hard: list[Relation]) -> dict[int, list[Relation]]:
    """Relations that are the sum of others with no cell in common (in a workbook, the 总计
    column's I1 adds up the six columns' I1): index → its parts. They hold when their parts
    do, so the search leaves them out; their findings go with their parts'."""
    out: dict[int, list[Relation]] = {}
    for i, r in enumerate(hard):
        parts = [s for j, s in enumerate(hard) if j != i and j not in out and s.terms
                 and len(s.terms) < len(r.terms)
                 and all(r.terms.get(k) == v for k, v in s.terms.items())]
        cells = [k for s in parts for k in s.terms]
        if len(parts) > 1 and len(cells) == len(set(cells)) == len(r.terms):
            out[i] = parts
    return out


def _components(hard: list[Relation]) -> list[list[Relation]]:
    """Relations joined by shared cells: a repair in one group cannot touch another."""
    groups: list[tuple[set[str], list[Relation]]] = []
    for r in hard:
        joined = [g for g in groups if g[0] & r.terms.keys()]
        cells, rels = set(r.terms), [r]
        for g in joined:
            cells |= g[0]
            rels = g[1] + rels
            groups.remove(g)
        groups.append((cells, rels))
    return [sorted(rels, key=hard.index) for _, rels in groups]


def blames(ctx: Any) -> list[Blame]:
    """One entry per finding: failing identities grouped by the cell that explains them."""
    if not any(_fails(ctx, inst) for inst in ctx.spec.identities):
        return []  # the usual case: nothing to search
    model = build_model(ctx)
    implied = _implied(model.hard)
    hard = [r for i, r in enumerate(model.hard) if i not in implied]
    out: list[Blame] = []
    for group in _components(hard):
        failing = [r for r in group if r.residual != 0]
        if failing:
            cells = {k for r in group for k in r.terms}
            sub = replace(model, hard=group, soft=[s for s in model.soft if s.terms.keys() & cells])
            out += _blame_group(ctx, sub, failing)
    # a relation that adds up others is reported with the first of its parts that fails
    for i, parts in implied.items():
        r = model.hard[i]
        if r.residual != 0:
            b = next((b for b in out if any(p.instance in b.relations for p in parts)), None)
            if b is not None:
                b.relations.append(r.instance)
            else:
                out.append(Blame(r.code, [r.instance], None, suspects=list(r.terms)))
    return sorted(out, key=lambda b: ctx.spec.identities.index(b.relations[0]))


def _blame_group(ctx: Any, model: Model, failing: list[Relation]) -> list[Blame]:
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
    group = list(range(len(failing)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for chosen, _ in repairs or []:
        touched = [i for i, r in enumerate(failing) if any(c in r.terms for c in chosen)]
        for i in touched[1:]:
            group[root(i)] = root(touched[0])
    suspects = sorted({c for chosen, _ in (repairs or []) for c in chosen}, key=position)
    blamed: dict[int, Blame] = {}
    for i, r in enumerate(failing):
        b = blamed.setdefault(root(i), Blame(r.code, [], None))
        b.relations.append(r.instance)
        b.suspects += [c for c in suspects if c in r.terms and c not in b.suspects]
    for b in blamed.values():
        if not b.suspects:  # no repair within bounds: every cell of the relations
            b.suspects = sorted({c for i in b.relations for r in failing if r.instance is i
                                 for c in r.terms}, key=position)
        b.suspects.sort(key=position)
    return list(blamed.values())


def _names(inst: IdentityInstance | None, cid: str) -> bool:
    return inst is not None and cid in inst.lhs + inst.rhs

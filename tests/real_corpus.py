"""The corpus of real published reports in tests/fixtures/real (see its README.md).

``printed.json`` holds every table as printed, read by hand from the pages; ``verified.json``
the errors a careful reader finds in them. This module loads both, runs the importer and
the checker over the corpus, compares findings with the verified errors, and counts how
often each 提示 rule fires on real reports (``python tests/real_corpus.py`` prints the table).

printed.json, per report: ``values`` (cell id → number, "" for a cell printed empty or absent,
or the text printed), ``agency``, ``year``, ``format``, provenance (``archive_path``,
``source_url``, ``page_txt_omitted``) and, where the page merges rows, ``merged`` (cell id →
the cell whose row span covers it; such a cell has no entry of its own and reads "").

verified.json, per report: ``correct``; ``errors`` — each must be found by a 错误 of one of
its ``families`` at one of its ``cells``; ``narrative`` and ``tolerated`` — 错误 findings that
are defensible there but not required (a missing topic in the text; a blank finding on merged
rows); ``notes``. Any other 错误 is a false one.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
TODAY = date(2026, 6, 30)
_TOTAL_FAMILIES = {"I2", "I3", "I4"}  # identities whose typed total shows as F01 in the workbook


def _load(name: str) -> dict[str, Any]:
    return json.loads((REAL / name).read_text(encoding="utf-8"), parse_float=Decimal)


PRINTED: dict[str, dict[str, Any]] = _load("printed.json")
VERIFIED: dict[str, dict[str, Any]] = _load("verified.json")
REPORTS_2021 = sorted(k for k, v in PRINTED.items() if v.get("format", "2021") == "2021")
REPORTS_2019 = sorted(k for k, v in PRINTED.items() if v.get("format") == "2019")


def fixture(name: str) -> Path:
    return REAL / f"{name}.txt"


def printed_number(value: Any) -> Any:
    """A printed cell as the importer should return it: None for blank or missing, exact numbers."""
    if value is None or value == "":
        return None
    return value


def imported_number(value: Any) -> Any:
    """An imported value in the same terms (a float is compared by its shortest repr, exactly)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _strip(text: str) -> str:
    return re.sub(r"\s+", "", text)


def archive_body(name: str) -> tuple[str, str]:
    """(title, visible text) of the archive's page.txt, whitespace removed, declared omissions cut."""
    page = (REAL / "archive" / f"{name}.page.txt").read_text(encoding="utf-8")
    head, body = page.split("==================== 正文 ====================\n", 1)
    title = re.search(r"^标题: (.*)$", head, re.M).group(1)
    body = _strip(body)
    for omitted in PRINTED[name].get("page_txt_omitted", []):
        omitted = _strip(omitted)
        if body.count(omitted) != 1:
            raise AssertionError(f"{name}: declared omission not found once in page.txt: {omitted[:30]}")
        body = body.replace(omitted, "", 1)
    return _strip(title), body


def fixture_matches_archive(name: str) -> bool:
    """The fixture carries exactly the archive's characters (whitespace aside), title line allowed."""
    title, body = archive_body(name)
    text = _strip(fixture(name).read_text(encoding="utf-8"))
    return text in (body, title + body)


# ---------------------------------------------------------------- verdicts
@dataclass(frozen=True)
class Verdict:
    missed: list[dict]  # verified errors no 错误 finding points at
    false: list[Any]  # 错误 findings matching no verified error, narrative defect or tolerated finding


def _family_ok(code: str, families: set[str], book: bool) -> bool:
    return code in families or (book and code == "F01" and bool(families & _TOTAL_FAMILIES))


def _feeding(cid: str) -> set[str]:
    """The inputs a total adds up, through totals of totals."""
    from giar_xl.spec import DEFAULT_FORMAT

    vc = DEFAULT_FORMAT.value_cell(cid)
    return {cid} if vc.is_input else {x for t in vc.formula_of for x in _feeding(t)}


def _matches(finding: Any, entry: dict, book: bool) -> bool:
    if not _family_ok(finding.code, set(entry["families"]), book):
        return False
    if finding.id in entry["cells"]:
        return True
    # in the workbook a total the page printed right is the template's formula again: a wrong
    # figure in it is fixed in the input it adds up, where the finding then points
    return book and finding.code.startswith("I") and any(
        finding.id in _feeding(c) and finding.id != c for c in entry["cells"])


def compare(name: str, findings: list[Any], *, book: bool = False) -> Verdict:
    """Compare findings with verified.json by rule family and cell (F01 stands for I2/I3/I4 in a book)."""
    v = VERIFIED[name]
    errors = [f for f in findings if f.severity == "错误"]
    missed = [e for e in v["errors"] if not any(_matches(f, e, book) for f in errors)]
    allowed = v["errors"] + v.get("narrative", []) + v.get("tolerated", [])
    false = [f for f in errors if not any(_matches(f, e, book) for e in allowed)]
    return Verdict(missed, false)


def describe(name: str, verdict: Verdict, findings: list[Any], *, book: bool = False) -> str:
    lines = [f"{name}:"]
    for e in verdict.missed:
        near = [f"{f.code} {f.id} ({f.cell})" for f in findings
                if f.severity == "错误" and _family_ok(f.code, set(e["families"]), book)]
        lines.append(f"  miss {'/'.join(e['families'])} at {', '.join(e['cells'])}: {e['why']}"
                     + (f"  [same rule found instead at: {'; '.join(near)}]" if near else ""))
    for f in verdict.false:
        lines.append(f"  false 错误 {f.code} {f.id} ({f.sheet} {f.cell}): {f.message}")
    return "\n".join(lines)


# ---------------------------------------------------------------- hit rates
def import_real(name: str):
    from giar_xl.importer import import_report

    return import_report(fixture(name))


def hint_hit_rates(names: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """For every 提示 rule of the catalogue: (number of real reports it fires on, number of reports).

    Reports are the 2021-format ones in tests/fixtures/real, imported from their text and
    checked as data (no workbook, no previous year), today = 2026-06-30.
    """
    from giar_xl.checker import RULES, check

    names = REPORTS_2021 if names is None else names
    fired: dict[str, set[str]] = {r.code: set() for r in RULES if r.severity == "提示"}
    for name in names:
        for f in check(import_real(name), today=TODAY):
            if f.code in fired:
                fired[f.code].add(name)
    return {code: (len(hit), len(names)) for code, hit in fired.items()}


if __name__ == "__main__":
    rates = hint_hit_rates()
    width = max(len(c) for c in rates)
    for code, (hits, total) in sorted(rates.items()):
        print(f"{code:<{width}}  {hits:>2}/{total}  {100 * hits / total:5.1f}%")
    sys.exit(0)

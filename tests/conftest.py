"""Shared fixtures. Fixtures are built from data in the tests, not committed binaries."""

from __future__ import annotations

import os
import random
from pathlib import Path

# xlwings' remote engine (used to test the 校验 button headless) needs a licence key, read when
# xlwings is first imported: PolyForm Noncommercial, under which government use is a permitted
# purpose. Set here, for the tests only; the package itself never sets it.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest
from hypothesis import settings

# CI runs the property and fuzz tests with a fixed seed: a red build then always reproduces
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

from giar_xl.examples import load_example
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def example_report() -> Report:
    return load_example()


def balanced_report(seed: int = 0, *, agency: str = "测试县某某镇人民政府", year: int = 2025) -> Report:
    """A report with random numbers that satisfies every identity of the format."""
    rng = random.Random(seed)
    spec = DEFAULT_FORMAT
    r = Report.empty(spec, agency=agency, year=year)
    for c in spec.value_cells:
        if c.is_input:
            r.values[c.id] = round(rng.uniform(0, 50), 2) if c.kind == "amount" else rng.randint(0, 9)
    fill_derived(r)
    for part in r.texts:
        r.texts[part] = f"{part} 的内容：主动公开、依申请、管理、平台、监督、问题、整改、措施、未收取信息处理费。"
    return r


def fill_derived(r: Report) -> None:
    """Make R25 balance I1 and compute every formula cell, as Excel would."""
    spec = r.spec
    from giar_xl.spec.format2021 import T3_COLUMNS, t3_id

    for col, _ in T3_COLUMNS[:6]:
        results = sum(r.values[t3_id(f"R{n}", col)] for n in range(3, 24))
        r.values[t3_id("R24", col)] = results
        # choose R1 so that R1 + R2 = R24 + R25 holds
        r.values[t3_id("R1", col)] = max(0, results + r.values[t3_id("R25", col)]
                                         - r.values[t3_id("R2", col)])
        r.values[t3_id("R25", col)] = (r.values[t3_id("R1", col)] + r.values[t3_id("R2", col)]
                                       - results)
    for c in spec.value_cells:
        if not c.is_input and c.table == "t4":
            r.values[c.id] = sum(r.values[x] for x in c.formula_of)
    for c in spec.value_cells:
        if c.table == "t3" and c.col == "total":
            r.values[c.id] = sum(r.values[x] for x in c.formula_of)


@pytest.fixture
def balanced() -> Report:
    return balanced_report()


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``giar-xl ARGS`` in-process; return (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from giar_xl.cli import main

    runner = CliRunner()
    with runner.isolation() as streams:
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return code, streams[0].getvalue().decode("utf-8"), streams[1].getvalue().decode("utf-8")


def pytest_terminal_summary(terminalreporter, config):
    """Say how to replay this run's order (pytest-randomly shuffles the tests every run)."""
    seed = getattr(config.option, "randomly_seed", None)
    if seed is not None:
        terminalreporter.write_line(
            f"random test order: replay with --randomly-seed={seed}"
            f" (PYTHONHASHSEED={os.environ.get('PYTHONHASHSEED', 'random')})")


@pytest.fixture(scope="session")
def mess_county(tmp_path_factory):
    """The 25-unit county of issue 12 (tests/county_mess.py), built once; tests write elsewhere."""
    from county_mess import build

    return build(tmp_path_factory.mktemp("county25"))

"""giar-xl template / demo: outputs, --force, bad --data, and the committed template's freshness."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from giar_xl.commands.demo import DEMO_FORMATS
from giar_xl.reader import read_workbook
from giar_xl.schema import render_schemas
from giar_xl.template import build_workbook

from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


def test_committed_template_is_fresh():
    committed = (ROOT / "workbook_templates" / "giar-2021.xlsx").read_bytes()
    assert committed == build_workbook(), "run scripts/build_templates.py"


def test_committed_schemas_are_fresh():
    for name, text in render_schemas().items():
        assert (ROOT / "schemas" / name).read_text("utf-8") == text, "run scripts/build_templates.py"


def test_template_with_agency_and_year(tmp_path):
    out = tmp_path / "book.xlsx"
    code, stdout, _ = run_cli("template", "-o", out, "--agency", "某县某某镇人民政府", "--year", "2025")
    assert code == 0 and "已生成" in stdout
    r = read_workbook(out)
    assert (r.agency, r.year) == ("某县某某镇人民政府", 2025)
    assert all(v == 0 for v in r.values.values())


def test_existing_output_is_not_overwritten(tmp_path):
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"precious")
    code, _, err = run_cli("template", "-o", out)
    assert code == 2
    assert "已存在" in err and "--force" in err and str(out) in err
    assert out.read_bytes() == b"precious"
    code, _, _ = run_cli("template", "-o", out, "--force")
    assert code == 0 and out.read_bytes() != b"precious"


def test_data_fills_the_workbook(tmp_path, example_report):
    data = tmp_path / "r.json"
    data.write_text(example_report.dumps(), "utf-8")
    out = tmp_path / "book.xlsx"
    assert run_cli("template", "-o", out, "--data", data)[0] == 0
    assert read_workbook(out).to_json() == example_report.to_json()


@pytest.mark.parametrize("content,field,words", [
    ("{not json", None, "不是有效的 JSON"),
    ("[1, 2]", None, "JSON 对象"),
    ('{"format": "giar-2021", "year": 2025, "texts": {}, "values": {}}', "agency", "缺少必填字段"),
    ('{"format": "giar-2019", "agency": "a", "year": 2025, "texts": {}, "values": {}}', "format",
     "格式标识"),
    ('{"format": "giar-2021", "agency": "a", "year": 2025, "texts": {}, '
     '"values": {"t3.new.natural": [1]}}', "values/t3.new.natural", "类型不对"),
    ('{"format": "giar-2021", "agency": "a", "year": 2025, "texts": {"s1.overview": "x"}, '
     '"values": {}}', "texts/s1.overview", "没有这个字段"),
])
def test_bad_data_is_named_and_exits_2(tmp_path, content, field, words):
    data = tmp_path / "bad.json"
    data.write_text(content, "utf-8")
    out = tmp_path / "book.xlsx"
    code, _, err = run_cli("template", "-o", out, "--data", data)
    assert code == 2
    assert words in err and "bad.json" in err
    if field:
        assert f"字段 {field}" in err
    assert not out.exists()


def test_demo_runs_on_the_bundled_example(tmp_path):
    code, stdout, err = run_cli("demo", "-o", tmp_path / "demo")
    assert code == 0, err
    doc = json.loads((tmp_path / "demo" / "史庄镇-2024.json").read_text("utf-8"))
    assert doc["agency"] == "获嘉县史庄镇" and doc["year"] == 2024
    for suffix in (".xlsx", ".html", ".docx", ".txt"):
        assert (tmp_path / "demo" / f"史庄镇-2024{suffix}").stat().st_size > 0
    assert "错误 0 处" in stdout
    # a second run replaces its own files, and says so (issue 15)
    code, stdout, err = run_cli("demo", "-o", tmp_path / "demo")
    assert code == 0 and "覆盖" in stdout, stdout + err
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == sorted(
        f"史庄镇-2024{s}" for s in (".xlsx", ".html", ".docx", ".json", ".txt"))


def test_demo_numbers_its_steps_as_they_happen(tmp_path):
    """Each step of the demo has its own number, in order: 1, 2, 3, … (issue 18)."""
    code, stdout, err = run_cli("demo", "-o", tmp_path / "demo")
    assert code == 0, err
    numbers = [int(m[1]) for m in re.finditer(r"^(\d+)\. ", stdout, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)), stdout
    # generate, read back, check, and one step per exported file
    assert len(numbers) == 3 + len(DEMO_FORMATS), stdout


def test_demo_folder_is_ignored_by_git():
    assert "giar-demo/" in (ROOT / ".gitignore").read_text("utf-8").splitlines()

"""Outputs of the checker: text, JSON against the committed schema, docs, CLI exit codes."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest

from giar_xl.checker import RULES, CheckResult, check, render_json, render_text, summarize
from giar_xl.checker.cases import CASE_TODAY, as_read_from_workbook, base_report
from giar_xl.checker.docs import RULES_DOC, render_rules_doc
from giar_xl.cli import main
from giar_xl.examples import SHIZHUANG_2024
from giar_xl.schema import SCHEMA_DIR, render_schemas

FINDINGS_SCHEMA = SCHEMA_DIR / "findings.schema.json"


def committed_schema() -> dict:
    return json.loads(FINDINGS_SCHEMA.read_text("utf-8"))


def damaged_result(name: str = "a.xlsx") -> CheckResult:
    r = as_read_from_workbook(base_report())
    r.values["t3.new.research"] = "/"
    r.values["t2.fee.amount"] = 250000
    r.agency = None
    return CheckResult(name, check(r, today=CASE_TODAY))


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


# ---------------------------------------------------------------- generated files
def test_committed_findings_schema_is_fresh():
    assert FINDINGS_SCHEMA.read_text("utf-8") == render_schemas()["findings.schema.json"]


def test_rules_doc_is_fresh():
    from real_corpus import hint_hit_rates

    assert RULES_DOC.read_text("utf-8") == render_rules_doc(hint_hit_rates()), \
        "run scripts/gen_rules_doc.py"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_is_documented_with_a_failing_and_a_passing_case(rule):
    doc = RULES_DOC.read_text("utf-8")
    section = doc.split(f'<a id="{rule.code.lower()}"></a>')[1].split("<a id=")[0]
    assert f"### {rule.code} {rule.name}（{rule.severity}）" in section
    assert rule.summary and rule.summary in section
    assert rule.fail.says and f"不通过的例子：{rule.fail.says}" in section
    assert rule.passes.says and f"通过的例子：{rule.passes.says}" in section
    assert f"{rule.severity} {rule.code}：" in section  # the failing case's real output
    assert "> 未发现问题。" in section


def test_rule_codes_and_slugs_are_unique_and_stable_shaped():
    assert len({r.code for r in RULES}) == len(RULES) == len({r.slug for r in RULES})
    assert all(re.fullmatch(r"[SFVCNY]\d\d|I\d", r.code) for r in RULES)


# ---------------------------------------------------------------- text
def test_text_groups_by_sheet_in_cell_order_and_ends_with_a_summary():
    text = render_text(damaged_result())
    lines = text.splitlines()
    assert lines[0] == "文件：a.xlsx"
    sheets = [line for line in lines if line.startswith("【")]
    assert sheets == ["【封面】", "【二、主动公开】", "【三、依申请公开】"]
    assert "  B16   提示 V08 收费金额异常大" in lines
    assert "        规则：表二至表四的每个数据单元格都应填数字，没有的填 0" in lines
    assert lines[-1] == "小结：错误 2 处，提示 1 处。"


def test_text_for_many_files_has_a_row_per_file_and_a_total():
    results = [damaged_result("a.xlsx"), CheckResult("b.json"), CheckResult("c.xlsx", error="文件不存在。")]
    text = render_text(results)
    assert "  无法读取：文件不存在。" in text
    assert re.search(r"^\s+2\s+1  a\.xlsx$", text, re.M)
    assert re.search(r"^\s+0\s+0  b\.json$", text, re.M)
    assert "c.xlsx（无法读取）" in text
    assert text.rstrip().endswith("合计：3 个文件，错误 2 处，提示 1 处；有错误的文件 1 个，无法读取 1 个。")
    assert summarize(results).exit_code == 2


# ---------------------------------------------------------------- JSON
def test_json_output_conforms_to_the_schema_and_keeps_every_field():
    doc = json.loads(render_json([damaged_result(), CheckResult("x.xlsx", error="坏了")]))
    jsonschema.validate(doc, committed_schema())
    assert doc["valid"] is False and doc["stats"] == {"files": 2, "unreadable": 1, "errors": 2,
                                                       "warnings": 1}
    first = doc["files"][0]["findings"][0]
    assert (first["code"], first["sheet"], first["cell"]) == ("C01", "封面", "B3")


def test_schema_rejects_a_finding_with_an_unknown_code_or_bad_cell():
    doc = json.loads(render_json(damaged_result()))
    doc["files"][0]["findings"][0]["code"] = "X99"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, committed_schema())
    doc = json.loads(render_json(damaged_result()))
    doc["files"][0]["findings"][0]["cell"] = "8J"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, committed_schema())


# ---------------------------------------------------------------- CLI
def test_cli_example_exit_0_text(capsys):
    code, out, _ = run_cli(capsys, "validate", str(SHIZHUANG_2024))
    assert code == 0
    # the bundled report has no publication date (C07) and no rectification part (N02)
    assert "提示 C07" in out and "提示 N02" in out
    assert out.rstrip().endswith("小结：错误 0 处，提示 2 处。")


def test_cli_errors_exit_1_and_json_validates(capsys, tmp_path: Path):
    doc = json.loads(SHIZHUANG_2024.read_text("utf-8"))
    doc["values"]["t3.new.natural"] = "/"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    code, out, _ = run_cli(capsys, "validate", "--format", "json", str(bad))
    assert code == 1
    result = json.loads(out)
    jsonschema.validate(result, committed_schema())
    assert [(f["code"], f["cell"]) for f in result["files"][0]["findings"]
            if f["severity"] == "错误"] == [("V02", "D6")]


def test_cli_unreadable_file_is_reported_and_others_still_checked(capsys, tmp_path: Path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    code, out, _ = run_cli(capsys, "validate", str(broken), str(tmp_path / "missing.json"),
                           str(SHIZHUANG_2024))
    assert code == 2
    assert "broken.xlsx（无法读取）" in out and "missing.json（无法读取）" in out
    assert re.search(r"^\s+0\s+2  .*shizhuang-2024\.json$", out, re.M)


def test_cli_output_file_is_written_atomically_and_not_overwritten(capsys, tmp_path: Path):
    out_file = tmp_path / "result.json"
    code, _, err = run_cli(capsys, "validate", "--format", "json", "-o", str(out_file),
                           str(SHIZHUANG_2024))
    assert code == 0 and out_file.exists() and "已写入" in err
    jsonschema.validate(json.loads(out_file.read_text("utf-8")), committed_schema())
    code, _, err = run_cli(capsys, "validate", "-o", str(out_file), str(SHIZHUANG_2024))
    assert code == 2 and "--force" in err
    code, _, _ = run_cli(capsys, "validate", "--force", "-o", str(out_file), str(SHIZHUANG_2024))
    assert code == 0 and out_file.read_text("utf-8").startswith("文件：")


def test_cli_previous_year_and_unreadable_previous(capsys, tmp_path: Path):
    doc = json.loads(SHIZHUANG_2024.read_text("utf-8"))
    doc["year"] = 2023
    doc["values"]["t3.carry_forward.natural"] = 2
    prev = tmp_path / "prev.json"
    prev.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    code, out, _ = run_cli(capsys, "validate", "--previous", str(prev), str(SHIZHUANG_2024))
    assert code == 0
    assert "提示 Y01" in out and "提示 Y03" in out  # same text as "last year": 内容雷同
    code, _, err = run_cli(capsys, "validate", "--previous", str(tmp_path / "nope.json"),
                           str(SHIZHUANG_2024))
    assert code == 2 and "nope.json" in err  # a path that does not exist is a usage error
    damaged = tmp_path / "damaged.json"
    damaged.write_text("{not json", "utf-8")
    code, out, _ = run_cli(capsys, "validate", "--previous", str(damaged), str(SHIZHUANG_2024))
    assert code == 0 and "提示 Y06" in out and "damaged.json" in out  # this year's is checked


def test_cli_usage_error_exit_2(capsys):
    code, _, _ = run_cli(capsys, "validate")
    assert code == 2
    code, _, _ = run_cli(capsys, "validate", "--format", "xml", str(SHIZHUANG_2024))
    assert code == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_only_for_many_files(monkeypatch):
    from giar_xl.commands import validate

    # the bar advances on results as the workers hand them back: (result, last-year matches)
    files = [(CheckResult(f"f{i}.xlsx"), None) for i in range(validate.PROGRESS_FROM)]
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert list(validate._with_progress(iter(files), len(files))) == files
    assert "正在校验" in term.getvalue()
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert list(validate._with_progress(iter(files[:-1]), len(files) - 1)) == files[:-1]
    assert term.getvalue() == ""
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    assert list(validate._with_progress(iter(files), len(files))) == files
    assert piped.getvalue() == ""

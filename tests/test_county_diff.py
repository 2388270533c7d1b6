"""giar-xl diff: every number with its change, every narrative with its similarity."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from giar_xl.county.diff import compare, render_html, render_text, similarity
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli


@pytest.fixture
def pair():
    last = balanced_report(1, agency="测试县甲镇人民政府", year=2024)
    this = balanced_report(1, agency="测试县甲镇人民政府", year=2025)
    this.values["t3.new.natural"] += 5
    this.values["t3.new.total"] += 5
    this.values["t3.carry_forward.natural"] += 5
    this.values["t3.carry_forward.total"] += 5
    this.values["t2.fee.amount"] = round(last.values["t2.fee.amount"] + 0.1, 2)
    this.texts["s5.problems"] = "今年的主要问题是栏目更新不够及时，个别政策解读形式单一，需要继续改进。"
    return last, this


def test_every_number_with_its_change(pair):
    last, this = pair
    c = compare(last, this)
    assert len(c.numbers) == len(DEFAULT_FORMAT.value_cells)
    changed = {n.id: n for n in c.changed}
    assert set(changed) == {"t3.new.natural", "t3.new.total", "t3.carry_forward.natural",
                            "t3.carry_forward.total", "t2.fee.amount"}
    n = changed["t3.new.natural"]
    assert (n.last, n.this, n.change) == (last.values["t3.new.natural"], this.values["t3.new.natural"], 5)
    assert n.address == "D6" and n.sheet == "三、依申请公开"
    assert changed["t2.fee.amount"].change == pytest.approx(0.1) and \
        changed["t2.fee.amount"].change == round(changed["t2.fee.amount"].change, 6)
    assert c.notes == []


def test_narrative_similarity_per_part_and_section(pair):
    last, this = pair
    c = compare(last, this)
    parts = {(p.section, p.part): p for p in c.parts}
    same = parts[("一、总体情况", "（一）主动公开")]
    assert same.similarity == 1.0 and same.verdict == "与上年相同（文字很短）"
    rewritten = parts[("五、存在的主要问题及改进情况", "（一）主要问题")]
    assert rewritten.similarity < 0.6 and rewritten.verdict == "改写较多"
    whole = {s.section: s for s in c.sections}
    assert 0.6 < whole["五、存在的主要问题及改进情况"].similarity < 1.0
    assert whole["六、其他需要报告的事项"].similarity == 1.0
    assert whole["一、总体情况"].copied and "基本相同" in whole["一、总体情况"].verdict


def test_similarity_ignores_layout_and_handles_empty():
    assert similarity("一、主动公开\n  情况良好。", "一、主动公开情况良好。") == 1.0
    assert similarity("", "") is None
    assert similarity("有内容", "") == 0.0


def test_notes_when_the_two_reports_do_not_belong_together():
    a = balanced_report(1, agency="甲镇", year=2022)
    b = balanced_report(1, agency="乙镇", year=2025)
    notes = compare(a, b).notes
    assert any("机关名称不同" in n for n in notes) and any("不是相邻的两年" in n for n in notes)


def test_text_cells_are_shown_not_subtracted(pair):
    last, this = pair
    last.values["t4.review.upheld"] = "/"
    n = next(n for n in compare(last, this).numbers if n.id == "t4.review.upheld")
    assert n.change is None and n.changed and n.last == "/"
    assert "无法比较" in render_text(compare(last, this))


def test_cli_text_and_html_from_workbooks(pair, tmp_path):
    last, this = pair
    this.agency = "测试县甲镇<人民政府>"
    build_workbook(tmp_path / "last.xlsx", last)
    (tmp_path / "this.json").write_text(this.dumps(), "utf-8")
    code, out, _ = run_cli("diff", tmp_path / "last.xlsx", tmp_path / "this.json")
    assert code == 0
    assert "有变化的 5 个" in out
    assert f"D6\t一、本年新收政府信息公开申请数量 / 自然人\t{last.values['t3.new.natural']}\t" \
           f"{this.values['t3.new.natural']}\t+5" in out
    code, only, _ = run_cli("diff", tmp_path / "last.xlsx", tmp_path / "this.json", "--changed-only")
    assert len(only.splitlines()) < len(out.splitlines()) - 150
    target = tmp_path / "diff.html"
    code, _, err = run_cli("diff", tmp_path / "last.xlsx", tmp_path / "this.json", "--format", "html",
                           "-o", target)
    assert code == 0 and "已写入" in err
    page = target.read_text("utf-8")
    assert "测试县甲镇&lt;人民政府&gt;" in page and "<人民政府>" not in page
    assert page.count("<tr class=\"up\">") == 5
    code, _, err = run_cli("diff", tmp_path / "last.xlsx", tmp_path / "this.json", "--format", "html",
                           "-o", target)
    assert code == 2 and "--force" in err


def test_cli_unreadable_input(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    code, _, err = run_cli("diff", bad, bad)
    assert code == 2 and "bad.xlsx" in err


def test_html_changed_only_lists_just_the_changed_numbers(pair):
    last, this = pair
    page = render_html(compare(last, this), only_changed=True)
    assert page.count('<tr class="up">') == 5 and 'class="same"' not in page
    assert htmllib.unescape(page).count("一、本年新收政府信息公开申请数量") == 2  # 自然人 and 总计


def test_validate_and_diff_give_one_figure_for_the_same_pair(tmp_path):
    """validate --previous (Y03) and diff measure a narrative's likeness to last year's the
    same way: the same pair of workbooks reads the same percentage in both (issue 18)."""
    from giar_xl.checker.cases import base_previous, base_report

    this, last = base_report(), base_previous()
    # last year's section 一 word for word, every figure in it different
    for key, text in this.texts.items():
        if key.startswith("s1."):
            last.texts[key] = re.sub(r"\d+", lambda m: str(int(m[0]) + 12), text)
    build_workbook(tmp_path / "last.xlsx", last)
    build_workbook(tmp_path / "this.xlsx", this)
    code, out, _ = run_cli("validate", tmp_path / "this.xlsx", "--previous", tmp_path / "last.xlsx",
                           "--format", "json")
    found = [f for f in json.loads(out)["files"][0]["findings"] if f["code"] == "Y03"]
    assert [f["row_label"] for f in found] == ["一、总体情况"]
    checked = found[0]["actual"]
    code, out, _ = run_cli("diff", tmp_path / "last.xlsx", tmp_path / "this.xlsx")
    row = next(line.split("\t") for line in out.splitlines() if line.startswith("一、总体情况\t"))
    assert row[3] == checked, (row, checked)
    # and the diff's verdict is the checker's: this section is the copy Y03 warns about
    assert "内容雷同" in row[4]


def test_one_measure_for_both():
    """The checker and the diff share one measure: figures, years and layout do not count."""
    from giar_xl.checker import narrative
    from giar_xl.county import diff
    from giar_xl import similarity as likeness

    assert not hasattr(narrative, "similarity") and diff.similarity is likeness.similarity
    copy = ("本年度共收到申请4件，均已答复。" * 3, "本年度共收到申请7件，均已答复。" * 3)
    assert likeness.similarity(*copy) == 1.0 and likeness.percent(1.0) == "100%"
    assert likeness.similarity("无。", "无。") == 1.0  # shorter than a piece: still the same
    assert likeness.percent(0.996) == "99%"  # 100% only for the same wording

"""Copied report text (tests/fixtures/shizhuang-2024.txt and its variants) and the import command."""

from __future__ import annotations

import json

from conftest import FIXTURES, run_cli
from giar_xl import checker, reader
from giar_xl.examples import load_example
from giar_xl.importer import import_report
from giar_xl.report import Report, load_json_report

SHIZHUANG = FIXTURES / "shizhuang-2024.txt"


def test_real_2024_text_imports_exactly():
    r = import_report(SHIZHUANG)
    expected = load_example()
    assert (r.agency, r.year) == (expected.agency, expected.year) == ("获嘉县史庄镇", 2024)
    assert r.values == expected.values
    assert all(type(v) is int for v in r.values.values())
    assert r.texts == expected.texts  # every part, character for character
    assert r.meta["import_notes"] == []


def test_real_2024_text_passes_validate():
    r = import_report(SHIZHUANG)
    assert not [f for f in checker.check(r) if f.code.startswith(("I", "V"))]


def test_gbk_text_reads_the_same(tmp_path):
    p = tmp_path / "report.txt"
    p.write_bytes(SHIZHUANG.read_text("utf-8").encode("gbk"))
    r = import_report(p)
    assert r.values == load_example().values and r.texts == load_example().texts
    assert [n["position"] for n in r.meta["import_notes"]] == ["文件编码"]


def test_one_row_per_line_shape(tmp_path):
    """Browsers put a copied table on the clipboard as one tab-separated line per row."""
    lines, row = [], []
    for line in SHIZHUANG.read_text("utf-8").split("\n"):
        if line.startswith("\t"):
            row.append(line[1:])
        elif row and not line.strip():
            lines.append("\t".join(row))
            row = []
        elif row:
            row[-1] += line  # 商业\n企业 joined: a row per line cannot hold a break
        else:
            lines.append(line)
    text = "\n".join(lines).replace("\t0\t0\t0\t0\t0\t0\t0", "\t1\t2\t0\t0\t0\t0\t3", 1)
    p = tmp_path / "rows.txt"
    p.write_text(text, "utf-8")
    r = import_report(p)
    assert [r.values[f"t3.new.{c}"] for c in ("natural", "business", "total")] == [1, 2, 3]
    assert r.texts == load_example().texts


def test_cli_writes_schema_valid_json(tmp_path):
    out = tmp_path / "r.json"
    code, stdout, _ = run_cli("import", SHIZHUANG, "-o", out)
    assert code == 0, stdout
    assert "获嘉县史庄镇 2024年" in stdout and "没有需要核对的问题" in stdout
    doc = json.loads(out.read_text("utf-8"))
    r = Report.from_json(doc)  # validates against the report schema
    assert r.values == load_example().values
    assert load_json_report(out).texts == load_example().texts
    assert doc["meta"]["import_notes"] == [] and doc["meta"]["format_detected"] == "2021"


def test_cli_prints_notes_and_exits_1_on_errors(tmp_path):
    out = tmp_path / "r.json"
    code, stdout, _ = run_cli("import", FIXTURES / "pages" / "haitan-2025.html", "-o", out)
    assert code == 1
    assert "[错误] 二、主动公开政府信息情况：表二缺少“规章”行" in stdout
    assert "网页第 1 个表格第 3 行" in stdout
    assert "需要核对 1 处错误、1 处提示" in stdout
    assert out.exists()  # written anyway: the notes say what to fill in


def test_cli_refuses_2019_format(tmp_path):
    out = tmp_path / "r.json"
    code, _, stderr = run_cli("import", FIXTURES / "pages" / "haitan-2020-old-format.html", "-o", out)
    assert code == 2
    assert "2019 年版格式" in stderr and "haitan-2020-old-format.html" in stderr
    assert not out.exists()


def test_cli_never_overwrites_without_force(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("precious", "utf-8")
    code, _, stderr = run_cli("import", SHIZHUANG, "-o", out)
    assert code == 2 and "--force" in stderr
    assert out.read_text("utf-8") == "precious"
    code, _, _ = run_cli("import", SHIZHUANG, "-o", out, "--force")
    assert code == 0 and json.loads(out.read_text("utf-8"))["agency"] == "获嘉县史庄镇"


def test_cli_missing_and_foreign_inputs(tmp_path):
    code, _, stderr = run_cli("import", tmp_path / "nope.html", "-o", tmp_path / "r.json")
    assert code == 2 and "文件不存在" in stderr
    junk = tmp_path / "junk.html"
    junk.write_text("<html><body><p>欢迎访问</p><table><tr><td>1</td></tr></table></body></html>", "utf-8")
    code, _, stderr = run_cli("import", junk, "-o", tmp_path / "r.json")
    assert code == 2 and "不是一份政府信息公开工作年度报告" in stderr
    assert not (tmp_path / "r.json").exists()


def test_cli_xlsx_workbook_holds_the_imported_numbers(tmp_path):
    out, book = tmp_path / "r.json", tmp_path / "r.xlsx"
    code, stdout, _ = run_cli("import", FIXTURES / "pages" / "jtj-2025.html", "-o", out, "--xlsx", book)
    assert code == 0, stdout
    r = reader.read_workbook(book)
    imported = load_json_report(out)
    assert r.values == imported.values and r.texts == imported.texts
    assert (r.agency, r.year) == ("平潭综合实验区交通与建设局", 2025)


def untabbed(text: str) -> str:
    """The copy some viewers give: one cell per line, no tabs, empty cells and breaks gone."""
    out: list[str] = []
    after_cell = False
    for line in text.split("\n"):
        if line.startswith("\t"):
            if line[1:].strip():
                out.append(line[1:])
            after_cell = True
        elif after_cell and line.strip():
            out[-1] += line  # "商业\n企业" comes back as one line
        else:
            out.append(line)
            after_cell = False
    return "\n".join(out)


def test_cells_without_tabs_are_split_by_label(tmp_path):
    lines = untabbed(SHIZHUANG.read_text("utf-8")).split("\n")
    r1 = lines.index("一、本年新收政府信息公开申请数量")
    lines[r1 + 1:r1 + 8] = ["1", "2", "0", "0", "0", "0", "3"]
    t4 = max(i for i, line in enumerate(lines) if line == "总计")  # table 四's last header
    first = next(i for i in range(t4 + 1, len(lines)) if lines[i].strip())
    lines[first:first + 15] = [str(n) for n in range(1, 16)]
    p = tmp_path / "untabbed.txt"
    p.write_text("\n".join(lines), "utf-8")
    r = import_report(p)
    assert [r.values[f"t3.new.{c}"] for c in ("natural", "business", "research", "total")] == [1, 2, 0, 3]
    assert [r.values[i] for i in r.values if i.startswith("t4.")] == list(range(1, 16))
    assert r.texts == load_example().texts
    assert all(n["severity"] == "提示" and "没有表格结构" in n["message"] for n in r.meta["import_notes"])
    assert len(r.meta["import_notes"]) == 3


def test_cells_without_tabs_and_a_blank_cell_are_not_guessed(tmp_path):
    lines = untabbed(SHIZHUANG.read_text("utf-8")).split("\n")
    r1 = lines.index("一、本年新收政府信息公开申请数量")
    del lines[r1 + 1]  # one cell of 一、本年新收 left blank: 6 numbers follow the label
    p = tmp_path / "untabbed.txt"
    p.write_text("\n".join(lines), "utf-8")
    r = import_report(p)
    assert all(r.values[f"t3.new.{c}"] is None for c in ("natural", "business", "total"))
    assert any("应有 7 个数，实有 6 个" in n["message"] for n in r.meta["import_notes"]
               if n["severity"] == "错误")


def word_html(text: str) -> bytes:
    """The 2024 report as Word's "save as web page" writes it: MsoNormal, o:p, GB2312."""
    from giar_xl.importer.text import _read_cells
    from giar_xl.importer.document import Para

    def p(s: str) -> str:
        s = s.replace("&", "&amp;").replace("<", "&lt;")
        return (f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span "
                f"style='font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\"'>"
                f"{s.replace(chr(10), '<br>')}<o:p></o:p></span></p>\n")

    out = ["<html xmlns:o='urn:schemas-microsoft-com:office:office'><head>"
           "<meta http-equiv=Content-Type content='text/html; charset=gb2312'>"
           "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>x</o:Author>"
           "</o:DocumentProperties></xml><![endif]--></head><body lang=ZH-CN><div class=WordSection1>"]
    for block in _read_cells(text.split("\n")):
        if isinstance(block, Para):
            out.append(p(block.text))
            continue
        out.append("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>")
        for row in block.rows:
            out.append("<tr>" + "".join(
                f"<td valign=top>{p(c) if c.strip() else '<p class=MsoNormal><o:p>&nbsp;</o:p></p>'}</td>"
                for c in row.cells) + "</tr>")
        out.append("</table>\n<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
    out.append("</div></body></html>")
    return "".join(out).encode("gb2312", errors="strict")


def test_word_exported_html(tmp_path):
    page = tmp_path / "report.htm"
    page.write_bytes(word_html(SHIZHUANG.read_text("utf-8")))
    r = import_report(page)
    expected = load_example()
    assert (r.agency, r.year) == (expected.agency, expected.year)
    assert r.values == expected.values
    assert r.texts == expected.texts
    assert r.meta["import_notes"] == []

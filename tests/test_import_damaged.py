"""Damaged and untidy inputs: every number lands at its row and column or is reported, never guessed.

Each variant is made in the test from a real page or text, by editing it the
way real pages differ (cut tables, missing sections, shuffled rows, wrapper
rows, nested tables, padding, GBK, "/" in cells).
"""

from __future__ import annotations

import copy

import lxml.html
import pytest

from conftest import FIXTURES
from giar_xl import checker
from giar_xl.importer import import_report
from giar_xl.spec.format2021 import T3_COLUMNS, t3_id
from test_import_pages import JTJ_2025, assert_cells, notes

JTJ = FIXTURES / "pages" / "jtj-2025.html"
SHIZHUANG = FIXTURES / "shizhuang-2024.txt"


def jtj_tree():
    return lxml.html.document_fromstring(JTJ.read_bytes())


def article_tables(root):
    return root.xpath('//div[contains(@class,"TRS_Editor")]//table')


def t3_rows(root):
    return article_tables(root)[1].xpath(".//tr")


def save(root, path, encoding="utf-8"):
    path.write_bytes(lxml.html.tostring(root, encoding=encoding, doctype="<!DOCTYPE html>"))
    return path


def row_of(root, label: str):
    return next(tr for tr in t3_rows(root) if label in tr.text_content())


def t3_row_values(report, code):
    return [report.values[t3_id(code, c)] for c, _ in T3_COLUMNS]


# ---------------------------------------------------------------- cut short
def test_table_cut_short(tmp_path):
    root = jtj_tree()
    for tr in t3_rows(root)[-5:]:  # （六）1–3, （七）总计, 四、结转下年度
        tr.drop_tree()
    r = import_report(save(root, tmp_path / "cut.html"))
    gone = ("R21", "R22", "R23", "R24", "R25")
    expected = {k: (None if any(k == t3_id(code, c) for code in gone for c, _ in T3_COLUMNS) else v)
                for k, v in JTJ_2025.items()}
    assert_cells(r, expected)
    missing = [n["message"] for n in notes(r, "错误")]
    assert len(missing) == 5 and all("表三缺少" in m for m in missing)
    assert any("四、结转下年度继续办理" in m for m in missing)


def test_cut_table_is_flagged_by_validate(tmp_path):
    root = jtj_tree()
    t3_rows(root)[-1].drop_tree()
    r = import_report(save(root, tmp_path / "cut.html"))
    blank = {f.id for f in checker.check(r) if f.id and f.id.startswith("t3.carry_forward.")}
    assert blank >= {f"t3.carry_forward.{c}" for c, _ in T3_COLUMNS[:6]}


def test_row_cut_short_is_not_spread_over_columns(tmp_path):
    root = jtj_tree()
    row = row_of(root, "（一）予以公开")
    row.xpath("./td")[-1].drop_tree()
    r = import_report(save(root, tmp_path / "short.html"))
    assert t3_row_values(r, "R3") == [None] * 7
    [n] = notes(r, "错误")
    assert n["position"] == "网页第 2 个表格第 6 行" and "应有 7 个数，实有 6 个" in n["message"]


# ---------------------------------------------------------------- shuffled rows and columns
def test_shuffled_rows_are_read_by_label(tmp_path):
    root = jtj_tree()
    not_held, unclear = row_of(root, "本机关不掌握"), row_of(root, "补正后申请内容仍不明确")
    parent = unclear.getparent()
    not_held.getparent().remove(not_held)
    parent.insert(parent.index(unclear) + 1, not_held)
    r = import_report(save(root, tmp_path / "shuffled.html"))
    assert_cells(r, JTJ_2025)
    [n] = notes(r)
    assert n["severity"] == "提示" and "行顺序" in n["message"]


def test_shuffled_rows_in_text(tmp_path):
    lines = SHIZHUANG.read_text("utf-8").split("\n")
    a = lines.index("\t一、本年新收政府信息公开申请数量")
    b = lines.index("\t二、上年结转政府信息公开申请数量")
    first = [lines[a]] + ["\t5"] * 7 + [""]
    lines[a:b + 9] = lines[b:b + 9] + first
    p = tmp_path / "shuffled.txt"
    p.write_text("\n".join(lines), "utf-8")
    r = import_report(p)
    assert t3_row_values(r, "R1") == [5] * 7 and t3_row_values(r, "R2") == [0] * 7
    assert [n["severity"] for n in notes(r)] == ["提示"]


def test_shuffled_columns_are_refused(tmp_path):
    root = jtj_tree()
    header = article_tables(root)[0].xpath(".//tr")[1].xpath("./td")
    a, b = header[1], header[2]  # 本年制发件数, 本年废止件数
    a_copy = copy.deepcopy(a)
    a.getparent().replace(a, copy.deepcopy(b))
    b.getparent().replace(b, a_copy)
    r = import_report(save(root, tmp_path / "cols.html"))
    assert all(r.values[k] is None for k in r.values if k.startswith("t2."))
    assert any("列标题顺序" in n["message"] for n in notes(r, "错误"))
    assert all(r.values[k] == v for k, v in JTJ_2025.items() if not k.startswith("t2."))


def test_duplicate_row_with_other_numbers(tmp_path):
    root = jtj_tree()
    row = row_of(root, "（一）予以公开")
    twin = copy.deepcopy(row)
    for td in twin.xpath("./td")[-7:]:
        for el in list(td):
            td.remove(el)
        td.text = "7"
    row.addnext(twin)
    r = import_report(save(root, tmp_path / "dup.html"))
    assert t3_row_values(r, "R3") == [10, 0, 0, 0, 0, 0, 10]  # the first one, and said so
    assert any("重复出现" in n["message"] for n in notes(r, "错误"))


# ---------------------------------------------------------------- missing parts
def test_missing_section(tmp_path):
    text = SHIZHUANG.read_text("utf-8").replace("五、存在的主要问题及改进情况\n", "")
    p = tmp_path / "no5.txt"
    p.write_text(text, "utf-8")
    r = import_report(p)
    assert all(r.texts[k] == "" for k in ("s5.intro", "s5.problems", "s5.measures"))
    assert r.texts["s6.fees"] == "2024年度信息公开申请未向申请人收取任何费用。"
    errors = notes(r, "错误")
    assert [n["message"] for n in errors] == ["未找到“五、存在的主要问题及改进情况”一节，该节文字为空。"]
    # the orphaned paragraphs are listed with their lines, not dropped in silence
    orphans = [n for n in notes(r, "提示") if "文字未导入" in n["message"]]
    assert len(orphans) == 9 and orphans[0]["position"] == "第 408 行"
    assert all(v == 0 for v in r.values.values())


def test_missing_section_is_flagged_by_validate(tmp_path):
    p = tmp_path / "no5.txt"
    p.write_text(SHIZHUANG.read_text("utf-8").replace("五、存在的主要问题及改进情况\n", ""), "utf-8")
    ids = {f.id for f in checker.check(import_report(p))}
    assert {"s5.problems", "s5.measures"} <= ids


def test_missing_table(tmp_path):
    lines = SHIZHUANG.read_text("utf-8").split("\n")
    a = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    b = lines.index("五、存在的主要问题及改进情况")
    p = tmp_path / "no4.txt"
    p.write_text("\n".join(lines[:a + 1] + lines[b:]), "utf-8")
    r = import_report(p)
    assert all(v is None for k, v in r.values.items() if k.startswith("t4."))
    assert any("未找到表四" in n["message"] for n in notes(r, "错误"))


def test_row_that_fits_nowhere_is_reported(tmp_path):
    root = jtj_tree()
    row = row_of(root, "二、上年结转")
    extra = lxml.html.fragment_fromstring(
        "<tr><td colspan='3'>其中：网上申请</td>" + "<td>5</td>" * 7 + "</tr>")
    row.addnext(extra)
    r = import_report(save(root, tmp_path / "extra.html"))
    assert_cells(r, JTJ_2025)
    [n] = notes(r, "错误")
    assert n["position"] == "网页第 2 个表格第 6 行" and "其中：网上申请" in n["message"]


# ---------------------------------------------------------------- untidy but complete
def test_dashes_and_blanks_are_kept_for_the_checker(tmp_path):
    root = jtj_tree()
    cells = row_of(root, "二、上年结转").xpath("./td")[1:]
    for td, text in zip(cells, ["/", "—", "", "－", "无", "0"]):
        for el in list(td):
            td.remove(el)
        td.text = text
    r = import_report(save(root, tmp_path / "dash.html"))
    assert t3_row_values(r, "R2")[:6] == ["/", "—", None, "－", "无", 0]
    assert notes(r) == []


def test_dashes_are_flagged_by_validate(tmp_path):
    root = jtj_tree()
    td = row_of(root, "二、上年结转").xpath("./td")[1]
    for el in list(td):
        td.remove(el)
    td.text = "/"
    found = [f for f in checker.check(import_report(save(root, tmp_path / "d.html")))
             if f.id == "t3.carried.natural"]
    assert found and found[0].severity == "错误"


def test_wrapper_rows_nested_tables_and_padding(tmp_path):
    root = jtj_tree()
    t3 = article_tables(root)[1]
    body = t3.xpath("./tbody")[0] if t3.xpath("./tbody") else t3
    body.insert(0, lxml.html.fragment_fromstring("<tr><td colspan='10'>三、收到和处理政府信息公开申请情况</td></tr>"))
    body.insert(5, lxml.html.fragment_fromstring("<tr><td colspan='10'><p>&nbsp;</p></td></tr>"))
    for td in t3.xpath(".//td"):
        if td.text_content().strip().isdigit():
            td.insert(0, lxml.html.fragment_fromstring("<p>&nbsp;</p>"))
            td.append(lxml.html.fragment_fromstring("<p>&nbsp;</p>"))
    wrapper = lxml.html.fragment_fromstring("<table><tr><td><p>附表</p></td></tr></table>")
    t3.addprevious(wrapper)
    wrapper.xpath(".//td")[0].append(t3)
    r = import_report(save(root, tmp_path / "nested.html"))
    assert_cells(r, JTJ_2025)
    assert notes(r, "错误") == []


def test_bracket_quote_and_break_variants(tmp_path):
    text = (SHIZHUANG.read_text("utf-8")
            .replace("\t（一）予以公开", "\t(一)予以公开")
            .replace("\t3.危及“三安全一稳定”", "\t3、危及\"三安全一稳定\"")
            .replace("\t一、本年新收政府信息公开申请数量", "\t一、本年新收政府信息\n公开申请数量"))
    p = tmp_path / "variants.txt"
    p.write_text(text, "utf-8")
    r = import_report(p)
    assert all(v == 0 for v in r.values.values())
    assert notes(r) == []


def test_gbk_page_with_meta_charset(tmp_path):
    html = JTJ.read_text("utf-8").replace(
        '<meta charset="UTF-8" />', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />')
    p = tmp_path / "gbk.html"
    p.write_bytes(html.encode("gb18030"))
    r = import_report(p)
    assert_cells(r, JTJ_2025)
    assert r.texts == import_report(JTJ).texts
    assert r.agency == "平潭综合实验区交通与建设局"


def test_value_with_a_unit_stays_in_its_cell(tmp_path):
    root = jtj_tree()
    td = row_of(root, "（一）予以公开").xpath("./td")[2]
    for el in list(td):
        td.remove(el)
    td.text = "10件"
    r = import_report(save(root, tmp_path / "unit.html"))
    assert t3_row_values(r, "R3") == ["10件", 0, 0, 0, 0, 0, 10]  # the checker says it is no number
    assert notes(r) == []


def test_no_entity_or_network_resolution(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("绝密内容", "utf-8")
    page = tmp_path / "xxe.html"
    page.write_text(f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
                    "<html><body><p>某某县某某镇2025年政府信息公开工作年度报告</p><p>一、总体情况</p>"
                    "<p>&x;正文</p><p>二、主动公开政府信息情况</p></body></html>", "utf-8")
    r = import_report(page)
    assert "绝密" not in r.texts["s1.intro"] and "正文" in r.texts["s1.intro"]


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".mht"])
def test_foreign_files_get_advice(tmp_path, suffix):
    from giar_xl.errors import UnreadableInput

    p = tmp_path / f"report{suffix}"
    p.write_bytes(b"%PDF-1.4")
    with pytest.raises(UnreadableInput, match="另存为"):
        import_report(p)


@pytest.mark.parametrize("suffix, content, says", [
    (".pdf", b"%PDF-1.4", "损坏"),  # a header and nothing else
    (".pdf", "这只是一段文字。".encode() * 20, "不是 PDF"),
    (".docx", "这只是一段文字。".encode() * 20, "不是 Word 文档"),
    (".docx", b"\xd0\xcf\x11\xe0" + bytes(600), "另存为"),  # an old .doc renamed
])
def test_damaged_pdf_and_word_files_are_named(tmp_path, suffix, content, says):
    from giar_xl.errors import UnreadableInput

    p = tmp_path / f"report{suffix}"
    p.write_bytes(content)
    with pytest.raises(UnreadableInput, match=says) as exc:
        import_report(p)
    assert exc.value.file == str(p)


def test_old_site_layout_table_with_sidebar(tmp_path):
    """An older site: the article sits in a cell of a layout table beside a link list."""
    root = jtj_tree()
    article = root.xpath('//div[contains(@class,"TRS_Editor")]')[0]
    body = lxml.html.tostring(article, encoding="unicode")
    page = ("<html><head><meta charset='utf-8'><title>平潭综合实验区交通与建设局2025年度政府信息公开工作年度报告"
            "-政府信息公开</title></head><body><table><tr>"
            "<td><ul><li>平潭综合实验区交通与建设局2024年度政府信息公开工作年度报告</li>"
            "<li>一、总体情况说明</li><li>网站地图</li></ul></td>"
            f"<td>{body}</td></tr><tr><td colspan='2'>版权所有 备案号 12345</td></tr></table></body></html>")
    p = tmp_path / "layout.html"
    p.write_text(page, "utf-8")
    r = import_report(p)
    assert_cells(r, JTJ_2025)
    assert (r.agency, r.year) == ("平潭综合实验区交通与建设局", 2025)
    assert r.texts == import_report(JTJ).texts
    assert notes(r) == []


def test_heading_like_line_inside_a_section_is_not_a_heading(tmp_path):
    text = SHIZHUANG.read_text("utf-8").replace("（二）依申请公开：", "二、主动公开情况\n（二）依申请公开：")
    p = tmp_path / "lookalike.txt"
    p.write_text(text, "utf-8")
    r = import_report(p)
    assert r.texts["s1.active"].endswith("\n二、主动公开情况")
    assert r.texts["s1.request"] == "2024年1-12月，史庄镇无依申请公开信息。"
    assert all(v == 0 for v in r.values.values())
    assert notes(r) == []


def test_gbk_page_without_declaration(tmp_path):
    html = JTJ.read_text("utf-8").replace('<meta charset="UTF-8" />', "")
    p = tmp_path / "gbk.html"
    p.write_bytes(html.encode("gb18030"))
    r = import_report(p)
    assert_cells(r, JTJ_2025)
    assert [n["message"] for n in notes(r)] == ["网页没有声明编码，内容也不是 UTF-8，已按 GB18030 读取。"]


def test_table_split_over_two_tables_with_repeated_headers(tmp_path):
    """Pasted from Word across a page break: table 三 in two pieces, headers repeated."""
    root = jtj_tree()
    t3 = article_tables(root)[1]
    rows = t3_rows(root)
    second = lxml.html.fragment_fromstring("<table><tbody></tbody></table>")
    body = second.xpath("./tbody")[0]
    for tr in rows[:3]:
        body.append(copy.deepcopy(tr))
    start = rows.index(row_of(root, "本机关不掌握"))
    for tr in rows[start:]:
        body.append(tr)  # moves it out of the first table
    t3.addnext(second)
    second.addprevious(lxml.html.fragment_fromstring("<p>（续表）</p>"))
    r = import_report(save(root, tmp_path / "split.html"))
    assert_cells(r, JTJ_2025)
    assert notes(r, "错误") == []


def _merge_down(root, first_label: str, rows: int, keep: str) -> None:
    """Merge each value cell of a row down over the next rows, as some sites print
    （六）其他处理: one cell per column spanning its three rows."""
    first = row_of(root, first_label)
    values = first.xpath("./td")[-7:]
    for td in values:
        td.set("rowspan", str(rows))
        for p in td.iter():
            if p.text and p.text.strip():
                p.text = keep
                break
    following = first.itersiblings()
    for _ in range(rows - 1):
        tr = next(following)
        for td in tr.xpath("./td")[-7:]:
            tr.remove(td)


def test_a_zero_merged_down_over_rows_stands_in_each_row(tmp_path):
    root = jtj_tree()
    _merge_down(root, "申请人无正当理由逾期不补正", 3, "0")
    r = import_report(save(root, tmp_path / "merged.html"))
    for row in ("R21", "R22", "R23"):
        assert [r.values[t3_id(row, c)] for c, _ in T3_COLUMNS] == [0] * 7, row
    assert not [f for f in checker.check(r) if f.code == "V01" and f.id.startswith("t3.other_")]


def test_a_figure_merged_down_over_rows_is_never_shared_out(tmp_path):
    root = jtj_tree()
    _merge_down(root, "申请人无正当理由逾期不补正", 3, "3")
    r = import_report(save(root, tmp_path / "merged.html"))
    assert [r.values[t3_id("R21", c)] for c, _ in T3_COLUMNS] == [3] * 7
    for row in ("R22", "R23"):  # 3 over three rows cannot be split: blank, and the checker asks
        assert [r.values[t3_id(row, c)] for c, _ in T3_COLUMNS] == [None] * 7, row

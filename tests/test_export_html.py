"""HTML export: parsed back with lxml and html5lib, structure checked cell by cell."""

from __future__ import annotations

import html5lib
import pytest
from lxml import etree
from lxml import html as lxml_html

from giar_xl.export import export_report
from giar_xl.export.common import report_title
from giar_xl.spec import DEFAULT_FORMAT
from test_export_grid import TABLES, distinct_report, expected_grid, spans_from_rows

SPEC = DEFAULT_FORMAT


def parse_lxml(data: bytes):
    return lxml_html.document_fromstring(data)


def parse_html5lib(data: bytes):
    return html5lib.parse(data, treebuilder="lxml", namespaceHTMLElements=False)


PARSERS = pytest.mark.parametrize("parse", [parse_lxml, parse_html5lib], ids=["lxml", "html5lib"])


def text_of(el) -> str:
    return "".join(el.itertext()).strip()


def table_rows(table) -> list[list[tuple[str, int, int]]]:
    rows = []
    for tr in table.iter("tr"):
        rows.append([(text_of(cell), int(cell.get("rowspan", 1)), int(cell.get("colspan", 1)))
                     for cell in tr if cell.tag in ("td", "th")])
    return rows


@PARSERS
def test_every_label_and_number_sits_at_its_row_and_column(parse):
    report = distinct_report()
    doc = parse(export_report(report, "html"))
    for key, table in TABLES.items():
        (el,) = doc.xpath(f"//table[@id='{key}']")
        rows = table_rows(el)
        assert len(rows) == table.n_rows
        got = spans_from_rows(rows)
        assert got == expected_grid(report, key)
        # the rebuilt grid is exactly n_rows × n_cols: no ragged row
        covered = sum(rs * cs for _, rs, cs in got.values())
        assert covered == table.n_rows * table.n_cols


def test_header_spans_as_the_format_prints_them():
    # anchors from FORMAT.md, independent of the spec: the merged headers of 三 and 四
    report = distinct_report()
    doc = parse_lxml(export_report(report, "html"))
    t3 = spans_from_rows(table_rows(doc.xpath("//table[@id='t3']")[0]))
    assert t3[(0, 0)][1:] == (3, 3) and "勾稽关系" in t3[(0, 0)][0]
    assert t3[(0, 3)] == ("申请人情况", 1, 7)
    assert t3[(1, 3)] == ("自然人", 2, 1)
    assert t3[(1, 4)] == ("法人或其他组织", 1, 5)
    assert [t3[(2, c)][0] for c in range(4, 9)] == ["商业企业", "科研机构", "社会公益组织",
                                                    "法律服务机构", "其他"]
    assert t3[(3 + 2, 0)] == ("三、本年度办理结果", 22, 1)
    t4 = spans_from_rows(table_rows(doc.xpath("//table[@id='t4']")[0]))
    assert t4[(0, 0)] == ("行政复议", 1, 5) and t4[(0, 5)] == ("行政诉讼", 1, 10)
    assert t4[(1, 5)] == ("未经复议直接起诉", 1, 5) and t4[(1, 10)] == ("复议后起诉", 1, 5)
    t2 = spans_from_rows(table_rows(doc.xpath("//table[@id='t2']")[0]))
    assert t2[(0, 0)] == ("第二十条第（一）项", 1, 4)


def test_numbers_are_right_aligned_and_header_rows_in_thead():
    doc = parse_lxml(export_report(distinct_report(), "html"))
    tds = doc.xpath("//table//td")
    assert len(tds) == len(SPEC.value_cells)
    assert all("text-align:right" in td.get("style") for td in tds)
    assert all("white-space:nowrap" in td.get("style") for td in tds)  # "37618" never breaks
    assert all("text-align:right" not in th.get("style") for th in doc.xpath("//table//th"))
    assert len(doc.xpath("//table[@id='t3']/thead/tr")) == 3
    assert len(doc.xpath("//table[@id='t4']/thead/tr")) == 3
    assert not doc.xpath("//table[@id='t2']/thead")
    # borders travel with the cells, so a CMS that drops <head> keeps them
    assert all("border:1px solid" in c.get("style") for c in doc.xpath("//table//td|//table//th"))


def test_title_and_sections_in_order(example_report):
    doc = parse_lxml(export_report(example_report, "html"))
    title = report_title(example_report)
    assert title == "获嘉县史庄镇2024年政府信息公开工作年度报告"
    assert doc.findtext(".//title") == title and text_of(doc.xpath("//h1")[0]) == title
    assert [text_of(h) for h in doc.xpath("//h2")] == [s.heading for s in SPEC.sections]
    # narrative as paragraphs under their numbered sub-heads
    s5 = doc.xpath("//section[@id='s5']")[0]
    assert [text_of(h) for h in s5.xpath("h3")] == ["（一）主要问题", "（二）改进措施"]
    paras = [text_of(p) for p in s5.xpath("p")]
    assert paras[0].startswith("2024年，我镇高度重视") and len(paras) == 1 + 3 + 3
    s6 = doc.xpath("//section[@id='s6']")[0]
    assert not s6.xpath("h3") and text_of(s6.xpath("p")[0]) == "2024年度信息公开申请未向申请人收取任何费用。"


def test_self_contained_no_script_nothing_external(example_report):
    data = export_report(example_report, "html")
    doc = parse_lxml(data)
    assert not doc.xpath("//script|//link|//img|//iframe|//object|//embed|//base")
    assert not doc.xpath("//@src|//@href|//@*[starts-with(name(), 'on')]")
    css = " ".join(doc.xpath("//style/text()") + doc.xpath("//@style"))
    assert "url(" not in css and "@import" not in css
    assert b"http://" not in data and b"https://" not in data


@PARSERS
def test_workbook_text_is_escaped(parse, example_report):
    r = example_report
    r.agency = "<script>alert(1)</script>镇"
    r.texts["s1.intro"] = "A & B <b>粗</b> <script>alert('x')</script>"
    r.values["t2.regulation.issued"] = '<img src=x onerror="alert(1)">'
    data = export_report(r, "html")
    doc = parse(data)
    assert not doc.xpath("//script|//img|//b")
    assert text_of(doc.xpath("//h1")[0]) == "<script>alert(1)</script>镇2024年政府信息公开工作年度报告"
    assert text_of(doc.xpath("//section[@id='s1']/p")[0]) == r.texts["s1.intro"]
    t2 = spans_from_rows(table_rows(doc.xpath("//table[@id='t2']")[0]))
    assert t2[(2, 1)][0] == '<img src=x onerror="alert(1)">'


def test_forced_export_is_marked_in_metadata_only(balanced):
    clean = export_report(balanced, "html")
    forced = export_report(balanced, "html", unclean={"errors": 2, "codes": ["I1", "V02"]})
    meta = parse_lxml(forced).xpath("//meta[@name='giar-xl-unclean']")
    assert len(meta) == 1 and "errors=2" in meta[0].get("content")
    assert not parse_lxml(clean).xpath("//meta[@name='giar-xl-unclean']")
    body = lambda d: etree.tostring(parse_lxml(d).xpath("//body")[0], encoding=str)  # noqa: E731
    assert body(clean) == body(forced)


def test_control_characters_from_a_paste_do_not_break_the_page(example_report):
    example_report.texts["s1.intro"] = "第一段\x0b含控制符\x01。"
    doc = parse_lxml(export_report(example_report, "html"))
    # Word's manual line break (\x0b) starts a paragraph; other control characters go
    assert [text_of(p) for p in doc.xpath("//section[@id='s1']/p")][:2] == ["第一段", "含控制符。"]

"""PDFs that imitate what sites publish, made in the test from data: every number exact or a note.

Each PDF is laid out by tests/pdf_maker.py from a report with random balanced
numbers: A4 pages under a running head, "第 N 页 共 M 页" at the foot, tables
ruled or borderless, table 三 split over two pages, labels wrapped in a narrow
column. What the importer gives back is compared cell by cell with the report
the PDF was made from.
"""

from __future__ import annotations

import dataclasses
import json

import pdfplumber
import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from conftest import balanced_report, run_cli
from giar_xl.errors import UnreadableInput
from giar_xl.importer import OldFormatReport, import_report
from giar_xl.report import Report
from giar_xl.spec import DEFAULT_FORMAT
from pdf_maker import WIDTHS, Cell, Grid, report_pdf, spec_grid

T3 = next(t for t in DEFAULT_FORMAT.tables if t.key == "t3")
LONG_LABEL = max((g.text for g in T3.grid if g.role == "label"), key=len)


def _report(seed: int = 7) -> Report:
    r = balanced_report(seed)
    r.published = "2026-01-20"
    return r


def errors(report: Report) -> list[dict]:
    return [n for n in report.meta["import_notes"] if n["severity"] == "错误"]


def same_numbers(imported: Report, original: Report) -> None:
    wrong = {k: (v, imported.values[k]) for k, v in original.values.items()
             if imported.values[k] != v or type(imported.values[k]) is not type(v)}
    assert not wrong, wrong


def without(r: Report, ids: set[str]) -> Report:
    """The report with these cells blank: what an honest import gives when they cannot be read."""
    return dataclasses.replace(r, values={k: (None if k in ids else v) for k, v in r.values.items()})


def page_texts(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def t3_pages(path) -> list[int]:
    """The pages that show rows of table 三 (to check the layout is what the test claims)."""
    labels = [g.text for g in T3.grid if g.role == "label"]
    return [k for k, text in enumerate(page_texts(path), 1)
            if any(lab[:6] in text.replace("\n", "") for lab in labels)]


# ---------------------------------------------------------------- ruled tables
def test_ruled_table_split_over_two_pages_with_its_header_repeated(tmp_path):
    r = _report()
    pdf = tmp_path / "ruled.pdf"
    report_pdf(pdf, r, ruled=True, repeat_header=True, break_t3_before=12)
    assert len(t3_pages(pdf)) == 2
    imported = import_report(pdf)
    same_numbers(imported, r)
    assert imported.texts == r.texts
    assert (imported.agency, imported.year, imported.published) == (r.agency, r.year, r.published)
    assert imported.meta["import_notes"] == []
    # the running head and the page foot are page furniture, not report text
    assert not any("专栏" in t or "共" in t for t in imported.texts.values())


def test_wrapped_row_labels_are_read_whole(tmp_path):
    r = _report(11)
    pdf = tmp_path / "wrapped.pdf"
    report_pdf(pdf, r, ruled=True)
    # the premise: the longest label of table 三 is printed over several lines
    assert not any(LONG_LABEL in line for t in page_texts(pdf) for line in t.splitlines())
    imported = import_report(pdf)
    same_numbers(imported, r)
    assert imported.meta["import_notes"] == []


# ---------------------------------------------------------------- borderless tables
def test_borderless_tables_split_without_header_and_full_width_digits(tmp_path):
    r = _report(3)
    pdf = tmp_path / "borderless.pdf"
    report_pdf(pdf, r, ruled=False, repeat_header=False, full_width=True, break_t3_before=12)
    with pdfplumber.open(pdf) as doc:
        # no ruling line in the tables: only the running head's rule on each page
        assert all(len(p.lines) == 1 for p in doc.pages)
    assert "０" in "".join(page_texts(pdf)) or "１" in "".join(page_texts(pdf))
    assert len(t3_pages(pdf)) == 2
    imported = import_report(pdf)
    same_numbers(imported, r)
    assert imported.texts == r.texts
    assert errors(imported) == []


def test_borderless_blank_cells_stay_blank_with_a_note(tmp_path):
    """Without borders a blank cell is only a gap: its column is known from the rows around it."""
    r = _report(5)
    blank = {"t3.new.research", "t3.disclosed.total"}
    pdf = tmp_path / "blanks.pdf"
    report_pdf(pdf, r, ruled=False, blank=blank)
    imported = import_report(pdf)
    for cid in blank:
        assert imported.values[cid] is None, cid
    same_numbers(imported, without(r, blank))
    hints = [n for n in imported.meta["import_notes"] if "空白" in n["message"]]
    assert len(hints) == len(blank) and all("页" in n["position"] for n in hints)


def test_borderless_blank_with_no_rows_to_line_up_with_is_not_guessed(tmp_path):
    """Table 四 has one row of numbers: a gap in it could be any of its columns."""
    r = _report(6)
    pdf = tmp_path / "t4-gap.pdf"
    report_pdf(pdf, r, ruled=False, blank={"t4.review.other"})
    imported = import_report(pdf)
    t4 = {k for k in r.values if k.startswith("t4.")}
    assert all(imported.values[k] is None for k in t4)
    same_numbers(imported, without(r, t4))
    assert any("应有 15 个数，实有 14 个" in n["message"] and "页" in n["position"] for n in errors(imported))


# ---------------------------------------------------------------- what cannot be placed
def test_a_row_the_format_does_not_have_is_a_note_with_page_and_line(tmp_path):
    r = _report(9)
    grid = spec_grid(r, T3, WIDTHS["t3"])
    target = next(c for c in grid.cells if c.text == LONG_LABEL)
    target.text = "1.涉及个人隐私另行统计的申请"
    pdf = tmp_path / "odd.pdf"
    report_pdf(pdf, r, replace_tables={"t3": grid})
    imported = import_report(pdf)
    row = next(g.r for g in T3.grid if g.text == LONG_LABEL)
    row_ids = {g.value for g in T3.grid if g.r == row and g.value}
    assert all(imported.values[cid] is None for cid in row_ids)
    same_numbers(imported, without(r, row_ids))
    msgs = [n for n in errors(imported) if "无法对应" in n["message"]]
    assert len(msgs) == 1 and msgs[0]["position"].startswith("第 ") and "页第" in msgs[0]["position"]
    assert any("缺少" in n["message"] and LONG_LABEL in n["message"] for n in errors(imported))


def test_report_without_table_three_gets_notes_and_blanks_never_numbers(tmp_path):
    r = _report(13)
    pdf = tmp_path / "no-t3.pdf"
    report_pdf(pdf, r, skip_tables=("t3",))
    imported = import_report(pdf)
    t3 = [k for k in r.values if k.startswith("t3.")]
    assert t3 and all(imported.values[k] is None for k in t3)
    same_numbers(imported, without(r, set(t3)))
    assert [n["message"][:6] for n in errors(imported)] == ["未找到表三（"]
    code, out, err = run_cli("import", pdf, "-o", tmp_path / "r.json")
    assert code == 1 and "未找到表三" in out and (tmp_path / "r.json").exists()


def _grid_2019(report: Report) -> Grid:
    """Table 二 as the 2019 format printed it (its column heads are the spec's 2019 markers)."""
    made, published, total, before, change = DEFAULT_FORMAT.markers_2019[:5]
    rows = [["第二十条第（一）项"], ["信息内容", made, published, total], ["规章", "1", "0", "3"],
            ["规范性文件", "2", "1", "9"], ["第二十条第（五）项"], ["信息内容", before, change, "处理决定数量"],
            ["行政许可", "5", "0", "12"], ["其他对外管理服务事项", "0", "0", "0"]]
    cells = []
    for i, row in enumerate(rows):
        if len(row) == 1:
            cells.append(Cell(row[0], i, 0, colspan=4))
        else:
            cells += [Cell(t, i, k, align="left" if k == 0 else "center") for k, t in enumerate(row)]
    return Grid(cells, WIDTHS["t2"])


def test_2019_format_table_is_recognised_and_named(tmp_path):
    r = _report(17)
    pdf = tmp_path / "2019.pdf"
    report_pdf(pdf, r, replace_tables={"t2": _grid_2019(r)})
    with pytest.raises(OldFormatReport) as exc:
        import_report(pdf)
    assert "2019 年版格式" in exc.value.message and exc.value.file == str(pdf)
    old = import_report(pdf, allow_2019=True)
    assert old.meta["format_detected"] == "2019"
    # its table 二 means other things: not one of its numbers is taken as a 2021 number
    assert all(v is None for k, v in old.values.items() if k.startswith("t2."))
    code, out, err = run_cli("import", pdf, "-o", tmp_path / "r.json")
    assert code == 2 and "2019 年版格式" in err and "2019.pdf" in err
    assert not (tmp_path / "r.json").exists()


# ---------------------------------------------------------------- no text layer
def _scan(path, pages: int = 2) -> None:
    """A PDF of page images (what a scanner gives): strokes that look like text, no text layer."""
    cv = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for k in range(pages):
        img = Image.new("L", (620, 877), 255)
        draw = ImageDraw.Draw(img)
        for y in range(90, 800, 24):
            for x in range(70, 540, 18):
                if (x * 7 + y * 3 + k) % 11:
                    draw.rectangle([x, y, x + 12, y + 12], outline=0)
        cv.drawImage(ImageReader(img), 0, 0, *A4)
        cv.showPage()
    cv.save()


def test_a_scanned_pdf_is_refused_in_chinese(tmp_path):
    pdf = tmp_path / "扫描件.pdf"
    _scan(pdf)
    with pdfplumber.open(pdf) as doc:
        assert doc.pages[0].images and not doc.pages[0].chars
    with pytest.raises(UnreadableInput, match="没有文字层") as exc:
        import_report(pdf)
    assert exc.value.file == str(pdf)
    code, out, err = run_cli("import", pdf, "-o", tmp_path / "r.json")
    assert code == 2 and "扫描件.pdf" in err and "没有文字层" in err and "Traceback" not in out + err
    assert not (tmp_path / "r.json").exists()


def test_cli_reads_a_pdf(tmp_path):
    r = _report(21)
    pdf = tmp_path / "报告.pdf"
    report_pdf(pdf, r)
    code, out, err = run_cli("import", pdf, "-o", tmp_path / "r.json", "--xlsx", tmp_path / "r.xlsx")
    assert code == 0, out + err
    back = Report.from_json(json.loads((tmp_path / "r.json").read_text("utf-8")))
    same_numbers(back, r)
    assert back.agency == r.agency and (tmp_path / "r.xlsx").exists()

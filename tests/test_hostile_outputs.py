"""What the project writes stays inert and whole; what it reads stays untouched.

- Narrative text holding HTML or script is escaped in every HTML output
  (export html, the aggregate overview, diff html) and in Word.
- Text starting with "=", "+", "-" or "@" never becomes a formula in any
  spreadsheet the project writes (aggregate status sheet, annotate results
  sheet, import --xlsx, template --data): the only formulas in its workbooks
  are the template's own (and the results sheet's HYPERLINK jumps).
  The project writes no CSV.
- Inputs are never modified (hash and mtime before and after).
- Outputs are atomic: a write failing half-way (full disk, Ctrl-C) leaves no
  partial or temporary file and no changed old file, with a Chinese message.
"""

from __future__ import annotations

import builtins

import functools
import io
import json
import tempfile
import zipfile
from pathlib import Path

import lxml.html
import pytest

from giar_xl import xlsx
from giar_xl.county.summary_book import ADDED_SHEETS
from giar_xl.layout import BINDING_SHEET
from giar_xl.results import RESULTS_SHEET
from giar_xl.template import build_workbook

from conftest import balanced_report, run_cli
from hostile_helpers import sha

SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"
AGENCY = '"><script>alert(1)</script>某镇人民政府'
FORMULAS = ['=HYPERLINK("http://evil.example","点击")', "+1+1", "-1+2", "@SUM(1)", "=cmd|' /C calc'!A0"]


def hostile_report(seed: int = 8, agency: str = AGENCY):
    r = balanced_report(seed, agency=agency)
    parts = sorted(r.texts)
    for i, pid in enumerate(parts):
        payload = FORMULAS[i % len(FORMULAS)] if i % 2 else SCRIPT
        r.texts[pid] = payload + r.texts[pid]
    return r


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("outputs")
    build_workbook(d / "last.xlsx", hostile_report(8, agency=AGENCY))
    r = hostile_report(9, agency=AGENCY)
    r.values["t2.regulation.repealed"] = "=1+1"  # a formula typed as text in a number cell
    build_workbook(d / "this.xlsx", r)
    (d / "this.json").write_text(r.dumps(), "utf-8")
    (d / "<b>粗体<").mkdir()  # the "/" of "</b>" makes a folder: outputs never create one
    build_workbook(d / "<b>粗体</b>.xlsx", hostile_report(10, agency="=cmd|' /C calc'!A0"))
    return d


@functools.cache
def template_formulas() -> dict[tuple[str, str], str]:
    with tempfile.TemporaryDirectory(prefix="giar-test-") as d:
        p = Path(d) / "empty.xlsx"
        build_workbook(p, balanced_report(1))
        wb = xlsx.load(p)
    return {(s.name, a): c.formula for s in wb.sheets.values() for a, c in s.cells.items() if c.formula}


def formulas_of(path: Path, skip: tuple[str, ...] = ()) -> dict[tuple[str, str], str]:
    wb = xlsx.load(path)
    return {(s.name, a): c.formula for s in wb.sheets.values() if s.name not in skip
            for a, c in s.cells.items() if c.formula}


def assert_only_template_formulas(path: Path, extra_sheets: tuple[str, ...] = ()) -> None:
    """Every formula is one the template put there; user text that looks like one stayed text."""
    found = formulas_of(path, skip=extra_sheets)
    assert found == template_formulas(), {k: v for k, v in found.items()
                                          if template_formulas().get(k) != v}


def assert_inert_html(page: str, *needles: str) -> None:
    root = lxml.html.document_fromstring(page)
    assert not root.xpath("//script"), "a script element came through"
    assert not [a for el in root.iter() if isinstance(el.tag, str) for a in el.attrib if a.startswith("on")]
    text = root.text_content()
    for needle in needles:
        assert needle in text, needle  # shown as text, not dropped


# ------------------------------------------------------------------ HTML
def test_export_html_and_docx_escape_text(folder, tmp_path):
    code, out, err = run_cli("export", folder / "this.xlsx", "--to", "html,docx,txt", "-o", tmp_path, "--force")
    assert code == 0, out + err
    assert_inert_html((tmp_path / "this.html").read_text("utf-8"), "<script>alert('x')</script>", "某镇人民政府")
    with zipfile.ZipFile(tmp_path / "this.docx") as z:
        body = z.read("word/document.xml").decode()
    assert "<script>" not in body and "&lt;script&gt;alert" in body
    import docx  # the document opens and holds the text as typed

    text = "\n".join(p.text for p in docx.Document(tmp_path / "this.docx").paragraphs)
    assert SCRIPT in text and FORMULAS[0] in text


def test_aggregate_overview_escapes_names_files_and_notes(folder, tmp_path):
    out = tmp_path / "county.xlsx"
    code, stdout, stderr = run_cli("aggregate", folder / "this.xlsx", folder / "<b>粗体</b>.xlsx",
                                   folder / "last.xlsx", "-o", out, "--force", "--name", "<i>某县</i>")
    assert "Traceback" not in stdout + stderr
    page = out.with_suffix(".html").read_text("utf-8")
    assert_inert_html(page, AGENCY, "<b>粗体</b>.xlsx", "<i>某县</i>")
    root = lxml.html.document_fromstring(page)
    assert not root.xpath("//b") and not root.xpath("//i")


def test_diff_html_escapes_narratives(folder, tmp_path):
    target = tmp_path / "diff.html"
    code, out, err = run_cli("diff", folder / "last.xlsx", folder / "this.xlsx", "--format", "html", "-o", target)
    assert code == 0, out + err
    assert_inert_html(target.read_text("utf-8"), AGENCY)  # the page shows similarity, not the texts


# ------------------------------------------------------------------ formulas
def test_template_data_keeps_formula_like_text_as_text(folder, tmp_path):
    target = tmp_path / "t.xlsx"
    code, out, err = run_cli("template", "-o", target, "--data", folder / "this.json")
    assert code == 0, out + err
    assert_only_template_formulas(target)
    wb = xlsx.load(target)
    texts = [c.value for s in wb.sheets.values() for c in s.cells.values() if isinstance(c.value, str)]
    for payload in FORMULAS + ["=1+1"]:
        assert any(t.startswith(payload) for t in texts), payload


def test_template_data_text_survives_libreoffice_recalculation(folder, tmp_path):
    """What a spreadsheet program does on opening: recalculate. The text stays text."""
    from giar_xl.libreoffice import convert, soffice

    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    target = tmp_path / "t.xlsx"
    run_cli("template", "-o", target, "--data", folder / "this.json")
    recalculated = convert(target, "xlsx", tmp_path / "lo")
    from giar_xl.reader import read_workbook

    r = read_workbook(recalculated)
    assert r.values["t2.regulation.repealed"] == "=1+1"
    assert any(t.startswith(FORMULAS[0]) for t in r.texts.values())
    assert all(not t.startswith(("2", "1")) for t in r.texts.values())


def test_import_xlsx_keeps_formula_like_text_as_text(folder, tmp_path):
    code, out, err = run_cli("export", folder / "this.json", "--to", "txt", "-o", tmp_path / "page.txt", "--force")
    assert code == 0, out + err
    target = tmp_path / "imported.xlsx"
    code, out, err = run_cli("import", tmp_path / "page.txt", "-o", tmp_path / "r.json", "--xlsx", target)
    assert code in (0, 1) and target.exists(), out + err
    assert_only_template_formulas(target)
    texts = json.loads((tmp_path / "r.json").read_text("utf-8"))["texts"]
    assert any(t.startswith(FORMULAS[0]) for t in texts.values())


def test_aggregate_status_sheet_holds_no_formula(folder, tmp_path):
    out = tmp_path / "county.xlsx"
    run_cli("aggregate", folder / "this.xlsx", folder / "<b>粗体</b>.xlsx", "-o", out, "--force")
    wb = xlsx.load(out)
    added = [wb.sheets[n] for n in ADDED_SHEETS if n in wb.sheets]
    assert len(added) >= 5 and not [a for sh in added for a, c in sh.cells.items() if c.formula]
    values = [c.value for c in wb.sheets["各单位情况"].cells.values()]
    assert "=cmd|' /C calc'!A0" in values  # the unit's name, as text
    assert_only_template_formulas(out, extra_sheets=ADDED_SHEETS)


@pytest.mark.parametrize("payload", FORMULAS)
def test_names_given_on_the_command_line_or_in_the_units_list_stay_text(folder, tmp_path, payload):
    """aggregate --name, template --agency and the units list's fields are the clerk's text (issue 15)."""
    import csv

    out = tmp_path / "county.xlsx"
    code, o, e = run_cli("aggregate", folder / "this.xlsx", "-o", out, "--force", "--name", payload)
    assert code in (0, 1), o + e
    cover = xlsx.load(out).sheets["汇总表"]
    assert not [a for a, c in cover.cells.items() if c.formula]
    assert any(isinstance(c.value, str) and c.value.startswith(payload) for c in cover.cells.values())
    assert_only_template_formulas(out, extra_sheets=ADDED_SHEETS)

    book = tmp_path / "t.xlsx"
    assert run_cli("template", "-o", book, "--agency", payload, "--year", "2025")[0] == 0
    assert_only_template_formulas(book)

    units = tmp_path / "名单.csv"
    with units.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["单位名称", "单位编码", "上年名称"], [payload, payload, payload]])
    code, o, e = run_cli("distribute", units, "--year", "2025", "-o", tmp_path / "下发")
    assert code == 0, o + e
    (made,) = (tmp_path / "下发").iterdir()
    assert_only_template_formulas(made)


def test_annotate_results_sheet_formulas_are_only_its_links(folder, tmp_path):
    target = tmp_path / "标注.xlsx"
    code, out, err = run_cli("validate", folder / "this.xlsx", "--annotate", target)
    assert code == 1 and target.exists(), out + err
    wb = xlsx.load(target)
    results = wb.sheets[RESULTS_SHEET]
    formulas = {a: c.formula for a, c in results.cells.items() if c.formula}
    assert formulas and all(a.startswith("D") and f.startswith("=HYPERLINK(") for a, f in formulas.items())
    assert any(isinstance(c.value, str) and "=1+1" in c.value for c in results.cells.values())
    found = formulas_of(target, skip=(RESULTS_SHEET, BINDING_SHEET))
    expected = {k: v for k, v in template_formulas().items() if k[0] != BINDING_SHEET}
    assert found == expected


# ------------------------------------------------------------------ inputs untouched
def test_no_command_modifies_its_input(folder, tmp_path):
    inputs = [folder / "last.xlsx", folder / "this.xlsx", folder / "this.json"]
    before = {p: sha(p) for p in inputs}
    runs = [
        ("validate", folder / "this.xlsx", folder / "this.json", "--previous", folder / "last.xlsx"),
        ("validate", folder / "this.xlsx", "--annotate", tmp_path / "a.xlsx"),
        ("export", folder / "this.xlsx", "--to", "html,docx,json,txt", "-o", tmp_path / "e", "--force"),
        ("aggregate", folder / "this.xlsx", folder / "last.xlsx", "-o", tmp_path / "c.xlsx", "--force"),
        ("diff", folder / "last.xlsx", folder / "this.xlsx", "--format", "html", "-o", tmp_path / "d.html"),
        ("template", "-o", tmp_path / "t.xlsx", "--data", folder / "this.json"),
    ]
    for args in runs:
        code, out, err = run_cli(*args)
        assert "Traceback" not in out + err and code in (0, 1), (args[0], out + err)
        assert {p: sha(p) for p in inputs} == before, args[0]


# ------------------------------------------------------------------ atomic outputs
def _commands(folder: Path, out: Path) -> dict[str, tuple]:
    return {
        "template": ("template", "-o", out / "t.xlsx", "--data", folder / "this.json"),
        "export": ("export", folder / "this.json", "--to", "html", "-o", out / "e.html", "--force"),
        "aggregate": ("aggregate", folder / "this.xlsx", "-o", out / "c.xlsx", "--force"),
        "validate -o": ("validate", folder / "this.json", "-o", out / "v.txt"),
        "validate --annotate": ("validate", folder / "this.xlsx", "--annotate", out / "a.xlsx"),
        "diff -o": ("diff", folder / "last.xlsx", folder / "this.xlsx", "-o", out / "d.txt"),
        "import": ("import", out.parent / "page.txt", "-o", out / "r.json", "--xlsx", out / "r.xlsx"),
    }


@pytest.fixture
def page(folder, tmp_path):
    (tmp_path / "out").mkdir()
    run_cli("export", folder / "this.json", "--to", "txt", "-o", tmp_path / "page.txt", "--force")
    return tmp_path / "page.txt"


@pytest.mark.parametrize("name", ["template", "export", "aggregate", "validate -o", "validate --annotate",
                                  "diff -o", "import"])
@pytest.mark.parametrize("failure", ["disk full", "interrupted"])
def test_a_write_failing_half_way_leaves_nothing(folder, page, tmp_path, monkeypatch, name, failure):
    out = tmp_path / "out"
    old = out / "old.txt"
    old.write_text("旧内容", "utf-8")
    real = Path.write_bytes

    def half_then_fail(self, data):
        real(self, bytes(data)[: len(data) // 2])  # the first half reaches the disk
        if failure == "interrupted":
            raise KeyboardInterrupt
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_then_fail)
    real_open = builtins.open

    class HalfFile:
        """A file opened for writing in the output folder (a result streamed as it comes)."""

        def __init__(self, f):
            self.f = f

        def write(self, text):
            self.f.write(text[: len(text) // 2])  # half of it reaches the disk
            raise KeyboardInterrupt if failure == "interrupted" else OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    def failing_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        if any(m in mode for m in "wax") and str(out) in str(file):
            return HalfFile(f)
        return f

    monkeypatch.setattr(builtins, "open", failing_open)
    code, stdout, stderr = run_cli(*_commands(folder, out)[name])
    monkeypatch.undo()
    assert code == 2, stdout + stderr
    assert "Traceback" not in stdout + stderr
    assert ("磁盘空间不足" if failure == "disk full" else "已中止") in stderr, stderr
    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]  # no partial, no temporary file
    assert old.read_text("utf-8") == "旧内容"


def test_a_failed_overwrite_keeps_the_old_file(folder, tmp_path, monkeypatch):
    target = tmp_path / "c.xlsx"
    html = target.with_suffix(".html")
    target.write_bytes(b"old workbook")
    html.write_text("old page", "utf-8")
    import giar_xl.fileio

    def broken_replace(src, dst):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(giar_xl.fileio.os, "replace", broken_replace)
    code, out, err = run_cli("aggregate", folder / "this.xlsx", "-o", target, "--force")
    assert code == 2 and "只读" in err and "c.xlsx" in err
    assert target.read_bytes() == b"old workbook" and html.read_text("utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.html", "c.xlsx"]


def test_written_workbooks_are_complete_zips(folder, tmp_path):
    """The happy path's outputs open as zips with every member intact (CRC checked)."""
    run_cli("template", "-o", tmp_path / "t.xlsx", "--data", folder / "this.json")
    run_cli("validate", folder / "this.xlsx", "--annotate", tmp_path / "a.xlsx")
    run_cli("aggregate", folder / "this.xlsx", "-o", tmp_path / "c.xlsx", "--force")
    for name in ("t.xlsx", "a.xlsx", "c.xlsx"):
        with zipfile.ZipFile(io.BytesIO((tmp_path / name).read_bytes())) as z:
            assert z.testzip() is None, name


# ------------------------------------------------------------------ the 校验 button
def _button_payload(path: Path, memo: str | None = None) -> dict:
    xw = pytest.importorskip("xlwings")
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [["" if c.value is None else c.value for c in row]
                  for row in ws.iter_rows(min_row=1, max_row=max(ws.max_row, 6), max_col=max(ws.max_column, 2))]
        if ws.title == BINDING_SHEET and memo is not None:
            values[5][1] = memo
        sheets.append({"name": ws.title, "values": values, "pictures": [], "tables": []})
    return {"client": "Microsoft Office Scripts", "version": xw.__version__,
            "book": {"name": "<b>年报</b>.xlsm", "active_sheet_index": 0, "selection": "A1"}, "sheets": sheets}


@pytest.mark.parametrize("memo", [None, "不是 JSON", '[["不存在的表", "A1"]]', '[["封面", "A0"], ["封面", "ZZZZ9"]]',
                                  '{"a": 1}', "[[1, 2]]"])
def test_button_keeps_clerk_text_inert_and_survives_a_damaged_memo(folder, memo):
    xw = pytest.importorskip("xlwings")
    from giar_xl.button import check_book

    book = xw.Book(json=_button_payload(folder / "this.xlsx", memo))
    summary = check_book(book)
    assert "错误" in summary  # "=1+1" in a number cell
    actions = book.json()["actions"]
    assert actions[-1]["func"] == "alert"
    written = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    formulas = [v for v in written if isinstance(v, str) and v.startswith(("=", "+", "-", "@"))]
    assert formulas and all(v.startswith('=HYPERLINK("#') for v in formulas), formulas
    # the typed "=1+1" is quoted inside the 应为/实为 sentence, never a cell of its own
    assert any(isinstance(v, str) and "实为“=1+1”" in v for v in written)


@pytest.mark.parametrize("damage", ["deleted", "emptied", "extra"])
def test_button_on_a_book_with_a_sheet_deleted_or_emptied(folder, damage):
    xw = pytest.importorskip("xlwings")
    from giar_xl.button import check_book

    payload = _button_payload(folder / "this.xlsx")
    if damage == "deleted":
        payload["sheets"] = [s for s in payload["sheets"] if s["name"] != "三、依申请公开"]
    elif damage == "emptied":
        next(s for s in payload["sheets"] if s["name"] == "三、依申请公开")["values"] = [[""]]
    else:
        payload["sheets"].append({"name": "=cmd|' /C calc'!A0", "values": [["<script>"]],
                                  "pictures": [], "tables": []})
    book = xw.Book(json=payload)
    summary = check_book(book)
    assert "错误" in summary
    actions = book.json()["actions"]
    assert actions[-1]["func"] == "alert"

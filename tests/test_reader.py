"""The reader finds cells by their names, notes every change of shape, and refuses what it cannot read."""

from __future__ import annotations

import hashlib
import zipfile

import openpyxl
import pytest

from giar_xl.errors import UnreadableInput
from giar_xl.layout import defined_name, places
from giar_xl.reader import read_workbook
from giar_xl.spec import DEFAULT_FORMAT
from giar_xl.template import build_workbook

from conftest import balanced_report

SPEC = DEFAULT_FORMAT
T3 = "三、依申请公开"


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "book.xlsx"
    build_workbook(path, balanced_report(2))
    return path


def notes(report, code):
    return [n for n in report.structure if n.code == code]


def test_reader_never_writes(book):
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    mtime = book.stat().st_mtime_ns
    read_workbook(book)
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before
    assert book.stat().st_mtime_ns == mtime


def test_inserted_row_is_followed_by_the_names_and_noted(book, tmp_path):
    """Simulate what Excel does on "insert row" above R3: cells and names move down one row."""
    wb = openpyxl.load_workbook(book)
    ws = wb[T3]
    ws.insert_rows(8)
    for cid, p in places(SPEC).items():
        if p.sheet == T3 and int(p.address[1:]) >= 8:
            wb.defined_names[defined_name(cid)].attr_text = f"'{T3}'!${p.address[0]}${int(p.address[1:]) + 1}"
    out = tmp_path / "moved.xlsx"
    wb.save(out)
    r = read_workbook(out)
    moved = notes(r, "moved")
    assert len(moved) == 1 and moved[0].sheet == T3
    assert r.cells["t3.disclosed.natural"].address == "D9"
    assert r.values["t3.disclosed.natural"] == balanced_report(2).values["t3.disclosed.natural"]


def test_deleted_row_and_changed_label(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    wb.defined_names[defined_name("t3.deny_secret.natural")].attr_text = "#REF!"
    wb[T3]["C11"] = "2.其他法律法规禁止公开"
    out = tmp_path / "damaged.xlsx"
    wb.save(out)
    r = read_workbook(out)
    assert [n.address for n in notes(r, "missing_name")] == ["D10"]
    assert r.values["t3.deny_secret.natural"] is None
    label = notes(r, "label")
    assert [(n.sheet, n.address) for n in label] == [(T3, "C11")]
    assert label[0].expected == "2.其他法律行政法规禁止公开"


def test_renamed_and_hidden_sheets(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    wb[T3].title = "表三"
    for cid, p in places(SPEC).items():
        if p.sheet == T3:
            wb.defined_names[defined_name(cid)].attr_text = f"'表三'!${p.address[0]}${p.address[1:]}"
    wb["四、复议诉讼"].sheet_state = "hidden"
    out = tmp_path / "renamed.xlsx"
    wb.save(out)
    r = read_workbook(out)
    assert [(n.expected, n.actual) for n in notes(r, "renamed")] == [(T3, "表三")]
    assert [n.sheet for n in notes(r, "hidden_sheet")] == ["四、复议诉讼"]
    assert r.values["t3.new.natural"] == balanced_report(2).values["t3.new.natural"]


def test_deleted_sheet(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    del wb["四、复议诉讼"]
    for cid, p in places(SPEC).items():
        if p.sheet == "四、复议诉讼":
            del wb.defined_names[defined_name(cid)]
    out = tmp_path / "nosheet.xlsx"
    wb.save(out)
    r = read_workbook(out)
    assert [n.sheet for n in notes(r, "missing_sheet")] == ["四、复议诉讼"]
    assert r.values["t4.review.total"] is None


def test_formula_values_are_recomputed_and_the_stored_ones_kept_apart(book, tmp_path):
    """A formula cell as Excel saves it: formula plus cached result, or an error value.
    The report's value is what the formula gives from the inputs (what gets checked and
    published); the stored result is kept beside it for the stale-cache rule."""
    out = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet4.xml":
                data = data.replace(b"<f>SUM(D6:I6)</f><v></v>", b"<f>SUM(D6:I6)</f><v>42</v>")
                data = data.replace(b"<f>SUM(D7:I7)</f><v></v>", b'<f>SUM(D7:I7)</f><v>#REF!</v>')
                data = data.replace(b'<c r="J7" s=', b'<c r="J7" t="e" s=')
            dst.writestr(info, data)
    r = read_workbook(out)
    assert (r.cells["t3.new.total"].cached, r.cells["t3.new.total"].has_cache) == (42, True)
    inputs = sum(r.values[f"t3.new.{c}"] for c in ("natural", "business", "research",
                                                       "nonprofit", "legal", "other"))
    assert inputs != 42 and r.values["t3.new.total"] == r.cells["t3.new.total"].computed == inputs
    assert r.cells["t3.carried.total"].cached == "#REF!"
    assert r.values["t3.carried.total"] == sum(r.values[f"t3.carried.{c}"] for c in (
        "natural", "business", "research", "nonprofit", "legal", "other"))


def test_2019_format_words_are_noted(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    wb["二、主动公开"]["B4"] = "本年新制作数量"
    out = tmp_path / "old.xlsx"
    wb.save(out)
    r = read_workbook(out)
    assert [(n.sheet, n.address) for n in notes(r, "format2019")] == [("二、主动公开", "B4")]


def test_foreign_workbook_is_refused(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "本年新制作数量"
    out = tmp_path / "foreign.xlsx"
    wb.save(out)
    with pytest.raises(UnreadableInput) as e:
        read_workbook(out)
    assert "不是 giar-xl 标准工作簿" in str(e.value) and "2019" in str(e.value)
    assert "foreign.xlsx" in str(e.value)


@pytest.mark.parametrize("content,words", [
    (b"", "空的"),
    (b"hello, not a workbook", "不是 .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64, "密码"),
    (b"PK\x03\x04truncated", "已损坏"),
])
def test_unreadable_files(tmp_path, content, words):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableInput) as e:
        read_workbook(path)
    assert words in str(e.value) and "bad.xlsx" in str(e.value)


def test_entity_declarations_are_refused(book, tmp_path):
    out = tmp_path / "xxe.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                assert not data.startswith(b"<?xml")  # openpyxl writes no declaration
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + data
            dst.writestr(info, data)
    with pytest.raises(UnreadableInput) as e:
        read_workbook(out)
    assert "DTD" in str(e.value)

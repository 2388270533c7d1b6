"""The units list: every encoding Excel writes, clear errors, and file names safe on Windows."""

from __future__ import annotations

import openpyxl
import pytest

from giar_xl.county.units import assign_filenames, read_units, safe_filename, Unit
from giar_xl.errors import GiarError

from conftest import run_cli

NAMES = ["某某县甲镇人民政府", "某某县乙镇人民政府", "某某县发展和改革局"]
CSV = "单位名称,单位编码,上年名称\n" + "\n".join(
    f"{n},{i:03d},{'某某县乙乡人民政府' if i == 2 else ''}" for i, n in enumerate(NAMES, 1)) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_writes(tmp_path, encoding):
    p = tmp_path / "units.csv"
    p.write_bytes(CSV.replace("\n", "\r\n").encode(encoding))
    units = read_units(p)
    assert [u.name for u in units] == NAMES
    assert [u.code for u in units] == ["001", "002", "003"]
    assert units[1].previous_name == "某某县乙乡人民政府" and units[0].previous_name is None
    assert [u.row for u in units] == [2, 3, 4]


def test_unicode_text_utf16_with_tabs(tmp_path):
    p = tmp_path / "units.txt"
    p.write_bytes(CSV.replace(",", "\t").encode("utf-16"))  # Excel's "Unicode 文本"
    assert [u.name for u in read_units(p)] == NAMES


def test_xlsx_list_and_codes_typed_as_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "机关名称", "代码"])
    for i, n in enumerate(NAMES, 1):
        ws.append([i, n, 1000 + i])
    p = tmp_path / "units.xlsx"
    wb.save(p)
    units = read_units(p)
    assert [u.name for u in units] == NAMES and units[0].code == "1001"


def test_single_column_without_header_and_blank_lines(tmp_path):
    p = tmp_path / "units.csv"
    p.write_text("\n".join([NAMES[0], "", "  " + NAMES[1] + "\u3000", NAMES[2], "", ""]), "utf-8")
    units = read_units(p)
    assert [u.name for u in units] == NAMES
    assert [u.row for u in units] == [1, 3, 4]


def test_duplicate_names_are_refused_naming_both_rows(tmp_path):
    p = tmp_path / "units.csv"
    # full-width letters and spaces do not make a different unit
    p.write_text("单位名称\n某某县 甲镇人民政府\n某某县乙镇\n某某县甲镇人民政府\n", "utf-8")
    with pytest.raises(GiarError) as e:
        read_units(p)
    assert "第 4 行" in e.value.message and "第 2 行" in e.value.message and "重复" in e.value.message
    assert e.value.file == str(p)


def test_empty_name_is_refused_naming_the_row(tmp_path):
    p = tmp_path / "units.csv"
    p.write_text("单位名称,单位编码\n某某县甲镇,001\n,002\n", "utf-8")
    with pytest.raises(GiarError) as e:
        read_units(p)
    assert "第 3 行" in e.value.message and "为空" in e.value.message and "002" in e.value.message


def test_several_columns_without_a_name_header(tmp_path):
    p = tmp_path / "units.csv"
    p.write_text("甲,1\n乙,2\n", "utf-8")
    with pytest.raises(GiarError, match="单位名称"):
        read_units(p)


@pytest.mark.parametrize("content", ["", "单位名称\n", "\n\n"])
def test_empty_lists(tmp_path, content):
    p = tmp_path / "units.csv"
    p.write_text(content, "utf-8")
    with pytest.raises(GiarError):
        read_units(p)


def test_old_excel_and_unknown_encoding(tmp_path):
    xls = tmp_path / "units.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(GiarError, match="另存为"):
        read_units(xls)
    bad = tmp_path / "units.csv"
    bad.write_bytes(b"\x81\x30\xff\xfe\x00abc")  # neither UTF-8 nor GB18030
    with pytest.raises(GiarError, match="编码"):
        read_units(bad)


@pytest.mark.parametrize("name, safe", [
    ("某某县甲镇人民政府", "某某县甲镇人民政府"),
    ('某局<办公室>:"财务"/科\\股|?*', "某局办公室财务科股"),
    ("某某中心\t\x01\n", "某某中心"),
    ("某某县政务服务中心. . ", "某某县政务服务中心"),
    ("...隐藏", "隐藏"),
    ("CON", "_CON"), ("nul", "_nul"), ("COM1.局", "_COM1.局"), ("LPT9", "_LPT9"),
    ("CONSOLE局", "CONSOLE局"),
    ("<>:?", ""),
])
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


def test_long_names_are_cut_and_collisions_get_the_row():
    long = "某" * 200
    assert len(safe_filename(long)) == 80
    units = [Unit("A/B局", 2), Unit("AB局", 3), Unit("ab局", 4), Unit("<>", 5)]
    names = assign_filenames(units)
    assert names["A/B局"] == "AB局.xlsx"
    assert names["AB局"] == "AB局（第3行）.xlsx"
    assert names["ab局"] == "ab局（第4行）.xlsx"
    assert names["<>"] == "单位5.xlsx"
    assert len({n.casefold() for n in names.values()}) == 4


def test_distribute_cli_refuses_a_bad_list_before_writing(tmp_path):
    p = tmp_path / "units.csv"
    p.write_bytes("单位名称\n某某县甲镇\n某某县甲镇\n".encode("gbk"))
    code, _, err = run_cli("distribute", p, "--year", "2025", "-o", tmp_path / "out")
    assert code == 2 and "第 3 行" in err and "units.csv" in err
    assert not (tmp_path / "out").exists()


def test_distribute_cli_names_files_and_never_overwrites(tmp_path):
    p = tmp_path / "units.csv"
    p.write_text("单位名称\nCON\n某局/办公室\n", "utf-8-sig")
    out = tmp_path / "out"
    code, stdout, _ = run_cli("distribute", p, "--year", "2025", "-o", out)
    assert code == 0 and "2 个单位" in stdout
    assert sorted(f.name for f in out.iterdir()) == ["_CON.xlsx", "某局办公室.xlsx"]
    before = (out / "_CON.xlsx").read_bytes()
    code, _, err = run_cli("distribute", p, "--year", "2026", "-o", out)
    assert code == 2 and "--force" in err and (out / "_CON.xlsx").read_bytes() == before
    code, _, _ = run_cli("distribute", p, "--year", "2026", "-o", out, "--force")
    assert code == 0 and (out / "_CON.xlsx").read_bytes() != before

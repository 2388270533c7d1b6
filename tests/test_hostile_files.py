"""Files that are not a readable workbook, at every entry point: a Chinese reason naming the file, exit 2.

Cases (issue 8): not a zip, a truncated zip, an empty file, a zip without its
central directory; .xls, .xlsb and WPS .et (advice: save as .xlsx), an .xls
renamed to .xlsx; a password-protected workbook. Entry points: validate,
export, diff, aggregate (the file is listed, the run goes on), annotate,
template --data and import (their own inputs), and the 校验 button.
"""

from __future__ import annotations

import json

import pytest

from giar_xl.annotate import annotate
from giar_xl.errors import GiarError

from conftest import run_cli
from hostile_helpers import ADVICE, bad_files, sha, workbook_bytes

CASES = sorted(ADVICE)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    good = workbook_bytes()
    (folder / "good.xlsx").write_bytes(good)
    for name, data in bad_files(good).items():
        (folder / name).write_bytes(data)
    return folder


def assert_refused(code: int, out: str, err: str, name: str) -> None:
    text = out + err
    assert code == 2, text
    assert "Traceback" not in text
    assert name in text, text  # the message names the file
    assert ADVICE[name] in text, text


@pytest.mark.parametrize("name", CASES)
def test_validate(files, name):
    before = sha(files / name)
    code, out, err = run_cli("validate", files / name)
    assert_refused(code, out, err, name)
    assert sha(files / name) == before


@pytest.mark.parametrize("name", CASES)
def test_validate_json_output_names_the_file(files, name):
    code, out, _ = run_cli("validate", "--format", "json", files / name)
    assert code == 2
    doc = json.loads(out)
    text = json.dumps(doc, ensure_ascii=False)
    assert name in text and ADVICE[name] in text


@pytest.mark.parametrize("name", CASES)
def test_export_writes_nothing(files, name, tmp_path):
    code, out, err = run_cli("export", files / name, "--to", "html,docx", "-o", tmp_path / "out")
    assert_refused(code, out, err, name)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("name", CASES)
def test_diff(files, name):
    code, out, err = run_cli("diff", files / "good.xlsx", files / name)
    assert_refused(code, out, err, name)


def test_aggregate_lists_every_bad_file_and_sums_the_good_one(files, tmp_path):
    out = tmp_path / "county.xlsx"
    code, stdout, stderr = run_cli("aggregate", files, "-o", out)
    assert code == 2  # a file could not be read
    assert "Traceback" not in stdout + stderr
    assert "已汇总 1 个单位" in stdout
    for name in CASES:
        line = next(line for line in stdout.splitlines() if name in line)
        assert ADVICE[name] in line, line
    assert out.exists() and out.with_suffix(".html").exists()


@pytest.mark.parametrize("name", [n for n in CASES if n.endswith(".xlsx")])
def test_annotate_refuses_before_writing(files, name, tmp_path):
    target = tmp_path / "标注.xlsx"
    with pytest.raises(GiarError) as e:
        annotate(files / name, [], target)
    assert name in str(e.value)
    assert not target.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", CASES)
def test_validate_annotate_writes_no_copy(files, name, tmp_path):
    suffix = "." + name.rsplit(".", 1)[1]
    target = tmp_path / ("标注" + suffix)
    code, out, err = run_cli("validate", files / name, "--annotate", target)
    assert code == 2 and "Traceback" not in out + err
    assert name in out + err or "--annotate" in out + err
    assert not target.exists()


@pytest.mark.parametrize("name", CASES)
def test_template_data_refuses_a_workbook_given_as_json(files, name, tmp_path):
    """--data takes report JSON: any of these files gets a reason, never a half-built workbook."""
    target = tmp_path / "t.xlsx"
    code, out, err = run_cli("template", "-o", target, "--data", files / name)
    assert code == 2 and "Traceback" not in out + err
    assert name in out + err
    assert not target.exists()


@pytest.mark.parametrize("name", CASES)
def test_import_refuses_workbooks_and_binaries(files, name, tmp_path):
    code, out, err = run_cli("import", files / name, "-o", tmp_path / "r.json")
    assert code == 2 and "Traceback" not in out + err
    assert name in out + err
    assert not (tmp_path / "r.json").exists()


def test_import_refuses_a_huge_file_before_reading_it(tmp_path):
    from giar_xl.importer import MAX_IMPORT_BYTES

    big = tmp_path / "巨大.txt"
    with open(big, "wb") as fh:  # sparse: no time spent writing it
        fh.truncate(MAX_IMPORT_BYTES + 1)
    code, out, err = run_cli("import", big, "-o", tmp_path / "r.json")
    assert code == 2 and "巨大.txt" in err and "MB" in err


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_json_nested_thousands_deep(body, tmp_path):
    path = tmp_path / "深.json"
    path.write_text(body)
    for args in (("validate", path), ("export", path, "--to", "html", "-o", tmp_path / "o.html"),
                 ("template", "-o", tmp_path / "t.xlsx", "--data", path), ("diff", path, path)):
        code, out, err = run_cli(*args)
        assert code == 2 and "深.json" in out + err and "嵌套" in out + err, args


def test_json_over_the_limit(tmp_path):
    from giar_xl.report import MAX_JSON_BYTES

    path = tmp_path / "大.json"
    with open(path, "wb") as fh:
        fh.truncate(MAX_JSON_BYTES + 1)
    code, out, err = run_cli("validate", path)
    assert code == 2 and "大.json" in out and "MB" in out


def test_a_folder_and_a_missing_file(tmp_path):
    code, out, err = run_cli("export", tmp_path / "没有这个文件.xlsx", "--to", "html")
    assert code == 2 and "没有这个文件.xlsx" in err and "不存在" in err
    (tmp_path / "目录.xlsx").mkdir()
    code, out, err = run_cli("export", tmp_path / "目录.xlsx", "--to", "html")
    assert code == 2 and "文件夹" in err


def test_button_on_a_book_that_is_not_the_template():
    """The button on an unrelated open workbook: an alert, nothing written, no exception."""
    xw = pytest.importorskip("xlwings")
    from giar_xl.button import check_book

    payload = {"client": "Microsoft Office Scripts", "version": xw.__version__,
               "book": {"name": "随便一个表.xlsx", "active_sheet_index": 0, "selection": "A1"},
               "sheets": [{"name": "Sheet1", "values": [["=cmd|' /C calc'!A0", "<script>x</script>"]],
                           "pictures": [], "tables": []}]}
    book = xw.Book(json=payload)
    message = check_book(book)
    assert "不是 giar-xl 标准工作簿" in message and "未做任何修改" in message
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]


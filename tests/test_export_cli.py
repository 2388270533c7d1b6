"""giar-xl export: inputs, outputs, refusal on 错误 findings, --force, atomic writes."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html

import giar_xl.fileio
from giar_xl.cli import main
from giar_xl.report import load_json_report
from conftest import balanced_report


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.fixture
def report_json(tmp_path) -> Path:
    p = tmp_path / "某镇-2025.json"
    p.write_text(balanced_report(3).dumps(), "utf-8")
    return p


@pytest.fixture
def broken_json(tmp_path) -> Path:
    r = balanced_report(4)
    r.values["t3.carry_forward.natural"] += 1  # breaks I1 (R1 + R2 = R24 + R25) and I2
    p = tmp_path / "有错-2025.json"
    p.write_text(r.dumps(), "utf-8")
    return p


def test_all_four_formats_beside_the_input(report_json, capsys):
    code, out, _ = run(["export", str(report_json), "--to", "html,docx", "--to", "txt"], capsys)
    assert code == 0
    base = report_json.with_suffix("")
    for suffix in (".html", ".docx", ".txt"):
        assert Path(str(base) + suffix).stat().st_size > 2000
    assert out.count("已导出") == 3


def test_json_export_onto_its_own_input_is_refused(report_json, capsys):
    before = report_json.read_bytes()
    code, _, err = run(["export", str(report_json), "--to", "json", "--force"], capsys)
    assert code == 2 and "输入文件相同" in err
    assert report_json.read_bytes() == before


def test_json_export_is_valid_and_reads_back(report_json, tmp_path, capsys):
    out = tmp_path / "out" / "data.json"
    out.parent.mkdir()  # an output file's folder must exist (tests/test_robust_outputs.py)
    code, _, _ = run(["export", str(report_json), "--to", "json", "-o", str(out)], capsys)
    assert code == 0
    back = load_json_report(out)  # validates against the schema
    assert back.values == load_json_report(report_json).values


def test_unreadable_input_exits_2_in_chinese(tmp_path, capsys):
    code, _, err = run(["export", str(tmp_path / "没有.json"), "--to", "html"], capsys)
    assert code == 2 and "文件不存在" in err and "没有.json" in err
    bad = tmp_path / "坏.json"
    bad.write_text("{不是 JSON", "utf-8")
    code, _, err = run(["export", str(bad), "--to", "html"], capsys)
    assert code == 2 and "不是有效的 JSON" in err
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(b"not a zip at all")
    code, _, err = run(["export", str(junk), "--to", "html"], capsys)
    assert code == 2 and err.startswith("错误：") and "坏.xlsx" in err
    assert not list(tmp_path.glob("*.html"))


def test_unwritable_output_folder_exits_2_in_chinese(report_json, tmp_path, capsys):
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", "utf-8")
    code, _, err = run(["export", str(report_json), "--to", "html", "-o",
                        str(blocker / "sub" / "a.html")], capsys)
    assert code == 2 and err.startswith("错误：") and "无法写入（路径中有一段不是文件夹）" in err


def test_bad_options_exit_2_in_chinese(report_json, tmp_path, capsys):
    code, _, err = run(["export", str(report_json)], capsys)
    assert code == 2 and "--to" in err
    code, _, err = run(["export", str(report_json), "--to", "odt"], capsys)
    assert code == 2 and "不支持的导出格式" in err
    code, _, err = run(["export", str(report_json), "--to", "docx", "-o",
                        str(tmp_path / "x.html")], capsys)
    assert code == 2 and "扩展名应为 .docx" in err


def test_existing_output_is_not_overwritten_without_force(report_json, tmp_path, capsys):
    target = tmp_path / "发布.html"
    target.write_text("旧内容", "utf-8")
    code, _, err = run(["export", str(report_json), "--to", "html", "-o", str(target)], capsys)
    assert code == 2 and "--force" in err
    assert target.read_text("utf-8") == "旧内容"
    code, _, _ = run(["export", str(report_json), "--to", "html", "-o", str(target), "--force"],
                     capsys)
    assert code == 0 and target.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_one_existing_output_stops_the_whole_run(report_json, tmp_path, capsys):
    outdir = tmp_path / "发布"
    outdir.mkdir()
    (outdir / (report_json.stem + ".docx")).write_bytes(b"old")
    code, _, _ = run(["export", str(report_json), "--to", "html", "--to", "docx", "-o",
                      str(outdir)], capsys)
    assert code == 2
    assert sorted(p.name for p in outdir.iterdir()) == [report_json.stem + ".docx"]


def test_a_failed_write_leaves_no_partial_file(report_json, tmp_path, capsys, monkeypatch):
    target = tmp_path / "发布.html"
    target.write_text("旧内容", "utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(giar_xl.fileio.os, "replace", broken_replace)
    code, _, err = run(["export", str(report_json), "--to", "html", "-o", str(target), "--force"],
                       capsys)
    assert code == 2 and "无法写入（磁盘空间不足）" in err and "发布.html" in err
    assert target.read_text("utf-8") == "旧内容"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([report_json.name, target.name])


def test_a_failed_render_writes_nothing(report_json, tmp_path, capsys, monkeypatch):
    import giar_xl.commands.export as cmd

    real = cmd.export_report

    def render(report, fmt, **kw):
        if fmt == "docx":
            raise RuntimeError("boom")
        return real(report, fmt, **kw)

    monkeypatch.setattr(cmd, "export_report", render)
    outdir = tmp_path / "发布"
    with pytest.raises(RuntimeError):
        main(["export", str(report_json), "--to", "html", "--to", "docx", "-o", str(outdir)])
    assert not outdir.exists() or not list(outdir.iterdir())


def test_errors_refuse_export_and_print_the_findings(broken_json, tmp_path, capsys):
    outdir = tmp_path / "发布"
    code, _, err = run(["export", str(broken_json), "--to", "html", "-o", str(outdir)], capsys)
    assert code == 1
    assert "I1" in err and "错误" in err and "--force" in err
    assert not (outdir / (broken_json.stem + ".html")).exists()


def test_forced_export_is_marked_in_metadata(broken_json, tmp_path, capsys):
    outdir = tmp_path / "发布"
    code, _, err = run(["export", str(broken_json), "--to", "html,docx,json,txt", "-o",
                        str(outdir), "--force"], capsys)
    assert code == 0 and "强制导出" in err
    stem = outdir / broken_json.stem
    page = lxml_html.document_fromstring(Path(f"{stem}.html").read_bytes())
    (meta,) = page.xpath("//meta[@name='giar-xl-unclean']")
    assert "I1" in meta.get("content")
    assert "未通过" not in page.text_content() and "unclean" not in page.text_content()
    d = docx.Document(io.BytesIO(Path(f"{stem}.docx").read_bytes()))
    assert d.core_properties.content_status == "giar-xl-unclean"
    assert all("unclean" not in p.text for p in d.paragraphs)
    doc = json.loads(Path(f"{stem}.json").read_text("utf-8"))
    assert doc["meta"]["unclean"]["errors"] >= 1 and "I1" in doc["meta"]["unclean"]["codes"]
    load_json_report(f"{stem}.json")  # still valid against the schema
    assert "纯文本没有文件属性" in err


def test_clean_export_carries_no_unclean_mark(report_json, tmp_path, capsys):
    outdir = tmp_path / "发布"
    code, _, _ = run(["export", str(report_json), "--to", "html", "--to", "json", "-o",
                      str(outdir)], capsys)
    assert code == 0
    page = (outdir / (report_json.stem + ".html")).read_text("utf-8")
    assert "giar-xl-unclean" not in page
    assert "unclean" not in json.loads((outdir / (report_json.stem + ".json")).read_text("utf-8")).get("meta", {})


def test_exports_a_workbook(tmp_path, capsys):
    from giar_xl.template import build_workbook

    book = tmp_path / "某镇.xlsx"
    build_workbook(book, balanced_report(5))
    code, _, err = run(["export", str(book), "--to", "txt"], capsys)
    assert code == 0, err
    text = (tmp_path / "某镇.txt").read_text("utf-8")
    assert text.lstrip().startswith("测试县某某镇人民政府2025年政府信息公开工作年度报告")
    assert os.path.getsize(tmp_path / "某镇.txt") > 2000


def test_pdf_without_libreoffice_says_so_in_chinese_and_writes_nothing(report_json, tmp_path,
                                                                        capsys, monkeypatch):
    import giar_xl.libreoffice

    monkeypatch.setattr(giar_xl.libreoffice, "soffice", lambda: None)
    code, out, err = run(["export", str(report_json), "--to", "html,pdf", "-o", str(tmp_path / "out")],
                         capsys)
    assert code == 2 and "导出 PDF 需要 LibreOffice" in err and "--to docx" in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())

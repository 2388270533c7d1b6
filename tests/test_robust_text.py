"""Text outside the Basic Multilingual Plane (issue 15): emoji and rare characters.

Excel writes such a character into a workbook either as itself or with the OOXML escape
of its two UTF-16 halves (``_xD83D__xDE00_``). Decoded half by half, the halves are lone
surrogates that no UTF-8 output can carry: every command then has to get the character
back whole, and a lone half (a damaged file) becomes U+FFFD instead of a traceback.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from giar_xl import xlsx
from giar_xl.report import load_json_report
from giar_xl.template import build_workbook
from giar_xl.text import fix_surrogates

from conftest import balanced_report, run_cli
from hostile_helpers import parts_of, zip_parts

EMOJI = "\U0001F600"  # 😀, escaped in OOXML as _xD83D__xDE00_
RARE = "\U00020BB7"  # 𠮷, a CJK character outside the BMP (_xD842__xDFB7_)
INTRO = f"本年度表情{EMOJI}与生僻字{RARE}，半个{{half}}结束。"


def _escaped(text: str) -> str:
    """Text as Excel escapes it: every UTF-16 code unit outside the BMP as _xHHHH_."""
    units = text.encode("utf-16-le")
    out = []
    for i in range(0, len(units), 2):
        u = int.from_bytes(units[i:i + 2], "little")
        out.append(f"_x{u:04X}_" if 0xD800 <= u <= 0xDFFF else chr(u))
    return "".join(out)


def escaped_workbook(path: Path, agency: str, seed: int = 1) -> Path:
    """A workbook whose agency and 总体情况 intro carry escaped pairs and one lone half."""
    r = balanced_report(seed, agency=agency + "@@AG@@")
    r.texts["s1.intro"] = "@@INTRO@@"
    parts = parts_of(build_workbook(None, r))
    intro = _escaped(INTRO.format(half="")).replace("半个", "半个_xD83D_")
    for name, body in parts.items():
        if name.startswith("xl/worksheets/"):
            body = body.replace(b"@@AG@@", _escaped(EMOJI).encode())
            body = body.replace(b"@@INTRO@@", intro.encode())
            parts[name] = body
    path.write_bytes(zip_parts(parts))
    return path


def test_fix_surrogates_pairs_and_lone_halves():
    assert fix_surrogates("a\ud83d\ude00b") == f"a{EMOJI}b"
    assert fix_surrogates("a\ud83db\ude00") == "a\ufffdb\ufffd"
    assert fix_surrogates("普通文字") == "普通文字"


def test_reader_decodes_escaped_pairs(tmp_path):
    book = escaped_workbook(tmp_path / "表情.xlsx", "测试县甲镇人民政府")
    data = xlsx.load(book)
    texts = [c.value for s in data.sheets.values() for c in s.cells.values() if isinstance(c.value, str)]
    assert f"测试县甲镇人民政府{EMOJI}" in texts
    assert INTRO.format(half="\ufffd") in texts
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for t in texts for ch in t)


@pytest.fixture
def county(tmp_path):
    folder = tmp_path / "回收"
    folder.mkdir()
    escaped_workbook(folder / "甲镇.xlsx", "测试县甲镇人民政府", seed=1)
    escaped_workbook(folder / "乙镇.xlsx", "测试县乙镇人民政府", seed=2)
    return folder


def test_every_command_copes_with_escaped_emoji(county, tmp_path):
    book = county / "甲镇.xlsx"
    code, out, err = run_cli("validate", book)
    assert code in (0, 1) and "Traceback" not in out + err
    out_dir = tmp_path / "导出"
    out_dir.mkdir()
    code, out, err = run_cli("export", book, "--to", "html,docx,json,txt", "-o", out_dir)
    assert code == 0, out + err
    for suffix in (".html", ".json", ".txt"):
        text = (out_dir / f"甲镇{suffix}").read_text("utf-8")
        assert EMOJI in text and RARE in text and "\ufffd" in text, suffix
    with zipfile.ZipFile(out_dir / "甲镇.docx") as z:
        document = z.read("word/document.xml").decode("utf-8")
    assert EMOJI in document and RARE in document

    summary = tmp_path / "汇总.xlsx"
    code, out, err = run_cli("aggregate", county, "-o", summary)
    assert code in (0, 1) and "已汇总 2 个单位" in out, out + err
    assert EMOJI in summary.with_suffix(".html").read_text("utf-8")

    code, out, err = run_cli("diff", book, county / "乙镇.xlsx")
    assert code == 0 and EMOJI in out, out + err
    code, out, err = run_cli("diff", book, county / "乙镇.xlsx", "--format", "html")
    assert code == 0 and EMOJI in out, out + err

    annotated = tmp_path / "标注.xlsx"
    code, out, err = run_cli("validate", book, "--annotate", annotated)
    assert code in (0, 1) and annotated.exists(), out + err


def test_lone_surrogate_in_report_json(tmp_path):
    doc = balanced_report(3).to_json()
    doc["agency"] = "测试县丙镇人民政府"
    # json.dumps escapes the lone half as \ud83d; json.loads gives it back as a lone surrogate
    doc["texts"]["s1.intro"] = "一半\ud83d，一对\ud83d\ude00。"
    source = tmp_path / "丙镇.json"
    source.write_text(json.dumps(doc), "utf-8")
    report = load_json_report(source)
    assert report.texts["s1.intro"] == f"一半\ufffd，一对{EMOJI}。"
    code, out, err = run_cli("export", source, "--to", "html,txt", "-o", tmp_path)
    assert code == 0, out + err
    assert EMOJI in (tmp_path / "丙镇.html").read_text("utf-8")

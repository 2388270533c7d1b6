"""giar-xl serve over real HTTP: every endpoint gives what the command line gives for the same file."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import openpyxl
import pytest

from giar_xl.export import FORMATS
from giar_xl.results import RESULTS_SHEET
from giar_xl.template import build_workbook
from giar_xl.template.xlsm import build_xlsm

from conftest import run_cli
from serve_helpers import LiveServer, clean_report, two_error_report, upload

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("serve-http")) as s:
        yield s


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("books")
    out = {}
    for name, report in (("干净.xlsx", clean_report()), ("两处错误.xlsx", two_error_report())):
        build_workbook(d / name, report)
        out[name] = d / name
    build_xlsm(d / "带按钮.xlsm", two_error_report())
    out["带按钮.xlsm"] = d / "带按钮.xlsm"
    (d / "报告.json").write_text(json.dumps(two_error_report().to_json(), ensure_ascii=False), encoding="utf-8")
    out["报告.json"] = d / "报告.json"
    last = clean_report()
    last.year -= 1
    last.values = {k: (v + 5 if isinstance(v, int) else v) for k, v in last.values.items()}
    build_workbook(d / "上年.xlsx", last)
    out["上年.xlsx"] = d / "上年.xlsx"
    return out


def cli_json(path: Path, *extra: str) -> dict:
    code, out, err = run_cli("validate", path, "--format", "json", *extra)
    assert code in (0, 1, 2), err
    return json.loads(out)


def as_served(doc: dict, names: dict[str, str]) -> dict:
    for f in doc["files"]:
        f["file"] = names.get(f["file"], f["file"])
    return doc


def disposition_name(response) -> str:
    m = re.search(r"filename\*=UTF-8''([^;]+)", response.headers["content-disposition"])
    return unquote(m.group(1))


def assert_clean_tmp(server: LiveServer) -> None:
    assert server.leftovers() == [], "the server left files behind"


@pytest.mark.parametrize("name", ["干净.xlsx", "两处错误.xlsx", "带按钮.xlsm", "报告.json"])
def test_validate_is_the_cli_json(server, books, name):
    path = books[name]
    r = server.client.post("/api/validate", files=upload(name, path.read_bytes()))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    jsonschema.validate(doc, SCHEMA)
    assert doc == as_served(cli_json(path), {str(path): name})
    assert doc["files"][0]["file"] == name
    if name != "干净.xlsx":
        assert {(f["sheet"], f["cell"]) for f in doc["files"][0]["findings"] if f["severity"] == "错误"} == {
            ("二、主动公开", "B5"), ("三、依申请公开", "D31")}
    assert_clean_tmp(server)


def test_validate_with_last_year(server, books):
    path, last = books["干净.xlsx"], books["上年.xlsx"]
    r = server.client.post("/api/validate", files=upload("干净.xlsx", path.read_bytes(),
                                                          ("上年.xlsx", last.read_bytes())))
    doc = r.json()
    jsonschema.validate(doc, SCHEMA)
    expected = as_served(cli_json(path, "--previous", str(last)), {str(path): "干净.xlsx"})
    assert doc == expected
    # the cross-year rules ran: the answer differs from the one without last year
    assert doc != as_served(cli_json(path), {str(path): "干净.xlsx"})
    assert_clean_tmp(server)


def test_unreadable_previous_is_a_finding_and_this_year_is_checked(server, books):
    r = server.client.post("/api/validate", files=upload("干净.xlsx", books["干净.xlsx"].read_bytes(),
                                                          ("去年的.xlsx", b"not a zip")))
    assert r.status_code == 200
    (result,) = r.json()["files"]
    (y06,) = [f for f in result["findings"] if f["code"] == "Y06"]
    assert "去年的.xlsx" in y06["message"] and "无法读取" in y06["message"]
    assert str(server.tmp) not in json.dumps(r.json(), ensure_ascii=False)  # never the temporary path


@pytest.mark.parametrize("name", ["两处错误.xlsx", "带按钮.xlsm"])
def test_annotate_is_the_cli_copy(server, books, name, tmp_path):
    path = books[name]
    r = server.client.post("/api/annotate", files=upload(name, path.read_bytes()))
    assert r.status_code == 200, r.text
    suffix = path.suffix
    assert disposition_name(r) == path.stem + "-校验" + suffix
    local = tmp_path / name
    shutil.copy(path, local)  # the same name: the results sheet's title names the file
    copy = tmp_path / ("cli" + suffix)
    code, _, err = run_cli("validate", local, "--annotate", copy)
    assert code == 1, err
    assert r.content == copy.read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(r.content), keep_vba=suffix == ".xlsm")
    assert wb.sheetnames[-1] == RESULTS_SHEET
    assert "2 个错误" in wb[RESULTS_SHEET]["A1"].value and name in wb[RESULTS_SHEET]["A1"].value
    assert wb["二、主动公开"]["B5"].fill.fgColor.rgb.endswith("FFC7CE")
    if suffix == ".xlsm":
        assert wb.vba_archive is not None and "xl/vbaProject.bin" in wb.vba_archive.namelist()
    assert_clean_tmp(server)


def test_annotate_refuses_report_json(server, books):
    r = server.client.post("/api/annotate", files=upload("报告.json", books["报告.json"].read_bytes()))
    assert r.status_code == 400 and "只有工作簿" in r.json()["error"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_the_cli_export(server, books, fmt, tmp_path):
    path = books["干净.xlsx"]
    r = server.client.post(f"/api/export?to={fmt}", files=upload("干净.xlsx", path.read_bytes()))
    assert r.status_code == 200, r.text
    name = disposition_name(r)
    assert name.startswith("干净.")
    code, _, err = run_cli("export", path, "--to", fmt, "-o", tmp_path)
    assert code == 0, err
    assert r.content == (tmp_path / name).read_bytes()
    assert_clean_tmp(server)


def test_export_refuses_errors_unless_forced(server, books, tmp_path):
    path = books["两处错误.xlsx"]
    r = server.client.post("/api/export?to=docx", files=upload("两处错误.xlsx", path.read_bytes()))
    assert r.status_code == 409
    assert "报告有 2 处错误，未导出" in r.json()["error"]
    forced = server.client.post("/api/export?to=html&force=1", files=upload("两处错误.xlsx", path.read_bytes()))
    assert forced.status_code == 200
    code, _, _ = run_cli("export", path, "--to", "html", "-o", tmp_path, "--force")
    assert code == 0
    assert forced.content == (tmp_path / "两处错误.html").read_bytes()
    assert b'name="giar-xl-unclean"' in forced.content


@pytest.mark.parametrize("query, words", [("to=pdfx", "不支持的导出格式"), ("", "请用 --to 指定"),
                                          ("to=html&to=docx", "一次只能导出一种格式")])
def test_export_bad_format(server, books, query, words):
    r = server.client.post(f"/api/export?{query}", files=upload("干净.xlsx", books["干净.xlsx"].read_bytes()))
    assert r.status_code == 400 and words in r.json()["error"]


def test_page_is_chinese_self_contained_and_offers_what_exists(server):
    r = server.client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="zh-CN">' in html and "拖到这里" in html and "上年报告" in html
    # nothing is fetched from elsewhere: no external reference, and the policy forbids it anyway
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in r.headers["content-security-policy"]
    config = json.loads(re.search(r'<script id="giar-config" type="application/json">(.*?)</script>',
                                  html, re.S).group(1))
    offered = [f["format"] for f in config["formats"]]
    status = server.client.get("/api/status").json()
    assert offered == status["formats"]
    assert set(offered) >= {"html", "docx", "json", "txt"}
    assert ("pdf" in offered) == ("pdf" in FORMATS and shutil.which("soffice") is not None)
    assert all(CJK.search(f["name"]) for f in config["formats"])


def test_missing_file_and_wrong_body(server):
    r = server.client.post("/api/validate", files={"other": ("x.xlsx", b"x")})
    assert r.status_code == 400 and "没有收到文件" in r.json()["error"]
    r = server.client.post("/api/validate", content=b"{}", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "multipart/form-data" in r.json()["error"]
    assert server.client.get("/api/validate").status_code == 405
    assert_clean_tmp(server)


def test_cross_site_posts_are_refused(server, books):
    r = server.client.post("/api/validate", files=upload("干净.xlsx", books["干净.xlsx"].read_bytes()),
                           headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and "其他网站" in r.json()["error"]
    same = server.client.post("/api/validate", files=upload("干净.xlsx", books["干净.xlsx"].read_bytes()),
                              headers={"origin": server.url.rstrip("/")})
    assert same.status_code == 200


def test_uploads_are_neither_kept_nor_logged(server, books):
    marker = "机密标记某某乡人民政府"
    r = clean_report()
    r.agency = marker
    data = build_workbook(None, r)
    resp = server.client.post("/api/validate", files=upload(f"{marker}.xlsx", data))
    assert resp.status_code == 200 and resp.json()["files"][0]["file"] == f"{marker}.xlsx"
    assert marker not in server.output
    assert_clean_tmp(server)


def test_binds_loopback_by_default(server):
    """The listening socket is 127.0.0.1 (read from the kernel's table; no traffic leaves loopback)."""
    listening = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if state == "0A" and int(port, 16) == server.port:  # 0A: LISTEN
            listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, little-endian


def test_busy_port_is_a_chinese_error(server):
    code, _, err = run_cli("serve", "--port", str(server.port))
    assert code == 2
    assert "端口已被占用" in err and "Traceback" not in err


def test_stops_cleanly_and_removes_its_folder(tmp_path, books):
    s = LiveServer(tmp_path / "tmp", workers=1)
    assert s.client.post("/api/validate", files=upload("干净.xlsx", books["干净.xlsx"].read_bytes())).status_code == 200
    assert s.stop() == 0
    assert "校验服务已停止" in s.output
    assert list((tmp_path / "tmp").iterdir()) == []

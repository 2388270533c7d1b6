"""The pieces of giar-xl serve in-process: upload names and limits, the worker pool's recovery."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from giar_xl.serve import jobs, uploads
from giar_xl.serve.pool import WorkerPool
from giar_xl.serve.uploads import UploadRefused, receive_files, safe_name


@pytest.mark.parametrize("raw, name", [
    ("报告.xlsx", "报告.xlsx"),
    ("../../etc/passwd", "passwd"),
    ("C:\\fakepath\\2025年报(1).xlsm", "2025年报(1).xlsm"),
    ("a\x00b\x1f.xlsx", "ab.xlsx"),
    ('a<b>:"c".xlsx', "a_b___c_.xlsx"),
    ("..", "file"),
    ("", "file"),
    ("长" * 300 + ".xlsx", "长" * (uploads.MAX_NAME_CHARS - 5) + ".xlsx"),
])
def test_safe_name(raw, name):
    assert safe_name(raw, "file") == name


def body(*parts: tuple[str, str, bytes], boundary: str = "XyZ") -> bytes:
    out = b""
    for field, filename, data in parts:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


async def chunks(data: bytes, size: int = 1000):
    for i in range(0, len(data), size):
        yield data[i:i + size]


def receive(data: bytes, folder, boundary: str = "XyZ"):
    return asyncio.run(receive_files(f"multipart/form-data; boundary={boundary}", chunks(data), folder))


def test_files_land_in_the_folder(tmp_path):
    got = receive(body(("file", "本年.xlsx", b"A" * 5000), ("previous", "上年.json", b"{}"),
                       ("note", "x.txt", b"ignored")), tmp_path)
    assert set(got) == {"file", "previous"}
    assert got["file"].path == tmp_path / "file" / "本年.xlsx" and got["file"].path.read_bytes() == b"A" * 5000
    assert got["previous"].path.read_bytes() == b"{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "previous"]


def test_a_part_over_the_limit_is_refused_and_the_rest_drained(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10_000)
    with pytest.raises(UploadRefused) as e:
        receive(body(("file", "大.xlsx", b"B" * 50_000)), tmp_path)
    assert e.value.status == 413 and "大.xlsx" in e.value.message
    assert (tmp_path / "file" / "大.xlsx").stat().st_size <= 10_000  # stopped writing at the limit


def test_body_over_the_drain_bound_is_cut_off(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_DRAIN_BYTES", 20_000)
    with pytest.raises(UploadRefused) as e:
        receive(body(("file", "a.xlsx", b"C" * 50_000)), tmp_path)
    assert e.value.status == 413


def test_one_file_per_field(tmp_path):
    with pytest.raises(UploadRefused) as e:
        receive(body(("file", "a.xlsx", b"1"), ("file", "b.xlsx", b"2")), tmp_path)
    assert e.value.status == 400 and "只能上传一个文件" in e.value.message


def test_not_multipart(tmp_path):
    with pytest.raises(UploadRefused) as e:
        asyncio.run(receive_files("application/json", chunks(b"{}"), tmp_path))
    assert e.value.status == 400


def test_broken_pool_is_replaced(tmp_path, example_report):
    """A worker that dies (killed, out of memory) costs one request a Chinese message, not the server."""
    path = tmp_path / "报告.json"
    path.write_text(json.dumps(example_report.to_json(), ensure_ascii=False), encoding="utf-8")

    async def scenario():
        pool = WorkerPool(1, str(tmp_path))
        try:
            crashed = await pool.run(os._exit, 3)
            after = await pool.run(jobs.validate, (str(path), "报告.json"))
            return crashed, after
        finally:
            pool.close()

    crashed, after = asyncio.run(scenario())
    assert crashed.status == 500 and "进程意外退出" in crashed.body.decode()
    assert after.status == 200 and json.loads(after.body)["files"][0]["file"] == "报告.json"


def test_limits_doc_states_the_server_limits():
    from pathlib import Path

    from giar_xl.report import MAX_JSON_BYTES

    doc = (Path(__file__).resolve().parent.parent / "docs" / "limits.md").read_text("utf-8")
    section = doc[doc.index("## 网页校验服务"):doc.index("## 输出文件")]
    assert f"{uploads.MAX_UPLOAD_BYTES // 2**20} MB" in section
    assert f"{MAX_JSON_BYTES // 2**20} MB" in section  # the button's body
    assert f"{uploads.IDLE_SECONDS} 秒" in section


def test_serve_doc_names_the_real_routes_port_and_setting():
    from pathlib import Path

    from starlette.routing import Route

    from giar_xl.commands.serve import DEFAULT_PORT
    from giar_xl.serve import BUTTON_PATH, create_app

    doc = (Path(__file__).resolve().parent.parent / "docs" / "serve.md").read_text("utf-8")
    assert f":{DEFAULT_PORT}" in doc and BUTTON_PATH in doc
    assert '"GIAR_SERVER","http://' in doc  # the key the workbook's macro reads (tests/test_serve_macro.py)
    for route in create_app().routes:
        assert isinstance(route, Route) and f"`{sorted(route.methods - {'HEAD'})[0]} {route.path}" in doc, route.path

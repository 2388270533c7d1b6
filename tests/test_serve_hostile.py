"""Hostile uploads to a running giar-xl serve: each gets a Chinese answer, and the server keeps serving.

The file-level limits are the command line's own (docs/limits.md); the server adds a
bound on what it receives at all, checked here with a 100 MB upload.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from giar_xl.serve import BUTTON_PATH
from giar_xl.serve.uploads import MAX_UPLOAD_BYTES
from giar_xl.xlsx import MAX_FILE_BYTES

from hostile_helpers import (ADVICE, T3_PART, bad_files, billion_laughs, with_part, workbook_bytes,
                             write_zip_bomb)
from serve_helpers import LiveServer, clean_report, upload

CJK = re.compile(r"[\u4e00-\u9fff]")
BOMB_INFLATED = 512 * 2**20  # one sheet part inflating to 512 MiB (the part limit is 30 MB)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("serve-hostile")) as s:
        yield s


@pytest.fixture(scope="module")
def good() -> bytes:
    return workbook_bytes()


@pytest.fixture(scope="module")
def clean() -> bytes:
    from giar_xl.template import build_workbook

    return build_workbook(None, clean_report())


@pytest.fixture(scope="module")
def bomb(tmp_path_factory, good) -> Path:
    path = write_zip_bomb(tmp_path_factory.mktemp("bomb") / "压缩炸弹.xlsx", good, BOMB_INFLATED)
    assert path.stat().st_size < 2 * 2**20
    return path


def still_serving(server: LiveServer, clean: bytes) -> None:
    r = server.client.post("/api/validate", files=upload("正常.xlsx", clean))
    assert r.status_code == 200 and r.json()["files"][0]["readable"]
    assert server.alive()
    assert server.leftovers() == []


def error_of(response) -> str:
    doc = response.json()
    if "error" in doc:
        return doc["error"]
    return doc["files"][0]["error"]


@pytest.mark.parametrize("endpoint", ["/api/validate", "/api/annotate", "/api/export?to=html"])
def test_zip_bomb(server, bomb, clean, endpoint):
    r = server.client.post(endpoint, files=upload(bomb.name, bomb.read_bytes()))
    assert r.status_code == 422
    message = error_of(r)
    assert "压缩炸弹" in message and "30 MB" in message
    still_serving(server, clean)


@pytest.mark.parametrize("name", list(ADVICE))
def test_not_a_workbook(server, good, clean, name):
    r = server.client.post("/api/validate", files=upload(name, bad_files(good)[name]))
    assert r.status_code == 422
    doc = r.json()
    assert doc["files"][0]["file"] == name and not doc["files"][0]["readable"]
    assert ADVICE[name] in doc["files"][0]["error"] and CJK.search(doc["files"][0]["error"])
    still_serving(server, clean)


def test_entities_are_refused(server, good, clean):
    r = server.client.post("/api/annotate", files=upload("实体.xlsx", with_part(good, T3_PART, billion_laughs())))
    assert r.status_code == 422 and "DTD" in error_of(r)
    still_serving(server, clean)


def test_100_mb_upload_is_refused_while_the_server_keeps_serving(server, clean, tmp_path):
    big = tmp_path / "一百兆.xlsx"
    with open(big, "wb") as f:  # sparse: 100 MB on the wire, nothing on this disk
        f.truncate(100 * 2**20)
    before = server.rss_kib()
    with open(big, "rb") as f:
        r = server.client.post("/api/validate", files={"file": ("一百兆.xlsx", f)})
    assert r.status_code == 413
    message = r.json()["error"]
    assert "一百兆.xlsx" in message and f"{MAX_UPLOAD_BYTES // 2**20} MB" in message
    # received in chunks and dropped past the limit: neither held in memory nor kept on disk
    assert server.rss_kib() - before < 64 * 1024
    still_serving(server, clean)


def test_declared_huge_body_is_refused_at_once(server, clean):
    """A client announcing 10 GiB is answered before it sends them (raw socket: httpx will not lie)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(b"POST /api/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: multipart/form-data; boundary=x\r\n"
                     b"Content-Length: %d\r\n\r\n--x\r\n" % (10 * 2**30))
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < 20:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "已拒绝接收" in body.decode("utf-8", "replace")
    still_serving(server, clean)


def test_limit_is_the_readers_own():
    assert MAX_UPLOAD_BYTES == MAX_FILE_BYTES


def test_deep_json_and_bad_json(server, clean):
    r = server.client.post("/api/validate", files=upload("嵌套.json", b"[" * 200_000 + b"]" * 200_000))
    assert r.status_code == 422 and "嵌套" in error_of(r)
    r = server.client.post("/api/validate", files=upload("坏.json", b"\xff\xfe{"))
    assert r.status_code == 422 and "UTF-8" in error_of(r)
    still_serving(server, clean)


def test_malformed_multipart(server, clean):
    body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\nabc"  # no end
    r = server.client.post("/api/validate", content=body,
                           headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 400 and CJK.search(r.json()["error"])
    still_serving(server, clean)


def test_path_in_file_name_stays_inside(server, clean):
    for name in ("../../逃逸.xlsx", "C:\\Users\\张三\\桌面\\逃逸.xlsx", "/etc/逃逸.xlsx"):
        r = server.client.post("/api/validate", files=upload(name, clean))
        assert r.status_code == 200
        assert r.json()["files"][0]["file"] == "逃逸.xlsx"
    assert not list(server.tmp.parent.rglob("逃逸.xlsx"))
    still_serving(server, clean)


@pytest.mark.parametrize("body, status, words", [
    (b"not json", 400, "不是有效的 JSON"),
    (b"[" * 100_000 + b"]" * 100_000, 400, "不是有效的 JSON"),
    (json.dumps({"client": "VBA"}).encode(), 400, "不是“校验”按钮"),
    (json.dumps({"client": "VBA", "version": "0.1.0", "book": {"name": "a"}, "sheets": []}).encode(), 409,
     "版本"),
])
def test_button_garbage(server, clean, body, status, words):
    r = server.client.post(BUTTON_PATH, content=body, headers={"content-type": "application/json"})
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/plain")  # the VBA client shows it in a message box
    assert words in r.text
    still_serving(server, clean)


def test_button_huge_body(server, clean):
    r = server.client.post(BUTTON_PATH, content=b" " * (21 * 2**20), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "MB" in r.text
    still_serving(server, clean)

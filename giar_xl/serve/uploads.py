"""Receive a multipart upload straight into the request's private folder, within bounds.

Starlette's own form parser spools files to the system temporary folder and puts
no limit on their size; here every file part goes to ``folder/<field>/<name>`` as it
arrives and the whole body is bounded, so a 100 MB or endless upload costs a
fixed amount of memory and at most the limit on disk. Names are the clerk's own
(they appear in messages and on the results sheet), reduced to a safe base name.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import AsyncIterator
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

from ..report import MAX_JSON_BYTES
from ..text import strip_control
from ..xlsx import MAX_FILE_BYTES

FIELDS = ("file", "previous")  # what the page and the API send
MAX_UPLOAD_BYTES = max(MAX_FILE_BYTES, MAX_JSON_BYTES)  # one file: the reader's own limit
MAX_BODY_BYTES = len(FIELDS) * MAX_UPLOAD_BYTES + 64 * 1024  # both files plus headers
# past the limit the rest of the body is read and dropped, so the client gets the answer
# instead of a reset connection; a body larger than this is cut off
MAX_DRAIN_BYTES = 4 * MAX_BODY_BYTES
IDLE_SECONDS = 60  # a client that stops sending mid-upload
MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r'[\\/:*?"<>|]')


class UploadRefused(Exception):
    """An upload the server will not take: the status and a Chinese message for the clerk."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Upload:
    field: str
    name: str  # the clerk's file name, made safe
    path: Path
    size: int = 0


@dataclass
class _Part:
    field: str = ""
    name: str = ""
    path: Path | None = None
    handle: object = None
    size: int = 0
    headers: dict[bytes, bytes] = dataclasses.field(default_factory=dict)


def safe_name(raw: str, fallback: str) -> str:
    """The base name of an uploaded file, fit to be a file name on any system."""
    name = unicodedata.normalize("NFC", strip_control(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # old browsers send the full path
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return fallback
    if len(name) > MAX_NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:MAX_NAME_CHARS - len(suffix) - 1] + "." + suffix) if dot and len(suffix) <= 8 \
            else name[:MAX_NAME_CHARS]
    return name


def too_large_message(name: str) -> str:
    return (f"文件“{name}”超过 {MAX_UPLOAD_BYTES // 2**20} MB，不像是年度报告工作簿或报告数据，"
            "已拒绝接收。")


async def receive_files(content_type: str | None, stream: AsyncIterator[bytes],
                        folder: Path, content_length: int | None = None) -> dict[str, Upload]:
    """Parse the body into ``folder``; return the file parts by field name.

    Raises ``UploadRefused`` for a body that is not a multipart form, has no file,
    or is too large; files already written stay in ``folder`` for the caller to remove.
    """
    kind, params = parse_options_header(content_type or "")
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused(400, "请以表单方式上传文件（multipart/form-data，字段名 file）。")
    if content_length is not None and content_length > MAX_DRAIN_BYTES:
        raise UploadRefused(413, too_large_message("上传的内容"))
    uploads: dict[str, Upload] = {}
    part = _Part()
    header_name = bytearray()
    header_value = bytearray()
    refused: list[UploadRefused] = []

    def refuse(status: int, message: str) -> None:
        if not refused:
            refused.append(UploadRefused(status, message))
        _close(part)

    def on_part_begin() -> None:
        nonlocal part
        part = _Part()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_name.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        part.headers[bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, options = parse_options_header(part.headers.get(b"content-disposition", b""))
        part.field = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options or part.field not in FIELDS or refused:
            return  # other fields are read and ignored
        if part.field in uploads:
            refuse(400, f"字段 {part.field} 只能上传一个文件。")
            return
        part.name = safe_name(options[b"filename"].decode("utf-8", "replace"), part.field)
        target = folder / part.field
        target.mkdir()
        part.path = target / part.name
        part.handle = open(part.path, "xb")  # noqa: SIM115  (closed in on_part_end or refuse)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if part.handle is None:
            return
        part.size += end - start
        if part.size > MAX_UPLOAD_BYTES:
            refuse(413, too_large_message(part.name))
            return
        part.handle.write(data[start:end])  # type: ignore[attr-defined]

    def on_part_end() -> None:
        if part.handle is not None:
            _close(part)
            uploads[part.field] = Upload(part.field, part.name, part.path, part.size)  # type: ignore[arg-type]

    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end})
    received = 0
    iterator = stream.__aiter__()
    try:
        while True:
            try:
                chunk = await asyncio.wait_for(iterator.__anext__(), IDLE_SECONDS)
            except StopAsyncIteration:
                break
            except asyncio.TimeoutError:
                raise UploadRefused(408, "上传中断（超过一分钟没有收到数据），请重新上传。") from None
            received += len(chunk)
            if received > MAX_DRAIN_BYTES:
                raise UploadRefused(413, too_large_message("上传的内容"))
            if refused:
                continue  # drain: the answer is decided, the client is still sending
            if received > MAX_BODY_BYTES:
                refuse(413, too_large_message(part.name or "上传的内容"))
                continue
            try:
                parser.write(chunk)
            except Exception:  # python-multipart raises several types on a malformed body
                refuse(400, "上传的表单格式不正确，请重新选择文件上传。")
        if not refused:
            try:
                parser.finalize()
            except Exception:
                refuse(400, "上传的内容不完整，请重新上传。")
    finally:
        _close(part)
    if refused:
        raise refused[0]
    if "file" not in uploads:
        raise UploadRefused(400, "没有收到文件：请选择要校验的工作簿（.xlsx/.xlsm）或报告数据（.json）。")
    return uploads


def _close(part: _Part) -> None:
    if part.handle is not None:
        part.handle.close()  # type: ignore[attr-defined]
        part.handle = None
